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

namespace VectorOps.Tests.Conformance.Throwaway
{
    /// <summary>
    /// A throwaway provider written in the test project only: an in-memory database (one per "Space" setting and
    /// index), to show that a new database is its folder, its fixture and one registry line. It keeps a journal
    /// of its own (mutating calls, deleted ids) as the emulators do.
    /// </summary>
    public sealed class ThrowawayProvider : IVectorProvider
    {
        public const int MaxIds = 25;
        public const int MaxIdLength = 64;

        private static readonly ConcurrentDictionary<string, ThrowawayStore> Stores = new ConcurrentDictionary<string, ThrowawayStore>(StringComparer.Ordinal);
        private readonly ThrowawayStore _store;

        private ThrowawayProvider(string space, string index, ThrowawayStore store)
        {
            Index = index;
            Endpoint = "memory://" + space;
            _store = store;
        }

        /// <summary>The descriptor's factory: the space and index named, the key required (never kept).</summary>
        public static IVectorProvider Open(ConnectionSettings settings)
        {
            var space = settings.Find<string>(ThrowawayDescriptor.Space) ?? "default";
            if (string.IsNullOrWhiteSpace(settings.Index))
                throw new VectorOpsException(ErrorIds.InvalidIndexName, VectorOpsErrorCategory.InvalidArgument, "The throwaway provider needs an index name.", settings.Index);
            settings.RequireCredential();
            return new ThrowawayProvider(space, settings.Index!, StoreOf(space, settings.Index!));
        }

        /// <summary>The store of one space and index (what the fixture reads and seeds).</summary>
        public static ThrowawayStore StoreOf(string space, string index) => Stores.GetOrAdd(space + "/" + index, _ => new ThrowawayStore());

        public static void Forget(string space, string index) => Stores.TryRemove(space + "/" + index, out _);

        public string Name => ThrowawayDescriptor.Name;
        public string Index { get; }
        public string Endpoint { get; }
        public string DefaultNamespace => "default";

        public ProviderCapabilities Capabilities { get; } = new ProviderCapabilities
        {
            MaxIdsPerDelete = MaxIds,
            MaxIdsPerFetch = MaxIds,
            MaxRecordsPerUpsert = MaxIds,
            NativeFilterDelete = true,
            CountsFilterMatches = true,
            ListsNamespacesCheaply = true,
            CanRemoveNamespace = true,
            DefaultConcurrency = 2,
            DeletesValidatedIds = true,
        };

        public RecordRules RecordRules { get; } = RecordRules.Basic();

        public void ValidateId(string id)
        {
            if (string.IsNullOrWhiteSpace(id) || id.Length > MaxIdLength || id.Any(char.IsControl))
                throw new VectorOpsException(ErrorIds.InvalidId, VectorOpsErrorCategory.InvalidArgument,
                    $"The id '{id}' is not valid here: 1 to {MaxIdLength} characters, not blank, no control characters.", id);
        }

        public void ValidateNamespace(string @namespace)
        {
            if (string.IsNullOrWhiteSpace(@namespace))
                throw new VectorOpsException(ErrorIds.EmptyNamespace, VectorOpsErrorCategory.InvalidArgument, "A namespace is blank.", @namespace);
            if (@namespace.Length > MaxIdLength || @namespace.Any(char.IsControl))
                throw new VectorOpsException(ErrorIds.InvalidNamespace, VectorOpsErrorCategory.InvalidArgument, $"The namespace '{@namespace}' is not valid here.", @namespace);
        }

        public Task<ProviderWriteResult> DeleteByIdsAsync(string @namespace, IReadOnlyList<string> ids, CancellationToken cancellationToken)
        {
            foreach (var id in ids ?? Array.Empty<string>()) ValidateId(id);
            return DeleteValidatedIdsAsync(@namespace, ids!, cancellationToken);
        }

