using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using VectorOps.Filtering;
using VectorOps.Model;
using VectorOps.Providers.Local;
using Xunit;

namespace VectorOps.Tests.Local
{
    /// <summary>The sample records loaded once into a store that the read-only tests share.</summary>
    public sealed class SampleStoreFixture : IAsyncLifetime
    {
        internal TestStore Store { get; } = new TestStore("samples");
        internal LocalProvider Provider => Store.Provider;

        public Task InitializeAsync() => Provider.UpsertAllAsync(SampleData.All);

        public Task DisposeAsync()
        {
            Store.Dispose();
            return Task.CompletedTask;
        }
    }

    /// <summary>
    /// The local store's SQL (FindIds, Count, DeleteByFilter) must select exactly the records MetadataFilter.Matches
    /// selects: over the sample file, and over records built to hit every corner of the semantics.
    /// </summary>
    public class LocalFilterCrossCheckTests : IClassFixture<SampleStoreFixture>
    {
        private static readonly CancellationToken None = CancellationToken.None;
        private readonly SampleStoreFixture _fixture;

        public LocalFilterCrossCheckTests(SampleStoreFixture fixture) { _fixture = fixture; }

        public static IEnumerable<object[]> SampleFilters() => new[]
        {
            "{\"tenant\": \"acme\"}",
            "{\"tenant\": \"ACME\"}",
            "{\"tags\": \"security\"}",
            "{\"tags\": {\"$in\": [\"security\", \"compliance\"]}}",
            "{\"tags\": {\"$ne\": \"python\"}}",
            "{\"tags\": {\"$nin\": [\"python\", \"dotnet\"]}}",
            "{\"tags\": {\"$exists\": true}}",
            "{\"year\": 2021}",
            "{\"year\": \"2021\"}",
            "{\"year\": {\"$gte\": 2023}, \"published\": true}",
            "{\"year\": {\"$in\": [2019, 2020, 2021]}}",
            "{\"year\": {\"$nin\": [2025]}, \"lang\": {\"$in\": [\"de\", \"fr\"]}}",
            "{\"published\": false}",
            "{\"published\": 1}",
            "{\"published\": {\"$ne\": true}}",
            "{\"rating\": {\"$exists\": false}}",
            "{\"rating\": {\"$exists\": true}}",
            "{\"rating\": {\"$ne\": 3.4}}",
            "{\"rating\": {\"$gt\": 2.5, \"$lte\": 4.1}}",
            "{\"rating\": {\"$nin\": [1.0, 2.5, 5]}}",
            "{\"views\": {\"$gt\": 100, \"$lt\": 1000}}",
            "{\"$or\": [{\"category\": \"news\"}, {\"views\": {\"$gt\": 500}}]}",
            "{\"$or\": [{\"$and\": [{\"tenant\": \"acme\"}, {\"year\": {\"$lt\": 2019}}]}, {\"tags\": {\"$in\": [\"ml\"]}}]}",
            "{\"$and\": [{\"$or\": [{\"lang\": \"de\"}, {\"lang\": \"ja\"}]}, {\"$or\": [{\"reviewed_by\": {\"$exists\": true}}, {\"rating\": {\"$gte\": 4.5}}]}]}",
            "{\"title\": \"Getting started with vector search\"}",
            "{\"title\": {\"$in\": [\"Notes on Café analytics\", \"A guide to 日本語 search\", \"Deep dive: Straße routing\"]}}",
            "{\"status\": {\"$ne\": \"closed\"}, \"tenant\": \"acme\"}",
            "{\"priority\": {\"$in\": [\"high\", \"urgent\"]}, \"resolved\": false}",
            "{\"response_hours\": {\"$lt\": 1}}",
            "{\"response_hours\": {\"$gte\": 0.44, \"$lte\": 0.44}}",
            "{\"satisfaction\": {\"$lte\": 2}}",
            "{\"customer\": {\"$nin\": [\"acme-cust-001\", \"acme-cust-002\"]}, \"tier\": \"enterprise\"}",
            "{\"price\": {\"$lte\": 20}, \"in_stock\": true}",
            "{\"price\": {\"$in\": [14.01, 19.99, 100]}}",
            "{\"discontinued\": true}",
            "{\"discontinued\": false}",
            "{\"discontinued\": {\"$ne\": true}}",
            "{\"stock\": {\"$lt\": 0}}",
            "{\"nonexistent\": {\"$exists\": false}}",
            "{\"nonexistent\": {\"$ne\": \"x\"}}",
            "{\"nonexistent\": {\"$nin\": [1]}}",
            "{\"category\": {\"$nin\": [\"shoes\", \"bags\"]}, \"year\": 2024}",
            "{\"tenant\": {\"$in\": [\"acme\", 5]}}",
            // Long lists: numbers beyond the bound-parameter limit travel as one JSON array.
            "{\"views\": {\"$in\": [" + string.Join(",", Enumerable.Range(0, 400)) + "]}}",
            "{\"stock\": {\"$nin\": [" + string.Join(",", Enumerable.Range(0, 250).Select(i => i * 2)) + "]}}",
            "{\"customer\": {\"$in\": [" + string.Join(",", Enumerable.Range(1, 300).Select(i => $"\"acme-cust-{i:D3}\"")) + "]}}",
        }.Select(f => new object[] { f });

