using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using VectorOps.Errors;
using VectorOps.Filtering;
using VectorOps.Model;
using VectorOps.Providers.Kit;
using VectorOps.Serialization;
using VectorOps.Transport;

namespace VectorOps.Providers.Qdrant
{
    /// <summary>
    /// Qdrant over its REST API (../shared/specs/qdrant-openapi.json) on the shared transport. -Index names the
    /// collection. With -NamespaceKey K a namespace is the value of payload key K (Qdrant's multitenancy by payload):
    /// every read and delete carries the condition K = namespace, an upsert writes K, and K is left out of the
    /// metadata read back; clearing a namespace deletes its points by that filter, and the collection is never
    /// dropped. Without it the collection is one namespace, 'default'.
    /// Deletes: ids in batches of <see cref="MaxIdsPerDelete"/> (points, or has_id within the namespace), filters
    /// natively (QdrantFilter, counted first with points/count exact), prefixes by scrolling the ids and deleting those.
    /// Every delete is sent with wait=false unless -WaitForApply: it answers acknowledged with Qdrant's operation_id,
    /// which becomes the mutation's ProviderMutationId. Qdrant has no call that reports an operation's progress, so
    /// Wait-VectorMutation confirms a delete by reading: its ids retrieve nothing (scoped to its namespace), its
    /// filter counts 0 (exact), its namespace counts 0. Upserts (restores) always use wait=true, so a restore has
    /// ended when its records can be read.
    /// </summary>
    public sealed class QdrantProvider : IVectorProvider
    {
        public const string ProviderName = "Qdrant";
        public const string ApiKeyEnvironmentVariable = "QDRANT_API_KEY";
        public const string ApiKeyHeader = "api-key";

        /// <summary>The one namespace of a collection without a namespace key (the name the other single-namespace stores use).</summary>
        public const string SingleNamespace = "default";

        public static readonly Uri DefaultEndpoint = new Uri("http://localhost:6333/");

        /// <summary>
        /// Ids one delete carries. Qdrant sets no count, only max_request_size_mb (32 MB by default). The longest id in
        /// JSON is a quoted UUID and its comma, 39 bytes: 10,000 ids are at most about 390 KB (with the namespace
        /// condition around them, still under 400 KB), a margin of 80 times under the limit, and every body is
        /// measured against the limit before it is sent. More ids a request would save little (20 requests of
        /// 10,000 already keep a server busy) and make a failed request costlier to resend.
        /// </summary>
        public const int MaxIdsPerDelete = 10000;

        /// <summary>Points a scroll page (ids only) and ids a retrieve call.</summary>
        public const int PageSize = 1000;

        /// <summary>
        /// Ids a delete batch carries when -BackupPath fetches its records first: one retrieve call's worth, so a batch
        /// in memory is 1,000 records (vectors and all), not 10,000.
        /// </summary>
        public const int MaxIdsPerBackedUpDelete = PageSize;

        /// <summary>
        /// Delete requests in flight (without -ThrottleLimit, without a backup). Qdrant publishes no request rate, so a
        /// bulk delete is bound by the round trip: 16 requests in flight keep a server that serves 8 at once busy
        /// (measured: `bench hosted`, docs/benchmarks.md), and cost one small operation each in the collection's queue.
        /// </summary>
        public const int DeleteConcurrency = 16;

        /// <summary>Qdrant's default max_request_size_mb: a larger body is refused whole.</summary>
        public const int MaxRequestBytes = 32 * 1024 * 1024;

        /// <summary>Distinct namespace values one facet call lists (beyond it, namespaces are listed by scrolling).</summary>
        public const int FacetLimit = 10000;

        private const string StatePrefix = "qdrant-key:";

        private readonly HttpTransport _transport;
        private readonly ConnectionSettings _settings;
        private readonly string _collection;
        private readonly string? _namespaceKey;
        private readonly bool _wait;
        private readonly int? _dimension;
        private readonly bool _namedVectors;
        private readonly bool _keyIndexed;

        private QdrantProvider(ConnectionSettings settings, HttpTransport transport, Uri endpoint, string collection, string? namespaceKey, bool wait,
            CollectionFacts facts)
        {
            _settings = settings;
            _transport = transport;
            Index = collection;
            _collection = "/collections/" + Uri.EscapeDataString(collection);
            _namespaceKey = namespaceKey;
            _wait = wait;
            _dimension = facts.Dimension;
            _namedVectors = facts.NamedVectors;
            _keyIndexed = namespaceKey != null && facts.KeywordIndexes.Contains(namespaceKey);
            Endpoint = endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/');
            Capabilities = new ProviderCapabilities
            {
                MaxIdsPerDelete = MaxIdsPerDelete,
                MaxIdsPerBackedUpDelete = MaxIdsPerBackedUpDelete,
                MaxIdsPerFetch = PageSize,
                MaxRecordsPerUpsert = UpsertCap(facts.Dimension),
                NativeFilterDelete = true,
                CountsFilterMatches = true,
                SupportsNamespaces = namespaceKey != null,
                // facet lists a keyword-indexed key's values in one call; without the index every payload is scrolled.
                ListsNamespacesCheaply = namespaceKey is null || _keyIndexed,
                OneNamespace = namespaceKey is null,
                // With a key: one delete by filter. Without: the command lists the ids and deletes them (an unscoped
                // filter would be empty, and an empty filter is never sent).
                NativeNamespaceClear = namespaceKey != null,
                CanRemoveNamespace = false,
                AsyncMutations = !wait,
                DeletesValidatedIds = true,
                DefaultConcurrency = 4,
                DefaultDeleteConcurrency = DeleteConcurrency,
            };
        }

