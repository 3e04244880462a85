using System;
using System.IO;
using VectorOps.Commands;
using VectorOps.Connections;
using VectorOps.Model;
using VectorOps.Providers;
using VectorOps.Tests.Support;
using Xunit;

namespace VectorOps.Tests.Commands
{
    [Collection("VectorSession")]
    public sealed class ConnectCommandTests : IDisposable
    {
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "vectorops-connect-" + Guid.NewGuid().ToString("N"));

        public ConnectCommandTests() => Directory.CreateDirectory(_dir);

        public void Dispose()
        {
            VectorSession.SetCurrent(null);
            try { Directory.Delete(_dir, true); } catch (IOException) { }
        }

        [Fact]
        public void Without_a_connection_a_command_refuses_with_NotConnected()
        {
            VectorSession.SetCurrent(null);
            var ex = Assert.Throws<VectorOps.Errors.VectorOpsException>(() => new RemoveByIdsCommand(new RecordingHost(), null));
            Assert.Equal(VectorOps.Errors.ErrorIds.NotConnected, ex.ErrorId);
        }

        [Fact]
        public void A_second_connect_becomes_the_default_and_leaves_the_first_usable()
        {
            var source = ConnectCommand.Connect(new ConnectionSettings { Provider = "Local", ["Path"] = Path.Combine(_dir, "a.db"), Index = "source", CreateIfMissing = true });
            var target = ConnectCommand.Connect(new ConnectionSettings { Provider = "Local", ["Path"] = Path.Combine(_dir, "b.db"), Index = "target", CreateIfMissing = true });
            Assert.Same(target, VectorSession.Current);

            var host = new RecordingHost();
            var add = new AddRecordsCommand(host, source);
            add.Add(new VectorRecord("r1") { Values = new[] { 1f, 2f } });
            add.Complete();

            Assert.Empty(host.Errors);
            Assert.Equal(MutationStatus.Completed, Assert.Single(host.Mutations).Status);
            source.Dispose();
            target.Dispose();
        }
    }
}
