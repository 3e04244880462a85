using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using VectorOps.Commands;
using VectorOps.Connections;
using VectorOps.Errors;
using VectorOps.Filtering;
using VectorOps.Hosting;
using VectorOps.Model;
using VectorOps.Emulators.Weaviate;
using VectorOps.Providers;
using VectorOps.Providers.Weaviate;
using VectorOps.Tests.Conformance;
using VectorOps.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace VectorOps.Tests.Weaviate
{
    /// <summary>
    /// The Weaviate provider's own behaviour against the emulator behind Prism: UUID checks and the empty guards
    /// (no request), the where translation checked against the filter language's own evaluation on many random
    /// filters, the results.limit rounds (one mutation each), dryRun previews that mutate nothing, objects the
    /// server could not delete reported with their ids and retried by them, tenants, and the endpoint guard.
    /// </summary>
    [Collection(WeaviateCollection.Name)]
    public sealed class WeaviateProviderTests : IDisposable
    {
        private readonly WeaviateFixture _fixture;
        private readonly ITestOutputHelper _output;
        private readonly int _mark;
        private readonly List<IDisposable> _open = new List<IDisposable>();

        public WeaviateProviderTests(WeaviateFixture fixture, ITestOutputHelper output)
        {
            _fixture = fixture;
            _output = output;
            fixture.Reset();
            _mark = fixture.Prism.Mark();
        }

        private WeaviateEmulator Emulator => _fixture.Emulator;

        private VectorConnection Connect(string className)
        {
            var c = _fixture.Connect(className);
            _open.Add(c);
            return c;
        }

        private static string U(string name) => UuidIds.Of(name);

        private void Seed(string className, string? tenant, IEnumerable<string> names, Func<int, Dictionary<string, object?>>? metadata = null) =>
            Emulator.Put(className, tenant, names.Select((n, i) => new WeaviateObject(U(n), metadata?.Invoke(i) ?? new Dictionary<string, object?>
            {
                ["n"] = (double)i,
                ["genre"] = i % 3 == 0 ? "drama" : "comedy",
            }, new float[] { 1, 2, 3, 4 })));

        private static void Scoped(ScopedDeleteCommand command, string ns)
        {
            command.Execute(new[] { ns });
            command.Complete();
        }

        // ---- ids and guards ------------------------------------------------------------------------------

        [Fact]
        public void Ids_that_are_not_uuids_are_refused_with_the_id_as_target_and_nothing_is_sent()
        {
            var cls = _fixture.NewClass(true, true, "t1");
            Seed(cls, "t1", ProviderFixture.Ids("doc-", 5));
            var c = Connect(cls);
            var before = Emulator.Journal.Entries.Count;
            var host = new RecordingHost();
            var command = new RemoveByIdsCommand(host, c, new RemoveOptions());
            command.Add(new[] { U("doc-00001"), "doc-00002" }, "t1");
            command.Complete();
            var error = Assert.Single(host.Errors);
            Assert.Equal(ErrorIds.InvalidId, error.ErrorId);
            Assert.Equal("doc-00002", error.Target);
            Assert.Contains("not a UUID", error.Exception.Message, StringComparison.Ordinal);
            Assert.Equal(before, Emulator.Journal.Entries.Count);
            Assert.Equal(5, Emulator.Count(cls, "t1"));

            var provider = c.ProviderInstance;
            foreach (var bad in new[] { "", "6a1c3f0e8d2b4f5a9c7e2b4d6f8a0c1e", "{6a1c3f0e-8d2b-4f5a-9c7e-2b4d6f8a0c1e}", "6a1c3f0e-8d2b-4f5a-9c7e-2b4d6f8a0c1g" })
            {
                var e = Assert.Throws<VectorOpsException>(() => provider.ValidateId(bad));
                Assert.Equal(ErrorIds.InvalidId, e.ErrorId);
                Assert.Equal(bad, e.Target);
            }
            provider.ValidateId("6A1C3F0E-8D2B-4F5A-9C7E-2B4D6F8A0C1E"); // either case
            Assert.Equal(before, Emulator.Journal.Entries.Count);
        }

        [Fact]
        public void An_empty_id_list_and_a_removal_of_the_tenant_never_reach_the_server()
        {
            var cls = _fixture.NewClass(true, true, "t1");
            Seed(cls, "t1", ProviderFixture.Ids("doc-", 4));
            var provider = Connect(cls).ProviderInstance;
            var before = Emulator.Journal.Entries.Count;
            var empty = new List<string>();
            Assert.Equal(ErrorIds.InvalidArgument, Assert.Throws<VectorOpsException>(() => provider.DeleteByIdsAsync("t1", empty, CancellationToken.None).GetAwaiter().GetResult()).ErrorId);
            Assert.Equal(ErrorIds.InvalidArgument, Assert.Throws<VectorOpsException>(() => provider.DeleteValidatedIdsAsync("t1", empty, CancellationToken.None).GetAwaiter().GetResult()).ErrorId);
            Assert.Equal(ErrorIds.NotSupported, Assert.Throws<VectorOpsException>(() => provider.ClearNamespaceAsync("t1", true, CancellationToken.None).GetAwaiter().GetResult()).ErrorId);
            // An empty filter never exists: the parser refuses it before any provider sees it.
            Assert.Equal(ErrorIds.EmptyFilter, Assert.Throws<VectorOpsException>(() => MetadataFilter.ParseJson("{}")).ErrorId);
            Assert.Equal(before, Emulator.Journal.Entries.Count);
            Assert.Equal(4, Emulator.Count(cls, "t1"));
            _fixture.AssertNoViolations(_mark);
        }

        // ---- the where translation -----------------------------------------------------------------------

        [Fact]
        public void Random_filters_find_exactly_what_the_filter_language_matches_or_are_refused_before_any_request()
        {
            var cls = "Random" + Guid.NewGuid().ToString("N").Substring(0, 8);
            Emulator.CreateClass(cls, false, true,
                new WeaviatePropertyDef("genre", "text", "field"),
                new WeaviatePropertyDef("title", "text", "word"),
                new WeaviatePropertyDef("n", "number"),
                new WeaviatePropertyDef("year", "int"),
                new WeaviatePropertyDef("flag", "boolean"),
                new WeaviatePropertyDef("tags", "text[]", "field"),
                new WeaviatePropertyDef("scores", "number[]"));
            var rnd = new Random(20261206);
            var genres = new[] { "drama", "comedy", "Drama", "drama noir", "horror" };
            var records = new List<(string Id, Dictionary<string, object?> Md)>();
            for (var i = 0; i < 120; i++)
            {
                var md = new Dictionary<string, object?>();
                if (rnd.Next(6) > 0) md["genre"] = genres[rnd.Next(genres.Length)];
                if (rnd.Next(4) > 0) md["title"] = "the " + genres[rnd.Next(genres.Length)];
                if (rnd.Next(5) > 0) md["n"] = rnd.Next(0, 8) + (rnd.Next(3) == 0 ? 0.5 : 0.0);
                if (rnd.Next(5) > 0) md["year"] = (long)rnd.Next(1995, 2005);
                if (rnd.Next(4) > 0) md["flag"] = rnd.Next(2) == 0;
                if (rnd.Next(3) > 0) md["tags"] = Enumerable.Range(0, rnd.Next(0, 3)).Select(_ => genres[rnd.Next(genres.Length)]).Distinct().ToList();
                if (rnd.Next(3) > 0) md["scores"] = Enumerable.Range(0, rnd.Next(1, 3)).Select(_ => (double)rnd.Next(0, 5)).ToList();
                records.Add((U("r-" + i.ToString("D4", CultureInfo.InvariantCulture)), md));
            }
            Emulator.Put(cls, null, records.Select(r => new WeaviateObject(r.Id, r.Md, null)));
            var provider = Connect(cls).ProviderInstance;

            int exact = 0, refused = 0, decided = 0;
            for (var k = 0; k < 300; k++)
            {
                var filter = MetadataFilter.ParseJson(RandomFilter(rnd, 0));
                var expected = records.Where(r => filter.Matches(r.Md.ToDictionary(p => p.Key, p => Plain(p.Value)))).Select(r => r.Id).OrderBy(x => x, StringComparer.Ordinal).ToList();
                var before = Emulator.Journal.Entries.Count;
                List<string> found;
                try
                {
                    found = Pages(provider.FindIdsAsync(WeaviateProvider.SingleNamespace, filter, CancellationToken.None)).OrderBy(x => x, StringComparer.Ordinal).ToList();
                }
                catch (VectorOpsException ex) when (ex.ErrorId == ErrorIds.FilterNotSupported)
                {
                    refused++;
                    // Refused after reading the schema only: no batch delete, not even a dryRun.
                    Assert.DoesNotContain(Emulator.Journal.Entries.Skip(before), e => e.Operation.StartsWith("batch delete", StringComparison.Ordinal));
                    continue;
                }
                if (!Emulator.Journal.Entries.Skip(before).Any(e => e.Operation.StartsWith("batch delete", StringComparison.Ordinal))) decided++;
                Assert.True(expected.SequenceEqual(found), $"{filter.Json}: expected {expected.Count} ids, Weaviate's where found {found.Count}");
                exact++;
            }
            _output.WriteLine($"300 random filters: {exact} answered exactly ({decided} of them decided from the schema without a request), {refused} refused (FilterNotSupportedByProvider)");
            Assert.True(exact >= 150, $"only {exact} of 300 random filters could be translated");
            Assert.True(refused > 0, "no random filter touched what Weaviate cannot express exactly (word tokenization, $exists on a list)");
            Assert.Equal(0, Emulator.Journal.MutatingCalls);
            _fixture.AssertNoViolations(_mark);
        }

        private static object? Plain(object? v) => v switch
        {
            long l => (double)l,
            List<string> s => s.Cast<object>().ToList(),
            List<double> d => d.Cast<object>().ToList(),
            _ => v,
        };

        private static List<string> Pages(IAsyncEnumerable<IReadOnlyList<string>> pages)
        {
            var all = new List<string>();
            var e = pages.GetAsyncEnumerator();
            try
            {
                while (e.MoveNextAsync().AsTask().GetAwaiter().GetResult()) all.AddRange(e.Current);
            }
            finally
            {
                e.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
            return all;
        }

        private static string RandomFilter(Random rnd, int depth)
        {
            if (depth < 2 && rnd.Next(4) == 0)
            {
                var op = rnd.Next(2) == 0 ? "$and" : "$or";
                var parts = Enumerable.Range(0, rnd.Next(2, 4)).Select(_ => RandomFilter(rnd, depth + 1));
                return "{\"" + op + "\":[" + string.Join(",", parts) + "]}";
            }
            var fields = new[] { "genre", "title", "n", "year", "flag", "tags", "scores", "missing" };
            var field = fields[rnd.Next(fields.Length)];
            string Value()
            {
                switch (rnd.Next(6))
                {
                    case 0: return "\"drama\"";
                    case 1: return "\"comedy\"";
                    case 2: return rnd.Next(0, 8).ToString(CultureInfo.InvariantCulture);
                    case 3: return (rnd.Next(1995, 2005) + (rnd.Next(2) == 0 ? 0.5 : 0)).ToString(CultureInfo.InvariantCulture);
                    case 4: return rnd.Next(2) == 0 ? "true" : "false";
                    default: return (rnd.Next(0, 8) + 0.5).ToString(CultureInfo.InvariantCulture);
                }
            }
            string Number() => (rnd.Next(3) == 0 ? rnd.Next(1995, 2005) + 0.5 : rnd.Next(-1, 9) + (rnd.Next(2) == 0 ? 0.5 : 0)).ToString(CultureInfo.InvariantCulture);
            string Listed()
            {
                var items = Enumerable.Range(0, rnd.Next(1, 4)).Select(_ => Value()).Where(v => v != "true" && v != "false").ToList();
                if (items.Count == 0) items.Add("\"drama\"");
                return "[" + string.Join(",", items) + "]";
            }
            switch (rnd.Next(9))
            {
                case 0: return $"{{\"{field}\":{Value()}}}";
                case 1: return $"{{\"{field}\":{{\"$ne\":{Value()}}}}}";
                case 2: return $"{{\"{field}\":{{\"$gt\":{Number()}}}}}";
                case 3: return $"{{\"{field}\":{{\"$gte\":{Number()}}}}}";
                case 4: return $"{{\"{field}\":{{\"$lt\":{Number()}}}}}";
                case 5: return $"{{\"{field}\":{{\"$lte\":{Number()}}}}}";
                case 6: return $"{{\"{field}\":{{\"$in\":{Listed()}}}}}";
                case 7: return $"{{\"{field}\":{{\"$nin\":{Listed()}}}}}";
                default: return $"{{\"{field}\":{{\"$exists\":{(rnd.Next(2) == 0 ? "true" : "false")}}}}}";
            }
        }

        [Fact]
        public void Text_with_word_tokenization_is_refused_because_Equal_would_match_more_than_the_whole_value()
        {
            var cls = "Words" + Guid.NewGuid().ToString("N").Substring(0, 8);
            Emulator.CreateClass(cls, false, false, new WeaviatePropertyDef("title", "text", "word"));
            Emulator.Put(cls, null, new[]
            {
                new WeaviateObject(U("a"), new Dictionary<string, object?> { ["title"] = "drama" }, null),
                new WeaviateObject(U("b"), new Dictionary<string, object?> { ["title"] = "Drama Noir" }, null),
            });
            var c = Connect(cls);
            var host = new RecordingHost();
            Scoped(new RemoveByFilterCommand(host, c, MetadataFilter.ParseJson("{\"title\":\"drama\"}"), new RemoveOptions { Force = true }), "default");
            var error = Assert.Single(host.Errors);
            Assert.Equal(ErrorIds.FilterNotSupported, error.ErrorId);
            Assert.Contains("tokenization 'word'", error.Exception.Message, StringComparison.Ordinal);
            Assert.Equal(0, Emulator.Journal.MutatingCalls);
            Assert.Equal(2, Emulator.Count(cls, null));
        }

        // ---- rounds under results.limit -------------------------------------------------------------------

        [Fact]
        public void A_filter_delete_over_the_servers_limit_is_sent_in_rounds_one_mutation_each_until_fewer_match()
        {
            var cls = _fixture.NewClass(true, true, "t1");
            var ids = ProviderFixture.Ids("doc-", 45);
            Seed(cls, "t1", ids); // every third is drama: 15
            Emulator.QueryMaximumResults = 4;
            var host = new RecordingHost();
            Scoped(new RemoveByFilterCommand(host, Connect(cls), MetadataFilter.ParseJson("{\"genre\":\"drama\"}"), new RemoveOptions { Force = true }), "t1");
            Assert.Empty(host.Errors.Select(e => e.ToString()));
            var mutations = host.Mutations.ToList();
            // 15 matches at 4 a call: 4, 4, 4, 3.
            Assert.Equal(new long?[] { 4, 4, 4, 3 }, mutations.Select(m => m.AffectedCount).ToArray());
            Assert.All(mutations, m => Assert.Equal(MutationStatus.Completed, m.Status));
            var deletes = Emulator.Journal.Of("batch delete");
            Assert.Equal(4, deletes.Count);
            Assert.All(deletes, e => Assert.Equal("where", e.Detail));
            var drama = ids.Where((_, i) => i % 3 == 0).Select(U).OrderBy(x => x, StringComparer.Ordinal).ToList();
            Assert.Equal(drama, Emulator.Journal.DeletedIds(WeaviateEmulator.Scope(cls, "t1")).OrderBy(x => x, StringComparer.Ordinal));
            Assert.Equal(30, Emulator.Count(cls, "t1"));
            // -Force without a prompt counts nothing first: the rounds alone, no dryRun.
            Assert.Equal(0, Emulator.Journal.Count("batch delete dryRun"));
            _fixture.AssertNoViolations(_mark);
        }

        [Fact]
        public void Clearing_a_tenant_over_the_limit_goes_in_rounds_and_keeps_the_tenant_and_the_class()
        {
            var cls = _fixture.NewClass(true, true, "t1", "t2");
            Seed(cls, "t1", ProviderFixture.Ids("doc-", 10));
            Seed(cls, "t2", ProviderFixture.Ids("other-", 3));
            Emulator.QueryMaximumResults = 4;
            var host = new RecordingHost();
            var clear = new ClearNamespaceCommand(host, Connect(cls));
            clear.Clear("t1");
            clear.Complete();
            Assert.Empty(host.Errors.Select(e => e.ToString()));
            Assert.Equal(new long?[] { 4, 4, 2 }, host.Mutations.Select(m => m.AffectedCount).ToArray());
            Assert.Equal(0, Emulator.Count(cls, "t1"));
            Assert.Equal(3, Emulator.Count(cls, "t2"));
            Assert.Contains("t1", Emulator.Class(cls).Tenants.Keys);
            Assert.DoesNotContain(Emulator.Journal.Entries, e => e.Method == "DELETE" && e.Path.StartsWith("/v1/schema", StringComparison.Ordinal));
            _fixture.AssertNoViolations(_mark);
        }

        [Fact]
        public void WhatIf_lists_every_match_with_dryRun_past_the_limit_and_makes_no_mutating_call()
        {
            var cls = _fixture.NewClass(true, true, "t1");
            var ids = ProviderFixture.Ids("doc-", 30);
            Seed(cls, "t1", ids);
            Emulator.QueryMaximumResults = 4;
            var host = new RecordingHost { Decision = ShouldProcessDecision.WhatIf };
            Scoped(new RemoveByFilterCommand(host, Connect(cls), MetadataFilter.ParseJson("{\"genre\":\"comedy\"}")), "t1");
            var previewed = host.Mutations.SelectMany(m => m.Ids ?? new List<string>()).OrderBy(x => x, StringComparer.Ordinal).ToList();
            Assert.All(host.Mutations, m => Assert.Equal(MutationStatus.WhatIf, m.Status));
            Assert.Equal(ids.Where((_, i) => i % 3 != 0).Select(U).OrderBy(x => x, StringComparer.Ordinal), previewed);
            Assert.Equal(0, Emulator.Journal.MutatingCalls);
            Assert.True(Emulator.Journal.Count("batch delete dryRun") >= 5, "20 matches at 4 a call take at least 5 dryRun calls");
            Assert.Equal(30, Emulator.Count(cls, "t1"));
            _fixture.AssertNoViolations(_mark);
        }

        // ---- failed objects ------------------------------------------------------------------------------

        [Fact]
        public void Objects_the_server_could_not_delete_fail_the_mutation_with_exactly_their_ids_and_the_retry_deletes_them()
        {
            var cls = _fixture.NewClass(true, true, "t1");
            var ids = ProviderFixture.Ids("doc-", 20).Select(U).ToList();
            Seed(cls, "t1", ProviderFixture.Ids("doc-", 20));
            Emulator.FailingDeleteIds[ids[3]] = "could not delete: shard busy";
            Emulator.FailingDeleteIds[ids[7]] = "could not delete: shard busy";
            var c = Connect(cls);
            var host = new RecordingHost();
            var remove = new RemoveByIdsCommand(host, c, new RemoveOptions { BatchSize = 10 });
            remove.Add(ids, "t1");
            remove.Complete();
            var failed = Assert.Single(host.Mutations, m => m.Status == MutationStatus.Failed);
            Assert.Equal(ErrorIds.ProviderObjectsFailed, failed.ErrorId);
            Assert.Equal(new[] { ids[3], ids[7] }.OrderBy(x => x), failed.Ids!.OrderBy(x => x));
            Assert.Equal(8, failed.AffectedCount);
            Assert.Contains(ids[3], failed.Error, StringComparison.Ordinal);
            var error = Assert.Single(host.Errors);
            Assert.Same(failed, ((VectorOpsException)error.Exception).Mutation);
            Assert.Equal(2, Emulator.Count(cls, "t1"));

            // Sent back once the server can delete them: exactly those two go.
            Emulator.FailingDeleteIds.Clear();
            var before = Emulator.Journal.Entries.Count;
            var again = new RecordingHost();
            var retry = new RemoveByIdsCommand(again, c, new RemoveOptions());
            retry.Retry(failed);
            retry.Complete();
            Assert.Empty(again.Errors.Select(e => e.ToString()));
            var sent = Emulator.Journal.Entries.Skip(before).Where(e => e.Operation == "batch delete").ToList();
            Assert.Equal(2, Assert.Single(sent).IdCount);
            Assert.Equal(0, Emulator.Count(cls, "t1"));
            Assert.Empty(Emulator.Journal.DeletedMoreThanOnce(WeaviateEmulator.Scope(cls, "t1")));
            _fixture.AssertNoViolations(_mark);
        }

        // ---- namespaces ----------------------------------------------------------------------------------

        [Fact]
        public async Task A_class_without_multi_tenancy_is_one_namespace_named_default()
        {
            var cls = _fixture.NewClass(false, true);
            Seed(cls, null, ProviderFixture.Ids("doc-", 6));
            var c = Connect(cls);
            var provider = c.ProviderInstance;
            Assert.Equal("default", provider.DefaultNamespace);
            var e = Assert.Throws<VectorOpsException>(() => provider.ValidateNamespace("t1"));
            Assert.Equal(ErrorIds.InvalidNamespace, e.ErrorId);
            var stats = await provider.GetStatsAsync(CancellationToken.None);
            var ns = Assert.Single(stats.Namespaces);
            Assert.Equal("default", ns.Name);
            Assert.Equal(6, ns.RecordCount);
            var host = new RecordingHost();
            Scoped(new RemoveByFilterCommand(host, c, MetadataFilter.ParseJson("{\"n\":{\"$gte\":3}}"), new RemoveOptions { Force = true }), "default");
            Assert.Empty(host.Errors.Select(x => x.ToString()));
            Assert.Equal(3, Emulator.Count(cls, null));
            Assert.DoesNotContain(Emulator.Journal.Entries, x => x.Query.Contains("tenant", StringComparison.Ordinal));
            _fixture.AssertNoViolations(_mark);
        }

        [Fact]
        public void A_delete_naming_the_one_namespace_of_a_class_without_tenants_checks_it_without_a_count_and_another_name_sends_nothing()
        {
            var cls = _fixture.NewClass(false, true);
            Seed(cls, null, ProviderFixture.Ids("doc-", 6));
            var c = Connect(cls);
            Assert.True(c.ProviderInstance.Capabilities.OneNamespace);
            var before = Emulator.Journal.Entries.Count;
            var host = new RecordingHost();
            var remove = new RemoveByIdsCommand(host, c, new RemoveOptions());
            remove.Add(new[] { U("doc-00000"), U("doc-00001") }, "default");
            remove.Complete();
            Assert.Empty(host.Errors.Select(x => x.ToString()));
            Assert.Equal(4, Emulator.Count(cls, null));
            // The namespace 'default' was named, and it was not looked up by counting the class: only the delete went.
            var calls = Emulator.Journal.Entries.Skip(before).Select(e => e.Operation).ToList();
            Assert.Equal(new[] { "batch delete" }, calls);

            var other = new RecordingHost();
            var refused = new RemoveByIdsCommand(other, c, new RemoveOptions());
            refused.Add(new[] { U("doc-00002") }, "t1");
            refused.Complete();
            Assert.Equal(ErrorIds.InvalidNamespace, Assert.Single(other.Errors).ErrorId);
            Assert.Equal(4, Emulator.Count(cls, null));
            Assert.Equal(calls.Count, Emulator.Journal.Entries.Count - before);
            _fixture.AssertNoViolations(_mark);
        }

        [Fact]
        public void A_multi_tenant_class_is_not_one_namespace_and_a_missing_tenant_is_still_refused_before_any_delete()
        {
            var cls = _fixture.NewClass(true, true, "alpha");
            Seed(cls, "alpha", ProviderFixture.Ids("doc-", 3));
            var c = Connect(cls);
            Assert.False(c.ProviderInstance.Capabilities.OneNamespace);
            var host = new RecordingHost();
            var remove = new RemoveByIdsCommand(host, c, new RemoveOptions());
            remove.Add(new[] { U("doc-00000") }, "alpah");
            remove.Complete();
            var error = Assert.Single(host.Errors);
            Assert.Equal(ErrorIds.NamespaceNotFound, error.ErrorId);
            Assert.Contains("alpha", error.Exception.Message, StringComparison.Ordinal);
            Assert.Equal(0, Emulator.Journal.MutatingCalls);
            Assert.Equal(3, Emulator.Count(cls, "alpha"));
            _fixture.AssertNoViolations(_mark);
        }

        [Fact]
        public async Task Tenants_are_the_namespaces_an_unknown_one_is_refused_and_an_inactive_one_is_listed_without_a_count()
        {
            var cls = _fixture.NewClass(true, true, "alpha", "beta");
            Emulator.AddTenant(cls, "cold", "INACTIVE");
            Seed(cls, "alpha", ProviderFixture.Ids("doc-", 5));
            var c = Connect(cls);
            var list = (await c.ProviderInstance.GetStatsAsync(CancellationToken.None)).Namespaces;
            Assert.Equal(new[] { "alpha", "beta", "cold" }, list.Select(n => n.Name));
            Assert.Equal(new long?[] { 5, 0, null }, list.Select(n => n.RecordCount));

            var host = new RecordingHost();
            Scoped(new RemoveByFilterCommand(host, c, MetadataFilter.ParseJson("{\"genre\":\"drama\"}"), new RemoveOptions { Force = true }), "alpah");
            var error = Assert.Single(host.Errors);
            Assert.Equal(ErrorIds.NamespaceNotFound, error.ErrorId);
            Assert.Contains("alpha", error.Exception.Message, StringComparison.Ordinal);

            var cold = new RecordingHost();
            var remove = new RemoveByIdsCommand(cold, c, new RemoveOptions());
            remove.Add(new[] { U("doc-00001") }, "cold");
            remove.Complete();
            var refused = Assert.Single(cold.Errors);
            Assert.Equal(ErrorIds.ProviderBadRequest, refused.ErrorId);
            Assert.Contains("not active", refused.Exception.Message, StringComparison.Ordinal);
            Assert.Equal(5, Emulator.Count(cls, "alpha"));
            _fixture.AssertNoViolations(_mark);
        }

        // ---- connecting ----------------------------------------------------------------------------------

        [Fact]
        public void Connecting_reads_the_class_suggests_close_names_sends_the_key_as_a_bearer_token_and_refuses_plain_http_away_from_loopback()
        {
            var cls = _fixture.NewClass(true, true, "t1");
            var missing = Assert.Throws<VectorOpsException>(() => _fixture.Connect(cls + "x"));
            Assert.Equal(ErrorIds.IndexNotFound, missing.ErrorId);
            Assert.Contains(cls, missing.Message, StringComparison.Ordinal);

            // Weaviate capitalises class names: the lower-case spelling reaches the same class.
            var lower = char.ToLowerInvariant(cls[0]) + cls.Substring(1);
            using (var c = _fixture.Connect(lower)) Assert.Equal(cls, c.ProviderInstance.Index);

            var wrong = _fixture.Settings(cls, key: "wrong-key");
            var denied = Assert.Throws<VectorOpsException>(() => ConnectCommand.Connect(wrong, makeDefault: false));
            Assert.Equal(ErrorIds.ProviderAuthenticationFailed, denied.ErrorId);
            Assert.DoesNotContain("wrong-key", denied.Message, StringComparison.Ordinal);

            var insecure = _fixture.Settings(cls);
            insecure["Endpoint"] = new Uri("http://weaviate.example.com:8080/");
            var refused = Assert.Throws<VectorOpsException>(() => ConnectCommand.Connect(insecure, makeDefault: false));
            Assert.Equal(ErrorIds.InsecureEndpoint, refused.ErrorId);
            _fixture.AssertNoViolations(_mark);
        }

        public void Dispose()
        {
            foreach (var d in _open) d.Dispose();
            Emulator.FailingDeleteIds.Clear();
            Emulator.QueryMaximumResults = 10000;
        }
    }
}
