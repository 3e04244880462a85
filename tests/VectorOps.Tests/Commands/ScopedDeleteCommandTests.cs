using System;
using System.Collections.Generic;
using System.Linq;
using VectorOps.Commands;
using VectorOps.Errors;
using VectorOps.Filtering;
using VectorOps.Hosting;
using VectorOps.Model;
using VectorOps.Providers;
using Xunit;

namespace VectorOps.Tests.Commands
{
    public sealed class FilterDeleteWithoutNativeSupportTests : CommandTestBase
    {
        // 100 records, "tier" = gold for every 4th: 25 matches.
        private static readonly MetadataFilter Gold = MetadataFilter.ParseJson("{\"tier\":\"gold\"}");
        private static IEnumerable<string> GoldIds => Enumerable.Range(0, 100).Where(i => i % 4 == 0).Select(i => "id-" + i.ToString("D5"));

        public FilterDeleteWithoutNativeSupportTests()
        {
            Provider.Seed("default", 100, metadata: i => new Dictionary<string, object?> { ["tier"] = i % 4 == 0 ? "gold" : "basic", ["n"] = (long)i });
        }

        [Fact]
        public void WhatIf_previews_the_matched_ids_in_the_batches_of_the_real_run_and_sends_nothing()
        {
            Host.Decision = ShouldProcessDecision.WhatIf;
            new RemoveByFilterCommand(Host, Connection, Gold).Execute(null);

            Assert.Equal(0, Provider.MutatingCalls);
            Assert.Equal(100, Provider.Count("default"));
            Assert.All(Mutations, m => Assert.Equal(MutationStatus.WhatIf, m.Status));
            Assert.All(Mutations, m => Assert.Equal(MutationOperation.DeleteByFilter, m.Operation));
            Assert.All(Mutations, m => Assert.Equal("{\"tier\":{\"$eq\":\"gold\"}}", m.Filter));
            AssertEachIdOnce(GoldIds);
            Assert.Equal(new[] { 5, 10, 10 }, Mutations.Select(m => m.Ids!.Count).OrderBy(c => c));
            var (target, _) = Assert.Single(Host.ShouldProcessCalls);
            Assert.Contains("25 record(s)", target);
            Assert.Empty(Host.ShouldContinueCalls);
        }

        [Fact]
        public void Without_Force_ShouldContinue_is_asked_with_the_count_and_no_means_nothing_deleted()
        {
            Host.ContinueAnswer = false;
            new RemoveByFilterCommand(Host, Connection, Gold).Execute(null);

            var (query, _) = Assert.Single(Host.ShouldContinueCalls);
            Assert.Contains("25 record(s)", query);
            Assert.Equal(0, Provider.MutatingCalls);
            var m = Assert.Single(Mutations);
            Assert.Equal(MutationStatus.Skipped, m.Status);
            Assert.Equal(25, m.RequestedCount);
        }

        [Fact]
        public void Confirmed_it_deletes_exactly_the_matches_by_id_in_capped_batches()
        {
            new RemoveByFilterCommand(Host, Connection, Gold).Execute(null);

            Assert.Single(Host.ShouldContinueCalls);
            Assert.Equal(3, Provider.Calls.Count(c => c.StartsWith("DeleteByIds")));
            Assert.Equal(GoldIds.OrderBy(x => x), Provider.DeletedIds.OrderBy(x => x));
            Assert.All(Mutations, m => Assert.Equal(MutationStatus.Completed, m.Status));
            Assert.Contains(Host.Verbose, v => v.Contains("cannot delete by filter itself"));
        }

        [Fact]
        public void Force_skips_ShouldContinue_but_not_ShouldProcess()
        {
            new RemoveByFilterCommand(Host, Connection, Gold, new RemoveOptions { Force = true }).Execute(null);
            Assert.Empty(Host.ShouldContinueCalls);
            Assert.Single(Host.ShouldProcessCalls);
            Assert.Equal(75, Provider.Count("default"));
        }

        [Fact]
        public void Force_with_WhatIf_still_deletes_nothing()
        {
            Host.Decision = ShouldProcessDecision.WhatIf;
            new RemoveByFilterCommand(Host, Connection, Gold, new RemoveOptions { Force = true }).Execute(null);
            Assert.Equal(0, Provider.MutatingCalls);
            AssertEachIdOnce(GoldIds);
        }

