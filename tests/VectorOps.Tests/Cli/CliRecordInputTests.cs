using System.Linq;
using VectorOps.Tests.Local;
using Xunit;

namespace VectorOps.Tests.Cli
{
    /// <summary>
    /// Issue 12, items 10 and 11 through the CLI as a process (the local store): the rule for a bad id or record
    /// among good ones. A file (--ids-from FILE, add --path FILE) is checked whole first: one bad line, named, and
    /// nothing is sent (exit 2). Standard input streams in: each line is checked on its own, a bad one refused, the
    /// others sent (exit 1, or 2 when nothing was sent).
    /// </summary>
    public sealed class CliRecordInputTests
    {
        [Fact]
        public void Ids_from_a_file_with_a_bad_line_delete_nothing_and_exit_2()
        {
            using var store = new TempStore();
            store.Seed(Fixtures.Small);
            var file = store.File("ids.txt", new[] { "doc-1", "", "doc-2", "   ", new string('x', 600), "doc-3" });
            var r = store.Run("remove", "--ids-from", file, "--yes", "--json");
            Assert.True(r.ExitCode == 2, r.ToString());
            Assert.Contains("vectorops: InvalidVectorId: Line 5 of '" + file + "'", r.Stderr);
            Assert.Contains("1 invalid line(s) in '" + file + "': nothing was deleted.", r.Stderr);
            Assert.Equal("", r.Stdout);
            Assert.Equal(7, store.Ids().Count + store.Ids("other").Count);
        }

        [Fact]
        public void Ids_from_standard_input_refuse_the_bad_line_delete_the_others_and_exit_1()
        {
            using var store = new TempStore();
            store.Seed(Fixtures.Small);
            var r = store.RunWithInput("doc-1\ndoc-2\n" + new string('x', 600) + "\n\ndoc-3\n", "remove", "--ids-from", "-", "--yes", "--json");
            Assert.True(r.ExitCode == 1, r.ToString());
            Assert.Contains("vectorops: InvalidVectorId: Line 3 of standard input:", r.Stderr);
            Assert.Contains("1 invalid line(s) of standard input refused; the other 3 id(s) were sent", r.Stderr);
            Assert.Equal(new[] { "doc-1", "doc-2", "doc-3" }, r.JsonLines().SelectMany(m => m.GetProperty("ids").EnumerateArray().Select(e => e.GetString()!)).OrderBy(x => x).ToArray());
            Assert.Equal(new[] { "doc-4", "tmp-1", "tmp-2" }, store.Ids().OrderBy(x => x).ToArray());
        }

        [Fact]
        public void Ids_from_standard_input_all_bad_send_nothing_and_exit_2()
        {
            using var store = new TempStore();
            store.Seed(Fixtures.Small);
            var r = store.RunWithInput(new string('x', 600) + "\n" + new string('y', 600) + "\n", "remove", "--ids-from", "-", "--yes", "--json");
            Assert.True(r.ExitCode == 2, r.ToString());
            Assert.Contains("Line 2 of standard input", r.Stderr);
            Assert.Equal("", r.Stdout);
            Assert.Equal(6, store.Ids().Count);
        }

        [Fact]
        public void Add_from_a_file_with_a_bad_record_writes_nothing_names_line_and_field_and_exits_2()
        {
            using var store = new TempStore();
            var lines = Fixtures.Small.ToList();
            lines[3] = "{\"id\":\"doc-4\",\"values\":[0.1,0.2],\"metadata\":{\"genre\":\"news\"}}";   // 2 values, the others 3
            var r = store.Run("add", "--path", store.File("records.jsonl", lines), "--json");
            Assert.True(r.ExitCode == 2, r.ToString());
            Assert.Contains("vectorops: InvalidRecord: Line 4 of", r.Stderr);
            Assert.Contains("(record 'doc-4'): 2 values, but record 'doc-1', the first of this write, has 3", r.Stderr);
            Assert.Contains("vectorops: InvalidRecordFile:", r.Stderr);
            Assert.Contains("nothing was written", r.Stderr);
            Assert.Equal("", r.Stdout);
            Assert.Empty(store.Ids());
        }

        [Fact]
        public void Add_from_standard_input_refuses_the_bad_record_writes_the_others_and_exits_1()
        {
            using var store = new TempStore();
            var lines = Fixtures.Small.Take(4).ToList();
            lines.Insert(2, "{\"id\":\"bad\",\"values\":[0.1,0.2]}");
            lines.Insert(4, "not json");
            var r = store.RunWithInput(string.Join("\n", lines) + "\n", "add", "--json");
            Assert.True(r.ExitCode == 1, r.ToString());
            Assert.Contains("vectorops: InvalidRecord: Line 3 of standard input (record 'bad'): 2 values", r.Stderr);
            Assert.Contains("vectorops: InvalidRecordFile: Line 5 of standard input is not a valid record", r.Stderr);
            Assert.Contains("2 invalid record(s) of standard input refused; the other 4 were written", r.Stderr);
            Assert.Equal(new[] { "doc-1", "doc-2", "doc-3", "doc-4" }, store.Ids().OrderBy(x => x).ToArray());
        }

        [Fact]
        public void The_sample_file_loads_into_the_local_store()
        {
            using var store = new TempStore();
            var r = store.Run("add", "--path", SampleData.FilePath);
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.DoesNotContain("WARNING", r.Stderr);
            Assert.Equal(3000, SampleData.Namespaces.Sum(ns => store.Ids(ns).Count));
        }
    }
}
