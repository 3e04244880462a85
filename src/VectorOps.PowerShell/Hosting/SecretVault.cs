using System;
using System.Collections;
using System.Linq;
using System.Management.Automation;
using System.Security;
using VectorOps.Connections;
using VectorOps.Errors;
using VectorOps.Security;

namespace VectorOps.PowerShell.Hosting
{
    /// <summary>
    /// Reads a credential from a SecretManagement vault: Get-Secret of the module Microsoft.PowerShell.SecretManagement,
    /// called in the caller's session (imported there first when it is installed but not loaded). The value goes
    /// straight into a <see cref="Secret"/>; nothing of it is written anywhere. No module: SecretManagementUnavailable;
    /// Get-Secret failing (no such secret, a locked vault): SecretNotFound with its message.
    /// </summary>
    internal static class SecretVault
    {
        public const string ModuleName = "Microsoft.PowerShell.SecretManagement";

        // Returns a hashtable so that nothing Get-Secret gives back is unrolled or formatted on the way. No Select-Object
        // -First here: its way of stopping upstream commands would stop the cmdlet's own pipeline, silently.
        private const string Script = @"
param([string] $Name, [string] $Vault, [string] $ModuleName)
$module = @(Get-Module -Name $ModuleName)[0]
if (-not $module) { $module = @(Import-Module -Name $ModuleName -PassThru -ErrorAction Ignore -WarningAction Ignore -Verbose:$false)[0] }
if (-not $module -or -not $module.ExportedCommands.ContainsKey('Get-Secret')) { return @{ Missing = $true } }
$arguments = @{ Name = $Name; ErrorAction = 'Stop' }
if ($Vault) { $arguments.Vault = $Vault }
try { @{ Value = @(& $module.ExportedCommands['Get-Secret'] @arguments) } }
catch { @{ Failure = $_.Exception.Message } }
";

        public static Secret? Read(PSCmdlet cmdlet, CredentialReference reference)
        {
            var results = cmdlet.InvokeCommand.InvokeScript(cmdlet.SessionState, ScriptBlock.Create(Script),
                reference.Name, reference.Vault ?? "", ModuleName);
            var answer = results.Select(r => r?.BaseObject).OfType<Hashtable>().FirstOrDefault();
            if (answer is null || answer.ContainsKey("Missing"))
                throw new VectorOpsException(ErrorIds.SecretManagementUnavailable, VectorOpsErrorCategory.NotInstalled,
                    $"The credential is to be read from {reference.Describe()}, which needs the module {ModuleName}; it is not loaded and cannot be imported. " +
                    $"Install it (Install-PSResource {ModuleName}) and register a vault, or give the credential another way (its parameter, -Credential, or an environment variable).",
                    reference.Name);
            if (answer["Failure"] is string failure)
                throw new VectorOpsException(ErrorIds.SecretNotFound, VectorOpsErrorCategory.ObjectNotFound,
                    $"Get-Secret could not read {reference.Describe()}: {failure}", reference.Name);
            var values = answer["Value"] as object[] ?? Array.Empty<object>();
            if (values.Length != 1)
                throw new VectorOpsException(ErrorIds.SecretNotFound, VectorOpsErrorCategory.ObjectNotFound,
                    $"Get-Secret gave {values.Length} values for {reference.Describe()}; one was expected.", reference.Name);
            var value = values[0] is PSObject ps ? ps.BaseObject : values[0];
            switch (value)
            {
                case SecureString secure:
                    return Secret.FromSecureString(secure);
                case string text:
                    return Secret.FromPlainText(text);
                case PSCredential credential:
                    return Secret.FromSecureString(credential.Password);
                default:
                    throw new VectorOpsException(ErrorIds.SecretNotFound, VectorOpsErrorCategory.InvalidData,
                        $"{reference.Describe()} holds a {value?.GetType().Name ?? "null"}; a credential is a SecureString, a string or a PSCredential.", reference.Name);
            }
        }
    }
}
