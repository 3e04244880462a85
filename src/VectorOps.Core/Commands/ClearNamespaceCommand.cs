using System;
using System.Globalization;
using System.Linq;
using VectorOps.Connections;
using VectorOps.Errors;
using VectorOps.Hosting;
using VectorOps.Model;
using VectorOps.Providers;

namespace VectorOps.Commands
{
    /// <summary>
    /// Deletes every record of a namespace (and with RemoveNamespace the namespace itself). High impact: hosts
    /// confirm it by default (ConfirmImpact High in PowerShell, --yes in the CLI).
    /// </summary>
    public sealed class ClearNamespaceCommand : VectorCommand
    {
        private readonly BatchRunner _runner;
        private readonly Lazy<BackupWriter>? _backup;

        /// <param name="backupPath">
        /// With a backup the namespace is cleared by id, page after page, each batch backed up (flushed) before its
        /// delete is sent; -RemoveNamespace then removes the emptied namespace.
        /// </param>
        public ClearNamespaceCommand(ICommandHost host, VectorConnection? connection, bool removeNamespace = false,
            string? backupPath = null, int? throttleLimit = null)
            : base(host, connection)
        {
            RemoveNamespace = removeNamespace;
            _runner = new BatchRunner(host, Concurrency(throttleLimit), "Clearing namespaces", Trace);
            _backup = BackupWriter.Prepare(backupPath);
        }

        public bool RemoveNamespace { get; }
        public int FailedBatches => _runner.Failed;

        /// <summary>What the run did so far (for a host that must summarise a stop itself).</summary>
        public RunSummary Summary => _runner.Summary;

        /// <summary>
        /// Checks a namespace to clear without clearing it (the CLI checks all before the first clear): throws
        /// EmptyNamespace, the provider's InvalidNamespace, or NamespaceNotFound.
        /// </summary>
        public void Check(string? @namespace)
        {
            if (@namespace is null || @namespace.Trim().Length == 0) throw NoNamespace(@namespace);
            RequireNamespace(ResolveNamespace(@namespace));
        }

        /// <summary>None named (null): InvalidNamespace; named blank: EmptyNamespace, like every command. Both name the default namespace.</summary>
        private VectorOpsException NoNamespace(string? @namespace) =>
            new VectorOpsException(@namespace is null ? ErrorIds.InvalidNamespace : ErrorIds.EmptyNamespace, VectorOpsErrorCategory.InvalidArgument,
                (@namespace is null ? "No namespace was named. " : $"The namespace '{@namespace}' is empty. ") +
                "Name the namespace to clear (the default namespace too, by its name: " + Provider.DefaultNamespace + ").", @namespace);

        /// <summary>Clears one namespace (called once per pipeline input).</summary>
        public void Clear(string? @namespace)
        {
            if (Stop.IsCancellationRequested)
            {
                // Stopped (Ctrl+C): no namespace is started after the stop.
                if (!string.IsNullOrEmpty(@namespace)) _runner.Summary.NotReached(@namespace!);
                return;
            }
            if (@namespace is null || @namespace.Trim().Length == 0)
            {
                // None named (null): InvalidNamespace, as ever; named blank: EmptyNamespace, like every command.
                Report(NoNamespace(@namespace));
                return;
            }
            string ns;
            try
            {
                ns = ResolveNamespace(@namespace);
                RequireNamespace(ns);
            }
            catch (VectorOpsException ex)
            {
                Report(ex);
                return;
            }
            if (RemoveNamespace && !Provider.Capabilities.CanRemoveNamespace)
            {
                Report(new VectorOpsException(ErrorIds.NotSupported, VectorOpsErrorCategory.NotImplemented,
                    $"{Provider.Name} has no namespace object to remove; clear the records without {Connection.Names.Option(Setting.RemoveNamespace)}.", ns));
                return;
            }

            // By listing when the provider has no one-request clear, and with a backup (so that what is deleted is
            // exactly what was backed up).
            if (!Provider.Capabilities.NativeNamespaceClear || _backup != null)
            {
                ClearByListing(ns);
                return;
            }

            long? count = null;
            try
            {
                var stats = Wait(() => Provider.GetStatsAsync(Stop));
                count = stats.Namespaces.FirstOrDefault(n => n.Name == ns)?.RecordCount ?? 0;
            }
            catch (VectorOpsException ex)
            {
                Host.WriteVerbose("Could not count the namespace's records before clearing it: " + ex.Message);
            }
            catch (OperationCanceledException) when (Stop.IsCancellationRequested)
            {
                _runner.Summary.NotReached(ns); // stopped while counting: nothing was sent for it
                return;
            }

            var m = NewMutation(ns, MutationOperation.ClearNamespace);
            m.RequestedCount = count ?? 0;
            var what = count is null ? "all records" : "all " + count.Value.ToString("N0", CultureInfo.InvariantCulture) + " record(s)";
            var action = RemoveNamespace ? "Delete " + what + " and the namespace itself" : "Delete " + what;
            if (!Confirm(m, $"namespace '{ns}' of {Provider.Name} index '{Provider.Index}'", action, _runner, "Declined: not cleared.")) return;
            if (count is long known) _runner.ExpectRecords(known);
            var provider = Provider;
            var remove = RemoveNamespace;
            // One request, or rounds of it where a request clears at most a cap (MoreMayMatch): a mutation each.
            var first = true;
            _runner.RunRounds(() =>
            {
                if (first)
                {
                    first = false;
                    return m;
                }
                var next = NewMutation(ns, MutationOperation.ClearNamespace);
                next.RequestedCount = m.RequestedCount;
                return next;
            }, ct => provider.ClearNamespaceAsync(ns, remove, ct), count);
            _runner.Complete();
            // The provider's own count where it gives one (local store), else the count read before.
            if (m.Status == MutationStatus.Completed || m.Status == MutationStatus.Acknowledged)
                if ((m.AffectedCount ?? count) == 0) WarnEmpty(ns, RemoveNamespace ? " (the namespace itself was removed)" : "");
        }

