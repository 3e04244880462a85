using System;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using VectorOps.Errors;
using VectorOps.Serialization;

namespace VectorOps.Providers.Qdrant
{
    /// <summary>
    /// Qdrant's point ids: an unsigned 64-bit integer or a UUID (ExtendedPointId in the API document). A VectorOps id
    /// is text, so each id is read as one of the two forms before it is sent: all decimal digits is the integer form
    /// (sent as a JSON number), anything else must be the UUID form (sent as a string). Qdrant accepts UUIDs in the
    /// simple, hyphenated and urn spellings, in either case, but answers every UUID hyphenated and lowercase: an id
    /// given another way would not come back as it was given (a backup, a listing, a restore would disagree with the
    /// user's list), so only the form Qdrant answers is taken, and the error says how to write the others.
    /// Likewise "0042" would be stored as 42: an integer id has no leading zero.
    /// </summary>
    internal static class QdrantIds
    {
        public const string MaxInteger = "18446744073709551615";

        /// <summary>True for the forms sent as they are (the common case, checked in one pass).</summary>
        [MethodImpl(HotPath.Optimize)]
        public static bool IsValid(string? id)
        {
            if (id is null || id.Length == 0) return false;
            if (id.Length == 36) return IsCanonicalUuid(id);
            if (id.Length > 20) return false;
            if (id[0] == '0') return id.Length == 1;
            for (var i = 0; i < id.Length; i++)
                if ((uint)(id[i] - '0') > 9) return false;
            return id.Length < 20 || string.CompareOrdinal(id, MaxInteger) <= 0;
        }

        private static bool IsCanonicalUuid(string id)
        {
            for (var i = 0; i < 36; i++)
            {
                var c = id[i];
                if (i == 8 || i == 13 || i == 18 || i == 23)
                {
                    if (c != '-') return false;
                }
                else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
            }
            return true;
        }

        /// <summary>True when the id is sent as a JSON number (the integer form).</summary>
        public static bool IsInteger(string id) => id.Length > 0 && id.Length <= 20 && id[0] >= '0' && id[0] <= '9' && id.IndexOf('-') < 0;

        /// <summary>InvalidVectorId naming the form the id breaks, or nothing for a valid id.</summary>
        public static void Check(string? id)
        {
            if (IsValid(id)) return;
            throw new VectorOpsException(ErrorIds.InvalidId, VectorOpsErrorCategory.InvalidArgument, Problem(id), id);
        }

        internal static string Problem(string? id)
        {
            if (id is null || id.Length == 0)
                return "A record id is empty; Qdrant point ids are an unsigned 64-bit integer or a UUID.";
            var shown = Show(id);
            var digits = true;
            foreach (var c in id) if (c < '0' || c > '9') { digits = false; break; }
            if (digits)
            {
                if (id.Length > 1 && id[0] == '0')
                    return $"The record id '{shown}' breaks Qdrant's integer form: it has a leading zero, and Qdrant would store and answer it as {TrimZeros(id)}. Write it without leading zeros.";
                return $"The record id '{shown}' breaks Qdrant's integer form: it is larger than {MaxInteger}, the largest unsigned 64-bit integer.";
            }
            if (id[0] == '-' && id.Length > 1 && AllDigits(id, 1))
                return $"The record id '{shown}' breaks Qdrant's integer form: it is negative; point ids are unsigned integers or UUIDs.";
            if ((id[0] == '+' && AllDigits(id, 1)) || id.Trim() != id && AllDigits(id.Trim(), 0))
                return $"The record id '{shown}' breaks Qdrant's integer form: write the digits alone ({id.Trim().TrimStart('+')}).";
            if (Guid.TryParse(id, out var g) || (id.StartsWith("urn:uuid:", StringComparison.OrdinalIgnoreCase) && Guid.TryParse(id.Substring(9), out g)))
            {
                var canonical = g.ToString("D", CultureInfo.InvariantCulture);
                return $"The record id '{shown}' is a UUID that Qdrant would answer as '{canonical}' (hyphenated, lowercase), so it would not round-trip; write it as '{canonical}'.";
            }
            if (id.Length == 36 && id[8] == '-' && id[13] == '-' && id[18] == '-' && id[23] == '-')
            {
                for (var i = 0; i < 36; i++)
                {
                    var c = id[i];
                    if (i == 8 || i == 13 || i == 18 || i == 23) continue;
                    if (!Uri.IsHexDigit(c))
                        return $"The record id '{shown}' breaks Qdrant's UUID form: '{c}' at position {i + 1} is not a hexadecimal digit.";
                }
            }
            if (id.IndexOf('-') > 0 && id.Length != 36 && LooksHexAndHyphens(id))
                return $"The record id '{shown}' breaks Qdrant's UUID form: a UUID has 36 characters (8-4-4-4-12 hexadecimal digits), this has {id.Length}.";
            return $"The record id '{shown}' is neither of Qdrant's id forms: an unsigned 64-bit integer (0 to {MaxInteger}) or a UUID (8-4-4-4-12 lowercase hexadecimal digits).";
        }

        private static bool AllDigits(string s, int from)
        {
            if (s.Length <= from) return false;
            for (var i = from; i < s.Length; i++) if (s[i] < '0' || s[i] > '9') return false;
            return true;
        }

        private static bool LooksHexAndHyphens(string s)
        {
            foreach (var c in s) if (c != '-' && !Uri.IsHexDigit(c)) return false;
            return true;
        }

        private static string TrimZeros(string s)
        {
            var t = s.TrimStart('0');
            return t.Length == 0 ? "0" : t;
        }

        /// <summary>Writes a checked id as Qdrant takes it: a number for the integer form, a string for a UUID.</summary>
        public static void Write(Utf8JsonWriter w, string id)
        {
            if (IsInteger(id)) w.WriteNumberValue(ulong.Parse(id, NumberStyles.None, CultureInfo.InvariantCulture));
            else w.WriteStringValue(id);
        }

        /// <summary>An id as Qdrant answers it, as text (null when it is neither a number nor a string).</summary>
        public static string? Read(JsonElement e)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.Number:
                    return e.TryGetUInt64(out var n) ? n.ToString(CultureInfo.InvariantCulture) : null;
                case JsonValueKind.String:
                    return e.GetString();
                default:
                    return null;
            }
        }

        private static string Show(string s) => s.Length > 80 ? s.Substring(0, 80) + "…" : s;
    }
}
