using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using VectorOps.Commands;
using VectorOps.Connections;
using VectorOps.Errors;
using VectorOps.Model;
using VectorOps.Providers;
using VectorOps.Serialization;
using VectorOps.Tests.Local;
using VectorOps.Tests.Support;
using System.Threading.Tasks;
using Xunit;

namespace VectorOps.Tests.Commands
{
    /// <summary>
    /// Items 10 and 11 of issue 12 in the command layer: records checked against the provider's rules before the
    /// first write (a file all or nothing, a stream one by one), and ids of a file checked whole before the first
    /// delete. The local store and the fake provider; Pinecone and Vectorize have their own classes (emulators).
    /// </summary>
    public sealed class RecordInputTests : IDisposable
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("vectorops-records-").FullName;
        private readonly RecordingHost _host = new RecordingHost();

        public void Dispose()
        {
            try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
        }

        private string File(string name, IEnumerable<string> lines)
        {
            var path = Path.Combine(_dir, name);
            System.IO.File.WriteAllLines(path, lines);
            return path;
        }

        private static string Line(string id, int dimension = 3, string metadata = "{\"k\":\"v\"}", string? ns = null) =>
            "{\"id\":\"" + id + "\",\"values\":[" + string.Join(",", Enumerable.Range(1, dimension).Select(i => (i / 10.0).ToString(System.Globalization.CultureInfo.InvariantCulture))) +
            "],\"metadata\":" + metadata + (ns is null ? "" : ",\"namespace\":\"" + ns + "\"") + "}";

        // ---- item 10: records ---------------------------------------------------------------------------------

        [Fact]
        public async Task The_sample_file_loads_into_the_local_store_with_its_nulls_kept()
        {
            using var store = new TestStore("samples");
            using var connection = new VectorConnection(store.Provider, null, null);
            var add = new AddRecordsCommand(_host, connection);
            var summary = add.AddFromFile(SampleData.FilePath);
            add.Complete();
            Assert.Empty(_host.Errors);
            Assert.Equal(3000, summary.Records);
            Assert.Equal(0, summary.NullsLeftOut);
            Assert.DoesNotContain(_host.Warnings, w => w.Contains("null", StringComparison.Ordinal)); // Local keeps null: nothing to say
            var nulls = SampleData.All.Where(r => r.Metadata!.TryGetValue("rating", out var v) && v is null).ToList();
            Assert.Equal(39, nulls.Count);
            var back = (await store.Provider.FetchAsync(nulls[0].Namespace!, new[] { nulls[0].Id }, default)).Single();
            Assert.True(back.Metadata!.ContainsKey("rating"));
            Assert.Null(back.Metadata["rating"]);
        }

        [Fact]
        public async Task A_file_with_one_bad_record_writes_nothing_and_names_the_line_and_the_field()
        {
            using var store = new TestStore();
            using var connection = new VectorConnection(store.Provider, null, null);
            var lines = Enumerable.Range(1, 30).Select(i => Line("r-" + i)).ToList();
            lines[16] = Line("r-17", dimension: 5);                                 // line 17: another dimension
            lines[21] = "{\"id\":\"r-22\",\"values\":[0.1,0.2,1e39]}";              // line 22: not a finite float
            var path = File("records.jsonl", lines);
            var add = new AddRecordsCommand(_host, connection, batchSize: 10);
            var ex = Assert.Throws<VectorOpsException>(() => add.AddFromFile(path));
            Assert.Equal(ErrorIds.InvalidRecordFile, ex.ErrorId);
            Assert.Contains("nothing was written", ex.Message);
            Assert.Equal(2, _host.Errors.Count);
            Assert.StartsWith($"Line 17 of '{path}' (record 'r-17'): 5 values, but record 'r-1', the first of this write, has 3", _host.Errors[0].Exception.Message);
            Assert.StartsWith($"Line 22 of '{path}'", _host.Errors[1].Exception.Message);
            Assert.Empty(_host.Mutations);
            Assert.Equal(0, (await store.Provider.GetStatsAsync(default)).TotalRecordCount);
        }

