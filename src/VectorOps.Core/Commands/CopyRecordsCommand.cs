using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using VectorOps.Connections;
using VectorOps.Errors;
using VectorOps.Filtering;
using VectorOps.Hosting;
using VectorOps.Model;
using VectorOps.Providers;

namespace VectorOps.Commands
{
    /// <summary>Options of a copy or move (Copy-/Move-VectorRecord, vectorops copy|move).</summary>
    public sealed class TransferOptions
    {
        /// <summary>The source namespace (null: the source connection's).</summary>
        public string? Namespace { get; set; }

        /// <summary>Only the records matching it (null: every record of the namespace).</summary>
        public MetadataFilter? Filter { get; set; }

        /// <summary>
        /// The destination namespace. Null: the source namespace's name, or, when the source namespace is the source
        /// provider's default one, the destination connection's namespace.
        /// </summary>
        public string? DestinationNamespace { get; set; }

        /// <summary>The resume file (null: none).</summary>
        public string? ResumePath { get; set; }

        /// <summary>Records per upsert; null = the destination's cap.</summary>
        public int? BatchSize { get; set; }

        /// <summary>Upserts (and, for a move, deletes) in flight; null = each provider's default.</summary>
        public int? ThrottleLimit { get; set; }

        /// <summary>Delete from the source what the destination confirmed (a move).</summary>
        public bool Move { get; set; }

        /// <summary>A move's backup of the source records, appended before each delete batch.</summary>
        public string? BackupPath { get; set; }

        /// <summary>A move: skip the count question (never -WhatIf).</summary>
        public bool Force { get; set; }

        /// <summary>How long the verification waits for writes an eventually consistent destination has not applied yet.</summary>
        public TimeSpan VerifyTimeout { get; set; } = TimeSpan.FromSeconds(60);
    }

    public enum TransferStatus
    {
        /// <summary>Every record of the scope is in the destination, verified (and, for a move, deleted from the source).</summary>
        Completed,
        /// <summary>Done, but some records are missing or different in the destination (they stay in the source).</summary>
        CompletedWithErrors,
        /// <summary>-WhatIf: nothing was written anywhere.</summary>
        WhatIf,
        /// <summary>The user said no: nothing was written.</summary>
        Declined,
        /// <summary>Stopped (Ctrl+C) before the end: not verified, nothing deleted; run again with the same resume file.</summary>
        Stopped,
    }

    /// <summary>What a copy or move did.</summary>
    public sealed class TransferSummary
    {
        /// <summary>"Copy" or "Move".</summary>
        public string Operation { get; internal set; } = "Copy";
        public TransferStatus Status { get; internal set; }
        public string Source { get; internal set; } = "";
        public string SourceNamespace { get; internal set; } = "";
        public string Destination { get; internal set; } = "";
        public string DestinationNamespace { get; internal set; } = "";
        public string? Filter { get; internal set; }

        /// <summary>Records in the scope when the run began (counted before asking).</summary>
        public long Matched { get; internal set; }

        /// <summary>Records read (fetched) from the source by this run.</summary>
        public long Read { get; internal set; }

        /// <summary>Records the resume file says an earlier run wrote: neither fetched nor written again.</summary>
        public long AlreadyCopied { get; internal set; }

        /// <summary>Records in the batches the destination accepted in this run.</summary>
        public long Written { get; internal set; }

        /// <summary>Records the destination's rules refused after the first batch (reported one by one), not written.</summary>
        public long Refused { get; internal set; }

        public int FailedBatches { get; internal set; }

        /// <summary>Records of the scope in the source when verified.</summary>
        public long SourceCount { get; internal set; }

        /// <summary>Of those, the records found in the destination.</summary>
        public long DestinationCount { get; internal set; }

        /// <summary>Found in the destination and equal to the source (values, sparse values, metadata).</summary>
        public long Verified { get; internal set; }

        /// <summary>Not found in the destination.</summary>
        public long Missing { get; internal set; }

        /// <summary>Found in the destination but not equal to the source.</summary>
        public long Different { get; internal set; }

        /// <summary>The first ids missing or different (at most <see cref="CopyRecordsCommand.ShownIds"/>).</summary>
        public IReadOnlyList<string> UnverifiedIds { get; internal set; } = Array.Empty<string>();

