using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;
using Polly;
using Polly.Retry;
using VectorOps.Errors;
using VectorOps.Filtering;
using VectorOps.Model;
using VectorOps.Serialization;

namespace VectorOps.Providers.Local
{
    /// <summary>
    /// The embedded local store: one SQLite file holding any number of indexes, each with namespaces (rows of their
    /// own, so an empty namespace exists until it is removed) and records (id, dense values as little-endian float32
    /// BLOB, sparse values and metadata as JSON). Writes are synchronous and transactional; filters run as
    /// parameterised SQL with the semantics of <see cref="MetadataFilter.Matches"/>.
    /// Every call opens its own pooled connection, so concurrent calls are safe; the file is in WAL mode (readers
    /// never block the writer) with a busy timeout for writers waiting on each other.
    /// </summary>
    public sealed class LocalProvider : IVectorProvider
    {
        public const string ProviderName = "Local";
        public const string DefaultIndexName = "default";
        public const string DefaultNamespaceName = "default";

        /// <summary>Ids per page of ListIdsAsync / FindIdsAsync.</summary>
        public const int PageSize = 1000;

        public const int MaxIdLength = 512;
        public const int MaxNamespaceLength = 64;
        public const int MaxIndexNameLength = 64;

        /// <summary>Written to the file header (PRAGMA application_id) so a foreign SQLite file is never used: 'VOPS'.</summary>
        private const int ApplicationId = 0x564F5053;
        private const int SchemaVersion = 1;

        private static readonly TimeSpan DefaultBusyTimeout = TimeSpan.FromSeconds(30);
        private static readonly object InitGate = new object();
        private static bool _initialised;

