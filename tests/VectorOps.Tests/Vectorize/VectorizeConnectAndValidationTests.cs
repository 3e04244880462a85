using System;
using System.Linq;
using VectorOps.Commands;
using VectorOps.Errors;
using VectorOps.Providers;
using VectorOps.Providers.Vectorize;
using VectorOps.Security;
using Xunit;

namespace VectorOps.Tests.Vectorize
{
    /// <summary>Bad settings and bad names are clear errors raised before any request.</summary>
    public sealed class VectorizeConnectAndValidationTests : VectorizeTestBase
    {
        public VectorizeConnectAndValidationTests(VectorizeFixture fixture) : base(fixture) { }

        private VectorOpsException ConnectFails(Action<ConnectionSettings> tweak)
        {
            var s = Fixture.Settings("valid-index");
            tweak(s);
            var before = Emulator.Journal.Entries.Count; // tests of the collection run one at a time
            var ex = Assert.Throws<VectorOpsException>(() => ConnectCommand.Connect(s, makeDefault: false));
            Assert.Equal(before, Emulator.Journal.Entries.Count);
            return ex;
        }

        [Theory]
        [InlineData("Uppercase")]
        [InlineData("a")]                 // at least two characters
        [InlineData("1starts-with-digit")]
        [InlineData("ends-with-dash-")]
        [InlineData("has space")]
        [InlineData("dots.are.not.allowed")]
        [InlineData("")]
        public void Invalid_index_names_are_refused_before_any_call(string name)
        {
            var ex = ConnectFails(s => s.Index = name);
            Assert.Equal(ErrorIds.InvalidIndexName, ex.ErrorId);
            Assert.Equal(VectorOpsErrorCategory.InvalidArgument, ex.Category);
            Assert.Equal(name, ex.Target);
        }

        [Fact]
        public void An_index_name_over_64_bytes_is_refused()
        {
            var name = new string('a', 65);
            var ex = ConnectFails(s => s.Index = name);
            Assert.Equal(ErrorIds.InvalidIndexName, ex.ErrorId);
            Assert.Contains("64 bytes", ex.Message, StringComparison.Ordinal);
            VectorizeNames.ValidateIndexName(new string('a', 64)); // 64 is fine
        }

        [Theory]
        [InlineData("not-hex-at-all")]
        [InlineData("0123456789abcdef0123456789abcde")]   // 31
        [InlineData("0123456789abcdef0123456789abcdef0")] // 33: the document's maxLength is 32
        public void Invalid_account_ids_are_refused(string account)
        {
            var ex = ConnectFails(s => s["AccountId"] = account);
            Assert.Equal(ErrorIds.InvalidAccountId, ex.ErrorId);
            Assert.Equal(account, ex.Target);
        }

        [Fact]
        public void The_account_and_token_come_from_the_environment_when_not_given()
        {
            var oldAccount = Environment.GetEnvironmentVariable("CLOUDFLARE_ACCOUNT_ID");
            var oldToken = Environment.GetEnvironmentVariable("CLOUDFLARE_API_TOKEN");
            try
            {
                Environment.SetEnvironmentVariable("CLOUDFLARE_ACCOUNT_ID", null);
                Environment.SetEnvironmentVariable("CLOUDFLARE_API_TOKEN", null);
                Assert.Equal(ErrorIds.MissingAccountId, ConnectFails(s => s["AccountId"] = null).ErrorId);
                var missing = ConnectFails(s => s.Credential = null);
                Assert.Equal(ErrorIds.MissingCredential, missing.ErrorId);
                Assert.Equal(VectorOpsErrorCategory.InvalidArgument, missing.Category);
                Assert.Contains("CLOUDFLARE_API_TOKEN", missing.Message, StringComparison.Ordinal);

                Environment.SetEnvironmentVariable("CLOUDFLARE_ACCOUNT_ID", Fixture.AccountId);
                Environment.SetEnvironmentVariable("CLOUDFLARE_API_TOKEN", VectorizeFixture.Token);
                var index = Fixture.NewIndex();
                index.Seed("doc-", 3);
                using var connection = Fixture.Connect(index.Name, s =>
                {
                    s["AccountId"] = null;
                    s.Credential = null;
                });
                var stats = Sync(connection.ProviderInstance.GetStatsAsync(default));
                Assert.Equal(3, stats.TotalRecordCount);
                Assert.Equal(4, stats.Dimension);
                Assert.Equal(Secret.FromPlainText(VectorizeFixture.Token)!.Mask, connection.Credential); // masked, never the token
                Assert.StartsWith("********", connection.Credential, StringComparison.Ordinal);
            }
            finally
            {
                Environment.SetEnvironmentVariable("CLOUDFLARE_ACCOUNT_ID", oldAccount);
                Environment.SetEnvironmentVariable("CLOUDFLARE_API_TOKEN", oldToken);
            }
        }

        [Theory]
        [InlineData("http://api.cloudflare.com/client/v4", ErrorIds.InsecureEndpoint)]
        [InlineData("http://10.0.0.5:8080/", ErrorIds.InsecureEndpoint)]
        [InlineData("ftp://127.0.0.1/", ErrorIds.InvalidEndpoint)]
        public void Plain_http_is_refused_except_for_loopback(string uri, string errorId)
        {
            var ex = ConnectFails(s => s["BaseUri"] = new Uri(uri));
            Assert.Equal(errorId, ex.ErrorId);
        }

