using System;
using System.Collections.Generic;
using VectorOps.Providers;

namespace VectorOps.Connections
{
    /// <summary>
    /// A connected index: what Connect-VectorIndex returns and every other command takes with -Connection.
    /// Shows where it points and a masked credential, never the credential itself.
    /// </summary>
    public sealed class VectorConnection : IDisposable
    {
        public VectorConnection(IVectorProvider provider, string? defaultNamespace, string? credentialMask, string? credentialSource = null)
        {
            ProviderInstance = provider ?? throw new ArgumentNullException(nameof(provider));
            Namespace = defaultNamespace ?? provider.DefaultNamespace;
            Credential = credentialMask;
            CredentialSource = credentialMask is null ? null : credentialSource;
            ConnectedAt = DateTimeOffset.Now;
        }

        public string Provider => ProviderInstance.Name;
        public string Index => ProviderInstance.Index;
        public string Endpoint => ProviderInstance.Endpoint;

        /// <summary>The namespace used when a command names none.</summary>
        public string Namespace { get; }

        /// <summary>The credential, masked the same way wherever it came from (null when the provider needs none).</summary>
        public string? Credential { get; }

        /// <summary>
        /// Where the credential came from: <c>Parameter</c> (given to Connect-VectorIndex), <c>File</c> (the CLI's
        /// --api-key-file) or <c>Environment:NAME</c> (the environment variable read); null without a credential.
        /// </summary>
        public string? CredentialSource { get; }

        /// <summary>True while this is the session's default connection (the one commands use without -Connection).</summary>
        public bool IsDefault => VectorSession.IsDefault(this);

        public DateTimeOffset ConnectedAt { get; }

        /// <summary>How the front end that connected spells settings in messages about this connection.</summary>
        internal SettingNames Names { get; set; } = SettingNames.PowerShell;

        /// <summary>
        /// What was given to connect, without the credential (the shared settings and the provider settings given,
        /// checked; not those read from environment variables): what Save-VectorConnection saves. Null for a
        /// connection made otherwise.
        /// </summary>
        internal ConnectionSettings? Given { get; set; }

        /// <summary>The profile this connection was opened from; null when it was described by parameters.</summary>
        public string? Profile { get; internal set; }

        /// <summary>The provider behind this connection (hidden from the default view).</summary>
        public IVectorProvider ProviderInstance { get; }

        /// <summary>Closes the provider and takes the connection out of the session's list (see <see cref="VectorSession.Remove"/>).</summary>
        public void Dispose()
        {
            VectorSession.Remove(this);
            ProviderInstance.Dispose();
        }

        public override string ToString() => $"{Provider}:{Index}@{Endpoint}";
    }

    /// <summary>What <see cref="VectorSession.Remove"/> did.</summary>
    public sealed class SessionRemoval
    {
        internal SessionRemoval(bool wasOpen, bool wasDefault, VectorConnection? newDefault)
        {
            WasOpen = wasOpen;
            WasDefault = wasDefault;
            NewDefault = newDefault;
        }

        /// <summary>The connection was in the session's list.</summary>
        public bool WasOpen { get; }

        /// <summary>The connection was the session's default.</summary>
        public bool WasDefault { get; }

        /// <summary>The session's default afterwards (null when no connection is left).</summary>
        public VectorConnection? NewDefault { get; }
    }

    /// <summary>
    /// The session's connections: every connection Connect-VectorIndex opened and nothing has closed yet, in the
    /// order they were opened, and the default among them (the one commands use without -Connection). Connecting
    /// adds one and makes it the default; removing one never touches another, and when it was the default the
    /// most recently opened remaining one becomes the default (none when none is left). Safe from any thread.
    /// </summary>
    public static class VectorSession
    {
        private static readonly object Gate = new object();
        private static readonly List<VectorConnection> Open = new List<VectorConnection>();
        private static VectorConnection? _current;

        /// <summary>The default connection, or null when the session has none.</summary>
        public static VectorConnection? Current
        {
            get { lock (Gate) return _current; }
        }

        /// <summary>Every open connection of the session, oldest first (a copy).</summary>
        public static IReadOnlyList<VectorConnection> Connections
        {
            get { lock (Gate) return Open.ToArray(); }
        }

        public static bool IsDefault(VectorConnection connection)
        {
            lock (Gate) return ReferenceEquals(connection, _current);
        }

        /// <summary>
        /// Lists the connection (at the end, as the most recent, when it is new) and makes it the default. The
        /// previous default stays open and listed: a script may hold it (Connect-VectorIndex -PassThru).
        /// </summary>
        public static void Add(VectorConnection connection)
        {
            if (connection is null) throw new ArgumentNullException(nameof(connection));
            lock (Gate)
            {
                if (!Open.Contains(connection)) Open.Add(connection);
                _current = connection;
            }
        }

        /// <summary>
        /// Takes the connection out of the session (it does not close it). When it was the default, the most
        /// recently opened remaining connection becomes the default, or none when none is left.
        /// </summary>
        public static SessionRemoval Remove(VectorConnection connection)
        {
            if (connection is null) throw new ArgumentNullException(nameof(connection));
            lock (Gate)
            {
                var wasOpen = Open.Remove(connection);
                var wasDefault = ReferenceEquals(connection, _current);
                if (wasDefault) _current = Open.Count == 0 ? null : Open[Open.Count - 1];
                return new SessionRemoval(wasOpen, wasDefault, _current);
            }
        }

        /// <summary>
        /// Kept for callers of earlier versions: a connection is added and made the default (as <see cref="Add"/>);
        /// null forgets every connection of the session without closing any.
        /// </summary>
        public static void SetCurrent(VectorConnection? connection)
        {
            if (connection != null)
            {
                Add(connection);
                return;
            }
            lock (Gate)
            {
                Open.Clear();
                _current = null;
            }
        }
    }
}
