using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;

namespace VectorOps.Emulators.Qdrant
{
    /// <summary>A request the emulator refuses with 400 (Qdrant's "Bad request: ..." / "Format error in JSON body: ...").</summary>
    public sealed class QdrantBadRequest : Exception
    {
        public QdrantBadRequest(string message) : base(message) { }
    }

    /// <summary>
    /// Qdrant's payload filter as its documentation describes it (not VectorOps's filter language: the provider
    /// must adapt to this). A Filter holds must (all), should (at least one, when given), must_not (none) and
    /// min_should; each may be one condition or a list. Conditions: a FieldCondition (key with match value / any /
    /// except, range, values_count, is_empty, is_null), is_empty, is_null, has_id, or a nested Filter.
    /// <list type="bullet">
    /// <item>The values of a key: an array's elements, or the value itself; a missing key or null has none. A key
    /// with dots is a path into nested objects (arrays on the way are flattened).</item>
    /// <item>match value: a string matches equal strings; an integer matches integer payload values only (3.0 is a
    /// float: no match); a boolean matches booleans. Any value of the key may match.</item>
    /// <item>match any: one of the listed strings or integers; match except: some value of the key is not in the
    /// list (a missing key has none, so it does not match).</item>
    /// <item>range: some numeric value (integer or float, as a double) within every given bound.</item>
    /// <item>is_empty: the key is missing, null or []; is_null: the key is there and null.</item>
    /// <item>A condition on a missing key is false, so must_not of it is true.</item>
    /// </list>
    /// </summary>
    public static class QdrantFilterEval
    {
        public static bool Matches(JsonElement filter, string id, JsonElement payload)
        {
            if (filter.ValueKind == JsonValueKind.Null) return true;
            if (filter.ValueKind != JsonValueKind.Object) throw new QdrantBadRequest("Format error in JSON body: filter must be an object");
            foreach (var p in filter.EnumerateObject())
                if (p.Name != "must" && p.Name != "should" && p.Name != "must_not" && p.Name != "min_should")
                    throw new QdrantBadRequest($"Format error in JSON body: unknown field `{p.Name}` in filter");
            if (filter.TryGetProperty("must", out var must) && must.ValueKind != JsonValueKind.Null)
                foreach (var c in List(must)) if (!Condition(c, id, payload)) return false;
            if (filter.TryGetProperty("must_not", out var mustNot) && mustNot.ValueKind != JsonValueKind.Null)
                foreach (var c in List(mustNot)) if (Condition(c, id, payload)) return false;
            if (filter.TryGetProperty("should", out var should) && should.ValueKind != JsonValueKind.Null)
            {
                var list = List(should).ToList();
                if (list.Count > 0 && !list.Any(c => Condition(c, id, payload))) return false;
            }
            if (filter.TryGetProperty("min_should", out var minShould) && minShould.ValueKind == JsonValueKind.Object)
            {
                var conditions = minShould.GetProperty("conditions");
                var min = minShould.GetProperty("min_count").GetInt32();
                if (List(conditions).Count(c => Condition(c, id, payload)) < min) return false;
            }
            return true;
        }

        private static IEnumerable<JsonElement> List(JsonElement e) => e.ValueKind == JsonValueKind.Array ? e.EnumerateArray() : new[] { e };

        internal static bool Condition(JsonElement c, string id, JsonElement payload)
        {
            if (c.ValueKind != JsonValueKind.Object) throw new QdrantBadRequest("Format error in JSON body: a condition must be an object");
            if (c.TryGetProperty("key", out var keyElement))
                return FieldCondition(c, keyElement.GetString() ?? "", payload);
            if (c.TryGetProperty("is_empty", out var isEmpty))
                return IsEmpty(Lookup(payload, isEmpty.GetProperty("key").GetString() ?? ""));
            if (c.TryGetProperty("is_null", out var isNull))
                return IsNull(Lookup(payload, isNull.GetProperty("key").GetString() ?? ""));
            if (c.TryGetProperty("has_id", out var hasId))
            {
                foreach (var i in hasId.EnumerateArray())
                    if (QdrantPointIds.Normalize(i) == id) return true;
                return false;
            }
            if (c.TryGetProperty("nested", out _) || c.TryGetProperty("has_vector", out _))
                throw new QdrantBadRequest("Bad request: this emulator does not evaluate nested or has_vector conditions");
            return Matches(c, id, payload);
        }

