using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using VectorOps.Errors;
using VectorOps.Model;
using VectorOps.Serialization;

namespace VectorOps.PowerShell.Input
{
    /// <summary>
    /// Converts Add-VectorRecord's pipeline input into a <see cref="VectorRecord"/>: a VectorRecord as it is; a
    /// hashtable, PSCustomObject or any object with id / values / sparseValues / metadata / namespace properties
    /// (names case-insensitive); or a JSON Lines string (Get-Content records.jsonl | Add-VectorRecord).
    /// Throws VectorOpsException (InvalidRecord, target = the input) for anything it cannot read.
    /// </summary>
    public static class RecordConverter
    {
        public static VectorRecord ToRecord(object? input) => ToRecord(input, InputNormalizer.EngineUnwrap);

        public static VectorRecord ToRecord(object? input, Func<object, object?> unwrap)
        {
            var original = input;
            var value = input is null ? null : InputNormalizer.Normalize(input, unwrap);
            switch (value)
            {
                case null:
                    throw Invalid("A record is null.", original);
                case VectorRecord record:
                    return record;
                case string line:
                    return FromJsonLine(line, original);
                case IDictionary dictionary:
                    return FromFields(Fields(dictionary, original), original);
                default:
                    if (value is IEnumerable)
                        throw Invalid("A list is not a record; pipe the records one by one (they are unrolled by the pipeline).", original);
                    return FromFields(Properties(value, unwrap), original);
            }
        }

        private static VectorRecord FromJsonLine(string line, object? original)
        {
            var trimmed = line.Trim();
            if (!trimmed.StartsWith("{", StringComparison.Ordinal))
                throw Invalid("A string is a record only when it is a JSON object such as {\"id\":\"a\",\"values\":[0.1,0.2]}; to read a JSON Lines file use -Path.", original);
            try
            {
                return RecordJson.ParseLine(trimmed);
            }
            // The JSON parser's own exception type is matched by name: the module assembly does not reference System.Text.Json
            // (it loads in the module's isolated context only, behind VectorOps.Core).
            catch (Exception ex) when (ex is FormatException || ex is InvalidOperationException || ex is ArgumentException ||
                                       IsJsonException(ex))
            {
                throw new VectorOpsException(ErrorIds.InvalidRecord, VectorOpsErrorCategory.InvalidData,
                    "The JSON record cannot be read: " + ex.Message, original, ex);
            }
        }

        private static bool IsJsonException(Exception ex)
        {
            for (var t = ex.GetType(); t != null; t = t.BaseType)
                if (t.FullName == "System.Text.Json.JsonException") return true;
            return false;
        }

        private static Dictionary<string, object?> Fields(IDictionary dictionary, object? original)
        {
            var d = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
            foreach (DictionaryEntry e in dictionary)
            {
                var key = Convert.ToString(e.Key, CultureInfo.InvariantCulture) ?? "";
                if (d.ContainsKey(key))
                    throw Invalid($"The field '{key}' is given twice (field names are case-insensitive).", original);
                d[key] = e.Value;
            }
            return d;
        }

        private static Dictionary<string, object?> Properties(object value, Func<object, object?> unwrap)
        {
            var d = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
            foreach (var p in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (p.GetIndexParameters().Length > 0 || !p.CanRead || d.ContainsKey(p.Name)) continue;
                object? v;
                try { v = p.GetValue(value); }
                catch (TargetInvocationException) { continue; }
                d[p.Name] = InputNormalizer.Normalize(v, unwrap);
            }
            return d;
        }

        private static VectorRecord FromFields(Dictionary<string, object?> fields, object? original)
        {
            if (!fields.TryGetValue("id", out var idValue) || idValue is null)
                throw Invalid("A record needs an 'id' (a hashtable key or a property named id).", original);
            var id = idValue switch
            {
                string s => s,
                IFormattable f when IsInteger(idValue) => f.ToString(null, CultureInfo.InvariantCulture),
                Guid g => g.ToString(),
                _ => throw Invalid($"A record id must be a string, not {idValue.GetType().Name}.", original),
            };
            var record = new VectorRecord(id);
            if (fields.TryGetValue("values", out var values) && values != null)
                record.Values = Floats(values, "values", original);
            if (fields.TryGetValue("sparseValues", out var sparse) && sparse != null)
                record.SparseValues = Sparse(sparse, original);
            if (fields.TryGetValue("metadata", out var metadata) && metadata != null)
                record.Metadata = Metadata(metadata, original);
            if (fields.TryGetValue("document", out var document) && document != null)
                record.Document = document as string ?? throw Invalid("A record's document must be a string.", original);
            if (fields.TryGetValue("namespace", out var ns) && ns != null)
                record.Namespace = ns as string ?? throw Invalid("A record's namespace must be a string.", original);
            return record;
        }

