using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Management.Automation;
using VectorOps.Errors;

namespace VectorOps.PowerShell.Input
{
    /// <summary>
    /// Turns what PowerShell hands a cmdlet (PSObject wrappers, hashtables, [ordered] dictionaries, object[] arrays,
    /// PSCustomObjects from ConvertFrom-Json) into plain .NET values: string, numbers, bool, Dictionary /
    /// OrderedDictionary with string keys, List&lt;object?&gt;. Recursive; used for -Filter and for pipeline records.
    /// </summary>
    public static class InputNormalizer
    {
        private const int MaxDepth = 64;

        /// <summary>
        /// Unwraps one PowerShell wrapper: a PSObject around a CLR object gives that object; a PSCustomObject gives an
        /// OrderedDictionary of its properties. Anything else is returned as it is.
        /// </summary>
        public static object? EngineUnwrap(object value)
        {
            if (!(value is PSObject p)) return value;
            var inner = p.BaseObject;
            if (inner is PSCustomObject || inner is null)
            {
                var d = new OrderedDictionary(StringComparer.OrdinalIgnoreCase);
                foreach (var property in p.Properties)
                {
                    if (property is null) continue;
                    d[property.Name] = SafeValue(property);
                }
                return d;
            }
            return inner;
        }

        private static object? SafeValue(PSPropertyInfo property)
        {
            try { return property.Value; }
            catch (GetValueException) { return null; }
        }

        /// <summary>Normalizes with the engine's unwrapping.</summary>
        public static object? Normalize(object? value) => Normalize(value, EngineUnwrap);

        /// <summary>Normalizes with the given unwrapping (tests pass their own wrapper type).</summary>
        public static object? Normalize(object? value, Func<object, object?> unwrap) => Normalize(value, unwrap, 0);

        private static object? Normalize(object? value, Func<object, object?> unwrap, int depth)
        {
            if (depth > MaxDepth)
                throw new VectorOpsException(ErrorIds.InvalidArgument, VectorOpsErrorCategory.InvalidArgument,
                    "The input is nested too deeply.", null);
            if (value is null) return null;

            // Unwrap wrappers of wrappers (a PSObject around a PSObject) until the value stops changing.
            for (var i = 0; i < MaxDepth; i++)
            {
                var next = unwrap(value);
                if (next is null) return null;
                if (ReferenceEquals(next, value)) break;
                value = next;
            }

            switch (value)
            {
                case string _:
                    return value;
                case IOrderedDictionary ordered:
                {
                    var copy = new OrderedDictionary(StringComparer.Ordinal);
                    foreach (DictionaryEntry e in ordered)
                        copy[Key(e.Key, unwrap)] = Normalize(e.Value, unwrap, depth + 1);
                    return copy;
                }
                case IDictionary dictionary:
                {
                    var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
                    foreach (DictionaryEntry e in dictionary)
                        copy[Key(e.Key, unwrap)] = Normalize(e.Value, unwrap, depth + 1);
                    return copy;
                }
                case IEnumerable sequence:
                {
                    var list = new List<object?>();
                    foreach (var item in sequence) list.Add(Normalize(item, unwrap, depth + 1));
                    return list;
                }
                default:
                    return value;
            }
        }

        private static string Key(object key, Func<object, object?> unwrap)
        {
            var k = key is null ? null : unwrap(key);
            if (k is string s) return s;
            throw new VectorOpsException(ErrorIds.InvalidFilter, VectorOpsErrorCategory.InvalidArgument,
                $"Keys must be strings, not {(k is null ? "null" : k.GetType().Name)} ('{k}').", k);
        }
    }
}