        [Fact]
        public async Task Several_files_are_all_checked_before_the_first_is_sent()
        {
            using var store = new TestStore();
            using var connection = new VectorConnection(store.Provider, null, null);
            var good = File("good.jsonl", Enumerable.Range(1, 5).Select(i => Line("g-" + i)));
            var bad = File("bad.jsonl", new[] { Line("b-1"), "{\"id\":\"b-2\",\"values\":[1,2,3],\"metadata\":{\"k\":[1,{\"deep\":[]}]}}", "not json" });
            var add = new AddRecordsCommand(_host, connection);
            var ex = Assert.Throws<VectorOpsException>(() => add.AddFiles(new[] { good, bad }));
            Assert.Equal(ErrorIds.InvalidRecordFile, ex.ErrorId);
            Assert.Contains("nothing of either file was written", ex.Message);
            var line = Assert.Single(_host.Errors); // the local store takes any JSON metadata: only the line that is not JSON
            Assert.StartsWith($"Line 3 of '{bad}' is not a valid record", line.Exception.Message);
            Assert.Equal(0, (await store.Provider.GetStatsAsync(default)).TotalRecordCount);

            var fine = new AddRecordsCommand(new RecordingHost(), connection);
            var summaries = fine.AddFiles(new[] { good, File("more.jsonl", new[] { Line("m-1", metadata: "{\"k\":[1,{\"deep\":[]}],\"none\":null}") }) });
            fine.Complete();
            Assert.Equal(new long[] { 5, 1 }, summaries.Select(x => x.Sent).ToArray());
            Assert.Equal(6, (await store.Provider.GetStatsAsync(default)).TotalRecordCount);
        }

        [Theory]
        [InlineData("{\"id\":\"a\",\"values\":\"0.1,0.2\"}", "\"values\" must be an array of numbers, not a string")]
        [InlineData("{\"id\":\"a\",\"metadata\":[\"x\"]}", "\"metadata\" must be an object, not an array")]
        [InlineData("{\"id\":\"a\",\"sparseValues\":[1,2]}", "\"sparseValues\" must be an object")]
        [InlineData("{\"id\":\"a\",\"namespace\":7}", "\"namespace\" must be a string, not a number")]
        public void A_field_of_the_wrong_kind_is_an_error_naming_it_not_left_out(string line, string message)
        {
            var ex = Assert.Throws<FormatException>(() => RecordJson.ParseLine(line));
            Assert.Contains(message, ex.Message);
            Assert.Null(RecordJson.ParseLine("{\"id\":\"a\",\"values\":null,\"metadata\":null}").Values); // null: left out
        }

        [Fact]
        public async Task A_file_is_checked_against_the_dimension_the_index_already_has()
        {
            using var store = new TestStore();
            await store.Provider.UpsertAllAsync(new[] { new VectorRecord("old") { Values = new[] { 1f, 2f, 3f, 4f } } });
            using var connection = new VectorConnection(store.Provider, null, null);
            var path = File("records.jsonl", new[] { Line("a"), Line("b") });
            var add = new AddRecordsCommand(_host, connection);
            Assert.Throws<VectorOpsException>(() => add.AddFromFile(path));
            Assert.Equal(2, _host.Errors.Count);
            Assert.All(_host.Errors, e => Assert.Contains("3 values, but Local index 'test' has dimension 4", e.Exception.Message));
            Assert.Equal(1, (await store.Provider.GetStatsAsync(default)).TotalRecordCount);
        }

        [Fact]
        public async Task Piped_records_are_checked_one_by_one_a_bad_one_refused_the_others_written()
        {
            using var store = new TestStore();
            using var connection = new VectorConnection(store.Provider, null, null);
            var add = new AddRecordsCommand(_host, connection);
            Assert.True(add.Add(new VectorRecord("a") { Values = new[] { 1f, 2f } }));
            Assert.False(add.Add(new VectorRecord("nan") { Values = new[] { 1f, float.NaN } }));
            Assert.False(add.Add(new VectorRecord("wide") { Values = new[] { 1f, 2f, 3f } }));
            Assert.False(add.Add(new VectorRecord("  ") { Values = new[] { 1f, 2f } }));
            Assert.True(add.Add(new VectorRecord("b") { Values = new[] { 3f, 4f }, Metadata = new Dictionary<string, object?> { ["nested"] = new Dictionary<string, object?> { ["x"] = 1L }, ["none"] = null } }));
            add.Complete();
            Assert.Equal(new[] { "nan", "wide", "  " }, _host.Errors.Select(e => (string)e.Target!).ToArray());
            Assert.Equal(new[] { ErrorIds.InvalidRecord, ErrorIds.InvalidRecord, ErrorIds.InvalidId }, _host.Errors.Select(e => e.ErrorId).ToArray());
            Assert.Contains("Record 'nan': values[1] is NaN, not a finite number", _host.Errors[0].Exception.Message);
            Assert.Equal(new[] { "a", "b" }, _host.Mutations.SelectMany(m => m.Ids!).OrderBy(x => x).ToArray());
            Assert.Equal(2, (await store.Provider.GetStatsAsync(default)).TotalRecordCount);
        }

