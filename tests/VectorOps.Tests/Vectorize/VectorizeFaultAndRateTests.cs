using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using VectorOps.Commands;
using VectorOps.Emulators.Infrastructure;
using VectorOps.Errors;
using VectorOps.Model;
using VectorOps.Providers;
using VectorOps.Providers.Vectorize;
using Xunit;

namespace VectorOps.Tests.Vectorize
{
    /// <summary>429 (short and long Retry-After, the account block), 5xx, resets, and pacing under the account limit.</summary>
    public sealed class VectorizeFaultAndRateTests : VectorizeTestBase
    {
        public VectorizeFaultAndRateTests(VectorizeFixture fixture) : base(fixture) { }

        private string DeletePath(string index) => $"/accounts/{Fixture.AccountId}/vectorize/v2/indexes/{index}/delete_by_ids";

        /// <summary>The emulator's account limit: at most <paramref name="requests"/> in any <paramref name="window"/>, then a block of <paramref name="block"/>; the count starts afresh.</summary>
        private void AccountLimit(int requests, TimeSpan window, TimeSpan block)
        {
            Emulator.RateLimit = requests;
            Emulator.RateWindow = window;
            Emulator.RateBlock = block;
            Emulator.ResetRateLimit();
        }

        [Fact]
        public void A_429_with_a_short_Retry_After_is_waited_out_and_retried()
        {
            var index = Fixture.NewIndex();
            index.Seed("doc-", 50);
            using var connection = Fixture.Connect(index.Name);
            Emulator.Faults.OnPath(DeletePath(index.Name), Fault.TooManyRequests(TimeSpan.FromSeconds(1)), times: 1);

            var remove = new RemoveByIdsCommand(Host, connection);
            remove.Add(Ids("doc-", 0, 50));
            remove.Complete();

            var m = Assert.Single(Host.Mutations);
            Assert.Equal(MutationStatus.Acknowledged, m.Status);
            Assert.Equal(2, m.Attempts);
            Assert.Empty(Host.Errors);
            var calls = Fixture.Calls(index.Name, "delete_by_ids");
            Assert.Equal(new[] { 429, 200 }, calls.Select(c => c.Status));
        }

        [Fact]
        public void A_429_with_a_long_Retry_After_fails_at_once_says_the_account_is_blocked_and_sends_nothing_more()
        {
            var index = Fixture.NewIndex();
            index.Seed("doc-", 300);
            using var connection = Fixture.Connect(index.Name);
            Emulator.Faults.OnPath(DeletePath(index.Name), Fault.TooManyRequests(TimeSpan.FromSeconds(240)));

            var remove = new RemoveByIdsCommand(Host, connection, new RemoveOptions { ThrottleLimit = 1 });
            remove.Add(Ids("doc-", 0, 300));
            remove.Complete();

            var mutations = Host.Mutations.ToList();
            Assert.Equal(3, mutations.Count);
            Assert.All(mutations, m => Assert.Equal(MutationStatus.Failed, m.Status));
            Assert.All(mutations, m => Assert.Equal(ErrorIds.ProviderRateLimited, m.ErrorId));
            Assert.Single(Fixture.Calls(index.Name, "delete_by_ids")); // one request, no retry, then nothing
            var first = (VectorOpsException)Host.Errors[0].Exception;
            Assert.Equal(1, first.Attempts);
            Assert.Equal(429, first.StatusCode);
            Assert.Equal("1015", first.ProviderCode);
            Assert.Contains("blocked this account's API requests for 240 seconds", first.Message, StringComparison.Ordinal);
            Assert.Contains("1,200 requests in 5 minutes", first.Message, StringComparison.Ordinal);
            Assert.All(Host.Errors.Skip(1), e => Assert.Contains("was not sent", e.Exception.Message, StringComparison.Ordinal));

            // Reads to the same account are held back too.
            var ex = Assert.Throws<VectorOpsException>(() => Sync(connection.ProviderInstance.GetStatsAsync(default)));
            Assert.Equal(ErrorIds.ProviderRateLimited, ex.ErrorId);
            Assert.Empty(Fixture.Calls(index.Name, "info"));
        }

        [Fact]
        public void Going_over_the_account_limit_blocks_every_call_and_the_message_says_so_plainly()
        {
            var index = Fixture.NewIndex();
            index.Seed("doc-", 10);
            AccountLimit(5, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5));
            using var connection = Fixture.Connect(index.Name);
            var provider = connection.ProviderInstance;

            for (var i = 0; i < 5; i++) Sync(provider.GetStatsAsync(default));
            var blocked = Assert.Throws<VectorOpsException>(() => Sync(provider.GetStatsAsync(default)));
            Assert.Equal(ErrorIds.ProviderRateLimited, blocked.ErrorId);
            Assert.Equal(VectorOpsErrorCategory.LimitsExceeded, blocked.Category);
            Assert.Contains("blocked this account's API requests for 300 seconds", blocked.Message, StringComparison.Ordinal);
            Assert.True(blocked.IsTransient);

