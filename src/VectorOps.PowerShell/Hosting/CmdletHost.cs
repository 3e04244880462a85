using System;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Threading;
using VectorOps.Errors;
using VectorOps.Hosting;

namespace VectorOps.PowerShell.Hosting
{
    /// <summary>
    /// Adapts a running cmdlet to the command layer's <see cref="ICommandHost"/>. Internal (and never named by a
    /// public type's signature) so that PowerShell can scan the module's exported types before VectorOps.Core is
    /// resolvable. Every member is called on the pipeline thread (the command layer's threading contract).
    /// </summary>
    internal sealed class CmdletHost : ICommandHost
    {
        private readonly PSCmdlet _cmdlet;
        private readonly Func<bool> _force;
        private readonly CancellationToken _token;
        private bool _yesToAll;
        private bool _noToAll;

        public CmdletHost(PSCmdlet cmdlet, Func<bool> force, CancellationToken token)
        {
            _cmdlet = cmdlet;
            _force = force;
            _token = token;
        }

        public CancellationToken CancellationToken => _token;

        public ShouldProcessDecision ShouldProcess(string target, string action)
        {
            var bound = _cmdlet.MyInvocation.BoundParameters;
            var confirmBound = bound.ContainsKey("Confirm");
            var whatIfBound = bound.TryGetValue("WhatIf", out var whatIfValue);
            var whatIf = HostDecisions.IsWhatIfInEffect(whatIfBound, whatIfValue,
                whatIfBound ? null : _cmdlet.GetVariableValue("WhatIfPreference"));
            if (HostDecisions.ForceSkipsShouldProcess(_force(), confirmBound, whatIf))
                return ShouldProcessDecision.Proceed;

            var texts = HostDecisions.ShouldProcessTexts(target, action);
            bool approved;
            ShouldProcessReason reason;
            try
            {
                approved = _cmdlet.ShouldProcess(texts.Description, texts.Warning, texts.Caption, out reason);
            }
            catch (Exception ex) when (ex is HostException || ex is PSInvalidOperationException)
            {
                // The host cannot prompt (pwsh -NonInteractive): refuse clearly instead of guessing yes.
                throw ConfirmationImpossible(ex, target, "add -Confirm:$false (or -Force where the cmdlet has it)");
            }
            return HostDecisions.FromShouldProcess(approved, reason);
        }

        public bool ShouldContinue(string query, string caption)
        {
            try
            {
                return _cmdlet.ShouldContinue(query, caption, ref _yesToAll, ref _noToAll);
            }
            catch (Exception ex) when (ex is HostException || ex is PSInvalidOperationException)
            {
                // Asked for deletes whose reach the data decides; -Confirm:$false does not answer it, -Force does.
                throw ConfirmationImpossible(ex, caption, "add -Force (this question, about how many records will go, is asked even with -Confirm:$false)");
            }
        }

        public void WriteObject(object value) => _cmdlet.WriteObject(value);

        public void WriteError(VectorOpsError error) => _cmdlet.WriteError(HostDecisions.ToErrorRecord(error));

        public void WriteWarning(string message) => _cmdlet.WriteWarning(message);

        public void WriteVerbose(string message) => _cmdlet.WriteVerbose(message);

        public void WriteDebug(string message) => _cmdlet.WriteDebug(message);

        public void WriteProgress(ProgressInfo progress)
        {
            var record = new ProgressRecord(progress.ActivityId, progress.Activity, progress.StatusDescription)
            {
                PercentComplete = progress.PercentComplete,
                RecordType = progress.Completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
            };
            if (progress.CurrentOperation != null) record.CurrentOperation = progress.CurrentOperation;
            _cmdlet.WriteProgress(record);
        }

        private static VectorOpsPromptException ConfirmationImpossible(Exception inner, string target, string howToConfirm) =>
            new VectorOpsPromptException(
                "Confirmation is required but this host cannot prompt (for example pwsh -NonInteractive). Nothing was changed. " +
                "Run it interactively, or confirm in the command: " + howToConfirm + ".",
                target, inner);
    }

    /// <summary>Raised when a prompt is needed and the host cannot show one; the cmdlet turns it into a terminating error.</summary>
    internal sealed class VectorOpsPromptException : VectorOpsException
    {
        public VectorOpsPromptException(string message, object? target, Exception inner)
            : base(ErrorIds.ConfirmationRequired, VectorOpsErrorCategory.PermissionDenied, message, target, inner) { }
    }
}
