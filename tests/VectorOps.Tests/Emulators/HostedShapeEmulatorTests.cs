using System;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using VectorOps.Emulators.Infrastructure;
using VectorOps.Emulators.Qdrant;
using VectorOps.Emulators.Weaviate;
using Xunit;

namespace VectorOps.Tests.EmulatorInfrastructure
{
    /// <summary>
    /// The emulator switches of the hosted service shapes (issue 19): the server's concurrency (requests beyond it wait,
    /// none is refused), latency and concurrency set through the admin path on Qdrant and Weaviate, and Weaviate's batch
    /// delete by a list of ids, looked up, answering exactly what the scan of every object answered.
    /// </summary>
    public sealed class HostedShapeEmulatorTests
    {
        /// <summary>An emulator whose one route waits until the test lets it go, and counts the requests inside it.</summary>
        private sealed class GateEmulator : EmulatorHost
        {
            private readonly TaskCompletionSource<bool> _release = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            private int _inside;

            public GateEmulator() : base("gate") { }

            public int Inside => Volatile.Read(ref _inside);

            public void Release() => _release.TrySetResult(true);

            protected override void MapRoutes(WebApplication app) => app.MapGet("/hold", async () =>
            {
                Interlocked.Increment(ref _inside);
                await _release.Task.ConfigureAwait(false);
                return "done";
            });

            protected override Task WriteErrorAsync(HttpContext context, int status, string message)
            {
                context.Response.StatusCode = status;
                return context.Response.WriteAsync(message);
            }
        }

        private static async Task WaitUntil(Func<bool> condition, string what)
        {
            for (var i = 0; i < 400 && !condition(); i++) await Task.Delay(50);
            Assert.True(condition(), what);
        }

        private static async Task Configure(HttpClient client, Uri baseUri, string json)
        {
            using var r = await client.PostAsync(new Uri(baseUri, "/_emulator/configure"), new StringContent(json, Encoding.UTF8, "application/json"));
            Assert.Equal(204, (int)r.StatusCode);
        }

        [Fact]
        public async Task MaxInFlight_serves_that_many_at_once_and_the_others_wait_their_turn_without_a_refusal()
        {
            await using var emulator = new GateEmulator();
            await emulator.StartAsync();
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
            await Configure(client, emulator.BaseUri, "{\"maxInFlight\":2}");
            Assert.Equal(2, emulator.MaxInFlight);

            var requests = Enumerable.Range(0, 5).Select(_ => client.GetAsync(new Uri(emulator.BaseUri, "/hold"))).ToArray();
            await WaitUntil(() => emulator.Inside == 2, "two requests reach the route");
            // The other three are queued, not answered: nothing has completed and no third one got in.
            await Task.Delay(300);
            Assert.Equal(2, emulator.Inside);
            Assert.All(requests, r => Assert.False(r.IsCompleted));

            emulator.Release();
            var answers = await Task.WhenAll(requests);
            Assert.All(answers, a => Assert.Equal(200, (int)a.StatusCode));
            Assert.Equal(5, emulator.Inside);
            Assert.Equal(2, emulator.PeakInFlight);
            var summary = JsonDocument.Parse(await client.GetStringAsync(new Uri(emulator.BaseUri, "/_emulator/journal"))).RootElement;
            Assert.Equal(2, summary.GetProperty("peakInFlight").GetInt32());
            Assert.Equal(5, summary.GetProperty("statuses").GetProperty("200").GetInt32());
        }

        [Fact]
        public async Task Without_MaxInFlight_every_request_is_served_at_once()
        {
            await using var emulator = new GateEmulator();
            await emulator.StartAsync();
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
            Assert.Equal(0, emulator.MaxInFlight);
            var requests = Enumerable.Range(0, 5).Select(_ => client.GetAsync(new Uri(emulator.BaseUri, "/hold"))).ToArray();
            await WaitUntil(() => emulator.Inside == 5, "all five requests reach the route at once");
            emulator.Release();
            Assert.All(await Task.WhenAll(requests), a => Assert.Equal(200, (int)a.StatusCode));
            Assert.Equal(5, emulator.PeakInFlight);
            Assert.Throws<ArgumentOutOfRangeException>(() => emulator.MaxInFlight = -1);
        }

