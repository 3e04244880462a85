using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using VectorOps.Providers;

namespace VectorOps.PowerShell.Input
{
    /// <summary>Tab completion for Connect-VectorIndex -Provider: the providers registered in this session.</summary>
    public sealed class ProviderNameCompleter : IArgumentCompleter
    {
        private static readonly string[] Known = { "Local", "Pinecone", "CloudflareVectorize" };

        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var prefix = (wordToComplete ?? "").Trim('\'', '"');
            return Known.Concat(ProviderRegistry.Names)
                .Distinct(System.StringComparer.OrdinalIgnoreCase)
                .Where(n => n.StartsWith(prefix, System.StringComparison.OrdinalIgnoreCase))
                .Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, n));
        }
    }
}
