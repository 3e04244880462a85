using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using VectorOps.Commands;
using VectorOps.Connections;
using VectorOps.Emulators.Infrastructure;
using VectorOps.Emulators.Pinecone;
using VectorOps.Emulators.Vectorize;
using VectorOps.Providers;
using VectorOps.Security;
using VectorOps.Tests.Pinecone;
using VectorOps.Tests.Vectorize;
using Xunit;

namespace VectorOps.Tests.Reliability
{
    /// <summary>
    /// One cloud provider behind its emulator, as the reliability tests see it: seed records, connect (through
    /// Prism, or straight to the emulator where Prism would change the fault), inject faults, read what the
    /// emulator's journal says was deleted, and the CLI options that reach the same index.
    /// </summary>
    public abstract class FaultTarget
    {
        /// <summary>"Pinecone" or "Vectorize", as the tables name them.</summary>
        public abstract string Name { get; }

        /// <summary>The namespace the tests delete in.</summary>
        public abstract string Namespace { get; }

        public abstract FaultSwitchboard Faults { get; }

        /// <summary>A path prefix that selects the delete requests (for OnPath faults).</summary>
        public abstract string DeletePath { get; }

        /// <summary>The key or token, for secret scans.</summary>
        public abstract string Secret { get; }

        public abstract void Seed(IEnumerable<string> ids);

        public abstract bool Exists(string id);

        /// <summary>Every id the emulator removed in this test's scope (once each).</summary>
        public abstract IReadOnlyCollection<string> DeletedIds();

        /// <summary>Ids the emulator removed more than once (must stay empty).</summary>
        public abstract IReadOnlyCollection<string> DeletedTwice();

        /// <summary>The delete requests this test's scope received, in arrival order.</summary>
        public abstract IReadOnlyList<JournalEntry> Deletes();

        /// <summary>Mutating requests of this test's scope (rejected and faulted ones included).</summary>
        public abstract int MutatingCalls();

        public abstract ConnectionSettings Settings(bool throughPrism = true, int maxAttempts = 3, TimeSpan? requestTimeout = null);

        public VectorConnection Connect(bool throughPrism = true, int maxAttempts = 3, TimeSpan? requestTimeout = null) =>
            ConnectCommand.Connect(Settings(throughPrism, maxAttempts, requestTimeout), makeDefault: false);

        /// <summary>Waits until every acknowledged write has been applied (Vectorize applies asynchronously).</summary>
        public virtual void Settle() { }

        /// <summary>The CLI options that reach this index (the command goes first).</summary>
        public abstract List<string> CliArgs(string command, bool throughPrism = true, params string[] rest);

        /// <summary>The CLI's environment: the credential.</summary>
        public abstract Dictionary<string, string> CliEnvironment();

        /// <summary>Fails on any Prism violation since the test began (injected 5xx answers allowed where the document lacks them).</summary>
        public abstract void AssertNoViolations();

        /// <summary>False for the local store: no emulator journal of requests.</summary>
        public virtual bool HasJournal => true;

        /// <summary>"doc-00042"-style ids.</summary>
        public static List<string> Ids(string prefix, int count, int from = 0) =>
            Enumerable.Range(from, count).Select(i => prefix + i.ToString("D5", CultureInfo.InvariantCulture)).ToList();
    }

    /// <summary>The Pinecone emulator (data plane) of the shared fixture; namespace "docs".</summary>
    public sealed class PineconeTarget : FaultTarget
    {
        private readonly PineconeFixture _fixture;
        private readonly Dictionary<PrismProxy, int> _marks;

        public PineconeTarget(PineconeFixture fixture)
        {
            _fixture = fixture;
            fixture.Reset();
            _marks = fixture.AllPrisms.ToDictionary(p => p, p => p.Mark());
        }

        public PineconeEmulator Emulator => _fixture.Emulator;
        public PineconeFixture Fixture => _fixture;
        public override string Name => "Pinecone";
        public override string Namespace => "docs";
        public override FaultSwitchboard Faults => Emulator.Faults;
        public override string DeletePath => "/vectors/delete";
        public override string Secret => PineconeFixture.Key;

        public override void Seed(IEnumerable<string> ids) =>
            Emulator.Store.Seed(Namespace, ids.Select((id, i) => new PineconeRecord(id)
            {
                Values = new float[] { 1, i % 7, 0.5f, 0.25f },
                Metadata = new Dictionary<string, object?> { ["n"] = (long)i, ["genre"] = i % 3 == 0 ? "drama" : "comedy" },
            }));

