using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
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

namespace VectorOps.Providers.Vectorize
{
    /// <summary>
    /// Cloudflare Vectorize (v2 REST API, <c>{base}/accounts/{account}/vectorize/v2/indexes/{index}/...</c>) over
    /// the shared <see cref="HttpTransport"/>.
    /// <para>
    /// Namespaces: Vectorize has no namespace object, only an optional <c>namespace</c> string on each vector, and
    /// vector ids are unique across the whole index. VectorOps' default namespace <c>__default__</c> stands for the
    /// vectors stored without a namespace (get_by_ids answers none, null or ""); a vector whose namespace is
    /// literally "__default__" is counted in it too. Records upserted to <c>__default__</c> are written without a
    /// namespace. Deleting by id deletes that id wherever it lives (delete_by_ids takes no namespace).
    /// </para>
    /// <para>
    /// The service has no delete by filter, prefix or namespace, and no way to list ids by prefix or namespace:
    /// <c>list</c> pages (up to 1000 ids, no metadata) are read, <c>get_by_ids</c> (100 a call) tells each id's
    /// namespace and metadata, the prefix and the filter are applied here (the filter by
    /// <see cref="MetadataFilter.Matches"/>, the same code the local provider and the emulators use), and the matched
    /// ids go to <c>delete_by_ids</c> in batches of 100, page after page.
    /// </para>
    /// <para>
    /// Rate: Cloudflare allows 1,200 requests per 5 minutes per account (4/s), shared by every client of the
    /// account; over it, every call is refused for 5 minutes. By default requests are paced by that window's budget
    /// (<see cref="RequestPacer.Window(int, TimeSpan)"/>): at most <see cref="WindowShare"/> of the limit (1,080) in any 5 minutes,
    /// per account across every connection of this process, so a job of fewer requests runs at the speed of its
    /// round trips and a longer one averages 3.6/s. A RequestsPerSecond setting asks for an even pace instead. A
    /// 429 whose Retry-After exceeds the transport's MaxRetryDelay is reported at once, and no further request
    /// goes to that account until the block ends.
    /// </para>
    /// </summary>
    public sealed class VectorizeProvider : IVectorProvider
    {
        public const string ProviderName = "CloudflareVectorize";
        public const string DefaultNamespaceName = "__default__";
        public static readonly Uri DefaultBaseUri = new Uri("https://api.cloudflare.com/client/v4");

        /// <summary>
        /// The share of the account's window that VectorOps allows itself: 0.9, i.e. 1,080 requests in any 5 minutes
        /// (3.6/s on average), leaving 120 a window to the account's other API clients. Going over blocks the whole
        /// account for 5 minutes, so the margin is kept wider than where a 429 costs only a retry.
        /// </summary>
        public const double WindowShare = 0.9;

        /// <summary>
        /// The long-run average of the default pace: <see cref="WindowShare"/> x 1,200 / 300 s = 3.6 requests/s
        /// (also what an even pace would send; the default is the window's budget, not an even pace).
        /// </summary>
        public const double DefaultRequestsPerSecond = WindowShare * AccountRequestLimit / AccountRequestWindowSeconds;

        /// <summary>Ids per delete_by_ids / get_by_ids call: the service rejects more (error 40007).</summary>
        public const int MaxIdsPerCall = 100;

        /// <summary>Largest page of <c>list</c>.</summary>
        public const int MaxListPageSize = 1000;

        /// <summary>
        /// Vectors per NDJSON upsert. The HTTP API takes more, but 500 vectors of the largest dimension (1536 floats,
        /// ~19 KB as text) with the largest metadata (10 KiB) stay near 15 MB, far below the request body limit,
        /// and a failed batch is cheap to resend.
        /// </summary>
        public const int UpsertBatchSize = 500;

        /// <summary>The account-wide request limit and its window, as Cloudflare publishes them.</summary>
        public const int AccountRequestLimit = 1200;

        /// <summary>The window of <see cref="AccountRequestLimit"/>, in seconds (5 minutes).</summary>
        public const int AccountRequestWindowSeconds = 300;

        /// <summary>
        /// Margin added to a server time read from a Date header before comparing it with processedUpToDatetime:
        /// the header has whole seconds and servers may cache it for up to a second, so the true time of the
        /// answer is less than Date + 2 s.
        /// </summary>
        private static readonly TimeSpan DateHeaderMargin = TimeSpan.FromSeconds(2);

        private static readonly ConcurrentDictionary<string, DateTimeOffset> AccountBlocks = new ConcurrentDictionary<string, DateTimeOffset>(StringComparer.Ordinal);

        private readonly HttpTransport _transport;
        private readonly TransportOptions _options;
        private readonly RequestPacer _pacer;
        private readonly int _requestLimit;
        private readonly int _requestWindowSeconds;
        private readonly string _indexPath;
        private readonly string _accountKey;
        private readonly int _listPageSize;
        private readonly Action<string>? _trace;
        private readonly SettingNames _names;
        private readonly ConcurrentDictionary<string, DateTimeOffset> _acknowledgedBefore = new ConcurrentDictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        private readonly ConcurrentQueue<string> _acknowledgedOrder = new ConcurrentQueue<string>();
        private long _clockOffsetTicks; // server clock minus local clock, from the last Date header
        private int _idNamespaceNoted;

