using System.Management.Automation;
using VectorOps.Commands;
using VectorOps.Model;
using VectorOps.PowerShell.Input;

namespace VectorOps.PowerShell.Cmdlets
{
    /// <summary>Lists the namespaces of the connected index with their record counts.</summary>
    [Cmdlet(VerbsCommon.Get, "VectorNamespace")]
    [OutputType(typeof(NamespaceInfo))]
    public sealed class GetVectorNamespaceCommand : VectorCmdletBase
    {
        /// <summary>Only the namespace of this exact name.</summary>
        [Parameter(Position = 0)]
        [AllowNull]
        [AllowEmptyString]
        [ArgumentCompleter(typeof(NamespaceCompleter))]
        public string? Name { get; set; }

        protected override void EndProcessing()
        {
            var command = Guard(() => new GetNamespacesCommand(CommandHost, EffectiveConnection));
            var name = GivenNamespace(Name, nameof(Name));
            Guard(() => command.Execute(name));
        }
    }
}
