using System;
using System.Collections.Generic;
using System.Linq;
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

        static ProviderRegistry()
        {
            Register(Local.LocalDescriptor.Descriptor);
            Register(Pinecone.PineconeDescriptor.Descriptor);
            Register(Vectorize.VectorizeDescriptor.Descriptor);
        }

        /// <summary>The provider used when none is named: the first registered (the embedded store).</summary>
        public static string DefaultProvider => Local.LocalDescriptor.Descriptor.Name;

        /// <summary>Adds (or replaces, by name) a provider. A name or alias taken by another provider is refused.</summary>
        public static void Register(ProviderDescriptor descriptor)
        {
            if (descriptor is null) throw new ArgumentNullException(nameof(descriptor));
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
            throw new VectorOpsException(ErrorIds.UnknownProvider, VectorOpsErrorCategory.InvalidArgument,
                (string.IsNullOrWhiteSpace(name) ? "The provider name is empty." : $"Unknown provider '{name}'.") +
                hint + $" Known providers: {string.Join(", ", Names)}.", name);
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
