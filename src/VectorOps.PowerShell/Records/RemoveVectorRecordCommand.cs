using System.Management.Automation;
using VectorOps.Commands;
using VectorOps.Errors;
using VectorOps.Filtering;
using VectorOps.Hosting;
using VectorOps.Model;
using VectorOps.PowerShell.Hosting;
using VectorOps.PowerShell.Input;

namespace VectorOps.PowerShell.Cmdlets
{
    /// <summary>
    /// Deletes records by id (streamed from the pipeline into batches), by metadata filter, or by id prefix, and
    /// retries failed batches from their mutation objects. Writes one VectorMutation per batch.
    /// </summary>
    /// <remarks>
    /// Pipeline binding: a string binds -Id by value (set Id); an object with an Id (or VectorId, Key, RecordId)
    /// property binds -Id by property name together with its Namespace (set Record: VectorRecord objects from
    /// Get-VectorRecord do); a VectorMutation binds -InputObject. Other objects are refused by the Id
    /// transformation instead of being turned into strings, so they never become ids.
    /// Why two sets for -Id, and -Namespace by property name only in the Record set: when the default set is the
    /// only one that takes a mandatory parameter by property name, PowerShell latches onto it before the first
    /// input arrives, so a piped VectorMutation (whose Namespace property bound -Namespace) never reached
    /// -InputObject and failed with InputObjectMissingMandatory. And a parameter taken by property name in every set
    /// binds first and settles the set on the default one, so a record's Id was never tried by name. With both
    /// by-name bindings in a set of their own, each input finds its set (Stop-Process's Name set plays that part).
    /// Checked on PowerShell 7.6 by tests/Pester/VectorOps.Module.Tests.ps1.
    /// </remarks>
    [Cmdlet(VerbsCommon.Remove, "VectorRecord", DefaultParameterSetName = IdSet,
        SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(VectorMutation))]
    public sealed class RemoveVectorRecordCommand : VectorCmdletBase
    {
        private const string IdSet = "Id";
        private const string RecordSet = "Record";
        private const string InputObjectSet = "InputObject";
        private const string FilterSet = "Filter";
        private const string PrefixSet = "Prefix";
        private const string IdPathSet = "IdPath";
        private const string AgeSet = "Age";

        private RemoveByIdsCommand? _byIds;
        private ScopedDeleteCommand? _scoped;
        private long _inputs;
        private object? _lastInput;

