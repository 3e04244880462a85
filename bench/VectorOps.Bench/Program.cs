using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using VectorOps.Providers;

namespace VectorOps.Bench
{
    /// <summary>
    /// <c>dotnet run -c Release --project bench/VectorOps.Bench -- all</c> (or quick, overhead, service, stream, sweep).
    /// See bench/README.md.
    /// </summary>
    public static class Program
    {
        /// <summary>"No pacing" for the client-overhead regime: the emulator has no limit there.</summary>
        private const double Unpaced = 1e9;

        public static int Main(string[] args)
        {
            if (args.Length > 1 && args[0] == "alloc-trace") { AllocTrace.Run(args[1]); return 0; }
            if (args.Length > 0 && args[0] == "stream-child") return Streaming.Child(args.Skip(1).ToArray());
            if (args.Length > 0 && args[0] == "hosted-probe") return HostedProbe.Command(args.Skip(1).ToArray());
            if (args.Length > 0 && args[0] == "hosted") return HostedBench.Command(args.Skip(1).ToArray());
            Options o;
            try
            {
                o = Options.Parse(args);
            }
            catch (ArgumentException ex)
            {
                Console.Error.WriteLine(ex.Message);
                Console.Error.WriteLine(Options.Usage);
                return 2;
            }
            Report.Machine(o);
            if (o.Overhead) Overhead(o);
            if (o.Service) Service(o);
            if (o.Sweep) Sweep(o);
            if (o.Profile) Profile.Run(o);
            if (o.Loop != null) Loop(o);
            if (o.Stream) Streaming.Run(o);
            if (o.PgVector)
            {
                // Caught here so that the server it started is stopped (an unhandled exception runs no finally).
                try { PgVectorBench.Run(o); }
                catch (Exception ex)
                {
                    Console.Error.WriteLine("pgvector case failed: " + ex);
                    if (!o.Quick) return 1;
                    Summary.Missing("pgvector", "its case failed: " + ex.GetType().Name);
                }
            }
            if (o.Chroma)
            {
                try { ChromaBench.Run(o); }
                catch (Exception ex) when (o.Quick)
                {
                    Console.Error.WriteLine("chroma case failed: " + ex);
                    Summary.Missing("Chroma", "its case failed: " + ex.GetType().Name);
                }
            }
            if (o.Local) LocalBench.Run(o);
            if (o.PsStream) PwshStream.Run(o);
            if (o.Quick) QuickPreset.RunHostedShapes(o);
            Summary.Print(o);
            return 0;
        }

        private static Target Make(string provider, EmulatorProcess emu) =>
            provider == "pinecone" ? new PineconeTarget(emu) : new VectorizeTarget(emu);

        private static EmulatorProcess StartEmulator(string provider) =>
            provider == "pinecone" ? PineconeTarget.StartEmulator() : VectorizeTarget.StartEmulator();

        private static int DefaultConcurrency(Target t)
        {
            // What RemoveByIdsCommand uses without -ThrottleLimit: the provider's delete default where it has one.
            using var p = ProviderRegistry.Create(t.Settings(null));
            return p.Capabilities.DefaultDeleteConcurrency ?? p.Capabilities.DefaultConcurrency;
        }

        private static byte[][] Prepare(Target t, Workload w) =>
            w.Batches().Select(b => t.Payload(b.Ids, t.HasNamespaces ? b.Namespace : null)).ToArray();

        // ---- regime 1: client overhead ----------------------------------------------------------------

