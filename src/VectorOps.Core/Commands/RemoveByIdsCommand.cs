using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using VectorOps.Connections;
using VectorOps.Errors;
using VectorOps.Hosting;
using VectorOps.Model;
using VectorOps.Serialization;

namespace VectorOps.Commands
{
    /// <summary>
    /// Deletes records by id. Ids arrive in any number of calls (one per pipeline record), are validated, buffered
    /// per namespace and sent in batches of the provider's cap as soon as a batch is full: never all in memory.
    /// Each batch is confirmed with ShouldProcess (so -WhatIf previews exactly the ids of each batch) and reported
    /// as one mutation.
    /// </summary>
    public sealed class RemoveByIdsCommand : VectorCommand
    {
        private readonly RemoveOptions _options;
        private readonly BatchRunner _runner;
        private readonly int _batchSize;
        private readonly Lazy<BackupWriter>? _backup;
        private readonly Dictionary<string, Buffer> _buffers = new Dictionary<string, Buffer>(StringComparer.Ordinal);
        private string? _lastNamespaceGiven;
        private string? _lastNamespace;
        private Buffer? _lastBuffer;
        private string? _lastBufferNamespace;

        public RemoveByIdsCommand(ICommandHost host, VectorConnection? connection, RemoveOptions? options = null)
            : base(host, connection)
        {
            _options = options ?? new RemoveOptions();
            _batchSize = BatchSize(_options.BatchSize);
            _runner = new BatchRunner(host, DeleteConcurrency(_options.ThrottleLimit, _options.BackupPath != null), "Deleting records by id", Trace);
            _backup = BackupWriter.Prepare(_options.BackupPath);
            _runner.Done = Tally;
        }

        /// <summary>Per namespace: ids sent in batches whose provider said how many it removed, and that count.</summary>
        private readonly Dictionary<string, long[]> _removed = new Dictionary<string, long[]>(StringComparer.Ordinal);

        private void Tally(VectorMutation m)
        {
            if (m.AffectedCount is not long removed) return; // the service answered no count: never claim one
            var key = m.Namespace ?? "";
            if (!_removed.TryGetValue(key, out var t)) _removed[key] = t = new long[2];
            t[0] += m.RequestedCount;
            t[1] += removed;
        }

        /// <summary>Warns, per namespace, when the provider says it removed fewer records than ids were sent.</summary>
        private void WarnNotFound()
        {
            foreach (var pair in _removed)
            {
                long asked = pair.Value[0], removed = pair.Value[1];
                if (removed >= asked) continue;
                Host.WriteWarning(removed == 0
                    ? $"None of the {asked:N0} id(s) sent to namespace '{pair.Key}' of {Provider.Name} index '{Provider.Index}' was there: nothing was deleted."
                    : $"{asked - removed:N0} of the {asked:N0} id(s) sent to namespace '{pair.Key}' of {Provider.Name} index '{Provider.Index}' were not there; {removed:N0} record(s) were deleted.");
            }
            _removed.Clear();
        }

        /// <summary>
        /// Checks the namespace of inputs to come (given blank, the provider's rules, whether the index has it) and
        /// throws its error: the CLI calls it before reading any id.
        /// </summary>
        public string CheckNamespace(string? @namespace) => Namespace(@namespace);

        public int FailedBatches => _runner.Failed;
        public int SkippedBatches => _runner.Skipped;

        /// <summary>What the run did so far (for a host that must summarise a stop itself).</summary>
        public RunSummary Summary => _runner.Summary;

        /// <summary>
        /// Says how many ids the run will be given in all (an -Id array passed as an argument, an id file counted in
        /// a first pass), so that progress is a percentage of the records done. Without it, progress shows the ids
        /// sent and the rate.
        /// </summary>
        public void ExpectIds(long count) => _runner.ExpectRecords(count);

