using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using VectorOps.Commands;
using VectorOps.Connections;
using VectorOps.Emulators.Infrastructure;
using VectorOps.Providers;

namespace VectorOps.Tests.Conformance
{
    /// <summary>
    /// The cases of the conformance suite. Every provider runs every case unless its fixture leaves the case out
    /// (<see cref="ProviderFixture.LeftOut"/>, with the reason), and <c>ConformanceTests.The_cases_left_out_are_declared_and_listed</c>
    /// lists those gaps.
    /// </summary>
    public enum ConformanceCase
    {
        DeleteByIdsAcrossTheCap,
        DeleteByFilter,
        DeleteByPrefix,
        ClearNamespace,
        WhatIfSendsNothing,
        DeclinedDeletesNothing,
        NamespaceNotFound,
        BackupRestoreRoundTrip,
        BadInput,
        SecretScan,
        CancellationMidRun,
        /// <summary>The same delete through the CLI as a process: --what-if sends nothing, a bad id exits 2, then ids across the cap go.</summary>
        Cli,
        /// <summary>The orphan sweep (OrphanSweepTests): exactly the records not kept go; the guards and -WhatIf send nothing; a backup restores.</summary>
        OrphanSweep,
        // The fault matrix (docs/reliability.md, FaultMatrixTests): faults injected into the deletes.
        F01_TooManyRequests,
        F02_ServerErrors,
        F03_Timeout,
        F04_ConnectionReset,
        F05_OneBatchServerErrorEveryTime,
        F06_OneBatchBadRequest,
        F07_OneBatchResetEveryTime,
        F08_OneBatchTimesOutEveryTime,
        F09_StopMidRun,
        F10_StoreLockedForAWhile,
        F11_StoreLockedPastTheTimeout,
    }

    /// <summary>
    /// One provider as the conformance suite and the reliability tests see it: its descriptor name; its server or
    /// emulator (Pinecone and Vectorize: the loopback emulators, all traffic through Prism unless a case says
    /// otherwise; the local store: a temporary file; the throwaway provider: memory); connection settings for a
    /// fresh index; seeding; what is left and what was deleted (the emulator's journal, or the store itself);
    /// the mutating calls (so a preview or a declined delete can be shown to make none); faults; and the cases
    /// it cannot run, each with its reason.
    /// </summary>
    public abstract class ProviderFixture : IDisposable
    {
        /// <summary>The name the tables use ("Pinecone", "Vectorize", "Local", "Throwaway").</summary>
        public abstract string Name { get; }

        /// <summary>The descriptor's name in <see cref="ProviderRegistry"/>.</summary>
        public abstract string DescriptorName { get; }

        /// <summary>The namespace the tests delete in (seeded by <see cref="Seed"/>).</summary>
        public abstract string Namespace { get; }

        /// <summary>A second namespace the provider can hold (null: the provider has one namespace per index).</summary>
        public virtual string? OtherNamespace => null;

        /// <summary>The fault switchboard (emulators); a fixture without one leaves the F01-F08 cases out.</summary>
        public abstract FaultSwitchboard Faults { get; }

        /// <summary>A path prefix that selects the delete requests (for OnPath faults).</summary>
        public abstract string DeletePath { get; }

        /// <summary>The key or token, for secret scans ("" when the provider takes none).</summary>
        public abstract string Secret { get; }

        /// <summary>A key of the provider's shape that is not the key (secret scans look for it too).</summary>
        public virtual string WrongSecret => "wrong_" + new string(Secret.Reverse().ToArray());

        /// <summary>The cases this provider cannot run, with the reason (shown by the gap test).</summary>
        public virtual IReadOnlyDictionary<ConformanceCase, string> LeftOut => NoGaps;

        public static readonly IReadOnlyDictionary<ConformanceCase, string> NoGaps = new Dictionary<ConformanceCase, string>();

        public bool Supports(ConformanceCase c) => !LeftOut.ContainsKey(c);

        /// <summary>The provider's cap of ids per delete request, from its capabilities.</summary>
        public int DeleteCap
        {
            get
            {
                using var c = Connect();
                return c.ProviderInstance.Capabilities.MaxIdsPerDelete;
            }
        }

        /// <summary>Seeds records with these ids in <see cref="Namespace"/>: metadata n (the position) and genre ("drama" every third, else "comedy").</summary>
        public void Seed(IEnumerable<string> ids) => Seed(Namespace, ids);

        public abstract void Seed(string @namespace, IEnumerable<string> ids);

        public bool Exists(string id) => Exists(Namespace, id);

        public abstract bool Exists(string @namespace, string id);

        /// <summary>Every id removed from <see cref="Namespace"/> since the fixture began (once each).</summary>
        public abstract IReadOnlyCollection<string> DeletedIds();

        /// <summary>Every id removed from these namespaces, from the journal (null: the fixture has none).</summary>
        public virtual IReadOnlyCollection<string>? DeletedIdsIn(params string[] namespaces) => null;

        /// <summary>Ids removed more than once (must stay empty).</summary>
        public abstract IReadOnlyCollection<string> DeletedTwice();

