using System.Linq;
using Xunit;

namespace VectorOps.Tests.Cli
{
    /// <summary>clear: high impact, so --yes (or a terminal prompt) is required; --what-if previews.</summary>
    public sealed class CliClearTests
    {
        [Fact]
        public void Clear_without_yes_and_without_a_terminal_clears_nothing_and_exits_2()
        {
            using var store = new TempStore();
            store.Seed(Fixtures.Small);

            var r = store.Run("clear", "--namespace", "other", "--json");
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("vectorops: DeclinedByUser:", r.Stderr);
            Assert.Contains("--yes", r.Stderr);
            var m = Assert.Single(r.JsonLines());
            Assert.Equal("Skipped", m.GetProperty("status").GetString());
            Assert.Single(store.Ids("other"));
        }

        [Fact]
        public void Clear_with_what_if_previews_and_clears_nothing()
        {
            using var store = new TempStore();
            store.Seed(Fixtures.Small);

            var r = store.Run("clear", "--namespace", "default", "--what-if", "--yes", "--json");
            Assert.True(r.ExitCode == 0, r.ToString());
            var m = Assert.Single(r.JsonLines());
            Assert.Equal("WhatIf", m.GetProperty("status").GetString());
            Assert.Equal("ClearNamespace", m.GetProperty("operation").GetString());
            Assert.Equal(6, m.GetProperty("requestedCount").GetInt64());
            Assert.Contains("What if: Delete all 6 record(s) on namespace 'default'", r.Stderr);
            Assert.Equal(6, store.Ids().Count);
        }

        [Fact]
        public void Clear_with_yes_empties_only_the_named_namespace()
        {
            using var store = new TempStore();
            store.Seed(Fixtures.Small);

            var r = store.Run("clear", "--namespace", "default", "--yes", "--json");
            Assert.True(r.ExitCode == 0, r.ToString());
            var m = Assert.Single(r.JsonLines());
            Assert.Equal("Completed", m.GetProperty("status").GetString());
            Assert.Empty(store.Ids());
            Assert.Single(store.Ids("other"));
        }

        [Fact]
        public void Clear_several_namespaces_and_remove_them()
        {
            using var store = new TempStore();
            store.Seed(Fixtures.Small);

            var r = store.Run("clear", "--namespace", "default", "--namespace", "other", "--remove-namespace", "--yes", "--json");
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Equal(2, r.JsonLines().Count);
            var namespaces = store.Run("namespaces", "--json");
            Assert.DoesNotContain(namespaces.JsonLines(), n => n.GetProperty("name").GetString() == "other");
            Assert.Equal(0, store.Run("stats", "--json").JsonLines().Single().GetProperty("totalRecordCount").GetInt64());
        }

        [Fact]
        public void Clear_needs_a_namespace_named_explicitly()
        {
            using var store = new TempStore();
            store.Seed(Fixtures.Small);
            var r = store.Run("clear", "--yes");
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("vectorops: InvalidNamespace: ", r.Stderr);
            Assert.Equal(6, store.Ids().Count);
        }

        [Fact]
        public void One_bad_namespace_clears_none_of_them()
        {
            using var store = new TempStore();
            store.Seed(Fixtures.Small);
            var r = store.Run("clear", "--namespace", "other", "--namespace", "bad\u0001name", "--yes");
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("vectorops: InvalidNamespace: ", r.Stderr);
            Assert.Single(store.Ids("other"));
        }
    }
}