        public string Name => ProviderName;

        /// <summary>The collection.</summary>
        public string Index { get; }

        public string Endpoint { get; }

        /// <summary>The payload key holding the namespace, or null (the collection is one namespace).</summary>
        public string? NamespaceKey => _namespaceKey;

        public ProviderCapabilities Capabilities { get; }

        public string DefaultNamespace => SingleNamespace;

        /// <summary>
        /// Records an upsert carries: 100, fewer for wide vectors so that a request stays under 24 MB (a float is at
        /// most about 14 bytes of JSON; 4 KB is allowed for each record's payload), well inside max_request_size_mb.
        /// </summary>
        internal static int UpsertCap(int? dimension)
        {
            if (dimension is not int d || d < 1) return 100;
            var perRecord = (long)d * 14 + 4096;
            return (int)Math.Max(1, Math.Min(100, 24L * 1024 * 1024 / perRecord));
        }

        // ---- connecting ----------------------------------------------------------------------------------

        /// <summary>Connects from settings (Provider is set to Qdrant).</summary>
        public static IVectorProvider Create(ConnectionSettings settings)
        {
            if (settings is null) throw new ArgumentNullException(nameof(settings));
            settings.Provider = ProviderName;
            return ProviderRegistry.Create(settings);
        }

        /// <summary>The descriptor's factory: checks the names, then reads the collection (IndexNotFound with the closest names when it does not exist).</summary>
        internal static IVectorProvider Open(ConnectionSettings settings)
        {
            var names = settings.Names;
            var endpoint = EndpointGuard.Require(settings.Find<Uri>(QdrantDescriptor.Endpoint) ?? DefaultEndpoint, ProviderName);
            if (!string.IsNullOrEmpty(endpoint.UserInfo))
                throw new VectorOpsException(ErrorIds.InvalidEndpoint, VectorOpsErrorCategory.InvalidArgument,
                    $"The Qdrant endpoint holds a user name or password; give the key with {names.Credential(QdrantDescriptor.Descriptor.Credential!)} instead.",
                    endpoint.GetLeftPart(UriPartial.Scheme) + endpoint.Host);
            if (string.IsNullOrWhiteSpace(settings.Index))
                throw new VectorOpsException(ErrorIds.InvalidIndexName, VectorOpsErrorCategory.InvalidArgument,
                    $"Qdrant needs the collection: {names.Option(Setting.Index)} <collection>.", settings.Index);
            var collection = settings.Index!.Trim();
            if (CollectionNameProblem(collection) is string problem)
                throw new VectorOpsException(ErrorIds.InvalidIndexName, VectorOpsErrorCategory.InvalidArgument,
                    $"'{Show(collection)}' is not a Qdrant collection name: {problem}.", collection);
            var keySetting = QdrantDescriptor.Descriptor.FindSetting(QdrantDescriptor.NamespaceKey)!;
            var key = settings.Find<string>(QdrantDescriptor.NamespaceKey)?.Trim();
            if (key != null && (key.Length == 0 || key.IndexOfAny(new[] { '.', '[', ']', '"' }) >= 0 || key.Any(char.IsControl)))
                throw new VectorOpsException(ErrorIds.InvalidSetting, VectorOpsErrorCategory.InvalidArgument,
                    $"'{Show(key)}' cannot be the namespace key ({names.Option(keySetting)}): it must be one top-level payload key, without '.', '[', ']', '\"' or control characters.", key);
            var wait = settings.Get(QdrantDescriptor.WaitForApply, false);
            var secret = settings.Credential;

            var transport = ProviderTransport.Create(endpoint, settings, ProviderName, secret,
                secret is null ? null : request => request.Headers.TryAddWithoutValidation(ApiKeyHeader, secret.Reveal()),
                r => QdrantErrors.Map(r, names));
            var facts = ReadCollectionAsync(transport, collection, names, CancellationToken.None).ConfigureAwait(false).GetAwaiter().GetResult();
            if (key != null && !facts.KeywordIndexes.Contains(key))
                settings.Trace?.Invoke($"Qdrant collection '{collection}' has no keyword index on '{key}': namespaces are listed by scrolling every point's '{key}' (facet needs the index), and filters on it scan the collection.");
            settings.Trace?.Invoke($"Qdrant collection '{collection}' at {endpoint.GetLeftPart(UriPartial.Authority)}: " +
                (facts.NamedVectors ? "named vectors" : "dimension " + (facts.Dimension?.ToString(CultureInfo.InvariantCulture) ?? "unknown")) +
                (key is null ? ", one namespace" : $", namespaces by payload key '{key}'") + (wait ? ", deletes with wait=true." : ", deletes with wait=false."));
            return new QdrantProvider(settings, transport, endpoint, collection, key, wait, facts);
        }

