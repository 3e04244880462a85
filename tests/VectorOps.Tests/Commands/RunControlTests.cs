using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using VectorOps.Commands;
using VectorOps.Errors;
using VectorOps.Hosting;
using VectorOps.Model;
using VectorOps.PowerShell.Hosting;
using Xunit;

namespace VectorOps.Tests.Commands
{
    /// <summary>
    /// Issue 12, items 5-8, in the command layer: a mutation sent back with another namespace is refused; progress
    /// is a percentage of records when the total is known and ids sent plus rate when not; one question per delete
    /// (the count in it; the What-if text and the WhatIf mutations agree); and the data a host needs to report a stop.
    /// </summary>
    public sealed class RunControlTests : CommandTestBase
    {
        // ---------------------------------------------------------------- item 5: retry in its own namespace

        [Fact]
        public void A_mutation_sent_back_with_its_own_namespace_is_deleted_and_with_another_is_refused_unsent()
        {
            Provider.Seed("docs", 30);
            var previewHost = new Support.RecordingHost { Decision = ShouldProcessDecision.WhatIf };
            var preview = new RemoveByIdsCommand(previewHost, Connection);
            preview.Add(Ids(0, 4).ToList(), "docs");
            preview.Complete();
            var whatIf = Assert.Single(previewHost.Mutations);

            var cmd = new RemoveByIdsCommand(Host, Connection);
            cmd.Retry(whatIf, "other");
            cmd.Complete();
            var error = Assert.Single(Host.Errors);
            Assert.Equal(ErrorIds.NamespaceMismatch, error.ErrorId);
            Assert.Equal(VectorOpsErrorCategory.InvalidArgument, error.Category);
            Assert.Equal("other", error.Target);
            Assert.Contains("'docs'", error.Exception.Message);
            Assert.Contains("'other'", error.Exception.Message);
            Assert.Empty(Host.Mutations);
            Assert.Equal(0, Provider.MutatingCalls);
            Assert.Equal(30, Provider.Count("docs"));

            var again = new RemoveByIdsCommand(Host, Connection);
            again.Retry(whatIf, "docs");
            again.Complete();
            Assert.Equal(26, Provider.Count("docs"));
            Assert.Equal(MutationStatus.Completed, Assert.Single(Host.Mutations).Status);
        }

        // ---------------------------------------------------------------- item 6: progress

        [Fact]
        public void An_id_array_of_known_size_shows_a_true_percentage_of_records_and_completes_at_100()
        {
            Provider.Seed("default", 100);
            var cmd = new RemoveByIdsCommand(Host, Connection, new RemoveOptions { ThrottleLimit = 1 });
            cmd.ExpectIds(100);
            cmd.Add(Ids(0, 100).ToList());
            cmd.Complete();

            var progress = Host.Progress.Where(p => p.Activity == "Deleting records by id").ToList();
            var first = progress.First();
            Assert.Equal("10 of 100 record(s) done", first.StatusDescription);
            Assert.Equal(10, first.PercentComplete);
            Assert.All(progress, p => Assert.DoesNotContain("batches done", p.StatusDescription));
            var last = progress.Last();
            Assert.True(last.Completed);
            Assert.Equal(100, last.PercentComplete);
            Assert.Equal("100 of 100 record(s) done", last.StatusDescription);
        }

        [Fact]
        public void An_id_file_checked_whole_first_shows_a_percentage_of_its_ids()
        {
            Provider.Seed("default", 40);
            var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "runctl-" + Guid.NewGuid().ToString("N") + ".txt");
            System.IO.File.WriteAllLines(path, Ids(0, 40));
            try
            {
                var cmd = new RemoveByIdsCommand(Host, Connection, new RemoveOptions { ThrottleLimit = 1 });
                cmd.AddIdFile(path);
                cmd.Complete();
            }
            finally
            {
                System.IO.File.Delete(path);
            }
            var progress = Host.Progress.Where(p => p.Activity == "Deleting records by id").ToList();
            Assert.Equal("10 of 40 record(s) done", progress.First().StatusDescription);
            Assert.Equal(25, progress.First().PercentComplete);
            Assert.True(progress.Last().Completed);
            Assert.Equal(0, Provider.Count("default"));
        }

