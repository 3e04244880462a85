using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using VectorOps.Emulators.Infrastructure;
using VectorOps.Emulators.Weaviate;
using VectorOps.Tests.Weaviate;

namespace VectorOps.Tests.Conformance
{
    /// <summary>
    /// A fresh multi-tenant class on the Weaviate emulator behind Prism; the namespace is the tenant 'tenantA' (the
    /// other one 'tenantB'). Ids are UUIDs: the suite's names are mapped by <see cref="UuidIds"/>.
    /// </summary>
    public sealed class WeaviateProviderFixture : ProviderFixture
    {
        private readonly WeaviateFixture _fixture;
        private readonly int _mark;

        public WeaviateProviderFixture(WeaviateFixture fixture)
        {
            _fixture = fixture;
            fixture.Reset();
            _mark = fixture.Prism.Mark();
            ClassName = fixture.NewClass(true, true, "tenantA", "tenantB");
        }

        public string ClassName { get; }
        public WeaviateEmulator Emulator => _fixture.Emulator;
        public override string Name => "Weaviate";
        public override string DescriptorName => "Weaviate";
        public override string Namespace => "tenantA";
        public override string? OtherNamespace => "tenantB";
        public override FaultSwitchboard Faults => Emulator.Faults;
        public override string DeletePath => "/v1/batch/objects";
        public override string Secret => WeaviateFixture.Key;
        public override string WrongSecret => "wv-test-WRONG-0a1b2c3d4e5f6a7b";

        public override string Id(string name) => UuidIds.Of(name);
        public override string IdPrefix(string namePrefix) => UuidIds.Prefix(namePrefix);

        public override void Seed(string @namespace, IEnumerable<string> ids) =>
            Emulator.Put(ClassName, @namespace, ids.Select((id, i) => new WeaviateObject(id.ToLowerInvariant(), new Dictionary<string, object?>
            {
                ["n"] = (double)i,
                ["genre"] = i % 3 == 0 ? "drama" : "comedy",
            }, new float[] { 1, i % 7, 0.5f, 0.25f })));

        public override bool Exists(string @namespace, string id) => Emulator.Contains(ClassName, @namespace, id);
        public override IReadOnlyCollection<string> DeletedIds() => Emulator.Journal.DeletedIds(WeaviateEmulator.Scope(ClassName, Namespace));
        public override IReadOnlyCollection<string>? DeletedIdsIn(params string[] namespaces) =>
            namespaces.SelectMany(n => Emulator.Journal.DeletedIds(WeaviateEmulator.Scope(ClassName, n))).Distinct().ToList();
        public override IReadOnlyCollection<string> DeletedTwice() => Emulator.Journal.DeletedMoreThanOnce(WeaviateEmulator.Scope(ClassName, Namespace));
        public override IReadOnlyList<JournalEntry> Deletes() => Emulator.Journal.Of("batch delete");
        public override int MutatingCalls() => Emulator.Journal.MutatingCalls;

        public override Providers.ConnectionSettings Settings(bool throughPrism = true, int maxAttempts = 3, TimeSpan? requestTimeout = null)
        {
            var s = _fixture.Settings(ClassName, throughPrism);
            s.MaxAttempts = maxAttempts;
            s.RequestTimeout = requestTimeout ?? TimeSpan.FromSeconds(10);
            return s;
        }

        public override List<string> CliArgs(string command, bool throughPrism = true, params string[] rest)
        {
            var args = new List<string>
            {
                command, "--provider", DescriptorName, "--index", ClassName,
                "--endpoint", (throughPrism ? _fixture.Prism.Uri : Emulator.BaseUri).ToString(),
            };
            args.AddRange(rest);
            return args;
        }

        public override Dictionary<string, string> CliEnvironment() => new Dictionary<string, string> { ["WEAVIATE_API_KEY"] = WeaviateFixture.Key };

        public override void AssertNoViolations() => _fixture.AssertNoViolations(_mark);

        public override IReadOnlyDictionary<ConformanceCase, string> LeftOut => Gaps;

        /// <summary>The cases this provider cannot run, and why.</summary>
        public static readonly IReadOnlyDictionary<ConformanceCase, string> Gaps = new Dictionary<ConformanceCase, string>
        {
            [ConformanceCase.F10_StoreLockedForAWhile] = "a service: no store file whose lock a test can hold (F01-F08 cover its faults)",
            [ConformanceCase.F11_StoreLockedPastTheTimeout] = "a service: no store file whose lock a test can hold (F01-F08 cover its faults)",
        };

        public override void Dispose()
        {
            Emulator.Faults.Clear();
            _fixture.Reset();
        }
    }
}