        private int BatchSize(int? requested)
        {
            var cap = Provider.Capabilities.MaxIdsPerDelete;
            if (requested < 1 || requested > cap)
                throw new VectorOpsException(ErrorIds.InvalidArgument, VectorOpsErrorCategory.InvalidArgument,
                    $"BatchSize must be between 1 and {cap} (the most {Provider.Name} accepts in one delete), not {requested}.", requested);
            return DeleteBatchSize(_options.BackupPath != null, requested);
        }

        /// <summary>
        /// Adds the ids of one input (one -Id array or one pipeline object). They are validated together first:
        /// if any is invalid, each bad one is reported and none of this input is sent.
        /// </summary>
        /// <remarks>
        /// The cmdlet calls this once per pipeline record, so it is the per-id hot path of a million-id delete: it
        /// allocates nothing of its own for an input that is a list or an array (the namespace is validated once
        /// while it stays the same; the ids are checked in a first pass and buffered in a second).
        /// </remarks>
        [MethodImpl(HotPath.Optimize)]
        public void Add(IEnumerable<string?>? ids, string? @namespace = null)
        {
            // The ids first, then the namespace: its existence check may read the namespace list (once per run), which
            // input that is bad anyway never needs.
            var list = ids as IReadOnlyList<string?> ?? (ids is null ? Array.Empty<string?>() : new List<string?>(ids));
            if (list.Count == 1)
            {
                if (IsValid(list[0]) && TryNamespace(@namespace, out var one)) Append(one, list[0]!);
                return;
            }
            if (list.Count == 0)
            {
                if (!TryNamespace(@namespace, out _)) return;
                Report(new VectorOpsException(ErrorIds.InvalidId, VectorOpsErrorCategory.InvalidArgument,
                    "No record id was given.", null));
                return;
            }
            if (!AllValid(list) || !TryNamespace(@namespace, out var ns)) return;
            for (var i = 0; i < list.Count; i++) Append(ns, list[i]!);
        }

        /// <summary>Checks every id of one input, reporting each bad one; true when all are good.</summary>
        [MethodImpl(HotPath.Optimize)]
        private bool AllValid(IReadOnlyList<string?> ids)
        {
            var good = true;
            for (var i = 0; i < ids.Count; i++)
                if (!IsValid(ids[i])) good = false;
            return good;
        }

        /// <summary>Adds one id (one pipeline record of one id, one line of an id file): the same checks, no list.</summary>
        [MethodImpl(HotPath.Optimize)]
        public void Add(string? id, string? @namespace = null)
        {
            if (IsValid(id) && TryNamespace(@namespace, out var ns)) Append(ns, id!);
        }

        [MethodImpl(HotPath.Optimize)]
        private bool TryNamespace(string? given, out string ns)
        {
            if (_lastNamespace != null && string.Equals(given, _lastNamespaceGiven, StringComparison.Ordinal))
            {
                ns = _lastNamespace; // the same namespace as the last input: validated already
                return true;
            }
            try
            {
                ns = Namespace(given);
                return true;
            }
            catch (VectorOpsException ex)
            {
                Report(ex);
                ns = "";
                return false;
            }
        }

        /// <summary>Blank, then the provider's own rules; a bad id is reported (its value as the target).</summary>
        [MethodImpl(HotPath.Optimize)]
        private bool IsValid(string? id)
        {
            var bad = CheckId(id);
            if (bad is null) return true;
            Report(bad);
            return false;
        }

        /// <summary>The error for an empty or blank id, or null: the check that needs no connection (a front end may make it first).</summary>
        public static VectorOpsException? CheckBlankId(string? id) =>
            id is null || id.Trim().Length == 0 ? BlankId(id) : null;

        private static VectorOpsException BlankId(string? id) =>
            new VectorOpsException(ErrorIds.InvalidId, VectorOpsErrorCategory.InvalidArgument,
                "A record id is empty or blank; nothing from this input was deleted.", id);

