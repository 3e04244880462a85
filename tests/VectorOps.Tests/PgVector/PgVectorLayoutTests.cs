using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using VectorOps.Errors;
using VectorOps.Model;
using VectorOps.Providers;
using VectorOps.Providers.PgVector;
using Xunit;

namespace VectorOps.Tests.PgVector
{
    /// <summary>
    /// Each layout on the real server: connect, delete by ids, prefix, clear, list namespaces with counts, fetch and
    /// upsert back exactly. Schema "prov_layouts" is this class's own.
    /// </summary>
    public sealed class PgVectorLayoutTests
    {
        private const string Schema = "prov_layouts";
        private static readonly object Gate = new object();
        private static bool _ready;

        public PgVectorLayoutTests()
        {
            lock (Gate)
            {
                if (_ready) return;
                using var c = PgTables.Open();
                PgTables.FreshSchema(c, Schema);
                _ready = true;
            }
        }

        private static async Task<List<string>> AllIds(IVectorProvider p, string ns, string? prefix = null)
        {
            var all = new List<string>();
            await foreach (var page in p.ListIdsAsync(ns, prefix, CancellationToken.None)) all.AddRange(page);
            return all;
        }

        private static string Fresh(string stem) => stem + "_" + Guid.NewGuid().ToString("N").Substring(0, 8);

        [Fact]
        public async Task VectorOps_layout_deletes_by_ids_in_the_namespace_only_and_counts_what_it_removed()
        {
            var table = Fresh("vo");
            using (var c = PgTables.Open())
            {
                PgTables.CreateVectorOpsTable(c, Schema, table);
                PgTables.SeedVectorOps(c, Schema, table, "a", PgTables.Ids("r-", 10));
                PgTables.SeedVectorOps(c, Schema, table, "b", PgTables.Ids("r-", 4));
            }
            using var p = PgTables.Connect("VectorOps", table, Schema);
            Assert.Equal("default", p.DefaultNamespace);
            var result = await p.DeleteByIdsAsync("a", new[] { "r-001", "r-003", "missing" }, CancellationToken.None);
            Assert.Equal(2, result.AffectedCount);
            Assert.True(result.Applied);
            using (var c = PgTables.Open())
            {
                var left = PgTables.Column(c, $"\"{Schema}\".\"{table}\"", "namespace || '/' || id");
                Assert.Equal(12, left.Count);
                Assert.DoesNotContain("a/r-001", left);
                Assert.DoesNotContain("a/r-003", left);
                Assert.Contains("b/r-001", left);
            }
            var namespaces = new List<NamespaceInfo>();
            await foreach (var ns in p.ListNamespacesAsync(CancellationToken.None)) namespaces.Add(ns);
            Assert.Equal(new[] { "a:8", "b:4" }, namespaces.Select(n => n.Name + ":" + n.RecordCount));
            var stats = await p.GetStatsAsync(CancellationToken.None);
            Assert.Equal(3, stats.Dimension);
            Assert.Equal(12, stats.TotalRecordCount);
        }

        [Fact]
        public async Task Ids_with_quotes_percent_and_underscore_are_plain_text_for_ids_and_prefixes()
        {
            var table = Fresh("vo_odd");
            var ids = new[] { "it's", "a%b", "a_b", "axb", "a\\b", "ab", "\"q\"", "x;DROP TABLE t;--" };
            using (var c = PgTables.Open())
            {
                PgTables.CreateVectorOpsTable(c, Schema, table);
                PgTables.SeedVectorOps(c, Schema, table, "default", ids);
            }
            using var p = PgTables.Connect("VectorOps", table, Schema);
            Assert.Equal(new[] { "a%b" }, await AllIds(p, "default", "a%"));
            Assert.Equal(new[] { "a_b" }, await AllIds(p, "default", "a_"));
            Assert.Equal(new[] { "a\\b" }, await AllIds(p, "default", "a\\"));
            var r = await p.DeleteByIdsAsync("default", new[] { "it's", "a%b", "x;DROP TABLE t;--", "\"q\"" }, CancellationToken.None);
            Assert.Equal(4, r.AffectedCount);
            using (var c = PgTables.Open())
                Assert.Equal(new[] { "a\\b", "a_b", "ab", "axb" }.OrderBy(x => x, StringComparer.Ordinal), PgTables.Column(c, $"\"{Schema}\".\"{table}\"", "id"));
        }

        [Fact]
        public async Task Prefix_listing_pages_by_keyset_across_page_boundaries()
        {
            var table = Fresh("vo_pages");
            var ids = Enumerable.Range(0, PgVectorProvider.PageSize + 150).Select(i => "doc#" + i.ToString("00000")).ToList();
            using (var c = PgTables.Open())
            {
                PgTables.CreateVectorOpsTable(c, Schema, table);
                PgTables.Exec(c, $"INSERT INTO \"{Schema}\".\"{table}\" (id) SELECT unnest($1::text[])", (object)ids.ToArray());
                PgTables.Exec(c, $"INSERT INTO \"{Schema}\".\"{table}\" (id) VALUES ('other-1'), ('doc')");
            }
            using var p = PgTables.Connect("VectorOps", table, Schema);
            var listed = await AllIds(p, "default", "doc#");
            Assert.Equal(ids, listed);
        }

