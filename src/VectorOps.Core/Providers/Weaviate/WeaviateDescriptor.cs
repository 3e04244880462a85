using System;

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
            Limits = new[]
            {
                FormattableString.Invariant($"Ids are UUIDs, checked before anything is sent. Every delete is DELETE /v1/batch/objects: ids as ContainsAny on id, up to {WeaviateProvider.MaxIdsPerDeleteRequest:N0} a request ({WeaviateProvider.MaxIdsPerBackedUpDelete:N0} with -BackupPath, which holds a batch's records in memory); one call removes at most the server's results.limit (QUERY_MAXIMUM_RESULTS, 10,000 by default), so a delete that may match more (a batch over a lower limit, a filter) is sent again, one mutation a round, until nothing matches."),
                "Filters become a where checked against the class schema; what cannot be translated exactly is refused (FilterNotSupportedByProvider). -WhatIf uses the server's dryRun with verbose output, which mutates nothing.",
                FormattableString.Invariant($"Objects the server reports as failed make the mutation Failed with exactly their ids, so piping it back retries them. Up to {WeaviateProvider.MaxUpsertObjects} objects per upsert and {WeaviateProvider.MaxFetchIds} ids per fetch."),
            },
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
