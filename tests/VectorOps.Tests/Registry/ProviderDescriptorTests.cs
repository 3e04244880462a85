using System;
using System.Linq;
using VectorOps.Errors;
using VectorOps.Providers;
using VectorOps.Security;
using Xunit;

namespace VectorOps.Tests.Registry
{
    /// <summary>
    /// What the registry does with a descriptor before any provider code runs (ProviderDescriptor.Prepare): settings
    /// the provider does not take, values it cannot have and credentials it does not use are refused; names and
    /// aliases resolve; nothing is connected. Uses a descriptor of its own so no service is involved.
    /// </summary>
    public sealed class ProviderDescriptorTests
    {
        private static ProviderDescriptor Sample(bool credential) =>
            new ProviderDescriptor("SampleStore" + (credential ? "Keyed" : "Open"), "A descriptor of the tests.", _ => throw new InvalidOperationException("not connected in these tests"))
            {
                Aliases = new[] { "Sample" + (credential ? "K" : "O") },
                Credential = credential ? new CredentialDescriptor("ApiKey", "API key", "Any key.") { EnvironmentVariables = new[] { "VECTOROPS_TEST_UNSET_KEY_VARIABLE" } } : null,
                Settings = new[]
                {
                    new SettingDescriptor("IndexHost", SettingKind.Uri, "A host.") { Aliases = new[] { "Host" } },
                    new SettingDescriptor("PageSize", SettingKind.Integer, "Page size.") { Minimum = 1, Maximum = 100 },
                    new SettingDescriptor("Version", SettingKind.Text, "A version.") { SuggestedValues = new[] { "v1", "v2" }, OnlySuggestedValues = true },
                },
            };

        [Fact]
        public void A_setting_the_provider_does_not_take_is_refused_naming_it_and_the_ones_it_takes()
        {
            var s = new ConnectionSettings { ["AccountId"] = "abc" };
            var ex = Assert.Throws<VectorOpsException>(() => Sample(false).Prepare(s));
            Assert.Equal(ErrorIds.InvalidSetting, ex.ErrorId);
            Assert.Equal("AccountId", ex.Target);
            Assert.Contains("-IndexHost", ex.Message);
            Assert.Contains("-PageSize", ex.Message);
        }

        [Fact]
        public void Aliases_and_kebab_names_resolve_to_the_declared_name_and_text_is_typed()
        {
            var s = new ConnectionSettings { ["host"] = "example.test", ["page-size"] = "50", ["version"] = "V2" };
            Sample(false).Prepare(s);
            Assert.Equal(new Uri("https://example.test"), s.Find<Uri>("IndexHost"));
            Assert.Equal(50, s.Get("PageSize", 0));
            Assert.Equal("v2", s.Find<string>("Version"));
            Assert.Equal(new[] { "IndexHost", "PageSize", "Version" }, s.Values.Select(v => v.Key).OrderBy(k => k));
        }

        [Theory]
        [InlineData("PageSize", "0")]
        [InlineData("PageSize", "101")]
        [InlineData("PageSize", "ten")]
        [InlineData("Version", "v3")]
        [InlineData("Version", "  ")]
        public void Values_out_of_range_or_not_allowed_are_refused_with_the_value_as_target(string name, string value)
        {
            var s = new ConnectionSettings { [name] = value };
            var ex = Assert.Throws<VectorOpsException>(() => Sample(false).Prepare(s));
            Assert.Equal(ErrorIds.InvalidSetting, ex.ErrorId);
            Assert.Equal(VectorOpsErrorCategory.InvalidArgument, ex.Category);
            Assert.Equal(value, ex.Target);
            Assert.Contains("-" + name, ex.Message);
        }

        [Fact]
        public void A_non_http_uri_is_an_invalid_endpoint()
        {
            var ex = Assert.Throws<VectorOpsException>(() => Sample(false).Prepare(new ConnectionSettings { ["IndexHost"] = new Uri("ftp://127.0.0.1/") }));
            Assert.Equal(ErrorIds.InvalidEndpoint, ex.ErrorId);
        }

        [Fact]
        public void A_credential_given_to_a_provider_that_takes_none_is_refused_without_showing_it()
        {
            var s = new ConnectionSettings { Credential = Secret.FromPlainText("sk-do-not-show-0123456789") };
            var ex = Assert.Throws<VectorOpsException>(() => Sample(false).Prepare(s));
            Assert.Equal(ErrorIds.InvalidSetting, ex.ErrorId);
            Assert.DoesNotContain("sk-do-not-show", ex.Message);
            Assert.DoesNotContain("sk-do-not-show", ex.Target?.ToString() ?? "");
        }

        [Fact]
        public void A_missing_credential_names_the_variable_and_the_front_ends_spelling()
        {
            var s = new ConnectionSettings();
            Sample(true).Prepare(s);
            var ex = Assert.Throws<VectorOpsException>(() => s.RequireCredential());
            Assert.Equal(ErrorIds.MissingCredential, ex.ErrorId);
            Assert.Equal("VECTOROPS_TEST_UNSET_KEY_VARIABLE", ex.Target);
            Assert.Contains("-ApiKey (a SecureString) or -Credential", ex.Message);
            Assert.Contains("$env:VECTOROPS_TEST_UNSET_KEY_VARIABLE", ex.Message);
        }

        [Fact]
        public void Create_is_refused_by_providers_that_do_not_create_indexes()
        {
            var ex = Assert.Throws<VectorOpsException>(() => Sample(false).Prepare(new ConnectionSettings { CreateIfMissing = true, Index = "x" }));
            Assert.Equal(ErrorIds.NotSupported, ex.ErrorId);
            Assert.Equal("x", ex.Target);
        }

        [Fact]
        public void The_registry_refuses_an_unknown_provider_with_the_closest_name()
        {
            var known = ProviderRegistry.Providers.First().Name;
            var typo = known.Substring(0, known.Length - 1) + "x";
            var ex = Assert.Throws<VectorOpsException>(() => ProviderRegistry.Get(typo));
            Assert.Equal(ErrorIds.UnknownProvider, ex.ErrorId);
            Assert.Equal(typo, ex.Target);
            Assert.Contains("Did you mean '" + known + "'", ex.Message);
        }

        [Fact]
        public void A_name_taken_by_another_provider_cannot_be_registered()
        {
            var taken = ProviderRegistry.Providers.First().Name;
            var clash = new ProviderDescriptor("SomethingElse", "x", _ => throw new InvalidOperationException()) { Aliases = new[] { taken.ToUpperInvariant() } };
            Assert.Throws<ArgumentException>(() => ProviderRegistry.Register(clash));
            Assert.Null(ProviderRegistry.Find("SomethingElse"));
        }

        [Theory]
        [InlineData("IndexHost", "index-host")]
        [InlineData("BaseUri", "base-uri")]
        [InlineData("ListPageSize", "list-page-size")]
        [InlineData("Path", "path")]
        [InlineData("ApiVersion", "api-version")]
        public void Option_names_are_kebab_case(string name, string option) => Assert.Equal(option, SettingDescriptor.Kebab(name));
    }
}
