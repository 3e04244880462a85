using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Globalization;
using System.Linq;
using System.Net;
using Npgsql;
using VectorOps.Errors;
using VectorOps.Security;

namespace VectorOps.Providers.PgVector
{
    /// <summary>
    /// From the settings to a data source: the connection string parsed (a malformed one refused without showing
    /// it), the password put in from the credential (-Password, -Credential, PGPASSWORD) when one was given, else the
    /// string's own, else Npgsql's passfile handling; the TLS rule checked before any connection is made. The
    /// password stays inside the data source: what is shown is <see cref="Endpoint"/> and <see cref="MaskedConnectionString"/>.
    /// </summary>
    internal sealed class PgConnectionFactory
    {
        public const string Mask = "********";

        private PgConnectionFactory(NpgsqlConnectionStringBuilder builder, string endpoint, string masked, IReadOnlyList<string> secrets)
        {
            Builder = builder;
            Endpoint = endpoint;
            MaskedConnectionString = masked;
            Secrets = secrets;
        }

        /// <summary>The parsed string with the password in it: only for building the data source.</summary>
        public NpgsqlConnectionStringBuilder Builder { get; }

        /// <summary>postgresql://user@host:port/database (never a password).</summary>
        public string Endpoint { get; }

        /// <summary>The connection string with its Password replaced by <see cref="Mask"/>.</summary>
        public string MaskedConnectionString { get; }

        /// <summary>The password texts in play, to scrub from any driver message (never shown).</summary>
        public IReadOnlyList<string> Secrets { get; }

        public NpgsqlDataSource CreateDataSource() => new NpgsqlDataSourceBuilder(Builder.ConnectionString).Build();

        /// <summary>Removes every password text from a message (the driver's own messages never should hold one; this makes sure).</summary>
        public string Scrub(string text)
        {
            foreach (var s in Secrets)
                if (s.Length > 0) text = text.Replace(s, Mask);
            return text;
        }

        public static PgConnectionFactory From(ConnectionSettings settings, SettingDescriptor connectionSetting, SettingDescriptor allowSetting)
        {
            var text = settings.Find<string>(PgVectorDescriptor.ConnectionString);
            if (string.IsNullOrWhiteSpace(text))
                throw new VectorOpsException(ErrorIds.MissingSetting, VectorOpsErrorCategory.InvalidArgument,
                    $"No connection string was given. Pass {settings.Names.Option(connectionSetting)} 'Host=...;Port=5432;Database=...;Username=...'" +
                    (connectionSetting.EnvironmentVariables.Count > 0 ? $", or set {settings.Names.EnvironmentVariable(connectionSetting.EnvironmentVariables[0])}" : "") +
                    "; give the password with the credential, not in the string.", connectionSetting.Name);

            var builder = Parse(text!, settings, connectionSetting);
            var secrets = new List<string>();
            if (!string.IsNullOrEmpty(builder.Password)) secrets.Add(builder.Password!);
            if (settings.Credential != null)
            {
                var password = settings.Credential.Reveal();
                builder.Password = password;
                secrets.Add(password);
            }
            if (settings.RequestTimeout is TimeSpan t && t > TimeSpan.Zero)
            {
                var seconds = (int)Math.Min(1024, Math.Max(1, Math.Ceiling(t.TotalSeconds)));
                builder.CommandTimeout = seconds;
                builder.Timeout = seconds;
            }
            builder.ApplicationName ??= "VectorOps";

            var host = Hosts(builder);
            var endpoint = EndpointOf(builder, host);
            CheckTls(builder, host, endpoint, settings.Get(PgVectorDescriptor.AllowUnencrypted, false), settings.Names.Option(allowSetting));

            var masked = new NpgsqlConnectionStringBuilder(builder.ConnectionString);
            if (!string.IsNullOrEmpty(masked.Password)) masked.Password = Mask;
            return new PgConnectionFactory(builder, endpoint, masked.ConnectionString, secrets);
        }

