using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using VectorOps.Connections;
using VectorOps.Errors;
using VectorOps.Hosting;
using VectorOps.Model;

namespace VectorOps.Commands
{
    /// <summary>
    /// The orphan sweep (Remove-VectorOrphan, vectorops sweep): deletes every record of one namespace whose id is not
    /// in a keep-list (the ids the source system still has). Only the keep set is held in memory: the namespace's ids
    /// are streamed once, the orphans among them spooled to a temporary file, and exactly that spooled list is what
    /// is previewed, counted, backed up and deleted, so records added while the sweep runs are never swept.
    /// </summary>
    /// <remarks>
    /// Guards, checked after the listing and before any question or mutating call (each refusal deletes nothing):
    /// an empty keep-list (<see cref="ErrorIds.EmptyKeepList"/>), a bad keep id (<see cref="ErrorIds.InvalidKeepList"/>),
    /// a namespace that has records but none of the keep ids (<see cref="ErrorIds.KeepIdsNotInNamespace"/>, unless
    /// the maximum share is 1), and orphans that are more than the maximum share of the namespace
    /// (<see cref="ErrorIds.OrphanShareExceeded"/>, default <see cref="DefaultMaxDeleteShare"/>). Past them the delete
    /// is a scoped delete like a filter's: one question with the count, -WhatIf lists the ids, -BackupPath first.
    /// </remarks>
    public sealed class OrphanSweepCommand : ScopedDeleteCommand
    {
        /// <summary>The share of a namespace a sweep may delete unless told otherwise: 10%.</summary>
        public const double DefaultMaxDeleteShare = 0.10;

        private readonly Dictionary<string, bool> _keep = new Dictionary<string, bool>(StringComparer.Ordinal);
        private readonly double _maxShare;
        private readonly bool _reportMissing;
        private int _badKeepIds;
        private object? _firstBad;
        private string? _spool;
        private long _orphans;

        public OrphanSweepCommand(ICommandHost host, VectorConnection? connection, RemoveOptions? options = null,
            double maxDeleteShare = DefaultMaxDeleteShare, bool reportMissing = false)
            : base(host, connection, options, "Sweeping orphan records")
        {
            if (double.IsNaN(maxDeleteShare) || maxDeleteShare < 0 || maxDeleteShare > 1)
                throw new VectorOpsException(ErrorIds.InvalidArgument, VectorOpsErrorCategory.InvalidArgument,
                    $"The maximum delete share must be between 0 and 1 (0.10 is 10% of the namespace, 1 allows every record), not {maxDeleteShare.ToString(CultureInfo.InvariantCulture)}.",
                    maxDeleteShare);
            _maxShare = maxDeleteShare;
            _reportMissing = reportMissing;
        }

        /// <summary>Keep ids accepted so far (distinct).</summary>
        public int KeepCount => _keep.Count;

        /// <summary>Keep ids refused so far (blank, or against the provider's rules).</summary>
        public int BadKeepIds => _badKeepIds;

        /// <summary>Orphans the listing found (0 before <see cref="Sweep"/>).</summary>
        public long Orphans => _orphans;

        /// <summary>Records the listing found in the namespace.</summary>
        public long Total { get; private set; }

        /// <summary>Keep ids the listing found in the namespace.</summary>
        public long KeptFound { get; private set; }

        protected override MutationOperation Operation => MutationOperation.DeleteOrphans;

        protected override string Scope => $"not among the {_keep.Count:N0} keep id(s)";

        protected override void Describe(VectorMutation m) { }

        /// <summary>
        /// Checks the namespace before any keep id is read (blank refused, the provider's rules, whether the index has
        /// it) and returns its name.
        /// </summary>
        public string CheckNamespace(string? @namespace) => ResolveExistingNamespace(@namespace);

        /// <summary>
        /// Adds one keep id. A bad one (blank, or against the provider's rules) is reported (its value as the target,
        /// prefixed by <paramref name="where"/>, such as "Line 3 of 'keep.txt': ") and makes the sweep refuse.
        /// </summary>
        public bool AddKeep(string? id, string? where = null)
        {
            var bad = RemoveByIdsCommand.CheckBlankId(id);
            if (bad is null)
            {
                try
                {
                    Provider.ValidateId(id!);
                }
                catch (VectorOpsException ex)
                {
                    bad = ex;
                }
            }
            if (bad is null)
            {
                if (!_keep.ContainsKey(id!)) _keep.Add(id!, false);
                return true;
            }
            _badKeepIds++;
            _firstBad ??= id;
            if (_badKeepIds <= ShownErrors)
                Report(new VectorOpsException(bad.ErrorId, bad.Category, $"{where}Keep id: {bad.Message.Replace("nothing from this input was deleted", "nothing will be deleted")}", bad.Target, bad));
            return false;
        }