        [Fact]
        public void No_match_sends_nothing()
        {
            new RemoveByFilterCommand(Host, Connection, MetadataFilter.ParseJson("{\"tier\":\"platinum\"}")).Execute(null);
            Assert.Equal(0, Provider.MutatingCalls);
            Assert.Empty(Mutations);
            Assert.Empty(Host.ShouldContinueCalls);
        }

        [Fact]
        public void A_bad_namespace_stops_the_whole_delete_before_anything_is_read_or_sent()
        {
            new RemoveByFilterCommand(Host, Connection, Gold, new RemoveOptions { Force = true }).Execute(new[] { "default", "bad/ns" });
            Assert.Equal(ErrorIds.InvalidNamespace, Assert.Single(Host.Errors).ErrorId);
            Assert.Equal(0, Provider.MutatingCalls);
        }
    }

    public sealed class FilterDeleteWithNativeSupportTests : CommandTestBase
    {
        public FilterDeleteWithNativeSupportTests()
            : base(new ProviderCapabilities { MaxIdsPerDelete = 10, NativeFilterDelete = true, CountsFilterMatches = true })
        {
            Provider.Seed("default", 40, metadata: i => new Dictionary<string, object?> { ["year"] = (long)(2000 + i) });
        }

        [Fact]
        public void Native_delete_is_one_request_with_the_count_from_a_read_call()
        {
            var filter = MetadataFilter.ParseJson("{\"year\":{\"$gte\":2030}}");
            new RemoveByFilterCommand(Host, Connection, filter).Execute(null);

            Assert.Contains(Provider.Calls, c => c.StartsWith("Count"));
            Assert.DoesNotContain(Provider.Calls, c => c.StartsWith("FindIds"));
            Assert.Single(Provider.Calls, c => c.StartsWith("DeleteByFilter"));
            var m = Assert.Single(Mutations);
            Assert.Equal(10, m.RequestedCount);
            Assert.Equal(10, m.AffectedCount);
            Assert.Null(m.Ids);
            Assert.Equal(30, Provider.Count("default"));
        }

        [Fact]
        public void WhatIf_lists_the_matches_with_read_calls_only()
        {
            Host.Decision = ShouldProcessDecision.WhatIf;
            new RemoveByFilterCommand(Host, Connection, MetadataFilter.ParseJson("{\"year\":{\"$lt\":2005}}")).Execute(null);
            Assert.Equal(0, Provider.MutatingCalls);
            AssertEachIdOnce(Ids(0, 5));
        }
    }

    public sealed class PrefixDeleteTests : CommandTestBase
    {
        public PrefixDeleteTests()
        {
            Provider.Seed("default", 30, prefix: "tenant-a#");
            Provider.Seed("default", 30, prefix: "tenant-b#");
        }

        [Theory]
        [InlineData("")]
        [InlineData("  ")]
        [InlineData(null)]
        public void An_empty_prefix_is_refused_it_never_means_everything(string? prefix)
        {
            var ex = Assert.Throws<VectorOpsException>(() => new RemoveByPrefixCommand(Host, Connection, prefix!));
            Assert.Equal(ErrorIds.InvalidPrefix, ex.ErrorId);
            Assert.Equal(VectorOpsErrorCategory.InvalidArgument, ex.Category);
            Assert.Equal(0, Provider.MutatingCalls);
        }

        [Fact]
        public void With_Force_list_pages_stream_into_delete_batches_before_listing_ends()
        {
            new RemoveByPrefixCommand(Host, Connection, "tenant-a#", new RemoveOptions { Force = true, ThrottleLimit = 1 }).Execute(null);

            var calls = Provider.Calls.ToList();
            var firstDelete = calls.FindIndex(c => c.StartsWith("DeleteByIds"));
            var lastPage = calls.FindLastIndex(c => c.StartsWith("ListPage"));
            Assert.True(firstDelete >= 0 && firstDelete < lastPage, string.Join("\n", calls));
            Assert.Equal(30, Provider.Count("default"));
            Assert.All(Provider.DeletedIds, id => Assert.StartsWith("tenant-a#", id));
            Assert.All(Mutations, m => Assert.Equal("tenant-a#", m.Prefix));
            Assert.All(Mutations, m => Assert.Equal(MutationOperation.DeleteByPrefix, m.Operation));
            // Ids the provider listed were not passed through ValidateId: its own delete checks them.
            Assert.Equal(0, Provider.ValidatedDeleteCalls);
        }

