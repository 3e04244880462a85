using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Linq;
using System.Text.Json;
using VectorOps.Errors;
using VectorOps.Filtering;
using Xunit;

namespace VectorOps.Tests.Filtering
{
    public class MetadataFilterParseTests
    {
        // ---- inputs built the way PowerShell hands them over ---------------------------------------

        private static Hashtable H(params (string Key, object? Value)[] pairs)
        {
            var h = new Hashtable();
            foreach (var (k, v) in pairs) h[k] = v;
            return h;
        }

        private static OrderedDictionary O(params (string Key, object? Value)[] pairs)
        {
            var d = new OrderedDictionary();
            foreach (var (k, v) in pairs) d[k] = v;
            return d;
        }

        private static object?[] A(params object?[] items) => items;

        /// <summary>Good filters: input, canonical JSON.</summary>
        public static IEnumerable<object[]> Good()
        {
            // Bare values mean $eq; numbers of any .NET type become JSON numbers.
            yield return Case("hashtable string", H(("genre", "drama")), "{\"genre\":{\"$eq\":\"drama\"}}");
            yield return Case("hashtable int", H(("year", 2020)), "{\"year\":{\"$eq\":2020}}");
            yield return Case("hashtable long", H(("views", 5_000_000_000L)), "{\"views\":{\"$eq\":5000000000}}");
            yield return Case("hashtable decimal", H(("price", 19.99m)), "{\"price\":{\"$eq\":19.99}}");
            yield return Case("hashtable bool", H(("published", true)), "{\"published\":{\"$eq\":true}}");
            yield return Case("hashtable char", H(("grade", 'A')), "{\"grade\":{\"$eq\":\"A\"}}");
            // Several fields: implicit $and, hashtable keys sorted (a hashtable has no order).
            yield return Case("hashtable implicit and, sorted", H(("year", 2021), ("genre", "drama")),
                "{\"$and\":[{\"genre\":{\"$eq\":\"drama\"}},{\"year\":{\"$eq\":2021}}]}");
            // An ordered dictionary ([ordered]@{}) keeps the user's order.
            yield return Case("ordered dictionary keeps order", O(("year", 2021), ("genre", "drama")),
                "{\"$and\":[{\"year\":{\"$eq\":2021}},{\"genre\":{\"$eq\":\"drama\"}}]}");
            yield return Case("generic ordered dictionary keeps order",
                new OrderedDictionary<string, object?> { ["z"] = 1, ["a"] = 2 },
                "{\"$and\":[{\"z\":{\"$eq\":1}},{\"a\":{\"$eq\":2}}]}");
            yield return Case("generic dictionary sorted", new Dictionary<string, object?> { ["z"] = 1, ["a"] = 2 },
                "{\"$and\":[{\"a\":{\"$eq\":2}},{\"z\":{\"$eq\":1}}]}");
            // Two operators on one field: two comparisons under $and.
            yield return Case("range on one field", H(("year", H(("$lt", 2024), ("$gte", 2020)))),
                "{\"$and\":[{\"year\":{\"$gte\":2020}},{\"year\":{\"$lt\":2024}}]}");
            yield return Case("$in strings from object[]", H(("tags", H(("$in", A("a", "b"))))), "{\"tags\":{\"$in\":[\"a\",\"b\"]}}");
            yield return Case("$nin ints from int[]", H(("n", H(("$nin", new[] { 1, 2 })))), "{\"n\":{\"$nin\":[1,2]}}");
            yield return Case("$in mixed strings and numbers", H(("code", H(("$in", A("x", 3, 4.5))))), "{\"code\":{\"$in\":[\"x\",3,4.5]}}");
            yield return Case("$exists false", H(("rating", H(("$exists", false)))), "{\"rating\":{\"$exists\":false}}");
            yield return Case("$ne string", H(("status", H(("$ne", "closed")))), "{\"status\":{\"$ne\":\"closed\"}}");
            yield return Case("$or of hashtables", H(("$or", A(H(("a", 1)), H(("b", "x"))))),
                "{\"$or\":[{\"a\":{\"$eq\":1}},{\"b\":{\"$eq\":\"x\"}}]}");
            yield return Case("$or with a single child collapses", H(("$or", A(H(("a", 1))))), "{\"a\":{\"$eq\":1}}");
            yield return Case("nested $and in $or next to a field", H(("tenant", "acme"), ("$or", A(H(("$and", A(H(("a", 1)), H(("b", 2))))), H(("c", true))))),
                "{\"$and\":[{\"$or\":[{\"$and\":[{\"a\":{\"$eq\":1}},{\"b\":{\"$eq\":2}}]},{\"c\":{\"$eq\":true}}]},{\"tenant\":{\"$eq\":\"acme\"}}]}");
            // JSON strings: keys keep their order of appearance.
            yield return Case("json bare value", "{\"genre\":\"drama\"}", "{\"genre\":{\"$eq\":\"drama\"}}");
            yield return Case("json keeps key order", "{\"b\": {\"$lt\": 5}, \"a\": {\"$gt\": 1}}",
                "{\"$and\":[{\"b\":{\"$lt\":5}},{\"a\":{\"$gt\":1}}]}");
            yield return Case("json decimal and exponent", "{\"price\": {\"$lte\": 19.99}, \"t\": {\"$gt\": -1.5e3}}",
                "{\"$and\":[{\"price\":{\"$lte\":19.99}},{\"t\":{\"$gt\":-1500}}]}");
            yield return Case("json nested logic", "{\"$and\": [{\"$or\": [{\"a\": 1}, {\"b\": 2}]}, {\"c\": {\"$in\": [\"x\", 3]}}]}",
                "{\"$and\":[{\"$or\":[{\"a\":{\"$eq\":1}},{\"b\":{\"$eq\":2}}]},{\"c\":{\"$in\":[\"x\",3]}}]}");
            yield return Case("json whitespace and booleans", "\n  { \"a\" : { \"$eq\" : true , \"$ne\" : false } }\n",
                "{\"$and\":[{\"a\":{\"$eq\":true}},{\"a\":{\"$ne\":false}}]}");
            // Field names are data: dots, quotes and SQL-looking text are kept (and escaped in JSON).
            yield return Case("json odd field names", "{\"a.b\": 1, \"q\\\"x\": \"v\", \"x'; DROP TABLE t; --\": 2}",
                "{\"$and\":[{\"a.b\":{\"$eq\":1}},{\"q\\u0022x\":{\"$eq\":\"v\"}},{\"x\\u0027; DROP TABLE t; --\":{\"$eq\":2}}]}");
            yield return Case("non-ASCII value", H(("title", "Café")), "{\"title\":{\"$eq\":\"Caf\\u00E9\"}}");
        }

