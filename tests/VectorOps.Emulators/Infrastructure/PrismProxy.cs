using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;

namespace VectorOps.Emulators.Infrastructure
{
    /// <summary>Prism (tools/node_modules/.bin/prism) is missing: the message says how to install it.</summary>
    public sealed class PrismNotInstalledException : InvalidOperationException
    {
        public PrismNotInstalledException(string path)
            : base($"Prism is not installed (looked for {path}). Install the pinned test tools first: cd {RepoPaths.RepoRoot}/tools && npm ci") { }
    }

    /// <summary>Prism reported requests or responses that break the API document.</summary>
    public sealed class PrismViolationException : Exception
    {
        public PrismViolationException(string message) : base(message) { }
    }

    /// <summary>One thing Prism objected to: a request or response that breaks the document.</summary>
    public sealed class PrismViolation
    {
        public PrismViolation(string method, string path, string type, string title, string line)
        {
            Method = method;
            Path = path;
            Type = type;
            Title = title;
            Line = line;
        }

        public string Method { get; }
        public string Path { get; }

        /// <summary>Prism's error type, such as https://stoplight.io/prism/errors#UNPROCESSABLE_ENTITY (request) or #VIOLATIONS (response).</summary>
        public string Type { get; }
        public string Title { get; }
        public string Line { get; }

        public override string ToString() => $"{Method.ToUpperInvariant()} {Path}: {Type} {Title}";
    }

    /// <summary>
    /// <c>prism proxy -h 127.0.0.1 -p PORT --errors SPEC UPSTREAM</c> in front of an emulator: every request is
    /// checked against the vendor's document before it is forwarded, and every answer before it is returned.
    /// With --errors Prism answers a request violation itself (422, or 401 for a missing security header, 404 for
    /// an unknown path) and turns a response violation into a 500 with an sl-violations header. Each is logged as
    /// "Request terminated with error: https://stoplight.io/prism/errors#..."; this class captures Prism's output
    /// and reports those lines as violations, so a test fails on a violation even where the client would have
    /// tolerated the error. Upstream failures (an injected connection reset reaches the client as Prism's 500
    /// FetchError) are reported separately, not as violations. Startup takes seconds: keep one per test class.
    /// </summary>
    public sealed class PrismProxy : IDisposable
    {
        private static readonly Regex Ansi = new Regex(@"\x1B\[[0-9;]*[A-Za-z]", RegexOptions.Compiled);
        private static readonly Regex Terminated = new Regex(
            @"\[HTTP SERVER\]\s+(?<method>[a-z]+)\s+(?<path>\S+).*Request terminated with error:\s+(?<type>\S+?):\s+(?<title>.*)$",
            RegexOptions.Compiled);
        private static readonly Regex ViolationWarning = new Regex(@"\bViolation\b", RegexOptions.Compiled);
        private const string ErrorTypePrefix = "https://stoplight.io/prism/errors#";
        private const string SyncPath = "/__vectorops_prism_sync/";

        private readonly object _gate = new object();
        private readonly List<string> _lines = new List<string>();
        private readonly Process _process;
        private readonly HttpClient _client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

        private PrismProxy(Process process, Uri uri, string spec, Uri upstream)
        {
            _process = process;
            Uri = uri;
            SpecPath = spec;
            Upstream = upstream;
        }

        /// <summary>http://127.0.0.1:PORT/ of Prism: point the client here.</summary>
        public Uri Uri { get; }

        public string SpecPath { get; }
        public Uri Upstream { get; }

        /// <summary>Everything Prism wrote so far (ANSI colours stripped).</summary>
        public IReadOnlyList<string> Log
        {
            get { lock (_gate) return _lines.ToList(); }
        }

        /// <summary>
        /// Starts Prism in front of <paramref name="upstream"/>, validating against <paramref name="specPath"/>, and
        /// waits until it listens. Throws <see cref="PrismNotInstalledException"/> when Prism is not installed.
        /// </summary>
        /// <param name="prismExecutable">Another Prism executable (default: tools/node_modules/.bin/prism).</param>
        public static PrismProxy Start(string specPath, Uri upstream, TimeSpan? startupTimeout = null, string? prismExecutable = null)
        {
            var exe = prismExecutable ?? RepoPaths.PrismExecutable;
            if (!File.Exists(exe)) throw new PrismNotInstalledException(exe);
            if (!File.Exists(specPath)) throw new FileNotFoundException("The API document for Prism is missing.", specPath);
            Exception? last = null;
            for (var attempt = 0; attempt < 3; attempt++)
            {
                var port = LoopbackPorts.Free();
                var psi = new ProcessStartInfo(exe)
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                    WorkingDirectory = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(exe)))!,
                };
                foreach (var a in new[] { "proxy", "-h", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--errors", specPath, upstream.GetLeftPart(UriPartial.Authority) })
                    psi.ArgumentList.Add(a);
                psi.Environment["NO_COLOR"] = "1";
                psi.Environment["FORCE_COLOR"] = "0";
                var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
                var proxy = new PrismProxy(process, new Uri($"http://127.0.0.1:{port}/"), specPath, upstream);
                process.OutputDataReceived += (_, e) => proxy.Add(e.Data);
                process.ErrorDataReceived += (_, e) => proxy.Add(e.Data);
                process.Start();
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
                try
                {
                    proxy.WaitUntilListening(startupTimeout ?? TimeSpan.FromSeconds(120));
                    return proxy;
                }
                catch (Exception ex)
                {
                    last = ex;
                    proxy.Dispose();
                    if (!proxy.LogContains("EADDRINUSE")) break;
                }
            }
            throw new InvalidOperationException("Prism did not start: " + last?.Message, last);
        }