        /// <summary>
        /// The error for a bad id (blank, or against the provider's rules), or null when it is good: the check every
        /// id gets before it is buffered, for a front end that checks input before the first batch is sent.
        /// </summary>
        [MethodImpl(HotPath.Optimize)]
        public VectorOpsException? CheckId(string? id)
        {
            try
            {
                if (id is null || id.Length == 0 || (char.IsWhiteSpace(id[0]) && string.IsNullOrWhiteSpace(id))) return BlankId(id);
                Provider.ValidateId(id);
                return null;
            }
            catch (VectorOpsException ex)
            {
                return ex;
            }
        }

        /// <summary>Buffers a valid id in its namespace's batch (once per batch) and sends the batch when it is full.</summary>
        [MethodImpl(HotPath.Optimize)]
        private void Append(string ns, string id)
        {
            var buffer = _lastBuffer;
            if (buffer is null || !ReferenceEquals(ns, _lastBufferNamespace))
            {
                if (!_buffers.TryGetValue(ns, out buffer))
                    _buffers[ns] = buffer = new Buffer(_batchSize);
                _lastBuffer = buffer;
                _lastBufferNamespace = ns;
            }
            if (!buffer.Seen.Add(id, buffer.Ids)) return; // the same id twice in one batch is sent once
            buffer.Ids.Add(id);
            if (buffer.Ids.Count == _batchSize)
            {
                Flush(ns, buffer.Ids);
                buffer.Next(_batchSize);
            }
        }

        /// <summary>The namespace of an input, validated by the provider once for as long as it does not change.</summary>
        private string Namespace(string? @namespace)
        {
            if (_lastNamespace != null && string.Equals(@namespace, _lastNamespaceGiven, StringComparison.Ordinal)) return _lastNamespace;
            var ns = ResolveExistingNamespace(@namespace);
            _lastNamespaceGiven = @namespace;
            _lastNamespace = ns;
            return ns;
        }

        // ---- id files: checked whole, then sent ------------------------------------------------------------

        /// <summary>
        /// Deletes the ids of a file, one a line (blank lines skipped), read twice and streamed both times, so
        /// memory stays flat: first every line is checked, each bad one reported with its line number, and one bad
        /// line means nothing is sent (a terminating InvalidIdFile error after the per-line errors); then the
        /// ids are sent. Call <see cref="Complete"/> after. The rule for input that streams in (the pipeline, standard
        /// input) is the other one: each input is checked on its own (<see cref="Add(string, string)"/>).
        /// </summary>
        public void AddIdFile(string path, string? @namespace = null)
        {
            if (path is null || path.Trim().Length == 0)
                throw new VectorOpsException(ErrorIds.InputFileNotFound, VectorOpsErrorCategory.InvalidArgument, "Name the id file.", path);
            if (!File.Exists(path))
                throw new VectorOpsException(ErrorIds.InputFileNotFound, VectorOpsErrorCategory.ObjectNotFound,
                    Directory.Exists(path) ? $"The id file '{path}' is a folder, not a file." : $"The id file '{path}' does not exist.", path);
            var ns = Namespace(@namespace);
            var source = "'" + path + "'";
            var check = CheckIdLines(AddRecordsCommand.ReadLines(path), source);
            if (check.StoppedAt > 0)
            {
                Host.WriteWarning($"Stopped while checking {source}: nothing was deleted.");
                return;
            }
            if (check.Bad > 0)
            {
                if (check.Bad > ShownErrors) Host.WriteWarning($"... and {check.Bad - ShownErrors:N0} more invalid line(s) in {source} not shown.");
                throw new VectorOpsException(ErrorIds.InvalidIdFile, VectorOpsErrorCategory.InvalidData,
                    $"{source} has {check.Bad:N0} invalid line(s): nothing was deleted. Fix or remove them and run again.", path);
            }
            if (check.Ids == 0)
            {
                Host.WriteWarning($"{source} holds no ids: nothing to delete.");
                return;
            }
            Host.WriteVerbose($"{check.Ids:N0} id(s) in {source} checked; deleting from namespace '{ns}' of {Provider.Name} index '{Provider.Index}'.");
            ExpectIds(check.Ids); // the check counted them: progress is a percentage of them
            var stoppedAt = AddIdLines(AddRecordsCommand.ReadLines(path), @namespace);
            if (stoppedAt > 0)
                Host.WriteWarning($"Stopped: the ids from line {stoppedAt} of {source} on were not read; to go on, run again on the lines from {stoppedAt} on.");
        }

