using System;
using System.Collections.Generic;
using System.Linq;
using VectorOps.Commands;
using VectorOps.Errors;
using VectorOps.Filtering;
using VectorOps.Model;
using VectorOps.Security;

namespace VectorOps.Tests.Reliability
{
    /// <summary>
    /// One bad input: what it is, the error id it must give, and how it is sent through the command layer (what
    /// the cmdlets run) and through the CLI. Both must give the error id, the CLI with exit code 2, and the
    /// emulator (or the local store) must see no mutating call.
    /// </summary>
    public sealed class BadInputCase
    {
        public BadInputCase(string id, string provider, string input, string errorId, Action<BadInputContext> command, Func<BadInputContext, List<string>> cli,
            Func<BadInputContext, Dictionary<string, string>>? cliEnvironment = null, string? cliErrorId = null)
        {
            Id = id;
            Provider = provider;
            Input = input;
            ErrorId = errorId;
            Command = command;
            Cli = cli;
            CliEnvironment = cliEnvironment;
            CliErrorId = cliErrorId;
        }

        /// <summary>The CLI's error id where its form of the input differs (a mutation file instead of pipeline objects).</summary>
        public string? CliErrorId { get; }

        public string Id { get; }

        /// <summary>Pinecone, Vectorize or Local.</summary>
        public string Provider { get; }

        public string Input { get; }
        public string ErrorId { get; }
        public Action<BadInputContext> Command { get; }
        public Func<BadInputContext, List<string>> Cli { get; }

        /// <summary>The CLI's environment when it is not the usual credential (missing credentials).</summary>
        public Func<BadInputContext, Dictionary<string, string>>? CliEnvironment { get; }

        public override string ToString() => Id;
    }

    /// <summary>
    /// The bad-input table of docs/reliability.md. The document's table is rendered from this list (a test fails
    /// when they differ), so the tests and the table are the same list.
    /// </summary>
    public static class BadInputTable
    {
        public const string Pinecone = "Pinecone";
        public const string Vectorize = "Vectorize";
        public const string Local = "Local";

        private static readonly string PineconeLongId = new string('x', 513);
        private static readonly string VectorizeLongId = string.Concat(Enumerable.Repeat("é", 33)); // 66 bytes in UTF-8
        private static readonly string LocalLongId = new string('y', 513);

        private static List<string> L(params string[] items) => items.ToList();

