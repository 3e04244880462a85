using System;
using VectorOps.Errors;

namespace VectorOps.Connections
{
    /// <summary>Where a profile's credential is read from when it connects.</summary>
    public enum CredentialReferenceKind
    {
        /// <summary>An environment variable of the process that connects.</summary>
        Environment,

        /// <summary>A SecretManagement secret (Get-Secret), read in the PowerShell session that connects.</summary>
        Secret,
    }

    /// <summary>
    /// Where a credential comes from, never the credential: <c>Environment:NAME</c> (an environment variable) or
    /// <c>Secret:NAME</c> / <c>Secret:NAME@VAULT</c> (a SecretManagement secret, optionally in one vault). The text
    /// form is what a profile stores and what a connection shows as its CredentialSource.
    /// </summary>
    public sealed class CredentialReference : IEquatable<CredentialReference>
    {
        private const string EnvironmentPrefix = "Environment:";
        private const string SecretPrefix = "Secret:";

        private CredentialReference(CredentialReferenceKind kind, string name, string? vault)
        {
            Kind = kind;
            Name = name;
            Vault = vault;
        }

        public CredentialReferenceKind Kind { get; }

        /// <summary>The variable's or the secret's name.</summary>
        public string Name { get; }

        /// <summary>The vault of a secret; null: every registered vault (Get-Secret without -Vault).</summary>
        public string? Vault { get; }

        /// <summary>An environment variable; its name must be a real variable name (no '=', no blank).</summary>
        public static CredentialReference FromEnvironment(string name)
        {
            var n = (name ?? "").Trim();
            if (n.Length == 0 || n.IndexOf('=') >= 0 || HasControl(n))
                throw Invalid($"'{name}' is not an environment variable name.", name);
            return new CredentialReference(CredentialReferenceKind.Environment, n, null);
        }

        /// <summary>A SecretManagement secret, in <paramref name="vault"/> or (null) in whichever vault has it.</summary>
        public static CredentialReference FromSecret(string name, string? vault = null)
        {
            var n = (name ?? "").Trim();
            if (n.Length == 0 || HasControl(n))
                throw Invalid("A secret's name is not blank.", name);
            string? v = null;
            if (vault != null)
            {
                v = vault.Trim();
                if (v.Length == 0 || HasControl(v) || v.IndexOf('@') >= 0)
                    throw Invalid("A vault's name is not blank and has no '@'.", vault);
            }
            return new CredentialReference(CredentialReferenceKind.Secret, n, v);
        }

        /// <summary>
        /// Reads "Environment:NAME" or "Secret:NAME[@VAULT]" (the prefix in any case; the vault after the last '@').
        /// Anything else is InvalidCredentialSource.
        /// </summary>
        public static CredentialReference Parse(string text)
        {
            var t = (text ?? "").Trim();
            if (t.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase))
                return FromEnvironment(t.Substring(EnvironmentPrefix.Length));
            if (t.StartsWith(SecretPrefix, StringComparison.OrdinalIgnoreCase))
            {
                var rest = t.Substring(SecretPrefix.Length);
                var at = rest.LastIndexOf('@');
                return at < 0 ? FromSecret(rest) : FromSecret(rest.Substring(0, at), rest.Substring(at + 1));
            }
            throw Invalid($"'{text}' does not say where a credential comes from: write Environment:NAME or Secret:NAME[@VAULT].", text);
        }

        /// <summary>"Environment:NAME", "Secret:NAME" or "Secret:NAME@VAULT".</summary>
        public override string ToString() =>
            Kind == CredentialReferenceKind.Environment ? EnvironmentPrefix + Name : SecretPrefix + Name + (Vault is null ? "" : "@" + Vault);

        /// <summary>In a sentence: "the environment variable NAME", "the secret 'NAME' (vault V)".</summary>
        public string Describe() =>
            Kind == CredentialReferenceKind.Environment ? "the environment variable " + Name :
            $"the SecretManagement secret '{Name}'" + (Vault is null ? "" : $" in the vault '{Vault}'");

        public bool Equals(CredentialReference? other) =>
            other != null && other.Kind == Kind && string.Equals(other.Name, Name, StringComparison.Ordinal) && string.Equals(other.Vault, Vault, StringComparison.Ordinal);

        public override bool Equals(object? obj) => Equals(obj as CredentialReference);

        public override int GetHashCode() => ToString().GetHashCode();

        private static bool HasControl(string s)
        {
            foreach (var c in s)
                if (char.IsControl(c)) return true;
            return false;
        }

        private static VectorOpsException Invalid(string message, object? target) =>
            new VectorOpsException(ErrorIds.InvalidCredentialSource, VectorOpsErrorCategory.InvalidArgument, message, target);
    }
}