        private static float[] Floats(object value, string field, object? original)
        {
            if (value is float[] direct) return direct;
            if (value is string || !(value is IEnumerable items))
                throw Invalid($"'{field}' must be a list of numbers.", original);
            var list = new List<float>();
            foreach (var item in items)
            {
                float f;
                switch (item)
                {
                    case null:
                        throw Invalid($"'{field}' holds a null.", original);
                    case string s when float.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed):
                        f = parsed;
                        break;
                    case IConvertible c when !(item is string) && !(item is bool) && !(item is char):
                        f = c.ToSingle(CultureInfo.InvariantCulture);
                        break;
                    default:
                        throw Invalid($"'{field}' holds {Describe(item)}, which is not a number.", original);
                }
                if (float.IsNaN(f) || float.IsInfinity(f))
                    throw Invalid($"'{field}' holds {item}, which is not a finite number.", original);
                list.Add(f);
            }
            if (list.Count == 0) throw Invalid($"'{field}' is empty.", original);
            return list.ToArray();
        }

        private static SparseVector Sparse(object value, object? original)
        {
            if (value is SparseVector sv) return sv;
            if (!(value is IDictionary d)) throw Invalid("'sparseValues' must have 'indices' and 'values'.", original);
            var f = Fields(d, original);
            if (!f.TryGetValue("indices", out var idx) || idx is null || !f.TryGetValue("values", out var vals) || vals is null)
                throw Invalid("'sparseValues' must have 'indices' and 'values'.", original);
            var values = Floats(vals, "sparseValues.values", original);
            if (idx is string || !(idx is IEnumerable items)) throw Invalid("'sparseValues.indices' must be a list of whole numbers.", original);
            var indices = new List<uint>();
            foreach (var item in items)
            {
                if (item is null || !IsInteger(item)) throw Invalid($"'sparseValues.indices' holds {Describe(item)}, which is not a whole number.", original);
                var l = Convert.ToInt64(item, CultureInfo.InvariantCulture);
                if (l < 0 || l > uint.MaxValue) throw Invalid($"'sparseValues.indices' holds {l}, out of range.", original);
                indices.Add((uint)l);
            }
            if (indices.Count != values.Length) throw Invalid("'sparseValues' has different numbers of indices and values.", original);
            return new SparseVector(indices.ToArray(), values);
        }

        private static IDictionary<string, object?> Metadata(object value, object? original)
        {
            if (!(value is IDictionary d)) throw Invalid("'metadata' must be a hashtable or an object of fields.", original);
            return Fields(d, "", original, 0);
        }

        private static Dictionary<string, object?> Fields(IDictionary d, string path, object? original, int depth)
        {
            var result = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (DictionaryEntry e in d)
            {
                var key = e.Key as string ?? throw Invalid("Metadata field names must be strings.", original);
                result[key] = MetadataValue(path + key, e.Value, original, depth);
            }
            return result;
        }

        /// <summary>
        /// Metadata values as plain JSON values, kept as they are: string, long, double, bool, null, a list (a
        /// List&lt;string&gt; when it holds only strings), an object of fields. Which of them a provider takes is
        /// the provider's rule (RecordRules), checked by the command for every record, so a record piped in and the
        /// same record read from a file are held to the same rules.
        /// </summary>
        private static object? MetadataValue(string key, object? v, object? original, int depth)
        {
            if (depth > 32) throw Invalid($"Metadata field '{key}' is nested too deeply.", original);
            switch (v)
            {
                case null: return null;
                case string s: return s;
                case bool b: return b;
                case char c: return c.ToString();
                case DateTime dt: return dt.ToString("o", CultureInfo.InvariantCulture);
                case DateTimeOffset dto: return dto.ToString("o", CultureInfo.InvariantCulture);
                case float f: return (double)f;
                case double dbl: return dbl;
                case decimal m: return (double)m;
                case IDictionary d: return Fields(d, key + ".", original, depth + 1);
                case IEnumerable list:
                    var items = new List<object?>();
                    var i = 0;
                    foreach (var item in list) items.Add(MetadataValue($"{key}[{i++}]", item, original, depth + 1));
                    if (items.TrueForAll(x => x is string)) return items.ConvertAll(x => (string)x!);
                    return items;
                default:
                    if (IsInteger(v)) return Convert.ToInt64(v, CultureInfo.InvariantCulture);
                    throw Invalid($"Metadata field '{key}' holds {Describe(v)}; values are strings, numbers, booleans, null, lists or objects of fields.", original);
            }
        }

        private static bool IsInteger(object v) =>
            v is int || v is long || v is short || v is byte || v is sbyte || v is ushort || v is uint || v is ulong;

        private static string Describe(object? v) => v is null ? "null" : $"'{v}' ({v.GetType().Name})";

        private static VectorOpsException Invalid(string message, object? target) =>
            new VectorOpsException(ErrorIds.InvalidRecord, VectorOpsErrorCategory.InvalidArgument, message, target);
    }
}
