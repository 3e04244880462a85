using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Npgsql;
using NpgsqlTypes;
using VectorOps.Commands;
using VectorOps.Connections;
using VectorOps.Emulators.PgLite;
using VectorOps.Filtering;
using VectorOps.Model;
using VectorOps.Providers;
using VectorOps.Providers.PgVector;
using VectorOps.Tests.Support;
using Xunit;

namespace VectorOps.Tests.PgVector
{
    /// <summary>
    /// A test that needs a native PostgreSQL (<see cref="DebianPostgres"/>): skipped, with the reason, where none is
    /// installed; a failure instead when VECTOROPS_CI_REQUIRE_POSTGRES=1 (.ci/run installs it and sets that).
    /// </summary>
    public sealed class NativePostgresFactAttribute : FactAttribute
    {
        public NativePostgresFactAttribute()
        {
            if (!DebianPostgres.Required && DebianPostgres.Unavailable() is string why)
                Skip = "Needs a native PostgreSQL: " + why + ". CI installs it (.ci/run) and sets " + DebianPostgres.RequireVariable +
                       "=1, which makes its absence a failure.";
        }
    }

    /// <summary>
    /// A delete running while other sessions write the same table loses nothing of theirs and deletes no row it was
    /// not asked for. On a native PostgreSQL (sessions truly side by side; PGlite serializes them) with the
    /// statements the provider sends (<see cref="ProviderStatements"/>: it cannot connect there itself, the
    /// package's server having no pgvector), and through the command layer with the provider on PGlite, where the
    /// writer's statements fall between the delete's.
    /// </summary>
    [Collection(PgLiteHeavy.Name)]
    public sealed class PgConcurrencyTests
    {
        private const string Namespace = "tenant-a";

        /// <summary>
        /// The statements PgVectorProvider sends to delete (DeleteIds, DeleteByFilterAsync) on a Custom table
        /// (id, namespace, metadata columns): one statement each, autocommitted, the count from the command's row count.
        /// </summary>
        private static class ProviderStatements
        {
            public static async Task<long> DeleteIds(NpgsqlConnection c, string table, string ns, IReadOnlyList<string> ids)
            {
                await using var cmd = new NpgsqlCommand($"DELETE FROM {table} AS t WHERE t.\"namespace\" = $1 AND t.\"id\" = ANY($2)", c);
                cmd.Parameters.Add(new NpgsqlParameter { Value = ns, NpgsqlDbType = NpgsqlDbType.Text });
                cmd.Parameters.Add(new NpgsqlParameter { Value = ids.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
                return await cmd.ExecuteNonQueryAsync();
            }

            public static async Task<long> DeleteByFilter(NpgsqlConnection c, string table, string ns, MetadataFilter filter)
            {
                var parameters = new List<NpgsqlParameter> { new NpgsqlParameter { Value = ns, NpgsqlDbType = NpgsqlDbType.Text } };
                var where = "(" + PgFilterSql.Where(filter, "t.\"metadata\"", parameters) + ")";
                await using var cmd = new NpgsqlCommand($"DELETE FROM {table} AS t WHERE t.\"namespace\" = $1 AND {where}", c);
                cmd.Parameters.AddRange(parameters.ToArray());
                return await cmd.ExecuteNonQueryAsync();
            }
        }

        // ---- the native server itself ----------------------------------------------------------------------

        [NativePostgresFact]
        public async Task The_native_server_starts_runs_sessions_side_by_side_and_stops_by_its_process_id()
        {
            string directory;
            int pid;
            using (var server = DebianPostgres.Start())
            {
                pid = server.ProcessId;
                Assert.True(pid > 0);
                var unpooled = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Pooling = false }.ConnectionString;
                await using var a = new NpgsqlConnection(unpooled);
                await using var b = new NpgsqlConnection(unpooled);
                await a.OpenAsync();
                await b.OpenAsync();
                await Exec(a, "CREATE TABLE side (id int PRIMARY KEY, v text)");
                await Exec(a, "INSERT INTO side VALUES (1, 'x'), (2, 'y')");
                await using (var dir = new NpgsqlCommand("SELECT current_setting('data_directory'), current_setting('server_version_num')::int", a))
                await using (var r = await dir.ExecuteReaderAsync())
                {
                    Assert.True(await r.ReadAsync());
                    directory = Path.GetDirectoryName(r.GetString(0))!;
                    Assert.True(r.GetInt32(1) >= 130000, "server_version_num " + r.GetInt32(1));
                }
                Assert.True(Directory.Exists(directory));
                // A transaction open in one session does not block another (what PGlite cannot do).
                await using (var tx = await a.BeginTransactionAsync())
                {
                    await using (var u = new NpgsqlCommand("UPDATE side SET v = 'x2' WHERE id = 1", a, tx)) await u.ExecuteNonQueryAsync();
                    var clock = Stopwatch.StartNew();
                    await using (var u = new NpgsqlCommand("UPDATE side SET v = 'y2' WHERE id = 2", b)) Assert.Equal(1, await u.ExecuteNonQueryAsync());
                    await using (var s = new NpgsqlCommand("SELECT v FROM side WHERE id = 1", b)) Assert.Equal("x", await s.ExecuteScalarAsync());
                    Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5));
                    await tx.CommitAsync();
                }
                await a.CloseAsync();
                await b.CloseAsync();
            }
            Assert.False(Directory.Exists(directory), "the cluster's directory is deleted");
            Assert.Throws<ArgumentException>(() => Process.GetProcessById(pid)); // stopped, by that id
        }