        private VectorizeProvider(string accountId, string index, Uri baseUri, Secret token, double? requestsPerSecond,
            int requestLimit, int windowSeconds, ConnectionSettings settings, int listPageSize)
        {
            AccountId = accountId;
            Index = index;
            _trace = settings.Trace;
            _names = settings.Names;
            _listPageSize = listPageSize;
            _indexPath = $"accounts/{VectorizeNames.Segment(accountId)}/vectorize/v2/indexes/{VectorizeNames.Segment(index)}";
            var authorization = new AuthenticationHeaderValue("Bearer", token.Reveal());
            _options = ProviderTransport.Options(settings, ProviderName, token, request => request.Headers.Authorization = authorization, MapError);
            _transport = new HttpTransport(baseUri, _options);
            _accountKey = _transport.BaseUri.AbsoluteUri.TrimEnd('/') + "|" + accountId.ToLowerInvariant();
            // The limit is the account's, shared by every connection of the process: the process-wide pacers. By
            // default the window's budget (0.9 of it in any window); an even pace when the user asked for a rate.
            _requestLimit = requestLimit;
            _requestWindowSeconds = windowSeconds;
            _pacer = requestsPerSecond is double rps
                ? Pacers.Process.For(_accountKey, rps)
                : Pacers.Process.ForWindow(_accountKey, Math.Max(1, (int)Math.Floor(requestLimit * WindowShare)), TimeSpan.FromSeconds(windowSeconds));
            Endpoint = _transport.BaseUri.AbsoluteUri.TrimEnd('/') + "/" + _indexPath;
            Capabilities = new ProviderCapabilities
            {
                MaxIdsPerDelete = MaxIdsPerCall,
                MaxIdsPerFetch = MaxIdsPerCall,
                MaxRecordsPerUpsert = UpsertBatchSize,
                NativeFilterDelete = false,
                NativeNamespaceClear = false,
                CountsFilterMatches = false,
                SupportsNamespaces = true,
                CanRemoveNamespace = false,
                AsyncMutations = true,
                DeletesValidatedIds = true,
                // The pacer bounds the rate over a window; within the window's budget, 3 in flight set the speed.
                DefaultConcurrency = 3,
            };
        }

        /// <summary>
        /// Reads AccountId (or CLOUDFLARE_ACCOUNT_ID), Index, the token (Credential, or CLOUDFLARE_API_TOKEN), BaseUri
        /// (default https://api.cloudflare.com/client/v4; https unless loopback), RequestsPerSecond (an even pace;
        /// default: none, the window's budget), RateLimit and RateWindowSeconds (default 1,200 per
        /// 300), RequestTimeout, MaxAttempts and ListPageSize (1-1000, default 1000). Everything is checked
        /// here, so a bad setting fails before any request.
        /// </summary>
        public static IVectorProvider Create(ConnectionSettings settings)
        {
            if (settings is null) throw new ArgumentNullException(nameof(settings));
            settings.Provider = ProviderName;
            return ProviderRegistry.Create(settings);
        }

        /// <summary>The descriptor's factory: the settings are checked against it (ProviderDescriptor.Prepare).</summary>
        internal static IVectorProvider Open(ConnectionSettings settings)
        {
            var names = settings.Names;
            VectorizeNames.ValidateIndexName(settings.Index, names);
            // The registry filled AccountId from CLOUDFLARE_ACCOUNT_ID when it was not given (VectorizeDescriptor).
            var account = settings.Find<string>(VectorizeDescriptor.AccountId);
            VectorizeNames.ValidateAccountId(account?.Trim(), names);
            var baseUri = EndpointGuard.Require(settings.Find<Uri>(VectorizeDescriptor.BaseUri) ?? DefaultBaseUri, ProviderName);
            if (settings.DefaultNamespace != null) VectorizeNames.ValidateNamespace(settings.DefaultNamespace);

            var rps = settings.RequestsPerSecond ?? DefaultRequestsPerSecond;
            if (double.IsNaN(rps) || rps <= 0 || double.IsInfinity(rps))
                throw new VectorOpsException(ErrorIds.InvalidArgument, VectorOpsErrorCategory.InvalidArgument,
                    $"{names.Option(Setting.RequestsPerSecond)} must be a positive number, not {rps.ToString(CultureInfo.InvariantCulture)}. Cloudflare allows {AccountRequestLimit:N0} requests per 5 minutes per account (4 per second).",
                    settings.RequestsPerSecond);
            if (settings.MaxAttempts is int attempts && attempts < 1)
                throw new VectorOpsException(ErrorIds.InvalidArgument, VectorOpsErrorCategory.InvalidArgument,
                    $"{names.Option(Setting.MaxAttempts)} must be at least 1, not {attempts}.", attempts);

            // Range-checked by the registry (1 to MaxListPageSize).
            var pageSize = settings.Get(VectorizeDescriptor.ListPageSize, MaxListPageSize);

            // The credential is checked last so that every other mistake is reported even without one.
            var token = settings.RequireCredential();
            // What came from the environment is written back, so the connection shows the account and the masked token.
            settings[VectorizeDescriptor.AccountId] = account!.Trim();
            // Range-checked by the registry; Cloudflare's published figures unless the account has others.
            var limit = settings.Get(VectorizeDescriptor.RateLimit, AccountRequestLimit);
            var window = settings.Get(VectorizeDescriptor.RateWindowSeconds, AccountRequestWindowSeconds);
            return new VectorizeProvider(account!.Trim(), settings.Index!, baseUri, token, settings.RequestsPerSecond, limit, window, settings, pageSize);
        }

