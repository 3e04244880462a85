using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using VectorOps.Emulators.Infrastructure;

namespace VectorOps.Emulators.Qdrant
{
    /// <summary>One stored point: its vector and its payload (a JSON object, kept as written).</summary>
    public sealed class QdrantPoint
    {
        public QdrantPoint(float[] vector, JsonElement payload)
        {
            Vector = vector;
            Payload = payload;
        }

        public float[] Vector { get; }
        public JsonElement Payload { get; }
    }

    /// <summary>One collection: its vector size, points in Qdrant's id order, keyword payload indexes, and its queue of acknowledged operations.</summary>
    public sealed class QdrantCollection
    {
        internal readonly object Gate = new object();
        internal readonly SortedDictionary<string, QdrantPoint> Points = new SortedDictionary<string, QdrantPoint>(QdrantPointIds.Order);
        internal readonly Dictionary<string, string> Indexes = new Dictionary<string, string>(StringComparer.Ordinal);
        internal readonly Queue<PendingOperation> Pending = new Queue<PendingOperation>();
        internal long NextOperation;

        public QdrantCollection(string name, int dimension)
        {
            Name = name;
            Dimension = dimension;
        }

        public string Name { get; }
        public int Dimension { get; }

        public int Count { get { lock (Gate) return Points.Count; } }
        public int PendingCount { get { lock (Gate) return Pending.Count; } }
        public bool Contains(string id) { lock (Gate) return Points.ContainsKey(id); }
        public QdrantPoint? Get(string id) { lock (Gate) return Points.TryGetValue(id, out var p) ? p : null; }
        public IReadOnlyList<string> Ids() { lock (Gate) return Points.Keys.ToList(); }

        public void Seed(IEnumerable<(string Id, float[] Vector, string PayloadJson)> points)
        {
            lock (Gate)
                foreach (var p in points)
                {
                    using var doc = JsonDocument.Parse(p.PayloadJson);
                    Points[p.Id] = new QdrantPoint(p.Vector, doc.RootElement.Clone());
                }
        }

        public void CreateIndex(string field, string type = "keyword")
        {
            lock (Gate) Indexes[field] = type;
        }

        internal sealed class PendingOperation
        {
            public long Id;
            public DateTime Due;
            public Action Apply = () => { };
            public TaskCompletionSource<bool> Done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>
    /// A stateful loopback emulator of Qdrant's REST API, following ../shared/specs/qdrant-openapi.json: collections
    /// (list, info, create), payload indexes, points upsert (PointsList), retrieve, scroll, count, delete (ids or
    /// filter) and facet; the payload filter as Qdrant documents it (<see cref="QdrantFilterEval"/>); ids as Qdrant
    /// takes them (unsigned integers, UUIDs in any spelling, answered lowercase and hyphenated).
    /// <list type="bullet">
    /// <item>Updates (upsert, delete) get an operation_id (sequential per collection) and go to the collection's
    /// queue, applied in order after <see cref="ApplyDelay"/>; wait=true answers once applied (status completed),
    /// wait=false (the default) at once (status acknowledged). Reads see applied points only.</item>
    /// <item>Limits: a body over <see cref="MaxRequestBytes"/> (max_request_size_mb, 32 MB by default) is refused with
    /// 413; a vector of the wrong size, a bad id, an unknown collection (404) or a malformed filter with 400; facet on
    /// a key without a keyword index with 400 ("Index required but not found"), as Qdrant does.</item>
    /// <item>With <see cref="ApiKey"/> set, every request needs it in api-key (or Authorization: Bearer): 401.</item>
    /// </list>
    /// Errors are Qdrant's ErrorResponse: <c>{"status": {"error": "..."}, "time": 0.0}</c>.
    /// </summary>
    public sealed class QdrantEmulator : EmulatorHost
    {
        public const long DefaultMaxRequestBytes = 32L * 1024 * 1024;

        private readonly ConcurrentDictionary<string, QdrantCollection> _collections = new ConcurrentDictionary<string, QdrantCollection>(StringComparer.Ordinal);
        private Timer? _applier;

