using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using VectorOps.Emulators.PgLite;
using VectorOps.Providers;
using VectorOps.Providers.PgVector;
using VectorOps.Tests.Cli;
using Xunit;

namespace VectorOps.Tests.PgVector
{
    /// <summary>
    /// The PgVector provider's settings in the front ends, from its descriptor: the CLI's options and help, and a
    /// connection string holding a password refused on the CLI's command line (secrets never go there) without
    /// echoing it, by the descriptor's <see cref="SettingDescriptor.CarriesSecret"/>, not by the provider's name.
    /// </summary>
    public sealed class PgVectorFrontEndTests
    {
        private const string Secret = "Pg-ThisMustNeverBePrinted-8413";

        [Theory]
        [InlineData("Host=db.example.com;Username=app;Password=" + Secret, true)]
        [InlineData("host=db.example.com; password = " + Secret + "; database=x", true)]
        [InlineData("Host=db;PWD=" + Secret, true)]
        [InlineData("Host=db;Psw=" + Secret, true)]
        [InlineData("Host=db;Password='" + Secret + ";still'", true)]
        [InlineData("Host=db;;Password=" + Secret + ";Bogus Key=1", true)] // does not parse: judged by its keys
        [InlineData("Host=db;Username=app;Database=vectors;SSL Mode=Require", false)]
        [InlineData("Host=db;Passfile=/home/app/.pgpass", false)]
        [InlineData("Host=db;Password=", false)]
        [InlineData("Host=db;Username=password", false)]
        public void The_connection_string_setting_says_whether_a_value_holds_a_password(string value, bool holds)
        {
            var setting = PgVectorDescriptor.Descriptor.FindSetting(PgVectorDescriptor.ConnectionString)!;
            Assert.Equal(holds, setting.HoldsSecret(value));
            // No other setting of any provider claims a secret in its values.
            foreach (var other in ProviderRegistry.Providers.SelectMany(p => p.Settings).Where(s => !ReferenceEquals(s, setting)))
                Assert.False(other.HoldsSecret(value), other.Name);
        }

        public static TheoryData<string[]> SecretOnTheCommandLine => new TheoryData<string[]>
        {
            new[] { "remove", "--provider", "pgvector", "--connection-string", "Host=127.0.0.1;Username=app;Password=" + Secret, "--index", "items", "--id", "a", "--yes" },
            new[] { "remove", "--provider", "Postgres", "--connection-string=Host=127.0.0.1;PWD=" + Secret, "--index", "items", "--id", "a", "--yes" },
            new[] { "stats", "--provider", "PostgreSQL", "--dsn", "Host=127.0.0.1;password=" + Secret, "--index", "items" },
            // Before the command (a hoisted connection option), and with another provider chosen: still never taken.
            new[] { "--provider", "pgvector", "--connection-string", "Host=127.0.0.1;Password=" + Secret, "get", "--index", "items", "--id", "a" },
            new[] { "get", "--provider", "Local", "--connection-string", "Host=127.0.0.1;Password=" + Secret, "--index", "items", "--id", "a" },
        };

        [Theory]
        [MemberData(nameof(SecretOnTheCommandLine))]
        public void The_CLI_refuses_a_connection_string_with_a_password_and_says_where_it_goes_instead(string[] args)
        {
            var r = CliRunner.Run(args);
            Assert.True(r.ExitCode == 2, r.ToString());
            Assert.Contains("vectorops: InvalidArgument: --", r.Stderr);
            Assert.Contains("this value holds a secret, and secrets are never taken on the command line", r.Stderr);
            Assert.Contains("PGPASSWORD", r.Stderr);
            Assert.Contains("--api-key-file FILE", r.Stderr);
            Assert.Contains("VECTOROPS_PG_CONNECTION_STRING", r.Stderr);
            Assert.DoesNotContain("VECTOROPS_API_KEY", r.Stderr); // a database password is never read from it
            Assert.DoesNotContain(Secret, r.Stderr + r.Stdout);
            Assert.Equal("", r.Stdout);
        }

        [Fact]
        public void The_CLI_takes_a_connection_string_without_a_password_and_one_with_it_from_the_environment()
        {
            // Past the command-line check (whatever the connection then says, it is not that refusal).
            var plain = CliRunner.Run("stats", "--provider", "pgvector", "--connection-string", "Host=127.0.0.1;Port=1;Username=app;SSL Mode=Disable", "--index", "items");
            Assert.DoesNotContain("secrets are never taken", plain.Stderr);
            var fromEnvironment = CliRunner.Run(new[] { "stats", "--provider", "pgvector", "--index", "items" }, env: new Dictionary<string, string>
            {
                ["VECTOROPS_PG_CONNECTION_STRING"] = "Host=127.0.0.1;Port=1;Username=app;SSL Mode=Disable;Password=" + Secret,
            });
            Assert.DoesNotContain("secrets are never taken", fromEnvironment.Stderr);
            Assert.DoesNotContain(Secret, fromEnvironment.Stderr + fromEnvironment.Stdout);
        }

