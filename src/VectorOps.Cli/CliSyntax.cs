using System;
using System.Collections.Generic;
using System.CommandLine;
using System.CommandLine.Completions;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Linq;
using VectorOps.Errors;

namespace VectorOps.Cli
{
    /// <summary>What the command line asked for, once System.CommandLine parsed it and the CLI's rules passed.</summary>
    internal sealed class ParsedCommand
    {
        public ParsedCommand(CommandSpec spec, ParsedOptions options, string? argument)
        {
            Spec = spec;
            Options = options;
            Argument = argument;
        }

        public CommandSpec Spec { get; }
        public ParsedOptions Options { get; }

        /// <summary>The word after help or completion; null when none was given.</summary>
        public string? Argument { get; }
    }

    /// <summary>
    /// System.CommandLine's command tree, built from <see cref="CommandTable"/> (the one declaration), and the CLI's
    /// reading of its parse: the same strict rules and error ids as ever. Every unknown option, a missing value, a
    /// value given to a switch, a repeated single option or a stray argument is an error (exit code 2) that names
    /// the option, never echoing a stray value (it could be a pasted secret); System.CommandLine's own messages,
    /// which quote the token, are never shown. Help is CommandTable's text; Tab completion is System.CommandLine's
    /// [suggest] directive, fed by the declaration's completions (provider names, the descriptors' value sets).
    /// </summary>
    internal sealed class CliSyntax
    {
        /// <summary>Option names that would carry a secret: refused with a pointer to the environment variables.</summary>
        private static readonly string[] SecretOptions = { "api-key", "apikey", "key", "token", "api-token", "password", "secret" };

        private static CliSyntax? _current;

        private readonly Dictionary<Option, OptionSpec> _specs = new Dictionary<Option, OptionSpec>();
        private readonly Dictionary<Command, CommandSpec> _commands = new Dictionary<Command, CommandSpec>();
        private readonly Dictionary<CommandSpec, Argument<string[]>> _arguments = new Dictionary<CommandSpec, Argument<string[]>>();
        private readonly object _generation;

        /// <summary>
        /// No response files (an id or a filter may start with @) and no bundling of one-letter options: every word
        /// means what it says.
        /// </summary>
        private static readonly ParserConfiguration Configuration = new ParserConfiguration
        {
            EnablePosixBundling = false,
            ResponseFileTokenReplacer = null,
        };

        private CliSyntax()
        {
            _generation = CommandTable.Generation;
            Root = new RootCommand("vectorops: delete and maintain records in vector databases, safely.");
            Root.Options.Clear();
            // --help, -h and -? on every command (not /? or /h: a value may be a path); the text is CommandTable's.
            Root.Options.Add(new HelpOption("--help", "-h", "-?") { Recursive = true, Action = new HelpPage(this) });
            Root.Options.Add(new VersionOption("--version") { Action = new VersionLine() });
            // Before the command: the connection and output options (there --path is the store's setting).
            foreach (var o in CommandTable.Global.CommonOptions) Root.Options.Add(MakeOption(o));
            foreach (var spec in CommandTable.Commands.Concat(CommandTable.MetaCommands))
            {
                // "group sub" (two words) is the subcommand sub of a command group, which takes nothing itself.
                var words = spec.Name.Split(' ');
                var parent = (Command)Root;
                foreach (var word in words.Take(words.Length - 1))
                {
                    var group = parent.Subcommands.FirstOrDefault(c => c.Name == word);
                    if (group is null)
                    {
                        group = new Command(word, $"The {word} commands.");
                        parent.Subcommands.Add(group);
                    }
                    parent = group;
                }
                var command = new Command(words[words.Length - 1], spec.Summary);
                foreach (var o in spec.AllOptions) command.Options.Add(MakeOption(o));
                if (spec.Argument is ArgumentSpec a)
                {
                    var argument = new Argument<string[]>(a.Name) { Description = a.Help, Arity = ArgumentArity.ZeroOrMore };
                    argument.CompletionSources.Add(_ => a.Completions());
                    command.Arguments.Add(argument);
                    _arguments[spec] = argument;
                }
                _commands[command] = spec;
                parent.Subcommands.Add(command);
            }
        }

