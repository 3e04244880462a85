using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using VectorOps.Errors;
using VectorOps.Providers;

namespace VectorOps.Cli
{
    /// <summary>One --option of a command: a flag (no value) or an option with a value, once or repeatable.</summary>
    internal sealed class OptionSpec
    {
        public OptionSpec(string name, string? valueName, string help, bool repeatable = false)
        {
            Name = name;
            ValueName = valueName;
            Help = help;
            Repeatable = repeatable;
        }

        /// <summary>The name without the leading dashes.</summary>
        public string Name { get; }

        /// <summary>What the value is called in help (FILE, N, JSON); null for a flag.</summary>
        public string? ValueName { get; }

        public bool IsFlag => ValueName is null;
        public bool Repeatable { get; }
        public string Help { get; }

        public string Usage => IsFlag ? "--" + Name : "--" + Name + " " + ValueName;

        /// <summary>
        /// For an option that gives a provider setting: the providers that take it and their setting of this name
        /// (from the descriptors); null for every other option.
        /// </summary>
        public IReadOnlyList<(ProviderDescriptor Provider, SettingDescriptor Setting)>? Settings { get; set; }

        /// <summary>True when both options give the same provider setting (two names of it).</summary>
        public bool SameSetting(OptionSpec other) =>
            Settings != null && other.Settings != null &&
            Settings.Any(a => other.Settings.Any(b => ReferenceEquals(a.Setting, b.Setting)));
    }

    /// <summary>A command: its name, help, and the options it accepts.</summary>
    internal sealed class CommandSpec
    {
        public CommandSpec(string name, string summary, string usage, string description,
            IReadOnlyList<OptionSpec> options, IReadOnlyList<OptionSpec> commonOptions, IReadOnlyList<string> examples)
        {
            Name = name;
            Summary = summary;
            Usage = usage;
            Description = description;
            Options = options;
            CommonOptions = commonOptions;
            Examples = examples;
        }

        public string Name { get; }
        public string Summary { get; }
        public string Usage { get; }
        public string Description { get; }

        /// <summary>Options that belong to this command.</summary>
        public IReadOnlyList<OptionSpec> Options { get; }

        /// <summary>Shared options this command accepts (connection, output).</summary>
        public IReadOnlyList<OptionSpec> CommonOptions { get; }

        public IReadOnlyList<string> Examples { get; }

        public OptionSpec? Find(string name) =>
            Options.FirstOrDefault(o => o.Name == name) ?? CommonOptions.FirstOrDefault(o => o.Name == name);

        public IEnumerable<OptionSpec> AllOptions => Options.Concat(CommonOptions);
    }

    /// <summary>The options given on the command line, by name (without dashes), in the order given.</summary>
    internal sealed class ParsedOptions
    {
        private readonly Dictionary<string, List<string>> _values = new Dictionary<string, List<string>>(StringComparer.Ordinal);

        public ParsedOptions(string command) { Command = command; }

        public string Command { get; }

        internal void Add(string name, string value)
        {
            if (!_values.TryGetValue(name, out var list)) _values[name] = list = new List<string>();
            list.Add(value);
        }

        public bool Has(string name) => _values.ContainsKey(name);

        public string? Value(string name) => _values.TryGetValue(name, out var list) ? list[list.Count - 1] : null;

        public IReadOnlyList<string> Values(string name) =>
            _values.TryGetValue(name, out var list) ? list : (IReadOnlyList<string>)Array.Empty<string>();

