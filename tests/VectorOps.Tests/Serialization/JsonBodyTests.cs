using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using VectorOps.Serialization;
using Xunit;

namespace VectorOps.Tests.Serialization
{
    /// <summary>
    /// The delete bodies say exactly what Utf8JsonWriter's would (the same ids and namespace when parsed), and are
    /// byte for byte the same for ids the default encoder leaves alone; ids that are printable ASCII without a quote
    /// or backslash are copied as they are (the encoder would write '&lt;' as \u003C: also valid JSON).
    /// </summary>
    public sealed class JsonBodyTests
    {
        private static byte[] Reference(string[] ids, string? ns)
        {
            using var ms = new MemoryStream();
            using (var w = new Utf8JsonWriter(ms))
            {
                w.WriteStartObject();
                w.WriteStartArray("ids");
                foreach (var id in ids) w.WriteStringValue(id);
                w.WriteEndArray();
                if (ns != null) w.WriteString("namespace", ns);
                w.WriteEndObject();
            }
            return ms.ToArray();
        }

        public static TheoryData<string[], string?> Cases() => new TheoryData<string[], string?>
        {
            { new[] { "a" }, "__default__" },
            { Enumerable.Range(0, 1000).Select(i => "doc-" + i.ToString("D8") + "#chunk-07").ToArray(), "tenant-a" },
            // Characters the default encoder escapes (6 bytes each), and long ids, so the array grows.
            { Enumerable.Range(0, 1000).Select(i => new string('<', 500) + i).ToArray(), "ns\"<>&'+" },
            { Enumerable.Range(0, 100).Select(i => "ü-" + i + "-\u00e9\u4e2d").ToArray(), null },
            { new[] { new string('x', 512) }, "é" },
            // Quotes, backslashes and control characters take the escaping path, alone or between plain ids.
            { new[] { "a\"b", "plain-id", "c\\d", "tab\there", "\u0001", "\u007F", "emoji-\U0001F600", "" }, "ns" },
            // Lengths around the vector widths of the plain-id checks and copies (8, 16, 32 and 64 characters).
            { Enumerable.Range(1, 70).Select(n => new string((char)('a' + n % 26), n)).ToArray(), "x" },
            { Enumerable.Range(1, 70).Select(n => new string('k', n - 1) + "\"").ToArray(), null },
        };

        [Theory]
        [MemberData(nameof(Cases))]
        public void Ids_body_means_what_the_writer_writes(string[] ids, string? ns)
        {
            var body = JsonBody.Ids(ids, ns).ToArray();
            using var ours = JsonDocument.Parse(body);
            Assert.Equal(ids, ours.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetString()).ToArray());
            if (ns is null) Assert.False(ours.RootElement.TryGetProperty("namespace", out _));
            else Assert.Equal(ns, ours.RootElement.GetProperty("namespace").GetString());
            Assert.Equal(ns is null ? 1 : 2, ours.RootElement.EnumerateObject().Count());
        }

        [Fact]
        public void Plain_ids_are_byte_for_byte_what_the_writer_writes()
        {
            var ids = Enumerable.Range(0, 1000).Select(i => "doc-" + (i / 16).ToString("D8") + "#chunk-" + (i % 16).ToString("D2")).ToArray();
            Assert.Equal(Reference(ids, "tenant-a"), JsonBody.Ids(ids, "tenant-a").ToArray());
            Assert.Equal(Reference(ids, null), JsonBody.Ids(ids, null).ToArray());
            // A List<string> (the command layer's batches) takes the direct-index path: the same bytes.
            Assert.Equal(Reference(ids, "tenant-a"), JsonBody.Ids(ids.ToList(), "tenant-a").ToArray());
        }
    }
}
