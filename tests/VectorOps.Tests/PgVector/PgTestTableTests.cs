using System.Linq;
using VectorOps.Tests.Conformance;
using Xunit;

namespace VectorOps.Tests.PgVector
{
    /// <summary>
    /// The instruments of the PgVector conformance fixtures, on every layout, with raw SQL only (no provider): the
    /// tables are made and seeded, a raw DELETE is seen as one mutating statement and its rows in the journal
    /// (under the namespace's name, LangChain's collection included), a DELETE rolled back still counts as a
    /// mutating call, a SELECT does not, and the added latency slows a DELETE.
    /// </summary>
    public sealed class PgTestTableTests
    {
        [Theory]
        [InlineData(PgTableLayout.VectorOps)]
        [InlineData(PgTableLayout.LangChain)]
        [InlineData(PgTableLayout.LlamaIndex)]
        [InlineData(PgTableLayout.Custom)]
        public void The_fixture_counts_what_the_server_did(PgTableLayout layout)
        {
            using var f = new PgVectorProviderFixture(layout);
            var ids = ProviderFixture.Ids("doc-", 10);
            f.Seed(ids);
            if (f.OtherNamespace != null) f.Seed(f.OtherNamespace, ProviderFixture.Ids("other-", 3));
            Assert.Equal(0, f.MutatingCalls());
            Assert.Equal(0, f.DeleteRequests());
            Assert.All(ids, id => Assert.True(f.Exists(id)));
            Assert.False(f.Exists("doc-99999"));
            if (f.OtherNamespace != null) Assert.False(f.Exists(f.OtherNamespace, "doc-00001"));

            using var c = PgTestTable.Open();
            var t = f.Table;
            PgTestTable.Execute(c, $"SELECT count(*) FROM {t.QualifiedRecordTable}");
            Assert.Equal(0, f.MutatingCalls());

            PgTestTable.Execute(c, $"DELETE FROM {t.QualifiedRecordTable} WHERE {PgTestTable.Quote(t.IdColumn)} = ANY($1)", (object)new[] { "doc-00001", "doc-00002" });
            Assert.Equal(1, f.MutatingCalls());
            Assert.Equal(1, f.DeleteRequests());
            Assert.Equal(new[] { "doc-00001", "doc-00002" }, f.DeletedIds().OrderBy(x => x).ToArray());
            Assert.False(f.Exists("doc-00001"));
            Assert.Empty(f.DeletedTwice());

            PgTestTable.Execute(c, "BEGIN");
            PgTestTable.Execute(c, $"DELETE FROM {t.QualifiedRecordTable} WHERE {PgTestTable.Quote(t.IdColumn)} = $1", "doc-00003");
            PgTestTable.Execute(c, "ROLLBACK");
            Assert.Equal(2, f.MutatingCalls());
            Assert.True(f.Exists("doc-00003"));
            Assert.Equal(2, f.DeletedIds().Count);

            f.Faults.AddedLatency = System.TimeSpan.FromMilliseconds(300);
            f.Settings(); // what connecting does: the fault table follows the switchboard
            var watch = System.Diagnostics.Stopwatch.StartNew();
            PgTestTable.Execute(c, $"DELETE FROM {t.QualifiedRecordTable} WHERE {PgTestTable.Quote(t.IdColumn)} = $1", "doc-00004");
            Assert.True(watch.ElapsedMilliseconds >= 250, "no latency added: " + watch.ElapsedMilliseconds + " ms");
        }
    }
}
