using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Npgsql;
using NpgsqlTypes;
using VectorOps.Emulators.PgLite;
using VectorOps.Filtering;
using VectorOps.Model;
using VectorOps.Providers.PgVector;
using VectorOps.Serialization;
using VectorOps.Tests.Local;
using Xunit;

namespace VectorOps.Tests.PgVector
{
    /// <summary>
    /// Two tables on the shared real PostgreSQL (PGlite): records built to hit every corner of the filter semantics
    /// (as raw JSON, so also what only jsonb can hold: numbers beyond the double range, duplicate keys, metadata that
    /// is not an object), and the sample file's 3,000 records. What each row holds is read back from the server, so
    /// MetadataFilter.Matches judges exactly what PostgreSQL stored.
    /// </summary>
    public sealed class PgFilterSqlFixture : IAsyncLifetime
    {
        public const string Corner = "vo_pgfiltersql_corner";
        public const string Samples = "vo_pgfiltersql_samples";
        public const string JsonTable = "vo_pgfiltersql_json";

        /// <summary>Keys that look like SQL, JSON paths or operators: each must be a plain key.</summary>
        public static readonly string[] OddKeys =
        {
            "a.b", "q\"x", "b\\s", "[0]", "x.$.y", "a'); DROP TABLE vo_pgfiltersql_corner; --", "ключ", "a\tb", " spaced ", "*", "{a}", "x$1", "?",
        };

        /// <summary>id -> metadata as JSON text (null: SQL NULL).</summary>
        public static readonly IReadOnlyList<(string Id, string? Json)> CornerRows = BuildCornerRows();

        public NpgsqlDataSource DataSource { get; } = NpgsqlDataSource.Create(PgLiteServer.Shared.ConnectionString);

        /// <summary>Per table: id -> the metadata the server stored, as the in-memory evaluation sees it.</summary>
        public Dictionary<string, Dictionary<string, object?>?> CornerStored { get; private set; } = new();
        public Dictionary<string, Dictionary<string, object?>?> SampleStored { get; private set; } = new();

        private static List<(string, string?)> BuildCornerRows()
        {
            var rows = new List<(string, string?)>
            {
                ("c-null-metadata", null),
                ("c-empty", "{}"),
                ("c-array-metadata", "[1, 2, {\"n\": 1}]"),
                ("c-string-metadata", "\"n\""),
                ("c-number-metadata", "1"),
                ("c-int", "{\"n\": 1, \"s\": \"1\", \"flag\": true, \"k\": \"v\"}"),
                ("c-int-as-decimal", "{\"n\": 1.0, \"s\": \"1.0\"}"),
                ("c-double", "{\"n\": 2.5, \"s\": \"2.5\", \"flag\": false}"),
                ("c-zero", "{\"n\": 0, \"s\": \"\", \"flag\": false}"),
                ("c-negative-zero", "{\"n\": -0.0}"),
                ("c-negative", "{\"n\": -3.75, \"s\": \"-3.75\"}"),
                ("c-beyond-2^53", "{\"n\": 9007199254740993, \"s\": \"9007199254740993\"}"),
                ("c-2^53", "{\"n\": 9007199254740992}"),
                ("c-1e20", "{\"n\": 1e20}"),
                ("c-1e-20", "{\"n\": 1e-20}"),
                ("c-1e300", "{\"n\": 1e300}"),
                ("c-max-double", "{\"n\": 1.7976931348623157e308}"),
                ("c-overflow", "{\"n\": 1e400, \"s\": \"x\"}"),
                ("c-overflow-negative", "{\"n\": -1e400}"),
                ("c-overflow-in-list", "{\"n\": [1e400, 3], \"tags\": [\"a\"]}"),
                ("c-underflow", "{\"n\": 1e-400}"),
                ("c-subnormal", "{\"n\": 5e-324}"),
                ("c-small-normal", "{\"n\": 2.5e-308}"),
                ("c-point-one", "{\"n\": 0.1}"),
                ("c-point-one-long", "{\"n\": 0.1000000000000000055511151231257827}"),
                ("c-point-three", "{\"n\": 0.30000000000000004}"),
                ("c-mixed-list", "{\"n\": [1, 2.5, true, null, \"s\", [3], {\"k\": 1}], \"tags\": [\"a\", \"b\"]}"),
                ("c-bool-list", "{\"flag\": [true], \"tags\": [\"b\"]}"),
                ("c-empty-lists", "{\"n\": [], \"tags\": []}"),
                ("c-nested-only", "{\"n\": [[1]], \"tags\": [null], \"flag\": [[true]]}"),
                ("c-objects", "{\"n\": {\"k\": 1}, \"s\": {\"s\": \"v\"}, \"tags\": {\"0\": \"a\"}, \"k\": {}}"),
                ("c-nulls", "{\"n\": null, \"s\": null, \"flag\": null, \"tags\": null}"),
                ("c-unicode", "{\"s\": \"Ünïcødé 😀\", \"tags\": [\"😀\", \"日本\"]}"),
                ("c-nfc", "{\"s\": \"caf\\u00e9\"}"),
                ("c-nfd", "{\"s\": \"cafe\\u0301\"}"),
                ("c-quotes", "{\"s\": \"a\\\"b\\\\c'd\", \"tags\": [\"%\", \"_\"]}"),
                ("c-case", "{\"s\": \"S\", \"tags\": [\"A\"]}"),
                ("c-true-text", "{\"s\": \"true\", \"flag\": \"true\", \"n\": \"1\"}"),
                ("c-json-text", "{\"s\": \"{\\\"k\\\":1}\", \"tags\": [\"[1]\"]}"),
                ("c-duplicate-key", "{\"n\": 1, \"n\": \"dup\"}"),
                ("c-mixed-tags", "{\"n\": 5, \"tags\": [\"a\", 5, \"5\", false]}"),
                ("c-near", "{\"a\": {\"b\": \"v\"}, \"q\": \"v\", \"x\": {\"$\": {\"y\": \"v\"}}}"),
            };
            for (var i = 0; i < OddKeys.Length; i++)
            {
                var key = JsonSerializer.Serialize(OddKeys[i]);
                rows.Add(($"c-odd-{i:D2}", $"{{{key}: \"v\", \"n\": {i}}}"));
                rows.Add(($"c-odd-num-{i:D2}", $"{{{key}: {i}}}"));
            }
            return rows;
        }

