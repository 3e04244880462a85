using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using VectorOps.Emulators.Infrastructure;

namespace VectorOps.Emulators.Chroma
{
    /// <summary>
    /// A loopback HTTP proxy in front of a real Chroma server, with the emulators' journal and fault switchboard:
    /// every request is forwarded as it came (the real server answers), unless a fault the tests switched on
    /// answers instead (a status, a delay, a hang, a reset). What it adds to the real server is what the tests
    /// need to see: every request in order, which were mutating, and the ids each delete really removed (the
    /// request's ids present just before it was forwarded and gone just after, read from the server with get).
    /// Collection ids are named by their collection (scope) from the server's list.
    /// </summary>
    public sealed class ChromaProxy : EmulatorHost
    {
        private static readonly HashSet<string> RequestHeadersToCopy = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "x-chroma-token", "Authorization", "Accept",
        };

        private readonly HttpClient _client;
        private readonly ConcurrentDictionary<string, string> _names = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        private readonly ConcurrentQueue<string> _tokens = new ConcurrentQueue<string>();

        public ChromaProxy(Uri upstream) : base("chroma-proxy")
        {
            Upstream = upstream;
            _client = new HttpClient { BaseAddress = upstream, Timeout = TimeSpan.FromMinutes(5) };
        }

        /// <summary>The real server.</summary>
        public Uri Upstream { get; }

        /// <summary>
        /// When set, the proxy stands in for a server with token authentication (the local Chroma server has none):
        /// a request without x-chroma-token: TOKEN or Authorization: Bearer TOKEN is answered 401, as Chroma's
        /// token auth answers, and not forwarded.
        /// </summary>
        public string? RequiredToken { get; set; }

        /// <summary>The credential headers requests carried ("x-chroma-token: ..." / "Authorization: ..."), in order (for the tests of authentication).</summary>
        public IReadOnlyList<string> CredentialHeaders => _tokens.ToArray();

        protected override void Classify(HttpRequest request, JournalEntry entry)
        {
            var path = request.Path.Value ?? "";
            var last = path.Substring(path.LastIndexOf('/') + 1);
            var post = HttpMethods.IsPost(request.Method);
            if (post && last == "delete") { entry.Operation = "delete"; entry.Mutating = true; }
            else if (post && (last == "upsert" || last == "add" || last == "update")) { entry.Operation = last; entry.Mutating = true; }
            else if (post && last == "get") entry.Operation = "get";
            else if (post && last == "query") entry.Operation = "query";
            else if (post && last == "collections") { entry.Operation = "create_collection"; entry.Mutating = true; }
            else if (HttpMethods.IsDelete(request.Method)) { entry.Operation = "delete_collection"; entry.Mutating = true; }
            else if (post || HttpMethods.IsPut(request.Method) || HttpMethods.IsPatch(request.Method)) { entry.Operation = request.Method + " " + last; entry.Mutating = true; }
            else entry.Operation = last;
            foreach (var h in new[] { "x-chroma-token", "Authorization" })
                if (request.Headers.TryGetValue(h, out var v)) _tokens.Enqueue(h + ": " + v);
        }

