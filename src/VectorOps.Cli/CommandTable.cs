using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Text;
using VectorOps.Providers;

namespace VectorOps.Cli
{
    /// <summary>
    /// The one declaration of the commands, their options and their help text. System.CommandLine's command tree is
    /// built from it (<see cref="CliSyntax"/>), and so are the help pages and the completions: a new option or
    /// command is added here only.
    /// </summary>
    internal static class CommandTable
    {
        // Connection and output options, accepted by every command. The provider settings among them are not named
        // here: every SettingDescriptor of every registered provider becomes an option (ProviderSettingOptions).
        private static readonly OptionSpec Provider = new OptionSpec("provider", "NAME", "");
        private static readonly OptionSpec Index = new OptionSpec("index", "NAME", "Index (collection) name (env VECTOROPS_INDEX).");
        private static readonly OptionSpec Profile = new OptionSpec("profile", "NAME",
            "A saved profile ('vectorops profile list'): its provider, settings and where its credential comes from; options given beside it override it.");
        private static readonly OptionSpec Create = new OptionSpec("create", null, "Create the index if it does not exist, where the provider can; without it a missing index is an error (IndexNotFound).");
        private static readonly OptionSpec ApiKeyFile = new OptionSpec("api-key-file", "FILE", "Read the API key or token from FILE (instead of the environment).");
        private static readonly OptionSpec RequestTimeout = new OptionSpec("request-timeout", "SECONDS", "Timeout of one request.");
        private static readonly OptionSpec MaxAttempts = new OptionSpec("max-attempts", "N", "Most attempts of one request, retries included (1 = no retry).");
        private static readonly OptionSpec RequestsPerSecond = new OptionSpec("requests-per-second", "N", "Requests per second this client allows itself (default: the provider's published limit).");
        private static readonly OptionSpec Json = new OptionSpec("json", null, "Machine output on stdout: one JSON object a line.");
        private static readonly OptionSpec Verbose = new OptionSpec("verbose", null, "Explain each step on stderr.");
        private static readonly OptionSpec Debug = new OptionSpec("debug", null, "Even more detail on stderr (inner errors).");
        private static readonly OptionSpec Progress = new OptionSpec("progress", null, "Show the progress line even when stderr is not a terminal.");

        // Writes.
        private static readonly OptionSpec WhatIf = new OptionSpec("what-if", null, "Preview: print what would change (\"What if: ...\" on stderr, WhatIf mutations on stdout); send nothing.");
        private static readonly OptionSpec Yes = new OptionSpec("yes", null, "Confirm without a prompt (required when stdin is not a terminal).");
        private static readonly OptionSpec Force = new OptionSpec("force", null, "Answer the count question of --filter/--prefix deletes (--yes does not; without a terminal they need both). Never skips --what-if.");
        private static readonly OptionSpec Throttle = new OptionSpec("throttle", "N", "Requests in flight at once (default: the provider's).");
        private static readonly OptionSpec BatchSize = new OptionSpec("batch-size", "N", "Ids or records per request (default and maximum: the provider's cap).");

        private static readonly OptionSpec Backup = new OptionSpec("backup", "FILE",
            "Append the records to FILE (JSON Lines, flushed to disk) before each batch is deleted; bring them back with 'vectorops restore --path FILE'.");
        private static readonly OptionSpec YesNoOp = new OptionSpec("yes", null, "Accepted for uniform scripts; upserts are not confirmed.");

        private static OptionSpec Namespace(string help) => new OptionSpec("namespace", "NS", help, repeatable: true);

        /// <summary>copy's and move's options: the source scope, the destination profile, the resume file, and theirs in between.</summary>
        private static OptionSpec[] TransferOptions(params OptionSpec[] own) => new[]
        {
            Namespace("Source namespace (default: the provider's)."),
            new OptionSpec("filter", "JSON", "Only the records matching a metadata filter."),
            new OptionSpec("filter-file", "FILE", "Read the filter JSON from FILE."),
            new OptionSpec("to-profile", "NAME", "The saved profile to write to (its credential from where it says)."),
            new OptionSpec("to-namespace", "NS", "The destination namespace."),
            new OptionSpec("resume", "FILE", "Record the batches written in FILE; a rerun with it skips them."),
        }.Concat(own).Concat(new[]
        {
            Throttle,
            new OptionSpec("batch-size", "N", "Records per upsert (default and maximum: the destination's cap)."),
        }).ToArray();

        /// <summary>The options of the settings every provider shares, and output; never a provider's own setting.</summary>
        private static readonly OptionSpec[] SharedOptions =
        {
            Profile, Index, Create, ApiKeyFile, RequestTimeout, MaxAttempts, RequestsPerSecond, Json, Verbose, Debug, Progress,
        };

