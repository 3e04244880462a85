using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace VectorOps.Emulators.Weaviate
{
    /// <summary>One property of an emulated class: its dataType and tokenization, as Weaviate's schema spells them.</summary>
    public sealed class WeaviatePropertyDef
    {
        public WeaviatePropertyDef(string name, string dataType, string? tokenization = null)
        {
            Name = name;
            DataType = dataType;
            Tokenization = BaseTypeOf(dataType) == "text" ? tokenization ?? "word" : null;
        }

        public string Name { get; }
        public string DataType { get; }
        public string? Tokenization { get; }
        public bool IsArray => DataType.EndsWith("[]", StringComparison.Ordinal);
        public string BaseType => BaseTypeOf(DataType);

        internal static string BaseTypeOf(string dataType) => dataType.EndsWith("[]", StringComparison.Ordinal) ? dataType.Substring(0, dataType.Length - 2) : dataType;
    }

    /// <summary>An object: its id (lower-case UUID), properties (string, long, double, bool, or lists of them) and vector.</summary>
    public sealed class WeaviateObject
    {
        public WeaviateObject(string id, Dictionary<string, object?> properties, float[]? vector)
        {
            Id = id;
            Properties = properties;
            Vector = vector;
        }

        public string Id { get; }
        public Dictionary<string, object?> Properties { get; }
        public float[]? Vector { get; }
    }

    /// <summary>A tenant (or, for a class without multi-tenancy, the class's one shard): its status and objects in id order.</summary>
    public sealed class WeaviateShard
    {
        public WeaviateShard(string? tenant, string status = "ACTIVE")
        {
            Tenant = tenant;
            Status = status;
        }

        public string? Tenant { get; }
        public string Status { get; set; }
        public SortedDictionary<string, WeaviateObject> Objects { get; } = new SortedDictionary<string, WeaviateObject>(StringComparer.Ordinal);
        public bool IsActive => Status == "ACTIVE" || Status == "HOT";
    }

    /// <summary>An emulated class (collection).</summary>
    public sealed class WeaviateClass
    {
        public WeaviateClass(string name, bool multiTenant, bool indexNullState)
        {
            Name = name;
            MultiTenant = multiTenant;
            IndexNullState = indexNullState;
            if (!multiTenant) Single = new WeaviateShard(null);
        }

        public string Name { get; }
        public bool MultiTenant { get; }
        public bool IndexNullState { get; }
        public List<WeaviatePropertyDef> Properties { get; } = new List<WeaviatePropertyDef>();
        public SortedDictionary<string, WeaviateShard> Tenants { get; } = new SortedDictionary<string, WeaviateShard>(StringComparer.Ordinal);
        public WeaviateShard? Single { get; }

        public WeaviatePropertyDef? Property(string name) => Properties.FirstOrDefault(p => p.Name == name);

        public WeaviateShard AddTenant(string name, string status = "ACTIVE")
        {
            if (!MultiTenant) throw new InvalidOperationException($"Class {Name} is not multi-tenant.");
            if (!Tenants.TryGetValue(name, out var t)) Tenants[name] = t = new WeaviateShard(name, status);
            return t;
        }

        /// <summary>The shard of a tenant (null for a class without multi-tenancy).</summary>
        public WeaviateShard? Shard(string? tenant) => MultiTenant ? (tenant != null && Tenants.TryGetValue(tenant, out var t) ? t : null) : Single;

        /// <summary>The class as GET /v1/schema/{className} answers it.</summary>
        public void Write(Utf8JsonWriter w)
        {
            w.WriteStartObject();
            w.WriteString("class", Name);
            w.WriteString("vectorizer", "none");
            w.WriteStartObject("invertedIndexConfig");
            w.WriteBoolean("indexNullState", IndexNullState);
            w.WriteEndObject();
            w.WriteStartObject("multiTenancyConfig");
            w.WriteBoolean("enabled", MultiTenant);
            w.WriteBoolean("autoTenantCreation", false);
            w.WriteBoolean("autoTenantActivation", false);
            w.WriteEndObject();
            w.WriteStartArray("properties");
            foreach (var p in Properties)
            {
                w.WriteStartObject();
                w.WriteString("name", p.Name);
                w.WriteStartArray("dataType");
                w.WriteStringValue(p.DataType);
                w.WriteEndArray();
                if (p.Tokenization != null) w.WriteString("tokenization", p.Tokenization);
                w.WriteBoolean("indexFilterable", true);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
    }

    /// <summary>A where filter Weaviate would refuse (422), with its message.</summary>
    public sealed class WhereException : Exception
    {
        public WhereException(string message) : base(message) { }
    }

    /// <summary>
    /// Weaviate's where filter, evaluated as Weaviate documents it: And, Or, Not; Equal, NotEqual, GreaterThan(Equal),
    /// LessThan(Equal), Like (* and ?), IsNull (only with invertedIndexConfig.indexNullState), ContainsAny,
    /// ContainsAll, ContainsNone; path ["id"] or one property. The value key must fit the property's type
    /// (valueText for text, valueInt for int, valueNumber for number, valueBoolean for boolean; arrays for
    /// Contains*): anything else is refused, as Weaviate refuses it. An array property matches Equal and the ranges
    /// when any element does; NotEqual is the complement of Equal over every object (objects without the property
    /// match it), as is ContainsNone of ContainsAny. Text is compared by the property's tokenization: field (the
    /// whole value, white space trimmed), word (lower-cased runs of letters and digits: every token of the operand
    /// must be among the value's), lowercase (lower-cased, split on white space), whitespace (split on white space).
    /// </summary>
    public static class WeaviateWhereEvaluator
    {
        public static Func<WeaviateObject, bool> Compile(JsonElement where, WeaviateClass cls)
        {
            if (where.ValueKind != JsonValueKind.Object) throw new WhereException("where filter must be an object");
            var op = where.TryGetProperty("operator", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString()! : throw new WhereException("where filter: operator is required");
            switch (op)
            {
                case "And":
                case "Or":
                case "Not":
                {
                    if (!where.TryGetProperty("operands", out var operands) || operands.ValueKind != JsonValueKind.Array || operands.GetArrayLength() == 0)
                        throw new WhereException($"invalid where filter: operator '{op}' requires operands");
                    var parts = operands.EnumerateArray().Select(e => Compile(e, cls)).ToList();
                    if (op == "Not")
                    {
                        if (parts.Count != 1) throw new WhereException("invalid where filter: operator 'Not' takes exactly one operand");
                        return x => !parts[0](x);
                    }
                    return op == "And" ? x => parts.All(p => p(x)) : x => parts.Any(p => p(x));
                }
            }
            if (!where.TryGetProperty("path", out var path) || path.ValueKind != JsonValueKind.Array || path.GetArrayLength() != 1 || path[0].ValueKind != JsonValueKind.String)
                throw new WhereException("invalid where filter: path must name one property");
            var name = path[0].GetString()!;
            var (key, value) = Value(where);
            if (name == "id" || name == "_id") return IdCondition(op, key, value);
            var prop = cls.Property(name) ?? throw new WhereException($"no such prop with name '{name}' found in class '{cls.Name}' in the schema. Check your schema files for which properties in this class are available");
            if (op == "IsNull")
            {
                if (!cls.IndexNullState) throw new WhereException($"Nullstate must be indexed to be filterable! Add `indexNullState: true` to the invertedIndexConfig of class '{cls.Name}'");
                if (key != "valueBoolean") throw new WhereException("IsNull takes valueBoolean");
                var wantNull = value.GetBoolean();
                return x => IsNullValue(x.Properties.TryGetValue(name, out var v) ? v : null) == wantNull;
            }
            var baseType = prop.BaseType;
            var contains = op == "ContainsAny" || op == "ContainsAll" || op == "ContainsNone";
            var expectedKey = baseType switch
            {
                "text" => "valueText",
                "int" => "valueInt",
                "number" => "valueNumber",
                "boolean" => "valueBoolean",
                _ => throw new WhereException($"filtering on a {prop.DataType} property is not emulated"),
            } + (contains ? "Array" : "");
            if (key != expectedKey)
                throw new WhereException($"data type filter cannot use \"{key}\" on type \"{prop.DataType}\", use \"{expectedKey}\"");
            if (contains)
            {
                if (!prop.IsArray && baseType != "text") throw new WhereException($"operator {op} is only supported for array and text properties");
                var wanted = value.EnumerateArray().Select(v => Scalar(v, baseType)).ToList();
                Func<object, object, bool> eq = (a, b) => Equal(prop, a, b);
                return op switch
                {
                    "ContainsAny" => x => Elements(x, name).Any(e => wanted.Any(w => eq(e, w))),
                    "ContainsAll" => x => wanted.All(w => Elements(x, name).Any(e => eq(e, w))),
                    _ => x => !Elements(x, name).Any(e => wanted.Any(w => eq(e, w))),
                };
            }
            var operand = Scalar(value, baseType);
            switch (op)
            {
                case "Equal": return x => Elements(x, name).Any(e => Equal(prop, e, operand));
                case "NotEqual": return x => !Elements(x, name).Any(e => Equal(prop, e, operand));
                case "GreaterThan":
                case "GreaterThanEqual":
                case "LessThan":
                case "LessThanEqual":
                    if (baseType != "int" && baseType != "number" && baseType != "text") throw new WhereException($"operator {op} is not supported on {prop.DataType}");
                    return x => Elements(x, name).Any(e => Ordered(op, Compare(e, operand)));
                case "Like":
                    if (baseType != "text") throw new WhereException("Like is only supported on text properties");
                    var re = LikeRegex((string)operand);
                    return x => Elements(x, name).Any(e => e is string s && re.IsMatch(s));
                default:
                    throw new WhereException($"unrecognized operator: {op}");
            }
        }

        private static Func<WeaviateObject, bool> IdCondition(string op, string key, JsonElement value)
        {
            switch (op)
            {
                case "Equal":
                case "NotEqual":
                {
                    if (key != "valueText") throw new WhereException("filtering by id takes valueText");
                    var id = value.GetString()!.ToLowerInvariant();
                    return op == "Equal" ? x => x.Id == id : x => x.Id != id;
                }
                case "Like":
                {
                    if (key != "valueText") throw new WhereException("filtering by id takes valueText");
                    var re = LikeRegex(value.GetString()!);
                    return x => re.IsMatch(x.Id);
                }
                case "ContainsAny":
                case "ContainsNone":
                {
                    if (key != "valueTextArray") throw new WhereException("filtering by id with " + op + " takes valueTextArray");
                    var set = new HashSet<string>(value.EnumerateArray().Select(v => v.GetString()!.ToLowerInvariant()), StringComparer.Ordinal);
                    if (set.Count == 0) throw new WhereException("invalid where filter: " + op + " needs at least one value");
                    return op == "ContainsAny" ? x => set.Contains(x.Id) : x => !set.Contains(x.Id);
                }
                default:
                    throw new WhereException($"operator {op} is not supported on id");
            }
        }

        private static (string Key, JsonElement Value) Value(JsonElement where)
        {
            foreach (var p in where.EnumerateObject())
                if (p.Name.StartsWith("value", StringComparison.Ordinal) && p.Value.ValueKind != JsonValueKind.Null)
                    return (p.Name == "valueString" ? "valueText" : p.Name == "valueStringArray" ? "valueTextArray" : p.Name, p.Value);
            throw new WhereException("invalid where filter: no value given");
        }

        private static object Scalar(JsonElement v, string baseType)
        {
            switch (baseType)
            {
                case "text": return v.ValueKind == JsonValueKind.String ? v.GetString()! : throw new WhereException("expected a string value");
                case "int": return v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var l) ? (object)(double)l : throw new WhereException("expected an integer value");
                case "number": return v.ValueKind == JsonValueKind.Number ? (object)v.GetDouble() : throw new WhereException("expected a number value");
                default: return v.ValueKind == JsonValueKind.True || v.ValueKind == JsonValueKind.False ? (object)v.GetBoolean() : throw new WhereException("expected a boolean value");
            }
        }

        private static bool IsNullValue(object? v) => v is null || (v is System.Collections.IList list && list.Count == 0);

        /// <summary>The property's values (an array's elements, a scalar alone), numbers as doubles.</summary>
        internal static IEnumerable<object> Elements(WeaviateObject x, string name)
        {
            if (!x.Properties.TryGetValue(name, out var v) || v is null) yield break;
            if (v is System.Collections.IList list && !(v is string))
            {
                foreach (var item in list)
                    if (item != null) yield return Normal(item);
                yield break;
            }
            yield return Normal(v);
        }

        private static object Normal(object v) => v is long l ? (double)l : v is int i ? (double)i : v;

        private static bool Equal(WeaviatePropertyDef p, object stored, object operand)
        {
            if (p.BaseType != "text") return stored.Equals(operand);
            if (!(stored is string s) || !(operand is string o)) return false;
            switch (p.Tokenization)
            {
                case "field": return string.Equals(s.Trim(), o.Trim(), StringComparison.Ordinal);
                case "whitespace": return Tokens(o, false, false).All(Tokens(s, false, false).Contains);
                case "lowercase": return Tokens(o, true, false).All(Tokens(s, true, false).Contains);
                default: return Tokens(o, true, true).All(Tokens(s, true, true).Contains);
            }
        }

        private static HashSet<string> Tokens(string text, bool lower, bool alnumOnly)
        {
            if (lower) text = text.ToLowerInvariant();
            var parts = alnumOnly ? Regex.Split(text, @"[^\p{L}\p{N}]+") : Regex.Split(text, @"\s+");
            return new HashSet<string>(parts.Where(t => t.Length > 0), StringComparer.Ordinal);
        }

        private static int? Compare(object stored, object operand)
        {
            if (stored is double a && operand is double b) return a.CompareTo(b);
            if (stored is string s && operand is string t) return string.CompareOrdinal(s, t);
            return null;
        }

        private static bool Ordered(string op, int? c) => c is int v && op switch
        {
            "GreaterThan" => v > 0,
            "GreaterThanEqual" => v >= 0,
            "LessThan" => v < 0,
            _ => v <= 0,
        };

        private static Regex LikeRegex(string pattern) =>
            new Regex("^" + Regex.Escape(pattern).Replace("\\*", ".*").Replace("\\?", ".") + "$", RegexOptions.Singleline);

        /// <summary>The dataType auto-schema gives a new property from its first value (null: a type it cannot store).</summary>
        public static string? AutoType(JsonElement v)
        {
            switch (v.ValueKind)
            {
                case JsonValueKind.String: return "text";
                case JsonValueKind.Number: return "number";
                case JsonValueKind.True:
                case JsonValueKind.False: return "boolean";
                case JsonValueKind.Array:
                    var first = v.EnumerateArray().FirstOrDefault(e => e.ValueKind != JsonValueKind.Null);
                    if (first.ValueKind == JsonValueKind.Undefined) return "text[]";
                    var t = AutoType(first);
                    return t is null || t.EndsWith("[]", StringComparison.Ordinal) ? null : t + "[]";
                default: return null;
            }
        }

        /// <summary>A JSON property value as the property's type stores it, or an error message.</summary>
        public static object? Store(JsonElement v, WeaviatePropertyDef p, out string? error)
        {
            error = null;
            if (v.ValueKind == JsonValueKind.Null) return null;
            if (p.IsArray)
            {
                if (v.ValueKind != JsonValueKind.Array) { error = $"invalid {p.DataType} property '{p.Name}': requires an array"; return null; }
                var list = new List<object>();
                foreach (var e in v.EnumerateArray())
                {
                    var one = One(e, p.BaseType, p.Name, out error);
                    if (error != null) return null;
                    if (one != null) list.Add(one);
                }
                return list;
            }
            return One(v, p.BaseType, p.Name, out error);
        }

        private static object? One(JsonElement v, string type, string name, out string? error)
        {
            error = null;
            switch (type)
            {
                case "text":
                    if (v.ValueKind == JsonValueKind.String) return v.GetString();
                    break;
                case "int":
                    if (v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var l)) return l;
                    if (v.ValueKind == JsonValueKind.Number && v.GetDouble() == Math.Floor(v.GetDouble())) return (long)v.GetDouble();
                    break;
                case "number":
                    if (v.ValueKind == JsonValueKind.Number) return v.GetDouble();
                    break;
                case "boolean":
                    if (v.ValueKind == JsonValueKind.True || v.ValueKind == JsonValueKind.False) return v.GetBoolean();
                    break;
            }
            error = $"invalid {type} property '{name}' on class: requires a {type}, got {v.ValueKind.ToString().ToLowerInvariant()}";
            return null;
        }

        /// <summary>Writes a stored value back as JSON.</summary>
        public static void WriteValue(Utf8JsonWriter w, object? v)
        {
            switch (v)
            {
                case null: w.WriteNullValue(); break;
                case string s: w.WriteStringValue(s); break;
                case bool b: w.WriteBooleanValue(b); break;
                case long l: w.WriteNumberValue(l); break;
                case double d: w.WriteNumberValue(d); break;
                case System.Collections.IEnumerable list:
                    w.WriteStartArray();
                    foreach (var i in list) WriteValue(w, i);
                    w.WriteEndArray();
                    break;
                default: w.WriteStringValue(Convert.ToString(v, CultureInfo.InvariantCulture)); break;
            }
        }
    }
}
