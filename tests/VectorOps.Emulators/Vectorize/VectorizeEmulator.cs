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
using Microsoft.AspNetCore.Routing;
using VectorOps.Emulators.Infrastructure;

namespace VectorOps.Emulators.Vectorize
{
    /// <summary>
    /// A stateful loopback emulator of Cloudflare Vectorize v2, following
    /// ../shared/specs/cloudflare-vectorize-v2-with-list.openapi.json and the facts in ../shared/specs/README.md.
    /// Served at the root (the document's paths without the <c>/client/v4</c> base, which is how Prism matches them):
    /// <c>/accounts/{account_id}/vectorize/v2/indexes/{index_name}/</c> info, list, get_by_ids, delete_by_ids,
    /// insert, upsert. Every answer is Cloudflare's envelope <c>{success, errors, messages, result}</c>.
    /// <list type="bullet">
    /// <item>Writes answer <c>{mutationId}</c> at once and are applied later, in order, by a background applier
    /// after <see cref="ApplyDelay"/>; reads see applied state only; /info reports processedUpToMutation and
    /// processedUpToDatetime (see <see cref="VectorizeIndexState"/>).</item>
    /// <item>More than 100 ids in delete_by_ids or get_by_ids is rejected whole: 400, error 40007
    /// "too many ids in payload; max id count is 100" (as the service answers).</item>
    /// <item><c>Authorization: Bearer TOKEN</c> is required (401, code 10000 otherwise).</item>
    /// <item>The account rate limit: <see cref="RateLimit"/> requests per <see cref="RateWindow"/>; over it every call
    /// of the account is refused with 429 and Retry-After for <see cref="RateBlock"/> (1,200 / 5 min / 5 min like the
    /// service unless a test makes it smaller).</item>
    /// </list>
    /// Error codes other than 40007 (whose text is the service's) are this emulator's choice and stable:
    /// 10000 authentication, 10001 wrong account, 10004 index not found, 40001 bad body, 40002 bad count/cursor,
    /// 40004 wrong dimensions, 40005 bad id, 40006 bad namespace, 40008 bad NDJSON, 1015 rate limited,
    /// 10002 server error.
    /// </summary>
    public sealed class VectorizeEmulator : EmulatorHost
    {
        public const string DefaultAccountId = "0123456789abcdef0123456789abcdef";
        public const string TooManyIdsMessage = "too many ids in payload; max id count is 100";
        public const int MaxIds = 100;

        private readonly ConcurrentDictionary<string, VectorizeIndexState> _indexes = new ConcurrentDictionary<string, VectorizeIndexState>(StringComparer.Ordinal);
        private readonly object _rateGate = new object();
        private readonly Queue<DateTimeOffset> _recent = new Queue<DateTimeOffset>();
        private DateTimeOffset _blockedUntil = DateTimeOffset.MinValue;
        private Timer? _applier;
        private int _applying;

        public VectorizeEmulator(string token, string accountId = DefaultAccountId) : base("vectorize")
        {
            if (string.IsNullOrEmpty(token)) throw new ArgumentException("The emulator needs a token to require.", nameof(token));
            Token = token;
            AccountId = accountId;
        }

        /// <summary>The bearer token every request must carry.</summary>
        public string Token { get; }

        public string AccountId { get; }

        /// <summary>How long an accepted mutation waits before the applier applies it.</summary>
        public TimeSpan ApplyDelay { get; set; } = TimeSpan.FromMilliseconds(500);

        /// <summary>While true, nothing is applied (mutations stay queued): for wait timeouts.</summary>
        public bool ApplyPaused { get; set; }

        /// <summary>Requests the account may make per <see cref="RateWindow"/> (Cloudflare: 1,200 per 5 minutes).</summary>
        public int RateLimit { get; set; } = 1200;
        public TimeSpan RateWindow { get; set; } = TimeSpan.FromMinutes(5);

        /// <summary>How long the account is blocked once over the limit (Cloudflare: 5 minutes).</summary>
        public TimeSpan RateBlock { get; set; } = TimeSpan.FromMinutes(5);

        /// <summary>How many requests the account-rate limit refused.</summary>
        public int RateLimitedCount => Volatile.Read(ref _rateLimited);
        private int _rateLimited;

