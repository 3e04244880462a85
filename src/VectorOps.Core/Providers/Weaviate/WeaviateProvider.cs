using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using VectorOps.Errors;
using VectorOps.Filtering;
using VectorOps.Model;
using VectorOps.Providers.Kit;
using VectorOps.Serialization;
using VectorOps.Transport;

namespace VectorOps.Providers.Weaviate
{
    /// <summary>
    /// Weaviate over its REST API v1 (../shared/specs/weaviate-v1.openapi2.json) on the shared transport. -Index
    /// names the class. Where the class is multi-tenant (multiTenancyConfig.enabled) a namespace is a tenant; else
    /// the class is one namespace, 'default'. Every delete is <c>DELETE /v1/batch/objects</c>: ids as ContainsAny
    /// on the path ["id"] (each id checked to be a UUID before anything is sent), filters as a <c>where</c>
    /// translated against the class schema (<see cref="WeaviateWhere"/>), a namespace clear as "id like *".
    /// One call removes at most the server's QUERY_MAXIMUM_RESULTS objects (answered as results.limit): a filter
    /// delete or a clear answers <see cref="ProviderWriteResult.MoreMayMatch"/> when a round hit that cap, and the
    /// command sends another round (one mutation each) until fewer match; an id batch repeats inside its one
    /// mutation until its ids are gone. Objects a round could not delete (results.failed) fail the mutation
    /// with exactly their ids (ProviderObjectsFailed). Previews and counts use the same request with dryRun (with
    /// output verbose for the ids): no object is deleted by them. The class and its tenants are never deleted.
    /// </summary>
    public sealed class WeaviateProvider : IVectorProvider
    {
        public const string ProviderName = "Weaviate";
        public const string ApiKeyEnvironmentVariable = "WEAVIATE_API_KEY";

        /// <summary>The one namespace of a class without multi-tenancy (the name the other single-namespace providers use).</summary>
        public const string SingleNamespace = "default";

        public static readonly Uri DefaultEndpoint = new Uri("http://localhost:8080/");

        /// <summary>
        /// Ids one delete request carries at most: the default results.limit (QUERY_MAXIMUM_RESULTS, 10,000), the most
        /// one batch delete removes. The server says its own limit only in a delete's answer (results.limit); when it is
        /// set lower, the same request is sent again within the batch until fewer than the limit match.
        /// </summary>
        public const int MaxIdsPerDeleteRequest = 10000;

        /// <summary>
        /// Ids a delete batch carries when -BackupPath fetches its records first (each fetched one GET at a time):
        /// 1,000 records in memory at once, not 10,000.
        /// </summary>
        public const int MaxIdsPerBackedUpDelete = 1000;

        /// <summary>Objects one POST /v1/batch/objects carries (the clients' default batch size).</summary>
        public const int MaxUpsertObjects = 100;

        /// <summary>Ids one fetch takes (each is one GET /v1/objects/{class}/{id}, eight at a time).</summary>
        public const int MaxFetchIds = 100;

        /// <summary>Objects a page when listing with the after cursor.</summary>
        public const int ListPageSize = 1000;

        private const int FetchParallelism = 8;

        /// <summary>
        /// Delete requests in flight (without -ThrottleLimit, without a backup). Weaviate publishes no request rate, so a
        /// bulk delete is bound by the round trip: 16 batch deletes in flight keep a server that serves 8 at once busy
        /// (measured: `bench hosted`, docs/benchmarks.md).
        /// </summary>
        public const int DeleteConcurrency = 16;

        private readonly HttpTransport _transport;
        private readonly ConnectionSettings _settings;
        private readonly string _classPath;
        private long _limit; // results.limit as last answered (0: not seen yet)

        private WeaviateProvider(ConnectionSettings settings, HttpTransport transport, Uri endpoint, string className, ClassSchema schema)
        {
            _settings = settings;
            _transport = transport;
            Index = className;
            Endpoint = endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/');
            MultiTenant = schema.MultiTenant;
            _schema = schema;
            _classPath = "/v1/schema/" + Uri.EscapeDataString(className);
            Capabilities = new ProviderCapabilities
            {
                MaxIdsPerDelete = MaxIdsPerDeleteRequest,
                MaxIdsPerBackedUpDelete = MaxIdsPerBackedUpDelete,
                MaxIdsPerFetch = MaxFetchIds,
                MaxRecordsPerUpsert = MaxUpsertObjects,
                NativeFilterDelete = true,
                // dryRun counts at most results.limit a call: the command counts the listed matches instead.
                CountsFilterMatches = false,
                SupportsNamespaces = true,
                ListsNamespacesCheaply = true,
                OneNamespace = !schema.MultiTenant,
                NativeNamespaceClear = true,
                // The class and its tenants are never deleted.
                CanRemoveNamespace = false,
                AsyncMutations = false,
                DeletesValidatedIds = true,
                DefaultConcurrency = 4,
                DefaultDeleteConcurrency = DeleteConcurrency,
            };
        }

        private ClassSchema _schema;

        public string Name => ProviderName;

        /// <summary>The class (collection).</summary>
        public string Index { get; }

