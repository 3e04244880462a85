using System;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using VectorOps.Errors;
using VectorOps.Serialization;

namespace VectorOps.Providers.Vectorize
{
    /// <summary>
    /// Vectorize's naming rules, checked before any request so that a name the service would refuse is a clear
    /// local error that sends nothing. Limits from the vendor document and ../shared/specs/README.md:
    /// index name <c>^([a-z]+[a-z0-9_-]*[a-z0-9]+)$</c> and at most 64 bytes; vector id 1 to 64 bytes (UTF-8);
    /// namespace at most 64 bytes; account id (document: <c>maxLength 32</c>) is Cloudflare's 32 hex digits.
    /// </summary>
    public static class VectorizeNames
    {
        public const int MaxIndexNameBytes = 64;
        public const int MaxIdBytes = 64;
        public const int MaxNamespaceBytes = 64;

        /// <summary>Where the account id is read from when none is given.</summary>
        public const string AccountIdEnvironmentVariable = "CLOUDFLARE_ACCOUNT_ID";

        /// <summary>Where the API token is read from when none is given.</summary>
        public const string ApiTokenEnvironmentVariable = "CLOUDFLARE_API_TOKEN";

        private static readonly Regex IndexPattern = new Regex("^([a-z]+[a-z0-9_-]*[a-z0-9]+)$", RegexOptions.CultureInvariant);
        private static readonly Regex AccountPattern = new Regex("^[0-9a-fA-F]{32}$", RegexOptions.CultureInvariant);

        /// <param name="names">How the front end spells the setting in the message (default: the module's).</param>
        public static void ValidateIndexName(string? index, SettingNames? names = null)
        {
            if (index is null || index.Length == 0)
                throw new VectorOpsException(ErrorIds.InvalidIndexName, VectorOpsErrorCategory.InvalidArgument,
                    $"Name the Vectorize index ({(names ?? SettingNames.PowerShell).Option(Setting.Index)}).", index);
            if (Encoding.UTF8.GetByteCount(index) > MaxIndexNameBytes)
                throw new VectorOpsException(ErrorIds.InvalidIndexName, VectorOpsErrorCategory.InvalidArgument,
                    $"The Vectorize index name '{index}' is longer than {MaxIndexNameBytes} bytes.", index);
            if (!IndexPattern.IsMatch(index))
                throw new VectorOpsException(ErrorIds.InvalidIndexName, VectorOpsErrorCategory.InvalidArgument,
                    $"'{index}' is not a valid Vectorize index name: use lower-case letters, digits, '-' and '_', starting with a letter and ending with a letter or digit (at least 2 characters).",
                    index);
        }

        /// <param name="names">How the front end spells the setting in the message (default: the module's).</param>
        public static void ValidateAccountId(string? accountId, SettingNames? names = null)
        {
            names ??= SettingNames.PowerShell;
            if (accountId is null || accountId.Length == 0)
                throw new VectorOpsException(ErrorIds.MissingAccountId, VectorOpsErrorCategory.InvalidArgument,
                    $"Name the Cloudflare account ({names.Option(VectorizeDescriptor.Descriptor.FindSetting(VectorizeDescriptor.AccountId)!)}, or {names.EnvironmentVariable(AccountIdEnvironmentVariable)}).", null);
            if (!AccountPattern.IsMatch(accountId))
                throw new VectorOpsException(ErrorIds.InvalidAccountId, VectorOpsErrorCategory.InvalidArgument,
                    $"'{accountId}' is not a Cloudflare account id: it is 32 hexadecimal digits (Dashboard, Workers & Pages, Account ID).",
                    accountId);
        }

        [MethodImpl(HotPath.Optimize)]
        public static void ValidateId(string? id)
        {
            if (id is null || id.Length == 0)
                throw new VectorOpsException(ErrorIds.InvalidId, VectorOpsErrorCategory.InvalidArgument,
                    "A Vectorize vector id is empty.", id);
            if (id.Length * 3 <= MaxIdBytes) return; // a UTF-16 character is at most 3 bytes of UTF-8: no need to count
            var bytes = Encoding.UTF8.GetByteCount(id);
            if (bytes > MaxIdBytes)
                throw new VectorOpsException(ErrorIds.InvalidId, VectorOpsErrorCategory.InvalidArgument,
                    $"The vector id '{id}' is {bytes} bytes long; Vectorize ids are at most {MaxIdBytes} bytes (UTF-8).", id);
        }

        public static void ValidateNamespace(string? @namespace)
        {
            if (@namespace is null || @namespace.Length == 0)
                throw new VectorOpsException(ErrorIds.InvalidNamespace, VectorOpsErrorCategory.InvalidArgument,
                    "The namespace name is empty.", @namespace);
            var bytes = Encoding.UTF8.GetByteCount(@namespace);
            if (bytes > MaxNamespaceBytes)
                throw new VectorOpsException(ErrorIds.InvalidNamespace, VectorOpsErrorCategory.InvalidArgument,
                    $"The namespace '{@namespace}' is {bytes} bytes long; Vectorize namespaces are at most {MaxNamespaceBytes} bytes (UTF-8).",
                    @namespace);
        }

        /// <summary>Escapes one path segment (index names and account ids are already restricted to safe characters).</summary>
        internal static string Segment(string value) => Uri.EscapeDataString(value);
    }
}
