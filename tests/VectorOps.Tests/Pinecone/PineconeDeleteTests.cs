using System;
using System.Collections.Generic;
using System.Linq;
using VectorOps.Commands;
using VectorOps.Errors;
using VectorOps.Filtering;
using VectorOps.Hosting;
using VectorOps.Model;
using VectorOps.Providers.Pinecone;
using VectorOps.Tests.Support;
using Xunit;

namespace VectorOps.Tests.Pinecone
{
    /// <summary>Every delete path of the 2026-04 data plane (and the 2025-10 fallback), through Prism, checked in the emulator's journal.</summary>
    public sealed class PineconeDeleteTests : PineconeTestBase
    {
        public PineconeDeleteTests(PineconeFixture fixture) : base(fixture) { }

        private static Dictionary<string, object?> Genre(int i) => new Dictionary<string, object?>
        {
            ["genre"] = i % 3 == 0 ? "drama" : "comedy",
            ["year"] = 2000L + i % 25,
        };

        [Fact]
        public void DeleteByIds_25000IdsFromThePipeline_ArriveAs25RequestsOfAtMost1000()
        {
            Emulator.Store.Seed("docs", Records("doc-", 25_000));
            Emulator.Store.Seed("other", Records("doc-", 10));
            using var connection = Fixture.Connect();
            var host = new RecordingHost();
            var command = new RemoveByIdsCommand(host, connection, new RemoveOptions());
            foreach (var i in Enumerable.Range(0, 25_000)) command.Add(new[] { "doc-" + i.ToString("D6") }, "docs");
            command.Complete();

            Assert.Empty(host.Errors);
            var deletes = Journal.Of("delete");
            Assert.Equal(25, deletes.Count);
            Assert.All(deletes, d => Assert.True(d.IdCount <= 1000 && d.Detail == "ids" && d.Scope == "docs" && d.Status == 200, d.ToString()));
            Assert.Equal(25_000, deletes.Sum(d => d.IdCount));
            Assert.Equal(25, Journal.MutatingCalls);
            Assert.Equal(25_000, Journal.DeletedIds("docs").Count);
            Assert.Empty(Journal.DeletedMoreThanOnce("docs"));
            Assert.Empty(Journal.DeletedIds("other"));
            Assert.Equal(0, Emulator.Store.CountIn("docs"));
            Assert.Equal(10, Emulator.Store.CountIn("other"));

            var mutations = host.Mutations.ToList();
            Assert.Equal(25, mutations.Count);
            Assert.All(mutations, m => Assert.Equal(MutationStatus.Acknowledged, m.Status));
            Assert.All(mutations, m => Assert.NotNull(PineconeProvider.LsnOf(m.ProviderState)));
            Assert.Equal(25, mutations.Select(m => m.ProviderState).Distinct().Count());
            Assert.Empty(host.ThreadViolations);
            AssertNoViolations();
        }

        [Fact]
        public void DeleteByIds_InTheDefaultNamespace_SendsDefaultByName()
        {
            Emulator.Store.Seed("__default__", Records("a-", 3));
            using var connection = Fixture.Connect();
            var host = new RecordingHost();
            var command = new RemoveByIdsCommand(host, connection);
            command.Add(new[] { "a-000000", "a-000002", "missing" });
            command.Complete();

            Assert.Empty(host.Errors);
            Assert.Equal("__default__", Assert.Single(Journal.Of("delete")).Scope);
            Assert.Equal(new[] { "a-000001" }, Emulator.Store.IdsIn("__default__"));
            Assert.Equal(new[] { "a-000000", "a-000002" }, Journal.DeletedIds("__default__").OrderBy(x => x));
            AssertNoViolations();
        }

        [Theory]
        [InlineData("")]
        [InlineData("513")]
        [InlineData("café")]
        [InlineData("tab\there")]
        public void DeleteByIds_InvalidId_IsNamedAndNothingIsSent(string kind)
        {
            var bad = kind == "513" ? new string('x', 513) : kind;
            Emulator.Store.Seed("docs", Records("doc-", 5));
            using var connection = Fixture.Connect();
            var host = new RecordingHost();
            var command = new RemoveByIdsCommand(host, connection);
            command.Add(new[] { "doc-000001", bad }, "docs");
            command.Complete();

            var error = Assert.Single(host.Errors);
            Assert.Equal(ErrorIds.InvalidId, error.ErrorId);
            Assert.Equal(VectorOpsErrorCategory.InvalidArgument, error.Category);
            Assert.Equal(bad, error.Target);
            if (bad.Length > 0) Assert.Contains(bad.Length > 80 ? bad.Substring(0, 80) : bad.Replace("\t", "\\u0009"), error.Exception.Message);
            Assert.Equal(0, Journal.MutatingCalls);
            Assert.Empty(Journal.Entries);
            Assert.Equal(5, Emulator.Store.CountIn("docs"));
            AssertNoViolations();
        }

