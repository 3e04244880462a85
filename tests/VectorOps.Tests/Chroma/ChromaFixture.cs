using System;
using System.Collections.Generic;
using System.Linq;
using VectorOps.Emulators.Chroma;
using VectorOps.Providers;
using VectorOps.Security;

namespace VectorOps.Tests.Chroma
{
    /// <summary>
    /// The real Chroma server of this test process (<see cref="ChromaServer.Shared"/>, or the one scripts/test.sh
    /// started) with a proxy of its own in front (journal and faults), and direct calls to the server for seeding and
    /// reading. Each user keeps to its own database (<see cref="NewDatabase"/>), so test classes sharing the server
    /// never see each other's records.
    /// </summary>
    public sealed class ChromaFixture : IDisposable
    {
        /// <summary>A token distinctive enough to be found by a scan if it ever leaks (the proxy requires it when asked to).</summary>
        public const string Token = "ck-Chr0maT0kenVALUE-5e4d3c2b1a";

        private readonly List<string> _databases = new List<string>();

        public ChromaFixture()
        {
            Server = ChromaServer.Shared;
            Proxy = new ChromaProxy(Server.BaseUri);
            Proxy.Start();
            Admin = new ChromaAdmin(Server.BaseUri);
        }

        public ChromaServer Server { get; }
        public ChromaProxy Proxy { get; }
        public ChromaAdmin Admin { get; }

        /// <summary>A fresh database on the server (dropped when the fixture is disposed).</summary>
        public string NewDatabase(string prefix = "vo")
        {
            var name = prefix + "_" + Guid.NewGuid().ToString("N").Substring(0, 12);
            Admin.CreateDatabase(name);
            lock (_databases) _databases.Add(name);
            return name;
        }

        /// <summary>Connection settings to a database through the proxy (or straight to the server).</summary>
        public ConnectionSettings Settings(string database, bool throughProxy = true, int maxAttempts = 3, TimeSpan? requestTimeout = null, bool withToken = true)
        {
            var s = new ConnectionSettings
            {
                Provider = "Chroma",
                Index = database,
                MaxAttempts = maxAttempts,
                RequestTimeout = requestTimeout ?? TimeSpan.FromSeconds(30),
                Credential = withToken ? Secret.FromPlainText(Token) : null,
            };
            s["Endpoint"] = throughProxy ? Proxy.BaseUri : Server.BaseUri;
            return s;
        }

        /// <summary>Seeds records: embedding [1, i % 7, 0.5, 0.25], metadata n (the position) and genre ("drama" every third, else "comedy").</summary>
        public void Seed(string database, string collection, IEnumerable<string> ids, Func<int, string?>? document = null) =>
            Admin.Upsert(database, collection, ids.Select((id, i) => (id, new float[] { 1, i % 7, 0.5f, 0.25f },
                (Dictionary<string, object>?)new Dictionary<string, object> { ["n"] = (long)i, ["genre"] = i % 3 == 0 ? "drama" : "comedy" },
                document?.Invoke(i))).ToList());

        public void Dispose()
        {
            Proxy.Dispose();
            lock (_databases) foreach (var d in _databases) Admin.DropDatabase(d);
            Admin.Dispose();
        }
    }
}
