using System;
using System.Collections.Generic;
using System.Linq;
using VectorOps.Commands;
using VectorOps.Emulators.Infrastructure;
using VectorOps.Errors;
using VectorOps.Model;
using VectorOps.Tests.Pinecone;
using VectorOps.Tests.Support;
using VectorOps.Tests.Vectorize;
using Xunit;
using Xunit.Abstractions;

namespace VectorOps.Tests.Reliability
{
    /// <summary>
    /// The fault matrix (docs/reliability.md) through the command layer: each case injects one fault with the
    /// emulator's switchboard into a delete of 60 ids in 6 batches (20 other records must survive), then checks
    /// the ledger (every id in exactly one mutation, statuses true to the data, nothing deleted outside the
    /// request or twice) and, where batches failed or were skipped, sends those mutations back
    /// (RemoveByIdsCommand.Retry, as piping them into Remove-VectorRecord does) and checks exactly their ids go.
    /// Concrete classes run it against Pinecone and Vectorize.
    /// </summary>
    public abstract class FaultMatrixTests : IDisposable
    {
        protected const int BatchSize = 10;
        private readonly ITestOutputHelper _output;

        protected FaultMatrixTests(FaultTarget target, ITestOutputHelper output)
        {
            Target = target;
            _output = output;
            Requested = FaultTarget.Ids("doc-", 60);
            Untouched = FaultTarget.Ids("keep-", 20);
            Target.Seed(Requested.Concat(Untouched));
        }

        protected FaultTarget Target { get; }
        protected List<string> Requested { get; }
        protected List<string> Untouched { get; }

        /// <summary>The batch holding doc-00042 (the 5th of 6).</summary>
        protected const string MarkedId = "doc-00042";

        private (RecordingHost Host, LedgerResult Ledger) Run(string caseId, bool throughPrism = true, int maxAttempts = 4,
            TimeSpan? requestTimeout = null, Action<RecordingHost>? prepare = null, int? ids = null, int batchSize = BatchSize, int throttle = 3)
        {
            var requested = ids is int n ? Requested.Take(n).ToList() : Requested;
            var host = new RecordingHost();
            prepare?.Invoke(host);
            using (var connection = Target.Connect(throughPrism, maxAttempts, requestTimeout))
            {
                var command = new RemoveByIdsCommand(host, connection, new RemoveOptions { BatchSize = batchSize, ThrottleLimit = throttle });
                command.Add(requested, Target.Namespace);
                command.Complete();
            }
            Assert.Empty(host.ThreadViolations);
            var ledger = Ledger.Check(Target, requested, host.Mutations, Untouched.Concat(Requested.Except(requested)).ToList());
            // A failed batch is also an error that carries its mutation (what -ErrorAction Stop throws).
            var failed = host.Mutations.Where(m => m.Status == MutationStatus.Failed).ToList();
            Assert.Equal(failed.Count, host.Errors.Count);
            foreach (var e in host.Errors)
            {
                var ex = Assert.IsType<VectorOpsException>(e.Exception);
                Assert.Contains(ex.Mutation!, failed);
                Assert.Equal(ex.ErrorId, ex.Mutation!.ErrorId);
            }
            _output.WriteLine($"{caseId} {Target.Name}: {ledger}; {Target.Deletes().Count} delete request(s), attempts {string.Join(",", host.Mutations.Select(m => m.Attempts))}");
            return (host, ledger);
        }

        private void RetryFailed(string caseId, LedgerResult ledger, bool throughPrism = true)
        {
            Target.Faults.Clear();
            using var connection = Target.Connect(throughPrism);
            Ledger.RetryAndCheck(Target, connection, ledger.ToRetry);
            Assert.Equal(Requested.OrderBy(x => x, StringComparer.Ordinal), Target.DeletedIds().OrderBy(x => x, StringComparer.Ordinal));
            Assert.All(Untouched, id => Assert.True(Target.Exists(id)));
            _output.WriteLine($"{caseId} {Target.Name}: retried {ledger.ToRetry.Sum(m => m.Ids!.Count)} id(s) of {ledger.ToRetry.Count} mutation(s): exactly those deleted");
        }

        private void AllDone(LedgerResult ledger)
        {
            Assert.Equal(0, ledger.Failed);
            Assert.Equal(0, ledger.Skipped);
            Assert.Equal(Requested.Count, ledger.Deleted);
        }

