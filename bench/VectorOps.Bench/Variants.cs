using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;
using VectorOps.Commands;
using VectorOps.Connections;
using VectorOps.Errors;
using VectorOps.Hosting;
using VectorOps.Model;
using VectorOps.Providers;

namespace VectorOps.Bench
{
    /// <summary>The ids of a run and how they are spread over namespaces (chunks of one batch, round robin).</summary>
    internal sealed class Workload
    {
        public Workload(int count, int namespaces, int batchSize)
        {
            Count = count;
            Namespaces = new string[namespaces];
            for (var i = 0; i < namespaces; i++) Namespaces[i] = "ns-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            BatchSize = batchSize;
            Ids = new string[count];
            for (var i = 0; i < count; i++) Ids[i] = Id(i);
        }

        public int Count { get; }
        public string[] Ids { get; }
        public string[] Namespaces { get; }
        public int BatchSize { get; }

        /// <summary>A chunk id of a re-indexed document, 21 characters: "doc-00012345#chunk-07".</summary>
        public static string Id(long i) =>
            "doc-" + (i / 16).ToString("D8", System.Globalization.CultureInfo.InvariantCulture) + "#chunk-" + (i % 16).ToString("D2", System.Globalization.CultureInfo.InvariantCulture);

        public string NamespaceOf(int index) => Namespaces[(index / BatchSize) % Namespaces.Length];

        /// <summary>The batches exactly as VectorOps cuts them (per namespace, in order).</summary>
        public IEnumerable<(string Namespace, List<string> Ids)> Batches()
        {
            for (var start = 0; start < Count; start += BatchSize)
            {
                var n = Math.Min(BatchSize, Count - start);
                var ids = new List<string>(n);
                for (var i = start; i < start + n; i++) ids.Add(Ids[i]);
                yield return (NamespaceOf(start), ids);
            }
        }

        public IEnumerable<(string Namespace, IEnumerable<string> Ids)> ByNamespace()
        {
            for (var k = 0; k < Namespaces.Length; k++)
            {
                var ns = Namespaces[k];
                yield return (ns, Select(k));
            }
        }

        private IEnumerable<string> Select(int k)
        {
            for (var i = 0; i < Count; i++)
                if ((i / BatchSize) % Namespaces.Length == k) yield return Ids[i];
        }
    }

    /// <summary>What one variant did, as the client saw it.</summary>
    internal sealed class ClientOutcome
    {
        public long Batches;
        public long Ids;
        public long Failed;
        public long Retries429;
        public string? FirstError;
    }

    internal static class Variants
    {
        /// <summary>
        /// (a) VectorOps through the command layer, as Remove-VectorRecord drives it from the pipeline: one Add call
        /// per id (ProcessRecord binds one id at a time), a host that discards the mutations (output not captured),
        /// Complete at the end. <paramref name="requestsPerSecond"/> null: the provider's default pacing.
        /// </summary>
        /// <param name="open">A connection opened before the clock (as Connect-VectorIndex opens it before Remove-VectorRecord runs); null: opened here, inside it.</param>
        public static ClientOutcome VectorOps(Target target, Workload w, double? requestsPerSecond, int? throttle, int? batchSize = null, VectorConnection? open = null)
        {
            using var connection = open ?? new VectorConnection(ProviderRegistry.Create(target.Settings(requestsPerSecond)), null, null);
            var host = new DiscardHost();
            var command = new RemoveByIdsCommand(host, connection, new RemoveOptions { ThrottleLimit = throttle, BatchSize = batchSize });
            var ids = w.Ids;
            var single = w.Namespaces.Length == 1 ? w.Namespaces[0] : null;
            for (var i = 0; i < ids.Length; i++)
                command.Add(ids[i], single ?? w.NamespaceOf(i));
            command.Complete();
            return host.Outcome;
        }

