using System.Management.Automation;
using VectorOps.Connections;

namespace VectorOps.PowerShell.Cmdlets
{
    /// <summary>
    /// Writes the session's default connection (nothing when there is none), or with -ListAvailable every open
    /// connection of the session, oldest first, the default marked by IsDefault.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "VectorConnection")]
    [OutputType(typeof(VectorConnection))]
    public sealed class GetVectorConnectionCommand : PSCmdlet
    {
        /// <summary>Every open connection of the session, not only the default.</summary>
        [Parameter]
        [Alias("All")]
        public SwitchParameter ListAvailable { get; set; }

        protected override void EndProcessing()
        {
            if (ListAvailable)
            {
                var all = VectorSession.Connections;
                if (all.Count == 0) WriteVerbose("There is no open connection; run Connect-VectorIndex.");
                foreach (var connection in all) WriteObject(connection);
                return;
            }
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