        /// <summary>Qdrant's collection names: 1 to 255 characters, none of / \ : * ? " &lt; &gt; | or a control character.</summary>
        internal static string? CollectionNameProblem(string name)
        {
            if (name.Length == 0) return "it is empty";
            if (name.Length > 255) return $"it has {name.Length} characters (at most 255)";
            foreach (var c in name)
                if (c == '/' || c == '\\' || c == ':' || c == '*' || c == '?' || c == '"' || c == '<' || c == '>' || c == '|' || char.IsControl(c))
                    return $"it holds '{Show(c.ToString())}'";
            return null;
        }

        internal sealed class CollectionFacts
        {
            public int? Dimension { get; set; }
            public bool NamedVectors { get; set; }
            public long? PointsCount { get; set; }
            public HashSet<string> KeywordIndexes { get; } = new HashSet<string>(StringComparer.Ordinal);
        }

        private static async Task<CollectionFacts> ReadCollectionAsync(HttpTransport transport, string collection, SettingNames names, CancellationToken ct)
        {
            try
            {
                var r = await transport.SendAsync(HttpMethod.Get, "/collections/" + Uri.EscapeDataString(collection), null, ct).ConfigureAwait(false);
                return ParseFacts(r);
            }
            catch (VectorOpsException ex) when (ex.StatusCode == 404)
            {
            }
            var existing = new List<string>();
            var list = await transport.SendAsync(HttpMethod.Get, "/collections", null, ct).ConfigureAwait(false);
            using (var doc = ProviderJson.Parse(list, ProviderName))
                if (ProviderJson.TryGetObject(doc.RootElement, "result", out var result) && ProviderJson.TryGetArray(result, "collections", out var cs))
                    foreach (var c in cs.EnumerateArray())
                        if (ProviderJson.OptionalString(c, "name") is string n) existing.Add(n);
            var close = NameSuggestions.Closest(collection, existing);
            var hint = close.Count > 0 ? " Did you mean " + string.Join(" or ", close.Select(n => "'" + n + "'")) + "?"
                : existing.Count > 0 ? " Its collections: " + string.Join(", ", existing.Take(20)) + "." : " The server has no collections.";
            throw new VectorOpsException(ErrorIds.IndexNotFound, VectorOpsErrorCategory.ObjectNotFound,
                $"Qdrant has no collection '{collection}' ({names.Option(Setting.Index)} names the collection).{hint}", collection);
        }

        private static CollectionFacts ParseFacts(TransportResponse r)
        {
            using var doc = ProviderJson.Parse(r, ProviderName);
            if (!ProviderJson.TryGetObject(doc.RootElement, "result", out var info)) throw ProviderJson.Malformed(r, ProviderName, "the collection's info");
            var facts = new CollectionFacts { PointsCount = ProviderJson.OptionalInt64(info, "points_count") };
            if (ProviderJson.TryGetObject(info, "config", out var config) && ProviderJson.TryGetObject(config, "params", out var p) &&
                ProviderJson.TryGetObject(p, "vectors", out var vectors))
            {
                if (ProviderJson.OptionalInt32(vectors, "size") is int size) facts.Dimension = size;
                else if (vectors.EnumerateObject().Any()) facts.NamedVectors = true;
            }
            if (ProviderJson.TryGetObject(info, "payload_schema", out var schema))
                foreach (var field in schema.EnumerateObject())
                    if (ProviderJson.OptionalString(field.Value, "data_type") == "keyword") facts.KeywordIndexes.Add(field.Name);
            return facts;
        }

        // ---- validation ------------------------------------------------------------------------------------

        [MethodImpl(HotPath.Optimize)]
        public void ValidateId(string id)
        {
            if (QdrantIds.IsValid(id)) return;
            QdrantIds.Check(id);
        }

        /// <summary>With a namespace key any non-blank value; without one only 'default', the collection's one namespace.</summary>
        public void ValidateNamespace(string @namespace)
        {
            if (string.IsNullOrWhiteSpace(@namespace))
                throw new VectorOpsException(ErrorIds.InvalidNamespace, VectorOpsErrorCategory.InvalidArgument,
                    "A Qdrant namespace is a non-blank payload value.", @namespace);
            // Without a key every point is in the one namespace, so another name must never reach a delete: it is
            // refused here, as a namespace this collection does not have (the error names the setting that makes more).
            if (_namespaceKey is null && !string.Equals(@namespace, SingleNamespace, StringComparison.Ordinal))
                throw new VectorOpsException(ErrorIds.NamespaceNotFound, VectorOpsErrorCategory.ObjectNotFound,
                    $"Qdrant collection '{Index}' is one namespace, '{SingleNamespace}', as connected: give {_settings.Names.Option(QdrantDescriptor.Descriptor.FindSetting(QdrantDescriptor.NamespaceKey)!)} " +
                    $"to read namespaces from a payload key, not '{Show(@namespace)}'.", @namespace);
        }

