using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using VectorOps.Commands;
using VectorOps.Connections;
using VectorOps.Errors;
using VectorOps.Filtering;
using VectorOps.Model;

namespace VectorOps.Cli
{
    /// <summary>
    /// One handler per command: checks what can be checked without a connection, connects, validates the whole
    /// input (streaming), and only then drives the Core command. Bad input therefore never sends anything.
    /// </summary>
    internal static class Handlers
    {
        public static void Run(string command, CommandContext c)
        {
            switch (command)
            {
                case "remove": Remove(c); break;
                case "clear": Clear(c); break;
                case "sweep": Sweep(c); break;
                case "get": Get(c); break;
                case "namespaces": Namespaces(c); break;
                case "add": Add(c); break;
                case "restore": Restore(c); break;
                case "export": Export(c); break;
                case "copy": Transfer(c, move: false); break;
                case "move": Transfer(c, move: true); break;
                case "wait": Wait(c); break;
                case "stats": Stats(c); break;
                case CommandTable.ProfileSave: ProfileHandlers.Save(c); break;
                case CommandTable.ProfileList: ProfileHandlers.List(c); break;
                case CommandTable.ProfileRemove: ProfileHandlers.Remove(c); break;
                default: throw new InvalidOperationException("No handler for " + command);
            }
        }

        // ---------------------------------------------------------------- remove

        private static void Remove(CommandContext c)
        {
            var o = c.Options;
            var byIds = o.Has("id") || o.Has("ids-from");
            var byFilter = o.Has("filter") || o.Has("filter-file");
            var byPrefix = o.Has("prefix");
            var retry = o.Has("retry-from");
            var byAge = o.Has("older-than");
            var modes = (byIds ? 1 : 0) + (byFilter ? 1 : 0) + (byPrefix ? 1 : 0) + (retry ? 1 : 0) + (byAge ? 1 : 0);
            if (modes == 0)
                throw Input(ErrorIds.InvalidArgument,
                    "Say what to delete: --id ID, --ids-from FILE, --filter JSON, --prefix P, --older-than AGE --date-field F or --retry-from FILE. Run 'vectorops remove --help'.", null);
            if (modes > 1)
                throw Input(ErrorIds.InvalidArgument,
                    "Choose one way to select what to delete: --id/--ids-from, --filter, --prefix, --older-than or --retry-from.", null);
            if (!byAge && (o.Has("date-field") || o.Has("date-unit")))
                throw Input(ErrorIds.InvalidArgument, "--date-field and --date-unit go with --older-than.", o.Has("date-field") ? "--date-field" : "--date-unit");
            if (!(byFilter || byPrefix || byAge)) c.SingleNamespace();

            // Checks that need no connection: bad input never even opens the store.
            var age = byAge ? AgeCleanup(c) : null;
            var filter = byFilter ? c.Filter() : null;
            var prefix = o.Value("prefix");
            if (byPrefix && string.IsNullOrWhiteSpace(prefix))
                throw Input(ErrorIds.InvalidPrefix,
                    "The id prefix is empty. An empty prefix would match every record, so it is refused; to delete a whole namespace use 'vectorops clear --namespace NS'.",
                    prefix);
            var options = new RemoveOptions
            {
                Force = o.Has("force"),
                ThrottleLimit = o.Int("throttle", 1),
                BatchSize = o.Int("batch-size", 1),
                BackupPath = o.Value("backup"),
            };
            c.Host.ConfirmWrites = true;

            if (byIds) RemoveByIds(c, options);
            else if (retry) RetryFrom(c, options);
            else
            {
                using var connection = c.Connect();
                ScopedDeleteCommand cmd = age != null
                    ? new RemoveByFilterCommand(c.Host, connection, age, options)
                    : filter != null
                    ? new RemoveByFilterCommand(c.Host, connection, filter, options)
                    : new RemoveByPrefixCommand(c.Host, connection, prefix!, options);
                var namespaces = o.Values("namespace");
                cmd.Execute(namespaces.Count == 0 ? null : namespaces.Distinct(StringComparer.Ordinal).Cast<string?>());
                cmd.Complete();
                Summary(c);
            }
        }

