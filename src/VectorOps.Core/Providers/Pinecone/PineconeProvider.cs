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
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using VectorOps.Errors;
using VectorOps.Filtering;
using VectorOps.Model;
using VectorOps.Providers.Kit;
using VectorOps.Security;
using VectorOps.Serialization;
using VectorOps.Transport;

namespace VectorOps.Providers.Pinecone
{
    /// <summary>
    /// Pinecone serverless data plane (API 2026-04, or 2025-10) over the shared <see cref="HttpTransport"/>.
    /// One request per call (except upserts over 2 MB and fetches whose query string would pass 8 KB, which are
    /// split), Api-Key and X-Pinecone-Api-Version on every attempt, deletes paced per namespace under the
    /// service's 100 requests/s, LSNs kept for Wait-VectorMutation, errors mapped from {code, message, details}.
    /// </summary>
    public sealed class PineconeProvider : IVectorProvider
    {
        public const string ProviderName = "Pinecone";
        public const string DefaultApiVersion = "2026-04";
        public const string LegacyApiVersion = "2025-10";
        public const string ApiKeyEnvironmentVariable = "PINECONE_API_KEY";
        public const string NamespaceDefault = "__default__";
        public const string RequestLsnHeader = "x-pinecone-request-lsn";
        public const string MaxIndexedLsnHeader = "x-pinecone-max-indexed-lsn";
        public static readonly Uri DefaultControlPlane = new Uri("https://api.pinecone.io/");

        /// <summary>The service's limits: ids a delete or fetch, characters an id, ids a list page, records and bytes an upsert.</summary>
        public const int MaxIds = 1000;
        public const int MaxIdLength = 512;
        public const int ListPageSize = 100;
        public const int FetchByMetadataPageSize = 100;
        public const int MaxUpsertRecords = 1000;
        public const int MaxRequestBytes = 2 * 1024 * 1024;

        /// <summary>Most dense values a record may have (the API document's maxLength of Vector.values).</summary>
        public const int MaxDimension = 20000;

        /// <summary>Most bytes of metadata a record may carry (40 KB).</summary>
        public const int MaxMetadataBytes = 40 * 1024;

        /// <summary>Longest request URI a fetch builds (proxies and servers commonly refuse request lines over 8 KB).</summary>
        public const int MaxFetchUriLength = 8000;

        /// <summary>
        /// Deletes a second per namespace: under the service's 100, leaving room for jitter. Requests are spaced
        /// evenly (never a burst), so any one-second window holds at most 96; a 429 costs only a retry after its
        /// Retry-After. Measured with 25 ms added to every request: 90 filled 0.89 of the limit, 95 fills 0.95, no 429.
        /// </summary>
        public const double DefaultDeleteRate = 95;

        /// <summary>
        /// Delete requests in flight by default. Pacing bounds the rate; 64 fills 8 namespaces at 95 requests/s
        /// each with 25 ms round trips (measured on two cores, docs/benchmarks.md: 8 in flight reached 0.33 of
        /// that limit, 64 reach 0.92), or one namespace with round trips up to 0.6 s.
        /// </summary>
        public const int DefaultDeleteConcurrency = 64;

        /// <summary>Filter deletes a second per namespace (the service used to allow 5).</summary>
        public const double FilterDeleteRate = 5;

        private static readonly Regex IndexNamePattern = new Regex("^[a-z0-9]([a-z0-9-]{0,43}[a-z0-9])?$", RegexOptions.CultureInvariant);

        private readonly HttpTransport _transport;
        private readonly ConnectionSettings _settings;
        private readonly double _deleteRate;
        // Pinecone limits deletes per namespace: each connection paces its own namespaces (the kit's one pacing mechanism).
        private readonly Pacers _deletePacers = new Pacers();
        private readonly Pacers _filterPacers = new Pacers();
        private int? _dimension;
        private bool _dimensionKnown;

        private PineconeProvider(ConnectionSettings settings, Uri host, string index, string apiVersion, Secret key, int? dimension)
        {
            _settings = settings;
            ApiVersion = apiVersion;
            Index = index;
            Endpoint = host.GetLeftPart(UriPartial.Authority);
            _dimension = dimension;
            _dimensionKnown = dimension != null;
            _deleteRate = settings.RequestsPerSecond is double rps && rps > 0 ? rps : DefaultDeleteRate;
            _transport = TransportFor(host, settings, key, apiVersion, r => PineconeErrors.Map(r, settings.Names));
            Capabilities = new ProviderCapabilities
            {
                MaxIdsPerDelete = MaxIds,
                MaxIdsPerFetch = MaxIds,
                MaxRecordsPerUpsert = MaxUpsertRecords,
                NativeFilterDelete = apiVersion == DefaultApiVersion,
                CountsFilterMatches = true,
                SupportsNamespaces = true,
                ListsNamespacesCheaply = true,
                CanRemoveNamespace = true,
                AsyncMutations = true,
                DeletesValidatedIds = true,
                DefaultConcurrency = 8,
                DefaultDeleteConcurrency = DefaultDeleteConcurrency,
            };
        }

