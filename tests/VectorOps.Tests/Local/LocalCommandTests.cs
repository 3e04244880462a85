using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using VectorOps.Commands;
using VectorOps.Connections;
using VectorOps.Errors;
using VectorOps.Filtering;
using VectorOps.Hosting;
using VectorOps.Model;
using VectorOps.Serialization;
using VectorOps.Tests.Support;
using Xunit;

namespace VectorOps.Tests.Local
{
    /// <summary>The command layer driving the local store, as Remove-VectorRecord and friends do.</summary>
    public class LocalCommandTests : IDisposable
    {
        private readonly TestStore _store = new TestStore("commands");
        private readonly VectorConnection _connection;

        public LocalCommandTests()
        {
            _connection = new VectorConnection(_store.Provider, null, null);
        }

        public void Dispose() => _store.Dispose();

        private Providers.Local.LocalProvider P => _store.Provider;

        private void LoadSamples()
        {
            var host = new RecordingHost();
            var add = new AddRecordsCommand(host, _connection);
            add.AddFromFile(SampleData.FilePath);
            add.Complete();
            Assert.Empty(host.Errors);
            Assert.Empty(host.ThreadViolations);
        }

        private static void AssertClean(RecordingHost host)
        {
            Assert.True(host.Errors.Count == 0, string.Join("\n", host.Errors.Select(e => e.ErrorId + ": " + e.Exception)));
            Assert.Empty(host.ThreadViolations);
        }

        // The commands are synchronous and must stay on the test's thread; the provider's tasks complete at once.
        private List<string> Ids(string ns) => P.AllIdsAsync(ns).GetAwaiter().GetResult();
        private List<NamespaceInfo> Namespaces() => P.NamespacesAsync().GetAwaiter().GetResult();
        private IndexStats Stats() => P.GetStatsAsync(CancellationToken.None).GetAwaiter().GetResult();
        private IReadOnlyList<VectorRecord> Fetch(string ns, IReadOnlyList<string> ids) => P.FetchAsync(ns, ids, CancellationToken.None).GetAwaiter().GetResult();
        private void Upsert(string ns, IReadOnlyList<VectorRecord> records) => P.UpsertAsync(ns, records, CancellationToken.None).GetAwaiter().GetResult();

        private static List<string> SampleIds(string ns, Func<VectorRecord, bool> where) =>
            SampleData.In(ns).Where(where).Select(r => r.Id).OrderBy(i => i, Utf8Order.Instance).ToList();

        [Fact]
        public void Adding_the_sample_file_writes_every_record_in_batches_per_namespace()
        {
            var host = new RecordingHost();
            var add = new AddRecordsCommand(host, _connection);
            add.AddFromFile(SampleData.FilePath);
            add.Complete();
            AssertClean(host);

            var ms = host.Mutations.ToList();
            Assert.All(ms, m => Assert.Equal((MutationOperation.Upsert, MutationStatus.Completed), (m.Operation, m.Status)));
            Assert.Equal(3000, ms.Sum(m => m.RequestedCount));
            Assert.Equal(3000, ms.Sum(m => m.AffectedCount ?? 0));
            Assert.Equal(new[] { ("articles", 1200L), ("products", 800L), ("support", 1000L) },
                Namespaces().Select(n => (n.Name, n.RecordCount ?? -1)));
            Assert.Equal(8, Stats().Dimension);
        }

        [Fact]
        public void Remove_by_ids_sends_batches_and_reports_what_each_deleted()
        {
            LoadSamples();
            var host = new RecordingHost();
            var cmd = new RemoveByIdsCommand(host, _connection, new RemoveOptions { BatchSize = 500, ThrottleLimit = 3 });
            var articleIds = SampleIds("articles", _ => true);
            // Pipeline-style: one input per call, plus 300 ids that do not exist.
            foreach (var chunk in articleIds.Concat(Enumerable.Range(1, 300).Select(i => "ghost-" + i)).Chunk(37))
                cmd.Add(chunk, "articles");
            cmd.Complete();
            AssertClean(host);

            var ms = host.Mutations.ToList();
            Assert.Equal(3, ms.Count);
            Assert.Equal(3, host.ShouldProcessCalls.Count);
            Assert.All(ms, m => Assert.Equal((MutationOperation.DeleteByIds, MutationStatus.Completed, 500L), (m.Operation, m.Status, m.RequestedCount)));
            Assert.Equal(1200, ms.Sum(m => m.AffectedCount ?? 0));
            Assert.Equal(new long?[] { 500, 500, 200 }, ms.OrderBy(m => m.Ids![0], Utf8Order.Instance).Select(m => m.AffectedCount));
            Assert.Empty(Ids("articles"));
            Assert.Equal(1000, Ids("support").Count);
            Assert.Equal(800, Ids("products").Count);
        }

