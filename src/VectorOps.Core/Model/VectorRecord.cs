using System.Collections.Generic;

namespace VectorOps.Model
{
    /// <summary>A sparse vector: parallel arrays of dimension indices and their values.</summary>
    public sealed class SparseVector
    {
        public SparseVector(IReadOnlyList<uint> indices, IReadOnlyList<float> values)
        {
            Indices = indices;
            Values = values;
        }

        public IReadOnlyList<uint> Indices { get; }
        public IReadOnlyList<float> Values { get; }
    }

    /// <summary>One record of a vector index, as every provider reads and writes it.</summary>
    public sealed class VectorRecord
    {
        public VectorRecord(string id) { Id = id; }

        public string Id { get; set; }

        /// <summary>Dense values; null when the provider returned ids only.</summary>
        public float[]? Values { get; set; }

        public SparseVector? SparseValues { get; set; }

        /// <summary>Metadata with plain .NET values: string, long, double, bool, or a list of strings.</summary>
        public IDictionary<string, object?>? Metadata { get; set; }

        /// <summary>
        /// The text the embedding was made from, where the store keeps it beside the vector (a collection's documents,
        /// LangChain's document column, LlamaIndex's text); null where it keeps none. Backed up and restored with the record.
        /// </summary>
        public string? Document { get; set; }

        /// <summary>The namespace the record lives in; null means the provider's default namespace.</summary>
        public string? Namespace { get; set; }

        public override string ToString() => Namespace is null ? Id : Namespace + "/" + Id;
    }
}
