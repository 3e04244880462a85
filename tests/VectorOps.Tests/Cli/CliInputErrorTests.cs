using System.Linq;
using Xunit;

namespace VectorOps.Tests.Cli
{
    /// <summary>Bad input: exit code 2, "vectorops: ErrorId: message" on stderr, nothing on stdout, nothing deleted.</summary>
    public sealed class CliInputErrorTests
    {
        private static readonly string LongId = new string('x', 600);

        public static TheoryData<string, string[]> BadRemoves => new TheoryData<string, string[]>
        {
            { "EmptyFilter", new[] { "--filter", "{}", "--yes" } },
            { "EmptyFilter", new[] { "--filter", "   ", "--yes" } },
            { "UnknownFilterOperator", new[] { "--filter", "{\"genre\":{\"$regex\":\"d.*\"}}", "--yes" } },
            { "InvalidFilterJson", new[] { "--filter", "{\"genre\":", "--yes" } },
            { "InvalidPrefix", new[] { "--prefix", "", "--yes", "--force" } },
            { "InvalidPrefix", new[] { "--prefix", "  ", "--yes" } },
            { "InvalidVectorId", new[] { "--id", "", "--yes" } },
            { "InvalidVectorId", new[] { "--id", "doc-1", "--id", " ", "--yes" } },
            { "InvalidVectorId", new[] { "--id", "doc-1", "--id", LongId, "--yes" } },
            { "UnknownOption", new[] { "--id", "doc-1", "--yes", "--bogus" } },
            { "UnknownOption", new[] { "--id", "doc-1", "--yes", "--remove-namespace" } },
            { "MissingOptionValue", new[] { "--yes", "--id" } },
            { "MissingOptionValue", new[] { "--namespace", "--id", "doc-1", "--yes" } },
            { "UnknownProvider", new[] { "--provider", "Nope", "--id", "doc-1", "--yes" } },
            { "InvalidArgument", new[] { "--id", "doc-1", "--batch-size", "0", "--yes" } },
            { "InvalidArgument", new[] { "--id", "doc-1", "--batch-size", "5000", "--yes" } },
            { "InvalidArgument", new[] { "--id", "doc-1", "--throttle", "many", "--yes" } },
            { "InvalidArgument", new[] { "--id", "doc-1", "--prefix", "doc-", "--yes" } },
            { "InvalidArgument", new[] { "--yes" } },
            { "InvalidArgument", new[] { "--id", "doc-1", "--yes", "--yes" } },
            { "InvalidArgument", new[] { "--id", "doc-1", "--yes=true" } },
            { "InvalidArgument", new[] { "--id", "doc-1", "--yes", "doc-2" } },
            { "InputFileNotFound", new[] { "--ids-from", "/no/such/ids.txt", "--yes" } },
            { "InputFileNotFound", new[] { "--retry-from", "/no/such/run.jsonl", "--yes" } },
            { "EmptyNamespace", new[] { "--id", "doc-1", "--namespace", "", "--yes" } },
        };

        [Theory]
        [MemberData(nameof(BadRemoves))]
        public void Bad_remove_input_exits_2_with_the_error_id_and_deletes_nothing(string errorId, string[] args)
        {
            using var store = new TempStore();
            store.Seed(Fixtures.Small);

            var r = store.Run("remove", args.Concat(new[] { "--json" }).ToArray());
            Assert.True(r.ExitCode == 2, r.ToString());
            Assert.Contains("vectorops: " + errorId + ": ", r.Stderr);
            Assert.Equal("", r.Stdout);
            Assert.Equal(6, store.Ids().Count);
            Assert.Single(store.Ids("other"));
        }

        [Fact]
        public void One_bad_id_deep_in_a_file_stops_everything_before_the_first_batch()
        {
            using var store = new TempStore();
            var ids = Fixtures.Numbered(2500).ToList();
            store.Seed(ids.Select(id => Fixtures.Record(id, "bulk", 2000)));
            ids[1499] = LongId; // line 1500: the first 1,000 ids would already be a full batch
            var file = store.File("ids.txt", ids);

            var r = store.Run("remove", "--ids-from", file, "--yes", "--json");
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("vectorops: InvalidVectorId: Line 1500 of", r.Stderr);
            Assert.Equal("", r.Stdout);
            Assert.Equal(2500, store.Ids().Count);
        }

        [Fact]
        public void A_secret_given_as_an_option_is_refused_without_echoing_it()
        {
            using var store = new TempStore();
            var r = store.Run("stats", "--api-key=pcsk_ThisMustNeverBePrinted123");
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("vectorops: UnknownOption: --api-key", r.Stderr);
            Assert.Contains("PINECONE_API_KEY", r.Stderr);
            Assert.DoesNotContain("ThisMustNeverBePrinted", r.Stderr + r.Stdout);

            var stray = store.Run("stats", "pcsk_ThisMustNeverBePrinted123");
            Assert.Equal(2, stray.ExitCode);
            Assert.DoesNotContain("ThisMustNeverBePrinted", stray.Stderr + stray.Stdout);
        }

        [Theory]
        [InlineData("UnknownCommand", new[] { "frobnicate" })]
        [InlineData("UnknownCommand", new string[0])]
        [InlineData("UnknownCommand", new[] { "--json" })]
        [InlineData("UnknownCommand", new[] { "-x", "get" })]
        [InlineData("UnknownCommand", new[] { "help", "frobnicate" })]
        public void Unknown_commands_exit_2(string errorId, string[] args)
        {
            var r = CliRunner.Run(args);
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("vectorops: " + errorId + ": ", r.Stderr);
        }

        [Theory]
        [InlineData("get", "--yes")]
        [InlineData("get", "--what-if")]
        [InlineData("clear", "--force")]
        [InlineData("stats", "--id")]
        public void Options_of_other_commands_are_refused_by_name(string command, string option)
        {
            using var store = new TempStore();
            var r = store.Run(command, option);
            Assert.Equal(2, r.ExitCode);
            Assert.Contains($"vectorops: UnknownOption: {option} does not apply to '{command}'", r.Stderr);
        }

        [Fact]
        public void Get_refuses_an_empty_prefix_instead_of_listing_everything()
        {
            using var store = new TempStore();
            store.Seed(Fixtures.Small);
            var r = store.Run("get", "--prefix", "", "--json");
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("vectorops: InvalidPrefix: ", r.Stderr);
            Assert.Equal("", r.Stdout);
        }
    }
}
