using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using VectorOps.Errors;
using VectorOps.Filtering;
using VectorOps.Model;
using VectorOps.Providers;
using VectorOps.Serialization;
using Xunit;
using Xunit.Abstractions;

namespace VectorOps.Tests.Qdrant
{
    /// <summary>
    /// The filter translation, held to the filter language: random filters over records with every awkward payload
    /// (lists, missing keys, nulls, empty lists, integers beside fractions, booleans, numbers as text) find, through
    /// Prism and the emulator's Qdrant semantics, exactly the records MetadataFilter.Matches finds in memory.
    /// </summary>
    public sealed class QdrantFilterTests : QdrantTestBase
    {
        private readonly ITestOutputHelper _output;

        public QdrantFilterTests(QdrantFixture fixture, ITestOutputHelper output) : base(fixture)
        {
            _output = output;
        }

        private static readonly string[] Genres = { "drama", "comedy", "noir", "Drama", "" };

        private static Dictionary<string, object?> RandomMetadata(Random r)
        {
            var md = new Dictionary<string, object?>(StringComparer.Ordinal);
            switch (r.Next(6))
            {
                case 0: break; // missing
                case 1: md["genre"] = null; break;
                default: md["genre"] = Genres[r.Next(Genres.Length)]; break;
            }
            switch (r.Next(7))
            {
                case 0: break;
                case 1: md["n"] = (double)r.Next(0, 6) + 0.5; break;
                case 2: md["n"] = r.Next(0, 6).ToString(CultureInfo.InvariantCulture); break; // a number as text
                case 3: md["n"] = null; break;
                default: md["n"] = (long)r.Next(0, 6); break;
            }
            switch (r.Next(5))
            {
                case 0: break;
                case 1: md["tags"] = new List<string>(); break;
                case 2: md["tags"] = new List<object?> { (long)r.Next(0, 4), "a" }; break;
                default: md["tags"] = Enumerable.Range(0, r.Next(1, 3)).Select(_ => "abcd"[r.Next(4)].ToString()).ToList(); break;
            }
            if (r.Next(3) > 0) md["flag"] = r.Next(2) == 0;
            return md;
        }

        private static object RandomValue(Random r, string field)
        {
            switch (field)
            {
                case "genre": return Genres[r.Next(Genres.Length)];
                case "n": return r.Next(4) == 0 ? r.Next(0, 6) + 0.5 : r.Next(4) == 0 ? (object)r.Next(0, 6).ToString(CultureInfo.InvariantCulture) : r.Next(0, 6);
                case "tags": return r.Next(3) == 0 ? (object)r.Next(0, 4) : "abcd"[r.Next(4)].ToString();
                default: return r.Next(2) == 0;
            }
        }

        private static Dictionary<string, object> RandomCondition(Random r, int depth)
        {
            if (depth < 2 && r.Next(4) == 0)
            {
                var children = Enumerable.Range(0, r.Next(1, 4)).Select(_ => (object)RandomCondition(r, depth + 1)).ToList();
                return new Dictionary<string, object> { [r.Next(2) == 0 ? "$and" : "$or"] = children };
            }
            var fields = new[] { "genre", "n", "tags", "flag" };
            var field = fields[r.Next(fields.Length)];
            object operand;
            string op;
            switch (r.Next(8))
            {
                case 0: op = "$eq"; operand = RandomValue(r, field); break;
                case 1: op = "$ne"; operand = RandomValue(r, field); break;
                case 2: op = "$gt"; operand = r.Next(0, 6) - (r.Next(2) == 0 ? 0.5 : 0); break;
                case 3: op = "$gte"; operand = r.Next(0, 6) - (r.Next(2) == 0 ? 0.5 : 0); break;
                case 4: op = "$lt"; operand = r.Next(0, 6) + (r.Next(2) == 0 ? 0.5 : 0); break;
                case 5: op = "$lte"; operand = r.Next(0, 6) + (r.Next(2) == 0 ? 0.5 : 0); break;
                case 6: op = "$in"; operand = Enumerable.Range(0, r.Next(1, 4)).Select(_ => field == "flag" ? "x" : RandomValue(r, field)).ToList(); break;
                default: op = "$nin"; operand = Enumerable.Range(0, r.Next(1, 4)).Select(_ => field == "flag" ? "x" : RandomValue(r, field)).ToList(); break;
            }
            if ((op == "$eq" || op == "$ne") && field == "flag") operand = r.Next(2) == 0;
            return new Dictionary<string, object> { [field] = new Dictionary<string, object> { [op] = operand } };
        }

