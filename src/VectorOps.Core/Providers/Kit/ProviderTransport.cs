using System;
using System.Net.Http;
using VectorOps.Errors;
using VectorOps.Security;
using VectorOps.Transport;

namespace VectorOps.Providers.Kit
{
    /// <summary>
    /// Transport setup from a connection's settings, the same for every HTTP provider: the shared settings
    /// (RequestTimeout, MaxAttempts, the connection's trace), the secret to scrub from every message, the base
    /// URI checked by <see cref="EndpointGuard"/>; the provider gives only how it authorises a request and how it
    /// reads its error bodies. Pacing is per request (<see cref="Pacers"/>), not per transport.
    /// </summary>
    public static class ProviderTransport
    {
        /// <summary>The transport options of a connection.</summary>
        public static TransportOptions Options(ConnectionSettings settings, string providerName, Secret? secret,
            Action<HttpRequestMessage>? authorize, Func<TransportResponse, VectorOpsException>? mapError)
        {
            if (settings is null) throw new ArgumentNullException(nameof(settings));
            var options = new TransportOptions
            {
                ProviderName = providerName,
                Secret = secret,
                Trace = settings.Trace,
                Authorize = authorize,
                MapError = mapError,
            };
            if (settings.RequestTimeout is TimeSpan t && t > TimeSpan.Zero) options.RequestTimeout = t;
            if (settings.MaxAttempts is int a && a >= 1) options.MaxAttempts = a;
            return options;
        }

        /// <summary>A transport to <paramref name="baseUri"/> (https, or http to a loopback host) with <see cref="Options"/>.</summary>
        public static HttpTransport Create(Uri? baseUri, ConnectionSettings settings, string providerName, Secret? secret,
            Action<HttpRequestMessage>? authorize, Func<TransportResponse, VectorOpsException>? mapError, HttpMessageInvoker? client = null)
        {
            var options = Options(settings, providerName, secret, authorize, mapError);
            // HttpTransport refuses a missing, non-http(s) or plain-http non-loopback address itself (EndpointGuard).
            return new HttpTransport(baseUri!, options, client);
        }
    }
}
