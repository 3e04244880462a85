using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace VectorOps.Bench
{
    /// <summary>
    /// PowerShell's own floor for piped ids (issue 19, target 1 through the cmdlet): two bench-only binary cmdlets,
    /// compiled in the measured pwsh by <c>Add-Type</c> from the source below (never part of the module), whose
    /// ProcessRecord does nothing: one with a single <c>[Parameter(ValueFromPipeline)] string</c> parameter, and one
    /// with the same parameter sets and attributes as Remove-VectorRecord (the module's own transformation and
    /// completer attributes, referenced from the Release build the bench measures). The N ids are piped into each
    /// three times in one pwsh; the third pass is reported (warm: the engine's binding code recompiled by then).
    /// What the second cmdlet costs is the engine's binding of this parameter-set shape; what Remove-VectorRecord
    /// costs beyond it is ours.
    /// </summary>
    internal static class PwshFloor
    {
        public sealed class Result
        {
            public string Name = "";
            public double Seconds, CpuSeconds;
            public long Allocated;
        }

        /// <summary>The bench-only cmdlets. Keep <c>Test-FloorSameShape</c> in step with RemoveVectorRecordCommand's parameters.</summary>
        private const string Source = @"
using System.Management.Automation;
using VectorOps.Model;
using VectorOps.PowerShell.Input;

namespace VectorOpsBenchFloor
{
    [Cmdlet(""Test"", ""FloorOneString"")]
    public sealed class OneString : PSCmdlet
    {
        [Parameter(ValueFromPipeline = true)]
        public string Id { get; set; }
        protected override void ProcessRecord() { }
    }

    [Cmdlet(""Test"", ""FloorSameShape"", DefaultParameterSetName = ""Id"", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    public sealed class SameShape : PSCmdlet
    {
        [Parameter(ParameterSetName = ""Id"", Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [Parameter(ParameterSetName = ""Record"", Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias(""VectorId"", ""Key"", ""RecordId"")]
        [AllowEmptyString]
        [StringIdentifierTransformation]
        public string[] Id { get; set; }

        [Parameter(ParameterSetName = ""IdPath"", Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string IdPath { get; set; }

        [Parameter(ParameterSetName = ""InputObject"", Mandatory = true, ValueFromPipeline = true)]
        [ValidateNotNull]
        public VectorMutation[] InputObject { get; set; }

        [Parameter(ParameterSetName = ""Filter"", Mandatory = true)]
        [AllowNull]
        [AllowEmptyString]
        public object Filter { get; set; }

        [Parameter(ParameterSetName = ""Prefix"", Mandatory = true)]
        [AllowNull]
        [AllowEmptyString]
        public string Prefix { get; set; }

        [Parameter(ParameterSetName = ""Age"", Mandatory = true)]
        [AgeTransformation]
        public System.TimeSpan OlderThan { get; set; }

        [Parameter(ParameterSetName = ""Age"", Mandatory = true)]
        [AllowNull]
        [AllowEmptyString]
        public string DateField { get; set; }

        [Parameter(ParameterSetName = ""Age"")]
        [ValidateSet(""Seconds"", ""Milliseconds"")]
        public string DateUnit { get; set; } = ""Seconds"";

        [Parameter(ParameterSetName = ""Id"")]
        [Parameter(ParameterSetName = ""Record"", ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = ""InputObject"")]
        [Parameter(ParameterSetName = ""Filter"")]
        [Parameter(ParameterSetName = ""Prefix"")]
        [Parameter(ParameterSetName = ""IdPath"")]
        [Parameter(ParameterSetName = ""Age"")]
        [StringIdentifierTransformation(NullIsEmpty = true)]
        [ArgumentCompleter(typeof(NamespaceCompleter))]
        public string[] Namespace { get; set; }

        [Parameter] public SwitchParameter Force { get; set; }
        [Parameter] [ValidateRange(1, 64)] public int? ThrottleLimit { get; set; }
        [Parameter] [ValidateRange(1, int.MaxValue)] public int? BatchSize { get; set; }
        [Parameter] [ValidateNotNullOrEmpty] public string BackupPath { get; set; }

        protected override void ProcessRecord() { }
    }
}
";

        private const string Script = @"
param([string]$Manifest, [string]$Source, [string]$IdFile)
$ErrorActionPreference = 'Stop'
$module = Import-Module $Manifest -PassThru
$dir = Split-Path $module.Path
$types = Add-Type -Path $Source -PassThru -IgnoreWarnings -WarningAction SilentlyContinue -ReferencedAssemblies @(
    (Join-Path $dir 'VectorOps.PowerShell.dll'), (Join-Path $dir 'Dependencies/VectorOps.Core.dll'), 'System.Management.Automation')
Import-Module -Assembly $types[0].Assembly
$ids = [IO.File]::ReadAllLines($IdFile)
$me = [Diagnostics.Process]::GetCurrentProcess()
$inv = [cultureinfo]::InvariantCulture
function Measure-Pipe([scriptblock]$Pipe) {
    $me.Refresh()
    $cpu0 = $me.TotalProcessorTime
    $a0 = [GC]::GetTotalAllocatedBytes($true)
    $clock = [Diagnostics.Stopwatch]::StartNew()
    & $Pipe
    $clock.Stop()
    $a1 = [GC]::GetTotalAllocatedBytes($true)
    $me.Refresh()
    '{0} {1} {2}' -f $clock.Elapsed.TotalSeconds.ToString('R', $inv), ($me.TotalProcessorTime - $cpu0).TotalSeconds.ToString('R', $inv), ($a1 - $a0)
}
# Three passes of each, alternating; the third is reported.
foreach ($pass in 1..3) {
    $one = Measure-Pipe { $ids | Test-FloorOneString }
    $shape = Measure-Pipe { $ids | Test-FloorSameShape -Force }
}
'RESULT {0} {1}' -f $one, $shape
";

        /// <summary>One pwsh: the floor cmdlets compiled, the ids piped into each; null when pwsh failed (reported).</summary>
        public static List<Result>? Run(string root, string dir, string manifest, string idFile)
        {
            var source = Path.Combine(dir, "floor.cs");
            File.WriteAllText(source, Source);
            var script = Path.Combine(dir, "floor.ps1");
            File.WriteAllText(script, Script);
            var v = PwshScript.Run(root, "local (f) PowerShell's floor", script, "-Manifest", manifest, "-Source", source, "-IdFile", idFile);
            if (v is null || v.Length < 6) return null;
            Result At(string name, int i) => new Result
            {
                Name = name,
                Seconds = double.Parse(v[i], CultureInfo.InvariantCulture),
                CpuSeconds = double.Parse(v[i + 1], CultureInfo.InvariantCulture),
                Allocated = long.Parse(v[i + 2], CultureInfo.InvariantCulture),
            };
            return new List<Result> { At("one", 0), At("shape", 3) };
        }

        /// <summary>Medians of each cmdlet's runs.</summary>
        public static Result Median(IEnumerable<List<Result>> runs, int index)
        {
            var r = runs.Select(x => x[index]).ToList();
            return new Result
            {
                Name = r[0].Name,
                Seconds = Measure.Median(r.Select(x => x.Seconds)),
                CpuSeconds = Measure.Median(r.Select(x => x.CpuSeconds)),
                Allocated = (long)Measure.Median(r.Select(x => (double)x.Allocated)),
            };
        }
    }
}
