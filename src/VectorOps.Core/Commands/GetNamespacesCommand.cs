using System;
using System.Collections.Generic;
using VectorOps.Connections;
using VectorOps.Hosting;

namespace VectorOps.Commands
{
    /// <summary>Lists the namespaces of the connected index with their record counts. Read only.</summary>
    public sealed class GetNamespacesCommand : VectorCommand
    {
        public GetNamespacesCommand(ICommandHost host, VectorConnection? connection) : base(host, connection) { }

        /// <summary>
        /// Writes every namespace (name null: none was given), or only the one of exactly this name. A name that is
        /// given must be a real name (EmptyNamespace); one the index does not have is a NamespaceNotFound error with
        /// the closest existing names (the whole list was read anyway).
        /// </summary>
        public void Execute(string? name = null)
        {
            if (name != null)
            {
                try
                {
                    ResolveNamespace(name);
                }
                catch (Errors.VectorOpsException ex)
                {
                    Report(ex);
                    return;
                }
            }
            var seen = new List<string>();
            var found = false;
            foreach (var ns in Pages(Provider.ListNamespacesAsync(Stop)))
            {
                seen.Add(ns.Name);
                if (name is null || string.Equals(name, ns.Name, StringComparison.Ordinal))
                {
                    found = true;
                    Host.WriteObject(ns);
                }
            }
            if (name != null && !found && !Stop.IsCancellationRequested) Report(NamespaceNotFound(name, seen));
        }
    }
}
