using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using VectorOps.Tests.Conformance;
using VectorOps.Commands;
using VectorOps.Connections;
using VectorOps.Filtering;
using VectorOps.Model;
using VectorOps.Providers;
using VectorOps.Security;
using VectorOps.Serialization;
using VectorOps.Tests.Pinecone;
using VectorOps.Tests.Support;
using VectorOps.Tests.Vectorize;

namespace VectorOps.Tests.Reliability
{
    /// <summary>The CLI's connection options with some replaced or removed.</summary>
    public sealed class ConnectionArgs
    {
        public ConnectionArgs(List<(string Option, string? Value)> options) { Options = options; }

        public List<(string Option, string? Value)> Options { get; }
    }

    /// <summary>
    /// What a bad-input case runs against: one provider's index with a few records, a recording host, a folder
    /// for files, and the CLI options and environment that reach the same index. Counts the mutating calls the
    /// emulator (or, for the local store, the data) saw.
    /// </summary>
    public abstract class BadInputContext : IDisposable
    {
        private static readonly Lazy<Uri> Dead = new Lazy<Uri>(() =>
        {
            // A loopback port nothing listens on: connections are refused at once.
            var l = new TcpListener(IPAddress.Loopback, 0);
            l.Start();
            var port = ((IPEndPoint)l.LocalEndpoint).Port;
            l.Stop();
            return new Uri("http://127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture) + "/");
        });

        protected BadInputContext()
        {
            Dir = Directory.CreateTempSubdirectory("vectorops-bad-input-").FullName;
            System.IO.File.WriteAllText(System.IO.Path.Combine(Dir, "plain.txt"), "not a folder");
        }

        public RecordingHost Host { get; } = new RecordingHost();
        public string Dir { get; }
        public abstract string ProviderName { get; }
        public abstract string Namespace { get; }
        public abstract string IndexName { get; }
        public abstract string? Secret { get; }
        public virtual Uri? ControlPlane => null;
        public Uri DeadEndpoint => Dead.Value;

        /// <summary>Valid settings for the index; cases break one thing.</summary>
        protected abstract ConnectionSettings Settings();

        /// <summary>The CLI options that reach the index, in order.</summary>
        protected abstract List<(string Option, string? Value)> ConnectionOptions();

        public abstract Dictionary<string, string> Environment();

        /// <summary>Mutating calls (or changed records, for the local store) since the context was made.</summary>
        public abstract int MutatingCalls();

        // ---- the command layer, as the cmdlets drive it

        public VectorConnection Connect(Action<ConnectionSettings>? tweak = null)
        {
            var s = Settings();
            tweak?.Invoke(s);
            return ConnectCommand.Connect(s, makeDefault: false, Host);
        }

        public void RemoveIds(params string?[] ids) => RemoveIds(ids, null, null);

        public void RemoveIds(IEnumerable<string?> ids, string? ns, RemoveOptions? options = null)
        {
            using var c = Connect();
            var cmd = new RemoveByIdsCommand(Host, c, options);
            cmd.Add(ids, ns);
            cmd.Complete();
        }

        public void Retry(VectorMutation mutation)
        {
            using var c = Connect();
            var cmd = new RemoveByIdsCommand(Host, c);
            cmd.Retry(mutation);
            cmd.Complete();
        }

        public void RemoveByFilter(string json)
        {
            var filter = MetadataFilter.ParseJson(json);
            using var c = Connect();
            new RemoveByFilterCommand(Host, c, filter, new RemoveOptions { Force = true }).Execute(null);
        }

        public void RemoveByPrefix(string prefix, Action<ConnectionSettings>? tweak = null, string? backup = null)
        {
            using var c = Connect(tweak);
            new RemoveByPrefixCommand(Host, c, prefix, new RemoveOptions { Force = true, BackupPath = backup }).Execute(null);
        }

        public void Clear(string ns, string? backup = null)
        {
            using var c = Connect();
            var cmd = new ClearNamespaceCommand(Host, c, backupPath: backup);
            cmd.Clear(ns);
            cmd.Complete();
        }

        public void Restore(string path)
        {
            using var c = Connect();
            new RestoreRecordsCommand(Host, c).Restore(path);
        }

        // ---- the CLI

        public ConnectionArgs Replace(string option, string value) => Override((option, value));

        /// <summary>The connection options with these replaced (a null value removes the option; a new one is added).</summary>
        public ConnectionArgs Override(params (string Option, string? Value)[] changes)
        {
            var list = ConnectionOptions();
            foreach (var (option, value) in changes)
            {
                var i = list.FindIndex(o => o.Option == option);
                if (i >= 0)
                {
                    if (value is null) list.RemoveAt(i);
                    else list[i] = (option, value);
                }
                else if (value != null) list.Add((option, value));
            }
            return new ConnectionArgs(list);
        }

        /// <summary>The command, the connection options (or replaced ones), then the rest.</summary>
        public List<string> Cli(string command, params object[] rest)
        {
            var args = new List<string> { command };
            var connection = rest.Length > 0 && rest[0] is ConnectionArgs given ? given.Options : ConnectionOptions();
            foreach (var (option, value) in connection)
            {
                args.Add(option);
                if (value != null) args.Add(value);
            }
            foreach (var r in rest.SkipWhile(r => r is ConnectionArgs)) args.Add((string)r);
            return args;
        }

        // ---- files

        public string Path(params string[] parts) => System.IO.Path.Combine(new[] { Dir }.Concat(parts).ToArray());

        public string File(string name, IEnumerable<string> lines)
        {
            var path = System.IO.Path.Combine(Dir, name);
            System.IO.File.WriteAllLines(path, lines);
            return path;
        }

        public IEnumerable<string> ThousandIdsOneBad() =>
            Enumerable.Range(0, 1000).Select(i => i == 499 ? "bad\u0001id" : "doc-" + (i % 10).ToString("D5", CultureInfo.InvariantCulture));

        public string FailedMutationJson(string operation = "DeleteByIds", string? index = null, string ids = "[\"doc-00001\"]") =>
            "{\"provider\":\"" + ProviderName + "\",\"index\":\"" + (index ?? IndexName) + "\",\"namespace\":\"" + Namespace + "\",\"operation\":\"" + operation +
            "\",\"ids\":" + ids + ",\"requestedCount\":1,\"status\":\"Failed\",\"error\":\"injected\",\"errorId\":\"ProviderServerError\",\"attempts\":1}";

        public IEnumerable<string> BackupLines(int? badLine = null, string? badId = null)
        {
            for (var i = 1; i <= 4; i++)
            {
                if (badLine == i)
                {
                    yield return "{\"id\": 42, \"values\": [1, 2, 3, 4]}";
                    continue;
                }
                var id = badId != null && i == 2 ? badId : "doc-0000" + i.ToString(CultureInfo.InvariantCulture);
                yield return RecordJson.ToLine(new VectorRecord(id) { Values = new[] { 1f, 2f, 3f, 4f }, Namespace = Namespace });
            }
        }

        public virtual void Dispose()
        {
            try { Directory.Delete(Dir, recursive: true); }
            catch (IOException) { }
        }
    }