        /// <summary>The tree of the registry as it is now (rebuilt when a provider is registered).</summary>
        public static CliSyntax Current
        {
            get
            {
                var current = _current;
                if (current != null && ReferenceEquals(current._generation, CommandTable.Generation)) return current;
                return _current = new CliSyntax();
            }
        }

        public RootCommand Root { get; }

        private Option MakeOption(OptionSpec spec)
        {
            Option option;
            if (spec.IsFlag)
            {
                option = new Option<bool>("--" + spec.Name) { Arity = ArgumentArity.Zero };
            }
            else
            {
                // Every value option takes any number of --name VALUE (one value each): a repeated single option is
                // refused by Read, with the CLI's message rather than the library's.
                option = new Option<string[]>("--" + spec.Name)
                {
                    Arity = ArgumentArity.OneOrMore,
                    AllowMultipleArgumentsPerToken = false,
                    HelpName = spec.ValueName,
                };
                if (spec.Completions is Func<IEnumerable<string>> values)
                    option.CompletionSources.Add(_ => values());
            }
            option.Description = spec.Help;
            _specs[option] = spec;
            return option;
        }

        public ParseResult Parse(IReadOnlyList<string> args) => Root.Parse(args, Configuration);

        /// <summary>
        /// True when the parse asks for something System.CommandLine does itself: help (--help, -h, -? anywhere but
        /// as an option's value), --version, or completions ([suggest:N] "LINE").
        /// </summary>
        public static bool HasOwnAction(ParseResult result) => result.Action != null && !(result.Action is ParseErrorAction);

        public static InvocationConfiguration Invocation(CliConsole console) => new InvocationConfiguration
        {
            Output = console.Out,
            Error = console.Error,
            // Ctrl+C and exceptions are the CLI's own (CliApp): a first Ctrl+C stops gracefully, a second ends it.
            ProcessTerminationTimeout = null,
            EnableDefaultExceptionHandler = false,
        };

        /// <summary>Parses and reads in one step (tests, and whoever needs no System.CommandLine action).</summary>
        public ParsedCommand Read(IReadOnlyList<string> args) => Read(Parse(args), args);

        /// <summary>
        /// The command and its options, as the handlers read them; or the first problem with the command line, in
        /// the order given, as a <see cref="VectorOpsException"/> (exit code 2).
        /// </summary>
        public ParsedCommand Read(ParseResult result, IReadOnlyList<string> args)
        {
            CheckTokens(result, args);
            var commandResult = result.CommandResult;
            if (!_commands.TryGetValue(commandResult.Command, out var spec))
            {
                if (!ReferenceEquals(commandResult.Command, Root)) throw GroupWithoutSubcommand(commandResult.Command);
                throw Error(ErrorIds.UnknownCommand,
                    args.Count == 0 ? "No command given. Run 'vectorops help'." : "No command given after the options. Run 'vectorops help'.", null);
            }

            var parsed = new ParsedOptions(spec.Name);
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            // Options before the command first (in the order given), each under the command's name for it.
            foreach (var r in OptionResults(result.RootCommandResult))
            {
                if (r.Implicit || !_specs.TryGetValue(r.Option, out var option)) continue;
                if (CommandTable.MetaCommands.Contains(spec)) continue; // help and completion take no connection
                Add(spec, parsed, counts, Target(spec, option), r);
            }
            if (!ReferenceEquals(commandResult, result.RootCommandResult))
                foreach (var r in OptionResults(commandResult))
                    if (_specs.TryGetValue(r.Option, out var option))
                        Add(spec, parsed, counts, option, r);

            var words = _arguments.TryGetValue(spec, out var a) ? result.GetValue(a) : null;
            if (words != null && words.Length > 1 && !spec.Argument!.Words)
                throw Error(ErrorIds.InvalidArgument, $"'{spec.Name}' takes one {spec.Argument.Name} and no more: {spec.Usage}.", "#2");
            return new ParsedCommand(spec, parsed, words is null || words.Length == 0 ? null : string.Join(" ", words));
        }

