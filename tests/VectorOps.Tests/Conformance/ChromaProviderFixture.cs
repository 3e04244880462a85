using System;
using System.Collections.Generic;
using System.Linq;
using VectorOps.Emulators.Chroma;
using VectorOps.Emulators.Infrastructure;
using VectorOps.Tests.Chroma;

namespace VectorOps.Tests.Conformance
{
    /// <summary>
    /// The real Chroma server (npm chromadb, started by the tests or scripts/test.sh) behind a loopback proxy that
    /// journals every request, records the ids each delete really removed (read back from the server) and injects
    /// the faults of the switchboard; a fresh database per fixture, collections "docs" and "docs-other". Nothing goes
    /// through Prism: the real server checks every request itself. The token is sent and required by the proxy
    /// (the local server has no authentication of its own).
    /// </summary>
    public sealed class ChromaProviderFixture : ProviderFixture
    {
        private readonly ChromaFixture _chroma;
        private readonly string _database;
        private readonly string _docsId;

        public ChromaProviderFixture(ChromaFixture chroma)
        {
            _chroma = chroma;
            chroma.Proxy.Reset();
            chroma.Proxy.RequiredToken = ChromaFixture.Token;
            _database = chroma.NewDatabase("conf");
            // Both collections exist from the start: the delete path (with the collection's id) is known before the first fault is set.
            _docsId = chroma.Admin.Collection(_database, Namespace);
            chroma.Admin.Collection(_database, OtherNamespace!);
        }

        public string Database => _database;
        public override string Name => "Chroma";
        public override string DescriptorName => "Chroma";
        public override string Namespace => "docs";
        public override string? OtherNamespace => "docs-other";
        public override FaultSwitchboard Faults => _chroma.Proxy.Faults;
        public override string DeletePath => ChromaAdmin.CollectionPath(_database, _docsId) + "/delete";
        public override string Secret => ChromaFixture.Token;
        public override string WrongSecret => "ck-WRONG-9z8y7x6w5v4u3t2s1r0q";

        public override void Seed(string @namespace, IEnumerable<string> ids) => _chroma.Seed(_database, @namespace, ids);

        public override bool Exists(string @namespace, string id) => _chroma.Admin.Present(_database, @namespace, new[] { id }).Count == 1;

        private RequestJournal Journal => _chroma.Proxy.Journal;

        public override IReadOnlyCollection<string> DeletedIds() => Journal.DeletedIds(Namespace);
        public override IReadOnlyCollection<string>? DeletedIdsIn(params string[] namespaces) => namespaces.SelectMany(ns => Journal.DeletedIds(ns)).ToList();
        public override IReadOnlyCollection<string> DeletedTwice() => Journal.DeletedMoreThanOnce(Namespace);
        public override IReadOnlyList<JournalEntry> Deletes() => Journal.Of("delete");
        public override int MutatingCalls() => Journal.MutatingCalls;

        public override Providers.ConnectionSettings Settings(bool throughPrism = true, int maxAttempts = 3, TimeSpan? requestTimeout = null) =>
            _chroma.Settings(_database, throughProxy: true, maxAttempts, requestTimeout ?? TimeSpan.FromSeconds(10));

        public override List<string> CliArgs(string command, bool throughPrism = true, params string[] rest)
        {
            var args = new List<string> { command, "--provider", DescriptorName, "--endpoint", _chroma.Proxy.BaseUri.ToString(), "--index", _database };
            args.AddRange(rest);
            return args;
        }

        public override Dictionary<string, string> CliEnvironment() => new Dictionary<string, string> { ["CHROMA_API_KEY"] = ChromaFixture.Token };

        public override IReadOnlyDictionary<ConformanceCase, string> LeftOut => Gaps;

        /// <summary>The cases this provider cannot run, and why.</summary>
        public static readonly IReadOnlyDictionary<ConformanceCase, string> Gaps = new Dictionary<ConformanceCase, string>
        {
            [ConformanceCase.F10_StoreLockedForAWhile] = "a server: no store file whose lock a test can hold (F01-F08 inject its faults in a proxy before the real server)",
            [ConformanceCase.F11_StoreLockedPastTheTimeout] = "a server: no store file whose lock a test can hold (F01-F08 inject its faults in a proxy before the real server)",
        };

        public override void Dispose()
        {
            _chroma.Proxy.Faults.Clear();
            _chroma.Proxy.RequiredToken = null;
        }
    }
}
