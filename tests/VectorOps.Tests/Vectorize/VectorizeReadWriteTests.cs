using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using VectorOps.Commands;
using VectorOps.Emulators.Vectorize;
using VectorOps.Errors;
using VectorOps.Filtering;
using VectorOps.Hosting;
using VectorOps.Model;
using VectorOps.Security;
using Xunit;

namespace VectorOps.Tests.Vectorize
{
    /// <summary>Get-VectorRecord, Get-VectorNamespace, index info and Add-VectorRecord (NDJSON upsert), and the token scan.</summary>
    public sealed class VectorizeReadWriteTests : VectorizeTestBase
    {
        public VectorizeReadWriteTests(VectorizeFixture fixture) : base(fixture) { }

        private VectorizeIndexState SeedThree()
        {
            var index = Fixture.NewIndex();
            index.Seed(new[]
            {
                new StoredVector("a-1", new[] { 1f, 2f, 3f, 4f }, "{\"genre\":\"drama\",\"year\":2001}", null),
                new StoredVector("a-2", new[] { 1f, 0f, 0f, 0f }, "{\"genre\":\"comedy\",\"year\":2015,\"tags\":[\"x\",\"y\"]}", null),
                new StoredVector("b-1", new[] { 0f, 1f, 0f, 0f }, "{\"genre\":\"drama\",\"year\":2020}", "tenant-a"),
                new StoredVector("b-2", new[] { 0f, 0f, 1f, 0f }, null, "tenant-a"),
                new StoredVector("c-1", new[] { 0f, 0f, 0f, 1f }, "{\"genre\":\"drama\"}", "tenant-b"),
            });
            return index;
        }

        [Fact]
        public void Records_are_fetched_by_id_within_their_namespace()
        {
            var index = SeedThree();
            using var connection = Fixture.Connect(index.Name);
            var get = new GetRecordsCommand(Host, connection);
            get.AddIds(new[] { "a-1", "a-2", "b-1", "missing" });
            get.Complete();

            var records = Host.Output.OfType<VectorRecord>().ToList();
            Assert.Equal(new[] { "a-1", "a-2" }, records.Select(r => r.Id));
            Assert.All(records, r => Assert.Equal("__default__", r.Namespace));
            Assert.Equal(new[] { 1f, 2f, 3f, 4f }, records[0].Values);
            Assert.Equal("drama", records[0].Metadata!["genre"]);
            Assert.Equal(2001L, records[0].Metadata!["year"]);
            // b-1 lives in tenant-a, so it is not in the default namespace; 'missing' does not exist.
            Assert.Equal(new[] { "b-1", "missing" }, Host.Errors.Select(e => (string)e.Target!).OrderBy(x => x));
            Assert.Single(Fixture.Calls(index.Name, "get_by_ids")); // four ids, one call

            var other = new Support.RecordingHost();
            var inTenant = new GetRecordsCommand(other, connection);
            inTenant.AddIds(new[] { "b-1", "b-2" }, "tenant-a");
            inTenant.Complete();
            Assert.Equal(new[] { "b-1", "b-2" }, other.Output.OfType<VectorRecord>().Select(r => r.Id));
            Assert.All(other.Output.OfType<VectorRecord>(), r => Assert.Equal("tenant-a", r.Namespace));
        }

        [Fact]
        public void Records_are_listed_by_prefix_and_by_filter()
        {
            var index = SeedThree();
            using var connection = Fixture.Connect(index.Name);

            var byPrefix = new GetRecordsCommand(Host, connection) { IdsOnly = true };
            byPrefix.ByPrefix("b-", "tenant-a");
            Assert.Equal(new[] { "b-1", "b-2" }, Host.Output.OfType<VectorRecord>().Select(r => r.Id));

            var filtered = new Support.RecordingHost();
            var byFilter = new GetRecordsCommand(filtered, connection);
            byFilter.ByFilter(MetadataFilter.ParseJson("{\"genre\":\"drama\"}"));
            var drama = filtered.Output.OfType<VectorRecord>().ToList();
            Assert.Equal(new[] { "a-1" }, drama.Select(r => r.Id)); // b-1 and c-1 are drama too, in other namespaces
            Assert.NotNull(drama[0].Values);

            var lists = new Support.RecordingHost();
            var listTags = new GetRecordsCommand(lists, connection);
            listTags.ByFilter(MetadataFilter.ParseJson("{\"tags\":{\"$in\":[\"y\"]}}"));
            Assert.Equal(new[] { "a-2" }, lists.Output.OfType<VectorRecord>().Select(r => r.Id));
        }