        public string Name => ProviderName;
        public string Index { get; }
        public string AccountId { get; }
        public string Endpoint { get; }
        public ProviderCapabilities Capabilities { get; }
        /// <summary>Always <c>__default__</c>: the vectors stored without a namespace (a connection may still name another as its own default).</summary>
        public string DefaultNamespace => DefaultNamespaceName;

        /// <summary>
        /// Requests per second this connection allows itself (shared by every connection to the same account): the
        /// even pace asked for, or the long-run average of the window's budget (3.6 by default).
        /// </summary>
        public double RequestsPerSecond => _pacer.RequestsPerSecond;

        /// <summary>Requests allowed in any window of <see cref="RequestWindow"/> (0.9 of the account's limit); null for an even pace.</summary>
        public int? WindowBudget => _pacer.WindowLimit;

        /// <summary>The window of <see cref="WindowBudget"/>; null for an even pace.</summary>
        public TimeSpan? RequestWindow => _pacer.WindowLength;

        public void ValidateId(string id) => VectorizeNames.ValidateId(id);

        public void ValidateNamespace(string @namespace) => VectorizeNames.ValidateNamespace(@namespace);

        /// <summary>Most bytes of metadata a vector may carry (Vectorize's limits: 10 KiB).</summary>
        public const int MaxMetadataBytes = 10 * 1024;

        /// <summary>
        /// Vectorize's record rules: dense values only, of the index's dimensions (GET /info); no sparse values;
        /// metadata of at most 10 KiB whose values are strings, numbers, booleans, lists of strings (the Workers
        /// types' VectorizeVectorMetadataValue) or objects of these (filters reach them with dots); null is a value
        /// (filters take $eq null), so it is written as it is.
        /// </summary>
        public RecordRules RecordRules { get; } = new RecordRules
        {
            ReadsIndexDimension = true,
            DenseValues = DenseValuesRule.Required,
            SparseValues = false,
            MetadataNulls = MetadataNullRule.Keep,
            NestedMetadata = true,
            MetadataListsOfStringsOnly = true,
            MaxMetadataBytes = MaxMetadataBytes,
            MetadataTypes = "a string, number, boolean, null, list of strings or object of these",
        };

        public void Dispose() { }

        /// <summary>Forgets every account block this process has seen (tests that provoke a block clean up with it).</summary>
        internal static void ForgetAccountBlocks() => AccountBlocks.Clear();

        // ---- writes --------------------------------------------------------------------------------

        public async Task<ProviderWriteResult> DeleteByIdsAsync(string @namespace, IReadOnlyList<string> ids, CancellationToken cancellationToken)
        {
            CheckIdBatch(ids, "delete_by_ids");
            return await SendDeleteAsync(@namespace, ids, cancellationToken).ConfigureAwait(false);
        }

        public async Task<ProviderWriteResult> DeleteValidatedIdsAsync(string @namespace, IReadOnlyList<string> ids, CancellationToken cancellationToken)
        {
            CheckIdCount(ids, "delete_by_ids");
            return await SendDeleteAsync(@namespace, ids, cancellationToken).ConfigureAwait(false);
        }

        private async Task<ProviderWriteResult> SendDeleteAsync(string @namespace, IReadOnlyList<string> ids, CancellationToken cancellationToken)
        {
            if (!IsDefault(@namespace) && Interlocked.Exchange(ref _idNamespaceNoted, 1) == 0)
                _trace?.Invoke($"Vectorize ids are unique across the index: delete_by_ids removes each id whatever its namespace ('{@namespace}' does not restrict it).");
            var body = IdsBody(ids);
            var (result, response) = await CallAsync(HttpMethod.Post, "/delete_by_ids", () => Json(body), cancellationToken).ConfigureAwait(false);
            return Acknowledged(result, response);
        }

        public Task<ProviderWriteResult> DeleteByFilterAsync(string @namespace, MetadataFilter filter, CancellationToken cancellationToken) =>
            throw Optional.NotSupported(ProviderName, "delete by filter", nameof(ProviderCapabilities.NativeFilterDelete),
                "VectorOps finds the matching ids (list, get_by_ids) and deletes them by id.", filter?.Json);

        /// <summary>
        /// Deletes every vector of the namespace, sequentially: list, get_by_ids, delete_by_ids in 100s. The command
        /// layer does not call this (Capabilities.NativeNamespaceClear is false: it streams the same steps into
        /// batches so that each delete_by_ids is its own mutation); it is here for direct callers of the interface.
        /// The answer carries the last delete's mutation id (Vectorize applies an index's mutations in order).
        /// </summary>
        public async Task<ProviderWriteResult> ClearNamespaceAsync(string @namespace, bool removeNamespace, CancellationToken cancellationToken)
        {
            if (removeNamespace)
                throw new VectorOpsException(ErrorIds.NotSupported, VectorOpsErrorCategory.NotImplemented,
                    "Vectorize has no namespace object to remove; clear the records only.", @namespace);
            ValidateNamespace(@namespace);
            var total = new ProviderWriteResult { Attempts = 0, AffectedCount = 0, Applied = false };
            var batch = new List<string>(MaxIdsPerCall);
            await foreach (var page in ListIdsAsync(@namespace, null, cancellationToken).ConfigureAwait(false))
            {
                foreach (var id in page)
                {
                    batch.Add(id);
                    if (batch.Count == MaxIdsPerCall) await Send().ConfigureAwait(false);
                }
            }
            if (batch.Count > 0) await Send().ConfigureAwait(false);
            if (total.Attempts == 0) total.Applied = true; // nothing to delete
            return total;

            async Task Send()
            {
                var r = await DeleteByIdsAsync(@namespace, batch.ToList(), cancellationToken).ConfigureAwait(false);
                total.ProviderMutationId = r.ProviderMutationId;
                total.Attempts += r.Attempts;
                total.AffectedCount += batch.Count;
                batch.Clear();
            }
        }