        /// <summary>A move: records deleted from the source (only ids the destination confirmed).</summary>
        public long Deleted { get; internal set; }

        public string? ResumePath { get; internal set; }

        public override string ToString() =>
            $"{Operation} {Status}: {Matched:N0} in scope, {Read:N0} read, {AlreadyCopied:N0} already copied, {Written:N0} written, " +
            $"{Verified:N0} verified, {Missing:N0} missing, {Different:N0} different" + (Operation == "Move" ? $", {Deleted:N0} deleted from the source" : "");
    }

    /// <summary>
    /// Copies (or moves) the records of a namespace, or of a filter's matches, from one connection to another: any
    /// provider to any provider, the same one included (two store files, another namespace of the same index).
    /// <list type="number">
    /// <item>Checks, before anything is read: namespaces (blank refused; a missing source namespace NamespaceNotFound),
    /// batch size against the destination's cap, the resume file (another job's is refused), the backup path of a move,
    /// and that source and destination are not the same namespace of the same index.</item>
    /// <item>Counts the scope (read only) and asks once, with the count: ShouldProcess; for a move also the count
    /// question unless forced or ShouldProcess prompted. -WhatIf writes the summary only: nothing is written anywhere.</item>
    /// <item>Streams the source (<see cref="VectorCommand.StreamRecords"/>) into the destination's upserts
    /// (<see cref="AddRecordsCommand"/>: batched to the destination's cap and concurrency, paced by its provider, one
    /// mutation per batch). The first batch is checked whole against the destination's rules before the first write
    /// (DestinationMismatch: nothing written). Ids in the resume file are neither fetched nor written; each batch the
    /// destination accepts is appended to it.</item>
    /// <item>Verifies: lists the scope again and fetches each chunk from both sides, comparing them; a missing or
    /// different record is an error naming its id. An eventually consistent destination is given
    /// <see cref="TransferOptions.VerifyTimeout"/> to apply its writes.</item>
    /// <item>A move then deletes from the source exactly the ids the destination confirmed, through
    /// <see cref="RemoveByIdsCommand"/> (its batches, backup, mutations and stop summary).</item>
    /// </list>
    /// </summary>
    public sealed class CopyRecordsCommand : VectorCommand
    {
        /// <summary>How many unverified ids the summary and the errors name one by one.</summary>
        public const int ShownIds = 100;

        private readonly VectorConnection _destination;
        private readonly TransferOptions _options;
        private readonly TransferSummary _summary;
        private readonly string _sourceNamespace;
        private readonly string _destinationNamespace;
        private readonly ResumeJournal? _resume;
        private RemoveByIdsCommand? _remove;

        public CopyRecordsCommand(ICommandHost host, VectorConnection? source, VectorConnection destination, TransferOptions? options = null)
            : base(host, source)
        {
            _destination = destination ?? throw new VectorOpsException(ErrorIds.InvalidArgument, VectorOpsErrorCategory.InvalidArgument,
                "Name the destination connection.", null);
            _options = options ?? new TransferOptions();
            _summary = new TransferSummary
            {
                Operation = _options.Move ? "Move" : "Copy",
                Source = Describe(Provider),
                Destination = Describe(Target),
                Filter = _options.Filter?.Json,
            };
            if (_options.DestinationNamespace != null) RefuseBlankNamespace(_options.DestinationNamespace, "The destination namespace: ");
            _sourceNamespace = ResolveExistingNamespace(_options.Namespace);
            _destinationNamespace = _options.DestinationNamespace ??
                (string.Equals(_sourceNamespace, Provider.DefaultNamespace, StringComparison.Ordinal) ? _destination.Namespace : _sourceNamespace);
            Target.ValidateNamespace(_destinationNamespace);
            _summary.SourceNamespace = _sourceNamespace;
            _summary.DestinationNamespace = _destinationNamespace;
            if (Provider.Name == Target.Name && Provider.Index == Target.Index && Provider.Endpoint == Target.Endpoint &&
                _sourceNamespace == _destinationNamespace)
                throw new VectorOpsException(ErrorIds.SameSourceAndDestination, VectorOpsErrorCategory.InvalidArgument,
                    $"The source and the destination are the same namespace '{_sourceNamespace}' of {Describe(Provider)}: name another destination namespace or connection.",
                    _sourceNamespace);
            var cap = Target.Capabilities.MaxRecordsPerUpsert;
            if (_options.BatchSize is int b && (b < 1 || b > cap))
                throw new VectorOpsException(ErrorIds.InvalidArgument, VectorOpsErrorCategory.InvalidArgument,
                    $"BatchSize must be between 1 and {cap} (the most {Target.Name} accepts in one upsert), not {b}.", b);
            Concurrency(_options.ThrottleLimit);
            if (_options.Move) BackupWriter.Prepare(_options.BackupPath); // a bad backup path stops the move before anything is read
            if (_options.ResumePath != null)
            {
                _resume = ResumeJournal.Open(_options.ResumePath, Key(Provider), _sourceNamespace, _options.Filter?.Json, Key(Target), _destinationNamespace);
                _summary.ResumePath = _resume.Path;
            }
        }

