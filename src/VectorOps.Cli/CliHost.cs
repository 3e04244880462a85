using System;
using System.Globalization;
using System.IO;
using System.Threading;
using VectorOps.Errors;
using VectorOps.Hosting;
using VectorOps.Model;

namespace VectorOps.Cli
{
    /// <summary>How the host answers confirmations, from the command line.</summary>
    internal sealed class HostSettings
    {
        public bool Json { get; set; }
        public bool WhatIf { get; set; }
        public bool Yes { get; set; }
        public bool Verbose { get; set; }
        public bool Debug { get; set; }

        /// <summary>Show the progress line even when stderr is not a terminal.</summary>
        public bool Progress { get; set; }
    }

    /// <summary>What happened in a run, to choose the exit code.</summary>
    internal sealed class RunTally
    {
        public int Completed;
        public int Acknowledged;
        public int Failed;
        public int Skipped;
        public int Declined;
        public int StoppedSkips;
        public int WhatIf;
        public long RequestedSent;

        /// <summary>Bad input reported (InvalidArgument, ParserError, InvalidData, ObjectNotFound not tied to a batch).</summary>
        public int InputErrors;

        /// <summary>Errors of a batch (failed request, wait timed out).</summary>
        public int BatchErrors;

        /// <summary>Any other error (connection, provider, unexpected).</summary>
        public int OtherErrors;

        public int Sent => Completed + Acknowledged + Failed;
    }

    /// <summary>
    /// The CLI's ICommandHost: objects to stdout (table or JSON Lines), everything else to stderr; confirmations
    /// from --what-if / --yes or a [y/N/a] prompt when stdin is a terminal; Ctrl+C cancels the token.
    /// Writes to stderr are locked because provider traces (--verbose) may arrive from pool threads.
    /// </summary>
    internal sealed class CliHost : ICommandHost
    {
        private readonly CliConsole _console;
        private readonly OutputWriter _output;
        private readonly HostSettings _settings;
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private readonly object _errGate = new object();
        private readonly ProgressLine _progress;
        private bool _yesToAll;
        private bool _refusalExplained;

        public CliHost(CliConsole console, OutputWriter output, HostSettings settings)
        {
            _console = console;
            _output = output;
            _settings = settings;
            _progress = new ProgressLine(console.Error, settings.Progress || console.ErrorIsTerminal, console.ErrorWidth);
        }

        public RunTally Tally { get; } = new RunTally();

        /// <summary>
        /// True for commands whose writes are confirmed (remove, clear): without --yes they prompt when stdin is a
        /// terminal and are declined otherwise. Upserts (add) proceed unless --what-if.
        /// </summary>
        public bool ConfirmWrites { get; set; }

        public CancellationToken CancellationToken => _stop.Token;

        public bool Stopped => _stop.IsCancellationRequested;

        /// <summary>Stdin can answer a prompt: it is a terminal and is not the data source.</summary>
        public bool CanPrompt => _console.InputIsTerminal && !_console.InputUsedForData;

        /// <summary>Called by the Ctrl+C handler (on another thread).</summary>
        public void RequestStop()
        {
            if (_stop.IsCancellationRequested) return;
            WriteErrLine("Stopping: no new batch will start; batches in flight finish and are reported. Press Ctrl+C again to exit at once.");
            _stop.Cancel();
        }

        /// <summary>--what-if previews; --yes (or "a" answered), or a command whose writes are not confirmed, proceeds; else it asks.</summary>
        public ShouldProcessMode ShouldProcessMode =>
            _settings.WhatIf ? ShouldProcessMode.WhatIf
            : !ConfirmWrites || _settings.Yes || _yesToAll ? ShouldProcessMode.Proceeds
            : ShouldProcessMode.Prompts;

        public ShouldProcessDecision ShouldProcess(string target, string action)
        {
            if (_settings.WhatIf)
            {
                WriteErrLine($"What if: {action} on {target}");
                return ShouldProcessDecision.WhatIf;
            }
            if (!ConfirmWrites || _settings.Yes || _yesToAll) return ShouldProcessDecision.Proceed;
            if (Stopped) return ShouldProcessDecision.Declined;
            if (!CanPrompt)
            {
                ExplainRefusal(action);
                return ShouldProcessDecision.Declined;
            }
            var answer = Ask($"Confirm\n{action} on {target}?\n[y] Yes  [a] Yes to all  [N] No (default): ", allowAll: true);
            if (answer == Answer.All) _yesToAll = true;
            return answer == Answer.No || Stopped ? ShouldProcessDecision.Declined : ShouldProcessDecision.Proceed;
        }

