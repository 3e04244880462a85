using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using VectorOps.Errors;
using VectorOps.Providers;
using VectorOps.Security;
using VectorOps.Transport;
using Xunit;

namespace VectorOps.Tests.Transport
{
    public sealed class HttpTransportTests
    {
        private const string Key = "pk-test-SECRET-0123456789abcdef";

        /// <summary>Answers each attempt from a script; records what it saw.</summary>
        private sealed class ScriptedHandler : HttpMessageHandler
        {
            private readonly Queue<Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>> _script;
            public ScriptedHandler(params Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>[] steps)
            {
                _script = new Queue<Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>>(steps);
            }

            public List<string> Seen { get; } = new List<string>();
            public List<string?> Bodies { get; } = new List<string?>();

            protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
            {
                Seen.Add(request.Method + " " + request.RequestUri!.PathAndQuery);
                Bodies.Add(request.Content is null ? null : await request.Content.ReadAsStringAsync());
                var step = _script.Count > 1 ? _script.Dequeue() : _script.Peek();
                return await step(request, ct);
            }
        }

        private static Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Status(int code, string body = "{}", TimeSpan? retryAfter = null) =>
            (req, ct) =>
            {
                var r = new HttpResponseMessage((HttpStatusCode)code) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                if (retryAfter is TimeSpan ra) r.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(ra);
                return Task.FromResult(r);
            };

        private static Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Throw(Exception ex) => (req, ct) => Task.FromException<HttpResponseMessage>(ex);

        private static Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Hang() =>
            async (req, ct) => { await Task.Delay(Timeout.Infinite, ct); return null!; };

        private static (HttpTransport, ScriptedHandler, List<string>) Make(ScriptedHandler handler, Action<TransportOptions>? configure = null)
        {
            var trace = new List<string>();
            var options = new TransportOptions
            {
                ProviderName = "TestProvider",
                MaxAttempts = 4,
                BaseDelay = TimeSpan.FromMilliseconds(1),
                MaxRetryDelay = TimeSpan.FromSeconds(2),
                RequestTimeout = TimeSpan.FromSeconds(5),
                Secret = Secret.FromPlainText(Key),
                Authorize = r => r.Headers.TryAddWithoutValidation("Api-Key", Key),
                Trace = line => { lock (trace) trace.Add(line); },
            };
            configure?.Invoke(options);
            return (new HttpTransport(new Uri("http://127.0.0.1:9/base"), options, new HttpClient(handler)), handler, trace);
        }

        private static Task<TransportResponse> Post(HttpTransport t, CancellationToken ct = default) =>
            t.SendAsync(HttpMethod.Post, "/vectors/delete", () => new StringContent("{\"ids\":[\"a\"]}", Encoding.UTF8, "application/json"), ct);

        [Fact]
        public async Task Success_on_first_attempt_keeps_the_base_path_and_counts_one_attempt()
        {
            var (t, h, trace) = Make(new ScriptedHandler(Status(200)));
            var r = await Post(t);
            Assert.Equal(1, r.Attempts);
            Assert.Equal(new[] { "POST /base/vectors/delete" }, h.Seen);
            Assert.Contains(trace, l => l.Contains("POST /base/vectors/delete -> 200"));
        }

        [Theory]
        [InlineData(429)]
        [InlineData(500)]
        [InlineData(502)]
        [InlineData(503)]
        [InlineData(504)]
        [InlineData(408)]
        public async Task Transient_statuses_are_retried_and_the_request_is_resent_identically(int code)
        {
            var (t, h, _) = Make(new ScriptedHandler(Status(code), Status(code), Status(200)));
            var r = await Post(t);
            Assert.Equal(3, r.Attempts);
            Assert.Equal(3, h.Seen.Count);
            Assert.All(h.Bodies, b => Assert.Equal("{\"ids\":[\"a\"]}", b));
        }

        [Theory]
        [InlineData(400, ErrorIds.ProviderBadRequest, VectorOpsErrorCategory.InvalidArgument)]
        [InlineData(401, ErrorIds.ProviderAuthenticationFailed, VectorOpsErrorCategory.AuthenticationError)]
        [InlineData(403, ErrorIds.ProviderPermissionDenied, VectorOpsErrorCategory.PermissionDenied)]
        [InlineData(404, ErrorIds.ProviderNotFound, VectorOpsErrorCategory.ObjectNotFound)]
        [InlineData(409, ErrorIds.ProviderConflict, VectorOpsErrorCategory.ResourceExists)]
        public async Task Other_client_errors_are_never_retried_and_map_to_stable_ids(int code, string id, VectorOpsErrorCategory category)
        {
            var (t, h, _) = Make(new ScriptedHandler(Status(code)));
            var ex = await Assert.ThrowsAsync<VectorOpsException>(() => Post(t));
            Assert.Single(h.Seen);
            Assert.Equal(id, ex.ErrorId);
            Assert.Equal(category, ex.Category);
            Assert.Equal(code, ex.StatusCode);
            Assert.Equal(1, ex.Attempts);
        }

