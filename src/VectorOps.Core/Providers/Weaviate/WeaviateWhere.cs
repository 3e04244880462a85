using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using VectorOps.Errors;
using VectorOps.Filtering;

namespace VectorOps.Providers.Weaviate
{
    /// <summary>One property of a Weaviate class, as its schema says.</summary>
    internal sealed class WeaviateProperty
    {
        public WeaviateProperty(string name, string dataType, string? tokenization)
        {
            Name = name;
            IsArray = dataType.EndsWith("[]", StringComparison.Ordinal);
            BaseType = IsArray ? dataType.Substring(0, dataType.Length - 2) : dataType;
            Tokenization = tokenization;
        }

        public string Name { get; }

        /// <summary>text, int, number, boolean, date, uuid, object, a class name (a reference)...</summary>
        public string BaseType { get; }

        public bool IsArray { get; }

        /// <summary>word (Weaviate's default for text), field, whitespace, lowercase, ...; null when the property is not text.</summary>
        public string? Tokenization { get; }

        public string DataType => IsArray ? BaseType + "[]" : BaseType;
    }

    /// <summary>
    /// A metadata filter as Weaviate's <c>where</c>, with the filter language's meaning (MetadataFilter.Matches),
    /// never wider. The class schema decides how each comparison is written, because Weaviate types its filters by
    /// the property: valueInt for int, valueNumber for number, valueText for text, valueBoolean for boolean; an
    /// operand of another type than the property's can match no record, so that comparison is decided here
    /// (false for $eq/$in/ranges/$exists:true, true for $ne/$nin/$exists:false) rather than sent as a request
    /// Weaviate would refuse. A property the class does not have holds no value in any object: decided the same way.
    /// Fractional bounds on int properties become the whole-number bounds that keep the same objects.
    /// Text is compared whole only where the property's tokenization is <c>field</c>; with <c>word</c> (Weaviate's
    /// default), <c>lowercase</c> or <c>whitespace</c>, Equal matches by tokens (case-folded, a word of a longer
    /// text), which would widen a delete: refused with FilterNotSupportedByProvider. $exists is IsNull, which needs
    /// the class's invertedIndexConfig.indexNullState; without it, refused. $in is an Or of Equal, $ne NotEqual and $nin an And of
    /// NotEqual: Weaviate's NotEqual is the complement of Equal over every object, so objects without the property
    /// match them, as in the filter language.
    /// </summary>
    internal static class WeaviateWhere
    {
        /// <summary>A translated filter: always true, always false, or a where object.</summary>
        internal abstract class Node
        {
        }

        internal sealed class Constant : Node
        {
            public static readonly Constant True = new Constant(true);
            public static readonly Constant False = new Constant(false);

            private Constant(bool value) => Value = value;

            public bool Value { get; }
        }

        internal sealed class Logical : Node
        {
            public Logical(string op, IReadOnlyList<Node> operands)
            {
                Operator = op;
                Operands = operands;
            }

            public string Operator { get; }
            public IReadOnlyList<Node> Operands { get; }
        }

        internal sealed class Leaf : Node
        {
            public Leaf(string path, string op, string valueKey, object value)
            {
                Path = path;
                Operator = op;
                ValueKey = valueKey;
                Value = value;
            }

            public string Path { get; }
            public string Operator { get; }

            /// <summary>valueText, valueInt, valueNumber, valueBoolean, valueTextArray, valueIntArray, valueNumberArray.</summary>
            public string ValueKey { get; }

            /// <summary>string, long, double, bool, or a list of them.</summary>
            public object Value { get; }
        }

        /// <summary>Every object of the class (or tenant): its id is like "*".</summary>
        public static readonly Leaf Everything = new Leaf("id", "Like", "valueText", "*");

        /// <summary>Translates the filter against the class's properties; throws FilterNotSupportedByProvider what cannot be written exactly.</summary>
        public static Node Translate(MetadataFilter filter, IReadOnlyDictionary<string, WeaviateProperty> properties, bool indexNullState)
        {
            if (filter is null) throw new ArgumentNullException(nameof(filter));
            return Translate(filter.Root, filter, properties, indexNullState);
        }

