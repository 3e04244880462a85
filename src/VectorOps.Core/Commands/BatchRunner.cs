using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using VectorOps.Errors;
using VectorOps.Hosting;
using VectorOps.Model;
using VectorOps.Providers;

namespace VectorOps.Commands
{
    /// <summary>
    /// Sends batches with bounded concurrency while keeping every host call on the calling (pipeline) thread:
    /// a batch's request runs on the thread pool, its finished mutation is handed back and written by the thread
    /// that submits or completes. When the host's token is cancelled, no new batch starts (each is reported as
    /// Skipped) and batches already in flight run to their end, so every batch is reported exactly once.
    /// </summary>
    /// <remarks>
    /// Finished batches are queued by the pool and counted by a semaphore the calling thread waits on: O(1) per
    /// batch whatever the concurrency (Task.WaitAny over the batches in flight registered and removed a
    /// continuation on each of them, for every batch). Progress is written at most ten times a second (and at the
    /// end): one record per batch is thousands a second in a bulk delete, and PowerShell's progress is not free.
    /// Progress counts records, not batches (batches are only known as they are filled): when the command knows how
    /// many records the run holds (<see cref="ExpectRecords"/>: an -Id array, a preview count) it is a percentage of
    /// the records done; otherwise (ids streaming in) it says how many were sent and at what rate, with no percentage.
    /// </remarks>
    internal sealed class BatchRunner
    {
        private static readonly long ProgressInterval = System.Diagnostics.Stopwatch.Frequency / 10;

        private readonly ICommandHost _host;
        private readonly int _limit;
        private readonly ConcurrentQueue<Outcome> _done = new ConcurrentQueue<Outcome>();
        private readonly SemaphoreSlim _doneCount = new SemaphoreSlim(0);
        private readonly string _activity;
        private readonly CommandTrace _trace;
        private int _inFlight;
        private int _submitted;
        private int _finished;
        private long _lastProgress;
        private long _expected;
        private long _recordsSent;
        private long _recordsDone;
        private long _firstSent;

        /// <param name="trace">The run's trace sink: batches run inside its scope and it is drained at every report.</param>
        public BatchRunner(ICommandHost host, int concurrency, string activity, CommandTrace? trace = null)
        {
            _host = host;
            _limit = Math.Max(1, concurrency);
            _activity = activity;
            _trace = trace ?? new CommandTrace();
            Summary = new RunSummary { Activity = activity };
        }

        /// <summary>What the run did so far: every batch reported (or skipped) is in it.</summary>
        public RunSummary Summary { get; }

        /// <summary>
        /// Adds to the number of records the run is known to hold (the ids of an -Id array, a preview count), so
        /// that progress is a true percentage of the records done. When it is never called, progress shows the
        /// records sent and the rate, without a percentage.
        /// </summary>
        public void ExpectRecords(long count)
        {
            if (count > 0) _expected += count;
        }

        /// <summary>Called on the calling thread with each batch that succeeded, once it is written.</summary>
        public Action<VectorMutation>? Done { get; set; }

        public int Failed { get; private set; }
        public int Succeeded { get; private set; }
        public int Skipped { get; private set; }

        private bool Stopped => _host.CancellationToken.IsCancellationRequested;

        /// <summary>Starts the batch (waiting, and writing finished ones, while the limit is reached).</summary>
        public void Run(VectorMutation mutation, Func<CancellationToken, Task<ProviderWriteResult>> send)
        {
            DrainFinished();
            while (_inFlight >= _limit) DrainOne();
            if (Stopped)
            {
                Skip(mutation, "The run was stopped before this batch was sent.", ErrorIds.OperationStopped);
                return;
            }
            mutation.StartedAt = DateTimeOffset.Now;
            _submitted++;
            if (_firstSent == 0) _firstSent = System.Diagnostics.Stopwatch.GetTimestamp();
            _recordsSent += mutation.RequestedCount;
            // In-flight requests are not cancelled by Ctrl+C: they finish (the transport bounds their time).
            _inFlight++;
            // The task starts inside the trace scope, so the lines of its requests reach this run's sink.
            using (_trace.Enter()) Task.Run(() => ExecuteAndQueue(mutation, send));
        }