        /// <summary>--older-than AGE --date-field F [--date-unit s|ms] as the age filter (checked before connecting).</summary>
        private static AgeFilter AgeCleanup(CommandContext c)
        {
            var o = c.Options;
            var age = AgeFilter.ParseAge(o.Value("older-than"));
            if (!o.Has("date-field"))
                throw Input(ErrorIds.InvalidDateField, "--older-than needs --date-field F: the metadata field holding each record's date as a Unix time number.", null);
            var unitText = o.Value("date-unit") ?? "s";
            DateUnit unit;
            switch (unitText.Trim().ToLowerInvariant())
            {
                case "s": case "sec": case "seconds": unit = DateUnit.Seconds; break;
                case "ms": case "milliseconds": unit = DateUnit.Milliseconds; break;
                default:
                    throw Input(ErrorIds.InvalidAge, $"--date-unit takes s (Unix seconds) or ms (Unix milliseconds), not '{unitText}'.", unitText);
            }
            var filter = AgeFilter.Create(age, o.Value("date-field"), unit, DateTimeOffset.UtcNow);
            c.Host.WriteVerbose($"Age cleanup: the records with {filter.Description}; filter {filter.Filter.Json}.");
            return filter;
        }

        // ---------------------------------------------------------------- sweep

        /// <summary>
        /// The orphan sweep: the keep ids (--keep-id values, --keep-from FILE or stdin) are read and checked whole
        /// before anything is listed; one bad keep id and nothing is deleted (exit 2). The guards and the one count
        /// question are the command's (OrphanSweepCommand).
        /// </summary>
        private static void Sweep(CommandContext c)
        {
            var o = c.Options;
            var host = c.Host;
            if (!o.Has("keep-from") && !o.Has("keep-id"))
                throw Input(ErrorIds.EmptyKeepList,
                    "Give the ids to keep: --keep-from FILE (or - for stdin) or --keep-id ID. A sweep deletes every other record of the namespace.", null);
            var ns = c.SingleNamespace();
            var share = OrphanSweepCommand.DefaultMaxDeleteShare;
            if (o.Value("max-delete-share") is string shareText &&
                (!double.TryParse(shareText, NumberStyles.Float, CultureInfo.InvariantCulture, out share) || double.IsNaN(share) || share < 0 || share > 1))
                throw Input(ErrorIds.InvalidArgument, $"--max-delete-share takes a number from 0 to 1 (0.10 = 10% of the namespace; 1 allows all), not '{shareText}'.", shareText);
            var options = new RemoveOptions
            {
                Force = o.Has("force"),
                ThrottleLimit = o.Int("throttle", 1),
                BatchSize = o.Int("batch-size", 1),
                BackupPath = o.Value("backup"),
            };
            host.ConfirmWrites = true;

            using var source = o.Value("keep-from") is string file ? LineSource.Open(file, c.Console, "keep file", "--keep-from") : null;
            using var connection = c.Connect();
            var cmd = new OrphanSweepCommand(host, connection, options, share, o.Has("report-missing"));
            cmd.CheckNamespace(ns); // blank, the provider's rules, and whether the index has it: before any id is read

            foreach (var id in o.Values("keep-id")) cmd.AddKeep(id, "--keep-id: ");
            if (source != null)
            {
                if (source.IsStandardInput && c.Console.InputIsTerminal) host.WriteInfo("Reading the ids to keep from the terminal, one a line; end with Ctrl+D.");
                if (!cmd.AddKeepLines(source.Lines().Select(l => l.Text), source.Name))
                {
                    host.WriteInfo("Stopped while reading the ids to keep: nothing was deleted.");
                    return;
                }
            }
            if (cmd.BadKeepIds > 0)
            {
                if (cmd.BadKeepIds > CommandContext.ShownInputErrors)
                    host.WriteInfo($"vectorops: ... and {cmd.BadKeepIds - CommandContext.ShownInputErrors:N0} more invalid keep id(s) not shown.");
                host.WriteInfo($"vectorops: {cmd.BadKeepIds:N0} invalid keep id(s): nothing was deleted (a sweep needs the whole keep-list).");
                return;
            }
            try
            {
                cmd.Sweep(ns);
            }
            catch (VectorOpsException ex) when (ex.ErrorId == ErrorIds.OrphanShareExceeded || ex.ErrorId == ErrorIds.KeepIdsNotInNamespace)
            {
                // A guard refused the sweep before anything was sent: input to fix (exit 2), like a bad keep id.
                throw new VectorOpsException(ex.ErrorId, VectorOpsErrorCategory.InvalidArgument, ex.Message, ex.Target, ex);
            }
            cmd.Complete();
            Summary(c);
        }

