using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;

namespace VectorOps.Emulators.Infrastructure
{
    /// <summary>One request as the emulator saw it, in arrival order.</summary>
    public sealed class JournalEntry
    {
        internal JournalEntry(long sequence, string method, string path, string query)
        {
            Sequence = sequence;
            Method = method;
            Path = path;
            Query = query;
            ArrivedAt = DateTimeOffset.UtcNow;
        }

        /// <summary>Arrival order, from 1.</summary>
        public long Sequence { get; }
        public string Method { get; }
        public string Path { get; }
        public string Query { get; }
        public DateTimeOffset ArrivedAt { get; }

        /// <summary>What the emulator took the request for ("delete", "list", ...); set by the emulator.</summary>
        public string Operation { get; set; } = "";

        /// <summary>True for a call that asks to change data (counted even when it was rejected or faulted).</summary>
        public bool Mutating { get; set; }

        /// <summary>The namespace (or other scope) the request named, where known.</summary>
        public string? Scope { get; set; }

        /// <summary>A finer description set by the emulator (Pinecone delete: "ids", "filter" or "deleteAll").</summary>
        public string? Detail { get; set; }

        /// <summary>How many ids the request carried, where it carried ids.</summary>
        public int? IdCount { get; set; }

        /// <summary>The fault injected instead of serving it, if any.</summary>
        public string? Fault { get; set; }

        /// <summary>The status answered (0 while in flight, or when the connection was reset).</summary>
        public int Status { get; set; }

        /// <summary>Set when the answer is complete; the order of completion of mutating calls proves streaming.</summary>
        public long CompletedSequence { get; set; }

        public override string ToString() => $"#{Sequence} {Method} {Path}{Query} [{Operation}] -> {Status}{(Fault is null ? "" : " fault " + Fault)}";
    }

    /// <summary>
    /// Everything the tests check about traffic: every request in order (with what it was and what it got), how
    /// many mutating calls were made, and every id each delete removed (to prove nothing was over-deleted and
    /// nothing deleted twice). Thread-safe.
    /// </summary>
    public sealed class RequestJournal
    {
        private readonly ConcurrentQueue<JournalEntry> _entries = new ConcurrentQueue<JournalEntry>();
        private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, int>> _deleted =
            new ConcurrentDictionary<string, ConcurrentDictionary<string, int>>(StringComparer.Ordinal);
        private long _sequence;
        private long _completed;

        /// <summary>Record each deleted id (on by default; a 1,000,000-id benchmark may switch it off).</summary>
        public bool RecordDeletedIds { get; set; } = true;

        /// <summary>Called by the host when a request arrives.</summary>
        public JournalEntry Begin(string method, string path, string query)
        {
            var e = new JournalEntry(Interlocked.Increment(ref _sequence), method, path, query);
            _entries.Enqueue(e);
            return e;
        }

        /// <summary>Called by the host when the answer is written.</summary>
        public void End(JournalEntry entry, int status)
        {
            entry.Status = status;
            entry.CompletedSequence = Interlocked.Increment(ref _completed);
        }

        /// <summary>Called by an emulator for every record a delete actually removed.</summary>
        public void RecordDeleted(string scope, IEnumerable<string> ids)
        {
            if (!RecordDeletedIds) return;
            var set = _deleted.GetOrAdd(scope, _ => new ConcurrentDictionary<string, int>(StringComparer.Ordinal));
            foreach (var id in ids) set.AddOrUpdate(id, 1, (_, n) => n + 1);
        }

        /// <summary>A snapshot of every request so far, in arrival order.</summary>
        public IReadOnlyList<JournalEntry> Entries => _entries.ToArray();

        /// <summary>Requests that asked to change data (rejected and faulted ones included).</summary>
        public int MutatingCalls => _entries.Count(e => e.Mutating);

        public IReadOnlyList<JournalEntry> Mutations => _entries.Where(e => e.Mutating).ToList();

        /// <summary>Requests the emulator classified as <paramref name="operation"/>.</summary>
        public IReadOnlyList<JournalEntry> Of(string operation) => _entries.Where(e => e.Operation == operation).ToList();

        public int Count(string operation) => _entries.Count(e => e.Operation == operation);

        /// <summary>Ids removed from a scope (namespace), each once however often it was deleted.</summary>
        public IReadOnlyCollection<string> DeletedIds(string scope) =>
            _deleted.TryGetValue(scope, out var set) ? set.Keys.ToList() : (IReadOnlyCollection<string>)Array.Empty<string>();

        /// <summary>Ids removed more than once (should be empty: a record can only be removed once).</summary>
        public IReadOnlyCollection<string> DeletedMoreThanOnce(string scope) =>
            _deleted.TryGetValue(scope, out var set) ? set.Where(p => p.Value > 1).Select(p => p.Key).ToList() : (IReadOnlyCollection<string>)Array.Empty<string>();

        public int DeletedCount => _deleted.Values.Sum(s => s.Count);

        /// <summary>Forgets everything (between tests sharing one emulator).</summary>
        public void Clear()
        {
            while (_entries.TryDequeue(out _)) { }
            _deleted.Clear();
        }
    }
}