        public string Name => ProviderName;
        public string Index { get; }
        public string Endpoint { get; }
        public string ApiVersion { get; }
        public ProviderCapabilities Capabilities { get; }
        public string DefaultNamespace => NamespaceDefault;

        /// <summary>Deletes a second this client allows itself per namespace.</summary>
        public double DeleteRequestsPerSecond => _deleteRate;

        // ---- connecting ----------------------------------------------------------------------------------

        /// <summary>
        /// Connects from settings: IndexHost, or Index resolved to its host with the control plane's describe_index
        /// (BaseUri, default https://api.pinecone.io); the key from settings.Credential or PINECONE_API_KEY; API version
        /// 2026-04 (default) or 2025-10. HTTPS only, except a loopback host.
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
            // The registry checked the settings against PineconeDescriptor: the version is one of those it lists.
            var version = settings.Get(PineconeDescriptor.ApiVersion, DefaultApiVersion);

            // A key from the environment is written back with its source: the connection shows it as any other.
            var names = settings.Names;
            var key = settings.RequireCredential();

            if (settings.Find<Uri>(PineconeDescriptor.IndexHost) is Uri indexHost)
            {
                var host = EndpointGuard.Require(indexHost, ProviderName);
                // Without -Index the name shown is the host's first label ("movies-c01b5b5"), or host:port for an IP.
                var name = !string.IsNullOrWhiteSpace(settings.Index) ? settings.Index!
                    : host.HostNameType == UriHostNameType.Dns ? host.Host.Split('.')[0] : host.Authority;
                return new PineconeProvider(settings, host, name, version, key, null);
            }
            if (string.IsNullOrWhiteSpace(settings.Index))
                throw new VectorOpsException(ErrorIds.InvalidArgument, VectorOpsErrorCategory.InvalidArgument,
                    $"Name the Pinecone index: {names.Option(PineconeDescriptor.Descriptor.FindSetting(PineconeDescriptor.IndexHost)!)} (its host URI, from the console or describe_index) or {names.Option(Setting.Index)} (its name, resolved through the control plane).",
                    null);
            var index = settings.Index!.Trim();
            if (!IndexNamePattern.IsMatch(index))
                throw new VectorOpsException(ErrorIds.InvalidIndexName, VectorOpsErrorCategory.InvalidArgument,
                    $"'{index}' is not a Pinecone index name: 1 to 45 lowercase letters, digits or '-', starting and ending with a letter or digit.", index);
            var (resolved, dimension) = ResolveHostAsync(settings, index, version, key, CancellationToken.None).ConfigureAwait(false).GetAwaiter().GetResult();
            return new PineconeProvider(settings, resolved, index, version, key, dimension);
        }

        private static HttpTransport TransportFor(Uri baseUri, ConnectionSettings settings, Secret key, string version, Func<TransportResponse, VectorOpsException> mapError) =>
            ProviderTransport.Create(baseUri, settings, ProviderName, key, request =>
            {
                request.Headers.TryAddWithoutValidation("Api-Key", key.Reveal());
                request.Headers.TryAddWithoutValidation("X-Pinecone-Api-Version", version);
            }, mapError);

        /// <summary>
        /// The descriptor's index listing (Tab completion of -Index): GET /indexes on the control plane (BaseUri), one
        /// read-only call with the project's key; the names of the project's indexes.
        /// </summary>
        internal static async Task<IReadOnlyList<string>> ListIndexes(ConnectionSettings settings, CancellationToken ct)
        {
            var version = settings.Get(PineconeDescriptor.ApiVersion, DefaultApiVersion);
            var key = settings.RequireCredential();
            var control = settings.Find<Uri>(PineconeDescriptor.BaseUri) ?? DefaultControlPlane;
            var transport = TransportFor(control, settings, key, version, r => PineconeErrors.Map(r, settings.Names, null));
            var r = await transport.SendAsync(HttpMethod.Get, "/indexes", null, ct).ConfigureAwait(false);
            using var doc = Parse(r);
            var names = new List<string>();
            if (!ProviderJson.TryGetArray(doc.RootElement, "indexes", out var indexes))
                throw ProviderJson.Malformed(r, ProviderName, "an 'indexes' array");
            foreach (var index in indexes.EnumerateArray())
                if (ProviderJson.OptionalNonEmptyString(index, "name") is string name) names.Add(name);
            return names;
        }

