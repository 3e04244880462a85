using System.Management.Automation;
using VectorOps.Commands;
using VectorOps.Model;

namespace VectorOps.PowerShell.Cmdlets
{
    /// <summary>
    /// Describes the connected index: provider, index, endpoint, dimension, metric where known, and its namespaces
    /// with their record counts and the total (the same core command as `vectorops stats`).
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "VectorIndex")]
    [OutputType(typeof(VectorIndexInfo))]
    public sealed class GetVectorIndexCommand : VectorCmdletBase
    {
        protected override void EndProcessing()
        {
            var command = Guard(() => new GetIndexCommand(CommandHost, EffectiveConnection));
            Guard(() => command.Execute());
        }
    }
}
