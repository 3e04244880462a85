using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Npgsql;
using VectorOps.Errors;

namespace VectorOps.Providers.PgVector
{
    /// <summary>The table layouts -Layout names.</summary>
    internal enum PgLayoutKind
    {
        VectorOps,
        LangChain,
        LlamaIndex,
        Custom,
    }

    /// <summary>One column as the catalog describes it.</summary>
    internal sealed class PgColumn
    {
        public PgColumn(string name, string type, string formatted, int typmod, bool notNull)
        {
            Name = name;
            Type = type;
            Formatted = formatted;
            TypMod = typmod;
            NotNull = notNull;
        }

        public string Name { get; }

        /// <summary>pg_type.typname: text, varchar, jsonb, json, vector, uuid, ...</summary>
        public string Type { get; }

        /// <summary>format_type(): "character varying(64)", "vector(3)", for messages.</summary>
        public string Formatted { get; }

        public int TypMod { get; }
        public bool NotNull { get; }

        public bool IsText => Type == "text" || Type == "varchar";
        public bool IsJson => Type == "jsonb" || Type == "json";
        public bool IsVector => Type == "vector";

        /// <summary>Most characters the column takes (varchar(n)); null when unlimited.</summary>
        public int? MaxLength => Type == "varchar" && TypMod > 4 ? TypMod - 4 : (int?)null;

        /// <summary>The dimension of a vector(n) column; null for a plain vector column.</summary>
        public int? Dimension => IsVector && TypMod > 0 ? TypMod : (int?)null;

        public override string ToString() => Name + " " + Formatted;
    }

    /// <summary>
    /// Where the records are and how they are read and written, found in the catalog at connect time for the layout
    /// the user chose: the table (quoted, schema-qualified), the id, namespace, metadata, embedding and document
    /// columns, and for LangChain the collection table. Column names are the catalog's, checked and quoted.
    /// </summary>
    internal sealed class PgLayout
    {
        public const string LangChainCollectionTable = "langchain_pg_collection";
        public const string LangChainEmbeddingTable = "langchain_pg_embedding";
        public const string LangChainDefaultNamespace = "langchain";
        public const string SingleNamespace = "default";

        public PgLayoutKind Kind { get; set; }
        public string Schema { get; set; } = "public";
        public string Table { get; set; } = "";

        /// <summary>"schema"."table".</summary>
        public string QualifiedTable => PgIdentifiers.Quote(Schema) + "." + PgIdentifiers.Quote(Table);

        public PgColumn Id { get; set; } = null!;
        public PgColumn? Namespace { get; set; }
        public PgColumn Metadata { get; set; } = null!;
        public PgColumn Embedding { get; set; } = null!;

        /// <summary>LangChain's document, LlamaIndex's text: read into and written from VectorRecord.Document.</summary>
        public PgColumn? Document { get; set; }

        /// <summary>LangChain: the collection table (its namespaces).</summary>
        public string? CollectionTable { get; set; }

        /// <summary>The older langchain_community shape: uuid primary key, the user's id in custom_id, json metadata.</summary>
        public bool LangChainCommunity { get; set; }

        /// <summary>True when the id column is unique in the table (VectorOps: with the namespace; LangChain: the primary key).</summary>
        public bool UniqueIds { get; set; }

        public bool IsLangChain => Kind == PgLayoutKind.LangChain;

        /// <summary>True when the table has one namespace, <see cref="SingleNamespace"/>.</summary>
        public bool SingleNamespaced => !IsLangChain && Namespace is null;

        public string QualifiedCollectionTable => PgIdentifiers.Quote(Schema) + "." + PgIdentifiers.Quote(CollectionTable!);

        public string Q(PgColumn c) => "t." + PgIdentifiers.Quote(c.Name);

        /// <summary>The metadata as jsonb (a json column cast).</summary>
        public string MetadataJsonb => Metadata.Type == "json" ? "t." + PgIdentifiers.Quote(Metadata.Name) + "::jsonb" : "t." + PgIdentifiers.Quote(Metadata.Name);

        /// <summary>The cast that turns text into the metadata column's type.</summary>
        public string MetadataCast => Metadata.Type == "json" ? "::json" : "::jsonb";

        public string Describe() => $"{Schema}.{Table}";

        // ---- reading the catalog ---------------------------------------------------------------------

        internal static async Task<List<PgColumn>> ColumnsAsync(NpgsqlConnection c, string schema, string table, CancellationToken ct)
        {
            const string sql = @"SELECT a.attname, ty.typname, format_type(a.atttypid, a.atttypmod), a.atttypmod, a.attnotnull
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class cl ON cl.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = cl.relnamespace
JOIN pg_catalog.pg_type ty ON ty.oid = a.atttypid
WHERE n.nspname = $1 AND cl.relname = $2 AND cl.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum";
            await using var cmd = new NpgsqlCommand(sql, c);
            cmd.Parameters.Add(new NpgsqlParameter { Value = schema });
            cmd.Parameters.Add(new NpgsqlParameter { Value = table });
            var list = new List<PgColumn>();
            await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await r.ReadAsync(ct).ConfigureAwait(false))
                list.Add(new PgColumn(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt32(3), r.GetBoolean(4)));
            return list;
        }

        internal static async Task<List<string>> TablesAsync(NpgsqlConnection c, string schema, CancellationToken ct)
        {
            const string sql = @"SELECT cl.relname FROM pg_catalog.pg_class cl JOIN pg_catalog.pg_namespace n ON n.oid = cl.relnamespace
WHERE n.nspname = $1 AND cl.relkind IN ('r', 'p') ORDER BY cl.relname";
            await using var cmd = new NpgsqlCommand(sql, c);
            cmd.Parameters.Add(new NpgsqlParameter { Value = schema });
            var list = new List<string>();
            await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await r.ReadAsync(ct).ConfigureAwait(false)) list.Add(r.GetString(0));
            return list;
        }

        internal static async Task<bool> SchemaExistsAsync(NpgsqlConnection c, string schema, CancellationToken ct)
        {
            await using var cmd = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1)", c);
            cmd.Parameters.Add(new NpgsqlParameter { Value = schema });
            return (bool)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        }

        internal static async Task<List<string>> SchemasAsync(NpgsqlConnection c, CancellationToken ct)
        {
            await using var cmd = new NpgsqlCommand(
                "SELECT nspname FROM pg_catalog.pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' ORDER BY nspname", c);
            var list = new List<string>();
            await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await r.ReadAsync(ct).ConfigureAwait(false)) list.Add(r.GetString(0));
            return list;
        }

        // ---- matching a layout -----------------------------------------------------------------------

        /// <summary>"table(col type, col type, ...)" for a message.</summary>
        internal static string Found(string table, IReadOnlyList<PgColumn> columns) =>
            table + "(" + string.Join(", ", columns.Select(c => c.ToString())) + ")";

        internal static VectorOpsException Mismatch(string schema, string expected, string found, string why, string hint) =>
            new VectorOpsException(ErrorIds.LayoutMismatch, VectorOpsErrorCategory.InvalidData,
                $"{expected}; found {schema}.{found}: {why}. {hint} Nothing was read or changed.", schema + "." + found.Split('(')[0]);

        internal static PgColumn? Column(IReadOnlyList<PgColumn> columns, string name) =>
            columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal));

        internal static string Dim(int? d) => d is int n ? n.ToString(CultureInfo.InvariantCulture) : "any";
    }
}