            var again = Assert.Throws<VectorOpsException>(() => Sync(provider.GetStatsAsync(default)));
            Assert.Contains("more second(s)", again.Message, StringComparison.Ordinal);
            Assert.Equal(0, again.Attempts);
            Assert.Equal(1, Emulator.RateLimitedCount);
            Assert.Equal(6, Fixture.Calls(index.Name, "info").Count);
        }

        [Theory]
        [InlineData(500)]
        [InlineData(503)]
        public void Server_errors_are_retried(int status)
        {
            InjectsServerErrors = true;
            var index = Fixture.NewIndex();
            index.Seed("doc-", 20);
            using var connection = Fixture.Connect(index.Name);
            Emulator.Faults.OnPath(DeletePath(index.Name), Fault.Status(status), times: 2);

            var remove = new RemoveByIdsCommand(Host, connection);
            remove.Add(Ids("doc-", 0, 20));
            remove.Complete();

            var m = Assert.Single(Host.Mutations);
            Assert.Equal(MutationStatus.Acknowledged, m.Status);
            Assert.Equal(3, m.Attempts);
            Assert.Equal(new[] { status, status, 200 }, Fixture.Calls(index.Name, "delete_by_ids").Select(c => c.Status));
        }

        [Fact]
        public void A_server_error_that_persists_fails_the_batch_after_the_configured_attempts()
        {
            InjectsServerErrors = true;
            var index = Fixture.NewIndex();
            index.Seed("doc-", 20);
            using var connection = Fixture.Connect(index.Name, s => s.MaxAttempts = 2);
            Emulator.Faults.OnPath(DeletePath(index.Name), Fault.Unavailable());

            var remove = new RemoveByIdsCommand(Host, connection);
            remove.Add(Ids("doc-", 0, 20));
            remove.Complete();

            var m = Assert.Single(Host.Mutations);
            Assert.Equal(MutationStatus.Failed, m.Status);
            Assert.Equal(ErrorIds.ProviderServerError, m.ErrorId);
            Assert.Equal(2, m.Attempts);
            Assert.Equal(m.Ids, ((VectorOpsException)Assert.Single(Host.Errors).Exception).Mutation!.Ids); // can be piped back
            Assert.Equal(20, index.Count);
        }

        [Fact]
        public void A_connection_reset_is_retried()
        {
            var index = Fixture.NewIndex();
            index.Seed("doc-", 20);
            using var connection = Fixture.Connect(index.Name);
            Emulator.Faults.OnPath(DeletePath(index.Name), Fault.Reset(), times: 1);

            var remove = new RemoveByIdsCommand(Host, connection);
            remove.Add(Ids("doc-", 0, 20));
            remove.Complete();

            var m = Assert.Single(Host.Mutations);
            Assert.Equal(MutationStatus.Acknowledged, m.Status);
            Assert.Equal(2, m.Attempts);
        }

        [Fact]
        public void Paced_requests_stay_under_a_small_account_limit()
        {
            // 10 requests per 2 s (a scaled-down 1,200 per 5 minutes); the client paces itself at 3 per second.
            var index = Fixture.NewIndex();
            index.Seed("doc-", 2000);
            AccountLimit(10, TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(1));
            using var connection = Fixture.Connect(index.Name, s => s.RequestsPerSecond = 3);

            var remove = new RemoveByIdsCommand(Host, connection, new RemoveOptions { ThrottleLimit = 4 });
            remove.Add(Ids("doc-", 0, 2000));
            remove.Complete();

            Assert.Equal(0, Emulator.RateLimitedCount);
            Assert.Equal(20, Host.Mutations.Count(m => m.Status == MutationStatus.Acknowledged));
            Assert.Equal(20, Fixture.Calls(index.Name, "delete_by_ids").Count);
        }

