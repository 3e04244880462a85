using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;
using VectorOps.Connections;
using VectorOps.Providers;

namespace VectorOps.PowerShell.Input
{
    /// <summary>
    /// Tab completion for Connect-VectorIndex -Index: the indexes the provider on the line reaches with the settings
    /// typed on the line (constant values only: a store path, an endpoint) and its credential's environment
    /// variables, where the provider lists its indexes cheaply (see <see cref="IndexCompletion"/>). Never throws,
    /// never prompts, never creates anything, and waits at most <see cref="IndexCompletion.DefaultBudget"/>.
    /// </summary>
    public sealed class IndexCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            IReadOnlyList<string> names;
            try
            {
                var settings = SettingsOnTheLine(fakeBoundParameters);
                names = settings is null ? Array.Empty<string>() : IndexCompletion.Complete(settings, (wordToComplete ?? "").Trim('\'', '"'));
            }
            catch (Exception)
            {
                // A completer that throws shows the user nothing useful; one that offers nothing lets them type.
                names = Array.Empty<string>();
            }
            return names.Select(n => new CompletionResult(Quote(n), n, CompletionResultType.ParameterValue, n));
        }

        /// <summary>
        /// The provider and its settings as given on the line, or null when the provider is unknown or cannot list
        /// its indexes cheaply. A credential is never read from the line (it is a SecureString, not a constant).
        /// </summary>
        internal static ConnectionSettings? SettingsOnTheLine(IDictionary? fakeBoundParameters)
        {
            var given = Given(fakeBoundParameters);
            var descriptor = ProviderRegistry.Find(given.TryGetValue("Provider", out var p) ? p : ProviderRegistry.DefaultProvider);
            if (descriptor is null || !descriptor.ListsIndexesCheaply) return null;
            var settings = new ConnectionSettings { Provider = descriptor.Name };
            foreach (var setting in descriptor.Settings)
            {
                var value = given.Where(g => setting.Matches(g.Key)).Select(g => g.Value).FirstOrDefault();
                if (value is null) continue;
                settings[setting.Name] = setting.Kind == SettingKind.FilePath ? Resolve(value) : value;
            }
            return settings;
        }

        /// <summary>
        /// The constant values the engine bound for the parameters on the line (text and URIs; the provider's own
        /// parameters too, by their declared names, whatever alias or prefix was typed).
        /// </summary>
        private static Dictionary<string, string> Given(IDictionary? fakeBoundParameters)
        {
            var given = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (fakeBoundParameters is null) return given;
            foreach (DictionaryEntry entry in fakeBoundParameters)
            {
                var value = entry.Value is null ? null : InputNormalizer.EngineUnwrap(entry.Value);
                if (entry.Key is string key && (value is string || value is Uri)) given[key] = value.ToString()!;
            }
            return given;
        }

        /// <summary>A relative path against the session's current file-system location, as Connect-VectorIndex resolves it.</summary>
        private static string Resolve(string path)
        {
            if (path.Length == 0 || path == "~" || path.StartsWith("~/", StringComparison.Ordinal) || path.StartsWith("~\\", StringComparison.Ordinal) || Path.IsPathRooted(path))
                return path;
            try
            {
                // The completer runs on the pipeline thread with a pipeline running: the session state proxy refuses
                // ("A pipeline is already running"), a nested command on the current runspace answers.
                using var ps = System.Management.Automation.PowerShell.Create(RunspaceMode.CurrentRunspace);
                ps.AddCommand("Microsoft.PowerShell.Management\\Get-Location").AddParameter("PSProvider", "FileSystem");
                var here = ps.Invoke<PathInfo>().FirstOrDefault()?.ProviderPath;
                return string.IsNullOrEmpty(here) ? path : Path.Combine(here, path);
            }
            catch (Exception)
            {
                return path;
            }
        }

        /// <summary>Names with characters the parser would split on are single-quoted (quotes doubled).</summary>
        private static string Quote(string name) =>
            name.Length > 0 && name.All(c => char.IsLetterOrDigit(c) || c == '-' || c == '_' || c == '.')
                ? name
                : "'" + name.Replace("'", "''") + "'";
    }
}