        /// <summary>What the check of an id file found.</summary>
        public readonly struct IdLinesCheck
        {
            public IdLinesCheck(long ids, int bad, long stoppedAt)
            {
                Ids = ids;
                Bad = bad;
                StoppedAt = stoppedAt;
            }

            /// <summary>Valid ids (lines that are not blank).</summary>
            public long Ids { get; }

            /// <summary>Bad lines (the first <see cref="VectorCommand.ShownErrors"/> were reported).</summary>
            public int Bad { get; }

            /// <summary>The line the check stopped at when the run was stopped; 0 when it read to the end.</summary>
            public long StoppedAt { get; }
        }

        /// <summary>
        /// The first pass over an id file: checks every line (blank lines skipped) with the provider's rules and
        /// reports each bad one as "Line N of SOURCE: …" (the first <see cref="VectorCommand.ShownErrors"/>). Sends nothing.
        /// </summary>
        public IdLinesCheck CheckIdLines(IEnumerable<string> lines, string source)
        {
            long n = 0, ids = 0;
            var bad = 0;
            foreach (var text in lines)
            {
                n++;
                if (Stop.IsCancellationRequested) return new IdLinesCheck(ids, bad, n);
                if (IsBlankLine(text)) continue;
                if (CheckId(text) is VectorOpsException ex)
                {
                    bad++;
                    if (bad <= ShownErrors)
                        Report(new VectorOpsException(ex.ErrorId, ex.Category, $"Line {n} of {source}: {ex.Message}", ex.Target, ex));
                }
                else
                {
                    ids++;
                }
            }
            return new IdLinesCheck(ids, bad, 0);
        }

        /// <summary>
        /// The second pass: sends the ids of the lines (blank lines skipped), one id at a time into the batches.
        /// Returns the number of the first line not read when the run was stopped, else 0.
        /// </summary>
        public long AddIdLines(IEnumerable<string> lines, string? @namespace = null)
        {
            // Handed over a chunk at a time (one list, reused): after a stop, every id read is in a mutation (sent,
            // or Skipped), and the lines not read are named by number.
            var chunk = new List<string?>(IdChunk);
            long n = 0, stoppedAt = 0;
            foreach (var text in lines)
            {
                n++;
                if (Stop.IsCancellationRequested)
                {
                    stoppedAt = n;
                    break;
                }
                if (IsBlankLine(text)) continue;
                chunk.Add(text);
                if (chunk.Count == IdChunk)
                {
                    Add(chunk, @namespace);
                    chunk.Clear();
                }
            }
            if (chunk.Count > 0) Add(chunk, @namespace);
            return stoppedAt;
        }

        /// <summary>Ids of a file handed to <see cref="Add(IEnumerable{string}, string)"/> at a time; it re-batches them to the provider's cap.</summary>
        private const int IdChunk = 1000;

        /// <summary>An empty or white-space line of an id file: skipped (no id is blank).</summary>
        public static bool IsBlankLine(string text) => string.IsNullOrWhiteSpace(text);

