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
    /// A native PostgreSQL from the machine's packages (Debian: <c>apt-get install postgresql-15</c>, which has no
    /// pgvector), for what PGlite cannot show: PGlite runs one query at a time and blocks a second session while
    /// another has a transaction open, so only a real server shows sessions truly running side by side.
    /// A throwaway cluster: initdb into a fresh temporary directory (as the package's <c>postgres</c> user when we are
    /// root: the server refuses to run as root and the data directory must be its own), the server started on
    /// 127.0.0.1 and a free port with its socket in that directory, trust authentication for local connections only,
    /// stopped by its process id and the directory deleted on <see cref="Dispose"/>, or by the watching shell when
    /// the test process dies without disposing it.
    /// </summary>
    public sealed class DebianPostgres : IDisposable
    {
        /// <summary>Set by .ci/run: a missing server fails the tests that need it instead of skipping them.</summary>
        public const string RequireVariable = "VECTOROPS_CI_REQUIRE_POSTGRES";

        private static readonly Lazy<DebianPostgres> SharedServer = new Lazy<DebianPostgres>(StartShared, LazyThreadSafetyMode.ExecutionAndPublication);
        private readonly Process _process;
        private readonly string _directory;
        private readonly List<string> _log = new List<string>();

        private DebianPostgres(Process process, string directory, int port, string binDirectory)
        {
            _process = process;
            _directory = directory;
            Port = port;
            BinDirectory = binDirectory;
        }

        /// <summary>One server for the whole test process, stopped when the process exits.</summary>
        public static DebianPostgres Shared => SharedServer.Value;

        public int Port { get; }

        /// <summary>The postmaster's process id (from postmaster.pid; under runuser, the child of the process started here).</summary>
        public int ProcessId { get; private set; }
        public string BinDirectory { get; }

        /// <summary>Connection string (no password: trust authentication on 127.0.0.1 only).</summary>
        public string ConnectionString =>
            $"Host=127.0.0.1;Port={Port.ToString(CultureInfo.InvariantCulture)};Database=postgres;Username=postgres;SSL Mode=Disable;Pooling=true;Maximum Pool Size=40";

        /// <summary>True when .ci/run asks for the server (so its absence is a failure).</summary>
        public static bool Required => Environment.GetEnvironmentVariable(RequireVariable) == "1";

        /// <summary>The newest /usr/lib/postgresql/N/bin holding initdb and postgres; null when none is installed.</summary>
        public static string? FindBinDirectory()
        {
            const string root = "/usr/lib/postgresql";
            if (!Directory.Exists(root)) return null;
            return Directory.GetDirectories(root)
                .Select(d => (Dir: d, Version: int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1))
                .Where(x => x.Version > 0 && File.Exists(Path.Combine(x.Dir, "bin", "initdb")) && File.Exists(Path.Combine(x.Dir, "bin", "postgres")))
                .OrderByDescending(x => x.Version)
                .Select(x => Path.Combine(x.Dir, "bin"))
                .FirstOrDefault();
        }

        /// <summary>Why the server cannot start here; null when it can.</summary>
        public static string? Unavailable()
        {
            if (!OperatingSystem.IsLinux()) return "a native PostgreSQL is looked for on Linux only";
            if (FindBinDirectory() is null) return "PostgreSQL is not installed (/usr/lib/postgresql/N/bin/initdb not found; apt-get install postgresql-15)";
            if (IsRoot() && !File.Exists("/usr/sbin/runuser") && !File.Exists("/sbin/runuser")) return "running as root without runuser to start the server as the postgres user";
            if (IsRoot() && !UserExists("postgres")) return "running as root and there is no postgres user to run the server as";
            return null;
        }

        private static DebianPostgres StartShared()
        {
            var server = Start();
            AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Dispose();
            return server;
        }

        /// <summary>initdb into a fresh directory, start on a free port, wait until it accepts connections.</summary>
        public static DebianPostgres Start(TimeSpan? timeout = null)
        {
            var why = Unavailable();
            if (why != null) throw new InvalidOperationException("A native PostgreSQL cannot start: " + why + ".");
            var bin = FindBinDirectory()!;
            var root = IsRoot();
            var directory = Path.Combine(Path.GetTempPath(), "vectorops-pg-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(directory);
            var data = Path.Combine(directory, "data");
            try
            {
                if (root) Run("chown", new[] { "postgres:postgres", directory }, TimeSpan.FromSeconds(30));
                RunAs(root, Path.Combine(bin, "initdb"), new[] { "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync" },
                    TimeSpan.FromMinutes(2));
            }
            catch
            {
                TryDelete(directory);
                throw;
            }

            Exception? last = null;
            for (var attempt = 0; attempt < 3; attempt++)
            {
                var port = LoopbackPorts.Free();
                // A shell watches our end of its standard input: when we close it (Dispose) or die (a test host killed
                // mid-run), it stops the postmaster (SIGINT, a fast shutdown) and deletes the cluster's directory.
                var postgres = Path.Combine(bin, "postgres");
                var psi = Psi(root, "/bin/sh", new[]
                {
                    "-c", "d=\"$1\"; shift; \"$@\" & p=$!; read _ignored; kill -INT $p 2>/dev/null; wait $p; rm -rf \"$d\"", "vectorops-pg",
                    directory, postgres, "-D", data, "-k", directory, "-p", port.ToString(CultureInfo.InvariantCulture), "-h", "127.0.0.1",
                    "-c", "fsync=off", "-c", "max_connections=100", "-c", "shared_buffers=32MB",
                });
                psi.RedirectStandardInput = true;
                var process = new Process { StartInfo = psi };
                var server = new DebianPostgres(process, directory, port, bin);
                process.OutputDataReceived += (_, e) => server.Add(e.Data);
                process.ErrorDataReceived += (_, e) => server.Add(e.Data);
                process.Start();
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
                try
                {
                    server.WaitUntilReady(timeout ?? TimeSpan.FromSeconds(60));
                    return server;
                }
                catch (Exception ex)
                {
                    last = ex;
                    server.Stop();
                    if (!server.LogText.Contains("could not bind", StringComparison.OrdinalIgnoreCase)) break;
                }
            }
            TryDelete(directory);
            throw new InvalidOperationException("PostgreSQL did not start: " + last?.Message, last);
        }

        public string LogText
        {
            get { lock (_log) return string.Join(Environment.NewLine, _log); }
        }

        private void Add(string? line)
        {
            if (line is null) return;
            lock (_log) _log.Add(line);
        }

        private void WaitUntilReady(TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (DateTime.UtcNow < deadline)
            {
                if (_process.HasExited) throw new InvalidOperationException($"postgres exited ({_process.ExitCode}): {LogText}");
                if (LogText.Contains("ready to accept connections", StringComparison.OrdinalIgnoreCase) && LoopbackPorts.Accepts(Port))
                {
                    ProcessId = ReadPostmasterPid() ?? _process.Id;
                    return;
                }
                Thread.Sleep(100);
            }
            throw new TimeoutException($"postgres did not accept connections on port {Port} within {timeout.TotalSeconds:0} s: {LogText}");
        }

        private int? ReadPostmasterPid()
        {
            try
            {
                var first = File.ReadLines(Path.Combine(_directory, "data", "postmaster.pid")).FirstOrDefault();
                return int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : (int?)null;
            }
            catch (IOException) { return null; }
            catch (UnauthorizedAccessException) { return null; }
        }

        private static ProcessStartInfo Psi(bool asPostgres, string file, IEnumerable<string> args)
        {
            var psi = new ProcessStartInfo(asPostgres ? "runuser" : file)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = Path.GetTempPath(),
            };
            if (asPostgres)
            {
                // runuser execs the program as the postgres user: the process id we hold is the server's own.
                foreach (var a in new[] { "-u", "postgres", "--", file }) psi.ArgumentList.Add(a);
            }
            foreach (var a in args) psi.ArgumentList.Add(a);
            psi.Environment["LC_ALL"] = "C";
            return psi;
        }

        private static void RunAs(bool asPostgres, string file, IEnumerable<string> args, TimeSpan timeout)
        {
            using var p = Process.Start(Psi(asPostgres, file, args))!;
            var output = p.StandardOutput.ReadToEndAsync();
            var error = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit((int)timeout.TotalMilliseconds))
            {
                try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                throw new TimeoutException($"{Path.GetFileName(file)} did not finish within {timeout.TotalSeconds:0} s.");
            }
            if (p.ExitCode != 0)
                throw new InvalidOperationException($"{Path.GetFileName(file)} exited {p.ExitCode}: {output.Result} {error.Result}");
        }

        private static void Run(string file, IEnumerable<string> args, TimeSpan timeout) => RunAs(false, file, args, timeout);

        private static bool IsRoot()
        {
            try { return File.ReadAllLines("/proc/self/status").Any(l => l.StartsWith("Uid:", StringComparison.Ordinal) && l.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1] == "0"); }
            catch (IOException) { return false; }
        }

        private static bool UserExists(string name)
        {
            try { return File.ReadLines("/etc/passwd").Any(l => l.StartsWith(name + ":", StringComparison.Ordinal)); }
            catch (IOException) { return false; }
        }

        private void Stop()
        {
            try
            {
                if (_process.HasExited) return;
                // Closing the watcher's standard input stops the server; killing the tree is the fallback.
                try { _process.StandardInput.Close(); }
                catch (IOException) { }
                if (!_process.WaitForExit(15_000))
                {
                    if (ProcessId != 0)
                        using (var k = Process.Start(new ProcessStartInfo("kill", "-KILL " + ProcessId.ToString(CultureInfo.InvariantCulture)) { UseShellExecute = false }))
                            k?.WaitForExit(5000);
                    _process.Kill(entireProcessTree: true);
                    _process.WaitForExit(10_000);
                }
            }
            catch (InvalidOperationException)
            {
            }
        }

        private static void TryDelete(string directory)
        {
            try { if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }

        /// <summary>Stops the server (the watching shell sends SIGINT to the postmaster's process id) and deletes its directory.</summary>
        public void Dispose()
        {
            Stop();
            _process.Dispose();
            TryDelete(_directory);
        }
    }
}
