using System.Management.Automation;
using VectorOps.Commands;
using VectorOps.Errors;
using VectorOps.Filtering;
using VectorOps.Model;
using VectorOps.PowerShell.Input;

namespace VectorOps.PowerShell.Cmdlets
{
    /// <summary>Reads records by id (from the pipeline too), by id prefix, by metadata filter, or all of a namespace.</summary>
    [Cmdlet(VerbsCommon.Get, "VectorRecord", DefaultParameterSetName = ListSet)]
    [OutputType(typeof(VectorRecord))]
    public sealed class GetVectorRecordCommand : VectorCmdletBase
    {
        private const string ListSet = "List";
        private const string IdSet = "Id";
        private const string FilterSet = "Filter";

        private GetRecordsCommand? _command;
        private MetadataFilter? _filter;

        /// <summary>Ids of the records to read.</summary>
        [Parameter(ParameterSetName = IdSet, Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("VectorId", "Key", "RecordId")]
        [AllowEmptyString]
        [StringIdentifierTransformation]
        public string[]? Id { get; set; }

        /// <summary>Only records whose id starts with this prefix (default: all records of the namespace).</summary>
        [Parameter(ParameterSetName = ListSet)]
        [ValidateNotNullOrEmpty]
        public string? Prefix { get; set; }

        /// <summary>A metadata filter: a hashtable or a JSON object string.</summary>
        [Parameter(ParameterSetName = FilterSet, Mandatory = true)]
        [AllowNull]
        [AllowEmptyString]
        public object? Filter { get; set; }

        /// <summary>The namespace (default: the connection's); objects piped in bring their own.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [StringIdentifierTransformation(NullIsEmpty = true)]
        [ArgumentCompleter(typeof(NamespaceCompleter))]
        public string[]? Namespace { get; set; }

        /// <summary>Most records to write in all.</summary>
        [Parameter]
        [ValidateRange(1L, long.MaxValue)]
        public long? First { get; set; }

        /// <summary>Write ids (as records without values or metadata) without fetching the records.</summary>
        [Parameter(ParameterSetName = ListSet)]
        [Parameter(ParameterSetName = FilterSet)]
        public SwitchParameter IdOnly { get; set; }

        protected override void BeginProcessing()
        {
            if (ParameterSetName == FilterSet)
                _filter = Guard(() => MetadataFilter.Parse(InputNormalizer.Normalize(Filter)));
        }

        protected override void ProcessRecord()
        {
            var command = _command ??= Guard(() => new GetRecordsCommand(CommandHost, EffectiveConnection) { First = First, IdsOnly = IdOnly.IsPresent });
            var namespaces = GivenNamespaces(Namespace) ?? new string?[] { null };
            switch (ParameterSetName)
            {
                case IdSet:
                    if (namespaces.Length > 1)
                        Terminate(new VectorOpsException(ErrorIds.InvalidNamespace, VectorOpsErrorCategory.InvalidArgument,
                            "With -Id give one namespace per input.", Namespace));
                    Guard(() => command.AddIds(Id ?? new string[0], namespaces[0]));
                    break;
                case FilterSet:
                    if (_filter is null) _filter = Guard(() => MetadataFilter.Parse(InputNormalizer.Normalize(Filter)));
                    foreach (var ns in namespaces) Guard(() => command.ByFilter(_filter, ns));
                    break;
                default:
                    foreach (var ns in namespaces) Guard(() => command.ByPrefix(Prefix, ns));
                    break;
            }
        }

        protected override void EndProcessing()
        {
            if (_command != null) Guard(() => _command.Complete());
        }
    }
}
