using System;

namespace VectorOps.Providers.Pinecone
{
    /// <summary>Pinecone's entry in the registry: its settings, its API key, and help.</summary>
    public static class PineconeDescriptor
    {
        public const string IndexHost = "IndexHost";
        public const string BaseUri = "BaseUri";
        public const string ApiVersion = "ApiVersion";

        public static readonly ProviderDescriptor Descriptor = new ProviderDescriptor(PineconeProvider.ProviderName,
            "Pinecone serverless indexes (data plane by index host, or index name through the control plane).", PineconeProvider.Open)
        {
            IndexesCreatedElsewhere = "in the Pinecone console or with its control-plane API",
            ListsIndexesCheaply = true,
            Limits = new[]
            {
                FormattableString.Invariant($"Up to {PineconeProvider.MaxIds} ids per delete or fetch and {PineconeProvider.MaxUpsertRecords} records per upsert."),
                FormattableString.Invariant($"API {PineconeProvider.DefaultApiVersion} deletes by filter itself, after counting the matches; with {PineconeProvider.LegacyApiVersion} the matching ids are found (fetch_by_metadata) and deleted by id."),
                FormattableString.Invariant($"Writes are acknowledged before they are applied (Acknowledged): Wait-VectorMutation waits until they are. Deletes are paced at {PineconeProvider.DefaultDeleteRate} requests per second per namespace ({PineconeProvider.FilterDeleteRate} for filter deletes) unless -RequestsPerSecond says otherwise."),
                "Namespaces are listed by the service: a namespace the index does not have is NamespaceNotFound. Tab after -Index lists the project's indexes (control plane).",
            },
            IndexLister = PineconeProvider.ListIndexes,
            Credential = new CredentialDescriptor("ApiKey", "API key", "The key needs access to the index's project.")
            {
                EnvironmentVariables = new[] { PineconeProvider.ApiKeyEnvironmentVariable },
            },
            Settings = new[]
            {
                new SettingDescriptor(IndexHost, SettingKind.Uri,
                    "The index's data-plane host (from the console or describe_index); https unless loopback. Without it, the index name is resolved through the control plane.")
                {
                    Aliases = new[] { "Host" },
                },
                new SettingDescriptor(BaseUri, SettingKind.Uri, "The control plane's base URI; https unless loopback.")
                {
                    DefaultText = PineconeProvider.DefaultControlPlane.AbsoluteUri,
                },
                new SettingDescriptor(ApiVersion, SettingKind.Text, "The API version sent as X-Pinecone-Api-Version.")
                {
                    SuggestedValues = new[] { PineconeProvider.DefaultApiVersion, PineconeProvider.LegacyApiVersion },
                    OnlySuggestedValues = true,
                    DefaultText = PineconeProvider.DefaultApiVersion,
                },
            },
        };
    }
}