        private static Node Translate(FilterNode node, MetadataFilter filter, IReadOnlyDictionary<string, WeaviateProperty> properties, bool nullState)
        {
            switch (node)
            {
                case LogicalFilter l:
                {
                    var and = l.Operator == LogicalOperator.And;
                    var parts = new List<Node>();
                    foreach (var child in l.Children)
                    {
                        var t = Translate(child, filter, properties, nullState);
                        if (t is Constant c)
                        {
                            // false decides an And, true decides an Or; the other constant drops out.
                            if (c.Value != and) return c;
                            continue;
                        }
                        parts.Add(t);
                    }
                    if (parts.Count == 0) return and ? Constant.True : Constant.False;
                    return parts.Count == 1 ? parts[0] : new Logical(and ? "And" : "Or", parts);
                }
                case ComparisonFilter c:
                    return Compare(c, filter, properties, nullState);
                default:
                    throw Unsupported(filter, "a condition VectorOps does not know");
            }
        }

        private static Node Compare(ComparisonFilter c, MetadataFilter filter, IReadOnlyDictionary<string, WeaviateProperty> properties, bool nullState)
        {
            properties.TryGetValue(c.Field, out var p);
            var negated = c.Operator == FilterOperator.Ne || c.Operator == FilterOperator.Nin ||
                          (c.Operator == FilterOperator.Exists && !(bool)c.Value);
            if (p is null)
                // No object holds a value for a property the class does not have.
                return negated ? Constant.True : Constant.False;
            if (p.BaseType != "text" && p.BaseType != "int" && p.BaseType != "number" && p.BaseType != "boolean")
                throw Unsupported(filter, $"'{c.Field}' is a {p.DataType} property; VectorOps filters text, int, number and boolean properties");

            switch (c.Operator)
            {
                case FilterOperator.Exists:
                    if (p.IsArray)
                        throw Unsupported(filter, $"$exists on '{c.Field}', a {p.DataType} property: Weaviate takes an empty list for null, the filter language does not");
                    if (!nullState)
                        throw Unsupported(filter, $"$exists on '{c.Field}' needs IsNull, which needs the class's invertedIndexConfig.indexNullState (it is off)");
                    return new Leaf(c.Field, "IsNull", "valueBoolean", !(bool)c.Value);
                case FilterOperator.Eq:
                case FilterOperator.Ne:
                {
                    var value = Operand(p, c.Value, filter, c.Field);
                    if (value is null) return negated ? Constant.True : Constant.False;
                    return new Leaf(c.Field, c.Operator == FilterOperator.Eq ? "Equal" : "NotEqual", ValueKey(p, false), value);
                }
                case FilterOperator.In:
                case FilterOperator.Nin:
                {
                    var values = ((IEnumerable<object>)c.Value).Select(v => Operand(p, v, filter, c.Field)).Where(v => v != null).Distinct().ToList();
                    if (values.Count == 0) return negated ? Constant.True : Constant.False;
                    // An Or of Equal (an And of NotEqual): Weaviate's ContainsAny is documented for text and array
                    // properties only, Equal and NotEqual for every type.
                    var isIn = c.Operator == FilterOperator.In;
                    var parts = values.Select(v => (Node)new Leaf(c.Field, isIn ? "Equal" : "NotEqual", ValueKey(p, false), v!)).ToList();
                    return parts.Count == 1 ? parts[0] : new Logical(isIn ? "Or" : "And", parts);
                }
                default:
                    return Range(c, p, (double)c.Value, filter);
            }
        }

        private static Node Range(ComparisonFilter c, WeaviateProperty p, double bound, MetadataFilter filter)
        {
            // Strings and booleans never pass a numeric comparison in the filter language.
            if (p.BaseType == "text" || p.BaseType == "boolean") return Constant.False;
            var op = c.Operator switch
            {
                FilterOperator.Gt => "GreaterThan",
                FilterOperator.Gte => "GreaterThanEqual",
                FilterOperator.Lt => "LessThan",
                _ => "LessThanEqual",
            };
            if (p.BaseType == "number") return new Leaf(c.Field, op, "valueNumber", bound);
            // int: whole-number bounds keep the same integers (x > 2.5 is x >= 3; x <= 2.5 is x <= 2).
            if (Math.Abs(bound) >= 9.0e18) throw Unsupported(filter, $"the bound {bound.ToString(CultureInfo.InvariantCulture)} on '{c.Field}' is beyond Weaviate's int range");
            long whole;
            switch (c.Operator)
            {
                case FilterOperator.Gt:
                    whole = (long)Math.Floor(bound) + 1;
                    op = "GreaterThanEqual";
                    break;
                case FilterOperator.Gte:
                    whole = (long)Math.Ceiling(bound);
                    break;
                case FilterOperator.Lt:
                    whole = (long)Math.Ceiling(bound) - 1;
                    op = "LessThanEqual";
                    break;
                default:
                    whole = (long)Math.Floor(bound);
                    break;
            }
            return new Leaf(c.Field, op, "valueInt", whole);
        }