        public string Endpoint { get; }

        /// <summary>True when the class is multi-tenant: its namespaces are its tenants.</summary>
        public bool MultiTenant { get; }

        public ProviderCapabilities Capabilities { get; }

        public string DefaultNamespace => SingleNamespace;

        /// <summary>The server's QUERY_MAXIMUM_RESULTS as its last batch delete answered it (null before the first).</summary>
        public long? ServerLimit => Interlocked.Read(ref _limit) is long l && l > 0 ? l : (long?)null;

        // ---- connecting ----------------------------------------------------------------------------------

        /// <summary>Connects from settings (Provider is set to Weaviate).</summary>
        public static IVectorProvider Create(ConnectionSettings settings)
        {
            if (settings is null) throw new ArgumentNullException(nameof(settings));
            settings.Provider = ProviderName;
            return ProviderRegistry.Create(settings);
        }

        /// <summary>The descriptor's factory: checks the endpoint and the class name, reads the class schema (IndexNotFound with the closest names when there is none).</summary>
        internal static IVectorProvider Open(ConnectionSettings settings)
        {
            var names = settings.Names;
            var endpoint = EndpointGuard.Require(settings.Find<Uri>(WeaviateDescriptor.Endpoint) ?? DefaultEndpoint, ProviderName);
            if (!string.IsNullOrEmpty(endpoint.UserInfo))
                throw new VectorOpsException(ErrorIds.InvalidEndpoint, VectorOpsErrorCategory.InvalidArgument,
                    $"The Weaviate endpoint holds a user name or password; give the key with {names.Credential(WeaviateDescriptor.Descriptor.Credential!)} instead.",
                    endpoint.GetLeftPart(UriPartial.Scheme) + endpoint.Host);
            var given = settings.Index?.Trim() ?? "";
            if (given.Length == 0)
                throw new VectorOpsException(ErrorIds.InvalidIndexName, VectorOpsErrorCategory.InvalidArgument,
                    $"Name the Weaviate class (collection) with {names.Option(Setting.Index)}.", settings.Index);
            var className = ClassName(given);
            if (className != given) settings.Trace?.Invoke($"Weaviate class names start with a capital letter: '{given}' is the class '{className}'.");
            var key = settings.Credential;
            var transport = ProviderTransport.Create(endpoint, settings, ProviderName, key,
                key is null ? null : request => request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + key.Reveal()),
                r => WeaviateErrors.Map(r, names));
            var schema = ReadSchemaAsync(transport, className, names, CancellationToken.None).ConfigureAwait(false).GetAwaiter().GetResult();
            settings.Trace?.Invoke($"Weaviate at {endpoint.GetLeftPart(UriPartial.Authority)}: class '{className}', " +
                (schema.MultiTenant ? "multi-tenant (a namespace is a tenant)" : "one namespace ('default')") +
                $", {schema.Properties.Count} propert(ies).");
            return new WeaviateProvider(settings, transport, endpoint, className, schema);
        }

        /// <summary>
        /// Weaviate's class names: a letter, then letters, digits and '_'; the server capitalises the first letter
        /// (so does VectorOps, as the server would).
        /// </summary>
        internal static string ClassName(string name)
        {
            var ok = name.Length <= 255 && char.IsLetter(name[0]) && name[0] < 128 && name.All(c => c < 128 && (char.IsLetterOrDigit(c) || c == '_'));
            if (!ok)
                throw new VectorOpsException(ErrorIds.InvalidIndexName, VectorOpsErrorCategory.InvalidArgument,
                    $"'{Show(name)}' is not a Weaviate class name: a class name is a letter followed by letters, digits and '_' (for example Article).", name);
            return char.ToUpperInvariant(name[0]) + name.Substring(1);
        }

        internal sealed class ClassSchema
        {
            public bool MultiTenant { get; set; }
            public bool IndexNullState { get; set; }
            public Dictionary<string, WeaviateProperty> Properties { get; } = new Dictionary<string, WeaviateProperty>(StringComparer.Ordinal);
        }

        private static async Task<ClassSchema> ReadSchemaAsync(HttpTransport transport, string className, SettingNames names, CancellationToken ct)
        {
            TransportResponse r;
            try
            {
                r = await transport.SendAsync(HttpMethod.Get, "/v1/schema/" + Uri.EscapeDataString(className), null, ct).ConfigureAwait(false);
            }
            catch (VectorOpsException ex) when (ex.StatusCode == 404)
            {
                throw await ClassNotFoundAsync(transport, className, names, ct).ConfigureAwait(false);
            }
            using var doc = ProviderJson.Parse(r, ProviderName);
            var root = doc.RootElement;
            if (ProviderJson.OptionalString(root, "class") is null) throw ProviderJson.Malformed(r, ProviderName, "the class");
            var schema = new ClassSchema();
            if (ProviderJson.TryGetObject(root, "multiTenancyConfig", out var mt) && ProviderJson.TryGet(mt, "enabled", out var en))
                schema.MultiTenant = en.ValueKind == JsonValueKind.True;
            if (ProviderJson.TryGetObject(root, "invertedIndexConfig", out var inv) && ProviderJson.TryGet(inv, "indexNullState", out var ns))
                schema.IndexNullState = ns.ValueKind == JsonValueKind.True;
            if (ProviderJson.TryGetArray(root, "properties", out var props))
                foreach (var p in props.EnumerateArray())
                {
                    var name = ProviderJson.OptionalString(p, "name");
                    if (name is null || !ProviderJson.TryGetArray(p, "dataType", out var types) || types.GetArrayLength() == 0) continue;
                    var type = types[0].ValueKind == JsonValueKind.String ? types[0].GetString()! : "";
                    // A property the inverted index leaves out cannot be filtered on: treated as a type VectorOps refuses.
                    if (ProviderJson.TryGet(p, "indexFilterable", out var f) && f.ValueKind == JsonValueKind.False) type = "unfilterable";
                    schema.Properties[name] = new WeaviateProperty(name, type, ProviderJson.OptionalString(p, "tokenization"));
                }
            return schema;
        }

