using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.Data.Sqlite;
using VectorOps.Commands;
using VectorOps.Connections;
using VectorOps.Emulators.Infrastructure;
using VectorOps.Model;
using VectorOps.Providers;

namespace VectorOps.Tests.Conformance
{
    /// <summary>
    /// The local store: a temporary store file, index "faults". No emulator: what was deleted is what was seeded
    /// and is gone; a file has no request journal, so the mutating calls are the changes seen in its records and
    /// namespaces (a fingerprint of the tables, read on a connection of this fixture's own: connecting commits a
    /// schema check, which changes neither and is not counted); its faults are another writer holding the file's
    /// write lock.
    /// </summary>
    public sealed class LocalProviderFixture : ProviderFixture
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("vectorops-local-fixture-").FullName;
        private readonly Dictionary<string, HashSet<string>> _seeded = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        private readonly VectorConnection _reader;
        private readonly SqliteConnection _watch;
        private string _version;
        private int _writes;

        public LocalProviderFixture()
        {
            _reader = ConnectCommand.Connect(Settings(), makeDefault: false);
            _watch = new SqliteConnection("Data Source=" + StorePath + ";Pooling=False");
            _watch.Open();
            _version = DataVersion();
        }

        public string StorePath => Path.Combine(_dir, "store.db");
        public override string Name => "Local";
        public override string DescriptorName => "Local";
        public override string Namespace => "default";
        public override string? OtherNamespace => "other";
        public override FaultSwitchboard Faults { get; } = new FaultSwitchboard();
        public override string DeletePath => "";
        public override string Secret => "";
        public override bool HasJournal => false;

        public override void Seed(string @namespace, IEnumerable<string> ids)
        {
            var list = ids.ToList();
            var records = list.Select((id, i) => new VectorRecord(id)
            {
                Values = new float[] { 1, i % 7, 0.5f, 0.25f },
                Namespace = @namespace,
                Metadata = new Dictionary<string, object?> { ["n"] = (long)i, ["genre"] = i % 3 == 0 ? "drama" : "comedy" },
            }).ToList();
            for (var i = 0; i < records.Count; i += 100)
                _reader.ProviderInstance.UpsertAsync(@namespace, records.Skip(i).Take(100).ToList(), CancellationToken.None).GetAwaiter().GetResult();
            if (!_seeded.TryGetValue(@namespace, out var set)) _seeded[@namespace] = set = new HashSet<string>(StringComparer.Ordinal);
            set.UnionWith(list);
            _version = DataVersion(); // seeding is not a call of the code under test
        }

        public override bool Exists(string @namespace, string id)
        {
            return _reader.ProviderInstance.FetchAsync(@namespace, new[] { id }, CancellationToken.None).GetAwaiter().GetResult().Count == 1;
        }

        public override IReadOnlyCollection<string> DeletedIds() =>
            _seeded.TryGetValue(Namespace, out var set) ? set.Where(id => !Exists(id)).ToList() : new List<string>();

        public override IReadOnlyCollection<string> DeletedTwice() => Array.Empty<string>();
        public override IReadOnlyList<JournalEntry> Deletes() => Array.Empty<JournalEntry>();

        /// <summary>Changes seen since the last look (at least 1 for each interval with a change; 0 exactly when none).</summary>
        public override int MutatingCalls()
        {
            var now = DataVersion();
            if (now != _version) { _writes++; _version = now; }
            return _writes;
        }

        private string DataVersion()
        {
            using var cmd = _watch.CreateCommand();
            cmd.CommandText = "SELECT (SELECT count(*) || '/' || coalesce(sum(rowid), 0) || '/' || coalesce(max(updated_at), '') FROM vo_records) || '|' || " +
                "(SELECT count(*) || '/' || coalesce(sum(ns_id), 0) FROM vo_namespaces);";
            return (string)cmd.ExecuteScalar()!;
        }

        public override ConnectionSettings Settings(bool throughPrism = true, int maxAttempts = 3, TimeSpan? requestTimeout = null)
        {
            var s = new ConnectionSettings { Provider = DescriptorName, Index = "faults", CreateIfMissing = true, MaxAttempts = maxAttempts };
            s["Path"] = StorePath;
            if (requestTimeout != null) s.RequestTimeout = requestTimeout;
            return s;
        }

        public override List<string> CliArgs(string command, bool throughPrism = true, params string[] rest)
        {
            var args = new List<string> { command, "--store", StorePath, "--index", "faults" };
            args.AddRange(rest);
            return args;
        }

        public override Dictionary<string, string> CliEnvironment() => new Dictionary<string, string>();

        public override IDisposable LockStore(TimeSpan hold)
        {
            var c = new SqliteConnection("Data Source=" + StorePath + ";Pooling=False");
            c.Open();
            using (var begin = c.CreateCommand())
            {
                begin.CommandText = "BEGIN IMMEDIATE;";
                begin.ExecuteNonQuery();
            }
            var released = 0;
            void Release()
            {
                if (Interlocked.Exchange(ref released, 1) == 1) return;
                using (var rollback = c.CreateCommand()) { rollback.CommandText = "ROLLBACK;"; rollback.ExecuteNonQuery(); }
                c.Dispose();
            }
            var timer = new Timer(_ => Release(), null, hold, Timeout.InfiniteTimeSpan);
            return new Releaser(() => { timer.Dispose(); Release(); });
        }

        private sealed class Releaser : IDisposable
        {
            private readonly Action _release;
            public Releaser(Action release) { _release = release; }
            public void Dispose() => _release();
        }

        public override IReadOnlyDictionary<ConformanceCase, string> LeftOut => Gaps;

        /// <summary>The cases this provider cannot run, and why.</summary>
        public static readonly IReadOnlyDictionary<ConformanceCase, string> Gaps = new Dictionary<ConformanceCase, string>
        {
            [ConformanceCase.SecretScan] = "takes no credential: there is no secret to leak",
            [ConformanceCase.F01_TooManyRequests] = "no HTTP: a file on this machine answers no status (F10/F11: a locked store instead)",
            [ConformanceCase.F02_ServerErrors] = "no HTTP: a file on this machine answers no status (F10/F11: a locked store instead)",
            [ConformanceCase.F03_Timeout] = "no HTTP request to time out (F11: the busy timeout of a locked store instead)",
            [ConformanceCase.F04_ConnectionReset] = "no connection to reset",
            [ConformanceCase.F05_OneBatchServerErrorEveryTime] = "no HTTP: no per-request status to inject",
            [ConformanceCase.F06_OneBatchBadRequest] = "no HTTP: no per-request status to inject",
            [ConformanceCase.F07_OneBatchResetEveryTime] = "no connection to reset",
            [ConformanceCase.F08_OneBatchTimesOutEveryTime] = "no HTTP request to time out (F11 instead)",
        };

        public override void Dispose()
        {
            _reader.Dispose();
            _watch.Dispose();
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(_dir, recursive: true); }
            catch (IOException) { }
        }
    }
}
