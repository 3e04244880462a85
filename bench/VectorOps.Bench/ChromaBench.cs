using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using VectorOps.Commands;
using VectorOps.Emulators.Chroma;
using VectorOps.Emulators.Infrastructure;
using VectorOps.Errors;
using VectorOps.Hosting;
using VectorOps.Model;
using VectorOps.Providers;

namespace VectorOps.Bench
{
    /// <summary>
    /// The "chroma" case: N ids deleted from a collection of a real Chroma server (npm chromadb, started here on a
    /// free loopback port with a temporary data folder, stopped by process id), (a) by VectorOps (RemoveByIdsCommand
    /// as Remove-VectorRecord runs it, default concurrency, batches of the server's max_batch_size, each batch's
    /// removed count read just before its delete) and (b) by Chroma's own JavaScript client the way its users do it
    /// (bench/chroma/js-delete-loop.mjs: chunks of max_batch_size, each delete awaited). The same ids, the same
    /// records seeded the same way before each, one run each; both timed from creating the client (connecting) to
    /// the last delete's answer; both checked to leave the collection empty.
    /// </summary>
    internal static class ChromaBench
    {
        public static void Run(Options o)
        {
            var n = o.ChromaN;
            Report.Heading($"Chroma: VectorOps against the sequential loop of Chroma's JavaScript client ({n:N0} ids, one run)");
            Report.Progress("starting chroma");
            using var server = ChromaServer.Start();
            using var admin = new ChromaAdmin(server.BaseUri);
            var database = "bench_" + Guid.NewGuid().ToString("N").Substring(0, 8);
            admin.CreateDatabase(database);
            var ids = Enumerable.Range(0, n).Select(i => "doc-" + i.ToString("D8", CultureInfo.InvariantCulture)).ToList();
            var max = admin.MaxBatchSize;

            void Seed(string collection)
            {
                Report.Progress($"seeding {n:N0} records in {collection}");
                admin.Upsert(database, collection, ids.Select((id, i) => (id, new float[] { 1, i % 7, 0.5f, 0.25f },
                    (Dictionary<string, object>?)new Dictionary<string, object> { ["n"] = (long)i }, (string?)null)).ToList());
                if (admin.Count(database, collection) != n) throw new InvalidOperationException($"{collection}: seeding left {admin.Count(database, collection)} records, not {n}.");
            }

            // (a) VectorOps, with its default concurrency and with one request in flight (as the JS loop)
            (double Seconds, long Left, int Batches, long Removed, int Failed) VectorOpsRun(string collection, int? throttle)
            {
                Seed(collection);
                Report.Progress("VectorOps, throttle " + (throttle?.ToString(CultureInfo.InvariantCulture) ?? "default"));
                var host = new BenchHost();
                var sw = Stopwatch.StartNew();
                var settings = new ConnectionSettings { Provider = "Chroma", Index = database, RequestTimeout = TimeSpan.FromMinutes(2) };
                settings["Endpoint"] = server.BaseUri;
                using (var connection = ConnectCommand.Connect(settings, makeDefault: false))
                {
                    var command = new RemoveByIdsCommand(host, connection, new RemoveOptions { ThrottleLimit = throttle });
                    foreach (var id in ids) command.Add(id, collection);
                    command.Complete();
                }
                var seconds = sw.Elapsed.TotalSeconds;
                var left = admin.Count(database, collection);
                if (host.Failed > 0 || left != 0) Report.Line($"**not clean** ({collection}): {host.Failed} failed batch(es), {left} record(s) left.");
                return (seconds, left, host.Mutations.Count, host.Mutations.Sum(m => m.AffectedCount ?? 0), host.Failed);
            }
            var a = VectorOpsRun("vectorops", null);
            var a1 = VectorOpsRun("vectorops-one", 1);

            // (b) Chroma's JavaScript client, one delete at a time
            Seed("jsclient");
            Report.Progress("Chroma JS client loop");
            var idsFile = Path.Combine(Path.GetTempPath(), "vectorops-bench-chroma-" + Guid.NewGuid().ToString("N") + ".txt");
            File.WriteAllLines(idsFile, ids);
            var script = Path.Combine(RepoPaths.RepoRoot, "bench", "chroma", "js-delete-loop.mjs");
            var psi = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in new[] { script, server.BaseUri.ToString().TrimEnd('/'), database, "jsclient", idsFile }) psi.ArgumentList.Add(arg);
            string output;
            using (var node = Process.Start(psi)!)
            {
                output = node.StandardOutput.ReadToEnd();
                node.StandardError.ReadToEnd();
                node.WaitForExit();
                if (node.ExitCode != 0) throw new InvalidOperationException("the JS client loop failed: " + output);
            }
            File.Delete(idsFile);
            using var answer = JsonDocument.Parse(output.Trim().Split('\n').Last());
            var jsSeconds = answer.RootElement.GetProperty("ms").GetDouble() / 1000;
            var jsRequests = answer.RootElement.GetProperty("requests").GetInt32();
            var jsLeft = admin.Count(database, "jsclient");
            if (jsLeft != 0) Report.Line($"**not clean**: the JS loop left {jsLeft} record(s).");
            admin.DropDatabase(database);

