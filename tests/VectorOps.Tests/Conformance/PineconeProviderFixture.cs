using System;
using System.Collections.Generic;
using System.Linq;
using VectorOps.Emulators.Infrastructure;
using VectorOps.Emulators.Pinecone;
using VectorOps.Tests.Pinecone;

namespace VectorOps.Tests.Conformance
{
    /// <summary>The Pinecone emulator (data plane) behind Prism; namespace "docs".</summary>
    public sealed class PineconeProviderFixture : ProviderFixture
    {
        private readonly PineconeFixture _fixture;
        private readonly Dictionary<PrismProxy, int> _marks;

        public PineconeProviderFixture(PineconeFixture fixture)
        {
            _fixture = fixture;
            fixture.Reset();
            _marks = fixture.AllPrisms.ToDictionary(p => p, p => p.Mark());
        }

        public PineconeEmulator Emulator => _fixture.Emulator;
        public PineconeFixture Fixture => _fixture;
        public override string Name => "Pinecone";
        public override string DescriptorName => "Pinecone";
        public override string Namespace => "docs";
        public override string? OtherNamespace => "docs-other";
        public override FaultSwitchboard Faults => Emulator.Faults;
        public override string DeletePath => "/vectors/delete";
        public override string WrongSecret => "pcsk_WRONG-9z8y7x6w5v4u3t2s1r0q";
        public override string Secret => PineconeFixture.Key;

        public override void Seed(string @namespace, IEnumerable<string> ids) =>
            Emulator.Store.Seed(@namespace, ids.Select((id, i) => new PineconeRecord(id)
            {
                Values = new float[] { 1, i % 7, 0.5f, 0.25f },
                Metadata = new Dictionary<string, object?> { ["n"] = (long)i, ["genre"] = i % 3 == 0 ? "drama" : "comedy" },
            }));

        public override bool Exists(string @namespace, string id)
        {
            var ns = Emulator.Store.Find(@namespace);
            if (ns is null) return false;
            lock (ns.Gate) return ns.Records.ContainsKey(id);
        }

        public override IReadOnlyCollection<string> DeletedIds() => Emulator.Journal.DeletedIds(Namespace);
        public override IReadOnlyCollection<string>? DeletedIdsIn(params string[] namespaces) =>
            namespaces.SelectMany(ns => Emulator.Journal.DeletedIds(ns)).ToList();
        public override IReadOnlyCollection<string> DeletedTwice() => Emulator.Journal.DeletedMoreThanOnce(Namespace);
        public override IReadOnlyList<JournalEntry> Deletes() => Emulator.Journal.Of("delete");
        public override int MutatingCalls() => Emulator.Journal.MutatingCalls;

        public override Providers.ConnectionSettings Settings(bool throughPrism = true, int maxAttempts = 3, TimeSpan? requestTimeout = null)
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
                command, "--provider", DescriptorName, "--index-host", (throughPrism ? _fixture.Prism.Uri : Emulator.BaseUri).ToString(),
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

        public override IReadOnlyDictionary<ConformanceCase, string> LeftOut => Gaps;

        /// <summary>The cases this provider cannot run, and why.</summary>
        public static readonly IReadOnlyDictionary<ConformanceCase, string> Gaps = new Dictionary<ConformanceCase, string>
        {
            [ConformanceCase.F10_StoreLockedForAWhile] = "a service: no store file whose lock a test can hold (F01-F08 cover its faults)",
            [ConformanceCase.F11_StoreLockedPastTheTimeout] = "a service: no store file whose lock a test can hold (F01-F08 cover its faults)",
        };

        public override void Dispose() => Emulator.Faults.Clear();
    }
}