        [Fact]
        public void Namespaces_are_what_list_and_get_by_ids_reveal_with_exact_counts()
        {
            var index = SeedThree();
            using var connection = Fixture.Connect(index.Name);
            new GetNamespacesCommand(Host, connection).Execute();
            var namespaces = Host.Output.OfType<NamespaceInfo>().ToDictionary(n => n.Name, n => n.RecordCount);
            Assert.Equal(new Dictionary<string, long?> { ["__default__"] = 2, ["tenant-a"] = 2, ["tenant-b"] = 1 }, namespaces);
            Assert.Equal(0, Fixture.MutatingCalls(index.Name));
        }

        [Fact]
        public void Index_info_gives_dimensions_and_the_count()
        {
            var index = Fixture.NewIndex(dimensions: 8);
            index.Seed("doc-", 12);
            using var connection = Fixture.Connect(index.Name);
            var stats = Sync(connection.ProviderInstance.GetStatsAsync(default));
            Assert.Equal(8, stats.Dimension);
            Assert.Equal(12, stats.TotalRecordCount);
            Assert.Equal("CloudflareVectorize", stats.Provider);
            Assert.Equal(index.Name, stats.Index);
        }

        [Fact]
        public void Records_are_upserted_as_ndjson_in_batches_of_500_and_waiting_sees_them_applied()
        {
            var index = Fixture.NewIndex();
            using var connection = Fixture.Connect(index.Name);
            var add = new AddRecordsCommand(Host, connection);
            for (var i = 0; i < 600; i++)
            {
                add.Add(new VectorRecord("r-" + i.ToString("D4", CultureInfo.InvariantCulture))
                {
                    Values = new[] { i / 10f, 0.5f, -1.25f, 3f },
                    Metadata = new Dictionary<string, object?> { ["n"] = (long)i, ["even"] = i % 2 == 0, ["label"] = "row " + i },
                    Namespace = i < 550 ? null : "tenant-z",
                });
            }
            add.Complete();

            var mutations = Host.Mutations.ToList();
            Assert.Equal(new long[] { 500, 50, 50 }.OrderBy(x => x), mutations.Select(m => m.RequestedCount).OrderBy(x => x));
            Assert.All(mutations, m => Assert.Equal(MutationStatus.Acknowledged, m.Status));
            var upserts = Fixture.Calls(index.Name, "upsert");
            Assert.Equal(3, upserts.Count);
            Assert.Equal(600, upserts.Sum(c => c.IdCount));
            Assert.Equal(0, index.Count); // accepted, not applied yet

            var waitHost = new Support.RecordingHost();
            var wait = new WaitMutationCommand(waitHost, connection) { PollInterval = TimeSpan.FromMilliseconds(100), Timeout = TimeSpan.FromSeconds(30) };
            foreach (var m in mutations) wait.Add(m);
            wait.Complete();
            Assert.Equal(0, wait.TimedOut);
            Assert.All(mutations, m => Assert.True(index.IsApplied(m.ProviderMutationId!)));

            Assert.Equal(600, index.Count);
            var first = index.Get("r-0007")!;
            Assert.Null(first.Namespace); // the default namespace is written as no namespace
            Assert.Equal(new[] { 0.7f, 0.5f, -1.25f, 3f }, first.Values);
            using var md = JsonDocument.Parse(first.MetadataJson!);
            Assert.Equal(7, md.RootElement.GetProperty("n").GetInt32());
            Assert.False(md.RootElement.GetProperty("even").GetBoolean());
            Assert.Equal("row 7", md.RootElement.GetProperty("label").GetString());
            Assert.Equal("tenant-z", index.Get("r-0599")!.Namespace);
        }

