using System;
using System.Linq;
using VectorOps.Commands;
using VectorOps.Errors;
using VectorOps.Providers;
using VectorOps.Providers.Pinecone;
using VectorOps.Security;
using VectorOps.Tests.Support;
using Xunit;

namespace VectorOps.Tests.Pinecone
{
    public sealed class PineconeConnectTests : PineconeTestBase
    {
        public PineconeConnectTests(PineconeFixture fixture) : base(fixture) { }

        [Fact]
        public void Registry_KnowsPinecone()
        {
            Assert.Contains("Pinecone", ProviderRegistry.Names);
        }

        [Fact]
        public void IndexHost_ConnectsWithoutACall_AndShowsNoKey()
        {
            using var connection = ConnectCommand.Connect(Fixture.Settings(), makeDefault: false);
            Assert.Equal("Pinecone", connection.Provider);
            Assert.Equal(Fixture.Prism.Uri.GetLeftPart(UriPartial.Authority), connection.Endpoint);
            Assert.Equal("__default__", connection.Namespace);
            Assert.DoesNotContain(PineconeFixture.Key, connection.Credential);
            Assert.EndsWith(PineconeFixture.Key.Substring(PineconeFixture.Key.Length - 4), connection.Credential);
            var provider = Assert.IsType<PineconeProvider>(connection.ProviderInstance);
            Assert.Equal("2026-04", provider.ApiVersion);
            Assert.True(provider.Capabilities.NativeFilterDelete);
            Assert.Equal(1000, provider.Capabilities.MaxIdsPerDelete);
            Assert.True(provider.DeleteRequestsPerSecond <= 100);
            Assert.Empty(Journal.Entries);
        }

        [Fact]
        public void IndexName_IsResolvedThroughDescribeIndex_ThenUsed()
        {
            Emulator.Store.Seed("docs", Records("d-", 3));
            var settings = new ConnectionSettings
            {
                Provider = "Pinecone",
                Index = PineconeFixture.IndexName,
                ["BaseUri"] = Fixture.ControlPrism.Uri,
                Credential = Secret.FromPlainText(PineconeFixture.Key),
            };
            using var connection = ConnectCommand.Connect(settings, makeDefault: false);
            Assert.Equal(PineconeFixture.IndexName, connection.Index);
            Assert.Equal(Fixture.Prism.Uri.GetLeftPart(UriPartial.Authority), connection.Endpoint);
            var describe = Assert.Single(Fixture.Control.Journal.Entries);
            Assert.Equal("describeIndex", describe.Operation);
            Assert.Equal(PineconeFixture.IndexName, describe.Scope);
            Assert.Equal(200, describe.Status);

            var host = new RecordingHost();
            var command = new RemoveByIdsCommand(host, connection);
            command.Add(new[] { "d-000000" }, "docs");
            command.Complete();
            Assert.Empty(host.Errors);
            Assert.Equal(new[] { "d-000000" }, Journal.DeletedIds("docs"));
            AssertNoViolations();
        }

        [Fact]
        public void IndexName_Unknown_IsObjectNotFoundNamingTheIndex()
        {
            var settings = new ConnectionSettings
            {
                Provider = "Pinecone", Index = "no-such-index", ["BaseUri"] = Fixture.ControlPrism.Uri, Credential = Secret.FromPlainText(PineconeFixture.Key),
            };
            var ex = Assert.Throws<VectorOpsException>(() => ConnectCommand.Connect(settings, makeDefault: false));
            Assert.Equal(ErrorIds.ProviderNotFound, ex.ErrorId);
            Assert.Equal(VectorOpsErrorCategory.ObjectNotFound, ex.Category);
            Assert.Contains("no-such-index", ex.Message);
            Assert.Equal("NOT_FOUND", ex.ProviderCode);
            AssertNoViolations();
        }

        [Theory]
        [InlineData("Movies")]
        [InlineData("-movies")]
        [InlineData("movies_2")]
        public void IndexName_Invalid_IsRefusedBeforeAnyCall(string name)
        {
            var settings = new ConnectionSettings
            {
                Provider = "Pinecone", Index = name, ["BaseUri"] = Fixture.ControlPrism.Uri, Credential = Secret.FromPlainText(PineconeFixture.Key),
            };
            var ex = Assert.Throws<VectorOpsException>(() => ConnectCommand.Connect(settings, makeDefault: false));
            Assert.Equal(ErrorIds.InvalidIndexName, ex.ErrorId);
            Assert.Equal(name, ex.Target);
            Assert.Empty(Fixture.Control.Journal.Entries);
        }

        [Fact]
        public void NeitherHostNorIndex_IsAClearError()
        {
            var ex = Assert.Throws<VectorOpsException>(() => PineconeProvider.Create(new ConnectionSettings { Provider = "Pinecone", Credential = Secret.FromPlainText("k") }));
            Assert.Equal(ErrorIds.InvalidArgument, ex.ErrorId);
            Assert.Contains("-IndexHost", ex.Message);
        }

