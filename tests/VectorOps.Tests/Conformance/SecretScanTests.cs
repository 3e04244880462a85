using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using VectorOps.Commands;
using VectorOps.Connections;
using VectorOps.Emulators.Infrastructure;
using VectorOps.Errors;
using VectorOps.Filtering;
using VectorOps.Hosting;
using VectorOps.Model;
using VectorOps.Providers;
using VectorOps.Security;
using VectorOps.Tests.Cli;
using VectorOps.Tests.Reliability;
using VectorOps.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace VectorOps.Tests.Reliability
{
    /// <summary>Everything a session showed or wrote, searched for secrets.</summary>
    public sealed class SecretScan
    {
        private readonly List<(string Where, string Text)> _texts = new List<(string, string)>();

        public int Count => _texts.Count;
        public long Characters => _texts.Sum(t => (long)t.Text.Length);

        public void Add(string where, string? text)
        {
            if (!string.IsNullOrEmpty(text)) _texts.Add((where, text!));
        }

        public void AddHost(string where, RecordingHost host)
        {
            foreach (var t in host.AllText()) Add(where, t);
            foreach (var e in host.Errors)
            {
                Add(where + " error", e.Exception.ToString());
                if (e.Exception is VectorOpsException v && v.Mutation != null) AddObject(where + " error mutation", v.Mutation);
            }
            foreach (var m in host.Mutations) AddObject(where + " mutation", m);
        }

        public void AddException(string where, Exception ex)
        {
            Add(where, ex.ToString());
            if (ex is VectorOpsException v) Add(where + " target", Convert.ToString(v.Target, System.Globalization.CultureInfo.InvariantCulture));
        }

        /// <summary>Every public property as text, and the object as JSON (what --json and ConvertTo-Json would show).</summary>
        public void AddObject(string where, object o)
        {
            Add(where, o.ToString());
            foreach (var p in o.GetType().GetProperties().Where(p => p.GetIndexParameters().Length == 0))
            {
                var v = p.GetValue(o);
                if (v is IEnumerable e && !(v is string)) Add(where + "." + p.Name, string.Join(",", e.Cast<object?>()));
                else Add(where + "." + p.Name, v?.ToString());
            }
            if (o is VectorMutation) Add(where + " json", JsonSerializer.Serialize(o));
        }

        public void AddFile(string where, string path)
        {
            if (File.Exists(path)) Add(where, File.ReadAllText(path));
        }

        /// <summary>Where the secret, or a 12-character piece of it beyond the mask's last 4, appears.</summary>
        public List<string> Hits(string secret)
        {
            var pieces = new List<string> { secret };
            for (var i = 0; i + 12 <= secret.Length - 4; i++) pieces.Add(secret.Substring(i, 12));
            return _texts.Where(t => pieces.Any(p => t.Text.IndexOf(p, StringComparison.Ordinal) >= 0)).Select(t => t.Where).ToList();
        }
    }
}

namespace VectorOps.Tests.Conformance
{
    /// <summary>
    /// A full session with a known key (connect, previews, deletes with a backup under a 429 and a failing batch,
    /// reads, wait, bad input, a wrong key answered 401) through the command layer and through the CLI with
    /// --verbose --debug --json: every stream, exception, mutation, backup file, trace and the connection's display
    /// is searched for the key: zero hits. The connection shows it masked.
    /// </summary>
    [Collection(Conformance.ConformanceCollection.Name)]
    public sealed class SecretScanTests : IDisposable
    {
        private readonly ITestOutputHelper _output;
        private readonly ConformanceServers _servers;
        private ProviderFixture? _target;

        public SecretScanTests(ConformanceServers servers, ITestOutputHelper output)
        {
            _servers = servers;
            _output = output;
            Dir = Directory.CreateTempSubdirectory("vectorops-secret-scan-").FullName;
        }

        /// <summary>The session injects a 429 and a failing batch, and expects a wrong key to be refused: providers with the fault switch and a credential.</summary>
        public static TheoryData<string> SessionData() => Data(ConformanceCase.SecretScan, ConformanceCase.F01_TooManyRequests, ConformanceCase.F05_OneBatchServerErrorEveryTime);

        public static TheoryData<string> CliSessionData() => Data(ConformanceCase.SecretScan, ConformanceCase.Cli, ConformanceCase.F05_OneBatchServerErrorEveryTime);

        private static TheoryData<string> Data(params ConformanceCase[] cases)
        {
            var data = new TheoryData<string>();
            foreach (var e in ProviderFixtures.All.Where(e => cases.All(e.Supports))) data.Add(e.Name);
            return data;
        }

        private void Open(string provider)
        {
            _target = ProviderFixtures.Get(provider).Create(_servers);
            Target.Seed(Target.MakeIds("doc-", 60));
        }

        private ProviderFixture Target => _target ?? throw new InvalidOperationException("Open(provider) first.");
        private string Dir { get; }
        private string WrongSecret => Target.WrongSecret;

        private static ConnectionSettings WithSecret(ConnectionSettings settings, string secret)
        {
            settings.Credential = Secret.FromPlainText(secret);
            return settings;
        }

