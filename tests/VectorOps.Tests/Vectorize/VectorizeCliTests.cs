using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using VectorOps.Emulators.Vectorize;
using VectorOps.Tests.Cli;
using Xunit;

namespace VectorOps.Tests.Vectorize
{
    /// <summary>
    /// The vectorops CLI (run as a child process) against the Vectorize emulator behind Prism: the same settings as
    /// Connect-VectorIndex (--account-id or CLOUDFLARE_ACCOUNT_ID, CLOUDFLARE_API_TOKEN, --base-uri), deletes
    /// streamed in 100s, `vectorops wait` reading the mutations back from JSON, scoped deletes and their previews.
    /// </summary>
    public sealed class VectorizeCliTests : VectorizeTestBase
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("vectorops-vectorize-cli-").FullName;

        public VectorizeCliTests(VectorizeFixture fixture) : base(fixture) { }

        public override void Dispose()
        {
            try { Directory.Delete(_dir, recursive: true); }
            catch (IOException) { }
            base.Dispose();
        }

        private Dictionary<string, string> Env(bool token = true, bool account = false)
        {
            var env = new Dictionary<string, string>();
            if (token) env["CLOUDFLARE_API_TOKEN"] = VectorizeFixture.Token;
            if (account) env["CLOUDFLARE_ACCOUNT_ID"] = Fixture.AccountId;
            return env;
        }

        private List<string> Args(string command, string index, params string[] rest)
        {
            var args = new List<string>
            {
                command, "--provider", "CloudflareVectorize", "--index", index, "--account-id", Fixture.AccountId,
                "--base-uri", Fixture.Prism.Uri.ToString(), "--requests-per-second", "200",
            };
            args.AddRange(rest);
            return args;
        }

        private CliResult Run(string command, string index, string[] rest, string? stdin = null, Dictionary<string, string>? env = null) =>
            CliRunner.Run(Args(command, index, rest), stdin, env ?? Env(), TimeSpan.FromMinutes(2));

        private static string[] IdsOf(JsonElement m) => m.GetProperty("ids").EnumerateArray().Select(e => e.GetString()!).ToArray();

        private string File(string name, IEnumerable<string> lines)
        {
            var path = Path.Combine(_dir, name);
            System.IO.File.WriteAllLines(path, lines);
            return path;
        }

        [Fact]
        public void Remove_2500_ids_sends_25_calls_and_vectorops_wait_returns_once_all_are_applied()
        {
            var index = Fixture.NewIndex();
            index.Seed("doc-", 2600);
            var ids = Ids("doc-", 0, 2500).ToList();
            Emulator.ApplyPaused = true; // nothing lands while the remove runs: the wait has 25 to wait for

            var removed = Run("remove", index.Name, new[] { "--ids-from", File("ids.txt", ids), "--yes", "--json" });
            Assert.True(removed.ExitCode == 0, removed.ToString());
            var mutations = removed.JsonLines();
            Assert.Equal(25, mutations.Count);
            Assert.All(mutations, m => Assert.Equal("Acknowledged", m.GetProperty("status").GetString()));
            Assert.All(mutations, m => Assert.InRange(IdsOf(m).Length, 1, 100));
            Assert.Equal(ids, mutations.SelectMany(IdsOf).OrderBy(x => x, StringComparer.Ordinal));
            var calls = Fixture.Calls(index.Name, "delete_by_ids");
            Assert.Equal(25, calls.Count);
            Assert.All(calls, c => Assert.InRange(c.IdCount ?? 0, 1, 100));
            Assert.Equal(25, index.PendingCount);

            Emulator.ApplyPaused = false;
            var waited = Run("wait", index.Name, new[] { "--json", "--poll-interval", "0.2", "--timeout", "60" }, stdin: removed.Stdout);
            Assert.True(waited.ExitCode == 0, waited.ToString());
            var completed = waited.JsonLines();
            Assert.Equal(25, completed.Count);
            Assert.All(completed, m => Assert.Equal("Completed", m.GetProperty("status").GetString()));
            Assert.All(mutations, m => Assert.True(index.IsApplied(m.GetProperty("providerMutationId").GetString()!)));
            Assert.Equal(100, index.Count);
            Assert.Equal(ids, Emulator.Journal.DeletedIds(index.Name).OrderBy(x => x, StringComparer.Ordinal));
        }

