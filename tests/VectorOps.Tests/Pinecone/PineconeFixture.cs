using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using VectorOps.Commands;
using VectorOps.Connections;
using VectorOps.Emulators.Infrastructure;
using VectorOps.Emulators.Pinecone;
using VectorOps.Providers;
using VectorOps.Security;
using Xunit;

namespace VectorOps.Tests.Pinecone
{
    /// <summary>
    /// One Pinecone emulator (data plane) and one control-plane emulator, each behind Prism: the data plane twice
    /// (validated against db_data 2026-04 and against 2025-10, for connections on each version), the control plane
    /// once (db_control 2026-04). Shared by every Pinecone test class (Prism takes seconds to start); the tests of
    /// the collection run one at a time and each starts from a clean emulator.
    /// </summary>
    public sealed class PineconeFixture : IDisposable
    {
        public const string Key = "pcsk_test_4Qw9-SECRET-e1f2a3b4c5d6e7f8";
        public const string IndexName = "movies-test";
        public const int Dimension = 4;

        public PineconeFixture()
        {
            Emulator = new PineconeEmulator(new PineconeEmulatorOptions { ApiKey = Key, Dimension = Dimension, IndexName = IndexName });
            Control = new PineconeControlPlaneEmulator(Key);
            Emulator.Start();
            Control.Start();
            try
            {
                // Prism is slow to start: start the three at once.
                var data = Task.Run(() => PrismProxy.Start(RepoPaths.Spec("pinecone-db_data_2026-04.oas.yaml"), Emulator.BaseUri));
                var legacy = Task.Run(() => PrismProxy.Start(RepoPaths.Spec("pinecone-db_data_2025-10.oas.yaml"), Emulator.BaseUri));
                var control = Task.Run(() => PrismProxy.Start(RepoPaths.Spec("pinecone-db_control_2026-04.oas.yaml"), Control.BaseUri));
                try
                {
                    Task.WaitAll(data, legacy, control);
                }
                catch (AggregateException)
                {
                    // Stop the ones that did start before failing.
                    foreach (var t in new[] { data, legacy, control })
                        if (t.Status == TaskStatus.RanToCompletion) t.Result.Dispose();
                    throw;
                }
                Prism = data.Result;
                LegacyPrism = legacy.Result;
                ControlPrism = control.Result;
            }
            catch (AggregateException ex)
            {
                Emulator.Dispose();
                Control.Dispose();
                // Fail loudly (PrismNotInstalledException says to run npm ci in tools/).
                throw ex.InnerExceptions.First();
            }
            // describe_index reports the host the client should use: Prism in front of the data plane.
            Control.AddIndex(IndexName, Prism.Uri.Authority, Dimension);
        }

        public PineconeEmulator Emulator { get; }
        public PineconeControlPlaneEmulator Control { get; }

        /// <summary>Validates against db_data 2026-04.</summary>
        public PrismProxy Prism { get; }

        /// <summary>Validates against db_data 2025-10.</summary>
        public PrismProxy LegacyPrism { get; }

        /// <summary>Validates against db_control 2026-04.</summary>
        public PrismProxy ControlPrism { get; }

        public IEnumerable<PrismProxy> AllPrisms => new[] { Prism, LegacyPrism, ControlPrism };

        /// <summary>Empties the emulator, its journal and faults, and lifts any indexing hold.</summary>
        public void Reset()
        {
            Emulator.Reset();
            Emulator.Store.IndexingLag = TimeSpan.Zero;
            Emulator.Options.PlainText401 = false;
            Control.Journal.Clear();
            Control.Faults.Clear();
        }

        /// <summary>Settings for a connection through Prism (the 2025-10 Prism for that version).</summary>
        public ConnectionSettings Settings(string apiVersion = "2026-04", string? key = Key, int? maxAttempts = null)
        {
            var s = new ConnectionSettings
            {
                Provider = "Pinecone",
                ["IndexHost"] = apiVersion == "2025-10" ? LegacyPrism.Uri : Prism.Uri,
                Credential = Secret.FromPlainText(key),
                ["ApiVersion"] = apiVersion,
                RequestTimeout = TimeSpan.FromSeconds(20),
            };
            if (maxAttempts != null) s.MaxAttempts = maxAttempts;
            return s;
        }

        public VectorConnection Connect(string apiVersion = "2026-04", int? maxAttempts = null, Action<string>? trace = null)
        {
            var s = Settings(apiVersion, maxAttempts: maxAttempts);
            if (trace != null) s.Trace = trace;
            return ConnectCommand.Connect(s, makeDefault: false);
        }

        public void Dispose()
        {
            foreach (var p in new[] { Prism, LegacyPrism, ControlPrism }) p?.Dispose();
            Emulator.Dispose();
            Control.Dispose();
        }
    }

    [CollectionDefinition(Name)]
    public sealed class PineconeCollection : ICollectionFixture<PineconeFixture>
    {
        public const string Name = "Pinecone emulator behind Prism";
    }

    /// <summary>Each test starts from an empty emulator and ends by asserting Prism saw no violation.</summary>
    [Collection(PineconeCollection.Name)]
    public abstract class PineconeTestBase : IDisposable
    {
        private readonly Dictionary<PrismProxy, int> _marks;

        protected PineconeTestBase(PineconeFixture fixture)
        {
            Fixture = fixture;
            fixture.Reset();
            _marks = fixture.AllPrisms.ToDictionary(p => p, p => p.Mark());
        }

        protected PineconeFixture Fixture { get; }
        protected PineconeEmulator Emulator => Fixture.Emulator;
        protected RequestJournal Journal => Fixture.Emulator.Journal;

        /// <summary>Fails the test if any Prism logged a violation since the test began.</summary>
        protected void AssertNoViolations()
        {
            foreach (var pair in _marks) pair.Key.AssertNoViolations(pair.Value);
        }

        protected static IEnumerable<PineconeRecord> Records(string prefix, int count, Func<int, Dictionary<string, object?>?>? metadata = null) =>
            Enumerable.Range(0, count).Select(i => new PineconeRecord(prefix + i.ToString("D6"))
            {
                Values = new float[] { 1, i % 7, 0.5f, 0.25f },
                Metadata = metadata?.Invoke(i),
            });

        public void Dispose() { }
    }
}