    public sealed class PineconeBadInputContext : BadInputContext
    {
        private readonly PineconeProviderFixture _target;
        private readonly string _index;

        public PineconeBadInputContext(PineconeProviderFixture target)
        {
            _target = target;
            target.Seed(ProviderFixture.Ids("doc-", 10));
            using var c = ConnectCommand.Connect(Settings(), makeDefault: false);
            _index = c.Index;
        }

        public override string ProviderName => "Pinecone";
        public override string Namespace => "docs";
        public override string IndexName => _index;
        public override string? Secret => PineconeFixture.Key;
        public override Uri? ControlPlane => _target.Fixture.ControlPrism.Uri;

        protected override ConnectionSettings Settings()
        {
            var s = _target.Settings(maxAttempts: 2);
            s.DefaultNamespace = Namespace;
            return s;
        }

        protected override List<(string Option, string? Value)> ConnectionOptions() => new List<(string, string?)>
        {
            ("--provider", "Pinecone"), ("--index-host", _target.Fixture.Prism.Uri.ToString()), ("--api-version", "2026-04"),
        };

        public override Dictionary<string, string> Environment() => _target.CliEnvironment();
        public override int MutatingCalls() => _target.MutatingCalls();
    }

    public sealed class VectorizeBadInputContext : BadInputContext
    {
        private readonly VectorizeProviderFixture _target;

