using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VectorOps.Emulators.Infrastructure;
using VectorOps.Errors;
using VectorOps.Filtering;

namespace VectorOps.Emulators.Pinecone
{
    /// <summary>
    /// A stateful Pinecone data plane (index host) following db_data 2026-04 (and 2025-10 where it differs):
    /// paths, the Api-Key and X-Pinecone-Api-Version headers, body shapes, limits (1 to 1000 ids a delete or fetch,
    /// ids of 1 to 512 printable ASCII characters, exactly one of ids / deleteAll / filter, 100 ids a list page,
    /// 1000 records and 2 MB an upsert, 100 deletes a second per namespace), error bodies {code, message, details}
    /// with gRPC codes, per-namespace LSNs (x-pinecone-request-lsn on writes, x-pinecone-max-indexed-lsn on reads,
    /// with an optional indexing lag), the metadata filter language and paginated list, fetch_by_metadata and
    /// namespaces. Records are applied at once; only the indexed LSN lags.
    /// </summary>
    public sealed class PineconeEmulator : EmulatorHost
    {
        public const string DefaultNamespace = "__default__";
        public const string RequestLsnHeader = "x-pinecone-request-lsn";
        public const string MaxIndexedLsnHeader = "x-pinecone-max-indexed-lsn";
        private const string VersionKey = "pinecone.version";

        private readonly object _limitGate = new object();
        private TokenBucket? _deleteLimit;

        public PineconeEmulator(PineconeEmulatorOptions? options = null) : base("pinecone")
        {
            Options = options ?? new PineconeEmulatorOptions();
            Store.IndexingLag = Options.IndexingLag;
        }

        public PineconeEmulatorOptions Options { get; }

        public PineconeStore Store { get; } = new PineconeStore();

        // ---- plumbing --------------------------------------------------------------------------------

        protected override void ResetState()
        {
            Store.Clear();
            Store.ReleaseIndexing();
        }

        /// <summary>Also <c>deleteRps</c> (0: no limit) and <c>deleteBurst</c>: the per-namespace delete limit, started afresh.</summary>
        protected override void Configure(JsonElement settings)
        {
            base.Configure(settings);
            lock (_limitGate)
            {
                if (settings.TryGetProperty("deleteRps", out var rps) && rps.ValueKind == JsonValueKind.Number)
                    Options.DeleteRequestsPerSecondPerNamespace = rps.GetDouble();
                if (settings.TryGetProperty("deleteBurst", out var burst) && burst.ValueKind == JsonValueKind.Number)
                    Options.DeleteBurst = burst.GetInt32();
                _deleteLimit = null;
            }
        }

        /// <summary>Records with ids only (no values, no metadata): enough to be listed, counted and deleted.</summary>
        protected override long Seed(string? @namespace, IEnumerable<string> ids)
        {
            long n = 0;
            Store.Seed(string.IsNullOrEmpty(@namespace) ? DefaultNamespace : @namespace!, ids.Select(id =>
            {
                n++;
                return new PineconeRecord(id);
            }));
            return n;
        }

        protected override long? RecordCount => Store.All.Sum(ns => { lock (ns.Gate) return (long)ns.Records.Count; });

        protected override void Classify(HttpRequest request, JournalEntry entry)
        {
            var path = request.Path.Value ?? "";
            var get = HttpMethods.IsGet(request.Method);
            var post = HttpMethods.IsPost(request.Method);
            (entry.Operation, entry.Mutating) = path switch
            {
                "/vectors/delete" when post => ("delete", true),
                "/vectors/upsert" when post => ("upsert", true),
                "/vectors/update" when post => ("update", true),
                "/vectors/list" when get => ("list", false),
                "/vectors/fetch" when get => ("fetch", false),
                "/vectors/fetch_by_metadata" when post => ("fetchByMetadata", false),
                "/describe_index_stats" when post => ("stats", false),
                "/query" when post => ("query", false),
                "/namespaces" when get => ("listNamespaces", false),
                "/namespaces" when post => ("createNamespace", true),
                _ when path.StartsWith("/namespaces/", StringComparison.Ordinal) && get => ("describeNamespace", false),
                _ when path.StartsWith("/namespaces/", StringComparison.Ordinal) && HttpMethods.IsDelete(request.Method) => ("deleteNamespace", true),
                _ => ("other", !get),
            };
            if (entry.Operation == "describeNamespace" || entry.Operation == "deleteNamespace")
                entry.Scope = Uri.UnescapeDataString(path.Substring("/namespaces/".Length));
        }

        protected override Task WriteErrorAsync(HttpContext context, int status, string message) => WriteError(context, status, message);

        private Task WriteError(HttpContext context, int status, string message)
        {
            context.Response.StatusCode = status;
            if (status == 401 && Options.PlainText401)
            {
                context.Response.ContentType = "text/plain";
                return context.Response.WriteAsync(message);
            }
            return WriteJson(context, status, w =>
            {
                w.WriteStartObject();
                w.WriteNumber("code", GrpcCode(status));
                w.WriteString("message", message);
                w.WriteStartArray("details");
                w.WriteEndArray();
                w.WriteEndObject();
            });
        }

