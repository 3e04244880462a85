using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using VectorOps.Cli;
using VectorOps.Errors;
using VectorOps.Providers;
using VectorOps.Tests.Module;
using Xunit;

namespace VectorOps.Tests.Cli
{
    /// <summary>
    /// The CLI reads the provider descriptors: every setting of every registered provider (and each alias) is an
    /// option that lands in ConnectionSettings under the setting's name; the shared settings are options too; every
    /// CLI command has a cmdlet; and no provider is named in src/VectorOps.Cli.
    /// </summary>
    public sealed class CliSettingsFromDescriptorsTests
    {
        private static readonly HashSet<string> SharedOrOwnNames = new HashSet<string>(
            new[] { "provider", "index", "create", "api-key-file", "request-timeout", "max-attempts", "requests-per-second", "namespace" },
            StringComparer.OrdinalIgnoreCase);

        private static ConnectionSettings Build(params string[] args)
        {
            // namespaces takes every connection option and --namespace.
            var parsed = CliSyntax.Current.Read(new[] { "namespaces" }.Concat(args).ToArray()).Options;
            return new CommandContext(null!, null!, parsed).BuildSettings();
        }

        /// <summary>A value the setting accepts, as text, and the value it must become.</summary>
        private static (string Text, object Expected) Sample(SettingDescriptor s) => s.Kind switch
        {
            SettingKind.Uri => ("http://127.0.0.1:9/", new Uri("http://127.0.0.1:9/")),
            SettingKind.FilePath => ("/tmp/vectorops-settings-test.db", "/tmp/vectorops-settings-test.db"),
            SettingKind.Integer => (((int)Math.Max(1, Math.Min(s.Maximum, Math.Max(s.Minimum, 7)))).ToString(), (int)Math.Max(1, Math.Min(s.Maximum, Math.Max(s.Minimum, 7)))),
            SettingKind.Number => ("2.5", 2.5),
            SettingKind.Duration => ("3", TimeSpan.FromSeconds(3)),
            SettingKind.Switch => ("", true),
            _ => s.SuggestedValues.Count > 0 ? (s.SuggestedValues[0], s.SuggestedValues[0]) : ("0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdef"),
        };

        public static IEnumerable<object[]> EveryProviderSettingName() =>
            ProviderRegistry.Providers.SelectMany(p => p.Settings.SelectMany(s =>
                new[] { s.OptionName }.Concat(s.Aliases.Select(SettingDescriptor.Kebab))
                    .Where(n => !SharedOrOwnNames.Contains(n))
                    .Select(n => new object[] { p.Name, s.Name, n })));

        [Theory]
        [MemberData(nameof(EveryProviderSettingName))]
        public void Every_provider_setting_and_alias_is_an_option_that_sets_it_by_name(string provider, string setting, string option)
        {
            var descriptor = ProviderRegistry.Get(provider);
            var s = descriptor.FindSetting(setting)!;
            var (text, expected) = Sample(s);
            var args = new List<string> { "--provider", provider };
            args.Add(s.Kind == SettingKind.Switch ? "--" + option : "--" + option + "=" + text);

            var settings = Build(args.ToArray());

            Assert.Equal(expected, settings[s.Name]);
            // The registry takes it: the provider declares it, and the value passes its checks.
            descriptor.Prepare(settings);
            Assert.Equal(expected, settings[s.Name]);
            // And the help shows it, with the setting's help text.
            var help = CommandTable.GeneralHelp();
            Assert.Contains("--" + option + (s.Kind == SettingKind.Switch ? "" : " " + s.ValueName), help);
        }

        [Fact]
        public void The_help_shows_each_setting_with_its_full_help_and_the_providers_that_take_it()
        {
            var option = CommandTable.Global.CommonOptions;
            foreach (var p in ProviderRegistry.Providers)
                foreach (var s in p.Settings)
                {
                    var o = Assert.Single(option, x => x.Name == s.OptionName);
                    Assert.Contains(s.Help, o.Help);
                    Assert.Contains(p.Name, o.Help);
                    Assert.Contains(o.Settings!, t => ReferenceEquals(t.Setting, s));
                }
        }

