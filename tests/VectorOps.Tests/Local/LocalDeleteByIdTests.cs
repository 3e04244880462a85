using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace VectorOps.Tests.Local
{
    /// <summary>
    /// The local store's delete by id binds each id as UTF-8 through SQLite's C API (one reused buffer): the ids it
    /// deletes and the count it reports must be exactly those of the store, whatever the id's characters and length.
    /// </summary>
    public class LocalDeleteByIdTests
    {
        private static readonly CancellationToken None = CancellationToken.None;

        [Fact]
        public async Task Ids_of_any_script_and_the_longest_length_are_deleted_exactly_and_counted()
        {
            using var store = new TestStore();
            var p = store.Provider;
            var ids = new List<string>
            {
                "plain-1",
                "café-é",                                   // two-byte UTF-8
                "検索-索引",                                  // three-byte UTF-8
                "emoji-😀-🧪",                               // surrogate pairs, four-byte UTF-8
                new string('x', 512),                        // the longest ASCII id
                string.Concat(Enumerable.Repeat("😀", 512)),  // 512 characters, 1,024 UTF-16 units, 2,048 UTF-8 bytes
                string.Concat(Enumerable.Repeat("検", 512)),  // 1,536 UTF-8 bytes
            };
            var keep = new List<string> { "plain-10", "café", "検索", "emoji-😀", new string('x', 511), "Plain-1" };
            await p.UpsertAllAsync(ids.Concat(keep).Select(id => Records.Make(id)), "ns");

            // Each id sent, one missing id among them and the same id twice: only what is there counts, once.
            var batch = ids.Concat(new[] { "not-there", ids[3] }).ToList();
            var result = await p.DeleteByIdsAsync("ns", batch, None);

            Assert.Equal(ids.Count, result.AffectedCount);
            var left = await p.AllIdsAsync("ns");
            Assert.Equal(keep.OrderBy(x => x, System.StringComparer.Ordinal), left.OrderBy(x => x, System.StringComparer.Ordinal));
        }

        [Fact]
        public async Task A_delete_in_a_namespace_that_is_not_there_deletes_nothing_elsewhere()
        {
            using var store = new TestStore();
            var p = store.Provider;
            await p.UpsertAllAsync(new[] { Records.Make("a"), Records.Make("b") }, "ns");
            var result = await p.DeleteByIdsAsync("other", new[] { "a", "b" }, None);
            Assert.Equal(0, result.AffectedCount);
            Assert.Equal(2, (await p.AllIdsAsync("ns")).Count);
        }
    }
}
