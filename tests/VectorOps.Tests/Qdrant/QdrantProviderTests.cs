using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using VectorOps.Commands;
using VectorOps.Errors;
using VectorOps.Filtering;
using VectorOps.Model;
using VectorOps.Providers;
using VectorOps.Security;
using Xunit;

namespace VectorOps.Tests.Qdrant
{
    /// <summary>Connecting, namespaces by payload key, wait / operation ids and Wait-VectorMutation, limits.</summary>
    public sealed class QdrantProviderTests : QdrantTestBase
    {
        public QdrantProviderTests(QdrantFixture fixture) : base(fixture) { }

        private static List<string> All(IAsyncEnumerable<IReadOnlyList<string>> pages)
        {
            var list = new List<string>();
            var e = pages.GetAsyncEnumerator();
            while (e.MoveNextAsync().AsTask().GetAwaiter().GetResult()) list.AddRange(e.Current);
            return list;
        }

        private static List<NamespaceInfo> Namespaces(IVectorProvider p)
        {
            var list = new List<NamespaceInfo>();
            var e = p.ListNamespacesAsync(CancellationToken.None).GetAsyncEnumerator();
            while (e.MoveNextAsync().AsTask().GetAwaiter().GetResult()) list.Add(e.Current);
            return list;
        }

        [Fact]
        public void A_missing_collection_is_IndexNotFound_with_the_closest_name()
        {
            var collection = Fixture.NewCollection();
            var ex = Assert.Throws<VectorOpsException>(() => Fixture.Connect(collection.Name + "x"));
            Assert.Equal(ErrorIds.IndexNotFound, ex.ErrorId);
            Assert.Contains("Did you mean '" + collection.Name + "'", ex.Message);
        }

        [Fact]
        public void Plain_http_to_a_remote_host_is_refused_before_any_request()
        {
            var s = Fixture.Settings("docs");
            s["Endpoint"] = new Uri("http://qdrant.example.com:6333/");
            var ex = Assert.Throws<VectorOpsException>(() => ConnectCommand.Connect(s, makeDefault: false));
            Assert.Equal(ErrorIds.InsecureEndpoint, ex.ErrorId);
            Assert.DoesNotContain(QdrantFixture.Key, ex.ToString());
        }

        [Fact]
        public void A_wrong_key_is_ProviderAuthenticationFailed_and_the_key_is_sent_as_api_key()
        {
            var collection = Fixture.NewCollection();
            var s = Fixture.Settings(collection.Name);
            s.Credential = Secret.FromPlainText("qdr_wrong");
            var ex = Assert.Throws<VectorOpsException>(() => ConnectCommand.Connect(s, makeDefault: false));
            Assert.Equal(ErrorIds.ProviderAuthenticationFailed, ex.ErrorId);
            Assert.Contains("QDRANT_API_KEY", ex.Message);
            using (Fixture.Connect(collection.Name)) { } // the right key in api-key passes the emulator's check
        }

        [Fact]
        public void A_namespace_is_the_payload_key_ids_of_another_namespace_are_never_deleted_and_facet_lists_them()
        {
            var collection = Fixture.NewCollection();
            QdrantFixture.Seed(collection, "a", new[] { "1", "2", "3" });
            QdrantFixture.Seed(collection, "b", new[] { "4", "5" });
            using var c = Fixture.Connect(collection.Name);
            var p = c.ProviderInstance;
            Assert.True(p.Capabilities.ListsNamespacesCheaply);
            var ns = Namespaces(p);
            Assert.Equal(new[] { "a:3", "b:2" }, ns.Select(n => n.Name + ":" + n.RecordCount));
            Assert.Single(Fixture.Calls(collection.Name, "facet"));

            // Ids of b named in a: nothing of b goes (the delete is has_id AND group_id = a).
            Sync(p.DeleteByIdsAsync("a", new[] { "1", "4" }, CancellationToken.None));
            Fixture.Settle();
            Assert.False(collection.Contains("1"));
            Assert.True(collection.Contains("4"));
            Assert.Equal(new[] { "2", "3" }, All(p.ListIdsAsync("a", null, CancellationToken.None)));
            Assert.Empty(Sync(p.FetchAsync("a", new[] { "5" }, CancellationToken.None)));

            // Records read back without the key; an upsert writes it.
            var fetched = Assert.Single(Sync(p.FetchAsync("b", new[] { "5" }, CancellationToken.None)));
            Assert.False(fetched.Metadata!.ContainsKey(QdrantFixture.NamespaceKey));
            Sync(p.UpsertAsync("c", new[] { new VectorRecord("6") { Values = new float[] { 1, 2, 3, 4 }, Metadata = new Dictionary<string, object?> { ["genre"] = "noir" } } }, CancellationToken.None));
            Assert.Equal("c", collection.Get("6")!.Payload.GetProperty(QdrantFixture.NamespaceKey).GetString());

            // Clearing a namespace deletes by filter: the other namespaces and the collection stay.
            Sync(p.ClearNamespaceAsync("b", false, CancellationToken.None));
            Fixture.Settle();
            Assert.Equal(new[] { "2", "3", "6" }, collection.Ids());
            var delete = Fixture.Calls(collection.Name, "delete").Last();
            Assert.Equal("filter", delete.Detail);
        }

