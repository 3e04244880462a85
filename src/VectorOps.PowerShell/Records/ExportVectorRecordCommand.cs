using System.Management.Automation;
using VectorOps.Commands;
using VectorOps.Filtering;
using VectorOps.PowerShell.Input;

namespace VectorOps.PowerShell.Cmdlets
{
    /// <summary>
    /// Writes every record of a namespace (or of a filter's matches) to a JSON Lines file in the backup format, which
    /// Restore-VectorRecord and Add-VectorRecord read back. Streaming, atomic (a temporary file renamed at the end),
    /// never over an existing file without -Force. Writes one ExportSummary.
    /// </summary>
    [Cmdlet(VerbsData.Export, "VectorRecord", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(ExportSummary))]
    public sealed class ExportVectorRecordCommand : VectorCmdletBase
    {
        /// <summary>The namespace to export (default: the connection's).</summary>
        [Parameter]
        [AllowNull]
        [AllowEmptyString]
        [ArgumentCompleter(typeof(NamespaceCompleter))]
        public string? Namespace { get; set; }

        /// <summary>Only the records matching this metadata filter (a hashtable or a JSON string).</summary>
        [Parameter]
        [AllowNull]
        [AllowEmptyString]
        public object? Filter { get; set; }

        /// <summary>The file to write (JSON Lines).</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string? Path { get; set; }

        /// <summary>Replaces an existing file.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override bool ForceRequested => Force.IsPresent;

        protected override void EndProcessing()
        {
            MetadataFilter? filter = null;
            if (MyInvocation.BoundParameters.ContainsKey(nameof(Filter)))
                filter = Guard(() => MetadataFilter.Parse(InputNormalizer.Normalize(Filter)));
            var path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
            var command = Guard(() => new ExportRecordsCommand(CommandHost, EffectiveConnection));
            Guard(() => command.Export(GivenNamespace(Namespace), filter, path, Force.IsPresent));
        }
    }
}
