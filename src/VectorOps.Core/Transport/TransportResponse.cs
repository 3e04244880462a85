using System;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace VectorOps.Transport
{
    /// <summary>A fully read answer: status, headers and body bytes, with the attempts it took.</summary>
    public sealed class TransportResponse
    {
        public TransportResponse(HttpStatusCode status, HttpResponseHeaders headers, HttpContentHeaders? contentHeaders, byte[] body)
        {
            Status = status;
            Headers = headers;
            ContentHeaders = contentHeaders;
            Body = body;
        }

        public HttpStatusCode Status { get; }
        public int StatusCode => (int)Status;
        public bool IsSuccess => StatusCode >= 200 && StatusCode < 300;
        public HttpResponseHeaders Headers { get; }
        public HttpContentHeaders? ContentHeaders { get; }
        public byte[] Body { get; }
        public int Attempts { get; internal set; }
        public string Method { get; internal set; } = "";
        public string Path { get; internal set; } = "";

        public string BodyText => Encoding.UTF8.GetString(Body);

        /// <summary>The delay the service asked for (Retry-After seconds or date), if any.</summary>
        public TimeSpan? RetryAfter
        {
            get
            {
                var ra = Headers.RetryAfter;
                if (ra is null) return null;
                if (ra.Delta is TimeSpan d) return d;
                if (ra.Date is DateTimeOffset at) return at - DateTimeOffset.UtcNow > TimeSpan.Zero ? at - DateTimeOffset.UtcNow : TimeSpan.Zero;
                return null;
            }
        }

        public string? Header(string name) =>
            Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;
    }
}
