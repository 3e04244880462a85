using System.Linq;
using Xunit;

namespace VectorOps.Tests.Cli
{
    /// <summary>add, get, namespaces, stats and help through the built CLI.</summary>
    public sealed class CliReadTests
    {
        [Fact]
        public void Add_from_a_jsonl_file_then_get_reads_the_records_back()
        {
            using var store = new TempStore();
            var file = store.File("records.jsonl", Fixtures.Small);

            var add = store.Run("add", "--path", file, "--json");
            Assert.True(add.ExitCode == 0, add.ToString());
            var mutations = add.JsonLines();
            Assert.All(mutations, m =>
            {
                Assert.Equal("Upsert", m.GetProperty("operation").GetString());
                Assert.Equal("Completed", m.GetProperty("status").GetString());
            });
            Assert.Equal(7, mutations.Sum(m => m.GetProperty("requestedCount").GetInt64()));

            var get = store.Run("get", "--json");
            Assert.True(get.ExitCode == 0, get.ToString());
            var records = get.JsonLines();
            Assert.Equal(new[] { "doc-1", "doc-2", "doc-3", "doc-4", "tmp-1", "tmp-2" },
                records.Select(r => r.GetProperty("id").GetString()).OrderBy(x => x).ToArray());
            var doc1 = records.Single(r => r.GetProperty("id").GetString() == "doc-1");
            Assert.Equal("drama", doc1.GetProperty("metadata").GetProperty("genre").GetString());
            Assert.Equal(2020, doc1.GetProperty("metadata").GetProperty("year").GetInt64());
            Assert.Equal(3, doc1.GetProperty("values").GetArrayLength());
            Assert.Equal("default", doc1.GetProperty("namespace").GetString());

            Assert.Equal(new[] { "other-1" }, store.Ids("other").ToArray());
        }

        [Fact]
        public void Add_reads_records_from_stdin()
        {
            using var store = new TempStore();
            var add = store.RunWithInput(string.Join("\n", Fixtures.Small.Take(3)) + "\n", "add");
            Assert.True(add.ExitCode == 0, add.ToString());
            Assert.Equal(new[] { "doc-1", "doc-2", "doc-3" }, store.Ids().OrderBy(x => x).ToArray());
        }

        [Fact]
        public void Add_with_a_bad_line_writes_nothing_and_names_the_line()
        {
            using var store = new TempStore();
            var file = store.File("records.jsonl", new[] { Fixtures.Small[0], "{\"id\": 42}", Fixtures.Small[1] });

            var add = store.Run("add", "--path", file);
            Assert.Equal(2, add.ExitCode);
            Assert.Contains("vectorops: InvalidRecordFile: Line 2 of", add.Stderr);
            Assert.Equal("", add.Stdout);
            Assert.Empty(store.Ids());
        }

        [Fact]
        public void Get_by_id_prefix_filter_first_and_ids_only()
        {
            using var store = new TempStore();
            store.Seed(Fixtures.Small);

            var byId = store.Run("get", "--id", "doc-2", "--id", "tmp-1", "--json");
            Assert.True(byId.ExitCode == 0, byId.ToString());
            Assert.Equal(new[] { "doc-2", "tmp-1" }, byId.JsonLines().Select(r => r.GetProperty("id").GetString()).ToArray());

            var byPrefix = store.Run("get", "--prefix", "tmp-", "--json");
            Assert.Equal(new[] { "tmp-1", "tmp-2" }, byPrefix.JsonLines().Select(r => r.GetProperty("id").GetString()).OrderBy(x => x).ToArray());

            var byFilter = store.Run("get", "--filter", "{\"genre\":{\"$eq\":\"drama\"},\"year\":{\"$gte\":2020}}", "--json");
            Assert.True(byFilter.ExitCode == 0, byFilter.ToString());
            Assert.Equal(new[] { "doc-1", "doc-3" }, byFilter.JsonLines().Select(r => r.GetProperty("id").GetString()).OrderBy(x => x).ToArray());

            var first = store.Run("get", "--first", "2", "--json");
            Assert.Equal(2, first.JsonLines().Count);

            var idsOnly = store.Run("get", "--prefix", "doc-", "--ids-only", "--json");
            var lines = idsOnly.JsonLines();
            Assert.Equal(4, lines.Count);
            Assert.All(lines, r => Assert.False(r.TryGetProperty("values", out _)));
        }

