using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using VectorOps.Errors;
using VectorOps.Hosting;
using VectorOps.Model;

namespace VectorOps.Tests.Local
{
    /// <summary>
    /// An ICommandHost that records everything and answers ShouldProcess / ShouldContinue as told. It also records
    /// any call made from a thread other than the one that created it (the commands' threading contract).
    /// </summary>
    internal sealed class RecordingHost : ICommandHost
    {
        private readonly int _thread = Environment.CurrentManagedThreadId;

        public CancellationTokenSource Stop { get; } = new CancellationTokenSource();
        public CancellationToken CancellationToken => Stop.Token;

        public ShouldProcessDecision Decision { get; set; } = ShouldProcessDecision.Proceed;
        public bool ContinueAnswer { get; set; } = true;

        public List<(string Target, string Action)> ShouldProcessCalls { get; } = new List<(string, string)>();
        public List<(string Query, string Caption)> ShouldContinueCalls { get; } = new List<(string, string)>();
        public List<object> Output { get; } = new List<object>();
        public List<VectorOpsError> Errors { get; } = new List<VectorOpsError>();
        public List<string> Warnings { get; } = new List<string>();
        public List<string> Verbose { get; } = new List<string>();
        public List<string> Debug { get; } = new List<string>();
        public List<ProgressInfo> Progress { get; } = new List<ProgressInfo>();
        public List<string> WrongThreadCalls { get; } = new List<string>();

        public IReadOnlyList<VectorMutation> Mutations => Output.OfType<VectorMutation>().ToList();

        private void Check(string member)
        {
            if (Environment.CurrentManagedThreadId != _thread) WrongThreadCalls.Add(member);
        }

        public ShouldProcessDecision ShouldProcess(string target, string action)
        {
            Check(nameof(ShouldProcess));
            ShouldProcessCalls.Add((target, action));
            return Decision;
        }

        public bool ShouldContinue(string query, string caption)
        {
            Check(nameof(ShouldContinue));
            ShouldContinueCalls.Add((query, caption));
            return ContinueAnswer;
        }

        public void WriteObject(object value) { Check(nameof(WriteObject)); Output.Add(value); }
        public void WriteError(VectorOpsError error) { Check(nameof(WriteError)); Errors.Add(error); }
        public void WriteWarning(string message) { Check(nameof(WriteWarning)); Warnings.Add(message); }
        public void WriteVerbose(string message) { Check(nameof(WriteVerbose)); Verbose.Add(message); }
        public void WriteDebug(string message) { Check(nameof(WriteDebug)); Debug.Add(message); }
        public void WriteProgress(ProgressInfo progress) { Check(nameof(WriteProgress)); Progress.Add(progress); }
    }
}
