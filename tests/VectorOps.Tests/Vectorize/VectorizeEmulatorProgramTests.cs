using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using VectorOps.Commands;
using VectorOps.Emulators.Infrastructure;
using VectorOps.Emulators.Vectorize;
using VectorOps.Model;
using VectorOps.Providers;
using VectorOps.Security;
using Xunit;

namespace VectorOps.Tests.Vectorize
{
    /// <summary>The standalone emulator (what tests/Pester/Vectorize.Tests.ps1 starts) and the data layout Pester relies on.</summary>
    public sealed class VectorizeEmulatorProgramTests
    {
        [Fact]
        public void The_command_seeds_each_index_as_the_Pester_examples_expect()
        {
            var options = new Dictionary<string, string>
            {
                ["token"] = "t0ken-for-layout",
                ["index"] = "pester-ids:3000,pester-prefix:400,pester-read",
                ["seed"] = "200",
                ["apply-delay-ms"] = "300",
            };
            using var host = (VectorizeEmulator)new VectorizeEmulatorCommand().Create(options);
            Assert.Equal(TimeSpan.FromMilliseconds(300), host.ApplyDelay);
            Assert.Equal(3000, host.Index("pester-ids").Count);
            Assert.Equal(400, host.Index("pester-prefix").Count);
            var read = host.Index("pester-read");
            Assert.Equal(200, read.Count);
            Assert.Null(read.Get("doc-00099")!.Namespace);
            Assert.Equal("tenant-a", read.Get("doc-00100")!.Namespace);
            Assert.Null(host.Index("pester-ids").Get("doc-01499")!.Namespace);
            Assert.Equal("tenant-a", host.Index("pester-ids").Get("doc-01500")!.Namespace);
            using var md = JsonDocument.Parse(read.Get("doc-00007")!.MetadataJson!);
            Assert.Equal("final", md.RootElement.GetProperty("kind").GetString());
            Assert.Equal(2007, md.RootElement.GetProperty("year").GetInt32());
            using var even = JsonDocument.Parse(read.Get("doc-00128")!.MetadataJson!);
            Assert.Equal("draft", even.RootElement.GetProperty("kind").GetString());
            Assert.Equal(2000 + 128 % 30, even.RootElement.GetProperty("year").GetInt32());
        }

        [Fact]
        public void The_emulator_runs_as_a_program_prints_its_uri_and_stops_when_stdin_closes()
        {
            var dll = typeof(VectorizeEmulator).Assembly.Location;
            var psi = new ProcessStartInfo("dotnet")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var a in new[] { dll, "vectorize", "--port", "0", "--token", "prog-token-123", "--index", "prog-index:6", "--apply-delay-ms", "50" })
                psi.ArgumentList.Add(a);
            using var process = Process.Start(psi)!;
            try
            {
                var line = process.StandardOutput.ReadLine();
                Assert.NotNull(line);
                var uri = new Uri(line!);
                Assert.Equal("127.0.0.1", uri.Host);

                using var connection = ConnectCommand.Connect(new ConnectionSettings
                {
                    Provider = "CloudflareVectorize",
                    Index = "prog-index",
                    ["AccountId"] = VectorizeEmulator.DefaultAccountId,
                    Credential = Secret.FromPlainText("prog-token-123"),
                    ["BaseUri"] = uri,
                    RequestsPerSecond = 100,
                }, makeDefault: false);
                var host = new Support.RecordingHost();
                new GetNamespacesCommand(host, connection).Execute();
                var counts = host.Output.OfType<NamespaceInfo>().ToDictionary(n => n.Name, n => n.RecordCount);
                Assert.Equal(new Dictionary<string, long?> { ["__default__"] = 3, ["tenant-a"] = 3 }, counts);

                process.StandardInput.Close();
                Assert.True(process.WaitForExit(30000), "the emulator stops when its stdin closes");
                Assert.Equal(0, process.ExitCode);
            }
            finally
            {
                if (!process.HasExited) process.Kill(entireProcessTree: true);
            }
        }

        [Fact]
        public void The_Pester_examples_exist_and_use_the_validator()
        {
            var path = Path.Combine(RepoPaths.RepoRoot, "tests", "Pester", "Vectorize.Tests.ps1");
            var text = File.ReadAllText(path);
            Assert.Contains("cloudflare-vectorize-v2-with-list.openapi.json", text, StringComparison.Ordinal);
            Assert.Contains("'proxy'", text, StringComparison.Ordinal);
            Assert.Contains("'--errors'", text, StringComparison.Ordinal);
            // Every index the examples use is created by the emulator command line in the same file.
            foreach (var index in new[] { "pester-ids", "pester-prefix", "pester-filter", "pester-clear", "pester-read", "pester-secret" })
                Assert.Contains("'" + index + "'", text, StringComparison.Ordinal);
        }
    }
}
