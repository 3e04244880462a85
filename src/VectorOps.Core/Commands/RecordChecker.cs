using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Encodings.Web;
using System.Text.Json;
using VectorOps.Errors;
using VectorOps.Model;
using VectorOps.Providers;
using VectorOps.Serialization;

namespace VectorOps.Commands
{
    /// <summary>
    /// Checks records against the provider's <see cref="RecordRules"/> before they are written: id and namespace
    /// (the provider's ValidateId / ValidateNamespace), dense values (finite, the index's dimension, read once from
    /// the provider; all records of one write agree), sparse values, metadata value types and size. One instance
    /// per write (an Add-VectorRecord run, a restore): it remembers the dimension.
    /// <para>
    /// Messages name the record and the field, not the place: callers put "Line 17 of 'records.jsonl': " in front.
    /// </para>
    /// </summary>
    internal sealed class RecordChecker
    {
        private const int MaxDepth = 32;

        private readonly IVectorProvider _provider;
        private readonly RecordRules _rules;
        private readonly Func<int?> _readDimension;
        private bool _dimensionRead;
        private int? _indexDimension;
        private int? _writeDimension;
        private string? _writeDimensionId;

        /// <param name="readDimension">Reads the index's dimension (once, when the first record is checked).</param>
        public RecordChecker(IVectorProvider provider, Func<int?> readDimension)
        {
            _provider = provider;
            _rules = provider.RecordRules ?? RecordRules.Basic();
            _readDimension = readDimension;
        }

        /// <summary>
        /// Checks one record, to be written into its namespace (already resolved and validated). Returns
        /// the problem (not thrown), or null with <paramref name="toWrite"/> the record to send: the same one, or a
        /// copy without its null metadata values where the provider has no null (<paramref name="nullsLeftOut"/>
        /// says how many).
        /// </summary>
        /// <param name="where">Where the record came from, for the message ("Line 17 of 'records.jsonl'"); null for a piped record.</param>
        /// <param name="target">The error's target for a problem of the record's content (the piped object; the id of a line).</param>
        public VectorOpsException? Check(VectorRecord record, string? where, object? target, out VectorRecord toWrite, out int nullsLeftOut)
        {
            toWrite = record;
            nullsLeftOut = 0;
            var id = record.Id;
            if (id is null || id.Trim().Length == 0)
                return Located(new VectorOpsException(ErrorIds.InvalidId, VectorOpsErrorCategory.InvalidArgument,
                    "A record id is empty or blank.", id), where);
            // The namespace was resolved and checked by the caller (VectorCommand.ResolveNamespace: a blank one is
            // EmptyNamespace, never the default one).
            try
            {
                _provider.ValidateId(id);
            }
            catch (VectorOpsException ex)
            {
                return Located(ex, where);
            }
            var problem = CheckValues(record) ?? CheckSparse(record) ?? CheckMetadata(record, out nullsLeftOut);
            if (problem != null)
            {
                // "Line 17 of 'records.jsonl' (record 'doc-00017'): metadata 'rating' …" / "Record 'doc-00017': …"
                var prefix = where is null ? $"Record '{Show(id)}': " : $"{where} (record '{Show(id)}'): ";
                return new VectorOpsException(ErrorIds.InvalidRecord, VectorOpsErrorCategory.InvalidArgument, prefix + problem, target);
            }
            if (nullsLeftOut > 0)
            {
                var kept = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var p in record.Metadata!)
                    if (p.Value != null) kept[p.Key] = p.Value;
                toWrite = new VectorRecord(record.Id)
                {
                    Values = record.Values,
                    SparseValues = record.SparseValues,
                    Metadata = kept,
                    Document = record.Document,
                    Namespace = record.Namespace,
                };
            }
            return null;
        }

        private int? Dimension()
        {
            if (!_dimensionRead)
            {
                _dimensionRead = true;
                if (_rules.ReadsIndexDimension)
                {
                    var d = _readDimension();
                    _indexDimension = d is int n && n > 0 ? n : (int?)null;
                }
            }
            return _indexDimension;
        }

