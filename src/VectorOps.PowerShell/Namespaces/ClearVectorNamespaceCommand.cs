using System.Management.Automation;
using VectorOps.Commands;
using VectorOps.Model;
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

        /// <summary>The namespaces to clear, by name (the default namespace too must be named).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [AllowEmptyString]
        [StringIdentifierTransformation]
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

        protected override void BeginProcessing()
        {
            var backup = BackupPath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(BackupPath);
            _command = Guard(() => new ClearNamespaceCommand(CommandHost, EffectiveConnection, RemoveNamespace.IsPresent, backup, ThrottleLimit));
        }

        protected override void ProcessRecord()
        {
            var command = _command!;
            foreach (var ns in Namespace ?? new string[0])
                Guard(() => command.Clear(ns));
        }

        protected override void EndProcessing()
        {
            if (_command != null) Guard(() => _command.Complete());
        }
    }
}
