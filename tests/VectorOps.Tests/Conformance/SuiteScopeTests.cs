using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace VectorOps.Tests.Conformance
{
    /// <summary>
    /// A new provider takes its folder, its fixture and one registry line: the suite classes run every fixture through
    /// <see cref="ProviderFixture"/> alone. A suite class that branches on one fixture's type (a cast, an <c>is</c>)
    /// means the next provider needs an edit there too; what a provider needs for a case belongs in its fixture.
    /// </summary>
    public sealed class SuiteScopeTests
    {
        private static readonly string Folder = Path.Combine(VectorOps.Emulators.Infrastructure.RepoPaths.RepoRoot, "tests", "VectorOps.Tests", "Conformance");

        // "x is FooProviderFixture", "x as Foo.FooProviderFixture", "(FooProviderFixture)x"; the base type ProviderFixture is fine.
        internal static readonly Regex ConcreteFixture = new Regex(
            @"\b(is|as)\s+(?:[\w]+\.)*(?<type>\w+ProviderFixture)\b|\(\s*(?:[\w]+\.)*(?<type>\w+ProviderFixture)\s*\)\s*\w",
            RegexOptions.CultureInvariant);

        [Fact]
        public void No_suite_class_branches_on_one_providers_fixture()
        {
            var found = new List<string>();
            foreach (var file in Directory.EnumerateFiles(Folder, "*.cs", SearchOption.TopDirectoryOnly))
            {
                var name = Path.GetFileName(file);
                if (name.EndsWith("ProviderFixture.cs", StringComparison.Ordinal) || name == "ProviderFixtures.cs" || name == "SuiteScopeTests.cs") continue;
                var lines = File.ReadAllLines(file);
                for (var i = 0; i < lines.Length; i++)
                {
                    var code = lines[i];
                    var comment = code.IndexOf("//", StringComparison.Ordinal);
                    if (comment >= 0) code = code.Substring(0, comment);
                    foreach (Match m in ConcreteFixture.Matches(code))
                        if (m.Groups["type"].Value != nameof(ProviderFixture))
                            found.Add($"{name}:{i + 1}: {lines[i].Trim()}");
                }
            }
            Assert.True(found.Count == 0, "Suite classes that single out one provider's fixture (move what it needs into that fixture):\n" + string.Join("\n", found));
        }

        [Theory]
        [InlineData("if (Target is Throwaway.ThrowawayProviderFixture mem) mem.Store.DeleteDelay = x;", true)]
        [InlineData("var q = Target as OtherProviderFixture;", true)]
        [InlineData("((SomeProviderFixture)Target).Path", true)]
        [InlineData("protected ProviderFixture Target { get; private set; } = null!;", false)]
        [InlineData("if (Target is ProviderFixture f) f.Seed(ids);", false)]
        public void The_scan_finds_a_fixture_singled_out(string line, bool singled)
        {
            var hit = ConcreteFixture.Matches(line).Any(m => m.Groups["type"].Value != nameof(ProviderFixture));
            Assert.Equal(singled, hit);
        }
    }
}
