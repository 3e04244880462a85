using System;
using System.Management.Automation;
using VectorOps.Commands;
using VectorOps.Model;
using VectorOps.PowerShell.Input;

namespace VectorOps.PowerShell.Cmdlets
{
    /// <summary>
    /// Waits until the provider has applied acknowledged mutations (cloud services that apply writes
    /// asynchronously), then writes them as Completed; mutations still pending at the timeout are written unchanged
    /// with a MutationWaitTimeout error. Mutations that are not Acknowledged pass through.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Wait, "VectorMutation")]
    [OutputType(typeof(VectorMutation))]
    public sealed class WaitVectorMutationCommand : VectorCmdletBase
    {
        private WaitMutationCommand? _command;

        /// <summary>The mutations to wait for (the output of Remove-VectorRecord, Add-VectorRecord, Clear-VectorNamespace).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [ValidateNotNull]
        public VectorMutation[]? InputObject { get; set; }

        /// <summary>How long to wait in all: a TimeSpan or a number of seconds (default 5 minutes).</summary>
        [Parameter]
        [SecondsTransformation]
        public TimeSpan? Timeout { get; set; }

        /// <summary>Time between two polls: a TimeSpan or a number of seconds (default 1 second).</summary>
        [Parameter]
        [SecondsTransformation]
        public TimeSpan? PollInterval { get; set; }

        protected override void BeginProcessing()
        {
            _command = Guard(() =>
            {
                var c = new WaitMutationCommand(CommandHost, EffectiveConnection);
                if (Timeout is TimeSpan t) c.Timeout = t;
                if (PollInterval is TimeSpan p) c.PollInterval = p > TimeSpan.Zero ? p : TimeSpan.FromMilliseconds(100);
                return c;
            });
        }

        protected override void ProcessRecord()
        {
            var command = _command!;
            foreach (var m in InputObject ?? new VectorMutation[0])
                Guard(() => command.Add(m));
        }

        protected override void EndProcessing()
        {
            if (_command != null) Guard(() => _command.Complete());
        }
    }
}
