using System.IO;
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Threading;
using Npgsql;
using VectorOps.Commands;
using VectorOps.Connections;
using VectorOps.Emulators.PgLite;
using VectorOps.Providers;

namespace VectorOps.Bench
{
    /// <summary>
    /// The pgvector case (issue 14): one PGlite server (PostgreSQL 18 + pgvector 0.8 in WebAssembly, the test
    /// server, started here and stopped by its process id), a table of the VectorOps layout seeded with N ids on the
    /// server (INSERT ... SELECT generate_series: the ids of <see cref="Workload.Id"/>, an 8-dimensional embedding and
    /// a small jsonb each); (a) VectorOps deletes them all by id through the command layer and the real provider
    /// (RemoveByIdsCommand fed one id per Add call, the provider's batch size and delete concurrency); the table is
    /// seeded again; (b) one <c>DELETE FROM t WHERE id = ANY($1)</c> with the same N ids as one text[] parameter, on one
    /// Npgsql connection to the same server. Both checked: every id gone, nothing failed. Printed: time, ids/s, the
    /// ratio, client CPU, the server's CPU, client memory (peak working set sampled every 20 ms during the phase, and
    /// bytes allocated).
    /// </summary>
    internal static class PgVectorBench
    {
        private const string Table = "bench_ids";

        public static void Run(Options o)
        {
            var n = o.PgN;
            Report.Heading($"pgvector: {n:N0} ids deleted by VectorOps vs one DELETE ... WHERE id = ANY($1), same server, one run");
            Report.Progress("starting PGlite (PostgreSQL 18 + pgvector) ...");
            using var server = PgLiteServer.Start();
            var serverProcess = server.ProcessId is int pid ? Process.GetProcessById(pid) : null;
            using (var c = Open(server))
            {
                Exec(c, "CREATE EXTENSION IF NOT EXISTS vector");
                Exec(c, $"CREATE TABLE public.{Table} (namespace text NOT NULL DEFAULT 'default', id text NOT NULL, embedding vector, metadata jsonb, PRIMARY KEY (namespace, id))");
            }
            var w = new Workload(n, 1, 1);
            var seed1 = Seed(server, n);
            Report.Progress($"seeded {n:N0} rows in {seed1.TotalSeconds:0.0} s");

            // (a) VectorOps through the command layer and the provider.
            var settings = new ConnectionSettings { Provider = "PgVector", Index = Table, RequestTimeout = TimeSpan.FromMinutes(5) };
            settings["ConnectionString"] = server.ConnectionString;
            settings["Layout"] = "VectorOps";
            int batch, concurrency;
            using (var probe = ProviderRegistry.Create(settings))
            {
                batch = probe.Capabilities.MaxIdsPerDelete;
                concurrency = probe.Capabilities.DefaultDeleteConcurrency ?? probe.Capabilities.DefaultConcurrency;
            }
            ClientOutcome? outcome = null;
            var a = Phase(serverProcess, () =>
            {
                using var connection = ConnectCommand.Connect(settings, makeDefault: false);
                var host = new DiscardHost();
                var command = new RemoveByIdsCommand(host, connection, new RemoveOptions());
                var ids = w.Ids;
                for (var i = 0; i < ids.Length; i++) command.Add(ids[i], "default");
                command.Complete();
                outcome = host.Outcome;
            });
            var leftA = Left(server);
            Report.Progress($"(a) VectorOps: {a.Seconds:0.0} s, {outcome!.Batches:N0} batches, {outcome.Ids:N0} ids done, {outcome.Failed} failed, {leftA} rows left" +
                            (outcome.FirstError is null ? "" : ", first error: " + outcome.FirstError));

            var seed2 = Seed(server, n);
            Report.Progress($"seeded again in {seed2.TotalSeconds:0.0} s");

            // (b) one statement with every id.
            long deletedB = 0;
            var b = Phase(serverProcess, () =>
            {
                using var c = Open(server);
                using var cmd = new NpgsqlCommand($"DELETE FROM public.{Table} WHERE id = ANY($1)", c) { CommandTimeout = 0 };
                cmd.Parameters.Add(new NpgsqlParameter { Value = w.Ids, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });
                deletedB = cmd.ExecuteNonQuery();
            });
            var leftB = Left(server);
            Report.Progress($"(b) one DELETE: {b.Seconds:0.0} s, {deletedB:N0} rows deleted, {leftB} rows left");

            string F(double v, string f) => v.ToString(f, CultureInfo.InvariantCulture);
            var rows = new List<string[]>
            {
                new[] { $"(a) VectorOps: RemoveByIdsCommand, PgVector provider, {batch:N0} ids a DELETE, concurrency {concurrency}", F(a.Seconds, "0.0"), F(n / a.Seconds, "N0"),
                    $"{outcome.Batches:N0} ({outcome.Failed} failed)", F(a.ClientCpu, "0.0"), F(a.ServerCpu, "0.0"), Mb(a.PeakWorkingSet), Mb(a.Allocated), leftA.ToString(CultureInfo.InvariantCulture) },
                new[] { "(b) one DELETE ... WHERE id = ANY($1), one Npgsql connection", F(b.Seconds, "0.0"), F(n / b.Seconds, "N0"),
                    "1", F(b.ClientCpu, "0.0"), F(b.ServerCpu, "0.0"), Mb(b.PeakWorkingSet), Mb(b.Allocated), leftB.ToString(CultureInfo.InvariantCulture) },
            };
            Report.Table($"{n:N0} ids, PGlite 0.5 (PostgreSQL 18, pgvector 0.8, WebAssembly in Node) on 127.0.0.1; seeding {F(seed1.TotalSeconds, "0.0")} s / {F(seed2.TotalSeconds, "0.0")} s (not timed in either)",
                new[] { "variant", "seconds", "ids/s", "statements", "client CPU s", "server CPU s", "client peak working set", "client allocated", "rows left" }, rows);
            Report.Line($"Ratio (a)/(b) in time: {F(a.Seconds / b.Seconds, "0.00")} (VectorOps takes {F(a.Seconds / b.Seconds, "0.00")}x as long as the one statement). " +
                        "Client peak working set: sampled every 20 ms during the phase (the process's whole working set, the " +
                        $"{n:N0}-id array of the workload included); allocated: managed bytes allocated by this process during the phase.");
            Summary.Add($"pgvector, {n:N0} ids", "one DELETE / VectorOps, time", b.Seconds / a.Seconds, ">= 0.80", b.Seconds / a.Seconds >= 0.8 && outcome.Failed == 0 && leftA == 0);
            if (outcome.Failed > 0 || outcome.Ids != n || leftA != 0 || leftB != 0 || deletedB != n)
                Report.Line("WARNING: a run was not clean (see the progress lines).");
        }

