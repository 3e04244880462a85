using System.Management.Automation;
using VectorOps.Commands;

namespace VectorOps.PowerShell.Cmdlets
{
    /// <summary>
    /// Copy-VectorRecord, verified, then a delete from the source of exactly the ids the destination confirmed (by id,
    /// with -BackupPath). ConfirmImpact High: asks once, with the count, unless -Force; -WhatIf writes nothing anywhere.
    /// </summary>
    [Cmdlet(VerbsCommon.Move, "VectorRecord", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(TransferSummary), typeof(Model.VectorMutation))]
    public sealed class MoveVectorRecordCommand : TransferCmdlet
    {
        /// <summary>A JSON Lines file the source records are appended to (and flushed) before their batch is deleted.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? BackupPath { get; set; }

        /// <summary>Skips the confirmation questions (never -WhatIf, never an explicit -Confirm).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override bool ForceRequested => Force.IsPresent;

        protected override bool Moves => true;

        protected override string? Backup => BackupPath;
    }
}