        private static async Task<VectorOpsException> ClassNotFoundAsync(HttpTransport transport, string className, SettingNames names, CancellationToken ct)
        {
            var existing = new List<string>();
            try
            {
                var r = await transport.SendAsync(HttpMethod.Get, "/v1/schema", null, ct).ConfigureAwait(false);
                using var doc = ProviderJson.Parse(r, ProviderName);
                if (ProviderJson.TryGetArray(doc.RootElement, "classes", out var classes))
                    foreach (var c in classes.EnumerateArray())
                        if (ProviderJson.OptionalString(c, "class") is string n) existing.Add(n);
            }
            catch (VectorOpsException)
            {
                // The suggestion is a courtesy: the missing class is the error.
            }
            var close = NameSuggestions.Closest(className, existing);
            var hint = close.Count > 0 ? " Did you mean " + string.Join(" or ", close.Select(n => "'" + n + "'")) + "?"
                : existing.Count > 0 ? " Its classes: " + string.Join(", ", existing.Take(NameSuggestions.MaxListed)) + "." : "";
            return new VectorOpsException(ErrorIds.IndexNotFound, VectorOpsErrorCategory.ObjectNotFound,
                $"Weaviate has no class '{className}' ({names.Option(Setting.Index)} names the class).{hint}", className);
        }

        /// <summary>The class schema as it is now (auto-schema may have added properties since the connection was made).</summary>
        private async Task<ClassSchema> SchemaAsync(CancellationToken ct)
        {
            var s = await ReadSchemaAsync(_transport, Index, _settings.Names, ct).ConfigureAwait(false);
            _schema = s;
            return s;
        }

        // ---- validation ------------------------------------------------------------------------------------

        /// <summary>Weaviate object ids are UUIDs: 32 hex digits in the 8-4-4-4-12 form (either case; sent in lower case).</summary>
        [MethodImpl(HotPath.Optimize)]
        public void ValidateId(string id)
        {
            if (IsUuid(id)) return;
            throw new VectorOpsException(ErrorIds.InvalidId, VectorOpsErrorCategory.InvalidArgument,
                id is null || id.Length == 0 ? "A record id is empty; Weaviate object ids are UUIDs such as 6a1c3f0e-8d2b-4f5a-9c7e-2b4d6f8a0c1e."
                : $"The record id '{Show(id)}' is not a UUID; Weaviate object ids are UUIDs in the form 8-4-4-4-12 hex digits, such as 6a1c3f0e-8d2b-4f5a-9c7e-2b4d6f8a0c1e.",
                id);
        }

        [MethodImpl(HotPath.Optimize)]
        public static bool IsUuid(string? id)
        {
            if (id is null || id.Length != 36) return false;
            for (var i = 0; i < 36; i++)
            {
                var c = id[i];
                if (i == 8 || i == 13 || i == 18 || i == 23)
                {
                    if (c != '-') return false;
                }
                else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
            }
            return true;
        }

        /// <summary>
        /// A tenant name (1 to 64 of letters, digits, '-' and '_') where the class is multi-tenant; else only
        /// 'default', the class's one namespace.
        /// </summary>
        public void ValidateNamespace(string @namespace)
        {
            if (!MultiTenant)
            {
                if (@namespace == SingleNamespace) return;
                throw new VectorOpsException(ErrorIds.InvalidNamespace, VectorOpsErrorCategory.InvalidArgument,
                    $"The Weaviate class '{Index}' is not multi-tenant: it is one namespace, '{SingleNamespace}', not '{Show(@namespace ?? "")}'.", @namespace);
            }
            var ok = @namespace != null && @namespace.Length >= 1 && @namespace.Length <= 64 &&
                     @namespace.All(c => c < 128 && (char.IsLetterOrDigit(c) || c == '-' || c == '_'));
            if (!ok)
                throw new VectorOpsException(ErrorIds.InvalidNamespace, VectorOpsErrorCategory.InvalidArgument,
                    $"'{Show(@namespace ?? "")}' is not a Weaviate tenant name: 1 to 64 letters, digits, '-' and '_'.", @namespace);
        }

