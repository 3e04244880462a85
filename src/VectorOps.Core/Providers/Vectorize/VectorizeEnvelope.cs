using System;
using System.Globalization;
using System.Text.Json;
using VectorOps.Errors;
using VectorOps.Transport;

namespace VectorOps.Providers.Vectorize
{
    /// <summary>
    /// Cloudflare's answer envelope <c>{success, errors:[{code, message}], messages, result}</c>, and the errors it
    /// maps to. Error ids stay the stable, status-based ones every provider uses (ProviderBadRequest, ...);
    /// Cloudflare's own numeric code is kept in <see cref="VectorOpsException.ProviderCode"/> and in the message
    /// as "Cloudflare error 40007: ...", so scripts can catch either.
    /// </summary>
    internal static class VectorizeEnvelope
    {
        /// <summary>The <c>result</c> of a successful answer (cloned, so it outlives the document).</summary>
        public static JsonElement Result(TransportResponse r, string provider)
        {
            using (var doc = Kit.ProviderJson.Parse(r, provider))
            {
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object ||
                    !root.TryGetProperty("success", out var success) || success.ValueKind != JsonValueKind.True)
                {
                    var (code, message) = FirstError(root);
                    throw new VectorOpsException(ErrorIds.ProviderProtocolError, VectorOpsErrorCategory.ProtocolError,
                        $"{provider} answered {r.StatusCode} to {r.Method} {r.Path} without success{Describe(code, message, ": ")}.", r.Path)
                    { StatusCode = r.StatusCode, ProviderCode = code, Attempts = r.Attempts };
                }
                return root.TryGetProperty("result", out var result) ? result.Clone() : default;
            }
        }

        /// <summary>errors[0] of an envelope, tolerating any other body (HTML from a proxy, empty, text).</summary>
        public static (string? Code, string? Message) FirstError(byte[] body)
        {
            if (body is null || body.Length == 0) return (null, null);
            try
            {
                using var doc = JsonDocument.Parse(body);
                return FirstError(doc.RootElement);
            }
            catch (JsonException)
            {
                return (null, null);
            }
        }

        private static (string? Code, string? Message) FirstError(JsonElement root)
        {
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("errors", out var errors) ||
                errors.ValueKind != JsonValueKind.Array)
                return (null, null);
            foreach (var e in errors.EnumerateArray())
            {
                if (e.ValueKind != JsonValueKind.Object) continue;
                string? code = null, message = null;
                if (e.TryGetProperty("code", out var c))
                    code = c.ValueKind == JsonValueKind.Number ? c.GetRawText() : c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                if (e.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String) message = m.GetString();
                return (code, message);
            }
            return (null, null);
        }

        public static string Describe(string? code, string? message, string lead) =>
            code is null && string.IsNullOrEmpty(message) ? "" :
            code is null ? lead + message :
            lead + "Cloudflare error " + code + (string.IsNullOrEmpty(message) ? "" : ": " + message);

        public static string Seconds(TimeSpan t) => Math.Ceiling(t.TotalSeconds).ToString("0", CultureInfo.InvariantCulture);
    }
}
