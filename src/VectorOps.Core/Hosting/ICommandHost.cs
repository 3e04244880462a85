using System.Threading;
using VectorOps.Errors;

namespace VectorOps.Hosting
{
    public enum ShouldProcessDecision
    {
        /// <summary>Go ahead.</summary>
        Proceed,
        /// <summary>The user said no (or the host cannot ask and was not told yes).</summary>
        Declined,
        /// <summary>-WhatIf / --what-if: describe, send nothing.</summary>
        WhatIf,
    }

    /// <summary>What <see cref="ICommandHost.ShouldProcess"/> will do when it is called, known before calling it.</summary>
    public enum ShouldProcessMode
    {
        /// <summary>It answers Proceed without asking (-Confirm:$false, -Force, --yes, or an impact under $ConfirmPreference).</summary>
        Proceeds,
        /// <summary>It asks the user (-Confirm, an impact at or over $ConfirmPreference, the CLI without --yes).</summary>
        Prompts,
        /// <summary>It answers WhatIf (-WhatIf, $WhatIfPreference, --what-if), whatever -Force says.</summary>
        WhatIf,
    }

    /// <summary>Progress as plain data; the PowerShell host maps it to ProgressRecord, the CLI to stderr.</summary>
    public sealed class ProgressInfo
    {
        public ProgressInfo(int activityId, string activity, string status)
        {
            ActivityId = activityId;
            Activity = activity;
            StatusDescription = status;
        }

        public int ActivityId { get; }
        public string Activity { get; }
        public string StatusDescription { get; }
        public string? CurrentOperation { get; set; }

        /// <summary>0-100, or -1 when the total is unknown.</summary>
        public int PercentComplete { get; set; } = -1;

        public bool Completed { get; set; }
    }

    /// <summary>
    /// What a command needs from whoever runs it: a cmdlet (PowerShell), the CLI, or a test's recording host.
    /// Contract: commands call these members only on the thread that called the command (the pipeline thread);
    /// work running in parallel hands its results back to that thread first.
    /// </summary>
    public interface ICommandHost
    {
        /// <summary>Signalled by Ctrl+C / StopProcessing: no new batch starts; batches in flight finish.</summary>
        CancellationToken CancellationToken { get; }

        /// <summary>Asks whether to perform <paramref name="action"/> on <paramref name="target"/> (honours -WhatIf and -Confirm).</summary>
        ShouldProcessDecision ShouldProcess(string target, string action);

        /// <summary>
        /// What ShouldProcess will do, so that a command asks one question per delete: a delete whose reach the data
        /// decides counts its matches first when ShouldProcess will prompt or preview (the question, and the What-if
        /// text, carry the count), and asks ShouldContinue only when ShouldProcess will not prompt.
        /// </summary>
        ShouldProcessMode ShouldProcessMode { get; }

        /// <summary>Asks an extra question for extra risk; commands call it only when -Force was not given.</summary>
        bool ShouldContinue(string query, string caption);

        void WriteObject(object value);
        void WriteError(VectorOpsError error);
        void WriteWarning(string message);
        void WriteVerbose(string message);
        void WriteDebug(string message);
        void WriteProgress(ProgressInfo progress);
    }
}
