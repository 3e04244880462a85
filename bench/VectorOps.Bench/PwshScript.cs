using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;

namespace VectorOps.Bench
{
    /// <summary>
    /// Runs a bench script in the repository's PowerShell (`dotnet tool run pwsh`) and returns the fields of the
    /// line it prints as <c>RESULT f1 f2 ...</c> (without the word RESULT); null, with the output reported, when
    /// it printed none.
    /// </summary>
    internal static class PwshScript
    {
        /// <summary>
        /// Builds the module in Release into <paramref name="folder"/> (its own copy: module/VectorOps, which
        /// `dotnet build` assembles in Debug and the tests import, is left alone) and returns the manifest's path, or
        /// null, with the build's output reported, when the build failed. A bench that measures the cmdlet measures
        /// this build, so its figures never depend on what was built last.
        /// </summary>
        public static string? BuildReleaseModule(string root, string label, string folder)
        {
            var output = Path.Combine(folder, "VectorOps") + Path.DirectorySeparatorChar;
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = root };
            foreach (var a in new[] { "build", Path.Combine("src", "VectorOps.PowerShell", "VectorOps.PowerShell.csproj"), "-c", "Release", "-nologo", "-v", "q",
                         "-clp:ErrorsOnly", "-p:ModuleOutputDir=" + output })
                psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            var err = p.StandardError.ReadToEndAsync();
            var text = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            var manifest = Path.Combine(output, "VectorOps.psd1");
            if (p.ExitCode == 0 && File.Exists(manifest)) return manifest;
            Report.Progress($"{label}: the Release build of the module failed (exit {p.ExitCode}): {text} {err.Result}");
            return null;
        }

        public static string[]? Run(string root, string label, string script, params string[] arguments) => Run(root, label, script, null, arguments);

        /// <summary>As <see cref="Run(string, string, string, string[])"/>, with environment variables set for the pwsh process (e.g. a runtime setting).</summary>
        public static string[]? Run(string root, string label, string script, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
        {
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = root };
            if (environment != null)
                foreach (var pair in environment) psi.Environment[pair.Key] = pair.Value;
            foreach (var a in new[] { "tool", "run", "pwsh", "--", "-NoProfile", "-NonInteractive", "-File", script }.Concat(arguments))
                psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            var err = p.StandardError.ReadToEndAsync();
            var output = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            var line = output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal));
            if (line is null)
            {
                Report.Progress($"{label}: pwsh failed (exit {p.ExitCode}): {output} {err.Result}");
                return null;
            }
            return line.Split(' ').Skip(1).ToArray();
        }
    }
}