        public QdrantEmulator(string? apiKey) : base("qdrant")
        {
            ApiKey = apiKey;
        }

        /// <summary>The key every request must carry (null: no authentication, as a local Qdrant without service.api_key).</summary>
        public string? ApiKey { get; set; }

        /// <summary>How long an acknowledged update waits in its collection's queue before it is applied.</summary>
        public TimeSpan ApplyDelay { get; set; } = TimeSpan.Zero;

        /// <summary>While true nothing is applied (for waits that must time out).</summary>
        public bool ApplyPaused { get; set; }

        /// <summary>max_request_size_mb in bytes.</summary>
        public long MaxRequestBytes { get; set; } = DefaultMaxRequestBytes;

        /// <summary>
        /// The payload key whose value names the journal's scope of a deleted point ("collection/value"); every deleted
        /// id is also recorded under the collection's name.
        /// </summary>
        public string? ScopeKey { get; set; }

        public QdrantCollection CreateCollection(string name, int dimension = 4) =>
            _collections.GetOrAdd(name, n => new QdrantCollection(n, dimension));

        public QdrantCollection Collection(string name) =>
            _collections.TryGetValue(name, out var c) ? c : throw new KeyNotFoundException($"No emulated collection '{name}'.");

        public int PendingCount => _collections.Values.Sum(c => c.PendingCount);

        /// <summary>Applies every due operation now (the background applier does the same every 10 ms).</summary>
        public void ApplyDueNow()
        {
            if (ApplyPaused) return;
            foreach (var c in _collections.Values) ApplyDue(c);
        }

        private void ApplyDue(QdrantCollection c)
        {
            var now = DateTime.UtcNow;
            var done = new List<QdrantCollection.PendingOperation>();
            lock (c.Gate)
            {
                while (c.Pending.Count > 0 && c.Pending.Peek().Due <= now && !ApplyPaused)
                {
                    var op = c.Pending.Dequeue();
                    op.Apply();
                    done.Add(op);
                }
            }
            foreach (var op in done) op.Done.TrySetResult(true);
        }

        // ---- host ----------------------------------------------------------------------------------

        /// <summary>Also <c>applyDelayMs</c>, <c>maxRequestBytes</c>, <c>scopeKey</c>.</summary>
        protected override void Configure(JsonElement settings)
        {
            base.Configure(settings);
            if (settings.TryGetProperty("applyDelayMs", out var delay) && delay.ValueKind == JsonValueKind.Number) ApplyDelay = TimeSpan.FromMilliseconds(delay.GetDouble());
            if (settings.TryGetProperty("maxRequestBytes", out var max) && max.ValueKind == JsonValueKind.Number) MaxRequestBytes = max.GetInt64();
            if (settings.TryGetProperty("scopeKey", out var key) && key.ValueKind == JsonValueKind.String) ScopeKey = key.GetString();
        }

        /// <summary>Seeds every collection with these ids (integers or UUIDs) and all-zero vectors; the namespace, if given, as the payload's ScopeKey.</summary>
        protected override long Seed(string? @namespace, IEnumerable<string> ids)
        {
            var list = ids.ToList();
            foreach (var c in _collections.Values)
            {
                var zero = new float[c.Dimension];
                var payload = @namespace != null && ScopeKey != null ? JsonSerializer.Serialize(new Dictionary<string, string> { [ScopeKey] = @namespace }) : "{}";
                c.Seed(list.Select(id => (id, zero, payload)));
            }
            return list.Count;
        }

        protected override void ResetState()
        {
            foreach (var c in _collections.Values)
                lock (c.Gate)
                {
                    c.Points.Clear();
                    while (c.Pending.Count > 0) c.Pending.Dequeue().Done.TrySetResult(false);
                }
        }

        protected override long? RecordCount => _collections.Values.Sum(c => (long)c.Count);

