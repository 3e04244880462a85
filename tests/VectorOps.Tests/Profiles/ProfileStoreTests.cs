using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using VectorOps.Connections;
using VectorOps.Errors;
using VectorOps.Providers;
using VectorOps.Security;
using VectorOps.Tests.Cli;
using Xunit;

namespace VectorOps.Tests.Profiles
{
    /// <summary>
    /// The profile store (ConnectionProfile, ProfileStore, CredentialReference): a round trip keeps every setting, no
    /// secret ever reaches the file, a corrupt file is an error naming it and is left as it is, the file is owner-only
    /// on Unix, and the CLI's --profile sits between its options and the environment. Each test has its own folder.
    /// </summary>
    public sealed class ProfileStoreTests : IDisposable
    {
        private readonly string _folder = Directory.CreateTempSubdirectory("vectorops-profiles-").FullName;

        public void Dispose() => Directory.Delete(_folder, recursive: true);

        private ProfileStore Store() => new ProfileStore(Path.Combine(_folder, "config"));

        private static ProviderDescriptor Local => ProviderRegistry.Get(ProviderRegistry.DefaultProvider);

        /// <summary>A registered provider that takes a credential and a setting of each kind it has, and values for them.</summary>
        private static (ProviderDescriptor Provider, ConnectionSettings Settings) RemoteSettings()
        {
            var provider = ProviderRegistry.Providers.First(p => p.Credential != null && p.Settings.Any(s => s.Kind == SettingKind.Uri));
            var settings = new ConnectionSettings
            {
                Provider = provider.Name,
                Index = "films",
                DefaultNamespace = "drama",
                RequestTimeout = TimeSpan.FromSeconds(12.5),
                MaxAttempts = 4,
                RequestsPerSecond = 7.25,
            };
            settings[provider.Settings.First(s => s.Kind == SettingKind.Uri).Name] = new Uri("https://films.example.test/");
            return (provider, settings);
        }

        [Fact]
        public void A_profile_round_trips_through_the_file_with_every_setting_and_its_credential_source()
        {
            var (provider, settings) = RemoteSettings();
            var from = CredentialReference.FromSecret("FilmsKey", "Team");
            var store = Store();
            store.Save(ConnectionProfile.FromSettings("prod", settings, from), force: false);

            var read = Assert.Single(new ProfileStore(store.Folder).List());
            Assert.Equal("prod", read.Name);
            Assert.Equal(provider.Name, read.Provider);
            Assert.Equal("films", read.Index);
            Assert.Equal("drama", read.Namespace);
            Assert.Equal(TimeSpan.FromSeconds(12.5), read.RequestTimeout);
            Assert.Equal(4, read.MaxAttempts);
            Assert.Equal(7.25, read.RequestsPerSecond);
            Assert.Equal(from, read.CredentialFrom);
            Assert.Equal("Secret:FilmsKey@Team", read.CredentialSource);

            var applied = new ConnectionSettings();
            read.ApplyTo(applied);
            Assert.Equal(provider.Name, applied.Provider);
            Assert.Equal("films", applied.Index);
            Assert.Equal("drama", applied.DefaultNamespace);
            Assert.Equal(TimeSpan.FromSeconds(12.5), applied.RequestTimeout);
            Assert.Equal(settings.Values.Single().Value, applied[settings.Values.Single().Key]);
            Assert.Null(applied.Credential);
        }

        [Fact]
        public void A_file_path_setting_is_saved_absolute_and_the_profile_name_is_checked()
        {
            var path = Local.Settings.First(s => s.Kind == SettingKind.FilePath).Name;
            var settings = new ConnectionSettings { Provider = Local.Name, Index = "demo" };
            settings[path] = "relative/vectors.db";
            var profile = ConnectionProfile.FromSettings("local", settings, null);
            Assert.Equal(Path.GetFullPath("relative/vectors.db"), profile.Settings[path]);

            foreach (var bad in new[] { "", " ", "a b", "x/y", "star*", "-dash", new string('a', 65) })
                Assert.Equal(ErrorIds.InvalidProfileName, Assert.Throws<VectorOpsException>(() => ConnectionProfile.FromSettings(bad, settings, null)).ErrorId);
            // A provider without a credential names no source for one.
            Assert.Equal(ErrorIds.InvalidSetting, Assert.Throws<VectorOpsException>(() =>
                ConnectionProfile.FromSettings("local", settings, CredentialReference.FromEnvironment("KEY"))).ErrorId);
        }

