using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using VectorOps.Providers;

namespace VectorOps.Connections
{
    /// <summary>
    /// The indexes to offer when a user presses Tab after -Index: those the settings on the line reach whose name
    /// starts with what was typed. Only where the provider lists them cheaply (its descriptor's
    /// <see cref="ProviderDescriptor.ListsIndexesCheaply"/>), one attempt within a time budget, and never an error:
    /// a listing that fails (no key, no server, a bad path) or runs late offers nothing rather than holding up the
    /// prompt. Nothing is created and nothing prompts.
    /// </summary>
    public static class IndexCompletion
    {
        /// <summary>Longest a Tab press waits for the listing.</summary>
        public static readonly TimeSpan DefaultBudget = TimeSpan.FromSeconds(2);

        /// <summary>Most names offered.</summary>
        public const int MaxResults = 200;

        /// <summary>
        /// The index names for <paramref name="settings"/> (its Provider names the provider; its Index is ignored)
        /// starting with <paramref name="prefix"/>, sorted; empty when the provider cannot list them cheaply, the
        /// listing fails, or it takes longer than the budget.
        /// </summary>
        public static IReadOnlyList<string> Complete(ConnectionSettings? settings, string? prefix, TimeSpan? budget = null)
        {
            var names = new List<string>();
            if (settings is null) return names;
            var descriptor = ProviderRegistry.Find(settings.Provider);
            if (descriptor is null || !descriptor.ListsIndexesCheaply) return names;
            var typed = prefix ?? "";
            var wait = budget ?? DefaultBudget;
            // One short attempt: a Tab press is not worth a retry, nor a wait longer than the budget.
            settings.Index = null;
            settings.CreateIfMissing = false;
            settings.MaxAttempts = 1;
            if (settings.RequestTimeout is null || settings.RequestTimeout > wait) settings.RequestTimeout = wait;
            var cts = new CancellationTokenSource(wait);
            Task<IReadOnlyList<string>>? listing = null;
            try
            {
                // On the pool: the listing never runs on (or waits for) the caller's context.
                listing = Task.Run(() => descriptor.ListIndexesAsync(settings, cts.Token));
                if (!listing.Wait(wait)) return names;
                foreach (var name in listing.Result)
                {
                    if (name is null || !name.StartsWith(typed, StringComparison.OrdinalIgnoreCase)) continue;
                    names.Add(name);
                    if (names.Count >= MaxResults) break;
                }
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