        [Fact]
        public void The_default_base_uri_is_cloudflares_api_over_https()
        {
            var s = Fixture.Settings("valid-index");
            s["BaseUri"] = null;
            using var connection = ConnectCommand.Connect(s, makeDefault: false);
            Assert.Equal($"https://api.cloudflare.com/client/v4/accounts/{Fixture.AccountId}/vectorize/v2/indexes/valid-index", connection.Endpoint);
        }

        [Theory]
        [InlineData(0.0)]
        [InlineData(-1.0)]
        [InlineData(double.NaN)]
        public void A_nonsensical_request_rate_is_refused(double rps)
        {
            Assert.Equal(ErrorIds.InvalidArgument, ConnectFails(s => s.RequestsPerSecond = rps).ErrorId);
        }

        [Fact]
        public void Both_provider_names_connect_and_capabilities_tell_the_truth()
        {
            foreach (var name in new[] { "CloudflareVectorize", "Vectorize", "vectorize" })
            {
                var s = Fixture.Settings("valid-index");
                s.Provider = name;
                s.RequestsPerSecond = null;
                using var connection = ConnectCommand.Connect(s, makeDefault: false);
                var p = connection.ProviderInstance;
                Assert.Equal("CloudflareVectorize", p.Name);
                Assert.Equal("__default__", p.DefaultNamespace);
                Assert.Equal(100, p.Capabilities.MaxIdsPerDelete);
                Assert.Equal(100, p.Capabilities.MaxIdsPerFetch);
                Assert.Equal(500, p.Capabilities.MaxRecordsPerUpsert);
                Assert.False(p.Capabilities.NativeFilterDelete);
                Assert.False(p.Capabilities.NativeNamespaceClear);
                Assert.False(p.Capabilities.CountsFilterMatches);
                Assert.False(p.Capabilities.CanRemoveNamespace);
                Assert.True(p.Capabilities.AsyncMutations);
                var vectorize = Assert.IsType<VectorizeProvider>(p);
                Assert.True(vectorize.RequestsPerSecond * 300 < 1200, "the default pace stays under 1,200 requests per 5 minutes");
                // 0.9 of the limit: close to it, with 120 requests per 5 minutes left to the account's other clients.
                Assert.Equal(3.6, vectorize.RequestsPerSecond);
                Assert.True(vectorize.RequestsPerSecond * 300 <= 1200 - 120);
            }
        }

        [Fact]
        public void Invalid_ids_are_reported_by_name_and_nothing_of_that_input_is_sent()
        {
            var index = Fixture.NewIndex();
            index.Seed("doc-", 3);
            using var connection = Fixture.Connect(index.Name);
            var tooLong = new string('x', 65);
            var tooManyBytes = new string('é', 33); // 33 characters, 66 bytes in UTF-8
            var remove = new RemoveByIdsCommand(Host, connection);
            remove.Add(new[] { "doc-00000", tooLong, tooManyBytes });
            remove.Add(new[] { "" });
            remove.Complete();

            Assert.Equal(3, Host.Errors.Count);
            Assert.All(Host.Errors, e => Assert.Equal(ErrorIds.InvalidId, e.ErrorId));
            Assert.Contains(Host.Errors, e => tooLong.Equals(e.Target));
            Assert.Contains(Host.Errors, e => tooManyBytes.Equals(e.Target));
            Assert.Contains(Host.Errors, e => e.Exception.Message.Contains("66 bytes", StringComparison.Ordinal));
            Assert.Empty(Fixture.Calls(index.Name));
            Assert.True(index.Contains("doc-00000"));
            VectorizeNames.ValidateId(new string('é', 32)); // 64 bytes is fine
        }

        [Fact]
        public void An_invalid_namespace_is_refused_with_no_call()
        {
            var index = Fixture.NewIndex();
            index.Seed("doc-", 3);
            using var connection = Fixture.Connect(index.Name);
            var ns = new string('n', 65);

            var remove = new RemoveByIdsCommand(Host, connection);
            remove.Add(new[] { "doc-00000" }, ns);
            remove.Complete();
            var clear = new ClearNamespaceCommand(Host, connection);
            clear.Clear(ns);
            clear.Complete();
            new RemoveByPrefixCommand(Host, connection, "doc-", new RemoveOptions { Force = true }).Execute(new[] { ns });

            Assert.Equal(3, Host.Errors.Count);
            Assert.All(Host.Errors, e => Assert.Equal(ErrorIds.InvalidNamespace, e.ErrorId));
            Assert.All(Host.Errors, e => Assert.Equal(ns, e.Target));
            Assert.Empty(Fixture.Calls(index.Name));

            var s = Fixture.Settings(index.Name);
            s.DefaultNamespace = ns;
            Assert.Equal(ErrorIds.InvalidNamespace, Assert.Throws<VectorOpsException>(() => ConnectCommand.Connect(s, makeDefault: false)).ErrorId);
        }

        [Fact]
        public void An_empty_prefix_or_filter_is_never_everything()
        {
            var index = Fixture.NewIndex();
            using var connection = Fixture.Connect(index.Name);
            Assert.Equal(ErrorIds.InvalidPrefix, Assert.Throws<VectorOpsException>(() => new RemoveByPrefixCommand(Host, connection, "")).ErrorId);
            Assert.Equal(ErrorIds.EmptyFilter, Assert.Throws<VectorOpsException>(() => VectorOps.Filtering.MetadataFilter.ParseJson("{}")).ErrorId);
            Assert.Empty(Fixture.Calls(index.Name));
        }
    }
}