        /// <summary>GET /indexes/{name} on the control plane: the index's host (and dimension).</summary>
        private static async Task<(Uri Host, int? Dimension)> ResolveHostAsync(ConnectionSettings settings, string index, string version, Secret key, CancellationToken ct)
        {
            // The transport checks the address (EndpointGuard).
            var control = settings.Find<Uri>(PineconeDescriptor.BaseUri) ?? DefaultControlPlane;
            var transport = TransportFor(control, settings, key, version,
                r => PineconeErrors.Map(r, settings.Names, r.StatusCode == 404 ? $"Index '{index}' was not found in this project." : null));
            var r = await transport.SendAsync(HttpMethod.Get, "/indexes/" + Uri.EscapeDataString(index), null, ct).ConfigureAwait(false);
            using var doc = Parse(r);
            var root = doc.RootElement;
            var host = root.TryGetProperty("host", out var h) && h.ValueKind == JsonValueKind.String ? h.GetString() : null;
            if (string.IsNullOrWhiteSpace(host))
                throw new VectorOpsException(ErrorIds.ProviderProtocolError, VectorOpsErrorCategory.ProtocolError,
                    $"Pinecone's describe_index answer for '{index}' has no host.", index);
            int? dimension = root.TryGetProperty("dimension", out var d) && d.ValueKind == JsonValueKind.Number && d.TryGetInt32(out var dv) ? dv : (int?)null;
            if (root.TryGetProperty("status", out var st) && st.ValueKind == JsonValueKind.Object &&
                st.TryGetProperty("ready", out var ready) && ready.ValueKind == JsonValueKind.False)
                settings.Trace?.Invoke($"Pinecone index '{index}' is not ready yet (state {(st.TryGetProperty("state", out var s) ? s.ToString() : "unknown")}).");
            return (HostUri(host!, control), dimension);
        }

        /// <summary>
        /// describe_index answers a bare host name; the data plane is https on it. A loopback host reached through a
        /// loopback http control plane (an emulator) keeps http. EndpointGuard rejects anything else that is not https.
        /// </summary>
        internal static Uri HostUri(string host, Uri controlPlane)
        {
            host = host.Trim();
            Uri? uri;
            if (host.IndexOf("://", StringComparison.Ordinal) >= 0)
                uri = Uri.TryCreate(host, UriKind.Absolute, out var u) ? u : null;
            else
            {
                uri = Uri.TryCreate("https://" + host, UriKind.Absolute, out var u) ? u : null;
                if (uri != null && controlPlane.Scheme == Uri.UriSchemeHttp && EndpointGuard.IsLoopback(controlPlane) && EndpointGuard.IsLoopback(uri))
                    uri = new UriBuilder(uri) { Scheme = Uri.UriSchemeHttp }.Uri;
            }
            if (uri is null)
                throw new VectorOpsException(ErrorIds.InvalidEndpoint, VectorOpsErrorCategory.InvalidArgument,
                    $"Pinecone reported the index host '{host}', which is not a valid host name.", host);
            return EndpointGuard.Require(uri, ProviderName);
        }

        // ---- validation ------------------------------------------------------------------------------------

        [MethodImpl(HotPath.Optimize)]
        public void ValidateId(string id)
        {
            // The common case in one vectorised check; the messages below say what is wrong with any other id.
            if (id != null && id.Length != 0 && id.Length <= MaxIdLength && AsciiText.IsPrintable(id)) return;
            if (id is null || id.Length == 0)
                throw new VectorOpsException(ErrorIds.InvalidId, VectorOpsErrorCategory.InvalidArgument,
                    "A record id is empty; Pinecone ids are 1 to 512 printable ASCII characters.", id);
            if (id.Length > MaxIdLength)
                throw new VectorOpsException(ErrorIds.InvalidId, VectorOpsErrorCategory.InvalidArgument,
                    $"The record id '{Show(id)}' is {id.Length} characters long; Pinecone ids are at most {MaxIdLength}.", id);
            for (var i = 0; i < id.Length; i++)
            {
                var c = id[i];
                if (c < 0x20 || c > 0x7E)
                    throw new VectorOpsException(ErrorIds.InvalidId, VectorOpsErrorCategory.InvalidArgument,
                        $"The record id '{Show(id)}' has the character U+{(int)c:X4} at position {i + 1}; Pinecone ids are printable ASCII (space to '~').", id);
            }
        }

        /// <summary>An id for a message: control characters escaped, long ids cut.</summary>
        private static string Show(string id)
        {
            var sb = new StringBuilder();
            foreach (var c in id.Length > 80 ? id.Substring(0, 80) : id)
                sb.Append(c < 0x20 || c == 0x7F ? $"\\u{(int)c:X4}" : c.ToString());
            if (id.Length > 80) sb.Append("…");
            return sb.ToString();
        }