        private static List<string> Expected(string ns, MetadataFilter filter) =>
            SampleData.In(ns).Where(r => filter.Matches(r.Metadata)).Select(r => r.Id).OrderBy(i => i, Utf8Order.Instance).ToList();

        [Fact]
        public void There_are_at_least_fifteen_filters() => Assert.True(SampleFilters().Count() >= 15);

        [Theory]
        [MemberData(nameof(SampleFilters))]
        public async Task FindIds_and_Count_select_exactly_what_Matches_selects(string json)
        {
            var filter = MetadataFilter.Parse(json);
            var p = _fixture.Provider;
            var anyMatch = false;
            foreach (var ns in SampleData.Namespaces)
            {
                var expected = Expected(ns, filter);
                anyMatch |= expected.Count > 0;
                var found = await p.FindAllAsync(ns, filter);
                Assert.Equal(expected, found); // same ids, in id order
                Assert.Equal(expected.Count, await p.CountAsync(ns, filter, None));
            }
            // Most filters here select something; the few that must select nothing say so in their value.
            if (!anyMatch)
                Assert.Contains(json, new[]
                {
                    "{\"tenant\": \"ACME\"}", "{\"year\": \"2021\"}", "{\"published\": 1}", "{\"discontinued\": false}", "{\"stock\": {\"$lt\": 0}}",
                });
        }

        [Theory]
        [MemberData(nameof(SampleFilters))]
        public async Task DeleteByFilter_deletes_exactly_what_Matches_selects(string json)
        {
            var filter = MetadataFilter.Parse(json);
            using var store = new TestStore();
            var p = store.Provider;
            await p.UpsertAllAsync(SampleData.All);
            foreach (var ns in SampleData.Namespaces)
            {
                var doomed = Expected(ns, filter);
                var w = await p.DeleteByFilterAsync(ns, filter, None);
                Assert.Equal(doomed.Count, w.AffectedCount);
                var survivors = SampleData.In(ns).Select(r => r.Id).Except(doomed).OrderBy(i => i, Utf8Order.Instance).ToList();
                Assert.Equal(survivors, await p.AllIdsAsync(ns));
            }
        }