        /// <summary>
        /// (c) The raw load generator: the same batch payloads, prepared before the clock starts, sent by
        /// <paramref name="concurrency"/> workers over one SocketsHttpHandler; nothing else (no validation, no
        /// retry, no pacing, the answer read and dropped).
        /// </summary>
        public static async Task<ClientOutcome> RawAsync(HttpClient client, Target target, byte[][] payloads, int concurrency)
        {
            var outcome = new ClientOutcome();
            var uri = target.DeleteUri;
            var next = -1;
            var media = new MediaTypeHeaderValue("application/json");
            async Task Worker()
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < payloads.Length)
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, uri);
                    var content = new ByteArrayContent(payloads[i]);
                    content.Headers.ContentType = media;
                    request.Content = content;
                    target.Authorize(request);
                    using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead).ConfigureAwait(false);
                    Interlocked.Increment(ref outcome.Batches);
                    if (!response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref outcome.Failed);
                        outcome.FirstError ??= "HTTP " + (int)response.StatusCode;
                    }
                }
            }
            var workers = new Task[concurrency];
            for (var k = 0; k < concurrency; k++) workers[k] = Task.Run(Worker);
            await Task.WhenAll(workers).ConfigureAwait(false);
            return outcome;
        }

        public static HttpClient RawClient(int connections) => new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        }) { Timeout = TimeSpan.FromMinutes(2) };

        /// <summary>
        /// (b) The sequential way of the SDKs and of an Invoke-RestMethod loop: one request per batch (1000 ids for
        /// Pinecone, 100 for Vectorize), built when it is sent, each awaited before the next. Given the best
        /// behaviour any of them has: a 429 is waited out (Retry-After, else 1 s) and the same request sent again.
        /// </summary>
        public static async Task<ClientOutcome> SequentialAsync(HttpClient client, Target target, Workload w)
        {
            var outcome = new ClientOutcome();
            var uri = target.DeleteUri;
            foreach (var (ns, ids) in w.Batches())
            {
                var body = target.Payload(ids, target.HasNamespaces ? ns : null);
                while (true)
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                    target.Authorize(request);
                    using var response = await client.SendAsync(request).ConfigureAwait(false);
                    await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
                    if ((int)response.StatusCode == 429)
                    {
                        outcome.Retries429++;
                        var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
                        await Task.Delay(wait).ConfigureAwait(false);
                        continue;
                    }
                    outcome.Batches++;
                    outcome.Ids += ids.Count;
                    if (!response.IsSuccessStatusCode)
                    {
                        outcome.Failed++;
                        outcome.FirstError ??= "HTTP " + (int)response.StatusCode;
                    }
                    break;
                }
            }
            return outcome;
        }
    }

    /// <summary>
    /// A host like PowerShell's when the output is not captured: mutations are counted and dropped, confirmation
    /// is given (-Confirm:$false), progress and verbose output go nowhere.
    /// </summary>
    internal sealed class DiscardHost : ICommandHost
    {
        public ClientOutcome Outcome { get; } = new ClientOutcome();

        public CancellationToken CancellationToken => CancellationToken.None;

        public ShouldProcessDecision ShouldProcess(string target, string action) => ShouldProcessDecision.Proceed;

        public ShouldProcessMode ShouldProcessMode => ShouldProcessMode.Proceeds;

        public bool ShouldContinue(string query, string caption) => true;

        public void WriteObject(object value)
        {
            if (value is VectorMutation m)
            {
                Outcome.Batches++;
                if (m.Status == MutationStatus.Completed || m.Status == MutationStatus.Acknowledged) Outcome.Ids += m.RequestedCount;
                else Outcome.Failed++;
                Outcome.Retries429 += Math.Max(0, m.Attempts - 1);
            }
        }

        public void WriteError(VectorOpsError error) => Outcome.FirstError ??= error.ErrorId + ": " + error.Exception.Message;

        public void WriteWarning(string message) { }
        public void WriteVerbose(string message) { }
        public void WriteDebug(string message) { }
        public void WriteProgress(ProgressInfo progress) { }
    }
}
