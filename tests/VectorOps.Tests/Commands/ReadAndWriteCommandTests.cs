using System;
using System.Collections.Generic;
using System.Linq;
using VectorOps.Commands;
using VectorOps.Errors;
using VectorOps.Hosting;
using VectorOps.Model;
using Xunit;

namespace VectorOps.Tests.Commands
{
    public sealed class ReadAndWriteCommandTests : CommandTestBase
    {
        [Fact]
        public void Add_batches_records_per_namespace_and_WhatIf_writes_nothing()
        {
            var whatIf = new Support.RecordingHost { Decision = ShouldProcessDecision.WhatIf };
            var preview = new AddRecordsCommand(whatIf, Connection);
            for (var i = 0; i < 25; i++) preview.Add(new VectorRecord("r" + i) { Values = new[] { 1f } });
            preview.Complete();
            Assert.Equal(0, Provider.MutatingCalls);
            Assert.Equal(3, whatIf.Mutations.Count());

            var cmd = new AddRecordsCommand(Host, Connection) { Namespace = "ns1" };
            for (var i = 0; i < 25; i++) cmd.Add(new VectorRecord("r" + i) { Values = new[] { 1f } });
            cmd.Add(new VectorRecord("x") { Namespace = "ns2" });
            cmd.Complete();
            Assert.Equal(25, Provider.Count("ns1"));
            Assert.Equal(1, Provider.Count("ns2"));
            Assert.All(Mutations, m => Assert.Equal(MutationOperation.Upsert, m.Operation));
        }

        [Fact]
        public void Add_refuses_bad_records_one_by_one()
        {
            var cmd = new AddRecordsCommand(Host, Connection);
            cmd.Add(null);
            cmd.Add(new VectorRecord("bad!"));
            cmd.Add(new VectorRecord(" "));
            cmd.Add(new VectorRecord("fine"));
            cmd.Complete();
            Assert.Equal(new[] { ErrorIds.InvalidRecord, ErrorIds.InvalidId, ErrorIds.InvalidId }, Host.Errors.Select(e => e.ErrorId));
            Assert.Equal(1, Provider.Count("default"));
        }

        [Fact]
        public void Get_by_ids_fetches_in_batches_and_reports_missing_ids()
        {
            Provider.Seed("default", 30);
            var cmd = new GetRecordsCommand(Host, Connection);
            cmd.AddIds(Ids(0, 25).Concat(new[] { "missing" }));
            cmd.Complete();
            Assert.Equal(25, Host.Output.OfType<VectorRecord>().Count());
            Assert.Equal(3, Provider.Calls.Count(c => c.StartsWith("Fetch")));
            var e = Assert.Single(Host.Errors);
            Assert.Equal("RecordNotFound", e.ErrorId);
            Assert.Equal("missing", e.Target);
            Assert.Equal(VectorOpsErrorCategory.ObjectNotFound, e.Category);
        }

        [Fact]
        public void Get_by_prefix_honours_First_and_IdsOnly()
        {
            Provider.Seed("default", 30);
            var cmd = new GetRecordsCommand(Host, Connection) { First = 12, IdsOnly = true };
            cmd.ByPrefix("id-000");
            Assert.Equal(12, Host.Output.Count);
            Assert.DoesNotContain(Provider.Calls, c => c.StartsWith("Fetch"));
        }

        [Fact]
        public void Namespaces_are_listed_with_counts()
        {
            Provider.Seed("a", 2);
            Provider.Seed("b", 5);
            new GetNamespacesCommand(Host, Connection).Execute();
            var list = Host.Output.OfType<NamespaceInfo>().ToList();
            Assert.Equal(new[] { "a", "b" }, list.Select(n => n.Name));
            Assert.Equal(new long?[] { 2, 5 }, list.Select(n => n.RecordCount));
        }

        [Fact]
        public void Wait_marks_acknowledged_mutations_completed_once_applied()
        {
            Provider.PollsUntilApplied = 2;
            var cmd = new WaitMutationCommand(Host, Connection) { PollInterval = TimeSpan.FromMilliseconds(5) };
            var pending = Enumerable.Range(0, 3).Select(i => new VectorMutation
            {
                Provider = "Fake", Index = "test-index", Status = MutationStatus.Acknowledged, ProviderMutationId = "m" + i,
            }).ToList();
            foreach (var m in pending) cmd.Add(m);
            cmd.Add(new VectorMutation { Provider = "Fake", Index = "test-index", Status = MutationStatus.Failed });
            cmd.Complete();

            Assert.Equal(4, Mutations.Count);
            Assert.All(pending, m => Assert.Equal(MutationStatus.Completed, m.Status));
            Assert.Equal(3, Provider.Calls.Count(c => c.StartsWith("GetApplied")));
            Assert.Empty(Host.Errors);
        }

        [Fact]
        public void Wait_times_out_with_an_error_per_unapplied_mutation()
        {
            Provider.PollsUntilApplied = int.MaxValue;
            var cmd = new WaitMutationCommand(Host, Connection) { PollInterval = TimeSpan.FromMilliseconds(5), Timeout = TimeSpan.FromMilliseconds(60) };
            var m = new VectorMutation { Provider = "Fake", Index = "test-index", Status = MutationStatus.Acknowledged, ProviderMutationId = "m1" };
            cmd.Add(m);
            cmd.Complete();
            Assert.Equal(MutationStatus.Acknowledged, m.Status);
            var e = Assert.Single(Host.Errors);
            Assert.Equal(ErrorIds.MutationWaitTimeout, e.ErrorId);
            Assert.Same(m, e.Target);
            Assert.Equal(1, cmd.TimedOut);
        }

        [Theory]
        [InlineData(0)]
        [InlineData(-5)]
        public void A_timeout_that_is_not_positive_is_refused_before_any_mutation_is_read(int seconds)
        {
            var cmd = new WaitMutationCommand(Host, Connection);
            var ex = Assert.Throws<VectorOpsException>(() => cmd.Timeout = TimeSpan.FromSeconds(seconds));
            Assert.Equal(ErrorIds.InvalidArgument, ex.ErrorId);
            Assert.Equal(TimeSpan.FromSeconds(seconds), ex.Target);
            Assert.Equal(TimeSpan.FromMinutes(5), cmd.Timeout);
        }
    }
}
