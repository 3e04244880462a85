using System;
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
    /// written as an $or of one $in per type, a mixed $nin as an $and of one $nin per type (the same records). Chroma
    /// also compares a fractional number with int fields as if it were cut to a whole number ({"$eq": 2030.5} matches
    /// 2030: measured), which would widen a delete: every fractional operand is written with whole-number bounds
    /// beside it that keep int fields to their true answer (WriteEqualFraction and the range case below).
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
                    // Chroma takes lists of one type, and matches a fractional number against int fields as if cut to
                    // a whole number: strings, whole numbers and each fractional number go apart, keeping the
                    // meaning (any of them: $or; none of them: $and).
                    var items = ((IEnumerable<object>)c.Value).ToList();
                    var strings = items.OfType<string>().Cast<object>().ToList();
                    var whole = items.OfType<double>().Where(d => !IsFraction(d)).Cast<object>().ToList();
                    var fractions = items.OfType<double>().Where(IsFraction).ToList();
                    var isIn = c.Operator == FilterOperator.In;
                    var parts = new List<Action>();
                    var token = MetadataFilter.OperatorToken(c.Operator);
                    if (strings.Count > 0) parts.Add(() => WriteList(w, c.Field, token, strings));
                    if (whole.Count > 0) parts.Add(() => WriteList(w, c.Field, token, whole));
                    foreach (var f in fractions) parts.Add(() => { if (isIn) WriteEqualFraction(w, c.Field, f); else WriteNotEqualFraction(w, c.Field, f); });
                    if (parts.Count == 1)
                    {
                        parts[0]();
                        break;
                    }
                    w.WriteStartObject();
                    w.WriteStartArray(isIn ? "$or" : "$and");
                    foreach (var part in parts) part();
                    w.WriteEndArray();
                    w.WriteEndObject();
                    break;
                }
                case ComparisonFilter c when c.Operator == FilterOperator.Eq && c.Value is double d && IsFraction(d):
                    WriteEqualFraction(w, c.Field, d);
                    break;
                case ComparisonFilter c when c.Operator == FilterOperator.Ne && c.Value is double d && IsFraction(d):
                    WriteNotEqualFraction(w, c.Field, d);
                    break;
                case ComparisonFilter c when IsRange(c.Operator) && c.Value is double bound && IsFraction(bound):
                {
                    // Chroma 1.0.x compares a fractional bound with int fields as if it were cut to a whole number
                    // (measured: {"$gte": 2000.25} matches 2000, {"$lt": 2020.5} misses 2020): wrong both ways. Whole-number
                    // bounds are right for int and float fields alike, fractional ones for float fields. So, for x > b:
                    //   (x > b AND x > floor(b)) OR x >= ceil(b)
                    // int fields: the first part lies inside the second, which is exactly right; float fields: the
                    // first part is exactly right and the second lies inside it. Mirrored for < and <=.
                    var above = c.Operator == FilterOperator.Gt || c.Operator == FilterOperator.Gte;
                    var token = MetadataFilter.OperatorToken(c.Operator);
                    w.WriteStartObject();
                    w.WriteStartArray("$or");
                    w.WriteStartObject();
                    w.WriteStartArray("$and");
                    WriteComparison(w, c.Field, token, bound);
                    WriteComparison(w, c.Field, above ? "$gt" : "$lt", above ? Math.Floor(bound) : Math.Ceiling(bound));
                    w.WriteEndArray();
                    w.WriteEndObject();
                    WriteComparison(w, c.Field, above ? "$gte" : "$lte", above ? Math.Ceiling(bound) : Math.Floor(bound));
                    w.WriteEndArray();
                    w.WriteEndObject();
                    break;
                }
                case ComparisonFilter c:
                    WriteComparison(w, c.Field, MetadataFilter.OperatorToken(c.Operator), c.Value);
                    break;
            }
        }

        /// <summary>A number with a fractional part (within the range where doubles still have one to compare).</summary>
        private static bool IsFraction(double d) => d != Math.Floor(d) && Math.Abs(d) < 9.0e15;

        /// <summary>x == f for a fractional f: (x == f AND floor(f) &lt; x &lt; ceil(f)); no int field can pass the bounds.</summary>
        private static void WriteEqualFraction(Utf8JsonWriter w, string field, double f)
        {
            w.WriteStartObject();
            w.WriteStartArray("$and");
            WriteComparison(w, field, "$eq", f);
            WriteComparison(w, field, "$gt", Math.Floor(f));
            WriteComparison(w, field, "$lt", Math.Ceiling(f));
            w.WriteEndArray();
            w.WriteEndObject();
        }

        /// <summary>x != f for a fractional f: (x != f OR x &lt;= floor(f) OR x &gt;= ceil(f)); every int field passes the bounds, a missing field passes $ne.</summary>
        private static void WriteNotEqualFraction(Utf8JsonWriter w, string field, double f)
        {
            w.WriteStartObject();
            w.WriteStartArray("$or");
            WriteComparison(w, field, "$ne", f);
            WriteComparison(w, field, "$lte", Math.Floor(f));
            WriteComparison(w, field, "$gte", Math.Ceiling(f));
            w.WriteEndArray();
            w.WriteEndObject();
        }

        private static bool IsRange(FilterOperator op) =>
            op == FilterOperator.Gt || op == FilterOperator.Gte || op == FilterOperator.Lt || op == FilterOperator.Lte;

        private static void WriteComparison(Utf8JsonWriter w, string field, string token, object value)
        {
            w.WriteStartObject();
            w.WriteStartObject(field);
            w.WritePropertyName(token);
            WriteScalar(w, value);
            w.WriteEndObject();
            w.WriteEndObject();
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
                case double d when d == Math.Floor(d) && d >= -9.0e15 && d <= 9.0e15: w.WriteNumberValue((long)d); break;
                case double d: w.WriteNumberValue(d); break;
            }
        }
    }
}
