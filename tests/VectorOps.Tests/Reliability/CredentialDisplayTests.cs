using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using VectorOps.Cli;
using VectorOps.Commands;
using VectorOps.Connections;
using VectorOps.Emulators.Infrastructure;
using VectorOps.Errors;
using VectorOps.Providers;
using VectorOps.Providers.Pinecone;
using VectorOps.Providers.Vectorize;
using VectorOps.Security;
using VectorOps.Tests.Cli;
using VectorOps.Tests.Module;
using VectorOps.Tests.Pinecone;
using VectorOps.Tests.Support;
using VectorOps.Tests.Vectorize;
using Xunit;

namespace VectorOps.Tests.Reliability
{
    /// <summary>
    /// Issue 12, item 13: a credential is shown the same way wherever it came from (masked, with its source), and
    /// every message that names a setting names the front end's own option: the module's parameters and
    /// $env:NAME for PowerShell, the CLI's options and plain variable names for the CLI.
    /// </summary>
    public sealed class SettingSpellingTests
    {
        private static readonly Regex PowerShellParameter = new Regex(@"(?<![\w-])-(?<name>[A-Z][A-Za-z]+)", RegexOptions.Compiled);

        [Fact]
        public void Every_setting_the_module_names_is_a_real_cmdlet_parameter()
        {
            var parameters = new HashSet<string>(CmdletMetadata.All.SelectMany(c => c.Parameters).Select(p => p.Name), StringComparer.OrdinalIgnoreCase);
            foreach (Setting setting in Enum.GetValues(typeof(Setting)))
            {
                var text = SettingNames.PowerShell.Option(setting);
                var named = PowerShellParameter.Matches(text).Select(m => m.Groups["name"].Value).ToList();
                Assert.True(named.Count > 0, setting + ": " + text);
                foreach (var name in named) Assert.True(parameters.Contains(name), $"{setting}: -{name} is no parameter of any cmdlet");
            }
            Assert.Equal("$env:PINECONE_API_KEY", SettingNames.PowerShell.EnvironmentVariable("PINECONE_API_KEY"));
        }

        [Fact]
        public void Every_setting_the_CLI_names_is_a_real_CLI_option_and_never_a_cmdlet_parameter()
        {
            var options = new HashSet<string>(CommandTable.Commands.Concat(new[] { CommandTable.Global }).SelectMany(c => c.AllOptions).Select(o => o.Name), StringComparer.Ordinal);
            foreach (Setting setting in Enum.GetValues(typeof(Setting)))
            {
                var text = CliSettingNames.Instance.Option(setting);
                Assert.StartsWith("--" + CliSettingNames.OptionName(setting), text, StringComparison.Ordinal);
                Assert.True(options.Contains(CliSettingNames.OptionName(setting)), $"{setting}: --{CliSettingNames.OptionName(setting)} is no option of the CLI");
                Assert.Empty(PowerShellParameter.Matches(text));
            }
            Assert.Equal("the PINECONE_API_KEY environment variable", CliSettingNames.Instance.EnvironmentVariable("PINECONE_API_KEY"));
        }

        [Fact]
        public void The_other_connection_messages_follow_the_front_end_too()
        {
            var ps = Assert.Throws<VectorOpsException>(() => VectorizeNames.ValidateAccountId(null));
            Assert.Contains("(-AccountId, or $env:CLOUDFLARE_ACCOUNT_ID)", ps.Message, StringComparison.Ordinal);
            var cli = Assert.Throws<VectorOpsException>(() => VectorizeNames.ValidateAccountId(null, CliSettingNames.Instance));
            Assert.Contains("(--account-id, or the CLOUDFLARE_ACCOUNT_ID environment variable)", cli.Message, StringComparison.Ordinal);
            Assert.Contains("(--index)", Assert.Throws<VectorOpsException>(() => VectorizeNames.ValidateIndexName("", CliSettingNames.Instance)).Message, StringComparison.Ordinal);

            var pinecone = new ConnectionSettings { Provider = "Pinecone", Credential = Secret.FromPlainText("pcsk_not_used_0000000000"), Names = CliSettingNames.Instance };
            var noIndex = Assert.Throws<VectorOpsException>(() => PineconeProvider.Create(pinecone));
            Assert.Contains("--index-host", noIndex.Message, StringComparison.Ordinal);
            Assert.Contains("--index (its name", noIndex.Message, StringComparison.Ordinal);
            Assert.Empty(PowerShellParameter.Matches(noIndex.Message));

            var rate = new ConnectionSettings
            {
                Provider = "CloudflareVectorize", Index = "docs", ["AccountId"] = new string('a', 32), RequestsPerSecond = -1,
                Credential = Secret.FromPlainText("token_not_used_00000000"), Names = CliSettingNames.Instance,
            };
            Assert.StartsWith("--requests-per-second must be a positive number", Assert.Throws<VectorOpsException>(() => VectorizeProvider.Create(rate)).Message, StringComparison.Ordinal);
        }
    }