        private static readonly JsonWriterOptions StoreJson = new JsonWriterOptions
        {
            // The JSON stays inside the database file; keep non-ASCII text readable instead of \u-escaped.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };

        private readonly string _connectionString;
        private readonly ConnectionSettings _settings;
        private bool _disposed;

        private LocalProvider(string path, string index, string connectionString, int busyTimeoutMs, ConnectionSettings settings)
        {
            DatabasePath = path;
            Index = index;
            _connectionString = connectionString;
            BusyTimeoutMilliseconds = busyTimeoutMs;
            _settings = settings;
        }

        public string Name => ProviderName;
        public string Index { get; }

        /// <summary>The full path of the store file.</summary>
        public string Endpoint => DatabasePath;

        public string DatabasePath { get; }

        public int BusyTimeoutMilliseconds { get; }

        public string DefaultNamespace => DefaultNamespaceName;

        public ProviderCapabilities Capabilities { get; } = new ProviderCapabilities
        {
            MaxIdsPerDelete = 1000,
            MaxIdsPerFetch = 1000,
            MaxRecordsPerUpsert = 1000,
            NativeFilterDelete = true,
            CountsFilterMatches = true,
            SupportsNamespaces = true,
            ListsNamespacesCheaply = true,
            CanRemoveNamespace = true,
            AsyncMutations = false,
            // SQLite lets one writer at a time into the file. A second batch in flight gains nothing: it can only
            // wait for the write lock, polling in the busy handler, which adds latency and lock churn.
            DefaultConcurrency = 1,
        };

        /// <summary>~/.vectorops/vectorops.db (the user's profile folder).</summary>
        public static string DefaultPath
        {
            get
            {
                var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
                if (string.IsNullOrEmpty(home)) home = Environment.GetEnvironmentVariable("HOME") ?? "";
                if (string.IsNullOrEmpty(home)) home = Directory.GetCurrentDirectory();
                return Path.Combine(Path.Combine(home, ".vectorops"), "vectorops.db");
            }
        }

        // ---- opening ---------------------------------------------------------------------------------

        /// <summary>
        /// Opens (creating when needed) the store at settings.Path (default <see cref="DefaultPath"/>) and binds to
        /// settings.Index (default "default"), creating the index if it is new. Throws StoreOpenFailed (OpenError,
        /// target = the path) when the file cannot be opened or is not a VectorOps store.
        /// </summary>
        public static IVectorProvider Create(ConnectionSettings settings)
        {
            if (settings is null) throw new ArgumentNullException(nameof(settings));
            settings.Provider = ProviderName;
            return ProviderRegistry.Create(settings);
        }

        /// <summary>The descriptor's factory: the settings are checked against it (ProviderDescriptor.Prepare).</summary>
        internal static IVectorProvider Open(ConnectionSettings settings)
        {
            var index = settings.Index ?? DefaultIndexName;
            ValidateIndexName(index);
            if (settings.DefaultNamespace != null) CheckNamespace(settings.DefaultNamespace);

            var path = ResolvePath(settings.Find<string>(LocalDescriptor.Path), settings.CreateIfMissing);
            if (!settings.CreateIfMissing && !File.Exists(path))
                throw IndexNotFound(index, $"The local store '{path}' does not exist, so it has no index '{index}'.", settings.Names);
            var busy = settings.RequestTimeout is TimeSpan t && t > TimeSpan.Zero ? t : DefaultBusyTimeout;
            var busyMs = (int)Math.Min(int.MaxValue, Math.Max(1, busy.TotalMilliseconds));
            var builder = new SqliteConnectionStringBuilder
            {
                DataSource = path,
                Mode = SqliteOpenMode.ReadWriteCreate,
                Cache = SqliteCacheMode.Private,
                Pooling = true,
                // Microsoft.Data.Sqlite's own retry on SQLITE_BUSY, in seconds; the PRAGMA below is SQLite's.
                DefaultTimeout = Math.Max(1, busyMs / 1000),
            };
            var provider = new LocalProvider(path, index, builder.ToString(), busyMs, settings);
            provider.Initialise(settings.CreateIfMissing);
            return provider;
        }

        /// <summary>
        /// The descriptor's index listing (Tab completion of -Index): the indexes of the store at settings.Path
        /// (default <see cref="DefaultPath"/>), read from its table of indexes with a read-only connection. A file
        /// that does not exist has none (nothing is created); a file that is not a VectorOps store is StoreOpenFailed.
        /// </summary>
        internal static Task<IReadOnlyList<string>> ListIndexes(ConnectionSettings settings, CancellationToken cancellationToken)
        {
            var path = ResolvePath(settings.Find<string>(LocalDescriptor.Path), create: false);
            var names = new List<string>();
            if (!File.Exists(path)) return Task.FromResult<IReadOnlyList<string>>(names);
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                EnsureSqlite();
                var builder = new SqliteConnectionStringBuilder
                {
                    DataSource = path,
                    Mode = SqliteOpenMode.ReadOnly,
                    Cache = SqliteCacheMode.Private,
                    // Not pooled: a Tab press leaves no handle on the file behind it.
                    Pooling = false,
                    DefaultTimeout = 1,
                };
                using var c = new SqliteConnection(builder.ToString());
                lock (OpenGate) c.Open();
                var appId = Convert.ToInt64(Scalar(c, "PRAGMA application_id;"), CultureInfo.InvariantCulture);
                var hasTable = Convert.ToInt64(Scalar(c, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'vo_indexes';"), CultureInfo.InvariantCulture) > 0;
                if (appId != ApplicationId && !(appId == 0 && !hasTable && Convert.ToInt64(Scalar(c, "SELECT count(*) FROM sqlite_master;"), CultureInfo.InvariantCulture) == 0))
                    throw OpenFailed(path, $"'{path}' is not a VectorOps local store.", null);
                if (!hasTable) return Task.FromResult<IReadOnlyList<string>>(names);
                using var cmd = Command(c, null, "SELECT name FROM vo_indexes ORDER BY name;");
                using var reader = cmd.ExecuteReader();
                while (reader.Read()) names.Add(reader.GetString(0));
            }
            catch (SqliteException ex)
            {
                throw OpenFailed(path, $"Cannot read the indexes of the local store '{path}': {ex.Message}", ex);
            }
            return Task.FromResult<IReadOnlyList<string>>(names);
        }

        private static string ResolvePath(string? given, bool create)
        {
            if (given is null)
            {
                var path = DefaultPath;
                if (!create) return path;
                try
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is NotSupportedException)
                {
                    throw OpenFailed(path, $"Cannot create the folder of the default local store '{path}': {ex.Message}", ex);
                }
                return path;
            }
            if (given.Trim().Length == 0 || given.IndexOf('\0') >= 0)
                throw OpenFailed(given, $"'{given}' is not a file path for the local store.", null);
            try
            {
                var expanded = given;
                if (expanded == "~" || expanded.StartsWith("~/", StringComparison.Ordinal) || expanded.StartsWith("~\\", StringComparison.Ordinal))
                {
                    var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
                    if (!string.IsNullOrEmpty(home)) expanded = home + expanded.Substring(1);
                }
                var full = Path.GetFullPath(expanded);
                if (Directory.Exists(full))
                    throw OpenFailed(full, $"The local store path '{full}' is a folder; give a file path such as '{Path.Combine(full, "vectors.db")}'.", null);
                var folder = Path.GetDirectoryName(full);
                if (!string.IsNullOrEmpty(folder) && !Directory.Exists(folder))
                    throw OpenFailed(full, $"Cannot open the local store '{full}': the folder '{folder}' does not exist.", null);
                return full;
            }
            catch (Exception ex) when (ex is ArgumentException || ex is NotSupportedException || ex is PathTooLongException || ex is IOException || ex is System.Security.SecurityException)
            {
                throw OpenFailed(given, $"'{given}' is not a usable file path for the local store: {ex.Message}", ex);
            }
        }

        /// <summary>
        /// IndexNotFound (ObjectNotFound, target = the index): the index (or its file) does not exist and creating
        /// it was not asked for; says how to create it.
        /// </summary>
        private static VectorOpsException IndexNotFound(string index, string what, SettingNames names) =>
            new VectorOpsException(ErrorIds.IndexNotFound, VectorOpsErrorCategory.ObjectNotFound,
                what + $" Nothing was created. To create it, connect again with {names.Option(Setting.Create)}.",
                index);

        private static VectorOpsException OpenFailed(string path, string message, Exception? inner) =>
            new VectorOpsException(ErrorIds.StoreOpenFailed, VectorOpsErrorCategory.OpenError, message, path, inner);

        private static void EnsureSqlite()
        {
            if (_initialised) return;
            lock (InitGate)
            {
                if (_initialised) return;
                SQLitePCL.Batteries_V2.Init();
                _initialised = true;
            }
        }

        private void Initialise(bool create)
        {
            try
            {
                EnsureSqlite();
            }
            catch (Exception ex)
            {
                throw OpenFailed(DatabasePath, $"The SQLite engine of the local store could not be loaded: {ex.Message}", ex);
            }
            try
            {
                using var c = Open(pragmas: false);
                ApplyPragmas(c);
                var appId = Convert.ToInt64(Scalar(c, "PRAGMA application_id;"), CultureInfo.InvariantCulture);
                var version = Convert.ToInt64(Scalar(c, "PRAGMA user_version;"), CultureInfo.InvariantCulture);
                if (appId == 0)
                {
                    var tables = Convert.ToInt64(Scalar(c, "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite/_%' ESCAPE '/';"), CultureInfo.InvariantCulture);
                    if (tables > 0)
                        throw OpenFailed(DatabasePath, $"'{DatabasePath}' is a SQLite database of another application, not a VectorOps local store; it was not changed.", null);
                }
                else if (appId != ApplicationId)
                {
                    throw OpenFailed(DatabasePath, $"'{DatabasePath}' is a SQLite database of another application (application id {appId}), not a VectorOps local store; it was not changed.", null);
                }
                if (version > SchemaVersion)
                    throw OpenFailed(DatabasePath, $"The local store '{DatabasePath}' was written by a newer VectorOps (schema {version}); this version reads schema {SchemaVersion}.", null);

                var mode = Convert.ToString(Scalar(c, "PRAGMA journal_mode = WAL;"), CultureInfo.InvariantCulture);
                if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                    Trace($"The local store '{DatabasePath}' runs in journal mode '{mode}' (WAL unavailable on this file system).");

                using var tx = c.BeginTransaction(deferred: false);
                Execute(c, tx, @"
CREATE TABLE IF NOT EXISTS vo_indexes (
    name TEXT NOT NULL PRIMARY KEY,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS vo_namespaces (
    ns_id INTEGER PRIMARY KEY,
    index_name TEXT NOT NULL REFERENCES vo_indexes(name),
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (index_name, name)
);
CREATE TABLE IF NOT EXISTS vo_records (
    ns_id INTEGER NOT NULL REFERENCES vo_namespaces(ns_id),
    id TEXT NOT NULL,
    dimension INTEGER,
    dense BLOB,
    sparse TEXT,
    metadata TEXT,
    updated_at TEXT NOT NULL,
    UNIQUE (ns_id, id)
);");
                Execute(c, tx, "PRAGMA application_id = " + ApplicationId.ToString(CultureInfo.InvariantCulture) + ";");
                Execute(c, tx, "PRAGMA user_version = " + SchemaVersion.ToString(CultureInfo.InvariantCulture) + ";");
                if (!create)
                {
                    // Never create an index by connecting to it: a misspelt name would become a new, empty index
                    // that every delete then "completes" against. The transaction is rolled back: nothing is written.
                    var names = new List<string>();
                    using (var cmd = Command(c, tx, "SELECT name FROM vo_indexes ORDER BY name;"))
                    using (var reader = cmd.ExecuteReader())
                        while (reader.Read()) names.Add(reader.GetString(0));
                    if (!names.Contains(Index, StringComparer.Ordinal))
                        throw IndexNotFound(Index,
                            $"The local store '{DatabasePath}' has no index '{Index}'. " + NameSuggestions.Hint(Index, names, "indexes"), _settings.Names);
                }
                Execute(c, tx, "INSERT OR IGNORE INTO vo_indexes (name, created_at) VALUES (@name, @now);",
                    ("@name", Index), ("@now", Now()));
                tx.Commit();
            }
            catch (SqliteException ex)
            {
                throw OpenFailed(DatabasePath, $"Cannot open the local store '{DatabasePath}': {ex.Message}", ex);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is InvalidOperationException)
            {
                throw OpenFailed(DatabasePath, $"Cannot open the local store '{DatabasePath}': {ex.Message}", ex);
            }
        }

        private static readonly object OpenGate = new object();

        private SqliteConnection Open(bool pragmas = true)
        {
            if (_disposed) throw new ObjectDisposedException(nameof(LocalProvider), "This local store connection was closed (Disconnect-VectorIndex).");
            var c = new SqliteConnection(_connectionString);
            try
            {
                // Microsoft.Data.Sqlite's pool can lend one native connection to two concurrent opens
                // (dotnet/efcore#39008: activation marks it active before it has an owner); the second BEGIN then
                // fails with "cannot start a transaction within a transaction" (seen here as StoreFailed on parallel
                // batches). Opens are serialised, one process-wide lock for every store; the work itself still runs
                // in parallel.
                lock (OpenGate) c.Open();
                if (pragmas) ApplyPragmas(c);
                return c;
            }
            catch
            {
                c.Dispose();
                throw;
            }
        }

        private void ApplyPragmas(SqliteConnection c) =>
            Execute(c, null, "PRAGMA busy_timeout = " + BusyTimeoutMilliseconds.ToString(CultureInfo.InvariantCulture) + "; PRAGMA foreign_keys = ON;");

        // ---- validation ------------------------------------------------------------------------------

        public void ValidateId(string id)
        {
            if (id is null || id.Length == 0)
                throw new VectorOpsException(ErrorIds.InvalidId, VectorOpsErrorCategory.InvalidArgument,
                    "A record id is empty; the local store needs 1 to " + MaxIdLength + " characters.", id);
            var problem = id.Trim().Length == 0 ? "is blank" : TextProblem(id, MaxIdLength);
            if (problem != null)
                throw new VectorOpsException(ErrorIds.InvalidId, VectorOpsErrorCategory.InvalidArgument,
                    $"The record id '{Printable(id)}' is not valid for the local store: it {problem}. Ids are 1 to {MaxIdLength} characters, not blank, without control characters.",
                    id);
        }

        public void ValidateNamespace(string @namespace) => CheckNamespace(@namespace);

        /// <summary>
        /// The local store's record rules: dense values optional, but all of one index have one dimension (read
        /// from the store); sparse values; metadata is any JSON (objects, lists of anything, null kept as null).
        /// </summary>
        public RecordRules RecordRules { get; } = new RecordRules
        {
            ReadsIndexDimension = true,
            DenseValues = DenseValuesRule.Optional,
            SparseValues = true,
            MetadataNulls = MetadataNullRule.Keep,
            NestedMetadata = true,
            MetadataListsOfStringsOnly = false,
            MetadataTypes = "any JSON value",
        };

        private static void CheckNamespace(string? ns)
        {
            string? problem = ns is null || ns.Length == 0 ? "is empty" : ns.Trim().Length == 0 ? "is blank" : TextProblem(ns, MaxNamespaceLength);
            if (problem != null)
                throw new VectorOpsException(ErrorIds.InvalidNamespace, VectorOpsErrorCategory.InvalidArgument,
                    $"The namespace '{Printable(ns ?? "")}' is not valid for the local store: it {problem}. Namespaces are 1 to {MaxNamespaceLength} characters without control characters.",
                    ns);
        }

        /// <summary>Index names: 1 to 64 characters, not blank, no control characters, no leading or trailing spaces.</summary>
        public static void ValidateIndexName(string? index)
        {
            string? problem = index is null || index.Length == 0 ? "is empty" : index.Trim().Length == 0 ? "is blank"
                : index.Trim().Length != index.Length ? "starts or ends with white space" : TextProblem(index, MaxIndexNameLength);
            if (problem != null)
                throw new VectorOpsException(ErrorIds.InvalidIndexName, VectorOpsErrorCategory.InvalidArgument,
                    $"The index name '{Printable(index ?? "")}' is not valid for the local store: it {problem}. Index names are 1 to {MaxIndexNameLength} characters without control characters or surrounding spaces.",
                    index);
        }

        /// <summary>Why the text breaks the rules (too long, control character, broken surrogate), or null.</summary>
        private static string? TextProblem(string text, int maxLength)
        {
            var length = 0;
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (char.IsHighSurrogate(c))
                {
                    if (i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]))
                        return $"contains an unpaired surrogate at position {i} (not valid Unicode, so it cannot be stored unchanged)";
                    i++;
                }
                else if (char.IsLowSurrogate(c))
                {
                    return $"contains an unpaired surrogate at position {i} (not valid Unicode, so it cannot be stored unchanged)";
                }
                else if (char.IsControl(c))
                {
                    return $"contains the control character U+{(int)c:X4} at position {i}";
                }
                length++;
            }
            if (length > maxLength) return $"is {length} characters long, more than {maxLength}";
            return null;
        }