        /// <summary>Ids of the records to delete.</summary>
        [Parameter(ParameterSetName = IdSet, Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [Parameter(ParameterSetName = RecordSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("VectorId", "Key", "RecordId")]
        [AllowEmptyString]
        [StringIdentifierTransformation]
        public string[]? Id { get; set; }

        /// <summary>
        /// A file of ids, one a line (blank lines skipped), taken literally (no wildcards). Read twice, streaming:
        /// every line is checked first, and one bad line means nothing is deleted; then the ids are sent.
        /// </summary>
        [Parameter(ParameterSetName = IdPathSet, Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string? IdPath { get; set; }

        /// <summary>Mutations of an earlier run (Failed, Skipped or WhatIf): their ids are deleted again, exactly.</summary>
        [Parameter(ParameterSetName = InputObjectSet, Mandatory = true, ValueFromPipeline = true)]
        [ValidateNotNull]
        public VectorMutation[]? InputObject { get; set; }

        /// <summary>A metadata filter: a hashtable or a JSON object string in the filter language ($eq, $in, $and...).</summary>
        [Parameter(ParameterSetName = FilterSet, Mandatory = true)]
        [AllowNull]
        [AllowEmptyString]
        public object? Filter { get; set; }

        /// <summary>Deletes the records whose id starts with this prefix.</summary>
        [Parameter(ParameterSetName = PrefixSet, Mandatory = true)]
        [AllowNull]
        [AllowEmptyString]
        public string? Prefix { get; set; }

        /// <summary>
        /// Deletes the records whose date field (-DateField, a Unix time number) is older than this age: sugar over
        /// -Filter @{ FIELD = @{ '$lt' = now - age } }. A TimeSpan, or the CLI's forms '30d', '12h', '90m'.
        /// </summary>
        [Parameter(ParameterSetName = AgeSet, Mandatory = true)]
        [AgeTransformation]
        public System.TimeSpan OlderThan { get; set; }

        /// <summary>The metadata field holding each record's date as a Unix time number (seconds, or see -DateUnit).</summary>
        [Parameter(ParameterSetName = AgeSet, Mandatory = true)]
        [AllowNull]
        [AllowEmptyString]
        public string? DateField { get; set; }

        /// <summary>Whether -DateField holds Unix seconds (the default) or milliseconds.</summary>
        /// <remarks>
        /// A string, not the core's DateUnit enum: a field of an enum type from the core makes the runtime load the
        /// core while laying out this class, before the module's load context is installed, so the import fails.
        /// </remarks>
        [Parameter(ParameterSetName = AgeSet)]
        [ValidateSet("Seconds", "Milliseconds")]
        public string DateUnit { get; set; } = "Seconds";

        /// <summary>
        /// The namespace (default: the connection's). With -Filter or -Prefix, several run one after the other;
        /// with -Id, one per input (records piped in bring their own). With -InputObject a mutation is retried in its
        /// own namespace: the same one may be given (the original command line run again on its failures), another
        /// is refused (NamespaceMismatch) and that mutation is not sent.
        /// </summary>
        [Parameter(ParameterSetName = IdSet)]
        [Parameter(ParameterSetName = RecordSet, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = InputObjectSet)]
        [Parameter(ParameterSetName = FilterSet)]
        [Parameter(ParameterSetName = PrefixSet)]
        [Parameter(ParameterSetName = IdPathSet)]
        [Parameter(ParameterSetName = AgeSet)]
        [StringIdentifierTransformation(NullIsEmpty = true)]
        [ArgumentCompleter(typeof(NamespaceCompleter))]
        public string[]? Namespace { get; set; }

        /// <summary>Skips confirmation prompts (never -WhatIf, never an explicit -Confirm).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Most delete requests in flight at once (default: the provider's).</summary>
        [Parameter]
        [ValidateRange(1, 64)]
        public int? ThrottleLimit { get; set; }

        /// <summary>Ids per delete request (default and maximum: the provider's limit).</summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int? BatchSize { get; set; }

        /// <summary>A JSON Lines file the records are appended to (and flushed) before their batch is deleted.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? BackupPath { get; set; }

        protected override bool ForceRequested => Force.IsPresent;

        protected override bool ReportsStop => true;

        private RemoveOptions Options => new RemoveOptions
        {
            Force = Force.IsPresent,
            ThrottleLimit = ThrottleLimit,
            BatchSize = BatchSize,
            BackupPath = BackupPath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(BackupPath),
        };

        protected override void BeginProcessing()
        {
            // Filter and prefix are checked before any input is read: a bad or empty one stops everything.
            if (ParameterSetName == FilterSet)
            {
                var filter = Guard(() => MetadataFilter.Parse(InputNormalizer.Normalize(Filter)));
                _scoped = Guard(() => new RemoveByFilterCommand(CommandHost, EffectiveConnection, filter, Options));
            }
            else if (ParameterSetName == PrefixSet)
            {
                _scoped = Guard(() => new RemoveByPrefixCommand(CommandHost, EffectiveConnection, Prefix!, Options));
            }
            else if (ParameterSetName == AgeSet)
            {
                var age = Guard(() => AgeFilter.Create(OlderThan, DateField,
                    string.Equals(DateUnit, "Milliseconds", System.StringComparison.OrdinalIgnoreCase) ? VectorOps.Filtering.DateUnit.Milliseconds : VectorOps.Filtering.DateUnit.Seconds,
                    System.DateTimeOffset.UtcNow));
                WriteVerbose($"Deleting the records with {age.Description}: filter {age.Filter.Json}.");
                _scoped = Guard(() => new RemoveByFilterCommand(CommandHost, EffectiveConnection, age, Options));
            }
        }

        /// <summary>
        /// Called once per pipeline record, so once per id when ids are piped: the per-id path of the cmdlet. It
        /// allocates nothing of its own for an input of one id (the step's delegate is made once, the id goes to
        /// the command's one-id overload without a closure around it); the checks are the same for every input.
        /// </summary>
        protected override void ProcessRecord() => RunStep(_process ??= Process);

        private System.Action? _process;

        private void Process()
        {
            _inputs++;
            switch (ParameterSetName)
            {
                case IdSet:
                case RecordSet:
                    var given = Id;
                    _lastInput = given;
                    var ns = SingleNamespace();
                    var ids = ById();
                    // An -Id array given as an argument (not piped) is the whole run: progress is a percentage of it.
                    if (given != null && !MyInvocation.ExpectingInput) ids.ExpectIds(given.Length);
                    try
                    {
                        // One piped string binds as an array of one: the one-id overload makes the same checks.
                        if (given != null && given.Length == 1) ids.Add(given[0], ns);
                        else ids.Add(given, ns);
                    }
                    catch (VectorOpsException ex)
                    {
                        Terminate(ex);
                    }
                    break;
                case IdPathSet:
                    _lastInput = IdPath;
                    var file = IdFile(IdPath!);
                    var fromFile = ById();
                    var fileNamespace = SingleNamespace();
                    Guard(() => fromFile.AddIdFile(file, fileNamespace));
                    break;
                case InputObjectSet:
                    _lastInput = InputObject;
                    var retryNamespace = SingleNamespace();
                    var retry = ById();
                    if (!MyInvocation.ExpectingInput && InputObject != null)
                        foreach (var m in InputObject) retry.ExpectIds(m?.Ids?.Count ?? 0);
                    foreach (var mutation in InputObject ?? new VectorMutation[0])
                    {
                        if (mutation is null) continue;
                        Guard(() => retry.Retry(mutation, retryNamespace));
                    }
                    break;
                default:
                    Guard(() => _scoped!.Execute(GivenNamespaces(Namespace)));
                    break;
            }
        }

        protected override void EndProcessing() => RunStep(() =>
        {
            if (_byIds != null) Guard(() => _byIds.Complete());
            if (_scoped != null) Guard(() => _scoped.Complete());
        });

        /// <summary>
        /// Ctrl+C: the run ends as a stopped run (nothing new sent, batches in flight awaited, the ids read but not
        /// sent reported Skipped), then the user is told what was deleted, what was not sent, and how to resume:
        /// $VectorOpsStopped (the Failed and not-sent mutations) piped back, and for piped input the input records
        /// not read (Select-Object -Skip N); for -Filter and -Prefix, the same command run again.
        /// </summary>
        protected override void OnStopped()
        {
            RunSummary? summary = null;
            string? failure = null;
            try
            {
                if (_byIds != null)
                {
                    _byIds.Complete();
                    summary = _byIds.Summary;
                }
                else if (_scoped != null)
                {
                    _scoped.Complete();
                    summary = _scoped.Summary;
                }
            }
            catch (VectorOpsException ex)
            {
                failure = ex.Message;
                summary = _byIds?.Summary ?? _scoped?.Summary;
            }
            // A stop the user did not ask for (a later command ended the pipeline) that found nothing sent, failed or
            // left to send, or that cut a -WhatIf preview short, has nothing to report.
            if (failure is null && !StoppedByUser &&
                (CommandHost.ShouldProcessMode == ShouldProcessMode.WhatIf || StopReport.NothingToReport(summary, CommandHost.NotWritten))) return;
            var lines = StopReport.RemoveLines(summary, CommandHost.NotWritten, ParameterSetName == FilterSet || ParameterSetName == PrefixSet || ParameterSetName == AgeSet,
                MyInvocation.ExpectingInput, _inputs, StopReport.DescribeInput(_lastInput), failure, StoppedByUser);
            foreach (var line in lines) WriteStopLine(line);
            var resume = summary is null ? new VectorMutation[0] : System.Linq.Enumerable.ToArray(summary.ToRetry);
            RecordStop(resume, string.Join(" ", lines), (object?)summary ?? "stopped before any batch");
        }

        /// <summary>The one id command of this invocation, created at the first input (the set is known by then).</summary>
        private RemoveByIdsCommand ById() => _byIds ??= Guard(() => new RemoveByIdsCommand(CommandHost, EffectiveConnection, Options));

        /// <summary>-IdPath as a file system path, literally (no wildcards); relative to the current location.</summary>
        private string IdFile(string path)
        {
            var resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out var provider, out _);
            if (provider.Name != "FileSystem")
                Terminate(new VectorOpsException(ErrorIds.InputFileNotFound, VectorOpsErrorCategory.InvalidArgument,
                    $"-IdPath '{path}' is not a file system path.", path));
            return resolved;
        }

        private string? SingleNamespace()
        {
            var ns = GivenNamespaces(Namespace);
            if (ns is null) return null;
            if (ns.Length > 1)
                Terminate(new VectorOpsException(ErrorIds.InvalidNamespace, VectorOpsErrorCategory.InvalidArgument,
                    "With -Id give one namespace per input (pipe objects with their own Namespace to delete in several).", ns));
            return ns[0];
        }
    }
}
