using System.Collections.Generic;

namespace VectorOps.Model
{
    /// <summary>A namespace and its record count, as Get-VectorNamespace writes it.</summary>
    public sealed class NamespaceInfo
    {
        public NamespaceInfo(string provider, string index, string name, long? recordCount)
        {
            Provider = provider;
            Index = index;
            Name = name;
            RecordCount = recordCount;
        }

        public string Provider { get; }
        public string Index { get; }
        public string Name { get; }

        /// <summary>Record count as the provider reports it (it may lag on eventually consistent services).</summary>
        public long? RecordCount { get; }

        /// <summary>Alias so the object binds to -Namespace by property name.</summary>
        public string Namespace => Name;

        public override string ToString() => Name;
    }

    /// <summary>Index-level statistics.</summary>
    public sealed class IndexStats
    {
        public string Provider { get; set; } = "";
        public string Index { get; set; } = "";
        public int? Dimension { get; set; }

        /// <summary>The distance metric (cosine, euclidean, dotproduct), where the provider reports it; null when unknown.</summary>
        public string? Metric { get; set; }

        public long? TotalRecordCount { get; set; }
        public IReadOnlyList<NamespaceInfo> Namespaces { get; set; } = new NamespaceInfo[0];
    }
}
