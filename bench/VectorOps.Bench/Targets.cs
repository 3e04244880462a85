using System;
using System.Buffers;
using System.Collections.Generic;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text.Json;
using VectorOps.Providers;
using VectorOps.Security;

namespace VectorOps.Bench
{
    /// <summary>One provider as the benchmark drives it: its emulator, its request, its limits.</summary>
    internal abstract class Target
    {
        protected Target(EmulatorProcess emulator) { Emulator = emulator; }

        public EmulatorProcess Emulator { get; }
        public abstract string Name { get; }

        /// <summary>Ids one delete carries (the service's cap; the SDKs' sequential way sends one such request per call).</summary>
        public abstract int BatchSize { get; }

        /// <summary>Whether the delete names a namespace (Pinecone) or not (Vectorize: ids are index-wide).</summary>
        public abstract bool HasNamespaces { get; }

        public abstract Uri DeleteUri { get; }

        /// <summary>The authentication and version headers of the service.</summary>
        public abstract void Authorize(HttpRequestMessage request);

        /// <summary>The JSON body of one delete, exactly as VectorOps' provider writes it.</summary>
        public abstract byte[] Payload(IReadOnlyList<string> ids, string? @namespace);

        /// <summary>Connection settings of VectorOps' provider; <paramref name="requestsPerSecond"/> null = its default pacing.</summary>
        public abstract ConnectionSettings Settings(double? requestsPerSecond);

        /// <summary>Emulator settings with no added latency and no rate limit (client-overhead regime).</summary>
        public abstract object Unlimited();

        /// <summary>Emulator settings of the service shape: 25 ms per request and the published rate limit.</summary>
        public abstract object ServiceShape(double latencyMs);

        /// <summary>Delete requests a second the published limit allows, over the given number of namespaces.</summary>
        public abstract double LimitRequestsPerSecond(int namespaces);

        public abstract string LimitText { get; }

        protected static byte[] Write(Action<Utf8JsonWriter> write)
        {
            var buffer = new ArrayBufferWriter<byte>(32 * 1024);
            using (var w = new Utf8JsonWriter(buffer)) write(w);
            return buffer.WrittenSpan.ToArray();
        }
    }

    internal sealed class PineconeTarget : Target
    {
        public const string ApiKey = "bench-key";

        public PineconeTarget(EmulatorProcess emulator) : base(emulator) { }

        public static EmulatorProcess StartEmulator() => EmulatorProcess.Start("pinecone", "--api-key", ApiKey, "--delete-rps", "0");

        public override string Name => "Pinecone";
        public override int BatchSize => 1000;
        public override bool HasNamespaces => true;
        public override Uri DeleteUri => new Uri(Emulator.BaseUri, "vectors/delete");

        public override void Authorize(HttpRequestMessage request)
        {
            request.Headers.TryAddWithoutValidation("Api-Key", ApiKey);
            request.Headers.TryAddWithoutValidation("X-Pinecone-Api-Version", "2026-04");
        }

        public override byte[] Payload(IReadOnlyList<string> ids, string? @namespace) => Write(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("ids");
            foreach (var id in ids) w.WriteStringValue(id);
            w.WriteEndArray();
            w.WriteString("namespace", @namespace ?? "__default__");
            w.WriteEndObject();
        });

        public override ConnectionSettings Settings(double? requestsPerSecond) => new ConnectionSettings
        {
            Provider = "Pinecone",
            ["IndexHost"] = Emulator.BaseUri,
            Index = "bench",
            Credential = Secret.FromPlainText(ApiKey),
            RequestsPerSecond = requestsPerSecond,
        };

        public override object Unlimited() => new { latencyMs = 0, deleteRps = 0, recordDeletedIds = false };

        // The emulator's bucket holds one second of the published rate (burst 100), as "100 a second" reads.
        public override object ServiceShape(double latencyMs) => new { latencyMs, deleteRps = 100, deleteBurst = 100, recordDeletedIds = false };

        public override double LimitRequestsPerSecond(int namespaces) => 100.0 * namespaces;

        public override string LimitText => "100 delete requests/s per namespace";
    }

    internal sealed class VectorizeTarget : Target
    {
        public const string Token = "bench-token";
        public const string Account = "0123456789abcdef0123456789abcdef";
        public const string Index = "bench-index";

        public VectorizeTarget(EmulatorProcess emulator) : base(emulator) { }

        public static EmulatorProcess StartEmulator() => EmulatorProcess.Start("vectorize", "--token", Token, "--account", Account,
            "--index", Index, "--apply-delay-ms", "0", "--rate-limit", "100000000");

        public override string Name => "Vectorize";
        public override int BatchSize => 100;
        public override bool HasNamespaces => false;
        public override Uri DeleteUri => new Uri(Emulator.BaseUri, $"accounts/{Account}/vectorize/v2/indexes/{Index}/delete_by_ids");

        public override void Authorize(HttpRequestMessage request) =>
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);

        public override byte[] Payload(IReadOnlyList<string> ids, string? @namespace) => Write(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("ids");
            foreach (var id in ids) w.WriteStringValue(id);
            w.WriteEndArray();
            w.WriteEndObject();
        });

        public override ConnectionSettings Settings(double? requestsPerSecond) => new ConnectionSettings
        {
            Provider = "CloudflareVectorize",
            ["BaseUri"] = Emulator.BaseUri,
            ["AccountId"] = Account,
            Index = Index,
            Credential = Secret.FromPlainText(Token),
            RequestsPerSecond = requestsPerSecond,
            ["RateLimit"] = AccountLimit,
            ["RateWindowSeconds"] = AccountWindowSeconds,
        };

        /// <summary>The account's limit and window VectorOps is told (its pacer keeps 0.9 of it in any window): the published 1,200 per 300 s unless a shape scales them.</summary>
        public int AccountLimit { get; set; } = 1200;

        public int AccountWindowSeconds { get; set; } = 300;

        public override object Unlimited() => new { latencyMs = 0, rateLimit = 100_000_000, rateWindowSeconds = 300, rateBlockSeconds = 300, applyDelayMs = 0, recordDeletedIds = false };

        public override object ServiceShape(double latencyMs) => Scaled(latencyMs, 1);

        /// <summary>The same 4 requests/s with the window and the block <paramref name="divisor"/> times shorter (1,200/300 s/300 s divided).</summary>
        public static object Scaled(double latencyMs, int divisor) => new
        {
            latencyMs, rateLimit = 1200 / divisor, rateWindowSeconds = 300.0 / divisor, rateBlockSeconds = 300.0 / divisor,
            applyDelayMs = 0, recordDeletedIds = false,
        };

        public override double LimitRequestsPerSecond(int namespaces) => 1200.0 / 300.0;

        public override string LimitText => "1,200 requests per 5 minutes per account (4/s), 5-minute block";
    }
}