        /// <summary>A position in the log: pass it to <see cref="Violations"/> to see only what came after.</summary>
        public int Mark()
        {
            lock (_gate) return _lines.Count;
        }

        /// <summary>
        /// Waits until Prism has logged every request answered before this call (by sending a marker request and
        /// waiting for its log line), so checks made next see them all.
        /// </summary>
        public void Sync()
        {
            var token = Guid.NewGuid().ToString("N");
            try
            {
                using var r = _client.GetAsync(new Uri(Uri, SyncPath + token)).GetAwaiter().GetResult();
            }
            catch (HttpRequestException ex)
            {
                throw new InvalidOperationException("Prism does not answer: " + ex.Message + Environment.NewLine + Tail(), ex);
            }
            var clock = Stopwatch.StartNew();
            while (!LogContains(token))
            {
                if (clock.Elapsed > TimeSpan.FromSeconds(30))
                    throw new InvalidOperationException("Prism did not log the marker request." + Environment.NewLine + Tail());
                Thread.Sleep(10);
            }
        }

        /// <summary>Request and response violations logged since <paramref name="since"/> (call <see cref="Sync"/> first).</summary>
        public IReadOnlyList<PrismViolation> Violations(int since = 0) => Parse(since).Where(v => v.Type.StartsWith(ErrorTypePrefix, StringComparison.Ordinal) || v.Type == "Violation").ToList();

        /// <summary>Requests Prism could not forward (the emulator reset or hung up): not violations of the document.</summary>
        public IReadOnlyList<PrismViolation> UpstreamFailures(int since = 0) => Parse(since).Where(v => !v.Type.StartsWith(ErrorTypePrefix, StringComparison.Ordinal) && v.Type != "Violation").ToList();

        /// <summary>Syncs, then throws <see cref="PrismViolationException"/> listing every violation since the mark.</summary>
        public void AssertNoViolations(int since = 0)
        {
            Sync();
            var found = Violations(since);
            if (found.Count == 0) return;
            var sb = new StringBuilder();
            sb.AppendLine($"Prism found {found.Count} violation(s) of {Path.GetFileName(SpecPath)}:");
            foreach (var v in found.Take(20)) sb.AppendLine("  " + v);
            sb.AppendLine("Prism log (tail):");
            sb.Append(Tail(since));
            throw new PrismViolationException(sb.ToString());
        }

        public void Dispose()
        {
            try
            {
                if (!_process.HasExited)
                {
                    _process.Kill(entireProcessTree: true);
                    _process.WaitForExit(10000);
                }
            }
            catch (InvalidOperationException) { }
            catch (System.ComponentModel.Win32Exception) { }
            _process.Dispose();
            _client.Dispose();
        }

        private IEnumerable<PrismViolation> Parse(int since)
        {
            List<string> lines;
            lock (_gate) lines = _lines.Skip(since).ToList();
            foreach (var line in lines)
            {
                if (line.Contains(SyncPath, StringComparison.Ordinal)) continue;
                var m = Terminated.Match(line);
                if (m.Success)
                {
                    yield return new PrismViolation(m.Groups["method"].Value, m.Groups["path"].Value, m.Groups["type"].Value, m.Groups["title"].Value.Trim(), line);
                    continue;
                }
                // Prism logs violations it does not fail on (severity warning) as "Violation: ..." lines.
                if (ViolationWarning.IsMatch(line) && !line.Contains("Request terminated", StringComparison.Ordinal))
                    yield return new PrismViolation("", "", "Violation", line.Trim(), line);
            }
        }

        private void Add(string? line)
        {
            if (line is null) return;
            line = Ansi.Replace(line, "");
            lock (_gate) _lines.Add(line);
        }

        private bool LogContains(string text)
        {
            lock (_gate) return _lines.Any(l => l.Contains(text, StringComparison.Ordinal));
        }

        private string Tail(int since = 0)
        {
            lock (_gate) return string.Join(Environment.NewLine, _lines.Skip(Math.Max(since, _lines.Count - 60)));
        }

        private void WaitUntilListening(TimeSpan timeout)
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < timeout)
            {
                if (LogContains("Prism is listening on")) return;
                if (_process.HasExited)
                    throw new InvalidOperationException($"Prism exited with code {_process.ExitCode}:{Environment.NewLine}{Tail()}");
                Thread.Sleep(50);
            }
            throw new TimeoutException($"Prism did not listen within {timeout.TotalSeconds:0} s:{Environment.NewLine}{Tail()}");
        }

    }
}
