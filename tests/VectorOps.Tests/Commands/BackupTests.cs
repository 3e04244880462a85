using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using VectorOps.Commands;
using VectorOps.Errors;
using VectorOps.Filtering;
using VectorOps.Hosting;
using VectorOps.Model;
using VectorOps.Providers;
using VectorOps.Serialization;
using System.Threading.Tasks;
using Xunit;

namespace VectorOps.Tests.Commands
{
    public sealed class BackupTests : CommandTestBase, IDisposable
    {
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "vectorops-backup-" + Guid.NewGuid().ToString("N"));

        public BackupTests()
            : base(new ProviderCapabilities { MaxIdsPerDelete = 10, MaxIdsPerFetch = 4, NativeFilterDelete = true, CountsFilterMatches = true, DefaultConcurrency = 3 })
        {
            Directory.CreateDirectory(_dir);
            Provider.Seed("default", 50, metadata: i => new Dictionary<string, object?> { ["tier"] = i % 5 == 0 ? "gold" : "basic", ["n"] = (long)i, ["tags"] = new List<string> { "t" + i } });
        }

        public void Dispose() => Directory.Delete(_dir, recursive: true);

        private string BackupFile => Path.Combine(_dir, "backup.jsonl");

        private List<VectorRecord> ReadBackup() => RecordJson.ReadFile(BackupFile).ToList();

        [Fact]
        public void Delete_by_ids_backs_up_exactly_the_deleted_records_before_deleting()
        {
            var before = Ids(0, 23).Select(id => RecordJson.ToLine(Provider.FetchAsync("default", new[] { id }, default).Result.Single())).ToList();
            var cmd = new RemoveByIdsCommand(Host, Connection, new RemoveOptions { BackupPath = BackupFile });
            cmd.Add(Ids(0, 23));
            cmd.Complete();

            var backup = ReadBackup();
            Assert.Equal(Ids(0, 23).OrderBy(x => x), backup.Select(r => r.Id).OrderBy(x => x));
            Assert.All(backup, r => Assert.Equal("default", r.Namespace));
            Assert.Equal(before.OrderBy(x => x), backup.Select(r => RecordJson.ToLine(r)).OrderBy(x => x));
            // For every batch, its fetch (the backup) came before its delete.
            var calls = Provider.Calls.ToList();
            Assert.True(calls.FindIndex(c => c.StartsWith("Fetch")) < calls.FindIndex(c => c.StartsWith("DeleteByIds")));
        }

        [Fact]
        public void A_failed_backup_fails_its_batch_and_sends_no_delete_for_it()
        {
            Provider.FailFetch = ids => ids.Contains("id-00012") ? new VectorOpsException(ErrorIds.ProviderServerError, VectorOpsErrorCategory.ResourceUnavailable, "fetch failed", null) : null;
            var cmd = new RemoveByIdsCommand(Host, Connection, new RemoveOptions { BackupPath = BackupFile, ThrottleLimit = 1 });
            cmd.Add(Ids(0, 30));
            cmd.Complete();

            var failed = Assert.Single(Mutations, m => m.Status == MutationStatus.Failed);
            Assert.Contains("id-00012", failed.Ids!);
            Assert.All(failed.Ids!, id => Assert.True(Provider.Contains("default", id)));
            Assert.Equal(2, Provider.Calls.Count(c => c.StartsWith("DeleteByIds")));
            // The failed batch wrote nothing to the backup (its records are all still there); the others wrote theirs.
            var backedUp = ReadBackup().Select(r => r.Id).ToList();
            Assert.DoesNotContain(backedUp, id => failed.Ids!.Contains(id));
            Assert.Equal(20, backedUp.Count);
        }

