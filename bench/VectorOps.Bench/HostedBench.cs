using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using VectorOps.Providers;
using VectorOps.Security;

namespace VectorOps.Bench
{
    /// <summary>
    /// Issue 19, hosted service shapes and the vendors' own clients (<c>VectorOps.Bench hosted</c>): for Pinecone,
    /// Vectorize, Qdrant and Weaviate, the emulator with 25 ms a request and the limits the vendor publishes (and, for
    /// Qdrant and Weaviate, which publish no request rate, a server serving <see cref="ServerConcurrency"/> requests at
    /// once), the same ids deleted (a) by VectorOps (RemoveByIdsCommand fed one id per Add, every default) and (b) by the
    /// vendor's own npm client as its docs show (bench/clients/*.mjs, installed there with npm ci on first use). Each
    /// run is checked against the emulator: every id received, no record left, 429s and failures as it counted them.
    /// </summary>
    internal static class HostedBench
    {
        /// <summary>Requests the Qdrant and Weaviate emulators serve at once in this shape (the rest wait their turn).</summary>
        public const int ServerConcurrency = 8;

        /// <summary>VectorOps' -ThrottleLimit in the (a) runs (--throttle; null: its defaults).</summary>
        private static int? Throttle;

        public const string Usage =
            "usage: VectorOps.Bench hosted [--n N] [--vectorize-n N] [--providers pinecone,vectorize,qdrant,weaviate] [--latency-ms MS] [--throttle T] [--quick]";

        /// <summary>The preset's own command line (kept apart from Program's options).</summary>
        public static int Command(string[] args)
        {
            var o = new Options { Preset = "hosted" };
            var quick = false;
            int? n = null, vn = null;
            string[]? providers = null;
            for (var i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException(args[i] + " needs a value");
                switch (args[i])
                {
                    case "--n": n = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--vectorize-n": vn = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--providers": providers = Next().Split(',', StringSplitOptions.RemoveEmptyEntries); break;
                    case "--latency-ms": o.LatencyMs = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--quick": quick = true; break;
                    case "--throttle": Throttle = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    default:
                        Console.Error.WriteLine(Usage);
                        return 2;
                }
            }
            Report.Machine(o);
            Run(o, quick, n, vn, providers);
            return 0;
        }

        /// <summary>The entry point for a preset: <paramref name="quick"/> takes 20,000 ids (Vectorize 2,000) instead of 200,000 (20,000).</summary>
        public static void Run(Options o, bool quick, int? n = null, int? vectorizeN = null, IReadOnlyList<string>? providers = null)
        {
            var count = n ?? (quick ? 20_000 : 200_000);
            var vCount = vectorizeN ?? (quick ? 2_000 : 20_000);
            var which = providers ?? new[] { "pinecone", "qdrant", "weaviate", "vectorize" };
            var latency = o.LatencyMs;
            Report.Heading($"Hosted service shapes and the vendors' own clients (issue 19): {latency:0} ms a request");
            Report.Line("(a) VectorOps: RemoveByIdsCommand fed one id per Add call, every default (batch size, concurrency, pacing). " +
                        "(b) the vendor's npm client as its documentation shows, from bench/clients (timed by the script from creating the " +
                        "client to the last answer; node's start-up not counted). Requests, 429s and ids left: as the emulator counted them. " +
                        "One run each.");
            var clients = ClientsFolder();
            foreach (var p in which)
            {
                switch (p)
                {
                    case "pinecone":
                        Pinecone(count, latency, clients);
                        // A run of 200 requests is half the emulator's burst (the bucket holds one second of the rate):
                        // 1,000,000 ids show the sustained limit as well.
                        if (!quick && n is null) Pinecone(1_000_000, latency, clients);
                        break;
                    case "qdrant": Qdrant(count, latency, clients); break;
                    case "weaviate": Weaviate(count, latency, clients); break;
                    case "vectorize": Vectorize(vCount, latency, clients); break;
                    default: throw new ArgumentException("unknown provider " + p);
                }
            }
        }

