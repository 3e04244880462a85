using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using VectorOps.Emulators.Infrastructure;

namespace VectorOps.Emulators.Weaviate
{
    /// <summary>
    /// A stateful loopback emulator of Weaviate's REST API v1, following ../shared/specs/weaviate-v1.openapi2.json
    /// (base path /v1) and the facts in ../shared/specs/README.md. Served:
    /// <list type="bullet">
    /// <item><c>GET /v1/schema</c>, <c>GET|POST /v1/schema[/{className}]</c>, <c>GET|POST|PUT /v1/schema/{className}/tenants</c>
    /// (tenants with activityStatus ACTIVE, INACTIVE, OFFLOADED, or the old HOT/COLD/FROZEN).</item>
    /// <item><c>GET /v1/objects?class&amp;limit&amp;after&amp;tenant</c> (the after cursor: ids in order after the given one),
    /// <c>GET /v1/objects/{className}/{id}?include=vector&amp;tenant</c>.</item>
    /// <item><c>POST /v1/batch/objects</c> (create or replace; auto-schema adds unknown properties: text, number,
    /// boolean and their arrays), <c>DELETE /v1/batch/objects?tenant</c> with <c>{match:{class, where}, output, dryRun}</c>:
    /// at most <see cref="QueryMaximumResults"/> objects a call (results.limit), ids in order; dryRun deletes nothing.</item>
    /// <item><c>POST /v1/graphql</c>: <c>{ Aggregate { Class(tenant: "t") { meta { count } } } }</c> only.</item>
    /// </list>
    /// A multi-tenant class refuses a call without a tenant, with an unknown one, or with one that is not active
    /// (422); a class without multi-tenancy refuses a tenant. With <see cref="ApiKey"/> set, every call needs
    /// <c>Authorization: Bearer KEY</c> (401). Errors are Weaviate's <c>{"error": [{"message": ...}]}</c>.
    /// The where filter follows <see cref="WeaviateWhereEvaluator"/>. <see cref="FailingDeleteIds"/> makes a batch
    /// delete report those objects FAILED (and keep them), as Weaviate reports objects it could not delete.
    /// </summary>
    public sealed class WeaviateEmulator : EmulatorHost
    {
        private readonly object _gate = new object();
        private readonly Dictionary<string, WeaviateClass> _classes = new Dictionary<string, WeaviateClass>(StringComparer.Ordinal);

        public WeaviateEmulator(string? apiKey = null) : base("weaviate")
        {
            ApiKey = apiKey;
        }

        /// <summary>The bearer key every request must carry (null: no authentication, as a local server without it).</summary>
        public string? ApiKey { get; set; }

        /// <summary>QUERY_MAXIMUM_RESULTS: the most objects one batch delete matches and removes (10,000 by default).</summary>
        public int QueryMaximumResults { get; set; } = 10000;

        /// <summary>Objects a batch delete reports FAILED and keeps.</summary>
        public ConcurrentDictionary<string, string> FailingDeleteIds { get; } = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);

        /// <summary>The journal scope of a class's tenant: "Class/tenant", or "Class" without multi-tenancy.</summary>
        public static string Scope(string className, string? tenant) => tenant is null ? className : className + "/" + tenant;

        public WeaviateClass CreateClass(string name, bool multiTenant = false, bool indexNullState = false, params WeaviatePropertyDef[] properties)
        {
            lock (_gate)
            {
                if (_classes.ContainsKey(name)) throw new InvalidOperationException($"Class {name} exists.");
                var c = new WeaviateClass(name, multiTenant, indexNullState);
                c.Properties.AddRange(properties);
                _classes[name] = c;
                return c;
            }
        }

        public WeaviateClass Class(string name)
        {
            lock (_gate) return _classes.TryGetValue(name, out var c) ? c : throw new KeyNotFoundException($"No emulated class '{name}'.");
        }

        public void AddTenant(string className, string tenant, string status = "ACTIVE")
        {
            lock (_gate) Class(className).AddTenant(tenant, status);
        }