        /// <summary>
        /// What a Weaviate object holds: properties that are text, numbers, booleans or lists of one of them (no
        /// nested objects, no null: a null property is left out), a vector where the class has no vectorizer.
        /// </summary>
        public RecordRules RecordRules { get; } = new RecordRules
        {
            ReadsIndexDimension = false,
            DenseValues = DenseValuesRule.Optional,
            SparseValues = false,
            MetadataNulls = MetadataNullRule.Omit,
            NestedMetadata = false,
            MetadataLists = true,
            Documents = false,
            MetadataTypes = "text, a number, a boolean, or a list of one of them",
        };

        private string Tenant(string @namespace) => MultiTenant ? "?tenant=" + Uri.EscapeDataString(@namespace) : "";

        private string TenantAnd(string @namespace) => MultiTenant ? "&tenant=" + Uri.EscapeDataString(@namespace) : "";

        private void CheckNamespace(string @namespace) => ValidateNamespace(@namespace);

        private static void CheckBatch(int count, int max, string what)
        {
            if (count < 1 || count > max)
                throw new VectorOpsException(ErrorIds.InvalidArgument, VectorOpsErrorCategory.InvalidArgument,
                    $"A Weaviate {what} takes 1 to {max} ids, not {count}; an empty list is never sent.", count);
        }

        // ---- batch delete ----------------------------------------------------------------------------------

        /// <summary>What one DELETE /v1/batch/objects answered.</summary>
        internal sealed class BatchDeleteResult
        {
            public long Matches { get; set; }
            public long Limit { get; set; }
            public long Successful { get; set; }
            public long Failed { get; set; }
            public List<string> Ids { get; } = new List<string>();
            public List<(string Id, string Error)> Failures { get; } = new List<(string, string)>();
            public int Attempts { get; set; }
        }

        /// <summary>
        /// One DELETE /v1/batch/objects. The where is written by the caller and is never empty (every caller
        /// passes a leaf or a logical node with operands; WeaviateWhere.Write refuses anything else).
        /// </summary>
        private async Task<BatchDeleteResult> BatchDeleteAsync(string @namespace, Action<Utf8JsonWriter> writeWhere, bool dryRun, bool verbose, CancellationToken ct)
        {
            var body = ProviderJson.Write(w =>
            {
                w.WriteStartObject();
                w.WriteStartObject("match");
                w.WriteString("class", Index);
                w.WritePropertyName("where");
                writeWhere(w);
                w.WriteEndObject();
                w.WriteString("output", verbose ? "verbose" : "minimal");
                w.WriteBoolean("dryRun", dryRun);
                w.WriteEndObject();
            });
            var r = await _transport.SendAsync(HttpMethod.Delete, "/v1/batch/objects" + Tenant(@namespace), ProviderJson.Content(body), ct).ConfigureAwait(false);
            using var doc = ProviderJson.Parse(r, ProviderName);
            if (!ProviderJson.TryGetObject(doc.RootElement, "results", out var results)) throw ProviderJson.Malformed(r, ProviderName, "results");
            var result = new BatchDeleteResult
            {
                Matches = Number(results, "matches") ?? throw ProviderJson.Malformed(r, ProviderName, "results.matches"),
                Limit = Number(results, "limit") ?? 0,
                Successful = Number(results, "successful") ?? 0,
                Failed = Number(results, "failed") ?? 0,
                Attempts = Math.Max(1, r.Attempts),
            };
            if (result.Limit > 0) Interlocked.Exchange(ref _limit, result.Limit);
            if (ProviderJson.TryGetArray(results, "objects", out var objects))
                foreach (var o in objects.EnumerateArray())
                {
                    var id = ProviderJson.OptionalString(o, "id");
                    if (id is null) continue;
                    if (string.Equals(ProviderJson.OptionalString(o, "status"), "FAILED", StringComparison.Ordinal))
                        result.Failures.Add((id, WeaviateErrors.Messages(o)));
                    else result.Ids.Add(id);
                }
            return result;
        }

        /// <summary>results.* are numbers (the document says number, int64): read whole.</summary>
        private static long? Number(JsonElement e, string name)
        {
            if (!ProviderJson.TryGet(e, name, out var v) || v.ValueKind != JsonValueKind.Number) return null;
            if (v.TryGetInt64(out var l)) return l;
            var d = v.GetDouble();
            return d >= 0 && d <= long.MaxValue ? (long)d : (long?)null;
        }

        private static void WriteIdsWhere(Utf8JsonWriter w, IReadOnlyList<string> ids, string op = "ContainsAny")
        {
            w.WriteStartObject();
            w.WriteString("operator", op);
            w.WriteStartArray("path");
            w.WriteStringValue("id");
            w.WriteEndArray();
            w.WriteStartArray("valueTextArray");
            for (var i = 0; i < ids.Count; i++) w.WriteStringValue(ids[i].ToLowerInvariant());
            w.WriteEndArray();
            w.WriteEndObject();
        }