        [Fact]
        public void Pinecone_rules_refuse_what_Pinecone_would_answer_400_and_leave_nulls_out_with_one_warning()
        {
            var provider = new FakeProvider
            {
                RecordRules = new RecordRules
                {
                    DenseValues = DenseValuesRule.Optional, MetadataNulls = MetadataNullRule.Omit, NestedMetadata = false,
                    MetadataListsOfStringsOnly = true, MaxMetadataBytes = 100, MetadataTypes = "a string, number, boolean or list of strings",
                },
            };
            using var connection = new VectorConnection(provider, null, null);
            var add = new AddRecordsCommand(_host, connection);
            Assert.False(add.Add(new VectorRecord("obj") { Metadata = new Dictionary<string, object?> { ["author"] = new Dictionary<string, object?> { ["n"] = "a" } } }));
            Assert.False(add.Add(new VectorRecord("list") { Metadata = new Dictionary<string, object?> { ["tags"] = new List<object?> { "a", 1L } } }));
            Assert.False(add.Add(new VectorRecord("big") { Metadata = new Dictionary<string, object?> { ["text"] = new string('x', 200) } }));
            Assert.True(add.Add(new VectorRecord("nulls") { Metadata = new Dictionary<string, object?> { ["rating"] = null, ["lang"] = "en", ["x"] = null } }));
            add.Complete();
            Assert.Contains("Record 'obj': metadata 'author' is an object (nested fields); Fake metadata values are a string, number, boolean or list of strings.", _host.Errors[0].Exception.Message);
            Assert.Contains("metadata 'tags' is a list holding 1 (a number) at position 1", _host.Errors[1].Exception.Message);
            Assert.Contains("bytes as JSON; Fake takes at most 100", _host.Errors[2].Exception.Message);
            var warning = Assert.Single(_host.Warnings);
            Assert.StartsWith("2 null metadata value(s) in 1 record(s) of the records that streamed in were left out", warning);
            // What was sent has no null: the field is absent.
            Assert.Equal(new[] { "lang" }, provider.Stored("default", "nulls")!.Metadata!.Keys.ToArray());
        }

        [Fact]
        public void Metadata_size_is_measured_as_UTF_8_not_as_escapes()
        {
            var provider = new FakeProvider { RecordRules = new RecordRules { MaxMetadataBytes = 1000, MetadataNulls = MetadataNullRule.Omit } };
            using var connection = new VectorConnection(provider, null, null);
            var add = new AddRecordsCommand(_host, connection);
            // 300 × 'é' is 600 bytes of UTF-8 (1,800 as \u00E9 escapes): within 1,000.
            Assert.True(add.Add(new VectorRecord("accents") { Metadata = new Dictionary<string, object?> { ["t"] = new string('é', 300) } }));
            Assert.False(add.Add(new VectorRecord("long") { Metadata = new Dictionary<string, object?> { ["t"] = new string('é', 600) } }));
            add.Complete();
            Assert.Contains("the metadata is 1,208 bytes as JSON; Fake takes at most 1,000 bytes a record", Assert.Single(_host.Errors).Exception.Message);
        }

