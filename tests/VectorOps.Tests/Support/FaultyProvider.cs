using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using VectorOps.Filtering;
using VectorOps.Model;
using VectorOps.Providers;

namespace VectorOps.Tests.Support
{
    /// <summary>
    /// Any provider with faults injected into its writes (the transfer tests: a destination that fails a batch, or
    /// that silently loses a record), counting every id it was asked to upsert. Everything else is the inner
    /// provider's, so the same wrapper serves the local store, the emulators and the real servers.
    /// </summary>
    public sealed class FaultyProvider : IVectorProvider
    {
        private readonly IVectorProvider _inner;

        public FaultyProvider(IVectorProvider inner) => _inner = inner;

        /// <summary>An upsert whose ids this returns an exception for fails with it (nothing written).</summary>
        public Func<IReadOnlyList<string>, Exception?>? FailUpsert { get; set; }

        /// <summary>Ids an upsert leaves out while answering success (a destination that loses a record).</summary>
        public HashSet<string> Lose { get; } = new HashSet<string>(StringComparer.Ordinal);

        /// <summary>Every id sent in an upsert that reached the inner provider, as often as it was sent.</summary>
        public ConcurrentQueue<string> Upserted { get; } = new ConcurrentQueue<string>();

        /// <summary>Every id fetched, as often as it was fetched.</summary>
        public ConcurrentQueue<string> Fetched { get; } = new ConcurrentQueue<string>();

        public string Name => _inner.Name;
        public string Index => _inner.Index;
        public string Endpoint => _inner.Endpoint;
        public ProviderCapabilities Capabilities => _inner.Capabilities;
        public string DefaultNamespace => _inner.DefaultNamespace;
        public RecordRules RecordRules => _inner.RecordRules;
        public void ValidateId(string id) => _inner.ValidateId(id);
        public void ValidateNamespace(string @namespace) => _inner.ValidateNamespace(@namespace);

        public Task<ProviderWriteResult> UpsertAsync(string ns, IReadOnlyList<VectorRecord> records, CancellationToken ct)
        {
            var fail = FailUpsert?.Invoke(records.Select(r => r.Id).ToList());
            if (fail != null) return Task.FromException<ProviderWriteResult>(fail);
            var kept = records.Where(r => !Lose.Contains(r.Id)).ToList();
            foreach (var r in kept) Upserted.Enqueue(r.Id);
            return kept.Count == 0 ? Task.FromResult(new ProviderWriteResult { Applied = true }) : _inner.UpsertAsync(ns, kept, ct);
        }

        public Task<IReadOnlyList<VectorRecord>> FetchAsync(string ns, IReadOnlyList<string> ids, CancellationToken ct)
        {
            foreach (var id in ids) Fetched.Enqueue(id);
            return _inner.FetchAsync(ns, ids, ct);
        }

        public Task<ProviderWriteResult> DeleteByIdsAsync(string ns, IReadOnlyList<string> ids, CancellationToken ct) => _inner.DeleteByIdsAsync(ns, ids, ct);
        public Task<ProviderWriteResult> DeleteValidatedIdsAsync(string ns, IReadOnlyList<string> ids, CancellationToken ct) => _inner.DeleteValidatedIdsAsync(ns, ids, ct);
        public Task<ProviderWriteResult> DeleteByFilterAsync(string ns, MetadataFilter filter, CancellationToken ct) => _inner.DeleteByFilterAsync(ns, filter, ct);
        public Task<ProviderWriteResult> ClearNamespaceAsync(string ns, bool removeNamespace, CancellationToken ct) => _inner.ClearNamespaceAsync(ns, removeNamespace, ct);
        public IAsyncEnumerable<IReadOnlyList<string>> ListIdsAsync(string ns, string? prefix, CancellationToken ct) => _inner.ListIdsAsync(ns, prefix, ct);
        public IAsyncEnumerable<IReadOnlyList<string>> FindIdsAsync(string ns, MetadataFilter filter, CancellationToken ct) => _inner.FindIdsAsync(ns, filter, ct);
        public Task<long> CountAsync(string ns, MetadataFilter filter, CancellationToken ct) => _inner.CountAsync(ns, filter, ct);
        public IAsyncEnumerable<NamespaceInfo> ListNamespacesAsync(CancellationToken ct) => _inner.ListNamespacesAsync(ct);
        public Task<IndexStats> GetStatsAsync(CancellationToken ct) => _inner.GetStatsAsync(ct);
        public Task<IReadOnlyList<VectorMutation>> GetAppliedAsync(IReadOnlyList<VectorMutation> pending, CancellationToken ct) => _inner.GetAppliedAsync(pending, ct);
        public void Dispose() => _inner.Dispose();
    }
}
