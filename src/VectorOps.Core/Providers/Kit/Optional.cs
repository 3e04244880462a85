using VectorOps.Errors;

namespace VectorOps.Providers.Kit
{
    /// <summary>
    /// "Optional" is said one way: a flag of <see cref="ProviderCapabilities"/>. The command layer checks the flag
    /// before it calls an optional operation; a provider whose flag is false answers such a call (made by a
    /// direct caller of the interface) with this error, never with null or a silent no-op.
    /// </summary>
    public static class Optional
    {
        /// <summary>NotSupported for <paramref name="operation"/>, naming the capability flag that says so.</summary>
        public static VectorOpsException NotSupported(string provider, string operation, string capability, string? instead = null, object? target = null) =>
            new VectorOpsException(ErrorIds.NotSupported, VectorOpsErrorCategory.NotImplemented,
                $"{provider} does not support {operation} (its capability {capability} is false)" + (string.IsNullOrEmpty(instead) ? "." : "; " + instead), target);
    }
}