        [Fact]
        public void The_pace_is_shared_by_every_connection_to_the_same_account()
        {
            // Two jobs at once on two indexes of one account: 20 requests in all. Paced separately at 3/s each they
            // would send 6/s and meet the limit of 10 per 2 s; sharing one pace per account keeps them under it.
            var a = Fixture.NewIndex();
            var b = Fixture.NewIndex();
            a.Seed("doc-", 1000);
            b.Seed("doc-", 1000);
            AccountLimit(10, TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(1));

            var results = new List<Support.RecordingHost>();
            var threads = new[] { a, b }.Select(index => new Thread(() =>
            {
                var host = new Support.RecordingHost();
                using var connection = Fixture.Connect(index.Name, s => s.RequestsPerSecond = 3);
                var remove = new RemoveByIdsCommand(host, connection);
                remove.Add(Ids("doc-", 0, 1000));
                remove.Complete();
                lock (results) results.Add(host);
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());

            Assert.Equal(2, results.Count);
            Assert.Equal(0, Emulator.RateLimitedCount);
            Assert.All(results, h => Assert.Equal(10, h.Mutations.Count(m => m.Status == MutationStatus.Acknowledged)));
            Assert.All(results, h => Assert.Empty(h.ThreadViolations));
        }

        [Fact]
        public void Without_pacing_the_same_burst_meets_the_limit()
        {
            // The control for the two tests above: the emulator's limit does bite when the client does not pace.
            var index = Fixture.NewIndex();
            index.Seed("doc-", 2000);
            AccountLimit(10, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1));
            using var connection = Fixture.Connect(index.Name, s =>
            {
                s.RequestsPerSecond = 1000;
                s.MaxAttempts = 1;
            });

            var remove = new RemoveByIdsCommand(Host, connection, new RemoveOptions { ThrottleLimit = 4 });
            remove.Add(Ids("doc-", 0, 2000));
            remove.Complete();

            Assert.True(Emulator.RateLimitedCount > 0);
            Assert.Contains(Host.Mutations, m => m.ErrorId == ErrorIds.ProviderRateLimited);
        }

        // ---- the default pace: the window's budget ------------------------------------------------------------

        /// <summary>Settings without a RequestsPerSecond: the default, window-budget pacing.</summary>
        private static void WindowPaced(ConnectionSettings s, int limit, int windowSeconds)
        {
            s.RequestsPerSecond = null;
            s[VectorizeDescriptor.RateLimit] = limit;
            s[VectorizeDescriptor.RateWindowSeconds] = windowSeconds;
        }

        [Fact]
        public void By_default_the_pace_is_the_windows_budget_and_a_rate_asked_for_is_an_even_pace()
        {
            var index = Fixture.NewIndex();
            using (var connection = Fixture.Connect(index.Name, s => s.RequestsPerSecond = null))
            {
                var p = Assert.IsType<VectorizeProvider>(connection.ProviderInstance);
                Assert.Equal(1080, p.WindowBudget); // 0.9 of 1,200, leaving 120 a window to the account's other clients
                Assert.Equal(TimeSpan.FromMinutes(5), p.RequestWindow);
                Assert.Equal(3.6, p.RequestsPerSecond, 10);
            }
            using (var connection = Fixture.Connect(index.Name, s => WindowPaced(s, 40, 2)))
            {
                var p = Assert.IsType<VectorizeProvider>(connection.ProviderInstance);
                Assert.Equal(36, p.WindowBudget);
                Assert.Equal(TimeSpan.FromSeconds(2), p.RequestWindow);
            }
            using (var connection = Fixture.Connect(index.Name, s => s.RequestsPerSecond = 2))
            {
                var p = Assert.IsType<VectorizeProvider>(connection.ProviderInstance);
                Assert.Null(p.WindowBudget);
                Assert.Equal(2, p.RequestsPerSecond);
            }
        }

        [Fact]
        public void A_job_longer_than_the_windows_budget_stays_within_it_and_meets_no_429()
        {
            // The emulator enforces 40 per 2 s (a scaled-down 1,200 per 5 minutes) and blocks for a minute past it;
            // 80 deletes is twice the window's limit, so the job must wait for the window to slide, more than once.
            var index = Fixture.NewIndex();
            index.Seed("doc-", 8000);
            AccountLimit(40, TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(1));
            using var connection = Fixture.Connect(index.Name, s => WindowPaced(s, 40, 2));

            var remove = new RemoveByIdsCommand(Host, connection, new RemoveOptions { ThrottleLimit = 8 });
            remove.Add(Ids("doc-", 0, 8000));
            remove.Complete();

            Assert.Equal(0, Emulator.RateLimitedCount);
            Assert.Empty(Host.Errors);
            Assert.Equal(80, Host.Mutations.Count(m => m.Status == MutationStatus.Acknowledged));
            Assert.Equal(80, Fixture.Calls(index.Name, "delete_by_ids").Count);
        }

        [Fact]
        public void With_the_windows_budget_a_long_429_still_blocks_the_account_and_nothing_more_is_sent()
        {
            // The account's real limit is lower than the one VectorOps was told (another client used most of it):
            // the 429 that follows blocks the account as with an even pace.
            var index = Fixture.NewIndex();
            index.Seed("doc-", 1000);
            AccountLimit(5, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5));
            using var connection = Fixture.Connect(index.Name, s => WindowPaced(s, 1200, 300));

            var remove = new RemoveByIdsCommand(Host, connection, new RemoveOptions { ThrottleLimit = 1 });
            remove.Add(Ids("doc-", 0, 1000));
            remove.Complete();

            Assert.Equal(1, Emulator.RateLimitedCount);
            Assert.Equal(5, Host.Mutations.Count(m => m.Status == MutationStatus.Acknowledged));
            Assert.Equal(5, Host.Mutations.Count(m => m.ErrorId == ErrorIds.ProviderRateLimited));
            Assert.Equal(6, Fixture.Calls(index.Name, "delete_by_ids").Count); // 5 accepted, 1 refused, then nothing
            Assert.All(Host.Errors.Skip(1), e => Assert.Contains("was not sent", e.Exception.Message, StringComparison.Ordinal));
        }
    }
}
