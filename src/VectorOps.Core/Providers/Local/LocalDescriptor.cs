namespace VectorOps.Providers.Local
{
    /// <summary>The embedded store's entry in the registry: its settings and help.</summary>
    public static class LocalDescriptor
    {
        /// <summary>The store file (default ~/.vectorops/vectorops.db).</summary>
        public const string Path = "Path";

        public static readonly ProviderDescriptor Descriptor = new ProviderDescriptor(LocalProvider.ProviderName,
            "The embedded store: a SQLite file on this machine, no account.", LocalProvider.Open)
        {
            CreatesIndexes = true,
            ListsIndexesCheaply = true,
            IndexLister = LocalProvider.ListIndexes,
            Settings = new[]
            {
                new SettingDescriptor(Path, SettingKind.FilePath, "The local store file.")
                {
                    Aliases = new[] { "Store", "FilePath", "Database" },
                    EnvironmentVariables = new[] { "VECTOROPS_PATH" },
                    DefaultText = "~/.vectorops/vectorops.db",
                },
            },
        };
    }
}
