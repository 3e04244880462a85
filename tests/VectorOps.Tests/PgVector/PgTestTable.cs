using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Npgsql;
using NpgsqlTypes;
using VectorOps.Emulators.PgLite;

namespace VectorOps.Tests.PgVector
{
    /// <summary>The table layouts the provider reads (its -Layout values).</summary>
    public enum PgTableLayout
    {
        VectorOps,
        LangChain,
        LlamaIndex,
        Custom,
    }

    /// <summary>One record as the tests seed it with raw SQL (not through the provider).</summary>
    public sealed class PgRow
    {
        public PgRow(string id, float[] embedding, string? metadataJson = null, string? document = null)
        {
            Id = id;
            Embedding = embedding;
            MetadataJson = metadataJson;
            Document = document;
        }

        public string Id { get; }
        public float[] Embedding { get; }

        /// <summary>The metadata as JSON text (null: SQL NULL).</summary>
        public string? MetadataJson { get; }

        /// <summary>LangChain's document, LlamaIndex's text (null: the layout's empty value).</summary>
        public string? Document { get; }
    }

    /// <summary>
    /// The tables of the four layouts, made, seeded and read with raw Npgsql SQL on the shared PGlite server
    /// (<see cref="PgLiteServer.Shared"/>), each in a schema of its own (<see cref="UniqueSchema"/>) so test
    /// classes running in parallel never meet. The DDL is <see cref="PgTables"/>'s (what each framework makes,
    /// ../shared/specs/README.md, "PostgreSQL + pgvector"); rows go in with one statement a call (unnest of arrays).
    /// </summary>
    public sealed class PgTestTable
    {
        private static int _counter;
        private static int _extension;

        public const string LangChainCollections = "langchain_pg_collection";
        public const string LangChainEmbeddings = "langchain_pg_embedding";

        private PgTestTable(PgTableLayout layout, string schema, string index, int dimension)
        {
            Layout = layout;
            Schema = schema;
            Index = index;
            Dimension = dimension;
        }

        public PgTableLayout Layout { get; }
        public string Schema { get; }

        /// <summary>What the user passes as -Index (LangChain: the embedding table; LlamaIndex: the name before data_).</summary>
        public string Index { get; }

        public int Dimension { get; }

        /// <summary>The table that holds the records.</summary>
        public string RecordTable => Layout switch
        {
            PgTableLayout.LangChain => LangChainEmbeddings,
            PgTableLayout.LlamaIndex => "data_" + Index.ToLowerInvariant(),
            _ => Index,
        };

        /// <summary>The Custom layout's columns (the provider's -IdColumn, -NamespaceColumn, -MetadataColumn, -EmbeddingColumn).</summary>
        public const string CustomId = "doc_key", CustomNamespace = "tenant", CustomMetadata = "attrs", CustomEmbedding = "vec";

        public string IdColumn => Layout switch
        {
            PgTableLayout.LlamaIndex => "node_id",
            PgTableLayout.Custom => CustomId,
            _ => "id",
        };

        public string MetadataColumn => Layout switch
        {
            PgTableLayout.LangChain => "cmetadata",
            PgTableLayout.LlamaIndex => "metadata_",
            PgTableLayout.Custom => CustomMetadata,
            _ => "metadata",
        };

        public string EmbeddingColumn => Layout == PgTableLayout.Custom ? CustomEmbedding : "embedding";

        /// <summary>The one namespace of a layout without namespaces (LlamaIndex).</summary>
        public const string DefaultNamespace = "default";

        /// <summary>LangChain's default collection (langchain-postgres's _LANGCHAIN_DEFAULT_COLLECTION_NAME).</summary>
        public const string LangChainDefaultCollection = "langchain";

        public bool HasNamespaces => Layout != PgTableLayout.LlamaIndex;

        /// <summary>"schema"."table".</summary>
        public string Qualified(string table) => Quote(Schema) + "." + Quote(table);

        public string QualifiedRecordTable => Qualified(RecordTable);

        /// <summary>The namespace of row <paramref name="alias"/> as SQL.</summary>
        public string NamespaceSql(string alias) => Layout switch
        {
            PgTableLayout.VectorOps => alias + ".\"namespace\"",
            PgTableLayout.LangChain => $"(SELECT c.\"name\" FROM {Qualified(LangChainCollections)} c WHERE c.\"uuid\" = {alias}.\"collection_id\")",
            PgTableLayout.Custom => alias + "." + Quote(CustomNamespace),
            _ => "'" + DefaultNamespace + "'",
        };

