using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using VectorOps.Providers.Kit;
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
    }
}