        // ---- the cases --------------------------------------------------------------------------------

        private static void Pinecone(int n, double latency, string clients)
        {
            using var emu = PineconeTarget.StartEmulator();
            var t = new PineconeTarget(emu);
            var w = new Workload(n, 1, t.BatchSize);
            var shape = t.ServiceShape(latency);
            var ceiling = t.LimitRequestsPerSecond(1) * t.BatchSize;
            var rows = new List<string[]>();
            var a = RunVectorOps(t, w, shape);
            rows.Add(Row("(a) VectorOps", a, ceiling, null));
            var ids = IdsFile(w);
            try
            {
                foreach (var mode in new[] { "sequential", "inflight8" })
                {
                    var b = RunClient(t, w, shape, clients, "pinecone-delete.mjs", emu.BaseUri.ToString().TrimEnd('/'), PineconeTarget.ApiKey, w.Namespaces[0], ids, mode);
                    rows.Add(Row(mode == "sequential" ? "(b) @pinecone-database/pinecone 9.0.0, deleteMany of 1,000 ids, each awaited" : "(b8) the same SDK, 8 calls in flight (no retry)", b, ceiling, a));
                }
            }
            finally { File.Delete(ids); }
            rows.Add(CeilingRow(n, ceiling));
            Report.Table($"Pinecone: {t.LimitText}, {latency:0} ms a request, {n:N0} ids in one namespace; ceiling = 100 requests/s x 1,000 ids = {ceiling:N0} ids/s",
                Headers, rows);
        }

        private static void Qdrant(int n, double latency, string clients)
        {
            using var emu = EmulatorProcess.Start("qdrant", "--collection", QdrantHosted.Collection, "--dimension", "4");
            var t = new QdrantHosted(emu);
            var w = UuidWorkload(n, t.BatchSize);
            var shape = t.ServiceShape(latency);
            var (a, ceiling, rows) = AgainstTheLimits(t, w, shape, HttpMethod.Post, "?wait=false", QdrantBody, "the most the limits allow");
            var ids = IdsFile(w);
            try
            {
                var url = emu.BaseUri.ToString().TrimEnd('/');
                var one = RunClient(t, w, shape, clients, "qdrant-delete.mjs", url, QdrantHosted.Collection, ids, "one");
                rows.Add(Row($"(b) @qdrant/js-client-rest, client.delete(points: all {n:N0} ids), wait=true", one, ceiling, a));
                var chunked = RunClient(t, w, shape, clients, "qdrant-delete.mjs", url, QdrantHosted.Collection, ids, "chunks");
                rows.Add(Row("(b') the same client, 1,000 ids a call, each awaited", chunked, ceiling, a));
            }
            finally { File.Delete(ids); }
            var arithmetic = LatencyRows(n, latency, t.BatchSize, ceiling, rows);
            AddSummary("Qdrant", a, ceiling, arithmetic, rows);
            Report.Table($"Qdrant: no published request rate; max_request_size_mb 32 ({t.BatchSize:N0} UUIDs are about 390 KB); {latency:0} ms a request, {ServerConcurrency} requests served at once; {n:N0} ids; " +
                         "ceiling = the faster of (c) and (c'), the raw generator with the biggest requests the limits allow and with 1,000-id ones", Headers, rows);
        }

