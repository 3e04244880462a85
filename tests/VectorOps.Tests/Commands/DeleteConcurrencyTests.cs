using System;
using System.IO;
using VectorOps.Commands;
using VectorOps.Providers;
using Xunit;

namespace VectorOps.Tests.Commands
{
    /// <summary>Deletes a provider paces itself run at its delete concurrency; with a backup (unpaced fetches first) or a ThrottleLimit, not.</summary>
    public sealed class DeleteConcurrencyTests : CommandTestBase, IDisposable
    {
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "vectorops-concurrency-" + Guid.NewGuid().ToString("N"));

        public DeleteConcurrencyTests()
            : base(new ProviderCapabilities { MaxIdsPerDelete = 10, MaxIdsPerFetch = 10, MaxRecordsPerUpsert = 10, DefaultConcurrency = 2, DefaultDeleteConcurrency = 5 })
        {
            Provider.Seed("default", 100);
            Provider.DeleteDelay = TimeSpan.FromMilliseconds(60);
            Directory.CreateDirectory(_dir);
        }

        public void Dispose() => Directory.Delete(_dir, true);

        [Fact]
        public void Without_a_backup_deletes_use_the_providers_delete_concurrency()
        {
            var cmd = new RemoveByIdsCommand(Host, Connection);
            cmd.Add(Ids(0, 100));
            cmd.Complete();
            Assert.Equal(10, Mutations.Count);
            Assert.InRange(Provider.MaxObservedConcurrency, 3, 5);
            Assert.Empty(Host.ThreadViolations);
        }

        [Fact]
        public void With_a_backup_or_a_ThrottleLimit_the_delete_concurrency_is_not_used()
        {
            var cmd = new RemoveByIdsCommand(Host, Connection, new RemoveOptions { BackupPath = Path.Combine(_dir, "b.jsonl") });
            cmd.Add(Ids(0, 50));
            cmd.Complete();
            Assert.InRange(Provider.MaxObservedConcurrency, 1, 2);

            var throttled = new RemoveByIdsCommand(Host, Connection, new RemoveOptions { ThrottleLimit = 1 });
            throttled.Add(Ids(50, 50));
            throttled.Complete();
            Assert.InRange(Provider.MaxObservedConcurrency, 1, 2);
            Assert.Equal(10, Mutations.Count);
        }
    }
}
