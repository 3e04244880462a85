using System;
using System.Linq;
using System.Threading.Tasks;
using VectorOps.Commands;
using VectorOps.Connections;
using VectorOps.Emulators.Pinecone;
using VectorOps.Providers;
using VectorOps.Providers.Pinecone;
using VectorOps.Security;
using VectorOps.Tests.Support;
using Xunit;

namespace VectorOps.Tests.Pinecone
{
    /// <summary>
    /// The default pacing and delete concurrency against the emulator's 100 deletes/s per namespace with a cloud
    /// round trip: every id deleted, no 429. (How close to the limit it gets is measured by the benchmark, not here.)
    /// </summary>
    public sealed class PineconePacingFillTests : IAsyncLifetime
    {
        private const string Key = "pacing-test-key";
        private readonly PineconeEmulator _emulator = new PineconeEmulator(new PineconeEmulatorOptions { ApiKey = Key });

        public Task InitializeAsync() => _emulator.StartAsync();

        public async Task DisposeAsync() => await _emulator.DisposeAsync();

        [Fact]
        public void Defaults_are_95_deletes_a_second_per_namespace_and_64_in_flight()
        {
            using var provider = (PineconeProvider)PineconeProvider.Create(new ConnectionSettings { Provider = "Pinecone", ["IndexHost"] = _emulator.BaseUri, Credential = Secret.FromPlainText(Key) });
            Assert.Equal(95, provider.DeleteRequestsPerSecond);
            Assert.Equal(64, provider.Capabilities.DefaultDeleteConcurrency);
            Assert.Equal(8, provider.Capabilities.DefaultConcurrency);
        }

        [Fact]
        public void Three_hundred_paced_deletes_with_a_25ms_round_trip_draw_no_429()
        {
            _emulator.Journal.RecordDeletedIds = false;
            var ids = Enumerable.Range(0, 30_000).Select(i => "doc-" + i.ToString("D6")).ToList();
            _emulator.Store.Seed("bulk", ids.Select(id => new PineconeRecord(id)));
            _emulator.Faults.AddedLatency = TimeSpan.FromMilliseconds(25);

            var settings = new ConnectionSettings { Provider = "Pinecone", ["IndexHost"] = _emulator.BaseUri, Credential = Secret.FromPlainText(Key), MaxAttempts = 1 };
            using var connection = new VectorConnection(ProviderRegistry.Create(settings), "bulk", null);
            var host = new RecordingHost();
            // 100 ids a request: 300 requests, three times the emulator's burst, from 64 in flight.
            var command = new RemoveByIdsCommand(host, connection, new RemoveOptions { BatchSize = 100 });
            foreach (var id in ids) command.Add(new[] { id });
            command.Complete();

            Assert.Empty(host.Errors);
            Assert.Equal(300, host.Mutations.Count());
            Assert.Equal(0, _emulator.Journal.Entries.Count(e => e.Status == 429));
            Assert.Equal(0, _emulator.Store.CountIn("bulk"));
        }
    }
}
