using System.Net;
using System.Net.Sockets;

namespace VectorOps.Emulators.Infrastructure
{
    /// <summary>Ports on 127.0.0.1 for the servers the tests start (Prism, PGlite, Chroma, a native PostgreSQL).</summary>
    public static class LoopbackPorts
    {
        /// <summary>A port free right now (the OS's pick); a server started on it may still lose a race, so callers retry on EADDRINUSE.</summary>
        public static int Free()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            try { return ((IPEndPoint)listener.LocalEndpoint).Port; }
            finally { listener.Stop(); }
        }

        /// <summary>True when something accepts a TCP connection on the port.</summary>
        public static bool Accepts(int port)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }
    }
}
