using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using VectorOps.Commands;
using VectorOps.Emulators.Infrastructure;
using VectorOps.Emulators.Pinecone;
using VectorOps.Errors;
using VectorOps.Filtering;
using VectorOps.Hosting;
using VectorOps.Model;
using VectorOps.Providers;
using VectorOps.Security;
using VectorOps.Tests.Support;
using Xunit;

namespace VectorOps.Tests.Pinecone
{
    /// <summary>Error bodies mapped to stable ids and categories; which answers are retried, how often; the key never shown.</summary>
    public sealed class PineconeErrorTests : PineconeTestBase
    {
        public PineconeErrorTests(PineconeFixture fixture) : base(fixture) { }

        private (RecordingHost Host, VectorMutation Mutation) DeleteOne(int? maxAttempts, string id = "d-000001")
        {
            // The namespace must exist: a delete in a namespace the index does not have is NamespaceNotFound.
            if (Emulator.Store.CountIn("docs") == 0) Emulator.Store.Seed("docs", Records("seed-", 1));
            using var connection = Fixture.Connect(maxAttempts: maxAttempts);
            var host = new RecordingHost();
            var command = new RemoveByIdsCommand(host, connection);
            command.Add(new[] { id }, "docs");
            command.Complete();
            return (host, Assert.Single(host.Mutations));
        }

        [Theory]
        [InlineData(400, ErrorIds.ProviderBadRequest, VectorOpsErrorCategory.InvalidArgument, "INVALID_ARGUMENT")]
        [InlineData(401, ErrorIds.ProviderAuthenticationFailed, VectorOpsErrorCategory.PermissionDenied, "UNAUTHENTICATED")]
        [InlineData(403, ErrorIds.ProviderPermissionDenied, VectorOpsErrorCategory.PermissionDenied, "PERMISSION_DENIED")]
        [InlineData(404, ErrorIds.ProviderNotFound, VectorOpsErrorCategory.ObjectNotFound, "NOT_FOUND")]
        [InlineData(409, ErrorIds.ProviderConflict, VectorOpsErrorCategory.ResourceExists, "ALREADY_EXISTS")]
        [InlineData(429, ErrorIds.ProviderRateLimited, VectorOpsErrorCategory.LimitsExceeded, "RESOURCE_EXHAUSTED")]
        [InlineData(500, ErrorIds.ProviderServerError, VectorOpsErrorCategory.ResourceUnavailable, "INTERNAL")]
        [InlineData(503, ErrorIds.ProviderServerError, VectorOpsErrorCategory.ResourceUnavailable, "UNAVAILABLE")]
        public void ErrorBody_MapsToAStableIdAndCategory(int status, string errorId, VectorOpsErrorCategory category, string code)
        {
            Emulator.Store.Seed("docs", Records("d-", 3));
            Emulator.Faults.OnPath("/vectors/delete", Fault.Status(status));
            var (host, m) = DeleteOne(maxAttempts: 1);

            Assert.Equal(MutationStatus.Failed, m.Status);
            Assert.Equal(errorId, m.ErrorId);
            var error = Assert.Single(host.Errors);
            Assert.Equal(errorId, error.ErrorId);
            Assert.Equal(category, error.Category);
            var ex = Assert.IsType<VectorOpsException>(error.Exception);
            Assert.Equal(status, ex.StatusCode);
            Assert.Equal(code, ex.ProviderCode);
            Assert.Same(m, ex.Mutation);
            Assert.Equal(1, m.Attempts);
            Assert.Single(Journal.Of("delete"));
            Assert.Equal(3, Emulator.Store.CountIn("docs"));
            AssertNoViolations();
        }

