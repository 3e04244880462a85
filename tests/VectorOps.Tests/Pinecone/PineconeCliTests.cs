using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using VectorOps.Tests.Cli;
using Xunit;

namespace VectorOps.Tests.Pinecone
{
    /// <summary>The vectorops CLI (run as a process) against the emulator through Prism.</summary>
    public sealed class PineconeCliTests : PineconeTestBase, IDisposable
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("vectorops-pinecone-cli-").FullName;

        public PineconeCliTests(PineconeFixture fixture) : base(fixture) { }

        private Dictionary<string, string> Env => new Dictionary<string, string> { ["PINECONE_API_KEY"] = PineconeFixture.Key };

        private string[] Connection(string version = "2026-04") => new[]
        {
            "--provider", "Pinecone",
            "--index-host", (version == "2025-10" ? Fixture.LegacyPrism.Uri : Fixture.Prism.Uri).ToString(),
            "--api-version", version,
        };

        private CliResult Run(IEnumerable<string> args, string? stdin = null, bool key = true) =>
            CliRunner.Run(args.ToList(), stdin, key ? Env : null, TimeSpan.FromSeconds(120));

        private static void AssertNoKey(CliResult r)
        {
            Assert.DoesNotContain(PineconeFixture.Key.Substring(0, 16), r.Stdout + r.Stderr);
            Assert.DoesNotContain(PineconeFixture.Key.Substring(PineconeFixture.Key.Length - 16), r.Stdout + r.Stderr);
        }

        [Fact]
        public void Remove_IdsFromAFile_ThenWait_AllThroughPrism()
        {
            Emulator.Store.Seed("docs", Records("doc-", 2500));
            var ids = Path.Combine(_dir, "ids.txt");
            File.WriteAllLines(ids, Enumerable.Range(0, 2500).Select(i => "doc-" + i.ToString("D6")));
            var r = Run(new[] { "remove" }.Concat(Connection()).Concat(new[] { "--ids-from", ids, "--namespace", "docs", "--yes", "--json" }));
            Assert.True(r.ExitCode == 0, r.ToString());
            var mutations = r.JsonLines();
            Assert.Equal(3, mutations.Count);
            Assert.All(mutations, m => Assert.Equal("Acknowledged", m.GetProperty("status").GetString()));
            Assert.All(mutations, m => Assert.True(VectorOps.Providers.Pinecone.PineconeProvider.LsnOf(m.GetProperty("providerState").GetString()) > 0));
            Assert.Equal(3, Journal.Count("delete"));
            Assert.All(Journal.Of("delete"), d => Assert.True(d.IdCount <= 1000));
            Assert.Equal(2500, Journal.DeletedIds("docs").Count);
            AssertNoKey(r);

            var run = Path.Combine(_dir, "run.jsonl");
            File.WriteAllText(run, r.Stdout);
            var w = Run(new[] { "wait" }.Concat(Connection()).Concat(new[] { "--from", run, "--timeout", "30", "--poll-interval", "0.1", "--json" }));
            Assert.True(w.ExitCode == 0, w.ToString());
            Assert.All(w.JsonLines(), m => Assert.Equal("Completed", m.GetProperty("status").GetString()));
            Assert.Equal(3, w.JsonLines().Count);
            AssertNoKey(w);
            AssertNoViolations();
        }

        [Fact]
        public void Remove_FilterWhatIf_ShowsTheMatchesAndSendsNothing()
        {
            Emulator.Store.Seed("films", Records("f-", 90, i => new Dictionary<string, object?> { ["genre"] = i % 3 == 0 ? "drama" : "comedy" }));
            var r = Run(new[] { "remove" }.Concat(Connection()).Concat(new[] { "--filter", "{\"genre\":{\"$eq\":\"drama\"}}", "--namespace", "films", "--what-if", "--json" }));
            Assert.True(r.ExitCode == 0, r.ToString());
            var previews = r.JsonLines();
            Assert.All(previews, m => Assert.Equal("WhatIf", m.GetProperty("status").GetString()));
            Assert.Equal(30, previews.SelectMany(m => m.GetProperty("ids").EnumerateArray()).Count());
            Assert.Equal(0, Journal.MutatingCalls);
            Assert.Equal(90, Emulator.Store.CountIn("films"));
            AssertNoViolations();
        }

        [Fact]
        public void Remove_Filter_On202510_IsDoneById()
        {
            Emulator.Store.Seed("films", Records("f-", 90, i => new Dictionary<string, object?> { ["genre"] = i % 3 == 0 ? "drama" : "comedy" }));
            var r = Run(new[] { "remove" }.Concat(Connection("2025-10")).Concat(new[] { "--filter", "{\"genre\":\"drama\"}", "--namespace", "films", "--yes", "--force", "--json" }));
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.All(Journal.Of("delete"), d => Assert.Equal("ids", d.Detail));
            Assert.Equal(30, Journal.DeletedIds("films").Count);
            Assert.Equal(60, Emulator.Store.CountIn("films"));
            AssertNoViolations();
        }

        [Fact]
        public void Clear_RemoveNamespace_AndNamespaces()
        {
            Emulator.Store.Seed("logs", Records("l-", 12));
            Emulator.Store.Seed("keep", Records("k-", 3));
            var r = Run(new[] { "clear" }.Concat(Connection()).Concat(new[] { "--namespace", "logs", "--remove-namespace", "--yes", "--json" }));
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Single(Journal.Of("deleteNamespace"));
            Assert.False(Emulator.Store.NamespaceExists("logs"));
            var ns = Run(new[] { "namespaces" }.Concat(Connection()).Concat(new[] { "--json" }));
            Assert.True(ns.ExitCode == 0, ns.ToString());
            var keep = Assert.Single(ns.JsonLines());
            Assert.Equal("keep", keep.GetProperty("name").GetString());
            Assert.Equal(3, keep.GetProperty("recordCount").GetInt64());
            AssertNoViolations();
        }

        [Fact]
        public void MissingKey_IsAClearErrorNamingTheVariable()
        {
            var r = Run(new[] { "namespaces" }.Concat(Connection()), key: false);
            Assert.NotEqual(0, r.ExitCode);
            Assert.Contains("PINECONE_API_KEY", r.Stderr);
            Assert.Empty(Journal.Entries);
        }

        void IDisposable.Dispose()
        {
            try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
            Dispose();
        }
    }
}
