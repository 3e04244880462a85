using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;
using VectorOps.Errors;
using VectorOps.Filtering;
using VectorOps.Model;
using VectorOps.Providers;
using VectorOps.Providers.Local;
using Xunit;

namespace VectorOps.Tests.Local
{
    public class LocalValidationTests
    {
        private static readonly CancellationToken None = CancellationToken.None;

        public static IEnumerable<object[]> BadIds() => new[]
        {
            new object[] { "", "empty" },
            new object[] { "   ", "blank" },
            new object[] { new string('x', 513), "more than 512" },
            new object[] { string.Concat(Enumerable.Repeat("😀", 513)), "more than 512" },
            new object[] { "line\nbreak", "control character U+000A" },
            new object[] { "nul\0", "control character U+0000" },
            new object[] { "del\u007f", "control character U+007F" },
            new object[] { "c1\u0085", "control character U+0085" },
            new object[] { "half\ud83d", "unpaired surrogate" },
            new object[] { "\ude00back", "unpaired surrogate" },
        };

        [Theory]
        [MemberData(nameof(BadIds), DisableDiscoveryEnumeration = true)] // unpaired surrogates do not survive xunit's serialisation of theory data
        public void Bad_ids_are_refused_naming_the_id_and_the_rule(string id, string rule)
        {
            using var store = new TestStore();
            var ex = Assert.Throws<VectorOpsException>(() => store.Provider.ValidateId(id));
            Assert.Equal(ErrorIds.InvalidId, ex.ErrorId);
            Assert.Equal(VectorOpsErrorCategory.InvalidArgument, ex.Category);
            Assert.Equal(id, ex.Target);
            Assert.Contains(rule, ex.Message);
            if (id.Length is > 0 and < 20 && !id.Any(char.IsControl) && !id.Any(char.IsSurrogate))
                Assert.Contains(id, ex.Message);
        }

        [Theory]
        [InlineData("a")]
        [InlineData("doc-00001")]
        [InlineData("tenant-acme#chunk-0003")]
        [InlineData("50%_off'; DROP TABLE vo_records; --")]
        [InlineData("日本語 😀 id")]
        [InlineData(" padded ")]
        public void Good_ids_pass(string id)
        {
            using var store = new TestStore();
            store.Provider.ValidateId(id);
            store.Provider.ValidateId(new string('x', 512));
            store.Provider.ValidateId(string.Concat(Enumerable.Repeat("😀", 512)));
        }

        [Theory]
        [InlineData("")]
        [InlineData("  ")]
        [InlineData("tab\there")]
        [InlineData("x\u0001")]
        [InlineData("12345678901234567890123456789012345678901234567890123456789012345")]
        public void Bad_namespaces_are_refused(string ns)
        {
            using var store = new TestStore();
            var ex = Assert.Throws<VectorOpsException>(() => store.Provider.ValidateNamespace(ns));
            Assert.Equal(ErrorIds.InvalidNamespace, ex.ErrorId);
            Assert.Equal(VectorOpsErrorCategory.InvalidArgument, ex.Category);
            Assert.Equal(ns, ex.Target);
        }

        [Fact]
        public void Unpaired_surrogates_are_refused_in_namespaces_and_index_names()
        {
            using var store = new TestStore();
            foreach (var bad in new[] { "bad\udfff", "x\ud800y", "\ud800" })
            {
                var ex = Assert.Throws<VectorOpsException>(() => store.Provider.ValidateNamespace(bad));
                Assert.Equal(ErrorIds.InvalidNamespace, ex.ErrorId);
                Assert.Equal(bad, ex.Target);
                Assert.Contains("unpaired surrogate", ex.Message);
                ex = Assert.Throws<VectorOpsException>(() => LocalProvider.Create(new ConnectionSettings { ["Path"] = store.FilePath, Index = bad }));
                Assert.Equal(ErrorIds.InvalidIndexName, ex.ErrorId);
                Assert.Equal(bad, ex.Target);
            }
        }

        [Fact]
        public void Namespaces_of_up_to_64_characters_pass()
        {
            using var store = new TestStore();
            store.Provider.ValidateNamespace(new string('n', 64));
            store.Provider.ValidateNamespace("default");
            store.Provider.ValidateNamespace("it's \"quoted\"; --");
        }