        /// <summary>The URI to give a client as its base (the emulator's root: paths start at /accounts).</summary>
        public Uri ApiBase => BaseUri;

        public VectorizeIndexState CreateIndex(string name, int dimensions = 4)
        {
            if (dimensions < 1) throw new ArgumentOutOfRangeException(nameof(dimensions));
            return _indexes.GetOrAdd(name, n => new VectorizeIndexState(n, dimensions));
        }

        public VectorizeIndexState Index(string name) =>
            _indexes.TryGetValue(name, out var i) ? i : throw new KeyNotFoundException($"No emulated index '{name}'.");

        /// <summary>Applies every due mutation now (the background applier does the same every 10 ms).</summary>
        public void ApplyDueNow()
        {
            if (ApplyPaused) return;
            foreach (var index in _indexes.Values) index.ApplyDue(ApplyDelay, Journal);
        }

        /// <summary>Forgets the rate-limit window, any block and the count of refused requests.</summary>
        public void ResetRateLimit()
        {
            lock (_rateGate)
            {
                _recent.Clear();
                _blockedUntil = DateTimeOffset.MinValue;
                Volatile.Write(ref _rateLimited, 0);
            }
        }

        // ---- host ----------------------------------------------------------------------------------

        /// <summary>
        /// Also <c>rateLimit</c>, <c>rateWindowSeconds</c>, <c>rateBlockSeconds</c> (the account limit, whose
        /// window and block start afresh) and <c>applyDelayMs</c>.
        /// </summary>
        protected override void Configure(JsonElement settings)
        {
            base.Configure(settings);
            if (settings.TryGetProperty("rateLimit", out var limit) && limit.ValueKind == JsonValueKind.Number) RateLimit = limit.GetInt32();
            if (settings.TryGetProperty("rateWindowSeconds", out var window) && window.ValueKind == JsonValueKind.Number) RateWindow = TimeSpan.FromSeconds(window.GetDouble());
            if (settings.TryGetProperty("rateBlockSeconds", out var block) && block.ValueKind == JsonValueKind.Number) RateBlock = TimeSpan.FromSeconds(block.GetDouble());
            if (settings.TryGetProperty("applyDelayMs", out var delay) && delay.ValueKind == JsonValueKind.Number) ApplyDelay = TimeSpan.FromMilliseconds(delay.GetDouble());
            ResetRateLimit();
        }

        /// <summary>Seeds every index (usually the one) with the ids, without a namespace and with all-zero values.</summary>
        protected override long Seed(string? @namespace, IEnumerable<string> ids)
        {
            var list = ids as IReadOnlyCollection<string> ?? ids.ToList();
            foreach (var index in _indexes.Values)
            {
                var zero = new float[index.Dimensions];
                index.Seed(list.Select(id => new StoredVector(id, zero, null, @namespace)));
            }
            return list.Count;
        }

        /// <summary>Empties every index (they stay, with their dimensions) and forgets the rate-limit window.</summary>
        protected override void ResetState()
        {
            foreach (var index in _indexes.Values) index.Clear();
            ResetRateLimit();
        }

        protected override long? RecordCount => _indexes.Values.Sum(i => (long)i.Count);

        protected override void Classify(HttpRequest request, JournalEntry entry)
        {
            var path = request.Path.Value ?? "";
            var slash = path.LastIndexOf('/');
            var op = slash >= 0 ? path.Substring(slash + 1) : path;
            entry.Operation = op;
            entry.Mutating = op == "delete_by_ids" || op == "upsert" || op == "insert";
        }

        protected override string FaultMessage(int status) => status == 429 ? "You are being rate limited" : base.FaultMessage(status);

        protected override Task WriteErrorAsync(HttpContext context, int status, string message) =>
            Fail(context, status, status == 429 ? 1015 : status >= 500 ? 10002 : 10000 + status, message);

