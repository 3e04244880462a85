using System;
using System.Linq;
using System.Text;
using System.Text.Json;
using VectorOps.Errors;
using VectorOps.Transport;

namespace VectorOps.Providers.Weaviate
{
    /// <summary>
    /// Turns Weaviate's error answers (<c>{"error": [{"message": "..."}]}</c>, the document's ErrorResponse) into
    /// VectorOps errors: the stable error id and category follow the HTTP status, the message is Weaviate's.
    /// </summary>
    internal static class WeaviateErrors
    {
        public static VectorOpsException Map(TransportResponse r, SettingNames names)
        {
            var message = Read(r);
            var credential = WeaviateDescriptor.Descriptor.Credential!;
            var hint = r.StatusCode switch
            {
                401 => $" Check the API key ({names.Credential(credential)}, or {names.EnvironmentVariable(WeaviateProvider.ApiKeyEnvironmentVariable)}).",
                403 => " The API key is not allowed to do this on this class or tenant.",
                422 when message.IndexOf("tenant", StringComparison.OrdinalIgnoreCase) >= 0 =>
                    " (A tenant must exist and be ACTIVE for its objects to be read or deleted: see Get-VectorNamespace, and activate it with Weaviate's own client.)",
                429 => $" Weaviate is rate limiting this client; lower {names.Option(Setting.ThrottleLimit)} or try again later.",
                _ => "",
            };
            return HttpTransport.DefaultError(r, WeaviateProvider.ProviderName, message + hint);
        }

        internal static string Read(TransportResponse r)
        {
            var text = r.Body.Length == 0 ? "" : Encoding.UTF8.GetString(r.Body);
            if (text.TrimStart().StartsWith("{", StringComparison.Ordinal))
            {
                try
                {
                    using var doc = JsonDocument.Parse(text);
                    var m = Messages(doc.RootElement);
                    if (m.Length > 0) return m;
                    if (doc.RootElement.TryGetProperty("message", out var single) && single.ValueKind == JsonValueKind.String) return single.GetString() ?? "";
                }
                catch (JsonException) { }
            }
            text = text.Trim();
            return text.Length <= 300 ? text : text.Substring(0, 300) + "…";
        }

        /// <summary>The messages of an ErrorResponse ({"error": [{"message"}]}) or of an object holding one as "errors".</summary>
        internal static string Messages(JsonElement e)
        {
            if (e.ValueKind != JsonValueKind.Object) return "";
            if (e.TryGetProperty("errors", out var nested) && nested.ValueKind == JsonValueKind.Object) return Messages(nested);
            if (!e.TryGetProperty("error", out var list) || list.ValueKind != JsonValueKind.Array) return "";
            return string.Join("; ", list.EnumerateArray()
                .Select(x => x.ValueKind == JsonValueKind.Object && x.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null)
                .Where(m => !string.IsNullOrEmpty(m)));
        }

        /// <summary>The messages of a GraphQL answer's errors.</summary>
        internal static string GraphQlMessages(JsonElement errors) =>
            string.Join("; ", errors.EnumerateArray()
                .Select(x => x.ValueKind == JsonValueKind.Object && x.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null)
                .Where(m => !string.IsNullOrEmpty(m)));
    }
}
