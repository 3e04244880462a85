using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Npgsql;
using VectorOps.Emulators.Infrastructure;
using VectorOps.Providers;
using VectorOps.Tests.PgVector;

namespace VectorOps.Tests.Conformance
{
    /// <summary>
    /// PostgreSQL + pgvector on the shared PGlite server (a real PostgreSQL 18 with pgvector 0.8), one fixture per
    /// table layout (VectorOps, LangChain, LlamaIndex, Custom), each instance in a schema of its own (dropped with
    /// the fixture). Seeding and every read of what is left go through raw SQL on the layout's own tables, never
    /// through the provider; the mutating calls and the deleted rows are counted by the server itself
    /// (<see cref="PgJournal"/>: statement triggers bumping sequences, a row trigger journaling each deleted row).
    /// Faults: another session holding the table locked (F10, F11) and, for the stop case, latency added to each
    /// DELETE by the server (pg_sleep in the statement trigger). The HTTP faults have no PostgreSQL equivalent the
    /// test server can show honestly: declared in <see cref="GapsOf"/>.
    /// </summary>
    public sealed class PgVectorProviderFixture : ProviderFixture
    {
        /// <summary>The database password the fixture passes as the credential (PGlite trusts every user, so it is never needed: it must still never show).</summary>
        public const string Password = "pgpw_S3cret-7f6e5d4c3b2a1908";

        private readonly PgTestTable _table;
        private readonly PgJournal _journal;
        private readonly NpgsqlConnection _reader;
        private long _seedStatements;
        private long _seedDeletes;
        private int _lastDelayMs = -1;

        public PgVectorProviderFixture(PgTableLayout layout)
        {
            Layout = layout;
            var index = layout switch
            {
                PgTableLayout.LangChain => PgTestTable.LangChainEmbeddings,
                PgTableLayout.LlamaIndex => "Conformance", // the table is data_conformance
                PgTableLayout.Custom => "vectors",
                _ => "conformance",
            };
            _table = PgTestTable.Create(layout, PgTestTable.UniqueSchema("conf_" + layout.ToString().ToLowerInvariant()), index);
            _journal = PgJournal.Install(_table);
            _reader = PgTestTable.Open();
            PgTestTable.Execute(_reader, $"CREATE TABLE {_table.Qualified("zz_faults")} (delete_delay_ms int NOT NULL)");
            PgTestTable.Execute(_reader, $"INSERT INTO {_table.Qualified("zz_faults")} VALUES (0)");
            // The server's added latency: each DELETE statement on the record table sleeps what zz_faults says.
            PgTestTable.Execute(_reader, $"CREATE FUNCTION {_table.Qualified("zz_delete_delay")}() RETURNS trigger LANGUAGE plpgsql AS $f$ " +
                $"DECLARE d int; BEGIN SELECT delete_delay_ms INTO d FROM {_table.Qualified("zz_faults")}; IF d > 0 THEN PERFORM pg_sleep(d / 1000.0); END IF; RETURN NULL; END $f$");
            PgTestTable.Execute(_reader, $"CREATE TRIGGER zz_delay BEFORE DELETE ON {_table.QualifiedRecordTable} FOR EACH STATEMENT EXECUTE FUNCTION {_table.Qualified("zz_delete_delay")}()");
            Name = "PgVector-" + layout;
        }

        public PgTableLayout Layout { get; }
        public PgTestTable Table => _table;
        public override string Name { get; }
        public override string DescriptorName => "PgVector";

        public override string Namespace => Layout switch
        {
            PgTableLayout.LangChain => PgTestTable.LangChainDefaultCollection,
            PgTableLayout.Custom => "acme",
            _ => PgTestTable.DefaultNamespace,
        };

        public override string? OtherNamespace => Layout switch
        {
            PgTableLayout.LangChain => "support-articles",
            PgTableLayout.Custom => "globex",
            PgTableLayout.VectorOps => "other",
            _ => null, // LlamaIndex: one namespace per table
        };

        /// <summary>No HTTP: only its AddedLatency is honoured (as server-side latency on each DELETE, see <see cref="SyncFaults"/>).</summary>
        public override FaultSwitchboard Faults { get; } = new FaultSwitchboard();

        public override string DeletePath => "";
        public override string Secret => Password;
        public override string WrongSecret => "pgpw_WRONG-0a9b8c7d6e5f4a3b2c1d";
        public override bool HasJournal => false;

        public override void Seed(string @namespace, IEnumerable<string> ids)
        {
            var rows = ids.Select((id, i) => new PgRow(id, new float[] { 1, i % 7, 0.5f, 0.25f },
                "{\"n\":" + i.ToString(CultureInfo.InvariantCulture) + ",\"genre\":\"" + (i % 3 == 0 ? "drama" : "comedy") + "\"}",
                "document of " + id)).ToList();
            var before = _journal.MutatingStatements(_reader);
            var beforeDeletes = _journal.DeleteStatements(_reader);
            for (var i = 0; i < rows.Count; i += 5000) _table.Insert(_reader, @namespace, rows.Skip(i).Take(5000).ToList());
            // Seeding is not a call of the code under test.
            _seedStatements += _journal.MutatingStatements(_reader) - before;
            _seedDeletes += _journal.DeleteStatements(_reader) - beforeDeletes;
        }

        public override bool Exists(string @namespace, string id) => _table.Exists(_reader, @namespace, id);

        private List<(string Namespace, string Id)> Deleted() => _journal.DeletedRows(_reader);

        public override IReadOnlyCollection<string> DeletedIds() =>
            Deleted().Where(d => d.Namespace == Namespace).Select(d => d.Id).Distinct(StringComparer.Ordinal).ToList();