        /// <summary>The command layer's batches: every id already passed ValidateId; the cap is still enforced.</summary>
        public async Task<ProviderWriteResult> DeleteValidatedIdsAsync(string @namespace, IReadOnlyList<string> ids, CancellationToken cancellationToken)
        {
            ValidateNamespace(@namespace);
            if (ids is null || ids.Count == 0 || ids.Count > MaxIds)
                throw new VectorOpsException(ErrorIds.InvalidArgument, VectorOpsErrorCategory.InvalidArgument, $"A delete takes 1 to {MaxIds} ids.", ids?.Count);
            cancellationToken.ThrowIfCancellationRequested();
            _store.Mutated("delete", ids.Count);
            var delay = _store.DeleteDelay();
            if (delay > TimeSpan.Zero) await Task.Delay(delay, CancellationToken.None).ConfigureAwait(false);
            return new ProviderWriteResult { AffectedCount = _store.Remove(@namespace, ids), Applied = true };
        }

        public Task<ProviderWriteResult> DeleteByFilterAsync(string @namespace, MetadataFilter filter, CancellationToken cancellationToken)
        {
            ValidateNamespace(@namespace);
            _store.Mutated("delete-filter", 0);
            var ids = _store.Records(@namespace).Where(r => filter.Matches(r.Metadata)).Select(r => r.Id).ToList();
            return Task.FromResult(new ProviderWriteResult { AffectedCount = _store.Remove(@namespace, ids), Applied = true });
        }

        public Task<ProviderWriteResult> ClearNamespaceAsync(string @namespace, bool removeNamespace, CancellationToken cancellationToken)
        {
            ValidateNamespace(@namespace);
            _store.Mutated("clear", 0);
            var removed = _store.Remove(@namespace, _store.Records(@namespace).Select(r => r.Id).ToList());
            if (removeNamespace) _store.Drop(@namespace);
            return Task.FromResult(new ProviderWriteResult { AffectedCount = removed, Applied = true });
        }

        public Task<ProviderWriteResult> UpsertAsync(string @namespace, IReadOnlyList<VectorRecord> records, CancellationToken cancellationToken)
        {
            ValidateNamespace(@namespace);
            if (records.Count > MaxIds)
                throw new VectorOpsException(ErrorIds.InvalidArgument, VectorOpsErrorCategory.InvalidArgument, $"An upsert takes at most {MaxIds} records.", records.Count);
            foreach (var r in records) ValidateId(r.Id);
            _store.Mutated("upsert", records.Count);
            _store.Put(@namespace, records);
            return Task.FromResult(new ProviderWriteResult { AffectedCount = records.Count, Applied = true });
        }

        public async IAsyncEnumerable<IReadOnlyList<string>> ListIdsAsync(string @namespace, string? prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            ValidateNamespace(@namespace);
            var ids = _store.Records(@namespace).Select(r => r.Id).Where(id => prefix is null || id.StartsWith(prefix, StringComparison.Ordinal))
                .OrderBy(id => id, StringComparer.Ordinal).ToList();
            for (var i = 0; i < ids.Count; i += MaxIds)
            {
                await Task.Yield();
                cancellationToken.ThrowIfCancellationRequested();
                yield return ids.Skip(i).Take(MaxIds).ToList();
            }
        }

        public async IAsyncEnumerable<IReadOnlyList<string>> FindIdsAsync(string @namespace, MetadataFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            ValidateNamespace(@namespace);
            var ids = _store.Records(@namespace).Where(r => filter.Matches(r.Metadata)).Select(r => r.Id).OrderBy(id => id, StringComparer.Ordinal).ToList();
            for (var i = 0; i < ids.Count; i += MaxIds)
            {
                await Task.Yield();
                cancellationToken.ThrowIfCancellationRequested();
                yield return ids.Skip(i).Take(MaxIds).ToList();
            }
        }

        public Task<long> CountAsync(string @namespace, MetadataFilter filter, CancellationToken cancellationToken) =>
            Task.FromResult((long)_store.Records(@namespace).Count(r => filter.Matches(r.Metadata)));

        public Task<IReadOnlyList<VectorRecord>> FetchAsync(string @namespace, IReadOnlyList<string> ids, CancellationToken cancellationToken)
        {
            ValidateNamespace(@namespace);
            var byId = _store.Records(@namespace).ToDictionary(r => r.Id, StringComparer.Ordinal);
            IReadOnlyList<VectorRecord> found = ids.Where(byId.ContainsKey).Select(id => byId[id]).ToList();
            return Task.FromResult(found);
        }

        public async IAsyncEnumerable<NamespaceInfo> ListNamespacesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await Task.Yield();
            foreach (var (name, count) in _store.Namespaces())
                yield return new NamespaceInfo(Name, Index, name, count);
        }

