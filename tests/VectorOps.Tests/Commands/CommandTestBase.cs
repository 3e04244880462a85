using System.Collections.Generic;
using System.Linq;
using VectorOps.Connections;
using VectorOps.Model;
using VectorOps.Providers;
using VectorOps.Tests.Support;

namespace VectorOps.Tests.Commands
{
    public abstract class CommandTestBase
    {
        protected CommandTestBase(ProviderCapabilities? caps = null)
        {
            Provider = new FakeProvider(caps);
            Connection = new VectorConnection(Provider, null, null);
            Host = new RecordingHost();
        }

        protected FakeProvider Provider { get; }
        protected VectorConnection Connection { get; }
        protected RecordingHost Host { get; }

        protected static IEnumerable<string> Ids(int from, int count) => Enumerable.Range(from, count).Select(i => "id-" + i.ToString("D5"));

        protected List<VectorMutation> Mutations => Host.Mutations.ToList();

        /// <summary>Every id in exactly one mutation.</summary>
        protected void AssertEachIdOnce(IEnumerable<string> requested)
        {
            var reported = Mutations.SelectMany(m => m.Ids ?? new string[0]).ToList();
            Xunit.Assert.Equal(requested.OrderBy(x => x), reported.OrderBy(x => x));
        }
    }
}