        internal sealed class PhaseResult
        {
            public double Seconds, ClientCpu, ServerCpu;
            public long PeakWorkingSet, Allocated;
        }

        internal static PhaseResult Phase(Process? server, Action run)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            var me = Process.GetCurrentProcess();
            me.Refresh();
            var peak = me.WorkingSet64;
            var done = 0;
            var sampler = new Thread(() =>
            {
                using var p = Process.GetCurrentProcess();
                while (Volatile.Read(ref done) == 0)
                {
                    p.Refresh();
                    var ws = p.WorkingSet64;
                    if (ws > Interlocked.Read(ref peak)) Interlocked.Exchange(ref peak, ws);
                    Thread.Sleep(20);
                }
            }) { IsBackground = true };
            sampler.Start();
            var cpu0 = me.TotalProcessorTime;
            var server0 = ServerCpu(server);
            var alloc0 = GC.GetTotalAllocatedBytes(true);
            var clock = Stopwatch.StartNew();
            run();
            clock.Stop();
            Volatile.Write(ref done, 1);
            sampler.Join();
            me.Refresh();
            return new PhaseResult
            {
                Seconds = clock.Elapsed.TotalSeconds,
                ClientCpu = (me.TotalProcessorTime - cpu0).TotalSeconds,
                ServerCpu = (ServerCpu(server) - server0).TotalSeconds,
                PeakWorkingSet = Interlocked.Read(ref peak),
                Allocated = GC.GetTotalAllocatedBytes(true) - alloc0,
            };
        }

