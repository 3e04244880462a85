using System;
using VectorOps.Errors;

namespace VectorOps.Providers.Local
{
    /// <summary>PLACEHOLDER: the SQLite local store is being written (issue 2); this only lets the core compile.</summary>
    public static class LocalProvider
    {
        public static IVectorProvider Create(ConnectionSettings settings) =>
            throw new VectorOpsException(ErrorIds.NotSupported, VectorOpsErrorCategory.NotImplemented, "The local store is not written yet.", null);
    }
}
