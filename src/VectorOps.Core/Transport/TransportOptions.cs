using System;
using VectorOps.Security;

namespace VectorOps.Transport
{
    /// <summary>
    /// How one provider's HTTP traffic is sent: timeouts, retries, tracing, redaction. Pacing is per request (the
    /// pacer passed to SendAsync); connections are pooled by the process's one handler.
    /// </summary>
    public sealed class TransportOptions
    {
        /// <summary>Provider name for messages.</summary>
        public string ProviderName { get; set; } = "provider";

        /// <summary>Time allowed for one attempt (request and answer).</summary>
        public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>Most attempts of one request, the first included. 1 disables retries.</summary>
        public int MaxAttempts { get; set; } = 4;

        /// <summary>First backoff delay; later ones grow exponentially with jitter.</summary>
        public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(250);

        /// <summary>
        /// Longest wait the transport accepts between attempts. A Retry-After beyond it is not waited out: the
        /// request fails at once with a rate-limit error that says how long the service asked to wait.
        /// </summary>
        public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>Bound on the total time of one request with all its retries.</summary>
        public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(3);

        /// <summary>Receives one line per attempt (method, path, status, time) for -Verbose; never headers or bodies.</summary>
        public Action<string>? Trace { get; set; }

        /// <summary>The secret of this connection, scrubbed from every message the transport produces.</summary>
        public Secret? Secret { get; set; }

        /// <summary>Adds authentication headers to each attempt's request.</summary>
        public Action<System.Net.Http.HttpRequestMessage>? Authorize { get; set; }

        /// <summary>Turns a final non-success answer into the provider's error (by default: by status code).</summary>
        public Func<TransportResponse, VectorOps.Errors.VectorOpsException>? MapError { get; set; }
    }
}