        /// <summary>The text for a message: control characters shown as \uXXXX, long text shortened.</summary>
        private static string Printable(string text)
        {
            var sb = new StringBuilder(Math.Min(text.Length, 80));
            foreach (var c in text)
            {
                if (sb.Length >= 76)
                {
                    sb.Append("…");
                    break;
                }
                if (char.IsControl(c) || char.IsSurrogate(c)) sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                else sb.Append(c);
            }
            return sb.ToString();
        }

        private void CheckIds(IReadOnlyList<string> ids, int cap, string what)
        {
            if (ids is null) throw new ArgumentNullException(nameof(ids));
            if (ids.Count > cap)
                throw new VectorOpsException(ErrorIds.InvalidArgument, VectorOpsErrorCategory.InvalidArgument,
                    $"{ids.Count} ids in one {what}; the local store takes at most {cap}.", ids.Count);
            foreach (var id in ids) ValidateId(id);
        }

        private static void CheckPrefix(string prefix)
        {
            var problem = TextProblem(prefix, MaxIdLength);
            if (problem != null)
                throw new VectorOpsException(ErrorIds.InvalidPrefix, VectorOpsErrorCategory.InvalidArgument,
                    $"The id prefix '{Printable(prefix)}' cannot match a local store id: it {problem}.", prefix);
        }

