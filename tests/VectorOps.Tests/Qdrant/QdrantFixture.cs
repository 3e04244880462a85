using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using VectorOps.Commands;
using VectorOps.Connections;
using VectorOps.Emulators.Infrastructure;
using VectorOps.Emulators.Qdrant;
using VectorOps.Providers;
using VectorOps.Security;
using Xunit;

namespace VectorOps.Tests.Qdrant
{
    /// <summary>
    /// One Qdrant emulator behind one Prism proxy (validating against qdrant-openapi.json) for every Qdrant test:
    /// Prism takes seconds to start. Each test works on its own collection (journal entries carry the collection as
    /// their scope); the tests of the collection run one at a time.
    /// </summary>
    public sealed class QdrantFixture : IDisposable
    {
        /// <summary>A key distinctive enough to be found by a scan if it ever leaks.</summary>
        public const string Key = "qdr_S3cr3tK3yVALUE_7a6b5c4d3e2f1a0b";
        public const string SpecFile = "qdrant-openapi.json";

        /// <summary>The payload key the namespaced tests use (Qdrant's multitenancy guide calls it group_id).</summary>
        public const string NamespaceKey = "group_id";

        private int _collections;

        public QdrantFixture()
        {
            Emulator = new QdrantEmulator(Key) { ScopeKey = NamespaceKey };
            Emulator.Start();
            try
            {
                Prism = PrismProxy.Start(RepoPaths.Spec(SpecFile), Emulator.BaseUri);
            }
            catch
            {
                Emulator.Dispose();
                throw;
            }
        }

        public QdrantEmulator Emulator { get; }
        public PrismProxy Prism { get; }

        /// <summary>A fresh collection (with a keyword index on the namespace key unless <paramref name="indexed"/> is false).</summary>
        public QdrantCollection NewCollection(int dimension = 4, bool indexed = true)
        {
            var c = Emulator.CreateCollection("t" + Interlocked.Increment(ref _collections).ToString("D3", CultureInfo.InvariantCulture), dimension);
            if (indexed) c.CreateIndex(NamespaceKey);
            return c;
        }

        /// <summary>Settings that send everything through Prism; with the namespace key unless <paramref name="namespaced"/> is false.</summary>
        public ConnectionSettings Settings(string collection, bool namespaced = true, bool wait = false, List<string>? trace = null) => new ConnectionSettings
        {
            Provider = "Qdrant",
            Index = collection,
            Credential = Secret.FromPlainText(Key),
            ["Endpoint"] = Prism.Uri,
            ["NamespaceKey"] = namespaced ? NamespaceKey : null,
            ["WaitForApply"] = wait ? (object)true : null,
            MaxAttempts = 3,
            RequestTimeout = TimeSpan.FromSeconds(10),
            Trace = trace is null ? null : line => { lock (trace) trace.Add(line); },
        };

        public VectorConnection Connect(string collection, bool namespaced = true, bool wait = false, List<string>? trace = null) =>
            ConnectCommand.Connect(Settings(collection, namespaced, wait, trace), makeDefault: false);

        /// <summary>Seeds points: vector [1, i%7, 0.5, 0.25], payload n (position), genre (drama every third) and the namespace key when given.</summary>
        public static void Seed(QdrantCollection c, string? @namespace, IEnumerable<string> ids) =>
            c.Seed(ids.Select((id, i) => (id, new float[] { 1, i % 7, 0.5f, 0.25f },
                "{\"n\":" + i.ToString(CultureInfo.InvariantCulture) + ",\"genre\":\"" + (i % 3 == 0 ? "drama" : "comedy") + "\"" +
                (@namespace is null ? "" : ",\"" + NamespaceKey + "\":\"" + @namespace + "\"") + "}")));

        /// <summary>Requests the emulator received for one collection.</summary>
        public IReadOnlyList<JournalEntry> Calls(string collection) =>
            Emulator.Journal.Entries.Where(e => e.Scope == collection).ToList();

        public IReadOnlyList<JournalEntry> Calls(string collection, string operation) =>
            Calls(collection).Where(e => e.Operation == operation).ToList();

        public int MutatingCalls(string collection) => Calls(collection).Count(e => e.Mutating);

        /// <summary>Undoes whatever a test switched on.</summary>
        public void Reset()
        {
            Emulator.Faults.Clear();
            Emulator.ApplyPaused = false;
            Emulator.ApplyDelay = TimeSpan.FromMilliseconds(30);
            Emulator.MaxRequestBytes = QdrantEmulator.DefaultMaxRequestBytes;
            Emulator.ApiKey = Key;
        }

        /// <summary>Waits (bounded) until every acknowledged update is applied.</summary>
        public void Settle()
        {
            var until = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while (Emulator.PendingCount > 0)
            {
                Assert.True(DateTime.UtcNow < until, "Qdrant updates were not applied in time");
                Thread.Sleep(10);
                Emulator.ApplyDueNow();
            }
        }

        public void Dispose()
        {
            Prism.Dispose();
            Emulator.Dispose();
        }
    }

    [CollectionDefinition(Name)]
    public sealed class QdrantCollectionDefinition : ICollectionFixture<QdrantFixture>
    {
        public const string Name = "Qdrant emulator behind Prism";
    }

    /// <summary>Base of the tests that use the emulator: resets it, and fails the test on any Prism violation.</summary>
    [Collection(QdrantCollectionDefinition.Name)]
    public abstract class QdrantTestBase : IDisposable
    {
        private readonly int _mark;

        protected QdrantTestBase(QdrantFixture fixture)
        {
            Fixture = fixture;
            fixture.Reset();
            _mark = fixture.Prism.Mark();
            Host = new Support.RecordingHost();
        }

        protected QdrantFixture Fixture { get; }
        protected QdrantEmulator Emulator => Fixture.Emulator;
        protected Support.RecordingHost Host { get; }

        public virtual void Dispose()
        {
            try
            {
                Fixture.Prism.AssertNoViolations(_mark);
                Assert.Empty(Host.ThreadViolations);
            }
            finally
            {
                Fixture.Reset();
            }
        }

        protected static T Sync<T>(System.Threading.Tasks.Task<T> task) => task.GetAwaiter().GetResult();
    }
}
