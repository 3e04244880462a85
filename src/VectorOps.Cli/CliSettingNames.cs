using System;
using VectorOps.Providers;

namespace VectorOps.Cli
{
    /// <summary>
    /// The CLI's spelling of the settings core messages name (see <see cref="SettingNames"/>): its own options
    /// (CommandTable) and plain environment variable names, so no CLI user is told to pass a cmdlet parameter.
    /// </summary>
    internal sealed class CliSettingNames : SettingNames
    {
        public static readonly CliSettingNames Instance = new CliSettingNames();

        private CliSettingNames() { }

        public override string Option(Setting setting) => "--" + OptionName(setting);

        public override string Option(SettingDescriptor setting) => "--" + setting.OptionName;

        public override string Option(string settingName) => "--" + SettingDescriptor.Kebab(settingName);

        // Secrets never go on the command line: a file, or the environment.
        public override string Credential(CredentialDescriptor credential) => "--api-key-file FILE";

        /// <summary>The option (without the leading dashes) that gives the setting.</summary>
        public static string OptionName(Setting setting) => setting switch
        {
            Setting.Index => "index",
            Setting.RequestsPerSecond => "requests-per-second",
            Setting.ThrottleLimit => "throttle",
            Setting.MaxAttempts => "max-attempts",
            Setting.RemoveNamespace => "remove-namespace",
            Setting.Create => "create",
            _ => throw new ArgumentOutOfRangeException(nameof(setting), setting, null),
        };

        public override string EnvironmentVariable(string name) => $"the {name} environment variable";
    }
}
