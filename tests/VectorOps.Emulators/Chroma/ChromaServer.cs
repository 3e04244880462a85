using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using VectorOps.Emulators.Infrastructure;

namespace VectorOps.Emulators.Chroma
{
    /// <summary>
    /// A real Chroma 1.0 server (npm chromadb with its native binding, tools/node_modules), started here on
    /// 127.0.0.1 with a temporary data folder and stopped by its process id (the whole tree), the folder removed.
    /// Tests share one server per process (<see cref="Shared"/>) and keep apart by collection name. When
    /// VECTOROPS_TEST_CHROMA_PORT is set (scripts/test.sh starts one server for the run: xunit and Pester share it),
    /// that server is used instead. The server runs under a node watcher that stops it when this process ends, however it ends.
    /// </summary>
    public sealed class ChromaServer : IDisposable
    {
        /// <summary>Set by scripts/test.sh: the port of a server it started for the run.</summary>
        public const string PortVariable = "VECTOROPS_TEST_CHROMA_PORT";

        private static readonly Lazy<ChromaServer> SharedServer = new Lazy<ChromaServer>(StartShared, LazyThreadSafetyMode.ExecutionAndPublication);
        private readonly Process? _process;
        private readonly string? _dataDirectory;
        private readonly List<string> _log = new List<string>();

        private ChromaServer(int port, Process? process, string? dataDirectory)
        {
            Port = port;
            _process = process;
            _dataDirectory = dataDirectory;
        }

        /// <summary>One server for the whole test process, stopped when the process exits.</summary>
        public static ChromaServer Shared => SharedServer.Value;

        public int Port { get; }

        /// <summary>http://127.0.0.1:PORT/</summary>
        public Uri BaseUri => new Uri("http://127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture) + "/");

        /// <summary>The server's process id (null when the server was started by someone else).</summary>
        public int? ProcessId => _process?.Id;

        /// <summary>Runs the server as its child and kills it when stdin closes (the starting process ended) or on SIGTERM.</summary>
        private const string Watcher =
            "const { spawn } = require('child_process');" +
            "const [exe, ...args] = process.argv.slice(1);" +
            "const child = spawn(exe, args, { stdio: ['ignore', 'inherit', 'inherit'] });" +
            "const stop = () => { try { child.kill('SIGKILL'); } catch (e) {} process.exit(0); };" +
            "process.stdin.on('end', stop); process.stdin.on('close', stop); process.stdin.resume();" +
            "process.on('SIGTERM', stop);" +
            "child.on('exit', (code) => process.exit(code === null ? 1 : code));";

        /// <summary>tools/node_modules/.bin/chroma under the repository.</summary>
        public static string Executable => Path.Combine(RepoPaths.RepoRoot, "tools", "node_modules", ".bin", OperatingSystem.IsWindows() ? "chroma.cmd" : "chroma");

        /// <summary>Starts a server of its own on a free port with a fresh data folder and waits until its heartbeat answers.</summary>
        public static ChromaServer Start(TimeSpan? startupTimeout = null)
        {
            if (!File.Exists(Executable))
                throw new InvalidOperationException($"chroma is not installed (looked for {Executable}). Install the pinned test tools first: cd {RepoPaths.RepoRoot}/tools && npm ci");
            Exception? last = null;
            for (var attempt = 0; attempt < 3; attempt++)
            {
                var port = LoopbackPorts.Free();
                var data = Path.Combine(Path.GetTempPath(), "vectorops-chroma-" + Guid.NewGuid().ToString("N"));
                Directory.CreateDirectory(data);
                // Started under a small node watcher that ends the server when this process's end closes its stdin:
                // a test host that is killed (not only one that exits) leaves no server behind.
                var psi = new ProcessStartInfo("node")
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    RedirectStandardInput = true,
                    UseShellExecute = false,
                    WorkingDirectory = Path.Combine(RepoPaths.RepoRoot, "tools"),
                };
                foreach (var a in new[] { "-e", Watcher, Executable, "run", "--path", data, "--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture) })
                    psi.ArgumentList.Add(a);
                // No telemetry from test runs.
                psi.Environment["ANONYMIZED_TELEMETRY"] = "False";
                var process = new Process { StartInfo = psi };
                var server = new ChromaServer(port, process, data);
                process.OutputDataReceived += (_, e) => server.Add(e.Data);
                process.ErrorDataReceived += (_, e) => server.Add(e.Data);
                process.Start();
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
                try
                {
                    server.WaitUntilReady(startupTimeout ?? TimeSpan.FromSeconds(60));
                    return server;
                }
                catch (Exception ex)
                {
                    last = ex;
                    server.Dispose();
                    if (!server.LogText.Contains("in use", StringComparison.OrdinalIgnoreCase)) break;
                }
            }
            throw new InvalidOperationException("chroma did not start: " + last?.Message, last);
        }

        /// <summary>What the server wrote so far.</summary>
        public string LogText
        {
            get { lock (_log) return string.Join(Environment.NewLine, _log); }
        }

        private static ChromaServer StartShared()
        {
            var given = Environment.GetEnvironmentVariable(PortVariable);
            if (!string.IsNullOrWhiteSpace(given) && int.TryParse(given, NumberStyles.None, CultureInfo.InvariantCulture, out var port))
                return new ChromaServer(port, null, null);
            var server = Start();
            AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Dispose();
            return server;
        }

        private void Add(string? line)
        {
            if (line is null) return;
            lock (_log) _log.Add(line);
        }

        private void WaitUntilReady(TimeSpan timeout)
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            var deadline = DateTime.UtcNow + timeout;
            while (DateTime.UtcNow < deadline)
            {
                if (_process!.HasExited) throw new InvalidOperationException($"chroma exited ({_process.ExitCode}): {LogText}");
                try
                {
                    using var r = client.GetAsync(new Uri(BaseUri, "api/v2/heartbeat")).GetAwaiter().GetResult();
                    if (r.IsSuccessStatusCode) return;
                }
                catch (HttpRequestException) { }
                catch (TaskCanceledException) { }
                Thread.Sleep(200);
            }
            throw new TimeoutException($"chroma did not answer its heartbeat on port {Port} within {timeout.TotalSeconds:0} s: {LogText}");
        }

        /// <summary>Stops the server by its process id (the whole tree) and removes its data folder.</summary>
        public void Dispose()
        {
            if (_process != null)
            {
                try
                {
                    if (!_process.HasExited) _process.Kill(entireProcessTree: true);
                    _process.WaitForExit(10_000);
                }
                catch (InvalidOperationException)
                {
                }
                _process.Dispose();
            }
            if (_dataDirectory != null)
            {
                try { if (Directory.Exists(_dataDirectory)) Directory.Delete(_dataDirectory, recursive: true); }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
            }
        }
    }
}