        /// <summary>The connection string of the shared server.</summary>
        public static string ConnectionString => PgLiteServer.Shared.ConnectionString;

        /// <summary>A schema name no other test (class, fixture, process) uses: prefix, process id, a counter, random.</summary>
        public static string UniqueSchema(string prefix) =>
            (prefix + "_" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "_" + Interlocked.Increment(ref _counter).ToString(CultureInfo.InvariantCulture) +
             "_" + Guid.NewGuid().ToString("N").Substring(0, 6)).ToLowerInvariant();

        public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

        /// <summary>pgvector's text form of a vector: floats in round-trip form.</summary>
        public static string VectorText(IEnumerable<float> values) =>
            "[" + string.Join(",", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]";

        /// <summary>An open connection to the shared server, with the vector extension made.</summary>
        public static NpgsqlConnection Open()
        {
            var c = new NpgsqlConnection(ConnectionString);
            c.Open();
            if (Volatile.Read(ref _extension) == 0)
            {
                Execute(c, "CREATE EXTENSION IF NOT EXISTS vector");
                Volatile.Write(ref _extension, 1);
            }
            return c;
        }

        public static int Execute(NpgsqlConnection c, string sql, params object?[] values)
        {
            using var cmd = Command(c, sql, values);
            return cmd.ExecuteNonQuery();
        }

        public static T Scalar<T>(NpgsqlConnection c, string sql, params object?[] values)
        {
            using var cmd = Command(c, sql, values);
            var result = cmd.ExecuteScalar();
            return (T)Convert.ChangeType(result!, typeof(T), CultureInfo.InvariantCulture);
        }

        public static List<string[]> Rows(NpgsqlConnection c, string sql, params object?[] values)
        {
            using var cmd = Command(c, sql, values);
            using var reader = cmd.ExecuteReader();
            var rows = new List<string[]>();
            while (reader.Read())
            {
                var row = new string[reader.FieldCount];
                for (var i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? "<null>" : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture)!;
                rows.Add(row);
            }
            return rows;
        }

        /// <summary>A command with positional parameters ($1, $2, ...): values are never spliced into the text.</summary>
        public static NpgsqlCommand Command(NpgsqlConnection c, string sql, params object?[] values)
        {
            var cmd = new NpgsqlCommand(sql, c);
            foreach (var v in values)
                cmd.Parameters.Add(v switch
                {
                    null => new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text },
                    string[] a => new NpgsqlParameter { Value = a, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                    _ => new NpgsqlParameter { Value = v },
                });
            return cmd;
        }

        /// <summary>
        /// Makes a schema and the layout's tables in it with the DDL of <see cref="PgTables"/> (shared with the
        /// provider's own tests); LangChain's also takes the two indexes langchain-postgres makes (its unique index
        /// on id and its GIN index on cmetadata), which the provider must live with.
        /// </summary>
        public static PgTestTable Create(PgTableLayout layout, string schema, string index, int dimension = 4)
        {
            var t = new PgTestTable(layout, schema, index, dimension);
            using var c = Open();
            Execute(c, "CREATE SCHEMA " + Quote(schema));
            switch (layout)
            {
                case PgTableLayout.VectorOps:
                    // The table VectorOps makes (-Create): embedding of any dimension, records keyed by (namespace, id).
                    PgTables.CreateVectorOpsTable(c, schema, index, dim: null);
                    break;
                case PgTableLayout.LangChain:
                    PgTables.CreateLangChainTables(c, schema, dimension);
                    Execute(c, $"CREATE UNIQUE INDEX \"ix_langchain_pg_embedding_id\" ON {t.Qualified(LangChainEmbeddings)} (\"id\")");
                    Execute(c, $"CREATE INDEX \"ix_cmetadata_gin\" ON {t.Qualified(LangChainEmbeddings)} USING gin (\"cmetadata\" jsonb_path_ops)");
                    break;
                case PgTableLayout.LlamaIndex:
                    PgTables.CreateLlamaIndexTable(c, schema, index, dimension);
                    break;
                case PgTableLayout.Custom:
                    PgTables.CreateCustomTable(c, schema, index, CustomId, CustomNamespace, CustomMetadata, CustomEmbedding, dimension);
                    break;
            }
            return t;
        }