        /// <summary>The gRPC status code Pinecone puts in "code" for an HTTP status.</summary>
        public static int GrpcCode(int status) => status switch
        {
            400 => 3,  // INVALID_ARGUMENT
            401 => 16, // UNAUTHENTICATED
            403 => 7,  // PERMISSION_DENIED
            404 => 5,  // NOT_FOUND
            408 => 4,  // DEADLINE_EXCEEDED
            409 => 6,  // ALREADY_EXISTS
            412 => 9,  // FAILED_PRECONDITION
            429 => 8,  // RESOURCE_EXHAUSTED
            499 => 1,  // CANCELLED
            500 => 13, // INTERNAL
            501 => 12, // UNIMPLEMENTED
            503 => 14, // UNAVAILABLE
            504 => 4,  // DEADLINE_EXCEEDED
            _ => 2,    // UNKNOWN
        };

        private static async Task WriteJson(HttpContext context, int status, Action<Utf8JsonWriter> write)
        {
            using var ms = new MemoryStream();
            using (var w = new Utf8JsonWriter(ms)) write(w);
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = ms.Length;
            await context.Response.Body.WriteAsync(ms.GetBuffer().AsMemory(0, (int)ms.Length)).ConfigureAwait(false);
        }

        private sealed class ApiError : Exception
        {
            public ApiError(int status, string message) : base(message) { Status = status; }
            public int Status { get; }
        }

        private static ApiError BadRequest(string message) => new ApiError(400, message);

        private RequestDelegate Handle(Func<HttpContext, Task> handler) => async context =>
        {
            try
            {
                await handler(context).ConfigureAwait(false);
            }
            catch (ApiError e)
            {
                if (e.Status == 429 && Options.RateLimitRetryAfter is TimeSpan ra)
                    context.Response.Headers["Retry-After"] = Math.Max(1, (int)Math.Ceiling(ra.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await WriteError(context, e.Status, e.Message).ConfigureAwait(false);
            }
        };

        protected override void MapRoutes(WebApplication app)
        {
            // Authentication, then the version header: before any route, as the service's gateway does.
            app.Use(async (context, next) =>
            {
                var key = context.Request.Headers["Api-Key"].ToString();
                if (key.Length == 0 || (Options.ApiKey != null && !string.Equals(key, Options.ApiKey, StringComparison.Ordinal)))
                {
                    await WriteError(context, 401, key.Length == 0 ? "Missing API key: set the Api-Key header." : "Invalid API Key").ConfigureAwait(false);
                    return;
                }
                var version = context.Request.Headers["X-Pinecone-Api-Version"].ToString();
                if (version.Length == 0)
                {
                    await WriteError(context, 400, "Missing required header X-Pinecone-Api-Version.").ConfigureAwait(false);
                    return;
                }
                if (!Options.ApiVersions.Contains(version))
                {
                    await WriteError(context, 400, $"Unsupported API version '{version}'. Supported versions: {string.Join(", ", Options.ApiVersions.OrderBy(v => v, StringComparer.Ordinal))}.").ConfigureAwait(false);
                    return;
                }
                context.Items[VersionKey] = version;
                await next(context).ConfigureAwait(false);
            });

            app.MapPost("/vectors/delete", Handle(Delete));
            app.MapPost("/vectors/upsert", Handle(Upsert));
            app.MapPost("/vectors/update", Handle(Update));
            app.MapGet("/vectors/fetch", Handle(Fetch));
            app.MapPost("/vectors/fetch_by_metadata", Handle(FetchByMetadata));
            app.MapGet("/vectors/list", Handle(List));
            app.MapPost("/describe_index_stats", Handle(Stats));
            app.MapPost("/query", Handle(Query));
            app.MapGet("/namespaces", Handle(ListNamespaces));
            app.MapPost("/namespaces", Handle(CreateNamespace));
            app.MapGet("/namespaces/{ns}", Handle(DescribeNamespace));
            app.MapDelete("/namespaces/{ns}", Handle(DeleteNamespace));
            app.MapFallback(Handle(context => throw new ApiError(404, $"Unknown path {context.Request.Method} {context.Request.Path}.")));
        }

        // ---- request helpers ---------------------------------------------------------------------------

        private static string VersionOf(HttpContext context) => context.Items[VersionKey] as string ?? "";

        private async Task<JsonDocument> ReadBody(HttpContext context)
        {
            var limit = Options.MaxRequestBytes;
            string TooLarge() => $"Request size exceeds the maximum supported size of {limit / (1024 * 1024)} MB.";
            byte[] data;
            int length;
            if (context.Request.ContentLength is long declared)
            {
                // The usual case: one buffer of the declared size, parsed in place (no growing stream, no copy).
                if (declared > limit) throw BadRequest(TooLarge());
                data = new byte[declared];
                length = 0;
                int read;
                while (length < data.Length && (read = await context.Request.Body.ReadAsync(data.AsMemory(length), context.RequestAborted).ConfigureAwait(false)) > 0)
                    length += read;
            }
            else
            {
                using var ms = new MemoryStream();
                var buffer = new byte[81920];
                int read;
                while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted).ConfigureAwait(false)) > 0)
                {
                    ms.Write(buffer, 0, read);
                    if (ms.Length > limit) throw BadRequest(TooLarge());
                }
                data = ms.GetBuffer();
                length = (int)ms.Length;
            }
            if (length == 0) throw BadRequest("The request body is empty; a JSON object is required.");
            try
            {
                var doc = JsonDocument.Parse(data.AsMemory(0, length));
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                {
                    doc.Dispose();
                    throw BadRequest("The request body must be a JSON object.");
                }
                return doc;
            }
            catch (JsonException ex)
            {
                throw BadRequest("The request body is not valid JSON: " + ex.Message);
            }
        }

