using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using VectorOps.Commands;
using VectorOps.Connections;
using VectorOps.Providers;
using VectorOps.Security;

namespace VectorOps.Bench
{
    /// <summary>
    /// Streaming at scale: N ids from a file through the CLI (<c>vectorops remove --ids-from FILE</c>) and through the
    /// command layer as the cmdlet drives it (one Add call per id), each in a child process of its own so that the
    /// peak working set printed is that run's alone. The sink is the Pinecone emulator (another process) with no
    /// latency and no limit; VectorOps' pacing is lifted so the runs are short (pacing holds no memory).
    /// </summary>
    internal static class Streaming
    {
        private const double Unpaced = 1e9;

        public static void Run(Options o)
        {
            Report.Heading("Streaming: ids from a file, peak working set");
            Report.Line("Each row is its own child process (`VectorOps.Bench stream-child ...`): `cli` runs the vectorops entry point " +
                        "(`remove --ids-from FILE --yes`, which reads the file twice: a validation pass, then the sending pass) with the " +
                        "runtime settings the vectorops app ships with (dynamic PGO off, from its runtimeconfig.json); " +
                        "`cmdlet-style` feeds RemoveByIdsCommand one id per Add call, as ProcessRecord does, with a host that " +
                        "discards the mutations. `validation pass` is the CLI on the same file with one bad id on the last line: " +
                        "it reads everything once, reports the line and sends nothing. Peak = Process.PeakWorkingSet64 (VmHWM) at the end; " +
                        "baseline = working set before the ids are read. Sink: the Pinecone emulator, no latency, no limit, pacing lifted.");
            var dir = Path.Combine(Path.GetTempPath(), "vectorops-bench");
            Directory.CreateDirectory(dir);
            using var emu = PineconeTarget.StartEmulator();
            emu.ConfigureAsync(new { latencyMs = 0, deleteRps = 0, recordDeletedIds = false }).GetAwaiter().GetResult();
            var rows = new List<string[]>();
            foreach (var n in o.StreamSizes)
            {
                var file = IdFile(dir, n, bad: false);
                var badFile = IdFile(dir, n, bad: true);
                foreach (var mode in new[] { "cli", "cmdlet-style", "validation pass" })
                {
                    emu.ResetAsync().GetAwaiter().GetResult();
                    emu.ConfigureAsync(new { latencyMs = 0, deleteRps = 0, recordDeletedIds = false }).GetAwaiter().GetResult();
                    var result = RunChild(mode == "cmdlet-style" ? "command" : "cli", emu, mode == "validation pass" ? badFile : file);
                    var journal = emu.JournalAsync().GetAwaiter().GetResult();
                    var sent = journal.IdsSent;
                    var expectedSent = mode == "validation pass" ? 0 : n;
                    if (sent != expectedSent) Report.Progress($"WARNING: {mode} N={n:N0}: the emulator received {sent:N0} ids, expected {expectedSent:N0} (exit {result.ExitCode})");
                    rows.Add(new[]
                    {
                        n.ToString("N0", CultureInfo.InvariantCulture), mode,
                        Mb(result.PeakWorkingSet), Mb(result.BaselineWorkingSet), Mb(result.PeakGcHeap),
                        result.Seconds.ToString("0.0", CultureInfo.InvariantCulture) + " s",
                        mode == "validation pass" ? (n / result.Seconds).ToString("N0", CultureInfo.InvariantCulture) + " ids/s checked"
                            : (n / result.Seconds).ToString("N0", CultureInfo.InvariantCulture),
                        (result.CpuSeconds * 1e6 / n).ToString("0.00", CultureInfo.InvariantCulture),
                        sent.ToString("N0", CultureInfo.InvariantCulture), result.ExitCode.ToString(CultureInfo.InvariantCulture),
                    });
                    Report.Progress($"stream {mode} N={n:N0}: peak {Mb(result.PeakWorkingSet)} MB, {result.Seconds:0.0} s, exit {result.ExitCode}");
                }
            }
            Report.Table("Streaming from a file (Pinecone emulator as the sink)",
                new[] { "N", "path", "peak working set MB", "baseline MB", "peak managed heap MB (sampled)", "time", "ids/s", "CPU µs/id", "ids received", "exit" }, rows);
        }

        private static string Mb(long bytes) => (bytes / 1024.0 / 1024.0).ToString("0", CultureInfo.InvariantCulture);

        internal static string IdFile(string dir, int n, bool bad)
        {
            var path = Path.Combine(dir, $"ids-{n}{(bad ? "-bad" : "")}.txt");
            if (File.Exists(path)) return path;
            var tmp = path + ".tmp";
            using (var w = new StreamWriter(tmp, false, new UTF8Encoding(false), 1 << 20))
            {
                for (var i = 0; i < n; i++) w.Write(Workload.Id(i) + "\n");
                if (bad) w.Write(new string('x', 600) + "\n");
            }
            File.Move(tmp, path, true);
            return path;
        }

        private sealed class ChildResult
        {
            public int ExitCode;
            public double Seconds;
            public double CpuSeconds;
            public long PeakWorkingSet;
            public long BaselineWorkingSet;
            public long PeakGcHeap;
        }

