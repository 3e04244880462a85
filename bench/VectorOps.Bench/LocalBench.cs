using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using SQLitePCL;
using VectorOps.Commands;
using VectorOps.Connections;
using VectorOps.Providers;

namespace VectorOps.Bench
{
    /// <summary>
    /// The local store against SQLite itself (issue 19, item 1). Two files in a temporary folder, each seeded (not
    /// timed) with the same N ids in a table of the Local provider's own shape (its DDL: vo_indexes, vo_namespaces,
    /// vo_records with UNIQUE (ns_id, id); an 8-float dense BLOB, a small metadata JSON, a timestamp per row), WAL.
    /// (a) VectorOps: RemoveByIdsCommand fed one id per Add call (as Remove-VectorRecord's ProcessRecord), the
    /// Local provider created from ConnectionSettings as Connect-VectorIndex does, its defaults (1,000 ids a batch,
    /// one batch at a time). (b) SQLite itself: the same native library (SQLitePCLRaw e_sqlite3), driven through
    /// its C API with nothing between: one connection, <c>DELETE FROM vo_records WHERE ns_id = ?1 AND id = ?2</c>
    /// prepared once and reused (bind, step, reset), BEGIN IMMEDIATE ... COMMIT around every 1,000 ids, the same
    /// journal (WAL) and the same synchronous level as the provider (SQLite's default, FULL). (c) the cmdlet:
    /// <c>$ids | Remove-VectorRecord -Force</c> and <c>Remove-VectorRecord -IdPath ids.txt -Force</c> in PowerShell
    /// 7.6 (the repository's pwsh tool) with the module built in Release by this run (not module/VectorOps), timed
    /// inside PowerShell around the call only; each pwsh deletes the N ids five times, from five indexes of the same
    /// file: the first call is the cold figure, the second the warm one that is compared with (b), which runs warm
    /// too, the fifth the steady state (the runtime's tiered recompilation, which goes on through the first
    /// four calls of a session, done), printed beside it. (f) PowerShell's own floor
    /// for piped strings, bench-only cmdlets that do nothing (see <see cref="PwshFloor"/>): what of (c) is the
    /// engine's and what is ours. Every run is checked: 0 rows left, N reported deleted (by every call of the cmdlet).
    /// </summary>
    internal static class LocalBench
    {
        private const string IndexName = "bench";
        private const string Ns = "default";

