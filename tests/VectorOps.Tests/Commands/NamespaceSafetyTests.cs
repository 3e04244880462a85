using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using VectorOps.Commands;
using VectorOps.Connections;
using VectorOps.Errors;
using VectorOps.Filtering;
using VectorOps.Model;
using VectorOps.Providers;
using VectorOps.Providers.Local;
using VectorOps.Security;
using VectorOps.Tests.Local;
using VectorOps.Tests.Support;
using System.Threading.Tasks;
using Xunit;

namespace VectorOps.Tests.Commands
{
    /// <summary>
    /// Issue 12, items 1-3 on the local store, through the command layer (what both front ends run): a namespace
    /// given blank is refused (not read as the default), a namespace or index that does not exist is an error with
    /// the closest names and nothing deleted or created, and a delete that matches nothing says so.
    /// </summary>
    public sealed class NamespaceSafetyTests : IDisposable
    {
        private readonly TestStore _store = new TestStore("demo");
        private readonly VectorConnection _connection;

        public NamespaceSafetyTests()
        {
            var records = new List<VectorRecord>();
            foreach (var ns in new[] { "default", "articles", "support" })
                for (var i = 0; i < 5; i++)
                    records.Add(new VectorRecord($"doc-{i:D5}")
                    {
                        Namespace = ns,
                        Values = new[] { 1f, i },
                        Metadata = new Dictionary<string, object?> { ["tenant"] = i % 2 == 0 ? "acme" : "globex" },
                    });
            _store.Provider.UpsertAllAsync(records).GetAwaiter().GetResult();
            _connection = new VectorConnection(_store.Open("demo"), null, null);
        }

        public void Dispose()
        {
            _connection.Dispose();
            _store.Dispose();
        }

        private int Count(string ns) => _store.Provider.AllIdsAsync(ns).GetAwaiter().GetResult().Count;

        private void AssertUntouched()
        {
            Assert.Equal(5, Count("default"));
            Assert.Equal(5, Count("articles"));
            Assert.Equal(5, Count("support"));
        }

        private static VectorOpsError Single(RecordingHost host, string id)
        {
            var e = Assert.Single(host.Errors);
            Assert.Equal(id, e.ErrorId);
            return e;
        }

        // ---- item 1: given blank is not "not given" ------------------------------------------------------

        [Theory]
        [InlineData("")]
        [InlineData("   ")]
        [InlineData("\t")]
        public void RemoveByIds_ANamespaceGivenBlank_IsRefused_NotTheDefault(string blank)
        {
            var host = new RecordingHost();
            var cmd = new RemoveByIdsCommand(host, _connection);
            cmd.Add(new[] { "doc-00001" }, blank);
            cmd.Add("doc-00002", blank);
            cmd.Complete();

            Assert.Equal(2, host.Errors.Count);
            Assert.All(host.Errors, e =>
            {
                Assert.Equal(ErrorIds.EmptyNamespace, e.ErrorId);
                Assert.Equal(VectorOpsErrorCategory.InvalidArgument, e.Category);
                Assert.Equal(blank, e.Target);
            });
            Assert.Empty(host.Mutations);
            AssertUntouched();
        }

        [Fact]
        public void RemoveByIds_NoNamespaceGiven_UsesTheDefault()
        {
            var host = new RecordingHost();
            var cmd = new RemoveByIdsCommand(host, _connection);
            cmd.Add(new[] { "doc-00001" }, null);
            cmd.Complete();

            Assert.Empty(host.Errors);
            Assert.Equal("default", Assert.Single(host.Mutations).Namespace);
            Assert.Equal(4, Count("default"));
        }

