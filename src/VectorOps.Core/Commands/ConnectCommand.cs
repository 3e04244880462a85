using VectorOps.Connections;
using VectorOps.Providers;

namespace VectorOps.Commands
{
    /// <summary>Creates a connection from settings and, unless told not to, makes it the session's default.</summary>
    public static class ConnectCommand
    {
        public static VectorConnection Connect(ConnectionSettings settings, bool makeDefault = true)
        {
            var provider = ProviderRegistry.Create(settings);
            var connection = new VectorConnection(provider, settings.DefaultNamespace, settings.ApiKey?.Mask);
            if (makeDefault) VectorSession.SetCurrent(connection);
            return connection;
        }
    }
}
