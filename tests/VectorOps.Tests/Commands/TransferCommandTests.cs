using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using VectorOps.Commands;
using VectorOps.Connections;
using VectorOps.Errors;
using VectorOps.Filtering;
using VectorOps.Hosting;
using VectorOps.Model;
using VectorOps.Providers;
using VectorOps.Serialization;
using VectorOps.Tests.Conformance;
using VectorOps.Tests.Support;
using Xunit;

namespace VectorOps.Tests.Commands
{
    /// <summary>
    /// Export, copy and move through the command layer: a fake source (fetch cap 4, pages of 7) and a fake or faulty
    /// destination; the local store where the rules of a real index matter (its dimension).
    /// </summary>
    public sealed class TransferCommandTests : CommandTestBase, IDisposable
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("vectorops-transfer-").FullName;
        private readonly FakeProvider _target = new FakeProvider();
        private readonly FaultyProvider _faulty;
        private readonly VectorConnection _destination;

        public TransferCommandTests()
            : base(new ProviderCapabilities { MaxIdsPerDelete = 10, MaxIdsPerFetch = 4, MaxRecordsPerUpsert = 10, DefaultConcurrency = 2 })
        {
            Provider.Seed("default", 25, metadata: i => new Dictionary<string, object?> { ["tier"] = i % 5 == 0 ? "gold" : "basic", ["n"] = (long)i, ["tags"] = new List<string> { "t" + i } });
            _faulty = new FaultyProvider(_target);
            _destination = new VectorConnection(_faulty, null, null);
        }

        public void Dispose()
        {
            try { Directory.Delete(_dir, recursive: true); }
            catch (IOException) { }
        }

        private string File(string name) => Path.Combine(_dir, name);

        private static List<string> Lines(IEnumerable<VectorRecord> records) => records.Select(r => RecordJson.ToLine(r)).OrderBy(x => x, StringComparer.Ordinal).ToList();

        private List<VectorRecord> SourceRecords(string ns = "default") =>
            Provider.FetchAsync(ns, Ids(0, 25).ToList(), default).Result.ToList();

        private List<VectorRecord> TargetRecords(string ns) =>
            _target.FetchAsync(ns, Ids(0, 25).ToList(), default).GetAwaiter().GetResult().ToList();

        // ---------------------------------------------------------------- export

        [Fact]
        public void Export_streams_every_record_into_the_backup_format_and_restore_gives_them_back()
        {
            var path = File("films.jsonl");
            var summary = new ExportRecordsCommand(Host, Connection).Export("default", null, path, force: false);

            Assert.NotNull(summary);
            Assert.Equal(25, summary!.Records);
            Assert.Equal(Path.GetFullPath(path), summary.Path);
            Assert.Same(summary, Assert.Single(Host.Output));
            var fetches = Provider.Calls.Where(c => c.StartsWith("Fetch", StringComparison.Ordinal)).Select(c => int.Parse(c.Split(' ')[2])).ToList();
            var lines = System.IO.File.ReadAllLines(path);
            Assert.Equal(25, lines.Length);
            Assert.All(lines.Select(RecordJson.ParseLine), r => Assert.Equal("default", r.Namespace));
            Assert.Equal(Lines(SourceRecords()), lines.OrderBy(x => x, StringComparer.Ordinal));
            // Streamed: fetched in the provider's batches (cap 4), never more at once; no file left beside it.
            Assert.Equal(25, fetches.Sum());
            Assert.All(fetches, n => Assert.InRange(n, 1, 4));
            Assert.Equal(new[] { "films.jsonl" }, Directory.GetFiles(_dir).Select(Path.GetFileName));
            Assert.Contains(Host.Progress, p => p.StatusDescription.Contains("25 record(s)"));

            // Restore into another index: the same records, namespace and all.
            var restoreHost = new RecordingHost();
            new RestoreRecordsCommand(restoreHost, _destination).Restore(path);
            Assert.Empty(restoreHost.Errors);
            Assert.Equal(Lines(SourceRecords()), Lines(TargetRecords("default")));
        }