        private static void Weaviate(int n, double latency, string clients)
        {
            using var emu = EmulatorProcess.Start("weaviate", "--class", WeaviateHosted.ClassName);
            var t = new WeaviateHosted(emu);
            var w = UuidWorkload(n, t.BatchSize);
            var shape = t.ServiceShape(latency);
            var (a, ceiling, rows) = AgainstTheLimits(t, w, shape, HttpMethod.Delete, "", WeaviateBody, "results.limit, the most the limits allow");
            var ids = IdsFile(w);
            try
            {
                var url = emu.BaseUri.ToString().TrimEnd('/');
                var big = RunClient(t, w, shape, clients, "weaviate-delete.mjs", url, WeaviateHosted.ClassName, ids, "10000");
                rows.Add(Row("(b) weaviate-client 3.14 (REST batch delete), where id ContainsAny, 10,000 ids a call (results.limit), each awaited", big, ceiling, a));
                var small = RunClient(t, w, shape, clients, "weaviate-delete.mjs", url, WeaviateHosted.ClassName, ids, "1000");
                rows.Add(Row("(b') the same, 1,000 ids a call", small, ceiling, a));
            }
            finally { File.Delete(ids); }
            var arithmetic = LatencyRows(n, latency, t.BatchSize, ceiling, rows);
            AddSummary("Weaviate", a, ceiling, arithmetic, rows);
            Report.Table($"Weaviate: no published request rate; results.limit 10,000 a call; {latency:0} ms a request, {ServerConcurrency} requests served at once; {n:N0} ids; " +
                         "ceiling = the faster of (c) and (c'), the raw generator with the biggest requests the limits allow and with 1,000-id ones", Headers, rows);
            Report.Line("weaviate-client's v3 call, collection.data.deleteMany(where), travels over gRPC (weaviate.v1.Weaviate/BatchDelete); the emulator " +
                        "serves the REST document, so that call cannot be pointed at it. The rows use the same package's REST batch delete (weaviateV2).");
        }

        public static byte[] QdrantBody(List<string> ids) => Body(bw =>
        {
            bw.WriteStartObject();
            bw.WriteStartArray("points");
            foreach (var id in ids) bw.WriteStringValue(id);
            bw.WriteEndArray();
            bw.WriteEndObject();
        });

        public static byte[] WeaviateBody(List<string> ids) => Body(bw =>
        {
            bw.WriteStartObject();
            bw.WriteStartObject("match");
            bw.WriteString("class", WeaviateHosted.ClassName);
            bw.WriteStartObject("where");
            bw.WriteStartArray("path");
            bw.WriteStringValue("id");
            bw.WriteEndArray();
            bw.WriteString("operator", "ContainsAny");
            bw.WriteStartArray("valueTextArray");
            foreach (var id in ids) bw.WriteStringValue(id);
            bw.WriteEndArray();
            bw.WriteEndObject();
            bw.WriteEndObject();
            bw.WriteString("output", "minimal");
            bw.WriteEndObject();
        });

        /// <summary>The same ids cut into batches of another size (the raw generator's 1,000-id comparison).</summary>
        private static Workload Rebatch(Workload w, int batch)
        {
            var r = new Workload(w.Count, w.Namespaces.Length, batch);
            Array.Copy(w.Ids, r.Ids, w.Count);
            Array.Copy(w.Namespaces, r.Namespaces, w.Namespaces.Length);
            return r;
        }

        /// <summary>
        /// The latency-only arithmetic for a store that publishes no request rate (<see cref="ServerConcurrency"/>
        /// requests served at once, each taking the latency, nothing else costing time), for 1,000-id requests (what
        /// VectorOps sent before) and for requests of the size the limits allow, as rows against (c). Returns the
        /// 1,000-id figure in ids/s.
        /// </summary>
        private static double LatencyRows(int n, double latency, int batch, double ceiling, List<string[]> rows)
        {
            foreach (var size in new[] { 1000, batch })
            {
                // Whole rounds: ceil(requests / served at once) x latency.
                var requests = (n + size - 1) / size;
                var seconds = Math.Ceiling(requests / (double)ServerConcurrency) * latency / 1000;
                rows.Add(new[]
                {
                    $"latency-only arithmetic, {size:N0}-id requests: {ServerConcurrency} at once x {latency:0} ms",
                    seconds.ToString("0.00", CultureInfo.InvariantCulture), (n / seconds).ToString("N0", CultureInfo.InvariantCulture),
                    (n / seconds / ceiling).ToString("0.00", CultureInfo.InvariantCulture), "", "", "", "", "", "", "", "",
                });
            }
            return n / (Math.Ceiling((n + 999) / 1000 / (double)ServerConcurrency) * latency / 1000);
        }