        /// <summary>
        /// A native request that may have to be sent in rounds (a service that removes at most a cap a request and
        /// says so with <see cref="ProviderWriteResult.MoreMayMatch"/>): one mutation per round, each round sent
        /// after the previous one is written, until a round says no more may match, removes nothing, fails, or the
        /// run is stopped. <paramref name="expected"/> (the count read before, if any) sets each later round's
        /// RequestedCount to what is left of it.
        /// </summary>
        public void RunRounds(Func<VectorMutation> newMutation, Func<CancellationToken, Task<ProviderWriteResult>> send, long? expected)
        {
            long removed = 0;
            for (var round = 0; ; round++)
            {
                var m = newMutation();
                if (round > 0) m.RequestedCount = expected is long e ? Math.Max(0, e - removed) : 0;
                ProviderWriteResult? last = null;
                Run(m, async ct =>
                {
                    var r = await send(ct).ConfigureAwait(false);
                    last = r;
                    return r;
                });
                Complete();
                if (last is null || !last.MoreMayMatch || Stopped) return;
                if ((last.AffectedCount ?? 0) <= 0) return; // a round that removed nothing is not repeated
                removed += last.AffectedCount ?? 0;
                _trace.Drain(_host);
                _host.WriteVerbose($"Round {round + 1} removed {last.AffectedCount:N0} record(s), as many as one request may: sending round {round + 2}.");
            }
        }

        /// <summary>Reports a batch that is not sent, as a Skipped mutation.</summary>
        public void Skip(VectorMutation mutation, string reason, string errorId)
        {
            _trace.Drain(_host);
            mutation.Status = MutationStatus.Skipped;
            mutation.Error = reason;
            mutation.ErrorId = errorId;
            Skipped++;
            Summary.Add(mutation);
            _host.WriteObject(mutation);
        }

        /// <summary>Waits for every batch in flight and writes them.</summary>
        public void Complete()
        {
            while (_inFlight > 0) DrainOne();
            _trace.Drain(_host);
            if (_submitted > 0)
                _host.WriteProgress(new ProgressInfo(1, _activity, Status())
                {
                    Completed = true,
                    PercentComplete = 100,
                    CurrentOperation = Counts(),
                });
        }

        /// <summary>"1,200 of 200,000 record(s) done" when the total is known; "12,000 record(s) sent, 3,400/s" when not.</summary>
        private string Status()
        {
            if (_expected > 0)
                return string.Format(CultureInfo.InvariantCulture, "{0:N0} of {1:N0} record(s) done", _recordsDone, _expected);
            var seconds = _firstSent == 0 ? 0 : (double)(System.Diagnostics.Stopwatch.GetTimestamp() - _firstSent) / System.Diagnostics.Stopwatch.Frequency;
            var rate = seconds > 0.001 ? _recordsSent / seconds : 0;
            return string.Format(CultureInfo.InvariantCulture, "{0:N0} record(s) sent, {1:N0}/s", _recordsSent, rate);
        }

        private string Counts() =>
            string.Format(CultureInfo.InvariantCulture, "{0:N0} batch(es) done, {1:N0} failed", Succeeded, Failed) +
            (Skipped > 0 ? string.Format(CultureInfo.InvariantCulture, ", {0:N0} skipped", Skipped) : "");

        /// <summary>The percentage of the known total done, or -1 when the total is unknown.</summary>
        private int Percent() =>
            _expected > 0 ? (int)Math.Min(100, _recordsDone * 100 / _expected) : -1;

        private async Task ExecuteAndQueue(VectorMutation m, Func<CancellationToken, Task<ProviderWriteResult>> send)
        {
            var outcome = await Execute(m, send).ConfigureAwait(false);
            _done.Enqueue(outcome);
            _doneCount.Release();
        }