        [Fact]
        public void Remove_by_ids_in_parallel_small_batches_deletes_everything_once()
        {
            LoadSamples();
            var host = new RecordingHost();
            var cmd = new RemoveByIdsCommand(host, _connection, new RemoveOptions { BatchSize = 25, ThrottleLimit = 4 });
            cmd.Add(SampleIds("support", _ => true), "support");
            cmd.Complete();
            AssertClean(host);
            Assert.Equal(40, host.Mutations.Count());
            Assert.All(host.Mutations, m => Assert.Equal(MutationStatus.Completed, m.Status));
            Assert.Equal(1000, host.Mutations.Sum(m => m.AffectedCount ?? 0));
            Assert.Empty(Ids("support"));
        }

        [Fact]
        public void An_input_with_a_bad_id_deletes_nothing_of_that_input()
        {
            LoadSamples();
            var host = new RecordingHost();
            var cmd = new RemoveByIdsCommand(host, _connection);
            cmd.Add(new[] { "doc-00001", "doc-00002", "bad\nid" }, "articles");
            cmd.Add(new[] { "doc-00003" }, "articles");
            cmd.Complete();
            var error = Assert.Single(host.Errors);
            Assert.Equal(ErrorIds.InvalidId, error.ErrorId);
            Assert.Equal("bad\nid", error.Target);
            Assert.Equal(new[] { "doc-00003" }, host.Mutations.Single().Ids);
            Assert.Contains("doc-00001", Ids("articles"));
            Assert.DoesNotContain("doc-00003", Ids("articles"));
        }

        [Fact]
        public void Remove_by_filter_asks_with_the_count_and_deletes_exactly_the_matches()
        {
            LoadSamples();
            var filter = MetadataFilter.Parse("{\"tenant\": \"acme\", \"status\": {\"$ne\": \"closed\"}}");
            var doomed = SampleIds("support", r => filter.Matches(r.Metadata));
            Assert.Equal(142, doomed.Count);

            var host = new RecordingHost();
            var cmd = new RemoveByFilterCommand(host, _connection, filter);
            cmd.Execute(new[] { "support" });
            AssertClean(host);

            var (query, _) = Assert.Single(host.ShouldContinueCalls);
            Assert.Contains("142 record(s)", query);
            Assert.Contains("142 record(s)", Assert.Single(host.ShouldProcessCalls).Target);
            var m = Assert.Single(host.Mutations);
            Assert.Equal(MutationOperation.DeleteByFilter, m.Operation);
            Assert.Equal(MutationStatus.Completed, m.Status);
            Assert.Equal(142, m.RequestedCount);
            Assert.Equal(142, m.AffectedCount);
            Assert.Equal(filter.Json, m.Filter);
            Assert.Equal(SampleIds("support", _ => true).Except(doomed), Ids("support"));
        }

        [Fact]
        public void Remove_by_filter_in_several_namespaces_with_force_asks_nothing_extra()
        {
            LoadSamples();
            var filter = MetadataFilter.Parse("{\"tenant\": \"hooli\"}");
            var host = new RecordingHost();
            new RemoveByFilterCommand(host, _connection, filter, new RemoveOptions { Force = true }).Execute(new[] { "articles", "support", "products" });
            AssertClean(host);
            Assert.Empty(host.ShouldContinueCalls);
            Assert.Equal(new[] { ("articles", 99L), ("support", 84L) }, host.Mutations.Select(m => (m.Namespace!, m.AffectedCount ?? -1)));
            foreach (var ns in SampleData.Namespaces)
                Assert.Equal(SampleIds(ns, r => !filter.Matches(r.Metadata)), Ids(ns));
        }

        [Fact]
        public void Declining_a_filter_delete_deletes_nothing()
        {
            LoadSamples();
            var host = new RecordingHost { ContinueAnswer = false };
            new RemoveByFilterCommand(host, _connection, MetadataFilter.Parse("{\"tags\": \"sale\"}")).Execute(new[] { "products" });
            var m = Assert.Single(host.Mutations);
            Assert.Equal(MutationStatus.Skipped, m.Status);
            Assert.Equal(ErrorIds.DeclinedByUser, m.ErrorId);
            Assert.Equal(189, m.RequestedCount);
            Assert.Equal(800, Ids("products").Count);
        }

