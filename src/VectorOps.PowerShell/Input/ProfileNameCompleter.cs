using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using VectorOps.Connections;
using VectorOps.Errors;

namespace VectorOps.PowerShell.Input
{
    /// <summary>
    /// Tab completion of a saved profile's name (Connect-VectorIndex -Profile, Remove-VectorConnection -Name,
    /// Get-VectorConnection -Name): the profiles whose name starts with what was typed, the provider and index as the
    /// tooltip. Nothing when the profile file cannot be read (the command itself says why).
    /// </summary>
    public sealed class ProfileNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            IReadOnlyList<ConnectionProfile> profiles;
            try
            {
                profiles = new ProfileStore().List();
            }
            catch (VectorOpsException)
            {
                return Array.Empty<CompletionResult>();
            }
            var prefix = (wordToComplete ?? "").Trim('\'', '"');
            return profiles
                .Where(p => p.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .Select(p => new CompletionResult(p.Name, p.Name, CompletionResultType.ParameterValue,
                    $"{p.Provider}, index '{p.Index}'" + (p.CredentialSource is null ? "" : $", credential from {p.CredentialSource}")));
        }
    }
}
