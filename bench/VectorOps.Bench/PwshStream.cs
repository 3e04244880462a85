using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;

namespace VectorOps.Bench
{
    /// <summary>
    /// Streaming memory through PowerShell 7.6 itself (issue 19, item 5). Each row is its own process, so that its
    /// peak is that run's alone. pwsh (the repository's tool) imports the built module and connects to an empty
    /// local store in every row, the baselines too, so that module and connection weigh the same on both sides;
    /// then streams the id file: <c>[IO.File]::ReadLines(ids) | Remove-VectorRecord -Force</c> (the mutations counted
    /// by a ForEach-Object and dropped), against PowerShell's own pipeline of the same ids
    /// (<c>| ForEach-Object { $count++ }</c>; not <c>| Out-Null</c>: PowerShell
    /// 7.6 discards an expression piped to Out-Null without enumerating it, 0.0 s for 300,000 lines). The peak is the process's PeakWorkingSet64 (VmHWM: the
    /// kernel's high-water mark of resident memory, exact, not sampled) read by pwsh at the end. The CLI reads the
    /// same file (<c>vectorops remove --ids-from FILE --yes</c>) and the same ids from standard input
    /// (<c>--ids-from - --yes</c>, written by this process), each run as <c>dotnet vectorops.dll</c> with the
    /// app's own runtime settings, its peak read from /proc (VmHWM) until it exits.
    /// The sink is the local store: the default provider, and in the measured process, so SQLite's memory is
    /// counted too; it holds no records (every delete runs and finds nothing), so the ids cost no seeding.
    /// </summary>
    internal static class PwshStream
    {
        /// <summary>For the quick preset's summary: the cmdlet/ForEach-Object ratio of the largest N, and the CLI's peak growth.</summary>
        public static double LastRatio = double.NaN;
        public static double LastCliGrowth = double.NaN;

