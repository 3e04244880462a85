using System.Management.Automation;
using VectorOps.Commands;
using VectorOps.Connections;

namespace VectorOps.PowerShell.Cmdlets
{
    /// <summary>
    /// Closes a connection (by default the session's). The session's other connections stay open; when the one
    /// closed was the default, the most recently opened remaining one becomes the default (said in -Verbose).
    /// </summary>
    [Cmdlet(VerbsCommunications.Disconnect, "VectorIndex")]
    [OutputType(typeof(void))]
    public sealed class DisconnectVectorIndexCommand : PSCmdlet
    {
        /// <summary>The connection to close; by default the session's.</summary>
        [Parameter(Position = 0, ValueFromPipeline = true)]
        [ValidateNotNull]
        public VectorConnection? Connection { get; set; }

        private bool _any;

        protected override void ProcessRecord()
        {
            if (Connection is null) return;
            _any = true;
            DisconnectCommand.Disconnect(NewHost(), Connection);
        }

        protected override void EndProcessing()
        {
            if (_any) return;
            DisconnectCommand.Disconnect(NewHost(), null);
        }

        private Hosting.CmdletHost NewHost() => new Hosting.CmdletHost(this, () => false, System.Threading.CancellationToken.None);
    }
}
