using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using VectorOps.Commands;
using VectorOps.Emulators.Vectorize;
using VectorOps.Errors;
using VectorOps.Filtering;
using VectorOps.Hosting;
using VectorOps.Model;
using Xunit;

namespace VectorOps.Tests.Vectorize
{
    /// <summary>
    /// The deletes Vectorize lacks (by id prefix, by metadata filter, a whole namespace), built from list,
    /// get_by_ids and delete_by_ids: each deletes exactly the right ids, and -WhatIf previews exactly those ids
    /// with no mutating call.
    /// </summary>
    public sealed class VectorizeScopedDeleteTests : VectorizeTestBase
    {
        public VectorizeScopedDeleteTests(VectorizeFixture fixture) : base(fixture) { }

        private sealed class Seeded
        {
            public Seeded(VectorizeIndexState index, List<(string Id, string? Ns, string Kind, int Year)> all)
            {
                Index = index;
                All = all;
            }

            public VectorizeIndexState Index { get; }
            public List<(string Id, string? Ns, string Kind, int Year)> All { get; }
            public string Name => Index.Name;
        }

        /// <summary>
        /// 2,600 vectors over three list pages (page size 1000): ids doc-*, docs-* and img-*, in no namespace (the
        /// default), 'tenant-a' and 'tenant-b', with metadata kind (draft/final/review) and year.
        /// </summary>
        private Seeded Seed()
        {
            var index = Fixture.NewIndex();
            var all = new List<(string Id, string? Ns, string Kind, int Year)>();
            var kinds = new[] { "draft", "final", "review" };
            var prefixes = new[] { "doc-", "docs-", "img-" };
            var namespaces = new string?[] { null, "tenant-a", "tenant-b", null };
            var vectors = new List<StoredVector>();
            for (var i = 0; i < 2600; i++)
            {
                var id = prefixes[i % 3] + i.ToString("D5", CultureInfo.InvariantCulture);
                var ns = namespaces[(i / 3) % 4];
                var kind = kinds[(i / 7) % 3];
                var year = 2000 + i % 25;
                all.Add((id, ns, kind, year));
                vectors.Add(new StoredVector(id, new[] { 0.1f, 0.2f, 0.3f, i / 1000f }, $"{{\"kind\":\"{kind}\",\"year\":{year}}}", ns));
            }
            index.Seed(vectors);
            return new Seeded(index, all);
        }

        [Fact]
        public void Prefix_delete_removes_exactly_the_prefixed_ids_of_the_namespace_page_after_page()
        {
            var s = Seed();
            using var connection = Fixture.Connect(s.Name);
            var expected = s.All.Where(r => r.Id.StartsWith("doc-", StringComparison.Ordinal) && r.Ns is null).Select(r => r.Id).OrderBy(x => x).ToList();
            Assert.True(expected.Count > 300);

            var cmd = new RemoveByPrefixCommand(Host, connection, "doc-", new RemoveOptions { Force = true });
            cmd.Execute(null); // the connection's namespace: __default__, the vectors stored without one
            Assert.Equal(0, cmd.FailedBatches);

            var mutations = Host.Mutations.ToList();
            Assert.All(mutations, m => Assert.Equal(MutationStatus.Acknowledged, m.Status));
            Assert.All(mutations, m => Assert.Equal("doc-", m.Prefix));
            Assert.All(mutations, m => Assert.False(string.IsNullOrEmpty(m.ProviderMutationId)));
            Assert.Equal(expected, mutations.SelectMany(m => m.Ids!).OrderBy(x => x));
            var deletes = Fixture.Calls(s.Name, "delete_by_ids");
            Assert.Equal(mutations.Count, deletes.Count);
            Assert.All(deletes, c => Assert.InRange(c.IdCount ?? 0, 1, 100));
            Assert.Equal(3, Fixture.Calls(s.Name, "list").Count); // 2,600 ids: pages of 1000, 1000, 600

            WaitAll(connection, mutations);
            Assert.Equal(expected, Emulator.Journal.DeletedIds(s.Name).OrderBy(x => x));
            Assert.True(s.Index.Contains(s.All.First(r => r.Id.StartsWith("docs-", StringComparison.Ordinal) && r.Ns is null).Id)); // 'docs-' is not 'doc-'
        }

