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
using VectorOps.Providers;
using VectorOps.Serialization;

namespace VectorOps.Commands
{
    /// <summary>How <see cref="AddRecordsCommand.AddLines"/> reads a file of records.</summary>
    public sealed class RecordLinesOptions
    {
        /// <summary>A backup's torn lines (a write cut short) are skipped with a warning instead of being errors.</summary>
        public bool SkipTornLines { get; set; }

        /// <summary>Puts every record into this namespace instead of its own (restore -Namespace).</summary>
        public string? Namespace { get; set; }

        /// <summary>The past participle for messages: "written", "restored".</summary>
        public string Done { get; set; } = "written";

        /// <summary>What the torn-line warning adds about the records of such a line.</summary>
        public string TornNote { get; set; } = "";
    }

    /// <summary>What a file of records held.</summary>
    public sealed class RecordLinesSummary
    {
        public string Source { get; internal set; } = "";

        /// <summary>Complete, valid records found (and, unless stopped or previewed, written).</summary>
        public long Records { get; internal set; }

        /// <summary>Records handed to the batches (fewer than <see cref="Records"/> when stopped).</summary>
        public long Sent { get; internal set; }

        /// <summary>Line numbers of torn lines, skipped (backups only).</summary>
        public IReadOnlyList<long> TornLines { get; internal set; } = Array.Empty<long>();

        /// <summary>Null metadata values left out (providers without null).</summary>
        public long NullsLeftOut { get; internal set; }
    }

    /// <summary>
    /// Upserts records, streamed and batched per namespace to the provider's cap; one mutation per batch. Every
    /// record is checked against the provider's <see cref="RecordRules"/> (id, namespace, values and the index's
    /// dimension, sparse values, metadata) before it is buffered:
    /// <list type="bullet">
    /// <item>A file (<see cref="AddLines"/>, <see cref="AddFromFile"/>) is read twice: every line is checked first,
    /// each bad one reported with its line number and field, and one bad line means nothing is written (a
    /// terminating InvalidRecordFile error); only then are the lines read again and sent.</item>
    /// <item>Records that stream in (<see cref="Add"/>: the pipeline, standard input) are checked one by one as
    /// they arrive: a bad one is refused with an error naming it, the others are written.</item>
    /// </list>
    /// </summary>
    public sealed class AddRecordsCommand : VectorCommand
    {
        private readonly BatchRunner _runner;
        private readonly Dictionary<string, List<VectorRecord>> _buffers = new Dictionary<string, List<VectorRecord>>(StringComparer.Ordinal);
        private readonly int _batchSize;
        private readonly RecordChecker _checker;
        private long _streamNulls;
        private long _streamNullRecords;

        public AddRecordsCommand(ICommandHost host, VectorConnection? connection, int? throttleLimit = null, int? batchSize = null)
            : base(host, connection)
        {
            var cap = Provider.Capabilities.MaxRecordsPerUpsert;
            if (batchSize is int b && (b < 1 || b > cap))
                throw new VectorOpsException(ErrorIds.InvalidArgument, VectorOpsErrorCategory.InvalidArgument,
                    $"BatchSize must be between 1 and {cap}, not {b}.", b);
            _batchSize = batchSize ?? cap;
            _runner = new BatchRunner(host, Concurrency(throttleLimit), "Adding records", Trace);
            var provider = Provider;
            _checker = new RecordChecker(provider, () => Wait(() => provider.GetStatsAsync(Stop)).Dimension);
        }

        public int FailedBatches => _runner.Failed;

        /// <summary>Called on the calling thread with each batch the destination accepted (a copy's resume file).</summary>
        internal Action<VectorMutation>? BatchDone
        {
            get => _runner.Done;
            set => _runner.Done = value;
        }

        /// <summary>What the run did so far.</summary>
        internal RunSummary Summary => _runner.Summary;

        /// <summary>
        /// Checks a record against the provider's rules without buffering it (a copy checks its first batch before
        /// the first write): the problem, or null.
        /// </summary>
        internal VectorOpsException? Check(VectorRecord record) =>
            TryCheck(record, null, record.Id, out _, out _, out _, out var problem) ? null : problem;

