using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using VectorOps.Errors;

namespace VectorOps.Connections
{
    /// <summary>
    /// The saved connection profiles of the user: one JSON file (<see cref="FileName"/>) in the user's config folder
    /// (<see cref="DefaultFolder"/>), with a schema version. Written whole to a temporary file beside it and moved over
    /// it (a reader sees the old file or the new one, never half of one), readable by the owner only on Unix (0600, its
    /// folder 0700). A file that cannot be read as profiles is an error naming it (ProfileStoreCorrupt) and is never
    /// replaced. It holds no secret: a profile names where its credential comes from.
    /// </summary>
    public sealed class ProfileStore
    {
        /// <summary>The file's name in the folder.</summary>
        public const string FileName = "profiles.json";

        /// <summary>The schema this version writes and reads; a file of a later one is refused, not rewritten.</summary>
        public const int SchemaVersion = 1;

        /// <summary>Overrides the folder (tests, portable set-ups).</summary>
        public const string FolderVariable = "VECTOROPS_CONFIG_HOME";

        public ProfileStore(string? folder = null)
        {
            Folder = Path.GetFullPath(folder ?? DefaultFolder());
            FilePath = Path.Combine(Folder, FileName);
        }

        public string Folder { get; }

        /// <summary>The profile file's full path.</summary>
        public string FilePath { get; }