        private static void Vectorize(int n, double latency, string clients)
        {
            using var emu = VectorizeTarget.StartEmulator();
            var t = new VectorizeTarget(emu);
            var w = new Workload(n, 1, t.BatchSize);
            var ceiling = t.LimitRequestsPerSecond(1) * t.BatchSize;
            // The published window (a run of fewer than 1,200 requests never meets it), and the same 4/s over a window
            // 30 times shorter (40 per 10 s, a 10-second block), where a run of this size meets the limit as a long run would.
            foreach (var (shape, label, divisor) in new[] { (t.ServiceShape(latency), "1,200 requests per 5 minutes, 5-minute block", 1), (VectorizeTarget.Scaled(latency, 30), "40 requests per 10 s, 10-second block (the same 4/s)", 30) })
            {
                // VectorOps is told the account's window, as a user of an account with other limits would set it.
                t.AccountLimit = 1200 / divisor;
                t.AccountWindowSeconds = 300 / divisor;
                var rows = new List<string[]>();
                var a = RunVectorOps(t, w, shape);
                rows.Add(Row("(a) VectorOps", a, ceiling, null));
                var ids = IdsFile(w);
                try
                {
                    var b = RunClient(t, w, shape, clients, "vectorize-delete.mjs", emu.BaseUri.ToString().TrimEnd('/'), VectorizeTarget.Account, VectorizeTarget.Index, VectorizeTarget.Token, ids);
                    rows.Add(Row("(b) cloudflare 7.3.0, vectorize.indexes.deleteByIDs of 100 ids, each awaited (its own retries)", b, ceiling, a));
                }
                finally { File.Delete(ids); }
                rows.Add(CeilingRow(n, ceiling));
                Report.Table($"Vectorize: {label} per account; {latency:0} ms a request; {n:N0} ids; ceiling = 4 requests/s x 100 ids = {ceiling:N0} ids/s (sustained)", Headers, rows);
            }
        }

        // ---- running ----------------------------------------------------------------------------------

        private static readonly string[] Headers = { "variant", "seconds", "ids/s", "x ceiling", "time / (a) time", "requests", "429s", "failed calls", "ids left", "clean", "client CPU s", "emulator CPU s" };

        /// <summary>Requests the raw generator keeps in flight (VectorOps' delete default for these stores).</summary>
        public const int RawInFlight = 16;

        public static byte[] Body(Action<System.Text.Json.Utf8JsonWriter> write)
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>(64 * 1024);
            using (var w = new System.Text.Json.Utf8JsonWriter(buffer)) write(w);
            return buffer.WrittenSpan.ToArray();
        }

        /// <summary>
        /// (c) What the client side could push at best through this shape: the delete bodies of the same 1,000-id
        /// batches, built before the clock starts, sent <see cref="RawInFlight"/> at a time over one SocketsHttpHandler,
        /// answers read and dropped; no validation, no retry, no mutation, no check of what was deleted.
        /// </summary>
        private static Sample RunRaw(Target t, Workload w, object shape, HttpMethod method, string query, Func<List<string>, byte[]> body)
        {
            Report.Progress($"{t.Name}: raw generator");
            var payloads = w.Batches().Select(b => body(b.Ids)).ToArray();
            var uri = new Uri(t.DeleteUri + query);
            using var client = Variants.RawClient(RawInFlight);
            return Measure.Run(t, w, "c", shape, () => RawSend(client, payloads, uri, method));
        }