        public override IReadOnlyCollection<string>? DeletedIdsIn(params string[] namespaces) =>
            Deleted().Where(d => namespaces.Contains(d.Namespace, StringComparer.Ordinal)).Select(d => d.Id).ToList();

        public override IReadOnlyCollection<string> DeletedTwice() =>
            Deleted().Where(d => d.Namespace == Namespace).GroupBy(d => d.Id, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();

        public override IReadOnlyList<JournalEntry> Deletes() => Array.Empty<JournalEntry>();

        /// <summary>DELETE statements on the record table (the provider sends one per batch).</summary>
        public override int? DeleteRequests() => (int)(_journal.DeleteStatements(_reader) - _seedDeletes);

        public override int MutatingCalls() => (int)(_journal.MutatingStatements(_reader) - _seedStatements);

        /// <summary>Writes the switchboard's AddedLatency to the server's fault table (read by the DELETE trigger).</summary>
        private void SyncFaults()
        {
            var ms = (int)Faults.AddedLatency.TotalMilliseconds;
            if (ms == _lastDelayMs) return;
            PgTestTable.Execute(_reader, $"UPDATE {_table.Qualified("zz_faults")} SET delete_delay_ms = $1", ms);
            _lastDelayMs = ms;
        }

        public override ConnectionSettings Settings(bool throughPrism = true, int maxAttempts = 3, TimeSpan? requestTimeout = null)
        {
            SyncFaults();
            var s = new ConnectionSettings
            {
                Provider = DescriptorName,
                Index = _table.Index,
                MaxAttempts = maxAttempts,
                Credential = Security.Secret.FromPlainText(Password),
                RequestTimeout = requestTimeout ?? TimeSpan.FromSeconds(30),
            };
            foreach (var (name, value) in ProviderSettings()) s[name] = value;
            return s;
        }

        /// <summary>The provider's own settings for this table, by descriptor name.</summary>
        private IEnumerable<(string Name, string Value)> ProviderSettings()
        {
            yield return ("ConnectionString", PgTestTable.ConnectionString);
            yield return ("Layout", Layout.ToString());
            yield return ("Schema", _table.Schema);
            if (Layout == PgTableLayout.Custom)
            {
                yield return ("IdColumn", PgTestTable.CustomId);
                yield return ("NamespaceColumn", PgTestTable.CustomNamespace);
                yield return ("MetadataColumn", PgTestTable.CustomMetadata);
                yield return ("EmbeddingColumn", PgTestTable.CustomEmbedding);
            }
        }

        public override List<string> CliArgs(string command, bool throughPrism = true, params string[] rest)
        {
            SyncFaults();
            var args = new List<string> { command, "--provider", DescriptorName, "--index", _table.Index };
            foreach (var (name, value) in ProviderSettings()) args.AddRange(new[] { "--" + SettingDescriptor.Kebab(name), value });
            args.AddRange(rest);
            return args;
        }

        public override Dictionary<string, string> CliEnvironment() => new Dictionary<string, string> { ["PGPASSWORD"] = Password };

        /// <summary>
        /// Another session holds the record table with LOCK TABLE ... ACCESS EXCLUSIVE in an open transaction for
        /// <paramref name="hold"/>, then rolls back. (PGlite runs one session at a time: the provider's statements
        /// wait at the server's door rather than on the lock; to the client it is the same wait.)
        /// </summary>
        public override IDisposable LockStore(TimeSpan hold)
        {
            var c = PgTestTable.Open();
            PgTestTable.Execute(c, "BEGIN");
            PgTestTable.Execute(c, $"LOCK TABLE {_table.QualifiedRecordTable} IN ACCESS EXCLUSIVE MODE");
            var released = 0;
            void Release()
            {
                if (Interlocked.Exchange(ref released, 1) == 1) return;
                try { PgTestTable.Execute(c, "ROLLBACK"); }
                finally { c.Dispose(); }
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

        public override IReadOnlyDictionary<ConformanceCase, string> LeftOut => GapsOf(Layout);

        /// <summary>The cases this provider cannot run on the test server, and why (the same for every layout).</summary>
        public static IReadOnlyDictionary<ConformanceCase, string> GapsOf(PgTableLayout layout) => Gaps;

        private static readonly IReadOnlyDictionary<ConformanceCase, string> Gaps = new Dictionary<ConformanceCase, string>
        {
            [ConformanceCase.F01_TooManyRequests] = "PostgreSQL has no rate limit answer (no 429, no Retry-After) to inject",
            [ConformanceCase.F02_ServerErrors] = "no HTTP: PostgreSQL answers SQLSTATEs, not 500/503, and the case asserts HTTP statuses",
            [ConformanceCase.F03_Timeout] = "no HTTP request to hang once: F11 times statements out behind another session's lock instead",
            [ConformanceCase.F04_ConnectionReset] = "PGlite serves every connection from one backend: pg_terminate_backend cannot kill one session's connection",
            [ConformanceCase.F05_OneBatchServerErrorEveryTime] = "no HTTP: no per-request status to inject",
            [ConformanceCase.F06_OneBatchBadRequest] = "no HTTP: no per-request status to inject",
            [ConformanceCase.F07_OneBatchResetEveryTime] = "PGlite serves every connection from one backend: no one connection to reset",
            [ConformanceCase.F08_OneBatchTimesOutEveryTime] = "no HTTP request to hang (F11: every statement timed out behind a lock instead)",
        };

        public override void Dispose()
        {
            Faults.Clear();
            _reader.Dispose();
            _table.Drop();
        }
    }
}
