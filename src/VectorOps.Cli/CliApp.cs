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
            if (args.Length == 0)
            {
                console.Error.Write(CommandTable.GeneralHelp());
                return Fail(console, ErrorIds.UnknownCommand, "No command given. Run 'vectorops help'.");
            }

            args = CommandTable.JoinSubcommand(args);
            if (args[0].StartsWith("--", StringComparison.Ordinal) && args[0] != "--help" && args[0] != "--version")
            {
                try
                {
                    var moved = ArgumentParser.HoistGlobalOptions(args, CommandTable.Global, CommandTable.Find);
                    if (moved.Count == 0)
                        return Fail(console, ErrorIds.UnknownCommand, "No command given after the options. Run 'vectorops help'.");
                    args = moved.ToArray();
                }
                catch (VectorOpsException ex)
                {
                    return Fail(console, ex.ErrorId, ex.Message);
                }
            }

            var first = args[0];
            if (first == "help" || first == "--help" || first == "-h" || first == "-?")
            {
                if (args.Length > 1)
                {
                    var about = CommandTable.Find(args[1]);
                    if (about is null) return UnknownCommand(console, args[1]);
                    console.Out.Write(CommandTable.CommandHelp(about));
                    return ExitOk;
                }
                console.Out.Write(CommandTable.GeneralHelp());
                return ExitOk;
            }
            if (first == "--version")
            {
                console.Out.WriteLine("vectorops " + CommandTable.Version);
                return ExitOk;
            }

            var spec = CommandTable.Find(first);
            if (spec is null) return UnknownCommand(console, first);
            var rest = args.Skip(1).ToList();
            if (ArgumentParser.WantsHelp(spec, rest))
            {
                console.Out.Write(CommandTable.CommandHelp(spec));
                return ExitOk;
            }

            ParsedOptions options;
            try
            {
                options = ArgumentParser.Parse(spec, rest, CommandTable.Commands);
            }
            catch (VectorOpsException ex)
            {
                return Fail(console, ex.ErrorId, ex.Message);
            }

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

        private static int UnknownCommand(CliConsole console, string name)
        {
            if (name == "profile")
                return Fail(console, ErrorIds.UnknownCommand, "'profile' takes a subcommand: vectorops profile save|list|remove [options]. Run 'vectorops help profile save'.");
            if (name.StartsWith("-", StringComparison.Ordinal))
                return Fail(console, ErrorIds.UnknownCommand,
                    "Expected a command, not an option: vectorops COMMAND [options]. Commands: " + string.Join(", ", CommandTable.Commands.Select(c => c.Name)) + ", help.");
            var suggestion = ArgumentParser.Closest(name, CommandTable.Commands.Select(c => c.Name).Concat(new[] { "help" }));
            var hint = suggestion is null ? "" : $" Did you mean '{suggestion}'?";
            var shown = name.Length > 40 ? "" : $" '{name}'";
            return Fail(console, ErrorIds.UnknownCommand,
                $"Unknown command{shown}.{hint} Commands: {string.Join(", ", CommandTable.Commands.Select(c => c.Name))}, help.");
        }

        private static int Fail(CliConsole console, string errorId, string message)
        {
            console.Error.WriteLine($"vectorops: {errorId}: {message}");
            return ExitBadInput;
        }
    }
}
