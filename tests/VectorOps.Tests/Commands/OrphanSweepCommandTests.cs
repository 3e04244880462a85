using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using VectorOps.Commands;
using VectorOps.Errors;
using VectorOps.Filtering;
using VectorOps.Hosting;
using VectorOps.Model;
using VectorOps.Serialization;
using Xunit;

namespace VectorOps.Tests.Commands
{
    /// <summary>The orphan sweep on the recording host: keep-list checks, the guards, the one question, -WhatIf, backups.</summary>
    public sealed class OrphanSweepCommandTests : CommandTestBase, IDisposable
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("vectorops-sweep-").FullName;

        // 100 records id-00000 .. id-00099; the keep-list is all but every 20th: 5 orphans (5%).
        private static IEnumerable<string> Kept => Ids(0, 100).Where((_, i) => i % 20 != 0);
        private static IEnumerable<string> Orphans => Ids(0, 100).Where((_, i) => i % 20 == 0);

        public OrphanSweepCommandTests()
        {
            Provider.Seed("default", 100);
        }

        private OrphanSweepCommand Sweep(RemoveOptions? options = null, double share = OrphanSweepCommand.DefaultMaxDeleteShare, bool missing = false) =>
            new OrphanSweepCommand(Host, Connection, options ?? new RemoveOptions { Force = true }, share, missing);

        [Fact]
        public void It_deletes_exactly_the_records_not_kept_and_asks_once_with_the_count()
        {
            var cmd = Sweep(new RemoveOptions());
            cmd.AddKeep(Kept);
            cmd.Sweep(null);
            cmd.Complete();

            Assert.Empty(Host.Errors);
            Assert.Equal(95, Provider.Count("default"));
            Assert.Equal(Orphans.OrderBy(x => x), Provider.DeletedIds.OrderBy(x => x));
            Assert.All(Orphans, id => Assert.False(Provider.Contains("default", id)));
            Assert.All(Mutations, m => Assert.Equal((MutationOperation.DeleteOrphans, MutationStatus.Completed), (m.Operation, m.Status)));
            AssertEachIdOnce(Orphans);
            var (target, _) = Assert.Single(Host.ShouldProcessCalls);
            Assert.Contains("5 record(s) not among the 95 keep id(s)", target);
            var (query, _) = Assert.Single(Host.ShouldContinueCalls);
            Assert.Contains("5 record(s)", query);
            Assert.Equal((100L, 95L, 5L), (cmd.Total, cmd.KeptFound, cmd.Orphans));
        }

        [Fact]
        public void WhatIf_lists_exactly_the_orphans_and_makes_no_mutating_call()
        {
            Host.Decision = ShouldProcessDecision.WhatIf;
            var cmd = Sweep();
            cmd.AddKeep(Kept);
            cmd.Sweep(null);
            cmd.Complete();

            Assert.Equal(0, Provider.MutatingCalls);
            Assert.Equal(100, Provider.Count("default"));
            Assert.All(Mutations, m => Assert.Equal(MutationStatus.WhatIf, m.Status));
            AssertEachIdOnce(Orphans);
        }

        [Fact]
        public void Declined_it_deletes_nothing()
        {
            Host.ContinueAnswer = false;
            var cmd = Sweep(new RemoveOptions());
            cmd.AddKeep(Kept);
            cmd.Sweep(null);
            cmd.Complete();

            Assert.Equal(0, Provider.MutatingCalls);
            var m = Assert.Single(Mutations);
            Assert.Equal((MutationStatus.Skipped, 5L), (m.Status, m.RequestedCount));
        }

        [Fact]
        public void More_orphans_than_the_share_allows_is_refused_with_both_counts_and_nothing_is_deleted()
        {
            var cmd = Sweep();
            cmd.AddKeep(Ids(0, 80)); // 20 orphans: 20% > 10%
            var ex = Assert.Throws<VectorOpsException>(() => cmd.Sweep(null));
            cmd.Complete();

            Assert.Equal(ErrorIds.OrphanShareExceeded, ex.ErrorId);
            Assert.Equal(VectorOpsErrorCategory.LimitsExceeded, ex.Category);
            Assert.Equal("default", ex.Target);
            Assert.Contains("20 of the 100 record(s)", ex.Message);
            Assert.Contains("0.1 (10%)", ex.Message);
            Assert.Equal(0, Provider.MutatingCalls);
            Assert.Empty(Host.ShouldProcessCalls);
        }

        [Fact]
        public void A_raised_share_lets_the_same_sweep_through()
        {
            var cmd = Sweep(share: 0.2);
            cmd.AddKeep(Ids(0, 80));
            cmd.Sweep(null);
            cmd.Complete();
            Assert.Equal(80, Provider.Count("default"));
        }