        [Fact]
        public void A_setting_name_several_providers_declare_is_one_option_read_by_the_chosen_providers_setting()
        {
            var shared = ProviderRegistry.Providers.SelectMany(p => p.Settings.Select(s => (p, s)))
                .GroupBy(x => x.s.OptionName).Where(g => g.Count() > 1).ToList();
            Assert.NotEmpty(shared); // base-uri today; the test holds for any such name
            foreach (var g in shared)
            {
                Assert.Single(CommandTable.Global.CommonOptions, o => o.Name == g.Key);
                foreach (var (p, s) in g)
                {
                    var (text, expected) = Sample(s);
                    var settings = Build("--provider", p.Name, "--" + g.Key, text);
                    Assert.Equal(expected, settings[s.Name]);
                    p.Prepare(settings);
                }
            }
        }

        [Fact]
        public void A_setting_the_chosen_provider_does_not_take_is_refused_by_the_registry()
        {
            foreach (var p in ProviderRegistry.Providers)
            {
                var foreign = ProviderRegistry.Providers.Where(o => o != p).SelectMany(o => o.Settings)
                    .FirstOrDefault(s => p.FindSetting(s.OptionName) is null);
                if (foreign is null) continue;
                var (text, _) = Sample(foreign);
                var settings = Build("--provider", p.Name, "--" + foreign.OptionName, text);
                var ex = Assert.Throws<VectorOpsException>(() => p.Prepare(settings));
                Assert.Equal(ErrorIds.InvalidSetting, ex.ErrorId);
                Assert.Contains("--", ex.Message); // named as the CLI spells its options
            }
        }

        [Fact]
        public void A_provider_that_takes_no_settings_names_the_refused_one_as_the_CLI_spells_it()
        {
            // Not registered: another test's registration must not decide what this one sees (CI once ran the loop
            // above with such a provider registered, and the message said 'Path' where the user typed --path).
            var bare = new ProviderDescriptor("SettinglessSample", "A descriptor of the tests.", _ => throw new InvalidOperationException("not connected"));
            var foreign = ProviderRegistry.Providers.SelectMany(o => o.Settings).First(s => s.Name.Length > 4 && s.Name.Any(char.IsUpper) && s.Name.Skip(1).Any(char.IsUpper));
            var (text, _) = Sample(foreign);
            var settings = Build("--provider", ProviderRegistry.DefaultProvider, "--" + foreign.OptionName, text);
            var ex = Assert.Throws<VectorOpsException>(() => bare.Prepare(settings));
            Assert.Equal(ErrorIds.InvalidSetting, ex.ErrorId);
            Assert.Contains("--" + foreign.OptionName, ex.Message);
            Assert.Contains("takes none beyond the shared ones", ex.Message);
        }

        [Fact]
        public void Two_names_of_one_setting_are_refused_together()
        {
            var s = ProviderRegistry.Providers.SelectMany(p => p.Settings.Select(x => (p, x)))
                .First(t => t.x.Aliases.Any(a => !SharedOrOwnNames.Contains(SettingDescriptor.Kebab(a))));
            var (text, _) = Sample(s.x);
            var alias = SettingDescriptor.Kebab(s.x.Aliases.First(a => !SharedOrOwnNames.Contains(SettingDescriptor.Kebab(a))));
            var ex = Assert.Throws<VectorOpsException>(() => Build("--provider", s.p.Name, "--" + s.x.OptionName, text, "--" + alias, text));
            Assert.Equal(ErrorIds.InvalidArgument, ex.ErrorId);
        }

        [Fact]
        public void Every_shared_setting_is_an_option_of_the_CLI()
        {
            var settings = Build("--provider", ProviderRegistry.DefaultProvider, "--index", "docs", "--namespace", "ns1", "--request-timeout", "4",
                "--max-attempts", "3", "--requests-per-second", "12.5", "--create");
            Assert.Equal(ProviderRegistry.DefaultProvider, settings.Provider);
            Assert.Equal("docs", settings.Index);
            Assert.Equal("ns1", settings.DefaultNamespace);
            Assert.Equal(TimeSpan.FromSeconds(4), settings.RequestTimeout);
            Assert.Equal(3, settings.MaxAttempts);
            Assert.Equal(12.5, settings.RequestsPerSecond);
            Assert.True(settings.CreateIfMissing);
            Assert.Same(CliSettingNames.Instance, settings.Names);

            // And every Setting a core message may name is an option of some command.
            var options = new HashSet<string>(CommandTable.Commands.SelectMany(c => c.AllOptions).Select(o => o.Name));
            foreach (Setting setting in Enum.GetValues(typeof(Setting)))
                Assert.Contains(CliSettingNames.OptionName(setting), options);
        }

