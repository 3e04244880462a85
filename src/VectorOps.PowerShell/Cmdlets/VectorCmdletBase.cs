using System;
using System.Management.Automation;
using System.Threading;
using VectorOps.Connections;
using VectorOps.Errors;
using VectorOps.PowerShell.Hosting;

namespace VectorOps.PowerShell.Cmdlets
{
    /// <summary>
    /// Base of the VectorOps cmdlets: the -Connection parameter (default: the session's connection from
    /// Connect-VectorIndex), the host adapter the core commands talk to, Ctrl+C handling, and the mapping of the
    /// core's exceptions to terminating errors. Cmdlets stay thin: parameters in, one core command, done.
    /// </summary>
    public abstract class VectorCmdletBase : PSCmdlet, IDisposable
    {
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private CmdletHost? _host;

        /// <summary>The connection to use; by default the one Connect-VectorIndex made the session's default.</summary>
        [Parameter]
        [ValidateNotNull]
        public VectorConnection? Connection { get; set; }

        /// <summary>The connection the command runs against (null lets the core report NotConnected).</summary>
        protected VectorConnection? EffectiveConnection => Connection ?? VectorSession.Current;

        /// <summary>Whether the cmdlet's -Force switch is set (cmdlets with -Force override this).</summary>
        protected virtual bool ForceRequested => false;

        /// <summary>The adapter handed to core commands; internal, so no exported signature names a core interface.</summary>
        internal CmdletHost CommandHost => _host ??= new CmdletHost(this, () => ForceRequested, _stop.Token, ReportsStop ? RequestStop : (Action?)null);

        /// <summary>
        /// Cmdlets that report a stop themselves (<see cref="OnStopped"/>, run through <see cref="RunStep"/>) say so:
        /// their host adapter then holds what the stopping engine no longer takes. Others keep the engine's behaviour.
        /// </summary>
        protected virtual bool ReportsStop => false;

        protected CancellationToken StopToken => _stop.Token;

        /// <summary>The pipeline is stopping (Ctrl+C): StopProcessing was called, or the engine refused a write.</summary>
        /// <remarks>Hides <c>Cmdlet.Stopping</c> on purpose: the engine's flag misses a write it refused.</remarks>
        protected new bool Stopping => _stop.IsCancellationRequested || (_host?.Halted ?? false);

        /// <summary>
        /// A [string] namespace parameter (not taken from the pipeline) as the core takes it: null only when it was
        /// not given (the connection's default is used); given as $null or '' it becomes "", which the core refuses
        /// (EmptyNamespace).
        /// </summary>
        protected string? GivenNamespace(string? value, string parameter = "Namespace") =>
            value ?? (MyInvocation.BoundParameters.ContainsKey(parameter) ? "" : null);

        /// <summary>
        /// A string[] namespace parameter with [StringIdentifierTransformation(NullIsEmpty = true)], as the core takes
        /// it: null when not bound for this record (the default namespace); bound as $null, @() or a null property it
        /// arrives as "" from the transformation. An empty array (only possible without the transformation) is "".
        /// </summary>
        protected static string?[]? GivenNamespaces(string?[]? values)
        {
            if (values is null) return null;
            if (values.Length == 0) return new string?[] { "" };
            if (System.Array.IndexOf(values, null) < 0) return values;
            var copy = (string?[])values.Clone();
            for (var i = 0; i < copy.Length; i++) copy[i] ??= "";
            return copy;
        }

        /// <summary>
        /// True once the engine called StopProcessing (Ctrl+C, PowerShell.Stop()): a stop the user asked for. A later
        /// command that ends the pipeline early (Select-Object -First) also stops this one, but only through its writes.
        /// </summary>
        protected bool StoppedByUser => _stoppedByUser;

        private volatile bool _stoppedByUser;

        /// <summary>Set just before this cmdlet throws its own terminating error: that is not a stop to report.</summary>
        private bool _terminating;

        protected override void StopProcessing()
        {
            _stoppedByUser = true;
            RequestStop();
            base.StopProcessing();
        }

        private void RequestStop()
        {
            try { _stop.Cancel(); }
            catch (ObjectDisposedException) { }
        }