        [Fact]
        public void No_secret_reaches_the_file_a_credential_is_never_read_and_a_value_holding_one_is_refused()
        {
            var (_, settings) = RemoteSettings();
            const string key = "sk-never-in-a-file-0123456789abcdef";
            settings.Credential = Secret.FromPlainText(key);
            var store = Store();
            store.Save(ConnectionProfile.FromSettings("with-key", settings, CredentialReference.FromEnvironment("FILMS_KEY")), force: false);
            var text = File.ReadAllText(store.FilePath);
            Assert.DoesNotContain(key, text);
            Assert.Contains("Environment:FILMS_KEY", text);

            // Every setting whose value can carry a secret (a connection string with a password): refused, not echoed.
            var carriers = ProviderRegistry.Providers.SelectMany(p => p.Settings.Where(s => s.CarriesSecret != null).Select(s => (p, s))).ToList();
            Assert.NotEmpty(carriers);
            foreach (var (provider, setting) in carriers)
            {
                const string password = "pw-never-in-a-file-42";
                var value = $"Host=db.example.test;Username=app;Password={password};Database=vectors";
                Assert.True(setting.HoldsSecret(value), setting.Name);
                var withSecret = new ConnectionSettings { Provider = provider.Name, Index = "t" };
                withSecret[setting.Name] = value;
                var ex = Assert.Throws<VectorOpsException>(() => ConnectionProfile.FromSettings("carrier", withSecret, null));
                Assert.Equal(ErrorIds.ProfileHoldsSecret, ex.ErrorId);
                Assert.DoesNotContain(password, ex.Message);
            }
            Assert.DoesNotContain("pw-never-in-a-file-42", File.ReadAllText(store.FilePath));
            Assert.Single(store.List());
        }

        [Theory]
        [InlineData("{ \"schemaVersion\": 1, \"profiles\": [ { \"name\": ")]
        [InlineData("[]")]
        [InlineData("{ \"profiles\": [] }")]
        [InlineData("{ \"schemaVersion\": 99, \"profiles\": [] }")]
        [InlineData("{ \"schemaVersion\": 1, \"profiles\": [ { \"name\": \"a\", \"provider\": \"Local\" }, { \"name\": \"A\", \"provider\": \"Local\" } ] }")]
        [InlineData("{ \"schemaVersion\": 1, \"profiles\": [ { \"name\": \"a\", \"provider\": \"Local\", \"credentialSource\": \"plain-text-key\" } ] }")]
        [InlineData("{ \"schemaVersion\": 1, \"profiles\": [ { \"name\": \"a\", \"provider\": \"Local\", \"maxAttempts\": \"five\" } ] }")]
        public void A_corrupt_file_is_an_error_naming_it_and_is_never_replaced(string content)
        {
            var store = Store();
            Directory.CreateDirectory(store.Folder);
            File.WriteAllText(store.FilePath, content);

            var listing = Assert.Throws<VectorOpsException>(() => store.List());
            Assert.Equal(ErrorIds.ProfileStoreCorrupt, listing.ErrorId);
            Assert.Equal(VectorOpsErrorCategory.InvalidData, listing.Category);
            Assert.Contains(store.FilePath, listing.Message);
            Assert.Equal(store.FilePath, listing.Target);

            var settings = new ConnectionSettings { Provider = Local.Name, Index = "demo" };
            Assert.Equal(ErrorIds.ProfileStoreCorrupt, Assert.Throws<VectorOpsException>(() =>
                store.Save(ConnectionProfile.FromSettings("new", settings, null), force: true)).ErrorId);
            Assert.Equal(ErrorIds.ProfileStoreCorrupt, Assert.Throws<VectorOpsException>(() => store.Remove(new[] { "a" })).ErrorId);
            Assert.Equal(content, File.ReadAllText(store.FilePath));
        }

