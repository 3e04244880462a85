using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using VectorOps.Emulators.Infrastructure;
using VectorOps.Emulators.Pinecone;
using Xunit;

namespace VectorOps.Tests.Pinecone
{
    /// <summary>
    /// The emulator's own rules, talked to directly (Prism would answer some of these itself, and cannot check
    /// others: the document's array limits are written as minLength/maxLength, which do not apply to arrays).
    /// </summary>
    public sealed class PineconeEmulatorTests : IAsyncLifetime
    {
        private const string Key = "emulator-test-key";
        private readonly PineconeEmulator _emulator = new PineconeEmulator(new PineconeEmulatorOptions { ApiKey = Key });
        private readonly HttpClient _client = new HttpClient();

        public Task InitializeAsync() => _emulator.StartAsync();

        public async Task DisposeAsync()
        {
            _client.Dispose();
            await _emulator.DisposeAsync();
        }

        private async Task<(int Status, JsonElement Body, HttpResponseMessage Response)> Send(HttpMethod method, string path, object? body = null,
            string? version = "2026-04", string? key = Key)
        {
            var r = new HttpRequestMessage(method, new Uri(_emulator.BaseUri, path));
            if (key != null) r.Headers.Add("Api-Key", key);
            if (version != null) r.Headers.Add("X-Pinecone-Api-Version", version);
            if (body != null) r.Content = new StringContent(body as string ?? JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
            var response = await _client.SendAsync(r);
            var text = await response.Content.ReadAsStringAsync();
            var json = text.Length > 0 && text.TrimStart().StartsWith("{", StringComparison.Ordinal) ? JsonDocument.Parse(text).RootElement.Clone() : default;
            return ((int)response.StatusCode, json, response);
        }

        private void Seed(string ns, int count, string prefix = "id-") =>
            _emulator.Store.Seed(ns, Enumerable.Range(0, count).Select(i => new PineconeRecord(prefix + i.ToString("D5"))
            {
                Values = new float[] { 1, 0, 0, 0 },
                Metadata = new Dictionary<string, object?> { ["i"] = (long)i },
            }));

        private static void AssertRpcError(int expectedStatus, int expectedCode, (int Status, JsonElement Body, HttpResponseMessage _) r)
        {
            Assert.Equal(expectedStatus, r.Status);
            Assert.Equal(expectedCode, r.Body.GetProperty("code").GetInt32());
            Assert.False(string.IsNullOrEmpty(r.Body.GetProperty("message").GetString()));
            Assert.Equal(JsonValueKind.Array, r.Body.GetProperty("details").ValueKind);
        }

        [Fact]
        public async Task Delete_MoreThan1000Ids_Is400_AndDeletesNothing()
        {
            Seed("ns", 1001);
            var r = await Send(HttpMethod.Post, "/vectors/delete", new { ids = Enumerable.Range(0, 1001).Select(i => "id-" + i.ToString("D5")), @namespace = "ns" });
            AssertRpcError(400, 3, r);
            Assert.Equal(1001, _emulator.Store.CountIn("ns"));
            var ok = await Send(HttpMethod.Post, "/vectors/delete", new { ids = Enumerable.Range(0, 1000).Select(i => "id-" + i.ToString("D5")), @namespace = "ns" });
            Assert.Equal(200, ok.Status);
            Assert.Equal(1, _emulator.Store.CountIn("ns"));
        }

        [Theory]
        [InlineData(513)]
        [InlineData(0)]
        public async Task Delete_AnIdOutside1To512Characters_Is400(int length)
        {
            var r = await Send(HttpMethod.Post, "/vectors/delete", new { ids = new[] { "ok", new string('a', length) } });
            AssertRpcError(400, 3, r);
            Assert.Equal(0, _emulator.Journal.DeletedCount);
        }

        [Fact]
        public async Task Delete_ANonAsciiId_Is400()
        {
            AssertRpcError(400, 3, await Send(HttpMethod.Post, "/vectors/delete", new { ids = new[] { "naïve" } }));
        }

        [Fact]
        public async Task Write_WithoutTheVersionHeader_IsRejected_AndAnUnknownVersionToo()
        {
            Seed("__default__", 3);
            AssertRpcError(400, 3, await Send(HttpMethod.Post, "/vectors/delete", new { deleteAll = true }, version: null));
            AssertRpcError(400, 3, await Send(HttpMethod.Post, "/vectors/delete", new { deleteAll = true }, version: "2024-07"));
            Assert.Equal(3, _emulator.Store.CountIn("__default__"));
        }

        [Fact]
        public async Task Request_WithoutOrWithAWrongKey_Is401()
        {
            AssertRpcError(401, 16, await Send(HttpMethod.Post, "/describe_index_stats", new { }, key: null));
            AssertRpcError(401, 16, await Send(HttpMethod.Post, "/describe_index_stats", new { }, key: "nope"));
        }

        [Theory]
        [InlineData("{\"namespace\": \"ns\"}")]
        [InlineData("{\"ids\": [\"a\"], \"deleteAll\": true}")]
        [InlineData("{\"ids\": [\"a\"], \"filter\": {\"g\": \"x\"}}")]
        [InlineData("{\"filter\": {}}")]
        [InlineData("{\"ids\": []}")]
        [InlineData("{\"deleteAll\": false}")]
        public async Task Delete_NeedsExactlyOneOfIdsDeleteAllFilter(string body)
        {
            Seed("ns", 3);
            Seed("__default__", 3);
            AssertRpcError(400, 3, await Send(HttpMethod.Post, "/vectors/delete", body));
            Assert.Equal(0, _emulator.Journal.DeletedCount);
        }

        [Fact]
        public async Task Delete_ByFilter_WorksOn202604_AndIsRejectedOn202510()
        {
            Seed("ns", 10);
            var legacy = await Send(HttpMethod.Post, "/vectors/delete", "{\"filter\": {\"i\": {\"$lt\": 3}}, \"namespace\": \"ns\"}", version: "2025-10");
            AssertRpcError(400, 3, legacy);
            Assert.Contains("metadata filtering", legacy.Body.GetProperty("message").GetString());
            var r = await Send(HttpMethod.Post, "/vectors/delete", "{\"filter\": {\"i\": {\"$lt\": 3}}, \"namespace\": \"ns\"}");
            Assert.Equal(200, r.Status);
            Assert.Equal(new[] { "id-00000", "id-00001", "id-00002" }, _emulator.Journal.DeletedIds("ns").OrderBy(x => x));
        }

        [Fact]
        public async Task List_PagesOf100_InBitwiseOrder_WithATokenUntilTheEnd()
        {
            Seed("ns", 250, "doc#");
            Seed("ns", 5, "do#");
            var ids = new List<string>();
            string? token = null;
            var pages = 0;
            do
            {
                var r = await Send(HttpMethod.Get, "/vectors/list?namespace=ns&prefix=doc%23" + (token is null ? "" : "&paginationToken=" + Uri.EscapeDataString(token)));
                Assert.Equal(200, r.Status);
                Assert.True(r.Response.Headers.Contains(PineconeEmulator.MaxIndexedLsnHeader));
                var page = r.Body.GetProperty("vectors").EnumerateArray().Select(v => v.GetProperty("id").GetString()!).ToList();
                Assert.True(page.Count <= 100);
                ids.AddRange(page);
                token = r.Body.TryGetProperty("pagination", out var p) ? p.GetProperty("next").GetString() : null;
                pages++;
            } while (token != null);
            Assert.Equal(3, pages);
            Assert.Equal(Enumerable.Range(0, 250).Select(i => "doc#" + i.ToString("D5")), ids);
            AssertRpcError(400, 3, await Send(HttpMethod.Get, "/vectors/list?namespace=ns&limit=101"));
        }

        [Fact]
        public async Task Upsert_Limits_AreEnforced()
        {
            object Vec(string id, int dims) => new { id, values = Enumerable.Repeat(0.5f, dims) };
            AssertRpcError(400, 3, await Send(HttpMethod.Post, "/vectors/upsert", new { vectors = Enumerable.Range(0, 1001).Select(i => Vec("v" + i, 4)) }));
            AssertRpcError(400, 3, await Send(HttpMethod.Post, "/vectors/upsert", new { vectors = new[] { Vec("v", 3) } }));
            AssertRpcError(400, 3, await Send(HttpMethod.Post, "/vectors/upsert", new { vectors = new[] { Vec(new string('x', 513), 4) } }));
            var big = new string('m', 30_000);
            AssertRpcError(400, 3, await Send(HttpMethod.Post, "/vectors/upsert",
                new { vectors = Enumerable.Range(0, 80).Select(i => new { id = "b" + i, values = new[] { 1f, 0, 0, 0 }, metadata = new { text = big } }) }));
            AssertRpcError(400, 3, await Send(HttpMethod.Post, "/vectors/upsert", "{\"vectors\": [{\"id\": \"n\", \"values\": [1,0,0,0], \"metadata\": {\"nested\": {\"a\": 1}}}]}"));
            Assert.Equal(0, _emulator.Store.All.Sum(ns => ns.Records.Count));
            var ok = await Send(HttpMethod.Post, "/vectors/upsert", new { vectors = new[] { Vec("v", 4) }, @namespace = "n1" });
            Assert.Equal(200, ok.Status);
            Assert.Equal(1, ok.Body.GetProperty("upsertedCount").GetInt32());
        }

        [Fact]
        public async Task Lsns_ArePerNamespace_AndTheIndexedLsnLagsWhileHeld()
        {
            Seed("a", 5);
            Seed("b", 5);
            long Lsn(HttpResponseMessage m, string h) => long.Parse(m.Headers.GetValues(h).Single());
            var a1 = await Send(HttpMethod.Post, "/vectors/delete", new { ids = new[] { "id-00000" }, @namespace = "a" });
            var a2 = await Send(HttpMethod.Post, "/vectors/delete", new { ids = new[] { "id-00001" }, @namespace = "a" });
            var b1 = await Send(HttpMethod.Post, "/vectors/delete", new { ids = new[] { "id-00000" }, @namespace = "b" });
            Assert.Equal(Lsn(a1.Response, PineconeEmulator.RequestLsnHeader) + 1, Lsn(a2.Response, PineconeEmulator.RequestLsnHeader));
            Assert.Equal(1, Lsn(b1.Response, PineconeEmulator.RequestLsnHeader));

            _emulator.Store.HoldIndexing();
            var a3 = await Send(HttpMethod.Post, "/vectors/delete", new { ids = new[] { "id-00002" }, @namespace = "a" });
            var q = await Send(HttpMethod.Post, "/query", new { @namespace = "a", topK = 1, vector = new[] { 1f, 0, 0, 0 } });
            Assert.True(Lsn(q.Response, PineconeEmulator.MaxIndexedLsnHeader) < Lsn(a3.Response, PineconeEmulator.RequestLsnHeader));
            _emulator.Store.ReleaseIndexing();
            q = await Send(HttpMethod.Post, "/query", new { @namespace = "a", topK = 1, vector = new[] { 1f, 0, 0, 0 } });
            Assert.Equal(Lsn(a3.Response, PineconeEmulator.RequestLsnHeader), Lsn(q.Response, PineconeEmulator.MaxIndexedLsnHeader));
        }

        [Fact]
        public async Task Update_DryRunByFilter_CountsWithoutChanging_AndIdWithFilterIsRejected()
        {
            Seed("ns", 20);
            var r = await Send(HttpMethod.Post, "/vectors/update", "{\"namespace\": \"ns\", \"filter\": {\"i\": {\"$gte\": 15}}, \"dryRun\": true, \"setMetadata\": {}}");
            Assert.Equal(200, r.Status);
            Assert.Equal(5, r.Body.GetProperty("matchedRecords").GetInt32());
            Assert.False(r.Response.Headers.Contains(PineconeEmulator.RequestLsnHeader));
            Assert.Equal(0, _emulator.Journal.MutatingCalls);
            AssertRpcError(400, 3, await Send(HttpMethod.Post, "/vectors/update", "{\"namespace\": \"ns\", \"id\": \"id-00001\", \"filter\": {\"i\": 1}, \"dryRun\": true}"));
            AssertRpcError(400, 3, await Send(HttpMethod.Post, "/vectors/update", "{\"namespace\": \"ns\", \"filter\": {\"i\": 1}}"));
        }

        [Fact]
        public async Task DeleteRate_PerNamespace_Answers429WithRetryAfter()
        {
            await using var limited = new PineconeEmulator(new PineconeEmulatorOptions { ApiKey = Key, DeleteRequestsPerSecondPerNamespace = 1, DeleteBurst = 2 });
            await limited.StartAsync();
            var statuses = new List<int>();
            string? retryAfter = null;
            foreach (var ns in new[] { "a", "a", "a", "a", "b" })
            {
                var req = new HttpRequestMessage(HttpMethod.Post, new Uri(limited.BaseUri, "/vectors/delete"))
                {
                    Content = new StringContent("{\"ids\": [\"x\"], \"namespace\": \"" + ns + "\"}", Encoding.UTF8, "application/json"),
                };
                req.Headers.Add("Api-Key", Key);
                req.Headers.Add("X-Pinecone-Api-Version", "2026-04");
                using var res = await _client.SendAsync(req);
                statuses.Add((int)res.StatusCode);
                if ((int)res.StatusCode == 429) retryAfter ??= res.Headers.RetryAfter?.Delta?.TotalSeconds.ToString();
            }
            Assert.Equal(new[] { 200, 200 }, statuses.Take(2));
            Assert.Contains(429, statuses.Skip(2).Take(2));
            Assert.Equal(200, statuses[4]); // another namespace has its own budget
            Assert.Equal("1", retryAfter);
        }

        [Fact]
        public async Task Namespaces_ListDescribeDelete()
        {
            Seed("a", 2);
            Seed("b", 3);
            var list = await Send(HttpMethod.Get, "/namespaces?limit=1");
            Assert.Equal("a", list.Body.GetProperty("namespaces")[0].GetProperty("name").GetString());
            Assert.Equal(2, list.Body.GetProperty("namespaces")[0].GetProperty("record_count").GetInt32());
            var next = list.Body.GetProperty("pagination").GetProperty("next").GetString();
            var page2 = await Send(HttpMethod.Get, "/namespaces?limit=1&paginationToken=" + Uri.EscapeDataString(next!));
            Assert.Equal("b", page2.Body.GetProperty("namespaces")[0].GetProperty("name").GetString());
            Assert.False(page2.Body.TryGetProperty("pagination", out _));
            Assert.Equal(3, (await Send(HttpMethod.Get, "/namespaces/b")).Body.GetProperty("record_count").GetInt32());
            Assert.Equal(200, (await Send(HttpMethod.Delete, "/namespaces/b")).Status);
            AssertRpcError(404, 5, await Send(HttpMethod.Get, "/namespaces/b"));
            AssertRpcError(404, 5, await Send(HttpMethod.Delete, "/namespaces/b"));
            Assert.Equal(3, _emulator.Journal.DeletedIds("b").Count);
        }

        [Fact]
        public void RunsAsAProgram_PrintingItsUri()
        {
            var config = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
            var dll = Path.Combine(RepoPaths.RepoRoot, "tests", "VectorOps.Emulators", "bin", config, "net10.0", "VectorOps.Emulators.dll");
            Assert.True(File.Exists(dll), dll);
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
            foreach (var a in new[] { dll, "pinecone", "--port", "0", "--api-key", "k1" }) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            try
            {
                var line = p.StandardOutput.ReadLine();
                Assert.NotNull(line);
                var uri = new Uri(line!);
                Assert.Equal("127.0.0.1", uri.Host);
                var req = new HttpRequestMessage(HttpMethod.Post, new Uri(uri, "/describe_index_stats")) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
                req.Headers.Add("Api-Key", "k1");
                req.Headers.Add("X-Pinecone-Api-Version", "2026-04");
                using var res = _client.Send(req);
                Assert.Equal(200, (int)res.StatusCode);
                p.StandardInput.Close(); // closing stdin stops it
                Assert.True(p.WaitForExit(15000));
                Assert.Equal(0, p.ExitCode);
            }
            finally
            {
                if (!p.HasExited) p.Kill(entireProcessTree: true);
            }
        }

        [Fact]
        public async Task Admin_seed_and_configure_load_ids_and_set_the_delete_limit_and_latency()
        {
            var seed = await _client.PostAsync(new Uri(_emulator.BaseUri, "/_emulator/seed?namespace=bulk"),
                new StringContent("a-1\na-2\n\na-3\n", Encoding.UTF8, "text/plain"));
            Assert.Equal(200, (int)seed.StatusCode);
            Assert.Equal(new[] { "a-1", "a-2", "a-3" }, _emulator.Store.IdsIn("bulk"));

            var configure = await _client.PostAsync(new Uri(_emulator.BaseUri, "/_emulator/configure"),
                new StringContent("{\"deleteRps\":1,\"deleteBurst\":1,\"latencyMs\":5}", Encoding.UTF8, "application/json"));
            Assert.Equal(204, (int)configure.StatusCode);
            Assert.Equal(1, _emulator.Options.DeleteRequestsPerSecondPerNamespace);
            Assert.Equal(TimeSpan.FromMilliseconds(5), _emulator.Faults.AddedLatency);
            Assert.Equal(200, (await Send(HttpMethod.Post, "/vectors/delete", new { ids = new[] { "a-1" }, @namespace = "bulk" })).Status);
            var limited = await Send(HttpMethod.Post, "/vectors/delete", new { ids = new[] { "a-2" }, @namespace = "bulk" });
            AssertRpcError(429, 8, limited);

            var summary = JsonDocument.Parse(await _client.GetStringAsync(new Uri(_emulator.BaseUri, "/_emulator/journal"))).RootElement;
            Assert.Equal(2, summary.GetProperty("records").GetInt64());
            Assert.Equal(1, summary.GetProperty("statuses").GetProperty("429").GetInt32());
            Assert.Equal(2, summary.GetProperty("idsSent").GetInt64());
        }

        [Fact]
        public async Task Deleted_ids_never_come_back_in_lists_queries_or_deleteAll_and_can_be_written_again()
        {
            Seed("ns", 3000);
            // More deletes than the set's rebuild threshold, and fewer: both paths of the stale-entry bookkeeping.
            var gone = Enumerable.Range(0, 3000).Where(i => i % 3 != 0).Select(i => "id-" + i.ToString("D5")).ToList();
            for (var i = 0; i < gone.Count; i += 1000)
                Assert.Equal(200, (await Send(HttpMethod.Post, "/vectors/delete", new { ids = gone.Skip(i).Take(1000).ToArray(), @namespace = "ns" })).Status);
            var kept = Enumerable.Range(0, 3000).Where(i => i % 3 == 0).Select(i => "id-" + i.ToString("D5")).ToList();
            Assert.Equal(kept, _emulator.Store.IdsIn("ns"));

            var listed = new List<string>();
            string? token = null;
            do
            {
                var page = await Send(HttpMethod.Get, "/vectors/list?namespace=ns&prefix=id-01&limit=100" + (token is null ? "" : "&paginationToken=" + Uri.EscapeDataString(token)));
                Assert.Equal(200, page.Status);
                listed.AddRange(page.Body.GetProperty("vectors").EnumerateArray().Select(v => v.GetProperty("id").GetString()!));
                token = page.Body.TryGetProperty("pagination", out var p) ? p.GetProperty("next").GetString() : null;
            } while (token != null);
            Assert.Equal(kept.Where(id => id.StartsWith("id-01", StringComparison.Ordinal)), listed);

            // One more delete (under the threshold again), then a write of a deleted id brings exactly it back.
            Assert.Equal(200, (await Send(HttpMethod.Post, "/vectors/delete", new { ids = new[] { "id-00000" }, @namespace = "ns" })).Status);
            Assert.Equal(200, (await Send(HttpMethod.Post, "/vectors/upsert", new { vectors = new[] { new { id = "id-00001", values = new[] { 1f, 0, 0, 0 } } }, @namespace = "ns" })).Status);
            var now = _emulator.Store.IdsIn("ns");
            Assert.Equal(kept.Count, now.Count);
            Assert.Contains("id-00001", now);
            Assert.DoesNotContain("id-00000", now);
            var top = await Send(HttpMethod.Post, "/query", new { @namespace = "ns", topK = 5000, vector = new[] { 1f, 0, 0, 0 } });
            Assert.Equal(kept.Count, top.Body.GetProperty("matches").GetArrayLength());

            Assert.Equal(200, (await Send(HttpMethod.Post, "/vectors/delete", new { deleteAll = true, @namespace = "ns" })).Status);
            Assert.Empty(_emulator.Store.IdsIn("ns"));
        }
    }
}