        /// <summary>The delete requests of this fixture, in arrival order (empty without a journal).</summary>
        public abstract IReadOnlyList<JournalEntry> Deletes();

        /// <summary>Delete requests since the fixture began, where the fixture can count them (null: it cannot).</summary>
        public virtual int? DeleteRequests() => HasJournal ? Deletes().Count : (int?)null;

        /// <summary>Mutating calls since the fixture began (rejected and faulted ones included); 0 exactly when none was made.</summary>
        public abstract int MutatingCalls();

        public abstract ConnectionSettings Settings(bool throughPrism = true, int maxAttempts = 3, TimeSpan? requestTimeout = null);

        public VectorConnection Connect(bool throughPrism = true, int maxAttempts = 3, TimeSpan? requestTimeout = null) =>
            ConnectCommand.Connect(Settings(throughPrism, maxAttempts, requestTimeout), makeDefault: false);

        /// <summary>Waits until every acknowledged write has been applied (Vectorize applies asynchronously).</summary>
        public virtual void Settle() { }

        /// <summary>The CLI options that reach this index (the command goes first).</summary>
        public abstract List<string> CliArgs(string command, bool throughPrism = true, params string[] rest);

        /// <summary>The CLI's environment: the credential.</summary>
        public abstract Dictionary<string, string> CliEnvironment();

        /// <summary>Fails on any Prism violation since the fixture began (nothing for fixtures without Prism).</summary>
        public virtual void AssertNoViolations() { }

        /// <summary>False when there is no journal of requests (the local store, the throwaway provider).</summary>
        public virtual bool HasJournal => true;

        /// <summary>
        /// Holds the store's write lock (another writer) for <paramref name="hold"/> and returns at once; for
        /// fixtures that run F10/F11.
        /// </summary>
        public virtual IDisposable LockStore(TimeSpan hold) => throw new NotSupportedException(Name + " has no store lock to hold.");

        public virtual void Dispose() { }

        /// <summary>
        /// The provider's id for a test's id name ("doc-00042"): the name itself, unless the provider takes ids of one
        /// form only (UUIDs: <see cref="UuidIds"/>). The suite writes every id through this, and every prefix through
        /// <see cref="IdPrefix"/>, so a prefix of names stays a prefix of ids.
        /// </summary>
        public virtual string Id(string name) => name;

        /// <summary>The id prefix shared by the ids of names with this prefix.</summary>
        public virtual string IdPrefix(string namePrefix) => namePrefix;

        /// <summary><see cref="Ids"/> as this provider's ids.</summary>
        public List<string> MakeIds(string prefix, int count, int from = 0) => Ids(prefix, count, from).Select(Id).ToList();

        /// <summary>"doc-00042"-style ids.</summary>
        public static List<string> Ids(string prefix, int count, int from = 0) =>
            Enumerable.Range(from, count).Select(i => prefix + i.ToString("D5", CultureInfo.InvariantCulture)).ToList();

        public override string ToString() => Name;
    }

    /// <summary>
    /// Test names as UUIDs, for providers whose ids are UUIDs (Weaviate): the name's ASCII bytes in hex, padded with
    /// zeros to 32 digits, in the 8-4-4-4-12 form ("doc-00042" is 646f632d-3030-3034-3200-000000000000). A prefix of
    /// names maps to a prefix of their UUIDs, so prefix deletes keep their meaning. Names of at most 16 ASCII characters.
    /// </summary>
    public static class UuidIds
    {
        public static string Of(string name)
        {
            var hex = Hex(name);
            if (hex.Length > 32) throw new ArgumentException($"'{name}' is longer than 16 characters: it does not fit a UUID.", nameof(name));
            return Dashed(hex.PadRight(32, '0'));
        }

        public static string Prefix(string namePrefix) => Dashed(Hex(namePrefix));

        /// <summary>The name a UUID of <see cref="Of"/> was made from (for messages).</summary>
        public static string NameOf(string uuid)
        {
            var hex = uuid.Replace("-", "").TrimEnd('0');
            if (hex.Length % 2 == 1) hex += "0";
            var bytes = new byte[hex.Length / 2];
            for (var i = 0; i < bytes.Length; i++) bytes[i] = Convert.ToByte(hex.Substring(i * 2, 2), 16);
            return System.Text.Encoding.ASCII.GetString(bytes);
        }

        private static string Hex(string s)
        {
            var sb = new System.Text.StringBuilder(s.Length * 2);
            foreach (var c in s)
            {
                if (c > 127) throw new ArgumentException($"'{s}' is not ASCII.", nameof(s));
                sb.Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
            }
            return sb.ToString();
        }

        private static string Dashed(string hex)
        {
            var sb = new System.Text.StringBuilder(hex.Length + 4);
            for (var i = 0; i < hex.Length; i++)
            {
                if (i == 8 || i == 12 || i == 16 || i == 20) sb.Append('-');
                sb.Append(hex[i]);
            }
            return sb.ToString();
        }
    }
}
