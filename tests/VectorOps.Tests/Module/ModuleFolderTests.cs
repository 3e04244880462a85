using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using VectorOps.Isolation;
using Xunit;

namespace VectorOps.Tests.Module
{
    /// <summary>
    /// THE MODULE FOLDER TEST: runs the local store out of module/VectorOps/Dependencies through the module's own load
    /// context, exactly as the PowerShell 7 resolver does. Every managed assembly the round trip needs and the native
    /// e_sqlite3 must come from the module folder: anything that only resolves from the test's bin/ fails it.
    /// </summary>
    public class ModuleFolderTests : IDisposable
    {
        private readonly string _temp = Path.Combine(Path.GetTempPath(), "vectorops-module-" + Guid.NewGuid().ToString("N"));

        public ModuleFolderTests() => Directory.CreateDirectory(_temp);

        public void Dispose()
        {
            try { Directory.Delete(_temp, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }

        [Fact]
        public void The_local_store_round_trip_runs_entirely_from_the_module_folder_in_the_modules_own_context()
        {
            var deps = RepoPaths.DependencyDir;
            Assert.True(Directory.Exists(deps), "Build first: " + deps);

            // A fresh context per test, created the way ModuleIsolation.Install creates it.
            var alc = new ModuleLoadContext(deps);
            var bridge = alc.LoadFromAssemblyName(new AssemblyName("VectorOps.Core"));
            Assert.Same(alc, AssemblyLoadContext.GetLoadContext(bridge));
            Assert.NotSame(AssemblyLoadContext.Default, AssemblyLoadContext.GetLoadContext(bridge));
            Assert.Equal(Path.Combine(deps, "VectorOps.Core.dll"), bridge.Location);
            // Not the Core the test itself uses (that one is in the default context, from bin/).
            Assert.NotSame(typeof(VectorOps.Model.VectorRecord).Assembly, bridge);

            var selfTest = bridge.GetType("VectorOps.Diagnostics.SelfTest", throwOnError: true)!;
            var run = selfTest.GetMethod("RunLocalRoundTrip", BindingFlags.Public | BindingFlags.Static)!;
            var store = Path.Combine(_temp, "store.db");
            string summary;
            try
            {
                summary = (string)run.Invoke(null, new object[] { store })!;
            }
            catch (TargetInvocationException ex)
            {
                throw new Xunit.Sdk.XunitException("The round trip failed inside the module context: " + ex.InnerException);
            }

            Assert.StartsWith("added=10 afterIdDelete=8 afterFilterDelete=3 remaining=rec-2,rec-3,rec-4 ", summary);
            Assert.EndsWith("core=" + Path.Combine(deps, "VectorOps.Core.dll"), summary);
            Assert.True(File.Exists(store));

            // Every assembly the round trip loaded into the module context came from Dependencies.
            var loaded = alc.Assemblies.ToList();
            foreach (var name in new[] { "VectorOps.Core", "Microsoft.Data.Sqlite", "SQLitePCLRaw.core", "SQLitePCLRaw.provider.e_sqlite3",
                                         "SQLitePCLRaw.batteries_v2", "Microsoft.Bcl.AsyncInterfaces" })
            {
                var a = loaded.SingleOrDefault(x => x.GetName().Name == name);
                Assert.True(a != null, name + " was not loaded into the module context; loaded: " + string.Join(", ", loaded.Select(x => x.GetName().Name)));
                // A polyfill with a .NET build (Microsoft.Bcl.AsyncInterfaces) is served from Dependencies/net8.0.
                var dotNetBuild = Path.Combine(deps, ModuleLoadContext.DotNetBuildFolder, name + ".dll");
                Assert.Equal(File.Exists(dotNetBuild) ? dotNetBuild : Path.Combine(deps, name + ".dll"), a!.Location);
            }
            foreach (var a in loaded)
                Assert.StartsWith(deps + Path.DirectorySeparatorChar, a.Location);

            // The native library was served by the module context from Dependencies/runtimes/<rid>/native.
            var native = Assert.Single(alc.NativeLibrariesLoaded, p => Path.GetFileName(p).Contains("e_sqlite3"));
            Assert.StartsWith(Path.Combine(deps, "runtimes") + Path.DirectorySeparatorChar, native);
            if (OperatingSystem.IsLinux() && System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.X64)
                Assert.Equal(Path.Combine(deps, "runtimes", "linux-x64", "native", "libe_sqlite3.so"), native);
        }

        [Fact]
        public void The_per_id_path_of_a_bulk_delete_runs_from_the_module_folder_with_the_runtimes_vectors()
        {
            var alc = new ModuleLoadContext(RepoPaths.DependencyDir);
            var core = alc.LoadFromAssemblyName(new AssemblyName("VectorOps.Core"));
            var ascii = core.GetType("VectorOps.Serialization.AsciiText", throwOnError: true)!;
            var body = core.GetType("VectorOps.Serialization.JsonBody", throwOnError: true)!;
            var isPlain = ascii.GetMethod("IsJsonPlain", BindingFlags.Public | BindingFlags.Static)!;
            var ids = body.GetMethod("Ids", BindingFlags.Public | BindingFlags.Static)!;

            var plain = "doc-00012345#chunk-07";
            Assert.True((bool)isPlain.Invoke(null, new object[] { plain })!);
            Assert.False((bool)isPlain.Invoke(null, new object[] { "doc-00012345\"chunk-07" })!);
            var list = new System.Collections.Generic.List<string> { plain, "a\"b", new string('x', 40) };
            var written = (ArraySegment<byte>)ids.Invoke(null, new object?[] { list, "ns" })!;
            Assert.Equal(VectorOps.Serialization.JsonBody.Ids(list, "ns").ToArray(), written.ToArray());

            // The SIMD path is the one that ran: Vector<T> came from the runtime, not from Dependencies.
            var vectors = alc.Assemblies.Concat(AssemblyLoadContext.Default.Assemblies)
                .Where(a => a.GetName().Name == "System.Numerics.Vectors").ToList();
            Assert.All(vectors, a => Assert.DoesNotContain(RepoPaths.DependencyDir, a.Location));
            Assert.DoesNotContain(alc.Assemblies, a => a.GetName().Name == "System.Numerics.Vectors");
        }

        [Fact]
        public void Framework_polyfills_defer_to_the_runtime_and_everything_else_in_Dependencies_loads_in_the_module_context()
        {
            var alc = new ModuleLoadContext(RepoPaths.DependencyDir);
            // System.Memory's netstandard2.0 build re-defines Span<T>: the framework's (higher version) must win.
            Assert.Null(alc.ResolveManagedPath(new AssemblyName("System.Memory")));
            Assert.Null(alc.ResolveManagedPath(new AssemblyName("System.Buffers")));
            Assert.Null(alc.ResolveManagedPath(new AssemblyName("System.Runtime.CompilerServices.Unsafe")));
            // Likewise Vector<T>: the package's netstandard2.0 build is a software one; the runtime's uses SIMD.
            Assert.Null(alc.ResolveManagedPath(new AssemblyName("System.Numerics.Vectors")));
            // Ours, even though the framework has a System.Text.Json too (same version here; lower on .NET 8).
            Assert.Equal(Path.Combine(RepoPaths.DependencyDir, "System.Text.Json.dll"), alc.ResolveManagedPath(new AssemblyName("System.Text.Json")));
            Assert.Equal(Path.Combine(RepoPaths.DependencyDir, "Polly.Core.dll"), alc.ResolveManagedPath(new AssemblyName("Polly.Core")));
            // Not shipped: the default context answers.
            Assert.Null(alc.ResolveManagedPath(new AssemblyName("System.Management.Automation")));
            Assert.Null(alc.ResolveManagedPath(new AssemblyName("Newtonsoft.Json")));
        }

        [Fact]
        public void The_bridge_resolver_answers_only_for_VectorOps_Core_and_returns_one_instance()
        {
            ModuleIsolation.Install(RepoPaths.DependencyDir, new[] { "VectorOps.Core" });
            try
            {
                var first = ModuleIsolation.ResolveBridge(new AssemblyName("VectorOps.Core"));
                var second = ModuleIsolation.ResolveBridge(new AssemblyName("VectorOps.Core, Version=0.0.0.0"));
                Assert.NotNull(first);
                Assert.Same(first, second);
                Assert.Same(ModuleIsolation.Context, AssemblyLoadContext.GetLoadContext(first!));
                // Dependencies of Core are never handed to the default context: other modules keep their own copies.
                Assert.Null(ModuleIsolation.ResolveBridge(new AssemblyName("System.Text.Json")));
                Assert.Null(ModuleIsolation.ResolveBridge(new AssemblyName("Microsoft.Data.Sqlite")));
                // Idempotent: a second import reuses the same context.
                var context = ModuleIsolation.Context;
                ModuleIsolation.Install(RepoPaths.DependencyDir, new[] { "VectorOps.Core" });
                Assert.Same(context, ModuleIsolation.Context);
            }
            finally
            {
                ModuleIsolation.Uninstall();
            }
        }

        [Fact]
        public void Native_library_names_and_rids_for_this_platform()
        {
            var rids = NativeLibraryLocator.CandidateRids();
            Assert.NotEmpty(rids);
            var names = NativeLibraryLocator.CandidateFileNames("e_sqlite3");
            if (OperatingSystem.IsLinux())
            {
                Assert.Equal("libe_sqlite3.so", names[0]);
                Assert.Contains(rids, r => r.StartsWith("linux-", StringComparison.Ordinal));
            }
            if (OperatingSystem.IsWindows()) Assert.Equal("e_sqlite3.dll", names[0]);
            Assert.Null(NativeLibraryLocator.Find(RepoPaths.DependencyDir, "no_such_library"));
            Assert.NotNull(NativeLibraryLocator.Find(RepoPaths.DependencyDir, "e_sqlite3"));
        }
    }
}