        protected override void MapRoutes(WebApplication app)
        {
            _applier = new Timer(_ => Tick(), null, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(10));
            app.Lifetime.ApplicationStopping.Register(() => _applier?.Dispose());

            app.Use(Gate);
            const string root = "/accounts/{account_id}/vectorize/v2/indexes/{index_name}";
            app.MapGet(root + "/info", (HttpContext c) => WithIndex(c, Info));
            app.MapGet(root + "/list", (HttpContext c) => WithIndex(c, List));
            app.MapPost(root + "/get_by_ids", (HttpContext c) => WithIndex(c, GetByIds));
            app.MapPost(root + "/delete_by_ids", (HttpContext c) => WithIndex(c, DeleteByIds));
            app.MapPost(root + "/upsert", (HttpContext c) => WithIndex(c, (ctx, i) => Write(ctx, i, EmulatedMutationKind.Upsert)));
            app.MapPost(root + "/insert", (HttpContext c) => WithIndex(c, (ctx, i) => Write(ctx, i, EmulatedMutationKind.Insert)));
            app.MapFallback((HttpContext c) => Fail(c, 404, 7003, "No route for the URI"));
        }

        private void Tick()
        {
            if (Interlocked.Exchange(ref _applying, 1) == 1) return;
            try { ApplyDueNow(); }
            finally { Volatile.Write(ref _applying, 0); }
        }

        /// <summary>Authentication, account and the account rate limit, before any route.</summary>
        private async Task Gate(HttpContext context, RequestDelegate next)
        {
            var auth = context.Request.Headers.Authorization.ToString();
            if (!auth.StartsWith("Bearer ", StringComparison.Ordinal) || !string.Equals(auth.Substring(7).Trim(), Token, StringComparison.Ordinal))
            {
                await Fail(context, 401, 10000, "Authentication error").ConfigureAwait(false);
                return;
            }
            if (TakeRate() is TimeSpan wait)
            {
                Interlocked.Increment(ref _rateLimited);
                context.Response.Headers["Retry-After"] = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await Fail(context, 429, 1015, "You are being rate limited").ConfigureAwait(false);
                return;
            }
            await next(context).ConfigureAwait(false);
        }

        /// <summary>Counts the request; null when allowed, else how long the account stays blocked.</summary>
        private TimeSpan? TakeRate()
        {
            lock (_rateGate)
            {
                var now = DateTimeOffset.UtcNow;
                if (now < _blockedUntil) return _blockedUntil - now;
                while (_recent.Count > 0 && now - _recent.Peek() >= RateWindow) _recent.Dequeue();
                if (_recent.Count >= RateLimit)
                {
                    _blockedUntil = now + RateBlock;
                    _recent.Clear();
                    return RateBlock;
                }
                _recent.Enqueue(now);
                return null;
            }
        }

        private async Task WithIndex(HttpContext context, Func<HttpContext, VectorizeIndexState, Task> handler)
        {
            var account = context.Request.RouteValues["account_id"] as string;
            var name = context.Request.RouteValues["index_name"] as string;
            if (!string.Equals(account, AccountId, StringComparison.OrdinalIgnoreCase))
            {
                await Fail(context, 403, 10001, "Authentication error: the token has no access to this account").ConfigureAwait(false);
                return;
            }
            if (name is null || !_indexes.TryGetValue(name, out var index))
            {
                await Fail(context, 404, 10004, $"vectorize.index.not_found: index '{name}' does not exist").ConfigureAwait(false);
                return;
            }
            await handler(context, index).ConfigureAwait(false);
        }

        // ---- routes --------------------------------------------------------------------------------

        private Task Info(HttpContext context, VectorizeIndexState index)
        {
            var (count, mutation, upTo) = index.Info();
            return Ok(context, w =>
            {
                w.WriteStartObject();
                w.WriteNumber("dimensions", index.Dimensions);
                w.WriteNumber("vectorCount", count);
                if (upTo is DateTimeOffset t) w.WriteString("processedUpToDatetime", Iso(t));
                if (mutation != null) w.WriteString("processedUpToMutation", mutation);
                w.WriteEndObject();
            });
        }