        [Fact]
        public void A_keep_list_that_matches_nothing_in_the_namespace_is_refused_unless_the_share_is_one()
        {
            var cmd = Sweep(share: 0.99);
            cmd.AddKeep(new[] { "other-1", "other-2" });
            var ex = Assert.Throws<VectorOpsException>(() => cmd.Sweep(null));
            Assert.Equal(ErrorIds.KeepIdsNotInNamespace, ex.ErrorId);
            Assert.Contains("None of the 2 keep id(s)", ex.Message);
            Assert.Equal(0, Provider.MutatingCalls);

            var all = Sweep(share: 1);
            all.AddKeep(new[] { "other-1" });
            all.Sweep(null);
            all.Complete();
            Assert.Equal(0, Provider.Count("default"));
        }

        [Fact]
        public void An_empty_keep_list_is_refused_never_everything()
        {
            var cmd = Sweep(share: 1);
            var ex = Assert.Throws<VectorOpsException>(() => cmd.Sweep(null));
            Assert.Equal(ErrorIds.EmptyKeepList, ex.ErrorId);
            Assert.Equal(0, Provider.MutatingCalls);
            Assert.Equal(100, Provider.Count("default"));
        }

        [Fact]
        public void A_bad_keep_id_is_reported_by_name_and_nothing_is_deleted()
        {
            var cmd = Sweep(share: 1);
            cmd.AddKeep(Kept);
            cmd.AddKeep(new[] { "bad!id", " " });
            var ex = Assert.Throws<VectorOpsException>(() => cmd.Sweep(null));

            Assert.Equal(ErrorIds.InvalidKeepList, ex.ErrorId);
            Assert.Equal("bad!id", ex.Target);
            Assert.Equal(2, Host.Errors.Count);
            Assert.Equal("bad!id", Host.Errors[0].Target);
            Assert.Equal(0, Provider.MutatingCalls);
            Assert.DoesNotContain(Provider.Calls, c => c.StartsWith("ListIds", StringComparison.Ordinal));
        }

        [Fact]
        public void A_keep_file_is_read_line_by_line_and_a_bad_line_is_named_by_number()
        {
            var file = Path.Combine(_dir, "keep.txt");
            File.WriteAllLines(file, Kept.Take(3).Concat(new[] { "", "x!y" }).Concat(Kept.Skip(3)));
            var cmd = Sweep();
            cmd.AddKeepFile(file);
            var error = Assert.Single(Host.Errors);
            Assert.StartsWith("Line 5 of", error.Exception.Message);
            Assert.Equal(95, cmd.KeepCount);
            Assert.Throws<VectorOpsException>(() => cmd.Sweep(null));
            Assert.Equal(0, Provider.MutatingCalls);
        }

        [Fact]
        public void Records_added_after_the_listing_are_not_swept()
        {
            // The record appears between the listing and the delete: the ShouldProcess question comes in between.
            var cmd = Sweep(new RemoveOptions { Force = true });
            cmd.AddKeep(Kept);
            Host.Mode = ShouldProcessMode.Prompts;
            var seeded = false;
            Host.OnShouldProcess = () =>
            {
                if (seeded) return;
                seeded = true;
                Provider.Seed("default", 1, prefix: "late-");
            };
            cmd.Sweep(null);
            cmd.Complete();
            Assert.True(Provider.Contains("default", "late-00000"));
            Assert.Equal(Orphans.OrderBy(x => x), Provider.DeletedIds.OrderBy(x => x));
        }

        [Fact]
        public void ReportMissing_writes_the_keep_ids_the_namespace_lacks()
        {
            var cmd = Sweep(missing: true);
            cmd.AddKeep(Kept.Concat(new[] { "gone-1", "gone-2" }));
            cmd.Sweep(null);
            cmd.Complete();
            var missing = Host.Output.OfType<VectorMissingRecord>().ToList();
            Assert.Equal(new[] { "gone-1", "gone-2" }, missing.Select(m => m.Id));
            Assert.All(missing, m => Assert.Equal("default", m.Namespace));
        }

        [Fact]
        public void With_a_backup_the_orphans_are_written_before_they_are_deleted_and_restore_brings_them_back()
        {
            var backup = Path.Combine(_dir, "swept.jsonl");
            var cmd = Sweep(new RemoveOptions { Force = true, BackupPath = backup });
            cmd.AddKeep(Kept);
            cmd.Sweep(null);
            cmd.Complete();
            var saved = File.ReadAllLines(backup).Select(RecordJson.ParseLine).ToList();
            Assert.Equal(Orphans.OrderBy(x => x), saved.Select(r => r.Id).OrderBy(x => x));

            new RestoreRecordsCommand(new Support.RecordingHost(), Connection, new RestoreOptions()).Restore(backup);
            Assert.Equal(100, Provider.Count("default"));
        }

        [Fact]
        public void Nothing_to_sweep_is_a_warning()
        {
            var cmd = Sweep();
            cmd.AddKeep(Ids(0, 100));
            cmd.Sweep(null);
            cmd.Complete();
            Assert.Equal(0, Provider.MutatingCalls);
            Assert.Contains(Host.Warnings, w => w.Contains("nothing was deleted"));
        }

        [Fact]
        public void A_blank_namespace_is_refused_before_anything_is_listed()
        {
            var cmd = Sweep();
            var ex = Assert.Throws<VectorOpsException>(() => cmd.CheckNamespace(" "));
            Assert.Equal(ErrorIds.EmptyNamespace, ex.ErrorId);
            Assert.Empty(Provider.Calls);
        }