    /// <summary>MissingCredential as each front end's vocabulary writes it (run with the variable unset, inside the provider's collection).</summary>
    internal static class MissingCredentialCheck
    {
        private static readonly Regex PowerShellParameter = new Regex(@"(?<![\w-])-(?<name>[A-Z][A-Za-z]+)", RegexOptions.Compiled);

        public static void Run(string provider, string variable)
        {
            var saved = Environment.GetEnvironmentVariable(variable);
            try
            {
                Environment.SetEnvironmentVariable(variable, null);
                var ps = Create(provider, SettingNames.PowerShell);
                var token = provider == "Pinecone" ? "-ApiKey (a SecureString) or -Credential" : "-ApiToken (a SecureString) or -Credential";
                Assert.Contains($"{token}, or set $env:{variable}", ps.Message, StringComparison.Ordinal);

                var cli = Create(provider, CliSettingNames.Instance);
                Assert.Contains($"--api-key-file FILE, or set the {variable} environment variable", cli.Message, StringComparison.Ordinal);
                Assert.Empty(PowerShellParameter.Matches(cli.Message));
                Assert.DoesNotContain("$env:", cli.Message, StringComparison.Ordinal);
            }
            finally
            {
                Environment.SetEnvironmentVariable(variable, saved);
            }
        }

        private static VectorOpsException Create(string provider, SettingNames names)
        {
            var s = provider == "Pinecone"
                ? new ConnectionSettings { Provider = provider, ["IndexHost"] = new Uri("https://127.0.0.1:9"), Names = names }
                : new ConnectionSettings { Provider = provider, Index = "docs", ["AccountId"] = new string('a', 32), Names = names };
            var ex = Assert.Throws<VectorOpsException>(() => ProviderRegistry.Create(s));
            Assert.Equal(ErrorIds.MissingCredential, ex.ErrorId);
            return ex;
        }
    }

    /// <summary>Pinecone: the key from -ApiKey and from PINECONE_API_KEY shows the same mask, with its source.</summary>
    [Collection(PineconeCollection.Name)]
    public sealed class PineconeCredentialDisplayTests
    {
        private const string Key = "pcsk_2hVq8_DISPLAY_TEST_KEY_0000_5678";

        [Fact]
        public void A_key_from_the_environment_shows_like_a_key_given_as_a_parameter()
        {
            var saved = Environment.GetEnvironmentVariable("PINECONE_API_KEY");
            var scan = new SecretScan();
            try
            {
                Environment.SetEnvironmentVariable("PINECONE_API_KEY", null);
                using var given = Connect(Secret.FromPlainText(Key), scan);
                Environment.SetEnvironmentVariable("PINECONE_API_KEY", "  " + Key + "  ");
                using var fromEnvironment = Connect(null, scan);

                Assert.Equal("********5678", given.Credential);
                Assert.Equal("Parameter", given.CredentialSource);
                Assert.Equal("********5678", fromEnvironment.Credential);
                Assert.Equal("Environment:PINECONE_API_KEY", fromEnvironment.CredentialSource);
            }
            finally
            {
                Environment.SetEnvironmentVariable("PINECONE_API_KEY", saved);
            }
            Assert.True(scan.Count > 10);
            Assert.Empty(scan.Hits(Key));
        }

        [Fact]
        public void MissingCredential_names_the_module_parameters_for_PowerShell_and_the_CLI_options_for_the_CLI() =>
            MissingCredentialCheck.Run("Pinecone", PineconeProvider.ApiKeyEnvironmentVariable);

        private static VectorConnection Connect(Secret? key, SecretScan scan)
        {
            var host = new RecordingHost();
            // An index host given: connecting sends nothing, so no server is needed.
            var connection = ConnectCommand.Connect(new ConnectionSettings { Provider = "Pinecone", ["IndexHost"] = new Uri("https://127.0.0.1:9"), Credential = key }, makeDefault: false, host);
            scan.AddObject("connection", connection);
            scan.AddHost("connect", host);
            return connection;
        }
    }

    /// <summary>Vectorize: the token from the environment shows like one given; the rate-limit advice names the front end's option.</summary>
    public sealed class VectorizeCredentialDisplayTests : VectorizeTestBase
    {
        public VectorizeCredentialDisplayTests(VectorizeFixture fixture) : base(fixture) { }

