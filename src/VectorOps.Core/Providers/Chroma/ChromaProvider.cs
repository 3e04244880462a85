using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using VectorOps.Errors;
using VectorOps.Filtering;
using VectorOps.Model;
using VectorOps.Providers.Kit;
using VectorOps.Security;
using VectorOps.Serialization;
using VectorOps.Transport;

namespace VectorOps.Providers.Chroma
{
    /// <summary>
    /// Chroma 1.x over its API v2 (the server's own OpenAPI document, /openapi.json) on the shared transport.
    /// -Index names the database (default_database) of a tenant (default_tenant); a namespace is a collection.
    /// Every delete sends ids, at most the server's own max_batch_size (read from /api/v2/pre-flight-checks when
    /// connecting) a request, and never an empty list: Chroma's delete without ids or where once removed every
    /// record of a collection. Filter and prefix deletes list the matching ids first (get with include [], read
    /// only) and delete those, so the preview, the backup and the delete hold the same ids and no where-delete runs
    /// into the batch cap. Chroma answers a delete with {}: each batch counts its own ids present just before its
    /// delete (one get, scoped to the batch's ids, so batches in flight at once do not blur each other), and
    /// that count, read from the server, is what the mutation reports as removed once the delete is answered.
    /// </summary>
    public sealed class ChromaProvider : IVectorProvider
    {
        public const string ProviderName = "Chroma";
        public const string ApiKeyEnvironmentVariable = "CHROMA_API_KEY";
        public const string ChromaTokenHeader = "X-Chroma-Token";
        public const string DefaultTenant = "default_tenant";
        public const string DefaultDatabase = "default_database";

        /// <summary>The namespace used when none is named. Chroma has no default collection: this is the name VectorOps looks for.</summary>
        public const string NamespaceDefault = "default";

        public static readonly Uri DefaultEndpoint = new Uri("http://localhost:8000/");

        /// <summary>
        /// The longest id VectorOps sends. Chroma sets no limit; this bound only catches a mistake (a whole file read
        /// as one id) before it becomes a request.
        /// </summary>
        public const int MaxIdLength = 65536;

        /// <summary>Ids a page when listing (get with include []).</summary>
        public const int ListPageSize = 1000;

        /// <summary>Collections a page when listing them.</summary>
        public const int CollectionPageSize = 100;

        /// <summary>Records an upsert request carries at most (and never more than the server's max_batch_size).</summary>
        public const int MaxUpsertRecords = 1000;

        private readonly HttpTransport _transport;
        private readonly ConnectionSettings _settings;
        private readonly string _database;
        // Collection name -> id (record calls take the id). Dropped when a call answers that the collection is gone.
        private readonly ConcurrentDictionary<string, string> _collections = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);

        private ChromaProvider(ConnectionSettings settings, HttpTransport transport, Uri endpoint, string tenant, string database, int maxBatchSize)
        {
            _settings = settings;
            _transport = transport;
            Tenant = tenant;
            Index = database;
            MaxBatchSize = maxBatchSize;
            Endpoint = endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/');
            _database = "/api/v2/tenants/" + Uri.EscapeDataString(tenant) + "/databases/" + Uri.EscapeDataString(database);
            Capabilities = new ProviderCapabilities
            {
                MaxIdsPerDelete = maxBatchSize,
                MaxIdsPerFetch = maxBatchSize,
                MaxRecordsPerUpsert = Math.Min(maxBatchSize, MaxUpsertRecords),
                // A where-delete over max_batch_size records fails on the cap, and answers no count: matches are
                // listed and deleted by id instead.
                NativeFilterDelete = false,
                CountsFilterMatches = false,
                SupportsNamespaces = true,
                ListsNamespacesCheaply = true,
                // No request deletes a collection's records and nothing else (an unscoped delete is never sent).
                NativeNamespaceClear = false,
                CanRemoveNamespace = true,
                AsyncMutations = false,
                DeletesValidatedIds = true,
                DefaultConcurrency = 4,
            };
        }

        public string Name => ProviderName;

        /// <summary>The database.</summary>
        public string Index { get; }

        public string Tenant { get; }

        public string Endpoint { get; }

        /// <summary>The server's max_batch_size (ids or records one request may carry).</summary>
        public int MaxBatchSize { get; }

        public ProviderCapabilities Capabilities { get; }

        public string DefaultNamespace => NamespaceDefault;

        // ---- connecting ----------------------------------------------------------------------------------

        /// <summary>Connects from settings (Provider is set to Chroma).</summary>
        public static IVectorProvider Create(ConnectionSettings settings)
        {
            if (settings is null) throw new ArgumentNullException(nameof(settings));
            settings.Provider = ProviderName;
            return ProviderRegistry.Create(settings);
        }