        [Fact]
        public async Task Bad_ids_and_namespaces_in_calls_change_nothing()
        {
            using var store = new TestStore();
            var p = store.Provider;
            await p.UpsertAllAsync(Records.Numbered("r", 10), "ns");

            var ex = await Assert.ThrowsAsync<VectorOpsException>(() => p.DeleteByIdsAsync("ns", new[] { "r00001", "r00002", "bad\n" }, None));
            Assert.Equal(ErrorIds.InvalidId, ex.ErrorId);
            Assert.Equal("bad\n", ex.Target);
            ex = await Assert.ThrowsAsync<VectorOpsException>(() => p.UpsertAsync("ns", new[] { Records.Make("new"), Records.Make("") }, None));
            Assert.Equal(ErrorIds.InvalidId, ex.ErrorId);
            ex = await Assert.ThrowsAsync<VectorOpsException>(() => p.FetchAsync("ns", new[] { "x\0" }, None));
            Assert.Equal(ErrorIds.InvalidId, ex.ErrorId);

            var badNs = "ns\n";
            foreach (var call in new Func<Task>[]
                     {
                         () => p.DeleteByIdsAsync(badNs, new[] { "r00001" }, None),
                         () => p.DeleteByFilterAsync(badNs, MetadataFilter.Parse("{\"even\": true}"), None),
                         () => p.ClearNamespaceAsync(badNs, true, None),
                         () => p.UpsertAsync(badNs, new[] { Records.Make("x") }, None),
                         () => p.CountAsync(badNs, MetadataFilter.Parse("{\"even\": true}"), None),
                         () => p.FetchAsync(badNs, new[] { "r00001" }, None),
                     })
            {
                ex = await Assert.ThrowsAsync<VectorOpsException>(call);
                Assert.Equal(ErrorIds.InvalidNamespace, ex.ErrorId);
                Assert.Equal(badNs, ex.Target);
            }
            Assert.Equal(ErrorIds.InvalidNamespace, Assert.Throws<VectorOpsException>(() => p.ListIdsAsync("", null, None)).ErrorId);
            Assert.Equal(ErrorIds.InvalidNamespace, Assert.Throws<VectorOpsException>(() => p.FindIdsAsync(badNs, MetadataFilter.Parse("{\"a\": 1}"), None)).ErrorId);

            Assert.Equal(Enumerable.Range(0, 10).Select(i => "r" + i.ToString("D5")), await p.AllIdsAsync("ns"));
            Assert.Equal(new[] { "ns" }, (await p.NamespacesAsync()).Select(n => n.Name));
        }

