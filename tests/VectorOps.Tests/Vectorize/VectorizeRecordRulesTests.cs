using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using VectorOps.Commands;
using VectorOps.Errors;
using VectorOps.Model;
using VectorOps.Tests.Local;
using Xunit;

namespace VectorOps.Tests.Vectorize
{
    /// <summary>
    /// Issue 12, item 10 on Cloudflare Vectorize (emulator behind Prism): the sample file loads into an index of 8
    /// dimensions with its nulls kept; a record Vectorize would refuse stops the file before the first upsert.
    /// </summary>
    public sealed class VectorizeRecordRulesTests : VectorizeTestBase
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("vectorops-vectorize-records-").FullName;

        public VectorizeRecordRulesTests(VectorizeFixture fixture) : base(fixture) { }

        public override void Dispose()
        {
            try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
            base.Dispose();
        }

        private static void Applied(Emulators.Vectorize.VectorizeIndexState index)
        {
            var until = DateTime.UtcNow.AddSeconds(30);
            while (index.PendingCount > 0 && DateTime.UtcNow < until) Thread.Sleep(20);
            Assert.Equal(0, index.PendingCount);
        }

        [Fact]
        public void The_sample_file_loads_with_its_nulls_kept()
        {
            var index = Fixture.NewIndex(dimensions: 8);
            using var connection = Fixture.Connect(index.Name);
            var add = new AddRecordsCommand(Host, connection);
            var summary = add.AddFromFile(SampleData.FilePath);
            add.Complete();
            Assert.Empty(Host.Errors);
            Assert.Empty(Host.Warnings);
            Assert.Equal(3000, summary.Records);
            Assert.Equal(0, summary.NullsLeftOut);
            Applied(index);
            Assert.Equal(3000, index.Count);
            var withNull = SampleData.All.First(r => r.Metadata!.TryGetValue("rating", out var v) && v is null);
            using var md = JsonDocument.Parse(index.Get(withNull.Id)!.MetadataJson!);
            Assert.Equal(JsonValueKind.Null, md.RootElement.GetProperty("rating").ValueKind);
        }

        [Fact]
        public void Cli_add_loads_the_sample_file()
        {
            var index = Fixture.NewIndex(dimensions: 8);
            var r = Cli.CliRunner.Run(new List<string>
            {
                "add", "--provider", "CloudflareVectorize", "--index", index.Name, "--account-id", Fixture.AccountId,
                "--base-uri", Fixture.Prism.Uri.ToString(), "--requests-per-second", "200", "--path", SampleData.FilePath, "--json",
            }, null, new Dictionary<string, string> { ["CLOUDFLARE_API_TOKEN"] = VectorizeFixture.Token }, TimeSpan.FromMinutes(2));
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.DoesNotContain("WARNING", r.Stderr);
            Assert.Equal(3000, r.JsonLines().Sum(m => m.GetProperty("requestedCount").GetInt64()));
            Applied(index);
            Assert.Equal(3000, index.Count);
        }

        [Fact]
        public void A_file_with_sparse_values_a_list_of_numbers_or_the_wrong_dimension_writes_nothing()
        {
            var index = Fixture.NewIndex(dimensions: 4);
            using var connection = Fixture.Connect(index.Name);
            var path = Path.Combine(_dir, "records.jsonl");
            File.WriteAllLines(path, new[]
            {
                "{\"id\":\"a\",\"values\":[1,2,3,4],\"metadata\":{\"author\":{\"name\":\"Ann\"},\"none\":null}}",   // fine on Vectorize
                "{\"id\":\"b\",\"values\":[1,2,3,4],\"sparseValues\":{\"indices\":[1],\"values\":[0.5]}}",
                "{\"id\":\"c\",\"values\":[1,2,3,4],\"metadata\":{\"scores\":[1,2]}}",
                "{\"id\":\"d\",\"values\":[1,2,3]}",
                "{\"id\":\"e\",\"metadata\":{\"k\":\"v\"}}",
            });
            var add = new AddRecordsCommand(Host, connection);
            var ex = Assert.Throws<VectorOpsException>(() => add.AddFromFile(path));
            Assert.Equal(ErrorIds.InvalidRecordFile, ex.ErrorId);
            Assert.Equal(new[] { 2, 3, 4, 5 }, Host.Errors.Select(e => int.Parse(e.Exception.Message.Split(' ')[1])).ToArray());
            Assert.Contains("sparse values, which CloudflareVectorize does not store", Host.Errors[0].Exception.Message);
            Assert.Contains("metadata 'scores' is a list holding 1 (a number)", Host.Errors[1].Exception.Message);
            Assert.Contains("3 values, but CloudflareVectorize index", Host.Errors[2].Exception.Message);
            Assert.Contains("no dense values", Host.Errors[3].Exception.Message);
            Assert.Equal(0, Fixture.MutatingCalls(index.Name));
        }
    }
}
