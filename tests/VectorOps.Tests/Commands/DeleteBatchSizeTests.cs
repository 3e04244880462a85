using System;
using System.IO;
using System.Linq;
using VectorOps.Commands;
using VectorOps.Errors;
using VectorOps.Providers;
using Xunit;

namespace VectorOps.Tests.Commands
{
    /// <summary>
    /// The command picks a delete batch: the provider's cap without a backup; with -BackupPath the smaller batch the
    /// provider declares for it (its records are held in memory); -BatchSize, when given, means what it says.
    /// </summary>
    public sealed class DeleteBatchSizeTests : CommandTestBase, IDisposable
    {
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "vectorops-batchsize-" + Guid.NewGuid().ToString("N"));

        public DeleteBatchSizeTests()
            : base(new ProviderCapabilities { MaxIdsPerDelete = 10, MaxIdsPerBackedUpDelete = 4, MaxIdsPerFetch = 10, MaxRecordsPerUpsert = 10, DefaultConcurrency = 2 })
        {
            Provider.Seed("default", 100);
            Directory.CreateDirectory(_dir);
        }

        public void Dispose() => Directory.Delete(_dir, true);

        private long[] Sizes() => Mutations.Select(m => (long)m.RequestedCount).OrderByDescending(n => n).ToArray();

        [Fact]
        public void Without_a_backup_batches_are_the_providers_cap()
        {
            var cmd = new RemoveByIdsCommand(Host, Connection);
            cmd.Add(Ids(0, 25));
            cmd.Complete();
            Assert.Equal(new long[] { 10, 10, 5 }, Sizes());
            Assert.Empty(Host.Errors);
        }

        [Fact]
        public void With_a_backup_batches_are_the_backed_up_batch_and_every_record_is_backed_up()
        {
            var path = Path.Combine(_dir, "b.jsonl");
            var cmd = new RemoveByIdsCommand(Host, Connection, new RemoveOptions { BackupPath = path });
            cmd.Add(Ids(0, 25));
            cmd.Complete();
            Assert.Equal(new long[] { 4, 4, 4, 4, 4, 4, 1 }, Sizes());
            Assert.Equal(25, File.ReadAllLines(path).Count(l => l.Length > 0));
            Assert.Empty(Host.Errors);
        }

        [Fact]
        public void With_a_backup_a_BatchSize_given_is_kept_up_to_the_cap_and_refused_above_it()
        {
            var cmd = new RemoveByIdsCommand(Host, Connection, new RemoveOptions { BackupPath = Path.Combine(_dir, "b.jsonl"), BatchSize = 8 });
            cmd.Add(Ids(0, 17));
            cmd.Complete();
            Assert.Equal(new long[] { 8, 8, 1 }, Sizes());
            var ex = Assert.Throws<VectorOpsException>(() => new RemoveByIdsCommand(Host, Connection, new RemoveOptions { BackupPath = Path.Combine(_dir, "c.jsonl"), BatchSize = 11 }));
            Assert.Equal(ErrorIds.InvalidArgument, ex.ErrorId);
        }

        [Fact]
        public void Clearing_with_a_backup_deletes_in_backed_up_batches()
        {
            var cmd = new ClearNamespaceCommand(Host, Connection, backupPath: Path.Combine(_dir, "clear.jsonl"));
            cmd.Clear("default");
            cmd.Complete();
            Assert.NotEmpty(Mutations);
            Assert.All(Mutations, m => Assert.InRange(m.RequestedCount, 1, 4));
            Assert.Equal(100, Mutations.Sum(m => m.RequestedCount));
        }
    }
}
