using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using VectorOps.Emulators.Infrastructure;
using VectorOps.Emulators.Vectorize;
using VectorOps.Tests.Vectorize;
using Xunit;

namespace VectorOps.Tests.Conformance
{
    /// <summary>A fresh index on the Vectorize emulator behind Prism, in its default namespace.</summary>
    public sealed class VectorizeProviderFixture : ProviderFixture
    {
        private readonly VectorizeFixture _fixture;
        private readonly int _mark;

        public VectorizeProviderFixture(VectorizeFixture fixture)
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
        public override string DescriptorName => "CloudflareVectorize";
        public override string Namespace => "__default__";
        public override string? OtherNamespace => "other";
        public override FaultSwitchboard Faults => Emulator.Faults;
        public override string DeletePath => $"/accounts/{_fixture.AccountId}/vectorize/v2/indexes/{Index.Name}/delete_by_ids";
        public override string WrongSecret => "cfut_WRONGtoken_0a1b2c3d4e5f6a7b8c";
        public override string Secret => VectorizeFixture.Token;

        public override void Seed(string @namespace, IEnumerable<string> ids) =>
            Index.Seed(ids.Select((id, i) => new StoredVector(id, new float[] { 1, i % 7, 0.5f, 0.25f },
                "{\"n\":" + i.ToString(CultureInfo.InvariantCulture) + ",\"genre\":\"" + (i % 3 == 0 ? "drama" : "comedy") + "\"}",
                @namespace == Namespace ? null : @namespace)));

        public override bool Exists(string @namespace, string id) => Index.Contains(id);
        public override IReadOnlyCollection<string> DeletedIds() => Emulator.Journal.DeletedIds(Index.Name);
        /// <summary>The journal keeps deletes per index (Vectorize ids are unique in an index, whatever the namespace).</summary>
        public override IReadOnlyCollection<string>? DeletedIdsIn(params string[] namespaces) => DeletedIds();
        public override IReadOnlyCollection<string> DeletedTwice() => Emulator.Journal.DeletedMoreThanOnce(Index.Name);
        public override IReadOnlyList<JournalEntry> Deletes() => _fixture.Calls(Index.Name, "delete_by_ids");
        public override int MutatingCalls() => _fixture.MutatingCalls(Index.Name);

        public override Providers.ConnectionSettings Settings(bool throughPrism = true, int maxAttempts = 3, TimeSpan? requestTimeout = null)
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
                command, "--provider", DescriptorName, "--index", Index.Name, "--account-id", _fixture.AccountId,
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