        /// <summary>
        /// Pinecone's record rules (db_data 2026-04 Vector, SparseValues; ../shared/specs/README.md): dense values of
        /// the index's dimension (at most 20,000) on a dense index; sparse values; metadata values are strings,
        /// numbers, booleans or lists of strings, at most 40 KB a record. Pinecone has no null: a null metadata
        /// value is left out of what is written (the record then has no such field).
        /// </summary>
        public RecordRules RecordRules { get; } = new RecordRules
        {
            ReadsIndexDimension = true,
            DenseValues = DenseValuesRule.RequiredWhenIndexHasDimension,
            MaxDimension = MaxDimension,
            SparseValues = true,
            MetadataNulls = MetadataNullRule.Omit,
            NestedMetadata = false,
            MetadataListsOfStringsOnly = true,
            MaxMetadataBytes = MaxMetadataBytes,
            MetadataTypes = "a string, number, boolean or list of strings",
        };

        public void ValidateNamespace(string @namespace)
        {
            if (@namespace is null || @namespace.Length == 0)
                throw new VectorOpsException(ErrorIds.InvalidNamespace, VectorOpsErrorCategory.InvalidArgument,
                    $"The namespace is empty; Pinecone's default namespace is named {NamespaceDefault}.", @namespace);
            if (@namespace.Length > MaxIdLength)
                throw new VectorOpsException(ErrorIds.InvalidNamespace, VectorOpsErrorCategory.InvalidArgument,
                    $"The namespace '{Show(@namespace)}' is {@namespace.Length} characters long; the most VectorOps sends is {MaxIdLength}.", @namespace);
            foreach (var c in @namespace)
                if (char.IsControl(c))
                    throw new VectorOpsException(ErrorIds.InvalidNamespace, VectorOpsErrorCategory.InvalidArgument,
                        $"The namespace '{Show(@namespace)}' contains a control character.", @namespace);
        }

        private static void CheckBatch(int count, int max, string what)
        {
            if (count < 1 || count > max)
                throw new VectorOpsException(ErrorIds.InvalidArgument, VectorOpsErrorCategory.InvalidArgument,
                    $"A Pinecone {what} takes 1 to {max} ids, not {count}.", count);
        }

        // ---- writes --------------------------------------------------------------------------------------

        private RequestPacer DeletePacer(string ns) => _deletePacers.For(ns, _deleteRate);

        private RequestPacer FilterPacer(string ns) => _filterPacers.For(ns, Math.Min(_deleteRate, FilterDeleteRate));

        public async Task<ProviderWriteResult> DeleteByIdsAsync(string @namespace, IReadOnlyList<string> ids, CancellationToken cancellationToken)
        {
            CheckBatch(ids?.Count ?? 0, MaxIds, "delete");
            for (var i = 0; i < ids!.Count; i++) ValidateId(ids[i]);
            return await SendDeleteAsync(@namespace, ids, cancellationToken).ConfigureAwait(false);
        }

        public async Task<ProviderWriteResult> DeleteValidatedIdsAsync(string @namespace, IReadOnlyList<string> ids, CancellationToken cancellationToken)
        {
            CheckBatch(ids?.Count ?? 0, MaxIds, "delete");
            return await SendDeleteAsync(@namespace, ids!, cancellationToken).ConfigureAwait(false);
        }

        private async Task<ProviderWriteResult> SendDeleteAsync(string @namespace, IReadOnlyList<string> ids, CancellationToken cancellationToken)
        {
            var body = JsonBody.Ids(ids, @namespace);
            var r = await _transport.SendAsync(HttpMethod.Post, "/vectors/delete", Content(body), cancellationToken, DeletePacer(@namespace)).ConfigureAwait(false);
            return Written(r);
        }

        public async Task<ProviderWriteResult> DeleteByFilterAsync(string @namespace, MetadataFilter filter, CancellationToken cancellationToken)
        {
            if (filter is null) throw new ArgumentNullException(nameof(filter));
            if (!Capabilities.NativeFilterDelete)
                throw Optional.NotSupported($"{ProviderName} API {ApiVersion}", "delete by metadata filter on serverless indexes", nameof(ProviderCapabilities.NativeFilterDelete),
                    "VectorOps deletes the matching ids instead.", filter.Json);
            var body = Json(w =>
            {
                w.WriteStartObject();
                w.WritePropertyName("filter");
                filter.WriteTo(w);
                w.WriteString("namespace", @namespace);
                w.WriteEndObject();
            });
            var r = await _transport.SendAsync(HttpMethod.Post, "/vectors/delete", Content(body), cancellationToken, FilterPacer(@namespace)).ConfigureAwait(false);
            return Written(r);
        }