        private static bool FieldCondition(JsonElement c, string key, JsonElement payload)
        {
            var found = Lookup(payload, key);
            var values = Values(found);
            var any = false;
            if (c.TryGetProperty("match", out var match) && match.ValueKind == JsonValueKind.Object)
            {
                any = true;
                if (match.TryGetProperty("value", out var value))
                {
                    if (!values.Any(v => EqualMatch(v, value))) return false;
                }
                else if (match.TryGetProperty("any", out var list))
                {
                    if (!values.Any(v => list.EnumerateArray().Any(x => EqualMatch(v, x)))) return false;
                }
                else if (match.TryGetProperty("except", out var except))
                {
                    if (!values.Any(v => !except.EnumerateArray().Any(x => EqualMatch(v, x)))) return false;
                }
                else throw new QdrantBadRequest("Bad request: this emulator evaluates match value, any and except only");
            }
            if (c.TryGetProperty("range", out var range) && range.ValueKind == JsonValueKind.Object)
            {
                any = true;
                if (!values.Any(v => v.ValueKind == JsonValueKind.Number && InRange(v.GetDouble(), range))) return false;
            }
            if (c.TryGetProperty("values_count", out var count) && count.ValueKind == JsonValueKind.Object)
            {
                any = true;
                if (!InRange(values.Count, count)) return false;
            }
            if (c.TryGetProperty("is_empty", out var isEmpty) && isEmpty.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                any = true;
                if (IsEmpty(found) != isEmpty.GetBoolean()) return false;
            }
            if (c.TryGetProperty("is_null", out var isNull) && isNull.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                any = true;
                if (IsNull(found) != isNull.GetBoolean()) return false;
            }
            if (!any) throw new QdrantBadRequest($"Bad request: the condition on `{key}` has no match, range, values_count, is_empty or is_null");
            return true;
        }

        private static bool InRange(double x, JsonElement range)
        {
            foreach (var b in range.EnumerateObject())
            {
                if (b.Value.ValueKind == JsonValueKind.Null) continue;
                var bound = b.Value.GetDouble();
                switch (b.Name)
                {
                    case "gt": if (!(x > bound)) return false; break;
                    case "gte": if (!(x >= bound)) return false; break;
                    case "lt": if (!(x < bound)) return false; break;
                    case "lte": if (!(x <= bound)) return false; break;
                }
            }
            return true;
        }

        /// <summary>Qdrant's exact match: same JSON kind; integers against integer payload values only.</summary>
        private static bool EqualMatch(JsonElement stored, JsonElement wanted)
        {
            switch (wanted.ValueKind)
            {
                case JsonValueKind.String:
                    return stored.ValueKind == JsonValueKind.String && string.Equals(stored.GetString(), wanted.GetString(), StringComparison.Ordinal);
                case JsonValueKind.True:
                case JsonValueKind.False:
                    return stored.ValueKind == wanted.ValueKind;
                case JsonValueKind.Number:
                    if (!wanted.TryGetInt64(out var w)) throw new QdrantBadRequest("Format error in JSON body: match takes a string, an integer or a boolean");
                    return stored.ValueKind == JsonValueKind.Number && IsIntegerText(stored) && stored.TryGetInt64(out var s) && s == w;
                default:
                    throw new QdrantBadRequest("Format error in JSON body: match takes a string, an integer or a boolean");
            }
        }

        /// <summary>A JSON number written without a fraction or exponent (serde_json's integer).</summary>
        private static bool IsIntegerText(JsonElement number)
        {
            var raw = number.GetRawText();
            return raw.IndexOfAny(new[] { '.', 'e', 'E' }) < 0;
        }

        private static bool IsEmpty(List<JsonElement>? found) =>
            found is null || found.Count == 0 || found.All(v => v.ValueKind == JsonValueKind.Null || (v.ValueKind == JsonValueKind.Array && v.GetArrayLength() == 0));

        private static bool IsNull(List<JsonElement>? found) => found != null && found.Count > 0 && found.Any(v => v.ValueKind == JsonValueKind.Null);

