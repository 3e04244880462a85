using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using VectorOps.Commands;
using VectorOps.Model;

namespace VectorOps.PowerShell.Hosting
{
    /// <summary>
    /// The text a cmdlet shows when its pipeline is stopped (Ctrl+C), built from the run's <see cref="RunSummary"/>:
    /// what was deleted, what failed, what was never sent, what ended after the stop (not in the output), how much of
    /// the piped input was read, and how to resume. Plain functions, so they are tested without an engine.
    /// </summary>
    internal static class StopReport
    {
        private const int ShownIds = 5;

        /// <summary>How a stop is named: by the user (Ctrl+C, or a host's Stop), or by a later command that ended the pipeline.</summary>
        public static string Cause(bool byUser) =>
            byUser ? "was stopped (Ctrl+C)" : "was stopped by a later command of the pipeline (such as Select-Object -First)";

        /// <summary>
        /// True when a stop found nothing sent, failed or left to send: then there is nothing to report. Asked only of
        /// a stop the user did not ask for (a later command ended the pipeline).
        /// </summary>
        public static bool NothingToReport(RunSummary? summary, IReadOnlyList<VectorMutation> notWritten) =>
            notWritten.Count == 0 &&
            (summary is null || (summary.BatchesDone == 0 && summary.BatchesFailed == 0 && summary.BatchesNotSent == 0));

        public static IReadOnlyList<string> RemoveLines(RunSummary? summary, IReadOnlyList<VectorMutation> notWritten, bool scoped,
            bool piped, long inputs, string? lastInput, string? failure, bool byUser = true)
        {
            var lines = new List<string>();
            Keep(summary, notWritten);
            lines.Add("Remove-VectorRecord " + Cause(byUser) + ": " + (summary is null ? "no batch had been sent" : summary.Describe()) + ".");
            if (AfterStop(notWritten) is string after) lines.Add(after);
            if (failure != null) lines.Add("Ending the run after the stop failed: " + failure);
            if (piped)
                lines.Add(string.Format(CultureInfo.InvariantCulture,
                    "{0:N0} input object(s) were read from the pipeline{1}; what came after them was not read.",
                    inputs, lastInput is null ? "" : ", the last " + lastInput));

            var retry = summary?.ToRetry ?? new VectorMutation[0];
            long retryIds = retry.Sum(m => (long)(m.Ids?.Count ?? 0));
            if (scoped)
            {
                var where = new List<string>();
                if (summary != null && summary.NamespacesStopped.Count > 0) where.Add("stopped in " + Names(summary.NamespacesStopped));
                if (summary != null && summary.NamespacesNotReached.Count > 0) where.Add("not reached: " + Names(summary.NamespacesNotReached));
                lines.Add("To finish, run the same command again: it deletes what still matches" +
                          (where.Count > 0 ? " (" + string.Join("; ", where) + ")" : "") + "." +
                          (retry.Count > 0 ? string.Format(CultureInfo.InvariantCulture,
                              " The {0:N0} batch(es) not sent or failed ({1:N0} id(s)) are in $VectorOpsStopped.", retry.Count, retryIds) : ""));
            }
            else
            {
                var parts = new List<string>();
                if (retry.Count > 0)
                    parts.Add(string.Format(CultureInfo.InvariantCulture,
                        "$VectorOpsStopped | Remove-VectorRecord sends again exactly the {0:N0} batch(es) not sent or failed ({1:N0} id(s))",
                        retry.Count, retryIds));
                if (piped)
                    parts.Add(string.Format(CultureInfo.InvariantCulture,
                        "<the same input> | Select-Object -Skip {0} | Remove-VectorRecord <the same parameters> sends the input not read", inputs));
                lines.Add(parts.Count == 0 ? "Nothing is left to send." : "To resume: " + string.Join("; then ", parts) + ".");
            }
            return lines;
        }

        public static IReadOnlyList<string> ClearLines(RunSummary? summary, IReadOnlyList<VectorMutation> notWritten,
            IReadOnlyList<string> cleared, IReadOnlyList<string> notCleared, bool piped, long inputs, string? failure, bool byUser = true)
        {
            var lines = new List<string>();
            Keep(summary, notWritten);
            lines.Add("Clear-VectorNamespace " + Cause(byUser) + ": " + (summary is null ? "no batch had been sent" : summary.Describe()) + ".");
            if (AfterStop(notWritten) is string after) lines.Add(after);
            if (failure != null) lines.Add("Ending the run after the stop failed: " + failure);
            lines.Add("Cleared: " + (cleared.Count == 0 ? "none" : Names(cleared)) + ". Not cleared (or not wholly): " +
                      (notCleared.Count == 0 ? "none" : Names(notCleared)) + ".");
            if (piped)
                lines.Add(string.Format(CultureInfo.InvariantCulture,
                    "{0:N0} input object(s) were read from the pipeline; what came after them was not read.", inputs));
            var parts = new List<string>();
            if (notCleared.Count > 0) parts.Add("$VectorOpsStopped | Clear-VectorNamespace clears the namespaces not cleared");
            if (piped)
                parts.Add(string.Format(CultureInfo.InvariantCulture,
                    "<the same input> | Select-Object -Skip {0} | Clear-VectorNamespace <the same parameters> for the input not read", inputs));
            lines.Add(parts.Count == 0 ? "Nothing is left to clear." : "To resume: " + string.Join("; then ", parts) + ".");
            return lines;
        }

        /// <summary>Copies the mutations the host could not write into the summary, once each (a stop may hold thousands).</summary>
        private static void Keep(RunSummary? summary, IReadOnlyList<VectorMutation> notWritten)
        {
            if (summary is null) return;
            var kept = new HashSet<VectorMutation>(summary.NotWritten);
            foreach (var m in notWritten)
                if (kept.Add(m)) summary.NotWritten.Add(m);
        }

        /// <summary>The batches that ended after the stop (done, yet not in the output), or null when there are none.</summary>
        private static string? AfterStop(IReadOnlyList<VectorMutation> notWritten)
        {
            var done = notWritten.Where(m => m.Status == MutationStatus.Completed || m.Status == MutationStatus.Acknowledged).ToList();
            if (done.Count == 0) return null;
            var ids = done.Where(m => m.Ids != null).SelectMany(m => m.Ids!).ToList();
            var shown = ids.Count == 0 ? "" : ": " + string.Join(", ", ids.Take(ShownIds)) + (ids.Count > ShownIds ? $", … (+{ids.Count - ShownIds:N0} more)" : "");
            return string.Format(CultureInfo.InvariantCulture,
                "{0:N0} of the batches done ended after the stop and are not in the output: {1:N0} record(s) deleted in {2}{3} " +
                "(all of them: $Error[0].TargetObject.NotWritten).",
                done.Count, done.Sum(m => m.RequestedCount), Names(done.Select(m => m.Namespace ?? "").Distinct().ToList()), shown);
        }

        /// <summary>The last input object, short: an id (and how many more it held) or a mutation.</summary>
        public static string? DescribeInput(object? input)
        {
            switch (input)
            {
                case null: return null;
                case string s: return "'" + s + "'";
                case VectorMutation m: return "the mutation " + m;
                case IList list when list.Count == 1: return DescribeInput(list[0]);
                case IList list when list.Count > 1:
                    return DescribeInput(list[0]) + string.Format(CultureInfo.InvariantCulture, " (+{0:N0} more)", list.Count - 1);
                default: return input.ToString();
            }
        }

        private static string Names(IEnumerable<string> names) => string.Join(", ", names.Select(n => "'" + n + "'"));
    }
}
