namespace VectorOps.Providers.Chroma
{
    /// <summary>Chroma's entry in the registry: its settings, its token, and help.</summary>
    public static class ChromaDescriptor
    {
        public const string Endpoint = "Endpoint";
        public const string Tenant = "Tenant";
        public const string TokenHeader = "TokenHeader";

        /// <summary>The headers -TokenHeader accepts: Chroma's own, or a bearer token.</summary>
        public static readonly string[] TokenHeaders = { ChromaProvider.ChromaTokenHeader, "Authorization" };

        public static readonly ProviderDescriptor Descriptor = new ProviderDescriptor(ChromaProvider.ProviderName,
            "Chroma (API v2) servers: -Index names the database, a namespace is a collection.", ChromaProvider.Open)
        {
            IndexesCreatedElsewhere = "with Chroma's own client (create_database) or the Chroma Cloud dashboard",
            ListsIndexesCheaply = true,
            Limits = new[]
            {
                "-Index names a database of the tenant and a namespace is a collection; Tab after -Index lists the tenant's databases.",
                "Batches are as large as the server's max_batch_size allows (read when connecting).",
                "Its where has no $exists: a filter using it is refused (FilterNotSupportedByProvider) before any request. Filter deletes list the matching ids and delete them by id.",
                "Clearing a namespace deletes its records and keeps the collection, unless -RemoveNamespace drops it too. Writes are applied at once (Completed).",
            },
            IndexLister = ChromaProvider.ListIndexes,
            Credential = new CredentialDescriptor("ApiKey", "API key",
                "The token the server or Chroma Cloud expects (sent as x-chroma-token, or as a bearer token with -TokenHeader Authorization); " +
                "a server without authentication needs none.")
            {
                EnvironmentVariables = new[] { ChromaProvider.ApiKeyEnvironmentVariable },
                Required = false,
                // A stray VECTOROPS_API_KEY meant for another service is not sent to whatever server -Endpoint names.
                ReadsGenericVariable = false,
            },
            Settings = new[]
            {
                new SettingDescriptor(Endpoint, SettingKind.Uri,
                    "The Chroma server's base URI (as 'chroma run' prints it); https unless loopback. A namespace is a collection of the database named by -Index; " +
                    "clearing one deletes its records and keeps the collection and its settings, unless -RemoveNamespace drops the collection too.")
                {
                    Aliases = new[] { "Url" },
                    DefaultText = ChromaProvider.DefaultEndpoint.AbsoluteUri,
                },
                new SettingDescriptor(Tenant, SettingKind.Text, "The tenant the database belongs to.")
                {
                    EnvironmentVariables = new[] { "CHROMA_TENANT" },
                    DefaultText = ChromaProvider.DefaultTenant,
                },
                new SettingDescriptor(TokenHeader, SettingKind.Text,
                    "How the API key is sent: X-Chroma-Token (Chroma's own header) or Authorization (Bearer token), as the server's auth is configured.")
                {
                    SuggestedValues = TokenHeaders,
                    OnlySuggestedValues = true,
                    DefaultText = ChromaProvider.ChromaTokenHeader,
                },
            },
        };
    }
}
