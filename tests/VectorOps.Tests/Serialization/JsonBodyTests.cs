using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using VectorOps.Serialization;
using Xunit;

namespace VectorOps.Tests.Serialization
{
    /// <summary>The presized request bodies are byte for byte what a MemoryStream-backed Utf8JsonWriter writes.</summary>
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
            // Characters the default encoder escapes (6 bytes each), so the estimate is short and the array grows.
            { Enumerable.Range(0, 1000).Select(i => new string('<', 500) + i).ToArray(), "ns\"<>&'+" },
            { Enumerable.Range(0, 100).Select(i => "ü-" + i + "-\u00e9\u4e2d").ToArray(), null },
            { new[] { new string('x', 512) }, "é" },
        };

        [Theory]
        [MemberData(nameof(Cases))]
        public void Ids_body_is_what_the_writer_writes(string[] ids, string? ns)
        {
            var body = JsonBody.Ids(ids, ns);
            Assert.Equal(Reference(ids, ns), body.ToArray());
        }
    }
}
