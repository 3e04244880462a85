using System;
using System.Management.Automation;
using System.Security;
using VectorOps.Commands;
using VectorOps.Connections;
using VectorOps.Errors;
using VectorOps.PowerShell.Input;
using VectorOps.Providers;
using VectorOps.Security;

namespace VectorOps.PowerShell.Cmdlets
{
    /// <summary>
    /// <para type="synopsis">Connects to a vector index and makes it the session's default connection.</para>
    /// </summary>
    [Cmdlet(VerbsCommunications.Connect, "VectorIndex", DefaultParameterSetName = ApiKeySet)]
    [OutputType(typeof(VectorConnection))]
    public sealed class ConnectVectorIndexCommand : PSCmdlet
    {
        private const string ApiKeySet = "ApiKey";
        private const string CredentialSet = "Credential";
        private const string ApiTokenSet = "ApiToken";

        /// <summary>Local (default), Pinecone, CloudflareVectorize, or another registered provider.</summary>
        [Parameter(Position = 0)]
        [ArgumentCompleter(typeof(ProviderNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string Provider { get; set; } = "Local";

        /// <summary>The local store file (Local provider).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [Alias("FilePath", "Database")]
        public string? Path { get; set; }

        /// <summary>The index (collection) name.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [Alias("IndexName")]
        public string? Index { get; set; }

        /// <summary>
        /// The namespace commands use when they name none (the connection's default namespace). Given, it must be a
        /// real name: $null, '' or blank is refused (EmptyNamespace), never read as the provider's default.
        /// </summary>
        [Parameter]
        [AllowNull]
        [AllowEmptyString]
        public string? Namespace { get; set; }

        /// <summary>The index's data-plane host (Pinecone), https unless loopback.</summary>
        [Parameter]
        [ValidateNotNull]
        public Uri? IndexHost { get; set; }

        /// <summary>API key (Pinecone) as a SecureString.</summary>
        [Parameter(ParameterSetName = ApiKeySet)]
        [ValidateNotNull]
        public SecureString? ApiKey { get; set; }

        /// <summary>A credential whose password is the API key or token (the user name is not used).</summary>
        [Parameter(ParameterSetName = CredentialSet, Mandatory = true)]
        [ValidateNotNull]
        [Credential]
        public PSCredential? Credential { get; set; }

        /// <summary>API token (Cloudflare) as a SecureString.</summary>
        [Parameter(ParameterSetName = ApiTokenSet, Mandatory = true)]
        [ValidateNotNull]
        public SecureString? ApiToken { get; set; }

        /// <summary>The provider API version to ask for (Pinecone's X-Pinecone-Api-Version).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ApiVersion { get; set; }

        /// <summary>The Cloudflare account id.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? AccountId { get; set; }

        /// <summary>Base URI override (Pinecone control plane, Cloudflare API base); https unless loopback.</summary>
        [Parameter]
        [ValidateNotNull]
        public Uri? BaseUri { get; set; }

        /// <summary>Per-request timeout: a TimeSpan or a number of seconds.</summary>
        [Parameter]
        [SecondsTransformation]
        public TimeSpan? RequestTimeout { get; set; }

        /// <summary>Most attempts of one request, retries included (1 = no retry).</summary>
        [Parameter]
        [ValidateRange(1, 20)]
        public int? MaxAttempts { get; set; }

        /// <summary>Requests per second this client allows itself (default: the provider's published limit).</summary>
        [Parameter]
        [ValidateRange(0.001, 1000000.0)]
        public double? RequestsPerSecond { get; set; }
        /// <summary>
        /// Create the index (and the store file) if it does not exist (Local). Without it, connecting to a local index
        /// that does not exist is an error (IndexNotFound), so a misspelt name never becomes a new, empty index.
        /// </summary>
        [Parameter]
        public SwitchParameter Create { get; set; }

        /// <summary>Write the connection to the pipeline.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void EndProcessing()
        {
            var settings = new ConnectionSettings
            {
                Provider = Provider,
                Index = Index,
                // Bound as $null or '' it is given blank (refused), not left out.
                DefaultNamespace = Namespace ?? (MyInvocation.BoundParameters.ContainsKey(nameof(Namespace)) ? "" : null),
                RequestTimeout = RequestTimeout,
                MaxAttempts = MaxAttempts,
                RequestsPerSecond = RequestsPerSecond,
                CreateIfMissing = Create.IsPresent,
            };
            // Interim: provider settings go by name; the descriptors check them (ProviderDescriptor.Prepare).
            if (Path != null) settings["Path"] = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
            if (IndexHost != null) settings["IndexHost"] = IndexHost;
            if (BaseUri != null) settings["BaseUri"] = BaseUri;
            if (ApiVersion != null) settings["ApiVersion"] = ApiVersion;
            if (AccountId != null) settings["AccountId"] = AccountId;
            if (RequestTimeout is TimeSpan t && t <= TimeSpan.Zero)
                Fail(new VectorOpsException(ErrorIds.InvalidArgument, VectorOpsErrorCategory.InvalidArgument,
                    "RequestTimeout must be positive.", t));
            settings.Credential = ParameterSetName switch
            {
                CredentialSet => Secret.FromSecureString(Credential?.Password),
                ApiTokenSet => Secret.FromSecureString(ApiToken),
                _ => Secret.FromSecureString(ApiKey),
            };

            VectorConnection connection;
            try
            {
                connection = ConnectCommand.Connect(settings, makeDefault: true, new Hosting.CmdletHost(this, () => false, System.Threading.CancellationToken.None));
            }
            catch (VectorOpsException ex)
            {
                Fail(ex);
                return;
            }
            WriteVerbose($"Connected to {connection.Provider} index '{connection.Index}' at {connection.Endpoint}; default namespace '{connection.Namespace}'" +
                         (connection.Credential is null ? "" : $"; credential {connection.Credential} ({connection.CredentialSource})") +
                         $". It is the default connection now; {VectorSession.Connections.Count - 1} other connection(s) stay open (Get-VectorConnection -ListAvailable).");
            if (PassThru) WriteObject(connection);
        }

        private void Fail(VectorOpsException ex) => ThrowTerminatingError(Hosting.HostDecisions.ToErrorRecord(ex));
    }
}
