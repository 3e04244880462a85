using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using VectorOps.Errors;

namespace VectorOps.Filtering
{
    /// <summary>
    /// A metadata filter in the MongoDB-style operator language ($eq $ne $gt $gte $lt $lte $in $nin $exists $and $or; a bare value
    /// means $eq; several fields in one object mean $and), parsed once from a hashtable-like dictionary or a JSON
    /// string and then translated by each provider (native JSON, parameterised SQL, or evaluated in memory).
    /// An empty filter is refused: it never means "everything".
    /// </summary>
    public sealed class MetadataFilter
    {
        private MetadataFilter(FilterNode root, string json)
        {
            Root = root;
            Json = json;
        }

        public FilterNode Root { get; }

        /// <summary>The canonical JSON form (explicit MongoDB-style operators), safe to show and to send.</summary>
        public string Json { get; }

        public override string ToString() => Json;

        /// <summary>Parses a JSON string, an IDictionary (a PowerShell hashtable, unwrapped), or a JsonElement.</summary>
        public static MetadataFilter Parse(object? input)
        {
            switch (input)
            {
                case null:
                    throw Empty(input);
                case MetadataFilter f:
                    return f;
                case string s:
                    return ParseJson(s);
                case JsonElement e:
                    return FromObject(ConvertJson(e)!, input);
                case IDictionary d:
                    return FromObject(d, input);
                default:
                    throw new VectorOpsException(ErrorIds.InvalidFilter, VectorOpsErrorCategory.InvalidArgument,
                        $"A filter must be a hashtable or a JSON object string, not {input.GetType().Name}.", input);
            }
        }

