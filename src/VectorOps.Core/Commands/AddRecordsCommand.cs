using System;
using System.Collections.Generic;
using VectorOps.Connections;
using VectorOps.Errors;
using VectorOps.Hosting;
using VectorOps.Model;
using VectorOps.Serialization;

namespace VectorOps.Commands
{
    /// <summary>Upserts records, streamed and batched per namespace to the provider's cap; one mutation per batch.</summary>
    public sealed class AddRecordsCommand : VectorCommand
    {
        private readonly BatchRunner _runner;
        private readonly Dictionary<string, List<VectorRecord>> _buffers = new Dictionary<string, List<VectorRecord>>(StringComparer.Ordinal);
        private readonly int _batchSize;

        public AddRecordsCommand(ICommandHost host, VectorConnection? connection, int? throttleLimit = null, int? batchSize = null)
            : base(host, connection)
        {
            var cap = Provider.Capabilities.MaxRecordsPerUpsert;
            if (batchSize is int b && (b < 1 || b > cap))
                throw new VectorOpsException(ErrorIds.InvalidArgument, VectorOpsErrorCategory.InvalidArgument,
                    $"BatchSize must be between 1 and {cap}, not {b}.", b);
            _batchSize = batchSize ?? cap;
            _runner = new BatchRunner(host, Concurrency(throttleLimit), "Adding records", Trace);
        }

        public int FailedBatches => _runner.Failed;

        /// <summary>Namespace for records that name none (null: the connection's).</summary>
        public string? Namespace { get; set; }

        public void Add(VectorRecord? record)
        {
            if (record is null)
            {
                Report(new VectorOpsException(ErrorIds.InvalidRecord, VectorOpsErrorCategory.InvalidArgument, "A record is null.", null));
                return;
            }
            string ns;
            try
            {
                if (record.Id is null || record.Id.Trim().Length == 0)
                    throw new VectorOpsException(ErrorIds.InvalidId, VectorOpsErrorCategory.InvalidArgument, "A record has an empty id.", record);
                Provider.ValidateId(record.Id);
                ns = ResolveNamespace(record.Namespace ?? Namespace);
            }
            catch (VectorOpsException ex)
            {
                Report(ex);
                return;
            }
            if (!_buffers.TryGetValue(ns, out var list)) _buffers[ns] = list = new List<VectorRecord>(_batchSize);
            list.Add(record);
            if (list.Count >= _batchSize)
            {
                Flush(ns, list);
                _buffers[ns] = new List<VectorRecord>(_batchSize);
            }
        }

        /// <summary>Adds every record of a JSON Lines file, streaming.</summary>
        public void AddFromFile(string path)
        {
            foreach (var r in RecordJson.ReadFile(path))
            {
                if (Stop.IsCancellationRequested) break;
                Add(r);
            }
        }

        public void Complete()
        {
            foreach (var pair in _buffers)
                if (pair.Value.Count > 0) Flush(pair.Key, pair.Value);
            _buffers.Clear();
            _runner.Complete();
        }

        private void Flush(string ns, List<VectorRecord> records)
        {
            var m = NewMutation(ns, MutationOperation.Upsert);
            var ids = new List<string>(records.Count);
            foreach (var r in records) ids.Add(r.Id);
            m.Ids = ids;
            m.RequestedCount = records.Count;
            if (!Confirm(m, DescribeBatch(ns, ids), "Upsert records", _runner, "Declined: not written.")) return;
            var provider = Provider;
            _runner.Run(m, ct => provider.UpsertAsync(ns, records, ct));
        }
    }
}
