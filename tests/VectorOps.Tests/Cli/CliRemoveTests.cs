using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using Xunit;

namespace VectorOps.Tests.Cli
{
    /// <summary>remove by ids, id file, stdin, filter and prefix; --what-if, --yes, refusal and --retry-from.</summary>
    public sealed class CliRemoveTests
    {
        private static string[] Ids(JsonElement mutation) =>
            mutation.GetProperty("ids").EnumerateArray().Select(e => e.GetString()!).ToArray();

        [Fact]
        public void Remove_by_id_with_yes_deletes_exactly_those_ids()
        {
            using var store = new TempStore();
            store.Seed(Fixtures.Small);

            var r = store.Run("remove", "--id", "doc-1", "--id", "tmp-2", "--yes", "--json");
            Assert.True(r.ExitCode == 0, r.ToString());
            var m = Assert.Single(r.JsonLines());
            Assert.Equal("DeleteByIds", m.GetProperty("operation").GetString());
            Assert.Equal("Completed", m.GetProperty("status").GetString());
            Assert.Equal("default", m.GetProperty("namespace").GetString());
            Assert.Equal(new[] { "doc-1", "tmp-2" }, Ids(m));
            Assert.Equal(new[] { "doc-2", "doc-3", "doc-4", "tmp-1" }, store.Ids().OrderBy(x => x).ToArray());
            Assert.Equal(new[] { "other-1" }, store.Ids("other").ToArray());
        }

