using System;
using System.Management.Automation;
using VectorOps.Errors;

namespace VectorOps.PowerShell.Input
{
    /// <summary>File path settings resolved against the session's current location (a file-system path only).</summary>
    internal static class SessionPaths
    {
        public static string ToFileSystemPath(SessionState state, string path)
        {
            string resolved;
            ProviderInfo where;
            try
            {
                resolved = state.Path.GetUnresolvedProviderPathFromPSPath(path, out where, out _);
            }
            catch (Exception ex) when (ex is ItemNotFoundException || ex is DriveNotFoundException || ex is ProviderNotFoundException ||
                                       ex is NotSupportedException || ex is PSArgumentException || ex is ArgumentException)
            {
                throw new VectorOpsException(ErrorIds.InvalidSetting, VectorOpsErrorCategory.InvalidArgument,
                    $"'{path}' is not a usable file path: {ex.Message}", path);
            }
            if (!string.Equals(where?.Name, "FileSystem", StringComparison.OrdinalIgnoreCase))
                throw new VectorOpsException(ErrorIds.InvalidSetting, VectorOpsErrorCategory.InvalidArgument,
                    $"'{path}' is not a file-system path (it is on the {where?.Name} drive).", path);
            return resolved;
        }
    }
}