        [Fact]
        public void RemoveByIds_ABlankRowAmongGoodOnes_IsReportedAlone_AndTheGoodRowsAreDeletedInTheirNamespace()
        {
            // Import-Csv | Remove-VectorRecord: the row "doc-00043," has an empty Namespace cell.
            var host = new RecordingHost();
            var cmd = new RemoveByIdsCommand(host, _connection);
            cmd.Add("doc-00001", "articles");
            cmd.Add("doc-00002", "");
            cmd.Add("doc-00003", "articles");
            cmd.Complete();

            Assert.Equal("", Single(host, ErrorIds.EmptyNamespace).Target);
            Assert.Equal(5, Count("default"));
            Assert.Equal(3, Count("articles"));
        }

        [Fact]
        public void ScopedDeletes_ClearAndReads_RefuseABlankNamespace()
        {
            var filter = MetadataFilter.ParseJson("{\"tenant\":\"acme\"}");
            var host = new RecordingHost();
            new RemoveByFilterCommand(host, _connection, filter, new RemoveOptions { Force = true }).Execute(new string?[] { "" });
            Single(host, ErrorIds.EmptyNamespace);

            host = new RecordingHost();
            new RemoveByPrefixCommand(host, _connection, "doc-", new RemoveOptions { Force = true }).Execute(new string?[] { "articles", " " });
            Single(host, ErrorIds.EmptyNamespace);
            Assert.Empty(host.Mutations); // the bad one stops the whole delete: 'articles' was not deleted either

            host = new RecordingHost();
            var clear = new ClearNamespaceCommand(host, _connection);
            clear.Clear("");
            clear.Clear(" ");
            Assert.Equal(2, host.Errors.Count);
            Assert.All(host.Errors, e => Assert.Equal(ErrorIds.EmptyNamespace, e.ErrorId));

            host = new RecordingHost();
            var get = new GetRecordsCommand(host, _connection);
            get.AddIds(new[] { "doc-00001" }, "");
            get.Complete();
            Single(host, ErrorIds.EmptyNamespace);
            Assert.Empty(host.Output);

            host = new RecordingHost();
            new GetNamespacesCommand(host, _connection).Execute("");
            Single(host, ErrorIds.EmptyNamespace);
            Assert.Empty(host.Output);

            AssertUntouched();
        }

        [Fact]
        public async Task Add_ARecordWhoseNamespaceIsEmpty_IsRefused_ARecordWithoutOne_GoesToTheDefault()
        {
            var host = new RecordingHost();
            var add = new AddRecordsCommand(host, _connection);
            add.Add(new VectorRecord("new-1") { Values = new[] { 1f, 2f }, Namespace = "" });
            add.Add(new VectorRecord("new-2") { Values = new[] { 1f, 2f } });
            add.Complete();

            Assert.Equal(ErrorIds.EmptyNamespace, Assert.Single(host.Errors).ErrorId);
            Assert.Equal(6, Count("default"));
            Assert.Contains("new-2", await _store.Provider.AllIdsAsync("default"));

            Assert.Equal(ErrorIds.EmptyNamespace, Assert.Throws<VectorOpsException>(() => new AddRecordsCommand(new RecordingHost(), _connection) { Namespace = " " }).ErrorId);
        }

        [Fact]
        public void Restore_ALineWhoseNamespaceIsEmpty_StopsTheRestoreBeforeAnyWrite()
        {
            var file = Path.Combine(_store.Folder, "backup.jsonl");
            File.WriteAllLines(file, new[]
            {
                "{\"id\":\"r-1\",\"values\":[1,2],\"namespace\":\"articles\"}",
                "{\"id\":\"r-2\",\"values\":[1,2],\"namespace\":\"\"}",
            });
            var host = new RecordingHost();
            var ex = Assert.Throws<VectorOpsException>(() => new RestoreRecordsCommand(host, _connection).Restore(file));
            Assert.Equal(ErrorIds.InvalidRecordFile, ex.ErrorId);
            var line = Assert.Single(host.Errors);
            Assert.Equal(ErrorIds.EmptyNamespace, line.ErrorId);
            Assert.Contains("Line 2", line.Exception.Message);
            AssertUntouched();

            Assert.Equal(ErrorIds.EmptyNamespace, Assert.Throws<VectorOpsException>(() =>
                new RestoreRecordsCommand(new RecordingHost(), _connection, new RestoreOptions { Namespace = "  " })).ErrorId);
        }

