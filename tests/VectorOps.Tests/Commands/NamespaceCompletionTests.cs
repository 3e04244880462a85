using System;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using VectorOps.Connections;
using VectorOps.Errors;
using VectorOps.Providers;
using VectorOps.Tests.Support;
using Xunit;

namespace VectorOps.Tests.Commands
{
    /// <summary>What Tab offers after -Namespace (the engine-free part of NamespaceCompleter).</summary>
    public sealed class NamespaceCompletionTests
    {
        private static FakeProvider Provider(bool cheap)
        {
            var p = new FakeProvider(new ProviderCapabilities { ListsNamespacesCheaply = cheap });
            p.Seed("films", 2);
            p.Seed("films-2026", 1);
            p.Seed("docs", 3);
            return p;
        }

        [Fact]
        public void Offers_the_namespaces_that_start_with_what_was_typed_ignoring_case_sorted()
        {
            using var connection = new VectorConnection(Provider(cheap: true), null, null);
            Assert.Equal(new[] { "films", "films-2026" }, NamespaceCompletion.Complete(connection, "FI"));
            Assert.Equal(new[] { "docs", "films", "films-2026" }, NamespaceCompletion.Complete(connection, ""));
            Assert.Empty(NamespaceCompletion.Complete(connection, "x"));
        }

        [Fact]
        public void Lists_nothing_where_listing_is_expensive()
        {
            var provider = Provider(cheap: false);
            using var connection = new VectorConnection(provider, null, null);
            Assert.Empty(NamespaceCompletion.Complete(connection, ""));
            Assert.DoesNotContain("ListNamespaces", provider.Calls);
        }

        [Fact]
        public void Offers_nothing_without_a_connection()
        {
            Assert.Empty(NamespaceCompletion.Complete(null, "f"));
        }

        [Fact]
        public async Task A_listing_that_does_not_answer_in_time_offers_nothing_and_is_cancelled()
        {
            var provider = Provider(cheap: true);
            var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            provider.BeforeListNamespaces = async ct =>
            {
                using (ct.Register(() => cancelled.TrySetResult(true))) await Task.Delay(Timeout.Infinite, ct);
            };
            using var connection = new VectorConnection(provider, null, null);
            var clock = Stopwatch.StartNew();
            Assert.Empty(NamespaceCompletion.Complete(connection, "", TimeSpan.FromMilliseconds(200)));
            Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5));
            Assert.True(await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(5)), "the late listing was not cancelled");
        }

        [Fact]
        public void A_listing_that_fails_offers_nothing()
        {
            var provider = Provider(cheap: true);
            provider.BeforeListNamespaces = _ => throw new VectorOpsException(ErrorIds.ProviderServerError, VectorOpsErrorCategory.ResourceUnavailable, "down", null);
            using var connection = new VectorConnection(provider, null, null);
            Assert.Empty(NamespaceCompletion.Complete(connection, ""));
        }
    }
}
