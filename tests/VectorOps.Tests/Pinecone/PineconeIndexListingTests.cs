using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using VectorOps.Connections;
using VectorOps.Errors;
using VectorOps.Providers;
using VectorOps.Security;
using Xunit;

namespace VectorOps.Tests.Pinecone
{
    /// <summary>
    /// The optional index listing on a service: Pinecone's control plane (GET /indexes, through Prism validating
    /// db_control 2026-04), one read-only call; the key never in an error; completion offers nothing on a failure.
    /// </summary>
    public sealed class PineconeIndexListingTests : PineconeTestBase
    {
        public PineconeIndexListingTests(PineconeFixture fixture) : base(fixture) { }

        private ConnectionSettings Settings(string key = PineconeFixture.Key) => new ConnectionSettings
        {
            Provider = "Pinecone",
            ["BaseUri"] = Fixture.ControlPrism.Uri,
            Credential = Secret.FromPlainText(key),
            RequestTimeout = TimeSpan.FromSeconds(20),
        };

        [Fact]
        public async Task The_projects_indexes_are_listed_in_one_read_only_call()
        {
            Fixture.Control.AddIndex("music-test", Fixture.Prism.Uri.Authority);
            var names = await ProviderRegistry.Get("Pinecone").ListIndexesAsync(Settings(), CancellationToken.None);
            Assert.Contains(PineconeFixture.IndexName, names);
            Assert.Contains("music-test", names);
            var call = Assert.Single(Fixture.Control.Journal.Entries);
            Assert.Equal("listIndexes", call.Operation);
            Assert.False(call.Mutating);
            Assert.Equal(200, call.Status);
            Assert.Empty(Journal.Entries);
            AssertNoViolations();
        }

        [Fact]
        public void Completion_offers_the_indexes_starting_with_what_was_typed()
        {
            Fixture.Control.AddIndex("music-test", Fixture.Prism.Uri.Authority);
            Assert.Equal(new[] { "movies-test", "music-test" }, IndexCompletion.Complete(Settings(), "m", TimeSpan.FromSeconds(20)));
            Assert.Equal(new[] { "music-test" }, IndexCompletion.Complete(Settings(), "MU", TimeSpan.FromSeconds(20)));
            AssertNoViolations();
        }

        [Fact]
        public async Task A_wrong_key_is_an_error_without_the_key_and_completes_to_nothing()
        {
            const string wrong = "pcsk_wrong_9Zx8-SECRET-0000aaaa1111";
            var ex = await Assert.ThrowsAsync<VectorOpsException>(() => ProviderRegistry.Get("Pinecone").ListIndexesAsync(Settings(wrong), CancellationToken.None));
            Assert.Equal(ErrorIds.ProviderAuthenticationFailed, ex.ErrorId);
            Assert.DoesNotContain(wrong, ex.ToString());
            Assert.DoesNotContain(PineconeFixture.Key, ex.ToString());
            Assert.Empty(IndexCompletion.Complete(Settings(wrong), "", TimeSpan.FromSeconds(20)));
        }

        [Fact]
        public async Task Without_a_key_nothing_is_sent_and_nothing_is_offered()
        {
            var settings = new ConnectionSettings { Provider = "Pinecone", ["BaseUri"] = Fixture.ControlPrism.Uri };
            if (Environment.GetEnvironmentVariable("PINECONE_API_KEY") is null && Environment.GetEnvironmentVariable(CredentialDescriptor.GenericEnvironmentVariable) is null)
            {
                var ex = await Assert.ThrowsAsync<VectorOpsException>(() => ProviderRegistry.Get("Pinecone").ListIndexesAsync(settings, CancellationToken.None));
                Assert.Equal(ErrorIds.MissingCredential, ex.ErrorId);
            }
            Assert.Empty(IndexCompletion.Complete(new ConnectionSettings { Provider = "Pinecone", ["BaseUri"] = Fixture.ControlPrism.Uri }, ""));
            Assert.DoesNotContain(Fixture.Control.Journal.Entries, e => e.Status == 200);
        }
    }
}
