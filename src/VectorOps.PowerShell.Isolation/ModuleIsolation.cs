using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace VectorOps.Isolation
{
    /// <summary>
    /// Entry point the module's initializer calls by reflection on PowerShell 7: creates the module's load context
    /// and answers the default context's Resolving event for the bridge assembly only (VectorOps.Core, the one the
    /// cmdlets reference). Everything the bridge needs then loads through <see cref="ModuleLoadContext"/>.
    /// </summary>
    public static class ModuleIsolation
    {
        private static readonly object Gate = new object();
        private static readonly Dictionary<string, ModuleLoadContext> Contexts = new Dictionary<string, ModuleLoadContext>(StringComparer.OrdinalIgnoreCase);
        private static ModuleLoadContext? _active;
        private static HashSet<string> _bridge = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        private static bool _subscribed;

        /// <summary>The context in use, once installed.</summary>
        public static ModuleLoadContext? Context
        {
            get { lock (Gate) return _active; }
        }

        /// <summary>
        /// One context per Dependencies folder for the life of the process (a loaded assembly cannot be unloaded
        /// from a non-collectible context, so a re-import reuses it). Idempotent.
        /// </summary>
        public static ModuleLoadContext GetOrCreateContext(string dependencyDirectory)
        {
            var full = Path.GetFullPath(dependencyDirectory);
            lock (Gate)
            {
                if (!Contexts.TryGetValue(full, out var alc))
                    Contexts[full] = alc = new ModuleLoadContext(full);
                return alc;
            }
        }

        /// <summary>Registers the resolver (called from OnImport). Safe to call again.</summary>
        public static void Install(string dependencyDirectory, string[] bridgeAssemblyNames)
        {
            if (bridgeAssemblyNames is null || bridgeAssemblyNames.Length == 0)
                throw new ArgumentException("Name at least one bridge assembly.", nameof(bridgeAssemblyNames));
            var alc = GetOrCreateContext(dependencyDirectory);
            lock (Gate)
            {
                _active = alc;
                _bridge = new HashSet<string>(bridgeAssemblyNames, StringComparer.OrdinalIgnoreCase);
                if (!_subscribed)
                {
                    AssemblyLoadContext.Default.Resolving += OnDefaultResolving;
                    _subscribed = true;
                }
            }
        }

        /// <summary>Removes the resolver (called from OnRemove). Assemblies already loaded stay loaded.</summary>
        public static void Uninstall()
        {
            lock (Gate)
            {
                if (_subscribed)
                {
                    AssemblyLoadContext.Default.Resolving -= OnDefaultResolving;
                    _subscribed = false;
                }
            }
        }

        /// <summary>What the default context's Resolving handler answers for a name (null: not ours).</summary>
        public static Assembly? ResolveBridge(AssemblyName name)
        {
            ModuleLoadContext? alc;
            lock (Gate)
            {
                alc = _active;
                if (alc is null || name.Name is null || !_bridge.Contains(name.Name)) return null;
            }
            // LoadFromAssemblyName goes through ModuleLoadContext.Load, so a second request returns the same instance.
            return alc.ResolveManagedPath(name) is null ? null : alc.LoadFromAssemblyName(name);
        }

        private static Assembly? OnDefaultResolving(AssemblyLoadContext context, AssemblyName name) => ResolveBridge(name);
    }
}
