using System;

namespace VectorOps.Providers
{
    /// <summary>
    /// Marks an assembly that carries a provider outside the core (one whose driver needs a newer .NET than the core's
    /// netstandard2.0): <c>[assembly: ProviderAssembly(typeof(XDescriptor))]</c>, where the type has a public static
    /// <c>Descriptor</c> field or property holding its <see cref="ProviderDescriptor"/>. <see cref="ProviderRegistry"/>
    /// loads the assemblies it lists by name (from the load context the core itself was loaded in) and registers
    /// what they declare.
    /// </summary>
    [AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
    public sealed class ProviderAssemblyAttribute : Attribute
    {
        public ProviderAssemblyAttribute(Type descriptorHolder) => DescriptorHolder = descriptorHolder;

        /// <summary>The type with the public static <c>Descriptor</c>.</summary>
        public Type DescriptorHolder { get; }
    }
}