        private static object[] Case(string name, object input, string json) => new object[] { name, input, json };

        [Theory]
        [MemberData(nameof(Good))]
        public void Good_filters_parse_to_their_canonical_json(string name, object input, string expected)
        {
            var filter = MetadataFilter.Parse(input);
            Assert.True(expected == filter.Json, $"{name}: expected {expected}, got {filter.Json}");
            Assert.Equal(filter.Json, filter.ToString());
            // The canonical form is a fixed point: parsing it again gives the same text.
            Assert.Equal(filter.Json, MetadataFilter.Parse(filter.Json).Json);
        }

        [Fact]
        public void At_least_twenty_good_cases() => Assert.True(Good().Count() >= 20);

        [Fact]
        public void A_json_element_and_a_parsed_filter_are_accepted()
        {
            using var doc = JsonDocument.Parse("{\"year\": {\"$gt\": 2020}}");
            Assert.Equal("{\"year\":{\"$gt\":2020}}", MetadataFilter.Parse(doc.RootElement).Json);
            var f = MetadataFilter.Parse("{\"a\": 1}");
            Assert.Same(f, MetadataFilter.Parse(f));
        }

        [Fact]
        public void The_tree_holds_typed_operands()
        {
            var f = MetadataFilter.Parse(H(("year", H(("$gte", 2020))), ("tags", H(("$in", A("a", 2)))), ("ok", true)));
            var and = Assert.IsType<LogicalFilter>(f.Root);
            Assert.Equal(LogicalOperator.And, and.Operator);
            var parts = and.Children.Cast<ComparisonFilter>().ToList();
            Assert.Equal(new[] { "ok", "tags", "year" }, parts.Select(p => p.Field));
            Assert.Equal(FilterOperator.Eq, parts[0].Operator);
            Assert.Equal(true, parts[0].Value);
            Assert.Equal(FilterOperator.In, parts[1].Operator);
            Assert.Equal(new object[] { "a", 2.0 }, ((IEnumerable<object>)parts[1].Value).ToArray());
            Assert.Equal(FilterOperator.Gte, parts[2].Operator);
            Assert.Equal(2020.0, parts[2].Value);
        }