        // ---- native server: ids --------------------------------------------------------------------------

        /// <summary>
        /// 6,000 asked ids deleted in 500-id statements by 4 sessions at once (the command layer's default
        /// concurrency) while 2 writer sessions insert new rows, update and delete rows that were not asked for, and
        /// update asked rows: every asked id is gone, the deleted counts add up to the asked rows exactly, every
        /// write of the writers is there.
        /// </summary>
        [NativePostgresFact]
        public async Task Deleting_ids_while_other_sessions_write_deletes_exactly_the_asked_rows_and_loses_no_write()
        {
            var server = DebianPostgres.Shared;
            const string table = "conc_ids";
            var asked = Enumerable.Range(0, 6000).Select(i => "a-" + i.ToString("D5", CultureInfo.InvariantCulture)).ToList();
            var others = Enumerable.Range(0, 6000).Select(i => "o-" + i.ToString("D5", CultureInfo.InvariantCulture)).ToList();
            await using (var c = await Open(server.ConnectionString))
            {
                await Exec(c, $"DROP TABLE IF EXISTS {table}; CREATE TABLE {table} (namespace text NOT NULL, id text NOT NULL, metadata jsonb, PRIMARY KEY (namespace, id))");
                await Seed(c, table, asked.Concat(others).Select(id => (id, "{\"v\": 0}")).ToList());
            }

            var writes = new Writers(server.ConnectionString, table, others, askedToTouch: asked);
            var deleting = Task.Run(async () =>
            {
                var counts = new ConcurrentBag<long>();
                var batches = asked.OrderBy(_ => Guid.NewGuid()).Select((id, i) => (id, i)).GroupBy(x => x.i / 500).Select(g => g.Select(x => x.id).ToList()).ToList();
                await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (batch, _) =>
                {
                    await using var c = await Open(server.ConnectionString);
                    counts.Add(await ProviderStatements.DeleteIds(c, table, Namespace, batch));
                    await Task.Delay(5);
                });
                return counts.Sum();
            });
            var writing = writes.RunUntil(deleting);
            var deleted = await deleting;
            await writing;
            Assert.True(writes.Operations > 50, "writer operations during the delete: " + writes.Operations);

