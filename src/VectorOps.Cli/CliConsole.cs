using System;
using System.IO;
using System.Text;

namespace VectorOps.Cli
{
    /// <summary>The process's standard streams and what they are connected to.</summary>
    internal sealed class CliConsole
    {
        private TextReader? _data;

        public CliConsole()
        {
            var utf8 = new UTF8Encoding(false);
            // Stdout is buffered (flushed per mutation, at prompts and at the end); stderr is written as it comes.
            Out = new StreamWriter(Console.OpenStandardOutput(), utf8, 1 << 16) { AutoFlush = false };
            Error = new StreamWriter(Console.OpenStandardError(), utf8, 4096) { AutoFlush = true };
            InputIsTerminal = !Console.IsInputRedirected;
            ErrorIsTerminal = !Console.IsErrorRedirected;
            OutputIsTerminal = !Console.IsOutputRedirected;
        }

        public TextWriter Out { get; }
        public TextWriter Error { get; }
        public bool InputIsTerminal { get; }
        public bool ErrorIsTerminal { get; }
        public bool OutputIsTerminal { get; }

        /// <summary>True once stdin is read as data (ids, records, mutations): it can no longer answer prompts.</summary>
        public bool InputUsedForData { get; private set; }

        /// <summary>Stdin as data (UTF-8).</summary>
        public TextReader DataInput
        {
            get
            {
                InputUsedForData = true;
                return _data ??= new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true, 1 << 16);
            }
        }

        /// <summary>A line typed at the terminal, for prompts (null at end of input).</summary>
        public string? ReadAnswer() => Console.In.ReadLine();

        public int ErrorWidth
        {
            get
            {
                try
                {
                    var w = Console.WindowWidth;
                    return w > 20 ? w : 120;
                }
                catch (IOException)
                {
                    return 120;
                }
                catch (PlatformNotSupportedException)
                {
                    return 120;
                }
            }
        }
    }
}
