using System;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using VectorOps.Serialization;
using Xunit;

namespace VectorOps.Tests.Serialization
{
    /// <summary>The vectorised id checks and copy agree with a character-by-character reference on every length and position.</summary>
    public sealed class AsciiTextTests
    {
        private static bool Printable(string s) => s.All(c => c >= 0x20 && c <= 0x7E);

        private static bool JsonPlain(string s) => Printable(s) && !s.Contains('"') && !s.Contains('\\');

        // Characters on both sides of every boundary the checks draw, and some far from them.
        private static readonly char[] Probes = { '\0', '\u0001', '\u001F', ' ', '!', '"', '#', '[', '\\', ']', '}', '~', '\u007F', '\u0080', '\u00FF', '\u0100', '\u2028', '\uD83D', '\uFFFF' };

        [Fact]
        public void Checks_match_the_reference_for_each_bad_character_at_each_position()
        {
            var checkedCount = 0;
            for (var length = 1; length <= 70; length++)
            {
                var good = new string('a', length);
                Assert.True(AsciiText.IsPrintable(good));
                Assert.True(AsciiText.IsJsonPlain(good));
                foreach (var probe in Probes)
                {
                    for (var at = 0; at < length; at++)
                    {
                        var s = good.Substring(0, at) + probe + good.Substring(at + 1);
                        Assert.True(Printable(s) == AsciiText.IsPrintable(s), $"IsPrintable, U+{(int)probe:X4} at {at} of {length}");
                        Assert.True(JsonPlain(s) == AsciiText.IsJsonPlain(s), $"IsJsonPlain, U+{(int)probe:X4} at {at} of {length}");
                        checkedCount++;
                    }
                }
            }
            Assert.Equal(Probes.Length * 70 * 71 / 2, checkedCount);
        }

        [Fact]
        public void The_scalar_path_agrees_with_the_vector_path()
        {
            var random = new Random(7);
            for (var i = 0; i < 20000; i++)
            {
                var chars = new char[random.Next(0, 80)];
                for (var k = 0; k < chars.Length; k++) chars[k] = (char)(random.Next(10) == 0 ? random.Next(0, 0x200) : random.Next(0x20, 0x7F));
                var s = new string(chars);
                var span = MemoryMarshal.Cast<char, ushort>(s.AsSpan());
                Assert.Equal(AsciiText.CheckScalar(span, jsonPlain: false), AsciiText.IsPrintable(s));
                Assert.Equal(AsciiText.CheckScalar(span, jsonPlain: true), AsciiText.IsJsonPlain(s));
                Assert.Equal(Printable(s), AsciiText.IsPrintable(s));
            }
        }

        [Fact]
        public void Narrow_writes_the_bytes_and_nothing_beyond_the_slack()
        {
            for (var length = 0; length <= 100; length++)
            {
                var text = new string(Enumerable.Range(0, length).Select(i => (char)(0x20 + (i * 7) % 0x5F)).ToArray());
                var buffer = Enumerable.Repeat((byte)0xEE, 8 + length + AsciiText.NarrowSlack + 8).ToArray();
                AsciiText.Narrow(text, buffer, 8);
                Assert.Equal(Encoding.ASCII.GetBytes(text), buffer.Skip(8).Take(length).ToArray());
                Assert.All(buffer.Take(8), b => Assert.Equal(0xEE, b));
                Assert.All(buffer.Skip(8 + length + AsciiText.NarrowSlack), b => Assert.Equal(0xEE, b));
            }
        }
    }
}
