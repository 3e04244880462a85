using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using VectorOps.Model;
using VectorOps.Serialization;

namespace VectorOps.Tests.Local
{
    /// <summary>samples/records.jsonl, found by walking up from the test binaries to the repository root.</summary>
    internal static class SampleData
    {
        private static readonly Lazy<IReadOnlyList<VectorRecord>> Loaded = new Lazy<IReadOnlyList<VectorRecord>>(
            () => RecordJson.ReadFile(FilePath).ToList());

        public static readonly string[] Namespaces = { "articles", "support", "products" };

        public static string RepoRoot
        {
            get
            {
                for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
                    if (File.Exists(Path.Combine(dir.FullName, "VectorOps.sln")) && File.Exists(Path.Combine(dir.FullName, "samples", "records.jsonl")))
                        return dir.FullName;
                throw new InvalidOperationException("samples/records.jsonl not found above " + AppContext.BaseDirectory);
            }
        }

        public static string FilePath => Path.Combine(RepoRoot, "samples", "records.jsonl");

        /// <summary>The records as read from the file. Shared: do not change them.</summary>
        public static IReadOnlyList<VectorRecord> All => Loaded.Value;

        public static IEnumerable<VectorRecord> In(string ns) => All.Where(r => r.Namespace == ns);
    }
}