        [Fact]
        public void F01_TooManyRequests_WithRetryAfter_IsWaitedOutAndRetried()
        {
            Target.Faults.OnPath(Target.DeletePath, Fault.TooManyRequests(TimeSpan.FromSeconds(1)), times: 2);
            var (host, ledger) = Run("F01");
            AllDone(ledger);
            Assert.Equal(2, Target.Deletes().Count(d => d.Status == 429));
            Assert.Equal(Target.Deletes().Count, host.Mutations.Sum(m => m.Attempts));
            Assert.Contains(host.Debug, d => d.Contains("Retry-After of 1 s", StringComparison.Ordinal));
            Target.AssertNoViolations();
        }

        [Theory]
        [InlineData(500)]
        [InlineData(503)]
        public void F02_ServerErrors_AreRetried(int status)
        {
            Target.Faults.OnPath(Target.DeletePath, Fault.Status(status), times: 2);
            var (host, ledger) = Run("F02-" + status);
            AllDone(ledger);
            Assert.Equal(2, Target.Deletes().Count(d => d.Status == status));
            Assert.Equal(Target.Deletes().Count, host.Mutations.Sum(m => m.Attempts));
            Target.AssertNoViolations();
        }

        [Fact]
        public void F03_ARequestThatTimesOut_IsRetried()
        {
            Target.Faults.OnPath(Target.DeletePath, Fault.Hang(TimeSpan.FromSeconds(3)), times: 1);
            var (host, ledger) = Run("F03", requestTimeout: TimeSpan.FromMilliseconds(800));
            AllDone(ledger);
            Assert.Contains(host.Mutations, m => m.Attempts == 2);
            Assert.Contains(host.Verbose, v => v.Contains("-> timeout", StringComparison.Ordinal));
            Target.AssertNoViolations();
        }

        [Fact]
        public void F04_AConnectionResetMidRequest_IsRetried_StraightToTheEmulator()
        {
            // Prism turns an upstream reset into its own 500, so this case talks to the emulator directly.
            Target.Faults.OnPath(Target.DeletePath, Fault.Reset(), times: 2);
            var (host, ledger) = Run("F04", throughPrism: false);
            AllDone(ledger);
            Assert.Equal(2, Target.Deletes().Count(d => d.Fault == "reset"));
            Assert.Contains(host.Verbose, v => v.Contains("connection", StringComparison.Ordinal));
        }

        [Fact]
        public void F05_OneBatchFailsPermanently_TheOthersSucceed_AndTheRetryDeletesExactlyItsIds()
        {
            Target.Faults.OnBodyContaining("\"" + MarkedId + "\"", Fault.ServerError(), pathPrefix: Target.DeletePath);
            var (_, ledger) = Run("F05", maxAttempts: 3);
            var failed = Assert.Single(ledger.ToRetry);
            Assert.Equal(MutationStatus.Failed, failed.Status);
            Assert.Equal(ErrorIds.ProviderServerError, failed.ErrorId);
            Assert.Equal(3, failed.Attempts);
            Assert.Contains(MarkedId, failed.Ids!);
            Assert.Equal(5, ledger.Done);
            RetryFailed("F05", ledger);
            Target.AssertNoViolations();
        }

        [Fact]
        public void F06_OneBatchRefusedWith400_IsNotRetried_AndFailsAlone()
        {
            Target.Faults.OnBodyContaining("\"" + MarkedId + "\"", Fault.Status(400), pathPrefix: Target.DeletePath);
            var (_, ledger) = Run("F06");
            var failed = Assert.Single(ledger.ToRetry);
            Assert.Equal(ErrorIds.ProviderBadRequest, failed.ErrorId);
            Assert.Equal(1, failed.Attempts);
            RetryFailed("F06", ledger);
            Target.AssertNoViolations();
        }

        [Fact]
        public void F07_OneBatchResetEveryTime_FailsAsUnreachable_StraightToTheEmulator()
        {
            Target.Faults.OnBodyContaining("\"" + MarkedId + "\"", Fault.Reset(), pathPrefix: Target.DeletePath);
            var (_, ledger) = Run("F07", throughPrism: false, maxAttempts: 2);
            var failed = Assert.Single(ledger.ToRetry);
            Assert.Equal(ErrorIds.ProviderUnreachable, failed.ErrorId);
            Assert.Equal(2, failed.Attempts);
            RetryFailed("F07", ledger, throughPrism: false);
        }

        [Fact]
        public void F08_OneBatchTimesOutEveryTime_FailsAsTimeout()
        {
            Target.Faults.OnBodyContaining("\"" + MarkedId + "\"", Fault.Hang(TimeSpan.FromSeconds(3)), pathPrefix: Target.DeletePath);
            var (_, ledger) = Run("F08", maxAttempts: 2, requestTimeout: TimeSpan.FromMilliseconds(600));
            var failed = Assert.Single(ledger.ToRetry);
            Assert.Equal(ErrorIds.ProviderTimeout, failed.ErrorId);
            Assert.Equal(2, failed.Attempts);
            RetryFailed("F08", ledger);
            Target.AssertNoViolations();
        }