        protected override void Classify(HttpRequest request, JournalEntry entry)
        {
            var path = request.Path.Value ?? "";
            var parts = path.Trim('/').Split('/');
            string op;
            if (parts.Length == 1) op = "list_collections";
            else if (parts.Length == 2) op = HttpMethods.IsGet(request.Method) ? "collection_info" : HttpMethods.IsPut(request.Method) ? "create_collection" : "collection";
            else if (parts.Length == 3 && parts[2] == "points") op = HttpMethods.IsPut(request.Method) ? "upsert" : "retrieve";
            else if (parts.Length == 3) op = parts[2] == "index" ? "create_index" : parts[2];
            else op = parts[3];
            entry.Operation = op;
            entry.Scope = parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : null;
            entry.Mutating = op == "delete" || op == "upsert" || op == "create_collection" || op == "create_index" ||
                             (!HttpMethods.IsGet(request.Method) && op == "collection");
        }

        protected override string FaultMessage(int status) => status == 429 ? "Too many requests" : base.FaultMessage(status);

        protected override Task WriteErrorAsync(HttpContext context, int status, string message) => Error(context, status, message);

        private static async Task Error(HttpContext context, int status, string message)
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            var body = JsonSerializer.Serialize(new { status = new { error = message }, time = 0.0 });
            await context.Response.WriteAsync(body).ConfigureAwait(false);
        }

        private static Task Ok(HttpContext context, Action<Utf8JsonWriter> writeResult)
        {
            var ms = new MemoryStream();
            using (var w = new Utf8JsonWriter(ms))
            {
                w.WriteStartObject();
                w.WritePropertyName("result");
                writeResult(w);
                w.WriteString("status", "ok");
                w.WriteNumber("time", 0.0001);
                w.WriteEndObject();
            }
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/json";
            return context.Response.Body.WriteAsync(ms.ToArray(), 0, (int)ms.Length);
        }

