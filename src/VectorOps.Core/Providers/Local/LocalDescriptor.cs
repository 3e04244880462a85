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
            Limits = new[]
            {
                "One file holds any number of indexes, each with namespaces; -Create makes a missing index (and the file).",
                "Up to 1000 ids per delete or fetch and 1000 records per upsert, one write at a time (SQLite has one writer).",
                "Deletes by filter itself, in SQL, after counting the matches; every operator of the filter language works.",
                "Writes are applied at once (Completed). Namespaces are listed from the file: a namespace it does not have is NamespaceNotFound.",
            },
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
