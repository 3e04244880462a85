using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using VectorOps.Emulators.Infrastructure;

namespace VectorOps.Emulators.Vectorize
{
    /// <summary>One stored vector: values, metadata (raw JSON object, as sent) and optional namespace.</summary>
    public sealed class StoredVector
    {
        public StoredVector(string id, float[] values, string? metadataJson, string? @namespace)
        {
            Id = id;
            Values = values;
            MetadataJson = metadataJson;
            Namespace = @namespace;
        }

        public string Id { get; }
        public float[] Values { get; }
        public string? MetadataJson { get; }
        public string? Namespace { get; }
    }

    public enum EmulatedMutationKind { Insert, Upsert, Delete }

    /// <summary>One accepted write, as the service queues it: applied later, in order.</summary>
    public sealed class EmulatedMutation
    {
        internal EmulatedMutation(string id, EmulatedMutationKind kind, IReadOnlyList<string> ids, IReadOnlyList<StoredVector>? vectors, DateTimeOffset enqueuedAt)
        {
            Id = id;
            Kind = kind;
            Ids = ids;
            Vectors = vectors;
            EnqueuedAt = enqueuedAt;
        }

        /// <summary>The mutationId answered to the client (a UUID: unordered).</summary>
        public string Id { get; }
        public EmulatedMutationKind Kind { get; }
        public IReadOnlyList<string> Ids { get; }
        internal IReadOnlyList<StoredVector>? Vectors { get; }
        public DateTimeOffset EnqueuedAt { get; }

        /// <summary>When the applier applied it (null while queued).</summary>
        public DateTimeOffset? AppliedAt { get; internal set; }

        /// <summary>For deletes: the ids that existed and were removed when it was applied.</summary>
        public IReadOnlyList<string> Removed { get; internal set; } = Array.Empty<string>();

        public bool IsApplied => AppliedAt != null;
    }

    /// <summary>
    /// The state of one emulated index: the applied vectors (what reads see), the queue of accepted mutations,
    /// and /info's processedUpToMutation and processedUpToDatetime. Every member takes the index's lock.
    /// <para>
    /// processedUpToDatetime is kept as a watermark: every mutation enqueued at or before it has been applied.
    /// When the applier drains the queue it is the time of that batch ("the timestamp the last mutation batch was
    /// processed"); when mutations remain queued it is the enqueue time of the last one applied. It moves only
    /// when a batch is applied, never while the index is idle.
    /// </para>
    /// </summary>
    public sealed class VectorizeIndexState
    {
        private readonly object _gate = new object();
        private readonly Dictionary<string, StoredVector> _vectors = new Dictionary<string, StoredVector>(StringComparer.Ordinal);
        // Deleted ids stay in _keys as stale entries that readers skip, until they outnumber live ones (removing
        // each from a red-black tree of a million strings made the emulator the bottleneck of benchmarks).
        private SortedSet<string> _keys = new SortedSet<string>(StringComparer.Ordinal);
        private int _stale;
        private readonly Queue<EmulatedMutation> _queue = new Queue<EmulatedMutation>();
        private readonly List<EmulatedMutation> _log = new List<EmulatedMutation>();
        private string? _processedUpToMutation;
        private DateTimeOffset? _processedUpToDatetime;

        internal VectorizeIndexState(string name, int dimensions)
        {
            Name = name;
            Dimensions = dimensions;
        }

        public string Name { get; }
        public int Dimensions { get; }

        /// <summary>Applied vector count (what /info answers).</summary>
        public int Count { get { lock (_gate) return _vectors.Count; } }

        /// <summary>Mutations accepted but not applied yet.</summary>
        public int PendingCount { get { lock (_gate) return _queue.Count; } }

        /// <summary>Every accepted mutation, in order.</summary>
        public IReadOnlyList<EmulatedMutation> Mutations { get { lock (_gate) return _log.ToList(); } }

        public string? ProcessedUpToMutation { get { lock (_gate) return _processedUpToMutation; } }
        public DateTimeOffset? ProcessedUpToDatetime { get { lock (_gate) return _processedUpToDatetime; } }

        public bool Contains(string id) { lock (_gate) return _vectors.ContainsKey(id); }

        public StoredVector? Get(string id) { lock (_gate) return _vectors.TryGetValue(id, out var v) ? v : null; }

        /// <summary>Applied ids, in list order.</summary>
        public IReadOnlyList<string> Ids { get { lock (_gate) return _keys.Where(_vectors.ContainsKey).ToList(); } }

        /// <summary>Applied vectors (a snapshot).</summary>
        public IReadOnlyList<StoredVector> Vectors { get { lock (_gate) return _keys.Where(_vectors.ContainsKey).Select(k => _vectors[k]).ToList(); } }

        /// <summary>Whether the mutation with this id has been applied (false when unknown).</summary>
        public bool IsApplied(string mutationId)
        {
            lock (_gate) return _log.Any(m => m.Id == mutationId && m.IsApplied);
        }

        /// <summary>Stores vectors at once, without a mutation (test set-up).</summary>
        public void Seed(IEnumerable<StoredVector> vectors)
        {
            lock (_gate)
                foreach (var v in vectors) Put(v);
        }

