using System;
using System.Collections.Generic;
using System.Linq;
using VectorOps.Tests.Chroma;
using VectorOps.Tests.Conformance.Throwaway;
using VectorOps.Tests.PgVector;
using VectorOps.Tests.Pinecone;
using VectorOps.Tests.Qdrant;
using VectorOps.Tests.Vectorize;
using VectorOps.Tests.Weaviate;
using Xunit;

namespace VectorOps.Tests.Conformance
{
    /// <summary>
    /// The emulators the conformance suite's cloud fixtures run on, started on first use (a run filtered to the
    /// local store starts no Prism), stopped with the collection.
    /// </summary>
    public sealed class ConformanceServers : IDisposable
    {
        private readonly Lazy<PineconeFixture> _pinecone = new Lazy<PineconeFixture>(() => new PineconeFixture());
        private readonly Lazy<VectorizeFixture> _vectorize = new Lazy<VectorizeFixture>(() => new VectorizeFixture());
        private readonly Lazy<ChromaFixture> _chroma = new Lazy<ChromaFixture>(() => new ChromaFixture());
        private readonly Lazy<WeaviateFixture> _weaviate = new Lazy<WeaviateFixture>(() => new WeaviateFixture());
        private readonly Lazy<QdrantFixture> _qdrant = new Lazy<QdrantFixture>(() => new QdrantFixture());

        public PineconeFixture Pinecone => _pinecone.Value;
        public VectorizeFixture Vectorize => _vectorize.Value;
        public ChromaFixture Chroma => _chroma.Value;
        public WeaviateFixture Weaviate => _weaviate.Value;
        public QdrantFixture Qdrant => _qdrant.Value;

        public void Dispose()
        {
            if (_pinecone.IsValueCreated) _pinecone.Value.Dispose();
            if (_vectorize.IsValueCreated) _vectorize.Value.Dispose();
            if (_chroma.IsValueCreated) _chroma.Value.Dispose();
            if (_weaviate.IsValueCreated) _weaviate.Value.Dispose();
            if (_qdrant.IsValueCreated) _qdrant.Value.Dispose();
        }
    }

    [CollectionDefinition(Name)]
    public sealed class ConformanceCollection : ICollectionFixture<ConformanceServers>
    {
        public const string Name = "Conformance suite (every provider through its fixture)";
    }

    /// <summary>One provider's fixture in the registry: what it leaves out is known before any server starts.</summary>
    public sealed class FixtureEntry
    {
        public FixtureEntry(string name, string descriptorName, Func<ConformanceServers, ProviderFixture> create, IReadOnlyDictionary<ConformanceCase, string> leftOut)
        {
            Name = name;
            DescriptorName = descriptorName;
            Create = create;
            LeftOut = leftOut;
        }

        /// <summary>The name the tables use.</summary>
        public string Name { get; }

        /// <summary>The provider's name in the registry.</summary>
        public string DescriptorName { get; }

        public Func<ConformanceServers, ProviderFixture> Create { get; }
        public IReadOnlyDictionary<ConformanceCase, string> LeftOut { get; }
        public bool Supports(ConformanceCase c) => !LeftOut.ContainsKey(c);
    }

    /// <summary>
    /// The registry of fixtures the conformance theories enumerate. A new provider adds one line here (and its
    /// fixture); each case's theory data is every fixture that does not leave the case out.
    /// </summary>
    public static class ProviderFixtures
    {
        public static readonly IReadOnlyList<FixtureEntry> All = new[]
        {
            new FixtureEntry("Local", "Local", _ => new LocalProviderFixture(), LocalProviderFixture.Gaps),
            new FixtureEntry("Pinecone", "Pinecone", s => new PineconeProviderFixture(s.Pinecone), PineconeProviderFixture.Gaps),
            new FixtureEntry("Vectorize", "CloudflareVectorize", s => new VectorizeProviderFixture(s.Vectorize), VectorizeProviderFixture.Gaps),
            new FixtureEntry("Chroma", "Chroma", s => new ChromaProviderFixture(s.Chroma), ChromaProviderFixture.Gaps),
            new FixtureEntry("Weaviate", "Weaviate", s => new WeaviateProviderFixture(s.Weaviate), WeaviateProviderFixture.Gaps),
            new FixtureEntry("Qdrant", "Qdrant", s => new QdrantProviderFixture(s.Qdrant), QdrantProviderFixture.Gaps),
            new FixtureEntry("Qdrant-OneNamespace", "Qdrant", s => new QdrantProviderFixture(s.Qdrant, namespaced: false), QdrantProviderFixture.Gaps),
            new FixtureEntry("Throwaway", ThrowawayDescriptor.Name, _ => new ThrowawayProviderFixture(), ThrowawayProviderFixture.Gaps),
            // PostgreSQL + pgvector on the shared PGlite server, once per table layout.
            new FixtureEntry("PgVector-VectorOps", "PgVector", _ => new PgVectorProviderFixture(PgTableLayout.VectorOps), PgVectorProviderFixture.GapsOf(PgTableLayout.VectorOps)),
            new FixtureEntry("PgVector-LangChain", "PgVector", _ => new PgVectorProviderFixture(PgTableLayout.LangChain), PgVectorProviderFixture.GapsOf(PgTableLayout.LangChain)),
            new FixtureEntry("PgVector-LlamaIndex", "PgVector", _ => new PgVectorProviderFixture(PgTableLayout.LlamaIndex), PgVectorProviderFixture.GapsOf(PgTableLayout.LlamaIndex)),
            new FixtureEntry("PgVector-Custom", "PgVector", _ => new PgVectorProviderFixture(PgTableLayout.Custom), PgVectorProviderFixture.GapsOf(PgTableLayout.Custom)),
        };

        public static FixtureEntry Get(string name) => All.Single(e => e.Name == name);

        /// <summary>Theory data: the fixtures that run this case.</summary>
        public static TheoryData<string> For(ConformanceCase c)
        {
            var data = new TheoryData<string>();
            foreach (var e in All.Where(e => e.Supports(c))) data.Add(e.Name);
            return data;
        }
    }
}