        /// <summary>
        /// Runs the body of ProcessRecord or EndProcessing. When the pipeline is stopping (Ctrl+C) the body's command
        /// runs on as a stopped run (the host adapter holds what the engine no longer takes); then the cmdlet tells
        /// the user what was done and how to resume (<see cref="OnStopped"/>) and the pipeline stops.
        /// </summary>
        protected void RunStep(Action body)
        {
            try
            {
                body();
            }
            catch (PipelineStoppedException)
            {
                // ThrowTerminatingError ends in a PipelineStoppedException too: a bad input is an error, not a stop.
                // So does an error of this cmdlet under -ErrorAction Stop.
                if (_stoppedByUser || !(_terminating || (_host?.StoppedByError ?? false))) ReportStop();
                throw;
            }
            catch (Exception) when (Stopping)
            {
                ReportStop();
                throw new PipelineStoppedException();
            }
            if (Stopping)
            {
                ReportStop();
                throw new PipelineStoppedException();
            }
        }

        /// <summary>
        /// Called once, on the pipeline thread, when the pipeline stopped during this cmdlet (from ProcessRecord, or
        /// from Dispose when the stop came while another command of the pipeline was running): finish the command's
        /// run (no new batch; the ones in flight awaited) and say what was done, what was not, and how to resume.
        /// Writes go through <see cref="WriteStopLine"/> (the host's UI: the pipeline takes no more output).
        /// </summary>
        protected virtual void OnStopped() { }

        private bool _stopReported;

        private void ReportStop()
        {
            if (_stopReported) return;
            _stopReported = true;
            try
            {
                OnStopped();
            }
            catch (Exception ex) when (!(ex is OutOfMemoryException))
            {
                WriteStopLine($"{MyInvocation.MyCommand?.Name} was stopped; its summary could not be completed: {ex.Message}");
            }
        }

        /// <summary>One line of a stop summary, as a warning on the host's UI (WriteWarning no longer works once stopping).</summary>
        protected void WriteStopLine(string message) => CommandHost.WriteHostWarning(message);

        /// <summary>
        /// Keeps what a stopped run leaves to do in the session variable $VectorOpsStopped (global, replaced at each
        /// stop) and puts an OperationStopped error, whose target is <paramref name="summary"/>, first in $Error.
        /// </summary>
        protected void RecordStop(object resume, string message, object summary)
        {
            try
            {
                SessionState.PSVariable.Set("global:VectorOpsStopped", resume);
            }
            catch (Exception ex) when (ex is SessionStateException || ex is PSInvalidOperationException || ex is ArgumentException)
            {
                WriteStopLine("$VectorOpsStopped could not be set: " + ex.Message);
            }
            try
            {
                var error = new VectorOpsException(ErrorIds.OperationStopped, VectorOpsErrorCategory.OperationStopped, message, summary);
                var record = new ErrorRecord(error, ErrorIds.OperationStopped + "," + GetType().FullName, ErrorCategory.OperationStopped, summary);
                if (SessionState.PSVariable.GetValue("global:Error") is System.Collections.ArrayList errors) errors.Insert(0, record);
            }
            catch (Exception ex) when (ex is SessionStateException || ex is PSInvalidOperationException || ex is NotSupportedException)
            {
                WriteStopLine("$Error could not be updated: " + ex.Message);
            }
        }

        /// <summary>Throws a core exception as a terminating error with its own id, category and target.</summary>
        protected void Terminate(VectorOpsException exception)
        {
            _terminating = true;
            ThrowTerminatingError(HostDecisions.ToErrorRecord(exception));
        }

        /// <summary>Runs a step, turning a core exception into a terminating error (bad input, no connection, ...).</summary>
        protected void Guard(Action step)
        {
            try
            {
                step();
            }
            catch (VectorOpsException ex)
            {
                Terminate(ex);
            }
        }

        protected T Guard<T>(Func<T> step)
        {
            try
            {
                return step();
            }
            catch (VectorOpsException ex)
            {
                Terminate(ex);
                throw; // not reached: ThrowTerminatingError always throws
            }
        }

        public void Dispose()
        {
            // Stopped while another command of the pipeline ran: ProcessRecord will not be called again, so the
            // run is finished and reported here (the engine disposes its commands on the pipeline thread).
            if (ReportsStop && Stopping && _host != null) ReportStop();
            _stop.Dispose();
            GC.SuppressFinalize(this);
        }
    }
}