        /// <summary>The mutation's error when a round could not delete some objects: their ids, so that piping the mutation back retries exactly them.</summary>
        private static VectorOpsException ObjectsFailed(BatchDeleteResult r, string what)
        {
            var shown = string.Join("; ", r.Failures.Take(5).Select(f => f.Id + (f.Error.Length > 0 ? ": " + f.Error : "")));
            var more = r.Failures.Count > 5 ? $" (and {r.Failures.Count - 5} more)" : "";
            return new VectorOpsException(ErrorIds.ProviderObjectsFailed, VectorOpsErrorCategory.WriteError,
                $"Weaviate could not delete {r.Failed} object(s) of {what} ({r.Successful} deleted): {shown}{more}. The mutation's Ids are the objects not deleted; send it back to retry them.",
                r.Failures.Count > 0 ? r.Failures[0].Id : null)
            {
                Attempts = r.Attempts,
                FailedIds = r.Failures.Select(f => f.Id).ToList(),
                AffectedCount = r.Successful,
            };
        }

        // ---- writes --------------------------------------------------------------------------------------

        public Task<ProviderWriteResult> DeleteByIdsAsync(string @namespace, IReadOnlyList<string> ids, CancellationToken cancellationToken)
        {
            CheckBatch(ids?.Count ?? 0, MaxIdsPerDeleteRequest, "delete");
            for (var i = 0; i < ids!.Count; i++) ValidateId(ids[i]);
            return SendDeleteAsync(@namespace, ids, cancellationToken);
        }

        public Task<ProviderWriteResult> DeleteValidatedIdsAsync(string @namespace, IReadOnlyList<string> ids, CancellationToken cancellationToken)
        {
            CheckBatch(ids?.Count ?? 0, MaxIdsPerDeleteRequest, "delete");
            return SendDeleteAsync(@namespace, ids!, cancellationToken);
        }

        /// <summary>
        /// ContainsAny on ["id"] with the batch's ids (never an empty list: checked by the callers and here). When
        /// the server's limit is below the batch (QUERY_MAXIMUM_RESULTS set lower), a call removes only that many:
        /// the same request is sent again until fewer than the limit match; each repeat is bounded by the batch.
        /// </summary>
        private async Task<ProviderWriteResult> SendDeleteAsync(string @namespace, IReadOnlyList<string> ids, CancellationToken ct)
        {
            if (ids.Count == 0)
                throw new VectorOpsException(ErrorIds.InvalidArgument, VectorOpsErrorCategory.InvalidArgument,
                    "A Weaviate delete with no ids is never sent.", 0);
            CheckNamespace(@namespace);
            long deleted = 0;
            var attempts = 0;
            for (var round = 0; ; round++)
            {
                var r = await BatchDeleteAsync(@namespace, w => WriteIdsWhere(w, ids), false, false, ct).ConfigureAwait(false);
                attempts += r.Attempts;
                deleted += r.Successful;
                if (r.Failed > 0 || r.Failures.Count > 0)
                {
                    var ex = ObjectsFailed(r, $"a batch of {ids.Count} id(s)");
                    ex.AffectedCount = deleted;
                    ex.Attempts = attempts;
                    throw ex;
                }
                // Done when the call could match no more than the limit: fewer matched, the batch itself is within
                // the limit (a batch of exactly results.limit ids needs no second call), or all its ids are gone.
                if (r.Limit <= 0 || r.Matches < r.Limit || ids.Count <= r.Limit || deleted >= ids.Count || r.Successful == 0 || round >= ids.Count) break;
            }
            return new ProviderWriteResult { Attempts = attempts, Applied = true, AffectedCount = deleted };
        }

        /// <summary>
        /// One round of a filter delete: the filter as a where (refused before any request when it cannot be written
        /// exactly; a filter that no object can match sends nothing). MoreMayMatch when the round hit results.limit.
        /// </summary>
        public async Task<ProviderWriteResult> DeleteByFilterAsync(string @namespace, MetadataFilter filter, CancellationToken cancellationToken)
        {
            if (filter is null) throw new ArgumentNullException(nameof(filter));
            CheckNamespace(@namespace);
            var schema = await SchemaAsync(cancellationToken).ConfigureAwait(false);
            var where = WeaviateWhere.Translate(filter, schema.Properties, schema.IndexNullState);
            if (where is WeaviateWhere.Constant c && !c.Value)
            {
                _settings.Trace?.Invoke($"No Weaviate object can match {filter.Json} (the class schema decides it): nothing was sent.");
                return new ProviderWriteResult { Attempts = 1, Applied = true, AffectedCount = 0 };
            }
            var node = where is WeaviateWhere.Constant ? WeaviateWhere.Everything : where;
            return await RoundAsync(@namespace, node, "the filter " + filter.Json, cancellationToken).ConfigureAwait(false);
        }

        private async Task<ProviderWriteResult> RoundAsync(string @namespace, WeaviateWhere.Node where, string what, CancellationToken ct)
        {
            var r = await BatchDeleteAsync(@namespace, w => WeaviateWhere.Write(w, where), false, false, ct).ConfigureAwait(false);
            if (r.Failed > 0 || r.Failures.Count > 0) throw ObjectsFailed(r, what);
            return new ProviderWriteResult
            {
                Attempts = r.Attempts,
                Applied = true,
                AffectedCount = r.Successful,
                MoreMayMatch = r.Limit > 0 && r.Matches >= r.Limit && r.Successful > 0,
            };
        }

