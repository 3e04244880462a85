using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace VectorOps.Isolation
{
    /// <summary>
    /// The module's own load context: every managed assembly found in the module's Dependencies folder loads here,
    /// so VectorOps.Core, System.Text.Json, Polly, Microsoft.Data.Sqlite and SQLitePCLRaw never meet the copies
    /// that PowerShell itself or other modules (Az, Microsoft.Graph, ...) load into the default context.
    /// Native libraries asked for by those assemblies (e_sqlite3) load from Dependencies/runtimes/&lt;rid&gt;/native.
    /// </summary>
    /// <remarks>
    /// One exception keeps type identity with the runtime: a down-level polyfill. The Dependencies folder holds the
    /// netstandard2.0 closure (it also serves Windows PowerShell), which includes packages such as System.Memory or
    /// System.Buffers whose netstandard2.0 builds re-define types that .NET has built in. When the shared framework
    /// has the same assembly at a strictly higher version, the framework's copy is used (Load returns null and the
    /// default context answers). Everything else in Dependencies, including assemblies the framework also has at the
    /// same or a lower version (System.Text.Json 10 on .NET 8), loads here. A polyfill whose netstandard2.0 build
    /// defines types the runtime has (Microsoft.Bcl.AsyncInterfaces) is served from Dependencies/net8.0/, its .NET build,
    /// which forwards them to the runtime: the core and the provider assemblies built for .NET 8 then share them.
    /// </remarks>
    public sealed class ModuleLoadContext : AssemblyLoadContext
    {
        private readonly ConcurrentDictionary<string, string?> _managedPaths = new ConcurrentDictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        private readonly ConcurrentDictionary<string, IntPtr> _nativeHandles = new ConcurrentDictionary<string, IntPtr>(StringComparer.Ordinal);
        private readonly ConcurrentQueue<string> _nativeLoads = new ConcurrentQueue<string>();
        private readonly object _nativeGate = new object();
        private readonly string _frameworkDirectory;

        public ModuleLoadContext(string dependencyDirectory) : base("VectorOps.PowerShell", isCollectible: false)
        {
            if (string.IsNullOrEmpty(dependencyDirectory)) throw new ArgumentNullException(nameof(dependencyDirectory));
            DependencyDirectory = Path.GetFullPath(dependencyDirectory);
            _frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location) ?? "";
        }

        /// <summary>The folder the managed dependencies are loaded from (its runtimes/ subfolder holds the native ones).</summary>
        public string DependencyDirectory { get; }

        /// <summary>Full paths of the native libraries this context has loaded, in order (for diagnostics and tests).</summary>
        public IReadOnlyCollection<string> NativeLibrariesLoaded => _nativeLoads.ToArray();

        /// <summary>The Dependencies file that serves this assembly name in this context, or null when the default context should.</summary>
        public string? ResolveManagedPath(AssemblyName assemblyName)
        {
            var simple = assemblyName.Name;
            if (string.IsNullOrEmpty(simple)) return null;
            return _managedPaths.GetOrAdd(simple, Choose);
        }

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            var path = ResolveManagedPath(assemblyName);
            return path is null ? null : LoadFromAssemblyPath(path);
        }

        protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
        {
            var path = NativeLibraryLocator.Find(DependencyDirectory, unmanagedDllName);
            if (path is null) return IntPtr.Zero; // let the runtime's default probing try (it finds nothing of ours)
            // The runtime asks once per P/Invoke site; load each library once and hand out the same handle.
            if (_nativeHandles.TryGetValue(path, out var known)) return known;
            lock (_nativeGate)
            {
                if (_nativeHandles.TryGetValue(path, out known)) return known;
                var handle = LoadUnmanagedDllFromPath(path);
                _nativeHandles[path] = handle;
                _nativeLoads.Enqueue(path);
                return handle;
            }
        }

        /// <summary>
        /// The subfolder of Dependencies holding the .NET builds of polyfill packages whose netstandard2.0 builds define
        /// types .NET has built in (Microsoft.Bcl.AsyncInterfaces): those builds forward the types to the runtime, so
        /// the core and a net8.0 provider assembly agree on IAsyncEnumerable&lt;T&gt;. Only this context reads it.
        /// </summary>
        public const string DotNetBuildFolder = "net8.0";

        private string? Choose(string simpleName)
        {
            var dotNetBuild = Path.Combine(DependencyDirectory, DotNetBuildFolder, simpleName + ".dll");
            if (File.Exists(dotNetBuild)) return dotNetBuild;
            var candidate = Path.Combine(DependencyDirectory, simpleName + ".dll");
            if (!File.Exists(candidate)) return null;
            return IsDownLevelPolyfill(simpleName, candidate) ? null : candidate;
        }

        /// <summary>True when the shared framework has this assembly at a strictly higher version than our copy.</summary>
        private bool IsDownLevelPolyfill(string simpleName, string ourPath)
        {
            if (_frameworkDirectory.Length == 0) return false;
            var frameworkPath = Path.Combine(_frameworkDirectory, simpleName + ".dll");
            if (!File.Exists(frameworkPath)) return false;
            try
            {
                var ours = AssemblyName.GetAssemblyName(ourPath).Version ?? new Version(0, 0);
                var theirs = AssemblyName.GetAssemblyName(frameworkPath).Version ?? new Version(0, 0);
                return theirs > ours;
            }
            catch (Exception ex) when (ex is BadImageFormatException || ex is IOException || ex is UnauthorizedAccessException)
            {
                return false;
            }
        }
    }

    /// <summary>Finds a native library in Dependencies/runtimes/&lt;rid&gt;/native for the running OS and process architecture.</summary>
    public static class NativeLibraryLocator
    {
        /// <summary>Runtime identifiers to try, most specific first (e.g. linux-musl-x64, then linux-x64 is NOT tried: musl cannot load glibc builds).</summary>
        public static IReadOnlyList<string> CandidateRids()
        {
            var arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
            var list = new List<string>();
            void Add(string rid)
            {
                if (!list.Exists(r => string.Equals(r, rid, StringComparison.OrdinalIgnoreCase))) list.Add(rid);
            }

            // The runtime's own RID is portable (linux-x64, linux-musl-arm64, win-x64, osx-arm64) on .NET 8+.
            var own = RuntimeInformation.RuntimeIdentifier;
            if (!string.IsNullOrEmpty(own)) Add(own);
            if (OperatingSystem.IsWindows()) Add("win-" + arch);
            else if (OperatingSystem.IsMacOS()) Add("osx-" + arch);
            else if (OperatingSystem.IsLinux()) Add((IsMusl(own) ? "linux-musl-" : "linux-") + arch);
            return list;
        }

        /// <summary>The file names a library may have on this OS: e_sqlite3 → libe_sqlite3.so / e_sqlite3.dll / libe_sqlite3.dylib.</summary>
        public static IReadOnlyList<string> CandidateFileNames(string libraryName)
        {
            var names = new List<string>();
            var file = Path.GetFileName(libraryName);
            string suffix = OperatingSystem.IsWindows() ? ".dll" : OperatingSystem.IsMacOS() ? ".dylib" : ".so";
            var hasSuffix = file.EndsWith(suffix, StringComparison.OrdinalIgnoreCase) || file.Contains(".so.", StringComparison.Ordinal);
            var stem = hasSuffix ? file : file + suffix;
            if (!OperatingSystem.IsWindows() && !stem.StartsWith("lib", StringComparison.Ordinal)) names.Add("lib" + stem);
            names.Add(stem);
            if (!names.Contains(file)) names.Add(file);
            return names;
        }

        public static string? Find(string dependencyDirectory, string libraryName)
        {
            if (string.IsNullOrEmpty(libraryName)) return null;
            foreach (var rid in CandidateRids())
            {
                var dir = Path.Combine(dependencyDirectory, "runtimes", rid, "native");
                if (!Directory.Exists(dir)) continue;
                foreach (var name in CandidateFileNames(libraryName))
                {
                    var path = Path.Combine(dir, name);
                    if (File.Exists(path)) return path;
                }
            }
            return null;
        }

        private static bool IsMusl(string rid)
        {
            if (rid.Contains("musl", StringComparison.OrdinalIgnoreCase)) return true;
            return File.Exists("/etc/alpine-release");
        }
    }
}
