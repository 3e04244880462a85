using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using VectorOps.Commands;
using VectorOps.Connections;
using VectorOps.Model;
using VectorOps.Providers;
using VectorOps.Tests.Support;
using Xunit;

namespace VectorOps.Tests.Commands
{
    /// <summary>
    /// Issue 12, item 4: every open connection stays listed until it is disconnected; disconnecting one never loses
    /// another, and the default moves to the most recently opened remaining one (said on the verbose stream).
    /// </summary>
    [Collection("VectorSession")]
    public sealed class SessionConnectionsTests : IDisposable
    {
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "vectorops-session-" + Guid.NewGuid().ToString("N"));

        public SessionConnectionsTests()
        {
            Directory.CreateDirectory(_dir);
            VectorSession.SetCurrent(null);
        }

        public void Dispose()
        {
            foreach (var c in VectorSession.Connections) c.Dispose();
            VectorSession.SetCurrent(null);
            try { Directory.Delete(_dir, true); } catch (IOException) { }
        }

        private VectorConnection Local(string index) =>
            ConnectCommand.Connect(new ConnectionSettings { Provider = "Local", ["Path"] = Path.Combine(_dir, index + ".db"), Index = index, CreateIfMissing = true });

        [Fact]
        public void Disconnecting_the_piped_archive_connection_leaves_the_first_one_as_the_default_and_says_so()
        {
            var demo = Local("demo");
            var archive = Local("archive"); // $archive = Connect-VectorIndex ... -PassThru
            Assert.Equal(new[] { demo, archive }, VectorSession.Connections);
            Assert.Same(archive, VectorSession.Current);
            Assert.True(archive.IsDefault);
            Assert.False(demo.IsDefault);

            var host = new RecordingHost();
            var removal = DisconnectCommand.Disconnect(host, archive); // $archive | Disconnect-VectorIndex

            Assert.NotNull(removal);
            Assert.True(removal!.WasOpen);
            Assert.True(removal.WasDefault);
            Assert.Same(demo, removal.NewDefault);
            Assert.Same(demo, VectorSession.Current);
            Assert.True(demo.IsDefault);
            Assert.Equal(new[] { demo }, VectorSession.Connections);
            Assert.Contains($"The default connection is now Local:demo@{demo.Endpoint}.", host.Verbose);
            Assert.Contains(host.Verbose, v => v.StartsWith("Disconnected from Local index 'archive'", StringComparison.Ordinal));

            // The first connection still works, as the default (no -Connection) ...
            var add = new AddRecordsCommand(new RecordingHost(), null);
            add.Add(new VectorRecord("r1") { Values = new[] { 1f, 2f } });
            add.Complete();
            Assert.Equal(1, Sync(demo.ProviderInstance.GetStatsAsync(default)).TotalRecordCount);
            // ... and the archive is closed.
            Assert.Throws<ObjectDisposedException>(() => Sync(archive.ProviderInstance.GetStatsAsync(default)));
        }

        [Fact]
        public void Disconnecting_without_a_connection_closes_the_default_and_the_default_moves_back_one_at_a_time()
        {
            var a = Local("a");
            var b = Local("b");
            var c = Local("c");
            var host = new RecordingHost();

            DisconnectCommand.Disconnect(host, null);
            Assert.Same(b, VectorSession.Current);
            Assert.Equal(new[] { a, b }, VectorSession.Connections);
            Assert.Equal($"The default connection is now {b}.", host.Verbose.Last());

            DisconnectCommand.Disconnect(host, null);
            Assert.Same(a, VectorSession.Current);
            DisconnectCommand.Disconnect(host, null);
            Assert.Null(VectorSession.Current);
            Assert.Empty(VectorSession.Connections);
            Assert.StartsWith("No connection is left", host.Verbose.Last(), StringComparison.Ordinal);

            // Nothing left: nothing happens, and the verbose stream says so.
            Assert.Null(DisconnectCommand.Disconnect(host, null));
            Assert.Equal("There is no default connection to close.", host.Verbose.Last());
            Assert.Empty(host.Errors);
            Assert.Empty(host.Warnings);
            _ = c;
        }

        [Fact]
        public void Disconnecting_a_connection_that_is_not_the_default_leaves_the_default_alone()
        {
            var a = Local("a");
            var b = Local("b");
            var c = Local("c");
            var host = new RecordingHost();

            var removal = DisconnectCommand.Disconnect(host, b)!;
            Assert.True(removal.WasOpen);
            Assert.False(removal.WasDefault);
            Assert.Same(c, VectorSession.Current);
            Assert.Equal(new[] { a, c }, VectorSession.Connections);
            Assert.DoesNotContain(host.Verbose, v => v.StartsWith("The default connection", StringComparison.Ordinal));

            // Closing it again is harmless and said plainly.
            removal = DisconnectCommand.Disconnect(host, b)!;
            Assert.False(removal.WasOpen);
            Assert.Contains("was already closed", host.Verbose.Last(), StringComparison.Ordinal);
            Assert.Same(c, VectorSession.Current);
        }

        [Fact]
        public void A_connection_disposed_directly_leaves_the_session_too()
        {
            var a = Local("a");
            var b = Local("b");
            b.Dispose();
            Assert.Same(a, VectorSession.Current);
            Assert.Equal(new[] { a }, VectorSession.Connections);
        }

        [Fact]
        public void Connections_made_without_the_session_are_not_listed()
        {
            using var cli = ConnectCommand.Connect(new ConnectionSettings { Provider = "Local", ["Path"] = Path.Combine(_dir, "cli.db"), Index = "cli", CreateIfMissing = true }, makeDefault: false);
            Assert.Empty(VectorSession.Connections);
            Assert.Null(VectorSession.Current);
            Assert.False(cli.IsDefault);
        }

        [Fact]
        public void Connects_and_disconnects_from_many_threads_never_lose_or_duplicate_a_connection()
        {
            const int threads = 8, perThread = 200;
            var kept = new System.Collections.Concurrent.ConcurrentBag<VectorConnection>();
            var start = new Barrier(threads);
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
            {
                start.SignalAndWait();
                for (var i = 0; i < perThread; i++)
                {
                    var c = new VectorConnection(new FakeProvider(), null, null);
                    VectorSession.Add(c);
                    _ = VectorSession.Current;
                    _ = VectorSession.Connections;
                    if (i % 2 == 0) kept.Add(c);
                    else Assert.True(VectorSession.Remove(c).WasOpen);
                }
            });

            var listed = VectorSession.Connections;
            Assert.Equal(kept.Count, listed.Count);
            Assert.Equal(listed.Count, listed.Distinct().Count());
            Assert.True(kept.All(listed.Contains));
            // The default is always the most recently opened connection still open.
            Assert.Same(listed[listed.Count - 1], VectorSession.Current);

            // Every removal of the default hands it to the one opened before, down to none.
            while (VectorSession.Connections.Count > 0)
            {
                var all = VectorSession.Connections;
                var removal = VectorSession.Remove(VectorSession.Current!);
                Assert.True(removal.WasDefault);
                Assert.Same(all.Count > 1 ? all[all.Count - 2] : null, removal.NewDefault);
                Assert.Same(removal.NewDefault, VectorSession.Current);
            }
            Assert.Null(VectorSession.Current);
        }

        private static T Sync<T>(Task<T> task) => task.ConfigureAwait(false).GetAwaiter().GetResult();
    }
}