        /// <summary>Clearing a namespace that holds nothing is a warning: it is often a misspelt name.</summary>
        private void WarnEmpty(string ns, string extra)
        {
            var note = Provider.Capabilities.ListsNamespacesCheaply ? ""
                : $" ({Provider.Name} cannot tell an empty namespace from one that does not exist without reading every record: check the name.)";
            Host.WriteWarning($"Namespace '{ns}' of {Provider.Name} index '{Provider.Index}' held no records: nothing was deleted{extra}.{note}");
        }

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

        /// <summary>
        /// For providers that cannot clear a namespace in one request (no NativeNamespaceClear): count the namespace's ids by
        /// listing (read only), ask with that count, then stream the listed ids into delete batches of the
        /// provider's cap, one mutation (with its provider mutation id) per batch. Under -WhatIf the ids are
        /// listed again and written as WhatIf mutations, one per batch the real run would send.
        /// </summary>
        private void ClearByListing(string ns)
        {
            var count = CountPages(Provider.ListIdsAsync(ns, null, Stop), ns, "Counting the namespace's records");
            if (Stop.IsCancellationRequested)
            {
                _runner.Summary.NotReached(ns);
                return;
            }
            Host.WriteVerbose(Provider.Capabilities.NativeNamespaceClear
                ? $"{count:N0} record(s) in namespace '{ns}': cleared by id so the backup holds exactly what is deleted."
                : $"{count:N0} record(s) in namespace '{ns}' ({Provider.Name} has no single request that clears a namespace: they are deleted by id).");
            if (count == 0)
            {
                WarnEmpty(ns, "");
                return;
            }

            var what = "all " + count.ToString("N0", CultureInfo.InvariantCulture) + " record(s)";
            var batch = DeleteBatchSize(_backup != null);
            switch (Host.ShouldProcess($"namespace '{ns}' of {Provider.Name} index '{Provider.Index}'", "Delete " + what))
            {
                case ShouldProcessDecision.WhatIf:
                    foreach (var ids in Chunk(Pages(Provider.ListIdsAsync(ns, null, Stop)), batch))
                    {
                        var preview = NewMutation(ns, MutationOperation.ClearNamespace);
                        preview.Ids = ids;
                        preview.RequestedCount = ids.Count;
                        preview.Status = MutationStatus.WhatIf;
                        Host.WriteObject(preview);
                    }
                    return;
                case ShouldProcessDecision.Declined:
                    var skipped = NewMutation(ns, MutationOperation.ClearNamespace);
                    skipped.RequestedCount = count;
                    _runner.Skip(skipped, "Declined: not cleared.", ErrorIds.DeclinedByUser);
                    return;
            }
            _runner.ExpectRecords(count);
            var provider = Provider;
            var backup = _backup?.Value;
            foreach (var ids in Chunk(Pages(Provider.ListIdsAsync(ns, null, Stop)), batch))
            {
                var m = NewMutation(ns, MutationOperation.ClearNamespace);
                m.Ids = ids;
                m.RequestedCount = ids.Count;
                _runner.Run(m, DeleteIds(provider, ns, ids, backup));
            }
            _runner.Complete();
            if (Stop.IsCancellationRequested) _runner.Summary.StoppedIn(ns);
            if (RemoveNamespace && _runner.Failed == 0 && !Stop.IsCancellationRequested)
            {
                // The namespace is empty now (but for records written during the run, which go with it).
                var last = NewMutation(ns, MutationOperation.ClearNamespace);
                _runner.Run(last, ct => provider.ClearNamespaceAsync(ns, true, ct));
                _runner.Complete();
            }
        }
    }
}