        private static void Overhead(Options o)
        {
            Report.Heading("Regime 1: client overhead (emulator: no added latency, no rate limit)");
            Report.Line("(a) VectorOps, command layer fed one id per Add call, default concurrency and transport; pacing off " +
                        "(the emulator has no limit here). (c) raw generator: the same batch payloads prepared before the clock " +
                        "starts, the same concurrency, one SocketsHttpHandler, nothing else. Client CPU = this process's " +
                        "TotalProcessorTime delta; the emulator runs in its own process. Medians of " + o.Runs + " run(s) after at least " +
                        o.WarmRuns + " unrecorded warm-up runs of each, continued until a pair of runs compiles (almost) nothing new " +
                        "(the steady state of tiered compilation; the JIT time left in all measured runs is shown). " + (o.SeedOverhead
                            ? "The emulator holds the N ids as records and deletes them."
                            : "The emulator is not seeded (it parses, checks and counts every id and answers as the service does, " +
                              "but has no million-entry table to delete from), so that it costs as little per id as it can."));
            foreach (var provider in o.Providers)
            {
                using var emu = StartEmulator(provider);
                var t = Make(provider, emu);
                var concurrency = o.Throttle ?? DefaultConcurrency(t);
                using var raw = Variants.RawClient(concurrency);
                var warmRuns = Warm(t, raw, concurrency, o);
                var rows = new List<string[]>();
                foreach (var n in o.Sizes)
                {
                    var w = new Workload(n, 1, t.BatchSize);
                    var payloads = Prepare(t, w);
                    var a = new List<Sample>();
                    var c = new List<Sample>();
                    for (var r = 0; r < o.Runs; r++)
                    {
                        a.Add(Check(Measure.Run(t, w, "a", t.Unlimited(), () => Variants.VectorOps(t, w, Unpaced, o.Throttle), seed: o.SeedOverhead)));
                        c.Add(Check(Measure.Run(t, w, "c", t.Unlimited(), () => Variants.RawAsync(raw, t, payloads, concurrency).GetAwaiter().GetResult(), seed: o.SeedOverhead)));
                    }
                    var ma = Measure.Median(a.Select(s => s.IdsPerSecond));
                    var mc = Measure.Median(c.Select(s => s.IdsPerSecond));
                    rows.Add(OverheadRow(n, "(a) VectorOps", a, Ratio(ma, mc)));
                    rows.Add(OverheadRow(n, "(c) raw generator", c, ""));
                    Report.Progress($"{t.Name} N={n:N0}: a {ma:N0} ids/s, c {mc:N0} ids/s, a/c {ma / mc:0.00}");
                }
                Report.Table($"{t.Name}, concurrency {concurrency}, {t.BatchSize} ids a request (after {warmRuns} warm-up runs of each)",
                    new[] { "N", "variant", "ids/s (median)", "min-max", "client CPU µs/id", "emulator CPU µs/id", "client alloc B/id", "GCs 0/1/2", "JIT ms (methods) in the runs", "a/c" },
                    rows);
            }
        }

        private static string[] OverheadRow(int n, string name, List<Sample> s, string ratio)
        {
            var m = Measure.MedianSample(s);
            return new[]
            {
                n.ToString("N0", CultureInfo.InvariantCulture), name,
                Measure.Median(s.Select(x => x.IdsPerSecond)).ToString("N0", CultureInfo.InvariantCulture),
                s.Min(x => x.IdsPerSecond).ToString("N0", CultureInfo.InvariantCulture) + "-" + s.Max(x => x.IdsPerSecond).ToString("N0", CultureInfo.InvariantCulture),
                Measure.Median(s.Select(x => x.ClientMicrosPerId)).ToString("0.00", CultureInfo.InvariantCulture),
                Measure.Median(s.Select(x => x.EmulatorMicrosPerId)).ToString("0.00", CultureInfo.InvariantCulture),
                Measure.Median(s.Select(x => x.BytesPerId)).ToString("0", CultureInfo.InvariantCulture),
                $"{m.Gen0}/{m.Gen1}/{m.Gen2}",
                s.Sum(x => x.JitMilliseconds).ToString("0", CultureInfo.InvariantCulture) + " (" + s.Sum(x => x.MethodsCompiled).ToString(CultureInfo.InvariantCulture) + ")",
                ratio,
            };
        }

