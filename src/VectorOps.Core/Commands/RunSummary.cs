using System.Collections.Generic;
using System.Globalization;
using VectorOps.Model;

namespace VectorOps.Commands
{
    /// <summary>
    /// What a run of batches did, kept by its <see cref="BatchRunner"/> as each batch ends: what a host needs to tell
    /// the user after a stop (Ctrl+C) when it can no longer write the remaining mutations (PowerShell cannot once a
    /// pipeline is stopping): what was deleted, what failed, what was never sent, and the mutations to send again.
    /// </summary>
    public sealed class RunSummary
    {
        private readonly List<VectorMutation> _toRetry = new List<VectorMutation>();
        private readonly List<string> _namespacesNotReached = new List<string>();
        private readonly List<string> _namespacesStopped = new List<string>();

        /// <summary>What the run was doing ("Deleting records by id").</summary>
        public string Activity { get; internal set; } = "";

        /// <summary>Batches Completed or Acknowledged, and the records they asked to delete.</summary>
        public int BatchesDone { get; internal set; }
        public long RecordsDone { get; internal set; }

        /// <summary>Batches that failed (none of their ids known to be deleted), and their records.</summary>
        public int BatchesFailed { get; internal set; }
        public long RecordsFailed { get; internal set; }

        /// <summary>Batches never sent because the run was stopped, and their records.</summary>
        public int BatchesNotSent { get; internal set; }
        public long RecordsNotSent { get; internal set; }

        /// <summary>Batches the user declined.</summary>
        public int BatchesDeclined { get; internal set; }

        /// <summary>The Failed and not-sent (Skipped, OperationStopped) mutations, in order: sending them back deletes exactly their ids.</summary>
        public IReadOnlyList<VectorMutation> ToRetry => _toRetry;

        /// <summary>Namespaces of a filter, prefix or clear run that the stop came before (nothing done there).</summary>
        public IReadOnlyList<string> NamespacesNotReached => _namespacesNotReached;

        /// <summary>Namespaces the stop came in the middle of (matches not yet listed were not deleted).</summary>
        public IReadOnlyList<string> NamespacesStopped => _namespacesStopped;

        /// <summary>
        /// Mutations that ended after the host could no longer write them (a PowerShell pipeline that is stopping):
        /// the host fills it, so that no batch that went out is left unreported.
        /// </summary>
        public IList<VectorMutation> NotWritten { get; } = new List<VectorMutation>();

        internal void Add(VectorMutation m)
        {
            switch (m.Status)
            {
                case MutationStatus.Completed:
                case MutationStatus.Acknowledged:
                    BatchesDone++;
                    RecordsDone += m.RequestedCount;
                    break;
                case MutationStatus.Failed:
                    BatchesFailed++;
                    RecordsFailed += m.RequestedCount;
                    _toRetry.Add(m);
                    break;
                case MutationStatus.Skipped when m.ErrorId == Errors.ErrorIds.OperationStopped:
                    BatchesNotSent++;
                    RecordsNotSent += m.RequestedCount;
                    _toRetry.Add(m);
                    break;
                case MutationStatus.Skipped:
                    BatchesDeclined++;
                    break;
            }
        }

        internal void NotReached(string ns)
        {
            if (!_namespacesNotReached.Contains(ns)) _namespacesNotReached.Add(ns);
        }

        internal void StoppedIn(string ns)
        {
            if (!_namespacesStopped.Contains(ns)) _namespacesStopped.Add(ns);
        }

        /// <summary>One line: "41 batch(es) done (41,000 record(s)), 0 failed, 158 not sent (158,000 id(s))".</summary>
        public string Describe()
        {
            var text = string.Format(CultureInfo.InvariantCulture,
                "{0:N0} batch(es) done ({1:N0} record(s) deleted or acknowledged), {2:N0} failed ({3:N0} record(s) not deleted), {4:N0} not sent ({5:N0} record(s))",
                BatchesDone, RecordsDone, BatchesFailed, RecordsFailed, BatchesNotSent, RecordsNotSent);
            if (BatchesDeclined > 0) text += string.Format(CultureInfo.InvariantCulture, ", {0:N0} declined", BatchesDeclined);
            return text;
        }

        public override string ToString() => Describe();
    }
}
