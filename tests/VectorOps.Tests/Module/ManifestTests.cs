using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace VectorOps.Tests.Module
{
    /// <summary>The manifest against the code, and the module folder that dotnet build assembles.</summary>
    public class ManifestTests
    {
        private static readonly string Text = File.ReadAllText(RepoPaths.Manifest);

        private static string Scalar(string key)
        {
            var m = Regex.Match(Text, @"^\s*" + key + @"\s*=\s*'([^']*)'", RegexOptions.Multiline);
            Assert.True(m.Success, key + " is not in the manifest");
            return m.Groups[1].Value;
        }

        private static List<string> List(string key)
        {
            var m = Regex.Match(Text, @"^\s*" + key + @"\s*=\s*@\(([^)]*)\)", RegexOptions.Multiline);
            Assert.True(m.Success, key + " is not in the manifest");
            return Regex.Matches(m.Groups[1].Value, "'([^']*)'").Select(x => x.Groups[1].Value).ToList();
        }

        [Fact]
        public void CmdletsToExport_are_exactly_the_cmdlet_classes_in_alphabetical_order()
        {
            var exported = List("CmdletsToExport");
            Assert.Equal(CmdletMetadata.All.Select(c => c.Name).OrderBy(n => n, StringComparer.Ordinal), exported.OrderBy(n => n, StringComparer.Ordinal));
            Assert.Equal(exported.OrderBy(n => n, StringComparer.Ordinal), exported);
            Assert.Empty(List("FunctionsToExport"));
            Assert.Empty(List("AliasesToExport"));
        }

        [Fact]
        public void ModuleVersion_is_the_assembly_version_of_the_module_and_the_core()
        {
            var version = new Version(Scalar("ModuleVersion"));
            var module = typeof(VectorOps.PowerShell.Cmdlets.VectorCmdletBase).Assembly.GetName().Version!;
            var core = typeof(VectorOps.Model.VectorRecord).Assembly.GetName().Version!;
            Assert.Equal(version, new Version(module.Major, module.Minor, module.Build));
            Assert.Equal(version, new Version(core.Major, core.Minor, core.Build));
        }

        [Fact]
        public void The_root_manifest_loads_the_assembled_module_folder_and_the_folder_manifest_is_the_same_with_its_own_paths()
        {
            // The repository root's manifest (Import-Module ./VectorOps.psd1) points into module/VectorOps: the binary
            // as its nested module (Get-Help then finds en-US/ beside it), the format file there.
            Assert.Equal(new[] { "module/VectorOps/VectorOps.PowerShell.dll" }, List("NestedModules"));
            Assert.False(Regex.IsMatch(Text, @"^\s*RootModule\s*=", RegexOptions.Multiline), "the root manifest has no RootModule");
            Assert.Equal(new[] { "module/VectorOps/VectorOps.format.ps1xml" }, List("FormatsToProcess"));
            foreach (var f in List("NestedModules").Concat(List("FormatsToProcess")))
                Assert.True(File.Exists(Path.Combine(RepoPaths.Root, f)), f);

            // The module folder's manifest is written by the build from it: the same text, with paths relative to the
            // folder, the binary as its RootModule and CHANGELOG.md's newest section as its release notes. No second
            // copy of anything.
            var folder = File.ReadAllText(Path.Combine(RepoPaths.ModuleDir, "VectorOps.psd1")).Replace("\r\n", "\n").TrimEnd();
            var expected = Text.Replace("\r\n", "\n").TrimEnd()
                .Replace("NestedModules          = @('module/VectorOps/VectorOps.PowerShell.dll')", "RootModule             = 'VectorOps.PowerShell.dll'")
                .Replace("module/VectorOps/", "")
                .Replace("ReleaseNotes = ''", "ReleaseNotes = '" + NewestChangelogSection().Replace("'", "''") + "'");
            Assert.Equal(expected, folder);
            Assert.Matches(@"(?m)^\s*RootModule\s*=\s*'VectorOps.PowerShell.dll'", folder);
            Assert.True(File.Exists(Path.Combine(RepoPaths.ModuleDir, "VectorOps.PowerShell.dll")));
            Assert.True(File.Exists(Path.Combine(RepoPaths.ModuleDir, "VectorOps.format.ps1xml")));
            Assert.DoesNotContain("module/VectorOps", folder, StringComparison.Ordinal);
        }

        [Fact]
        public void The_module_folder_keeps_only_the_module_at_its_root_and_the_rest_in_Dependencies()
        {
            var root = Directory.GetFiles(RepoPaths.ModuleDir).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal).ToList();
            Assert.Contains("VectorOps.PowerShell.dll", root);
            Assert.Contains("VectorOps.PowerShell.Isolation.dll", root);
            Assert.Contains("VectorOps.psd1", root);
            Assert.Contains("VectorOps.format.ps1xml", root);
            // Nothing that could clash sits next to the root module: every other assembly is in Dependencies.
            Assert.Equal(new[] { "VectorOps.PowerShell.Isolation.dll", "VectorOps.PowerShell.dll" },
                root.Where(n => n!.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)).ToArray());

            var deps = Directory.GetFiles(RepoPaths.DependencyDir, "*.dll").Select(Path.GetFileNameWithoutExtension).ToList();
            foreach (var name in new[] { "VectorOps.Core", "System.Text.Json", "Polly.Core", "Microsoft.Data.Sqlite", "SQLitePCLRaw.core",
                                         "SQLitePCLRaw.provider.e_sqlite3", "SQLitePCLRaw.batteries_v2" })
                Assert.Contains(name, deps);
            // The engine provides System.Management.Automation; the reference assembly must never ship.
            Assert.DoesNotContain("System.Management.Automation", deps);
            Assert.True(File.Exists(Path.Combine(RepoPaths.DependencyDir, "runtimes", "linux-x64", "native", "libe_sqlite3.so")));
            Assert.True(File.Exists(Path.Combine(RepoPaths.DependencyDir, "runtimes", "win-x64", "native", "e_sqlite3.dll")));
            Assert.True(File.Exists(Path.Combine(RepoPaths.DependencyDir, "runtimes", "osx-arm64", "native", "libe_sqlite3.dylib")));
            // The licence travels with the module (and so in its package).
            Assert.Equal(File.ReadAllText(Path.Combine(RepoPaths.Root, "LICENSE")), File.ReadAllText(Path.Combine(RepoPaths.ModuleDir, "LICENSE")));
        }

        [Fact]
        public void The_module_ships_e_sqlite3_for_exactly_the_platforms_PowerShell_7_runs_on()
        {
            // PowerShell 7.6 ships its own native library for win-x64/x86/arm64, linux-x64/arm/arm64, linux-musl-x64 and
            // osx (both architectures); Alpine packages it for linux-musl-arm64. SQLitePCLRaw's other builds (android,
            // ios, browser, s390x, mips64, riscv64, ...) would only make the package bigger.
            var expected = new[]
            {
                "linux-arm", "linux-arm64", "linux-musl-arm64", "linux-musl-x64", "linux-x64", "osx-arm64", "osx-x64",
                "win-arm64", "win-x64", "win-x86",
            };
            var shipped = Directory.GetDirectories(Path.Combine(RepoPaths.DependencyDir, "runtimes")).Select(Path.GetFileName)
                .OrderBy(n => n, StringComparer.Ordinal).ToArray();
            Assert.Equal(expected, shipped);
            foreach (var rid in expected)
                Assert.Single(Directory.GetFiles(Path.Combine(RepoPaths.DependencyDir, "runtimes", rid, "native"), "*e_sqlite3*"));
        }

        [Fact]
        public void The_manifest_is_gallery_ready_without_invented_urls()
        {
            // No URL that does not exist: the licence is the LICENSE file, not a LicenseUri.
            Assert.DoesNotMatch(@"(?m)^\s*(ProjectUri|LicenseUri|IconUri|HelpInfoURI)\s*=", Text);
            Assert.DoesNotContain("example.invalid", Text, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("MIT License", File.ReadAllText(Path.Combine(RepoPaths.Root, "LICENSE")), StringComparison.Ordinal);
            Assert.Contains("VectorOps contributors", Scalar("Copyright"), StringComparison.Ordinal);
            Assert.Equal(new[] { "Core", "Desktop" }, List("CompatiblePSEditions"));
            Assert.Contains("Vector", List("Tags"));
            Assert.Matches(@"(?m)^\s*ReleaseNotes\s*=\s*''\s*$", Text);
            // CHANGELOG.md's newest section is for this version.
            Assert.StartsWith("## " + Scalar("ModuleVersion"), NewestChangelogSection(), StringComparison.Ordinal);
        }

        /// <summary>CHANGELOG.md's newest section, from its first '## ' heading to the next: the release notes.</summary>
        private static string NewestChangelogSection()
        {
            var text = File.ReadAllText(Path.Combine(RepoPaths.Root, "CHANGELOG.md")).Replace("\r\n", "\n");
            var m = Regex.Match(text, @"(?ms)^## .*?(?=^## |\z)");
            Assert.True(m.Success, "CHANGELOG.md has no '## version' section");
            return m.Value.Trim();
        }
    }
}
