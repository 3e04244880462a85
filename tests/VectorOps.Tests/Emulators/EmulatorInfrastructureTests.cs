using System;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using VectorOps.Emulators.Infrastructure;
using Xunit;

namespace VectorOps.Tests.EmulatorInfrastructure
{
    /// <summary>The shared emulator host: fault switchboard, rate limit, journal, Prism fixture's failure mode.</summary>
    public sealed class EmulatorInfrastructureTests : IAsyncLifetime
    {
        private sealed class EchoEmulator : EmulatorHost
        {
            public EchoEmulator() : base("echo") { }

            protected override void MapRoutes(WebApplication app)
            {
                app.MapGet("/a", () => "a");
                app.MapGet("/b", () => "b");
                app.MapPost("/write", () => "written");
            }

            protected override Task WriteErrorAsync(HttpContext context, int status, string message)
            {
                context.Response.StatusCode = status;
                return context.Response.WriteAsync("error:" + message);
            }
        }

        private readonly EchoEmulator _emulator = new EchoEmulator();
        private readonly HttpClient _client = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };

        public Task InitializeAsync() => _emulator.StartAsync();

        public async Task DisposeAsync()
        {
            _client.Dispose();
            await _emulator.DisposeAsync();
        }

        private Task<HttpResponseMessage> Get(string path) => _client.GetAsync(new Uri(_emulator.BaseUri, path));

        [Fact]
        public async Task ListensOnLoopback_OnAFreePort()
        {
            Assert.Equal("127.0.0.1", _emulator.BaseUri.Host);
            Assert.NotEqual(0, _emulator.Port);
            Assert.Equal("a", await (await Get("/a")).Content.ReadAsStringAsync());
        }

        [Fact]
        public async Task NextRequests_Get429WithRetryAfter_ThenNormalService()
        {
            _emulator.Faults.NextRequests(2, Fault.TooManyRequests(TimeSpan.FromSeconds(2)));
            var first = await Get("/a");
            var second = await Get("/b");
            var third = await Get("/a");
            Assert.Equal(429, (int)first.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(2), first.Headers.RetryAfter?.Delta);
            Assert.Equal(429, (int)second.StatusCode);
            Assert.Equal(200, (int)third.StatusCode);
            Assert.Equal(new[] { 429, 429, 200 }, _emulator.Journal.Entries.Select(e => e.Status));
            Assert.Equal(2, _emulator.Faults.InjectedCount);
        }

        [Fact]
        public async Task OnPath_AffectsOnlyThatPath_ForTheGivenTimes()
        {
            _emulator.Faults.OnPath("/a", Fault.ServerError(), times: 1).OnPath("/b", Fault.Unavailable());
            Assert.Equal(500, (int)(await Get("/a")).StatusCode);
            Assert.Equal(200, (int)(await Get("/a")).StatusCode);
            Assert.Equal(503, (int)(await Get("/b")).StatusCode);
            Assert.Equal(503, (int)(await Get("/b")).StatusCode);
            _emulator.Faults.Clear();
            Assert.Equal(200, (int)(await Get("/b")).StatusCode);
        }

        [Fact]
        public async Task Reset_AbortsTheConnection()
        {
            _emulator.Faults.NextRequests(1, Fault.Reset());
            await Assert.ThrowsAsync<HttpRequestException>(() => Get("/a"));
            Assert.Equal(200, (int)(await Get("/a")).StatusCode);
            Assert.Equal("reset", _emulator.Journal.Entries[0].Fault);
            Assert.Equal(0, _emulator.Journal.Entries[0].Status);
        }

        [Fact]
        public async Task Hang_OutlastsTheClientTimeout()
        {
            _emulator.Faults.NextRequests(1, Fault.Hang(TimeSpan.FromSeconds(30)));
            using var impatient = new HttpClient { Timeout = TimeSpan.FromMilliseconds(300) };
            await Assert.ThrowsAnyAsync<TaskCanceledException>(() => impatient.GetAsync(new Uri(_emulator.BaseUri, "/a")));
            Assert.Equal(200, (int)(await Get("/a")).StatusCode);
        }

        [Fact]
        public async Task Delay_And_AddedLatency_StillServe()
        {
            _emulator.Faults.AddedLatency = TimeSpan.FromMilliseconds(10);
            _emulator.Faults.NextRequests(1, Fault.Latency(TimeSpan.FromMilliseconds(50)));
            Assert.Equal("a", await (await Get("/a")).Content.ReadAsStringAsync());
            Assert.StartsWith("delay", _emulator.Journal.Entries[0].Fault);
        }