        /// <summary>A whole number option, range-checked; null when absent.</summary>
        public int? Int(string name, int min, int max = int.MaxValue)
        {
            var text = Value(name);
            if (text is null) return null;
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) || n < min || n > max)
                throw Invalid(name, text, max == int.MaxValue ? $"a whole number of at least {min}" : $"a whole number from {min} to {max}");
            return n;
        }

        /// <summary>A number of seconds (fractions allowed), strictly positive; null when absent.</summary>
        public TimeSpan? Seconds(string name)
        {
            var text = Value(name);
            if (text is null) return null;
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) || !(s > 0) || s > 86400 * 365)
                throw Invalid(name, text, "a positive number of seconds");
            return TimeSpan.FromSeconds(s);
        }

        /// <summary>A positive number (fractions allowed); null when absent.</summary>
        public double? PositiveNumber(string name)
        {
            var text = Value(name);
            if (text is null) return null;
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || !(d > 0) || double.IsInfinity(d))
                throw Invalid(name, text, "a positive number");
            return d;
        }

        private static VectorOpsException Invalid(string name, string text, string expected) =>
            new VectorOpsException(ErrorIds.InvalidArgument, VectorOpsErrorCategory.InvalidArgument,
                $"--{name} expects {expected}, not '{text}'.", text);
    }

    /// <summary>
    /// A small, strict parser: --name value, --name=value, flags; -h for help. Everything unknown, a missing value,
    /// a value given to a flag, a repeated single option or a stray argument is an error (exit code 2) that names
    /// the option, never echoing a stray value (it could be a pasted secret).
    /// </summary>
    internal static class ArgumentParser
    {
        /// <summary>Option names that would carry a secret: refused with a pointer to the environment variables.</summary>
        private static readonly string[] SecretOptions = { "api-key", "apikey", "key", "token", "api-token", "password", "secret" };

        public static ParsedOptions Parse(CommandSpec spec, IReadOnlyList<string> args, IEnumerable<CommandSpec> allCommands)
        {
            var parsed = new ParsedOptions(spec.Name);
            for (var i = 0; i < args.Count; i++)
            {
                var arg = args[i];
                if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
                {
                    // The value itself is not echoed: a stray argument may be a pasted secret.
                    var after = i > 0 && args[i - 1].StartsWith("--", StringComparison.Ordinal) ? $", after {OptionName(args[i - 1])}" : "";
                    var hint = spec.Find("ids-from") != null ? " Ids are given with --id ID or --ids-from FILE."
                        : spec.Find("id") != null ? " Ids are given with --id ID." : "";
                    throw Error(ErrorIds.InvalidArgument,
                        $"Unexpected argument (the {Ordinal(i + 1)} after '{spec.Name}'{after}): commands take options only (--name value).{hint} Run 'vectorops {spec.Name} --help'.",
                        "#" + (i + 1));
                }

                var eq = arg.IndexOf('=');
                var name = eq < 0 ? arg.Substring(2) : arg.Substring(2, eq - 2);
                var option = spec.Find(name);
                if (option is null) throw UnknownOption(spec, name, allCommands);

                string value;
                if (option.IsFlag)
                {
                    if (eq >= 0)
                        throw Error(ErrorIds.InvalidArgument, $"--{name} is a switch and takes no value.", "--" + name);
                    value = "";
                }
                else if (eq >= 0)
                {
                    value = arg.Substring(eq + 1);
                }
                else
                {
                    if (i + 1 >= args.Count)
                        throw Error(ErrorIds.MissingOptionValue, $"--{name} needs a value: {option.Usage}.", "--" + name);
                    var next = args[i + 1];
                    if (next.StartsWith("--", StringComparison.Ordinal) && next.Length > 2)
                        throw Error(ErrorIds.MissingOptionValue,
                            $"--{name} needs a value ({option.Usage}) but is followed by {OptionName(next)}. If the value really starts with --, write --{name}=VALUE.",
                            "--" + name);
                    value = next;
                    i++;
                }

                if (!option.Repeatable && parsed.Has(name))
                    throw Error(ErrorIds.InvalidArgument, $"--{name} was given more than once; '{spec.Name}' takes it once.", "--" + name);
                parsed.Add(name, value);
            }
            return parsed;
        }

        /// <summary>
        /// Connection and output options may also come before the command (`vectorops --store s.db --index demo add
        /// --path records.jsonl`). This moves them after it; before the command, --path always means the store.
        /// Returns the arguments starting with the command, or an empty list when no command follows.
        /// </summary>
        public static List<string> HoistGlobalOptions(IReadOnlyList<string> args, CommandSpec globals, Func<string, CommandSpec?> findCommand)
        {
            var hoisted = new List<(OptionSpec Option, string Name, string? Inline, string? Value)>();
            var i = 0;
            while (i < args.Count && args[i].StartsWith("--", StringComparison.Ordinal) && args[i].Length > 2 &&
                   args[i] != "--help" && args[i] != "--version")
            {
                var arg = args[i];
                var eq = arg.IndexOf('=');
                var name = eq < 0 ? arg.Substring(2) : arg.Substring(2, eq - 2);
                var option = globals.Find(name);
                if (option is null)
                {
                    if (SecretOptions.Contains(name, StringComparer.OrdinalIgnoreCase)) throw UnknownOption(globals, name, Array.Empty<CommandSpec>());
                    throw Error(ErrorIds.UnknownOption,
                        $"--{name} cannot come before the command: only connection and output options can (--provider, --index, a provider's settings, --json, ...). Write: vectorops COMMAND --{name} ...",
                        "--" + name);
                }
                if (option.IsFlag || eq >= 0)
                {
                    hoisted.Add((option, name, eq >= 0 ? arg.Substring(eq) : null, null));
                    i++;
                    continue;
                }
                if (i + 1 >= args.Count || (args[i + 1].StartsWith("--", StringComparison.Ordinal) && args[i + 1].Length > 2))
                    throw Error(ErrorIds.MissingOptionValue, $"--{name} needs a value: {option.Usage}.", "--" + name);
                hoisted.Add((option, name, null, args[i + 1]));
                i += 2;
            }
            if (i >= args.Count) return new List<string>();
            var command = findCommand(args[i]);
            var result = new List<string> { args[i] };
            foreach (var (option, name, inline, value) in hoisted)
            {
                // Before the command an option always means the connection setting. Where the command has an option
                // of its own by that name (add's --path is its record file), the setting goes by another of its names.
                var target = name;
                if (command != null && command.Options.Any(o => o.Name == name))
                {
                    var other = command.CommonOptions.FirstOrDefault(o => o.SameSetting(option));
                    if (other is null)
                        throw Error(ErrorIds.InvalidArgument,
                            $"--{name} before '{command.Name}' is ambiguous: '{command.Name}' has an option --{name} of its own. Write it after the command.",
                            "--" + name);
                    target = other.Name;
                }
                result.Add("--" + target + (inline ?? ""));
                if (value != null) result.Add(value);
            }
            for (var j = i + 1; j < args.Count; j++) result.Add(args[j]);
            return result;
        }

        /// <summary>True when the arguments ask for help (--help, -h or -? anywhere, except as an option's value).</summary>
        public static bool WantsHelp(CommandSpec? spec, IReadOnlyList<string> args)
        {
            for (var i = 0; i < args.Count; i++)
            {
                var a = args[i];
                if (a == "--help" || a == "-h" || a == "-?") return true;
                if (spec != null && a.StartsWith("--", StringComparison.Ordinal) && a.IndexOf('=') < 0 &&
                    spec.Find(a.Substring(2)) is OptionSpec o && !o.IsFlag)
                    i++; // skip its value
            }
            return false;
        }

        private static string Ordinal(int n) =>
            n + (n % 100 >= 11 && n % 100 <= 13 ? "th" : (n % 10) switch { 1 => "st", 2 => "nd", 3 => "rd", _ => "th" });

        private static string OptionName(string arg)
        {
            var eq = arg.IndexOf('=');
            return eq < 0 ? arg : arg.Substring(0, eq);
        }

        private static VectorOpsException UnknownOption(CommandSpec spec, string name, IEnumerable<CommandSpec> allCommands)
        {
            if (SecretOptions.Contains(name, StringComparer.OrdinalIgnoreCase))
                return Error(ErrorIds.UnknownOption,
                    $"--{name}: secrets are never taken on the command line (the process list and shell history would show them). " +
                    "Set " + CommandTable.SecretSources(),
                    "--" + name);
            var elsewhere = allCommands.Where(c => c.Name != spec.Name && c.Find(name) != null).Select(c => c.Name).ToList();
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

        internal static VectorOpsException Error(string errorId, string message, object? target) =>
            new VectorOpsException(errorId, VectorOpsErrorCategory.InvalidArgument, message, target);
    }
}
