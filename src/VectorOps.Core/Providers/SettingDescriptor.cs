using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using VectorOps.Errors;

namespace VectorOps.Providers
{
    /// <summary>The type of a provider setting: what a front end binds it as, and how text (CLI, environment) is read.</summary>
    public enum SettingKind
    {
        /// <summary>A string (bound as string; blank refused).</summary>
        Text,
        /// <summary>An absolute http(s) URI; in text, a bare host name means https://host.</summary>
        Uri,
        /// <summary>A file path; each front end resolves it against its own current location.</summary>
        FilePath,
        /// <summary>A whole number within <see cref="SettingDescriptor.Minimum"/> and <see cref="SettingDescriptor.Maximum"/>.</summary>
        Integer,
        /// <summary>A number within <see cref="SettingDescriptor.Minimum"/> and <see cref="SettingDescriptor.Maximum"/>.</summary>
        Number,
        /// <summary>On when given (a switch parameter, a flag option).</summary>
        Switch,
        /// <summary>A duration; in text, a number of seconds.</summary>
        Duration,
    }

    /// <summary>
    /// One setting a provider takes beyond the ones every provider shares (index, namespace, timeout, attempts,
    /// rate, credential): its name (the PowerShell parameter; the CLI option is the same name in kebab case), type,
    /// help text, aliases, environment variables and checks. Declared in the provider's descriptor; both front ends
    /// offer exactly these (Connect-VectorIndex as dynamic parameters, the CLI as options), so no front end names a
    /// provider or its settings.
    /// </summary>
    public sealed class SettingDescriptor
    {
        public SettingDescriptor(string name, SettingKind kind, string help)
        {
            if (string.IsNullOrWhiteSpace(name) || !char.IsUpper(name[0]) || name.Any(c => !char.IsLetterOrDigit(c)))
                throw new ArgumentException("A setting name is PascalCase letters and digits: " + name, nameof(name));
            Name = name;
            Kind = kind;
            Help = help ?? throw new ArgumentNullException(nameof(help));
        }

        /// <summary>PascalCase: the PowerShell parameter name, and the key in <see cref="ConnectionSettings"/>.</summary>
        public string Name { get; }

        public SettingKind Kind { get; }

        /// <summary>One or two sentences for Get-Help and the CLI's help.</summary>
        public string Help { get; }

        /// <summary>Other names of the parameter (PascalCase); the CLI offers them in kebab case too.</summary>
        public IReadOnlyList<string> Aliases { get; set; } = Array.Empty<string>();

        /// <summary>Environment variables read, in order, when the setting is not given (blank counts as not set).</summary>
        public IReadOnlyList<string> EnvironmentVariables { get; set; } = Array.Empty<string>();

        /// <summary>Values offered by tab completion and listed in help.</summary>
        public IReadOnlyList<string> SuggestedValues { get; set; } = Array.Empty<string>();

        /// <summary>When true, only <see cref="SuggestedValues"/> are accepted (case-insensitive; the declared spelling is kept).</summary>
        public bool OnlySuggestedValues { get; set; }

        /// <summary>Smallest accepted value of an Integer or Number setting.</summary>
        public double Minimum { get; set; } = double.MinValue;

        /// <summary>Largest accepted value of an Integer or Number setting.</summary>
        public double Maximum { get; set; } = double.MaxValue;

        /// <summary>What applies when the setting is not given, in words, for help ("https://api.example.com").</summary>
        public string? DefaultText { get; set; }

        /// <summary>
        /// For a setting whose value may hold a secret inside it (a connection string with a password): says whether
        /// a value does. A front end where values are typed on a command line (the CLI) refuses such a value there,
        /// as it refuses secret options, without echoing it; the setting's environment variables still carry it.
        /// Null: the setting's values never hold a secret.
        /// </summary>
        public Func<string, bool>? CarriesSecret { get; set; }

        /// <summary>True when <see cref="CarriesSecret"/> says <paramref name="value"/> holds a secret (false for null or blank).</summary>
        public bool HoldsSecret(string? value) => CarriesSecret != null && !string.IsNullOrWhiteSpace(value) && CarriesSecret(value!);

        /// <summary>The CLI's option name: the setting name in kebab case (IndexHost: index-host).</summary>
        public string OptionName => Kebab(Name);

