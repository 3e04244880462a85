using VectorOps.Connections;
using VectorOps.Hosting;

namespace VectorOps.Commands
{
    /// <summary>Lists the namespaces of the connected index with their record counts. Read only.</summary>
    public sealed class GetNamespacesCommand : VectorCommand
    {
        public GetNamespacesCommand(ICommandHost host, VectorConnection? connection) : base(host, connection) { }

        /// <summary>Writes every namespace, or only those whose name matches the wildcard-free name given.</summary>
        public void Execute(string? name = null)
        {
            foreach (var ns in Pages(Provider.ListNamespacesAsync(Stop)))
            {
                if (name is null || name == ns.Name) Host.WriteObject(ns);
            }
        }
    }
}
