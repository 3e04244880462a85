using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using VectorOps.Errors;
using VectorOps.Security;

namespace VectorOps.Providers
{
    /// <summary>
    /// The credential a provider takes (an API key, a token, a database password): the parameter name it is given
    /// as in PowerShell (a SecureString, or -Credential's password), and the environment variables read when it is
    /// not given. Secrets never go on a command line: the CLI reads them from those variables or --api-key-file.
    /// </summary>
    public sealed class CredentialDescriptor
    {
        /// <summary>Read last, by every provider that takes a credential, when its own variables are not set.</summary>
        public const string GenericEnvironmentVariable = "VECTOROPS_API_KEY";

        public CredentialDescriptor(string name, string displayName, string help)
        {
            Name = name ?? throw new ArgumentNullException(nameof(name));
            DisplayName = displayName ?? throw new ArgumentNullException(nameof(displayName));
            Help = help ?? throw new ArgumentNullException(nameof(help));
        }

        /// <summary>PascalCase parameter name: ApiKey, ApiToken, Password.</summary>
        public string Name { get; }

        /// <summary>In a sentence: "API key", "API token".</summary>
        public string DisplayName { get; }

        /// <summary>Help text: what the credential is and what rights it needs.</summary>
        public string Help { get; }

        /// <summary>The provider's own variables, read in order before <see cref="GenericEnvironmentVariable"/>.</summary>
        public IReadOnlyList<string> EnvironmentVariables { get; set; } = Array.Empty<string>();

        /// <summary>True (the default) when a connection without it is refused (MissingCredential).</summary>
        public bool Required { get; set; } = true;

        /// <summary>
        /// True (the default) when <see cref="GenericEnvironmentVariable"/> is read after the provider's own variables.
        /// False for a credential that would be sent somewhere a stray API key must not go (a database password sent
        /// to whatever server the connection string names).
        /// </summary>
        public bool ReadsGenericVariable { get; set; } = true;

        /// <summary>Every variable read, in order.</summary>
        public IEnumerable<string> AllEnvironmentVariables =>
            ReadsGenericVariable ? EnvironmentVariables.Concat(new[] { GenericEnvironmentVariable }) : EnvironmentVariables;
    }

    /// <summary>
    /// Everything the front ends, the completers and the docs know about one provider, declared once in the
    /// provider's folder and registered in <see cref="ProviderRegistry"/>: names, settings, credential, whether it
    /// creates indexes, and its factory. The rest of the product reads descriptors; none of it names a provider.
    /// </summary>
    public sealed class ProviderDescriptor
    {
        public ProviderDescriptor(string name, string summary, Func<ConnectionSettings, IVectorProvider> create)
        {
            if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("A provider has a name.", nameof(name));
            Name = name;
            Summary = summary ?? throw new ArgumentNullException(nameof(summary));
            Create = create ?? throw new ArgumentNullException(nameof(create));
        }

        /// <summary>The name users type and connections show.</summary>
        public string Name { get; }

        /// <summary>Other names accepted for -Provider / --provider.</summary>
        public IReadOnlyList<string> Aliases { get; set; } = Array.Empty<string>();

        /// <summary>One line for help and completion tooltips.</summary>
        public string Summary { get; }

        /// <summary>The provider's own settings (beyond the shared ones in <see cref="ConnectionSettings"/>).</summary>
        public IReadOnlyList<SettingDescriptor> Settings { get; set; } = Array.Empty<SettingDescriptor>();

        /// <summary>The credential it takes; null when it takes none (a local file).</summary>
        public CredentialDescriptor? Credential { get; set; }

        /// <summary>
        /// True when the provider creates a missing index on request (-Create / --create). When false, the registry
        /// refuses CreateIfMissing with NotSupportedByProvider and <see cref="IndexesCreatedElsewhere"/>.
        /// </summary>
        public bool CreatesIndexes { get; set; }

        /// <summary>Where this provider's indexes are made, for the refusal of -Create ("in the vendor's console").</summary>
        public string IndexesCreatedElsewhere { get; set; } = "with the service's own tools";

        /// <summary>
        /// What it can do and where its limits are, in sentences for the help topic about_VectorOps_Providers (batch
        /// caps, filters it deletes by itself or refuses, writes applied later, pacing). Write them from the
        /// provider's constants, so a changed cap changes the help on regeneration.
        /// </summary>
        public IReadOnlyList<string> Limits { get; set; } = Array.Empty<string>();

        /// <summary>The factory: reads the checked settings and connects (may call the service).</summary>
        public Func<ConnectionSettings, IVectorProvider> Create { get; }

        /// <summary>
        /// True when the provider lists the indexes its settings reach in one cheap call (a table of the store file, a
        /// service's list of indexes), without naming one: Tab completion of -Index may do it on every Tab press.
        /// The optional operation it declares is <see cref="IndexLister"/>, called only through <see cref="ListIndexesAsync"/>.
        /// </summary>
        public bool ListsIndexesCheaply { get; set; }