        /// <summary>Adds every id of one input.</summary>
        public void AddKeep(IEnumerable<string?>? ids)
        {
            if (ids is null) return;
            foreach (var id in ids) AddKeep(id);
        }

        /// <summary>
        /// Adds the ids of a file, one a line (blank lines skipped), each bad line reported with its number. Returns
        /// false when the run was stopped while reading.
        /// </summary>
        public bool AddKeepFile(string path)
        {
            if (path is null || path.Trim().Length == 0)
                throw new VectorOpsException(ErrorIds.InputFileNotFound, VectorOpsErrorCategory.InvalidArgument, "Name the file of ids to keep.", path);
            if (!File.Exists(path))
                throw new VectorOpsException(ErrorIds.InputFileNotFound, VectorOpsErrorCategory.ObjectNotFound,
                    Directory.Exists(path) ? $"The keep file '{path}' is a folder, not a file." : $"The keep file '{path}' does not exist.", path);
            return AddKeepLines(AddRecordsCommand.ReadLines(path), "'" + path + "'");
        }

        /// <summary>Adds the ids of lines (a file, standard input), blank lines skipped; false when stopped while reading.</summary>
        public bool AddKeepLines(IEnumerable<string> lines, string source)
        {
            long n = 0;
            foreach (var text in lines)
            {
                n++;
                if (Stop.IsCancellationRequested) return false;
                if (RemoveByIdsCommand.IsBlankLine(text)) continue;
                AddKeep(text, $"Line {n} of {source}: ");
            }
            return true;
        }

        /// <summary>
        /// Runs the sweep in one namespace (null: the connection's): checks the keep-list, lists the namespace once
        /// (spooling the orphans), applies the guards, then deletes the spooled orphans as a scoped delete. Writes the
        /// missing keep ids last when asked to. Call <see cref="ScopedDeleteCommand.Complete"/> after (the host's
        /// stop path) or rely on this method's own cleanup of the spool file.
        /// </summary>
        public void Sweep(string? @namespace)
        {
            var ns = ResolveExistingNamespace(@namespace);
            if (_badKeepIds > 0)
            {
                if (_badKeepIds > ShownErrors) Host.WriteWarning($"... and {_badKeepIds - ShownErrors:N0} more invalid keep id(s) not shown.");
                throw new VectorOpsException(ErrorIds.InvalidKeepList, VectorOpsErrorCategory.InvalidData,
                    $"{_badKeepIds:N0} keep id(s) are invalid: nothing was deleted. A sweep deletes every record not kept, so the keep-list must be whole; fix it and run again.",
                    _firstBad);
            }
            if (_keep.Count == 0)
                throw new VectorOpsException(ErrorIds.EmptyKeepList, VectorOpsErrorCategory.InvalidArgument,
                    $"The keep-list is empty: a sweep would delete every record of namespace '{ns}', so it is refused and nothing was deleted. " +
                    "Give the ids to keep; to delete a whole namespace, clear it (Clear-VectorNamespace, vectorops clear).",
                    ns);

            try
            {
                if (!Spool(ns)) return;
                Guard(ns);
                Execute(new string?[] { ns });
                if (_reportMissing && !Stop.IsCancellationRequested) WriteMissing(ns);
            }
            finally
            {
                DeleteSpool();
            }
        }

