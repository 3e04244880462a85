using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using System.Text.RegularExpressions;
using VectorOps.Errors;
using Xunit;

namespace VectorOps.Tests.Module
{
    /// <summary>
    /// The Pester files (tests/Pester/*.ps1) and the help examples (module/help/*.md) only run on a real PowerShell
    /// engine, which this machine does not have. These checks catch, without one, what would make them fail for a
    /// trivial reason: an expected FullyQualifiedErrorId naming a class or an error id that does not exist, a VectorOps
    /// cmdlet or parameter that does not exist, or named parameters that share no parameter set. The scan is plain text
    /// (a small tokenizer, not a PowerShell parser): it reads the parameters of an invocation up to the end of its line
    /// (backtick continuations followed), a pipe, a semicolon, a comment, or the bracket that closes around it,
    /// skipping quoted text and anything in brackets.
    /// </summary>
    public class PesterFilesTests
    {
        private static readonly string PesterDir = Path.Combine(RepoPaths.Root, "tests", "Pester");

        /// <summary>Error ids the engine writes for a cmdlet (parameter binding), which the Pester files may expect.</summary>
        private static readonly string[] EngineErrorIds =
        {
            "InputObjectNotBound", "InputObjectMissingMandatory", "MissingMandatoryParameter", "AmbiguousParameterSet",
            "NamedParameterNotFound", "ParameterArgumentValidationError", "ParameterArgumentTransformationError",
            "ParameterArgumentValidationErrorNullNotAllowed", "ParameterArgumentValidationErrorEmptyStringNotAllowed",
            "ParameterNotInParameterSet",
        };

        private static readonly string[] CommonParameters =
        {
            "Verbose", "Debug", "ErrorAction", "WarningAction", "InformationAction", "ProgressAction", "ErrorVariable",
            "WarningVariable", "InformationVariable", "OutVariable", "OutBuffer", "PipelineVariable",
        };

        private static readonly string[] ShouldProcessParameters = { "WhatIf", "Confirm" };

        private static readonly Regex FullErrorId = new Regex(@"(?<![\w.])(?<id>[A-Z][A-Za-z0-9]*),(?<type>VectorOps\.[A-Za-z0-9_.]*[A-Za-z0-9_])", RegexOptions.Compiled);
        private static readonly Regex ErrorIdPattern = new Regex(@"'(?<id>[A-Z][A-Za-z0-9]*),\*'", RegexOptions.Compiled);
        private static readonly Regex VectorCommand = new Regex(@"(?<![\w-])(?<name>[A-Z][a-z]+-Vector(?!Ops)[A-Za-z]+)\b", RegexOptions.Compiled);

        private static IReadOnlyList<string> PesterFiles() =>
            Directory.GetFiles(PesterDir, "*.ps1").OrderBy(f => f, StringComparer.Ordinal).ToList();

        private static IReadOnlyList<string> HelpPages() =>
            Directory.GetFiles(RepoPaths.HelpSourceDir, "*.md").OrderBy(f => f, StringComparer.Ordinal).ToList();

        private static HashSet<string> CoreErrorIds() => new HashSet<string>(
            typeof(ErrorIds).GetFields(BindingFlags.Public | BindingFlags.Static)
                .Where(f => f.IsLiteral && f.FieldType == typeof(string))
                .Select(f => (string)f.GetRawConstantValue()!),
            StringComparer.Ordinal);

        [Fact]
        public void Every_Pester_file_is_found_and_the_test_files_dot_source_only_files_that_exist()
        {
            var names = PesterFiles().Select(Path.GetFileName).ToList();
            Assert.Contains("VectorOps.Module.Tests.ps1", names);
            Assert.Contains("Pinecone.Tests.ps1", names);
            Assert.Contains("Vectorize.Tests.ps1", names);
            foreach (var file in PesterFiles())
            {
                foreach (Match m in Regex.Matches(File.ReadAllText(file), @"\.\s+\(Join-Path\s+\$PSScriptRoot\s+'(?<name>[^']+)'\)"))
                    Assert.True(File.Exists(Path.Combine(PesterDir, m.Groups["name"].Value)), $"{Path.GetFileName(file)} dot-sources {m.Groups["name"].Value}, which is not in tests/Pester");
            }
        }

