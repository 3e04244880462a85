namespace VectorOps.Providers.Weaviate
{
    /// <summary>Weaviate's entry in the registry: its endpoint, its API key, and help.</summary>
    public static class WeaviateDescriptor
    {
        public const string Endpoint = "Endpoint";

        public static readonly ProviderDescriptor Descriptor = new ProviderDescriptor(WeaviateProvider.ProviderName,
            "Weaviate (REST API v1): -Index names the class (collection); a namespace is a tenant of a multi-tenant class, else the class is the one namespace 'default'.",
            WeaviateProvider.Open)
        {
            IndexesCreatedElsewhere = "with Weaviate's own client or POST /v1/schema (and its tenants with POST /v1/schema/{class}/tenants)",
            Credential = new CredentialDescriptor("ApiKey", "API key",
                "The Weaviate API key, sent as a bearer token (Authorization: Bearer); a server without authentication needs none.")
            {
                EnvironmentVariables = new[] { WeaviateProvider.ApiKeyEnvironmentVariable },
                Required = false,
                // A stray VECTOROPS_API_KEY meant for another service is not sent to whatever server -Endpoint names.
                ReadsGenericVariable = false,
            },
            Settings = new[]
            {
                new SettingDescriptor(Endpoint, SettingKind.Uri,
                    "The Weaviate server's base URI (REST, without /v1); https unless loopback. Clearing a namespace deletes its objects with batch deletes and keeps the class and the tenant.")
                {
                    Aliases = new[] { "Url" },
                    EnvironmentVariables = new[] { "WEAVIATE_URL" },
                    DefaultText = WeaviateProvider.DefaultEndpoint.AbsoluteUri,
                },
            },
        };
    }
}
