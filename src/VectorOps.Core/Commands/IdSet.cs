using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using VectorOps.Serialization;

namespace VectorOps.Commands
{
    /// <summary>
    /// The duplicate check of one batch being filled: which ids (ordinal) the batch's list already holds. It does
    /// what a HashSet&lt;string&gt; beside the list did, in code compiled fully optimised at once (see
    /// <see cref="HotPath"/>): measured with perf, HashSet's Add and the string comparer ran in .NET's instrumented
    /// tier for the whole of a 20,000,000-id run (tiering never caught up while the process was busy), with
    /// profiling probes on every id. It stores each id's hash and position in the list, not the string, so adding an
    /// id stores no reference (no covariance check, no GC write barrier). Open addressing, linear probing, at most
    /// half full; cleared slot by slot for the next batch.
    /// </summary>
    internal sealed class IdSet
    {
        private static readonly ulong Seed = unchecked((ulong)Environment.TickCount * 0x9E3779B97F4A7C15UL | 1UL);

        private readonly Entry[] _slots;
        private readonly int[] _used;
        private readonly int _mask;
        private int _count;

        /// <param name="capacity">The most ids the set will hold before <see cref="Clear"/>.</param>
        public IdSet(int capacity)
        {
            var size = 16;
            while (size < capacity * 2) size <<= 1;
            _slots = new Entry[size];
            _used = new int[Math.Max(1, capacity)];
            _mask = size - 1;
        }

        public int Count => _count;

        /// <summary>
        /// True when <paramref name="id"/> is not among <paramref name="ids"/> yet: it is then recorded as the
        /// list's next item, and the caller appends it. False for an id the list already holds.
        /// </summary>
        [MethodImpl(HotPath.Optimize)]
        public bool Add(string id, List<string> ids)
        {
            var hash = Hash(id);
            var slot = hash & _mask;
            while (true)
            {
                var entry = _slots[slot];
                if (entry.Position == 0) break;
                if (entry.Hash == hash && string.Equals(ids[entry.Position - 1], id)) return false;
                slot = (slot + 1) & _mask;
            }
            if (_count == _used.Length) throw new InvalidOperationException("The id set is full; it holds one batch.");
            _slots[slot] = new Entry(hash, ids.Count + 1);
            _used[_count++] = slot;
            return true;
        }

        /// <summary>Empties the set, touching only the slots in use.</summary>
        [MethodImpl(HotPath.Optimize)]
        public void Clear()
        {
            for (var i = 0; i < _count; i++) _slots[_used[i]] = default;
            _count = 0;
        }

        /// <summary>One slot: the id's hash and its position in the batch's list plus one (0: empty).</summary>
        private readonly struct Entry
        {
            public Entry(int hash, int position)
            {
                Hash = hash;
                Position = position;
            }

            public readonly int Hash;
            public readonly int Position;
        }

        /// <summary>A 64-bit multiply-xor hash of the characters, four at a time, seeded per process.</summary>
        [MethodImpl(HotPath.Optimize)]
        internal static int Hash(string s)
        {
            const ulong Prime = 0x9E3779B97F4A7C15UL; // odd: the golden-ratio multiplier
            var chars = s.AsSpan();
            var words = MemoryMarshal.Cast<char, ulong>(chars);
            var h = Seed ^ (ulong)chars.Length;
            for (var i = 0; i < words.Length; i++)
            {
                h = unchecked((h ^ words[i]) * Prime);
                h = (h << 27) | (h >> 37); // brings the well-mixed high bits down for the next word
            }
            for (var i = words.Length * 4; i < chars.Length; i++) h = unchecked((h ^ chars[i]) * Prime);
            h = unchecked((h ^ (h >> 29)) * Prime);
            return unchecked((int)h ^ (int)(h >> 32));
        }
    }
}