        [Fact]
        public void Export_of_a_filter_writes_only_its_matches()
        {
            var path = File("gold.jsonl");
            var summary = new ExportRecordsCommand(Host, Connection).Export(null, MetadataFilter.ParseJson("{\"tier\":\"gold\"}"), path, force: false);
            Assert.Equal(5, summary!.Records);
            Assert.All(RecordJson.ReadFile(path), r => Assert.Equal("gold", r.Metadata!["tier"]));
        }

        [Fact]
        public void Export_never_replaces_a_file_without_force_and_asks_before_replacing_it()
        {
            var path = File("exists.jsonl");
            System.IO.File.WriteAllText(path, "keep me\n");
            var ex = Assert.Throws<VectorOpsException>(() => new ExportRecordsCommand(Host, Connection).Export("default", null, path, force: false));
            Assert.Equal(ErrorIds.ExportFileExists, ex.ErrorId);
            Assert.Equal(VectorOpsErrorCategory.ResourceExists, ex.Category);
            Assert.Equal(path, ex.Target);
            Assert.Equal("keep me\n", System.IO.File.ReadAllText(path));
            Assert.DoesNotContain(Provider.Calls, c => c.StartsWith("Fetch", StringComparison.Ordinal));

            // -WhatIf with -Force: asked, nothing written.
            var preview = new RecordingHost { Decision = ShouldProcessDecision.WhatIf };
            Assert.Null(new ExportRecordsCommand(preview, Connection).Export("default", null, path, force: true));
            Assert.Equal("keep me\n", System.IO.File.ReadAllText(path));
            Assert.Contains("Replace the file", Assert.Single(preview.ShouldProcessCalls).Action);

            var forced = new ExportRecordsCommand(Host, Connection).Export("default", null, path, force: true);
            Assert.True(forced!.Replaced);
            Assert.Equal(25, System.IO.File.ReadAllLines(path).Length);
            Assert.Single(Directory.GetFiles(_dir));
        }

        [Fact]
        public void A_failed_export_leaves_no_file_and_an_existing_one_untouched()
        {
            var path = File("broken.jsonl");
            Provider.FailFetch = ids => ids.Contains("id-00013") ? new VectorOpsException(ErrorIds.ProviderServerError, VectorOpsErrorCategory.ResourceUnavailable, "fetch failed", null) : null;
            Assert.Throws<VectorOpsException>(() => new ExportRecordsCommand(Host, Connection).Export("default", null, path, force: false));
            Assert.Empty(Directory.GetFiles(_dir));

            System.IO.File.WriteAllText(path, "old\n");
            Assert.Throws<VectorOpsException>(() => new ExportRecordsCommand(Host, Connection).Export("default", null, path, force: true));
            Assert.Equal("old\n", System.IO.File.ReadAllText(path));
            Assert.Single(Directory.GetFiles(_dir));
        }

        [Theory]
        [InlineData("")]
        [InlineData("  ")]
        public void Export_refuses_a_blank_namespace_and_writes_nothing(string ns)
        {
            var ex = Assert.Throws<VectorOpsException>(() => new ExportRecordsCommand(Host, Connection).Export(ns, null, File("x.jsonl"), force: false));
            Assert.Equal(ErrorIds.EmptyNamespace, ex.ErrorId);
            Assert.Empty(Directory.GetFiles(_dir));
        }

