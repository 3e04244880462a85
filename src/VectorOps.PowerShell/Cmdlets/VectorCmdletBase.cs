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
        internal CmdletHost CommandHost => _host ??= new CmdletHost(this, () => ForceRequested, _stop.Token);

        protected CancellationToken StopToken => _stop.Token;

        protected override void StopProcessing()
        {
            try { _stop.Cancel(); }
            catch (ObjectDisposedException) { }
            base.StopProcessing();
        }

        /// <summary>Throws a core exception as a terminating error with its own id, category and target.</summary>
        protected void Terminate(VectorOpsException exception) => ThrowTerminatingError(HostDecisions.ToErrorRecord(exception));

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
            _stop.Dispose();
            GC.SuppressFinalize(this);
        }
    }
}
