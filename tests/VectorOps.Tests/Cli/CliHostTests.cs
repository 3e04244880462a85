using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Xunit;

namespace VectorOps.Tests.Cli
{
    /// <summary>Host behaviour: JSON shape, secrets, wait, Ctrl+C.</summary>
    public sealed class CliHostTests
    {
        [Fact]
        public void Json_output_is_camel_case_with_enums_as_strings()
        {
            using var store = new TempStore();
            store.Seed(Fixtures.Small);
            var r = store.Run("remove", "--id", "doc-1", "--yes", "--json");
            Assert.Equal(0, r.ExitCode);
            var line = r.Stdout.Trim();
            Assert.Single(r.Stdout.Trim().Split('\n'));
            Assert.Contains("\"operation\":\"DeleteByIds\"", line);
            Assert.Contains("\"status\":\"Completed\"", line);
            Assert.Contains("\"requestedCount\":1", line);
            Assert.DoesNotContain("\"Status\"", line);
            Assert.DoesNotContain("What if", r.Stdout);
        }

        [Fact]
        public void Errors_and_summaries_go_to_stderr_so_stdout_stays_json()
        {
            using var store = new TempStore();
            store.Seed(Fixtures.Small);
            var r = store.Run("get", "--id", "doc-1", "--id", "missing", "--json", "--verbose");
            Assert.Equal(2, r.ExitCode);
            Assert.Equal("doc-1", Assert.Single(r.JsonLines()).GetProperty("id").GetString());
            Assert.Contains("vectorops: RecordNotFound:", r.Stderr);
            Assert.Contains("VERBOSE: Connected to Local index", r.Stderr);
        }

        [Fact]
        public void Progress_is_one_line_on_stderr_only_when_asked_for_off_a_terminal()
        {
            using var store = new TempStore();
            var file = store.File("ids.txt", Fixtures.Numbered(3000));

            var quiet = store.Run("remove", "--ids-from", file, "--yes", "--json");
            Assert.Equal(0, quiet.ExitCode);
            Assert.DoesNotContain("\r", quiet.Stderr);
            Assert.DoesNotContain("Deleting records by id:", quiet.Stderr);

            var shown = store.Run("remove", "--ids-from", file, "--yes", "--json", "--progress");
            Assert.Equal(0, shown.ExitCode);
            Assert.Contains("\rDeleting records by id: ", shown.Stderr);
            Assert.Equal(3, shown.JsonLines().Count); // stdout is untouched by progress
            // The line is rewritten in place: no progress text is ever followed by a newline.
            Assert.DoesNotContain(shown.Stderr.Split('\n'), l => l.TrimEnd().EndsWith("failed)"));
        }

        [Fact]
        public void An_api_key_file_is_never_printed_even_with_verbose_and_debug()
        {
            using var store = new TempStore();
            store.Seed(Fixtures.Small);
            const string secret = "sk-Sup3rSecretValueThatMustStayHidden-7731";
            var keyFile = store.File("key.txt", secret + "\n");
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);

            // The local store takes no key: one given is refused (the wrong --provider, most likely), and not shown.
            var r = store.Run("get", "--api-key-file", keyFile, "--verbose", "--debug", "--json", "--first", "1");
            Assert.True(r.ExitCode == 2, r.ToString());
            Assert.Contains("InvalidSetting", r.Stderr);
            Assert.Contains("takes no credential", r.Stderr);
            Assert.DoesNotContain("Sup3rSecret", r.Stdout + r.Stderr);

            // A provider that takes one reads it from the file, and prints it nowhere (a closed loopback port keeps it offline).
            var viaFile = CliRunner.Run(new[]
            {
                "stats", "--provider", "Pinecone", "--index", "idx", "--index-host", "http://127.0.0.1:9", "--base-uri", "http://127.0.0.1:9",
                "--api-key-file", keyFile, "--max-attempts", "1", "--request-timeout", "5", "--verbose", "--debug",
            });
            Assert.NotEqual(0, viaFile.ExitCode);
            Assert.DoesNotContain("Sup3rSecret", viaFile.Stdout + viaFile.Stderr);