        [Fact]
        public void DeleteByIds_AValidIdOf512Characters_IsDeleted()
        {
            var id = new string('k', 511) + "~";
            Emulator.Store.Seed("docs", new[] { new Emulators.Pinecone.PineconeRecord(id) { Values = new float[] { 1, 0, 0, 0 } } });
            using var connection = Fixture.Connect();
            var host = new RecordingHost();
            var command = new RemoveByIdsCommand(host, connection);
            command.Add(new[] { id }, "docs");
            command.Complete();
            Assert.Empty(host.Errors);
            Assert.Equal(new[] { id }, Journal.DeletedIds("docs"));
            AssertNoViolations();
        }

        [Fact]
        public void DeleteByFilter_On202604_IsOneNativeFilterDelete_AfterADryRunCount()
        {
            Emulator.Store.Seed("films", Records("f-", 300, Genre));
            var expected = Enumerable.Range(0, 300).Where(i => i % 3 == 0).Select(i => "f-" + i.ToString("D6")).ToList();
            using var connection = Fixture.Connect();
            var host = new RecordingHost();
            var filter = MetadataFilter.Parse("{\"genre\": {\"$eq\": \"drama\"}}");
            new RemoveByFilterCommand(host, connection, filter, new RemoveOptions()).Execute(new[] { "films" });

            Assert.Empty(host.Errors);
            var count = Assert.Single(Journal.Of("update"));
            Assert.Equal("dryRun", count.Detail);
            Assert.False(count.Mutating);
            var delete = Assert.Single(Journal.Of("delete"));
            Assert.Equal("filter", delete.Detail);
            Assert.Equal(1, Journal.MutatingCalls);
            Assert.Equal(expected.OrderBy(x => x), Journal.DeletedIds("films").OrderBy(x => x));
            Assert.Equal(200, Emulator.Store.CountIn("films"));
            // The confirmation named the count the dry run answered.
            Assert.Contains("100 record(s)", Assert.Single(host.ShouldContinueCalls).Query);
            var m = Assert.Single(host.Mutations);
            Assert.Equal(MutationOperation.DeleteByFilter, m.Operation);
            Assert.Equal(100, m.RequestedCount);
            Assert.NotNull(PineconeProvider.LsnOf(m.ProviderState));
            AssertNoViolations();
        }

        [Fact]
        public void DeleteByFilter_On202510_FallsBackToFetchByMetadataAndIdDeletes_AndSaysSo()
        {
            Emulator.Store.Seed("films", Records("f-", 2500, Genre));
            var expected = Enumerable.Range(0, 2500).Where(i => i % 3 == 0).Select(i => "f-" + i.ToString("D6")).ToList();
            using var connection = Fixture.Connect("2025-10");
            var host = new RecordingHost();
            var filter = MetadataFilter.Parse("{\"genre\": \"drama\"}");
            new RemoveByFilterCommand(host, connection, filter, new RemoveOptions { Force = true }).Execute(new[] { "films" });

            Assert.Empty(host.Errors);
            Assert.Contains(host.Verbose, v => v.Contains("cannot delete by filter", StringComparison.Ordinal));
            var deletes = Journal.Of("delete");
            Assert.All(deletes, d => Assert.Equal("ids", d.Detail));
            Assert.Equal(834, Assert.Single(deletes).IdCount); // 834 matches: one request of at most 1000
            Assert.True(Journal.Count("fetchByMetadata") >= 9, "fetch_by_metadata pages: " + Journal.Count("fetchByMetadata"));
            Assert.Equal(expected.OrderBy(x => x), Journal.DeletedIds("films").OrderBy(x => x));
            Assert.Empty(Journal.DeletedMoreThanOnce("films"));
            Assert.Equal(2500 - expected.Count, Emulator.Store.CountIn("films"));
            AssertNoViolations();
        }

        [Fact]
        public void DeleteByFilter_On202510_TheServiceRejectsANativeFilterDelete()
        {
            // The emulator does as serverless 2025-10 does; the provider never sends it (capability false).
            using var connection = Fixture.Connect("2025-10");
            Assert.False(connection.ProviderInstance.Capabilities.NativeFilterDelete);
            var ex = Assert.Throws<VectorOpsException>(() => connection.ProviderInstance
                .DeleteByFilterAsync("films", MetadataFilter.Parse("{\"genre\": \"drama\"}"), default).GetAwaiter().GetResult());
            Assert.Equal(ErrorIds.NotSupported, ex.ErrorId);
            Assert.Equal(0, Journal.MutatingCalls);
            AssertNoViolations();
        }

