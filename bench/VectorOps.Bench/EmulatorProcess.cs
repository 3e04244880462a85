using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;

namespace VectorOps.Bench
{
    /// <summary>
    /// A loopback emulator in a child process (<c>dotnet VectorOps.Emulators.dll NAME --port 0 ...</c>), so that
    /// its CPU time is its own and the client's CPU figure is the client's alone. Controlled through its admin
    /// paths: reset, configure (latency, rate limits), seed, journal.
    /// </summary>
    internal sealed class EmulatorProcess : IDisposable
    {
        private readonly Process _process;
        private readonly HttpClient _admin = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };

        private EmulatorProcess(Process process, Uri baseUri, string name)
        {
            _process = process;
            BaseUri = baseUri;
            Name = name;
        }

        public string Name { get; }
        public Uri BaseUri { get; }
        public int ProcessId => _process.Id;

        /// <summary>CPU time the emulator process has used so far.</summary>
        public TimeSpan Cpu
        {
            get
            {
                _process.Refresh();
                return _process.TotalProcessorTime;
            }
        }

        public static EmulatorProcess Start(string name, params string[] options)
        {
            var dll = Paths.EmulatorDll();
            var psi = new ProcessStartInfo("dotnet")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            psi.ArgumentList.Add(dll);
            psi.ArgumentList.Add(name);
            psi.ArgumentList.Add("--port");
            psi.ArgumentList.Add("0");
            foreach (var o in options) psi.ArgumentList.Add(o);
            // The emulator is a server: let it use the server-friendly defaults of ASP.NET Core, nothing tuned.
            var p = Process.Start(psi) ?? throw new InvalidOperationException("Could not start the emulator.");
            p.ErrorDataReceived += (_, _) => { };
            p.BeginErrorReadLine();
            var first = p.StandardOutput.ReadLine();
            if (first is null || !Uri.TryCreate(first.Trim(), UriKind.Absolute, out var uri))
            {
                try { p.Kill(); } catch (InvalidOperationException) { }
                throw new InvalidOperationException($"The {name} emulator did not print its URI (got '{first}').");
            }
            return new EmulatorProcess(p, uri, name);
        }

        public async Task ResetAsync()
        {
            using var r = await _admin.PostAsync(new Uri(BaseUri, "_emulator/reset"), null).ConfigureAwait(false);
            r.EnsureSuccessStatusCode();
        }

        public async Task ConfigureAsync(object settings)
        {
            using var content = new StringContent(JsonSerializer.Serialize(settings), Encoding.UTF8, "application/json");
            using var r = await _admin.PostAsync(new Uri(BaseUri, "_emulator/configure"), content).ConfigureAwait(false);
            r.EnsureSuccessStatusCode();
        }

        /// <summary>Stores records with these ids (an id a line), in chunks so that no body gets large.</summary>
        public async Task SeedAsync(string? @namespace, IEnumerable<string> ids)
        {
            const int chunk = 200_000;
            var sb = new StringBuilder();
            var n = 0;
            foreach (var id in ids)
            {
                sb.Append(id).Append('\n');
                if (++n == chunk)
                {
                    await PostSeed(@namespace, sb.ToString()).ConfigureAwait(false);
                    sb.Clear();
                    n = 0;
                }
            }
            if (n > 0) await PostSeed(@namespace, sb.ToString()).ConfigureAwait(false);
        }

        private async Task PostSeed(string? @namespace, string body)
        {
            var path = "_emulator/seed" + (@namespace is null ? "" : "?namespace=" + Uri.EscapeDataString(@namespace));
            using var content = new StringContent(body, Encoding.UTF8, "text/plain");
            using var r = await _admin.PostAsync(new Uri(BaseUri, path), content).ConfigureAwait(false);
            r.EnsureSuccessStatusCode();
        }

        public async Task<JournalSummary> JournalAsync()
        {
            var json = await _admin.GetStringAsync(new Uri(BaseUri, "_emulator/journal")).ConfigureAwait(false);
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            var statuses = new Dictionary<int, int>();
            if (root.TryGetProperty("statuses", out var s))
                foreach (var p in s.EnumerateObject()) statuses[int.Parse(p.Name)] = p.Value.GetInt32();
            return new JournalSummary
            {
                Requests = root.GetProperty("requests").GetInt32(),
                MutatingCalls = root.GetProperty("mutatingCalls").GetInt32(),
                IdsSent = root.TryGetProperty("idsSent", out var ids) ? ids.GetInt64() : 0,
                Records = root.TryGetProperty("records", out var rec) && rec.ValueKind == JsonValueKind.Number ? rec.GetInt64() : (long?)null,
                Statuses = statuses,
            };
        }

        /// <summary>Polls the journal until the emulator holds no more than <paramref name="expected"/> records (Vectorize applies deletes later).</summary>
        public async Task<JournalSummary> SettleAsync(long expected, TimeSpan limit)
        {
            var clock = Stopwatch.StartNew();
            while (true)
            {
                var j = await JournalAsync().ConfigureAwait(false);
                if (j.Records is null || j.Records <= expected || clock.Elapsed > limit) return j;
                await Task.Delay(50).ConfigureAwait(false);
            }
        }

        public void Dispose()
        {
            try
            {
                _process.StandardInput.Close();
                if (!_process.WaitForExit(5000)) _process.Kill();
            }
            catch (InvalidOperationException) { }
            catch (IOException) { }
            _process.Dispose();
            _admin.Dispose();
        }
    }

    internal sealed class JournalSummary
    {
        public int Requests { get; init; }
        public int MutatingCalls { get; init; }
        public long IdsSent { get; init; }
        public long? Records { get; init; }
        public IReadOnlyDictionary<int, int> Statuses { get; init; } = new Dictionary<int, int>();

        public int Count(int status) => Statuses.TryGetValue(status, out var n) ? n : 0;

        public int NotOk => Statuses.Where(p => p.Key < 200 || p.Key > 299).Sum(p => p.Value);
    }

    internal static class Paths
    {
        /// <summary>
        /// The emulator program: $VECTOROPS_BENCH_EMULATOR if set (to measure an older VectorOps against today's
        /// emulator), else the copy beside the benchmark (project reference), else its own build output.
        /// </summary>
        public static string EmulatorDll() =>
            Environment.GetEnvironmentVariable("VECTOROPS_BENCH_EMULATOR") is string dll && dll.Length > 0 ? dll
                : Find("VectorOps.Emulators", Path.Combine("tests", "VectorOps.Emulators"));

        public static string CliDll() => Find("vectorops", Path.Combine("src", "VectorOps.Cli"));

        private static string Find(string assembly, string project)
        {
            var here = Path.Combine(AppContext.BaseDirectory, assembly + ".dll");
            if (File.Exists(here) && File.Exists(Path.Combine(AppContext.BaseDirectory, assembly + ".runtimeconfig.json"))) return here;
            foreach (var config in new[] { "Release", "Debug" })
            {
                var built = Path.Combine(RepoRoot(), project, "bin", config, "net10.0", assembly + ".dll");
                if (File.Exists(built)) return built;
            }
            throw new FileNotFoundException($"{assembly}.dll was not found: build {project} first (dotnet build -c Release {project}).");
        }

        public static string RepoRoot()
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir != null && !File.Exists(Path.Combine(dir.FullName, "VectorOps.sln"))) dir = dir.Parent;
            return dir?.FullName ?? Directory.GetCurrentDirectory();
        }
    }
}