        /// <summary>
        /// Deletes again exactly the ids of an earlier mutation (a failed, skipped or previewed batch), as a batch of
        /// its own: never merged with other inputs, so each mutation given gets its own result mutation (split only
        /// if it holds more ids than this run's batch size), and a batch that failed for its size is not resent
        /// inside a bigger one. Its ids are checked together first: one bad id and none of them is sent.
        /// </summary>
        /// <param name="mutation">A Failed, Skipped or WhatIf mutation of this index.</param>
        /// <param name="givenNamespace">
        /// The namespace the user named with it (the original command line run again on its failures), or null. The
        /// mutation is always retried in its own namespace; one named that is not its own is refused
        /// (<see cref="ErrorIds.NamespaceMismatch"/>) and the mutation is not sent.
        /// </param>
        public void Retry(VectorMutation mutation, string? givenNamespace = null)
        {
            if (RetryRefusal(mutation, givenNamespace) is VectorOpsException refused)
            {
                Report(refused);
                return;
            }
            if (!AllValid(mutation.Ids!) || !TryNamespace(mutation.Namespace, out var ns)) return;
            // Batches of its own, not the namespace's buffer: never merged with other inputs. Unlike the buffer,
            // duplicates are dropped across the whole mutation, not per batch.
            var ids = mutation.Ids!; // RetryRefusal refused a mutation without ids
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var batch = new List<string>(Math.Min(ids.Count, _batchSize));
            foreach (var id in ids)
            {
                if (!seen.Add(id)) continue;
                batch.Add(id);
                if (batch.Count == _batchSize)
                {
                    Flush(ns, batch);
                    batch = new List<string>(Math.Min(ids.Count, _batchSize));
                }
            }
            if (batch.Count > 0) Flush(ns, batch);
        }

        /// <summary>True for the mutations a retry sends again: Failed and Skipped batches (others pass untouched).</summary>
        public static bool NeedsRetry(VectorMutation mutation) =>
            mutation.Status == MutationStatus.Failed || mutation.Status == MutationStatus.Skipped;

        /// <summary>
        /// Why this mutation cannot be sent again as a delete by id (null when it can): the rules of
        /// <see cref="Retry"/>, for a front end that checks a whole file of mutations before the first is sent
        /// (vectorops remove --retry-from). Its ids are checked with <see cref="CheckId"/>; its namespace, as the
        /// retry will, through <see cref="CheckNamespace"/> (blank refused, one the index lacks too).
        /// </summary>
        public VectorOpsException? CheckRetry(VectorMutation mutation, string? givenNamespace = null)
        {
            if (RetryRefusal(mutation, givenNamespace, asInput: true) is VectorOpsException refused) return refused;
            try
            {
                CheckNamespace(mutation.Namespace);
            }
            catch (VectorOpsException ex)
            {
                return ex;
            }
            return null;
        }

        /// <param name="asInput">
        /// True when the mutation is a line of input checked before anything is sent: the error's target is then the
        /// offending value (the operation, the index), not the mutation (which marks a batch's error).
        /// </param>
        private VectorOpsException? RetryRefusal(VectorMutation mutation, string? givenNamespace, bool asInput = false)
        {
            if (mutation.Operation == MutationOperation.Upsert)
                // Never turn a write into a delete: a failed upsert is retried by adding its records again.
                return new VectorOpsException(ErrorIds.InvalidInputObject, VectorOpsErrorCategory.InvalidArgument,
                    "This is an Upsert mutation: sending its ids to a delete would remove the records it tried to write. Add the records again instead.",
                    asInput ? mutation.Operation.ToString() : mutation);
            if (mutation.Operation == MutationOperation.ClearNamespace && (mutation.Ids is null || mutation.Ids.Count == 0))
                return new VectorOpsException(ErrorIds.InvalidInputObject, VectorOpsErrorCategory.InvalidArgument,
                    $"A ClearNamespace mutation carries no ids, so it cannot be sent again by id; clear the namespace '{mutation.Namespace}' again.",
                    asInput ? mutation.Operation.ToString() : mutation);
            if (mutation.Ids is null || mutation.Ids.Count == 0)
                return new VectorOpsException(ErrorIds.InvalidInputObject, VectorOpsErrorCategory.InvalidArgument,
                    $"This {mutation.Operation} mutation carries no ids (a native filter delete, or one declined before its ids were listed), so it cannot be sent again by id; run the original command again.",
                    asInput ? mutation.Operation.ToString() : mutation);
            if (!string.Equals(mutation.Provider, Provider.Name, StringComparison.OrdinalIgnoreCase) ||
                !string.Equals(mutation.Index, Provider.Index, StringComparison.Ordinal))
                return new VectorOpsException(ErrorIds.InvalidInputObject, VectorOpsErrorCategory.InvalidArgument,
                    $"This mutation belongs to {mutation.Provider} index '{mutation.Index}', not to the connected {Provider.Name} index '{Provider.Index}'.",
                    asInput ? mutation.Index : mutation);
            if (givenNamespace != null)
            {
                // -Namespace '' with piped mutations: refused like everywhere (EmptyNamespace), not "any namespace".
                try { RefuseBlankNamespace(givenNamespace); }
                catch (VectorOpsException ex) { return ex; }
                if (NamespaceMismatch(mutation, givenNamespace, Connection.Namespace) is VectorOpsException mismatch) return mismatch;
            }
            return null;
        }

