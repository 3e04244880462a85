using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Xunit;

namespace VectorOps.Tests.Cli
{
    /// <summary>What one run of the CLI produced.</summary>
    public sealed class CliResult
    {
        public CliResult(int exitCode, string stdout, string stderr, IReadOnlyList<string> args)
        {
            ExitCode = exitCode;
            Stdout = stdout;
            Stderr = stderr;
            Args = args;
        }

        public int ExitCode { get; }
        public string Stdout { get; }
        public string Stderr { get; }
        public IReadOnlyList<string> Args { get; }

        /// <summary>stdout as JSON Lines: every non-empty line must parse as one JSON object.</summary>
        public List<JsonElement> JsonLines()
        {
            var list = new List<JsonElement>();
            foreach (var line in Stdout.Split('\n'))
            {
                if (line.Trim().Length == 0) continue;
                using var doc = JsonDocument.Parse(line);
                Assert.Equal(JsonValueKind.Object, doc.RootElement.ValueKind);
                list.Add(doc.RootElement.Clone());
            }
            return list;
        }

        public override string ToString() =>
            $"vectorops {string.Join(" ", Args)}\nexit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
    }

    /// <summary>
    /// Runs the built CLI (vectorops.dll) as a separate process with `dotnet vectorops.dll ...`. stdin is always
    /// redirected (closed at once unless the test gives input), so the CLI never sees a terminal; the environment
    /// is cleaned of every variable the CLI reads, and HOME points at a temporary folder.
    /// </summary>
    public static class CliRunner
    {
        private static readonly Lazy<string> Dll = new Lazy<string>(Locate);
        private static readonly string Home = Directory.CreateTempSubdirectory("vectorops-home-").FullName;

        private static readonly string[] CleanedVariables =
        {
            "VECTOROPS_PATH", "VECTOROPS_INDEX", "VECTOROPS_PROVIDER", "VECTOROPS_API_KEY",
            "PINECONE_API_KEY", "CLOUDFLARE_API_TOKEN", "CLOUDFLARE_ACCOUNT_ID", "PGPASSWORD", "PGPASSFILE", "VECTOROPS_PG_CONNECTION_STRING",
            "VECTOROPS_CONFIG_HOME", "XDG_CONFIG_HOME", "VECTOROPS_PROFILE_TEST_KEY",
        };

        public static string DllPath => Dll.Value;

        /// <summary>The Cli project's own output (with its deps.json and native SQLite), else the test's output folder.</summary>
        private static string Locate()
        {
            var baseDir = AppContext.BaseDirectory;
            var configuration = new DirectoryInfo(baseDir.TrimEnd(Path.DirectorySeparatorChar)).Parent?.Name ?? "Debug";
            for (var dir = new DirectoryInfo(baseDir); dir != null; dir = dir.Parent)
            {
                if (!File.Exists(Path.Combine(dir.FullName, "VectorOps.sln"))) continue;
                var candidate = Path.Combine(dir.FullName, "src", "VectorOps.Cli", "bin", configuration, "net10.0", "vectorops.dll");
                if (File.Exists(candidate)) return candidate;
                break;
            }
            var local = Path.Combine(baseDir, "vectorops.dll");
            if (File.Exists(local) && File.Exists(Path.Combine(baseDir, "vectorops.runtimeconfig.json"))) return local;
            throw new InvalidOperationException("vectorops.dll was not found: build src/VectorOps.Cli first.");
        }

        public static CliResult Run(params string[] args) => Run(args, stdin: null);

