using System;
using System.Diagnostics;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using VectorOps.Transport;
using Xunit;

namespace VectorOps.Tests.Pinecone
{
    /// <summary>
    /// Pinecone paces deletes per namespace with its own RequestPacer; a 429's Retry-After must pause that pacer
    /// (so the other batches of the namespace wait too), not only the transport-wide one.
    /// </summary>
    public sealed class PerNamespacePacingTests
    {
        private sealed class OneTooMany : HttpMessageHandler
        {
            public int Calls;

            protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
            {
                var n = Interlocked.Increment(ref Calls);
                var r = new HttpResponseMessage(n == 1 ? (HttpStatusCode)429 : HttpStatusCode.OK) { Content = new StringContent("{}") };
                if (n == 1) r.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(2));
                return Task.FromResult(r);
            }
        }

        [Fact]
        public async Task RetryAfter_PausesThePacerTheRequestWasSentWith()
        {
            var handler = new OneTooMany();
            var transport = new HttpTransport(new Uri("http://127.0.0.1:1/"), new TransportOptions { ProviderName = "test", MaxAttempts = 2 }, new HttpMessageInvoker(handler));
            var namespacePacer = new RequestPacer(1_000_000); // no spacing of its own to speak of
            var send = transport.SendAsync(HttpMethod.Post, "/vectors/delete", null, CancellationToken.None, namespacePacer);

            // While the retry waits out Retry-After, a request of the same namespace must wait too.
            var paused = false;
            var clock = Stopwatch.StartNew();
            while (!paused && !send.IsCompleted && clock.Elapsed < TimeSpan.FromSeconds(1.5))
            {
                paused = !namespacePacer.WaitAsync(CancellationToken.None).IsCompleted;
                await Task.Delay(5);
            }
            await send;
            Assert.True(paused, "a 429 with Retry-After did not pause the namespace's pacer");
            Assert.Equal(2, handler.Calls);
        }
    }
}