        [Fact]
        public void Prefix_delete_in_a_named_namespace_leaves_other_namespaces_alone()
        {
            var s = Seed();
            using var connection = Fixture.Connect(s.Name);
            var expected = s.All.Where(r => r.Id.StartsWith("img-", StringComparison.Ordinal) && r.Ns == "tenant-b").Select(r => r.Id).OrderBy(x => x).ToList();
            var cmd = new RemoveByPrefixCommand(Host, connection, "img-", new RemoveOptions { Force = true });
            cmd.Execute(new[] { "tenant-b" });
            WaitAll(connection, Host.Mutations.ToList());
            Assert.Equal(expected, Emulator.Journal.DeletedIds(s.Name).OrderBy(x => x));
        }

        [Fact]
        public void Prefix_delete_under_WhatIf_previews_exactly_and_sends_no_mutating_call()
        {
            var s = Seed();
            using var connection = Fixture.Connect(s.Name);
            var expected = s.All.Where(r => r.Id.StartsWith("docs-", StringComparison.Ordinal) && r.Ns == "tenant-a").Select(r => r.Id).OrderBy(x => x).ToList();
            Host.Decision = ShouldProcessDecision.WhatIf;

            var cmd = new RemoveByPrefixCommand(Host, connection, "docs-");
            cmd.Execute(new[] { "tenant-a" });

            var previews = Host.Mutations.ToList();
            Assert.NotEmpty(previews);
            Assert.All(previews, m => Assert.Equal(MutationStatus.WhatIf, m.Status));
            Assert.All(previews, m => Assert.InRange(m.Ids!.Count, 1, 100));
            Assert.Equal(expected, previews.SelectMany(m => m.Ids!).OrderBy(x => x));
            Assert.Equal(expected.Count, previews.Sum(m => m.RequestedCount));
            var (target, _) = Assert.Single(Host.ShouldProcessCalls);
            Assert.Contains(expected.Count.ToString("N0", CultureInfo.InvariantCulture) + " record(s)", target, StringComparison.Ordinal);
            Assert.Equal(0, Fixture.MutatingCalls(s.Name));
            Assert.Empty(s.Index.Mutations);
            Assert.Equal(2600, s.Index.Count);
        }

        [Fact]
        public void Filter_delete_removes_exactly_the_matching_records_of_the_namespace()
        {
            var s = Seed();
            using var connection = Fixture.Connect(s.Name);
            var filter = MetadataFilter.ParseJson("{\"kind\": \"draft\", \"year\": {\"$gte\": 2010, \"$lt\": 2020}}");
            // Computed here independently of MetadataFilter, from the seeded values.
            var expected = s.All.Where(r => r.Ns == "tenant-a" && r.Kind == "draft" && r.Year >= 2010 && r.Year < 2020).Select(r => r.Id).OrderBy(x => x).ToList();
            Assert.True(expected.Count > 50);

            var cmd = new RemoveByFilterCommand(Host, connection, filter, new RemoveOptions { Force = true });
            cmd.Execute(new[] { "tenant-a" });

            var mutations = Host.Mutations.ToList();
            Assert.All(mutations, m => Assert.Equal(MutationStatus.Acknowledged, m.Status));
            Assert.All(mutations, m => Assert.Equal(filter.Json, m.Filter));
            Assert.Equal(expected, mutations.SelectMany(m => m.Ids!).OrderBy(x => x));
            Assert.Contains(Host.Verbose, v => v.Contains("cannot delete by filter itself", StringComparison.Ordinal));
            // Every record was read once to evaluate the filter: 26 get_by_ids calls of at most 100.
            var gets = Fixture.Calls(s.Name, "get_by_ids");
            Assert.Equal(26, gets.Count);
            Assert.All(gets, c => Assert.InRange(c.IdCount ?? 0, 1, 100));
            WaitAll(connection, mutations);
            Assert.Equal(expected, Emulator.Journal.DeletedIds(s.Name).OrderBy(x => x));
        }

