using System.Management.Automation;
using VectorOps.Connections;

namespace VectorOps.PowerShell.Cmdlets
{
    /// <summary>Writes the session's default connection (nothing when there is none).</summary>
    [Cmdlet(VerbsCommon.Get, "VectorConnection")]
    [OutputType(typeof(VectorConnection))]
    public sealed class GetVectorConnectionCommand : PSCmdlet
    {
        protected override void EndProcessing()
        {
            var current = VectorSession.Current;
            if (current is null)
            {
                WriteVerbose("There is no default connection; run Connect-VectorIndex.");
                return;
            }
            WriteObject(current);
        }
    }
}
