using System.Management.Automation;
using VectorOps.Commands;
using VectorOps.Connections;
using VectorOps.Filtering;
using VectorOps.PowerShell.Input;

namespace VectorOps.PowerShell.Cmdlets
{
    /// <summary>
    /// What Copy-VectorRecord and Move-VectorRecord share: the source (-Connection, -Namespace, -Filter), the
    /// destination (-Destination, -DestinationNamespace), -ResumePath, -BatchSize, -ThrottleLimit; one
    /// <see cref="CopyRecordsCommand"/> run in EndProcessing.
    /// </summary>
    public abstract class TransferCmdlet : VectorCmdletBase
    {
        /// <summary>The source namespace (default: the source connection's).</summary>
        [Parameter]
        [AllowNull]
        [AllowEmptyString]
        [ArgumentCompleter(typeof(NamespaceCompleter))]
        public string? Namespace { get; set; }

        /// <summary>Only the records matching this metadata filter (a hashtable or a JSON string).</summary>
        [Parameter]
        [AllowNull]
        [AllowEmptyString]
        public object? Filter { get; set; }

        /// <summary>The connection to write to (Connect-VectorIndex ... -PassThru, or Get-VectorConnection).</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNull]
        public VectorConnection? Destination { get; set; }

        /// <summary>The namespace to write to (default: the source namespace's name; the destination's default for the source's default).</summary>
        [Parameter]
        [AllowNull]
        [AllowEmptyString]
        public string? DestinationNamespace { get; set; }

        /// <summary>A file that records the batches the destination accepted; a rerun with it skips them.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ResumePath { get; set; }

        /// <summary>Records per upsert request (default and maximum: the destination's limit).</summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int? BatchSize { get; set; }

        /// <summary>Most requests in flight at once on each side (default: each provider's).</summary>
        [Parameter]
        [ValidateRange(1, 64)]
        public int? ThrottleLimit { get; set; }

        /// <summary>True for a move.</summary>
        protected abstract bool Moves { get; }

        /// <summary>A move's -BackupPath (null for a copy).</summary>
        protected virtual string? Backup => null;

        private CopyRecordsCommand? _command;

        protected override bool ReportsStop => true;

        protected override void EndProcessing() => RunStep(() =>
        {
            MetadataFilter? filter = null;
            if (MyInvocation.BoundParameters.ContainsKey(nameof(Filter)))
                filter = Guard(() => MetadataFilter.Parse(InputNormalizer.Normalize(Filter)));
            var options = new TransferOptions
            {
                Namespace = GivenNamespace(Namespace),
                Filter = filter,
                DestinationNamespace = GivenNamespace(DestinationNamespace, nameof(DestinationNamespace)),
                ResumePath = ResumePath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(ResumePath),
                BatchSize = BatchSize,
                ThrottleLimit = ThrottleLimit,
                Move = Moves,
                BackupPath = Backup is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(Backup),
                Force = ForceRequested,
            };
            _command = Guard(() => new CopyRecordsCommand(CommandHost, EffectiveConnection, Destination!, options));
            Guard(() => _command.Execute());
        });

        /// <summary>Ctrl+C: the run stops between batches (batches in flight finish); say what was done and how to go on.</summary>
        protected override void OnStopped()
        {
            var s = _command?.Summary;
            if (s is null) return;
            var deletes = _command!.DeleteSummary;
            WriteStopLine($"{s.Operation}-VectorRecord was stopped: {s.Written:N0} record(s) written to the destination" +
                          (deletes is null ? "" : $", {deletes.RecordsDone:N0} deleted from the source") + "; nothing more is sent.");
            WriteStopLine(s.ResumePath is null
                ? "Run it again (add -ResumePath FILE to skip what is written next time); upserts by id write nothing twice."
                : $"Run it again with -ResumePath '{s.ResumePath}': the batches written are not read or written again.");
            RecordStop(s, $"{s.Operation}-VectorRecord was stopped.", s);
        }
    }
}
