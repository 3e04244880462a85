using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Npgsql;
using NpgsqlTypes;
using VectorOps.Errors;
using VectorOps.Filtering;
using VectorOps.Model;
using VectorOps.Serialization;

namespace VectorOps.Providers.PgVector
{
    /// <summary>
    /// PostgreSQL with pgvector: one table (LangChain: its embedding table with the collection table beside it) in
    /// one of the layouts of <see cref="PgLayoutKind"/>, found in the catalog when connecting. Every call takes a
    /// pooled connection of its own data source (so concurrent calls are safe) and runs one statement, or one short
    /// transaction where a write needs two; writes are applied when they return (AsyncMutations false). Values are
    /// always parameters; names are checked (<see cref="PgIdentifiers"/>) and quoted. Vectors cross as pgvector text
    /// ('[1,2,3]'), so no type plugin has to load beside the module.
    /// </summary>
    public sealed partial class PgVectorProvider : IVectorProvider
    {
        public const string ProviderName = "PgVector";

        /// <summary>Ids per page of ListIdsAsync / FindIdsAsync.</summary>
        public const int PageSize = 1000;


        private readonly ConnectionSettings _settings;
        private readonly PgConnectionFactory _connection;
        private readonly NpgsqlDataSource _source;
        private PgLayout _layout = null!;
        private int? _maxIdLength;

        /// <summary>The longest id accepted, in UTF-8 bytes (below PostgreSQL's btree entry limit of about 2,700).</summary>
        public const int MaxIdBytes = 2048;
        private bool _disposed;

        private PgVectorProvider(ConnectionSettings settings, PgConnectionFactory connection, string index)
        {
            _settings = settings;
            _connection = connection;
            _source = connection.CreateDataSource();
            Index = index;
        }

        public string Name => ProviderName;

        /// <summary>The index as the user named it (-Index): the table, or for LlamaIndex the name data_&lt;index&gt; was made from.</summary>
        public string Index { get; }

        /// <summary>postgresql://user@host:port/database (never a password).</summary>
        public string Endpoint => _connection.Endpoint;

        /// <summary>The connection string as given, with its password masked.</summary>
        public string MaskedConnectionString => _connection.MaskedConnectionString;

        /// <summary>The table layout in use.</summary>
        public string Layout => _layout.Kind.ToString();

        /// <summary>schema.table of the records.</summary>
        public string Table => _layout.Describe();

        public string DefaultNamespace => _layout.IsLangChain ? PgLayout.LangChainDefaultNamespace : PgLayout.SingleNamespace;

        public ProviderCapabilities Capabilities { get; private set; } = new ProviderCapabilities();

        public RecordRules RecordRules { get; } = new RecordRules
        {
            ReadsIndexDimension = true,
            DenseValues = DenseValuesRule.Optional,
            SparseValues = false,
            MetadataNulls = MetadataNullRule.Keep,
            NestedMetadata = true,
            MetadataListsOfStringsOnly = false,
            MetadataTypes = "any JSON value (stored as jsonb)",
        };

        public override string ToString() => $"{ProviderName} {Endpoint} {_layout?.Describe() ?? Index}";

        // ---- opening ---------------------------------------------------------------------------------

        /// <summary>The registry's factory: settings checked, the TLS rule applied, the table and its layout read from the catalog.</summary>
        public static IVectorProvider Open(ConnectionSettings settings)
        {
            if (settings is null) throw new ArgumentNullException(nameof(settings));
            var descriptor = settings.Descriptor ?? PgVectorDescriptor.Descriptor;
            SettingDescriptor S(string name) => descriptor.Settings.First(s => string.Equals(s.Name, name, StringComparison.Ordinal));

            var layoutText = settings.Find<string>(PgVectorDescriptor.Layout) ?? nameof(PgLayoutKind.VectorOps);
            if (!Enum.TryParse<PgLayoutKind>(layoutText, ignoreCase: true, out var kind) || !Enum.IsDefined(typeof(PgLayoutKind), kind) ||
                layoutText.Any(char.IsDigit))
                throw new VectorOpsException(ErrorIds.InvalidSetting, VectorOpsErrorCategory.InvalidArgument,
                    $"'{PgIdentifiers.Printable(layoutText)}' is not a table layout; {settings.Names.Option(S(PgVectorDescriptor.Layout))} takes " +
                    string.Join(", ", PgVectorDescriptor.Layouts) + ".", layoutText);

            var columnSettings = new[] { PgVectorDescriptor.IdColumn, PgVectorDescriptor.NamespaceColumn, PgVectorDescriptor.MetadataColumn, PgVectorDescriptor.EmbeddingColumn };
            if (kind != PgLayoutKind.Custom)
            {
                var given = columnSettings.FirstOrDefault(n => settings[n] != null);
                if (given != null)
                    throw new VectorOpsException(ErrorIds.InvalidSetting, VectorOpsErrorCategory.InvalidArgument,
                        $"{settings.Names.Option(S(given))} names a column of the Custom layout, but the layout is {kind}, whose columns are fixed. " +
                        $"Leave it out, or pass {settings.Names.Option(S(PgVectorDescriptor.Layout))} Custom.", given);
            }

            var schema = settings.Find<string>(PgVectorDescriptor.Schema) ?? "public";
            PgIdentifiers.Check(schema, "schema name", ErrorIds.InvalidSetting);

            var index = settings.Index;
            if (string.IsNullOrEmpty(index))
            {
                if (kind == PgLayoutKind.LangChain) index = PgLayout.LangChainEmbeddingTable;
                else
                    throw new VectorOpsException(ErrorIds.MissingSetting, VectorOpsErrorCategory.InvalidArgument,
                        $"No table was named: pass {settings.Names.Option(Setting.Index)} with the table's name" +
                        (kind == PgLayoutKind.LlamaIndex ? " (LlamaIndex's table_name: the table is data_<name>)." : "."), "Index");
            }
            PgIdentifiers.Check(index, "index (table) name", ErrorIds.InvalidIndexName);
            var table = kind == PgLayoutKind.LlamaIndex ? "data_" + index!.ToLowerInvariant() : index!;
            PgIdentifiers.Check(table, "table name", ErrorIds.InvalidIndexName);

            string? idCol = null, nsCol = null, mdCol = null, embCol = null;
            if (kind == PgLayoutKind.Custom)
            {
                string? Col(string setting, string? fallback)
                {
                    var v = settings.Find<string>(setting) ?? fallback;
                    if (v != null) PgIdentifiers.Check(v, $"column name given with {settings.Names.Option(S(setting))}", ErrorIds.InvalidSetting);
                    return v;
                }
                idCol = Col(PgVectorDescriptor.IdColumn, "id");
                nsCol = Col(PgVectorDescriptor.NamespaceColumn, null);
                mdCol = Col(PgVectorDescriptor.MetadataColumn, "metadata");
                embCol = Col(PgVectorDescriptor.EmbeddingColumn, "embedding");
            }

            var connection = PgConnectionFactory.From(settings, S(PgVectorDescriptor.ConnectionString), S(PgVectorDescriptor.AllowUnencrypted));
            var provider = new PgVectorProvider(settings, connection, index!);
            try
            {
                Task.Run(() => provider.InitialiseAsync(kind, schema, table, idCol, nsCol, mdCol, embCol, settings.CreateIfMissing, CancellationToken.None))
                    .GetAwaiter().GetResult();
                if (settings.DefaultNamespace != null) provider.ValidateNamespace(settings.DefaultNamespace);
                return provider;
            }
            catch
            {
                provider.Dispose();
                throw;
            }
        }