        /// <summary>Inserts rows into a namespace in one statement (LangChain: the collection is made first if missing).</summary>
        public void Insert(NpgsqlConnection c, string @namespace, IReadOnlyCollection<PgRow> rows)
        {
            if (rows.Count == 0) return;
            var ids = rows.Select(r => r.Id).ToArray();
            var vectors = rows.Select(r => VectorText(r.Embedding)).ToArray();
            var metadata = rows.Select(r => r.MetadataJson).ToArray();
            var documents = rows.Select(r => r.Document).ToArray();
            const string unnest = "unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS u(id, emb, meta, doc)";
            switch (Layout)
            {
                case PgTableLayout.VectorOps:
                    Execute(c, $"INSERT INTO {QualifiedRecordTable} (\"namespace\", \"id\", \"embedding\", \"metadata\") " +
                               $"SELECT $1, u.id, u.emb::vector, u.meta::jsonb FROM {unnest}", @namespace, ids, vectors, metadata!, documents!);
                    break;
                case PgTableLayout.LangChain:
                    EnsureCollection(c, @namespace);
                    Execute(c, $"INSERT INTO {Qualified(LangChainEmbeddings)} (\"id\", \"collection_id\", \"embedding\", \"document\", \"cmetadata\") " +
                               $"SELECT u.id, (SELECT k.\"uuid\" FROM {Qualified(LangChainCollections)} k WHERE k.\"name\" = $1), u.emb::vector, u.doc, u.meta::jsonb FROM {unnest}",
                        @namespace, ids, vectors, metadata!, documents!);
                    break;
                case PgTableLayout.LlamaIndex:
                    if (@namespace != DefaultNamespace) throw new ArgumentException("LlamaIndex tables have one namespace, 'default'.", nameof(@namespace));
                    Execute(c, $"INSERT INTO {QualifiedRecordTable} (\"text\", \"metadata_\", \"node_id\", \"embedding\") " +
                               $"SELECT coalesce(u.doc, ''), u.meta::jsonb, u.id, u.emb::vector FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(id, emb, meta, doc)",
                        ids, vectors, metadata!, documents!);
                    break;
                case PgTableLayout.Custom:
                    Execute(c, $"INSERT INTO {QualifiedRecordTable} ({Quote(CustomNamespace)}, {Quote(CustomId)}, {Quote(CustomEmbedding)}, {Quote(CustomMetadata)}) " +
                               $"SELECT $1, u.id, u.emb::vector, u.meta::jsonb FROM {unnest}", @namespace, ids, vectors, metadata!, documents!);
                    break;
            }
        }

        /// <summary>LangChain: the collection row of a name, made (with a new uuid) when missing; returns its uuid.</summary>
        public Guid EnsureCollection(NpgsqlConnection c, string name, string? cmetadataJson = null)
        {
            Execute(c, $"INSERT INTO {Qualified(LangChainCollections)} (\"uuid\", \"name\", \"cmetadata\") VALUES (gen_random_uuid(), $1, $2::json) ON CONFLICT (\"name\") DO NOTHING",
                name, cmetadataJson);
            using var cmd = Command(c, $"SELECT \"uuid\" FROM {Qualified(LangChainCollections)} WHERE \"name\" = $1", name);
            return (Guid)cmd.ExecuteScalar()!;
        }

        public bool Exists(NpgsqlConnection c, string @namespace, string id) =>
            Scalar<bool>(c, $"SELECT EXISTS (SELECT 1 FROM {QualifiedRecordTable} r WHERE r.{Quote(IdColumn)} = $1 AND {NamespaceSql("r")} = $2)", id, @namespace);

        /// <summary>Every (namespace, id) of the table.</summary>
        public List<(string Namespace, string Id)> All(NpgsqlConnection c) =>
            Rows(c, $"SELECT {NamespaceSql("r")}, r.{Quote(IdColumn)} FROM {QualifiedRecordTable} r").Select(r => (r[0], r[1])).ToList();

        /// <summary>Drops the schema this table made (and nothing else).</summary>
        public void Drop()
        {
            using var c = Open();
            Execute(c, "DROP SCHEMA IF EXISTS " + Quote(Schema) + " CASCADE");
        }
    }
}

namespace VectorOps.Tests.PgVector
{
    /// <summary>
    /// What the code under test did to a test table, recorded by the server itself (Npgsql has no request journal):
    /// a BEFORE STATEMENT trigger on the layout's tables bumps a sequence for every INSERT, UPDATE, DELETE or TRUNCATE
    /// statement that reaches them (a sequence is not rolled back, so a statement later rolled back, or one that fails
    /// part-way, still counts; one refused before it reached the table, by the parser or a permission check, does
    /// not), DELETE statements on the record table bump a second one, and an AFTER ROW trigger writes every row
    /// deleted from the record table (id and namespace, cascades included) to a journal table in the same schema.
    /// Made after seeding helpers are in place; the fixture subtracts what its own seeding did.
    /// </summary>
    public sealed class PgJournal
    {
        private readonly PgTestTable _table;

