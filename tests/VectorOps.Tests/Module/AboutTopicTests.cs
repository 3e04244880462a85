using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using VectorOps.Errors;
using VectorOps.Filtering;
using VectorOps.Providers;
using Xunit;

namespace VectorOps.Tests.Module
{
    /// <summary>
    /// The about_ topics: about_VectorOps and about_VectorOps_Filters written by hand, about_VectorOps_Providers
    /// generated from the descriptors (AboutTopicGenerator); all committed in module/en-US and shipped in
    /// module/VectorOps/en-US by the build. Get-Help reading them on PowerShell 7.6 is tests/Pester/Help.Tests.ps1.
    /// </summary>
    public sealed class AboutTopicTests
    {
        public static readonly string[] Topics = { "about_VectorOps", "about_VectorOps_Filters", AboutTopicGenerator.ProvidersTopic };
        private static readonly string[] HandWritten = { "about_VectorOps", "about_VectorOps_Filters" };

        private static string Source(string topic) => Path.Combine(RepoPaths.Root, "module", "en-US", topic + ".help.txt");
        private static string Built(string topic) => Path.Combine(RepoPaths.ModuleDir, "en-US", topic + ".help.txt");
        private static string Read(string path) => File.ReadAllText(path).Replace("\r\n", "\n");

        public static IEnumerable<object[]> AllTopics() => Topics.Select(t => new object[] { t });

        [Fact]
        public void The_committed_providers_topic_is_what_the_descriptors_produce()
        {
            var expected = AboutTopicGenerator.Providers(CmdletMetadata.ShippedProviders);
            var path = Source(AboutTopicGenerator.ProvidersTopic);
            if (Environment.GetEnvironmentVariable("VECTOROPS_UPDATE_HELP") == "1") File.WriteAllText(path, expected);
            Assert.True(File.Exists(path), "Generate it: VECTOROPS_UPDATE_HELP=1 dotnet test tests/VectorOps.Tests --filter FullyQualifiedName~AboutTopicTests");
            Assert.True(expected == Read(path),
                "module/en-US/about_VectorOps_Providers.help.txt is stale (a provider or its descriptor changed): regenerate it with VECTOROPS_UPDATE_HELP=1 dotnet test tests/VectorOps.Tests --filter FullyQualifiedName~AboutTopicTests, then rebuild.");
        }

        [Fact]
        public void A_new_provider_gets_its_section_on_regeneration()
        {
            var sample = new ProviderDescriptor("SampleAboutStore", "A provider of the tests.", _ => throw new InvalidOperationException("not connected"))
            {
                Credential = new CredentialDescriptor("ApiKey", "API key", "Any key.") { EnvironmentVariables = new[] { "SAMPLE_ABOUT_KEY" } },
                Settings = new[] { new SettingDescriptor("ClusterUrl", SettingKind.Uri, "Where the cluster answers.") { EnvironmentVariables = new[] { "SAMPLE_ABOUT_URL" } } },
                Limits = new[] { "Deletes 7 ids per request." },
            };
            var text = AboutTopicGenerator.Providers(CmdletMetadata.ShippedProviders.Concat(new[] { sample }).ToList());
            Assert.Contains("\nSAMPLEABOUTSTORE\n", text);
            Assert.Contains("-ClusterUrl <Uri>  (CLI: --cluster-url)", text);
            Assert.Contains("SAMPLE_ABOUT_URL", text);
            Assert.Contains("SAMPLE_ABOUT_KEY, then " + CredentialDescriptor.GenericEnvironmentVariable, text);
            Assert.Contains("Deletes 7 ids per request.", text);
            Assert.DoesNotContain("SAMPLEABOUTSTORE", AboutTopicGenerator.Providers(CmdletMetadata.ShippedProviders));
        }

        [Fact]
        public void The_providers_topic_covers_every_shipped_provider_setting_and_credential_variable()
        {
            var text = Read(Source(AboutTopicGenerator.ProvidersTopic));
            foreach (var p in CmdletMetadata.ShippedProviders)
            {
                Assert.Contains("\n" + p.Name.ToUpperInvariant() + "\n", text);
                foreach (var s in p.Settings) Assert.Contains("-" + s.Name + " <", text);
                foreach (var v in p.Credential?.AllEnvironmentVariables ?? Enumerable.Empty<string>()) Assert.Contains(v, text);
            }
        }

        [Theory]
        [MemberData(nameof(AllTopics))]
        public void Each_topic_is_shipped_as_committed_and_reads_in_an_80_column_console(string topic)
        {
            Assert.True(File.Exists(Source(topic)), Source(topic));
            Assert.True(File.Exists(Built(topic)), "dotnet build copies it to " + Built(topic));
            Assert.Equal(Read(Source(topic)), Read(Built(topic)));
            var lines = Read(Source(topic)).Split('\n');
            Assert.Equal("TOPIC", lines[0]);
            Assert.Equal("    " + topic, lines[1]);
            foreach (var section in new[] { "SHORT DESCRIPTION", "LONG DESCRIPTION", "SEE ALSO" }) Assert.Contains(section, lines);
            var problems = lines.Select((l, i) => (l, i)).Where(x => x.l.Length > AboutTopicGenerator.Width || x.l.Contains('\t') || x.l != x.l.TrimEnd())
                .Select(x => $"{topic}:{x.i + 1} ({x.l.Length} columns): {x.l}").ToList();
            Assert.True(problems.Count == 0, string.Join("\n", problems));
        }

        [Theory]
        [InlineData("about_VectorOps")]
        [InlineData("about_VectorOps_Filters")]
        public void A_hand_written_topic_names_no_provider(string topic)
        {
            // As for shared code (ProviderNameScopeTests): what a provider does is in the generated topic, read from its descriptor.
            Assert.Contains(topic, HandWritten);
            var text = Read(Source(topic));
            var found = new List<string>();
            foreach (var p in CmdletMetadata.ShippedProviders)
            {
                var words = new Regex(@"\b(" + string.Join("|", p.AllNames.Select(Regex.Escape)) + @")\b", RegexOptions.CultureInvariant);
                foreach (Match m in words.Matches(text)) found.Add($"'{m.Value}' at line {text.Substring(0, m.Index).Count(c => c == '\n') + 1}");
            }
            Assert.True(found.Count == 0, topic + " names a provider: " + string.Join(", ", found));
        }

        [Fact]
        public void The_filter_topic_describes_every_operator_and_every_filter_error()
        {
            var text = Read(Source("about_VectorOps_Filters"));
            var operators = Enum.GetValues(typeof(FilterOperator)).Cast<FilterOperator>().Select(MetadataFilter.OperatorToken).Concat(new[] { "$and", "$or" }).ToList();
            Assert.Equal(11, operators.Distinct().Count());
            foreach (var op in operators) Assert.Contains(op, text);
            foreach (var id in new[] { ErrorIds.EmptyFilter, ErrorIds.InvalidFilter, ErrorIds.InvalidFilterJson, ErrorIds.UnknownFilterOperator, ErrorIds.InvalidFilterOperand, ErrorIds.FilterNotSupported })
                Assert.Contains(id, text);
            // Every example filter in the topic parses (or, where the topic says it is refused, is refused with that id).
            foreach (Match m in Regex.Matches(text, @"^\s+(?:PS> )?.*-Filter '(?<json>\{.*\})'", RegexOptions.Multiline))
                MetadataFilter.ParseJson(m.Groups["json"].Value);
        }
    }
}
