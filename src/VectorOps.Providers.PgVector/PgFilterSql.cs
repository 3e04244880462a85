using System;
using System.Collections.Generic;
using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using VectorOps.Filtering;

namespace VectorOps.Providers.PgVector
{
    /// <summary>
    /// The metadata filter language as SQL on a jsonb expression: every operator MetadataFilter has, the same
    /// answers as <see cref="MetadataFilter"/>'s in-memory evaluation, values only as parameters (never in the text).
    /// <list type="bullet">
    /// <item>A field's values are the field itself when it is a string, number or boolean; the string, number and
    /// boolean elements when it is an array (nested arrays, objects and nulls inside it are not values); nothing
    /// when it is an object, JSON null or missing. A metadata expression that is SQL NULL or not an object has no
    /// fields.</item>
    /// <item>$eq / $in match when any value equals; $ne / $nin when none does (so a missing field passes them);
    /// the range operators need a numeric value; $exists asks whether the field is there and not JSON null.</item>
    /// <item>No cross-type equality: strings with strings (binary, case-sensitive), numbers with numbers, booleans
    /// with booleans (true is not 1, "1" is not 1). Numbers compare as doubles, as the in-memory evaluation does:
    /// a jsonb number is rounded to the nearest double first (so 9007199254740993 equals 9007199254740992), one
    /// beyond the double range is no value (as an infinite number is none in memory), one that rounds to zero is 0.</item>
    /// <item>Nothing a row holds can make the query fail: every cast of a jsonb value (to float8) sits in a CASE
    /// branch reached only for a number in the double range, and jsonb_array_elements only ever sees an array.</item>
    /// <item>A key or string that jsonb cannot hold (U+0000, a lone surrogate) can match nothing stored: it is
    /// decided here (no field, no equal value) rather than sent, which the driver would refuse.</item>
    /// </list>
    /// SQL text is built only from fixed fragments and parameter numbers: field names travel as text parameters
    /// (<c>metadata -&gt; $n</c>, taken literally by jsonb: dots and quotes are plain characters) and every operand as
    /// a typed parameter (text, float8, boolean, text[], float8[]).
    /// </summary>
    internal static class PgFilterSql
    {
        /// <summary>
        /// A boolean SQL condition for <paramref name="filter"/> over <paramref name="metadataSql"/> (an already
        /// quoted jsonb expression, e.g. <c>t."cmetadata"</c> or <c>t."metadata_"::jsonb</c>), adding the values it
        /// needs to <paramref name="parameters"/> (named $1.. by position: the caller's parameters come first).
        /// The condition is never SQL NULL, so it may be negated or combined freely.
        /// </summary>
        public static string Where(MetadataFilter filter, string metadataSql, List<NpgsqlParameter> parameters)
        {
            if (filter is null) throw new ArgumentNullException(nameof(filter));
            if (string.IsNullOrWhiteSpace(metadataSql)) throw new ArgumentException("A metadata expression is required.", nameof(metadataSql));
            if (parameters is null) throw new ArgumentNullException(nameof(parameters));
            return new Builder(metadataSql, parameters).Node(filter.Root);
        }

        /// <summary>
        /// The float8 of a jsonb value X, or NULL when X is not a number or is beyond the double range; {0} is X.
        /// The common case (a magnitude between 1e-300 and 1e300) is cast at once; a larger one is no value from
        /// 2^1024 - 2^970 up (where rounding to a double gives infinity, which PostgreSQL refuses); a smaller one is 0
        /// up to 2^-1075 (where rounding gives zero, which PostgreSQL also refuses). The bounds are exact numerics,
        /// folded once per query by the planner.
        /// </summary>
        private const string Float8Of =
            "(CASE WHEN COALESCE(jsonb_typeof({0}), '') <> 'number' THEN NULL::float8" +
            " WHEN abs(({0})::numeric) BETWEEN 1e-300 AND 1e300 THEN ({0})::float8" +
            " WHEN abs(({0})::numeric) >= ((2::numeric ^ 1024) - (2::numeric ^ 970)) THEN NULL::float8" +
            " WHEN abs(({0})::numeric) * (2::numeric ^ 1075) <= 1 THEN 0::float8" +
            " ELSE ({0})::float8 END)";

        private sealed class Builder
        {
            private readonly string _metadata;
            private readonly List<NpgsqlParameter> _parameters;
            private readonly Dictionary<string, string> _keys = new Dictionary<string, string>(StringComparer.Ordinal);

            public Builder(string metadata, List<NpgsqlParameter> parameters)
            {
                _metadata = metadata;
                _parameters = parameters;
            }

            private string Bind(object value, NpgsqlDbType type)
            {
                _parameters.Add(new NpgsqlParameter { Value = value, NpgsqlDbType = type });
                return "$" + _parameters.Count.ToString(CultureInfo.InvariantCulture);
            }

            public string Node(FilterNode node)
            {
                switch (node)
                {
                    case LogicalFilter l:
                    {
                        var parts = new List<string>(l.Children.Count);
                        foreach (var c in l.Children) parts.Add(Node(c));
                        return "(" + string.Join(l.Operator == LogicalOperator.And ? " AND " : " OR ", parts) + ")";
                    }
                    case ComparisonFilter c:
                        return Comparison(c);
                    default:
                        throw new NotSupportedException("Unknown filter node " + node.GetType().Name);
                }
            }