        [Fact]
        public void Every_expected_FullyQualifiedErrorId_names_a_cmdlet_class_and_an_error_id_that_exist()
        {
            var classes = CmdletMetadata.All.Select(c => c.Type.FullName!).ToHashSet(StringComparer.Ordinal);
            var ids = CoreErrorIds();
            ids.UnionWith(EngineErrorIds);
            var problems = new List<string>();
            var found = 0;
            foreach (var file in PesterFiles().Concat(HelpPages()))
            {
                var text = File.ReadAllText(file);
                foreach (Match m in FullErrorId.Matches(text))
                {
                    found++;
                    var where = $"{Path.GetFileName(file)}:{LineOf(text, m.Index)} '{m.Value}'";
                    if (!classes.Contains(m.Groups["type"].Value))
                        problems.Add(where + ": no cmdlet class has this full name (the cmdlets are " + string.Join(", ", classes.OrderBy(c => c)) + ")");
                    if (!ids.Contains(m.Groups["id"].Value))
                        problems.Add(where + ": no such error id in VectorOps.Errors.ErrorIds nor among the engine's binding ids");
                }
                foreach (Match m in ErrorIdPattern.Matches(text))
                {
                    found++;
                    if (!ids.Contains(m.Groups["id"].Value))
                        problems.Add($"{Path.GetFileName(file)}:{LineOf(text, m.Index)} '{m.Value}': no such error id");
                }
            }
            Assert.True(found >= 20, $"only {found} expected error ids were found: the scan no longer reads the files as intended");
            Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        }

        [Fact]
        public void Every_VectorOps_cmdlet_and_parameter_the_Pester_files_use_exists_in_one_parameter_set()
        {
            var invocations = PesterFiles().SelectMany(f => Invocations(Path.GetFileName(f), File.ReadAllText(f))).ToList();
            Assert.True(invocations.Count >= 100, $"only {invocations.Count} invocations were found: the scan no longer reads the files as intended");
            var problems = invocations.SelectMany(Check).ToList();
            Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        }

        [Fact]
        public void Every_VectorOps_cmdlet_and_parameter_the_help_examples_use_exists_in_one_parameter_set()
        {
            var invocations = new List<Invocation>();
            foreach (var page in HelpPages().Where(p => !Path.GetFileName(p).StartsWith("_", StringComparison.Ordinal)))
            {
                var parsed = MamlGenerator.Parse(File.ReadAllText(page));
                foreach (var example in parsed.Examples)
                    invocations.AddRange(Invocations($"{Path.GetFileName(page)} ({example.Title})", example.Code));
            }
            Assert.True(invocations.Count >= 20, $"only {invocations.Count} invocations were found in the help examples");
            var problems = invocations.SelectMany(Check).ToList();
            Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        }

        [Fact]
        public void The_scan_reads_parameters_as_PowerShell_would_bind_them()
        {
            // Guards the tokenizer itself, so that the checks above cannot pass by reading nothing.
            var text = string.Join("\n",
                "# Remove-VectorRecord -NotAParameter in a comment",
                "Remove-VectorRecord -Id ('x' * 3) -Filter @{ a = @{ '$gte' = 1 } } -Confirm:$false | Wait-VectorMutation -Timeout (New-TimeSpan -Minutes 1)",
                "Connect-VectorIndex -Provider Local `",
                "    -Path './a -b.db' -Index \"x -y\" # -Comment",
                "@{ Run = { Clear-VectorNamespace -Namespace default -WhatIf } }",
                "Get-Help -Name Remove-VectorRecord -Parameter Id",
                "'Get-VectorRecord -Prefix ' + $p + ' -IdOnly'");
            var found = Invocations("sample", text).Select(i => i.Command + ":" + string.Join(",", i.Parameters)).ToList();
            Assert.Equal(new[]
            {
                "Remove-VectorRecord:Id,Filter,Confirm",
                "Wait-VectorMutation:Timeout",
                "Connect-VectorIndex:Provider,Path,Index",
                "Clear-VectorNamespace:Namespace,WhatIf",
                "Get-VectorRecord:Prefix,IdOnly",
            }, found);
            Assert.Contains(Check(new Invocation("sample", 1, "Get-VectorRecord", new[] { "Id", "IdOnly" })), p => p.Contains("no parameter set"));
            Assert.Contains(Check(new Invocation("sample", 1, "Remove-VectorRecord", new[] { "Ids" })), p => p.Contains("-Ids"));
            Assert.Contains(Check(new Invocation("sample", 1, "Remove-VectorRecords", Array.Empty<string>())), p => p.Contains("no such cmdlet"));
            Assert.Empty(Check(new Invocation("sample", 1, "Remove-VectorRecord", new[] { "VectorId", "namespace", "ErrorAction", "WhatIf" })));
        }

        internal sealed record Invocation(string Source, int Line, string Command, IReadOnlyList<string> Parameters);

