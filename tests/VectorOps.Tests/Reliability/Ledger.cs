using System;
using System.Collections.Generic;
using System.Linq;
using VectorOps.Tests.Conformance;
using VectorOps.Commands;
using VectorOps.Connections;
using VectorOps.Errors;
using VectorOps.Model;
using VectorOps.Tests.Support;
using Xunit;

namespace VectorOps.Tests.Reliability
{
    /// <summary>What one run's mutations said, checked against the data.</summary>
    public sealed class LedgerResult
    {
        public int Requested { get; set; }
        public int Mutations { get; set; }
        public int Done { get; set; }
        public int Failed { get; set; }
        public int Skipped { get; set; }
        public int Deleted { get; set; }
        public List<VectorMutation> ToRetry { get; } = new List<VectorMutation>();

        public override string ToString() =>
            $"{Requested} ids in {Mutations} mutations: {Done} done, {Failed} failed, {Skipped} skipped; {Deleted} deleted, 0 outside the request";
    }

    /// <summary>
    /// The invariants every reliability case checks: each requested id in exactly one mutation; each mutation's
    /// status true to the data (Completed/Acknowledged: its ids are gone; Failed/Skipped: its ids are all still
    /// there and it says why); the emulator deleted nothing outside the request and nothing twice; and the
    /// records outside the request are all still there.
    /// </summary>
    public static class Ledger
    {
        public static LedgerResult Check(ProviderFixture target, IReadOnlyCollection<string> requested, IEnumerable<VectorMutation> mutations,
            IReadOnlyCollection<string> untouched, Func<string, bool>? exists = null, Func<IReadOnlyCollection<string>>? deleted = null)
        {
            target?.Settle();
            exists ??= target!.Exists;
            var list = mutations.ToList();
            var result = new LedgerResult { Requested = requested.Count, Mutations = list.Count };

            // Every requested id in exactly one mutation, and no other id in any.
            var reported = list.SelectMany(m => m.Ids ?? Array.Empty<string>()).ToList();
            Assert.Equal(requested.OrderBy(x => x, StringComparer.Ordinal), reported.OrderBy(x => x, StringComparer.Ordinal));

            var gone = new HashSet<string>(StringComparer.Ordinal);
            foreach (var m in list)
            {
                var ids = m.Ids!;
                Assert.Equal(ids.Count, m.RequestedCount);
                switch (m.Status)
                {
                    case MutationStatus.Completed:
                    case MutationStatus.Acknowledged:
                        Assert.Null(m.ErrorId);
                        Assert.True(m.Attempts >= 1);
                        foreach (var id in ids) Assert.False(exists(id), $"{id} is still there though its batch says {m.Status}");
                        gone.UnionWith(ids);
                        result.Done++;
                        break;
                    case MutationStatus.Failed:
                        Assert.False(string.IsNullOrWhiteSpace(m.Error), "a Failed mutation says why");
                        Assert.False(string.IsNullOrWhiteSpace(m.ErrorId), "a Failed mutation has an error id");
                        foreach (var id in ids) Assert.True(exists(id), $"{id} is gone though its batch says Failed ({m.ErrorId})");
                        result.Failed++;
                        result.ToRetry.Add(m);
                        break;
                    case MutationStatus.Skipped:
                        Assert.False(string.IsNullOrWhiteSpace(m.ErrorId), "a Skipped mutation has a reason id");
                        foreach (var id in ids) Assert.True(exists(id), $"{id} is gone though its batch was skipped");
                        result.Skipped++;
                        result.ToRetry.Add(m);
                        break;
                    default:
                        throw new Xunit.Sdk.XunitException($"Unexpected status {m.Status} of a sent run.");
                }
            }

            // Nothing over-deleted: what the emulator removed is exactly the ids of the batches that say so.
            var removed = deleted?.Invoke() ?? target!.DeletedIds();
            Assert.Equal(gone.OrderBy(x => x, StringComparer.Ordinal), removed.OrderBy(x => x, StringComparer.Ordinal));
            if (target != null) Assert.Empty(target.DeletedTwice());
            foreach (var id in untouched) Assert.True(exists(id), $"{id} was outside the request and is gone");
            result.Deleted = removed.Count;
            return result;
        }

        /// <summary>
        /// Sends the failed and skipped mutations back (RemoveByIdsCommand.Retry, what piping them into
        /// Remove-VectorRecord does) and checks that exactly their ids were deleted, in requests carrying only them.
        /// </summary>
        public static void RetryAndCheck(ProviderFixture target, VectorConnection connection, IReadOnlyList<VectorMutation> toRetry, int? batchSize = null)
        {
            var expected = toRetry.SelectMany(m => m.Ids!).ToList();
            Assert.NotEmpty(expected);
            var before = new HashSet<string>(target.DeletedIds(), StringComparer.Ordinal);
            var requestsBefore = target.Deletes().Count;
            var host = new RecordingHost();
            var retry = new RemoveByIdsCommand(host, connection, new RemoveOptions { BatchSize = batchSize });
            foreach (var m in toRetry) retry.Retry(m);
            retry.Complete();
            target.Settle();

            Assert.Empty(host.Errors.Select(e => e.ToString()));
            Assert.Empty(host.ThreadViolations);
            var again = host.Mutations.ToList();
            Assert.All(again, m => Assert.True(m.Status == MutationStatus.Completed || m.Status == MutationStatus.Acknowledged, m.ToString()));
            Assert.Equal(expected.OrderBy(x => x, StringComparer.Ordinal), again.SelectMany(m => m.Ids!).OrderBy(x => x, StringComparer.Ordinal));
            if (target.HasJournal)
            {
                var sent = target.Deletes().Skip(requestsBefore).ToList();
                Assert.Equal(expected.Count, sent.Sum(d => d.IdCount ?? 0));
            }
            var newlyDeleted = target.DeletedIds().Where(id => !before.Contains(id)).OrderBy(x => x, StringComparer.Ordinal);
            Assert.Equal(expected.OrderBy(x => x, StringComparer.Ordinal), newlyDeleted);
            Assert.Empty(target.DeletedTwice());
        }
    }
}