        /// <summary>
        /// Deletes by id. The rule for a bad id among good ones (docs/reliability.md), the same as the cmdlets':
        /// the --id values together are one input (one bad and none of them is sent); an --ids-from FILE is checked
        /// whole before the first request (one bad line and nothing is sent, exit 2); standard input streams in, so
        /// each line is checked on its own: a bad one is refused (named by line), the others are sent (exit 1 when
        /// some were refused and some sent, 2 when nothing was sent).
        /// </summary>
        private static void RemoveByIds(CommandContext c, RemoveOptions options)
        {
            var host = c.Host;
            var ns = c.SingleNamespace();
            var given = c.Options.Values("id");
            var bad = 0;
            foreach (var id in given)
                if (RemoveByIdsCommand.CheckBlankId(id) is VectorOpsException blank) c.ReportInput(blank, "--id: ", ref bad);
            if (c.StopIfInvalid(bad, "nothing was deleted.")) return;

            using var source = c.Options.Value("ids-from") is string file ? LineSource.Open(file, c.Console, "id file", "--ids-from") : null;
            using var connection = c.Connect();
            var cmd = new RemoveByIdsCommand(host, connection, options);
            cmd.CheckNamespace(ns); // blank, the provider's rules, and whether the index has it: before any id is read
            var where = $"namespace '{(string.IsNullOrEmpty(ns) ? connection.Namespace : ns)}' of {connection.Provider} index '{connection.Index}'";

            foreach (var id in given)
                if (cmd.CheckId(id) is VectorOpsException ex) c.ReportInput(ex, "--id: ", ref bad);
            if (c.StopIfInvalid(bad, "nothing was deleted.")) return;

            if (source is null)
            {
                cmd.ExpectIds(given.Count); // progress: a percentage of the ids given
                cmd.Add(given, ns);
            }
            else if (!source.IsStandardInput)
            {
                // A file is checked whole first (streaming), then read again to send.
                var check = cmd.CheckIdLines(source.FirstPass().Select(l => l.Text), source.Name);
                if (check.StoppedAt > 0)
                {
                    host.WriteInfo("Stopped while checking the ids: nothing was deleted.");
                    return;
                }
                if (check.Bad > RemoveByIdsCommand.ShownErrors)
                    host.WriteInfo($"vectorops: ... and {check.Bad - RemoveByIdsCommand.ShownErrors:N0} more invalid line(s) not shown.");
                if (check.Bad > 0)
                {
                    host.WriteInfo($"vectorops: {check.Bad:N0} invalid line(s) in {source.Name}: nothing was deleted.");
                    return;
                }
                var total = given.Count + check.Ids;
                if (total == 0)
                {
                    host.WriteWarning($"{source.Name} holds no ids: nothing to delete.");
                    return;
                }
                host.WriteVerbose($"{total:N0} id(s) checked; deleting from {where}.");
                cmd.ExpectIds(total); // the first pass counted them: progress is a percentage of them
                if (given.Count > 0) cmd.Add(given, ns);
                var stoppedAt = cmd.AddIdLines(source.SecondPass().Select(l => l.Text), ns);
                // Ids already read are always handed over: sent, or reported Skipped when the run was stopped.
                if (stoppedAt > 0)
                    host.WriteInfo($"Stopped: ids from line {stoppedAt} of {source.Name} on were not read (resume with: tail -n +{stoppedAt} FILE).");
            }
            else
            {
                // Standard input streams in: each line is checked as it arrives; a bad one is refused, the others go.
                if (c.Console.InputIsTerminal) host.WriteInfo("Reading ids from the terminal, one a line; end with Ctrl+D.");
                if (given.Count > 0) cmd.Add(given, ns);
                long accepted = 0;
                var refused = 0;
                foreach (var (text, n) in source.Lines())
                {
                    if (host.Stopped)
                    {
                        host.WriteInfo($"Stopped: ids from line {n:N0} of {source.Name} on were not read.");
                        break;
                    }
                    if (RemoveByIdsCommand.IsBlankLine(text)) continue;
                    if (cmd.CheckId(text) is VectorOpsException ex)
                    {
                        c.ReportInput(ex, $"Line {n} of {source.Name}: ", ref refused);
                        continue;
                    }
                    cmd.Add(text, ns);
                    accepted++;
                }
                if (refused > 0)
                {
                    if (refused > CommandContext.ShownInputErrors)
                        host.WriteInfo($"vectorops: ... and {refused - CommandContext.ShownInputErrors:N0} more invalid line(s) not shown.");
                    host.WriteInfo($"vectorops: {refused:N0} invalid line(s) of {source.Name} refused" +
                                   (accepted > 0 ? $"; the other {accepted:N0} id(s) were sent (standard input streams in: each line is checked on its own)." : "; nothing else was read."));
                }
                else if (accepted == 0 && given.Count == 0)
                {
                    host.WriteWarning($"{source.Name} holds no ids: nothing to delete.");
                }
            }
            cmd.Complete();
            Summary(c);
        }

