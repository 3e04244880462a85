using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;
using VectorOps.Errors;

namespace VectorOps.Commands
{
    /// <summary>
    /// The resume file of a copy or move (-ResumePath, --resume): JSON Lines. The first line names the job (source,
    /// its namespace and filter, destination and its namespace); each later line is a JSON array of the ids of one
    /// batch the destination accepted, appended and flushed to disk as soon as the batch's upsert returned. A rerun
    /// with the same file reads those ids into a set and neither fetches nor writes them again. A torn last line
    /// (the process killed mid-write) is ignored: its batch is written again, which an upsert by id makes harmless.
    /// </summary>
    internal sealed class ResumeJournal : IDisposable
    {
        private const string Kind = "vectorops-transfer-resume";
        private readonly string _path;
        private readonly string _header;
        private FileStream? _stream;

        private ResumeJournal(string path, string header)
        {
            _path = path;
            _header = header;
        }

        /// <summary>Ids the destination accepted in earlier runs of this job.</summary>
        public HashSet<string> Done { get; } = new HashSet<string>(StringComparer.Ordinal);

        public string Path => _path;

        /// <summary>
        /// Opens (reads, never creates: the file is created at the first accepted batch) the resume file of a job.
        /// A file of another job, or one that is not a resume file, is refused (ResumeFileMismatch).
        /// </summary>
        public static ResumeJournal Open(string path, string source, string sourceNamespace, string? filter, string destination, string destinationNamespace)
        {
            string full;
            try
            {
                if (path is null || path.Trim().Length == 0) throw new ArgumentException("The path is empty.");
                full = System.IO.Path.GetFullPath(path);
            }
            catch (Exception ex) when (ex is ArgumentException || ex is NotSupportedException || ex is PathTooLongException)
            {
                throw new VectorOpsException(ErrorIds.ResumePathNotWritable, VectorOpsErrorCategory.WriteError,
                    $"The resume path '{path}' is not valid ({ex.Message}); nothing was written.", path, ex);
            }
            var dir = System.IO.Path.GetDirectoryName(full);
            if (Directory.Exists(full) || (!string.IsNullOrEmpty(dir) && !Directory.Exists(dir)))
                throw new VectorOpsException(ErrorIds.ResumePathNotWritable, VectorOpsErrorCategory.WriteError,
                    Directory.Exists(full) ? $"The resume path '{path}' is a folder; give a file path. Nothing was written."
                        : $"The folder of the resume file '{path}' does not exist. Nothing was written.", path);

            var header = Header(source, sourceNamespace, filter, destination, destinationNamespace);
            var journal = new ResumeJournal(full, header);
            if (!File.Exists(full)) return journal;

            long n = 0;
            string? pending = null; // the last line read; a torn one is ignored only when it is the last
            foreach (var line in AddRecordsCommand.ReadLines(full))
            {
                n++;
                if (n == 1)
                {
                    if (line != header)
                        throw new VectorOpsException(ErrorIds.ResumeFileMismatch, VectorOpsErrorCategory.InvalidData,
                            $"The resume file '{path}' belongs to another copy or move (its first line names {Describe(line)}; this one is {Describe(header)}). " +
                            "Nothing was written: give the file of this job, or a new path.", path);
                    continue;
                }
                if (pending != null) journal.ReadIds(pending, n - 1, last: false);
                pending = line;
            }
            if (pending != null) journal.ReadIds(pending, n, last: true);
            return journal;
        }

        private void ReadIds(string line, long n, bool last)
        {
            if (line.Trim().Length == 0) return;
            try
            {
                using var doc = JsonDocument.Parse(line);
                if (doc.RootElement.ValueKind != JsonValueKind.Array) throw new JsonException("not an array of ids");
                foreach (var e in doc.RootElement.EnumerateArray())
                {
                    if (e.ValueKind != JsonValueKind.String) throw new JsonException("an id that is not a string");
                    Done.Add(e.GetString()!);
                }
            }
            catch (JsonException ex)
            {
                // The last line cut short by a kill: that batch is written again.
                if (last && line.TrimStart().StartsWith("[", StringComparison.Ordinal) && !line.TrimEnd().EndsWith("]", StringComparison.Ordinal)) return;
                throw new VectorOpsException(ErrorIds.ResumeFileMismatch, VectorOpsErrorCategory.InvalidData,
                    $"Line {n} of the resume file '{_path}' is not a list of ids ({ex.Message}); nothing was written.", _path, ex);
            }
        }

        /// <summary>Appends the ids of a batch the destination accepted, flushed to disk.</summary>
        public void Append(IReadOnlyList<string> ids)
        {
            try
            {
                if (_stream is null)
                {
                    var fresh = !File.Exists(_path) || new FileInfo(_path).Length == 0;
                    var torn = !fresh && EndsWithoutNewline(_path);
                    _stream = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read, 1 << 12);
                    if (fresh) Write(_header + "\n");
                    else if (torn) Write("\n");
                }
                var buffer = new MemoryStream();
                using (var w = new Utf8JsonWriter(buffer))
                {
                    w.WriteStartArray();
                    foreach (var id in ids) w.WriteStringValue(id);
                    w.WriteEndArray();
                }
                buffer.WriteByte((byte)'\n');
                buffer.Position = 0;
                buffer.CopyTo(_stream);
                _stream.Flush(flushToDisk: true);
                foreach (var id in ids) Done.Add(id);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw new VectorOpsException(ErrorIds.ResumePathNotWritable, VectorOpsErrorCategory.WriteError,
                    $"Writing the resume file '{_path}' failed ({ex.Message}); the records written so far are in the destination, a rerun writes them again.", _path, ex);
            }
        }

        private void Write(string text)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            _stream!.Write(bytes, 0, bytes.Length);
        }

        private static bool EndsWithoutNewline(string path)
        {
            using var existing = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            if (existing.Length == 0) return false;
            existing.Seek(-1, SeekOrigin.End);
            return existing.ReadByte() != '\n';
        }

        private static string Header(string source, string sourceNamespace, string? filter, string destination, string destinationNamespace)
        {
            var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                w.WriteString("kind", Kind);
                w.WriteNumber("version", 1);
                w.WriteString("source", source);
                w.WriteString("sourceNamespace", sourceNamespace);
                if (filter is null) w.WriteNull("filter");
                else w.WriteString("filter", filter);
                w.WriteString("destination", destination);
                w.WriteString("destinationNamespace", destinationNamespace);
                w.WriteEndObject();
            }
            return Encoding.UTF8.GetString(buffer.ToArray());
        }

        private static string Describe(string headerLine)
        {
            try
            {
                using var doc = JsonDocument.Parse(headerLine);
                var r = doc.RootElement;
                if (r.ValueKind != JsonValueKind.Object || !r.TryGetProperty("kind", out var k) || k.GetString() != Kind) return "no copy or move";
                string S(string name) => r.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";
                var filter = S("filter");
                return $"namespace '{S("sourceNamespace")}' of {S("source")}" + (filter.Length == 0 ? "" : " matching " + filter) +
                       $" to namespace '{S("destinationNamespace")}' of {S("destination")}";
            }
            catch (JsonException)
            {
                return "no copy or move";
            }
        }

        public void Dispose() => _stream?.Dispose();
    }
}
