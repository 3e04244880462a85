using System;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using VectorOps.Errors;
using VectorOps.Model;
using VectorOps.Serialization;

namespace VectorOps.Cli
{
    /// <summary>
    /// The JSON of --json output and of the mutation files read back (--retry-from, wait): camelCase, enums as
    /// strings, nulls left out. Records use the JSON Lines record shape of RecordJson, so `get --json` output can
    /// be fed to `add` unchanged.
    /// </summary>
    internal static class CliJson
    {
        public static readonly JsonSerializerOptions Options = Create();

        private static JsonSerializerOptions Create()
        {
            var o = new JsonSerializerOptions
            {
                PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
                DictionaryKeyPolicy = null,
                DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
                PropertyNameCaseInsensitive = true,
                // Output goes to terminals, files and pipes, never into HTML: keep non-ASCII ids readable.
                Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
                WriteIndented = false,
            };
            o.Converters.Add(new JsonStringEnumConverter());
            o.Converters.Add(new RecordConverter());
            o.MakeReadOnly(populateMissingResolver: true);
            return o;
        }

        public static string Serialize(object value) => JsonSerializer.Serialize(value, value.GetType(), Options);

        /// <summary>
        /// One line of a mutation file. It must be an object with "operation" and "status" (a record or any other
        /// object is refused rather than read as a default mutation).
        /// </summary>
        public static VectorMutation ParseMutation(string line, string source, long lineNumber)
        {
            try
            {
                using var doc = JsonDocument.Parse(line);
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                    throw new FormatException("a mutation must be a JSON object");
                if (!HasString(root, "operation") || !HasString(root, "status"))
                    throw new FormatException("a mutation needs \"operation\" and \"status\" (write the file with --json)");
                return root.Deserialize<VectorMutation>(Options) ?? throw new FormatException("the line is null");
            }
            catch (Exception ex) when (ex is JsonException || ex is FormatException || ex is InvalidOperationException || ex is NotSupportedException)
            {
                throw new VectorOpsException(ErrorIds.InvalidMutationFile, VectorOpsErrorCategory.InvalidData,
                    $"Line {lineNumber} of {source} is not a mutation: {ex.Message}", source + ":" + lineNumber, ex);
            }
        }

        private static bool HasString(JsonElement e, string name)
        {
            foreach (var p in e.EnumerateObject())
                if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase) && p.Value.ValueKind == JsonValueKind.String)
                    return true;
            return false;
        }

        private sealed class RecordConverter : JsonConverter<VectorRecord>
        {
            public override VectorRecord Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
            {
                using var doc = JsonDocument.ParseValue(ref reader);
                return RecordJson.FromElement(doc.RootElement);
            }

            public override void Write(Utf8JsonWriter writer, VectorRecord value, JsonSerializerOptions options) =>
                RecordJson.Write(writer, value);
        }
    }
}
