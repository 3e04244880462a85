using System;
using VectorOps.Providers;

namespace VectorOps.Connections
{
    /// <summary>
    /// A connected index: what Connect-VectorIndex returns and every other command takes with -Connection.
    /// Shows where it points and a masked credential, never the credential itself.
    /// </summary>
    public sealed class VectorConnection : IDisposable
    {
        public VectorConnection(IVectorProvider provider, string? defaultNamespace, string? credentialMask)
        {
            ProviderInstance = provider ?? throw new ArgumentNullException(nameof(provider));
            Namespace = defaultNamespace ?? provider.DefaultNamespace;
            Credential = credentialMask;
            ConnectedAt = DateTimeOffset.Now;
        }

        public string Provider => ProviderInstance.Name;
        public string Index => ProviderInstance.Index;
        public string Endpoint => ProviderInstance.Endpoint;

        /// <summary>The namespace used when a command names none.</summary>
        public string Namespace { get; }

        /// <summary>The credential, masked (null when the provider needs none).</summary>
        public string? Credential { get; }

        public DateTimeOffset ConnectedAt { get; }

        /// <summary>The provider behind this connection (hidden from the default view).</summary>
        public IVectorProvider ProviderInstance { get; }

        public void Dispose() => ProviderInstance.Dispose();

        public override string ToString() => $"{Provider}:{Index}@{Endpoint}";
    }

    /// <summary>The session's default connection, set by Connect-VectorIndex and cleared by Disconnect-VectorIndex.</summary>
    public static class VectorSession
    {
        private static readonly object Gate = new object();
        private static VectorConnection? _current;

        public static VectorConnection? Current
        {
            get { lock (Gate) return _current; }
        }

        /// <summary>
        /// Makes the connection the default. The previous one is NOT closed: a script may hold it (Connect-VectorIndex
        /// -PassThru) to copy between indexes; Disconnect-VectorIndex closes a connection.
        /// </summary>
        public static void SetCurrent(VectorConnection? connection)
        {
            lock (Gate) _current = connection;
        }
    }
}
