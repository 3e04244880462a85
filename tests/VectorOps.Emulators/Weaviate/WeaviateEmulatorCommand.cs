using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using VectorOps.Emulators.Infrastructure;

namespace VectorOps.Emulators.Weaviate
{
    /// <summary>
    /// <c>VectorOps.Emulators weaviate --port N [--api-key K] [--class Movies] [--multi-tenant] [--tenants a,b]
    /// [--query-maximum-results N]</c>: one class with the properties genre (text, tokenization field), n (number),
    /// tags (text[], field) and indexNullState on.
    /// </summary>
    public sealed class WeaviateEmulatorCommand : IEmulatorCommand
    {
        public string Name => "weaviate";

        public string Usage =>
            "Weaviate REST API v1 (batch delete, objects, schema, tenants, Aggregate count).\n" +
            "--port N (0: any free port)  --api-key KEY (default: none, no authentication)\n" +
            "--class NAME (default Movies: genre text/field, n number, tags text[]/field)  --multi-tenant  --tenants a,b\n" +
            "--query-maximum-results N (results.limit, default 10000)";

        public EmulatorHost Create(IReadOnlyDictionary<string, string> options)
        {
            var e = new WeaviateEmulator(options.TryGetValue("api-key", out var key) ? key : null);
            if (options.TryGetValue("query-maximum-results", out var q)) e.QueryMaximumResults = int.Parse(q, CultureInfo.InvariantCulture);
            var name = options.TryGetValue("class", out var c) ? c : "Movies";
            var mt = options.ContainsKey("multi-tenant");
            e.CreateClass(name, mt, true, StandardProperties());
            if (mt && options.TryGetValue("tenants", out var tenants))
                foreach (var t in tenants.Split(',', StringSplitOptions.RemoveEmptyEntries)) e.AddTenant(name, t.Trim());
            return e;
        }

        /// <summary>genre (text, field), n (number), tags (text[], field): what the tests and Pester filter on.</summary>
        public static WeaviatePropertyDef[] StandardProperties() => new[]
        {
            new WeaviatePropertyDef("genre", "text", "field"),
            new WeaviatePropertyDef("n", "number"),
            new WeaviatePropertyDef("tags", "text[]", "field"),
        };
    }

    /// <summary>
    /// The Weaviate document as Prism reads it: Prism 5.16 matches paths without the base path, so a copy of
    /// ../shared/specs/weaviate-v1.openapi2.json with its basePath (/v1) folded into every path is written beside
    /// the test binaries; nothing else of the document changes.
    /// </summary>
    public static class WeaviateSpec
    {
        public const string FileName = "weaviate-v1.openapi2.json";

        private static readonly object Gate = new object();

        public static string ForPrism()
        {
            lock (Gate)
            {
                var source = RepoPaths.Spec(FileName);
                var target = Path.Combine(AppContext.BaseDirectory, "weaviate-v1.prism.json");
                if (File.Exists(target) && File.GetLastWriteTimeUtc(target) >= File.GetLastWriteTimeUtc(source)) return target;
                var doc = JsonNode.Parse(File.ReadAllText(source))!.AsObject();
                var basePath = doc["basePath"]?.GetValue<string>()?.TrimEnd('/') ?? "";
                var paths = doc["paths"]!.AsObject();
                var folded = new JsonObject();
                foreach (var p in paths.ToList())
                {
                    paths.Remove(p.Key);
                    folded[basePath + p.Key] = p.Value;
                }
                doc["paths"] = folded;
                doc.Remove("basePath");
                var temp = target + "." + Guid.NewGuid().ToString("N") + ".tmp";
                File.WriteAllText(temp, doc.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
                File.Move(temp, target, overwrite: true);
                return target;
            }
        }
    }
}
