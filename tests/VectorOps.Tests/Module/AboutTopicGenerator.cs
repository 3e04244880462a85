using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using VectorOps.Providers;

namespace VectorOps.Tests.Module
{
    /// <summary>
    /// Writes about_VectorOps_Providers.help.txt from the providers' descriptors (names, summary, settings with their
    /// help, credential and its environment variables, index creation and listing, limits), so a provider added to the
    /// registry gets its section on regeneration. Committed in module/en-US beside the MAML; AboutTopicTests fails
    /// when it differs and rewrites it when VECTOROPS_UPDATE_HELP=1, like HelpTests. Lines are at most
    /// <see cref="Width"/> columns (about topics are read in a console).
    /// </summary>
    internal static class AboutTopicGenerator
    {
        public const int Width = 80;
        public const string ProvidersTopic = "about_VectorOps_Providers";

        public static string Providers(IReadOnlyList<ProviderDescriptor> providers)
        {
            var ordered = providers.OrderBy(p => p.Name == ProviderRegistry.DefaultProvider ? 0 : 1).ToList();
            var t = new StringBuilder();
            Line(t, 0, "TOPIC");
            Line(t, 4, ProvidersTopic);
            t.Append('\n');
            Line(t, 0, "SHORT DESCRIPTION");
            Para(t, 4, "The databases VectorOps connects to: each provider's settings, credential, environment variables, capabilities and limits.");
            t.Append('\n');
            Line(t, 0, "LONG DESCRIPTION");
            Para(t, 4, "This topic is written from the providers' own declarations (their descriptors), the same ones Connect-VectorIndex and the vectorops CLI read, so it lists every provider of this build. Connect-VectorIndex -Provider NAME offers a provider's settings as parameters once -Provider names it (Tab completes them; Get-Help Connect-VectorIndex -Parameter NAME shows one); the CLI takes each as an option in kebab case (-IndexHost is --index-host) after --provider NAME.");
            t.Append('\n');
            Para(t, 4, "A credential (an API key, a token, a password) is never a plain parameter value: PowerShell takes it as a SecureString or as the password of -Credential, or reads it from the environment variables named below; the CLI reads it from those variables or from --api-key-file FILE, never from its command line. Connections show it masked, with where it came from.");
            t.Append('\n');
            Para(t, 4, "Providers in this build: " + string.Join(", ", ordered.Select(p => p.Name + (p.Name == ProviderRegistry.DefaultProvider ? " (the default)" : ""))) + ".");
            foreach (var p in ordered)
            {
                t.Append('\n');
                Line(t, 0, p.Name.ToUpperInvariant());
                Para(t, 4, p.Summary);
                if (p.Aliases.Count > 0) Para(t, 4, "Also called: " + string.Join(", ", p.Aliases) + ".");
                t.Append('\n');
                Line(t, 4, "Settings");
                if (p.Settings.Count == 0) Para(t, 6, "None beyond the shared ones (-Index, -Namespace, -RequestTimeout, -MaxAttempts, -RequestsPerSecond).");
                foreach (var s in p.Settings)
                {
                    Line(t, 6, "-" + s.Name + " <" + s.Kind + ">  (CLI: --" + s.OptionName + ")");
                    var aliases = s.Aliases.Count > 0 ? " Aliases: " + string.Join(", ", s.Aliases.Select(a => "-" + a)) + "." : "";
                    Para(t, 10, s.FullHelp + aliases);
                }
                t.Append('\n');
                Line(t, 4, "Credential");
                if (p.Credential is null)
                {
                    Para(t, 6, "None: it takes no key, and refuses one given to it.");
                }
                else
                {
                    var c = p.Credential;
                    Line(t, 6, "-" + c.Name + " <SecureString>, or -Credential (its password)");
                    Line(t, 6, "(CLI: the environment variables below, or --api-key-file FILE)");
                    var required = c.Required ? "Required." : "Optional.";
                    Para(t, 10, c.Help + " " + required + " When not given: the environment variable " +
                                string.Join(", then ", c.AllEnvironmentVariables) + "." +
                                (c.ReadsGenericVariable ? "" : " " + CredentialDescriptor.GenericEnvironmentVariable + " is not read for it."));
                }
                t.Append('\n');
                Line(t, 4, "Indexes");
                Para(t, 6, p.CreatesIndexes
                    ? "-Create (--create) makes an index that does not exist; without it, a missing index is an error (IndexNotFound), so a misspelt name never becomes a new, empty index."
                    : "Not created by VectorOps: create it " + p.IndexesCreatedElsewhere + ". -Create is refused (NotSupportedByProvider).");
                Para(t, 6, p.ListsIndexesCheaply
                    ? "Tab after Connect-VectorIndex -Index lists its indexes, read with the settings typed on the line (and the credential's environment variables), in one short call."
                    : "Tab after Connect-VectorIndex -Index offers nothing: listing its indexes is not one cheap call.");
                if (p.Limits.Count > 0)
                {
                    t.Append('\n');
                    Line(t, 4, "Capabilities and limits");
                    foreach (var limit in p.Limits) Bullet(t, 6, limit);
                }
            }
            t.Append('\n');
            Line(t, 0, "SEE ALSO");
            foreach (var see in new[] { "about_VectorOps", "about_VectorOps_Filters", "Connect-VectorIndex", "Get-VectorConnection" }) Line(t, 4, see);
            return t.ToString();
        }

        private static void Line(StringBuilder t, int indent, string text)
        {
            var line = new string(' ', indent) + text;
            if (line.Length > Width) { Para(t, indent, text); return; }
            t.Append(line.TrimEnd()).Append('\n');
        }

        private static void Para(StringBuilder t, int indent, string text) => Wrap(t, new string(' ', indent), new string(' ', indent), text);

        private static void Bullet(StringBuilder t, int indent, string text) => Wrap(t, new string(' ', indent) + "- ", new string(' ', indent + 2), text);

        /// <summary>Words filled to <see cref="Width"/> columns; a word longer than a line stands on a line of its own.</summary>
        private static void Wrap(StringBuilder t, string first, string rest, string text)
        {
            var line = new StringBuilder(first);
            var empty = true;
            foreach (var word in text.Split(new[] { ' ', '\n', '\t' }, StringSplitOptions.RemoveEmptyEntries))
            {
                if (!empty && line.Length + 1 + word.Length > Width)
                {
                    t.Append(line.ToString().TrimEnd()).Append('\n');
                    line.Clear().Append(rest);
                    empty = true;
                }
                if (!empty) line.Append(' ');
                line.Append(word);
                empty = false;
            }
            if (!empty) t.Append(line.ToString().TrimEnd()).Append('\n');
        }
    }
}
