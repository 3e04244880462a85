using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using VectorOps.Errors;
using VectorOps.Model;

namespace VectorOps.Serialization
{
    /// <summary>
    /// Records as JSON Lines: {"id", "values", "sparseValues": {"indices","values"}, "metadata", "document", "namespace"},
    /// the shape the common vector-database upsert APIs use. Used by Add-VectorRecord -Path, backups, and the local store.
    /// </summary>
    public static class RecordJson
    {
        /// <summary>Reads records from a JSON Lines file, streaming; a bad line is a clear error naming the line.</summary>
        public static IEnumerable<VectorRecord> ReadFile(string path)
        {
            if (!File.Exists(path))
                throw new VectorOpsException(ErrorIds.RecordFileNotFound, VectorOpsErrorCategory.ObjectNotFound,
                    $"The record file '{path}' does not exist.", path);
            using var reader = new StreamReader(path, Encoding.UTF8);
            foreach (var r in Read(reader, path)) yield return r;
        }

        public static IEnumerable<VectorRecord> Read(TextReader reader, string source)
        {
            string? line;
            var n = 0;
            while ((line = reader.ReadLine()) != null)
            {
                n++;
                if (line.Trim().Length == 0) continue;
                VectorRecord record;
                try
                {
                    record = ParseLine(line);
                }
                catch (Exception ex) when (ex is JsonException || ex is FormatException || ex is InvalidOperationException || ex is KeyNotFoundException || ex is OverflowException || ex is VectorOpsException)
                {
                    throw new VectorOpsException(ErrorIds.InvalidRecordFile, VectorOpsErrorCategory.InvalidData,
                        $"Line {n} of '{source}' is not a valid record: {ex.Message}", source + ":" + n, ex);
                }
                yield return record;
            }
        }

        public static VectorRecord ParseLine(string line)
        {
            using var doc = JsonDocument.Parse(line);
            return FromElement(doc.RootElement);
        }

        public static VectorRecord FromElement(JsonElement e)
        {
            if (e.ValueKind != JsonValueKind.Object) throw new FormatException("a record must be a JSON object");
            if (!e.TryGetProperty("id", out var idEl) || idEl.ValueKind != JsonValueKind.String)
                throw new FormatException("a record needs a string \"id\"");
            var r = new VectorRecord(idEl.GetString()!);
            // A field of the wrong kind is an error naming it, never silently ignored (a record written without the
            // values or metadata the line meant to give it). JSON null is the same as a field left out.
            if (Field(e, "values", JsonValueKind.Array, "an array of numbers") is JsonElement v)
                r.Values = v.EnumerateArray().Select(x => x.GetSingle()).ToArray();
            if (Field(e, "sparseValues", JsonValueKind.Object, "an object {\"indices\": [...], \"values\": [...]}") is JsonElement sv)
                r.SparseValues = new SparseVector(
                    sv.GetProperty("indices").EnumerateArray().Select(x => x.GetUInt32()).ToArray(),
                    sv.GetProperty("values").EnumerateArray().Select(x => x.GetSingle()).ToArray());
            if (Field(e, "metadata", JsonValueKind.Object, "an object") is JsonElement md)
                r.Metadata = ReadMetadata(md);
            if (Field(e, "document", JsonValueKind.String, "a string") is JsonElement doc)
                r.Document = doc.GetString();
            if (Field(e, "namespace", JsonValueKind.String, "a string") is JsonElement ns)
                r.Namespace = ns.GetString();
            return r;
        }

        private static JsonElement? Field(JsonElement record, string name, JsonValueKind kind, string what)
        {
            if (!record.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
            if (value.ValueKind != kind)
                throw new FormatException($"\"{name}\" must be {what}, not {Kind(value.ValueKind)}");
            return value;
        }

        private static string Kind(JsonValueKind kind) => kind switch
        {
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Array => "an array",
            JsonValueKind.Object => "an object",
            _ => kind.ToString(),
        };

        public static Dictionary<string, object?> ReadMetadata(JsonElement md)
        {
            var d = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var p in md.EnumerateObject()) d[p.Name] = ToPlain(p.Value);
            return d;
        }

