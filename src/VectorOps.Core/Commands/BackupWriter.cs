using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using VectorOps.Errors;
using VectorOps.Model;
using VectorOps.Providers;
using VectorOps.Serialization;

namespace VectorOps.Commands
{
    /// <summary>
    /// Appends the records about to be deleted to a JSON Lines file and flushes them to disk before the delete of
    /// their batch is sent, so a restore (Restore-VectorRecord, vectorops restore) can always bring them back.
    /// Opened when the command starts: a path that cannot be written stops the command before anything is deleted.
    /// Thread-safe: batches running in parallel append whole lines under a lock.
    /// </summary>
    public sealed class BackupWriter : IDisposable
    {
        private readonly FileStream _stream;
        private readonly object _gate = new object();

        public BackupWriter(string path)
        {
            Path = path;
            try
            {
                var full = System.IO.Path.GetFullPath(path);
                var dir = System.IO.Path.GetDirectoryName(full);
                if (!string.IsNullOrEmpty(dir) && !Directory.Exists(dir))
                    throw new DirectoryNotFoundException($"The folder '{dir}' does not exist.");
                var torn = EndsWithoutNewline(full);
                _stream = new FileStream(full, FileMode.Append, FileAccess.Write, FileShare.Read, 1 << 16, FileOptions.WriteThrough);
                Path = full;
                if (torn)
                {
                    // An earlier run was killed mid-line: end that torn line so it stays alone on its line (restore
                    // skips it) instead of running into this run's first record.
                    _stream.WriteByte((byte)'\n');
                    _stream.Flush(flushToDisk: true);
                }
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is ArgumentException || ex is NotSupportedException || ex is System.Security.SecurityException)
            {
                throw new VectorOpsException(ErrorIds.BackupPathNotWritable, VectorOpsErrorCategory.WriteError,
                    $"The backup file '{path}' cannot be written ({ex.Message}); nothing was deleted.", path, ex);
            }
        }

        public string Path { get; }
        public long RecordsWritten { get; private set; }

        private static bool EndsWithoutNewline(string path)
        {
            if (!File.Exists(path)) return false;
            using var existing = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            if (existing.Length == 0) return false;
            existing.Seek(-1, SeekOrigin.End);
            return existing.ReadByte() != '\n';
        }

        /// <summary>
        /// Checks a backup path without creating anything (a -WhatIf run must leave no file behind): its folder must
        /// exist and it must not be a folder. The file itself is opened at the first real delete, before it is sent.
        /// </summary>
        public static Lazy<BackupWriter>? Prepare(string? path)
        {
            if (path is null) return null;
            string full;
            try
            {
                if (path.Trim().Length == 0) throw new ArgumentException("The path is empty.");
                full = System.IO.Path.GetFullPath(path);
            }
            catch (Exception ex) when (ex is ArgumentException || ex is NotSupportedException || ex is PathTooLongException || ex is System.Security.SecurityException)
            {
                throw new VectorOpsException(ErrorIds.BackupPathNotWritable, VectorOpsErrorCategory.WriteError,
                    $"The backup path '{path}' is not valid ({ex.Message}); nothing was deleted.", path, ex);
            }
            var dir = System.IO.Path.GetDirectoryName(full);
            if (Directory.Exists(full) || (!string.IsNullOrEmpty(dir) && !Directory.Exists(dir)))
                throw new VectorOpsException(ErrorIds.BackupPathNotWritable, VectorOpsErrorCategory.WriteError,
                    Directory.Exists(full)
                        ? $"The backup path '{path}' is a folder; give a file path. Nothing was deleted."
                        : $"The folder of the backup file '{path}' does not exist. Nothing was deleted.", path);
            return new Lazy<BackupWriter>(() => new BackupWriter(path), LazyThreadSafetyMode.ExecutionAndPublication);
        }

        /// <summary>Fetches the records of a batch and appends them, flushed to disk. Returns how many were found.</summary>
        public async Task<int> BackupAsync(IVectorProvider provider, string ns, IReadOnlyList<string> ids, CancellationToken ct)
        {
            var cap = Math.Max(1, provider.Capabilities.MaxIdsPerFetch);
            var found = new List<VectorRecord>(ids.Count);
            for (var i = 0; i < ids.Count; i += cap)
            {
                var chunk = new List<string>(Math.Min(cap, ids.Count - i));
                for (var j = i; j < ids.Count && j < i + cap; j++) chunk.Add(ids[j]);
                found.AddRange(await provider.FetchAsync(ns, chunk, ct).ConfigureAwait(false));
            }
            Append(ns, found);
            return found.Count;
        }

        public void Append(string ns, IReadOnlyList<VectorRecord> records)
        {
            if (records.Count == 0) return;
            var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer))
            {
                foreach (var r in records)
                {
                    var copy = r.Namespace == ns ? r : new VectorRecord(r.Id) { Values = r.Values, SparseValues = r.SparseValues, Metadata = r.Metadata, Document = r.Document, Namespace = ns };
                    if (copy.Namespace is null) copy.Namespace = ns;
                    RecordJson.Write(w, copy);
                    w.Flush();
                    buffer.WriteByte((byte)'\n');
                    w.Reset(buffer);
                }
            }
            lock (_gate)
            {
                try
                {
                    buffer.Position = 0;
                    buffer.CopyTo(_stream);
                    _stream.Flush(flushToDisk: true);
                    RecordsWritten += records.Count;
                }
                catch (IOException ex)
                {
                    throw new VectorOpsException(ErrorIds.BackupPathNotWritable, VectorOpsErrorCategory.WriteError,
                        $"Writing the backup file '{Path}' failed ({ex.Message}); this batch was not deleted.", Path, ex);
                }
            }
        }

        public void Dispose()
        {
            lock (_gate) _stream.Dispose();
        }
    }
}
