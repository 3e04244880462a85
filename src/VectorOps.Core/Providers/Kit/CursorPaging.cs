using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using VectorOps.Errors;

namespace VectorOps.Providers.Kit
{
    /// <summary>One page of a cursor-paged listing: its items and the cursor of the next page (null or empty: the last).</summary>
    public readonly struct Page<T>
    {
        public Page(IReadOnlyList<T> items, string? next)
        {
            Items = items ?? Array.Empty<T>();
            Next = string.IsNullOrEmpty(next) ? null : next;
        }

        public IReadOnlyList<T> Items { get; }

        public string? Next { get; }
    }

    /// <summary>Fetches the page after <paramref name="cursor"/> (null: the first) of at most <paramref name="pageSize"/> items.</summary>
    public delegate Task<Page<T>> PageFetch<T>(string? cursor, int pageSize, CancellationToken cancellationToken);

    /// <summary>
    /// The cursor paging loop every listing of a provider runs: fetch a page with the cursor, yield its items
    /// (empty pages are not yielded), follow the next cursor until there is none. A service that answers a cursor
    /// it already answered would loop for ever: the loop stops with ProviderProtocolError naming that cursor.
    /// Cancellation is checked before every page.
    /// </summary>
    public static class CursorPaging
    {
        public static async IAsyncEnumerable<IReadOnlyList<T>> Pages<T>(string provider, string call, int pageSize, PageFetch<T> fetch,
            [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            if (fetch is null) throw new ArgumentNullException(nameof(fetch));
            if (pageSize < 1) throw new ArgumentOutOfRangeException(nameof(pageSize), pageSize, "A page holds at least one item.");
            string? cursor = null;
            HashSet<string>? seen = null;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var page = await fetch(cursor, pageSize, cancellationToken).ConfigureAwait(false);
                if (page.Items.Count > 0) yield return page.Items;
                if (page.Next is null) yield break;
                seen ??= new HashSet<string>(StringComparer.Ordinal);
                if (cursor != null) seen.Add(cursor);
                if (!seen.Add(page.Next)) throw Looping(provider, call, page.Next);
                cursor = page.Next;
            }
        }

        /// <summary>The items of every page, one at a time.</summary>
        public static async IAsyncEnumerable<T> Items<T>(string provider, string call, int pageSize, PageFetch<T> fetch,
            [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await foreach (var page in Pages(provider, call, pageSize, fetch, cancellationToken).ConfigureAwait(false))
                foreach (var item in page)
                    yield return item;
        }

        internal static VectorOpsException Looping(string provider, string call, string cursor) =>
            new VectorOpsException(ErrorIds.ProviderProtocolError, VectorOpsErrorCategory.ProtocolError,
                $"{provider}'s {call} answered the cursor '{Show(cursor)}' a second time; stopping rather than looping.", cursor);

        private static string Show(string cursor) => cursor.Length > 80 ? cursor.Substring(0, 80) + "…" : cursor;
    }
}