        private async Task InitialiseAsync(PgLayoutKind kind, string schema, string table, string? idCol, string? nsCol, string? mdCol, string? embCol,
            bool create, CancellationToken ct)
        {
            NpgsqlConnection c;
            try
            {
                c = await _source.OpenConnectionAsync(ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsDriverFailure(ex, ct))
            {
                throw Map(ex, "connect", null, connecting: true);
            }
            await using (c)
            {
                try
                {
                    await InitialiseAsync(c, kind, schema, table, idCol, nsCol, mdCol, embCol, create, ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (IsDriverFailure(ex, ct))
                {
                    throw Map(ex, "read the table's layout", null, connecting: true);
                }
            }
        }

        private async Task InitialiseAsync(NpgsqlConnection c, PgLayoutKind kind, string schema, string table, string? idCol, string? nsCol, string? mdCol,
            string? embCol, bool create, CancellationToken ct)
        {
            var where = $"{schema}.{table} at {Endpoint}";
            string? extension;
            await using (var cmd = new NpgsqlCommand("SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'vector'", c))
                extension = await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false) as string;

            if (extension is null && !(create && kind == PgLayoutKind.VectorOps))
                throw new VectorOpsException(ErrorIds.ExtensionMissing, VectorOpsErrorCategory.NotInstalled,
                    $"The database at {Endpoint} does not have the pgvector extension ('vector'), so {schema}.{table} holds no vectors VectorOps can read. " +
                    "Install it as a user with the right to (CREATE EXTENSION vector;)" +
                    (kind == PgLayoutKind.VectorOps ? $", or connect with {_settings.Names.Option(Setting.Create)} to install it and create the table" : "") +
                    ", then connect again. Nothing was changed.", "vector");

            var columns = await PgLayout.ColumnsAsync(c, schema, table, ct).ConfigureAwait(false);
            if (columns.Count == 0)
            {
                if (create && kind != PgLayoutKind.VectorOps)
                    throw new VectorOpsException(ErrorIds.NotSupported, VectorOpsErrorCategory.InvalidArgument,
                        $"There is no table {schema}.{table} at {Endpoint}, and VectorOps creates tables only in its own layout (VectorOps): " +
                        $"{kind} tables are made by {kind} itself (or by you, for Custom). Nothing was created.", $"{schema}.{table}");
                if (!create)
                {
                    if (!await PgLayout.SchemaExistsAsync(c, schema, ct).ConfigureAwait(false))
                    {
                        var schemas = await PgLayout.SchemasAsync(c, ct).ConfigureAwait(false);
                        throw new VectorOpsException(ErrorIds.IndexNotFound, VectorOpsErrorCategory.ObjectNotFound,
                            $"There is no schema '{schema}' at {Endpoint}, so no table {schema}.{table}. " + NameSuggestions.Hint(schema, schemas, "schemas") +
                            $" Nothing was created. To create it, connect again with {_settings.Names.Option(Setting.Create)}.", $"{schema}.{table}");
                    }
                    var tables = await PgLayout.TablesAsync(c, schema, ct).ConfigureAwait(false);
                    throw new VectorOpsException(ErrorIds.IndexNotFound, VectorOpsErrorCategory.ObjectNotFound,
                        $"There is no table {schema}.{table} at {Endpoint}. " + NameSuggestions.Hint(table, tables, "tables") +
                        (kind == PgLayoutKind.LlamaIndex ? $" (LlamaIndex layout: {_settings.Names.Option(Setting.Index)} X means the table data_x.)" : "") +
                        $" Nothing was created. To create it, connect again with {_settings.Names.Option(Setting.Create)}.", $"{schema}.{table}");
                }
                await CreateAsync(c, schema, table, extension is null, ct).ConfigureAwait(false);
                extension = "created";
                columns = await PgLayout.ColumnsAsync(c, schema, table, ct).ConfigureAwait(false);
            }
            _layout = kind switch
            {
                PgLayoutKind.VectorOps => MatchVectorOps(schema, table, columns),
                PgLayoutKind.LangChain => await MatchLangChainAsync(c, schema, table, columns, ct).ConfigureAwait(false),
                PgLayoutKind.LlamaIndex => MatchLlamaIndex(schema, table, columns),
                _ => MatchCustom(schema, table, columns, idCol!, nsCol, mdCol!, embCol!),
            };
            _maxIdLength = _layout.Id.MaxLength;
            Capabilities = new ProviderCapabilities
            {
                MaxIdsPerDelete = MaxIdsPerDelete,
                MaxIdsPerFetch = 1000,
                MaxRecordsPerUpsert = 500,
                NativeFilterDelete = true,
                CountsFilterMatches = true,
                SupportsNamespaces = !_layout.SingleNamespaced,
                ListsNamespacesCheaply = true,
                NativeNamespaceClear = true,
                CanRemoveNamespace = _layout.IsLangChain,
                AsyncMutations = false,
                DeletesValidatedIds = true,
                DefaultConcurrency = 4,
            };
            Trace($"PgVector: connected to {where} ({_layout.Kind} layout; ids in {_layout.Id}, metadata in {_layout.Metadata}, vectors in {_layout.Embedding}" +
                  (_layout.IsLangChain ? $", collections in {_layout.CollectionTable}" + (_layout.LangChainCommunity ? ", langchain_community shape" : "") : "") + ").");
        }

        /// <summary>
        /// Most ids one DELETE carries: one text[] parameter, one statement. Measured on the test server (PGlite, PostgreSQL 18,
        /// 60,000 ids of a VectorOps table): 1,000 a batch 694 ms, 2,500 403 ms, 5,000 223 ms, 10,000 224 ms, 20,000 407 ms;
        /// past 5,000 a batch gains nothing and holds its row locks longer.
        /// </summary>
        public const int MaxIdsPerDelete = 5000;

        private async Task CreateAsync(NpgsqlConnection c, string schema, string table, bool needsExtension, CancellationToken ct)
        {
            var qs = PgIdentifiers.Quote(schema);
            var sql = new StringBuilder();
            if (needsExtension) sql.Append("CREATE EXTENSION IF NOT EXISTS vector;\n");
            sql.Append("CREATE SCHEMA IF NOT EXISTS ").Append(qs).Append(";\n");
            sql.Append("CREATE TABLE IF NOT EXISTS ").Append(qs).Append('.').Append(PgIdentifiers.Quote(table))
               .Append(" (namespace text NOT NULL DEFAULT 'default', id text NOT NULL, embedding vector, metadata jsonb, PRIMARY KEY (namespace, id));");
            await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
            foreach (var statement in sql.ToString().Split(new[] { ";\n" }, StringSplitOptions.RemoveEmptyEntries))
            {
                await using var cmd = new NpgsqlCommand(statement.TrimEnd(';'), c, tx);
                await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
            await tx.CommitAsync(ct).ConfigureAwait(false);
            Trace($"PgVector: created {schema}.{table} at {Endpoint}" + (needsExtension ? " (and the vector extension)." : "."));
        }

        // ---- layouts ---------------------------------------------------------------------------------

        private static string Guess(IReadOnlyList<PgColumn> columns)
        {
            bool Has(string n) => PgLayout.Column(columns, n) != null;
            if (Has("node_id") && Has("metadata_")) return "it looks like a LlamaIndex table (-Layout LlamaIndex)";
            if (Has("collection_id") && Has("cmetadata")) return "it looks like LangChain's embedding table (-Layout LangChain)";
            if (Has("namespace") && Has("id") && Has("metadata") && Has("embedding")) return "it looks like a VectorOps table";
            return "for a table of your own, name its columns with -Layout Custom";
        }

        private static PgLayout MatchVectorOps(string schema, string table, List<PgColumn> columns)
        {
            var expected = $"VectorOps layout expects {schema}.{table}(namespace text, id text, embedding vector, metadata jsonb)";
            var ns = PgLayout.Column(columns, "namespace");
            var id = PgLayout.Column(columns, "id");
            var emb = PgLayout.Column(columns, "embedding");
            var md = PgLayout.Column(columns, "metadata");
            var why = Problems((ns, "namespace", "text", c => c.IsText), (id, "id", "text", c => c.IsText),
                (emb, "embedding", "vector", c => c.IsVector), (md, "metadata", "jsonb or json", c => c.IsJson));
            if (why != null) throw PgLayout.Mismatch(schema, expected, PgLayout.Found(table, columns), why, "This is not a table VectorOps made: " + Guess(columns) + ".");
            return new PgLayout
            {
                Kind = PgLayoutKind.VectorOps, Schema = schema, Table = table, Id = id!, Namespace = ns, Embedding = emb!, Metadata = md!, UniqueIds = true,
            };
        }

        private static PgLayout MatchLlamaIndex(string schema, string table, List<PgColumn> columns)
        {
            var expected = $"LlamaIndex layout expects {schema}.{table}(id bigserial, text varchar, metadata_ jsonb, node_id varchar, embedding vector)";
            var id = PgLayout.Column(columns, "node_id");
            var emb = PgLayout.Column(columns, "embedding");
            var md = PgLayout.Column(columns, "metadata_");
            var text = PgLayout.Column(columns, "text");
            var why = Problems((id, "node_id", "varchar", c => c.IsText), (emb, "embedding", "vector", c => c.IsVector),
                (md, "metadata_", "jsonb or json", c => c.IsJson));
            if (why is null && text != null && !text.IsText) why = $"its text column is {text.Formatted}, not varchar";
            if (why != null) throw PgLayout.Mismatch(schema, expected, PgLayout.Found(table, columns), why, "This is not a LlamaIndex PGVectorStore table: " + Guess(columns) + ".");
            return new PgLayout
            {
                Kind = PgLayoutKind.LlamaIndex, Schema = schema, Table = table, Id = id!, Embedding = emb!, Metadata = md!, Document = text, UniqueIds = false,
            };
        }

        private static PgLayout MatchCustom(string schema, string table, List<PgColumn> columns, string idCol, string? nsCol, string mdCol, string embCol)
        {
            var expected = $"Custom layout expects {schema}.{table}({idCol} text" + (nsCol is null ? "" : $", {nsCol} text") + $", {mdCol} jsonb, {embCol} vector)";
            var id = PgLayout.Column(columns, idCol);
            var ns = nsCol is null ? null : PgLayout.Column(columns, nsCol);
            var md = PgLayout.Column(columns, mdCol);
            var emb = PgLayout.Column(columns, embCol);
            var checks = new List<(PgColumn?, string, string, Func<PgColumn, bool>)> { (id, idCol, "text or varchar", c => c.IsText) };
            if (nsCol != null) checks.Add((ns, nsCol, "text or varchar", c => c.IsText));
            checks.Add((md, mdCol, "jsonb or json", c => c.IsJson));
            checks.Add((emb, embCol, "vector", c => c.IsVector));
            var why = Problems(checks.ToArray());
            if (why != null) throw PgLayout.Mismatch(schema, expected, PgLayout.Found(table, columns), why,
                "Name the table's columns with -IdColumn, -NamespaceColumn, -MetadataColumn and -EmbeddingColumn.");
            return new PgLayout
            {
                Kind = PgLayoutKind.Custom, Schema = schema, Table = table, Id = id!, Namespace = ns, Embedding = emb!, Metadata = md!, UniqueIds = false,
            };
        }

        private static async Task<PgLayout> MatchLangChainAsync(NpgsqlConnection c, string schema, string table, List<PgColumn> columns, CancellationToken ct)
        {
            var expected = $"LangChain layout expects {schema}.{table}(id varchar, collection_id uuid, embedding vector, document varchar, cmetadata jsonb) " +
                           $"and {schema}.{PgLayout.LangChainCollectionTable}(uuid uuid, name varchar) (or langchain_community's older " +
                           $"{table}(uuid uuid, collection_id uuid, embedding vector, document varchar, cmetadata json, custom_id varchar))";
            var custom = PgLayout.Column(columns, "custom_id");
            var idColumn = PgLayout.Column(columns, "id");
            var community = custom != null && (idColumn is null || !idColumn.IsText);
            var id = community ? custom : idColumn;
            var uuid = PgLayout.Column(columns, "uuid");
            var collection = PgLayout.Column(columns, "collection_id");
            var emb = PgLayout.Column(columns, "embedding");
            var md = PgLayout.Column(columns, "cmetadata");
            var doc = PgLayout.Column(columns, "document");
            var checks = new List<(PgColumn?, string, string, Func<PgColumn, bool>)>
            {
                (id, community ? "custom_id" : "id", "varchar", x => x.IsText),
                (collection, "collection_id", "uuid", x => x.Type == "uuid"),
                (emb, "embedding", "vector", x => x.IsVector),
                (md, "cmetadata", "jsonb or json", x => x.IsJson),
            };
            if (community) checks.Add((uuid, "uuid", "uuid", x => x.Type == "uuid"));
            var why = Problems(checks.ToArray());
            if (why is null && doc != null && !doc.IsText) why = $"its document column is {doc.Formatted}, not varchar";
            if (why != null) throw PgLayout.Mismatch(schema, expected, PgLayout.Found(table, columns), why, "This is not LangChain's embedding table: " + Guess(columns) + ".");

            var collectionColumns = await PgLayout.ColumnsAsync(c, schema, PgLayout.LangChainCollectionTable, ct).ConfigureAwait(false);
            var cu = PgLayout.Column(collectionColumns, "uuid");
            var cn = PgLayout.Column(collectionColumns, "name");
            if (collectionColumns.Count == 0)
                throw PgLayout.Mismatch(schema, expected, PgLayout.Found(table, columns),
                    $"there is no {schema}.{PgLayout.LangChainCollectionTable} beside it", "LangChain makes both tables; connect to the schema that has them (-Schema).");
            var cwhy = Problems((cu, "uuid", "uuid", x => x.Type == "uuid"), (cn, "name", "varchar", x => x.IsText));
            if (cwhy != null)
                throw PgLayout.Mismatch(schema, expected, PgLayout.Found(PgLayout.LangChainCollectionTable, collectionColumns), cwhy, "This is not LangChain's collection table.");
            return new PgLayout
            {
                Kind = PgLayoutKind.LangChain, Schema = schema, Table = table, Id = id!, Embedding = emb!, Metadata = md!, Document = doc,
                CollectionTable = PgLayout.LangChainCollectionTable, LangChainCommunity = community, UniqueIds = !community,
            };
        }

        /// <summary>The first column missing or of the wrong type, in words; null when all fit.</summary>
        private static string? Problems(params (PgColumn? Column, string Name, string Want, Func<PgColumn, bool> Fits)[] checks)
        {
            var missing = checks.Where(x => x.Column is null).Select(x => x.Name).ToList();
            if (missing.Count > 0) return (missing.Count == 1 ? "it has no column " : "it has no columns ") + string.Join(", ", missing);
            var wrong = checks.Where(x => !x.Fits(x.Column!)).Select(x => $"{x.Name} is {x.Column!.Formatted}, not {x.Want}").ToList();
            return wrong.Count == 0 ? null : string.Join("; ", wrong);
        }

        // ---- validation ------------------------------------------------------------------------------

        /// <summary>Cheap (one pass over the characters): not empty, no NUL (PostgreSQL text cannot hold it), valid UTF-16, within a varchar(n) column's length.</summary>
        public void ValidateId(string id)
        {
            if (string.IsNullOrEmpty(id))
                throw new VectorOpsException(ErrorIds.InvalidId, VectorOpsErrorCategory.InvalidArgument, "A record id is empty; PostgreSQL ids here are non-empty text.", id);
            var problem = TextProblem(id);
            // An id over MaxIdBytes cannot be a key of a btree index (PostgreSQL's limit is about 2,700 bytes an
            // entry), so no such record can exist or be restored: refused before anything is sent, as every provider
            // refuses an id its service could never hold. Counted only when it could be that long (3 bytes a char).
            if (problem is null && id.Length > MaxIdBytes / 3 && System.Text.Encoding.UTF8.GetByteCount(id) is int bytes && bytes > MaxIdBytes)
                problem = $"is {bytes} bytes long in UTF-8, more than the {MaxIdBytes} an indexed id can hold";
            if (problem is null && _maxIdLength is int max && id.Length > max)
            {
                var chars = CodePoints(id);
                if (chars > max) problem = $"is {chars} characters long, more than the {max} of column {_layout.Id}";
            }
            if (problem != null)
                throw new VectorOpsException(ErrorIds.InvalidId, VectorOpsErrorCategory.InvalidArgument,
                    $"The record id '{PgIdentifiers.Printable(id)}' cannot be stored in {_layout.Describe()}: it {problem}.", id);
        }

        public void ValidateNamespace(string @namespace)
        {
            var problem = string.IsNullOrEmpty(@namespace) ? "is empty" : @namespace.Trim().Length == 0 ? "is blank" : TextProblem(@namespace);
            if (problem != null)
                throw new VectorOpsException(ErrorIds.InvalidNamespace, VectorOpsErrorCategory.InvalidArgument,
                    $"The namespace '{PgIdentifiers.Printable(@namespace)}' is not valid for {_layout.Describe()}: it {problem}.", @namespace);
        }

        private static string? TextProblem(string text)
        {
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (c == '\0') return $"contains a NUL character at position {i} (PostgreSQL text cannot hold it)";
                if (char.IsHighSurrogate(c))
                {
                    if (i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1])) return $"contains an unpaired surrogate at position {i} (not valid Unicode)";
                    i++;
                }
                else if (char.IsLowSurrogate(c)) return $"contains an unpaired surrogate at position {i} (not valid Unicode)";
            }
            return null;
        }

