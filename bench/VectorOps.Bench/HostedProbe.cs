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
            var namespaces = 8;
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
                    case "--namespaces": namespaces = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    default:
                        Console.Error.WriteLine("usage: VectorOps.Bench hosted-probe [--n N] [--runs R] [--providers qdrant,weaviate] [--batch B] [--timeline]");
                        return 2;
                }
            }
            using var listener = new HttpTimeline();
            foreach (var p in providers)
            {
                if (p == "pinecone")
                {
                    Pinecone(n, namespaces, runs, listener, timeline);
                    continue;
                }
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
                Console.WriteLine("| run | variant | wall s | client CPU s | emulator CPU s | requests | first delete starts ms (set-up calls before) | last request starts ms | last answer ms | last id added ms | peak in flight | gen0/1/2 | allocated MB |");
                Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
                for (var r = 0; r < runs; r++)
                {
                    double added = 0;
                    var a = Run(t, w, shape, "a", listener, () => VectorOpsTimed(t, w, size, out added));
                    Print(r, "(a) VectorOps", a, added, listener, timeline);
                    // The same, with the connection opened before the clock, as Connect-VectorIndex opens it before
                    // Remove-VectorRecord runs (the provider's collection or class read is the connect's, not the delete's).
                    var open = new VectorConnection(ProviderRegistry.Create(t.Settings(null)), null, null);
                    var ao = Run(t, w, shape, "a", listener, () => VectorOpsTimed(t, w, size, out added, open));
                    Print(r, "(a°) VectorOps, connected before the clock", ao, added, listener, timeline);
                    using var client = Variants.RawClient(HostedBench.RawInFlight);
                    var c = Run(t, w, shape, "c", listener, () => HostedBench.RawSend(client, payloads, uri, method));
                    Print(r, "(c) raw generator", c, double.NaN, listener, timeline);
                    // The raw generator with its bodies built inside the clock, each sent as soon as it is built
                    // (16 in flight): what serializing the ids costs a client that checks nothing.
                    using var inClient = Variants.RawClient(HostedBench.RawInFlight);
                    double built = 0;
                    var ci = Run(t, w, shape, "c", listener, () => BuildAndSend(inClient, w, body, uri, method, out built));
                    Print(r, "(c\u2033) raw, bodies built inside the clock", ci, built, listener, timeline);
                }
            }
            return 0;
        }

        /// <summary>
        /// Pinecone in its service shape (100 deletes/s per namespace, 25 ms), <paramref name="namespaces"/> namespaces:
        /// VectorOps only (the ceiling is arithmetic), with the requests started per 100 ms against the pacing's
        /// 95/s per namespace, the set-up calls, CPU on both sides and the GC's pauses.
        /// </summary>
        private static void Pinecone(int n, int namespaces, int runs, HttpTimeline listener, bool timeline)
        {
            using var emu = PineconeTarget.StartEmulator();
            var t = new PineconeTarget(emu);
            var w = new Workload(n, namespaces, t.BatchSize);
            var shape = t.ServiceShape(25);
            var warm = new Workload(Math.Min(n, 20_000), 1, t.BatchSize);
            for (var i = 0; i < warm.Count; i++) warm.Ids[i] = w.Ids[i];
            for (var r = 0; r < 3; r++) Measure.Run(t, warm, "warm", t.Unlimited(), () => Variants.VectorOps(t, warm, 1e9, null));
            var requests = (n + t.BatchSize - 1) / t.BatchSize;
            var ceiling = requests / (100.0 * namespaces);
            Console.WriteLine($"## Pinecone: {n:N0} ids, {namespaces} namespaces, 1,000 a request, 25 ms, 100/s per namespace (ceiling {ceiling:0.000} s); load {Load()}");
            for (var r = 0; r < runs; r++)
            {
                double added = 0;
                var pause0 = GC.GetTotalPauseDuration();
                var a = Run(t, w, shape, "a", listener, () => PineconeTimed(t, w, out added));
                var paused = GC.GetTotalPauseDuration() - pause0;
                var ev = listener.Snapshot().Where(e => e.Ts <= _clockEnd).OrderBy(e => e.Ts).ToList();
                var deletes = ev.Where(e => e.Start && e.Path.StartsWith("/vectors/delete", StringComparison.Ordinal)).Select(e => Ms(e.Ts)).ToArray();
                var setup = ev.Where(e => e.Start && !e.Path.StartsWith("/vectors/delete", StringComparison.Ordinal)).Select(e => $"{e.Path} at {Ms(e.Ts):0} ms");
                int inflight = 0, peak = 0;
                foreach (var e in ev) { inflight += e.Start ? 1 : -1; peak = Math.Max(peak, inflight); }
                var stops = ev.Where(e => !e.Start).Select(e => Ms(e.Ts)).ToArray();
                Console.WriteLine($"run {r + 1}: wall {a.Seconds:0.000} s (x ceiling {ceiling / a.Seconds:0.00}), client CPU {a.ClientCpuSeconds:0.00} s, emulator CPU {a.EmulatorCpuSeconds:0.00} s, " +
                                  $"429s {a.Count429}, GC {a.Gen0}/{a.Gen1}/{a.Gen2} paused {paused.TotalMilliseconds:0} ms, allocated {a.AllocatedBytes / 1e6:0} MB, peak in flight {peak}");
                Console.WriteLine($"  set-up calls: {string.Join(", ", setup)}; first delete starts {deletes.FirstOrDefault():0} ms, last id added {added:0} ms, " +
                                  $"last delete starts {deletes.LastOrDefault():0} ms, last answer {stops.LastOrDefault():0} ms");
                var buckets = new int[(int)(a.Seconds * 10) + 1];
                foreach (var d in deletes) buckets[Math.Min(buckets.Length - 1, (int)(d / 100))]++;
                Console.WriteLine($"  delete requests started per 100 ms (pacing allows {namespaces * 9.5:0.#}): {string.Join(" ", buckets)}");
                var answered = new int[buckets.Length];
                foreach (var x in stops) answered[Math.Min(answered.Length - 1, (int)(x / 100))]++;
                Console.WriteLine($"  answers per 100 ms: {string.Join(" ", answered)}");
                var open = new int[buckets.Length];
                var k = 0;
                for (var b = 0; b < buckets.Length; b++)
                {
                    while (k < ev.Count && Ms(ev[k].Ts) < (b + 1) * 100) { inflight += 0; k++; }
                    open[b] = ev.Take(k).Sum(e => e.Start ? 1 : -1);
                }
                Console.WriteLine($"  in flight at the end of each 100 ms: {string.Join(" ", open)}");
                if (timeline) foreach (var e in ev) Console.WriteLine($"    {(e.Start ? "start" : "stop ")} {Ms(e.Ts),8:0.0} ms {e.Path}");
            }
        }

        private static ClientOutcome PineconeTimed(Target t, Workload w, out double lastAddedMs)
        {
            using var connection = new VectorConnection(ProviderRegistry.Create(t.Settings(null)), null, null);
            var host = new DiscardHost();
            var command = new RemoveByIdsCommand(host, connection, new RemoveOptions());
            var ids = w.Ids;
            for (var i = 0; i < ids.Length; i++) command.Add(ids[i], w.NamespaceOf(i));
            lastAddedMs = Ms(Stopwatch.GetTimestamp());
            command.Complete();
            return host.Outcome;
        }

        private static string Load() => System.IO.File.Exists("/proc/loadavg") ? System.IO.File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

        private static long _clockStart;
        private static long _clockEnd;

        private static Sample Run(Target t, Workload w, object shape, string variant, HttpTimeline listener, Func<ClientOutcome> run)
        {
            return Measure.Run(t, w, variant, shape, () =>
            {
                listener.Clear();
                _clockStart = Stopwatch.GetTimestamp();
                var outcome = run();
                _clockEnd = Stopwatch.GetTimestamp();
                return outcome;
            });
        }

        private static ClientOutcome VectorOpsTimed(Target t, Workload w, int size, out double lastAddedMs, VectorConnection? open = null)
        {
            using var connection = open ?? new VectorConnection(ProviderRegistry.Create(t.Settings(null)), null, null);
            var host = new DiscardHost();
            var command = new RemoveByIdsCommand(host, connection, new RemoveOptions { BatchSize = size });
            var ids = w.Ids;
            var ns = w.Namespaces[0];
            for (var i = 0; i < ids.Length; i++) command.Add(ids[i], ns);
            lastAddedMs = Ms(Stopwatch.GetTimestamp());
            command.Complete();
            return host.Outcome;
        }

        private static ClientOutcome BuildAndSend(HttpClient client, Workload w, Func<List<string>, byte[]> body, Uri uri, HttpMethod method, out double lastBuiltMs)
        {
            var outcome = new ClientOutcome();
            using var slots = new System.Threading.SemaphoreSlim(HostedBench.RawInFlight);
            var tasks = new List<System.Threading.Tasks.Task>();
            foreach (var (_, ids) in w.Batches())
            {
                var payload = body(ids);
                slots.Wait();
                tasks.Add(System.Threading.Tasks.Task.Run(async () =>
                {
                    try
                    {
                        using var request = new HttpRequestMessage(method, uri) { Content = new ByteArrayContent(payload) };
                        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead).ConfigureAwait(false);
                        System.Threading.Interlocked.Increment(ref outcome.Batches);
                        if (!response.IsSuccessStatusCode) System.Threading.Interlocked.Increment(ref outcome.Failed);
                    }
                    finally { slots.Release(); }
                }));
            }
            lastBuiltMs = Ms(Stopwatch.GetTimestamp());
            System.Threading.Tasks.Task.WaitAll(tasks.ToArray());
            return outcome;
        }

        private static double Ms(long ts) => (ts - _clockStart) * 1000.0 / Stopwatch.Frequency;

        private static void Print(int r, string name, Sample s, double added, HttpTimeline l, bool timeline)
        {
            // The events of the run only (the journal read after the clock stops is the bench's, not the run's).
            var ev = l.Snapshot().Where(e => e.Ts <= _clockEnd).ToList();
            var starts = ev.Where(e => e.Start).Select(e => Ms(e.Ts)).OrderBy(x => x).ToArray();
            static bool IsDelete(string path) => path.Contains("/points/delete", StringComparison.Ordinal) || path.StartsWith("/v1/batch/objects", StringComparison.Ordinal);
            var setup = ev.Where(e => e.Start && !IsDelete(e.Path)).OrderBy(e => e.Ts).Select(e => e.Path.Split('?')[0]).ToArray();
            var firstDelete = ev.Where(e => e.Start && IsDelete(e.Path)).Select(e => Ms(e.Ts)).DefaultIfEmpty(double.NaN).Min();
            var stops = ev.Where(e => !e.Start).Select(e => Ms(e.Ts)).OrderBy(x => x).ToArray();
            int inflight = 0, peak = 0;
            foreach (var e in ev.OrderBy(e => e.Ts)) { inflight += e.Start ? 1 : -1; peak = Math.Max(peak, inflight); }
            string F(double x) => double.IsNaN(x) ? "" : x.ToString("0", CultureInfo.InvariantCulture);
            Console.WriteLine($"| {r + 1} | {name} | {s.Seconds:0.000} | {s.ClientCpuSeconds:0.00} | {s.EmulatorCpuSeconds:0.00} | {starts.Length} | " +
                              $"{F(firstDelete)} ({(setup.Length == 0 ? "no set-up call" : string.Join(" + ", setup))}) | {F(starts.LastOrDefault(double.NaN))} | {F(stops.LastOrDefault(double.NaN))} | {F(added)} | {peak} | {s.Gen0}/{s.Gen1}/{s.Gen2} | {s.AllocatedBytes / 1e6:0} |");
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
