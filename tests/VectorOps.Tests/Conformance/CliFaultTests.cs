using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading;
using System.Threading.Tasks;
using VectorOps.Commands;
using VectorOps.Emulators.Infrastructure;
using VectorOps.Errors;
using VectorOps.Model;
using VectorOps.Serialization;
using VectorOps.Tests.Cli;
using VectorOps.Tests.Reliability;
using Xunit;
using Xunit.Abstractions;

namespace VectorOps.Tests.Conformance
{
    /// <summary>
    /// The fault matrix cases that need the CLI as a separate process: a failed batch fed back with --retry-from
    /// (the --json output of the run), Ctrl+C (SIGINT) in the middle of a 50-batch run, and the process killed
    /// between a backup write and the delete it protects.
    /// Every conformance fixture that the CLI process reaches and that has the fault switch runs them.
    /// </summary>
    [Collection(ConformanceCollection.Name)]
    public sealed class CliFaultTests : IDisposable
    {
        private readonly ITestOutputHelper _output;
        private readonly ConformanceServers _servers;
        private ProviderFixture? _target;

        public CliFaultTests(ConformanceServers servers, ITestOutputHelper output)
        {
            _servers = servers;
            _output = output;
            Dir = Directory.CreateTempSubdirectory("vectorops-reliability-cli-").FullName;
            Requested = ProviderFixture.Ids("doc-", 60);
            Untouched = ProviderFixture.Ids("keep-", 20);
        }

        public static TheoryData<string> Data()
        {
            var data = new TheoryData<string>();
            foreach (var e in ProviderFixtures.All.Where(e => e.Supports(ConformanceCase.Cli) && e.Supports(ConformanceCase.F05_OneBatchServerErrorEveryTime)))
                data.Add(e.Name);
            return data;
        }

        /// <summary>
        /// C03 on each such provider, half through Prism (which still forwards the held deletes after the client
        /// died) and half straight to the emulator (which drops them): both branches are covered.
        /// </summary>
        public static TheoryData<string, bool> KillData()
        {
            var data = new TheoryData<string, bool>();
            var i = 0;
            foreach (var e in ProviderFixtures.All.Where(e => e.Supports(ConformanceCase.Cli) && e.Supports(ConformanceCase.F05_OneBatchServerErrorEveryTime)))
                data.Add(e.Name, i++ % 2 == 1);
            return data;
        }

        private void Open(string provider)
        {
            _target = ProviderFixtures.Get(provider).Create(_servers);
            // The suite's ids as this provider takes them.
            var requested = Requested.Select(Target.Id).ToList();
            var untouched = Untouched.Select(Target.Id).ToList();
            Requested.Clear();
            Requested.AddRange(requested);
            Untouched.Clear();
            Untouched.AddRange(untouched);
        }

        private ProviderFixture Target => _target ?? throw new InvalidOperationException("Open(provider) first.");
        private string Dir { get; }
        private List<string> Requested { get; }
        private List<string> Untouched { get; }

        private static readonly JsonSerializerOptions Json = new JsonSerializerOptions
        {
            PropertyNameCaseInsensitive = true,
            Converters = { new JsonStringEnumConverter() },
        };

        public static List<VectorMutation> Mutations(string stdout) =>
            stdout.Split('\n').Where(l => l.Trim().Length > 0).Select(l => JsonSerializer.Deserialize<VectorMutation>(l, Json)!).ToList();

        private CliResult Cli(List<string> args) => CliRunner.Run(args, null, Target.CliEnvironment(), TimeSpan.FromMinutes(2));

        private string IdFile(IEnumerable<string> ids)
        {
            var path = Path.Combine(Dir, "ids-" + Guid.NewGuid().ToString("N") + ".txt");
            File.WriteAllLines(path, ids);
            return path;
        }

        private void RetryFrom(string caseId, string stdout, IReadOnlyList<VectorMutation> toRetry)
        {
            Target.Faults.Clear();
            var run = Path.Combine(Dir, "run.jsonl");
            File.WriteAllText(run, stdout);
            var before = new HashSet<string>(Target.DeletedIds(), StringComparer.Ordinal);
            var requestsBefore = Target.Deletes().Count;
            var r = Cli(Target.CliArgs("remove", true, "--retry-from", run, "--yes", "--json"));
            Assert.True(r.ExitCode == 0, r.ToString());
            Target.Settle();
            var expected = toRetry.SelectMany(m => m.Ids!).OrderBy(x => x, StringComparer.Ordinal).ToList();
            var again = Mutations(r.Stdout);
            Assert.All(again, m => Assert.True(m.Status == MutationStatus.Completed || m.Status == MutationStatus.Acknowledged, m.ToString()));
            Assert.Equal(expected, again.SelectMany(m => m.Ids!).OrderBy(x => x, StringComparer.Ordinal));
            Assert.Equal(expected.Count, Target.Deletes().Skip(requestsBefore).Sum(d => d.IdCount ?? 0));
            Assert.Equal(expected, Target.DeletedIds().Where(id => !before.Contains(id)).OrderBy(x => x, StringComparer.Ordinal));
            Assert.Equal(Requested.OrderBy(x => x, StringComparer.Ordinal), Target.DeletedIds().OrderBy(x => x, StringComparer.Ordinal));
            Assert.All(Untouched, id => Assert.True(Target.Exists(id), id));
            Assert.DoesNotContain(Target.Secret, r.Stdout + r.Stderr);
            _output.WriteLine($"{caseId} {Target.Name} CLI: --retry-from sent {expected.Count} id(s) again: exactly those deleted");
        }

