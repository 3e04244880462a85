using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Npgsql;
using VectorOps.Emulators.PgLite;
using VectorOps.Providers;

namespace VectorOps.Tests.PgVector
{
    /// <summary>
    /// Tables of each layout on the shared PGlite server (<see cref="PgLiteServer.Shared"/>), made with the DDL the
    /// frameworks use, seeded by plain SQL (not through the provider), and read back by plain SQL. Each caller keeps
    /// to a schema of its own (<see cref="FreshSchema"/> drops and remakes only that schema).
    /// Metadata is seeded as {"n": i, "parity": "even"|"odd", "tag": "t{i % 3}"}; vectors are [i, i+1, i+2] (dimension 3 by default).
    /// </summary>
    public static class PgTables
    {
        private static int _extension;

        public static string ConnectionString => PgLiteServer.Shared.ConnectionString;

        /// <summary>An open connection with the vector extension installed.</summary>
        public static NpgsqlConnection Open()
        {
            var c = new NpgsqlConnection(ConnectionString);
            c.Open();
            if (Interlocked.CompareExchange(ref _extension, 1, 0) == 0) Exec(c, "CREATE EXTENSION IF NOT EXISTS vector");
            return c;
        }

        public static int Exec(NpgsqlConnection c, string sql, params object?[] values)
        {
            using var cmd = new NpgsqlCommand(sql, c);
            foreach (var v in values) cmd.Parameters.Add(new NpgsqlParameter { Value = v ?? DBNull.Value });
            return cmd.ExecuteNonQuery();
        }

        public static object? Scalar(NpgsqlConnection c, string sql, params object?[] values)
        {
            using var cmd = new NpgsqlCommand(sql, c);
            foreach (var v in values) cmd.Parameters.Add(new NpgsqlParameter { Value = v ?? DBNull.Value });
            return cmd.ExecuteScalar();
        }