        [Fact]
        public void Export_to_a_writer_streams_the_lines_without_a_summary_object()
        {
            var writer = new StringWriter();
            var summary = new ExportRecordsCommand(Host, Connection).Export("default", null, writer);
            Assert.Equal(25, summary!.Records);
            Assert.Equal(25, writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
            Assert.Empty(Host.Output);
        }

        // ---------------------------------------------------------------- copy

        [Fact]
        public void Copy_streams_in_batches_of_the_destination_cap_and_verifies_every_record()
        {
            var summary = new CopyRecordsCommand(Host, Connection, _destination, new TransferOptions { DestinationNamespace = "copy" }).Execute();

            Assert.Equal(TransferStatus.Completed, summary.Status);
            Assert.Equal(25, summary.Matched);
            Assert.Equal(25, summary.Read);
            Assert.Equal(25, summary.Written);
            Assert.Equal(25, summary.SourceCount);
            Assert.Equal(25, summary.DestinationCount);
            Assert.Equal(25, summary.Verified);
            Assert.Equal(0, summary.Missing);
            Assert.Empty(Host.Errors);
            Assert.Empty(Host.ThreadViolations);
            Assert.Equal(25, Provider.Count("default")); // a copy leaves the source alone
            Assert.Equal(SourceRecords().Select(r => RecordJson.ToLine(r, includeNamespace: false)).OrderBy(x => x, StringComparer.Ordinal),
                TargetRecords("copy").Select(r => RecordJson.ToLine(r, includeNamespace: false)).OrderBy(x => x, StringComparer.Ordinal));
            var upserts = Host.Mutations.Where(m => m.Operation == MutationOperation.Upsert).ToList();
            Assert.Equal(new[] { 10, 10, 5 }, upserts.Select(m => (int)m.RequestedCount).OrderByDescending(n => n));
            Assert.All(upserts, m => Assert.Equal("copy", m.Namespace));
            // Asked once, with the count; every id upserted exactly once.
            Assert.Contains("25 record(s)", Assert.Single(Host.ShouldProcessCalls).Target);
            Assert.Equal(Ids(0, 25), _faulty.Upserted.OrderBy(x => x, StringComparer.Ordinal));
            Assert.Same(summary, Host.Output.Last());
        }

        [Fact]
        public void Copy_with_WhatIf_writes_nothing_and_says_how_many_would_go()
        {
            var host = new RecordingHost { Decision = ShouldProcessDecision.WhatIf };
            var summary = new CopyRecordsCommand(host, Connection, _destination, new TransferOptions { DestinationNamespace = "copy", ResumePath = File("r.resume") }).Execute();
            Assert.Equal(TransferStatus.WhatIf, summary.Status);
            Assert.Equal(25, summary.Matched);
            Assert.Equal(0, _target.MutatingCalls);
            Assert.Empty(_faulty.Upserted);
            Assert.False(System.IO.File.Exists(File("r.resume")));
        }

        [Fact]
        public void Copy_onto_the_namespace_it_reads_is_refused()
        {
            var ex = Assert.Throws<VectorOpsException>(() => new CopyRecordsCommand(Host, Connection, Connection, new TransferOptions()));
            Assert.Equal(ErrorIds.SameSourceAndDestination, ex.ErrorId);
        }

        [Theory]
        [InlineData(0)]
        [InlineData(11)]
        public void A_batch_size_over_the_destination_cap_is_refused(int size)
        {
            var ex = Assert.Throws<VectorOpsException>(() => new CopyRecordsCommand(Host, Connection, _destination, new TransferOptions { DestinationNamespace = "copy", BatchSize = size }));
            Assert.Equal(ErrorIds.InvalidArgument, ex.ErrorId);
            Assert.Equal(0, _target.MutatingCalls);
        }

        [Fact]
        public void A_blank_destination_namespace_is_refused()
        {
            var ex = Assert.Throws<VectorOpsException>(() => new CopyRecordsCommand(Host, Connection, _destination, new TransferOptions { DestinationNamespace = " " }));
            Assert.Equal(ErrorIds.EmptyNamespace, ex.ErrorId);
        }

        [Fact]
        public void A_record_lost_by_the_destination_is_reported_by_id()
        {
            _faulty.Lose.Add("id-00007");
            var summary = new CopyRecordsCommand(Host, Connection, _destination,
                new TransferOptions { DestinationNamespace = "copy", VerifyTimeout = TimeSpan.FromMilliseconds(300) }).Execute();
            Assert.Equal(TransferStatus.CompletedWithErrors, summary.Status);
            Assert.Equal(24, summary.Verified);
            Assert.Equal(1, summary.Missing);
            Assert.Equal(new[] { "id-00007" }, summary.UnverifiedIds);
            var error = Assert.Single(Host.Errors);
            Assert.Equal("id-00007", error.Target);
        }

        [Fact]
        public void Resuming_after_a_failed_batch_writes_only_what_was_not_written_and_no_id_twice()
        {
            var resume = File("copy.resume");
            _faulty.FailUpsert = ids => ids.Contains("id-00012") ? new VectorOpsException(ErrorIds.ProviderServerError, VectorOpsErrorCategory.ResourceUnavailable, "injected", null) : null;
            var options = new TransferOptions { DestinationNamespace = "copy", ResumePath = resume, BatchSize = 5, ThrottleLimit = 1, VerifyTimeout = TimeSpan.FromMilliseconds(200) };
            var first = new CopyRecordsCommand(Host, Connection, _destination, options).Execute();
            Assert.Equal(1, first.FailedBatches);
            Assert.Equal(20, first.Written);
            Assert.Equal(5, first.Missing);
            Assert.Equal(20, _faulty.Upserted.Count);

            _faulty.FailUpsert = null;
            var fetchesBefore = Provider.Calls.Count(c => c.StartsWith("Fetch", StringComparison.Ordinal));
            var host = new RecordingHost();
            var second = new CopyRecordsCommand(host, Connection, _destination, options).Execute();
            Assert.Equal(TransferStatus.Completed, second.Status);
            Assert.Equal(20, second.AlreadyCopied);
            Assert.Equal(5, second.Read);
            Assert.Equal(5, second.Written);
            Assert.Equal(25, second.Verified);
            // No id was written twice over both runs.
            Assert.Equal(Ids(0, 25), _faulty.Upserted.OrderBy(x => x, StringComparer.Ordinal));
            Assert.Contains("20 already copied", Assert.Single(host.ShouldProcessCalls).Target);
            Assert.True(fetchesBefore > 0);
        }

        [Fact]
        public void A_resume_file_of_another_job_is_refused_before_anything_is_written()
        {
            var resume = File("other.resume");
            new CopyRecordsCommand(Host, Connection, _destination, new TransferOptions { DestinationNamespace = "copy", ResumePath = resume }).Execute();
            var ex = Assert.Throws<VectorOpsException>(() =>
                new CopyRecordsCommand(new RecordingHost(), Connection, _destination, new TransferOptions { DestinationNamespace = "elsewhere", ResumePath = resume }));
            Assert.Equal(ErrorIds.ResumeFileMismatch, ex.ErrorId);
            Assert.Equal(resume, ex.Target);
        }

        [Fact]
        public void A_torn_last_line_of_the_resume_file_is_written_again()
        {
            var resume = File("torn.resume");
            var options = new TransferOptions { DestinationNamespace = "copy", ResumePath = resume, BatchSize = 5, ThrottleLimit = 1 };
            new CopyRecordsCommand(Host, Connection, _destination, options).Execute();
            var lines = System.IO.File.ReadAllLines(resume);
            Assert.Equal(6, lines.Length); // the job, then 5 batches
            System.IO.File.WriteAllText(resume, string.Join("\n", lines.Take(5)) + "\n" + lines[5].Substring(0, 10));
            var again = new CopyRecordsCommand(new RecordingHost(), Connection, _destination, options).Execute();
            Assert.Equal(20, again.AlreadyCopied);
            Assert.Equal(5, again.Written);
            Assert.Equal(25, again.Verified);
        }

        // ---------------------------------------------------------------- move

        [Fact]
        public void Move_deletes_from_the_source_only_what_the_destination_confirmed_with_a_backup()
        {
            _faulty.Lose.Add("id-00003");
            var backup = File("moved.jsonl");
            var summary = new CopyRecordsCommand(Host, Connection, _destination,
                new TransferOptions { DestinationNamespace = "moved", Move = true, BackupPath = backup, VerifyTimeout = TimeSpan.FromMilliseconds(300) }).Execute();

            Assert.Equal(TransferStatus.CompletedWithErrors, summary.Status);
            Assert.Equal(24, summary.Verified);
            Assert.Equal(24, summary.Deleted);
            Assert.Equal(1, Provider.Count("default"));
            Assert.True(Provider.Contains("default", "id-00003"));
            Assert.Equal(24, RecordJson.ReadFile(backup).Count());
            Assert.DoesNotContain(RecordJson.ReadFile(backup), r => r.Id == "id-00003");
            var deletes = Host.Mutations.Where(m => m.Operation == MutationOperation.DeleteByIds).ToList();
            Assert.Equal(24, deletes.Sum(m => m.RequestedCount));
            Assert.DoesNotContain(deletes.SelectMany(m => m.Ids!), id => id == "id-00003");
            // One question for the whole move (the count question, since ShouldProcess did not prompt).
            Assert.Single(Host.ShouldProcessCalls);
            Assert.Single(Host.ShouldContinueCalls);
        }

        [Fact]
        public void Move_with_WhatIf_writes_and_deletes_nothing_anywhere()
        {
            var host = new RecordingHost { Decision = ShouldProcessDecision.WhatIf };
            var summary = new CopyRecordsCommand(host, Connection, _destination, new TransferOptions { DestinationNamespace = "moved", Move = true }).Execute();
            Assert.Equal(TransferStatus.WhatIf, summary.Status);
            Assert.Equal(25, summary.Matched);
            Assert.Equal(0, Provider.MutatingCalls);
            Assert.Equal(0, _target.MutatingCalls);
            Assert.Empty(host.ShouldContinueCalls);
        }

        [Fact]
        public void A_declined_move_writes_nothing()
        {
            var host = new RecordingHost { ContinueAnswer = false };
            var summary = new CopyRecordsCommand(host, Connection, _destination, new TransferOptions { DestinationNamespace = "moved", Move = true }).Execute();
            Assert.Equal(TransferStatus.Declined, summary.Status);
            Assert.Equal(0, Provider.MutatingCalls);
            Assert.Equal(0, _target.MutatingCalls);
        }

        [Fact]
        public void A_forced_move_asks_no_count_question()
        {
            var summary = new CopyRecordsCommand(Host, Connection, _destination, new TransferOptions { DestinationNamespace = "moved", Move = true, Force = true }).Execute();
            Assert.Equal(TransferStatus.Completed, summary.Status);
            Assert.Empty(Host.ShouldContinueCalls);
            Assert.Equal(0, Provider.Count("default"));
            Assert.Equal(25, _target.Count("moved"));
        }

        // ---------------------------------------------------------------- the rules of a real destination

        [Fact]
        public void A_dimension_the_destination_does_not_have_is_refused_before_the_first_write()
        {
            using var from = new LocalProviderFixture();
            using var to = new LocalProviderFixture();
            using var source = from.Connect();
            using var destination = to.Connect();
            to.Seed(new[] { "keep-1" }); // 4 values: the destination index has dimension 4
            var add = new AddRecordsCommand(new RecordingHost(), source);
            for (var i = 0; i < 12; i++) add.Add(new VectorRecord("r" + i) { Namespace = "default", Values = Enumerable.Range(0, 8).Select(x => (float)x).ToArray() });
            add.Complete();
            var before = to.MutatingCalls();

            var ex = Assert.Throws<VectorOpsException>(() => new CopyRecordsCommand(Host, source, destination, new TransferOptions()).Execute());
            Assert.Equal(ErrorIds.DestinationMismatch, ex.ErrorId);
            Assert.Equal(VectorOpsErrorCategory.InvalidData, ex.Category);
            Assert.Equal("r0", ex.Target);
            Assert.Contains("8 values", ex.Message);
            Assert.Contains("dimension 4", ex.Message);
            Assert.Contains("Nothing was written", ex.Message);
            Assert.Equal(before, to.MutatingCalls());
            Assert.False(to.Exists("r0"));
        }
    }
}