        private static int CodePoints(string s)
        {
            var n = 0;
            for (var i = 0; i < s.Length; i++)
            {
                if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) i++;
                n++;
            }
            return n;
        }

        private void CheckIds(IReadOnlyList<string> ids, int cap, string what, bool validate)
        {
            if (ids is null) throw new ArgumentNullException(nameof(ids));
            if (ids.Count > cap)
                throw new VectorOpsException(ErrorIds.InvalidArgument, VectorOpsErrorCategory.InvalidArgument,
                    $"{ids.Count} ids in one {what}; {ProviderName} takes at most {cap}.", ids.Count);
            if (validate) foreach (var id in ids) ValidateId(id);
        }

        private static void CheckPrefix(string prefix)
        {
            var problem = TextProblem(prefix);
            if (problem != null)
                throw new VectorOpsException(ErrorIds.InvalidPrefix, VectorOpsErrorCategory.InvalidArgument,
                    $"The id prefix '{PgIdentifiers.Printable(prefix)}' cannot match an id: it {problem}.", prefix);
        }

        // ---- SQL pieces ------------------------------------------------------------------------------

        /// <summary>Positional parameters ($1, $2, ...) and their values: the only way a value reaches the server.</summary>
        private sealed class Sql
        {
            public readonly List<NpgsqlParameter> Parameters = new List<NpgsqlParameter>();