        private static int Warm(Target t, HttpClient raw, int concurrency, Options o)
        {
            // JIT and tiering, connections. Tiered compilation with dynamic PGO settles only after the hot paths
            // have run for seconds (each hot method is compiled again with instrumentation, then a third time),
            // and while it works its thread takes CPU from both variants. Regime 1 reports the steady state: at
            // least o.WarmRuns runs of 1,000,000 ids of each variant, then more until a pair of runs compiles
            // (almost) nothing new; the JIT time left in the measured runs is printed beside them.
            var w = new Workload(o.Quick ? 200_000 : 1_000_000, 1, t.BatchSize);
            var payloads = Prepare(t, w);
            var runs = 0;
            while (runs < 60)
            {
                var before = System.Runtime.JitInfo.GetCompiledMethodCount(false);
                Measure.Run(t, w, "warm", t.Unlimited(), () => Variants.VectorOps(t, w, Unpaced, o.Throttle), seed: o.SeedOverhead);
                Measure.Run(t, w, "warm", t.Unlimited(), () => Variants.RawAsync(raw, t, payloads, concurrency).GetAwaiter().GetResult(), seed: o.SeedOverhead);
                runs++;
                var compiled = System.Runtime.JitInfo.GetCompiledMethodCount(false) - before;
                if (runs >= o.WarmRuns && compiled < 5) break;
            }
            Report.Progress($"{t.Name}: {runs} warm-up run(s) of each variant before the JIT went quiet");
            return runs;
        }

        private static Sample Check(Sample s, bool allowFailures = false)
        {
            var p = s.Problem(allowFailures);
            if (p != null) Report.Progress($"WARNING: run {s.Variant} is not clean: {p}");
            return s;
        }

        private static string Ratio(double x, double y) => (x / y).ToString("0.00", CultureInfo.InvariantCulture);

        // ---- regime 2: service shape ----------------------------------------------------------------------

