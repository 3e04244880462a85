using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using VectorOps.Connections;
using VectorOps.Errors;
using VectorOps.Hosting;
using VectorOps.Model;

namespace VectorOps.Commands
{
    /// <summary>
    /// Waits until the provider has applied acknowledged mutations (Wait-VectorMutation, vectorops wait): polls a
    /// read call, marks each applied mutation Completed and writes it; on timeout, writes the rest unchanged with
    /// an error. Mutations that are not Acknowledged pass through as they are.
    /// </summary>
    public sealed class WaitMutationCommand : VectorCommand
    {
        private readonly List<VectorMutation> _pending = new List<VectorMutation>();

        public WaitMutationCommand(ICommandHost host, VectorConnection? connection) : base(host, connection) { }

        private TimeSpan _timeout = TimeSpan.FromMinutes(5);

        /// <summary>How long to wait in all; refused when not positive, before any mutation is read.</summary>
        public TimeSpan Timeout
        {
            get => _timeout;
            set
            {
                if (value <= TimeSpan.Zero)
                    throw new VectorOpsException(ErrorIds.InvalidArgument, VectorOpsErrorCategory.InvalidArgument,
                        $"Timeout must be positive, not {value}.", value);
                _timeout = value;
            }
        }
        public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

        public int TimedOut { get; private set; }

        public void Add(VectorMutation? mutation)
        {
            if (mutation is null) return;
            if (mutation.Status != MutationStatus.Acknowledged)
            {
                Host.WriteObject(mutation);
                return;
            }
            if (!string.Equals(mutation.Provider, Provider.Name, StringComparison.OrdinalIgnoreCase) ||
                !string.Equals(mutation.Index, Provider.Index, StringComparison.Ordinal))
            {
                Report(new VectorOpsException(ErrorIds.InvalidInputObject, VectorOpsErrorCategory.InvalidArgument,
                    $"This mutation belongs to {mutation.Provider} index '{mutation.Index}', not to the connected {Provider.Name} index '{Provider.Index}'.",
                    mutation));
                return;
            }
            _pending.Add(mutation);
        }

        public void Complete()
        {
            var total = _pending.Count;
            var clock = Stopwatch.StartNew();
            while (_pending.Count > 0 && !Stop.IsCancellationRequested)
            {
                IReadOnlyList<VectorMutation> applied;
                try
                {
                    // A provider whose writes are applied before they return has nothing to poll.
                    applied = Provider.Capabilities.AsyncMutations ? Wait(() => Provider.GetAppliedAsync(_pending.ToList(), Stop)) : _pending.ToList();
                }
                catch (OperationCanceledException) when (Stop.IsCancellationRequested)
                {
                    break;
                }
                catch (VectorOpsException ex)
                {
                    Report(ex);
                    break;
                }
                foreach (var m in applied)
                {
                    if (!_pending.Remove(m)) continue;
                    m.Status = MutationStatus.Completed;
                    m.CompletedAt = DateTimeOffset.Now;
                    Host.WriteObject(m);
                }
                var done = total - _pending.Count;
                Host.WriteProgress(new ProgressInfo(3, "Waiting for mutations to be applied", $"{done} of {total} applied")
                {
                    PercentComplete = total == 0 ? 100 : done * 100 / total,
                });
                if (_pending.Count == 0) break;
                var left = Timeout - clock.Elapsed;
                if (left <= TimeSpan.Zero) break;
                Stop.WaitHandle.WaitOne(left < PollInterval ? left : PollInterval);
            }
            Host.WriteProgress(new ProgressInfo(3, "Waiting for mutations to be applied", "Done") { Completed = true });
            foreach (var m in _pending)
            {
                TimedOut++;
                Host.WriteObject(m);
                Report(new VectorOpsException(ErrorIds.MutationWaitTimeout, VectorOpsErrorCategory.OperationTimeout,
                    Stop.IsCancellationRequested
                        ? $"Stopped before {m.Operation} mutation {m.ProviderMutationId ?? m.ProviderState} was applied."
                        : $"{m.Operation} mutation {m.ProviderMutationId ?? m.ProviderState} was not applied within {Timeout}.",
                    m) { Mutation = m });
            }
            _pending.Clear();
        }
    }
}
