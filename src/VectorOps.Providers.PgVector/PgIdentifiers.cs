using System.Text.RegularExpressions;
using VectorOps.Errors;

namespace VectorOps.Providers.PgVector
{
    /// <summary>
    /// Schema, table and column names. Only a conservative set is accepted (a letter or underscore, then letters,
    /// digits, underscores or dollar signs, at most 63 characters: PostgreSQL's NAMEDATALEN), so a name can never
    /// carry a quote, a semicolon, a space or a dot into the SQL text; an accepted name is always written quoted, so
    /// it means exactly that name (case kept). Values never go into SQL text at all: they are parameters.
    /// </summary>
    internal static class PgIdentifiers
    {
        public const int MaxLength = 63;

        private static readonly Regex Rule = new Regex("^[A-Za-z_][A-Za-z0-9_$]{0,62}$", RegexOptions.CultureInvariant);

        public static bool IsValid(string? name) => name != null && Rule.IsMatch(name);

        /// <summary>
        /// The name quoted, or <paramref name="errorId"/> (InvalidArgument, target = the name) saying what
        /// <paramref name="what"/> may hold.
        /// </summary>
        public static string Check(string? name, string what, string errorId)
        {
            if (!IsValid(name))
                throw new VectorOpsException(errorId, VectorOpsErrorCategory.InvalidArgument,
                    $"The {what} '{Printable(name)}' is not accepted: a name here starts with a letter or underscore and has only letters, digits, " +
                    $"underscores or dollar signs, at most {MaxLength} characters (no quotes, semicolons, spaces or dots). Nothing was read or changed.",
                    name);
            return Quote(name!);
        }

        /// <summary>"name", for a name that passed <see cref="IsValid"/> (so it has no quote to double).</summary>
        public static string Quote(string name) => "\"" + name + "\"";

        /// <summary>The name for a message: control characters shown as \uXXXX, long names cut.</summary>
        public static string Printable(string? text)
        {
            if (text is null) return "";
            var sb = new System.Text.StringBuilder();
            foreach (var c in text)
            {
                if (sb.Length >= 76) { sb.Append('…'); break; }
                if (char.IsControl(c) || char.IsSurrogate(c)) sb.Append("\\u").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
                else sb.Append(c);
            }
            return sb.ToString();
        }
    }
}
