using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using VectorOps.Commands;
using VectorOps.Connections;
using VectorOps.Errors;
using VectorOps.Hosting;
using VectorOps.Model;
using VectorOps.Providers;
using VectorOps.Serialization;
using VectorOps.Tests.Support;
using Xunit;

namespace VectorOps.Tests.Reliability
{
    /// <summary>RestoreRecordsCommand: the file is checked before anything is sent; torn lines; the backup writer's repair.</summary>
    public sealed class RestoreCommandTests : IDisposable
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("vectorops-restore-").FullName;
        private readonly FakeProvider _provider = new FakeProvider();
        private readonly VectorConnection _connection;
        private readonly RecordingHost _host = new RecordingHost();

        public RestoreCommandTests()
        {
            _connection = new VectorConnection(_provider, null, null);
        }

        public void Dispose() => Directory.Delete(_dir, recursive: true);

        private static string Line(string id, string ns = "default") =>
            RecordJson.ToLine(new VectorRecord(id) { Namespace = ns, Values = new[] { 1f, 2f }, Metadata = new Dictionary<string, object?> { ["k"] = id } });

        private string File(string name, string text)
        {
            var path = Path.Combine(_dir, name);
            System.IO.File.WriteAllText(path, text);
            return path;
        }

        private RestoreSummary Restore(string path, RestoreOptions? options = null) =>
            new RestoreRecordsCommand(_host, _connection, options).Restore(path);

        [Fact]
        public void A_torn_last_line_is_skipped_with_a_warning_naming_it_and_the_rest_is_restored()
        {
            var torn = Line("r-3").Substring(0, 17);
            var path = File("b.jsonl", Line("r-1") + "\n" + Line("r-2") + "\n" + torn);
            var summary = Restore(path);
            Assert.Equal(2, summary.Records);
            Assert.Equal(new long[] { 3 }, summary.TornLines);
            var warning = Assert.Single(_host.Warnings);
            Assert.Contains("Line 3 of", warning);
            Assert.Contains("never deleted", warning);
            Assert.Empty(_host.Errors);
            Assert.True(_provider.Contains("default", "r-1") && _provider.Contains("default", "r-2"));
            Assert.False(_provider.Contains("default", "r-3"));
        }

        [Theory]
        [InlineData("{\"id\":\"a\",\"values\":[1,2")]
        [InlineData("{\"id\":\"a\",\"meta")]
        [InlineData("{")]
        [InlineData("  {\"id\":\"a\",\"metadata\":{\"k\":[\"x\",")]
        public void Cut_short_objects_are_torn(string text) => Assert.True(RestoreRecordsCommand.IsTornJson(text));

        [Theory]
        [InlineData("{\"id\":\"a\"}")]
        [InlineData("{\"id\":\"a\"}}")]
        [InlineData("{\"id\" \"a\"")]
        [InlineData("[1,2")]
        [InlineData("hello")]
        [InlineData("")]
        public void Complete_or_wrong_text_is_not_torn(string text) => Assert.False(RestoreRecordsCommand.IsTornJson(text));

        [Fact]
        public void A_malformed_line_stops_the_restore_before_the_first_upsert_and_names_the_line()
        {
            var lines = Enumerable.Range(0, 25).Select(i => Line("r-" + i)).ToList();
            lines[17] = "{\"id\": 42, \"values\": [1]}";
            var path = File("b.jsonl", string.Join("\n", lines) + "\n");
            var ex = Assert.Throws<VectorOpsException>(() => Restore(path));
            Assert.Equal(ErrorIds.InvalidRecordFile, ex.ErrorId);
            var line = Assert.Single(_host.Errors);
            Assert.Equal(ErrorIds.InvalidRecordFile, line.ErrorId);
            Assert.Contains("Line 18 of", line.Exception.Message);
            Assert.Equal("'" + path + "':18", line.Target);
            Assert.Equal(0, _provider.MutatingCalls);
        }

        [Fact]
        public void Invalid_ids_and_namespaces_are_reported_by_line_and_nothing_is_sent()
        {
            var path = File("b.jsonl", Line("ok-1") + "\n" + Line("bad!id") + "\n" + Line("ok-2", "bad/ns") + "\n" + Line("   ") + "\n");
            Assert.Throws<VectorOpsException>(() => Restore(path));
            Assert.Equal(new[] { ErrorIds.InvalidId, ErrorIds.InvalidNamespace, ErrorIds.InvalidId }, _host.Errors.Select(e => e.ErrorId).ToArray());
            Assert.Contains("Line 2 of", _host.Errors[0].Exception.Message);
            Assert.Contains("Line 3 of", _host.Errors[1].Exception.Message);
            Assert.Contains("Line 4 of", _host.Errors[2].Exception.Message);
            Assert.Equal(0, _provider.MutatingCalls);
        }

        [Fact]
        public void Namespace_puts_every_record_into_that_namespace()
        {
            var path = File("b.jsonl", Line("r-1", "a") + "\n" + Line("r-2", "b") + "\n");
            Restore(path, new RestoreOptions { Namespace = "restored" });
            Assert.Equal(2, _provider.Count("restored"));
            Assert.Equal(0, _provider.Count("a") + _provider.Count("b"));
            Assert.All(_host.Mutations, m => Assert.Equal("restored", m.Namespace));
        }

        [Fact]
        public void WhatIf_sends_nothing_and_previews_every_batch()
        {
            _host.Decision = ShouldProcessDecision.WhatIf;
            var path = File("b.jsonl", string.Join("\n", Enumerable.Range(0, 23).Select(i => Line("r-" + i))));
            Restore(path);
            Assert.Equal(0, _provider.MutatingCalls);
            Assert.Equal(3, _host.Mutations.Count());
            Assert.All(_host.Mutations, m => Assert.Equal(MutationStatus.WhatIf, m.Status));
        }

        [Theory]
        [InlineData("", ErrorIds.EmptyNamespace)]
        [InlineData(" ", ErrorIds.EmptyNamespace)]
        [InlineData("bad/ns", ErrorIds.InvalidNamespace)]
        public void An_invalid_namespace_override_is_refused_before_the_file_is_read(string ns, string errorId)
        {
            var ex = Assert.Throws<VectorOpsException>(() => new RestoreRecordsCommand(_host, _connection, new RestoreOptions { Namespace = ns }));
            Assert.Equal(errorId, ex.ErrorId);
        }

        [Fact]
        public void A_missing_file_is_RecordFileNotFound()
        {
            var ex = Assert.Throws<VectorOpsException>(() => Restore(Path.Combine(_dir, "nope.jsonl")));
            Assert.Equal(ErrorIds.RecordFileNotFound, ex.ErrorId);
        }

        [Fact]
        public void A_backup_reopened_after_a_torn_write_ends_the_torn_line_first_so_both_runs_restore()
        {
            var path = Path.Combine(_dir, "b.jsonl");
            System.IO.File.WriteAllText(path, Line("r-1") + "\n" + Line("r-2").Substring(0, 20));   // killed mid-write
            _provider.Seed("default", 3, "x-");
            using (var writer = new BackupWriter(path))
                writer.Append("default", new[] { new VectorRecord("x-00001") { Values = new[] { 1f } } });
            var lines = System.IO.File.ReadAllLines(path);
            Assert.Equal(3, lines.Length);
            Assert.True(RestoreRecordsCommand.IsTornJson(lines[1]));
            var summary = Restore(path);
            Assert.Equal(2, summary.Records);
            Assert.Equal(new long[] { 2 }, summary.TornLines);
        }
    }
}