        /// <summary>Metadata JSON values as plain .NET values: string, long, double, bool, null, a List&lt;string&gt; (all-string arrays) or List&lt;object?&gt; of these, a nested dictionary.</summary>
        public static object? ToPlain(JsonElement v)
        {
            switch (v.ValueKind)
            {
                case JsonValueKind.String: return v.GetString();
                case JsonValueKind.Number: return v.TryGetInt64(out var l) ? (object)l : v.GetDouble();
                case JsonValueKind.True: return true;
                case JsonValueKind.False: return false;
                case JsonValueKind.Array:
                {
                    // Each element keeps its JSON type. A list of strings stays a List<string>; other lists used to
                    // become the elements' .NET text (true -> "True", null -> "", 1 -> "1"), which changed the data
                    // on a file round trip and made filters on it disagree with the stored JSON.
                    var items = v.EnumerateArray().Select(ToPlain).ToList();
                    if (items.All(x => x is string)) return items.Cast<string>().ToList();
                    return items;
                }
                case JsonValueKind.Object: return ReadMetadata(v);
                default: return null;
            }
        }

        public static string ToLine(VectorRecord record, bool includeNamespace = true)
        {
            using var ms = new MemoryStream();
            using (var w = new Utf8JsonWriter(ms))
                Write(w, record, includeNamespace);
            return Encoding.UTF8.GetString(ms.ToArray());
        }

        /// <param name="omitNullMetadata">Leave out metadata fields whose value is null (providers that have no null).</param>
        public static void Write(Utf8JsonWriter w, VectorRecord r, bool includeNamespace = true, bool omitNullMetadata = false)
        {
            w.WriteStartObject();
            w.WriteString("id", r.Id);
            if (r.Values != null)
            {
                w.WriteStartArray("values");
                foreach (var x in r.Values) w.WriteNumberValue(x);
                w.WriteEndArray();
            }
            if (r.SparseValues != null)
            {
                w.WriteStartObject("sparseValues");
                w.WriteStartArray("indices");
                foreach (var i in r.SparseValues.Indices) w.WriteNumberValue(i);
                w.WriteEndArray();
                w.WriteStartArray("values");
                foreach (var x in r.SparseValues.Values) w.WriteNumberValue(x);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            if (r.Metadata != null)
            {
                w.WritePropertyName("metadata");
                WriteMetadata(w, r.Metadata, omitNullMetadata);
            }
            if (r.Document != null) w.WriteString("document", r.Document);
            if (includeNamespace && r.Namespace != null) w.WriteString("namespace", r.Namespace);
            w.WriteEndObject();
        }

        public static void WriteMetadata(Utf8JsonWriter w, IDictionary<string, object?> md, bool omitNulls = false)
        {
            w.WriteStartObject();
            foreach (var p in md)
            {
                if (omitNulls && p.Value is null) continue;
                w.WritePropertyName(p.Key);
                WriteValue(w, p.Value);
            }
            w.WriteEndObject();
        }

        public static string MetadataToJson(IDictionary<string, object?> md)
        {
            using var ms = new MemoryStream();
            using (var w = new Utf8JsonWriter(ms)) WriteMetadata(w, md);
            return Encoding.UTF8.GetString(ms.ToArray());
        }

        private static void WriteValue(Utf8JsonWriter w, object? v)
        {
            switch (v)
            {
                case null: w.WriteNullValue(); break;
                case string s: w.WriteStringValue(s); break;
                case bool b: w.WriteBooleanValue(b); break;
                case char c: w.WriteStringValue(c.ToString()); break;
                case int i: w.WriteNumberValue(i); break;
                case long l: w.WriteNumberValue(l); break;
                case double d: w.WriteNumberValue(d); break;
                case float f: w.WriteNumberValue(f); break;
                case decimal m: w.WriteNumberValue(m); break;
                case short _: case byte _: case uint _: case ushort _: case sbyte _:
                    w.WriteNumberValue(Convert.ToInt64(v, CultureInfo.InvariantCulture)); break;
                case ulong ul: w.WriteNumberValue(ul); break;
                case DateTime dt: w.WriteStringValue(dt.ToString("o", CultureInfo.InvariantCulture)); break;
                case DateTimeOffset dto: w.WriteStringValue(dto.ToString("o", CultureInfo.InvariantCulture)); break;
                case IDictionary<string, object?> d: WriteMetadata(w, d); break;
                case IDictionary d:
                    w.WriteStartObject();
                    foreach (DictionaryEntry e in d)
                    {
                        w.WritePropertyName(Convert.ToString(e.Key, CultureInfo.InvariantCulture) ?? "");
                        WriteValue(w, e.Value);
                    }
                    w.WriteEndObject();
                    break;
                case IEnumerable e:
                    w.WriteStartArray();
                    foreach (var x in e) WriteValue(w, x);
                    w.WriteEndArray();
                    break;
                default: w.WriteStringValue(Convert.ToString(v, CultureInfo.InvariantCulture)); break;
            }
        }
    }
}
