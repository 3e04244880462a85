using System;
using System.Text.Json;

namespace VectorOps.Emulators.Infrastructure
{
    /// <summary>
    /// Faults set over HTTP by scripts that run an emulator as a program (Pester): <c>POST /_emulator/faults</c> with
    /// <c>{"kind": "status" | "reset" | "hang" | "delay", "status": 500, "retryAfterSeconds": 1, "delayMs": 2000,
    /// "path": "/vectors/delete", "method": "POST", "bodyContains": "\"doc-00042\"", "times": 3}</c>.
    /// Every field but kind (default "status") is optional; without times the fault stays until
    /// <c>DELETE /_emulator/faults</c> or a reset.
    /// </summary>
    public static class AdminFaults
    {
        /// <summary>Adds the fault the JSON describes; returns why it cannot, or null.</summary>
        public static string? Add(FaultSwitchboard faults, JsonElement spec)
        {
            if (spec.ValueKind != JsonValueKind.Object) return "Send a JSON object.";
            var kind = Text(spec, "kind") ?? "status";
            TimeSpan? retryAfter = spec.TryGetProperty("retryAfterSeconds", out var ra) && ra.ValueKind == JsonValueKind.Number
                ? TimeSpan.FromSeconds(ra.GetDouble()) : (TimeSpan?)null;
            var delay = spec.TryGetProperty("delayMs", out var d) && d.ValueKind == JsonValueKind.Number ? TimeSpan.FromMilliseconds(d.GetDouble()) : (TimeSpan?)null;
            Fault fault;
            switch (kind.ToLowerInvariant())
            {
                case "status":
                    if (!spec.TryGetProperty("status", out var st) || st.ValueKind != JsonValueKind.Number || !st.TryGetInt32(out var code) || code < 400 || code > 599)
                        return "A status fault needs \"status\" between 400 and 599.";
                    fault = Fault.Status(code, retryAfter);
                    break;
                case "reset": fault = Fault.Reset(); break;
                case "hang": fault = Fault.Hang(delay); break;
                case "delay":
                    if (delay is null) return "A delay fault needs \"delayMs\".";
                    fault = Fault.Latency(delay.Value);
                    break;
                default:
                    return $"Unknown fault kind '{kind}': status, reset, hang or delay.";
            }
            int? times = null;
            if (spec.TryGetProperty("times", out var t) && t.ValueKind == JsonValueKind.Number)
            {
                if (!t.TryGetInt32(out var n) || n < 1) return "\"times\" must be at least 1.";
                times = n;
            }
            var path = Text(spec, "path");
            var method = Text(spec, "method");
            var body = Text(spec, "bodyContains");
            if (body != null)
            {
                if (method != null) return "\"method\" cannot be combined with \"bodyContains\" (bodies are looked at on every method).";
                faults.OnBodyContaining(body, fault, times, path);
            }
            else if (path != null) faults.OnPath(path, fault, times, method);
            else if (method != null) faults.When(r => string.Equals(r.Method, method, StringComparison.OrdinalIgnoreCase), fault, times);
            else if (times != null) faults.NextRequests(times.Value, fault);
            else faults.When(_ => true, fault);
            return null;
        }

        private static string? Text(JsonElement e, string name) =>
            e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString()!.Length > 0 ? v.GetString() : null;
    }
}
