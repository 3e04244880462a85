using System;
using System.Collections.Generic;
using System.Linq;

namespace VectorOps.Errors
{
    /// <summary>
    /// "Did you mean ...?" for a namespace or index name that does not exist: the existing names that differ only in
    /// case, then those within a small edit distance (insertions, deletions, substitutions and swaps of two neighbours,
    /// compared without case), closest first.
    /// </summary>
    public static class NameSuggestions
    {
        /// <summary>Most names a suggestion lists.</summary>
        public const int MaxSuggestions = 3;

        /// <summary>Most existing names a message lists when nothing is close.</summary>
        public const int MaxListed = 10;

        /// <summary>The existing names close to <paramref name="given"/>, closest first (at most <see cref="MaxSuggestions"/>).</summary>
        public static IReadOnlyList<string> Closest(string given, IEnumerable<string> existing)
        {
            if (given is null || existing is null) return Array.Empty<string>();
            var limit = Math.Max(2, given.Length / 3);
            return existing
                .Where(n => n != null && !string.Equals(n, given, StringComparison.Ordinal))
                .Distinct(StringComparer.Ordinal)
                .Select(n => (Name: n, Distance: string.Equals(n, given, StringComparison.OrdinalIgnoreCase) ? 0 : Distance(given, n, limit)))
                .Where(x => x.Distance <= limit)
                .OrderBy(x => x.Distance)
                .ThenBy(x => x.Name, StringComparer.Ordinal)
                .Take(MaxSuggestions)
                .Select(x => x.Name)
                .ToList();
        }

        /// <summary>
        /// The sentences that end a not-found message: "Did you mean 'a'?" when a name is close, then the existing
        /// names (at most <see cref="MaxListed"/>), or that there are none. <paramref name="plural"/>: "namespaces".
        /// </summary>
        public static string Hint(string given, IReadOnlyCollection<string> existing, string plural)
        {
            if (existing.Count == 0) return $"It has no {plural} yet.";
            var close = Closest(given, existing);
            var mean = close.Count > 0 ? "Did you mean " + string.Join(" or ", close.Select(n => "'" + n + "'")) + "? " : "";
            var shown = existing.OrderBy(n => n, StringComparer.Ordinal).Take(MaxListed).Select(n => "'" + n + "'");
            return mean + $"Its {plural}: " + string.Join(", ", shown) + (existing.Count > MaxListed ? $" and {existing.Count - MaxListed:N0} more." : ".");
        }

        /// <summary>Optimal string alignment distance without case; stops early once it is sure to exceed <paramref name="limit"/>.</summary>
        internal static int Distance(string a, string b, int limit)
        {
            if (Math.Abs(a.Length - b.Length) > limit) return limit + 1;
            var x = a.ToUpperInvariant();
            var y = b.ToUpperInvariant();
            var prev2 = new int[y.Length + 1];
            var prev = new int[y.Length + 1];
            var cur = new int[y.Length + 1];
            for (var j = 0; j <= y.Length; j++) prev[j] = j;
            for (var i = 1; i <= x.Length; i++)
            {
                cur[0] = i;
                var rowMin = cur[0];
                for (var j = 1; j <= y.Length; j++)
                {
                    var cost = x[i - 1] == y[j - 1] ? 0 : 1;
                    var d = Math.Min(Math.Min(prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + cost);
                    if (i > 1 && j > 1 && x[i - 1] == y[j - 2] && x[i - 2] == y[j - 1]) d = Math.Min(d, prev2[j - 2] + 1);
                    cur[j] = d;
                    if (d < rowMin) rowMin = d;
                }
                if (rowMin > limit) return limit + 1;
                var t = prev2;
                prev2 = prev;
                prev = cur;
                cur = t;
            }
            return prev[y.Length];
        }
    }
}