        public Task<IndexStats> GetStatsAsync(CancellationToken cancellationToken)
        {
            var namespaces = _store.Namespaces().Select(n => new NamespaceInfo(Name, Index, n.Name, n.Count)).ToList();
            var dimension = namespaces.SelectMany(n => _store.Records(n.Name)).Select(r => r.Values?.Length).FirstOrDefault(d => d != null);
            return Task.FromResult(new IndexStats { Provider = Name, Index = Index, Dimension = dimension, TotalRecordCount = namespaces.Sum(n => n.RecordCount ?? 0), Namespaces = namespaces });
        }

        public Task<IReadOnlyList<VectorMutation>> GetAppliedAsync(IReadOnlyList<VectorMutation> pending, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<VectorMutation>>((pending ?? Array.Empty<VectorMutation>()).ToList());

        public void Dispose() { }
    }

    /// <summary>One in-memory index: its records per namespace and its journal.</summary>
    public sealed class ThrowawayStore
    {
        private readonly object _gate = new object();
        private readonly Dictionary<string, Dictionary<string, VectorRecord>> _data = new Dictionary<string, Dictionary<string, VectorRecord>>(StringComparer.Ordinal);
        private readonly List<(string Namespace, string Id)> _deleted = new List<(string, string)>();
        private int _mutatingCalls;
        private int _deleteCalls;

        /// <summary>How long each id delete takes (so a stop finds batches in flight): the fixture points it at its
        /// fault switchboard's AddedLatency, as an emulator applies that latency to each request.</summary>
        public Func<TimeSpan> DeleteDelay { get; set; } = () => TimeSpan.Zero;

        public int MutatingCalls => Volatile.Read(ref _mutatingCalls);
        public int DeleteCalls => Volatile.Read(ref _deleteCalls);

        internal void Mutated(string what, int ids)
        {
            Interlocked.Increment(ref _mutatingCalls);
            if (what == "delete") Interlocked.Increment(ref _deleteCalls);
        }

        internal long Remove(string @namespace, IReadOnlyList<string> ids)
        {
            lock (_gate)
            {
                if (!_data.TryGetValue(@namespace, out var map)) return 0;
                long removed = 0;
                foreach (var id in ids)
                    if (map.Remove(id)) { removed++; _deleted.Add((@namespace, id)); }
                return removed;
            }
        }

        internal void Drop(string @namespace) { lock (_gate) _data.Remove(@namespace); }

        internal void Put(string @namespace, IEnumerable<VectorRecord> records)
        {
            lock (_gate)
            {
                if (!_data.TryGetValue(@namespace, out var map)) _data[@namespace] = map = new Dictionary<string, VectorRecord>(StringComparer.Ordinal);
                foreach (var r in records) map[r.Id] = Copy(r, @namespace);
            }
        }

        public IReadOnlyList<VectorRecord> Records(string @namespace)
        {
            lock (_gate) return _data.TryGetValue(@namespace, out var map) ? map.Values.Select(r => Copy(r, @namespace)).ToList() : new List<VectorRecord>();
        }

        public IReadOnlyList<(string Name, long Count)> Namespaces()
        {
            lock (_gate) return _data.Select(p => (p.Key, (long)p.Value.Count)).OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        }

        public bool Contains(string @namespace, string id)
        {
            lock (_gate) return _data.TryGetValue(@namespace, out var map) && map.ContainsKey(id);
        }

        public IReadOnlyCollection<string> DeletedIds(string @namespace)
        {
            lock (_gate) return _deleted.Where(d => d.Namespace == @namespace).Select(d => d.Id).Distinct(StringComparer.Ordinal).ToList();
        }

        public IReadOnlyCollection<string> DeletedTwice(string @namespace)
        {
            lock (_gate) return _deleted.Where(d => d.Namespace == @namespace).GroupBy(d => d.Id, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        }

        private static VectorRecord Copy(VectorRecord r, string @namespace) => new VectorRecord(r.Id)
        {
            Namespace = @namespace,
            Values = r.Values?.ToArray(),
            SparseValues = r.SparseValues,
            Metadata = r.Metadata is null ? null : new Dictionary<string, object?>(r.Metadata, StringComparer.Ordinal),
        };
    }
}