        /// <summary>Seeds <paramref name="count"/> vectors "{prefix}{i:D5}" with metadata from <paramref name="metadata"/>.</summary>
        public void Seed(string prefix, int count, string? @namespace = null, Func<int, string?>? metadata = null, int from = 0)
        {
            var list = new List<StoredVector>(count);
            for (var i = from; i < from + count; i++)
            {
                var values = new float[Dimensions];
                for (var d = 0; d < Dimensions; d++) values[d] = (i % 97 + d) / 100f;
                list.Add(new StoredVector(prefix + i.ToString("D5", System.Globalization.CultureInfo.InvariantCulture), values, metadata?.Invoke(i), @namespace));
            }
            Seed(list);
        }

        /// <summary>Empties the index: vectors, queued and logged mutations, watermarks (for /_emulator/reset).</summary>
        internal void Clear()
        {
            lock (_gate)
            {
                _vectors.Clear();
                _keys.Clear();
                _stale = 0;
                _queue.Clear();
                _log.Clear();
                _processedUpToMutation = null;
                _processedUpToDatetime = null;
            }
        }

        internal EmulatedMutation Enqueue(EmulatedMutationKind kind, IReadOnlyList<string> ids, IReadOnlyList<StoredVector>? vectors)
        {
            lock (_gate)
            {
                // The enqueue time is taken under the lock, so the applier never sees a later-stamped mutation first.
                var m = new EmulatedMutation(Guid.NewGuid().ToString(), kind, ids, vectors, DateTimeOffset.UtcNow);
                _queue.Enqueue(m);
                _log.Add(m);
                return m;
            }
        }

        /// <summary>Applies, in order, every queued mutation at least <paramref name="delay"/> old. Returns how many.</summary>
        internal int ApplyDue(TimeSpan delay, RequestJournal journal)
        {
            lock (_gate)
            {
                var now = DateTimeOffset.UtcNow;
                var applied = 0;
                EmulatedMutation? last = null;
                while (_queue.Count > 0 && now - _queue.Peek().EnqueuedAt >= delay)
                {
                    var m = _queue.Dequeue();
                    Apply(m, journal);
                    m.AppliedAt = now;
                    last = m;
                    applied++;
                }
                if (last != null)
                {
                    _processedUpToMutation = last.Id;
                    _processedUpToDatetime = _queue.Count == 0 ? now : last.EnqueuedAt;
                }
                return applied;
            }
        }

        private void Put(StoredVector v)
        {
            if (!_vectors.ContainsKey(v.Id) && !_keys.Add(v.Id)) _stale--; // a stale entry is live again
            _vectors[v.Id] = v;
        }

        private void Apply(EmulatedMutation m, RequestJournal journal)
        {
            switch (m.Kind)
            {
                case EmulatedMutationKind.Delete:
                    var removed = new List<string>();
                    foreach (var id in m.Ids)
                        if (_vectors.Remove(id))
                        {
                            if (++_stale > 1024 && _stale > _vectors.Count)
                            {
                                _keys = new SortedSet<string>(_vectors.Keys, StringComparer.Ordinal);
                                _stale = 0;
                            }
                            removed.Add(id);
                        }
                    m.Removed = removed;
                    if (removed.Count > 0) journal.RecordDeleted(Name, removed);
                    break;
                case EmulatedMutationKind.Upsert:
                    foreach (var v in m.Vectors!) Put(v);
                    break;
                case EmulatedMutationKind.Insert:
                    foreach (var v in m.Vectors!)
                        if (!_vectors.ContainsKey(v.Id)) Put(v);
                    break;
            }
        }

        /// <summary>A page of applied ids after <paramref name="after"/> (exclusive), in ordinal order.</summary>
        internal (List<string> Ids, int Total, bool More) Page(string? after, int count)
        {
            lock (_gate)
            {
                var ids = new List<string>(Math.Min(count, _vectors.Count));
                var more = false;
                if (_keys.Count > 0 && (after is null || string.CompareOrdinal(after, _keys.Max!) < 0))
                {
                    IEnumerable<string> view = after is null ? _keys : _keys.GetViewBetween(after, _keys.Max!);
                    foreach (var id in view)
                    {
                        if (after != null && string.CompareOrdinal(id, after) <= 0) continue;
                        if (_stale > 0 && !_vectors.ContainsKey(id)) continue;
                        if (ids.Count == count) { more = true; break; }
                        ids.Add(id);
                    }
                }
                return (ids, _vectors.Count, more);
            }
        }

        internal List<StoredVector> GetMany(IEnumerable<string> ids)
        {
            lock (_gate)
            {
                var found = new List<StoredVector>();
                foreach (var id in ids)
                    if (_vectors.TryGetValue(id, out var v)) found.Add(v);
                return found;
            }
        }

        internal (int Count, string? Mutation, DateTimeOffset? UpTo) Info()
        {
            lock (_gate) return (_vectors.Count, _processedUpToMutation, _processedUpToDatetime);
        }

        internal static string? NormaliseMetadata(JsonElement e) =>
            e.ValueKind == JsonValueKind.Object ? e.GetRawText() : null;
    }
}
