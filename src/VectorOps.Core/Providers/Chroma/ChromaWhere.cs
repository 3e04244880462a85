using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using VectorOps.Errors;
using VectorOps.Filtering;

namespace VectorOps.Providers.Chroma
{
    /// <summary>
    /// A metadata filter as Chroma's <c>where</c>. Chroma has $eq $ne $gt $gte $lt $lte $in $nin, $and and $or,
    /// with the filter language's meaning for a missing field ($ne and $nin match a record without the field, the
    /// others do not: measured on Chroma 1.0.x). It refuses a list mixing strings and numbers, so a mixed $in is
    /// written as an $or of one $in per type, a mixed $nin as an $and of one $nin per type (the same records).
    /// Chroma has no $exists: a filter using it is refused (FilterNotSupportedByProvider) before any request, never
    /// widened into one that matches more, nor narrowed.
    /// </summary>
    internal static class ChromaWhere
    {
        /// <summary>Throws FilterNotSupportedByProvider when Chroma cannot express the filter.</summary>
        public static void Check(MetadataFilter filter) => Check(filter.Root, filter);

        private static void Check(FilterNode node, MetadataFilter filter)
        {
            switch (node)
            {
                case LogicalFilter l:
                    foreach (var c in l.Children) Check(c, filter);
                    break;
                case ComparisonFilter c when c.Operator == FilterOperator.Exists:
                    throw new VectorOpsException(ErrorIds.FilterNotSupported, VectorOpsErrorCategory.InvalidArgument,
                        $"Chroma's where has no $exists (the condition on '{c.Field}' in {filter.Json}): nothing was sent. " +
                        "Chroma can express $eq $ne $gt $gte $lt $lte $in $nin, $and and $or; $ne and $nin already match records without the field.",
                        filter.Json);
            }
        }

        /// <summary>Writes the filter as the value of "where".</summary>
        public static void Write(Utf8JsonWriter w, MetadataFilter filter)
        {
            Check(filter);
            Write(w, filter.Root);
        }

        private static void Write(Utf8JsonWriter w, FilterNode node)
        {
            switch (node)
            {
                case LogicalFilter l:
                    w.WriteStartObject();
                    w.WriteStartArray(l.Operator == LogicalOperator.And ? "$and" : "$or");
                    foreach (var c in l.Children) Write(w, c);
                    w.WriteEndArray();
                    w.WriteEndObject();
                    break;
                case ComparisonFilter c when c.Operator == FilterOperator.In || c.Operator == FilterOperator.Nin:
                {
                    var items = ((IEnumerable<object>)c.Value).ToList();
                    var strings = items.OfType<string>().ToList();
                    var numbers = items.OfType<double>().ToList();
                    var token = MetadataFilter.OperatorToken(c.Operator);
                    if (strings.Count == 0 || numbers.Count == 0)
                    {
                        WriteList(w, c.Field, token, items);
                        break;
                    }
                    // Chroma takes lists of one type: split, keeping the meaning (any of them / none of them).
                    w.WriteStartObject();
                    w.WriteStartArray(c.Operator == FilterOperator.In ? "$or" : "$and");
                    WriteList(w, c.Field, token, strings.Cast<object>().ToList());
                    WriteList(w, c.Field, token, numbers.Cast<object>().ToList());
                    w.WriteEndArray();
                    w.WriteEndObject();
                    break;
                }
                case ComparisonFilter c:
                    w.WriteStartObject();
                    w.WriteStartObject(c.Field);
                    w.WritePropertyName(MetadataFilter.OperatorToken(c.Operator));
                    WriteScalar(w, c.Value);
                    w.WriteEndObject();
                    w.WriteEndObject();
                    break;
            }
        }

        private static void WriteList(Utf8JsonWriter w, string field, string token, IReadOnlyList<object> items)
        {
            w.WriteStartObject();
            w.WriteStartObject(field);
            w.WriteStartArray(token);
            foreach (var i in items) WriteScalar(w, i);
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        }

        /// <summary>Whole numbers go as integers (Chroma keeps int and float metadata apart; it compares them by value).</summary>
        private static void WriteScalar(Utf8JsonWriter w, object v)
        {
            switch (v)
            {
                case string s: w.WriteStringValue(s); break;
                case bool b: w.WriteBooleanValue(b); break;
                case double d when d == System.Math.Floor(d) && d >= -9.0e15 && d <= 9.0e15: w.WriteNumberValue((long)d); break;
                case double d: w.WriteNumberValue(d); break;
            }
        }
    }
}
