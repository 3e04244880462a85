using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using VectorOps.Emulators.Infrastructure;

namespace VectorOps.Emulators
{
    /// <summary>
    /// Runs one emulator until stdin closes or Ctrl+C: <c>dotnet run --project tests/VectorOps.Emulators -- pinecone --port 0</c>.
    /// The first line on stdout is the emulator's base URI (for Pester and the benchmarks); the rest goes to stderr.
    /// </summary>
    public static class Program
    {
        public static int Main(string[] args)
        {
            var commands = typeof(Program).Assembly.GetTypes()
                .Where(t => typeof(IEmulatorCommand).IsAssignableFrom(t) && !t.IsAbstract && !t.IsInterface && t.GetConstructor(Type.EmptyTypes) != null)
                .Select(t => (IEmulatorCommand)Activator.CreateInstance(t)!)
                .ToDictionary(c => c.Name, StringComparer.OrdinalIgnoreCase);
            if (args.Length == 0 || args[0] == "--help" || args[0] == "-h" || !commands.TryGetValue(args[0], out var command))
            {
                Console.Error.WriteLine("usage: VectorOps.Emulators NAME [--port N] [--latency-ms MS] [--max-in-flight N] [--option value ...]");
                Console.Error.WriteLine("  every emulator: --latency-ms MS (added to every request, as POST /_emulator/configure {latencyMs})");
                Console.Error.WriteLine("                  --max-in-flight N (requests served at once, the rest wait; 0: no limit; {maxInFlight})");
                foreach (var c in commands.Values.OrderBy(c => c.Name))
                {
                    Console.Error.WriteLine($"  {c.Name}");
                    Console.Error.WriteLine("    " + c.Usage.Replace("\n", "\n    "));
                }
                return args.Length == 0 || args[0].StartsWith("-", StringComparison.Ordinal) ? 0 : 2;
            }

            var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            for (var i = 1; i < args.Length; i++)
            {
                if (!args[i].StartsWith("--", StringComparison.Ordinal))
                {
                    Console.Error.WriteLine($"Unexpected argument '{args[i]}': options are --name value.");
                    return 2;
                }
                var name = args[i].Substring(2);
                var value = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true";
                options[name] = value;
            }
            var port = options.TryGetValue("port", out var p) ? int.Parse(p, System.Globalization.CultureInfo.InvariantCulture) : 0;

            using var host = command.Create(options);
            if (options.TryGetValue("latency-ms", out var latency))
                host.Faults.AddedLatency = TimeSpan.FromMilliseconds(double.Parse(latency, System.Globalization.CultureInfo.InvariantCulture));
            if (options.TryGetValue("max-in-flight", out var slots))
                host.MaxInFlight = int.Parse(slots, System.Globalization.CultureInfo.InvariantCulture);
            host.Start(port);
            Console.Out.WriteLine(host.BaseUri.ToString());
            Console.Out.Flush();
            Console.Error.WriteLine($"{command.Name} emulator listening on {host.BaseUri} (Ctrl+C or close stdin to stop).");

            using var stop = new ManualResetEventSlim();
            Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Set(); };
            AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Set();
            var stdin = new Thread(() =>
            {
                try { while (Console.In.ReadLine() != null) { } }
                catch (Exception) { }
                if (!options.ContainsKey("ignore-stdin")) stop.Set();
            }) { IsBackground = true };
            stdin.Start();
            stop.Wait();
            return 0;
        }
    }
}
