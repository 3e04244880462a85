using System;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text.Json;
using VectorOps.Errors;
using VectorOps.Serialization;
using VectorOps.Transport;

namespace VectorOps.Providers.Kit
{
    /// <summary>
    /// JSON requests and answers as every HTTP provider reads and writes them: a body written once
    /// (<see cref="JsonBody"/>), sent as application/json content rebuilt for each attempt; an answer parsed with a
    /// clear ProviderProtocolError when it is not JSON; optional properties read without throwing.
    /// </summary>
    public static class ProviderJson
    {
        /// <summary>A JSON request body, written once.</summary>
        public static ArraySegment<byte> Write(Action<Utf8JsonWriter> write) => JsonBody.Write(256, write);

        /// <summary>{"ids":[...]} (and "namespace" when given): the hot path of bulk deletes (see JsonBody.Ids).</summary>
        public static ArraySegment<byte> Ids(System.Collections.Generic.IReadOnlyList<string> ids, string? @namespace) => JsonBody.Ids(ids, @namespace);

        /// <summary>Content for each attempt of a request (the transport rebuilds requests for retries).</summary>
        public static Func<HttpContent?> Content(ArraySegment<byte> body, string mediaType = "application/json") => () => NewContent(body, mediaType);

        /// <summary>Content for each attempt of a request.</summary>
        public static Func<HttpContent?> Content(byte[] body, string mediaType = "application/json") => Content(new ArraySegment<byte>(body), mediaType);

        /// <summary>One attempt's content.</summary>
        public static HttpContent NewContent(ArraySegment<byte> body, string mediaType = "application/json")
        {
            var c = new ByteArrayContent(body.Array!, body.Offset, body.Count);
            c.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
            return c;
        }

        /// <summary>The answer's body as JSON (an empty body reads as {}); a body that is not JSON is a ProviderProtocolError.</summary>
        public static JsonDocument Parse(TransportResponse r, string provider)
        {
            try
            {
                return r.Body.Length == 0 ? JsonDocument.Parse("{}") : JsonDocument.Parse(r.Body);
            }
            catch (JsonException ex)
            {
                throw new VectorOpsException(ErrorIds.ProviderProtocolError, VectorOpsErrorCategory.ProtocolError,
                    $"{provider} answered {r.Method} {r.Path} with a body that is not JSON: {ex.Message}", r.Path, ex)
                { StatusCode = r.StatusCode, Attempts = r.Attempts };
            }
        }

        /// <summary>The property of an object, or false (the element is not an object, or has no such property).</summary>
        public static bool TryGet(JsonElement e, string name, out JsonElement value)
        {
            if (e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out value)) return true;
            value = default;
            return false;
        }

        /// <summary>A string property, or null when missing or not a string.</summary>
        public static string? OptionalString(JsonElement e, string name) =>
            TryGet(e, name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        /// <summary>A string property that is not empty, or null.</summary>
        public static string? OptionalNonEmptyString(JsonElement e, string name) =>
            OptionalString(e, name) is string s && s.Length > 0 ? s : null;

        /// <summary>An integer property, or null when missing, not a number or out of range.</summary>
        public static long? OptionalInt64(JsonElement e, string name) =>
            TryGet(e, name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : (long?)null;

        /// <summary>A 32-bit integer property, or null.</summary>
        public static int? OptionalInt32(JsonElement e, string name) =>
            TryGet(e, name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) ? n : (int?)null;

        /// <summary>An array property, or false.</summary>
        public static bool TryGetArray(JsonElement e, string name, out JsonElement array) =>
            TryGet(e, name, out array) && array.ValueKind == JsonValueKind.Array;

        /// <summary>An object property, or false.</summary>
        public static bool TryGetObject(JsonElement e, string name, out JsonElement obj) =>
            TryGet(e, name, out obj) && obj.ValueKind == JsonValueKind.Object;

        /// <summary>A ProviderProtocolError: the answer lacks what the API document promises.</summary>
        public static VectorOpsException Malformed(TransportResponse r, string provider, string what) =>
            new VectorOpsException(ErrorIds.ProviderProtocolError, VectorOpsErrorCategory.ProtocolError,
                $"{provider} answered {r.Method} {r.Path} without {what}.", r.Path)
            { StatusCode = r.StatusCode, Attempts = r.Attempts };
    }
}