        [Fact]
        public void A_record_Vectorize_cannot_store_is_refused_before_any_batch_and_the_others_are_written()
        {
            var index = Fixture.NewIndex();
            using var connection = Fixture.Connect(index.Name);
            var add = new AddRecordsCommand(Host, connection);
            add.Add(new VectorRecord("no-values"));
            add.Add(new VectorRecord("sparse") { Values = new[] { 1f, 1f, 1f, 1f }, SparseValues = new SparseVector(new uint[] { 1 }, new[] { 0.5f }) });
            add.Add(new VectorRecord("good") { Values = new[] { 1f, 1f, 1f, 1f } });
            add.Complete();
            // Checked against Vectorize's rules as they arrive: refused with an error naming them, never sent.
            Assert.Equal(new[] { "no-values", "sparse" }, Host.Errors.Select(e => (string)e.Target!).ToArray());
            Assert.All(Host.Errors, e => Assert.Equal(ErrorIds.InvalidRecord, e.ErrorId));
            Assert.Contains("no dense values", Host.Errors[0].Exception.Message);
            Assert.Contains("sparse values", Host.Errors[1].Exception.Message);
            var m = Assert.Single(Host.Mutations);
            Assert.Equal(new[] { "good" }, m.Ids);
            Assert.Equal(1, Fixture.MutatingCalls(index.Name));
        }

        [Fact]
        public void Upsert_under_WhatIf_sends_nothing()
        {
            var index = Fixture.NewIndex();
            using var connection = Fixture.Connect(index.Name);
            Host.Decision = ShouldProcessDecision.WhatIf;
            var add = new AddRecordsCommand(Host, connection);
            add.Add(new VectorRecord("x") { Values = new[] { 1f, 1f, 1f, 1f } });
            add.Complete();
            Assert.Equal(MutationStatus.WhatIf, Assert.Single(Host.Mutations).Status);
            // Only the read of the index's dimensions (GET /info), which the records are checked against.
            Assert.Equal(0, Fixture.MutatingCalls(index.Name));
            Assert.All(Fixture.Calls(index.Name), c => Assert.Equal("info", c.Operation));
        }

        [Fact]
        public void The_token_appears_in_no_output_error_trace_exception_or_mutation()
        {
            var index = Fixture.NewIndex();
            index.Seed("doc-", 250);
            var trace = new List<string>();
            using var connection = Fixture.Connect(index.Name, trace: trace);
            var texts = new List<string> { connection.ToString(), connection.Credential ?? "", connection.Endpoint };

            // Successes, retries, a long 429 and a permanent failure: every stream gets something.
            Emulator.Faults.OnPath($"/accounts/{Fixture.AccountId}/vectorize/v2/indexes/{index.Name}/delete_by_ids", Emulators.Infrastructure.Fault.TooManyRequests(TimeSpan.FromSeconds(1)), times: 1);
            var remove = new RemoveByIdsCommand(Host, connection);
            remove.Add(Ids("doc-", 0, 150));
            remove.Add(new[] { new string('x', 70) });
            remove.Complete();
            new RemoveByPrefixCommand(Host, connection, "doc-001", new RemoveOptions { Force = true }).Execute(null);
            var wait = new WaitMutationCommand(Host, connection) { PollInterval = TimeSpan.FromMilliseconds(100), Timeout = TimeSpan.FromSeconds(30) };
            foreach (var m in Host.Mutations.ToList()) wait.Add(m);
            wait.Complete();
            new GetNamespacesCommand(Host, connection).Execute();

            Emulator.Faults.OnPath($"/accounts/{Fixture.AccountId}/vectorize/v2/indexes/{index.Name}/info", Emulators.Infrastructure.Fault.TooManyRequests(TimeSpan.FromSeconds(600)));
            var blocked = Assert.Throws<VectorOpsException>(() => Sync(connection.ProviderInstance.GetStatsAsync(default)));
            texts.Add(blocked.ToString());
            Fixture.Reset();
            using (var wrong = Fixture.Connect(index.Name, s => s.Credential = Security.Secret.FromPlainText(VectorizeFixture.Token + "-revoked"), trace))
            {
                var denied = Assert.Throws<VectorOpsException>(() => Sync(wrong.ProviderInstance.GetStatsAsync(default)));
                texts.Add(denied.ToString());
                texts.Add(wrong.ToString() + wrong.Credential);
            }

            Assert.NotEmpty(trace);
            Assert.NotEmpty(Host.Errors);
            Assert.NotEmpty(Host.Verbose);
            texts.AddRange(Host.AllText());
            lock (trace) texts.AddRange(trace);
            texts.AddRange(Host.Mutations.Select(m => JsonSerializer.Serialize(m)));
            foreach (var text in texts)
                Assert.DoesNotContain(VectorizeFixture.Token, text, StringComparison.Ordinal);
            // The token did reach the service (the deletes were accepted): it was in the header, and only there.
            Assert.Contains(Host.Mutations, m => m.Status == MutationStatus.Completed);
        }
    }
}
