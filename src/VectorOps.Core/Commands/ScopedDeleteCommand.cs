using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using VectorOps.Connections;
using VectorOps.Errors;
using VectorOps.Hosting;
using VectorOps.Model;
using VectorOps.Providers;

namespace VectorOps.Commands
{
    /// <summary>
    /// A delete whose reach the data decides (by filter, by prefix). Per namespace: count the matches with read
    /// calls only, ask ShouldProcess with that count (under -WhatIf: write the matched ids as WhatIf mutations, one
    /// per batch the real run would send), ask ShouldContinue with the count unless -Force or ShouldProcess asked
    /// already (one question per delete), then delete, either in one native request or by streaming the matched
    /// ids page by page into id batches.
    /// </summary>
    public abstract class ScopedDeleteCommand : VectorCommand
    {
        private readonly BatchRunner _runner;
        private readonly Lazy<BackupWriter>? _backup;

        protected ScopedDeleteCommand(ICommandHost host, VectorConnection? connection, RemoveOptions? options, string activity)
            : base(host, connection)
        {
            Options = options ?? new RemoveOptions();
            _runner = new BatchRunner(host, DeleteConcurrency(Options.ThrottleLimit, Options.BackupPath != null), activity, Trace);
            _backup = BackupWriter.Prepare(Options.BackupPath);
        }

        protected RemoveOptions Options { get; }

        public int FailedBatches => _runner.Failed;
        public int SkippedBatches => _runner.Skipped;

        /// <summary>What the run did so far, with the namespaces a stop came before or in the middle of.</summary>
        public RunSummary Summary => _runner.Summary;

        protected abstract MutationOperation Operation { get; }

        /// <summary>"matching filter {...}" / "with id prefix 'doc-'"</summary>
        protected abstract string Scope { get; }

        protected abstract IAsyncEnumerable<IReadOnlyList<string>> Matches(string ns, CancellationToken ct);

        /// <summary>A count without listing, where the provider has one; null to count by listing.</summary>
        protected virtual long? CheapCount(string ns) => null;

        /// <summary>The native delete, or null when the matched ids must be deleted by id.</summary>
        protected virtual System.Func<CancellationToken, Task<ProviderWriteResult>>? NativeDelete(string ns) => null;

        protected abstract void Describe(VectorMutation m);

        /// <summary>Runs the delete in each namespace (the connection's default when none is given).</summary>
        public void Execute(IEnumerable<string?>? namespaces)
        {
            var list = new List<string>();
            foreach (var n in namespaces ?? new string?[] { null })
            {
                try
                {
                    var ns = ResolveExistingNamespace(n);
                    if (!list.Contains(ns)) list.Add(ns);
                }
                catch (VectorOpsException ex)
                {
                    Report(ex);
                    return; // a bad or unknown namespace stops the whole delete before anything is sent
                }
            }
            if (list.Count == 0) list.Add(ResolveExistingNamespace(null));

            foreach (var ns in list)
            {
                if (Stop.IsCancellationRequested)
                {
                    _runner.Summary.NotReached(ns);
                    continue;
                }
                ExecuteOne(ns);
                if (Stop.IsCancellationRequested) _runner.Summary.StoppedIn(ns);
            }
            _runner.Complete();
        }

        /// <summary>Ends the command (Execute may run once per pipeline input): closes the backup file.</summary>
        public void Complete()
        {
            try
            {
                _runner.Complete();
            }
            finally
            {
                if (_backup?.IsValueCreated == true) _backup.Value.Dispose();
            }
        }

        private void ExecuteOne(string ns)
        {
            var batch = DeleteBatchSize(_backup != null, Options.BatchSize);

            // One question per delete: when ShouldProcess will prompt, its question carries the count and is the
            // only one; under -WhatIf (even with -Force) the text counts what the WhatIf mutations list. So the
            // matches are counted (read calls only) unless nothing will show the count (-Force, no prompt).
            var mode = Host.ShouldProcessMode;
            long? count = CheapCount(ns);
            if (count is null && (!Options.Force || mode != ShouldProcessMode.Proceeds))
                count = CountPages(Matches(ns, Stop), ns, "Counting matching records");
            var countText = count is null ? "all records" : count.Value.ToString("N0", CultureInfo.InvariantCulture) + " record(s)";
            Host.WriteVerbose($"{countText} in namespace '{ns}' {Scope}.");

            if (count == 0)
            {
                WarnNothingMatched(ns);
                return;
            }

            var target = $"{countText} {Scope} in namespace '{ns}' of {Provider.Name} index '{Provider.Index}'";
            var decision = Host.ShouldProcess(target, "Delete records");
            if (decision == ShouldProcessDecision.WhatIf)
            {
                foreach (var ids in Chunk(Pages(Matches(ns, Stop)), batch))
                {
                    var preview = Template(ns, ids);
                    preview.Status = MutationStatus.WhatIf;
                    Host.WriteObject(preview);
                }
                return;
            }
            if (decision == ShouldProcessDecision.Declined)
            {
                var skipped = Template(ns, null);
                skipped.RequestedCount = count ?? 0;
                _runner.Skip(skipped, "Declined: not deleted.", ErrorIds.DeclinedByUser);
                return;
            }
            if (!Options.Force && mode != ShouldProcessMode.Prompts)
            {
                var query = $"{countText} {Scope} will be deleted from namespace '{ns}' of {Provider.Name} index '{Provider.Index}'. This cannot be undone. Continue?";
                if (!Host.ShouldContinue(query, "Delete " + countText))
                {
                    var skipped = Template(ns, null);
                    skipped.RequestedCount = count ?? 0;
                    _runner.Skip(skipped, "Declined: not deleted.", ErrorIds.DeclinedByUser);
                    return;
                }
            }

            if (count is long known) _runner.ExpectRecords(known); // progress: a percentage of the matches

            // With a backup, delete by id so that what is deleted is exactly what was backed up.
            var native = _backup is null ? NativeDelete(ns) : null;
            if (native != null)
            {
                // One mutation per request; a provider whose request removes at most a cap (MoreMayMatch) is sent
                // the same request again until a round removes fewer.
                _runner.RunRounds(() =>
                {
                    var m = Template(ns, null);
                    m.RequestedCount = count ?? 0;
                    return m;
                }, native, count);
                return;
            }

            var backup = _backup?.Value;
            var sent = false;
            foreach (var ids in Chunk(Pages(Matches(ns, Stop)), batch))
            {
                var m = Template(ns, ids);
                _runner.Run(m, DeleteIds(Provider, ns, ids, backup));
                sent = true;
            }
            // With -Force and no cheap count, nothing was counted first: say so when the listing found nothing.
            if (!sent && !Stop.IsCancellationRequested) WarnNothingMatched(ns);
        }

        /// <summary>
        /// A filter or prefix that matches nothing is a warning, not silence: it is often a misspelt namespace, field
        /// or prefix. Where the provider cannot list namespaces cheaply, a misspelt namespace was not caught before.
        /// </summary>
        private void WarnNothingMatched(string ns)
        {
            var note = Provider.Capabilities.ListsNamespacesCheaply ? ""
                : $" ({Provider.Name} cannot tell an empty namespace from one that does not exist without reading every record: check the namespace's name.)";
            Host.WriteWarning($"No record in namespace '{ns}' of {Provider.Name} index '{Provider.Index}' {Scope}: nothing was deleted.{note}");
        }

        private VectorMutation Template(string ns, List<string>? ids)
        {
            var m = NewMutation(ns, Operation);
            m.Ids = ids;
            m.RequestedCount = ids?.Count ?? 0;
            Describe(m);
            return m;
        }
    }
}
