using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using VectorOps.Providers;

namespace VectorOps.PowerShell.Input
{
    /// <summary>
    /// Tab completion for Connect-VectorIndex -Provider: the providers registered in this session (their names; a
    /// prefix of an alias completes to the name it stands for), with each one's summary as the tooltip.
    /// </summary>
    public sealed class ProviderNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters) => Complete(wordToComplete)
            .Select(p => new CompletionResult(p.Name, p.Name, CompletionResultType.ParameterValue, p.Summary));

        /// <summary>The providers whose name or an alias starts with <paramref name="wordToComplete"/>, in registration order.</summary>
        public static IEnumerable<ProviderDescriptor> Complete(string? wordToComplete)
        {
            var prefix = (wordToComplete ?? "").Trim('\'', '"');
            return ProviderRegistry.Providers.Where(p => p.AllNames.Any(n => n.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)));
        }
    }

    /// <summary>
    /// Tab completion for a provider setting that suggests values (SettingDescriptor.SuggestedValues) but takes
    /// others too: the values of the setting named by the parameter, for the provider on the line.
    /// </summary>
    public sealed class SettingValueCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var named = fakeBoundParameters?["Provider"];
            var provider = ProviderRegistry.Find((named is null ? null : InputNormalizer.EngineUnwrap(named))?.ToString() ?? ProviderRegistry.DefaultProvider);
            var setting = provider?.FindSetting(parameterName);
            if (setting is null) return Array.Empty<CompletionResult>();
            var prefix = (wordToComplete ?? "").Trim('\'', '"');
            return setting.SuggestedValues
                .Where(v => v.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .Select(v => new CompletionResult(Quote(v), v, CompletionResultType.ParameterValue, setting.Help));
        }

        private static string Quote(string value) =>
            value.Length > 0 && value.All(c => char.IsLetterOrDigit(c) || c == '-' || c == '_' || c == '.' || c == ':' || c == '/')
                ? value
                : "'" + value.Replace("'", "''") + "'";
    }
}
