using System.IO;
using System.Linq;
using Xunit;

namespace VectorOps.Tests.Cli
{
    /// <summary>--backup before deletes, restore, and connection options given before the command.</summary>
    public sealed class CliBackupTests
    {
        [Fact]
        public void Filter_delete_with_backup_then_restore_puts_the_records_back()
        {
            using var store = new TempStore();
            store.Seed(Fixtures.Small);
            var backup = Path.Combine(store.Folder, "backup.jsonl");

            var remove = store.Run("remove", "--filter", "{\"genre\":\"drama\"}", "--yes", "--force", "--backup", backup, "--json");
            Assert.True(remove.ExitCode == 0, remove.ToString());
            var saved = File.ReadAllLines(backup).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement).ToList();
            Assert.Equal(new[] { "doc-1", "doc-3", "tmp-1" }, saved.Select(r => r.GetProperty("id").GetString()).OrderBy(x => x).ToArray());
            Assert.All(saved, r => Assert.Equal("drama", r.GetProperty("metadata").GetProperty("genre").GetString()));
            Assert.Equal(3, store.Ids().Count);

            var restore = store.Run("restore", "--path", backup, "--json");
            Assert.True(restore.ExitCode == 0, restore.ToString());
            Assert.Equal(6, store.Ids().Count);
            var doc1 = store.Run("get", "--id", "doc-1", "--json").JsonLines().Single();
            Assert.Equal(2020, doc1.GetProperty("metadata").GetProperty("year").GetInt64());
        }

        [Fact]
        public void Clear_with_backup_saves_the_namespace_first()
        {
            using var store = new TempStore();
            store.Seed(Fixtures.Small);
            var backup = Path.Combine(store.Folder, "ns.jsonl");

            var r = store.Run("clear", "--namespace", "default", "--backup", backup, "--yes", "--json");
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Empty(store.Ids());
            Assert.Equal(6, File.ReadAllLines(backup).Length);
        }

        [Fact]
        public void What_if_with_backup_writes_no_file()
        {
            using var store = new TempStore();
            store.Seed(Fixtures.Small);
            var backup = Path.Combine(store.Folder, "never.jsonl");
            var r = store.Run("remove", "--prefix", "doc-", "--backup", backup, "--what-if");
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.False(File.Exists(backup));
            Assert.Equal(6, store.Ids().Count);
        }

        [Theory]
        [InlineData("remove", "--id", "doc-1")]
        [InlineData("clear", "--namespace", "default")]
        public void A_backup_that_cannot_be_written_deletes_nothing_and_exits_2(string command, string option, string value)
        {
            using var store = new TempStore();
            store.Seed(Fixtures.Small);
            var r = store.Run(command, option, value, "--yes", "--backup", Path.Combine(store.Folder, "no-such-folder", "b.jsonl"));
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("vectorops: BackupPathNotWritable: ", r.Stderr);
            Assert.Equal(6, store.Ids().Count);
        }

        [Fact]
        public void Connection_options_may_come_before_the_command_where_path_is_the_store()
        {
            using var store = new TempStore();
            var records = store.File("records.jsonl", Fixtures.Small);

            var add = CliRunner.Run("--path", store.StorePath, "--index", store.Index, "add", "--path", records, "--yes");
            Assert.True(add.ExitCode == 0, add.ToString());
            var get = CliRunner.Run("--store=" + store.StorePath, "--index", store.Index, "--json", "get", "--prefix", "tmp-");
            Assert.True(get.ExitCode == 0, get.ToString());
            Assert.Equal(2, get.JsonLines().Count);
            Assert.Equal(6, store.Ids().Count);
        }

        [Fact]
        public void Only_connection_and_output_options_may_come_before_the_command()
        {
            using var store = new TempStore();
            store.Seed(Fixtures.Small);
            var r = CliRunner.Run("--store", store.StorePath, "--index", store.Index, "--yes", "remove", "--id", "doc-1");
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("vectorops: UnknownOption: --yes cannot come before the command", r.Stderr);
            Assert.Equal(6, store.Ids().Count);

            var noCommand = CliRunner.Run("--store", store.StorePath);
            Assert.Equal(2, noCommand.ExitCode);
            Assert.Contains("vectorops: UnknownCommand: ", noCommand.Stderr);
        }
    }
}
