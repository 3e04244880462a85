using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using VectorOps.Commands;
using VectorOps.Connections;
using VectorOps.Errors;
using VectorOps.Filtering;
using VectorOps.Hosting;
using VectorOps.Model;
using VectorOps.Providers;
using VectorOps.Serialization;
using VectorOps.Tests.Conformance.Throwaway;
using VectorOps.Tests.Module;
using VectorOps.Tests.Reliability;
using VectorOps.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace VectorOps.Tests.Conformance
{
    /// <summary>
    /// The conformance suite: one set of cases every provider runs through its fixture (ProviderFixtures.All),
    /// through the core commands with the recording host (what the cmdlets and the CLI run). A case a fixture
    /// leaves out is not in its theory data, and <see cref="The_cases_left_out_are_declared_and_listed"/> shows
    /// the gaps (also in docs/reliability.md). The fault matrix is FaultMatrixTests, on the same fixtures.
    /// </summary>
    [Collection(ConformanceCollection.Name)]
    public sealed class ConformanceTests : IDisposable
    {
        private const string Drama = "{\"genre\":{\"$eq\":\"drama\"}}";
        private readonly ConformanceServers _servers;
        private readonly ITestOutputHelper _output;
        private readonly List<IDisposable> _open = new List<IDisposable>();
        private readonly string _dir = Directory.CreateTempSubdirectory("vectorops-conformance-").FullName;

        public ConformanceTests(ConformanceServers servers, ITestOutputHelper output)
        {
            _servers = servers;
            _output = output;
        }

        private ProviderFixture Open(string provider)
        {
            var f = ProviderFixtures.Get(provider).Create(_servers);
            _open.Add(f);
            return f;
        }

        private VectorConnection Connect(ProviderFixture f)
        {
            var c = f.Connect();
            _open.Add(c);
            return c;
        }

        private static void NoThreadViolations(RecordingHost host) => Assert.Empty(host.ThreadViolations);

        private static void AllDone(RecordingHost host)
        {
            Assert.Empty(host.Errors.Select(e => e.ToString()));
            Assert.All(host.Mutations, m => Assert.True(m.Status == MutationStatus.Completed || m.Status == MutationStatus.Acknowledged, m.ToString()));
            NoThreadViolations(host);
        }

        private static void RemoveIds(RecordingHost host, VectorConnection c, IEnumerable<string> ids, string ns, RemoveOptions? options = null)
        {
            var command = new RemoveByIdsCommand(host, c, options ?? new RemoveOptions());
            command.Add(ids, ns);
            command.Complete();
        }

        private static void Scoped(ScopedDeleteCommand command, string ns)
        {
            command.Execute(new[] { ns });
            command.Complete();
        }

        // ---- deletes -------------------------------------------------------------------------------------

        [Theory]
        [MemberData(nameof(ProviderFixtures.For), ConformanceCase.DeleteByIdsAcrossTheCap, MemberType = typeof(ProviderFixtures))]
        public void Delete_by_ids_across_the_batch_cap_sends_two_requests_and_removes_all(string provider)
        {
            var f = Open(provider);
            var cap = f.DeleteCap;
            var ids = f.MakeIds("doc-", cap + 1);
            var keep = f.MakeIds("keep-", 5);
            f.Seed(ids.Concat(keep));
            var host = new RecordingHost();
            RemoveIds(host, Connect(f), ids, f.Namespace);
            f.Settle();
            AllDone(host);
            Assert.Equal(2, host.Mutations.Count());
            Assert.Equal(new long[] { cap, 1 }, host.Mutations.Select(m => (long)m.RequestedCount).OrderByDescending(n => n));
            if (f.DeleteRequests() is int requests) Assert.Equal(2, requests);
            Assert.All(ids, id => Assert.False(f.Exists(id), id + " is still there"));
            Assert.All(keep, id => Assert.True(f.Exists(id), id + " was not asked for and is gone"));
            Assert.Empty(f.DeletedTwice());
            _output.WriteLine($"{f.Name}: cap {cap}, {cap + 1} ids in 2 mutations, requests {f.DeleteRequests()?.ToString() ?? "not counted"}");
        }

        [Theory]
        [MemberData(nameof(ProviderFixtures.For), ConformanceCase.DeleteByIdsAcrossTheCap, MemberType = typeof(ProviderFixtures))]
        public void Delete_by_ids_with_a_backup_across_the_backed_up_batch_sends_two_batches_and_backs_up_all(string provider)
        {
            // With -BackupPath a batch's records are held in memory: the provider may declare a smaller batch for it.
            var f = Open(provider);
            int cap, backedUp;
            using (var probe = Connect(f))
            {
                var caps = probe.ProviderInstance.Capabilities;
                cap = caps.MaxIdsPerDelete;
                backedUp = caps.MaxIdsPerBackedUpDelete is int b && b >= 1 && b < cap ? b : cap;
            }
            var ids = f.MakeIds("doc-", backedUp + 1);
            var keep = f.MakeIds("keep-", 3);
            f.Seed(ids.Concat(keep));
            var backup = Path.Combine(_dir, f.Name + "-backed-up.jsonl");
            var host = new RecordingHost();
            RemoveIds(host, Connect(f), ids, f.Namespace, new RemoveOptions { BackupPath = backup });
            f.Settle();
            AllDone(host);
            Assert.Equal(new long[] { backedUp, 1 }, host.Mutations.Select(m => (long)m.RequestedCount).OrderByDescending(n => n));
            Assert.All(ids, id => Assert.False(f.Exists(id), id + " is still there"));
            Assert.All(keep, id => Assert.True(f.Exists(id), id + " was not asked for and is gone"));
            var lines = File.ReadAllLines(backup).Where(l => l.Length > 0).ToList();
            Assert.Equal(ids.Count, lines.Count);
            Assert.Equal(ids.OrderBy(i => i, StringComparer.Ordinal), lines.Select(l => RecordJson.ParseLine(l).Id).OrderBy(i => i, StringComparer.Ordinal));
            _output.WriteLine($"{f.Name}: cap {cap}, with a backup {backedUp}; {ids.Count} ids in 2 mutations");
        }

        [Theory]
        [MemberData(nameof(ProviderFixtures.For), ConformanceCase.DeleteByFilter, MemberType = typeof(ProviderFixtures))]
        public void Delete_by_filter_removes_exactly_the_matches(string provider)
        {
            var f = Open(provider);
            var ids = f.MakeIds("doc-", 30);
            f.Seed(ids);
            var drama = ids.Where((_, i) => i % 3 == 0).ToList();
            var host = new RecordingHost();
            Scoped(new RemoveByFilterCommand(host, Connect(f), MetadataFilter.ParseJson(Drama), new RemoveOptions { Force = true }), f.Namespace);
            f.Settle();
            AllDone(host);
            Assert.All(drama, id => Assert.False(f.Exists(id), id + " matches and is still there"));
            Assert.All(ids.Except(drama), id => Assert.True(f.Exists(id), id + " does not match and is gone"));
        }

        [Theory]
        [MemberData(nameof(ProviderFixtures.For), ConformanceCase.DeleteByPrefix, MemberType = typeof(ProviderFixtures))]
        public void Delete_by_prefix_removes_exactly_the_ids_with_it(string provider)
        {
            var f = Open(provider);
            var doomed = f.MakeIds("old-", 25);
            var keep = f.MakeIds("new-", 10).Concat(f.MakeIds("ol-", 3)).ToList();
            f.Seed(doomed.Concat(keep));
            var host = new RecordingHost();
            Scoped(new RemoveByPrefixCommand(host, Connect(f), f.IdPrefix("old-"), new RemoveOptions { Force = true }), f.Namespace);
            f.Settle();
            AllDone(host);
            Assert.Equal(doomed.Count, host.Mutations.Sum(m => m.RequestedCount));
            Assert.All(doomed, id => Assert.False(f.Exists(id), id + " is still there"));
            Assert.All(keep, id => Assert.True(f.Exists(id), id + " is gone"));
        }

        [Theory]
        [MemberData(nameof(ProviderFixtures.For), ConformanceCase.ClearNamespace, MemberType = typeof(ProviderFixtures))]
        public void Clearing_a_namespace_empties_it_and_no_other(string provider)
        {
            var f = Open(provider);
            var ids = f.MakeIds("doc-", 40);
            f.Seed(ids);
            var others = f.MakeIds("other-", 5);
            if (f.OtherNamespace != null) f.Seed(f.OtherNamespace, others);
            var host = new RecordingHost();
            var clear = new ClearNamespaceCommand(host, Connect(f));
            clear.Clear(f.Namespace);
            clear.Complete();
            f.Settle();
            AllDone(host);
            Assert.All(ids, id => Assert.False(f.Exists(id), id + " is still there"));
            if (f.OtherNamespace != null) Assert.All(others, id => Assert.True(f.Exists(f.OtherNamespace, id), id + " of the other namespace is gone"));
        }

        // ---- previews and questions ----------------------------------------------------------------------

        /// <summary>Every kind of delete, run under a host that answers <paramref name="decision"/>.</summary>
        private (RecordingHost Host, List<string> Ids, int CallsBefore) EveryDeleteUnder(ProviderFixture f, ShouldProcessDecision decision, bool continueAnswer)
        {
            var ids = f.MakeIds("doc-", 30);
            f.Seed(ids);
            var c = Connect(f);
            var before = f.MutatingCalls(); // what connecting wrote (the local store's schema check) is not the delete's
            var host = new RecordingHost { Decision = decision, ContinueAnswer = continueAnswer };
            if (decision == ShouldProcessDecision.Declined) host.Mode = ShouldProcessMode.Prompts;
            RemoveIds(host, c, ids.Take(12), f.Namespace, new RemoveOptions { BatchSize = 5 });
            Scoped(new RemoveByFilterCommand(host, c, MetadataFilter.ParseJson(Drama)), f.Namespace);
            Scoped(new RemoveByPrefixCommand(host, c, f.IdPrefix("doc-000")), f.Namespace);
            var clear = new ClearNamespaceCommand(host, c);
            clear.Clear(f.Namespace);
            clear.Complete();
            f.Settle();
            NoThreadViolations(host);
            return (host, ids, before);
        }

        [Theory]
        [MemberData(nameof(ProviderFixtures.For), ConformanceCase.WhatIfSendsNothing, MemberType = typeof(ProviderFixtures))]
        public void WhatIf_makes_no_mutating_call_and_says_what_it_would_do(string provider)
        {
            var f = Open(provider);
            var (host, ids, before) = EveryDeleteUnder(f, ShouldProcessDecision.WhatIf, continueAnswer: true);
            Assert.Equal(before, f.MutatingCalls());
            Assert.All(ids, id => Assert.True(f.Exists(id), id + " is gone after a preview"));
            Assert.Empty(host.Errors.Select(e => e.ToString()));
            Assert.NotEmpty(host.ShouldProcessCalls);
            var whatIf = host.Mutations.ToList();
            Assert.NotEmpty(whatIf);
            Assert.All(whatIf, m => Assert.Equal(MutationStatus.WhatIf, m.Status));
            Assert.Equal(12, whatIf.Where(m => m.Operation == whatIf[0].Operation).Sum(m => m.RequestedCount));
        }

        [Theory]
        [MemberData(nameof(ProviderFixtures.For), ConformanceCase.DeclinedDeletesNothing, MemberType = typeof(ProviderFixtures))]
        public void A_declined_delete_deletes_nothing(string provider)
        {
            var f = Open(provider);
            var (host, ids, before) = EveryDeleteUnder(f, ShouldProcessDecision.Declined, continueAnswer: false);
            Assert.Equal(before, f.MutatingCalls());
            Assert.All(ids, id => Assert.True(f.Exists(id), id + " is gone though the delete was declined"));
            Assert.NotEmpty(host.ShouldProcessCalls);
            Assert.DoesNotContain(host.Mutations, m => m.Status == MutationStatus.Completed || m.Status == MutationStatus.Acknowledged);
        }

        [Theory]
        [MemberData(nameof(ProviderFixtures.For), ConformanceCase.NamespaceNotFound, MemberType = typeof(ProviderFixtures))]
        public void A_misspelt_namespace_is_NamespaceNotFound_with_a_suggestion_or_where_namespaces_are_not_listed_deletes_nothing_and_warns(string provider)
        {
            var f = Open(provider);
            var ids = f.MakeIds("doc-", 10);
            f.Seed(ids);
            var misspelt = f.Namespace + "s";
            var c = Connect(f);
            var before = f.MutatingCalls();
            var lists = c.ProviderInstance.Capabilities.ListsNamespacesCheaply;
            var runs = new List<Action<RecordingHost>>
            {
                h => Scoped(new RemoveByPrefixCommand(h, c, f.IdPrefix("doc-"), new RemoveOptions { Force = true }), misspelt),
                h => { var clear = new ClearNamespaceCommand(h, c); clear.Clear(misspelt); clear.Complete(); },
            };
            // An id delete names no records to look for: only a provider that lists namespaces can refuse it.
            if (lists) runs.Add(h => RemoveIds(h, c, ids, misspelt));
            foreach (var run in runs)
            {
                var host = new RecordingHost();
                var error = ErrorOf(() => run(host), host);
                if (lists)
                {
                    Assert.NotNull(error);
                    Assert.Equal(ErrorIds.NamespaceNotFound, error!.ErrorId);
                    Assert.Contains("'" + f.Namespace + "'", error.Exception.Message);
                    Assert.Equal(misspelt, error.Target);
                }
                else
                {
                    // What a provider that cannot list namespaces does: finds nothing there, says so, deletes nothing.
                    Assert.Null(error);
                    Assert.Contains(host.Warnings, w => w.Contains(misspelt, StringComparison.Ordinal) && w.Contains("nothing", StringComparison.OrdinalIgnoreCase));
                }
            }
            f.Settle();
            Assert.Equal(before, f.MutatingCalls());
            Assert.All(ids, id => Assert.True(f.Exists(id)));
        }

        /// <summary>The first error a run gave: thrown (terminating) or written.</summary>
        private static VectorOpsError? ErrorOf(Action run, RecordingHost host)
        {
            try
            {
                run();
            }
            catch (VectorOpsException ex)
            {
                return VectorOpsError.From(ex);
            }
            return host.Errors.FirstOrDefault();
        }

        // ---- backup and restore: BackupRoundTripTests (two namespaces, every kind of value, the CLI) ----------

        // ---- bad input -----------------------------------------------------------------------------------

        /// <summary>Input every provider refuses before the first request (the bad-input table adds each provider's own rules).</summary>
        public static readonly IReadOnlyList<(string Name, string ErrorId, Action<RecordingHost, VectorConnection, ProviderFixture, string> Run)> BadInputs =
            new (string, string, Action<RecordingHost, VectorConnection, ProviderFixture, string>)[]
            {
                ("whitespace id", ErrorIds.InvalidId, (h, c, f, d) => RemoveIds(h, c, new[] { f.Id("doc-00001"), "   " }, f.Namespace)),
                ("empty id", ErrorIds.InvalidId, (h, c, f, d) => RemoveIds(h, c, new[] { "" }, f.Namespace)),
                ("blank namespace", ErrorIds.EmptyNamespace, (h, c, f, d) => RemoveIds(h, c, new[] { f.Id("doc-00001") }, "")),
                ("empty filter {}", ErrorIds.EmptyFilter, (h, c, f, d) => Scoped(new RemoveByFilterCommand(h, c, MetadataFilter.ParseJson("{}"), new RemoveOptions { Force = true }), f.Namespace)),
                ("unknown filter operator", ErrorIds.UnknownFilterOperator, (h, c, f, d) => Scoped(new RemoveByFilterCommand(h, c, MetadataFilter.ParseJson("{\"genre\":{\"$regex\":\"d.*\"}}"), new RemoveOptions { Force = true }), f.Namespace)),
                ("whitespace prefix", ErrorIds.InvalidPrefix, (h, c, f, d) => Scoped(new RemoveByPrefixCommand(h, c, "  ", new RemoveOptions { Force = true }), f.Namespace)),
                ("batch size over the cap", ErrorIds.InvalidArgument, (h, c, f, d) => RemoveIds(h, c, new[] { f.Id("doc-00001") }, f.Namespace, new RemoveOptions { BatchSize = c.ProviderInstance.Capabilities.MaxIdsPerDelete + 1 })),
                ("throttle limit 0", ErrorIds.InvalidArgument, (h, c, f, d) => RemoveIds(h, c, new[] { f.Id("doc-00001") }, f.Namespace, new RemoveOptions { ThrottleLimit = 0 })),
                ("backup path in a folder that does not exist", ErrorIds.BackupPathNotWritable, (h, c, f, d) => RemoveIds(h, c, new[] { f.Id("doc-00001") }, f.Namespace, new RemoveOptions { BackupPath = Path.Combine(d, "no-such-folder", "b.jsonl") })),
                ("unknown provider name", ErrorIds.UnknownProvider, (h, c, f, d) => { var s = f.Settings(); s.Provider = f.DescriptorName + "x"; ConnectCommand.Connect(s, makeDefault: false).Dispose(); }),
            };

        public static TheoryData<string, string> BadInputData()
        {
            var data = new TheoryData<string, string>();
            foreach (var e in ProviderFixtures.All.Where(e => e.Supports(ConformanceCase.BadInput)))
                foreach (var b in BadInputs) data.Add(e.Name, b.Name);
            return data;
        }

        [Theory]
        [MemberData(nameof(BadInputData))]
        public void Bad_input_is_refused_with_its_error_id_before_any_mutating_call(string provider, string input)
        {
            var f = Open(provider);
            var ids = f.MakeIds("doc-", 5);
            f.Seed(ids);
            var c = Connect(f);
            var before = f.MutatingCalls();
            var bad = BadInputs.Single(b => b.Name == input);
            var host = new RecordingHost();
            var error = ErrorOf(() => bad.Run(host, c, f, _dir), host);
            Assert.True(error != null, $"{input}: no error");
            Assert.Equal(bad.ErrorId, error!.ErrorId);
            Assert.Equal(before, f.MutatingCalls());
            Assert.DoesNotContain(host.Mutations, m => m.Status == MutationStatus.Completed || m.Status == MutationStatus.Acknowledged);
            Assert.All(ids, id => Assert.True(f.Exists(id)));
            if (f.Secret.Length > 0) Assert.DoesNotContain(f.Secret, error.ToString() + error.Exception);
        }

        // ---- secrets -------------------------------------------------------------------------------------

        [Theory]
        [MemberData(nameof(ProviderFixtures.For), ConformanceCase.SecretScan, MemberType = typeof(ProviderFixtures))]
        public void No_output_trace_error_or_file_holds_the_credential(string provider)
        {
            var f = Open(provider);
            var ids = f.MakeIds("doc-", 30);
            f.Seed(ids);
            var scan = new SecretScan();
            var trace = new List<string>();
            var settings = f.Settings();
            settings.Trace = line => { lock (trace) trace.Add(line); };
            using var c = ConnectCommand.Connect(settings, makeDefault: false);
            scan.AddObject("connection", c);
            var backup = Path.Combine(_dir, f.Name + "-secret-backup.jsonl");

            var preview = new RecordingHost { Decision = ShouldProcessDecision.WhatIf };
            RemoveIds(preview, c, ids.Take(5), f.Namespace);
            scan.AddHost("what-if", preview);
            var delete = new RecordingHost();
            RemoveIds(delete, c, ids.Skip(5).Take(10), f.Namespace, new RemoveOptions { BackupPath = backup, BatchSize = 3 });
            Scoped(new RemoveByPrefixCommand(delete, c, f.IdPrefix("doc-0002"), new RemoveOptions { Force = true }), f.Namespace);
            new RestoreRecordsCommand(delete, c).Restore(backup);
            scan.AddHost("delete", delete);
            scan.AddFile("backup", backup);
            var bad = new RecordingHost();
            var error = ErrorOf(() => RemoveIds(bad, c, new[] { " " }, f.Namespace), bad);
            scan.AddHost("bad input", bad);
            if (error != null) scan.AddException("bad input", error.Exception);
            var wrong = f.Settings();
            wrong.Credential = Security.Secret.FromPlainText("wrong-" + f.Secret);
            try
            {
                using var w = ConnectCommand.Connect(wrong, makeDefault: false);
                var h = new RecordingHost();
                ErrorOf(() => RemoveIds(h, w, ids.Take(2), f.Namespace), h);
                scan.AddHost("wrong key", h);
            }
            catch (VectorOpsException ex)
            {
                scan.AddException("wrong key", ex);
            }
            lock (trace) foreach (var t in trace) scan.Add("trace", t);
            Assert.Empty(scan.Hits(f.Secret));
            Assert.Empty(scan.Hits("wrong-" + f.Secret));
            Assert.True(scan.Count > 10, "the scan read too little: " + scan.Count);
            _output.WriteLine($"{f.Name}: {scan.Count} texts, {scan.Characters} characters, 0 hits");
        }

        // ---- cancellation --------------------------------------------------------------------------------

        [Theory]
        [MemberData(nameof(ProviderFixtures.For), ConformanceCase.CancellationMidRun, MemberType = typeof(ProviderFixtures))]
        public void A_prefix_delete_stopped_mid_run_reports_what_it_did_and_sends_nothing_after_the_stop(string provider)
        {
            var f = Open(provider);
            var cap = Math.Min(f.DeleteCap, 4);
            var ids = f.MakeIds("doc-", cap * 12);
            var keep = f.MakeIds("keep-", 5);
            f.Seed(ids.Concat(keep));
            var host = new RecordingHost();
            var written = 0;
            int? requestsAtStop = null;
            host.OnWrite = (h, o) =>
            {
                if (o is VectorMutation && ++written == 3) { h.Cancel(); requestsAtStop = f.DeleteRequests(); }
            };
            var command = new RemoveByPrefixCommand(host, Connect(f), f.IdPrefix("doc-"), new RemoveOptions { Force = true, BatchSize = cap, ThrottleLimit = 1 });
            try
            {
                Scoped(command, f.Namespace);
            }
            catch (OperationCanceledException) { }
            catch (VectorOpsException ex) when (ex.ErrorId == ErrorIds.OperationStopped) { }
            f.Settle();
            NoThreadViolations(host);
            var done = host.Mutations.Where(m => m.Status == MutationStatus.Completed || m.Status == MutationStatus.Acknowledged).ToList();
            Assert.True(done.Count >= 3, "the first 3 batches are reported done");
            Assert.True(done.Count < 12, "the stop stopped nothing");
            var gone = done.SelectMany(m => m.Ids ?? Array.Empty<string>()).ToList();
            Assert.All(gone, id => Assert.False(f.Exists(id)));
            // What was not reported done is still there: nothing after the stop was sent.
            Assert.All(ids.Except(gone), id => Assert.True(f.Exists(id), id + " is gone but no mutation says so"));
            Assert.All(keep, id => Assert.True(f.Exists(id)));
            if (f.DeleteRequests() is int requests) Assert.Equal(done.Count, requests);
            Assert.True(requestsAtStop is null || requestsAtStop <= done.Count);
            _output.WriteLine($"{f.Name}: stopped after 3 reported batches; {done.Count} done, {host.Mutations.Count(m => m.Status == MutationStatus.Skipped)} skipped, {ids.Count - gone.Count} ids left");
        }

        // ---- the CLI ---------------------------------------------------------------------------------------

        [Theory]
        [MemberData(nameof(ProviderFixtures.For), ConformanceCase.Cli, MemberType = typeof(ProviderFixtures))]
        public void The_CLI_previews_refuses_bad_input_and_deletes_ids_across_the_cap(string provider)
        {
            var f = Open(provider);
            var cap = f.DeleteCap;
            var ids = f.MakeIds("doc-", cap + 1);
            var keep = f.MakeIds("keep-", 5);
            f.Seed(ids.Concat(keep));
            using (Connect(f)) { } // what connecting writes (the local store's schema check) is not the delete's
            var before = f.MutatingCalls();
            var file = Path.Combine(_dir, f.Name + "-ids.txt");
            File.WriteAllLines(file, ids);
            var env = f.CliEnvironment();
            Cli.CliResult Run(params string[] rest) =>
                Cli.CliRunner.Run(f.CliArgs("remove", true, rest), null, env, TimeSpan.FromMinutes(2));

            var preview = Run("--ids-from", file, "--namespace", f.Namespace, "--what-if", "--json");
            Assert.True(preview.ExitCode == 0, preview.Stderr);
            Assert.Equal(before, f.MutatingCalls());

            var badFile = Path.Combine(_dir, f.Name + "-bad.txt");
            File.WriteAllLines(badFile, new[] { ids[0], new string('x', 70_000) });
            var bad = Run("--ids-from", badFile, "--namespace", f.Namespace, "--yes", "--json");
            Assert.True(bad.ExitCode == 2, $"exit {bad.ExitCode}: {bad.Stderr}");
            Assert.Contains("InvalidVectorId", bad.Stderr);
            Assert.Equal(before, f.MutatingCalls());
            Assert.True(f.Exists(ids[0]));

            var remove = Run("--ids-from", file, "--namespace", f.Namespace, "--yes", "--json");
            Assert.True(remove.ExitCode == 0, remove.Stderr);
            f.Settle();
            Assert.True(f.MutatingCalls() > before, "the fixture did not see the delete: its count of mutating calls cannot show a preview made none");
            Assert.All(ids, id => Assert.False(f.Exists(id), id + " is still there"));
            Assert.All(keep, id => Assert.True(f.Exists(id), id + " was not asked for and is gone"));
            if (f.DeleteRequests() is int requests) Assert.Equal(2, requests);
            if (f.Secret.Length > 0) Assert.DoesNotContain(f.Secret, preview.Stdout + preview.Stderr + bad.Stdout + bad.Stderr + remove.Stdout + remove.Stderr);
        }

        // ---- the registry and its gaps -------------------------------------------------------------------

        [Fact]
        public void The_throwaway_provider_is_one_registry_line_away()
        {
            using var f = new ThrowawayProviderFixture();
            var descriptor = ProviderRegistry.Get(ThrowawayDescriptor.Name);
            Assert.Same(ThrowawayDescriptor.Descriptor, descriptor);
            using var c = f.Connect();
            Assert.IsType<ThrowawayProvider>(c.ProviderInstance);
            // Its settings are checked against its descriptor like any provider's.
            var s = f.Settings();
            s["Colour"] = "blue";
            var ex = Assert.Throws<VectorOpsException>(() => ConnectCommand.Connect(s, makeDefault: false));
            Assert.Equal(ErrorIds.InvalidSetting, ex.ErrorId);
            var missing = f.Settings();
            missing.Credential = null;
            var previous = Environment.GetEnvironmentVariable(ThrowawayDescriptor.KeyVariable);
            var generic = Environment.GetEnvironmentVariable(CredentialDescriptor.GenericEnvironmentVariable);
            if (previous is null && generic is null)
                Assert.Equal(ErrorIds.MissingCredential, Assert.Throws<VectorOpsException>(() => ConnectCommand.Connect(missing, makeDefault: false)).ErrorId);
        }

        [Fact]
        public void Every_provider_of_the_core_and_the_throwaway_one_has_a_fixture()
        {
            // Touch the throwaway fixture's type so that its registry line has run.
            System.Runtime.CompilerServices.RuntimeHelpers.RunClassConstructor(typeof(ThrowawayProviderFixture).TypeHandle);
            var withFixture = ProviderFixtures.All.Select(e => ProviderRegistry.Get(e.DescriptorName).Name).ToList();
            var shipped = ProviderRegistry.Providers.Where(p => p.Create.Method.DeclaringType!.Assembly == typeof(ProviderRegistry).Assembly).Select(p => p.Name);
            Assert.All(shipped, name => Assert.Contains(name, withFixture));
            Assert.Contains(ThrowawayDescriptor.Name, withFixture);
            // One fixture per name (a provider may have several: PgVector has one per table layout).
            Assert.Equal(ProviderFixtures.All.Count, ProviderFixtures.All.Select(e => e.Name).Distinct().Count());
        }

        /// <summary>The gaps as docs/reliability.md shows them.</summary>
        public static string GapsMarkdown()
        {
            var lines = new List<string> { "| Provider | Case left out | Why |", "| --- | --- | --- |" };
            foreach (var e in ProviderFixtures.All)
                foreach (var gap in e.LeftOut.OrderBy(g => g.Key))
                    lines.Add($"| {e.Name} | {gap.Key} | {gap.Value} |");
            return string.Join("\n", lines) + "\n";
        }

        [Fact]
        public void The_cases_left_out_are_declared_and_listed()
        {
            foreach (var e in ProviderFixtures.All)
            {
                var runs = Enum.GetValues<ConformanceCase>().Where(e.Supports).ToList();
                _output.WriteLine($"{e.Name}: runs {runs.Count} of {Enum.GetValues<ConformanceCase>().Length} cases; left out: " +
                    (e.LeftOut.Count == 0 ? "none" : string.Join("; ", e.LeftOut.Select(g => g.Key + " (" + g.Value + ")"))));
                Assert.All(e.LeftOut, g => Assert.False(string.IsNullOrWhiteSpace(g.Value), $"{e.Name} leaves {g.Key} out without a reason"));
                // The cases every provider is held to: nothing of these may be left out.
                foreach (var must in new[]
                {
                    ConformanceCase.DeleteByIdsAcrossTheCap, ConformanceCase.DeleteByPrefix, ConformanceCase.ClearNamespace,
                    ConformanceCase.WhatIfSendsNothing, ConformanceCase.DeclinedDeletesNothing, ConformanceCase.BackupRestoreRoundTrip,
                    ConformanceCase.BadInput, ConformanceCase.CancellationMidRun, ConformanceCase.F09_StopMidRun,
                    ConformanceCase.DeleteByFilter, ConformanceCase.OrphanSweep,
                })
                    Assert.True(e.Supports(must), $"{e.Name} may not leave {must} out");
            }
            // Every case runs somewhere.
            foreach (var c in Enum.GetValues<ConformanceCase>())
                Assert.True(ProviderFixtures.All.Any(e => e.Supports(c)), c + " runs on no provider");
            var doc = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "reliability.md")).Replace("\r\n", "\n");
            Assert.True(doc.Contains("<!-- conformance-gaps:start -->\n" + GapsMarkdown() + "<!-- conformance-gaps:end -->", StringComparison.Ordinal),
                "The gaps table in docs/reliability.md differs: VECTOROPS_UPDATE_DOCS=1 dotnet test tests/VectorOps.Tests --filter FullyQualifiedName~ReliabilityDocTests");
        }

        public void Dispose()
        {
            // Every request a case sent went through the vendor's API document (Prism) where the fixture has one:
            // none broke it. Checked here, once per case, so that no case can leave it out.
            Exception? violation = null;
            foreach (var f in _open.OfType<ProviderFixture>())
            {
                try { f.AssertNoViolations(); }
                catch (Exception e) { violation ??= e; }
            }
            for (var i = _open.Count - 1; i >= 0; i--) _open[i].Dispose();
            try { Directory.Delete(_dir, recursive: true); }
            catch (IOException) { }
            if (violation != null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(violation).Throw();
        }
    }
}
