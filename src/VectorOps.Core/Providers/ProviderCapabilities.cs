namespace VectorOps.Providers
{
    /// <summary>
    /// What a provider can do, so the command layer batches and previews correctly. The one way a provider says
    /// an operation is optional: the command layer checks the flag before it calls the operation, and a provider
    /// answers a call made against a false flag with NotSupported (Kit/Optional.cs).
    /// </summary>
    public sealed class ProviderCapabilities
    {
        /// <summary>
        /// Most ids one delete request may carry (typically 100 or 1000; a store that publishes only a request size or a
        /// result cap declares what that limit allows). Deletes without a backup are sent in batches of this size, and
        /// -BatchSize may not exceed it.
        /// </summary>
        public int MaxIdsPerDelete { get; set; } = 1000;

        /// <summary>
        /// Ids a delete batch carries when a backup fetches its records first (null: <see cref="MaxIdsPerDelete"/>).
        /// A backed-up batch holds its records, vectors and all, in memory until they are on disk, so a store whose
        /// delete cap is far above what a fetch brings back sensibly declares a smaller batch here. -BatchSize, when
        /// given, still means what it says (up to <see cref="MaxIdsPerDelete"/>).
        /// </summary>
        public int? MaxIdsPerBackedUpDelete { get; set; }

        /// <summary>Most ids one fetch request may carry.</summary>
        public int MaxIdsPerFetch { get; set; } = 1000;

        /// <summary>Most records one upsert request may carry.</summary>
        public int MaxRecordsPerUpsert { get; set; } = 100;

        /// <summary>True when the provider deletes by metadata filter itself; otherwise VectorOps finds the ids and deletes them.</summary>
        public bool NativeFilterDelete { get; set; }

        /// <summary>True when the provider has a cheap way to count filter matches before deleting (CountAsync is called only then).</summary>
        public bool CountsFilterMatches { get; set; }

        public bool SupportsNamespaces { get; set; } = true;

        /// <summary>
        /// True when listing the namespaces is one cheap call or a few pages (a local table, a service's namespace list): Tab
        /// completion of -Namespace may do it. False when it means reading every record.
        /// </summary>
        public bool ListsNamespacesCheaply { get; set; }

        /// <summary>
        /// True when the index, as connected, is one namespace, the provider's DefaultNamespace, and ValidateNamespace
        /// refuses every other name (a collection without a namespace key, a class without tenants): that namespace
        /// exists whenever the index does, so the command layer checks it without listing (a listing would count the
        /// whole index only to find the one name it already knows).
        /// </summary>
        public bool OneNamespace { get; set; }

        /// <summary>
        /// True when the provider clears a namespace in one request of its own (ClearNamespaceAsync). When false
        /// (a service without such a request), the command lists the namespace's ids and deletes them in id batches, one mutation each.
        /// </summary>
        public bool NativeNamespaceClear { get; set; } = true;

        /// <summary>True when a namespace itself can be removed (not only its records).</summary>
        public bool CanRemoveNamespace { get; set; }

        /// <summary>
        /// True when writes are acknowledged before they are applied: waiting polls GetAppliedAsync. When false, an
        /// acknowledged mutation is applied already and waiting makes no call.
        /// </summary>
        public bool AsyncMutations { get; set; }

        /// <summary>
        /// True when the provider offers DeleteValidatedIdsAsync: the command layer's batches, whose every id it
        /// has already passed through the provider's ValidateId, are deleted without the provider checking each id a
        /// second time (DeleteByIdsAsync, which anyone may call, keeps checking). Halves the per-id work of a bulk delete.
        /// </summary>
        public bool DeletesValidatedIds { get; set; }

        /// <summary>Default number of requests in flight at once.</summary>
        public int DefaultConcurrency { get; set; } = 4;

        /// <summary>
        /// Default number of delete requests in flight (null: <see cref="DefaultConcurrency"/>): when the provider
        /// paces deletes itself, pacing, not concurrency, then bounds the rate, and enough requests must be in flight
        /// to fill it (the rate times the round trip, per namespace deleted in parallel); when the store publishes no
        /// request rate, the round trip bounds it, and enough must be in flight to keep the server busy. Not used when
        /// a backup fetches before each delete (fetches are not paced).
        /// </summary>
        public int? DefaultDeleteConcurrency { get; set; }
    }
}
