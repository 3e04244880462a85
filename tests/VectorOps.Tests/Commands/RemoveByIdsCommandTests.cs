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
    public sealed class RemoveByIdsCommandTests : CommandTestBase
    {
        public RemoveByIdsCommandTests() { Provider.Seed("default", 100); }

        [Fact]
        public void Batches_split_at_the_provider_cap_and_each_batch_is_one_mutation()
        {
            var cmd = new RemoveByIdsCommand(Host, Connection);
            cmd.Add(Ids(0, 25));
            cmd.Complete();

            Assert.Equal(new[] { 5, 10, 10 }, Mutations.Select(m => m.Ids!.Count).OrderBy(c => c));
            Assert.All(Mutations, m => Assert.Equal(MutationStatus.Completed, m.Status));
            Assert.All(Mutations, m => Assert.Equal(MutationOperation.DeleteByIds, m.Operation));
            Assert.Equal(3, Provider.Calls.Count(c => c.StartsWith("DeleteByIds")));
            Assert.Equal(75, Provider.Count("default"));
            AssertEachIdOnce(Ids(0, 25));
            Assert.Empty(Host.ThreadViolations);
            Assert.Empty(Host.Errors);
        }

        [Fact]
        public void Each_id_is_validated_once_and_the_provider_is_told_its_batches_are_validated()
        {
            var cmd = new RemoveByIdsCommand(Host, Connection);
            foreach (var id in Ids(0, 25)) cmd.Add(id, null); // one id per call, as a pipeline of single ids
            cmd.Add(new[] { "id-00030", "id-00031" });
            cmd.Add(new[] { "id-00040", "bad!", "id-00041" }); // one bad id: none of this input is sent
            cmd.Add((string?)null);
            cmd.Complete();

            Assert.Equal(25 + 2 + 3, Provider.ValidateIdCalls); // the blank one never reaches the provider's check
            Assert.Equal(3, Provider.ValidatedDeleteCalls);
            Assert.Equal(3, Provider.Calls.Count(c => c.StartsWith("DeleteByIds")));
            AssertEachIdOnce(Ids(0, 25).Concat(new[] { "id-00030", "id-00031" }));
            Assert.Equal(new[] { "bad!", null }, Host.Errors.Select(e => e.Target as string));
            Assert.All(Host.Errors, e => Assert.Equal(ErrorIds.InvalidId, e.ErrorId));
            Assert.True(Provider.Contains("default", "id-00040"));
        }

        [Fact]
        public void The_same_id_twice_in_a_batch_is_sent_once_and_again_in_a_later_batch()
        {
            var cmd = new RemoveByIdsCommand(Host, Connection, new RemoveOptions { BatchSize = 3 });
            foreach (var id in new[] { "id-00001", "id-00001", "id-00002", "id-00001", "id-00003", "id-00001" }) cmd.Add(id, null);
            cmd.Complete();

            var batches = Mutations.Select(m => string.Join(",", m.Ids!)).OrderBy(x => x).ToList();
            Assert.Equal(new[] { "id-00001", "id-00001,id-00002,id-00003" }, batches);
            Assert.All(Mutations, m => Assert.Equal(m.Ids!.Count, m.RequestedCount));
        }

        [Fact]
        public void Ids_stream_from_the_pipeline_a_full_batch_is_sent_before_the_input_ends()
        {
            Provider.DeleteDelay = TimeSpan.Zero;
            var cmd = new RemoveByIdsCommand(Host, Connection);
            foreach (var id in Ids(0, 10)) cmd.Add(new[] { id });
            // The full batch was started (on the pool) before any more input arrived.
            Assert.True(System.Threading.SpinWait.SpinUntil(() => Provider.Calls.Any(c => c.StartsWith("DeleteByIds")), 5000));
            Assert.Single(Provider.Calls, c => c.StartsWith("DeleteByIds"));
            cmd.Add(Ids(10, 3));
            cmd.Complete();
            Assert.Equal(2, Provider.Calls.Count(c => c.StartsWith("DeleteByIds")));
        }

        [Fact]
        public void WhatIf_makes_no_mutating_call_and_previews_exactly_the_ids()
        {
            Host.Decision = ShouldProcessDecision.WhatIf;
            var cmd = new RemoveByIdsCommand(Host, Connection);
            cmd.Add(Ids(0, 23));
            cmd.Complete();

            Assert.Equal(0, Provider.MutatingCalls);
            Assert.Equal(100, Provider.Count("default"));
            Assert.All(Mutations, m => Assert.Equal(MutationStatus.WhatIf, m.Status));
            AssertEachIdOnce(Ids(0, 23));
            Assert.Equal(3, Host.ShouldProcessCalls.Count);
            Assert.Contains("10 record(s) in namespace 'default'", Host.ShouldProcessCalls[0].Target);
        }

        [Fact]
        public void A_declined_confirmation_deletes_nothing_and_reports_skipped_batches()
        {
            Host.Decision = ShouldProcessDecision.Declined;
            var cmd = new RemoveByIdsCommand(Host, Connection);
            cmd.Add(Ids(0, 12));
            cmd.Complete();

            Assert.Equal(0, Provider.MutatingCalls);
            Assert.All(Mutations, m => Assert.Equal(MutationStatus.Skipped, m.Status));
            Assert.All(Mutations, m => Assert.Equal(ErrorIds.DeclinedByUser, m.ErrorId));
            AssertEachIdOnce(Ids(0, 12));
        }

        [Theory]
        [InlineData("bad!id")]
        [InlineData("")]
        [InlineData("   ")]
        [InlineData(null)]
        public void An_invalid_id_is_an_error_naming_it_and_nothing_of_that_input_is_sent(string? bad)
        {
            var cmd = new RemoveByIdsCommand(Host, Connection);
            cmd.Add(new[] { "id-00001", bad, "id-00002" });
            cmd.Complete();

            Assert.Equal(0, Provider.MutatingCalls);
            var error = Assert.Single(Host.Errors);
            Assert.Equal(ErrorIds.InvalidId, error.ErrorId);
            Assert.Equal(VectorOpsErrorCategory.InvalidArgument, error.Category);
            Assert.Equal(bad, error.Target);
            Assert.Empty(Mutations);
        }

        [Fact]
        public void A_bad_input_does_not_stop_later_good_inputs()
        {
            var cmd = new RemoveByIdsCommand(Host, Connection);
            cmd.Add(new[] { "bad!" });
            cmd.Add(new[] { "id-00003" });
            cmd.Complete();
            Assert.Single(Host.Errors);
            Assert.False(Provider.Contains("default", "id-00003"));
        }

        [Fact]
        public void An_invalid_namespace_is_refused_with_the_namespace_as_target()
        {
            var cmd = new RemoveByIdsCommand(Host, Connection);
            cmd.Add(Ids(0, 3), "a/b");
            cmd.Complete();
            var e = Assert.Single(Host.Errors);
            Assert.Equal(ErrorIds.InvalidNamespace, e.ErrorId);
            Assert.Equal("a/b", e.Target);
            Assert.Equal(0, Provider.MutatingCalls);
        }

        [Fact]
        public void Namespaces_are_batched_separately()
        {
            Provider.Seed("other", 5);
            var cmd = new RemoveByIdsCommand(Host, Connection);
            cmd.Add(Ids(0, 3), "default");
            cmd.Add(Ids(0, 3), "other");
            cmd.Complete();
            Assert.Equal(new[] { "default", "other" }, Mutations.Select(m => m.Namespace).OrderBy(n => n));
            Assert.Equal(2, Provider.Count("other"));
        }

        [Fact]
        public void The_same_id_twice_in_a_batch_is_sent_once()
        {
            var cmd = new RemoveByIdsCommand(Host, Connection);
            cmd.Add(new[] { "id-00001", "id-00001", "id-00002" });
            cmd.Complete();
            Assert.Equal(2, Assert.Single(Mutations).RequestedCount);
        }

        [Fact]
        public void Duplicates_are_dropped_per_batch_only_an_id_given_again_after_its_batch_is_sent_again()
        {
            var cmd = new RemoveByIdsCommand(Host, Connection);
            // Cap 10: the first batch is ids 0-9 (id 1 twice), the second starts with id 1 again.
            foreach (var id in Ids(0, 10).Prepend("id-00001")) cmd.Add(new[] { id });
            foreach (var id in new[] { "id-00001", "id-00010", "id-00010" }) cmd.Add(new[] { id });
            cmd.Complete();
            var batches = Mutations.OrderBy(m => m.RequestedCount).ToList();
            Assert.Equal(new[] { "id-00001", "id-00010" }, batches[0].Ids);
            Assert.Equal(Ids(0, 10).OrderBy(i => i, StringComparer.Ordinal), batches[1].Ids!.OrderBy(i => i, StringComparer.Ordinal));
        }

        [Fact]
        public void Each_input_names_its_namespace_a_bad_one_after_good_ones_is_still_refused()
        {
            Provider.Seed("other", 5);
            var cmd = new RemoveByIdsCommand(Host, Connection);
            cmd.Add(new[] { "id-00001" });
            cmd.Add(new[] { "id-00002" }, "other");
            cmd.Add(new[] { "id-00003" }, "a/b");
            cmd.Add(new[] { "id-00004" }, "other");
            cmd.Add(new[] { "id-00005" });
            cmd.Add(new[] { "id-00006" }, ""); // given blank: refused, never the default namespace (issue 12)
            cmd.Complete();
            Assert.Equal(new[] { ("a/b", ErrorIds.InvalidNamespace), ("", ErrorIds.EmptyNamespace) },
                Host.Errors.Select(e => ((string)e.Target!, e.ErrorId)).ToArray());
            Assert.Equal(new[] { "id-00001", "id-00005" }, Mutations.Single(m => m.Namespace == "default").Ids);
            Assert.Equal(new[] { "id-00002", "id-00004" }, Mutations.Single(m => m.Namespace == "other").Ids);
        }

        [Fact]
        public void An_input_that_is_not_a_list_is_read_once_and_validated_whole()
        {
            var reads = 0;
            IEnumerable<string?> Lazy()
            {
                reads++;
                yield return "id-00001";
                yield return " ";
            }
            var cmd = new RemoveByIdsCommand(Host, Connection);
            cmd.Add(Lazy());
            cmd.Complete();
            Assert.Equal(1, reads);
            Assert.Single(Host.Errors);
            Assert.Equal(0, Provider.MutatingCalls);
        }

        [Fact]
        public void Progress_is_written_for_the_first_batch_and_at_the_end_and_each_batch_is_reported_once()
        {
            Provider.Seed("default", 1000);
            var cmd = new RemoveByIdsCommand(Host, Connection, new RemoveOptions { ThrottleLimit = 8 });
            foreach (var id in Ids(0, 1000)) cmd.Add(new[] { id });
            cmd.Complete();
            Assert.Equal(100, Mutations.Count);
            Assert.Equal(100, Mutations.Select(m => m.Ids![0]).Distinct().Count());
            var progress = Host.Progress.Where(p => p.Activity == "Deleting records by id").ToList();
            // Ids streamed in (total unknown): records sent and the rate, no percentage, never "N of N" as if done.
            Assert.Matches(@"^[\d,]+ record\(s\) sent, [\d,]+/s$", progress.First().StatusDescription);
            Assert.Equal(-1, progress.First().PercentComplete);
            Assert.True(progress.Last().Completed);
            Assert.InRange(progress.Count, 2, 101);
            Assert.Empty(Host.ThreadViolations);
        }

        [Theory]
        [InlineData(0)]
        [InlineData(11)]
        public void BatchSize_outside_1_to_the_cap_is_refused(int size)
        {
            var ex = Assert.Throws<VectorOpsException>(() => new RemoveByIdsCommand(Host, Connection, new RemoveOptions { BatchSize = size }));
            Assert.Equal(ErrorIds.InvalidArgument, ex.ErrorId);
            Assert.Equal(size, ex.Target);
        }

        [Fact]
        public void ThrottleLimit_below_one_is_refused()
        {
            var ex = Assert.Throws<VectorOpsException>(() => new RemoveByIdsCommand(Host, Connection, new RemoveOptions { ThrottleLimit = 0 }));
            Assert.Equal(ErrorIds.InvalidArgument, ex.ErrorId);
        }

        [Fact]
        public void Concurrency_is_bounded_by_ThrottleLimit_and_host_calls_stay_on_the_callers_thread()
        {
            Provider.Seed("default", 100);
            Provider.DeleteDelay = TimeSpan.FromMilliseconds(30);
            var cmd = new RemoveByIdsCommand(Host, Connection, new RemoveOptions { ThrottleLimit = 2 });
            cmd.Add(Ids(0, 100));
            cmd.Complete();
            Assert.Equal(10, Mutations.Count);
            Assert.True(Provider.MaxObservedConcurrency <= 2, "observed " + Provider.MaxObservedConcurrency);
            Assert.True(Provider.MaxObservedConcurrency >= 1);
            Assert.Empty(Host.ThreadViolations);
        }

        [Fact]
        public void A_failed_batch_is_a_Failed_mutation_and_an_error_carrying_it_while_other_batches_succeed()
        {
            Provider.FailDelete = (n, ids) => ids.Contains("id-00015")
                ? new VectorOpsException(ErrorIds.ProviderServerError, VectorOpsErrorCategory.ResourceUnavailable, "boom", null) { Attempts = 3 }
                : null;
            var cmd = new RemoveByIdsCommand(Host, Connection);
            cmd.Add(Ids(0, 30));
            cmd.Complete();

            var failed = Assert.Single(Mutations, m => m.Status == MutationStatus.Failed);
            Assert.Contains("id-00015", failed.Ids!);
            Assert.Equal(ErrorIds.ProviderServerError, failed.ErrorId);
            Assert.Equal(3, failed.Attempts);
            Assert.Equal(2, Mutations.Count(m => m.Status == MutationStatus.Completed));
            var error = Assert.Single(Host.Errors);
            Assert.Same(failed, error.Target);
            Assert.Same(failed, ((VectorOpsException)error.Exception).Mutation);
            Assert.Equal(1, cmd.FailedBatches);
            Assert.True(Provider.Contains("default", "id-00015"));
            AssertEachIdOnce(Ids(0, 30));
        }

        [Fact]
        public void An_unexpected_exception_in_a_batch_is_still_reported_as_a_failed_mutation()
        {
            Provider.FailDelete = (n, ids) => n == 1 ? new InvalidOperationException("socket gone") : null;
            var cmd = new RemoveByIdsCommand(Host, Connection, new RemoveOptions { ThrottleLimit = 1 });
            cmd.Add(Ids(0, 20));
            cmd.Complete();
            var failed = Assert.Single(Mutations, m => m.Status == MutationStatus.Failed);
            Assert.Equal(ErrorIds.BatchFailed, failed.ErrorId);
            Assert.Contains("socket gone", failed.Error);
        }

        [Fact]
        public void Failed_mutations_sent_back_retry_exactly_their_ids()
        {
            Provider.FailDelete = (n, ids) => n == 2 ? new VectorOpsException(ErrorIds.ProviderServerError, VectorOpsErrorCategory.ResourceUnavailable, "boom", null) : null;
            var first = new RemoveByIdsCommand(Host, Connection, new RemoveOptions { ThrottleLimit = 1 });
            first.Add(Ids(0, 30));
            first.Complete();
            var failed = Mutations.Single(m => m.Status == MutationStatus.Failed);

            Provider.FailDelete = null;
            var retryHost = new Support.RecordingHost();
            var retry = new RemoveByIdsCommand(retryHost, Connection);
            retry.Retry(failed);
            retry.Complete();

            var m = Assert.Single(retryHost.Mutations);
            Assert.Equal(failed.Ids, m.Ids);
            Assert.Equal(MutationStatus.Completed, m.Status);
            Assert.Equal(70, Provider.Count("default"));
        }

        [Fact]
        public void Each_mutation_sent_back_is_retried_as_its_own_batch_never_merged_with_other_inputs()
        {
            // Two failed batches of 10 (as -BatchSize 10 made them) piped back into one Remove-VectorRecord: the
            // user gets one result per mutation given, with exactly its ids, not one batch of 20.
            Provider.FailDelete = (n, ids) => n == 2 || n == 4 ? new VectorOpsException(ErrorIds.ProviderServerError, VectorOpsErrorCategory.ResourceUnavailable, "boom", null) : null;
            var first = new RemoveByIdsCommand(Host, Connection, new RemoveOptions { ThrottleLimit = 1, BatchSize = 10 });
            first.Add(Ids(0, 50));
            first.Complete();
            var failed = Mutations.Where(m => m.Status == MutationStatus.Failed).ToList();
            Assert.Equal(2, failed.Count);

            Provider.FailDelete = null;
            var retryHost = new Support.RecordingHost();
            var retry = new RemoveByIdsCommand(retryHost, Connection, new RemoveOptions { ThrottleLimit = 1 });
            retry.Add(new[] { "id-00090" });
            foreach (var m in failed) retry.Retry(m);
            retry.Add(new[] { "id-00091" });
            retry.Complete();

            var results = retryHost.Mutations.ToList();
            Assert.Equal(3, results.Count); // the two retried batches, then the two pipeline ids together
            Assert.Equal(failed[0].Ids, results[0].Ids);
            Assert.Equal(failed[1].Ids, results[1].Ids);
            Assert.Equal(new[] { "id-00090", "id-00091" }, results[2].Ids);
            Assert.All(results, m => Assert.Equal(MutationStatus.Completed, m.Status));
            Assert.Equal(100 - 52, Provider.Count("default"));
        }

        [Fact]
        public void A_retried_mutation_larger_than_the_batch_size_is_split_and_its_duplicates_sent_once()
        {
            var cmd = new RemoveByIdsCommand(Host, Connection, new RemoveOptions { BatchSize = 4 });
            var ids = Ids(0, 10).Concat(new[] { "id-00003" }).ToArray();
            cmd.Retry(new VectorMutation { Provider = "Fake", Index = "test-index", Operation = MutationOperation.DeleteByIds, Status = MutationStatus.Failed, Ids = ids, Namespace = "default" });
            cmd.Complete();
            // Batches run in parallel and are written as they finish: order them by their first id to compare.
            var batches = Mutations.OrderBy(m => m.Ids![0], StringComparer.Ordinal).ToList();
            Assert.Equal(new[] { 4, 4, 2 }, batches.Select(m => m.Ids!.Count).ToArray());
            Assert.Equal(Ids(0, 10), batches.SelectMany(m => m.Ids!).ToArray());
            Assert.Equal(90, Provider.Count("default"));
        }

        [Fact]
        public void A_retried_mutation_with_one_bad_id_sends_none_of_its_ids()
        {
            var cmd = new RemoveByIdsCommand(Host, Connection);
            cmd.Retry(new VectorMutation { Provider = "Fake", Index = "test-index", Operation = MutationOperation.DeleteByIds, Status = MutationStatus.Failed, Ids = new[] { "id-00001", " ", "id-00002" }, Namespace = "default" });
            cmd.Complete();
            var e = Assert.Single(Host.Errors);
            Assert.Equal(ErrorIds.InvalidId, e.ErrorId);
            Assert.Equal(0, Provider.MutatingCalls);
        }

        [Fact]
        public void A_mutation_of_another_index_or_without_ids_is_not_retried()
        {
            var cmd = new RemoveByIdsCommand(Host, Connection);
            cmd.Retry(new VectorMutation { Provider = "Fake", Index = "elsewhere", Ids = new[] { "id-00001" }, Namespace = "default" });
            cmd.Retry(new VectorMutation { Provider = "Fake", Index = "test-index", Operation = MutationOperation.ClearNamespace });
            cmd.Complete();
            Assert.Equal(2, Host.Errors.Count);
            Assert.All(Host.Errors, e => Assert.Equal(ErrorIds.InvalidInputObject, e.ErrorId));
            Assert.Equal(0, Provider.MutatingCalls);
        }

        [Fact]
        public void A_failed_Upsert_mutation_is_never_turned_into_a_delete()
        {
            var cmd = new RemoveByIdsCommand(Host, Connection);
            cmd.Retry(new VectorMutation { Provider = "Fake", Index = "test-index", Operation = MutationOperation.Upsert, Status = MutationStatus.Failed, Ids = new[] { "id-00001" }, Namespace = "default" });
            cmd.Complete();
            var e = Assert.Single(Host.Errors);
            Assert.Equal(ErrorIds.InvalidInputObject, e.ErrorId);
            Assert.Equal(0, Provider.MutatingCalls);
            Assert.True(Provider.Contains("default", "id-00001"));
        }

        [Fact]
        public void Cancellation_stops_new_batches_lets_in_flight_finish_and_reports_every_batch()
        {
            Provider.Seed("default", 500);
            Provider.DeleteDelay = TimeSpan.FromMilliseconds(20);
            Host.OnWrite = (h, o) => { if (o is VectorMutation m && m.Status == MutationStatus.Completed) h.Cancel(); };
            var cmd = new RemoveByIdsCommand(Host, Connection, new RemoveOptions { ThrottleLimit = 2 });
            cmd.Add(Ids(0, 500));
            cmd.Complete();

            Assert.Equal(50, Mutations.Count);
            var sent = Mutations.Count(m => m.Status == MutationStatus.Completed);
            var skipped = Mutations.Count(m => m.Status == MutationStatus.Skipped);
            Assert.InRange(sent, 1, 4);
            Assert.Equal(50 - sent, skipped);
            Assert.All(Mutations.Where(m => m.Status == MutationStatus.Skipped), m => Assert.Equal(ErrorIds.OperationStopped, m.ErrorId));
            Assert.Equal(sent, Provider.Calls.Count(c => c.StartsWith("DeleteByIds")));
            Assert.Equal(500 - sent * 10, Provider.Count("default"));
            AssertEachIdOnce(Ids(0, 500));
        }

    }
}
