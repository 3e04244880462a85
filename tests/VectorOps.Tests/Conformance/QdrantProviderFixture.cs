using System;
using System.Collections.Generic;
using System.Linq;
using VectorOps.Emulators.Infrastructure;
using VectorOps.Emulators.Qdrant;
using VectorOps.Tests.Qdrant;
using Xunit;

namespace VectorOps.Tests.Conformance
{
    /// <summary>
    /// A fresh collection on the Qdrant emulator behind Prism, namespaced by the payload key group_id (keyword
    /// indexed, so namespaces are listed by facet): namespaces "docs" and "docs-other". Qdrant ids are integers or
    /// UUIDs, so the suite's text ids and prefixes are written as prefix-keeping UUIDs (<see cref="UuidIds"/>, as for Weaviate).
    /// Deletes go with wait=false and the emulator applies them after a short delay: <see cref="Settle"/> waits.
    /// "Qdrant-OneNamespace" connects without -NamespaceKey: the collection is the one namespace 'default' (clearing it
    /// lists the ids and deletes them: an unscoped delete is never sent).
    /// </summary>
    public sealed class QdrantProviderFixture : ProviderFixture
    {
        private readonly QdrantFixture _fixture;
        private readonly int _mark;

        private readonly bool _namespaced;

        public QdrantProviderFixture(QdrantFixture fixture, bool namespaced = true)
        {
            _fixture = fixture;
            _namespaced = namespaced;
            fixture.Reset();
            _mark = fixture.Prism.Mark();
            Collection = fixture.NewCollection();
        }

        public QdrantCollection Collection { get; }
        public QdrantEmulator Emulator => _fixture.Emulator;
        public override string Name => _namespaced ? "Qdrant" : "Qdrant-OneNamespace";
        public override string DescriptorName => "Qdrant";
        public override string Namespace => _namespaced ? "docs" : "default";
        public override string? OtherNamespace => _namespaced ? "docs-other" : null;
        public override FaultSwitchboard Faults => Emulator.Faults;
        public override string DeletePath => "/collections/" + Collection.Name + "/points/delete";
        public override string Secret => QdrantFixture.Key;
        public override string WrongSecret => "qdr_WRONGkey_0a1b2c3d4e5f6a7b8c9d";

        public override string Id(string plain) => UuidIds.Of(plain);
        public override string IdPrefix(string plain) => UuidIds.Prefix(plain);

        public override void Seed(string @namespace, IEnumerable<string> ids) => QdrantFixture.Seed(Collection, _namespaced ? @namespace : null, ids);

        public override bool Exists(string @namespace, string id)
        {
            var p = Collection.Get(id);
            if (p is null) return false;
            if (!_namespaced) return true;
            return p.Payload.TryGetProperty(QdrantFixture.NamespaceKey, out var ns) && ns.GetString() == @namespace;
        }

        private string Scope(string ns) => _namespaced ? Collection.Name + "/" + ns : Collection.Name;

        public override IReadOnlyCollection<string> DeletedIds() => Emulator.Journal.DeletedIds(Scope(Namespace));
        public override IReadOnlyCollection<string>? DeletedIdsIn(params string[] namespaces) => namespaces.Select(Scope).Distinct().SelectMany(scope => Emulator.Journal.DeletedIds(scope)).ToList(); // one scope when not namespaced
        public override IReadOnlyCollection<string> DeletedTwice() => Emulator.Journal.DeletedMoreThanOnce(Scope(Namespace));
        public override IReadOnlyList<JournalEntry> Deletes() => _fixture.Calls(Collection.Name, "delete");
        public override int MutatingCalls() => _fixture.MutatingCalls(Collection.Name);

        public override Providers.ConnectionSettings Settings(bool throughPrism = true, int maxAttempts = 3, TimeSpan? requestTimeout = null)
        {
            var s = _fixture.Settings(Collection.Name, _namespaced);
            if (!throughPrism) s["Endpoint"] = Emulator.BaseUri;
            s.MaxAttempts = maxAttempts;
            s.RequestTimeout = requestTimeout ?? TimeSpan.FromSeconds(10);
            return s;
        }

        public override void Settle() => _fixture.Settle();

        public override List<string> CliArgs(string command, bool throughPrism = true, params string[] rest)
        {
            var args = new List<string>
            {
                command, "--provider", DescriptorName, "--index", Collection.Name,
                "--endpoint", (throughPrism ? _fixture.Prism.Uri : Emulator.BaseUri).ToString(),
            };
            if (_namespaced) args.InsertRange(5, new[] { "--namespace-key", QdrantFixture.NamespaceKey });
            args.AddRange(rest);
            return args;
        }

        public override Dictionary<string, string> CliEnvironment() => new Dictionary<string, string> { ["QDRANT_API_KEY"] = QdrantFixture.Key };

        public override void AssertNoViolations() => _fixture.Prism.AssertNoViolations(_mark);

        public override IReadOnlyDictionary<ConformanceCase, string> LeftOut => Gaps;

        /// <summary>The cases this provider cannot run, and why.</summary>
        public static readonly IReadOnlyDictionary<ConformanceCase, string> Gaps = new Dictionary<ConformanceCase, string>
        {
            [ConformanceCase.F10_StoreLockedForAWhile] = "a server: no store file whose lock a test can hold (F01-F08 cover its faults)",
            [ConformanceCase.F11_StoreLockedPastTheTimeout] = "a server: no store file whose lock a test can hold (F01-F08 cover its faults)",
        };

        public override void Dispose()
        {
            Emulator.Faults.Clear();
            _fixture.Reset();
        }
    }
}