        /// <summary>The CLI's environment with its credential variable set to this secret.</summary>
        private Dictionary<string, string> EnvironmentWith(string secret) => Target.CliEnvironment().ToDictionary(p => p.Key, _ => secret);

        [Theory]
        [MemberData(nameof(SessionData))]
        public void The_scan_finds_the_key_and_pieces_of_it_but_not_its_mask(string provider)
        {
            Open(provider);
            var scan = new SecretScan();
            scan.Add("mask", "credential ********" + Target.Secret.Substring(Target.Secret.Length - 4));
            Assert.Empty(scan.Hits(Target.Secret));
            scan.Add("piece", "Api-Key: " + Target.Secret.Substring(1, 13));
            Assert.Equal(new[] { "piece" }, scan.Hits(Target.Secret));
        }

        [Theory]
        [MemberData(nameof(SessionData))]
        public void A_command_layer_session_shows_the_key_nowhere_and_the_connection_masks_it(string provider)
        {
            Open(provider);
            var scan = new SecretScan();
            var traces = new List<string>();
            var backup = Path.Combine(Dir, "backup.jsonl");
            var settings = Target.Settings(maxAttempts: 2);
            settings.Trace = line => { lock (traces) traces.Add(line); };

            var connectHost = new RecordingHost();
            using (var connection = ConnectCommand.Connect(settings, makeDefault: false, connectHost))
            {
                scan.AddHost("connect", connectHost);
                scan.AddObject("connection", connection);
                scan.AddObject("provider", connection.ProviderInstance);
                Assert.Equal("********" + Target.Secret.Substring(Target.Secret.Length - 4), connection.Credential);

                // A preview, then deletes with a backup: a 429 on the first delete, the batch of doc-00042 failing.
                var preview = new RecordingHost { Decision = ShouldProcessDecision.WhatIf };
                var p = new RemoveByIdsCommand(preview, connection, new RemoveOptions { BatchSize = 10, BackupPath = backup });
                p.Add(Target.MakeIds("doc-", 20), Target.Namespace);
                p.Complete();
                scan.AddHost("whatif", preview);

                Target.Faults.OnPath(Target.DeletePath, Fault.TooManyRequests(TimeSpan.FromSeconds(1)), times: 1);
                Target.Faults.OnBodyContaining("\"" + Target.Id("doc-00042") + "\"", Fault.ServerError(), pathPrefix: Target.DeletePath);
                var delete = new RecordingHost();
                var d = new RemoveByIdsCommand(delete, connection, new RemoveOptions { BatchSize = 10, ThrottleLimit = 2, BackupPath = backup });
                d.Add(Target.MakeIds("doc-", 50), Target.Namespace);
                d.Add(new[] { "" }, Target.Namespace); // bad input
                d.Complete();
                Target.Faults.Clear();
                Assert.Contains(delete.Mutations, m => m.Status == MutationStatus.Failed);
                Assert.Contains(delete.Debug, l => l.Contains("retry decision", StringComparison.Ordinal));
                scan.AddHost("delete", delete);

                var wait = new RecordingHost();
                var w = new WaitMutationCommand(wait, connection) { Timeout = TimeSpan.FromSeconds(20), PollInterval = TimeSpan.FromMilliseconds(100) };
                foreach (var m in delete.Mutations.Where(m => m.Status == MutationStatus.Acknowledged)) w.Add(m);
                w.Complete();
                scan.AddHost("wait", wait);

                var read = new RecordingHost();
                var g = new GetRecordsCommand(read, connection);
                g.AddIds(new[] { Target.Id("doc-00055"), Target.Id("nope") }, Target.Namespace);
                g.Complete();
                g.ByPrefix(Target.Prefix("doc-005"), Target.Namespace);
                scan.AddHost("get", read);

                var bad = new RecordingHost();
                try
                {
                    new RemoveByFilterCommand(bad, connection, MetadataFilter.ParseJson("{\"genre\":{\"$regex\":\"x\"}}"));
                }
                catch (VectorOpsException ex)
                {
                    scan.AddException("bad filter", ex);
                }
                scan.AddHost("bad", bad);
            }

            // A wrong key: the service answers 401 (when connecting, where the provider reads the server then, or at
            // the first delete); neither key may show.
            var wrongHost = new RecordingHost();
            VectorConnection? wrong = null;
            try
            {
                wrong = ConnectCommand.Connect(WithSecret(Target.Settings(maxAttempts: 1), WrongSecret), makeDefault: false, wrongHost);
            }
            catch (VectorOpsException ex) when (ex.ErrorId == ErrorIds.ProviderAuthenticationFailed)
            {
                scan.AddException("401 when connecting", ex);
            }
            if (wrong != null)
                using (wrong)
                {
                    scan.AddObject("wrong connection", wrong);
                    var d = new RemoveByIdsCommand(wrongHost, wrong);
                    d.Add(new[] { Target.Id("doc-00058") }, Target.Namespace);
                    d.Complete();
                    Assert.Equal(ErrorIds.ProviderAuthenticationFailed, Assert.Single(wrongHost.Errors).ErrorId);
                }
            scan.AddHost("401", wrongHost);
            foreach (var t in traces) scan.Add("trace", t);
            scan.AddFile("backup", backup);

            Assert.True(File.Exists(backup));
            Assert.NotEmpty(traces);
            Assert.Empty(scan.Hits(Target.Secret));
            Assert.Empty(scan.Hits(WrongSecret));
            _output.WriteLine($"{Target.Name} command layer: {scan.Count} texts ({scan.Characters:N0} characters) scanned for the key and a wrong key: 0 hits");
            Target.AssertNoViolations();
        }

