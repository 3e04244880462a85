using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Linq;
using System.Management.Automation;
using System.Security;
using VectorOps.Providers;

namespace VectorOps.PowerShell.Input
{
    /// <summary>
    /// One parameter Connect-VectorIndex offers for a provider, read from its descriptor: a setting
    /// (<see cref="SettingDescriptor"/>) or its credential (<see cref="CredentialDescriptor"/>). Engine-free, so the
    /// tests and the help generator read the same declaration the cmdlet turns into a RuntimeDefinedParameter.
    /// </summary>
    public sealed class ProviderParameter
    {
        internal ProviderParameter(string name, Type type, string help)
        {
            Name = name;
            Type = type;
            Help = help;
        }

        public string Name { get; }

        /// <summary>string, Uri, int, double, SwitchParameter, TimeSpan, SecureString (object for an unknown provider).</summary>
        public Type Type { get; }

        public IReadOnlyList<string> Aliases { get; internal set; } = Array.Empty<string>();

        /// <summary>The parameter set (the credential's, exclusive with -Credential); null = every set.</summary>
        public string? ParameterSet { get; internal set; }

        /// <summary>ValidateRange bounds (int or double), null when the setting has none.</summary>
        public object? Minimum { get; internal set; }

        public object? Maximum { get; internal set; }

        /// <summary>ValidateSet values (the setting takes only its suggested values).</summary>
        public IReadOnlyList<string> ValidValues { get; internal set; } = Array.Empty<string>();

        /// <summary>Values tab completion offers (through <see cref="SettingValueCompleter"/>) when any value is accepted.</summary>
        public IReadOnlyList<string> SuggestedValues { get; internal set; } = Array.Empty<string>();

        /// <summary>True for a duration: numbers are seconds (<see cref="SecondsTransformationAttribute"/>).</summary>
        public bool TakesSeconds { get; internal set; }

        /// <summary>True for a file path: resolved against the session's current location.</summary>
        public bool IsPath { get; internal set; }

        /// <summary>The help text (the setting's FullHelp, or the credential's, with its variables).</summary>
        public string Help { get; }

        /// <summary>The setting it gives; null for the credential (and for the union offered for an unknown provider).</summary>
        public SettingDescriptor? Setting { get; internal set; }

        /// <summary>The credential it gives; null for a setting.</summary>
        public CredentialDescriptor? Credential { get; internal set; }

        /// <summary>The engine's form of this declaration.</summary>
        public RuntimeDefinedParameter ToRuntimeParameter()
        {
            var attributes = new Collection<Attribute>
            {
                new ParameterAttribute { ParameterSetName = ParameterSet ?? ParameterAttribute.AllParameterSets, HelpMessage = Help },
            };
            if (Aliases.Count > 0) attributes.Add(new AliasAttribute(Aliases.ToArray()));
            if (Type == typeof(string)) attributes.Add(new ValidateNotNullOrEmptyAttribute());
            else if (Type != typeof(SwitchParameter) && Type != typeof(object)) attributes.Add(new ValidateNotNullAttribute());
            if (Minimum != null && Maximum != null) attributes.Add(new ValidateRangeAttribute(Minimum, Maximum));
            if (ValidValues.Count > 0) attributes.Add(new ValidateSetAttribute(ValidValues.ToArray()));
            else if (SuggestedValues.Count > 0) attributes.Add(new ArgumentCompleterAttribute(typeof(SettingValueCompleter)));
            if (TakesSeconds) attributes.Add(new SecondsTransformationAttribute());
            return new RuntimeDefinedParameter(Name, Type, attributes);
        }

        public override string ToString() => Name;
    }

    /// <summary>
    /// Connect-VectorIndex's provider parameters, from the descriptors in <see cref="ProviderRegistry"/>: one per
    /// setting, typed by its <see cref="SettingKind"/>, and the credential as a SecureString in a parameter set
    /// exclusive with -Credential. Nothing here names a provider: a provider registered at run time gets its
    /// parameters without a change to the module.
    /// </summary>
    public static class ProviderParameters
    {
        /// <summary>The set of a provider's own credential parameter (-ApiKey, -ApiToken ...); the cmdlet's default.</summary>
        public const string SecretSet = "Secret";

        /// <summary>The set of -Credential (a PSCredential whose password is the secret).</summary>
        public const string CredentialSet = "Credential";

        /// <summary>
        /// The names (and aliases) of Connect-VectorIndex's static parameters and PowerShell's common parameters: a
        /// descriptor setting may not take one of them.
        /// </summary>
        public static readonly IReadOnlyCollection<string> Reserved = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "Provider", "Index", "IndexName", "Namespace", "Credential", "RequestTimeout", "MaxAttempts", "RequestsPerSecond",
            "Create", "PassThru", "Profile", "SecretName", "Vault", "Name", "Force", "SecretVariable", "Connection",
            "Verbose", "vb", "Debug", "db", "ErrorAction", "ea", "WarningAction", "wa", "InformationAction", "infa",
            "ProgressAction", "proga", "ErrorVariable", "ev", "WarningVariable", "wv", "InformationVariable", "iv",
            "OutVariable", "ov", "OutBuffer", "ob", "PipelineVariable", "pv", "WhatIf", "wi", "Confirm", "cf",
        };

        /// <summary>The parameters of one provider: its settings in declared order, then its credential.</summary>
        public static IReadOnlyList<ProviderParameter> For(ProviderDescriptor descriptor)
        {
            if (descriptor is null) throw new ArgumentNullException(nameof(descriptor));
            var result = new List<ProviderParameter>();
            foreach (var setting in descriptor.Settings) result.Add(FromSetting(setting));
            if (descriptor.Credential is CredentialDescriptor credential)
            {
                result.Add(new ProviderParameter(credential.Name, typeof(SecureString), CredentialHelp(credential))
                {
                    ParameterSet = SecretSet,
                    Credential = credential,
                });
            }
            CheckNames(descriptor.Name, result);
            return result;
        }

