using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using VectorOps.Connections;
using VectorOps.Errors;
using VectorOps.Hosting;
using VectorOps.Model;
using VectorOps.Serialization;

namespace VectorOps.Commands
{
    /// <summary>Options of a restore (Restore-VectorRecord, vectorops restore).</summary>
    public sealed class RestoreOptions
    {
        /// <summary>Puts every record into this namespace instead of the one it was backed up from (null: keep).</summary>
        public string? Namespace { get; set; }

        /// <summary>Upsert requests in flight at once; null = the provider's default.</summary>
        public int? ThrottleLimit { get; set; }

        /// <summary>Records per upsert request; null = the provider's cap.</summary>
        public int? BatchSize { get; set; }
    }

    /// <summary>What a restore found in its file.</summary>
    public sealed class RestoreSummary
    {
        public string Source { get; internal set; } = "";

        /// <summary>Complete records found (and, unless stopped or previewed, upserted).</summary>
        public long Records { get; internal set; }

        /// <summary>Line numbers of torn lines (an interrupted backup write), skipped.</summary>
        public IReadOnlyList<long> TornLines { get; internal set; } = Array.Empty<long>();

        public int FailedBatches { get; internal set; }
    }

    /// <summary>
    /// Puts back the records of a backup file (JSON Lines written by <see cref="BackupWriter"/>): the whole file is
    /// checked first (every line parsed, every id and namespace validated, bad lines reported by number), and only
    /// a file without errors is upserted, streamed into batches of the provider's cap, one mutation per batch.
    /// <para>
    /// A torn line, a record cut short because the process writing the backup was killed mid-write, is not an
    /// error: the backup writer sends a batch's delete only after all of its lines are complete and flushed, so
    /// the records of a torn line were never deleted. It is skipped with a warning naming the line. Any other
    /// malformed line stops the restore before the first upsert.
    /// </para>
    /// </summary>
    public sealed class RestoreRecordsCommand : VectorCommand
    {
        private readonly RestoreOptions _options;

        public RestoreRecordsCommand(ICommandHost host, VectorConnection? connection, RestoreOptions? options = null)
            : base(host, connection)
        {
            _options = options ?? new RestoreOptions();
            if (_options.Namespace != null)
            {
                if (_options.Namespace.Trim().Length == 0)
                    throw new VectorOpsException(ErrorIds.EmptyNamespace, VectorOpsErrorCategory.InvalidArgument,
                        "The namespace to restore into is empty; leave it out to restore each record into its own namespace.", _options.Namespace);
                Provider.ValidateNamespace(_options.Namespace);
            }
            // Checked now, so a bad value stops before the file is read.
            Concurrency(_options.ThrottleLimit);
            var cap = Provider.Capabilities.MaxRecordsPerUpsert;
            if (_options.BatchSize is int b && (b < 1 || b > cap))
                throw new VectorOpsException(ErrorIds.InvalidArgument, VectorOpsErrorCategory.InvalidArgument,
                    $"BatchSize must be between 1 and {cap}, not {b}.", b);
        }

        /// <summary>Restores a backup file.</summary>
        public RestoreSummary Restore(string path) => Restore(new[] { path })[0];

        /// <summary>
        /// Restores several backup files (Restore-VectorRecord -Path a.jsonl, b.jsonl): every line of every file is
        /// checked before the first upsert, so one bad line in any file means nothing of any file is restored.
        /// The summaries' FailedBatches is the run's (batches of several files may share a namespace's upserts).
        /// </summary>
        public IReadOnlyList<RestoreSummary> Restore(IReadOnlyList<string> paths)
        {
            foreach (var path in paths)
            {
                if (path is null || path.Trim().Length == 0)
                    throw new VectorOpsException(ErrorIds.RecordFileNotFound, VectorOpsErrorCategory.InvalidArgument, "Name the backup file to restore.", path);
                if (!File.Exists(path))
                    throw new VectorOpsException(ErrorIds.RecordFileNotFound, VectorOpsErrorCategory.ObjectNotFound,
                        Directory.Exists(path) ? $"The backup file '{path}' is a folder, not a file." : $"The backup file '{path}' does not exist.", path);
            }
            var add = new AddRecordsCommand(Host, Connection, _options.ThrottleLimit, _options.BatchSize);
            var read = add.AddFiles(paths, LineOptions());
            if (read.Any(r => r.Sent > 0)) add.Complete();
            return read.Select(r => new RestoreSummary
            {
                Source = r.Source,
                TornLines = r.TornLines,
                Records = r.Sent,
                FailedBatches = add.FailedBatches,
            }).ToList();
        }

        /// <summary>
        /// Restores from lines read twice: <paramref name="lines"/> is called once to check, and again to send. The
        /// two passes are Add-VectorRecord's (<see cref="AddRecordsCommand.AddLines"/>): every line parsed and
        /// checked against the provider's record rules first, bad lines reported by number, then nothing is sent;
        /// torn lines of an interrupted backup skipped with a warning.
        /// </summary>
        public RestoreSummary Restore(Func<IEnumerable<string>> lines, string source)
        {
            var summary = new RestoreSummary { Source = source };
            var add = new AddRecordsCommand(Host, Connection, _options.ThrottleLimit, _options.BatchSize);
            var read = add.AddLines(lines, source, LineOptions());
            summary.TornLines = read.TornLines;
            summary.Records = read.Sent;
            if (read.Sent > 0) add.Complete();
            summary.FailedBatches = add.FailedBatches;
            return summary;
        }

        /// <summary>How a backup's lines are read: torn lines of an interrupted backup skipped with a warning.</summary>
        private RecordLinesOptions LineOptions() => new RecordLinesOptions
        {
            SkipTornLines = true,
            Namespace = _options.Namespace,
            Done = "restored",
            TornNote = "Its records were never deleted: a batch is deleted only after its whole backup is on disk.",
        };

        /// <summary>
        /// True when the text is the beginning of a JSON object that stops before its end (a write cut short), as
        /// opposed to text that is wrong where it stands.
        /// </summary>
        public static bool IsTornJson(string text)
        {
            var trimmed = text.TrimStart();
            if (trimmed.Length == 0 || trimmed[0] != '{') return false;
            var bytes = Encoding.UTF8.GetBytes(trimmed);
            var reader = new Utf8JsonReader(bytes, isFinalBlock: false, state: default);
            try
            {
                while (reader.Read())
                {
                    if (reader.CurrentDepth == 0 && reader.TokenType == JsonTokenType.EndObject) return false; // complete
                }
                return true; // ran out of text inside the object
            }
            catch (JsonException)
            {
                return false;
            }
        }

    }
}
