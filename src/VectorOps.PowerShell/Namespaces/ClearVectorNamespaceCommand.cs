using System.Collections.Generic;
using System.Linq;
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
    /// Deletes every record of one or more namespaces (with -RemoveNamespace the namespace too). ConfirmImpact High:
    /// PowerShell asks before each namespace unless -Force or -Confirm:$false is given; -WhatIf sends nothing.
    /// </summary>
    [Cmdlet(VerbsCommon.Clear, "VectorNamespace", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(VectorMutation))]
    public sealed class ClearVectorNamespaceCommand : VectorCmdletBase
    {
        private ClearNamespaceCommand? _command;
        private readonly List<string> _handed = new List<string>();
        private string?[] _names = new string?[0];
        private int _next;
        private long _inputs;

        /// <summary>The namespaces to clear, by name (the default namespace too must be named).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        [AllowEmptyString]
        [AllowEmptyCollection]
        [StringIdentifierTransformation(NullIsEmpty = true)]
        [ArgumentCompleter(typeof(NamespaceCompleter))]
        public string[]? Namespace { get; set; }

        /// <summary>Also removes the namespace itself, where the provider has namespace objects.</summary>
        [Parameter]
        public SwitchParameter RemoveNamespace { get; set; }

        /// <summary>Skips the confirmation prompt (never -WhatIf, never an explicit -Confirm).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>A JSON Lines file the records are appended to (and flushed) before they are deleted.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? BackupPath { get; set; }

        /// <summary>Most delete requests in flight at once when clearing with a backup (default: the provider's).</summary>
        [Parameter]
        [ValidateRange(1, 64)]
        public int? ThrottleLimit { get; set; }

        protected override bool ForceRequested => Force.IsPresent;

        protected override bool ReportsStop => true;

        protected override void BeginProcessing()
        {
            var backup = BackupPath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(BackupPath);
            _command = Guard(() => new ClearNamespaceCommand(CommandHost, EffectiveConnection, RemoveNamespace.IsPresent, backup, ThrottleLimit));
        }

        protected override void ProcessRecord() => RunStep(() =>
        {
            _inputs++;
            var command = _command!;
            // A piped object whose Namespace is $null or '' is an error (EmptyNamespace), never silently nothing.
            var names = GivenNamespaces(Namespace) ?? new string?[] { "" };
            // This input's namespaces from _next on are not cleared yet (a stop reports them, whatever interrupts).
            _names = names;
            _next = 0;
            for (var i = 0; i < names.Length; i++)
            {
                if (Stopping) break;
                var ns = names[i];
                Guard(() => command.Clear(ns));
                if (ns is { Length: > 0 }) _handed.Add(ns);
                _next = i + 1;
            }
        });

        protected override void EndProcessing() => RunStep(() =>
        {
            if (_command != null) Guard(() => _command.Complete());
        });

        /// <summary>
        /// Ctrl+C: the run ends as a stopped run, then the user is told which namespaces were cleared and which were
        /// not (or not wholly); those are kept in $VectorOpsStopped, which pipes back into Clear-VectorNamespace.
        /// </summary>
        protected override void OnStopped()
        {
            string? failure = null;
            try
            {
                _command?.Complete();
            }
            catch (VectorOpsException ex)
            {
                failure = ex.Message;
            }
            var summary = _command?.Summary;
            var notCleared = new List<string>();
            void Add(string? ns)
            {
                if (!string.IsNullOrEmpty(ns) && !notCleared.Contains(ns!)) notCleared.Add(ns!);
            }
            for (var j = _next; j < _names.Length; j++) Add(_names[j]);
            if (summary != null)
            {
                foreach (var m in summary.ToRetry) Add(m.Namespace);
                foreach (var ns in summary.NamespacesStopped) Add(ns);
                foreach (var ns in summary.NamespacesNotReached) Add(ns);
            }
            // In the order they were given.
            var order = _handed.Concat(_names).ToList();
            notCleared = notCleared.OrderBy(n => order.IndexOf(n) is var i && i >= 0 ? i : int.MaxValue).ToList();
            var cleared = _handed.Where(n => !notCleared.Contains(n)).Distinct().ToList();
            // A -WhatIf run cut short by a later command (Select-Object -First) cleared nothing and leaves nothing to do.
            if (!StoppedByUser && failure is null && CommandHost.ShouldProcessMode == ShouldProcessMode.WhatIf) return;
            var lines = StopReport.ClearLines(summary, CommandHost.NotWritten, cleared, notCleared, MyInvocation.ExpectingInput, _inputs, failure, StoppedByUser);
            foreach (var line in lines) WriteStopLine(line);
            RecordStop(notCleared.ToArray(), string.Join(" ", lines), (object?)summary ?? "stopped before any namespace was cleared");
        }
    }
}
