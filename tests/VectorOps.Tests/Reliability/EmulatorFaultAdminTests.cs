using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using VectorOps.Emulators.Infrastructure;
using VectorOps.Emulators.Pinecone;
using VectorOps.Tests.Pinecone;
using System.Threading.Tasks;
using Xunit;

namespace VectorOps.Tests.Reliability
{
    /// <summary>
    /// The admin paths scripts use on an emulator run as a program (Pester): POST/DELETE /_emulator/faults and
    /// GET /_emulator/deleted, and the body-matching fault behind "one batch fails permanently".
    /// </summary>
    [Collection(PineconeCollection.Name)]
    public sealed class EmulatorFaultAdminTests : IDisposable
    {
        private static readonly HttpClient Http = new HttpClient();
        private readonly PineconeFixture _fixture;

        public EmulatorFaultAdminTests(PineconeFixture fixture)
        {
            _fixture = fixture;
            fixture.Reset();
            fixture.Emulator.Store.Seed("docs", Enumerable.Range(0, 6).Select(i => new PineconeRecord("d-" + i) { Values = new float[] { 1, 2, 3, 4 } }));
        }

        private PineconeEmulator Emulator => _fixture.Emulator;

        private HttpResponseMessage Admin(HttpMethod method, string path, string? json = null)
        {
            var request = new HttpRequestMessage(method, new Uri(Emulator.BaseUri, path));
            if (json != null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
            return Http.Send(request);
        }

        private HttpStatusCode Delete(params string[] ids)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Emulator.BaseUri, "/vectors/delete"))
            {
                Content = new StringContent(JsonSerializer.Serialize(new { ids, @namespace = "docs" }), Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("Api-Key", PineconeFixture.Key);
            request.Headers.Add("X-Pinecone-Api-Version", "2026-04");
            return Http.Send(request).StatusCode;
        }

        [Fact]
        public async Task A_fault_set_over_http_on_a_body_fails_only_the_requests_carrying_that_id_until_cleared()
        {
            var set = Admin(HttpMethod.Post, "/_emulator/faults", "{\"kind\":\"status\",\"status\":500,\"path\":\"/vectors/delete\",\"bodyContains\":\"\\\"d-3\\\"\"}");
            Assert.Equal(HttpStatusCode.NoContent, set.StatusCode);
            Assert.True(Emulator.Faults.InspectsBodies);

            Assert.Equal(HttpStatusCode.OK, Delete("d-1", "d-2"));
            Assert.Equal(HttpStatusCode.InternalServerError, Delete("d-3", "d-4"));
            Assert.Equal(HttpStatusCode.InternalServerError, Delete("d-3"));   // permanent: every time
            Assert.Equal(HttpStatusCode.OK, Delete("d-5"));

            Assert.Equal(HttpStatusCode.NoContent, Admin(HttpMethod.Delete, "/_emulator/faults").StatusCode);
            Assert.False(Emulator.Faults.InspectsBodies);
            Assert.Equal(HttpStatusCode.OK, Delete("d-3", "d-4"));

            using var deleted = JsonDocument.Parse(await Admin(HttpMethod.Get, "/_emulator/deleted?scope=docs").Content.ReadAsStringAsync());
            Assert.Equal(new[] { "d-1", "d-2", "d-3", "d-4", "d-5" }, deleted.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetString()).ToArray());
            Assert.Empty(deleted.RootElement.GetProperty("deletedMoreThanOnce").EnumerateArray());
        }

        [Fact]
        public void A_fault_for_a_number_of_requests_is_used_up()
        {
            Assert.Equal(HttpStatusCode.NoContent, Admin(HttpMethod.Post, "/_emulator/faults", "{\"status\":503,\"path\":\"/vectors/delete\",\"times\":1}").StatusCode);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, Delete("d-1"));
            Assert.Equal(HttpStatusCode.OK, Delete("d-1"));
        }

        [Theory]
        [InlineData("{\"kind\":\"status\"}")]
        [InlineData("{\"kind\":\"explode\"}")]
        [InlineData("{\"kind\":\"delay\"}")]
        [InlineData("{\"status\":500,\"times\":0}")]
        [InlineData("[1]")]
        [InlineData("{not json")]
        public async Task A_bad_fault_description_is_refused_and_changes_nothing(string json)
        {
            var r = Admin(HttpMethod.Post, "/_emulator/faults", json);
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
            Assert.False(string.IsNullOrWhiteSpace(await r.Content.ReadAsStringAsync()));
            Assert.Equal(HttpStatusCode.OK, Delete("d-1"));
        }

        public void Dispose() => _fixture.Reset();
    }
}
