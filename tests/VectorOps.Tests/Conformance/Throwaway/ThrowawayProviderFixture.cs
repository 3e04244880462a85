using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using VectorOps.Emulators.Infrastructure;
using VectorOps.Model;
using VectorOps.Providers;
using VectorOps.Security;

namespace VectorOps.Tests.Conformance.Throwaway
{
    /// <summary>The throwaway provider's fixture: a fresh in-memory space per test, read through its store.</summary>
    public sealed class ThrowawayProviderFixture : ProviderFixture
    {
        public const string Key = "thrw_K3y-SECRET-0a1b2c3d4e5f6a7b";
        private static int _spaces;

        // The one registry line a new provider takes.
        static ThrowawayProviderFixture() => ProviderRegistry.Register(ThrowawayDescriptor.Descriptor);

        private readonly string _space = "space" + Interlocked.Increment(ref _spaces);
        private const string IndexName = "conformance";

        public ThrowawayProviderFixture()
        {
            Store = ThrowawayProvider.StoreOf(_space, IndexName);
            // The suite's latency switch (F09 stops a run with batches in flight) reaches the in-memory deletes.
            Store.DeleteDelay = () => Faults.AddedLatency;
        }

        public ThrowawayStore Store { get; }
        public override string Name => ThrowawayDescriptor.Name;
        public override string DescriptorName => ThrowawayDescriptor.Name;
        public override string Namespace => "default";
        public override string? OtherNamespace => "other";
        public override FaultSwitchboard Faults { get; } = new FaultSwitchboard();
        public override string DeletePath => "";
        public override string Secret => Key;
        public override bool HasJournal => false;

        public override void Seed(string @namespace, IEnumerable<string> ids)
        {
            var records = ids.Select((id, i) => new VectorRecord(id)
            {
                Namespace = @namespace,
                Values = new float[] { 1, i % 7, 0.5f, 0.25f },
                Metadata = new Dictionary<string, object?> { ["n"] = (long)i, ["genre"] = i % 3 == 0 ? "drama" : "comedy" },
            });
            var before = Store.MutatingCalls;
            using var c = Connect();
            foreach (var chunk in records.Chunk(ThrowawayProvider.MaxIds))
                c.ProviderInstance.UpsertAsync(@namespace, chunk, CancellationToken.None).GetAwaiter().GetResult();
            _seedCalls += Store.MutatingCalls - before; // seeding is not a call of the code under test
        }

        private int _seedCalls;

        public override bool Exists(string @namespace, string id) => Store.Contains(@namespace, id);
        public override IReadOnlyCollection<string> DeletedIds() => Store.DeletedIds(Namespace);
        public override IReadOnlyCollection<string>? DeletedIdsIn(params string[] namespaces) =>
            namespaces.SelectMany(ns => Store.DeletedIds(ns)).ToList();
        public override IReadOnlyCollection<string> DeletedTwice() => Store.DeletedTwice(Namespace);
        public override IReadOnlyList<JournalEntry> Deletes() => Array.Empty<JournalEntry>();
        public override int? DeleteRequests() => Store.DeleteCalls;
        public override int MutatingCalls() => Store.MutatingCalls - _seedCalls;

        public override ConnectionSettings Settings(bool throughPrism = true, int maxAttempts = 3, TimeSpan? requestTimeout = null)
        {
            var s = new ConnectionSettings { Provider = DescriptorName, Index = IndexName, Credential = Security.Secret.FromPlainText(Key), MaxAttempts = maxAttempts };
            s[ThrowawayDescriptor.Space] = _space;
            if (requestTimeout != null) s.RequestTimeout = requestTimeout;
            return s;
        }

        public override List<string> CliArgs(string command, bool throughPrism = true, params string[] rest) =>
            throw new NotSupportedException("The throwaway provider is registered in the test process only; the CLI runs as a process of its own.");

        public override Dictionary<string, string> CliEnvironment() => new Dictionary<string, string>();

        public override IReadOnlyDictionary<ConformanceCase, string> LeftOut => Gaps;

        /// <summary>The cases this provider cannot run, and why.</summary>
        public static readonly IReadOnlyDictionary<ConformanceCase, string> Gaps = new Dictionary<ConformanceCase, string>
        {
            [ConformanceCase.Cli] = "registered in the test process only: the CLI runs as a process of its own, which does not have it",
            [ConformanceCase.F01_TooManyRequests] = "in memory: no HTTP status, no transport to retry",
            [ConformanceCase.F02_ServerErrors] = "in memory: no HTTP status, no transport to retry",
            [ConformanceCase.F03_Timeout] = "in memory: no request to time out",
            [ConformanceCase.F04_ConnectionReset] = "in memory: no connection",
            [ConformanceCase.F05_OneBatchServerErrorEveryTime] = "in memory: no HTTP status",
            [ConformanceCase.F06_OneBatchBadRequest] = "in memory: no HTTP status",
            [ConformanceCase.F07_OneBatchResetEveryTime] = "in memory: no connection",
            [ConformanceCase.F08_OneBatchTimesOutEveryTime] = "in memory: no request to time out",
            [ConformanceCase.F10_StoreLockedForAWhile] = "in memory: no file lock",
            [ConformanceCase.F11_StoreLockedPastTheTimeout] = "in memory: no file lock",
        };

        public override void Dispose() => ThrowawayProvider.Forget(_space, IndexName);
    }
}