        // ---- item 2: a namespace the index does not have ------------------------------------------------

        [Fact]
        public void RemoveByIds_AMisspeltNamespace_IsNamespaceNotFound_WithTheClosestName_AndNothingIsDeleted()
        {
            var host = new RecordingHost();
            var cmd = new RemoveByIdsCommand(host, _connection);
            cmd.Add(new[] { "doc-00001", "doc-00002" }, "articels");
            cmd.Complete();

            var e = Single(host, ErrorIds.NamespaceNotFound);
            Assert.Equal(VectorOpsErrorCategory.ObjectNotFound, e.Category);
            Assert.Equal("articels", e.Target);
            Assert.Contains("has no namespace 'articels'", e.Exception.Message);
            Assert.Contains("Did you mean 'articles'?", e.Exception.Message);
            Assert.Empty(host.Mutations);
            AssertUntouched();
        }

        [Fact]
        public void FilterPrefixAndClear_OnAMissingNamespace_FailBeforeAnyMutatingCall()
        {
            var filter = MetadataFilter.ParseJson("{\"tenant\":\"acme\"}");
            var host = new RecordingHost();
            new RemoveByFilterCommand(host, _connection, filter, new RemoveOptions { Force = true }).Execute(new string?[] { "Articles" });
            Assert.Contains("Did you mean 'articles'?", Single(host, ErrorIds.NamespaceNotFound).Exception.Message);

            host = new RecordingHost();
            new RemoveByPrefixCommand(host, _connection, "doc-", new RemoveOptions { Force = true }).Execute(new string?[] { "support", "suport" });
            Single(host, ErrorIds.NamespaceNotFound);
            Assert.Empty(host.Mutations); // 'support' was named too, but nothing runs when one name is wrong

            host = new RecordingHost();
            var clear = new ClearNamespaceCommand(host, _connection);
            clear.Clear("nosuch");
            clear.Complete();
            var e = Single(host, ErrorIds.NamespaceNotFound);
            Assert.Contains("Its namespaces: 'articles', 'default', 'support'.", e.Exception.Message);
            Assert.Empty(host.Mutations);
            AssertUntouched();
        }

        [Fact]
        public void Count_OfAMissingNamespace_IsNamespaceNotFound()
        {
            var host = new RecordingHost();
            new GetNamespacesCommand(host, _connection).Execute("suport");
            Assert.Contains("Did you mean 'support'?", Single(host, ErrorIds.NamespaceNotFound).Exception.Message);
            Assert.Empty(host.Output);

            host = new RecordingHost();
            new GetNamespacesCommand(host, _connection).Execute("support");
            Assert.Empty(host.Errors);
            Assert.Equal(5, Assert.IsType<NamespaceInfo>(Assert.Single(host.Output)).RecordCount);
        }

        [Fact]
        public void Retry_OfAMutationWhoseNamespaceIsGone_IsNamespaceNotFound()
        {
            var failed = new VectorMutation
            {
                Provider = "Local", Index = "demo", Namespace = "archive", Operation = MutationOperation.DeleteByIds,
                Status = MutationStatus.Failed, Ids = new[] { "doc-00001" }, RequestedCount = 1,
            };
            var host = new RecordingHost();
            var cmd = new RemoveByIdsCommand(host, _connection);
            cmd.Retry(failed);
            cmd.Complete();
            Single(host, ErrorIds.NamespaceNotFound);
            AssertUntouched();
        }