        /// <summary>Upserts up to <see cref="UpsertBatchSize"/> records as NDJSON; records of the default namespace are written without one.</summary>
        public async Task<ProviderWriteResult> UpsertAsync(string @namespace, IReadOnlyList<VectorRecord> records, CancellationToken cancellationToken)
        {
            if (records is null || records.Count == 0)
                throw new VectorOpsException(ErrorIds.InvalidArgument, VectorOpsErrorCategory.InvalidArgument, "No records to upsert.", null);
            if (records.Count > UpsertBatchSize)
                throw new VectorOpsException(ErrorIds.InvalidArgument, VectorOpsErrorCategory.InvalidArgument,
                    $"At most {UpsertBatchSize} records go in one Vectorize upsert, not {records.Count}.", records.Count);
            ValidateNamespace(@namespace);
            var payload = Ndjson(@namespace, records);
            var (result, response) = await CallAsync(HttpMethod.Post, "/upsert", ProviderJson.Content(payload, "application/x-ndjson"), cancellationToken).ConfigureAwait(false);
            var ack = Acknowledged(result, response);
            ack.ProviderState = UpsertState(@namespace, records);
            return ack;
        }

        private const string UpsertStatePrefix = "vectorize-upsert-digest:v1:";

        /// <summary>
        /// A digest of what the upsert writes (each id's values, metadata and namespace; the last record of an id
        /// wins, as in the service), kept on the mutation so a later wait can read the ids back and compare.
        /// </summary>
        private static string UpsertState(string @namespace, IReadOnlyList<VectorRecord> records)
        {
            var ns = IsDefault(@namespace) ? null : @namespace;
            var written = new Dictionary<string, ulong>(StringComparer.Ordinal);
            foreach (var r in records)
                written[r.Id] = RecordDigest.Of(r.Values, r.Metadata, r.Namespace is null || IsDefault(r.Namespace) ? ns : r.Namespace);
            return UpsertStatePrefix + RecordDigest.Combine(written).ToString("x16", CultureInfo.InvariantCulture);
        }

        private byte[] Ndjson(string @namespace, IReadOnlyList<VectorRecord> records)
        {
            var ns = IsDefault(@namespace) ? null : @namespace;
            using var ms = new MemoryStream();
            foreach (var r in records)
            {
                if (r is null) throw new VectorOpsException(ErrorIds.InvalidRecord, VectorOpsErrorCategory.InvalidArgument, "A record is null.", null);
                ValidateId(r.Id);
                if (r.Values is null || r.Values.Length == 0)
                    throw new VectorOpsException(ErrorIds.InvalidRecord, VectorOpsErrorCategory.InvalidArgument,
                        $"Record '{r.Id}' has no values: Vectorize stores dense vectors only.", r.Id);
                if (r.SparseValues != null)
                    throw new VectorOpsException(ErrorIds.InvalidRecord, VectorOpsErrorCategory.InvalidArgument,
                        $"Record '{r.Id}' has sparse values, which Vectorize does not store.", r.Id);
                var recordNs = r.Namespace is null || IsDefault(r.Namespace) ? ns : r.Namespace;
                if (recordNs != null) ValidateNamespace(recordNs);
                using (var w = new Utf8JsonWriter(ms))
                {
                    w.WriteStartObject();
                    w.WriteString("id", r.Id);
                    w.WriteStartArray("values");
                    foreach (var x in r.Values) w.WriteNumberValue(x);
                    w.WriteEndArray();
                    if (r.Metadata != null)
                    {
                        w.WritePropertyName("metadata");
                        RecordJson.WriteMetadata(w, r.Metadata);
                    }
                    if (recordNs != null) w.WriteString("namespace", recordNs);
                    w.WriteEndObject();
                }
                ms.WriteByte((byte)'\n');
            }
            return ms.ToArray();
        }

        private ProviderWriteResult Acknowledged(JsonElement result, TransportResponse response)
        {
            string? mutationId = null;
            if (result.ValueKind == JsonValueKind.Object && result.TryGetProperty("mutationId", out var id) && id.ValueKind == JsonValueKind.String)
                mutationId = id.GetString();
            if (string.IsNullOrEmpty(mutationId))
                throw new VectorOpsException(ErrorIds.ProviderProtocolError, VectorOpsErrorCategory.ProtocolError,
                    $"{ProviderName} accepted {response.Method} {response.Path} but answered no mutationId.", response.Path)
                { StatusCode = response.StatusCode, Attempts = response.Attempts };
            // The mutation was enqueued before the answer left the server: remember that time (server clock).
            RememberAcknowledgement(mutationId!, ServerTime(response) + DateHeaderMargin);
            return new ProviderWriteResult { ProviderMutationId = mutationId, Attempts = response.Attempts, Applied = false };
        }