        [Fact]
        public void F09_StopProcessingInA50BatchRun_SendsNoNewBatch_AndReportsEveryBatchOnce()
        {
            // 100 ids in batches of 2: 50 batches. The host is stopped (what Ctrl+C / StopProcessing does) when
            // the 10th mutation is written; batches in flight finish, the rest are Skipped.
            Requested.AddRange(FaultTarget.Ids("doc-", 40, from: 60));
            Target.Seed(Requested.Skip(60));
            Target.Faults.AddedLatency = TimeSpan.FromMilliseconds(15);
            var written = 0;
            var (host, ledger) = Run("F09", ids: 100, batchSize: 2, throttle: 2,
                prepare: h => h.OnWrite = (x, o) => { if (o is VectorMutation && ++written == 10) x.Cancel(); });
            Assert.Equal(50, ledger.Mutations);
            Assert.True(ledger.Done >= 10, ledger.ToString());
            Assert.True(ledger.Skipped > 0, ledger.ToString());
            Assert.Equal(0, ledger.Failed);
            Assert.All(ledger.ToRetry, m => Assert.Equal(ErrorIds.OperationStopped, m.ErrorId));
            if (Target.HasJournal) Assert.Equal(ledger.Done, Target.Deletes().Count);
            Target.Faults.AddedLatency = TimeSpan.Zero;
            RetryFailed("F09", ledger);
            Target.AssertNoViolations();
        }

        public virtual void Dispose()
        {
            Target.Faults.Clear();
        }
    }

    [Collection(PineconeCollection.Name)]
    public sealed class PineconeFaultMatrixTests : FaultMatrixTests
    {
        public PineconeFaultMatrixTests(PineconeFixture fixture, ITestOutputHelper output) : base(new PineconeTarget(fixture), output) { }
    }

    [Collection(VectorizeCollection.Name)]
    public sealed class VectorizeFaultMatrixTests : FaultMatrixTests
    {
        public VectorizeFaultMatrixTests(VectorizeFixture fixture, ITestOutputHelper output) : base(new VectorizeTarget(fixture), output) { }

        public override void Dispose()
        {
            base.Dispose();
            ((VectorizeTarget)Target).Fixture.Reset();
        }
    }
}

namespace VectorOps.Tests.Reliability
{
    /// <summary>The fault matrix cases that apply to the local store (no fault switch: cancellation only).</summary>
    public sealed class LocalFaultMatrixTests : IDisposable
    {
        private readonly LocalTarget _target = new LocalTarget();
        private readonly ITestOutputHelper _output;

        public LocalFaultMatrixTests(ITestOutputHelper output) { _output = output; }

        [Fact]
        public void F09_StopProcessingInA50BatchRun_SendsNoNewBatch_AndReportsEveryBatchOnce()
        {
            var requested = FaultTarget.Ids("doc-", 100);
            var untouched = FaultTarget.Ids("keep-", 20);
            _target.Seed(requested.Concat(untouched));
            var host = new RecordingHost();
            var written = 0;
            host.OnWrite = (h, o) => { if (o is VectorMutation && ++written == 10) h.Cancel(); };
            using (var connection = _target.Connect())
            {
                var command = new RemoveByIdsCommand(host, connection, new RemoveOptions { BatchSize = 2, ThrottleLimit = 2 });
                command.Add(requested, _target.Namespace);
                command.Complete();
            }
            Assert.Empty(host.ThreadViolations);
            var ledger = Ledger.Check(_target, requested, host.Mutations, untouched);
            Assert.Equal(50, ledger.Mutations);
            Assert.True(ledger.Done >= 10 && ledger.Skipped > 0 && ledger.Failed == 0, ledger.ToString());
            _output.WriteLine($"F09 Local: {ledger}");
            using (var connection = _target.Connect())
                Ledger.RetryAndCheck(_target, connection, ledger.ToRetry);
            Assert.All(requested, id => Assert.False(_target.Exists(id)));
            Assert.All(untouched, id => Assert.True(_target.Exists(id)));
            _output.WriteLine($"F09 Local: retried {ledger.ToRetry.Sum(m => m.Ids!.Count)} id(s) of {ledger.ToRetry.Count} skipped mutation(s): exactly those deleted");
        }

        public void Dispose() => _target.Dispose();
    }
}