        [Fact]
        public async Task VectorOps_layout_fetch_then_upsert_restores_exactly()
        {
            var table = Fresh("vo_rt");
            using (var c = PgTables.Open())
            {
                PgTables.CreateVectorOpsTable(c, Schema, table);
                PgTables.SeedVectorOps(c, Schema, table, "ns", PgTables.Ids("k", 5));
                PgTables.Exec(c, $"UPDATE \"{Schema}\".\"{table}\" SET embedding = '[0.1,-2.5e-7,3.4028235e38]', metadata = '{{\"nested\": {{\"a\": [1, \"x\", null]}}, \"f\": 1.5}}' WHERE id = 'k000'");
            }
            using var p = PgTables.Connect("VectorOps", table, Schema);
            var before = await p.FetchAsync("ns", PgTables.Ids("k", 5).Append("nope").ToList(), CancellationToken.None);
            Assert.Equal(5, before.Count);
            Assert.Equal(new[] { 0.1f, -2.5e-7f, 3.4028235e38f }, before[0].Values);
            var snapshot = Snapshot(table);
            await p.ClearNamespaceAsync("ns", false, CancellationToken.None);
            Assert.Empty(await AllIds(p, "ns"));
            var up = await p.UpsertAsync("ns", before, CancellationToken.None);
            Assert.Equal(5, up.AffectedCount);
            Assert.Equal(snapshot, Snapshot(table));
        }

        private static List<string> Snapshot(string table, string? schema = null)
        {
            using var c = PgTables.Open();
            return PgTables.Column(c, $"\"{schema ?? Schema}\".\"{table}\"", "namespace || '|' || id || '|' || coalesce(embedding::text, '-') || '|' || coalesce(metadata::text, '-')");
        }

