using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using VectorOps.Errors;
using VectorOps.Providers;
using VectorOps.Security;

namespace VectorOps.Connections
{
    /// <summary>
    /// A saved connection: the provider, the settings every provider shares, the provider's own settings (as text, by
    /// their descriptor names) and where the credential comes from (<see cref="CredentialReference"/>), never the
    /// credential. A setting whose value holds a secret (<see cref="SettingDescriptor.CarriesSecret"/>) is refused
    /// when the profile is made, so no profile ever holds one. Kept by <see cref="ProfileStore"/>.
    /// </summary>
    public sealed class ConnectionProfile
    {
        /// <summary>The longest profile name.</summary>
        public const int MaxNameLength = 64;

        private static readonly Regex NamePattern = new Regex("^[A-Za-z0-9][A-Za-z0-9._-]*$", RegexOptions.CultureInvariant);

        internal ConnectionProfile(string name, string provider, IReadOnlyDictionary<string, string> settings)
        {
            Name = name;
            Provider = provider;
            Settings = settings;
        }

        public string Name { get; }

        /// <summary>The provider's name, as its descriptor spells it.</summary>
        public string Provider { get; }

        public string? Index { get; internal set; }

        /// <summary>The connection's default namespace; null: the provider's.</summary>
        public string? Namespace { get; internal set; }

        public TimeSpan? RequestTimeout { get; internal set; }

        public int? MaxAttempts { get; internal set; }

        public double? RequestsPerSecond { get; internal set; }

        /// <summary>The provider's own settings, by their descriptor names, as text (read with the descriptor when connecting).</summary>
        public IReadOnlyDictionary<string, string> Settings { get; }

        /// <summary>Where the credential is read from when connecting; null: the provider's environment variables (as without a profile).</summary>
        [System.Text.Json.Serialization.JsonIgnore]
        public CredentialReference? CredentialFrom { get; internal set; }

        /// <summary>The text form of <see cref="CredentialFrom"/> ("Environment:NAME", "Secret:NAME@VAULT"), for views.</summary>
        public string? CredentialSource => CredentialFrom?.ToString();

        /// <summary>When it was saved (UTC).</summary>
        public DateTimeOffset? SavedAt { get; internal set; }

        public override string ToString() => $"{Name} ({Provider}:{Index})";

        /// <summary>
        /// The name, checked: 1 to 64 letters, digits, '.', '-' or '_', starting with a letter or digit (so it never
        /// holds a wildcard or a path). InvalidProfileName otherwise.
        /// </summary>
        public static string CheckName(string? name)
        {
            var n = name?.Trim() ?? "";
            if (n.Length == 0 || n.Length > MaxNameLength || !NamePattern.IsMatch(n))
                throw new VectorOpsException(ErrorIds.InvalidProfileName, VectorOpsErrorCategory.InvalidArgument,
                    $"'{name}' is not a profile name: use 1 to {MaxNameLength} letters, digits, '.', '-' or '_', starting with a letter or digit.", name);
            return n;
        }

