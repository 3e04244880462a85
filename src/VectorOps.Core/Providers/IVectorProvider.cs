using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using VectorOps.Filtering;
using VectorOps.Model;

namespace VectorOps.Providers
{
    /// <summary>
    /// One vector database. Async, cancellable, and free of PowerShell types. The command layer owns batching,
    /// previews, confirmation and output; a provider does exactly one request's worth of work per call and throws
    /// <see cref="Errors.VectorOpsException"/> for every failure (after its transport's retries).
    /// Implementations must be safe for concurrent calls (the command layer sends batches in parallel).
    /// </summary>
    public interface IVectorProvider : IDisposable
    {
        /// <summary>Provider name as users type it (its descriptor's name in the registry).</summary>
        string Name { get; }

        /// <summary>The index (or collection / table) this instance is bound to.</summary>
        string Index { get; }

        /// <summary>Where the index lives, for display: a file path or a host URI. Never holds a secret.</summary>
        string Endpoint { get; }

        ProviderCapabilities Capabilities { get; }

        /// <summary>The namespace used when the user names none (e.g. "__default__" or "default", as the service names it).</summary>
        string DefaultNamespace { get; }

        /// <summary>Throws VectorOpsException (InvalidVectorId, InvalidArgument, target = id) when the provider would reject this id.</summary>
        void ValidateId(string id);

        /// <summary>Throws VectorOpsException (InvalidNamespace) when the provider would reject this namespace name.</summary>
        void ValidateNamespace(string @namespace);

        /// <summary>
        /// The rules a record must follow to be written (dense values and the index dimension, sparse values,
        /// metadata value types, what null means). Cheap: a fixed object; the command layer checks every record
        /// against it before the first upsert of a file (RecordChecker).
        /// </summary>
        RecordRules RecordRules { get; }

        /// <summary>Deletes at most Capabilities.MaxIdsPerDelete ids in one request.</summary>
        Task<ProviderWriteResult> DeleteByIdsAsync(string @namespace, IReadOnlyList<string> ids, CancellationToken cancellationToken);

        /// <summary>
        /// The same delete for ids the command layer has already passed, one by one, through this provider's
        /// <see cref="ValidateId"/>: the batch cap is still enforced, the ids are not checked again. Only called when
        /// Capabilities.DeletesValidatedIds is true.
        /// </summary>
        Task<ProviderWriteResult> DeleteValidatedIdsAsync(string @namespace, IReadOnlyList<string> ids, CancellationToken cancellationToken);

        /// <summary>Native delete by filter. Only called when Capabilities.NativeFilterDelete is true.</summary>
        Task<ProviderWriteResult> DeleteByFilterAsync(string @namespace, MetadataFilter filter, CancellationToken cancellationToken);

        /// <summary>Deletes every record of the namespace; with removeNamespace also the namespace itself where the provider has one.</summary>
        Task<ProviderWriteResult> ClearNamespaceAsync(string @namespace, bool removeNamespace, CancellationToken cancellationToken);

        /// <summary>Upserts at most Capabilities.MaxRecordsPerUpsert records in one request.</summary>
        Task<ProviderWriteResult> UpsertAsync(string @namespace, IReadOnlyList<VectorRecord> records, CancellationToken cancellationToken);

        /// <summary>Ids in the namespace, optionally by prefix, one provider page at a time (read only).</summary>
        IAsyncEnumerable<IReadOnlyList<string>> ListIdsAsync(string @namespace, string? prefix, CancellationToken cancellationToken);

        /// <summary>Ids of records matching the filter, one page at a time (read only).</summary>
        IAsyncEnumerable<IReadOnlyList<string>> FindIdsAsync(string @namespace, MetadataFilter filter, CancellationToken cancellationToken);

        /// <summary>How many records match. Only called when Capabilities.CountsFilterMatches is true.</summary>
        Task<long> CountAsync(string @namespace, MetadataFilter filter, CancellationToken cancellationToken);

        /// <summary>Fetches at most Capabilities.MaxIdsPerFetch records; ids not found are left out.</summary>
        Task<IReadOnlyList<VectorRecord>> FetchAsync(string @namespace, IReadOnlyList<string> ids, CancellationToken cancellationToken);

        /// <summary>Namespaces with their record counts.</summary>
        IAsyncEnumerable<NamespaceInfo> ListNamespacesAsync(CancellationToken cancellationToken);

        Task<IndexStats> GetStatsAsync(CancellationToken cancellationToken);

        /// <summary>
        /// Only called when Capabilities.AsyncMutations is true.
        /// Of the given acknowledged mutations, those the provider has applied by now (from the service's
        /// processed-up-to mark, with what the write left in ProviderState). One poll, read only; providers whose
        /// writes are synchronous return them all.
        /// </summary>
        Task<IReadOnlyList<VectorMutation>> GetAppliedAsync(IReadOnlyList<VectorMutation> pending, CancellationToken cancellationToken);
    }

    /// <summary>What a provider answered to one write.</summary>
    public sealed class ProviderWriteResult
    {
        public static readonly ProviderWriteResult Empty = new ProviderWriteResult();

        /// <summary>The service's id of an asynchronous mutation, where it answers one (copied to the mutation).</summary>
        public string? ProviderMutationId { get; set; }

        /// <summary>Count the provider reported as changed, if it reports one.</summary>
        public long? AffectedCount { get; set; }

        /// <summary>Opaque text the provider needs to confirm later that the write was applied (copied to the mutation).</summary>
        public string? ProviderState { get; set; }

        /// <summary>Requests made, retries included (at least 1 for a sent request).</summary>
        public int Attempts { get; set; } = 1;

        /// <summary>True when the change is already visible (synchronous store); false when merely acknowledged.</summary>
        public bool Applied { get; set; }

        /// <summary>
        /// True when a native filter delete or namespace clear removed as many records as one request may (the
        /// service's cap, such as a query-results limit): more may still match, so the command sends the same
        /// request again, as a new mutation, until a round says false (or removed nothing).
        /// </summary>
        public bool MoreMayMatch { get; set; }
    }
}