        private IVectorProvider Target => _destination.ProviderInstance;

        /// <summary>What the run did so far.</summary>
        public TransferSummary Summary => _summary;

        /// <summary>The deletes of a move (null before they start): what they did so far, for a host that reports a stop.</summary>
        public RunSummary? DeleteSummary => _remove?.Summary;

        private static string Describe(IVectorProvider p) => $"{p.Name} index '{p.Index}'";

        private static string Key(IVectorProvider p) => $"{p.Name}:{p.Index}@{p.Endpoint}";

        private string Scope => _options.Filter is null ? "" : " matching " + _options.Filter.Json;

        /// <summary>Runs the copy or move and writes its summary (also returned).</summary>
        public TransferSummary Execute()
        {
            try
            {
                return Run();
            }
            finally
            {
                _resume?.Dispose();
            }
        }

        private TransferSummary Run()
        {
            var verb = _options.Move ? "Move" : "Copy";
            var done = _resume?.Done;
            long matched = 0, fromResume = 0;
            foreach (var page in ScopeIds(_sourceNamespace, _options.Filter))
            {
                matched += page.Count;
                if (done != null && done.Count > 0)
                    foreach (var id in page)
                        if (done.Contains(id)) fromResume++;
                Host.WriteProgress(new ProgressInfo(2, "Counting records", $"{matched:N0} found in '{_sourceNamespace}'"));
            }
            Host.WriteProgress(new ProgressInfo(2, "Counting records", "Done") { Completed = true });
            _summary.Matched = matched;
            if (Stop.IsCancellationRequested) return Stopped("while counting the records");
            if (matched == 0)
            {
                Host.WriteWarning($"No record in namespace '{_sourceNamespace}' of {Describe(Provider)}{Scope}: nothing to {verb.ToLowerInvariant()}.");
                _summary.Status = TransferStatus.Completed;
                Host.WriteObject(_summary);
                return _summary;
            }

            var countText = $"{matched:N0} record(s)";
            var resumeText = fromResume > 0 ? $" ({fromResume:N0} already copied by an earlier run, per the resume file)" : "";
            var what = $"{countText}{Scope} in namespace '{_sourceNamespace}' of {Describe(Provider)}{resumeText} to namespace '{_destinationNamespace}' of {Describe(Target)}";
            var mode = Host.ShouldProcessMode;
            var action = _options.Move ? "Move records (copy, verify, then delete from the source what the destination confirmed)" : "Copy records";
            switch (Host.ShouldProcess(what, action))
            {
                case ShouldProcessDecision.WhatIf:
                    _summary.Status = TransferStatus.WhatIf;
                    _summary.AlreadyCopied = fromResume;
                    Host.WriteObject(_summary);
                    return _summary;
                case ShouldProcessDecision.Declined:
                    _summary.Status = TransferStatus.Declined;
                    Host.WriteObject(_summary);
                    return _summary;
            }
            if (_options.Move && !_options.Force && mode != ShouldProcessMode.Prompts &&
                !Host.ShouldContinue($"{what} will be moved: copied, verified, then deleted from the source. Continue?", "Move " + countText))
            {
                _summary.Status = TransferStatus.Declined;
                Host.WriteObject(_summary);
                return _summary;
            }

            Write();
            if (Stop.IsCancellationRequested) return Stopped("while copying");
            Verify();
            if (Stop.IsCancellationRequested) return Stopped("while verifying" + (_options.Move ? " and deleting" : ""));
            _summary.Status = _summary.Missing + _summary.Different > 0 || _summary.FailedBatches > 0 || _summary.Refused > 0
                ? TransferStatus.CompletedWithErrors : TransferStatus.Completed;
            if (_options.Move && _summary.Missing + _summary.Different > 0)
                Host.WriteWarning($"{_summary.Missing + _summary.Different:N0} record(s) the destination did not confirm stay in the source" +
                                  (_options.ResumePath is null ? "; run the move again to retry them." : "; run the move again with the same resume file to retry them."));
            Host.WriteObject(_summary);
            return _summary;
        }