        [Fact]
        public void Without_a_keyword_index_namespaces_are_listed_by_scrolling_and_said_to_be_costly()
        {
            var collection = Fixture.NewCollection(indexed: false);
            QdrantFixture.Seed(collection, "a", new[] { "1", "2" });
            QdrantFixture.Seed(collection, "b", new[] { "3" });
            var trace = new List<string>();
            using var c = Fixture.Connect(collection.Name, trace: trace);
            Assert.False(c.ProviderInstance.Capabilities.ListsNamespacesCheaply);
            Assert.Contains(trace, t => t.Contains("no keyword index on 'group_id'"));
            Assert.Equal(new[] { "a:2", "b:1" }, Namespaces(c.ProviderInstance).Select(n => n.Name + ":" + n.RecordCount));
            Assert.Empty(Fixture.Calls(collection.Name, "facet"));
        }

        [Fact]
        public void Without_a_namespace_key_the_collection_is_one_namespace_named_default()
        {
            var collection = Fixture.NewCollection();
            QdrantFixture.Seed(collection, null, new[] { "1", "2" });
            using var c = Fixture.Connect(collection.Name, namespaced: false);
            var p = c.ProviderInstance;
            Assert.Equal("default", p.DefaultNamespace);
            Assert.False(p.Capabilities.SupportsNamespaces);
            Assert.Equal(new[] { "default:2" }, Namespaces(p).Select(n => n.Name + ":" + n.RecordCount));
            var ex = Assert.Throws<VectorOpsException>(() => p.ValidateNamespace("other"));
            Assert.Equal(ErrorIds.NamespaceNotFound, ex.ErrorId);
            Assert.Contains("-NamespaceKey", ex.Message);
        }

        [Fact]
        public void A_delete_naming_default_in_a_collection_without_a_namespace_key_checks_it_without_counting_the_collection()
        {
            var collection = Fixture.NewCollection();
            QdrantFixture.Seed(collection, null, new[] { "1", "2", "3" });
            using var c = Fixture.Connect(collection.Name, namespaced: false);
            Assert.True(c.ProviderInstance.Capabilities.OneNamespace);
            var before = Fixture.Calls(collection.Name).Count;
            var host = new Support.RecordingHost();
            var remove = new RemoveByIdsCommand(host, c, new RemoveOptions());
            remove.Add(new[] { "1", "2" }, "default");
            remove.Complete();
            Assert.Empty(host.Errors.Select(e => e.ToString()));
            Assert.Single(host.Mutations);
            // Only the delete went: 'default' was known from the connection, not counted.
            Assert.Equal(new[] { "delete" }, Fixture.Calls(collection.Name).Skip(before).Select(e => e.Operation));

            var other = new Support.RecordingHost();
            var refused = new RemoveByIdsCommand(other, c, new RemoveOptions());
            refused.Add(new[] { "3" }, "other");
            refused.Complete();
            Assert.Equal(ErrorIds.NamespaceNotFound, Assert.Single(other.Errors).ErrorId);
            Assert.Single(Fixture.Calls(collection.Name).Skip(before));
        }

        [Fact]
        public void With_a_namespace_key_a_namespace_the_collection_lacks_is_refused_before_any_delete()
        {
            var collection = Fixture.NewCollection();
            QdrantFixture.Seed(collection, "a", new[] { "1", "2" });
            using var c = Fixture.Connect(collection.Name);
            Assert.False(c.ProviderInstance.Capabilities.OneNamespace);
            var host = new Support.RecordingHost();
            var remove = new RemoveByIdsCommand(host, c, new RemoveOptions());
            remove.Add(new[] { "1" }, "b");
            remove.Complete();
            Assert.Equal(ErrorIds.NamespaceNotFound, Assert.Single(host.Errors).ErrorId);
            Assert.Equal(0, Fixture.MutatingCalls(collection.Name));
        }