        [Fact]
        public void Filter_delete_asks_to_continue_with_the_count_and_declining_deletes_nothing()
        {
            var s = Seed();
            using var connection = Fixture.Connect(s.Name);
            var filter = MetadataFilter.ParseJson("{\"kind\": {\"$in\": [\"review\"]}}");
            var count = s.All.Count(r => r.Ns is null && r.Kind == "review");
            Host.ContinueAnswer = false;

            var cmd = new RemoveByFilterCommand(Host, connection, filter);
            cmd.Execute(null);

            var (query, _) = Assert.Single(Host.ShouldContinueCalls);
            Assert.Contains(count.ToString("N0", CultureInfo.InvariantCulture) + " record(s)", query, StringComparison.Ordinal);
            var skipped = Assert.Single(Host.Mutations);
            Assert.Equal(MutationStatus.Skipped, skipped.Status);
            Assert.Equal(0, Fixture.MutatingCalls(s.Name));
        }

        [Fact]
        public void Filter_delete_under_WhatIf_previews_exactly_and_sends_no_mutating_call()
        {
            var s = Seed();
            using var connection = Fixture.Connect(s.Name);
            var filter = MetadataFilter.ParseJson("{\"$or\": [{\"year\": 2003}, {\"kind\": \"final\", \"year\": {\"$gt\": 2021}}]}");
            var expected = s.All.Where(r => r.Ns is null && (r.Year == 2003 || (r.Kind == "final" && r.Year > 2021))).Select(r => r.Id).OrderBy(x => x).ToList();
            Host.Decision = ShouldProcessDecision.WhatIf;

            new RemoveByFilterCommand(Host, connection, filter).Execute(null);

            var previews = Host.Mutations.ToList();
            Assert.All(previews, m => Assert.Equal(MutationStatus.WhatIf, m.Status));
            Assert.Equal(expected, previews.SelectMany(m => m.Ids!).OrderBy(x => x));
            Assert.Equal(0, Fixture.MutatingCalls(s.Name));
            Assert.Empty(s.Index.Mutations);
        }

        [Fact]
        public void Clearing_a_namespace_deletes_exactly_its_records_one_mutation_per_delete_call()
        {
            var s = Seed();
            using var connection = Fixture.Connect(s.Name);
            var expected = s.All.Where(r => r.Ns == "tenant-a").Select(r => r.Id).OrderBy(x => x).ToList();

            var cmd = new ClearNamespaceCommand(Host, connection);
            cmd.Clear("tenant-a");
            cmd.Complete();

            var (target, action) = Assert.Single(Host.ShouldProcessCalls);
            Assert.Contains("tenant-a", target, StringComparison.Ordinal);
            Assert.Contains(expected.Count.ToString("N0", CultureInfo.InvariantCulture), action, StringComparison.Ordinal);
            var mutations = Host.Mutations.ToList();
            var deletes = Fixture.Calls(s.Name, "delete_by_ids");
            Assert.Equal((expected.Count + 99) / 100, mutations.Count);
            Assert.Equal(mutations.Count, deletes.Count);
            Assert.All(mutations, m => Assert.Equal(MutationOperation.ClearNamespace, m.Operation));
            Assert.All(mutations, m => Assert.Equal(MutationStatus.Acknowledged, m.Status));
            Assert.Equal(mutations.Count, mutations.Select(m => m.ProviderMutationId).Distinct().Count());
            Assert.Equal(expected, mutations.SelectMany(m => m.Ids!).OrderBy(x => x));

            WaitAll(connection, mutations);
            Assert.Equal(expected, Emulator.Journal.DeletedIds(s.Name).OrderBy(x => x));
            Assert.Equal(2600 - expected.Count, s.Index.Count);
        }

        [Fact]
        public void Clearing_the_default_namespace_deletes_the_records_stored_without_one()
        {
            var s = Seed();
            using var connection = Fixture.Connect(s.Name);
            var expected = s.All.Where(r => r.Ns is null).Select(r => r.Id).OrderBy(x => x).ToList();
            var cmd = new ClearNamespaceCommand(Host, connection);
            cmd.Clear("__default__");
            cmd.Complete();
            WaitAll(connection, Host.Mutations.ToList());
            Assert.Equal(expected, Emulator.Journal.DeletedIds(s.Name).OrderBy(x => x));
            Assert.All(s.Index.Vectors, v => Assert.NotNull(v.Namespace));
        }