        /// <summary>Names a provider setting's option may not take: the shared options and the commands' own.</summary>
        private static readonly HashSet<string> Reserved = new HashSet<string>(
            new[] { "provider", "namespace", "help", "version", "id", "ids-from", "filter", "filter-file", "prefix", "retry-from", "first",
                    "ids-only", "remove-namespace", "from", "timeout", "poll-interval", "what-if", "yes", "force", "throttle", "batch-size", "backup",
                    "name", "api-key-variable", "api-key-secret", "vault",
                    "keep-id", "keep-from", "max-delete-share", "report-missing", "older-than", "date-field", "date-unit",
                    "output", "to-profile", "to-namespace", "resume" }
                .Concat(SharedOptions.Select(o => o.Name)), StringComparer.OrdinalIgnoreCase);

        /// <summary>
        /// One option per setting name (and per alias, in kebab case) of every registered provider: --index-host URI,
        /// --store FILE... A name several providers declare (base-uri) is one option; the chosen provider's setting of
        /// that name reads its value, and the registry refuses it for a provider that has none (InvalidSetting).
        /// </summary>
        internal static IReadOnlyList<OptionSpec> ProviderSettingOptions(IReadOnlyList<ProviderDescriptor> providers)
        {
            var byName = new Dictionary<string, List<(ProviderDescriptor Provider, SettingDescriptor Setting, bool Alias)>>(StringComparer.OrdinalIgnoreCase);
            var order = new List<string>();
            foreach (var provider in providers)
                foreach (var setting in provider.Settings)
                    foreach (var (name, alias) in new[] { (setting.OptionName, false) }.Concat(setting.Aliases.Select(a => (SettingDescriptor.Kebab(a), true))))
                    {
                        if (Reserved.Contains(name)) continue; // a shared option or a command's own keeps its meaning
                        if (!byName.TryGetValue(name, out var list))
                        {
                            byName[name] = list = new List<(ProviderDescriptor, SettingDescriptor, bool)>();
                            order.Add(name);
                        }
                        list.Add((provider, setting, alias));
                    }

            var options = new List<OptionSpec>();
            foreach (var name in order)
            {
                var takers = byName[name];
                var first = takers[0].Setting;
                var valueName = first.Kind == SettingKind.Switch ? null : first.ValueName;
                string help;
                if (takers.All(t => t.Alias))
                    help = string.Join("; ", takers.Select(t => $"Same as --{t.Setting.OptionName} ({t.Provider.Name})")) + ".";
                else if (takers.Select(t => t.Setting.FullHelp).Distinct(StringComparer.Ordinal).Count() == 1)
                    help = first.FullHelp + " (" + string.Join(", ", takers.Select(t => t.Provider.Name)) + ")";
                else
                    help = string.Join(" ", takers.Select(t => t.Provider.Name + ": " + t.Setting.FullHelp));
                // Tab offers the value sets the descriptors declare (every taker's, once).
                var values = takers.SelectMany(t => t.Setting.SuggestedValues).Distinct(StringComparer.Ordinal).ToList();
                options.Add(new OptionSpec(name, valueName, help)
                {
                    Settings = takers.Select(t => (t.Provider, t.Setting)).ToList(),
                    Completions = values.Count == 0 ? null : () => values,
                });
            }
            return options;
        }

        private static string ProviderHelp(IReadOnlyList<ProviderDescriptor> providers) =>
            "Provider: " + string.Join(", ", providers.Select(p => p.Name == ProviderRegistry.DefaultProvider ? p.Name + " (default)" : p.Name)) +
            " (env VECTOROPS_PROVIDER).";

        /// <summary>
        /// The connection and output options of a command: --provider, every provider setting, the shared settings,
        /// output. A command's own option of the same name shadows one of them (add's --path is the record file, so
        /// the store is given there by another name of its setting, --store).
        /// </summary>
        private static OptionSpec[] Common(IReadOnlyList<ProviderDescriptor> providers, IEnumerable<OptionSpec>? own = null)
        {
            var shadowed = new HashSet<string>((own ?? Array.Empty<OptionSpec>()).Select(o => o.Name), StringComparer.Ordinal);
            var provider = new OptionSpec(Provider.Name, Provider.ValueName, ProviderHelp(providers))
            {
                Completions = () => providers.Select(p => p.Name),
            };
            return new[] { provider }.Concat(ProviderSettingOptions(providers)).Concat(SharedOptions)
                .Where(o => !shadowed.Contains(o.Name)).ToArray();
        }

        private static CommandSpec Command(IReadOnlyList<ProviderDescriptor> providers, string name, string summary, string usage, string description,
            OptionSpec[] options, string[] examples) =>
            new CommandSpec(name, summary, usage, description, options, Common(providers, options), examples);

        private sealed class Table
        {
            public Table(IReadOnlyList<ProviderDescriptor> providers)
            {
                Providers = providers;
                Commands = Build(providers);
                Meta = BuildMeta(Commands);
                Global = new CommandSpec("vectorops", "", "", "", Array.Empty<OptionSpec>(), Common(providers), Array.Empty<string>());
            }

