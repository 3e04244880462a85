using System;
using System.Collections.Generic;
using System.Linq;
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
    /// Base of every command: one class per operation, driven by a cmdlet, the CLI or a test through
    /// <see cref="ICommandHost"/>. Commands are synchronous towards the host (they block on provider tasks, which
    /// never capture a synchronisation context) so that every host call happens on the caller's thread.
    /// </summary>
    public abstract class VectorCommand
    {
        /// <summary>At most this many bad input lines (of a file or a stream) are reported one by one; the rest are counted.</summary>
        public const int ShownErrors = 10;

        protected VectorCommand(ICommandHost host, VectorConnection? connection)
        {
            Host = host ?? throw new ArgumentNullException(nameof(host));
            Trace = new CommandTrace();
            Connection = connection ?? VectorSession.Current ?? throw new VectorOpsException(ErrorIds.NotConnected,
                VectorOpsErrorCategory.ConnectionError,
                $"There is no connection. Run Connect-VectorIndex first (or pass -Connection); the default provider is {ProviderRegistry.DefaultProvider}, and Get-Help Connect-VectorIndex -Examples shows how to connect to each.",
                null);
        }

        protected ICommandHost Host { get; }

        /// <summary>
        /// This run's trace sink: provider and transport lines produced on any thread are queued here and written to
        /// the host's verbose/debug streams on the calling thread (after each page, read, and batch).
        /// </summary>
        internal CommandTrace Trace { get; }
        protected VectorConnection Connection { get; }
        protected IVectorProvider Provider => Connection.ProviderInstance;
        protected CancellationToken Stop => Host.CancellationToken;

        /// <summary>
        /// The namespace to use: the given one, else (null: none was given) the connection's; validated by the
        /// provider. A namespace that is given must be a real name: empty or blank is refused (EmptyNamespace), never
        /// read as "the default".
        /// </summary>
        protected string ResolveNamespace(string? @namespace)
        {
            if (@namespace != null) RefuseBlankNamespace(@namespace);
            var ns = @namespace ?? Connection.Namespace;
            Provider.ValidateNamespace(ns);
            return ns;
        }

        /// <summary>
        /// Throws EmptyNamespace for a namespace that was given but is empty or blank (null counts as given here:
        /// callers pass null only for "not given" to <see cref="ResolveNamespace"/>).
        /// </summary>
        public static void RefuseBlankNamespace(string? @namespace, string? where = null)
        {
            if (@namespace != null && @namespace.Trim().Length > 0) return;
            var shown = @namespace is null ? "$null" : "'" + @namespace + "'";
            throw new VectorOpsException(ErrorIds.EmptyNamespace, VectorOpsErrorCategory.InvalidArgument,
                $"{where}The namespace {shown} is empty. Name a namespace, or leave the namespace out to use the connection's default one.",
                @namespace);
        }

        /// <summary>
        /// <see cref="ResolveNamespace"/>, and for a namespace the user named (given here, or set on the connection)
        /// a check that the index has it: NamespaceNotFound, with the closest existing names, on providers that list
        /// namespaces cheaply (listed once per command run). Call it only on the slow path (when the namespace changes).
        /// </summary>
        protected string ResolveExistingNamespace(string? @namespace)
        {
            var ns = ResolveNamespace(@namespace);
            if (@namespace != null || !string.Equals(ns, Provider.DefaultNamespace, StringComparison.Ordinal)) RequireNamespace(ns);
            return ns;
        }

        private HashSet<string>? _namespaces;
        private bool _namespacesUnknown;

        /// <summary>
        /// Throws NamespaceNotFound when the provider lists namespaces cheaply and <paramref name="ns"/> is not among
        /// them. Read only; the list is read once per command run. Where listing is not cheap (a service without a namespace list) nothing is
        /// checked: the delete's result says when nothing matched. An index that is one namespace
        /// (<see cref="ProviderCapabilities.OneNamespace"/>) is not listed: its one name is known, and the provider
        /// refused every other one already.
        /// </summary>
        protected void RequireNamespace(string ns)
        {
            if (!Provider.Capabilities.ListsNamespacesCheaply || _namespacesUnknown) return;
            if (Provider.Capabilities.OneNamespace)
            {
                if (string.Equals(ns, Provider.DefaultNamespace, StringComparison.Ordinal)) return;
                throw NamespaceNotFound(ns, new[] { Provider.DefaultNamespace });
            }
            if (_namespaces is null)
            {
                try
                {
                    var names = new HashSet<string>(StringComparer.Ordinal);
                    foreach (var info in Pages(Provider.ListNamespacesAsync(Stop))) names.Add(info.Name);
                    if (Stop.IsCancellationRequested) return;
                    _namespaces = names;
                }
                catch (VectorOpsException ex)
                {
                    // Not being able to check is not a reason to refuse: the delete itself says what it found.
                    _namespacesUnknown = true;
                    Host.WriteVerbose($"Could not list the namespaces of {Provider.Name} index '{Provider.Index}' to check '{ns}': {ex.Message}");
                    return;
                }
            }
            if (_namespaces.Contains(ns)) return;
            throw NamespaceNotFound(ns, _namespaces);
        }

        /// <summary>The NamespaceNotFound error for <paramref name="ns"/>, with the closest existing names.</summary>
        protected VectorOpsException NamespaceNotFound(string ns, IReadOnlyCollection<string> existing) =>
            new VectorOpsException(ErrorIds.NamespaceNotFound, VectorOpsErrorCategory.ObjectNotFound,
                $"{Provider.Name} index '{Provider.Index}' has no namespace '{ns}'. " + NameSuggestions.Hint(ns, existing, "namespaces"),
                ns);

        /// <summary>Writes a VectorOpsException as a non-terminating error.</summary>
        protected void Report(VectorOpsException ex) => Host.WriteError(VectorOpsError.From(ex));

        protected VectorMutation NewMutation(string ns, MutationOperation op) => new VectorMutation
        {
            Provider = Provider.Name,
            Index = Provider.Index,
            Namespace = ns,
            Operation = op,
            Status = MutationStatus.Skipped,
        };

        /// <summary>Runs a provider call to completion on the calling thread.</summary>
        protected static T Wait<T>(Task<T> task) => task.GetAwaiter().GetResult();

        /// <summary>
        /// Starts a provider call with this run's trace sink in scope, waits for it on the calling thread, and shows
        /// its trace lines (also when it fails).
        /// </summary>
        protected T Wait<T>(Func<Task<T>> call)
        {
            try
            {
                Task<T> task;
                using (Trace.Enter()) task = call();
                return task.GetAwaiter().GetResult();
            }
            finally
            {
                DrainTrace();
            }
        }

        /// <summary>Writes the queued trace lines to the host (calling thread only).</summary>
        protected void DrainTrace() => Trace.Drain(Host);

        /// <summary>Enumerates an async sequence on the calling thread, page by page, stopping when the host stops.</summary>
        protected IEnumerable<T> Pages<T>(IAsyncEnumerable<T> source)
        {
            IAsyncEnumerator<T> e;
            using (Trace.Enter()) e = source.GetAsyncEnumerator(Stop);
            try
            {
                while (true)
                {
                    bool more;
                    try
                    {
                        // The page's requests (and their traces) run inside this run's trace scope.
                        Task<bool> next;
                        using (Trace.Enter()) next = e.MoveNextAsync().AsTask();
                        more = next.GetAwaiter().GetResult();
                    }
                    catch (OperationCanceledException) when (Stop.IsCancellationRequested)
                    {
                        yield break;
                    }
                    finally
                    {
                        DrainTrace();
                    }
                    if (!more) yield break;
                    yield return e.Current;
                }
            }
            finally
            {
                Task done;
                using (Trace.Enter()) done = e.DisposeAsync().AsTask();
                done.GetAwaiter().GetResult();
                DrainTrace();
            }
        }

        /// <summary>The ids of a namespace's records (null filter: all of them) or of a filter's matches, one provider page at a time (read only).</summary>
        protected IEnumerable<IReadOnlyList<string>> ScopeIds(string ns, Filtering.MetadataFilter? filter) =>
            Pages(filter is null ? Provider.ListIdsAsync(ns, null, Stop) : Provider.FindIdsAsync(ns, filter, Stop));

        /// <summary>
        /// The records of a namespace (or of a filter's matches), streamed: ids page by page, the records fetched in
        /// the provider's fetch batches and handed out one fetch batch at a time, in the order listed. Memory holds one
        /// page of ids and one batch of records, whatever the namespace's size. Ids <paramref name="skip"/> says yes to
        /// are not fetched (counted in <paramref name="skipped"/>); an id listed but gone when fetched is left out.
        /// Read only; stops between batches when the host stops.
        /// </summary>
        protected IEnumerable<IReadOnlyList<VectorRecord>> StreamRecords(string ns, Filtering.MetadataFilter? filter,
            Func<string, bool>? skip = null, Action<string>? skipped = null)
        {
            var cap = Math.Max(1, Provider.Capabilities.MaxIdsPerFetch);
            var want = new List<string>(cap);
            foreach (var page in ScopeIds(ns, filter))
            {
                foreach (var id in page)
                {
                    if (skip != null && skip(id))
                    {
                        skipped?.Invoke(id);
                        continue;
                    }
                    want.Add(id);
                    if (want.Count < cap) continue;
                    if (Stop.IsCancellationRequested) yield break;
                    yield return FetchInOrder(ns, want);
                    want = new List<string>(cap);
                }
            }
            if (want.Count > 0 && !Stop.IsCancellationRequested) yield return FetchInOrder(ns, want);
        }

        /// <summary>Fetches at most one fetch batch of records, in the order of <paramref name="ids"/>, each with its namespace.</summary>
        protected IReadOnlyList<VectorRecord> FetchInOrder(string ns, IReadOnlyList<string> ids) => FetchInOrder(Provider, ns, ids);

        private protected IReadOnlyList<VectorRecord> FetchInOrder(IVectorProvider provider, string ns, IReadOnlyList<string> ids)
        {
            var found = Wait(() => provider.FetchAsync(ns, ids, Stop));
            var byId = new Dictionary<string, VectorRecord>(found.Count, StringComparer.Ordinal);
            foreach (var r in found) byId[r.Id] = r;
            var ordered = new List<VectorRecord>(byId.Count);
            foreach (var id in ids)
            {
                if (!byId.TryGetValue(id, out var r)) continue;
                r.Namespace ??= ns;
                ordered.Add(r);
            }
            return ordered;
        }

        protected int Concurrency(int? throttle)
        {
            if (throttle is int t && t < 1)
                throw new VectorOpsException(ErrorIds.InvalidArgument, VectorOpsErrorCategory.InvalidArgument,
                    $"ThrottleLimit must be at least 1, not {t}.", t);
            return throttle ?? Provider.Capabilities.DefaultConcurrency;
        }

        /// <summary>
        /// Ids a delete batch carries: <paramref name="requested"/> (-BatchSize) when it is within 1 and the provider's
        /// delete cap; otherwise the provider's delete cap, or, when a backup fetches each batch's records first, the
        /// smaller batch the provider declares for that (never above the cap). A command that refuses an out-of-range
        /// -BatchSize checks it before calling this.
        /// </summary>
        protected int DeleteBatchSize(bool backup, int? requested = null)
        {
            var caps = Provider.Capabilities;
            var cap = Math.Max(1, caps.MaxIdsPerDelete);
            if (requested is int r && r >= 1 && r <= cap) return r;
            return backup && caps.MaxIdsPerBackedUpDelete is int b && b >= 1 && b < cap ? b : cap;
        }

        /// <summary>Requests in flight for deletes: the provider's delete default when it has one and no backup fetches first.</summary>
        protected int DeleteConcurrency(int? throttle, bool backup)
        {
            var n = Concurrency(throttle);
            return throttle is null && !backup && Provider.Capabilities.DefaultDeleteConcurrency is int d && d > 0 ? d : n;
        }

        /// <summary>
        /// The work of one delete batch: with a backup, fetch the records and append them (flushed) first; the
        /// delete is sent only after the backup is on disk.
        /// </summary>
        /// <param name="validated">
        /// Every id was passed through <paramref name="provider"/>'s ValidateId by this command (ids given by the
        /// user): a provider that offers it then skips its own second check of each id.
        /// </param>
        protected static Func<CancellationToken, Task<ProviderWriteResult>> DeleteIds(IVectorProvider provider, string ns,
            IReadOnlyList<string> ids, BackupWriter? backup, bool validated = false)
        {
            Func<CancellationToken, Task<ProviderWriteResult>> delete = validated && provider.Capabilities.DeletesValidatedIds
                ? ct => provider.DeleteValidatedIdsAsync(ns, ids, ct)
                : ct => provider.DeleteByIdsAsync(ns, ids, ct);
            if (backup is null) return delete;
            return async ct =>
            {
                await backup.BackupAsync(provider, ns, ids, ct).ConfigureAwait(false);
                return await delete(ct).ConfigureAwait(false);
            };
        }

        /// <summary>
        /// Asks ShouldProcess for one batch. Under -WhatIf the batch is written as a WhatIf mutation; declined, it
        /// is reported Skipped. True means: send it.
        /// </summary>
        private protected bool Confirm(VectorMutation batch, string target, string action, BatchRunner runner, string declined)
        {
            switch (Host.ShouldProcess(target, action))
            {
                case ShouldProcessDecision.WhatIf:
                    batch.Status = MutationStatus.WhatIf;
                    Host.WriteObject(batch);
                    return false;
                case ShouldProcessDecision.Declined:
                    runner.Skip(batch, declined, ErrorIds.DeclinedByUser);
                    return false;
                default:
                    return true;
            }
        }

        /// <summary>Counts ids by reading every page (read only), with progress under the given activity.</summary>
        protected long CountPages(IAsyncEnumerable<IReadOnlyList<string>> pages, string ns, string activity)
        {
            long n = 0;
            foreach (var page in Pages(pages))
            {
                n += page.Count;
                Host.WriteProgress(new ProgressInfo(2, activity, $"{n:N0} found in '{ns}'"));
            }
            Host.WriteProgress(new ProgressInfo(2, activity, "Done") { Completed = true });
            return n;
        }

        /// <summary>A short description of a batch for ShouldProcess and messages: count and the first ids.</summary>
        protected string DescribeBatch(string ns, IReadOnlyList<string> ids)
        {
            const int shown = 5;
            var head = string.Join(", ", ids.Take(shown));
            var more = ids.Count > shown ? $", … (+{ids.Count - shown} more)" : "";
            return $"{ids.Count} record(s) in namespace '{ns}' of {Provider.Name} index '{Provider.Index}': {head}{more}";
        }

        protected static IEnumerable<List<string>> Chunk(IEnumerable<IReadOnlyList<string>> pages, int size)
        {
            var current = new List<string>(size);
            foreach (var page in pages)
            {
                foreach (var id in page)
                {
                    current.Add(id);
                    if (current.Count == size)
                    {
                        yield return current;
                        current = new List<string>(size);
                    }
                }
            }
            if (current.Count > 0) yield return current;
        }
    }
}
