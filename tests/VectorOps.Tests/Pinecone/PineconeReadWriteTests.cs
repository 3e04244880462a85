using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using VectorOps.Commands;
using VectorOps.Errors;
using VectorOps.Filtering;
using VectorOps.Model;
using VectorOps.Providers.Pinecone;
using VectorOps.Tests.Support;
using Xunit;

namespace VectorOps.Tests.Pinecone
{
    /// <summary>Get-VectorRecord, Get-VectorNamespace, index stats, Add-VectorRecord and Wait-VectorMutation against the emulator through Prism.</summary>
    public sealed class PineconeReadWriteTests : PineconeTestBase
    {
        public PineconeReadWriteTests(PineconeFixture fixture) : base(fixture) { }

        private static VectorRecord Record(int i, string? ns = null) => new VectorRecord("r-" + i.ToString("D5"))
        {
            Values = new float[] { 1, i, 0, -1 },
            Metadata = new Dictionary<string, object?> { ["n"] = (long)i, ["tag"] = i % 2 == 0 ? "even" : "odd", ["tags"] = new List<string> { "x", "y" } },
            Namespace = ns,
        };

        [Fact]
        public void Upsert_2500Records_GoesOutIn1000RecordBatches_AndReadsBack()
        {
            using var connection = Fixture.Connect();
            var host = new RecordingHost();
            var add = new AddRecordsCommand(host, connection) { Namespace = "docs" };
            foreach (var i in Enumerable.Range(0, 2500)) add.Add(Record(i));
            add.Complete();

            Assert.Empty(host.Errors);
            Assert.Equal(new[] { 500, 1000, 1000 }, Journal.Of("upsert").Select(u => u.IdCount!.Value).OrderBy(x => x));
            Assert.Equal(2500, Emulator.Store.CountIn("docs"));
            Assert.All(host.Mutations, m => Assert.Equal(MutationStatus.Acknowledged, m.Status));
            Assert.Equal(2500, host.Mutations.Sum(m => m.AffectedCount));
            Assert.All(host.Mutations, m => Assert.NotNull(PineconeProvider.LsnOf(m.ProviderState)));

            var read = new RecordingHost();
            var get = new GetRecordsCommand(read, connection);
            get.AddIds(new[] { "r-00007", "r-02499", "missing-1" }, "docs");
            get.Complete();
            var records = read.Output.OfType<VectorRecord>().ToList();
            Assert.Equal(new[] { "r-00007", "r-02499" }, records.Select(r => r.Id));
            Assert.Equal(new float[] { 1, 7, 0, -1 }, records[0].Values);
            Assert.Equal(7L, records[0].Metadata!["n"]);
            Assert.Equal("odd", records[0].Metadata!["tag"]);
            Assert.Equal(new List<string> { "x", "y" }, records[0].Metadata!["tags"]);
            Assert.Equal("docs", records[0].Namespace);
            var notFound = Assert.Single(read.Errors);
            Assert.Equal("missing-1", notFound.Target);
            AssertNoViolations();
        }

        [Fact]
        public void Upsert_OverTwoMegabytes_IsSplitIntoRequestsUnderTheLimit()
        {
            using var connection = Fixture.Connect();
            var host = new RecordingHost();
            var add = new AddRecordsCommand(host, connection) { Namespace = "big" };
            var blob = new string('m', 30_000);
            foreach (var i in Enumerable.Range(0, 150))
                add.Add(new VectorRecord("big-" + i) { Values = new float[] { 1, 0, 0, 0 }, Metadata = new Dictionary<string, object?> { ["text"] = blob } });
            add.Complete();

            Assert.Empty(host.Errors);
            var upserts = Journal.Of("upsert");
            Assert.True(upserts.Count >= 3, "requests: " + upserts.Count);
            Assert.All(upserts, u => Assert.Equal(200, u.Status));
            Assert.Equal(150, Emulator.Store.CountIn("big"));
            var m = Assert.Single(host.Mutations);
            Assert.Equal(upserts.Count, m.Attempts);
            AssertNoViolations();
        }

        [Fact]
        public void Upsert_ARecordOverTwoMegabytes_IsRefusedNamingIt()
        {
            using var connection = Fixture.Connect();
            var host = new RecordingHost();
            var add = new AddRecordsCommand(host, connection) { Namespace = "big" };
            add.Add(new VectorRecord("huge") { Values = new float[] { 1, 0, 0, 0 }, Metadata = new Dictionary<string, object?> { ["text"] = new string('m', 2_200_000) } });
            add.Complete();
            var error = Assert.Single(host.Errors);
            Assert.Equal(ErrorIds.InvalidRecord, error.ErrorId);
            Assert.Equal("huge", Assert.IsType<VectorOpsException>(error.Exception).Target);
            Assert.Contains("'huge'", error.Exception.Message);
            Assert.Equal(0, Journal.MutatingCalls);
        }

