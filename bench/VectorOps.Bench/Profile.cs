using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using VectorOps.Commands;
using VectorOps.Connections;
using VectorOps.Filtering;
using VectorOps.Model;
using VectorOps.Providers;

namespace VectorOps.Bench
{
    /// <summary>
    /// Where the client's time goes, stage by stage (<c>profile</c> preset): the command layer alone (a provider
    /// that validates like Pinecone's and answers at once), then the whole path against the emulator, then the raw
    /// generator. CPU time and bytes allocated per id; no emulator CPU in the first stage at all.
    /// </summary>
    internal static class Profile
    {
        public static void Run(Options o)
        {
            Report.Heading("Profile: client CPU and allocations per id, by stage");
            foreach (var provider in o.Providers) Run(o, provider);
        }

        private static void Run(Options o, string providerName)
        {
            var n = o.Sizes[0];
            var rows = new List<string[]>();
            using var emu = providerName == "pinecone" ? PineconeTarget.StartEmulator() : VectorizeTarget.StartEmulator();
            Target t = providerName == "pinecone" ? new PineconeTarget(emu) : new VectorizeTarget(emu);
            var w = new Workload(n, 1, t.BatchSize);
            using var pinecone = ProviderRegistry.Create(t.Settings(1e9));
            var ns = t.HasNamespaces ? "ns-0" : pinecone.DefaultNamespace;

            // Stage 1: the command layer with a provider that validates ids like Pinecone's and sends nothing.
            for (var r = 0; r < o.Runs + 1; r++)
            {
                var (cpu, alloc, secs) = Time(() =>
                {
                    using var connection = new VectorConnection(new NullProvider(pinecone), null, null);
                    var host = new DiscardHost();
                    var command = new RemoveByIdsCommand(host, connection, new RemoveOptions());
                    foreach (var id in w.Ids) command.Add(id, null);
                    command.Complete();
                });
                if (r > 0) rows.Add(Row("command layer, no I/O (one Add per id)", n, cpu, alloc, secs));
            }
            for (var r = 0; r < o.Runs + 1; r++)
            {
                var (cpu, alloc, secs) = Time(() =>
                {
                    using var connection = new VectorConnection(new NullProvider(pinecone), null, null);
                    var host = new DiscardHost();
                    var command = new RemoveByIdsCommand(host, connection, new RemoveOptions());
                    var chunk = new List<string>(1000);
                    foreach (var id in w.Ids)
                    {
                        chunk.Add(id);
                        if (chunk.Count == 1000) { command.Add(chunk, null); chunk.Clear(); }
                    }
                    if (chunk.Count > 0) command.Add(chunk, null);
                    command.Complete();
                });
                if (r > 0) rows.Add(Row("command layer, no I/O (1000 ids per Add, as the CLI)", n, cpu, alloc, secs));
            }
            // Stage 2: the provider's delete call alone, sequential, against the emulator (serialisation, transport, HTTP).
            for (var r = 0; r < o.Runs + 1; r++)
            {
                emu.ConfigureAsync(t.Unlimited()).GetAwaiter().GetResult();
                var batches = new List<List<string>>();
                foreach (var b in w.Batches()) batches.Add(b.Ids);
                var (cpu, alloc, secs) = Time(() =>
                {
                    foreach (var b in batches) pinecone.DeleteByIdsAsync(ns, b, CancellationToken.None).GetAwaiter().GetResult();
                });
                if (r > 0) rows.Add(Row("provider.DeleteByIdsAsync, one at a time (emulator)", n, cpu, alloc, secs));
            }
            // Stage 3: the whole command layer against the emulator, one request in flight (the hand-offs included).
            for (var r = 0; r < o.Runs + 1; r++)
            {
                emu.ConfigureAsync(t.Unlimited()).GetAwaiter().GetResult();
                var (cpu, alloc, secs) = Time(() => Variants.VectorOps(t, w, 1e9, 1));
                if (r > 0) rows.Add(Row("command layer + provider, 1 in flight (emulator)", n, cpu, alloc, secs));
            }
            // Stage 4: the raw generator, one at a time.
            using var raw = Variants.RawClient(1);
            var payloads = new List<byte[]>();
            foreach (var b in w.Batches()) payloads.Add(t.Payload(b.Ids, t.HasNamespaces ? "ns-0" : null));
            for (var r = 0; r < o.Runs + 1; r++)
            {
                var (cpu, alloc, secs) = Time(() => Variants.RawAsync(raw, t, payloads.ToArray(), 1).GetAwaiter().GetResult());
                if (r > 0) rows.Add(Row("raw generator, one at a time (emulator)", n, cpu, alloc, secs));
            }
            Report.Table($"Client cost by stage ({t.Name}, {t.BatchSize} ids a request)", new[] { "stage", "N", "CPU µs/id", "alloc B/id", "ids/s" }, rows);
        }

