using System.Collections.Generic;
using System.Threading;
using VectorOps.Connections;
using VectorOps.Errors;
using VectorOps.Hosting;
using VectorOps.Model;

namespace VectorOps.Commands
{
    /// <summary>Deletes the records whose id starts with a prefix: list pages streamed into delete batches.</summary>
    public sealed class RemoveByPrefixCommand : ScopedDeleteCommand
    {
        private readonly string _prefix;

        public RemoveByPrefixCommand(ICommandHost host, VectorConnection? connection, string prefix, RemoveOptions? options = null)
            : base(host, connection, options, "Deleting records by id prefix")
        {
            if (string.IsNullOrWhiteSpace(prefix))
                throw new VectorOpsException(ErrorIds.InvalidPrefix, VectorOpsErrorCategory.InvalidArgument,
                    "The id prefix is empty. An empty prefix would match every record, so it is refused. To delete a whole namespace, clear it (Clear-VectorNamespace, vectorops clear).",
                    prefix);
            _prefix = prefix;
        }

        protected override MutationOperation Operation => MutationOperation.DeleteByPrefix;
        protected override string Scope => $"with id prefix '{_prefix}'";

        protected override IAsyncEnumerable<IReadOnlyList<string>> Matches(string ns, CancellationToken ct) => Provider.ListIdsAsync(ns, _prefix, ct);

        protected override void Describe(VectorMutation m) => m.Prefix = _prefix;
    }
}