        [Theory]
        [MemberData(nameof(Data))]
        public void C01_AFailedBatch_FedBackWithRetryFrom_DeletesExactlyItsIds(string provider)
        {
            Open(provider);
            Target.Seed(Requested.Concat(Untouched));
            Target.Faults.OnBodyContaining("\"" + Target.Id("doc-00042") + "\"", Fault.ServerError(), pathPrefix: Target.DeletePath);
            var r = Cli(Target.CliArgs("remove", true, "--ids-from", IdFile(Requested), "--namespace", Target.Namespace,
                "--batch-size", "10", "--throttle", "3", "--max-attempts", "2", "--yes", "--json"));
            Assert.True(r.ExitCode == 1, r.ToString());
            Assert.Contains("vectorops: ProviderServerError: ", r.Stderr);
            Assert.Contains("--retry-from", r.Stderr);
            var ledger = Ledger.Check(Target, Requested, Mutations(r.Stdout), Untouched);
            var failed = Assert.Single(ledger.ToRetry);
            Assert.Equal(ErrorIds.ProviderServerError, failed.ErrorId);
            _output.WriteLine($"C01 {Target.Name} CLI: {ledger}");
            RetryFrom("C01", r.Stdout, ledger.ToRetry);
            Target.AssertNoViolations();
        }

        [Theory]
        [MemberData(nameof(Data))]
        public async Task C02_CtrlC_InA50BatchRun_StopsNewBatches_ReportsEveryIdOnce_AndTheRestIsRetried(string provider)
        {
            Open(provider);
            var requested = Target.MakeIds("doc-", 100);
            Requested.Clear();
            Requested.AddRange(requested);
            Target.Seed(Requested.Concat(Untouched));
            Target.Faults.AddedLatency = TimeSpan.FromMilliseconds(60);
            using var process = CliRunner.Start(Target.CliArgs("remove", true, "--ids-from", IdFile(Requested), "--namespace", Target.Namespace,
                "--batch-size", "2", "--throttle", "1", "--yes", "--json"), Target.CliEnvironment());
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (Target.Deletes().Count < 8)
            {
                Assert.True(DateTime.UtcNow < until && !process.HasExited, "the CLI did not start deleting: " + (process.HasExited ? await stderr : ""));
                Thread.Sleep(20);
            }
            CliRunner.Interrupt(process);
            Assert.True(process.WaitForExit(60_000), "the CLI did not exit after Ctrl+C");
            var output = await stdout;
            var err = await stderr;
            Target.Faults.AddedLatency = TimeSpan.Zero;

            Assert.True(process.ExitCode == 1, err);
            Assert.Contains("Stopping: no new batch will start", err);
            var ledger = Ledger.Check(Target, Requested, Mutations(output), Untouched);
            Assert.Equal(50, ledger.Mutations);
            Assert.True(ledger.Done >= 8 && ledger.Skipped > 0 && ledger.Failed == 0, ledger.ToString());
            Assert.All(ledger.ToRetry, m => Assert.Equal(ErrorIds.OperationStopped, m.ErrorId));
            _output.WriteLine($"C02 {Target.Name} CLI: {ledger}");
            RetryFrom("C02", output, ledger.ToRetry);
            Target.AssertNoViolations();
        }

