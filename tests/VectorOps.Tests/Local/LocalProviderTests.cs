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
    public class LocalProviderTests
    {
        private static readonly CancellationToken None = CancellationToken.None;

        [Fact]
        public void Create_binds_index_file_and_capabilities()
        {
            using var store = new TestStore("catalog");
            var p = store.Provider;
            Assert.Equal("Local", p.Name);
            Assert.Equal("catalog", p.Index);
            Assert.Equal("default", p.DefaultNamespace);
            Assert.Equal(store.FilePath, p.Endpoint);
            Assert.True(Path.IsPathRooted(p.Endpoint));
            Assert.True(File.Exists(store.FilePath));

            var c = p.Capabilities;
            Assert.Equal(1000, c.MaxIdsPerDelete);
            Assert.Equal(1000, c.MaxIdsPerFetch);
            Assert.Equal(1000, c.MaxRecordsPerUpsert);
            Assert.True(c.NativeFilterDelete);
            Assert.True(c.CountsFilterMatches);
            Assert.True(c.CanRemoveNamespace);
            Assert.True(c.SupportsNamespaces);
            Assert.False(c.AsyncMutations);
            Assert.Equal(1, c.DefaultConcurrency);
        }

        [Fact]
        public void The_registry_creates_it_by_name_with_default_index()
        {
            using var store = new TestStore();
            using var p = ProviderRegistry.Create(new ConnectionSettings { Provider = "local", ["Path"] = store.FilePath, CreateIfMissing = true });
            Assert.IsType<LocalProvider>(p);
            Assert.Equal("default", p.Index);
        }

        [Fact]
        public void The_default_path_is_under_the_users_home()
        {
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            Assert.Equal(Path.Combine(home, ".vectorops", "vectorops.db"), LocalProvider.DefaultPath);
        }

        [Fact]
        public void A_relative_path_becomes_the_full_path()
        {
            using var store = new TestStore();
            var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), Path.Combine(store.Folder, "rel.db"));
            Assert.False(Path.IsPathRooted(relative));
            using var p = LocalProvider.Create(new ConnectionSettings { ["Path"] = relative, CreateIfMissing = true });
            Assert.Equal(Path.Combine(store.Folder, "rel.db"), p.Endpoint);
            Assert.True(File.Exists(Path.Combine(store.Folder, "rel.db")));
        }

        [Fact]
        public void The_file_is_in_wal_mode_and_tagged_as_a_vectorops_store()
        {
            using var store = new TestStore();
            using var c = new SqliteConnection("Data Source=" + store.FilePath);
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "PRAGMA journal_mode;";
            Assert.Equal("wal", cmd.ExecuteScalar());
            cmd.CommandText = "PRAGMA application_id;";
            Assert.Equal(0x564F5053L, cmd.ExecuteScalar());
        }

        [Fact]
        public async Task Upsert_then_fetch_round_trips_values_sparse_values_and_metadata()
        {
            using var store = new TestStore();
            var p = store.Provider;
            var record = new VectorRecord("doc-1")
            {
                Values = new[] { 0.5f, -1.25f, 3.0e-8f, float.MaxValue },
                SparseValues = new SparseVector(new uint[] { 3, 70000 }, new[] { 0.25f, -2f }),
                Metadata = new Dictionary<string, object?>
                {
                    ["title"] = "Café 日本 😀",
                    ["year"] = 2021L,
                    ["score"] = 4.75,
                    ["published"] = false,
                    ["tags"] = new List<string> { "a", "b" },
                    ["mixed"] = new List<object?> { 1L, 2.5, true, null, "s" },
                    ["nested"] = new Dictionary<string, object?> { ["k"] = "v" },
                    ["nothing"] = null,
                },
            };
            var w = await p.UpsertAsync("ns", new[] { record }, None);
            Assert.Equal(1, w.AffectedCount);
            Assert.True(w.Applied);
            Assert.Null(w.ProviderMutationId);

            var got = Assert.Single(await p.FetchAsync("ns", new[] { "doc-1" }, None));
            Assert.Equal("doc-1", got.Id);
            Assert.Equal("ns", got.Namespace);
            Assert.Equal(record.Values, got.Values);
            Assert.Equal(new uint[] { 3, 70000 }, got.SparseValues!.Indices);
            Assert.Equal(new[] { 0.25f, -2f }, got.SparseValues.Values);
            var md = got.Metadata!;
            Assert.Equal("Café 日本 😀", md["title"]);
            Assert.Equal(2021L, md["year"]);
            Assert.Equal(4.75, md["score"]);
            Assert.Equal(false, md["published"]);
            Assert.Equal(new List<string> { "a", "b" }, md["tags"]);
            Assert.Equal(new List<object?> { 1L, 2.5, true, null, "s" }, md["mixed"]);
            Assert.Equal("v", ((IDictionary<string, object?>)md["nested"]!)["k"]);
            Assert.True(md.ContainsKey("nothing"));
            Assert.Null(md["nothing"]);
        }

        [Fact]
        public async Task Upsert_replaces_existing_records_and_the_last_duplicate_wins()
        {
            using var store = new TestStore();
            var p = store.Provider;
            await p.UpsertAsync("ns", new[] { Records.Make("a", ("v", 1L)), Records.Make("b", ("v", 1L)) }, None);
            var w = await p.UpsertAsync("ns", new[] { Records.Make("a", ("v", 2L)), Records.Make("a", ("v", 3L)) }, None);
            Assert.Equal(2, w.AffectedCount);
            var got = await p.FetchAsync("ns", new[] { "a", "b" }, None);
            Assert.Equal(3L, got.Single(r => r.Id == "a").Metadata!["v"]);
            Assert.Equal(1L, got.Single(r => r.Id == "b").Metadata!["v"]);
            Assert.Equal(2, await p.CountAllAsync("ns"));
        }

        [Fact]
        public async Task Records_without_values_or_metadata_are_kept_as_they_are()
        {
            using var store = new TestStore();
            var p = store.Provider;
            await p.UpsertAsync("ns", new[] { new VectorRecord("bare") }, None);
            var got = Assert.Single(await p.FetchAsync("ns", new[] { "bare" }, None));
            Assert.Null(got.Values);
            Assert.Null(got.SparseValues);
            Assert.Null(got.Metadata);
            Assert.Null((await p.GetStatsAsync(None)).Dimension);
        }

        [Fact]
        public async Task A_dimension_mismatch_is_refused_and_writes_nothing()
        {
            using var store = new TestStore();
            var p = store.Provider;
            await p.UpsertAsync("a", new[] { new VectorRecord("one") { Values = new float[8] } }, None);

            // Against the index (another namespace of it, not yet existing).
            var batch = new[] { new VectorRecord("two") { Values = new float[8] }, new VectorRecord("three") { Values = new float[4] } };
            var ex = await Assert.ThrowsAsync<VectorOpsException>(() => p.UpsertAsync("b", batch, None));
            Assert.Equal(ErrorIds.InvalidRecord, ex.ErrorId);
            Assert.Equal(VectorOpsErrorCategory.InvalidArgument, ex.Category);
            Assert.Equal("three", ex.Target);
            Assert.Contains("4", ex.Message);
            Assert.Contains("8", ex.Message);
            Assert.Empty(await p.AllIdsAsync("b"));
            Assert.DoesNotContain(await p.NamespacesAsync(), n => n.Name == "b");

            ex = await Assert.ThrowsAsync<VectorOpsException>(() => p.UpsertAsync("a", new[] { new VectorRecord("x") { Values = new float[3] } }, None));
            Assert.Equal(ErrorIds.InvalidRecord, ex.ErrorId);
            Assert.Equal(new[] { "one" }, await p.AllIdsAsync("a"));

            // Another index in the same file has its own dimension.
            var other = store.Open("other");
            await other.UpsertAsync("a", new[] { new VectorRecord("x") { Values = new float[3] } }, None);
            Assert.Equal(3, (await other.GetStatsAsync(None)).Dimension);

            // Once the index holds no vectors, a new dimension is accepted.
            await p.ClearNamespaceAsync("a", false, None);
            await p.UpsertAsync("a", new[] { new VectorRecord("y") { Values = new float[2] } }, None);
            Assert.Equal(2, (await p.GetStatsAsync(None)).Dimension);
        }

        [Fact]
        public async Task Mixed_dimensions_within_one_batch_are_refused()
        {
            using var store = new TestStore();
            var batch = new[] { new VectorRecord("a") { Values = new float[2] }, new VectorRecord("b") { Values = new float[3] } };
            var ex = await Assert.ThrowsAsync<VectorOpsException>(() => store.Provider.UpsertAsync("ns", batch, None));
            Assert.Equal(ErrorIds.InvalidRecord, ex.ErrorId);
            Assert.Equal("b", ex.Target);
            Assert.Empty(await store.Provider.NamespacesAsync());
        }

        public static IEnumerable<object[]> BadRecords()
        {
            yield return new object[] { new VectorRecord("nan") { Values = new[] { 1f, float.NaN } } };
            yield return new object[] { new VectorRecord("inf") { Values = new[] { float.PositiveInfinity } } };
            yield return new object[] { new VectorRecord("empty") { Values = new float[0] } };
            yield return new object[] { new VectorRecord("sparse") { SparseValues = new SparseVector(new uint[] { 1, 2 }, new[] { 1f }) } };
            yield return new object[] { new VectorRecord("md-nan") { Metadata = new Dictionary<string, object?> { ["x"] = double.NaN } } };
        }

        [Theory]
        [MemberData(nameof(BadRecords))]
        public async Task Bad_records_are_refused_and_nothing_of_the_batch_is_written(VectorRecord bad)
        {
            using var store = new TestStore();
            var p = store.Provider;
            var ex = await Assert.ThrowsAsync<VectorOpsException>(() => p.UpsertAsync("ns", new[] { Records.Make("good"), bad }, None));
            Assert.Equal(ErrorIds.InvalidRecord, ex.ErrorId);
            Assert.Equal(bad.Id, ex.Target);
            Assert.Empty(await p.NamespacesAsync());
        }

        [Fact]
        public async Task Upsert_refuses_more_than_its_cap()
        {
            using var store = new TestStore();
            var ex = await Assert.ThrowsAsync<VectorOpsException>(() => store.Provider.UpsertAsync("ns", Records.Numbered("r", 1001).ToList(), None));
            Assert.Equal(ErrorIds.InvalidArgument, ex.ErrorId);
            Assert.Empty(await store.Provider.NamespacesAsync());
        }

        [Fact]
        public async Task DeleteByIds_reports_the_rows_actually_deleted()
        {
            using var store = new TestStore();
            var p = store.Provider;
            await p.UpsertAllAsync(Records.Numbered("r", 10), "ns");
            await p.UpsertAllAsync(Records.Numbered("r", 10), "other");

            var w = await p.DeleteByIdsAsync("ns", new[] { "r00001", "r00002", "r00002", "missing" }, None);
            Assert.Equal(2, w.AffectedCount);
            Assert.True(w.Applied);
            Assert.Equal(8, await p.CountAllAsync("ns"));
            Assert.Equal(10, await p.CountAllAsync("other"));

            w = await p.DeleteByIdsAsync("ns", new[] { "r00001" }, None);
            Assert.Equal(0, w.AffectedCount);
            w = await p.DeleteByIdsAsync("nowhere", new[] { "r00003" }, None);
            Assert.Equal(0, w.AffectedCount);
            w = await p.DeleteByIdsAsync("ns", Array.Empty<string>(), None);
            Assert.Equal(0, w.AffectedCount);
        }

        [Fact]
        public async Task DeleteByIds_refuses_more_than_its_cap_and_deletes_nothing()
        {
            using var store = new TestStore();
            var p = store.Provider;
            await p.UpsertAllAsync(Records.Numbered("r", 1001), "ns");
            var ids = await p.AllIdsAsync("ns");
            var ex = await Assert.ThrowsAsync<VectorOpsException>(() => p.DeleteByIdsAsync("ns", ids, None));
            Assert.Equal(ErrorIds.InvalidArgument, ex.ErrorId);
            Assert.Equal(1001, await p.CountAllAsync("ns"));
        }

        [Fact]
        public async Task DeleteByFilter_deletes_the_matches_of_one_namespace_in_one_go()
        {
            using var store = new TestStore();
            var p = store.Provider;
            await p.UpsertAllAsync(Records.Numbered("r", 100), "ns");
            await p.UpsertAllAsync(Records.Numbered("r", 100), "other");
            var filter = MetadataFilter.Parse("{\"even\": true, \"n\": {\"$lt\": 50}}");

            var w = await p.DeleteByFilterAsync("ns", filter, None);
            Assert.Equal(25, w.AffectedCount);
            Assert.True(w.Applied);
            Assert.Equal(0, await p.CountAsync("ns", filter, None));
            Assert.Equal(75, await p.CountAllAsync("ns"));
            Assert.Equal(100, await p.CountAllAsync("other"));
            Assert.Equal(0, (await p.DeleteByFilterAsync("nowhere", filter, None)).AffectedCount);
        }

        [Fact]
        public async Task ClearNamespace_keeps_the_namespace_unless_asked_to_remove_it()
        {
            using var store = new TestStore();
            var p = store.Provider;
            await p.UpsertAllAsync(Records.Numbered("r", 30), "a");
            await p.UpsertAllAsync(Records.Numbered("r", 20), "b");

            var w = await p.ClearNamespaceAsync("a", removeNamespace: false, None);
            Assert.Equal(30, w.AffectedCount);
            Assert.True(w.Applied);
            var names = await p.NamespacesAsync();
            Assert.Equal(new[] { ("a", 0L), ("b", 20L) }, names.Select(n => (n.Name, n.RecordCount ?? -1)));

            w = await p.ClearNamespaceAsync("a", removeNamespace: true, None);
            Assert.Equal(0, w.AffectedCount);
            Assert.Equal(new[] { "b" }, (await p.NamespacesAsync()).Select(n => n.Name));

            w = await p.ClearNamespaceAsync("b", removeNamespace: true, None);
            Assert.Equal(20, w.AffectedCount);
            Assert.Empty(await p.NamespacesAsync());
            Assert.Equal(0, (await p.ClearNamespaceAsync("never", true, None)).AffectedCount);
        }

        [Fact]
        public async Task ListIds_pages_by_a_thousand_in_id_order()
        {
            using var store = new TestStore();
            var p = store.Provider;
            await p.UpsertAllAsync(Records.Numbered("r", 2500).Reverse(), "ns");
            var pages = await p.ListIdsAsync("ns", null, None).PagesAsync();
            Assert.Equal(new[] { 1000, 1000, 500 }, pages.Select(x => x.Count));
            var all = pages.SelectMany(x => x).ToList();
            Assert.Equal(Enumerable.Range(0, 2500).Select(i => "r" + i.ToString("D5")), all);
            Assert.Empty(await p.AllIdsAsync("nowhere"));
            Assert.Equal(all, await p.AllIdsAsync("ns", ""));
        }

        [Fact]
        public async Task Prefixes_match_exactly_case_sensitively_and_literally()
        {
            using var store = new TestStore();
            var p = store.Provider;
            var ids = new[]
            {
                "doc-1", "doc-2", "doc_1", "docX1", "Doc-1", "DOC-1", "doc", "do", "doc-1/part",
                "50%-off", "50x-off", "50%%", "5", "a_b", "aXb", "a%b", "[x]y", "x*y", "x?y", "xy",
                "tenant-acme#chunk-0001", "tenant-acme#chunk-0002", "tenant-acmecorp#chunk-0001",
                "émile", "éa", "e", "😀-1", "😀", "\uFFFD", "z\uFFFF",
            };
            await p.UpsertAsync("ns", ids.Select(id => Records.Make(id)).ToList(), None);

            async Task Check(string prefix)
            {
                var expected = ids.Where(i => i.StartsWith(prefix, StringComparison.Ordinal)).OrderBy(i => i, Utf8Order.Instance).ToList();
                Assert.Equal(expected, await p.AllIdsAsync("ns", prefix));
            }

            foreach (var prefix in new[] { "doc-", "doc_", "doc", "Doc", "DOC-1", "50%", "50%%", "a_", "a%", "[x]", "x*", "x?", "tenant-acme#",
                         "tenant-acme", "é", "e", "😀", "\uFFFD", "z", "z\uFFFF", "nothing", "doc-1/part/more" })
                await Check(prefix);

            Assert.Equal(new[] { "doc_1" }, await p.AllIdsAsync("ns", "doc_"));
            Assert.Equal(new[] { "50%%", "50%-off" }, await p.AllIdsAsync("ns", "50%"));
        }

        [Fact]
        public async Task Prefix_listing_spans_pages()
        {
            using var store = new TestStore();
            var p = store.Provider;
            await p.UpsertAllAsync(Records.Numbered("a-", 1500), "ns");
            await p.UpsertAllAsync(Records.Numbered("b-", 700), "ns");
            await p.UpsertAllAsync(Records.Numbered("a", 5, 2), "ns");
            var pages = await p.ListIdsAsync("ns", "a-", None).PagesAsync();
            Assert.Equal(new[] { 1000, 500 }, pages.Select(x => x.Count));
            Assert.All(pages.SelectMany(x => x), id => Assert.StartsWith("a-", id));
        }

        [Fact]
        public void A_prefix_that_no_id_can_have_is_refused()
        {
            using var store = new TestStore();
            var ex = Assert.Throws<VectorOpsException>(() => store.Provider.ListIdsAsync("ns", "bad\ud800", None));
            Assert.Equal(ErrorIds.InvalidPrefix, ex.ErrorId);
            Assert.Equal("bad\ud800", ex.Target);
            ex = Assert.Throws<VectorOpsException>(() => store.Provider.ListIdsAsync("ns", "tab\t", None));
            Assert.Equal(ErrorIds.InvalidPrefix, ex.ErrorId);
        }

        [Fact]
        public async Task FindIds_and_Count_use_the_filter()
        {
            using var store = new TestStore();
            var p = store.Provider;
            await p.UpsertAllAsync(Records.Numbered("r", 2300), "ns");
            var filter = MetadataFilter.Parse("{\"even\": false}");
            var pages = await p.FindIdsAsync("ns", filter, None).PagesAsync();
            Assert.Equal(new[] { 1000, 150 }, pages.Select(x => x.Count));
            Assert.Equal(Enumerable.Range(0, 2300).Where(i => i % 2 == 1).Select(i => "r" + i.ToString("D5")), pages.SelectMany(x => x));
            Assert.Equal(1150, await p.CountAsync("ns", filter, None));
            Assert.Equal(0, await p.CountAsync("nowhere", filter, None));
            Assert.Empty(await p.FindAllAsync("nowhere", filter));
        }

        [Fact]
        public async Task Fetch_leaves_out_missing_ids_and_repeats_none()
        {
            using var store = new TestStore();
            var p = store.Provider;
            await p.UpsertAllAsync(Records.Numbered("r", 5), "ns");
            var got = await p.FetchAsync("ns", new[] { "r00003", "nope", "r00001", "r00003" }, None);
            Assert.Equal(new[] { "r00003", "r00001" }, got.Select(r => r.Id));
            Assert.Empty(await p.FetchAsync("other", new[] { "r00001" }, None));
            var ex = await Assert.ThrowsAsync<VectorOpsException>(() => p.FetchAsync("ns", Enumerable.Range(0, 1001).Select(i => "x" + i).ToList(), None));
            Assert.Equal(ErrorIds.InvalidArgument, ex.ErrorId);
        }

        [Fact]
        public async Task ListNamespaces_and_stats_count_per_index_including_empty_namespaces()
        {
            using var store = new TestStore("main");
            var p = store.Provider;
            await p.UpsertAllAsync(Records.Numbered("r", 7), "zeta");
            await p.UpsertAllAsync(Records.Numbered("r", 3), "alpha");
            await p.UpsertAllAsync(Records.Numbered("r", 1), "empty");
            await p.DeleteByIdsAsync("empty", new[] { "r00000" }, None);
            var other = store.Open("other");
            await other.UpsertAllAsync(Records.Numbered("r", 4), "elsewhere");

            var names = await p.NamespacesAsync();
            Assert.Equal(new[] { "alpha", "empty", "zeta" }, names.Select(n => n.Name));
            Assert.Equal(new long?[] { 3, 0, 7 }, names.Select(n => n.RecordCount));
            Assert.All(names, n => Assert.Equal(("Local", "main"), (n.Provider, n.Index)));

            var stats = await p.GetStatsAsync(None);
            Assert.Equal("Local", stats.Provider);
            Assert.Equal("main", stats.Index);
            Assert.Equal(3, stats.Dimension);
            Assert.Equal(10, stats.TotalRecordCount);
            Assert.Equal(3, stats.Namespaces.Count);

            var fresh = store.Open("fresh");
            var empty = await fresh.GetStatsAsync(None);
            Assert.Null(empty.Dimension);
            Assert.Equal(0, empty.TotalRecordCount);
            Assert.Empty(empty.Namespaces);
        }

        [Fact]
        public async Task GetApplied_returns_every_pending_mutation()
        {
            using var store = new TestStore();
            var pending = new[] { new VectorMutation { Status = MutationStatus.Acknowledged }, new VectorMutation { Status = MutationStatus.Acknowledged } };
            var applied = await store.Provider.GetAppliedAsync(pending, None);
            Assert.Equal(pending, applied);
        }

        [Fact]
        public async Task Indexes_in_one_file_are_isolated()
        {
            using var store = new TestStore("one");
            var one = store.Provider;
            var two = store.Open("two");
            await one.UpsertAllAsync(Records.Numbered("r", 10), "ns");
            await two.UpsertAllAsync(Records.Numbered("r", 10), "ns");
            Assert.Equal(10, (await one.DeleteByFilterAsync("ns", MetadataFilter.Parse("{\"n\": {\"$gte\": 0}}"), None)).AffectedCount);
            Assert.Equal(10, await two.CountAllAsync("ns"));
            await one.ClearNamespaceAsync("ns", true, None);
            Assert.Single(await two.NamespacesAsync());
        }

        [Fact]
        public async Task Data_survives_closing_and_reopening()
        {
            using var store = new TestStore();
            await store.Provider.UpsertAllAsync(Records.Numbered("r", 12), "ns");
            store.Provider.Dispose();
            using var again = LocalProvider.Create(new ConnectionSettings { ["Path"] = store.FilePath, Index = "test" });
            Assert.Equal(12, await again.CountAllAsync("ns"));
        }

        [Fact]
        public async Task A_disposed_provider_refuses_work()
        {
            using var store = new TestStore();
            store.Provider.Dispose();
            await Assert.ThrowsAsync<ObjectDisposedException>(() => store.Provider.CountAsync("ns", MetadataFilter.Parse("{\"a\": 1}"), None));
        }

        [Fact]
        public async Task Cancelled_calls_do_nothing()
        {
            using var store = new TestStore();
            var p = store.Provider;
            await p.UpsertAllAsync(Records.Numbered("r", 10), "ns");
            using var cts = new CancellationTokenSource();
            cts.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => p.DeleteByIdsAsync("ns", new[] { "r00001" }, cts.Token));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => p.DeleteByFilterAsync("ns", MetadataFilter.Parse("{\"even\": true}"), cts.Token));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => p.ClearNamespaceAsync("ns", true, cts.Token));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => p.UpsertAsync("ns", new[] { Records.Make("new") }, cts.Token));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => p.CountAsync("ns", MetadataFilter.Parse("{\"even\": true}"), cts.Token));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => p.FetchAsync("ns", new[] { "r00001" }, cts.Token));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => p.GetStatsAsync(cts.Token));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            {
                await foreach (var _ in p.ListNamespacesAsync(cts.Token)) { }
            });
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            {
                await foreach (var _ in p.ListNamespacesAsync(None).WithCancellation(cts.Token)) { }
            });
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await p.ListIdsAsync("ns", null, cts.Token).PagesAsync());
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            {
                await foreach (var _ in p.ListIdsAsync("ns", null, None).WithCancellation(cts.Token)) { }
            });
            Assert.Equal(10, await p.CountAllAsync("ns"));
        }

        [Fact]
        public async Task Cancelling_between_pages_stops_the_listing()
        {
            using var store = new TestStore();
            var p = store.Provider;
            await p.UpsertAllAsync(Records.Numbered("r", 2500), "ns");
            using var cts = new CancellationTokenSource();
            var seen = 0;
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            {
                await foreach (var page in p.ListIdsAsync("ns", null, cts.Token))
                {
                    seen += page.Count;
                    cts.Cancel();
                }
            });
            Assert.Equal(1000, seen);
        }

        [Fact]
        public async Task Operations_trace_and_a_failing_trace_sink_is_harmless()
        {
            using var store = new TestStore();
            var lines = new List<string>();
            var traced = store.Open("test", lines.Add);
            await traced.UpsertAllAsync(Records.Numbered("r", 3), "ns");
            await traced.DeleteByIdsAsync("ns", new[] { "r00001" }, None);
            Assert.Contains(lines, l => l.Contains("upserted 3"));
            Assert.Contains(lines, l => l.Contains("deleted 1 of 1"));

            var throwing = store.Open("test", _ => throw new InvalidOperationException("not on this thread"));
            var w = await throwing.DeleteByIdsAsync("ns", new[] { "r00002" }, None);
            Assert.Equal(1, w.AffectedCount);
        }
    }
}
