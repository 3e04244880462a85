using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using VectorOps.Filtering;

namespace VectorOps.Providers.Local
{
    /// <summary>
    /// Translates a <see cref="MetadataFilter"/> into a parameterised SQLite boolean expression over a JSON metadata
    /// column, with exactly the semantics of <see cref="MetadataFilter.Matches"/>:
    /// <list type="bullet">
    /// <item>A field's values are the field itself when it is a string, number or boolean; the string, number and
    /// boolean elements when it is an array; nothing when it is an object, null or missing.</item>
    /// <item>$eq / $in match when any value equals; $ne / $nin when none does (so a missing field passes them);
    /// the range operators need a numeric value; $exists asks whether the field is there and not null.</item>
    /// <item>No cross-type equality: strings compare with strings (binary, case-sensitive), numbers with numbers
    /// (as doubles), booleans with booleans (JSON true is not the number 1).</item>
    /// </list>
    /// SQL text is built only from fixed fragments and parameter names: field names travel as a bound JSON path
    /// (the key quoted and escaped, so dots, brackets and quotes in names are plain characters) and every operand
    /// as a bound value.
    /// </summary>
    internal sealed class LocalFilterSql
    {
        /// <summary>Above this many numbers in one $in/$nin list they travel as one JSON array parameter.</summary>
        private const int MaxBoundNumbers = 200;

        private const string Numeric = "e.type IN ('integer','real')";

        private readonly SqliteCommand _command;
        private readonly string _column;
        private readonly string _prefix;
        private int _next;

        private LocalFilterSql(SqliteCommand command, string column, string parameterPrefix)
        {
            _command = command;
            _column = column;
            _prefix = parameterPrefix;
        }

        /// <summary>
        /// Returns the expression (for a WHERE clause) and adds its parameters to <paramref name="command"/>.
        /// <paramref name="column"/> is a fixed column reference chosen by the caller, such as "r.metadata".
        /// </summary>
        public static string Translate(MetadataFilter filter, SqliteCommand command, string column, string parameterPrefix = "@f")
        {
            if (filter is null) throw new ArgumentNullException(nameof(filter));
            return new LocalFilterSql(command, column, parameterPrefix).Node(filter.Root);
        }

        /// <summary>
        /// The SQLite JSON path of a top-level key: $."key" with the key's quotes, backslashes and control characters
        /// escaped as in a JSON string, so that SQLite reads the key literally.
        /// </summary>
        public static string JsonPath(string field)
        {
            var sb = new StringBuilder(field.Length + 5);
            sb.Append("$.\"");
            foreach (var c in field)
            {
                switch (c)
                {
                    case '"': sb.Append("\\\""); break;
                    case '\\': sb.Append("\\\\"); break;
                    default:
                        if (c < 0x20) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        else sb.Append(c);
                        break;
                }
            }
            sb.Append('"');
            return sb.ToString();
        }

        private string Bind(object value, SqliteType type)
        {
            var name = _prefix + _next.ToString(CultureInfo.InvariantCulture);
            _next++;
            _command.Parameters.Add(name, type).Value = value;
            return name;
        }

        private string Node(FilterNode node)
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
            var path = Bind(JsonPath(c.Field), SqliteType.Text);
            switch (c.Operator)
            {
                case FilterOperator.Exists:
                    // Present = the key is there and its value is not JSON null (json_type gives SQL NULL when absent).
                    return "(COALESCE(json_type(" + _column + ", " + path + "), 'null') " + ((bool)c.Value ? "<>" : "=") + " 'null')";
                case FilterOperator.Eq:
                    return AnyValue(path, EqualsCondition(c.Value));
                case FilterOperator.Ne:
                    return "(NOT " + AnyValue(path, EqualsCondition(c.Value)) + ")";
                case FilterOperator.In:
                    return AnyValue(path, InCondition((IEnumerable<object>)c.Value));
                case FilterOperator.Nin:
                    return "(NOT " + AnyValue(path, InCondition((IEnumerable<object>)c.Value)) + ")";
                default:
                {
                    var bound = Bind((double)c.Value, SqliteType.Real);
                    return AnyValue(path, "(" + Numeric + " AND CAST(e.value AS REAL) " + RangeToken(c.Operator) + " " + bound + ")");
                }
            }
        }

        /// <summary>
        /// True when some value of the field satisfies the condition on json_each's row alias e. json_each over a
        /// scalar yields the scalar, over an array its elements; an object's members are not values (guarded).
        /// Never SQL NULL, so NOT(...) is safe.
        /// </summary>
        private string AnyValue(string path, string condition) =>
            "(COALESCE(json_type(" + _column + ", " + path + "), '') <> 'object' AND EXISTS (SELECT 1 FROM json_each(" +
            _column + ", " + path + ") AS e WHERE " + condition + "))";

        private string EqualsCondition(object value)
        {
            switch (value)
            {
                case string s:
                    return "(e.type = 'text' AND e.value = " + Bind(s, SqliteType.Text) + ")";
                case bool b:
                    return "(e.type = " + Bind(b ? "true" : "false", SqliteType.Text) + ")";
                case double d:
                    // CAST: an integer beyond 2^53 is rounded to a double first, as the in-memory evaluation does.
                    return "(" + Numeric + " AND CAST(e.value AS REAL) = " + Bind(d, SqliteType.Real) + ")";
                default:
                    throw new NotSupportedException("Unsupported filter operand " + value.GetType().Name);
            }
        }

        private string InCondition(IEnumerable<object> items)
        {
            var strings = new List<string>();
            var numbers = new List<double>();
            foreach (var item in items)
            {
                if (item is string s) strings.Add(s);
                else if (item is double d) numbers.Add(d);
                else throw new NotSupportedException("Unsupported $in operand " + item.GetType().Name);
            }
            var parts = new List<string>(2);
            if (strings.Count > 0)
            {
                // One JSON array parameter, however long the list: exact for strings.
                parts.Add("(e.type = 'text' AND e.value IN (SELECT value FROM json_each(" + Bind(JsonArray(strings), SqliteType.Text) + ")))");
            }
            if (numbers.Count > 0)
            {
                string list;
                if (numbers.Count <= MaxBoundNumbers)
                {
                    var names = new List<string>(numbers.Count);
                    foreach (var d in numbers) names.Add(Bind(d, SqliteType.Real));
                    list = string.Join(", ", names);
                }
                else
                {
                    list = "SELECT CAST(value AS REAL) FROM json_each(" + Bind(JsonArray(numbers), SqliteType.Text) + ")";
                }
                parts.Add("(" + Numeric + " AND CAST(e.value AS REAL) IN (" + list + "))");
            }
            return "(" + string.Join(" OR ", parts) + ")";
        }

        private static string JsonArray<T>(IEnumerable<T> items)
        {
            using var ms = new MemoryStream();
            using (var w = new Utf8JsonWriter(ms))
            {
                w.WriteStartArray();
                foreach (var item in items)
                {
                    if (item is string s) w.WriteStringValue(s);
                    else if (item is double d) w.WriteNumberValue(d);
                }
                w.WriteEndArray();
            }
            return Encoding.UTF8.GetString(ms.ToArray());
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
}
