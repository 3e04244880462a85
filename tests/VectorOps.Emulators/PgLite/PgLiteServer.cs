using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using VectorOps.Emulators.Infrastructure;

namespace VectorOps.Emulators.PgLite
{
    /// <summary>
    /// A real PostgreSQL 18 with pgvector 0.8 (PGlite, compiled to WebAssembly, from npm: tools/node_modules) served
    /// on 127.0.0.1 by pglite-socket's <c>pglite-server</c> behind tools/pglite-gated.js (one client connection talks
    /// at a time, as the wire protocol needs), started here and stopped by its process id. PGlite runs
    /// one query at a time whatever the number of connections, so tests share one server per process
    /// (<see cref="Shared"/>) and keep apart by table name. When VECTOROPS_TEST_PG_PORT is set (scripts/test.sh
    /// starts one server for the whole run: xunit and Pester share it), that server is used instead.
    /// </summary>
    public sealed class PgLiteServer : IDisposable
    {
        /// <summary>Set by scripts/test.sh: the port of a server it started for the run.</summary>
        public const string PortVariable = "VECTOROPS_TEST_PG_PORT";

        private static readonly Lazy<PgLiteServer> SharedServer = new Lazy<PgLiteServer>(StartShared, LazyThreadSafetyMode.ExecutionAndPublication);
        private readonly Process? _process;
        private readonly string? _dataDirectory;
        private readonly List<string> _log = new List<string>();

        private PgLiteServer(int port, Process? process, string? dataDirectory)
        {
            Port = port;
            _process = process;
            _dataDirectory = dataDirectory;
        }

        /// <summary>One server for the whole test process, stopped when the process exits.</summary>
        public static PgLiteServer Shared => SharedServer.Value;

        public int Port { get; }

        /// <summary>The server's process id (null when the server was started by someone else).</summary>
        public int? ProcessId => _process?.Id;

        /// <summary>Connection string of the server (no password: PGlite takes none).</summary>
        public string ConnectionString => $"Host=127.0.0.1;Port={Port.ToString(CultureInfo.InvariantCulture)};Database=postgres;Username=postgres;SSL Mode=Disable";

        /// <summary>tools/node_modules/.bin/pglite-server under the repository.</summary>
        public static string Executable => Path.Combine(RepoPaths.RepoRoot, "tools", "node_modules", ".bin", OperatingSystem.IsWindows() ? "pglite-server.cmd" : "pglite-server");

        /// <summary>tools/pglite-gated.js: starts pglite-server and serves it through the one-connection-at-a-time gate.</summary>
        public static string GateScript => Path.Combine(RepoPaths.RepoRoot, "tools", "pglite-gated.js");

        /// <summary>Starts a server of its own on a free port with a fresh data directory and waits until it listens.</summary>
        public static PgLiteServer Start(TimeSpan? startupTimeout = null)
        {
            if (!File.Exists(Executable))
                throw new InvalidOperationException($"pglite-server is not installed (looked for {Executable}). Install the pinned test tools first: cd {RepoPaths.RepoRoot}/tools && npm ci");
            Exception? last = null;
            for (var attempt = 0; attempt < 3; attempt++)
            {
                var port = LoopbackPorts.Free();
                var data = Path.Combine(Path.GetTempPath(), "vectorops-pglite-" + Guid.NewGuid().ToString("N"));
                // node tools/pglite-gated.js: pglite-server behind a gate that lets one connection talk at a time
                // (pglite-socket interleaves the extended-protocol messages of concurrent connections; see the script).
                var psi = new ProcessStartInfo("node")
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                    WorkingDirectory = Path.Combine(RepoPaths.RepoRoot, "tools"),
                };
                foreach (var a in new[] { GateScript, "--db=" + data, "--host=127.0.0.1", "--port=" + port.ToString(CultureInfo.InvariantCulture),
                                          "--parent=" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) })
                    psi.ArgumentList.Add(a);
                var process = new Process { StartInfo = psi };
                var server = new PgLiteServer(port, process, data);
                process.OutputDataReceived += (_, e) => server.Add(e.Data);
                process.ErrorDataReceived += (_, e) => server.Add(e.Data);
                process.Start();
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
                try
                {
                    server.WaitUntilListening(startupTimeout ?? TimeSpan.FromSeconds(120));
                    return server;
                }
                catch (Exception ex)
                {
                    last = ex;
                    server.Dispose();
                    if (!server.LogText.Contains("EADDRINUSE", StringComparison.Ordinal)) break;
                }
            }
            throw new InvalidOperationException("pglite-server did not start: " + last?.Message, last);
        }

        /// <summary>What the server wrote so far.</summary>
        public string LogText
        {
            get { lock (_log) return string.Join(Environment.NewLine, _log); }
        }

        private static PgLiteServer StartShared()
        {
            var given = Environment.GetEnvironmentVariable(PortVariable);
            if (!string.IsNullOrWhiteSpace(given) && int.TryParse(given, NumberStyles.None, CultureInfo.InvariantCulture, out var port))
                return new PgLiteServer(port, null, null);
            var server = Start();
            AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Dispose();
            return server;
        }

        private void Add(string? line)
        {
            if (line is null) return;
            lock (_log) _log.Add(line);
        }

        private void WaitUntilListening(TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (DateTime.UtcNow < deadline)
            {
                if (_process!.HasExited) throw new InvalidOperationException($"pglite-server exited ({_process.ExitCode}): {LogText}");
                if (LogText.Contains("listening", StringComparison.OrdinalIgnoreCase) && LoopbackPorts.Accepts(Port)) return;
                Thread.Sleep(200);
            }
            throw new TimeoutException($"pglite-server did not listen on port {Port} within {timeout.TotalSeconds:0} s: {LogText}");
        }

        /// <summary>Stops the server by its process id (the whole tree) and removes its data directory.</summary>
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
