using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using VectorOps.Errors;
using VectorOps.Filtering;
using VectorOps.Model;
using VectorOps.Providers;
using VectorOps.Providers.PgVector;
using VectorOps.Security;
using Xunit;

namespace VectorOps.Tests.PgVector
{
    /// <summary>
    /// Connecting: settings checked before anything is sent, the TLS rule, passwords kept out of every output,
    /// names that could inject SQL refused, missing tables and layout mismatches said clearly, -Create, read-only
    /// reads. Schema "prov_connect" is this class's own.
    /// </summary>
    public sealed class PgVectorConnectTests
    {
        private const string Schema = "prov_connect";
        private const string Password = "Pw-9f3c-Not-For-Output";
        private static readonly object Gate = new object();
        private static bool _ready;

        public PgVectorConnectTests()
        {
            lock (Gate)
            {
                if (_ready) return;
                using var c = PgTables.Open();
                PgTables.FreshSchema(c, Schema);
                PgTables.CreateVectorOpsTable(c, Schema, "articles");
                PgTables.SeedVectorOps(c, Schema, "articles", "default", PgTables.Ids("a", 5));
                PgTables.CreateLangChainCommunityTables(c, Schema);
                PgTables.SeedLangChain(c, Schema, "langchain", PgTables.Ids("u", 2), community: true);
                _ready = true;
            }
        }

        private static VectorOpsException Refused(ConnectionSettings s) => Assert.Throws<VectorOpsException>(() => ProviderRegistry.Create(s));

        private static ConnectionSettings WithString(string connectionString, string? index = "articles", params (string, object?)[] more)
        {
            var s = PgTables.Settings("VectorOps", index, Schema, more);
            s["ConnectionString"] = connectionString;
            return s;
        }

        private static void NoSecret(string? text)
        {
            Assert.NotNull(text);
            Assert.DoesNotContain(Password, text!, StringComparison.Ordinal);
        }

        private static void NoSecret(Exception ex)
        {
            for (Exception? e = ex; e != null; e = e.InnerException)
            {
                NoSecret(e.Message);
                NoSecret(e.ToString());
            }
        }

        // ---- settings ----------------------------------------------------------------------------------

        [Fact]
        public void A_missing_connection_string_names_the_setting()
        {
            var s = PgTables.Settings("VectorOps", "articles", Schema);
            s["ConnectionString"] = null;
            var previous = Environment.GetEnvironmentVariable("VECTOROPS_PG_CONNECTION_STRING");
            Assert.Null(previous); // the test run never sets it
            var ex = Refused(s);
            Assert.Equal(ErrorIds.MissingSetting, ex.ErrorId);
            Assert.Contains("-ConnectionString", ex.Message);
            Assert.Equal("ConnectionString", ex.Target);
        }

