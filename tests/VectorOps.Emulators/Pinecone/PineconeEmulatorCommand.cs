using System;
using System.Collections.Generic;
using System.Globalization;
using VectorOps.Emulators.Infrastructure;

namespace VectorOps.Emulators.Pinecone
{
    /// <summary><c>VectorOps.Emulators pinecone --port N [--api-key K] [--dimension D] [--index-name NAME] [--indexing-lag-ms MS] [--delete-rps R]</c></summary>
    public sealed class PineconeEmulatorCommand : IEmulatorCommand
    {
        public string Name => "pinecone";

        public string Usage =>
            "Pinecone data plane (db_data 2026-04 and 2025-10).\n" +
            "--port N (0: any free port)  --api-key KEY (default emulator-key; 'any' accepts every key)\n" +
            "--dimension D (default 4)  --index-name NAME  --indexing-lag-ms MS  --delete-rps R (0: no limit)";

        public EmulatorHost Create(IReadOnlyDictionary<string, string> options)
        {
            var o = new PineconeEmulatorOptions();
            if (options.TryGetValue("api-key", out var key)) o.ApiKey = key == "any" ? null : key;
            if (options.TryGetValue("dimension", out var d)) o.Dimension = int.Parse(d, CultureInfo.InvariantCulture);
            if (options.TryGetValue("index-name", out var n)) o.IndexName = n;
            if (options.TryGetValue("indexing-lag-ms", out var lag)) o.IndexingLag = TimeSpan.FromMilliseconds(double.Parse(lag, CultureInfo.InvariantCulture));
            if (options.TryGetValue("delete-rps", out var rps)) o.DeleteRequestsPerSecondPerNamespace = double.Parse(rps, CultureInfo.InvariantCulture);
            return new PineconeEmulator(o);
        }
    }
}
