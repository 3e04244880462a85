using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using VectorOps.Errors;
using VectorOps.Transport;

namespace VectorOps.Providers.Pinecone
{
    /// <summary>
    /// Turns Pinecone's error answers into VectorOps errors. The data plane answers {code, message, details} with a
    /// numeric gRPC code; the control plane {error: {code, message}, status} with a code name; a 401 may come as
    /// text/plain. The stable error id and category follow the HTTP status; ProviderCode is the gRPC code name.
    /// </summary>
    internal static class PineconeErrors
    {
        private static readonly string[] GrpcNames =
        {
            "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
            "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
            "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
        };

        /// <summary>The name of a gRPC status code (3 -> INVALID_ARGUMENT), or the number as text when unknown.</summary>
        public static string CodeName(long code) => code >= 0 && code < GrpcNames.Length ? GrpcNames[code] : code.ToString(System.Globalization.CultureInfo.InvariantCulture);

        /// <param name="names">How the front end that connected spells the settings a hint names.</param>
        public static VectorOpsException Map(TransportResponse r, SettingNames? names = null, string? context = null)
        {
            names ??= SettingNames.PowerShell;
            var (message, code) = Read(r);
            if (context != null) message = string.IsNullOrEmpty(message) ? context : context + " " + message;
            var hint = r.StatusCode switch
            {
                401 => $" Check the API key ({names.Credential(PineconeDescriptor.Descriptor.Credential!)}, or {names.EnvironmentVariable(PineconeProvider.ApiKeyEnvironmentVariable)}).",
                403 => " The API key is not allowed to do this (check its project and permissions).",
                429 => $" Pinecone is rate limiting this client; lower {names.Option(Setting.ThrottleLimit)} or try again later.",
                _ => "",
            };
            var baseError = HttpTransport.DefaultError(r, "Pinecone", message + hint, code);
            if (r.StatusCode != 401) return baseError;
            // Issue #3: 401 and 403 are both PermissionDenied; the error id still tells them apart.
            return new VectorOpsException(baseError.ErrorId, VectorOpsErrorCategory.PermissionDenied, baseError.Message, baseError.Target)
            {
                StatusCode = baseError.StatusCode,
                ProviderCode = baseError.ProviderCode,
                IsTransient = baseError.IsTransient,
                Attempts = baseError.Attempts,
            };
        }

        /// <summary>The message and code name of an error body, whatever its shape.</summary>
        internal static (string Message, string? Code) Read(TransportResponse r)
        {
            var text = r.Body.Length == 0 ? "" : Encoding.UTF8.GetString(r.Body);
            var mediaType = r.ContentHeaders?.ContentType?.MediaType ?? "";
            if (text.Length > 0 && (mediaType.IndexOf("json", StringComparison.OrdinalIgnoreCase) >= 0 || text.TrimStart().StartsWith("{", StringComparison.Ordinal)))
            {
                try
                {
                    using var doc = JsonDocument.Parse(text);
                    var root = doc.RootElement;
                    if (root.ValueKind == JsonValueKind.Object)
                    {
                        // Control plane: {"error": {"code": "NOT_FOUND", "message": "..."}, "status": 404}
                        if (root.TryGetProperty("error", out var err) && err.ValueKind == JsonValueKind.Object)
                            return (Str(err, "message") ?? "", CodeOf(err));
                        // Data plane: {"code": 3, "message": "...", "details": []}
                        if (root.TryGetProperty("message", out _) || root.TryGetProperty("code", out _))
                            return (Str(root, "message") ?? "", CodeOf(root));
                        // A validating proxy's problem+json (Prism): title, detail and the violations.
                        if (root.TryGetProperty("title", out _))
                        {
                            var parts = new List<string>();
                            if (Str(root, "title") is string t) parts.Add(t);
                            if (Str(root, "detail") is string d && d.Length > 0) parts.Add(d);
                            if (root.TryGetProperty("validation", out var v) && v.ValueKind == JsonValueKind.Array)
                                parts.AddRange(v.EnumerateArray().Select(x => Str(x, "message")).Where(x => x != null).Select(x => x!));
                            return (string.Join(" ", parts), null);
                        }
                    }
                }
                catch (JsonException) { }
            }
            return (Shorten(text.Trim()), null);
        }

        private static string? CodeOf(JsonElement e)
        {
            if (!e.TryGetProperty("code", out var c)) return null;
            if (c.ValueKind == JsonValueKind.Number && c.TryGetInt64(out var n)) return CodeName(n);
            if (c.ValueKind == JsonValueKind.String) return c.GetString();
            return null;
        }

        private static string? Str(JsonElement e, string name) =>
            e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        private static string Shorten(string s) => s.Length <= 300 ? s : s.Substring(0, 300) + "…";
    }
}
