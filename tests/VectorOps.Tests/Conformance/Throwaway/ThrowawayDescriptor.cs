using VectorOps.Providers;

namespace VectorOps.Tests.Conformance.Throwaway
{
    /// <summary>The throwaway provider's descriptor: its name, its one setting, its credential.</summary>
    public static class ThrowawayDescriptor
    {
        public const string Name = "Throwaway";
        public const string Space = "Space";
        public const string KeyVariable = "THROWAWAY_API_KEY";

        public static readonly ProviderDescriptor Descriptor = new ProviderDescriptor(Name,
            "An in-memory database of the test project (the conformance suite's throwaway provider).", ThrowawayProvider.Open)
        {
            Credential = new CredentialDescriptor("ApiKey", "API key", "Any key: the throwaway provider only checks one is given.")
            {
                EnvironmentVariables = new[] { KeyVariable },
            },
            Settings = new[]
            {
                new SettingDescriptor(Space, SettingKind.Text, "The in-memory space that holds the index (one per test)."),
            },
        };
    }
}