            public string Add(object? value, NpgsqlDbType type)
            {
                Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value, NpgsqlDbType = type });
                return "$" + Parameters.Count.ToString(CultureInfo.InvariantCulture);
            }

            public string Text(string value) => Add(value, NpgsqlDbType.Text);

            public string TextArray(IEnumerable<string?> values) => Add(values.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text);
        }

        private string Q(PgColumn c) => _layout.Q(c);

        private string CollectionUuid => "t." + PgIdentifiers.Quote("collection_id");

        /// <summary>The condition that keeps a row of namespace <paramref name="ns"/> (its parameter already added); null: the namespace cannot exist here.</summary>
        private string? Scope(string ns, Sql sql)
        {
            if (_layout.IsLangChain)
                return $"{CollectionUuid} IN (SELECT c.\"uuid\" FROM {_layout.QualifiedCollectionTable} AS c WHERE c.\"name\" = {sql.Text(ns)})";
            if (_layout.Namespace != null) return $"{Q(_layout.Namespace)} = {sql.Text(ns)}";
            return string.Equals(ns, PgLayout.SingleNamespace, StringComparison.Ordinal) ? $"{Q(_layout.Id)} IS NOT NULL" : null;
        }

        private string FilterSql(MetadataFilter filter, Sql sql)
        {
            try
            {
                return "(" + PgFilterSql.Where(filter, _layout.MetadataJsonb, sql.Parameters) + ")";
            }
            catch (ArgumentException ex)
            {
                throw new VectorOpsException(ErrorIds.InvalidFilterOperand, VectorOpsErrorCategory.InvalidArgument,
                    "The filter cannot be sent to PostgreSQL: " + ex.Message, filter.Json, ex);
            }
        }

        private static NpgsqlCommand Command(NpgsqlConnection c, string text, Sql sql, NpgsqlTransaction? tx = null)
        {
            var cmd = new NpgsqlCommand(text, c, tx);
            foreach (var p in sql.Parameters) cmd.Parameters.Add(p);
            return cmd;
        }

        // ---- writes ----------------------------------------------------------------------------------

        public Task<ProviderWriteResult> DeleteByIdsAsync(string @namespace, IReadOnlyList<string> ids, CancellationToken cancellationToken) =>
            DeleteIds(@namespace, ids, validate: true, cancellationToken);

        public Task<ProviderWriteResult> DeleteValidatedIdsAsync(string @namespace, IReadOnlyList<string> ids, CancellationToken cancellationToken) =>
            DeleteIds(@namespace, ids, validate: false, cancellationToken);

        private Task<ProviderWriteResult> DeleteIds(string ns, IReadOnlyList<string> ids, bool validate, CancellationToken ct) =>
            Run("delete by id", ns, ct, async c =>
            {
                ValidateNamespace(ns);
                CheckIds(ids, Capabilities.MaxIdsPerDelete, "delete", validate);
                if (ids.Count == 0) return Written(0);
                var sql = new Sql();
                var scope = Scope(ns, sql);
                if (scope is null) return Written(0);
                var clock = Stopwatch.StartNew();
                var text = $"DELETE FROM {_layout.QualifiedTable} AS t WHERE {scope} AND {Q(_layout.Id)} = ANY({sql.TextArray(ids)})";
                await using var cmd = Command(c, text, sql);
                long deleted = await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                Trace($"PgVector '{_layout.Describe()}/{ns}': deleted {deleted} of {ids.Count} id(s) in {clock.ElapsedMilliseconds} ms.");
                return Written(deleted);
            });

        public Task<ProviderWriteResult> DeleteByFilterAsync(string @namespace, MetadataFilter filter, CancellationToken cancellationToken) =>
            Run("delete by filter", @namespace, cancellationToken, async c =>
            {
                ValidateNamespace(@namespace);
                if (filter is null) throw new ArgumentNullException(nameof(filter));
                var sql = new Sql();
                var scope = Scope(@namespace, sql);
                if (scope is null) return Written(0);
                var where = FilterSql(filter, sql);
                var clock = Stopwatch.StartNew();
                await using var cmd = Command(c, $"DELETE FROM {_layout.QualifiedTable} AS t WHERE {scope} AND {where}", sql);
                long deleted = await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                Trace($"PgVector '{_layout.Describe()}/{@namespace}': deleted {deleted} record(s) matching {filter.Json} in {clock.ElapsedMilliseconds} ms.");
                return Written(deleted);
            });

        public Task<ProviderWriteResult> ClearNamespaceAsync(string @namespace, bool removeNamespace, CancellationToken cancellationToken) =>
            Run("clear namespace", @namespace, cancellationToken, async c =>
            {
                ValidateNamespace(@namespace);
                if (removeNamespace && !Capabilities.CanRemoveNamespace)
                    throw Kit.Optional.NotSupported(ProviderName, "removing a namespace of a " + _layout.Kind + " table (a namespace is only its rows)",
                        nameof(ProviderCapabilities.CanRemoveNamespace), "clear its records instead.", @namespace);
                var sql = new Sql();
                var scope = Scope(@namespace, sql);
                if (scope is null) return Written(0);
                await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                long deleted;
                await using (var cmd = Command(c, $"DELETE FROM {_layout.QualifiedTable} AS t WHERE {scope}", sql, tx))
                    deleted = await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                var removed = 0;
                if (removeNamespace)
                {
                    var s2 = new Sql();
                    await using var cmd = Command(c, $"DELETE FROM {_layout.QualifiedCollectionTable} WHERE \"name\" = {s2.Text(@namespace)}", s2, tx);
                    removed = await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
                await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
                Trace($"PgVector '{_layout.Describe()}/{@namespace}': cleared {deleted} record(s)" + (removed > 0 ? " and removed the collection." : "."));
                return Written(deleted);
            });

        public Task<ProviderWriteResult> UpsertAsync(string @namespace, IReadOnlyList<VectorRecord> records, CancellationToken cancellationToken) =>
            Run("upsert", @namespace, cancellationToken, async c =>
            {
                ValidateNamespace(@namespace);
                if (records is null) throw new ArgumentNullException(nameof(records));
                if (records.Count > Capabilities.MaxRecordsPerUpsert)
                    throw new VectorOpsException(ErrorIds.InvalidArgument, VectorOpsErrorCategory.InvalidArgument,
                        $"{records.Count} records in one upsert; {ProviderName} takes at most {Capabilities.MaxRecordsPerUpsert}.", records.Count);
                if (_layout.SingleNamespaced && !string.Equals(@namespace, PgLayout.SingleNamespace, StringComparison.Ordinal))
                    throw new VectorOpsException(ErrorIds.InvalidNamespace, VectorOpsErrorCategory.InvalidArgument,
                        $"{_layout.Describe()} has one namespace, '{PgLayout.SingleNamespace}' (no namespace column); records cannot be written to '{@namespace}'.", @namespace);

                // Everything encoded before the statement: a bad record writes nothing. A later record of the same id wins.
                var rows = new Dictionary<string, (string? Embedding, string? Metadata, string? Document)>(StringComparer.Ordinal);
                var order = new List<string>();
                foreach (var r in records)
                {
                    var row = Encode(r);
                    if (!rows.ContainsKey(r.Id)) order.Add(r.Id);
                    rows[r.Id] = row;
                }
                if (order.Count == 0) return Written(0);
                if (_layout.Document is null && records.Any(r => r?.Document != null))
                    Trace($"PgVector '{_layout.Describe()}': the table has no document column; the documents of this batch's records are not stored.");

                var clock = Stopwatch.StartNew();
                await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                if (_layout.IsLangChain)
                {
                    var s = new Sql();
                    var name = s.Text(@namespace);
                    var uuid = s.Add(Guid.NewGuid(), NpgsqlDbType.Uuid);
                    var coll = _layout.QualifiedCollectionTable;
                    await using var ensure = Command(c,
                        $"INSERT INTO {coll} (\"uuid\", \"name\") SELECT {uuid}, {name} WHERE NOT EXISTS (SELECT 1 FROM {coll} WHERE \"name\" = {name}) ON CONFLICT DO NOTHING", s, tx);
                    if (await ensure.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0)
                        Trace($"PgVector '{_layout.Describe()}': created the collection '{@namespace}'.");
                }
                var sql = new Sql();
                var ns = sql.Text(@namespace);
                var ids = sql.TextArray(order);
                var embs = sql.TextArray(order.Select(i => rows[i].Embedding));
                var mds = sql.TextArray(order.Select(i => rows[i].Metadata));
                var docs = sql.TextArray(order.Select(i => rows[i].Document));
                await using (var cmd = Command(c, UpsertSql(ns, ids, embs, mds, docs), sql, tx))
                    await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
                Trace($"PgVector '{_layout.Describe()}/{@namespace}': upserted {order.Count} record(s) in {clock.ElapsedMilliseconds} ms.");
                return Written(order.Count);
            });

        /// <summary>
        /// One statement: VectorOps tables by INSERT ... ON CONFLICT (namespace, id); the others (whose id need not
        /// be unique) update the rows of the namespace with those ids, then insert the ids no row had.
        /// </summary>
        private string UpsertSql(string ns, string ids, string embs, string mds, string docs)
        {
            var L = _layout;
            string Col(PgColumn col) => PgIdentifiers.Quote(col.Name);
            var input = $"unnest({ids}::text[], {embs}::text[], {mds}::text[], {docs}::text[]) AS u(id, e, m, d)";
            if (L.Kind == PgLayoutKind.VectorOps)
                return $"INSERT INTO {L.QualifiedTable} AS t ({Col(L.Namespace!)}, {Col(L.Id)}, {Col(L.Embedding)}, {Col(L.Metadata)}) " +
                       $"SELECT {ns}, u.id, u.e::vector, u.m{L.MetadataCast} FROM {input} " +
                       $"ON CONFLICT ({Col(L.Namespace!)}, {Col(L.Id)}) DO UPDATE SET {Col(L.Embedding)} = EXCLUDED.{Col(L.Embedding)}, {Col(L.Metadata)} = EXCLUDED.{Col(L.Metadata)}";

            string scope;
            if (L.IsLangChain) scope = $"{CollectionUuid} IN (SELECT c.\"uuid\" FROM {L.QualifiedCollectionTable} AS c WHERE c.\"name\" = {ns})";
            else if (L.Namespace != null) scope = $"{Q(L.Namespace)} = {ns}";
            else scope = "TRUE";

            var set = new List<string> { $"{Col(L.Embedding)} = u.e::vector", $"{Col(L.Metadata)} = u.m{L.MetadataCast}" };
            if (L.Document != null) set.Add($"{Col(L.Document)} = COALESCE(u.d, t.{Col(L.Document)})");

            var columns = new List<string> { Col(L.Id), Col(L.Embedding), Col(L.Metadata) };
            var values = new List<string> { "u.id", "u.e::vector", "u.m" + L.MetadataCast };
            if (L.Document != null)
            {
                columns.Add(Col(L.Document));
                values.Add(L.Document.NotNull ? "COALESCE(u.d, '')" : "u.d");
            }
            if (L.Namespace != null)
            {
                columns.Add(Col(L.Namespace));
                values.Add(ns);
            }
            if (L.IsLangChain)
            {
                columns.Add("\"collection_id\"");
                values.Add($"(SELECT c.\"uuid\" FROM {L.QualifiedCollectionTable} AS c WHERE c.\"name\" = {ns} LIMIT 1)");
                if (L.LangChainCommunity)
                {
                    columns.Add("\"uuid\"");
                    values.Add("gen_random_uuid()");
                }
            }
            return $"WITH u AS (SELECT * FROM {input}), " +
                   $"upd AS (UPDATE {L.QualifiedTable} AS t SET {string.Join(", ", set)} FROM u WHERE {Q(L.Id)} = u.id AND {scope} RETURNING {Q(L.Id)} AS rid) " +
                   $"INSERT INTO {L.QualifiedTable} ({string.Join(", ", columns)}) SELECT {string.Join(", ", values)} FROM u " +
                   "WHERE NOT EXISTS (SELECT 1 FROM upd WHERE upd.rid = u.id)";
        }

        private (string? Embedding, string? Metadata, string? Document) Encode(VectorRecord? r)
        {
            if (r is null)
                throw new VectorOpsException(ErrorIds.InvalidRecord, VectorOpsErrorCategory.InvalidArgument, "A record is null.", null);
            ValidateId(r.Id);
            if (r.SparseValues != null)
                throw new VectorOpsException(ErrorIds.InvalidRecord, VectorOpsErrorCategory.InvalidArgument,
                    $"Record '{PgIdentifiers.Printable(r.Id)}' has sparse values; a pgvector column of type vector holds dense values only.", r.Id);
            string? embedding = null;
            if (r.Values != null)
            {
                if (r.Values.Length == 0)
                    throw new VectorOpsException(ErrorIds.InvalidRecord, VectorOpsErrorCategory.InvalidArgument,
                        $"Record '{PgIdentifiers.Printable(r.Id)}' has an empty values array; give values or leave them out.", r.Id);
                if (_layout.Embedding.Dimension is int dim && dim != r.Values.Length)
                    throw new VectorOpsException(ErrorIds.InvalidRecord, VectorOpsErrorCategory.InvalidArgument,
                        $"Record '{PgIdentifiers.Printable(r.Id)}' has {r.Values.Length} values but column {_layout.Embedding} holds {dim}; nothing of this batch was written.", r.Id);
                embedding = FormatVector(r.Id, r.Values);
            }
            string? metadata = null, document = null;
            if (r.Document != null && _layout.Document != null)
            {
                if (TextProblem(r.Document) is string p)
                    throw new VectorOpsException(ErrorIds.InvalidRecord, VectorOpsErrorCategory.InvalidArgument,
                        $"The document of record '{PgIdentifiers.Printable(r.Id)}' {p}.", r.Id);
                document = r.Document;
            }
            if (r.Metadata != null)
            {
                var md = r.Metadata;
                try
                {
                    metadata = RecordJson.MetadataToJson(md);
                }
                catch (Exception ex) when (ex is ArgumentException || ex is InvalidOperationException || ex is FormatException)
                {
                    throw new VectorOpsException(ErrorIds.InvalidRecord, VectorOpsErrorCategory.InvalidArgument,
                        $"The metadata of record '{PgIdentifiers.Printable(r.Id)}' cannot be stored as JSON: {ex.Message}", r.Id, ex);
                }
                if (metadata.Contains("\\u0000", StringComparison.Ordinal))
                    throw new VectorOpsException(ErrorIds.InvalidRecord, VectorOpsErrorCategory.InvalidArgument,
                        $"The metadata of record '{PgIdentifiers.Printable(r.Id)}' holds a NUL character, which jsonb cannot store.", r.Id);
            }
            return (embedding, metadata, document);
        }

        /// <summary>pgvector's text form, '[1,2.5,-3]', shortest round-trip floats.</summary>
        internal static string FormatVector(string id, float[] values)
        {
            var sb = new StringBuilder(values.Length * 10 + 2).Append('[');
            for (var i = 0; i < values.Length; i++)
            {
                var v = values[i];
                if (float.IsNaN(v) || float.IsInfinity(v))
                    throw new VectorOpsException(ErrorIds.InvalidRecord, VectorOpsErrorCategory.InvalidArgument,
                        $"Record '{PgIdentifiers.Printable(id)}' has a value that is not a finite number ({v.ToString(CultureInfo.InvariantCulture)}) at position {i}.", id);
                if (i > 0) sb.Append(',');
                sb.Append(v.ToString("R", CultureInfo.InvariantCulture));
            }
            return sb.Append(']').ToString();
        }

        /// <summary>pgvector's text form back to floats.</summary>
        internal static float[] ParseVector(string text)
        {
            var inner = text.Trim().TrimStart('[').TrimEnd(']');
            if (inner.Length == 0) return Array.Empty<float>();
            var parts = inner.Split(',');
            var values = new float[parts.Length];
            for (var i = 0; i < parts.Length; i++) values[i] = float.Parse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture);
            return values;
        }

        private static ProviderWriteResult Written(long count) => new ProviderWriteResult { AffectedCount = count, Applied = true, Attempts = 1 };

        // ---- reads -----------------------------------------------------------------------------------

        public IAsyncEnumerable<IReadOnlyList<string>> ListIdsAsync(string @namespace, string? prefix, CancellationToken cancellationToken)
        {
            ValidateNamespace(@namespace);
            var p = string.IsNullOrEmpty(prefix) ? null : prefix;
            if (p != null) CheckPrefix(p);
            return PagesAsync(@namespace, p, null, cancellationToken);
        }

        public IAsyncEnumerable<IReadOnlyList<string>> FindIdsAsync(string @namespace, MetadataFilter filter, CancellationToken cancellationToken)
        {
            ValidateNamespace(@namespace);
            if (filter is null) throw new ArgumentNullException(nameof(filter));
            return PagesAsync(@namespace, null, filter, cancellationToken);
        }

        /// <summary>Keyset pages (id &gt; the last one, in id order): a page never skips or repeats an id however many rows are deleted between pages.</summary>
        private async IAsyncEnumerable<IReadOnlyList<string>> PagesAsync(string ns, string? prefix, MetadataFilter? filter,
            [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            string? after = null;
            while (true)
            {
                var from = after;
                var page = await Run(filter is null ? "list ids" : "find ids", ns, cancellationToken, c => Page(c, ns, prefix, filter, from, PageSize, cancellationToken))
                    .ConfigureAwait(false);
                if (page.Count == 0) yield break;
                yield return page;
                if (page.Count < PageSize) yield break;
                after = page[page.Count - 1];
            }
        }

        internal async Task<IReadOnlyList<string>> Page(NpgsqlConnection c, string ns, string? prefix, MetadataFilter? filter, string? after, int size, CancellationToken ct)
        {
            var ids = new List<string>();
            var sql = new Sql();
            var scope = Scope(ns, sql);
            if (scope is null) return ids;
            var id = Q(_layout.Id);
            var text = new StringBuilder(_layout.UniqueIds ? "SELECT " : "SELECT DISTINCT ").Append(id)
                .Append(" FROM ").Append(_layout.QualifiedTable).Append(" AS t WHERE ").Append(scope);
            if (after != null) text.Append(" AND ").Append(id).Append(" > ").Append(sql.Text(after));
            if (prefix != null)
            {
                // left() compares the leading characters exactly: % _ \ in the prefix are plain text, nothing to escape.
                var p = sql.Text(prefix);
                text.Append(" AND left(").Append(id).Append(", length(").Append(p).Append(")) = ").Append(p);
            }
            if (filter != null) text.Append(" AND ").Append(FilterSql(filter, sql));
            text.Append(" ORDER BY ").Append(id).Append(" LIMIT ").Append(sql.Add(size, NpgsqlDbType.Integer));
            await using var cmd = Command(c, text.ToString(), sql);
            await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await r.ReadAsync(ct).ConfigureAwait(false)) ids.Add(r.GetString(0));
            return ids;
        }

        public Task<long> CountAsync(string @namespace, MetadataFilter filter, CancellationToken cancellationToken) =>
            Run("count", @namespace, cancellationToken, async c =>
            {
                ValidateNamespace(@namespace);
                if (filter is null) throw new ArgumentNullException(nameof(filter));
                var sql = new Sql();
                var scope = Scope(@namespace, sql);
                if (scope is null) return 0L;
                var where = FilterSql(filter, sql);
                await using var cmd = Command(c, $"SELECT count(*) FROM {_layout.QualifiedTable} AS t WHERE {scope} AND {where}", sql);
                return Convert.ToInt64(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            });

        public Task<IReadOnlyList<VectorRecord>> FetchAsync(string @namespace, IReadOnlyList<string> ids, CancellationToken cancellationToken) =>
            Run<IReadOnlyList<VectorRecord>>("fetch", @namespace, cancellationToken, async c =>
            {
                ValidateNamespace(@namespace);
                CheckIds(ids, Capabilities.MaxIdsPerFetch, "fetch", validate: true);
                var result = new List<VectorRecord>(ids.Count);
                if (ids.Count == 0) return result;
                var sql = new Sql();
                var scope = Scope(@namespace, sql);
                if (scope is null) return result;
                var L = _layout;
                var text = $"SELECT {Q(L.Id)}, {Q(L.Embedding)}::text, {Q(L.Metadata)}::text" + (L.Document != null ? $", {Q(L.Document)}" : "") +
                           $" FROM {L.QualifiedTable} AS t WHERE {scope} AND {Q(L.Id)} = ANY({sql.TextArray(ids)})";
                var found = new Dictionary<string, VectorRecord>(StringComparer.Ordinal);
                await using (var cmd = Command(c, text, sql))
                await using (var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                {
                    while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        var id = r.GetString(0);
                        if (found.ContainsKey(id)) continue; // a table without a unique id: the first row
                        var record = new VectorRecord(id) { Namespace = @namespace };
                        if (!r.IsDBNull(1)) record.Values = ParseVector(r.GetString(1));
                        if (!r.IsDBNull(2))
                        {
                            using var doc = JsonDocument.Parse(r.GetString(2));
                            if (doc.RootElement.ValueKind == JsonValueKind.Object) record.Metadata = RecordJson.ReadMetadata(doc.RootElement);
                            else
                                Trace($"PgVector '{L.Describe()}': the metadata of '{id}' is JSON {doc.RootElement.ValueKind}, not an object; it is not read.");
                        }
                        // A NOT NULL text column holds '' where a record came without a document (the upsert writes
                        // that): read back as no document, so what was written is what is read.
                        if (L.Document != null && !r.IsDBNull(3) && !(L.Document.NotNull && r.GetString(3).Length == 0)) record.Document = r.GetString(3);
                        found[id] = record;
                    }
                }
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var id in ids)
                    if (seen.Add(id) && found.TryGetValue(id, out var rec)) result.Add(rec);
                return result;
            });

        public async IAsyncEnumerable<NamespaceInfo> ListNamespacesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            var all = await Run("list namespaces", null, cancellationToken, c => Namespaces(c, cancellationToken)).ConfigureAwait(false);
            foreach (var ns in all) yield return ns;
        }

        private async Task<List<NamespaceInfo>> Namespaces(NpgsqlConnection c, CancellationToken ct)
        {
            var L = _layout;
            string text;
            if (L.IsLangChain)
                text = $"SELECT c.\"name\", count({CollectionUuid}) FROM {L.QualifiedCollectionTable} AS c " +
                       $"LEFT JOIN {L.QualifiedTable} AS t ON {CollectionUuid} = c.\"uuid\" WHERE c.\"name\" IS NOT NULL GROUP BY c.\"name\" ORDER BY c.\"name\"";
            else if (L.Namespace != null)
                text = $"SELECT {Q(L.Namespace)}, count(*) FROM {L.QualifiedTable} AS t WHERE {Q(L.Namespace)} IS NOT NULL GROUP BY 1 ORDER BY 1";
            else
                text = $"SELECT '{PgLayout.SingleNamespace}', count(*) FROM {L.QualifiedTable} AS t WHERE {Q(L.Id)} IS NOT NULL";
            var list = new List<NamespaceInfo>();
            await using var cmd = new NpgsqlCommand(text, c);
            await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await r.ReadAsync(ct).ConfigureAwait(false)) list.Add(new NamespaceInfo(Name, Index, r.GetString(0), r.GetInt64(1)));
            return list;
        }

        public Task<IndexStats> GetStatsAsync(CancellationToken cancellationToken) =>
            Run("read statistics", null, cancellationToken, async c =>
            {
                var namespaces = await Namespaces(c, cancellationToken).ConfigureAwait(false);
                var dimension = _layout.Embedding.Dimension;
                if (dimension is null)
                {
                    await using var cmd = new NpgsqlCommand(
                        $"SELECT vector_dims({Q(_layout.Embedding)}) FROM {_layout.QualifiedTable} AS t WHERE {Q(_layout.Embedding)} IS NOT NULL LIMIT 1", c);
                    var v = await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                    if (v != null && !(v is DBNull)) dimension = Convert.ToInt32(v, CultureInfo.InvariantCulture);
                }
                return new IndexStats
                {
                    Provider = Name,
                    Index = Index,
                    Dimension = dimension,
                    TotalRecordCount = namespaces.Sum(n => n.RecordCount ?? 0),
                    Namespaces = namespaces,
                };
            });

        public Task<IReadOnlyList<VectorMutation>> GetAppliedAsync(IReadOnlyList<VectorMutation> pending, CancellationToken cancellationToken)
        {
            // Writes are applied before they return.
            if (cancellationToken.IsCancellationRequested) return Task.FromCanceled<IReadOnlyList<VectorMutation>>(cancellationToken);
            return Task.FromResult<IReadOnlyList<VectorMutation>>((pending ?? Array.Empty<VectorMutation>()).ToList());
        }

        // ---- running and errors ----------------------------------------------------------------------

        private async Task<T> Run<T>(string action, string? ns, CancellationToken ct, Func<NpgsqlConnection, Task<T>> work)
        {
            if (_disposed) throw new ObjectDisposedException(nameof(PgVectorProvider), "This PostgreSQL connection was closed (Disconnect-VectorIndex).");
            ct.ThrowIfCancellationRequested();
            try
            {
                await using var c = await _source.OpenConnectionAsync(ct).ConfigureAwait(false);
                return await work(c).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsDriverFailure(ex, ct))
            {
                throw Map(ex, action, ns, connecting: false);
            }
        }

        private static bool IsDriverFailure(Exception ex, CancellationToken ct) =>
            !(ex is VectorOpsException) && !(ex is OperationCanceledException && ct.IsCancellationRequested) &&
            (ex is NpgsqlException || ex is TimeoutException || ex is System.IO.IOException || ex is System.Net.Sockets.SocketException ||
             ex is OperationCanceledException || (ex is InvalidOperationException && ex.InnerException is NpgsqlException));

        /// <summary>A driver or server failure as a VectorOpsException: host and port in the message, never a password.</summary>
        private VectorOpsException Map(Exception ex, string action, string? ns, bool connecting)
        {
            var where = _layout is null ? Endpoint : ns is null ? $"{_layout.Describe()} at {Endpoint}" : $"namespace '{ns}' of {_layout.Describe()} at {Endpoint}";
            string Say(string what) => _connection.Scrub($"Could not {action} ({where}): {what}");
            if (ex is PostgresException pg)
            {
                var text = pg.SqlState + " " + pg.MessageText;
                var code = pg.SqlState;
                VectorOpsException E(string id, VectorOpsErrorCategory cat, bool transient = false) =>
                    new VectorOpsException(id, cat, Say(text), Endpoint, ex) { ProviderCode = code, IsTransient = transient };
                switch (code)
                {
                    case "28P01":
                    case "28000":
                        return E(ErrorIds.ProviderAuthenticationFailed, VectorOpsErrorCategory.AuthenticationError);
                    case "42501":
                        return E(ErrorIds.ProviderPermissionDenied, VectorOpsErrorCategory.PermissionDenied);
                    case "3D000":
                    case "42P01":
                    case "42703":
                    case "3F000":
                        return E(ErrorIds.ProviderNotFound, VectorOpsErrorCategory.ObjectNotFound);
                    case "40001":
                    case "40P01":
                    case "55P03":
                        return E(ErrorIds.ProviderConflict, VectorOpsErrorCategory.ResourceBusy, transient: true);
                    case "57014":
                        return E(ErrorIds.ProviderTimeout, VectorOpsErrorCategory.OperationTimeout, transient: true);
                }
                if (code.StartsWith("23", StringComparison.Ordinal)) return E(ErrorIds.ProviderConflict, VectorOpsErrorCategory.InvalidOperation);
                if (code.StartsWith("22", StringComparison.Ordinal)) return E(ErrorIds.ProviderBadRequest, VectorOpsErrorCategory.InvalidData);
                if (code.StartsWith("08", StringComparison.Ordinal) || code.StartsWith("57P", StringComparison.Ordinal))
                    return E(ErrorIds.ProviderUnreachable, VectorOpsErrorCategory.ConnectionError, transient: true);
                if (code.StartsWith("53", StringComparison.Ordinal)) return E(ErrorIds.ProviderServerError, VectorOpsErrorCategory.ResourceUnavailable, transient: true);
                return E(ErrorIds.ProviderServerError, VectorOpsErrorCategory.NotSpecified);
            }
            var timeout = ex is TimeoutException || ex.InnerException is TimeoutException || ex is OperationCanceledException;
            if (timeout)
                return new VectorOpsException(ErrorIds.ProviderTimeout, VectorOpsErrorCategory.OperationTimeout,
                    Say("no answer in time" + (connecting ? " (Timeout in the connection string sets the wait)." : " (Command Timeout in the connection string, or -TimeoutSec).")),
                    Endpoint, ex) { IsTransient = true };
            var network = ex.InnerException is System.Net.Sockets.SocketException || ex is System.Net.Sockets.SocketException ||
                          ex.InnerException is System.IO.IOException || ex is System.IO.IOException || connecting;
            return new VectorOpsException(network ? ErrorIds.ProviderUnreachable : ErrorIds.ProviderServerError,
                network ? VectorOpsErrorCategory.ConnectionError : VectorOpsErrorCategory.NotSpecified,
                Say(Innermost(ex)), Endpoint, ex) { IsTransient = network };
        }

        private static string Innermost(Exception ex)
        {
            var parts = new List<string>();
            for (var e = ex; e != null && parts.Count < 3; e = e.InnerException)
                if (!parts.Contains(e.Message)) parts.Add(e.Message);
            return string.Join(": ", parts);
        }

        private void Trace(string message)
        {
            var trace = _settings.Trace;
            if (trace is null) return;
            try
            {
                trace(_connection.Scrub(message));
            }
            catch (Exception)
            {
                // A trace sink that cannot take the message never fails the operation.
            }
        }

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            _source.Dispose();
        }
    }
}
