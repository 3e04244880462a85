using System;

namespace VectorOps.Providers
{
    /// <summary>A setting that a message may tell the user to give or change. Each front end spells it its own way.</summary>
    public enum Setting
    {
        /// <summary>The API key (Pinecone).</summary>
        ApiKey,
        /// <summary>The API token (Cloudflare).</summary>
        ApiToken,
        /// <summary>The Cloudflare account id.</summary>
        AccountId,
        /// <summary>The index name.</summary>
        Index,
        /// <summary>The index's data-plane host (Pinecone).</summary>
        IndexHost,
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
        /// <summary>The PowerShell module's spelling: -ApiKey, $env:PINECONE_API_KEY.</summary>
        public static SettingNames PowerShell { get; } = new PowerShellSettingNames();

        /// <summary>How the user gives the setting, e.g. "-ApiKey (a SecureString) or -Credential", "--api-key-file FILE".</summary>
        public abstract string Option(Setting setting);

        /// <summary>How the user sets an environment variable, e.g. "$env:PINECONE_API_KEY", "the PINECONE_API_KEY environment variable".</summary>
        public abstract string EnvironmentVariable(string name);

        private sealed class PowerShellSettingNames : SettingNames
        {
            public override string Option(Setting setting) => setting switch
            {
                Setting.ApiKey => "-ApiKey (a SecureString) or -Credential",
                Setting.ApiToken => "-ApiToken (a SecureString) or -Credential",
                Setting.AccountId => "-AccountId",
                Setting.Index => "-Index",
                Setting.IndexHost => "-IndexHost",
                Setting.RequestsPerSecond => "-RequestsPerSecond",
                Setting.ThrottleLimit => "-ThrottleLimit",
                Setting.MaxAttempts => "-MaxAttempts",
                Setting.RemoveNamespace => "-RemoveNamespace",
                Setting.Create => "-Create",
                _ => throw new ArgumentOutOfRangeException(nameof(setting), setting, null),
            };

            public override string EnvironmentVariable(string name) => "$env:" + name;
        }
    }
}