        /// <summary>One round of a clear: every object of the namespace ("id like *"), up to results.limit; the class and the tenant stay.</summary>
        public Task<ProviderWriteResult> ClearNamespaceAsync(string @namespace, bool removeNamespace, CancellationToken cancellationToken)
        {
            if (removeNamespace)
                throw Optional.NotSupported(ProviderName, "removing a tenant or a class", nameof(ProviderCapabilities.CanRemoveNamespace),
                    "VectorOps deletes the objects and keeps the class and its tenants.", @namespace);
            CheckNamespace(@namespace);
            return RoundAsync(@namespace, WeaviateWhere.Everything, $"namespace '{@namespace}'", cancellationToken);
        }

        /// <summary>POST /v1/batch/objects: creates or replaces each object (class, id, properties, vector, tenant).</summary>
        public async Task<ProviderWriteResult> UpsertAsync(string @namespace, IReadOnlyList<VectorRecord> records, CancellationToken cancellationToken)
        {
            if (records is null || records.Count == 0 || records.Count > MaxUpsertObjects)
                throw new VectorOpsException(ErrorIds.InvalidArgument, VectorOpsErrorCategory.InvalidArgument,
                    $"A Weaviate upsert takes 1 to {MaxUpsertObjects} records, not {records?.Count ?? 0}.", records?.Count ?? 0);
            CheckNamespace(@namespace);
            foreach (var record in records)
            {
                ValidateId(record.Id);
                if (record.Metadata != null)
                    foreach (var key in record.Metadata.Keys)
                        if (!IsPropertyName(key))
                            throw new VectorOpsException(ErrorIds.InvalidRecord, VectorOpsErrorCategory.InvalidData,
                                $"The record '{record.Id}' has the metadata field '{Show(key)}', which is not a Weaviate property name (a letter or '_', then letters, digits and '_'; not id or _id).", record.Id);
            }
            var body = ProviderJson.Write(w =>
            {
                w.WriteStartObject();
                w.WriteStartArray("objects");
                foreach (var r in records)
                {
                    w.WriteStartObject();
                    w.WriteString("class", Index);
                    w.WriteString("id", r.Id.ToLowerInvariant());
                    // Weaviate has no null: null fields are left out.
                    w.WritePropertyName("properties");
                    if (r.Metadata is null) w.WriteRawValue("{}");
                    else RecordJson.WriteMetadata(w, r.Metadata, omitNulls: true);
                    if (r.Values != null && r.Values.Length > 0)
                    {
                        w.WriteStartArray("vector");
                        foreach (var x in r.Values) w.WriteNumberValue(x);
                        w.WriteEndArray();
                    }
                    if (MultiTenant) w.WriteString("tenant", @namespace);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            });
            var resp = await _transport.SendAsync(HttpMethod.Post, "/v1/batch/objects", ProviderJson.Content(body), cancellationToken).ConfigureAwait(false);
            using var doc = ProviderJson.Parse(resp, ProviderName);
            if (doc.RootElement.ValueKind != JsonValueKind.Array) throw ProviderJson.Malformed(resp, ProviderName, "a list of objects");
            var failed = new List<(string Id, string Error)>();
            foreach (var o in doc.RootElement.EnumerateArray())
                if (ProviderJson.TryGetObject(o, "result", out var result) && ProviderJson.TryGetObject(result, "errors", out var errors))
                {
                    var message = WeaviateErrors.Messages(result);
                    if (message.Length > 0 || errors.EnumerateObject().Any()) failed.Add((ProviderJson.OptionalString(o, "id") ?? "?", message));
                }
            if (failed.Count > 0)
                throw new VectorOpsException(ErrorIds.ProviderBadRequest, VectorOpsErrorCategory.WriteError,
                    $"Weaviate refused {failed.Count} of {records.Count} object(s): " + string.Join("; ", failed.Take(5).Select(f => f.Id + ": " + f.Error)) + ".",
                    failed[0].Id)
                { Attempts = resp.Attempts, FailedIds = failed.Select(f => f.Id).ToList(), AffectedCount = records.Count - failed.Count };
            return new ProviderWriteResult { Attempts = Math.Max(1, resp.Attempts), Applied = true, AffectedCount = records.Count };
        }

        internal static bool IsPropertyName(string name) =>
            name.Length > 0 && name.Length <= 230 && (char.IsLetter(name[0]) || name[0] == '_') && name.All(c => c < 128 && (char.IsLetterOrDigit(c) || c == '_')) &&
            name != "id" && name != "_id" && name != "_additional";

        // ---- reads ---------------------------------------------------------------------------------------

        /// <summary>GET /v1/objects?class=&amp;limit=&amp;after= (the id cursor: objects deleted meanwhile move nothing); a prefix is matched here.</summary>
        public async IAsyncEnumerable<IReadOnlyList<string>> ListIdsAsync(string @namespace, string? prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            CheckNamespace(@namespace);
            var lower = string.IsNullOrEmpty(prefix) ? null : prefix!.ToLowerInvariant();
            await foreach (var page in CursorPaging.Pages<string>(ProviderName, "objects list", ListPageSize, async (cursor, limit, ct) =>
            {
                var path = "/v1/objects?class=" + Uri.EscapeDataString(Index) + "&limit=" + limit.ToString(CultureInfo.InvariantCulture) +
                           (cursor is null ? "" : "&after=" + Uri.EscapeDataString(cursor)) + TenantAnd(@namespace);
                var r = await _transport.SendAsync(HttpMethod.Get, path, null, ct).ConfigureAwait(false);
                using var doc = ProviderJson.Parse(r, ProviderName);
                if (!ProviderJson.TryGetArray(doc.RootElement, "objects", out var objects)) throw ProviderJson.Malformed(r, ProviderName, "objects");
                var ids = new List<string>(objects.GetArrayLength());
                foreach (var o in objects.EnumerateArray())
                    if (ProviderJson.OptionalString(o, "id") is string id) ids.Add(id);
                return new Page<string>(ids, ids.Count < limit || ids.Count == 0 ? null : ids[ids.Count - 1]);
            }, cancellationToken).ConfigureAwait(false))
            {
                if (lower is null) yield return page;
                else
                {
                    var matching = page.Where(id => id.StartsWith(lower, StringComparison.Ordinal)).ToList();
                    if (matching.Count > 0) yield return matching;
                }
            }
        }

        /// <summary>
        /// The ids the filter matches, with dryRun and output verbose (nothing is deleted): each call lists at most
        /// results.limit, so while a call is full the next one leaves out the ids already listed (ContainsNone on id).
        /// </summary>
        public async IAsyncEnumerable<IReadOnlyList<string>> FindIdsAsync(string @namespace, MetadataFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            if (filter is null) throw new ArgumentNullException(nameof(filter));
            CheckNamespace(@namespace);
            var schema = await SchemaAsync(cancellationToken).ConfigureAwait(false);
            var where = WeaviateWhere.Translate(filter, schema.Properties, schema.IndexNullState);
            if (where is WeaviateWhere.Constant c && !c.Value) yield break;
            var node = where is WeaviateWhere.Constant ? WeaviateWhere.Everything : where;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var exclude = seen.ToList();
                var r = await BatchDeleteAsync(@namespace, w =>
                {
                    if (exclude.Count == 0)
                    {
                        WeaviateWhere.Write(w, node);
                        return;
                    }
                    w.WriteStartObject();
                    w.WriteString("operator", "And");
                    w.WriteStartArray("operands");
                    WeaviateWhere.Write(w, node);
                    WriteIdsWhere(w, exclude, "ContainsNone");
                    w.WriteEndArray();
                    w.WriteEndObject();
                }, true, true, cancellationToken).ConfigureAwait(false);
                var fresh = r.Ids.Concat(r.Failures.Select(f => f.Id)).Where(seen.Add).ToList();
                if (fresh.Count > 0) yield return fresh;
                if (r.Limit <= 0 || r.Matches < r.Limit || fresh.Count == 0) yield break;
            }
        }

