using System;
using System.Collections.Generic;
using System.Diagnostics.Tracing;
using System.Linq;
using System.Threading;
using VectorOps.Providers;

namespace VectorOps.Bench
{
    /// <summary>The runtime's allocation sampling events (one about every 100 KB allocated), summed by type.</summary>
    internal sealed class AllocListener : EventListener
    {
        public readonly Dictionary<string, long> ByType = new Dictionary<string, long>();
        public bool On;
        protected override void OnEventSourceCreated(EventSource s)
        {
            if (s.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(s, EventLevel.Verbose, (EventKeywords)0x1);
        }
        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            if (!On || e.EventName != "GCAllocationTick_V4") return;
            var name = e.Payload![e.PayloadNames!.IndexOf("TypeName")] as string ?? "?";
            var size = Convert.ToInt64(e.Payload[e.PayloadNames.IndexOf("AllocationAmount64")]);
            lock (ByType) { ByType.TryGetValue(name, out var v); ByType[name] = v + size; }
        }
    }

    /// <summary>
    /// <c>VectorOps.Bench alloc-trace pinecone|vectorize</c>: what VectorOps allocates per request in regime 1, by
    /// type, from the runtime's sampled allocation events (AllocationTick: the type of the allocation that crossed
    /// each ~100 KB; a statistical picture, exact only in its total, which is measured).
    /// </summary>
    internal static class AllocTrace
    {
        public static void Run(string provider)
        {
            using var emu = provider == "pinecone" ? PineconeTarget.StartEmulator() : VectorizeTarget.StartEmulator();
            Target t = provider == "pinecone" ? new PineconeTarget(emu) : new VectorizeTarget(emu);
            emu.ConfigureAsync(t.Unlimited()).GetAwaiter().GetResult();
            var w = new Workload(1_000_000, 1, t.BatchSize);
            using var l = new AllocListener();
            Variants.VectorOps(t, w, 1e9, null);
            l.On = true;
            var before = GC.GetTotalAllocatedBytes(true);
            for (var i = 0; i < 3; i++) Variants.VectorOps(t, w, 1e9, null);
            l.On = false;
            var total = GC.GetTotalAllocatedBytes(true) - before;
            var requests = 3.0 * w.Count / t.BatchSize;
            Console.WriteLine($"{provider}: {total / requests:0} B per request ({total / (3.0 * w.Count):0.0} B/id), measured; by type, sampled:");
            foreach (var kv in l.ByType.OrderByDescending(k => k.Value).Take(40))
                Console.WriteLine($"{kv.Value / requests,8:0} B/req  {kv.Key}");
        }
    }
}
