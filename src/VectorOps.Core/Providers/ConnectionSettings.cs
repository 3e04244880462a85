using System;
using System.Collections.Generic;
using VectorOps.Errors;
using VectorOps.Security;

namespace VectorOps.Providers
{
    /// <summary>
    /// What a front end collected to connect: the settings every provider shares (provider, index, namespace,
    /// timeout, attempts, rate, the credential) as properties, and the provider's own settings by name (declared in
    /// its <see cref="ProviderDescriptor"/>; the indexer). <see cref="ProviderRegistry.Create"/> checks them against
    /// the descriptor before the provider's factory reads them. Holds secrets only as <see cref="Secret"/>.
    /// </summary>
    public sealed class ConnectionSettings
    {
        private readonly Dictionary<string, object?> _values = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);

        /// <summary>The provider's name or one of its aliases (<see cref="ProviderRegistry.Names"/>); the default is the embedded store.</summary>
        public string Provider { get; set; } = ProviderRegistry.DefaultProvider;

        /// <summary>The descriptor of <see cref="Provider"/>, set by the registry before the factory runs.</summary>
        public ProviderDescriptor? Descriptor { get; internal set; }

        /// <summary>Index (collection, table) name.</summary>
        public string? Index { get; set; }

        /// <summary>The credential (API key, token, password), from the front end or, by the registry, from its environment variables.</summary>
        public Secret? Credential { get; set; }

        /// <summary>
        /// Where <see cref="Credential"/> came from, shown by the connection: <see cref="CredentialSources.Parameter"/>
        /// (null means that too), <see cref="CredentialSources.File"/>, or "Environment:NAME" when it was read from
        /// an environment variable. Never the value.
        /// </summary>
        public string? CredentialSource { get; set; }

        /// <summary>How the front end that built these settings spells them in messages (default: the module's).</summary>
        public SettingNames Names { get; set; } = SettingNames.PowerShell;

        /// <summary>Namespace used when a command names none; null means the provider's default.</summary>
        public string? DefaultNamespace { get; set; }

        /// <summary>
        /// Create the index (and its store) when it does not exist, where the provider can (its descriptor's
        /// CreatesIndexes). Without it a connection to an index that does not exist fails (IndexNotFound), so a
        /// misspelt name never becomes a new, empty index.
        /// </summary>
        public bool CreateIfMissing { get; set; }

        /// <summary>Per-request timeout.</summary>
        public TimeSpan? RequestTimeout { get; set; }

        /// <summary>Most attempts of one request (1 = no retry).</summary>
        public int? MaxAttempts { get; set; }

        /// <summary>Requests per second this client allows itself (null = the provider's published limit).</summary>
        public double? RequestsPerSecond { get; set; }

        /// <summary>
        /// A provider setting by its declared name (or alias, before the registry checks them): null when not given.
        /// Values are typed as the setting's <see cref="SettingDescriptor.ValueType"/> once checked.
        /// </summary>
        public object? this[string name]
        {
            get => _values.TryGetValue(name, out var v) ? v : null;
            set
            {
                if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("A setting has a name.", nameof(name));
                if (value is null) _values.Remove(name);
                else _values[name] = value;
            }
        }

        /// <summary>The provider settings given, by name.</summary>
        public IEnumerable<KeyValuePair<string, object?>> Values => _values;

        internal void ClearValues() => _values.Clear();

        /// <summary>The profile these settings were read from (shown by the connection); null when none was.</summary>
        public string? Profile { get; set; }

        /// <summary>
        /// A copy of the settings without the credential: the shared ones, and of the provider settings only those
        /// named in <paramref name="settingNames"/> (what was given, not what the registry read from the environment).
        /// </summary>
        internal ConnectionSettings CopyWithoutCredential(IEnumerable<string> settingNames)
        {
            var copy = new ConnectionSettings
            {
                Provider = Provider,
                Index = Index,
                DefaultNamespace = DefaultNamespace,
                RequestTimeout = RequestTimeout,
                MaxAttempts = MaxAttempts,
                RequestsPerSecond = RequestsPerSecond,
                Names = Names,
            };
            foreach (var name in settingNames)
                if (this[name] is object value) copy[name] = value;
            return copy;
        }

        /// <summary>A checked setting's value, or <paramref name="fallback"/> when it was not given.</summary>
        public T Get<T>(string name, T fallback) => this[name] is T value ? value : fallback;

        /// <summary>A checked reference-typed setting's value, or null.</summary>
        public T? Find<T>(string name) where T : class => this[name] as T;

        /// <summary>
        /// The credential, or MissingCredential (target = the first environment variable read) in the provider's
        /// words: what to pass, or which variable to set. Providers call it once every other setting is checked.
        /// </summary>
        public Secret RequireCredential()
        {
            if (Credential != null) return Credential;
            var c = Descriptor?.Credential ?? throw new InvalidOperationException("The provider declares no credential.");
            var variable = c.EnvironmentVariables.Count > 0 ? c.EnvironmentVariables[0] : CredentialDescriptor.GenericEnvironmentVariable;
            throw new VectorOpsException(ErrorIds.MissingCredential, VectorOpsErrorCategory.InvalidArgument,
                $"No {Descriptor!.Name} {c.DisplayName} was given. Pass {Names.Credential(c)}, or set {Names.EnvironmentVariable(variable)}. {c.Help}",
                variable);
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

        /// <summary>Read from an environment variable: "Environment:NAME".</summary>
        public static string Environment(string variable) => "Environment:" + variable;
    }
}
