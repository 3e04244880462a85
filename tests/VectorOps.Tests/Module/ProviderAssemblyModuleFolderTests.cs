using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using VectorOps.Emulators.PgLite;
using VectorOps.Isolation;
using Xunit;

namespace VectorOps.Tests.Module
{
    /// <summary>
    /// Providers in assemblies of their own (PgVector, net8.0 with Npgsql) as the module ships them: loaded by name
    /// from the module's own load context by the core that context loaded from module/VectorOps/Dependencies, their
    /// driver beside them. Each test loads a fresh core in a context of its own, so the registry it reads (a static)
    /// is that context's, not the test process's.
    /// </summary>
    public class ProviderAssemblyModuleFolderTests : IDisposable
    {
        private readonly string _temp = Path.Combine(Path.GetTempPath(), "vectorops-providers-" + Guid.NewGuid().ToString("N"));

        public void Dispose()
        {
            try { if (Directory.Exists(_temp)) Directory.Delete(_temp, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }

        private static Type Registry(Assembly core) => core.GetType("VectorOps.Providers.ProviderRegistry", throwOnError: true)!;

        private static object? Static(Type type, string member, params object?[] args)
        {
            var property = type.GetProperty(member, BindingFlags.Public | BindingFlags.Static);
            if (property != null) return property.GetValue(null);
            try
            {
                return type.GetMethod(member, BindingFlags.Public | BindingFlags.Static)!.Invoke(null, args);
            }
            catch (TargetInvocationException ex) when (ex.InnerException != null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
                throw;
            }
        }

        [Fact]
        public void The_module_folder_ships_the_PgVector_provider_and_its_driver_and_no_second_copy_of_the_core_closure()
        {
            var deps = RepoPaths.DependencyDir;
            foreach (var name in new[] { "VectorOps.Providers.PgVector", "Npgsql", "Microsoft.Extensions.Logging.Abstractions",
                                         "Microsoft.Extensions.DependencyInjection.Abstractions" })
                Assert.True(File.Exists(Path.Combine(deps, name + ".dll")), name + ".dll is missing from " + deps);
            // Nothing at the module root but the module and its isolation assembly.
            Assert.Equal(new[] { "VectorOps.PowerShell.Isolation.dll", "VectorOps.PowerShell.dll" },
                Directory.GetFiles(RepoPaths.ModuleDir, "*.dll").Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal).ToArray());
            // The assemblies both closures have (System.Text.Json, VectorOps.Core, ...) are the netstandard2.0 builds the
            // module needs on Windows PowerShell too: the provider's net8.0 copies are not what was shipped.
            var providerBin = Directory.GetFiles(Path.Combine(RepoPaths.Root, "src", "VectorOps.Providers.PgVector", "bin"), "VectorOps.Providers.PgVector.dll", SearchOption.AllDirectories)
                .Select(f => new FileInfo(f)).OrderByDescending(f => f.LastWriteTimeUtc).First().DirectoryName!;
            var coreInDeps = AssemblyName.GetAssemblyName(Path.Combine(deps, "System.Text.Json.dll"));
            Assert.Equal(AssemblyName.GetAssemblyName(Path.Combine(providerBin, "System.Text.Json.dll")).Version, coreInDeps.Version);
            Assert.NotEqual(File.ReadAllBytes(Path.Combine(providerBin, "System.Text.Json.dll")), File.ReadAllBytes(Path.Combine(deps, "System.Text.Json.dll")));
            Assert.Single(Directory.GetFiles(RepoPaths.ModuleDir, "VectorOps.Core.dll", SearchOption.AllDirectories));
        }

        /// <summary>The full names of the types an assembly file defines, and of those it forwards elsewhere.</summary>
        private static (HashSet<string> Defined, HashSet<string> Forwarded) TypesOf(string path)
        {
            using var stream = File.OpenRead(path);
            using var pe = new System.Reflection.PortableExecutable.PEReader(stream);
            var md = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(pe);
            string Name(System.Reflection.Metadata.StringHandle ns, System.Reflection.Metadata.StringHandle name) =>
                (ns.IsNil ? "" : md.GetString(ns) + ".") + md.GetString(name);
            var defined = md.TypeDefinitions.Select(h => md.GetTypeDefinition(h)).Where(t => t.Attributes.HasFlag(TypeAttributes.Public))
                .Select(t => Name(t.Namespace, t.Name)).ToHashSet(StringComparer.Ordinal);
            var forwarded = md.ExportedTypes.Select(h => md.GetExportedType(h)).Where(t => t.IsForwarder)
                .Select(t => Name(t.Namespace, t.Name)).ToHashSet(StringComparer.Ordinal);
            return (defined, forwarded);
        }

        [Fact]
        public void Every_polyfill_whose_netstandard_build_defines_types_the_runtime_has_is_served_as_its_dotnet_build()
        {
            // A netstandard2.0 dependency that defines public types which its .NET build (the one a net8.0 provider is
            // compiled against) forwards to the runtime must be served as that .NET build in the module's context:
            // else the core's IAsyncEnumerable<T> is not the provider's and the provider's types do not load.
            var deps = RepoPaths.DependencyDir;
            var providerBin = Directory.GetFiles(Path.Combine(RepoPaths.Root, "src", "VectorOps.Providers.PgVector", "bin"), "VectorOps.Providers.PgVector.dll", SearchOption.AllDirectories)
                .Select(f => new FileInfo(f)).OrderByDescending(f => f.LastWriteTimeUtc).First().DirectoryName!;
            var needed = new List<string>();
            foreach (var shipped in Directory.GetFiles(deps, "*.dll"))
            {
                var net8 = Path.Combine(providerBin, Path.GetFileName(shipped));
                if (!File.Exists(net8)) continue;
                var (defined, _) = TypesOf(shipped);
                var (_, forwarded) = TypesOf(net8);
                if (defined.Overlaps(forwarded)) needed.Add(Path.GetFileName(shipped));
            }
            Assert.Contains("Microsoft.Bcl.AsyncInterfaces.dll", needed); // the case this exists for; the scan can find one
            foreach (var file in needed)
            {
                var served = Path.Combine(deps, ModuleLoadContext.DotNetBuildFolder, file);
                Assert.True(File.Exists(served), $"{file}: its netstandard2.0 build defines types its .NET build forwards; ship the .NET build in Dependencies/{ModuleLoadContext.DotNetBuildFolder} (VectorOps.PowerShell.csproj, _VoNet8Build).");
                Assert.Equal(File.ReadAllBytes(Path.Combine(providerBin, file)), File.ReadAllBytes(served));
                Assert.Equal(served, new ModuleLoadContext(deps).ResolveManagedPath(new AssemblyName(Path.GetFileNameWithoutExtension(file))));
            }
            // Nothing else is there: the rest of the netstandard2.0 closure is served as it is.
            var extra = Directory.Exists(Path.Combine(deps, ModuleLoadContext.DotNetBuildFolder))
                ? Directory.GetFiles(Path.Combine(deps, ModuleLoadContext.DotNetBuildFolder)).Select(Path.GetFileName).Except(needed).ToList()
                : new List<string?>();
            Assert.Empty(extra);
        }

        [Fact]
        public void The_core_in_the_module_context_registers_PgVector_from_Dependencies_and_Npgsql_loads_beside_it()
        {
            var deps = RepoPaths.DependencyDir;
            var alc = new ModuleLoadContext(deps);
            var core = alc.LoadFromAssemblyName(new AssemblyName("VectorOps.Core"));
            var registry = Registry(core);

            var names = ((IEnumerable<string>)Static(registry, "Names")!).ToList();
            Assert.Contains("PgVector", names);
            Assert.Empty((IDictionary)Static(registry, "UnloadableAssemblies")!);
            foreach (var alias in new[] { "PgVector", "Postgres", "postgresql" })
            {
                var descriptor = Static(registry, "Get", alias)!;
                Assert.Equal("PgVector", descriptor.GetType().GetProperty("Name")!.GetValue(descriptor));
            }

            var provider = Assert.Single(alc.Assemblies, a => a.GetName().Name == "VectorOps.Providers.PgVector");
            Assert.Equal(Path.Combine(deps, "VectorOps.Providers.PgVector.dll"), provider.Location);
            Assert.Same(alc, AssemblyLoadContext.GetLoadContext(provider));
            // Not the copy the test process itself uses (that one is in the default context, from bin/).
            Assert.NotSame(typeof(VectorOps.Providers.PgVector.PgVectorDescriptor).Assembly, provider);

            // Npgsql as the provider resolves it (through a type in one of its signatures): from Dependencies, in the
            // module's context. Then a real connection to the test server through that Npgsql.
            var filterSql = provider.GetType("VectorOps.Providers.PgVector.PgFilterSql", throwOnError: true)!;
            var where = filterSql.GetMethod("Where", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)!;
            var npgsql = where.GetParameters()[2].ParameterType.GenericTypeArguments[0].Assembly;
            Assert.Equal("Npgsql", npgsql.GetName().Name);
            Assert.Same(alc, AssemblyLoadContext.GetLoadContext(npgsql));
            Assert.Equal(Path.Combine(deps, "Npgsql.dll"), npgsql.Location);

            var connectionType = npgsql.GetType("Npgsql.NpgsqlConnection", throwOnError: true)!;
            using (var connection = (IDisposable)Activator.CreateInstance(connectionType, PgLiteServer.Shared.ConnectionString)!)
            {
                connectionType.GetMethod("Open", Type.EmptyTypes)!.Invoke(connection, null);
                var command = connectionType.GetMethod("CreateCommand", Type.EmptyTypes)!.Invoke(connection, null)!;
                command.GetType().GetProperty("CommandText")!.SetValue(command, "SELECT current_setting('server_version_num')::int");
                var version = (int)command.GetType().GetMethod("ExecuteScalar", Type.EmptyTypes)!.Invoke(command, null)!;
                Assert.True(version >= 180000, "PostgreSQL 18 expected, got " + version);
                ((IDisposable)command).Dispose();
            }

            // Every assembly of ours the connection needed came from Dependencies, in this context.
            foreach (var name in new[] { "Npgsql", "Microsoft.Extensions.Logging.Abstractions" })
            {
                var a = Assert.Single(alc.Assemblies, x => x.GetName().Name == name);
                Assert.Equal(Path.Combine(deps, name + ".dll"), a.Location);
            }
            foreach (var a in alc.Assemblies)
                Assert.StartsWith(deps + Path.DirectorySeparatorChar, a.Location);
        }

        [Fact]
        public void When_the_provider_assembly_cannot_load_its_name_gives_UnknownProvider_saying_why()
        {
            // A copy of the module's Dependencies whose PgVector assembly is damaged: the core there cannot load it.
            // (Removing it would not do in this process: the default context, which the module's context falls back
            // to, has the test's own copy, bound to the test's own core.)
            Directory.CreateDirectory(_temp);
            foreach (var file in Directory.GetFiles(RepoPaths.DependencyDir, "*.dll"))
                File.Copy(file, Path.Combine(_temp, Path.GetFileName(file)));
            File.WriteAllText(Path.Combine(_temp, "VectorOps.Providers.PgVector.dll"), "not an assembly");
            var alc = new ModuleLoadContext(_temp);
            var core = alc.LoadFromAssemblyName(new AssemblyName("VectorOps.Core"));
            var registry = Registry(core);

            var names = ((IEnumerable<string>)Static(registry, "Names")!).ToList();
            Assert.DoesNotContain("PgVector", names);
            Assert.Contains("Local", names);
            var unloadable = (IDictionary)Static(registry, "UnloadableAssemblies")!;
            Assert.True(unloadable.Contains("VectorOps.Providers.PgVector"));

            // Another assembly that is not there, registered the way the registry registers its own.
            Static(registry, "RegisterAssembly", "VectorOps.Providers.Missing");
            Assert.True(((IDictionary)Static(registry, "UnloadableAssemblies")!).Contains("VectorOps.Providers.Missing"));

            foreach (var name in new[] { "PgVector", "Postgres" })
            {
                var ex = Assert.ThrowsAny<Exception>(() => Static(registry, "Get", name));
                Assert.Equal("VectorOps.Errors.VectorOpsException", ex.GetType().FullName);
                Assert.Equal("UnknownProvider", ex.GetType().GetProperty("ErrorId")!.GetValue(ex));
                Assert.Contains($"Unknown provider '{name}'", ex.Message);
                // Why: each assembly that could not load, and the reason.
                Assert.Contains("Not available in this process: ", ex.Message);
                Assert.Contains("VectorOps.Providers.PgVector (needs .NET 8 or later (PowerShell 7.4+), and could not load here: BadImageFormatException)", ex.Message);
                Assert.Contains("VectorOps.Providers.Missing (needs .NET 8 or later (PowerShell 7.4+), and could not load here: FileNotFoundException)", ex.Message);
            }
            // A provider that did load is unaffected.
            Assert.NotNull(Static(registry, "Get", "Local"));
        }

        [Fact]
        public void A_provider_assembly_whose_types_do_not_load_leaves_the_other_providers_working_and_says_why()
        {
            // The module folder without the .NET build of Microsoft.Bcl.AsyncInterfaces: the provider assembly loads,
            // but its provider type does not (its IAsyncEnumerable is not the core's), inside its descriptor's type
            // initializer, reached by reflection. That must not take the registry (so every provider) down with it.
            Directory.CreateDirectory(_temp);
            foreach (var file in Directory.GetFiles(RepoPaths.DependencyDir, "*.dll"))
                File.Copy(file, Path.Combine(_temp, Path.GetFileName(file)));
            var alc = new ModuleLoadContext(_temp);
            var core = alc.LoadFromAssemblyName(new AssemblyName("VectorOps.Core"));
            var registry = Registry(core);

            var names = ((IEnumerable<string>)Static(registry, "Names")!).ToList();
            Assert.Contains("Local", names);
            Assert.DoesNotContain("PgVector", names);
            var ex = Assert.ThrowsAny<Exception>(() => Static(registry, "Get", "PgVector"));
            Assert.Equal("UnknownProvider", ex.GetType().GetProperty("ErrorId")!.GetValue(ex));
            Assert.Contains("VectorOps.Providers.PgVector (needs .NET 8 or later (PowerShell 7.4+), and could not load here: TypeLoadException)", ex.Message);
        }
    }
}
