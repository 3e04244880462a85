using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using VectorOps.Errors;
using VectorOps.Providers.Kit;
using Xunit;

namespace VectorOps.Tests.Kit
{
    /// <summary>The kit's one cursor paging loop: pages in order, the loop guard, cancellation, the page size.</summary>
    public sealed class CursorPagingTests
    {
        private static async Task<List<IReadOnlyList<T>>> All<T>(IAsyncEnumerable<IReadOnlyList<T>> pages)
        {
            var all = new List<IReadOnlyList<T>>();
            await foreach (var p in pages) all.Add(p);
            return all;
        }

        /// <summary>A service of <paramref name="count"/> items whose cursors are the next item's index.</summary>
        private static PageFetch<int> Service(int count, List<(string? Cursor, int Size)> calls) => (cursor, size, ct) =>
        {
            calls.Add((cursor, size));
            var start = cursor is null ? 0 : int.Parse(cursor);
            var items = Enumerable.Range(start, Math.Min(size, count - start)).ToList();
            var next = start + items.Count < count ? (start + items.Count).ToString() : null;
            return Task.FromResult(new Page<int>(items, next));
        };

        [Fact]
        public async Task Follows_the_cursor_to_the_last_page_with_the_page_size()
        {
            var calls = new List<(string? Cursor, int Size)>();
            var pages = await All(CursorPaging.Pages("Svc", "list", 10, Service(25, calls), CancellationToken.None));
            Assert.Equal(new[] { 10, 10, 5 }, pages.Select(p => p.Count));
            Assert.Equal(Enumerable.Range(0, 25), pages.SelectMany(p => p));
            Assert.Equal(new string?[] { null, "10", "20" }, calls.Select(c => c.Cursor));
            Assert.All(calls, c => Assert.Equal(10, c.Size));
        }

        [Fact]
        public async Task Empty_pages_are_not_yielded_but_their_cursor_is_followed()
        {
            var answers = new Queue<Page<string>>(new[]
            {
                new Page<string>(new[] { "a" }, "c1"), new Page<string>(Array.Empty<string>(), "c2"), new Page<string>(new[] { "b" }, ""),
            });
            var pages = await All(CursorPaging.Pages<string>("Svc", "list", 5, (c, n, ct) => Task.FromResult(answers.Dequeue()), CancellationToken.None));
            Assert.Equal(new[] { "a", "b" }, pages.SelectMany(p => p));
            Assert.Empty(answers);
        }

        [Theory]
        [InlineData("c1,c1")]       // the same cursor twice in a row
        [InlineData("c1,c2,c1")]    // a cursor answered earlier
        public async Task A_cursor_answered_twice_stops_with_a_protocol_error_naming_it(string sequence)
        {
            var cursors = sequence.Split(',');
            var i = 0;
            var fetched = 0;
            PageFetch<int> fetch = (c, n, ct) =>
            {
                fetched++;
                return Task.FromResult(new Page<int>(new[] { i }, cursors[Math.Min(i++, cursors.Length - 1)]));
            };
            var ex = await Assert.ThrowsAsync<VectorOpsException>(() => All(CursorPaging.Pages("Svc", "list", 1, fetch, CancellationToken.None)));
            Assert.Equal(ErrorIds.ProviderProtocolError, ex.ErrorId);
            Assert.Equal("c1", ex.Target);
            Assert.Contains("'c1'", ex.Message);
            Assert.Contains("Svc", ex.Message);
            Assert.Equal(cursors.Length, fetched);
        }

        [Fact]
        public async Task Cancellation_stops_before_the_next_page()
        {
            using var cts = new CancellationTokenSource();
            var calls = new List<(string? Cursor, int Size)>();
            var fetch = Service(100, calls);
            var seen = 0;
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            {
                await foreach (var page in CursorPaging.Pages("Svc", "list", 10, fetch, cts.Token))
                {
                    seen++;
                    cts.Cancel();
                }
            });
            Assert.Equal(1, seen);
            Assert.Single(calls);
        }

        [Fact]
        public async Task Items_flattens_the_pages_and_a_page_size_below_one_is_refused()
        {
            var calls = new List<(string? Cursor, int Size)>();
            var items = new List<int>();
            await foreach (var x in CursorPaging.Items("Svc", "list", 4, Service(9, calls), CancellationToken.None)) items.Add(x);
            Assert.Equal(Enumerable.Range(0, 9), items);
            Assert.Equal(3, calls.Count);
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => All(CursorPaging.Pages("Svc", "list", 0, Service(9, calls), CancellationToken.None)));
        }
    }
}
