using System;
using System.Linq;
using System.Text.Json;
using Xunit;

namespace VectorOps.Tests.Cli
{
    /// <summary>vectorops sweep (the orphan sweep) and remove --older-than (age cleanup) on the local store.</summary>
    public sealed class CliMaintenanceTests
    {
        private static string[] Ids(JsonElement mutation) =>
            mutation.GetProperty("ids").EnumerateArray().Select(e => e.GetString()!).ToArray();

        /// <summary>n-00000 .. n-00019 in the default namespace, other-1 in "other".</summary>
        private static TempStore Twenty()
        {
            var store = new TempStore();
            store.Seed(Fixtures.Numbered(20).Select(id => Fixtures.Record(id, "drama", 2020)).Concat(new[] { Fixtures.Record("other-1", "drama", 2020, "other") }));
            return store;
        }

        [Fact]
        public void Sweep_deletes_exactly_the_ids_not_in_the_keep_file()
        {
            using var store = Twenty();
            var keep = store.File("keep.txt", Fixtures.Numbered(20).Where(id => id != "n-00007").Concat(new[] { "" }));

            var r = store.Run("sweep", "--keep-from", keep, "--yes", "--force", "--json");
            Assert.True(r.ExitCode == 0, r.ToString());
            var m = Assert.Single(r.JsonLines());
            Assert.Equal(("DeleteOrphans", "Completed"), (m.GetProperty("operation").GetString(), m.GetProperty("status").GetString()));
            Assert.Equal(new[] { "n-00007" }, Ids(m));
            Assert.Equal(19, store.Ids().Count);
            Assert.DoesNotContain("n-00007", store.Ids());
            Assert.Equal(new[] { "other-1" }, store.Ids("other").ToArray());
        }

        [Fact]
        public void Sweep_what_if_lists_the_orphans_and_deletes_nothing()
        {
            using var store = Twenty();
            var r = store.Run("sweep", Fixtures.Numbered(19).SelectMany(id => new[] { "--keep-id", id }).Concat(new[] { "--what-if", "--json" }).ToArray());
            Assert.True(r.ExitCode == 0, r.ToString());
            var m = Assert.Single(r.JsonLines());
            Assert.Equal("WhatIf", m.GetProperty("status").GetString());
            Assert.Equal(new[] { "n-00019" }, Ids(m));
            Assert.Contains("What if: Delete records on 1 record(s) not among the 19 keep id(s)", r.Stderr);
            Assert.Equal(20, store.Ids().Count);
        }

        [Fact]
        public void Sweep_refuses_more_than_the_share_with_both_counts_and_exits_2()
        {
            using var store = Twenty();
            var keep = store.File("keep.txt", Fixtures.Numbered(10));
            var r = store.Run("sweep", "--keep-from", keep, "--yes", "--force", "--json");
            Assert.True(r.ExitCode == 2, r.ToString());
            Assert.Contains("OrphanShareExceeded", r.Stderr);
            Assert.Contains("10 of the 20 record(s)", r.Stderr);
            Assert.Contains("0.1 (10%)", r.Stderr);
            Assert.Empty(r.JsonLines());
            Assert.Equal(20, store.Ids().Count);

            var allowed = store.Run("sweep", "--keep-from", keep, "--max-delete-share", "0.5", "--yes", "--force", "--json");
            Assert.True(allowed.ExitCode == 0, allowed.ToString());
            Assert.Equal(10, store.Ids().Count);
        }

        [Fact]
        public void Sweep_refuses_a_keep_list_from_elsewhere_an_empty_one_and_a_bad_line()
        {
            using var store = Twenty();
            var elsewhere = store.Run("sweep", "--keep-id", "x-1", "--yes", "--force", "--max-delete-share", "0.9");
            Assert.True(elsewhere.ExitCode == 2, elsewhere.ToString());
            Assert.Contains("KeepIdsNotInNamespace", elsewhere.Stderr);

            var empty = store.Run("sweep", "--keep-from", store.File("empty.txt", new[] { "", "  " }), "--yes", "--force", "--max-delete-share", "1");
            Assert.True(empty.ExitCode == 2, empty.ToString());
            Assert.Contains("EmptyKeepList", empty.Stderr);

            var none = store.Run("sweep", "--yes");
            Assert.True(none.ExitCode == 2, none.ToString());
            Assert.Contains("EmptyKeepList", none.Stderr);

            var bad = store.Run("sweep", "--keep-from", store.File("bad.txt", Fixtures.Numbered(19).Concat(new[] { "bad\u0001id" })), "--yes", "--force");
            Assert.True(bad.ExitCode == 2, bad.ToString());
            Assert.Contains("Line 20 of", bad.Stderr);
            Assert.Equal(20, store.Ids().Count);
        }

        [Fact]
        public void Sweep_from_stdin_reports_the_missing_ids()
        {
            using var store = Twenty();
            var input = string.Join("\n", Fixtures.Numbered(19).Concat(new[] { "src-only-1" })) + "\n";
            var r = store.RunWithInput(input, "sweep", "--keep-from", "-", "--report-missing", "--yes", "--force", "--json");
            Assert.True(r.ExitCode == 0, r.ToString());
            var lines = r.JsonLines();
            var missing = Assert.Single(lines, l => !l.TryGetProperty("operation", out _));
            Assert.Equal(("default", "src-only-1"), (missing.GetProperty("namespace").GetString(), missing.GetProperty("id").GetString()));
            Assert.Equal(19, store.Ids().Count);
        }

        [Fact]
        public void Remove_older_than_deletes_the_records_whose_date_field_is_before_the_cutoff()
        {
            using var store = new TempStore();
            var now = DateTimeOffset.UtcNow;
            // age-00 .. age-09, record i is 10*i days old; one record without the field.
            store.Seed(Enumerable.Range(0, 10).Select(i =>
                    "{\"id\":\"age-" + i.ToString("D2") + "\",\"values\":[0.1,0.2,0.3],\"metadata\":{\"updated_at\":" + now.AddDays(-10 * i - 1).ToUnixTimeSeconds() + "}}")
                .Concat(new[] { "{\"id\":\"undated\",\"values\":[0.1,0.2,0.3],\"metadata\":{\"genre\":\"x\"}}" }));

            var preview = store.Run("remove", "--older-than", "30d", "--date-field", "updated_at", "--what-if", "--json");
            Assert.True(preview.ExitCode == 0, preview.ToString());
            Assert.Contains("updated_at before " + now.AddDays(-30).UtcDateTime.ToString("yyyy-MM-dd"), preview.Stderr);
            Assert.Equal(11, store.Ids().Count);

            var r = store.Run("remove", "--older-than", "30d", "--date-field", "updated_at", "--yes", "--force", "--json");
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Equal(new[] { "age-00", "age-01", "age-02", "undated" }, store.Ids().OrderBy(x => x, StringComparer.Ordinal).ToArray());
        }

        [Theory]
        [InlineData("0d", "updated_at", "InvalidAge")]
        [InlineData("-3d", "updated_at", "InvalidAge")]
        [InlineData("30", "updated_at", "InvalidAge")]
        [InlineData("30d", " ", "InvalidDateField")]
        public void Remove_older_than_refuses_bad_ages_and_fields(string age, string field, string errorId)
        {
            using var store = Twenty();
            var r = store.Run("remove", "--older-than", age, "--date-field", field, "--yes", "--force");
            Assert.True(r.ExitCode == 2, r.ToString());
            Assert.Contains(errorId, r.Stderr);
            Assert.Equal(20, store.Ids().Count);
        }
    }
}