        [Fact]
        public void Get_table_output_shows_the_records_readably()
        {
            using var store = new TempStore();
            store.Seed(Fixtures.Small.Take(2));
            var get = store.Run("get");
            Assert.True(get.ExitCode == 0, get.ToString());
            var lines = get.Stdout.Split('\n');
            Assert.StartsWith("Namespace", lines[0]);
            Assert.Contains("Id", lines[0]);
            Assert.Contains("Metadata", lines[0]);
            Assert.Contains(lines, l => l.Contains("doc-1") && l.Contains("\"genre\":\"drama\""));
        }

        [Fact]
        public void Get_of_a_missing_id_is_an_input_error()
        {
            using var store = new TempStore();
            store.Seed(Fixtures.Small.Take(1));
            var get = store.Run("get", "--id", "nope", "--json");
            Assert.Equal(2, get.ExitCode);
            Assert.Contains("vectorops: RecordNotFound:", get.Stderr);
        }

        [Fact]
        public void Namespaces_lists_each_namespace_with_its_count()
        {
            using var store = new TempStore();
            store.Seed(Fixtures.Small);

            var json = store.Run("namespaces", "--json");
            Assert.True(json.ExitCode == 0, json.ToString());
            var counts = json.JsonLines().ToDictionary(n => n.GetProperty("name").GetString()!, n => n.GetProperty("recordCount").GetInt64());
            Assert.Equal(6, counts["default"]);
            Assert.Equal(1, counts["other"]);

            var table = store.Run("namespaces");
            Assert.StartsWith("Namespace", table.Stdout);
            Assert.Contains(table.Stdout.Split('\n'), l => l.StartsWith("other") && l.TrimEnd().EndsWith("1"));
        }

        [Fact]
        public void Stats_reports_totals_and_namespaces()
        {
            using var store = new TempStore();
            store.Seed(Fixtures.Small);

            var json = store.Run("stats", "--json");
            Assert.True(json.ExitCode == 0, json.ToString());
            var stats = Assert.Single(json.JsonLines());
            Assert.Equal("Local", stats.GetProperty("provider").GetString());
            Assert.Equal(store.Index, stats.GetProperty("index").GetString());
            Assert.Equal(7, stats.GetProperty("totalRecordCount").GetInt64());
            Assert.Equal(3, stats.GetProperty("dimension").GetInt32());
            Assert.Equal(2, stats.GetProperty("namespaces").GetArrayLength());

            var table = store.Run("stats");
            Assert.Contains("Total records: 7", table.Stdout);
        }

        [Theory]
        [InlineData("--help")]
        [InlineData("help")]
        [InlineData("-h")]
        public void General_help_lists_every_command(string arg)
        {
            var r = CliRunner.Run(arg);
            Assert.Equal(0, r.ExitCode);
            foreach (var c in new[] { "remove", "clear", "get", "namespaces", "add", "restore", "wait", "stats" })
                Assert.Contains("  " + c + " ", r.Stdout);
            Assert.Contains("Exit codes", r.Stdout);
        }

        [Theory]
        [InlineData("remove", "--retry-from FILE")]
        [InlineData("remove", "--backup FILE")]
        [InlineData("clear", "--remove-namespace")]
        [InlineData("get", "--ids-only")]
        [InlineData("add", "--path FILE")]
        [InlineData("restore", "--path FILE")]
        [InlineData("wait", "--timeout SECONDS")]
        [InlineData("stats", "vectorops stats")]
        [InlineData("namespaces", "vectorops namespaces")]
        public void Each_command_has_its_own_help(string command, string expected)
        {
            var viaOption = CliRunner.Run(command, "--help");
            var viaHelp = CliRunner.Run("help", command);
            Assert.Equal(0, viaOption.ExitCode);
            Assert.Equal(0, viaHelp.ExitCode);
            Assert.Contains("Usage: vectorops " + command, viaOption.Stdout);
            Assert.Contains(expected, viaOption.Stdout);
            Assert.Equal(viaOption.Stdout, viaHelp.Stdout);
        }
    }
}
