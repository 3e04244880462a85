using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Security;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using VectorOps.Errors;
using VectorOps.PowerShell.Input;
using VectorOps.Providers;
using Xunit;

namespace VectorOps.Tests.Module
{
    /// <summary>
    /// Connect-VectorIndex's provider parameters come from the descriptors (ProviderParameters): every setting of
    /// every registered provider is offered with its type, aliases, checks and help; a descriptor the module has
    /// never seen gets its parameters the same way; the values reach ConnectionSettings by setting name. (The
    /// engine's side, binding and tab completion on PowerShell 7.6, is tests/Pester/ProviderSettings.Tests.ps1.)
    /// </summary>
    public class ProviderParameterTests
    {
        private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
        private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";

        public static IEnumerable<object[]> Providers() => ProviderRegistry.Providers.Select(p => new object[] { p.Name });

        [Theory]
        [MemberData(nameof(Providers))]
        public void Every_setting_of_a_registered_provider_is_a_parameter_with_its_type_aliases_checks_and_help(string name)
        {
            var descriptor = ProviderRegistry.Get(name);
            var parameters = ProviderParameters.For(descriptor);
            Assert.Equal(descriptor.Settings.Count + (descriptor.Credential is null ? 0 : 1), parameters.Count);
            foreach (var setting in descriptor.Settings)
            {
                var p = Assert.Single(parameters, x => x.Name == setting.Name);
                Assert.Same(setting, p.Setting);
                Assert.Equal(Expected(setting.Kind), p.Type);
                Assert.Equal(setting.Aliases, p.Aliases);
                Assert.Equal(setting.FullHelp, p.Help);
                Assert.Null(p.ParameterSet); // every set: a setting goes with -Credential and with the provider's secret parameter
                Assert.Equal(setting.Kind == SettingKind.Duration, p.TakesSeconds);
                Assert.Equal(setting.Kind == SettingKind.FilePath, p.IsPath);
                if (setting.OnlySuggestedValues) Assert.Equal(setting.SuggestedValues, p.ValidValues);
                else Assert.Equal(setting.SuggestedValues, p.SuggestedValues);
                var bounded = setting.Minimum > double.MinValue || setting.Maximum < double.MaxValue;
                if (bounded && (setting.Kind == SettingKind.Integer || setting.Kind == SettingKind.Number))
                {
                    Assert.Equal(Convert.ToDouble(p.Minimum), Math.Max(setting.Minimum, setting.Kind == SettingKind.Integer ? int.MinValue : double.MinValue));
                    Assert.Equal(Convert.ToDouble(p.Maximum), Math.Min(setting.Maximum, setting.Kind == SettingKind.Integer ? int.MaxValue : double.MaxValue));
                    Assert.Equal(setting.Kind == SettingKind.Integer ? typeof(int) : typeof(double), p.Minimum!.GetType());
                }
                else
                {
                    Assert.Null(p.Minimum);
                }
            }
            if (descriptor.Credential is CredentialDescriptor credential)
            {
                var secret = Assert.Single(parameters, x => x.Credential != null);
                Assert.Equal(credential.Name, secret.Name);
                Assert.Equal(typeof(SecureString), secret.Type); // never plain text
                Assert.Equal(ProviderParameters.SecretSet, secret.ParameterSet); // exclusive with -Credential
                foreach (var variable in credential.AllEnvironmentVariables) Assert.Contains(variable, secret.Help);
            }
        }

