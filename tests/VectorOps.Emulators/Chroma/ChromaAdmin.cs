using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.Json;

namespace VectorOps.Emulators.Chroma
{
    /// <summary>
    /// Direct calls to a real Chroma server for tests and benchmarks, beside the code under test (never through the
    /// proxy, so they are in no journal): databases, collections, seeding records, reading what is there.
    /// </summary>
    public sealed class ChromaAdmin : IDisposable
    {
        public const string Tenant = "default_tenant";
        private readonly HttpClient _client;

        public ChromaAdmin(Uri server)
        {
            _client = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromMinutes(5) };
        }

        private static string Db(string database) => "api/v2/tenants/" + Tenant + "/databases/" + Uri.EscapeDataString(database);

        private JsonDocument Send(HttpMethod method, string path, object? body = null)
        {
            using var request = new HttpRequestMessage(method, path);
            if (body != null) request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
            using var r = _client.Send(request);
            var text = r.Content.ReadAsStringAsync().GetAwaiter().GetResult();
            if (!r.IsSuccessStatusCode) throw new InvalidOperationException($"Chroma answered {(int)r.StatusCode} to {method} {path}: {text}");
            return JsonDocument.Parse(text.Length == 0 ? "{}" : text);
        }

        /// <summary>The server's max_batch_size.</summary>
        public int MaxBatchSize
        {
            get
            {
                using var d = Send(HttpMethod.Get, "api/v2/pre-flight-checks");
                return d.RootElement.GetProperty("max_batch_size").GetInt32();
            }
        }

        public void CreateDatabase(string database) => Send(HttpMethod.Post, "api/v2/tenants/" + Tenant + "/databases", new { name = database }).Dispose();

        public void DropDatabase(string database)
        {
            try { Send(HttpMethod.Delete, Db(database)).Dispose(); }
            catch (InvalidOperationException) { }
        }

        /// <summary>The collection's id, made when missing.</summary>
        public string Collection(string database, string name)
        {
            using var d = Send(HttpMethod.Post, Db(database) + "/collections", new { name, get_or_create = true });
            return d.RootElement.GetProperty("id").GetString()!;
        }

        /// <summary>The collection's id, or null.</summary>
        public string? FindCollection(string database, string name)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, Db(database) + "/collections/" + Uri.EscapeDataString(name));
            using var r = _client.Send(request);
            if (!r.IsSuccessStatusCode) return null;
            using var d = JsonDocument.Parse(r.Content.ReadAsStringAsync().GetAwaiter().GetResult());
            return d.RootElement.GetProperty("id").GetString();
        }

        /// <summary>The request path of a collection's record calls ("/api/v2/.../collections/{id}").</summary>
        public static string CollectionPath(string database, string collectionId) => "/" + Db(database) + "/collections/" + collectionId;

        /// <summary>Upserts records (id, embedding, metadata, document) in requests of at most max_batch_size.</summary>
        public void Upsert(string database, string collection, IReadOnlyList<(string Id, float[] Embedding, Dictionary<string, object>? Metadata, string? Document)> records)
        {
            var id = Collection(database, collection);
            var max = Math.Min(MaxBatchSize, 5000);
            for (var i = 0; i < records.Count; i += max)
            {
                var part = records.Skip(i).Take(max).ToList();
                Send(HttpMethod.Post, Db(database) + "/collections/" + id + "/upsert", new Dictionary<string, object?>
                {
                    ["ids"] = part.Select(r => r.Id).ToArray(),
                    ["embeddings"] = part.Select(r => r.Embedding).ToArray(),
                    ["metadatas"] = part.Select(r => (object?)r.Metadata).ToArray(),
                    ["documents"] = part.Select(r => r.Document).ToArray(),
                }).Dispose();
            }
        }

        /// <summary>Which of these ids the collection holds (none when it does not exist).</summary>
        public HashSet<string> Present(string database, string collection, IEnumerable<string> ids)
        {
            var set = new HashSet<string>(StringComparer.Ordinal);
            var id = FindCollection(database, collection);
            if (id is null) return set;
            foreach (var chunk in ids.Chunk(5000))
            {
                using var d = Send(HttpMethod.Post, Db(database) + "/collections/" + id + "/get", new { ids = chunk, include = Array.Empty<string>() });
                foreach (var x in d.RootElement.GetProperty("ids").EnumerateArray()) set.Add(x.GetString()!);
            }
            return set;
        }

        /// <summary>How many records the collection holds (0 when it does not exist).</summary>
        public long Count(string database, string collection)
        {
            var id = FindCollection(database, collection);
            if (id is null) return 0;
            using var d = Send(HttpMethod.Get, Db(database) + "/collections/" + id + "/count");
            return d.RootElement.GetInt64();
        }

        public void Dispose() => _client.Dispose();
    }
}