        [Fact]
        public void Prefix_filter_and_namespace_previews_are_exact_and_send_nothing()
        {
            var index = Fixture.NewIndex();
            index.Seed("doc-", 300, null, i => $"{{\"kind\":\"{(i % 2 == 0 ? "draft" : "final")}\"}}");
            index.Seed("doc-", 300, "tenant-a", i => $"{{\"kind\":\"{(i % 2 == 0 ? "draft" : "final")}\"}}", from: 300);

            var prefix = Run("remove", index.Name, new[] { "--prefix", "doc-001", "--what-if", "--json" });
            Assert.True(prefix.ExitCode == 0, prefix.ToString());
            Assert.Equal(Ids("doc-", 100, 100), prefix.JsonLines().SelectMany(IdsOf).OrderBy(x => x, StringComparer.Ordinal));
            Assert.All(prefix.JsonLines(), m => Assert.Equal("WhatIf", m.GetProperty("status").GetString()));

            var filter = Run("remove", index.Name, new[] { "--filter", "{\"kind\":\"draft\"}", "--namespace", "tenant-a", "--what-if", "--json" });
            Assert.True(filter.ExitCode == 0, filter.ToString());
            Assert.Equal(Enumerable.Range(300, 300).Where(i => i % 2 == 0).Select(i => "doc-" + i.ToString("D5")),
                filter.JsonLines().SelectMany(IdsOf).OrderBy(x => x, StringComparer.Ordinal));

            var clear = Run("clear", index.Name, new[] { "--namespace", "tenant-a", "--what-if", "--json" });
            Assert.True(clear.ExitCode == 0, clear.ToString());
            Assert.Equal(3, clear.JsonLines().Count);
            Assert.Equal(Ids("doc-", 300, 300), clear.JsonLines().SelectMany(IdsOf).OrderBy(x => x, StringComparer.Ordinal));

            Assert.Equal(0, Fixture.MutatingCalls(index.Name));
            Assert.Empty(index.Mutations);
        }

        [Fact]
        public void Filter_delete_and_namespace_clear_delete_exactly_the_right_ids()
        {
            var index = Fixture.NewIndex();
            index.Seed("doc-", 300, null, i => $"{{\"kind\":\"{(i % 2 == 0 ? "draft" : "final")}\"}}");
            index.Seed("doc-", 300, "tenant-a", i => $"{{\"kind\":\"{(i % 2 == 0 ? "draft" : "final")}\"}}", from: 300);

            var filter = Run("remove", index.Name, new[] { "--filter", "{\"kind\":\"final\"}", "--yes", "--force", "--json" });
            Assert.True(filter.ExitCode == 0, filter.ToString());
            var clear = Run("clear", index.Name, new[] { "--namespace", "tenant-a", "--yes", "--json" });
            Assert.True(clear.ExitCode == 0, clear.ToString());
            Assert.All(clear.JsonLines(), m => Assert.False(string.IsNullOrEmpty(m.GetProperty("providerMutationId").GetString())));
            Assert.Equal(3, clear.JsonLines().Count);

            var waited = Run("wait", index.Name, new[] { "--json", "--poll-interval", "0.2" }, stdin: filter.Stdout + clear.Stdout);
            Assert.True(waited.ExitCode == 0, waited.ToString());
            var expected = Enumerable.Range(0, 300).Where(i => i % 2 == 1).Concat(Enumerable.Range(300, 300)).Select(i => "doc-" + i.ToString("D5")).OrderBy(x => x, StringComparer.Ordinal);
            Assert.Equal(expected, Emulator.Journal.DeletedIds(index.Name).OrderBy(x => x, StringComparer.Ordinal));
        }

