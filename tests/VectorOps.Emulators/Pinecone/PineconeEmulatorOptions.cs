using System;
using System.Collections.Generic;

namespace VectorOps.Emulators.Pinecone
{
    /// <summary>How the emulated Pinecone index behaves.</summary>
    public sealed class PineconeEmulatorOptions
    {
        /// <summary>The key every request must carry in Api-Key (null: any non-empty key is accepted).</summary>
        public string? ApiKey { get; set; } = "emulator-key";

        /// <summary>Index name (for messages and the control plane).</summary>
        public string IndexName { get; set; } = "emulated-index";

        /// <summary>Dense dimension: upserted values and query vectors must have exactly this length.</summary>
        public int Dimension { get; set; } = 4;

        /// <summary>cosine, euclidean or dotproduct.</summary>
        public string Metric { get; set; } = "cosine";

        /// <summary>API versions served (X-Pinecone-Api-Version); anything else is rejected.</summary>
        public ISet<string> ApiVersions { get; } = new HashSet<string>(StringComparer.Ordinal) { "2026-04", "2025-10" };

        /// <summary>Delete by metadata filter is rejected on these versions (serverless before 2026-04).</summary>
        public ISet<string> VersionsWithoutFilterDelete { get; } = new HashSet<string>(StringComparer.Ordinal) { "2025-10" };

        /// <summary>Answer 401 as text/plain, as the service sometimes does (this violates the document: test without Prism).</summary>
        public bool PlainText401 { get; set; }

        /// <summary>Most ids one delete or fetch carries (the service's 1000).</summary>
        public int MaxIdsPerRequest { get; set; } = 1000;

        /// <summary>Longest id (512 characters).</summary>
        public int MaxIdLength { get; set; } = 512;

        /// <summary>Most ids a list page holds.</summary>
        public int MaxListLimit { get; set; } = 100;

        /// <summary>Most records one upsert carries.</summary>
        public int MaxUpsertRecords { get; set; } = 1000;

        /// <summary>Largest request body (2 MB).</summary>
        public int MaxRequestBytes { get; set; } = 2 * 1024 * 1024;

        /// <summary>Largest metadata of one record (40 KB).</summary>
        public int MaxMetadataBytes { get; set; } = 40 * 1024;

        /// <summary>Deletes allowed per second per namespace (the service's 100); 0 disables the limit.</summary>
        public double DeleteRequestsPerSecondPerNamespace { get; set; } = 100;

        /// <summary>Burst of the per-namespace delete limit.</summary>
        public int DeleteBurst { get; set; } = 100;

        /// <summary>Retry-After the emulator sends with its own rate-limit 429 (null: none, as the service often does).</summary>
        public TimeSpan? RateLimitRetryAfter { get; set; } = TimeSpan.FromSeconds(1);

        /// <summary>How long writes stay unindexed (x-pinecone-max-indexed-lsn lags behind).</summary>
        public TimeSpan IndexingLag { get; set; }
    }
}