        [Fact]
        public void Saving_over_a_profile_needs_force_and_removing_by_pattern_many_needs_force()
        {
            var store = Store();
            var settings = new ConnectionSettings { Provider = Local.Name, Index = "demo" };
            foreach (var n in new[] { "tmp-1", "tmp-2", "keep" }) store.Save(ConnectionProfile.FromSettings(n, settings, null), force: false);
            var exists = Assert.Throws<VectorOpsException>(() => store.Save(ConnectionProfile.FromSettings("TMP-1", settings, null), force: false));
            Assert.Equal(ErrorIds.ProfileExists, exists.ErrorId);

            Assert.Equal(ErrorIds.ProfilePatternMatchesMany, Assert.Throws<VectorOpsException>(() => store.Select("tmp-*", force: false)).ErrorId);
            Assert.Equal(ErrorIds.ProfileNotFound, Assert.Throws<VectorOpsException>(() => store.Select("tmp-9", force: false)).ErrorId);
            Assert.Empty(store.Select("none-*", force: false));
            Assert.Equal(new[] { "tmp-1", "tmp-2" }, store.Select("tmp-*", force: true).Select(p => p.Name));
            Assert.Equal(new[] { "keep", "tmp-1", "tmp-2" }, store.List().Select(p => p.Name));
            Assert.True(store.Remove(new[] { "tmp-1", "tmp-2" }));
            Assert.Equal(new[] { "keep" }, store.List().Select(p => p.Name));
            // Written whole and moved into place: no temporary file is left beside it.
            Assert.Equal(new[] { ProfileStore.FileName }, Directory.GetFiles(store.Folder).Select(Path.GetFileName));
        }