        private static void Service(Options o)
        {
            Report.Heading($"Regime 2: service shape (emulator: {o.LatencyMs:0} ms added to every request, the published rate limit with 429 and Retry-After)");
            Report.Line("(a) VectorOps with its defaults (pacing, concurrency), fed one id per Add call. (b) the sequential way of " +
                        "the SDKs: one request per batch, each awaited before the next, a 429 waited out (Retry-After) and resent. " +
                        "Ceiling: the published limit x ids per request. 429s: as counted by the emulator.");
            foreach (var provider in o.Providers)
            {
                using var emu = StartEmulator(provider);
                var t = Make(provider, emu);
                using var seq = Variants.RawClient(1);
                // Warm-up without limits (JIT, connections).
                var warm = new Workload(20_000, 1, t.BatchSize);
                Measure.Run(t, warm, "warm", t.Unlimited(), () => Variants.VectorOps(t, warm, Unpaced, null));
                Measure.Run(t, warm, "warm", t.Unlimited(), () => Variants.SequentialAsync(seq, t, warm).GetAwaiter().GetResult());

                var rows = new List<string[]>();
                // Vectorize: the published window (1,200 per 5 minutes, a 5-minute block), and the same 4/s with a
                // window and block 30 times shorter, so that a short run shows what a long one does.
                var cases = provider == "pinecone"
                    ? o.NamespaceCounts.SelectMany(ns => o.Sizes.Select(n => (ns, n, 1))).ToList()
                    : new List<(int, int, int)> { (1, o.VectorizeN, 1), (1, o.VectorizeN, 30) };
                foreach (var (nsCount, n, divisor) in cases)
                {
                    var w = new Workload(n, nsCount, t.BatchSize);
                    var shape = divisor == 1 ? t.ServiceShape(o.LatencyMs) : VectorizeTarget.Scaled(o.LatencyMs, divisor);
                    var runs = provider == "vectorize" ? 1 : o.ServiceRuns;
                    var a = new List<Sample>();
                    var a2 = new List<Sample>();
                    var b = new List<Sample>();
                    for (var r = 0; r < runs; r++)
                    {
                        a.Add(Check(Measure.Run(t, w, "a", shape, () => Variants.VectorOps(t, w, null, o.Throttle))));
                        if (provider == "vectorize")
                            a2.Add(Check(Measure.Run(t, w, "a'", shape, () => Variants.VectorOps(t, w, 3.8, o.Throttle))));
                        b.Add(Check(Measure.Run(t, w, "b", shape, () => Variants.SequentialAsync(seq, t, w).GetAwaiter().GetResult())));
                    }
                    var ceiling = t.LimitRequestsPerSecond(nsCount) * t.BatchSize;
                    var ma = Measure.MedianSample(a);
                    var mb = Measure.MedianSample(b);
                    var label = t.HasNamespaces ? $"{nsCount} namespace(s)"
                        : divisor == 1 ? "account, 1,200 per 5 min" : $"account, {1200 / divisor} per {300 / divisor} s (same 4/s)";
                    rows.Add(ServiceRow(n, label, "(a) VectorOps", ma, Ratio(ma.IdsPerSecond, mb.IdsPerSecond), Ratio(ma.IdsPerSecond, ceiling), a));
                    if (a2.Count > 0)
                    {
                        var ma2 = Measure.MedianSample(a2);
                        rows.Add(ServiceRow(n, label, "(a') VectorOps at 3.8 requests/s", ma2, Ratio(ma2.IdsPerSecond, mb.IdsPerSecond), Ratio(ma2.IdsPerSecond, ceiling), a2));
                    }
                    rows.Add(ServiceRow(n, label, "(b) sequential", mb, "", Ratio(mb.IdsPerSecond, ceiling), b));
                    Summary.Add($"{t.Name} shape, {label}, {n:N0} ids", "VectorOps / ceiling", ma.IdsPerSecond / ceiling, ">= 0.90, 0 429s",
                        ma.IdsPerSecond / ceiling >= 0.9 && a.Sum(x => x.Count429) == 0,
                        $"{a.Sum(x => x.Count429)} 429s; {Ratio(ma.IdsPerSecond, mb.IdsPerSecond)}x the sequential way");
                    rows.Add(new[]
                    {
                        n.ToString("N0", CultureInfo.InvariantCulture), label, "ceiling (limit)", ceiling.ToString("N0", CultureInfo.InvariantCulture),
                        Seconds(n / ceiling), "", "1.00", "", "",
                    });
                    Report.Progress($"{t.Name} {label} N={n:N0}: a {ma.IdsPerSecond:N0} ids/s ({ma.Count429} 429s), b {mb.IdsPerSecond:N0} ids/s ({mb.Count429} 429s), ceiling {ceiling:N0}");
                    if (provider == "vectorize" && divisor == 1) VectorizeProjection(ma, mb, t, o);
                }
                Report.Table($"{t.Name}: {t.LimitText}; {o.LatencyMs:0} ms a request; {t.BatchSize} ids a request",
                    new[] { "N", "scope", "variant", "ids/s", "time", "a/b", "x ceiling", "429s", "requests" }, rows);
            }
        }

        private static string[] ServiceRow(int n, string scope, string name, Sample m, string ab, string ac, List<Sample> all) => new[]
        {
            n.ToString("N0", CultureInfo.InvariantCulture), scope, name,
            m.IdsPerSecond.ToString("N0", CultureInfo.InvariantCulture) + (all.Count > 1 ? $" (median of {all.Count})" : ""),
            Seconds(m.Seconds), ab, ac,
            all.Sum(s => s.Count429).ToString(CultureInfo.InvariantCulture) + (all.Count > 1 ? " (all runs)" : ""),
            m.Journal.Requests.ToString("N0", CultureInfo.InvariantCulture),
        };

        private static string Seconds(double s) =>
            s >= 120 ? (s / 60).ToString("0.0", CultureInfo.InvariantCulture) + " min" : s.ToString("0.00", CultureInfo.InvariantCulture) + " s";

