using System.Collections.Generic;
using System.Management.Automation;
using VectorOps.Commands;
using VectorOps.Model;
using VectorOps.PowerShell.Input;

namespace VectorOps.PowerShell.Cmdlets
{
    /// <summary>
    /// Puts back the records of backup files written by -BackupPath (Remove-VectorRecord, Clear-VectorNamespace):
    /// each file is checked in full first (bad lines reported by number, nothing sent), then upserted in batches;
    /// one VectorMutation per batch. Torn lines of an interrupted backup are skipped with a warning.
    /// </summary>
    [Cmdlet(VerbsData.Restore, "VectorRecord", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(VectorMutation))]
    public sealed class RestoreVectorRecordCommand : VectorCmdletBase
    {
        private readonly List<string> _files = new List<string>();

        /// <summary>The backup files (JSON Lines, one record with its namespace per line).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName", "BackupPath")]
        [ValidateNotNullOrEmpty]
        public string[]? Path { get; set; }

        /// <summary>Restores every record into this namespace instead of the one it was backed up from.</summary>
        [Parameter]
        [AllowNull]
        [AllowEmptyString]
        [ArgumentCompleter(typeof(NamespaceCompleter))]
        public string? Namespace { get; set; }

        /// <summary>Most upsert requests in flight at once (default: the provider's).</summary>
        [Parameter]
        [ValidateRange(1, 64)]
        public int? ThrottleLimit { get; set; }

        /// <summary>Records per upsert request (default and maximum: the provider's limit).</summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int? BatchSize { get; set; }

        /// <summary>Collects the files (given, or piped from Get-ChildItem): all are checked before any is restored.</summary>
        protected override void ProcessRecord()
        {
            foreach (var p in Path ?? new string[0])
                _files.Add(SessionState.Path.GetUnresolvedProviderPathFromPSPath(p));
        }

        /// <summary>
        /// Every line of every file is checked first (one bad line anywhere and nothing is restored), then the records
        /// are upserted, streaming.
        /// </summary>
        protected override void EndProcessing()
        {
            if (_files.Count == 0) return;
            var command = Guard(() => new RestoreRecordsCommand(CommandHost, EffectiveConnection, new RestoreOptions
            {
                Namespace = GivenNamespace(Namespace),
                ThrottleLimit = ThrottleLimit,
                BatchSize = BatchSize,
            }));
            Guard(() => command.Restore(_files));
        }
    }
}
