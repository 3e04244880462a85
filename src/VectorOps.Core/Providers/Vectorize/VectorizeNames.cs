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

        private static readonly Regex IndexPattern = new Regex("^([a-z]+[a-z0-9_-]*[a-z0-9]+)$", RegexOptions.CultureInvariant);
        private static readonly Regex AccountPattern = new Regex("^[0-9a-fA-F]{32}$", RegexOptions.CultureInvariant);

        public static void ValidateIndexName(string? index)
        {
            if (index is null || index.Length == 0)
                throw new VectorOpsException(ErrorIds.InvalidIndexName, VectorOpsErrorCategory.InvalidArgument,
                    "Name the Vectorize index (-Index).", index);
            if (Encoding.UTF8.GetByteCount(index) > MaxIndexNameBytes)
                throw new VectorOpsException(ErrorIds.InvalidIndexName, VectorOpsErrorCategory.InvalidArgument,
                    $"The Vectorize index name '{index}' is longer than {MaxIndexNameBytes} bytes.", index);
            if (!IndexPattern.IsMatch(index))
                throw new VectorOpsException(ErrorIds.InvalidIndexName, VectorOpsErrorCategory.InvalidArgument,
                    $"'{index}' is not a valid Vectorize index name: use lower-case letters, digits, '-' and '_', starting with a letter and ending with a letter or digit (at least 2 characters).",
                    index);
        }

        public static void ValidateAccountId(string? accountId)
        {
            if (accountId is null || accountId.Length == 0)
                throw new VectorOpsException(ErrorIds.MissingAccountId, VectorOpsErrorCategory.InvalidArgument,
                    "Name the Cloudflare account (-AccountId, or the CLOUDFLARE_ACCOUNT_ID environment variable).", null);
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