        [Fact]
        public void The_passthrough_option_is_gone()
        {
            Assert.All(CommandTable.Commands, c => Assert.Null(c.Find("option")));
            var ex = Assert.Throws<VectorOpsException>(() => Build("--option", "ListPageSize=5"));
            Assert.Equal(ErrorIds.UnknownOption, ex.ErrorId);
        }

        [Fact]
        public void Before_a_command_with_its_own_option_of_that_name_a_setting_goes_by_another_of_its_names()
        {
            // add's --path is its record file: before the command, --path means the store's setting.
            var read = CliSyntax.Current.Read(new[] { "--path", "s.db", "add", "--path", "r.jsonl" });
            var add = CommandTable.Find("add")!;
            Assert.Same(add, read.Spec);
            Assert.Equal(new[] { "r.jsonl" }, read.Options.Values("path"));
            var other = add.CommonOptions.Single(o => o.SameSetting(CommandTable.Global.Find("path")!) && read.Options.Has(o.Name));
            Assert.Equal("s.db", read.Options.Value(other.Name));
            var settings = new CommandContext(null!, null!, read.Options).BuildSettings();
            var path = ProviderRegistry.Get(ProviderRegistry.DefaultProvider).FindSetting("path")!;
            Assert.Equal("s.db", settings[path.Name]);
        }

        [Fact]
        public void The_footer_names_every_credential_and_setting_variable_of_the_descriptors()
        {
            var help = CommandTable.GeneralHelp();
            foreach (var p in ProviderRegistry.Providers)
            {
                foreach (var v in p.Credential?.AllEnvironmentVariables ?? Enumerable.Empty<string>()) Assert.Contains(v, help);
                foreach (var v in p.Settings.SelectMany(s => s.EnvironmentVariables)) Assert.Contains(v, help);
            }
        }

        /// <summary>Every operation of the CLI has a cmdlet beside it (the same core command).</summary>
        private static readonly Dictionary<string, string> CmdletOf = new Dictionary<string, string>
        {
            ["remove"] = "Remove-VectorRecord",
            ["clear"] = "Clear-VectorNamespace",
            ["get"] = "Get-VectorRecord",
            ["namespaces"] = "Get-VectorNamespace",
            ["add"] = "Add-VectorRecord",
            ["restore"] = "Restore-VectorRecord",
            ["wait"] = "Wait-VectorMutation",
            ["profile save"] = "Save-VectorConnection",
            ["profile list"] = "Get-VectorConnection", // -ListAvailable
            ["profile remove"] = "Remove-VectorConnection",
            ["stats"] = "Get-VectorIndex",
            ["sweep"] = "Remove-VectorOrphan",
            ["export"] = "Export-VectorRecord",
            ["copy"] = "Copy-VectorRecord",
            ["move"] = "Move-VectorRecord",
        };

        [Fact]
        public void Every_CLI_command_has_a_cmdlet()
        {
            Assert.Equal(CmdletOf.Keys.OrderBy(k => k), CommandTable.Commands.Select(c => c.Name).OrderBy(k => k));
            var cmdlets = CmdletMetadata.All.Select(c => c.Name).ToHashSet();
            foreach (var pair in CmdletOf) Assert.True(cmdlets.Contains(pair.Value), $"vectorops {pair.Key}: no cmdlet {pair.Value}");
        }

        [Fact]
        public void No_provider_is_named_in_the_CLI_sources()
        {
            var names = ProviderRegistry.Providers.SelectMany(p => p.AllNames).Distinct().ToList();
            var pattern = new Regex(@"\b(" + string.Join("|", names.Select(Regex.Escape)) + @")\b");
            var dir = Path.Combine(RepoPaths.Root, "src", "VectorOps.Cli");
            var hits = Directory.EnumerateFiles(dir, "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar) && !f.Contains(Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar))
                .SelectMany(f => File.ReadLines(f).Select((line, i) => (f, i, line)))
                .Where(x => pattern.IsMatch(x.line))
                .Select(x => $"{Path.GetFileName(x.f)}:{x.i + 1}: {x.line.Trim()}")
                .ToList();
            Assert.True(hits.Count == 0, string.Join("\n", hits));
        }
    }
}
