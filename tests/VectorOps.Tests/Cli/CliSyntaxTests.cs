using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Diagnostics;
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
    /// The command line as System.CommandLine parses it from CommandTable's declaration: every command's options,
    /// the CLI's errors and their ids, --version, and Tab completion through the [suggest] directive and the
    /// scripts of 'vectorops completion'.
    /// </summary>
    public sealed class CliSyntaxTests
    {
        private static ParsedCommand Read(params string[] args) => CliSyntax.Current.Read(args);

        public static IEnumerable<object[]> EveryCommandOption() =>
            CommandTable.Commands.SelectMany(c => c.AllOptions.Select(o => new object[] { c.Name, o.Name }));

        [Theory]
        [MemberData(nameof(EveryCommandOption))]
        public void Every_option_of_every_command_is_parsed_under_its_name(string command, string option)
        {
            var spec = CommandTable.Find(command)!.Find(option)!;
            var value = "v-" + option;
            var words = command.Split(' '); // "group sub" is typed as two words
            var read = spec.IsFlag ? Read(words.Append("--" + option).ToArray()) : Read(words.Concat(new[] { "--" + option, value }).ToArray());
            Assert.Same(CommandTable.Find(command), read.Spec);
            Assert.True(read.Options.Has(option));
            Assert.Equal(spec.IsFlag ? "" : value, read.Options.Value(option));
            // --name=value is the same option.
            if (!spec.IsFlag) Assert.Equal(value, Read(words.Append("--" + option + "=" + value).ToArray()).Options.Value(option));
        }

        [Fact]
        public void Repeatable_options_keep_every_value_in_order_and_connection_options_may_come_before_the_command()
        {
            var read = Read("--index", "docs", "--json", "remove", "--filter", "{\"k\":{\"$eq\":1}}", "--namespace", "a", "--namespace", "b", "--namespace", "c");
            Assert.Equal(new[] { "a", "b", "c" }, read.Options.Values("namespace"));
            Assert.Equal("docs", read.Options.Value("index"));
            Assert.True(read.Options.Has("json"));
            Assert.Equal(new[] { "x", "y" }, Read("remove", "--id", "x", "--id", "y").Options.Values("id"));
            // A value that starts with -- is taken when it is written with '='.
            Assert.Equal("--odd", Read("remove", "--prefix=--odd").Options.Value("prefix"));
        }

        public static TheoryData<string, string[]> BadLines => new TheoryData<string, string[]>
        {
            { ErrorIds.UnknownCommand, new string[0] },
            { ErrorIds.UnknownCommand, new[] { "--index", "demo" } },
            { ErrorIds.UnknownCommand, new[] { "frobnicate" } },
            { ErrorIds.UnknownCommand, new[] { "-x", "get" } },
            { ErrorIds.UnknownOption, new[] { "--what-if", "remove", "--id", "a" } },
            { ErrorIds.UnknownOption, new[] { "get", "--bogus" } },
            { ErrorIds.UnknownOption, new[] { "get", "--yes" } },
            { ErrorIds.UnknownOption, new[] { "stats", "--token=abc" } },
            { ErrorIds.UnknownOption, new[] { "remove", "--version" } },
            { ErrorIds.MissingOptionValue, new[] { "get", "--first" } },
            { ErrorIds.MissingOptionValue, new[] { "get", "--namespace", "--first", "3" } },
            { ErrorIds.MissingOptionValue, new[] { "--index" } },
            { ErrorIds.InvalidArgument, new[] { "get", "--first", "1", "--first", "2" } },
            { ErrorIds.InvalidArgument, new[] { "--index", "a", "get", "--index", "b" } },
            { ErrorIds.InvalidArgument, new[] { "get", "--ids-only=yes" } },
            { ErrorIds.InvalidArgument, new[] { "get", "--ids-only", "stray" } },
            { ErrorIds.InvalidArgument, new[] { "get", "--", "--first" } },
            { ErrorIds.InvalidArgument, new[] { "completion", "bash", "zsh" } },
        };

        [Theory]
        [MemberData(nameof(BadLines))]
        public void A_bad_command_line_is_refused_with_its_error_id(string errorId, string[] args)
        {
            var ex = Assert.Throws<VectorOpsException>(() => Read(args));
            Assert.Equal(errorId, ex.ErrorId);
            Assert.Equal(VectorOpsErrorCategory.InvalidArgument, ex.Category);
        }

        [Fact]
        public void Stray_words_and_secret_values_are_never_echoed()
        {
            const string secret = "pcsk_NeverPrintThis42";
            foreach (var args in new[]
                     {
                         new[] { "stats", secret }, new[] { "stats", "--api-key=" + secret }, new[] { "stats", "--password", secret },
                         new[] { "--secret=" + secret, "stats" }, new[] { "get", "--ids-only=" + secret },
                     })
            {
                var ex = Assert.Throws<VectorOpsException>(() => Read(args));
                Assert.DoesNotContain("NeverPrintThis", ex.Message);
                Assert.DoesNotContain("NeverPrintThis", ex.Target?.ToString() ?? "");
            }
        }

        [Fact]
        public void The_library_rules_that_would_change_a_word_are_off()
        {
            // No response files: an id may start with @; no bundling of one-letter options.
            Assert.Equal(new[] { "@ids.txt" }, Read("remove", "--id", "@ids.txt").Options.Values("id"));
            Assert.Throws<VectorOpsException>(() => Read("get", "-h?"));
        }

        [Fact]
        public void Version_prints_the_manifests_version()
        {
            var manifest = File.ReadAllText(RepoPaths.Manifest);
            var version = Regex.Match(manifest, @"ModuleVersion\s*=\s*'([0-9.]+)'").Groups[1].Value;
            Assert.NotEqual("", version);
            var r = CliRunner.Run("--version");
            Assert.Equal(0, r.ExitCode);
            Assert.Equal("vectorops " + version, r.Stdout.Trim());
            Assert.Equal("", r.Stderr);
        }

        /// <summary>What Tab offers after LINE (the cursor at its end), through the [suggest] directive, in-process.</summary>
        private static List<string> Suggest(string line)
        {
            var result = CliSyntax.Current.Parse(new[] { $"[suggest:{line.Length}]", line });
            var output = new StringWriter();
            var code = result.Invoke(new InvocationConfiguration { Output = output, Error = output, ProcessTerminationTimeout = null });
            Assert.Equal(0, code);
            return output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(s => s.TrimEnd('\r')).ToList();
        }

        private static IEnumerable<string> Words(IEnumerable<string> offered) => offered.Where(s => !s.StartsWith("-", StringComparison.Ordinal));

        [Fact]
        public void Tab_completes_commands_options_and_the_arguments_of_help_and_completion()
        {
            // The library offers what contains the word; the shells' scripts keep what starts with it.
            Assert.Equal(new[] { "remove", "restore" }, Words(Suggest("vectorops re")));
            Assert.Equal(new[] { "--provider" }, Suggest("vectorops remove --provi"));
            Assert.Contains("--what-if", Suggest("vectorops remove --"));
            Assert.DoesNotContain("--what-if", Suggest("vectorops get --"));
            // (With nothing typed yet the command's options are offered too: --help, -h, -?.)
            Assert.Equal(CompletionScripts.Shells.OrderBy(s => s, StringComparer.Ordinal), Words(Suggest("vectorops completion ")));
            Assert.Equal(CommandTable.Commands.Concat(CommandTable.MetaCommands).Select(c => c.Name.Split(' ')[0]).Distinct().OrderBy(s => s, StringComparer.Ordinal),
                Words(Suggest("vectorops help ")));
        }

        [Fact]
        public void Tab_completes_provider_names_and_setting_values_from_the_descriptors()
        {
            Assert.Equal(ProviderRegistry.Providers.Select(p => p.Name).OrderBy(s => s, StringComparer.Ordinal),
                Suggest("vectorops stats --provider "));
            var withValues = ProviderRegistry.Providers.SelectMany(p => p.Settings)
                .Where(s => s.SuggestedValues.Count > 0 && CommandTable.Global.Find(s.OptionName) != null).ToList();
            Assert.NotEmpty(withValues);
            foreach (var s in withValues)
            {
                var offered = Suggest($"vectorops stats --{s.OptionName} ");
                foreach (var v in s.SuggestedValues) Assert.Contains(v, offered);
                // And before the command too.
                Assert.Contains(s.SuggestedValues[0], Suggest($"vectorops --{s.OptionName} "));
            }
        }

        [Fact]
        public void Completion_prints_a_script_for_each_shell_and_refuses_others()
        {
            foreach (var shell in CompletionScripts.Shells)
            {
                var r = CliRunner.Run("completion", shell);
                Assert.True(r.ExitCode == 0, r.ToString());
                Assert.Contains("[suggest:", r.Stdout);
            }
            var bad = CliRunner.Run("completion", "fish");
            Assert.Equal(2, bad.ExitCode);
            Assert.Contains("vectorops: InvalidArgument: ", bad.Stderr);
            Assert.Equal("", bad.Stdout);
        }

        [Fact]
        public void The_bash_script_completes_through_the_CLI()
        {
            var bash = "/bin/bash";
            if (!File.Exists(bash)) return; // no bash on this machine: the Pester check covers pwsh
            using var store = new TempStore();
            var script = store.File("vectorops-completion.bash", CliRunner.Run("completion", "bash").Stdout);
            // A vectorops on the PATH that runs the built CLI, as an installed tool would be.
            var bin = Directory.CreateDirectory(Path.Combine(store.Folder, "bin")).FullName;
            var shim = Path.Combine(bin, "vectorops");
            File.WriteAllText(shim, "#!/bin/sh\nexec dotnet \"" + CliRunner.DllPath + "\" \"$@\"\n");
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(shim, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

            string Complete(string line)
            {
                var words = line.Split(' ');
                var program =
                    $"source '{script}'\n" +
                    $"COMP_LINE='{line}'; COMP_POINT={line.Length}; COMP_WORDS=({string.Join(" ", words.Select(w => "'" + w + "'"))}); COMP_CWORD={words.Length - 1}\n" +
                    "_vectorops_complete\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n";
                var psi = new ProcessStartInfo(bash) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                psi.Environment["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH");
                psi.Environment["DOTNET_NOLOGO"] = "1";
                using var p = Process.Start(psi)!;
                p.StandardInput.Write(program);
                p.StandardInput.Close();
                var output = p.StandardOutput.ReadToEnd();
                Assert.True(p.WaitForExit(60000));
                return output;
            }

            // The provider names the CLI's own registry has (the test process may have registered more).
            var line = "vectorops stats --provider ";
            var providers = Complete(line);
            Assert.Contains(ProviderRegistry.DefaultProvider + "\n", providers);
            Assert.Equal(CliRunner.Run($"[suggest:{line.Length}]", line).Stdout, providers);
            Assert.Equal("remove\nrestore\n", Complete("vectorops re"));
            // Typed as a path, it still completes.
            Assert.Equal("--what-if\n", Complete(shim + " remove --what"));
        }
    }
}