        [Theory]
        [InlineData("missing-folder/backup.jsonl")]
        [InlineData("")]
        public void An_unwritable_backup_path_stops_before_any_delete(string relative)
        {
            var path = relative.Length == 0 ? "   " : Path.Combine(_dir, relative);
            var ex = Assert.Throws<VectorOpsException>(() => new RemoveByIdsCommand(Host, Connection, new RemoveOptions { BackupPath = path }));
            Assert.Equal(ErrorIds.BackupPathNotWritable, ex.ErrorId);
            Assert.Equal(VectorOpsErrorCategory.WriteError, ex.Category);
            Assert.Equal(path, ex.Target);
            Assert.Equal(0, Provider.MutatingCalls);
        }

        [Fact]
        public void A_folder_as_backup_path_is_refused()
        {
            var ex = Assert.Throws<VectorOpsException>(() => new RemoveByFilterCommand(Host, Connection, MetadataFilter.ParseJson("{\"tier\":\"gold\"}"), new RemoveOptions { BackupPath = _dir }));
            Assert.Equal(ErrorIds.BackupPathNotWritable, ex.ErrorId);
        }

        [Fact]
        public void WhatIf_with_a_backup_creates_no_file()
        {
            Host.Decision = ShouldProcessDecision.WhatIf;
            var cmd = new RemoveByIdsCommand(Host, Connection, new RemoveOptions { BackupPath = BackupFile });
            cmd.Add(Ids(0, 5));
            cmd.Complete();
            Assert.False(File.Exists(BackupFile));
            Assert.Equal(0, Provider.MutatingCalls);
        }

        [Fact]
        public void A_filter_delete_with_a_backup_goes_by_id_so_the_backup_is_exactly_what_was_deleted()
        {
            var cmd = new RemoveByFilterCommand(Host, Connection, MetadataFilter.ParseJson("{\"tier\":\"gold\"}"), new RemoveOptions { BackupPath = BackupFile, Force = true });
            cmd.Execute(null);
            cmd.Complete();

            Assert.DoesNotContain(Provider.Calls, c => c.StartsWith("DeleteByFilter"));
            Assert.Equal(Provider.DeletedIds.OrderBy(x => x), ReadBackup().Select(r => r.Id).OrderBy(x => x));
            Assert.Equal(10, Provider.DeletedIds.Count);
        }

        [Fact]
        public void A_filter_delete_run_once_per_piped_namespace_keeps_one_backup_open_until_Complete()
        {
            Provider.Seed("other", 20, metadata: i => new Dictionary<string, object?> { ["tier"] = i % 5 == 0 ? "gold" : "basic" });
            var cmd = new RemoveByFilterCommand(Host, Connection, MetadataFilter.ParseJson("{\"tier\":\"gold\"}"), new RemoveOptions { BackupPath = BackupFile, Force = true });
            cmd.Execute(new[] { "default" });
            cmd.Execute(new[] { "other" });
            cmd.Complete();

            Assert.Empty(Host.Errors);
            Assert.Equal(14, Provider.DeletedIds.Count);
            Assert.Equal(Provider.DeletedIds.OrderBy(x => x), ReadBackup().Select(r => r.Id).OrderBy(x => x));
        }

        [Fact]
        public async Task Clear_with_a_backup_then_restore_brings_back_every_record_unchanged()
        {
            var originals = Ids(0, 50).ToDictionary(id => id, id => RecordJson.ToLine(Provider.FetchAsync("default", new[] { id }, default).Result.Single()));
            var clear = new ClearNamespaceCommand(Host, Connection, backupPath: BackupFile);
            clear.Clear("default");
            clear.Complete();
            Assert.Equal(0, Provider.Count("default"));
            Assert.DoesNotContain(Provider.Calls, c => c.StartsWith("ClearNamespace"));

            var restoreHost = new Support.RecordingHost();
            var restore = new AddRecordsCommand(restoreHost, Connection);
            restore.AddFromFile(BackupFile);
            restore.Complete();

            Assert.Equal(50, Provider.Count("default"));
            foreach (var pair in originals)
                Assert.Equal(pair.Value, RecordJson.ToLine((await Provider.FetchAsync("default", new[] { pair.Key }, default)).Single()));
            Assert.All(restoreHost.Mutations, m => Assert.Equal(MutationStatus.Completed, m.Status));
        }
    }
}