        [Fact]
        public async Task LangChain_collections_are_namespaces_clear_and_restore_exactly_with_documents()
        {
            var schema = Fresh("prov_lc");
            using (var c = PgTables.Open())
            {
                PgTables.FreshSchema(c, schema);
                PgTables.CreateLangChainTables(c, schema);
                PgTables.SeedLangChain(c, schema, "docs", PgTables.Ids("d", 6));
                PgTables.SeedLangChain(c, schema, "faq", PgTables.Ids("f", 3));
                PgTables.Collection(c, schema, "empty");
            }
            try
            {
                using var p = PgTables.Connect("LangChain", null, schema);
                Assert.Equal("langchain", p.DefaultNamespace);
                Assert.True(p.Capabilities.CanRemoveNamespace);
                var namespaces = new List<string>();
                await foreach (var ns in p.ListNamespacesAsync(CancellationToken.None)) namespaces.Add(ns.Name + ":" + ns.RecordCount);
                Assert.Equal(new[] { "docs:6", "empty:0", "faq:3" }, namespaces);

                string Rows()
                {
                    using var c = PgTables.Open();
                    return string.Join("\n", PgTables.Column(c, $"\"{schema}\".langchain_pg_embedding e JOIN \"{schema}\".langchain_pg_collection c ON c.uuid = e.collection_id",
                        "c.name || '|' || e.id || '|' || e.embedding::text || '|' || coalesce(e.document, '-') || '|' || e.cmetadata::text"));
                }
                var before = Rows();
                var backup = await p.FetchAsync("docs", PgTables.Ids("d", 6), CancellationToken.None);
                Assert.Equal("doc 2", backup[2].Document);
                var cleared = await p.ClearNamespaceAsync("docs", true, CancellationToken.None);
                Assert.Equal(6, cleared.AffectedCount);
                using (var c = PgTables.Open())
                {
                    Assert.Equal(0, PgTables.Count(c, $"\"{schema}\".langchain_pg_collection", "name = 'docs'"));
                    Assert.Equal(3, PgTables.Count(c, $"\"{schema}\".langchain_pg_embedding"));
                }
                await p.UpsertAsync("docs", backup, CancellationToken.None);
                Assert.Equal(before, Rows());

                var byIds = await p.DeleteByIdsAsync("faq", new[] { "f001", "d001" }, CancellationToken.None);
                Assert.Equal(1, byIds.AffectedCount); // d001 is in another collection: untouched
                Assert.Equal(new[] { "f000", "f002" }, await AllIds(p, "faq"));
                Assert.Equal(PgTables.Ids("d", 6), await AllIds(p, "docs"));
            }
            finally
            {
                using var c = PgTables.Open();
                PgTables.Exec(c, $"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
            }
        }

        [Fact]
        public async Task LangChain_community_shape_is_detected_and_used()
        {
            var schema = Fresh("prov_lcc");
            using (var c = PgTables.Open())
            {
                PgTables.FreshSchema(c, schema);
                PgTables.CreateLangChainCommunityTables(c, schema);
                PgTables.SeedLangChain(c, schema, "langchain", PgTables.Ids("u", 5), community: true);
            }
            try
            {
                using var p = PgTables.Connect("LangChain", "langchain_pg_embedding", schema);
                Assert.Equal(PgTables.Ids("u", 5), await AllIds(p, "langchain"));
                var backup = await p.FetchAsync("langchain", new[] { "u001" }, CancellationToken.None);
                Assert.Equal(1, (await p.DeleteByIdsAsync("langchain", new[] { "u001" }, CancellationToken.None)).AffectedCount);
                await p.UpsertAsync("langchain", backup, CancellationToken.None);
                using var c = PgTables.Open();
                Assert.Equal("doc 1", PgTables.Scalar(c, $"SELECT document FROM \"{schema}\".langchain_pg_embedding WHERE custom_id = 'u001'"));
                Assert.Equal(5, PgTables.Count(c, $"\"{schema}\".langchain_pg_embedding"));
            }
            finally
            {
                using var c = PgTables.Open();
                PgTables.Exec(c, $"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
            }
        }

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public async Task LlamaIndex_layout_uses_node_id_and_one_namespace(bool jsonb)
        {
            var name = Fresh("Llama");
            using (var c = PgTables.Open())
            {
                PgTables.CreateLlamaIndexTable(c, Schema, name, jsonb: jsonb);
                PgTables.SeedLlamaIndex(c, Schema, name, PgTables.Ids("n", 6), jsonb: jsonb);
            }
            using var p = PgTables.Connect("LlamaIndex", name, Schema);
            Assert.False(p.Capabilities.CanRemoveNamespace);
            var namespaces = new List<string>();
            await foreach (var ns in p.ListNamespacesAsync(CancellationToken.None)) namespaces.Add(ns.Name + ":" + ns.RecordCount);
            Assert.Equal(new[] { "default:6" }, namespaces);
            var backup = await p.FetchAsync("default", new[] { "n002" }, CancellationToken.None);
            Assert.Equal("text 2", backup[0].Document);
            Assert.Equal(2L, backup[0].Metadata!["n"]);
            Assert.Equal(1, (await p.DeleteByIdsAsync("default", new[] { "n002", "n999" }, CancellationToken.None)).AffectedCount);
            Assert.Equal(0, (await p.DeleteByIdsAsync("other", new[] { "n003" }, CancellationToken.None)).AffectedCount);
            await p.UpsertAsync("default", backup, CancellationToken.None);
            using var c2 = PgTables.Open();
            Assert.Equal("text 2", PgTables.Scalar(c2, $"SELECT text FROM \"{Schema}\".\"data_{name.ToLowerInvariant()}\" WHERE node_id = 'n002'"));
            Assert.Equal(6, PgTables.Count(c2, $"\"{Schema}\".\"data_{name.ToLowerInvariant()}\""));
            var cleared = await p.ClearNamespaceAsync("default", false, CancellationToken.None);
            Assert.Equal(6, cleared.AffectedCount);
        }

        [Fact]
        public async Task Custom_layout_reads_the_named_columns()
        {
            var table = Fresh("mine");
            using (var c = PgTables.Open())
            {
                PgTables.CreateCustomTable(c, Schema, table);
                PgTables.SeedCustom(c, Schema, table, "acme", PgTables.Ids("c", 4));
                PgTables.SeedCustom(c, Schema, table, "globex", PgTables.Ids("c", 2));
            }
            using var p = PgTables.Connect("Custom", table, Schema, ("IdColumn", "doc_key"), ("NamespaceColumn", "tenant"),
                ("MetadataColumn", "attrs"), ("EmbeddingColumn", "vec"));
            Assert.Equal(PgTables.Ids("c", 4), await AllIds(p, "acme"));
            Assert.Equal(3, (await p.DeleteByIdsAsync("acme", new[] { "c000", "c001", "c003" }, CancellationToken.None)).AffectedCount);
            Assert.Equal(new[] { "c002" }, await AllIds(p, "acme"));
            Assert.Equal(PgTables.Ids("c", 2), await AllIds(p, "globex"));
            var backup = await p.FetchAsync("globex", new[] { "c001" }, CancellationToken.None);
            await p.ClearNamespaceAsync("globex", false, CancellationToken.None);
            await p.UpsertAsync("globex", backup, CancellationToken.None);
            Assert.Equal(new[] { "c001" }, await AllIds(p, "globex"));
        }
    }
}