        [Fact]
        public async Task Random_filters_find_through_Qdrant_exactly_what_the_filter_language_finds_in_memory()
        {
            var r = new Random(1616);
            var collection = Fixture.NewCollection();
            var records = Enumerable.Range(0, 120).Select(i => (Id: (1000 + i).ToString(CultureInfo.InvariantCulture), Metadata: RandomMetadata(r))).ToList();
            var docs = records.Select(x => (x.Id, new float[] { 1, 0, 0, 0 }, JsonPayload(x.Metadata, "ns"))).ToList();
            // Whole numbers stored as floats ("n": 3.0): Qdrant's integer match would miss them, the filter language does not.
            for (var i = 0; i < 6; i++)
            {
                var id = (2000 + i).ToString(CultureInfo.InvariantCulture);
                records.Add((id, new Dictionary<string, object?> { ["n"] = (double)i, ["genre"] = "noir" }));
                docs.Add((id, new float[] { 1, 0, 0, 0 }, "{\"n\":" + i.ToString(CultureInfo.InvariantCulture) + ".0,\"genre\":\"noir\",\"group_id\":\"ns\"}"));
            }
            collection.Seed(docs);
            // A point of another namespace that matches everything the others might: never found.
            collection.Seed(new[] { ("5", new float[] { 1, 0, 0, 0 }, JsonPayload(records[0].Metadata, "elsewhere")) });
            using var c = Fixture.Connect(collection.Name);
            var p = c.ProviderInstance;
            var checkedFilters = 0;
            var nonTrivial = 0;
            for (var i = 0; i < 160; i++)
            {
                var filter = MetadataFilter.Parse(RandomCondition(r, 0));
                var expected = records.Where(x => filter.Matches(x.Metadata)).Select(x => x.Id).OrderBy(x => x, StringComparer.Ordinal).ToList();
                var found = new List<string>();
                await foreach (var page in p.FindIdsAsync("ns", filter, CancellationToken.None)) found.AddRange(page);
                Assert.True(expected.SequenceEqual(found.OrderBy(x => x, StringComparer.Ordinal)),
                    $"{filter.Json}: expected {string.Join(",", expected)}; Qdrant found {string.Join(",", found.OrderBy(x => x, StringComparer.Ordinal))}");
                Assert.Equal(expected.Count, await p.CountAsync("ns", filter, CancellationToken.None));
                checkedFilters++;
                if (expected.Count > 0 && expected.Count < records.Count) nonTrivial++;
            }
            Assert.True(nonTrivial > 60, $"only {nonTrivial} of the filters split the records");
            _output.WriteLine($"{checkedFilters} random filters, {nonTrivial} splitting the 120 records; every one agreed with the in-memory filter");
        }

        private static string JsonPayload(Dictionary<string, object?> md, string ns)
        {
            var copy = new Dictionary<string, object?>(md, StringComparer.Ordinal) { [QdrantFixture.NamespaceKey] = ns };
            return RecordJson.MetadataToJson(copy);
        }

        [Theory]
        [InlineData("{\"genre\": {\"$exists\": false}}", "$exists")]
        [InlineData("{\"$or\": [{\"n\": 1}, {\"genre\": {\"$exists\": true}}]}", "$exists")]
        [InlineData("{\"a.b\": 1}", "path into nested payload")]
        [InlineData("{\"tags[]\": \"x\"}", "path into nested payload")]
        [InlineData("{\"group_id\": \"other\"}", "namespace key")]
        public void What_Qdrant_cannot_say_exactly_is_refused_before_any_request(string json, string reason)
        {
            var collection = Fixture.NewCollection();
            QdrantFixture.Seed(collection, "ns", new[] { "1", "2" });
            using var c = Fixture.Connect(collection.Name);
            var before = Fixture.Calls(collection.Name).Count;
            var filter = MetadataFilter.ParseJson(json);
            foreach (var call in new Action[]
            {
                () => Sync(c.ProviderInstance.DeleteByFilterAsync("ns", filter, CancellationToken.None)),
                () => Sync(c.ProviderInstance.CountAsync("ns", filter, CancellationToken.None)),
                () => c.ProviderInstance.FindIdsAsync("ns", filter, CancellationToken.None),
            })
            {
                var ex = Assert.Throws<VectorOpsException>(call);
                Assert.Equal(ErrorIds.FilterNotSupported, ex.ErrorId);
                Assert.Contains(reason, ex.Message);
            }
            Assert.Equal(before, Fixture.Calls(collection.Name).Count);
            Assert.Equal(2, collection.Count);
        }

        [Fact]
        public void An_empty_filter_never_reaches_the_server()
        {
            var collection = Fixture.NewCollection();
            QdrantFixture.Seed(collection, null, new[] { "1", "2", "3" });
            foreach (var namespaced in new[] { true, false })
            {
                using var c = Fixture.Connect(collection.Name, namespaced);
                var before = Fixture.Calls(collection.Name).Count;
                var ns = c.ProviderInstance.DefaultNamespace;
                var ex = Assert.Throws<VectorOpsException>(() => Sync(c.ProviderInstance.DeleteByFilterAsync(ns, null!, CancellationToken.None)));
                Assert.Equal(ErrorIds.EmptyFilter, ex.ErrorId);
                Assert.Throws<VectorOpsException>(() => Sync(c.ProviderInstance.CountAsync(ns, null!, CancellationToken.None)));
                if (!namespaced)
                {
                    // Without a namespace key a namespace clear would be an unscoped delete: refused, the command lists ids instead.
                    Assert.False(c.ProviderInstance.Capabilities.NativeNamespaceClear);
                    var clear = Assert.Throws<VectorOpsException>(() => Sync(c.ProviderInstance.ClearNamespaceAsync(ns, false, CancellationToken.None)));
                    Assert.Equal(ErrorIds.NotSupported, clear.ErrorId);
                }
                Assert.Equal(before, Fixture.Calls(collection.Name).Count);
                Assert.Empty(Fixture.Calls(collection.Name, "delete"));
            }
            Assert.Equal(3, collection.Count);
        }
    }
}