        /// <summary>
        /// The listing of indexes, where <see cref="ListsIndexesCheaply"/> is true: the names of the indexes the checked
        /// settings reach (settings.Index is not read). Read only, creates nothing; throws VectorOpsException.
        /// </summary>
        public Func<ConnectionSettings, CancellationToken, Task<IReadOnlyList<string>>>? IndexLister { get; set; }

        /// <summary>
        /// The names of the indexes the settings reach: the settings are checked as for connecting (<see cref="Prepare"/>:
        /// values, environment variables, credential), then the provider lists them. NotSupported (Kit/Optional) where
        /// <see cref="ListsIndexesCheaply"/> is false.
        /// </summary>
        public Task<IReadOnlyList<string>> ListIndexesAsync(ConnectionSettings settings, CancellationToken cancellationToken)
        {
            if (settings is null) throw new ArgumentNullException(nameof(settings));
            if (!ListsIndexesCheaply || IndexLister is null)
                throw Kit.Optional.NotSupported(Name, "listing its indexes", nameof(ListsIndexesCheaply));
            Prepare(settings);
            return IndexLister(settings, cancellationToken);
        }

        /// <summary>Every name this provider answers to.</summary>
        public IEnumerable<string> AllNames => new[] { Name }.Concat(Aliases);

        public bool IsNamed(string name) => AllNames.Any(n => string.Equals(n, name?.Trim(), StringComparison.OrdinalIgnoreCase));

        /// <summary>The setting called <paramref name="name"/> (or one of its aliases, PascalCase or kebab case); null when none is.</summary>
        public SettingDescriptor? FindSetting(string name) => Settings.FirstOrDefault(s => s.Matches(name));

        /// <summary>
        /// What the registry does before the factory runs: refuses settings this provider does not take and -Create
        /// where it cannot create, checks every given value (names as the front end spells them), fills settings not
        /// given from their environment variables, and takes the credential from its variables when none was given
        /// (recording where it came from). Does not require the credential: the factory calls
        /// <see cref="ConnectionSettings.RequireCredential"/> when it is ready to, so other mistakes are reported first.
        /// </summary>
        public void Prepare(ConnectionSettings settings)
        {
            if (settings is null) throw new ArgumentNullException(nameof(settings));
            var names = settings.Names;
            settings.Provider = Name;
            settings.Descriptor = this;
            if (settings.CreateIfMissing && !CreatesIndexes)
                throw new VectorOpsException(ErrorIds.NotSupported, VectorOpsErrorCategory.InvalidArgument,
                    $"{Name} indexes are not created by VectorOps (create it {IndexesCreatedElsewhere}); {names.Option(Setting.Create)} applies only to providers that create indexes: " +
                    string.Join(", ", ProviderRegistry.Providers.Where(p => p.CreatesIndexes).Select(p => p.Name)) + ".",
                    settings.Index);

            var given = settings.Values.ToList();
            settings.ClearValues();
            foreach (var pair in given)
            {
                var setting = FindSetting(pair.Key);
                if (setting is null)
                    throw new VectorOpsException(ErrorIds.InvalidSetting, VectorOpsErrorCategory.InvalidArgument,
                        $"{Name} has no setting {names.Option(pair.Key)}." + (Settings.Count == 0 ? " It takes none beyond the shared ones." :
                            " Its settings: " + string.Join(", ", Settings.Select(s => names.Option(s))) + "."),
                        pair.Key);
                if (pair.Value is null) continue;
                settings[setting.Name] = setting.Normalize(pair.Value, names);
            }
            foreach (var setting in Settings)
            {
                if (settings[setting.Name] != null) continue;
                foreach (var variable in setting.EnvironmentVariables)
                {
                    var text = Environment.GetEnvironmentVariable(variable);
                    if (string.IsNullOrWhiteSpace(text)) continue;
                    settings[setting.Name] = setting.ParseText(text!, names);
                    break;
                }
            }

            if (Credential is null)
            {
                // A key given to a provider that takes none is a mistake (the wrong -Provider, most likely): refused,
                // never shown or sent. Keys in the environment are simply not read.
                if (settings.Credential != null)
                    throw new VectorOpsException(ErrorIds.InvalidSetting, VectorOpsErrorCategory.InvalidArgument,
                        $"{Name} takes no credential, but one was given ({settings.CredentialSource ?? CredentialSources.Parameter}). Leave it out, or name the provider it is for.",
                        settings.CredentialSource ?? CredentialSources.Parameter);
                return;
            }
            if (settings.Credential != null)
            {
                settings.CredentialSource ??= CredentialSources.Parameter;
                return;
            }
            foreach (var variable in Credential.AllEnvironmentVariables)
            {
                var raw = Environment.GetEnvironmentVariable(variable);
                if (raw is null) continue;
                // A variable that is set but blank is no credential (MissingCredential names it), not a reason to
                // fall through to the next one.
                var secret = Secret.FromPlainText(raw.Trim());
                if (secret is null) return;
                settings.Credential = secret;
                settings.CredentialSource = CredentialSources.Environment(variable);
                return;
            }
        }

        public override string ToString() => Name;
    }
}
