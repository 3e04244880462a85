using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading;
using VectorOps.Commands;
using VectorOps.Errors;
using VectorOps.Model;
using VectorOps.Security;
using Xunit;

namespace VectorOps.Tests.Vectorize
{
    public sealed class VectorizeDeleteAndWaitTests : VectorizeTestBase
    {
        public VectorizeDeleteAndWaitTests(VectorizeFixture fixture) : base(fixture) { }

        [Fact]
        public void Deleting_2500_ids_sends_25_calls_of_at_most_100_and_waiting_returns_only_once_all_25_are_applied()
        {
            var index = Fixture.NewIndex();
            var ids = Ids("doc-", 0, 2500).ToList();
            index.Seed("doc-", 2500);
            index.Seed("keep-", 40);
            using var connection = Fixture.Connect(index.Name);

            // Nothing is applied while the delete runs, so the wait below has 25 queued mutations to wait for.
            Emulator.ApplyPaused = true;
            var remove = new RemoveByIdsCommand(Host, connection);
            foreach (var id in ids) remove.Add(new[] { id }); // streamed one pipeline record at a time
            remove.Complete();

            var calls = Fixture.Calls(index.Name, "delete_by_ids");
            Assert.Equal(25, calls.Count);
            Assert.All(calls, c => Assert.InRange(c.IdCount ?? -1, 1, 100));
            Assert.Equal(2500, calls.Sum(c => c.IdCount));
            Assert.All(calls, c => Assert.Equal(200, c.Status));

            var mutations = Host.Mutations.ToList();
            Assert.Equal(25, mutations.Count);
            Assert.All(mutations, m => Assert.Equal(MutationStatus.Acknowledged, m.Status));
            var emulated = index.Mutations;
            Assert.Equal(emulated.Select(m => m.Id).OrderBy(x => x), mutations.Select(m => m.ProviderMutationId!).OrderBy(x => x));
            Assert.Equal(ids.OrderBy(x => x), mutations.SelectMany(m => m.Ids!).OrderBy(x => x));
            Assert.Equal(25, index.PendingCount);
            Assert.True(index.Contains("doc-00000"));

            // The applier resumes a little later, while the wait polls.
            using var resume = new Timer(_ => Emulator.ApplyPaused = false, null, TimeSpan.FromMilliseconds(800), Timeout.InfiniteTimeSpan);
            var waitHost = new Support.RecordingHost();
            var wait = new WaitMutationCommand(waitHost, connection) { PollInterval = TimeSpan.FromMilliseconds(100), Timeout = TimeSpan.FromMinutes(1) };
            foreach (var m in mutations) wait.Add(m);
            wait.Complete();

            // At return the emulator has applied every one of the 25, and every id is gone.
            Assert.All(mutations, m => Assert.True(index.IsApplied(m.ProviderMutationId!), $"mutation {m.ProviderMutationId} was not applied when the wait returned"));
            Assert.Equal(0, index.PendingCount);
            Assert.All(ids, id => Assert.False(index.Contains(id)));
            Assert.Equal(40, index.Count);
            Assert.Equal(0, wait.TimedOut);
            Assert.Empty(waitHost.Errors);
            var completed = waitHost.Mutations.ToList();
            Assert.Equal(25, completed.Count);
            Assert.All(completed, m => Assert.Equal(MutationStatus.Completed, m.Status));
            Assert.Contains(waitHost.Progress, p => p.StatusDescription.Contains("of 25 applied", StringComparison.Ordinal));
            Assert.True(Fixture.Calls(index.Name, "info").Count >= 2, "the wait polls /info until everything is applied");

            // The journal agrees: exactly the requested ids were deleted, each once.
            Assert.Equal(ids.OrderBy(x => x), Emulator.Journal.DeletedIds(index.Name).OrderBy(x => x));
            Assert.Empty(Emulator.Journal.DeletedMoreThanOnce(index.Name));
        }

