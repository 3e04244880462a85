using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace VectorOps.Transport
{
    /// <summary>
    /// Keeps a client under a provider's published rate, across all concurrent callers: each request reserves a
    /// send time and waits for it. Two shapes of limit:
    /// <list type="bullet">
    /// <item>An even rate (<see cref="RequestPacer(double)"/>): requests are spaced 1/rate apart, never bursting.
    /// Right for a limit per second, or when the user asks for an even pace.</item>
    /// <item>A window's budget (<see cref="Window(int, TimeSpan)"/>): at most N requests in any window of length W, as a service
    /// that counts requests per window publishes it (e.g. 1,200 per 5 minutes per account). A sliding log of the last N
    /// requests: request k may go once request k-N was answered at least W earlier, so a short job runs at the
    /// speed of its round trips and a long one averages about N/W. Counting from the answer (<see cref="Release"/>),
    /// not from the send, is what makes it hold at the server: the server counted request k-N when it arrived,
    /// before its answer came back, so however the network delays one request and not another, no window of length
    /// W at the server holds more than N of this pacer's requests (a request still unanswered when its successor N
    /// later asks counts from its send).</item>
    /// </list>
    /// A 429's Retry-After pauses every later request of the pacer (<see cref="Pause"/>).
    /// </summary>
    public sealed class RequestPacer
    {
        private readonly long _intervalTicks;
        private readonly object _gate = new object();
        private readonly Func<long> _now; // ticks of TimeSpan (100 ns), from any fixed origin
        private long _nextTicks;

        // Window mode: the last _log.Length requests (a ring indexed by ticket): each one's send time, replaced by
        // the time of its answer once it is released.
        private readonly Entry[]? _log;
        private readonly long _windowTicks;
        private long _nextTicket;
        private long _pausedUntil = long.MinValue;

        private struct Entry
        {
            public long Ticket;
            public long Ticks;
        }

        /// <summary>An even pace of <paramref name="requestsPerSecond"/>.</summary>
        public RequestPacer(double requestsPerSecond) : this(requestsPerSecond, null) { }

        /// <summary>An even pace on a given clock (tests).</summary>
        internal RequestPacer(double requestsPerSecond, Func<long>? now)
        {
            if (!(requestsPerSecond > 0) || double.IsInfinity(requestsPerSecond)) throw new ArgumentOutOfRangeException(nameof(requestsPerSecond));
            RequestsPerSecond = requestsPerSecond;
            _intervalTicks = (long)(TimeSpan.TicksPerSecond / requestsPerSecond);
            _now = now ?? StopwatchTicks();
        }

        private RequestPacer(int limit, TimeSpan window, Func<long>? now)
        {
            WindowLimit = limit;
            WindowLength = window;
            RequestsPerSecond = limit / window.TotalSeconds;
            _windowTicks = window.Ticks;
            _log = new Entry[limit];
            for (var i = 0; i < _log.Length; i++) _log[i] = new Entry { Ticket = -1, Ticks = long.MinValue / 2 };
            _now = now ?? StopwatchTicks();
        }

        /// <summary>At most <paramref name="limit"/> requests in any window of <paramref name="window"/>.</summary>
        public static RequestPacer Window(int limit, TimeSpan window) => Window(limit, window, null);

        /// <summary>A window's budget on a given clock (tests).</summary>
        internal static RequestPacer Window(int limit, TimeSpan window, Func<long>? now)
        {
            if (limit < 1) throw new ArgumentOutOfRangeException(nameof(limit));
            if (window <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(window));
            return new RequestPacer(limit, window, now);
        }

        /// <summary>The even rate; for a window, its long-run average (limit / window).</summary>
        public double RequestsPerSecond { get; }

        /// <summary>Requests allowed in any window of <see cref="WindowLength"/>; null for an even pace.</summary>
        public int? WindowLimit { get; }

        /// <summary>The window's length; null for an even pace.</summary>
        public TimeSpan? WindowLength { get; }

        /// <summary>Waits for this request's slot (a request that is never <see cref="Release"/>d counts from its send).</summary>
        public Task WaitAsync(CancellationToken cancellationToken) => Delay(Reserve(out _), cancellationToken);

        /// <summary>
        /// Waits for this request's slot and returns its ticket: pass it to <see cref="Release"/> once the request
        /// is answered (or failed), so the window counts from the answer.
        /// </summary>
        public async Task<long> AcquireAsync(CancellationToken cancellationToken)
        {
            var wait = Reserve(out var ticket);
            if (wait > TimeSpan.Zero) await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            return ticket;
        }

        /// <summary>The request of <paramref name="ticket"/> was answered (or failed): its window counts from now.</summary>
        public void Release(long ticket)
        {
            if (_log is null || ticket < 0) return;
            lock (_gate)
            {
                ref var entry = ref _log[ticket % _log.Length];
                if (entry.Ticket != ticket) return; // long since overtaken
                var now = _now();
                if (now > entry.Ticks) entry.Ticks = now;
            }
        }

        private static Task Delay(TimeSpan wait, CancellationToken cancellationToken) =>
            wait <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(wait, cancellationToken);

        /// <summary>Reserves the next send time and returns how long from now it is (zero: now).</summary>
        internal TimeSpan Reserve() => Reserve(out _);

        /// <summary>Reserves the next send time; <paramref name="ticket"/> names it for <see cref="Release"/> (-1: an even pace, nothing to release).</summary>
        internal TimeSpan Reserve(out long ticket)
        {
            lock (_gate)
            {
                var now = _now();
                long slot;
                if (_log is null)
                {
                    ticket = -1;
                    slot = Math.Max(now, _nextTicks);
                    _nextTicks = slot + _intervalTicks;
                }
                else
                {
                    // The request _log.Length before this one must have been answered (or, unanswered yet, sent) a
                    // whole window earlier. Tickets are handed out in order, so its entry is the one this takes over.
                    ticket = _nextTicket++;
                    ref var entry = ref _log[ticket % _log.Length];
                    slot = Math.Max(Math.Max(now, _pausedUntil), entry.Ticks + _windowTicks);
                    entry.Ticket = ticket;
                    entry.Ticks = slot;
                }
                return TimeSpan.FromTicks(Math.Max(0, slot - now));
            }
        }

        /// <summary>Pushes every later slot back (after a 429 the service told us to wait).</summary>
        public void Pause(TimeSpan delay)
        {
            lock (_gate)
            {
                var until = _now() + delay.Ticks;
                if (_log is null)
                {
                    if (until > _nextTicks) _nextTicks = until;
                }
                else if (until > _pausedUntil) _pausedUntil = until;
            }
        }

        private static Func<long> StopwatchTicks()
        {
            var clock = Stopwatch.StartNew();
            return () => clock.Elapsed.Ticks;
        }
    }
}