        public Task<long> CountAsync(string @namespace, MetadataFilter filter, CancellationToken cancellationToken) =>
            throw Optional.NotSupported(ProviderName, "counting filter matches in one call (a dryRun counts at most results.limit)",
                nameof(ProviderCapabilities.CountsFilterMatches), "VectorOps counts the listed matches.", filter?.Json);

        /// <summary>GET /v1/objects/{class}/{id}?include=vector, eight at a time; ids not found are left out.</summary>
        public async Task<IReadOnlyList<VectorRecord>> FetchAsync(string @namespace, IReadOnlyList<string> ids, CancellationToken cancellationToken)
        {
            CheckBatch(ids?.Count ?? 0, MaxFetchIds, "fetch");
            foreach (var id in ids!) ValidateId(id);
            CheckNamespace(@namespace);
            var results = new VectorRecord?[ids.Count];
            using var gate = new SemaphoreSlim(FetchParallelism);
            var tasks = ids.Select(async (id, i) =>
            {
                await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    results[i] = await FetchOneAsync(@namespace, id, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    gate.Release();
                }
            }).ToList();
            await Task.WhenAll(tasks).ConfigureAwait(false);
            return results.Where(r => r != null).Select(r => r!).ToList();
        }

        private async Task<VectorRecord?> FetchOneAsync(string @namespace, string id, CancellationToken ct)
        {
            TransportResponse r;
            try
            {
                r = await _transport.SendAsync(HttpMethod.Get, "/v1/objects/" + Uri.EscapeDataString(Index) + "/" + id.ToLowerInvariant() + "?include=vector" + TenantAnd(@namespace), null, ct).ConfigureAwait(false);
            }
            catch (VectorOpsException ex) when (ex.StatusCode == 404)
            {
                return null;
            }
            using var doc = ProviderJson.Parse(r, ProviderName);
            var o = doc.RootElement;
            var record = new VectorRecord(ProviderJson.OptionalString(o, "id") ?? id) { Namespace = @namespace };
            if (ProviderJson.TryGetArray(o, "vector", out var vector) && vector.GetArrayLength() > 0)
            {
                var values = new float[vector.GetArrayLength()];
                var j = 0;
                foreach (var x in vector.EnumerateArray()) values[j++] = x.GetSingle();
                record.Values = values;
            }
            if (ProviderJson.TryGetObject(o, "properties", out var props))
            {
                var md = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var p in props.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                    if (p.Value.ValueKind != JsonValueKind.Null) md[p.Name] = RecordJson.ToPlain(p.Value);
                if (md.Count > 0) record.Metadata = md;
            }
            return record;
        }