        [Fact]
        public void Streamed_ids_show_records_sent_and_the_rate_without_a_percentage()
        {
            Provider.Seed("default", 100);
            var cmd = new RemoveByIdsCommand(Host, Connection, new RemoveOptions { ThrottleLimit = 1 });
            foreach (var id in Ids(0, 100)) cmd.Add(id);
            cmd.Complete();

            var running = Host.Progress.Where(p => p.Activity == "Deleting records by id" && !p.Completed).ToList();
            Assert.NotEmpty(running);
            Assert.All(running, p =>
            {
                Assert.Equal(-1, p.PercentComplete);
                Assert.Matches(@"^[\d,]+ record\(s\) sent, [\d,]+/s$", p.StatusDescription);
            });
            Assert.True(Host.Progress.Last().Completed);
        }

        [Fact]
        public void A_prefix_delete_counts_its_matches_and_shows_a_percentage_of_them()
        {
            Provider.Seed("default", 40);
            var cmd = new RemoveByPrefixCommand(Host, Connection, "id-", new RemoveOptions { ThrottleLimit = 1 });
            cmd.Execute(null);
            cmd.Complete();

            var progress = Host.Progress.Where(p => p.Activity == "Deleting records by id prefix").ToList();
            Assert.Equal("10 of 40 record(s) done", progress.First().StatusDescription);
            Assert.Equal(25, progress.First().PercentComplete);
            Assert.True(progress.Last().Completed);
            Assert.Equal(0, Provider.Count("default"));
        }

        [Fact]
        public void Clearing_by_listing_shows_a_percentage_of_the_namespace_count()
        {
            var (provider, connection) = ListingProvider();
            provider.Seed("a", 40);
            var cmd = new ClearNamespaceCommand(Host, connection, throttleLimit: 1);
            cmd.Clear("a");
            cmd.Complete();

            var progress = Host.Progress.Where(p => p.Activity == "Clearing namespaces").ToList();
            Assert.Equal("10 of 40 record(s) done", progress.First().StatusDescription);
            Assert.Equal(25, progress.First().PercentComplete);
            Assert.True(progress.Last().Completed);
            Assert.Equal(0, provider.Count("a"));
        }

        private static (Support.FakeProvider, VectorOps.Connections.VectorConnection) ListingProvider()
        {
            var provider = new Support.FakeProvider(new VectorOps.Providers.ProviderCapabilities
            {
                MaxIdsPerDelete = 10, MaxIdsPerFetch = 10, MaxRecordsPerUpsert = 10, DefaultConcurrency = 3, NativeNamespaceClear = false,
            });
            return (provider, new VectorOps.Connections.VectorConnection(provider, null, null));
        }

        // ---------------------------------------------------------------- item 8: one question per delete

        [Fact]
        public void With_a_prompting_ShouldProcess_a_prefix_delete_asks_once_and_the_question_carries_the_count()
        {
            Provider.Seed("default", 23);
            Host.Mode = ShouldProcessMode.Prompts;
            var cmd = new RemoveByPrefixCommand(Host, Connection, "id-");
            cmd.Execute(null);
            cmd.Complete();

            var question = Assert.Single(Host.ShouldProcessCalls);
            Assert.StartsWith("23 record(s) with id prefix 'id-'", question.Target);
            Assert.Empty(Host.ShouldContinueCalls);
            Assert.Equal(0, Provider.Count("default"));
        }

        [Fact]
        public void Without_a_prompt_the_count_question_is_asked_once_and_Force_skips_it()
        {
            Provider.Seed("default", 23);
            var cmd = new RemoveByPrefixCommand(Host, Connection, "id-");
            cmd.Execute(null);
            cmd.Complete();
            Assert.Single(Host.ShouldProcessCalls);
            var question = Assert.Single(Host.ShouldContinueCalls);
            Assert.StartsWith("23 record(s)", question.Query);

            var forced = new Support.RecordingHost();
            Provider.Seed("default", 5);
            var again = new RemoveByPrefixCommand(forced, Connection, "id-", new RemoveOptions { Force = true });
            again.Execute(null);
            again.Complete();
            Assert.Single(forced.ShouldProcessCalls);
            Assert.Empty(forced.ShouldContinueCalls);
        }

