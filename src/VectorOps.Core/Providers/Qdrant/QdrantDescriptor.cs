using System;

namespace VectorOps.Providers.Qdrant
{
    /// <summary>Qdrant's entry in the registry: its settings, its API key, and help.</summary>
    public static class QdrantDescriptor
    {
        public const string Endpoint = "Endpoint";
        public const string NamespaceKey = "NamespaceKey";
        public const string WaitForApply = "WaitForApply";

        public static readonly ProviderDescriptor Descriptor = new ProviderDescriptor(QdrantProvider.ProviderName,
            "Qdrant servers and Qdrant Cloud (REST API): -Index names the collection; a namespace is a payload key's value, or the whole collection.", QdrantProvider.Open)
        {
            IndexesCreatedElsewhere = "with Qdrant's own client, its dashboard, or PUT /collections/{name}",
            Limits = new[]
            {
                FormattableString.Invariant($"Ids are unsigned integers or UUIDs, checked before anything is sent. Up to {QdrantProvider.MaxIdsPerDelete:N0} ids per delete request ({QdrantProvider.MaxIdsPerBackedUpDelete:N0} with -BackupPath, which holds a batch's records in memory), and no request over {QdrantProvider.MaxRequestBytes / (1024 * 1024)} MB (the server's limit)."),
                "Filter deletes count their matches first (points/count, exact), then delete by the same filter; prefix deletes scroll the ids and delete them by id. An empty filter is refused before any request (in Qdrant it would match every point).",
                "Deletes are sent with wait=false and answer Acknowledged with Qdrant's operation_id; Qdrant has no call that reports an operation's progress, so Wait-VectorMutation confirms by reading (the ids, filter or namespace count 0). -WaitForApply sends wait=true instead.",
                "Collections with named vectors are refused for writes (restore, add): their vectors are not one dense vector.",
            },
            Credential = new CredentialDescriptor("ApiKey", "API key",
                "The key the server (service.api_key) or Qdrant Cloud expects, sent as the api-key header; a server without authentication needs none.")
            {
                EnvironmentVariables = new[] { QdrantProvider.ApiKeyEnvironmentVariable },
                Required = false,
                // A stray VECTOROPS_API_KEY meant for another service is not sent to whatever server -Endpoint names.
                ReadsGenericVariable = false,
            },
            Settings = new[]
            {
                new SettingDescriptor(Endpoint, SettingKind.Uri,
                    "The Qdrant server's REST base URI (port 6333 by default); https unless loopback: an API key never crosses the network in plain http.")
                {
                    Aliases = new[] { "Url" },
                    EnvironmentVariables = new[] { "QDRANT_URL" },
                    DefaultText = QdrantProvider.DefaultEndpoint.AbsoluteUri,
                },
                new SettingDescriptor(NamespaceKey, SettingKind.Text,
                    "The payload key whose value is a point's namespace (Qdrant's multitenancy by payload, e.g. group_id). " +
                    "Clearing a namespace deletes its points by filter; the collection is never dropped. Without it the collection is one namespace, 'default'.")
                {
                    Aliases = new[] { "TenantKey" },
                },
                new SettingDescriptor(WaitForApply, SettingKind.Switch,
                    "Send deletes with wait=true: each answers once applied (status completed). Without it they are sent with wait=false " +
                    "and answer acknowledged with Qdrant's operation_id; Wait-VectorMutation confirms them by reading.")
                {
                    DefaultText = "off (wait=false)",
                },
            },
        };
    }
}
