using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using VectorOps.Commands;
using VectorOps.Connections;
using VectorOps.Hosting;
using VectorOps.Model;
using VectorOps.Providers;
using VectorOps.Serialization;
using VectorOps.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace VectorOps.Tests.PgVector
{
    /// <summary>
    /// What a LangChain user does with VectorOps, on tables made with exactly the DDL langchain-postgres emits
    /// (PgTestTable: the collection table, the embedding table with its foreign key ON DELETE CASCADE, its unique id
    /// index and its GIN index on cmetadata; langchain-postgres makes no index on collection_id, so neither does
    /// this), two collections of realistic rows (uuid ids as LangChain makes them, document text with non-ASCII,
    /// quotes and new lines, nested cmetadata, 8-dimensional embeddings): through the command layer, preview a clear
    /// of one collection (-WhatIf: nothing changes, the count is right), clear it with a backup, check the other
    /// collection is untouched, restore the backup, and compare both tables with what they were, row by row:
    /// ids, collections, embeddings as pgvector's text (bit-exact floats), documents, cmetadata as jsonb.
    /// </summary>
    public sealed class LangChainScenarioTests : IDisposable
    {
        private const string Docs = "product-docs";
        private const string Tickets = "support-tickets";
        private readonly ITestOutputHelper _output;
        private readonly PgTestTable _table;
        private readonly PgJournal _journal;
        private readonly string _dir = Directory.CreateTempSubdirectory("vectorops-langchain-").FullName;

        public LangChainScenarioTests(ITestOutputHelper output)
        {
            _output = output;
            using (var c = PgTestTable.Open()) PgTestTable.Execute(c, "CREATE EXTENSION IF NOT EXISTS vector");
            _table = PgTestTable.Create(PgTableLayout.LangChain, PgTestTable.UniqueSchema("langchain_scenario"), PgTestTable.LangChainEmbeddings, dimension: 8);
            _journal = PgJournal.Install(_table);
        }

        private static readonly string[] Topics = { "installation", "billing", "API keys", "rate limits", "exports", "SSO", "webhooks" };

        /// <summary>Rows as a LangChain app writes them: a uuid4 id, a chunk of a document, metadata with nested values.</summary>
        private static List<PgRow> Rows(string collection, int count, int seed)
        {
            var random = new Random(seed);
            var rows = new List<PgRow>();
            for (var i = 0; i < count; i++)
            {
                var id = new Guid(Enumerable.Range(0, 16).Select(_ => (byte)random.Next(256)).ToArray()).ToString();
                var topic = Topics[i % Topics.Length];
                var embedding = Enumerable.Range(0, 8).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
                var page = (i % 9 + 1).ToString(CultureInfo.InvariantCulture);
                var score = (random.Next(1000) / 997.0).ToString("R", CultureInfo.InvariantCulture);
                var metadata = "{\"source\":\"" + collection + "/" + topic.Replace(' ', '-') + ".md\",\"page\":" + page +
                               ",\"tags\":[\"" + topic + "\",\"v2\"],\"author\":{\"name\":\"Zoë Ødegård\",\"team\":{\"id\":" + (i % 3).ToString(CultureInfo.InvariantCulture) + ",\"lead\":null}}" +
                               ",\"score\":" + score + ",\"draft\":" + (i % 4 == 0 ? "true" : "false") + "}";
                var document = $"## {topic} (part {i})\nTo set up {topic}, open “Settings” → \"{topic}\" and follow the steps.\n\tCafé-grade note #{i}: naïve résumé ✓";
                rows.Add(new PgRow(id, embedding, metadata, document));
            }
            return rows;
        }

        /// <summary>Both tables, row by row, in a form compared exactly (jsonb's text is its canonical form).</summary>
        private List<string> Snapshot()
        {
            using var c = PgTestTable.Open();
            var embeddings = PgTestTable.Rows(c,
                $"SELECT e.\"id\", k.\"name\", e.\"collection_id\"::text, e.\"embedding\"::text, e.\"document\", e.\"cmetadata\"::jsonb::text " +
                $"FROM {_table.Qualified(PgTestTable.LangChainEmbeddings)} e LEFT JOIN {_table.Qualified(PgTestTable.LangChainCollections)} k ON k.\"uuid\" = e.\"collection_id\" ORDER BY e.\"id\"");
            var collections = PgTestTable.Rows(c,
                $"SELECT \"uuid\"::text, \"name\", \"cmetadata\"::jsonb::text FROM {_table.Qualified(PgTestTable.LangChainCollections)} ORDER BY \"name\"");
            return embeddings.Select(r => "embedding " + string.Join(" | ", r)).Concat(collections.Select(r => "collection " + string.Join(" | ", r))).ToList();
        }

        private VectorConnection Connect()
        {
            var s = new ConnectionSettings { Provider = "PgVector", Index = _table.Index, RequestTimeout = TimeSpan.FromSeconds(30) };
            s["ConnectionString"] = PgTestTable.ConnectionString;
            s["Layout"] = "LangChain";
            s["Schema"] = _table.Schema;
            return ConnectCommand.Connect(s, makeDefault: false);
        }

        [Fact]
        public void A_collection_is_previewed_backed_up_cleared_and_restored_exactly_and_the_other_is_never_touched()
        {
            var docs = Rows(Docs, 37, seed: 14);
            var tickets = Rows(Tickets, 23, seed: 41);
            using (var c = PgTestTable.Open())
            {
                _table.EnsureCollection(c, Docs, "{\"owner\":\"docs-team\",\"embedding_model\":\"text-embedding-3-small\"}");
                _table.EnsureCollection(c, Tickets, null);
                _table.Insert(c, Docs, docs);
                _table.Insert(c, Tickets, tickets);
            }
            var before = Snapshot();
            Assert.Equal(60 + 2, before.Count);
            long seeded;
            using (var c = PgTestTable.Open()) seeded = _journal.MutatingStatements(c);
            using var connection = Connect();

            // 1. Preview: nothing changes, the count is right.
            var preview = new RecordingHost { Decision = ShouldProcessDecision.WhatIf };
            var clear = new ClearNamespaceCommand(preview, connection);
            clear.Clear(Docs);
            clear.Complete();
            Assert.Empty(preview.Errors.Select(e => e.ToString()));
            var whatIf = Assert.Single(preview.Mutations);
            Assert.Equal(MutationStatus.WhatIf, whatIf.Status);
            Assert.Equal(docs.Count, whatIf.RequestedCount);
            Assert.Equal(before, Snapshot());
            using (var c = PgTestTable.Open()) Assert.Equal(seeded, _journal.MutatingStatements(c));

            // 2. Clear it with a backup.
            var backup = Path.Combine(_dir, "product-docs.jsonl");
            var host = new RecordingHost();
            clear = new ClearNamespaceCommand(host, connection, backupPath: backup);
            clear.Clear(Docs);
            clear.Complete();
            Assert.Empty(host.Errors.Select(e => e.ToString()));
            Assert.Empty(host.ThreadViolations);
            Assert.All(host.Mutations, m => Assert.Equal(MutationStatus.Completed, m.Status));
            Assert.Equal(docs.Count, host.Mutations.Sum(m => m.AffectedCount ?? m.RequestedCount));
            var afterClear = Snapshot();
            // Exactly the collection's rows went (the server's journal of deleted rows), and nothing else changed:
            // the other collection's rows and both collection rows are as they were.
            List<(string Namespace, string Id)> deleted;
            using (var c = PgTestTable.Open()) deleted = _journal.DeletedRows(c);
            Assert.Equal(docs.Select(r => r.Id).OrderBy(x => x, StringComparer.Ordinal), deleted.Select(d => d.Id).OrderBy(x => x, StringComparer.Ordinal));
            Assert.All(deleted, d => Assert.Equal(Docs, d.Namespace));
            var docIds = new HashSet<string>(docs.Select(r => r.Id), StringComparer.Ordinal);
            Assert.Equal(before.Where(l => !(l.StartsWith("embedding ", StringComparison.Ordinal) && docIds.Contains(l.Substring("embedding ".Length).Split(" | ")[0]))), afterClear);
            var lines = File.ReadAllLines(backup);
            Assert.Equal(docs.Count, lines.Length);
            Assert.All(lines.Select(RecordJson.ParseLine), r => Assert.Equal(Docs, r.Namespace));

            // 3. Restore: both tables exactly as before, row by row.
            var restoreHost = new RecordingHost();
            var summary = new RestoreRecordsCommand(restoreHost, connection).Restore(backup);
            Assert.Empty(restoreHost.Errors.Select(e => e.ToString()));
            Assert.Empty(restoreHost.Warnings);
            Assert.Equal(docs.Count, summary.Records);
            var after = Snapshot();
            Assert.Equal(before, after);
            _output.WriteLine($"{docs.Count} rows of '{Docs}' previewed (0 mutating statements), cleared with a backup ({lines.Length} lines), " +
                              $"'{Tickets}' ({tickets.Count} rows) untouched, restored: {after.Count} rows of both tables equal to before " +
                              "(ids, collection ids, embeddings as text, documents, cmetadata as jsonb, the collection rows)");
        }

        public void Dispose()
        {
            _table.Drop();
            try { Directory.Delete(_dir, recursive: true); }
            catch (IOException) { }
        }
    }
}
