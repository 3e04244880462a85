using System.Collections.Generic;

namespace VectorOps.Model
{
    /// <summary>
    /// One index as Get-VectorIndex and `vectorops stats` show it: where it is, its shape, and its namespaces with
    /// their record counts. Counts are what the provider reports (they may lag on eventually consistent services).
    /// </summary>
    public sealed class VectorIndexInfo
    {
        public VectorIndexInfo(string provider, string index, string endpoint, int? dimension, string? metric,
            long? totalRecordCount, IReadOnlyList<NamespaceInfo> namespaces)
        {
            Provider = provider;
            Index = index;
            Endpoint = endpoint;
            Dimension = dimension;
            Metric = metric;
            TotalRecordCount = totalRecordCount;
            Namespaces = namespaces;
        }

        public string Provider { get; }
        public string Index { get; }

        /// <summary>Where the index is: a URI, or the store file.</summary>
        public string Endpoint { get; }

        /// <summary>Values per record; null when the index has none yet (an empty local index) or does not say.</summary>
        public int? Dimension { get; }

        /// <summary>The distance metric, where the provider reports it; null when unknown.</summary>
        public string? Metric { get; }

        /// <summary>Records in the whole index, as the provider reports it.</summary>
        public long? TotalRecordCount { get; }

        /// <summary>Every namespace with its record count.</summary>
        public IReadOnlyList<NamespaceInfo> Namespaces { get; }

        /// <summary>How many namespaces the index has.</summary>
        public int NamespaceCount => Namespaces.Count;

        public override string ToString() => $"{Provider}:{Index}";
    }
}