        public static void Run(Options o)
        {
            Report.Heading("Streaming memory through PowerShell 7.6 and the CLI (local store as the sink)");
            var root = Paths.RepoRoot();
            var manifest = Path.Combine(root, "module", "VectorOps", "VectorOps.psd1");
            if (!File.Exists(manifest))
            {
                Report.Line($"Skipped: {manifest} not found (build the solution first).");
                return;
            }
            var dir = Path.Combine(Path.GetTempPath(), "vectorops-bench");
            Directory.CreateDirectory(dir);
            var work = Path.Combine(dir, "psstream-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
            Directory.CreateDirectory(work);
            var script = Path.Combine(work, "stream.ps1");
            File.WriteAllText(script, Script);
            var rows = new List<string[]>();
            var pwshPeaks = new Dictionary<(int, string), long>();
            var cliPeaks = new Dictionary<(int, string), long>();
            try
            {
                foreach (var n in o.PsStreamSizes)
                {
                    var file = Streaming.IdFile(dir, n, bad: false);
                    foreach (var mode in new[] { "cmdlet", "foreach" })
                    {
                        var store = Path.Combine(work, $"ps-{mode}-{n}.db");
                        var r = RunPwsh(root, script, manifest, store, file, mode);
                        if (r is null) continue;
                        pwshPeaks[(n, mode)] = r.Peak;
                        var label = mode switch
                        {
                            "cmdlet" => "pwsh: ReadLines | Remove-VectorRecord -Force",
                            _ => "pwsh: ReadLines | ForEach-Object { $count++ }",
                        };
                        var check = mode == "cmdlet" ? $"{r.Count:N0} ids in mutations" : $"{r.Count:N0} lines";
                        rows.Add(Row(n, label, r.Peak, r.Baseline, r.Seconds, check, r.Count == n));
                        Report.Progress($"psstream {mode} N={n:N0}: peak {Mb(r.Peak)}, {r.Seconds:0.0} s, {check}");
                    }
                    foreach (var source in new[] { "file", "stdin" })
                    {
                        var store = Path.Combine(work, $"cli-{source}-{n}.db");
                        var r = RunCli(store, file, source == "stdin");
                        if (r is null) continue;
                        cliPeaks[(n, source)] = r.Peak;
                        rows.Add(Row(n, source == "file" ? "CLI: remove --ids-from FILE --yes" : "CLI: remove --ids-from - --yes (stdin)",
                            r.Peak, 0, r.Seconds, $"exit {r.Count}", r.Count == 0 || r.Count == 3));
                        Report.Progress($"psstream cli {source} N={n:N0}: peak {Mb(r.Peak)}, {r.Seconds:0.0} s, exit {r.Count}");
                    }
                }
            }
            finally
            {
                try { Directory.Delete(work, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
            Report.Table("Peak working set (VmHWM) per process; the ids streamed from one file (21-character ids, one a line)",
                new[] { "N", "run", "peak working set", "before the ids (pwsh: after import and connect)", "time", "check" }, rows);
            var lines = new List<string>();
            foreach (var n in o.PsStreamSizes)
            {
                if (pwshPeaks.TryGetValue((n, "cmdlet"), out var c))
                {
                    if (pwshPeaks.TryGetValue((n, "foreach"), out var f))
                    {
                        LastRatio = (double)c / f;
                        lines.Add($"N = {n:N0}: cmdlet / ForEach-Object = **{((double)c / f).ToString("0.00", CultureInfo.InvariantCulture)}**");
                    }
                }
            }
            var sizes = o.PsStreamSizes.OrderBy(x => x).ToArray();
            if (sizes.Length > 1)
                foreach (var source in new[] { "file", "stdin" })
                    if (cliPeaks.TryGetValue((sizes[0], source), out var small) && cliPeaks.TryGetValue((sizes[^1], source), out var large))
                    {
                        LastCliGrowth = Math.Max(LastCliGrowth is double g && !double.IsNaN(g) ? g : 0, (double)large / small);
                        lines.Add($"CLI from {source}: {sizes[^1]:N0} ids peak at {((double)large / small).ToString("0.00", CultureInfo.InvariantCulture)}x the peak of {sizes[0]:N0}");
                    }
            if (!double.IsNaN(LastRatio))
                Summary.Add($"PowerShell streaming, {sizes[^1]:N0} ids", "peak: cmdlet / ForEach-Object", LastRatio, "<= 1.30", LastRatio <= 1.3);
            if (!double.IsNaN(LastCliGrowth))
                Summary.Add($"CLI streaming, {sizes[0]:N0} -> {sizes[^1]:N0} ids", "peak at the larger N / peak at the smaller", LastCliGrowth, "flat (about 1)", LastCliGrowth <= 1.15,
                    "file and stdin, the larger of the two");
            Report.Line("Ratios (target: cmdlet within 1.3x of PowerShell's own pipeline; the CLI flat in N): " + string.Join("; ", lines) + ".");
        }

        private static string[] Row(int n, string run, long peak, long baseline, double seconds, string check, bool ok) => new[]
        {
            n.ToString("N0", CultureInfo.InvariantCulture), run, Mb(peak), baseline > 0 ? Mb(baseline) : "",
            seconds.ToString("0.0", CultureInfo.InvariantCulture) + " s", ok ? check : "NOT CLEAN: " + check,
        };

        private static string Mb(long bytes) => (bytes / 1024.0 / 1024.0).ToString("0", CultureInfo.InvariantCulture) + " MB";

        private const string Script = @"
param([string]$Manifest, [string]$Store, [string]$IdFile, [string]$Mode)
$ErrorActionPreference = 'Stop'
Import-Module $Manifest
$null = Connect-VectorIndex -Provider Local -Path $Store -Index bench -Create
[GC]::Collect()
$me = [Diagnostics.Process]::GetCurrentProcess()
$before = $me.WorkingSet64
$count = 0
$clock = [Diagnostics.Stopwatch]::StartNew()
switch ($Mode) {
    'cmdlet'  { [IO.File]::ReadLines($IdFile) | Remove-VectorRecord -Force -WarningAction SilentlyContinue | ForEach-Object { $count += $_.RequestedCount } }
    'foreach' { [IO.File]::ReadLines($IdFile) | ForEach-Object { $count++ } }
}
$clock.Stop()
$me.Refresh()
'RESULT {0} {1} {2} {3}' -f $me.PeakWorkingSet64, $before, $clock.Elapsed.TotalSeconds.ToString('R', [cultureinfo]::InvariantCulture), $count
";

        private sealed class Result
        {
            public long Peak, Baseline, Count;
            public double Seconds;
        }

        private static Result? RunPwsh(string root, string script, string manifest, string store, string file, string mode)
        {
            var v = PwshScript.Run(root, "psstream " + mode, script, "-Manifest", manifest, "-Store", store, "-IdFile", file, "-Mode", mode);
            if (v is null) return null;
            var count = long.Parse(v[3], CultureInfo.InvariantCulture);
            return new Result
            {
                Peak = long.Parse(v[0], CultureInfo.InvariantCulture),
                Baseline = long.Parse(v[1], CultureInfo.InvariantCulture),
                Seconds = double.Parse(v[2], CultureInfo.InvariantCulture),
                Count = count,
            };
        }

        /// <summary>The CLI as its own process (dotnet vectorops.dll), its peak read from /proc/PID/status (VmHWM) until it exits. Count = exit code.</summary>
        private static Result? RunCli(string store, string file, bool stdin)
        {
            var cli = Path.Combine(AppContext.BaseDirectory, "vectorops.dll");
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
            psi.ArgumentList.Add(cli);
            foreach (var a in new[] { "remove", "--provider", "Local", "--store", store, "--index", "bench", "--create", "--ids-from", stdin ? "-" : file, "--yes" })
                psi.ArgumentList.Add(a);
            var clock = Stopwatch.StartNew();
            using var p = Process.Start(psi)!;
            var err = new StringBuilder();
            p.ErrorDataReceived += (_, e) => { if (e.Data != null && err.Length < 2000) err.AppendLine(e.Data); };
            p.BeginErrorReadLine();
            var drain = Task.Run(() =>
            {
                var buffer = new char[1 << 16];
                while (p.StandardOutput.Read(buffer, 0, buffer.Length) > 0) { }
            });
            var feed = Task.Run(() =>
            {
                try
                {
                    if (stdin)
                        using (var f = File.OpenRead(file)) f.CopyTo(p.StandardInput.BaseStream, 1 << 16);
                    p.StandardInput.Close();
                }
                catch (IOException) { }
            });
            long peak = 0;
            var status = $"/proc/{p.Id}/status";
            while (!p.HasExited)
            {
                peak = Math.Max(peak, VmHwm(status));
                System.Threading.Thread.Sleep(25);
            }
            p.WaitForExit();
            clock.Stop();
            drain.Wait();
            feed.Wait();
            if (peak == 0)
            {
                Report.Progress($"psstream cli: no peak read (not Linux?), exit {p.ExitCode}: {err}");
                return null;
            }
            if (p.ExitCode != 0 && p.ExitCode != 3) Report.Progress($"psstream cli exit {p.ExitCode}: {err}");
            return new Result { Peak = peak, Seconds = clock.Elapsed.TotalSeconds, Count = p.ExitCode };
        }

        private static long VmHwm(string status)
        {
            try
            {
                foreach (var line in File.ReadLines(status))
                    if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                        return long.Parse(line.Substring(6).Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
            return 0;
        }
    }
}
