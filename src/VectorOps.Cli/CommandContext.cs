using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using VectorOps.Commands;
using VectorOps.Connections;
using VectorOps.Errors;
using VectorOps.Filtering;
using VectorOps.Providers;
using VectorOps.Security;

namespace VectorOps.Cli
{
    /// <summary>What a command handler needs: console, host, options, and the connection built from them.</summary>
    internal sealed class CommandContext
    {
        public CommandContext(CliConsole console, CliHost host, ParsedOptions options)
        {
            Console = console;
            Host = host;
            Options = options;
        }

        public CliConsole Console { get; }
        public CliHost Host { get; }
        public ParsedOptions Options { get; }

        /// <summary>The profile --profile named, once <see cref="BuildSettings"/> has read it.</summary>
        public ConnectionProfile? BaseProfile { get; private set; }

        /// <summary>At most this many input errors are printed one by one; the rest are counted.</summary>
        public const int ShownInputErrors = VectorCommand.ShownErrors;

        /// <summary>
        /// Every --namespace given must be a real name: --namespace '' (or blank) is refused (EmptyNamespace), never
        /// read as "the default namespace" (leave the option out for that).
        /// </summary>
        public void CheckNamespaces()
        {
            foreach (var ns in Options.Values("namespace"))
                VectorCommand.RefuseBlankNamespace(ns, "--namespace: ");
        }

        /// <summary>The one namespace of commands that take one; null for the connection's default.</summary>
        public string? SingleNamespace()
        {
            CheckNamespaces();
            var all = Options.Values("namespace");
            if (all.Count > 1)
                throw new VectorOpsException(ErrorIds.InvalidArgument, VectorOpsErrorCategory.InvalidArgument,
                    $"'{Options.Command}' takes one --namespace here (repeat it only with clear, or with remove --filter/--prefix).", "--namespace");
            return all.Count == 1 ? all[0] : null;
        }

        /// <summary>The filter of --filter or --filter-file, parsed (errors are input errors); null when neither is given.</summary>
        public MetadataFilter? Filter()
        {
            var json = Options.Value("filter");
            var file = Options.Value("filter-file");
            if (json != null && file != null)
                throw new VectorOpsException(ErrorIds.InvalidArgument, VectorOpsErrorCategory.InvalidArgument,
                    "Give --filter or --filter-file, not both.", "--filter-file");
            if (file != null)
            {
                if (!File.Exists(file))
                    throw new VectorOpsException(ErrorIds.InputFileNotFound, VectorOpsErrorCategory.ObjectNotFound,
                        $"The filter file '{file}' does not exist.", file);
                json = File.ReadAllText(file);
            }
            if (json is null) return null;
            try
            {
                return MetadataFilter.ParseJson(json);
            }
            catch (VectorOpsException ex) when (ex.ErrorId == ErrorIds.EmptyFilter)
            {
                // Same error, with the CLI's way to empty a namespace instead of the cmdlet's.
                throw new VectorOpsException(ex.ErrorId, ex.Category,
                    "The filter is empty. An empty filter would match every record, so it is refused; to delete a whole namespace use 'vectorops clear --namespace NS'.",
                    ex.Target, ex);
            }
        }

        /// <summary>
        /// Builds the settings from the options and the environment and connects. Secrets come only from the
        /// environment or --api-key-file, and go straight into a <see cref="Secret"/>.
        /// </summary>
        public VectorConnection Connect()
        {
            var s = BuildSettings();
            var connection = ConnectCommand.Connect(s, makeDefault: false, Host);
            Host.WriteVerbose($"Connected to {connection.Provider} index '{connection.Index}' at {connection.Endpoint}" +
                              (connection.Profile is null ? "" : $" (profile '{connection.Profile}')") +
                              (connection.Credential is null ? "" : $" (credential {connection.Credential}, from {CredentialOrigin(connection.CredentialSource)})") +
                              $"; default namespace '{connection.Namespace}'.");
            return connection;
        }

        /// <summary>
        /// Connects to the index of a saved profile alone (copy and move's --to-profile): its provider, settings and
        /// namespace, its credential from where it says (an environment variable; a SecretManagement secret is refused,
        /// as with --profile), else the provider's variables. None of this command's options apply to it.
        /// </summary>
        public VectorConnection ConnectProfile(string name)
        {
            var profile = new ProfileStore().Get(name);
            var s = new ConnectionSettings { Names = CliSettingNames.Instance };
            profile.ApplyTo(s);
            s.Profile = profile.Name;
            if (profile.CredentialFrom is CredentialReference from && ProviderRegistry.Find(s.Provider)?.Credential is CredentialDescriptor credential &&
                !(from.Kind == CredentialReferenceKind.Secret && credential.AllEnvironmentVariables.Any(v => !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(v)))))
                ConnectionProfile.ReadCredential(s, from, r => throw new VectorOpsException(ErrorIds.SecretManagementUnavailable, VectorOpsErrorCategory.NotInstalled,
                    $"The profile '{profile.Name}' reads the {credential.DisplayName} from {r.Describe()}, and only PowerShell can read a SecretManagement secret " +
                    $"(Move-/Copy-VectorRecord -Destination). Give it to the CLI in " + string.Join(" or ", credential.AllEnvironmentVariables) + ".", r.Name));
            var connection = ConnectCommand.Connect(s, makeDefault: false, Host);
            Host.WriteVerbose($"Destination: {connection.Provider} index '{connection.Index}' at {connection.Endpoint} (profile '{profile.Name}')" +
                              (connection.Credential is null ? "" : $" (credential {connection.Credential}, from {CredentialOrigin(connection.CredentialSource)})") + ".");
            return connection;
        }