        /// <summary>The tenants (with their object counts where they are active), or the class's one namespace.</summary>
        public async IAsyncEnumerable<NamespaceInfo> ListNamespacesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            if (!MultiTenant)
            {
                yield return new NamespaceInfo(Name, Index, SingleNamespace, await CountObjectsAsync(null, cancellationToken).ConfigureAwait(false));
                yield break;
            }
            foreach (var (tenant, status) in await TenantsAsync(cancellationToken).ConfigureAwait(false))
            {
                long? count = IsActive(status) ? await CountObjectsAsync(tenant, cancellationToken).ConfigureAwait(false) : (long?)null;
                if (count is null) _settings.Trace?.Invoke($"Weaviate tenant '{tenant}' is {status}: its objects are not counted (only an active tenant answers).");
                yield return new NamespaceInfo(Name, Index, tenant, count);
            }
        }

        internal static bool IsActive(string? status) =>
            status is null || status == "ACTIVE" || status == "HOT";

        private async Task<List<(string Name, string? Status)>> TenantsAsync(CancellationToken ct)
        {
            var r = await _transport.SendAsync(HttpMethod.Get, _classPath + "/tenants", null, ct).ConfigureAwait(false);
            using var doc = ProviderJson.Parse(r, ProviderName);
            if (doc.RootElement.ValueKind != JsonValueKind.Array) throw ProviderJson.Malformed(r, ProviderName, "a list of tenants");
            var list = new List<(string, string?)>();
            foreach (var t in doc.RootElement.EnumerateArray())
                if (ProviderJson.OptionalString(t, "name") is string n) list.Add((n, ProviderJson.OptionalString(t, "activityStatus")));
            return list.OrderBy(t => t.Item1, StringComparer.Ordinal).ToList();
        }

        /// <summary>The exact object count of the class (or a tenant): GraphQL Aggregate { Class(tenant) { meta { count } } }.</summary>
        private async Task<long?> CountObjectsAsync(string? tenant, CancellationToken ct)
        {
            var query = "{ Aggregate { " + Index + (tenant is null ? "" : "(tenant: " + JsonSerializer.Serialize(tenant) + ")") + " { meta { count } } } }";
            var body = ProviderJson.Write(w =>
            {
                w.WriteStartObject();
                w.WriteString("query", query);
                w.WriteEndObject();
            });
            var r = await _transport.SendAsync(HttpMethod.Post, "/v1/graphql", ProviderJson.Content(body), ct).ConfigureAwait(false);
            using var doc = ProviderJson.Parse(r, ProviderName);
            var root = doc.RootElement;
            if (ProviderJson.TryGetArray(root, "errors", out var errors) && errors.GetArrayLength() > 0)
            {
                _settings.Trace?.Invoke("Weaviate could not count the objects: " + WeaviateErrors.GraphQlMessages(errors));
                return null;
            }
            if (ProviderJson.TryGetObject(root, "data", out var data) && ProviderJson.TryGetObject(data, "Aggregate", out var agg) &&
                ProviderJson.TryGetArray(agg, Index, out var rows) && rows.GetArrayLength() > 0 &&
                ProviderJson.TryGetObject(rows[0], "meta", out var meta) && ProviderJson.OptionalInt64(meta, "count") is long n)
                return n;
            throw ProviderJson.Malformed(r, ProviderName, "data.Aggregate." + Index + "[0].meta.count");
        }

        public async Task<IndexStats> GetStatsAsync(CancellationToken cancellationToken)
        {
            var list = new List<NamespaceInfo>();
            await foreach (var ns in ListNamespacesAsync(cancellationToken).ConfigureAwait(false)) list.Add(ns);
            return new IndexStats
            {
                Provider = Name,
                Index = Index,
                TotalRecordCount = list.All(n => n.RecordCount != null) ? list.Sum(n => n.RecordCount!.Value) : (long?)null,
                Namespaces = list,
            };
        }

        /// <summary>Weaviate's writes are applied when answered: every one is applied.</summary>
        public Task<IReadOnlyList<VectorMutation>> GetAppliedAsync(IReadOnlyList<VectorMutation> pending, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<VectorMutation>>(pending?.ToList() ?? new List<VectorMutation>());

        private static string Show(string s) => s.Length > 80 ? s.Substring(0, 80) + "…" : s;

        public void Dispose() { }

        public override string ToString() => $"{Name}:{Index}@{Endpoint}";
    }
}