        [Fact]
        public void Remove_by_prefix_deletes_exactly_the_prefixed_ids_in_batches()
        {
            LoadSamples();
            var host = new RecordingHost();
            new RemoveByPrefixCommand(host, _connection, "tenant-acme#", new RemoveOptions { BatchSize = 100, ThrottleLimit = 2 }).Execute(new[] { "support" });
            AssertClean(host);
            var ms = host.Mutations.ToList();
            // Two batches run at once, so they may finish (and be reported) in any order.
            Assert.Equal(new long[] { 60, 100, 100, 100 }, ms.Select(m => m.RequestedCount).OrderBy(n => n));
            Assert.All(ms, m => Assert.Equal((MutationOperation.DeleteByPrefix, MutationStatus.Completed, "tenant-acme#"), (m.Operation, m.Status, m.Prefix!)));
            Assert.Equal(360, ms.Sum(m => m.AffectedCount ?? 0));
            Assert.Equal(SampleIds("support", r => !r.Id.StartsWith("tenant-acme#", StringComparison.Ordinal)), Ids("support"));
            Assert.Contains("360 record(s)", host.ShouldContinueCalls.Single().Query);
        }

        [Fact]
        public void A_prefix_with_like_wildcards_matches_literally()
        {
            LoadSamples();
            // Ids that a LIKE 'clearance_50%' pattern would also match.
            Upsert("products", new[] { "clearanceX50-0001", "clearance_50X-0001", "clearance_50" }.Select(id => new VectorRecord(id) { Values = new float[8] }).ToList());
            var host = new RecordingHost();
            new RemoveByPrefixCommand(host, _connection, "clearance_50%", new RemoveOptions { Force = true }).Execute(new[] { "products" });
            AssertClean(host);
            var m = Assert.Single(host.Mutations);
            Assert.Equal(20, m.AffectedCount);
            Assert.All(m.Ids!, id => Assert.StartsWith("clearance_50%-", id));
            var left = Ids("products");
            Assert.Equal(783, left.Count);
            Assert.Contains("clearanceX50-0001", left);
            Assert.Contains("clearance_50X-0001", left);
            Assert.Contains("clearance_50", left);
        }

        [Fact]
        public void An_empty_prefix_is_refused()
        {
            var ex = Assert.Throws<VectorOpsException>(() => new RemoveByPrefixCommand(new RecordingHost(), _connection, ""));
            Assert.Equal(ErrorIds.InvalidPrefix, ex.ErrorId);
        }

        [Fact]
        public void WhatIf_previews_every_kind_of_delete_and_deletes_nothing()
        {
            LoadSamples();
            var before = SampleData.Namespaces.ToDictionary(ns => ns, Ids);

            var host = new RecordingHost { Decision = ShouldProcessDecision.WhatIf };
            var byIds = new RemoveByIdsCommand(host, _connection);
            byIds.Add(SampleIds("articles", _ => true).Take(1500), "articles");
            byIds.Complete();
            new RemoveByFilterCommand(host, _connection, MetadataFilter.Parse("{\"tenant\": \"acme\"}")).Execute(new[] { "articles" });
            new RemoveByPrefixCommand(host, _connection, "tenant-acme#").Execute(new[] { "support" });
            var clear = new ClearNamespaceCommand(host, _connection, removeNamespace: true);
            clear.Clear("products");
            clear.Complete();
            AssertClean(host);

            Assert.Empty(host.ShouldContinueCalls);
            Assert.All(host.Mutations, m => Assert.Equal(MutationStatus.WhatIf, m.Status));
            var byOp = host.Mutations.GroupBy(m => m.Operation).ToDictionary(g => g.Key, g => g.ToList());
            Assert.Equal(1200, byOp[MutationOperation.DeleteByIds].Sum(m => m.RequestedCount));
            Assert.Equal(417, byOp[MutationOperation.DeleteByFilter].Sum(m => m.Ids!.Count));
            Assert.Equal(SampleIds("articles", r => (string)r.Metadata!["tenant"]! == "acme"),
                byOp[MutationOperation.DeleteByFilter].SelectMany(m => m.Ids!));
            Assert.Equal(360, byOp[MutationOperation.DeleteByPrefix].Sum(m => m.Ids!.Count));
            Assert.Equal(800, byOp[MutationOperation.ClearNamespace].Single().RequestedCount);
            foreach (var ns in SampleData.Namespaces) Assert.Equal(before[ns], Ids(ns));
        }