        /// <summary>
        /// The connection settings from the options: the shared ones by property, every provider setting given (an
        /// option built from the descriptors) by its setting name, read as the chosen provider's setting of that name
        /// declares. The registry (ProviderDescriptor.Prepare) refuses a setting the provider does not take
        /// (InvalidSetting), fills the others from their environment variables, and reads the credential's variables.
        /// </summary>
        internal ConnectionSettings BuildSettings(bool readCredential = true)
        {
            var o = Options;
            // A profile (--profile NAME) is the starting point: options given beside it override it, and it overrides
            // the VECTOROPS_PROVIDER and VECTOROPS_INDEX variables.
            var profile = BaseProfile = o.Value("profile") is string profileName ? new ProfileStore().Get(profileName) : null;
            var s = new ConnectionSettings
            {
                // Messages about settings name the CLI's options, not the cmdlets' parameters.
                Names = CliSettingNames.Instance,
            };
            if (profile != null)
            {
                var givenProvider = o.Value("provider");
                if (givenProvider != null && !(ProviderRegistry.Find(givenProvider)?.IsNamed(profile.Provider) ?? false))
                    throw new VectorOpsException(ErrorIds.InvalidArgument, VectorOpsErrorCategory.InvalidArgument,
                        $"The profile '{profile.Name}' is for {profile.Provider}, not {givenProvider}: leave --provider out, or run without the profile.", "--provider");
                profile.ApplyTo(s);
                s.Profile = profile.Name;
            }
            s.Provider = o.Value("provider") ?? profile?.Provider ?? Env("VECTOROPS_PROVIDER") ?? ProviderRegistry.DefaultProvider;
            s.Index = o.Value("index") ?? profile?.Index ?? Env("VECTOROPS_INDEX");
            s.RequestTimeout = o.Seconds("request-timeout") ?? s.RequestTimeout;
            s.MaxAttempts = o.Int("max-attempts", 1, 100) ?? s.MaxAttempts;
            s.RequestsPerSecond = o.PositiveNumber("requests-per-second") ?? s.RequestsPerSecond;
            s.CreateIfMissing = o.Has("create");
            if (s.Provider.Trim().Length == 0)
                throw new VectorOpsException(ErrorIds.UnknownProvider, VectorOpsErrorCategory.InvalidArgument,
                    "--provider is empty. Known providers: " + string.Join(", ", ProviderRegistry.Names) + ".", s.Provider);

            var provider = ProviderRegistry.Find(s.Provider);
            var spec = CommandTable.Find(o.Command);
            var given = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var option in spec?.CommonOptions ?? Array.Empty<OptionSpec>())
            {
                if (option.Settings is null || !o.Has(option.Name)) continue;
                var text = o.Value(option.Name)!;
                // The chosen provider's setting of this name reads the value; a provider without one gets it by the
                // name of a provider that has it, for the registry to refuse (InvalidSetting, naming its settings).
                var setting = provider?.FindSetting(option.Name);
                RefuseSecretInValue(option, text, provider);
                var name = setting?.Name ?? option.Settings[0].Setting.Name;
                if (given.TryGetValue(name, out var earlier))
                    throw new VectorOpsException(ErrorIds.InvalidArgument, VectorOpsErrorCategory.InvalidArgument,
                        $"Give {name} once: --{earlier} and --{option.Name} are the same setting.", "--" + option.Name);
                given[name] = option.Name;
                if (setting is null) s[name] = text;
                else s[name] = setting.Kind == SettingKind.Switch ? true : setting.ParseText(text, s.Names);
            }

            var namespaces = o.Values("namespace");
            CheckNamespaces();
            if (namespaces.Count == 1) s.DefaultNamespace = namespaces[0];