            public IReadOnlyList<ProviderDescriptor> Providers { get; }
            public IReadOnlyList<CommandSpec> Commands { get; }
            public IReadOnlyList<CommandSpec> Meta { get; }
            public CommandSpec Global { get; }
        }

        private static Table? _built;

        /// <summary>The operations (one core command each), built from the registry as it is now (rebuilt when a provider is registered).</summary>
        public static IReadOnlyList<CommandSpec> Commands => Built().Commands;

        /// <summary>The commands about vectorops itself: help and completion.</summary>
        public static IReadOnlyList<CommandSpec> MetaCommands => Built().Meta;

        /// <summary>The options that may come before the command (connection and output).</summary>
        public static CommandSpec Global => Built().Global;

        /// <summary>The registry the table was built from (the parser is rebuilt with it).</summary>
        internal static object Generation => Built();

        private static Table Built()
        {
            var providers = ProviderRegistry.Providers;
            var built = _built;
            if (built != null && ReferenceEquals(built.Providers, providers)) return built;
            var fresh = new Table(providers);
            _built = fresh;
            return fresh;
        }

        private static IReadOnlyList<CommandSpec> BuildMeta(IReadOnlyList<CommandSpec> operations) => new[]
        {
            new CommandSpec("help", "This text, or a command's.", "vectorops help [COMMAND]",
                "Writes the help of COMMAND (the same as 'vectorops COMMAND --help'), or without one this overview.",
                Array.Empty<OptionSpec>(), Array.Empty<OptionSpec>(), new[] { "vectorops help remove" })
            {
                Argument = new ArgumentSpec("COMMAND", "The command to explain.",
                    () => operations.Select(c => c.Name.Split(' ')[0]).Distinct().Concat(new[] { "help", "completion" }))
                {
                    Words = true,
                },
            },
            new CommandSpec("completion", "Print the script that makes bash, zsh or pwsh complete vectorops (Tab).",
                "vectorops completion bash|zsh|pwsh",
                "Writes a script for the shell that asks vectorops itself what can come next (System.CommandLine's\n" +
                "[suggest] directive): commands, options, --provider names and the values a provider's setting accepts.\n" +
                "Load it from the shell's start-up file (the examples); it runs whichever vectorops is first on the PATH.",
                Array.Empty<OptionSpec>(), Array.Empty<OptionSpec>(),
                new[]
                {
                    "source <(vectorops completion bash)                         (bash: in ~/.bashrc)",
                    "source <(vectorops completion zsh)                          (zsh: in ~/.zshrc, after compinit)",
                    "vectorops completion pwsh | Out-String | Invoke-Expression   (PowerShell: in $PROFILE)",
                })
            {
                Argument = new ArgumentSpec("SHELL", "bash, zsh or pwsh.", () => CompletionScripts.Shells),
            },
        };

        /// <summary>A provider's name for the examples: the first that takes a credential (a service), read at run time.</summary>
        private static string RemoteExample(IReadOnlyList<ProviderDescriptor> providers) =>
            providers.FirstOrDefault(p => p.Credential != null)?.Name ?? "NAME";

