using System;
using System.Text;
using System.Text.Json;
using VectorOps.Errors;
using VectorOps.Transport;

namespace VectorOps.Providers.Chroma
{
    /// <summary>
    /// Turns Chroma's error answers ({"error": "NotFoundError", "message": "..."}) into VectorOps errors: the stable
    /// error id and category follow the HTTP status, ProviderCode is Chroma's error name.
    /// </summary>
    internal static class ChromaErrors
    {
        public static VectorOpsException Map(TransportResponse r, SettingNames names)
        {
            var (message, code) = Read(r);
            var credential = ChromaDescriptor.Descriptor.Credential!;
            var hint = r.StatusCode switch
            {
                401 => $" Check the API key ({names.Credential(credential)}, or {names.EnvironmentVariable(ChromaProvider.ApiKeyEnvironmentVariable)}) and {names.Option(ChromaDescriptor.Descriptor.FindSetting(ChromaDescriptor.TokenHeader)!)}.",
                403 => " The API key is not allowed to do this on this tenant or database.",
                429 => $" Chroma is rate limiting this client; lower {names.Option(Setting.ThrottleLimit)} or try again later.",
                _ => "",
            };
            return HttpTransport.DefaultError(r, ChromaProvider.ProviderName, message + hint, code);
        }

        internal static (string Message, string? Code) Read(TransportResponse r)
        {
            var text = r.Body.Length == 0 ? "" : Encoding.UTF8.GetString(r.Body);
            if (text.TrimStart().StartsWith("{", StringComparison.Ordinal))
            {
                try
                {
                    using var doc = JsonDocument.Parse(text);
                    var root = doc.RootElement;
                    if (root.ValueKind == JsonValueKind.Object)
                        return (Str(root, "message") ?? Str(root, "detail") ?? "", Str(root, "error"));
                }
                catch (JsonException) { }
            }
            text = text.Trim();
            return (text.Length <= 300 ? text : text.Substring(0, 300) + "…", null);
        }

        private static string? Str(JsonElement e, string name) =>
            e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
    }
}
