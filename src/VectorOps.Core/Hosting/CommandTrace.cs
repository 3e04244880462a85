using System;
using System.Collections.Concurrent;
using System.Threading;
using VectorOps.Security;

namespace VectorOps.Hosting
{
    /// <summary>
    /// The trace sink of one command run. Request traces are produced wherever the work runs (pool threads, inside
    /// the transport), but a host may only be called on the thread that runs the command. So a run installs its
    /// sink as the ambient one (<see cref="Enter"/>, an AsyncLocal that flows into every task and continuation
    /// started inside the scope), lines are queued from any thread (<see cref="Write"/>), and the command drains
    /// the queue to <see cref="ICommandHost.WriteVerbose"/> / <see cref="ICommandHost.WriteDebug"/> on its own
    /// thread at its natural points (a batch reported, a page read, a read awaited, the run's end).
    /// Lines reach the queue already scrubbed of the connection's secret (see <see cref="ForConnection"/>).
    /// </summary>
    public sealed class CommandTrace
    {
        /// <summary>Most lines kept between two drains; more are counted and reported as dropped.</summary>
        public const int Capacity = 10000;

        private static readonly AsyncLocal<CommandTrace?> Ambient = new AsyncLocal<CommandTrace?>();

        private readonly ConcurrentQueue<Line> _lines = new ConcurrentQueue<Line>();
        private int _queued;
        private int _dropped;

        /// <summary>The sink of the run in scope on this logical flow of work, if any.</summary>
        public static CommandTrace? Current => Ambient.Value;

        /// <summary>Queues a verbose line for the run in scope (any thread); dropped when no run is in scope.</summary>
        public static void Write(string line) => Ambient.Value?.Enqueue(false, line);

        /// <summary>Queues a debug line (finer detail such as retry decisions) for the run in scope.</summary>
        public static void WriteDebug(string line) => Ambient.Value?.Enqueue(true, line);

        /// <summary>Lines waiting to be drained.</summary>
        public int Pending => Volatile.Read(ref _queued);

        /// <summary>
        /// Makes this sink the ambient one until the scope is disposed. Work started inside the scope (Task.Run,
        /// awaits, async enumerators advanced inside it) keeps writing here even after the scope is left.
        /// </summary>
        public Scope Enter()
        {
            var previous = Ambient.Value;
            Ambient.Value = this;
            return new Scope(previous);
        }

        /// <summary>Writes every queued line to the host. Call only on the host's thread.</summary>
        public void Drain(ICommandHost host)
        {
            if (host is null) throw new ArgumentNullException(nameof(host));
            while (_lines.TryDequeue(out var line))
            {
                Interlocked.Decrement(ref _queued);
                if (line.Debug) host.WriteDebug(line.Text);
                else host.WriteVerbose(line.Text);
            }
            var dropped = Interlocked.Exchange(ref _dropped, 0);
            if (dropped > 0)
                host.WriteVerbose($"{dropped} trace line(s) were dropped: more than {Capacity} arrived between two points where they could be shown.");
        }

        /// <summary>Runs a synchronous piece of work with this run's sink in scope, then drains it to the host.</summary>
        public static T Run<T>(ICommandHost host, Func<T> work)
        {
            if (work is null) throw new ArgumentNullException(nameof(work));
            var trace = new CommandTrace();
            try
            {
                using (trace.Enter()) return work();
            }
            finally
            {
                trace.Drain(host);
            }
        }

        /// <summary>
        /// The trace listener a connection's provider is given: it scrubs the connection's secret, passes the line
        /// to the listener the caller set (if any), and queues it for the command run in scope. Idempotent: a
        /// settings object already wired keeps its listener.
        /// </summary>
        public static Action<string> ForConnection(Action<string>? listener, Secret? secret)
        {
            if (listener?.Target is Relay already) return already.Invoke;
            return new Relay(listener, secret).Invoke;
        }

        private void Enqueue(bool debug, string text)
        {
            if (Interlocked.Increment(ref _queued) > Capacity)
            {
                Interlocked.Decrement(ref _queued);
                Interlocked.Increment(ref _dropped);
                return;
            }
            _lines.Enqueue(new Line(debug, text));
        }

        /// <summary>Restores the sink that was ambient before <see cref="Enter"/>.</summary>
        public struct Scope : IDisposable
        {
            private readonly CommandTrace? _previous;
            private bool _done;

            internal Scope(CommandTrace? previous)
            {
                _previous = previous;
                _done = false;
            }

            public void Dispose()
            {
                if (_done) return;
                _done = true;
                Ambient.Value = _previous;
            }
        }

        private readonly struct Line
        {
            public Line(bool debug, string text)
            {
                Debug = debug;
                Text = text;
            }

            public bool Debug { get; }
            public string Text { get; }
        }

        private sealed class Relay
        {
            private readonly Action<string>? _listener;
            private readonly Secret? _secret;

            public Relay(Action<string>? listener, Secret? secret)
            {
                _listener = listener;
                _secret = secret;
            }

            public void Invoke(string line)
            {
                if (line is null) return;
                if (_secret != null && _secret.OccursIn(line)) line = _secret.Scrub(line);
                _listener?.Invoke(line);
                Write(line);
            }
        }
    }
}