        [Theory]
        [InlineData("2024-07")]
        [InlineData("latest")]
        public void ApiVersion_Unsupported_IsRefused(string version)
        {
            var s = Fixture.Settings();
            s["ApiVersion"] = version;
            var ex = Assert.Throws<VectorOpsException>(() => PineconeProvider.Create(s));
            Assert.Equal(ErrorIds.InvalidSetting, ex.ErrorId);
            Assert.Contains(version, ex.Message);
            Assert.Contains("2026-04", ex.Message);
        }

        [Fact]
        public void ApiVersion_202510_IsAccepted_WithoutNativeFilterDelete()
        {
            var s = Fixture.Settings("2025-10");
            using var provider = (PineconeProvider)PineconeProvider.Create(s);
            Assert.Equal("2025-10", provider.ApiVersion);
            Assert.False(provider.Capabilities.NativeFilterDelete);
            Assert.True(provider.Capabilities.CountsFilterMatches);
        }

        [Fact]
        public void Key_FromTheEnvironment_WhenNoneIsGiven_AndMissingEverywhere_IsMissingCredential()
        {
            var saved = Environment.GetEnvironmentVariable("PINECONE_API_KEY");
            try
            {
                Environment.SetEnvironmentVariable("PINECONE_API_KEY", null);
                var s = Fixture.Settings(key: null);
                var ex = Assert.Throws<VectorOpsException>(() => PineconeProvider.Create(s));
                Assert.Equal(ErrorIds.MissingCredential, ex.ErrorId);
                Assert.Equal(VectorOpsErrorCategory.InvalidArgument, ex.Category);
                Assert.Contains("PINECONE_API_KEY", ex.Message);

                Environment.SetEnvironmentVariable("PINECONE_API_KEY", "   ");
                Assert.Equal(ErrorIds.MissingCredential, Assert.Throws<VectorOpsException>(() => PineconeProvider.Create(s)).ErrorId);

                Environment.SetEnvironmentVariable("PINECONE_API_KEY", PineconeFixture.Key);
                using var connection = ConnectCommand.Connect(s, makeDefault: false);
                var host = new RecordingHost();
                new GetNamespacesCommand(host, connection).Execute();
                Assert.Empty(host.Errors);
                Assert.Single(Journal.Of("listNamespaces"), e => e.Status == 200);
            }
            finally
            {
                Environment.SetEnvironmentVariable("PINECONE_API_KEY", saved);
            }
            AssertNoViolations();
        }

        [Theory]
        [InlineData("http://movies-c01b5b5.svc.aped-4627-b74a.pinecone.io")]
        [InlineData("http://10.0.0.5:8080")]
        public void PlainHttp_ToANonLoopbackHost_IsRefused(string host)
        {
            var s = Fixture.Settings();
            s["IndexHost"] = new Uri(host);
            var ex = Assert.Throws<VectorOpsException>(() => PineconeProvider.Create(s));
            Assert.Equal(ErrorIds.InsecureEndpoint, ex.ErrorId);
            Assert.Equal(VectorOpsErrorCategory.SecurityError, ex.Category);
        }

        [Fact]
        public void PlainHttp_ControlPlaneOffLoopback_IsRefusedBeforeAnyCall()
        {
            var s = new ConnectionSettings
            {
                Provider = "Pinecone", Index = "movies", ["BaseUri"] = new Uri("http://api.pinecone.io"), Credential = Secret.FromPlainText("k"),
            };
            Assert.Equal(ErrorIds.InsecureEndpoint, Assert.Throws<VectorOpsException>(() => PineconeProvider.Create(s)).ErrorId);
        }

        [Fact]
        public void Https_IndexHost_IsAccepted_AndNamedByItsFirstLabel()
        {
            var s = Fixture.Settings();
            s["IndexHost"] = new Uri("https://movies-c01b5b5.svc.aped-4627-b74a.pinecone.io");
            using var provider = PineconeProvider.Create(s);
            Assert.Equal("movies-c01b5b5", provider.Index);
            Assert.Equal("https://movies-c01b5b5.svc.aped-4627-b74a.pinecone.io", provider.Endpoint);
        }

        [Fact]
        public void DescribeIndexHost_IsHttps_ExceptALoopbackHostFromALoopbackControlPlane()
        {
            Assert.Equal("https://movies-c01b5b5.svc.pinecone.io/", PineconeProvider.HostUri("movies-c01b5b5.svc.pinecone.io", new Uri("https://api.pinecone.io")).ToString());
            Assert.Equal("http://127.0.0.1:5081/", PineconeProvider.HostUri("127.0.0.1:5081", new Uri("http://127.0.0.1:5080")).ToString());
            Assert.Equal("https://127.0.0.1:5081/", PineconeProvider.HostUri("127.0.0.1:5081", new Uri("https://api.pinecone.io")).ToString());
            Assert.Equal(ErrorIds.InsecureEndpoint, Assert.Throws<VectorOpsException>(() =>
                PineconeProvider.HostUri("http://movies.svc.pinecone.io", new Uri("https://api.pinecone.io"))).ErrorId);
        }
    }
}
