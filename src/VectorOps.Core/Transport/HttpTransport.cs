using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using VectorOps.Errors;
using VectorOps.Hosting;

namespace VectorOps.Transport
{
    /// <summary>
    /// The one HTTP path of every cloud provider: per-attempt and total timeouts, retries of 408/429/5xx, timeouts
    /// and connection resets with jittered exponential backoff that honours Retry-After (Polly), pacing under the
    /// provider's rate, cancellation, a -Verbose trace line per attempt, and errors that never carry a secret.
    /// Requests are rebuilt for every attempt, so a retried request is byte-for-byte the same.
    /// </summary>
    public sealed class HttpTransport
    {
        private static readonly Lazy<HttpClient> SharedClient = new Lazy<HttpClient>(CreateSharedClient);

        private readonly TransportOptions _options;
        private readonly HttpMessageInvoker _client;
        private readonly ResiliencePipeline<TransportResponse> _pipeline;

        /// <summary>The pacer of the request being retried, so a Retry-After pauses the scope it came from.</summary>
        private static readonly ResiliencePropertyKey<RequestPacer> PacerKey = new ResiliencePropertyKey<RequestPacer>("VectorOps.Pacer");

        public HttpTransport(Uri baseUri, TransportOptions options, HttpMessageInvoker? client = null)
        {
            BaseUri = EndpointGuard.Require(baseUri, options.ProviderName);
            _options = options;
            _client = client ?? SharedClient.Value;
            _pipeline = BuildPipeline(options);
        }

        public Uri BaseUri { get; }

        private static HttpClient CreateSharedClient()
        {
            // One handler for the process: connections are pooled and reused by every transport.
            var handler = new HttpClientHandler
            {
                MaxConnectionsPerServer = 256,
                AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
                UseCookies = false,
                AllowAutoRedirect = false,
            };
            return new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        }

        private ResiliencePipeline<TransportResponse> BuildPipeline(TransportOptions o)
        {
            var builder = new ResiliencePipelineBuilder<TransportResponse>();
            builder.AddTimeout(o.TotalTimeout);
            if (o.MaxAttempts > 1)
            {
                builder.AddRetry(new RetryStrategyOptions<TransportResponse>
                {
                    MaxRetryAttempts = o.MaxAttempts - 1,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = o.BaseDelay,
                    MaxDelay = o.MaxRetryDelay,
                    ShouldHandle = args => new ValueTask<bool>(IsRetryable(args.Outcome, args.Context.CancellationToken)),
                    DelayGenerator = args =>
                    {
                        var ra = args.Outcome.Result?.RetryAfter;
                        return new ValueTask<TimeSpan?>(ra is TimeSpan d && d > TimeSpan.Zero ? d : (TimeSpan?)null);
                    },
                    OnRetry = args =>
                    {
                        var why = args.Outcome.Exception != null ? Describe(args.Outcome.Exception) : "HTTP " + args.Outcome.Result!.StatusCode;
                        var pacer = args.Context.Properties.TryGetValue(PacerKey, out var scoped) ? scoped : null;
                        if (args.Outcome.Result?.RetryAfter is TimeSpan ra) pacer?.Pause(ra);
                        Trace($"retrying after {why}: attempt {args.AttemptNumber + 2} of {o.MaxAttempts} in {args.RetryDelay.TotalMilliseconds:0} ms");
                        Debug($"{o.ProviderName} retry decision: {why} is transient; waiting {args.RetryDelay.TotalMilliseconds:0} ms (" +
                              (args.Outcome.Result?.RetryAfter is TimeSpan asked
                                  ? $"the service's Retry-After of {asked.TotalSeconds:0.###} s" + (pacer != null ? ", and every request of this pace waits too" : "")
                                  : $"jittered exponential backoff from {o.BaseDelay.TotalMilliseconds:0} ms") +
                              $"); {o.MaxAttempts - args.AttemptNumber - 1} attempt(s) left, all within {o.TotalTimeout.TotalSeconds:0.###} s in total.");
                        return default;
                    },
                });
            }
            builder.AddTimeout(o.RequestTimeout);
            return builder.Build();
        }

        private bool IsRetryable(Outcome<TransportResponse> outcome, CancellationToken token)
        {
            if (outcome.Exception != null)
            {
                if (token.IsCancellationRequested) return false;
                return outcome.Exception is HttpRequestException || outcome.Exception is TimeoutRejectedException ||
                       outcome.Exception is IOException || outcome.Exception is OperationCanceledException;
            }
            var r = outcome.Result!;
            switch (r.StatusCode)
            {
                case 408:
                case 500:
                case 502:
                case 503:
                case 504:
                    return true;
                case 429:
                    // A wait longer than we accept (a service's minutes-long block) is reported, not slept through.
                    if (!(r.RetryAfter is TimeSpan ra) || ra <= _options.MaxRetryDelay) return true;
                    Debug($"{_options.ProviderName} retry decision: not retrying {r.Method} {r.Path}: its Retry-After of {ra.TotalSeconds:0} s is longer than the longest accepted wait ({_options.MaxRetryDelay.TotalSeconds:0} s).");
                    return false;
                default:
                    return false;
            }
        }