        /// <summary>
        /// <c>$VECTOROPS_CONFIG_HOME</c> when set; else on Windows <c>%APPDATA%\VectorOps</c>; else
        /// <c>$XDG_CONFIG_HOME/vectorops</c>, or <c>~/.config/vectorops</c>.
        /// </summary>
        public static string DefaultFolder()
        {
            var overridden = Environment.GetEnvironmentVariable(FolderVariable);
            if (!string.IsNullOrWhiteSpace(overridden)) return overridden!;
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
                return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData), "VectorOps");
            var xdg = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
            if (!string.IsNullOrWhiteSpace(xdg) && Path.IsPathRooted(xdg)) return Path.Combine(xdg!, "vectorops");
            var home = Environment.GetEnvironmentVariable("HOME");
            if (string.IsNullOrWhiteSpace(home)) home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            return Path.Combine(home!, ".config", "vectorops");
        }

        /// <summary>Every saved profile, by name.</summary>
        public IReadOnlyList<ConnectionProfile> List() => Load().OrderBy(p => p.Name, StringComparer.OrdinalIgnoreCase).ToList();

        /// <summary>The profile of that name (case-insensitive), or null.</summary>
        public ConnectionProfile? Find(string name) =>
            Load().FirstOrDefault(p => string.Equals(p.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase));

        /// <summary>The profile of that name, or ProfileNotFound with the closest names.</summary>
        public ConnectionProfile Get(string name)
        {
            var all = Load();
            var found = all.FirstOrDefault(p => string.Equals(p.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase));
            if (found != null) return found;
            throw NotFound(name, all);
        }

        /// <summary>
        /// The profiles a name or wildcard pattern selects for removal: a name must exist (ProfileNotFound); a pattern
        /// may match none, and matching more than one needs <paramref name="force"/> (ProfilePatternMatchesMany, naming them).
        /// </summary>
        public IReadOnlyList<ConnectionProfile> Select(string nameOrPattern, bool force)
        {
            var all = Load();
            if (!ConnectionProfile.IsPattern(nameOrPattern)) return new[] { Get(nameOrPattern) };
            var matched = all.Where(p => ConnectionProfile.Matches(nameOrPattern, p.Name)).OrderBy(p => p.Name, StringComparer.OrdinalIgnoreCase).ToList();
            if (matched.Count > 1 && !force)
                throw new VectorOpsException(ErrorIds.ProfilePatternMatchesMany, VectorOpsErrorCategory.InvalidArgument,
                    $"'{nameOrPattern}' matches {matched.Count} profiles ({string.Join(", ", matched.Select(p => p.Name))}); nothing was removed. Name one, or add Force to remove them all.",
                    nameOrPattern);
            return matched;
        }

        /// <summary>Saves the profile; one of the same name is replaced only with <paramref name="force"/> (else ProfileExists).</summary>
        public void Save(ConnectionProfile profile, bool force)
        {
            if (profile is null) throw new ArgumentNullException(nameof(profile));
            var all = Load();
            var existing = all.FindIndex(p => string.Equals(p.Name, profile.Name, StringComparison.OrdinalIgnoreCase));
            if (existing >= 0 && !force)
                throw new VectorOpsException(ErrorIds.ProfileExists, VectorOpsErrorCategory.ResourceExists,
                    $"A profile named '{all[existing].Name}' is saved already ({all[existing].Provider}, index '{all[existing].Index}'); add Force to replace it.", profile.Name);
            if (existing >= 0) all[existing] = profile;
            else all.Add(profile);
            Write(all);
        }

        /// <summary>Forgets the profiles named (those not saved are ignored); true when the file changed.</summary>
        public bool Remove(IEnumerable<string> names)
        {
            var gone = new HashSet<string>(names, StringComparer.OrdinalIgnoreCase);
            var all = Load();
            var removed = all.RemoveAll(p => gone.Contains(p.Name));
            if (removed == 0) return false;
            Write(all);
            return true;
        }

        private VectorOpsException NotFound(string? name, IReadOnlyList<ConnectionProfile> all)
        {
            var closest = NameSuggestions.Closest(name ?? "", all.Select(p => p.Name));
            var hint = closest.Count > 0 ? $" Did you mean {string.Join(" or ", closest.Select(c => "'" + c + "'"))}?" :
                all.Count == 0 ? $" No profile is saved (in {FilePath})." : $" Saved: {string.Join(", ", all.Select(p => p.Name))}.";
            return new VectorOpsException(ErrorIds.ProfileNotFound, VectorOpsErrorCategory.ObjectNotFound,
                $"There is no profile named '{name}'.{hint}", name);
        }

        // ---- the file ----

        private List<ConnectionProfile> Load()
        {
            string text;
            try
            {
                if (!File.Exists(FilePath)) return new List<ConnectionProfile>();
                text = File.ReadAllText(FilePath, Encoding.UTF8);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw new VectorOpsException(ErrorIds.ProfileStoreCorrupt, VectorOpsErrorCategory.ReadError,
                    $"The profile file '{FilePath}' cannot be read: {ex.Message}", FilePath, ex);
            }
            try
            {
                return Parse(text);
            }
            catch (JsonException ex)
            {
                throw Corrupt("it is not valid JSON (" + ex.Message + ")", ex);
            }
            catch (VectorOpsException ex) when (ex.ErrorId != ErrorIds.ProfileStoreCorrupt)
            {
                throw Corrupt(ex.Message, ex);
            }
        }

        private VectorOpsException Corrupt(string what, Exception? inner = null) =>
            new VectorOpsException(ErrorIds.ProfileStoreCorrupt, VectorOpsErrorCategory.InvalidData,
                $"The profile file '{FilePath}' cannot be read as profiles: {what}. It was left as it is: fix it, or move it away to start again.",
                FilePath, inner);

        private List<ConnectionProfile> Parse(string text)
        {
            using var doc = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw Corrupt("it is not a JSON object");
            if (!root.TryGetProperty("schemaVersion", out var version) || version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out var v))
                throw Corrupt("it has no schemaVersion");
            if (v > SchemaVersion) throw Corrupt($"it was written by a later VectorOps (schema {v}; this one reads {SchemaVersion})");
            if (v < 1) throw Corrupt($"schemaVersion {v} is not one VectorOps wrote");
            var result = new List<ConnectionProfile>();
            if (!root.TryGetProperty("profiles", out var profiles)) return result;
            if (profiles.ValueKind != JsonValueKind.Array) throw Corrupt("'profiles' is not a list");
            var n = 0;
            foreach (var p in profiles.EnumerateArray())
            {
                n++;
                if (p.ValueKind != JsonValueKind.Object) throw Corrupt($"profile {n} is not an object");
                var name = ConnectionProfile.CheckName(String(p, "name", n) ?? throw Corrupt($"profile {n} has no name"));
                if (result.Any(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase))) throw Corrupt($"the name '{name}' is there twice");
                var provider = String(p, "provider", n);
                if (string.IsNullOrWhiteSpace(provider)) throw Corrupt($"the profile '{name}' names no provider");
                var settings = new SortedDictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                if (p.TryGetProperty("settings", out var s) && s.ValueKind != JsonValueKind.Null)
                {
                    if (s.ValueKind != JsonValueKind.Object) throw Corrupt($"the settings of '{name}' are not an object");
                    foreach (var setting in s.EnumerateObject())
                    {
                        if (setting.Value.ValueKind != JsonValueKind.String) throw Corrupt($"the setting '{setting.Name}' of '{name}' is not text");
                        settings[setting.Name] = setting.Value.GetString()!;
                    }
                }
                var credential = String(p, "credentialSource", n);
                var seconds = Number(p, "requestTimeoutSeconds", n);
                var attempts = Number(p, "maxAttempts", n);
                var profile = new ConnectionProfile(name, provider!.Trim(), settings)
                {
                    Index = String(p, "index", n),
                    Namespace = String(p, "namespace", n),
                    RequestTimeout = seconds is double sec ? (sec > 0 ? TimeSpan.FromSeconds(sec) : throw Corrupt($"the timeout of '{name}' is not positive")) : (TimeSpan?)null,
                    MaxAttempts = attempts is double a ? (a >= 1 && a <= int.MaxValue && Math.Floor(a) == a ? (int)a : throw Corrupt($"maxAttempts of '{name}' is not a whole number of at least 1")) : (int?)null,
                    RequestsPerSecond = Number(p, "requestsPerSecond", n) is double r ? (r > 0 ? r : throw Corrupt($"requestsPerSecond of '{name}' is not positive")) : (double?)null,
                    CredentialFrom = credential is null ? null : CredentialReference.Parse(credential),
                    SavedAt = String(p, "savedAt", n) is string at && DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when) ? when : (DateTimeOffset?)null,
                };
                result.Add(profile);
            }
            return result;
        }

        private string? String(JsonElement p, string property, int n)
        {
            if (!p.TryGetProperty(property, out var e) || e.ValueKind == JsonValueKind.Null) return null;
            if (e.ValueKind != JsonValueKind.String) throw Corrupt($"'{property}' of profile {n} is not text");
            return e.GetString();
        }

        private double? Number(JsonElement p, string property, int n)
        {
            if (!p.TryGetProperty(property, out var e) || e.ValueKind == JsonValueKind.Null) return null;
            if (e.ValueKind != JsonValueKind.Number) throw Corrupt($"'{property}' of profile {n} is not a number");
            return e.GetDouble();
        }

        private void Write(IReadOnlyList<ConnectionProfile> profiles)
        {
            byte[] bytes;
            using (var buffer = new MemoryStream())
            {
                using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
                {
                    w.WriteStartObject();
                    w.WriteNumber("schemaVersion", SchemaVersion);
                    w.WriteStartArray("profiles");
                    foreach (var p in profiles.OrderBy(p => p.Name, StringComparer.OrdinalIgnoreCase))
                    {
                        w.WriteStartObject();
                        w.WriteString("name", p.Name);
                        w.WriteString("provider", p.Provider);
                        if (p.Index != null) w.WriteString("index", p.Index);
                        if (p.Namespace != null) w.WriteString("namespace", p.Namespace);
                        if (p.RequestTimeout is TimeSpan t) w.WriteNumber("requestTimeoutSeconds", t.TotalSeconds);
                        if (p.MaxAttempts is int m) w.WriteNumber("maxAttempts", m);
                        if (p.RequestsPerSecond is double r) w.WriteNumber("requestsPerSecond", r);
                        w.WriteStartObject("settings");
                        foreach (var s in p.Settings) w.WriteString(s.Key, s.Value);
                        w.WriteEndObject();
                        if (p.CredentialFrom != null) w.WriteString("credentialSource", p.CredentialFrom.ToString());
                        if (p.SavedAt is DateTimeOffset at) w.WriteString("savedAt", at.ToUniversalTime().ToString("o", CultureInfo.InvariantCulture));
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                    w.WriteEndObject();
                }
                bytes = buffer.ToArray();
            }

            var temp = Path.Combine(Folder, "." + FileName + "." + Guid.NewGuid().ToString("N") + ".tmp");
            try
            {
                if (!Directory.Exists(Folder))
                {
                    Directory.CreateDirectory(Folder);
                    OwnerOnly(Folder, directory: true);
                }
                using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
                    // Restricted before a byte is written, so the content is never readable by others.
                    OwnerOnly(temp, directory: false);
                    stream.Write(bytes, 0, bytes.Length);
                    stream.Flush(true);
                }
                if (File.Exists(FilePath)) File.Replace(temp, FilePath, null);
                else File.Move(temp, FilePath);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is NotSupportedException)
            {
                throw new VectorOpsException(ErrorIds.ProfileStoreNotWritable, VectorOpsErrorCategory.WriteError,
                    $"The profile file '{FilePath}' cannot be written: {ex.Message}", FilePath, ex);
            }
            finally
            {
                try
                {
                    if (File.Exists(temp)) File.Delete(temp);
                }
                catch (IOException)
                {
                }
                catch (UnauthorizedAccessException)
                {
                }
            }
        }

        /// <summary>
        /// On Unix, mode 0600 for a file and 0700 for a folder (File.SetUnixFileMode, found at run time: this assembly
        /// targets netstandard2.0, and every runtime it runs on outside Windows is .NET 7 or later). Nothing on Windows,
        /// where the folder under %APPDATA% is the user's own.
        /// </summary>
        private static void OwnerOnly(string path, bool directory)
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) return;
            var modeType = typeof(File).Assembly.GetType("System.IO.UnixFileMode");
            var set = modeType is null ? null : typeof(File).GetMethod("SetUnixFileMode", new[] { typeof(string), modeType });
            if (set is null)
                throw new NotSupportedException("this runtime cannot restrict the file to its owner (File.SetUnixFileMode is missing)");
            try
            {
                set.Invoke(null, new object[] { path, Enum.ToObject(modeType!, directory ? 0x1C0 : 0x180) });
            }
            catch (System.Reflection.TargetInvocationException ex) when (ex.InnerException != null)
            {
                throw ex.InnerException is IOException || ex.InnerException is UnauthorizedAccessException ? ex.InnerException : new IOException(ex.InnerException.Message, ex.InnerException);
            }
        }
    }
}
