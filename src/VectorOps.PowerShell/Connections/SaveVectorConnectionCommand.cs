using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using VectorOps.Connections;
using VectorOps.Errors;
using VectorOps.PowerShell.Input;
using VectorOps.Providers;

namespace VectorOps.PowerShell.Cmdlets
{
    /// <summary>
    /// <para type="synopsis">Saves a connection as a named profile (never its secret) for Connect-VectorIndex -Profile and vectorops --profile.</para>
    /// </summary>
    /// <remarks>
    /// Saves the session's default connection, the one given with -Connection, or one described by Connect-VectorIndex's
    /// parameters (-Provider and the provider's settings; nothing is connected). The credential is never saved: the
    /// profile names where it comes from (-SecretVariable, -SecretName; a connection whose key came from a variable
    /// keeps that variable). The checks and the file are the core's (<see cref="ConnectionProfile"/>, <see cref="ProfileStore"/>).
    /// </remarks>
    [Cmdlet(VerbsData.Save, "VectorConnection", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = ConnectionSet)]
    [OutputType(typeof(ConnectionProfile))]
    public sealed class SaveVectorConnectionCommand : PSCmdlet, IDynamicParameters
    {
        private const string ConnectionSet = "Connection";
        private const string DescribeSet = "Describe";

        private IReadOnlyList<ProviderParameter> _parameters = Array.Empty<ProviderParameter>();
        private RuntimeDefinedParameterDictionary? _dynamic;
        private ProviderDescriptor? _descriptor;

        /// <summary>The profile's name: letters, digits, '.', '-' and '_'.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ArgumentCompleter(typeof(ProfileNameCompleter))]
        public string Name { get; set; } = "";

        /// <summary>The connection to save (default: the session's default connection).</summary>
        [Parameter(ParameterSetName = ConnectionSet, ValueFromPipeline = true)]
        [ValidateNotNull]
        public VectorConnection? Connection { get; set; }