            if (!readCredential) return s;
            (s.Credential, s.CredentialSource) = ReadSecret();
            // Without --api-key-file, the profile's source; the descriptor's variables when it names none.
            // A vault the CLI cannot read yields to the provider's variables when one is set (the message offers them).
            if (s.Credential is null && profile?.CredentialFrom is CredentialReference from && ProviderRegistry.Find(s.Provider)?.Credential is CredentialDescriptor credential &&
                !(from.Kind == CredentialReferenceKind.Secret && credential.AllEnvironmentVariables.Any(v => !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(v)))))
                ConnectionProfile.ReadCredential(s, from, r => throw new VectorOpsException(ErrorIds.SecretManagementUnavailable, VectorOpsErrorCategory.NotInstalled,
                    $"The profile '{profile.Name}' reads the {credential.DisplayName} from {r.Describe()}, and only PowerShell can read a SecretManagement secret " +
                    $"(Connect-VectorIndex -Profile {profile.Name}). Give it to the CLI another way: --api-key-file FILE, or " +
                    string.Join(" or ", credential.AllEnvironmentVariables) + ".", r.Name));

            // Provider traces reach --verbose through the command run's trace sink (queued, shown on this thread).
            return s;
        }

        /// <summary>
        /// A setting's value that holds a secret (a connection string with a password: <see cref="SettingDescriptor.CarriesSecret"/>)
        /// is refused on the command line, as secret options are (the process list and shell history would show it),
        /// naming where the secret goes instead. The value itself is never echoed.
        /// </summary>
        private static void RefuseSecretInValue(OptionSpec option, string text, ProviderDescriptor? chosen)
        {
            var takers = option.Settings!.Where(t => t.Setting.HoldsSecret(text)).ToList();
            if (takers.Count == 0) return;
            var pick = takers.FirstOrDefault(t => ReferenceEquals(t.Provider, chosen));
            if (pick.Setting is null) pick = takers[0];
            var (owner, setting) = pick;
            var credential = owner.Credential;
            var secretPlace = credential is null ? "" :
                $"Leave the {credential.DisplayName} out of it and give it in " +
                (credential.AllEnvironmentVariables.Any() ? string.Join(" or ", credential.AllEnvironmentVariables) + ", or in a file with --api-key-file FILE" : "a file with --api-key-file FILE") +
                (setting.EnvironmentVariables.Count > 0 ? "; or" : ".");
            var wholeValue = setting.EnvironmentVariables.Count == 0 ? "" :
                (secretPlace.Length == 0 ? "Give" : " give") + " the whole value in " + string.Join(" or ", setting.EnvironmentVariables) + " instead.";
            throw new VectorOpsException(ErrorIds.InvalidArgument, VectorOpsErrorCategory.InvalidArgument,
                $"--{option.Name}: this value holds a secret, and secrets are never taken on the command line (the process list and shell history would show them). " +
                secretPlace + wholeValue,
                "--" + option.Name);
        }

        /// <summary>Where a credential came from, in the CLI's words: --api-key-file, or the variable's name.</summary>
        private static string CredentialOrigin(string? source)
        {
            const string environment = "Environment:";
            if (source == CredentialSources.File) return "--api-key-file";
            if (source != null && source.StartsWith("Secret:", StringComparison.Ordinal)) return source;
            if (source != null && source.StartsWith(environment, StringComparison.Ordinal)) return source.Substring(environment.Length);
            return source ?? CredentialSources.Parameter;
        }

        /// <summary>The key or token (from --api-key-file, or the provider's environment variable) and its source.</summary>
        private (Secret? Secret, string? Source) ReadSecret()
        {
            var file = Options.Value("api-key-file");
            if (file != null)
            {
                if (!File.Exists(file))
                    throw new VectorOpsException(ErrorIds.InputFileNotFound, VectorOpsErrorCategory.ObjectNotFound,
                        $"The API key file '{file}' does not exist.", file);
                WarnIfShared(file);
                var text = File.ReadAllText(file).Trim();
                if (text.Length == 0)
                    throw new VectorOpsException(ErrorIds.MissingCredential, VectorOpsErrorCategory.InvalidArgument,
                        $"The API key file '{file}' is empty.", file);
                return (Secret.FromPlainText(text), CredentialSources.File);
            }
            // Else the provider's descriptor reads its variables (ProviderDescriptor.Prepare).
            return (null, null);
        }

        private void WarnIfShared(string file)
        {
            if (OperatingSystem.IsWindows()) return;
            try
            {
                var mode = File.GetUnixFileMode(file);
                if ((mode & (UnixFileMode.GroupRead | UnixFileMode.OtherRead)) != 0)
                    Host.WriteWarning($"The API key file '{file}' is readable by other users; chmod 600 it.");
            }
            catch (IOException)
            {
                // Not worth failing over.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        private static string? Env(string name)
        {
            var v = Environment.GetEnvironmentVariable(name);
            return string.IsNullOrEmpty(v) ? null : v;
        }

        /// <summary>Reports one bad input line (or value), up to <see cref="ShownInputErrors"/>; counts them all.</summary>
        public void ReportInput(VectorOpsException ex, string where, ref int count)
        {
            count++;
            if (count <= ShownInputErrors)
                Host.WriteError(new VectorOpsError(ex.ErrorId, ex.Category, ex.Target,
                    new VectorOpsException(ex.ErrorId, ex.Category, where + ex.Message, ex.Target, ex)));
            else
                Host.Tally.InputErrors++;
        }

        /// <summary>After a validation pass: says how many more errors there were and that nothing was sent.</summary>
        public bool StopIfInvalid(int count, string nothing)
        {
            if (count == 0) return false;
            if (count > ShownInputErrors)
                Host.WriteInfo($"vectorops: ... and {count - ShownInputErrors:N0} more invalid line(s) not shown.");
            Host.WriteInfo($"vectorops: {count:N0} invalid input(s): {nothing}");
            return true;
        }
    }
}
