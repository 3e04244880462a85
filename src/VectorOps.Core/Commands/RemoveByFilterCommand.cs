using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using VectorOps.Connections;
using VectorOps.Filtering;
using VectorOps.Hosting;
using VectorOps.Model;
using VectorOps.Providers;

namespace VectorOps.Commands
{
    /// <summary>Deletes the records matching a metadata filter (native where the provider has it, else by id).</summary>
    public sealed class RemoveByFilterCommand : ScopedDeleteCommand
    {
        private readonly MetadataFilter _filter;

        private readonly string? _scopeNote;

        public RemoveByFilterCommand(ICommandHost host, VectorConnection? connection, MetadataFilter filter, RemoveOptions? options = null)
            : base(host, connection, options, "Deleting records by filter")
        {
            _filter = filter ?? throw new ArgumentNullException(nameof(filter));
        }

        /// <summary>
        /// An age cleanup (Remove-VectorRecord -OlderThan, vectorops remove --older-than): the filter delete of its
        /// filter, whose messages and -WhatIf text also give the cutoff as a date.
        /// </summary>
        public RemoveByFilterCommand(ICommandHost host, VectorConnection? connection, AgeFilter age, RemoveOptions? options = null)
            : base(host, connection, options, "Deleting records older than an age")
        {
            if (age is null) throw new ArgumentNullException(nameof(age));
            _filter = age.Filter;
            _scopeNote = age.Description;
        }

        protected override MutationOperation Operation => MutationOperation.DeleteByFilter;
        protected override string Scope => "matching filter " + _filter.Json + (_scopeNote is null ? "" : " (" + _scopeNote + ")");

        protected override IAsyncEnumerable<IReadOnlyList<string>> Matches(string ns, CancellationToken ct) => Provider.FindIdsAsync(ns, _filter, ct);

        protected override long? CheapCount(string ns) =>
            Provider.Capabilities.CountsFilterMatches ? Wait(() => Provider.CountAsync(ns, _filter, Stop)) : (long?)null;

        protected override Func<CancellationToken, Task<ProviderWriteResult>>? NativeDelete(string ns)
        {
            if (!Provider.Capabilities.NativeFilterDelete)
            {
                Host.WriteVerbose($"{Provider.Name} cannot delete by filter itself: the matching ids are found with read calls and deleted by id.");
                return null;
            }
            var provider = Provider;
            var filter = _filter;
            return ct => provider.DeleteByFilterAsync(ns, filter, ct);
        }

        protected override void Describe(VectorMutation m) => m.Filter = _filter.Json;
    }
}
