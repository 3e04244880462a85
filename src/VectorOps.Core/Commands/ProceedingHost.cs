using System.Threading;
using VectorOps.Errors;
using VectorOps.Hosting;

namespace VectorOps.Commands
{
    /// <summary>
    /// The host handed to the commands a copy or move drives (the destination's upserts, the source's deletes) once
    /// the user has answered the one question of the run: their per-batch ShouldProcess proceeds without asking
    /// again; everything else (output, errors, progress, Ctrl+C) goes to the real host.
    /// </summary>
    internal sealed class ProceedingHost : ICommandHost
    {
        private readonly ICommandHost _host;

        public ProceedingHost(ICommandHost host) => _host = host;

        public CancellationToken CancellationToken => _host.CancellationToken;
        public ShouldProcessMode ShouldProcessMode => ShouldProcessMode.Proceeds;
        public ShouldProcessDecision ShouldProcess(string target, string action) => ShouldProcessDecision.Proceed;
        public bool ShouldContinue(string query, string caption) => true;
        public void WriteObject(object value) => _host.WriteObject(value);
        public void WriteError(VectorOpsError error) => _host.WriteError(error);
        public void WriteWarning(string message) => _host.WriteWarning(message);
        public void WriteVerbose(string message) => _host.WriteVerbose(message);
        public void WriteDebug(string message) => _host.WriteDebug(message);
        public void WriteProgress(ProgressInfo progress) => _host.WriteProgress(progress);
    }
}