        [Fact]
        public void Fetch_LongIds_AreSplitToKeepEachUrlUnder8KB()
        {
            var ids = Enumerable.Range(0, 40).Select(i => i.ToString("D3") + new string('/', 509)).ToList(); // '/' needs escaping: 3 bytes each
            Emulator.Store.Seed("docs", ids.Select(id => new Emulators.Pinecone.PineconeRecord(id) { Values = new float[] { 1, 0, 0, 0 } }));
            using var connection = Fixture.Connect();
            var provider = (PineconeProvider)connection.ProviderInstance;
            var paths = provider.FetchPaths("docs", ids).ToList();
            Assert.All(paths, p => Assert.True(p.Length + provider.Endpoint.Length <= PineconeProvider.MaxFetchUriLength, p.Length.ToString()));
            Assert.True(paths.Count >= 8, paths.Count.ToString());

            var host = new RecordingHost();
            var get = new GetRecordsCommand(host, connection);
            get.AddIds(ids, "docs");
            get.Complete();
            Assert.Empty(host.Errors);
            Assert.Equal(ids, host.Output.OfType<VectorRecord>().Select(r => r.Id));
            Assert.Equal(paths.Count, Journal.Count("fetch"));
            AssertNoViolations();
        }

        [Fact]
        public void Fetch_AnIdWithASpace_IsRefusedAsTheServiceDoes()
        {
            using var connection = Fixture.Connect();
            var ex = Assert.Throws<VectorOpsException>(() => connection.ProviderInstance.FetchAsync("docs", new[] { "a b" }, default).GetAwaiter().GetResult());
            Assert.Equal(ErrorIds.InvalidId, ex.ErrorId);
            Assert.Equal("a b", ex.Target);
            Assert.Empty(Journal.Entries);
        }

        [Fact]
        public void GetRecords_ByPrefixAndByFilter_PagesThroughEverything()
        {
            Emulator.Store.Seed("docs", Records("doc#", 230, i => new Dictionary<string, object?> { ["year"] = 1990L + i % 40 }));
            Emulator.Store.Seed("docs", Records("img#", 10));
            using var connection = Fixture.Connect();

            var byPrefix = new RecordingHost();
            new GetRecordsCommand(byPrefix, connection) { IdsOnly = true }.ByPrefix("doc#", "docs");
            Assert.Equal(230, byPrefix.Output.Count);
            Assert.Equal(3, Journal.Count("list"));

            var full = new RecordingHost();
            new GetRecordsCommand(full, connection) { First = 150 }.ByPrefix("doc#", "docs");
            Assert.Equal(150, full.Output.OfType<VectorRecord>().Count(r => r.Values != null));

            var byFilter = new RecordingHost();
            new GetRecordsCommand(byFilter, connection) { IdsOnly = true }.ByFilter(MetadataFilter.Parse("{\"year\": {\"$gte\": 2020}}"), "docs");
            var expected = Enumerable.Range(0, 230).Where(i => 1990 + i % 40 >= 2020).Select(i => "doc#" + i.ToString("D6"));
            Assert.Equal(expected.OrderBy(x => x), byFilter.Output.OfType<VectorRecord>().Select(r => r.Id).OrderBy(x => x));
            Assert.Equal(0, Journal.MutatingCalls);
            AssertNoViolations();
        }

        [Fact]
        public void Namespaces_AreListedWithRecordCounts_AcrossPages()
        {
            foreach (var i in Enumerable.Range(0, 150)) Emulator.Store.Seed("tenant-" + i.ToString("D3"), Records("r-", i % 5 + 1));
            using var connection = Fixture.Connect();
            var host = new RecordingHost();
            new GetNamespacesCommand(host, connection).Execute();
            var list = host.Output.OfType<NamespaceInfo>().ToList();
            Assert.Equal(150, list.Count);
            Assert.Equal(2, Journal.Count("listNamespaces"));
            Assert.Equal(3, list.Single(n => n.Name == "tenant-007").RecordCount);
            Assert.All(list, n => Assert.Equal("Pinecone", n.Provider));
            AssertNoViolations();
        }

        [Fact]
        public async Task Stats_ReportDimensionTotalsAndNamespaces()
        {
            Emulator.Store.Seed("a", Records("r-", 7));
            Emulator.Store.Seed("__default__", Records("r-", 3));
            using var connection = Fixture.Connect();
            var stats = await connection.ProviderInstance.GetStatsAsync(default);
            Assert.Equal(PineconeFixture.Dimension, stats.Dimension);
            Assert.Equal(10, stats.TotalRecordCount);
            Assert.Equal(7, stats.Namespaces.Single(n => n.Name == "a").RecordCount);
            Assert.Equal(3, stats.Namespaces.Single(n => n.Name == "__default__").RecordCount);
            AssertNoViolations();
        }