        /// <summary>
        /// What is offered while -Provider names no known provider: every registered provider's parameter names and
        /// aliases, untyped and unchecked, so that the binder accepts the line and the cmdlet reports UnknownProvider
        /// (with the closest names) instead of a parameter it cannot find.
        /// </summary>
        public static IReadOnlyList<ProviderParameter> ForUnknownProvider()
        {
            var all = ProviderRegistry.Providers.SelectMany(p => For(p)).ToList();
            var names = new HashSet<string>(all.Select(p => p.Name), StringComparer.OrdinalIgnoreCase);
            var taken = new HashSet<string>(names, StringComparer.OrdinalIgnoreCase);
            var result = new List<ProviderParameter>();
            foreach (var group in all.GroupBy(p => p.Name, StringComparer.OrdinalIgnoreCase))
            {
                var aliases = group.SelectMany(p => p.Aliases).Where(a => taken.Add(a)).ToList();
                var first = group.First();
                result.Add(new ProviderParameter(first.Name, typeof(object), first.Help)
                {
                    Aliases = aliases,
                    ParameterSet = first.Credential != null ? SecretSet : null,
                });
            }
            return result;
        }

        /// <summary>The engine's dictionary of <paramref name="parameters"/>.</summary>
        public static RuntimeDefinedParameterDictionary ToDictionary(IEnumerable<ProviderParameter> parameters)
        {
            var dictionary = new RuntimeDefinedParameterDictionary();
            foreach (var p in parameters) dictionary.Add(p.Name, p.ToRuntimeParameter());
            return dictionary;
        }

        /// <summary>The PowerShell type a setting binds as.</summary>
        public static Type ParameterType(SettingKind kind) => kind switch
        {
            SettingKind.Uri => typeof(Uri),
            SettingKind.Integer => typeof(int),
            SettingKind.Number => typeof(double),
            SettingKind.Switch => typeof(SwitchParameter),
            SettingKind.Duration => typeof(TimeSpan),
            _ => typeof(string),
        };

        private static ProviderParameter FromSetting(SettingDescriptor setting)
        {
            var p = new ProviderParameter(setting.Name, ParameterType(setting.Kind), setting.FullHelp)
            {
                Aliases = setting.Aliases.ToList(),
                Setting = setting,
                TakesSeconds = setting.Kind == SettingKind.Duration,
                IsPath = setting.Kind == SettingKind.FilePath,
            };
            if (setting.SuggestedValues.Count > 0)
            {
                if (setting.OnlySuggestedValues) p.ValidValues = setting.SuggestedValues.ToList();
                else p.SuggestedValues = setting.SuggestedValues.ToList();
            }
            var bounded = setting.Minimum > double.MinValue || setting.Maximum < double.MaxValue;
            if (bounded && setting.Kind == SettingKind.Integer)
            {
                p.Minimum = (int)Math.Max(setting.Minimum, int.MinValue);
                p.Maximum = (int)Math.Min(setting.Maximum, int.MaxValue);
            }
            else if (bounded && setting.Kind == SettingKind.Number)
            {
                p.Minimum = setting.Minimum;
                p.Maximum = setting.Maximum;
            }
            return p;
        }

        private static string CredentialHelp(CredentialDescriptor c) =>
            $"The {c.DisplayName}, as a SecureString (for example from Read-Host -AsSecureString or a secret vault); -Credential is the other way to give it. " +
            c.Help + " When neither is given: the environment variable " + string.Join(", then ", c.AllEnvironmentVariables) + ". " +
            "The connection shows it only masked, with where it came from (CredentialSource)." +
            (c.Required ? "" : " Optional.");

        private static void CheckNames(string provider, List<ProviderParameter> parameters)
        {
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var p in parameters)
                foreach (var name in new[] { p.Name }.Concat(p.Aliases))
                {
                    if (Reserved.Contains(name))
                        throw new InvalidOperationException($"The provider {provider} declares '{name}', a name Connect-VectorIndex already has: rename the setting in its descriptor.");
                    if (!seen.Add(name))
                        throw new InvalidOperationException($"The provider {provider} declares '{name}' twice (a setting, alias or credential).");
                }
        }

        /// <summary>
        /// Reads the bound dynamic parameters of <paramref name="descriptor"/> into <paramref name="settings"/> by
        /// setting name; returns the credential's SecureString when it was given. File paths are resolved by
        /// <paramref name="resolvePath"/>; a Uri PowerShell read as relative (a bare host name) is passed on as text,
        /// which the descriptor reads as the CLI does.
        /// </summary>
        public static SecureString? Apply(ProviderDescriptor descriptor, IReadOnlyList<ProviderParameter> parameters,
            Func<string, bool> isSet, Func<string, object?> valueOf, ConnectionSettings settings, Func<string, string> resolvePath)
        {
            SecureString? secret = null;
            foreach (var p in parameters)
            {
                if (!isSet(p.Name)) continue;
                var value = valueOf(p.Name);
                if (p.Credential != null)
                {
                    secret = value as SecureString;
                    continue;
                }
                var setting = p.Setting ?? descriptor.FindSetting(p.Name);
                if (setting is null) continue;
                switch (value)
                {
                    case null:
                        continue;
                    case SwitchParameter s:
                        value = s.IsPresent;
                        break;
                    case Uri u when !u.IsAbsoluteUri:
                        value = u.OriginalString;
                        break;
                    case string text when p.IsPath:
                        value = resolvePath(text);
                        break;
                }
                settings[setting.Name] = value;
            }
            return secret;
        }
    }
}