        private static async Task<Outcome> Execute(VectorMutation m, Func<CancellationToken, Task<ProviderWriteResult>> send)
        {
            try
            {
                var r = await send(CancellationToken.None).ConfigureAwait(false);
                m.ProviderMutationId = r.ProviderMutationId;
                m.AffectedCount = r.AffectedCount;
                m.ProviderState = r.ProviderState;
                m.Attempts = r.Attempts;
                m.Status = r.Applied ? MutationStatus.Completed : MutationStatus.Acknowledged;
                m.CompletedAt = DateTimeOffset.Now;
                return new Outcome(m, null);
            }
            catch (Exception ex)
            {
                var voe = ex as VectorOpsException ?? new VectorOpsException(ErrorIds.BatchFailed,
                    ex is OperationCanceledException ? VectorOpsErrorCategory.OperationStopped : VectorOpsErrorCategory.NotSpecified,
                    "The batch failed: " + ex.Message, null, ex);
                m.Status = MutationStatus.Failed;
                m.Error = voe.Message;
                m.ErrorId = voe.ErrorId;
                if (voe.FailedIds != null && voe.FailedIds.Count > 0)
                {
                    // Part of the batch was done: the mutation names exactly what was not, for a retry.
                    m.Ids = voe.FailedIds;
                    m.AffectedCount = voe.AffectedCount;
                }
                m.Attempts = Math.Max(1, voe.Attempts ?? 1);
                m.CompletedAt = DateTimeOffset.Now;
                return new Outcome(m, voe);
            }
        }

        private void DrainFinished()
        {
            while (_doneCount.Wait(0)) ReportNext();
        }

        private void DrainOne()
        {
            _doneCount.Wait();
            ReportNext();
        }

        /// <summary>Reports one finished batch (one was counted, so one is queued: it is queued before it is counted).</summary>
        private void ReportNext()
        {
            if (!_done.TryDequeue(out var o)) throw new InvalidOperationException("A finished batch was counted but not queued.");
            _inFlight--;
            Report(o);
        }

        private void Report(Outcome o)
        {
            _trace.Drain(_host); // the batch's request lines come before its result
            _finished++;
            var m = o.Mutation;
            if (o.Error is null) Succeeded++;
            else Failed++;
            _recordsDone += m.RequestedCount;
            Summary.Add(m);
            _host.WriteVerbose($"{m.Operation} batch of {m.RequestedCount} in '{m.Namespace}': {m.Status}" +
                               (m.ProviderMutationId is null ? "" : $" (mutation {m.ProviderMutationId})") +
                               $" after {m.Attempts} attempt(s), {(m.Duration ?? TimeSpan.Zero).TotalMilliseconds:0} ms.");
            var now = System.Diagnostics.Stopwatch.GetTimestamp();
            if (_finished == 1 || now - _lastProgress >= ProgressInterval)
            {
                _lastProgress = now;
                _host.WriteProgress(new ProgressInfo(1, _activity, Status())
                {
                    PercentComplete = Percent(),
                    CurrentOperation = Counts(),
                });
            }
            _host.WriteObject(m);
            if (o.Error is null) Done?.Invoke(m);
            if (o.Error != null)
            {
                o.Error.Mutation = m;
                try
                {
                    _host.WriteError(new VectorOpsError(o.Error.ErrorId, o.Error.Category, m, o.Error));
                }
                catch (Exception) when (_inFlight > 0)
                {
                    // The host made the error terminating (-ErrorAction Stop): no further batch is sent, but the
                    // ones already in flight still reach the service, so wait for them and write their mutations
                    // before the error goes up; the user then knows the fate of every batch that was sent.
                    FinishInFlightQuietly();
                    throw;
                }
            }
        }

        private void FinishInFlightQuietly()
        {
            while (_inFlight > 0)
            {
                _doneCount.Wait();
                if (!_done.TryDequeue(out var o)) break;
                _inFlight--;
                _finished++;
                _recordsDone += o.Mutation.RequestedCount;
                Summary.Add(o.Mutation);
                if (o.Error is null) Succeeded++;
                else
                {
                    Failed++;
                    o.Error.Mutation = o.Mutation;
                }
                try
                {
                    _host.WriteObject(o.Mutation);
                }
                catch (Exception)
                {
                    // The host is going down; the terminating error that stops it is what matters now.
                }
            }
            try { _trace.Drain(_host); }
            catch (Exception) { }
        }

        private sealed class Outcome
        {
            public Outcome(VectorMutation mutation, VectorOpsException? error)
            {
                Mutation = mutation;
                Error = error;
            }

            public VectorMutation Mutation { get; }
            public VectorOpsException? Error { get; }
        }
    }
}
