using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace VectorOps.Emulators.Infrastructure
{
    /// <summary>
    /// Base of every loopback emulator: an ASP.NET Core minimal-API app on Kestrel at 127.0.0.1 (port 0 picks a
    /// free one), with a journal of every request and a fault switchboard in front of the emulator's routes.
    /// Subclasses map their routes, classify requests (which are mutating), and write their service's error body.
    /// </summary>
    public abstract class EmulatorHost : IAsyncDisposable, IDisposable
    {
        private const string EntryKey = "VectorOps.JournalEntry";
        private WebApplication? _app;

        protected EmulatorHost(string name)
        {
            Name = name;
        }

        /// <summary>Emulator name for messages ("pinecone").</summary>
        public string Name { get; }

        /// <summary>http://127.0.0.1:PORT, once started.</summary>
        public Uri BaseUri { get; private set; } = new Uri("http://127.0.0.1:0/");

        public int Port => BaseUri.Port;

        public bool IsRunning => _app != null;

        /// <summary>Faults the tests switch on.</summary>
        public FaultSwitchboard Faults { get; } = new FaultSwitchboard();

        /// <summary>Every request, every mutating call, every deleted id.</summary>
        public RequestJournal Journal { get; } = new RequestJournal();

        private readonly object _slotGate = new object();
        private SemaphoreSlim? _slots;
        private int _maxInFlight;
        private int _inFlight;
        private int _peakInFlight;

        /// <summary>
        /// The server's concurrency: at most this many requests of the vendor's API are served at once (the added
        /// latency included, as a worker is busy for the whole of a request); the others wait for a slot, as they
        /// would in a server's queue, and are never refused for it. 0: no limit (the default).
        /// </summary>
        public int MaxInFlight
        {
            get { lock (_slotGate) return _maxInFlight; }
            set
            {
                if (value < 0) throw new ArgumentOutOfRangeException(nameof(value), "The number of requests served at once is 0 (no limit) or more.");
                lock (_slotGate)
                {
                    _maxInFlight = value;
                    _slots = value == 0 ? null : new SemaphoreSlim(value, value);
                }
            }
        }

        /// <summary>The most requests served at once since the start or the last reset (whatever <see cref="MaxInFlight"/> is).</summary>
        public int PeakInFlight => Volatile.Read(ref _peakInFlight);

        /// <summary>Starts listening on 127.0.0.1 (port 0: any free port) and returns once it accepts requests.</summary>
        public async Task StartAsync(int port = 0, CancellationToken cancellationToken = default)
        {
            if (_app != null) throw new InvalidOperationException($"The {Name} emulator is already running at {BaseUri}.");
            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
            {
                ApplicationName = GetType().Assembly.GetName().Name,
                ContentRootPath = AppContext.BaseDirectory,
                Args = Array.Empty<string>(),
            });
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrel(o =>
            {
                o.Listen(IPAddress.Loopback, port);
                o.AddServerHeader = false;
                o.Limits.MaxRequestBodySize = 64L * 1024 * 1024;
            });
            // No console lifetime: it would take over SIGTERM/Ctrl+C of the whole process (a test host, or the
            // runner, which handles them itself).
            builder.Services.AddSingleton<Microsoft.Extensions.Hosting.IHostLifetime, PassiveLifetime>();
            ConfigureServices(builder.Services);
            var app = builder.Build();
            app.Use(Intercept);
            MapRoutes(app);
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
                          ?? throw new InvalidOperationException($"The {Name} emulator started without an address.");
            BaseUri = new Uri(address.Replace("[::]", "127.0.0.1").TrimEnd('/') + "/");
            _app = app;
        }

        /// <summary>Synchronous start, for fixtures and the command-line runner.</summary>
        public void Start(int port = 0) => StartAsync(port).GetAwaiter().GetResult();

        public async Task StopAsync()
        {
            var app = Interlocked.Exchange(ref _app, null);
            if (app is null) return;
            await app.StopAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }

        public async ValueTask DisposeAsync()
        {
            await StopAsync().ConfigureAwait(false);
            GC.SuppressFinalize(this);
        }

        public void Dispose()
        {
            StopAsync().GetAwaiter().GetResult();
            GC.SuppressFinalize(this);
        }

        /// <summary>Maps the emulator's routes.</summary>
        protected abstract void MapRoutes(WebApplication app);

        protected virtual void ConfigureServices(IServiceCollection services) { }

        /// <summary>Sets entry.Operation, entry.Mutating (and Scope) from the method and path, before any fault fires.</summary>
        protected virtual void Classify(HttpRequest request, JournalEntry entry)
        {
            entry.Operation = request.Method + " " + request.Path;
            entry.Mutating = !HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method);
        }

        /// <summary>Writes the service's error body for a status (injected faults use it too).</summary>
        protected abstract Task WriteErrorAsync(HttpContext context, int status, string message);

        /// <summary>The journal entry of the request being served (for emulators to refine it).</summary>
        protected static JournalEntry? EntryOf(HttpContext context) =>
            context.Items.TryGetValue(EntryKey, out var e) ? e as JournalEntry : null;

        /// <summary>The message an injected status fault carries, as the service would word it.</summary>
        protected virtual string FaultMessage(int status) => status switch
        {
            429 => "Too many requests. Please retry shortly.",
            500 => "Internal server error.",
            502 => "Bad gateway.",
            503 => "Service unavailable. Please retry shortly.",
            504 => "Gateway timeout.",
            _ => "Injected error " + status + ".",
        };

        /// <summary>
        /// Clears the emulator's data (for POST /_emulator/reset); the journal and faults are cleared by the host.
        /// </summary>
        protected virtual void ResetState() { }

        /// <summary>Empties data, journal and faults.</summary>
        public void Reset()
        {
            ResetState();
            Journal.Clear();
            Faults.Clear();
            Interlocked.Exchange(ref _peakInFlight, Volatile.Read(ref _inFlight));
        }

        /// <summary>
        /// Applies settings sent to POST /_emulator/configure (a JSON object; absent members are left as they are).
        /// The host handles <c>latencyMs</c> (added to every request) and <c>recordDeletedIds</c> (the journal's
        /// per-id record, off for million-id benchmarks) and <c>maxInFlight</c> (<see cref="MaxInFlight"/>); emulators
        /// add their own (rate limits) and call the base.
        /// </summary>
        protected virtual void Configure(JsonElement settings)
        {
            if (settings.TryGetProperty("maxInFlight", out var slots) && slots.ValueKind == JsonValueKind.Number && slots.TryGetInt32(out var n) && n >= 0)
                MaxInFlight = n;
            if (settings.TryGetProperty("latencyMs", out var latency) && latency.ValueKind == JsonValueKind.Number)
                Faults.AddedLatency = TimeSpan.FromMilliseconds(latency.GetDouble());
            if (settings.TryGetProperty("recordDeletedIds", out var record) && (record.ValueKind == JsonValueKind.True || record.ValueKind == JsonValueKind.False))
                Journal.RecordDeletedIds = record.GetBoolean();
        }

        /// <summary>
        /// Stores records with these ids in the namespace at once, without a request of the vendor's API and without
        /// a journal entry (POST /_emulator/seed: benchmarks load millions of ids this way). Returns how many.
        /// </summary>
        protected virtual long Seed(string? @namespace, IEnumerable<string> ids) =>
            throw new NotSupportedException($"The {Name} emulator cannot seed records through /_emulator/seed.");

        /// <summary>How many records the emulator holds now (all namespaces), for the journal summary; null if unknown.</summary>
        protected virtual long? RecordCount => null;

        /// <summary>
        /// The admin paths under /_emulator/ (not part of any vendor's API, never journaled, no authentication):
        /// GET /_emulator/journal answers a summary, for scripts (Pester, benchmarks) that run the emulator as a
        /// program; POST /_emulator/reset empties it; POST /_emulator/faults adds a fault (see <see cref="AdminFaults"/>)
        /// and DELETE /_emulator/faults removes them all; GET /_emulator/deleted?scope=NS lists the ids deleted there;
        /// POST /_emulator/configure changes settings (latency, rate limits: see <see cref="Configure"/>);
        /// POST /_emulator/seed?namespace=NS stores one record per line of the body (an id a line).
        /// </summary>
        private async Task<bool> Admin(HttpContext context)
        {
            var path = context.Request.Path.Value ?? "";
            if (!path.StartsWith("/_emulator/", StringComparison.Ordinal)) return false;
            if (path == "/_emulator/journal" && HttpMethods.IsGet(context.Request.Method))
            {
                var entries = Journal.Entries;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(System.Text.Json.JsonSerializer.Serialize(new
                {
                    requests = entries.Count,
                    mutatingCalls = entries.Count(e => e.Mutating),
                    deletedRecords = Journal.DeletedCount,
                    faults = entries.Count(e => e.Fault != null),
                    peakInFlight = PeakInFlight,
                    statuses = entries.GroupBy(e => e.Status).OrderBy(g => g.Key)
                        .ToDictionary(g => g.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), g => g.Count()),
                    idsSent = entries.Where(e => e.Mutating && e.IdCount != null).Sum(e => (long)e.IdCount!.Value),
                    records = RecordCount,
                    operations = entries.GroupBy(e => e.Operation).OrderBy(g => g.Key, StringComparer.Ordinal)
                        .ToDictionary(g => g.Key, g => g.Count()),
                    idCounts = entries.Where(e => e.Mutating && e.IdCount != null).Select(e => e.IdCount!.Value).ToArray(),
                })).ConfigureAwait(false);
                return true;
            }
            if (path == "/_emulator/reset" && HttpMethods.IsPost(context.Request.Method))
            {
                Reset();
                context.Response.StatusCode = 204;
                return true;
            }
            if (path == "/_emulator/faults")
            {
                if (HttpMethods.IsDelete(context.Request.Method))
                {
                    Faults.Clear();
                    context.Response.StatusCode = 204;
                    return true;
                }
                if (HttpMethods.IsPost(context.Request.Method))
                {
                    string? problem;
                    try
                    {
                        using var doc = await System.Text.Json.JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted).ConfigureAwait(false);
                        problem = AdminFaults.Add(Faults, doc.RootElement);
                    }
                    catch (System.Text.Json.JsonException ex)
                    {
                        problem = "The body is not JSON: " + ex.Message;
                    }
                    context.Response.StatusCode = problem is null ? 204 : 400;
                    if (problem != null) await context.Response.WriteAsync(problem).ConfigureAwait(false);
                    return true;
                }
            }
            if (path == "/_emulator/deleted" && HttpMethods.IsGet(context.Request.Method))
            {
                var scope = context.Request.Query["scope"].ToString();
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(System.Text.Json.JsonSerializer.Serialize(new
                {
                    scope,
                    ids = Journal.DeletedIds(scope).OrderBy(i => i, StringComparer.Ordinal).ToArray(),
                    deletedMoreThanOnce = Journal.DeletedMoreThanOnce(scope).OrderBy(i => i, StringComparer.Ordinal).ToArray(),
                })).ConfigureAwait(false);
                return true;
            }
            if (path == "/_emulator/configure" && HttpMethods.IsPost(context.Request.Method))
            {
                using var doc = await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted).ConfigureAwait(false);
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                {
                    context.Response.StatusCode = 400;
                    return true;
                }
                Configure(doc.RootElement);
                context.Response.StatusCode = 204;
                return true;
            }
            if (path == "/_emulator/seed" && HttpMethods.IsPost(context.Request.Method))
            {
                var ns = context.Request.Query["namespace"].ToString();
                var ids = new List<string>();
                using (var reader = new System.IO.StreamReader(context.Request.Body, System.Text.Encoding.UTF8))
                {
                    string? line;
                    while ((line = await reader.ReadLineAsync(context.RequestAborted).ConfigureAwait(false)) != null)
                        if (line.Length > 0) ids.Add(line);
                }
                long seeded;
                try
                {
                    seeded = Seed(ns.Length == 0 ? null : ns, ids);
                }
                catch (NotSupportedException)
                {
                    context.Response.StatusCode = 501;
                    return true;
                }
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("{\"seeded\":" + seeded.ToString(System.Globalization.CultureInfo.InvariantCulture) + "}").ConfigureAwait(false);
                return true;
            }
            context.Response.StatusCode = 404;
            return true;
        }

        private sealed class PassiveLifetime : Microsoft.Extensions.Hosting.IHostLifetime
        {
            public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
            public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        }

        private async Task Intercept(HttpContext context, RequestDelegate next)
        {
            if (await Admin(context).ConfigureAwait(false)) return;
            var request = context.Request;
            var entry = Journal.Begin(request.Method, request.Path.Value ?? "", request.QueryString.Value ?? "");
            context.Items[EntryKey] = entry;
            Classify(request, entry);
            SemaphoreSlim? slots;
            lock (_slotGate) slots = _slots;
            if (slots != null)
            {
                try
                {
                    await slots.WaitAsync(context.RequestAborted).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
                {
                    Journal.End(entry, 0);
                    return;
                }
            }
            var now = Interlocked.Increment(ref _inFlight);
            int peak;
            while (now > (peak = Volatile.Read(ref _peakInFlight)) && Interlocked.CompareExchange(ref _peakInFlight, now, peak) != peak) { }
            try
            {
                await Serve(context, next, entry).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
                slots?.Release();
            }
        }

        private async Task Serve(HttpContext context, RequestDelegate next, JournalEntry entry)
        {
            var request = context.Request;
            try
            {
                var latency = Faults.AddedLatency;
                if (latency > TimeSpan.Zero) await Task.Delay(latency, context.RequestAborted).ConfigureAwait(false);

                string? body = null;
                if (Faults.InspectsBodies)
                {
                    // Only while a body-matching fault is set: read the body once, then rewind it for the route.
                    request.EnableBuffering();
                    using (var reader = new System.IO.StreamReader(request.Body, System.Text.Encoding.UTF8, false, 4096, leaveOpen: true))
                        body = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
                    request.Body.Position = 0;
                }
                var fault = Faults.Take(request, body);
                if (fault != null)
                {
                    entry.Fault = fault.ToString();
                    switch (fault.Kind)
                    {
                        case FaultKind.Status:
                            if (fault.RetryAfter is TimeSpan ra)
                                context.Response.Headers["Retry-After"] = Math.Max(0, (int)Math.Ceiling(ra.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                            await WriteErrorAsync(context, fault.StatusCode, FaultMessage(fault.StatusCode)).ConfigureAwait(false);
                            Journal.End(entry, fault.StatusCode);
                            return;
                        case FaultKind.Delay:
                            await Task.Delay(fault.Delay, context.RequestAborted).ConfigureAwait(false);
                            break;
                        case FaultKind.Hang:
                            try { await Task.Delay(fault.Delay, context.RequestAborted).ConfigureAwait(false); }
                            catch (OperationCanceledException) { }
                            context.Abort();
                            Journal.End(entry, 0);
                            return;
                        case FaultKind.Reset:
                            context.Abort();
                            Journal.End(entry, 0);
                            return;
                    }
                }
                await next(context).ConfigureAwait(false);
                Journal.End(entry, context.Response.StatusCode);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                Journal.End(entry, 0);
            }
        }
    }
}