        public async Task InitializeAsync()
        {
            await using var c = await DataSource.OpenConnectionAsync();
            await Exec(c, $"DROP TABLE IF EXISTS {Corner}; CREATE TABLE {Corner} (id text PRIMARY KEY, metadata jsonb)");
            await Exec(c, $"DROP TABLE IF EXISTS {Samples}; CREATE TABLE {Samples} (namespace text NOT NULL, id text NOT NULL, metadata jsonb, PRIMARY KEY (namespace, id))");
            await Exec(c, $"DROP TABLE IF EXISTS {JsonTable}; CREATE TABLE {JsonTable} (id text PRIMARY KEY, metadata_ json)");

            await using (var insert = new NpgsqlCommand($"INSERT INTO {Corner} (id, metadata) SELECT * FROM unnest($1::text[], $2::text[]::jsonb[])", c))
            {
                insert.Parameters.Add(new NpgsqlParameter { Value = CornerRows.Select(r => r.Id).ToArray() });
                insert.Parameters.Add(new NpgsqlParameter { Value = CornerRows.Select(r => r.Json).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
                await insert.ExecuteNonQueryAsync();
            }
            await using (var insert = new NpgsqlCommand($"INSERT INTO {JsonTable} (id, metadata_) SELECT * FROM unnest($1::text[], $2::text[]::json[])", c))
            {
                var objects = CornerRows.Where(r => r.Json != null).ToList();
                insert.Parameters.Add(new NpgsqlParameter { Value = objects.Select(r => r.Id).ToArray() });
                insert.Parameters.Add(new NpgsqlParameter { Value = objects.Select(r => r.Json!).ToArray() });
                await insert.ExecuteNonQueryAsync();
            }
            await using (var insert = new NpgsqlCommand($"INSERT INTO {Samples} (namespace, id, metadata) SELECT * FROM unnest($1::text[], $2::text[], $3::text[]::jsonb[])", c))
            {
                var all = SampleData.All;
                insert.Parameters.Add(new NpgsqlParameter { Value = all.Select(r => r.Namespace!).ToArray() });
                insert.Parameters.Add(new NpgsqlParameter { Value = all.Select(r => r.Id).ToArray() });
                insert.Parameters.Add(new NpgsqlParameter { Value = all.Select(r => MetadataJson(r.Metadata)).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
                await insert.ExecuteNonQueryAsync();
            }
            CornerStored = await ReadStored(c, Corner);
            SampleStored = await ReadStored(c, Samples);
        }

        private static string? MetadataJson(IDictionary<string, object?>? metadata)
        {
            if (metadata is null) return null;
            using var doc = JsonDocument.Parse(RecordJson.ToLine(new VectorRecord("x") { Metadata = metadata }));
            return doc.RootElement.GetProperty("metadata").GetRawText();
        }

        private static async Task<Dictionary<string, Dictionary<string, object?>?>> ReadStored(NpgsqlConnection c, string table)
        {
            var result = new Dictionary<string, Dictionary<string, object?>?>(StringComparer.Ordinal);
            await using var read = new NpgsqlCommand($"SELECT id, metadata::text FROM {table}", c);
            await using var r = await read.ExecuteReaderAsync();
            while (await r.ReadAsync())
                result.Add(r.GetString(0), r.IsDBNull(1) ? null : InMemory(r.GetString(1)));
            return result;
        }

        /// <summary>
        /// Stored jsonb as the in-memory evaluation sees metadata (RecordJson.ToPlain's shapes): not an object = no
        /// metadata; a number a double cannot hold is an infinity (which Matches counts as no value).
        /// </summary>
        public static Dictionary<string, object?>? InMemory(string json)
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return null;
            var d = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var p in doc.RootElement.EnumerateObject()) d[p.Name] = Plain(p.Value);
            return d;
        }

        private static object? Plain(JsonElement v)
        {
            switch (v.ValueKind)
            {
                case JsonValueKind.Number:
                    if (v.TryGetInt64(out var l)) return l;
                    if (v.TryGetDouble(out var x)) return x;
                    return v.GetRawText().StartsWith("-", StringComparison.Ordinal) ? double.NegativeInfinity : double.PositiveInfinity;
                case JsonValueKind.Array:
                    return v.EnumerateArray().Select(Plain).ToList();
                case JsonValueKind.Object:
                    return v.EnumerateObject().ToDictionary(p => p.Name, p => Plain(p.Value), StringComparer.Ordinal);
                default:
                    return RecordJson.ToPlain(v);
            }
        }

        public static async Task Exec(NpgsqlConnection c, string sql)
        {
            await using var cmd = new NpgsqlCommand(sql, c);
            await cmd.ExecuteNonQueryAsync();
        }

        public Task DisposeAsync()
        {
            DataSource.Dispose();
            return Task.CompletedTask;
        }
    }

    /// <summary>
    /// Test classes that send large statements or hammer the shared PGlite server with a writer session run one
    /// after the other: seen once, PGlite's socket server read a 3,000-row insert as text holding a NUL
    /// (22021) while the concurrency tests' writer was busy on another connection.
    /// </summary>
    [CollectionDefinition(Name)]
    public sealed class PgLiteHeavy
    {
        public const string Name = "PGlite: large statements and busy writers";
    }

    /// <summary>
    /// PgFilterSql.Where on a real PostgreSQL selects exactly the records MetadataFilter.Matches selects: every
    /// operator on every corner, a few hundred seeded random filters, the sample file; its SQL never holds a key or
    /// a value (the text depends on the filter's shape only), is never NULL, and no stored value makes it fail.
    /// </summary>
    [Collection(PgLiteHeavy.Name)]
    public sealed class PgFilterSqlTests : IClassFixture<PgFilterSqlFixture>
    {
        private readonly PgFilterSqlFixture _fixture;

        public PgFilterSqlTests(PgFilterSqlFixture fixture) { _fixture = fixture; }

        private static readonly object[] Operands =
        {
            1.0, 2.5, 0.0, -3.75, 9007199254740992.0, 9007199254740993.0, 1e20, 1e-20, 3.0, 5.0, 0.1, 0.30000000000000004,
            1e300, 1.7976931348623157e308, 5e-324, -1e308, true, false,
            "1", "1.0", "2.5", "", "s", "v", "S", "a", "b", "A", "5", "x", "dup", "true", "%", "_", "😀", "Ünïcødé 😀",
            "a\"b\\c'd", "{\"k\":1}", "[1]", "日本", "caf\u00e9", "cafe\u0301", "n",
            "nul\0char",
        };

        private static readonly string[] Fields =
            new[] { "n", "s", "flag", "tags", "k", "missing", "a", "q", "x", "ke\0y" }.Concat(PgFilterSqlFixture.OddKeys).ToArray();

        private static string J(object o) => JsonSerializer.Serialize(o);

        /// <summary>Every operator with every operand on every field, plus $exists and mixed lists.</summary>
        public static IEnumerable<string> CornerFilters()
        {
            foreach (var field in Fields)
            {
                var name = J(field);
                foreach (var o in Operands)
                {
                    var v = J(o);
                    yield return $"{{{name}: {v}}}";
                    yield return $"{{{name}: {{\"$ne\": {v}}}}}";
                    if (o is not bool)
                    {
                        yield return $"{{{name}: {{\"$in\": [{v}]}}}}";
                        yield return $"{{{name}: {{\"$nin\": [{v}, \"zzz\"]}}}}";
                    }
                    if (o is double)
                        foreach (var op in new[] { "$gt", "$gte", "$lt", "$lte" })
                            yield return $"{{{name}: {{\"{op}\": {v}}}}}";
                }
                yield return $"{{{name}: {{\"$in\": [1, \"s\", 2.5, \"a\", \"v\", \"nul\\u0000\"]}}}}";
                yield return $"{{{name}: {{\"$nin\": [\"nul\\u0000\"]}}}}";
                yield return $"{{{name}: {{\"$exists\": true}}}}";
                yield return $"{{{name}: {{\"$exists\": false}}}}";
                yield return $"{{{name}: {{\"$gt\": 0, \"$lt\": 3}}}}";
            }
            yield return "{\"$or\": [{\"n\": {\"$exists\": false}}, {\"tags\": \"a\"}], \"s\": {\"$ne\": \"v\"}}";
            yield return "{\"$and\": [{\"n\": {\"$gte\": 0}}, {\"$or\": [{\"flag\": true}, {\"s\": {\"$in\": [\"\", \"%\"]}}]}]}";
            yield return "{\"$or\": [{\"ke\\u0000y\": {\"$exists\": false}}, {\"n\": 1}]}";
            yield return "{\"$and\": [{\"ke\\u0000y\": {\"$ne\": 1}}, {\"n\": {\"$nin\": [1]}}]}";
            yield return "{\"n\": {\"$in\": [" + string.Join(",", Enumerable.Range(-5, 400)) + "]}}";
            yield return "{\"tags\": {\"$nin\": [" + string.Join(",", Enumerable.Range(0, 300).Select(i => J("t" + i)).Append("\"a\"")) + "]}}";
        }

        /// <summary>Runs the filters in batches (one boolean column each, in one statement) and compares with Matches.</summary>
        private async Task<List<string>> Mismatches(string table, IReadOnlyList<MetadataFilter> filters, Dictionary<string, Dictionary<string, object?>?> stored,
            string metadataSql = "t.metadata", string? namespaceOf = null)
        {
            var failures = new List<string>();
            await using var c = await _fixture.DataSource.OpenConnectionAsync();
            const int PerStatement = 40;
            for (var start = 0; start < filters.Count; start += PerStatement)
            {
                var batch = filters.Skip(start).Take(PerStatement).ToList();
                var parameters = new List<NpgsqlParameter>();
                var columns = batch.Select(f => PgFilterSql.Where(f, metadataSql, parameters)).ToList();
                var results = batch.Select(_ => new SortedSet<string>(StringComparer.Ordinal)).ToList();
                await using (var cmd = new NpgsqlCommand($"SELECT t.id, {string.Join(", ", columns)} FROM {table} AS t", c))
                {
                    cmd.Parameters.AddRange(parameters.ToArray());
                    await using var r = await cmd.ExecuteReaderAsync();
                    while (await r.ReadAsync())
                    {
                        for (var i = 0; i < batch.Count; i++)
                        {
                            if (r.IsDBNull(i + 1)) failures.Add($"{batch[i]}: SQL NULL for {r.GetString(0)}");
                            else if (r.GetBoolean(i + 1)) results[i].Add(r.GetString(0));
                        }
                    }
                }
                for (var i = 0; i < batch.Count; i++)
                {
                    var expected = new SortedSet<string>(stored.Where(p => batch[i].Matches(p.Value)).Select(p => p.Key), StringComparer.Ordinal);
                    if (!expected.SetEquals(results[i]))
                        failures.Add($"{batch[i]}: Matches only [{string.Join(",", expected.Except(results[i]))}] SQL only [{string.Join(",", results[i].Except(expected))}]");
                }
            }
            return failures;
        }

        [Fact]
        public async Task Every_operator_on_every_corner_selects_what_Matches_selects()
        {
            var filters = CornerFilters().Select(MetadataFilter.ParseJson).ToList();
            Assert.True(filters.Count > 1500, "filters: " + filters.Count);
            Assert.Equal(PgFilterSqlFixture.CornerRows.Count, _fixture.CornerStored.Count);
            var failures = await Mismatches(PgFilterSqlFixture.Corner, filters, _fixture.CornerStored);
            Assert.True(failures.Count == 0, failures.Count + " mismatches:\n" + string.Join("\n", failures.Take(30)));
            // The corners are corners: the filters select neither nothing nor everything throughout.
            var sizes = filters.Select(f => _fixture.CornerStored.Count(p => f.Matches(p.Value))).ToList();
            // (Of 5,549 filters 823 select some records but not all; the rest select none or all, which is what a
            // corner asks: a missing field, a type that never equals, a $ne that everything passes.)
            Assert.True(sizes.Count(n => n > 0 && n < _fixture.CornerStored.Count) > 700);
        }

        [Fact]
        public async Task Seeded_random_filters_select_what_Matches_selects()
        {
            var generator = new FilterGenerator(1414, _fixture.CornerStored.Values);
            var filters = Enumerable.Range(0, 400).Select(_ => MetadataFilter.Parse(generator.Next())).ToList();
            var failures = await Mismatches(PgFilterSqlFixture.Corner, filters, _fixture.CornerStored);
            Assert.True(failures.Count == 0, failures.Count + " mismatches:\n" + string.Join("\n", failures.Take(30)));
            var selective = filters.Count(f => { var n = _fixture.CornerStored.Count(p => f.Matches(p.Value)); return n > 0 && n < _fixture.CornerStored.Count; });
            Assert.True(selective > 150, "filters that select some records but not all: " + selective); // 204 of 400 when written
        }

        [Fact]
        public async Task A_json_column_cast_to_jsonb_selects_what_Matches_selects()
        {
            // LlamaIndex's metadata_ may be json: the caller passes the cast expression.
            var generator = new FilterGenerator(77, _fixture.CornerStored.Values);
            var filters = Enumerable.Range(0, 120).Select(_ => MetadataFilter.Parse(generator.Next())).ToList();
            var stored = _fixture.CornerStored.Where(p => PgFilterSqlFixture.CornerRows.Any(r => r.Id == p.Key && r.Json != null))
                .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
            var failures = await Mismatches(PgFilterSqlFixture.JsonTable, filters, stored, "t.metadata_::jsonb");
            Assert.True(failures.Count == 0, failures.Count + " mismatches:\n" + string.Join("\n", failures.Take(30)));
        }

        [Fact]
        public async Task The_sample_records_filters_select_what_Matches_selects()
        {
            var filters = LocalFilterCrossCheckTests.SampleFilters().Select(o => MetadataFilter.ParseJson((string)o[0])).ToList();
            var generator = new FilterGenerator(2026, SampleData.All.Select(r => r.Metadata));
            filters.AddRange(Enumerable.Range(0, 200).Select(_ => MetadataFilter.Parse(generator.Next())));
            var stored = _fixture.SampleStored;
            Assert.Equal(SampleData.All.Count, stored.Count);
            var failures = await Mismatches(PgFilterSqlFixture.Samples, filters, stored);
            Assert.True(failures.Count == 0, failures.Count + " mismatches:\n" + string.Join("\n", failures.Take(30)));
            // The stored metadata is the file's: Matches gives the same answer on both.
            foreach (var f in filters.Take(40))
                Assert.Equal(SampleData.All.Count(r => f.Matches(r.Metadata)), stored.Count(p => f.Matches(p.Value)));
        }

        [Fact]
        public async Task The_callers_parameters_come_first_and_the_filter_numbers_after_them()
        {
            var parameters = new List<NpgsqlParameter>
            {
                new NpgsqlParameter { Value = "c-int", NpgsqlDbType = NpgsqlDbType.Text },
                new NpgsqlParameter { Value = "c-double", NpgsqlDbType = NpgsqlDbType.Text },
            };
            var filter = MetadataFilter.ParseJson("{\"n\": {\"$gte\": 1, \"$lt\": 3}, \"s\": {\"$ne\": \"zz\"}}");
            var where = PgFilterSql.Where(filter, "t.metadata", parameters);
            Assert.DoesNotContain("$1", where, StringComparison.Ordinal);
            Assert.DoesNotContain("$2", where, StringComparison.Ordinal);
            Assert.Contains("$3", where, StringComparison.Ordinal);
            // Keys are bound once each: n, 1, 3, s, "zz" = 5 parameters after the caller's 2.
            Assert.Equal(7, parameters.Count);
            Assert.Single(parameters, p => Equals(p.Value, "n"));
            Assert.Single(parameters, p => Equals(p.Value, "s"));

            await using var c = await _fixture.DataSource.OpenConnectionAsync();
            await using var cmd = new NpgsqlCommand($"SELECT t.id FROM {PgFilterSqlFixture.Corner} AS t WHERE t.id IN ($1, $2, 'c-negative') AND {where} ORDER BY t.id", c);
            cmd.Parameters.AddRange(parameters.ToArray());
            var found = new List<string>();
            await using (var r = await cmd.ExecuteReaderAsync())
                while (await r.ReadAsync()) found.Add(r.GetString(0));
            Assert.Equal(new[] { "c-double", "c-int" }, found);
        }

        [Fact]
        public async Task Keys_and_values_that_look_like_SQL_never_reach_the_SQL_text()
        {
            var key = "a'); DROP TABLE vo_pgfiltersql_corner; --";
            var value = "v'); DELETE FROM vo_pgfiltersql_corner; --";
            var filter = MetadataFilter.Parse(new OrderedDictionary
            {
                [key] = new Hashtable { ["$in"] = new object[] { "v", value } },
                ["$or"] = new object[] { new Hashtable { ["x\" OR 1=1 --"] = value }, new Hashtable { ["n"] = new Hashtable { ["$ne"] = "'; SELECT pg_sleep(10); --" } } },
            });
            var parameters = new List<NpgsqlParameter>();
            var where = PgFilterSql.Where(filter, "t.metadata", parameters);
            foreach (var text in new[] { key, value, "x\" OR 1=1 --", "pg_sleep", "DROP", "DELETE", "--", "vo_pgfiltersql" })
                Assert.DoesNotContain(text, where, StringComparison.Ordinal);
            Assert.Contains(parameters, p => Equals(p.Value, key));
            Assert.Contains(parameters, p => p.Value is string[] a && a.Contains(value));

            await using var c = await _fixture.DataSource.OpenConnectionAsync();
            await using var cmd = new NpgsqlCommand($"SELECT t.id FROM {PgFilterSqlFixture.Corner} AS t WHERE {where} ORDER BY t.id", c);
            cmd.Parameters.AddRange(parameters.ToArray());
            var found = new List<string>();
            await using (var r = await cmd.ExecuteReaderAsync())
                while (await r.ReadAsync()) found.Add(r.GetString(0));
            // The odd key is a plain key: the one record holding it with "v" matches (its n is not that string).
            Assert.Equal(new[] { "c-odd-" + Array.IndexOf(PgFilterSqlFixture.OddKeys, key).ToString("D2", CultureInfo.InvariantCulture) }, found);
            await using var count = new NpgsqlCommand($"SELECT count(*) FROM {PgFilterSqlFixture.Corner}", c);
            Assert.Equal((long)PgFilterSqlFixture.CornerRows.Count, (long)(await count.ExecuteScalarAsync())!);
        }

        /// <summary>
        /// The SQL text depends on the filter's shape only: the same filter with every key, string and number
        /// replaced by others (kept distinct where they were distinct, types kept) gives the same text.
        /// </summary>
        [Fact]
        public void The_SQL_text_is_the_same_whatever_the_keys_and_values()
        {
            var generator = new FilterGenerator(99, PgFilterSqlFixture.CornerRows.Where(r => r.Json != null).Select(r => PgFilterSqlFixture.InMemory(r.Json!)));
            var checkedFilters = 0;
            foreach (var json in CornerFilters().Cast<object>().Concat(Enumerable.Range(0, 300).Select(_ => (object)generator.Next())))
            {
                var filter = MetadataFilter.Parse(json);
                if (HasUnstorable(filter.Root)) continue; // decided without SQL, by design
                var renamed = MetadataFilter.Parse(Renamed(filter.Root, new Dictionary<string, string>(), new Dictionary<object, object>()));
                var a = PgFilterSql.Where(filter, "t.metadata", new List<NpgsqlParameter>());
                var b = PgFilterSql.Where(renamed, "t.metadata", new List<NpgsqlParameter>());
                Assert.True(a == b, $"{filter} and {renamed} gave different SQL");
                checkedFilters++;
            }
            Assert.True(checkedFilters > 1000, "filters checked: " + checkedFilters);
        }

        /// <summary>
        /// U+0000 and lone surrogates (from a hashtable: JSON text cannot carry a lone surrogate into the filter)
        /// can be in a filter but never in jsonb: decided without sending them (the driver would refuse to), with
        /// the answers Matches gives for a field or value no row has.
        /// </summary>
        [Fact]
        public async Task A_key_or_string_jsonb_cannot_hold_is_decided_without_sending_it()
        {
            var parameters = new List<NpgsqlParameter>();
            Assert.Equal("FALSE", PgFilterSql.Where(MetadataFilter.ParseJson("{\"a\\u0000\": 1}"), "m", parameters));
            Assert.Equal("TRUE", PgFilterSql.Where(MetadataFilter.ParseJson("{\"a\\u0000\": {\"$exists\": false}}"), "m", parameters));
            Assert.Equal("TRUE", PgFilterSql.Where(MetadataFilter.Parse(new Hashtable { ["a"] = new Hashtable { ["$nin"] = new[] { "x\ud800" } } }), "m", parameters));
            Assert.Empty(parameters);

            var filters = new List<MetadataFilter>();
            foreach (var bad in new[] { "\ud800", "a\udc00b", "\udc00\ud800", "nul\0" })
            {
                filters.Add(MetadataFilter.Parse(new Hashtable { [bad] = 1 }));
                filters.Add(MetadataFilter.Parse(new Hashtable { [bad] = new Hashtable { ["$ne"] = "v" } }));
                filters.Add(MetadataFilter.Parse(new Hashtable { [bad] = new Hashtable { ["$exists"] = false } }));
                filters.Add(MetadataFilter.Parse(new Hashtable { [bad] = new Hashtable { ["$nin"] = new object[] { 1, "s" } } }));
                filters.Add(MetadataFilter.Parse(new Hashtable { ["s"] = bad }));
                filters.Add(MetadataFilter.Parse(new Hashtable { ["s"] = new Hashtable { ["$ne"] = bad } }));
                filters.Add(MetadataFilter.Parse(new Hashtable { ["s"] = new Hashtable { ["$in"] = new object[] { bad, "S", 2.5 } } }));
                filters.Add(MetadataFilter.Parse(new Hashtable { ["tags"] = new Hashtable { ["$nin"] = new object[] { bad, "a" } } }));
                filters.Add(MetadataFilter.Parse(new Hashtable { ["$or"] = new object[] { new Hashtable { [bad] = new Hashtable { ["$gt"] = 0 } }, new Hashtable { ["n"] = 1 } } }));
            }
            var failures = await Mismatches(PgFilterSqlFixture.Corner, filters, _fixture.CornerStored);
            Assert.True(failures.Count == 0, failures.Count + " mismatches:\n" + string.Join("\n", failures.Take(30)));
        }

        // ---- helpers -----------------------------------------------------------------------------------

        /// <summary>
        /// Seeded random filters over some data: keys drawn as often as records hold them (plus a missing one), values
        /// mostly drawn from the values records hold under that key (array elements included) and sometimes from
        /// the corner operands; one or two conditions per object, $and/$or nested up to three deep.
        /// </summary>
        private sealed class FilterGenerator
        {
            private readonly Random _random;
            private readonly List<string> _keys = new List<string>();
            private readonly Dictionary<string, List<object>> _values = new Dictionary<string, List<object>>(StringComparer.Ordinal);

            public FilterGenerator(int seed, IEnumerable<IDictionary<string, object?>?> data)
            {
                _random = new Random(seed);
                foreach (var md in data)
                {
                    if (md is null) continue;
                    foreach (var (key, value) in md)
                    {
                        _keys.Add(key);
                        if (!_values.TryGetValue(key, out var list)) _values[key] = list = new List<object>();
                        var items = value is string || value is not IEnumerable e ? new[] { value } : e.Cast<object?>();
                        foreach (var item in items)
                        {
                            object? scalar = item switch { long l => (double)l, double d when double.IsFinite(d) => d, string t => t, bool b => b, _ => null };
                            if (scalar != null && list.Count < 200 && !list.Contains(scalar)) list.Add(scalar);
                        }
                    }
                }
                _keys.Add("missing");
            }

            public IDictionary Next() => Object(0);

            private IDictionary Object(int depth)
            {
                var filter = new OrderedDictionary();
                var parts = _random.Next(3) == 0 ? 2 : 1;
                for (var i = 0; i < parts; i++)
                {
                    if (depth < 3 && _random.Next(4) == 0)
                    {
                        var op = _random.Next(2) == 0 ? "$and" : "$or";
                        if (!filter.Contains(op))
                            filter[op] = Enumerable.Range(0, _random.Next(2, 4)).Select(_ => (object)Object(depth + 1)).ToList();
                        continue;
                    }
                    var key = _keys[_random.Next(_keys.Count)];
                    if (filter.Contains(key)) continue;
                    var ops = new OrderedDictionary();
                    var name = new[] { "$eq", "$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin", "$exists" }[_random.Next(10)];
                    ops[name] = Operand(key, name);
                    if (_random.Next(5) == 0)
                    {
                        // A range from both sides, or a second condition of any kind.
                        var second = name is "$gt" or "$gte" ? "$lt" : new[] { "$ne", "$lte", "$nin", "$exists" }[_random.Next(4)];
                        if (!ops.Contains(second)) ops[second] = Operand(key, second);
                    }
                    filter[key] = name == "$eq" && ops.Count == 1 && _random.Next(2) == 0 ? ops["$eq"] : ops;
                }
                if (filter.Count == 0) filter["n"] = Number("n");
                return filter;
            }

            private object? Operand(string key, string op) => op switch
            {
                "$eq" or "$ne" => Scalar(key, allowBool: true),
                "$in" or "$nin" => Enumerable.Range(0, _random.Next(1, 5)).Select(_ => Scalar(key, allowBool: false)).ToList(),
                "$exists" => _random.Next(2) == 0,
                _ => Number(key),
            };

            private object Scalar(string key, bool allowBool)
            {
                while (true)
                {
                    object v = _values.TryGetValue(key, out var list) && list.Count > 0 && _random.Next(4) != 0
                        ? list[_random.Next(list.Count)]
                        : Operands[_random.Next(Operands.Length)];
                    if (v is bool && !allowBool) continue;
                    return v;
                }
            }

            private double Number(string key)
            {
                for (var attempt = 0; attempt < 20; attempt++)
                {
                    if (Scalar(key, allowBool: false) is double d)
                        return _random.Next(3) == 0 && Math.Abs(d) < 1e15 ? Math.Round(d + _random.NextDouble() * 4 - 2, 2) : d;
                }
                return _random.Next(-10, 10);
            }
        }

        private static bool HasUnstorable(FilterNode node) => node switch
        {
            LogicalFilter l => l.Children.Any(HasUnstorable),
            ComparisonFilter c => !PgFilterSql.Storable(c.Field) || (c.Value is string s && !PgFilterSql.Storable(s))
                                  || (c.Value is IEnumerable<object> list && list.Any(x => x is string t && !PgFilterSql.Storable(t))),
            _ => false,
        };

        private static IDictionary Renamed(FilterNode node, Dictionary<string, string> keys, Dictionary<object, object> values)
        {
            switch (node)
            {
                case LogicalFilter l:
                    return new OrderedDictionary { [l.Operator == LogicalOperator.And ? "$and" : "$or"] = l.Children.Select(ch => (object)Renamed(ch, keys, values)).ToList() };
                case ComparisonFilter c:
                {
                    if (!keys.TryGetValue(c.Field, out var key)) keys[c.Field] = key = "renamed-key-" + keys.Count;
                    object Value(object v)
                    {
                        if (v is bool b) return !b;
                        if (!values.TryGetValue(v, out var other))
                            values[v] = other = v is string ? "renamed-value-" + values.Count : (object)(1000.5 + values.Count);
                        return other;
                    }
                    var operand = c.Value is IEnumerable<object> list && c.Value is not string ? list.Select(Value).ToList() : c.Operator == FilterOperator.Exists ? c.Value : Value(c.Value);
                    return new OrderedDictionary { [key] = new OrderedDictionary { [MetadataFilter.OperatorToken(c.Operator)] = operand } };
                }
                default:
                    throw new InvalidOperationException();
            }
        }
    }
}
