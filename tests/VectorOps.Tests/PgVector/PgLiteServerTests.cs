using System.Threading.Tasks;
using Npgsql;
using VectorOps.Emulators.PgLite;
using Xunit;

namespace VectorOps.Tests.PgVector
{
    /// <summary>The test server itself: a real PostgreSQL with pgvector, reachable with Npgsql.</summary>
    public sealed class PgLiteServerTests
    {
        [Fact]
        public async Task Serves_PostgreSQL_with_pgvector()
        {
            await using var connection = new NpgsqlConnection(PgLiteServer.Shared.ConnectionString);
            await connection.OpenAsync();
            await using (var create = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS vector", connection))
                await create.ExecuteNonQueryAsync();
            await using var query = new NpgsqlCommand("SELECT current_setting('server_version_num')::int, ('[1,2,3]'::vector <-> '[1,2,4]'::vector)::float8", connection);
            await using var reader = await query.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.True(reader.GetInt32(0) >= 180000, "PostgreSQL 18 expected, got " + reader.GetInt32(0));
            Assert.Equal(1.0, reader.GetDouble(1), 6);
        }
    }
}
