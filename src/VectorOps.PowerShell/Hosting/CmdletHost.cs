using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Threading;
using VectorOps.Errors;
using VectorOps.Hosting;
using VectorOps.Model;

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
        private readonly Action? _requestStop;
        private readonly List<VectorMutation> _notWritten = new List<VectorMutation>();
        private bool _halted;
        private ConfirmImpact? _impact;

        /// <param name="requestStop">
        /// Given by cmdlets that report a stop themselves (Remove-VectorRecord, Clear-VectorNamespace): the adapter then
        /// holds what the stopping engine no longer takes (see <see cref="Halted"/>) and calls this to cancel the run.
        /// Without it, a write during a stop throws PipelineStoppedException as the engine does.
        /// </param>
        public CmdletHost(PSCmdlet cmdlet, Func<bool> force, CancellationToken token, Action? requestStop = null)
        {
            _cmdlet = cmdlet;
            _force = force;
            _token = token;
            _requestStop = requestStop;
        }

        public CancellationToken CancellationToken => _token;

        /// <summary>
        /// The pipeline is stopping (Ctrl+C: StopProcessing, or the engine refused a write because it is stopping).
        /// From then on the engine throws PipelineStoppedException at every write, so this adapter no longer writes
        /// to the pipeline: it keeps the mutations the command still reports (<see cref="NotWritten"/>), shows
        /// warnings through the host's UI, drops verbose and debug lines, and declines every question. The command
        /// thus ends its run as it does in the CLI (nothing new sent, batches in flight awaited, the rest Skipped),
        /// and the cmdlet then tells the user what happened from the run's summary.
        /// </summary>
        public bool Halted => _requestStop != null && (_halted || _token.IsCancellationRequested);

        /// <summary>Mutations reported after the pipeline began stopping: they are not in the output.</summary>
        public IReadOnlyList<VectorMutation> NotWritten => _notWritten;

        /// <summary>This adapter holds writes during a stop (its cmdlet reports stops itself).</summary>
        private bool HoldsWrites => _requestStop != null;

        /// <summary>Called when the engine refused a write because the pipeline is stopping.</summary>
        private void Halt()
        {
            _halted = true;
            _requestStop?.Invoke();
        }

        public ShouldProcessMode ShouldProcessMode
        {
            get
            {
                var bound = _cmdlet.MyInvocation.BoundParameters;
                var confirmBound = bound.TryGetValue("Confirm", out var confirmValue);
                var whatIfBound = bound.TryGetValue("WhatIf", out var whatIfValue);
                var whatIf = HostDecisions.IsWhatIfInEffect(whatIfBound, whatIfValue,
                    whatIfBound ? null : _cmdlet.GetVariableValue("WhatIfPreference"));
                return HostDecisions.ShouldProcessModeOf(_force(), whatIf, confirmBound, confirmValue, Impact,
                    confirmBound ? null : _cmdlet.GetVariableValue("ConfirmPreference"));
            }
        }

        /// <summary>The cmdlet's ConfirmImpact, from its Cmdlet attribute.</summary>
        private ConfirmImpact Impact =>
            _impact ??= (Attribute.GetCustomAttribute(_cmdlet.GetType(), typeof(CmdletAttribute)) as CmdletAttribute)?.ConfirmImpact ?? ConfirmImpact.Medium;

        public ShouldProcessDecision ShouldProcess(string target, string action)
        {
            if (Halted) return ShouldProcessDecision.Declined;
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
            catch (PipelineStoppedException) when (HoldsWrites)
            {
                Halt();
                return ShouldProcessDecision.Declined;
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
            if (Halted) return false;
            try
            {
                return _cmdlet.ShouldContinue(query, caption, ref _yesToAll, ref _noToAll);
            }
            catch (PipelineStoppedException) when (HoldsWrites)
            {
                Halt();
                return false;
            }
            catch (Exception ex) when (ex is HostException || ex is PSInvalidOperationException)
            {
                // Asked for deletes whose reach the data decides; -Confirm:$false does not answer it, -Force does.
                throw ConfirmationImpossible(ex, caption, "add -Force (this question, about how many records will go, is asked even with -Confirm:$false)", query);
            }
        }

        public void WriteObject(object value)
        {
            if (!Halted)
            {
                try
                {
                    _cmdlet.WriteObject(value);
                    return;
                }
                catch (PipelineStoppedException) when (HoldsWrites)
                {
                    Halt();
                }
            }
            if (value is VectorMutation m) _notWritten.Add(m);
        }

        /// <summary>After a stop, a batch's error is not written: its mutation is kept (NotWritten) and in the run's summary.</summary>
        public void WriteError(VectorOpsError error)
        {
            if (Halted) return;
            try
            {
                _cmdlet.WriteError(HostDecisions.ToErrorRecord(error));
            }
            catch (PipelineStoppedException) when (HoldsWrites)
            {
                // Under -ErrorAction Stop the engine turns this very error into a stop: a terminating error that goes
                // up as it is (the batch runner first awaits the batches in flight), not a stop to report.
                if (ErrorsStop())
                {
                    StoppedByError = true;
                    throw;
                }
                Halt();
            }
        }

        /// <summary>An error this adapter wrote stopped the command (-ErrorAction Stop): not a stop to report.</summary>
        public bool StoppedByError { get; private set; }

        /// <summary>The cmdlet's effective ErrorAction is Stop (its -ErrorAction, else $ErrorActionPreference).</summary>
        private bool ErrorsStop()
        {
            var value = _cmdlet.MyInvocation.BoundParameters.TryGetValue("ErrorAction", out var bound)
                ? bound
                : _cmdlet.GetVariableValue("ErrorActionPreference");
            if (value is PSObject wrapped) value = wrapped.BaseObject;
            return value is ActionPreference preference
                ? preference == ActionPreference.Stop
                : string.Equals(value?.ToString(), nameof(ActionPreference.Stop), StringComparison.OrdinalIgnoreCase);
        }

        public void WriteWarning(string message)
        {
            if (!Halted)
            {
                try
                {
                    _cmdlet.WriteWarning(message);
                    return;
                }
                catch (PipelineStoppedException) when (HoldsWrites)
                {
                    Halt();
                }
            }
            WriteHostWarning(message);
        }

        /// <summary>A warning straight to the host's UI: what still reaches the user while the pipeline is stopping.</summary>
        public void WriteHostWarning(string message)
        {
            try
            {
                _cmdlet.Host?.UI?.WriteWarningLine(message);
            }
            catch (Exception ex) when (ex is HostException || ex is PipelineStoppedException || ex is NotImplementedException || ex is System.IO.IOException)
            {
                // No UI to show it on: the summary is also in $Error and $VectorOpsStopped.
            }
        }

        public void WriteVerbose(string message)
        {
            if (Halted) return;
            try { _cmdlet.WriteVerbose(message); }
            catch (PipelineStoppedException) when (HoldsWrites) { Halt(); }
        }

        public void WriteDebug(string message)
        {
            if (Halted) return;
            try { _cmdlet.WriteDebug(message); }
            catch (PipelineStoppedException) when (HoldsWrites) { Halt(); }
        }

        public void WriteProgress(ProgressInfo progress)
        {
            var record = new ProgressRecord(progress.ActivityId, progress.Activity, progress.StatusDescription)
            {
                PercentComplete = progress.PercentComplete,
                RecordType = progress.Completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
            };
            if (progress.CurrentOperation != null) record.CurrentOperation = progress.CurrentOperation;
            if (Halted && !progress.Completed) return;
            try
            {
                // Also after a stop, the record that completes the bar is offered (the engine may refuse it).
                _cmdlet.WriteProgress(record);
            }
            catch (PipelineStoppedException) when (HoldsWrites)
            {
                Halt();
            }
        }

        /// <summary>The refusal names the question that could not be asked (for a count question: how many records), so a
        /// script's log says what confirming would have done.</summary>
        private static VectorOpsPromptException ConfirmationImpossible(Exception inner, string target, string howToConfirm, string? question = null) =>
            new VectorOpsPromptException(
                "Confirmation is required but this host cannot prompt (for example pwsh -NonInteractive). Nothing was changed. " +
                (question is { Length: > 0 } asked ? "The question was: " + asked.TrimEnd() + " " : "") +
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