        /// <summary>Stores objects directly (no request, no journal entry); properties as plain values (string, long, double, bool, lists).</summary>
        public void Put(string className, string? tenant, IEnumerable<WeaviateObject> objects)
        {
            lock (_gate)
            {
                var shard = Class(className).Shard(tenant) ?? throw new KeyNotFoundException($"No tenant '{tenant}' in {className}.");
                foreach (var o in objects) shard.Objects[o.Id] = o;
            }
        }

        public bool Contains(string className, string? tenant, string id)
        {
            lock (_gate) return Class(className).Shard(tenant)?.Objects.ContainsKey(id.ToLowerInvariant()) == true;
        }

        public WeaviateObject? Get(string className, string? tenant, string id)
        {
            lock (_gate) return Class(className).Shard(tenant)?.Objects.TryGetValue(id.ToLowerInvariant(), out var o) == true ? o : null;
        }

        public int Count(string className, string? tenant)
        {
            lock (_gate) return Class(className).Shard(tenant)?.Objects.Count ?? 0;
        }

        // ---- host ----------------------------------------------------------------------------------

        /// <summary>Also <c>queryMaximumResults</c> and <c>failDeleteIds</c> (ids a batch delete reports FAILED).</summary>
        protected override void Configure(JsonElement settings)
        {
            base.Configure(settings);
            if (settings.TryGetProperty("queryMaximumResults", out var q) && q.ValueKind == JsonValueKind.Number) QueryMaximumResults = q.GetInt32();
            if (settings.TryGetProperty("failDeleteIds", out var f) && f.ValueKind == JsonValueKind.Array)
            {
                FailingDeleteIds.Clear();
                foreach (var id in f.EnumerateArray())
                    if (id.ValueKind == JsonValueKind.String) FailingDeleteIds[id.GetString()!.ToLowerInvariant()] = "emulated failure";
            }
        }

        /// <summary>Seeds the ids (UUIDs) into the tenant named by the namespace of the first class (or the class itself).</summary>
        protected override long Seed(string? @namespace, IEnumerable<string> ids)
        {
            lock (_gate)
            {
                var cls = _classes.Values.FirstOrDefault() ?? throw new NotSupportedException("No class to seed.");
                var shard = cls.MultiTenant ? cls.AddTenant(@namespace ?? "default") : cls.Single!;
                long n = 0;
                foreach (var id in ids)
                {
                    shard.Objects[id.ToLowerInvariant()] = new WeaviateObject(id.ToLowerInvariant(), new Dictionary<string, object?>(), null);
                    n++;
                }
                return n;
            }
        }

        /// <summary>Empties every class and tenant (they stay) and forgets failing ids.</summary>
        protected override void ResetState()
        {
            lock (_gate)
            {
                foreach (var c in _classes.Values)
                {
                    c.Single?.Objects.Clear();
                    foreach (var t in c.Tenants.Values) t.Objects.Clear();
                }
            }
            FailingDeleteIds.Clear();
        }

        /// <summary>Drops every class (tests that build their own).</summary>
        public void DropAll()
        {
            lock (_gate) _classes.Clear();
            FailingDeleteIds.Clear();
            Journal.Clear();
            Faults.Clear();
        }

        protected override long? RecordCount
        {
            get
            {
                lock (_gate) return _classes.Values.Sum(c => (long)(c.Single?.Objects.Count ?? 0) + c.Tenants.Values.Sum(t => (long)t.Objects.Count));
            }
        }

        protected override void Classify(HttpRequest request, JournalEntry entry)
        {
            var path = request.Path.Value ?? "";
            var method = request.Method;
            entry.Scope = request.Query["tenant"].ToString() is string t && t.Length > 0 ? t : null;
            if (path == "/v1/batch/objects")
            {
                entry.Operation = HttpMethods.IsDelete(method) ? "batch delete" : "batch create";
                // A dryRun is a read: the handler says so once it has read the body.
                entry.Mutating = true;
                return;
            }
            if (path == "/v1/graphql")
            {
                entry.Operation = "graphql";
                entry.Mutating = false;
                return;
            }
            entry.Operation = method + " " + Regex.Replace(path, "/[0-9a-fA-F-]{36}$", "/{id}");
            entry.Mutating = !HttpMethods.IsGet(method) && !HttpMethods.IsHead(method);
        }

        protected override Task WriteErrorAsync(HttpContext context, int status, string message) => Fail(context, status, message);

