using System;
using System.Text;
using System.Text.Json;
using VectorOps.Errors;
using VectorOps.Transport;

namespace VectorOps.Providers.Qdrant
{
    /// <summary>
    /// Turns Qdrant's error answers (<c>{"status": {"error": "..."}, "time": ...}</c>, the document's ErrorResponse)
    /// into VectorOps errors: the stable id and category follow the HTTP status, the message is Qdrant's.
    /// </summary>
    internal static class QdrantErrors
    {
        public static VectorOpsException Map(TransportResponse r, SettingNames names)
        {
            var message = Read(r);
            var credential = QdrantDescriptor.Descriptor.Credential!;
            var hint = r.StatusCode switch
            {
                401 => $" Check the API key ({names.Credential(credential)}, or {names.EnvironmentVariable(QdrantProvider.ApiKeyEnvironmentVariable)}).",
                403 => " The API key is not allowed to do this (a read-only key cannot delete).",
                413 => $" The request is larger than the server's max_request_size_mb (32 MB by default).",
                429 => $" Qdrant is rate limiting this client; lower {names.Option(Setting.ThrottleLimit)} or try again later.",
                _ => "",
            };
            return HttpTransport.DefaultError(r, QdrantProvider.ProviderName, message + hint);
        }

        internal static string Read(TransportResponse r)
        {
            var text = r.Body.Length == 0 ? "" : Encoding.UTF8.GetString(r.Body);
            if (text.TrimStart().StartsWith("{", StringComparison.Ordinal))
            {
                try
                {
                    using var doc = JsonDocument.Parse(text);
                    var root = doc.RootElement;
                    if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("status", out var status))
                    {
                        if (status.ValueKind == JsonValueKind.Object && status.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String)
                            return e.GetString() ?? "";
                        if (status.ValueKind == JsonValueKind.String) return status.GetString() ?? "";
                    }
                }
                catch (JsonException) { }
            }
            text = text.Trim();
            return text.Length <= 300 ? text : text.Substring(0, 300) + "…";
        }
    }
}