        public VectorizeBadInputContext(VectorizeProviderFixture target)
        {
            _target = target;
            target.Seed(ProviderFixture.Ids("doc-", 10));
        }

        public override string ProviderName => "CloudflareVectorize";
        public override string Namespace => "__default__";
        public override string IndexName => _target.Index.Name;
        public override string? Secret => VectorizeFixture.Token;

        protected override ConnectionSettings Settings() => _target.Settings(maxAttempts: 2);

        protected override List<(string Option, string? Value)> ConnectionOptions() => new List<(string, string?)>
        {
            ("--provider", "CloudflareVectorize"), ("--index", _target.Index.Name), ("--account-id", _target.Fixture.AccountId),
            ("--base-uri", _target.Fixture.Prism.Uri.ToString()), ("--requests-per-second", "400"),
        };

        public override Dictionary<string, string> Environment() => _target.CliEnvironment();
        public override int MutatingCalls() => _target.MutatingCalls();
    }

    /// <summary>A local store with 10 records in "default" and 5 in "films"; "mutating calls" are changed records.</summary>
    public sealed class LocalBadInputContext : BadInputContext
    {
        private readonly string _store;
        private readonly List<string> _seeded;

        public LocalBadInputContext()
        {
            _store = Path("store.db");
            using (var c = ConnectCommand.Connect(Settings(), makeDefault: false))
            {
                var add = new AddRecordsCommand(new RecordingHost(), c);
                foreach (var id in ProviderFixture.Ids("doc-", 10)) add.Add(new VectorRecord(id) { Values = new[] { 1f, 2f }, Metadata = new Dictionary<string, object?> { ["a"] = 1L } });
                foreach (var id in ProviderFixture.Ids("film-", 5)) add.Add(new VectorRecord(id) { Values = new[] { 3f, 4f }, Namespace = "films" });
                add.Complete();
            }
            _seeded = Snapshot();
        }

        public override string ProviderName => "Local";
        public override string Namespace => "default";
        public override string IndexName => "bad-input";
        public override string? Secret => null;

        protected override ConnectionSettings Settings() => new ConnectionSettings { Provider = "Local", ["Path"] = _store, Index = "bad-input", CreateIfMissing = true };

        protected override List<(string Option, string? Value)> ConnectionOptions() => new List<(string, string?)>
        {
            ("--provider", "Local"), ("--store", _store), ("--index", "bad-input"),
        };

        public override Dictionary<string, string> Environment() => new Dictionary<string, string>();

        private List<string> Snapshot()
        {
            using var c = ConnectCommand.Connect(Settings(), makeDefault: false);
            var p = c.ProviderInstance;
            var all = new List<string>();
            foreach (var ns in new[] { "default", "films" })
            {
                var e = p.ListIdsAsync(ns, null, CancellationToken.None).GetAsyncEnumerator();
                while (e.MoveNextAsync().AsTask().GetAwaiter().GetResult())
                    foreach (var r in p.FetchAsync(ns, e.Current, CancellationToken.None).GetAwaiter().GetResult())
                        all.Add(ns + "/" + RecordJson.ToLine(r));
                e.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
            all.Sort(StringComparer.Ordinal);
            return all;
        }

        public override int MutatingCalls()
        {
            var now = Snapshot();
            return now.Except(_seeded).Count() + _seeded.Except(now).Count();
        }
    }
}
