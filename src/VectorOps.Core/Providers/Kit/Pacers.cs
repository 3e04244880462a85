using System;
using System.Collections.Concurrent;
using VectorOps.Transport;

namespace VectorOps.Providers.Kit
{
    /// <summary>
    /// The one way a provider paces its requests: a registry of <see cref="RequestPacer"/>s by key (a namespace,
    /// an account) and limit: an even rate (<see cref="For"/>) or a window's budget (<see cref="ForWindow"/>, for a
    /// service that publishes N requests per window and blocks past it). A provider keeps its own registry for limits that belong to one connection, or uses
    /// <see cref="Process"/> for limits shared by every connection of the process (a per-account limit). The
    /// transport takes the pacer of each request (<see cref="HttpTransport.SendAsync"/>) and pauses it on a
    /// 429's Retry-After, so every request of that scope waits too.
    /// </summary>
    public sealed class Pacers
    {
        /// <summary>Pacers shared by every connection of this process.</summary>
        public static Pacers Process { get; } = new Pacers();

        private readonly ConcurrentDictionary<(string Key, double Rate), RequestPacer> _pacers = new ConcurrentDictionary<(string Key, double Rate), RequestPacer>();

        /// <summary>The pacer of <paramref name="key"/> at <paramref name="requestsPerSecond"/>: the same object for the same key and rate.</summary>
        public RequestPacer For(string key, double requestsPerSecond)
        {
            if (key is null) throw new ArgumentNullException(nameof(key));
            if (!(requestsPerSecond > 0) || double.IsInfinity(requestsPerSecond)) throw new ArgumentOutOfRangeException(nameof(requestsPerSecond));
            // Looked up once per request, never per id; GetOrAdd looks up first, and the lambda captures nothing,
            // so nothing is allocated once the pacer exists.
            return _pacers.GetOrAdd((key, requestsPerSecond), k => new RequestPacer(k.Rate));
        }

        private readonly ConcurrentDictionary<(string Key, int Limit, long WindowTicks), RequestPacer> _windows = new ConcurrentDictionary<(string Key, int Limit, long WindowTicks), RequestPacer>();

        /// <summary>
        /// The pacer of <paramref name="key"/> allowing at most <paramref name="limit"/> requests in any window of
        /// <paramref name="window"/> (a sliding log: see <see cref="RequestPacer.Window(int, TimeSpan)"/>): the same object for the
        /// same key, limit and window. The caller passes its share of the published limit (e.g. 0.9 of it).
        /// </summary>
        public RequestPacer ForWindow(string key, int limit, TimeSpan window)
        {
            if (key is null) throw new ArgumentNullException(nameof(key));
            if (limit < 1) throw new ArgumentOutOfRangeException(nameof(limit));
            if (window <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(window));
            return _windows.GetOrAdd((key, limit, window.Ticks), k => RequestPacer.Window(k.Limit, TimeSpan.FromTicks(k.WindowTicks)));
        }

        /// <summary>How many pacers this registry holds.</summary>
        public int Count => _pacers.Count + _windows.Count;
    }
}
