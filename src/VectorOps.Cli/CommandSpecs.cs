using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using VectorOps.Errors;
using VectorOps.Providers;

namespace VectorOps.Cli
{
    /// <summary>
    /// One --option of a command: a flag (no value) or an option with a value, once or repeatable. The declaration
    /// System.CommandLine's options are built from (<see cref="CliSyntax"/>), and the help's.
    /// </summary>
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

        /// <summary>
        /// The values Tab offers for this option (provider names, a setting's value set from its descriptor); null
        /// when the shell's own completion (file names) is the better guess.
        /// </summary>
        public Func<IEnumerable<string>>? Completions { get; set; }

        /// <summary>True when both options give the same provider setting (two names of it).</summary>
        public bool SameSetting(OptionSpec other) =>
            Settings != null && other.Settings != null &&
            Settings.Any(a => other.Settings.Any(b => ReferenceEquals(a.Setting, b.Setting)));
    }

    /// <summary>The one word a command may take after its name (help's COMMAND, completion's SHELL).</summary>
    internal sealed class ArgumentSpec
    {
        public ArgumentSpec(string name, string help, Func<IEnumerable<string>> completions)
        {
            Name = name;
            Help = help;
            Completions = completions;
        }

        /// <summary>What it is called in help (COMMAND, SHELL).</summary>
        public string Name { get; }
        public string Help { get; }

        /// <summary>The words it accepts: offered by Tab, and anything else is refused by the command.</summary>
        public Func<IEnumerable<string>> Completions { get; }

        /// <summary>True when it may be several words, read as one (help's COMMAND: "profile save").</summary>
        public bool Words { get; set; }
    }

    /// <summary>A command: its name, help, the options it accepts, and (help, completion) its one argument.</summary>
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

        /// <summary>The word it takes after its name, if any (operations take options only).</summary>
        public ArgumentSpec? Argument { get; set; }

        public OptionSpec? Find(string name) =>
            Options.FirstOrDefault(o => o.Name == name) ?? CommonOptions.FirstOrDefault(o => o.Name == name);

        public IEnumerable<OptionSpec> AllOptions => Options.Concat(CommonOptions);
    }

    /// <summary>
    /// The options given on the command line, by name (without dashes), in the order given: what System.CommandLine
    /// parsed (<see cref="CliSyntax.Read"/>), read back by the handlers; the typed readers keep the CLI's messages.
    /// </summary>
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
}
