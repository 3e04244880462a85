using System;
using System.Runtime.InteropServices;
using System.Security;

namespace VectorOps.Security
{
    /// <summary>
    /// An API key or token. It never prints itself: ToString and every display show a mask, and only provider
    /// code inside this assembly can read the value, at the moment it writes the request header.
    /// </summary>
    public sealed class Secret
    {
        private readonly string _value;

        private Secret(string value) { _value = value; }

        /// <summary>The secret, or null when there is none: empty or blank text is no credential at all (so it is
        /// refused as MissingCredential before anything is sent, instead of being sent and answered 401).</summary>
        public static Secret? FromPlainText(string? value) => IsBlank(value) ? null : new Secret(value!);

        private static bool IsBlank(string? value)
        {
            if (value is null) return true;
            foreach (var c in value)
                if (!char.IsWhiteSpace(c)) return false;
            return true;
        }

        public static Secret? FromSecureString(SecureString? value)
        {
            if (value is null || value.Length == 0) return null;
            var ptr = IntPtr.Zero;
            try
            {
                ptr = Marshal.SecureStringToGlobalAllocUnicode(value);
                var text = Marshal.PtrToStringUni(ptr);
                return IsBlank(text) ? null : new Secret(text!);
            }
            finally
            {
                if (ptr != IntPtr.Zero) Marshal.ZeroFreeGlobalAllocUnicode(ptr);
            }
        }

        internal string Reveal() => _value;

        /// <summary>True when the text contains this secret (used to scrub provider messages before they are shown).</summary>
        internal bool OccursIn(string? text) => text != null && _value.Length > 0 && text.IndexOf(_value, StringComparison.Ordinal) >= 0;

        internal string Scrub(string text) => _value.Length == 0 ? text : text.Replace(_value, Mask);

        /// <summary>The mask shown wherever the secret would be: a fixed string plus the last 4 characters for long secrets.</summary>
        public string Mask => _value.Length >= 16 ? "********" + _value.Substring(_value.Length - 4) : "********";

        public override string ToString() => Mask;
    }
}