        [Fact]
        public void Under_WhatIf_with_Force_the_text_counts_the_matches_as_the_WhatIf_mutations_do()
        {
            Provider.Seed("default", 37);
            Host.Decision = ShouldProcessDecision.WhatIf;
            var cmd = new RemoveByPrefixCommand(Host, Connection, "id-", new RemoveOptions { Force = true });
            cmd.Execute(null);
            cmd.Complete();

            var question = Assert.Single(Host.ShouldProcessCalls);
            Assert.StartsWith("37 record(s) with id prefix", question.Target);
            Assert.DoesNotContain("all records", question.Target);
            Assert.Equal(37, Host.Mutations.Where(m => m.Status == MutationStatus.WhatIf).Sum(m => m.RequestedCount));
            Assert.Equal(0, Provider.MutatingCalls);
        }

        [Theory]
        [InlineData(false, false, false, null, ConfirmImpact.Medium, "High", ShouldProcessMode.Proceeds)]
        [InlineData(false, false, true, true, ConfirmImpact.Medium, "High", ShouldProcessMode.Prompts)]
        [InlineData(true, false, true, true, ConfirmImpact.Medium, "High", ShouldProcessMode.Prompts)]   // -Force -Confirm asks
        [InlineData(false, false, true, false, ConfirmImpact.High, "High", ShouldProcessMode.Proceeds)]  // -Confirm:$false
        [InlineData(false, false, false, null, ConfirmImpact.High, "High", ShouldProcessMode.Prompts)]   // Clear: High impact
        [InlineData(true, false, false, null, ConfirmImpact.High, "High", ShouldProcessMode.Proceeds)]   // -Force
        [InlineData(false, false, false, null, ConfirmImpact.Medium, "Medium", ShouldProcessMode.Prompts)]
        [InlineData(false, false, false, null, ConfirmImpact.High, "None", ShouldProcessMode.Proceeds)]
        [InlineData(true, true, false, null, ConfirmImpact.Medium, "High", ShouldProcessMode.WhatIf)]    // -Force -WhatIf
        [InlineData(false, true, true, true, ConfirmImpact.Medium, "High", ShouldProcessMode.WhatIf)]
        public void The_cmdlet_host_knows_what_ShouldProcess_will_do(bool force, bool whatIf, bool confirmBound, bool? confirm,
            ConfirmImpact impact, string preference, ShouldProcessMode expected)
        {
            // The engine binds -Confirm as a SwitchParameter; IsTrue reads it like a bool (the tests run against the
            // reference assembly of System.Management.Automation, whose SwitchParameter has no working body).
            object? confirmValue = confirm;
            Assert.Equal(expected, HostDecisions.ShouldProcessModeOf(force, whatIf, confirmBound, confirmValue, impact, preference));
        }

        // ---------------------------------------------------------------- item 7: what a stop leaves

        [Fact]
        public void A_stop_is_summed_up_and_the_mutations_to_retry_delete_exactly_the_rest()
        {
            Provider.Seed("default", 100);
            var all = Ids(0, 100).ToList();
            Host.OnWrite = (h, o) => { if (h.Mutations.Count() == 3) h.Cancel(); };
            var cmd = new RemoveByIdsCommand(Host, Connection, new RemoveOptions { ThrottleLimit = 1, BatchSize = 5 });
            foreach (var id in all) cmd.Add(id); // streamed: the ids after the stop are still handed over
            cmd.Complete();

            var s = cmd.Summary;
            var done = Host.Mutations.Where(m => m.Status == MutationStatus.Completed).ToList();
            Assert.Equal(done.Count, s.BatchesDone);
            Assert.Equal(done.Sum(m => m.RequestedCount), s.RecordsDone);
            Assert.Equal(100 - s.RecordsDone, s.RecordsNotSent);
            Assert.Equal(s.BatchesNotSent, s.ToRetry.Count);
            Assert.All(s.ToRetry, m => Assert.Equal(ErrorIds.OperationStopped, m.ErrorId));
            Assert.Equal(100 - s.RecordsDone, Provider.Count("default"));
            Assert.Contains($"{s.BatchesDone} batch(es) done ({s.RecordsDone} record(s) deleted or acknowledged)", s.Describe());

            var host = new Support.RecordingHost();
            var resume = new RemoveByIdsCommand(host, Connection);
            foreach (var m in s.ToRetry) resume.Retry(m);
            resume.Complete();
            Assert.Equal(0, Provider.Count("default"));
            Assert.Equal(all.Skip((int)s.RecordsDone).OrderBy(x => x), host.Mutations.SelectMany(m => m.Ids!).OrderBy(x => x));
        }