        private static IEnumerable<string> Check(Invocation call)
        {
            var where = $"{call.Source}:{call.Line} {call.Command}";
            var cmdlet = CmdletMetadata.All.SingleOrDefault(c => string.Equals(c.Name, call.Command, StringComparison.OrdinalIgnoreCase));
            if (cmdlet is null)
            {
                yield return where + ": no such cmdlet in the module";
                yield break;
            }
            var named = new List<(string Name, IReadOnlyList<ParameterInSet> Sets)>();
            foreach (var name in call.Parameters)
            {
                var parameter = cmdlet.Parameters.SingleOrDefault(p =>
                    string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase) ||
                    p.Aliases.Contains(name, StringComparer.OrdinalIgnoreCase));
                if (parameter != null)
                {
                    named.Add((parameter.Name, parameter.Sets));
                    continue;
                }
                // A provider parameter (Connect-VectorIndex), as some shipped provider's descriptor declares it.
                var provided = MamlGenerator.VisibleParameters(cmdlet).Skip(cmdlet.Parameters.Count).FirstOrDefault(p =>
                    string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase) || p.Aliases.Contains(name, StringComparer.OrdinalIgnoreCase));
                if (provided.Name != null && cmdlet.HasProviderParameters)
                {
                    named.Add((provided.Name, provided.Sets));
                    continue;
                }
                // Save-VectorConnection -Provider offers the same provider settings (never the credential), in its set "Describe".
                if (cmdlet.Type == typeof(VectorOps.PowerShell.Cmdlets.SaveVectorConnectionCommand) && CmdletMetadata.ShippedProviders
                        .SelectMany(p => VectorOps.PowerShell.Input.ProviderParameters.For(p)).Where(p => p.Credential is null)
                        .FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase) || p.Aliases.Contains(name, StringComparer.OrdinalIgnoreCase)) is { } setting)
                {
                    named.Add((setting.Name, new[] { new ParameterInSet("Describe", false, null, false, false) }));
                    continue;
                }
                var common = CommonParameters.Contains(name, StringComparer.OrdinalIgnoreCase) ||
                             (cmdlet.SupportsShouldProcess && ShouldProcessParameters.Contains(name, StringComparer.OrdinalIgnoreCase));
                if (!common)
                    yield return $"{where}: -{name} is not a parameter (nor an alias) of {cmdlet.Name}";
            }
            var sets = cmdlet.NamedSets.Concat(named.SelectMany(p => p.Sets).Select(s => s.Set))
                .Where(s => s != ParameterAttribute.AllParameterSets).Distinct().ToList();
            if (named.Count > 1 && sets.Count > 0 &&
                !sets.Any(set => named.All(p => p.Sets.Any(s => s.Set == set || s.Set == ParameterAttribute.AllParameterSets))))
                yield return $"{where}: -{string.Join(" -", named.Select(p => p.Name))} share no parameter set (sets: {string.Join(", ", sets)})";
        }

        /// <summary>Each VectorOps cmdlet named in the text and the parameter names written after it.</summary>
        internal static IEnumerable<Invocation> Invocations(string source, string text)
        {
            text = text.Replace("\r\n", "\n");
            foreach (Match m in VectorCommand.Matches(text))
            {
                var lineStart = text.LastIndexOf('\n', Math.Max(0, m.Index - 1)) + 1;
                var before = text.Substring(lineStart, m.Index - lineStart);
                if (before.TrimStart().StartsWith("#", StringComparison.Ordinal)) continue; // a comment line
                if (Regex.IsMatch(before, @"(^|\s)-[A-Za-z]+\s+$")) continue;             // an argument: Get-Help -Name Remove-VectorRecord
                yield return new Invocation(source, LineOf(text, m.Index), m.Groups["name"].Value, ParametersAfter(text, m.Index + m.Length));
            }
        }

        private static List<string> ParametersAfter(string text, int start)
        {
            var result = new List<string>();
            var depth = 0;
            var i = start;
            while (i < text.Length)
            {
                var c = text[i];
                if (c == '`' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i += 2;
                    continue;
                }
                if (c == '\n')
                {
                    if (depth == 0) break;
                    i++;
                    continue;
                }
                if (c == '\'' || c == '"')
                {
                    i = AfterQuoted(text, i);
                    if (i < 0) break; // not closed on this line: the invocation was itself inside a string
                    continue;
                }
                if (c == '#' && depth == 0 && (i == start || char.IsWhiteSpace(text[i - 1]))) break;
                if (c == '(' || c == '{' || c == '[') depth++;
                else if (c == ')' || c == '}' || c == ']')
                {
                    if (depth == 0) break;
                    depth--;
                }
                else if ((c == '|' || c == ';') && depth == 0) break;
                else if (c == '-' && depth == 0 && char.IsWhiteSpace(text[i - 1]) && i + 1 < text.Length && char.IsLetter(text[i + 1]))
                {
                    var j = i + 1;
                    while (j < text.Length && (char.IsLetterOrDigit(text[j]) || text[j] == '_')) j++;
                    result.Add(text.Substring(i + 1, j - i - 1));
                    i = j;
                    continue;
                }
                i++;
            }
            return result;
        }

        /// <summary>The index after a quoted string that starts at <paramref name="open"/>, or -1 when it does not close on its line.</summary>
        private static int AfterQuoted(string text, int open)
        {
            var quote = text[open];
            for (var j = open + 1; j < text.Length; j++)
            {
                var c = text[j];
                if (c == '\n') return -1;
                if (quote == '"' && c == '`') { j++; continue; }
                if (c != quote) continue;
                if (j + 1 < text.Length && text[j + 1] == quote) { j++; continue; } // '' or "" inside the string
                return j + 1;
            }
            return -1;
        }

        private static int LineOf(string text, int index) => text.Take(index).Count(ch => ch == '\n') + 1;
    }
}
