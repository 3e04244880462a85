using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using VectorOps.Tests.Conformance;
using VectorOps.Tests.Module;
using Xunit;

namespace VectorOps.Tests.Reliability
{
    /// <summary>One row of the fault matrix in docs/reliability.md and the test that runs it.</summary>
    public sealed class FaultMatrixRow
    {
        public FaultMatrixRow(string @case, string provider, string injected, string expected, Type test, string method)
        {
            Case = @case;
            Provider = provider;
            Injected = injected;
            Expected = expected;
            Test = test;
            Method = method;
        }

        public string Case { get; }
        public string Provider { get; }
        public string Injected { get; }
        public string Expected { get; }
        public Type Test { get; }
        public string Method { get; }
        public string TestName => Test.Name + "." + Method;
    }

    /// <summary>
    /// docs/reliability.md against the tests: the fault matrix names tests that exist, and both tables are the
    /// lists the tests run (VECTOROPS_UPDATE_DOCS=1 rewrites them, keeping the measured Result column).
    /// </summary>
    public sealed class ReliabilityDocTests
    {
        private const string Done = "every id in one mutation, all Completed/Acknowledged, nothing over-deleted";
        private const string OneFails = "one batch Failed ({0}), the other 5 done; nothing over-deleted; the Failed mutation sent back deletes exactly its 10 ids";

        public static readonly IReadOnlyList<FaultMatrixRow> Rows = Build();