        [Fact]
        public void A_long_run_keeps_a_bounded_number_of_acknowledgement_times_and_waits_still_end_only_once_applied()
        {
            // 10,000,000 ids are 100,000 mutations: the provider must not hold one entry per mutation for the whole
            // session. Past the bound the oldest are forgotten; a wait on them falls back to a later bound (their
            // local completion time), so it may take longer but never ends before the service has applied them.
            var index = Fixture.NewIndex();
            var ids = Ids("doc-", 0, 2000).ToList();
            index.Seed("doc-", 2000);
            using var connection = Fixture.Connect(index.Name);
            var provider = Assert.IsType<VectorOps.Providers.Vectorize.VectorizeProvider>(connection.ProviderInstance);
            provider.AcknowledgementsKept = 5;

            Emulator.ApplyPaused = true;
            var remove = new RemoveByIdsCommand(Host, connection);
            foreach (var id in ids) remove.Add(id);
            remove.Complete();
            var mutations = Host.Mutations.ToList();
            Assert.Equal(20, mutations.Count);
            Assert.All(mutations, m => Assert.Equal(MutationStatus.Acknowledged, m.Status));
            Assert.InRange(provider.AcknowledgementsHeld, 1, 5);
            Assert.Equal(20, index.PendingCount);

            using var resume = new Timer(_ => Emulator.ApplyPaused = false, null, TimeSpan.FromMilliseconds(500), Timeout.InfiniteTimeSpan);
            var waitHost = new Support.RecordingHost();
            var wait = new WaitMutationCommand(waitHost, connection) { PollInterval = TimeSpan.FromMilliseconds(100), Timeout = TimeSpan.FromMinutes(1) };
            foreach (var m in mutations) wait.Add(m);
            wait.Complete();

            Assert.Equal(0, wait.TimedOut);
            Assert.Empty(waitHost.Errors);
            Assert.All(mutations, m => Assert.True(index.IsApplied(m.ProviderMutationId!), $"mutation {m.ProviderMutationId} was not applied when the wait returned"));
            Assert.Equal(20, waitHost.Mutations.Count(m => m.Status == MutationStatus.Completed));
            Assert.Equal(0, index.Count);
            Assert.Equal(0, provider.AcknowledgementsHeld);
        }

        [Fact]
        public void Waiting_confirms_mutations_that_overlapped_the_last_one_applied()
        {
            // Three batches in flight at once: /info can only name one of them as processedUpToMutation.
            var index = Fixture.NewIndex();
            index.Seed("doc-", 300);
            using var connection = Fixture.Connect(index.Name);
            var remove = new RemoveByIdsCommand(Host, connection, new RemoveOptions { ThrottleLimit = 3 });
            remove.Add(Ids("doc-", 0, 300));
            remove.Complete();
            var mutations = Host.Mutations.ToList();
            Assert.Equal(3, mutations.Count);

            var waitHost = new Support.RecordingHost();
            var wait = new WaitMutationCommand(waitHost, connection) { PollInterval = TimeSpan.FromMilliseconds(100), Timeout = TimeSpan.FromSeconds(30) };
            foreach (var m in mutations) wait.Add(m);
            wait.Complete();

            Assert.Equal(0, wait.TimedOut);
            Assert.All(mutations, m => Assert.True(index.IsApplied(m.ProviderMutationId!)));
            Assert.Equal(0, index.Count);
        }

        [Fact]
        public void Another_session_can_wait_on_the_mutations_like_vectorops_wait_in_a_second_process()
        {
            // The mutations are copied (as the CLI reads them back from JSON) and waited on through a new connection,
            // whose provider has never seen their answers.
            var index = Fixture.NewIndex();
            index.Seed("doc-", 500);
            List<VectorMutation> copies;
            using (var first = Fixture.Connect(index.Name))
            {
                var remove = new RemoveByIdsCommand(Host, first);
                remove.Add(Ids("doc-", 0, 500));
                remove.Complete();
                copies = Host.Mutations.Select(m => JsonSerializer.Deserialize<VectorMutation>(JsonSerializer.Serialize(m))!).ToList();
            }
            Assert.Equal(5, copies.Count);

            using var second = Fixture.Connect(index.Name);
            var waitHost = new Support.RecordingHost();
            var wait = new WaitMutationCommand(waitHost, second) { PollInterval = TimeSpan.FromMilliseconds(100), Timeout = TimeSpan.FromSeconds(30) };
            foreach (var m in copies) wait.Add(m);
            wait.Complete();

            Assert.Equal(0, wait.TimedOut);
            Assert.All(copies, m => Assert.True(index.IsApplied(m.ProviderMutationId!)));
            Assert.Equal(0, index.Count);
        }