        /// <summary>
        /// The descriptor's factory: checks the names, reads max_batch_size from the pre-flight checks, and checks
        /// that the database exists (IndexNotFound with the closest names when it does not).
        /// </summary>
        internal static IVectorProvider Open(ConnectionSettings settings)
        {
            var names = settings.Names;
            var endpoint = EndpointGuard.Require(settings.Find<Uri>(ChromaDescriptor.Endpoint) ?? DefaultEndpoint, ProviderName);
            if (!string.IsNullOrEmpty(endpoint.UserInfo))
                throw new VectorOpsException(ErrorIds.InvalidEndpoint, VectorOpsErrorCategory.InvalidArgument,
                    $"The Chroma endpoint holds a user name or password; give the token with {names.Credential(ChromaDescriptor.Descriptor.Credential!)} instead.",
                    endpoint.GetLeftPart(UriPartial.Scheme) + endpoint.Host);
            var tenant = settings.Get(ChromaDescriptor.Tenant, DefaultTenant).Trim();
            CheckName(tenant, "tenant", ErrorIds.InvalidSetting);
            var database = string.IsNullOrWhiteSpace(settings.Index) ? DefaultDatabase : settings.Index!.Trim();
            CheckName(database, "database", ErrorIds.InvalidIndexName);
            var header = settings.Get(ChromaDescriptor.TokenHeader, ChromaTokenHeader);
            var key = settings.Credential;

            var transport = TransportFor(endpoint, settings, key, header);

            var max = PreflightAsync(transport, CancellationToken.None).ConfigureAwait(false).GetAwaiter().GetResult();
            CheckDatabaseAsync(transport, tenant, database, names, CancellationToken.None).ConfigureAwait(false).GetAwaiter().GetResult();
            settings.Trace?.Invoke($"Chroma at {endpoint.GetLeftPart(UriPartial.Authority)}: max_batch_size {max.ToString(CultureInfo.InvariantCulture)}, database '{database}' of tenant '{tenant}'.");
            return new ChromaProvider(settings, transport, endpoint, tenant, database, max);
        }

        /// <summary>
        /// The descriptor's index listing (Tab completion of -Index): the tenant's databases (-Index names a database),
        /// GET /api/v2/tenants/{tenant}/databases, one read-only call.
        /// </summary>
        internal static async Task<IReadOnlyList<string>> ListIndexes(ConnectionSettings settings, CancellationToken ct)
        {
            var names = settings.Names;
            var endpoint = EndpointGuard.Require(settings.Find<Uri>(ChromaDescriptor.Endpoint) ?? DefaultEndpoint, ProviderName);
            if (!string.IsNullOrEmpty(endpoint.UserInfo))
                throw new VectorOpsException(ErrorIds.InvalidEndpoint, VectorOpsErrorCategory.InvalidArgument,
                    $"The Chroma endpoint holds a user name or password; give the token with {names.Credential(ChromaDescriptor.Descriptor.Credential!)} instead.",
                    endpoint.GetLeftPart(UriPartial.Scheme) + endpoint.Host);
            var tenant = settings.Get(ChromaDescriptor.Tenant, DefaultTenant).Trim();
            CheckName(tenant, "tenant", ErrorIds.InvalidSetting);
            var header = settings.Get(ChromaDescriptor.TokenHeader, ChromaTokenHeader);
            var key = settings.Credential;
            var transport = TransportFor(endpoint, settings, key, header);
            var r = await transport.SendAsync(HttpMethod.Get, "/api/v2/tenants/" + Uri.EscapeDataString(tenant) + "/databases?limit=1000", null, ct).ConfigureAwait(false);
            using var doc = ProviderJson.Parse(r, ProviderName);
            if (doc.RootElement.ValueKind != JsonValueKind.Array)
                throw ProviderJson.Malformed(r, ProviderName, "an array of databases");
            var found = new List<string>();
            foreach (var d in doc.RootElement.EnumerateArray())
                if (ProviderJson.OptionalNonEmptyString(d, "name") is string n) found.Add(n);
            return found;
        }

