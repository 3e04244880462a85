using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using VectorOps.Errors;
using VectorOps.Filtering;
using VectorOps.Model;
using VectorOps.Providers;

namespace VectorOps.Tests.Support
{
    /// <summary>
    /// An in-memory provider for command-layer tests: records every call, enforces its caps like a real service
    /// (a delete over the cap throws), and fails or delays scripted batches.
    /// </summary>
    public sealed class FakeProvider : IVectorProvider
    {
        private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, VectorRecord>> _data =
            new ConcurrentDictionary<string, ConcurrentDictionary<string, VectorRecord>>(StringComparer.Ordinal);
        private int _inFlight;

        public FakeProvider(ProviderCapabilities? capabilities = null)
        {
            Capabilities = capabilities ?? new ProviderCapabilities { MaxIdsPerDelete = 10, MaxIdsPerFetch = 10, MaxRecordsPerUpsert = 10, DefaultConcurrency = 3 };
            // It offers the validated delete and acknowledges writes before "applying" them (PollsUntilApplied).
            Capabilities.DeletesValidatedIds = true;
            Capabilities.AsyncMutations = true;
        }

        public string Name => "Fake";
        public string Index => "test-index";
        public string Endpoint => "memory://fake";
        public ProviderCapabilities Capabilities { get; }
        public string DefaultNamespace => "default";

        /// <summary>Only the checks every provider gets; tests replace it to try a provider's rules.</summary>
        public RecordRules RecordRules { get; set; } = RecordRules.Basic();
        public int ListPageSize { get; set; } = 7;

        /// <summary>Every call, in order: "DeleteByIds ns 10", "ListIds ns", ...</summary>
        public ConcurrentQueue<string> Calls { get; } = new ConcurrentQueue<string>();
        public ConcurrentBag<string> DeletedIds { get; } = new ConcurrentBag<string>();
        public int MutatingCalls => Calls.Count(c => c.StartsWith("Delete", StringComparison.Ordinal) || c.StartsWith("Clear", StringComparison.Ordinal) || c.StartsWith("Upsert", StringComparison.Ordinal));
        public int MaxObservedConcurrency { get; private set; }

        /// <summary>Decides per delete call (by its 1-based number) whether it fails.</summary>
        public Func<int, IReadOnlyList<string>, Exception?>? FailDelete { get; set; }
        public TimeSpan DeleteDelay { get; set; }
        private int _deleteCalls;

        public void Seed(string ns, int count, string prefix = "id-", Func<int, IDictionary<string, object?>>? metadata = null)
        {
            var map = _data.GetOrAdd(ns, _ => new ConcurrentDictionary<string, VectorRecord>(StringComparer.Ordinal));
            for (var i = 0; i < count; i++)
            {
                var id = prefix + i.ToString("D5");
                map[id] = new VectorRecord(id) { Namespace = ns, Values = new[] { (float)i }, Metadata = metadata?.Invoke(i) };
            }
        }

        public int Count(string ns) => _data.TryGetValue(ns, out var m) ? m.Count : 0;
        public bool Contains(string ns, string id) => _data.TryGetValue(ns, out var m) && m.ContainsKey(id);

        /// <summary>The record as it was written (null when there is none).</summary>
        public VectorRecord? Stored(string ns, string id) => _data.TryGetValue(ns, out var m) && m.TryGetValue(id, out var r) ? r : null;

        /// <summary>ValidateId calls, and deletes that came through the command layer's validated path.</summary>
        public int ValidateIdCalls;
        public int ValidatedDeleteCalls;

        /// <summary>The command layer validated every id with ValidateId: counted, then the same delete.</summary>
        public Task<ProviderWriteResult> DeleteValidatedIdsAsync(string ns, IReadOnlyList<string> ids, CancellationToken ct)
        {
            Interlocked.Increment(ref ValidatedDeleteCalls);
            return DeleteByIdsAsync(ns, ids, ct);
        }