        public override bool Exists(string id)
        {
            var ns = Emulator.Store.Find(Namespace);
            if (ns is null) return false;
            lock (ns.Gate) return ns.Records.ContainsKey(id);
        }
        public override IReadOnlyCollection<string> DeletedIds() => Emulator.Journal.DeletedIds(Namespace);
        public override IReadOnlyCollection<string> DeletedTwice() => Emulator.Journal.DeletedMoreThanOnce(Namespace);
        public override IReadOnlyList<JournalEntry> Deletes() => Emulator.Journal.Of("delete");
        public override int MutatingCalls() => Emulator.Journal.MutatingCalls;

        public override ConnectionSettings Settings(bool throughPrism = true, int maxAttempts = 3, TimeSpan? requestTimeout = null)
        {
            var s = _fixture.Settings(maxAttempts: maxAttempts);
            if (!throughPrism) s["IndexHost"] = Emulator.BaseUri;
            s.RequestTimeout = requestTimeout ?? TimeSpan.FromSeconds(10);
            return s;
        }

        public override List<string> CliArgs(string command, bool throughPrism = true, params string[] rest)
        {
            var args = new List<string>
            {
                command, "--provider", "Pinecone", "--index-host", (throughPrism ? _fixture.Prism.Uri : Emulator.BaseUri).ToString(),
                "--api-version", "2026-04",
            };
            args.AddRange(rest);
            return args;
        }

        public override Dictionary<string, string> CliEnvironment() => new Dictionary<string, string> { ["PINECONE_API_KEY"] = PineconeFixture.Key };

        public override void AssertNoViolations()
        {
            foreach (var pair in _marks) pair.Key.AssertNoViolations(pair.Value);
        }
    }

    /// <summary>A fresh index on the Vectorize emulator of the shared fixture, in its default namespace.</summary>
    public sealed class VectorizeTarget : FaultTarget
    {
        private readonly VectorizeFixture _fixture;
        private readonly int _mark;

        public VectorizeTarget(VectorizeFixture fixture)
        {
            _fixture = fixture;
            fixture.Reset();
            _mark = fixture.Prism.Mark();
            Index = fixture.NewIndex();
        }

        public VectorizeIndexState Index { get; }
        public VectorizeEmulator Emulator => _fixture.Emulator;
        public VectorizeFixture Fixture => _fixture;
        public override string Name => "Vectorize";
        public override string Namespace => "__default__";
        public override FaultSwitchboard Faults => Emulator.Faults;
        public override string DeletePath => $"/accounts/{_fixture.AccountId}/vectorize/v2/indexes/{Index.Name}/delete_by_ids";
        public override string Secret => VectorizeFixture.Token;

        public override void Seed(IEnumerable<string> ids) =>
            Index.Seed(ids.Select((id, i) => new StoredVector(id, new float[] { 1, i % 7, 0.5f, 0.25f },
                "{\"n\":" + i.ToString(CultureInfo.InvariantCulture) + ",\"genre\":\"" + (i % 3 == 0 ? "drama" : "comedy") + "\"}", null)));

        public override bool Exists(string id) => Index.Contains(id);
        public override IReadOnlyCollection<string> DeletedIds() => Emulator.Journal.DeletedIds(Index.Name);
        public override IReadOnlyCollection<string> DeletedTwice() => Emulator.Journal.DeletedMoreThanOnce(Index.Name);
        public override IReadOnlyList<JournalEntry> Deletes() => _fixture.Calls(Index.Name, "delete_by_ids");
        public override int MutatingCalls() => _fixture.MutatingCalls(Index.Name);

        public override ConnectionSettings Settings(bool throughPrism = true, int maxAttempts = 3, TimeSpan? requestTimeout = null)
        {
            var s = _fixture.Settings(Index.Name);
            if (!throughPrism) s["BaseUri"] = Emulator.BaseUri;
            s.MaxAttempts = maxAttempts;
            s.RequestTimeout = requestTimeout ?? TimeSpan.FromSeconds(10);
            return s;
        }

        public override void Settle()
        {
            // The emulator applies accepted mutations after ApplyDelay; wait (bounded) until none is pending.
            var until = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while (Index.PendingCount > 0)
            {
                Assert.True(DateTime.UtcNow < until, "Vectorize mutations were not applied in time");
                Thread.Sleep(20);
                Emulator.ApplyDueNow();
            }
        }