        /// <summary>What the value is called in the CLI's help (URI, FILE, N, SECONDS, TEXT); empty for a switch.</summary>
        public string ValueName => Kind switch
        {
            SettingKind.Uri => "URI",
            SettingKind.FilePath => "FILE",
            SettingKind.Integer => "N",
            SettingKind.Number => "N",
            SettingKind.Duration => "SECONDS",
            SettingKind.Switch => "",
            _ => SuggestedValues.Count > 0 && OnlySuggestedValues ? string.Join("|", SuggestedValues) : "TEXT",
        };

        /// <summary>The .NET type a value of this setting has once read: string, Uri, int, double, bool or TimeSpan.</summary>
        public Type ValueType => Kind switch
        {
            SettingKind.Uri => typeof(Uri),
            SettingKind.Integer => typeof(int),
            SettingKind.Number => typeof(double),
            SettingKind.Switch => typeof(bool),
            SettingKind.Duration => typeof(TimeSpan),
            _ => typeof(string),
        };

        /// <summary>The help text with the default, the environment variables and the accepted values.</summary>
        public string FullHelp
        {
            get
            {
                var sb = new StringBuilder(Help);
                if (SuggestedValues.Count > 0)
                    sb.Append(OnlySuggestedValues ? " One of: " : " For example: ").Append(string.Join(", ", SuggestedValues)).Append('.');
                if (DefaultText != null) sb.Append(" Default: ").Append(DefaultText).Append('.');
                if (EnvironmentVariables.Count > 0)
                    sb.Append(" When not given: the environment variable ").Append(string.Join(", then ", EnvironmentVariables)).Append('.');
                return sb.ToString();
            }
        }

        /// <summary>True when <paramref name="name"/> is this setting's name or one of its aliases, in PascalCase or kebab case.</summary>
        public bool Matches(string name)
        {
            if (string.Equals(name, Name, StringComparison.OrdinalIgnoreCase) || string.Equals(name, OptionName, StringComparison.OrdinalIgnoreCase))
                return true;
            foreach (var alias in Aliases)
                if (string.Equals(name, alias, StringComparison.OrdinalIgnoreCase) || string.Equals(name, Kebab(alias), StringComparison.OrdinalIgnoreCase))
                    return true;
            return false;
        }

