using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using VectorOps.Commands;
using VectorOps.Connections;
using VectorOps.Emulators.Infrastructure;
using VectorOps.Emulators.Vectorize;
using VectorOps.Providers;
using VectorOps.Providers.Vectorize;
using VectorOps.Security;
using Xunit;

namespace VectorOps.Tests.Vectorize
{
    /// <summary>
    /// One Vectorize emulator and one Prism proxy (validating against cloudflare-vectorize-v2-with-list.openapi.json)
    /// for every Vectorize test: Prism takes seconds to start. Each test works on its own index, so the journal is
    /// read per index; tests in the collection run one at a time, so faults and rate limits do not leak.
    /// </summary>
    public sealed class VectorizeFixture : IDisposable
    {
        /// <summary>A token distinctive enough to be found by a scan if it ever leaks.</summary>
        public const string Token = "cfut_S3cr3tT0kenVALUE_9f8e7d6c5b4a";
        public const string SpecFile = "cloudflare-vectorize-v2-with-list.openapi.json";

        private int _indexes;

        public VectorizeFixture()
        {
            Emulator = new VectorizeEmulator(Token) { ApplyDelay = TimeSpan.FromMilliseconds(150) };
            Emulator.Start();
            try
            {
                Prism = PrismProxy.Start(RepoPaths.Spec(SpecFile), Emulator.BaseUri);
            }
            catch
            {
                Emulator.Dispose();
                throw;
            }
        }

        public VectorizeEmulator Emulator { get; }
        public PrismProxy Prism { get; }

        public string AccountId => Emulator.AccountId;

        /// <summary>A fresh index (valid Vectorize name) for one test.</summary>
        public VectorizeIndexState NewIndex(int dimensions = 4) =>
            Emulator.CreateIndex("t" + Interlocked.Increment(ref _indexes).ToString("D3", System.Globalization.CultureInfo.InvariantCulture) + "-idx", dimensions);

        /// <summary>Settings that send everything through Prism, quickly paced (tests of pacing set their own rate).</summary>
        public ConnectionSettings Settings(string index, List<string>? trace = null) => new ConnectionSettings
        {
            Provider = "CloudflareVectorize",
            Index = index,
            ["AccountId"] = AccountId,
            Credential = Secret.FromPlainText(Token),
            ["BaseUri"] = Prism.Uri,
            RequestsPerSecond = 400,
            Trace = trace is null ? null : line => { lock (trace) trace.Add(line); },
        };

        public VectorConnection Connect(string index, Action<ConnectionSettings>? tweak = null, List<string>? trace = null)
        {
            var s = Settings(index, trace);
            tweak?.Invoke(s);
            return ConnectCommand.Connect(s, makeDefault: false);
        }

        /// <summary>Requests the emulator received for one index (every request names its index in the path).</summary>
        public IReadOnlyList<JournalEntry> Calls(string index) =>
            Emulator.Journal.Entries.Where(e => e.Path.Contains("/indexes/" + index + "/", StringComparison.Ordinal)).ToList();

        public IReadOnlyList<JournalEntry> Calls(string index, string operation) =>
            Calls(index).Where(e => e.Operation == operation).ToList();

        public int MutatingCalls(string index) => Calls(index).Count(e => e.Mutating);

        /// <summary>Undoes whatever a test switched on.</summary>
        public void Reset()
        {
            Emulator.Faults.Clear();
            Emulator.ApplyPaused = false;
            Emulator.ApplyDelay = TimeSpan.FromMilliseconds(150);
            Emulator.RateLimit = 1200;
            Emulator.RateWindow = TimeSpan.FromMinutes(5);
            Emulator.RateBlock = TimeSpan.FromMinutes(5);
            Emulator.ResetRateLimit();
            VectorizeProvider.ForgetAccountBlocks();
        }

        public void Dispose()
        {
            Prism.Dispose();
            Emulator.Dispose();
        }
    }

    [CollectionDefinition(Name)]
    public sealed class VectorizeCollection : ICollectionFixture<VectorizeFixture>
    {
        public const string Name = "Vectorize emulator behind Prism";
    }

    /// <summary>Base of the tests that use the emulator: resets it, and fails the test on any Prism violation.</summary>
    [Collection(VectorizeCollection.Name)]
    public abstract class VectorizeTestBase : IDisposable
    {
        private readonly int _mark;

        protected VectorizeTestBase(VectorizeFixture fixture)
        {
            Fixture = fixture;
            fixture.Reset();
            _mark = fixture.Prism.Mark();
            Host = new Support.RecordingHost();
        }

        protected VectorizeFixture Fixture { get; }
        protected VectorizeEmulator Emulator => Fixture.Emulator;
        protected Support.RecordingHost Host { get; }

        /// <summary>
        /// Set by tests that inject 5xx answers: the document lists only 200 and 4XX, so Prism reports each injected
        /// 5xx as "Unable to match the returned status code". Those, and only as many as 5xx answers were injected,
        /// are accepted; any other violation still fails the test.
        /// </summary>
        protected bool InjectsServerErrors { get; set; }

        protected void AssertNoViolations()
        {
            if (!InjectsServerErrors)
            {
                Fixture.Prism.AssertNoViolations(_mark);
                return;
            }
            Fixture.Prism.Sync();
            var found = Fixture.Prism.Violations(_mark);
            var undocumented = found.Where(v => v.Title.Contains("Unable to match the returned status code", StringComparison.Ordinal)).ToList();
            var injected = Emulator.Journal.Entries.Count(e => e.Fault != null && e.Status >= 500);
            Assert.True(undocumented.Count <= injected, $"{undocumented.Count} undocumented-status violations for {injected} injected 5xx answers");
            Assert.Empty(found.Except(undocumented).Select(v => v.ToString()));
        }

        public virtual void Dispose()
        {
            try
            {
                AssertNoViolations();
                Assert.Empty(Host.ThreadViolations);
            }
            finally
            {
                Fixture.Reset();
            }
        }

        /// <summary>
        /// Runs a provider call to its end on the test's thread. Tests stay synchronous on purpose: the recording
        /// host fails any call from another thread, and the provider never captures a synchronisation context.
        /// </summary>
        protected static T Sync<T>(System.Threading.Tasks.Task<T> task) => task.GetAwaiter().GetResult();

        protected static IEnumerable<string> Ids(string prefix, int from, int count) =>
            Enumerable.Range(from, count).Select(i => prefix + i.ToString("D5", System.Globalization.CultureInfo.InvariantCulture));
    }
}
