using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using VectorOps.Commands;
using VectorOps.Connections;
using VectorOps.Providers;

namespace VectorOps.Bench
{
    /// <summary>
    /// <c>VectorOps.Bench hosted-probe --providers qdrant,weaviate [--n N] [--runs R]</c>: where the time of a hosted
    /// delete goes. Runs VectorOps (a) and the raw generator (c) alternating, R times each, in the service shape of
    /// <see cref="HostedBench"/>, and prints for every run the wall time, the client's and the emulator's CPU, and a
    /// timeline read from the runtime's own HTTP events (System.Net.Http RequestStart/RequestStop, bench-only: an
    /// EventListener in this process, nothing in shipped code): when the first and last request left, when the last
    /// answer came, how many were in flight, and (for (a)) when the last id was added.
    /// </summary>
    internal static class HostedProbe
    {
        public static int Command(string[] args)
        {
            var n = 200_000;
            var runs = 3;
            var providers = new[] { "qdrant", "weaviate" };
            var timeline = false;
            int? batch = null;
            for (var i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException(args[i] + " needs a value");
                switch (args[i])
                {
                    case "--n": n = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--runs": runs = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--providers": providers = Next().Split(',', StringSplitOptions.RemoveEmptyEntries); break;
                    case "--timeline": timeline = true; break;
                    case "--batch": batch = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    default:
                        Console.Error.WriteLine("usage: VectorOps.Bench hosted-probe [--n N] [--runs R] [--providers qdrant,weaviate] [--batch B] [--timeline]");
                        return 2;
                }
            }
            using var listener = new HttpTimeline();
            foreach (var p in providers)
            {
                using var emu = p == "qdrant"
                    ? EmulatorProcess.Start("qdrant", "--collection", QdrantHosted.Collection, "--dimension", "4")
                    : EmulatorProcess.Start("weaviate", "--class", WeaviateHosted.ClassName);
                Target t = p == "qdrant" ? new QdrantHosted(emu) : new WeaviateHosted(emu);
                var size = batch ?? t.BatchSize;
                var w = new Workload(n, 1, size);
                for (var i = 0; i < n; i++) w.Ids[i] = HostedBench.Uuid(i);
                w.Namespaces[0] = "default";
                var shape = p == "qdrant" ? ((QdrantHosted)t).ServiceShape(25) : ((WeaviateHosted)t).ServiceShape(25);
                var method = p == "qdrant" ? HttpMethod.Post : HttpMethod.Delete;
                var query = p == "qdrant" ? "?wait=false" : "";
                Func<List<string>, byte[]> body = p == "qdrant" ? HostedBench.QdrantBody : HostedBench.WeaviateBody;
                var uri = new Uri(t.DeleteUri + query);
                var payloads = w.Batches().Select(b => body(b.Ids)).ToArray();
                // Warm both sides (client and emulator) with two full unrecorded runs each.
                for (var r = 0; r < 2; r++)
                {
                    Run(t, w, shape, "a", listener, () => VectorOpsTimed(t, w, size, out _));
                    using var warmClient = Variants.RawClient(HostedBench.RawInFlight);
                    Run(t, w, shape, "c", listener, () => HostedBench.RawSend(warmClient, payloads, uri, method));
                }
                Console.WriteLine($"## {t.Name}: {n:N0} ids, {size:N0} a request, 25 ms, {HostedBench.ServerConcurrency} served at once; load {Load()}");
                Console.WriteLine("| run | variant | wall s | client CPU s | emulator CPU s | requests | first request starts ms | last request starts ms | last answer ms | last id added ms | peak in flight | gen0/1/2 | allocated MB |");
                Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
                for (var r = 0; r < runs; r++)
                {
                    double added = 0;
                    var a = Run(t, w, shape, "a", listener, () => VectorOpsTimed(t, w, size, out added));
                    Print(r, "(a) VectorOps", a, added, listener, timeline);
                    using var client = Variants.RawClient(HostedBench.RawInFlight);
                    var c = Run(t, w, shape, "c", listener, () => HostedBench.RawSend(client, payloads, uri, method));
                    Print(r, "(c) raw generator", c, double.NaN, listener, timeline);
                }
            }
            return 0;
        }