        private static ChildResult RunChild(string mode, EmulatorProcess emu, string file)
        {
            var result = Path.GetTempFileName();
            var psi = new ProcessStartInfo("dotnet")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "VectorOps.Bench.dll"));
            psi.ArgumentList.Add("stream-child");
            psi.ArgumentList.Add(mode);
            psi.ArgumentList.Add(result);
            psi.ArgumentList.Add(emu.BaseUri.ToString());
            psi.ArgumentList.Add(file);
            psi.Environment["PINECONE_API_KEY"] = PineconeTarget.ApiKey;
            // The cli child runs the vectorops entry point inside this harness: give it the runtime settings the
            // vectorops app ships with (its runtimeconfig.json turns dynamic PGO off).
            if (mode == "cli" && CliDisablesTieredPgo()) psi.Environment["DOTNET_TieredPGO"] = "0";
            using var p = Process.Start(psi)!;
            p.StandardInput.Close();
            var err = new StringBuilder();
            p.ErrorDataReceived += (_, e) => { if (e.Data != null && err.Length < 4000) err.AppendLine(e.Data); };
            p.BeginErrorReadLine();
            // The CLI writes a table row per batch on stdout: read and drop it, as a terminal would show it.
            var buffer = new char[1 << 16];
            while (p.StandardOutput.Read(buffer, 0, buffer.Length) > 0) { }
            p.WaitForExit();
            var lines = File.ReadAllLines(result);
            File.Delete(result);
            if (lines.Length == 0)
            {
                Report.Progress($"stream child {mode} wrote no result (exit {p.ExitCode}): {err}");
                return new ChildResult { ExitCode = p.ExitCode };
            }
            var v = lines[0].Split(' ');
            return new ChildResult
            {
                ExitCode = int.Parse(v[0], CultureInfo.InvariantCulture),
                Seconds = double.Parse(v[1], CultureInfo.InvariantCulture),
                CpuSeconds = double.Parse(v[2], CultureInfo.InvariantCulture),
                PeakWorkingSet = long.Parse(v[3], CultureInfo.InvariantCulture),
                BaselineWorkingSet = long.Parse(v[4], CultureInfo.InvariantCulture),
                PeakGcHeap = long.Parse(v[5], CultureInfo.InvariantCulture),
            };
        }

        private static bool CliDisablesTieredPgo()
        {
            var config = Path.Combine(AppContext.BaseDirectory, "vectorops.runtimeconfig.json");
            if (!File.Exists(config)) return false;
            using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(config));
            return doc.RootElement.TryGetProperty("runtimeOptions", out var o) && o.TryGetProperty("configProperties", out var c) &&
                   c.TryGetProperty("System.Runtime.TieredPGO", out var pgo) && pgo.ValueKind == System.Text.Json.JsonValueKind.False;
        }

        /// <summary>In the child: <c>stream-child cli|command RESULTFILE EMULATOR_URI IDFILE</c>.</summary>
        public static int Child(string[] args)
        {
            var mode = args[0];
            var resultFile = args[1];
            var uri = new Uri(args[2]);
            var file = args[3];
            var me = Process.GetCurrentProcess();
            var baseline = me.WorkingSet64;
            var cpu0 = me.TotalProcessorTime;
            long peakHeap = 0;
            using var sampler = new System.Threading.Timer(_ =>
            {
                var now = GC.GetTotalMemory(false);
                if (now > System.Threading.Interlocked.Read(ref peakHeap)) System.Threading.Interlocked.Exchange(ref peakHeap, now);
            }, null, 0, 10);
            var clock = Stopwatch.StartNew();
            int exit;
            if (mode == "cli")
            {
                var cli = Assembly.Load("vectorops");
                var cliArgs = new[]
                {
                    "remove", "--provider", "Pinecone", "--index-host", uri.ToString(), "--ids-from", file, "--yes",
                    "--requests-per-second", Unpaced.ToString("R", CultureInfo.InvariantCulture),
                };
                exit = (int)cli.EntryPoint!.Invoke(null, new object[] { cliArgs })!;
            }
            else
            {
                var settings = new ConnectionSettings
                {
                    Provider = "Pinecone",
                    ["IndexHost"] = uri,
                    Credential = Secret.FromPlainText(PineconeTarget.ApiKey),
                    RequestsPerSecond = Unpaced,
                };
                using var connection = new VectorConnection(ProviderRegistry.Create(settings), null, null);
                var host = new DiscardHost();
                var command = new RemoveByIdsCommand(host, connection, new RemoveOptions());
                using (var reader = new StreamReader(file, new UTF8Encoding(false), false, 1 << 16))
                {
                    string? line;
                    while ((line = reader.ReadLine()) != null)
                        if (line.Length > 0) command.Add(new[] { line }, null);
                }
                command.Complete();
                exit = host.Outcome.Failed == 0 && host.Outcome.FirstError is null ? 0 : 1;
                if (host.Outcome.FirstError != null) Console.Error.WriteLine(host.Outcome.FirstError);
            }
            clock.Stop();
            me.Refresh();
            File.WriteAllText(resultFile, string.Join(" ", new[]
            {
                exit.ToString(CultureInfo.InvariantCulture),
                clock.Elapsed.TotalSeconds.ToString("R", CultureInfo.InvariantCulture),
                (me.TotalProcessorTime - cpu0).TotalSeconds.ToString("R", CultureInfo.InvariantCulture),
                me.PeakWorkingSet64.ToString(CultureInfo.InvariantCulture),
                baseline.ToString(CultureInfo.InvariantCulture),
                peakHeap.ToString(CultureInfo.InvariantCulture),
            }));
            return exit;
        }
    }
}