        private static string NamespaceOf(JsonElement body)
        {
            if (!body.TryGetProperty("namespace", out var ns) || ns.ValueKind == JsonValueKind.Null) return DefaultNamespace;
            if (ns.ValueKind != JsonValueKind.String) throw BadRequest("namespace must be a string.");
            var s = ns.GetString()!;
            return s.Length == 0 ? DefaultNamespace : s;
        }

        private static string NamespaceOf(string? query) => string.IsNullOrEmpty(query) ? DefaultNamespace : query!;

        private void CheckId(string? id, string what)
        {
            if (string.IsNullOrEmpty(id)) throw BadRequest($"{what}: a vector ID must not be empty.");
            if (id.Length > Options.MaxIdLength)
                throw BadRequest($"{what}: vector ID '{id.Substring(0, 20)}...' is {id.Length} characters long; the maximum is {Options.MaxIdLength}.");
            foreach (var c in id)
                if (c < 0x20 || c > 0x7E)
                    throw BadRequest($"{what}: vector ID '{id}' contains a character outside printable ASCII (U+{(int)c:X4}).");
        }

        private static MetadataFilter? FilterOf(JsonElement body, string name = "filter")
        {
            if (!body.TryGetProperty(name, out var f) || f.ValueKind == JsonValueKind.Null) return null;
            if (f.ValueKind != JsonValueKind.Object) throw BadRequest($"{name} must be a JSON object.");
            if (!f.EnumerateObject().Any()) return null; // an empty Struct is absent, as in proto3
            try
            {
                return MetadataFilter.Parse(f.Clone());
            }
            catch (VectorOpsException ex)
            {
                throw BadRequest("Invalid filter: " + ex.Message);
            }
        }

        private static bool Flag(JsonElement body, string name)
        {
            if (!body.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return false;
            if (v.ValueKind == JsonValueKind.True) return true;
            if (v.ValueKind == JsonValueKind.False) return false;
            throw BadRequest($"{name} must be a boolean.");
        }

        private Dictionary<string, object?> ParseMetadata(JsonElement md, string id)
        {
            if (md.ValueKind != JsonValueKind.Object) throw BadRequest($"Metadata of vector '{id}' must be a JSON object.");
            if (Encoding.UTF8.GetByteCount(md.GetRawText()) > Options.MaxMetadataBytes)
                throw BadRequest($"Metadata size of vector '{id}' exceeds the limit of {Options.MaxMetadataBytes} bytes per vector.");
            var d = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var p in md.EnumerateObject())
            {
                switch (p.Value.ValueKind)
                {
                    case JsonValueKind.String: d[p.Name] = p.Value.GetString(); break;
                    case JsonValueKind.Number: d[p.Name] = p.Value.TryGetInt64(out var l) ? l : p.Value.GetDouble(); break;
                    case JsonValueKind.True: d[p.Name] = true; break;
                    case JsonValueKind.False: d[p.Name] = false; break;
                    case JsonValueKind.Array:
                        var list = new List<string>();
                        foreach (var item in p.Value.EnumerateArray())
                        {
                            if (item.ValueKind != JsonValueKind.String)
                                throw BadRequest($"Metadata field '{p.Name}' of vector '{id}': a list may only hold strings.");
                            list.Add(item.GetString()!);
                        }
                        d[p.Name] = list;
                        break;
                    default:
                        throw BadRequest($"Metadata field '{p.Name}' of vector '{id}' has an unsupported value type ({p.Value.ValueKind}): use a string, number, boolean or list of strings.");
                }
            }
            return d;
        }

        private float[] ParseValues(JsonElement v, string id, string what)
        {
            if (v.ValueKind != JsonValueKind.Array) throw BadRequest($"{what} of vector '{id}' must be an array of numbers.");
            var values = new float[v.GetArrayLength()];
            var i = 0;
            foreach (var x in v.EnumerateArray())
            {
                if (x.ValueKind != JsonValueKind.Number) throw BadRequest($"{what} of vector '{id}' must be an array of numbers.");
                values[i++] = x.GetSingle();
            }
            return values;
        }

        private float[] ParseDense(JsonElement v, string id)
        {
            var values = ParseValues(v, id, "values");
            if (Options.Dimension > 0 && values.Length != Options.Dimension)
                throw BadRequest($"Vector dimension {values.Length} does not match the dimension of the index {Options.Dimension}");
            return values;
        }

