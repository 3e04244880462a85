using System.Linq;
using VectorOps.Connections;
using VectorOps.Hosting;
using VectorOps.Model;

namespace VectorOps.Commands
{
    /// <summary>
    /// Describes the connected index (Get-VectorIndex, vectorops stats): provider, index, endpoint, dimension, metric
    /// where known, and every namespace with its record count and the total. Read only: one statistics call; a provider error is thrown, as by every read.
    /// </summary>
    public sealed class GetIndexCommand : VectorCommand
    {
        public GetIndexCommand(ICommandHost host, VectorConnection? connection) : base(host, connection) { }

        /// <summary>Reads the statistics and writes one <see cref="VectorIndexInfo"/>; nothing when the run was stopped.</summary>
        public void Execute()
        {
            if (Stop.IsCancellationRequested) return;
            // A provider error goes up as it is (terminating), as with every read.
            var stats = Wait(() => Provider.GetStatsAsync(Stop));
            var namespaces = (stats.Namespaces ?? new NamespaceInfo[0]).OrderBy(n => n.Name, System.StringComparer.Ordinal).ToList();
            // A provider that reports no total still has one: the sum of what it reports per namespace.
            var total = stats.TotalRecordCount ??
                        (namespaces.Count > 0 && namespaces.All(n => n.RecordCount.HasValue) ? namespaces.Sum(n => n.RecordCount!.Value) : (long?)null);
            Host.WriteObject(new VectorIndexInfo(
                string.IsNullOrEmpty(stats.Provider) ? Provider.Name : stats.Provider,
                string.IsNullOrEmpty(stats.Index) ? Provider.Index : stats.Index,
                Connection.Endpoint, stats.Dimension, stats.Metric, total, namespaces));
        }
    }
}
