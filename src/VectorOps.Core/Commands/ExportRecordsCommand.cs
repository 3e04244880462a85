using System;
using System.IO;
using System.Text;
using VectorOps.Connections;
using VectorOps.Errors;
using VectorOps.Filtering;
using VectorOps.Hosting;
using VectorOps.Serialization;

namespace VectorOps.Commands
{
    /// <summary>What an export wrote.</summary>
    public sealed class ExportSummary
    {
        /// <summary>The file written (full path), or "-" for standard output.</summary>
        public string Path { get; internal set; } = "";
        public string Provider { get; internal set; } = "";
        public string Index { get; internal set; } = "";
        public string Namespace { get; internal set; } = "";

        /// <summary>The filter's canonical JSON, or null for every record of the namespace.</summary>
        public string? Filter { get; internal set; }

        /// <summary>Records written to the file.</summary>
        public long Records { get; internal set; }

        /// <summary>True when the file was there before and was replaced (-Force).</summary>
        public bool Replaced { get; internal set; }

        public override string ToString() => $"{Records:N0} record(s) of namespace '{Namespace}' written to {Path}";
    }

    /// <summary>
    /// Writes every record of a namespace (or of a filter's matches) to a JSON Lines file in the backup format (one
    /// record a line with its namespace), which Restore-VectorRecord / vectorops restore and Add-VectorRecord read.
    /// Streaming (<see cref="VectorCommand.StreamRecords"/>): memory holds one page of ids and one fetch batch.
    /// Atomic: the records go to a temporary file beside the target, renamed over it only when all were written, so
    /// a failed or stopped export leaves no file (and an existing one untouched). An existing file is replaced only
    /// when asked (force), after ShouldProcess.
    /// </summary>
    public sealed class ExportRecordsCommand : VectorCommand
    {
        public ExportRecordsCommand(ICommandHost host, VectorConnection? connection) : base(host, connection) { }

        /// <summary>
        /// Exports to <paramref name="path"/>. Returns null when nothing was written (-WhatIf, declined, stopped).
        /// </summary>
        /// <param name="namespace">The namespace (null: the connection's); blank is refused, a missing one is NamespaceNotFound.</param>
        /// <param name="filter">Only the records matching it (null: all of the namespace).</param>
        /// <param name="force">Replace an existing file.</param>
        public ExportSummary? Export(string? @namespace, MetadataFilter? filter, string path, bool force)
        {
            var full = CheckPath(path);
            var ns = ResolveExistingNamespace(@namespace);
            var exists = File.Exists(full);
            if (exists && !force)
                throw new VectorOpsException(ErrorIds.ExportFileExists, VectorOpsErrorCategory.ResourceExists,
                    $"The file '{path}' exists; nothing was written. Give -Force (--force) to replace it, or another path.", path);
            var what = Describe(ns, filter);
            switch (Host.ShouldProcess(full, exists ? $"Replace the file with {what}" : $"Export {what}"))
            {
                case ShouldProcessDecision.WhatIf:
                case ShouldProcessDecision.Declined:
                    return null;
            }

            var temp = full + ".partial-" + Guid.NewGuid().ToString("N").Substring(0, 8);
            var summary = new ExportSummary { Path = full, Replaced = exists };
            var done = false;
            try
            {
                using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
                {
                    using (var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16))
                    {
                        writer.NewLine = "\n";
                        if (!WriteRecords(ns, filter, writer, summary)) return null;
                        writer.Flush();
                        stream.Flush(flushToDisk: true);
                    }
                }
                if (exists) File.Replace(temp, full, null);
                else File.Move(temp, full);
                done = true;
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is System.Security.SecurityException)
            {
                throw new VectorOpsException(ErrorIds.ExportPathNotWritable, VectorOpsErrorCategory.WriteError,
                    $"The export file '{path}' cannot be written ({ex.Message}); " + (exists ? "the file there is left as it was." : "no file was left."), path, ex);
            }
            finally
            {
                if (!done)
                {
                    try { File.Delete(temp); }
                    catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException) { }
                }
            }
            Host.WriteVerbose($"{summary.Records:N0} record(s) of namespace '{ns}' written to '{full}'.");
            Host.WriteObject(summary);
            return summary;
        }

        /// <summary>Exports to a writer (the CLI's standard output): not atomic, nothing asked. Null when stopped.</summary>
        public ExportSummary? Export(string? @namespace, MetadataFilter? filter, TextWriter output)
        {
            var ns = ResolveExistingNamespace(@namespace);
            var summary = new ExportSummary { Path = "-" };
            if (!WriteRecords(ns, filter, output, summary)) return null;
            output.Flush();
            return summary;
        }

        /// <summary>Streams the records into the writer; false when the run was stopped (the output is then incomplete).</summary>
        private bool WriteRecords(string ns, MetadataFilter? filter, TextWriter writer, ExportSummary summary)
        {
            summary.Provider = Provider.Name;
            summary.Index = Provider.Index;
            summary.Namespace = ns;
            summary.Filter = filter?.Json;
            const string activity = "Exporting records";
            foreach (var batch in StreamRecords(ns, filter))
            {
                foreach (var r in batch)
                {
                    if (r.Namespace != ns) r.Namespace = ns;
                    writer.WriteLine(RecordJson.ToLine(r));
                }
                summary.Records += batch.Count;
                Host.WriteProgress(new ProgressInfo(1, activity, $"{summary.Records:N0} record(s) of '{ns}' written"));
            }
            Host.WriteProgress(new ProgressInfo(1, activity, "Done") { Completed = true, PercentComplete = 100 });
            if (Stop.IsCancellationRequested)
            {
                Host.WriteWarning($"Stopped after {summary.Records:N0} record(s): the export is incomplete" +
                                  (summary.Path == "-" ? "." : " and no file was written."));
                return false;
            }
            if (summary.Records == 0)
                Host.WriteWarning($"No record in namespace '{ns}' of {Provider.Name} index '{Provider.Index}'" +
                                  (filter is null ? "" : " matches the filter " + filter.Json) + ": the export is empty.");
            return true;
        }

        private string Describe(string ns, MetadataFilter? filter) =>
            $"the records of namespace '{ns}' of {Provider.Name} index '{Provider.Index}'" + (filter is null ? "" : " matching " + filter.Json);

        /// <summary>The full path, refused when it is blank, a folder, or in a folder that does not exist.</summary>
        private static string CheckPath(string? path)
        {
            string full;
            try
            {
                if (path is null || path.Trim().Length == 0) throw new ArgumentException("The path is empty.");
                full = System.IO.Path.GetFullPath(path);
            }
            catch (Exception ex) when (ex is ArgumentException || ex is NotSupportedException || ex is PathTooLongException || ex is System.Security.SecurityException)
            {
                throw new VectorOpsException(ErrorIds.ExportPathNotWritable, VectorOpsErrorCategory.WriteError,
                    $"The export path '{path}' is not valid ({ex.Message}); nothing was written.", path, ex);
            }
            if (Directory.Exists(full))
                throw new VectorOpsException(ErrorIds.ExportPathNotWritable, VectorOpsErrorCategory.WriteError,
                    $"The export path '{path}' is a folder; give a file path. Nothing was written.", path);
            var dir = System.IO.Path.GetDirectoryName(full);
            if (!string.IsNullOrEmpty(dir) && !Directory.Exists(dir))
                throw new VectorOpsException(ErrorIds.ExportPathNotWritable, VectorOpsErrorCategory.WriteError,
                    $"The folder of the export file '{path}' does not exist. Nothing was written.", path);
            return full;
        }
    }
}