        [Fact]
        public void Wait_OnAMutationWhoseNamespaceWasEmptiedAndRemoved_IsNotRefused()
        {
            var host = new RecordingHost();
            var clear = new ClearNamespaceCommand(host, _connection, removeNamespace: true);
            clear.Clear("support");
            clear.Complete();
            var done = Assert.Single(host.Mutations);
            Assert.Equal(5, done.AffectedCount);
            done.Status = MutationStatus.Acknowledged; // as an asynchronous provider would answer

            var waitHost = new RecordingHost();
            var wait = new WaitMutationCommand(waitHost, _connection);
            wait.Add(done);
            wait.Complete();
            Assert.Empty(waitHost.Errors);
            Assert.Equal(MutationStatus.Completed, Assert.Single(waitHost.Mutations).Status);
        }

        [Fact]
        public void AddingRecords_CreatesANewNamespace_AndIsNeverRefused()
        {
            var host = new RecordingHost();
            var add = new AddRecordsCommand(host, _connection) { Namespace = "brand-new" };
            add.Add(new VectorRecord("n-1") { Values = new[] { 1f, 2f } });
            add.Complete();
            Assert.Empty(host.Errors);
            Assert.Equal(1, Count("brand-new"));
        }

        [Fact]
        public void TheDefaultNamespace_WhenNotNamed_IsNotChecked_TheResultSaysWhatHappened()
        {
            using var empty = new TestStore("empty");
            using var connection = new VectorConnection(empty.Open("empty"), null, null);
            var host = new RecordingHost();
            var cmd = new RemoveByIdsCommand(host, connection);
            cmd.Add(new[] { "a", "b" });
            cmd.Complete();
            Assert.Empty(host.Errors);
            Assert.Equal(0, Assert.Single(host.Mutations).AffectedCount);
            Assert.Contains(host.Warnings, w => w.Contains("None of the 2 id(s) sent to namespace 'default'", StringComparison.Ordinal));
        }

        [Fact]
        public void TheNamespaceList_IsReadOncePerCommandRun_NotPerInput()
        {
            var provider = new FakeProvider(new ProviderCapabilities { MaxIdsPerDelete = 10, ListsNamespacesCheaply = true });
            provider.Seed("a", 20);
            provider.Seed("b", 20);
            using var connection = new VectorConnection(provider, null, null);
            var host = new RecordingHost();
            var cmd = new RemoveByIdsCommand(host, connection);
            for (var i = 0; i < 20; i++) cmd.Add("id-" + i.ToString("D5"), i % 2 == 0 ? "a" : "b"); // the namespace changes every input
            cmd.Add("id-00001", "c");
            cmd.Complete();

            Assert.Equal(1, provider.Calls.Count(c => c == "ListNamespaces"));
            Assert.Equal(ErrorIds.NamespaceNotFound, Assert.Single(host.Errors).ErrorId);
            Assert.Equal(10, provider.Count("a"));
        }

        [Fact]
        public void AProviderThatCannotListCheaply_IsNeverAskedForTheList()
        {
            var provider = new FakeProvider(new ProviderCapabilities { MaxIdsPerDelete = 10, ListsNamespacesCheaply = false });
            provider.Seed("a", 5);
            using var connection = new VectorConnection(provider, null, null);
            var host = new RecordingHost();
            new RemoveByPrefixCommand(host, connection, "id-", new RemoveOptions { Force = true }).Execute(new string?[] { "typo" });

            Assert.DoesNotContain("ListNamespaces", provider.Calls);
            Assert.Empty(host.Errors);
            Assert.Equal(0, provider.MutatingCalls);
            var warning = Assert.Single(host.Warnings);
            Assert.Contains("No record in namespace 'typo'", warning);
            Assert.Contains("cannot tell an empty namespace from one that does not exist", warning);
        }

        // ---- item 3: a delete that matches nothing says so -----------------------------------------------

