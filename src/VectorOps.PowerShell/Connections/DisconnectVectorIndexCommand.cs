using System;
using System.Management.Automation;
using VectorOps.Connections;

namespace VectorOps.PowerShell.Cmdlets
{
    /// <summary>Closes a connection (by default the session's) and clears the session default when it was that one.</summary>
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
            Close(Connection);
        }

        protected override void EndProcessing()
        {
            if (_any) return;
            var current = VectorSession.Current;
            if (current is null)
            {
                WriteVerbose("There is no default connection to close.");
                return;
            }
            Close(current);
        }

        private void Close(VectorConnection connection)
        {
            if (ReferenceEquals(connection, VectorSession.Current)) VectorSession.SetCurrent(null);
            connection.Dispose();
            WriteVerbose($"Disconnected from {connection.Provider} index '{connection.Index}'.");
        }
    }
}
