using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.InteropServices;

namespace VectorOps.PowerShell.Loading
{
    /// <summary>
    /// Keeps the module's dependencies (VectorOps.Core, System.Text.Json, Polly, Microsoft.Data.Sqlite, SQLitePCLRaw
    /// and the native e_sqlite3) in the module's Dependencies folder and out of everyone else's way.
    /// <list type="bullet">
    /// <item>PowerShell 7 (.NET): loads VectorOps.PowerShell.Isolation.dll by path and calls
    /// VectorOps.Isolation.ModuleIsolation.Install by reflection. That registers a handler on the default load
    /// context that answers only for VectorOps.Core, loading it into the module's own AssemblyLoadContext; all
    /// of Core's dependencies then load into that context too, and native libraries come from
    /// Dependencies/runtimes/&lt;rid&gt;/native.</item>
    /// <item>Windows PowerShell 5.1 (.NET Framework): there are no load contexts, so AppDomain.AssemblyResolve answers
    /// for the files present in Dependencies (Assembly.LoadFrom), and e_sqlite3.dll is loaded once by full path so
    /// that SQLitePCLRaw's DllImport finds it already in the process.</item>
    /// </list>
    /// This class must not touch a VectorOps.Core type: it runs before Core can be resolved.
    /// </summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        /// <summary>The assemblies the cmdlets reference directly and that live in Dependencies.</summary>
        internal static readonly string[] BridgeAssemblies = { "VectorOps.Core" };

        internal const string DependencyFolderName = "Dependencies";
        internal const string IsolationAssemblyName = "VectorOps.PowerShell.Isolation";
        internal const string IsolationTypeName = "VectorOps.Isolation.ModuleIsolation";

        private static readonly object Gate = new object();
        private static bool _desktopResolverInstalled;

        /// <summary>The module folder (where VectorOps.PowerShell.dll is).</summary>
        internal static string ModuleDirectory =>
            Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location) ?? AppDomain.CurrentDomain.BaseDirectory;

        internal static string DependencyDirectory => Path.Combine(ModuleDirectory, DependencyFolderName);

        /// <summary>True on .NET Framework (Windows PowerShell 5.1).</summary>
        internal static bool IsDesktop =>
            RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.OrdinalIgnoreCase);

        public void OnImport()
        {
            if (IsDesktop) InstallDesktop();
            else InvokeIsolation("Install", DependencyDirectory, BridgeAssemblies);
        }

        public void OnRemove(PSModuleInfo psModuleInfo)
        {
            if (IsDesktop) UninstallDesktop();
            else InvokeIsolation("Uninstall");
        }

        // ---- PowerShell 7 ------------------------------------------------------------------------------

        private static void InvokeIsolation(string method, params object[] args)
        {
            var path = Path.Combine(ModuleDirectory, IsolationAssemblyName + ".dll");
            if (!File.Exists(path))
                throw new FileNotFoundException(
                    $"The module is incomplete: {IsolationAssemblyName}.dll is missing next to VectorOps.PowerShell.dll. Reinstall the module.", path);
            // LoadFrom puts it in the default context; it depends on nothing but the runtime.
            var assembly = Assembly.LoadFrom(path);
            var type = assembly.GetType(IsolationTypeName, throwOnError: true)!;
            var member = type.GetMethod(method, BindingFlags.Public | BindingFlags.Static)
                ?? throw new MissingMethodException(IsolationTypeName, method);
            try
            {
                member.Invoke(null, args);
            }
            catch (TargetInvocationException ex) when (ex.InnerException != null)
            {
                throw ex.InnerException;
            }
        }

        // ---- Windows PowerShell 5.1 --------------------------------------------------------------------

        private static void InstallDesktop()
        {
            lock (Gate)
            {
                if (_desktopResolverInstalled) return;
                AppDomain.CurrentDomain.AssemblyResolve += OnDesktopAssemblyResolve;
                _desktopResolverInstalled = true;
            }
            PreloadWindowsNative("e_sqlite3");
        }

        private static void UninstallDesktop()
        {
            lock (Gate)
            {
                if (!_desktopResolverInstalled) return;
                AppDomain.CurrentDomain.AssemblyResolve -= OnDesktopAssemblyResolve;
                _desktopResolverInstalled = false;
            }
        }

        private static Assembly? OnDesktopAssemblyResolve(object? sender, ResolveEventArgs args)
        {
            var path = DesktopCandidate(args.Name, DependencyDirectory);
            return path is null ? null : Assembly.LoadFrom(path);
        }

        /// <summary>The Dependencies file for a requested assembly name, or null when we do not ship it.</summary>
        internal static string? DesktopCandidate(string requestedName, string dependencyDirectory)
        {
            string? simple;
            try
            {
                simple = new AssemblyName(requestedName).Name;
            }
            catch (Exception ex) when (ex is ArgumentException || ex is FileLoadException)
            {
                return null;
            }
            if (string.IsNullOrEmpty(simple) || simple!.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0) return null;
            var path = Path.Combine(dependencyDirectory, simple + ".dll");
            return File.Exists(path) ? path : null;
        }

        /// <summary>The runtimes/&lt;rid&gt;/native folder for this Windows process, e.g. win-x64.</summary>
        internal static string WindowsRid(Architecture architecture) => architecture switch
        {
            Architecture.X86 => "win-x86",
            Architecture.Arm64 => "win-arm64",
            Architecture.Arm => "win-arm",
            _ => "win-x64",
        };

        private static void PreloadWindowsNative(string library)
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) return;
            var path = Path.Combine(DependencyDirectory, "runtimes", WindowsRid(RuntimeInformation.ProcessArchitecture), "native", library + ".dll");
            if (!File.Exists(path)) return;
            // Once a module named e_sqlite3.dll is in the process, DllImport("e_sqlite3") binds to it.
            NativeMethods.LoadLibraryW(path);
        }

        private static class NativeMethods
        {
            [DllImport("kernel32", CharSet = CharSet.Unicode, SetLastError = true)]
            internal static extern IntPtr LoadLibraryW(string path);
        }

        /// <summary>The files in Dependencies the resolvers may serve (for diagnostics).</summary>
        internal static IEnumerable<string> ShippedAssemblies()
        {
            if (!Directory.Exists(DependencyDirectory)) yield break;
            foreach (var f in Directory.GetFiles(DependencyDirectory, "*.dll")) yield return Path.GetFileNameWithoutExtension(f);
        }
    }
}
