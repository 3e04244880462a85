using System;
using System.Collections.Generic;

namespace VectorOps.Providers
{
    /// <summary>
    /// Everything Connect-VectorIndex and the CLI collect, for any provider. Each provider's factory reads the
    /// settings it needs and rejects missing ones with a clear error. Holds secrets only as <see cref="Secret"/>.
    /// </summary>
    public sealed class ConnectionSettings
    {
        /// <summary>Local, Pinecone, CloudflareVectorize, ...</summary>
        public string Provider { get; set; } = "Local";

        /// <summary>Index (collection, table) name.</summary>
        public string? Index { get; set; }

        /// <summary>Local store file.</summary>
        public string? Path { get; set; }

        /// <summary>Pinecone index host, or any provider's data-plane URI.</summary>
        public Uri? IndexHost { get; set; }

        /// <summary>Base URI override (control plane for Pinecone, API base for Vectorize); HTTPS unless loopback.</summary>
        public Uri? BaseUri { get; set; }

        public Secret? ApiKey { get; set; }

        public string? ApiVersion { get; set; }

        /// <summary>Cloudflare account id.</summary>
        public string? AccountId { get; set; }

        /// <summary>Namespace used when a command names none; null means the provider's default.</summary>
        public string? DefaultNamespace { get; set; }

        /// <summary>Per-request timeout.</summary>
        public TimeSpan? RequestTimeout { get; set; }

        /// <summary>Most attempts of one request (1 = no retry).</summary>
        public int? MaxAttempts { get; set; }

        /// <summary>Requests per second this client allows itself (null = the provider's published limit).</summary>
        public double? RequestsPerSecond { get; set; }

        /// <summary>Provider-specific extras.</summary>
        public IDictionary<string, string> Options { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        /// <summary>Where verbose traces of requests go (the command host's verbose stream); set by the command layer.</summary>
        public Action<string>? Trace { get; set; }
    }
}