        [Fact]
        public void A_malformed_connection_string_is_refused_without_showing_it()
        {
            var ex = Refused(WithString($"Host=127.0.0.1;Password={Password};Port=notaport"));
            Assert.Equal(ErrorIds.InvalidSetting, ex.ErrorId);
            Assert.Equal("ConnectionString", ex.Target);
            Assert.Contains("'Port'", ex.Message, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("notaport", ex.Message);
            NoSecret(ex);

            var garbage = Refused(WithString($"Password={Password};=;;x"));
            Assert.Equal(ErrorIds.InvalidSetting, garbage.ErrorId);
            NoSecret(garbage);
        }

        [Theory]
        [InlineData("IdColumn")]
        [InlineData("NamespaceColumn")]
        [InlineData("MetadataColumn")]
        [InlineData("EmbeddingColumn")]
        public void Column_settings_belong_to_the_Custom_layout(string setting)
        {
            var ex = Refused(PgTables.Settings("LangChain", null, Schema, (setting, "col")));
            Assert.Equal(ErrorIds.InvalidSetting, ex.ErrorId);
            Assert.Equal(setting, ex.Target);
            Assert.Contains("Custom", ex.Message);
        }

        // ---- TLS ---------------------------------------------------------------------------------------

        [Theory]
        [InlineData("Host=db.example.com;Username=app")]
        [InlineData("Host=db.example.com;Username=app;SSL Mode=Disable")]
        [InlineData("Host=db.example.com;Username=app;SSL Mode=Allow")]
        [InlineData("Host=db.example.com;Username=app;SSL Mode=Prefer")]
        [InlineData("Host=10.1.2.3;Username=app;SSL Mode=Disable")]
        [InlineData("Host=127.0.0.1,db.example.com;Username=app;SSL Mode=Disable")]
        public void A_host_off_this_machine_without_TLS_is_refused_before_connecting(string connectionString)
        {
            var ex = Refused(WithString(connectionString + ";Password=" + Password));
            Assert.Equal(ErrorIds.InsecureConnection, ex.ErrorId);
            Assert.Equal(VectorOpsErrorCategory.SecurityError, ex.Category);
            Assert.Contains("-AllowUnencrypted", ex.Message);
            NoSecret(ex);
        }

        [Theory]
        [InlineData("localhost", true)]
        [InlineData("127.0.0.1", true)]
        [InlineData("127.8.9.10", true)]
        [InlineData("::1", true)]
        [InlineData("[::1]", true)]
        [InlineData("/var/run/postgresql", true)]
        [InlineData("db.example.com", false)]
        [InlineData("10.0.0.1", false)]
        [InlineData("localhost.example.com", false)]
        public void Loopback_hosts(string host, bool loopback) => Assert.Equal(loopback, PgConnectionFactory.IsLoopback(host));

        [Fact]
        public void AllowUnencrypted_or_TLS_lets_a_remote_host_through_to_the_connection_attempt()
        {
            // db.invalid never resolves (RFC 6761): the TLS check passes, the connection then fails as unreachable.
            foreach (var s in new[]
                     {
                         WithString("Host=db.invalid;Username=app;Timeout=3;Password=" + Password, "articles", ("AllowUnencrypted", true)),
                         WithString("Host=db.invalid;Username=app;Timeout=3;SSL Mode=Require;Password=" + Password),
                     })
            {
                var ex = Refused(s);
                Assert.NotEqual(ErrorIds.InsecureConnection, ex.ErrorId);
                Assert.Contains(ex.ErrorId, new[] { ErrorIds.ProviderUnreachable, ErrorIds.ProviderTimeout });
                Assert.Contains("db.invalid", ex.Message);
                NoSecret(ex);
            }
        }

        [Fact]
        public void A_refused_connection_is_ProviderUnreachable_with_host_and_port_and_no_password()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            var ex = Refused(WithString($"Host=127.0.0.1;Port={port};Username=postgres;Timeout=5;Password={Password}"));
            Assert.Equal(ErrorIds.ProviderUnreachable, ex.ErrorId);
            Assert.Contains("127.0.0.1:" + port, ex.Message);
            NoSecret(ex);
        }

        // ---- passwords ---------------------------------------------------------------------------------

        public static IEnumerable<object[]> PasswordWays() => new[] { new object[] { "string" }, new object[] { "credential" }, new object[] { "PGPASSWORD" } };

        [Theory]
        [MemberData(nameof(PasswordWays))]
        public async Task A_password_given_any_way_never_shows(string way)
        {
            var previous = Environment.GetEnvironmentVariable("PGPASSWORD");
            var traces = new List<string>();
            try
            {
                ConnectionSettings Make(string? index)
                {
                    var s = PgTables.Settings("VectorOps", index, Schema);
                    s.Trace = t => { lock (traces) traces.Add(t); };
                    if (way == "string") s["ConnectionString"] = PgTables.ConnectionString + ";Password=" + Password;
                    if (way == "credential") s.Credential = Secret.FromPlainText(Password);
                    return s;
                }
                if (way == "PGPASSWORD") Environment.SetEnvironmentVariable("PGPASSWORD", Password);

                using (var p = (PgVectorProvider)ProviderRegistry.Create(Make("articles")))
                {
                    NoSecret(p.Endpoint);
                    NoSecret(p.ToString());
                    NoSecret(p.MaskedConnectionString);
                    Assert.StartsWith("postgresql://postgres@127.0.0.1:", p.Endpoint);
                    if (way == "string") Assert.Contains("Password=" + PgConnectionFactory.Mask, p.MaskedConnectionString);
                    await p.DeleteByIdsAsync("default", new[] { "nope" }, CancellationToken.None);
                    var stats = await p.GetStatsAsync(CancellationToken.None);
                    NoSecret(string.Join(" ", stats.Namespaces.Select(n => n.ToString())));
                }

                var missing = Refused(Make("article"));
                Assert.Equal(ErrorIds.IndexNotFound, missing.ErrorId);
                NoSecret(missing);

                var wrongPort = Make("articles");
                wrongPort["ConnectionString"] = "Host=127.0.0.1;Port=1;Timeout=3;Username=postgres" + (way == "string" ? ";Password=" + Password : "");
                var unreachable = Refused(wrongPort);
                NoSecret(unreachable);
                lock (traces) foreach (var t in traces) NoSecret(t);
            }
            finally
            {
                Environment.SetEnvironmentVariable("PGPASSWORD", previous);
            }
        }