        /// <summary>Namespace for records that name none (null: the connection's); given, it must not be blank (EmptyNamespace).</summary>
        public string? Namespace
        {
            get => _namespace;
            set
            {
                if (value != null) RefuseBlankNamespace(value);
                _namespace = value;
            }
        }

        private string? _namespace;

        /// <summary>
        /// Adds one record that streamed in (a pipeline object, a line of standard input): checked on its own; a bad
        /// one is reported (a non-terminating error naming it, its id as target) and skipped, the others go on.
        /// </summary>
        /// <param name="where">Where it came from, for the message ("Line 4 of standard input"); null for a piped object.</param>
        /// <returns>True when the record was accepted.</returns>
        public bool Add(VectorRecord? record, string? where = null)
        {
            if (record is null)
            {
                Report(new VectorOpsException(ErrorIds.InvalidRecord, VectorOpsErrorCategory.InvalidArgument,
                    (where is null ? "" : where + ": ") + "A record is null.", null));
                return false;
            }
            if (!TryCheck(record, where, record.Id, out var ns, out var toWrite, out var nulls, out var problem))
            {
                Report(problem!);
                return false;
            }
            if (nulls > 0)
            {
                _streamNulls += nulls;
                _streamNullRecords++;
            }
            Enqueue(ns, toWrite);
            return true;
        }

        private bool TryCheck(VectorRecord record, string? where, object? target, out string ns, out VectorRecord toWrite, out int nulls,
            out VectorOpsException? problem)
        {
            ns = "";
            nulls = 0;
            toWrite = record;
            try
            {
                ns = ResolveNamespace(record.Namespace ?? Namespace);
            }
            catch (VectorOpsException ex)
            {
                problem = where is null ? ex : new VectorOpsException(ex.ErrorId, ex.Category, $"{where}: {ex.Message}", ex.Target, ex);
                return false;
            }
            problem = _checker.Check(record, where, target, out toWrite, out nulls);
            return problem is null;
        }

        /// <summary>Adds every record of a JSON Lines file: all lines checked first, then sent (see <see cref="AddLines"/>).</summary>
        public RecordLinesSummary AddFromFile(string path) => AddFiles(new[] { path })[0];

        /// <summary>
        /// Adds the records of lines that can be read twice (<paramref name="lines"/> is called once to check and
        /// once to send). The first pass parses and checks every line against the provider's rules, reporting each
        /// bad one ("Line 17 of 'records.jsonl' (record 'doc-00017'): metadata 'rating' …"); if any is bad it throws
        /// InvalidRecordFile and nothing is written. The second pass sends, streaming. Call <see cref="Complete"/> after.
        /// </summary>
        public RecordLinesSummary AddLines(Func<IEnumerable<string>> lines, string source, RecordLinesOptions? options = null) =>
            AddSources(new[] { (lines, source) }, options)[0];

        /// <summary>
        /// Adds the records of several files (Add-VectorRecord -Path a.jsonl, b.jsonl): all of them are checked
        /// before the first is sent, so one bad line in any file means nothing of any file is written.
        /// </summary>
        public IReadOnlyList<RecordLinesSummary> AddFiles(IReadOnlyList<string> paths, RecordLinesOptions? options = null)
        {
            var sources = new List<(Func<IEnumerable<string>>, string)>(paths.Count);
            foreach (var path in paths)
            {
                if (path is null || path.Trim().Length == 0)
                    throw new VectorOpsException(ErrorIds.RecordFileNotFound, VectorOpsErrorCategory.InvalidArgument, "Name the record file.", path);
                if (!File.Exists(path))
                    throw new VectorOpsException(ErrorIds.RecordFileNotFound, VectorOpsErrorCategory.ObjectNotFound,
                        Directory.Exists(path) ? $"The record file '{path}' is a folder, not a file." : $"The record file '{path}' does not exist.", path);
                var file = path;
                sources.Add((() => ReadLines(file), "'" + file + "'"));
            }
            return AddSources(sources, options);
        }

