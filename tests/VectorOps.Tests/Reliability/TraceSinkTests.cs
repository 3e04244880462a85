using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using VectorOps.Tests.Conformance;
using VectorOps.Commands;
using VectorOps.Emulators.Infrastructure;
using VectorOps.Hosting;
using VectorOps.Providers;
using VectorOps.Security;
using VectorOps.Tests.Cli;
using VectorOps.Tests.Pinecone;
using VectorOps.Tests.Support;
using VectorOps.Transport;
using Xunit;

namespace VectorOps.Tests.Reliability
{
    /// <summary>The trace sink: lines produced on pool threads, queued, shown on the command's thread.</summary>
    public sealed class TraceSinkTests
    {
        private const string Key = "tr-SECRET-key-0123456789abcdef";

        private sealed class Echo : HttpMessageHandler
        {
            public int Calls;

            protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
            {
                var n = Interlocked.Increment(ref Calls);
                var r = new HttpResponseMessage(n == 1 ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
                if (n == 1) r.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromMilliseconds(1));
                return Task.FromResult(r);
            }
        }

        [Fact]
        public async Task Lines_written_on_pool_threads_are_queued_and_drained_on_the_hosts_thread()
        {
            var trace = new CommandTrace();
            Task work;
            using (trace.Enter())
                work = Task.Run(async () =>
                {
                    await Task.Yield();
                    CommandTrace.Write("from the pool");
                    CommandTrace.WriteDebug("detail");
                });
            Assert.Null(CommandTrace.Current); // the scope is left on this thread...
            await work;                         // ...but the work started inside it still wrote to it
            Assert.Equal(2, trace.Pending);
            // The host's thread is the one the test continues on after the await (the host checks every call's thread).
            var host = new RecordingHost();
            trace.Drain(host);
            Assert.Equal(new[] { "from the pool" }, host.Verbose);
            Assert.Equal(new[] { "detail" }, host.Debug);
            Assert.Empty(host.ThreadViolations);
            Assert.Equal(0, trace.Pending);
        }

        [Fact]
        public async Task Two_runs_on_one_thread_keep_their_own_lines()
        {
            // As in Get-VectorRecord | Remove-VectorRecord: both commands run on the pipeline thread.
            var a = new CommandTrace();
            var b = new CommandTrace();
            Task fromA, fromB;
            using (a.Enter()) fromA = Task.Run(async () => { await Task.Delay(20); CommandTrace.Write("a"); });
            using (b.Enter()) fromB = Task.Run(() => CommandTrace.Write("b"));
            await Task.WhenAll(fromA, fromB);
            var hostA = new RecordingHost();
            var hostB = new RecordingHost();
            a.Drain(hostA);
            b.Drain(hostB);
            Assert.Equal(new[] { "a" }, hostA.Verbose);
            Assert.Equal(new[] { "b" }, hostB.Verbose);
        }

        [Fact]
        public void Without_a_run_in_scope_lines_go_nowhere_and_a_flood_is_bounded()
        {
            CommandTrace.Write("nobody listens"); // no exception, no sink
            var trace = new CommandTrace();
            using (trace.Enter())
                for (var i = 0; i < CommandTrace.Capacity + 5; i++) CommandTrace.Write("x");
            var host = new RecordingHost();
            trace.Drain(host);
            Assert.Equal(CommandTrace.Capacity + 1, host.Verbose.Count);
            Assert.Contains("5 trace line(s) were dropped", host.Verbose.Last());
        }

        [Fact]
        public void The_connection_relay_scrubs_the_key_calls_the_settings_listener_and_is_installed_once()
        {
            var seen = new List<string>();
            var secret = Secret.FromPlainText(Key);
            var relay = CommandTrace.ForConnection(seen.Add, secret);
            Assert.Same(relay.Target, CommandTrace.ForConnection(relay, secret).Target);
            var trace = new CommandTrace();
            using (trace.Enter()) relay("GET /x?token=" + Key + " -> 200");
            var host = new RecordingHost();
            trace.Drain(host);
            Assert.DoesNotContain(Key, seen.Single());
            Assert.DoesNotContain(Key, host.Verbose.Single());
            Assert.Contains("********", host.Verbose.Single());
        }

        [Fact]
        public async Task The_transport_traces_each_request_and_its_retry_decision_scrubbed_into_the_run_in_scope()
        {
            var handler = new Echo();
            var options = new TransportOptions
            {
                ProviderName = "TestProvider",
                Secret = Secret.FromPlainText(Key),
                BaseDelay = TimeSpan.FromMilliseconds(1),
            };
            options.Trace = CommandTrace.ForConnection(null, options.Secret);
            var transport = new HttpTransport(new Uri("http://127.0.0.1:9/"), options, new HttpClient(handler));
            var trace = new CommandTrace();
            Task<TransportResponse> call;
            // The key in the path stands for any echo of it (a misconfigured id, a proxy): it must not show.
            using (trace.Enter()) call = Task.Run(() => transport.SendAsync(HttpMethod.Get, "/items/" + Key, null, CancellationToken.None));
            Assert.Equal(2, (await call).Attempts);
            var host = new RecordingHost();
            trace.Drain(host);
            Assert.Contains(host.Verbose, v => v.StartsWith("GET /items/********", StringComparison.Ordinal) && v.Contains("-> 503", StringComparison.Ordinal));
            Assert.Contains(host.Verbose, v => v.Contains("-> 200", StringComparison.Ordinal) && v.Contains("(attempt 2)", StringComparison.Ordinal));
            Assert.Contains(host.Verbose, v => v.StartsWith("retrying after HTTP 503", StringComparison.Ordinal));
            Assert.Contains(host.Debug, d => d.Contains("retry decision", StringComparison.Ordinal) && d.Contains("Retry-After", StringComparison.Ordinal));
            Assert.All(host.Verbose.Concat(host.Debug), l => Assert.DoesNotContain(Key, l));
        }
    }

