using System;
using VectorOps.Providers;
using VectorOps.Providers.PgVector;

[assembly: ProviderAssembly(typeof(PgVectorDescriptor))]

namespace VectorOps.Providers.PgVector
{
    /// <summary>PostgreSQL with pgvector: its entry in the registry, its settings and their help.</summary>
    public static class PgVectorDescriptor
    {
        public const string ConnectionString = "ConnectionString";
        public const string Layout = "Layout";
        public const string Schema = "Schema";
        public const string IdColumn = "IdColumn";
        public const string NamespaceColumn = "NamespaceColumn";
        public const string MetadataColumn = "MetadataColumn";
        public const string EmbeddingColumn = "EmbeddingColumn";
        public const string AllowUnencrypted = "AllowUnencrypted";

        /// <summary>The table layouts -Layout accepts.</summary>
        public static readonly string[] Layouts = { "VectorOps", "LangChain", "LlamaIndex", "Custom" };

        public static readonly ProviderDescriptor Descriptor = new ProviderDescriptor(PgVectorProvider.ProviderName,
            "PostgreSQL with pgvector: a table VectorOps made, or the tables LangChain or LlamaIndex made, or your own.", PgVectorProvider.Open)
        {
            Aliases = new[] { "Postgres", "PostgreSQL" },
            CreatesIndexes = true,
            Limits = new[]
            {
                "Needs .NET 8: PowerShell 7.4 or later, and the CLI. -Index names the table; -Layout says whose shape it has (VectorOps, LangChain, LlamaIndex, or your own columns).",
                FormattableString.Invariant($"Up to {PgVectorProvider.MaxIdsPerDelete} ids per delete, 1000 per fetch and 500 records per upsert, as parameters, never in the SQL text."),
                "Deletes by filter itself, in SQL on the jsonb metadata, after counting the matches; every operator of the filter language works.",
                "Writes are applied at once (Completed). A namespace is a column value (a LangChain collection); removing one is possible only where it is a row of its own (LangChain).",
            },
            Settings = new[]
            {
                new SettingDescriptor(ConnectionString, SettingKind.Text,
                    "The Npgsql connection string: Host, Port, Database, Username, and TLS keys (SSL Mode, Root Certificate, ...), which pass through. " +
                    "A Password in it is used but never shown (the connection shows the string masked), and is refused on a command line, where " +
                    "the process list would show it; prefer the Password credential, PGPASSWORD or a passfile.")
                {
                    Aliases = new[] { "Dsn" },
                    EnvironmentVariables = new[] { "VECTOROPS_PG_CONNECTION_STRING" },
                    CarriesSecret = HasPassword,
                },
                new SettingDescriptor(Layout, SettingKind.Text,
                    "How the table is laid out: VectorOps (a table VectorOps creates: id, namespace, embedding, metadata), LangChain " +
                    "(langchain_pg_collection and langchain_pg_embedding; a namespace is a collection), LlamaIndex (data_<index>; " +
                    "the id is node_id), or Custom (name the columns with the IdColumn, NamespaceColumn, MetadataColumn and EmbeddingColumn settings). " +
                    "Checked against the table when connecting.")
                {
                    SuggestedValues = Layouts,
                    OnlySuggestedValues = true,
                    DefaultText = "VectorOps",
                },
                new SettingDescriptor(Schema, SettingKind.Text, "The schema the table is in.") { DefaultText = "public" },
                new SettingDescriptor(IdColumn, SettingKind.Text, "Custom layout: the column holding the record id (text).") { DefaultText = "id" },
                new SettingDescriptor(NamespaceColumn, SettingKind.Text,
                    "Custom layout: the column holding the namespace; without it the table has one namespace.") ,
                new SettingDescriptor(MetadataColumn, SettingKind.Text, "Custom layout: the jsonb (or json) column holding the metadata.") { DefaultText = "metadata" },
                new SettingDescriptor(EmbeddingColumn, SettingKind.Text, "Custom layout: the vector column.") { DefaultText = "embedding" },
                new SettingDescriptor(AllowUnencrypted, SettingKind.Switch,
                    "Connect to a host other than this machine without TLS (SSL Mode Disable, Allow or Prefer). Refused without it: " +
                    "the password and every record would cross the network in clear."),
            },
            Credential = new CredentialDescriptor("Password", "database password",
                "The PostgreSQL user's password (the user needs SELECT and DELETE on the table, INSERT and UPDATE to restore, CREATE to create the table). " +
                "Also read from the connection string's Password or a passfile (PGPASSFILE, ~/.pgpass); none is needed where the server trusts the user.")
            {
                EnvironmentVariables = new[] { "PGPASSWORD" },
                Required = false,
                ReadsGenericVariable = false,
            },
        };

        /// <summary>
        /// True when a connection string holds a password (Password, or its synonyms PSW and PWD; any case, spaces
        /// around the key allowed). A string that does not parse is judged by its keys alone, so a malformed one with a
        /// password is still said to hold it.
        /// </summary>
        internal static bool HasPassword(string connectionString)
        {
            try
            {
                var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
                return !string.IsNullOrEmpty(builder.Password);
            }
            catch (ArgumentException)
            {
            }
            catch (FormatException)
            {
            }
            return System.Text.RegularExpressions.Regex.IsMatch(connectionString, @"(^|;)\s*(password|psw|pwd)\s*=",
                System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant);
        }
    }
}
