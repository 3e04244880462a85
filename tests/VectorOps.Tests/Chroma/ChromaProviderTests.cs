using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using VectorOps.Commands;
using VectorOps.Connections;
using VectorOps.Errors;
using VectorOps.Filtering;
using VectorOps.Hosting;
using VectorOps.Model;
using VectorOps.Providers;
using VectorOps.Providers.Chroma;
using VectorOps.Serialization;
using VectorOps.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace VectorOps.Tests.Chroma
{
    [CollectionDefinition(Name)]
    public sealed class ChromaCollection : ICollectionFixture<ChromaFixture>
    {
        public const string Name = "Chroma provider on the real server";
    }

    /// <summary>
    /// The Chroma provider's own behaviour against the real Chroma server (through the journaling proxy): the guard
    /// that no empty id list is ever sent, the where translation checked record by record against the filter
    /// language's own evaluation, a filter delete over the batch cap, what a mutation says it removed, the token
    /// headers, connecting, namespaces as collections and what clearing keeps.
    /// </summary>
    [Collection(ChromaCollection.Name)]
    public sealed class ChromaProviderTests : IDisposable
    {
        private readonly ChromaFixture _chroma;
        private readonly ITestOutputHelper _output;
        private readonly string _database;
        private readonly List<IDisposable> _open = new List<IDisposable>();
        private readonly string _dir = Directory.CreateTempSubdirectory("vectorops-chroma-").FullName;

        public ChromaProviderTests(ChromaFixture chroma, ITestOutputHelper output)
        {
            _chroma = chroma;
            _output = output;
            chroma.Proxy.Reset();
            _database = chroma.NewDatabase("prov");
        }

        private VectorConnection Connect(Action<ConnectionSettings>? change = null)
        {
            var s = _chroma.Settings(_database);
            change?.Invoke(s);
            var c = ConnectCommand.Connect(s, makeDefault: false);
            _open.Add(c);
            return c;
        }

        private int Requests => _chroma.Proxy.Journal.Entries.Count;

        [Fact]
        public void An_empty_id_list_is_refused_and_no_request_reaches_the_server()
        {
            _chroma.Seed(_database, "guarded", ProviderFixtureIds("doc-", 10));
            var provider = Connect().ProviderInstance;
            var before = Requests;
            var empty = new List<string>();
            var e1 = Assert.Throws<VectorOpsException>(() => provider.DeleteByIdsAsync("guarded", empty, CancellationToken.None).GetAwaiter().GetResult());
            var e2 = Assert.Throws<VectorOpsException>(() => provider.DeleteValidatedIdsAsync("guarded", empty, CancellationToken.None).GetAwaiter().GetResult());
            Assert.Equal(ErrorIds.InvalidArgument, e1.ErrorId);
            Assert.Equal(ErrorIds.InvalidArgument, e2.ErrorId);
            // Neither is a clear: the one-request clear is not offered, so nothing sends a delete without ids.
            Assert.False(provider.Capabilities.NativeNamespaceClear);
            Assert.False(provider.Capabilities.NativeFilterDelete);
            var e3 = Assert.Throws<VectorOpsException>(() => provider.ClearNamespaceAsync("guarded", false, CancellationToken.None).GetAwaiter().GetResult());
            Assert.Equal(ErrorIds.NotSupported, e3.ErrorId);
            Assert.Equal(before, Requests);
            Assert.Equal(10, _chroma.Admin.Count(_database, "guarded"));
        }

        [Fact]
        public void A_blank_filter_or_prefix_never_reaches_the_server_either()
        {
            _chroma.Seed(_database, "blanks", ProviderFixtureIds("doc-", 10));
            var c = Connect();
            var before = _chroma.Proxy.Journal.MutatingCalls;
            Assert.Equal(ErrorIds.EmptyFilter, Assert.Throws<VectorOpsException>(() => MetadataFilter.ParseJson("{}")).ErrorId);
            var host = new RecordingHost();
            string? id = null;
            try
            {
                var prefix = new RemoveByPrefixCommand(host, c, " ", new RemoveOptions { Force = true });
                prefix.Execute(new[] { "blanks" });
                prefix.Complete();
            }
            catch (VectorOpsException ex) { id = ex.ErrorId; }
            Assert.Equal(ErrorIds.InvalidPrefix, id ?? host.Errors.FirstOrDefault()?.ErrorId);
            Assert.Equal(before, _chroma.Proxy.Journal.MutatingCalls);
            Assert.Equal(10, _chroma.Admin.Count(_database, "blanks"));
        }

        private static List<string> ProviderFixtureIds(string prefix, int count) => Conformance.ProviderFixture.Ids(prefix, count);

        /// <summary>Records whose metadata covers what a filter can meet: missing fields, null metadata, ints, floats, booleans, strings.</summary>
        private static List<(string Id, Dictionary<string, object>? Metadata)> Varied()
        {
            var list = new List<(string, Dictionary<string, object>?)>();
            for (var i = 0; i < 40; i++)
            {
                Dictionary<string, object>? md = i % 10 == 9 ? null : new Dictionary<string, object>();
                if (md != null)
                {
                    if (i % 4 != 3) md["genre"] = i % 3 == 0 ? "drama" : i % 3 == 1 ? "comedy" : "7";
                    if (i % 5 != 4) md["year"] = i % 2 == 0 ? (object)(1990L + i) : 1990.5 + i;
                    if (i % 6 != 5) md["draft"] = i % 2 == 0;
                    if (i % 7 == 0) md["rating"] = 7L;
                    md["n"] = i % 2 == 0 ? (object)(long)(i / 4 - 5) : i / 4 - 5.5; // negative and positive, whole and fractional
                }
                list.Add(("r-" + i.ToString("D2"), md));
            }
            return list;
        }

        public static TheoryData<string> Filters() => new TheoryData<string>
        {
            "{\"genre\":\"drama\"}",
            "{\"genre\":{\"$ne\":\"drama\"}}",
            "{\"genre\":{\"$in\":[\"drama\",\"comedy\"]}}",
            "{\"genre\":{\"$nin\":[\"drama\"]}}",
            "{\"genre\":{\"$in\":[\"drama\",7]}}",
            "{\"genre\":{\"$nin\":[\"comedy\",7]}}",
            "{\"rating\":{\"$in\":[7,\"7\"]}}",
            "{\"year\":{\"$gt\":2005}}",
            "{\"year\":{\"$gte\":2010,\"$lt\":2020.5}}",
            "{\"year\":{\"$lte\":1995.5}}",
            "{\"year\":{\"$lt\":2020.5}}",
            "{\"year\":{\"$gt\":2019.5,\"$lte\":2025.5}}",
            "{\"year\":{\"$gte\":2000.25}}",
            "{\"year\":{\"$gt\":2000.75,\"$lt\":2010.25}}",
            "{\"n\":{\"$gt\":-3.5,\"$lte\":-0.5}}",
            "{\"n\":{\"$gte\":-2.25}}",
            "{\"n\":-2.5}",
            "{\"n\":{\"$ne\":-2.5}}",
            "{\"n\":{\"$in\":[-2.5,3,\"x\",0.5]}}",
            "{\"n\":{\"$nin\":[-2.5,3,\"x\",0.5]}}",
            "{\"year\":2011.5}",
            "{\"year\":2000}",
            "{\"year\":{\"$ne\":2000}}",
            "{\"draft\":true}",
            "{\"draft\":{\"$ne\":false}}",
            "{\"$or\":[{\"genre\":\"drama\"},{\"year\":{\"$gt\":2020}}]}",
            "{\"$and\":[{\"genre\":{\"$ne\":\"comedy\"}},{\"draft\":false}]}",
            "{\"genre\":\"drama\",\"draft\":true}",
            "{\"$or\":[{\"rating\":7},{\"$and\":[{\"genre\":\"7\"},{\"year\":{\"$lt\":2000}}]}]}",
        };

        [Theory]
        [MemberData(nameof(Filters))]
        public void The_where_Chroma_runs_matches_exactly_what_the_filter_language_matches(string json)
        {
            var records = Varied();
            _chroma.Admin.Upsert(_database, "varied", records.Select(r => (r.Id, new float[] { 1, 2 }, r.Metadata, (string?)null)).ToList());
            var filter = MetadataFilter.ParseJson(json);
            var expected = records.Where(r => filter.Matches(r.Metadata?.ToDictionary(p => p.Key, p => (object?)(p.Value is long l ? (double)l : p.Value))))
                .Select(r => r.Id).OrderBy(x => x, StringComparer.Ordinal).ToList();
            var provider = Connect().ProviderInstance;
            var found = new List<string>();
            foreach (var page in provider.FindIdsAsync("varied", filter, CancellationToken.None).ToBlockingEnumerable()) found.AddRange(page);
            _output.WriteLine($"{json}: {expected.Count} expected, {found.Count} found");
            Assert.Equal(expected, found.OrderBy(x => x, StringComparer.Ordinal));
        }

        [Fact]
        public void A_filter_Chroma_cannot_express_is_refused_before_any_request()
        {
            _chroma.Seed(_database, "exists", ProviderFixtureIds("doc-", 5));
            var c = Connect();
            var before = Requests;
            var host = new RecordingHost();
            var command = new RemoveByFilterCommand(host, c, MetadataFilter.ParseJson("{\"$or\":[{\"genre\":\"drama\"},{\"rating\":{\"$exists\":false}}]}"), new RemoveOptions { Force = true });
            VectorOpsError? error = null;
            try { command.Execute(new[] { "exists" }); }
            catch (VectorOpsException ex) { error = VectorOpsError.From(ex); }
            command.Complete();
            error ??= host.Errors.FirstOrDefault();
            Assert.NotNull(error);
            Assert.Equal(ErrorIds.FilterNotSupported, error!.ErrorId);
            Assert.Contains("$exists", error.Exception.Message);
            // The namespace check lists collections; nothing reads or deletes records.
            Assert.DoesNotContain(_chroma.Proxy.Journal.Entries.Skip(before), e => e.Operation == "get" || e.Mutating);
            Assert.Equal(5, _chroma.Admin.Count(_database, "exists"));
        }

        [Fact]
        public void A_filter_delete_of_20000_records_over_the_batch_cap_previews_backs_up_and_deletes_exactly_its_matches()
        {
            var ids = ProviderFixtureIds("doc-", 20_000);
            _chroma.Seed(_database, "big", ids, document: i => "text " + i);
            var matches = ids.Where((_, i) => i % 3 == 0).ToList(); // genre drama: 6,667, over max_batch_size
            var c = Connect();
            var cap = c.ProviderInstance.Capabilities.MaxIdsPerDelete;
            Assert.Equal(_chroma.Admin.MaxBatchSize, cap);
            Assert.True(matches.Count > cap, $"{matches.Count} matches must be over the cap {cap}");
            var filter = MetadataFilter.ParseJson("{\"genre\":{\"$eq\":\"drama\"}}");

            // Preview: the count in the question, WhatIf mutations holding every match, no mutating call.
            var mutatingBefore = _chroma.Proxy.Journal.MutatingCalls;
            var preview = new RecordingHost { Decision = ShouldProcessDecision.WhatIf };
            var p = new RemoveByFilterCommand(preview, c, filter);
            p.Execute(new[] { "big" });
            p.Complete();
            Assert.Empty(preview.Errors.Select(e => e.ToString()));
            Assert.Contains(preview.ShouldProcessCalls, x => x.Target.Contains("6,667", StringComparison.Ordinal));
            Assert.All(preview.Mutations, m => Assert.Equal(MutationStatus.WhatIf, m.Status));
            Assert.Equal(matches.OrderBy(x => x, StringComparer.Ordinal), preview.Mutations.SelectMany(m => m.Ids!).OrderBy(x => x, StringComparer.Ordinal));
            Assert.Equal(mutatingBefore, _chroma.Proxy.Journal.MutatingCalls);
            Assert.Equal(20_000, _chroma.Admin.Count(_database, "big"));

            // The delete, with a backup.
            var backup = Path.Combine(_dir, "big-backup.jsonl");
            var host = new RecordingHost();
            var d = new RemoveByFilterCommand(host, c, filter, new RemoveOptions { Force = true, BackupPath = backup });
            d.Execute(new[] { "big" });
            d.Complete();
            Assert.Empty(host.Errors.Select(e => e.ToString()));
            var done = host.Mutations.ToList();
            Assert.Equal(new long[] { cap, matches.Count - cap }, done.Select(m => m.RequestedCount).OrderByDescending(n => n));
            Assert.All(done, m => Assert.Equal(MutationStatus.Completed, m.Status));
            // Each batch says what it removed: its own ids, counted just before its delete.
            Assert.Equal(done.Select(m => m.RequestedCount), done.Select(m => m.AffectedCount ?? -1));
            Assert.Equal(matches.OrderBy(x => x, StringComparer.Ordinal), _chroma.Proxy.Journal.DeletedIds("big").OrderBy(x => x, StringComparer.Ordinal));
            Assert.Empty(_chroma.Proxy.Journal.DeletedMoreThanOnce("big"));
            Assert.Equal(20_000 - matches.Count, _chroma.Admin.Count(_database, "big"));
            Assert.Empty(_chroma.Admin.Present(_database, "big", matches));
            Assert.Equal(2, _chroma.Proxy.Journal.Of("delete").Count(e => e.Scope == "big"));

            // The backup holds exactly the matches, with their documents and metadata.
            var saved = File.ReadAllLines(backup).Select(RecordJson.ParseLine).ToList();
            Assert.Equal(matches.OrderBy(x => x, StringComparer.Ordinal), saved.Select(r => r.Id).OrderBy(x => x, StringComparer.Ordinal));
            Assert.All(saved, r =>
            {
                Assert.Equal("drama", r.Metadata!["genre"]);
                Assert.Equal("text " + r.Metadata["n"], r.Document);
                Assert.Equal(4, r.Values!.Length);
            });
            _output.WriteLine($"20,000 records, {matches.Count} matches, cap {cap}: {done.Count} batches; {_chroma.Proxy.Journal.Entries.Count} requests in all");
        }

        [Fact]
        public void A_mutation_says_how_many_of_its_ids_were_there_and_a_warning_names_the_rest()
        {
            _chroma.Seed(_database, "partial", ProviderFixtureIds("doc-", 6));
            var c = Connect();
            var host = new RecordingHost();
            var command = new RemoveByIdsCommand(host, c);
            command.Add(new[] { "doc-00000", "doc-00001", "nope-1", "nope-2" }, "partial");
            command.Complete();
            var m = Assert.Single(host.Mutations);
            Assert.Equal(MutationStatus.Completed, m.Status);
            Assert.Equal(4, m.RequestedCount);
            Assert.Equal(2, m.AffectedCount);
            Assert.Contains(host.Warnings, w => w.Contains("2 of the 4", StringComparison.Ordinal));
            Assert.Equal(4, _chroma.Admin.Count(_database, "partial"));
            // The count is one read of the batch's ids just before its delete (nothing is read after it), and it
            // held: the two ids counted are the two the server no longer has.
            var delete = Assert.Single(_chroma.Proxy.Journal.Of("delete"), e => e.Scope == "partial");
            var collection = delete.Path.Substring(0, delete.Path.Length - "/delete".Length);
            var calls = _chroma.Proxy.Journal.Entries.Where(e => e.Path == collection + "/get" || e.Path == delete.Path).Select(e => e.Operation).ToList();
            Assert.Equal(new[] { "get", "delete" }, calls);
            Assert.Empty(_chroma.Admin.Present(_database, "partial", new[] { "doc-00000", "doc-00001" }));
        }

        [Fact]
        public void The_token_goes_as_x_chroma_token_or_as_a_bearer_token_and_only_when_given()
        {
            _chroma.Seed(_database, "tokens", ProviderFixtureIds("doc-", 2));
            var seen = _chroma.Proxy.CredentialHeaders.Count;
            using (var c = ConnectCommand.Connect(_chroma.Settings(_database), makeDefault: false)) { }
            var sent = _chroma.Proxy.CredentialHeaders.Skip(seen).ToList();
            Assert.NotEmpty(sent);
            Assert.All(sent, h => Assert.Equal("x-chroma-token: " + ChromaFixture.Token, h));

            seen = _chroma.Proxy.CredentialHeaders.Count;
            var bearer = _chroma.Settings(_database);
            bearer["TokenHeader"] = "Authorization";
            using (var c = ConnectCommand.Connect(bearer, makeDefault: false)) { }
            sent = _chroma.Proxy.CredentialHeaders.Skip(seen).ToList();
            Assert.NotEmpty(sent);
            Assert.All(sent, h => Assert.Equal("Authorization: Bearer " + ChromaFixture.Token, h));

            seen = _chroma.Proxy.CredentialHeaders.Count;
            using (var c = ConnectCommand.Connect(_chroma.Settings(_database, withToken: false), makeDefault: false)) { }
            Assert.Equal(seen, _chroma.Proxy.CredentialHeaders.Count);

            // A stray generic key is never sent to whatever server -Endpoint names.
            Assert.False(ChromaDescriptor.Descriptor.Credential!.ReadsGenericVariable);
            Assert.Equal(new[] { "CHROMA_API_KEY" }, ChromaDescriptor.Descriptor.Credential.AllEnvironmentVariables);
        }

        [Fact]
        public void A_server_that_requires_the_token_refuses_a_wrong_one_with_an_error_that_shows_neither()
        {
            _chroma.Proxy.RequiredToken = ChromaFixture.Token;
            try
            {
                var s = _chroma.Settings(_database);
                s.Credential = Security.Secret.FromPlainText("ck-WRONG-token-1234567");
                var ex = Assert.Throws<VectorOpsException>(() => ConnectCommand.Connect(s, makeDefault: false));
                Assert.Equal(ErrorIds.ProviderAuthenticationFailed, ex.ErrorId);
                Assert.DoesNotContain("ck-WRONG-token-1234567", ex.ToString());
                Assert.DoesNotContain(ChromaFixture.Token, ex.ToString());
                Assert.Contains("CHROMA_API_KEY", ex.Message);
                using var ok = ConnectCommand.Connect(_chroma.Settings(_database), makeDefault: false);
            }
            finally
            {
                _chroma.Proxy.RequiredToken = null;
            }
        }

        [Fact]
        public void Connecting_reads_max_batch_size_from_the_server_and_a_missing_database_is_IndexNotFound_with_the_closest_name()
        {
            var c = Connect();
            Assert.Equal(_chroma.Admin.MaxBatchSize, c.ProviderInstance.Capabilities.MaxIdsPerDelete);
            Assert.Contains(_chroma.Proxy.Journal.Entries, e => e.Path == "/api/v2/pre-flight-checks");
            var s = _chroma.Settings(_database + "x");
            var ex = Assert.Throws<VectorOpsException>(() => ConnectCommand.Connect(s, makeDefault: false));
            Assert.Equal(ErrorIds.IndexNotFound, ex.ErrorId);
            Assert.Contains("'" + _database + "'", ex.Message);
            var bad = _chroma.Settings(_database);
            bad["Endpoint"] = new Uri("http://user:pw@127.0.0.1:" + _chroma.Proxy.Port + "/");
            Assert.Equal(ErrorIds.InvalidEndpoint, Assert.Throws<VectorOpsException>(() => ConnectCommand.Connect(bad, makeDefault: false)).ErrorId);
        }

        [Fact]
        public void Namespaces_are_the_collections_with_their_counts_and_names_follow_Chromas_rules()
        {
            _chroma.Seed(_database, "alpha", ProviderFixtureIds("a-", 3));
            _chroma.Seed(_database, "beta.two", ProviderFixtureIds("b-", 5));
            var c = Connect();
            var host = new RecordingHost();
            new GetNamespacesCommand(host, c).Execute();
            var listed = host.Output.OfType<NamespaceInfo>().ToDictionary(n => n.Name, n => n.RecordCount);
            Assert.Equal(3, listed["alpha"]);
            Assert.Equal(5, listed["beta.two"]);
            var p = c.ProviderInstance;
            foreach (var bad in new[] { "ab", "-abc", "abc-", "a..b", "a b c", "10.0.0.1", new string('a', 513) })
                Assert.Equal(ErrorIds.InvalidNamespace, Assert.Throws<VectorOpsException>(() => p.ValidateNamespace(bad)).ErrorId);
            p.ValidateNamespace("a_b-c.d");
        }

        [Fact]
        public void Clearing_a_collection_keeps_it_and_its_settings_and_RemoveNamespace_drops_it()
        {
            _chroma.Seed(_database, "keepme", ProviderFixtureIds("k-", 12));
            _chroma.Seed(_database, "dropme", ProviderFixtureIds("d-", 7));
            var c = Connect();
            var host = new RecordingHost();
            var clear = new ClearNamespaceCommand(host, c);
            clear.Clear("keepme");
            clear.Complete();
            Assert.Empty(host.Errors.Select(e => e.ToString()));
            Assert.NotNull(_chroma.Admin.FindCollection(_database, "keepme"));
            Assert.Equal(0, _chroma.Admin.Count(_database, "keepme"));
            Assert.Equal(12, host.Mutations.Sum(m => m.AffectedCount ?? 0));
            // Every delete carried ids: none was the unscoped delete that empties a collection.
            Assert.All(_chroma.Proxy.Journal.Of("delete"), e => Assert.Equal("ids", e.Detail));

            var drop = new RecordingHost();
            var remove = new ClearNamespaceCommand(drop, c, removeNamespace: true);
            remove.Clear("dropme");
            remove.Complete();
            Assert.Empty(drop.Errors.Select(e => e.ToString()));
            Assert.Null(_chroma.Admin.FindCollection(_database, "dropme"));
            Assert.NotNull(_chroma.Admin.FindCollection(_database, "keepme"));
        }

        [Fact]
        public async Task Records_round_trip_with_their_documents_into_a_collection_made_on_first_write_and_lists_are_refused_before_any_write()
        {
            var c = Connect();
            var records = Enumerable.Range(0, 7).Select(i => new VectorRecord("r" + i)
            {
                Namespace = "docs-rt",
                Values = new[] { 0.5f + i, -1.25f, 3f },
                Document = i == 3 ? null : "the text of " + i,
                Metadata = new Dictionary<string, object?> { ["k"] = "v" + i, ["n"] = (long)i, ["x"] = i + 0.25, ["b"] = i % 2 == 0, ["gone"] = null },
            }).ToList();
            var add = new RecordingHost();
            var command = new AddRecordsCommand(add, c, batchSize: 3);
            foreach (var r in records) command.Add(r);
            command.Complete();
            Assert.Empty(add.Errors.Select(e => e.ToString()));
            var back = await c.ProviderInstance.FetchAsync("docs-rt", records.Select(r => r.Id).ToList(), CancellationToken.None);
            Assert.Equal(7, back.Count);
            foreach (var r in back)
            {
                var i = int.Parse(r.Id.Substring(1));
                Assert.Equal(i == 3 ? null : "the text of " + i, r.Document);
                Assert.Equal(new[] { "b", "k", "n", "x" }, r.Metadata!.Keys); // null left out, fields in ordinal order
                Assert.Equal(new[] { 0.5f + i, -1.25f, 3f }, r.Values);
            }
            // A list in metadata is refused before any write: Chroma 1.0 stores scalars only.
            var lists = new RecordingHost();
            var bad = new AddRecordsCommand(lists, c);
            var before = _chroma.Proxy.Journal.MutatingCalls;
            string? refused = null;
            try
            {
                bad.Add(new VectorRecord("l1") { Namespace = "docs-rt", Values = new[] { 1f, 2f, 3f }, Metadata = new Dictionary<string, object?> { ["tags"] = new List<string> { "a" } } });
                bad.Complete();
            }
            catch (VectorOpsException ex) { refused = ex.ErrorId; }
            Assert.Equal(ErrorIds.InvalidRecord, refused ?? lists.Errors.FirstOrDefault()?.ErrorId);
            Assert.Equal(before, _chroma.Proxy.Journal.MutatingCalls);
        }

        public void Dispose()
        {
            foreach (var o in _open) o.Dispose();
            try { Directory.Delete(_dir, recursive: true); }
            catch (IOException) { }
        }
    }
}
