using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using VectorOps.Filtering;
using VectorOps.Model;
using Xunit;

namespace VectorOps.Tests.Local
{
    public class LocalConcurrencyTests
    {
        private static readonly CancellationToken None = CancellationToken.None;

        private static string Id(int i) => "r" + i.ToString("D5");

        [Fact]
        public async Task Deletes_from_several_threads_all_land()
        {
            using var store = new TestStore();
            var p = store.Provider;
            await p.UpsertAllAsync(Records.Numbered("r", 6000), "ns");

            var slices = Enumerable.Range(0, 8).Select(t => Enumerable.Range(0, 6000).Where(i => i % 8 == t).Select(Id).ToList()).ToList();
            var results = await Task.WhenAll(slices.Select(slice => Task.Run(async () =>
            {
                long sum = 0;
                foreach (var batch in slice.Chunk(50))
                    sum += (await p.DeleteByIdsAsync("ns", batch, None).ConfigureAwait(false)).AffectedCount ?? 0;
                return sum;
            })));

            Assert.Equal(6000, results.Sum());
            Assert.All(results, r => Assert.Equal(750, r));
            Assert.Empty(await p.AllIdsAsync("ns"));
        }

        [Fact]
        public async Task Racing_deletes_of_the_same_ids_count_each_row_once()
        {
            using var store = new TestStore();
            var p = store.Provider;
            await p.UpsertAllAsync(Records.Numbered("r", 2000), "ns");
            var ids = Enumerable.Range(0, 2000).Select(Id).ToList();

            var orders = new[] { ids, Enumerable.Reverse(ids).ToList(), ids.Where((_, i) => i % 2 == 0).Concat(ids.Where((_, i) => i % 2 == 1)).ToList(), ids.OrderBy(i => i.GetHashCode()).ToList() };
            var results = await Task.WhenAll(orders.Select(order => Task.Run(async () =>
            {
                long sum = 0;
                foreach (var batch in order.Chunk(100))
                    sum += (await p.DeleteByIdsAsync("ns", batch, None).ConfigureAwait(false)).AffectedCount ?? 0;
                return sum;
            })));

            Assert.Equal(2000, results.Sum());
            Assert.Empty(await p.AllIdsAsync("ns"));
        }

        [Fact]
        public async Task Writers_and_readers_in_parallel_stay_consistent()
        {
            using var store = new TestStore();
            var p = store.Provider;
            await p.UpsertAllAsync(Records.Numbered("r", 3000), "old");
            var errors = new ConcurrentQueue<Exception>();

            async Task Guard(Func<Task> work)
            {
                try { await work().ConfigureAwait(false); }
                catch (Exception ex) { errors.Enqueue(ex); }
            }

            var tasks = new List<Task>
            {
                Task.Run(() => Guard(async () =>
                {
                    foreach (var batch in Records.Numbered("n", 3000).Chunk(250)) await p.UpsertAsync("new", batch, None).ConfigureAwait(false);
                })),
                Task.Run(() => Guard(async () =>
                {
                    foreach (var batch in Enumerable.Range(0, 3000).Where(i => i % 3 == 0).Select(Id).Chunk(100))
                        await p.DeleteByIdsAsync("old", batch, None).ConfigureAwait(false);
                })),
                Task.Run(() => Guard(async () =>
                {
                    await p.DeleteByFilterAsync("old", MetadataFilter.Parse("{\"n\": {\"$gte\": 2500}}"), None).ConfigureAwait(false);
                })),
                Task.Run(() => Guard(async () =>
                {
                    for (var i = 0; i < 20; i++)
                    {
                        await p.CountAsync("old", MetadataFilter.Parse("{\"even\": true}"), None).ConfigureAwait(false);
                        await p.GetStatsAsync(None).ConfigureAwait(false);
                        await p.FetchAsync("old", new[] { Id(i), Id(i + 1) }, None).ConfigureAwait(false);
                    }
                })),
            };
            await Task.WhenAll(tasks);

            Assert.Empty(errors);
            var expectedOld = Enumerable.Range(0, 2500).Where(i => i % 3 != 0).Select(Id).ToList();
            Assert.Equal(expectedOld, await p.AllIdsAsync("old"));
            Assert.Equal(3000, await p.CountAllAsync("new"));
        }

        [Fact]
        public async Task Paging_while_deleting_visits_every_surviving_id_exactly_once()
        {
            using var store = new TestStore();
            var p = store.Provider;
            await p.UpsertAllAsync(Records.Numbered("r", 3500), "ns");
            var all = Enumerable.Range(0, 3500).Select(Id).ToList();

            var seen = new List<string>();
            var deletedAhead = new HashSet<string>();
            var insertedAhead = new List<string>();
            var pages = 0;
            await foreach (var page in p.ListIdsAsync("ns", "r", None))
            {
                pages++;
                seen.AddRange(page);
                var last = page[page.Count - 1];
                // What RemoveByPrefix does: delete the page just listed...
                await p.DeleteByIdsAsync("ns", page.ToList(), None);
                // ...while others delete records not reached yet and add new ones ahead and behind.
                var ahead = all.Where(id => string.CompareOrdinal(id, last) > 0).Where((_, i) => i % 7 == 3).Take(100).ToList();
                await p.DeleteByIdsAsync("ns", ahead, None);
                deletedAhead.UnionWith(ahead);
                // "r00999-new" sorts between "r00999" and "r01000": ahead of the cursor. "r00000-behind" is behind it.
                var newAhead = last + "-new";
                var newBehind = page[0] + "-behind";
                Assert.True(string.CompareOrdinal(newBehind, last) < 0);
                await p.UpsertAsync("ns", new[] { Records.Make(newAhead), Records.Make(newBehind) }, None);
                insertedAhead.Add(newAhead);
            }

            Assert.True(pages >= 4);
            Assert.Equal(seen.Count, seen.Distinct().Count());
            Assert.Equal(seen.OrderBy(i => i, Utf8Order.Instance), seen);
            // Every id present when the cursor reached its place is listed once: the survivors, and the ids added
            // ahead of the cursor (except the one added after the last, short, page: no page is read after it).
            // Nothing added behind the cursor is listed.
            var expected = all.Where(id => !deletedAhead.Contains(id)).Concat(insertedAhead.Take(insertedAhead.Count - 1))
                .OrderBy(i => i, Utf8Order.Instance).ToList();
            Assert.Equal(expected, seen);
            Assert.DoesNotContain(seen, id => id.EndsWith("-behind", StringComparison.Ordinal));
        }

        [Fact]
        public async Task Finding_by_filter_while_deleting_the_found_ids_misses_nothing()
        {
            using var store = new TestStore();
            var p = store.Provider;
            await p.UpsertAllAsync(Records.Numbered("r", 4200), "ns");
            var filter = MetadataFilter.Parse("{\"even\": true}");
            var seen = new List<string>();
            await foreach (var page in p.FindIdsAsync("ns", filter, None))
            {
                seen.AddRange(page);
                Assert.Equal(page.Count, (await p.DeleteByIdsAsync("ns", page.ToList(), None)).AffectedCount);
            }
            Assert.Equal(Enumerable.Range(0, 4200).Where(i => i % 2 == 0).Select(Id), seen);
            Assert.Equal(0, await p.CountAsync("ns", filter, None));
            Assert.Equal(2100, await p.CountAllAsync("ns"));
        }
    }
}