        private Task List(HttpContext context, VectorizeIndexState index)
        {
            var q = context.Request.Query;
            var count = 100;
            if (q.TryGetValue("count", out var c))
            {
                if (!int.TryParse(c.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out count) || count < 1 || count > 1000)
                    return Fail(context, 400, 40002, "count must be an integer from 1 to 1000");
            }
            string? after = null;
            if (q.TryGetValue("cursor", out var cur) && cur.ToString().Length > 0)
            {
                after = DecodeCursor(cur.ToString());
                if (after is null) return Fail(context, 400, 40002, "invalid or expired cursor");
            }
            var (ids, total, more) = index.Page(after, count);
            var entry = EntryOf(context);
            if (entry != null) entry.IdCount = ids.Count;
            return Ok(context, w =>
            {
                w.WriteStartObject();
                w.WriteNumber("count", ids.Count);
                w.WriteNumber("totalCount", total);
                w.WriteBoolean("isTruncated", more);
                if (more && ids.Count > 0)
                {
                    w.WriteString("nextCursor", EncodeCursor(ids[ids.Count - 1]));
                    w.WriteString("cursorExpirationTimestamp", Iso(DateTimeOffset.UtcNow.AddHours(1)));
                }
                else
                {
                    w.WriteNull("nextCursor");
                    w.WriteNull("cursorExpirationTimestamp");
                }
                w.WriteStartArray("vectors");
                foreach (var id in ids)
                {
                    w.WriteStartObject();
                    w.WriteString("id", id);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            });
        }

        private async Task GetByIds(HttpContext context, VectorizeIndexState index)
        {
            var ids = await ReadIds(context).ConfigureAwait(false);
            if (ids is null) return;
            var found = index.GetMany(ids);
            await Ok(context, w =>
            {
                w.WriteStartArray();
                foreach (var v in found)
                {
                    w.WriteStartObject();
                    w.WriteString("id", v.Id);
                    w.WriteStartArray("values");
                    foreach (var x in v.Values) w.WriteNumberValue(x);
                    w.WriteEndArray();
                    if (v.MetadataJson != null)
                    {
                        w.WritePropertyName("metadata");
                        w.WriteRawValue(v.MetadataJson, skipInputValidation: true);
                    }
                    if (v.Namespace != null) w.WriteString("namespace", v.Namespace);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }).ConfigureAwait(false);
        }

        private async Task DeleteByIds(HttpContext context, VectorizeIndexState index)
        {
            var ids = await ReadIds(context).ConfigureAwait(false);
            if (ids is null) return;
            var m = index.Enqueue(EmulatedMutationKind.Delete, ids, null);
            await Acknowledge(context, m).ConfigureAwait(false);
        }

        private async Task Write(HttpContext context, VectorizeIndexState index, EmulatedMutationKind kind)
        {
            var type = context.Request.ContentType ?? "";
            if (!type.StartsWith("application/x-ndjson", StringComparison.OrdinalIgnoreCase))
            {
                await Fail(context, 400, 40008, "the body must be application/x-ndjson").ConfigureAwait(false);
                return;
            }
            var discard = string.Equals(context.Request.Query["unparsable-behavior"].ToString(), "discard", StringComparison.Ordinal);
            var vectors = new List<StoredVector>();
            using (var reader = new StreamReader(context.Request.Body, Encoding.UTF8))
            {
                string? line;
                var n = 0;
                while ((line = await reader.ReadLineAsync().ConfigureAwait(false)) != null)
                {
                    n++;
                    if (line.Trim().Length == 0) continue;
                    var (vector, error) = ParseLine(line, index.Dimensions);
                    if (vector != null) { vectors.Add(vector); continue; }
                    if (discard) continue;
                    await Fail(context, 400, error!.Value.Code, $"line {n}: {error.Value.Message}").ConfigureAwait(false);
                    return;
                }
            }
            if (vectors.Count == 0)
            {
                await Fail(context, 400, 40008, "no vectors in the payload").ConfigureAwait(false);
                return;
            }
            var entry = EntryOf(context);
            if (entry != null) entry.IdCount = vectors.Count;
            var m = index.Enqueue(kind, vectors.Select(v => v.Id).ToList(), vectors);
            await Acknowledge(context, m).ConfigureAwait(false);
        }

        private static (StoredVector? Vector, (int Code, string Message)? Error) ParseLine(string line, int dimensions)
        {
            try
            {
                using var doc = JsonDocument.Parse(line);
                var e = doc.RootElement;
                if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String)
                    return (null, (40008, "each line must be a JSON object with a string id"));
                var idText = id.GetString()!;
                if (idText.Length == 0 || Encoding.UTF8.GetByteCount(idText) > 64)
                    return (null, (40005, $"vector id '{idText}' must be 1 to 64 bytes"));
                if (!e.TryGetProperty("values", out var v) || v.ValueKind != JsonValueKind.Array)
                    return (null, (40004, $"vector '{idText}' has no values"));
                var values = v.EnumerateArray().Select(x => x.GetSingle()).ToArray();
                if (values.Length != dimensions)
                    return (null, (40004, $"vector '{idText}' has {values.Length} dimensions; the index has {dimensions}"));
                string? ns = null;
                if (e.TryGetProperty("namespace", out var nsEl) && nsEl.ValueKind == JsonValueKind.String)
                {
                    ns = nsEl.GetString();
                    if (Encoding.UTF8.GetByteCount(ns!) > 64) return (null, (40006, $"namespace of '{idText}' is longer than 64 bytes"));
                    if (ns!.Length == 0) ns = null;
                }
                string? metadata = null;
                if (e.TryGetProperty("metadata", out var md))
                {
                    if (md.ValueKind != JsonValueKind.Object && md.ValueKind != JsonValueKind.Null)
                        return (null, (40008, $"metadata of '{idText}' must be an object"));
                    metadata = VectorizeIndexState.NormaliseMetadata(md);
                    if (metadata != null && Encoding.UTF8.GetByteCount(metadata) > 10240)
                        return (null, (40008, $"metadata of '{idText}' is larger than 10 KiB"));
                }
                return (new StoredVector(idText, values, metadata, ns), null);
            }
            catch (Exception ex) when (ex is JsonException || ex is FormatException || ex is InvalidOperationException)
            {
                return (null, (40008, "not valid JSON: " + ex.Message));
            }
        }

        /// <summary>Reads <c>{"ids": [...]}</c>; answers the error itself and returns null when it is not acceptable.</summary>
        private static async Task<List<string>?> ReadIds(HttpContext context)
        {
            JsonDocument doc;
            try
            {
                doc = await JsonDocument.ParseAsync(context.Request.Body).ConfigureAwait(false);
            }
            catch (JsonException)
            {
                await Fail(context, 400, 40001, "the body is not valid JSON").ConfigureAwait(false);
                return null;
            }
            using (doc)
            {
                if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("ids", out var idsEl) || idsEl.ValueKind != JsonValueKind.Array)
                {
                    await Fail(context, 400, 40001, "the body must be {\"ids\": [...]}").ConfigureAwait(false);
                    return null;
                }
                var entry = EntryOf(context);
                if (entry != null) entry.IdCount = idsEl.GetArrayLength();
                if (idsEl.GetArrayLength() > MaxIds)
                {
                    await Fail(context, 400, 40007, TooManyIdsMessage).ConfigureAwait(false);
                    return null;
                }
                var ids = new List<string>(idsEl.GetArrayLength());
                foreach (var x in idsEl.EnumerateArray())
                {
                    var id = x.ValueKind == JsonValueKind.String ? x.GetString()! : null;
                    if (id is null || id.Length == 0 || Encoding.UTF8.GetByteCount(id) > 64)
                    {
                        await Fail(context, 400, 40005, "every id must be a string of 1 to 64 bytes").ConfigureAwait(false);
                        return null;
                    }
                    ids.Add(id);
                }
                if (ids.Count == 0)
                {
                    await Fail(context, 400, 40001, "no ids in payload").ConfigureAwait(false);
                    return null;
                }
                return ids;
            }
        }