        private static void RetryFrom(CommandContext c, RemoveOptions options)
        {
            var host = c.Host;
            // --namespace with --retry-from (the original command line run again on its failures) must be each
            // mutation's own namespace: a mutation is retried where it was, never moved.
            var given = c.SingleNamespace();
            using var source = LineSource.Open(c.Options.Value("retry-from")!, c.Console, "mutation file", "--retry-from");
            using var connection = c.Connect();
            var cmd = new RemoveByIdsCommand(host, connection, options);

            int bad = 0, retried = 0, passed = 0;
            long ids = 0;
            foreach (var (text, n) in source.FirstPass())
            {
                if (text.Trim().Length == 0) continue;
                VectorMutation m;
                try
                {
                    m = CliJson.ParseMutation(text, source.Name, n);
                }
                catch (VectorOpsException ex)
                {
                    c.ReportInput(ex, "", ref bad);
                    continue;
                }
                if (!RemoveByIdsCommand.NeedsRetry(m))
                {
                    passed++;
                    continue;
                }
                var where = $"Line {n} of {source.Name}: ";
                if (cmd.CheckRetry(m, given) is VectorOpsException problem)
                {
                    c.ReportInput(problem, where, ref bad);
                    continue;
                }
                foreach (var id in m.Ids!)
                    if (cmd.CheckId(id) is VectorOpsException ex) c.ReportInput(ex, where, ref bad);
                retried++;
                ids += m.Ids!.Count;
            }
            if (c.StopIfInvalid(bad, "nothing was deleted.")) return;
            if (retried == 0)
            {
                host.WriteInfo($"Nothing to retry: none of the {passed:N0} mutation(s) in {source.Name} failed or was skipped.");
                return;
            }
            host.WriteVerbose($"Sending again {ids:N0} id(s) of {retried:N0} failed or skipped batch(es); {passed:N0} other mutation(s) left alone.");
            cmd.ExpectIds(ids);

            foreach (var (text, n) in source.SecondPass())
            {
                if (host.Stopped)
                {
                    host.WriteInfo($"Stopped: mutations from line {n:N0} of {source.Name} on were not read.");
                    break;
                }
                if (text.Trim().Length == 0) continue;
                var m = CliJson.ParseMutation(text, source.Name, n);
                if (RemoveByIdsCommand.NeedsRetry(m)) cmd.Retry(m, given);
            }
            cmd.Complete();
            Summary(c);
        }

        // ---------------------------------------------------------------- clear

        private static void Clear(CommandContext c)
        {
            var host = c.Host;
            host.ConfirmWrites = true;
            var namespaces = c.Options.Values("namespace").Distinct(StringComparer.Ordinal).ToList();
            var throttle = c.Options.Int("throttle", 1);
            using var connection = c.Connect();
            var cmd = new ClearNamespaceCommand(host, connection, c.Options.Has("remove-namespace"), c.Options.Value("backup"), throttle);
            if (namespaces.Count == 0)
            {
                cmd.Clear(null); // reports InvalidNamespace, naming the default namespace
                return;
            }

            var bad = 0;
            foreach (var ns in namespaces)
            {
                try
                {
                    cmd.Check(ns); // blank, the provider's rules, and whether the index has it: all checked before the first clear
                }
                catch (VectorOpsException ex)
                {
                    c.ReportInput(ex, "", ref bad);
                }
            }
            if (c.StopIfInvalid(bad, "nothing was cleared.")) return;

            for (var i = 0; i < namespaces.Count; i++)
            {
                if (host.Stopped)
                {
                    host.WriteInfo("Stopped: not cleared: " + string.Join(", ", namespaces.Skip(i).Select(n => "'" + n + "'")) + ".");
                    break;
                }
                cmd.Clear(namespaces[i]);
            }
            cmd.Complete();
            Summary(c);
        }