        private static IReadOnlyList<CommandSpec> Build(IReadOnlyList<ProviderDescriptor> providers)
        {
            var remote = RemoteExample(providers);
            return new[]
        {
            Command(providers, "remove", "Delete records by id, id file, metadata filter or id prefix.",
                "vectorops remove (--id ID... | --ids-from FILE|- | --filter JSON | --prefix P | --older-than AGE --date-field F | --retry-from FILE) [options]",
                "Deletes in batches of the provider's cap, one mutation reported per batch. Ids are streamed: any number of\n" +
                "them goes through in flat memory. A bad id among good ones, the same rule as Remove-VectorRecord's: the\n" +
                "--id values are one input, and an --ids-from FILE is checked whole before the first batch is sent (one bad\n" +
                "line, named by number, and nothing is deleted: exit 2). Standard input (--ids-from -) streams in: each\n" +
                "line is checked on its own, a bad one refused (named by line), the others deleted (exit 1 when some were\n" +
                "refused, 2 when nothing was sent). Each batch is confirmed (--yes, or a prompt when stdin is a terminal).\n" +
                "Filter and prefix deletes first count the matches and ask once, with the count: the prompt, or without\n" +
                "one (--yes) the count question unless --force (without a terminal: pass both). --retry-from sends each\n" +
                "mutation to its own namespace; a --namespace that is not its own is refused (NamespaceMismatch).\n" +
                "Age cleanup: --older-than 30d --date-field updated_at is the filter delete of {\"updated_at\":{\"$lt\":CUTOFF}},\n" +
                "CUTOFF being now minus the age as a Unix time number (seconds, or --date-unit ms): the field must hold a\n" +
                "Unix time number (the filter language compares numbers only); records without it are never matched.",
                new[]
                {
                    new OptionSpec("id", "ID", "Id to delete (repeatable).", repeatable: true),
                    new OptionSpec("ids-from", "FILE", "File of ids, one a line, blank lines skipped, all checked first ('-': stdin, each line checked as it comes; needs --yes or --what-if)."),
                    new OptionSpec("filter", "JSON", "Metadata filter ($eq, $ne, $in, $nin, $gt, $gte, $lt, $lte, $exists, $and, $or), e.g. '{\"genre\":{\"$eq\":\"drama\"}}'."),
                    new OptionSpec("filter-file", "FILE", "Read the filter JSON from FILE."),
                    new OptionSpec("prefix", "P", "Delete the records whose id starts with P (never empty)."),
                    new OptionSpec("older-than", "AGE", "Delete the records whose --date-field is older than AGE: 30d, 12h, 90m, 45s, 2w (more than zero)."),
                    new OptionSpec("date-field", "F", "With --older-than: the metadata field holding each record's date as a Unix time number."),
                    new OptionSpec("date-unit", "UNIT", "With --older-than: s (seconds, the default) or ms (milliseconds) in --date-field.")
                    {
                        Completions = () => new[] { "s", "ms" },
                    },
                    new OptionSpec("retry-from", "FILE", "Send again exactly the ids of the Failed and Skipped mutations in FILE (as written by --json; '-': stdin), each in its own namespace (--namespace, if given, must be it)."),
                    Namespace("Namespace (default: the provider's). Repeatable with --filter and --prefix."),
                    WhatIf, Yes, Force, Throttle, BatchSize, Backup,
                },
                new[]
                {
                    "vectorops remove --store ./vectors.db --index demo --id doc-1 --id doc-2 --yes",
                    $"vectorops remove --provider {remote} --index docs --ids-from ids.txt --yes --json > run.jsonl",
                    $"vectorops remove --provider {remote} --index docs --retry-from run.jsonl --yes",
                    "vectorops remove --index demo --filter '{\"source\":{\"$eq\":\"old\"}}' --what-if",
                    "vectorops remove --index demo --prefix tmp- --yes --force",
                    "vectorops remove --index demo --older-than 30d --date-field updated_at --what-if",
                }),
            Command(providers, "sweep", "Delete the records of a namespace whose ids are not in a keep-list (orphans).",
                "vectorops sweep (--keep-from FILE|- | --keep-id ID...) [--namespace NS] [--max-delete-share X] [--report-missing] [options]",
                "The keep-list is the ids the source system still has: every other record of the namespace is deleted.\n" +
                "Only the keep ids are held in memory; the namespace is listed once and its orphans are spooled to a\n" +
                "temporary file: exactly those are previewed, counted, backed up and deleted (records added meanwhile stay).\n" +
                "Refused, nothing deleted: an empty keep-list (EmptyKeepList), a bad keep id (InvalidKeepList, named by\n" +
                "line), a namespace with records but none of the keep ids (KeepIdsNotInNamespace: the wrong namespace or\n" +
                "file), and orphans that are more than --max-delete-share of the namespace (OrphanShareExceeded; default\n" +
                "0.10 = 10%; 1 allows all and turns the previous check off). Past the guards it is confirmed like a filter\n" +
                "delete: one question with the count (--yes, and --force for the count question without a terminal).",
                new[]
                {
                    new OptionSpec("keep-from", "FILE", "File of ids to keep, one a line, blank lines skipped ('-': stdin)."),
                    new OptionSpec("keep-id", "ID", "An id to keep (repeatable; with --keep-from, both are kept).", repeatable: true),
                    Namespace("Namespace to sweep (default: the provider's)."),
                    new OptionSpec("max-delete-share", "X", "Most of the namespace the sweep may delete, from 0 to 1 (default 0.10 = 10%; 1 allows all)."),
                    new OptionSpec("report-missing", null, "Also print the keep ids that are not in the namespace (one a line, or JSON objects with --json)."),
                    WhatIf, Yes, Force, Throttle, BatchSize, Backup,
                },
                new[]
                {
                    "vectorops sweep --index demo --namespace docs --keep-from source-ids.txt --what-if",
                    "vectorops sweep --index demo --namespace docs --keep-from source-ids.txt --backup swept.jsonl --yes --force",
                    "psql -Atc 'select id from docs' | vectorops sweep --index demo --keep-from - --report-missing --yes --force",
                }),
            Command(providers, "clear", "Delete every record of one or more namespaces.",
                "vectorops clear --namespace NS [--namespace NS...] [--remove-namespace] [options]",
                "High impact: asks for confirmation (--yes, or a prompt when stdin is a terminal). The default namespace\n" +
                "too must be named explicitly. With --backup the namespace is cleared by id, batch by batch, each batch's\n" +
                "records written to the backup before its delete is sent.",
                new[]
                {
                    Namespace("Namespace to clear (repeatable; required)."),
                    new OptionSpec("remove-namespace", null, "Also remove the namespace itself, where the provider has one."),
                    WhatIf, Yes, Backup,
                    new OptionSpec("throttle", "N", "With --backup: delete requests in flight at once (default: the provider's)."),
                },
                new[] { "vectorops clear --index demo --namespace staging --what-if", "vectorops clear --index demo --namespace staging --yes" }),
            Command(providers, "get", "Read records by id, id prefix or filter (all records when none is given).",
                "vectorops get [--id ID... | --prefix P | --filter JSON] [--first N] [--ids-only] [options]",
                "Read only.",
                new[]
                {
                    new OptionSpec("id", "ID", "Id to fetch (repeatable).", repeatable: true),
                    new OptionSpec("prefix", "P", "Records whose id starts with P."),
                    new OptionSpec("filter", "JSON", "Records matching a metadata filter."),
                    new OptionSpec("filter-file", "FILE", "Read the filter JSON from FILE."),
                    new OptionSpec("first", "N", "At most N records."),
                    new OptionSpec("ids-only", null, "List ids only (no fetch) with --prefix, --filter or no selection."),
                    Namespace("Namespace (default: the provider's)."),
                },
                new[] { "vectorops get --index demo --prefix doc- --first 10", "vectorops get --index demo --json > backup.jsonl" }),
            Command(providers, "namespaces", "List the namespaces with their record counts.",
                "vectorops namespaces [--namespace NS] [options]",
                "Read only. With --namespace, only that namespace.",
                new[] { Namespace("Show only this namespace.") },
                new[] { "vectorops namespaces --index demo" }),
            Command(providers, "add", "Upsert records from a JSON Lines file or stdin.",
                "vectorops add [--path FILE.jsonl | < FILE.jsonl] [options]",
                "Each line: {\"id\", \"values\", \"sparseValues\": {\"indices\", \"values\"}, \"metadata\", \"namespace\"}\n" +
                "(the shape `get --json` writes). Records are checked against the provider's rules (id, namespace, values\n" +
                "and the index dimension, sparse values, metadata types and size). A --path FILE is checked whole before the\n" +
                "first batch is sent: one bad line, named with its field, and nothing is written (exit 2). Standard input\n" +
                "streams in: each record is checked as it arrives, a bad one refused (named by line), the others written\n" +
                "(exit 1 when some were refused, 2 when nothing was written). Where the provider has no null metadata value, a\n" +
                "null is left out (one warning counts them); the others keep it. In this command --path is the record file;\n" +
                "give the store file with another name of its option (--store) or its environment variable.",
                new[]
                {
                    new OptionSpec("path", "FILE", "JSON Lines record file, all checked first ('-' or absent: stdin, each record checked as it comes)."),
                    Namespace("Namespace for records that name none."),
                    WhatIf, YesNoOp, Throttle, BatchSize,
                },
                new[]
                {
                    "vectorops add --store ./vectors.db --index demo --path records.jsonl",
                    "vectorops --store ./vectors.db --index demo add --path records.jsonl   (options before the command: --path is the store)",
                }),
            Command(providers, "restore", "Put back the records of a backup file written by --backup.",
                "vectorops restore --path BACKUP.jsonl [options]",
                "Upserts every record of the backup into the connected index, each into the namespace it was deleted from.\n" +
                "Every line is checked before the first batch is sent (bad lines are reported by number and nothing is\n" +
                "sent); a torn last line left by an interrupted backup is skipped with a warning, since its batch was never\n" +
                "deleted. In this command --path is the backup file; give the store file with another name of its option\n" +
                "(--store) or its environment variable.",
                new[]
                {
                    new OptionSpec("path", "FILE", "The backup file ('-' or absent: stdin)."),
                    Namespace("Restore every record into NS instead of the namespace it was backed up from."),
                    WhatIf, YesNoOp, Throttle, BatchSize,
                },
                new[] { "vectorops restore --store ./vectors.db --index demo --path backup.jsonl" }),
            Command(providers, "export", "Write a namespace's records (or a filter's matches) to a JSON Lines file.",
                "vectorops export [--namespace NS] [--filter JSON] --output FILE|- [--force] [options]",
                "Read only on the index. Streams the records (ids page by page, fetched in the provider's batches) into the\n" +
                "backup format, one record a line with its namespace: 'vectorops restore --path FILE' or 'add' reads it back.\n" +
                "The file is written beside the target under a temporary name and renamed when complete, so a failed or\n" +
                "stopped export leaves no file; an existing file is replaced only with --force (ExportFileExists). --output -\n" +
                "writes the records to stdout (the summary goes to stderr). An empty filter is refused, never \"everything\".",
                new[]
                {
                    Namespace("Namespace to export (default: the provider's)."),
                    new OptionSpec("filter", "JSON", "Only the records matching a metadata filter."),
                    new OptionSpec("filter-file", "FILE", "Read the filter JSON from FILE."),
                    new OptionSpec("output", "FILE", "The file to write ('-': stdout)."),
                    new OptionSpec("force", null, "Replace an existing file."),
                    WhatIf,
                },
                new[]
                {
                    "vectorops export --store ./vectors.db --index demo --namespace films --output films.jsonl",
                    "vectorops export --index demo --filter '{\"year\":{\"$lt\":2000}}' --output - | gzip > old.jsonl.gz",
                }),
            Command(providers, "copy", "Copy a namespace's records (or a filter's matches) to the index of a saved profile.",
                "vectorops copy [--namespace NS] [--filter JSON] --to-profile NAME [--to-namespace NS2] [--resume FILE] [options]",
                "The source is the connection the options name; the destination is a saved profile ('vectorops profile save').\n" +
                "Counts the records, then streams them in batches of the destination's cap (its pacing and concurrency),\n" +
                "one upsert mutation per batch. The first batch is checked against the destination's rules (dimension, id\n" +
                "form, metadata, sparse values) before anything is written (DestinationMismatch: nothing written). With\n" +
                "--resume FILE, each batch the destination accepted is recorded; a rerun with the same file neither reads nor\n" +
                "writes those again (upserts by id are idempotent, so a batch written twice after a kill holds no duplicate).\n" +
                "Verified at the end: both sides fetched, a record missing or different in the destination named by id (exit 1).\n" +
                "Without --to-namespace the namespace keeps its name (the source's default namespace goes to the destination's).",
                TransferOptions(WhatIf, YesNoOp),
                new[]
                {
                    "vectorops copy --store ./vectors.db --index demo --namespace films --to-profile archive --resume films.resume",
                    $"vectorops copy --provider {remote} --index docs --namespace a --to-profile local-copy --what-if",
                }),
            Command(providers, "move", "Copy, verify, then delete from the source what the destination confirmed.",
                "vectorops move [--namespace NS] [--filter JSON] --to-profile NAME [--to-namespace NS2] [--backup FILE] [--resume FILE] [options]",
                "'vectorops copy', then a delete from the source of exactly the ids the destination confirmed (equal on both\n" +
                "sides), by id in batches of the source's cap, each batch's records appended to --backup FILE first. Asks once,\n" +
                "with the count: the prompt, or without one (--yes) the count question unless --force (without a terminal:\n" +
                "pass both). --what-if writes nothing anywhere. Records not confirmed stay in the source (exit 1).",
                TransferOptions(WhatIf, Yes,
                    new OptionSpec("force", null, "Answer the count question (--yes does not; without a terminal pass both). Never skips --what-if."),
                    Backup),
                new[]
                {
                    "vectorops move --store ./vectors.db --index demo --namespace staging --to-profile prod --backup staging.jsonl --yes --force",
                }),
            Command(providers, "wait", "Wait until acknowledged mutations are applied.",
                "vectorops wait [--from FILE | < FILE] [--timeout SECONDS] [options]",
                "Reads mutations as JSON Lines (the --json output of remove, clear or add), polls the provider, and\n" +
                "writes each mutation again when it is applied (Completed). Mutations not Acknowledged pass through.\n" +
                "Exit code 1 when some were not applied within the timeout.",
                new[]
                {
                    new OptionSpec("from", "FILE", "Mutation file ('-' or absent: stdin)."),
                    new OptionSpec("timeout", "SECONDS", "How long to wait (default 300)."),
                    new OptionSpec("poll-interval", "SECONDS", "Time between polls (default 1)."),
                },
                new[] { $"vectorops remove --provider {remote} --index docs --ids-from ids.txt --yes --json | vectorops wait --provider {remote} --index docs --json" }),
            Command(providers, ProfileSave, "Save a connection's settings as a named profile (never a secret).",
                "vectorops profile save --name NAME [connection options] [--api-key-variable VAR | --api-key-secret NAME [--vault V]] [--force]",
                "Saves the provider, index, namespace, timeouts, rate and the provider settings given as options (not those\n" +
                "read from environment variables, read again when the profile is used) as a profile for --profile NAME, in\n" +
                "profiles.json of the user's config folder (VECTOROPS_CONFIG_HOME, else $XDG_CONFIG_HOME/vectorops or\n" +
                "~/.config/vectorops; %APPDATA%\\VectorOps on Windows), mode 0600. It never holds a secret: a value that carries\n" +
                "one is refused (ProfileHoldsSecret), and --api-key-file is not kept. It names where the credential comes from:\n" +
                "--api-key-variable VAR, or --api-key-secret NAME (a SecretManagement secret, read only by PowerShell's\n" +
                "Connect-VectorIndex -Profile; the CLI refuses such a profile unless given --api-key-file). With --profile, the\n" +
                "profile named is the starting point. An existing profile is replaced only with --force (ProfileExists).",
                new[]
                {
                    new OptionSpec("name", "NAME", "The profile's name: letters, digits, '.', '-' and '_'."),
                    new OptionSpec("api-key-variable", "VAR", "The credential is read from this environment variable when the profile is used."),
                    new OptionSpec("api-key-secret", "NAME", "The credential is the SecretManagement secret NAME (PowerShell only: Get-Secret)."),
                    new OptionSpec("vault", "V", "The SecretManagement vault of --api-key-secret (default: any)."),
                    Namespace("The connection's default namespace."),
                    new OptionSpec("force", null, "Replace a saved profile of the same name."),
                    new OptionSpec("what-if", null, "Say what would be saved; write nothing."),
                },
                new[]
                {
                    $"vectorops profile save --name prod --provider {remote} --index docs --api-key-variable PROD_KEY",
                    "vectorops profile save --name local --store ./vectors.db --index demo",
                }),
            new CommandSpec(ProfileList, "List the saved profiles (never a secret: where each credential comes from).",
                "vectorops profile list [--name PATTERN] [--json]",
                "Read only: the profiles saved by 'vectorops profile save' or Save-VectorConnection.",
                new[] { new OptionSpec("name", "PATTERN", "Only the profiles whose name matches (wildcards * ? allowed).") },
                new[] { Json, Verbose, Debug },
                new[] { "vectorops profile list", "vectorops profile list --json" }),
            new CommandSpec(ProfileRemove, "Forget a saved profile.",
                "vectorops profile remove --name NAME|PATTERN [--force] [--what-if]",
                "Removes a saved profile (databases are not touched). A name must exist (ProfileNotFound); a wildcard pattern\n" +
                "that matches more than one profile removes none of them without --force (ProfilePatternMatchesMany).",
                new[]
                {
                    new OptionSpec("name", "NAME", "The profile's name, or a wildcard pattern."),
                    new OptionSpec("force", null, "Let a pattern remove every profile it matches."),
                    new OptionSpec("what-if", null, "Say what would be removed; remove nothing."),
                },
                new[] { Json, Verbose, Debug },
                new[] { "vectorops profile remove --name staging", "vectorops profile remove --name 'test-*' --force" }),
            Command(providers, "stats", "Describe the index: provider, endpoint, dimension, metric, record counts per namespace.",
                "vectorops stats [options]",
                "Read only: one statistics call. Writes the provider, index, endpoint, dimension, metric (where the provider\n" +
                "reports it), each namespace with its record count, and the total (the same command as Get-VectorIndex).",
                Array.Empty<OptionSpec>(),
                new[] { "vectorops stats --index demo --json" }),
        };
        }