        /// <summary>
        /// What Qdrant stores: one unnamed dense vector of the collection's size, and a JSON payload (nulls, lists and
        /// nested objects kept). Documents are not a Qdrant field.
        /// </summary>
        public RecordRules RecordRules { get; } = new RecordRules
        {
            ReadsIndexDimension = true,
            DenseValues = DenseValuesRule.Required,
            MaxDimension = 65536,
            SparseValues = false,
            MetadataNulls = MetadataNullRule.Keep,
            NestedMetadata = true,
            MetadataLists = true,
            Documents = false,
        };

        private static void CheckBatch(int count, int max, string what)
        {
            if (count < 1 || count > max)
                throw new VectorOpsException(ErrorIds.InvalidArgument, VectorOpsErrorCategory.InvalidArgument,
                    $"A Qdrant {what} takes 1 to {max} ids, not {count}; an empty list is never sent.", count);
        }

        /// <summary>The namespace a call is scoped to: the value of the key, or null (the whole collection).</summary>
        private string? Scope(string @namespace)
        {
            ValidateNamespace(@namespace);
            return _namespaceKey is null ? null : @namespace;
        }

        private string WaitQuery => _wait ? "?wait=true" : "?wait=false";

        // ---- writes --------------------------------------------------------------------------------------

        public Task<ProviderWriteResult> DeleteByIdsAsync(string @namespace, IReadOnlyList<string> ids, CancellationToken cancellationToken)
        {
            CheckBatch(ids?.Count ?? 0, MaxIdsPerDelete, "delete");
            for (var i = 0; i < ids!.Count; i++) ValidateId(ids[i]);
            return SendIdDeleteAsync(@namespace, ids, cancellationToken);
        }

        public Task<ProviderWriteResult> DeleteValidatedIdsAsync(string @namespace, IReadOnlyList<string> ids, CancellationToken cancellationToken)
        {
            CheckBatch(ids?.Count ?? 0, MaxIdsPerDelete, "delete");
            return SendIdDeleteAsync(@namespace, ids!, cancellationToken);
        }

        /// <summary>{"points": [...]} for the whole collection; {"filter": {"must": [K = ns, has_id [...]]}} within a namespace, so an id of another namespace is never deleted.</summary>
        private Task<ProviderWriteResult> SendIdDeleteAsync(string @namespace, IReadOnlyList<string> ids, CancellationToken ct)
        {
            var scope = Scope(@namespace);
            var body = ProviderJson.Write(w =>
            {
                w.WriteStartObject();
                if (scope is null)
                {
                    w.WriteStartArray("points");
                    for (var i = 0; i < ids.Count; i++) QdrantIds.Write(w, ids[i]);
                    w.WriteEndArray();
                }
                else
                {
                    w.WritePropertyName("filter");
                    QdrantFilter.WriteScoped(w, _namespaceKey, scope, ids, null);
                }
                w.WriteEndObject();
            });
            return SendDeleteAsync(body, ct);
        }

        /// <summary>POST points/delete with a filter: the namespace's condition and the translated filter (refused before any request when Qdrant cannot say it exactly; never empty).</summary>
        public Task<ProviderWriteResult> DeleteByFilterAsync(string @namespace, MetadataFilter filter, CancellationToken cancellationToken)
        {
            // The provider's own guard: whoever calls, an empty filter is never sent (Qdrant would delete every point).
            QdrantFilter.Check(filter, _namespaceKey);
            var scope = Scope(@namespace);
            var body = ProviderJson.Write(w =>
            {
                w.WriteStartObject();
                w.WritePropertyName("filter");
                QdrantFilter.WriteScoped(w, _namespaceKey, scope, null, filter);
                w.WriteEndObject();
            });
            return SendDeleteAsync(body, cancellationToken);
        }

        /// <summary>
        /// With a namespace key: POST points/delete with the filter K = namespace (the collection stays). Without one
        /// refused (NativeNamespaceClear is false: the command lists the ids and deletes them); removing a namespace is
        /// refused always (a namespace is a payload value, there is nothing else to remove, and the collection is never dropped).
        /// </summary>
        public Task<ProviderWriteResult> ClearNamespaceAsync(string @namespace, bool removeNamespace, CancellationToken cancellationToken)
        {
            if (removeNamespace)
                throw Optional.NotSupported(ProviderName, "removing a namespace", nameof(ProviderCapabilities.CanRemoveNamespace),
                    "a namespace is a payload value: clearing it deletes its points, and the collection is never dropped.", @namespace);
            if (_namespaceKey is null)
                throw Optional.NotSupported(ProviderName, "clearing a collection without a namespace key in one request", nameof(ProviderCapabilities.NativeNamespaceClear),
                    "VectorOps lists the collection's ids and deletes them by id (a delete without a condition is never sent).", @namespace);
            var scope = Scope(@namespace);
            var body = ProviderJson.Write(w =>
            {
                w.WriteStartObject();
                w.WritePropertyName("filter");
                QdrantFilter.WriteScoped(w, _namespaceKey, scope, null, null);
                w.WriteEndObject();
            });
            return SendDeleteAsync(body, cancellationToken);
        }