        /// <summary>The server's transport, sending the key (when there is one) in the header -TokenHeader names.</summary>
        private static HttpTransport TransportFor(Uri endpoint, ConnectionSettings settings, Secret? key, string header) =>
            ProviderTransport.Create(endpoint, settings, ProviderName, key, key is null ? null : request =>
            {
                if (string.Equals(header, "Authorization", StringComparison.OrdinalIgnoreCase))
                    request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + key.Reveal());
                else
                    request.Headers.TryAddWithoutValidation(ChromaTokenHeader, key.Reveal());
            }, r => ChromaErrors.Map(r, settings.Names));

        private static void CheckName(string name, string what, string errorId)
        {
            if (name.Length == 0 || name.Any(c => char.IsControl(c) || c == '/' || c == '\\'))
                throw new VectorOpsException(errorId, VectorOpsErrorCategory.InvalidArgument,
                    $"'{Show(name)}' is not a Chroma {what} name: it is empty or holds a slash or a control character.", name);
        }

        /// <summary>GET /api/v2/pre-flight-checks: the server's max_batch_size.</summary>
        private static async Task<int> PreflightAsync(HttpTransport transport, CancellationToken ct)
        {
            var r = await transport.SendAsync(HttpMethod.Get, "/api/v2/pre-flight-checks", null, ct).ConfigureAwait(false);
            using var doc = ProviderJson.Parse(r, ProviderName);
            var max = ProviderJson.OptionalInt64(doc.RootElement, "max_batch_size");
            if (max is null || max < 1)
                throw ProviderJson.Malformed(r, ProviderName, "a positive max_batch_size");
            return (int)Math.Min(max.Value, int.MaxValue);
        }

        private static async Task CheckDatabaseAsync(HttpTransport transport, string tenant, string database, SettingNames names, CancellationToken ct)
        {
            var tenantPath = "/api/v2/tenants/" + Uri.EscapeDataString(tenant);
            try
            {
                await transport.SendAsync(HttpMethod.Get, tenantPath + "/databases/" + Uri.EscapeDataString(database), null, ct).ConfigureAwait(false);
                return;
            }
            catch (VectorOpsException ex) when (ex.StatusCode == 404)
            {
            }
            var existing = new List<string>();
            try
            {
                var r = await transport.SendAsync(HttpMethod.Get, tenantPath + "/databases?limit=1000", null, ct).ConfigureAwait(false);
                using var doc = ProviderJson.Parse(r, ProviderName);
                if (doc.RootElement.ValueKind == JsonValueKind.Array)
                    foreach (var d in doc.RootElement.EnumerateArray())
                        if (ProviderJson.OptionalString(d, "name") is string n) existing.Add(n);
            }
            catch (VectorOpsException ex) when (ex.StatusCode == 404)
            {
                throw new VectorOpsException(ErrorIds.IndexNotFound, VectorOpsErrorCategory.ObjectNotFound,
                    $"Chroma has no tenant '{tenant}' (the database '{database}' was looked for there); the default tenant is {DefaultTenant}.", tenant);
            }
            var close = NameSuggestions.Closest(database, existing);
            var hint = close.Count > 0 ? " Did you mean " + string.Join(" or ", close.Select(n => "'" + n + "'")) + "?"
                : existing.Count > 0 ? " Its databases: " + string.Join(", ", existing.Take(20)) + "." : "";
            throw new VectorOpsException(ErrorIds.IndexNotFound, VectorOpsErrorCategory.ObjectNotFound,
                $"Chroma tenant '{tenant}' has no database '{database}' ({names.Option(Setting.Index)} names the database).{hint}", database);
        }

        // ---- validation ------------------------------------------------------------------------------------

        [MethodImpl(HotPath.Optimize)]
        public void ValidateId(string id)
        {
            // The common id in one check (not empty, not over the bound, not starting with a space); the rest below.
            if (id != null && id.Length != 0 && id.Length <= MaxIdLength && id[0] > ' ') return;
            ValidateIdSlow(id);
        }

        private static void ValidateIdSlow(string? id)
        {
            if (id is null || id.Length == 0)
                throw new VectorOpsException(ErrorIds.InvalidId, VectorOpsErrorCategory.InvalidArgument,
                    "A record id is empty; Chroma ids have at least one character.", id);
            if (id.Trim().Length == 0)
                throw new VectorOpsException(ErrorIds.InvalidId, VectorOpsErrorCategory.InvalidArgument,
                    $"The record id '{Show(id)}' is blank.", id);
            if (id.Length > MaxIdLength)
                throw new VectorOpsException(ErrorIds.InvalidId, VectorOpsErrorCategory.InvalidArgument,
                    $"The record id '{Show(id)}' is {id.Length:N0} characters long; VectorOps sends ids of at most {MaxIdLength:N0} characters to Chroma.", id);
        }

        /// <summary>Chroma's collection names: 3 to 512 characters of [a-zA-Z0-9._-], starting and ending with a letter or digit, no "..", not an IPv4 address.</summary>
        public void ValidateNamespace(string @namespace)
        {
            var problem = NamespaceProblem(@namespace);
            if (problem != null)
                throw new VectorOpsException(ErrorIds.InvalidNamespace, VectorOpsErrorCategory.InvalidArgument,
                    $"'{Show(@namespace ?? "")}' is not a Chroma collection name: {problem}. Collection names are 3 to 512 characters of letters, digits, '.', '_' and '-', starting and ending with a letter or digit.",
                    @namespace);
        }

        internal static string? NamespaceProblem(string? name)
        {
            if (name is null || name.Length == 0) return "it is empty";
            if (name.Length < 3 || name.Length > 512) return $"it has {name.Length} characters";
            foreach (var c in name)
                if (!(c < 128 && (char.IsLetterOrDigit(c) || c == '.' || c == '_' || c == '-'))) return $"it holds '{Show(c.ToString())}'";
            if (!char.IsLetterOrDigit(name[0]) || !char.IsLetterOrDigit(name[name.Length - 1])) return "it does not start and end with a letter or digit";
            if (name.Contains("..")) return "it holds '..'";
            if (IPAddress.TryParse(name, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && name.Count(c => c == '.') == 3)
                return "it is an IPv4 address";
            return null;
        }

        /// <summary>
        /// What Chroma 1.0 stores: dense embeddings in every record (the REST API takes no text to embed), metadata
        /// values that are strings, numbers or booleans (no lists, no objects, no null: a null field is left out),
        /// and a document (text) beside each record.
        /// </summary>
        public RecordRules RecordRules { get; } = new RecordRules
        {
            ReadsIndexDimension = false,
            DenseValues = DenseValuesRule.Required,
            SparseValues = false,
            MetadataNulls = MetadataNullRule.Omit,
            NestedMetadata = false,
            MetadataLists = false,
            Documents = true,
            MetadataTypes = "a string, number or boolean",
        };

        private static void CheckBatch(int count, int max, string what)
        {
            if (count < 1 || count > max)
                throw new VectorOpsException(ErrorIds.InvalidArgument, VectorOpsErrorCategory.InvalidArgument,
                    $"A Chroma {what} takes 1 to {max} ids (the server's max_batch_size), not {count}; an empty list is never sent.", count);
        }

        // ---- collections ---------------------------------------------------------------------------------

        private string CollectionPath(string id) => _database + "/collections/" + id;

        /// <summary>The collection's id, or null when the database has no collection of that name.</summary>
        private async Task<string?> FindCollectionAsync(string @namespace, CancellationToken ct)
        {
            if (_collections.TryGetValue(@namespace, out var known)) return known;
            TransportResponse r;
            try
            {
                r = await _transport.SendAsync(HttpMethod.Get, _database + "/collections/" + Uri.EscapeDataString(@namespace), null, ct).ConfigureAwait(false);
            }
            catch (VectorOpsException ex) when (ex.StatusCode == 404)
            {
                return null;
            }
            using var doc = ProviderJson.Parse(r, ProviderName);
            var id = ProviderJson.OptionalNonEmptyString(doc.RootElement, "id") ?? throw ProviderJson.Malformed(r, ProviderName, "the collection's id");
            _collections[@namespace] = id;
            return id;
        }

        private async Task<string> CollectionAsync(string @namespace, bool create, CancellationToken ct)
        {
            if (await FindCollectionAsync(@namespace, ct).ConfigureAwait(false) is string id) return id;
            if (!create)
                throw new VectorOpsException(ErrorIds.NamespaceNotFound, VectorOpsErrorCategory.ObjectNotFound,
                    $"Chroma database '{Index}' has no collection '{@namespace}'.", @namespace);
            ValidateNamespace(@namespace);
            var body = ProviderJson.Write(w =>
            {
                w.WriteStartObject();
                w.WriteString("name", @namespace);
                w.WriteBoolean("get_or_create", true);
                w.WriteEndObject();
            });
            var r = await _transport.SendAsync(HttpMethod.Post, _database + "/collections", ProviderJson.Content(body), ct).ConfigureAwait(false);
            using var doc = ProviderJson.Parse(r, ProviderName);
            var created = ProviderJson.OptionalNonEmptyString(doc.RootElement, "id") ?? throw ProviderJson.Malformed(r, ProviderName, "the collection's id");
            _settings.Trace?.Invoke($"Chroma collection '{@namespace}' did not exist: created with the server's default settings.");
            _collections[@namespace] = created;
            return created;
        }

        /// <summary>
        /// Runs a call on the collection's id. When the collection was dropped since its id was read (the call answers
        /// 404), the id is read again once: the call is retried only on a collection of that name that exists now.
        /// </summary>
        private async Task<T> OnCollectionAsync<T>(string @namespace, bool create, Func<string, Task<T>> call, CancellationToken ct)
        {
            var id = await CollectionAsync(@namespace, create, ct).ConfigureAwait(false);
            try
            {
                return await call(id).ConfigureAwait(false);
            }
            catch (VectorOpsException ex) when (ex.StatusCode == 404)
            {
                _collections.TryRemove(@namespace, out _);
                var again = await CollectionAsync(@namespace, create, ct).ConfigureAwait(false);
                if (again == id) throw;
                return await call(again).ConfigureAwait(false);
            }
        }

        // ---- writes --------------------------------------------------------------------------------------

        public Task<ProviderWriteResult> DeleteByIdsAsync(string @namespace, IReadOnlyList<string> ids, CancellationToken cancellationToken)
        {
            CheckBatch(ids?.Count ?? 0, MaxBatchSize, "delete");
            for (var i = 0; i < ids!.Count; i++) ValidateId(ids[i]);
            return SendDeleteAsync(@namespace, ids, cancellationToken);
        }

        public Task<ProviderWriteResult> DeleteValidatedIdsAsync(string @namespace, IReadOnlyList<string> ids, CancellationToken cancellationToken)
        {
            CheckBatch(ids?.Count ?? 0, MaxBatchSize, "delete");
            return SendDeleteAsync(@namespace, ids!, cancellationToken);
        }

        /// <summary>
        /// POST .../delete with {"ids": [...]}, never with an empty list (checked by the callers, and again here). The
        /// batch's ids present just before are counted (get with include [], read only); Chroma applies a delete
        /// before it answers it, so once it is answered those records are gone: that count is what this request
        /// removed. A second count after the delete (made until issue 19) cost about 13 % of a batch's time
        /// and changed nothing: a record another client deletes or writes between the count and the delete escapes
        /// both ways of counting alike.
        /// </summary>
        private Task<ProviderWriteResult> SendDeleteAsync(string @namespace, IReadOnlyList<string> ids, CancellationToken ct)
        {
            if (ids.Count == 0)
                throw new VectorOpsException(ErrorIds.InvalidArgument, VectorOpsErrorCategory.InvalidArgument,
                    "A Chroma delete with no ids is never sent (Chroma's delete without ids once removed a whole collection).", 0);
            var body = JsonBody.Ids(ids, null);
            var idsBody = IdsQuery(body);
            return OnCollectionAsync(@namespace, false, async collection =>
            {
                var path = CollectionPath(collection);
                var present = await CountPresentAsync(path, idsBody, ct).ConfigureAwait(false);
                var r = await _transport.SendAsync(HttpMethod.Post, path + "/delete", ProviderJson.Content(body), ct).ConfigureAwait(false);
                _settings.Trace?.Invoke($"Chroma held {present} of the {ids.Count} id(s) just before their delete from '{@namespace}': the count reported as removed.");
                return new ProviderWriteResult { Attempts = Math.Max(1, r.Attempts), Applied = true, AffectedCount = present };
            }, ct);
        }

        /// <summary>{"ids":[...],"include":[]}: the delete's body with an empty include, for counting the ids present.</summary>
        private static ArraySegment<byte> IdsQuery(ArraySegment<byte> idsBody)
        {
            // The delete body ends with "]}": replace the closing brace.
            const string tail = ",\"include\":[]}";
            var bytes = new byte[idsBody.Count - 1 + tail.Length];
            Buffer.BlockCopy(idsBody.Array!, idsBody.Offset, bytes, 0, idsBody.Count - 1);
            for (var i = 0; i < tail.Length; i++) bytes[idsBody.Count - 1 + i] = (byte)tail[i];
            return new ArraySegment<byte>(bytes);
        }

        private async Task<long> CountPresentAsync(string collectionPath, ArraySegment<byte> query, CancellationToken ct)
        {
            var r = await _transport.SendAsync(HttpMethod.Post, collectionPath + "/get", ProviderJson.Content(query), ct).ConfigureAwait(false);
            using var doc = ProviderJson.Parse(r, ProviderName);
            if (!ProviderJson.TryGetArray(doc.RootElement, "ids", out var list)) throw ProviderJson.Malformed(r, ProviderName, "ids");
            return list.GetArrayLength();
        }

        public Task<ProviderWriteResult> DeleteByFilterAsync(string @namespace, MetadataFilter filter, CancellationToken cancellationToken) =>
            throw Optional.NotSupported(ProviderName, "delete by metadata filter in one request", nameof(ProviderCapabilities.NativeFilterDelete),
                "VectorOps lists the matching ids and deletes them in batches of the server's max_batch_size (a where-delete over that many records fails).", filter?.Json);

        /// <summary>
        /// With removeNamespace: drops the collection (DELETE .../collections/{name}), records, settings and all. Without
        /// it, refused: Chroma has no request that deletes a collection's records and keeps it, other than a delete
        /// without ids or where, which VectorOps never sends (NativeNamespaceClear is false: the command layer clears
        /// by listing the ids and deleting them).
        /// </summary>
        public async Task<ProviderWriteResult> ClearNamespaceAsync(string @namespace, bool removeNamespace, CancellationToken cancellationToken)
        {
            if (!removeNamespace)
                throw Optional.NotSupported(ProviderName, "clearing a collection in one request", nameof(ProviderCapabilities.NativeNamespaceClear),
                    "VectorOps lists the collection's ids and deletes them by id.", @namespace);
            ValidateNamespace(@namespace);
            var r = await _transport.SendAsync(HttpMethod.Delete, _database + "/collections/" + Uri.EscapeDataString(@namespace), null, cancellationToken).ConfigureAwait(false);
            _collections.TryRemove(@namespace, out _);
            return new ProviderWriteResult { Attempts = Math.Max(1, r.Attempts), Applied = true };
        }

        /// <summary>POST .../upsert; a collection that does not exist is created (with the server's default settings) first.</summary>
        public Task<ProviderWriteResult> UpsertAsync(string @namespace, IReadOnlyList<VectorRecord> records, CancellationToken cancellationToken)
        {
            var max = Capabilities.MaxRecordsPerUpsert;
            if (records is null || records.Count == 0 || records.Count > max)
                throw new VectorOpsException(ErrorIds.InvalidArgument, VectorOpsErrorCategory.InvalidArgument,
                    $"A Chroma upsert takes 1 to {max} records, not {records?.Count ?? 0}.", records?.Count ?? 0);
            foreach (var record in records)
            {
                ValidateId(record.Id);
                if (record.Values is null || record.Values.Length == 0)
                    throw new VectorOpsException(ErrorIds.InvalidRecord, VectorOpsErrorCategory.InvalidData,
                        $"The record '{Show(record.Id)}' has no values; Chroma stores an embedding with every record.", record.Id);
            }
            var anyDocument = records.Any(r => r.Document != null);
            var body = ProviderJson.Write(w =>
            {
                w.WriteStartObject();
                w.WriteStartArray("ids");
                foreach (var r in records) w.WriteStringValue(r.Id);
                w.WriteEndArray();
                w.WriteStartArray("embeddings");
                foreach (var r in records)
                {
                    w.WriteStartArray();
                    foreach (var x in r.Values!) w.WriteNumberValue(x);
                    w.WriteEndArray();
                }
                w.WriteEndArray();
                w.WriteStartArray("metadatas");
                foreach (var r in records)
                {
                    // Chroma has no null: null fields are left out; metadata left empty is sent as null.
                    if (r.Metadata is null || !r.Metadata.Any(p => p.Value != null)) w.WriteNullValue();
                    else RecordJson.WriteMetadata(w, r.Metadata, omitNulls: true);
                }
                w.WriteEndArray();
                if (anyDocument)
                {
                    w.WriteStartArray("documents");
                    foreach (var r in records)
                        if (r.Document is null) w.WriteNullValue();
                        else w.WriteStringValue(r.Document);
                    w.WriteEndArray();
                }
                w.WriteEndObject();
            });
            return OnCollectionAsync(@namespace, true, async collection =>
            {
                var r = await _transport.SendAsync(HttpMethod.Post, CollectionPath(collection) + "/upsert", ProviderJson.Content(body), cancellationToken).ConfigureAwait(false);
                // Chroma answers {}; an upsert writes every record it carries.
                return new ProviderWriteResult { Attempts = Math.Max(1, r.Attempts), Applied = true, AffectedCount = records.Count };
            }, cancellationToken);
        }

        // ---- reads ---------------------------------------------------------------------------------------

        public IAsyncEnumerable<IReadOnlyList<string>> ListIdsAsync(string @namespace, string? prefix, CancellationToken cancellationToken) =>
            SnapshotAsync(@namespace, null, string.IsNullOrEmpty(prefix) ? null : prefix, cancellationToken);

        public IAsyncEnumerable<IReadOnlyList<string>> FindIdsAsync(string @namespace, MetadataFilter filter, CancellationToken cancellationToken)
        {
            if (filter is null) throw new ArgumentNullException(nameof(filter));
            ChromaWhere.Check(filter); // refused before any request
            return SnapshotAsync(@namespace, filter, null, cancellationToken);
        }

        /// <summary>
        /// The matching ids, read whole before the first page is handed out. Chroma pages get by offset, and the
        /// command layer deletes batches while it reads pages: a page read after a delete would skip as many
        /// records as were deleted. Reading every page first (ids only, include []) means the offsets never move
        /// under the listing; an id seen twice (a concurrent writer) is kept once. A prefix is matched here: Chroma
        /// has no id prefix filter.
        /// </summary>
        private async IAsyncEnumerable<IReadOnlyList<string>> SnapshotAsync(string @namespace, MetadataFilter? filter, string? prefix,
            [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            var collection = await FindCollectionAsync(@namespace, cancellationToken).ConfigureAwait(false);
            if (collection is null) yield break;
            var path = CollectionPath(collection) + "/get";
            var all = new List<string>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            await foreach (var page in CursorPaging.Pages<string>(ProviderName, "get", ListPageSize, async (cursor, limit, ct) =>
            {
                var offset = cursor is null ? 0 : int.Parse(cursor, NumberStyles.None, CultureInfo.InvariantCulture);
                var body = ProviderJson.Write(w =>
                {
                    w.WriteStartObject();
                    if (filter != null)
                    {
                        w.WritePropertyName("where");
                        ChromaWhere.Write(w, filter);
                    }
                    w.WriteStartArray("include");
                    w.WriteEndArray();
                    w.WriteNumber("limit", limit);
                    w.WriteNumber("offset", offset);
                    w.WriteEndObject();
                });
                TransportResponse r;
                try
                {
                    r = await _transport.SendAsync(HttpMethod.Post, path, ProviderJson.Content(body), ct).ConfigureAwait(false);
                }
                catch (VectorOpsException ex) when (ex.StatusCode == 404)
                {
                    _collections.TryRemove(@namespace, out _);
                    throw;
                }
                using var doc = ProviderJson.Parse(r, ProviderName);
                if (!ProviderJson.TryGetArray(doc.RootElement, "ids", out var list)) throw ProviderJson.Malformed(r, ProviderName, "ids");
                var ids = new List<string>(list.GetArrayLength());
                foreach (var item in list.EnumerateArray())
                    if (item.ValueKind == JsonValueKind.String) ids.Add(item.GetString()!);
                var next = ids.Count < limit ? null : (offset + ids.Count).ToString(CultureInfo.InvariantCulture);
                return new Page<string>(ids, next);
            }, cancellationToken).ConfigureAwait(false))
            {
                foreach (var id in page)
                    if ((prefix is null || id.StartsWith(prefix, StringComparison.Ordinal)) && seen.Add(id)) all.Add(id);
            }
            for (var i = 0; i < all.Count; i += ListPageSize)
                yield return all.GetRange(i, Math.Min(ListPageSize, all.Count - i));
        }

        public Task<long> CountAsync(string @namespace, MetadataFilter filter, CancellationToken cancellationToken) =>
            throw Optional.NotSupported(ProviderName, "counting filter matches without listing them", nameof(ProviderCapabilities.CountsFilterMatches),
                "VectorOps counts the listed matches.", filter?.Json);

        public async Task<IReadOnlyList<VectorRecord>> FetchAsync(string @namespace, IReadOnlyList<string> ids, CancellationToken cancellationToken)
        {
            CheckBatch(ids?.Count ?? 0, MaxBatchSize, "fetch");
            foreach (var id in ids!) ValidateId(id);
            var result = new List<VectorRecord>(ids.Count);
            var collection = await FindCollectionAsync(@namespace, cancellationToken).ConfigureAwait(false);
            if (collection is null) return result;
            var body = ProviderJson.Write(w =>
            {
                w.WriteStartObject();
                w.WriteStartArray("ids");
                foreach (var id in ids) w.WriteStringValue(id);
                w.WriteEndArray();
                w.WriteStartArray("include");
                w.WriteStringValue("embeddings");
                w.WriteStringValue("metadatas");
                w.WriteStringValue("documents");
                w.WriteEndArray();
                w.WriteEndObject();
            });
            TransportResponse r;
            try
            {
                r = await _transport.SendAsync(HttpMethod.Post, CollectionPath(collection) + "/get", ProviderJson.Content(body), cancellationToken).ConfigureAwait(false);
            }
            catch (VectorOpsException ex) when (ex.StatusCode == 404)
            {
                _collections.TryRemove(@namespace, out _);
                throw;
            }
            using var doc = ProviderJson.Parse(r, ProviderName);
            var root = doc.RootElement;
            if (!ProviderJson.TryGetArray(root, "ids", out var list)) throw ProviderJson.Malformed(r, ProviderName, "ids");
            ProviderJson.TryGetArray(root, "embeddings", out var embeddings);
            ProviderJson.TryGetArray(root, "metadatas", out var metadatas);
            ProviderJson.TryGetArray(root, "documents", out var documents);
            var i = 0;
            foreach (var item in list.EnumerateArray())
            {
                var record = new VectorRecord(item.GetString() ?? "") { Namespace = @namespace };
                if (embeddings.ValueKind == JsonValueKind.Array && i < embeddings.GetArrayLength() && embeddings[i].ValueKind == JsonValueKind.Array)
                {
                    var e = embeddings[i];
                    var values = new float[e.GetArrayLength()];
                    var j = 0;
                    foreach (var x in e.EnumerateArray()) values[j++] = x.GetSingle();
                    record.Values = values;
                }
                if (metadatas.ValueKind == JsonValueKind.Array && i < metadatas.GetArrayLength() && metadatas[i].ValueKind == JsonValueKind.Object)
                    record.Metadata = SortedMetadata(metadatas[i]);
                if (documents.ValueKind == JsonValueKind.Array && i < documents.GetArrayLength() && documents[i].ValueKind == JsonValueKind.String)
                    record.Document = documents[i].GetString();
                result.Add(record);
                i++;
            }
            return result;
        }

        /// <summary>
        /// Chroma answers a record's metadata fields in no fixed order (two reads of one record may differ): they are
        /// read in ordinal order, so a backup line and a later read of the same record are the same text.
        /// </summary>
        private static Dictionary<string, object?> SortedMetadata(JsonElement md)
        {
            var d = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var p in md.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal)) d[p.Name] = RecordJson.ToPlain(p.Value);
            return d;
        }

        /// <summary>The database's collections with their record counts (one count request a collection).</summary>
        public async IAsyncEnumerable<NamespaceInfo> ListNamespacesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await foreach (var c in CollectionsAsync(cancellationToken).ConfigureAwait(false))
            {
                var r = await _transport.SendAsync(HttpMethod.Get, CollectionPath(c.Id) + "/count", null, cancellationToken).ConfigureAwait(false);
                using var doc = ProviderJson.Parse(r, ProviderName);
                long? count = doc.RootElement.ValueKind == JsonValueKind.Number && doc.RootElement.TryGetInt64(out var n) ? n : (long?)null;
                yield return new NamespaceInfo(Name, Index, c.Name, count);
            }
        }

        private readonly struct CollectionInfo
        {
            public CollectionInfo(string id, string name, int? dimension)
            {
                Id = id;
                Name = name;
                Dimension = dimension;
            }

            public string Id { get; }
            public string Name { get; }
            public int? Dimension { get; }
        }

        private IAsyncEnumerable<CollectionInfo> CollectionsAsync(CancellationToken cancellationToken) =>
            CursorPaging.Items<CollectionInfo>(ProviderName, "list_collections", CollectionPageSize, async (cursor, limit, ct) =>
            {
                var offset = cursor is null ? 0 : int.Parse(cursor, NumberStyles.None, CultureInfo.InvariantCulture);
                var r = await _transport.SendAsync(HttpMethod.Get, _database + "/collections?limit=" + limit.ToString(CultureInfo.InvariantCulture) +
                    "&offset=" + offset.ToString(CultureInfo.InvariantCulture), null, ct).ConfigureAwait(false);
                using var doc = ProviderJson.Parse(r, ProviderName);
                if (doc.RootElement.ValueKind != JsonValueKind.Array) throw ProviderJson.Malformed(r, ProviderName, "a list of collections");
                var page = new List<CollectionInfo>();
                foreach (var c in doc.RootElement.EnumerateArray())
                {
                    if (ProviderJson.OptionalString(c, "name") is not string name || ProviderJson.OptionalNonEmptyString(c, "id") is not string id) continue;
                    _collections[name] = id;
                    page.Add(new CollectionInfo(id, name, ProviderJson.OptionalInt32(c, "dimension")));
                }
                var count = doc.RootElement.GetArrayLength();
                return new Page<CollectionInfo>(page, count < limit ? null : (offset + count).ToString(CultureInfo.InvariantCulture));
            }, cancellationToken);

        public async Task<IndexStats> GetStatsAsync(CancellationToken cancellationToken)
        {
            var list = new List<NamespaceInfo>();
            var dimensions = new HashSet<int>();
            await foreach (var c in CollectionsAsync(cancellationToken).ConfigureAwait(false))
                if (c.Dimension is int d) dimensions.Add(d);
            await foreach (var ns in ListNamespacesAsync(cancellationToken).ConfigureAwait(false)) list.Add(ns);
            return new IndexStats
            {
                Provider = Name,
                Index = Index,
                // One dimension only when every collection that has one agrees (each collection has its own).
                Dimension = dimensions.Count == 1 ? dimensions.First() : (int?)null,
                TotalRecordCount = list.All(n => n.RecordCount != null) ? list.Sum(n => n.RecordCount!.Value) : (long?)null,
                Namespaces = list,
            };
        }

        /// <summary>Chroma's writes are applied when answered: every one is applied.</summary>
        public Task<IReadOnlyList<VectorMutation>> GetAppliedAsync(IReadOnlyList<VectorMutation> pending, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<VectorMutation>>(pending?.ToList() ?? new List<VectorMutation>());

        private static string Show(string s) => s.Length > 80 ? s.Substring(0, 80) + "…" : s;

        public void Dispose() { }

        public override string ToString() => $"{Name}:{Index}@{Endpoint}";
    }
}