        [Fact]
        public void AFilterThatMatchesNothing_WritesAWarning_WithTheNamespaceAndTheFilter()
        {
            var filter = MetadataFilter.ParseJson("{\"tenent\":\"acme\"}"); // a misspelt field
            foreach (var force in new[] { true, false })
            {
                var host = new RecordingHost();
                var cmd = new RemoveByFilterCommand(host, _connection, filter, new RemoveOptions { Force = force });
                cmd.Execute(new string?[] { "articles" });
                cmd.Complete();
                var warning = Assert.Single(host.Warnings);
                Assert.Equal("No record in namespace 'articles' of Local index 'demo' matching filter {\"tenent\":{\"$eq\":\"acme\"}}: nothing was deleted.", warning);
                Assert.Empty(host.Mutations);
                Assert.Empty(host.Errors);
            }
            AssertUntouched();
        }

        [Fact]
        public void APrefixThatMatchesNothing_WritesAWarning()
        {
            var host = new RecordingHost();
            var cmd = new RemoveByPrefixCommand(host, _connection, "tenant-globex#", new RemoveOptions { Force = true });
            cmd.Execute(new string?[] { "support" });
            cmd.Complete();
            Assert.Contains("with id prefix 'tenant-globex#': nothing was deleted.", Assert.Single(host.Warnings));
        }

        [Fact]
        public void ClearingAnEmptyNamespace_WritesAWarning_AndTheMutationCarriesTheRemovedCount()
        {
            var host = new RecordingHost();
            var clear = new ClearNamespaceCommand(host, _connection);
            clear.Clear("support");
            clear.Complete();
            Assert.Empty(host.Warnings);
            Assert.Equal(5, Assert.Single(host.Mutations).AffectedCount);

            host = new RecordingHost();
            clear = new ClearNamespaceCommand(host, _connection);
            clear.Clear("support"); // exists (local namespaces are rows), now empty
            clear.Complete();
            Assert.Equal(0, Assert.Single(host.Mutations).AffectedCount);
            Assert.Contains("Namespace 'support' of Local index 'demo' held no records: nothing was deleted.", Assert.Single(host.Warnings));
        }

        [Fact]
        public void IdsThatDoNotExist_AreCompletedWithAffectedCount0_AndAWarningSaysNothingWasDeleted()
        {
            var host = new RecordingHost();
            var cmd = new RemoveByIdsCommand(host, _connection);
            cmd.Add(new[] { "nope-1", "nope-2" }, "articles");
            cmd.Complete();
            var m = Assert.Single(host.Mutations);
            Assert.Equal(MutationStatus.Completed, m.Status);
            Assert.Equal(2, m.RequestedCount);
            Assert.Equal(0, m.AffectedCount);
            Assert.Equal("None of the 2 id(s) sent to namespace 'articles' of Local index 'demo' was there: nothing was deleted.", Assert.Single(host.Warnings));

            host = new RecordingHost();
            cmd = new RemoveByIdsCommand(host, _connection);
            cmd.Add(new[] { "doc-00001", "nope-1", "doc-00002" }, "articles");
            cmd.Complete();
            Assert.Equal(2, Assert.Single(host.Mutations).AffectedCount);
            Assert.Contains("1 of the 3 id(s) sent to namespace 'articles'", Assert.Single(host.Warnings));

            host = new RecordingHost();
            cmd = new RemoveByIdsCommand(host, _connection);
            cmd.Add(new[] { "doc-00003" }, "articles");
            cmd.Complete();
            Assert.Empty(host.Warnings);
        }

        [Fact]
        public void ProvidersThatGiveNoCount_NeverGetAWarningClaimingOne()
        {
            var provider = new NoCountProvider();
            provider.Seed("a", 3);
            using var connection = new VectorConnection(provider, null, null);
            var host = new RecordingHost();
            var cmd = new RemoveByIdsCommand(host, connection);
            cmd.Add(new[] { "zz-1", "zz-2" }, "a");
            cmd.Complete();
            Assert.Null(Assert.Single(host.Mutations).AffectedCount);
            Assert.Empty(host.Warnings);
        }

