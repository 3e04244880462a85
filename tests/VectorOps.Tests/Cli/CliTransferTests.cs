using System.Collections.Generic;
using System.IO;
using System.Linq;
using Xunit;

namespace VectorOps.Tests.Cli
{
    /// <summary>vectorops export, copy and move between two local stores (the destination a saved profile).</summary>
    public sealed class CliTransferTests
    {
        /// <summary>Two stores, and a profile 'dest' for the second one in a config folder of this test's own.</summary>
        private sealed class Pair : System.IDisposable
        {
            public Pair()
            {
                Source.Seed(Fixtures.Small);
                Environment = new Dictionary<string, string> { ["VECTOROPS_CONFIG_HOME"] = Path.Combine(Source.Folder, "config") };
                var save = CliRunner.Run(new[] { "profile", "save", "--name", "dest", "--store", Destination.StorePath, "--index", Destination.Index }, null, Environment);
                Assert.True(save.ExitCode == 0, save.ToString());
            }

            public TempStore Source { get; } = new TempStore();
            public TempStore Destination { get; } = new TempStore("copies");
            public Dictionary<string, string> Environment { get; }

            public CliResult Run(string command, params string[] rest) =>
                CliRunner.Run(new[] { command }.Concat(Source.Connection).Concat(rest).ToArray(), null, Environment);

            public void Dispose()
            {
                Source.Dispose();
                Destination.Dispose();
            }
        }

        [Fact]
        public void Export_writes_the_backup_format_that_restore_reads_back_and_never_replaces_a_file_without_force()
        {
            using var store = new TempStore();
            store.Seed(Fixtures.Small);
            var file = Path.Combine(store.Folder, "export.jsonl");

            var export = store.Run("export", "--namespace", "default", "--output", file);
            Assert.True(export.ExitCode == 0, export.ToString());
            var lines = File.ReadAllLines(file);
            Assert.Equal(6, lines.Length);
            Assert.All(lines, l => Assert.Equal("default", System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("namespace").GetString()));
            Assert.Contains("6 record(s)", export.Stdout);

            var again = store.Run("export", "--namespace", "default", "--output", file);
            Assert.Equal(2, again.ExitCode);
            Assert.Contains("ExportFileExists", again.Stderr);
            var forced = store.Run("export", "--filter", "{\"genre\":\"drama\"}", "--output", file, "--force");
            Assert.True(forced.ExitCode == 0, forced.ToString());
            Assert.Equal(3, File.ReadAllLines(file).Length);

            using var other = new TempStore("restored");
            var restore = other.Run("restore", "--path", file, "--json");
            Assert.True(restore.ExitCode == 0, restore.ToString());
            Assert.Equal(new[] { "doc-1", "doc-3", "tmp-1" }, other.Ids().OrderBy(x => x).ToArray());
        }

        [Fact]
        public void Export_to_stdout_writes_only_records_there()
        {
            using var store = new TempStore();
            store.Seed(Fixtures.Small);
            var r = store.Run("export", "--namespace", "other", "--output", "-");
            Assert.True(r.ExitCode == 0, r.ToString());
            var line = Assert.Single(r.Stdout.Split('\n', System.StringSplitOptions.RemoveEmptyEntries));
            Assert.Equal("other-1", System.Text.Json.JsonDocument.Parse(line).RootElement.GetProperty("id").GetString());
            Assert.Contains("1 record(s)", r.Stderr);
        }

        [Theory]
        [InlineData("--namespace", "")]
        [InlineData("--filter", "{}")]
        public void Export_refuses_a_blank_namespace_and_an_empty_filter(string option, string value)
        {
            using var store = new TempStore();
            store.Seed(Fixtures.Small);
            var file = Path.Combine(store.Folder, "x.jsonl");
            var r = store.Run("export", option, value, "--output", file);
            Assert.Equal(2, r.ExitCode);
            Assert.Contains(option == "--filter" ? "EmptyFilter" : "EmptyNamespace", r.Stderr);
            Assert.False(File.Exists(file));
        }

        [Fact]
        public void Copy_to_a_profile_writes_verifies_and_says_so()
        {
            using var pair = new Pair();
            var r = pair.Run("copy", "--namespace", "default", "--to-profile", "dest", "--to-namespace", "films", "--json");
            Assert.True(r.ExitCode == 0, r.ToString());
            var summary = r.JsonLines().Last();
            Assert.Equal(6, summary.GetProperty("written").GetInt64());
            Assert.Equal(6, summary.GetProperty("verified").GetInt64());
            Assert.Equal(0, summary.GetProperty("missing").GetInt64());
            Assert.Equal(pair.Source.Ids().OrderBy(x => x), pair.Destination.Ids("films").OrderBy(x => x));
            Assert.Equal(6, pair.Source.Ids().Count);
        }

        [Fact]
        public void Move_with_what_if_sends_nothing_then_moves_with_yes_and_force()
        {
            using var pair = new Pair();
            var preview = pair.Run("move", "--namespace", "default", "--filter", "{\"genre\":\"drama\"}", "--to-profile", "dest", "--what-if");
            Assert.True(preview.ExitCode == 0, preview.ToString());
            Assert.Contains("3 record(s)", preview.Stderr);
            Assert.Equal(6, pair.Source.Ids().Count);
            Assert.Empty(pair.Destination.Ids());

            var backup = Path.Combine(pair.Source.Folder, "moved.jsonl");
            var move = pair.Run("move", "--namespace", "default", "--filter", "{\"genre\":\"drama\"}", "--to-profile", "dest", "--backup", backup, "--yes", "--force");
            Assert.True(move.ExitCode == 0, move.ToString());
            Assert.Equal(new[] { "doc-2", "doc-4", "tmp-2" }, pair.Source.Ids().OrderBy(x => x).ToArray());
            Assert.Equal(new[] { "doc-1", "doc-3", "tmp-1" }, pair.Destination.Ids().OrderBy(x => x).ToArray());
            Assert.Equal(3, File.ReadAllLines(backup).Length);
        }

        [Fact]
        public void A_move_without_yes_and_without_a_terminal_is_refused_and_moves_nothing()
        {
            using var pair = new Pair();
            var r = pair.Run("move", "--namespace", "default", "--to-profile", "dest");
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("DeclinedByUser", r.Stderr);
            Assert.Equal(6, pair.Source.Ids().Count);
            Assert.Empty(pair.Destination.Ids());

            var noForce = pair.Run("move", "--namespace", "default", "--to-profile", "dest", "--yes");
            Assert.Equal(2, noForce.ExitCode);
            Assert.Contains("--force", noForce.Stderr);
            Assert.Equal(6, pair.Source.Ids().Count);
        }

        [Fact]
        public void A_dimension_mismatch_writes_nothing_and_names_it()
        {
            using var pair = new Pair();
            pair.Destination.Seed(new[] { "{\"id\":\"wide\",\"values\":[1,2,3,4,5,6,7,8]}" });
            var r = pair.Run("copy", "--namespace", "default", "--to-profile", "dest");
            Assert.NotEqual(0, r.ExitCode);
            Assert.Contains("DestinationMismatch", r.Stderr);
            Assert.Contains("dimension 8", r.Stderr);
            Assert.Equal(new[] { "wide" }, pair.Destination.Ids().ToArray());
        }

        [Fact]
        public void Copy_without_a_destination_is_refused()
        {
            using var store = new TempStore();
            var r = store.Run("copy", "--namespace", "default");
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("--to-profile", r.Stderr);
        }
    }
}