        [Fact]
        public void Namespaces_get_and_add_work_from_the_cli()
        {
            var index = Fixture.NewIndex();
            index.Seed("doc-", 10);
            index.Seed("doc-", 4, "tenant-a", from: 10);

            var ns = Run("namespaces", index.Name, new[] { "--json" });
            Assert.True(ns.ExitCode == 0, ns.ToString());
            Assert.Equal(new[] { "__default__=10", "tenant-a=4" },
                ns.JsonLines().Select(n => n.GetProperty("name").GetString() + "=" + n.GetProperty("recordCount").GetInt64()).OrderBy(x => x));

            var records = "{\"id\":\"new-1\",\"values\":[0.1,0.2,0.3,0.4],\"metadata\":{\"k\":\"v\"}}\n{\"id\":\"new-2\",\"values\":[1,2,3,4],\"namespace\":\"tenant-b\"}\n";
            var added = Run("add", index.Name, new[] { "--json" }, stdin: records);
            Assert.True(added.ExitCode == 0, added.ToString());
            Assert.Equal(2, added.JsonLines().Count); // one upsert per namespace
            Assert.Equal(2, Fixture.Calls(index.Name, "upsert").Count);
            var waited = Run("wait", index.Name, new[] { "--json", "--poll-interval", "0.2" }, stdin: added.Stdout);
            Assert.True(waited.ExitCode == 0, waited.ToString());
            Assert.Equal("tenant-b", index.Get("new-2")!.Namespace);

            var got = Run("get", index.Name, new[] { "--id", "new-1", "--json" });
            Assert.True(got.ExitCode == 0, got.ToString());
            var record = Assert.Single(got.JsonLines());
            Assert.Equal("new-1", record.GetProperty("id").GetString());
            Assert.Equal("v", record.GetProperty("metadata").GetProperty("k").GetString());
        }

        [Fact]
        public void The_account_comes_from_CLOUDFLARE_ACCOUNT_ID_too()
        {
            var index = Fixture.NewIndex();
            index.Seed("doc-", 3);
            var args = new List<string> { "stats", "--provider", "Vectorize", "--index", index.Name, "--base-uri", Fixture.Prism.Uri.ToString(), "--json" };
            var r = CliRunner.Run(args, null, Env(account: true));
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Contains("3", r.Stdout, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("InvalidIndexName", "--index", "Not_Valid")]
        [InlineData("InvalidAccountId", "--account-id", "not-an-account")]
        [InlineData("InsecureEndpoint", "--base-uri", "http://example.com/client/v4")]
        public void Bad_settings_exit_2_with_the_error_id_and_send_nothing(string errorId, string option, string value)
        {
            var index = Fixture.NewIndex();
            index.Seed("doc-", 3);
            var args = Args("remove", index.Name, "--id", "doc-00000", "--yes", "--json");
            args[args.IndexOf(option) + 1] = value;
            var before = Emulator.Journal.Entries.Count;
            var r = CliRunner.Run(args, null, Env());
            // Input errors, an insecure endpoint included, exit 2: nothing was sent.
            Assert.True(r.ExitCode == 2, r.ToString());
            Assert.Contains("vectorops: " + errorId + ": ", r.Stderr, StringComparison.Ordinal);
            Assert.Equal("", r.Stdout);
            Assert.Equal(before, Emulator.Journal.Entries.Count);
        }

        [Fact]
        public void A_missing_token_is_a_clear_error_and_the_token_never_shows()
        {
            var index = Fixture.NewIndex();
            index.Seed("doc-", 3);
            var missing = Run("remove", index.Name, new[] { "--id", "doc-00000", "--yes" }, env: Env(token: false));
            Assert.NotEqual(0, missing.ExitCode);
            Assert.Contains("MissingCredential", missing.Stderr, StringComparison.Ordinal);
            Assert.Empty(Fixture.Calls(index.Name));

            var verbose = Run("remove", index.Name, new[] { "--id", "doc-00000", "--id", new string('z', 65), "--yes", "--verbose", "--debug", "--json" });
            var ok = Run("remove", index.Name, new[] { "--id", "doc-00001", "--yes", "--verbose", "--debug", "--json" });
            Assert.Equal(0, ok.ExitCode);
            var refused = Run("namespaces", index.Name, new[] { "--verbose", "--debug" },
                env: new Dictionary<string, string> { ["CLOUDFLARE_API_TOKEN"] = VectorizeFixture.Token + "-revoked" });
            Assert.NotEqual(0, refused.ExitCode);
            Assert.Contains("ProviderAuthenticationFailed", refused.Stderr, StringComparison.Ordinal);
            foreach (var r in new[] { missing, verbose, ok, refused })
            {
                Assert.DoesNotContain(VectorizeFixture.Token, r.Stdout, StringComparison.Ordinal);
                Assert.DoesNotContain(VectorizeFixture.Token, r.Stderr, StringComparison.Ordinal);
            }
        }
    }
}