        [Theory]
        [InlineData("2026-04")]
        [InlineData("2025-10")]
        public void DeleteByFilter_WhatIf_ShowsTheMatchedIdsAndCount_AndDeletesNothing(string version)
        {
            Emulator.Store.Seed("films", Records("f-", 1500, Genre));
            var expected = Enumerable.Range(0, 1500).Where(i => i % 3 == 0 && 2000 + i % 25 >= 2010).Select(i => "f-" + i.ToString("D6")).ToList();
            using var connection = Fixture.Connect(version);
            var host = new RecordingHost { Decision = ShouldProcessDecision.WhatIf };
            var filter = MetadataFilter.Parse("{\"$and\": [{\"genre\": \"drama\"}, {\"year\": {\"$gte\": 2010}}]}");
            new RemoveByFilterCommand(host, connection, filter).Execute(new[] { "films" });

            Assert.Empty(host.Errors);
            var previews = host.Mutations.ToList();
            Assert.All(previews, m => Assert.Equal(MutationStatus.WhatIf, m.Status));
            Assert.Equal(expected.OrderBy(x => x), previews.SelectMany(m => m.Ids!).OrderBy(x => x));
            Assert.Contains($"{expected.Count:N0} record(s)", Assert.Single(host.ShouldProcessCalls).Target);
            Assert.Empty(host.ShouldContinueCalls);
            Assert.Equal(0, Journal.MutatingCalls);
            Assert.Equal(0, Journal.DeletedCount);
            Assert.Equal(1500, Emulator.Store.CountIn("films"));
            Assert.True(Journal.Count("fetchByMetadata") >= 1);
            AssertNoViolations();
        }

        [Fact]
        public void DeleteByPrefix_WhatIf_ShowsTheMatchedIdsAndCount_AndDeletesNothing()
        {
            Emulator.Store.Seed("docs", Records("doc1#", 250));
            Emulator.Store.Seed("docs", Records("doc2#", 50));
            using var connection = Fixture.Connect();
            var host = new RecordingHost { Decision = ShouldProcessDecision.WhatIf };
            new RemoveByPrefixCommand(host, connection, "doc1#").Execute(new[] { "docs" });

            Assert.Empty(host.Errors);
            var ids = host.Mutations.SelectMany(m => m.Ids!).ToList();
            Assert.Equal(Enumerable.Range(0, 250).Select(i => "doc1#" + i.ToString("D6")), ids.OrderBy(x => x, StringComparer.Ordinal));
            Assert.All(host.Mutations, m => Assert.Equal(MutationStatus.WhatIf, m.Status));
            Assert.Contains("250 record(s)", Assert.Single(host.ShouldProcessCalls).Target);
            Assert.Equal(0, Journal.MutatingCalls);
            Assert.Equal(300, Emulator.Store.CountIn("docs"));
            Assert.All(Journal.Of("list"), l => Assert.Contains("limit=100", l.Query));
            AssertNoViolations();
        }

        [Fact]
        public void DeleteByPrefix_StreamsListPagesIntoDeletes_BeforeTheLastPageIsRead()
        {
            Emulator.Store.Seed("docs", Records("chunk-", 3000));
            Emulator.Store.Seed("docs", Records("keep-", 40));
            using var connection = Fixture.Connect();
            var host = new RecordingHost();
            new RemoveByPrefixCommand(host, connection, "chunk-", new RemoveOptions { Force = true }).Execute(new[] { "docs" });

            Assert.Empty(host.Errors);
            var lists = Journal.Of("list");
            var deletes = Journal.Of("delete");
            Assert.Equal(30, lists.Count); // 3000 ids, 100 a page
            Assert.Equal(3, deletes.Count);
            Assert.All(deletes, d => Assert.Equal(1000, d.IdCount));
            // The first delete request arrived before the last list page was asked for: pages are streamed.
            Assert.True(deletes.Min(d => d.Sequence) < lists.Max(l => l.Sequence),
                "first delete #" + deletes.Min(d => d.Sequence) + ", last list #" + lists.Max(l => l.Sequence));
            Assert.Equal(3000, Journal.DeletedIds("docs").Count);
            Assert.All(Journal.DeletedIds("docs"), id => Assert.StartsWith("chunk-", id));
            Assert.Equal(Enumerable.Range(0, 40).Select(i => "keep-" + i.ToString("D6")), Emulator.Store.IdsIn("docs"));
            AssertNoViolations();
        }