        /// <summary>What the key reaches (null: missing). Dotted keys walk nested objects; arrays on the way are flattened.</summary>
        internal static List<JsonElement>? Lookup(JsonElement payload, string key)
        {
            var current = new List<JsonElement> { payload };
            foreach (var part in key.Split('.'))
            {
                var next = new List<JsonElement>();
                foreach (var e in current)
                {
                    if (e.ValueKind == JsonValueKind.Object && e.TryGetProperty(part, out var v)) next.Add(v);
                    else if (e.ValueKind == JsonValueKind.Array)
                        foreach (var item in e.EnumerateArray())
                            if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty(part, out var iv)) next.Add(iv);
                }
                if (next.Count == 0) return null;
                current = next;
            }
            return current;
        }

        /// <summary>The values a condition compares: an array's elements, or the value; nulls have none.</summary>
        internal static List<JsonElement> Values(List<JsonElement>? found)
        {
            var values = new List<JsonElement>();
            if (found is null) return values;
            foreach (var v in found)
            {
                if (v.ValueKind == JsonValueKind.Array)
                {
                    foreach (var item in v.EnumerateArray()) if (item.ValueKind != JsonValueKind.Null) values.Add(item);
                }
                else if (v.ValueKind != JsonValueKind.Null) values.Add(v);
            }
            return values;
        }
    }

    /// <summary>Qdrant's point ids: an unsigned 64-bit integer, or a UUID in any spelling Qdrant accepts, answered hyphenated and lowercase.</summary>
    public static class QdrantPointIds
    {
        /// <summary>The id as the emulator keys it (decimal digits, or the lowercase hyphenated UUID); throws QdrantBadRequest when it is neither.</summary>
        public static string Normalize(JsonElement id)
        {
            switch (id.ValueKind)
            {
                case JsonValueKind.Number:
                    if (id.TryGetUInt64(out var n)) return n.ToString(CultureInfo.InvariantCulture);
                    throw new QdrantBadRequest($"Format error in JSON body: value {id.GetRawText()} is not a valid point ID, valid values are either an unsigned integer or a UUID");
                case JsonValueKind.String:
                    var s = id.GetString() ?? "";
                    // The form Qdrant answers (and VectorOps sends) is kept as it is: no Guid parse, no second string.
                    if (IsCanonicalUuid(s)) return s;
                    if (TryUuid(s, out var u)) return u;
                    throw new QdrantBadRequest($"Format error in JSON body: value {s} is not a valid point ID, valid values are either an unsigned integer or a UUID");
                default:
                    throw new QdrantBadRequest("Format error in JSON body: a point ID is an unsigned integer or a UUID string");
            }
        }

        /// <summary>True for a UUID already hyphenated and lowercase (what <see cref="TryUuid"/> would give back unchanged).</summary>
        public static bool IsCanonicalUuid(string s)
        {
            if (s.Length != 36) return false;
            for (var i = 0; i < 36; i++)
            {
                var c = s[i];
                if (i == 8 || i == 13 || i == 18 || i == 23)
                {
                    if (c != '-') return false;
                }
                else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
            }
            return true;
        }

        public static bool TryUuid(string s, out string canonical)
        {
            var text = s.StartsWith("urn:uuid:", StringComparison.OrdinalIgnoreCase) ? s.Substring(9) : s;
            if ((text.Length == 32 || text.Length == 36 || text.Length == 38) && Guid.TryParse(text, out var g))
            {
                canonical = g.ToString("D", CultureInfo.InvariantCulture);
                return true;
            }
            canonical = "";
            return false;
        }

        /// <summary>Writes a stored id as Qdrant answers it: a number, or a UUID string.</summary>
        public static void Write(Utf8JsonWriter w, string id)
        {
            if (id.Length > 0 && id.Length <= 20 && id.All(char.IsDigit)) w.WriteNumberValue(ulong.Parse(id, CultureInfo.InvariantCulture));
            else w.WriteStringValue(id);
        }

        /// <summary>Qdrant's order of ids: integers first (by value), then UUIDs.</summary>
        public static readonly IComparer<string> Order = Comparer<string>.Create((a, b) =>
        {
            var an = a.Length <= 20 && a.All(char.IsDigit);
            var bn = b.Length <= 20 && b.All(char.IsDigit);
            if (an && bn) return ulong.Parse(a, CultureInfo.InvariantCulture).CompareTo(ulong.Parse(b, CultureInfo.InvariantCulture));
            if (an != bn) return an ? -1 : 1;
            return string.CompareOrdinal(a, b);
        });
    }
}
