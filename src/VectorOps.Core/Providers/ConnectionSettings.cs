using System;
using System.Collections.Generic;
using VectorOps.Security;

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

        /// <summary>
        /// Where <see cref="ApiKey"/> came from, shown by the connection: <see cref="CredentialSources.Parameter"/>
        /// (null means that too), <see cref="CredentialSources.File"/>, or "Environment:NAME" when it was read from
        /// an environment variable (<see cref="CredentialFromEnvironment"/> sets it). Never the value.
        /// </summary>
        public string? CredentialSource { get; set; }

        /// <summary>How the front end that built these settings spells them in messages (default: the module's).</summary>
        public SettingNames Names { get; set; } = SettingNames.PowerShell;

        public string? ApiVersion { get; set; }

        /// <summary>Cloudflare account id.</summary>
        public string? AccountId { get; set; }

        /// <summary>Namespace used when a command names none; null means the provider's default.</summary>
        public string? DefaultNamespace { get; set; }

        /// <summary>
        /// Create the index (and its store file) when it does not exist, where the provider can (Local). Without it a
        /// connection to an index that does not exist fails (IndexNotFound), so a misspelt name never becomes a new,
        /// empty index. Providers whose indexes are made elsewhere (Pinecone, Vectorize) refuse it (NotSupported).
        /// </summary>
        public bool CreateIfMissing { get; set; }

        /// <summary>Per-request timeout.</summary>
        public TimeSpan? RequestTimeout { get; set; }

        /// <summary>Most attempts of one request (1 = no retry).</summary>
        public int? MaxAttempts { get; set; }

        /// <summary>Requests per second this client allows itself (null = the provider's published limit).</summary>
        public double? RequestsPerSecond { get; set; }

        /// <summary>Provider-specific extras.</summary>
        public IDictionary<string, string> Options { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        /// <summary>
        /// The credential the settings hold, or else the one in the environment variable (trimmed; blank is none).
        /// One read from the environment is written back, with its source, so the connection shows it masked
        /// exactly as a key given as a parameter.
        /// </summary>
        public Secret? CredentialFromEnvironment(string variable)
        {
            if (ApiKey != null)
            {
                CredentialSource ??= CredentialSources.Parameter;
                return ApiKey;
            }
            var fromEnvironment = Secret.FromPlainText(Environment.GetEnvironmentVariable(variable)?.Trim());
            if (fromEnvironment != null)
            {
                ApiKey = fromEnvironment;
                CredentialSource = CredentialSources.Environment(variable);
            }
            return fromEnvironment;
        }

        /// <summary>Where verbose traces of requests go (the command host's verbose stream); set by the command layer.</summary>
        public Action<string>? Trace { get; set; }
    }

    /// <summary>The values of <see cref="ConnectionSettings.CredentialSource"/>.</summary>
    public static class CredentialSources
    {
        /// <summary>Given to the front end directly (-ApiKey, -ApiToken, -Credential).</summary>
        public const string Parameter = "Parameter";

        /// <summary>Read from a file (the CLI's --api-key-file).</summary>
        public const string File = "File";

        /// <summary>Read from an environment variable: "Environment:PINECONE_API_KEY".</summary>
        public static string Environment(string variable) => "Environment:" + variable;
    }
}