        [Fact]
        public void DeleteByPrefix_WithConfirmation_CountsByListingThenDeletes()
        {
            Emulator.Store.Seed("docs", Records("p-", 120));
            using var connection = Fixture.Connect();
            var host = new RecordingHost();
            new RemoveByPrefixCommand(host, connection, "p-", new RemoveOptions { BatchSize = 50 }).Execute(new[] { "docs" });

            Assert.Empty(host.Errors);
            Assert.Contains("120 record(s)", Assert.Single(host.ShouldContinueCalls).Query);
            Assert.Equal(new[] { 50, 50, 20 }, Journal.Of("delete").Select(d => d.IdCount!.Value).OrderByDescending(x => x));
            Assert.Equal(0, Emulator.Store.CountIn("docs"));
            AssertNoViolations();
        }

        [Fact]
        public void DeleteByPrefix_Declined_DeletesNothing()
        {
            Emulator.Store.Seed("docs", Records("p-", 30));
            using var connection = Fixture.Connect();
            var host = new RecordingHost { ContinueAnswer = false };
            new RemoveByPrefixCommand(host, connection, "p-").Execute(new[] { "docs" });
            Assert.Equal(MutationStatus.Skipped, Assert.Single(host.Mutations).Status);
            Assert.Equal(0, Journal.MutatingCalls);
            Assert.Equal(30, Emulator.Store.CountIn("docs"));
            AssertNoViolations();
        }

        [Fact]
        public void ClearNamespace_SendsDeleteAll_AndKeepsTheNamespace()
        {
            Emulator.Store.Seed("logs", Records("l-", 1200));
            Emulator.Store.Seed("keep", Records("k-", 5));
            using var connection = Fixture.Connect();
            var host = new RecordingHost();
            var command = new ClearNamespaceCommand(host, connection);
            command.Clear("logs");
            command.Complete();

            Assert.Empty(host.Errors);
            var delete = Assert.Single(Journal.Of("delete"));
            Assert.Equal("deleteAll", delete.Detail);
            Assert.Equal("logs", delete.Scope);
            Assert.Equal(1, Journal.MutatingCalls);
            Assert.Equal(0, Emulator.Store.CountIn("logs"));
            Assert.True(Emulator.Store.NamespaceExists("logs"));
            Assert.Equal(5, Emulator.Store.CountIn("keep"));
            Assert.Contains("1,200 record(s)", Assert.Single(host.ShouldProcessCalls).Action);
            var m = Assert.Single(host.Mutations);
            Assert.Equal(MutationStatus.Acknowledged, m.Status);
            Assert.NotNull(PineconeProvider.LsnOf(m.ProviderState));
            AssertNoViolations();
        }

        [Fact]
        public void ClearNamespace_RemoveNamespace_DeletesTheNamespaceItself()
        {
            Emulator.Store.Seed("logs", Records("l-", 10));
            using var connection = Fixture.Connect();
            var host = new RecordingHost();
            var command = new ClearNamespaceCommand(host, connection, removeNamespace: true);
            command.Clear("logs");
            command.Complete();

            Assert.Empty(host.Errors);
            var delete = Assert.Single(Journal.Of("deleteNamespace"));
            Assert.Equal("logs", delete.Scope);
            Assert.Equal(1, Journal.MutatingCalls);
            Assert.False(Emulator.Store.NamespaceExists("logs"));
            Assert.Equal(10, Journal.DeletedIds("logs").Count);
            AssertNoViolations();
        }

        [Fact]
        public void ClearNamespace_WhatIf_SendsNothing()
        {
            Emulator.Store.Seed("logs", Records("l-", 10));
            using var connection = Fixture.Connect();
            var host = new RecordingHost { Decision = ShouldProcessDecision.WhatIf };
            var command = new ClearNamespaceCommand(host, connection, removeNamespace: true);
            command.Clear("logs");
            command.Complete();
            Assert.Equal(MutationStatus.WhatIf, Assert.Single(host.Mutations).Status);
            Assert.Equal(0, Journal.MutatingCalls);
            Assert.True(Emulator.Store.NamespaceExists("logs"));
            AssertNoViolations();
        }

        [Fact]
        public void ClearNamespace_RemoveNamespaceThatDoesNotExist_IsObjectNotFound()
        {
            // Found from the namespace list before anything is sent (it used to be the service's 404 on the delete).
            Emulator.Store.Seed("ghosts", Records("g-", 1));
            using var connection = Fixture.Connect();
            var host = new RecordingHost();
            var command = new ClearNamespaceCommand(host, connection, removeNamespace: true);
            command.Clear("ghost");
            command.Complete();
            var error = Assert.Single(host.Errors);
            Assert.Equal(ErrorIds.NamespaceNotFound, error.ErrorId);
            Assert.Equal(VectorOpsErrorCategory.ObjectNotFound, error.Category);
            Assert.Contains("Did you mean 'ghosts'?", error.Exception.Message);
            Assert.Empty(host.Mutations);
            Assert.Equal(0, Journal.MutatingCalls);
            AssertNoViolations();
        }
    }
}
