using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace VectorOps.Bench
{
    /// <summary>
    /// One table at the end of a run: each store's figure against its issue-19 target. Every case that has a target
    /// adds its row here when it has measured; the table is printed once, after the last case (the quick preset's
    /// one-look answer to "did this change keep every store on target?"). Nothing here is asserted by a test.
    /// </summary>
    internal static class Summary
    {
        private static readonly List<string[]> Rows = new List<string[]>();

        /// <summary>Adds a row: the store, what is compared, the figure, the target, whether it is met (null: no target).</summary>
        public static void Add(string store, string measure, double value, string target, bool? met, string note = "") =>
            Rows.Add(new[]
            {
                store, measure, double.IsNaN(value) ? "not measured" : value.ToString("0.000", CultureInfo.InvariantCulture), target,
                met is null || double.IsNaN(value) ? "" : met.Value ? "met" : "**missed**", note,
            });

        /// <summary>A store whose case did not run in this build or preset, named so the table shows the gap.</summary>
        public static void Missing(string store, string why) => Rows.Add(new[] { store, "", "not measured", "", "", why });

        public static void Print(Options o)
        {
            if (Rows.Count == 0) return;
            Report.Table($"Summary: each store against its target (preset `{o.Preset}`; small N in `quick`, so read the full cases for the figures of record)",
                new[] { "store", "compared", "figure", "target", "", "note" }, Rows);
        }

        public static string Ratio(double x) => x.ToString("0.00", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The quick preset (<c>quick</c>): every store's case at small N, then <see cref="Summary"/>. Under two minutes on
    /// the 2-core machine of docs/benchmarks.md.
    /// </summary>
    internal static class QuickPreset
    {
        /// <summary>
        /// HOOK for the hosted-service shapes that live in bench files of their own (issue 19, items 3-4: Qdrant and
        /// Weaviate with their emulators' latency, the vendors' npm clients). Each entry: the store's name as the
        /// summary shows it, and its case run at small N (it adds its own rows with <see cref="Summary.Add"/>). The
        /// quick preset runs every entry after the built-in cases; a store listed in <see cref="ExpectedHostedShapes"/>
        /// with no entry here shows as "not measured" in the summary. Add a line per case, e.g.
        /// <c>("Qdrant", QdrantShape.Quick),</c>.
        /// </summary>
        public static readonly List<(string Store, Action<Options> Run)> HostedShapes = new List<(string, Action<Options>)>
        {
            ("Qdrant", o => HostedBench.Run(o, quick: true, providers: new[] { "qdrant" })),
            ("Weaviate", o => HostedBench.Run(o, quick: true, providers: new[] { "weaviate" })),
        };

        /// <summary>The hosted shapes issue 19 asks for beyond Pinecone and Vectorize (which <c>service</c> runs).</summary>
        public static readonly string[] ExpectedHostedShapes = { "Qdrant", "Weaviate" };

        public static void RunHostedShapes(Options o)
        {
            foreach (var (store, run) in HostedShapes)
            {
                try { run(o); }
                catch (Exception ex)
                {
                    Report.Progress($"{store} case failed: {ex.Message}");
                    Summary.Missing(store, "its case failed: " + ex.GetType().Name);
                }
            }
            foreach (var store in ExpectedHostedShapes.Where(s => !HostedShapes.Any(h => string.Equals(h.Store, s, StringComparison.OrdinalIgnoreCase))))
                Summary.Missing(store, "no case registered in QuickPreset.HostedShapes yet (bench/VectorOps.Bench/Summary.cs)");
        }
    }
}