        private async Task<ProviderWriteResult> SendDeleteAsync(ArraySegment<byte> body, CancellationToken ct)
        {
            CheckSize(body.Count, "delete");
            var r = await _transport.SendAsync(HttpMethod.Post, _collection + "/points/delete" + WaitQuery, ProviderJson.Content(body), ct).ConfigureAwait(false);
            return UpdateResult(r);
        }

        private ProviderWriteResult UpdateResult(TransportResponse r)
        {
            using var doc = ProviderJson.Parse(r, ProviderName);
            if (!ProviderJson.TryGetObject(doc.RootElement, "result", out var result)) throw ProviderJson.Malformed(r, ProviderName, "the update's result");
            var status = ProviderJson.OptionalString(result, "status");
            if (status == "wait_timeout")
                _settings.Trace?.Invoke("Qdrant answered wait_timeout: the operation is in its write-ahead log and not applied yet.");
            var operation = ProviderJson.OptionalInt64(result, "operation_id");
            return new ProviderWriteResult
            {
                Attempts = Math.Max(1, r.Attempts),
                Applied = status == "completed",
                ProviderMutationId = operation?.ToString(CultureInfo.InvariantCulture),
                // Which payload key scoped the write: a later Wait-VectorMutation checks with the same one.
                ProviderState = StatePrefix + (_namespaceKey ?? ""),
            };
        }

        private static void CheckSize(int bytes, string what)
        {
            if (bytes > MaxRequestBytes)
                throw new VectorOpsException(ErrorIds.InvalidArgument, VectorOpsErrorCategory.LimitsExceeded,
                    $"This Qdrant {what} would be {bytes:N0} bytes, over the server's default max_request_size_mb (32 MB); nothing was sent.", bytes);
        }

