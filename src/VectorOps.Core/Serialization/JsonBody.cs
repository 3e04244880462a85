using System;
using System.Buffers;
using System.Collections.Generic;
using System.Text.Json;

namespace VectorOps.Serialization
{
    /// <summary>
    /// Request bodies written once into one array sized from an estimate, instead of a MemoryStream that doubles
    /// its way up and is then copied by ToArray (three times the body in allocations for a 1000-id delete). The
    /// array is not pooled: HttpClient may still read a request body after SendAsync has returned (an early
    /// answer, a cancelled attempt), so a returned buffer could be sent inside another request.
    /// </summary>
    internal static class JsonBody
    {
        /// <summary>Writes JSON with <paramref name="write"/>; the array grows only if <paramref name="estimate"/> was short.</summary>
        public static ArraySegment<byte> Write(int estimate, Action<Utf8JsonWriter> write)
        {
            var buffer = new GrowingBuffer(estimate);
            using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true })) write(w);
            return buffer.Written;
        }

        /// <summary>{"ids":[...]} (and "namespace" after them when given), the body of a delete by id.</summary>
        public static ArraySegment<byte> Ids(IReadOnlyList<string> ids, string? @namespace)
        {
            // Ids are mostly ASCII: 3 bytes of quotes and comma each; a namespace may need escaping (6 a char).
            // Utf8JsonWriter asks for room for the worst case of the next value (and at least 4 KB) before
            // writing it, so the estimate carries that much slack or the last ids would double the array.
            var longest = 0;
            var estimate = 48 + (@namespace?.Length ?? 0) * 6;
            for (var i = 0; i < ids.Count; i++)
            {
                estimate += ids[i].Length + 3;
                if (ids[i].Length > longest) longest = ids[i].Length;
            }
            estimate += Math.Max(4096, longest * 6 + 16);
            return Write(estimate, w =>
            {
                w.WriteStartObject();
                w.WriteStartArray("ids");
                for (var i = 0; i < ids.Count; i++) w.WriteStringValue(ids[i]);
                w.WriteEndArray();
                if (@namespace != null) w.WriteString("namespace", @namespace);
                w.WriteEndObject();
            });
        }

        private sealed class GrowingBuffer : IBufferWriter<byte>
        {
            private byte[] _buffer;
            private int _written;

            public GrowingBuffer(int estimate) { _buffer = new byte[Math.Max(256, estimate)]; }

            public ArraySegment<byte> Written => new ArraySegment<byte>(_buffer, 0, _written);

            public void Advance(int count) => _written += count;

            public Memory<byte> GetMemory(int sizeHint = 0)
            {
                Ensure(sizeHint);
                return _buffer.AsMemory(_written);
            }

            public Span<byte> GetSpan(int sizeHint = 0)
            {
                Ensure(sizeHint);
                return _buffer.AsSpan(_written);
            }

            private void Ensure(int sizeHint)
            {
                var need = Math.Max(1, sizeHint);
                if (_buffer.Length - _written >= need) return;
                var bigger = new byte[Math.Max(_buffer.Length * 2, _written + need)];
                Buffer.BlockCopy(_buffer, 0, bigger, 0, _written);
                _buffer = bigger;
            }
        }
    }
}
