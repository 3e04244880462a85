using System;
using VectorOps.Model;

namespace VectorOps.Errors
{
    /// <summary>
    /// Every failure VectorOps reports: a stable error id (the FullyQualifiedErrorId's first part), a category,
    /// and the offending value as target. Messages never contain secrets: build them from redacted parts only.
    /// </summary>
    public class VectorOpsException : Exception
    {
        public VectorOpsException(string errorId, VectorOpsErrorCategory category, string message,
            object? target = null, Exception? inner = null)
            : base(message, inner)
        {
            ErrorId = errorId;
            Category = category;
            Target = target;
        }

        public string ErrorId { get; }
        public VectorOpsErrorCategory Category { get; }
        public object? Target { get; }

        /// <summary>The batch this failure belongs to, for errors of a mutation.</summary>
        public VectorMutation? Mutation { get; set; }

        /// <summary>The HTTP status, when the failure came from a provider's answer.</summary>
        public int? StatusCode { get; set; }

        /// <summary>The provider's own error code (a gRPC code name, a numeric code: as the service answered it).</summary>
        public string? ProviderCode { get; set; }

        /// <summary>True when retrying the same request may succeed (429, 5xx, timeouts, resets).</summary>
        public bool IsTransient { get; set; }

        /// <summary>Requests made before giving up, retries included.</summary>
        public int? Attempts { get; set; }

        /// <summary>
        /// Where a service answered a batch with some of its records not written or not deleted (and the rest
        /// done): exactly the ids not done. The batch's mutation then carries these ids, so sending it back
        /// retries them and nothing else.
        /// </summary>
        public System.Collections.Generic.IReadOnlyList<string>? FailedIds { get; set; }

        /// <summary>Records the failed batch did change before it failed (with <see cref="FailedIds"/>).</summary>
        public long? AffectedCount { get; set; }
    }

    /// <summary>A non-terminating error as the host receives it: id, category, target, exception.</summary>
    public sealed class VectorOpsError
    {
        public VectorOpsError(string errorId, VectorOpsErrorCategory category, object? target, Exception exception)
        {
            ErrorId = errorId;
            Category = category;
            Target = target;
            Exception = exception;
        }

        public string ErrorId { get; }
        public VectorOpsErrorCategory Category { get; }
        public object? Target { get; }
        public Exception Exception { get; }

        public static VectorOpsError From(VectorOpsException ex) => new VectorOpsError(ex.ErrorId, ex.Category, ex.Target, ex);

        public override string ToString() => ErrorId + ": " + Exception.Message;
    }
}