        /// <summary>The raw generator's sending alone: the prepared bodies, <see cref="RawInFlight"/> at a time, answers read and dropped.</summary>
        public static ClientOutcome RawSend(HttpClient client, byte[][] payloads, Uri uri, HttpMethod method)
        {
            var outcome = new ClientOutcome();
            var next = -1;
            async System.Threading.Tasks.Task Worker()
            {
                int i;
                while ((i = System.Threading.Interlocked.Increment(ref next)) < payloads.Length)
                {
                    using var request = new HttpRequestMessage(method, uri) { Content = new ByteArrayContent(payloads[i]) };
                    request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                    using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead).ConfigureAwait(false);
                    System.Threading.Interlocked.Increment(ref outcome.Batches);
                    if (!response.IsSuccessStatusCode)
                    {
                        System.Threading.Interlocked.Increment(ref outcome.Failed);
                        outcome.FirstError ??= "HTTP " + (int)response.StatusCode;
                    }
                }
            }
            System.Threading.Tasks.Task.WaitAll(Enumerable.Range(0, RawInFlight).Select(_ => System.Threading.Tasks.Task.Run(Worker)).ToArray());
            return outcome;
        }

        /// <summary>
        /// A store that publishes no request rate, only how big a request may be: VectorOps at its default (after one
        /// unrecorded full run, so the emulator's handlers are as warm for (a) as for every later row), the raw
        /// generator with the biggest requests the limits allow (c) and with 1,000-id ones (c'), and VectorOps at
        /// 1,000 ids (a'). The ceiling is the faster raw row: what a perfect client gets from this server.
        /// </summary>
        private static (Sample A, double Ceiling, List<string[]> Rows) AgainstTheLimits(
            Target t, Workload w, object shape, HttpMethod method, string query, Func<List<string>, byte[]> body, string limitNote)
        {
            RunVectorOps(t, w, shape);
            var a = RunVectorOps(t, w, shape);
            var c = RunRaw(t, w, shape, method, query, body);
            var c1k = RunRaw(t, Rebatch(w, 1000), shape, method, query, body);
            var a1k = RunVectorOps(t, Rebatch(w, 1000), shape, batchSize: 1000);
            // (a) opens its connection inside the clock (the collection's or class's read, one round trip); Remove-VectorRecord
            // after Connect-VectorIndex does not. Printed beside (a), which stays the figure of record.
            Report.Progress($"{t.Name}: VectorOps, connected before the clock");
            var open = new global::VectorOps.Connections.VectorConnection(ProviderRegistry.Create(t.Settings(null)), null, null);
            var ao = Measure.Run(t, w, "a", shape, () => Variants.VectorOps(t, w, null, Throttle, null, open));
            var ceiling = Math.Max(c.IdsPerSecond, c1k.IdsPerSecond);
            var rows = new List<string[]>
            {
                Row($"(a) VectorOps ({t.BatchSize:N0} ids a request, its default)", a, ceiling, null),
                Row($"(c) raw generator: {t.BatchSize:N0}-id bodies ({limitNote}) prepared before the clock, {RawInFlight} in flight, nothing else", c, ceiling, a),
                Row("(c') the raw generator with 1,000-id bodies", c1k, ceiling, a),
                Row("(a') VectorOps with -BatchSize 1000 (its default before)", a1k, ceiling, a),
                Row("(a°) VectorOps as (a), the connection opened before the clock (as by Connect-VectorIndex)", ao, ceiling, a),
            };
            return (a, ceiling, rows);
        }

        private static Sample RunVectorOps(Target t, Workload w, object shape, int? batchSize = null)
        {
            // Unrecorded warm-up runs (no latency, no limit) so that the measured run is not the JIT's first pass.
            Report.Progress($"{t.Name}: VectorOps warm-up");
            var warm = new Workload(Math.Min(w.Count, 20_000), 1, w.BatchSize);
            for (var i = 0; i < warm.Count; i++) warm.Ids[i] = w.Ids[i];
            warm.Namespaces[0] = w.Namespaces[0];
            for (var r = 0; r < 3; r++) Measure.Run(t, warm, "warm", t.Unlimited(), () => Variants.VectorOps(t, warm, 1e9, null));
            // Also in the workload's smaller requests: with 10,000 ids a request the runs above make only a few calls,
            // which leaves the emulator's own handlers at their first JIT tier for (a) while every later row meets them
            // warm (measured: Weaviate's emulator spent 1.53 CPU s on (a) against 0.73 s on the same requests of (c)).
            for (var r = 0; r < 2; r++) Measure.Run(t, warm, "warm", t.Unlimited(), () => Variants.VectorOps(t, warm, 1e9, null, w.BatchSize));
            Report.Progress($"{t.Name}: VectorOps, {w.Count:N0} ids");
            var s = Measure.Run(t, w, "a", shape, () => Variants.VectorOps(t, w, null, Throttle, batchSize));
            return s;
        }

        private static Sample RunClient(Target t, Workload w, object shape, string clients, string script, params string[] args)
        {
            Report.Progress($"{t.Name}: {script} {args.LastOrDefault()}");
            double? ms = null;
            var s = Measure.Run(t, w, "b", shape, () =>
            {
                var psi = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = clients };
                psi.ArgumentList.Add(Path.Combine(clients, script));
                foreach (var a in args) psi.ArgumentList.Add(a);
                using var node = Process.Start(psi) ?? throw new InvalidOperationException("node did not start");
                var errTask = node.StandardError.ReadToEndAsync();
                var output = node.StandardOutput.ReadToEnd();
                node.WaitForExit();
                var err = errTask.GetAwaiter().GetResult();
                var last = output.Trim().Split('\n').LastOrDefault() ?? "";
                var outcome = new ClientOutcome();
                if (node.ExitCode != 0 || !last.StartsWith("{", StringComparison.Ordinal))
                {
                    outcome.Failed = 1;
                    outcome.FirstError = $"{script} exited {node.ExitCode}: {(err + output).Trim().Split('\n').LastOrDefault()}";
                    return outcome;
                }
                using var doc = JsonDocument.Parse(last);
                var r = doc.RootElement;
                ms = r.GetProperty("ms").GetDouble();
                outcome.Batches = r.GetProperty("requests").GetInt64();
                outcome.Failed = r.GetProperty("failed").GetInt64();
                if (r.TryGetProperty("objectsFailed", out var of)) outcome.Failed += of.GetInt64();
                outcome.Retries429 = r.GetProperty("status429").GetInt64();
                outcome.FirstError = r.TryGetProperty("firstError", out var fe) && fe.ValueKind == JsonValueKind.String ? fe.GetString() : null;
                return outcome;
            });
            if (ms is double m) s.Seconds = m / 1000;
            return s;
        }

        private static string[] Row(string name, Sample s, double ceiling, Sample? a)
        {
            var problem = s.Problem(allowFailures: true);
            var left = s.Journal.Records is long r ? Math.Max(0, r - s.Sentinels) : -1;
            var failed = s.Outcome.Failed;
            if (problem != null || failed > 0) Report.Progress($"WARNING: {name}: {problem ?? ""} {failed} failed call(s) {s.Outcome.FirstError}");
            return new[]
            {
                name, s.Seconds.ToString("0.00", CultureInfo.InvariantCulture), s.IdsPerSecond.ToString("N0", CultureInfo.InvariantCulture),
                (s.IdsPerSecond / ceiling).ToString("0.00", CultureInfo.InvariantCulture),
                a is null ? "" : (s.Seconds / a.Seconds).ToString("0.00", CultureInfo.InvariantCulture),
                s.Journal.Requests.ToString("N0", CultureInfo.InvariantCulture), s.Count429.ToString(CultureInfo.InvariantCulture),
                failed.ToString(CultureInfo.InvariantCulture) + (s.Outcome.FirstError is string e && failed > 0 ? " (" + Short(e) + ")" : ""),
                left < 0 ? "?" : left.ToString("N0", CultureInfo.InvariantCulture),
                problem is null && failed == 0 ? "yes" : "no",
                s.Variant == "b" ? "(node)" : s.ClientCpuSeconds.ToString("0.00", CultureInfo.InvariantCulture),
                s.EmulatorCpuSeconds.ToString("0.00", CultureInfo.InvariantCulture),
            };
        }

        /// <summary>The quick preset's summary rows: x ceiling of (a), and each vendor-client row's time over VectorOps' (above 1: VectorOps ahead).</summary>
        private static void AddSummary(string store, Sample a, double ceiling, List<string[]> rows)
        {
            var x = a.IdsPerSecond / ceiling;
            var clean = a.Problem() is null && a.Count429 == 0;
            Summary.Add(store, "VectorOps x ceiling (8 served at once, 25 ms, 1,000 ids a request), 0 429s", x, ">= 0.9", x >= 0.9 && clean);
            VendorRows(store, clean, rows);
        }

        /// <summary>
        /// The summary rows of a store that publishes no request rate: VectorOps over the ceiling its published limits
        /// allow (the raw generator sending the biggest requests they allow, (c)), over the latency-only arithmetic for
        /// 1,000-id requests, and each vendor-client row's time over VectorOps'.
        /// </summary>
        private static void AddSummary(string store, Sample a, double limitsCeiling, double arithmetic1k, List<string[]> rows)
        {
            var clean = a.Problem() is null && a.Count429 == 0;
            var x = a.IdsPerSecond / limitsCeiling;
            Summary.Add(store, "VectorOps x the ceiling its published limits allow (raw generator, 16 in flight, the faster of the biggest and 1,000-id requests), 0 429s", x, ">= 0.9", x >= 0.9 && clean);
            var y = a.IdsPerSecond / arithmetic1k;
            Summary.Add(store, "VectorOps x latency-only arithmetic (8 served at once, 25 ms, 1,000 ids a request)", y, ">= 0.9", y >= 0.9 && clean);
            VendorRows(store, clean, rows);
        }

        private static void VendorRows(string store, bool clean, List<string[]> rows)
        {
            foreach (var r in rows.Where(r => r[0].StartsWith("(b", StringComparison.Ordinal)))
            {
                var ratio = double.Parse(r[4], CultureInfo.InvariantCulture);
                Summary.Add(store, "vendor client time / VectorOps time: " + r[0], ratio, "> 1", ratio > 1 && clean);
            }
        }

        private static string Short(string e) => (e.Length > 80 ? e.Substring(0, 80) + "..." : e).Replace("|", "/").Replace("\n", " ");

        private static string[] CeilingRow(int n, double ceiling) => new[]
        {
            "ceiling", (n / ceiling).ToString("0.00", CultureInfo.InvariantCulture), ceiling.ToString("N0", CultureInfo.InvariantCulture), "1.00", "", "", "", "", "", "", "", "",
        };

        private static Workload UuidWorkload(int n, int batch)
        {
            var w = new Workload(n, 1, batch);
            for (var i = 0; i < n; i++) w.Ids[i] = Uuid(i);
            w.Namespaces[0] = "default"; // the one namespace of a collection without a namespace key, of a class without tenants
            return w;
        }

        /// <summary>A UUID per index, lowercase and hyphenated (how Qdrant and Weaviate answer ids).</summary>
        public static string Uuid(long i) => "00000000-0000-4000-8000-" + i.ToString("x12", CultureInfo.InvariantCulture);

        private static string IdsFile(Workload w)
        {
            var path = Path.Combine(Path.GetTempPath(), "vectorops-bench-ids-" + Guid.NewGuid().ToString("N") + ".txt");
            File.WriteAllLines(path, w.Ids);
            return path;
        }

        /// <summary>bench/clients with its packages: installed with npm ci on first use (CI never installs it).</summary>
        private static string ClientsFolder()
        {
            var dir = Path.Combine(Paths.RepoRoot(), "bench", "clients");
            if (!Directory.Exists(Path.Combine(dir, "node_modules")))
            {
                Report.Progress("installing the vendors' clients: npm ci in bench/clients (first use only)");
                var psi = new ProcessStartInfo("npm") { WorkingDirectory = dir, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
                foreach (var a in new[] { "ci", "--no-audit", "--no-fund" }) psi.ArgumentList.Add(a);
                using var p = Process.Start(psi) ?? throw new InvalidOperationException("npm did not start");
                var err = p.StandardError.ReadToEndAsync();
                p.StandardOutput.ReadToEnd();
                p.WaitForExit();
                if (p.ExitCode != 0) throw new InvalidOperationException("npm ci in bench/clients failed: " + err.GetAwaiter().GetResult());
            }
            return dir;
        }
    }

    /// <summary>The Qdrant emulator as the hosted bench drives it (one collection, no namespace key: the collection is one namespace).</summary>
    internal sealed class QdrantHosted : Target
    {
        public const string Collection = "bench";

        public QdrantHosted(EmulatorProcess emulator) : base(emulator) { }

        public override string Name => "Qdrant";
        public override int BatchSize => global::VectorOps.Providers.Qdrant.QdrantProvider.MaxIdsPerDelete;
        public override bool HasNamespaces => false;
        public override Uri DeleteUri => new Uri(Emulator.BaseUri, $"collections/{Collection}/points/delete");
        public override void Authorize(HttpRequestMessage request) { }
        public override byte[] Payload(IReadOnlyList<string> ids, string? @namespace) => throw new NotSupportedException();

        public override ConnectionSettings Settings(double? requestsPerSecond) => new ConnectionSettings
        {
            Provider = "Qdrant",
            Index = Collection,
            ["Endpoint"] = Emulator.BaseUri,
            RequestTimeout = TimeSpan.FromMinutes(2),
        };

        public override object Unlimited() => new { latencyMs = 0, maxInFlight = 0, recordDeletedIds = false };
        public override object ServiceShape(double latencyMs) => new { latencyMs, maxInFlight = HostedBench.ServerConcurrency, recordDeletedIds = false };
        public override double LimitRequestsPerSecond(int namespaces) => double.PositiveInfinity;
        public override string LimitText => "no published request rate";
    }

    /// <summary>The Weaviate emulator as the hosted bench drives it (one class without multi-tenancy: one namespace).</summary>
    internal sealed class WeaviateHosted : Target
    {
        public const string ClassName = "Bench";

        public WeaviateHosted(EmulatorProcess emulator) : base(emulator) { }

        public override string Name => "Weaviate";
        public override int BatchSize => global::VectorOps.Providers.Weaviate.WeaviateProvider.MaxIdsPerDeleteRequest;
        public override bool HasNamespaces => false;
        public override Uri DeleteUri => new Uri(Emulator.BaseUri, "v1/batch/objects");
        public override void Authorize(HttpRequestMessage request) { }
        public override byte[] Payload(IReadOnlyList<string> ids, string? @namespace) => throw new NotSupportedException();

        public override ConnectionSettings Settings(double? requestsPerSecond) => new ConnectionSettings
        {
            Provider = "Weaviate",
            Index = ClassName,
            ["Endpoint"] = Emulator.BaseUri,
            RequestTimeout = TimeSpan.FromMinutes(2),
        };

        public override object Unlimited() => new { latencyMs = 0, maxInFlight = 0, recordDeletedIds = false };
        public override object ServiceShape(double latencyMs) => new { latencyMs, maxInFlight = HostedBench.ServerConcurrency, recordDeletedIds = false };
        public override double LimitRequestsPerSecond(int namespaces) => double.PositiveInfinity;
        public override string LimitText => "no published request rate";
    }
}