        /// <summary>
        /// CPU of the server's whole process tree: the gate (tools/pglite-gated.js) and the pglite-server it runs
        /// (read from /proc on Linux; elsewhere the started process only).
        /// </summary>
        private static TimeSpan ServerCpu(Process? server)
        {
            if (server is null) return TimeSpan.Zero;
            server.Refresh();
            var total = server.TotalProcessorTime;
            if (!OperatingSystem.IsLinux()) return total;
            var seen = new HashSet<int> { server.Id };
            var frontier = new Queue<int>(seen);
            while (frontier.Count > 0)
            {
                var parent = frontier.Dequeue();
                foreach (var task in SafeDirectories($"/proc/{parent}/task"))
                {
                    string children;
                    try { children = File.ReadAllText(Path.Combine(task, "children")); }
                    catch (IOException) { continue; }
                    catch (UnauthorizedAccessException) { continue; }
                    foreach (var part in children.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                    {
                        if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var child) || !seen.Add(child)) continue;
                        frontier.Enqueue(child);
                        try
                        {
                            using var p = Process.GetProcessById(child);
                            total += p.TotalProcessorTime;
                        }
                        catch (ArgumentException) { }
                        catch (InvalidOperationException) { }
                    }
                }
            }
            return total;
        }

        private static IEnumerable<string> SafeDirectories(string path)
        {
            try { return Directory.GetDirectories(path); }
            catch (IOException) { return Array.Empty<string>(); }
            catch (UnauthorizedAccessException) { return Array.Empty<string>(); }
        }

        private static string Mb(long bytes) => (bytes / 1024.0 / 1024.0).ToString("N0", CultureInfo.InvariantCulture) + " MB";

        private static NpgsqlConnection Open(PgLiteServer server)
        {
            var c = new NpgsqlConnection(server.ConnectionString);
            c.Open();
            return c;
        }

        private static void Exec(NpgsqlConnection c, string sql)
        {
            using var cmd = new NpgsqlCommand(sql, c) { CommandTimeout = 0 };
            cmd.ExecuteNonQuery();
        }

        /// <summary>Seeds the N ids of <see cref="Workload.Id"/> on the server, in chunks of 250,000 (PGlite's memory).</summary>
        private static TimeSpan Seed(PgLiteServer server, int n)
        {
            var clock = Stopwatch.StartNew();
            using var c = Open(server);
            for (var from = 0; from < n; from += 250_000)
            {
                var to = Math.Min(n, from + 250_000) - 1;
                using var cmd = new NpgsqlCommand(
                    $"INSERT INTO public.{Table} (namespace, id, embedding, metadata) " +
                    "SELECT 'default', 'doc-' || lpad((g / 16)::text, 8, '0') || '#chunk-' || lpad((g % 16)::text, 2, '0'), " +
                    "'[0.125,-0.25,0.5,1,0.0625,-2,3,0.75]'::vector, jsonb_build_object('n', g, 'source', 'bench') " +
                    "FROM generate_series($1::int, $2::int) AS g", c) { CommandTimeout = 0 };
                cmd.Parameters.Add(new NpgsqlParameter { Value = from });
                cmd.Parameters.Add(new NpgsqlParameter { Value = to });
                cmd.ExecuteNonQuery();
            }
            using (var vacuum = new NpgsqlCommand($"VACUUM ANALYZE public.{Table}", c) { CommandTimeout = 0 }) vacuum.ExecuteNonQuery();
            if (Left(server) != n) throw new InvalidOperationException($"seeding left {Left(server)} rows, not {n}");
            return clock.Elapsed;
        }

        private static long Left(PgLiteServer server)
        {
            using var c = Open(server);
            using var cmd = new NpgsqlCommand($"SELECT count(*) FROM public.{Table}", c) { CommandTimeout = 0 };
            return (long)cmd.ExecuteScalar()!;
        }
    }
}
