using System;
using System.Collections.Generic;
using Npgsql;
using VectorOps.Filtering;

namespace VectorOps.Providers.PgVector
{
    /// <summary>
    /// The metadata filter language as SQL on a jsonb expression: every operator MetadataFilter has, the same
    /// answers as <see cref="MetadataFilter"/>'s in-memory evaluation, values only as parameters (never in the text).
    /// </summary>
    internal static class PgFilterSql
    {
        /// <summary>
        /// A boolean SQL condition for <paramref name="filter"/> over <paramref name="metadataSql"/> (an already
        /// quoted jsonb expression, e.g. <c>t."cmetadata"</c> or <c>t."metadata_"::jsonb</c>), adding the values it
        /// needs to <paramref name="parameters"/> (named $1.. by position: the caller's parameters come first).
        /// </summary>
        public static string Where(MetadataFilter filter, string metadataSql, List<NpgsqlParameter> parameters) =>
            throw new NotImplementedException("PgFilterSql.Where");
    }
}
