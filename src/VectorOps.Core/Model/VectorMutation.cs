using System;
using System.Collections.Generic;

namespace VectorOps.Model
{
    public enum MutationOperation
    {
        DeleteByIds,
        DeleteByFilter,
        DeleteByPrefix,
        ClearNamespace,
        Upsert,
        /// <summary>An orphan sweep: records of a namespace that were not in the keep-list, deleted by id.</summary>
        DeleteOrphans,
    }

    public enum MutationStatus
    {
        /// <summary>Previewed under -WhatIf: nothing was sent.</summary>
        WhatIf,
        /// <summary>The provider accepted the request; it may apply it later (see ProviderMutationId / ProviderState).</summary>
        Acknowledged,
        /// <summary>The provider applied it.</summary>
        Completed,
        /// <summary>The request failed; Error says why. None of its ids are known to be deleted.</summary>
        Failed,
        /// <summary>Never sent: the user declined, or the run was stopped before this batch.</summary>
        Skipped,
    }

    /// <summary>
    /// The output of every mutating operation, one per batch sent (or previewed, or skipped): what was asked,
    /// what the provider acknowledged, its asynchronous mutation id, status and counts. Never holds a secret.
    /// </summary>
    public sealed class VectorMutation
    {
        public string Provider { get; set; } = "";
        public string Index { get; set; } = "";
        public string? Namespace { get; set; }
        public MutationOperation Operation { get; set; }

        /// <summary>The ids of this batch, where known (ids, prefix and emulated filter deletes).</summary>
        public IReadOnlyList<string>? Ids { get; set; }

        /// <summary>How many records this batch asked to change (for a native filter delete: the preview count).</summary>
        public long RequestedCount { get; set; }

        /// <summary>How many records the provider said it changed, where it says (many answer nothing).</summary>
        public long? AffectedCount { get; set; }

        /// <summary>The metadata filter as JSON, for filter deletes.</summary>
        public string? Filter { get; set; }

        /// <summary>The id prefix, for prefix deletes.</summary>
        public string? Prefix { get; set; }

        /// <summary>The service's id of an asynchronous mutation, where it answers one.</summary>
        public string? ProviderMutationId { get; set; }

        /// <summary>
        /// Opaque text a provider attached to the acknowledged write so that Wait-VectorMutation (in this or a later
        /// session, read back from JSON) can confirm it was applied (a log sequence number, a digest of the upserted
        /// records: each provider reads only its own).
        /// Never holds a secret.
        /// </summary>
        public string? ProviderState { get; set; }

        public MutationStatus Status { get; set; }

        /// <summary>How many requests were made for this batch (retries included).</summary>
        public int Attempts { get; set; }

        /// <summary>Why the batch failed or was skipped.</summary>
        public string? Error { get; set; }

        /// <summary>The stable error id of the failure, where there was one.</summary>
        public string? ErrorId { get; set; }

        public DateTimeOffset? StartedAt { get; set; }
        public DateTimeOffset? CompletedAt { get; set; }

        public TimeSpan? Duration => StartedAt is null || CompletedAt is null ? null : CompletedAt - StartedAt;

        public override string ToString() =>
            $"{Operation} {Status} {Provider}/{Index}/{Namespace} ({RequestedCount} requested)";
    }
}