        [Fact]
        public void WrongKey_Is401FromTheService_PermissionDenied_WithAHint()
        {
            Emulator.Store.Seed("docs", Records("d-", 3));
            var s = Fixture.Settings(key: "pcsk_wrong_0000000000000000");
            using var connection = ConnectCommand.Connect(s, makeDefault: false);
            var host = new RecordingHost();
            var ex = Assert.Throws<VectorOpsException>(() => new GetNamespacesCommand(host, connection).Execute());
            Assert.Equal(ErrorIds.ProviderAuthenticationFailed, ex.ErrorId);
            Assert.Equal(VectorOpsErrorCategory.PermissionDenied, ex.Category);
            Assert.Contains("Invalid API Key", ex.Message);
            Assert.Contains("PINECONE_API_KEY", ex.Message);
            Assert.DoesNotContain("pcsk_wrong_0000000000000000", ex.Message);
            AssertNoViolations();
        }

        [Fact]
        public void PlainText401_IsMappedToo()
        {
            // The service may answer 401 as text/plain, which the document does not allow (Prism would turn it
            // into a violation), so this one test talks to a separate emulator directly.
            using var emulator = new PineconeEmulator(new PineconeEmulatorOptions { ApiKey = "the-right-key", PlainText401 = true });
            emulator.Start();
            var s = new ConnectionSettings { Provider = "Pinecone", ["IndexHost"] = emulator.BaseUri, Credential = Secret.FromPlainText("pcsk_other_key_0123456789"), MaxAttempts = 1 };
            using var connection = ConnectCommand.Connect(s, makeDefault: false);
            var ex = Assert.Throws<VectorOpsException>(() => connection.ProviderInstance.GetStatsAsync(default).GetAwaiter().GetResult());
            Assert.Equal(ErrorIds.ProviderAuthenticationFailed, ex.ErrorId);
            Assert.Contains("Invalid API Key", ex.Message);
            Assert.Null(ex.ProviderCode);
        }

        [Fact]
        public void Retry_429WithRetryAfter_IsRetriedAndCounted()
        {
            Emulator.Store.Seed("docs", Records("d-", 3));
            Emulator.Faults.OnPath("/vectors/delete", Fault.TooManyRequests(TimeSpan.FromSeconds(1)), times: 2);
            var (host, m) = DeleteOne(maxAttempts: 4);
            Assert.Empty(host.Errors);
            Assert.Equal(MutationStatus.Acknowledged, m.Status);
            Assert.Equal(3, m.Attempts);
            var deletes = Journal.Of("delete");
            Assert.Equal(new[] { 429, 429, 200 }, deletes.Select(d => d.Status));
            Assert.Equal(new[] { "d-000001" }, Journal.DeletedIds("docs"));
            Assert.Contains(host.Verbose, v => v.Contains("after 3 attempt(s)", StringComparison.Ordinal));
            AssertNoViolations();
        }

        [Theory]
        [InlineData(500)]
        [InlineData(503)]
        public void Retry_5xx_IsRetriedAndCounted(int status)
        {
            Emulator.Store.Seed("docs", Records("d-", 3));
            Emulator.Faults.OnPath("/vectors/delete", Fault.Status(status), times: 2);
            var (host, m) = DeleteOne(maxAttempts: 4);
            Assert.Empty(host.Errors);
            Assert.Equal(3, m.Attempts);
            Assert.Equal(new[] { status, status, 200 }, Journal.Of("delete").Select(d => d.Status));
            AssertNoViolations();
        }

        [Fact]
        public void Retry_IsBounded()
        {
            Emulator.Store.Seed("docs", Records("d-", 3));
            Emulator.Faults.OnPath("/vectors/delete", Fault.Unavailable());
            var (host, m) = DeleteOne(maxAttempts: 3);
            Assert.Equal(MutationStatus.Failed, m.Status);
            Assert.Equal(3, m.Attempts);
            Assert.Equal(3, Journal.Count("delete"));
            var ex = Assert.IsType<VectorOpsException>(Assert.Single(host.Errors).Exception);
            Assert.True(ex.IsTransient);
            Assert.Equal(3, ex.Attempts);
            Assert.Equal(3, Emulator.Store.CountIn("docs"));
            AssertNoViolations();
        }