        private IReadOnlyList<RecordLinesSummary> AddSources(IReadOnlyList<(Func<IEnumerable<string>> Lines, string Source)> sources, RecordLinesOptions? options)
        {
            options ??= new RecordLinesOptions();
            var summaries = new RecordLinesSummary[sources.Count];
            var bad = 0;
            var badSources = new List<string>();

            // Pass 1: every line of every source, nothing sent.
            for (var i = 0; i < sources.Count; i++)
            {
                var (lines, source) = sources[i];
                var summary = summaries[i] = new RecordLinesSummary { Source = source };
                var torn = new List<long>();
                var badHere = 0;
                long n = 0, records = 0, nulls = 0, nullRecords = 0;
                foreach (var text in lines())
                {
                    n++;
                    if (Stop.IsCancellationRequested)
                    {
                        Host.WriteWarning($"Stopped while checking {source}: nothing was {options.Done}.");
                        return summaries.Select(x => x ?? new RecordLinesSummary()).ToList();
                    }
                    if (text.Trim().Length == 0) continue;
                    var record = Parse(text, n, source, options, torn, ref bad, ref badHere);
                    if (record is null) continue;
                    if (options.Namespace != null) record.Namespace = options.Namespace;
                    if (!TryCheck(record, $"Line {n} of {source}", record.Id, out _, out _, out var lineNulls, out var problem))
                    {
                        Bad(problem!, ref bad, ref badHere);
                        continue;
                    }
                    records++;
                    if (lineNulls > 0)
                    {
                        nulls += lineNulls;
                        nullRecords++;
                    }
                }
                foreach (var line in torn)
                    Host.WriteWarning($"Line {line} of {source} is a torn record (the backup was interrupted while writing it): skipped. " + options.TornNote);
                summary.TornLines = torn;
                summary.Records = records;
                summary.NullsLeftOut = nulls;
                if (badHere > 0) badSources.Add(source);
                else if (records == 0) Host.WriteWarning($"{source} holds no records: nothing was {options.Done}.");
                else if (nulls > 0) WarnNullsLeftOut(nulls, nullRecords, "of " + source, "are");
            }
            if (bad > 0)
            {
                if (bad > ShownErrors) Host.WriteWarning($"... and {bad - ShownErrors} more invalid line(s) not shown.");
                var where = badSources.Count == 1 ? badSources[0] + " has" : $"{string.Join(", ", badSources)} have";
                var more = sources.Count > 1 ? $" of {(sources.Count == 2 ? "either" : "any")} file" : "";
                throw new VectorOpsException(ErrorIds.InvalidRecordFile, VectorOpsErrorCategory.InvalidData,
                    $"{where} {bad} invalid line(s): nothing{more} was {options.Done}. Fix or remove them and run again.",
                    badSources.Count == 1 ? badSources[0] : string.Join(", ", badSources));
            }

            // Pass 2: the same lines again, sent.
            for (var i = 0; i < sources.Count; i++)
            {
                var (lines, source) = sources[i];
                var summary = summaries[i];
                if (summary.Records == 0) continue;
                Host.WriteVerbose($"{summary.Records:N0} record(s) in {source} checked" +
                                  (summary.TornLines.Count > 0 ? $" ({summary.TornLines.Count} torn line(s) skipped)" : "") +
                                  $"; writing them to {Provider.Name} index '{Provider.Index}'" +
                                  (options.Namespace is null ? "." : $", namespace '{options.Namespace}'."));
                var tornSet = new HashSet<long>(summary.TornLines);
                long n = 0;
                foreach (var text in lines())
                {
                    n++;
                    if (Stop.IsCancellationRequested)
                    {
                        Host.WriteWarning($"Stopped: the records from line {n} of {source} on were not {options.Done}.");
                        return summaries;
                    }
                    if (text.Trim().Length == 0 || tornSet.Contains(n)) continue;
                    VectorRecord record;
                    try
                    {
                        record = RecordJson.ParseLine(text);
                    }
                    catch (Exception ex) when (IsParseError(ex))
                    {
                        throw Changed(n, source, ex.Message, ex);
                    }
                    if (options.Namespace != null) record.Namespace = options.Namespace;
                    if (!TryCheck(record, $"Line {n} of {source}", record.Id, out var ns, out var toWrite, out _, out var problem))
                        throw Changed(n, source, problem!.Message, problem);
                    summary.Sent++;
                    Enqueue(ns, toWrite);
                }
            }
            return summaries;
        }