        public static void Run(Options o)
        {
            var n = o.LocalN;
            Report.Heading($"Local store: {n:N0} ids deleted by VectorOps vs SQLite itself (same table shape, 1,000-id transactions, WAL)");
            Batteries_V2.Init();
            var dir = Path.Combine(Path.GetTempPath(), "vectorops-bench", "local-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
            Directory.CreateDirectory(dir);
            try
            {
                RunIn(o, dir, n);
            }
            finally
            {
                try { Directory.Delete(dir, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
        }

        private static void RunIn(Options o, string dir, int n)
        {
            var w = new Workload(n, 1, 1000);
            var storeA = Path.Combine(dir, "vectorops.db");
            var storeB = Path.Combine(dir, "sqlite.db");
            var settings = new ConnectionSettings { Provider = "Local", Index = IndexName, CreateIfMissing = true };
            settings["Path"] = storeA;
            // Create the file and index the way Connect-VectorIndex -Create does, then close it again.
            using (ProviderRegistry.Create(settings)) { }
            settings.CreateIfMissing = false;

            Report.Progress($"synchronous: raw {Pragma(storeA, "synchronous")}, Microsoft.Data.Sqlite {MdsPragma(storeA, "synchronous")}; journal_mode raw {Pragma(storeA, "journal_mode")}; compile options: {string.Join(",", CompileOptions(storeA).Where(x => x.Contains("SYNC") || x.Contains("WAL")))}");
            // Warm-up (JIT of the command layer and provider, the native library loaded, the file cache): a small
            // round of each, not recorded.
            var warm = new Workload(Math.Min(n, 20_000), 1, 1000);
            Seed(storeA, warm.Ids);
            RunVectorOps(settings, warm);
            CreateRaw(storeB);
            Seed(storeB, warm.Ids);
            RunRaw(storeB, warm.Ids);

            var a = new List<(PgVectorBench.PhaseResult R, ClientOutcome O, long Left)>();
            var b = new List<(PgVectorBench.PhaseResult R, long Deleted, long Left)>();
            for (var run = 0; run < o.LocalRuns; run++)
            {
                // Alternate which goes first, so that neither always meets the other's checkpoint or page cache.
                for (var k = 0; k < 2; k++)
                {
                    if ((run + k) % 2 == 0)
                    {
                        Seed(storeA, w.Ids);
                        ClientOutcome? outcome = null;
                        var r = PgVectorBench.Phase(null, () => outcome = RunVectorOps(settings, w));
                        var left = Count(storeA);
                        a.Add((r, outcome!, left));
                        Report.Progress($"local (a) VectorOps run {run + 1}: {r.Seconds:0.000} s, {outcome!.Ids:N0} ids done, {outcome.Failed} failed, {left} rows left" +
                                        (outcome.FirstError is null ? "" : ", first error: " + outcome.FirstError));
                    }
                    else
                    {
                        Seed(storeB, w.Ids);
                        long deleted = 0;
                        var r = PgVectorBench.Phase(null, () => deleted = RunRaw(storeB, w.Ids));
                        var left = Count(storeB);
                        b.Add((r, deleted, left));
                        Report.Progress($"local (b) SQLite itself run {run + 1}: {r.Seconds:0.000} s, {deleted:N0} deleted, {left} rows left");
                    }
                }
            }

            CmdletResult? cmdlet = null;
            var cmdletRuns = new List<CmdletResult>();
            var idPathRuns = new List<CmdletResult>();
            var cmdletNoTierRuns = new List<CmdletResult>();
            var idPathNoTierRuns = new List<CmdletResult>();
            // The module measured is built here, in Release, into this run's folder (not module/VectorOps).
            var manifest = o.SkipPwsh ? null : PwshScript.BuildReleaseModule(Paths.RepoRoot(), "local (c) cmdlet", Path.Combine(dir, "module"));
            for (var run = 0; manifest != null && run < Math.Min(3, o.LocalRuns); run++)
            {
                foreach (var mode in new[] { "pipe", "idpath" })
                {
                    // Five indexes of one new file, each holding the N ids, seeded one after the other (each index's
                    // rows on pages of their own, as (a)'s and (b)'s files have them; a file reused across runs would
                    // leave each index's rows scattered over the pages freed by earlier deletes): the first call of
                    // the pwsh deletes the warm-up index's (its cold figure), the timed second call the measured
                    // index's, the third and fourth the settling indexes' (checked, not printed), the fifth the
                    // steady-state index's.
                    var pwshStore = FreshStore(dir, $"pwsh-{mode}-{run}", w.Ids);
                    var r = RunCmdlet(dir, manifest, pwshStore, w.Ids, mode);
                    if (r is null) break;
                    r.Left = Count(pwshStore);
                    DropStore(pwshStore);
                    (mode == "pipe" ? cmdletRuns : idPathRuns).Add(r);
                    // The same calls in a pwsh whose runtime does not recompile (tiered compilation off): shows what the
                    // second call costs once the runtime's recompilation is out of the way. A setting of the process, made
                    // by whoever starts pwsh; VectorOps makes none.
                    var noTierStore = FreshStore(dir, $"pwsh-notier-{mode}-{run}", w.Ids);
                    var noTier = RunCmdlet(dir, manifest, noTierStore, w.Ids, mode, NoTieredCompilation);
                    var noTierLeft = Count(noTierStore);
                    DropStore(noTierStore);
                    if (noTier != null)
                    {
                        noTier.Left = noTierLeft;
                        (mode == "pipe" ? cmdletNoTierRuns : idPathNoTierRuns).Add(noTier);
                        Report.Progress($"local (c2) cmdlet {mode} run {run + 1}, DOTNET_TieredCompilation=0: second call {noTier.Seconds:0.000} s ({noTier.CpuSeconds:0.00} CPU s), {noTier.Deleted:N0} reported deleted; {noTier.Left} rows left");
                    }
                    Report.Progress($"local (c) cmdlet {mode} run {run + 1}: {r.Seconds:0.000} s ({r.CpuSeconds:0.00} CPU s, {Mb(r.Allocated)}) in PowerShell, {r.Deleted:N0} reported deleted; " +
                                    $"cold first call {r.ColdSeconds:0.000} s ({r.ColdCpuSeconds:0.00} CPU s, {Mb(r.ColdAllocated)}), {r.ColdDeleted:N0} reported deleted; " +
                                    $"fifth call {r.SteadySeconds:0.000} s ({r.SteadyCpuSeconds:0.00} CPU s, {Mb(r.SteadyAllocated)}), {r.SteadyDeleted:N0} reported deleted; {r.Left} rows left in the five indexes");
                }
            }
            // PowerShell's own floor for piped ids: bench-only cmdlets with empty ProcessRecord, in pwsh of their own.
            var floorRuns = new List<List<PwshFloor.Result>>();
            for (var run = 0; manifest != null && run < Math.Min(3, o.LocalRuns); run++)
            {
                var f = PwshFloor.Run(Paths.RepoRoot(), dir, manifest, IdFile(dir, w.Ids));
                if (f is null) break;
                floorRuns.Add(f);
                Report.Progress($"local (f) PowerShell's floor run {run + 1}: " + string.Join("; ", f.Select(x => $"{x.Name} {x.Seconds:0.000} s ({x.CpuSeconds:0.00} CPU s, {Mb(x.Allocated)})")));
            }
            CmdletResult? idPath = idPathRuns.Count == 0 ? null : idPathRuns.OrderBy(x => x.Seconds).ElementAt(idPathRuns.Count / 2);
            if (idPath != null)
            {
                idPath.Left = idPathRuns.Max(x => x.Left);
                if (idPathRuns.Any(x => x.Deleted != n)) idPath.Deleted = idPathRuns.First(x => x.Deleted != n).Deleted;
                if (idPathRuns.Any(x => x.ColdDeleted != n)) idPath.ColdDeleted = idPathRuns.First(x => x.ColdDeleted != n).ColdDeleted;
                if (idPathRuns.Any(x => x.SteadyDeleted != n)) idPath.SteadyDeleted = idPathRuns.First(x => x.SteadyDeleted != n).SteadyDeleted;
            }
            if (cmdletRuns.Count > 0)
            {
                // The median run by time; the check columns take the worst of all runs.
                cmdlet = cmdletRuns.OrderBy(x => x.Seconds).ElementAt(cmdletRuns.Count / 2);
                cmdlet.Left = cmdletRuns.Max(x => x.Left);
                if (cmdletRuns.Any(x => x.Deleted != n)) cmdlet.Deleted = cmdletRuns.First(x => x.Deleted != n).Deleted;
                if (cmdletRuns.Any(x => x.ColdDeleted != n)) cmdlet.ColdDeleted = cmdletRuns.First(x => x.ColdDeleted != n).ColdDeleted;
                if (cmdletRuns.Any(x => x.SteadyDeleted != n)) cmdlet.SteadyDeleted = cmdletRuns.First(x => x.SteadyDeleted != n).SteadyDeleted;
            }

            string F(double v, string f) => v.ToString(f, CultureInfo.InvariantCulture);
            var ta = Measure.Median(a.Select(x => x.R.Seconds));
            var tb = Measure.Median(b.Select(x => x.R.Seconds));
            var rows = new List<string[]>
            {
                Row("(a) VectorOps: RemoveByIdsCommand fed one id per Add, Local provider, defaults", a.Select(x => x.R).ToList(), n,
                    a.Sum(x => x.O.Failed) + " failed", a.Max(x => x.Left)),
                Row("(b) SQLite itself: C API, one prepared DELETE reused, BEGIN IMMEDIATE/COMMIT per 1,000 ids", b.Select(x => x.R).ToList(), n,
                    b.All(x => x.Deleted == n) ? "all deleted" : "NOT all deleted", b.Max(x => x.Left)),
            };
            if (cmdlet != null)
                rows.Add(new[]
                {
                    "(c) `$ids | Remove-VectorRecord -Force` in pwsh " + cmdlet.Version + ", warm: the second call of its session (timed inside PowerShell; its CPU and memory are the whole pwsh process)",
                    F(cmdlet.Seconds, "0.000"), cmdletRuns.Count.ToString(CultureInfo.InvariantCulture), F(n / cmdlet.Seconds, "N0"), F(cmdlet.CpuSeconds, "0.00"), Mb(cmdlet.PeakWorkingSet),
                    Mb((long)Measure.Median(cmdletRuns.Select(x => (double)x.Allocated))),
                    cmdlet.Deleted == n ? "all deleted" : $"{cmdlet.Deleted:N0} reported", cmdlet.Left.ToString(CultureInfo.InvariantCulture),
                });
            if (cmdlet != null)
                rows.Add(ColdRow("(c0) the same, cold: the first call in a fresh pwsh (module imported and connected before the clock)", cmdletRuns, n));
            if (cmdlet != null)
                rows.Add(SteadyRow("(c1) the same, steady state: the fifth call of the session (tiered recompilation done: measured, it goes on through the first four calls; not what a user's second call meets)", cmdletRuns, n));
            if (idPath != null)
                rows.Add(new[]
                {
                    "(c') `Remove-VectorRecord -IdPath ids.txt -Force` in pwsh, warm: the second call of its session (the file read by the command layer, checked whole first, no object per id)",
                    F(idPath.Seconds, "0.000"), idPathRuns.Count.ToString(CultureInfo.InvariantCulture), F(n / idPath.Seconds, "N0"), F(idPath.CpuSeconds, "0.00"), Mb(idPath.PeakWorkingSet),
                    Mb((long)Measure.Median(idPathRuns.Select(x => (double)x.Allocated))),
                    idPath.Deleted == n ? "all deleted" : $"{idPath.Deleted:N0} reported", idPath.Left.ToString(CultureInfo.InvariantCulture),
                });
            if (idPath != null)
                rows.Add(ColdRow("(c0') the same, cold: the first call in a fresh pwsh", idPathRuns, n));
            if (idPath != null)
                rows.Add(SteadyRow("(c1') the same, steady state: the fifth call of the session", idPathRuns, n));
            if (cmdletNoTierRuns.Count > 0)
                rows.Add(NoTierRow("(c2) piped ids, the second call in a pwsh started with DOTNET_TieredCompilation=0 (no recompilation by the runtime; a process setting, not one VectorOps makes)", cmdletNoTierRuns, n));
            if (idPathNoTierRuns.Count > 0)
                rows.Add(NoTierRow("(c2') -IdPath, the same", idPathNoTierRuns, n));
            PwshFloor.Result? floorOne = null, floorShape = null;
            if (floorRuns.Count > 0)
            {
                floorOne = PwshFloor.Median(floorRuns, 0);
                floorShape = PwshFloor.Median(floorRuns, 1);
                rows.Add(FloorRow("(f1) PowerShell's floor, not VectorOps: `$ids | Test-FloorOneString`, a bench-only binary cmdlet with one [Parameter(ValueFromPipeline)] string and an empty ProcessRecord (third pass of a pwsh)", floorOne, floorRuns.Count, n));
                rows.Add(FloorRow("(f2) PowerShell's floor for this shape, not VectorOps: `$ids | Test-FloorSameShape -Force`, bench-only, Remove-VectorRecord's parameter sets and attributes, empty ProcessRecord (third pass)", floorShape, floorRuns.Count, n));
            }
            Report.Table($"{n:N0} ids, 21 characters each; medians of {o.LocalRuns} run(s) of (a) and (b), alternating; SQLite {raw.sqlite3_libversion().utf8_to_string()} (e_sqlite3, both sides)" +
                         (manifest is null ? "" : "; the cmdlet rows: the module built in Release by this run"),
                new[] { "variant", "seconds (median)", "runs", "ids/s", "CPU s (median)", "peak working set (max)", "allocated (median)", "check", "rows left (max)" }, rows);
            Report.Line($"Ratio (b)/(a) in time, VectorOps against SQLite itself: **{F(tb / ta, "0.00")}** (target >= 0.90)" +
                        (cmdlet != null ? $"; through the cmdlet, warm (c): {F(tb / cmdlet.Seconds, "0.00")} (runs: {string.Join(", ", cmdletRuns.Select(x => F(x.Seconds, "0.000")))} s)" : "") +
                        (idPath != null ? $"; -IdPath, warm (c'): {F(tb / idPath.Seconds, "0.00")} (runs: {string.Join(", ", idPathRuns.Select(x => F(x.Seconds, "0.000")))} s)" : "") +
                        (cmdlet != null ? $"; cold first calls: piped {string.Join(", ", cmdletRuns.Select(x => F(x.ColdSeconds, "0.000")))} s, -IdPath {string.Join(", ", idPathRuns.Select(x => F(x.ColdSeconds, "0.000")))} s" : "") +
                        (cmdlet != null && idPath != null ? $"; steady state (fifth call): piped {F(tb / Measure.Median(cmdletRuns.Select(x => x.SteadySeconds)), "0.00")}, -IdPath {F(tb / Measure.Median(idPathRuns.Select(x => x.SteadySeconds)), "0.00")}" : "") +
                        (cmdletNoTierRuns.Count > 0 && idPathNoTierRuns.Count > 0 ? $"; second call with tiered compilation off (c2, c2'): piped {F(tb / Measure.Median(cmdletNoTierRuns.Select(x => x.Seconds)), "0.00")}, -IdPath {F(tb / Measure.Median(idPathNoTierRuns.Select(x => x.Seconds)), "0.00")}" : "") +
                        (floorOne != null && floorShape != null ? $"; PowerShell's own binding of {n:N0} piped strings: {F(floorOne.Seconds, "0.000")} s into one string parameter (f1), {F(floorShape.Seconds, "0.000")} s into this cmdlet's parameter sets (f2), " +
                            "on the pipeline thread, beside the batches' SQLite work on another (so it adds to (c) only where the two do not overlap: a busy machine, GC, JIT)." : ".") +
                        " Runs (a): " + string.Join(", ", a.Select(x => F(x.R.Seconds, "0.000"))) + " s; (b): " + string.Join(", ", b.Select(x => F(x.R.Seconds, "0.000"))) + " s. " +
                        "Peak working set: sampled every 20 ms in this process during the phase (the N-id array of the workload included).");
            var clean = !(a.Any(x => x.O.Failed > 0 || x.O.Ids != n || x.Left != 0) || b.Any(x => x.Deleted != n || x.Left != 0));
            Summary.Add($"Local, {n:N0} ids", "SQLite itself / VectorOps, time", tb / ta, ">= 0.90", tb / ta >= 0.9 && clean,
                $"command layer + provider, median of {o.LocalRuns}" + (clean ? "" : "; NOT CLEAN"));
            if (cmdlet != null)
                Summary.Add($"Local through the cmdlet, {n:N0} ids", "SQLite itself / Remove-VectorRecord -IdPath, time", idPath is null ? double.NaN : tb / idPath.Seconds, ">= 0.90",
                    idPath != null && tb / idPath.Seconds >= 0.9, $"median of {idPathRuns.Count}, warm (second call of the session); cold first call " +
                    (idPath is null ? "" : F(tb / Measure.Median(idPathRuns.Select(x => x.ColdSeconds)), "0.00")));
            if (cmdlet != null)
                Summary.Add($"Local through the cmdlet, {n:N0} ids", "SQLite itself / Remove-VectorRecord, time", tb / cmdlet.Seconds, ">= 0.90", tb / cmdlet.Seconds >= 0.9,
                    $"median of {cmdletRuns.Count} in pwsh {cmdlet.Version}, ids piped, warm; cold first call {F(tb / Measure.Median(cmdletRuns.Select(x => x.ColdSeconds)), "0.00")}");
            if (a.Any(x => x.O.Failed > 0 || x.O.Ids != n || x.Left != 0) || b.Any(x => x.Deleted != n || x.Left != 0) ||
                (cmdlet != null && (cmdlet.Deleted != n || cmdlet.ColdDeleted != n || cmdlet.SteadyDeleted != n || cmdlet.Left != 0)) ||
                (idPath != null && (idPath.Deleted != n || idPath.ColdDeleted != n || idPath.SteadyDeleted != n || idPath.Left != 0)))
                Report.Line("WARNING: a run was not clean (see the progress lines).");
        }

        private static string[] Row(string name, List<PgVectorBench.PhaseResult> r, int n, string check, long left)
        {
            string F(double v, string f) => v.ToString(f, CultureInfo.InvariantCulture);
            var t = Measure.Median(r.Select(x => x.Seconds));
            return new[]
            {
                name, F(t, "0.000"), r.Count.ToString(CultureInfo.InvariantCulture), F(n / t, "N0"),
                F(Measure.Median(r.Select(x => x.ClientCpu)), "0.00"), Mb(r.Max(x => x.PeakWorkingSet)),
                Mb((long)Measure.Median(r.Select(x => (double)x.Allocated))), check, left.ToString(CultureInfo.InvariantCulture),
            };
        }

        /// <summary>A cold first call's row: medians of its time and CPU over the runs, the worst check.</summary>
        private static string[] ColdRow(string name, List<CmdletResult> runs, int n)
        {
            string F(double v, string f) => v.ToString(f, CultureInfo.InvariantCulture);
            var t = Measure.Median(runs.Select(x => x.ColdSeconds));
            var worst = runs.Select(x => x.ColdDeleted).FirstOrDefault(x => x != n, n);
            return new[]
            {
                name, F(t, "0.000"), runs.Count.ToString(CultureInfo.InvariantCulture), F(n / t, "N0"), F(Measure.Median(runs.Select(x => x.ColdCpuSeconds)), "0.00"), "", "",
                worst == n ? "all deleted" : $"{worst:N0} reported", runs.Max(x => x.Left).ToString(CultureInfo.InvariantCulture),
            };
        }

        /// <summary>A second call's row from pwsh processes started without tiered compilation: medians of time, CPU and allocations, the worst check.</summary>
        private static string[] NoTierRow(string name, List<CmdletResult> runs, int n) =>
            CallRow(name, runs, n, x => (x.Seconds, x.CpuSeconds, x.Allocated, x.Deleted));

        /// <summary>A steady-state (fifth) call's row: medians of its time, CPU and allocations over the runs, the worst check.</summary>
        private static string[] SteadyRow(string name, List<CmdletResult> runs, int n) =>
            CallRow(name, runs, n, x => (x.SteadySeconds, x.SteadyCpuSeconds, x.SteadyAllocated, x.SteadyDeleted));

        private static string[] CallRow(string name, List<CmdletResult> runs, int n, Func<CmdletResult, (double Seconds, double Cpu, long Allocated, long Deleted)> call)
        {
            static string F(double v, string f) => v.ToString(f, CultureInfo.InvariantCulture);
            var calls = runs.Select(call).ToList();
            var t = Measure.Median(calls.Select(x => x.Seconds));
            var worst = calls.Select(x => x.Deleted).FirstOrDefault(x => x != n, n);
            return new[]
            {
                name, F(t, "0.000"), runs.Count.ToString(CultureInfo.InvariantCulture), F(n / t, "N0"), F(Measure.Median(calls.Select(x => x.Cpu)), "0.00"), "",
                Mb((long)Measure.Median(calls.Select(x => (double)x.Allocated))),
                worst == n ? "all deleted" : $"{worst:N0} reported", runs.Max(x => x.Left).ToString(CultureInfo.InvariantCulture),
            };
        }

        /// <summary>A floor cmdlet's row: nothing is deleted, so the check columns say so.</summary>
        private static string[] FloorRow(string name, PwshFloor.Result r, int runs, int n)
        {
            string F(double v, string f) => v.ToString(f, CultureInfo.InvariantCulture);
            return new[]
            {
                name, F(r.Seconds, "0.000"), runs.ToString(CultureInfo.InvariantCulture), F(n / r.Seconds, "N0"), F(r.CpuSeconds, "0.00"), "", Mb(r.Allocated),
                "deletes nothing", "",
            };
        }

        private static string Mb(long bytes) => (bytes / 1024.0 / 1024.0).ToString("N0", CultureInfo.InvariantCulture) + " MB";

        private static ClientOutcome RunVectorOps(ConnectionSettings settings, Workload w)
        {
            using var connection = ConnectCommand.Connect(settings, makeDefault: false);
            var host = new DiscardHost();
            var command = new RemoveByIdsCommand(host, connection, new RemoveOptions());
            var ids = w.Ids;
            for (var i = 0; i < ids.Length; i++) command.Add(ids[i], Ns);
            command.Complete();
            return host.Outcome;
        }

        // ---- SQLite through its C API ------------------------------------------------------------------

        private static sqlite3 OpenRaw(string path)
        {
            var rc = raw.sqlite3_open_v2(path, out var db, raw.SQLITE_OPEN_READWRITE | raw.SQLITE_OPEN_CREATE, null);
            if (rc != raw.SQLITE_OK) throw new InvalidOperationException($"sqlite3_open_v2 {path}: {rc}");
            Exec(db, "PRAGMA journal_mode = WAL;");
            return db;
        }

        private static void Exec(sqlite3 db, string sql)
        {
            var rc = raw.sqlite3_exec(db, sql, null, null, out var err);
            if (rc != raw.SQLITE_OK) throw new InvalidOperationException($"{sql}: {rc} {err}");
        }

        /// <summary>The provider's own tables (the same DDL), in a file of their own.</summary>
        private static void CreateRaw(string path)
        {
            var db = OpenRaw(path);
            try
            {
                Exec(db, @"
CREATE TABLE IF NOT EXISTS vo_indexes (name TEXT NOT NULL PRIMARY KEY, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS vo_namespaces (ns_id INTEGER PRIMARY KEY, index_name TEXT NOT NULL REFERENCES vo_indexes(name),
    name TEXT NOT NULL, created_at TEXT NOT NULL, UNIQUE (index_name, name));
CREATE TABLE IF NOT EXISTS vo_records (ns_id INTEGER NOT NULL REFERENCES vo_namespaces(ns_id), id TEXT NOT NULL, dimension INTEGER,
    dense BLOB, sparse TEXT, metadata TEXT, updated_at TEXT NOT NULL, UNIQUE (ns_id, id));");
            }
            finally
            {
                raw.sqlite3_close_v2(db);
            }
        }

        /// <summary>Fills vo_records of the file's index (default 'bench'), namespace 'default' with the ids (and empties that namespace first).</summary>
        private static void Seed(string path, string[] ids, string index = IndexName)
        {
            var db = OpenRaw(path);
            try
            {
                var now = DateTimeOffset.UtcNow.ToString("o", CultureInfo.InvariantCulture);
                Exec(db, "BEGIN IMMEDIATE;");
                Exec(db, $"INSERT OR IGNORE INTO vo_indexes (name, created_at) VALUES ('{index}', '{now}');");
                Exec(db, $"INSERT OR IGNORE INTO vo_namespaces (index_name, name, created_at) VALUES ('{index}', '{Ns}', '{now}');");
                var nsId = NamespaceId(db, index);
                Exec(db, "DELETE FROM vo_records WHERE ns_id = " + nsId.ToString(CultureInfo.InvariantCulture) + ";");
                raw.sqlite3_prepare_v2(db, "INSERT INTO vo_records (ns_id, id, dimension, dense, sparse, metadata, updated_at) VALUES (?1, ?2, 8, ?3, NULL, ?4, ?5);", out var stmt);
                var dense = new byte[32];
                for (var i = 0; i < 8; i++) BitConverter.GetBytes((float)(i * 0.125 - 0.5)).CopyTo(dense, i * 4);
                try
                {
                    for (var i = 0; i < ids.Length; i++)
                    {
                        raw.sqlite3_bind_int64(stmt, 1, nsId);
                        raw.sqlite3_bind_text(stmt, 2, ids[i]);
                        raw.sqlite3_bind_blob(stmt, 3, dense);
                        raw.sqlite3_bind_text(stmt, 4, "{\"n\":" + i.ToString(CultureInfo.InvariantCulture) + ",\"source\":\"bench\"}");
                        raw.sqlite3_bind_text(stmt, 5, now);
                        var rc = raw.sqlite3_step(stmt);
                        if (rc != raw.SQLITE_DONE) throw new InvalidOperationException("seed insert: " + rc);
                        raw.sqlite3_reset(stmt);
                    }
                }
                finally
                {
                    raw.sqlite3_finalize(stmt);
                }
                Exec(db, "COMMIT;");
                // Start each run from the same state: the WAL folded into the file.
                Exec(db, "PRAGMA wal_checkpoint(TRUNCATE);");
            }
            finally
            {
                raw.sqlite3_close_v2(db);
            }
        }

        private static long NamespaceId(sqlite3 db, string index = IndexName)
        {
            raw.sqlite3_prepare_v2(db, $"SELECT ns_id FROM vo_namespaces WHERE index_name = '{index}' AND name = '{Ns}';", out var stmt);
            try
            {
                if (raw.sqlite3_step(stmt) != raw.SQLITE_ROW) throw new InvalidOperationException("no namespace row");
                return raw.sqlite3_column_int64(stmt, 0);
            }
            finally
            {
                raw.sqlite3_finalize(stmt);
            }
        }

        private static string Pragma(string path, string name)
        {
            var db = OpenRaw(path);
            try
            {
                raw.sqlite3_prepare_v2(db, "PRAGMA " + name + ";", out var stmt);
                try { raw.sqlite3_step(stmt); return raw.sqlite3_column_text(stmt, 0).utf8_to_string(); }
                finally { raw.sqlite3_finalize(stmt); }
            }
            finally { raw.sqlite3_close_v2(db); }
        }

        private static List<string> CompileOptions(string path)
        {
            var list = new List<string>();
            var db = OpenRaw(path);
            try
            {
                raw.sqlite3_prepare_v2(db, "PRAGMA compile_options;", out var stmt);
                try { while (raw.sqlite3_step(stmt) == raw.SQLITE_ROW) list.Add(raw.sqlite3_column_text(stmt, 0).utf8_to_string()); }
                finally { raw.sqlite3_finalize(stmt); }
            }
            finally { raw.sqlite3_close_v2(db); }
            return list;
        }

        private static string MdsPragma(string path, string name)
        {
            using var c = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + path);
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "PRAGMA " + name + ";";
            return Convert.ToString(cmd.ExecuteScalar(), CultureInfo.InvariantCulture) ?? "";
        }

        private static long Count(string path)
        {
            var db = OpenRaw(path);
            try
            {
                raw.sqlite3_prepare_v2(db, "SELECT count(*) FROM vo_records;", out var stmt);
                try
                {
                    raw.sqlite3_step(stmt);
                    return raw.sqlite3_column_int64(stmt, 0);
                }
                finally
                {
                    raw.sqlite3_finalize(stmt);
                }
            }
            finally
            {
                raw.sqlite3_close_v2(db);
            }
        }

        /// <summary>(b): the ids deleted through SQLite's C API, 1,000 to a transaction; returns the rows deleted.</summary>
        private static long RunRaw(string path, string[] ids)
        {
            var db = OpenRaw(path);
            long deleted = 0;
            try
            {
                var nsId = NamespaceId(db);
                raw.sqlite3_prepare_v2(db, "DELETE FROM vo_records WHERE ns_id = ?1 AND id = ?2;", out var stmt);
                try
                {
                    for (var start = 0; start < ids.Length; start += 1000)
                    {
                        var end = Math.Min(ids.Length, start + 1000);
                        Exec(db, "BEGIN IMMEDIATE;");
                        raw.sqlite3_bind_int64(stmt, 1, nsId);
                        for (var i = start; i < end; i++)
                        {
                            raw.sqlite3_bind_text(stmt, 2, ids[i]);
                            var rc = raw.sqlite3_step(stmt);
                            if (rc != raw.SQLITE_DONE) throw new InvalidOperationException("delete: " + rc);
                            deleted += raw.sqlite3_changes(db);
                            raw.sqlite3_reset(stmt);
                        }
                        Exec(db, "COMMIT;");
                    }
                }
                finally
                {
                    raw.sqlite3_finalize(stmt);
                }
            }
            finally
            {
                raw.sqlite3_close_v2(db);
            }
            return deleted;
        }

        // ---- the cmdlet in PowerShell 7.6 ----------------------------------------------------------------

        private sealed class CmdletResult
        {
            public double Seconds, CpuSeconds, ColdSeconds, ColdCpuSeconds, SteadySeconds, SteadyCpuSeconds;
            public long PeakWorkingSet, Deleted, ColdDeleted, SteadyDeleted, Left, Allocated, ColdAllocated, SteadyAllocated;
            public string Version = "";
        }

        /// <summary>The index of the store's file the cmdlet's first (cold) call deletes from.</summary>
        private const string WarmIndexName = "warm";

        /// <summary>The index of the store's file the cmdlet's fifth (steady-state) call deletes from.</summary>
        private const string SteadyIndexName = "steady";

        /// <summary>The indexes the cmdlet's third and fourth calls delete from, between the warm and the steady-state call.</summary>
        private static readonly string[] SettleIndexNames = { "settle1", "settle2" };

        /// <summary>The ids, one a line, in the run's folder (what -IdPath reads and the scripts load).</summary>
        private static string IdFile(string dir, string[] ids)
        {
            var idFile = Path.Combine(dir, "ids.txt");
            if (!File.Exists(idFile)) File.WriteAllLines(idFile, ids, new UTF8Encoding(false));
            return idFile;
        }

        /// <summary>
        /// (c): pwsh (the repository's tool, `dotnet tool run pwsh`) imports the module built for this run, reads the
        /// ids into an array (not timed), then makes the same call three times, each timed inside PowerShell around the
        /// call only (the connection made before the clock): first against the warm-up index (the cold figure: the
        /// module's and the engine's code compiled as the call goes, as a user's first delete of a session), then
        /// against the measured index (the warm figure, compared with SQLite, whose side also runs warm), then against
        /// two settling indexes (calls three and four, checked: each must delete the N ids), then the steady-state
        /// index (the fifth call: the session's tiered recompilation done; measured with JIT counts, a session
        /// recompiles hundreds of methods a call through its fourth). Every index holds
        /// the N ids, so every call deletes for real; the mutations are counted by a ForEach-Object, the bytes
        /// allocated around each call by [GC]::GetTotalAllocatedBytes.
        /// </summary>
        /// <summary>
        /// A new store file for one pwsh: created as Connect-VectorIndex -Create creates it, then the five indexes the
        /// pwsh deletes from seeded one after the other, each with the N ids.
        /// </summary>
        private static string FreshStore(string dir, string name, string[] ids)
        {
            var path = Path.Combine(dir, name + ".db");
            var settings = new ConnectionSettings { Provider = "Local", Index = IndexName, CreateIfMissing = true };
            settings["Path"] = path;
            using (ProviderRegistry.Create(settings)) { }
            Seed(path, ids, WarmIndexName);
            Seed(path, ids);
            foreach (var settle in SettleIndexNames) Seed(path, ids, settle);
            Seed(path, ids, SteadyIndexName);
            return path;
        }

        /// <summary>Deletes a store file made by <see cref="FreshStore"/> and its WAL and shared-memory files (hundreds of MB each at the default N).</summary>
        private static void DropStore(string path)
        {
            foreach (var f in new[] { path, path + "-wal", path + "-shm" })
                if (File.Exists(f)) File.Delete(f);
        }

        private static readonly IReadOnlyDictionary<string, string> NoTieredCompilation = new Dictionary<string, string> { ["DOTNET_TieredCompilation"] = "0" };

        private static CmdletResult? RunCmdlet(string dir, string manifest, string store, string[] ids, string mode, IReadOnlyDictionary<string, string>? environment = null)
        {
            var root = Paths.RepoRoot();
            var idFile = IdFile(dir, ids);
            var script = Path.Combine(dir, "cmdlet.ps1");
            File.WriteAllText(script, @"
param([string]$Manifest, [string]$Store, [string]$IdFile, [string]$Index, [string]$WarmIndex, [string]$SteadyIndex, [string]$SettleIndex, [string]$Mode)
$ErrorActionPreference = 'Stop'
Import-Module $Manifest
$ids = [IO.File]::ReadAllLines($IdFile)
$me = [Diagnostics.Process]::GetCurrentProcess()
function Measure-Delete([string]$Name) {
    $null = Connect-VectorIndex -Provider Local -Path $Store -Index $Name
    $deleted = 0
    $me.Refresh()
    $cpu0 = $me.TotalProcessorTime
    $a0 = [GC]::GetTotalAllocatedBytes($true)
    $clock = [Diagnostics.Stopwatch]::StartNew()
    if ($Mode -eq 'idpath') { Remove-VectorRecord -IdPath $IdFile -Force | ForEach-Object { $deleted += $_.AffectedCount } }
    else { $ids | Remove-VectorRecord -Force | ForEach-Object { $deleted += $_.AffectedCount } }
    $clock.Stop()
    $a1 = [GC]::GetTotalAllocatedBytes($true)
    $me.Refresh()
    $inv = [cultureinfo]::InvariantCulture
    '{0} {1} {2} {3}' -f $clock.Elapsed.TotalSeconds.ToString('R', $inv), ($me.TotalProcessorTime - $cpu0).TotalSeconds.ToString('R', $inv), $deleted, ($a1 - $a0)
}
$cold = Measure-Delete $WarmIndex
$warm = Measure-Delete $Index
foreach ($settle in $SettleIndex.Split(',')) {
    $sd = (Measure-Delete $settle).Split(' ')[2]
    if ($sd -ne $ids.Count) { throw ('settling call on {0} reported {1} deleted, not {2}' -f $settle, $sd, $ids.Count) }
}
$steady = Measure-Delete $SteadyIndex
$w = $warm.Split(' ')
$c = $cold.Split(' ')
$s = $steady.Split(' ')
'RESULT {0} {1} {2} {3} {4} {5} {6} {7} {8} {9} {10} {11} {12} {13} {14}' -f $w[0], $w[1], $me.PeakWorkingSet64, $w[2], $PSVersionTable.PSVersion, $c[0], $c[1], $c[2],
    $w[3], $c[3], $s[0], $s[1], $s[2], $s[3], 'end' 
");
            var v = PwshScript.Run(root, "local (c) cmdlet", script, environment, "-Manifest", manifest, "-Store", store, "-IdFile", idFile, "-Index", IndexName,
                "-WarmIndex", WarmIndexName, "-SteadyIndex", SteadyIndexName, "-SettleIndex", string.Join(",", SettleIndexNames), "-Mode", mode);
            if (v is null) return null;
            return new CmdletResult
            {
                Seconds = double.Parse(v[0], CultureInfo.InvariantCulture),
                CpuSeconds = double.Parse(v[1], CultureInfo.InvariantCulture),
                PeakWorkingSet = long.Parse(v[2], CultureInfo.InvariantCulture),
                Deleted = long.Parse(v[3], CultureInfo.InvariantCulture),
                Version = v[4],
                ColdSeconds = double.Parse(v[5], CultureInfo.InvariantCulture),
                ColdCpuSeconds = double.Parse(v[6], CultureInfo.InvariantCulture),
                ColdDeleted = long.Parse(v[7], CultureInfo.InvariantCulture),
                Allocated = long.Parse(v[8], CultureInfo.InvariantCulture),
                ColdAllocated = long.Parse(v[9], CultureInfo.InvariantCulture),
                SteadySeconds = double.Parse(v[10], CultureInfo.InvariantCulture),
                SteadyCpuSeconds = double.Parse(v[11], CultureInfo.InvariantCulture),
                SteadyDeleted = long.Parse(v[12], CultureInfo.InvariantCulture),
                SteadyAllocated = long.Parse(v[13], CultureInfo.InvariantCulture),
            };
        }
    }
}
