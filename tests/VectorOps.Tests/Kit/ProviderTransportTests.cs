using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using VectorOps.Errors;
using VectorOps.Providers;
using VectorOps.Providers.Kit;
using VectorOps.Security;
using VectorOps.Transport;
using Xunit;

namespace VectorOps.Tests.Kit
{
    /// <summary>Transport setup from a connection's settings, one place for every HTTP provider.</summary>
    public sealed class ProviderTransportTests
    {
        private sealed class Echo : HttpMessageHandler
        {
            public readonly List<HttpRequestMessage> Requests = new List<HttpRequestMessage>();
            public HttpStatusCode Status = HttpStatusCode.OK;

            protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
            {
                Requests.Add(request);
                return Task.FromResult(new HttpResponseMessage(Status) { Content = new StringContent("{}") });
            }
        }

        [Fact]
        public void The_shared_settings_become_the_transport_options()
        {
            var lines = new List<string>();
            var secret = Secret.FromPlainText("s3cr3t-value")!;
            var settings = new ConnectionSettings { RequestTimeout = TimeSpan.FromSeconds(7), MaxAttempts = 2, Trace = lines.Add };
            var o = ProviderTransport.Options(settings, "Svc", secret, null, null);
            Assert.Equal("Svc", o.ProviderName);
            Assert.Equal(TimeSpan.FromSeconds(7), o.RequestTimeout);
            Assert.Equal(2, o.MaxAttempts);
            Assert.Same(secret, o.Secret);
            o.Trace!("line");
            Assert.Equal(new[] { "line" }, lines);

            // Unset or out-of-range values keep the transport's defaults.
            var defaults = new TransportOptions();
            var d = ProviderTransport.Options(new ConnectionSettings { RequestTimeout = TimeSpan.Zero, MaxAttempts = 0 }, "Svc", null, null, null);
            Assert.Equal(defaults.RequestTimeout, d.RequestTimeout);
            Assert.Equal(defaults.MaxAttempts, d.MaxAttempts);
            Assert.Null(d.Trace);
        }

        [Fact]
        public void A_plain_http_base_uri_that_is_not_loopback_is_refused()
        {
            var ex = Assert.Throws<VectorOpsException>(() =>
                ProviderTransport.Create(new Uri("http://db.example.com/"), new ConnectionSettings(), "Svc", null, null, null));
            Assert.Equal(ErrorIds.InsecureEndpoint, ex.ErrorId);
            Assert.Equal(ErrorIds.InvalidEndpoint, Assert.Throws<VectorOpsException>(() =>
                ProviderTransport.Create(null, new ConnectionSettings(), "Svc", null, null, null)).ErrorId);
        }

        [Fact]
        public async Task Authorize_and_MapError_are_the_providers_and_the_secret_is_scrubbed()
        {
            var handler = new Echo { Status = HttpStatusCode.Forbidden };
            var secret = Secret.FromPlainText("s3cr3t-value")!;
            var transport = ProviderTransport.Create(new Uri("http://127.0.0.1:9/"), new ConnectionSettings { MaxAttempts = 1 }, "Svc", secret,
                r => r.Headers.TryAddWithoutValidation("X-Key", secret.Reveal()),
                r => new VectorOpsException(ErrorIds.ProviderPermissionDenied, VectorOpsErrorCategory.PermissionDenied, "denied for s3cr3t-value", r.Path),
                new HttpMessageInvoker(handler));
            var ex = await Assert.ThrowsAsync<VectorOpsException>(() => transport.SendAsync(HttpMethod.Get, "/x", null, CancellationToken.None));
            Assert.Equal(ErrorIds.ProviderPermissionDenied, ex.ErrorId);
            Assert.DoesNotContain("s3cr3t-value", ex.Message);
            Assert.Equal("s3cr3t-value", Assert.Single(handler.Requests).Headers.GetValues("X-Key").Single());
        }
    }
}