            private string Comparison(ComparisonFilter c)
            {
                if (!Storable(c.Field))
                {
                    // jsonb cannot hold this key, so no row has the field: only the negative operators pass.
                    var passes = c.Operator == FilterOperator.Ne || c.Operator == FilterOperator.Nin
                        || (c.Operator == FilterOperator.Exists && !(bool)c.Value);
                    return passes ? "TRUE" : "FALSE";
                }
                switch (c.Operator)
                {
                    case FilterOperator.Exists:
                        return "(COALESCE(jsonb_typeof(" + Field(c.Field) + "), 'null') " + ((bool)c.Value ? "<>" : "=") + " 'null')";
                    case FilterOperator.Eq:
                        return AnyValue(c.Field, EqualsCondition(c.Value));
                    case FilterOperator.Ne:
                        return Not(AnyValue(c.Field, EqualsCondition(c.Value)));
                    case FilterOperator.In:
                        return AnyValue(c.Field, InCondition((IEnumerable<object>)c.Value));
                    case FilterOperator.Nin:
                        return Not(AnyValue(c.Field, InCondition((IEnumerable<object>)c.Value)));
                    default:
                    {
                        var bound = Bind((double)c.Value, NpgsqlDbType.Double);
                        var op = RangeToken(c.Operator);
                        return AnyValue(c.Field, x => "(" + Float8(x) + " " + op + " " + bound + ")");
                    }
                }
            }

            /// <summary>The field's jsonb value (SQL NULL when missing), its key bound once per key.</summary>
            private string Field(string key)
            {
                if (!_keys.TryGetValue(key, out var p))
                {
                    p = Bind(key, NpgsqlDbType.Text);
                    _keys.Add(key, p);
                }
                return "(" + _metadata + " -> " + p + ")";
            }

            private static string Not(string condition) => condition == "FALSE" ? "TRUE" : condition == "TRUE" ? "FALSE" : "(NOT " + condition + ")";

            /// <summary>
            /// True when some value of the field satisfies the condition: an array's elements, or the field itself
            /// (an object, JSON null or a missing field satisfies no condition, each being typed). Never SQL NULL:
            /// EXISTS is true or false, the scalar branch is COALESCEd; jsonb_array_elements only sees an array.
            /// </summary>
            private string AnyValue(string key, Func<string, string>? condition)
            {
                if (condition is null) return "FALSE"; // the key is not even sent
                var field = Field(key);
                return "(CASE WHEN jsonb_typeof(" + field + ") = 'array' THEN EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(" +
                       field + ") = 'array' THEN " + field + " ELSE '[]'::jsonb END) AS vo_f(vo_v) WHERE " + condition("vo_f.vo_v") +
                       ") ELSE COALESCE(" + condition(field) + ", FALSE) END)";
            }

            private static string Float8(string x) => string.Format(CultureInfo.InvariantCulture, Float8Of, x);

            private static string IsString(string x) => "jsonb_typeof(" + x + ") = 'string'";

            private static string Text(string x) => "((" + x + ") #>> '{}') COLLATE \"C\"";

            /// <summary>Null when nothing stored can equal the value (a string jsonb cannot hold).</summary>
            private Func<string, string>? EqualsCondition(object value)
            {
                switch (value)
                {
                    case string s:
                    {
                        if (!Storable(s)) return null;
                        var p = Bind(s, NpgsqlDbType.Text);
                        return x => "(" + IsString(x) + " AND " + Text(x) + " = " + p + ")";
                    }
                    case bool b:
                    {
                        var p = Bind(b, NpgsqlDbType.Boolean);
                        return x => "(" + x + " = to_jsonb(" + p + "))";
                    }
                    case double d:
                    {
                        var p = Bind(d, NpgsqlDbType.Double);
                        return x => "(" + Float8(x) + " = " + p + ")";
                    }
                    default:
                        throw new NotSupportedException("Unsupported filter operand " + value.GetType().Name);
                }
            }

            private Func<string, string>? InCondition(IEnumerable<object> items)
            {
                var strings = new List<string>();
                var numbers = new List<double>();
                foreach (var item in items)
                {
                    if (item is string s) { if (Storable(s)) strings.Add(s); }
                    else if (item is double d) numbers.Add(d);
                    else throw new NotSupportedException("Unsupported $in operand " + item.GetType().Name);
                }
                string? stringList = strings.Count > 0 ? Bind(strings.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text) : null;
                string? numberList = numbers.Count > 0 ? Bind(numbers.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Double) : null;
                if (stringList is null && numberList is null) return null;
                return x =>
                {
                    var parts = new List<string>(2);
                    if (stringList != null) parts.Add("(" + IsString(x) + " AND " + Text(x) + " = ANY(" + stringList + "))");
                    if (numberList != null) parts.Add("(" + Float8(x) + " = ANY(" + numberList + "))");
                    return "(" + string.Join(" OR ", parts) + ")";
                };
            }

            private static string RangeToken(FilterOperator op) => op switch
            {
                FilterOperator.Gt => ">",
                FilterOperator.Gte => ">=",
                FilterOperator.Lt => "<",
                FilterOperator.Lte => "<=",
                _ => throw new NotSupportedException("Not a range operator: " + op),
            };
        }

        /// <summary>Whether jsonb can hold the string (as a key or a value): no U+0000, no lone surrogate.</summary>
        internal static bool Storable(string s)
        {
            for (var i = 0; i < s.Length; i++)
            {
                var c = s[i];
                if (c == '\0') return false;
                if (char.IsHighSurrogate(c))
                {
                    if (i + 1 >= s.Length || !char.IsLowSurrogate(s[i + 1])) return false;
                    i++;
                }
                else if (char.IsLowSurrogate(c)) return false;
            }
            return true;
        }
    }
}
