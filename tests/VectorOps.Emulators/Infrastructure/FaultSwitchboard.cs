using System;
using System.Collections.Generic;
using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace VectorOps.Emulators.Infrastructure
{
    /// <summary>What an injected fault does to a request.</summary>
    public enum FaultKind
    {
        /// <summary>Answer an HTTP error status with the emulator's own error body (and Retry-After when set).</summary>
        Status,
        /// <summary>Wait, then serve the request normally.</summary>
        Delay,
        /// <summary>Never answer (until the client gives up and aborts, or the hang limit passes).</summary>
        Hang,
        /// <summary>Reset the connection mid-request (HttpContext.Abort()): the client sees a connection error.</summary>
        Reset,
    }

    /// <summary>One fault to inject. Build with the static helpers.</summary>
    public sealed class Fault
    {
        private Fault(FaultKind kind, int status = 0, TimeSpan? retryAfter = null, TimeSpan? delay = null)
        {
            Kind = kind;
            StatusCode = status;
            RetryAfter = retryAfter;
            Delay = delay ?? TimeSpan.Zero;
        }

        public FaultKind Kind { get; }
        public int StatusCode { get; }
        public TimeSpan? RetryAfter { get; }
        public TimeSpan Delay { get; }

        /// <summary>429 with Retry-After (whole seconds, as services send it; at least 1 when given).</summary>
        public static Fault TooManyRequests(TimeSpan? retryAfter = null) => new Fault(FaultKind.Status, 429, retryAfter);
        public static Fault ServerError() => new Fault(FaultKind.Status, 500);
        public static Fault Unavailable(TimeSpan? retryAfter = null) => new Fault(FaultKind.Status, 503, retryAfter);
        /// <summary>Any status, answered with the emulator's error body for it.</summary>
        public static Fault Status(int statusCode, TimeSpan? retryAfter = null) => new Fault(FaultKind.Status, statusCode, retryAfter);
        public static Fault Latency(TimeSpan delay) => new Fault(FaultKind.Delay, delay: delay);
        /// <summary>Holds the request open (at most <paramref name="limit"/>, default 5 minutes) without answering.</summary>
        public static Fault Hang(TimeSpan? limit = null) => new Fault(FaultKind.Hang, delay: limit ?? TimeSpan.FromMinutes(5));
        public static Fault Reset() => new Fault(FaultKind.Reset);

        public override string ToString() => Kind switch
        {
            FaultKind.Status => RetryAfter is TimeSpan ra ? $"{StatusCode} (Retry-After {ra.TotalSeconds:0} s)" : StatusCode.ToString(),
            FaultKind.Delay => $"delay {Delay.TotalMilliseconds:0} ms",
            _ => Kind.ToString().ToLowerInvariant(),
        };
    }

    /// <summary>
    /// Faults the tests switch on: for the next N requests, or for every request (or N of them) matching a
    /// predicate such as a path; a fixed latency added to every request; and an optional token-bucket rate limit
    /// that answers 429 with Retry-After the way the service does. Thread-safe; rules are tried in the order added
    /// and the first one that applies (and has uses left) fires.
    /// </summary>
    public sealed class FaultSwitchboard
    {
        private readonly object _gate = new object();
        private readonly List<Rule> _rules = new List<Rule>();
        private TokenBucket? _bucket;
        private int _bodyRules;
        private Func<HttpRequest, string?>? _rateKey;
        private int _injected;

        /// <summary>Latency added to every request before it is served (0: none).</summary>
        public TimeSpan AddedLatency { get; set; }

        /// <summary>How many faults (rate-limit answers included) were injected so far.</summary>
        public int InjectedCount { get { lock (_gate) return _injected; } }

        /// <summary>The next <paramref name="count"/> requests (any path) get the fault.</summary>
        public FaultSwitchboard NextRequests(int count, Fault fault) => Add(fault, null, count);

        /// <summary>Requests whose path starts with <paramref name="pathPrefix"/> get the fault: all of them, or the next <paramref name="times"/>.</summary>
        public FaultSwitchboard OnPath(string pathPrefix, Fault fault, int? times = null, string? method = null) =>
            Add(fault, r => r.Path.Value != null && r.Path.Value.StartsWith(pathPrefix, StringComparison.Ordinal) &&
                            (method is null || string.Equals(r.Method, method, StringComparison.OrdinalIgnoreCase)), times);

        /// <summary>Requests the predicate selects get the fault: all of them, or the next <paramref name="times"/>.</summary>
        public FaultSwitchboard When(Func<HttpRequest, bool> match, Fault fault, int? times = null) => Add(fault, match, times);

        /// <summary>
        /// Requests whose body contains <paramref name="text"/> (and whose path starts with <paramref name="pathPrefix"/>)
        /// get the fault: all of them (a batch that fails permanently, whatever the retries), or the next
        /// <paramref name="times"/>. While such a rule exists the host reads request bodies before serving them.
        /// </summary>
        public FaultSwitchboard OnBodyContaining(string text, Fault fault, int? times = null, string? pathPrefix = null)
        {
            if (string.IsNullOrEmpty(text)) throw new ArgumentException("The text to look for is empty.", nameof(text));
            Func<HttpRequest, bool>? match = pathPrefix is null ? null : r => r.Path.Value != null && r.Path.Value.StartsWith(pathPrefix, StringComparison.Ordinal);
            return Add(fault, match, times, text);
        }

        /// <summary>True while a rule looks at request bodies (the host then buffers them).</summary>
        public bool InspectsBodies { get { lock (_gate) return _bodyRules > 0; } }

        /// <summary>
        /// A token bucket: <paramref name="requestsPerSecond"/> sustained, <paramref name="burst"/> at once, per key
        /// (the key selector picks what is limited; null key = not limited; default: every request shares one bucket).
        /// Over the limit the emulator answers 429 with Retry-After (seconds until a token is free, rounded up).
        /// </summary>
        public FaultSwitchboard RateLimit(double requestsPerSecond, int burst, Func<HttpRequest, string?>? key = null)
        {
            lock (_gate)
            {
                _bucket = new TokenBucket(requestsPerSecond, burst);
                _rateKey = key ?? (_ => "*");
            }
            return this;
        }

        /// <summary>Removes every rule, the rate limit and the added latency.</summary>
        public void Clear()
        {
            lock (_gate)
            {
                _rules.Clear();
                _bodyRules = 0;
                _bucket = null;
                _rateKey = null;
                AddedLatency = TimeSpan.Zero;
            }
        }

        private FaultSwitchboard Add(Fault fault, Func<HttpRequest, bool>? match, int? times, string? bodyContains = null)
        {
            if (fault is null) throw new ArgumentNullException(nameof(fault));
            if (times is int t && t < 1) throw new ArgumentOutOfRangeException(nameof(times));
            lock (_gate)
            {
                _rules.Add(new Rule(fault, match, times, bodyContains));
                if (bodyContains != null) _bodyRules++;
            }
            return this;
        }

        /// <summary>
        /// The fault for this request, if any (consumes one use of the rule). Called once per request by the host,
        /// with the request body when <see cref="InspectsBodies"/> was true.
        /// </summary>
        public Fault? Take(HttpRequest request, string? body = null)
        {
            lock (_gate)
            {
                for (var i = 0; i < _rules.Count; i++)
                {
                    var rule = _rules[i];
                    if (rule.Match != null && !rule.Match(request)) continue;
                    if (rule.BodyContains != null && (body is null || body.IndexOf(rule.BodyContains, StringComparison.Ordinal) < 0)) continue;
                    if (rule.Remaining is int n)
                    {
                        if (n <= 1)
                        {
                            _rules.RemoveAt(i);
                            if (rule.BodyContains != null) _bodyRules--;
                        }
                        else rule.Remaining = n - 1;
                    }
                    _injected++;
                    return rule.Fault;
                }
                if (_bucket != null && _rateKey != null)
                {
                    var key = _rateKey(request);
                    if (key != null && !_bucket.TryTake(key, out var wait))
                    {
                        _injected++;
                        return Fault.TooManyRequests(TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(wait.TotalSeconds))));
                    }
                }
                return null;
            }
        }

        private sealed class Rule
        {
            public Rule(Fault fault, Func<HttpRequest, bool>? match, int? remaining, string? bodyContains)
            {
                Fault = fault;
                Match = match;
                Remaining = remaining;
                BodyContains = bodyContains;
            }

            public Fault Fault { get; }
            public Func<HttpRequest, bool>? Match { get; }
            public string? BodyContains { get; }
            public int? Remaining { get; set; }
        }
    }

    /// <summary>A per-key token bucket (not thread-safe on its own: callers hold a lock).</summary>
    public sealed class TokenBucket
    {
        private readonly double _rate;
        private readonly double _burst;
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly Dictionary<string, (double Tokens, double At)> _state = new Dictionary<string, (double, double)>(StringComparer.Ordinal);

        public TokenBucket(double requestsPerSecond, int burst)
        {
            if (!(requestsPerSecond > 0)) throw new ArgumentOutOfRangeException(nameof(requestsPerSecond));
            if (burst < 1) throw new ArgumentOutOfRangeException(nameof(burst));
            _rate = requestsPerSecond;
            _burst = burst;
        }

        /// <summary>Takes a token for the key, or says how long until one is free.</summary>
        public bool TryTake(string key, out TimeSpan wait)
        {
            var now = _clock.Elapsed.TotalSeconds;
            var (tokens, at) = _state.TryGetValue(key, out var s) ? s : (_burst, now);
            tokens = Math.Min(_burst, tokens + (now - at) * _rate);
            if (tokens >= 1)
            {
                _state[key] = (tokens - 1, now);
                wait = TimeSpan.Zero;
                return true;
            }
            _state[key] = (tokens, now);
            wait = TimeSpan.FromSeconds((1 - tokens) / _rate);
            return false;
        }
    }
}
