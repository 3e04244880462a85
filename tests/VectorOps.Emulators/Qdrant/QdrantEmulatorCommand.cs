using System;
using System.Collections.Generic;
using System.Globalization;
using VectorOps.Emulators.Infrastructure;

namespace VectorOps.Emulators.Qdrant
{
    /// <summary><c>VectorOps.Emulators qdrant --port N [--api-key K] [--collection NAME] [--dimension D] [--namespace-key K] [--apply-delay-ms MS]</c></summary>
    public sealed class QdrantEmulatorCommand : IEmulatorCommand
    {
        public string Name => "qdrant";

        public string Usage =>
            "Qdrant REST API (qdrant-openapi.json).\n" +
            "--port N (0: any free port)  --api-key KEY (default: none required)  --collection NAME (default docs, created empty)\n" +
            "--dimension D (default 4)  --namespace-key K (a keyword index on K, and the journal's scope key)  --apply-delay-ms MS (wait=false updates applied after MS)";

        public EmulatorHost Create(IReadOnlyDictionary<string, string> options)
        {
            var e = new QdrantEmulator(options.TryGetValue("api-key", out var key) ? key : null);
            var dimension = options.TryGetValue("dimension", out var d) ? int.Parse(d, CultureInfo.InvariantCulture) : 4;
            var collection = e.CreateCollection(options.TryGetValue("collection", out var n) ? n : "docs", dimension);
            if (options.TryGetValue("namespace-key", out var k))
            {
                collection.CreateIndex(k);
                e.ScopeKey = k;
            }
            if (options.TryGetValue("apply-delay-ms", out var delay)) e.ApplyDelay = TimeSpan.FromMilliseconds(double.Parse(delay, CultureInfo.InvariantCulture));
            return e;
        }
    }
}