        /// <summary>
        /// The profile commands: a name of two words is a subcommand of a command group (CliSyntax builds "profile"
        /// with its subcommands save, list and remove).
        /// </summary>
        public const string ProfileSave = "profile save", ProfileList = "profile list", ProfileRemove = "profile remove";

        public static CommandSpec? Find(string name) => Commands.FirstOrDefault(c => c.Name == name);

        /// <summary>An operation or a meta command (help, completion) by name.</summary>
        public static CommandSpec? FindAny(string name) => Find(name) ?? MetaCommands.FirstOrDefault(c => c.Name == name);

        public static string Version
        {
            get
            {
                var a = typeof(CommandTable).Assembly;
                var v = a.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? a.GetName().Version?.ToString() ?? "0";
                var plus = v.IndexOf('+');
                return plus < 0 ? v : v.Substring(0, plus);
            }
        }

        public static string GeneralHelp()
        {
            var sb = new StringBuilder();
            sb.AppendLine($"vectorops {Version}: delete and maintain records in vector databases, safely.");
            sb.AppendLine();
            sb.AppendLine("Usage: vectorops [connection options] COMMAND [options]");
            sb.AppendLine("       vectorops help COMMAND   (or: vectorops COMMAND --help)");
            sb.AppendLine();
            sb.AppendLine("Commands:");
            var all = Commands.Concat(MetaCommands).ToList();
            var width = Math.Max(12, all.Max(c => c.Name.Length) + 2);
            foreach (var c in all) sb.AppendLine("  " + c.Name.PadRight(width) + c.Summary);
            sb.AppendLine();
            sb.AppendLine("Options every command takes (before or after the command; before it, --path is the store):");
            AppendOptions(sb, Global.CommonOptions);
            sb.AppendLine($"  {"--version",-28}Print the version and exit.");
            sb.AppendLine();
            AppendFooter(sb);
            return sb.ToString();
        }