        /// <summary>Drops the schema (only this caller's) and makes it again, empty.</summary>
        public static void FreshSchema(NpgsqlConnection c, string schema)
        {
            Exec(c, $"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
            Exec(c, $"CREATE SCHEMA \"{schema}\"");
        }

        public static string Vector(int i, int dim = 3) =>
            "[" + string.Join(",", Enumerable.Range(i, dim).Select(x => x.ToString(CultureInfo.InvariantCulture))) + "]";

        public static string Metadata(int i) =>
            "{\"n\": " + i.ToString(CultureInfo.InvariantCulture) + ", \"parity\": \"" + (i % 2 == 0 ? "even" : "odd") + "\", \"tag\": \"t" + (i % 3).ToString(CultureInfo.InvariantCulture) + "\"}";

        /// <summary>"p-000", "p-001", ...</summary>
        public static IReadOnlyList<string> Ids(string prefix, int count) =>
            Enumerable.Range(0, count).Select(i => prefix + i.ToString("000", CultureInfo.InvariantCulture)).ToList();

        // ---- VectorOps layout ------------------------------------------------------------------------

        public static void CreateVectorOpsTable(NpgsqlConnection c, string schema, string table, int? dim = 3) =>
            Exec(c, $"CREATE TABLE \"{schema}\".\"{table}\" (namespace text NOT NULL DEFAULT 'default', id text NOT NULL, " +
                    $"embedding vector{(dim is int d ? "(" + d + ")" : "")}, metadata jsonb, PRIMARY KEY (namespace, id))");

        /// <summary>Rows (ns, ids[i], Vector(i), Metadata(i)).</summary>
        public static void SeedVectorOps(NpgsqlConnection c, string schema, string table, string ns, IReadOnlyList<string> ids, int dim = 3)
        {
            for (var i = 0; i < ids.Count; i++)
                Exec(c, $"INSERT INTO \"{schema}\".\"{table}\" (namespace, id, embedding, metadata) VALUES ($1, $2, $3::vector, $4::jsonb)",
                    ns, ids[i], Vector(i, dim), Metadata(i));
        }

        // ---- LangChain -------------------------------------------------------------------------------

        /// <summary>langchain-postgres (current): collection(uuid, name unique, cmetadata json), embedding(id varchar PK, collection_id FK cascade, embedding vector(n), document, cmetadata jsonb).</summary>
        public static void CreateLangChainTables(NpgsqlConnection c, string schema, int dim = 3)
        {
            Exec(c, $"CREATE TABLE \"{schema}\".langchain_pg_collection (uuid uuid NOT NULL PRIMARY KEY, name varchar NOT NULL UNIQUE, cmetadata json)");
            Exec(c, $"CREATE TABLE \"{schema}\".langchain_pg_embedding (id varchar NOT NULL PRIMARY KEY, " +
                    $"collection_id uuid REFERENCES \"{schema}\".langchain_pg_collection(uuid) ON DELETE CASCADE, " +
                    $"embedding vector({dim}), document varchar, cmetadata jsonb)");
        }

        /// <summary>langchain_community (older): collection(name, cmetadata, uuid), embedding(collection_id, embedding, document, cmetadata json, custom_id, uuid PK).</summary>
        public static void CreateLangChainCommunityTables(NpgsqlConnection c, string schema, int dim = 3)
        {
            Exec(c, $"CREATE TABLE \"{schema}\".langchain_pg_collection (name varchar, cmetadata json, uuid uuid NOT NULL PRIMARY KEY)");
            Exec(c, $"CREATE TABLE \"{schema}\".langchain_pg_embedding (collection_id uuid REFERENCES \"{schema}\".langchain_pg_collection(uuid) ON DELETE CASCADE, " +
                    $"embedding vector({dim}), document varchar, cmetadata json, custom_id varchar, uuid uuid NOT NULL PRIMARY KEY)");
        }

        /// <summary>A collection row (new uuid) when none has that name; its uuid.</summary>
        public static Guid Collection(NpgsqlConnection c, string schema, string name)
        {
            var existing = Scalar(c, $"SELECT uuid FROM \"{schema}\".langchain_pg_collection WHERE name = $1", name);
            if (existing is Guid g) return g;
            var id = Guid.NewGuid();
            Exec(c, $"INSERT INTO \"{schema}\".langchain_pg_collection (uuid, name) VALUES ($1, $2)", id, name);
            return id;
        }

        /// <summary>Rows of a collection: ids[i], Vector(i), document "doc i", Metadata(i); works for both shapes.</summary>
        public static void SeedLangChain(NpgsqlConnection c, string schema, string collection, IReadOnlyList<string> ids, bool community = false, int dim = 3)
        {
            var coll = Collection(c, schema, collection);
            for (var i = 0; i < ids.Count; i++)
            {
                if (community)
                    Exec(c, $"INSERT INTO \"{schema}\".langchain_pg_embedding (uuid, custom_id, collection_id, embedding, document, cmetadata) VALUES ($1, $2, $3, $4::vector, $5, $6::json)",
                        Guid.NewGuid(), ids[i], coll, Vector(i, dim), "doc " + i.ToString(CultureInfo.InvariantCulture), Metadata(i));
                else
                    Exec(c, $"INSERT INTO \"{schema}\".langchain_pg_embedding (id, collection_id, embedding, document, cmetadata) VALUES ($1, $2, $3::vector, $4, $5::jsonb)",
                        ids[i], coll, Vector(i, dim), "doc " + i.ToString(CultureInfo.InvariantCulture), Metadata(i));
            }
        }

        // ---- LlamaIndex ------------------------------------------------------------------------------

        /// <summary>PGVectorStore's data_&lt;name&gt; (name lower-cased): id bigserial, text varchar NOT NULL, metadata_ json(b), node_id varchar, embedding vector(n).</summary>
        public static void CreateLlamaIndexTable(NpgsqlConnection c, string schema, string name, int dim = 3, bool jsonb = true) =>
            Exec(c, $"CREATE TABLE \"{schema}\".\"data_{name.ToLowerInvariant()}\" (id bigserial PRIMARY KEY, text varchar NOT NULL, " +
                    $"metadata_ {(jsonb ? "jsonb" : "json")}, node_id varchar, embedding vector({dim}))");

        public static void SeedLlamaIndex(NpgsqlConnection c, string schema, string name, IReadOnlyList<string> ids, int dim = 3, bool jsonb = true)
        {
            for (var i = 0; i < ids.Count; i++)
                Exec(c, $"INSERT INTO \"{schema}\".\"data_{name.ToLowerInvariant()}\" (text, metadata_, node_id, embedding) VALUES ($1, $2::{(jsonb ? "jsonb" : "json")}, $3, $4::vector)",
                    "text " + i.ToString(CultureInfo.InvariantCulture), Metadata(i), ids[i], Vector(i, dim));
        }

        // ---- Custom ----------------------------------------------------------------------------------

        /// <summary>A table of your own: (doc_key text PK, [tenant text,] attrs jsonb, vec vector(n)) by default names.</summary>
        public static void CreateCustomTable(NpgsqlConnection c, string schema, string table, string idColumn = "doc_key", string? namespaceColumn = "tenant",
            string metadataColumn = "attrs", string embeddingColumn = "vec", int dim = 3) =>
            Exec(c, $"CREATE TABLE \"{schema}\".\"{table}\" (\"{idColumn}\" text NOT NULL, " + (namespaceColumn is null ? "" : $"\"{namespaceColumn}\" text NOT NULL, ") +
                    $"\"{metadataColumn}\" jsonb, \"{embeddingColumn}\" vector({dim}), PRIMARY KEY (" + (namespaceColumn is null ? "" : $"\"{namespaceColumn}\", ") + $"\"{idColumn}\"))");

        public static void SeedCustom(NpgsqlConnection c, string schema, string table, string? ns, IReadOnlyList<string> ids, string idColumn = "doc_key",
            string? namespaceColumn = "tenant", string metadataColumn = "attrs", string embeddingColumn = "vec", int dim = 3)
        {
            for (var i = 0; i < ids.Count; i++)
            {
                if (namespaceColumn is null)
                    Exec(c, $"INSERT INTO \"{schema}\".\"{table}\" (\"{idColumn}\", \"{metadataColumn}\", \"{embeddingColumn}\") VALUES ($1, $2::jsonb, $3::vector)",
                        ids[i], Metadata(i), Vector(i, dim));
                else
                    Exec(c, $"INSERT INTO \"{schema}\".\"{table}\" (\"{idColumn}\", \"{namespaceColumn}\", \"{metadataColumn}\", \"{embeddingColumn}\") VALUES ($1, $2, $3::jsonb, $4::vector)",
                        ids[i], ns, Metadata(i), Vector(i, dim));
            }
        }

        // ---- reading back ----------------------------------------------------------------------------

        /// <summary>The values of one text column, sorted (ordinal), optionally where a condition holds (its values as $1..).</summary>
        public static List<string> Column(NpgsqlConnection c, string qualifiedTable, string column, string? where = null, params object?[] values)
        {
            using var cmd = new NpgsqlCommand($"SELECT {column}::text FROM {qualifiedTable}" + (where is null ? "" : " WHERE " + where), c);
            foreach (var v in values) cmd.Parameters.Add(new NpgsqlParameter { Value = v ?? DBNull.Value });
            var list = new List<string>();
            using var r = cmd.ExecuteReader();
            while (r.Read()) list.Add(r.IsDBNull(0) ? "<null>" : r.GetString(0));
            list.Sort(StringComparer.Ordinal);
            return list;
        }

        public static long Count(NpgsqlConnection c, string qualifiedTable, string? where = null, params object?[] values) =>
            Convert.ToInt64(Scalar(c, $"SELECT count(*) FROM {qualifiedTable}" + (where is null ? "" : " WHERE " + where), values), CultureInfo.InvariantCulture);

        // ---- connecting ------------------------------------------------------------------------------

        /// <summary>Settings for the shared server: provider PgVector, the layout, index, schema, and any more (name, value) pairs.</summary>
        public static ConnectionSettings Settings(string layout, string? index, string schema, params (string Name, object? Value)[] more)
        {
            var s = new ConnectionSettings { Provider = "PgVector", Index = index };
            s["ConnectionString"] = ConnectionString;
            s["Layout"] = layout;
            s["Schema"] = schema;
            foreach (var (name, value) in more) s[name] = value;
            return s;
        }

        public static IVectorProvider Connect(string layout, string? index, string schema, params (string Name, object? Value)[] more) =>
            ProviderRegistry.Create(Settings(layout, index, schema, more));
    }
}
