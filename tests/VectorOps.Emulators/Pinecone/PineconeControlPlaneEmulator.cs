using System;
using System.Collections.Concurrent;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VectorOps.Emulators.Infrastructure;

namespace VectorOps.Emulators.Pinecone
{
    /// <summary>
    /// The slice of Pinecone's control plane (db_control 2026-04) that VectorOps uses: GET /indexes/{index_name}
    /// (describe_index), answering an IndexModel whose host is the data plane to use, and GET /indexes.
    /// Errors use the control plane's shape {error: {code, message}, status}.
    /// </summary>
    public sealed class PineconeControlPlaneEmulator : EmulatorHost
    {
        private readonly ConcurrentDictionary<string, (string Host, int Dimension)> _indexes =
            new ConcurrentDictionary<string, (string, int)>(StringComparer.Ordinal);

        public PineconeControlPlaneEmulator(string? apiKey = "emulator-key") : base("pinecone-control")
        {
            ApiKey = apiKey;
        }

        /// <summary>The key every request must carry (null: any non-empty key).</summary>
        public string? ApiKey { get; set; }

        /// <summary>Declares an index and the host describe_index reports for it (host[:port], no scheme, as the service does).</summary>
        public void AddIndex(string name, string host, int dimension = 4) => _indexes[name] = (host, dimension);

        protected override void Classify(HttpRequest request, JournalEntry entry)
        {
            var path = request.Path.Value ?? "";
            entry.Mutating = !HttpMethods.IsGet(request.Method);
            entry.Operation = path.StartsWith("/indexes/", StringComparison.Ordinal) && HttpMethods.IsGet(request.Method) ? "describeIndex"
                : path == "/indexes" && HttpMethods.IsGet(request.Method) ? "listIndexes" : "other";
            if (entry.Operation == "describeIndex") entry.Scope = Uri.UnescapeDataString(path.Substring("/indexes/".Length));
        }

        protected override Task WriteErrorAsync(HttpContext context, int status, string message) => Error(context, status, message);

        private static string Code(int status) => status switch
        {
            400 => "INVALID_ARGUMENT",
            401 => "UNAUTHENTICATED",
            403 => "FORBIDDEN",
            404 => "NOT_FOUND",
            409 => "ALREADY_EXISTS",
            429 => "RESOURCE_EXHAUSTED",
            503 => "UNAVAILABLE",
            _ when status >= 500 => "INTERNAL",
            _ => "UNKNOWN",
        };

        private static Task Error(HttpContext context, int status, string message) => Json(context, status, w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("error");
            w.WriteString("code", Code(status));
            w.WriteString("message", message);
            w.WriteEndObject();
            w.WriteNumber("status", status);
            w.WriteEndObject();
        });

        private static async Task Json(HttpContext context, int status, Action<Utf8JsonWriter> write)
        {
            using var ms = new MemoryStream();
            using (var w = new Utf8JsonWriter(ms)) write(w);
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = ms.Length;
            await context.Response.Body.WriteAsync(ms.GetBuffer().AsMemory(0, (int)ms.Length)).ConfigureAwait(false);
        }

        protected override void MapRoutes(WebApplication app)
        {
            app.Use(async (context, next) =>
            {
                var key = context.Request.Headers["Api-Key"].ToString();
                if (key.Length == 0 || (ApiKey != null && !string.Equals(key, ApiKey, StringComparison.Ordinal)))
                {
                    await Error(context, 401, "Invalid API key.").ConfigureAwait(false);
                    return;
                }
                var version = context.Request.Headers["X-Pinecone-Api-Version"].ToString();
                if (version != "2026-04" && version != "2025-10")
                {
                    await Error(context, 400, version.Length == 0 ? "Missing required header X-Pinecone-Api-Version." : $"Unsupported API version '{version}'.").ConfigureAwait(false);
                    return;
                }
                await next(context).ConfigureAwait(false);
            });
            app.MapGet("/indexes/{name}", context =>
            {
                var name = (string)context.GetRouteValue("name")!;
                if (!_indexes.TryGetValue(name, out var index)) return Error(context, 404, $"Index {name} not found.");
                return Json(context, 200, w => WriteIndex(w, name, index.Host, index.Dimension));
            });
            app.MapGet("/indexes", context => Json(context, 200, w =>
            {
                w.WriteStartObject();
                w.WriteStartArray("indexes");
                foreach (var pair in _indexes.OrderBy(p => p.Key, StringComparer.Ordinal)) WriteIndex(w, pair.Key, pair.Value.Host, pair.Value.Dimension);
                w.WriteEndArray();
                w.WriteEndObject();
            }));
            app.MapFallback(context => Error(context, 404, $"Unknown path {context.Request.Method} {context.Request.Path}."));
        }

        private static void WriteIndex(Utf8JsonWriter w, string name, string host, int dimension)
        {
            w.WriteStartObject();
            w.WriteString("name", name);
            w.WriteNumber("dimension", dimension);
            w.WriteString("metric", "cosine");
            w.WriteString("host", host);
            w.WriteString("deletion_protection", "disabled");
            w.WriteStartObject("spec");
            w.WriteStartObject("serverless");
            w.WriteString("cloud", "aws");
            w.WriteString("region", "us-east-1");
            w.WriteStartObject("read_capacity");
            w.WriteString("mode", "OnDemand");
            w.WriteStartObject("status");
            w.WriteString("state", "Ready");
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteStartObject("status");
            w.WriteBoolean("ready", true);
            w.WriteString("state", "Ready");
            w.WriteEndObject();
            w.WriteString("vector_type", "dense");
            w.WriteEndObject();
        }
    }
}
