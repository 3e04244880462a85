using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using VectorOps.Commands;
using VectorOps.Connections;
using VectorOps.Model;
using VectorOps.Providers;
using VectorOps.Serialization;
using VectorOps.Tests.Cli;
using VectorOps.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace VectorOps.Tests.Conformance
{
    /// <summary>
    /// Backup and restore on every provider: records in two namespaces (values, sparse values where the provider
    /// has them, metadata of every kind) are deleted by id and by clearing a namespace, both with a backup; the
    /// backup is restored; every record read back equals the original, namespace included. Once through the
    /// command layer (what Remove-VectorRecord / Clear-VectorNamespace / Restore-VectorRecord run) and once
    /// through the CLI (--backup, restore). Every conformance fixture runs it (the CLI half: those the CLI process
    /// reaches); namespace A is the fixture's other namespace, B its default one. A provider with one namespace per
    /// index (PgVector's LlamaIndex layout) runs the same steps in that one: A and B are the same, its 60 records
    /// all there, so the ids deleted first are backed up by the delete and the rest by the clear.
    /// </summary>
    [Collection(ConformanceCollection.Name)]
    public sealed class BackupRoundTripTests : IDisposable
    {
        private readonly ITestOutputHelper _output;
        private readonly ConformanceServers _servers;
        private ProviderFixture? _fixture;

        public BackupRoundTripTests(ConformanceServers servers, ITestOutputHelper output)
        {
            _servers = servers;
            _output = output;
            Dir = Directory.CreateTempSubdirectory("vectorops-roundtrip-").FullName;
        }

        private void Open(string provider)
        {
            _fixture = ProviderFixtures.Get(provider).Create(_servers);
            using var c = _fixture.Connect();
            HasSparseValues = c.ProviderInstance.RecordRules.SparseValues;
            HasLists = c.ProviderInstance.RecordRules.MetadataLists;
            HasDocuments = c.ProviderInstance.RecordRules.Documents;
        }

        private ProviderFixture F => _fixture ?? throw new InvalidOperationException("Open(provider) first.");
        private string Dir { get; }
        private string Name => F.Name;
        private string NamespaceA => F.OtherNamespace ?? F.Namespace;
        private bool OneNamespace => F.OtherNamespace is null;
        private string NamespaceB => F.Namespace;
        private bool HasSparseValues { get; set; }
        private bool HasLists { get; set; }
        private bool HasDocuments { get; set; }
        private VectorConnection Connect() => F.Connect();
        private void Settle() => F.Settle();
        private List<string> CliArgs(string command, params string[] rest) => F.CliArgs(command, true, rest);
        private Dictionary<string, string> CliEnvironment() => F.CliEnvironment();

        /// <summary>Checks the journal (where there is one) saw exactly these deletes: nothing beyond the request.</summary>
        private void AssertDeletedExactly(IReadOnlyCollection<string> ids)
        {
            if (F.DeletedIdsIn(NamespaceA, NamespaceB) is IReadOnlyCollection<string> deleted)
                Assert.Equal(ids.OrderBy(x => x, StringComparer.Ordinal), deleted.OrderBy(x => x, StringComparer.Ordinal));
        }

        public static TheoryData<string> CliData()
        {
            var data = new TheoryData<string>();
            foreach (var e in ProviderFixtures.All.Where(e => e.Supports(ConformanceCase.BackupRestoreRoundTrip) && e.Supports(ConformanceCase.Cli)))
                data.Add(e.Name);
            return data;
        }

        private List<VectorRecord> Originals()
        {
            var list = new List<VectorRecord>();
            foreach (var (ns, count) in OneNamespace ? new[] { (NamespaceB, 60) } : new[] { (NamespaceA, 40), (NamespaceB, 20) })
            {
                for (var i = 0; i < count; i++)
                {
                    var r = new VectorRecord(F.Id($"{ns}-r{i:D3}"))
                    {
                        Namespace = ns,
                        Values = new[] { 0.5f + i, -0.25f * i - 0.125f, 1f / (i + 3), 3.1415927f },
                        Metadata = new Dictionary<string, object?>
                        {
                            ["genre"] = i % 3 == 0 ? "drama" : "comedé",
                            ["year"] = 1990L + i,
                            ["score"] = 0.125 * i + 0.5,
                            ["draft"] = i % 2 == 0,
                        },
                    };
                    if (HasLists) r.Metadata["tags"] = new List<string> { "t" + i, "all" };
                    // Where the store keeps the text beside the vector, a backup carries it back (one record in five has none).
                    if (HasDocuments && i % 5 != 4) r.Document = $"text of {ns} record {i} – ünïcode";
                    if (HasSparseValues) r.SparseValues = new SparseVector(new uint[] { (uint)i, (uint)i + 7, 1000 }, new[] { 0.5f, 0.25f * i, 2f });
                    list.Add(r);
                }
            }
            return list;
        }

        private void Seed(VectorConnection connection, IEnumerable<VectorRecord> records)
        {
            var host = new RecordingHost();
            var add = new AddRecordsCommand(host, connection, batchSize: 25);
            foreach (var r in records) add.Add(r);
            add.Complete();
            Assert.Empty(host.Errors.Select(e => e.ToString()));
            Settle();
        }

        /// <summary>Every record of both namespaces as provider lines (read back), by namespace and id.</summary>
        private SortedDictionary<string, string> ReadAll(VectorConnection connection, IEnumerable<VectorRecord> which)
        {
            var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var group in which.GroupBy(r => r.Namespace!))
            {
                var ids = group.Select(r => r.Id).ToList();
                for (var i = 0; i < ids.Count; i += 20)
                {
                    foreach (var r in connection.ProviderInstance.FetchAsync(group.Key, ids.Skip(i).Take(20).ToList(), CancellationToken.None).GetAwaiter().GetResult())
                    {
                        r.Namespace ??= group.Key;
                        result[group.Key + "/" + r.Id] = RecordJson.ToLine(r);
                    }
                }
            }
            return result;
        }

        /// <summary>
        /// A record line with its metadata keys in ordinal order: the order of a JSON object's keys is not data, and a
        /// store may keep its own (PostgreSQL's jsonb orders keys by length, then bytes).
        /// </summary>
        private static string Canonical(string line)
        {
            var r = RecordJson.ParseLine(line);
            if (r.Metadata != null)
                r.Metadata = r.Metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
            return RecordJson.ToLine(r);
        }

        [Theory]
        [MemberData(nameof(ProviderFixtures.For), ConformanceCase.BackupRestoreRoundTrip, MemberType = typeof(ProviderFixtures))]
        public void Delete_and_clear_with_a_backup_then_restore_gives_back_records_equal_to_the_originals(string provider)
        {
            Open(provider);
            var records = Originals();
            var backup = Path.Combine(Dir, "backup.jsonl");
            using var connection = Connect();
            Seed(connection, records);
            var originals = ReadAll(connection, records);
            Assert.Equal(records.Count, originals.Count);
            // What was written is what is read: values, sparse values, metadata, namespace.
            foreach (var r in records) Assert.Equal(Canonical(RecordJson.ToLine(r)), Canonical(originals[r.Namespace + "/" + r.Id]));

            var host = new RecordingHost();
            var remove = new RemoveByIdsCommand(host, connection, new RemoveOptions { BackupPath = backup, BatchSize = 4, ThrottleLimit = 2 });
            remove.Add(records.Where(r => r.Namespace == NamespaceA).Take(15).Select(r => r.Id), NamespaceA);
            if (!OneNamespace) remove.Add(records.Where(r => r.Namespace == NamespaceB).Take(5).Select(r => r.Id), NamespaceB);
            remove.Complete();
            var clear = new ClearNamespaceCommand(host, connection, backupPath: backup);
            clear.Clear(NamespaceB);
            clear.Complete();
            Assert.Empty(host.Errors.Select(e => e.ToString()));
            Assert.Empty(host.ThreadViolations);
            Settle();

            var deleted = records.Where(r => r.Namespace == NamespaceB || records.Where(x => x.Namespace == NamespaceA).Take(15).Contains(r)).ToList();
            Assert.Equal(OneNamespace ? 60 : 35, deleted.Count);
            Assert.Empty(ReadAll(connection, deleted));
            AssertDeletedExactly(deleted.Select(r => r.Id).ToList());
            // The backup holds each deleted record as it was. On an eventually consistent provider (Vectorize) the
            // clear may list, and back up again, an id whose delete was acknowledged but not applied yet: the
            // duplicate line is the same record and restores to the same thing.
            var saved = File.ReadAllLines(backup);
            Assert.Equal(deleted.Select(r => originals[r.Namespace + "/" + r.Id]).OrderBy(x => x, StringComparer.Ordinal),
                saved.Distinct().OrderBy(x => x, StringComparer.Ordinal));
            var perNamespace = saved.Select(RecordJson.ParseLine).GroupBy(r => r.Namespace).Select(g => (g.Count() + 9) / 10).Sum();

            var restoreHost = new RecordingHost();
            var summary = new RestoreRecordsCommand(restoreHost, connection, new RestoreOptions { BatchSize = 10 }).Restore(backup);
            Settle();
            Assert.Empty(restoreHost.Errors.Select(e => e.ToString()));
            Assert.Empty(restoreHost.Warnings);
            Assert.Empty(restoreHost.ThreadViolations);
            Assert.Equal(saved.Length, summary.Records);
            Assert.Equal(perNamespace, restoreHost.Mutations.Count()); // batches of 10 per namespace
            Assert.All(restoreHost.Mutations, m => Assert.Equal(MutationOperation.Upsert, m.Operation));
            Assert.Equal(originals, ReadAll(connection, records));
            _output.WriteLine($"{Name}: {deleted.Count} of 60 records deleted with a backup (by id and by clearing a namespace), restored, all 60 equal to the originals");
        }

        [Theory]
        [MemberData(nameof(CliData))]
        public void The_CLI_backup_and_restore_give_back_records_equal_to_the_originals(string provider)
        {
            Open(provider);
            var records = Originals();
            using var connection = Connect();
            Seed(connection, records);
            var originals = ReadAll(connection, records);
            var backup = Path.Combine(Dir, "cli-backup.jsonl");
            var ids = Path.Combine(Dir, "ids.txt");
            File.WriteAllLines(ids, records.Where(r => r.Namespace == NamespaceA).Take(12).Select(r => r.Id));

            var remove = CliRunner.Run(CliArgs("remove", "--ids-from", ids, "--namespace", NamespaceA, "--batch-size", "5", "--backup", backup, "--yes", "--json"),
                null, CliEnvironment(), TimeSpan.FromMinutes(2));
            Assert.True(remove.ExitCode == 0, remove.ToString());
            var clear = CliRunner.Run(CliArgs("clear", "--namespace", NamespaceB, "--backup", backup, "--yes", "--json"), null, CliEnvironment(), TimeSpan.FromMinutes(2));
            Assert.True(clear.ExitCode == 0, clear.ToString());
            Settle();
            var backedUp = OneNamespace ? 60 : 32; // 12 by id, then the cleared namespace's 20 (one namespace: the other 48)
            Assert.Equal(backedUp, File.ReadAllLines(backup).Distinct().Count());
            Assert.Equal(records.Count - backedUp, ReadAll(connection, records).Count);

            var restore = CliRunner.Run(CliArgs("restore", "--path", backup, "--json"), null, CliEnvironment(), TimeSpan.FromMinutes(2));
            Assert.True(restore.ExitCode == 0, restore.ToString());
            Settle();
            Assert.Equal(originals, ReadAll(connection, records));
            _output.WriteLine($"{Name} CLI: {backedUp} of 60 records deleted with --backup, restored, all 60 equal to the originals");
        }

        public void Dispose()
        {
            try
            {
                _fixture?.AssertNoViolations();
            }
            finally
            {
                _fixture?.Dispose();
                try { Directory.Delete(Dir, recursive: true); }
                catch (IOException) { }
            }
        }
    }
}