        public async Task<ProviderWriteResult> ClearNamespaceAsync(string @namespace, bool removeNamespace, CancellationToken cancellationToken)
        {
            TransportResponse r;
            if (removeNamespace)
            {
                // DELETE /namespaces/{ns} removes the records with the namespace (irreversible).
                r = await _transport.SendAsync(HttpMethod.Delete, "/namespaces/" + Uri.EscapeDataString(@namespace), null, cancellationToken, DeletePacer(@namespace)).ConfigureAwait(false);
            }
            else
            {
                var body = Json(w =>
                {
                    w.WriteStartObject();
                    w.WriteBoolean("deleteAll", true);
                    w.WriteString("namespace", @namespace);
                    w.WriteEndObject();
                });
                r = await _transport.SendAsync(HttpMethod.Post, "/vectors/delete", Content(body), cancellationToken, DeletePacer(@namespace)).ConfigureAwait(false);
            }
            return Written(r);
        }

        public async Task<ProviderWriteResult> UpsertAsync(string @namespace, IReadOnlyList<VectorRecord> records, CancellationToken cancellationToken)
        {
            if (records is null || records.Count == 0 || records.Count > MaxUpsertRecords)
                throw new VectorOpsException(ErrorIds.InvalidArgument, VectorOpsErrorCategory.InvalidArgument,
                    $"A Pinecone upsert takes 1 to {MaxUpsertRecords} records, not {records?.Count ?? 0}.", records?.Count ?? 0);
            // Each record's JSON is measured once; records are packed into requests whose body stays under 2 MB.
            var envelope = Encoding.UTF8.GetByteCount(@namespace) * 6 + 64;
            var parts = new List<ArraySegment<byte>>(records.Count);
            foreach (var record in records)
            {
                ValidateId(record.Id);
                // Pinecone has no null: a null metadata value is left out (the command layer said so, with a count).
                var bytes = Json(w => RecordJson.Write(w, record, includeNamespace: false, omitNullMetadata: true));
                if (bytes.Count + envelope > MaxRequestBytes)
                    throw new VectorOpsException(ErrorIds.InvalidRecord, VectorOpsErrorCategory.InvalidData,
                        $"The record '{Show(record.Id)}' is {bytes.Count:N0} bytes as JSON; one Pinecone upsert request is at most 2 MB.", record.Id);
                parts.Add(bytes);
            }
            var result = new ProviderWriteResult { Attempts = 0, AffectedCount = 0 };
            long? maxLsn = null;
            var start = 0;
            while (start < parts.Count)
            {
                var size = envelope;
                var end = start;
                while (end < parts.Count && size + parts[end].Count + 1 <= MaxRequestBytes)
                {
                    size += parts[end].Count + 1;
                    end++;
                }
                var body = UpsertBody(@namespace, parts, start, end, size);
                var r = await _transport.SendAsync(HttpMethod.Post, "/vectors/upsert", Content(body), cancellationToken).ConfigureAwait(false);
                var written = Written(r);
                result.Attempts += written.Attempts;
                if (LsnOf(written.ProviderState) is long lsn && (maxLsn is null || lsn > maxLsn)) maxLsn = lsn;
                using (var doc = Parse(r))
                    result.AffectedCount += ProviderJson.OptionalInt64(doc.RootElement, "upsertedCount") ?? end - start;
                start = end;
            }
            if (maxLsn is long last) result.ProviderState = LsnState(last);
            return result;
        }

        /// <param name="size">The body's size as the caller packed it (the buffer's first capacity).</param>
        private static ArraySegment<byte> UpsertBody(string ns, List<ArraySegment<byte>> parts, int start, int end, int size)
        {
            return JsonBody.Write(size, w =>
            {
                w.WriteStartObject();
                w.WriteStartArray("vectors");
                for (var i = start; i < end; i++) w.WriteRawValue(parts[i].AsSpan(), skipInputValidation: true);
                w.WriteEndArray();
                w.WriteString("namespace", ns);
                w.WriteEndObject();
            });
        }

        /// <summary>
        /// The write's log sequence number (x-pinecone-request-lsn) travels in the opaque ProviderState as
        /// "lsn:N", so a later wait (in this or another session) can compare it with the max indexed LSN.
        /// </summary>
        internal const string LsnStatePrefix = "lsn:";

        internal static string LsnState(long lsn) => LsnStatePrefix + lsn.ToString(CultureInfo.InvariantCulture);

