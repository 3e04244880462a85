using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace VectorOps.Tests.Module
{
    /// <summary>
    /// Builds the module's MAML help (en-US/VectorOps.PowerShell.dll-Help.xml) from module/help/*.md (one page per
    /// cmdlet, plus _common.md for shared parameters) and the cmdlets' own metadata (parameter types, sets,
    /// positions, pipeline input, aliases), so syntax and parameter facts can never drift from the code.
    /// The XML is committed; HelpTests fails when it differs from what this produces, and rewrites it when
    /// VECTOROPS_UPDATE_HELP=1.
    /// </summary>
    /// <remarks>
    /// Page format: "# Name", then "## SYNOPSIS", "## DESCRIPTION", "## PARAMETERS" ("### -Name" each),
    /// "## EXAMPLES" ("### Example N: title", a ```powershell block, remarks), "## INPUTS" / "## OUTPUTS"
    /// ("### TypeName" each), "## NOTES", "## RELATED LINKS" ("- Name" each).
    /// </remarks>
    internal static class MamlGenerator
    {
        private static readonly XNamespace Msh = "http://msh";
        private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
        private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
        private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

        internal sealed class Page
        {
            public string Name = "";
            public string Synopsis = "";
            public string Description = "";
            public Dictionary<string, string> Parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            public List<(string Title, string Code, string Remarks)> Examples = new List<(string, string, string)>();
            public List<(string Type, string Text)> Inputs = new List<(string, string)>();
            public List<(string Type, string Text)> Outputs = new List<(string, string)>();
            public string Notes = "";
            public List<string> Links = new List<string>();
        }

        public static Page Parse(string markdown)
        {
            var page = new Page();
            string? section = null, sub = null;
            var buffer = new StringBuilder();
            string? code = null;
            var inCode = false;

            void Flush()
            {
                var text = buffer.ToString().Trim();
                buffer.Clear();
                switch (section)
                {
                    case "SYNOPSIS": page.Synopsis = text; break;
                    case "DESCRIPTION": page.Description = text; break;
                    case "NOTES": page.Notes = text; break;
                    case "PARAMETERS" when sub != null: page.Parameters[sub.TrimStart('-')] = text; break;
                    case "EXAMPLES" when sub != null: page.Examples.Add((sub, code ?? "", text)); break;
                    case "INPUTS" when sub != null: page.Inputs.Add((sub, text)); break;
                    case "OUTPUTS" when sub != null: page.Outputs.Add((sub, text)); break;
                    case "RELATED LINKS":
                        page.Links.AddRange(text.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("- ", StringComparison.Ordinal)).Select(l => l.Substring(2).Trim()));
                        break;
                }
                code = null;
            }

            foreach (var raw in markdown.Replace("\r\n", "\n").Split('\n'))
            {
                var line = raw.TrimEnd();
                if (inCode)
                {
                    if (line.StartsWith("```", StringComparison.Ordinal)) { inCode = false; continue; }
                    code = code is null ? line : code + "\n" + line;
                    continue;
                }
                if (line.StartsWith("```", StringComparison.Ordinal)) { inCode = true; continue; }
                if (line.StartsWith("# ", StringComparison.Ordinal)) { page.Name = line.Substring(2).Trim(); continue; }
                if (line.StartsWith("## ", StringComparison.Ordinal)) { Flush(); section = line.Substring(3).Trim().ToUpperInvariant(); sub = null; continue; }
                if (line.StartsWith("### ", StringComparison.Ordinal)) { Flush(); sub = line.Substring(4).Trim(); continue; }
                buffer.Append(line).Append('\n');
            }
            Flush();
            return page;
        }

        /// <summary>Paragraphs: blank lines separate them; line breaks inside one are spaces.</summary>
        private static IEnumerable<XElement> Paras(string text)
        {
            var paras = Regex.Split(text.Trim(), @"\n\s*\n").Select(p => Regex.Replace(p.Trim(), @"\s*\n\s*", " ")).Where(p => p.Length > 0).ToList();
            if (paras.Count == 0) paras.Add("");
            return paras.Select(p => new XElement(Maml + "para", p));
        }

        private static string TypeName(Type t)
        {
            var u = Nullable.GetUnderlyingType(t) ?? t;
            return u.IsArray ? u.GetElementType()!.Name + "[]" : u.Name;
        }

        private static string FullTypeName(Type t)
        {
            var u = Nullable.GetUnderlyingType(t) ?? t;
            return u.FullName ?? u.Name;
        }

        private static string PipelineText(bool byValue, bool byName) =>
            byValue && byName ? "True (ByPropertyName, ByValue)" : byValue ? "True (ByValue)" : byName ? "True (ByPropertyName)" : "False";

        private static XElement ParameterElement(string name, Type type, ParameterInSet? inSet, IReadOnlyList<string> aliases, string description, bool forSyntax)
        {
            var isSwitch = type == typeof(SwitchParameter);
            var element = new XElement(Command + "parameter",
                new XAttribute("required", (inSet?.Mandatory ?? false) ? "true" : "false"),
                new XAttribute("variableLength", "true"),
                new XAttribute("globbing", "false"),
                new XAttribute("pipelineInput", PipelineText(inSet?.ValueFromPipeline ?? false, inSet?.ValueFromPipelineByPropertyName ?? false)),
                new XAttribute("position", inSet?.Position is int p ? p.ToString(System.Globalization.CultureInfo.InvariantCulture) : "named"),
                new XAttribute("aliases", aliases.Count == 0 ? "none" : string.Join(", ", aliases)),
                new XElement(Maml + "name", name),
                new XElement(Maml + "description", Paras(description)));
            if (!isSwitch || !forSyntax)
                element.Add(new XElement(Command + "parameterValue", new XAttribute("required", isSwitch ? "false" : "true"), new XAttribute("variableLength", "false"), TypeName(type)));
            element.Add(new XElement(Dev + "type", new XElement(Maml + "name", FullTypeName(type)), new XElement(Maml + "uri")));
            element.Add(new XElement(Dev + "defaultValue", isSwitch ? "False" : "None"));
            return element;
        }

        public static XDocument Generate(string helpDirectory, IReadOnlyList<CmdletMetadata> cmdlets)
        {
            var common = Parse(File.ReadAllText(Path.Combine(helpDirectory, "_common.md")));
            var root = new XElement(Msh + "helpItems", new XAttribute("schema", "maml"),
                new XAttribute(XNamespace.Xmlns + "maml", Maml), new XAttribute(XNamespace.Xmlns + "command", Command),
                new XAttribute(XNamespace.Xmlns + "dev", Dev));
            foreach (var c in cmdlets.OrderBy(c => c.Name, StringComparer.Ordinal))
            {
                var file = Path.Combine(helpDirectory, c.Name + ".md");
                if (!File.Exists(file)) throw new FileNotFoundException("No help page for " + c.Name, file);
                var page = Parse(File.ReadAllText(file));
                if (page.Name != c.Name) throw new InvalidDataException($"{file} is titled '{page.Name}', not '{c.Name}'.");
                root.Add(CommandElement(c, page, common));
            }
            return new XDocument(new XDeclaration("1.0", "utf-8", null), root);
        }

        /// <summary>
        /// The parameters a reader sees: the cmdlet's own, then its provider parameters (every shipped provider's,
        /// once per name; the credential's in its set), then WhatIf and Confirm where it supports ShouldProcess.
        /// </summary>
        public static IEnumerable<(string Name, Type Type, IReadOnlyList<ParameterInSet> Sets, IReadOnlyList<string> Aliases)> VisibleParameters(CmdletMetadata c)
        {
            foreach (var p in c.Parameters) yield return (p.Name, p.Type, p.Sets, p.Aliases);
            foreach (var group in c.ProviderParameters.SelectMany(x => x.Parameters).GroupBy(p => p.Name, StringComparer.OrdinalIgnoreCase))
            {
                var types = group.Select(p => p.Type).Distinct().ToList();
                var set = group.First().ParameterSet ?? ParameterAttribute.AllParameterSets;
                yield return (group.Key, types.Count == 1 ? types[0] : typeof(object),
                    new[] { new ParameterInSet(set, false, null, false, false) },
                    group.SelectMany(p => p.Aliases).Distinct(StringComparer.OrdinalIgnoreCase).ToList());
            }
            if (c.SupportsShouldProcess)
            {
                var all = new[] { new ParameterInSet(ParameterAttribute.AllParameterSets, false, null, false, false) };
                yield return ("WhatIf", typeof(SwitchParameter), all, new[] { "wi" });
                yield return ("Confirm", typeof(SwitchParameter), all, new[] { "cf" });
            }
        }

        /// <summary>
        /// The help of a provider parameter, written from the descriptors: which providers take it, and each one's
        /// help text (a setting's FullHelp, the credential's help with its environment variables).
        /// </summary>
        public static string ProviderParameterHelp(CmdletMetadata c, string name)
        {
            var takers = c.ProviderParameters
                .Select(x => (x.Provider, Parameter: x.Parameters.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))))
                .Where(x => x.Parameter != null)
                .ToList();
            var sb = new StringBuilder();
            sb.Append("A provider parameter: Connect-VectorIndex offers it after -Provider ")
              .Append(string.Join(" or ", takers.Select(t => t.Provider.Name)))
              .Append(" (it is read from the provider's descriptor).");
            foreach (var (provider, parameter) in takers)
            {
                sb.Append("\n\n");
                if (takers.Count > 1) sb.Append(provider.Name).Append(": ");
                sb.Append(parameter!.Help);
            }
            return sb.ToString();
        }

        /// <summary>The providers -Provider takes, from the registry: name, aliases and summary, the default first.</summary>
        public static string ProviderListHelp() =>
            "Registered providers: " + string.Join(" ", CmdletMetadata.ShippedProviders
                .OrderBy(p => p.Name == VectorOps.Providers.ProviderRegistry.DefaultProvider ? 0 : 1)
                .Select(p => p.Name + (p.Name == VectorOps.Providers.ProviderRegistry.DefaultProvider ? " (the default)" : "") +
                             (p.Aliases.Count > 0 ? " (also " + string.Join(", ", p.Aliases) + ")" : "") + ": " + p.Summary));

        private static string Describe(CmdletMetadata c, Page page, Page common, string parameter)
        {
            if (c.ProviderParameters.Any(x => x.Parameters.Any(p => string.Equals(p.Name, parameter, StringComparison.OrdinalIgnoreCase))))
                return ProviderParameterHelp(c, parameter);
            var text = page.Parameters.TryGetValue(parameter, out var own) ? own
                : common.Parameters.TryGetValue(parameter, out var shared) ? shared
                : throw new InvalidDataException($"The help of {page.Name} does not describe -{parameter}.");
            return c.HasProviderParameters && parameter == "Provider" ? text + "\n\n" + ProviderListHelp() : text;
        }

        private static XElement CommandElement(CmdletMetadata c, Page page, Page common)
        {
            foreach (var documented in page.Parameters.Keys)
            {
                if (!VisibleParameters(c).Any(p => string.Equals(p.Name, documented, StringComparison.OrdinalIgnoreCase)))
                    throw new InvalidDataException($"The help of {c.Name} describes -{documented}, which the cmdlet does not have.");
                if (c.ProviderParameters.Any(x => x.Parameters.Any(p => string.Equals(p.Name, documented, StringComparison.OrdinalIgnoreCase))))
                    throw new InvalidDataException($"The help of {c.Name} describes -{documented}, a provider parameter: its help is written from the provider's descriptor, remove it from the page.");
            }
            if (string.IsNullOrWhiteSpace(page.Synopsis)) throw new InvalidDataException(c.Name + " has no synopsis.");
            if (page.Examples.Count < 2) throw new InvalidDataException(c.Name + " has fewer than 2 examples.");

            var visible = VisibleParameters(c).ToList();
            var sets = c.NamedSets.Count == 0 ? new List<string> { ParameterAttribute.AllParameterSets }
                : c.NamedSets.OrderBy(s => s == c.DefaultParameterSetName ? 0 : 1).ThenBy(s => s, StringComparer.Ordinal).ToList();

            var syntax = new XElement(Command + "syntax");
            if (c.HasProviderParameters)
            {
                // One line per provider (and two more, with -Credential and with -ApiKeySecret, where it takes a credential): each shows the
                // shared parameters and that provider's own.
                var provided = c.ProviderParameters.SelectMany(x => x.Parameters).Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
                foreach (var (provider, own) in c.ProviderParameters)
                {
                    foreach (var set in own.Any(p => p.Credential != null) ? new[] { VectorOps.PowerShell.Input.ProviderParameters.SecretSet, VectorOps.PowerShell.Input.ProviderParameters.CredentialSet, VectorOps.PowerShell.Cmdlets.ConnectVectorIndexCommand.VaultSet } : new[] { VectorOps.PowerShell.Input.ProviderParameters.CredentialSet })
                    {
                        var item = new XElement(Command + "syntaxItem", new XElement(Maml + "name", c.Name));
                        var shared = visible.Where(p => !provided.Contains(p.Name))
                            .Select(p => (p, s: p.Sets.FirstOrDefault(x => x.Set == set) ?? p.Sets.FirstOrDefault(x => x.Set == ParameterAttribute.AllParameterSets)))
                            .Where(x => x.s != null)
                            .Where(x => set != VectorOps.PowerShell.Input.ProviderParameters.CredentialSet || own.Any(p => p.Credential != null) || x.s!.Set == ParameterAttribute.AllParameterSets)
                            .OrderBy(x => x.s!.Position ?? int.MaxValue).ThenBy(x => x.s!.Mandatory ? 0 : 1)
                            .ToList();
                        foreach (var (p, s) in shared)
                            item.Add(ParameterElement(p.Name, p.Type, s, p.Aliases, Describe(c, page, common, p.Name), forSyntax: true));
                        foreach (var p in own.Where(p => p.ParameterSet is null || p.ParameterSet == set))
                            item.Add(ParameterElement(p.Name, p.Type, new ParameterInSet(p.ParameterSet ?? ParameterAttribute.AllParameterSets, false, null, false, false),
                                p.Aliases, Describe(c, page, common, p.Name), forSyntax: true));
                        syntax.Add(item);
                    }
                }
            }
            else
            {
                foreach (var set in sets)
                {
                    var item = new XElement(Command + "syntaxItem", new XElement(Maml + "name", c.Name));
                    var inSet = visible
                        .Select(p => (p, s: p.Sets.FirstOrDefault(x => x.Set == set) ?? p.Sets.FirstOrDefault(x => x.Set == ParameterAttribute.AllParameterSets)))
                        .Where(x => x.s != null)
                        .OrderBy(x => x.s!.Position ?? int.MaxValue).ThenBy(x => x.s!.Mandatory ? 0 : 1)
                        .ToList();
                    foreach (var (p, s) in inSet)
                        item.Add(ParameterElement(p.Name, p.Type, s, p.Aliases, Describe(c, page, common, p.Name), forSyntax: true));
                    syntax.Add(item);
                }
            }

            var parameters = new XElement(Command + "parameters");
            foreach (var p in visible)
            {
                // Facts that hold in every set the parameter is in: required/pipeline as in its first set.
                var first = p.Sets.FirstOrDefault();
                var byValue = p.Sets.Any(s => s.ValueFromPipeline);
                var byName = p.Sets.Any(s => s.ValueFromPipelineByPropertyName);
                var merged = first is null ? null : first with { ValueFromPipeline = byValue, ValueFromPipelineByPropertyName = byName, Mandatory = p.Sets.All(s => s.Mandatory) };
                parameters.Add(ParameterElement(p.Name, p.Type, merged, p.Aliases, Describe(c, page, common, p.Name), forSyntax: false));
            }

            var examples = new XElement(Command + "examples");
            foreach (var (title, code, remarks) in page.Examples)
            {
                examples.Add(new XElement(Command + "example",
                    new XElement(Maml + "title", "-------------------------- " + title + " --------------------------"),
                    new XElement(Dev + "code", code),
                    new XElement(Dev + "remarks", Paras(remarks))));
            }

            XElement Types(XName listName, XName itemName, List<(string Type, string Text)> items) =>
                new XElement(listName, items.Select(i => new XElement(itemName,
                    new XElement(Dev + "type", new XElement(Maml + "name", i.Type)),
                    new XElement(Maml + "description", Paras(i.Text)))));

            var element = new XElement(Command + "command",
                new XElement(Command + "details",
                    new XElement(Command + "name", c.Name),
                    new XElement(Command + "verb", c.Verb),
                    new XElement(Command + "noun", c.Noun),
                    new XElement(Maml + "description", Paras(page.Synopsis))),
                new XElement(Maml + "description", Paras(page.Description)),
                syntax,
                parameters,
                Types(Command + "inputTypes", Command + "inputType", page.Inputs),
                Types(Command + "returnValues", Command + "returnValue", page.Outputs));
            if (page.Notes.Length > 0)
                element.Add(new XElement(Maml + "alertSet", new XElement(Maml + "alert", Paras(page.Notes))));
            element.Add(examples);
            element.Add(new XElement(Command + "relatedLinks", page.Links.Select(l =>
                new XElement(Maml + "navigationLink", new XElement(Maml + "linkText", l), new XElement(Maml + "uri")))));
            return element;
        }

        public static string ToText(XDocument doc)
        {
            var settings = new System.Xml.XmlWriterSettings { Indent = true, IndentChars = "  ", Encoding = new UTF8Encoding(false), NewLineChars = "\n" };
            using var ms = new MemoryStream();
            using (var w = System.Xml.XmlWriter.Create(ms, settings)) doc.Save(w);
            return Encoding.UTF8.GetString(ms.ToArray()) + "\n";
        }
    }
}
