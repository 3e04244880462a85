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
using VectorOps.Model;
using VectorOps.Providers;
using VectorOps.Tests.Support;
using Xunit;

namespace VectorOps.Tests.Kit
{
    /// <summary>
    /// "Optional" is said one way: the command layer checks a capability flag before an optional call, and a
    /// provider answers a call against a false flag with NotSupported (never null). Driven through the fake
    /// provider, which throws if called against its flags.
    /// </summary>
    public sealed class OptionalCapabilityTests
    {
        private static (FakeProvider Provider, VectorConnection Connection, RecordingHost Host) Setup()
        {
            var provider = new FakeProvider();
            provider.Seed("default", 20, metadata: i => new Dictionary<string, object?> { ["even"] = i % 2 == 0 });
            return (provider, new VectorConnection(provider, null, null), new RecordingHost());
        }

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void A_filter_delete_counts_with_the_provider_only_when_it_says_it_can(bool counts)
        {
            var (provider, connection, host) = Setup();
            provider.Capabilities.CountsFilterMatches = counts;
            var cmd = new RemoveByFilterCommand(host, connection, MetadataFilter.ParseJson("{\"even\":true}"), new RemoveOptions { Force = true });
            cmd.Execute(null);
            cmd.Complete();
            Assert.Empty(host.Errors);
            Assert.Equal(counts ? 1 : 0, provider.Calls.Count(c => c.StartsWith("Count", StringComparison.Ordinal)));
            Assert.Equal(10, provider.Count("default"));
        }

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void The_validated_delete_is_used_only_when_the_provider_declares_it(bool declared)
        {
            var (provider, connection, host) = Setup();
            provider.Capabilities.DeletesValidatedIds = declared;
            var cmd = new RemoveByIdsCommand(host, connection);
            cmd.Add(Enumerable.Range(0, 15).Select(i => "id-" + i.ToString("D5")));
            cmd.Complete();
            Assert.Empty(host.Errors);
            Assert.Equal(declared ? 2 : 0, provider.ValidatedDeleteCalls);
            Assert.Equal(2, provider.Calls.Count(c => c.StartsWith("DeleteByIds", StringComparison.Ordinal)));
            Assert.Equal(5, provider.Count("default"));
        }

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void Waiting_polls_the_provider_only_when_its_mutations_are_asynchronous(bool async)
        {
            var (provider, connection, host) = Setup();
            provider.Capabilities.AsyncMutations = async;
            provider.PollsUntilApplied = 0;
            var m = new VectorMutation { Provider = provider.Name, Index = provider.Index, Namespace = "default", Status = MutationStatus.Acknowledged, Operation = MutationOperation.DeleteByIds };
            var wait = new WaitMutationCommand(host, connection) { Timeout = TimeSpan.FromSeconds(5), PollInterval = TimeSpan.FromMilliseconds(10) };
            wait.Add(m);
            wait.Complete();
            Assert.Equal(MutationStatus.Completed, m.Status);
            Assert.Equal(async ? 1 : 0, provider.Calls.Count(c => c.StartsWith("GetApplied", StringComparison.Ordinal)));
        }

        [Fact]
        public async Task A_real_provider_answers_a_call_against_a_false_flag_with_NotSupported_naming_the_flag()
        {
            using var store = new VectorOps.Tests.Local.TestStore();
            IVectorProvider p = store.Provider;
            Assert.False(p.Capabilities.DeletesValidatedIds);
            var ex = await Assert.ThrowsAsync<VectorOpsException>(() => p.DeleteValidatedIdsAsync(p.DefaultNamespace, new[] { "a" }, CancellationToken.None));
            Assert.Equal(ErrorIds.NotSupported, ex.ErrorId);
            Assert.Contains(nameof(ProviderCapabilities.DeletesValidatedIds), ex.Message);
        }
    }
}
