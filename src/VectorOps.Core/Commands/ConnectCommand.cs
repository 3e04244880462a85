using System.Linq;
using VectorOps.Connections;
using VectorOps.Hosting;
using VectorOps.Providers;

namespace VectorOps.Commands
{
    /// <summary>
    /// Creates a connection from settings and, unless told not to, adds it to the session's connections as the
    /// default (the CLI and tests connect without touching the session).
    /// </summary>
    public static class ConnectCommand
    {
        /// <param name="host">
        /// The host of the command that connects: the provider's traces while connecting (a control-plane lookup)
        /// are shown on its verbose stream. Later traces go to whichever command run uses the connection.
        /// </param>
        public static VectorConnection Connect(ConnectionSettings settings, bool makeDefault = true, ICommandHost? host = null)
        {
            // Every provider traces through settings.Trace; route it to the command run in scope (and scrub the
            // key once more, whatever the provider wrote).
            // A default namespace that is given must be a real name, as everywhere else (EmptyNamespace).
            if (settings.DefaultNamespace != null) VectorCommand.RefuseBlankNamespace(settings.DefaultNamespace);
            // What was given (by its setting names), before the registry adds what it reads from the environment.
            var descriptor = ProviderRegistry.Find(settings.Provider);
            var given = settings.Values.Where(v => v.Value != null).Select(v => descriptor?.FindSetting(v.Key)?.Name ?? v.Key).ToList();
            settings.Trace = CommandTrace.ForConnection(settings.Trace, settings.Credential);
            var provider = host is null ? ProviderRegistry.Create(settings) : CommandTrace.Run(host, () => ProviderRegistry.Create(settings));
            // The credential as the provider took it (a parameter, a file, or the environment), shown one way: masked.
            var connection = new VectorConnection(provider, settings.DefaultNamespace, settings.Credential?.Mask,
                settings.Credential is null ? null : settings.CredentialSource ?? CredentialSources.Parameter)
            {
                Names = settings.Names,
                Given = settings.CopyWithoutCredential(given),
                Profile = settings.Profile,
            };
            if (makeDefault) VectorSession.Add(connection);
            return connection;
        }
    }
}