        protected override async Task WriteErrorAsync(HttpContext context, int status, string message)
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            var name = status == 429 ? "RateLimitError" : status >= 500 ? "InternalError" : "InvalidArgumentError";
            await context.Response.WriteAsync(JsonSerializer.Serialize(new { error = name, message })).ConfigureAwait(false);
        }

        protected override void MapRoutes(WebApplication app) => app.Run(ForwardAsync);

        private async Task ForwardAsync(HttpContext context)
        {
            var request = context.Request;
            var ct = context.RequestAborted;
            byte[] body;
            using (var ms = new MemoryStream())
            {
                await request.Body.CopyToAsync(ms, ct).ConfigureAwait(false);
                body = ms.ToArray();
            }
            var entry = EntryOf(context);
            if (RequiredToken is string token &&
                request.Headers["x-chroma-token"].ToString() != token && request.Headers["Authorization"].ToString() != "Bearer " + token)
            {
                context.Response.StatusCode = 401;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("{\"error\":\"AuthError\",\"message\":\"Unauthorized\"}", ct).ConfigureAwait(false);
                return;
            }
            var path = request.Path.Value ?? "";
            var relative = path.TrimStart('/') + (request.QueryString.Value ?? "");

            // A delete by ids: the ids present before it is forwarded.
            string? collectionPath = null;
            List<string>? ids = null;
            HashSet<string>? before = null;
            if (entry?.Operation == "delete")
            {
                collectionPath = path.Substring(0, path.Length - "/delete".Length);
                ids = IdsOf(body, out var hasWhere);
                entry.IdCount = ids?.Count;
                entry.Detail = ids != null ? "ids" : hasWhere ? "where" : "none";
                entry.Scope = await ScopeAsync(collectionPath, ct).ConfigureAwait(false);
                if (ids != null && ids.Count > 0) before = await PresentAsync(collectionPath, ids, ct).ConfigureAwait(false);
            }

            using var forward = new HttpRequestMessage(new HttpMethod(request.Method), relative);
            if (body.Length > 0 || HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method))
            {
                forward.Content = new ByteArrayContent(body);
                if (request.ContentType != null) forward.Content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
            }
            foreach (var h in request.Headers)
                if (RequestHeadersToCopy.Contains(h.Key)) forward.Headers.TryAddWithoutValidation(h.Key, h.Value.ToArray());
            using var answer = await _client.SendAsync(forward, ct).ConfigureAwait(false);
            var answerBody = await answer.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);

            if (collectionPath != null && entry != null && answer.IsSuccessStatusCode)
            {
                if (before != null && before.Count > 0)
                {
                    var after = await PresentAsync(collectionPath, before.ToList(), ct).ConfigureAwait(false);
                    Journal.RecordDeleted(entry.Scope ?? collectionPath, before.Where(id => !after.Contains(id)));
                }
                else if (ids is null)
                {
                    // A delete without ids (a where, or nothing at all): what it removed cannot be read back here.
                    entry.Detail += " (not by ids)";
                }
            }

            context.Response.StatusCode = (int)answer.StatusCode;
            if (answer.Content.Headers.ContentType != null) context.Response.ContentType = answer.Content.Headers.ContentType.ToString();
            await context.Response.Body.WriteAsync(answerBody, ct).ConfigureAwait(false);
        }

        private static List<string>? IdsOf(byte[] body, out bool hasWhere)
        {
            hasWhere = false;
            if (body.Length == 0) return null;
            try
            {
                using var doc = JsonDocument.Parse(body);
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object) return null;
                hasWhere = root.TryGetProperty("where", out var w) && w.ValueKind != JsonValueKind.Null;
                if (!root.TryGetProperty("ids", out var ids) || ids.ValueKind != JsonValueKind.Array) return null;
                return ids.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.String).Select(i => i.GetString()!).ToList();
            }
            catch (JsonException)
            {
                return null;
            }
        }

        private async Task<HashSet<string>> PresentAsync(string collectionPath, List<string> ids, CancellationToken ct)
        {
            var body = JsonSerializer.Serialize(new Dictionary<string, object> { ["ids"] = ids, ["include"] = Array.Empty<string>() });
            using var r = await _client.PostAsync(collectionPath.TrimStart('/') + "/get", new StringContent(body, Encoding.UTF8, "application/json"), ct).ConfigureAwait(false);
            var set = new HashSet<string>(StringComparer.Ordinal);
            if (!r.IsSuccessStatusCode) return set;
            using var doc = JsonDocument.Parse(await r.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false));
            if (doc.RootElement.TryGetProperty("ids", out var list) && list.ValueKind == JsonValueKind.Array)
                foreach (var i in list.EnumerateArray()) if (i.GetString() is string s) set.Add(s);
            return set;
        }

        /// <summary>The collection's name for ".../databases/{db}/collections/{id}" (from the server's list), or the id.</summary>
        private async Task<string> ScopeAsync(string collectionPath, CancellationToken ct)
        {
            var slash = collectionPath.LastIndexOf('/');
            var id = collectionPath.Substring(slash + 1);
            if (_names.TryGetValue(id, out var name)) return name;
            var list = collectionPath.Substring(0, slash);
            for (var offset = 0; ; offset += 100)
            {
                using var r = await _client.GetAsync(list.TrimStart('/') + "?limit=100&offset=" + offset, ct).ConfigureAwait(false);
                if (!r.IsSuccessStatusCode) return id;
                using var doc = JsonDocument.Parse(await r.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false));
                if (doc.RootElement.ValueKind != JsonValueKind.Array) return id;
                foreach (var c in doc.RootElement.EnumerateArray())
                    if (c.TryGetProperty("id", out var cid) && c.TryGetProperty("name", out var cname))
                        _names[cid.GetString() ?? ""] = cname.GetString() ?? "";
                if (_names.TryGetValue(id, out name)) return name;
                if (doc.RootElement.GetArrayLength() < 100) return id;
            }
        }
    }
}
