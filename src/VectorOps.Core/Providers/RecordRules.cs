namespace VectorOps.Providers
{
    /// <summary>Whether a provider needs dense values in every record it writes.</summary>
    public enum DenseValuesRule
    {
        /// <summary>A record may have no dense values (sparse only, metadata only); given ones must fit the index.</summary>
        Optional,

        /// <summary>Required when the index reports a dimension (dense indexes; a sparse index has none).</summary>
        RequiredWhenIndexHasDimension,

        /// <summary>Every record needs dense values (a service that stores dense vectors only).</summary>
        Required,
    }

    /// <summary>What a null metadata value means to a provider.</summary>
    public enum MetadataNullRule
    {
        /// <summary>Stored as JSON null (services that store null).</summary>
        Keep,

        /// <summary>
        /// The provider has no null: the field is left out of what is written, so the record has no value
        /// for it (a filter <c>{"field": {"$exists": false}}</c> matches it). Counted and said in one warning.
        /// </summary>
        Omit,
    }

    /// <summary>
    /// A provider's rules for the records it writes, checked by the command layer (<c>Commands/RecordChecker</c>)
    /// for every record before the first upsert of a file, and for each piped record as it arrives, so a record
    /// the service would refuse is a clear error naming the line and the field instead of a 400 after other
    /// batches were written. The values are the provider's: from its API document and ../shared/specs/README.md.
    /// </summary>
    public sealed class RecordRules
    {
        /// <summary>
        /// Read the index's dimension once (GetStatsAsync's Dimension) before the first record is checked; every
        /// record's dense values must have that many. When the index reports none (an empty local index), the first
        /// record with dense values of a write sets it for the others of that write. False: no dimension is kept.
        /// </summary>
        public bool ReadsIndexDimension { get; set; }

        public DenseValuesRule DenseValues { get; set; } = DenseValuesRule.Optional;

        /// <summary>Most dense values one record may have (as the service's API document says).</summary>
        public int MaxDimension { get; set; } = int.MaxValue;

        /// <summary>True when the provider stores sparse values.</summary>
        public bool SparseValues { get; set; } = true;

        public MetadataNullRule MetadataNulls { get; set; } = MetadataNullRule.Keep;

        /// <summary>True when a metadata value may be an object of further fields (services with nested metadata).</summary>
        public bool NestedMetadata { get; set; } = true;

        /// <summary>True when a metadata list may hold only strings (lists of strings only, as most services take).</summary>
        public bool MetadataListsOfStringsOnly { get; set; }

        /// <summary>False when a metadata value may not be a list at all (services whose metadata values are scalars only).</summary>
        public bool MetadataLists { get; set; } = true;

        /// <summary>True when the provider stores a record's <see cref="Model.VectorRecord.Document"/> (the text the embedding came from).</summary>
        public bool Documents { get; set; }

        /// <summary>Most bytes a record's metadata may take as compact JSON (e.g. 40 KB or 10 KiB); null: no limit.</summary>
        public int? MaxMetadataBytes { get; set; }

        /// <summary>The metadata value types, for messages: "a string, number, boolean or list of strings".</summary>
        public string MetadataTypes { get; set; } = "a string, number, boolean, null, list or object";

        /// <summary>Rules that check only what every provider needs: ids, namespaces, finite numbers.</summary>
        public static RecordRules Basic() => new RecordRules();
    }
}