        /// <summary>How long 1,000,000 ids would take on Vectorize: measured request rates carried to 10,000 requests.</summary>
        private static void VectorizeProjection(Sample a, Sample b, Target t, Options o)
        {
            const int million = 1_000_000;
            var requests = million / t.BatchSize;
            var aRate = a.Journal.Requests / a.Seconds;
            var ceilingRate = t.LimitRequestsPerSecond(1);
            // The limit: 1,200 requests in any 5 minutes; the steady state is 4/s, the first window may be spent at once.
            var windowSeconds = Math.Floor((requests - 1) / 1200.0) * 300;
            // The sequential way at its own pace until the window is spent, then blocked for 5 minutes, over and over.
            var bOwnRate = b.Outcome.Batches / Math.Max(1e-9, b.Seconds - b.Count429 * 300.0);
            var cycles = Math.Ceiling(requests / 1200.0);
            var bSeconds = requests / bOwnRate + (cycles - 1) * 300;
            Report.Line($"Vectorize, 1,000,000 ids = {requests:N0} requests: VectorOps at its measured {aRate:0.00} requests/s takes " +
                        $"{requests / aRate / 60:0.0} min with no 429; the limit's steady 4/s takes {requests / ceilingRate / 60:0.0} min " +
                        $"({windowSeconds / 60:0.0} min if the first 1,200 go at once); the sequential way at its measured {bOwnRate:0.0} " +
                        $"requests/s spends each 5-minute window in {1200 / bOwnRate:0} s and is then blocked for 5 minutes: " +
                        $"{bSeconds / 60:0.0} min with {cycles - 1:0} blocks of the whole account (if it waits them out; wrangler and " +
                        "an Invoke-RestMethod loop stop at the first).");
        }

        // ---- loop: one variant over and over, for a profiler ----------------------------------------------

        /// <summary>
        /// Runs one variant of regime 1 (a: VectorOps, c: raw) R times on the first N and prints each run: a steady
        /// process to attach <c>perf</c> to. Not part of <c>all</c>.
        /// </summary>
        private static void Loop(Options o)
        {
            Report.Heading($"Loop: variant ({o.Loop}) alone, {o.Runs} run(s)");
            foreach (var provider in o.Providers)
            {
                using var emu = StartEmulator(provider);
                var t = Make(provider, emu);
                var concurrency = o.Throttle ?? DefaultConcurrency(t);
                using var raw = Variants.RawClient(concurrency);
                var w = new Workload(o.Sizes[0], 1, t.BatchSize);
                var payloads = o.Loop == "c" ? Prepare(t, w) : null;
                var rows = new List<string[]>();
                for (var r = 0; r < o.Runs; r++)
                {
                    var m = Check(o.Loop == "c"
                        ? Measure.Run(t, w, "c", t.Unlimited(), () => Variants.RawAsync(raw, t, payloads!, concurrency).GetAwaiter().GetResult(), seed: o.SeedOverhead)
                        : Measure.Run(t, w, "a", t.Unlimited(), () => Variants.VectorOps(t, w, Unpaced, o.Throttle), seed: o.SeedOverhead));
                    rows.Add(new[]
                    {
                        (r + 1).ToString(CultureInfo.InvariantCulture), m.IdsPerSecond.ToString("N0", CultureInfo.InvariantCulture),
                        m.ClientMicrosPerId.ToString("0.000", CultureInfo.InvariantCulture), m.EmulatorMicrosPerId.ToString("0.000", CultureInfo.InvariantCulture),
                        m.BytesPerId.ToString("0", CultureInfo.InvariantCulture),
                    });
                }
                Report.Table($"{t.Name}, N = {w.Count:N0}, concurrency {concurrency}", new[] { "run", "ids/s", "client CPU µs/id", "emulator CPU µs/id", "alloc B/id" }, rows);
            }
        }

        // ---- concurrency sweep ------------------------------------------------------------------------------