        [Fact]
        public void A_stop_in_a_prefix_delete_names_the_namespaces_not_reached()
        {
            Provider.Seed("a", 30);
            Provider.Seed("b", 30);
            Host.OnWrite = (h, o) => { if (h.Mutations.Count() == 1) h.Cancel(); };
            var cmd = new RemoveByPrefixCommand(Host, Connection, "id-", new RemoveOptions { ThrottleLimit = 1, Force = true });
            cmd.Execute(new[] { "a", "b" });
            cmd.Complete();
            Assert.Equal(new[] { "a" }, cmd.Summary.NamespacesStopped);
            Assert.Equal(new[] { "b" }, cmd.Summary.NamespacesNotReached);
            Assert.Equal(30, Provider.Count("b"));
        }

        [Fact]
        public void A_stop_while_clearing_starts_no_other_namespace_and_names_those_not_reached()
        {
            // Cleared by listing (Vectorize's way): the stop comes in the middle of 'a'.
            var (provider, connection) = ListingProvider();
            provider.Seed("a", 30);
            provider.Seed("b", 30);
            Host.OnWrite = (h, o) => { if (h.Mutations.Count() == 1) h.Cancel(); };
            var cmd = new ClearNamespaceCommand(Host, connection, throttleLimit: 1);
            cmd.Clear("a");
            cmd.Clear("b");
            cmd.Complete();

            Assert.Equal(new[] { "a" }, cmd.Summary.NamespacesStopped);
            Assert.Equal(new[] { "b" }, cmd.Summary.NamespacesNotReached);
            Assert.Equal(30, provider.Count("b"));
            Assert.Equal(30 - cmd.Summary.RecordsDone, provider.Count("a"));
            Assert.All(cmd.Summary.ToRetry, m => Assert.Equal("a", m.Namespace));

            // In one request per namespace (Pinecone's, the local store's): 'a' is done, 'b' is not started.
            var host = new Support.RecordingHost();
            Provider.Seed("a", 30);
            Provider.Seed("b", 30);
            host.OnWrite = (h, o) => { if (h.Mutations.Count() == 1) h.Cancel(); };
            var native = new ClearNamespaceCommand(host, Connection);
            native.Clear("a");
            native.Clear("b");
            native.Complete();
            Assert.Empty(native.Summary.NamespacesStopped);
            Assert.Equal(new[] { "b" }, native.Summary.NamespacesNotReached);
            Assert.Equal(0, Provider.Count("a"));
            Assert.Equal(30, Provider.Count("b"));
        }

        [Fact]
        public void The_stop_text_says_what_was_read_and_how_to_resume()
        {
            Provider.Seed("default", 20);
            Host.OnWrite = (h, o) => { if (h.Mutations.Count() == 1) h.Cancel(); };
            var cmd = new RemoveByIdsCommand(Host, Connection, new RemoveOptions { ThrottleLimit = 1, BatchSize = 5 });
            foreach (var id in Ids(0, 12)) cmd.Add(id);
            cmd.Complete();
            var late = new VectorMutation { Namespace = "default", Status = MutationStatus.Completed, RequestedCount = 2, Ids = new[] { "x-1", "x-2" } };

            var lines = StopReport.RemoveLines(cmd.Summary, new[] { late }, scoped: false, piped: true, inputs: 12, lastInput: "'id-00011'", failure: null);
            var text = string.Join("\n", lines);
            Assert.StartsWith("Remove-VectorRecord was stopped (Ctrl+C): 1 batch(es) done (5 record(s)", text);
            Assert.Contains("2 not sent (7 record(s))", text);
            Assert.Contains("1 of the batches done ended after the stop and are not in the output: 2 record(s) deleted in 'default': x-1, x-2", text);
            Assert.Contains("12 input object(s) were read from the pipeline, the last 'id-00011'", text);
            Assert.Contains("$VectorOpsStopped | Remove-VectorRecord sends again exactly the 2 batch(es) not sent or failed (7 id(s))", text);
            Assert.Contains("Select-Object -Skip 12", text);
            Assert.Contains(late, cmd.Summary.NotWritten);
        }
    }
}