        /// <summary>
        /// Before the command an option always means the connection setting. Where the command has an option of its
        /// own by that name (add's --path is its record file), the setting goes by another of its names (--store).
        /// </summary>
        private static OptionSpec Target(CommandSpec spec, OptionSpec global)
        {
            if (!spec.Options.Any(o => o.Name == global.Name))
                return spec.CommonOptions.FirstOrDefault(o => o.Name == global.Name) ?? throw UnknownOption(spec, global.Name);
            return spec.CommonOptions.FirstOrDefault(o => o.SameSetting(global)) ??
                   throw Error(ErrorIds.InvalidArgument,
                       $"--{global.Name} before '{spec.Name}' is ambiguous: '{spec.Name}' has an option --{global.Name} of its own. Write it after the command.",
                       "--" + global.Name);
        }

        private static void Add(CommandSpec spec, ParsedOptions parsed, Dictionary<string, int> counts, OptionSpec option, OptionResult r)
        {
            if (r.Implicit) return;
            counts.TryGetValue(option.Name, out var n);
            counts[option.Name] = n += r.IdentifierTokenCount;
            if (!option.Repeatable && n > 1)
                throw Error(ErrorIds.InvalidArgument, $"--{option.Name} was given more than once; '{spec.Name}' takes it once.", "--" + option.Name);
            if (option.IsFlag)
                parsed.Add(option.Name, "");
            else
                foreach (var t in r.Tokens) parsed.Add(option.Name, t.Value);
        }

        private static IEnumerable<OptionResult> OptionResults(CommandResult command) => command.Children.OfType<OptionResult>();

        /// <summary>Every token an option or a command's argument took as its value.</summary>
        private static HashSet<Token> Consumed(CommandResult command)
        {
            var set = new HashSet<Token>(ReferenceEqualityComparer.Instance);
            var stack = new Stack<SymbolResult>();
            stack.Push(command);
            while (stack.Count > 0)
            {
                var s = stack.Pop();
                if (s is OptionResult || s is ArgumentResult)
                    foreach (var t in s.Tokens) set.Add(t);
                if (s is CommandResult c)
                    foreach (var child in c.Children) stack.Push(child);
            }
            return set;
        }

        /// <summary>
        /// Walks System.CommandLine's tokens in order and throws the first that breaks the CLI's rules: a value
        /// option without its value (the library would take the next option as the value), an argument nothing
        /// took (an unknown option, a stray word, a value given to a switch), a word before the command that is no
        /// command.
        /// </summary>
        private void CheckTokens(ParseResult result, IReadOnlyList<string> args)
        {
            var consumed = Consumed(result.RootCommandResult);
            var tokens = result.Tokens;
            Command scope = Root;
            CommandSpec? spec = null;
            var position = 0; // words after the command, for messages
            Token? previous = null;
            for (var i = 0; i < tokens.Count; i++)
            {
                var t = tokens[i];
                switch (t.Type)
                {
                    case TokenType.Directive:
                        break;
                    case TokenType.Command:
                        var sub = scope.Subcommands.FirstOrDefault(c => c.Name == t.Value);
                        if (sub != null)
                        {
                            scope = sub;
                            spec = _commands.TryGetValue(sub, out var found) ? found : null;
                            position = 0;
                        }
                        break;
                    case TokenType.Option:
                        position++;
                        var option = FindOption(scope, t.Value);
                        if (option is null || !_specs.TryGetValue(option, out var os) || os.IsFlag) break;
                        var next = i + 1 < tokens.Count ? tokens[i + 1] : null;
                        if (next is null || next.Type != TokenType.Argument || !consumed.Contains(next))
                            throw Error(ErrorIds.MissingOptionValue, $"--{os.Name} needs a value: {os.Usage}.", "--" + os.Name);
                        // System.CommandLine takes the word after an option as its value even when it is an option:
                        // --namespace --id doc-1 would read "--id" as the namespace. Only --name=--value says so.
                        if (next.Value.StartsWith("--", StringComparison.Ordinal) && next.Value.Length > 2 && !args.Contains(t.Value + "=" + next.Value))
                            throw Error(ErrorIds.MissingOptionValue,
                                $"--{os.Name} needs a value ({os.Usage}) but is followed by {OptionName(next.Value)}. If the value really starts with --, write --{os.Name}=VALUE.",
                                "--" + os.Name);
                        if (!args.Contains(t.Value + "=" + next.Value)) position++;
                        previous = next;
                        i++;
                        continue;
                    case TokenType.DoubleDash:
                    case TokenType.Argument:
                        position++;
                        if (t.Type == TokenType.Argument && consumed.Contains(t)) break;
                        if (spec is null && !ReferenceEquals(scope, Root)) throw GroupWithoutSubcommand(scope);
                        throw Stray(t.Value, spec, previous, position, args);
                }
                previous = t;
            }
        }

