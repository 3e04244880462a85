using System;

namespace VectorOps.Providers
{
    /// <summary>
    /// A setting every provider shares that a message may tell the user to give or change. Each front end spells it
    /// its own way. A provider's own settings are <see cref="SettingDescriptor"/>s, its credential a
    /// <see cref="CredentialDescriptor"/>.
    /// </summary>
    public enum Setting
    {
        /// <summary>The index name.</summary>
        Index,
        /// <summary>The requests per second this client allows itself.</summary>
        RequestsPerSecond,
        /// <summary>The requests in flight at once.</summary>
        ThrottleLimit,
        /// <summary>Most attempts of one request.</summary>
        MaxAttempts,
        /// <summary>Removing the namespace itself along with its records.</summary>
        RemoveNamespace,
        /// <summary>Creating the index when it does not exist (local store).</summary>
        Create,
    }

    /// <summary>
    /// How one front end names the settings and environment variables its users give, so that a message built in
    /// the core reads right wherever it is shown: the core names the <see cref="Setting"/>, the host's vocabulary
    /// spells it. The default, <see cref="PowerShell"/>, is the module's (Connect-VectorIndex and the cmdlets'
    /// parameters); the CLI passes its own in <see cref="ConnectionSettings.Names"/>. Never holds a value.
    /// </summary>
    public abstract class SettingNames
    {
        /// <summary>The PowerShell module's spelling: -Index, $env:NAME.</summary>
        public static SettingNames PowerShell { get; } = new PowerShellSettingNames();

        /// <summary>How the user gives a setting every provider shares, e.g. "-RequestsPerSecond", "--requests-per-second".</summary>
        public abstract string Option(Setting setting);

        /// <summary>How the user gives a provider's own setting, e.g. "-IndexHost", "--index-host URI".</summary>
        public abstract string Option(SettingDescriptor setting);

        /// <summary>How the user spells a setting known only by its name (one no provider descriptor declares), e.g. "-Path", "--path".</summary>
        public abstract string Option(string settingName);

        /// <summary>How the user gives the provider's credential, e.g. "-ApiKey (a SecureString) or -Credential", "--api-key-file FILE".</summary>
        public abstract string Credential(CredentialDescriptor credential);

        /// <summary>How the user sets an environment variable, e.g. "$env:NAME", "the NAME environment variable".</summary>
        public abstract string EnvironmentVariable(string name);

        private sealed class PowerShellSettingNames : SettingNames
        {
            public override string Option(Setting setting) => setting switch
            {
                Setting.Index => "-Index",
                Setting.RequestsPerSecond => "-RequestsPerSecond",
                Setting.ThrottleLimit => "-ThrottleLimit",
                Setting.MaxAttempts => "-MaxAttempts",
                Setting.RemoveNamespace => "-RemoveNamespace",
                Setting.Create => "-Create",
                _ => throw new ArgumentOutOfRangeException(nameof(setting), setting, null),
            };

            public override string Option(SettingDescriptor setting) => "-" + setting.Name;

            public override string Option(string settingName) => "-" + settingName;

            public override string Credential(CredentialDescriptor credential) => $"-{credential.Name} (a SecureString) or -Credential";

            public override string EnvironmentVariable(string name) => "$env:" + name;
        }
    }
}
