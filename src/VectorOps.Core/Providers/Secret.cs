using System;
using System.Runtime.InteropServices;
using System.Security;

namespace VectorOps.Providers
{
    /// <summary>
    /// An API key or token. It never prints itself: ToString and every display show a mask, and only provider
    /// code inside this assembly can read the value, at the moment it writes the request header.
    /// </summary>
    public sealed class Secret
    {
        private readonly string _value;

        private Secret(string value) { _value = value; }

        public static Secret? FromPlainText(string? value) => string.IsNullOrEmpty(value) ? null : new Secret(value!);

        public static Secret? FromSecureString(SecureString? value)
        {
            if (value is null || value.Length == 0) return null;
            var ptr = IntPtr.Zero;
            try
            {
                ptr = Marshal.SecureStringToGlobalAllocUnicode(value);
                return new Secret(Marshal.PtrToStringUni(ptr) ?? "");
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