    /// <summary>-Verbose request traces of real commands against the Pinecone emulator (through Prism) and the CLI.</summary>
    [Collection(PineconeCollection.Name)]
    public sealed class CommandTraceTests : IDisposable
    {
        private readonly PineconeProviderFixture _target;

        public CommandTraceTests(PineconeFixture fixture)
        {
            _target = new PineconeProviderFixture(fixture);
            _target.Seed(ProviderFixture.Ids("doc-", 30));
        }

        public void Dispose()
        {
            _target.Faults.Clear();
            _target.AssertNoViolations();
        }

        [Fact]
        public void A_delete_shows_each_request_on_the_verbose_stream_before_its_batch_on_the_commands_thread()
        {
            var host = new RecordingHost();
            _target.Faults.OnPath("/vectors/delete", Fault.ServerError(), times: 1);
            using (var connection = _target.Connect())
            {
                var cmd = new RemoveByIdsCommand(host, connection, new RemoveOptions { BatchSize = 10, ThrottleLimit = 3 });
                cmd.Add(ProviderFixture.Ids("doc-", 30), "docs");
                cmd.Complete();
            }
            Assert.Empty(host.ThreadViolations);
            var requests = host.Verbose.Where(v => v.StartsWith("POST /vectors/delete -> ", StringComparison.Ordinal)).ToList();
            Assert.Equal(4, requests.Count); // 3 batches, one retried
            Assert.Single(requests, r => r.Contains("-> 500", StringComparison.Ordinal));
            Assert.All(requests, r => Assert.Matches(@"in \d+ ms \(attempt \d\)$", r));
            Assert.Contains(host.Verbose, v => v.StartsWith("retrying after HTTP 500", StringComparison.Ordinal));
            Assert.Contains(host.Debug, d => d.Contains("retry decision", StringComparison.Ordinal));
            // Each batch's request lines come before the line that reports the batch.
            var firstBatch = host.Verbose.FindIndex(v => v.StartsWith("DeleteByIds batch", StringComparison.Ordinal));
            Assert.True(host.Verbose.FindIndex(v => v.StartsWith("POST /vectors/delete", StringComparison.Ordinal)) < firstBatch);
            Assert.All(host.Verbose.Concat(host.Debug), l => Assert.DoesNotContain(PineconeFixture.Key, l));
        }

        [Fact]
        public void Reads_page_by_page_and_by_id_show_their_requests()
        {
            var host = new RecordingHost();
            using (var connection = _target.Connect())
            {
                var get = new GetRecordsCommand(host, connection);
                get.ByPrefix("doc-", "docs");
                var byId = new GetRecordsCommand(host, connection);
                byId.AddIds(new[] { "doc-00001" }, "docs");
                byId.Complete();
            }
            Assert.Empty(host.ThreadViolations);
            Assert.Contains(host.Verbose, v => v.StartsWith("GET /vectors/list -> 200", StringComparison.Ordinal));
            Assert.Contains(host.Verbose, v => v.StartsWith("GET /vectors/fetch -> 200", StringComparison.Ordinal));
        }

        [Fact]
        public void Connecting_by_index_name_shows_the_control_plane_lookup_on_the_connecting_hosts_stream()
        {
            var host = new RecordingHost();
            var s = new ConnectionSettings
            {
                Provider = "Pinecone",
                Index = PineconeFixture.IndexName,
                ["BaseUri"] = _target.Fixture.ControlPrism.Uri,
                Credential = Secret.FromPlainText(PineconeFixture.Key),
            };
            using var connection = ConnectCommand.Connect(s, makeDefault: false, host);
            Assert.Contains(host.Verbose, v => v.StartsWith("GET /indexes/" + PineconeFixture.IndexName + " -> 200", StringComparison.Ordinal));
            Assert.Empty(host.ThreadViolations);
        }

        [Fact]
        public void The_CLI_shows_request_traces_with_verbose_and_retry_decisions_with_debug()
        {
            _target.Faults.OnPath("/vectors/delete", Fault.Unavailable(), times: 1);
            var r = CliRunner.Run(_target.CliArgs("remove", true, "--id", "doc-00001", "--namespace", "docs", "--yes", "--debug"), null, _target.CliEnvironment());
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Contains("VERBOSE: POST /vectors/delete -> 503", r.Stderr);
            Assert.Contains("VERBOSE: POST /vectors/delete -> 200", r.Stderr);
            Assert.Contains("DEBUG: Pinecone retry decision", r.Stderr);
            var quiet = CliRunner.Run(_target.CliArgs("remove", true, "--id", "doc-00002", "--namespace", "docs", "--yes"), null, _target.CliEnvironment());
            Assert.True(quiet.ExitCode == 0, quiet.ToString());
            Assert.DoesNotContain("VERBOSE:", quiet.Stderr);
        }
    }
}