        [Fact]
        public void Restore_goes_through_the_same_checks_and_names_the_line()
        {
            var provider = new FakeProvider { RecordRules = new RecordRules { SparseValues = false } };
            using var connection = new VectorConnection(provider, null, null);
            var path = File("backup.jsonl", new[]
            {
                Line("a"),
                "{\"id\":\"b\",\"values\":[1,2,3],\"sparseValues\":{\"indices\":[1],\"values\":[0.5]}}",
            });
            var ex = Assert.Throws<VectorOpsException>(() => new RestoreRecordsCommand(_host, connection).Restore(path));
            Assert.Equal(ErrorIds.InvalidRecordFile, ex.ErrorId);
            Assert.Contains("nothing was restored", ex.Message);
            Assert.StartsWith($"Line 2 of '{path}' (record 'b'): sparse values, which Fake does not store.", Assert.Single(_host.Errors).Exception.Message);
            Assert.Equal(0, provider.MutatingCalls);
        }

        // ---- item 11: ids of a file ---------------------------------------------------------------------------

        [Fact]
        public void An_id_file_with_one_bad_line_deletes_nothing_and_names_each_bad_line()
        {
            var provider = new FakeProvider();
            provider.Seed("default", 30);
            using var connection = new VectorConnection(provider, null, null);
            var ids = Enumerable.Range(0, 30).Select(i => "id-" + i.ToString("D5")).ToList();
            ids[24] = "bad!24";
            ids.Insert(3, "");        // a blank line: skipped
            ids.Insert(7, "   ");     // white space only: skipped
            var path = File("ids.txt", ids);
            var cmd = new RemoveByIdsCommand(_host, connection, new RemoveOptions { BatchSize = 5 });
            var ex = Assert.Throws<VectorOpsException>(() => cmd.AddIdFile(path));
            Assert.Equal(ErrorIds.InvalidIdFile, ex.ErrorId);
            Assert.Equal(VectorOpsErrorCategory.InvalidData, ex.Category);
            var error = Assert.Single(_host.Errors);
            Assert.Equal(ErrorIds.InvalidId, error.ErrorId);
            Assert.StartsWith($"Line 27 of '{path}': ", error.Exception.Message);
            Assert.Equal("bad!24", error.Target);
            Assert.Equal(0, provider.MutatingCalls);
            Assert.Equal(30, provider.Count("default"));
        }

        [Fact]
        public void A_good_id_file_is_read_twice_and_deleted_in_batches()
        {
            var provider = new FakeProvider();
            provider.Seed("default", 40);
            using var connection = new VectorConnection(provider, null, null);
            var path = File("ids.txt", Enumerable.Range(0, 25).Select(i => "id-" + i.ToString("D5")).Concat(new[] { "", "id-00000" }));
            var cmd = new RemoveByIdsCommand(_host, connection);
            cmd.AddIdFile(path);
            cmd.Complete();
            Assert.Empty(_host.Errors);
            Assert.Equal(15, provider.Count("default"));
            Assert.Equal(3, _host.Mutations.Count()); // 10 + 10 + 5: the provider's cap of 10
            Assert.Contains(_host.Verbose, v => v.StartsWith("26 id(s) in", StringComparison.Ordinal));
        }

        [Fact]
        public void Piped_ids_are_checked_one_input_at_a_time()
        {
            var provider = new FakeProvider();
            provider.Seed("default", 5);
            using var connection = new VectorConnection(provider, null, null);
            var cmd = new RemoveByIdsCommand(_host, connection);
            cmd.Add("id-00000");
            cmd.Add("bad!1");                                          // refused alone
            cmd.Add("id-00001");
            cmd.Add(new[] { "id-00002", "bad!2", "id-00003" });        // one -Id array: none of it
            cmd.Complete();
            Assert.Equal(new[] { "bad!1", "bad!2" }, _host.Errors.Select(e => (string)e.Target!).ToArray());
            Assert.Equal(new[] { "id-00000", "id-00001" }, provider.DeletedIds.OrderBy(x => x).ToArray());
        }

        [Fact]
        public void A_missing_id_file_is_InputFileNotFound()
        {
            using var connection = new VectorConnection(new FakeProvider(), null, null);
            var ex = Assert.Throws<VectorOpsException>(() => new RemoveByIdsCommand(_host, connection).AddIdFile(Path.Combine(_dir, "none.txt")));
            Assert.Equal(ErrorIds.InputFileNotFound, ex.ErrorId);
        }
    }
}
