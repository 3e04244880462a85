using System.Linq;
using Xunit;

namespace VectorOps.Tests.Cli
{
    /// <summary>Issue 12 in the CLI: --retry-from with --namespace, progress as a percentage of the ids, one question.</summary>
    public sealed class CliRunControlTests
    {
        [Fact]
        public void Retry_from_with_the_mutations_own_namespace_deletes_them_and_with_another_sends_nothing()
        {
            using var store = new TempStore();
            store.Seed(Fixtures.Small);
            var preview = store.Run("remove", "--id", "doc-1", "--id", "doc-2", "--what-if", "--json");
            Assert.True(preview.ExitCode == 0, preview.ToString());
            var run = store.File("preview.jsonl", preview.Stdout.Replace("\"WhatIf\"", "\"Failed\""));

            var refused = store.Run("remove", "--retry-from", run, "--namespace", "other", "--yes", "--json");
            Assert.Equal(2, refused.ExitCode);
            Assert.Contains("vectorops: NamespaceMismatch:", refused.Stderr);
            Assert.Contains("'default'", refused.Stderr);
            Assert.Contains("'other'", refused.Stderr);
            Assert.Contains("doc-1", store.Ids());
            Assert.Contains("other-1", store.Ids("other"));

            var same = store.Run("remove", "--retry-from", run, "--namespace", "default", "--yes", "--json");
            Assert.True(same.ExitCode == 0, same.ToString());
            Assert.Equal(new[] { "doc-1", "doc-2" }, same.JsonLines().SelectMany(m => m.GetProperty("ids").EnumerateArray().Select(e => e.GetString()!)).OrderBy(x => x));
            Assert.DoesNotContain("doc-1", store.Ids());
        }

        [Fact]
        public void What_if_with_force_counts_the_matches_in_its_text_as_the_previewed_mutations_do()
        {
            using var store = new TempStore();
            store.Seed(Fixtures.Small);
            var r = store.Run("remove", "--prefix", "doc-", "--force", "--what-if", "--json");
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Contains("What if: Delete records on 4 record(s) with id prefix 'doc-'", r.Stderr);
            Assert.DoesNotContain("all records", r.Stderr);
            Assert.Equal(4, r.JsonLines().Sum(m => m.GetProperty("requestedCount").GetInt64()));
            Assert.Equal(4, store.Ids().Count(id => id.StartsWith("doc-")));
        }

        [Fact]
        public void Progress_of_an_id_file_is_a_percentage_of_the_ids_counted_in_the_first_pass()
        {
            using var store = new TempStore();
            var ids = Fixtures.Numbered(2500).ToList();
            store.Seed(ids.Select(id => Fixtures.Record(id, "bulk", 2000)));
            var file = store.File("ids.txt", ids);

            var r = store.Run("remove", "--ids-from", file, "--yes", "--progress", "--throttle", "1");
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Contains("Deleting records by id: 40% 1,000 of 2,500 record(s) done", r.Stderr);
            Assert.DoesNotContain("batches done", r.Stderr);
        }
    }
}
