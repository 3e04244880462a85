using System;
using System.IO;
using System.Text;
using System.Text.Json;
using VectorOps.Errors;
using VectorOps.Providers.Qdrant;
using Xunit;

namespace VectorOps.Tests.Qdrant
{
    /// <summary>Point ids: which forms go, which form a bad id breaks, and how each is written.</summary>
    public sealed class QdrantIdTests
    {
        [Theory]
        [InlineData("0")]
        [InlineData("42")]
        [InlineData("18446744073709551615")]
        [InlineData("550e8400-e29b-41d4-a716-446655440000")]
        [InlineData("00000000-0000-0000-0000-000000000000")]
        public void The_forms_Qdrant_answers_are_taken(string id)
        {
            Assert.True(QdrantIds.IsValid(id));
            QdrantIds.Check(id);
        }

        [Theory]
        [InlineData("", "empty")]
        [InlineData("18446744073709551616", "integer form: it is larger than 18446744073709551615")]
        [InlineData("99999999999999999999999", "integer form: it is larger")]
        [InlineData("0042", "leading zero, and Qdrant would store and answer it as 42")]
        [InlineData("-5", "integer form: it is negative")]
        [InlineData("+5", "integer form: write the digits alone (5)")]
        [InlineData("550E8400-E29B-41D4-A716-446655440000", "answer as '550e8400-e29b-41d4-a716-446655440000'")]
        [InlineData("550e8400e29b41d4a716446655440000", "answer as '550e8400-e29b-41d4-a716-446655440000'")]
        [InlineData("urn:uuid:550e8400-e29b-41d4-a716-446655440000", "answer as '550e8400-e29b-41d4-a716-446655440000'")]
        [InlineData("{550e8400-e29b-41d4-a716-446655440000}", "answer as '550e8400-e29b-41d4-a716-446655440000'")]
        [InlineData("550e8400-e29b-41d4-a716-44665544000g", "UUID form: 'g' at position 36 is not a hexadecimal digit")]
        [InlineData("550e8400-e29b-41d4-a716", "UUID form: a UUID has 36 characters")]
        [InlineData("doc-00042", "neither of Qdrant's id forms")]
        [InlineData(" 42", "integer form")]
        public void A_bad_id_is_refused_naming_the_form_it_breaks(string id, string expected)
        {
            var ex = Assert.Throws<VectorOpsException>(() => QdrantIds.Check(id));
            Assert.Equal(ErrorIds.InvalidId, ex.ErrorId);
            Assert.Equal(id, ex.Target);
            Assert.Contains(expected, ex.Message);
            Assert.False(QdrantIds.IsValid(id));
        }

        [Fact]
        public void Integer_ids_are_sent_as_numbers_and_uuids_as_strings()
        {
            Assert.Equal("[18446744073709551615,7,\"550e8400-e29b-41d4-a716-446655440000\"]",
                Write("18446744073709551615", "7", "550e8400-e29b-41d4-a716-446655440000"));
        }

        [Fact]
        public void Ids_read_back_as_the_text_they_were_given()
        {
            using var doc = JsonDocument.Parse("[18446744073709551615, 0, \"550e8400-e29b-41d4-a716-446655440000\", 1.5, null]");
            var e = doc.RootElement;
            Assert.Equal("18446744073709551615", QdrantIds.Read(e[0]));
            Assert.Equal("0", QdrantIds.Read(e[1]));
            Assert.Equal("550e8400-e29b-41d4-a716-446655440000", QdrantIds.Read(e[2]));
            Assert.Null(QdrantIds.Read(e[3]));
            Assert.Null(QdrantIds.Read(e[4]));
        }

        [Theory]
        [InlineData(null, 100)]
        [InlineData(4, 100)]
        [InlineData(1536, 100)]
        [InlineData(65536, 27)]
        public void An_upsert_carries_at_most_100_records_and_fewer_for_wide_vectors(int? dimension, int cap)
        {
            Assert.Equal(cap, QdrantProvider.UpsertCap(dimension));
            if (dimension is int d) Assert.True((long)cap * (d * 14 + 4096) <= QdrantProvider.MaxRequestBytes);
        }

        private static string Write(params string[] ids)
        {
            using var ms = new MemoryStream();
            using (var w = new Utf8JsonWriter(ms))
            {
                w.WriteStartArray();
                foreach (var id in ids) QdrantIds.Write(w, id);
                w.WriteEndArray();
            }
            return Encoding.UTF8.GetString(ms.ToArray());
        }
    }
}
