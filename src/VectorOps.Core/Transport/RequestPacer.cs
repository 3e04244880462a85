using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace VectorOps.Transport
{
    /// <summary>
    /// Spaces requests so a client stays under a provider's published rate (requests per second), across all
    /// concurrent callers: each request reserves the next free slot and waits for it. Filling the rate exactly,
    /// never bursting over it, is what keeps a big job out of 429 territory.
    /// </summary>
    public sealed class RequestPacer
    {
        private readonly long _intervalTicks;
        private readonly object _gate = new object();
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private long _nextTicks;

        public RequestPacer(double requestsPerSecond)
        {
            if (!(requestsPerSecond > 0)) throw new ArgumentOutOfRangeException(nameof(requestsPerSecond));
            RequestsPerSecond = requestsPerSecond;
            _intervalTicks = (long)(Stopwatch.Frequency / requestsPerSecond);
        }

        public double RequestsPerSecond { get; }

        /// <summary>Waits for this request's slot.</summary>
        public Task WaitAsync(CancellationToken cancellationToken)
        {
            long wait;
            lock (_gate)
            {
                var now = _clock.ElapsedTicks;
                var slot = Math.Max(now, _nextTicks);
                _nextTicks = slot + _intervalTicks;
                wait = slot - now;
            }
            if (wait <= 0) return Task.CompletedTask;
            return Task.Delay(TimeSpan.FromTicks(wait * TimeSpan.TicksPerSecond / Stopwatch.Frequency), cancellationToken);
        }

        /// <summary>Pushes every later slot back (after a 429 the service told us to wait).</summary>
        public void Pause(TimeSpan delay)
        {
            lock (_gate)
            {
                var until = _clock.ElapsedTicks + (long)(delay.TotalSeconds * Stopwatch.Frequency);
                if (until > _nextTicks) _nextTicks = until;
            }
        }
    }
}
