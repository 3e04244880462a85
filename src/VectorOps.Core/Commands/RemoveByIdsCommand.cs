using System;
using System.Collections.Generic;
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
        }

        public int FailedBatches => _runner.Failed;
        public int SkippedBatches => _runner.Skipped;

        private int BatchSize(int? requested)
        {
            var cap = Provider.Capabilities.MaxIdsPerDelete;
            if (requested is null) return cap;
            if (requested < 1 || requested > cap)
                throw new VectorOpsException(ErrorIds.InvalidArgument, VectorOpsErrorCategory.InvalidArgument,
                    $"BatchSize must be between 1 and {cap} (the most {Provider.Name} accepts in one delete), not {requested}.", requested);
            return requested.Value;
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
            if (!TryNamespace(@namespace, out var ns)) return;

            var list = ids as IReadOnlyList<string?> ?? (ids is null ? Array.Empty<string?>() : new List<string?>(ids));
            if (list.Count == 1)
            {
                if (IsValid(list[0])) Append(ns, list[0]!);
                return;
            }
            if (list.Count == 0)
            {
                Report(new VectorOpsException(ErrorIds.InvalidId, VectorOpsErrorCategory.InvalidArgument,
                    "No record id was given.", null));
                return;
            }
            if (!AllValid(list)) return;
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
            if (TryNamespace(@namespace, out var ns) && IsValid(id)) Append(ns, id!);
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
            try
            {
                if (id is null || id.Length == 0 || (char.IsWhiteSpace(id[0]) && string.IsNullOrWhiteSpace(id)))
                    throw new VectorOpsException(ErrorIds.InvalidId, VectorOpsErrorCategory.InvalidArgument,
                        "A record id is empty or blank; nothing from this input was deleted.", id);
                Provider.ValidateId(id);
                return true;
            }
            catch (VectorOpsException ex)
            {
                Report(ex);
                return false;
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
            var ns = ResolveNamespace(@namespace);
            _lastNamespaceGiven = @namespace;
            _lastNamespace = ns;
            return ns;
        }

        /// <summary>
        /// Deletes again exactly the ids of an earlier mutation (a failed, skipped or previewed batch), as a batch of
        /// its own: never merged with other inputs, so each mutation given gets its own result mutation (split only
        /// if it holds more ids than this run's batch size), and a batch that failed for its size is not resent
        /// inside a bigger one. Its ids are checked together first: one bad id and none of them is sent.
        /// </summary>
        public void Retry(VectorMutation mutation)
        {
            if (mutation.Operation == MutationOperation.Upsert)
            {
                // Never turn a write into a delete: a failed upsert is retried by adding its records again.
                Report(new VectorOpsException(ErrorIds.InvalidInputObject, VectorOpsErrorCategory.InvalidArgument,
                    "This is an Upsert mutation: sending its ids to a delete would remove the records it tried to write. Add the records again instead.",
                    mutation));
                return;
            }
            if (mutation.Ids is null || mutation.Ids.Count == 0)
            {
                Report(new VectorOpsException(ErrorIds.InvalidInputObject, VectorOpsErrorCategory.InvalidArgument,
                    $"This {mutation.Operation} mutation carries no ids, so it cannot be sent again by id; run the original command again.",
                    mutation));
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
            if (!TryNamespace(mutation.Namespace, out var ns) || !AllValid(mutation.Ids)) return;
            // Batches of its own, not the namespace's buffer: never merged with other inputs. Unlike the buffer,
            // duplicates are dropped across the whole mutation, not per batch.
            var ids = mutation.Ids;
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
