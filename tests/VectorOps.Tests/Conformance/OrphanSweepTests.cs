using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using VectorOps.Commands;
using VectorOps.Connections;
using VectorOps.Errors;
using VectorOps.Hosting;
using VectorOps.Model;
using VectorOps.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace VectorOps.Tests.Conformance
{
    /// <summary>
    /// The orphan sweep (Remove-VectorOrphan, vectorops sweep) on every provider, through the command layer: 40
    /// records are seeded, the keep-list holds 36 of them and 2 ids the namespace lacks; exactly the 4 orphans go
    /// (and nothing of the other namespace), the 2 missing ids are reported; the share guard and the
    /// wrong-namespace guard refuse with no mutating call; -WhatIf lists exactly the orphans with no mutating call;
    /// with a backup, a restore brings the swept records back.
    /// </summary>
    [Collection(ConformanceCollection.Name)]
    public sealed class OrphanSweepTests : IDisposable
    {
        private readonly ConformanceServers _servers;
        private readonly ITestOutputHelper _output;
        private readonly List<IDisposable> _open = new List<IDisposable>();
        private readonly string _dir = Directory.CreateTempSubdirectory("vectorops-sweep-conformance-").FullName;

        public OrphanSweepTests(ConformanceServers servers, ITestOutputHelper output)
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

        /// <summary>40 records in the fixture's namespace (5 in its other one); keep 36 of them and 2 the namespace lacks.</summary>
        private static (List<string> All, List<string> Orphans, List<string> Keep, List<string> Missing, List<string> Others) Seed(ProviderFixture f)
        {
            var all = f.MakeIds("doc-", 40);
            var orphans = all.Where((_, i) => i % 10 == 3).ToList();
            var missing = f.MakeIds("src-only-", 2);
            var keep = all.Except(orphans).Concat(missing).ToList();
            f.Seed(all);
            var others = f.OtherNamespace is null ? new List<string>() : f.MakeIds("other-", 5);
            if (f.OtherNamespace != null) f.Seed(f.OtherNamespace, others);
            f.Settle();
            return (all, orphans, keep, missing, others);
        }

        private static OrphanSweepCommand Sweep(RecordingHost host, VectorConnection c, IEnumerable<string> keep, RemoveOptions options,
            double share = OrphanSweepCommand.DefaultMaxDeleteShare, bool missing = false)
        {
            var cmd = new OrphanSweepCommand(host, c, options, share, missing);
            cmd.AddKeep(keep);
            return cmd;
        }

        [Theory]
        [MemberData(nameof(ProviderFixtures.For), ConformanceCase.OrphanSweep, MemberType = typeof(ProviderFixtures))]
        public void A_sweep_deletes_exactly_the_records_not_kept_and_reports_the_missing_ones(string provider)
        {
            var f = Open(provider);
            var (all, orphans, keep, missing, others) = Seed(f);
            var host = new RecordingHost();
            var cmd = Sweep(host, Connect(f), keep, new RemoveOptions { Force = true, BatchSize = 3 }, missing: true);
            cmd.Sweep(f.Namespace);
            cmd.Complete();
            f.Settle();

            Assert.Empty(host.Errors.Select(e => e.ToString()));
            Assert.Empty(host.ThreadViolations);
            Assert.All(host.Mutations, m => Assert.Equal(MutationOperation.DeleteOrphans, m.Operation));
            Assert.All(host.Mutations, m => Assert.True(m.Status == MutationStatus.Completed || m.Status == MutationStatus.Acknowledged, m.Status + ": " + m.Error));
            Assert.Equal(orphans.OrderBy(x => x, StringComparer.Ordinal), host.Mutations.SelectMany(m => m.Ids!).OrderBy(x => x, StringComparer.Ordinal));
            Assert.All(orphans, id => Assert.False(f.Exists(id), id + " (an orphan) is still there"));
            Assert.All(all.Except(orphans), id => Assert.True(f.Exists(id), id + " (kept) is gone"));
            if (f.OtherNamespace != null) Assert.All(others, id => Assert.True(f.Exists(f.OtherNamespace, id), id + " of the other namespace is gone"));
            if (f.DeletedIdsIn(f.Namespace) is IReadOnlyCollection<string> deleted)
                Assert.Equal(orphans.OrderBy(x => x, StringComparer.Ordinal), deleted.OrderBy(x => x, StringComparer.Ordinal));
            Assert.Equal(missing, host.Output.OfType<VectorMissingRecord>().Select(m => m.Id));
            Assert.Equal((40L, 36L, 4L), (cmd.Total, cmd.KeptFound, cmd.Orphans));
            _output.WriteLine($"{f.Name}: 4 orphans of 40 swept in {host.Mutations.Count()} batch(es), 2 missing ids reported");
        }

        [Theory]
        [MemberData(nameof(ProviderFixtures.For), ConformanceCase.OrphanSweep, MemberType = typeof(ProviderFixtures))]
        public void The_guards_refuse_and_WhatIf_lists_the_orphans_with_no_mutating_call(string provider)
        {
            var f = Open(provider);
            var (all, orphans, keep, _, _) = Seed(f);
            var c = Connect(f);
            var before = f.MutatingCalls(); // what connecting wrote (the local store's schema check) is not the sweep's

            // Half the namespace not kept: 50% > the default 10%.
            var host = new RecordingHost();
            var half = Sweep(host, c, all.Take(20), new RemoveOptions { Force = true });
            var share = Assert.Throws<VectorOpsException>(() => half.Sweep(f.Namespace));
            half.Complete();
            Assert.Equal(ErrorIds.OrphanShareExceeded, share.ErrorId);
            Assert.Contains("20 of the 40 record(s)", share.Message);

            // A keep-list of ids the namespace does not hold (the wrong namespace, the wrong file).
            var wrong = Sweep(host, c, f.MakeIds("elsewhere-", 3), new RemoveOptions { Force = true }, share: 0.99);
            Assert.Equal(ErrorIds.KeepIdsNotInNamespace, Assert.Throws<VectorOpsException>(() => wrong.Sweep(f.Namespace)).ErrorId);
            wrong.Complete();

            // -WhatIf: exactly the orphans, previewed.
            var preview = new RecordingHost { Decision = ShouldProcessDecision.WhatIf };
            var whatIf = Sweep(preview, c, keep, new RemoveOptions { Force = true });
            whatIf.Sweep(f.Namespace);
            whatIf.Complete();
            f.Settle();

            Assert.Equal(before, f.MutatingCalls());
            Assert.All(all, id => Assert.True(f.Exists(id), id + " is gone after a refused or previewed sweep"));
            Assert.Empty(preview.Errors.Select(e => e.ToString()));
            Assert.All(preview.Mutations, m => Assert.Equal(MutationStatus.WhatIf, m.Status));
            Assert.Equal(orphans.OrderBy(x => x, StringComparer.Ordinal), preview.Mutations.SelectMany(m => m.Ids!).OrderBy(x => x, StringComparer.Ordinal));
            Assert.Contains("4 record(s)", Assert.Single(preview.ShouldProcessCalls).Target);
        }

        [Theory]
        [MemberData(nameof(ProviderFixtures.For), ConformanceCase.OrphanSweep, MemberType = typeof(ProviderFixtures))]
        public void A_sweep_with_a_backup_is_undone_by_restoring_it(string provider)
        {
            var f = Open(provider);
            var (_, orphans, keep, _, _) = Seed(f);
            var c = Connect(f);
            var backup = Path.Combine(_dir, "swept.jsonl");
            var host = new RecordingHost();
            var cmd = Sweep(host, c, keep, new RemoveOptions { Force = true, BackupPath = backup });
            cmd.Sweep(f.Namespace);
            cmd.Complete();
            f.Settle();
            Assert.Empty(host.Errors.Select(e => e.ToString()));
            Assert.All(orphans, id => Assert.False(f.Exists(id), id + " is still there"));
            Assert.Equal(orphans.Count, File.ReadAllLines(backup).Distinct().Count());

            var restoreHost = new RecordingHost();
            new RestoreRecordsCommand(restoreHost, c, new RestoreOptions()).Restore(backup);
            f.Settle();
            Assert.Empty(restoreHost.Errors.Select(e => e.ToString()));
            Assert.All(orphans, id => Assert.True(f.Exists(id), id + " was not restored"));
        }

        public void Dispose()
        {
            for (var i = _open.Count - 1; i >= 0; i--) _open[i].Dispose();
            try { Directory.Delete(_dir, recursive: true); }
            catch (IOException) { }
        }
    }
}
