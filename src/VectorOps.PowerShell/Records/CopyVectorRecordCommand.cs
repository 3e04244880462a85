using System.Management.Automation;
using VectorOps.Commands;

namespace VectorOps.PowerShell.Cmdlets
{
    /// <summary>
    /// Copies the records of a namespace (or a filter's matches) to another connection (any provider), streaming and
    /// batched to the destination's cap, checked against the destination's rules before the first write, resumable
    /// (-ResumePath) and verified at the end. Writes the upsert mutations and one TransferSummary.
    /// </summary>
    [Cmdlet(VerbsCommon.Copy, "VectorRecord", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(TransferSummary), typeof(Model.VectorMutation))]
    public sealed class CopyVectorRecordCommand : TransferCmdlet
    {
        protected override bool Moves => false;
    }
}