            var env = new Dictionary<string, string> { ["PINECONE_API_KEY"] = secret, ["VECTOROPS_API_KEY"] = secret };
            // Whether or not Pinecone is registered in this build, nothing may print the key (a closed loopback port keeps it offline).
            var viaEnv = CliRunner.Run(new[]
            {
                "stats", "--provider", "Pinecone", "--index", "idx", "--index-host", "http://127.0.0.1:9", "--base-uri", "http://127.0.0.1:9",
                "--max-attempts", "1", "--request-timeout", "5", "--verbose", "--debug",
            }, env: env);
            Assert.NotEqual(0, viaEnv.ExitCode);
            Assert.DoesNotContain("Sup3rSecret", viaEnv.Stdout + viaEnv.Stderr);
        }

        [Fact]
        public void A_missing_api_key_file_is_an_input_error()
        {
            using var store = new TempStore();
            var r = store.Run("stats", "--api-key-file", Path.Combine(store.Folder, "nope.txt"));
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("vectorops: InputFileNotFound: ", r.Stderr);
        }

        [Fact]
        public void Wait_completes_acknowledged_mutations_and_passes_the_rest_through()
        {
            using var store = new TempStore();
            store.Seed(Fixtures.Small);
            string Mutation(string status, string id) =>
                "{\"provider\":\"Local\",\"index\":\"" + store.Index + "\",\"namespace\":\"default\",\"operation\":\"DeleteByIds\",\"ids\":[\"" + id +
                "\"],\"requestedCount\":1,\"status\":\"" + status + "\",\"attempts\":1}";
            var input = Mutation("Acknowledged", "a") + "\n" + Mutation("Completed", "b") + "\n";

            var r = store.RunWithInput(input, "wait", "--timeout", "10", "--json");
            Assert.True(r.ExitCode == 0, r.ToString());
            var lines = r.JsonLines();
            Assert.Equal(2, lines.Count);
            Assert.All(lines, m => Assert.Equal("Completed", m.GetProperty("status").GetString()));

            var file = store.File("m.jsonl", input);
            var fromFile = store.Run("wait", "--from", file, "--json");
            Assert.True(fromFile.ExitCode == 0, fromFile.ToString());
        }

        [Fact]
        public void Wait_refuses_a_malformed_mutation_file()
        {
            using var store = new TempStore();
            var r = store.RunWithInput("{\"status\":\"Acknowledged\"\n", "wait");
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("vectorops: InvalidMutationFile: Line 1 of standard input", r.Stderr);
        }

        [Fact]
        public async Task Ctrl_c_stops_sending_reports_every_batch_read_and_exits_1()
        {
            using var store = new TempStore();
            // One id per batch: far more batches than can finish before the interrupt arrives.
            var file = store.File("ids.txt", Fixtures.Numbered(400_000, "gone-"));
            using var process = CliRunner.Start(new[]
            {
                "remove", "--store", store.StorePath, "--index", store.Index, "--ids-from", file, "--batch-size", "1", "--yes", "--json",
            });
            process.StandardInput.Close();
            var stderr = process.StandardError.ReadToEndAsync();

            var lines = new List<string>();
            var first = process.StandardOutput.ReadLine();
            Assert.NotNull(first); // sending has started
            lines.Add(first!);
            CliRunner.Interrupt(process);
            string? line;
            while ((line = process.StandardOutput.ReadLine()) != null) lines.Add(line);
            Assert.True(process.WaitForExit(60_000), "the CLI did not exit after Ctrl+C");

            var err = await stderr;
            Assert.Equal(1, process.ExitCode);
            Assert.Contains("Stopping: no new batch will start", err);
            Assert.Contains("Stopped: ids from line", err);
            var mutations = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
            Assert.True(mutations.Count < 400_000);
            // Every id read so far is accounted for, once: sent (Completed) or reported Skipped.
            var reported = mutations.SelectMany(m => m.GetProperty("ids").EnumerateArray().Select(e => e.GetString()!)).ToList();
            Assert.Equal(reported.Count, reported.Distinct().Count());
            Assert.Equal(Fixtures.Numbered(reported.Count, "gone-").OrderBy(x => x, StringComparer.Ordinal), reported.OrderBy(x => x, StringComparer.Ordinal));
            Assert.All(mutations, m => Assert.Contains(m.GetProperty("status").GetString(), new[] { "Completed", "Skipped" }));
        }
    }
}