        [Theory]
        [MemberData(nameof(CliSessionData))]
        public void A_CLI_session_with_verbose_debug_and_json_shows_the_key_nowhere(string provider)
        {
            Open(provider);
            var scan = new SecretScan();
            var backup = Path.Combine(Dir, "cli-backup.jsonl");
            var ids = Path.Combine(Dir, "ids.txt");
            File.WriteAllLines(ids, Target.MakeIds("doc-", 40));
            var env = Target.CliEnvironment();
            CliResult Run(string what, List<string> args, Dictionary<string, string>? e = null)
            {
                var r = CliRunner.Run(args, null, e ?? env, TimeSpan.FromMinutes(1));
                scan.Add(what + " stdout", r.Stdout);
                scan.Add(what + " stderr", r.Stderr);
                return r;
            }
            string[] Loud(params string[] rest) => rest.Concat(new[] { "--verbose", "--debug", "--json" }).ToArray();

            var preview = Run("what-if", Target.CliArgs("remove", true, Loud("--ids-from", ids, "--namespace", Target.Namespace, "--backup", backup, "--what-if")));
            Assert.True(preview.ExitCode == 0, preview.ToString());
            Assert.Contains("credential ********", preview.Stderr);

            Target.Faults.OnPath(Target.DeletePath, Fault.TooManyRequests(TimeSpan.FromSeconds(1)), times: 1);
            Target.Faults.OnBodyContaining("\"" + Target.Id("doc-00012") + "\"", Fault.ServerError(), pathPrefix: Target.DeletePath);
            var remove = Run("remove", Target.CliArgs("remove", true, Loud("--ids-from", ids, "--namespace", Target.Namespace, "--batch-size", "10",
                "--max-attempts", "2", "--backup", backup, "--yes")));
            Target.Faults.Clear();
            Assert.True(remove.ExitCode == 1, remove.ToString());
            Assert.Contains("VERBOSE: POST ", remove.Stderr);
            Assert.Contains("DEBUG: ", remove.Stderr);

            var run = Path.Combine(Dir, "run.jsonl");
            File.WriteAllText(run, remove.Stdout);
            var wait = Run("wait", Target.CliArgs("wait", true, Loud("--from", run, "--timeout", "20", "--poll-interval", "0.1")));
            Assert.True(wait.ExitCode == 0 || wait.ExitCode == 1, wait.ToString());
            var retry = Run("retry", Target.CliArgs("remove", true, Loud("--retry-from", run, "--yes")));
            Assert.True(retry.ExitCode == 0, retry.ToString());
            var get = Run("get", Target.CliArgs("get", true, Loud("--id", Target.Id("doc-00050"), "--namespace", Target.Namespace)));
            Assert.True(get.ExitCode == 0, get.ToString());
            var bad = Run("bad input", Target.CliArgs("remove", true, Loud("--filter", "{\"genre\":{\"$regex\":\"x\"}}", "--namespace", Target.Namespace, "--yes")));
            Assert.Equal(2, bad.ExitCode);
            var restore = Run("restore", Target.CliArgs("restore", true, Loud("--path", backup)));
            Assert.True(restore.ExitCode == 0, restore.ToString());

            var wrongEnv = EnvironmentWith(WrongSecret);
            var unauthorized = Run("401", Target.CliArgs("remove", true, Loud("--id", Target.Id("doc-00059"), "--namespace", Target.Namespace, "--yes", "--max-attempts", "1")), wrongEnv);
            Assert.Contains("vectorops: ProviderAuthenticationFailed: ", unauthorized.Stderr);

            // The key read from a file, too.
            var keyFile = Path.Combine(Dir, "key.txt");
            File.WriteAllText(keyFile, Target.Secret + "\n");
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            var fromFile = Run("key file", Target.CliArgs("get", true, Loud("--api-key-file", keyFile, "--id", Target.Id("doc-00051"), "--namespace", Target.Namespace)), new Dictionary<string, string>());
            Assert.True(fromFile.ExitCode == 0, fromFile.ToString());
            scan.AddFile("backup", backup);

            Assert.Empty(scan.Hits(Target.Secret));
            Assert.Empty(scan.Hits(WrongSecret));
            _output.WriteLine($"{Target.Name} CLI: {scan.Count} outputs ({scan.Characters:N0} characters) of 9 runs scanned for the key and a wrong key: 0 hits");
            Target.AssertNoViolations();
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