        [Fact]
        public async Task Qdrant_and_Weaviate_take_latency_and_concurrency_through_the_admin_path()
        {
            await using var qdrant = new QdrantEmulator(null);
            await using var weaviate = new WeaviateEmulator();
            await qdrant.StartAsync();
            await weaviate.StartAsync();
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            foreach (var e in new EmulatorHost[] { qdrant, weaviate })
            {
                await Configure(client, e.BaseUri, "{\"latencyMs\":25,\"maxInFlight\":8}");
                Assert.Equal(TimeSpan.FromMilliseconds(25), e.Faults.AddedLatency);
                Assert.Equal(8, e.MaxInFlight);
                await Configure(client, e.BaseUri, "{\"maxInFlight\":0}");
                Assert.Equal(0, e.MaxInFlight);
            }
        }

        private static string U(int i) => "00000000-0000-4000-8000-" + i.ToString("x12", System.Globalization.CultureInfo.InvariantCulture);

        private static async Task<JsonElement> BatchDelete(HttpClient client, Uri baseUri, string className, string[] ids, bool dryRun = false)
        {
            var body = JsonSerializer.Serialize(new
            {
                match = new { @class = className, where = new { path = new[] { "id" }, @operator = "ContainsAny", valueTextArray = ids } },
                output = "verbose",
                dryRun,
            });
            using var request = new HttpRequestMessage(HttpMethod.Delete, new Uri(baseUri, "/v1/batch/objects")) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            using var response = await client.SendAsync(request);
            Assert.Equal(200, (int)response.StatusCode);
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        }

        [Fact]
        public async Task Weaviate_batch_delete_by_ids_keeps_the_limit_the_id_order_and_the_failures()
        {
            await using var weaviate = new WeaviateEmulator();
            weaviate.CreateClass("Docs", false, true, WeaviateEmulatorCommand.StandardProperties());
            weaviate.Put("Docs", null, Enumerable.Range(0, 10).Select(i => new WeaviateObject(U(i), new System.Collections.Generic.Dictionary<string, object?>(), null)));
            weaviate.QueryMaximumResults = 3;
            weaviate.FailingDeleteIds[U(2)] = "emulated failure";
            await weaviate.StartAsync();
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            // Unordered, upper case, a duplicate and an id that is not there: matched in id order, at most 3 a call.
            var asked = new[] { U(7), U(2).ToUpperInvariant(), U(5), U(1), U(99), U(5), U(8) };

            var preview = await BatchDelete(client, weaviate.BaseUri, "Docs", asked, dryRun: true);
            Assert.Equal(3, preview.GetProperty("results").GetProperty("matches").GetInt32());
            Assert.Equal(10, weaviate.Count("Docs", null));

            var first = (await BatchDelete(client, weaviate.BaseUri, "Docs", asked)).GetProperty("results");
            Assert.Equal(3, first.GetProperty("matches").GetInt32());
            Assert.Equal(3, first.GetProperty("limit").GetInt32());
            Assert.Equal(new[] { U(1), U(2), U(5) }, first.GetProperty("objects").EnumerateArray().Select(o => o.GetProperty("id").GetString()).ToArray());
            Assert.Equal(1, first.GetProperty("failed").GetInt32());
            Assert.Equal("FAILED", first.GetProperty("objects")[1].GetProperty("status").GetString());

            var second = (await BatchDelete(client, weaviate.BaseUri, "Docs", asked)).GetProperty("results");
            // U(2) failed and stays, so it matches again, first in order.
            Assert.Equal(new[] { U(2), U(7), U(8) }, second.GetProperty("objects").EnumerateArray().Select(o => o.GetProperty("id").GetString()).ToArray());

            Assert.True(weaviate.Contains("Docs", null, U(2)));
            foreach (var gone in new[] { 1, 5, 7, 8 }) Assert.False(weaviate.Contains("Docs", null, U(gone)));
            foreach (var kept in new[] { 0, 3, 4, 6, 9 }) Assert.True(weaviate.Contains("Docs", null, U(kept)));
            Assert.Equal(6, weaviate.Count("Docs", null));
        }
    }
}