        [Fact]
        public void The_file_is_readable_by_its_owner_only_on_Unix_and_carries_its_schema_version()
        {
            var store = Store();
            store.Save(ConnectionProfile.FromSettings("mode", new ConnectionSettings { Provider = Local.Name, Index = "demo" }, null), force: false);
            using (var doc = JsonDocument.Parse(File.ReadAllText(store.FilePath)))
                Assert.Equal(ProfileStore.SchemaVersion, doc.RootElement.GetProperty("schemaVersion").GetInt32());
            if (OperatingSystem.IsWindows()) return;
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.FilePath));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(store.Folder));
            // Still 0600 after it is replaced.
            store.Save(ConnectionProfile.FromSettings("mode2", new ConnectionSettings { Provider = Local.Name, Index = "demo" }, null), force: false);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.FilePath));
        }

        [Theory]
        [InlineData("Environment:FILMS_KEY", CredentialReferenceKind.Environment, "FILMS_KEY", null)]
        [InlineData("secret:FilmsKey", CredentialReferenceKind.Secret, "FilmsKey", null)]
        [InlineData("Secret:team@films@Vault1", CredentialReferenceKind.Secret, "team@films", "Vault1")]
        public void Credential_sources_are_read_and_written_back(string text, CredentialReferenceKind kind, string name, string? vault)
        {
            var r = CredentialReference.Parse(text);
            Assert.Equal(kind, r.Kind);
            Assert.Equal(name, r.Name);
            Assert.Equal(vault, r.Vault);
            Assert.Equal(r, CredentialReference.Parse(r.ToString()));
        }

        [Theory]
        [InlineData("sk-plain-key")]
        [InlineData("Environment:")]
        [InlineData("Environment:A=B")]
        [InlineData("Secret:")]
        [InlineData("Secret:name@")]
        public void Anything_else_is_not_a_credential_source(string text) =>
            Assert.Equal(ErrorIds.InvalidCredentialSource, Assert.Throws<VectorOpsException>(() => CredentialReference.Parse(text)).ErrorId);

        [Fact]
        public void Reading_a_profile_credential_from_the_environment_or_a_vault()
        {
            var settings = new ConnectionSettings();
            var variable = "VECTOROPS_PROFILE_TEST_" + Guid.NewGuid().ToString("N");
            var missing = Assert.Throws<VectorOpsException>(() => ConnectionProfile.ReadCredential(settings, CredentialReference.FromEnvironment(variable), _ => null));
            Assert.Equal(ErrorIds.MissingCredential, missing.ErrorId);
            Environment.SetEnvironmentVariable(variable, "  env-key-value-1234567890  ");
            try
            {
                ConnectionProfile.ReadCredential(settings, CredentialReference.FromEnvironment(variable), _ => null);
                Assert.Equal("Environment:" + variable, settings.CredentialSource);
                Assert.Equal("********7890", settings.Credential!.Mask);
            }
            finally
            {
                Environment.SetEnvironmentVariable(variable, null);
            }
            CredentialReference? asked = null;
            ConnectionProfile.ReadCredential(settings, CredentialReference.FromSecret("K", "V"), r => { asked = r; return Secret.FromPlainText("vault-key-value-abcdefgh"); });
            Assert.Equal("Secret:K@V", asked!.ToString());
            Assert.Equal("Secret:K@V", settings.CredentialSource);
            Assert.Equal(ErrorIds.SecretNotFound, Assert.Throws<VectorOpsException>(() =>
                ConnectionProfile.ReadCredential(settings, CredentialReference.FromSecret("K"), _ => null)).ErrorId);
        }

        [Fact]
        public void The_CLI_takes_its_options_over_the_profile_and_the_profile_over_the_environment()
        {
            var store = Store();
            var settings = new ConnectionSettings { Provider = Local.Name, Index = "profile-index" };
            settings[Local.Settings.First(s => s.Kind == SettingKind.FilePath).Name] = Path.Combine(_folder, "profile.db");
            store.Save(ConnectionProfile.FromSettings("p", settings, null), force: false);
            var env = new Dictionary<string, string> { ["VECTOROPS_CONFIG_HOME"] = store.Folder, ["VECTOROPS_INDEX"] = "env-index" };

            // The store does not exist, so the error names the index and the store the connection was built with.
            var fromProfile = CliRunner.Run(new[] { "--profile", "p", "stats" }, env: env);
            Assert.Equal(2, fromProfile.ExitCode);
            Assert.Contains("IndexNotFound", fromProfile.Stderr);
            Assert.Contains("'profile-index'", fromProfile.Stderr);
            Assert.Contains("profile.db", fromProfile.Stderr);

            var overridden = CliRunner.Run(new[] { "stats", "--profile", "p", "--index", "option-index", "--store", Path.Combine(_folder, "option.db") }, env: env);
            Assert.Contains("'option-index'", overridden.Stderr);
            Assert.Contains("option.db", overridden.Stderr);

            var withoutProfile = CliRunner.Run(new[] { "stats", "--store", Path.Combine(_folder, "x.db") }, env: env);
            Assert.Contains("'env-index'", withoutProfile.Stderr);

            var unknown = CliRunner.Run(new[] { "--profile", "q", "stats" }, env: env);
            Assert.Equal(2, unknown.ExitCode);
            Assert.Contains("ProfileNotFound", unknown.Stderr);
            Assert.Contains("'p'", unknown.Stderr);
        }

        [Fact]
        public void The_CLI_saves_lists_and_removes_profiles_and_refuses_one_whose_key_is_in_a_vault()
        {
            var folder = Path.Combine(_folder, "cli-config");
            var env = new Dictionary<string, string> { ["VECTOROPS_CONFIG_HOME"] = folder };
            var remote = ProviderRegistry.Providers.First(p => p.Credential != null && p.Settings.Any(s => s.Kind == SettingKind.Uri));
            var uriOption = "--" + remote.Settings.First(s => s.Kind == SettingKind.Uri).OptionName;

            var saved = CliRunner.Run(new[] { "profile", "save", "--name", "vaulted", "--provider", remote.Name, uriOption, "https://films.example.test", "--index", "films",
                "--api-key-secret", "FilmsKey", "--vault", "Team" }, env: env);
            Assert.True(saved.ExitCode == 0, saved.ToString());
            var listed = CliRunner.Run(new[] { "profile", "list", "--json" }, env: env);
            var profile = Assert.Single(listed.JsonLines());
            Assert.Equal("vaulted", profile.GetProperty("name").GetString());
            Assert.Equal("Secret:FilmsKey@Team", profile.GetProperty("credentialSource").GetString());

            var refused = CliRunner.Run(new[] { "--profile", "vaulted", "stats" }, env: env);
            Assert.Equal(2, refused.ExitCode);
            Assert.Contains("SecretManagementUnavailable", refused.Stderr);
            Assert.Contains("--api-key-file", refused.Stderr);

            Assert.Equal(2, CliRunner.Run(new[] { "profile", "save", "--name", "vaulted", "--index", "x" }, env: env).ExitCode);
            Assert.Equal(0, CliRunner.Run(new[] { "profile", "save", "--name", "local", "--index", "x", "--what-if" }, env: env).ExitCode);
            Assert.Single(CliRunner.Run(new[] { "profile", "list", "--json" }, env: env).JsonLines());
            Assert.Equal(0, CliRunner.Run(new[] { "profile", "remove", "--name", "vaulted" }, env: env).ExitCode);
            Assert.Empty(CliRunner.Run(new[] { "profile", "list", "--json" }, env: env).JsonLines());
            Assert.Equal(2, CliRunner.Run(new[] { "profile" }, env: env).ExitCode);
        }
    }
}
