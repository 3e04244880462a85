using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;

namespace VectorOps.Bench
{
    /// <summary>Markdown on stdout (tables ready for docs/benchmarks.md); progress on stderr.</summary>
    internal static class Report
    {
        public static void Machine(Options o)
        {
            Console.WriteLine("# VectorOps bulk-delete benchmark");
            Console.WriteLine();
            Console.WriteLine($"- preset: `{o.Preset}`, started {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
            Console.WriteLine($"- machine: {Environment.ProcessorCount} logical CPU(s), {Cpu()}, {MemoryGb()} GB RAM, load average {LoadAverage()} at start");
            Console.WriteLine($"- {RuntimeInformation.OSDescription}, .NET {Environment.Version} ({RuntimeInformation.FrameworkDescription}), " +
                              $"GC {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}, {RuntimeInformation.ProcessArchitecture}");
            Console.WriteLine();
        }

        private static string Cpu()
        {
            try
            {
                var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
                return line is null ? "unknown CPU" : line.Substring(line.IndexOf(':') + 1).Trim();
            }
            catch (IOException) { return "unknown CPU"; }
            catch (UnauthorizedAccessException) { return "unknown CPU"; }
        }

        private static string MemoryGb()
        {
            try
            {
                var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
                var kb = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
                return (kb / 1024.0 / 1024.0).ToString("0");
            }
            catch (Exception ex) when (ex is IOException || ex is FormatException || ex is InvalidOperationException) { return "?"; }
        }

        public static string LoadAverage()
        {
            try { return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
            catch (IOException) { return "?"; }
        }

        public static void Heading(string text)
        {
            Console.WriteLine("## " + text);
            Console.WriteLine();
        }

        public static void Line(string text)
        {
            Console.WriteLine(text);
            Console.WriteLine();
        }

        public static void Progress(string text) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {text} (load {LoadAverage()})");

        public static void Table(string title, string[] headers, IEnumerable<string[]> rows)
        {
            Console.WriteLine("### " + title);
            Console.WriteLine();
            Console.WriteLine("| " + string.Join(" | ", headers) + " |");
            Console.WriteLine("|" + string.Concat(headers.Select(_ => " --- |")));
            foreach (var r in rows) Console.WriteLine("| " + string.Join(" | ", r) + " |");
            Console.WriteLine();
            Console.Out.Flush();
        }
    }
}