        protected override void MapRoutes(WebApplication app)
        {
            app.Use(Gate);
            app.MapGet("/v1/schema", (HttpContext c) => Ok(c, w =>
            {
                w.WriteStartObject();
                w.WriteStartArray("classes");
                lock (_gate)
                    foreach (var cls in _classes.Values) cls.Write(w);
                w.WriteEndArray();
                w.WriteEndObject();
            }));
            app.MapPost("/v1/schema", CreateClassRoute);
            app.MapGet("/v1/schema/{className}", (HttpContext c) => WithClass(c, cls => Ok(c, cls.Write)));
            app.MapGet("/v1/schema/{className}/tenants", (HttpContext c) => WithClass(c, cls => Tenants(c, cls)));
            app.MapPost("/v1/schema/{className}/tenants", (HttpContext c) => WithClass(c, cls => PutTenants(c, cls, create: true)));
            app.MapPut("/v1/schema/{className}/tenants", (HttpContext c) => WithClass(c, cls => PutTenants(c, cls, create: false)));
            app.MapGet("/v1/objects", ListObjects);
            app.MapGet("/v1/objects/{className}/{id}", (HttpContext c) => WithClass(c, cls => GetObject(c, cls)));
            app.MapPost("/v1/batch/objects", BatchCreate);
            app.MapDelete("/v1/batch/objects", BatchDelete);
            app.MapPost("/v1/graphql", GraphQl);
            app.MapFallback((HttpContext c) => Fail(c, 404, "no route for " + c.Request.Method + " " + c.Request.Path));
        }

        private async Task Gate(HttpContext context, RequestDelegate next)
        {
            if (ApiKey != null)
            {
                var auth = context.Request.Headers.Authorization.ToString();
                if (!auth.StartsWith("Bearer ", StringComparison.Ordinal) || !string.Equals(auth.Substring(7).Trim(), ApiKey, StringComparison.Ordinal))
                {
                    await Fail(context, 401, "anonymous access not enabled, please provide an auth scheme such as OIDC or an API key").ConfigureAwait(false);
                    return;
                }
            }
            await next(context).ConfigureAwait(false);
        }

        // ---- helpers -------------------------------------------------------------------------------