        // ---- envelope ------------------------------------------------------------------------------

        private static Task Acknowledge(HttpContext context, EmulatedMutation m) => Ok(context, w =>
        {
            w.WriteStartObject();
            w.WriteString("mutationId", m.Id);
            w.WriteEndObject();
        });

        private static async Task Ok(HttpContext context, Action<Utf8JsonWriter> result)
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/json";
            using var ms = new MemoryStream();
            using (var w = new Utf8JsonWriter(ms))
            {
                w.WriteStartObject();
                w.WriteBoolean("success", true);
                w.WriteStartArray("errors");
                w.WriteEndArray();
                w.WriteStartArray("messages");
                w.WriteEndArray();
                w.WritePropertyName("result");
                result(w);
                w.WriteEndObject();
            }
            await context.Response.Body.WriteAsync(ms.ToArray()).ConfigureAwait(false);
        }

        private static async Task Fail(HttpContext context, int status, int code, string message)
        {
            if (context.Response.HasStarted) return;
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            using var ms = new MemoryStream();
            using (var w = new Utf8JsonWriter(ms))
            {
                w.WriteStartObject();
                w.WriteBoolean("success", false);
                w.WriteStartArray("errors");
                w.WriteStartObject();
                w.WriteNumber("code", code);
                w.WriteString("message", message);
                w.WriteEndObject();
                w.WriteEndArray();
                w.WriteStartArray("messages");
                w.WriteEndArray();
                w.WriteNull("result");
                w.WriteEndObject();
            }
            await context.Response.Body.WriteAsync(ms.ToArray()).ConfigureAwait(false);
        }

