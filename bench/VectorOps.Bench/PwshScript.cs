using System;
using System.Diagnostics;
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
        public static string[]? Run(string root, string label, string script, params string[] arguments)
        {
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = root };
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
