using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace VectorOps.Serialization
{
    /// <summary>
    /// Checks of whole ids at once for the per-id hot path of a bulk delete: is a string printable ASCII, and is it
    /// also its own JSON string body (no quote, no backslash)? On .NET (PowerShell 7) these run 8 or 16 characters
    /// per step with SIMD; elsewhere, and for short strings, one character at a time. Either way the answer is the
    /// same (the tests compare both paths), only the speed differs.
    /// </summary>
    internal static class AsciiText
    {
        /// <summary>Every character is in 0x20-0x7E (space to '~').</summary>
        public static bool IsPrintable(string s) => Check(s, jsonPlain: false);

        /// <summary>
        /// Every character is in 0x20-0x7E and none is '"' or '\': the string's UTF-8 bytes are its JSON string body
        /// as they are, so it can be copied into a request without an encoder.
        /// </summary>
        public static bool IsJsonPlain(string s) => Check(s, jsonPlain: true);

        [MethodImpl(HotPath.Optimize)]
        private static bool Check(string s, bool jsonPlain)
        {
            var chars = MemoryMarshal.Cast<char, ushort>(s.AsSpan());
            var width = Vector<ushort>.Count;
            if (!Vector.IsHardwareAccelerated || chars.Length < width) return CheckScalar(chars, jsonPlain);

            var space = new Vector<ushort>(0x20);
            var span = new Vector<ushort>(0x7E - 0x20);
            var quote = new Vector<ushort>('"');
            var backslash = new Vector<ushort>('\\');
            var bad = Vector<ushort>.Zero;
            var bytes = MemoryMarshal.AsBytes(chars);
            // Full vectors, then one more ending at the last character (it overlaps the previous one; checking a
            // character twice does not change the answer).
            for (var i = 0; ; i += width)
            {
                if (i > chars.Length - width) i = chars.Length - width;
                var v = MemoryMarshal.Read<Vector<ushort>>(bytes.Slice(i * sizeof(ushort)));
                // Unsigned: a character under 0x20 wraps around to a large value and fails the same test.
                bad |= Vector.GreaterThan(v - space, span);
                if (jsonPlain) bad |= Vector.Equals(v, quote) | Vector.Equals(v, backslash);
                if (i == chars.Length - width) break;
            }
            return Vector.EqualsAll(bad, Vector<ushort>.Zero);
        }

        /// <summary>Bytes past the end of the text that <see cref="Narrow"/> may overwrite (whole vectors are stored).</summary>
        public static int NarrowSlack => 2 * Vector<byte>.Count;

        /// <summary>
        /// Writes printable ASCII text (checked by the caller) as its bytes at <paramref name="offset"/>. Whole
        /// vectors are stored, so up to <see cref="NarrowSlack"/> bytes after the text may be overwritten: the caller
        /// keeps that much room and writes what follows afterwards.
        /// </summary>
        [MethodImpl(HotPath.Optimize)]
        public static void Narrow(string s, byte[] destination, int offset)
        {
            var chars = MemoryMarshal.Cast<char, ushort>(s.AsSpan());
            var i = 0;
            if (Vector.IsHardwareAccelerated)
            {
                var width = Vector<ushort>.Count;
                var source = MemoryMarshal.AsBytes(chars);
                var target = destination.AsSpan(offset, chars.Length + NarrowSlack);
                for (; i + width <= chars.Length; i += width)
                {
                    var v = MemoryMarshal.Read<Vector<ushort>>(source.Slice(i * sizeof(ushort)));
                    var narrowed = Vector.Narrow(v, Vector<ushort>.Zero); // the text's bytes, then zeros
                    MemoryMarshal.Write(target.Slice(i), ref narrowed);
                }
            }
            for (; i < chars.Length; i++) destination[offset + i] = (byte)chars[i];
        }

        internal static bool CheckScalar(ReadOnlySpan<ushort> chars, bool jsonPlain)
        {
            for (var i = 0; i < chars.Length; i++)
            {
                var c = chars[i];
                if ((uint)(c - 0x20) > 0x7E - 0x20) return false;
                if (jsonPlain && (c == '"' || c == '\\')) return false;
            }
            return true;
        }
    }
}