        private static Option? FindOption(Command scope, string name)
        {
            for (Symbol? s = scope; s != null; s = s.Parents.FirstOrDefault())
                if (s is Command c)
                {
                    var o = c.Options.FirstOrDefault(x => x.Name == name || x.Aliases.Contains(name));
                    if (o != null && (ReferenceEquals(c, scope) || o.Recursive)) return o;
                }
            return null;
        }

        /// <summary>A word nothing took. Its text is never echoed unless it is an option's name.</summary>
        private VectorOpsException Stray(string value, CommandSpec? spec, Token? previous, int position, IReadOnlyList<string> args)
        {
            var isOption = value.StartsWith("--", StringComparison.Ordinal) && value.Length > 2;
            var name = isOption ? OptionName(value).Substring(2) : "";
            if (spec is null)
            {
                if (isOption)
                {
                    if (IsSecretName(name)) return SecretOption(name);
                    return Error(ErrorIds.UnknownOption,
                        $"--{name} cannot come before the command: only connection and output options can (--provider, --index, a provider's settings, --json, ...). Write: vectorops COMMAND --{name} ...",
                        "--" + name);
                }
                return UnknownCommand(value);
            }
            if (isOption) return UnknownOption(spec, name);
            if (previous != null && previous.Type == TokenType.Option && args.Contains(previous.Value + "=" + value))
                return Error(ErrorIds.InvalidArgument, $"{previous.Value} is a switch and takes no value.", previous.Value);
            var after = previous != null && previous.Type == TokenType.Option ? $", after {previous.Value}" : "";
            var hint = spec.Find("ids-from") != null ? " Ids are given with --id ID or --ids-from FILE."
                : spec.Find("id") != null ? " Ids are given with --id ID." : "";
            return Error(ErrorIds.InvalidArgument,
                $"Unexpected argument (the {Ordinal(position)} after '{spec.Name}'{after}): commands take options only (--name value).{hint} Run 'vectorops {spec.Name} --help'.",
                "#" + position);
        }

        /// <summary>A command group ("profile") given without one of its subcommands, or with another word.</summary>
        private static VectorOpsException GroupWithoutSubcommand(Command group)
        {
            var subs = string.Join("|", group.Subcommands.Select(c => c.Name));
            var first = group.Subcommands.Select(c => c.Name).FirstOrDefault() ?? "";
            return Error(ErrorIds.UnknownCommand,
                $"'{group.Name}' takes a subcommand: vectorops {group.Name} {subs} [options]. Run 'vectorops help {group.Name} {first}'.", null);
        }

        /// <summary>A word where a command belongs that is none: the closest command's name, if one is close.</summary>
        internal static VectorOpsException UnknownCommand(string name)
        {
            var names = CommandTable.Commands.Concat(CommandTable.MetaCommands).Select(c => c.Name.Split(' ')[0]).Distinct().ToList();
            var list = string.Join(", ", names);
            if (name.StartsWith("-", StringComparison.Ordinal))
                return Error(ErrorIds.UnknownCommand, "Expected a command, not an option: vectorops COMMAND [options]. Commands: " + list + ".", null);
            var suggestion = Closest(name, names);
            var hint = suggestion is null ? "" : $" Did you mean '{suggestion}'?";
            var shown = name.Length > 40 ? "" : $" '{name}'";
            return Error(ErrorIds.UnknownCommand, $"Unknown command{shown}.{hint} Commands: {list}.", null);
        }

        private static bool IsSecretName(string name) => SecretOptions.Contains(name, StringComparer.OrdinalIgnoreCase);