        internal static long? LsnOf(string? providerState) =>
            providerState != null && providerState.StartsWith(LsnStatePrefix, StringComparison.Ordinal) &&
            long.TryParse(providerState.Substring(LsnStatePrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : (long?)null;

        private static ProviderWriteResult Written(TransportResponse r) => new ProviderWriteResult
        {
            ProviderState = Lsn(r, RequestLsnHeader) is long lsn ? LsnState(lsn) : null,
            Attempts = Math.Max(1, r.Attempts),
            Applied = false,
        };

        private static long? Lsn(TransportResponse r, string header)
        {
            var v = r.Header(header);
            if (v is null) return null;
            var first = v.Split(',')[0].Trim();
            return long.TryParse(first, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : (long?)null;
        }

        // ---- reads ---------------------------------------------------------------------------------------

        public IAsyncEnumerable<IReadOnlyList<string>> ListIdsAsync(string @namespace, string? prefix, CancellationToken cancellationToken) =>
            CursorPaging.Pages<string>(ProviderName, "list", ListPageSize, async (token, limit, ct) =>
            {
                var query = new StringBuilder("/vectors/list?namespace=").Append(Uri.EscapeDataString(@namespace))
                    .Append("&limit=").Append(limit.ToString(CultureInfo.InvariantCulture));
                if (!string.IsNullOrEmpty(prefix)) query.Append("&prefix=").Append(Uri.EscapeDataString(prefix));
                if (token != null) query.Append("&paginationToken=").Append(Uri.EscapeDataString(token));
                var r = await _transport.SendAsync(HttpMethod.Get, query.ToString(), null, ct).ConfigureAwait(false);
                using var doc = ProviderJson.Parse(r, ProviderName);
                var ids = new List<string>(limit);
                if (ProviderJson.TryGetArray(doc.RootElement, "vectors", out var v))
                    foreach (var item in v.EnumerateArray())
                        if (ProviderJson.OptionalString(item, "id") is string id) ids.Add(id);
                return new Page<string>(ids, NextToken(doc.RootElement));
            }, cancellationToken);

        public IAsyncEnumerable<IReadOnlyList<string>> FindIdsAsync(string @namespace, MetadataFilter filter, CancellationToken cancellationToken)
        {
            if (filter is null) throw new ArgumentNullException(nameof(filter));
            return CursorPaging.Pages<string>(ProviderName, "fetch_by_metadata", FetchByMetadataPageSize, async (token, limit, ct) =>
            {
                var body = ProviderJson.Write(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("namespace", @namespace);
                    w.WritePropertyName("filter");
                    filter.WriteTo(w);
                    w.WriteNumber("limit", limit);
                    if (token != null) w.WriteString("paginationToken", token);
                    w.WriteEndObject();
                });
                var r = await _transport.SendAsync(HttpMethod.Post, "/vectors/fetch_by_metadata", ProviderJson.Content(body), ct).ConfigureAwait(false);
                using var doc = ProviderJson.Parse(r, ProviderName);
                var ids = new List<string>();
                if (ProviderJson.TryGetObject(doc.RootElement, "vectors", out var v))
                    foreach (var p in v.EnumerateObject()) ids.Add(p.Name);
                return new Page<string>(ids, NextToken(doc.RootElement));
            }, cancellationToken);
        }

        /// <summary>
        /// The number of records the filter matches: update with the filter and dryRun true, which answers
        /// matchedRecords and changes nothing. The body never carries an id (an update by id ignores dryRun) and
        /// its setMetadata is empty, so even a service that ignored dryRun would set nothing. When the service
        /// refuses the dry run (400), the matches are counted by listing them (fetch_by_metadata, read only), and
        /// this connection counts that way from then on.
        /// </summary>
        public async Task<long> CountAsync(string @namespace, MetadataFilter filter, CancellationToken cancellationToken)
        {
            if (filter is null) throw new ArgumentNullException(nameof(filter));
            if (_countByListing) return await CountByListingAsync(@namespace, filter, cancellationToken).ConfigureAwait(false);
            var body = Json(w =>
            {
                w.WriteStartObject();
                w.WriteString("namespace", @namespace);
                w.WritePropertyName("filter");
                filter.WriteTo(w);
                w.WriteStartObject("setMetadata");
                w.WriteEndObject();
                w.WriteBoolean("dryRun", true);
                w.WriteEndObject();
            });
            TransportResponse r;
            try
            {
                r = await _transport.SendAsync(HttpMethod.Post, "/vectors/update", Content(body), cancellationToken).ConfigureAwait(false);
            }
            catch (VectorOpsException ex) when (ex.StatusCode == 400)
            {
                _settings.Trace?.Invoke("Pinecone refused to count filter matches with a dry-run update (" + ex.Message + "); counting by listing instead.");
                _countByListing = true;
                return await CountByListingAsync(@namespace, filter, cancellationToken).ConfigureAwait(false);
            }
            using var doc = Parse(r);
            // proto3 leaves a zero count out of the answer.
            return ProviderJson.OptionalInt64(doc.RootElement, "matchedRecords") ?? 0;
        }

        private volatile bool _countByListing;

        private async Task<long> CountByListingAsync(string @namespace, MetadataFilter filter, CancellationToken cancellationToken)
        {
            long n = 0;
            await foreach (var page in FindIdsAsync(@namespace, filter, cancellationToken).ConfigureAwait(false)) n += page.Count;
            return n;
        }

        public async Task<IReadOnlyList<VectorRecord>> FetchAsync(string @namespace, IReadOnlyList<string> ids, CancellationToken cancellationToken)
        {
            CheckBatch(ids?.Count ?? 0, MaxIds, "fetch");
            foreach (var id in ids!)
            {
                ValidateId(id);
                if (id.IndexOf(' ') >= 0)
                    throw new VectorOpsException(ErrorIds.InvalidId, VectorOpsErrorCategory.InvalidArgument,
                        $"Pinecone's fetch does not accept ids containing spaces ('{Show(id)}'); list or query such records instead.", id);
            }
            var result = new List<VectorRecord>(ids.Count);
            foreach (var path in FetchPaths(@namespace, ids))
            {
                var r = await _transport.SendAsync(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);
                using var doc = Parse(r);
                if (!doc.RootElement.TryGetProperty("vectors", out var v) || v.ValueKind != JsonValueKind.Object) continue;
                foreach (var p in v.EnumerateObject())
                {
                    var record = p.Value.ValueKind == JsonValueKind.Object ? RecordJson.FromElement(p.Value) : new VectorRecord(p.Name);
                    if (string.IsNullOrEmpty(record.Id)) record.Id = p.Name;
                    record.Namespace = @namespace;
                    result.Add(record);
                }
            }
            return result;
        }

        /// <summary>
        /// GET /vectors/fetch paths holding all the ids, each under <see cref="MaxFetchUriLength"/> characters with
        /// the host: typical ids (20-40 characters) fit a few hundred to a request; 512-character ids full of
        /// characters that need escaping fit five.
        /// </summary>
        internal IEnumerable<string> FetchPaths(string @namespace, IReadOnlyList<string> ids)
        {
            var head = "/vectors/fetch?namespace=" + Uri.EscapeDataString(@namespace);
            var budget = MaxFetchUriLength - Endpoint.Length;
            var sb = new StringBuilder(head);
            var n = 0;
            foreach (var id in ids)
            {
                var part = "&ids=" + Uri.EscapeDataString(id);
                if (n > 0 && sb.Length + part.Length > budget)
                {
                    yield return sb.ToString();
                    sb.Clear().Append(head);
                    n = 0;
                }
                sb.Append(part);
                n++;
            }
            if (n > 0) yield return sb.ToString();
        }

        public IAsyncEnumerable<NamespaceInfo> ListNamespacesAsync(CancellationToken cancellationToken) =>
            CursorPaging.Items<NamespaceInfo>(ProviderName, "namespaces", 100, async (token, limit, ct) =>
            {
                var path = "/namespaces?limit=" + limit.ToString(CultureInfo.InvariantCulture) + (token is null ? "" : "&paginationToken=" + Uri.EscapeDataString(token));
                var r = await _transport.SendAsync(HttpMethod.Get, path, null, ct).ConfigureAwait(false);
                using var doc = ProviderJson.Parse(r, ProviderName);
                var page = new List<NamespaceInfo>();
                if (ProviderJson.TryGetArray(doc.RootElement, "namespaces", out var list))
                    foreach (var ns in list.EnumerateArray())
                    {
                        if (ProviderJson.OptionalString(ns, "name") is not string name) continue;
                        page.Add(new NamespaceInfo(Name, Index, name, ProviderJson.OptionalInt64(ns, "record_count")));
                    }
                return new Page<NamespaceInfo>(page, NextToken(doc.RootElement));
            }, cancellationToken);

        public async Task<IndexStats> GetStatsAsync(CancellationToken cancellationToken)
        {
            var r = await _transport.SendAsync(HttpMethod.Post, "/describe_index_stats", Content(Json(w => { w.WriteStartObject(); w.WriteEndObject(); })), cancellationToken).ConfigureAwait(false);
            using var doc = Parse(r);
            var root = doc.RootElement;
            var stats = new IndexStats { Provider = Name, Index = Index };
            if (root.TryGetProperty("dimension", out var d) && d.TryGetInt32(out var dim))
            {
                stats.Dimension = dim;
                _dimension = dim;
                _dimensionKnown = true;
            }
            if (root.TryGetProperty("totalVectorCount", out var t) && t.TryGetInt64(out var total)) stats.TotalRecordCount = total;
            var list = new List<NamespaceInfo>();
            if (root.TryGetProperty("namespaces", out var nss) && nss.ValueKind == JsonValueKind.Object)
                foreach (var p in nss.EnumerateObject())
                {
                    long? count = p.Value.ValueKind == JsonValueKind.Object && p.Value.TryGetProperty("vectorCount", out var vc) && vc.TryGetInt64(out var n) ? n : (long?)null;
                    // Older answers name the default namespace "".
                    list.Add(new NamespaceInfo(Name, Index, p.Name.Length == 0 ? NamespaceDefault : p.Name, count ?? 0));
                }
            stats.Namespaces = list;
            return stats;
        }

        /// <summary>
        /// One read per namespace: a query for the top record (the call Pinecone documents as carrying
        /// x-pinecone-max-indexed-lsn); a mutation is applied once that LSN reaches its request LSN.
        /// </summary>
        public async Task<IReadOnlyList<VectorMutation>> GetAppliedAsync(IReadOnlyList<VectorMutation> pending, CancellationToken cancellationToken)
        {
            var applied = new List<VectorMutation>();
            if (pending is null || pending.Count == 0) return applied;
            foreach (var group in pending.GroupBy(m => m.Namespace ?? NamespaceDefault, StringComparer.Ordinal))
            {
                var ns = group.Key;
                // Each mutation's state parsed once.
                var states = group.Select(m => (Mutation: m, Lsn: LsnOf(m.ProviderState))).ToList();
                var withLsn = states.Where(x => x.Lsn != null).Select(x => (x.Mutation, Lsn: x.Lsn!.Value)).ToList();
                foreach (var m in states.Where(x => x.Lsn is null).Select(x => x.Mutation))
                {
                    // No LSN was answered for this write: nothing to compare against.
                    _settings.Trace?.Invoke($"Pinecone answered no {RequestLsnHeader} for the {m.Operation} in '{ns}': it is treated as applied.");
                    applied.Add(m);
                }
                if (withLsn.Count == 0) continue;
                var indexed = await MaxIndexedLsnAsync(ns, cancellationToken).ConfigureAwait(false);
                _settings.Trace?.Invoke($"Namespace '{ns}': max indexed LSN {indexed}, waiting for {string.Join(", ", withLsn.Select(x => x.Lsn.ToString(CultureInfo.InvariantCulture)))}.");
                applied.AddRange(withLsn.Where(x => x.Lsn <= indexed).Select(x => x.Mutation));
            }
            return applied;
        }

        private async Task<long> MaxIndexedLsnAsync(string ns, CancellationToken ct)
        {
            if (!_dimensionKnown) await GetStatsAsync(ct).ConfigureAwait(false);
            var dimension = _dimension;
            var body = Json(w =>
            {
                w.WriteStartObject();
                w.WriteString("namespace", ns);
                w.WriteNumber("topK", 1);
                if (dimension is int dim && dim > 0)
                {
                    // A unit vector: valid for every metric (an all-zero vector is not, for cosine).
                    w.WriteStartArray("vector");
                    w.WriteNumberValue(1);
                    for (var i = 1; i < dim; i++) w.WriteNumberValue(0);
                    w.WriteEndArray();
                }
                else
                {
                    w.WriteStartObject("sparseVector");
                    w.WriteStartArray("indices");
                    w.WriteNumberValue(0);
                    w.WriteEndArray();
                    w.WriteStartArray("values");
                    w.WriteNumberValue(1);
                    w.WriteEndArray();
                    w.WriteEndObject();
                }
                w.WriteBoolean("includeValues", false);
                w.WriteBoolean("includeMetadata", false);
                w.WriteEndObject();
            });
            var r = await _transport.SendAsync(HttpMethod.Post, "/query", Content(body), ct).ConfigureAwait(false);
            return Lsn(r, MaxIndexedLsnHeader) ?? throw new VectorOpsException(ErrorIds.ProviderProtocolError, VectorOpsErrorCategory.ProtocolError,
                $"Pinecone answered the query in namespace '{ns}' without {MaxIndexedLsnHeader}, so VectorOps cannot tell whether the mutations are applied (LSNs exist on serverless indexes only).", ns);
        }

        // ---- helpers -------------------------------------------------------------------------------------

        private static string? NextToken(JsonElement root) =>
            ProviderJson.TryGetObject(root, "pagination", out var p) ? ProviderJson.OptionalNonEmptyString(p, "next") : null;

        private static ArraySegment<byte> Json(Action<Utf8JsonWriter> write) => ProviderJson.Write(write);

        private static Func<HttpContent?> Content(ArraySegment<byte> body) => ProviderJson.Content(body);

        private static JsonDocument Parse(TransportResponse r) => ProviderJson.Parse(r, ProviderName);

        public void Dispose() { }

        public override string ToString() => $"{Name}:{Index}@{Endpoint} (API {ApiVersion})";
    }
}
