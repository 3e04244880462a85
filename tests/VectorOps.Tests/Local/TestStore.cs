using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using VectorOps.Filtering;
using VectorOps.Model;
using VectorOps.Providers;
using VectorOps.Providers.Local;

namespace VectorOps.Tests.Local
{
    /// <summary>A local store in a fresh temporary folder, deleted afterwards.</summary>
    internal sealed class TestStore : IDisposable
    {
        private readonly List<IVectorProvider> _opened = new List<IVectorProvider>();

        public TestStore(string index = "test", string? folder = null)
        {
            Folder = folder ?? Path.Combine(Path.GetTempPath(), "vectorops-tests", Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Folder);
            FilePath = Path.Combine(Folder, "store.db");
            Provider = Open(index);
        }

        public string Folder { get; }
        public string FilePath { get; }
        public LocalProvider Provider { get; }

        /// <summary>Another provider on the same file (another index, or the same one again).</summary>
        public LocalProvider Open(string index, Action<string>? trace = null)
        {
            var p = (LocalProvider)LocalProvider.Create(new ConnectionSettings { Provider = "Local", ["Path"] = FilePath, Index = index, Trace = trace, CreateIfMissing = true });
            _opened.Add(p);
            return p;
        }

        public void Dispose()
        {
            // Each provider clears its own pool; clearing every pool would disturb tests running in parallel.
            foreach (var p in _opened) p.Dispose();
            try
            {
                Directory.Delete(Folder, recursive: true);
            }
            catch (IOException)
            {
                // A file still held open on some platforms: the temp folder is cleaned up by the OS.
            }
        }
    }

    internal static class StoreExtensions
    {
        public static async Task UpsertAllAsync(this IVectorProvider p, IEnumerable<VectorRecord> records, string? @namespace = null)
        {
            foreach (var group in records.GroupBy(r => @namespace ?? r.Namespace ?? p.DefaultNamespace))
                foreach (var chunk in group.Chunk(p.Capabilities.MaxRecordsPerUpsert))
                    await p.UpsertAsync(group.Key, chunk, CancellationToken.None);
        }

        public static async Task<List<IReadOnlyList<string>>> PagesAsync(this IAsyncEnumerable<IReadOnlyList<string>> pages)
        {
            var list = new List<IReadOnlyList<string>>();
            await foreach (var page in pages) list.Add(page);
            return list;
        }

        public static async Task<List<string>> AllIdsAsync(this IVectorProvider p, string ns, string? prefix = null) =>
            (await p.ListIdsAsync(ns, prefix, CancellationToken.None).PagesAsync()).SelectMany(x => x).ToList();

        public static async Task<List<string>> FindAllAsync(this IVectorProvider p, string ns, MetadataFilter filter) =>
            (await p.FindIdsAsync(ns, filter, CancellationToken.None).PagesAsync()).SelectMany(x => x).ToList();

        public static async Task<List<NamespaceInfo>> NamespacesAsync(this IVectorProvider p)
        {
            var list = new List<NamespaceInfo>();
            await foreach (var ns in p.ListNamespacesAsync(CancellationToken.None)) list.Add(ns);
            return list;
        }

        public static async Task<long> CountAllAsync(this IVectorProvider p, string ns) => (await p.AllIdsAsync(ns)).Count;
    }

    /// <summary>The order SQLite sorts ids in: by UTF-8 bytes (code point order).</summary>
    internal sealed class Utf8Order : IComparer<string>
    {
        public static readonly Utf8Order Instance = new Utf8Order();

        public int Compare(string? x, string? y)
        {
            var a = Encoding.UTF8.GetBytes(x ?? "");
            var b = Encoding.UTF8.GetBytes(y ?? "");
            return ((ReadOnlySpan<byte>)a).SequenceCompareTo(b);
        }
    }

    internal static class Records
    {
        public static VectorRecord Make(string id, params (string Key, object? Value)[] metadata) =>
            new VectorRecord(id)
            {
                Values = new float[] { 0.1f, 0.2f, 0.3f },
                Metadata = metadata.Length == 0 ? null : metadata.ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal),
            };

        public static IEnumerable<VectorRecord> Numbered(string prefix, int count, int width = 5) =>
            Enumerable.Range(0, count).Select(i => Make(prefix + i.ToString("D" + width), ("n", (long)i), ("even", i % 2 == 0)));
    }
}