        [Theory]
        [MemberData(nameof(KillData))]
        public void C03_KilledBetweenABackupWriteAndItsDelete_TheBackupIsWhole_NothingIsDeletedWithoutIt_AndRestoreBringsEverythingBack(string provider, bool straightToTheEmulator)
        {
            Open(provider);
            Target.Seed(Requested.Concat(Untouched));
            var originals = Fetch(Requested).ToDictionary(r => r.Id, r => RecordJson.ToLine(r), StringComparer.Ordinal);
            Assert.Equal(Requested.Count, originals.Count);
            // Every delete is held 4 s by the emulator: the backups are written, the deletes are in flight.
            Target.Faults.OnPath(Target.DeletePath, Fault.Latency(TimeSpan.FromSeconds(4)));
            var backup = Path.Combine(Dir, "backup.jsonl");
            var direct = straightToTheEmulator;
            using var process = CliRunner.Start(Target.CliArgs("remove", !direct, "--ids-from", IdFile(Requested), "--namespace", Target.Namespace,
                "--batch-size", "10", "--throttle", "2", "--backup", backup, "--yes", "--json"), Target.CliEnvironment());
            process.StandardInput.Close();
            _ = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();

            var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (CompleteLines(backup) < 10 || Target.Deletes().Count == 0)
            {
                Assert.True(DateTime.UtcNow < until && !process.HasExited, "no backup line and delete in flight: " + (process.HasExited ? stderr.Result : ""));
                Thread.Sleep(10);
            }
            // The first batch is on disk and its delete is sent but not answered: kill the process now.
            Assert.All(Target.Deletes(), d => Assert.Equal(0, d.CompletedSequence));
            process.Kill(entireProcessTree: true);
            Assert.True(process.WaitForExit(30_000));

            // Let the held deletes end: answered (the proxy still forwards them) or aborted (the client is gone).
            var settle = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while (Target.Deletes().Any(d => d.CompletedSequence == 0))
            {
                Assert.True(DateTime.UtcNow < settle, "held deletes did not end");
                Thread.Sleep(50);
            }
            Target.Faults.Clear();
            Target.Settle();

            // The backup parses completely; only a last line cut short by the kill may be torn.
            var lines = File.ReadAllLines(backup).Where(l => l.Trim().Length > 0).ToList();
            var backedUp = new List<VectorRecord>();
            for (var i = 0; i < lines.Count; i++)
            {
                if (i == lines.Count - 1 && RestoreRecordsCommand.IsTornJson(lines[i])) continue;
                backedUp.Add(RecordJson.ParseLine(lines[i]));
            }
            Assert.NotEmpty(backedUp);
            foreach (var r in backedUp)
            {
                Assert.Equal(Target.Namespace, r.Namespace);
                Assert.Equal(originals[r.Id], RecordJson.ToLine(r)); // the backup holds the record as it was
            }
            var inBackup = new HashSet<string>(backedUp.Select(r => r.Id), StringComparer.Ordinal);
            var deleted = Target.DeletedIds();
            // Nothing was deleted that is not in the backup; nothing outside the request was touched.
            Assert.All(deleted, id => Assert.Contains(id, inBackup));
            Assert.All(Requested, id => Assert.True(Target.Exists(id) || inBackup.Contains(id), id + " is gone and not in the backup"));
            Assert.All(Untouched, id => Assert.True(Target.Exists(id), id));
            Assert.Empty(Target.DeletedTwice());
            _output.WriteLine($"C03 {Target.Name} ({(direct ? "straight to the emulator" : "through Prism")}): killed with {lines.Count} backup line(s) on disk, " +
                              $"{Target.Deletes().Count} delete(s) in flight; {deleted.Count} id(s) deleted afterwards, all backed up");

            var restore = Cli(Target.CliArgs("restore", true, "--path", backup, "--json"));
            Assert.True(restore.ExitCode == 0, restore.ToString());
            Target.Settle();
            Assert.All(Requested.Concat(Untouched), id => Assert.True(Target.Exists(id), id + " is missing after the restore"));
            foreach (var r in Fetch(backedUp.Select(b => b.Id).ToList()))
                Assert.Equal(originals[r.Id], RecordJson.ToLine(r));
            _output.WriteLine($"C03 {Target.Name}: restore put back {backedUp.Count} record(s); all {Requested.Count} requested and {Untouched.Count} other records present and equal");
        }

        private List<VectorRecord> Fetch(IReadOnlyList<string> ids)
        {
            using var connection = Target.Connect();
            var list = new List<VectorRecord>();
            for (var i = 0; i < ids.Count; i += 20)
                list.AddRange(connection.ProviderInstance.FetchAsync(Target.Namespace, ids.Skip(i).Take(20).ToList(), CancellationToken.None).GetAwaiter().GetResult());
            foreach (var r in list) r.Namespace ??= Target.Namespace;
            return list;
        }

        private static int CompleteLines(string path)
        {
            if (!File.Exists(path)) return 0;
            try
            {
                using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                var n = 0;
                int b;
                while ((b = s.ReadByte()) >= 0) if (b == '\n') n++;
                return n;
            }
            catch (IOException)
            {
                return 0;
            }
        }

        public void Dispose()
        {
            _target?.Faults.Clear();
            _target?.Dispose();
            try { Directory.Delete(Dir, recursive: true); }
            catch (IOException) { }
        }
    }
}