        private static void Sweep(Options o)
        {
            Report.Heading("Concurrency sweep (VectorOps only), to choose the default");
            foreach (var provider in o.Providers)
            {
                using var emu = StartEmulator(provider);
                var t = Make(provider, emu);
                var warm = new Workload(20_000, 1, t.BatchSize);
                Measure.Run(t, warm, "warm", t.Unlimited(), () => Variants.VectorOps(t, warm, Unpaced, null));
                var rows = new List<string[]>();
                var n = o.Sizes.Min();
                foreach (var regime in new[] { "overhead", "service" })
                {
                    var nsCounts = regime == "service" && t.HasNamespaces ? o.NamespaceCounts : new[] { 1 };
                    foreach (var nsCount in nsCounts)
                    {
                        var size = regime == "service" && !t.HasNamespaces ? o.VectorizeN : n;
                        var w = new Workload(size, nsCount, t.BatchSize);
                        foreach (var c in o.SweepConcurrency)
                        {
                            var samples = new List<Sample>();
                            for (var r = 0; r < (regime == "overhead" ? o.Runs : 1); r++)
                                samples.Add(Check(regime == "overhead"
                                    ? Measure.Run(t, w, "a", t.Unlimited(), () => Variants.VectorOps(t, w, Unpaced, c))
                                    : Measure.Run(t, w, "a", t.ServiceShape(o.LatencyMs), () => Variants.VectorOps(t, w, null, c))));
                            var m = Measure.MedianSample(samples);
                            rows.Add(new[]
                            {
                                regime, nsCount.ToString(CultureInfo.InvariantCulture), size.ToString("N0", CultureInfo.InvariantCulture),
                                c.ToString(CultureInfo.InvariantCulture), m.IdsPerSecond.ToString("N0", CultureInfo.InvariantCulture),
                                m.ClientMicrosPerId.ToString("0.00", CultureInfo.InvariantCulture), m.Count429.ToString(CultureInfo.InvariantCulture),
                            });
                            Report.Progress($"{t.Name} {regime} ns={nsCount} c={c}: {m.IdsPerSecond:N0} ids/s, {m.ClientMicrosPerId:0.00} µs/id, {m.Count429} 429s");
                        }
                    }
                }
                Report.Table($"{t.Name}: VectorOps by concurrency", new[] { "regime", "namespaces", "N", "concurrency", "ids/s", "client CPU µs/id", "429s" }, rows);
            }
        }
    }

    internal sealed class Options
    {
        public const string Usage =
            "usage: VectorOps.Bench PRESET [--runs R] [--service-runs R] [--n N,N] [--providers pinecone,vectorize] [--namespaces 1,8]\n" +
            "                        [--vectorize-n N] [--stream-n N,N] [--throttle T] [--latency-ms MS] [--sweep-concurrency 1,2,4] [--pg-n N] [--chroma-n N]\n" +
            "presets: all (every table, ~10 min), quick (every store at small N and a summary, < 2 min), overhead, service, stream, sweep, profile, loop, pgvector,\n" +
            "         chroma (VectorOps against Chroma's own JS client on the real server, one run), local (the local store against SQLite itself\n" +
            "         and through the cmdlet; --local-n N, --local-runs R, --no-pwsh), psstream (streaming memory through pwsh 7.6 and the CLI; --psstream-n N,N)";

        public bool Overhead, Service, Stream, Sweep, Profile, Quick, PgVector, Chroma, Local, PsStream;

        /// <summary>The PowerShell streaming case's sizes (--psstream-n).</summary>
        public int[] PsStreamSizes = { 1_000_000, 10_000_000 };

        /// <summary>The local case's ids (--local-n), runs of each variant (--local-runs), and --no-pwsh.</summary>
        public int LocalN = 200_000;
        public int LocalRuns = 3;
        public bool SkipPwsh;

        /// <summary>The pgvector case's ids (--pg-n).</summary>
        public int PgN = 1_000_000;