        /// <summary>
        /// The string parsed. A malformed one is InvalidSetting naming the key at fault (never its value, never the
        /// string: it may hold a password), target = the setting's name.
        /// </summary>
        private static NpgsqlConnectionStringBuilder Parse(string text, ConnectionSettings settings, SettingDescriptor setting)
        {
            try
            {
                return new NpgsqlConnectionStringBuilder(text);
            }
            catch (Exception ex) when (ex is ArgumentException || ex is FormatException || ex is InvalidCastException || ex is OverflowException || ex is KeyNotFoundException)
            {
                // Find the key at fault without repeating the driver's message (it may quote a value).
                string? badKey = null;
                var generic = new DbConnectionStringBuilder();
                try
                {
                    generic.ConnectionString = text;
                    foreach (string key in generic.Keys)
                    {
                        try
                        {
                            _ = new NpgsqlConnectionStringBuilder { [key] = generic[key] };
                        }
                        catch (Exception)
                        {
                            badKey = key;
                            break;
                        }
                    }
                }
                catch (ArgumentException)
                {
                    // Not even key=value pairs.
                }
                var what = badKey is null
                    ? "it is not a list of key=value pairs separated by semicolons"
                    : $"the key '{PgIdentifiers.Printable(badKey)}' is unknown or its value is not valid for it";
                throw new VectorOpsException(ErrorIds.InvalidSetting, VectorOpsErrorCategory.InvalidArgument,
                    $"The connection string given with {settings.Names.Option(setting)} cannot be read: {what} (the string is not shown: it may hold a password). " +
                    "Example: 'Host=db.example.com;Port=5432;Database=vectors;Username=app;SSL Mode=VerifyFull'.",
                    setting.Name);
            }
        }

        private static IReadOnlyList<string> Hosts(NpgsqlConnectionStringBuilder builder)
        {
            var host = builder.Host;
            if (string.IsNullOrWhiteSpace(host)) host = Environment.GetEnvironmentVariable("PGHOST");
            if (string.IsNullOrWhiteSpace(host)) host = "localhost";
            return host!.Split(',').Select(h => h.Trim()).Where(h => h.Length > 0).ToList();
        }

        private static string EndpointOf(NpgsqlConnectionStringBuilder builder, IReadOnlyList<string> hosts)
        {
            var user = string.IsNullOrEmpty(builder.Username) ? "" : Uri.EscapeDataString(builder.Username!) + "@";
            var port = builder.Port.ToString(CultureInfo.InvariantCulture);
            var where = string.Join(",", hosts.Select(h => (h.Contains(':') && !h.StartsWith("[", StringComparison.Ordinal) && IPAddress.TryParse(h, out _) ? "[" + h + "]" : h)
                + (h.StartsWith("/", StringComparison.Ordinal) || HasPort(h) ? "" : ":" + port)));
            var db = string.IsNullOrEmpty(builder.Database) ? "" : "/" + Uri.EscapeDataString(builder.Database!);
            return "postgresql://" + user + where + db;
        }

        /// <summary>Npgsql accepts host:port in a multi-host list.</summary>
        private static bool HasPort(string host) => !IPAddress.TryParse(host, out _) && host.LastIndexOf(':') > 0;

        /// <summary>True for this machine: localhost, 127.0.0.0/8, ::1, or a Unix socket path.</summary>
        internal static bool IsLoopback(string host)
        {
            var h = host.Trim();
            if (h.StartsWith("/", StringComparison.Ordinal) || h.StartsWith("@", StringComparison.Ordinal)) return true;
            if (HasPort(h)) h = h.Substring(0, h.LastIndexOf(':'));
            h = h.Trim('[', ']');
            if (string.Equals(h, "localhost", StringComparison.OrdinalIgnoreCase)) return true;
            return IPAddress.TryParse(h, out var ip) && IPAddress.IsLoopback(ip);
        }

        /// <summary>
        /// InsecureConnection (SecurityError) for a host other than this machine with SSL Mode Disable, Allow or
        /// Prefer (Prefer, the default, falls back to clear text without a word) unless AllowUnencrypted was given.
        /// </summary>
        private static void CheckTls(NpgsqlConnectionStringBuilder builder, IReadOnlyList<string> hosts, string endpoint, bool allowed, string allowOption)
        {
            var mode = builder.SslMode;
            if (mode == SslMode.Require || mode == SslMode.VerifyCA || mode == SslMode.VerifyFull) return;
            var remote = hosts.Where(h => !IsLoopback(h)).ToList();
            if (remote.Count == 0 || allowed) return;
            throw new VectorOpsException(ErrorIds.InsecureConnection, VectorOpsErrorCategory.SecurityError,
                $"Refusing to connect to {string.Join(", ", remote)} ({endpoint}) with SSL Mode {mode}: the password and every record could cross the network " +
                $"unencrypted. Put 'SSL Mode=VerifyFull' (or Require) in the connection string, or pass {allowOption} to accept clear text. Nothing was sent.",
                string.Join(",", remote));
        }
    }
}