        // ---- names -------------------------------------------------------------------------------------

        [Theory]
        [InlineData("articles\"; DROP TABLE prov_connect.articles; --")]
        [InlineData("articles;")]
        [InlineData("my table")]
        [InlineData("prov_connect.articles")]
        [InlineData("1articles")]
        [InlineData("")]
        public void Index_names_that_could_inject_SQL_are_refused(string index)
        {
            var ex = Refused(PgTables.Settings("VectorOps", index.Length == 0 ? "x\0y" : index, Schema));
            Assert.Equal(ErrorIds.InvalidIndexName, ex.ErrorId);
            using var c = PgTables.Open();
            Assert.Equal(5, PgTables.Count(c, "prov_connect.articles"));
        }

        [Theory]
        [InlineData("Schema", "public; DROP SCHEMA prov_connect CASCADE")]
        [InlineData("Schema", "\"prov_connect\"")]
        [InlineData("IdColumn", "id\" = id OR 1=1 --")]
        [InlineData("NamespaceColumn", "tenant)")]
        [InlineData("MetadataColumn", "attrs->>'x'")]
        [InlineData("EmbeddingColumn", "vec,attrs")]
        public void Schema_and_column_names_that_could_inject_SQL_are_refused(string setting, string value)
        {
            var s = PgTables.Settings("Custom", "articles", Schema, (setting, value));
            var ex = Refused(s);
            Assert.Equal(ErrorIds.InvalidSetting, ex.ErrorId);
            Assert.Equal(value, ex.Target);
            using var c = PgTables.Open();
            Assert.Equal(5, PgTables.Count(c, "prov_connect.articles"));
        }

        // ---- tables and layouts ------------------------------------------------------------------------

        [Fact]
        public void A_missing_table_is_IndexNotFound_with_the_closest_names_and_nothing_is_created()
        {
            var ex = Refused(PgTables.Settings("VectorOps", "article", Schema));
            Assert.Equal(ErrorIds.IndexNotFound, ex.ErrorId);
            Assert.Contains("prov_connect.article", ex.Message);
            Assert.Contains("Did you mean 'articles'", ex.Message);
            Assert.Contains("-Create", ex.Message);
            using var c = PgTables.Open();
            Assert.Equal(0, PgTables.Count(c, "pg_catalog.pg_tables", "schemaname = $1 AND tablename = 'article'", Schema));

            var schema = Refused(PgTables.Settings("VectorOps", "articles", "prov_connekt"));
            Assert.Equal(ErrorIds.IndexNotFound, schema.ErrorId);
            Assert.Contains("Did you mean 'prov_connect'", schema.Message);
        }

        [Fact]
        public void A_layout_mismatch_says_what_was_expected_and_what_was_found()
        {
            var ex = Refused(PgTables.Settings("VectorOps", "langchain_pg_embedding", Schema));
            Assert.Equal(ErrorIds.LayoutMismatch, ex.ErrorId);
            Assert.Equal(VectorOpsErrorCategory.InvalidData, ex.Category);
            Assert.Contains("VectorOps layout expects prov_connect.langchain_pg_embedding(namespace text, id text, embedding vector, metadata jsonb)", ex.Message);
            Assert.Contains("found prov_connect.langchain_pg_embedding(collection_id uuid, embedding vector(3), document character varying, cmetadata json, custom_id character varying, uuid uuid)", ex.Message);
            Assert.Contains("LangChain", ex.Message);

            var lc = Refused(PgTables.Settings("LangChain", "articles", Schema));
            Assert.Equal(ErrorIds.LayoutMismatch, lc.ErrorId);
            Assert.Contains("LangChain layout expects", lc.Message);
            Assert.Contains("found prov_connect.articles(namespace text, id text, embedding vector(3), metadata jsonb)", lc.Message);
            Assert.Contains("looks like a VectorOps table", lc.Message);

            var custom = Refused(PgTables.Settings("Custom", "articles", Schema, ("IdColumn", "namespace"), ("MetadataColumn", "embedding")));
            Assert.Equal(ErrorIds.LayoutMismatch, custom.ErrorId);
            Assert.Contains("embedding is vector(3), not jsonb or json", custom.Message);
        }

