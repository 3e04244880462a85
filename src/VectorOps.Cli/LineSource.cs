using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using VectorOps.Errors;

namespace VectorOps.Cli
{
    /// <summary>
    /// A line-oriented input (ids, records, mutations). A file is read twice: a first pass validates every line
    /// before anything is sent, the second sends; both stream, so memory stays flat whatever the size. Standard
    /// input ('-') streams in: `remove --ids-from -` and `add` read it once (<see cref="Lines"/>), each line checked
    /// on its own as it arrives; `restore` and `--retry-from -` read it in two passes, the first copying it to a
    /// temporary file readable by this user only and deleted on close.
    /// </summary>
    internal sealed class LineSource : IDisposable
    {
        private readonly string? _path;
        private readonly CliConsole _console;
        private FileStream? _spool;
        private bool _firstDone;

        private LineSource(string? path, CliConsole console, string name)
        {
            _path = path;
            _console = console;
            Name = name;
        }

        /// <summary>For messages: "'ids.txt'" or "standard input".</summary>
        public string Name { get; }

        public bool IsStandardInput => _path is null;

        /// <summary>Opens FILE, or standard input for "-". A missing file is an input error (exit 2).</summary>
        public static LineSource Open(string path, CliConsole console, string what, string option)
        {
            if (path == "-") return new LineSource(null, console, "standard input");
            if (path.Length == 0)
                throw new VectorOpsException(ErrorIds.InvalidArgument, VectorOpsErrorCategory.InvalidArgument,
                    $"{option} needs a file name (or - for standard input).", path);
            if (!File.Exists(path))
                throw new VectorOpsException(ErrorIds.InputFileNotFound, VectorOpsErrorCategory.ObjectNotFound,
                    Directory.Exists(path) ? $"The {what} '{path}' is a directory, not a file." : $"The {what} '{path}' does not exist.", path);
            return new LineSource(path, console, "'" + path + "'");
        }

        /// <summary>
        /// The lines with their 1-based numbers, read once as they come (standard input is not copied anywhere):
        /// for input that streams in, each line handled on its own.
        /// </summary>
        public IEnumerable<(string Text, long Number)> Lines()
        {
            if (_path != null)
            {
                foreach (var l in ReadFile(_path)) yield return l;
                yield break;
            }
            var input = _console.DataInput;
            string? line;
            long n = 0;
            while ((line = input.ReadLine()) != null) yield return (line, ++n);
        }

        /// <summary>The lines with their 1-based numbers. Call once, and to the end before <see cref="SecondPass"/>.</summary>
        public IEnumerable<(string Text, long Number)> FirstPass()
        {
            if (_path != null)
            {
                foreach (var l in ReadFile(_path)) yield return l;
                _firstDone = true;
                yield break;
            }

            _spool = CreateSpool();
            var writer = new StreamWriter(_spool, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
            try
            {
                var input = _console.DataInput;
                string? line;
                long n = 0;
                while ((line = input.ReadLine()) != null)
                {
                    n++;
                    writer.WriteLine(line);
                    yield return (line, n);
                }
                _firstDone = true;
            }
            finally
            {
                writer.Flush();
                writer.Dispose();
            }
        }

        /// <summary>The same lines again.</summary>
        public IEnumerable<(string Text, long Number)> SecondPass()
        {
            if (!_firstDone) throw new InvalidOperationException("The first pass over the input did not finish.");
            if (_path != null)
            {
                foreach (var l in ReadFile(_path)) yield return l;
                yield break;
            }
            _spool!.Seek(0, SeekOrigin.Begin);
            using var reader = new StreamReader(_spool, new UTF8Encoding(false), false, 1 << 16, leaveOpen: true);
            string? line;
            long n = 0;
            while ((line = reader.ReadLine()) != null) yield return (line, ++n);
        }

        private static IEnumerable<(string, long)> ReadFile(string path)
        {
            using var reader = new StreamReader(path, new UTF8Encoding(false), true, 1 << 16);
            string? line;
            long n = 0;
            while ((line = reader.ReadLine()) != null) yield return (line, ++n);
        }

        private static FileStream CreateSpool()
        {
            var file = Path.Combine(Path.GetTempPath(), "vectorops-" + Guid.NewGuid().ToString("N") + ".spool");
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.ReadWrite,
                Share = FileShare.None,
                Options = FileOptions.DeleteOnClose | FileOptions.SequentialScan,
                BufferSize = 1 << 16,
            };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            return new FileStream(file, options);
        }

        public void Dispose() => _spool?.Dispose();
    }
}