        [Theory]
        [InlineData("")]
        [InlineData("   ")]
        [InlineData(" lead")]
        [InlineData("trail ")]
        [InlineData("new\nline")]
        [InlineData("12345678901234567890123456789012345678901234567890123456789012345")]
        public void Bad_index_names_are_refused_before_the_file_is_touched(string index)
        {
            var folder = Path.Combine(Path.GetTempPath(), "vectorops-tests", Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            try
            {
                var path = Path.Combine(folder, "store.db");
                var ex = Assert.Throws<VectorOpsException>(() => LocalProvider.Create(new ConnectionSettings { ["Path"] = path, Index = index }));
                Assert.Equal(ErrorIds.InvalidIndexName, ex.ErrorId);
                Assert.Equal(VectorOpsErrorCategory.InvalidArgument, ex.Category);
                Assert.Equal(index, ex.Target);
                Assert.False(File.Exists(path));
            }
            finally
            {
                Directory.Delete(folder, true);
            }
        }

        [Fact]
        public void A_bad_default_namespace_is_refused_at_connect()
        {
            using var store = new TestStore();
            var ex = Assert.Throws<VectorOpsException>(() => LocalProvider.Create(new ConnectionSettings { ["Path"] = store.FilePath, DefaultNamespace = "a\tb" }));
            Assert.Equal(ErrorIds.InvalidNamespace, ex.ErrorId);
        }

        private static void AssertOpenFailed(string? given, string expectedTarget)
        {
            var ex = Assert.Throws<VectorOpsException>(() => LocalProvider.Create(new ConnectionSettings { ["Path"] = given, Index = "x" }));
            Assert.Equal(ErrorIds.StoreOpenFailed, ex.ErrorId);
            Assert.Equal(VectorOpsErrorCategory.OpenError, ex.Category);
            Assert.Equal(expectedTarget, ex.Target);
            Assert.Contains(expectedTarget.Trim().Length == 0 ? "path" : expectedTarget, ex.Message);
        }

        [Fact]
        public void A_path_in_a_missing_folder_fails_to_open_and_creates_nothing()
        {
            using var store = new TestStore();
            var path = Path.Combine(store.Folder, "missing", "deeper", "x.db");
            AssertOpenFailed(path, path);
            Assert.False(Directory.Exists(Path.Combine(store.Folder, "missing")));
        }

        [Fact]
        public void A_folder_is_not_a_store()
        {
            using var store = new TestStore();
            AssertOpenFailed(store.Folder, store.Folder);
        }

        [Fact]
        public void Blank_and_malformed_paths_are_refused_as_settings_before_anything_is_opened()
        {
            foreach (var given in new[] { "  ", "bad\0path.db" })
            {
                var ex = Assert.Throws<VectorOpsException>(() => LocalProvider.Create(new ConnectionSettings { ["Path"] = given, Index = "x" }));
                Assert.Equal(ErrorIds.InvalidSetting, ex.ErrorId);
                Assert.Equal(VectorOpsErrorCategory.InvalidArgument, ex.Category);
                Assert.Equal(given, ex.Target);
                Assert.Contains("-Path", ex.Message);
            }
        }

        [Fact]
        public void A_file_that_is_not_a_database_is_left_unchanged()
        {
            using var store = new TestStore();
            var path = Path.Combine(store.Folder, "notes.db");
            var text = string.Concat(Enumerable.Repeat("These are my notes, not a database. ", 40));
            File.WriteAllText(path, text);
            AssertOpenFailed(path, path);
            Assert.Equal(text, File.ReadAllText(path));
        }

        [Fact]
        public void Another_applications_database_is_left_unchanged()
        {
            using var store = new TestStore();
            var path = Path.Combine(store.Folder, "app.db");
            using (var c = new SqliteConnection("Data Source=" + path + ";Pooling=False"))
            {
                c.Open();
                using var cmd = c.CreateCommand();
                cmd.CommandText = "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers (name) VALUES ('ann');";
                cmd.ExecuteNonQuery();
            }
            var before = File.ReadAllBytes(path);
            AssertOpenFailed(path, path);
            Assert.Equal(before, File.ReadAllBytes(path));
        }

        [Fact]
        public void A_store_from_a_newer_schema_is_refused()
        {
            using var store = new TestStore();
            store.Provider.Dispose();
            SqliteConnection.ClearAllPools();
            using (var c = new SqliteConnection("Data Source=" + store.FilePath + ";Pooling=False"))
            {
                c.Open();
                using var cmd = c.CreateCommand();
                cmd.CommandText = "PRAGMA user_version = 99;";
                cmd.ExecuteNonQuery();
            }
            AssertOpenFailed(store.FilePath, store.FilePath);
        }

        [Fact]
        public async Task Sql_looking_names_and_values_are_plain_data()
        {
            using var store = new TestStore();
            var p = store.Provider;
            const string evilNs = "ns'); DELETE FROM vo_records; --";
            const string evilField = "x') OR 1=1; DROP TABLE vo_records; --";
            const string evilValue = "' OR '1'='1";
            await p.UpsertAsync(evilNs, new[]
            {
                Records.Make("'; DROP TABLE vo_records; --", (evilField, evilValue)),
                Records.Make("plain", ("other", 1L)),
                Records.Make("quoted\"id", ("x", evilValue)),
            }, None);
            await p.UpsertAllAsync(Records.Numbered("r", 5), "bystander");

            Assert.Equal(1, await p.CountAsync(evilNs, MetadataFilter.Parse(new Dictionary<string, object?> { [evilField] = evilValue }), None));
            Assert.Equal(0, await p.CountAsync(evilNs, MetadataFilter.Parse(new Dictionary<string, object?> { [evilField] = "x" }), None));
            Assert.Equal(1, await p.CountAsync(evilNs, MetadataFilter.Parse(new Dictionary<string, object?> { ["x"] = evilValue }), None));
            Assert.Equal(0, await p.CountAsync(evilNs, MetadataFilter.Parse(new Dictionary<string, object?> { ["x"] = new Dictionary<string, object?> { ["$in"] = new[] { "' OR 1=1 --", "\") OR 1=1 --" } } }), None));
            Assert.Equal(new[] { "'; DROP TABLE vo_records; --" }, await p.AllIdsAsync(evilNs, "';"));

            var w = await p.DeleteByFilterAsync(evilNs, MetadataFilter.Parse(new Dictionary<string, object?> { [evilField] = evilValue }), None);
            Assert.Equal(1, w.AffectedCount);
            w = await p.DeleteByIdsAsync(evilNs, new[] { "quoted\"id", "' OR '1'='1" }, None);
            Assert.Equal(1, w.AffectedCount);
            Assert.Equal(new[] { "plain" }, await p.AllIdsAsync(evilNs));
            Assert.Equal(5, await p.CountAllAsync("bystander"));
        }
    }
}