        // ---- reads ---------------------------------------------------------------------------------

        /// <summary>
        /// Ids of the namespace, optionally by prefix, one list page at a time. The prefix is applied here (list has
        /// no prefix parameter) and each candidate's namespace is learnt with get_by_ids, so a page costs one list
        /// call plus one get_by_ids per 100 candidates. Pages with no match are not yielded.
        /// </summary>
        public async IAsyncEnumerable<IReadOnlyList<string>> ListIdsAsync(string @namespace, string? prefix,
            [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            ValidateNamespace(@namespace);
            await foreach (var page in ListPagesAsync(cancellationToken).ConfigureAwait(false))
            {
                var candidates = prefix is null ? page : page.Where(id => id.StartsWith(prefix, StringComparison.Ordinal)).ToList();
                if (candidates.Count == 0) continue;
                var matched = new List<string>(candidates.Count);
                foreach (var record in await GetManyAsync(candidates, cancellationToken).ConfigureAwait(false))
                    if (InNamespace(record, @namespace)) matched.Add(record.Id);
                if (matched.Count > 0) yield return matched;
            }
        }

        /// <summary>Ids whose metadata matches the filter: list, get_by_ids in 100s, MetadataFilter.Matches; one list page at a time.</summary>
        public async IAsyncEnumerable<IReadOnlyList<string>> FindIdsAsync(string @namespace, MetadataFilter filter,
            [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            if (filter is null) throw new ArgumentNullException(nameof(filter));
            ValidateNamespace(@namespace);
            await foreach (var page in ListPagesAsync(cancellationToken).ConfigureAwait(false))
            {
                var matched = new List<string>();
                foreach (var record in await GetManyAsync(page, cancellationToken).ConfigureAwait(false))
                    if (InNamespace(record, @namespace) && filter.Matches(record.Metadata)) matched.Add(record.Id);
                if (matched.Count > 0) yield return matched;
            }
        }

        /// <summary>Vectorize cannot count filter matches without reading every record (CountsFilterMatches is false: the command counts by listing).</summary>
        public Task<long> CountAsync(string @namespace, MetadataFilter filter, CancellationToken cancellationToken) =>
            throw Optional.NotSupported(ProviderName, "counting filter matches", nameof(ProviderCapabilities.CountsFilterMatches),
                "list the matching ids (FindIdsAsync) instead.", filter?.Json);

        /// <summary>get_by_ids for up to 100 ids; records of other namespaces are left out like missing ones.</summary>
        public async Task<IReadOnlyList<VectorRecord>> FetchAsync(string @namespace, IReadOnlyList<string> ids, CancellationToken cancellationToken)
        {
            CheckIdBatch(ids, "get_by_ids");
            ValidateNamespace(@namespace);
            var records = await GetByIdsAsync(ids, cancellationToken).ConfigureAwait(false);
            return records.Where(r => InNamespace(r, @namespace)).ToList();
        }

        /// <summary>
        /// The namespaces that list and get_by_ids reveal, with exact counts. Vectorize has no namespace listing, so
        /// this reads every vector of the index (one list call per 1000 ids and one get_by_ids per 100).
        /// </summary>
        public async IAsyncEnumerable<NamespaceInfo> ListNamespacesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            _trace?.Invoke("Vectorize has no namespace listing: reading every vector (list, get_by_ids) to find the namespaces and count them.");
            var counts = new Dictionary<string, long>(StringComparer.Ordinal);
            await foreach (var page in ListPagesAsync(cancellationToken).ConfigureAwait(false))
            {
                foreach (var record in await GetManyAsync(page, cancellationToken).ConfigureAwait(false))
                {
                    var ns = NamespaceOf(record);
                    counts[ns] = counts.TryGetValue(ns, out var n) ? n + 1 : 1;
                }
            }
            foreach (var pair in counts.OrderBy(p => p.Key, StringComparer.Ordinal))
                yield return new NamespaceInfo(Name, Index, pair.Key, pair.Value);
        }

        /// <summary>GET /info: dimensions and vector count. Namespaces are left empty (they cost a full scan: Get-VectorNamespace does it).</summary>
        public async Task<IndexStats> GetStatsAsync(CancellationToken cancellationToken)
        {
            var info = await InfoAsync(cancellationToken).ConfigureAwait(false);
            return new IndexStats
            {
                Provider = Name,
                Index = Index,
                Dimension = info.Dimensions,
                TotalRecordCount = info.VectorCount,
            };
        }

        /// <summary>
        /// One GET /info for all pending mutations (plus, for deletes the cheap rules leave open, a get_by_ids of
        /// their ids). Mutation ids are unordered UUIDs, so a mutation counts as applied when:
        /// 1. processedUpToMutation is its id;
        /// 2. processedUpToMutation is another pending mutation that was sent after this one was acknowledged
        ///    (an index's mutations are applied in order);
        /// 3. processedUpToDatetime is past the time the service enqueued it (bounded, in the server's clock, by
        ///    the Date header of its answer plus a margin for that header's whole seconds);
        /// 4. it is a delete whose ids get_by_ids no longer returns, once processing has reached its time
        ///    (processedUpToMutation is a mutation of this run that overlapped or followed it, or
        ///    processedUpToDatetime is past the moment it was sent). Rule 4 confirms deletes that ran
        ///    concurrently with the last one applied, which the whole-second Date header cannot order. An upsert is
        ///    checked the same way: get_by_ids answers every record with the values, metadata and namespace it wrote
        ///    (a digest carried by the mutation as ProviderState, so a later session can check it too).
        /// </summary>
        public async Task<IReadOnlyList<VectorMutation>> GetAppliedAsync(IReadOnlyList<VectorMutation> pending, CancellationToken cancellationToken)
        {
            var ours = pending.Where(m => !string.IsNullOrEmpty(m.ProviderMutationId)).ToList();
            if (ours.Count == 0) return Array.Empty<VectorMutation>();
            var info = await InfoAsync(cancellationToken).ConfigureAwait(false);
            var offset = TimeSpan.FromTicks(Interlocked.Read(ref _clockOffsetTicks));
            var applied = new List<VectorMutation>();
            var open = new List<VectorMutation>();
            var latest = info.ProcessedUpToMutation is null ? null
                : ours.FirstOrDefault(m => string.Equals(m.ProviderMutationId, info.ProcessedUpToMutation, StringComparison.OrdinalIgnoreCase));
            foreach (var m in ours)
            {
                if (ReferenceEquals(m, latest) ||
                    (latest != null && m.CompletedAt is DateTimeOffset done && latest.StartedAt is DateTimeOffset sent && done <= sent) ||
                    (info.ProcessedUpToDatetime is DateTimeOffset upTo && EnqueuedNoLaterThan(m, offset) is DateTimeOffset bound && upTo >= bound))
                    applied.Add(m);
                else
                    open.Add(m);
            }

            var checks = 0;
            foreach (var m in open)
            {
                if (checks >= MaxReadChecksPerPoll) break;
                if (!ProcessingReached(m, latest, info, offset)) continue;
                if (IsIdDelete(m))
                {
                    var ids = m.Ids!.Where(id => !string.IsNullOrEmpty(id)).Distinct(StringComparer.Ordinal).ToList();
                    if (ids.Count == 0 || ids.Count > MaxIdsPerCall) continue;
                    checks++;
                    var still = await GetByIdsAsync(ids, cancellationToken).ConfigureAwait(false);
                    if (still.Count == 0) applied.Add(m);
                }
                else if (m.Operation == MutationOperation.Upsert && m.Ids != null && m.Ids.Count > 0 &&
                         m.ProviderState != null && m.ProviderState.StartsWith(UpsertStatePrefix, StringComparison.Ordinal))
                {
                    checks++;
                    var ids = m.Ids.Distinct(StringComparer.Ordinal).ToList();
                    var seen = await GetManyAsync(ids, cancellationToken).ConfigureAwait(false);
                    if (seen.Count != ids.Count) continue;
                    var read = new Dictionary<string, ulong>(StringComparer.Ordinal);
                    foreach (var r in seen) read[r.Id] = RecordDigest.Of(r.Values, r.Metadata, IsDefault(r.Namespace) ? null : r.Namespace);
                    if (string.Equals(UpsertStatePrefix + RecordDigest.Combine(read).ToString("x16", CultureInfo.InvariantCulture), m.ProviderState, StringComparison.Ordinal))
                        applied.Add(m);
                }
            }
            foreach (var m in applied) _acknowledgedBefore.TryRemove(m.ProviderMutationId!, out _);
            return applied;
        }

        /// <summary>Most mutations one poll checks by reading (rule 4); the rest wait for the next poll.</summary>
        private const int MaxReadChecksPerPoll = 10;

        private static bool IsIdDelete(VectorMutation m) =>
            m.Operation != MutationOperation.Upsert && m.Ids != null && m.Ids.Count > 0;

        /// <summary>Whether the service has processed mutations from around the time this one was sent.</summary>
        private static bool ProcessingReached(VectorMutation m, VectorMutation? latest, IndexInfo info, TimeSpan offset)
        {
            if (latest != null && m.StartedAt is DateTimeOffset sent && latest.CompletedAt is DateTimeOffset latestDone && latestDone >= sent)
                return true;
            // The server's clock is at least the local clock plus the offset learnt from Date headers (which lag).
            return info.ProcessedUpToDatetime is DateTimeOffset upTo && m.StartedAt is DateTimeOffset started && upTo >= started + offset;
        }

        /// <summary>
        /// Acknowledgement times kept for mutations not yet confirmed. A delete of 10,000,000 ids is 100,000 mutations;
        /// keeping them all would make memory grow with N, so the oldest are forgotten past this many. A forgotten one
        /// falls back to its local completion time plus the learnt clock offset and margin, which is later, so a wait
        /// on it can only take longer, never end early.
        /// </summary>
        internal int AcknowledgementsKept { get; set; } = 10_000;

        /// <summary>Acknowledgement times held now (tests: it stays within <see cref="AcknowledgementsKept"/>).</summary>
        internal int AcknowledgementsHeld => _acknowledgedBefore.Count;

        private void RememberAcknowledgement(string mutationId, DateTimeOffset serverTime)
        {
            _acknowledgedBefore[mutationId] = serverTime;
            _acknowledgedOrder.Enqueue(mutationId);
            while (_acknowledgedOrder.Count > AcknowledgementsKept && _acknowledgedOrder.TryDequeue(out var oldest))
                _acknowledgedBefore.TryRemove(oldest, out _);
        }

        /// <summary>A server time no earlier than when the service enqueued the mutation, or null when unknown.</summary>
        private DateTimeOffset? EnqueuedNoLaterThan(VectorMutation m, TimeSpan offset)
        {
            if (_acknowledgedBefore.TryGetValue(m.ProviderMutationId!, out var t)) return t;
            // A mutation from another session (read back from a file): its local acknowledgement time, in server time.
            if (m.CompletedAt is DateTimeOffset local) return local + offset + DateHeaderMargin;
            return null;
        }

        internal sealed class IndexInfo
        {
            public int? Dimensions { get; set; }
            public long? VectorCount { get; set; }
            public string? ProcessedUpToMutation { get; set; }
            public DateTimeOffset? ProcessedUpToDatetime { get; set; }
        }

        internal async Task<IndexInfo> InfoAsync(CancellationToken cancellationToken)
        {
            var (result, _) = await CallAsync(HttpMethod.Get, "/info", null, cancellationToken).ConfigureAwait(false);
            var info = new IndexInfo();
            if (result.ValueKind != JsonValueKind.Object) return info;
            if (result.TryGetProperty("dimensions", out var d) && d.ValueKind == JsonValueKind.Number && d.TryGetInt32(out var dims)) info.Dimensions = dims;
            if (result.TryGetProperty("vectorCount", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt64(out var count)) info.VectorCount = count;
            if (result.TryGetProperty("processedUpToMutation", out var pm) && pm.ValueKind == JsonValueKind.String) info.ProcessedUpToMutation = pm.GetString();
            if (result.TryGetProperty("processedUpToDatetime", out var pd) && pd.ValueKind == JsonValueKind.String &&
                DateTimeOffset.TryParse(pd.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var upTo))
                info.ProcessedUpToDatetime = upTo;
            return info;
        }

        /// <summary>Every id of the index, one list page at a time (cursor pages of up to 1000).</summary>
        private IAsyncEnumerable<IReadOnlyList<string>> ListPagesAsync(CancellationToken cancellationToken) =>
            CursorPaging.Pages<string>(ProviderName, "list", _listPageSize, async (cursor, count, ct) =>
            {
                var query = "/list?count=" + count.ToString(CultureInfo.InvariantCulture) +
                            (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor));
                var (result, response) = await CallAsync(HttpMethod.Get, query, null, ct).ConfigureAwait(false);
                if (!ProviderJson.TryGetArray(result, "vectors", out var vectors))
                    throw ProviderJson.Malformed(response, ProviderName, "a vectors array");
                var ids = new List<string>(vectors.GetArrayLength());
                foreach (var v in vectors.EnumerateArray())
                    if (ProviderJson.OptionalString(v, "id") is string id) ids.Add(id);
                var truncated = ProviderJson.TryGet(result, "isTruncated", out var t) && t.ValueKind == JsonValueKind.True;
                return new Page<string>(ids, truncated ? ProviderJson.OptionalString(result, "nextCursor") : null);
            }, cancellationToken);

        /// <summary>get_by_ids over any number of ids, 100 a call.</summary>
        private async Task<List<VectorRecord>> GetManyAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken)
        {
            var all = new List<VectorRecord>(ids.Count);
            for (var i = 0; i < ids.Count; i += MaxIdsPerCall)
            {
                var slice = ids.Skip(i).Take(MaxIdsPerCall).ToList();
                all.AddRange(await GetByIdsAsync(slice, cancellationToken).ConfigureAwait(false));
            }
            return all;
        }