        [Fact]
        public void Overlapping_upserts_are_confirmed_in_this_session_and_in_another_by_reading_them_back()
        {
            var index = Fixture.NewIndex();
            index.Seed("r-", 20); // r-00000..r-00019 exist: some upserts below are updates, not inserts
            using var connection = Fixture.Connect(index.Name);
            var add = new AddRecordsCommand(Host, connection, throttleLimit: 3, batchSize: 10);
            for (var i = 0; i < 40; i++)
                add.Add(new VectorRecord("r-" + i.ToString("D5", System.Globalization.CultureInfo.InvariantCulture))
                {
                    Values = new[] { i, 1f, 2f, 3f },
                    Metadata = new Dictionary<string, object?> { ["i"] = (long)i, ["tag"] = "new" },
                });
            add.Complete();
            var mutations = Host.Mutations.ToList();
            Assert.Equal(4, mutations.Count);
            Assert.All(mutations, m => Assert.StartsWith("vectorize-upsert-digest:v1:", m.ProviderState, StringComparison.Ordinal));

            // Another session, from JSON (as `vectorops add | vectorops wait` does).
            var copies = mutations.Select(m => JsonSerializer.Deserialize<VectorMutation>(JsonSerializer.Serialize(m))!).ToList();
            using var second = Fixture.Connect(index.Name);
            var waitHost = new Support.RecordingHost();
            var wait = new WaitMutationCommand(waitHost, second) { PollInterval = TimeSpan.FromMilliseconds(100), Timeout = TimeSpan.FromSeconds(30) };
            foreach (var m in copies) wait.Add(m);
            wait.Complete();
            Assert.Equal(0, wait.TimedOut);
            Assert.All(copies, m => Assert.True(index.IsApplied(m.ProviderMutationId!)));
            Assert.Equal(40, index.Count);
            Assert.Contains("\"tag\":\"new\"", index.Get("r-00005")!.MetadataJson!, StringComparison.Ordinal);
        }

        [Fact]
        public void Waiting_times_out_with_a_clear_error_while_the_service_has_not_applied_the_mutation()
        {
            var index = Fixture.NewIndex();
            index.Seed("doc-", 5);
            using var connection = Fixture.Connect(index.Name);
            Emulator.ApplyPaused = true;
            var remove = new RemoveByIdsCommand(Host, connection);
            remove.Add(Ids("doc-", 0, 5));
            remove.Complete();
            var m = Assert.Single(Host.Mutations);

            var waitHost = new Support.RecordingHost();
            var wait = new WaitMutationCommand(waitHost, connection) { PollInterval = TimeSpan.FromMilliseconds(100), Timeout = TimeSpan.FromMilliseconds(700) };
            wait.Add(m);
            wait.Complete();

            Assert.Equal(1, wait.TimedOut);
            var error = Assert.Single(waitHost.Errors);
            Assert.Equal(ErrorIds.MutationWaitTimeout, error.ErrorId);
            Assert.Contains(m.ProviderMutationId!, error.Exception.Message, StringComparison.Ordinal);
            Assert.Equal(MutationStatus.Acknowledged, m.Status);
            Assert.False(index.IsApplied(m.ProviderMutationId!));
            Assert.Equal(0, Fixture.MutatingCalls(index.Name) - 1); // the one delete, nothing more
        }