        /// <summary>PUT points?wait=true: the namespace key is written into each payload; the collection must exist.</summary>
        public async Task<ProviderWriteResult> UpsertAsync(string @namespace, IReadOnlyList<VectorRecord> records, CancellationToken cancellationToken)
        {
            var max = Capabilities.MaxRecordsPerUpsert;
            if (records is null || records.Count == 0 || records.Count > max)
                throw new VectorOpsException(ErrorIds.InvalidArgument, VectorOpsErrorCategory.InvalidArgument,
                    $"A Qdrant upsert takes 1 to {max} records, not {records?.Count ?? 0}.", records?.Count ?? 0);
            if (_namedVectors)
                throw Optional.NotSupported(ProviderName, "writing to a collection of named vectors", "RecordRules",
                    "VectorOps writes one unnamed vector a point.", Index);
            var scope = Scope(@namespace);
            foreach (var record in records)
            {
                ValidateId(record.Id);
                if (record.Values is null || record.Values.Length == 0)
                    throw new VectorOpsException(ErrorIds.InvalidRecord, VectorOpsErrorCategory.InvalidData,
                        $"The record '{Show(record.Id)}' has no values; a Qdrant point of this collection has a vector.", record.Id);
                if (_dimension is int d && record.Values.Length != d)
                    throw new VectorOpsException(ErrorIds.InvalidRecord, VectorOpsErrorCategory.InvalidData,
                        $"The record '{Show(record.Id)}' has {record.Values.Length} values; collection '{Index}' holds vectors of {d}.", record.Id);
            }
            var body = ProviderJson.Write(w =>
            {
                w.WriteStartObject();
                w.WriteStartArray("points");
                foreach (var r in records)
                {
                    w.WriteStartObject();
                    w.WritePropertyName("id");
                    QdrantIds.Write(w, r.Id);
                    w.WriteStartArray("vector");
                    foreach (var x in r.Values!) w.WriteNumberValue(x);
                    w.WriteEndArray();
                    var payload = new Dictionary<string, object?>(StringComparer.Ordinal);
                    if (r.Metadata != null) foreach (var p in r.Metadata) payload[p.Key] = p.Value;
                    if (scope != null) payload[_namespaceKey!] = scope;
                    w.WritePropertyName("payload");
                    RecordJson.WriteMetadata(w, payload);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            });
            CheckSize(body.Count, "upsert");
            var resp = await _transport.SendAsync(HttpMethod.Put, _collection + "/points?wait=true", ProviderJson.Content(body), cancellationToken).ConfigureAwait(false);
            var result = UpdateResult(resp);
            result.AffectedCount = records.Count;
            return result;
        }

        // ---- reads ---------------------------------------------------------------------------------------

        public IAsyncEnumerable<IReadOnlyList<string>> ListIdsAsync(string @namespace, string? prefix, CancellationToken cancellationToken)
        {
            var scope = Scope(@namespace);
            var pages = ScrollIdsAsync(scope, null, cancellationToken);
            return string.IsNullOrEmpty(prefix) ? pages : FilterPrefix(pages, prefix!, cancellationToken);
        }

        /// <summary>Qdrant has no id prefix condition (ids are integers or UUIDs): the ids are scrolled and matched here.</summary>
        private static async IAsyncEnumerable<IReadOnlyList<string>> FilterPrefix(IAsyncEnumerable<IReadOnlyList<string>> pages, string prefix,
            [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await foreach (var page in pages.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                var kept = page.Where(id => id.StartsWith(prefix, StringComparison.Ordinal)).ToList();
                if (kept.Count > 0) yield return kept;
            }
        }

        public IAsyncEnumerable<IReadOnlyList<string>> FindIdsAsync(string @namespace, MetadataFilter filter, CancellationToken cancellationToken)
        {
            QdrantFilter.Check(filter, _namespaceKey); // refused before any request
            return ScrollIdsAsync(Scope(@namespace), filter, cancellationToken);
        }

        /// <summary>
        /// points/scroll (ids only) in id order, from next_page_offset to next_page_offset. The offset is an id, not a
        /// position: deleting the points already listed does not move the next page.
        /// </summary>
        private IAsyncEnumerable<IReadOnlyList<string>> ScrollIdsAsync(string? scope, MetadataFilter? filter, CancellationToken cancellationToken) =>
            CursorPaging.Pages<string>(ProviderName, "points/scroll", PageSize, async (cursor, limit, ct) =>
            {
                var body = ProviderJson.Write(w =>
                {
                    w.WriteStartObject();
                    if (scope != null || filter != null)
                    {
                        w.WritePropertyName("filter");
                        QdrantFilter.WriteScoped(w, _namespaceKey, scope, null, filter);
                    }
                    if (cursor != null)
                    {
                        w.WritePropertyName("offset");
                        QdrantIds.Write(w, cursor);
                    }
                    w.WriteNumber("limit", limit);
                    w.WriteBoolean("with_payload", false);
                    w.WriteBoolean("with_vector", false);
                    w.WriteEndObject();
                });
                var r = await _transport.SendAsync(HttpMethod.Post, _collection + "/points/scroll", ProviderJson.Content(body), ct).ConfigureAwait(false);
                using var doc = ProviderJson.Parse(r, ProviderName);
                if (!ProviderJson.TryGetObject(doc.RootElement, "result", out var result) || !ProviderJson.TryGetArray(result, "points", out var points))
                    throw ProviderJson.Malformed(r, ProviderName, "result.points");
                var ids = new List<string>(points.GetArrayLength());
                foreach (var p in points.EnumerateArray())
                    if (ProviderJson.TryGet(p, "id", out var id) && QdrantIds.Read(id) is string s) ids.Add(s);
                string? next = null;
                if (ProviderJson.TryGet(result, "next_page_offset", out var offset) && offset.ValueKind != JsonValueKind.Null)
                    next = QdrantIds.Read(offset) ?? throw ProviderJson.Malformed(r, ProviderName, "a readable next_page_offset");
                return new Page<string>(ids, next);
            }, cancellationToken);

        /// <summary>points/count with exact=true, scoped to the namespace.</summary>
        public Task<long> CountAsync(string @namespace, MetadataFilter filter, CancellationToken cancellationToken)
        {
            QdrantFilter.Check(filter, _namespaceKey);
            return CountScopedAsync(_namespaceKey, Scope(@namespace), null, filter, cancellationToken);
        }

        private async Task<long> CountScopedAsync(string? key, string? scope, IReadOnlyList<string>? ids, MetadataFilter? filter, CancellationToken ct)
        {
            var body = ProviderJson.Write(w =>
            {
                w.WriteStartObject();
                if (scope != null || ids != null || filter != null)
                {
                    w.WritePropertyName("filter");
                    QdrantFilter.WriteScoped(w, key, scope, ids, filter);
                }
                w.WriteBoolean("exact", true);
                w.WriteEndObject();
            });
            var r = await _transport.SendAsync(HttpMethod.Post, _collection + "/points/count", ProviderJson.Content(body), ct).ConfigureAwait(false);
            using var doc = ProviderJson.Parse(r, ProviderName);
            if (!ProviderJson.TryGetObject(doc.RootElement, "result", out var result) || ProviderJson.OptionalInt64(result, "count") is not long count)
                throw ProviderJson.Malformed(r, ProviderName, "result.count");
            return count;
        }

        /// <summary>POST points (retrieve) with payload and vector; points of another namespace are left out.</summary>
        public async Task<IReadOnlyList<VectorRecord>> FetchAsync(string @namespace, IReadOnlyList<string> ids, CancellationToken cancellationToken)
        {
            CheckBatch(ids?.Count ?? 0, PageSize, "fetch");
            foreach (var id in ids!) ValidateId(id);
            var scope = Scope(@namespace);
            var body = ProviderJson.Write(w =>
            {
                w.WriteStartObject();
                w.WriteStartArray("ids");
                foreach (var id in ids) QdrantIds.Write(w, id);
                w.WriteEndArray();
                w.WriteBoolean("with_payload", true);
                w.WriteBoolean("with_vector", true);
                w.WriteEndObject();
            });
            var r = await _transport.SendAsync(HttpMethod.Post, _collection + "/points", ProviderJson.Content(body), cancellationToken).ConfigureAwait(false);
            using var doc = ProviderJson.Parse(r, ProviderName);
            if (!ProviderJson.TryGetArray(doc.RootElement, "result", out var points)) throw ProviderJson.Malformed(r, ProviderName, "a list of points");
            var result = new List<VectorRecord>(points.GetArrayLength());
            foreach (var p in points.EnumerateArray())
            {
                if (!ProviderJson.TryGet(p, "id", out var idElement) || QdrantIds.Read(idElement) is not string id) continue;
                var metadata = new Dictionary<string, object?>(StringComparer.Ordinal);
                if (ProviderJson.TryGetObject(p, "payload", out var payload))
                    foreach (var field in payload.EnumerateObject().OrderBy(f => f.Name, StringComparer.Ordinal))
                        metadata[field.Name] = RecordJson.ToPlain(field.Value);
                if (scope != null)
                {
                    if (!metadata.TryGetValue(_namespaceKey!, out var ns) || !(ns is string s) || !string.Equals(s, scope, StringComparison.Ordinal)) continue;
                    metadata.Remove(_namespaceKey!);
                }
                var record = new VectorRecord(id) { Namespace = @namespace, Metadata = metadata.Count == 0 ? null : metadata };
                if (ProviderJson.TryGet(p, "vector", out var vector))
                {
                    if (vector.ValueKind == JsonValueKind.Array)
                    {
                        var values = new float[vector.GetArrayLength()];
                        var i = 0;
                        foreach (var x in vector.EnumerateArray()) values[i++] = x.GetSingle();
                        record.Values = values;
                    }
                    else if (vector.ValueKind == JsonValueKind.Object)
                        throw Optional.NotSupported(ProviderName, "reading points of named vectors (a backup would lose them)", "RecordRules",
                            "VectorOps reads one unnamed vector a point; delete without -BackupPath, or back up with Qdrant's snapshots.", id);
                }
                result.Add(record);
            }
            return result;
        }

        /// <summary>
        /// Without a namespace key: 'default' with the collection's exact count. With one: facet on the key (exact
        /// counts, one call) when it has a keyword index; otherwise every point's key is scrolled.
        /// </summary>
        public async IAsyncEnumerable<NamespaceInfo> ListNamespacesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            if (_namespaceKey is null)
            {
                var all = await CountScopedAsync(null, null, null, null, cancellationToken).ConfigureAwait(false);
                yield return new NamespaceInfo(Name, Index, SingleNamespace, all);
                yield break;
            }
            IReadOnlyList<KeyValuePair<string, long>>? counts = null;
            if (_keyIndexed) counts = await FacetAsync(cancellationToken).ConfigureAwait(false);
            counts ??= await ScrollNamespacesAsync(cancellationToken).ConfigureAwait(false);
            foreach (var c in counts) yield return new NamespaceInfo(Name, Index, c.Key, c.Value);
        }

        /// <summary>facet {key, limit, exact: true}: null when the answer may be cut off at the limit.</summary>
        private async Task<IReadOnlyList<KeyValuePair<string, long>>?> FacetAsync(CancellationToken ct)
        {
            var body = ProviderJson.Write(w =>
            {
                w.WriteStartObject();
                w.WriteString("key", _namespaceKey);
                w.WriteNumber("limit", FacetLimit);
                w.WriteBoolean("exact", true);
                w.WriteEndObject();
            });
            var r = await _transport.SendAsync(HttpMethod.Post, _collection + "/facet", ProviderJson.Content(body), ct).ConfigureAwait(false);
            using var doc = ProviderJson.Parse(r, ProviderName);
            if (!ProviderJson.TryGetObject(doc.RootElement, "result", out var result) || !ProviderJson.TryGetArray(result, "hits", out var hits))
                throw ProviderJson.Malformed(r, ProviderName, "result.hits");
            if (hits.GetArrayLength() >= FacetLimit) return null;
            var list = new List<KeyValuePair<string, long>>();
            foreach (var h in hits.EnumerateArray())
                if (ProviderJson.TryGet(h, "value", out var v) && v.ValueKind == JsonValueKind.String && ProviderJson.OptionalInt64(h, "count") is long n)
                    list.Add(new KeyValuePair<string, long>(v.GetString()!, n));
            return list.OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        }

        /// <summary>Every point's namespace key, scrolled (with_payload: [key]) and counted here.</summary>
        private async Task<IReadOnlyList<KeyValuePair<string, long>>> ScrollNamespacesAsync(CancellationToken cancellationToken)
        {
            var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
            await foreach (var page in CursorPaging.Pages<string>(ProviderName, "points/scroll", PageSize, async (cursor, limit, ct) =>
            {
                var body = ProviderJson.Write(w =>
                {
                    w.WriteStartObject();
                    if (cursor != null)
                    {
                        w.WritePropertyName("offset");
                        QdrantIds.Write(w, cursor.Substring(cursor.IndexOf(' ') + 1));
                    }
                    w.WriteNumber("limit", limit);
                    w.WriteStartArray("with_payload");
                    w.WriteStringValue(_namespaceKey);
                    w.WriteEndArray();
                    w.WriteBoolean("with_vector", false);
                    w.WriteEndObject();
                });
                var r = await _transport.SendAsync(HttpMethod.Post, _collection + "/points/scroll", ProviderJson.Content(body), ct).ConfigureAwait(false);
                using var doc = ProviderJson.Parse(r, ProviderName);
                if (!ProviderJson.TryGetObject(doc.RootElement, "result", out var result) || !ProviderJson.TryGetArray(result, "points", out var points))
                    throw ProviderJson.Malformed(r, ProviderName, "result.points");
                var values = new List<string>();
                foreach (var p in points.EnumerateArray())
                    if (ProviderJson.TryGetObject(p, "payload", out var payload) && ProviderJson.OptionalString(payload, _namespaceKey!) is string ns) values.Add(ns);
                string? next = null;
                if (ProviderJson.TryGet(result, "next_page_offset", out var offset) && offset.ValueKind != JsonValueKind.Null)
                    next = "offset " + (QdrantIds.Read(offset) ?? throw ProviderJson.Malformed(r, ProviderName, "a readable next_page_offset"));
                return new Page<string>(values, next);
            }, cancellationToken).ConfigureAwait(false))
            {
                foreach (var ns in page) counts[ns] = counts.TryGetValue(ns, out var n) ? n + 1 : 1;
            }
            return counts.ToList();
        }

        public async Task<IndexStats> GetStatsAsync(CancellationToken cancellationToken)
        {
            var r = await _transport.SendAsync(HttpMethod.Get, _collection, null, cancellationToken).ConfigureAwait(false);
            var facts = ParseFacts(r);
            var list = new List<NamespaceInfo>();
            await foreach (var ns in ListNamespacesAsync(cancellationToken).ConfigureAwait(false)) list.Add(ns);
            return new IndexStats
            {
                Provider = Name,
                Index = Index,
                Dimension = facts.Dimension,
                // points_count is approximate in Qdrant's document: the exact count of the namespaces where there is one.
                TotalRecordCount = _namespaceKey is null && list.Count == 1 ? list[0].RecordCount : facts.PointsCount,
                Namespaces = list,
            };
        }

        /// <summary>
        /// Qdrant has no call that reports an operation_id's progress (the document offers none): each acknowledged
        /// delete is confirmed by reading, scoped to its namespace with the payload key it was written with (its
        /// ProviderState) — an id delete once none of its ids can be retrieved (points/count with has_id, exact), a
        /// filter delete once its filter counts 0, a namespace clear once the namespace counts 0; an upsert (sent with
        /// wait=true, so pending only after a wait_timeout) once every id reads back. A point written again meanwhile
        /// keeps its delete pending (the wait times out and says so), never the reverse.
        /// </summary>
        public async Task<IReadOnlyList<VectorMutation>> GetAppliedAsync(IReadOnlyList<VectorMutation> pending, CancellationToken cancellationToken)
        {
            var applied = new List<VectorMutation>();
            if (pending is null) return applied;
            foreach (var m in pending)
            {
                var key = m.ProviderState != null && m.ProviderState.StartsWith(StatePrefix, StringComparison.Ordinal)
                    ? m.ProviderState.Substring(StatePrefix.Length) : _namespaceKey ?? "";
                var scopeKey = key.Length == 0 ? null : key;
                var scope = scopeKey is null ? null : m.Namespace ?? SingleNamespace;
                long left;
                if (m.Operation == MutationOperation.Upsert)
                {
                    // Sent with wait=true, so acknowledged only after a wait_timeout: applied once every id reads back in its namespace.
                    var written = m.Ids?.Where(QdrantIds.IsValid).Distinct(StringComparer.Ordinal).ToList();
                    if (written is null || written.Count == 0) continue;
                    if (await CountScopedAsync(scopeKey, scope, written, null, cancellationToken).ConfigureAwait(false) == written.Count) applied.Add(m);
                    continue;
                }
                if (m.Ids != null && m.Ids.Count > 0)
                {
                    var ids = m.Ids.Where(QdrantIds.IsValid).Distinct(StringComparer.Ordinal).ToList();
                    if (ids.Count == 0) continue;
                    left = await CountScopedAsync(scopeKey, scope, ids, null, cancellationToken).ConfigureAwait(false);
                }
                else if (!string.IsNullOrEmpty(m.Filter))
                {
                    var filter = MetadataFilter.ParseJson(m.Filter!);
                    QdrantFilter.Check(filter, scopeKey);
                    left = await CountScopedAsync(scopeKey, scope, null, filter, cancellationToken).ConfigureAwait(false);
                }
                else if (m.Operation == MutationOperation.ClearNamespace && scope != null)
                    left = await CountScopedAsync(scopeKey, scope, null, null, cancellationToken).ConfigureAwait(false);
                else
                    continue; // nothing to read it by: it stays pending, and the wait says so
                if (left == 0) applied.Add(m);
            }
            return applied;
        }

        private static string Show(string s) => s.Length > 80 ? s.Substring(0, 80) + "…" : s;

        public void Dispose() { }

        public override string ToString() => $"{Name}:{Index}@{Endpoint}";
    }
}