        [Fact]
        public void Remove_table_output_has_the_mutation_columns()
        {
            using var store = new TempStore();
            store.Seed(Fixtures.Small);
            var r = store.Run("remove", "--id", "doc-1", "--yes");
            Assert.True(r.ExitCode == 0, r.ToString());
            var header = r.Stdout.Split('\n')[0];
            var columns = new[] { "Status", "Operation", "Namespace", "Asked", "Removed", "Attempts", "MutationId", "Error" };
            Assert.Equal(columns, header.Split(' ', System.StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains(r.Stdout.Split('\n'), l => l.StartsWith("Completed") && l.Contains("DeleteByIds") && l.Contains("default"));
            // Asked and Removed side by side: the local store says how many it really removed.
            var row = r.Stdout.Split('\n')[2].Split(' ', System.StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(new[] { "Completed", "DeleteByIds", "default", "1", "1", "1" }, row.Take(6).ToArray());

            var missing = store.Run("remove", "--id", "doc-1", "--id", "no-such-id", "--yes");
            Assert.True(missing.ExitCode == 0, missing.ToString());
            row = missing.Stdout.Split('\n')[2].Split(' ', System.StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(new[] { "Completed", "DeleteByIds", "default", "2", "0" }, row.Take(5).ToArray());
        }

        [Fact]
        public void Remove_2500_ids_from_a_file_sends_three_batches_of_the_provider_cap()
        {
            using var store = new TempStore();
            var ids = Fixtures.Numbered(2500).ToList();
            store.Seed(ids.Select(id => Fixtures.Record(id, "bulk", 2000)).Concat(new[] { Fixtures.Record("keep-me", "bulk", 2000) }));
            var file = store.File("ids.txt", ids);

            var r = store.Run("remove", "--ids-from", file, "--yes", "--json");
            Assert.True(r.ExitCode == 0, r.ToString());
            var mutations = r.JsonLines();
            Assert.Equal(3, mutations.Count);
            // Batches may finish in any order when sent in parallel: compare sizes and ids order-free.
            Assert.Equal(new long[] { 1000, 1000, 500 }, mutations.Select(m => m.GetProperty("requestedCount").GetInt64()).OrderByDescending(x => x).ToArray());
            Assert.All(mutations, m => Assert.Equal("Completed", m.GetProperty("status").GetString()));
            Assert.All(mutations, m => Assert.Equal(m.GetProperty("requestedCount").GetInt64(), Ids(m).Length));
            Assert.Equal(ids, mutations.SelectMany(Ids).OrderBy(x => x, System.StringComparer.Ordinal).ToList());
            Assert.Equal(new[] { "keep-me" }, store.Ids().ToArray());
        }

        [Fact]
        public void Remove_ids_from_stdin_with_a_dash()
        {
            using var store = new TempStore();
            var ids = Fixtures.Numbered(1200).ToList();
            store.Seed(ids.Select(id => Fixtures.Record(id, "bulk", 2000)));

            var r = store.RunWithInput(string.Join("\n", ids) + "\n", "remove", "--ids-from", "-", "--yes", "--json");
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Equal(new long[] { 1000, 200 }, r.JsonLines().Select(m => m.GetProperty("requestedCount").GetInt64()).OrderByDescending(x => x).ToArray());
            Assert.Empty(store.Ids());
        }

        [Fact]
        public void Batch_size_splits_an_id_file_into_smaller_batches()
        {
            using var store = new TempStore();
            var file = store.File("ids.txt", Fixtures.Numbered(25));
            var r = store.Run("remove", "--ids-from", file, "--batch-size", "10", "--yes", "--json");
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Equal(new long[] { 10, 10, 5 }, r.JsonLines().Select(m => m.GetProperty("requestedCount").GetInt64()).OrderByDescending(x => x).ToArray());
        }

        [Fact]
        public void Filter_delete_with_what_if_previews_the_matching_ids_and_deletes_nothing()
        {
            using var store = new TempStore();
            store.Seed(Fixtures.Small);
            var before = store.Ids();

            var r = store.Run("remove", "--filter", "{\"genre\":{\"$eq\":\"drama\"}}", "--what-if", "--json");
            Assert.True(r.ExitCode == 0, r.ToString());
            var m = Assert.Single(r.JsonLines());
            Assert.Equal("WhatIf", m.GetProperty("status").GetString());
            Assert.Equal("DeleteByFilter", m.GetProperty("operation").GetString());
            Assert.Equal(new[] { "doc-1", "doc-3", "tmp-1" }, Ids(m).OrderBy(x => x).ToArray());
            Assert.Contains("{\"genre\":", m.GetProperty("filter").GetString());
            Assert.Contains("What if: Delete records on 3 record(s) matching filter", r.Stderr);
            Assert.Equal(before, store.Ids());
            Assert.Single(store.Ids("other"));
        }

        [Fact]
        public void Prefix_delete_with_what_if_previews_the_matching_ids_and_deletes_nothing()
        {
            using var store = new TempStore();
            store.Seed(Fixtures.Small);
            var before = store.Ids();

            var r = store.Run("remove", "--prefix", "tmp-", "--what-if", "--yes", "--force", "--json");
            Assert.True(r.ExitCode == 0, r.ToString());
            var m = Assert.Single(r.JsonLines());
            Assert.Equal("WhatIf", m.GetProperty("status").GetString());
            Assert.Equal("DeleteByPrefix", m.GetProperty("operation").GetString());
            Assert.Equal("tmp-", m.GetProperty("prefix").GetString());
            Assert.Equal(new[] { "tmp-1", "tmp-2" }, Ids(m).OrderBy(x => x).ToArray());
            Assert.Contains("What if:", r.Stderr);
            Assert.Equal(before, store.Ids());
        }

        [Fact]
        public void Filter_delete_with_yes_and_force_deletes_exactly_the_matches()
        {
            using var store = new TempStore();
            store.Seed(Fixtures.Small);

            var r = store.Run("remove", "--filter", "{\"genre\":\"drama\"}", "--yes", "--force", "--json");
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.All(r.JsonLines(), m => Assert.Equal("Completed", m.GetProperty("status").GetString()));
            Assert.Equal(new[] { "doc-2", "doc-4", "tmp-2" }, store.Ids().OrderBy(x => x).ToArray());
            Assert.Equal(new[] { "other-1" }, store.Ids("other").ToArray()); // other namespace untouched
        }

        [Fact]
        public void Prefix_delete_with_yes_and_force_deletes_exactly_the_prefixed_ids()
        {
            using var store = new TempStore();
            store.Seed(Fixtures.Small);

            var r = store.Run("remove", "--prefix", "tmp-", "--yes", "--force");
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Equal(new[] { "doc-1", "doc-2", "doc-3", "doc-4" }, store.Ids().OrderBy(x => x).ToArray());
        }

        [Fact]
        public void Filter_delete_in_several_namespaces()
        {
            using var store = new TempStore();
            store.Seed(Fixtures.Small);

            var r = store.Run("remove", "--filter", "{\"genre\":\"drama\"}", "--namespace", "default", "--namespace", "other", "--yes", "--force", "--json");
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Equal(new[] { "default", "other" }, r.JsonLines().Select(m => m.GetProperty("namespace").GetString()).OrderBy(x => x).ToArray());
            Assert.Empty(store.Ids("other"));
        }

        [Theory]
        [InlineData("--id", "doc-1")]
        [InlineData("--prefix", "tmp-")]
        [InlineData("--filter", "{\"genre\":\"drama\"}")]
        public void Without_yes_and_without_a_terminal_nothing_is_deleted_and_exit_is_2(string option, string value)
        {
            using var store = new TempStore();
            store.Seed(Fixtures.Small);
            var before = store.Ids();

            var r = store.Run("remove", option, value, "--json");
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("vectorops: DeclinedByUser:", r.Stderr);
            Assert.Contains("--yes", r.Stderr);
            Assert.All(r.JsonLines(), m => Assert.Equal("Skipped", m.GetProperty("status").GetString()));
            Assert.Equal(before, store.Ids());
        }

        [Theory]
        [InlineData("--prefix", "tmp-")]
        [InlineData("--filter", "{\"genre\":\"drama\"}")]
        public void Yes_does_not_answer_the_count_question_of_a_filter_or_prefix_delete(string option, string value)
        {
            // As in PowerShell, where -Confirm:$false does not answer ShouldContinue: without a terminal, a delete
            // whose reach the data decides needs --force as well, and says so.
            using var store = new TempStore();
            store.Seed(Fixtures.Small);
            var before = store.Ids();

            var r = store.Run("remove", option, value, "--yes", "--json");
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("vectorops: DeclinedByUser:", r.Stderr);
            Assert.Contains("Pass --force", r.Stderr);
            Assert.All(r.JsonLines(), m => Assert.Equal("Skipped", m.GetProperty("status").GetString()));
            Assert.Equal(before, store.Ids());

            var both = store.Run("remove", option, value, "--yes", "--force", "--json");
            Assert.Equal(0, both.ExitCode);
            Assert.True(store.Ids().Count < before.Count);
        }

        [Fact]
        public void Force_does_not_replace_yes()
        {
            using var store = new TempStore();
            store.Seed(Fixtures.Small);
            var r = store.Run("remove", "--prefix", "tmp-", "--force");
            Assert.Equal(2, r.ExitCode);
            Assert.Equal(6, store.Ids().Count);
        }

        [Fact]
        public void Retry_from_sends_again_exactly_the_ids_of_failed_and_skipped_mutations()
        {
            using var store = new TempStore();
            store.Seed(Fixtures.Small);
            string Mutation(string status, params string[] ids) =>
                "{\"provider\":\"Local\",\"index\":\"" + store.Index + "\",\"namespace\":\"default\",\"operation\":\"DeleteByIds\",\"ids\":[" +
                string.Join(",", ids.Select(i => "\"" + i + "\"")) + "],\"requestedCount\":" + ids.Length + ",\"status\":\"" + status + "\",\"attempts\":1}";
            var file = store.File("run.jsonl", new[]
            {
                Mutation("Completed", "doc-1"),
                Mutation("Failed", "doc-2", "doc-3"),
                Mutation("WhatIf", "doc-4"),
                "",
                Mutation("Skipped", "tmp-1"),
                Mutation("Acknowledged", "tmp-2"),
            });

            var r = store.Run("remove", "--retry-from", file, "--yes", "--json");
            Assert.True(r.ExitCode == 0, r.ToString());
            var sent = r.JsonLines().SelectMany(Ids).OrderBy(x => x).ToArray();
            Assert.Equal(new[] { "doc-2", "doc-3", "tmp-1" }, sent);
            Assert.Equal(new[] { "doc-1", "doc-4", "tmp-2" }, store.Ids().OrderBy(x => x).ToArray());
        }

        [Fact]
        public void A_refused_run_can_be_sent_again_with_retry_from_and_yes()
        {
            using var store = new TempStore();
            var ids = Fixtures.Numbered(1500).ToList();
            store.Seed(ids.Select(id => Fixtures.Record(id, "bulk", 2000)));
            var idFile = store.File("ids.txt", ids);

            var refused = store.Run("remove", "--ids-from", idFile, "--json");
            Assert.Equal(2, refused.ExitCode);
            Assert.Equal(2, refused.JsonLines().Count);
            var run = store.File("refused.jsonl", refused.Stdout);
            Assert.Equal(1500, store.Ids().Count);

            var retry = store.Run("remove", "--retry-from", run, "--yes", "--json");
            Assert.True(retry.ExitCode == 0, retry.ToString());
            Assert.Equal(ids, retry.JsonLines().SelectMany(Ids).OrderBy(x => x, System.StringComparer.Ordinal).ToList());
            Assert.Empty(store.Ids());
        }

        [Fact]
        public void Retry_from_never_deletes_the_ids_of_an_upsert()
        {
            using var store = new TempStore();
            var records = store.File("r.jsonl", Fixtures.Small);
            var add = store.Run("add", "--path", records, "--json");
            Assert.Equal(0, add.ExitCode);
            // A failed upsert must not turn into a delete of the records it tried to write.
            var failedAdd = store.File("add.jsonl", add.Stdout.Replace("\"Completed\"", "\"Failed\""));

            var r = store.Run("remove", "--retry-from", failedAdd, "--yes");
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("vectorops: InvalidInputObject:", r.Stderr);
            Assert.Equal(6, store.Ids().Count);
        }

        [Fact]
        public void Retry_from_refuses_mutations_of_another_index()
        {
            using var store = new TempStore();
            store.Seed(Fixtures.Small);
            var file = store.File("run.jsonl",
                "{\"provider\":\"Local\",\"index\":\"elsewhere\",\"namespace\":\"default\",\"operation\":\"DeleteByIds\",\"ids\":[\"doc-1\"],\"requestedCount\":1,\"status\":\"Failed\"}\n");
            var r = store.Run("remove", "--retry-from", file, "--yes");
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("index 'elsewhere'", r.Stderr);
            Assert.Equal(6, store.Ids().Count);
        }

        [Fact]
        public void Retry_from_a_file_that_is_not_mutations_is_refused()
        {
            using var store = new TempStore();
            store.Seed(Fixtures.Small);
            var records = store.File("r.jsonl", Fixtures.Small);
            var r = store.Run("remove", "--retry-from", records, "--yes");
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("vectorops: InvalidMutationFile: Line 1 of", r.Stderr);
            Assert.Equal(6, store.Ids().Count);
        }
    }
}