        public static MetadataFilter ParseJson(string json)
        {
            if (string.IsNullOrWhiteSpace(json)) throw Empty(json);
            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 });
            }
            catch (JsonException ex)
            {
                throw new VectorOpsException(ErrorIds.InvalidFilterJson, VectorOpsErrorCategory.ParserError,
                    $"The filter is not valid JSON: {ex.Message}", json, ex);
            }
            using (doc)
            {
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                    throw new VectorOpsException(ErrorIds.InvalidFilter, VectorOpsErrorCategory.InvalidArgument,
                        "A filter must be a JSON object, such as {\"genre\": {\"$eq\": \"drama\"}}.", json);
                object converted;
                try
                {
                    converted = ConvertJson(doc.RootElement)!;
                }
                catch (InvalidOperationException ex)
                {
                    // System.Text.Json parses an escaped lone surrogate ("\ud800") but cannot make a string of it.
                    throw new VectorOpsException(ErrorIds.InvalidFilterJson, VectorOpsErrorCategory.ParserError,
                        "The filter holds text that is not valid Unicode (an escaped lone surrogate such as \\ud800): no key or value can match it.", json, ex);
                }
                return FromObject(converted, json);
            }
        }

        private static MetadataFilter FromObject(object obj, object? original)
        {
            var root = ParseObject(obj, original, "filter", depth: 0);
            return new MetadataFilter(root, ToJson(root));
        }

        private static VectorOpsException Empty(object? target) =>
            new VectorOpsException(ErrorIds.EmptyFilter, VectorOpsErrorCategory.InvalidArgument,
                "The filter is empty. An empty filter would match every record, so it is refused. To delete a whole namespace, clear it (Clear-VectorNamespace, vectorops clear).",
                target);

        private static VectorOpsException Invalid(string id, string message, object? target) =>
            new VectorOpsException(id, VectorOpsErrorCategory.InvalidArgument, message, target);

        // ---- parsing -------------------------------------------------------------------------------

        private static FilterNode ParseObject(object obj, object? original, string where, int depth)
        {
            if (depth > 32) throw Invalid(ErrorIds.InvalidFilter, "The filter is nested too deeply.", original);
            var dict = obj as IDictionary ?? throw Invalid(ErrorIds.InvalidFilter,
                $"{where} must be an object of field conditions.", original);
            if (dict.Count == 0) throw Empty(original);

            var parts = new List<FilterNode>();
            foreach (var key in SortedKeys(dict))
            {
                var value = dict[key];
                if (key.StartsWith("$", StringComparison.Ordinal))
                {
                    LogicalOperator op;
                    if (key == "$and") op = LogicalOperator.And;
                    else if (key == "$or") op = LogicalOperator.Or;
                    else throw Invalid(ErrorIds.UnknownFilterOperator,
                        $"Unknown filter operator '{key}' at the top of {where}. Only $and and $or may stand there; comparison operators go under a field name, such as {{\"year\": {{\"{key}\": ...}}}}.",
                        key);
                    var list = AsList(value) ?? throw Invalid(ErrorIds.InvalidFilterOperand,
                        $"'{key}' takes an array of filter objects.", value);
                    if (list.Count == 0) throw Invalid(ErrorIds.InvalidFilterOperand, $"'{key}' takes a non-empty array of filter objects.", value);
                    var children = list.Cast<object?>().Select((c, i) => ParseObject(c!, original, $"{key}[{i}]", depth + 1)).ToList();
                    parts.Add(children.Count == 1 ? children[0] : new LogicalFilter(op, children));
                }
                else
                {
                    if (key.Trim().Length == 0) throw Invalid(ErrorIds.InvalidFilter, "A filter field name is empty.", key);
                    parts.AddRange(ParseField(key, value, original));
                }
            }
            return parts.Count == 1 ? parts[0] : new LogicalFilter(LogicalOperator.And, parts);
        }

        private static IEnumerable<FilterNode> ParseField(string field, object? value, object? original)
        {
            if (value is IDictionary ops)
            {
                if (ops.Count == 0) throw Invalid(ErrorIds.InvalidFilterOperand, $"The condition on '{field}' is empty.", field);
                foreach (var opKey in SortedKeys(ops))
                    yield return ParseComparison(field, opKey, ops[opKey]);
                yield break;
            }
            // A bare value means $eq.
            yield return ParseComparison(field, "$eq", value);
        }

        private static ComparisonFilter ParseComparison(string field, string opKey, object? operand)
        {
            switch (opKey)
            {
                case "$eq":
                case "$ne":
                {
                    var op = opKey == "$eq" ? FilterOperator.Eq : FilterOperator.Ne;
                    var scalar = Scalar(operand);
                    if (scalar is null)
                        throw Invalid(ErrorIds.InvalidFilterOperand,
                            $"'{opKey}' on '{field}' takes a string, number or boolean, not {Describe(operand)}.", operand);
                    return new ComparisonFilter(field, op, scalar);
                }
                case "$gt":
                case "$gte":
                case "$lt":
                case "$lte":
                {
                    var op = opKey == "$gt" ? FilterOperator.Gt : opKey == "$gte" ? FilterOperator.Gte
                        : opKey == "$lt" ? FilterOperator.Lt : FilterOperator.Lte;
                    if (!(Scalar(operand) is double d))
                        throw Invalid(ErrorIds.InvalidFilterOperand,
                            $"'{opKey}' on '{field}' takes a number, not {Describe(operand)}.", operand);
                    return new ComparisonFilter(field, op, d);
                }
                case "$in":
                case "$nin":
                {
                    var op = opKey == "$in" ? FilterOperator.In : FilterOperator.Nin;
                    var list = AsList(operand);
                    if (list is null || list.Count == 0)
                        throw Invalid(ErrorIds.InvalidFilterOperand,
                            $"'{opKey}' on '{field}' takes a non-empty array of strings or numbers, not {Describe(operand)}.", operand);
                    var items = new List<object>(list.Count);
                    foreach (var item in list)
                    {
                        var s = Scalar(item);
                        if (s is null || s is bool)
                            throw Invalid(ErrorIds.InvalidFilterOperand,
                                $"'{opKey}' on '{field}' takes strings or numbers; {Describe(item)} is neither.", item);
                        items.Add(s);
                    }
                    return new ComparisonFilter(field, op, items);
                }
                case "$exists":
                    if (!(operand is bool b))
                        throw Invalid(ErrorIds.InvalidFilterOperand,
                            $"'$exists' on '{field}' takes true or false, not {Describe(operand)}.", operand);
                    return new ComparisonFilter(field, FilterOperator.Exists, b);
                default:
                    throw Invalid(ErrorIds.UnknownFilterOperator,
                        $"Unknown filter operator '{opKey}' on field '{field}'. Known: $eq $ne $gt $gte $lt $lte $in $nin $exists (and $and $or at object level).",
                        opKey);
            }
        }

        /// <summary>string, double or bool; null for anything else.</summary>
        private static object? Scalar(object? v)
        {
            switch (v)
            {
                case string s: return s;
                case bool b: return b;
                case char c: return c.ToString();
                case byte _: case sbyte _: case short _: case ushort _: case int _: case uint _:
                case long _: case ulong _: case float _: case double _: case decimal _:
                    var d = Convert.ToDouble(v, CultureInfo.InvariantCulture);
                    return double.IsNaN(d) || double.IsInfinity(d) ? null : (object)d;
                default: return null;
            }
        }

        private static IList? AsList(object? v) => v is string || v is IDictionary ? null : v as IList ?? (v is IEnumerable e ? e.Cast<object?>().ToList() : null);

        private static IEnumerable<string> SortedKeys(IDictionary d)
        {
            var keys = new List<string>(d.Count);
            foreach (var k in d.Keys)
            {
                if (!(k is string s)) throw Invalid(ErrorIds.InvalidFilter, $"Filter keys must be strings, not {Describe(k)}.", k);
                keys.Add(s);
            }
            // Ordered dictionaries keep the user's order; hashtables have none, so sort to make the JSON canonical.
            if (!(d is System.Collections.Specialized.IOrderedDictionary) && !IsGenericOrdered(d)) keys.Sort(StringComparer.Ordinal);
            return keys;
        }

        private static bool IsGenericOrdered(IDictionary d) => d.GetType().Name.StartsWith("OrderedDictionary", StringComparison.Ordinal) || d is SortedList;

        private static string Describe(object? v) => v is null ? "null" : v is string s ? $"the string '{s}'" : $"{v} ({v.GetType().Name})";

        /// <summary>A JsonElement as plain .NET values: Dictionary (ordered by appearance), List, string, double, bool, null.</summary>
        internal static object? ConvertJson(JsonElement e)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.Object:
                    var d = new System.Collections.Specialized.OrderedDictionary(StringComparer.Ordinal);
                    foreach (var p in e.EnumerateObject())
                    {
                        if (d.Contains(p.Name)) throw Invalid(ErrorIds.InvalidFilterJson, $"The key '{p.Name}' appears twice in one filter object.", p.Name);
                        d[p.Name] = ConvertJson(p.Value);
                    }
                    return d;
                case JsonValueKind.Array: return e.EnumerateArray().Select(ConvertJson).ToList();
                case JsonValueKind.String: return e.GetString();
                case JsonValueKind.Number: return e.GetDouble();
                case JsonValueKind.True: return true;
                case JsonValueKind.False: return false;
                default: return null;
            }
        }

        // ---- canonical JSON --------------------------------------------------------------------------

        private static string ToJson(FilterNode node)
        {
            using var ms = new MemoryStream();
            using (var w = new Utf8JsonWriter(ms))
                WriteNode(w, node);
            return Encoding.UTF8.GetString(ms.ToArray());
        }

        /// <summary>Writes the filter in the MongoDB-style JSON operator language (explicit operators, $and/$or spelled out).</summary>
        public void WriteTo(Utf8JsonWriter writer) => WriteNode(writer, Root);

        private static void WriteNode(Utf8JsonWriter w, FilterNode node)
        {
            w.WriteStartObject();
            switch (node)
            {
                case LogicalFilter l:
                    w.WriteStartArray(l.Operator == LogicalOperator.And ? "$and" : "$or");
                    foreach (var c in l.Children) WriteNode(w, c);
                    w.WriteEndArray();
                    break;
                case ComparisonFilter c:
                    w.WriteStartObject(c.Field);
                    w.WritePropertyName(OperatorToken(c.Operator));
                    WriteValue(w, c.Value);
                    w.WriteEndObject();
                    break;
            }
            w.WriteEndObject();
        }

        private static void WriteValue(Utf8JsonWriter w, object v)
        {
            switch (v)
            {
                case string s: w.WriteStringValue(s); break;
                case bool b: w.WriteBooleanValue(b); break;
                case double d: w.WriteNumberValue(d); break;
                case IEnumerable<object> list:
                    w.WriteStartArray();
                    foreach (var i in list) WriteValue(w, i);
                    w.WriteEndArray();
                    break;
            }
        }

        public static string OperatorToken(FilterOperator op) => op switch
        {
            FilterOperator.Eq => "$eq",
            FilterOperator.Ne => "$ne",
            FilterOperator.Gt => "$gt",
            FilterOperator.Gte => "$gte",
            FilterOperator.Lt => "$lt",
            FilterOperator.Lte => "$lte",
            FilterOperator.In => "$in",
            FilterOperator.Nin => "$nin",
            _ => "$exists",
        };

        // ---- evaluation in memory ------------------------------------------------------------------

        /// <summary>
        /// Evaluates the filter against a record's metadata, with these semantics: a list-valued field matches
        /// $eq/$in when any element does and $ne/$nin when none does; a missing field fails every comparison except
        /// $ne, $nin and $exists:false. Used by providers without a native filter and by emulators.
        /// </summary>
        public bool Matches(IDictionary<string, object?>? metadata) => Evaluate(Root, metadata);

        private static bool Evaluate(FilterNode node, IDictionary<string, object?>? md)
        {
            switch (node)
            {
                case LogicalFilter l:
                    return l.Operator == LogicalOperator.And ? l.Children.All(c => Evaluate(c, md)) : l.Children.Any(c => Evaluate(c, md));
                case ComparisonFilter c:
                    object? actual = null;
                    var present = md != null && md.TryGetValue(c.Field, out actual) && actual != null;
                    var values = present ? Flatten(actual) : new List<object>();
                    switch (c.Operator)
                    {
                        case FilterOperator.Exists: return present == (bool)c.Value;
                        case FilterOperator.Eq: return values.Any(v => ScalarEquals(v, c.Value));
                        case FilterOperator.Ne: return !values.Any(v => ScalarEquals(v, c.Value));
                        case FilterOperator.In: return values.Any(v => ((IEnumerable<object>)c.Value).Any(x => ScalarEquals(v, x)));
                        case FilterOperator.Nin: return !values.Any(v => ((IEnumerable<object>)c.Value).Any(x => ScalarEquals(v, x)));
                        default:
                            var bound = (double)c.Value;
                            return values.Any(v => v is double d && Compare(c.Operator, d, bound));
                    }
                default:
                    return false;
            }
        }

        private static bool Compare(FilterOperator op, double a, double b) => op switch
        {
            FilterOperator.Gt => a > b,
            FilterOperator.Gte => a >= b,
            FilterOperator.Lt => a < b,
            _ => a <= b,
        };

        private static List<object> Flatten(object? v)
        {
            var result = new List<object>();
            if (v is string || !(v is IEnumerable e))
            {
                var s = Scalar(v);
                if (s != null) result.Add(s);
                return result;
            }
            foreach (var item in e)
            {
                var s = Scalar(item);
                if (s != null) result.Add(s);
            }
            return result;
        }

        private static bool ScalarEquals(object a, object b) =>
            a is double da && b is double db ? da.Equals(db) : a is string sa && b is string sb ? string.Equals(sa, sb, StringComparison.Ordinal)
            : a is bool ba && b is bool bb && ba == bb;
    }
}
