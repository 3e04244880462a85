using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using VectorOps.Errors;
using VectorOps.Providers.Kit;
using VectorOps.Transport;
using System.Threading.Tasks;
using Xunit;

namespace VectorOps.Tests.Kit
{
    public sealed class ProviderJsonTests
    {
        private static TransportResponse Answer(string body) =>
            new TransportResponse(HttpStatusCode.OK, new HttpResponseMessage().Headers, null, Encoding.UTF8.GetBytes(body))
            { Method = "GET", Path = "/things", Attempts = 2 };

        [Fact]
        public void A_body_that_is_not_json_is_a_protocol_error_naming_the_call()
        {
            var ex = Assert.Throws<VectorOpsException>(() => ProviderJson.Parse(Answer("<html>proxy</html>"), "Svc"));
            Assert.Equal(ErrorIds.ProviderProtocolError, ex.ErrorId);
            Assert.Equal(VectorOpsErrorCategory.ProtocolError, ex.Category);
            Assert.Contains("Svc answered GET /things", ex.Message);
            Assert.Equal("/things", ex.Target);
            Assert.Equal(2, ex.Attempts);
        }

        [Fact]
        public void An_empty_body_reads_as_an_empty_object()
        {
            using var doc = ProviderJson.Parse(Answer(""), "Svc");
            Assert.Equal(JsonValueKind.Object, doc.RootElement.ValueKind);
        }

        [Fact]
        public void Optional_properties_read_without_throwing()
        {
            using var doc = ProviderJson.Parse(Answer("{\"s\":\"x\",\"e\":\"\",\"n\":42,\"big\":1e40,\"a\":[1],\"o\":{}}"), "Svc");
            var r = doc.RootElement;
            Assert.Equal("x", ProviderJson.OptionalString(r, "s"));
            Assert.Null(ProviderJson.OptionalString(r, "n"));
            Assert.Null(ProviderJson.OptionalNonEmptyString(r, "e"));
            Assert.Equal(42, ProviderJson.OptionalInt64(r, "n"));
            Assert.Equal(42, ProviderJson.OptionalInt32(r, "n"));
            Assert.Null(ProviderJson.OptionalInt64(r, "big"));
            Assert.Null(ProviderJson.OptionalInt64(r, "missing"));
            Assert.True(ProviderJson.TryGetArray(r, "a", out _));
            Assert.False(ProviderJson.TryGetArray(r, "o", out _));
            Assert.True(ProviderJson.TryGetObject(r, "o", out _));
            Assert.Null(ProviderJson.OptionalString(r.GetProperty("a"), "s")); // not an object
        }

        [Fact]
        public async Task Request_content_is_rebuilt_for_every_attempt_with_the_same_bytes()
        {
            var body = ProviderJson.Write(w => { w.WriteStartObject(); w.WriteString("namespace", "ns\"1"); w.WriteEndObject(); });
            Assert.Equal("{\"namespace\":\"ns\\u00221\"}", Encoding.UTF8.GetString(body.Array!, body.Offset, body.Count));
            var content = ProviderJson.Content(body);
            using var first = content()!;
            using var second = content()!;
            Assert.NotSame(first, second);
            Assert.Equal("application/json", first.Headers.ContentType!.MediaType);
            Assert.Equal(await first.ReadAsByteArrayAsync(), await second.ReadAsByteArrayAsync());
            Assert.Equal("application/x-ndjson", ProviderJson.Content(new byte[] { 1 }, "application/x-ndjson")()!.Headers.ContentType!.MediaType);
        }
    }
}
