using System;
using System.Collections.Generic;
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
    /// <remarks>
    /// The parameters every provider shares are declared here; each provider's own settings and its credential are
    /// dynamic parameters read from its descriptor (<see cref="ProviderParameters"/>), for the provider bound to
    /// -Provider (else the default one). Values go into <see cref="ConnectionSettings"/> by setting name, and the
    /// registry checks them against the descriptor, so nothing here names a provider.
    /// </remarks>
    [Cmdlet(VerbsCommunications.Connect, "VectorIndex", DefaultParameterSetName = ProviderParameters.SecretSet)]
    [OutputType(typeof(VectorConnection))]
    public sealed class ConnectVectorIndexCommand : PSCmdlet, IDynamicParameters
    {
        private ProviderDescriptor? _descriptor;
        private IReadOnlyList<ProviderParameter> _parameters = Array.Empty<ProviderParameter>();
        private RuntimeDefinedParameterDictionary? _dynamic;

        /// <summary>A registered provider's name or alias (default: the registry's default provider).</summary>
        [Parameter(Position = 0)]
        [ArgumentCompleter(typeof(ProviderNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string Provider { get; set; } = ProviderRegistry.DefaultProvider;

        /// <summary>The index (collection) name; Tab lists the indexes where the provider lists them cheaply.</summary>
        [Parameter]
        [ArgumentCompleter(typeof(IndexCompleter))]
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

        /// <summary>
        /// A credential whose password is the provider's secret (the user name is not used); the alternative to the
        /// provider's own SecureString parameter (-ApiKey, -ApiToken ...), in a set of its own.
        /// </summary>
        [Parameter(ParameterSetName = ProviderParameters.CredentialSet)]
        [ValidateNotNull]
        [Credential]
        public PSCredential? Credential { get; set; }

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
        /// Create the index (and its store) if it does not exist, where the provider creates indexes. Without it,
        /// connecting to an index that does not exist is an error (IndexNotFound), so a misspelt name never becomes
        /// a new, empty index; a provider that cannot create one refuses it (NotSupportedByProvider).
        /// </summary>
        [Parameter]
        public SwitchParameter Create { get; set; }

        /// <summary>Write the connection to the pipeline.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>
        /// The provider's own parameters: its settings and its credential, from its descriptor. While -Provider names
        /// no known provider, every provider's names are accepted untyped, so that the error is UnknownProvider.
        /// </summary>
        public object GetDynamicParameters()
        {
            _descriptor = ProviderRegistry.Find(Provider);
            _parameters = _descriptor is null ? ProviderParameters.ForUnknownProvider() : ProviderParameters.For(_descriptor);
            _dynamic = ProviderParameters.ToDictionary(_parameters);
            return _dynamic;
        }

        protected override void EndProcessing()
        {
            ProviderDescriptor descriptor;
            try
            {
                // UnknownProvider, with the closest names, for a name the registry does not know.
                descriptor = _descriptor ?? ProviderRegistry.Get(Provider);
            }
            catch (VectorOpsException ex)
            {
                Fail(ex);
                return;
            }
            if (_dynamic is null) GetDynamicParameters(); // the binder calls it; a host that did not gets the parameters unset
            var settings = new ConnectionSettings
            {
                Provider = descriptor.Name,
                Index = Index,
                // Bound as $null or '' it is given blank (refused), not left out.
                DefaultNamespace = Namespace ?? (MyInvocation.BoundParameters.ContainsKey(nameof(Namespace)) ? "" : null),
                RequestTimeout = RequestTimeout,
                MaxAttempts = MaxAttempts,
                RequestsPerSecond = RequestsPerSecond,
                CreateIfMissing = Create.IsPresent,
            };
            if (RequestTimeout is TimeSpan t && t <= TimeSpan.Zero)
                Fail(new VectorOpsException(ErrorIds.InvalidArgument, VectorOpsErrorCategory.InvalidArgument,
                    "RequestTimeout must be positive.", t));
            SecureString? secret;
            try
            {
                secret = ProviderParameters.Apply(descriptor, _parameters,
                    name => _dynamic!.TryGetValue(name, out var p) && p.IsSet,
                    name => _dynamic![name].Value is object v ? Input.InputNormalizer.EngineUnwrap(v) : null,
                    settings, ResolvePath);
            }
            catch (VectorOpsException ex)
            {
                Fail(ex);
                return;
            }
            settings.Credential = Secret.FromSecureString(ParameterSetName == ProviderParameters.CredentialSet ? Credential?.Password : secret);

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

        /// <summary>A file path setting, resolved against the session's current location (a file-system path only).</summary>
        private string ResolvePath(string path)
        {
            string resolved;
            ProviderInfo where;
            try
            {
                resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out where, out _);
            }
            catch (Exception ex) when (ex is ItemNotFoundException || ex is DriveNotFoundException || ex is ProviderNotFoundException ||
                                       ex is NotSupportedException || ex is PSArgumentException || ex is ArgumentException)
            {
                throw new VectorOpsException(ErrorIds.InvalidSetting, VectorOpsErrorCategory.InvalidArgument,
                    $"'{path}' is not a usable file path: {ex.Message}", path);
            }
            if (!string.Equals(where?.Name, "FileSystem", StringComparison.OrdinalIgnoreCase))
                throw new VectorOpsException(ErrorIds.InvalidSetting, VectorOpsErrorCategory.InvalidArgument,
                    $"'{path}' is not a file-system path (it is on the {where?.Name} drive).", path);
            return resolved;
        }

        private void Fail(VectorOpsException ex) => ThrowTerminatingError(Hosting.HostDecisions.ToErrorRecord(ex));
    }
}
