using System.IO;
using System.Linq;
using Xunit;

namespace VectorOps.Tests.Cli
{
    /// <summary>
    /// Issue 12, items 1-3 through the CLI as a process: --namespace '' is refused (never the default), a namespace or
    /// local index that does not exist exits 2 with the closest names before anything is sent or created, --create
    /// makes a new index, and a delete that matches nothing says so on stderr.
    /// </summary>
    public sealed class CliNamespaceTests
    {
        [Theory]
        [InlineData("remove", "--id", "doc-1", "--yes")]
        [InlineData("remove", "--prefix", "doc-", "--yes", "--force")]
        [InlineData("remove", "--filter", "{\"genre\":\"drama\"}", "--yes", "--force")]
        [InlineData("clear", "--yes")]
        [InlineData("get", "--id", "doc-1")]
        [InlineData("namespaces")]
        public void An_empty_namespace_option_exits_2_with_EmptyNamespace_and_deletes_nothing(params string[] args)
        {
            using var store = new TempStore();
            store.Seed(Fixtures.Small);
            foreach (var blank in new[] { "", "  " })
            {
                var r = store.Run(args[0], args.Skip(1).Concat(new[] { "--namespace", blank }).ToArray());
                Assert.True(r.ExitCode == 2, r.ToString());
                Assert.Contains("vectorops: EmptyNamespace: --namespace:", r.Stderr);
            }
            Assert.Equal(6, store.Ids().Count);
        }

        [Fact]
        public void A_record_whose_namespace_is_empty_is_refused_by_line_and_nothing_is_added()
        {
            using var store = new TempStore();
            var file = store.File("records.jsonl", new[]
            {
                Fixtures.Record("a-1", "drama", 2020),
                "{\"id\":\"a-2\",\"values\":[0.1,0.2,0.3],\"namespace\":\"\"}",
            });
            var r = store.Run("add", "--path", file);
            Assert.True(r.ExitCode == 2, r.ToString());
            Assert.Contains("EmptyNamespace: Line 2 of", r.Stderr);
            Assert.Empty(store.Ids());
        }

        [Fact]
        public void A_misspelt_namespace_exits_2_with_NamespaceNotFound_and_a_suggestion_before_anything_is_deleted()
        {
            using var store = new TempStore();
            store.Seed(Fixtures.Small);

            var ids = store.Run("remove", "--namespace", "othr", "--id", "other-1", "--yes");
            Assert.True(ids.ExitCode == 2, ids.ToString());
            Assert.Contains("vectorops: NamespaceNotFound: ", ids.Stderr);
            Assert.Contains("Did you mean 'other'?", ids.Stderr);

            var filter = store.Run("remove", "--namespace", "Other", "--filter", "{\"genre\":\"drama\"}", "--yes", "--force");
            Assert.True(filter.ExitCode == 2, filter.ToString());
            Assert.Contains("vectorops: NamespaceNotFound: ", filter.Stderr);

            var clear = store.Run("clear", "--namespace", "other", "--namespace", "nosuch", "--yes");
            Assert.True(clear.ExitCode == 2, clear.ToString());
            Assert.Contains("NamespaceNotFound", clear.Stderr);
            Assert.Contains("nothing was cleared", clear.Stderr);

            var count = store.Run("namespaces", "--namespace", "othre");
            Assert.True(count.ExitCode == 2, count.ToString());
            Assert.Contains("Did you mean 'other'?", count.Stderr);

            Assert.Single(store.Ids("other")); // 'other' was named in the clear too, but nothing ran
            Assert.Equal(6, store.Ids().Count);
        }

        [Fact]
        public void A_retry_file_whose_namespace_is_gone_exits_2_and_sends_nothing()
        {
            using var store = new TempStore();
            store.Seed(Fixtures.Small);
            var file = store.File("run.jsonl", new[]
            {
                "{\"provider\":\"Local\",\"index\":\"test\",\"namespace\":\"archive\",\"operation\":\"DeleteByIds\",\"status\":\"Failed\",\"ids\":[\"doc-1\"],\"requestedCount\":1}",
            });
            var r = store.Run("remove", "--retry-from", file, "--yes");
            Assert.True(r.ExitCode == 2, r.ToString());
            Assert.Contains("NamespaceNotFound", r.Stderr);
            Assert.Equal(6, store.Ids().Count);
        }

        [Fact]
        public void A_misspelt_index_exits_2_with_IndexNotFound_and_creates_nothing_create_makes_it()
        {
            using var store = new TempStore("demo");
            var r = CliRunner.Run("namespaces", "--store", store.StorePath, "--index", "demoo");
            Assert.True(r.ExitCode == 2, r.ToString());
            Assert.Contains("vectorops: IndexNotFound: ", r.Stderr);
            Assert.Contains("Did you mean 'demo'?", r.Stderr);
            Assert.Contains("--create", r.Stderr);

            var missing = Path.Combine(store.Folder, "nothing.db");
            var m = CliRunner.Run("namespaces", "--store", missing, "--index", "demo");
            Assert.True(m.ExitCode == 2, m.ToString());
            Assert.Contains("IndexNotFound", m.Stderr);
            Assert.False(File.Exists(missing));

            var created = CliRunner.Run("--store", missing, "--index", "fresh", "--create", "namespaces");
            Assert.True(created.ExitCode == 0, created.ToString());
            Assert.True(File.Exists(missing));
            Assert.True(CliRunner.Run("namespaces", "--store", missing, "--index", "fresh").ExitCode == 0);
        }

        [Fact]
        public void A_delete_that_matches_nothing_warns_on_stderr()
        {
            using var store = new TempStore();
            store.Seed(Fixtures.Small);

            var filter = store.Run("remove", "--filter", "{\"genr\":\"drama\"}", "--yes", "--force", "--json");
            Assert.True(filter.ExitCode == 0, filter.ToString());
            Assert.Empty(filter.JsonLines());
            Assert.Contains("No record in namespace 'default' of Local index 'test' matching filter", filter.Stderr);
            Assert.Contains("nothing was deleted", filter.Stderr);

            var ids = store.Run("remove", "--id", "nope-1", "--id", "nope-2", "--yes", "--json");
            Assert.True(ids.ExitCode == 0, ids.ToString());
            var m = Assert.Single(ids.JsonLines());
            Assert.Equal(0, m.GetProperty("affectedCount").GetInt64());
            Assert.Contains("None of the 2 id(s) sent to namespace 'default'", ids.Stderr);
            Assert.Equal(6, store.Ids().Count);
        }
    }
}