        // ---- writes ----------------------------------------------------------------------------------

        /// <summary>Not offered (DeletesValidatedIds is false): a local id check costs less than the SQL around it.</summary>
        public Task<ProviderWriteResult> DeleteValidatedIdsAsync(string @namespace, IReadOnlyList<string> ids, CancellationToken cancellationToken) =>
            throw Kit.Optional.NotSupported(ProviderName, "deleting ids without checking them again", nameof(ProviderCapabilities.DeletesValidatedIds),
                "call DeleteByIdsAsync.", @namespace);

        public Task<ProviderWriteResult> DeleteByIdsAsync(string @namespace, IReadOnlyList<string> ids, CancellationToken cancellationToken) =>
            Run(cancellationToken, "delete by id", @namespace, () =>
            {
                CheckNamespace(@namespace);
                CheckIds(ids, Capabilities.MaxIdsPerDelete, "delete");
                var clock = Stopwatch.StartNew();
                long deleted = 0;
                if (ids.Count > 0)
                {
                    using var c = Open();
                    using var interrupt = Interruptible(c, cancellationToken);
                    using var tx = c.BeginTransaction(deferred: false);
                    var nsId = NamespaceId(c, tx, @namespace);
                    if (nsId != null) deleted = DeleteEach(c, nsId.Value, ids);
                    cancellationToken.ThrowIfCancellationRequested();
                    tx.Commit();
                }
                Trace($"Local '{Index}/{@namespace}': deleted {deleted} of {ids.Count} id(s) in {clock.ElapsedMilliseconds} ms.");
                return Written(deleted);
            });

        private const string DeleteOneSql = "DELETE FROM vo_records WHERE ns_id = ?1 AND id = ?2;";

        /// <summary>
        /// The batch's ids deleted one statement execution each, inside the caller's transaction, through SQLite's C
        /// API on the connection's own handle: one statement prepared per batch, the namespace bound once, each id
        /// encoded as UTF-8 into one reused buffer and bound, stepped, reset. The same statements
        /// Microsoft.Data.Sqlite would run; what it adds per execution (a data reader, a parameter conversion and
        /// a UTF-8 copy per id, its statement bookkeeping) was most of the local store's CPU per deleted id.
        /// Returns the rows SQLite reports deleted (sqlite3_changes after each step), so ids that were not there
        /// are not counted. A failing step throws the SqliteException Microsoft.Data.Sqlite would have thrown.
        /// </summary>
        private static long DeleteEach(SqliteConnection c, long nsId, IReadOnlyList<string> ids)
        {
            var db = c.Handle ?? throw new InvalidOperationException("The local store connection is not open.");
            var rc = SQLitePCL.raw.sqlite3_prepare_v2(db, DeleteOneSql, out var stmt);
            SqliteException.ThrowExceptionForRC(rc, db);
            var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(4 * MaxIdLength);
            try
            {
                SqliteException.ThrowExceptionForRC(SQLitePCL.raw.sqlite3_bind_int64(stmt, 1, nsId), db);
                long deleted = 0;
                for (var i = 0; i < ids.Count; i++)
                {
                    var id = ids[i];
                    var max = Encoding.UTF8.GetMaxByteCount(id.Length);
                    if (max > buffer.Length)
                    {
                        System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
                        buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(max);
                    }
                    var length = Encoding.UTF8.GetBytes(id, 0, id.Length, buffer, 0);
                    // Bound as transient (SQLite copies it), so the buffer is free again for the next id.
                    SqliteException.ThrowExceptionForRC(SQLitePCL.raw.sqlite3_bind_text(stmt, 2, new ReadOnlySpan<byte>(buffer, 0, length)), db);
                    rc = SQLitePCL.raw.sqlite3_step(stmt);
                    if (rc != SQLitePCL.raw.SQLITE_DONE)
                    {
                        SQLitePCL.raw.sqlite3_reset(stmt);
                        SqliteException.ThrowExceptionForRC(rc, db);
                        throw new InvalidOperationException("A DELETE statement returned rows.");
                    }
                    deleted += SQLitePCL.raw.sqlite3_changes(db);
                    SqliteException.ThrowExceptionForRC(SQLitePCL.raw.sqlite3_reset(stmt), db);
                }
                return deleted;
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
                stmt.Dispose();
            }
        }

        public Task<ProviderWriteResult> DeleteByFilterAsync(string @namespace, MetadataFilter filter, CancellationToken cancellationToken) =>
            Run(cancellationToken, "delete by filter", @namespace, () =>
            {
                CheckNamespace(@namespace);
                if (filter is null) throw new ArgumentNullException(nameof(filter));
                var clock = Stopwatch.StartNew();
                using var c = Open();
                using var interrupt = Interruptible(c, cancellationToken);
                using var tx = c.BeginTransaction(deferred: false);
                long deleted = 0;
                var nsId = NamespaceId(c, tx, @namespace);
                if (nsId != null)
                {
                    using var cmd = Command(c, tx, "");
                    var where = FilterSql(filter, cmd);
                    cmd.CommandText = "DELETE FROM vo_records AS r WHERE r.ns_id = @ns AND " + where + ";";
                    cmd.Parameters.AddWithValue("@ns", nsId.Value);
                    deleted = cmd.ExecuteNonQuery();
                }
                cancellationToken.ThrowIfCancellationRequested();
                tx.Commit();
                Trace($"Local '{Index}/{@namespace}': deleted {deleted} record(s) matching {filter.Json} in {clock.ElapsedMilliseconds} ms.");
                return Written(deleted);
            });

        public Task<ProviderWriteResult> ClearNamespaceAsync(string @namespace, bool removeNamespace, CancellationToken cancellationToken) =>
            Run(cancellationToken, "clear namespace", @namespace, () =>
            {
                CheckNamespace(@namespace);
                using var c = Open();
                using var interrupt = Interruptible(c, cancellationToken);
                using var tx = c.BeginTransaction(deferred: false);
                long deleted = 0;
                var nsId = NamespaceId(c, tx, @namespace);
                if (nsId != null)
                {
                    deleted = Execute(c, tx, "DELETE FROM vo_records WHERE ns_id = @ns;", ("@ns", nsId.Value));
                    if (removeNamespace) Execute(c, tx, "DELETE FROM vo_namespaces WHERE ns_id = @ns;", ("@ns", nsId.Value));
                }
                cancellationToken.ThrowIfCancellationRequested();
                tx.Commit();
                Trace($"Local '{Index}/{@namespace}': cleared {deleted} record(s)" + (removeNamespace && nsId != null ? " and removed the namespace." : "."));
                return Written(deleted);
            });