        [Fact]
        public async Task Create_makes_a_VectorOps_table_and_only_that()
        {
            var table = "made_" + Guid.NewGuid().ToString("N").Substring(0, 8);
            var s = PgTables.Settings("VectorOps", table, Schema);
            s.CreateIfMissing = true;
            using (var p = ProviderRegistry.Create(s))
            {
                await p.UpsertAsync("ns", new[] { new VectorRecord("x") { Values = new[] { 1f, 2f }, Metadata = new Dictionary<string, object?> { ["k"] = "v" } } }, CancellationToken.None);
                Assert.Equal(2, (await p.GetStatsAsync(CancellationToken.None)).Dimension);
            }
            using (var c = PgTables.Open())
                Assert.Equal(new[] { "ns|x|[1,2]|{\"k\": \"v\"}" }, PgTables.Column(c, $"\"{Schema}\".\"{table}\"", "namespace || '|' || id || '|' || embedding::text || '|' || metadata::text"));

            var lc = PgTables.Settings("LlamaIndex", "nothere", Schema);
            lc.CreateIfMissing = true;
            var ex = Refused(lc);
            Assert.Equal(ErrorIds.NotSupported, ex.ErrorId);
            Assert.Contains("VectorOps creates tables only in its own layout", ex.Message);
            using (var c = PgTables.Open())
                Assert.Equal(0, PgTables.Count(c, "pg_catalog.pg_tables", "schemaname = $1 AND tablename = 'data_nothere'", Schema));
        }

        // ---- ids ---------------------------------------------------------------------------------------

        [Fact]
        public async Task Ids_are_checked_cheaply_NUL_refused_and_varchar_length_kept()
        {
            using (var c = PgTables.Open())
                PgTables.Exec(c, $"CREATE TABLE IF NOT EXISTS \"{Schema}\".short_ids (id varchar(5) NOT NULL PRIMARY KEY, meta jsonb, emb vector)");
            using var p = PgTables.Connect("Custom", "short_ids", Schema, ("MetadataColumn", "meta"), ("EmbeddingColumn", "emb"));
            Assert.True(p.Capabilities.DeletesValidatedIds);
            p.ValidateId("abcde");
            p.ValidateId("a😀cde"); // five characters, six UTF-16 units
            Assert.Equal(ErrorIds.InvalidId, Assert.Throws<VectorOpsException>(() => p.ValidateId("abcdef")).ErrorId);
            Assert.Equal(ErrorIds.InvalidId, Assert.Throws<VectorOpsException>(() => p.ValidateId("a\0b")).ErrorId);
            Assert.Equal(ErrorIds.InvalidId, Assert.Throws<VectorOpsException>(() => p.ValidateId("")).ErrorId);
            Assert.Equal(ErrorIds.InvalidId, Assert.Throws<VectorOpsException>(() => p.ValidateId("a\uD800")).ErrorId);
            var batch = await Assert.ThrowsAsync<VectorOpsException>(() => p.DeleteByIdsAsync("default", new[] { "ok", "a\0b" }, CancellationToken.None));
            Assert.Equal(ErrorIds.InvalidId, batch.ErrorId);
            var tooMany = await Assert.ThrowsAsync<VectorOpsException>(() =>
                p.DeleteByIdsAsync("default", Enumerable.Range(0, p.Capabilities.MaxIdsPerDelete + 1).Select(i => "i" + i).ToList(), CancellationToken.None));
            Assert.Equal(ErrorIds.InvalidArgument, tooMany.ErrorId);
        }

        [Fact]
        public void An_id_longer_than_an_index_key_can_hold_is_refused_on_a_text_column_too()
        {
            using (var c = PgTables.Open())
                PgTables.Exec(c, $"CREATE TABLE IF NOT EXISTS \"{Schema}\".text_ids (id text NOT NULL PRIMARY KEY, meta jsonb, emb vector)");
            using var p = PgTables.Connect("Custom", "text_ids", Schema, ("MetadataColumn", "meta"), ("EmbeddingColumn", "emb"));
            p.ValidateId(new string('a', PgVectorProvider.MaxIdBytes));
            p.ValidateId(new string('\u00e9', PgVectorProvider.MaxIdBytes / 2)); // 2 bytes each: exactly the limit
            var ex = Assert.Throws<VectorOpsException>(() => p.ValidateId(new string('a', PgVectorProvider.MaxIdBytes + 1)));
            Assert.Equal(ErrorIds.InvalidId, ex.ErrorId);
            Assert.Contains("2049 bytes", ex.Message);
            Assert.Equal(ErrorIds.InvalidId, Assert.Throws<VectorOpsException>(() => p.ValidateId(new string('\u00e9', PgVectorProvider.MaxIdBytes / 2 + 1))).ErrorId);
        }
    }
}