        /// <summary>samples/README.md promises these counts; the file, Matches and SQL must all agree with it.</summary>
        [Fact]
        public async Task The_counts_in_the_samples_readme_hold()
        {
            var readme = File.ReadAllLines(Path.Combine(SampleData.RepoRoot, "samples", "README.md"));
            var rows = readme.Select(l => Regex.Match(l, @"^\| `(?<q>[^`]+)` \| (?<ns>\w+) \| (?<n>\d+) \|$")).Where(m => m.Success).ToList();
            Assert.True(rows.Count >= 15, "README rows found: " + rows.Count);
            var p = _fixture.Provider;
            foreach (var m in rows)
            {
                var q = m.Groups["q"].Value;
                var ns = m.Groups["ns"].Value;
                var n = long.Parse(m.Groups["n"].Value);
                if (q.StartsWith("{", StringComparison.Ordinal))
                {
                    var filter = MetadataFilter.Parse(q);
                    Assert.True(n == SampleData.In(ns).Count(r => filter.Matches(r.Metadata)), $"README count for {q} in {ns}");
                    Assert.Equal(n, await p.CountAsync(ns, filter, None));
                }
                else
                {
                    Assert.True(n == SampleData.In(ns).Count(r => r.Id.StartsWith(q, StringComparison.Ordinal)), $"README count for prefix {q} in {ns}");
                    Assert.Equal(n, (await p.AllIdsAsync(ns, q)).Count);
                }
            }
            var perNs = SampleData.All.GroupBy(r => r.Namespace).ToDictionary(g => g.Key!, g => g.Count());
            Assert.Equal(new Dictionary<string, int> { ["articles"] = 1200, ["support"] = 1000, ["products"] = 800 }, perNs);
        }

        // ---- corner cases ------------------------------------------------------------------------------

        private static Dictionary<string, object?> M(params (string Key, object? Value)[] pairs) =>
            pairs.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

        private static readonly string[] OddFields =
        {
            "a.b", "q\"x", "b\\s", "[0]", "x.$.y", "'; DROP TABLE vo_records; --", "ключ", "a\tb", " spaced ", "*",
        };

        /// <summary>Records whose metadata exercises every rule: lists, nulls, nesting, types, odd keys and text.</summary>
        private static List<VectorRecord> CornerRecords()
        {
            var list = new List<(string, Dictionary<string, object?>?)>
            {
                ("null-metadata", null),
                ("empty-metadata", M()),
                ("num-int", M(("n", 1L), ("s", "1"), ("flag", true))),
                ("num-double", M(("n", 2.5), ("s", "2.5"), ("flag", false))),
                ("num-zero", M(("n", 0L), ("s", ""), ("flag", false))),
                ("num-negative", M(("n", -3.75), ("s", "-3.75"))),
                ("num-big", M(("n", 9007199254740993L), ("s", "9007199254740993"))),
                ("num-huge", M(("n", 1e20), ("s", "1e20"))),
                ("num-tiny", M(("n", 1e-20))),
                ("mixed-list", M(("n", new List<object?> { 1L, 2.5, true, null, "s", new List<object?> { 3L } }), ("tags", new List<string> { "a", "b" }))),
                ("bool-list", M(("flag", new List<object?> { true }), ("tags", new List<string> { "b" }))),
                ("empty-list", M(("n", new List<object?>()), ("tags", new List<string>()))),
                ("nested-list-only", M(("n", new List<object?> { new List<object?> { 1L } }), ("tags", new List<object?> { null }))),
                ("nested-object", M(("n", M(("k", 1L))), ("s", M(("s", "v"))), ("tags", M(("0", "a"))))),
                ("null-values", M(("n", null), ("s", null), ("flag", null), ("tags", null))),
                ("text-unicode", M(("s", "Ünïcødé 😀"), ("tags", new List<string> { "😀", "日本" }))),
                ("text-quotes", M(("s", "a\"b\\c'd"), ("tags", new List<string> { "%", "_" }))),
                ("text-wild", M(("s", "%"), ("tags", new List<string> { "a%" }))),
                ("text-case", M(("s", "S"), ("tags", new List<string> { "A" }))),
                ("text-true", M(("s", "true"), ("flag", "true"), ("n", "1"))),
                ("text-json", M(("s", "{\"k\":1}"), ("tags", new List<string> { "[1]" }))),
            };
            var odd = new List<(string, Dictionary<string, object?>?)>();
            for (var i = 0; i < OddFields.Length; i++)
            {
                odd.Add(("odd-" + i, M((OddFields[i], "v"), ("n", (long)i))));
                odd.Add(("odd-num-" + i, M((OddFields[i], (long)i))));
            }
            // A field whose name is a prefix or a JSON-path-looking variant of another must not be confused with it.
            odd.Add(("odd-near", M(("a", M(("b", "v"))), ("q", "v"), ("b\\\\s", "v"))));
            return list.Concat(odd).Select(x => new VectorRecord(x.Item1) { Values = new float[] { 1, 2 }, Metadata = x.Item2 }).ToList();
        }