        /// <summary>
        /// The count question of deletes whose reach the data decides (--filter, --prefix). The command asks it only
        /// without --force and when the confirmation (ShouldProcess) did not ask already, with the count: one question
        /// per delete. --yes confirms the batches, not this, as -Confirm:$false does not answer it in PowerShell.
        /// </summary>
        public bool ShouldContinue(string query, string caption)
        {
            if (Stopped) return false;
            if (!CanPrompt)
            {
                ExplainRefusal(caption, "Pass --force to confirm a delete whose reach the data decides (--yes confirms the batches, not this; --what-if previews it).");
                return false;
            }
            return Ask($"{caption}\n{query}\n[y] Yes  [N] No (default): ", allowAll: false) != Answer.No && !Stopped;
        }

        private void ExplainRefusal(string action, string howToConfirm = "Pass --yes to confirm (or --what-if to preview).")
        {
            if (_refusalExplained) return;
            _refusalExplained = true;
            var why = _console.InputIsTerminal ? "standard input carries the data" : "standard input is not a terminal";
            WriteErrLine($"vectorops: {ErrorIds.DeclinedByUser}: '{action}' needs confirmation and {why}, so nothing was changed. " +
                         howToConfirm);
        }

        private enum Answer { No, Yes, All }

        private Answer Ask(string prompt, bool allowAll)
        {
            _output.Flush();
            lock (_errGate)
            {
                _progress.Clear();
                _console.Error.Write(prompt);
                _console.Error.Flush();
            }
            var line = _console.ReadAnswer();
            var a = (line ?? "").Trim().ToLowerInvariant();
            if (a == "y" || a == "yes") return Answer.Yes;
            if (allowAll && (a == "a" || a == "all")) return Answer.All;
            return Answer.No;
        }

        public void WriteObject(object value)
        {
            if (value is VectorMutation m) Count(m);
            lock (_errGate)
            {
                _progress.Clear();
                _output.Write(value);
                _progress.Redraw();
            }
        }

        private void Count(VectorMutation m)
        {
            switch (m.Status)
            {
                case MutationStatus.Completed:
                    Tally.Completed++;
                    Tally.RequestedSent += m.RequestedCount;
                    break;
                case MutationStatus.Acknowledged:
                    Tally.Acknowledged++;
                    Tally.RequestedSent += m.RequestedCount;
                    break;
                case MutationStatus.Failed: Tally.Failed++; break;
                case MutationStatus.WhatIf: Tally.WhatIf++; break;
                case MutationStatus.Skipped:
                    Tally.Skipped++;
                    if (m.ErrorId == ErrorIds.DeclinedByUser) Tally.Declined++;
                    else if (m.ErrorId == ErrorIds.OperationStopped) Tally.StoppedSkips++;
                    break;
            }
        }

        public void WriteError(VectorOpsError error)
        {
            var ex = error.Exception as VectorOpsException;
            if (error.Target is VectorMutation || ex?.Mutation != null) Tally.BatchErrors++;
            else if (IsInputCategory(error.Category) || IsSettingError(error.ErrorId)) Tally.InputErrors++;
            else Tally.OtherErrors++;
            WriteErrLine($"vectorops: {error.ErrorId}: {error.Exception.Message}");
            if (_settings.Debug && error.Exception.InnerException != null)
                WriteErrLine("DEBUG: " + error.Exception.InnerException);
        }

        /// <summary>A terminating failure of the whole command.</summary>
        public void WriteFatal(VectorOpsException ex) => WriteError(VectorOpsError.From(ex));