        public Task<ProviderWriteResult> UpsertAsync(string @namespace, IReadOnlyList<VectorRecord> records, CancellationToken cancellationToken) =>
            Run(cancellationToken, "upsert", @namespace, () =>
            {
                CheckNamespace(@namespace);
                if (records is null) throw new ArgumentNullException(nameof(records));
                if (records.Count > Capabilities.MaxRecordsPerUpsert)
                    throw new VectorOpsException(ErrorIds.InvalidArgument, VectorOpsErrorCategory.InvalidArgument,
                        $"{records.Count} records in one upsert; the local store takes at most {Capabilities.MaxRecordsPerUpsert}.", records.Count);

                // Everything is checked and encoded before the transaction: a bad record writes nothing.
                var rows = new List<Row>(records.Count);
                int? batchDimension = null;
                string? batchDimensionId = null;
                foreach (var r in records)
                {
                    var row = Encode(r);
                    if (row.Dimension is int d)
                    {
                        if (batchDimension is int bd && bd != d)
                            throw new VectorOpsException(ErrorIds.InvalidRecord, VectorOpsErrorCategory.InvalidArgument,
                                $"Record '{Printable(r.Id)}' has {d} values but record '{Printable(batchDimensionId!)}' of the same batch has {bd}; one index holds one dimension.", r.Id);
                        batchDimension = d;
                        batchDimensionId = r.Id;
                    }
                    rows.Add(row);
                }
                if (rows.Count == 0) return Written(0);

                var clock = Stopwatch.StartNew();
                using var c = Open();
                using var interrupt = Interruptible(c, cancellationToken);
                using var tx = c.BeginTransaction(deferred: false);
                if (batchDimension is int want)
                {
                    var have = IndexDimension(c, tx);
                    if (have is int h && h != want)
                        throw new VectorOpsException(ErrorIds.InvalidRecord, VectorOpsErrorCategory.InvalidArgument,
                            $"Record '{Printable(batchDimensionId!)}' has {want} values but local index '{Index}' holds vectors of dimension {h}; nothing of this batch was written.",
                            batchDimensionId);
                }
                var nsId = EnsureNamespace(c, tx, @namespace);
                using var cmd = Command(c, tx, @"
INSERT INTO vo_records (ns_id, id, dimension, dense, sparse, metadata, updated_at)
VALUES (@ns, @id, @dim, @dense, @sparse, @md, @now)
ON CONFLICT (ns_id, id) DO UPDATE SET
    dimension = excluded.dimension, dense = excluded.dense, sparse = excluded.sparse,
    metadata = excluded.metadata, updated_at = excluded.updated_at;");
                cmd.Parameters.AddWithValue("@ns", nsId);
                cmd.Parameters.AddWithValue("@now", Now());
                var pId = cmd.Parameters.Add("@id", SqliteType.Text);
                var pDim = cmd.Parameters.Add("@dim", SqliteType.Integer);
                var pDense = cmd.Parameters.Add("@dense", SqliteType.Blob);
                var pSparse = cmd.Parameters.Add("@sparse", SqliteType.Text);
                var pMd = cmd.Parameters.Add("@md", SqliteType.Text);
                foreach (var row in rows)
                {
                    pId.Value = row.Id;
                    pDim.Value = (object?)row.Dimension ?? DBNull.Value;
                    pDense.Value = (object?)row.Dense ?? DBNull.Value;
                    pSparse.Value = (object?)row.Sparse ?? DBNull.Value;
                    pMd.Value = (object?)row.Metadata ?? DBNull.Value;
                    cmd.ExecuteNonQuery();
                }
                cancellationToken.ThrowIfCancellationRequested();
                tx.Commit();
                Trace($"Local '{Index}/{@namespace}': upserted {rows.Count} record(s) in {clock.ElapsedMilliseconds} ms.");
                return Written(rows.Count);
            });

        private sealed class Row
        {
            public string Id = "";
            public int? Dimension;
            public byte[]? Dense;
            public string? Sparse;
            public string? Metadata;
        }

        private Row Encode(VectorRecord? r)
        {
            if (r is null)
                throw new VectorOpsException(ErrorIds.InvalidRecord, VectorOpsErrorCategory.InvalidArgument, "A record is null.", null);
            ValidateId(r.Id);
            var row = new Row { Id = r.Id };
            if (r.Values != null)
            {
                if (r.Values.Length == 0)
                    throw new VectorOpsException(ErrorIds.InvalidRecord, VectorOpsErrorCategory.InvalidArgument,
                        $"Record '{Printable(r.Id)}' has an empty values array; give values or leave them out.", r.Id);
                for (var i = 0; i < r.Values.Length; i++)
                    if (float.IsNaN(r.Values[i]) || float.IsInfinity(r.Values[i]))
                        throw new VectorOpsException(ErrorIds.InvalidRecord, VectorOpsErrorCategory.InvalidArgument,
                            $"Record '{Printable(r.Id)}' has a value that is not a finite number ({r.Values[i].ToString(CultureInfo.InvariantCulture)}) at position {i}.", r.Id);
                row.Dimension = r.Values.Length;
                row.Dense = EncodeFloats(r.Values);
            }
            if (r.SparseValues != null)
            {
                var sv = r.SparseValues;
                if (sv.Indices is null || sv.Values is null || sv.Indices.Count != sv.Values.Count)
                    throw new VectorOpsException(ErrorIds.InvalidRecord, VectorOpsErrorCategory.InvalidArgument,
                        $"Record '{Printable(r.Id)}' has sparse values whose indices and values differ in length.", r.Id);
                foreach (var f in sv.Values)
                    if (float.IsNaN(f) || float.IsInfinity(f))
                        throw new VectorOpsException(ErrorIds.InvalidRecord, VectorOpsErrorCategory.InvalidArgument,
                            $"Record '{Printable(r.Id)}' has a sparse value that is not a finite number.", r.Id);
                row.Sparse = ToJson(w =>
                {
                    w.WriteStartObject();
                    w.WriteStartArray("indices");
                    foreach (var i in sv.Indices) w.WriteNumberValue(i);
                    w.WriteEndArray();
                    w.WriteStartArray("values");
                    foreach (var f in sv.Values) w.WriteNumberValue(f);
                    w.WriteEndArray();
                    w.WriteEndObject();
                });
            }
            if (r.Metadata != null)
            {
                try
                {
                    row.Metadata = ToJson(w => RecordJson.WriteMetadata(w, r.Metadata));
                }
                catch (Exception ex) when (ex is ArgumentException || ex is InvalidOperationException || ex is FormatException)
                {
                    // NaN / infinity, invalid UTF-16, nesting deeper than JSON allows.
                    throw new VectorOpsException(ErrorIds.InvalidRecord, VectorOpsErrorCategory.InvalidArgument,
                        $"The metadata of record '{Printable(r.Id)}' cannot be stored as JSON: {ex.Message}", r.Id, ex);
                }
            }
            return row;
        }

        private static byte[] EncodeFloats(float[] values)
        {
            var bytes = new byte[values.Length * 4];
            Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
            if (!BitConverter.IsLittleEndian)
                for (var i = 0; i < bytes.Length; i += 4) Array.Reverse(bytes, i, 4);
            return bytes;
        }

        private static float[] DecodeFloats(byte[] bytes)
        {
            var copy = bytes;
            if (!BitConverter.IsLittleEndian)
            {
                copy = (byte[])bytes.Clone();
                for (var i = 0; i + 4 <= copy.Length; i += 4) Array.Reverse(copy, i, 4);
            }
            var values = new float[copy.Length / 4];
            Buffer.BlockCopy(copy, 0, values, 0, values.Length * 4);
            return values;
        }

        private static string ToJson(Action<Utf8JsonWriter> write)
        {
            using var ms = new MemoryStream();
            using (var w = new Utf8JsonWriter(ms, StoreJson)) write(w);
            return Encoding.UTF8.GetString(ms.ToArray());
        }

        private static ProviderWriteResult Written(long count) => new ProviderWriteResult { AffectedCount = count, Applied = true, Attempts = 1 };

        // ---- reads -----------------------------------------------------------------------------------

        public IAsyncEnumerable<IReadOnlyList<string>> ListIdsAsync(string @namespace, string? prefix, CancellationToken cancellationToken)
        {
            CheckNamespace(@namespace);
            var p = string.IsNullOrEmpty(prefix) ? null : prefix;
            if (p != null) CheckPrefix(p);
            return PagesAsync(@namespace, p, null, cancellationToken);
        }

        public IAsyncEnumerable<IReadOnlyList<string>> FindIdsAsync(string @namespace, MetadataFilter filter, CancellationToken cancellationToken)
        {
            CheckNamespace(@namespace);
            if (filter is null) throw new ArgumentNullException(nameof(filter));
            return PagesAsync(@namespace, null, filter, cancellationToken);
        }

        /// <summary>
        /// One page of ids after <paramref name="after"/> (keyset pagination in id order: a page never skips or
        /// repeats an id however many records are deleted between pages). Ids compare as UTF-8 bytes, i.e. by
        /// code point.
        /// </summary>
        internal IReadOnlyList<string> Page(string ns, string? prefix, MetadataFilter? filter, string? after, int size, CancellationToken ct)
        {
            using var c = Open();
            using var interrupt = Interruptible(c, ct);
            using var tx = c.BeginTransaction(deferred: true);
            var nsId = NamespaceId(c, tx, ns);
            var ids = new List<string>();
            if (nsId is null) return ids;
            using var cmd = Command(c, tx, "");
            var sql = new StringBuilder("SELECT r.id FROM vo_records AS r WHERE r.ns_id = @ns");
            cmd.Parameters.AddWithValue("@ns", nsId.Value);
            if (after != null)
            {
                sql.Append(" AND r.id > @after");
                cmd.Parameters.Add("@after", SqliteType.Text).Value = after;
            }
            if (prefix != null)
            {
                // A byte range the index can seek ([prefix, prefix with its last UTF-8 byte + 1)) plus an exact
                // check of the leading characters: no LIKE or GLOB, so % _ * ? [ in the prefix are plain text.
                sql.Append(" AND r.id >= @prefix AND r.id < CAST(@upper AS TEXT) AND substr(r.id, 1, length(@prefix)) = @prefix");
                cmd.Parameters.Add("@prefix", SqliteType.Text).Value = prefix;
                cmd.Parameters.Add("@upper", SqliteType.Blob).Value = UpperBound(prefix);
            }
            if (filter != null) sql.Append(" AND ").Append(FilterSql(filter, cmd));
            sql.Append(" ORDER BY r.id LIMIT @limit;");
            cmd.Parameters.AddWithValue("@limit", size);
            cmd.CommandText = sql.ToString();
            using var reader = cmd.ExecuteReader();
            while (reader.Read()) ids.Add(reader.GetString(0));
            return ids;
        }

        /// <summary>The smallest byte string above every UTF-8 string that starts with the prefix.</summary>
        private static byte[] UpperBound(string prefix)
        {
            var bytes = Encoding.UTF8.GetBytes(prefix);
            // Valid UTF-8 never contains 0xFF, so the last byte can always be raised by one.
            bytes[bytes.Length - 1]++;
            return bytes;
        }

        public Task<long> CountAsync(string @namespace, MetadataFilter filter, CancellationToken cancellationToken) =>
            Run<long>(cancellationToken, "count", @namespace, () =>
            {
                CheckNamespace(@namespace);
                if (filter is null) throw new ArgumentNullException(nameof(filter));
                using var c = Open();
                using var interrupt = Interruptible(c, cancellationToken);
                using var tx = c.BeginTransaction(deferred: true);
                var nsId = NamespaceId(c, tx, @namespace);
                if (nsId is null) return 0;
                using var cmd = Command(c, tx, "");
                var where = FilterSql(filter, cmd);
                cmd.CommandText = "SELECT count(*) FROM vo_records AS r WHERE r.ns_id = @ns AND " + where + ";";
                cmd.Parameters.AddWithValue("@ns", nsId.Value);
                return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
            });

        public Task<IReadOnlyList<VectorRecord>> FetchAsync(string @namespace, IReadOnlyList<string> ids, CancellationToken cancellationToken) =>
            Run<IReadOnlyList<VectorRecord>>(cancellationToken, "fetch", @namespace, () =>
            {
                CheckNamespace(@namespace);
                CheckIds(ids, Capabilities.MaxIdsPerFetch, "fetch");
                var result = new List<VectorRecord>(ids.Count);
                if (ids.Count == 0) return result;
                using var c = Open();
                using var interrupt = Interruptible(c, cancellationToken);
                using var tx = c.BeginTransaction(deferred: true);
                var nsId = NamespaceId(c, tx, @namespace);
                if (nsId is null) return result;
                using var cmd = Command(c, tx, "SELECT dense, sparse, metadata FROM vo_records WHERE ns_id = @ns AND id = @id;");
                cmd.Parameters.AddWithValue("@ns", nsId.Value);
                var idParam = cmd.Parameters.Add("@id", SqliteType.Text);
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var id in ids)
                {
                    if (!seen.Add(id)) continue;
                    cancellationToken.ThrowIfCancellationRequested();
                    idParam.Value = id;
                    using var reader = cmd.ExecuteReader();
                    if (!reader.Read()) continue;
                    var record = new VectorRecord(id) { Namespace = @namespace };
                    if (!reader.IsDBNull(0)) record.Values = DecodeFloats((byte[])reader.GetValue(0));
                    if (!reader.IsDBNull(1)) record.SparseValues = DecodeSparse(reader.GetString(1));
                    if (!reader.IsDBNull(2))
                    {
                        using var doc = JsonDocument.Parse(reader.GetString(2));
                        record.Metadata = RecordJson.ReadMetadata(doc.RootElement);
                    }
                    result.Add(record);
                }
                return result;
            });