        /// <summary>The operand as the property's type takes it, or null when no value of the property can equal it.</summary>
        private static object? Operand(WeaviateProperty p, object v, MetadataFilter filter, string field)
        {
            switch (p.BaseType)
            {
                case "text":
                    if (!(v is string s)) return null;
                    if (!string.Equals(p.Tokenization, "field", StringComparison.Ordinal))
                        throw Unsupported(filter, $"'{field}' is text with tokenization '{p.Tokenization ?? "word"}', where Weaviate's Equal matches tokens (case-folded, a word of a longer text), not the whole value; " +
                            "whole-value comparisons need the property created with tokenization 'field'");
                    if (s.Length > 0 && (char.IsWhiteSpace(s[0]) || char.IsWhiteSpace(s[s.Length - 1])))
                        throw Unsupported(filter, $"the value '{s}' of '{field}' begins or ends with white space, which tokenization 'field' trims away");
                    return s;
                case "int":
                    if (!(v is double d) || d != Math.Floor(d)) return null;
                    if (Math.Abs(d) >= 9.0e18) return null;
                    return (long)d;
                case "number":
                    return v is double n ? (object)n : null;
                default: // boolean
                    return v is bool b ? (object)b : null;
            }
        }

        private static string ValueKey(WeaviateProperty p, bool array) => p.BaseType switch
        {
            "text" => array ? "valueTextArray" : "valueText",
            "int" => array ? "valueIntArray" : "valueInt",
            "number" => array ? "valueNumberArray" : "valueNumber",
            _ => array ? "valueBooleanArray" : "valueBoolean",
        };

        private static VectorOpsException Unsupported(MetadataFilter filter, string why) =>
            new VectorOpsException(ErrorIds.FilterNotSupported, VectorOpsErrorCategory.InvalidArgument,
                $"Weaviate cannot apply the filter {filter.Json} exactly: {why}. Nothing was sent.", filter.Json);

        // ---- writing ---------------------------------------------------------------------------------

        /// <summary>Writes a where object (never a constant: the caller decides those without a request).</summary>
        public static void Write(Utf8JsonWriter w, Node node)
        {
            switch (node)
            {
                case Logical l:
                    if (l.Operands.Count == 0) throw new InvalidOperationException("A where with no operands is never written.");
                    w.WriteStartObject();
                    w.WriteString("operator", l.Operator);
                    w.WriteStartArray("operands");
                    foreach (var o in l.Operands) Write(w, o);
                    w.WriteEndArray();
                    w.WriteEndObject();
                    break;
                case Leaf leaf:
                    w.WriteStartObject();
                    w.WriteString("operator", leaf.Operator);
                    w.WriteStartArray("path");
                    w.WriteStringValue(leaf.Path);
                    w.WriteEndArray();
                    w.WritePropertyName(leaf.ValueKey);
                    WriteValue(w, leaf.Value);
                    w.WriteEndObject();
                    break;
                default:
                    throw new InvalidOperationException("A constant filter is decided without a request.");
            }
        }

        private static void WriteValue(Utf8JsonWriter w, object v)
        {
            switch (v)
            {
                case string s: w.WriteStringValue(s); break;
                case bool b: w.WriteBooleanValue(b); break;
                case long l: w.WriteNumberValue(l); break;
                case double d: w.WriteNumberValue(d); break;
                case System.Collections.IEnumerable list:
                    w.WriteStartArray();
                    foreach (var i in list) WriteValue(w, i!);
                    w.WriteEndArray();
                    break;
            }
        }
    }
}