            Assert.Equal(asked.Count, deleted);
            await using (var c = await Open(server.ConnectionString))
            {
                var rows = await Rows(c, table);
                Assert.DoesNotContain(rows.Keys, id => id.StartsWith("a-", StringComparison.Ordinal));
                writes.AssertKept(rows);
            }
        }

        // ---- native server: filter -----------------------------------------------------------------------

        /// <summary>
        /// The guarantee of a filter delete, shown with a writer's transaction held open while the DELETE runs:
        /// it deletes the rows that match when it runs; a row whose change commits while the DELETE waits for it is
        /// judged on its new value; a row that comes to match, or is inserted, after the DELETE began is left alone.
        /// </summary>
        [NativePostgresFact]
        public async Task A_filter_delete_judges_a_row_changed_under_it_by_its_new_value_and_leaves_rows_that_match_later()
        {
            var server = DebianPostgres.Shared;
            const string table = "conc_filter_held";
            var filter = MetadataFilter.ParseJson("{\"tag\": \"doomed\"}");
            await using var c = await Open(server.ConnectionString);
            await Exec(c, $"DROP TABLE IF EXISTS {table}; CREATE TABLE {table} (namespace text NOT NULL, id text NOT NULL, metadata jsonb, PRIMARY KEY (namespace, id))");
            var seed = Enumerable.Range(0, 2000).Select(i => ("r-" + i.ToString("D4", CultureInfo.InvariantCulture), i % 2 == 0 ? "{\"tag\": \"doomed\", \"n\": 0}" : "{\"tag\": \"kept\", \"n\": 0}")).ToList();
            await Seed(c, table, seed);

            await using var writer = await Open(server.ConnectionString);
            await using var tx = await writer.BeginTransactionAsync();
            await ExecTx(writer, tx, $"UPDATE {table} SET metadata = '{{\"tag\": \"kept\", \"n\": 1}}' WHERE id = 'r-0000'");   // doomed -> kept
            await ExecTx(writer, tx, $"UPDATE {table} SET metadata = '{{\"tag\": \"doomed\", \"n\": 1}}' WHERE id = 'r-0001'"); // kept -> doomed
            await ExecTx(writer, tx, $"UPDATE {table} SET metadata = '{{\"tag\": \"doomed\", \"n\": 1}}' WHERE id = 'r-0002'"); // doomed, changed
            await ExecTx(writer, tx, $"INSERT INTO {table} VALUES ('{Namespace}', 'w-new', '{{\"tag\": \"doomed\"}}')");       // a new match

            await using var deleter = await Open(server.ConnectionString);
            var pid = deleter.ProcessID;
            var delete = ProviderStatements.DeleteByFilter(deleter, table, Namespace, filter);
            // The DELETE has started and waits for the rows the writer holds.
            var clock = Stopwatch.StartNew();
            while (!await Waiting(c, pid))
            {
                Assert.False(delete.IsCompleted, "the DELETE finished without waiting for the writer's rows");
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "the DELETE never waited for the writer's rows");
                await Task.Delay(20);
            }
            await tx.CommitAsync();
            var deleted = await delete;

            var rows = await Rows(c, table);
            Assert.True(rows.ContainsKey("r-0000"), "changed to kept while the DELETE waited: judged on its new value, kept");
            Assert.True(rows.ContainsKey("r-0001"), "came to match after the DELETE began: left");
            Assert.False(rows.ContainsKey("r-0002"), "still matching in its new value: deleted");
            Assert.True(rows.ContainsKey("w-new"), "inserted after the DELETE began: left");
            Assert.Equal(999, deleted); // the 1,000 doomed rows less r-0000
            Assert.Equal(seed.Count + 1 - 999, rows.Count);
            foreach (var (id, json) in seed.Skip(3))
                Assert.Equal(json.Contains("doomed", StringComparison.Ordinal), !rows.ContainsKey(id));
            // Run again, it takes what came to match since.
            Assert.Equal(2, await ProviderStatements.DeleteByFilter(c, table, Namespace, filter));
        }

        /// <summary>
        /// A filter delete of 5,000 of 10,000 rows while 2 writer sessions insert rows that do not match, update and
        /// delete rows that do not match, and update matching rows (which still match): every matching row is gone
        /// and counted, nothing else was deleted, every write of the writers is there.
        /// </summary>
        [NativePostgresFact]
        public async Task A_filter_delete_while_other_sessions_write_deletes_only_matching_rows_and_loses_no_write()
        {
            var server = DebianPostgres.Shared;
            const string table = "conc_filter";
            var doomed = Enumerable.Range(0, 5000).Select(i => "d-" + i.ToString("D5", CultureInfo.InvariantCulture)).ToList();
            var others = Enumerable.Range(0, 5000).Select(i => "o-" + i.ToString("D5", CultureInfo.InvariantCulture)).ToList();
            await using (var c = await Open(server.ConnectionString))
            {
                await Exec(c, $"DROP TABLE IF EXISTS {table}; CREATE TABLE {table} (namespace text NOT NULL, id text NOT NULL, metadata jsonb, PRIMARY KEY (namespace, id))");
                await Seed(c, table, doomed.Select(id => (id, "{\"tag\": [\"x\", \"doomed\"], \"v\": 0}")).Concat(others.Select(id => (id, "{\"tag\": \"kept\", \"v\": 0}"))).ToList());
            }
            var writes = new Writers(server.ConnectionString, table, others, askedToTouch: doomed, touchedAskedMetadata: v => "{\"tag\": \"doomed\", \"v\": " + v + "}");
            var filter = MetadataFilter.ParseJson("{\"tag\": {\"$in\": [\"doomed\", \"gone\"]}, \"v\": {\"$gte\": 0}}");
            var deleting = Task.Run(async () =>
            {
                await Task.Delay(100); // the writers are at work when it starts
                await using var c = await Open(server.ConnectionString);
                return await ProviderStatements.DeleteByFilter(c, table, Namespace, filter);
            });
            var writing = writes.RunUntil(deleting, after: TimeSpan.FromMilliseconds(100));
            var deleted = await deleting;
            await writing;
            Assert.True(writes.Operations > 50, "writer operations: " + writes.Operations);

            Assert.Equal(doomed.Count, deleted);
            await using (var c = await Open(server.ConnectionString))
            {
                var rows = await Rows(c, table);
                Assert.DoesNotContain(rows.Keys, id => id.StartsWith("d-", StringComparison.Ordinal));
                writes.AssertKept(rows);
            }
        }

        // ---- the command layer through the provider (PGlite) ----------------------------------------------

        /// <summary>
        /// RemoveByIdsCommand and RemoveByFilterCommand through the real provider (Custom layout) while a writer
        /// session writes the same table; on PGlite its statements fall between the delete's batches. Every asked id
        /// is gone, each mutation's AffectedCount is what it really deleted, every write of the writer is there.
        /// </summary>
        [Fact]
        public async Task The_commands_delete_exactly_what_was_asked_while_a_writer_writes_and_count_what_they_deleted()
        {
            const string schema = "sql_concurrency";
            const string table = "docs";
            using (var c = PgTables.Open()) PgTables.FreshSchema(c, schema);
            var qualified = $"\"{schema}\".\"{table}\"";
            var asked = Enumerable.Range(0, 1500).Select(i => "a-" + i.ToString("D5", CultureInfo.InvariantCulture)).ToList();
            var doomed = Enumerable.Range(0, 600).Select(i => "d-" + i.ToString("D5", CultureInfo.InvariantCulture)).ToList();
            var others = Enumerable.Range(0, 1500).Select(i => "o-" + i.ToString("D5", CultureInfo.InvariantCulture)).ToList();
            await using (var c = await Open(PgTables.ConnectionString))
            {
                await Exec(c, $"CREATE TABLE {qualified} (id text NOT NULL, namespace text NOT NULL, metadata jsonb, embedding vector(3), PRIMARY KEY (namespace, id))");
                await Seed(c, qualified, asked.Select(id => (id, "{\"tag\": \"asked\", \"v\": 0}"))
                    .Concat(doomed.Select(id => (id, "{\"tag\": \"doomed\", \"v\": 0}")))
                    .Concat(others.Select(id => (id, "{\"tag\": \"kept\", \"v\": 0}"))).ToList());
            }
            var provider = PgTables.Connect("Custom", table, schema, ("NamespaceColumn", "namespace"), ("IdColumn", "id"), ("MetadataColumn", "metadata"), ("EmbeddingColumn", "embedding"));
            using var connection = new VectorConnection(provider, Namespace, null);

            // Ids, 100 a batch, 4 at a time.
            var writes = new Writers(PgTables.ConnectionString, qualified, others, askedToTouch: asked, writerCount: 1);
            RecordingHost host;
            var stop = new TaskCompletionSource();
            var writing = writes.RunUntil(stop.Task);
            await WriterStarted(writes);
            host = new RecordingHost(); // on this thread, after the awaits
            var before = writes.Operations;
            var command = new RemoveByIdsCommand(host, connection, new RemoveOptions { BatchSize = 100, ThrottleLimit = 4 });
            command.Add(asked, Namespace);
            command.Complete();
            var during = writes.Operations - before;
            stop.SetResult();
            await writing;
            Assert.Empty(host.Errors.Select(e => e.ToString()));
            Assert.Empty(host.ThreadViolations);
            Assert.True(during > 0, "the writer wrote nothing while the command ran");
            Assert.Equal(15, host.Mutations.Count());
            Assert.All(host.Mutations, m => Assert.Equal(MutationStatus.Completed, m.Status));
            Assert.Equal(asked.OrderBy(i => i, StringComparer.Ordinal), host.Mutations.SelectMany(m => m.Ids!).OrderBy(i => i, StringComparer.Ordinal));
            Assert.Equal(asked.Count, host.Mutations.Sum(m => m.AffectedCount ?? -1));
            await using (var c = await Open(PgTables.ConnectionString))
            {
                var rows = await Rows(c, qualified);
                Assert.DoesNotContain(rows.Keys, id => id.StartsWith("a-", StringComparison.Ordinal));
                Assert.Equal(doomed.Count, rows.Keys.Count(id => id.StartsWith("d-", StringComparison.Ordinal)));
                writes.AssertKept(rows);
            }

            // Filter: the count is read first, then one DELETE; the writer keeps writing in between.
            var filterWrites = new Writers(PgTables.ConnectionString, qualified, writes.Survivors, askedToTouch: doomed, writerCount: 1,
                touchedAskedMetadata: v => "{\"tag\": \"doomed\", \"v\": " + v + "}", insertPrefix: "wf");
            stop = new TaskCompletionSource();
            writing = filterWrites.RunUntil(stop.Task);
            await WriterStarted(filterWrites);
            host = new RecordingHost();
            var remove = new RemoveByFilterCommand(host, connection, MetadataFilter.ParseJson("{\"tag\": \"doomed\"}"), new RemoveOptions { Force = false });
            remove.Execute(new[] { Namespace });
            remove.Complete();
            await Task.Delay(300);
            stop.SetResult();
            await writing;
            Assert.Empty(host.Errors.Select(e => e.ToString()));
            var m1 = Assert.Single(host.Mutations);
            Assert.Equal(MutationStatus.Completed, m1.Status);
            Assert.Single(host.ShouldContinueCalls); // asked once, with the count read before the delete
            Assert.Equal(doomed.Count, m1.AffectedCount);
            await using (var c = await Open(PgTables.ConnectionString))
            {
                var rows = await Rows(c, qualified);
                Assert.DoesNotContain(rows.Keys, id => id.StartsWith("d-", StringComparison.Ordinal));
                filterWrites.AssertKept(rows);
            }
        }

        // ---- helpers -------------------------------------------------------------------------------------

        /// <summary>
        /// Writer sessions: each loops over short autocommitted statements on rows it owns (so their last writes are
        /// known): inserts new rows, updates and deletes rows that were not asked for, and updates asked rows (which
        /// stay asked). Every statement's row count is kept: an update of an asked row the delete took first counts 0.
        /// </summary>
        private sealed class Writers
        {
            private readonly string _connectionString;
            private readonly string _table;
            private readonly IReadOnlyList<string> _others;
            private readonly IReadOnlyList<string> _asked;
            private readonly int _writerCount;
            private readonly Func<int, string> _askedMetadata;
            private readonly string _insertPrefix;
            private readonly ConcurrentDictionary<string, string?> _expected = new ConcurrentDictionary<string, string?>(StringComparer.Ordinal);
            private int _operations;

            public Writers(string connectionString, string table, IReadOnlyList<string> others, IReadOnlyList<string> askedToTouch, int writerCount = 2,
                Func<int, string>? touchedAskedMetadata = null, string insertPrefix = "w")
            {
                _connectionString = connectionString;
                _table = table;
                _others = others;
                _asked = askedToTouch;
                _writerCount = writerCount;
                _askedMetadata = touchedAskedMetadata ?? (v => "{\"v\": " + v + "}");
                _insertPrefix = insertPrefix;
                foreach (var id in others) _expected[id] = null; // present, content as seeded unless written
            }

            public int Operations => Volatile.Read(ref _operations);

            /// <summary>The rows not asked for that are still there after the writers (for a next round).</summary>
            public IReadOnlyList<string> Survivors => _others.Where(id => _expected.TryGetValue(id, out var v) && v != "<deleted>").ToList();

            public Task RunUntil(Task done, TimeSpan? after = null) =>
                Task.WhenAll(Enumerable.Range(0, _writerCount).Select(w => Task.Run(() => Write(w, done, after ?? TimeSpan.Zero))));

            private async Task Write(int writer, Task done, TimeSpan after)
            {
                var random = new Random(100 + writer);
                var mine = _others.Where((_, i) => i % _writerCount == writer).ToList();
                var askedMine = _asked.Where((_, i) => i % _writerCount == writer).ToList();
                await using var c = await Open(_connectionString);
                var n = 0;
                DateTime? until = null;
                while (true)
                {
                    if (done.IsCompleted) until ??= DateTime.UtcNow + after;
                    if (until != null && DateTime.UtcNow >= until) break;
                    n++;
                    var value = (writer * 1_000_000 + n).ToString(CultureInfo.InvariantCulture);
                    switch (random.Next(4))
                    {
                        case 0:
                        {
                            var id = $"{_insertPrefix}{writer}-{n:D6}";
                            var md = "{\"tag\": \"new\", \"v\": " + value + "}";
                            Assert.Equal(1, await Statement(c, $"INSERT INTO {_table} (namespace, id, metadata) VALUES ($1, $2, $3::jsonb)", Namespace, id, md));
                            _expected[id] = md;
                            break;
                        }
                        case 1:
                        {
                            var id = mine[random.Next(mine.Count)];
                            if (_expected[id] == "<deleted>") break;
                            var md = "{\"tag\": \"kept\", \"v\": " + value + "}";
                            Assert.Equal(1, await Statement(c, $"UPDATE {_table} SET metadata = $3::jsonb WHERE namespace = $1 AND id = $2", Namespace, id, md));
                            _expected[id] = md;
                            break;
                        }
                        case 2:
                        {
                            if (random.Next(3) != 0) break; // fewer deletes than other writes
                            var id = mine[random.Next(mine.Count)];
                            if (_expected[id] == "<deleted>") break;
                            Assert.Equal(1, await Statement(c, $"DELETE FROM {_table} WHERE namespace = $1 AND id = $2", Namespace, id));
                            _expected[id] = "<deleted>";
                            break;
                        }
                        default:
                        {
                            if (askedMine.Count == 0) break;
                            var id = askedMine[random.Next(askedMine.Count)];
                            // 1 before the delete took it, 0 after: either is right, the row must be gone in the end.
                            Assert.InRange(await Statement(c, $"UPDATE {_table} SET metadata = $3::jsonb WHERE namespace = $1 AND id = $2", Namespace, id, _askedMetadata(n)), 0, 1);
                            break;
                        }
                    }
                    Interlocked.Increment(ref _operations);
                }
            }

            /// <summary>Every row the writers inserted or did not delete is there with their last write (or as seeded); those they deleted are not.</summary>
            public void AssertKept(IReadOnlyDictionary<string, string> rows)
            {
                var problems = new List<string>();
                foreach (var (id, expected) in _expected)
                {
                    if (expected == "<deleted>")
                    {
                        if (rows.ContainsKey(id)) problems.Add(id + " deleted by the writer is back");
                    }
                    else if (!rows.TryGetValue(id, out var actual)) problems.Add(id + " is missing (lost)");
                    else if (expected != null && Normal(actual) != Normal(expected)) problems.Add($"{id} holds {actual}, the writer wrote {expected}");
                }
                Assert.True(problems.Count == 0, string.Join("\n", problems.Take(20)));
            }

            /// <summary>An object's members sorted by key (jsonb keeps its own order).</summary>
            private static string Normal(string json)
            {
                using var doc = System.Text.Json.JsonDocument.Parse(json);
                return string.Join(",", doc.RootElement.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => p.Name + "=" + p.Value.GetRawText()));
            }
        }

        /// <summary>Waits until the writer has written a few times (PGlite may be busy with other tests).</summary>
        private static async Task WriterStarted(Writers writes)
        {
            var clock = Stopwatch.StartNew();
            while (writes.Operations < 3)
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "the writer did not start");
                await Task.Delay(20);
            }
        }

        private static async Task<NpgsqlConnection> Open(string connectionString)
        {
            var c = new NpgsqlConnection(connectionString);
            await c.OpenAsync();
            return c;
        }

        private static async Task Exec(NpgsqlConnection c, string sql)
        {
            await using var cmd = new NpgsqlCommand(sql, c);
            await cmd.ExecuteNonQueryAsync();
        }

        private static async Task ExecTx(NpgsqlConnection c, NpgsqlTransaction tx, string sql)
        {
            await using var cmd = new NpgsqlCommand(sql, c, tx);
            await cmd.ExecuteNonQueryAsync();
        }

        private static async Task<int> Statement(NpgsqlConnection c, string sql, params object[] values)
        {
            await using var cmd = new NpgsqlCommand(sql, c);
            foreach (var v in values) cmd.Parameters.Add(new NpgsqlParameter { Value = v });
            return await cmd.ExecuteNonQueryAsync();
        }

        private static async Task Seed(NpgsqlConnection c, string table, IReadOnlyList<(string Id, string Json)> rows)
        {
            await using var cmd = new NpgsqlCommand($"INSERT INTO {table} (namespace, id, metadata) SELECT $1, u.id, u.m::jsonb FROM unnest($2::text[], $3::text[]) AS u(id, m)", c);
            cmd.Parameters.Add(new NpgsqlParameter { Value = Namespace });
            cmd.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.Id).ToArray() });
            cmd.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.Json).ToArray() });
            await cmd.ExecuteNonQueryAsync();
        }

        private static async Task<Dictionary<string, string>> Rows(NpgsqlConnection c, string table)
        {
            var rows = new Dictionary<string, string>(StringComparer.Ordinal);
            await using var cmd = new NpgsqlCommand($"SELECT id, metadata::text FROM {table} WHERE namespace = $1", c);
            cmd.Parameters.Add(new NpgsqlParameter { Value = Namespace });
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync()) rows[r.GetString(0)] = r.IsDBNull(1) ? "null" : r.GetString(1);
            return rows;
        }

        /// <summary>Whether the session <paramref name="pid"/> is waiting for a lock.</summary>
        private static async Task<bool> Waiting(NpgsqlConnection c, int pid)
        {
            await using var cmd = new NpgsqlCommand("SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = $1", c);
            cmd.Parameters.Add(new NpgsqlParameter { Value = pid });
            return await cmd.ExecuteScalarAsync() is true;
        }
    }
}