        /// <summary>Sends what is left in the buffers and waits for every batch. Call once, at the end.</summary>
        public void Complete()
        {
            if (_streamNulls > 0)
            {
                WarnNullsLeftOut(_streamNulls, _streamNullRecords, "of the records that streamed in", "were");
                _streamNulls = 0;
            }
            foreach (var pair in _buffers)
                if (pair.Value.Count > 0) Flush(pair.Key, pair.Value);
            _buffers.Clear();
            _runner.Complete();
        }

        private void WarnNullsLeftOut(long nulls, long records, string of, string verb) =>
            Host.WriteWarning($"{nulls:N0} null metadata value(s) in {records:N0} record(s) {of} {verb} left out of what is written: " +
                              $"{Provider.Name} has no null, so those records have no such field (a filter {{\"field\": {{\"$exists\": false}}}} matches them).");

        private void Enqueue(string ns, VectorRecord record)
        {
            if (!_buffers.TryGetValue(ns, out var list)) _buffers[ns] = list = new List<VectorRecord>(Math.Min(_batchSize, 1024));
            list.Add(record);
            if (list.Count >= _batchSize)
            {
                Flush(ns, list);
                _buffers[ns] = new List<VectorRecord>(Math.Min(_batchSize, 1024));
            }
        }

        /// <summary>
        /// Reads one JSON Lines record that streamed in (line <paramref name="n"/> of <paramref name="source"/>);
        /// a line that is no record is InvalidRecordFile naming the line, the same error a file's line gets.
        /// </summary>
        public static VectorRecord ParseLine(string text, string source, long n)
        {
            try
            {
                return RecordJson.ParseLine(text);
            }
            catch (Exception ex) when (IsParseError(ex))
            {
                throw new VectorOpsException(ErrorIds.InvalidRecordFile, VectorOpsErrorCategory.InvalidData,
                    $"Line {n} of {source} is not a valid record: {ex.Message}", source + ":" + n, ex);
            }
        }

        private VectorRecord? Parse(string text, long n, string source, RecordLinesOptions options, List<long> torn, ref int bad, ref int badHere)
        {
            try
            {
                return RecordJson.ParseLine(text);
            }
            catch (Exception ex) when (IsParseError(ex))
            {
                if (options.SkipTornLines && RestoreRecordsCommand.IsTornJson(text))
                {
                    torn.Add(n);
                    return null;
                }
                Bad(new VectorOpsException(ErrorIds.InvalidRecordFile, VectorOpsErrorCategory.InvalidData,
                    $"Line {n} of {source} is not a valid record: {ex.Message}", source + ":" + n, ex), ref bad, ref badHere);
                return null;
            }
        }

        private void Bad(VectorOpsException ex, ref int bad, ref int badHere)
        {
            bad++;
            badHere++;
            if (bad <= ShownErrors) Report(ex);
        }

        private static VectorOpsException Changed(long n, string source, string why, Exception inner) =>
            // The file changed between the two passes.
            new VectorOpsException(ErrorIds.InvalidRecordFile, VectorOpsErrorCategory.InvalidData,
                $"Line {n} of {source} changed while it was being written and is no longer a valid record: {why}", source + ":" + n, inner);

        internal static bool IsParseError(Exception ex) =>
            ex is JsonException || ex is FormatException || ex is InvalidOperationException || ex is KeyNotFoundException ||
            ex is OverflowException || ex is ArgumentException;

        /// <summary>The lines of a UTF-8 text file (a BOM is honoured), streamed: record files, backups and id files.</summary>
        internal static IEnumerable<string> ReadLines(string path)
        {
            using var reader = new StreamReader(path, new UTF8Encoding(false), true, 1 << 16);
            string? line;
            while ((line = reader.ReadLine()) != null) yield return line;
        }

        private void Flush(string ns, List<VectorRecord> records)
        {
            var m = NewMutation(ns, MutationOperation.Upsert);
            var ids = new List<string>(records.Count);
            foreach (var r in records) ids.Add(r.Id);
            m.Ids = ids;
            m.RequestedCount = records.Count;
            if (!Confirm(m, DescribeBatch(ns, ids), "Upsert records", _runner, "Declined: not written.")) return;
            var provider = Provider;
            _runner.Run(m, ct => provider.UpsertAsync(ns, records, ct));
        }
    }
}