        /// <summary>Describes the connection instead of taking an open one: the provider (then its settings as parameters).</summary>
        [Parameter(Mandatory = true, ParameterSetName = DescribeSet)]
        [ArgumentCompleter(typeof(ProviderNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string Provider { get; set; } = ProviderRegistry.DefaultProvider;

        /// <summary>The index (collection) name.</summary>
        [Parameter(ParameterSetName = DescribeSet)]
        [ValidateNotNullOrEmpty]
        [Alias("IndexName")]
        public string? Index { get; set; }

        /// <summary>The connection's default namespace.</summary>
        [Parameter(ParameterSetName = DescribeSet)]
        [AllowNull]
        [AllowEmptyString]
        public string? Namespace { get; set; }

        /// <summary>Per-request timeout: a TimeSpan or a number of seconds.</summary>
        [Parameter(ParameterSetName = DescribeSet)]
        [SecondsTransformation]
        public TimeSpan? RequestTimeout { get; set; }

        /// <summary>Most attempts of one request, retries included.</summary>
        [Parameter(ParameterSetName = DescribeSet)]
        [ValidateRange(1, 20)]
        public int? MaxAttempts { get; set; }

        /// <summary>Requests per second this client allows itself.</summary>
        [Parameter(ParameterSetName = DescribeSet)]
        [ValidateRange(0.001, 1000000.0)]
        public double? RequestsPerSecond { get; set; }

        /// <summary>The credential is read from this environment variable when the profile connects.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? SecretVariable { get; set; }

        /// <summary>The credential is read from this SecretManagement secret (Get-Secret) when the profile connects in PowerShell.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
                public string? SecretName { get; set; }

        /// <summary>The vault of -SecretName (default: whichever registered vault has it).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Vault { get; set; }

        /// <summary>Replace a profile of the same name.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Write the saved profile to the pipeline.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>The provider's own settings (not its credential: a profile never holds one), with -Provider.</summary>
        public object? GetDynamicParameters()
        {
            if (!MyInvocation.BoundParameters.ContainsKey(nameof(Provider))) return null;
            _descriptor = ProviderRegistry.Find(Provider);
            _parameters = _descriptor is null ? Array.Empty<ProviderParameter>() : ProviderParameters.For(_descriptor).Where(p => p.Credential is null).ToList();
            _dynamic = new RuntimeDefinedParameterDictionary();
            foreach (var p in _parameters)
            {
                var runtime = p.ToRuntimeParameter();
                foreach (var attribute in runtime.Attributes.OfType<ParameterAttribute>()) attribute.ParameterSetName = DescribeSet;
                _dynamic.Add(p.Name, runtime);
            }
            return _dynamic;
        }

        private VectorConnection? _piped;

        protected override void ProcessRecord()
        {
            if (Connection != null) _piped = Connection;
        }

        protected override void EndProcessing()
        {
            try
            {
                Save();
            }
            catch (VectorOpsException ex)
            {
                ThrowTerminatingError(Hosting.HostDecisions.ToErrorRecord(ex));
            }
        }

        private void Save()
        {
            var name = ConnectionProfile.CheckName(Name);
            if (SecretVariable != null && SecretName != null)
                throw new VectorOpsException(ErrorIds.InvalidArgument, VectorOpsErrorCategory.InvalidArgument,
                    "Give -SecretVariable or -SecretName, not both: a profile reads its credential from one place.", nameof(SecretName));
            if (Vault != null && SecretName is null)
                throw new VectorOpsException(ErrorIds.InvalidArgument, VectorOpsErrorCategory.InvalidArgument,
                    "-Vault is the vault of -SecretName: give the secret's name too.", Vault);
            var from = SecretName != null ? CredentialReference.FromSecret(SecretName, Vault)
                : SecretVariable != null ? CredentialReference.FromEnvironment(SecretVariable) : null;

            ConnectionProfile profile;
            VectorConnection? connection = null;
            if (ParameterSetName == DescribeSet)
            {
                var descriptor = _descriptor ?? ProviderRegistry.Get(Provider);
                var settings = new ConnectionSettings
                {
                    Provider = descriptor.Name,
                    Index = Index,
                    DefaultNamespace = Namespace ?? (MyInvocation.BoundParameters.ContainsKey(nameof(Namespace)) ? "" : null),
                    RequestTimeout = RequestTimeout,
                    MaxAttempts = MaxAttempts,
                    RequestsPerSecond = RequestsPerSecond,
                };
                ProviderParameters.Apply(descriptor, _parameters,
                    n => _dynamic != null && _dynamic.TryGetValue(n, out var p) && p.IsSet,
                    n => _dynamic![n].Value is object v ? InputNormalizer.EngineUnwrap(v) : null,
                    settings, path => SessionPaths.ToFileSystemPath(SessionState, path));
                profile = ConnectionProfile.FromSettings(name, settings, from);
            }
            else
            {
                connection = _piped ?? VectorSession.Current ?? throw new VectorOpsException(ErrorIds.NotConnected, VectorOpsErrorCategory.InvalidOperation,
                    "There is no connection to save: run Connect-VectorIndex first, pass -Connection, or describe it with -Provider and its settings.", null);
                profile = ConnectionProfile.FromConnection(name, connection, from);
            }

            var store = new ProfileStore();
            var existing = store.Find(profile.Name);
            if (existing != null && !Force)
                throw new VectorOpsException(ErrorIds.ProfileExists, VectorOpsErrorCategory.ResourceExists,
                    $"A profile named '{existing.Name}' is saved already ({existing.Provider}, index '{existing.Index}'); add -Force to replace it.", profile.Name);
            var what = $"profile '{profile.Name}' ({profile.Provider}, index '{profile.Index}'" +
                       (profile.CredentialSource is null ? "" : ", credential from " + profile.CredentialSource) + $") in {store.FilePath}";
            if (!ShouldProcess(what, existing is null ? "Save" : "Replace")) return;
            store.Save(profile, Force);
            WriteVerbose($"Saved {what}.");
            if (connection != null && profile.CredentialFrom is null && connection.Credential != null)
                WriteWarning($"The profile '{profile.Name}' does not keep the credential this connection was given ({connection.CredentialSource}); " +
                             "when it connects, the provider's environment variables are read. Name where it comes from with -SecretVariable or -SecretName.");
            if (PassThru) WriteObject(profile);
        }
    }
}
