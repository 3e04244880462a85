using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using VectorOps.Tests.Conformance;
using VectorOps.Errors;
using VectorOps.Model;
using VectorOps.Tests.Cli;
using VectorOps.Tests.Pinecone;
using VectorOps.Tests.Vectorize;
using Xunit;
using Xunit.Abstractions;

namespace VectorOps.Tests.Reliability
{
    /// <summary>
    /// Runs one case of <see cref="BadInputTable"/>: through the command layer (the first error, thrown as a
    /// cmdlet's terminating error or written as a non-terminating one, has the case's id; nothing Completed or
    /// Acknowledged) and through the CLI (exit 2, "vectorops: ErrorId:" on stderr); either way zero mutating calls
    /// and no secret in any text.
    /// </summary>
    public static class BadInputRunner
    {
        public static void CommandLayer(BadInputCase c, BadInputContext ctx, ITestOutputHelper output)
        {
            var before = ctx.MutatingCalls();
            VectorOpsException? thrown = null;
            try
            {
                c.Command(ctx);
            }
            catch (VectorOpsException ex)
            {
                thrown = ex;
            }
            var errors = ctx.Host.Errors.Select(e => (e.ErrorId, e.Exception)).ToList();
            if (thrown != null) errors.Add((thrown.ErrorId, thrown));
            Assert.True(errors.Count > 0, $"{c.Id}: no error was reported");
            Assert.Equal(c.ErrorId, errors[0].ErrorId);
            foreach (var (_, ex) in errors)
            {
                Assert.False(string.IsNullOrWhiteSpace(ex.Message));
                if (ctx.Secret != null) Assert.DoesNotContain(ctx.Secret, ex.ToString());
            }
            Assert.DoesNotContain(ctx.Host.Mutations, m => m.Status == MutationStatus.Completed || m.Status == MutationStatus.Acknowledged);
            Assert.Empty(ctx.Host.ThreadViolations);
            var calls = ctx.MutatingCalls() - before;
            Assert.Equal(0, calls);
            output.WriteLine($"{c.Id} {c.Provider} command layer: {errors[0].ErrorId}: {errors[0].Exception.Message} | mutating calls: {calls}");
        }

        public static void Cli(BadInputCase c, BadInputContext ctx, ITestOutputHelper output)
        {
            var before = ctx.MutatingCalls();
            var args = c.Cli(ctx);
            var r = CliRunner.Run(args, null, c.CliEnvironment?.Invoke(ctx) ?? ctx.Environment(), TimeSpan.FromMinutes(1));
            var id = c.CliErrorId ?? c.ErrorId;
            Assert.True(r.ExitCode == 2, c.Id + ": " + r);
            Assert.Contains("vectorops: " + id + ": ", r.Stderr);
            Assert.DoesNotContain("Completed", r.Stdout);
            Assert.DoesNotContain("Acknowledged", r.Stdout);
            if (ctx.Secret != null) Assert.DoesNotContain(ctx.Secret, r.Stdout + r.Stderr);
            var calls = ctx.MutatingCalls() - before;
            Assert.Equal(0, calls);
            var line = r.Stderr.Split('\n').First(l => l.Contains("vectorops: " + id + ": ", StringComparison.Ordinal));
            output.WriteLine($"{c.Id} {c.Provider} CLI: exit {r.ExitCode}; {line.Trim()} | mutating calls: {calls}");
        }
    }

    [Collection(PineconeCollection.Name)]
    public sealed class PineconeBadInputTests
    {
        private readonly PineconeFixture _fixture;
        private readonly ITestOutputHelper _output;

        public PineconeBadInputTests(PineconeFixture fixture, ITestOutputHelper output)
        {
            _fixture = fixture;
            _output = output;
        }

        [Theory]
        [MemberData(nameof(BadInputTable.For), BadInputTable.Pinecone, MemberType = typeof(BadInputTable))]
        public void Command_layer(string id)
        {
            var target = new PineconeProviderFixture(_fixture);
            using var ctx = new PineconeBadInputContext(target);
            BadInputRunner.CommandLayer(BadInputTable.Get(id), ctx, _output);
            target.AssertNoViolations();
        }

        [Theory]
        [MemberData(nameof(BadInputTable.For), BadInputTable.Pinecone, MemberType = typeof(BadInputTable))]
        public void Cli(string id)
        {
            var target = new PineconeProviderFixture(_fixture);
            using var ctx = new PineconeBadInputContext(target);
            BadInputRunner.Cli(BadInputTable.Get(id), ctx, _output);
            target.AssertNoViolations();
        }
    }

    [Collection(VectorizeCollection.Name)]
    public sealed class VectorizeBadInputTests : IDisposable
    {
        private readonly VectorizeFixture _fixture;
        private readonly ITestOutputHelper _output;

        public VectorizeBadInputTests(VectorizeFixture fixture, ITestOutputHelper output)
        {
            _fixture = fixture;
            _output = output;
        }

        [Theory]
        [MemberData(nameof(BadInputTable.For), BadInputTable.Vectorize, MemberType = typeof(BadInputTable))]
        public void Command_layer(string id)
        {
            var target = new VectorizeProviderFixture(_fixture);
            using var ctx = new VectorizeBadInputContext(target);
            BadInputRunner.CommandLayer(BadInputTable.Get(id), ctx, _output);
            target.AssertNoViolations();
        }

        [Theory]
        [MemberData(nameof(BadInputTable.For), BadInputTable.Vectorize, MemberType = typeof(BadInputTable))]
        public void Cli(string id)
        {
            var target = new VectorizeProviderFixture(_fixture);
            using var ctx = new VectorizeBadInputContext(target);
            BadInputRunner.Cli(BadInputTable.Get(id), ctx, _output);
            target.AssertNoViolations();
        }

        public void Dispose() => _fixture.Reset();
    }

    public sealed class LocalBadInputTests
    {
        private readonly ITestOutputHelper _output;

        public LocalBadInputTests(ITestOutputHelper output) { _output = output; }

        [Theory]
        [MemberData(nameof(BadInputTable.For), BadInputTable.Local, MemberType = typeof(BadInputTable))]
        public void Command_layer(string id)
        {
            using var ctx = new LocalBadInputContext();
            BadInputRunner.CommandLayer(BadInputTable.Get(id), ctx, _output);
        }

        [Theory]
        [MemberData(nameof(BadInputTable.For), BadInputTable.Local, MemberType = typeof(BadInputTable))]
        public void Cli(string id)
        {
            using var ctx = new LocalBadInputContext();
            BadInputRunner.Cli(BadInputTable.Get(id), ctx, _output);
        }
    }
}
