using System.Management.Automation;
using VectorOps.Commands;
using VectorOps.Errors;
using VectorOps.Model;
using VectorOps.PowerShell.Input;

namespace VectorOps.PowerShell.Cmdlets
{
    /// <summary>
    /// Upserts records from the pipeline (VectorRecord objects, hashtables or objects with id / values / metadata /
    /// namespace, or JSON lines) or from JSON Lines files, in batches; writes one VectorMutation per batch.
    /// </summary>
    [Cmdlet(VerbsCommon.Add, "VectorRecord", DefaultParameterSetName = InputObjectSet,
        SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(VectorMutation))]
    public sealed class AddVectorRecordCommand : VectorCmdletBase
    {
        private const string InputObjectSet = "InputObject";
        private const string PathSet = "Path";

        private AddRecordsCommand? _command;

        /// <summary>The records to write.</summary>
        [Parameter(ParameterSetName = InputObjectSet, Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [AllowNull]
        [Alias("Record")]
        public object? InputObject { get; set; }

        /// <summary>JSON Lines files of records ({"id":..., "values":[...], "metadata":{...}} per line).</summary>
        [Parameter(ParameterSetName = PathSet, Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string[]? Path { get; set; }

        /// <summary>The namespace for records that name none (default: the connection's).</summary>
        [Parameter]
        [AllowNull]
        [AllowEmptyString]
        [ArgumentCompleter(typeof(NamespaceCompleter))]
        public string? Namespace { get; set; }

        /// <summary>Most upsert requests in flight at once (default: the provider's).</summary>
        [Parameter]
        [ValidateRange(1, 64)]
        public int? ThrottleLimit { get; set; }

        /// <summary>Records per upsert request (default and maximum: the provider's limit).</summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int? BatchSize { get; set; }

        protected override void BeginProcessing()
        {
            _command = Guard(() => new AddRecordsCommand(CommandHost, EffectiveConnection, ThrottleLimit, BatchSize) { Namespace = GivenNamespace(Namespace) });
        }

        protected override void ProcessRecord()
        {
            var command = _command!;
            if (ParameterSetName == PathSet)
            {
                // Every file is checked before the first is sent: one bad line in any of them and nothing is written.
                var files = new System.Collections.Generic.List<string>();
                foreach (var p in Path ?? new string[0])
                    files.AddRange(ResolveFiles(p));
                if (files.Count > 0) Guard(() => command.AddFiles(files));
                return;
            }

            VectorRecord record;
            try
            {
                record = RecordConverter.ToRecord(InputObject);
            }
            catch (VectorOpsException ex)
            {
                WriteError(Hosting.HostDecisions.ToErrorRecord(ex)); // this input is skipped; the others go on
                return;
            }
            Guard(() => command.Add(record));
        }

        protected override void EndProcessing()
        {
            if (_command != null) Guard(() => _command.Complete());
        }

        private System.Collections.Generic.IEnumerable<string> ResolveFiles(string path)
        {
            System.Collections.ObjectModel.Collection<string> resolved;
            try
            {
                resolved = GetResolvedProviderPathFromPSPath(path, out var provider);
                if (provider.Name != "FileSystem")
                    throw new VectorOpsException(ErrorIds.RecordFileNotFound, VectorOpsErrorCategory.InvalidArgument,
                        $"'{path}' is not a file system path.", path);
            }
            catch (ItemNotFoundException ex)
            {
                WriteError(Hosting.HostDecisions.ToErrorRecord(new VectorOpsException(ErrorIds.RecordFileNotFound,
                    VectorOpsErrorCategory.ObjectNotFound, $"The record file '{path}' does not exist.", path, ex)));
                yield break;
            }
            catch (VectorOpsException ex)
            {
                WriteError(Hosting.HostDecisions.ToErrorRecord(ex));
                yield break;
            }
            foreach (var f in resolved) yield return f;
        }
    }
}
