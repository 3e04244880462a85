using System;
using System.Runtime.CompilerServices;
using System.Buffers;
using System.Collections.Generic;
using System.Text;
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

        private static readonly byte[] IdsOpen = Encoding.ASCII.GetBytes("{\"ids\":[");
        private static readonly byte[] NamespaceKey = Encoding.ASCII.GetBytes("],\"namespace\":");

        /// <summary>{"ids":[...]} (and "namespace" after them when given), the body of a delete by id.</summary>
        /// <remarks>
        /// The per-id hot path of a bulk delete. An id that is printable ASCII without a quote or a backslash (every
        /// id of a re-index, and most ids of most services) is its own JSON string body: it is copied as bytes
        /// between quotes, checked a vector at a time. Any other id is escaped as Utf8JsonWriter escapes it
        /// (JsonEncodedText with the default encoder), so the body means the same either way.
        /// </remarks>
        [MethodImpl(HotPath.Optimize)]
        public static ArraySegment<byte> Ids(IReadOnlyList<string> ids, string? @namespace)
        {
            var ns = @namespace is null ? (JsonEncodedText?)null : JsonEncodedText.Encode(@namespace);
            var size = IdsOpen.Length + NamespaceKey.Length + 3 + (ns?.EncodedUtf8Bytes.Length ?? 0);
            // The command layer's batches are List<string>: indexed directly, not through the interface (no PGO here
            // to devirtualise it, see HotPath).
            var list = ids as List<string>;
            var count = ids.Count;
            for (var i = 0; i < count; i++) size += (list != null ? list[i] : ids[i]).Length + 3;
            var body = new Body(size + AsciiText.NarrowSlack);
            body.Append(IdsOpen);
            for (var i = 0; i < count; i++)
            {
                if (i > 0) body.Append((byte)',');
                var id = list != null ? list[i] : ids[i];
                if (AsciiText.IsJsonPlain(id)) body.AppendQuotedAscii(id);
                else body.AppendQuoted(JsonEncodedText.Encode(id).EncodedUtf8Bytes);
            }
            if (ns is JsonEncodedText encoded)
            {
                body.Append(NamespaceKey);
                body.AppendQuoted(encoded.EncodedUtf8Bytes);
            }
            else
            {
                body.Append((byte)']');
            }
            body.Append((byte)'}');
            return body.Written;
        }

        /// <summary>A body written once into one array sized from the exact size of its plain ids.</summary>
        private struct Body
        {
            private byte[] _buffer;
            private int _written;

            public Body(int size)
            {
                _buffer = new byte[size];
                _written = 0;
            }

            public ArraySegment<byte> Written => new ArraySegment<byte>(_buffer, 0, _written);

            public void Append(byte b)
            {
                Ensure(1);
                _buffer[_written++] = b;
            }

            public void Append(ReadOnlySpan<byte> bytes)
            {
                Ensure(bytes.Length);
                bytes.CopyTo(_buffer.AsSpan(_written));
                _written += bytes.Length;
            }

            /// <summary>Printable ASCII without quote or backslash, between quotes (vector stores need the slack).</summary>
            public void AppendQuotedAscii(string text)
            {
                Ensure(text.Length + 2 + AsciiText.NarrowSlack);
                _buffer[_written++] = (byte)'"';
                AsciiText.Narrow(text, _buffer, _written);
                _written += text.Length;
                _buffer[_written++] = (byte)'"';
            }

            public void AppendQuoted(ReadOnlySpan<byte> escaped)
            {
                Ensure(escaped.Length + 2);
                _buffer[_written++] = (byte)'"';
                escaped.CopyTo(_buffer.AsSpan(_written));
                _written += escaped.Length;
                _buffer[_written++] = (byte)'"';
            }

            private void Ensure(int count)
            {
                if (_buffer.Length - _written >= count) return;
                Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _written + count));
            }
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