        private async Task<List<VectorRecord>> GetByIdsAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken)
        {
            var body = IdsBody(ids);
            var (result, response) = await CallAsync(HttpMethod.Post, "/get_by_ids", () => Json(body), cancellationToken).ConfigureAwait(false);
            if (result.ValueKind != JsonValueKind.Array)
                throw new VectorOpsException(ErrorIds.ProviderProtocolError, VectorOpsErrorCategory.ProtocolError,
                    $"{ProviderName} answered {response.Method} {response.Path} without an array of vectors.", response.Path);
            var records = new List<VectorRecord>(result.GetArrayLength());
            foreach (var e in result.EnumerateArray())
            {
                if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String) continue;
                var r = new VectorRecord(id.GetString()!);
                if (e.TryGetProperty("values", out var v) && v.ValueKind == JsonValueKind.Array)
                    r.Values = v.EnumerateArray().Select(x => x.GetSingle()).ToArray();
                if (e.TryGetProperty("metadata", out var md) && md.ValueKind == JsonValueKind.Object)
                    r.Metadata = RecordJson.ReadMetadata(md);
                r.Namespace = e.TryGetProperty("namespace", out var ns) && ns.ValueKind == JsonValueKind.String && ns.GetString()!.Length > 0
                    ? ns.GetString() : null;
                r.Namespace = NamespaceOf(r);
                records.Add(r);
            }
            return records;
        }

        // ---- namespaces ----------------------------------------------------------------------------

        private static bool IsDefault(string? @namespace) =>
            string.IsNullOrEmpty(@namespace) || string.Equals(@namespace, DefaultNamespaceName, StringComparison.Ordinal);

        private static string NamespaceOf(VectorRecord r) => string.IsNullOrEmpty(r.Namespace) ? DefaultNamespaceName : r.Namespace!;

        private static bool InNamespace(VectorRecord r, string @namespace) => string.Equals(NamespaceOf(r), @namespace, StringComparison.Ordinal);

        // ---- HTTP ----------------------------------------------------------------------------------

        private static void CheckIdBatch(IReadOnlyList<string> ids, string call)
        {
            CheckIdCount(ids, call);
            foreach (var id in ids) VectorizeNames.ValidateId(id);
        }

        private static void CheckIdCount(IReadOnlyList<string> ids, string call)
        {
            if (ids is null || ids.Count == 0)
                throw new VectorOpsException(ErrorIds.InvalidId, VectorOpsErrorCategory.InvalidArgument, $"No ids for {call}.", null);
            if (ids.Count > MaxIdsPerCall)
                throw new VectorOpsException(ErrorIds.InvalidArgument, VectorOpsErrorCategory.InvalidArgument,
                    $"Vectorize takes at most {MaxIdsPerCall} ids in one {call} call, not {ids.Count}.", ids.Count);
        }

        private static ArraySegment<byte> IdsBody(IReadOnlyList<string> ids) => ProviderJson.Ids(ids, null);

        private static HttpContent Json(ArraySegment<byte> body) => ProviderJson.NewContent(body);

        private async Task<(JsonElement Result, TransportResponse Response)> CallAsync(HttpMethod method, string relative,
            Func<HttpContent?>? content, CancellationToken cancellationToken)
        {
            ThrowIfBlocked(method, relative);
            var response = await _transport.SendAsync(method, _indexPath + relative, content, cancellationToken, _pacer).ConfigureAwait(false);
            LearnClock(response);
            return (VectorizeEnvelope.Result(response, ProviderName), response);
        }

        private void LearnClock(TransportResponse response)
        {
            if (response.Headers.Date is DateTimeOffset date)
                Interlocked.Exchange(ref _clockOffsetTicks, (date - DateTimeOffset.UtcNow).Ticks);
        }

        private DateTimeOffset ServerTime(TransportResponse response) =>
            response.Headers.Date ?? DateTimeOffset.UtcNow + TimeSpan.FromTicks(Interlocked.Read(ref _clockOffsetTicks));

        /// <summary>While the account is blocked (a long 429), fails at once without sending: more requests only keep the block going.</summary>
        private void ThrowIfBlocked(HttpMethod method, string relative)
        {
            if (!AccountBlocks.TryGetValue(_accountKey, out var until)) return;
            var left = until - DateTimeOffset.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                AccountBlocks.TryRemove(_accountKey, out _);
                return;
            }
            var path = relative.Split('?')[0];
            throw new VectorOpsException(ErrorIds.ProviderRateLimited, VectorOpsErrorCategory.LimitsExceeded,
                $"Cloudflare is blocking this account's API requests for {VectorizeEnvelope.Seconds(left)} more second(s) (until {until.ToLocalTime():HH:mm:ss}): " +
                $"it allows {_requestLimit:N0} requests per {WindowText} per account, shared by every client of the account. " +
                $"{method.Method} {path.TrimStart('/')} was not sent.", path)
            {
                StatusCode = 429, IsTransient = true, Attempts = 0,
            };
        }

        private string WindowText => _requestWindowSeconds % 60 == 0
            ? (_requestWindowSeconds == 60 ? "1 minute" : $"{_requestWindowSeconds / 60} minutes")
            : $"{_requestWindowSeconds} seconds";

        private VectorOpsException MapError(TransportResponse r)
        {
            var (code, message) = VectorizeEnvelope.FirstError(r.Body);
            if (r.StatusCode == 429)
            {
                var wait = r.RetryAfter;
                if (wait is TimeSpan w && w > _options.MaxRetryDelay)
                {
                    var until = DateTimeOffset.UtcNow + w;
                    AccountBlocks.AddOrUpdate(_accountKey, until, (_, old) => old > until ? old : until);
                    return new VectorOpsException(ErrorIds.ProviderRateLimited, VectorOpsErrorCategory.LimitsExceeded,
                        $"Cloudflare has blocked this account's API requests for {VectorizeEnvelope.Seconds(w)} seconds (until {until.ToLocalTime():HH:mm:ss}): " +
                        $"the account went over {_requestLimit:N0} requests in {WindowText}, a limit shared by every client of the account. " +
                        $"Nothing more is sent to this account until then; run the command again after the block (lower {_names.Option(Setting.RequestsPerSecond)} if other jobs share the account)." +
                        VectorizeEnvelope.Describe(code, message, " "), r.Path)
                    {
                        StatusCode = 429, ProviderCode = code, IsTransient = true, Attempts = r.Attempts,
                    };
                }
                return new VectorOpsException(ErrorIds.ProviderRateLimited, VectorOpsErrorCategory.LimitsExceeded,
                    $"Cloudflare refused {r.Method} {r.Path} with 429 (rate limited) after {r.Attempts} attempt(s): the account allows {_requestLimit:N0} requests per {WindowText}." +
                    (wait is TimeSpan s ? $" It asked to wait {VectorizeEnvelope.Seconds(s)} s." : "") + VectorizeEnvelope.Describe(code, message, " "), r.Path)
                {
                    StatusCode = 429, ProviderCode = code, IsTransient = true, Attempts = r.Attempts,
                };
            }
            var detail = VectorizeEnvelope.Describe(code, message, "");
            return HttpTransport.DefaultError(r, ProviderName, detail.Length == 0 ? null : detail, code);
        }
    }
}
