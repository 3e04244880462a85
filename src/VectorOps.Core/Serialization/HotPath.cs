using System.Runtime.CompilerServices;

namespace VectorOps.Serialization
{
    /// <summary>
    /// How the per-id methods of a bulk delete are compiled. <c>AggressiveOptimization</c> (the value 512: .NET
    /// honours it, netstandard2.0's enum just lacks the name) has them compiled fully optimised at their first call
    /// instead of going through tiered compilation's unoptimised and instrumented tiers. Measured (bench, profile
    /// preset): without it the first million ids of a fresh process cost the command layer up to five times the CPU
    /// of later ones, and a pwsh session deleting a million ids spends most of them in that warm-up. Only for
    /// methods that run per id; everything else keeps tiering and dynamic PGO.
    /// </summary>
    internal static class HotPath
    {
        public const MethodImplOptions Optimize = (MethodImplOptions)512;
    }
}