        // ---------------------------------------------------------------- get, namespaces, stats

        private static void Get(CommandContext c)
        {
            var o = c.Options;
            var ids = o.Values("id");
            var byPrefix = o.Has("prefix");
            var byFilter = o.Has("filter") || o.Has("filter-file");
            if ((ids.Count > 0 ? 1 : 0) + (byPrefix ? 1 : 0) + (byFilter ? 1 : 0) > 1)
                throw Input(ErrorIds.InvalidArgument, "Choose one of --id, --prefix and --filter (or none, to list every record).", null);
            if (o.Has("ids-only") && ids.Count > 0)
                throw Input(ErrorIds.InvalidArgument, "--ids-only lists ids with --prefix, --filter or no selection; with --id you already have them.", "--ids-only");
            var prefix = o.Value("prefix");
            if (byPrefix && string.IsNullOrWhiteSpace(prefix))
                throw Input(ErrorIds.InvalidPrefix, "The id prefix is empty; leave --prefix out to list every record.", prefix);
            var filter = byFilter ? c.Filter() : null;
            var first = o.Int("first", 1);
            var ns = c.SingleNamespace();
            var bad = 0;
            foreach (var id in ids)
                if (RemoveByIdsCommand.CheckBlankId(id) is VectorOpsException blank) c.ReportInput(blank, "--id: ", ref bad);
            if (c.StopIfInvalid(bad, "nothing was read.")) return;

            using var connection = c.Connect();
            var cmd = new GetRecordsCommand(c.Host, connection) { First = first, IdsOnly = o.Has("ids-only") };
            if (ids.Count > 0)
            {
                cmd.AddIds(ids, ns);
                cmd.Complete();
            }
            else if (filter != null) cmd.ByFilter(filter, ns);
            else cmd.ByPrefix(prefix, ns);
        }

        private static void Namespaces(CommandContext c)
        {
            var name = c.SingleNamespace();
            using var connection = c.Connect();
            new GetNamespacesCommand(c.Host, connection).Execute(name);
        }

        private static void Stats(CommandContext c)
        {
            using var connection = c.Connect();
            new GetIndexCommand(c.Host, connection).Execute();
        }

        // ---------------------------------------------------------------- add

        /// <summary>
        /// Adds records. A --path FILE is checked whole before the first write (AddRecordsCommand.AddLines: each bad
        /// line named with its field, then nothing is written, exit 2); standard input streams in, so each record
        /// is checked as it arrives: a bad one is refused (named by line), the others are written (exit 1 when some
        /// were refused and some written, 2 when nothing was).
        /// </summary>
        private static void Add(CommandContext c)
        {
            var host = c.Host;
            var o = c.Options;
            host.ConfirmWrites = false;
            var ns = c.SingleNamespace();
            var throttle = o.Int("throttle", 1);
            var batch = o.Int("batch-size", 1);
            using var source = LineSource.Open(o.Value("path") ?? "-", c.Console, "record file", "--path");
            using var connection = c.Connect();
            var cmd = new AddRecordsCommand(host, connection, throttle, batch) { Namespace = ns };

            if (!source.IsStandardInput)
            {
                var first = true;
                var read = cmd.AddLines(() =>
                {
                    var pass = first ? source.FirstPass() : source.SecondPass();
                    first = false;
                    return pass.Select(l => l.Text);
                }, source.Name);
                if (read.Sent == 0) return;
            }
            else
            {
                if (c.Console.InputIsTerminal) host.WriteInfo("Reading records (JSON Lines) from the terminal; end with Ctrl+D.");
                long accepted = 0;
                var refused = 0;
                foreach (var (text, n) in source.Lines())
                {
                    if (host.Stopped)
                    {
                        host.WriteInfo($"Stopped: records from line {n:N0} of {source.Name} on were not read.");
                        break;
                    }
                    if (text.Trim().Length == 0) continue;
                    VectorRecord record;
                    try
                    {
                        record = AddRecordsCommand.ParseLine(text, source.Name, n);
                    }
                    catch (VectorOpsException ex)
                    {
                        c.ReportInput(ex, "", ref refused);
                        continue;
                    }
                    if (cmd.Add(record, $"Line {n} of {source.Name}")) accepted++;
                    else refused++;
                }
                if (refused > 0)
                    host.WriteInfo($"vectorops: {refused:N0} invalid record(s) of {source.Name} refused" +
                                   (accepted > 0 ? $"; the other {accepted:N0} were written (standard input streams in: each record is checked on its own)." : "; nothing was written."));
                else if (accepted == 0)
                {
                    host.WriteWarning($"{source.Name} holds no records: nothing to add.");
                    return;
                }
            }
            cmd.Complete();
            Summary(c);
        }