        private static string[] Row(string stage, int n, double cpu, long alloc, double secs) => new[]
        {
            stage, n.ToString("N0", CultureInfo.InvariantCulture), (cpu * 1e6 / n).ToString("0.000", CultureInfo.InvariantCulture),
            ((double)alloc / n).ToString("0", CultureInfo.InvariantCulture), (n / secs).ToString("N0", CultureInfo.InvariantCulture),
        };

        private static (double Cpu, long Alloc, double Seconds) Time(Action a)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            var me = Process.GetCurrentProcess();
            var cpu0 = me.TotalProcessorTime;
            var alloc0 = GC.GetTotalAllocatedBytes(true);
            var clock = Stopwatch.StartNew();
            a();
            clock.Stop();
            me.Refresh();
            return ((me.TotalProcessorTime - cpu0).TotalSeconds, GC.GetTotalAllocatedBytes(true) - alloc0, clock.Elapsed.TotalSeconds);
        }

        /// <summary>Validates like the wrapped provider; every delete succeeds at once without I/O.</summary>
        private sealed class NullProvider : IVectorProvider
        {
            private readonly IVectorProvider _inner;
            private static readonly Task<ProviderWriteResult> Done = Task.FromResult(new ProviderWriteResult { Applied = true });

            public NullProvider(IVectorProvider inner) { _inner = inner; }

            public string Name => _inner.Name;
            public string Index => _inner.Index;
            public string Endpoint => _inner.Endpoint;
            public ProviderCapabilities Capabilities => _inner.Capabilities;
            public string DefaultNamespace => _inner.DefaultNamespace;
            public void ValidateId(string id) => _inner.ValidateId(id);
            public void ValidateNamespace(string @namespace) => _inner.ValidateNamespace(@namespace);
            public RecordRules RecordRules => _inner.RecordRules;
            public Task<ProviderWriteResult> DeleteByIdsAsync(string @namespace, IReadOnlyList<string> ids, CancellationToken cancellationToken) => Done;
            public Task<ProviderWriteResult> DeleteByFilterAsync(string @namespace, MetadataFilter filter, CancellationToken cancellationToken) => throw new NotSupportedException();
            public Task<ProviderWriteResult> ClearNamespaceAsync(string @namespace, bool removeNamespace, CancellationToken cancellationToken) => throw new NotSupportedException();
            public Task<ProviderWriteResult> UpsertAsync(string @namespace, IReadOnlyList<VectorRecord> records, CancellationToken cancellationToken) => throw new NotSupportedException();
            public IAsyncEnumerable<IReadOnlyList<string>> ListIdsAsync(string @namespace, string? prefix, CancellationToken cancellationToken) => throw new NotSupportedException();
            public IAsyncEnumerable<IReadOnlyList<string>> FindIdsAsync(string @namespace, MetadataFilter filter, CancellationToken cancellationToken) => throw new NotSupportedException();
            public Task<long> CountAsync(string @namespace, MetadataFilter filter, CancellationToken cancellationToken) => throw new NotSupportedException();
            public Task<ProviderWriteResult> DeleteValidatedIdsAsync(string @namespace, IReadOnlyList<string> ids, CancellationToken cancellationToken) => Done;
            public Task<IReadOnlyList<VectorRecord>> FetchAsync(string @namespace, IReadOnlyList<string> ids, CancellationToken cancellationToken) => throw new NotSupportedException();
            public IAsyncEnumerable<NamespaceInfo> ListNamespacesAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
            public Task<IndexStats> GetStatsAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
            public Task<IReadOnlyList<VectorMutation>> GetAppliedAsync(IReadOnlyList<VectorMutation> pending, CancellationToken cancellationToken) => throw new NotSupportedException();
            public void Dispose() { }
        }
    }
}
