using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using VectorOps.Errors;
using VectorOps.Hosting;
using VectorOps.Model;

namespace VectorOps.Tests.Support
{
    /// <summary>
    /// An ICommandHost that records everything a command does and answers prompts as scripted. It also checks the
    /// threading contract: every call must come from the thread that created the host.
    /// </summary>
    public sealed class RecordingHost : ICommandHost
    {
        private readonly int _thread = Environment.CurrentManagedThreadId;
        private readonly CancellationTokenSource _cts = new CancellationTokenSource();

        public ShouldProcessDecision Decision { get; set; } = ShouldProcessDecision.Proceed;
        public bool ContinueAnswer { get; set; } = true;

        /// <summary>What ShouldProcess says it will do; by default derived from <see cref="Decision"/> (WhatIf, else Proceeds).</summary>
        public ShouldProcessMode? Mode { get; set; }

        public ShouldProcessMode ShouldProcessMode =>
            Mode ?? (Decision == ShouldProcessDecision.WhatIf ? ShouldProcessMode.WhatIf : ShouldProcessMode.Proceeds);

        /// <summary>Called on each WriteObject (e.g. to cancel after the Nth output).</summary>
        public Action<RecordingHost, object>? OnWrite { get; set; }

        public List<object> Output { get; } = new List<object>();
        public List<VectorOpsError> Errors { get; } = new List<VectorOpsError>();
        public List<string> Warnings { get; } = new List<string>();
        public List<string> Verbose { get; } = new List<string>();
        public List<string> Debug { get; } = new List<string>();
        public List<ProgressInfo> Progress { get; } = new List<ProgressInfo>();
        public List<(string Target, string Action)> ShouldProcessCalls { get; } = new List<(string, string)>();
        public List<(string Query, string Caption)> ShouldContinueCalls { get; } = new List<(string, string)>();
        public List<string> ThreadViolations { get; } = new List<string>();

        public CancellationToken CancellationToken => _cts.Token;

        public void Cancel() => _cts.Cancel();

        public IEnumerable<VectorMutation> Mutations => Output.OfType<VectorMutation>();

        public ShouldProcessDecision ShouldProcess(string target, string action)
        {
            Check(nameof(ShouldProcess));
            ShouldProcessCalls.Add((target, action));
            OnShouldProcess?.Invoke();
            return Decision;
        }

        /// <summary>Called on each ShouldProcess, before it answers (e.g. to change the data between a listing and a delete).</summary>
        public Action? OnShouldProcess { get; set; }

        public bool ShouldContinue(string query, string caption)
        {
            Check(nameof(ShouldContinue));
            ShouldContinueCalls.Add((query, caption));
            return ContinueAnswer;
        }

        public void WriteObject(object value)
        {
            Check(nameof(WriteObject));
            Output.Add(value);
            OnWrite?.Invoke(this, value);
        }

        public void WriteError(VectorOpsError error) { Check(nameof(WriteError)); Errors.Add(error); }
        public void WriteWarning(string message) { Check(nameof(WriteWarning)); Warnings.Add(message); }
        public void WriteVerbose(string message) { Check(nameof(WriteVerbose)); Verbose.Add(message); }
        public void WriteDebug(string message) { Check(nameof(WriteDebug)); Debug.Add(message); }
        public void WriteProgress(ProgressInfo progress) { Check(nameof(WriteProgress)); Progress.Add(progress); }

        /// <summary>Every text the host received, for secret scans.</summary>
        public IEnumerable<string> AllText()
        {
            foreach (var o in Output) yield return Describe(o);
            foreach (var e in Errors)
            {
                yield return e.ToString();
                yield return e.Exception.ToString();
                yield return Describe(e.Target);
            }
            foreach (var s in Warnings.Concat(Verbose).Concat(Debug)) yield return s;
            foreach (var p in Progress) yield return p.Activity + " " + p.StatusDescription + " " + p.CurrentOperation;
            foreach (var c in ShouldProcessCalls) yield return c.Target + " " + c.Action;
            foreach (var c in ShouldContinueCalls) yield return c.Query + " " + c.Caption;
        }

        private static string Describe(object? o) => o is null ? "" :
            string.Join("|", o.GetType().GetProperties().Where(p => p.GetIndexParameters().Length == 0)
                .Select(p => p.Name + "=" + Flatten(p.GetValue(o))));

        private static string Flatten(object? v) => v is System.Collections.IEnumerable e && !(v is string)
            ? string.Join(",", e.Cast<object?>().Select(x => x?.ToString()))
            : v?.ToString() ?? "";

        private void Check(string member)
        {
            if (Environment.CurrentManagedThreadId != _thread)
                lock (ThreadViolations) ThreadViolations.Add(member + " on thread " + Environment.CurrentManagedThreadId);
        }
    }
}