        private static async Task Ok(HttpContext context, Action<Utf8JsonWriter> write, int status = 200)
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            // Written straight into the response's pooled buffers: a batch delete's answer repeats its match (10,000
            // ids are ~400 KB), which a growing MemoryStream and its copy would allocate several times on the large-object heap.
            using (var w = new Utf8JsonWriter(context.Response.BodyWriter)) write(w);
            await context.Response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        }

        private static Task Fail(HttpContext context, int status, string message) => Ok(context, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("error");
            w.WriteStartObject();
            w.WriteString("message", message);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }, status);

        private async Task WithClass(HttpContext context, Func<WeaviateClass, Task> handler)
        {
            var name = context.Request.RouteValues["className"] as string ?? "";
            WeaviateClass? cls;
            lock (_gate) _classes.TryGetValue(Capital(name), out cls);
            if (cls is null)
            {
                await Fail(context, 404, $"class '{name}' not found").ConfigureAwait(false);
                return;
            }
            await handler(cls).ConfigureAwait(false);
        }

        private static string Capital(string name) => name.Length == 0 ? name : char.ToUpperInvariant(name[0]) + name.Substring(1);

        private static async Task<JsonDocument?> Body(HttpContext context)
        {
            try
            {
                return await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted).ConfigureAwait(false);
            }
            catch (JsonException ex)
            {
                await Fail(context, 400, "could not parse the body: " + ex.Message).ConfigureAwait(false);
                return null;
            }
        }

        /// <summary>The shard a request names, or an error already written (null).</summary>
        private async Task<WeaviateShard?> ShardOf(HttpContext context, WeaviateClass cls, string? tenant, bool mustBeActive = true)
        {
            if (!cls.MultiTenant)
            {
                if (!string.IsNullOrEmpty(tenant))
                {
                    await Fail(context, 422, $"class {cls.Name} has multi-tenancy disabled, but request was with tenant").ConfigureAwait(false);
                    return null;
                }
                return cls.Single;
            }
            if (string.IsNullOrEmpty(tenant))
            {
                await Fail(context, 422, $"class {cls.Name} has multi-tenancy enabled, but request was without tenant").ConfigureAwait(false);
                return null;
            }
            WeaviateShard? shard;
            lock (_gate) shard = cls.Shard(tenant);
            if (shard is null)
            {
                await Fail(context, 422, $"tenant not found: \"{tenant}\"").ConfigureAwait(false);
                return null;
            }
            if (mustBeActive && !shard.IsActive)
            {
                await Fail(context, 422, $"tenant not active: \"{tenant}\" is {shard.Status}").ConfigureAwait(false);
                return null;
            }
            return shard;
        }

        private static void WriteObject(Utf8JsonWriter w, WeaviateClass cls, WeaviateShard shard, WeaviateObject o, bool vector)
        {
            w.WriteStartObject();
            w.WriteString("class", cls.Name);
            w.WriteString("id", o.Id);
            w.WriteStartObject("properties");
            foreach (var p in o.Properties.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (p.Value is null) continue;
                w.WritePropertyName(p.Key);
                WeaviateWhereEvaluator.WriteValue(w, p.Value);
            }
            w.WriteEndObject();
            if (vector && o.Vector != null)
            {
                w.WriteStartArray("vector");
                foreach (var x in o.Vector) w.WriteNumberValue(x);
                w.WriteEndArray();
            }
            if (shard.Tenant != null) w.WriteString("tenant", shard.Tenant);
            w.WriteEndObject();
        }

        // ---- schema --------------------------------------------------------------------------------

        private async Task CreateClassRoute(HttpContext context)
        {
            using var doc = await Body(context).ConfigureAwait(false);
            if (doc is null) return;
            var root = doc.RootElement;
            var name = root.TryGetProperty("class", out var n) && n.ValueKind == JsonValueKind.String ? Capital(n.GetString()!) : "";
            if (!Regex.IsMatch(name, "^[A-Z][_0-9A-Za-z]*$"))
            {
                await Fail(context, 422, $"'{name}' is not a valid class name").ConfigureAwait(false);
                return;
            }
            var mt = root.TryGetProperty("multiTenancyConfig", out var m) && m.TryGetProperty("enabled", out var e) && e.ValueKind == JsonValueKind.True;
            var nullState = root.TryGetProperty("invertedIndexConfig", out var inv) && inv.TryGetProperty("indexNullState", out var ns) && ns.ValueKind == JsonValueKind.True;
            var props = new List<WeaviatePropertyDef>();
            if (root.TryGetProperty("properties", out var list) && list.ValueKind == JsonValueKind.Array)
                foreach (var p in list.EnumerateArray())
                    props.Add(new WeaviatePropertyDef(p.GetProperty("name").GetString()!, p.GetProperty("dataType")[0].GetString()!,
                        p.TryGetProperty("tokenization", out var tok) && tok.ValueKind == JsonValueKind.String ? tok.GetString() : null));
            WeaviateClass cls;
            lock (_gate)
            {
                if (_classes.ContainsKey(name))
                {
                    cls = _classes[name];
                }
                else
                {
                    cls = new WeaviateClass(name, mt, nullState);
                    cls.Properties.AddRange(props);
                    _classes[name] = cls;
                    cls = _classes[name];
                }
            }
            await Ok(context, cls.Write).ConfigureAwait(false);
        }

        private Task Tenants(HttpContext context, WeaviateClass cls)
        {
            if (!cls.MultiTenant) return Fail(context, 422, $"multi-tenancy is not enabled for class \"{cls.Name}\"");
            return Ok(context, w =>
            {
                w.WriteStartArray();
                lock (_gate)
                    foreach (var t in cls.Tenants.Values)
                    {
                        w.WriteStartObject();
                        w.WriteString("name", t.Tenant);
                        w.WriteString("activityStatus", t.Status);
                        w.WriteEndObject();
                    }
                w.WriteEndArray();
            });
        }

        private async Task PutTenants(HttpContext context, WeaviateClass cls, bool create)
        {
            if (!cls.MultiTenant)
            {
                await Fail(context, 422, $"multi-tenancy is not enabled for class \"{cls.Name}\"").ConfigureAwait(false);
                return;
            }
            using var doc = await Body(context).ConfigureAwait(false);
            if (doc is null) return;
            if (doc.RootElement.ValueKind != JsonValueKind.Array)
            {
                await Fail(context, 422, "the body must be a list of tenants").ConfigureAwait(false);
                return;
            }
            var done = new List<WeaviateShard>();
            lock (_gate)
                foreach (var t in doc.RootElement.EnumerateArray())
                {
                    var name = t.GetProperty("name").GetString()!;
                    var status = t.TryGetProperty("activityStatus", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString()! : "ACTIVE";
                    var shard = cls.Shard(name);
                    if (shard is null && create) shard = cls.AddTenant(name, status);
                    if (shard is null) continue;
                    if (!create) shard.Status = status;
                    done.Add(shard);
                }
            await Ok(context, w =>
            {
                w.WriteStartArray();
                foreach (var t in done)
                {
                    w.WriteStartObject();
                    w.WriteString("name", t.Tenant);
                    w.WriteString("activityStatus", t.Status);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }).ConfigureAwait(false);
        }

        // ---- objects -------------------------------------------------------------------------------

        private async Task ListObjects(HttpContext context)
        {
            var q = context.Request.Query;
            var className = Capital(q["class"].ToString());
            WeaviateClass? cls;
            lock (_gate) _classes.TryGetValue(className, out cls);
            if (cls is null)
            {
                await Fail(context, 404, $"class '{className}' not found").ConfigureAwait(false);
                return;
            }
            var limit = 25;
            if (q.TryGetValue("limit", out var l) && (!int.TryParse(l.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1))
            {
                await Fail(context, 422, "limit must be a positive integer").ConfigureAwait(false);
                return;
            }
            limit = Math.Min(limit, QueryMaximumResults);
            var after = q["after"].ToString();
            if (after.Length > 0 && q.ContainsKey("offset"))
            {
                await Fail(context, 422, "cursor api: invalid 'after' parameter: offset cannot be set with after and class parameters").ConfigureAwait(false);
                return;
            }
            var shard = await ShardOf(context, cls, q["tenant"].ToString()).ConfigureAwait(false);
            if (shard is null) return;
            List<WeaviateObject> page;
            lock (_gate)
                page = shard.Objects.Values.Where(o => after.Length == 0 || string.CompareOrdinal(o.Id, after.ToLowerInvariant()) > 0).Take(limit).ToList();
            var vector = q["include"].ToString().Contains("vector", StringComparison.Ordinal);
            var entry = EntryOf(context);
            if (entry != null) entry.IdCount = page.Count;
            await Ok(context, w =>
            {
                w.WriteStartObject();
                w.WriteStartArray("objects");
                foreach (var o in page) WriteObject(w, cls, shard, o, vector);
                w.WriteEndArray();
                w.WriteNumber("totalResults", page.Count);
                w.WriteEndObject();
            }).ConfigureAwait(false);
        }

        private async Task GetObject(HttpContext context, WeaviateClass cls)
        {
            var id = (context.Request.RouteValues["id"] as string ?? "").ToLowerInvariant();
            var shard = await ShardOf(context, cls, context.Request.Query["tenant"].ToString()).ConfigureAwait(false);
            if (shard is null) return;
            WeaviateObject? o;
            lock (_gate) shard.Objects.TryGetValue(id, out o);
            if (o is null)
            {
                context.Response.StatusCode = 404;
                return;
            }
            var vector = context.Request.Query["include"].ToString().Contains("vector", StringComparison.Ordinal);
            await Ok(context, w => WriteObject(w, cls, shard, o, vector)).ConfigureAwait(false);
        }

        private async Task BatchCreate(HttpContext context)
        {
            using var doc = await Body(context).ConfigureAwait(false);
            if (doc is null) return;
            if (!doc.RootElement.TryGetProperty("objects", out var objects) || objects.ValueKind != JsonValueKind.Array)
            {
                await Fail(context, 422, "objects is required").ConfigureAwait(false);
                return;
            }
            var results = new List<(JsonElement Object, string? Id, string? Error)>();
            lock (_gate)
                foreach (var o in objects.EnumerateArray())
                    results.Add(CreateOne(o));
            var entry = EntryOf(context);
            if (entry != null) entry.IdCount = results.Count;
            await Ok(context, w =>
            {
                w.WriteStartArray();
                foreach (var (o, id, error) in results)
                {
                    w.WriteStartObject();
                    if (o.TryGetProperty("class", out var c) && c.ValueKind == JsonValueKind.String) w.WriteString("class", Capital(c.GetString()!));
                    if (id != null) w.WriteString("id", id);
                    if (o.TryGetProperty("tenant", out var t) && t.ValueKind == JsonValueKind.String) w.WriteString("tenant", t.GetString());
                    w.WriteStartObject("result");
                    if (error is null) w.WriteString("status", "SUCCESS");
                    else
                    {
                        w.WriteString("status", "FAILED");
                        w.WriteStartObject("errors");
                        w.WriteStartArray("error");
                        w.WriteStartObject();
                        w.WriteString("message", error);
                        w.WriteEndObject();
                        w.WriteEndArray();
                        w.WriteEndObject();
                    }
                    w.WriteEndObject();
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }).ConfigureAwait(false);
        }

        /// <summary>Creates or replaces one object (under the gate); the error Weaviate would put in its result, or null.</summary>
        private (JsonElement, string?, string?) CreateOne(JsonElement o)
        {
            var className = o.TryGetProperty("class", out var c) && c.ValueKind == JsonValueKind.String ? Capital(c.GetString()!) : "";
            var id = o.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString()!.ToLowerInvariant() : Guid.NewGuid().ToString("D");
            if (!Guid.TryParseExact(id, "D", out _)) return (o, id, $"id '{id}' is not a valid uuid");
            if (!_classes.TryGetValue(className, out var cls)) return (o, id, $"class '{className}' not found");
            var tenant = o.TryGetProperty("tenant", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            WeaviateShard? shard;
            if (cls.MultiTenant)
            {
                if (string.IsNullOrEmpty(tenant)) return (o, id, $"class {cls.Name} has multi-tenancy enabled, but request was without tenant");
                shard = cls.Shard(tenant);
                if (shard is null) return (o, id, $"tenant not found: \"{tenant}\"");
                if (!shard.IsActive) return (o, id, $"tenant not active: \"{tenant}\"");
            }
            else
            {
                if (!string.IsNullOrEmpty(tenant)) return (o, id, $"class {cls.Name} has multi-tenancy disabled, but request was with tenant");
                shard = cls.Single!;
            }
            var props = new Dictionary<string, object?>(StringComparer.Ordinal);
            if (o.TryGetProperty("properties", out var ps) && ps.ValueKind == JsonValueKind.Object)
                foreach (var p in ps.EnumerateObject())
                {
                    if (p.Value.ValueKind == JsonValueKind.Null) continue;
                    if (!Regex.IsMatch(p.Name, "^[_A-Za-z][_0-9A-Za-z]{0,230}$") || p.Name == "id" || p.Name == "_id")
                        return (o, id, $"'{p.Name}' is not a valid property name");
                    var def = cls.Property(p.Name);
                    if (def is null)
                    {
                        var type = WeaviateWhereEvaluator.AutoType(p.Value);
                        if (type is null) return (o, id, $"auto-schema cannot infer a type for property '{p.Name}'");
                        def = new WeaviatePropertyDef(p.Name, type);
                        cls.Properties.Add(def);
                    }
                    var value = WeaviateWhereEvaluator.Store(p.Value, def, out var error);
                    if (error != null) return (o, id, error);
                    props[p.Name] = value;
                }
            float[]? vector = null;
            if (o.TryGetProperty("vector", out var v) && v.ValueKind == JsonValueKind.Array)
                vector = v.EnumerateArray().Select(x => x.GetSingle()).ToArray();
            shard.Objects[id] = new WeaviateObject(id, props, vector);
            return (o, id, null);
        }

        /// <summary>The ids of a where that is <c>{path: ["id"], operator: ContainsAny|Equal, ...}</c> and nothing else (lowercase, distinct), or null.</summary>
        private static HashSet<string>? IdsListed(JsonElement where)
        {
            if (!where.TryGetProperty("path", out var path) || path.ValueKind != JsonValueKind.Array || path.GetArrayLength() != 1 ||
                path[0].ValueKind != JsonValueKind.String || (path[0].GetString() != "id" && path[0].GetString() != "_id") ||
                !where.TryGetProperty("operator", out var op) || op.ValueKind != JsonValueKind.String) return null;
            if (op.GetString() == "ContainsAny" && where.TryGetProperty("valueTextArray", out var many) && many.ValueKind == JsonValueKind.Array)
                return new HashSet<string>(many.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!.ToLowerInvariant()), StringComparer.Ordinal);
            if (op.GetString() == "Equal" && where.TryGetProperty("valueText", out var one) && one.ValueKind == JsonValueKind.String)
                return new HashSet<string>(StringComparer.Ordinal) { one.GetString()!.ToLowerInvariant() };
            return null;
        }

        private async Task BatchDelete(HttpContext context)
        {
            using var doc = await Body(context).ConfigureAwait(false);
            if (doc is null) return;
            var root = doc.RootElement;
            var entry = EntryOf(context);
            var dryRun = root.TryGetProperty("dryRun", out var d) && d.ValueKind == JsonValueKind.True;
            var verbose = root.TryGetProperty("output", out var outp) && outp.ValueKind == JsonValueKind.String && outp.GetString() == "verbose";
            if (entry != null && dryRun)
            {
                entry.Mutating = false;
                entry.Operation = "batch delete dryRun";
            }
            if (!root.TryGetProperty("match", out var match) || match.ValueKind != JsonValueKind.Object ||
                !match.TryGetProperty("class", out var c) || c.ValueKind != JsonValueKind.String)
            {
                await Fail(context, 422, "validate: match.class is required").ConfigureAwait(false);
                return;
            }
            if (!match.TryGetProperty("where", out var where) || where.ValueKind != JsonValueKind.Object)
            {
                await Fail(context, 422, "validate: match.where is required").ConfigureAwait(false);
                return;
            }
            WeaviateClass? cls;
            lock (_gate) _classes.TryGetValue(Capital(c.GetString()!), out cls);
            if (cls is null)
            {
                await Fail(context, 422, $"validate: class: {c.GetString()} doesn't exist").ConfigureAwait(false);
                return;
            }
            var shard = await ShardOf(context, cls, context.Request.Query["tenant"].ToString()).ConfigureAwait(false);
            if (shard is null) return;
            Func<WeaviateObject, bool> predicate;
            try
            {
                lock (_gate) predicate = WeaviateWhereEvaluator.Compile(where, cls);
            }
            catch (WhereException ex)
            {
                await Fail(context, 422, "validate: " + ex.Message).ConfigureAwait(false);
                return;
            }
            if (entry != null)
            {
                entry.Scope = Scope(cls.Name, shard.Tenant);
                if (where.TryGetProperty("path", out var path) && path.ValueKind == JsonValueKind.Array && path.GetArrayLength() == 1 &&
                    path[0].GetString() == "id" && where.TryGetProperty("valueTextArray", out var ids) && ids.ValueKind == JsonValueKind.Array)
                {
                    entry.IdCount = ids.GetArrayLength();
                    entry.Detail = "ids";
                }
                else entry.Detail = "where";
            }
            var limit = QueryMaximumResults;
            var results = new List<(string Id, string? Error)>();
            lock (_gate)
            {
                // A list of ids is looked up (as Weaviate's index on id does) instead of testing every object; the
                // same objects match, in the same order, as the scan would give.
                var listed = IdsListed(where);
                // The where is that list and nothing else, so an object found by a listed id matches it: the compiled
                // predicate (the same set again) is not asked a second time.
                var matched = listed != null
                    ? listed.Where(shard.Objects.ContainsKey).Order(StringComparer.Ordinal).Take(limit).ToList()
                    : shard.Objects.Values.Where(predicate).Take(limit).Select(o => o.Id).ToList();
                foreach (var id in matched)
                {
                    if (!dryRun && FailingDeleteIds.TryGetValue(id, out var why))
                    {
                        results.Add((id, why));
                        continue;
                    }
                    if (!dryRun) shard.Objects.Remove(id);
                    results.Add((id, null));
                }
            }
            if (!dryRun) Journal.RecordDeleted(Scope(cls.Name, shard.Tenant), results.Where(r => r.Error is null).Select(r => r.Id));
            var failed = results.Count(r => r.Error != null);
            await Ok(context, w =>
            {
                w.WriteStartObject();
                w.WritePropertyName("match");
                match.WriteTo(w);
                w.WriteString("output", verbose ? "verbose" : "minimal");
                w.WriteBoolean("dryRun", dryRun);
                w.WriteNumber("deletionTimeUnixMilli", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                w.WriteStartObject("results");
                w.WriteNumber("matches", results.Count);
                w.WriteNumber("limit", limit);
                w.WriteNumber("successful", dryRun ? 0 : results.Count - failed);
                w.WriteNumber("failed", failed);
                w.WriteStartArray("objects");
                foreach (var (id, error) in results)
                {
                    if (!verbose && error is null) continue;
                    w.WriteStartObject();
                    w.WriteString("id", id);
                    w.WriteString("status", dryRun ? "DRYRUN" : error is null ? "SUCCESS" : "FAILED");
                    if (error != null)
                    {
                        w.WriteStartObject("errors");
                        w.WriteStartArray("error");
                        w.WriteStartObject();
                        w.WriteString("message", error);
                        w.WriteEndObject();
                        w.WriteEndArray();
                        w.WriteEndObject();
                    }
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
                w.WriteEndObject();
            }).ConfigureAwait(false);
        }

        // ---- graphql -------------------------------------------------------------------------------

        private static readonly Regex AggregateCount = new Regex(
            @"^\s*\{\s*Aggregate\s*\{\s*(?<class>[A-Za-z_][A-Za-z0-9_]*)\s*(\(\s*tenant\s*:\s*""(?<tenant>[^""]*)""\s*\))?\s*\{\s*meta\s*\{\s*count\s*\}\s*\}\s*\}\s*\}\s*$",
            RegexOptions.Compiled);

        private async Task GraphQl(HttpContext context)
        {
            using var doc = await Body(context).ConfigureAwait(false);
            if (doc is null) return;
            var query = doc.RootElement.TryGetProperty("query", out var q) && q.ValueKind == JsonValueKind.String ? q.GetString()! : "";
            var m = AggregateCount.Match(query);
            string? error = null;
            long count = 0;
            string className = "";
            if (!m.Success) error = "the emulator answers only { Aggregate { Class(tenant: \"t\") { meta { count } } } }";
            else
            {
                className = m.Groups["class"].Value;
                var tenant = m.Groups["tenant"].Success ? m.Groups["tenant"].Value : null;
                lock (_gate)
                {
                    if (!_classes.TryGetValue(className, out var cls)) error = $"Cannot query field \"{className}\" on type \"AggregateObjectsObj\".";
                    else if (cls.MultiTenant && tenant is null) error = $"has multi-tenancy enabled, but request was without tenant";
                    else if (!cls.MultiTenant && tenant != null) error = $"has multi-tenancy disabled, but request was with tenant";
                    else
                    {
                        var shard = cls.Shard(tenant);
                        if (shard is null) error = $"tenant not found: \"{tenant}\"";
                        else if (!shard.IsActive) error = $"tenant not active: \"{tenant}\"";
                        else count = shard.Objects.Count;
                    }
                }
            }
            await Ok(context, w =>
            {
                w.WriteStartObject();
                if (error != null)
                {
                    w.WriteStartArray("errors");
                    w.WriteStartObject();
                    w.WriteString("message", error);
                    w.WriteEndObject();
                    w.WriteEndArray();
                }
                else
                {
                    w.WriteStartObject("data");
                    w.WriteStartObject("Aggregate");
                    w.WriteStartArray(className);
                    w.WriteStartObject();
                    w.WriteStartObject("meta");
                    w.WriteNumber("count", count);
                    w.WriteEndObject();
                    w.WriteEndObject();
                    w.WriteEndArray();
                    w.WriteEndObject();
                    w.WriteEndObject();
                }
                w.WriteEndObject();
            }).ConfigureAwait(false);
        }
    }
}