        /// <summary>
        /// A profile of the given settings: the provider (UnknownProvider), the shared settings, every provider
        /// setting given (InvalidSetting for one the provider does not take; each value checked as the descriptor
        /// says), and where the credential comes from. A value that holds a secret is refused (ProfileHoldsSecret)
        /// and never echoed; the credential itself (<see cref="ConnectionSettings.Credential"/>) is never read.
        /// </summary>
        public static ConnectionProfile FromSettings(string name, ConnectionSettings settings, CredentialReference? credentialFrom)
        {
            if (settings is null) throw new ArgumentNullException(nameof(settings));
            name = CheckName(name);
            var descriptor = ProviderRegistry.Get(settings.Provider);
            var names = settings.Names;
            var values = new SortedDictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var pair in settings.Values)
            {
                if (pair.Value is null) continue;
                var setting = descriptor.FindSetting(pair.Key) ?? throw new VectorOpsException(ErrorIds.InvalidSetting, VectorOpsErrorCategory.InvalidArgument,
                    $"{descriptor.Name} has no setting '{pair.Key}'.", pair.Key);
                var text = ToText(setting, setting.Normalize(pair.Value, names));
                if (setting.HoldsSecret(text))
                    throw new VectorOpsException(ErrorIds.ProfileHoldsSecret, VectorOpsErrorCategory.InvalidArgument,
                        $"The value of {names.Option(setting)} holds a secret, and a profile never stores one. Save the profile without the secret in it " +
                        (setting.EnvironmentVariables.Count > 0 ? $"(leave {names.Option(setting)} out and it is read from {string.Join(" or ", setting.EnvironmentVariables)} when connecting, " : "(") +
                        "and name where the credential comes from: an environment variable or a SecretManagement secret).",
                        setting.Name);
                values[setting.Name] = text;
            }
            if (settings.DefaultNamespace != null && settings.DefaultNamespace.Trim().Length == 0)
                throw new VectorOpsException(ErrorIds.EmptyNamespace, VectorOpsErrorCategory.InvalidArgument,
                    $"The namespace '{settings.DefaultNamespace}' is empty. Name a namespace, or leave it out to use the provider's default one.", settings.DefaultNamespace);
            if (settings.Index != null && settings.Index.Trim().Length == 0)
                throw new VectorOpsException(ErrorIds.InvalidIndexName, VectorOpsErrorCategory.InvalidArgument, "The index name is blank.", settings.Index);
            if (settings.RequestTimeout is TimeSpan t && t <= TimeSpan.Zero)
                throw new VectorOpsException(ErrorIds.InvalidArgument, VectorOpsErrorCategory.InvalidArgument, "RequestTimeout must be positive.", t);
            if (settings.MaxAttempts is int m && m < 1)
                throw new VectorOpsException(ErrorIds.InvalidArgument, VectorOpsErrorCategory.InvalidArgument, "MaxAttempts is at least 1.", m);
            if (settings.RequestsPerSecond is double r && (!(r > 0) || double.IsInfinity(r)))
                throw new VectorOpsException(ErrorIds.InvalidArgument, VectorOpsErrorCategory.InvalidArgument, "RequestsPerSecond must be a positive number.", settings.RequestsPerSecond);
            if (credentialFrom != null && descriptor.Credential is null)
                throw new VectorOpsException(ErrorIds.InvalidSetting, VectorOpsErrorCategory.InvalidArgument,
                    $"{descriptor.Name} takes no credential, so a profile of it names no place to read one from ({credentialFrom}).", credentialFrom.ToString());
            return new ConnectionProfile(name, descriptor.Name, values)
            {
                Index = settings.Index?.Trim(),
                Namespace = settings.DefaultNamespace,
                RequestTimeout = settings.RequestTimeout,
                MaxAttempts = settings.MaxAttempts,
                RequestsPerSecond = settings.RequestsPerSecond,
                CredentialFrom = credentialFrom,
                SavedAt = DateTimeOffset.UtcNow,
            };
        }

        /// <summary>
        /// A profile of an open connection: what was given to connect (not what the provider read from its
        /// environment variables, which it reads again when the profile connects), and where its credential came
        /// from when that was a variable or a secret (a key given directly or in a file is not recorded anywhere:
        /// name its source with <paramref name="credentialFrom"/>, or the profile reads the provider's variables).
        /// </summary>
        public static ConnectionProfile FromConnection(string name, VectorConnection connection, CredentialReference? credentialFrom = null)
        {
            if (connection is null) throw new ArgumentNullException(nameof(connection));
            var given = connection.Given ?? throw new VectorOpsException(ErrorIds.InvalidArgument, VectorOpsErrorCategory.InvalidArgument,
                "This connection was not opened by Connect-VectorIndex or the CLI, so what it was given is not known; describe the profile with parameters.", connection.ToString());
            if (credentialFrom is null && connection.CredentialSource is string source &&
                (source.StartsWith("Environment:", StringComparison.Ordinal) || source.StartsWith("Secret:", StringComparison.Ordinal)))
                credentialFrom = CredentialReference.Parse(source);
            return FromSettings(name, given, credentialFrom);
        }