        [Theory]
        [InlineData(-0.1)]
        [InlineData(1.5)]
        [InlineData(double.NaN)]
        public void A_share_outside_zero_to_one_is_refused(double share)
        {
            var ex = Assert.Throws<VectorOpsException>(() => Sweep(share: share));
            Assert.Equal(ErrorIds.InvalidArgument, ex.ErrorId);
        }

        public void Dispose()
        {
            try { Directory.Delete(_dir, recursive: true); }
            catch (IOException) { }
        }
    }

    /// <summary>Age cleanup: the filter it builds, and the filter delete it runs.</summary>
    public sealed class AgeCleanupTests : CommandTestBase
    {
        private static readonly DateTimeOffset Now = new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

        [Fact]
        public void The_filter_is_field_less_than_now_minus_the_age_in_unix_seconds_or_milliseconds()
        {
            var s = AgeFilter.Create(TimeSpan.FromDays(30), "updated_at", DateUnit.Seconds, Now);
            var cutoff = Now.AddDays(-30);
            Assert.Equal("{\"updated_at\":{\"$lt\":" + cutoff.ToUnixTimeSeconds() + "}}", s.Filter.Json);
            Assert.Contains("2026-11-06T12:00:00Z", s.Description);
            Assert.Contains(cutoff.ToUnixTimeSeconds().ToString(), s.Description);

            var ms = AgeFilter.Create(TimeSpan.FromHours(12), "ts", DateUnit.Milliseconds, Now);
            Assert.Equal("{\"ts\":{\"$lt\":" + Now.AddHours(-12).ToUnixTimeMilliseconds() + "}}", ms.Filter.Json);
        }

        [Theory]
        [InlineData("30d", 30 * 86400)]
        [InlineData("12h", 12 * 3600)]
        [InlineData("90m", 90 * 60)]
        [InlineData("45s", 45)]
        [InlineData("2w", 14 * 86400)]
        [InlineData("1.5d", 36 * 3600)]
        [InlineData("30.00:00:00", 30 * 86400)]
        public void The_CLI_age_forms_are_read(string text, int seconds) =>
            Assert.Equal(TimeSpan.FromSeconds(seconds), AgeFilter.ParseAge(text));

        [Theory]
        [InlineData("30")]
        [InlineData("d")]
        [InlineData("")]
        [InlineData("30x")]
        public void Other_age_text_is_refused(string text) =>
            Assert.Equal(ErrorIds.InvalidAge, Assert.Throws<VectorOpsException>(() => AgeFilter.ParseAge(text)).ErrorId);

        [Fact]
        public void A_zero_or_negative_age_and_a_blank_field_are_refused()
        {
            Assert.Equal(ErrorIds.InvalidAge, Assert.Throws<VectorOpsException>(() => AgeFilter.Create(TimeSpan.Zero, "f", DateUnit.Seconds, Now)).ErrorId);
            Assert.Equal(ErrorIds.InvalidAge, Assert.Throws<VectorOpsException>(() => AgeFilter.Create(TimeSpan.FromDays(-1), "f", DateUnit.Seconds, Now)).ErrorId);
            Assert.Equal(ErrorIds.InvalidDateField, Assert.Throws<VectorOpsException>(() => AgeFilter.Create(TimeSpan.FromDays(1), " ", DateUnit.Seconds, Now)).ErrorId);
            Assert.Equal(ErrorIds.InvalidDateField, Assert.Throws<VectorOpsException>(() => AgeFilter.Create(TimeSpan.FromDays(1), null, DateUnit.Seconds, Now)).ErrorId);
        }

        [Fact]
        public void The_delete_removes_exactly_the_older_records_and_the_question_shows_the_cutoff_date()
        {
            // Record i is i days old.
            var now = DateTimeOffset.UtcNow;
            Provider.Seed("default", 60, metadata: i => new Dictionary<string, object?> { ["updated_at"] = now.AddDays(-i).ToUnixTimeSeconds() });
            var age = AgeFilter.Create(TimeSpan.FromDays(30) + TimeSpan.FromHours(1), "updated_at", DateUnit.Seconds, now);
            Host.Decision = ShouldProcessDecision.WhatIf;
            new RemoveByFilterCommand(Host, Connection, age).Execute(null);
            Assert.Equal(0, Provider.MutatingCalls);
            var (target, _) = Assert.Single(Host.ShouldProcessCalls);
            Assert.Contains("29 record(s)", target);
            Assert.Contains(age.Cutoff.UtcDateTime.ToString("yyyy-MM-dd"), target);

            Host.Decision = ShouldProcessDecision.Proceed;
            new RemoveByFilterCommand(Host, Connection, age, new RemoveOptions { Force = true }).Execute(null);
            Assert.Equal(31, Provider.Count("default"));
            Assert.All(Ids(31, 29), id => Assert.False(Provider.Contains("default", id)));
        }
    }
}
