using VectorOps.Connections;
using VectorOps.Hosting;

namespace VectorOps.Commands
{
    /// <summary>
    /// Closes a connection of the session (Disconnect-VectorIndex). Closing one never closes or forgets another;
    /// when the one closed was the default, the most recently opened remaining connection becomes the default
    /// (none when none is left), and the verbose stream says which.
    /// </summary>
    public static class DisconnectCommand
    {
        /// <param name="host">Where the verbose lines go.</param>
        /// <param name="connection">The connection to close; null closes the session's default connection.</param>
        /// <returns>What the session did: null when there was nothing to close.</returns>
        public static SessionRemoval? Disconnect(ICommandHost host, VectorConnection? connection)
        {
            var target = connection ?? VectorSession.Current;
            if (target is null)
            {
                host.WriteVerbose("There is no default connection to close.");
                return null;
            }
            var removal = VectorSession.Remove(target);
            target.Dispose();
            host.WriteVerbose(removal.WasOpen
                ? $"Disconnected from {target.Provider} index '{target.Index}' ({target})."
                : $"The connection to {target.Provider} index '{target.Index}' ({target}) was already closed.");
            if (removal.WasDefault)
                host.WriteVerbose(removal.NewDefault is null
                    ? "No connection is left: the session has no default connection (run Connect-VectorIndex)."
                    : $"The default connection is now {removal.NewDefault}.");
            return removal;
        }
    }
}