        [Fact]
        public void No_provider_parameter_takes_a_name_of_the_cmdlets_own_parameters_and_the_reserved_list_knows_them_all()
        {
            var cmdlet = CmdletMetadata.All.Single(c => c.Name == "Connect-VectorIndex");
            foreach (var p in cmdlet.Parameters)
                foreach (var n in new[] { p.Name }.Concat(p.Aliases))
                    Assert.Contains(n, ProviderParameters.Reserved);
            Assert.Contains(ProviderParameters.CredentialSet, cmdlet.Parameter("Credential").Sets.Select(s => s.Set));
            Assert.Equal(ProviderParameters.SecretSet, cmdlet.DefaultParameterSetName);

            foreach (var provider in ProviderRegistry.Providers)
                foreach (var p in ProviderParameters.For(provider))
                    foreach (var n in new[] { p.Name }.Concat(p.Aliases))
                        Assert.DoesNotContain(n, ProviderParameters.Reserved);
        }

        [Fact]
        public void A_descriptor_the_module_has_never_seen_gets_a_parameter_per_setting_kind()
        {
            var descriptor = Throwaway();
            var parameters = ProviderParameters.For(descriptor).ToDictionary(p => p.Name);
            Assert.Equal(new[] { "Endpoint", "Home", "Shards", "Ratio", "Fast", "Linger", "Region", "Tier", "Password" }, parameters.Keys.ToArray());
            Assert.Equal(typeof(Uri), parameters["Endpoint"].Type);
            Assert.Equal(new[] { "Url" }, parameters["Endpoint"].Aliases);
            Assert.Equal(typeof(string), parameters["Home"].Type);
            Assert.True(parameters["Home"].IsPath);
            Assert.Equal(typeof(int), parameters["Shards"].Type);
            Assert.Equal((1, 64), ((int)parameters["Shards"].Minimum!, (int)parameters["Shards"].Maximum!));
            Assert.Equal(typeof(double), parameters["Ratio"].Type);
            Assert.Equal((0.5, double.MaxValue), ((double)parameters["Ratio"].Minimum!, (double)parameters["Ratio"].Maximum!));
            Assert.Equal(typeof(SwitchParameter), parameters["Fast"].Type);
            Assert.Equal(typeof(TimeSpan), parameters["Linger"].Type);
            Assert.True(parameters["Linger"].TakesSeconds);
            Assert.Equal(new[] { "north", "south" }, parameters["Region"].SuggestedValues); // completed, not enforced
            Assert.Empty(parameters["Region"].ValidValues);
            Assert.Equal(new[] { "free", "paid" }, parameters["Tier"].ValidValues);     // enforced
            Assert.Equal(typeof(SecureString), parameters["Password"].Type);
            Assert.Equal(ProviderParameters.SecretSet, parameters["Password"].ParameterSet);
            Assert.Contains("THROWAWAY_PASSWORD", parameters["Password"].Help);
            Assert.Contains(CredentialDescriptor.GenericEnvironmentVariable, parameters["Password"].Help);
        }

        [Fact]
        public void A_descriptor_whose_setting_takes_a_shared_parameter_name_or_repeats_a_name_is_refused_plainly()
        {
            var clash = new ProviderDescriptor("ClashDb", "x", _ => throw new NotSupportedException())
            {
                Settings = new[] { new SettingDescriptor("Timeout", SettingKind.Duration, "x.") { Aliases = new[] { "RequestTimeout" } } },
            };
            var ex = Assert.Throws<InvalidOperationException>(() => ProviderParameters.For(clash));
            Assert.Contains("'RequestTimeout'", ex.Message);

            var twice = new ProviderDescriptor("TwiceDb", "x", _ => throw new NotSupportedException())
            {
                Settings = new[] { new SettingDescriptor("Host", SettingKind.Uri, "x."), new SettingDescriptor("Address", SettingKind.Uri, "y.") { Aliases = new[] { "host" } } },
            };
            Assert.Contains("twice", Assert.Throws<InvalidOperationException>(() => ProviderParameters.For(twice)).Message);
        }