        [Theory]
        [InlineData(400)]
        [InlineData(403)]
        [InlineData(404)]
        [InlineData(409)]
        public void Retry_NeverFor4xxOtherThan408And429(int status)
        {
            Emulator.Faults.OnPath("/vectors/delete", Fault.Status(status), times: 1);
            var (_, m) = DeleteOne(maxAttempts: 4);
            Assert.Equal(MutationStatus.Failed, m.Status);
            Assert.Equal(1, m.Attempts);
            Assert.Equal(1, Journal.Count("delete"));
            AssertNoViolations();
        }

        [Fact]
        public void Retry_AConnectionResetMidRequest_IsRetried()
        {
            // Through Prism a reset reaches the client as Prism's 500 (an upstream failure, not a violation).
            Emulator.Store.Seed("docs", Records("d-", 3));
            var mark = Fixture.Prism.Mark();
            Emulator.Faults.OnPath("/vectors/delete", Fault.Reset(), times: 1);
            var (host, m) = DeleteOne(maxAttempts: 3);
            Assert.Empty(host.Errors);
            Assert.Equal(2, m.Attempts);
            Assert.Equal(new[] { 0, 200 }, Journal.Of("delete").Select(d => d.Status));
            Fixture.Prism.Sync();
            Assert.Single(Fixture.Prism.UpstreamFailures(mark));
            AssertNoViolations();
        }

        [Fact]
        public void Retry_ARequestThatHangsPastTheTimeout_IsRetried()
        {
            Emulator.Store.Seed("docs", Records("d-", 3));
            Emulator.Faults.OnPath("/vectors/delete", Fault.Hang(TimeSpan.FromSeconds(3)), times: 1);
            var s = Fixture.Settings(maxAttempts: 3);
            s.RequestTimeout = TimeSpan.FromMilliseconds(700);
            using var connection = ConnectCommand.Connect(s, makeDefault: false);
            var host = new RecordingHost();
            var command = new RemoveByIdsCommand(host, connection);
            command.Add(new[] { "d-000002" }, "docs");
            command.Complete();
            Assert.Empty(host.Errors);
            Assert.Equal(2, Assert.Single(host.Mutations).Attempts);
            Assert.Equal(new[] { "d-000002" }, Journal.DeletedIds("docs"));
            AssertNoViolations();
        }

        [Fact]
        public void RateLimitedByTheService_UnderConcurrency_EveryIdIsDeletedOnce()
        {
            // A token bucket in front of deletes (5/s, burst 5) while 8 batches are sent at once: 429s with
            // Retry-After, retried until each batch goes through.
            Emulator.Store.Seed("docs", Records("d-", 800));
            Emulator.Faults.RateLimit(5, 5, r => r.Path.Value == "/vectors/delete" ? "delete" : null);
            var s = Fixture.Settings(maxAttempts: 6);
            using var connection = ConnectCommand.Connect(s, makeDefault: false);
            var host = new RecordingHost();
            var command = new RemoveByIdsCommand(host, connection, new RemoveOptions { BatchSize = 100, ThrottleLimit = 8 });
            command.Add(Enumerable.Range(0, 800).Select(i => "d-" + i.ToString("D6")), "docs");
            command.Complete();
            Assert.Empty(host.Errors);
            Assert.Equal(8, host.Mutations.Count());
            Assert.Equal(800, Journal.DeletedIds("docs").Count);
            Assert.Empty(Journal.DeletedMoreThanOnce("docs"));
            Assert.Contains(Journal.Of("delete"), d => d.Status == 429);
            Assert.Equal(Journal.Of("delete").Count, host.Mutations.Sum(m => m.Attempts));
            AssertNoViolations();
        }

