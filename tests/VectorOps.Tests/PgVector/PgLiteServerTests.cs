using System;
using System.Linq;
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
    
        /// <summary>
        /// Many connections sending different parameterised statements at once each get their own answers: without
        /// the gate in front of pglite-server, one connection's Bind could land on another's Parse.
        /// </summary>
        [Fact]
        public async Task Concurrent_connections_never_see_each_others_statements()
        {
            var cs = PgLiteServer.Shared.ConnectionString + ";Pooling=false";
            // One session holds a transaction open while the others queue behind it (what exposed the interleaving).
            await using var holder = new NpgsqlConnection(cs);
            await holder.OpenAsync();
            await using (var begin = new NpgsqlCommand("BEGIN; SELECT 1", holder)) await begin.ExecuteNonQueryAsync();
            var release = Task.Run(async () =>
            {
                await Task.Delay(1500);
                await using var commit = new NpgsqlCommand("COMMIT", holder);
                await commit.ExecuteNonQueryAsync();
            });
            var tasks = Enumerable.Range(0, 6).Select(async worker =>
            {
                await using var connection = new NpgsqlConnection(cs);
                await connection.OpenAsync();
                for (var i = 0; i < 40; i++)
                {
                    if ((worker + i) % 2 == 0)
                    {
                        await using var add = new NpgsqlCommand("SELECT $1::int + $2::int", connection);
                        add.Parameters.Add(new NpgsqlParameter { Value = worker });
                        add.Parameters.Add(new NpgsqlParameter { Value = i });
                        Assert.Equal(worker + i, Convert.ToInt32(await add.ExecuteScalarAsync()));
                    }
                    else
                    {
                        // Big enough that the client sends the statement in more than one write.
                        var big = new string('x', 40_000 + worker * 1000 + i);
                        await using var text = new NpgsqlCommand("SELECT length($1::text) + $2::int + $3::int", connection);
                        text.Parameters.Add(new NpgsqlParameter { Value = big });
                        text.Parameters.Add(new NpgsqlParameter { Value = worker });
                        text.Parameters.Add(new NpgsqlParameter { Value = i });
                        Assert.Equal(big.Length + worker + i, Convert.ToInt32(await text.ExecuteScalarAsync()));
                    }
                }
            }).ToList();
            tasks.Add(release);
            await Task.WhenAll(tasks);
        }
    }
}
