using System;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using VectorOps.Commands;
using VectorOps.Emulators.Infrastructure;
using VectorOps.Tests.Support;
using Xunit;

namespace VectorOps.Tests.Pinecone
{
    /// <summary>The validator itself: it sees the provider's traffic, and it fails a test on a request or response that breaks the document.</summary>
    public sealed class PrismValidationTests : PineconeTestBase
    {
        public PrismValidationTests(PineconeFixture fixture) : base(fixture) { }

        private static HttpRequestMessage Request(Uri baseUri, HttpMethod method, string path, string? json, string? version = "2026-04", string? key = PineconeFixture.Key)
        {
            var r = new HttpRequestMessage(method, new Uri(baseUri, path));
            if (key != null) r.Headers.Add("Api-Key", key);
            if (version != null) r.Headers.Add("X-Pinecone-Api-Version", version);
            if (json != null) r.Content = new StringContent(json, Encoding.UTF8, "application/json");
            return r;
        }

        [Fact]
        public void TheProvidersRequestsGoThroughPrism()
        {
            Emulator.Store.Seed("docs", Records("d-", 3));
            var mark = Fixture.Prism.Mark();
            using var connection = Fixture.Connect();
            var host = new RecordingHost();
            var command = new RemoveByIdsCommand(host, connection);
            command.Add(new[] { "d-000001" }, "docs");
            command.Complete();
            Fixture.Prism.Sync();
            Assert.Contains(Fixture.Prism.Log.Skip(mark), l => l.Contains("Forwarding \"post\" request to " + Emulator.BaseUri.GetLeftPart(UriPartial.Authority) + "/vectors/delete", StringComparison.Ordinal));
            AssertNoViolations();
        }

        [Fact]
        public async Task ARequestThatBreaksTheDocument_IsAViolation()
        {
            var mark = Fixture.Prism.Mark();
            using var client = new HttpClient();
            // ids must be an array.
            using var bad = await client.SendAsync(Request(Fixture.Prism.Uri, HttpMethod.Post, "/vectors/delete", "{\"ids\": \"a\", \"namespace\": \"x\"}"));
            Assert.Equal(422, (int)bad.StatusCode);
            // The version header is required.
            using var noVersion = await client.SendAsync(Request(Fixture.Prism.Uri, HttpMethod.Post, "/vectors/delete", "{\"ids\": [\"a\"]}", version: null));
            Assert.Equal(422, (int)noVersion.StatusCode);
            var ex = Assert.Throws<PrismViolationException>(() => Fixture.Prism.AssertNoViolations(mark));
            Assert.Contains("UNPROCESSABLE_ENTITY", ex.Message);
            Assert.Equal(2, Fixture.Prism.Violations(mark).Count);
            Assert.Equal(0, Journal.MutatingCalls); // Prism answered itself: nothing reached the emulator
        }

        [Fact]
        public async Task AMissingApiKey_IsRejectedByPrismAsTheDocumentRequiresIt()
        {
            var mark = Fixture.Prism.Mark();
            using var client = new HttpClient();
            using var r = await client.SendAsync(Request(Fixture.Prism.Uri, HttpMethod.Post, "/vectors/delete", "{\"deleteAll\": true}", key: null));
            Assert.Equal(401, (int)r.StatusCode);
            Fixture.Prism.Sync();
            Assert.Single(Fixture.Prism.Violations(mark), v => v.Type.EndsWith("#UNAUTHORIZED", StringComparison.Ordinal));
            Assert.Empty(Journal.Entries);
        }

        /// <summary>An emulator that answers list with a body the document forbids.</summary>
        private sealed class BrokenEmulator : EmulatorHost
        {
            public BrokenEmulator() : base("broken") { }
            protected override void MapRoutes(WebApplication app) =>
                app.MapGet("/vectors/list", context => context.Response.WriteAsJsonAsync(new { vectors = "not an array" }));
            protected override Task WriteErrorAsync(HttpContext context, int status, string message)
            {
                context.Response.StatusCode = status;
                return context.Response.WriteAsJsonAsync(new { code = 2, message, details = Array.Empty<object>() });
            }
        }

        [Fact]
        public async Task AResponseThatBreaksTheDocument_IsAViolation()
        {
            using var broken = new BrokenEmulator();
            broken.Start();
            using var prism = PrismProxy.Start(RepoPaths.Spec("pinecone-db_data_2026-04.oas.yaml"), broken.BaseUri);
            using var client = new HttpClient();
            using var r = await client.SendAsync(Request(prism.Uri, HttpMethod.Get, "/vectors/list?namespace=x", null));
            Assert.Equal(500, (int)r.StatusCode);
            Assert.True(r.Headers.Contains("sl-violations"));
            var ex = Assert.Throws<PrismViolationException>(() => prism.AssertNoViolations());
            Assert.Contains("#VIOLATIONS", ex.Message);
            Assert.Single(broken.Journal.Entries);
        }
    }
}
