using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using VectorOps.Errors;
using VectorOps.Filtering;

namespace VectorOps.Providers.Qdrant
{
    /// <summary>
    /// A metadata filter as Qdrant's filter (must / should / must_not of conditions), with the filter language's
    /// meaning (MetadataFilter.Matches) kept exactly:
    /// <list type="bullet">
    /// <item>$and is must, $or is should; a list-valued payload matches a condition when any element does, in both.</item>
    /// <item>$eq and $in on strings and booleans are match value / match any (exact keyword match). Numbers are
    /// written as ranges (gte = lte = n): Qdrant's match takes integers only and compares them with integer payloads
    /// only, so {"$eq": 3} must also find 3.0, and {"$eq": 2.5} must be expressible; range compares every numeric
    /// payload as a double, as the filter language does.</item>
    /// <item>$ne and $nin are must_not of the positive condition: none of the values equal, and a point without the
    /// key (or with null) passes, as in the filter language (a missing key fails every match and range in Qdrant,
    /// so must_not of it holds).</item>
    /// <item>$gt $gte $lt $lte are ranges.</item>
    /// </list>
    /// Refused before any request (FilterNotSupportedByProvider), never widened: $exists (Qdrant's is_empty also
    /// matches an empty list [], which the filter language counts as present, so $exists: false would delete more
    /// than it should, and $exists: true would keep what it should delete), and field names holding '.', '[', ']' or
    /// '"' (Qdrant reads those as a path into nested payload, the filter language as one top-level key).
    /// The namespace key is never a user's field: a filter on it is refused too.
    /// </summary>
    internal static class QdrantFilter
    {
        /// <summary>Throws FilterNotSupportedByProvider when Qdrant cannot express the filter exactly.</summary>
        public static void Check(MetadataFilter filter, string? namespaceKey)
        {
            if (filter is null)
                throw new VectorOpsException(ErrorIds.EmptyFilter, VectorOpsErrorCategory.InvalidArgument,
                    "No filter was given; an empty filter is never sent to Qdrant (there it would match every point).", null);
            Check(filter.Root, filter, namespaceKey);
        }

        private static void Check(FilterNode node, MetadataFilter filter, string? namespaceKey)
        {
            switch (node)
            {
                case LogicalFilter l:
                    if (l.Children.Count == 0) throw Empty(filter);
                    foreach (var c in l.Children) Check(c, filter, namespaceKey);
                    break;
                case ComparisonFilter c:
                    if (c.Operator == FilterOperator.Exists)
                        throw Refused(filter, $"Qdrant has no exact $exists (the condition on '{c.Field}'): its is_empty also matches an empty list [], which this filter language counts as present, " +
                            "so $exists: false would match more and $exists: true fewer than the same filter does elsewhere. Qdrant can express $eq $ne $gt $gte $lt $lte $in $nin, $and and $or.");
                    if (c.Field.IndexOfAny(PathCharacters) >= 0)
                        throw Refused(filter, $"the field '{c.Field}' holds '.', '[', ']' or '\"', which Qdrant reads as a path into nested payload, not as one key.");
                    if (namespaceKey != null && string.Equals(c.Field, namespaceKey, StringComparison.Ordinal))
                        throw Refused(filter, $"'{c.Field}' is the namespace key (-NamespaceKey): choose the namespace with -Namespace instead.");
                    break;
                default:
                    throw Empty(filter);
            }
        }

        private static readonly char[] PathCharacters = { '.', '[', ']', '"' };

        private static VectorOpsException Refused(MetadataFilter filter, string why) =>
            new VectorOpsException(ErrorIds.FilterNotSupported, VectorOpsErrorCategory.InvalidArgument,
                $"The filter {filter.Json} cannot be sent to Qdrant exactly: {why} Nothing was sent.", filter.Json);

        private static VectorOpsException Empty(MetadataFilter? filter) =>
            new VectorOpsException(ErrorIds.EmptyFilter, VectorOpsErrorCategory.InvalidArgument,
                "The filter has no condition; an empty filter is never sent to Qdrant (there it would match every point).", filter?.Json);