        [Fact]
        public async Task RateLimit_Answers429WithRetryAfter_PerKey()
        {
            _emulator.Faults.RateLimit(0.5, 1, r => r.Path.Value);
            Assert.Equal(200, (int)(await Get("/a")).StatusCode);
            var limited = await Get("/a");
            Assert.Equal(429, (int)limited.StatusCode);
            Assert.True(limited.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
            Assert.Equal(200, (int)(await Get("/b")).StatusCode);
        }

        [Fact]
        public async Task Journal_CountsMutatingCalls_InArrivalOrder()
        {
            await Get("/a");
            await _client.PostAsync(new Uri(_emulator.BaseUri, "/write"), new StringContent("{}", Encoding.UTF8, "application/json"));
            await Get("/b");
            Assert.Equal(1, _emulator.Journal.MutatingCalls);
            Assert.Equal(new[] { 1L, 2L, 3L }, _emulator.Journal.Entries.Select(e => e.Sequence));
            Assert.Equal("/write", _emulator.Journal.Mutations.Single().Path);
            _emulator.Journal.RecordDeleted("ns", new[] { "x", "y" });
            _emulator.Journal.RecordDeleted("ns", new[] { "x" });
            Assert.Equal(new[] { "x" }, _emulator.Journal.DeletedMoreThanOnce("ns"));
            _emulator.Journal.Clear();
            Assert.Empty(_emulator.Journal.Entries);
        }

        [Fact]
        public async Task AdminPaths_SummariseTheJournal_AndReset_WithoutBeingJournaled()
        {
            await Get("/a");
            await _client.PostAsync(new Uri(_emulator.BaseUri, "/write"), new StringContent("{}", Encoding.UTF8, "application/json"));
            var summary = System.Text.Json.JsonDocument.Parse(await (await Get("/_emulator/journal")).Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(2, summary.GetProperty("requests").GetInt32());
            Assert.Equal(1, summary.GetProperty("mutatingCalls").GetInt32());
            var reset = await _client.PostAsync(new Uri(_emulator.BaseUri, "/_emulator/reset"), null);
            Assert.Equal(204, (int)reset.StatusCode);
            Assert.Empty(_emulator.Journal.Entries);
        }

        [Fact]
        public async Task AdminConfigure_SetsLatencyAndJournalRecording_AndSeedIsRefusedWhereUnsupported()
        {
            var configure = await _client.PostAsync(new Uri(_emulator.BaseUri, "/_emulator/configure"),
                new StringContent("{\"latencyMs\":30,\"recordDeletedIds\":false}", Encoding.UTF8, "application/json"));
            Assert.Equal(204, (int)configure.StatusCode);
            Assert.Equal(TimeSpan.FromMilliseconds(30), _emulator.Faults.AddedLatency);
            Assert.False(_emulator.Journal.RecordDeletedIds);
            var notObject = await _client.PostAsync(new Uri(_emulator.BaseUri, "/_emulator/configure"), new StringContent("[]", Encoding.UTF8, "application/json"));
            Assert.Equal(400, (int)notObject.StatusCode);
            var seed = await _client.PostAsync(new Uri(_emulator.BaseUri, "/_emulator/seed"), new StringContent("a\nb\n", Encoding.UTF8, "text/plain"));
            Assert.Equal(501, (int)seed.StatusCode);

            await Get("/a");
            var summary = System.Text.Json.JsonDocument.Parse(await (await Get("/_emulator/journal")).Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(1, summary.GetProperty("statuses").GetProperty("200").GetInt32());
            Assert.Equal(System.Text.Json.JsonValueKind.Null, summary.GetProperty("records").ValueKind);
        }

        [Fact]
        public void Prism_NotInstalled_FailsLoudlyWithTheInstallCommand()
        {
            var missing = Path.Combine(Path.GetTempPath(), "no-prism-here", "prism");
            var ex = Assert.Throws<PrismNotInstalledException>(() =>
                PrismProxy.Start(RepoPaths.Spec("pinecone-db_data_2026-04.oas.yaml"), _emulator.BaseUri, prismExecutable: missing));
            Assert.Contains("npm ci", ex.Message);
            Assert.Contains("tools", ex.Message);
        }

        [Fact]
        public void RepoPaths_FindTheSolutionAndTheSpecs()
        {
            Assert.True(File.Exists(Path.Combine(RepoPaths.RepoRoot, "VectorOps.sln")));
            Assert.True(File.Exists(RepoPaths.Spec("pinecone-db_data_2026-04.oas.yaml")));
            Assert.Throws<FileNotFoundException>(() => RepoPaths.Spec("no-such-spec.yaml"));
        }
    }
}