        private TransferSummary Stopped(string when)
        {
            _summary.Status = TransferStatus.Stopped;
            Host.WriteWarning($"{_summary.Operation} stopped {when}: {_summary.Written:N0} record(s) written, nothing verified" +
                              (_options.Move ? $", {_summary.Deleted:N0} deleted from the source" : "") + ". " +
                              (_options.ResumePath is null
                                  ? "Run it again (with -ResumePath / --resume next time, to skip what is written)."
                                  : "Run it again with the same resume file: what was written is not written again."));
            try { Host.WriteObject(_summary); }
            catch (Exception ex) when (!(ex is OutOfMemoryException)) { }
            return _summary;
        }

        // ---------------------------------------------------------------- copy

        private void Write()
        {
            var inner = new ProceedingHost(Host);
            var add = new AddRecordsCommand(inner, _destination, _options.ThrottleLimit, _options.BatchSize);
            add.BatchDone = m =>
            {
                _summary.Written += m.RequestedCount;
                if (_resume != null && m.Ids != null) _resume.Append(m.Ids);
            };
            var first = true;
            var documentsDropped = 0L;
            var keepsDocuments = Target.RecordRules?.Documents ?? false;
            var done = _resume?.Done;
            foreach (var batch in StreamRecords(_sourceNamespace, _options.Filter,
                         done is null || done.Count == 0 ? null : id => done.Contains(id), _ => _summary.AlreadyCopied++))
            {
                _summary.Read += batch.Count;
                var copies = new List<VectorRecord>(batch.Count);
                foreach (var r in batch) copies.Add(Retarget(r));
                if (first && copies.Count > 0)
                {
                    // The destination's rules, checked on the whole first batch before the first write.
                    foreach (var c in copies)
                        if (add.Check(c) is VectorOpsException problem)
                            throw new VectorOpsException(ErrorIds.DestinationMismatch, VectorOpsErrorCategory.InvalidData,
                                $"The records of namespace '{_sourceNamespace}' of {Describe(Provider)} do not fit {Describe(Target)}: {problem.Message} Nothing was written.",
                                c.Id, problem);
                    first = false;
                }
                foreach (var c in copies)
                {
                    if (c.Document != null && !keepsDocuments) documentsDropped++;
                    if (!add.Add(c)) _summary.Refused++;
                }
                Host.WriteProgress(new ProgressInfo(3, "Reading the source", $"{_summary.Read:N0} of {_summary.Matched:N0} record(s) read"));
            }
            Host.WriteProgress(new ProgressInfo(3, "Reading the source", "Done") { Completed = true });
            add.Complete();
            _summary.FailedBatches = add.FailedBatches;
            if (documentsDropped > 0)
                Host.WriteWarning($"{documentsDropped:N0} record(s) carried a document text, which {Describe(Target)} does not keep: their values and metadata were copied without it.");
        }

        private VectorRecord Retarget(VectorRecord r) => new VectorRecord(r.Id)
        {
            Values = r.Values,
            SparseValues = r.SparseValues,
            Metadata = r.Metadata,
            Document = r.Document,
            Namespace = _destinationNamespace,
        };

        // ---------------------------------------------------------------- verify (and a move's deletes)