        [Fact]
        public async Task Attempts_are_bounded_and_the_last_answer_becomes_the_error()
        {
            var (t, h, _) = Make(new ScriptedHandler(Status(503)));
            var ex = await Assert.ThrowsAsync<VectorOpsException>(() => Post(t));
            Assert.Equal(4, h.Seen.Count);
            Assert.Equal(ErrorIds.ProviderServerError, ex.ErrorId);
            Assert.Equal(4, ex.Attempts);
            Assert.True(ex.IsTransient);
        }

        [Fact]
        public async Task A_Retry_After_within_the_bound_is_waited_and_retried()
        {
            var (t, h, trace) = Make(new ScriptedHandler(Status(429, retryAfter: TimeSpan.FromMilliseconds(1000)), Status(200)));
            var r = await Post(t);
            Assert.Equal(2, r.Attempts);
            Assert.Contains(trace, l => l.Contains("retrying after HTTP 429"));
        }

        [Fact]
        public async Task A_Retry_After_beyond_the_bound_fails_at_once_and_says_how_long()
        {
            var (t, h, _) = Make(new ScriptedHandler(Status(429, retryAfter: TimeSpan.FromSeconds(300))));
            var ex = await Assert.ThrowsAsync<VectorOpsException>(() => Post(t));
            Assert.Single(h.Seen);
            Assert.Equal(ErrorIds.ProviderRateLimited, ex.ErrorId);
            Assert.Equal(VectorOpsErrorCategory.LimitsExceeded, ex.Category);
            Assert.Contains("300 s", ex.Message);
        }

        [Fact]
        public async Task Connection_resets_are_retried_then_reported_as_unreachable()
        {
            var (t, h, _) = Make(new ScriptedHandler(Throw(new HttpRequestException("reset", new IOException("connection reset by peer")))));
            var ex = await Assert.ThrowsAsync<VectorOpsException>(() => Post(t));
            Assert.Equal(4, h.Seen.Count);
            Assert.Equal(ErrorIds.ProviderUnreachable, ex.ErrorId);
            Assert.Equal(VectorOpsErrorCategory.ConnectionError, ex.Category);
        }

        [Fact]
        public async Task A_reset_then_success_succeeds()
        {
            var (t, h, _) = Make(new ScriptedHandler(Throw(new HttpRequestException("reset")), Status(200)));
            Assert.Equal(2, (await Post(t)).Attempts);
        }

        [Fact]
        public async Task An_attempt_that_hangs_times_out_and_is_retried_within_the_bound()
        {
            var (t, h, _) = Make(new ScriptedHandler(Hang()), o => { o.RequestTimeout = TimeSpan.FromMilliseconds(100); o.MaxAttempts = 2; });
            var ex = await Assert.ThrowsAsync<VectorOpsException>(() => Post(t));
            Assert.Equal(2, h.Seen.Count);
            Assert.Equal(ErrorIds.ProviderTimeout, ex.ErrorId);
            Assert.Equal(VectorOpsErrorCategory.OperationTimeout, ex.Category);
        }

        [Fact]
        public async Task The_callers_cancellation_is_not_retried()
        {
            using var cts = new CancellationTokenSource();
            var (t, h, _) = Make(new ScriptedHandler(Hang()));
            var task = Post(t, cts.Token);
            cts.CancelAfter(50);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
            Assert.Single(h.Seen);
        }

        [Fact]
        public async Task The_secret_never_appears_in_errors_or_traces_even_when_the_service_echoes_it()
        {
            var (t, h, trace) = Make(new ScriptedHandler(Status(400, "{\"message\":\"bad key " + Key + "\"}")),
                o => o.MapError = r => HttpTransport.DefaultError(r, "TestProvider", r.BodyText));
            var ex = await Assert.ThrowsAsync<VectorOpsException>(() => Post(t));
            Assert.DoesNotContain(Key, ex.ToString());
            Assert.Contains("********", ex.Message);
            Assert.All(trace, l => Assert.DoesNotContain(Key, l));
        }

        [Theory]
        [InlineData("http://example.com/", ErrorIds.InsecureEndpoint)]
        [InlineData("http://10.0.0.5:8080/", ErrorIds.InsecureEndpoint)]
        [InlineData("ftp://example.com/", ErrorIds.InvalidEndpoint)]
        public void Plain_http_to_a_non_loopback_host_and_non_http_schemes_are_refused(string uri, string id)
        {
            var ex = Assert.Throws<VectorOpsException>(() => EndpointGuard.Require(new Uri(uri), "TestProvider"));
            Assert.Equal(id, ex.ErrorId);
            Assert.Equal(uri, ex.Target);
        }

        [Theory]
        [InlineData("https://example.com/")]
        [InlineData("http://127.0.0.1:5000/")]
        [InlineData("http://localhost:5000/")]
        [InlineData("http://[::1]:5000/")]
        public void Https_and_loopback_http_are_allowed(string uri) => EndpointGuard.Require(new Uri(uri), "TestProvider");

        [Fact]
        public void The_secret_masks_itself_everywhere()
        {
            var s = Secret.FromPlainText(Key)!;
            Assert.DoesNotContain(Key, s.ToString());
            Assert.DoesNotContain(Key, s.Mask);
            Assert.EndsWith("cdef", s.Mask);
            Assert.Null(Secret.FromPlainText(""));
        }
    }
}
