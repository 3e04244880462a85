using System;
using System.Collections.Generic;
using System.Linq;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using VectorOps.Providers.Kit;
using VectorOps.Transport;
using Xunit;

namespace VectorOps.Tests.Kit
{
    /// <summary>The one pacing mechanism: one pacer per key and rate, shared by whoever asks for it.</summary>
    public sealed class PacersTests
    {
        [Fact]
        public void The_same_key_and_rate_is_the_same_pacer_others_are_not()
        {
            var pacers = new Pacers();
            var a = pacers.For("ns-a", 95);
            Assert.Same(a, pacers.For("ns-a", 95));
            Assert.NotSame(a, pacers.For("ns-b", 95));
            Assert.NotSame(a, pacers.For("ns-a", 5));
            Assert.Equal(95, a.RequestsPerSecond);
            Assert.Equal(3, pacers.Count);
            Assert.NotSame(a, new Pacers().For("ns-a", 95));
            Assert.Same(Pacers.Process.For("kit-test|acct", 3.6), Pacers.Process.For("kit-test|acct", 3.6));
        }

        [Theory]
        [InlineData(0)]
        [InlineData(-1)]
        [InlineData(double.NaN)]
        [InlineData(double.PositiveInfinity)]
        public void A_rate_that_is_not_positive_and_finite_is_refused(double rate)
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => new Pacers().For("x", rate));
        }

        [Fact]
        public async Task Requests_of_one_key_are_spaced_by_its_rate()
        {
            var pacer = new Pacers().For("ns", 20); // 50 ms apart
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < 5; i++) await pacer.WaitAsync(CancellationToken.None);
            Assert.True(clock.ElapsedMilliseconds >= 180, $"5 requests at 20/s took {clock.ElapsedMilliseconds} ms");
        }

        // ---- the window's budget (a sliding log), on a clock the test moves --------------------------------------

        private sealed class FakeClock
        {
            public long Ticks;
            public void Advance(TimeSpan by) => Ticks += by.Ticks;
        }

        /// <summary>Each request's send time: now plus the wait the pacer hands out.</summary>
        private static List<long> Reserve(RequestPacer pacer, FakeClock clock, int requests)
        {
            var sends = new List<long>(requests);
            for (var i = 0; i < requests; i++) sends.Add(clock.Ticks + pacer.Reserve().Ticks);
            return sends;
        }

        /// <summary>The most send times that fall in any window [t, t + window).</summary>
        private static int MostInAnyWindow(IReadOnlyList<long> sends, TimeSpan window)
        {
            var sorted = sends.OrderBy(t => t).ToArray();
            var most = 0;
            for (int first = 0, last = 0; first < sorted.Length; first++)
            {
                while (last < sorted.Length && sorted[last] - sorted[first] < window.Ticks) last++;
                most = Math.Max(most, last - first);
            }
            return most;
        }

        [Fact]
        public void A_job_smaller_than_the_windows_budget_is_sent_without_waiting()
        {
            // Cloudflare's account window with VectorOps' share: 1,080 in any 5 minutes. 200 requests fit.
            var clock = new FakeClock();
            var pacer = RequestPacer.Window(1080, TimeSpan.FromMinutes(5), () => clock.Ticks);
            var sends = Reserve(pacer, clock, 200);
            Assert.All(sends, t => Assert.Equal(0, t));
            Assert.Equal(1080, pacer.WindowLimit);
            Assert.Equal(3.6, pacer.RequestsPerSecond, 10);

            // The even pace of the same average would have spread them over 55 s.
            var even = new RequestPacer(3.6, () => clock.Ticks);
            Assert.True(Reserve(even, clock, 200).Max() > TimeSpan.FromSeconds(55).Ticks);
        }

        [Theory]
        [InlineData(1, 0)]      // every request asks at once
        [InlineData(100, 10)]   // requests arrive every 10 ms, faster than the budget allows
        [InlineData(1, 50)]     // one every 50 ms (20/s): a little faster than the budget's average (18/s)
        public void No_window_ever_holds_more_than_the_budget(int burst, int gapMs)
        {
            // 36 in any 2 s: 0.9 of a 40-per-2-s limit, the short window the bench and the emulator tests use.
            var clock = new FakeClock();
            var pacer = RequestPacer.Window(36, TimeSpan.FromSeconds(2), () => clock.Ticks);
            var sends = new List<long>();
            for (var i = 0; i < 300; i++)
            {
                sends.Add(clock.Ticks + pacer.Reserve().Ticks);
                if ((i + 1) % burst == 0) clock.Advance(TimeSpan.FromMilliseconds(gapMs));
            }
            Assert.Equal(36, MostInAnyWindow(sends, TimeSpan.FromSeconds(2)));
            // The budget is used, not wasted: 300 requests end within one window of 300 / 36 windows.
            Assert.True(sends.Max() <= clock.Ticks + TimeSpan.FromSeconds(2 * (300 / 36 + 1)).Ticks);
        }

        [Fact]
        public void A_pause_after_a_429_holds_back_every_later_request_of_the_window_pacer()
        {
            var clock = new FakeClock();
            var pacer = RequestPacer.Window(36, TimeSpan.FromSeconds(2), () => clock.Ticks);
            Assert.Equal(TimeSpan.Zero, pacer.Reserve());
            pacer.Pause(TimeSpan.FromSeconds(5));
            Assert.Equal(TimeSpan.FromSeconds(5), pacer.Reserve());
            clock.Advance(TimeSpan.FromSeconds(6));
            Assert.Equal(TimeSpan.Zero, pacer.Reserve());
        }

        [Fact]
        public void The_window_counts_from_each_requests_answer_once_it_is_released()
        {
            // 2 in any 10 s. Both answered at 3 s: the third goes at 13 s, a window after the answer the server
            // surely counted, not at 10 s (a window after the send, which a slow first request would break).
            var clock = new FakeClock();
            var pacer = RequestPacer.Window(2, TimeSpan.FromSeconds(10), () => clock.Ticks);
            Assert.Equal(TimeSpan.Zero, pacer.Reserve(out var first));
            Assert.Equal(TimeSpan.Zero, pacer.Reserve(out var second));
            clock.Advance(TimeSpan.FromSeconds(3));
            pacer.Release(first);
            pacer.Release(second);
            Assert.Equal(TimeSpan.FromSeconds(10), pacer.Reserve(out var third));
            Assert.Equal(TimeSpan.FromSeconds(10), pacer.Reserve(out _));
            // Released late (after its successor two on took its place), a ticket changes nothing.
            pacer.Release(first);
            clock.Advance(TimeSpan.FromSeconds(10));
            pacer.Release(third);
            Assert.Equal(TimeSpan.FromSeconds(10), pacer.Reserve(out _));
        }

        [Fact]
        public void The_same_key_limit_and_window_is_the_same_window_pacer()
        {
            var pacers = new Pacers();
            var a = pacers.ForWindow("acct", 1080, TimeSpan.FromMinutes(5));
            Assert.Same(a, pacers.ForWindow("acct", 1080, TimeSpan.FromMinutes(5)));
            Assert.NotSame(a, pacers.ForWindow("acct", 36, TimeSpan.FromSeconds(2)));
            Assert.NotSame(a, pacers.ForWindow("other", 1080, TimeSpan.FromMinutes(5)));
            Assert.NotSame(a, pacers.For("acct", 3.6));
            Assert.Equal(TimeSpan.FromMinutes(5), a.WindowLength);
            Assert.Throws<ArgumentOutOfRangeException>(() => pacers.ForWindow("x", 0, TimeSpan.FromSeconds(1)));
            Assert.Throws<ArgumentOutOfRangeException>(() => pacers.ForWindow("x", 1, TimeSpan.Zero));
        }
    }
}