        private void Verify()
        {
            var cap = Math.Max(1, Math.Min(Provider.Capabilities.MaxIdsPerFetch, Target.Capabilities.MaxIdsPerFetch));
            var deadline = Stopwatch.StartNew();
            var unverified = new List<string>();
            if (_options.Move)
            {
                _remove = new RemoveByIdsCommand(new ProceedingHost(Host), Connection, new RemoveOptions
                {
                    Force = true,
                    ThrottleLimit = _options.ThrottleLimit,
                    BackupPath = _options.BackupPath,
                });
            }
            var chunk = new List<string>(cap);
            foreach (var page in ScopeIds(_sourceNamespace, _options.Filter))
            {
                foreach (var id in page)
                {
                    chunk.Add(id);
                    if (chunk.Count < cap) continue;
                    VerifyChunk(chunk, deadline, unverified);
                    chunk = new List<string>(cap);
                }
                if (Stop.IsCancellationRequested) break;
            }
            if (chunk.Count > 0 && !Stop.IsCancellationRequested) VerifyChunk(chunk, deadline, unverified);
            Host.WriteProgress(new ProgressInfo(4, "Verifying", "Done") { Completed = true });
            _summary.UnverifiedIds = unverified;
            if (_remove != null)
            {
                _remove.Complete();
                _summary.Deleted = _remove.Summary.RecordsDone;
            }
            Host.WriteVerbose($"Verified: {_summary.SourceCount:N0} record(s) of the scope in the source, {_summary.DestinationCount:N0} of them in the destination, " +
                              $"{_summary.Verified:N0} equal, {_summary.Missing:N0} missing, {_summary.Different:N0} different.");
        }

        private void VerifyChunk(List<string> ids, Stopwatch clock, List<string> unverified)
        {
            var source = FetchInOrder(_sourceNamespace, ids);
            var target = Index(FetchInOrder(Target, _destinationNamespace, ids));
            var pending = new List<VectorRecord>();
            foreach (var r in source)
                if (!target.ContainsKey(r.Id)) pending.Add(r);
            // An eventually consistent destination may not have applied the last writes yet: ask again, for a while.
            var delay = TimeSpan.FromMilliseconds(100);
            while (pending.Count > 0 && Target.Capabilities.AsyncMutations && clock.Elapsed < _options.VerifyTimeout && !Stop.IsCancellationRequested)
            {
                Thread.Sleep(delay);
                delay = TimeSpan.FromMilliseconds(Math.Min(2000, delay.TotalMilliseconds * 2));
                foreach (var r in FetchInOrder(Target, _destinationNamespace, pending.Select(p => p.Id).ToList())) target[r.Id] = r;
                pending.RemoveAll(p => target.ContainsKey(p.Id));
            }

            var confirmed = new List<string>(source.Count);
            var storesDocuments = Target.RecordRules?.Documents ?? false;
            foreach (var r in source)
            {
                _summary.SourceCount++;
                if (!target.TryGetValue(r.Id, out var t))
                {
                    _summary.Missing++;
                    Unverified(r.Id, unverified, $"Record '{RecordChecker.Show(r.Id)}' of namespace '{_sourceNamespace}' is not in namespace '{_destinationNamespace}' of {Describe(Target)} after the {_summary.Operation.ToLowerInvariant()}" +
                                                 (_options.Move ? "; it stays in the source." : "."));
                    continue;
                }
                _summary.DestinationCount++;
                var why = Difference(r, t, storesDocuments);
                if (why != null)
                {
                    _summary.Different++;
                    Unverified(r.Id, unverified, $"Record '{RecordChecker.Show(r.Id)}' in namespace '{_destinationNamespace}' of {Describe(Target)} differs from the source: {why}" +
                                                 (_options.Move ? " It stays in the source." : ""));
                    continue;
                }
                _summary.Verified++;
                confirmed.Add(r.Id);
            }
            Host.WriteProgress(new ProgressInfo(4, "Verifying", $"{_summary.SourceCount:N0} of {_summary.Matched:N0} record(s) checked, {_summary.Verified:N0} equal"));
            if (_remove != null && confirmed.Count > 0) _remove.Add(confirmed, _sourceNamespace);
        }

        private void Unverified(string id, List<string> unverified, string message)
        {
            if (unverified.Count < ShownIds) unverified.Add(id);
            if (_summary.Missing + _summary.Different <= ShownErrors)
                Report(new VectorOpsException(ErrorIds.RecordNotFound, VectorOpsErrorCategory.InvalidResult, message, id));
        }

        private static Dictionary<string, VectorRecord> Index(IReadOnlyList<VectorRecord> records)
        {
            var d = new Dictionary<string, VectorRecord>(records.Count, StringComparer.Ordinal);
            foreach (var r in records) d[r.Id] = r;
            return d;
        }