        private static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

        private static string EncodeCursor(string lastId) =>
            Convert.ToBase64String(Encoding.UTF8.GetBytes("v1:" + lastId)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        private static string? DecodeCursor(string cursor)
        {
            try
            {
                var s = cursor.Replace('-', '+').Replace('_', '/');
                s = s.PadRight(s.Length + (4 - s.Length % 4) % 4, '=');
                var text = Encoding.UTF8.GetString(Convert.FromBase64String(s));
                return text.StartsWith("v1:", StringComparison.Ordinal) ? text.Substring(3) : null;
            }
            catch (FormatException)
            {
                return null;
            }
        }
    }

    /// <summary><c>dotnet run --project tests/VectorOps.Emulators -- vectorize --port N</c>.</summary>
    public sealed class VectorizeEmulatorCommand : IEmulatorCommand
    {
        public string Name => "vectorize";

        public string Usage =>
            "--port N (0: any free port)  --token T (default vectorize-emulator-token)  --account ID (32 hex digits)\n" +
            "--index NAME[:SEED][,NAME[:SEED]...] (default demo-index)  --dimensions N (default 4)\n" +
            "--seed N (each index: N vectors doc-00000.., the first half without a namespace, the rest in 'tenant-a';\n" +
            "          metadata kind = draft for even numbers, final for odd; year = 2000 + n % 30)\n" +
            "--apply-delay-ms N (default 500)  --rate-limit N --rate-window-seconds S --rate-block-seconds S (default 1200 / 300 / 300)";

        public EmulatorHost Create(IReadOnlyDictionary<string, string> options)
        {
            string Opt(string name, string fallback) => options.TryGetValue(name, out var v) ? v : fallback;
            int Int(string name, int fallback) => int.Parse(Opt(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

            var emulator = new VectorizeEmulator(Opt("token", "vectorize-emulator-token"), Opt("account", VectorizeEmulator.DefaultAccountId))
            {
                ApplyDelay = TimeSpan.FromMilliseconds(Int("apply-delay-ms", 500)),
                RateLimit = Int("rate-limit", 1200),
                RateWindow = TimeSpan.FromSeconds(Int("rate-window-seconds", 300)),
                RateBlock = TimeSpan.FromSeconds(Int("rate-block-seconds", 300)),
            };
            var seed = Int("seed", 0);
            foreach (var spec in Opt("index", "demo-index").Split(new[] { ',' }, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                // NAME or NAME:COUNT (COUNT overrides --seed for that index).
                var colon = spec.IndexOf(':');
                var name = colon < 0 ? spec : spec.Substring(0, colon);
                var count = colon < 0 ? seed : int.Parse(spec.Substring(colon + 1), CultureInfo.InvariantCulture);
                var index = emulator.CreateIndex(name, Int("dimensions", 4));
                if (count <= 0) continue;
                var half = count / 2;
                static string Metadata(int i) => "{\"kind\":\"" + (i % 2 == 0 ? "draft" : "final") + "\",\"year\":" + (2000 + i % 30) + "}";
                index.Seed("doc-", half, null, Metadata);
                index.Seed("doc-", count - half, "tenant-a", Metadata, from: half);
            }
            return emulator;
        }
    }
}