        /// <summary>The page of a command group ("profile"): its subcommands, each with its summary.</summary>
        public static string GroupHelp(string group)
        {
            var subs = Commands.Where(c => c.Name.StartsWith(group + " ", StringComparison.Ordinal)).ToList();
            var sb = new StringBuilder();
            sb.AppendLine($"vectorops {group}: {string.Join(", ", subs.Select(c => c.Name.Substring(group.Length + 1)))}.");
            sb.AppendLine();
            sb.AppendLine($"Usage: vectorops {group} {string.Join("|", subs.Select(c => c.Name.Substring(group.Length + 1)))} [options]");
            sb.AppendLine($"       vectorops help {group} SUBCOMMAND   (or: vectorops {group} SUBCOMMAND --help)");
            sb.AppendLine();
            foreach (var c in subs) sb.AppendLine($"  {c.Name,-16}{c.Summary}");
            return sb.ToString();
        }

        public static string CommandHelp(CommandSpec c)
        {
            var sb = new StringBuilder();
            sb.AppendLine($"vectorops {c.Name}: {c.Summary}");
            sb.AppendLine();
            sb.AppendLine("Usage: " + c.Usage);
            sb.AppendLine();
            foreach (var line in c.Description.Split('\n')) sb.AppendLine(line);
            sb.AppendLine();
            if (c.Argument != null)
            {
                sb.AppendLine("Argument:");
                sb.AppendLine($"  {c.Argument.Name,-28}{c.Argument.Help}");
                sb.AppendLine();
            }
            if (c.Options.Count > 0)
            {
                sb.AppendLine("Options:");
                AppendOptions(sb, c.Options);
                sb.AppendLine();
            }
            if (c.CommonOptions.Count > 0)
            {
                sb.AppendLine("Connection and output:");
                AppendOptions(sb, c.CommonOptions);
                sb.AppendLine();
            }
            sb.AppendLine("Examples:");
            foreach (var e in c.Examples) sb.AppendLine("  " + e);
            sb.AppendLine();
            AppendFooter(sb);
            return sb.ToString();
        }