        public void ValidateId(string id)
        {
            Interlocked.Increment(ref ValidateIdCalls);
            if (id.Length > 64 || id.Contains("!"))
                throw new VectorOpsException(ErrorIds.InvalidId, VectorOpsErrorCategory.InvalidArgument, $"Bad id '{id}'.", id);
        }

        public void ValidateNamespace(string ns)
        {
            if (ns.Length == 0 || ns.Contains("/"))
                throw new VectorOpsException(ErrorIds.InvalidNamespace, VectorOpsErrorCategory.InvalidArgument, $"Bad namespace '{ns}'.", ns);
        }

        public async Task<ProviderWriteResult> DeleteByIdsAsync(string ns, IReadOnlyList<string> ids, CancellationToken ct)
        {
            var n = Interlocked.Increment(ref _deleteCalls);
            Calls.Enqueue($"DeleteByIds {ns} {ids.Count}");
            if (ids.Count > Capabilities.MaxIdsPerDelete) throw new InvalidOperationException("over the cap: " + ids.Count);
            var now = Interlocked.Increment(ref _inFlight);
            lock (this) MaxObservedConcurrency = Math.Max(MaxObservedConcurrency, now);
            try
            {
                if (DeleteDelay > TimeSpan.Zero) await Task.Delay(DeleteDelay).ConfigureAwait(false);
                var fail = FailDelete?.Invoke(n, ids);
                if (fail != null) throw fail;
                long removed = 0;
                if (_data.TryGetValue(ns, out var map))
                    foreach (var id in ids)
                        if (map.TryRemove(id, out _)) { removed++; DeletedIds.Add(id); }
                return new ProviderWriteResult { AffectedCount = removed, Applied = true, ProviderMutationId = "m-" + n };
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }

        public Task<ProviderWriteResult> DeleteByFilterAsync(string ns, MetadataFilter filter, CancellationToken ct)
        {
            Calls.Enqueue($"DeleteByFilter {ns}");
            if (!Capabilities.NativeFilterDelete) throw new InvalidOperationException("not native");
            long removed = 0;
            if (_data.TryGetValue(ns, out var map))
                foreach (var r in map.Values.Where(r => filter.Matches(r.Metadata)).ToList())
                    if (map.TryRemove(r.Id, out _)) { removed++; DeletedIds.Add(r.Id); }
            return Task.FromResult(new ProviderWriteResult { AffectedCount = removed, Applied = true });
        }

        public Task<ProviderWriteResult> ClearNamespaceAsync(string ns, bool removeNamespace, CancellationToken ct)
        {
            Calls.Enqueue($"ClearNamespace {ns} {removeNamespace}");
            long removed = 0;
            if (_data.TryGetValue(ns, out var map))
            {
                foreach (var id in map.Keys.ToList()) if (map.TryRemove(id, out _)) { removed++; DeletedIds.Add(id); }
                if (removeNamespace) _data.TryRemove(ns, out _);
            }
            return Task.FromResult(new ProviderWriteResult { AffectedCount = removed, Applied = true });
        }

        public Task<ProviderWriteResult> UpsertAsync(string ns, IReadOnlyList<VectorRecord> records, CancellationToken ct)
        {
            Calls.Enqueue($"Upsert {ns} {records.Count}");
            if (records.Count > Capabilities.MaxRecordsPerUpsert) throw new InvalidOperationException("over the cap");
            var map = _data.GetOrAdd(ns, _ => new ConcurrentDictionary<string, VectorRecord>(StringComparer.Ordinal));
            foreach (var r in records) map[r.Id] = r;
            return Task.FromResult(new ProviderWriteResult { AffectedCount = records.Count, Applied = true });
        }

        public async IAsyncEnumerable<IReadOnlyList<string>> ListIdsAsync(string ns, string? prefix, [EnumeratorCancellation] CancellationToken ct)
        {
            Calls.Enqueue($"ListIds {ns} {prefix}");
            var ids = _data.TryGetValue(ns, out var map)
                ? map.Keys.Where(k => prefix is null || k.StartsWith(prefix, StringComparison.Ordinal)).OrderBy(k => k, StringComparer.Ordinal).ToList()
                : new List<string>();
            for (var i = 0; i < ids.Count; i += ListPageSize)
            {
                await Task.Yield();
                Calls.Enqueue($"ListPage {ns} {i / ListPageSize}");
                yield return ids.Skip(i).Take(ListPageSize).ToList();
            }
        }

        public async IAsyncEnumerable<IReadOnlyList<string>> FindIdsAsync(string ns, MetadataFilter filter, [EnumeratorCancellation] CancellationToken ct)
        {
            Calls.Enqueue($"FindIds {ns}");
            var ids = _data.TryGetValue(ns, out var map)
                ? map.Values.Where(r => filter.Matches(r.Metadata)).Select(r => r.Id).OrderBy(k => k, StringComparer.Ordinal).ToList()
                : new List<string>();
            for (var i = 0; i < ids.Count; i += ListPageSize)
            {
                await Task.Yield();
                yield return ids.Skip(i).Take(ListPageSize).ToList();
            }
        }

        public Task<long> CountAsync(string ns, MetadataFilter filter, CancellationToken ct)
        {
            Calls.Enqueue($"Count {ns}");
            if (!Capabilities.CountsFilterMatches)
                throw new VectorOpsException(ErrorIds.NotSupported, VectorOpsErrorCategory.NotImplemented, "CountAsync called against CountsFilterMatches = false.", ns);
            long n = _data.TryGetValue(ns, out var map) ? map.Values.Count(r => filter.Matches(r.Metadata)) : 0;
            return Task.FromResult(n);
        }

        /// <summary>Makes fetches of these ids fail (backups of their batch then fail too).</summary>
        public Func<IReadOnlyList<string>, Exception?>? FailFetch { get; set; }

        public Task<IReadOnlyList<VectorRecord>> FetchAsync(string ns, IReadOnlyList<string> ids, CancellationToken ct)
        {
            Calls.Enqueue($"Fetch {ns} {ids.Count}");
            var fail = FailFetch?.Invoke(ids);
            if (fail != null) throw fail;
            IReadOnlyList<VectorRecord> found = _data.TryGetValue(ns, out var map)
                ? ids.Where(map.ContainsKey).Select(id => map[id]).ToList()
                : new List<VectorRecord>();
            return Task.FromResult(found);
        }

        /// <summary>Awaited before the namespaces are listed (a slow or hanging service).</summary>
        public Func<CancellationToken, Task>? BeforeListNamespaces { get; set; }

        public async IAsyncEnumerable<NamespaceInfo> ListNamespacesAsync([EnumeratorCancellation] CancellationToken ct)
        {
            Calls.Enqueue("ListNamespaces");
            if (BeforeListNamespaces != null) await BeforeListNamespaces(ct).ConfigureAwait(false);
            await Task.Yield();
            foreach (var pair in _data.OrderBy(p => p.Key, StringComparer.Ordinal))
                yield return new NamespaceInfo(Name, Index, pair.Key, pair.Value.Count);
        }

        public Task<IndexStats> GetStatsAsync(CancellationToken ct)
        {
            Calls.Enqueue("GetStats");
            return Task.FromResult(new IndexStats
            {
                Provider = Name, Index = Index, TotalRecordCount = _data.Values.Sum(m => m.Count),
                Namespaces = _data.Select(p => new NamespaceInfo(Name, Index, p.Key, p.Value.Count)).ToList(),
            });
        }

        /// <summary>Mutations count as applied after this many polls.</summary>
        public int PollsUntilApplied { get; set; }
        private int _polls;

        public Task<IReadOnlyList<VectorMutation>> GetAppliedAsync(IReadOnlyList<VectorMutation> pending, CancellationToken ct)
        {
            Calls.Enqueue("GetApplied " + pending.Count);
            IReadOnlyList<VectorMutation> applied = ++_polls > PollsUntilApplied ? pending.ToList() : new List<VectorMutation>();
            return Task.FromResult(applied);
        }

        public void Dispose() { }
    }
}