        /// <summary>
        /// Reads a value given as text (a CLI option, an environment variable) and checks it. Throws InvalidArgument
        /// (target = the text) naming the setting the way <paramref name="names"/> spells it.
        /// </summary>
        public object ParseText(string text, SettingNames names)
        {
            if (text is null) throw new ArgumentNullException(nameof(text));
            var t = text.Trim();
            switch (Kind)
            {
                case SettingKind.Integer:
                    if (!int.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)) throw Invalid(text, names, ExpectedText);
                    return Check(n, text, names);
                case SettingKind.Number:
                    if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) throw Invalid(text, names, ExpectedText);
                    return Check(d, text, names);
                case SettingKind.Duration:
                    if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) || double.IsNaN(s) || double.IsInfinity(s) || s > TimeSpan.MaxValue.TotalSeconds)
                        throw Invalid(text, names, ExpectedText);
                    return Check(TimeSpan.FromSeconds(s), text, names);
                case SettingKind.Switch:
                    if (t.Length == 0 || t == "1" || t.Equals("true", StringComparison.OrdinalIgnoreCase)) return true;
                    if (t == "0" || t.Equals("false", StringComparison.OrdinalIgnoreCase)) return false;
                    throw Invalid(text, names, ExpectedText);
                case SettingKind.Uri:
                    // A bare host name (as consoles show hosts) means https://host.
                    var withScheme = t.IndexOf("://", StringComparison.Ordinal) < 0 && t.Length > 0 ? "https://" + t : t;
                    if (!System.Uri.TryCreate(withScheme, UriKind.Absolute, out var uri)) throw Invalid(text, names, ExpectedText);
                    return Check(uri, text, names);
                default:
                    return Check(t, text, names);
            }
        }

        /// <summary>
        /// Checks a value already of (or convertible to) <see cref="ValueType"/>, as a front end bound it, and returns
        /// it in that type. Text values are read with <see cref="ParseText"/>.
        /// </summary>
        public object Normalize(object value, SettingNames names)
        {
            if (value is null) throw Invalid("", names, ExpectedText);
            if (value is string text && ValueType != typeof(string)) return ParseText(text, names);
            try
            {
                switch (Kind)
                {
                    case SettingKind.Integer:
                        if (value is double dd && Math.Floor(dd) != dd) throw Invalid(dd, names, ExpectedText);
                        return Check(Convert.ToInt32(value, CultureInfo.InvariantCulture), value, names);
                    case SettingKind.Number:
                        return Check(Convert.ToDouble(value, CultureInfo.InvariantCulture), value, names);
                    case SettingKind.Switch:
                        return Convert.ToBoolean(value, CultureInfo.InvariantCulture);
                    case SettingKind.Duration:
                        return Check(value is TimeSpan ts ? ts : TimeSpan.FromSeconds(Convert.ToDouble(value, CultureInfo.InvariantCulture)), value, names);
                    case SettingKind.Uri:
                        if (value is Uri u) return Check(u, value, names);
                        return ParseText(value.ToString() ?? "", names);
                    default:
                        return Check(value.ToString() ?? "", value, names);
                }
            }
            catch (Exception ex) when (ex is FormatException || ex is InvalidCastException || ex is OverflowException)
            {
                throw Invalid(value, names, ExpectedText);
            }
        }

        private object Check(object value, object given, SettingNames names)
        {
            switch (value)
            {
                case int i when i < Minimum || i > Maximum:
                case double d when double.IsNaN(d) || double.IsInfinity(d) || d < Minimum || d > Maximum:
                    throw Invalid(given, names, ExpectedText);
                case TimeSpan ts when ts <= TimeSpan.Zero:
                    throw Invalid(given, names, "a positive number of seconds");
                case Uri u when !u.IsAbsoluteUri || (u.Scheme != System.Uri.UriSchemeHttps && u.Scheme != System.Uri.UriSchemeHttp):
                    throw Invalid(given, names, "an absolute http(s) URI", ErrorIds.InvalidEndpoint);
                case string s when s.Trim().Length == 0 || s.IndexOf('\0') >= 0:
                    throw Invalid(given, names, "a non-blank value");
                case string s when OnlySuggestedValues:
                    var match = SuggestedValues.FirstOrDefault(v => string.Equals(v, s.Trim(), StringComparison.OrdinalIgnoreCase));
                    if (match is null) throw Invalid(given, names, ExpectedText);
                    return match;
                case string s:
                    return s.Trim();
            }
            return value;
        }

        private string ExpectedText => Kind switch
        {
            SettingKind.Integer => Range("a whole number"),
            SettingKind.Number => Range("a number"),
            SettingKind.Duration => "a positive number of seconds",
            SettingKind.Switch => "true or false",
            SettingKind.Uri => "an absolute http(s) URI",
            _ => OnlySuggestedValues ? "one of " + string.Join(", ", SuggestedValues) : "a non-blank value",
        };

        private string Range(string what)
        {
            var hasMin = Minimum > double.MinValue;
            var hasMax = Maximum < double.MaxValue;
            if (hasMin && hasMax) return $"{what} from {Minimum.ToString(CultureInfo.InvariantCulture)} to {Maximum.ToString(CultureInfo.InvariantCulture)}";
            if (hasMin) return $"{what} of at least {Minimum.ToString(CultureInfo.InvariantCulture)}";
            if (hasMax) return $"{what} of at most {Maximum.ToString(CultureInfo.InvariantCulture)}";
            return what;
        }

        private VectorOpsException Invalid(object given, SettingNames names, string expected, string errorId = ErrorIds.InvalidSetting) =>
            new VectorOpsException(errorId, VectorOpsErrorCategory.InvalidArgument,
                $"{names.Option(this)} must be {expected}, not '{Convert.ToString(given, CultureInfo.InvariantCulture)}'.", given);

        /// <summary>IndexHost: index-host.</summary>
        public static string Kebab(string pascal)
        {
            var sb = new StringBuilder(pascal.Length + 4);
            for (var i = 0; i < pascal.Length; i++)
            {
                var c = pascal[i];
                if (char.IsUpper(c) && i > 0 && (!char.IsUpper(pascal[i - 1]) || (i + 1 < pascal.Length && char.IsLower(pascal[i + 1]))))
                    sb.Append('-');
                sb.Append(char.ToLowerInvariant(c));
            }
            return sb.ToString();
        }

        public override string ToString() => Name;
    }
}