        [Fact]
        public void Clearing_a_namespace_under_WhatIf_previews_exactly_and_sends_no_mutating_call()
        {
            var s = Seed();
            using var connection = Fixture.Connect(s.Name);
            var expected = s.All.Where(r => r.Ns == "tenant-b").Select(r => r.Id).OrderBy(x => x).ToList();
            Host.Decision = ShouldProcessDecision.WhatIf;

            var cmd = new ClearNamespaceCommand(Host, connection);
            cmd.Clear("tenant-b");
            cmd.Complete();

            var previews = Host.Mutations.ToList();
            Assert.Equal((expected.Count + 99) / 100, previews.Count);
            Assert.All(previews, m => Assert.Equal(MutationStatus.WhatIf, m.Status));
            Assert.Equal(expected, previews.SelectMany(m => m.Ids!).OrderBy(x => x));
            Assert.Equal(0, Fixture.MutatingCalls(s.Name));
            Assert.Empty(s.Index.Mutations);
        }

        [Fact]
        public void The_providers_own_namespace_clear_deletes_the_namespace_in_100s_and_answers_the_last_mutation()
        {
            // Not used by the command layer (NativeNamespaceClear is false), but part of the provider interface.
            var s = Seed();
            using var connection = Fixture.Connect(s.Name);
            var expected = s.All.Where(r => r.Ns == "tenant-b").Select(r => r.Id).OrderBy(x => x).ToList();
            var result = Sync(connection.ProviderInstance.ClearNamespaceAsync("tenant-b", false, default));

            var deletes = Fixture.Calls(s.Name, "delete_by_ids");
            Assert.Equal((expected.Count + 99) / 100, deletes.Count);
            Assert.Equal(expected.Count, result.AffectedCount);
            Assert.False(result.Applied);
            Assert.Equal(s.Index.Mutations.Last().Id, result.ProviderMutationId);
            Assert.Throws<VectorOpsException>(() => Sync(connection.ProviderInstance.ClearNamespaceAsync("tenant-b", true, default)));
            Assert.Throws<VectorOpsException>(() => Sync(connection.ProviderInstance.DeleteByFilterAsync("tenant-b", MetadataFilter.ParseJson("{\"a\":1}"), default)));

            var m = new VectorMutation
            {
                Provider = connection.Provider, Index = connection.Index, Namespace = "tenant-b", Operation = MutationOperation.ClearNamespace,
                ProviderMutationId = result.ProviderMutationId, Status = MutationStatus.Acknowledged, StartedAt = DateTimeOffset.Now, CompletedAt = DateTimeOffset.Now,
            };
            WaitAll(connection, new[] { m });
            Assert.Equal(expected, Emulator.Journal.DeletedIds(s.Name).OrderBy(x => x));
        }

        [Fact]
        public void Removing_the_namespace_itself_is_refused_plainly_with_no_call()
        {
            var s = Seed();
            using var connection = Fixture.Connect(s.Name);
            var cmd = new ClearNamespaceCommand(Host, connection, removeNamespace: true);
            cmd.Clear("tenant-a");
            cmd.Complete();
            var error = Assert.Single(Host.Errors);
            Assert.Equal(ErrorIds.NotSupported, error.ErrorId);
            Assert.Empty(Fixture.Calls(s.Name));
        }

        [Fact]
        public void Clearing_an_empty_namespace_sends_no_delete()
        {
            var s = Seed();
            using var connection = Fixture.Connect(s.Name);
            var cmd = new ClearNamespaceCommand(Host, connection);
            cmd.Clear("nobody-here");
            cmd.Complete();
            Assert.Empty(Host.Mutations);
            Assert.Equal(0, Fixture.MutatingCalls(s.Name));
            // Vectorize cannot list namespaces cheaply: no NamespaceNotFound, but a warning that says nothing was there.
            var warning = Assert.Single(Host.Warnings);
            Assert.Contains("Namespace 'nobody-here'", warning);
            Assert.Contains("held no records: nothing was deleted", warning);
            Assert.Contains("cannot tell an empty namespace from one that does not exist", warning);
        }

        private void WaitAll(Connections.VectorConnection connection, IReadOnlyList<VectorMutation> mutations)
        {
            var host = new Support.RecordingHost();
            var wait = new WaitMutationCommand(host, connection) { PollInterval = TimeSpan.FromMilliseconds(100), Timeout = TimeSpan.FromSeconds(60) };
            foreach (var m in mutations) wait.Add(m);
            wait.Complete();
            Assert.Equal(0, wait.TimedOut);
            Assert.All(mutations, m => Assert.True(m.ProviderMutationId is null || Fixture.Emulator.Index(connection.Index).IsApplied(m.ProviderMutationId)));
        }
    }
}