        /// <summary>Sends one logical request (retried as configured) and returns the successful answer, or throws VectorOpsException.</summary>
        /// <param name="pacer">The pacer of this request's scope (a namespace, an account: the kit's Pacers); null: unpaced.</param>
        public async Task<TransportResponse> SendAsync(HttpMethod method, string relativePathAndQuery, Func<HttpContent?>? content,
            CancellationToken cancellationToken, RequestPacer? pacer = null)
        {
            var uri = Resolve(relativePathAndQuery);
            var path = uri.AbsolutePath;
            var attempts = 0;
            TransportResponse response;
            var context = ResilienceContextPool.Shared.Get(cancellationToken);
            if (pacer != null) context.Properties.Set(PacerKey, pacer);
            try
            {
                response = await _pipeline.ExecuteAsync(async ctx =>
                {
                    attempts++;
                    // A pacer by a window's budget counts each request from its answer: released in finally.
                    var ticket = pacer != null ? await pacer.AcquireAsync(ctx.CancellationToken).ConfigureAwait(false) : -1;
                    var started = Stopwatch.GetTimestamp();
                    using var request = new HttpRequestMessage(method, uri) { Content = content?.Invoke() };
                    _options.Authorize?.Invoke(request);
                    try
                    {
                        using var answer = await _client.SendAsync(request, ctx.CancellationToken).ConfigureAwait(false);
                        var body = answer.Content is null ? Array.Empty<byte>() : await answer.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
                        var r = new TransportResponse(answer.StatusCode, answer.Headers, answer.Content?.Headers, body)
                        {
                            Attempts = attempts, Method = method.Method, Path = path,
                        };
                        Trace($"{method.Method} {path} -> {r.StatusCode} in {ElapsedMilliseconds(started)} ms (attempt {attempts})");
                        return r;
                    }
                    catch (Exception ex) when (!(ex is OperationCanceledException) || !cancellationToken.IsCancellationRequested)
                    {
                        Trace($"{method.Method} {path} -> {Describe(ex)} after {ElapsedMilliseconds(started)} ms (attempt {attempts})");
                        throw;
                    }
                    finally
                    {
                        pacer?.Release(ticket);
                    }
                }, context).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (TimeoutRejectedException ex)
            {
                throw Fail(ErrorIds.ProviderTimeout, VectorOpsErrorCategory.OperationTimeout,
                    $"{_options.ProviderName} did not answer {method.Method} {path} in time ({attempts} attempt(s)).", ex, attempts, transient: true);
            }
            catch (Exception ex) when (ex is HttpRequestException || ex is IOException || ex is OperationCanceledException)
            {
                throw Fail(ErrorIds.ProviderUnreachable, VectorOpsErrorCategory.ConnectionError,
                    $"Could not reach {_options.ProviderName} at {BaseUri.GetLeftPart(UriPartial.Authority)} for {method.Method} {path} ({attempts} attempt(s)): {Describe(ex)}", ex, attempts, transient: true);
            }
            finally
            {
                ResilienceContextPool.Shared.Return(context);
            }

            response.Attempts = attempts;
            if (response.IsSuccess) return response;
            var error = _options.MapError?.Invoke(response) ?? DefaultError(response, _options.ProviderName, null);
            error.Attempts = attempts;
            error.StatusCode ??= response.StatusCode;
            throw Scrubbed(error);
        }

        /// <summary>The error for a non-success answer, by status code; providers pass their own message and code.</summary>
        public static VectorOpsException DefaultError(TransportResponse r, string provider, string? providerMessage, string? providerCode = null)
        {
            string id;
            VectorOpsErrorCategory category;
            var transient = false;
            switch (r.StatusCode)
            {
                case 400: case 422: id = ErrorIds.ProviderBadRequest; category = VectorOpsErrorCategory.InvalidArgument; break;
                case 401: id = ErrorIds.ProviderAuthenticationFailed; category = VectorOpsErrorCategory.AuthenticationError; break;
                case 403: id = ErrorIds.ProviderPermissionDenied; category = VectorOpsErrorCategory.PermissionDenied; break;
                case 404: id = ErrorIds.ProviderNotFound; category = VectorOpsErrorCategory.ObjectNotFound; break;
                case 409: id = ErrorIds.ProviderConflict; category = VectorOpsErrorCategory.ResourceExists; break;
                case 429: id = ErrorIds.ProviderRateLimited; category = VectorOpsErrorCategory.LimitsExceeded; transient = true; break;
                case 408: id = ErrorIds.ProviderTimeout; category = VectorOpsErrorCategory.OperationTimeout; transient = true; break;
                default:
                    if (r.StatusCode >= 500) { id = ErrorIds.ProviderServerError; category = VectorOpsErrorCategory.ResourceUnavailable; transient = true; }
                    else { id = ErrorIds.ProviderProtocolError; category = VectorOpsErrorCategory.ProtocolError; }
                    break;
            }
            var wait = r.StatusCode == 429 && r.RetryAfter is TimeSpan ra ? $" The service asks to wait {ra.TotalSeconds:0} s before the next request." : "";
            var detail = string.IsNullOrWhiteSpace(providerMessage) ? "" : ": " + providerMessage;
            var message = $"{provider} answered {r.StatusCode} to {r.Method} {r.Path}{detail}{wait}";
            return new VectorOpsException(id, category, message, r.Path)
            {
                StatusCode = r.StatusCode,
                ProviderCode = providerCode,
                IsTransient = transient,
                Attempts = r.Attempts,
            };
        }

        private VectorOpsException Fail(string id, VectorOpsErrorCategory category, string message, Exception inner, int attempts, bool transient) =>
            Scrubbed(new VectorOpsException(id, category, message, BaseUri.GetLeftPart(UriPartial.Authority), inner)
            {
                Attempts = attempts,
                IsTransient = transient,
            });

        /// <summary>Guarantees the secret appears in no message: rebuilds the exception if it does.</summary>
        private VectorOpsException Scrubbed(VectorOpsException ex)
        {
            var secret = _options.Secret;
            if (secret is null || !secret.OccursIn(ex.Message)) return ex;
            return new VectorOpsException(ex.ErrorId, ex.Category, secret.Scrub(ex.Message), ex.Target is string s ? secret.Scrub(s) : ex.Target)
            {
                StatusCode = ex.StatusCode, ProviderCode = ex.ProviderCode, IsTransient = ex.IsTransient, Attempts = ex.Attempts,
            };
        }

        private void Trace(string line)
        {
            var t = _options.Trace;
            if (t is null) return;
            var secret = _options.Secret;
            t(secret != null && secret.OccursIn(line) ? secret.Scrub(line) : line);
        }

        /// <summary>Finer detail (retry decisions) for the debug stream of the command run in scope, scrubbed.</summary>
        private void Debug(string line)
        {
            if (CommandTrace.Current is null) return;
            var secret = _options.Secret;
            CommandTrace.WriteDebug(secret != null && secret.OccursIn(line) ? secret.Scrub(line) : line);
        }

        private static string Describe(Exception ex) => ex switch
        {
            TimeoutRejectedException _ => "timeout",
            HttpRequestException h => "connection error (" + (h.InnerException?.GetType().Name ?? h.GetType().Name) + ")",
            IOException _ => "connection reset",
            OperationCanceledException _ => "timeout",
            _ => ex.GetType().Name,
        };

        private static long ElapsedMilliseconds(long started) =>
            (Stopwatch.GetTimestamp() - started) * 1000 / Stopwatch.Frequency;

        /// <summary>
        /// The absolute URI of a path under the base. Paths without a query (a provider's delete, upsert, info ...)
        /// are few and repeat on every request of a bulk run: they are parsed once. Paths with a query (list
        /// cursors) are built each time and not kept.
        /// </summary>
        private Uri Resolve(string relativePathAndQuery)
        {
            if (relativePathAndQuery.IndexOf('?') >= 0) return Combine(BaseUri, relativePathAndQuery);
            if (_resolved.TryGetValue(relativePathAndQuery, out var known)) return known;
            var uri = Combine(BaseUri, relativePathAndQuery);
            if (_resolved.Count < MaxResolvedPaths) _resolved.TryAdd(relativePathAndQuery, uri);
            return uri;
        }

        private const int MaxResolvedPaths = 64;
        private readonly ConcurrentDictionary<string, Uri> _resolved = new ConcurrentDictionary<string, Uri>(StringComparer.Ordinal);

        private static Uri Combine(Uri baseUri, string relative)
        {
            var b = baseUri.AbsoluteUri.TrimEnd('/');
            return new Uri(relative.StartsWith("/", StringComparison.Ordinal) ? b + relative : b + "/" + relative);
        }
    }

    /// <summary>HTTPS only, except a loopback host (emulators, tunnels on this machine).</summary>
    public static class EndpointGuard
    {
        public static Uri Require(Uri? uri, string provider)
        {
            if (uri is null || !uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
                throw new VectorOpsException(ErrorIds.InvalidEndpoint, VectorOpsErrorCategory.InvalidArgument,
                    $"'{uri}' is not an absolute http(s) URI for {provider}.", uri?.ToString());
            if (uri.Scheme == Uri.UriSchemeHttp && !IsLoopback(uri))
                throw new VectorOpsException(ErrorIds.InsecureEndpoint, VectorOpsErrorCategory.SecurityError,
                    $"Refusing plain http to '{uri.Host}': credentials would cross the network unencrypted. Use https (http is allowed only for a loopback host such as 127.0.0.1).",
                    uri.ToString());
            return uri;
        }

        public static bool IsLoopback(Uri uri)
        {
            if (uri.IsLoopback) return true;
            return IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip);
        }
    }
}
