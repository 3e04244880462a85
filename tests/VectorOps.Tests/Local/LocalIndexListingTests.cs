using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;
using VectorOps.Connections;
using VectorOps.Errors;
using VectorOps.Providers;
using VectorOps.Providers.Local;
using Xunit;

namespace VectorOps.Tests.Local
{
    /// <summary>
    /// The optional index listing (ProviderDescriptor.ListsIndexesCheaply / ListIndexesAsync) on the local store, and
    /// the completion built on it (IndexCompletion): the store file's indexes, read only; nothing created; a failure
    /// offers nothing instead of throwing; a provider that does not list says NotSupported.
    /// </summary>
    public sealed class LocalIndexListingTests
    {
        private static ConnectionSettings For(string path) => new ConnectionSettings { Provider = "Local", ["Path"] = path };

        [Fact]
        public async Task The_indexes_of_the_store_file_are_listed()
        {
            using var store = new TestStore("movies");
            store.Open("music");
            store.Open("books");
            var names = await LocalDescriptor.Descriptor.ListIndexesAsync(For(store.FilePath), CancellationToken.None);
            Assert.Equal(new[] { "books", "movies", "music" }, names.OrderBy(n => n, StringComparer.Ordinal));
        }

        [Fact]
        public async Task Listing_a_store_that_does_not_exist_lists_nothing_and_creates_nothing()
        {
            var folder = Path.Combine(Path.GetTempPath(), "vectorops-tests", Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            try
            {
                var path = Path.Combine(folder, "absent.db");
                Assert.Empty(await LocalDescriptor.Descriptor.ListIndexesAsync(For(path), CancellationToken.None));
                Assert.Empty(IndexCompletion.Complete(For(path), ""));
                Assert.False(File.Exists(path));
                Assert.Empty(Directory.GetFiles(folder));
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        [Fact]
        public async Task Listing_changes_nothing_in_the_file()
        {
            using var store = new TestStore("movies");
            var before = File.ReadAllBytes(store.FilePath);
            var stamp = File.GetLastWriteTimeUtc(store.FilePath);
            await LocalDescriptor.Descriptor.ListIndexesAsync(For(store.FilePath), CancellationToken.None);
            Assert.Equal(before, File.ReadAllBytes(store.FilePath));
            Assert.Equal(stamp, File.GetLastWriteTimeUtc(store.FilePath));
        }

        [Fact]
        public async Task A_database_of_another_application_is_refused_and_completes_to_nothing()
        {
            using var store = new TestStore("movies");
            var other = Path.Combine(store.Folder, "other.db");
            using (var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = other, Pooling = false }.ToString()))
            {
                c.Open();
                using var cmd = c.CreateCommand();
                cmd.CommandText = "CREATE TABLE vo_indexes (name TEXT); INSERT INTO vo_indexes VALUES ('stolen');";
                cmd.ExecuteNonQuery();
            }
            var ex = await Assert.ThrowsAsync<VectorOpsException>(() => LocalDescriptor.Descriptor.ListIndexesAsync(For(other), CancellationToken.None));
            Assert.Equal(ErrorIds.StoreOpenFailed, ex.ErrorId);
            Assert.Empty(IndexCompletion.Complete(For(other), ""));
        }

        [Fact]
        public void Completion_offers_the_names_starting_with_what_was_typed_in_any_case()
        {
            using var store = new TestStore("movies");
            store.Open("music");
            store.Open("books");
            Assert.Equal(new[] { "movies", "music" }, IndexCompletion.Complete(For(store.FilePath), "M"));
            Assert.Equal(new[] { "books", "movies", "music" }, IndexCompletion.Complete(For(store.FilePath), ""));
            Assert.Empty(IndexCompletion.Complete(For(store.FilePath), "x"));
        }

        [Fact]
        public void Completion_for_a_bad_path_or_an_unknown_provider_offers_nothing()
        {
            Assert.Empty(IndexCompletion.Complete(For(Path.Combine(Path.GetTempPath(), "no-such-folder-" + Guid.NewGuid().ToString("N"), "x.db")), ""));
            Assert.Empty(IndexCompletion.Complete(new ConnectionSettings { Provider = "NoSuchProvider" }, ""));
            Assert.Empty(IndexCompletion.Complete(null, ""));
        }

        [Fact]
        public async Task A_provider_that_does_not_list_its_indexes_says_NotSupported_and_completes_to_nothing()
        {
            var provider = ProviderRegistry.Providers.First(p => !p.ListsIndexesCheaply);
            var ex = await Assert.ThrowsAsync<VectorOpsException>(() => provider.ListIndexesAsync(new ConnectionSettings { Provider = provider.Name }, CancellationToken.None));
            Assert.Equal(ErrorIds.NotSupported, ex.ErrorId);
            Assert.Contains(nameof(ProviderDescriptor.ListsIndexesCheaply), ex.Message);
            Assert.Empty(IndexCompletion.Complete(new ConnectionSettings { Provider = provider.Name }, ""));
        }

        [Fact]
        public void A_descriptor_that_says_it_lists_without_a_lister_is_refused_at_registration()
        {
            var d = new ProviderDescriptor("ListerlessSample", "A descriptor of the tests.", _ => throw new InvalidOperationException("not connected"))
            {
                ListsIndexesCheaply = true,
            };
            Assert.Throws<ArgumentException>(() => ProviderRegistry.Register(d));
            Assert.Null(ProviderRegistry.Find("ListerlessSample"));
        }

        [Fact]
        public void A_listing_that_does_not_answer_in_time_offers_nothing()
        {
            // A listener that accepts and never answers: the completion gives up at its budget, not at the
            // provider's request timeout, and throws nothing.
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            try
            {
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                var slow = new ProviderDescriptor("SlowListingSample", "A descriptor of the tests.", _ => throw new InvalidOperationException("not connected"))
                {
                    ListsIndexesCheaply = true,
                    IndexLister = async (settings, ct) =>
                    {
                        using var client = new TcpClient();
                        await client.ConnectAsync(IPAddress.Loopback, port).ConfigureAwait(false);
                        var buffer = new byte[1];
                        await client.GetStream().ReadAsync(buffer, 0, 1, ct).ConfigureAwait(false);
                        return new[] { "never" };
                    },
                };
                ProviderRegistry.Register(slow);
                Assert.Empty(IndexCompletion.Complete(new ConnectionSettings { Provider = slow.Name }, "", TimeSpan.FromMilliseconds(300)));
            }
            finally
            {
                listener.Stop();
            }
        }
    }
}
