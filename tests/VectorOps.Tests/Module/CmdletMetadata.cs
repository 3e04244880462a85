using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Reflection;

namespace VectorOps.Tests.Module
{
    /// <summary>Where the repository and the assembled module are, found from the test's output folder.</summary>
    internal static class RepoPaths
    {
        public static string Root { get; } = FindRoot();

        public static string ModuleDir => Path.Combine(Root, "module", "VectorOps");
        public static string DependencyDir => Path.Combine(ModuleDir, "Dependencies");
        public static string Manifest => Path.Combine(Root, "VectorOps.psd1");
        public static string HelpSourceDir => Path.Combine(Root, "module", "help");
        public static string HelpFileSource => Path.Combine(Root, "module", "en-US", "VectorOps.PowerShell.dll-Help.xml");
        public static string HelpFileBuilt => Path.Combine(ModuleDir, "en-US", "VectorOps.PowerShell.dll-Help.xml");

        private static string FindRoot()
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir != null && !(File.Exists(Path.Combine(dir.FullName, "VectorOps.psd1")) && File.Exists(Path.Combine(dir.FullName, "VectorOps.sln"))))
                dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("The repository root (VectorOps.psd1 + VectorOps.sln) is not above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>A parameter's declaration in one parameter set, read from CustomAttributeData.</summary>
    internal sealed record ParameterInSet(string Set, bool Mandatory, int? Position, bool ValueFromPipeline, bool ValueFromPipelineByPropertyName);

    internal sealed class ParameterMetadata
    {
        public ParameterMetadata(PropertyInfo property)
        {
            Property = property;
            Sets = property.GetCustomAttributesData()
                .Where(a => a.AttributeType == typeof(ParameterAttribute))
                .Select(a => new ParameterInSet(
                    Named<string>(a, nameof(ParameterAttribute.ParameterSetName)) ?? ParameterAttribute.AllParameterSets,
                    Named<bool>(a, nameof(ParameterAttribute.Mandatory)),
                    NamedNullable<int>(a, nameof(ParameterAttribute.Position)),
                    Named<bool>(a, nameof(ParameterAttribute.ValueFromPipeline)),
                    Named<bool>(a, nameof(ParameterAttribute.ValueFromPipelineByPropertyName))))
                .ToList();
            Aliases = property.GetCustomAttributesData()
                .Where(a => a.AttributeType == typeof(AliasAttribute))
                .SelectMany(a => a.ConstructorArguments)
                .SelectMany(StringArgs)
                .ToList();
            Attributes = property.GetCustomAttributesData().Select(a => a.AttributeType).ToList();
        }

        public PropertyInfo Property { get; }
        public string Name => Property.Name;
        public Type Type => Property.PropertyType;
        public IReadOnlyList<ParameterInSet> Sets { get; }
        public IReadOnlyList<string> Aliases { get; }
        public IReadOnlyList<Type> Attributes { get; }
        public bool IsSwitch => Type == typeof(SwitchParameter);

        public ParameterInSet? In(string set) =>
            Sets.FirstOrDefault(s => s.Set == set) ?? Sets.FirstOrDefault(s => s.Set == ParameterAttribute.AllParameterSets);

        internal static T? Named<T>(CustomAttributeData a, string name)
        {
            foreach (var arg in a.NamedArguments)
                if (arg.MemberName == name) return (T?)arg.TypedValue.Value;
            return default;
        }

        private static T? NamedNullable<T>(CustomAttributeData a, string name) where T : struct
        {
            foreach (var arg in a.NamedArguments)
                if (arg.MemberName == name) return (T)arg.TypedValue.Value!;
            return null;
        }

        internal static IEnumerable<string> StringArgs(CustomAttributeTypedArgument arg)
        {
            if (arg.Value is string s) return new[] { s };
            if (arg.Value is IEnumerable<CustomAttributeTypedArgument> items) return items.Select(i => (string)i.Value!);
            return Array.Empty<string>();
        }
    }

    /// <summary>A cmdlet class's declaration: [Cmdlet], [OutputType] and its [Parameter] properties.</summary>
    internal sealed class CmdletMetadata
    {
        public CmdletMetadata(Type type)
        {
            Type = type;
            var cmdlet = type.GetCustomAttributesData().Single(a => a.AttributeType == typeof(CmdletAttribute));
            Verb = (string)cmdlet.ConstructorArguments[0].Value!;
            Noun = (string)cmdlet.ConstructorArguments[1].Value!;
            SupportsShouldProcess = ParameterMetadata.Named<bool>(cmdlet, nameof(CmdletAttribute.SupportsShouldProcess));
            var impact = cmdlet.NamedArguments.Where(n => n.MemberName == nameof(CmdletAttribute.ConfirmImpact)).Select(n => (int?)(int)n.TypedValue.Value!).FirstOrDefault();
            ConfirmImpact = impact is null ? null : (ConfirmImpact)impact.Value;
            DefaultParameterSetName = ParameterMetadata.Named<string>(cmdlet, nameof(CmdletAttribute.DefaultParameterSetName));
            OutputTypes = type.GetCustomAttributesData()
                .Where(a => a.AttributeType == typeof(OutputTypeAttribute))
                .SelectMany(a => a.ConstructorArguments)
                .SelectMany(arg => arg.Value is Type t ? new[] { t }
                    : arg.Value is IEnumerable<CustomAttributeTypedArgument> items ? items.Select(i => (Type)i.Value!) : Array.Empty<Type>())
                .ToList();
            Parameters = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.GetCustomAttributesData().Any(a => a.AttributeType == typeof(ParameterAttribute)))
                .Select(p => new ParameterMetadata(p))
                .ToList();
        }

        public Type Type { get; }
        public string Verb { get; }
        public string Noun { get; }
        public string Name => Verb + "-" + Noun;
        public bool SupportsShouldProcess { get; }
        public ConfirmImpact? ConfirmImpact { get; }
        public string? DefaultParameterSetName { get; }
        public IReadOnlyList<Type> OutputTypes { get; }
        public IReadOnlyList<ParameterMetadata> Parameters { get; }

        public ParameterMetadata Parameter(string name) => Parameters.Single(p => p.Name == name);

        /// <summary>True when the cmdlet adds parameters at bind time (Connect-VectorIndex: each provider's own, from its descriptor).</summary>
        public bool HasProviderParameters => typeof(VectorOps.PowerShell.Cmdlets.ConnectVectorIndexCommand) == Type;

        /// <summary>
        /// The providers whose parameters the shipped help and the scans describe: those the product registers
        /// (declared in VectorOps.Core), not a throwaway a test registered at run time.
        /// </summary>
        public static IReadOnlyList<VectorOps.Providers.ProviderDescriptor> ShippedProviders =>
            VectorOps.Providers.ProviderRegistry.Providers
                .Where(p => p.Create.Method.DeclaringType?.Assembly is { } assembly &&
                            (assembly == typeof(VectorOps.Providers.ProviderRegistry).Assembly ||
                             // A provider in an assembly of its own that the module ships (PgVector): it says so.
                             assembly.IsDefined(typeof(VectorOps.Providers.ProviderAssemblyAttribute), inherit: false)))
                .ToList();

        /// <summary>Each shipped provider's dynamic parameters (empty for a cmdlet without any).</summary>
        public IReadOnlyList<(VectorOps.Providers.ProviderDescriptor Provider, IReadOnlyList<VectorOps.PowerShell.Input.ProviderParameter> Parameters)> ProviderParameters =>
            HasProviderParameters
                ? ShippedProviders.Select(p => (p, VectorOps.PowerShell.Input.ProviderParameters.For(p))).ToList()
                : new List<(VectorOps.Providers.ProviderDescriptor, IReadOnlyList<VectorOps.PowerShell.Input.ProviderParameter>)>();

        /// <summary>The named parameter sets (those a parameter names explicitly).</summary>
        public IReadOnlyList<string> NamedSets =>
            Parameters.SelectMany(p => p.Sets).Select(s => s.Set).Where(s => s != ParameterAttribute.AllParameterSets).Distinct().ToList();

        public static IReadOnlyList<CmdletMetadata> All { get; } = typeof(VectorOps.PowerShell.Cmdlets.VectorCmdletBase).Assembly
            .GetTypes()
            .Where(t => t.GetCustomAttributesData().Any(a => a.AttributeType == typeof(CmdletAttribute)))
            .Select(t => new CmdletMetadata(t))
            .OrderBy(c => c.Name, StringComparer.Ordinal)
            .ToList();
    }
}
