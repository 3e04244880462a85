using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using VectorOps.Commands;
using VectorOps.Errors;
using VectorOps.Filtering;
using VectorOps.Model;
using VectorOps.Tests.Cli;
using VectorOps.Tests.Local;
using VectorOps.Tests.Support;
using Xunit;

namespace VectorOps.Tests.Pinecone
{
    /// <summary>
    /// Issue 12, item 10 on Pinecone (emulator behind Prism, an index of dimension 8 like samples/records.jsonl):
    /// the sample file loads, its 39 null ratings left out with one warning; a bad record stops the file before the
    /// first upsert; through the command layer and the CLI.
    /// </summary>
    public sealed class PineconeRecordRulesTests : PineconeTestBase, IDisposable
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("vectorops-pinecone-records-").FullName;
        private readonly int _dimension;

        public PineconeRecordRulesTests(PineconeFixture fixture) : base(fixture)
        {
            _dimension = Emulator.Options.Dimension;
            Emulator.Options.Dimension = 8;
        }

        void IDisposable.Dispose()
        {
            Emulator.Options.Dimension = _dimension;
            try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
        }

        private static readonly MetadataFilter NoRating = MetadataFilter.ParseJson("{\"rating\":{\"$exists\":false}}");

        private int WithoutRating() => SampleData.Namespaces.Sum(ns => Emulator.Store.GetOrAdd(ns).Matching(NoRating).Count());

        private static int NoRatingInFile => SampleData.All.Count(r => !r.Metadata!.ContainsKey("rating"));

        private string BadFile()
        {
            var lines = System.IO.File.ReadLines(SampleData.FilePath).Take(40).ToList();
            lines[16] = lines[16].Replace("\"tenant\":", "\"author\":{\"name\":\"Ann\"},\"tenant\":");   // line 17: a nested object
            lines[29] = lines[29].Replace("\"values\":[", "\"values\":[0.5,");                            // line 30: 9 values
            var path = Path.Combine(_dir, "records.jsonl");
            System.IO.File.WriteAllLines(path, lines);
            return path;
        }

        [Fact]
        public void The_sample_file_loads_its_null_ratings_left_out_with_one_warning()
        {
            using var connection = Fixture.Connect();
            var host = new RecordingHost();
            var add = new AddRecordsCommand(host, connection);
            var summary = add.AddFromFile(SampleData.FilePath);
            add.Complete();
            Assert.Empty(host.Errors);
            Assert.Equal(3000, summary.Records);
            Assert.Equal(39, summary.NullsLeftOut);
            var warning = Assert.Single(host.Warnings);
            Assert.StartsWith("39 null metadata value(s) in 39 record(s) of '", warning);
            Assert.Contains("Pinecone has no null", warning);
            Assert.All(host.Mutations, m => Assert.Equal(MutationStatus.Acknowledged, m.Status));
            Assert.Equal(3000, SampleData.Namespaces.Sum(ns => Emulator.Store.CountIn(ns)));
            // $exists:false matches the records that had no rating and, now, the 39 whose rating was null.
            Assert.Equal(NoRatingInFile + 39, WithoutRating());
            AssertNoViolations();
        }

        [Fact]
        public void A_file_with_a_nested_object_and_a_wrong_dimension_writes_nothing_and_names_lines_and_fields()
        {
            using var connection = Fixture.Connect();
            var host = new RecordingHost();
            var path = BadFile();
            var add = new AddRecordsCommand(host, connection, batchSize: 10);
            var ex = Assert.Throws<VectorOpsException>(() => add.AddFromFile(path));
            Assert.Equal(ErrorIds.InvalidRecordFile, ex.ErrorId);
            Assert.Equal(2, host.Errors.Count);
            Assert.StartsWith($"Line 17 of '{path}' (record 'doc-00017'): metadata 'author' is an object (nested fields); Pinecone metadata values are a string, number, boolean or list of strings.",
                host.Errors[0].Exception.Message);
            Assert.StartsWith($"Line 30 of '{path}' (record 'doc-00030'): 9 values, but Pinecone index", host.Errors[1].Exception.Message);
            Assert.Contains("has dimension 8", host.Errors[1].Exception.Message);
            Assert.Equal(0, Journal.MutatingCalls);
            AssertNoViolations();
        }

        [Fact]
        public void Piped_records_a_bad_one_refused_the_others_written()
        {
            using var connection = Fixture.Connect();
            var host = new RecordingHost();
            var add = new AddRecordsCommand(host, connection) { Namespace = "piped" };
            var values = new[] { 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f };
            add.Add(new VectorRecord("ok-1") { Values = values, Metadata = new Dictionary<string, object?> { ["rating"] = null, ["lang"] = "en" } });
            add.Add(new VectorRecord("nan") { Values = new[] { 1f, 2f, 3f, 4f, 5f, 6f, 7f, float.NaN } });
            add.Add(new VectorRecord("short") { Values = new[] { 1f } });
            add.Add(new VectorRecord("ok-2") { Values = values });
            add.Complete();
            Assert.Equal(new[] { "nan", "short" }, host.Errors.Select(e => (string)e.Target!).ToArray());
            Assert.Equal(2, Emulator.Store.CountIn("piped"));
            Assert.Equal(new[] { "lang" }, Emulator.Store.GetOrAdd("piped").Records["ok-1"].Metadata!.Keys.ToArray());
            Assert.StartsWith("1 null metadata value(s) in 1 record(s) of the records that streamed in were left out", Assert.Single(host.Warnings));
            AssertNoViolations();
        }

        // ---- the CLI -------------------------------------------------------------------------------------------

        private CliResult Run(params string[] rest) => CliRunner.Run(
            new[] { "add", "--provider", "Pinecone", "--index-host", Fixture.Prism.Uri.ToString() }.Concat(rest).ToList(), null,
            new Dictionary<string, string> { ["PINECONE_API_KEY"] = PineconeFixture.Key }, TimeSpan.FromMinutes(2));

        [Fact]
        public void Cli_add_loads_the_sample_file_and_refuses_a_bad_file_with_exit_2()
        {
            var bad = Run("--path", BadFile(), "--json");
            Assert.True(bad.ExitCode == 2, bad.ToString());
            Assert.Contains("vectorops: InvalidRecord: Line 17 of", bad.Stderr);
            Assert.Contains("metadata 'author' is an object", bad.Stderr);
            Assert.Contains("vectorops: InvalidRecordFile:", bad.Stderr);
            Assert.Equal("", bad.Stdout);
            Assert.Equal(0, Journal.MutatingCalls);

            var good = Run("--path", SampleData.FilePath, "--json");
            Assert.True(good.ExitCode == 0, good.ToString());
            Assert.Contains("WARNING: 39 null metadata value(s) in 39 record(s)", good.Stderr);
            Assert.Equal(3000, SampleData.Namespaces.Sum(ns => Emulator.Store.CountIn(ns)));
            Assert.Equal(NoRatingInFile + 39, WithoutRating());
            AssertNoViolations();
        }
    }
}
