using System;
using System.IO;

namespace VectorOps.Emulators.Infrastructure
{
    /// <summary>Where the repository and the vendors' API documents are, found from the running assembly.</summary>
    public static class RepoPaths
    {
        private static readonly Lazy<string> Root = new Lazy<string>(FindRoot);

        /// <summary>The folder holding VectorOps.sln (walking up from AppContext.BaseDirectory).</summary>
        public static string RepoRoot => Root.Value;

        /// <summary>&lt;repo&gt;/../shared/specs: the vendors' API documents and README.</summary>
        public static string SpecsDirectory => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "specs"));

        /// <summary>The full path of one API document; throws with the path looked at when it is missing.</summary>
        public static string Spec(string fileName)
        {
            var path = Path.Combine(SpecsDirectory, fileName);
            if (!File.Exists(path))
                throw new FileNotFoundException($"The API document '{fileName}' is not at {path}. The specs live in ../shared/specs beside the repository.", path);
            return path;
        }

        /// <summary>tools/node_modules/.bin/prism under the repository.</summary>
        public static string PrismExecutable => Path.Combine(RepoRoot, "tools", "node_modules", ".bin", OperatingSystem.IsWindows() ? "prism.cmd" : "prism");

        private static string FindRoot()
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir != null)
            {
                if (File.Exists(Path.Combine(dir.FullName, "VectorOps.sln"))) return dir.FullName;
                dir = dir.Parent;
            }
            // dotnet run from the repository: the working directory is a fallback.
            dir = new DirectoryInfo(Directory.GetCurrentDirectory());
            while (dir != null)
            {
                if (File.Exists(Path.Combine(dir.FullName, "VectorOps.sln"))) return dir.FullName;
                dir = dir.Parent;
            }
            throw new InvalidOperationException($"Could not find VectorOps.sln above {AppContext.BaseDirectory}.");
        }
    }
}
