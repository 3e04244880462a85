using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using VectorOps.Connections;

namespace VectorOps.PowerShell.Input
{
    /// <summary>
    /// Tab completion for -Namespace: the namespaces of the -Connection given on the line, else of the session's
    /// connection, where the provider lists them cheaply (see <see cref="NamespaceCompletion"/>).
    /// </summary>
    public sealed class NamespaceCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var given = fakeBoundParameters?["Connection"];
            var connection = (given is null ? null : InputNormalizer.EngineUnwrap(given)) as VectorConnection ?? VectorSession.Current;
            var typed = (wordToComplete ?? "").Trim('\'', '"');
            return NamespaceCompletion.Complete(connection, typed)
                .Select(n => new CompletionResult(Quote(n), n, CompletionResultType.ParameterValue, n));
        }

        /// <summary>Names with characters the parser would split on are single-quoted (quotes doubled).</summary>
        private static string Quote(string name) =>
            name.Length > 0 && name.All(c => char.IsLetterOrDigit(c) || c == '-' || c == '_' || c == '.')
                ? name
                : "'" + name.Replace("'", "''") + "'";
    }
}