        public static readonly IReadOnlyList<BadInputCase> Cases = new List<BadInputCase>
        {
            // ---- ids
            new BadInputCase("B01", Pinecone, "empty id", ErrorIds.InvalidId,
                c => c.RemoveIds(""), c => c.Cli("remove", "--id", "", "--namespace", c.Namespace, "--yes")),
            new BadInputCase("B02", Pinecone, "whitespace id", ErrorIds.InvalidId,
                c => c.RemoveIds("   "), c => c.Cli("remove", "--id", "   ", "--namespace", c.Namespace, "--yes")),
            new BadInputCase("B03", Pinecone, "id of 513 characters (limit 512)", ErrorIds.InvalidId,
                c => c.RemoveIds("doc-00001", PineconeLongId), c => c.Cli("remove", "--id", "doc-00001", "--id", PineconeLongId, "--namespace", c.Namespace, "--yes")),
            new BadInputCase("B04", Pinecone, "non-ASCII id (Pinecone: printable ASCII only)", ErrorIds.InvalidId,
                c => c.RemoveIds("café-1"), c => c.Cli("remove", "--id", "café-1", "--namespace", c.Namespace, "--yes")),
            new BadInputCase("B05", Pinecone, "id with a control character", ErrorIds.InvalidId,
                c => c.RemoveIds("doc\u0007bell"), c => c.Cli("remove", "--id", "doc\u0007bell", "--namespace", c.Namespace, "--yes")),
            new BadInputCase("B06", Pinecone, "one bad id on line 500 of 1,000: nothing sent", ErrorIds.InvalidId,
                c => c.RemoveIds(c.ThousandIdsOneBad().ToArray()),
                c => c.Cli("remove", "--ids-from", c.File("ids.txt", c.ThousandIdsOneBad()), "--namespace", c.Namespace, "--yes")),
            new BadInputCase("B07", Vectorize, "id of 66 bytes in UTF-8 (limit 64)", ErrorIds.InvalidId,
                c => c.RemoveIds(VectorizeLongId), c => c.Cli("remove", "--id", VectorizeLongId, "--yes")),
            new BadInputCase("B08", Vectorize, "empty id among valid ones", ErrorIds.InvalidId,
                c => c.RemoveIds("doc-00001", "", "doc-00002"), c => c.Cli("remove", "--id", "doc-00001", "--id", "", "--id", "doc-00002", "--yes")),
            new BadInputCase("B09", Local, "whitespace id", ErrorIds.InvalidId,
                c => c.RemoveIds("\t "), c => c.Cli("remove", "--id", "\t ", "--yes")),
            new BadInputCase("B10", Local, "id of 513 characters (limit 512)", ErrorIds.InvalidId,
                c => c.RemoveIds(LocalLongId), c => c.Cli("remove", "--id", LocalLongId, "--yes")),

            // ---- namespaces and index names
            new BadInputCase("B11", Pinecone, "namespace with a control character", ErrorIds.InvalidNamespace,
                c => c.RemoveIds(new[] { "doc-00001" }, "a\tb"), c => c.Cli("remove", "--id", "doc-00001", "--namespace", "a\tb", "--yes")),
            new BadInputCase("B12", Pinecone, "empty namespace to clear", ErrorIds.EmptyNamespace,
                c => c.Clear(""), c => c.Cli("clear", "--namespace", "", "--yes")),
            new BadInputCase("B13", Vectorize, "namespace of 65 bytes (limit 64)", ErrorIds.InvalidNamespace,
                c => c.RemoveIds(new[] { "doc-00001" }, new string('n', 65)), c => c.Cli("remove", "--id", "doc-00001", "--namespace", new string('n', 65), "--yes")),
            new BadInputCase("B14", Local, "blank namespace", ErrorIds.EmptyNamespace,
                c => c.RemoveIds(new[] { "doc-00001" }, "   "), c => c.Cli("remove", "--id", "doc-00001", "--namespace", "   ", "--yes")),
            new BadInputCase("B15", Pinecone, "index name with capitals and '_' (resolved by name)", ErrorIds.InvalidIndexName,
                c => c.Connect(s => { s["IndexHost"] = null; s.Index = "Movies_Test"; s["BaseUri"] = c.ControlPlane; }),
                c => c.Cli("remove", c.Override(("--index-host", null), ("--index", "Movies_Test"), ("--base-uri", c.ControlPlane!.ToString())), "--id", "doc-00001", "--namespace", c.Namespace, "--yes")),
            new BadInputCase("B16", Vectorize, "index name with a space", ErrorIds.InvalidIndexName,
                c => c.Connect(s => s.Index = "bad index"),
                c => c.Cli("remove", c.Replace("--index", "bad index"), "--id", "doc-00001", "--yes")),
            new BadInputCase("B17", Local, "blank index name", ErrorIds.InvalidIndexName,
                c => c.Connect(s => s.Index = "  "), c => c.Cli("remove", c.Replace("--index", "  "), "--id", "doc-00001", "--yes")),

            // ---- filters and prefixes
            new BadInputCase("B18", Pinecone, "unknown filter operator $regex", ErrorIds.UnknownFilterOperator,
                c => c.RemoveByFilter("{\"genre\":{\"$regex\":\"^d\"}}"), c => c.Cli("remove", "--filter", "{\"genre\":{\"$regex\":\"^d\"}}", "--namespace", c.Namespace, "--yes", "--force")),
            new BadInputCase("B19", Pinecone, "$gt with a string operand", ErrorIds.InvalidFilterOperand,
                c => c.RemoveByFilter("{\"year\":{\"$gt\":\"abc\"}}"), c => c.Cli("remove", "--filter", "{\"year\":{\"$gt\":\"abc\"}}", "--namespace", c.Namespace, "--yes", "--force")),
            new BadInputCase("B20", Pinecone, "empty filter {}", ErrorIds.EmptyFilter,
                c => c.RemoveByFilter("{}"), c => c.Cli("remove", "--filter", "{}", "--namespace", c.Namespace, "--yes", "--force")),
            new BadInputCase("B21", Pinecone, "malformed filter JSON", ErrorIds.InvalidFilterJson,
                c => c.RemoveByFilter("{\"genre\":"), c => c.Cli("remove", "--filter", "{\"genre\":", "--namespace", c.Namespace, "--yes", "--force")),
            new BadInputCase("B22", Vectorize, "$in with a string instead of a list", ErrorIds.InvalidFilterOperand,
                c => c.RemoveByFilter("{\"genre\":{\"$in\":\"drama\"}}"), c => c.Cli("remove", "--filter", "{\"genre\":{\"$in\":\"drama\"}}", "--yes", "--force")),
            new BadInputCase("B23", Vectorize, "blank filter", ErrorIds.EmptyFilter,
                c => c.RemoveByFilter("   "), c => c.Cli("remove", "--filter", "   ", "--yes", "--force")),
            new BadInputCase("B24", Local, "unknown logical operator $xor", ErrorIds.UnknownFilterOperator,
                c => c.RemoveByFilter("{\"$xor\":[{\"a\":1},{\"b\":2}]}"), c => c.Cli("remove", "--filter", "{\"$xor\":[{\"a\":1},{\"b\":2}]}", "--yes", "--force")),
            new BadInputCase("B25", Local, "filter that is a JSON array", ErrorIds.InvalidFilter,
                c => c.RemoveByFilter("[1,2]"), c => c.Cli("remove", "--filter", "[1,2]", "--yes", "--force")),
            new BadInputCase("B26", Pinecone, "empty id prefix", ErrorIds.InvalidPrefix,
                c => c.RemoveByPrefix(""), c => c.Cli("remove", "--prefix", "", "--namespace", c.Namespace, "--yes", "--force")),
            new BadInputCase("B27", Vectorize, "whitespace id prefix", ErrorIds.InvalidPrefix,
                c => c.RemoveByPrefix("  "), c => c.Cli("remove", "--prefix", "  ", "--yes", "--force")),

            // ---- credentials and endpoints
            new BadInputCase("B28", Pinecone, "no API key at all", ErrorIds.MissingCredential,
                c => c.Connect(s => s.Credential = null), c => c.Cli("remove", "--id", "doc-00001", "--namespace", c.Namespace, "--yes"),
                c => new Dictionary<string, string>()),
            new BadInputCase("B29", Pinecone, "blank API key (a key file of spaces; a blank SecureString)", ErrorIds.MissingCredential,
                c => c.Connect(s => s.Credential = VectorOps.Security.Secret.FromPlainText("   ")),
                c => c.Cli("remove", "--api-key-file", c.File("key.txt", new[] { "   " }), "--id", "doc-00001", "--namespace", c.Namespace, "--yes"),
                c => new Dictionary<string, string>()),
            new BadInputCase("B30", Vectorize, "no API token", ErrorIds.MissingCredential,
                c => c.Connect(s => s.Credential = null), c => c.Cli("remove", "--id", "doc-00001", "--yes"),
                c => new Dictionary<string, string>()),
            new BadInputCase("B31", Vectorize, "no account id", ErrorIds.MissingAccountId,
                c => c.Connect(s => s["AccountId"] = null), c => c.Cli("remove", c.Override(("--account-id", null)), "--id", "doc-00001", "--yes")),
            new BadInputCase("B32", Vectorize, "account id that is not 32 hex digits", ErrorIds.InvalidAccountId,
                c => c.Connect(s => s["AccountId"] = "not-an-account"), c => c.Cli("remove", c.Replace("--account-id", "not-an-account"), "--id", "doc-00001", "--yes")),
            new BadInputCase("B33", Pinecone, "http:// index host that is not loopback", ErrorIds.InsecureEndpoint,
                c => c.Connect(s => s["IndexHost"] = new Uri("http://movies-abc123.svc.pinecone.io")),
                c => c.Cli("remove", c.Replace("--index-host", "http://movies-abc123.svc.pinecone.io"), "--id", "doc-00001", "--namespace", c.Namespace, "--yes")),
            new BadInputCase("B34", Vectorize, "http:// API base that is not loopback", ErrorIds.InsecureEndpoint,
                c => c.Connect(s => s["BaseUri"] = new Uri("http://api.cloudflare.com/client/v4")),
                c => c.Cli("remove", c.Replace("--base-uri", "http://api.cloudflare.com/client/v4"), "--id", "doc-00001", "--yes")),
            new BadInputCase("B35", Pinecone, "unreachable index host (nothing listens), prefix delete", ErrorIds.ProviderUnreachable,
                c => c.RemoveByPrefix("doc-", s => { s["IndexHost"] = c.DeadEndpoint; s.MaxAttempts = 1; }),
                c => c.Cli("remove", c.Replace("--index-host", c.DeadEndpoint.ToString()), "--max-attempts", "1", "--prefix", "doc-", "--namespace", c.Namespace, "--yes", "--force")),
            new BadInputCase("B36", Vectorize, "unreachable API base (nothing listens), prefix delete", ErrorIds.ProviderUnreachable,
                c => c.RemoveByPrefix("doc-", s => { s["BaseUri"] = c.DeadEndpoint; s.MaxAttempts = 1; }),
                c => c.Cli("remove", c.Replace("--base-uri", c.DeadEndpoint.ToString()), "--max-attempts", "1", "--prefix", "doc-", "--yes", "--force")),
            new BadInputCase("B37", Pinecone, "unknown provider name", ErrorIds.UnknownProvider,
                c => c.Connect(s => s.Provider = "Pinecoen"), c => c.Cli("remove", c.Replace("--provider", "Pinecoen"), "--id", "doc-00001", "--yes")),

            // ---- pipeline input and mutation files
            new BadInputCase("B38", Pinecone, "null in the pipeline input (CLI: a null line in a --retry-from file)", ErrorIds.InvalidId,
                c => c.RemoveIds(new string?[] { null }),
                c => c.Cli("remove", "--retry-from", c.File("run.jsonl", new[] { "null" }), "--yes"), cliErrorId: ErrorIds.InvalidMutationFile),
            new BadInputCase("B39", Pinecone, "mixed input: valid ids with a null and a blank one (CLI: in a failed mutation's ids)", ErrorIds.InvalidId,
                c => c.RemoveIds(new string?[] { "doc-00001", null, "doc-00002", " " }),
                c => c.Cli("remove", "--retry-from", c.File("run.jsonl", new[] { c.FailedMutationJson(ids: "[\"doc-00001\",null,\"doc-00002\",\" \"]") }), "--yes")),
            new BadInputCase("B40", Vectorize, "a record among the mutations of a --retry-from file (command layer: a mutation without ids)", ErrorIds.InvalidInputObject,
                c => c.Retry(new VectorMutation { Provider = "CloudflareVectorize", Index = c.IndexName, Namespace = c.Namespace, Operation = MutationOperation.DeleteByIds, Status = MutationStatus.Failed }),
                c => c.Cli("remove", "--retry-from", c.File("run.jsonl", new[] { c.FailedMutationJson(), "{\"id\":\"doc-00003\",\"values\":[1,2,3,4]}" }), "--yes"),
                cliErrorId: ErrorIds.InvalidMutationFile),
            new BadInputCase("B41", Pinecone, "a failed Upsert mutation sent back to a delete", ErrorIds.InvalidInputObject,
                c => c.Retry(new VectorMutation { Provider = "Pinecone", Index = c.IndexName, Namespace = c.Namespace, Operation = MutationOperation.Upsert, Status = MutationStatus.Failed, Ids = new[] { "doc-00001" } }),
                c => c.Cli("remove", "--retry-from", c.File("run.jsonl", new[] { c.FailedMutationJson("Upsert") }), "--yes")),
            new BadInputCase("B42", Vectorize, "a failed mutation of another index sent back", ErrorIds.InvalidInputObject,
                c => c.Retry(new VectorMutation { Provider = "CloudflareVectorize", Index = "other-index", Namespace = c.Namespace, Operation = MutationOperation.DeleteByIds, Status = MutationStatus.Failed, Ids = new[] { "doc-00001" } }),
                c => c.Cli("remove", "--retry-from", c.File("run.jsonl", new[] { c.FailedMutationJson(index: "other-index") }), "--yes")),

            // ---- backups, restores, sizes
            new BadInputCase("B43", Pinecone, "backup path in a folder that does not exist", ErrorIds.BackupPathNotWritable,
                c => c.RemoveIds(new[] { "doc-00001" }, null, new RemoveOptions { BackupPath = c.Path("no-such-folder", "b.jsonl") }),
                c => c.Cli("remove", "--id", "doc-00001", "--namespace", c.Namespace, "--backup", c.Path("no-such-folder", "b.jsonl"), "--yes")),
            new BadInputCase("B44", Vectorize, "backup path that is a folder (clear)", ErrorIds.BackupPathNotWritable,
                c => c.Clear(c.Namespace, backup: c.Dir), c => c.Cli("clear", "--namespace", c.Namespace, "--backup", c.Dir, "--yes")),
            new BadInputCase("B45", Local, "backup path under a regular file", ErrorIds.BackupPathNotWritable,
                c => c.RemoveByPrefix("doc-", null, c.Path("plain.txt", "b.jsonl")),
                c => c.Cli("remove", "--prefix", "doc-", "--backup", c.Path("plain.txt", "b.jsonl"), "--yes", "--force")),
            new BadInputCase("B46", Pinecone, "restore file with a malformed line 3", ErrorIds.InvalidRecordFile,
                c => c.Restore(c.File("backup.jsonl", c.BackupLines(badLine: 3))),
                c => c.Cli("restore", "--path", c.File("backup.jsonl", c.BackupLines(badLine: 3)))),
            new BadInputCase("B47", Vectorize, "restore file with an id of 66 bytes", ErrorIds.InvalidId,
                c => c.Restore(c.File("backup.jsonl", c.BackupLines(badId: VectorizeLongId))),
                c => c.Cli("restore", "--path", c.File("backup.jsonl", c.BackupLines(badId: VectorizeLongId)))),
            new BadInputCase("B48", Pinecone, "batch size over the provider's cap (1,001)", ErrorIds.InvalidArgument,
                c => c.RemoveIds(new[] { "doc-00001" }, null, new RemoveOptions { BatchSize = 1001 }),
                c => c.Cli("remove", "--id", "doc-00001", "--namespace", c.Namespace, "--batch-size", "1001", "--yes")),
            new BadInputCase("B49", Vectorize, "throttle limit 0", ErrorIds.InvalidArgument,
                c => c.RemoveIds(new[] { "doc-00001" }, null, new RemoveOptions { ThrottleLimit = 0 }),
                c => c.Cli("remove", "--id", "doc-00001", "--throttle", "0", "--yes")),
        };

        public static IEnumerable<object[]> For(string provider) => Cases.Where(c => c.Provider == provider).Select(c => new object[] { c.Id });

        public static BadInputCase Get(string id) => Cases.Single(c => c.Id == id);

        /// <summary>The table as docs/reliability.md shows it.</summary>
        public static string Markdown()
        {
            var lines = new List<string>
            {
                "| Case | Provider | Bad input | Error id (FullyQualifiedErrorId) |",
                "| --- | --- | --- | --- |",
            };
            foreach (var c in Cases)
                lines.Add($"| {c.Id} | {c.Provider} | {c.Input} | `{c.ErrorId}`" + (c.CliErrorId is null ? "" : $" (CLI: `{c.CliErrorId}`)") + " |");
            return string.Join("\n", lines) + "\n";
        }
    }
}
