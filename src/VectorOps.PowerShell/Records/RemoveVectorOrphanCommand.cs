using System.Management.Automation;
using VectorOps.Commands;
using VectorOps.Errors;
using VectorOps.Hosting;
using VectorOps.Model;
using VectorOps.PowerShell.Hosting;
using VectorOps.PowerShell.Input;

namespace VectorOps.PowerShell.Cmdlets
{
    /// <summary>
    /// The orphan sweep: deletes every record of a namespace whose id is not in the keep-list (piped ids, objects
    /// with an Id property, or -KeepPath FILE). The keep ids are collected while the pipeline runs; the sweep runs
    /// once, at the end, as <see cref="OrphanSweepCommand"/> (guards, one count question, -WhatIf, -BackupPath).
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "VectorOrphan", DefaultParameterSetName = KeepIdSet,
        SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(VectorMutation), typeof(VectorMissingRecord))]
    public sealed class RemoveVectorOrphanCommand : VectorCmdletBase
    {
        private const string KeepIdSet = "KeepId";
        private const string KeepPathSet = "KeepPath";

        private OrphanSweepCommand? _sweep;

        /// <summary>Ids to keep: strings from the pipeline, or the Id property of piped objects (Import-Csv rows, records).</summary>
        [Parameter(ParameterSetName = KeepIdSet, Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Id")]
        [AllowEmptyString]
        [AllowEmptyCollection]
        [StringIdentifierTransformation]
        public string[]? KeepId { get; set; }

        /// <summary>A file of ids to keep, one a line (blank lines skipped), taken literally.</summary>
        [Parameter(ParameterSetName = KeepPathSet, Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string? KeepPath { get; set; }

        /// <summary>The namespace to sweep (default: the connection's); never blank.</summary>
        [Parameter]
        [AllowNull]
        [AllowEmptyString]
        [ArgumentCompleter(typeof(NamespaceCompleter))]
        public string? Namespace { get; set; }

        /// <summary>The largest share of the namespace the sweep may delete (0.10 = 10%, the default; 1 allows all).</summary>
        [Parameter]
        [ValidateRange(0.0, 1.0)]
        public double MaxDeleteShare { get; set; } = OrphanSweepCommand.DefaultMaxDeleteShare;

        /// <summary>Also write the keep ids the namespace does not hold, as VectorMissingRecord objects.</summary>
        [Parameter]
        public SwitchParameter ReportMissing { get; set; }

        /// <summary>Skips the count question (never -WhatIf, never an explicit -Confirm).</summary>
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

        protected override void BeginProcessing()
        {
            var options = new RemoveOptions
            {
                Force = Force.IsPresent,
                ThrottleLimit = ThrottleLimit,
                BatchSize = BatchSize,
                BackupPath = BackupPath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(BackupPath),
            };
            _sweep = Guard(() => new OrphanSweepCommand(CommandHost, EffectiveConnection, options, MaxDeleteShare, ReportMissing.IsPresent));
            // The namespace first: a blank or unknown one stops the command before any keep id is read.
            Guard(() => _sweep.CheckNamespace(GivenNamespace(Namespace)));
        }

        protected override void ProcessRecord() => RunStep(() =>
        {
            if (ParameterSetName == KeepPathSet)
            {
                var resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(KeepPath, out var provider, out _);
                if (provider.Name != "FileSystem")
                    Terminate(new VectorOpsException(ErrorIds.InputFileNotFound, VectorOpsErrorCategory.InvalidArgument,
                        $"-KeepPath '{KeepPath}' is not a file system path.", KeepPath));
                Guard(() => _sweep!.AddKeepFile(resolved));
                return;
            }
            if (KeepId is null || KeepId.Length == 0)
            {
                // An empty array binds nothing to keep; a null or empty value is a bad keep id.
                if (KeepId is null) _sweep!.AddKeep((string?)null);
                return;
            }
            _sweep!.AddKeep(KeepId);
        });

        protected override void EndProcessing() => RunStep(() =>
        {
            if (Stopping) return;
            Guard(() => _sweep!.Sweep(GivenNamespace(Namespace)));
            Guard(() => _sweep!.Complete());
        });

        /// <summary>Ctrl+C: what the sweep did, the Failed and not-sent mutations in $VectorOpsStopped.</summary>
        protected override void OnStopped()
        {
            if (_sweep is null) return;
            string? failure = null;
            try
            {
                _sweep.Complete();
            }
            catch (VectorOpsException ex)
            {
                failure = ex.Message;
            }
            var summary = _sweep.Summary;
            if (failure is null && !StoppedByUser &&
                (CommandHost.ShouldProcessMode == ShouldProcessMode.WhatIf || StopReport.NothingToReport(summary, CommandHost.NotWritten))) return;
            var lines = StopReport.RemoveLines(summary, CommandHost.NotWritten, true, false, 0, null, failure, StoppedByUser);
            foreach (var line in lines) WriteStopLine(line);
            RecordStop(System.Linq.Enumerable.ToArray(summary.ToRetry), string.Join(" ", lines), summary);
        }
    }
}