        /// <summary>
        /// The error for a mutation sent back with a namespace that is not its own (null when it is its own): a
        /// mutation without a namespace belongs to the connection's default one. Shared with the CLI's --retry-from.
        /// </summary>
        public static VectorOpsException? NamespaceMismatch(VectorMutation mutation, string givenNamespace, string connectionNamespace)
        {
            var own = string.IsNullOrEmpty(mutation.Namespace) ? connectionNamespace : mutation.Namespace!;
            if (string.Equals(own, givenNamespace, StringComparison.Ordinal)) return null;
            return new VectorOpsException(ErrorIds.NamespaceMismatch, VectorOpsErrorCategory.InvalidArgument,
                $"This {mutation.Status} {mutation.Operation} mutation ({mutation.Ids?.Count ?? 0} id(s)) belongs to namespace '{own}', " +
                $"but the namespace given is '{givenNamespace}': it was not sent. A mutation is retried in its own namespace; " +
                "leave the namespace out (or give its own).", givenNamespace);
        }

        /// <summary>Sends what is left in the buffers and waits for every batch. Call once, at the end.</summary>
        public void Complete()
        {
            foreach (var pair in _buffers)
                if (pair.Value.Ids.Count > 0)
                    Flush(pair.Key, pair.Value.Ids);
            _buffers.Clear();
            _lastBuffer = null;
            _lastBufferNamespace = null;
            try
            {
                _runner.Complete();
                WarnNotFound();
            }
            finally
            {
                if (_backup?.IsValueCreated == true) _backup.Value.Dispose();
            }
        }

        private void Flush(string ns, List<string> ids)
        {
            var m = NewMutation(ns, MutationOperation.DeleteByIds);
            m.Ids = ids;
            m.RequestedCount = ids.Count;
            if (Stop.IsCancellationRequested)
            {
                _runner.Skip(m, "The run was stopped before this batch was sent.", ErrorIds.OperationStopped);
                return;
            }
            if (!Confirm(m, DescribeBatch(ns, ids), "Delete records", _runner, "Declined: not deleted.")) return;
            _runner.Run(m, DeleteIds(Provider, ns, ids, _backup?.Value, validated: true));
        }

        /// <summary>
        /// The ids of one namespace's batch being filled. The list goes to the batch's mutation, so each batch gets
        /// a new one; the duplicate check is only per batch, so its set is cleared and kept (no regrowth per batch).
        /// </summary>
        private sealed class Buffer
        {
            public Buffer(int size)
            {
                Ids = new List<string>(Math.Min(size, 1024));
                Seen = new IdSet(size);
            }

            public List<string> Ids { get; private set; }
            public IdSet Seen { get; }

            public void Next(int size)
            {
                Ids = new List<string>(Math.Min(size, 1024));
                Seen.Clear();
            }
        }
    }
}