        /// <summary>A fake whose deletes answer no count (as Pinecone and Vectorize).</summary>
        private sealed class NoCountProvider : IVectorProvider
        {
            private readonly FakeProvider _inner = new FakeProvider();
            public void Seed(string ns, int n) => _inner.Seed(ns, n);
            public string Name => _inner.Name;
            public string Index => _inner.Index;
            public string Endpoint => _inner.Endpoint;
            public ProviderCapabilities Capabilities => _inner.Capabilities;
            public string DefaultNamespace => _inner.DefaultNamespace;
            public RecordRules RecordRules => _inner.RecordRules;
            public void ValidateId(string id) => _inner.ValidateId(id);
            public void ValidateNamespace(string ns) => _inner.ValidateNamespace(ns);
            public async System.Threading.Tasks.Task<ProviderWriteResult> DeleteByIdsAsync(string ns, IReadOnlyList<string> ids, CancellationToken ct)
            {
                var r = await _inner.DeleteByIdsAsync(ns, ids, ct);
                r.AffectedCount = null;
                return r;
            }
            public System.Threading.Tasks.Task<ProviderWriteResult> DeleteByFilterAsync(string ns, MetadataFilter f, CancellationToken ct) => _inner.DeleteByFilterAsync(ns, f, ct);
            public System.Threading.Tasks.Task<ProviderWriteResult> ClearNamespaceAsync(string ns, bool r, CancellationToken ct) => _inner.ClearNamespaceAsync(ns, r, ct);
            public System.Threading.Tasks.Task<ProviderWriteResult> UpsertAsync(string ns, IReadOnlyList<VectorRecord> rs, CancellationToken ct) => _inner.UpsertAsync(ns, rs, ct);
            public IAsyncEnumerable<IReadOnlyList<string>> ListIdsAsync(string ns, string? p, CancellationToken ct) => _inner.ListIdsAsync(ns, p, ct);
            public IAsyncEnumerable<IReadOnlyList<string>> FindIdsAsync(string ns, MetadataFilter f, CancellationToken ct) => _inner.FindIdsAsync(ns, f, ct);
            public System.Threading.Tasks.Task<long> CountAsync(string ns, MetadataFilter f, CancellationToken ct) => _inner.CountAsync(ns, f, ct);
            public System.Threading.Tasks.Task<ProviderWriteResult> DeleteValidatedIdsAsync(string ns, IReadOnlyList<string> ids, CancellationToken ct) => DeleteByIdsAsync(ns, ids, ct);
            public System.Threading.Tasks.Task<IReadOnlyList<VectorRecord>> FetchAsync(string ns, IReadOnlyList<string> ids, CancellationToken ct) => _inner.FetchAsync(ns, ids, ct);
            public IAsyncEnumerable<NamespaceInfo> ListNamespacesAsync(CancellationToken ct) => _inner.ListNamespacesAsync(ct);
            public System.Threading.Tasks.Task<IndexStats> GetStatsAsync(CancellationToken ct) => _inner.GetStatsAsync(ct);
            public System.Threading.Tasks.Task<IReadOnlyList<VectorMutation>> GetAppliedAsync(IReadOnlyList<VectorMutation> p, CancellationToken ct) => _inner.GetAppliedAsync(p, ct);
            public void Dispose() => _inner.Dispose();
        }

        // ---- item 2: a local index that does not exist ---------------------------------------------------