        [Fact]
        public async Task CountFilterMatches_IsADryRunUpdate_ThatChangesNothing()
        {
            Emulator.Store.Seed("docs", Records("d-", 50, i => new Dictionary<string, object?> { ["k"] = i % 5 == 0 }));
            using var connection = Fixture.Connect();
            var n = await connection.ProviderInstance.CountAsync("docs", MetadataFilter.Parse("{\"k\": true}"), default);
            Assert.Equal(10, n);
            var none = await connection.ProviderInstance.CountAsync("docs", MetadataFilter.Parse("{\"k\": {\"$eq\": \"nothing\"}}"), default);
            Assert.Equal(0, none);
            Assert.Equal(0, Journal.MutatingCalls);
            Assert.All(Journal.Of("update"), u => Assert.Equal("dryRun", u.Detail));
            AssertNoViolations();
        }

        [Fact]
        public async Task WaitMutation_ReturnsOnlyAfterMaxIndexedLsnReachesTheMutation()
        {
            Emulator.Store.Seed("docs", Records("d-", 10));
            Emulator.Store.Seed("other", Records("o-", 10));
            using var connection = Fixture.Connect();
            var host = new RecordingHost();
            var del = new RemoveByIdsCommand(host, connection);
            Emulator.Store.HoldIndexing();
            del.Add(new[] { "d-000001", "d-000002" }, "docs");
            del.Add(new[] { "o-000001" }, "other");
            del.Complete();
            var mutations = host.Mutations.ToList();
            Assert.Equal(2, mutations.Count);
            Assert.All(mutations, m => Assert.Equal(MutationStatus.Acknowledged, m.Status));

            var waitHost = (RecordingHost?)null;
            var wait = Task.Run(() =>
            {
                waitHost = new RecordingHost();
                var w = new WaitMutationCommand(waitHost, connection) { Timeout = TimeSpan.FromSeconds(60), PollInterval = TimeSpan.FromMilliseconds(20) };
                foreach (var m in mutations) w.Add(m);
                w.Complete();
            });
            // Polls keep coming while indexing is held, and the wait does not end.
            SpinWait.SpinUntil(() => Journal.Count("query") >= 6 || wait.IsCompleted, TimeSpan.FromSeconds(30));
            Assert.False(wait.IsCompleted);
            Assert.True(Journal.Count("query") >= 6);
            Assert.All(mutations, m => Assert.Equal(MutationStatus.Acknowledged, m.Status));

            Emulator.Store.ReleaseIndexing();
            await wait.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Empty(waitHost!.Errors);
            Assert.All(mutations, m => Assert.Equal(MutationStatus.Completed, m.Status));
            Assert.Equal(2, waitHost.Mutations.Count());
            foreach (var m in mutations)
                Assert.True(Emulator.Store.MaxIndexedLsn(Emulator.Store.GetOrAdd(m.Namespace!)) >= PineconeProvider.LsnOf(m.ProviderState)!.Value);
            // One read per namespace per poll: the queries name both namespaces.
            Assert.Contains(Journal.Of("query"), q => q.Scope == "docs");
            Assert.Contains(Journal.Of("query"), q => q.Scope == "other");
            Assert.Contains(waitHost.Progress, p => p.Activity.StartsWith("Waiting", StringComparison.Ordinal));
            Assert.Equal(2, Journal.MutatingCalls); // the two deletes; the polls are reads
            AssertNoViolations();
        }

        [Fact]
        public void WaitMutation_WithAnIndexingLag_CompletesOnceIndexed()
        {
            Emulator.Store.Seed("docs", Records("d-", 10));
            Emulator.Store.IndexingLag = TimeSpan.FromMilliseconds(400);
            using var connection = Fixture.Connect();
            var host = new RecordingHost();
            var del = new RemoveByIdsCommand(host, connection);
            del.Add(new[] { "d-000003" }, "docs");
            del.Complete();
            var m = Assert.Single(host.Mutations);
            var w = new WaitMutationCommand(host, connection) { Timeout = TimeSpan.FromSeconds(30), PollInterval = TimeSpan.FromMilliseconds(25) };
            w.Add(m);
            w.Complete();
            Assert.Equal(MutationStatus.Completed, m.Status);
            Assert.Empty(host.Errors);
            Assert.True(Emulator.Store.MaxIndexedLsn(Emulator.Store.GetOrAdd("docs")) >= PineconeProvider.LsnOf(m.ProviderState)!.Value);
            AssertNoViolations();
        }

        [Fact]
        public void WaitMutation_TimesOut_WithAnErrorPerMutation()
        {
            Emulator.Store.Seed("docs", Records("d-", 10));
            using var connection = Fixture.Connect();
            var host = new RecordingHost();
            Emulator.Store.HoldIndexing();
            var del = new RemoveByIdsCommand(host, connection);
            del.Add(new[] { "d-000003" }, "docs");
            del.Complete();
            var m = Assert.Single(host.Mutations);
            var w = new WaitMutationCommand(host, connection) { Timeout = TimeSpan.FromMilliseconds(300), PollInterval = TimeSpan.FromMilliseconds(50) };
            w.Add(m);
            w.Complete();
            Assert.Equal(MutationStatus.Acknowledged, m.Status);
            Assert.Equal(ErrorIds.MutationWaitTimeout, Assert.Single(host.Errors).ErrorId);
            Assert.Equal(1, w.TimedOut);
            AssertNoViolations();
        }
    }
}