        private static void AppendOptions(StringBuilder sb, IEnumerable<OptionSpec> options)
        {
            foreach (var o in options) sb.AppendLine(o.Usage.Length < 28 ? $"  {o.Usage,-28}{o.Help}" : $"  {o.Usage} {o.Help}");
        }

        /// <summary>The help footer's line on credentials.</summary>
        internal static string SecretsText() => "Secrets are never taken on the command line: set " + SecretSources();

        /// <summary>
        /// Where credentials come from, from the descriptors: "X (Provider), ..., VECTOROPS_API_KEY for any of them,
        /// or pass --api-key-file FILE." (the footer and the refusal of a secret option both end with it).
        /// </summary>
        internal static string SecretSources()
        {
            var withCredential = ProviderRegistry.Providers.Where(p => p.Credential != null).ToList();
            var vars = withCredential
                .Select(p => string.Join(" or ", p.Credential!.AllEnvironmentVariables.Take(Math.Max(1, p.Credential.EnvironmentVariables.Count))) + " (" + p.Name + ")")
                .ToList();
            var generic = withCredential.Where(p => p.Credential!.ReadsGenericVariable).Select(p => p.Name).ToList();
            var genericText = generic.Count == 0 ? "" :
                ", " + CredentialDescriptor.GenericEnvironmentVariable + (generic.Count == withCredential.Count ? " for any of them" : " for " + string.Join(", ", generic));
            return (vars.Count > 0 ? string.Join(", ", vars) + genericText : CredentialDescriptor.GenericEnvironmentVariable) +
                   ", or pass --api-key-file FILE.";
        }

