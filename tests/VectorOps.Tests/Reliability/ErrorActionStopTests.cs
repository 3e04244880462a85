using System;
using System.Linq;
using System.Threading;
using VectorOps.Tests.Conformance;
using VectorOps.Commands;
using VectorOps.Connections;
using VectorOps.Errors;
using VectorOps.Hosting;
using VectorOps.Model;
using VectorOps.Providers;
using VectorOps.Tests.Support;
using System.Threading.Tasks;
using Xunit;

namespace VectorOps.Tests.Reliability
{
    /// <summary>
    /// -ErrorAction Stop (and $ErrorActionPreference = 'Stop') make the engine throw from WriteError. The command
    /// must then send nothing more, yet still write the mutation of every batch already in flight before the error
    /// goes up: no record may be deleted without its mutation reaching the user.
    /// </summary>
    public sealed class ErrorActionStopTests
    {
        /// <summary>A recording host whose WriteError throws, as the engine does under -ErrorAction Stop.</summary>
        internal sealed class StoppingHost : ICommandHost
        {
            public RecordingHost Inner { get; } = new RecordingHost();
            public VectorOpsError? Stopped { get; private set; }
            public CancellationToken CancellationToken => Inner.CancellationToken;
            public ShouldProcessDecision ShouldProcess(string target, string action) => Inner.ShouldProcess(target, action);
            public ShouldProcessMode ShouldProcessMode => Inner.ShouldProcessMode;
            public bool ShouldContinue(string query, string caption) => Inner.ShouldContinue(query, caption);
            public void WriteObject(object value) => Inner.WriteObject(value);
            public void WriteWarning(string message) => Inner.WriteWarning(message);
            public void WriteVerbose(string message) => Inner.WriteVerbose(message);
            public void WriteDebug(string message) => Inner.WriteDebug(message);
            public void WriteProgress(ProgressInfo progress) => Inner.WriteProgress(progress);

            public void WriteError(VectorOpsError error)
            {
                Inner.WriteError(error);
                Stopped = error;
                throw new StopException(error);
            }
        }

        internal sealed class StopException : Exception
        {
            public StopException(VectorOpsError error) : base("stopped by " + error.ErrorId) { Error = error; }
            public VectorOpsError Error { get; }
        }

        [Fact]
        public void A_terminating_error_sends_no_new_batch_but_reports_every_batch_in_flight_first()
        {
            var provider = new FakeProvider(new ProviderCapabilities { MaxIdsPerDelete = 5, MaxIdsPerFetch = 5, MaxRecordsPerUpsert = 5, DefaultConcurrency = 3 });
            provider.Seed("default", 60);
            provider.DeleteDelay = TimeSpan.FromMilliseconds(40);
            provider.FailDelete = (n, ids) => ids.Contains("id-00012")
                ? new VectorOpsException(ErrorIds.ProviderServerError, VectorOpsErrorCategory.ResourceUnavailable, "injected", null) { IsTransient = true }
                : null;
            var host = new StoppingHost();
            var cmd = new RemoveByIdsCommand(host, new VectorConnection(provider, null, null), new RemoveOptions { ThrottleLimit = 3 });

            var ex = Assert.Throws<StopException>(() =>
            {
                cmd.Add(Enumerable.Range(0, 60).Select(i => "id-" + i.ToString("D5")));
                cmd.Complete();
            });

            var failed = Assert.IsType<VectorOpsException>(ex.Error.Exception);
            Assert.Equal(MutationStatus.Failed, failed.Mutation!.Status);
            Assert.Contains("id-00012", failed.Mutation.Ids!);
            var written = host.Inner.Mutations.ToList();
            // Every delete the provider received has its mutation written, and nothing was deleted unreported.
            Assert.Equal(provider.Calls.Count(c => c.StartsWith("DeleteByIds", StringComparison.Ordinal)), written.Count);
            var reportedDone = written.Where(m => m.Status == MutationStatus.Completed).SelectMany(m => m.Ids!).OrderBy(x => x).ToList();
            Assert.Equal(reportedDone, provider.DeletedIds.OrderBy(x => x).ToList());
            Assert.True(written.Count < 12, "batches after the stop were sent");
            Assert.Empty(host.Inner.ThreadViolations);
        }
    }
}

namespace VectorOps.Tests.Reliability
{
    /// <summary>
    /// What tests/Pester/Reliability.Tests.ps1 expects of -ErrorAction Stop, checked here against the same
    /// emulator and fault (the admin path the Pester file uses): one batch at a time, batches 1-4 go, batch 5
    /// fails after 2 attempts and stops the command, batch 6 is never sent.
    /// </summary>
    [Xunit.Collection(VectorOps.Tests.Pinecone.PineconeCollection.Name)]
    public sealed class ErrorActionStopPineconeTests
    {
        private readonly VectorOps.Tests.Pinecone.PineconeFixture _fixture;

        public ErrorActionStopPineconeTests(VectorOps.Tests.Pinecone.PineconeFixture fixture) { _fixture = fixture; }

        [Fact]
        public async Task One_batch_at_a_time_the_stop_comes_after_four_batches_and_the_sixth_is_never_sent()
        {
            var target = new PineconeProviderFixture(_fixture);
            var ids = ProviderFixture.Ids("doc-", 60);
            target.Seed(ids);
            using (var http = new System.Net.Http.HttpClient())
            {
                var body = new System.Net.Http.StringContent("{\"kind\":\"status\",\"status\":500,\"path\":\"/vectors/delete\",\"bodyContains\":\"\\\"doc-00042\\\"\"}",
                    System.Text.Encoding.UTF8, "application/json");
                Assert.Equal(System.Net.HttpStatusCode.NoContent, (await http.PostAsync(new Uri(target.Emulator.BaseUri, "/_emulator/faults"), body)).StatusCode);
            }
            var host = new ErrorActionStopTests.StoppingHost();
            using (var connection = target.Connect(maxAttempts: 2))
            {
                var cmd = new RemoveByIdsCommand(host, connection, new RemoveOptions { BatchSize = 10, ThrottleLimit = 1 });
                var ex = Assert.Throws<ErrorActionStopTests.StopException>(() =>
                {
                    cmd.Add(ids, "docs");
                    cmd.Complete();
                });
                var m = Assert.IsType<VectorOpsException>(ex.Error.Exception).Mutation!;
                Assert.Equal(MutationStatus.Failed, m.Status);
                Assert.Equal(2, m.Attempts);
                Assert.Equal(ErrorIds.ProviderServerError, m.ErrorId);
            }
            var written = host.Inner.Mutations.ToList();
            Assert.Equal(5, written.Count);
            Assert.Equal(4, written.Count(x => x.Status == MutationStatus.Acknowledged));
            Assert.Equal(40, target.DeletedIds().Count);
            Assert.DoesNotContain("doc-00055", target.DeletedIds());
            target.Faults.Clear();
            target.AssertNoViolations();
        }
    }
}