        // ---------------------------------------------------------------- comparison

        /// <summary>
        /// Why the destination's record is not the source's, or null when it is: dense and sparse values equal within
        /// float precision (stores keep 32-bit floats), metadata equal as data (numbers by value, key order ignored, a
        /// null left out by a store without null the same as absent), the document where the destination keeps one.
        /// </summary>
        internal static string? Difference(VectorRecord source, VectorRecord target, bool compareDocuments)
        {
            if (!SameFloats(source.Values, target.Values))
                return $"dense values ({source.Values?.Length ?? 0} in the source, {target.Values?.Length ?? 0} in the destination, or different numbers).";
            if (source.SparseValues != null || target.SparseValues != null)
            {
                var a = source.SparseValues;
                var b = target.SparseValues;
                if (a is null || b is null || !a.Indices.SequenceEqual(b.Indices) || !SameFloats(a.Values.ToArray(), b.Values.ToArray()))
                    return "sparse values.";
            }
            var ma = Normal(source.Metadata);
            var mb = Normal(target.Metadata);
            if (ma != mb) return $"metadata {Cut(ma)} in the source, {Cut(mb)} in the destination.";
            if (compareDocuments && !string.Equals(source.Document ?? "", target.Document ?? "", StringComparison.Ordinal))
                return "the document text.";
            return null;
        }

        private static string Cut(string s) => s.Length > 200 ? s.Substring(0, 200) + "…" : s;

        private static bool SameFloats(float[]? a, float[]? b)
        {
            if (a is null || b is null) return a is null && b is null;
            if (a.Length != b.Length) return false;
            for (var i = 0; i < a.Length; i++)
            {
                var d = Math.Abs((double)a[i] - b[i]);
                if (d > 1e-6 * Math.Max(1.0, Math.Abs((double)a[i]))) return false;
            }
            return true;
        }

        /// <summary>Metadata as comparable text: keys sorted, nulls left out, numbers by value, lists in order.</summary>
        private static string Normal(IDictionary<string, object?>? md)
        {
            var sb = new StringBuilder();
            AppendObject(sb, md?.Select(p => (p.Key, p.Value)));
            return sb.ToString();
        }

        private static void AppendObject(StringBuilder sb, IEnumerable<(string Key, object? Value)>? entries)
        {
            sb.Append('{');
            if (entries != null)
                foreach (var (key, value) in entries.Where(e => e.Value != null).OrderBy(e => e.Key, StringComparer.Ordinal))
                {
                    sb.Append('"').Append(key).Append("\":");
                    AppendValue(sb, value);
                    sb.Append(',');
                }
            sb.Append('}');
        }

        private static void AppendValue(StringBuilder sb, object? v)
        {
            switch (v)
            {
                case null: sb.Append("null"); break;
                case string s: sb.Append('"').Append(s).Append('"'); break;
                case bool b: sb.Append(b ? "true" : "false"); break;
                case DateTime dt: sb.Append('"').Append(dt.ToString("o", CultureInfo.InvariantCulture)).Append('"'); break;
                case DateTimeOffset dto: sb.Append('"').Append(dto.ToString("o", CultureInfo.InvariantCulture)).Append('"'); break;
                case IDictionary<string, object?> d: AppendObject(sb, d.Select(p => (p.Key, p.Value))); break;
                case IDictionary d:
                    AppendObject(sb, d.Cast<DictionaryEntry>().Select(e => (Convert.ToString(e.Key, CultureInfo.InvariantCulture) ?? "", (object?)e.Value)));
                    break;
                case IEnumerable list:
                    sb.Append('[');
                    foreach (var item in list)
                    {
                        AppendValue(sb, item);
                        sb.Append(',');
                    }
                    sb.Append(']');
                    break;
                case IConvertible c when IsNumber(v):
                    sb.Append(c.ToDouble(CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture));
                    break;
                default: sb.Append('"').Append(Convert.ToString(v, CultureInfo.InvariantCulture)).Append('"'); break;
            }
        }

        private static bool IsNumber(object v) =>
            v is int || v is long || v is short || v is byte || v is sbyte || v is ushort || v is uint || v is ulong ||
            v is float || v is double || v is decimal;
    }
}
