using System;

namespace VectorOps.Providers.PgVector
{
    /// <summary>PostgreSQL + pgvector. Being written (issue 14): connecting is refused until it is.</summary>
    public sealed partial class PgVectorProvider
    {
        public const string ProviderName = "PgVector";

        /// <summary>The registry's factory.</summary>
        public static IVectorProvider Open(ConnectionSettings settings) =>
            throw new NotImplementedException("PgVectorProvider.Open");
    }
}