        [Fact]
        public void An_unknown_provider_is_offered_every_providers_names_untyped_so_that_the_error_is_UnknownProvider()
        {
            var offered = ProviderParameters.ForUnknownProvider();
            var names = offered.SelectMany(p => new[] { p.Name }.Concat(p.Aliases)).ToList();
            Assert.Equal(names.Count, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
            foreach (var provider in ProviderRegistry.Providers)
                foreach (var p in ProviderParameters.For(provider))
                    Assert.Contains(p.Name, names, StringComparer.OrdinalIgnoreCase);
            Assert.All(offered, p => Assert.Equal(typeof(object), p.Type));
            Assert.All(offered, p => Assert.Empty(p.ValidValues));
        }

        [Fact]
        public void Bound_values_go_into_the_settings_by_setting_name_and_the_descriptor_reads_them()
        {
            var descriptor = Throwaway();
            var parameters = ProviderParameters.For(descriptor);
            var password = new SecureString();
            foreach (var c in "hunter2-but-longer") password.AppendChar(c);
            var bound = new Dictionary<string, object?>
            {
                ["Endpoint"] = new Uri("db.example.com", UriKind.RelativeOrAbsolute), // PowerShell reads a bare host as relative
                ["Home"] = "./data/store.db",
                ["Shards"] = 4,
                ["Fast"] = true, // (a bound SwitchParameter is read by the engine's type, so Pester checks that one)
                ["Linger"] = TimeSpan.FromSeconds(2.5),
                ["Tier"] = "PAID",
                ["Password"] = password,
            };
            var settings = new ConnectionSettings { Provider = descriptor.Name };
            var secret = ProviderParameters.Apply(descriptor, parameters, bound.ContainsKey, n => bound[n], settings, path => "/resolved/" + path);
            Assert.Same(password, secret);
            Assert.Null(settings["Password"]); // the secret never becomes a setting
            Assert.Equal("/resolved/./data/store.db", settings["Home"]);
            Assert.Equal(true, settings["Fast"]);
            Assert.Equal("db.example.com", settings["Endpoint"]);
            Assert.Null(settings["Region"]); // not given, not set

            descriptor.Prepare(settings);
            Assert.Equal(new Uri("https://db.example.com"), settings["Endpoint"]); // read as the CLI reads it
            Assert.Equal(4, settings["Shards"]);
            Assert.Equal(TimeSpan.FromSeconds(2.5), settings["Linger"]);
            Assert.Equal("paid", settings["Tier"]); // the declared spelling
        }

        [Fact]
        public void Provider_completion_lists_the_registry_and_an_alias_prefix_completes_to_its_provider()
        {
            Assert.Equal(ProviderRegistry.Providers.Select(p => p.Name), ProviderNameCompleter.Complete("").Select(p => p.Name));
            foreach (var provider in ProviderRegistry.Providers)
                foreach (var alias in provider.AllNames)
                    Assert.Contains(provider, ProviderNameCompleter.Complete(alias.Substring(0, Math.Min(3, alias.Length)).ToLowerInvariant()));
            Assert.Empty(ProviderNameCompleter.Complete("zz-no-such-provider"));
        }

        [Fact]
        public void The_shipped_help_describes_every_provider_parameter_with_its_providers_and_help_text()
        {
            var doc = XDocument.Load(RepoPaths.HelpFileBuilt);
            var connect = doc.Root!.Elements(Command + "command").Single(c => c.Element(Command + "details")!.Element(Command + "name")!.Value == "Connect-VectorIndex");
            var described = connect.Element(Command + "parameters")!.Elements(Command + "parameter")
                .ToDictionary(p => p.Element(Maml + "name")!.Value, p => Flat(p.Element(Maml + "description")!.Value));
            foreach (var provider in CmdletMetadata.ShippedProviders)
            {
                foreach (var p in ProviderParameters.For(provider))
                {
                    Assert.True(described.ContainsKey(p.Name), $"Get-Help Connect-VectorIndex does not describe -{p.Name} ({provider.Name}): regenerate the help (VECTOROPS_UPDATE_HELP=1)");
                    Assert.Contains(Flat(p.Help), described[p.Name]);
                    Assert.Contains(provider.Name, described[p.Name]);
                }
                Assert.Contains(provider.Summary, described["Provider"]);
            }
            // The generator refuses a page that types a provider parameter's help by hand.
            var dir = Path.Combine(Path.GetTempPath(), "vectorops-help-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dir);
            try
            {
                File.Copy(Path.Combine(RepoPaths.HelpSourceDir, "_common.md"), Path.Combine(dir, "_common.md"));
                var page = File.ReadAllText(Path.Combine(RepoPaths.HelpSourceDir, "Connect-VectorIndex.md"));
                var name = ProviderParameters.For(CmdletMetadata.ShippedProviders.First(p => p.Settings.Count > 0)).First().Name;
                File.WriteAllText(Path.Combine(dir, "Connect-VectorIndex.md"), page.Replace("### -PassThru", "### -" + name + "\nTyped by hand.\n\n### -PassThru"));
                var only = CmdletMetadata.All.Where(c => c.Name == "Connect-VectorIndex").ToList();
                Assert.Contains("provider parameter", Assert.Throws<InvalidDataException>(() => MamlGenerator.Generate(dir, only)).Message);
            }
            finally
            {
                Directory.Delete(dir, recursive: true);
            }
        }

        [Fact]
        public void The_module_names_no_provider()
        {
            var names = ProviderRegistry.Providers.SelectMany(p => p.AllNames).ToList();
            var pattern = new Regex(@"\b(" + string.Join("|", names.Select(Regex.Escape)) + @")\b");
            var folder = Path.Combine(RepoPaths.Root, "src", "VectorOps.PowerShell");
            var hits = Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar) && !f.Contains(Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar))
                .SelectMany(f => File.ReadAllLines(f).Select((line, i) => (f, i, line)))
                .Where(x => pattern.IsMatch(x.line))
                .Select(x => $"{Path.GetRelativePath(RepoPaths.Root, x.f)}:{x.i + 1}: {x.line.Trim()}")
                .ToList();
            Assert.True(hits.Count == 0, string.Join(Environment.NewLine, hits));
        }