        // ---------------------------------------------------------------- restore

        /// <summary>
        /// Puts back a backup file: RestoreRecordsCommand checks every line first (bad lines by number, nothing sent),
        /// skips torn lines of an interrupted backup with a warning, then upserts in batches.
        /// </summary>
        private static void Restore(CommandContext c)
        {
            var host = c.Host;
            var o = c.Options;
            host.ConfirmWrites = false;
            var options = new RestoreOptions
            {
                Namespace = c.SingleNamespace(),
                ThrottleLimit = o.Int("throttle", 1),
                BatchSize = o.Int("batch-size", 1),
            };
            using var source = LineSource.Open(o.Value("path") ?? "-", c.Console, "backup file", "--path");
            using var connection = c.Connect();
            var cmd = new RestoreRecordsCommand(host, connection, options);
            if (source.IsStandardInput && c.Console.InputIsTerminal)
                host.WriteInfo("Reading the backup (JSON Lines) from the terminal; end with Ctrl+D.");
            var first = true;
            cmd.Restore(() =>
            {
                var pass = first ? source.FirstPass() : source.SecondPass();
                first = false;
                return pass.Select(l => l.Text);
            }, source.Name);
            Summary(c);
        }

        // ---------------------------------------------------------------- export, copy, move

        /// <summary>
        /// Writes the records of a namespace (or a filter's matches) to --output FILE (atomic, never over a file
        /// without --force) or to stdout (--output -), in the backup format.
        /// </summary>
        private static void Export(CommandContext c)
        {
            var o = c.Options;
            var ns = c.SingleNamespace();
            var filter = c.Filter();
            var output = o.Value("output") ?? throw Input(ErrorIds.InvalidArgument,
                "Name the file to write: --output FILE (or --output - for stdout).", "--output");
            c.Host.ConfirmWrites = false;
            using var connection = c.Connect();
            var cmd = new ExportRecordsCommand(c.Host, connection);
            if (output == "-")
            {
                if (o.Has("what-if"))
                {
                    c.Host.WriteInfo("What if: the records would be written to stdout; nothing was read.");
                    return;
                }
                var summary = cmd.Export(ns, filter, c.Console.Out);
                if (summary != null) c.Host.WriteInfo($"{summary.Records:N0} record(s) of namespace '{summary.Namespace}' written to stdout.");
                return;
            }
            cmd.Export(ns, filter, output, o.Has("force")); // writes its summary
        }