            string F(double x) => x.ToString("0.000", CultureInfo.InvariantCulture);
            Report.Table($"{n:N0} ids, max_batch_size {max:N0} (read from the server by both)", new[] { "variant", "delete requests", "seconds", "ids/s", "left", "removed (as reported)" },
                new[]
                {
                    new[] { "(a) VectorOps (RemoveByIdsCommand, default concurrency)", a.Batches.ToString(CultureInfo.InvariantCulture), F(a.Seconds), (n / a.Seconds).ToString("N0", CultureInfo.InvariantCulture), a.Left.ToString(CultureInfo.InvariantCulture), a.Removed.ToString("N0", CultureInfo.InvariantCulture) },
                    new[] { "(a1) VectorOps, -ThrottleLimit 1", a1.Batches.ToString(CultureInfo.InvariantCulture), F(a1.Seconds), (n / a1.Seconds).ToString("N0", CultureInfo.InvariantCulture), a1.Left.ToString(CultureInfo.InvariantCulture), a1.Removed.ToString("N0", CultureInfo.InvariantCulture) },
                    new[] { "(b) chromadb JS client, one awaited delete per chunk", jsRequests.ToString(CultureInfo.InvariantCulture), F(jsSeconds), (n / jsSeconds).ToString("N0", CultureInfo.InvariantCulture), jsLeft.ToString(CultureInfo.InvariantCulture), "not reported ({})" },
                });
            Summary.Add($"Chroma, {n:N0} ids", "JS client loop / VectorOps, time", jsSeconds / a.Seconds, "> 1.00, 0 errors", jsSeconds / a.Seconds > 1 && a.Failed == 0 && a.Left == 0,
                $"{a.Failed} failed batches");
            Report.Line($"Ratio (b)/(a): {(jsSeconds / a.Seconds).ToString("0.00", CultureInfo.InvariantCulture)}, (b)/(a1): {(jsSeconds / a1.Seconds).ToString("0.00", CultureInfo.InvariantCulture)} (above 1: VectorOps is faster). Load average at the end: {Report.LoadAverage()}.");
        }

        /// <summary>A host that keeps the mutations (to count batches and removed records) and answers every question yes.</summary>
        private sealed class BenchHost : ICommandHost
        {
            public List<VectorMutation> Mutations { get; } = new List<VectorMutation>();
            public int Failed => Mutations.Count(m => m.Status == MutationStatus.Failed);
            public System.Threading.CancellationToken CancellationToken => default;
            public ShouldProcessMode ShouldProcessMode => ShouldProcessMode.Proceeds;
            public ShouldProcessDecision ShouldProcess(string target, string action) => ShouldProcessDecision.Proceed;
            public bool ShouldContinue(string query, string caption) => true;
            public void WriteObject(object value) { if (value is VectorMutation m) Mutations.Add(m); }
            public void WriteError(VectorOpsError error) => Console.Error.WriteLine(error);
            public void WriteWarning(string message) { }
            public void WriteVerbose(string message) { }
            public void WriteDebug(string message) { }
            public void WriteProgress(ProgressInfo progress) { }
        }
    }
}