        [Fact]
        public void TheKey_AppearsInNoOutput_AcrossASession()
        {
            var key = PineconeFixture.Key;
            var traces = new List<string>();
            Emulator.Store.Seed("docs", Records("d-", 400, i => new Dictionary<string, object?> { ["genre"] = i % 2 == 0 ? "a" : "b" }));
            Emulator.Faults.OnPath("/vectors/delete", Fault.TooManyRequests(TimeSpan.FromSeconds(1)), times: 1);
            var host = new RecordingHost();
            var all = new List<object>();
            Emulator.Store.HoldIndexing(); // so that the wait below times out
            using (var connection = Fixture.Connect(maxAttempts: 2, trace: traces.Add))
            {
                all.Add(connection);
                var ids = new RemoveByIdsCommand(host, connection);
                ids.Add(new[] { "d-000001", "d-000003" }, "docs");
                ids.Add(new[] { "" }, "docs");
                ids.Complete();
                new RemoveByFilterCommand(host, connection, MetadataFilter.Parse("{\"genre\":\"a\"}"), new RemoveOptions { Force = true }).Execute(new[] { "docs" });
                new RemoveByPrefixCommand(host, connection, "d-0001", new RemoveOptions { Force = true }).Execute(new[] { "docs" });
                var read = new GetRecordsCommand(host, connection);
                read.AddIds(new[] { "d-000005", "nope" }, "docs");
                read.Complete();
                new GetNamespacesCommand(host, connection).Execute();
                // Failures: a 400, a bounded 503, and a wrong key.
                Emulator.Faults.OnPath("/vectors/delete", Fault.Status(400), times: 1);
                Emulator.Faults.OnPath("/vectors/upsert", Fault.Unavailable());
                var del = new RemoveByIdsCommand(host, connection);
                del.Add(new[] { "d-000007" }, "docs");
                del.Complete();
                var add = new AddRecordsCommand(host, connection);
                add.Add(new VectorRecord("n-1") { Values = new float[] { 1, 2, 3, 4 }, Namespace = "docs" });
                add.Complete();
                var wait = new WaitMutationCommand(host, connection) { Timeout = TimeSpan.FromMilliseconds(300), PollInterval = TimeSpan.FromMilliseconds(50) };
                foreach (var m in host.Mutations.ToList()) wait.Add(m);
                wait.Complete();
                all.Add(connection.ProviderInstance);
            }
            Emulator.Faults.Clear();
            var wrong = Fixture.Settings(key: key + "-x");
            wrong.Trace = traces.Add;
            using (var c = ConnectCommand.Connect(wrong, makeDefault: false))
            {
                var e = Assert.Throws<VectorOpsException>(() => new GetNamespacesCommand(host, c).Execute());
                all.Add(e);
            }
            var missing = Assert.Throws<VectorOpsException>(() => ConnectCommand.Connect(new ConnectionSettings { Provider = "Pinecone", ["IndexHost"] = new Uri("http://example.com"), Credential = Secret.FromPlainText(key) }, false));
            all.Add(missing);

            Assert.Contains(host.Errors, e => e.ErrorId == ErrorIds.ProviderBadRequest);
            Assert.Contains(host.Errors, e => e.ErrorId == ErrorIds.ProviderServerError);
            Assert.Contains(host.Errors, e => e.ErrorId == ErrorIds.MutationWaitTimeout);
            Assert.NotEmpty(traces);

            var texts = host.AllText().Concat(traces).Concat(all.Select(o => o.ToString() ?? ""))
                .Concat(all.OfType<Exception>().Select(e => e.ToString()))
                .Concat(host.Output.Select(o => JsonSerializer.Serialize(o, o.GetType())))
                .Concat(host.Errors.Select(e => e.Exception.ToString() + (e.Exception as VectorOpsException)?.Target))
                .ToList();
            Assert.True(texts.Count > 50, "captured " + texts.Count);
            // The key, and any long piece of it, is nowhere.
            Assert.All(texts, t => Assert.DoesNotContain(key.Substring(0, 16), t));
            Assert.All(texts, t => Assert.DoesNotContain(key.Substring(key.Length - 16), t));
            AssertNoViolations();
        }
    }
}
