using System.Linq;
using VectorOps.Connections;
using VectorOps.Errors;

namespace VectorOps.Cli
{
    /// <summary>
    /// vectorops profile save|list|remove: the same profiles, checks and file as Save-, Get- (-ListAvailable) and
    /// Remove-VectorConnection (the core's <see cref="ConnectionProfile"/> and <see cref="ProfileStore"/>).
    /// </summary>
    internal static class ProfileHandlers
    {
        public static void Save(CommandContext c)
        {
            var o = c.Options;
            var name = ConnectionProfile.CheckName(o.Value("name") ?? throw new VectorOpsException(ErrorIds.InvalidArgument, VectorOpsErrorCategory.InvalidArgument,
                "Name the profile: vectorops profile save --name NAME [connection options].", "--name"));
            if (o.Has("api-key-variable") && o.Has("api-key-secret"))
                throw new VectorOpsException(ErrorIds.InvalidArgument, VectorOpsErrorCategory.InvalidArgument,
                    "Give --api-key-variable or --api-key-secret, not both: a profile reads its credential from one place.", "--api-key-secret");
            if (o.Has("vault") && !o.Has("api-key-secret"))
                throw new VectorOpsException(ErrorIds.InvalidArgument, VectorOpsErrorCategory.InvalidArgument,
                    "--vault is the vault of --api-key-secret: give the secret's name too.", "--vault");

            var settings = c.BuildSettings(readCredential: false);
            var from = o.Value("api-key-secret") is string secret ? CredentialReference.FromSecret(secret, o.Value("vault"))
                : o.Value("api-key-variable") is string variable ? CredentialReference.FromEnvironment(variable)
                : c.BaseProfile?.CredentialFrom;
            var profile = ConnectionProfile.FromSettings(name, settings, from);

            var store = new ProfileStore();
            var existing = store.Find(profile.Name);
            if (existing != null && !o.Has("force"))
                throw new VectorOpsException(ErrorIds.ProfileExists, VectorOpsErrorCategory.ResourceExists,
                    $"A profile named '{existing.Name}' is saved already ({existing.Provider}, index '{existing.Index}'); add --force to replace it.", profile.Name);
            var what = $"profile '{profile.Name}' ({profile.Provider}, index '{profile.Index}'" +
                       (profile.CredentialSource is null ? "" : ", credential from " + profile.CredentialSource) + $") in {store.FilePath}";
            if (o.Has("api-key-file"))
                c.Host.WriteWarning("--api-key-file is not kept in a profile (it never holds a secret); name where the credential comes from with --api-key-variable.");
            if (o.Has("what-if"))
            {
                c.Host.WriteInfo($"What if: {(existing is null ? "Saving" : "Replacing")} {what}.");
                return;
            }
            store.Save(profile, force: true);
            c.Host.WriteVerbose($"Saved {what}.");
            c.Host.WriteObject(profile);
        }

        public static void List(CommandContext c)
        {
            var pattern = c.Options.Value("name");
            var store = new ProfileStore();
            var all = store.List();
            if (all.Count == 0) c.Host.WriteVerbose($"No profile is saved (in {store.FilePath}).");
            foreach (var p in all.Where(p => pattern is null || ConnectionProfile.Matches(pattern, p.Name))) c.Host.WriteObject(p);
        }

        public static void Remove(CommandContext c)
        {
            var name = c.Options.Value("name") ?? throw new VectorOpsException(ErrorIds.InvalidArgument, VectorOpsErrorCategory.InvalidArgument,
                "Name the profile: vectorops profile remove --name NAME.", "--name");
            var store = new ProfileStore();
            var selected = store.Select(name, c.Options.Has("force"));
            if (selected.Count == 0)
            {
                c.Host.WriteWarning($"No saved profile matches '{name}': nothing was removed.");
                return;
            }
            foreach (var p in selected)
                c.Host.WriteInfo($"{(c.Options.Has("what-if") ? "What if: Removing" : "Removing")} the profile '{p.Name}' ({p.Provider}, index '{p.Index}') from {store.FilePath}.");
            if (c.Options.Has("what-if")) return;
            store.Remove(selected.Select(p => p.Name));
        }
    }
}
