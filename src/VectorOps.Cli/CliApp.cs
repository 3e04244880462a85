using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using VectorOps.Errors;

namespace VectorOps.Cli
{
    /// <summary>Entry point logic: help, parsing, Ctrl+C, running a command, and the exit code.</summary>
    internal static class CliApp
    {
        public const int ExitOk = 0;
        public const int ExitIncomplete = 1;
        public const int ExitBadInput = 2;

        public static int Run(string[] args, CliConsole console)
        {
            try
            {
                return RunCore(args, console);
            }
            finally
            {
                try
                {
                    console.Out.Flush();
                }
                catch (IOException)
                {
                    // stdout was closed by its reader.
                }
            }
        }

        private static int RunCore(string[] args, CliConsole console)
        {
            // System.CommandLine parses (CliSyntax, built from CommandTable); help, --version and the [suggest]
            // directive are its actions; everything else is checked against the CLI's rules and run here.
            var syntax = CliSyntax.Current;
            var result = syntax.Parse(args);
            if (CliSyntax.HasOwnAction(result)) return result.Invoke(CliSyntax.Invocation(console));

            if (args.Length == 0) console.Error.Write(CommandTable.GeneralHelp());
            ParsedCommand command;
            try
            {
                command = syntax.Read(result, args);
            }
            catch (VectorOpsException ex)
            {
                return Fail(console, ex.ErrorId, ex.Message);
            }

            var spec = command.Spec;
            if (spec.Name == "help")
            {
                if (command.Argument is null)
                {
                    console.Out.Write(CommandTable.GeneralHelp());
                    return ExitOk;
                }
                var about = CommandTable.FindAny(command.Argument);
                if (about != null)
                    console.Out.Write(CommandTable.CommandHelp(about));
                else if (CommandTable.Commands.Any(c => c.Name.StartsWith(command.Argument + " ", StringComparison.Ordinal)))
                    console.Out.Write(CommandTable.GroupHelp(command.Argument));
                else
                    return Fail(console, CliSyntax.UnknownCommand(command.Argument));
                return ExitOk;
            }
            if (spec.Name == "completion")
            {
                var script = command.Argument is null ? null : CompletionScripts.For(command.Argument);
                if (script is null)
                    return Fail(console, ErrorIds.InvalidArgument,
                        $"Name the shell: vectorops completion {string.Join("|", CompletionScripts.Shells)}.");
                console.Out.Write(script);
                return ExitOk;
            }
            var options = command.Options;

            var settings = new HostSettings
            {
                Json = options.Has("json"),
                WhatIf = options.Has("what-if"),
                Yes = options.Has("yes"),
                Verbose = options.Has("verbose"),
                Debug = options.Has("debug"),
                Progress = options.Has("progress"),
            };
            var output = new OutputWriter(console.Out, settings.Json, flushEach: console.OutputIsTerminal);
            var host = new CliHost(console, output, settings);

            // First Ctrl+C: stop gracefully (the host's token). Second: let the runtime end the process.
            ConsoleCancelEventHandler onCancel = (sender, e) =>
            {
                if (host.Stopped) return;
                e.Cancel = true;
                host.RequestStop();
            };
            Console.CancelKeyPress += onCancel;
            try
            {
                Handlers.Run(spec.Name, new CommandContext(console, host, options));
            }
            catch (VectorOpsException ex) when (ex.ErrorId == ErrorIds.BackupPathNotWritable && host.Tally.Sent == 0)
            {
                // A backup file that cannot be written stops the command before any delete: bad input (exit 2).
                host.WriteFatal(new VectorOpsException(ex.ErrorId, VectorOpsErrorCategory.InvalidArgument, ex.Message, ex.Target, ex));
            }
            catch (VectorOpsException ex) when (host.Tally.Sent == 0 && PointsAtNothing(ex))
            {
                // Nothing answers at the endpoint the options name (connection refused, unknown host) and nothing
                // was sent: a connection setting to fix, like any other bad input (exit 2).
                host.WriteFatal(new VectorOpsException(ex.ErrorId, VectorOpsErrorCategory.InvalidArgument,
                    ex.Message.TrimEnd('.') + ". Nothing was changed; check --index-host / --base-uri.", ex.Target, ex));
            }
            catch (VectorOpsException ex)
            {
                host.WriteFatal(ex);
            }
            catch (OperationCanceledException) when (host.Stopped)
            {
                // Ctrl+C during a read: what was written stands; the exit code says the run was stopped.
            }
            catch (IOException ex) when (IsBrokenPipe(ex))
            {
                // The reader of stdout went away; what was sent is sent.
                host.Tally.OtherErrors++;
            }
            catch (Exception ex)
            {
                host.Tally.OtherErrors++;
                host.WriteInfo($"vectorops: UnexpectedError: {ex.GetType().Name}: {ex.Message}");
                if (settings.Debug) host.WriteInfo(ex.ToString());
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
                host.Finish();
            }
            return ExitCode(host);
        }

        /// <summary>
        /// 2: bad input, or (for confirmed writes) every batch declined so nothing was sent; 1: a batch failed or was
        /// skipped, a wait timed out, the run was stopped, or another error; 0: everything done.
        /// </summary>
        internal static int ExitCode(CliHost host)
        {
            var t = host.Tally;
            // Bad input: 2 when nothing was sent; when input streamed in (standard input) and the good part was
            // sent, some of it was refused: not everything done (1).
            if (t.InputErrors > 0) return t.Sent > 0 ? ExitIncomplete : ExitBadInput;
            if (host.ConfirmWrites && t.Declined > 0 && t.Sent == 0) return ExitBadInput;
            if (t.Failed > 0 || t.Skipped > 0 || t.BatchErrors > 0 || t.OtherErrors > 0 || host.Stopped) return ExitIncomplete;
            return ExitOk;
        }

        /// <summary>
        /// True when a request could not reach any server at all: the connection was refused or the host name does
        /// not resolve. (A timeout or a reset may have reached the service, so those are not bad input.)
        /// </summary>
        internal static bool PointsAtNothing(VectorOpsException ex)
        {
            if (ex.ErrorId != ErrorIds.ProviderUnreachable) return false;
            for (Exception? e = ex.InnerException; e != null; e = e.InnerException)
            {
                if (e is System.Net.Sockets.SocketException s &&
                    (s.SocketErrorCode == System.Net.Sockets.SocketError.ConnectionRefused ||
                     s.SocketErrorCode == System.Net.Sockets.SocketError.HostNotFound ||
                     s.SocketErrorCode == System.Net.Sockets.SocketError.NoData))
                    return true;
                if (e is System.Net.Http.HttpRequestException h &&
                    (h.HttpRequestError == System.Net.Http.HttpRequestError.NameResolutionError))
                    return true;
            }
            return false;
        }

        private static bool IsBrokenPipe(IOException ex) =>
            ex.Message.IndexOf("pipe", StringComparison.OrdinalIgnoreCase) >= 0;

        private static int Fail(CliConsole console, VectorOpsException ex) => Fail(console, ex.ErrorId, ex.Message);

        private static int Fail(CliConsole console, string errorId, string message)
        {
            console.Error.WriteLine($"vectorops: {errorId}: {message}");
            return ExitBadInput;
        }
    }
}
