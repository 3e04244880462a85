using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using VectorOps.Errors;

namespace VectorOps.Providers
{
    /// <summary>
    /// The providers this process knows, by descriptor. Adding a provider is its folder and one line in the static
    /// constructor (see docs/ARCHITECTURE.md); a test or an extension may <see cref="Register"/> more at run time.
    /// Front ends, completers and docs list <see cref="Providers"/>; nothing else names a provider.
    /// </summary>
    public static class ProviderRegistry
    {
        private static readonly object Gate = new object();
        private static List<ProviderDescriptor> _providers = new List<ProviderDescriptor>();
        private static readonly Dictionary<string, string> Unloadable = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        static ProviderRegistry()
        {
            Register(Local.LocalDescriptor.Descriptor);
            Register(Pinecone.PineconeDescriptor.Descriptor);
            Register(Vectorize.VectorizeDescriptor.Descriptor);
            Register(Chroma.ChromaDescriptor.Descriptor);
            Register(Weaviate.WeaviateDescriptor.Descriptor);
            Register(Qdrant.QdrantDescriptor.Descriptor);
            // Providers in assemblies of their own (their drivers need .NET 8): loaded by name where this process can.
            RegisterAssembly("VectorOps.Providers.PgVector");
        }

        /// <summary>
        /// Loads a provider assembly by name and registers the descriptors its <see cref="ProviderAssemblyAttribute"/>s
        /// name. The name resolves in the load context the core was loaded in (the module's own on PowerShell 7, the
        /// application's in the CLI), so the provider and its driver sit beside the core. Where it cannot load (Windows
        /// PowerShell's .NET Framework), the reason is kept and <see cref="Get"/> says it instead of "unknown".
        /// </summary>
        public static void RegisterAssembly(string assemblyName)
        {
            try
            {
                var assembly = Assembly.Load(new AssemblyName(assemblyName));
                foreach (var mark in assembly.GetCustomAttributes<ProviderAssemblyAttribute>())
                {
                    const BindingFlags flags = BindingFlags.Public | BindingFlags.Static;
                    var holder = mark.DescriptorHolder;
                    var value = holder.GetField("Descriptor", flags)?.GetValue(null) ?? holder.GetProperty("Descriptor", flags)?.GetValue(null);
                    if (value is ProviderDescriptor descriptor) Register(descriptor);
                    else lock (Gate) Unloadable[assemblyName] = $"{holder.FullName} has no public static Descriptor";
                }
            }
            catch (Exception ex) when (IsLoadFailure(ex))
            {
                // A descriptor read through reflection throws its type's failure wrapped: name the failure itself, and
                // never let it escape (it would take this type's initializer, so every provider, down with it).
                lock (Gate) Unloadable[assemblyName] = $"needs .NET 8 or later (PowerShell 7.4+), and could not load here: {Cause(ex).GetType().Name}";
            }
        }

        private static bool IsLoadFailure(Exception ex) =>
            ex is System.IO.FileNotFoundException || ex is System.IO.FileLoadException ||
            ex is BadImageFormatException || ex is TypeLoadException || ex is ReflectionTypeLoadException ||
            ex is TypeInitializationException || ex is NotSupportedException || ex is MissingMemberException ||
            (ex is TargetInvocationException && ex.InnerException != null && IsLoadFailure(ex.InnerException));

        /// <summary>The innermost of the wrappers reflection and type initializers put around a load failure.</summary>
        private static Exception Cause(Exception ex)
        {
            while ((ex is TargetInvocationException || ex is TypeInitializationException) && ex.InnerException != null) ex = ex.InnerException;
            return ex;
        }

        /// <summary>Provider assemblies that could not load in this process, with the reason (empty where all loaded).</summary>
        public static IReadOnlyDictionary<string, string> UnloadableAssemblies
        {
            get { lock (Gate) return new Dictionary<string, string>(Unloadable, StringComparer.OrdinalIgnoreCase); }
        }

        /// <summary>The provider used when none is named: the first registered (the embedded store).</summary>
        public static string DefaultProvider => Local.LocalDescriptor.Descriptor.Name;

        /// <summary>Adds (or replaces, by name) a provider. A name or alias taken by another provider is refused.</summary>
        public static void Register(ProviderDescriptor descriptor)
        {
            if (descriptor is null) throw new ArgumentNullException(nameof(descriptor));
            if (descriptor.ListsIndexesCheaply && descriptor.IndexLister is null)
                throw new ArgumentException($"{descriptor.Name} says it lists its indexes (ListsIndexesCheaply) but gives no IndexLister.", nameof(descriptor));
            lock (Gate)
            {
                var others = _providers.Where(p => !string.Equals(p.Name, descriptor.Name, StringComparison.OrdinalIgnoreCase)).ToList();
                var clash = descriptor.AllNames.FirstOrDefault(n => others.Any(p => p.IsNamed(n)));
                if (clash != null) throw new ArgumentException($"The provider name '{clash}' is already taken.", nameof(descriptor));
                others.Add(descriptor);
                _providers = others; // replaced whole: readers never see a list being changed
            }
        }

        /// <summary>Every registered provider, in registration order.</summary>
        public static IReadOnlyList<ProviderDescriptor> Providers => _providers;

        /// <summary>The providers' names (not aliases), sorted.</summary>
        public static IReadOnlyCollection<string> Names => _providers.Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal).ToList();

        /// <summary>The provider called <paramref name="name"/> (name or alias, any case); null when none is.</summary>
        public static ProviderDescriptor? Find(string? name) =>
            string.IsNullOrWhiteSpace(name) ? null : _providers.FirstOrDefault(p => p.IsNamed(name!));

        /// <summary>The provider called <paramref name="name"/>, or UnknownProvider naming it and the closest names.</summary>
        public static ProviderDescriptor Get(string? name)
        {
            var found = Find(name);
            if (found != null) return found;
            var all = _providers.SelectMany(p => p.AllNames).ToList();
            var close = string.IsNullOrWhiteSpace(name) ? new List<string>() : NameSuggestions.Closest(name!.Trim(), all).ToList();
            var hint = close.Count > 0 ? " Did you mean " + string.Join(" or ", close.Select(n => "'" + n + "'")) + "?" : "";
            var unloadable = UnloadableAssemblies;
            var missing = unloadable.Count == 0 ? "" :
                " Not available in this process: " + string.Join("; ", unloadable.Select(u => $"{u.Key} ({u.Value})")) + ".";
            throw new VectorOpsException(ErrorIds.UnknownProvider, VectorOpsErrorCategory.InvalidArgument,
                (string.IsNullOrWhiteSpace(name) ? "The provider name is empty." : $"Unknown provider '{name}'.") +
                hint + $" Known providers: {string.Join(", ", Names)}." + missing, name);
        }

        /// <summary>Checks the settings against the provider's descriptor (<see cref="ProviderDescriptor.Prepare"/>) and connects.</summary>
        public static IVectorProvider Create(ConnectionSettings settings)
        {
            if (settings is null) throw new ArgumentNullException(nameof(settings));
            var descriptor = Get(settings.Provider);
            descriptor.Prepare(settings);
            return descriptor.Create(settings);
        }
    }
}