        [Fact]
        public void Deletes_go_with_wait_false_answer_the_operation_id_and_are_confirmed_by_reads()
        {
            var collection = Fixture.NewCollection();
            QdrantFixture.Seed(collection, "ns", Enumerable.Range(1, 12).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            using var c = Fixture.Connect(collection.Name);
            Emulator.ApplyPaused = true;
            var host = new Support.RecordingHost();
            var remove = new RemoveByIdsCommand(host, c, new RemoveOptions());
            remove.Add(new[] { "1", "2", "3" }, "ns");
            remove.Complete();
            var byIds = Assert.Single(host.Mutations);
            Assert.Equal(MutationStatus.Acknowledged, byIds.Status);
            Assert.Matches("^[0-9]+$", byIds.ProviderMutationId);
            Assert.All(Fixture.Calls(collection.Name, "delete"), e => Assert.Contains("wait=false", e.Query));

            var filterHost = new Support.RecordingHost();
            var byFilter = new RemoveByFilterCommand(filterHost, c, MetadataFilter.ParseJson("{\"genre\": \"drama\"}"), new RemoveOptions { Force = true });
            byFilter.Execute(new[] { "ns" });
            byFilter.Complete();
            var filterMutation = Assert.Single(filterHost.Mutations);
            Assert.Equal(MutationStatus.Acknowledged, filterMutation.Status);

            // Not applied yet: reads find the points, so nothing is confirmed.
            Assert.Empty(Sync(c.ProviderInstance.GetAppliedAsync(new[] { byIds, filterMutation }, CancellationToken.None)));
            var waitHost = new Support.RecordingHost();
            var wait = new WaitMutationCommand(waitHost, c) { Timeout = TimeSpan.FromMilliseconds(300), PollInterval = TimeSpan.FromMilliseconds(50) };
            wait.Add(byIds);
            wait.Complete();
            Assert.Equal(1, wait.TimedOut);
            Assert.Contains(waitHost.Errors, e => e.ErrorId == ErrorIds.MutationWaitTimeout);

            Emulator.ApplyPaused = false;
            Fixture.Settle();
            var applied = Sync(c.ProviderInstance.GetAppliedAsync(new[] { byIds, filterMutation }, CancellationToken.None));
            Assert.Equal(2, applied.Count);
            Assert.False(collection.Contains("1"));
            Assert.False(collection.Contains("4")); // n = 3: drama
        }

        [Fact]
        public void WaitForApply_sends_wait_true_and_the_mutation_is_completed()
        {
            var collection = Fixture.NewCollection();
            QdrantFixture.Seed(collection, "ns", new[] { "1", "2" });
            Emulator.ApplyDelay = TimeSpan.FromMilliseconds(200);
            using var c = Fixture.Connect(collection.Name, wait: true);
            Assert.False(c.ProviderInstance.Capabilities.AsyncMutations);
            var host = new Support.RecordingHost();
            var remove = new RemoveByIdsCommand(host, c, new RemoveOptions());
            remove.Add(new[] { "1" }, "ns");
            remove.Complete();
            var m = Assert.Single(host.Mutations);
            Assert.Equal(MutationStatus.Completed, m.Status);
            Assert.False(collection.Contains("1")); // applied when answered, before any settling
            Assert.Contains("wait=true", Assert.Single(Fixture.Calls(collection.Name, "delete")).Query);
        }

        [Fact]
        public void A_request_over_the_servers_size_limit_fails_as_a_bad_request_and_deletes_nothing()
        {
            var collection = Fixture.NewCollection();
            var ids = Enumerable.Range(1, 1000).Select(i => Guid.NewGuid().ToString("D")).ToList();
            QdrantFixture.Seed(collection, "ns", ids);
            Emulator.MaxRequestBytes = 8 * 1024; // a small max_request_size_mb: 1,000 UUIDs are about 40 KB
            using var c = Fixture.Connect(collection.Name);
            var ex = Assert.Throws<VectorOpsException>(() => Sync(c.ProviderInstance.DeleteByIdsAsync("ns", ids, CancellationToken.None)));
            Assert.Equal(413, ex.StatusCode);
            Assert.Contains("max_request_size_mb", ex.Message);
            Assert.Equal(1000, collection.Count);
        }

        [Fact]
        public void Upserts_are_checked_against_the_collection_and_written_with_wait_true()
        {
            var collection = Fixture.NewCollection();
            Emulator.ApplyDelay = TimeSpan.FromMilliseconds(100);
            using var c = Fixture.Connect(collection.Name);
            var bad = Assert.Throws<VectorOpsException>(() => Sync(c.ProviderInstance.UpsertAsync("ns", new[] { new VectorRecord("7") { Values = new float[] { 1, 2 } } }, CancellationToken.None)));
            Assert.Equal(ErrorIds.InvalidRecord, bad.ErrorId);
            var badId = Assert.Throws<VectorOpsException>(() => Sync(c.ProviderInstance.UpsertAsync("ns", new[] { new VectorRecord("doc-1") { Values = new float[] { 1, 2, 3, 4 } } }, CancellationToken.None)));
            Assert.Equal(ErrorIds.InvalidId, badId.ErrorId);
            Assert.Empty(Fixture.Calls(collection.Name, "upsert"));
            var r = Sync(c.ProviderInstance.UpsertAsync("ns", new[] { new VectorRecord("7") { Values = new float[] { 1, 2, 3, 4 } } }, CancellationToken.None));
            Assert.True(r.Applied);
            Assert.True(collection.Contains("7"));
            Assert.Contains("wait=true", Assert.Single(Fixture.Calls(collection.Name, "upsert")).Query);
        }
    }
}
