using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using VectorOps.Commands;
using VectorOps.Connections;
using VectorOps.Emulators.Infrastructure;
using VectorOps.Emulators.Weaviate;
using VectorOps.Providers;
using VectorOps.Security;
using Xunit;

namespace VectorOps.Tests.Weaviate
{
    /// <summary>
    /// One Weaviate emulator (bearer key required) and one Prism proxy validating against the Weaviate document
    /// (its basePath folded into the paths: <see cref="WeaviateSpec.ForPrism"/>), shared by every Weaviate test and
    /// the conformance fixture: Prism takes seconds to start. Each test makes its own class (<see cref="NewClass"/>).
    /// </summary>
    public sealed class WeaviateFixture : IDisposable
    {
        public const string Key = "wv-test-7Hq2-SECRET-5c6d7e8f9a0b";
        private static int _classes;

        public WeaviateFixture()
        {
            Emulator = new WeaviateEmulator(Key);
            Emulator.Start();
            try
            {
                Prism = PrismProxy.Start(WeaviateSpec.ForPrism(), Emulator.BaseUri);
            }
            catch
            {
                Emulator.Dispose();
                throw;
            }
        }

        public WeaviateEmulator Emulator { get; }
        public PrismProxy Prism { get; }

        /// <summary>A new class (a unique name) with genre (text, field), n (number), tags (text[], field); multi-tenant with the given tenants.</summary>
        public string NewClass(bool multiTenant = true, bool indexNullState = true, params string[] tenants)
        {
            var name = "Test" + Interlocked.Increment(ref _classes).ToString(System.Globalization.CultureInfo.InvariantCulture);
            Emulator.CreateClass(name, multiTenant, indexNullState, WeaviateEmulatorCommand.StandardProperties());
            foreach (var t in tenants) Emulator.AddTenant(name, t);
            return name;
        }

        /// <summary>Empties the data, the journal and the faults; settings back to the service's defaults.</summary>
        public void Reset()
        {
            Emulator.Reset();
            Emulator.QueryMaximumResults = 10000;
        }

        public ConnectionSettings Settings(string className, bool throughPrism = true, string? key = Key)
        {
            var s = new ConnectionSettings
            {
                Provider = "Weaviate",
                Index = className,
                ["Endpoint"] = throughPrism ? Prism.Uri : Emulator.BaseUri,
                Credential = key is null ? null : Secret.FromPlainText(key),
                RequestTimeout = TimeSpan.FromSeconds(20),
            };
            return s;
        }

        public VectorConnection Connect(string className, bool throughPrism = true, Action<string>? trace = null, int? maxAttempts = null)
        {
            var s = Settings(className, throughPrism);
            if (trace != null) s.Trace = trace;
            if (maxAttempts != null) s.MaxAttempts = maxAttempts;
            return ConnectCommand.Connect(s, makeDefault: false);
        }

        /// <summary>Prism's violations since the mark, less the undocumented statuses of faults the test injected (the document lists no 429/503 for some calls).</summary>
        public void AssertNoViolations(int mark)
        {
            Prism.Sync();
            var found = Prism.Violations(mark);
            var undocumented = found.Where(v => v.Title.Contains("Unable to match the returned status code", StringComparison.Ordinal)).ToList();
            var injected = Emulator.Journal.Entries.Count(e => e.Fault != null && e.Status >= 400);
            Assert.True(undocumented.Count <= injected, $"{undocumented.Count} undocumented-status violations for {injected} injected faults: " +
                string.Join("; ", undocumented.Select(v => v.ToString())));
            Assert.Empty(found.Except(undocumented).Select(v => v.ToString()));
        }

        public void Dispose()
        {
            Prism.Dispose();
            Emulator.Dispose();
        }
    }

    [CollectionDefinition(Name)]
    public sealed class WeaviateCollection : ICollectionFixture<WeaviateFixture>
    {
        public const string Name = "Weaviate emulator behind Prism";
    }
}
