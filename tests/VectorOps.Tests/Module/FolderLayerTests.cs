using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace VectorOps.Tests.Module
{
    /// <summary>
    /// The folders of src/VectorOps.Core are layers (each folder is its namespace, VectorOps.&lt;Folder&gt;): a folder may
    /// use the ones below it, never one that uses it back. A cycle (Providers -> Transport -> Providers, as the secret
    /// type once made) means no folder of the cycle can be understood, tested or moved on its own.
    /// </summary>
    public sealed class FolderLayerTests
    {
        private static readonly string CoreRoot = Path.Combine(VectorOps.Emulators.Infrastructure.RepoPaths.RepoRoot, "src", "VectorOps.Core");

        [Fact]
        public void The_core_folders_have_no_dependency_cycle()
        {
            var graph = Dependencies();
            Assert.True(graph.Count >= 8, "expected the core's folders, found: " + string.Join(", ", graph.Keys));
            var cycle = FindCycle(graph);
            Assert.True(cycle is null, "The core's folders depend on each other in a cycle: " + (cycle is null ? "" : string.Join(" -> ", cycle)) +
                                       ". Move the shared piece down (as Security/Secret.cs is) instead.");
        }

        [Fact]
        public void The_secret_type_is_in_the_bottom_layer()
        {
            var graph = Dependencies();
            Assert.True(graph.ContainsKey("Security"), "src/VectorOps.Core/Security is missing");
            Assert.Empty(graph["Security"]);
            // Transport and Hosting take the secret (to scrub it) without reaching into the providers above them.
            Assert.DoesNotContain("Providers", graph["Transport"]);
            Assert.DoesNotContain("Providers", graph["Hosting"]);
        }

        [Fact]
        public void The_cycle_finder_finds_a_cycle()
        {
            // The check above can fail: a made-up graph with a cycle is reported, one without is not.
            var cyclic = new Dictionary<string, HashSet<string>>
            {
                ["A"] = new HashSet<string> { "B" }, ["B"] = new HashSet<string> { "C" }, ["C"] = new HashSet<string> { "A" },
            };
            Assert.Equal(new[] { "A", "B", "C", "A" }, FindCycle(cyclic));
            cyclic["C"].Clear();
            Assert.Null(FindCycle(cyclic));
        }

        /// <summary>
        /// Folder -> the other core folders its code names: a using, or a qualified name such as Providers.X or
        /// VectorOps.Providers.X (not System.Diagnostics.X, which is another namespace of the same last name).
        /// </summary>
        private static Dictionary<string, HashSet<string>> Dependencies()
        {
            var folders = Directory.GetDirectories(CoreRoot).Select(Path.GetFileName)
                .Where(n => n != "bin" && n != "obj").Cast<string>().ToList();
            var names = string.Join("|", folders.Select(Regex.Escape));
            var reference = new Regex(@"(?:\busing\s+VectorOps\.(" + names + @")\b)|(?:(?<![\w.])(?:VectorOps\.)?(" + names + @")\.[A-Z])");
            var graph = folders.ToDictionary(f => f, _ => new HashSet<string>(), StringComparer.Ordinal);
            foreach (var folder in folders)
            {
                foreach (var file in Directory.EnumerateFiles(Path.Combine(CoreRoot, folder), "*.cs", SearchOption.AllDirectories))
                {
                    foreach (Match m in reference.Matches(Code(File.ReadAllText(file))))
                    {
                        var used = m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value;
                        if (used != folder) graph[folder].Add(used);
                    }
                }
            }
            return graph;
        }

        /// <summary>The text without comments and string literals (which may name a folder in prose).</summary>
        private static string Code(string text)
        {
            text = Regex.Replace(text, @"//[^\n]*", "");
            text = Regex.Replace(text, @"/\*.*?\*/", "", RegexOptions.Singleline);
            return Regex.Replace(text, @"@?\$?""(?:[^""\\\n]|\\.)*""", "\"\"");
        }

        private static List<string>? FindCycle(Dictionary<string, HashSet<string>> graph)
        {
            var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 on the path, 2 done
            var path = new List<string>();
            foreach (var start in graph.Keys.OrderBy(k => k, StringComparer.Ordinal))
            {
                var found = Visit(start);
                if (found != null) return found;
            }
            return null;

            List<string>? Visit(string node)
            {
                if (state.TryGetValue(node, out var s))
                {
                    if (s == 2) return null;
                    var from = path.IndexOf(node);
                    return path.Skip(from).Append(node).ToList();
                }
                state[node] = 1;
                path.Add(node);
                foreach (var next in (graph.TryGetValue(node, out var edges) ? edges : new HashSet<string>()).OrderBy(e => e, StringComparer.Ordinal))
                {
                    var found = Visit(next);
                    if (found != null) return found;
                }
                path.RemoveAt(path.Count - 1);
                state[node] = 2;
                return null;
            }
        }
    }
}