        [Fact]
        public void A_token_from_the_environment_shows_like_a_token_given_as_a_parameter()
        {
            var saved = Environment.GetEnvironmentVariable(VectorizeNames.ApiTokenEnvironmentVariable);
            var scan = new SecretScan();
            try
            {
                Environment.SetEnvironmentVariable(VectorizeNames.ApiTokenEnvironmentVariable, VectorizeFixture.Token);
                using var fromEnvironment = Fixture.Connect(Fixture.NewIndex().Name, s => s.Credential = null);
                using var given = Fixture.Connect(Fixture.NewIndex().Name);
                scan.AddObject("environment", fromEnvironment);
                scan.AddObject("given", given);

                Assert.Equal(given.Credential, fromEnvironment.Credential);
                Assert.StartsWith("********", given.Credential, StringComparison.Ordinal);
                Assert.Equal("Parameter", given.CredentialSource);
                Assert.Equal("Environment:CLOUDFLARE_API_TOKEN", fromEnvironment.CredentialSource);
            }
            finally
            {
                Environment.SetEnvironmentVariable(VectorizeNames.ApiTokenEnvironmentVariable, saved);
            }
            Assert.Empty(scan.Hits(VectorizeFixture.Token));
        }

        [Fact]
        public void MissingCredential_names_the_module_parameters_for_PowerShell_and_the_CLI_options_for_the_CLI() =>
            MissingCredentialCheck.Run("CloudflareVectorize", VectorizeNames.ApiTokenEnvironmentVariable);

        [Theory]
        [InlineData(false, "lower -RequestsPerSecond if other jobs share the account")]
        [InlineData(true, "lower --requests-per-second if other jobs share the account")]
        public void The_account_block_message_names_the_rate_option_of_the_front_end_that_connected(bool cli, string expected)
        {
            var index = Fixture.NewIndex();
            index.Seed("doc-", 10);
            using var connection = Fixture.Connect(index.Name, s => { if (cli) s.Names = CliSettingNames.Instance; });
            Emulator.Faults.OnPath($"/accounts/{Fixture.AccountId}/vectorize/v2/indexes/{index.Name}/delete_by_ids", Fault.TooManyRequests(TimeSpan.FromSeconds(240)));

            var remove = new RemoveByIdsCommand(Host, connection);
            remove.Add(Ids("doc-", 0, 10));
            remove.Complete();

            var error = Assert.Single(Host.Errors).Exception;
            Assert.Equal(ErrorIds.ProviderRateLimited, ((VectorOpsException)error).ErrorId);
            Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        }
    }

    /// <summary>The CLI as a process: its messages and its verbose connection line, never the secret.</summary>
    public sealed class CliCredentialTests
    {
        private const string Key = "pcsk_cli_DISPLAY_TEST_KEY_000000_4321";

        [Fact]
        public void MissingCredential_tells_a_CLI_user_about_api_key_file_and_the_variable_not_cmdlet_parameters()
        {
            var pinecone = CliRunner.Run("--provider", "Pinecone", "--index-host", "https://127.0.0.1:9", "namespaces");
            Assert.Equal(2, pinecone.ExitCode);
            Assert.Contains("MissingCredential", pinecone.Stderr, StringComparison.Ordinal);
            Assert.Contains("--api-key-file FILE, or set the PINECONE_API_KEY environment variable", pinecone.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("-ApiKey", pinecone.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("-Credential", pinecone.Stderr, StringComparison.Ordinal);

            var vectorize = CliRunner.Run("--provider", "CloudflareVectorize", "--account-id", new string('a', 32), "--index", "docs", "namespaces");
            Assert.Equal(2, vectorize.ExitCode);
            Assert.Contains("--api-key-file FILE, or set the CLOUDFLARE_API_TOKEN environment variable", vectorize.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("-ApiToken", vectorize.Stderr, StringComparison.Ordinal);

            var account = CliRunner.Run("--provider", "CloudflareVectorize", "--index", "docs", "namespaces");
            Assert.Equal(2, account.ExitCode);
            Assert.Contains("--account-id, or the CLOUDFLARE_ACCOUNT_ID environment variable", account.Stderr, StringComparison.Ordinal);
        }

        [Fact]
        public void The_verbose_connection_line_shows_the_mask_and_where_the_key_came_from_and_never_the_key()
        {
            var run = CliRunner.Run(new[] { "--provider", "Pinecone", "--index-host", "https://127.0.0.1:9", "--verbose", "namespaces" },
                env: new Dictionary<string, string> { ["PINECONE_API_KEY"] = Key });
            Assert.Contains("(credential ********4321, from PINECONE_API_KEY)", run.Stderr, StringComparison.Ordinal);
            var scan = new SecretScan();
            scan.Add("stdout", run.Stdout);
            scan.Add("stderr", run.Stderr);
            Assert.Empty(scan.Hits(Key));
        }
    }
}