        private string? CheckValues(VectorRecord r)
        {
            var index = Dimension();
            var values = r.Values;
            if (values is null)
            {
                if (_rules.DenseValues == DenseValuesRule.Required ||
                    (_rules.DenseValues == DenseValuesRule.RequiredWhenIndexHasDimension && index != null))
                    return $"no dense values, but {IndexName()} holds dense vectors" + (index is int d ? $" of dimension {d}." : ".");
                return null;
            }
            if (values.Length == 0)
                return "the values array is empty; give values or leave them out.";
            if (values.Length > _rules.MaxDimension)
                return $"{values.Length:N0} values; {_provider.Name} takes at most {_rules.MaxDimension:N0}.";
            for (var i = 0; i < values.Length; i++)
            {
                var x = values[i];
                if (float.IsNaN(x) || float.IsInfinity(x))
                    return $"values[{i}] is {x.ToString(CultureInfo.InvariantCulture)}, not a finite number.";
            }
            if (!_rules.ReadsIndexDimension) return null; // a provider without a dimension to keep
            if (index is int want)
            {
                if (values.Length != want)
                    return $"{values.Length} values, but {IndexName()} has dimension {want}.";
                return null;
            }
            if (_writeDimension is int first && first != values.Length)
                return $"{values.Length} values, but record '{Show(_writeDimensionId!)}', the first of this write, has {first}; one index holds one dimension.";
            if (_writeDimension is null)
            {
                _writeDimension = values.Length;
                _writeDimensionId = r.Id;
            }
            return null;
        }

        private string? CheckSparse(VectorRecord r)
        {
            var sv = r.SparseValues;
            if (sv is null) return null;
            if (!_rules.SparseValues)
                return $"sparse values, which {_provider.Name} does not store.";
            if (sv.Indices is null || sv.Values is null || sv.Indices.Count != sv.Values.Count)
                return $"sparseValues has {sv.Indices?.Count ?? 0} indices and {sv.Values?.Count ?? 0} values; they must pair up.";
            for (var i = 0; i < sv.Values.Count; i++)
            {
                var x = sv.Values[i];
                if (float.IsNaN(x) || float.IsInfinity(x))
                    return $"sparseValues.values[{i}] is {x.ToString(CultureInfo.InvariantCulture)}, not a finite number.";
            }
            return null;
        }

        private string? CheckMetadata(VectorRecord r, out int nulls)
        {
            nulls = 0;
            var md = r.Metadata;
            if (md is null) return null;
            foreach (var p in md)
            {
                if (p.Key is null)
                    return "a metadata field without a name.";
                if (p.Value is null)
                {
                    if (_rules.MetadataNulls == MetadataNullRule.Omit) nulls++;
                    continue;
                }
                var why = ValueProblem(p.Value, 0);
                if (why != null)
                    return $"metadata '{p.Key}' {why}; {_provider.Name} metadata values are {_rules.MetadataTypes}.";
            }
            if (_rules.MaxMetadataBytes is int max)
            {
                long size;
                try
                {
                    size = JsonSize(md, _rules.MetadataNulls == MetadataNullRule.Omit);
                }
                catch (Exception ex) when (ex is ArgumentException || ex is InvalidOperationException || ex is FormatException)
                {
                    return $"the metadata cannot be written as JSON: {ex.Message}";
                }
                if (size > max)
                    return $"the metadata is {size:N0} bytes as JSON; {_provider.Name} takes at most {max:N0} bytes a record.";
            }
            return null;
        }

