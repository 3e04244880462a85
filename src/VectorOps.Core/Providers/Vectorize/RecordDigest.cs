using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace VectorOps.Providers.Vectorize
{
    /// <summary>
    /// A 64-bit digest (FNV-1a) of what one record holds: values (bit for bit), namespace, and metadata in a
    /// canonical form (keys sorted, numbers as doubles, list items as text), so the record as written and the same
    /// record as get_by_ids answers it give the same digest whatever the key order or number spelling.
    /// </summary>
    internal static class RecordDigest
    {
        private const ulong Offset = 14695981039346656037UL;
        private const ulong Prime = 1099511628211UL;

        public static ulong Of(float[]? values, IDictionary<string, object?>? metadata, string? @namespace)
        {
            var h = Offset;
            h = Add(h, @namespace is null ? "n" : "s" + @namespace);
            h = Add(h, "|v");
            if (values != null)
                foreach (var x in values)
                {
                    var bits = BitConverter.ToInt32(BitConverter.GetBytes(x), 0);
                    for (var i = 0; i < 4; i++) h = (h ^ (byte)(bits >> (8 * i))) * Prime;
                }
            h = Add(h, "|m");
            return metadata is null || metadata.Count == 0 ? Add(h, "-") : Canonical(h, metadata);
        }

        /// <summary>One digest of many records: their ids and digests, in ordinal order of id.</summary>
        public static ulong Combine(IReadOnlyDictionary<string, ulong> records)
        {
            var h = Offset;
            foreach (var id in records.Keys.OrderBy(k => k, StringComparer.Ordinal))
            {
                h = Add(h, "s" + id.Length.ToString(CultureInfo.InvariantCulture) + ":" + id);
                var d = records[id];
                for (var i = 0; i < 8; i++) h = (h ^ (byte)(d >> (8 * i))) * Prime;
            }
            return h;
        }

        private static ulong Canonical(ulong h, object? v)
        {
            switch (v)
            {
                case null: return Add(h, "n;");
                case string s: return Add(h, "s" + s.Length.ToString(CultureInfo.InvariantCulture) + ":" + s + ";");
                case bool b: return Add(h, b ? "t;" : "f;");
                case IDictionary<string, object?> d:
                    h = Add(h, "{");
                    foreach (var key in d.Keys.OrderBy(k => k, StringComparer.Ordinal))
                        h = Canonical(Canonical(h, key), d[key]);
                    return Add(h, "}");
                case IDictionary d:
                    var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
                    foreach (DictionaryEntry e in d) copy[Convert.ToString(e.Key, CultureInfo.InvariantCulture) ?? ""] = e.Value;
                    return Canonical(h, copy);
                case IEnumerable list:
                    h = Add(h, "[");
                    foreach (var item in list)
                        h = Canonical(h, item is null ? null : item is string si ? si : Number(item) is double n ? n.ToString("R", CultureInfo.InvariantCulture) : Convert.ToString(item, CultureInfo.InvariantCulture));
                    return Add(h, "]");
                default:
                    return Number(v) is double x ? Add(h, "d" + x.ToString("R", CultureInfo.InvariantCulture) + ";")
                        : Add(h, "s" + Convert.ToString(v, CultureInfo.InvariantCulture) + ";");
            }
        }

        private static double? Number(object v) => v switch
        {
            double d => d,
            float f => f,
            decimal m => (double)m,
            long l => l,
            int i => i,
            short s => s,
            byte b => b,
            sbyte sb => sb,
            uint ui => ui,
            ulong ul => ul,
            ushort us => us,
            _ => null,
        };

        private static ulong Add(ulong h, string text)
        {
            foreach (var c in text)
            {
                h = (h ^ (byte)c) * Prime;
                h = (h ^ (byte)(c >> 8)) * Prime;
            }
            return h;
        }
    }
}
