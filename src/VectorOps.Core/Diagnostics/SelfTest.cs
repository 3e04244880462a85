using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Threading;
using VectorOps.Commands;
using VectorOps.Errors;
using VectorOps.Filtering;
using VectorOps.Hosting;
using VectorOps.Model;
using VectorOps.Providers;

namespace VectorOps.Diagnostics
{
    /// <summary>
    /// An end-to-end check of an installation: the local store round trip through the command layer (SQLite,
    /// its native library, System.Text.Json, the batching and filter code). Used by the module folder test, which
    /// calls it by reflection inside the module's own load context, and usable as a support check.
    /// Public static, string in and string out, so it can be called across load contexts without sharing types.
    /// </summary>
    public static class SelfTest
    {
        /// <summary>
        /// Creates a local store at <paramref name="path"/> (a new file), upserts 10 records (rec-0..rec-9; group
        /// "a" for 0-4, "b" for 5-9), deletes rec-0 and rec-1 by id, deletes group "b" by filter, and counts after each
        /// step. Returns "added=10 afterIdDelete=8 afterFilterDelete=3 remaining=rec-2,rec-3,rec-4 core=&lt;location&gt;".
        /// Throws InvalidOperationException naming the errors when any step reported one.
        /// </summary>
        public static string RunLocalRoundTrip(string path)
        {
            if (string.IsNullOrEmpty(path)) throw new ArgumentNullException(nameof(path));
            var host = new QuietHost();
            var settings = new ConnectionSettings { Provider = ProviderRegistry.DefaultProvider, ["Path"] = path, Index = "selftest", CreateIfMissing = true };
            using var connection = ConnectCommand.Connect(settings, makeDefault: false);

            var add = new AddRecordsCommand(host, connection);
            for (var i = 0; i < 10; i++)
            {
                add.Add(new VectorRecord("rec-" + i.ToString(CultureInfo.InvariantCulture))
                {
                    Values = new[] { i, 1f, 0.5f },
                    Metadata = new Dictionary<string, object?> { ["group"] = i < 5 ? "a" : "b", ["n"] = (long)i },
                });
            }
            add.Complete();
            var added = Ids(host, connection).Count;

            var byId = new RemoveByIdsCommand(host, connection);
            byId.Add(new[] { "rec-0", "rec-1" });
            byId.Complete();
            var afterId = Ids(host, connection).Count;

            var byFilter = new RemoveByFilterCommand(host, connection, MetadataFilter.ParseJson("{\"group\":{\"$eq\":\"b\"}}"),
                new RemoveOptions { Force = true });
            byFilter.Execute(null);
            var remaining = Ids(host, connection);

            if (host.Errors.Count > 0)
                throw new InvalidOperationException("The self test reported errors: " + string.Join("; ", host.Errors));
            return string.Format(CultureInfo.InvariantCulture, "added={0} afterIdDelete={1} afterFilterDelete={2} remaining={3} core={4}",
                added, afterId, remaining.Count, string.Join(",", remaining), typeof(SelfTest).GetTypeInfo().Assembly.Location);
        }

        private static List<string> Ids(QuietHost host, Connections.VectorConnection connection)
        {
            var list = new GetRecordsCommand(host, connection) { IdsOnly = true };
            var before = host.Objects.Count;
            list.ByPrefix(null);
            return host.Objects.Skip(before).OfType<VectorRecord>().Select(r => r.Id).OrderBy(x => x, StringComparer.Ordinal).ToList();
        }

        /// <summary>Proceeds with everything and keeps what is written.</summary>
        private sealed class QuietHost : ICommandHost
        {
            public List<object> Objects { get; } = new List<object>();
            public List<string> Errors { get; } = new List<string>();
            public CancellationToken CancellationToken => CancellationToken.None;
            public ShouldProcessDecision ShouldProcess(string target, string action) => ShouldProcessDecision.Proceed;
            public ShouldProcessMode ShouldProcessMode => ShouldProcessMode.Proceeds;
            public bool ShouldContinue(string query, string caption) => true;
            public void WriteObject(object value) => Objects.Add(value);
            public void WriteError(VectorOpsError error) => Errors.Add(error.ToString());
            public void WriteWarning(string message) { }
            public void WriteVerbose(string message) { }
            public void WriteDebug(string message) { }
            public void WriteProgress(ProgressInfo progress) { }
        }
    }
}
