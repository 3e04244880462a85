using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Xunit;

namespace VectorOps.Tests.Module
{
    /// <summary>The MAML help: generated from module/help/*.md, committed in module/en-US, shipped in module/VectorOps/en-US.</summary>
    public class HelpTests
    {
        private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
        private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
        private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

        [Fact]
        public void The_committed_help_is_what_the_markdown_and_the_cmdlets_produce()
        {
            var expected = MamlGenerator.ToText(MamlGenerator.Generate(RepoPaths.HelpSourceDir, CmdletMetadata.All));
            if (Environment.GetEnvironmentVariable("VECTOROPS_UPDATE_HELP") == "1")
            {
                Directory.CreateDirectory(Path.GetDirectoryName(RepoPaths.HelpFileSource)!);
                File.WriteAllText(RepoPaths.HelpFileSource, expected);
            }
            Assert.True(File.Exists(RepoPaths.HelpFileSource), "Generate it: VECTOROPS_UPDATE_HELP=1 dotnet test --filter HelpTests");
            var committed = File.ReadAllText(RepoPaths.HelpFileSource).Replace("\r\n", "\n");
            Assert.True(expected == committed,
                "module/en-US/VectorOps.PowerShell.dll-Help.xml is stale: regenerate it with VECTOROPS_UPDATE_HELP=1 dotnet test tests/VectorOps.Tests --filter FullyQualifiedName~HelpTests, then rebuild.");
        }

        [Fact]
        public void The_shipped_help_is_the_committed_help()
        {
            Assert.True(File.Exists(RepoPaths.HelpFileBuilt), "dotnet build assembles " + RepoPaths.HelpFileBuilt);
            Assert.Equal(File.ReadAllText(RepoPaths.HelpFileSource), File.ReadAllText(RepoPaths.HelpFileBuilt));
        }

        [Fact]
        public void Every_exported_cmdlet_has_synopsis_description_parameters_and_at_least_two_real_examples()
        {
            var doc = XDocument.Load(RepoPaths.HelpFileBuilt);
            var commands = doc.Root!.Elements(Command + "command").ToList();
            var manifest = File.ReadAllText(RepoPaths.Manifest);
            var exported = Regex.Matches(Regex.Match(manifest, @"CmdletsToExport\s*=\s*@\(([^)]*)\)").Groups[1].Value, "'([^']*)'").Select(m => m.Groups[1].Value).ToList();
            Assert.Equal(17, exported.Count);
            Assert.Equal(exported.OrderBy(x => x, StringComparer.Ordinal), commands.Select(c => c.Element(Command + "details")!.Element(Command + "name")!.Value).OrderBy(x => x, StringComparer.Ordinal));

            foreach (var name in exported)
            {
                var cmd = commands.Single(c => c.Element(Command + "details")!.Element(Command + "name")!.Value == name);
                var synopsis = cmd.Element(Command + "details")!.Element(Maml + "description")!.Value;
                Assert.False(string.IsNullOrWhiteSpace(synopsis), name + " synopsis");
                Assert.True(cmd.Element(Maml + "description")!.Value.Length > 40, name + " description");

                var examples = cmd.Element(Command + "examples")!.Elements(Command + "example").ToList();
                Assert.True(examples.Count >= 2, name + " has " + examples.Count + " examples");
                foreach (var e in examples)
                {
                    Assert.Contains(name, e.Element(Dev + "code")!.Value);        // the example runs the cmdlet it documents
                    Assert.False(string.IsNullOrWhiteSpace(e.Element(Dev + "remarks")!.Value), name + " example remarks");
                    Assert.StartsWith("-------------------------- Example", e.Element(Maml + "title")!.Value);
                }

                // Every parameter of the class is described, and nothing else is.
                var metadata = CmdletMetadata.All.Single(c => c.Name == name);
                var documented = cmd.Element(Command + "parameters")!.Elements(Command + "parameter").Select(p => p.Element(Maml + "name")!.Value).ToList();
                Assert.Equal(MamlGenerator.VisibleParameters(metadata).Select(p => p.Name).OrderBy(x => x), documented.OrderBy(x => x));
                foreach (var p in cmd.Element(Command + "parameters")!.Elements(Command + "parameter"))
                    Assert.True(p.Element(Maml + "description")!.Value.Length > 10, name + " -" + p.Element(Maml + "name")!.Value);

                // One syntax line per parameter set; with provider parameters, one per provider and credential set.
                var syntaxItems = cmd.Element(Command + "syntax")!.Elements(Command + "syntaxItem").Count();
                Assert.Equal(metadata.HasProviderParameters
                    ? metadata.ProviderParameters.Sum(x => x.Parameters.Any(p => p.Credential != null) ? 3 : 1)
                    : Math.Max(1, metadata.NamedSets.Count), syntaxItems);
            }
        }

        [Fact]
        public void Pipeline_facts_in_the_help_come_from_the_cmdlet()
        {
            var doc = XDocument.Load(RepoPaths.HelpFileBuilt);
            var remove = doc.Root!.Elements(Command + "command").Single(c => c.Element(Command + "details")!.Element(Command + "name")!.Value == "Remove-VectorRecord");
            var id = remove.Element(Command + "parameters")!.Elements(Command + "parameter").Single(p => p.Element(Maml + "name")!.Value == "Id");
            Assert.Equal("True (ByPropertyName, ByValue)", id.Attribute("pipelineInput")!.Value);
            Assert.Equal("VectorId, Key, RecordId", id.Attribute("aliases")!.Value);
            Assert.Equal("true", id.Attribute("required")!.Value);
            Assert.Equal("0", id.Attribute("position")!.Value);
            var firstSyntax = remove.Element(Command + "syntax")!.Elements(Command + "syntaxItem").First();
            Assert.Equal("Id", firstSyntax.Elements(Command + "parameter").First().Element(Maml + "name")!.Value); // the default set comes first
        }

        [Fact]
        public void A_help_page_that_misses_a_parameter_or_has_one_example_is_refused()
        {
            var dir = Path.Combine(Path.GetTempPath(), "vectorops-help-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dir);
            try
            {
                File.Copy(Path.Combine(RepoPaths.HelpSourceDir, "_common.md"), Path.Combine(dir, "_common.md"));
                var page = File.ReadAllText(Path.Combine(RepoPaths.HelpSourceDir, "Get-VectorNamespace.md"));
                var only = CmdletMetadata.All.Where(c => c.Name == "Get-VectorNamespace").ToList();

                File.WriteAllText(Path.Combine(dir, "Get-VectorNamespace.md"), page.Replace("### -Name", "### -Nme"));
                Assert.Throws<InvalidDataException>(() => MamlGenerator.Generate(dir, only));

                var oneExample = page.Substring(0, page.IndexOf("### Example 2", StringComparison.Ordinal)) + page.Substring(page.IndexOf("## INPUTS", StringComparison.Ordinal));
                File.WriteAllText(Path.Combine(dir, "Get-VectorNamespace.md"), oneExample);
                Assert.Throws<InvalidDataException>(() => MamlGenerator.Generate(dir, only));

                File.WriteAllText(Path.Combine(dir, "Get-VectorNamespace.md"), page);
                Assert.Single(MamlGenerator.Generate(dir, only).Root!.Elements());
            }
            finally
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }
}