        /// <summary>The chroma case's ids (--chroma-n).</summary>
        public int ChromaN = 50_000;
        public string Preset = "quick";
        public int Runs = 5;
        public int ServiceRuns = 3;
        public int[] Sizes = { 100_000, 1_000_000 };
        public string[] Providers = { "pinecone", "vectorize" };
        public int[] NamespaceCounts = { 1, 8 };
        public int VectorizeN = 20_000;
        public int[] StreamSizes = { 1_000_000, 10_000_000 };
        public int[] SweepConcurrency = { 1, 2, 4, 8, 16, 32, 64 };
        public int? Throttle;
        public double LatencyMs = 25;
        public bool SeedOverhead;
        public string? Loop;
        public int WarmRuns = 5;

        public static Options Parse(string[] args)
        {
            var o = new Options();
            var i = 0;
            if (args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal)) o.Preset = args[i++];
            switch (o.Preset)
            {
                case "all": o.Overhead = o.Service = o.Stream = true; break;
                case "quick":
                    // Every store's case at small N, then the summary table (under two minutes): the hosted shapes
                    // (service), the local store, pgvector, Chroma, and the cases in QuickPreset.HostedShapes.
                    // Client overhead (overhead) and streaming (stream, psstream) have presets of their own.
                    o.Quick = true;
                    o.Service = o.Local = o.PgVector = o.Chroma = true;
                    o.ServiceRuns = 1;
                    o.Sizes = new[] { 100_000 };
                    o.VectorizeN = 2_000;
                    o.LocalN = 50_000;
                    o.SkipPwsh = true;
                    o.PgN = 20_000;
                    o.ChromaN = 5_000;
                    break;
                case "overhead": o.Overhead = true; break;
                case "service": o.Service = true; break;
                case "stream": o.Stream = true; break;
                case "sweep": o.Sweep = true; o.Sizes = new[] { 100_000 }; o.VectorizeN = 5_000; o.Runs = 1; break;
                case "profile": o.Profile = true; o.Sizes = new[] { 1_000_000 }; break;
                case "loop": o.Loop = "a"; o.Sizes = new[] { 1_000_000 }; o.Runs = 20; break;
                case "pgvector": o.PgVector = true; break;
                case "chroma": o.Chroma = true; break;
                case "local": o.Local = true; break;
                case "psstream": o.PsStream = true; break;
                default: throw new ArgumentException($"Unknown preset '{o.Preset}'.");
            }
            for (; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
                int[] Ints() => Next().Split(',').Select(s => int.Parse(s.Replace("_", ""), CultureInfo.InvariantCulture)).ToArray();
                switch (args[i])
                {
                    case "--runs": o.Runs = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--service-runs": o.ServiceRuns = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--n": o.Sizes = Ints(); break;
                    case "--providers": o.Providers = Next().ToLowerInvariant().Split(','); break;
                    case "--namespaces": o.NamespaceCounts = Ints(); break;
                    case "--vectorize-n": o.VectorizeN = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--stream-n": o.StreamSizes = Ints(); break;
                    case "--throttle": o.Throttle = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--latency-ms": o.LatencyMs = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--sweep-concurrency": o.SweepConcurrency = Ints(); break;
                    case "--seed-overhead": o.SeedOverhead = true; break;
                    case "--variant": o.Loop = Next() == "c" ? "c" : "a"; break;
                    case "--pg-n": o.PgN = int.Parse(Next().Replace("_", ""), CultureInfo.InvariantCulture); break;
                    case "--chroma-n": o.ChromaN = int.Parse(Next().Replace("_", ""), CultureInfo.InvariantCulture); break;
                    case "--local-n": o.LocalN = int.Parse(Next().Replace("_", ""), CultureInfo.InvariantCulture); break;
                    case "--local-runs": o.LocalRuns = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--no-pwsh": o.SkipPwsh = true; break;
                    case "--psstream-n": o.PsStreamSizes = Ints(); break;
                    case "--warm-runs": o.WarmRuns = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    default: throw new ArgumentException($"Unknown option '{args[i]}'.");
                }
            }
            if (o.Providers.Any(p => p != "pinecone" && p != "vectorize")) throw new ArgumentException("Providers: pinecone, vectorize.");
            return o;
        }
    }
}