        /// <summary>
        /// Connection settings that are missing or wrong, whatever category a provider gives them (a missing token
        /// may be an AuthenticationError): refused before anything is sent, so bad input (exit 2).
        /// </summary>
        public static bool IsSettingError(string errorId) =>
            errorId == ErrorIds.MissingCredential || errorId == ErrorIds.MissingAccountId || errorId == ErrorIds.InvalidAccountId ||
            errorId == ErrorIds.InsecureEndpoint || errorId == ErrorIds.InvalidEndpoint || errorId == ErrorIds.UnknownProvider ||
            errorId == ErrorIds.InvalidIndexName || errorId == ErrorIds.ProfileExists || errorId == ErrorIds.SecretManagementUnavailable ||
            // An export's or a copy's own files: refused before anything is written (a later failure counts what was sent).
            errorId == ErrorIds.ExportFileExists || errorId == ErrorIds.ExportPathNotWritable || errorId == ErrorIds.ResumePathNotWritable;

        public static bool IsInputCategory(VectorOpsErrorCategory c) =>
            c == VectorOpsErrorCategory.InvalidArgument || c == VectorOpsErrorCategory.ParserError ||
            c == VectorOpsErrorCategory.InvalidData || c == VectorOpsErrorCategory.ObjectNotFound ||
            c == VectorOpsErrorCategory.SecurityError; // e.g. InsecureEndpoint: refused before anything was sent

        public void WriteWarning(string message) => WriteErrLine("WARNING: " + message);

        public void WriteVerbose(string message)
        {
            if (_settings.Verbose || _settings.Debug) WriteErrLine("VERBOSE: " + message);
        }

        public void WriteDebug(string message)
        {
            if (_settings.Debug) WriteErrLine("DEBUG: " + message);
        }

        public void WriteProgress(ProgressInfo progress)
        {
            lock (_errGate) _progress.Update(progress);
        }

        /// <summary>Plain information for people (summaries, hints): stderr, so stdout stays data.</summary>
        public void WriteInfo(string message) => WriteErrLine(message);

        private void WriteErrLine(string message)
        {
            lock (_errGate)
            {
                _progress.Clear();
                _console.Error.WriteLine(message);
                _progress.Redraw();
            }
        }

        /// <summary>Ends the run: clears the progress line and flushes stdout.</summary>
        public void Finish()
        {
            lock (_errGate)
            {
                _progress.Update(new ProgressInfo(0, "", "") { Completed = true });
                _progress.Clear();
            }
            try
            {
                _output.Flush();
            }
            catch (IOException)
            {
                // stdout closed early (e.g. piped into head): nothing more to say there.
            }
        }

        /// <summary>
        /// One line on stderr, rewritten in place (\r), at most ten times a second. Other text clears it first and
        /// draws it again after, so it stays the last line.
        /// </summary>
        private sealed class ProgressLine
        {
            private readonly TextWriter _err;
            private readonly bool _enabled;
            private readonly int _width;
            private int _shown;
            private string? _text;
            private DateTime _last = DateTime.MinValue;

            public ProgressLine(TextWriter err, bool enabled, int width)
            {
                _err = err;
                _enabled = enabled;
                _width = Math.Max(20, width - 1);
            }

            public void Update(ProgressInfo p)
            {
                if (!_enabled) return;
                if (p.Completed)
                {
                    Clear();
                    _text = null;
                    return;
                }
                // The percentage first, so a narrow terminal cuts the detail, not it.
                var text = p.Activity + ": " +
                           (p.PercentComplete >= 0 ? p.PercentComplete.ToString(CultureInfo.InvariantCulture) + "% " : "") +
                           p.StatusDescription;
                if (!string.IsNullOrEmpty(p.CurrentOperation)) text += " (" + p.CurrentOperation + ")";
                if (text.Length > _width) text = text.Substring(0, _width);
                _text = text;
                var now = DateTime.UtcNow;
                if ((now - _last).TotalMilliseconds < 100) return;
                _last = now;
                Draw();
            }

            private void Draw()
            {
                if (_text is null) return;
                var line = _text.PadRight(_shown);
                _err.Write("\r" + line);
                _shown = line.Length;
            }

            /// <summary>Draws the last state again after other output.</summary>
            public void Redraw()
            {
                if (_enabled && _shown == 0) Draw();
            }

            public void Clear()
            {
                if (_shown == 0) return;
                _err.Write("\r" + new string(' ', _shown) + "\r");
                _shown = 0;
            }
        }
    }
}