        [Fact]
        public void The_emulator_rejects_101_ids_whole_with_40007_like_the_service()
        {
            var index = Fixture.NewIndex();
            index.Seed("doc-", 101);
            var body = JsonSerializer.Serialize(new { ids = Ids("doc-", 0, 101).ToArray() });
            var path = $"accounts/{Fixture.AccountId}/vectorize/v2/indexes/{index.Name}/delete_by_ids";

            foreach (var target in new[] { Emulator.BaseUri, Fixture.Prism.Uri }) // raw, then through the validator
            {
                using var client = new HttpClient();
                using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(target, path))
                {
                    Content = new StringContent(body, Encoding.UTF8, "application/json"),
                };
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", VectorizeFixture.Token);
                using var response = client.Send(request);
                Assert.Equal(400, (int)response.StatusCode);
                using var doc = JsonDocument.Parse(Sync(response.Content.ReadAsStringAsync()));
                Assert.False(doc.RootElement.GetProperty("success").GetBoolean());
                Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("result").ValueKind);
                var error = doc.RootElement.GetProperty("errors")[0];
                Assert.Equal(40007, error.GetProperty("code").GetInt32());
                Assert.Equal("too many ids in payload; max id count is 100", error.GetProperty("message").GetString());
            }
            Assert.Empty(index.Mutations); // rejected whole: nothing queued
            Assert.Equal(101, index.Count);
        }

        [Fact]
        public void The_provider_never_sends_more_than_100_ids_even_when_called_directly()
        {
            var index = Fixture.NewIndex();
            using var connection = Fixture.Connect(index.Name);
            var ex = Assert.Throws<VectorOpsException>(() =>
                Sync(connection.ProviderInstance.DeleteByIdsAsync("__default__", Ids("doc-", 0, 101).ToList(), CancellationToken.None)));
            Assert.Equal(ErrorIds.InvalidArgument, ex.ErrorId);
            Assert.Contains("100", ex.Message, StringComparison.Ordinal);
            Assert.Empty(Fixture.Calls(index.Name));

            Assert.Throws<VectorOpsException>(() =>
                new RemoveByIdsCommand(Host, connection, new RemoveOptions { BatchSize = 101 }));
        }

        [Fact]
        public void A_service_error_keeps_cloudflares_code_and_fails_only_its_batch()
        {
            var index = Fixture.NewIndex();
            index.Seed("doc-", 200);
            using var connection = Fixture.Connect(index.Name);
            // One batch meets an error answer in the envelope (the fault writes code 10000 + status).
            Emulator.Faults.When(r => r.Path.Value!.EndsWith("/delete_by_ids", StringComparison.Ordinal) && r.Path.Value.Contains(index.Name, StringComparison.Ordinal),
                Emulators.Infrastructure.Fault.Status(404), times: 1);
            var remove = new RemoveByIdsCommand(Host, connection, new RemoveOptions { ThrottleLimit = 1 });
            remove.Add(Ids("doc-", 0, 200));
            remove.Complete();

            var mutations = Host.Mutations.ToList();
            Assert.Equal(2, mutations.Count);
            var failed = Assert.Single(mutations, m => m.Status == MutationStatus.Failed);
            Assert.Single(mutations, m => m.Status == MutationStatus.Acknowledged);
            Assert.Equal(ErrorIds.ProviderNotFound, failed.ErrorId);
            var error = Assert.Single(Host.Errors);
            var voe = Assert.IsType<VectorOpsException>(error.Exception);
            Assert.Equal("10404", voe.ProviderCode);
            Assert.Contains("Cloudflare error 10404", voe.Message, StringComparison.Ordinal);
            Assert.Equal(1, remove.FailedBatches);
        }

        [Fact]
        public void Unknown_index_and_wrong_token_map_to_stable_ids_with_the_cloudflare_code()
        {
            var index = Fixture.NewIndex();
            using (var missing = Fixture.Connect("no-such-index"))
            {
                var reader = new GetNamespacesCommand(Host, missing);
                var ex = Assert.Throws<VectorOpsException>(() => reader.Execute());
                Assert.Equal(ErrorIds.ProviderNotFound, ex.ErrorId);
                Assert.Equal("10004", ex.ProviderCode);
                Assert.Equal(404, ex.StatusCode);
            }
            using (var wrong = Fixture.Connect(index.Name, s => s.Credential = Security.Secret.FromPlainText("not-the-token-0000000000")))
            {
                var ex = Assert.Throws<VectorOpsException>(() => Sync(wrong.ProviderInstance.GetStatsAsync(CancellationToken.None)));
                Assert.Equal(ErrorIds.ProviderAuthenticationFailed, ex.ErrorId);
                Assert.Equal("10000", ex.ProviderCode);
                Assert.DoesNotContain("not-the-token-0000000000", ex.ToString(), StringComparison.Ordinal);
                Assert.Equal(1, ex.Attempts); // 401 is not retried
            }
        }
    }
}
