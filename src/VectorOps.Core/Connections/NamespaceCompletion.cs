using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace VectorOps.Connections
{
    /// <summary>
    /// The namespaces to offer when a user presses Tab after -Namespace: those of the connection whose name starts
    /// with what was typed. Only where listing is cheap (<see cref="Providers.ProviderCapabilities.ListsNamespacesCheaply"/>:
    /// on a service without a namespace list, listing reads every record), within a time budget, and never an error: a completion that fails
    /// or runs late offers nothing rather than holding up the prompt.
    /// </summary>
    public static class NamespaceCompletion
    {
        /// <summary>Longest a Tab press waits for the listing.</summary>
        public static readonly TimeSpan DefaultBudget = TimeSpan.FromSeconds(2);

        /// <summary>Most names offered.</summary>
        public const int MaxResults = 200;

        public static IReadOnlyList<string> Complete(VectorConnection? connection, string? prefix, TimeSpan? budget = null)
        {
            var names = new List<string>();
            var provider = connection?.ProviderInstance;
            if (provider is null || !provider.Capabilities.SupportsNamespaces || !provider.Capabilities.ListsNamespacesCheaply)
                return names;
            var typed = prefix ?? "";
            var wait = budget ?? DefaultBudget;
            var cts = new CancellationTokenSource(wait);
            Task<List<string>>? listing = null;
            try
            {
                // On the pool: the listing never runs on (or waits for) the caller's context.
                listing = Task.Run(async () =>
                {
                    var found = new List<string>();
                    await foreach (var ns in provider.ListNamespacesAsync(cts.Token).ConfigureAwait(false))
                    {
                        if (ns.Name.StartsWith(typed, StringComparison.OrdinalIgnoreCase)) found.Add(ns.Name);
                        if (found.Count >= MaxResults) break;
                    }
                    return found;
                });
                if (!listing.Wait(wait)) return names;
                names.AddRange(listing.Result);
            }
            catch (Exception)
            {
                return new List<string>();
            }
            finally
            {
                if (listing != null && !listing.IsCompleted)
                {
                    // Late: stop it, observe whatever it ends with, and leave the token source to it.
                    cts.Cancel();
                    listing.ContinueWith(t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted);
                }
                else
                {
                    cts.Dispose();
                }
            }
            names.Sort(StringComparer.OrdinalIgnoreCase);
            return names;
        }
    }
}