        private static SparseVector DecodeSparse(string json)
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            return new SparseVector(
                root.GetProperty("indices").EnumerateArray().Select(x => x.GetUInt32()).ToArray(),
                root.GetProperty("values").EnumerateArray().Select(x => x.GetSingle()).ToArray());
        }

        public async IAsyncEnumerable<NamespaceInfo> ListNamespacesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            // Read in one go when enumeration starts (one short read transaction), then handed out one by one.
            cancellationToken.ThrowIfCancellationRequested();
            var all = await Run(cancellationToken, "list namespaces", null, () => Namespaces(cancellationToken)).ConfigureAwait(false);
            foreach (var ns in all) yield return ns;
        }

        private IReadOnlyList<NamespaceInfo> Namespaces(CancellationToken ct)
        {
            using var c = Open();
            using var interrupt = Interruptible(c, ct);
            using var tx = c.BeginTransaction(deferred: true);
            return ReadNamespaces(c, tx);
        }

        private List<NamespaceInfo> ReadNamespaces(SqliteConnection c, SqliteTransaction tx)
        {
            var list = new List<NamespaceInfo>();
            using var cmd = Command(c, tx, @"
SELECT n.name, (SELECT count(*) FROM vo_records AS r WHERE r.ns_id = n.ns_id)
FROM vo_namespaces AS n WHERE n.index_name = @index ORDER BY n.name;");
            cmd.Parameters.AddWithValue("@index", Index);
            using var reader = cmd.ExecuteReader();
            while (reader.Read()) list.Add(new NamespaceInfo(Name, Index, reader.GetString(0), reader.GetInt64(1)));
            return list;
        }

        public Task<IndexStats> GetStatsAsync(CancellationToken cancellationToken) =>
            Run(cancellationToken, "read statistics", null, () =>
            {
                using var c = Open();
                using var interrupt = Interruptible(c, cancellationToken);
                using var tx = c.BeginTransaction(deferred: true);
                var namespaces = ReadNamespaces(c, tx);
                return new IndexStats
                {
                    Provider = Name,
                    Index = Index,
                    Dimension = IndexDimension(c, tx),
                    TotalRecordCount = namespaces.Sum(n => n.RecordCount ?? 0),
                    Namespaces = namespaces,
                };
            });

        public Task<IReadOnlyList<VectorMutation>> GetAppliedAsync(IReadOnlyList<VectorMutation> pending, CancellationToken cancellationToken)
        {
            // Writes are applied before they return: every acknowledged mutation is applied.
            if (cancellationToken.IsCancellationRequested) return Task.FromCanceled<IReadOnlyList<VectorMutation>>(cancellationToken);
            return Task.FromResult<IReadOnlyList<VectorMutation>>((pending ?? Array.Empty<VectorMutation>()).ToList());
        }

        // ---- helpers ---------------------------------------------------------------------------------

        private long? NamespaceId(SqliteConnection c, SqliteTransaction tx, string ns)
        {
            using var cmd = Command(c, tx, "SELECT ns_id FROM vo_namespaces WHERE index_name = @index AND name = @name;");
            cmd.Parameters.AddWithValue("@index", Index);
            cmd.Parameters.AddWithValue("@name", ns);
            var v = cmd.ExecuteScalar();
            return v is null || v is DBNull ? (long?)null : Convert.ToInt64(v, CultureInfo.InvariantCulture);
        }

        private long EnsureNamespace(SqliteConnection c, SqliteTransaction tx, string ns)
        {
            // The index row may be gone if another process rebuilt the file; namespaces reference it.
            Execute(c, tx, "INSERT OR IGNORE INTO vo_indexes (name, created_at) VALUES (@index, @now);", ("@index", Index), ("@now", Now()));
            Execute(c, tx, "INSERT OR IGNORE INTO vo_namespaces (index_name, name, created_at) VALUES (@index, @name, @now);",
                ("@index", Index), ("@name", ns), ("@now", Now()));
            return NamespaceId(c, tx, ns)!.Value;
        }

        /// <summary>The dimension of the index's first record that has dense values, or null.</summary>
        private int? IndexDimension(SqliteConnection c, SqliteTransaction tx)
        {
            using var cmd = Command(c, tx, @"
SELECT r.dimension FROM vo_namespaces AS n JOIN vo_records AS r ON r.ns_id = n.ns_id
WHERE n.index_name = @index AND r.dimension IS NOT NULL LIMIT 1;");
            cmd.Parameters.AddWithValue("@index", Index);
            var v = cmd.ExecuteScalar();
            return v is null || v is DBNull ? (int?)null : Convert.ToInt32(v, CultureInfo.InvariantCulture);
        }

        private static string FilterSql(MetadataFilter filter, SqliteCommand cmd)
        {
            try
            {
                return LocalFilterSql.Translate(filter, cmd, "r.metadata");
            }
            catch (ArgumentException ex)
            {
                // A value the JSON writer cannot encode (an unpaired surrogate in a $in string).
                throw new VectorOpsException(ErrorIds.InvalidFilterOperand, VectorOpsErrorCategory.InvalidArgument,
                    "The filter holds text that is not valid Unicode: " + ex.Message, filter.Json, ex);
            }
        }

        private static SqliteCommand Command(SqliteConnection c, SqliteTransaction? tx, string sql)
        {
            var cmd = c.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = sql;
            return cmd;
        }

        private static int Execute(SqliteConnection c, SqliteTransaction? tx, string sql, params (string Name, object Value)[] parameters)
        {
            using var cmd = Command(c, tx, sql);
            foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value);
            return cmd.ExecuteNonQuery();
        }

        private static object? Scalar(SqliteConnection c, string sql)
        {
            using var cmd = Command(c, null, sql);
            return cmd.ExecuteScalar();
        }

        private static string Now() => DateTimeOffset.UtcNow.ToString("o", CultureInfo.InvariantCulture);

        /// <summary>Interrupts the running statement when the token fires (the statement fails with SQLITE_INTERRUPT).</summary>
        private static CancellationTokenRegistration Interruptible(SqliteConnection c, CancellationToken ct)
        {
            if (!ct.CanBeCanceled) return default;
            var handle = c.Handle;
            return ct.Register(() =>
            {
                if (handle != null) SQLitePCL.raw.sqlite3_interrupt(handle);
            });
        }

        private void Trace(string message)
        {
            var trace = _settings.Trace;
            if (trace is null) return;
            try
            {
                trace(message);
            }
            catch (Exception)
            {
                // A trace sink that cannot take the message (wrong thread, closed host) never fails the operation.
            }
        }

        /// <summary>Attempts of one store operation when SQLite reports a transient WAL locking failure.</summary>
        private const int MaxAttempts = 3;

        /// <summary>The operation's name, for the trace line of a retry.</summary>
        private static readonly ResiliencePropertyKey<string> ActionKey = new ResiliencePropertyKey<string>("VectorOps.StoreAction");

        /// <summary>
        /// SQLITE_PROTOCOL (a WAL lock race under heavy concurrency, for which SQLite's advice is to retry) runs the
        /// operation again whole, after 25 ms and then 100 ms: the same Polly retry the HTTP transport is built on.
        /// </summary>
        private ResiliencePipeline BuildRetry() => new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<SqliteException>(ex => ex.SqliteErrorCode == 15 /* SQLITE_PROTOCOL */),
                MaxRetryAttempts = MaxAttempts - 1,
                DelayGenerator = args => new ValueTask<TimeSpan?>(TimeSpan.FromMilliseconds(25 * (args.AttemptNumber + 1) * (args.AttemptNumber + 1))),
                OnRetry = args =>
                {
                    var action = args.Context.Properties.GetValue(ActionKey, "an operation");
                    Trace($"Local '{Index}': {action} met SQLITE_PROTOCOL (attempt {args.AttemptNumber + 1}); trying again.");
                    return default;
                },
            })
            .Build();

        private ResiliencePipeline? _retry;

        /// <summary>
        /// Runs a store operation, turning SQLite failures into VectorOpsException and cancellation into a cancelled
        /// task. Each operation is one read or one transaction, so it is run again whole on SQLITE_PROTOCOL (see
        /// <see cref="BuildRetry"/>). SQLITE_BUSY is not retried here: Microsoft.Data.Sqlite already waits out the
        /// busy timeout.
        /// </summary>
        private Task<T> Run<T>(CancellationToken ct, string action, string? ns, Func<T> work)
        {
            if (ct.IsCancellationRequested) return Task.FromCanceled<T>(ct);
            var retry = _retry ??= BuildRetry();
            var attempts = 0;
            var context = ResilienceContextPool.Shared.Get(ct);
            context.Properties.Set(ActionKey, action);
            try
            {
                var result = retry.Execute(_ =>
                {
                    ct.ThrowIfCancellationRequested();
                    attempts++;
                    return work();
                }, context);
                if (result is ProviderWriteResult w) w.Attempts = attempts;
                return Task.FromResult(result);
            }
            catch (Exception ex)
            {
                return Failed<T>(ex, ct, action, ns, Math.Max(1, attempts));
            }
            finally
            {
                ResilienceContextPool.Shared.Return(context);
            }
        }

        private Task<T> Failed<T>(Exception exception, CancellationToken ct, string action, string? ns, int attempts)
        {
            switch (exception)
            {
                case SqliteException interrupted when interrupted.SqliteErrorCode == 9 /* SQLITE_INTERRUPT */ && ct.IsCancellationRequested:
                case OperationCanceledException _ when ct.IsCancellationRequested:
                    return Task.FromCanceled<T>(ct);
                case SqliteException sqlite:
                {
                    var mapped = Map(sqlite, action, ns);
                    mapped.Attempts = attempts;
                    return Task.FromException<T>(mapped);
                }
                default:
                    // VectorOpsException (validation), ObjectDisposedException, argument errors: as they are.
                    return Task.FromException<T>(exception);
            }
        }

        private VectorOpsException Map(SqliteException ex, string action, string? ns)
        {
            var where = ns is null ? $"local index '{Index}'" : $"namespace '{ns}' of local index '{Index}'";
            switch (ex.SqliteErrorCode)
            {
                case 5: // SQLITE_BUSY
                case 6: // SQLITE_LOCKED
                    return new VectorOpsException(ErrorIds.ProviderTimeout, VectorOpsErrorCategory.ResourceBusy,
                        $"Could not {action} in {where}: the store '{DatabasePath}' stayed locked by another writer for {BusyTimeoutMilliseconds / 1000.0:0.#} s.",
                        DatabasePath, ex) { IsTransient = true, ProviderCode = "SQLITE_BUSY" };
                case 8: // SQLITE_READONLY
                case 23: // SQLITE_AUTH
                    return new VectorOpsException(ErrorIds.ProviderPermissionDenied, VectorOpsErrorCategory.PermissionDenied,
                        $"Could not {action} in {where}: the store '{DatabasePath}' is read-only ({ex.Message}).", DatabasePath, ex)
                        { ProviderCode = "SQLITE_READONLY" };
                case 13: // SQLITE_FULL
                    return new VectorOpsException(ErrorIds.StoreFailed, VectorOpsErrorCategory.WriteError,
                        $"Could not {action} in {where}: the disk holding '{DatabasePath}' is full.", DatabasePath, ex) { ProviderCode = "SQLITE_FULL" };
                default:
                    return new VectorOpsException(ErrorIds.StoreFailed, VectorOpsErrorCategory.NotSpecified,
                        $"Could not {action} in {where} of store '{DatabasePath}': {ex.Message}", DatabasePath, ex)
                        { ProviderCode = "SQLITE_" + ex.SqliteErrorCode.ToString(CultureInfo.InvariantCulture) };
            }
        }

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            // Close this store's idle pooled connections so the file is released.
            using var c = new SqliteConnection(_connectionString);
            SqliteConnection.ClearPool(c);
        }

        // ---- async sequences -------------------------------------------------------------------------

        /// <summary>
        /// Pages of ids, each read when asked for, after the last id of the previous page (keyset paging: the
        /// store has no cursor to loop on). A short page is the last: the next would be empty, so it is not read.
        /// </summary>
        private async IAsyncEnumerable<IReadOnlyList<string>> PagesAsync(string ns, string? prefix, MetadataFilter? filter,
            [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            string? after = null;
            while (true)
            {
                var from = after;
                var page = await Run(cancellationToken, filter is null ? "list ids" : "find ids", ns,
                    () => Page(ns, prefix, filter, from, PageSize, cancellationToken)).ConfigureAwait(false);
                if (page.Count == 0) yield break;
                yield return page;
                if (page.Count < PageSize) yield break;
                after = page[page.Count - 1];
            }
        }
    }
}