        private PgJournal(PgTestTable table) => _table = table;

        private string Q(string name) => _table.Qualified(name);

        public static PgJournal Install(PgTestTable table)
        {
            var j = new PgJournal(table);
            using var c = PgTestTable.Open();
            foreach (var ddl in j.Ddl()) PgTestTable.Execute(c, ddl);
            return j;
        }

        private IEnumerable<string> Ddl()
        {
            var t = _table;
            yield return $"CREATE SEQUENCE {Q("zz_mutating_statements")}";
            yield return $"CREATE SEQUENCE {Q("zz_delete_statements")}";
            // ns: the namespace column's value as text (LangChain: the collection uuid, named through zz_collections).
            yield return $"CREATE TABLE {Q("zz_deleted_rows")} (seq bigserial PRIMARY KEY, id text, ns text, at timestamptz DEFAULT clock_timestamp())";
            yield return $"CREATE TABLE {Q("zz_collections")} (uuid text PRIMARY KEY, name text)";
            yield return $"CREATE FUNCTION {Q("zz_count_statement")}() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN " +
                         $"PERFORM nextval('{t.Schema}.zz_mutating_statements'); " +
                         $"IF TG_OP = 'DELETE' AND TG_TABLE_NAME = '{t.RecordTable}' THEN PERFORM nextval('{t.Schema}.zz_delete_statements'); END IF; " +
                         "RETURN NULL; END $f$";
            var nsColumn = t.Layout switch { PgTableLayout.VectorOps => "namespace", PgTableLayout.LangChain => "collection_id", PgTableLayout.Custom => PgTestTable.CustomNamespace, _ => "" };
            yield return $"CREATE FUNCTION {Q("zz_deleted_row")}() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN " +
                         $"INSERT INTO {Q("zz_deleted_rows")} (id, ns) VALUES (to_jsonb(OLD) ->> TG_ARGV[0], coalesce(to_jsonb(OLD) ->> nullif(TG_ARGV[1], ''), '{PgTestTable.DefaultNamespace}')); " +
                         "RETURN NULL; END $f$";
            yield return $"CREATE TRIGGER zz_statements BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON {t.QualifiedRecordTable} FOR EACH STATEMENT EXECUTE FUNCTION {Q("zz_count_statement")}()";
            yield return $"CREATE TRIGGER zz_rows AFTER DELETE ON {t.QualifiedRecordTable} FOR EACH ROW EXECUTE FUNCTION {Q("zz_deleted_row")}('{t.IdColumn}', '{nsColumn}')";
            if (t.Layout == PgTableLayout.LangChain)
            {
                var coll = Q(PgTestTable.LangChainCollections);
                yield return $"CREATE TRIGGER zz_statements BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON {coll} FOR EACH STATEMENT EXECUTE FUNCTION {Q("zz_count_statement")}()";
                yield return $"CREATE FUNCTION {Q("zz_collection_named")}() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN " +
                             $"INSERT INTO {Q("zz_collections")} (uuid, name) VALUES (NEW.uuid::text, NEW.name) ON CONFLICT (uuid) DO UPDATE SET name = EXCLUDED.name; " +
                             "RETURN NULL; END $f$";
                yield return $"CREATE TRIGGER zz_named AFTER INSERT OR UPDATE ON {coll} FOR EACH ROW EXECUTE FUNCTION {Q("zz_collection_named")}()";
            }
        }

        /// <summary>Mutating statements that reached the tables since the journal was installed.</summary>
        public long MutatingStatements(NpgsqlConnection c) => Count(c, "zz_mutating_statements");

        /// <summary>DELETE statements on the record table since the journal was installed.</summary>
        public long DeleteStatements(NpgsqlConnection c) => Count(c, "zz_delete_statements");

        private long Count(NpgsqlConnection c, string sequence) =>
            PgTestTable.Scalar<long>(c, $"SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM {Q(sequence)}");

        /// <summary>Every row deleted from the record table, in order: (namespace, id); a row deleted twice is there twice.</summary>
        public List<(string Namespace, string Id)> DeletedRows(NpgsqlConnection c)
        {
            var ns = _table.Layout == PgTableLayout.LangChain
                ? $"coalesce((SELECT k.name FROM {Q("zz_collections")} k WHERE k.uuid = d.ns), d.ns)"
                : "d.ns";
            return PgTestTable.Rows(c, $"SELECT {ns}, d.id FROM {Q("zz_deleted_rows")} d ORDER BY d.seq").Select(r => (r[0], r[1])).ToList();
        }
    }
}