        /// <summary>
        /// Copies (or moves) to the index of a saved profile: the source from the connection options, the destination
        /// from --to-profile (its credential from where the profile says, or the provider's variables).
        /// </summary>
        private static void Transfer(CommandContext c, bool move)
        {
            var o = c.Options;
            var ns = c.SingleNamespace();
            var filter = c.Filter();
            var profile = o.Value("to-profile") ?? throw Input(ErrorIds.InvalidArgument,
                $"Name the destination: --to-profile NAME (a profile saved with 'vectorops profile save'). Run 'vectorops {o.Command} --help'.", "--to-profile");
            var toNamespace = o.Value("to-namespace");
            if (toNamespace != null) VectorCommand.RefuseBlankNamespace(toNamespace, "--to-namespace: ");
            var options = new TransferOptions
            {
                Namespace = ns,
                Filter = filter,
                DestinationNamespace = toNamespace,
                ResumePath = o.Value("resume"),
                BatchSize = o.Int("batch-size", 1),
                ThrottleLimit = o.Int("throttle", 1),
                Move = move,
                BackupPath = move ? o.Value("backup") : null,
                Force = o.Has("force"),
            };
            c.Host.ConfirmWrites = move;
            using var source = c.Connect();
            using var destination = c.ConnectProfile(profile);
            var cmd = new CopyRecordsCommand(c.Host, source, destination, options);
            var s = cmd.Execute();
            if (s.Status == TransferStatus.WhatIf)
            {
                c.Host.WriteInfo($"What if: {s.Matched:N0} record(s) would be {(move ? "moved" : "copied")}; nothing was written.");
                return;
            }
            // A refused confirmation (no --yes without a terminal, or 'no'): nothing was written, exit 2 as for deletes.
            if (s.Status == TransferStatus.Declined) c.Host.Tally.Declined++;
            // The summary object (its line, or JSON with --json) says read, written, verified, missing.
        }

        // ---------------------------------------------------------------- wait

        private static void Wait(CommandContext c)
        {
            var host = c.Host;
            var o = c.Options;
            var timeout = o.Seconds("timeout") ?? TimeSpan.FromMinutes(5);
            var poll = o.Seconds("poll-interval") ?? TimeSpan.FromSeconds(1);
            using var source = LineSource.Open(o.Value("from") ?? "-", c.Console, "mutation file", "--from");
            if (source.IsStandardInput && c.Console.InputIsTerminal)
                host.WriteInfo("Reading mutations (JSON Lines) from the terminal; end with Ctrl+D.");
            var mutations = new List<VectorMutation>();
            var bad = 0;
            foreach (var (text, n) in source.FirstPass())
            {
                if (text.Trim().Length == 0) continue;
                try
                {
                    mutations.Add(CliJson.ParseMutation(text, source.Name, n));
                }
                catch (VectorOpsException ex)
                {
                    c.ReportInput(ex, "", ref bad);
                }
            }
            if (c.StopIfInvalid(bad, "nothing was waited for.")) return;

            using var connection = c.Connect();
            var cmd = new WaitMutationCommand(host, connection) { Timeout = timeout, PollInterval = poll };
            foreach (var m in mutations) cmd.Add(m);
            cmd.Complete();
        }

        // ---------------------------------------------------------------- shared

        private static void Summary(CommandContext c)
        {
            var t = c.Host.Tally;
            var batches = t.Completed + t.Acknowledged + t.Failed + t.Skipped + t.WhatIf;
            if (batches == 0) return;
            if (t.Sent == 0 && t.Declined == batches) return; // the refusal was explained already
            if (t.WhatIf == batches)
            {
                c.Host.WriteInfo($"What if: {t.WhatIf:N0} batch(es) previewed; nothing was sent.");
                return;
            }
            var parts = new List<string>();
            if (t.Completed > 0) parts.Add($"{t.Completed:N0} completed");
            if (t.Acknowledged > 0) parts.Add($"{t.Acknowledged:N0} acknowledged (applied later; see 'vectorops wait')");
            if (t.Failed > 0) parts.Add($"{t.Failed:N0} failed");
            if (t.Skipped > 0) parts.Add($"{t.Skipped:N0} skipped");
            if (t.WhatIf > 0) parts.Add($"{t.WhatIf:N0} previewed");
            c.Host.WriteInfo($"{batches:N0} batch(es): {string.Join(", ", parts)}; {t.RequestedSent.ToString("N0", CultureInfo.InvariantCulture)} record(s) requested in the batches sent.");
            if ((t.Failed > 0 || t.StoppedSkips > 0 || (t.Declined > 0 && t.Sent > 0)) && (c.Options.Command == "remove" || c.Options.Command == "sweep"))
                c.Host.WriteInfo("To send the failed and skipped batches again: vectorops remove --retry-from RUN.jsonl --yes (RUN.jsonl: this run's --json output).");
        }

        private static VectorOpsException Input(string errorId, string message, object? target) =>
            new VectorOpsException(errorId, VectorOpsErrorCategory.InvalidArgument, message, target);
    }
}