        private static VectorOpsException SecretOption(string name) =>
            Error(ErrorIds.UnknownOption,
                $"--{name}: secrets are never taken on the command line (the process list and shell history would show them). " +
                "Set " + CommandTable.SecretSources(),
                "--" + name);

        private static VectorOpsException UnknownOption(CommandSpec spec, string name)
        {
            if (IsSecretName(name)) return SecretOption(name);
            var elsewhere = CommandTable.Commands.Where(c => c.Name != spec.Name && c.Find(name) != null).Select(c => c.Name).ToList();
            if (elsewhere.Count > 0)
            {
                var extra = name == "force" && spec.Name == "clear" ? " Use --yes to clear without a prompt." : "";
                return Error(ErrorIds.UnknownOption,
                    $"--{name} does not apply to '{spec.Name}' (it is an option of {string.Join(", ", elsewhere.Select(e => "'" + e + "'"))}).{extra} Run 'vectorops {spec.Name} --help'.",
                    "--" + name);
            }
            var suggestion = Closest(name, spec.AllOptions.Select(o => o.Name));
            return Error(ErrorIds.UnknownOption,
                $"Unknown option --{name} for '{spec.Name}'.{(suggestion is null ? "" : $" Did you mean --{suggestion}?")} Run 'vectorops {spec.Name} --help'.",
                "--" + name);
        }

        internal static string? Closest(string word, IEnumerable<string> candidates)
        {
            string? best = null;
            var bestDistance = int.MaxValue;
            foreach (var c in candidates)
            {
                var d = Distance(word.ToLowerInvariant(), c);
                if (d < bestDistance)
                {
                    bestDistance = d;
                    best = c;
                }
            }
            return bestDistance <= Math.Max(1, word.Length / 3) ? best : null;
        }

        private static int Distance(string a, string b)
        {
            var prev = new int[b.Length + 1];
            var cur = new int[b.Length + 1];
            for (var j = 0; j <= b.Length; j++) prev[j] = j;
            for (var i = 1; i <= a.Length; i++)
            {
                cur[0] = i;
                for (var j = 1; j <= b.Length; j++)
                    cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
                var t = prev;
                prev = cur;
                cur = t;
            }
            return prev[b.Length];
        }

        private static string Ordinal(int n) =>
            n + (n % 100 >= 11 && n % 100 <= 13 ? "th" : (n % 10) switch { 1 => "st", 2 => "nd", 3 => "rd", _ => "th" });

        /// <summary>An option's name without a value given with '=' (which could be a secret).</summary>
        private static string OptionName(string arg)
        {
            var eq = arg.IndexOf('=');
            return eq < 0 ? arg : arg.Substring(0, eq);
        }

        internal static VectorOpsException Error(string errorId, string message, object? target) =>
            new VectorOpsException(errorId, VectorOpsErrorCategory.InvalidArgument, message, target);

        /// <summary>--help, -h, -?: CommandTable's page of the command (the overview before any command).</summary>
        private sealed class HelpPage : SynchronousCommandLineAction
        {
            private readonly CliSyntax _syntax;

            public HelpPage(CliSyntax syntax) { _syntax = syntax; }

            public override bool ClearsParseErrors => true;

            public override int Invoke(ParseResult parseResult)
            {
                var command = parseResult.CommandResult.Command;
                var text = _syntax._commands.TryGetValue(command, out var spec) ? CommandTable.CommandHelp(spec)
                    : ReferenceEquals(command, _syntax.Root) ? CommandTable.GeneralHelp()
                    : CommandTable.GroupHelp(command.Name);
                parseResult.InvocationConfiguration.Output.Write(text);
                return CliApp.ExitOk;
            }
        }

        /// <summary>--version: "vectorops X.Y.Z", the build's version (the module manifest's, Directory.Build.props).</summary>
        private sealed class VersionLine : SynchronousCommandLineAction
        {
            public override bool ClearsParseErrors => false;

            public override int Invoke(ParseResult parseResult)
            {
                parseResult.InvocationConfiguration.Output.WriteLine("vectorops " + CommandTable.Version);
                return CliApp.ExitOk;
            }
        }
    }
}