        /// <summary>
        /// Fills <paramref name="target"/> from the profile (provider, index, namespace, timeouts, rate, the provider's
        /// settings, each read as its descriptor says); the front end then sets what was given beside the profile,
        /// which overrides. The credential is read by <see cref="ReadCredential"/>.
        /// </summary>
        public void ApplyTo(ConnectionSettings target)
        {
            if (target is null) throw new ArgumentNullException(nameof(target));
            var descriptor = ProviderRegistry.Get(Provider);
            target.Provider = descriptor.Name;
            target.Index = Index;
            target.DefaultNamespace = Namespace;
            target.RequestTimeout = RequestTimeout;
            target.MaxAttempts = MaxAttempts;
            target.RequestsPerSecond = RequestsPerSecond;
            foreach (var pair in Settings)
            {
                var setting = descriptor.FindSetting(pair.Key) ?? throw new VectorOpsException(ErrorIds.InvalidSetting, VectorOpsErrorCategory.InvalidArgument,
                    $"The profile '{Name}' gives {descriptor.Name} a setting '{pair.Key}' it does not take (any more): save the profile again.", pair.Key);
                target[setting.Name] = setting.ParseText(pair.Value, target.Names);
            }
        }

        /// <summary>
        /// Reads the credential <paramref name="from"/> names into <paramref name="target"/> (with it as the
        /// CredentialSource): an environment variable (set and not blank, else MissingCredential naming it), or a
        /// secret through <paramref name="readSecret"/>, the front end's way to call Get-Secret (it throws
        /// SecretManagementUnavailable or SecretNotFound itself; null back is SecretNotFound).
        /// </summary>
        public static void ReadCredential(ConnectionSettings target, CredentialReference from, Func<CredentialReference, Secret?> readSecret)
        {
            if (target is null) throw new ArgumentNullException(nameof(target));
            if (from is null) throw new ArgumentNullException(nameof(from));
            Secret? secret;
            if (from.Kind == CredentialReferenceKind.Environment)
            {
                secret = Secret.FromPlainText(Environment.GetEnvironmentVariable(from.Name)?.Trim());
                if (secret is null)
                    throw new VectorOpsException(ErrorIds.MissingCredential, VectorOpsErrorCategory.InvalidArgument,
                        $"The credential is to be read from {from.Describe()}, which is not set (or blank). Set {target.Names.EnvironmentVariable(from.Name)}, or give the credential another way.",
                        from.Name);
            }
            else
            {
                secret = (readSecret ?? throw new ArgumentNullException(nameof(readSecret)))(from);
                if (secret is null)
                    throw new VectorOpsException(ErrorIds.SecretNotFound, VectorOpsErrorCategory.ObjectNotFound,
                        $"{Capital(from.Describe())} is empty or was not found.", from.Name);
            }
            target.Credential = secret;
            target.CredentialSource = from.ToString();
        }

        private static string Capital(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s.Substring(1);

        /// <summary>A checked value as the text its descriptor reads back (invariant culture; file paths made absolute).</summary>
        internal static string ToText(SettingDescriptor setting, object value) => value switch
        {
            Uri u => u.IsAbsoluteUri ? u.AbsoluteUri : u.OriginalString,
            bool b => b ? "true" : "false",
            int i => i.ToString(CultureInfo.InvariantCulture),
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            TimeSpan ts => ts.TotalSeconds.ToString("R", CultureInfo.InvariantCulture),
            string s when setting.Kind == SettingKind.FilePath => Path.GetFullPath(s),
            _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
        };

        /// <summary>True when <paramref name="name"/> has wildcard characters (* ? [), which no profile name has.</summary>
        public static bool IsPattern(string? name) => name != null && name.IndexOfAny(new[] { '*', '?', '[' }) >= 0;

        /// <summary>True when <paramref name="name"/> matches the wildcard <paramref name="pattern"/> (* ? [abc], case-insensitive).</summary>
        public static bool Matches(string pattern, string name)
        {
            var regex = new System.Text.StringBuilder("^");
            for (var i = 0; i < pattern.Length; i++)
            {
                var c = pattern[i];
                if (c == '*') regex.Append(".*");
                else if (c == '?') regex.Append('.');
                else if (c == '[' && pattern.IndexOf(']', i + 1) is int close && close > i + 1)
                {
                    regex.Append('[').Append(pattern.Substring(i + 1, close - i - 1).Replace("\\", "\\\\")).Append(']');
                    i = close;
                }
                else regex.Append(Regex.Escape(c.ToString()));
            }
            regex.Append('$');
            return Regex.IsMatch(name, regex.ToString(), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        }
    }
}