        [Fact]
        public void WhatIf_previews_the_prefix_matches_and_deletes_nothing()
        {
            Host.Decision = ShouldProcessDecision.WhatIf;
            new RemoveByPrefixCommand(Host, Connection, "tenant-b#").Execute(null);
            Assert.Equal(0, Provider.MutatingCalls);
            Assert.Equal(30, Mutations.Sum(m => m.Ids!.Count));
            Assert.All(Mutations.SelectMany(m => m.Ids!), id => Assert.StartsWith("tenant-b#", id));
            Assert.Contains("30 record(s)", Host.ShouldProcessCalls.Single().Target);
        }

        [Fact]
        public void Without_Force_the_count_is_asked_first()
        {
            Host.ContinueAnswer = false;
            new RemoveByPrefixCommand(Host, Connection, "tenant-b#").Execute(null);
            Assert.Contains("30 record(s)", Host.ShouldContinueCalls.Single().Query);
            Assert.Equal(0, Provider.MutatingCalls);
        }

        [Fact]
        public void A_prefix_with_no_match_sends_nothing()
        {
            new RemoveByPrefixCommand(Host, Connection, "nobody#").Execute(null);
            Assert.Equal(0, Provider.MutatingCalls);
        }
    }

    public sealed class ClearNamespaceCommandTests : CommandTestBase
    {
        public ClearNamespaceCommandTests()
            : base(new ProviderCapabilities { CanRemoveNamespace = false })
        {
            Provider.Seed("old", 12);
            Provider.Seed("keep", 3);
        }

        [Fact]
        public void WhatIf_makes_no_mutating_call_and_reports_the_count()
        {
            Host.Decision = ShouldProcessDecision.WhatIf;
            var cmd = new ClearNamespaceCommand(Host, Connection);
            cmd.Clear("old");
            Assert.Equal(0, Provider.MutatingCalls);
            var m = Assert.Single(Mutations);
            Assert.Equal(MutationStatus.WhatIf, m.Status);
            Assert.Equal(12, m.RequestedCount);
            Assert.Contains("all 12 record(s)", Host.ShouldProcessCalls.Single().Action);
        }

        [Fact]
        public void Confirmed_it_clears_only_that_namespace()
        {
            var cmd = new ClearNamespaceCommand(Host, Connection);
            cmd.Clear("old");
            Assert.Equal(0, Provider.Count("old"));
            Assert.Equal(3, Provider.Count("keep"));
            Assert.Equal(MutationOperation.ClearNamespace, Assert.Single(Mutations).Operation);
        }

        [Fact]
        public void Declined_clears_nothing()
        {
            Host.Decision = ShouldProcessDecision.Declined;
            new ClearNamespaceCommand(Host, Connection).Clear("old");
            Assert.Equal(12, Provider.Count("old"));
            Assert.Equal(MutationStatus.Skipped, Assert.Single(Mutations).Status);
        }

        [Theory]
        [InlineData("", ErrorIds.EmptyNamespace)]
        [InlineData("  ", ErrorIds.EmptyNamespace)]
        [InlineData(null, ErrorIds.InvalidNamespace)]
        [InlineData("a/b", ErrorIds.InvalidNamespace)]
        public void A_missing_or_bad_namespace_is_an_error_and_clears_nothing(string? ns, string errorId)
        {
            new ClearNamespaceCommand(Host, Connection).Clear(ns);
            var e = Assert.Single(Host.Errors);
            Assert.Equal(errorId, e.ErrorId);
            Assert.Equal(ns, e.Target);
            Assert.Equal(0, Provider.MutatingCalls);
        }

        [Fact]
        public void RemoveNamespace_where_the_provider_has_no_namespace_object_is_refused()
        {
            new ClearNamespaceCommand(Host, Connection, removeNamespace: true).Clear("old");
            Assert.Equal(ErrorIds.NotSupported, Assert.Single(Host.Errors).ErrorId);
            Assert.Equal(0, Provider.MutatingCalls);
        }
    }
}