        /// <summary>The other variables read when an option is not given, from the descriptors.</summary>
        internal static string EnvironmentText()
        {
            var settings = ProviderRegistry.Providers.SelectMany(p => p.Settings.SelectMany(st => st.EnvironmentVariables.Select(v => $"{v} (--{st.OptionName})")))
                .Distinct(StringComparer.Ordinal);
            return "Read when the option is not given: " +
                   string.Join(", ", new[] { "VECTOROPS_PROVIDER (--provider)", "VECTOROPS_INDEX (--index)" }.Concat(settings)) + ".";
        }

        private static IEnumerable<string> Wrap(string text, int width = 110)
        {
            var line = new StringBuilder();
            foreach (var word in text.Split(' '))
            {
                if (line.Length > 0 && line.Length + 1 + word.Length > width)
                {
                    yield return line.ToString();
                    line.Clear();
                }
                if (line.Length > 0) line.Append(' ');
                line.Append(word);
            }
            if (line.Length > 0) yield return line.ToString();
        }

        private static void AppendFooter(StringBuilder sb)
        {
            foreach (var line in Wrap(SecretsText() + " " + EnvironmentText())) sb.AppendLine(line);
            sb.AppendLine("Output: a table on stdout, or JSON Lines with --json; errors, warnings, progress and \"What if:\" on stderr.");
            sb.AppendLine("Ctrl+C stops: no new batch starts, batches in flight finish and are reported; a second Ctrl+C exits at once.");
            sb.AppendLine("Exit codes: 0 all done; 1 a batch failed or was skipped, the run was stopped, or a wait timed out;");
            sb.AppendLine("            2 bad input or confirmation refused (nothing deleted).");
        }
    }
}
