using System;
using System.Collections.Generic;
using System.Linq;
using VectorOps.Connections;
using VectorOps.Errors;
using VectorOps.Filtering;
using VectorOps.Hosting;
using VectorOps.Model;

namespace VectorOps.Commands
{
    /// <summary>Reads records: by id (fetched in batches), by id prefix, or by filter. Read only.</summary>
    public sealed class GetRecordsCommand : VectorCommand
    {
        private readonly Dictionary<string, List<string>> _pending = new Dictionary<string, List<string>>(StringComparer.Ordinal);

        public GetRecordsCommand(ICommandHost host, VectorConnection? connection) : base(host, connection) { }

        /// <summary>Most records to write (null = all).</summary>
        public long? First { get; set; }

        /// <summary>Write ids only (no fetch) for prefix and filter listings.</summary>
        public bool IdsOnly { get; set; }

        private long _written;
        private bool Full => First is long f && _written >= f;

        public void AddIds(IEnumerable<string?> ids, string? @namespace = null)
        {
            string ns;
            try { ns = ResolveNamespace(@namespace); }
            catch (VectorOpsException ex) { Report(ex); return; }
            if (!_pending.TryGetValue(ns, out var list)) _pending[ns] = list = new List<string>();
            foreach (var id in ids)
            {
                try
                {
                    if (id is null || id.Trim().Length == 0)
                        throw new VectorOpsException(ErrorIds.InvalidId, VectorOpsErrorCategory.InvalidArgument, "A record id is empty or blank.", id);
                    Provider.ValidateId(id);
                }
                catch (VectorOpsException ex) { Report(ex); continue; }
                list.Add(id);
                if (list.Count >= Provider.Capabilities.MaxIdsPerFetch)
                {
                    FetchAndWrite(ns, list, reportMissing: true);
                    _pending[ns] = list = new List<string>();
                }
            }
        }

        public void Complete()
        {
            foreach (var pair in _pending)
                if (pair.Value.Count > 0) FetchAndWrite(pair.Key, pair.Value, reportMissing: true);
            _pending.Clear();
        }

        /// <summary>Records whose id starts with the prefix (all records when it is null or empty).</summary>
        public void ByPrefix(string? prefix, string? @namespace = null)
        {
            var ns = ResolveNamespace(@namespace);
            foreach (var page in Pages(Provider.ListIdsAsync(ns, string.IsNullOrEmpty(prefix) ? null : prefix, Stop)))
            {
                if (Full) return;
                WritePage(ns, page);
            }
        }

        public void ByFilter(MetadataFilter filter, string? @namespace = null)
        {
            var ns = ResolveNamespace(@namespace);
            foreach (var page in Pages(Provider.FindIdsAsync(ns, filter, Stop)))
            {
                if (Full) return;
                WritePage(ns, page);
            }
        }

        private void WritePage(string ns, IReadOnlyList<string> page)
        {
            if (IdsOnly)
            {
                foreach (var id in page)
                {
                    if (Full) return;
                    Host.WriteObject(new VectorRecord(id) { Namespace = ns });
                    _written++;
                }
                return;
            }
            var cap = Provider.Capabilities.MaxIdsPerFetch;
            for (var i = 0; i < page.Count && !Full; i += cap)
                FetchAndWrite(ns, page.Skip(i).Take(cap).ToList(), reportMissing: false);
        }

        private void FetchAndWrite(string ns, IReadOnlyList<string> ids, bool reportMissing)
        {
            if (Stop.IsCancellationRequested) return;
            IReadOnlyList<VectorRecord> records;
            try
            {
                records = Wait(() => Provider.FetchAsync(ns, ids, Stop));
            }
            catch (VectorOpsException ex)
            {
                Report(ex);
                return;
            }
            var byId = new Dictionary<string, VectorRecord>(StringComparer.Ordinal);
            foreach (var r in records) byId[r.Id] = r;
            foreach (var id in ids)
            {
                if (byId.TryGetValue(id, out var r))
                {
                    if (Full) return;
                    r.Namespace ??= ns;
                    Host.WriteObject(r);
                    _written++;
                }
                else if (reportMissing)
                {
                    Report(new VectorOpsException(ErrorIds.RecordNotFound, VectorOpsErrorCategory.ObjectNotFound,
                        $"No record with id '{id}' in namespace '{ns}' of {Provider.Name} index '{Provider.Index}'.", id));
                }
            }
        }
    }
}