        public static CliResult Run(IReadOnlyList<string> args, string? stdin = null, IDictionary<string, string>? env = null, TimeSpan? timeout = null)
        {
            using var process = Start(args, env);
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            var feed = Task.Run(() =>
            {
                try
                {
                    if (stdin != null) process.StandardInput.Write(stdin);
                    process.StandardInput.Close();
                }
                catch (IOException)
                {
                    // The CLI exited without reading its input (e.g. a usage error): fine.
                }
            });
            if (!process.WaitForExit((int)(timeout ?? TimeSpan.FromSeconds(60)).TotalMilliseconds))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"vectorops {string.Join(" ", args)} did not finish.");
            }
            process.WaitForExit();
            feed.Wait();
            return new CliResult(process.ExitCode, stdout.Result, stderr.Result, args);
        }

        /// <summary>Starts the CLI without waiting (for tests that interrupt it). stdin is redirected and left open.</summary>
        public static Process Start(IReadOnlyList<string> args, IDictionary<string, string>? env = null)
        {
            var psi = new ProcessStartInfo("dotnet")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                StandardOutputEncoding = new UTF8Encoding(false),
                StandardErrorEncoding = new UTF8Encoding(false),
            };
            psi.ArgumentList.Add(DllPath);
            foreach (var a in args) psi.ArgumentList.Add(a);
            foreach (var name in CleanedVariables) psi.Environment.Remove(name);
            psi.Environment["HOME"] = Home;
            psi.Environment["DOTNET_NOLOGO"] = "1";
            if (env != null)
                foreach (var pair in env) psi.Environment[pair.Key] = pair.Value;
            return Process.Start(psi) ?? throw new InvalidOperationException("dotnet did not start.");
        }

        [DllImport("libc", SetLastError = true, EntryPoint = "kill")]
        private static extern int SysKill(int pid, int signal);

        /// <summary>Sends SIGINT (what Ctrl+C sends) to the process.</summary>
        public static void Interrupt(Process process)
        {
            if (SysKill(process.Id, 2) != 0)
                throw new InvalidOperationException("kill(SIGINT) failed: errno " + Marshal.GetLastWin32Error());
        }
    }

    /// <summary>A temporary folder with a local store file in it; deleted afterwards.</summary>
    public sealed class TempStore : IDisposable
    {
        public TempStore(string index = "test")
        {
            Folder = Directory.CreateTempSubdirectory("vectorops-cli-").FullName;
            StorePath = Path.Combine(Folder, "store.db");
            Index = index;
            // Connecting never creates a local index (IndexNotFound); the tests start from an existing, empty one.
            using (VectorOps.Providers.Local.LocalProvider.Create(new VectorOps.Providers.ConnectionSettings { ["Path"] = StorePath, Index = index, CreateIfMissing = true })) { }
        }

        public string Folder { get; }
        public string StorePath { get; }
        public string Index { get; }

        /// <summary>The options that point the CLI at this store.</summary>
        public string[] Connection => new[] { "--store", StorePath, "--index", Index };

        /// <summary>Runs a command against this store: the command, then the connection options, then the rest.</summary>
        public CliResult Run(string command, params string[] rest) =>
            CliRunner.Run(new[] { command }.Concat(Connection).Concat(rest).ToArray());

        public CliResult RunWithInput(string stdin, string command, params string[] rest) =>
            CliRunner.Run(new[] { command }.Concat(Connection).Concat(rest).ToArray(), stdin);

        public string File(string name, string content)
        {
            var path = Path.Combine(Folder, name);
            System.IO.File.WriteAllText(path, content);
            return path;
        }

        public string File(string name, IEnumerable<string> lines)
        {
            var path = Path.Combine(Folder, name);
            System.IO.File.WriteAllLines(path, lines);
            return path;
        }

        /// <summary>Adds records {"id", "values", "metadata"} through the CLI and checks it succeeded.</summary>
        public void Seed(IEnumerable<string> jsonLines)
        {
            var file = File("seed-" + Guid.NewGuid().ToString("N") + ".jsonl", jsonLines);
            var r = Run("add", "--path", file, "--json");
            Assert.True(r.ExitCode == 0, r.ToString());
        }

        /// <summary>Every id in a namespace, read back through the CLI.</summary>
        public HashSet<string> Ids(string? @namespace = null)
        {
            var args = new List<string> { "--ids-only", "--json" };
            if (@namespace != null) args.AddRange(new[] { "--namespace", @namespace });
            var r = Run("get", args.ToArray());
            Assert.True(r.ExitCode == 0, r.ToString());
            return new HashSet<string>(r.JsonLines().Select(e => e.GetProperty("id").GetString()!), StringComparer.Ordinal);
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(Folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>Fixture records: id, a 3-dimension vector, metadata.</summary>
    public static class Fixtures
    {
        public static string Record(string id, string genre, int year, string? @namespace = null) =>
            "{\"id\":\"" + id + "\",\"values\":[0.1,0.2,0.3],\"metadata\":{\"genre\":\"" + genre + "\",\"year\":" + year + "}" +
            (@namespace is null ? "" : ",\"namespace\":\"" + @namespace + "\"") + "}";

        /// <summary>doc-1..doc-4 and tmp-1..tmp-2 in the default namespace, other-1 in "other".</summary>
        public static readonly string[] Small =
        {
            Record("doc-1", "drama", 2020),
            Record("doc-2", "comedy", 2021),
            Record("doc-3", "drama", 2022),
            Record("doc-4", "news", 2023),
            Record("tmp-1", "drama", 2019),
            Record("tmp-2", "comedy", 2018),
            Record("other-1", "drama", 2020, "other"),
        };

        public static IEnumerable<string> Numbered(int count, string prefix = "n-") =>
            Enumerable.Range(0, count).Select(i => prefix + i.ToString("D5"));
    }
}