        private static List<FaultMatrixRow> Build()
        {
            var rows = new List<FaultMatrixRow>();
            // The command-layer cases run on every provider whose conformance fixture supports them.
            void Each(string c, ConformanceCase @case, string injected, string expected, string method)
            {
                foreach (var fixture in ProviderFixtures.All.Where(f => f.Supports(@case)))
                    rows.Add(new FaultMatrixRow(c, fixture.Name, injected, expected, typeof(FaultMatrixTests), method));
            }
            Each("F01", ConformanceCase.F01_TooManyRequests, "429 with Retry-After: 1 on the next 2 deletes", "waited out and retried; " + Done, nameof(FaultMatrixTests.F01_TooManyRequests_WithRetryAfter_IsWaitedOutAndRetried));
            Each("F02", ConformanceCase.F02_ServerErrors, "500, and 503, on the next 2 deletes", "retried with backoff; " + Done, nameof(FaultMatrixTests.F02_ServerErrors_AreRetried));
            Each("F03", ConformanceCase.F03_Timeout, "a delete that never answers (timeout 1.5 s)", "the attempt times out and is retried; " + Done, nameof(FaultMatrixTests.F03_ARequestThatTimesOut_IsRetried));
            Each("F04", ConformanceCase.F04_ConnectionReset, "connection reset mid-request on the next 2 deletes (straight to the emulator: Prism turns a reset into its own 500)", "retried; " + Done, nameof(FaultMatrixTests.F04_AConnectionResetMidRequest_IsRetried_StraightToTheEmulator));
            Each("F05", ConformanceCase.F05_OneBatchServerErrorEveryTime, "the batch holding doc-00042 answered 500 every time (3 attempts)", string.Format(OneFails, "ProviderServerError, 3 attempts"), nameof(FaultMatrixTests.F05_OneBatchFailsPermanently_TheOthersSucceed_AndTheRetryDeletesExactlyItsIds));
            Each("F06", ConformanceCase.F06_OneBatchBadRequest, "the batch holding doc-00042 answered 400", string.Format(OneFails, "ProviderBadRequest, 1 attempt: not retried"), nameof(FaultMatrixTests.F06_OneBatchRefusedWith400_IsNotRetried_AndFailsAlone));
            Each("F07", ConformanceCase.F07_OneBatchResetEveryTime, "the batch holding doc-00042 reset every time (straight to the emulator)", string.Format(OneFails, "ProviderUnreachable, 2 attempts"), nameof(FaultMatrixTests.F07_OneBatchResetEveryTime_FailsAsUnreachable_StraightToTheEmulator));
            Each("F08", ConformanceCase.F08_OneBatchTimesOutEveryTime, "the batch holding doc-00042 never answered (timeout 1.5 s)", string.Format(OneFails, "ProviderTimeout, 2 attempts"), nameof(FaultMatrixTests.F08_OneBatchTimesOutEveryTime_FailsAsTimeout));
            Each("F09", ConformanceCase.F09_StopMidRun, "the host stopped (StopProcessing / Ctrl+C) when the 10th of 50 batches is reported",
                "no batch starts after the stop; in-flight ones finish; 50 mutations: done or Skipped (OperationStopped), every id once; the Skipped ones sent back delete exactly their ids",
                nameof(FaultMatrixTests.F09_StopProcessingInA50BatchRun_SendsNoNewBatch_AndReportsEveryBatchOnce));
            Each("F10", ConformanceCase.F10_StoreLockedForAWhile, "another writer holds the store's write lock for 0.7 s", "the delete waits for the lock; " + Done, nameof(FaultMatrixTests.F10_AStoreLockedByAnotherWriterForAWhile_IsWaitedFor));
            Each("F11", ConformanceCase.F11_StoreLockedPastTheTimeout, "another writer holds the store's write lock past the timeout (0.3 s, 1 attempt)",
                "both batches Failed with an error id, nothing deleted; sent back once the lock is gone, they delete exactly their 20 ids",
                nameof(FaultMatrixTests.F11_AStoreLockedPastTheTimeout_FailsEveryBatch_DeletesNothing_AndTheRetryDeletesExactlyThem));
            // The CLI cases run the CLI as a process against every fixture it reaches that has the fault switch.
            foreach (var (fixture, i) in ProviderFixtures.All.Where(f => f.Supports(ConformanceCase.Cli) && f.Supports(ConformanceCase.F05_OneBatchServerErrorEveryTime)).Select((f, i) => (f, i)))
            {
                rows.Add(new FaultMatrixRow("C01", fixture.Name, "CLI: the batch holding doc-00042 answered 500 every time", "exit 1; the --json output read back with --retry-from deletes exactly the failed batch's ids", typeof(CliFaultTests), nameof(CliFaultTests.C01_AFailedBatch_FedBackWithRetryFrom_DeletesExactlyItsIds)));
                rows.Add(new FaultMatrixRow("C02", fixture.Name, "CLI: SIGINT (Ctrl+C) during a 50-batch run", "exit 1; every id once in the --json output (done or Skipped); --retry-from deletes exactly the Skipped ids", typeof(CliFaultTests), nameof(CliFaultTests.C02_CtrlC_InA50BatchRun_StopsNewBatches_ReportsEveryIdOnce_AndTheRestIsRetried)));
                rows.Add(i % 2 == 0
                    ? new FaultMatrixRow("C03", fixture.Name, "CLI killed (Process.Kill) with the first batches backed up and their deletes held 4 s; through Prism, which still forwards the held deletes",
                        "the backup parses (a torn last line is allowed); every deleted id is in the backup; nothing outside the request touched; restore brings all back, equal", typeof(CliFaultTests), nameof(CliFaultTests.C03_KilledBetweenABackupWriteAndItsDelete_TheBackupIsWhole_NothingIsDeletedWithoutIt_AndRestoreBringsEverythingBack))
                    : new FaultMatrixRow("C03", fixture.Name, "the same, straight to the emulator, which drops the held deletes when the client dies",
                        "the same", typeof(CliFaultTests), nameof(CliFaultTests.C03_KilledBetweenABackupWriteAndItsDelete_TheBackupIsWhole_NothingIsDeletedWithoutIt_AndRestoreBringsEverythingBack)));
            }
            rows.Add(new FaultMatrixRow("C02", "Local", "CLI: SIGINT during a run of 400,000 one-id batches", "exit 1; every id read is in exactly one mutation (Completed or Skipped); the ids not read are named by line", typeof(Cli.CliHostTests), nameof(Cli.CliHostTests.Ctrl_c_stops_sending_reports_every_batch_read_and_exits_1)));
            return rows;
        }

