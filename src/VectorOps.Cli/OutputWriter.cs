using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using VectorOps.Model;
using VectorOps.Serialization;

namespace VectorOps.Cli
{
    /// <summary>
    /// Writes the objects a command produces to stdout: JSON Lines with --json (one object a line), otherwise a
    /// readable table. Tables stream: the header is printed with the first row and columns only widen, so nothing
    /// is held back (a 10-million-id delete writes its 10,000 mutations as they finish).
    /// </summary>
    internal sealed class OutputWriter
    {
        private readonly TextWriter _out;
        private readonly bool _json;
        private Table? _table;
        private Type? _tableType;
        private DateTime _lastFlush = DateTime.UtcNow;

        private readonly bool _flushEach;

        /// <param name="flushEach">Flush every object (stdout is a terminal, shared with the progress line).</param>
        public OutputWriter(TextWriter output, bool json, bool flushEach)
        {
            _out = output;
            _json = json;
            _flushEach = flushEach;
        }

        public long Written { get; private set; }

        public void Write(object value)
        {
            Written++;
            if (_json)
            {
                _out.WriteLine(CliJson.Serialize(value));
            }
            else
            {
                switch (value)
                {
                    case VectorMutation m: Row(typeof(VectorMutation), MutationTable, MutationRow(m)); break;
                    case VectorRecord r: Row(typeof(VectorRecord), RecordTable, RecordRow(r)); break;
                    case NamespaceInfo n: Row(typeof(NamespaceInfo), NamespaceTable, new[] { n.Name, Count(n.RecordCount) }); break;
                    case VectorIndexInfo s: WriteIndex(s); break;
                    case VectorOps.Connections.ConnectionProfile p:
                        Row(typeof(VectorOps.Connections.ConnectionProfile), ProfileTable, new[] { p.Name, p.Provider, p.Index ?? "", p.Namespace ?? "", p.CredentialSource ?? "" });
                        break;
                    default:
                        EndTable();
                        _out.WriteLine(value.ToString());
                        break;
                }
            }
            // Mutations are few and each one matters to whoever watches; records stream, flushed now and then.
            if (_flushEach || value is VectorMutation || (DateTime.UtcNow - _lastFlush).TotalMilliseconds > 250) Flush();
        }

        public void Flush()
        {
            _out.Flush();
            _lastFlush = DateTime.UtcNow;
        }

        private static Table MutationTable() => new Table(
            new Column("Status", 9), new Column("Operation", 14), new Column("Namespace", 10),
            new Column("Asked", 9, right: true), new Column("Removed", 9, right: true), new Column("Attempts", 8, right: true),
            new Column("MutationId", 10), new Column("Error", 0));

        private static string[] MutationRow(VectorMutation m) => new[]
        {
            m.Status.ToString(),
            m.Operation.ToString(),
            m.Namespace ?? "",
            m.RequestedCount.ToString("N0", CultureInfo.InvariantCulture),
            // What the provider says it removed; blank where it answers no count (never a guess).
            m.AffectedCount is long removed ? removed.ToString("N0", CultureInfo.InvariantCulture) : "",
            m.Attempts.ToString(CultureInfo.InvariantCulture),
            m.ProviderMutationId ?? m.ProviderState ?? "",
            m.Error is null ? "" : (m.ErrorId is null ? m.Error : m.ErrorId + ": " + m.Error),
        };

        private static Table RecordTable() => new Table(
            new Column("Namespace", 10), new Column("Id", 8), new Column("Dimension", 9, right: true), new Column("Metadata", 0));

        private static string[] RecordRow(VectorRecord r) => new[]
        {
            r.Namespace ?? "",
            r.Id,
            r.Values is null ? "" : r.Values.Length.ToString(CultureInfo.InvariantCulture),
            r.Metadata is null ? "" : Clip(RecordJson.MetadataToJson(r.Metadata), 100),
        };

        private static Table ProfileTable() => new Table(
            new Column("Name", 8), new Column("Provider", 8), new Column("Index", 8), new Column("Namespace", 9), new Column("CredentialSource", 0));

        private static Table NamespaceTable() => new Table(new Column("Namespace", 10), new Column("RecordCount", 11, right: true));

        private void WriteIndex(VectorIndexInfo s)
        {
            EndTable();
            _out.WriteLine($"Provider     : {s.Provider}");
            _out.WriteLine($"Index        : {s.Index}");
            _out.WriteLine($"Endpoint     : {s.Endpoint}");
            _out.WriteLine($"Dimension    : {(s.Dimension?.ToString(CultureInfo.InvariantCulture) ?? "")}");
            if (s.Metric != null) _out.WriteLine($"Metric       : {s.Metric}");
            _out.WriteLine($"Total records: {Count(s.TotalRecordCount)}");
            _out.WriteLine($"Namespaces   : {s.Namespaces.Count.ToString(CultureInfo.InvariantCulture)}");
            if (s.Namespaces.Count > 0)
            {
                _out.WriteLine();
                foreach (var n in s.Namespaces) Row(typeof(NamespaceInfo), NamespaceTable, new[] { n.Name, Count(n.RecordCount) });
                EndTable();
            }
        }

        private static string Count(long? n) => n?.ToString("N0", CultureInfo.InvariantCulture) ?? "";

        private static string Clip(string s, int max) => s.Length <= max ? s : s.Substring(0, max - 1) + "…";

        private void Row(Type type, Func<Table> create, string[] cells)
        {
            if (_tableType != type)
            {
                EndTable();
                _table = create();
                _tableType = type;
                _table.WriteHeader(_out, cells);
            }
            _table!.WriteRow(_out, cells);
        }

        private void EndTable()
        {
            if (_table != null) _out.WriteLine();
            _table = null;
            _tableType = null;
        }

        private sealed class Column
        {
            public Column(string header, int width, bool right = false)
            {
                Header = header;
                Width = Math.Max(width, header.Length);
                Right = right;
            }

            public string Header { get; }
            public int Width { get; set; }
            public bool Right { get; }
        }

        private sealed class Table
        {
            private readonly Column[] _columns;

            public Table(params Column[] columns) { _columns = columns; }

            public void WriteHeader(TextWriter w, string[] firstRow)
            {
                Widen(firstRow);
                w.WriteLine(Line(_columns.Select(c => c.Header).ToArray()));
                w.WriteLine(Line(_columns.Select(c => new string('-', c.Header.Length)).ToArray()));
            }

            public void WriteRow(TextWriter w, string[] cells)
            {
                Widen(cells);
                w.WriteLine(Line(cells));
            }

            private void Widen(string[] cells)
            {
                for (var i = 0; i < _columns.Length - 1; i++)
                    _columns[i].Width = Math.Max(_columns[i].Width, Math.Min(cells[i].Length, 60));
            }

            private string Line(string[] cells)
            {
                var sb = new StringBuilder();
                for (var i = 0; i < _columns.Length; i++)
                {
                    var c = _columns[i];
                    var cell = Clean(cells[i]);
                    if (i == _columns.Length - 1)
                    {
                        sb.Append(cell);
                        break;
                    }
                    sb.Append(c.Right ? cell.PadLeft(c.Width) : cell.PadRight(c.Width));
                    sb.Append("  ");
                }
                return sb.ToString().TrimEnd();
            }

            /// <summary>Keeps a row on one line whatever the data holds.</summary>
            private static string Clean(string s)
            {
                if (s.IndexOfAny(new[] { '\r', '\n', '\t' }) < 0) return s;
                return s.Replace("\r", "\\r").Replace("\n", "\\n").Replace("\t", " ");
            }
        }
    }
}
