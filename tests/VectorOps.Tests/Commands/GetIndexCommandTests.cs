using System.Linq;
using VectorOps.Commands;
using VectorOps.Model;
using Xunit;

namespace VectorOps.Tests.Commands
{
    /// <summary>GetIndexCommand: what Get-VectorIndex and `vectorops stats` write.</summary>
    public sealed class GetIndexCommandTests : CommandTestBase
    {
        [Fact]
        public void Writes_one_description_with_the_endpoint_every_namespace_and_the_total_from_one_statistics_call()
        {
            Provider.Seed("zeta", 3);
            Provider.Seed("alpha", 5);

            new GetIndexCommand(Host, Connection).Execute();

            var info = Assert.IsType<VectorIndexInfo>(Assert.Single(Host.Output));
            Assert.Equal("Fake", info.Provider);
            Assert.Equal("test-index", info.Index);
            Assert.Equal("memory://fake", info.Endpoint);
            Assert.Equal(8, info.TotalRecordCount);
            Assert.Null(info.Metric); // the fake reports none: unknown, never guessed
            Assert.Equal(new[] { "alpha", "zeta" }, info.Namespaces.Select(n => n.Name)); // sorted by name
            Assert.Equal(new long?[] { 5, 3 }, info.Namespaces.Select(n => n.RecordCount));
            Assert.Equal(2, info.NamespaceCount);
            Assert.Equal(new[] { "GetStats" }, Provider.Calls.ToArray());
            Assert.Empty(Host.Errors);
            Assert.Empty(Host.ThreadViolations);
        }

        [Fact]
        public void An_empty_index_has_no_namespaces_and_a_total_of_zero()
        {
            new GetIndexCommand(Host, Connection).Execute();
            var info = Assert.IsType<VectorIndexInfo>(Assert.Single(Host.Output));
            Assert.Empty(info.Namespaces);
            Assert.Equal(0, info.TotalRecordCount);
        }

        [Fact]
        public void Writes_nothing_and_calls_nothing_once_stopped()
        {
            Host.Cancel();
            new GetIndexCommand(Host, Connection).Execute();
            Assert.Empty(Host.Output);
            Assert.Empty(Provider.Calls);
        }
    }
}