        private (uint[], float[]) ParseSparse(JsonElement s, string id)
        {
            if (s.ValueKind != JsonValueKind.Object || !s.TryGetProperty("indices", out var idx) || !s.TryGetProperty("values", out var vals))
                throw BadRequest($"sparseValues of vector '{id}' must have indices and values.");
            var values = ParseValues(vals, id, "sparseValues.values");
            if (idx.ValueKind != JsonValueKind.Array) throw BadRequest($"sparseValues.indices of vector '{id}' must be an array.");
            var indices = idx.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.Number && x.TryGetUInt32(out var u) ? u
                : throw BadRequest($"sparseValues.indices of vector '{id}' must be non-negative integers.")).ToArray();
            if (indices.Length != values.Length) throw BadRequest($"sparseValues of vector '{id}': indices and values differ in length.");
            return (indices, values);
        }

        private long Write(PineconeNamespace ns) => ns.NextLsn(Store.Now);

        private void SetRequestLsn(HttpContext context, long lsn) =>
            context.Response.Headers[RequestLsnHeader] = lsn.ToString(CultureInfo.InvariantCulture);

        private void SetIndexedLsn(HttpContext context, string @namespace) =>
            context.Response.Headers[MaxIndexedLsnHeader] = Store.MaxIndexedLsn(Store.GetOrAdd(@namespace)).ToString(CultureInfo.InvariantCulture);

        private void CheckDeleteRate(string @namespace)
        {
            if (!(Options.DeleteRequestsPerSecondPerNamespace > 0)) return;
            lock (_limitGate)
            {
                _deleteLimit ??= new TokenBucket(Options.DeleteRequestsPerSecondPerNamespace, Math.Max(1, Options.DeleteBurst));
                if (!_deleteLimit.TryTake(@namespace, out _))
                    throw new ApiError(429, $"Request rate limit exceeded: at most {Options.DeleteRequestsPerSecondPerNamespace:0} delete requests per second per namespace.");
            }
        }

        private static string EncodeToken(string lastId) => Convert.ToBase64String(Encoding.UTF8.GetBytes(lastId));

        private static string? DecodeToken(string? token)
        {
            if (string.IsNullOrEmpty(token)) return null;
            try
            {
                return Encoding.UTF8.GetString(Convert.FromBase64String(token));
            }
            catch (FormatException)
            {
                throw BadRequest("Invalid pagination token.");
            }
        }

        private static void WriteRecord(Utf8JsonWriter w, PineconeRecord r, bool values = true, bool metadata = true)
        {
            w.WriteStartObject();
            w.WriteString("id", r.Id);
            if (values)
            {
                w.WriteStartArray("values");
                foreach (var x in r.Values ?? Array.Empty<float>()) w.WriteNumberValue(x);
                w.WriteEndArray();
                if (r.SparseIndices != null && r.SparseValues != null)
                {
                    w.WriteStartObject("sparseValues");
                    w.WriteStartArray("indices");
                    foreach (var i in r.SparseIndices) w.WriteNumberValue(i);
                    w.WriteEndArray();
                    w.WriteStartArray("values");
                    foreach (var x in r.SparseValues) w.WriteNumberValue(x);
                    w.WriteEndArray();
                    w.WriteEndObject();
                }
            }
            if (metadata && r.Metadata != null)
            {
                w.WritePropertyName("metadata");
                Serialization.RecordJson.WriteMetadata(w, r.Metadata);
            }
            w.WriteEndObject();
        }

        private static void WriteUsage(Utf8JsonWriter w, long readUnits)
        {
            w.WriteStartObject("usage");
            w.WriteNumber("readUnits", readUnits);
            w.WriteEndObject();
        }

        // ---- vectors -----------------------------------------------------------------------------------

        private async Task Delete(HttpContext context)
        {
            using var doc = await ReadBody(context).ConfigureAwait(false);
            var body = doc.RootElement;
            var entry = EntryOf(context);
            var nsName = NamespaceOf(body);
            if (entry != null) entry.Scope = nsName;

            List<string>? ids = null;
            if (body.TryGetProperty("ids", out var idsEl) && idsEl.ValueKind != JsonValueKind.Null)
            {
                if (idsEl.ValueKind != JsonValueKind.Array) throw BadRequest("ids must be an array of strings.");
                ids = new List<string>(idsEl.GetArrayLength());
                foreach (var id in idsEl.EnumerateArray())
                {
                    if (id.ValueKind != JsonValueKind.String) throw BadRequest("ids must be an array of strings.");
                    ids.Add(id.GetString()!);
                }
                if (ids.Count == 0) ids = null; // an empty repeated field is absent
            }
            var deleteAll = Flag(body, "deleteAll");
            var filter = FilterOf(body);
            var given = (ids != null ? 1 : 0) + (deleteAll ? 1 : 0) + (filter != null ? 1 : 0);
            if (given != 1)
                throw BadRequest(given == 0
                    ? "Delete request must specify one of ids, deleteAll or filter."
                    : "ids, deleteAll and filter are mutually exclusive: specify exactly one.");
            if (entry != null)
            {
                entry.Detail = ids != null ? "ids" : deleteAll ? "deleteAll" : "filter";
                entry.IdCount = ids?.Count;
            }

            if (ids != null)
            {
                if (ids.Count > Options.MaxIdsPerRequest)
                    throw BadRequest($"Delete request contains {ids.Count} ids; the maximum is {Options.MaxIdsPerRequest}.");
                foreach (var id in ids) CheckId(id, "ids");
            }
            if (filter != null && Options.VersionsWithoutFilterDelete.Contains(VersionOf(context)))
                throw BadRequest("Serverless and Starter indexes do not support deleting with metadata filtering.");

            CheckDeleteRate(nsName);

            var ns = Store.GetOrAdd(nsName);
            var removed = new List<string>();
            long lsn;
            lock (ns.Gate)
            {
                if (ids != null)
                {
                    foreach (var id in ids)
                        if (ns.Remove(id)) removed.Add(id);
                }
                else if (deleteAll)
                {
                    removed.AddRange(ns.RemoveAll());
                }
                else
                {
                    foreach (var r in ns.Matching(filter!).ToList())
                        if (ns.Remove(r.Id)) removed.Add(r.Id);
                }
                lsn = Write(ns);
            }
            Journal.RecordDeleted(nsName, removed);
            SetRequestLsn(context, lsn);
            await WriteJson(context, 200, w => { w.WriteStartObject(); w.WriteEndObject(); }).ConfigureAwait(false);
        }

        private async Task Upsert(HttpContext context)
        {
            using var doc = await ReadBody(context).ConfigureAwait(false);
            var body = doc.RootElement;
            var nsName = NamespaceOf(body);
            var entry = EntryOf(context);
            if (entry != null) entry.Scope = nsName;
            if (!body.TryGetProperty("vectors", out var vectors) || vectors.ValueKind != JsonValueKind.Array)
                throw BadRequest("vectors is required and must be an array.");
            var count = vectors.GetArrayLength();
            if (entry != null) entry.IdCount = count;
            if (count == 0) throw BadRequest("vectors must hold at least one vector.");
            if (count > Options.MaxUpsertRecords) throw BadRequest($"Upsert request contains {count} vectors; the maximum is {Options.MaxUpsertRecords}.");
            var records = new List<PineconeRecord>(count);
            foreach (var v in vectors.EnumerateArray())
            {
                if (v.ValueKind != JsonValueKind.Object || !v.TryGetProperty("id", out var idEl) || idEl.ValueKind != JsonValueKind.String)
                    throw BadRequest("Each vector must be an object with a string id.");
                var id = idEl.GetString()!;
                CheckId(id, "vectors");
                var r = new PineconeRecord(id);
                if (v.TryGetProperty("values", out var values) && values.ValueKind != JsonValueKind.Null) r.Values = ParseDense(values, id);
                if (v.TryGetProperty("sparseValues", out var sparse) && sparse.ValueKind != JsonValueKind.Null)
                    (r.SparseIndices, r.SparseValues) = ParseSparse(sparse, id);
                if (r.Values is null && Options.Dimension > 0)
                    throw BadRequest($"Vector '{id}' is missing values: this dense index needs {Options.Dimension} values per vector.");
                if (v.TryGetProperty("metadata", out var md) && md.ValueKind != JsonValueKind.Null) r.Metadata = ParseMetadata(md, id);
                records.Add(r);
            }
            var ns = Store.GetOrAdd(nsName);
            long lsn;
            lock (ns.Gate)
            {
                ns.Exists = true;
                foreach (var r in records) ns.Put(r);
                lsn = Write(ns);
            }
            SetRequestLsn(context, lsn);
            await WriteJson(context, 200, w =>
            {
                w.WriteStartObject();
                w.WriteNumber("upsertedCount", records.Count);
                w.WriteEndObject();
            }).ConfigureAwait(false);
        }

        private async Task Update(HttpContext context)
        {
            using var doc = await ReadBody(context).ConfigureAwait(false);
            var body = doc.RootElement;
            var nsName = NamespaceOf(body);
            var entry = EntryOf(context);
            if (entry != null) entry.Scope = nsName;
            var id = body.TryGetProperty("id", out var idEl) && idEl.ValueKind == JsonValueKind.String ? idEl.GetString() : null;
            if (string.IsNullOrEmpty(id)) id = null;
            var filter = FilterOf(body);
            var dryRun = Flag(body, "dryRun");
            Dictionary<string, object?>? set = null;
            if (body.TryGetProperty("setMetadata", out var setEl) && setEl.ValueKind != JsonValueKind.Null)
                set = ParseMetadata(setEl, id ?? "(filter)");
            if (id != null && filter != null) throw BadRequest("id and filter are mutually exclusive: update one record by id, or records by filter.");
            if (id is null && filter is null) throw BadRequest("Update request must specify an id or a filter.");

            var ns = Store.GetOrAdd(nsName);
            if (filter != null)
            {
                if (body.TryGetProperty("values", out var fv) && fv.ValueKind != JsonValueKind.Null ||
                    body.TryGetProperty("sparseValues", out var fs) && fs.ValueKind != JsonValueKind.Null)
                    throw BadRequest("Vector values cannot be updated by filter: only setMetadata.");
                if (dryRun)
                {
                    if (entry != null) { entry.Mutating = false; entry.Detail = "dryRun"; }
                    int matched;
                    lock (ns.Gate) matched = ns.Matching(filter).Count();
                    await WriteJson(context, 200, w =>
                    {
                        w.WriteStartObject();
                        w.WriteNumber("matchedRecords", matched);
                        w.WriteEndObject();
                    }).ConfigureAwait(false);
                    return;
                }
                if (set is null || set.Count == 0) throw BadRequest("setMetadata is required to update records by filter.");
                if (entry != null) entry.Detail = "filter";
                int n;
                long lsnF;
                lock (ns.Gate)
                {
                    var hits = ns.Matching(filter).ToList();
                    foreach (var r in hits)
                    {
                        r.Metadata ??= new Dictionary<string, object?>(StringComparer.Ordinal);
                        foreach (var p in set) r.Metadata[p.Key] = p.Value;
                    }
                    n = hits.Count;
                    lsnF = Write(ns);
                }
                SetRequestLsn(context, lsnF);
                await WriteJson(context, 200, w =>
                {
                    w.WriteStartObject();
                    w.WriteNumber("matchedRecords", n);
                    w.WriteEndObject();
                }).ConfigureAwait(false);
                return;
            }

            // By id. The service applies an update by id even with dryRun (pinecone-io/python-sdk#670): so do we.
            CheckId(id, "id");
            if (entry != null) entry.Detail = "id";
            float[]? values = body.TryGetProperty("values", out var ve) && ve.ValueKind != JsonValueKind.Null ? ParseDense(ve, id!) : null;
            (uint[], float[])? sparseNew = body.TryGetProperty("sparseValues", out var se) && se.ValueKind != JsonValueKind.Null ? ParseSparse(se, id!) : ((uint[], float[])?)null;
            long lsn;
            lock (ns.Gate)
            {
                if (ns.Records.TryGetValue(id!, out var r))
                {
                    if (values != null) r.Values = values;
                    if (sparseNew is (uint[] si, float[] sv)) { r.SparseIndices = si; r.SparseValues = sv; }
                    if (set != null)
                    {
                        r.Metadata ??= new Dictionary<string, object?>(StringComparer.Ordinal);
                        foreach (var p in set) r.Metadata[p.Key] = p.Value;
                    }
                }
                lsn = Write(ns);
            }
            SetRequestLsn(context, lsn);
            await WriteJson(context, 200, w => { w.WriteStartObject(); w.WriteEndObject(); }).ConfigureAwait(false);
        }

        private async Task Fetch(HttpContext context)
        {
            var q = context.Request.Query;
            var nsName = NamespaceOf(q["namespace"].ToString());
            var ids = q["ids"].Where(s => s != null).Select(s => s!).ToList();
            var entry = EntryOf(context);
            if (entry != null) { entry.Scope = nsName; entry.IdCount = ids.Count; }
            if (ids.Count == 0) throw BadRequest("ids is required: name at least one vector ID to fetch.");
            if (ids.Count > Options.MaxIdsPerRequest) throw BadRequest($"Fetch request contains {ids.Count} ids; the maximum is {Options.MaxIdsPerRequest}.");
            foreach (var id in ids)
            {
                CheckId(id, "ids");
                if (id.Contains(' ', StringComparison.Ordinal)) throw BadRequest($"ids: fetch does not accept IDs containing spaces ('{id}').");
            }
            var ns = Store.Find(nsName);
            var found = new List<PineconeRecord>();
            if (ns != null)
                lock (ns.Gate)
                    foreach (var id in ids.Distinct(StringComparer.Ordinal))
                        if (ns.Records.TryGetValue(id, out var r)) found.Add(r);
            SetIndexedLsn(context, nsName);
            await WriteJson(context, 200, w =>
            {
                w.WriteStartObject();
                w.WriteStartObject("vectors");
                foreach (var r in found)
                {
                    w.WritePropertyName(r.Id);
                    WriteRecord(w, r);
                }
                w.WriteEndObject();
                w.WriteString("namespace", nsName);
                WriteUsage(w, 1);
                w.WriteEndObject();
            }).ConfigureAwait(false);
        }

        private async Task FetchByMetadata(HttpContext context)
        {
            using var doc = await ReadBody(context).ConfigureAwait(false);
            var body = doc.RootElement;
            var nsName = NamespaceOf(body);
            var entry = EntryOf(context);
            if (entry != null) entry.Scope = nsName;
            var filter = FilterOf(body) ?? throw BadRequest("filter is required: fetch_by_metadata selects records by a metadata filter.");
            var limit = 100L;
            if (body.TryGetProperty("limit", out var l) && l.ValueKind != JsonValueKind.Null)
            {
                if (l.ValueKind != JsonValueKind.Number || !l.TryGetInt64(out limit) || limit < 1 || limit > 10000)
                    throw BadRequest("limit must be an integer from 1 to 10000.");
            }
            string? after = null;
            if (body.TryGetProperty("paginationToken", out var t) && t.ValueKind == JsonValueKind.String) after = DecodeToken(t.GetString());

            var page = new List<PineconeRecord>();
            var more = false;
            var ns = Store.Find(nsName);
            if (ns != null)
            {
                lock (ns.Gate)
                {
                    foreach (var id in ns.IdsFrom(null, after))
                    {
                        var r = ns.Records[id];
                        if (!filter.Matches(r.Metadata)) continue;
                        if (page.Count == limit) { more = true; break; }
                        page.Add(r);
                    }
                }
            }
            SetIndexedLsn(context, nsName);
            await WriteJson(context, 200, w =>
            {
                w.WriteStartObject();
                w.WriteStartObject("vectors");
                foreach (var r in page)
                {
                    w.WritePropertyName(r.Id);
                    WriteRecord(w, r);
                }
                w.WriteEndObject();
                w.WriteString("namespace", nsName);
                WriteUsage(w, Math.Max(1, page.Count / 10));
                if (more)
                {
                    w.WriteStartObject("pagination");
                    w.WriteString("next", EncodeToken(page[page.Count - 1].Id));
                    w.WriteEndObject();
                }
                w.WriteEndObject();
            }).ConfigureAwait(false);
        }

        private async Task List(HttpContext context)
        {
            var q = context.Request.Query;
            var nsName = NamespaceOf(q["namespace"].ToString());
            var entry = EntryOf(context);
            if (entry != null) entry.Scope = nsName;
            var prefix = q.ContainsKey("prefix") ? q["prefix"].ToString() : null;
            if (prefix != null && prefix.Length == 0) prefix = null;
            var limit = 100;
            if (q.ContainsKey("limit"))
            {
                if (!int.TryParse(q["limit"].ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > Options.MaxListLimit)
                    throw BadRequest($"limit must be an integer from 1 to {Options.MaxListLimit}.");
            }
            var after = DecodeToken(q["paginationToken"].ToString());
            var ids = new List<string>(limit);
            var more = false;
            var ns = Store.Find(nsName);
            if (ns != null)
            {
                lock (ns.Gate)
                {
                    foreach (var id in ns.IdsFrom(prefix, after))
                    {
                        if (ids.Count == limit) { more = true; break; }
                        ids.Add(id);
                    }
                }
            }
            SetIndexedLsn(context, nsName);
            await WriteJson(context, 200, w =>
            {
                w.WriteStartObject();
                w.WriteStartArray("vectors");
                foreach (var id in ids)
                {
                    w.WriteStartObject();
                    w.WriteString("id", id);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                if (more)
                {
                    w.WriteStartObject("pagination");
                    w.WriteString("next", EncodeToken(ids[ids.Count - 1]));
                    w.WriteEndObject();
                }
                w.WriteString("namespace", nsName);
                WriteUsage(w, 1);
                w.WriteEndObject();
            }).ConfigureAwait(false);
        }

        private async Task Stats(HttpContext context)
        {
            using var doc = await ReadBody(context).ConfigureAwait(false);
            if (FilterOf(doc.RootElement) != null)
                throw BadRequest("Serverless and Starter indexes do not support describing index stats with metadata filtering.");
            var counts = new List<(string Name, int Count)>();
            foreach (var ns in Store.All)
                lock (ns.Gate)
                    if (ns.Exists && ns.Records.Count > 0) counts.Add((ns.Name, ns.Records.Count));
            counts.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
            await WriteJson(context, 200, w =>
            {
                w.WriteStartObject();
                w.WriteStartObject("namespaces");
                foreach (var (name, count) in counts)
                {
                    w.WriteStartObject(name);
                    w.WriteNumber("vectorCount", count);
                    w.WriteEndObject();
                }
                w.WriteEndObject();
                if (Options.Dimension > 0) w.WriteNumber("dimension", Options.Dimension);
                w.WriteNumber("indexFullness", 0);
                w.WriteNumber("totalVectorCount", counts.Sum(c => (long)c.Count));
                w.WriteString("metric", Options.Metric);
                w.WriteString("vectorType", Options.Dimension > 0 ? "dense" : "sparse");
                w.WriteEndObject();
            }).ConfigureAwait(false);
        }

        private async Task Query(HttpContext context)
        {
            using var doc = await ReadBody(context).ConfigureAwait(false);
            var body = doc.RootElement;
            var nsName = NamespaceOf(body);
            var entry = EntryOf(context);
            if (entry != null) entry.Scope = nsName;
            if (!body.TryGetProperty("topK", out var k) || k.ValueKind != JsonValueKind.Number || !k.TryGetInt32(out var topK) || topK < 1 || topK > 10000)
                throw BadRequest("topK is required and must be an integer from 1 to 10000.");
            var hasVector = body.TryGetProperty("vector", out var vec) && vec.ValueKind != JsonValueKind.Null;
            var hasId = body.TryGetProperty("id", out var qid) && qid.ValueKind == JsonValueKind.String && qid.GetString()!.Length > 0;
            var hasSparse = body.TryGetProperty("sparseVector", out var sv) && sv.ValueKind != JsonValueKind.Null;
            if ((hasVector ? 1 : 0) + (hasId ? 1 : 0) > 1) throw BadRequest("Each query can contain only one of vector or id.");
            if (!hasVector && !hasId && !hasSparse) throw BadRequest("A query needs a vector, a sparseVector or an id.");
            var filter = FilterOf(body);
            var includeValues = Flag(body, "includeValues");
            var includeMetadata = Flag(body, "includeMetadata");

            var ns = Store.Find(nsName);
            var scored = new List<(PineconeRecord R, double Score)>();
            if (ns != null)
            {
                lock (ns.Gate)
                {
                    float[]? q = hasVector ? ParseDense(vec, "query") : null;
                    if (hasId)
                    {
                        CheckId(qid.GetString(), "id");
                        q = ns.Records.TryGetValue(qid.GetString()!, out var byId) ? byId.Values : null;
                    }
                    if (q != null)
                    {
                        foreach (var id in ns.Ids)
                        {
                            var r = ns.Records[id];
                            if (r.Values is null || r.Values.Length != q.Length) continue;
                            if (filter != null && !filter.Matches(r.Metadata)) continue;
                            scored.Add((r, Score(q, r.Values)));
                        }
                    }
                }
            }
            else if (hasVector)
            {
                ParseDense(vec, "query");
            }
            var top = scored.OrderByDescending(s => s.Score).ThenBy(s => s.R.Id, StringComparer.Ordinal).Take(topK).ToList();
            SetIndexedLsn(context, nsName);
            await WriteJson(context, 200, w =>
            {
                w.WriteStartObject();
                w.WriteStartArray("matches");
                foreach (var (r, score) in top)
                {
                    w.WriteStartObject();
                    w.WriteString("id", r.Id);
                    w.WriteNumber("score", score);
                    if (includeValues)
                    {
                        w.WriteStartArray("values");
                        foreach (var x in r.Values ?? Array.Empty<float>()) w.WriteNumberValue(x);
                        w.WriteEndArray();
                    }
                    if (includeMetadata && r.Metadata != null)
                    {
                        w.WritePropertyName("metadata");
                        Serialization.RecordJson.WriteMetadata(w, r.Metadata);
                    }
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteString("namespace", nsName);
                WriteUsage(w, 1);
                w.WriteEndObject();
            }).ConfigureAwait(false);
        }

        private double Score(float[] q, float[] v)
        {
            double dot = 0, nq = 0, nv = 0, dist = 0;
            for (var i = 0; i < q.Length; i++)
            {
                dot += q[i] * v[i];
                nq += q[i] * q[i];
                nv += v[i] * v[i];
                dist += (q[i] - v[i]) * (q[i] - v[i]);
            }
            return Options.Metric switch
            {
                "dotproduct" => dot,
                "euclidean" => dist,
                _ => nq == 0 || nv == 0 ? 0 : dot / Math.Sqrt(nq * nv),
            };
        }

        // ---- namespaces ----------------------------------------------------------------------------------

        private async Task ListNamespaces(HttpContext context)
        {
            var q = context.Request.Query;
            var limit = 100;
            if (q.ContainsKey("limit") &&
                (!int.TryParse(q["limit"].ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > 1000))
                throw BadRequest("limit must be an integer from 1 to 1000.");
            var prefix = q["prefix"].ToString();
            var after = DecodeToken(q["paginationToken"].ToString());
            var all = new List<(string Name, int Count)>();
            foreach (var ns in Store.All)
                lock (ns.Gate)
                    if (ns.Exists && ns.Name.StartsWith(prefix, StringComparison.Ordinal)) all.Add((ns.Name, ns.Records.Count));
            all.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
            var rest = after is null ? all : all.Where(n => string.CompareOrdinal(n.Name, after) > 0).ToList();
            var page = rest.Take(limit).ToList();
            var more = rest.Count > page.Count;
            await WriteJson(context, 200, w =>
            {
                w.WriteStartObject();
                w.WriteStartArray("namespaces");
                foreach (var (name, count) in page)
                {
                    w.WriteStartObject();
                    w.WriteString("name", name);
                    w.WriteNumber("record_count", count);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                if (more)
                {
                    w.WriteStartObject("pagination");
                    w.WriteString("next", EncodeToken(page[page.Count - 1].Name));
                    w.WriteEndObject();
                }
                w.WriteNumber("total_count", all.Count);
                w.WriteEndObject();
            }).ConfigureAwait(false);
        }

        private async Task CreateNamespace(HttpContext context)
        {
            using var doc = await ReadBody(context).ConfigureAwait(false);
            var body = doc.RootElement;
            if (!body.TryGetProperty("name", out var n) || n.ValueKind != JsonValueKind.String || n.GetString()!.Length == 0)
                throw BadRequest("name is required.");
            var name = n.GetString()!;
            var entry = EntryOf(context);
            if (entry != null) entry.Scope = name;
            var ns = Store.GetOrAdd(name);
            lock (ns.Gate)
            {
                if (ns.Exists) throw new ApiError(409, $"Namespace '{name}' already exists.");
                ns.Exists = true;
            }
            await WriteJson(context, 200, w =>
            {
                w.WriteStartObject();
                w.WriteString("name", name);
                w.WriteNumber("record_count", 0);
                w.WriteEndObject();
            }).ConfigureAwait(false);
        }

        private async Task DescribeNamespace(HttpContext context)
        {
            var name = (string)context.GetRouteValue("ns")!;
            var ns = Store.Find(name);
            int count;
            if (ns is null) throw new ApiError(404, $"Namespace '{name}' not found.");
            lock (ns.Gate)
            {
                if (!ns.Exists) throw new ApiError(404, $"Namespace '{name}' not found.");
                count = ns.Records.Count;
            }
            SetIndexedLsn(context, name);
            await WriteJson(context, 200, w =>
            {
                w.WriteStartObject();
                w.WriteString("name", name);
                w.WriteNumber("record_count", count);
                w.WriteEndObject();
            }).ConfigureAwait(false);
        }

        private async Task DeleteNamespace(HttpContext context)
        {
            var name = (string)context.GetRouteValue("ns")!;
            var ns = Store.Find(name);
            if (ns is null) throw new ApiError(404, $"Namespace '{name}' not found.");
            List<string> removed;
            long lsn;
            lock (ns.Gate)
            {
                if (!ns.Exists) throw new ApiError(404, $"Namespace '{name}' not found.");
                removed = ns.RemoveAll();
                ns.Exists = false;
                lsn = Write(ns);
            }
            Journal.RecordDeleted(name, removed);
            SetRequestLsn(context, lsn);
            await WriteJson(context, 200, w => { w.WriteStartObject(); w.WriteEndObject(); }).ConfigureAwait(false);
        }
    }
}