        [Fact]
        public void ConnectingToAMisspeltLocalIndex_IsIndexNotFound_AndCreatesNothing()
        {
            var ex = Assert.Throws<VectorOpsException>(() => LocalProvider.Create(new ConnectionSettings { ["Path"] = _store.FilePath, Index = "demoo" }));
            Assert.Equal(ErrorIds.IndexNotFound, ex.ErrorId);
            Assert.Equal(VectorOpsErrorCategory.ObjectNotFound, ex.Category);
            Assert.Equal("demoo", ex.Target);
            Assert.Contains("has no index 'demoo'", ex.Message);
            Assert.Contains("Did you mean 'demo'?", ex.Message);
            Assert.Contains("Its indexes: 'demo'.", ex.Message);
            Assert.Contains("connect again with -Create.", ex.Message); // PowerShell's spelling by default; the CLI's: --create

            // Still not there: the failed connect wrote nothing.
            Assert.Equal(ErrorIds.IndexNotFound,
                Assert.Throws<VectorOpsException>(() => LocalProvider.Create(new ConnectionSettings { ["Path"] = _store.FilePath, Index = "demoo" })).ErrorId);

            using var created = LocalProvider.Create(new ConnectionSettings { ["Path"] = _store.FilePath, Index = "demoo", CreateIfMissing = true });
            using var again = LocalProvider.Create(new ConnectionSettings { ["Path"] = _store.FilePath, Index = "demoo" });
            Assert.Equal("demoo", again.Index);
        }

        [Fact]
        public void ConnectingToAStoreFileThatDoesNotExist_IsIndexNotFound_AndNoFileIsCreated()
        {
            var path = Path.Combine(_store.Folder, "vectorz.db");
            var ex = Assert.Throws<VectorOpsException>(() => LocalProvider.Create(new ConnectionSettings { ["Path"] = path, Index = "demo" }));
            Assert.Equal(ErrorIds.IndexNotFound, ex.ErrorId);
            Assert.Contains("does not exist", ex.Message);
            Assert.Contains("-Create", ex.Message);
            Assert.False(File.Exists(path));

            using (LocalProvider.Create(new ConnectionSettings { ["Path"] = path, Index = "demo", CreateIfMissing = true })) { }
            Assert.True(File.Exists(path));
        }

        [Theory]
        [InlineData("Pinecone")]
        [InlineData("CloudflareVectorize")]
        public void ProvidersThatCannotCreateAnIndex_RefuseCreate(string provider)
        {
            var ex = Assert.Throws<VectorOpsException>(() => ProviderRegistry.Create(new ConnectionSettings
            {
                Provider = provider, Index = "films", CreateIfMissing = true,
                ["IndexHost"] = new Uri("http://127.0.0.1:9"), ["AccountId"] = new string('a', 32), Credential = Secret.FromPlainText("k"),
            }));
            Assert.Equal(ErrorIds.NotSupported, ex.ErrorId);
            // The list comes from the descriptors (Local, and PgVector where its assembly loads).
            Assert.Contains("applies only to providers that create indexes: " +
                string.Join(", ", ProviderRegistry.Providers.Where(p => p.CreatesIndexes).Select(p => p.Name)) + ".", ex.Message);
            Assert.Contains("Local", ex.Message);
        }

        // ---- suggestions ----------------------------------------------------------------------------------

        [Theory]
        [InlineData("articels", "articles")]
        [InlineData("Articles", "articles")]
        [InlineData("ARTICLES", "articles")]
        [InlineData("article", "articles")]
        [InlineData("suport", "support")]
        [InlineData("demoo", "demo")]
        public void NameSuggestions_FindTheClosestName(string given, string expected)
        {
            Assert.Equal(expected, NameSuggestions.Closest(given, new[] { "articles", "support", "default", "demo" }).First());
        }

        [Fact]
        public void NameSuggestions_SuggestNothingFarAway_ButListTheNames()
        {
            Assert.Empty(NameSuggestions.Closest("nosuch", new[] { "articles", "support", "default" }));
            Assert.Equal("Its namespaces: 'articles', 'default'.", NameSuggestions.Hint("nosuch", new[] { "default", "articles" }, "namespaces"));
            Assert.Equal("It has no namespaces yet.", NameSuggestions.Hint("x", Array.Empty<string>(), "namespaces"));
            var many = Enumerable.Range(0, 14).Select(i => "ns-" + i.ToString("D2")).ToList();
            Assert.EndsWith("and 4 more.", NameSuggestions.Hint("zzzzzzzz", many, "namespaces"));
        }
    }
}
