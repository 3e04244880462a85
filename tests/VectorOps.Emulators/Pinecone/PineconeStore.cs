using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using VectorOps.Filtering;

namespace VectorOps.Emulators.Pinecone
{
    /// <summary>One stored record.</summary>
    public sealed class PineconeRecord
    {
        public PineconeRecord(string id) { Id = id; }

        public string Id { get; }
        public float[]? Values { get; set; }
        public uint[]? SparseIndices { get; set; }
        public float[]? SparseValues { get; set; }

        /// <summary>Metadata as plain values (string, long, double, bool, list of strings).</summary>
        public Dictionary<string, object?>? Metadata { get; set; }
    }

    /// <summary>
    /// One namespace: records by id plus an ordinal-sorted id set (list pages in "C" collation, prefix ranges in
    /// O(log n)), and the namespace's log sequence numbers (Pinecone numbers writes per namespace). Every member
    /// must be used under <see cref="Gate"/>.
    /// <para>
    /// A delete removes the record from <see cref="Records"/> only and leaves its id in the sorted set as a stale
    /// entry, which readers skip; the set is rebuilt once stale entries outnumber live ones. Removing from a
    /// red-black tree of a million strings cost more than everything else a delete does, which made the emulator
    /// the bottleneck of client-overhead benchmarks.
    /// </para>
    /// </summary>
    public sealed class PineconeNamespace
    {
        private readonly Queue<(long Lsn, long At)> _unindexed = new Queue<(long, long)>();

        public PineconeNamespace(string name) { Name = name; }

        public string Name { get; }
        public object Gate { get; } = new object();
        private SortedSet<string> _sorted = new SortedSet<string>(StringComparer.Ordinal);
        private int _stale;

        public Dictionary<string, PineconeRecord> Records { get; } = new Dictionary<string, PineconeRecord>(StringComparer.Ordinal);

        /// <summary>The ids of the records, in ordinal order.</summary>
        public IEnumerable<string> Ids => _stale == 0 ? _sorted : _sorted.Where(Records.ContainsKey);

        /// <summary>False once deleted with DELETE /namespaces/{ns} (its LSN history is kept).</summary>
        public bool Exists { get; set; }

        /// <summary>The last LSN assigned to a write in this namespace.</summary>
        public long Lsn { get; private set; }

        /// <summary>The highest LSN whose write is indexed (visible to queries).</summary>
        public long IndexedLsn { get; private set; }

        public long NextLsn(long nowTicks)
        {
            Lsn++;
            _unindexed.Enqueue((Lsn, nowTicks));
            return Lsn;
        }

        /// <summary>Advances the indexed LSN over writes older than the lag (unless indexing is held).</summary>
        public long AdvanceIndexed(long nowTicks, long lagTicks, bool held)
        {
            if (!held)
            {
                while (_unindexed.Count > 0 && _unindexed.Peek().At + lagTicks <= nowTicks)
                    IndexedLsn = _unindexed.Dequeue().Lsn;
            }
            return IndexedLsn;
        }

        public void Put(PineconeRecord record)
        {
            // An id whose stale entry is still in the set becomes live again.
            if (!Records.ContainsKey(record.Id) && !_sorted.Add(record.Id)) _stale--;
            Records[record.Id] = record;
        }

        public bool Remove(string id)
        {
            if (!Records.Remove(id)) return false;
            if (++_stale > 1024 && _stale > Records.Count)
            {
                _sorted = new SortedSet<string>(Records.Keys, StringComparer.Ordinal);
                _stale = 0;
            }
            return true;
        }

        public List<string> RemoveAll()
        {
            var ids = Ids.ToList();
            Records.Clear();
            _sorted.Clear();
            _stale = 0;
            return ids;
        }

        /// <summary>Ids in order, starting after <paramref name="after"/> (exclusive), restricted to a prefix.</summary>
        public IEnumerable<string> IdsFrom(string? prefix, string? after)
        {
            if (_sorted.Count == 0) yield break;
            var max = _sorted.Max!;
            var lower = prefix ?? "";
            if (after != null && string.CompareOrdinal(after, lower) > 0) lower = after;
            if (string.CompareOrdinal(lower, max) > 0) yield break;
            foreach (var id in _sorted.GetViewBetween(lower, max))
            {
                if (after != null && string.CompareOrdinal(id, after) <= 0) continue;
                if (prefix != null && !id.StartsWith(prefix, StringComparison.Ordinal)) yield break;
                if (_stale > 0 && !Records.ContainsKey(id)) continue;
                yield return id;
            }
        }

        public IEnumerable<PineconeRecord> Matching(MetadataFilter filter) =>
            Ids.Select(id => Records[id]).Where(r => filter.Matches(r.Metadata));
    }

    /// <summary>The emulated index: namespaces by name, with the clock that drives the indexing lag. Thread-safe.</summary>
    public sealed class PineconeStore
    {
        private readonly ConcurrentDictionary<string, PineconeNamespace> _namespaces = new ConcurrentDictionary<string, PineconeNamespace>(StringComparer.Ordinal);
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private volatile bool _held;

        /// <summary>How long a write stays unindexed (x-pinecone-max-indexed-lsn lags behind it by this much).</summary>
        public TimeSpan IndexingLag { get; set; }

        /// <summary>Stops the indexed LSN from advancing until <see cref="ReleaseIndexing"/>: deterministic lag for tests.</summary>
        public void HoldIndexing() => _held = true;

        public void ReleaseIndexing() => _held = false;

        public bool IndexingHeld => _held;

        public long Now => _clock.ElapsedTicks;

        public PineconeNamespace GetOrAdd(string name) => _namespaces.GetOrAdd(name, n => new PineconeNamespace(n));

        public PineconeNamespace? Find(string name) => _namespaces.TryGetValue(name, out var ns) ? ns : null;

        public IEnumerable<PineconeNamespace> All => _namespaces.Values;

        /// <summary>x-pinecone-max-indexed-lsn of a namespace now.</summary>
        public long MaxIndexedLsn(PineconeNamespace ns)
        {
            var lag = (long)(IndexingLag.TotalSeconds * Stopwatch.Frequency);
            lock (ns.Gate) return ns.AdvanceIndexed(Now, lag, _held);
        }

        /// <summary>Test helper: puts records straight into a namespace (no request, no journal entry).</summary>
        public void Seed(string @namespace, IEnumerable<PineconeRecord> records)
        {
            var ns = GetOrAdd(@namespace);
            lock (ns.Gate)
            {
                ns.Exists = true;
                foreach (var r in records) ns.Put(r);
            }
        }

        /// <summary>Test helper: the ids a namespace holds now, sorted.</summary>
        public IReadOnlyList<string> IdsIn(string @namespace)
        {
            var ns = Find(@namespace);
            if (ns is null) return Array.Empty<string>();
            lock (ns.Gate) return ns.Ids.ToList();
        }

        public int CountIn(string @namespace)
        {
            var ns = Find(@namespace);
            if (ns is null) return 0;
            lock (ns.Gate) return ns.Records.Count;
        }

        public bool NamespaceExists(string @namespace)
        {
            var ns = Find(@namespace);
            if (ns is null) return false;
            lock (ns.Gate) return ns.Exists;
        }

        public void Clear() => _namespaces.Clear();
    }
}