        [Fact]
        public void Clear_namespace_empties_it_and_can_remove_it()
        {
            LoadSamples();
            var host = new RecordingHost();
            var clear = new ClearNamespaceCommand(host, _connection);
            clear.Clear("support");
            clear.Complete();
            AssertClean(host);
            var m = Assert.Single(host.Mutations);
            Assert.Equal((MutationOperation.ClearNamespace, MutationStatus.Completed, 1000L, (long?)1000), (m.Operation, m.Status, m.RequestedCount, m.AffectedCount));
            Assert.Contains(Namespaces(), n => n.Name == "support" && n.RecordCount == 0);

            host = new RecordingHost();
            clear = new ClearNamespaceCommand(host, _connection, removeNamespace: true);
            clear.Clear("products");
            clear.Complete();
            AssertClean(host);
            Assert.Equal(800, host.Mutations.Single().AffectedCount);
            Assert.Equal(new[] { "articles", "support" }, Namespaces().Select(n => n.Name));
        }

        [Fact]
        public void Declining_a_clear_deletes_nothing()
        {
            LoadSamples();
            var host = new RecordingHost { Decision = ShouldProcessDecision.Declined };
            var clear = new ClearNamespaceCommand(host, _connection, removeNamespace: true);
            clear.Clear("support");
            clear.Complete();
            Assert.Equal(MutationStatus.Skipped, host.Mutations.Single().Status);
            Assert.Equal(1000, Ids("support").Count);
        }

        [Fact]
        public void A_filter_delete_with_a_backup_can_be_restored_exactly()
        {
            LoadSamples();
            var backup = Path.Combine(_store.Folder, "backup.jsonl");
            var filter = MetadataFilter.Parse("{\"$or\": [{\"category\": \"news\"}, {\"views\": {\"$gt\": 500}}]}");
            var host = new RecordingHost();
            new RemoveByFilterCommand(host, _connection, filter, new RemoveOptions { Force = true, BackupPath = backup }).Execute(new[] { "articles" });
            AssertClean(host);
            Assert.Equal(278, host.Mutations.Sum(m => m.AffectedCount ?? 0));
            Assert.Equal(922, Ids("articles").Count);

            var saved = RecordJson.ReadFile(backup).ToList();
            Assert.Equal(SampleIds("articles", r => filter.Matches(r.Metadata)), saved.Select(r => r.Id).OrderBy(i => i, Utf8Order.Instance));

            var restore = new RecordingHost();
            var add = new AddRecordsCommand(restore, _connection);
            add.AddFromFile(backup);
            add.Complete();
            AssertClean(restore);

            var original = SampleData.In("articles").ToDictionary(r => r.Id);
            var all = Ids("articles");
            Assert.Equal(1200, all.Count);
            foreach (var chunk in all.Chunk(1000))
                foreach (var r in Fetch("articles", chunk))
                    Assert.Equal(RecordJson.ToLine(original[r.Id]), RecordJson.ToLine(r));
        }

        [Fact]
        public void Reading_commands_see_the_store()
        {
            LoadSamples();
            var host = new RecordingHost();
            new GetNamespacesCommand(host, _connection).Execute();
            Assert.Equal(new[] { "articles", "products", "support" }, host.Output.Cast<NamespaceInfo>().Select(n => n.Name));

            host = new RecordingHost();
            var get = new GetRecordsCommand(host, _connection);
            get.ByFilter(MetadataFilter.Parse("{\"discontinued\": true}"), "products");
            Assert.Equal(78, host.Output.OfType<VectorRecord>().Count());
            Assert.All(host.Output.OfType<VectorRecord>(), r => Assert.Equal(true, r.Metadata!["discontinued"]));

            host = new RecordingHost();
            get = new GetRecordsCommand(host, _connection) { IdsOnly = true };
            get.ByPrefix("sku-lamps-", "products");
            Assert.Equal(154, host.Output.Count);

            host = new RecordingHost();
            get = new GetRecordsCommand(host, _connection);
            get.AddIds(new[] { "doc-00001", "doc-99999" }, "articles");
            get.Complete();
            Assert.Equal("doc-00001", Assert.IsType<VectorRecord>(Assert.Single(host.Output)).Id);
            Assert.Equal("RecordNotFound", Assert.Single(host.Errors).ErrorId);
            Assert.Empty(host.ThreadViolations);
        }
    }
}
