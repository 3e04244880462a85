using System;
using System.Collections.Generic;
using System.Linq;
using VectorOps.Errors;
using VectorOps.Providers.Local;
using VectorOps.Providers.Pinecone;
using VectorOps.Providers.Vectorize;

namespace VectorOps.Providers
{
    /// <summary>Maps provider names to factories. Adding a provider is one Register line here (see docs/ARCHITECTURE.md).</summary>
    public static class ProviderRegistry
    {
        private static readonly Dictionary<string, Func<ConnectionSettings, IVectorProvider>> Factories =
            new Dictionary<string, Func<ConnectionSettings, IVectorProvider>>(StringComparer.OrdinalIgnoreCase);

        static ProviderRegistry()
        {
            Register("Local", LocalProvider.Create);
            Register("Pinecone", PineconeProvider.Create);
            Register(VectorizeProvider.ProviderName, VectorizeProvider.Create);
            Register("Vectorize", VectorizeProvider.Create);
            Register("Cloudflare", VectorizeProvider.Create);
        }

        public static void Register(string name, Func<ConnectionSettings, IVectorProvider> factory) => Factories[name] = factory;

        public static IReadOnlyCollection<string> Names => Factories.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();

        public static IVectorProvider Create(ConnectionSettings settings)
        {
            if (settings is null) throw new ArgumentNullException(nameof(settings));
            if (!Factories.TryGetValue(settings.Provider ?? "", out var factory))
                throw new VectorOpsException(ErrorIds.UnknownProvider, VectorOpsErrorCategory.InvalidArgument,
                    $"Unknown provider '{settings.Provider}'. Known providers: {string.Join(", ", Names)}.", settings.Provider);
            return factory(settings);
        }
    }
}