        private static IEnumerable<string> CornerFilters()
        {
            object[] operands =
            {
                1L, 2.5, 0L, -3.75, 9007199254740992L, 1e20, 1e-20, 3L, true, false,
                "1", "2.5", "", "s", "v", "S", "a", "b", "A", "true", "%", "_", "a%", "😀", "Ünïcødé 😀", "a\"b\\c'd", "{\"k\":1}", "[1]", "日本",
            };
            var fields = new[] { "n", "s", "flag", "tags", "k", "missing", "a", "q", "b\\\\s" }.Concat(OddFields);
            foreach (var field in fields)
            {
                var name = System.Text.Json.JsonSerializer.Serialize(field);
                foreach (var o in operands)
                {
                    var v = System.Text.Json.JsonSerializer.Serialize(o);
                    yield return $"{{{name}: {v}}}";
                    yield return $"{{{name}: {{\"$ne\": {v}}}}}";
                    if (o is not bool)
                    {
                        yield return $"{{{name}: {{\"$in\": [{v}]}}}}";
                        yield return $"{{{name}: {{\"$nin\": [{v}, \"zzz\"]}}}}";
                    }
                    if (o is long or double)
                        foreach (var op in new[] { "$gt", "$gte", "$lt", "$lte" })
                            yield return $"{{{name}: {{\"{op}\": {v}}}}}";
                }
                yield return $"{{{name}: {{\"$in\": [1, \"s\", 2.5, \"a\", \"v\"]}}}}";
                yield return $"{{{name}: {{\"$exists\": true}}}}";
                yield return $"{{{name}: {{\"$exists\": false}}}}";
            }
            yield return "{\"$or\": [{\"n\": {\"$exists\": false}}, {\"tags\": \"a\"}], \"s\": {\"$ne\": \"v\"}}";
            yield return "{\"$and\": [{\"n\": {\"$gte\": 0}}, {\"$or\": [{\"flag\": true}, {\"s\": {\"$in\": [\"\", \"%\"]}}]}]}";
        }

        [Fact]
        public async Task Corner_cases_select_what_Matches_selects_on_the_stored_and_the_original_metadata()
        {
            using var store = new TestStore();
            var p = store.Provider;
            var records = CornerRecords();
            await p.UpsertAsync("edge", records, None);
            var stored = await p.FetchAsync("edge", records.Select(r => r.Id).ToList(), None);
            Assert.Equal(records.Count, stored.Count);

            var failures = new List<string>();
            var checkedFilters = 0;
            foreach (var json in CornerFilters())
            {
                var filter = MetadataFilter.Parse(json);
                var expected = records.Where(r => filter.Matches(r.Metadata)).Select(r => r.Id).OrderBy(i => i, Utf8Order.Instance).ToList();
                var fromStored = stored.Where(r => filter.Matches(r.Metadata)).Select(r => r.Id).OrderBy(i => i, Utf8Order.Instance).ToList();
                var found = await p.FindAllAsync("edge", filter);
                var count = await p.CountAsync("edge", filter, None);
                if (!expected.SequenceEqual(found) || !fromStored.SequenceEqual(found) || count != expected.Count)
                    failures.Add($"{json}: Matches [{string.Join(",", expected)}] stored [{string.Join(",", fromStored)}] SQL [{string.Join(",", found)}] count {count}");
                checkedFilters++;
            }
            Assert.True(checkedFilters > 500, "filters checked: " + checkedFilters);
            Assert.True(failures.Count == 0, string.Join("\n", failures.Take(25)));
        }
    }
}