        /// <summary>Why a (non-null) metadata value breaks the rules, as "is …" text; null when it is fine.</summary>
        private string? ValueProblem(object value, int depth)
        {
            switch (value)
            {
                case string _:
                case bool _:
                case char _:
                case DateTime _:
                case DateTimeOffset _:
                case int _: case long _: case short _: case byte _: case sbyte _: case ushort _: case uint _: case ulong _:
                case decimal _:
                    return null;
                case double d:
                    return double.IsNaN(d) || double.IsInfinity(d) ? $"is {d.ToString(CultureInfo.InvariantCulture)}, not a finite number" : null;
                case float f:
                    return float.IsNaN(f) || float.IsInfinity(f) ? $"is {f.ToString(CultureInfo.InvariantCulture)}, not a finite number" : null;
                case IDictionary<string, object?> _:
                case IDictionary _:
                    if (!_rules.NestedMetadata) return "is an object (nested fields)";
                    if (depth >= MaxDepth) return $"is nested more than {MaxDepth} levels deep";
                    foreach (var (key, inner) in Entries(value))
                    {
                        if (inner is null)
                        {
                            if (_rules.MetadataNulls == MetadataNullRule.Omit) return $"holds a null in '{key}'";
                            continue;
                        }
                        var why = ValueProblem(inner, depth + 1);
                        if (why != null) return $"has a field '{key}' that {why}";
                    }
                    return null;
                case IEnumerable list:
                    if (!_rules.MetadataLists) return "is a list, and metadata values may not be lists";
                    var i = 0;
                    foreach (var item in list)
                    {
                        if (_rules.MetadataListsOfStringsOnly && !(item is string))
                            return $"is a list holding {Describe(item)} at position {i}, and lists may hold only strings";
                        if (item != null && !(item is string))
                        {
                            if (depth >= MaxDepth) return $"is nested more than {MaxDepth} levels deep";
                            var why = ValueProblem(item, depth + 1);
                            if (why != null) return $"is a list whose item {i} {why}";
                        }
                        i++;
                    }
                    return null;
                default:
                    return null; // written as its text (a Guid, a version, …)
            }
        }

        private static IEnumerable<(string, object?)> Entries(object dictionary)
        {
            if (dictionary is IDictionary<string, object?> typed)
            {
                foreach (var p in typed) yield return (p.Key, p.Value);
                yield break;
            }
            foreach (DictionaryEntry e in (IDictionary)dictionary)
                yield return (Convert.ToString(e.Key, CultureInfo.InvariantCulture) ?? "", e.Value);
        }

        private static string Describe(object? v) => v switch
        {
            null => "a null",
            bool b => b ? "true" : "false",
            IDictionary _ => "an object",
            IDictionary<string, object?> _ => "an object",
            string s => "'" + s + "'",
            IEnumerable _ => "a list",
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture) + " (a number)",
            _ => "'" + v + "'",
        };

        private static long JsonSize(IDictionary<string, object?> md, bool omitNulls)
        {
            // Measured as stored: non-ASCII text as UTF-8, not as \uXXXX escapes (the default encoder's), which
            // would make a record of accented or CJK text look up to three times its size.
            var counter = new CountingStream();
            using (var w = new Utf8JsonWriter(counter, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
                RecordJson.WriteMetadata(w, md, omitNulls);
            return counter.Length;
        }

        private string IndexName() => $"{_provider.Name} index '{_provider.Index}'";

        private static VectorOpsException Located(VectorOpsException ex, string? where) =>
            where is null ? ex : new VectorOpsException(ex.ErrorId, ex.Category, $"{where}: {ex.Message}", ex.Target, ex);

        /// <summary>An id for a message: control characters escaped, long ids cut.</summary>
        internal static string Show(string id)
        {
            if (id is null) return "";
            var cut = id.Length > 80 ? id.Substring(0, 80) + "…" : id;
            var sb = new System.Text.StringBuilder(cut.Length);
            foreach (var c in cut) sb.Append(char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString());
            return sb.ToString();
        }

        /// <summary>Counts the bytes written; keeps none.</summary>
        private sealed class CountingStream : Stream
        {
            private long _length;
            public override bool CanRead => false;
            public override bool CanSeek => false;
            public override bool CanWrite => true;
            public override long Length => _length;
            public override long Position { get => _length; set => throw new NotSupportedException(); }
            public override void Flush() { }
            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
            public override void Write(byte[] buffer, int offset, int count) => _length += count;
        }
    }
}