        [Fact]
        public void The_CLI_adds_lists_and_removes_on_a_real_PostgreSQL_with_the_password_from_PGPASSWORD()
        {
            var table = "cli_pg_" + Guid.NewGuid().ToString("N").Substring(0, 10);
            var folder = Directory.CreateTempSubdirectory("vectorops-cli-pg-").FullName;
            try
            {
                var records = Path.Combine(folder, "records.jsonl");
                File.WriteAllLines(records, Enumerable.Range(1, 5).Select(i =>
                    $"{{\"id\":\"doc-{i}\",\"values\":[{i},0.5,0.25],\"metadata\":{{\"genre\":\"{(i % 2 == 1 ? "drama" : "comedy")}\"}}}}"));
                // PGlite takes any password: given through PGPASSWORD, it is used and never shown.
                var env = new Dictionary<string, string> { ["PGPASSWORD"] = Secret };
                string[] Connection(params string[] rest) =>
                    new[] { "--provider", "pgvector", "--connection-string", PgLiteServer.Shared.ConnectionString, "--index", table }.Concat(rest).ToArray();

                var add = CliRunner.Run(new[] { "add" }.Concat(Connection("--path", records, "--create", "--json")).ToArray(), env: env);
                Assert.True(add.ExitCode == 0, add.ToString());
                var namespaces = CliRunner.Run(new[] { "namespaces" }.Concat(Connection("--json")).ToArray(), env: env);
                Assert.True(namespaces.ExitCode == 0, namespaces.ToString());
                Assert.Contains("\"default\"", namespaces.Stdout);

                var remove = CliRunner.Run(new[] { "remove" }.Concat(Connection("--id", "doc-1", "--id", "doc-2", "--id", "nope", "--yes", "--json")).ToArray(), env: env);
                Assert.True(remove.ExitCode == 0, remove.ToString());
                var m = Assert.Single(remove.JsonLines());
                Assert.Equal("Completed", m.GetProperty("status").GetString());
                Assert.Equal(2, m.GetProperty("affectedCount").GetInt64());

                var filter = CliRunner.Run(new[] { "remove" }.Concat(Connection("--filter", "{\"genre\":\"drama\"}", "--yes", "--force", "--json")).ToArray(), env: env);
                Assert.True(filter.ExitCode == 0, filter.ToString());
                var left = CliRunner.Run(new[] { "get" }.Concat(Connection("--prefix", "doc-", "--json")).ToArray(), env: env);
                Assert.True(left.ExitCode == 0, left.ToString());
                Assert.Equal(new[] { "doc-4" }, left.JsonLines().Select(j => j.GetProperty("id").GetString()).ToArray());

                foreach (var r in new[] { add, namespaces, remove, filter, left })
                    Assert.DoesNotContain(Secret, r.Stdout + r.Stderr);
            }
            finally
            {
                try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
                using var c = new Npgsql.NpgsqlConnection(PgLiteServer.Shared.ConnectionString);
                c.Open();
                using var drop = new Npgsql.NpgsqlCommand($"DROP TABLE IF EXISTS public.\"{table}\"", c);
                drop.ExecuteNonQuery();
            }
        }

        [Fact]
        public void The_CLI_help_offers_the_PgVector_settings_with_their_values_and_no_PowerShell_spelling()
        {
            var r = CliRunner.Run("remove", "--help");
            Assert.Equal(0, r.ExitCode);
            foreach (var option in new[] { "--connection-string", "--layout VectorOps|LangChain|LlamaIndex|Custom", "--schema", "--id-column",
                                           "--namespace-column", "--metadata-column", "--embedding-column", "--allow-unencrypted" })
                Assert.Contains(option, r.Stdout);
            Assert.Contains("VECTOROPS_PG_CONNECTION_STRING (--connection-string)", r.Stdout.Replace("\n", " ").Replace("\r", ""));
            Assert.Contains("PGPASSWORD (PgVector)", r.Stdout.Replace("\n", " ").Replace("\r", ""));
            // The descriptor's help is shown by both front ends: it names settings, not -Parameters.
            foreach (var setting in PgVectorDescriptor.Descriptor.Settings)
                Assert.DoesNotMatch(@"(^|\s)-[A-Z][A-Za-z]+", setting.Help);
            Assert.DoesNotMatch(@"(^|\s)-[A-Z][A-Za-z]+", PgVectorDescriptor.Descriptor.Credential!.Help);
        }
    }
}