        /// <summary>
        /// Writes <c>{"must": [...]}</c>: the namespace condition (when the collection has a namespace key), the ids
        /// (has_id, when given) and the translated filter (when given). Throws EmptyFilter when that would hold no
        /// condition at all: Qdrant's empty filter matches every point, and is never sent.
        /// </summary>
        public static void WriteScoped(Utf8JsonWriter w, string? namespaceKey, string? @namespace, IReadOnlyList<string>? ids, MetadataFilter? filter)
        {
            var hasNamespace = namespaceKey != null && @namespace != null;
            var hasIds = ids != null && ids.Count > 0;
            if (!hasNamespace && !hasIds && filter is null) throw Empty(null);
            if (filter != null) Check(filter, namespaceKey);
            w.WriteStartObject();
            w.WriteStartArray("must");
            if (hasNamespace) WriteMatch(w, namespaceKey!, @namespace!);
            if (hasIds)
            {
                w.WriteStartObject();
                w.WriteStartArray("has_id");
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var id in ids!) if (seen.Add(id)) QdrantIds.Write(w, id);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            if (filter != null) WriteNode(w, filter.Root);
            w.WriteEndArray();
            w.WriteEndObject();
        }

        /// <summary>{"key": K, "match": {"value": v}}.</summary>
        public static void WriteMatch(Utf8JsonWriter w, string key, string value)
        {
            w.WriteStartObject();
            w.WriteString("key", key);
            w.WriteStartObject("match");
            w.WriteString("value", value);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        private static void WriteNode(Utf8JsonWriter w, FilterNode node)
        {
            switch (node)
            {
                case LogicalFilter l:
                    w.WriteStartObject();
                    w.WriteStartArray(l.Operator == LogicalOperator.And ? "must" : "should");
                    foreach (var c in l.Children) WriteNode(w, c);
                    w.WriteEndArray();
                    w.WriteEndObject();
                    break;
                case ComparisonFilter c:
                    switch (c.Operator)
                    {
                        case FilterOperator.Eq:
                            WriteEqual(w, c.Field, c.Value);
                            break;
                        case FilterOperator.Ne:
                            w.WriteStartObject();
                            w.WriteStartArray("must_not");
                            WriteEqual(w, c.Field, c.Value);
                            w.WriteEndArray();
                            w.WriteEndObject();
                            break;
                        case FilterOperator.In:
                            WriteAnyOf(w, c.Field, (IEnumerable<object>)c.Value);
                            break;
                        case FilterOperator.Nin:
                            w.WriteStartObject();
                            w.WriteStartArray("must_not");
                            WriteAnyOf(w, c.Field, (IEnumerable<object>)c.Value);
                            w.WriteEndArray();
                            w.WriteEndObject();
                            break;
                        default:
                            w.WriteStartObject();
                            w.WriteString("key", c.Field);
                            w.WriteStartObject("range");
                            w.WriteNumber(c.Operator switch
                            {
                                FilterOperator.Gt => "gt",
                                FilterOperator.Gte => "gte",
                                FilterOperator.Lt => "lt",
                                _ => "lte",
                            }, (double)c.Value);
                            w.WriteEndObject();
                            w.WriteEndObject();
                            break;
                    }
                    break;
            }
        }

        /// <summary>One value: match value for strings and booleans, a closed range [n, n] for numbers.</summary>
        private static void WriteEqual(Utf8JsonWriter w, string field, object value)
        {
            w.WriteStartObject();
            w.WriteString("key", field);
            switch (value)
            {
                case double d:
                    w.WriteStartObject("range");
                    w.WriteNumber("gte", d);
                    w.WriteNumber("lte", d);
                    w.WriteEndObject();
                    break;
                case bool b:
                    w.WriteStartObject("match");
                    w.WriteBoolean("value", b);
                    w.WriteEndObject();
                    break;
                default:
                    w.WriteStartObject("match");
                    w.WriteString("value", (string)value);
                    w.WriteEndObject();
                    break;
            }
            w.WriteEndObject();
        }

        /// <summary>
        /// Any of the values: the strings as one match any (unique, as the document requires), each number as its
        /// range; more than one part goes in a should (any of them).
        /// </summary>
        private static void WriteAnyOf(Utf8JsonWriter w, string field, IEnumerable<object> values)
        {
            var items = values.ToList();
            var strings = items.OfType<string>().Distinct(StringComparer.Ordinal).ToList();
            var numbers = items.OfType<double>().Distinct().ToList();
            var parts = (strings.Count > 0 ? 1 : 0) + numbers.Count;
            if (parts > 1)
            {
                w.WriteStartObject();
                w.WriteStartArray("should");
            }
            if (strings.Count > 0)
            {
                w.WriteStartObject();
                w.WriteString("key", field);
                w.WriteStartObject("match");
                w.WriteStartArray("any");
                foreach (var s in strings) w.WriteStringValue(s);
                w.WriteEndArray();
                w.WriteEndObject();
                w.WriteEndObject();
            }
            foreach (var n in numbers) WriteEqual(w, field, n);
            if (parts > 1)
            {
                w.WriteEndArray();
                w.WriteEndObject();
            }
        }
    }
}