        private static string Flat(string text) => Regex.Replace(text, @"\s+", " ").Trim();

        private static Type Expected(SettingKind kind) => kind switch
        {
            SettingKind.Uri => typeof(Uri),
            SettingKind.Integer => typeof(int),
            SettingKind.Number => typeof(double),
            SettingKind.Switch => typeof(SwitchParameter),
            SettingKind.Duration => typeof(TimeSpan),
            _ => typeof(string),
        };

        /// <summary>A provider no part of the product knows: one setting of each kind and a password.</summary>
        internal static ProviderDescriptor Throwaway() => new ProviderDescriptor("ThrowawayDb", "A throwaway provider for tests.", _ => throw new NotSupportedException())
        {
            Credential = new CredentialDescriptor("Password", "password", "The database password.") { EnvironmentVariables = new[] { "THROWAWAY_PASSWORD" } },
            Settings = new[]
            {
                new SettingDescriptor("Endpoint", SettingKind.Uri, "Where it listens.") { Aliases = new[] { "Url" } },
                new SettingDescriptor("Home", SettingKind.FilePath, "Its file."),
                new SettingDescriptor("Shards", SettingKind.Integer, "Shards.") { Minimum = 1, Maximum = 64 },
                new SettingDescriptor("Ratio", SettingKind.Number, "Ratio.") { Minimum = 0.5 },
                new SettingDescriptor("Fast", SettingKind.Switch, "Fast."),
                new SettingDescriptor("Linger", SettingKind.Duration, "Linger."),
                new SettingDescriptor("Region", SettingKind.Text, "Region.") { SuggestedValues = new[] { "north", "south" } },
                new SettingDescriptor("Tier", SettingKind.Text, "Tier.") { SuggestedValues = new[] { "free", "paid" }, OnlySuggestedValues = true },
            },
        };
    }
}
