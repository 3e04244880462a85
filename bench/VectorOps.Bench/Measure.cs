using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;

namespace VectorOps.Bench
{
    /// <summary>One run of one variant: wall time, the client's and the emulator's CPU, allocations, what the emulator saw.</summary>
    internal sealed class Sample
    {
        public string Variant = "";
        public int Ids;
        public double Seconds;
        public double ClientCpuSeconds;
        public double EmulatorCpuSeconds;
        public long AllocatedBytes;
        public int Gen0, Gen1, Gen2;
        public double JitMilliseconds;
        public long MethodsCompiled;
        public JournalSummary Journal = new JournalSummary();

        /// <summary>Records seeded only so that the workload's namespaces exist; they are not deleted and not counted.</summary>
        public long Sentinels;
        public ClientOutcome Outcome = new ClientOutcome();

        public double IdsPerSecond => Ids / Seconds;
        public double ClientMicrosPerId => ClientCpuSeconds * 1e6 / Ids;
        public double EmulatorMicrosPerId => EmulatorCpuSeconds * 1e6 / Ids;
        public double BytesPerId => (double)AllocatedBytes / Ids;
        public int Count429 => Journal.Count(429);

        /// <summary>Problems that make the run invalid: ids not all sent or not all deleted, failed batches.</summary>
        public string? Problem(bool allowFailures = false)
        {
            if (Journal.IdsSent < Ids) return $"emulator received {Journal.IdsSent:N0} of {Ids:N0} ids";
            if (Journal.Records is long left && left > Sentinels) return $"{left - Sentinels:N0} records left undeleted";
            if (!allowFailures && Outcome.Failed > 0) return $"{Outcome.Failed} failed batch(es): {Outcome.FirstError}";
            return null;
        }
    }

    internal static class Measure
    {
        /// <summary>
        /// Resets the emulator, seeds the workload's ids (unless told not to), applies the regime's settings, then times the run. The
        /// client's CPU is this process's (the emulator runs in its own); allocations are this process's, all threads.
        /// </summary>
        public static Sample Run(Target target, Workload w, string variant, object emulatorSettings, Func<ClientOutcome> run, bool seed = true)
        {
            var emu = target.Emulator;
            emu.ResetAsync().GetAwaiter().GetResult();
            long sentinels = 0;
            foreach (var (ns, ids) in w.ByNamespace())
            {
                if (seed)
                {
                    emu.SeedAsync(target.HasNamespaces ? ns : null, ids).GetAwaiter().GetResult();
                }
                else if (target.HasNamespaces)
                {
                    // Unseeded, the namespace must still exist: VectorOps refuses a delete from a namespace the index
                    // does not list (NamespaceNotFound), as it should against a real index. One record outside the
                    // workload makes it exist; it stays, and is not counted as left undeleted.
                    emu.SeedAsync(ns, new[] { "bench-sentinel-not-deleted" }).GetAwaiter().GetResult();
                    sentinels++;
                }
            }
            emu.ConfigureAsync(emulatorSettings).GetAwaiter().GetResult();

            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            var me = Process.GetCurrentProcess();
            var cpu0 = me.TotalProcessorTime;
            var emu0 = emu.Cpu;
            var alloc0 = GC.GetTotalAllocatedBytes(true);
            int g0 = GC.CollectionCount(0), g1 = GC.CollectionCount(1), g2 = GC.CollectionCount(2);
            var jit0 = System.Runtime.JitInfo.GetCompilationTime(false);
            var methods0 = System.Runtime.JitInfo.GetCompiledMethodCount(false);
            var clock = Stopwatch.StartNew();

            var outcome = run();

            clock.Stop();
            me.Refresh();
            var sample = new Sample
            {
                Variant = variant,
                Ids = w.Count,
                Seconds = clock.Elapsed.TotalSeconds,
                ClientCpuSeconds = (me.TotalProcessorTime - cpu0).TotalSeconds,
                EmulatorCpuSeconds = (emu.Cpu - emu0).TotalSeconds,
                AllocatedBytes = GC.GetTotalAllocatedBytes(true) - alloc0,
                Gen0 = GC.CollectionCount(0) - g0,
                Gen1 = GC.CollectionCount(1) - g1,
                Gen2 = GC.CollectionCount(2) - g2,
                JitMilliseconds = (System.Runtime.JitInfo.GetCompilationTime(false) - jit0).TotalMilliseconds,
                MethodsCompiled = System.Runtime.JitInfo.GetCompiledMethodCount(false) - methods0,
                Outcome = outcome,
                Sentinels = sentinels,
            };
            sample.Journal = emu.SettleAsync(sentinels, TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
            return sample;
        }

        public static double Median(IEnumerable<double> values)
        {
            var v = values.OrderBy(x => x).ToArray();
            if (v.Length == 0) return double.NaN;
            return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
        }

        /// <summary>The sample whose ids/s is the median (the lower middle one for an even count).</summary>
        public static Sample MedianSample(IReadOnlyList<Sample> samples) =>
            samples.OrderBy(s => s.IdsPerSecond).ElementAt((samples.Count - 1) / 2);
    }
}