        // ---- bad filters ---------------------------------------------------------------------------

        private static readonly Hashtable EmptyTable = new Hashtable();
        private static readonly Hashtable AndOperandTable = H(("a", 1));
        private static readonly object?[] EmptyArray = new object?[0];
        private static readonly Hashtable InnerObject = H(("b", 2));

        /// <summary>Bad filters: input, error id, category, expected target (a value, or a check).</summary>
        public static IEnumerable<object?[]> Bad()
        {
            const VectorOpsErrorCategory Arg = VectorOpsErrorCategory.InvalidArgument;
            yield return BadCase("empty hashtable", EmptyTable, ErrorIds.EmptyFilter, Arg, Same(EmptyTable));
            yield return BadCase("empty string", "", ErrorIds.EmptyFilter, Arg, "");
            yield return BadCase("whitespace", "  \t\n ", ErrorIds.EmptyFilter, Arg, "  \t\n ");
            yield return BadCase("null", null, ErrorIds.EmptyFilter, Arg, null);
            yield return BadCase("empty JSON object", "{}", ErrorIds.EmptyFilter, Arg, "{}");
            yield return BadCase("empty object inside $or", "{\"$or\": [{}]}", ErrorIds.EmptyFilter, Arg, "{\"$or\": [{}]}");
            yield return BadCase("malformed JSON", "{\"genre\": \"drama\"", ErrorIds.InvalidFilterJson, VectorOpsErrorCategory.ParserError, "{\"genre\": \"drama\"");
            yield return BadCase("an escaped lone surrogate in a value", "{\"genre\": \"\\ud800\"}", ErrorIds.InvalidFilterJson, VectorOpsErrorCategory.ParserError, "{\"genre\": \"\\ud800\"}");
            yield return BadCase("an escaped lone surrogate in a key", "{\"\\udc00\": 1}", ErrorIds.InvalidFilterJson, VectorOpsErrorCategory.ParserError, "{\"\\udc00\": 1}");
            yield return BadCase("JSON array", "[{\"a\": 1}]", ErrorIds.InvalidFilter, Arg, "[{\"a\": 1}]");
            yield return BadCase("JSON scalar", "42", ErrorIds.InvalidFilter, Arg, "42");
            yield return BadCase("not a hashtable", 42, ErrorIds.InvalidFilter, Arg, 42);
            yield return BadCase("unknown operator $regex", "{\"title\": {\"$regex\": \"^a\"}}", ErrorIds.UnknownFilterOperator, Arg, "$regex");
            yield return BadCase("unknown top-level $not", "{\"$not\": {\"a\": 1}}", ErrorIds.UnknownFilterOperator, Arg, "$not");
            yield return BadCase("top-level $eq", "{\"$eq\": 5}", ErrorIds.UnknownFilterOperator, Arg, "$eq");
            yield return BadCase("$in with a string", "{\"tags\": {\"$in\": \"a\"}}", ErrorIds.InvalidFilterOperand, Arg, "a");
            yield return BadCase("$in with a number", H(("tags", H(("$in", 5)))), ErrorIds.InvalidFilterOperand, Arg, 5);
            yield return BadCase("$in empty", H(("tags", H(("$in", EmptyArray)))), ErrorIds.InvalidFilterOperand, Arg, Same(EmptyArray));
            yield return BadCase("$in with a boolean item", "{\"tags\": {\"$in\": [\"a\", true]}}", ErrorIds.InvalidFilterOperand, Arg, true);
            yield return BadCase("$in with an object item", H(("a", H(("$in", A(1, InnerObject))))), ErrorIds.InvalidFilterOperand, Arg, Same(InnerObject));
            yield return BadCase("$gt with a string", "{\"year\": {\"$gt\": \"2020\"}}", ErrorIds.InvalidFilterOperand, Arg, "2020");
            yield return BadCase("$lte with a boolean", H(("year", H(("$lte", true)))), ErrorIds.InvalidFilterOperand, Arg, true);
            yield return BadCase("$exists with a string", "{\"rating\": {\"$exists\": \"yes\"}}", ErrorIds.InvalidFilterOperand, Arg, "yes");
            yield return BadCase("$and with an object", H(("$and", AndOperandTable)), ErrorIds.InvalidFilterOperand, Arg, Same(AndOperandTable));
            yield return BadCase("$and empty", H(("$and", EmptyArray)), ErrorIds.InvalidFilterOperand, Arg, Same(EmptyArray));
            yield return BadCase("null operand (bare)", "{\"rating\": null}", ErrorIds.InvalidFilterOperand, Arg, null);
            yield return BadCase("null operand ($ne)", H(("rating", H(("$ne", null)))), ErrorIds.InvalidFilterOperand, Arg, null);
            yield return BadCase("array as a bare value", H(("tags", A("a"))), ErrorIds.InvalidFilterOperand, Arg, "array");
            yield return BadCase("infinite number", "{\"n\": {\"$gt\": 1e400}}", ErrorIds.InvalidFilterOperand, Arg, double.PositiveInfinity);
            yield return BadCase("duplicate keys in JSON", "{\"a\": 1, \"a\": 2}", ErrorIds.InvalidFilterJson, Arg, "a");
            yield return BadCase("blank field name", H((" ", 1)), ErrorIds.InvalidFilter, Arg, " ");
            yield return BadCase("non-string key", new Hashtable { [1] = "a" }, ErrorIds.InvalidFilter, Arg, 1);
            yield return BadCase("empty condition", "{\"a\": {}}", ErrorIds.InvalidFilterOperand, Arg, "a");
        }

