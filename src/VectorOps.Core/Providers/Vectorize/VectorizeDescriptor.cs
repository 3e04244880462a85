using System;

namespace VectorOps.Providers.Vectorize
{
    /// <summary>Cloudflare Vectorize's entry in the registry: its settings, its API token, and help.</summary>
    public static class VectorizeDescriptor
    {
        public const string AccountId = "AccountId";
        public const string BaseUri = "BaseUri";
        public const string ListPageSize = "ListPageSize";
        public const string RateLimit = "RateLimit";
        public const string RateWindowSeconds = "RateWindowSeconds";

        public static readonly ProviderDescriptor Descriptor = new ProviderDescriptor(VectorizeProvider.ProviderName,
            "Cloudflare Vectorize (v2) indexes of one account.", VectorizeProvider.Open)
        {
            Aliases = new[] { "Vectorize", "Cloudflare" },
            IndexesCreatedElsewhere = "with wrangler or the Cloudflare API",
            Limits = new[]
            {
                FormattableString.Invariant($"Up to {VectorizeProvider.MaxIdsPerCall} ids per delete or fetch and {VectorizeProvider.UpsertBatchSize} records per upsert; requests to one account, from every connection of the process, stay within {VectorizeProvider.WindowShare:0%} of its limit ({VectorizeProvider.AccountRequestLimit:N0} per {VectorizeProvider.AccountRequestWindowSeconds / 60} minutes) in any window: a short job runs at the speed of its round trips, a long one averages {VectorizeProvider.DefaultRequestsPerSecond} per second. -RequestsPerSecond asks for an even pace instead."),
                "It has no delete by filter: VectorOps reads every record of the index (list and get_by_ids) and deletes the matching ids. Every operator of the filter language works.",
                "Clearing a namespace lists its ids and deletes them; a namespace itself cannot be removed. Namespaces are not listed cheaply, so a namespace name is not checked before a delete.",
                "Writes are acknowledged before they are applied (Acknowledged): Wait-VectorMutation waits until they are.",
            },
            Credential = new CredentialDescriptor("ApiToken", "API token", "The token needs Vectorize Read (and Vectorize Write to change data).")
            {
                EnvironmentVariables = new[] { VectorizeNames.ApiTokenEnvironmentVariable },
            },
            Settings = new[]
            {
                new SettingDescriptor(AccountId, SettingKind.Text, "The Cloudflare account id: 32 hexadecimal digits (Dashboard, Workers & Pages, Account ID).")
                {
                    EnvironmentVariables = new[] { VectorizeNames.AccountIdEnvironmentVariable },
                },
                new SettingDescriptor(BaseUri, SettingKind.Uri, "The API's base URI; https unless loopback.")
                {
                    DefaultText = VectorizeProvider.DefaultBaseUri.AbsoluteUri,
                },
                new SettingDescriptor(ListPageSize, SettingKind.Integer, "Ids per page when listing a namespace's ids.")
                {
                    Minimum = 1,
                    Maximum = VectorizeProvider.MaxListPageSize,
                    DefaultText = "1000",
                },
                new SettingDescriptor(RateLimit, SettingKind.Integer, FormattableString.Invariant($"The account's API request limit per window, as Cloudflare publishes it; VectorOps sends at most {VectorizeProvider.WindowShare:0%} of it in any window. Change it only if the account's limit differs."))
                {
                    Minimum = 1,
                    Maximum = 1_000_000,
                    DefaultText = VectorizeProvider.AccountRequestLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
                },
                new SettingDescriptor(RateWindowSeconds, SettingKind.Integer, "The window of RateLimit, in seconds.")
                {
                    Minimum = 1,
                    Maximum = 86_400,
                    DefaultText = VectorizeProvider.AccountRequestWindowSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
                },
            },
        };
    }
}