        public override List<string> CliArgs(string command, bool throughPrism = true, params string[] rest)
        {
            var args = new List<string>
            {
                command, "--provider", "CloudflareVectorize", "--index", Index.Name, "--account-id", _fixture.AccountId,
                "--base-uri", (throughPrism ? _fixture.Prism.Uri : Emulator.BaseUri).ToString(), "--requests-per-second", "400",
            };
            args.AddRange(rest);
            return args;
        }

        public override Dictionary<string, string> CliEnvironment() => new Dictionary<string, string> { ["CLOUDFLARE_API_TOKEN"] = VectorizeFixture.Token };

        public override void AssertNoViolations()
        {
            // The Vectorize document lists only 200 and 4XX: each injected 5xx is reported by Prism as an
            // undocumented status, and only those are accepted.
            _fixture.Prism.Sync();
            var found = _fixture.Prism.Violations(_mark);
            var undocumented = found.Where(v => v.Title.Contains("Unable to match the returned status code", StringComparison.Ordinal)).ToList();
            var injected = Emulator.Journal.Entries.Count(e => e.Fault != null && e.Status >= 500);
            Assert.True(undocumented.Count <= injected, $"{undocumented.Count} undocumented-status violations for {injected} injected 5xx answers");
            Assert.Empty(found.Except(undocumented).Select(v => v.ToString()));
        }
    }
}

namespace VectorOps.Tests.Reliability
{
    /// <summary>
    /// The local store as a target: no emulator and no fault switch, so only the cases that need none apply
    /// (cancellation). "Deleted" is what was seeded and is gone.
    /// </summary>
    public sealed class LocalTarget : FaultTarget, IDisposable
    {
        private readonly string _dir = System.IO.Directory.CreateTempSubdirectory("vectorops-local-target-").FullName;
        private readonly HashSet<string> _seeded = new HashSet<string>(StringComparer.Ordinal);
        private readonly VectorConnection _reader;

        public LocalTarget()
        {
            _reader = ConnectCommand.Connect(Settings(), makeDefault: false);
        }

        public string StorePath => System.IO.Path.Combine(_dir, "store.db");
        public override string Name => "Local";
        public override string Namespace => "default";
        public override FaultSwitchboard Faults { get; } = new FaultSwitchboard();
        public override string DeletePath => "";
        public override string Secret => "";
        public override bool HasJournal => false;

        public override void Seed(IEnumerable<string> ids)
        {
            var list = ids.ToList();
            var records = list.Select((id, i) => new Model.VectorRecord(id) { Values = new float[] { 1, i % 7 }, Namespace = Namespace }).ToList();
            for (var i = 0; i < records.Count; i += 500)
                _reader.ProviderInstance.UpsertAsync(Namespace, records.Skip(i).Take(500).ToList(), CancellationToken.None).GetAwaiter().GetResult();
            _seeded.UnionWith(list);
        }

        public override bool Exists(string id) =>
            _reader.ProviderInstance.FetchAsync(Namespace, new[] { id }, CancellationToken.None).GetAwaiter().GetResult().Count == 1;

        public override IReadOnlyCollection<string> DeletedIds() => _seeded.Where(id => !Exists(id)).ToList();
        public override IReadOnlyCollection<string> DeletedTwice() => Array.Empty<string>();
        public override IReadOnlyList<JournalEntry> Deletes() => Array.Empty<JournalEntry>();
        public override int MutatingCalls() => 0;

        public override ConnectionSettings Settings(bool throughPrism = true, int maxAttempts = 3, TimeSpan? requestTimeout = null) =>
            new ConnectionSettings { Provider = "Local", ["Path"] = StorePath, Index = "faults", CreateIfMissing = true };

        public override List<string> CliArgs(string command, bool throughPrism = true, params string[] rest)
        {
            var args = new List<string> { command, "--store", StorePath, "--index", "faults" };
            args.AddRange(rest);
            return args;
        }

        public override Dictionary<string, string> CliEnvironment() => new Dictionary<string, string>();
        public override void AssertNoViolations() { }

        public void Dispose()
        {
            _reader.Dispose();
            try { System.IO.Directory.Delete(_dir, recursive: true); }
            catch (System.IO.IOException) { }
        }
    }
}