        /// <summary>Lists the namespace once: counts records and kept ids, writes the orphans' ids to the spool file.</summary>
        private bool Spool(string ns)
        {
            DeleteSpool();
            _spool = Path.Combine(Path.GetTempPath(), "vectorops-sweep-" + Guid.NewGuid().ToString("N") + ".ids");
            long total = 0, orphans = 0, found = 0;
            using (var stream = new FileStream(_spool, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            using (var writer = new BinaryWriter(stream, new UTF8Encoding(false)))
            {
                foreach (var page in Pages(Provider.ListIdsAsync(ns, null, Stop)))
                {
                    foreach (var id in page)
                    {
                        total++;
                        if (_keep.TryGetValue(id, out var seen))
                        {
                            if (!seen)
                            {
                                _keep[id] = true;
                                found++;
                            }
                            continue;
                        }
                        writer.Write(id); // length-prefixed: an id may hold any character
                        orphans++;
                    }
                    Host.WriteProgress(new ProgressInfo(2, "Listing the namespace's records", $"{total:N0} listed in '{ns}', {orphans:N0} not kept"));
                }
                Host.WriteProgress(new ProgressInfo(2, "Listing the namespace's records", "Done") { Completed = true });
            }
            Total = total;
            KeptFound = found;
            _orphans = orphans;
            if (Stop.IsCancellationRequested)
            {
                Host.WriteWarning($"Stopped while listing namespace '{ns}': nothing was deleted.");
                return false;
            }
            Host.WriteVerbose($"Namespace '{ns}' of {Provider.Name} index '{Provider.Index}': {total:N0} record(s), {found:N0} of the {_keep.Count:N0} keep id(s) found, {orphans:N0} orphan(s).");
            return true;
        }

        /// <summary>The share guards: a sweep that looks like a wrong namespace or a truncated keep-list is refused.</summary>
        private void Guard(string ns)
        {
            if (Total == 0 || _orphans == 0) return; // nothing to delete: the scoped delete warns
            var where = $"namespace '{ns}' of {Provider.Name} index '{Provider.Index}'";
            if (KeptFound == 0 && _maxShare < 1)
                throw new VectorOpsException(ErrorIds.KeepIdsNotInNamespace, VectorOpsErrorCategory.InvalidOperation,
                    $"None of the {_keep.Count:N0} keep id(s) is in {where}, which has {Total:N0} record(s): the sweep would delete all of them, " +
                    "so it is refused and nothing was deleted. Check the namespace and the keep-list (a wrong namespace or file is the usual cause); " +
                    "to sweep anyway, allow every record with a maximum delete share of 1 (-MaxDeleteShare 1, --max-delete-share 1).",
                    ns);
            if ((decimal)_orphans > (decimal)_maxShare * Total)
                throw new VectorOpsException(ErrorIds.OrphanShareExceeded, VectorOpsErrorCategory.LimitsExceeded,
                    $"The sweep would delete {_orphans:N0} of the {Total:N0} record(s) in {where} ({Percent(_orphans, Total)}), " +
                    $"more than the maximum delete share of {_maxShare.ToString("0.###", CultureInfo.InvariantCulture)} ({Percent(_maxShare)}) allows: nothing was deleted. " +
                    "An empty or truncated keep-list looks like this. If the orphans are meant to go, raise the share (-MaxDeleteShare, --max-delete-share; 1 allows all).",
                    ns);
        }

        private static string Percent(long part, long whole) => Percent((double)part / whole);

        private static string Percent(double share) => (share * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";

        protected override long? CheapCount(string ns) => _orphans;

        protected override IAsyncEnumerable<IReadOnlyList<string>> Matches(string ns, CancellationToken ct) => ReadSpool(ct);

        /// <summary>The spooled orphan ids, in pages.</summary>
        private async IAsyncEnumerable<IReadOnlyList<string>> ReadSpool([EnumeratorCancellation] CancellationToken ct)
        {
            await Task.CompletedTask.ConfigureAwait(false);
            if (_spool is null) yield break;
            using var stream = new FileStream(_spool, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            using var reader = new BinaryReader(stream, new UTF8Encoding(false));
            const int page = 1000;
            var ids = new List<string>(page);
            while (stream.Position < stream.Length)
            {
                ct.ThrowIfCancellationRequested();
                ids.Add(reader.ReadString());
                if (ids.Count == page)
                {
                    yield return ids;
                    ids = new List<string>(page);
                }
            }
            if (ids.Count > 0) yield return ids;
        }

        /// <summary>The keep ids the listing did not find, as <see cref="VectorMissingRecord"/>s (insertion order).</summary>
        private void WriteMissing(string ns)
        {
            var missing = 0L;
            foreach (var pair in _keep)
            {
                if (pair.Value) continue;
                missing++;
                Host.WriteObject(new VectorMissingRecord(ns, pair.Key));
            }
            Host.WriteVerbose($"{missing:N0} of the {_keep.Count:N0} keep id(s) are not in namespace '{ns}'.");
        }

        private void DeleteSpool()
        {
            if (_spool is null) return;
            try
            {
                File.Delete(_spool);
            }
            catch (IOException)
            {
                // A temporary file left behind is harmless.
            }
            catch (UnauthorizedAccessException)
            {
            }
            _spool = null;
        }
    }
}
