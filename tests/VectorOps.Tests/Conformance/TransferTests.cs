using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using VectorOps.Commands;
using VectorOps.Connections;
using VectorOps.Errors;
using VectorOps.Model;
using VectorOps.Providers;
using VectorOps.Serialization;
using VectorOps.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace VectorOps.Tests.Conformance
{
    /// <summary>
    /// Export, copy and move on every provider, once as the source (to a local store) and once as the destination
    /// (from a local store): the export read back and restored equal to the originals; a copy verified record by
    /// record; a resumed copy after an injected failure (a destination batch that fails, by a <see cref="FaultyProvider"/>
    /// around the destination's provider) writing every id exactly once over both runs; and a move that deletes from the
    /// source exactly the ids the destination confirmed (one record the destination loses stays in the source).
    /// </summary>
    [Collection(ConformanceCollection.Name)]
    public sealed class TransferTests : IDisposable
    {
        private readonly ITestOutputHelper _output;
        private readonly ConformanceServers _servers;
        private readonly string _dir = Directory.CreateTempSubdirectory("vectorops-transfer-conformance-").FullName;
        private ProviderFixture? _fixture;

        public TransferTests(ConformanceServers servers, ITestOutputHelper output)
        {
            _servers = servers;
            _output = output;
        }

        public static TheoryData<string> Every()
        {
            var data = new TheoryData<string>();
            foreach (var e in ProviderFixtures.All) data.Add(e.Name);
            return data;
        }

        private ProviderFixture F => _fixture ?? throw new InvalidOperationException("Open first.");

        private void Open(string provider) => _fixture = ProviderFixtures.Get(provider).Create(_servers);

        private static List<VectorRecord> Fetch(VectorConnection c, string ns, IReadOnlyList<string> ids)
        {
            var cap = c.ProviderInstance.Capabilities.MaxIdsPerFetch;
            var all = new List<VectorRecord>();
            for (var i = 0; i < ids.Count; i += cap)
                all.AddRange(c.ProviderInstance.FetchAsync(ns, ids.Skip(i).Take(cap).ToList(), CancellationToken.None).GetAwaiter().GetResult());
            return all;
        }

        /// <summary>Every record of <paramref name="expected"/> is in <paramref name="actual"/>, equal as data.</summary>
        private static void AssertSame(IReadOnlyList<VectorRecord> expected, IReadOnlyList<VectorRecord> actual, bool documents)
        {
            var byId = actual.ToDictionary(r => r.Id, StringComparer.Ordinal);
            Assert.Equal(expected.Count, actual.Count);
            foreach (var r in expected)
            {
                Assert.True(byId.TryGetValue(r.Id, out var a), $"'{r.Id}' is missing");
                Assert.Null(CopyRecordsCommand.Difference(r, a!, documents));
            }
        }

        private static VectorConnection Wrap(FaultyProvider p) => new VectorConnection(p, null, null);

        private static void Seed(VectorConnection c, string ns, IEnumerable<string> ids)
        {
            var host = new RecordingHost();
            var add = new AddRecordsCommand(host, c);
            var i = 0;
            foreach (var id in ids)
            {
                add.Add(new VectorRecord(id)
                {
                    Namespace = ns,
                    Values = new[] { 1f, i % 7, 0.5f, 0.25f + i },
                    Metadata = new Dictionary<string, object?> { ["n"] = (long)i, ["genre"] = i % 3 == 0 ? "drama" : "comedy" },
                });
                i++;
            }
            add.Complete();
            Assert.Empty(host.Errors.Select(e => e.ToString()));
        }

        private static VectorOpsException Injected() =>
            new VectorOpsException(ErrorIds.ProviderServerError, VectorOpsErrorCategory.ResourceUnavailable, "injected failure of this batch", null);

        [Theory]
        [MemberData(nameof(Every))]
        public void As_the_source_it_exports_copies_resumes_and_moves_to_a_local_store(string provider)
        {
            Open(provider);
            using var local = new LocalProviderFixture();
            var ns = F.Namespace;
            var ids = F.MakeIds("tr-", 30);
            F.Seed(ns, ids);
            F.Settle();
            using var source = F.Connect();
            var originals = Fetch(source, ns, ids);
            Assert.Equal(30, originals.Count);

            // Export, read back, restore into the local store: equal to the originals.
            var file = Path.Combine(_dir, "export.jsonl");
            var host = new RecordingHost();
            var exported = new ExportRecordsCommand(host, source).Export(ns, null, file, force: false);
            Assert.Empty(host.Errors.Select(e => e.ToString()));
            Assert.Equal(30, exported!.Records);
            var lines = RecordJson.ReadFile(file).ToList();
            Assert.All(lines, r => Assert.Equal(ns, r.Namespace));
            AssertSame(originals, lines, documents: true);
            using (var target = local.Connect())
            {
                var restore = new RecordingHost();
                new RestoreRecordsCommand(restore, target, new RestoreOptions { Namespace = "restored" }).Restore(file);
                Assert.Empty(restore.Errors.Select(e => e.ToString()));
                AssertSame(originals, Fetch(target, "restored", ids), documents: false);
            }

            // Copy, verified.
            using (var inner = local.Connect())
            {
                var copyHost = new RecordingHost();
                var copy = new CopyRecordsCommand(copyHost, source, inner, new TransferOptions { Namespace = ns, DestinationNamespace = "copied" }).Execute();
                Assert.Empty(copyHost.Errors.Select(e => e.ToString()));
                Assert.Empty(copyHost.ThreadViolations);
                Assert.Equal(TransferStatus.Completed, copy.Status);
                Assert.Equal(30, copy.Written);
                Assert.Equal(30, copy.Verified);
                Assert.Equal(0, copy.Missing);
                AssertSame(originals, Fetch(inner, "copied", ids), documents: false);
            }

            // A destination batch fails; the rerun with the resume file writes the rest, no id twice.
            var resume = Path.Combine(_dir, "source.resume");
            var failing = new FaultyProvider(local.Connect().ProviderInstance) { FailUpsert = b => b.Contains(ids[12]) ? Injected() : null };
            using (var destination = Wrap(failing))
            {
                var options = new TransferOptions { Namespace = ns, DestinationNamespace = "resumed", ResumePath = resume, BatchSize = 5, ThrottleLimit = 1, VerifyTimeout = TimeSpan.FromSeconds(1) };
                var first = new CopyRecordsCommand(new RecordingHost(), source, destination, options).Execute();
                Assert.Equal(1, first.FailedBatches);
                Assert.Equal(25, first.Written);
                Assert.Equal(5, first.Missing);
                failing.FailUpsert = null;
                var second = new CopyRecordsCommand(new RecordingHost(), source, destination, options).Execute();
                Assert.Equal(TransferStatus.Completed, second.Status);
                Assert.Equal(25, second.AlreadyCopied);
                Assert.Equal(5, second.Written);
                Assert.Equal(30, second.Verified);
                Assert.Equal(ids.OrderBy(x => x, StringComparer.Ordinal), failing.Upserted.OrderBy(x => x, StringComparer.Ordinal));
            }

            // Move: the record the destination loses stays in the source; every other one goes.
            var losing = new FaultyProvider(local.Connect().ProviderInstance);
            losing.Lose.Add(ids[3]);
            using (var destination = Wrap(losing))
            {
                var moveHost = new RecordingHost();
                var move = new CopyRecordsCommand(moveHost, source, destination,
                    new TransferOptions { Namespace = ns, DestinationNamespace = "moved", Move = true, Force = true, BackupPath = Path.Combine(_dir, "moved.jsonl") }).Execute();
                Assert.Empty(moveHost.ThreadViolations);
                Assert.Equal(29, move.Verified);
                Assert.Equal(1, move.Missing);
                Assert.Equal(29, move.Deleted);
                Assert.Equal(ids[3], Assert.Single(move.UnverifiedIds));
            }
            F.Settle();
            Assert.True(F.Exists(ns, ids[3]));
            Assert.All(ids.Where(id => id != ids[3]), id => Assert.False(F.Exists(ns, id), id + " was moved but is still in the source"));
            if (F.DeletedIdsIn(ns) is IReadOnlyCollection<string> deleted)
                Assert.Equal(ids.Where(id => id != ids[3]).OrderBy(x => x, StringComparer.Ordinal), deleted.OrderBy(x => x, StringComparer.Ordinal));
            _output.WriteLine($"{F.Name} as the source: 30 records exported and restored equal, copied and verified, resumed after a failed batch with no id written twice, moved (29 confirmed and deleted, 1 lost by the destination kept)");
        }

        [Theory]
        [MemberData(nameof(Every))]
        public void As_the_destination_it_takes_copies_resumes_and_moves_from_a_local_store(string provider)
        {
            Open(provider);
            using var local = new LocalProviderFixture();
            using var source = local.Connect();
            var ns = F.Namespace;
            var ids = F.MakeIds("td-", 30);
            Seed(source, "src", ids);
            var originals = Fetch(source, "src", ids);

            // Copy, verified; the records read from the destination equal the originals.
            var counting = new FaultyProvider(F.Connect().ProviderInstance);
            using (var destination = Wrap(counting))
            {
                var host = new RecordingHost();
                var copy = new CopyRecordsCommand(host, source, destination, new TransferOptions { Namespace = "src", DestinationNamespace = ns }).Execute();
                Assert.Empty(host.Errors.Select(e => e.ToString()));
                Assert.Empty(host.ThreadViolations);
                Assert.Equal(TransferStatus.Completed, copy.Status);
                Assert.Equal(30, copy.Verified);
                Assert.All(host.Mutations.Where(m => m.Operation == MutationOperation.Upsert), m => Assert.InRange(m.RequestedCount, 1, destination.ProviderInstance.Capabilities.MaxRecordsPerUpsert));
                F.Settle();
                AssertSame(originals, Fetch(destination, ns, ids), documents: false);
            }

            // Resume after a failed batch of the destination: every id written once over both runs.
            var more = F.MakeIds("te-", 20);
            Seed(source, "src2", more);
            var failing = new FaultyProvider(F.Connect().ProviderInstance) { FailUpsert = b => b.Contains(more[7]) ? Injected() : null };
            using (var destination = Wrap(failing))
            {
                var options = new TransferOptions { Namespace = "src2", DestinationNamespace = ns, ResumePath = Path.Combine(_dir, "dest.resume"), BatchSize = 5, ThrottleLimit = 1, VerifyTimeout = TimeSpan.FromSeconds(5) };
                var first = new CopyRecordsCommand(new RecordingHost(), source, destination, options).Execute();
                Assert.Equal(1, first.FailedBatches);
                Assert.Equal(15, first.Written);
                failing.FailUpsert = null;
                var second = new CopyRecordsCommand(new RecordingHost(), source, destination, options).Execute();
                Assert.Equal(TransferStatus.Completed, second.Status);
                Assert.Equal(15, second.AlreadyCopied);
                Assert.Equal(5, second.Written);
                Assert.Equal(20, second.Verified);
                Assert.Equal(more.OrderBy(x => x, StringComparer.Ordinal), failing.Upserted.OrderBy(x => x, StringComparer.Ordinal));
            }

            // Move: only what the destination confirmed leaves the local store.
            var last = F.MakeIds("tm-", 10);
            Seed(source, "src3", last);
            var losing = new FaultyProvider(F.Connect().ProviderInstance);
            losing.Lose.Add(last[4]);
            using (var destination = Wrap(losing))
            {
                var move = new CopyRecordsCommand(new RecordingHost(), source, destination,
                    new TransferOptions { Namespace = "src3", DestinationNamespace = ns, Move = true, Force = true, VerifyTimeout = TimeSpan.FromSeconds(3) }).Execute();
                Assert.Equal(9, move.Deleted);
                Assert.Equal(1, move.Missing);
            }
            Assert.Equal(new[] { last[4] }, Fetch(source, "src3", last).Select(r => r.Id));
            _output.WriteLine($"{F.Name} as the destination: 30 records copied and verified equal, 20 resumed after a failed batch with no id written twice, 10 moved (9 confirmed and deleted from the source, 1 lost kept)");
        }

        public void Dispose()
        {
            try
            {
                _fixture?.AssertNoViolations();
            }
            finally
            {
                _fixture?.Dispose();
                try { Directory.Delete(_dir, recursive: true); }
                catch (IOException) { }
            }
        }
    }
}