        protected override void MapRoutes(WebApplication app)
        {
            _applier = new Timer(_ => ApplyDueNow(), null, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(10));
            app.Lifetime.ApplicationStopping.Register(() => _applier?.Dispose());
            app.Use(Gate);
            app.MapGet("/collections", (HttpContext c) => Ok(c, w =>
            {
                w.WriteStartObject();
                w.WriteStartArray("collections");
                foreach (var name in _collections.Keys.OrderBy(n => n, StringComparer.Ordinal))
                {
                    w.WriteStartObject();
                    w.WriteString("name", name);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }));
            app.MapGet("/collections/{name}", (HttpContext c, string name) => With(c, name, null, (ctx, col, _) => Info(ctx, col)));
            app.MapPut("/collections/{name}", (HttpContext c, string name) => CreateFromRequest(c, name));
            app.MapPut("/collections/{name}/index", (HttpContext c, string name) => With(c, name, "body", CreateIndex));
            app.MapPut("/collections/{name}/points", (HttpContext c, string name) => With(c, name, "body", Upsert));
            app.MapPost("/collections/{name}/points", (HttpContext c, string name) => With(c, name, "body", Retrieve));
            app.MapPost("/collections/{name}/points/delete", (HttpContext c, string name) => With(c, name, "body", Delete));
            app.MapPost("/collections/{name}/points/scroll", (HttpContext c, string name) => With(c, name, "body", Scroll));
            app.MapPost("/collections/{name}/points/count", (HttpContext c, string name) => With(c, name, "body", Count));
            app.MapPost("/collections/{name}/facet", (HttpContext c, string name) => With(c, name, "body", Facet));
            app.MapFallback((HttpContext c) => Error(c, 404, "Not found: no such route"));
        }

        private async Task Gate(HttpContext context, RequestDelegate next)
        {
            if (ApiKey != null)
            {
                var key = context.Request.Headers["api-key"].ToString();
                var auth = context.Request.Headers.Authorization.ToString();
                var bearer = auth.StartsWith("Bearer ", StringComparison.Ordinal) ? auth.Substring(7).Trim() : null;
                if (!string.Equals(key, ApiKey, StringComparison.Ordinal) && !string.Equals(bearer, ApiKey, StringComparison.Ordinal))
                {
                    await Error(context, 401, "Must provide an API key or an Authorization bearer token").ConfigureAwait(false);
                    return;
                }
            }
            if (context.Request.ContentLength is long length && length > MaxRequestBytes)
            {
                await Error(context, 413, $"Payload error: JSON payload ({length} bytes) is larger than allowed (limit: {MaxRequestBytes} bytes).").ConfigureAwait(false);
                return;
            }
            await next(context).ConfigureAwait(false);
        }

        private async Task With(HttpContext context, string name, string? body, Func<HttpContext, QdrantCollection, JsonElement, Task> handler)
        {
            if (!_collections.TryGetValue(name, out var collection))
            {
                await Error(context, 404, $"Not found: Collection `{name}` doesn't exist!").ConfigureAwait(false);
                return;
            }
            JsonDocument? doc = null;
            try
            {
                if (body != null)
                {
                    var bytes = await ReadBody(context).ConfigureAwait(false);
                    if (bytes.Length > MaxRequestBytes)
                    {
                        await Error(context, 413, $"Payload error: JSON payload ({bytes.Length} bytes) is larger than allowed (limit: {MaxRequestBytes} bytes).").ConfigureAwait(false);
                        return;
                    }
                    try
                    {
                        doc = JsonDocument.Parse(bytes);
                    }
                    catch (JsonException ex)
                    {
                        await Error(context, 400, "Format error in JSON body: " + ex.Message).ConfigureAwait(false);
                        return;
                    }
                    if (doc.RootElement.ValueKind != JsonValueKind.Object)
                    {
                        await Error(context, 400, "Format error in JSON body: expected an object").ConfigureAwait(false);
                        return;
                    }
                }
                await handler(context, collection, doc?.RootElement ?? default).ConfigureAwait(false);
            }
            catch (QdrantBadRequest ex)
            {
                if (!context.Response.HasStarted) await Error(context, 400, ex.Message).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is InvalidOperationException || ex is KeyNotFoundException || ex is FormatException)
            {
                if (!context.Response.HasStarted) await Error(context, 400, "Format error in JSON body: " + ex.Message).ConfigureAwait(false);
            }
            finally
            {
                doc?.Dispose();
            }
        }

        private static async Task<byte[]> ReadBody(HttpContext context)
        {
            // Read into one array of the announced length (a 10,000-id delete is ~400 KB: a growing MemoryStream and
            // its copy would allocate it several times on the large-object heap); without a length, as before.
            if (context.Request.ContentLength is long length && length >= 0 && length <= DefaultMaxRequestBytes)
            {
                var bytes = new byte[length];
                await context.Request.Body.ReadExactlyAsync(bytes, context.RequestAborted).ConfigureAwait(false);
                return bytes;
            }
            using var ms = new MemoryStream();
            await context.Request.Body.CopyToAsync(ms, context.RequestAborted).ConfigureAwait(false);
            return ms.ToArray();
        }

        private async Task CreateFromRequest(HttpContext context, string name)
        {
            var bytes = await ReadBody(context).ConfigureAwait(false);
            using var doc = JsonDocument.Parse(bytes.Length == 0 ? Encoding.UTF8.GetBytes("{}") : bytes);
            if (_collections.ContainsKey(name))
            {
                await Error(context, 409, $"Wrong input: Collection `{name}` already exists!").ConfigureAwait(false);
                return;
            }
            if (!doc.RootElement.TryGetProperty("vectors", out var vectors) || !vectors.TryGetProperty("size", out var size))
            {
                await Error(context, 400, "Bad request: this emulator creates collections of one unnamed vector ({\"vectors\": {\"size\": N, \"distance\": ...}})").ConfigureAwait(false);
                return;
            }
            CreateCollection(name, size.GetInt32());
            await Ok(context, w => w.WriteBooleanValue(true)).ConfigureAwait(false);
        }

        private static Task Info(HttpContext context, QdrantCollection c)
        {
            int count;
            Dictionary<string, (string Type, int Points)> indexes;
            lock (c.Gate)
            {
                count = c.Points.Count;
                indexes = c.Indexes.ToDictionary(i => i.Key, i => (i.Value, c.Points.Values.Count(p => QdrantFilterEval.Lookup(p.Payload, i.Key) != null)));
            }
            return Ok(context, w =>
            {
                w.WriteStartObject();
                w.WriteString("status", "green");
                w.WriteString("optimizer_status", "ok");
                w.WriteNumber("indexed_vectors_count", 0);
                w.WriteNumber("points_count", count);
                w.WriteNumber("segments_count", 1);
                w.WriteStartObject("config");
                w.WriteStartObject("params");
                w.WriteStartObject("vectors");
                w.WriteNumber("size", c.Dimension);
                w.WriteString("distance", "Cosine");
                w.WriteEndObject();
                w.WriteNumber("shard_number", 1);
                w.WriteNumber("replication_factor", 1);
                w.WriteBoolean("on_disk_payload", true);
                w.WriteEndObject();
                w.WriteStartObject("hnsw_config");
                w.WriteNumber("m", 16);
                w.WriteNumber("ef_construct", 100);
                w.WriteNumber("full_scan_threshold", 10000);
                w.WriteEndObject();
                w.WriteStartObject("optimizer_config");
                w.WriteNumber("deleted_threshold", 0.2);
                w.WriteNumber("vacuum_min_vector_number", 1000);
                w.WriteNumber("default_segment_number", 0);
                w.WriteNumber("flush_interval_sec", 5);
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteStartObject("payload_schema");
                foreach (var i in indexes)
                {
                    w.WriteStartObject(i.Key);
                    w.WriteString("data_type", i.Value.Type);
                    w.WriteNumber("points", i.Value.Points);
                    w.WriteEndObject();
                }
                w.WriteEndObject();
                w.WriteEndObject();
            });
        }

        private Task CreateIndex(HttpContext context, QdrantCollection c, JsonElement body)
        {
            var field = body.GetProperty("field_name").GetString() ?? throw new QdrantBadRequest("Format error in JSON body: field_name");
            var type = body.TryGetProperty("field_schema", out var schema) ? schema.ValueKind == JsonValueKind.String ? schema.GetString()! : schema.GetProperty("type").GetString()! : "keyword";
            return Update(context, c, () => c.Indexes[field] = type);
        }

        /// <summary>Queues an update (applied in order); answers at once (wait=false) or once applied (wait=true).</summary>
        private async Task Update(HttpContext context, QdrantCollection c, Action apply)
        {
            var wait = string.Equals(context.Request.Query["wait"].ToString(), "true", StringComparison.OrdinalIgnoreCase);
            var op = new QdrantCollection.PendingOperation { Apply = apply, Due = DateTime.UtcNow + ApplyDelay };
            lock (c.Gate)
            {
                op.Id = c.NextOperation++;
                c.Pending.Enqueue(op);
            }
            if (ApplyDelay <= TimeSpan.Zero) ApplyDue(c);
            if (wait) await op.Done.Task.WaitAsync(context.RequestAborted).ConfigureAwait(false);
            var completed = op.Done.Task.IsCompleted;
            await Ok(context, w =>
            {
                w.WriteStartObject();
                w.WriteNumber("operation_id", op.Id);
                w.WriteString("status", completed && wait ? "completed" : wait ? "wait_timeout" : "acknowledged");
                w.WriteEndObject();
            }).ConfigureAwait(false);
        }

        private Task Upsert(HttpContext context, QdrantCollection c, JsonElement body)
        {
            if (!body.TryGetProperty("points", out var points) || points.ValueKind != JsonValueKind.Array)
                throw new QdrantBadRequest("Bad request: this emulator takes upserts as a list of points ({\"points\": [...]})");
            var parsed = new List<(string Id, QdrantPoint Point)>();
            foreach (var p in points.EnumerateArray())
            {
                var id = QdrantPointIds.Normalize(p.GetProperty("id"));
                var vector = p.GetProperty("vector");
                if (vector.ValueKind != JsonValueKind.Array) throw new QdrantBadRequest("Wrong input: this collection has one unnamed vector");
                var values = vector.EnumerateArray().Select(x => x.GetSingle()).ToArray();
                if (values.Length != c.Dimension)
                    throw new QdrantBadRequest($"Wrong input: Vector dimension error: expected dim: {c.Dimension}, got {values.Length}");
                var payload = p.TryGetProperty("payload", out var pl) && pl.ValueKind == JsonValueKind.Object ? pl.Clone() : EmptyObject();
                parsed.Add((id, new QdrantPoint(values, payload)));
            }
            if (parsed.Count == 0) throw new QdrantBadRequest("Validation error in JSON body: [points: must not be empty]");
            return Update(context, c, () =>
            {
                foreach (var p in parsed) c.Points[p.Id] = p.Point;
            });
        }

        private static JsonElement EmptyObject()
        {
            using var doc = JsonDocument.Parse("{}");
            return doc.RootElement.Clone();
        }

        private Task Delete(HttpContext context, QdrantCollection c, JsonElement body)
        {
            var entry = EntryOf(context);
            if (body.TryGetProperty("points", out var points) && points.ValueKind == JsonValueKind.Array)
            {
                var ids = points.EnumerateArray().Select(QdrantPointIds.Normalize).ToList();
                if (entry != null)
                {
                    entry.Detail = "ids";
                    entry.IdCount = ids.Count;
                }
                // Remove skips an id that is not there (or no longer, for a repeated one): no lookup beforehand.
                return Update(context, c, () => Remove(c, ids));
            }
            if (body.TryGetProperty("filter", out var filter) && filter.ValueKind == JsonValueKind.Object)
            {
                var f = filter.Clone();
                // Checked now (a malformed filter is a 400, not a failure in the queue).
                QdrantFilterEval.Matches(f, "0", EmptyObject());
                if (entry != null)
                {
                    entry.Detail = "filter";
                    if (f.TryGetProperty("must", out var must) && must.ValueKind == JsonValueKind.Array)
                        foreach (var cond in must.EnumerateArray())
                            if (cond.TryGetProperty("has_id", out var has)) entry.IdCount = has.GetArrayLength();
                }
                if (HasIdScope(f) is (List<JsonElement> others, HashSet<string> listed))
                    // {"must": [conditions..., {"has_id": [...]}]} (a delete by id within a namespace): only the ids
                    // listed can match, so they are looked up instead of testing every point against the whole list
                    // (points x ids). The same points match, removed in the same (id) order as the scan gives.
                    return Update(context, c, () => Remove(c, listed
                        .Where(id => c.Points.TryGetValue(id, out var p) && others.All(o => QdrantFilterEval.Condition(o, id, p.Payload)))
                        .Order(QdrantPointIds.Order).ToList()));
                return Update(context, c, () => Remove(c, c.Points.Where(p => QdrantFilterEval.Matches(f, p.Key, p.Value.Payload)).Select(p => p.Key).ToList()));
            }
            throw new QdrantBadRequest("Format error in JSON body: data did not match any variant of untagged enum PointsSelector");
        }

        /// <summary>
        /// For a filter that is only a must list holding one has_id condition (of that key alone): the other
        /// conditions and the listed ids (normalized, distinct); otherwise null.
        /// </summary>
        private static (List<JsonElement> Others, HashSet<string> Listed)? HasIdScope(JsonElement filter)
        {
            JsonElement must = default;
            foreach (var p in filter.EnumerateObject())
            {
                if (p.Name != "must" || p.Value.ValueKind != JsonValueKind.Array) return null;
                must = p.Value;
            }
            if (must.ValueKind != JsonValueKind.Array) return null;
            var others = new List<JsonElement>();
            HashSet<string>? listed = null;
            foreach (var cond in must.EnumerateArray())
            {
                if (cond.ValueKind == JsonValueKind.Object && cond.TryGetProperty("has_id", out var has) && has.ValueKind == JsonValueKind.Array &&
                    listed is null && cond.EnumerateObject().Count() == 1)
                {
                    listed = new HashSet<string>(StringComparer.Ordinal);
                    foreach (var id in has.EnumerateArray()) listed.Add(QdrantPointIds.Normalize(id));
                }
                else others.Add(cond);
            }
            return listed is null ? null : (others, listed);
        }

        /// <summary>Removes the points (under the collection's lock) and journals them, by collection and by the scope key's value.</summary>
        private void Remove(QdrantCollection c, List<string> ids)
        {
            var byScope = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            var removed = new List<string>();
            foreach (var id in ids)
            {
                if (ScopeKey is null)
                {
                    // Nothing to read from the point: one walk of the tree, not a lookup and then a removal.
                    if (c.Points.Remove(id)) removed.Add(id);
                    continue;
                }
                if (!c.Points.TryGetValue(id, out var point)) continue;
                removed.Add(id);
                if (ScopeKey != null && point.Payload.ValueKind == JsonValueKind.Object && point.Payload.TryGetProperty(ScopeKey, out var ns) && ns.ValueKind == JsonValueKind.String)
                {
                    var scope = c.Name + "/" + ns.GetString();
                    if (!byScope.TryGetValue(scope, out var list)) byScope[scope] = list = new List<string>();
                    list.Add(id);
                }
                c.Points.Remove(id);
            }
            Journal.RecordDeleted(c.Name, removed);
            foreach (var s in byScope) Journal.RecordDeleted(s.Key, s.Value);
        }

        private static (bool Payload, HashSet<string>? Fields) WithPayload(JsonElement body, bool fallback)
        {
            if (!body.TryGetProperty("with_payload", out var wp) || wp.ValueKind == JsonValueKind.Null) return (fallback, null);
            if (wp.ValueKind == JsonValueKind.True || wp.ValueKind == JsonValueKind.False) return (wp.GetBoolean(), null);
            if (wp.ValueKind == JsonValueKind.Array) return (true, new HashSet<string>(wp.EnumerateArray().Select(x => x.GetString() ?? ""), StringComparer.Ordinal));
            return (true, null);
        }

        private static bool WithVector(JsonElement body) =>
            body.TryGetProperty("with_vector", out var wv) && wv.ValueKind == JsonValueKind.True;

        private static void WriteRecord(Utf8JsonWriter w, string id, QdrantPoint p, (bool Payload, HashSet<string>? Fields) payload, bool vector)
        {
            w.WriteStartObject();
            w.WritePropertyName("id");
            QdrantPointIds.Write(w, id);
            if (payload.Payload)
            {
                w.WriteStartObject("payload");
                if (p.Payload.ValueKind == JsonValueKind.Object)
                    foreach (var f in p.Payload.EnumerateObject())
                        if (payload.Fields is null || payload.Fields.Contains(f.Name)) f.WriteTo(w);
                w.WriteEndObject();
            }
            if (vector)
            {
                w.WriteStartArray("vector");
                foreach (var x in p.Vector) w.WriteNumberValue(x);
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }

        private static Task Retrieve(HttpContext context, QdrantCollection c, JsonElement body)
        {
            var ids = body.GetProperty("ids").EnumerateArray().Select(QdrantPointIds.Normalize).ToList();
            var payload = WithPayload(body, true);
            var vector = WithVector(body);
            var found = new List<(string, QdrantPoint)>();
            lock (c.Gate)
                foreach (var id in ids.Distinct())
                    if (c.Points.TryGetValue(id, out var p)) found.Add((id, p));
            return Ok(context, w =>
            {
                w.WriteStartArray();
                foreach (var (id, p) in found) WriteRecord(w, id, p, payload, vector);
                w.WriteEndArray();
            });
        }

        private static JsonElement FilterOf(JsonElement body) =>
            body.ValueKind == JsonValueKind.Object && body.TryGetProperty("filter", out var f) ? f : default;

        private static bool Passes(JsonElement filter, string id, QdrantPoint p) =>
            filter.ValueKind == JsonValueKind.Undefined || filter.ValueKind == JsonValueKind.Null || QdrantFilterEval.Matches(filter, id, p.Payload);

        private static Task Scroll(HttpContext context, QdrantCollection c, JsonElement body)
        {
            var filter = FilterOf(body);
            var limit = body.TryGetProperty("limit", out var l) && l.ValueKind == JsonValueKind.Number ? l.GetInt32() : 10;
            if (limit < 1) throw new QdrantBadRequest("Validation error in JSON body: [limit: value 0 invalid, must be 1 or larger]");
            string? offset = body.TryGetProperty("offset", out var o) && o.ValueKind != JsonValueKind.Null ? QdrantPointIds.Normalize(o) : null;
            var payload = WithPayload(body, true);
            var vector = WithVector(body);
            var page = new List<(string, QdrantPoint)>();
            string? next = null;
            lock (c.Gate)
            {
                foreach (var p in c.Points)
                {
                    if (offset != null && QdrantPointIds.Order.Compare(p.Key, offset) < 0) continue;
                    if (!Passes(filter, p.Key, p.Value)) continue;
                    if (page.Count == limit)
                    {
                        next = p.Key;
                        break;
                    }
                    page.Add((p.Key, p.Value));
                }
            }
            return Ok(context, w =>
            {
                w.WriteStartObject();
                w.WriteStartArray("points");
                foreach (var (id, p) in page) WriteRecord(w, id, p, payload, vector);
                w.WriteEndArray();
                w.WritePropertyName("next_page_offset");
                if (next is null) w.WriteNullValue();
                else QdrantPointIds.Write(w, next);
                w.WriteEndObject();
            });
        }

        private static Task Count(HttpContext context, QdrantCollection c, JsonElement body)
        {
            var filter = FilterOf(body);
            int count;
            lock (c.Gate) count = c.Points.Count(p => Passes(filter, p.Key, p.Value));
            return Ok(context, w =>
            {
                w.WriteStartObject();
                w.WriteNumber("count", count);
                w.WriteEndObject();
            });
        }

        /// <summary>Counts per value of a keyword-indexed key (each point counts once per distinct value), most frequent first.</summary>
        private static async Task Facet(HttpContext context, QdrantCollection c, JsonElement body)
        {
            var key = body.GetProperty("key").GetString() ?? "";
            var limit = body.TryGetProperty("limit", out var l) && l.ValueKind == JsonValueKind.Number ? l.GetInt32() : 10;
            var filter = FilterOf(body);
            bool indexed;
            lock (c.Gate) indexed = c.Indexes.ContainsKey(key);
            if (!indexed)
            {
                await Error(context, 400, $"Bad request: Index required but not found for \"{key}\" of one of the following types: [keyword, integer, bool, uuid]. Help: Create an index for this key or use a different filter.").ConfigureAwait(false);
                return;
            }
            var counts = new Dictionary<string, (JsonElement Value, int Count)>(StringComparer.Ordinal);
            lock (c.Gate)
                foreach (var p in c.Points)
                {
                    if (!Passes(filter, p.Key, p.Value)) continue;
                    var seen = new HashSet<string>(StringComparer.Ordinal);
                    foreach (var v in QdrantFilterEval.Values(QdrantFilterEval.Lookup(p.Value.Payload, key)))
                    {
                        if (v.ValueKind != JsonValueKind.String && v.ValueKind != JsonValueKind.Number && v.ValueKind != JsonValueKind.True && v.ValueKind != JsonValueKind.False) continue;
                        var text = v.GetRawText();
                        if (!seen.Add(text)) continue;
                        counts[text] = counts.TryGetValue(text, out var e) ? (e.Value, e.Count + 1) : (v.Clone(), 1);
                    }
                }
            await Ok(context, w =>
            {
                w.WriteStartObject();
                w.WriteStartArray("hits");
                foreach (var h in counts.Values.OrderByDescending(h => h.Count).ThenBy(h => h.Value.GetRawText(), StringComparer.Ordinal).Take(limit))
                {
                    w.WriteStartObject();
                    w.WritePropertyName("value");
                    h.Value.WriteTo(w);
                    w.WriteNumber("count", h.Count);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }).ConfigureAwait(false);
        }
    }
}
