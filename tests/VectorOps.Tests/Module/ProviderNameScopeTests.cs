using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using VectorOps.Providers;
using Xunit;

namespace VectorOps.Tests.Module
{
    /// <summary>
    /// A provider is one folder: its name (and aliases) appear in src/ only in its own folder and in the registry's
    /// one line. Everything else (front ends, commands, transport, completers, help) reads the descriptors, so adding a
    /// database never means editing them. Comments and strings count too: an example naming one provider in shared
    /// code is how shared code starts to assume it.
    /// </summary>
    public sealed class ProviderNameScopeTests
    {
        private static readonly string Src = Path.Combine(VectorOps.Emulators.Infrastructure.RepoPaths.RepoRoot, "src");

        // Members of .NET types whose names happen to be a provider's word.
        private static readonly Regex Exempt = new Regex(@"(DateTimeKind|TimeZoneInfo|DateTimeStyles\.Assume|Kind\s*==\s*DateTimeKind)\.Local\b", RegexOptions.CultureInvariant);

        public static IEnumerable<object[]> Providers() => CmdletMetadata.ShippedProviders.Select(p => new object[] { p.Name });

        [Theory]
        [MemberData(nameof(Providers))]
        public void A_providers_name_appears_only_in_its_folder_and_the_registry(string provider)
        {
            var descriptor = ProviderRegistry.Get(provider);
            var folder = FolderOf(descriptor);
            var words = new Regex(@"\b(" + string.Join("|", descriptor.AllNames.Select(Regex.Escape)) + @")\b", RegexOptions.CultureInvariant);
            var registry = Path.Combine(Src, "VectorOps.Core", "Providers", "ProviderRegistry.cs");
            var found = new List<string>();
            foreach (var file in SourceFiles())
            {
                if (file.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal) || file == registry) continue;
                var lines = File.ReadAllLines(file);
                for (var i = 0; i < lines.Length; i++)
                {
                    var line = Exempt.Replace(lines[i], "");
                    var m = words.Match(line);
                    if (m.Success) found.Add($"{Path.GetRelativePath(Src, file)}:{i + 1}: '{m.Value}' in: {lines[i].Trim()}");
                }
            }
            Assert.True(found.Count == 0,
                $"{provider} is named outside {Path.GetRelativePath(Src, folder)} and the registry ({found.Count} lines); read the descriptor instead:\n" +
                string.Join("\n", found.Take(40)));
        }

        [Fact]
        public void Every_provider_lives_in_a_folder_of_its_own_under_Providers()
        {
            var folders = CmdletMetadata.ShippedProviders.Select(FolderOf).ToList();
            Assert.Equal(folders.Count, folders.Distinct().Count());
            foreach (var folder in folders)
            {
                Assert.True(Directory.Exists(folder), folder);
                // Under the core's Providers/, or a provider assembly's own project folder (src/VectorOps.Providers.X).
                Assert.True(Path.Combine(Src, "VectorOps.Core", "Providers") == Path.GetDirectoryName(folder) ||
                            (Src == Path.GetDirectoryName(folder) && Path.GetFileName(folder).StartsWith("VectorOps.Providers.", StringComparison.Ordinal)),
                    folder);
            }
        }

        [Fact]
        public void The_scan_finds_a_name_where_it_does_not_belong()
        {
            // The scan itself must be able to fail: a line of shared code naming a provider is caught.
            var descriptor = ProviderRegistry.Providers.First();
            var words = new Regex(@"\b(" + string.Join("|", descriptor.AllNames.Select(Regex.Escape)) + @")\b", RegexOptions.CultureInvariant);
            Assert.Matches(words, $"// Only {descriptor.Name} does this.");
            Assert.DoesNotMatch(words, Exempt.Replace("var kind = DateTimeKind.Local;", ""));
        }

        /// <summary>
        /// The folder of the provider's code: the namespace of its factory (VectorOps.Providers.X -> Providers/X), or,
        /// for a provider in an assembly of its own (net8.0, loaded by ProviderRegistry.RegisterAssembly), that
        /// assembly's project folder (src/VectorOps.Providers.X).
        /// </summary>
        private static string FolderOf(ProviderDescriptor descriptor)
        {
            var type = descriptor.Create.Method.DeclaringType!;
            if (type.Assembly != typeof(ProviderRegistry).Assembly)
                return Path.Combine(Src, type.Assembly.GetName().Name!);
            var ns = type.Namespace!;
            const string prefix = "VectorOps.Providers.";
            Assert.StartsWith(prefix, ns);
            return Path.Combine(Src, "VectorOps.Core", "Providers", ns.Substring(prefix.Length).Replace('.', Path.DirectorySeparatorChar));
        }

        private static IEnumerable<string> SourceFiles() =>
            Directory.EnumerateFiles(Src, "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Contains(Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar) &&
                            !f.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar));
    }
}