        private static string Doc => Path.Combine(RepoPaths.Root, "docs", "reliability.md");

        private static string Section(string text, string name)
        {
            var m = Regex.Match(text, "<!-- " + name + ":start -->\n(.*?)<!-- " + name + ":end -->", RegexOptions.Singleline);
            Assert.True(m.Success, $"docs/reliability.md has no {name} section");
            return m.Groups[1].Value;
        }

        private static string ReplaceSection(string text, string name, string body) =>
            Regex.Replace(text, "(<!-- " + name + ":start -->\n)(.*?)(<!-- " + name + ":end -->)", m => m.Groups[1].Value + body + m.Groups[3].Value, RegexOptions.Singleline);

        private static List<string[]> TableRows(string section) =>
            section.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal) && !l.StartsWith("| ---", StringComparison.Ordinal))
                .Skip(1).Select(l => l.Trim().Trim('|').Split(" | ").Select(c => c.Trim()).ToArray()).ToList();

        private static string FaultMatrixMarkdown(IReadOnlyDictionary<string, string> results)
        {
            var lines = new List<string>
            {
                "| Case | Provider | Injected | Expected | Result | Test |",
                "| --- | --- | --- | --- | --- | --- |",
            };
            foreach (var r in Rows)
                lines.Add($"| {r.Case} | {r.Provider} | {r.Injected} | {r.Expected} | {(results.TryGetValue(r.Case + "/" + r.Provider, out var res) ? res : "not run yet")} | `{r.TestName}` |");
            return string.Join("\n", lines) + "\n";
        }

        [Fact]
        public void Every_fault_matrix_row_names_a_test_that_exists()
        {
            foreach (var r in Rows)
            {
                var method = r.Test.GetMethod(r.Method, BindingFlags.Public | BindingFlags.Instance);
                Assert.True(method != null, r.TestName + " does not exist");
                Assert.True(method!.GetCustomAttributes().Any(a => a is FactAttribute), r.TestName + " is not a test");
            }
            Assert.Equal(Rows.Count, Rows.Select(r => r.Case + "/" + r.Provider).Distinct().Count());
        }

        [Fact]
        public void The_tables_in_docs_reliability_md_are_the_lists_the_tests_run()
        {
            var text = File.ReadAllText(Doc).Replace("\r\n", "\n");
            var results = TableRows(Section(text, "fault-matrix")).Where(c => c.Length == 6).ToDictionary(c => c[0] + "/" + c[1], c => c[4]);
            if (Environment.GetEnvironmentVariable("VECTOROPS_UPDATE_DOCS") == "1")
            {
                text = ReplaceSection(text, "fault-matrix", FaultMatrixMarkdown(results));
                text = ReplaceSection(text, "bad-input", BadInputTable.Markdown());
                text = ReplaceSection(text, "conformance-gaps", ConformanceTests.GapsMarkdown());
                File.WriteAllText(Doc, text);
            }
            Assert.True(FaultMatrixMarkdown(results) == Section(text, "fault-matrix"),
                "The fault matrix in docs/reliability.md differs from ReliabilityDocTests.Rows: VECTOROPS_UPDATE_DOCS=1 dotnet test tests/VectorOps.Tests --filter FullyQualifiedName~ReliabilityDocTests");
            Assert.True(BadInputTable.Markdown() == Section(text, "bad-input"),
                "The bad-input table in docs/reliability.md differs from BadInputTable.Cases: VECTOROPS_UPDATE_DOCS=1 dotnet test tests/VectorOps.Tests --filter FullyQualifiedName~ReliabilityDocTests");
            Assert.DoesNotContain("not run yet", Section(text, "fault-matrix"));
            Assert.True(BadInputTable.Cases.Count >= 30);
            Assert.Equal(BadInputTable.Cases.Count, BadInputTable.Cases.Select(c => c.Id).Distinct().Count());
        }
    }
}
