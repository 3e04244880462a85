using VectorOps.Model;
using VectorOps.Serialization;
using Xunit;

namespace VectorOps.Tests.Serialization
{
    /// <summary>A record's document (the text the embedding came from) survives a backup line and is optional.</summary>
    public sealed class RecordJsonDocumentTests
    {
        [Fact]
        public void A_document_round_trips_through_a_line()
        {
            var record = new VectorRecord("a") { Values = new[] { 1f, 2f }, Document = "Quarterly report, \"draft\"\nline two", Namespace = "n" };
            var line = RecordJson.ToLine(record);
            Assert.Contains("\"document\":", line);
            var back = RecordJson.ParseLine(line);
            Assert.Equal(record.Document, back.Document);
            Assert.Equal(line, RecordJson.ToLine(back));
        }

        [Fact]
        public void A_record_without_a_document_writes_none_and_a_wrong_kind_is_refused()
        {
            Assert.DoesNotContain("document", RecordJson.ToLine(new VectorRecord("a")));
            Assert.Null(RecordJson.ParseLine("{\"id\":\"a\",\"document\":null}").Document);
            var ex = Assert.Throws<System.FormatException>(() => RecordJson.ParseLine("{\"id\":\"a\",\"document\":5}"));
            Assert.Contains("\"document\" must be a string", ex.Message);
        }
    }
}