        private static string Load() => System.IO.File.Exists("/proc/loadavg") ? System.IO.File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

        private static long _clockStart;

        private static Sample Run(Target t, Workload w, object shape, string variant, HttpTimeline listener, Func<ClientOutcome> run)
        {
            return Measure.Run(t, w, variant, shape, () =>
            {
                listener.Clear();
                _clockStart = Stopwatch.GetTimestamp();
                return run();
            });
        }

        private static ClientOutcome VectorOpsTimed(Target t, Workload w, int size, out double lastAddedMs)
        {
            var settings = t.Settings(null);
            using var connection = new VectorConnection(ProviderRegistry.Create(settings), null, null);
            var host = new DiscardHost();
            var command = new RemoveByIdsCommand(host, connection, new RemoveOptions { BatchSize = size });
            var ids = w.Ids;
            var ns = w.Namespaces[0];
            for (var i = 0; i < ids.Length; i++) command.Add(ids[i], ns);
            lastAddedMs = Ms(Stopwatch.GetTimestamp());
            command.Complete();
            return host.Outcome;
        }

        private static double Ms(long ts) => (ts - _clockStart) * 1000.0 / Stopwatch.Frequency;

        private static void Print(int r, string name, Sample s, double added, HttpTimeline l, bool timeline)
        {
            var ev = l.Snapshot();
            var starts = ev.Where(e => e.Start).Select(e => Ms(e.Ts)).OrderBy(x => x).ToArray();
            var stops = ev.Where(e => !e.Start).Select(e => Ms(e.Ts)).OrderBy(x => x).ToArray();
            int inflight = 0, peak = 0;
            foreach (var e in ev.OrderBy(e => e.Ts)) { inflight += e.Start ? 1 : -1; peak = Math.Max(peak, inflight); }
            string F(double x) => double.IsNaN(x) ? "" : x.ToString("0", CultureInfo.InvariantCulture);
            Console.WriteLine($"| {r + 1} | {name} | {s.Seconds:0.000} | {s.ClientCpuSeconds:0.00} | {s.EmulatorCpuSeconds:0.00} | {starts.Length} | " +
                              $"{F(starts.FirstOrDefault(double.NaN))} | {F(starts.LastOrDefault(double.NaN))} | {F(stops.LastOrDefault(double.NaN))} | {F(added)} | {peak} | {s.Gen0}/{s.Gen1}/{s.Gen2} | {s.AllocatedBytes / 1e6:0} |");
            if (timeline)
                foreach (var e in ev.OrderBy(e => e.Ts))
                    Console.WriteLine($"    {(e.Start ? "start" : "stop ")} {Ms(e.Ts),8:0.0} ms {e.Path}");
        }

        /// <summary>The runtime's HTTP client events, time-stamped on arrival (bench-only).</summary>
        private sealed class HttpTimeline : EventListener
        {
            private readonly ConcurrentQueue<(long Ts, bool Start, string Path)> _events = new ConcurrentQueue<(long, bool, string)>();

            public void Clear() { while (_events.TryDequeue(out _)) { } }

            public List<(long Ts, bool Start, string Path)> Snapshot() => _events.ToList();

            protected override void OnEventSourceCreated(EventSource source)
            {
                if (source.Name == "System.Net.Http") EnableEvents(source, EventLevel.Informational);
            }

            protected override void OnEventWritten(EventWrittenEventArgs e)
            {
                var ts = Stopwatch.GetTimestamp();
                if (e.EventName == "RequestStart")
                    _events.Enqueue((ts, true, e.Payload is { Count: > 3 } p ? p[3]?.ToString() ?? "" : ""));
                else if (e.EventName == "RequestStop")
                    _events.Enqueue((ts, false, ""));
            }
        }
    }
}