        private static object?[] BadCase(string name, object? input, string errorId, VectorOpsErrorCategory category, object? target) =>
            new object?[] { name, input, errorId, category, target };

        private static Func<object?, bool> Same(object o) => t => ReferenceEquals(t, o);

        [Theory]
        [MemberData(nameof(Bad))]
        public void Bad_filters_are_refused_with_a_stable_error(string name, object? input, string errorId, VectorOpsErrorCategory category, object? target)
        {
            var ex = Assert.Throws<VectorOpsException>(() => MetadataFilter.Parse(input));
            Assert.True(errorId == ex.ErrorId, $"{name}: expected {errorId}, got {ex.ErrorId}: {ex.Message}");
            Assert.True(category == ex.Category, $"{name}: expected {category}, got {ex.Category}");
            switch (target)
            {
                case Func<object?, bool> check:
                    Assert.True(check(ex.Target), $"{name}: unexpected target {ex.Target}");
                    break;
                case "array":
                    Assert.IsAssignableFrom<IList>(ex.Target);
                    break;
                default:
                    Assert.True(Equals(target, ex.Target), $"{name}: expected target {target ?? "null"}, got {ex.Target ?? "null"}");
                    break;
            }
            Assert.False(string.IsNullOrWhiteSpace(ex.Message));
        }

        [Fact]
        public void At_least_fifteen_bad_cases() => Assert.True(Bad().Count() >= 15);

        [Fact]
        public void A_filter_nested_too_deeply_is_refused()
        {
            var json = "{\"a\": 1}";
            for (var i = 0; i < 40; i++) json = "{\"$and\": [" + json + "]}";
            var ex = Assert.Throws<VectorOpsException>(() => MetadataFilter.Parse(json));
            Assert.Contains(ex.ErrorId, new[] { ErrorIds.InvalidFilter, ErrorIds.InvalidFilterJson });
        }
    }
}
