#Requires -Version 7.2
<#
.SYNOPSIS
    Builds, tests, packages and cleans VectorOps: the PowerShell module and the vectorops CLI.

.DESCRIPTION
    The one build entry point (from bash: dotnet tool run pwsh -- ./build.ps1 ..., or the scripts in scripts/).

    Build    dotnet build of the solution; the build assembles the importable module in module/VectorOps.
    Test     Every test, as CI runs them: scripts/test.sh (bash), which builds (Debug unless -Configuration says
             otherwise), starts the test servers, runs xunit and then the Pester task, and ends with the line
             "N passed, N failed". The same script, the same steps and the same last line as `bash scripts/test.sh`.
             With -TestFilter: only the xunit tests whose full name contains that text (a quick check, not CI's run).
    Pester   Invoke-Pester (Pester 5) on tests/Pester against module/VectorOps, in a child pwsh; prints
             "Pester: N passed, N failed". Builds only when the module folder is missing. Without Pester 5 it
             prints "Pester: 0 passed, 1 failed" and fails: tests that did not run did not pass.
    Package  Writes to -OutputPath (artifacts/): VectorOps.<version>.nupkg, the module folder packed by
             PSResourceGet (Compress-PSResource) with the LICENSE file named in its nuspec, installable with
             Register-PSResourceRepository -Name local -Uri <folder> -Trusted; Install-PSResource VectorOps -Repository local
             and VectorOps.Cli.<version>.nupkg, the CLI as a .NET tool (command vectorops), installable with
             dotnet tool install --global --add-source <folder> VectorOps.Cli
             Prints each package's size. Needs PSResourceGet 1.1+ (PowerShell 7.6 carries it).
    Clean    dotnet clean, and removes module/VectorOps and artifacts/.
    Tasks run in the order given; Package builds first unless Build ran before it or -NoBuild is given.

.PARAMETER Task
    The tasks to run, in order.

.PARAMETER Configuration
    The build configuration (Build, Package; Test passes it to scripts/test.sh).

.PARAMETER TestFilter
    Test runs only the xunit tests whose full name contains this text.

.PARAMETER OutputPath
    Where Package writes the packages. Default: artifacts/ in the repository.

.PARAMETER NoBuild
    Package packs module/VectorOps as the last build left it, without building the solution first (the CLI's
    dotnet pack still builds the CLI when it is out of date).

.EXAMPLE
    ./build.ps1
    Builds the module (Release).

.EXAMPLE
    ./build.ps1 -Task Clean, Build, Package
    Cleans, builds and writes both packages to artifacts/.

.EXAMPLE
    dotnet tool run pwsh -- ./build.ps1 -Task Package
    The same from bash, on the PowerShell 7.6 pinned in .config/dotnet-tools.json (bash scripts/package.sh does this).

.EXAMPLE
    ./build.ps1 -Task Test
    Every test, exactly as bash scripts/test.sh (and CI) runs them; the last line is "N passed, N failed".
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Test', 'Pester', 'Package', 'Clean')]
    [string[]] $Task = @('Build'),

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    [string] $TestFilter,

    [string] $OutputPath,

    [switch] $NoBuild
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$repoRoot = $PSScriptRoot
$solution = Join-Path -Path $repoRoot -ChildPath 'VectorOps.sln'
$moduleDir = Join-Path -Path $repoRoot -ChildPath 'module' -AdditionalChildPath 'VectorOps'
$artifactDir = Join-Path -Path $repoRoot -ChildPath 'artifacts'
$packageDir = if ($OutputPath) { [IO.Path]::GetFullPath($OutputPath, (Get-Location).Path) } else { $artifactDir }
$testProject = Join-Path -Path $repoRoot -ChildPath 'tests' -AdditionalChildPath 'VectorOps.Tests', 'VectorOps.Tests.csproj'
$pesterDir = Join-Path -Path $repoRoot -ChildPath 'tests' -AdditionalChildPath 'Pester'

function Invoke-Dotnet {
    [CmdletBinding()]
    param([Parameter(Mandatory)] [string[]] $ArgumentList)

    Write-Verbose ('dotnet ' + ($ArgumentList -join ' '))
    & dotnet @ArgumentList
    if ($LASTEXITCODE -ne 0) {
        throw "dotnet $($ArgumentList[0]) failed with exit code $LASTEXITCODE."
    }
}

function ConvertTo-QuotedLiteral {
    [CmdletBinding()]
    [OutputType([string])]
    param([Parameter(Mandatory)] [string] $Text)

    "'" + ($Text -replace "'", "''") + "'"
}

function Get-ModuleVersion {
    [CmdletBinding()]
    [OutputType([version])]
    param()

    $manifest = Import-PowerShellDataFile -LiteralPath (Join-Path -Path $repoRoot -ChildPath 'VectorOps.psd1')
    [version] $manifest.ModuleVersion
}

function Invoke-BuildTask {
    [CmdletBinding()]
    param([Parameter(Mandatory)] [string] $BuildConfiguration)

    Invoke-Dotnet -ArgumentList @('build', $solution, '--configuration', $BuildConfiguration, '--nologo')
    $rootModule = Join-Path -Path $moduleDir -ChildPath 'VectorOps.PowerShell.dll'
    if (-not (Test-Path -LiteralPath $rootModule -PathType Leaf)) {
        throw "The build did not assemble the module: $rootModule is missing."
    }
    Write-Information "Module assembled in $moduleDir" -InformationAction Continue
}

function Invoke-TestTask {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $BuildConfiguration,
        [string] $Filter
    )

    if ($Filter) {
        Invoke-Dotnet -ArgumentList @('build', $testProject, '--configuration', $BuildConfiguration, '--nologo', '--verbosity', 'quiet')
        Invoke-Dotnet -ArgumentList @('test', $testProject, '--configuration', $BuildConfiguration, '--no-build', '--nologo', '--filter', "FullyQualifiedName~$Filter")
        return
    }
    # One list of steps for every test run: scripts/test.sh, which CI runs too.
    $bash = Get-Command -Name bash -CommandType Application -ErrorAction Ignore | Select-Object -First 1
    if (-not $bash) {
        throw 'The Test task runs scripts/test.sh, which needs bash (Linux, macOS, or Git Bash on Windows). -TestFilter runs xunit tests without it.'
    }
    $env:VECTOROPS_CONFIGURATION = $BuildConfiguration
    $PSNativeCommandUseErrorActionPreference = $false
    & $bash.Source (Join-Path -Path $repoRoot -ChildPath 'scripts' -AdditionalChildPath 'test.sh')
    if ($LASTEXITCODE -ne 0) {
        throw "Tests failed (scripts/test.sh exit code $LASTEXITCODE): the failed tests are named above its last line."
    }
}

function Invoke-PesterTask {
    [CmdletBinding()]
    param([Parameter(Mandatory)] [string] $BuildConfiguration)

    # Pester 5 (the tests are written for it); a later major version only when no 5.x is installed.
    $available = @(Get-Module -ListAvailable -Name Pester | Where-Object { $_.Version -ge [version] '5.0' } | Sort-Object -Property Version -Descending)
    $pester = @($available | Where-Object { $_.Version.Major -eq 5 }) + $available | Select-Object -First 1
    if (-not $pester) {
        # Not running the tests is a failure, not a pass: say so in the line scripts/test.sh reads.
        Write-Warning 'Pester 5 is not installed, so the Pester tests were not run. Install it with: Install-Module Pester -MinimumVersion 5.0 -MaximumVersion 5.99 -Scope CurrentUser (or use -SkipPester with the Test task).'
        'Pester: 0 passed, 1 failed'
        throw 'Pester 5 is not installed: the Pester tests were not run.'
    }
    if ($pester.Version.Major -ne 5) {
        Write-Warning "Pester 5 is not installed; running the tests with Pester $($pester.Version)."
    }
    $null = New-Item -ItemType Directory -Path $artifactDir -Force
    $resultPath = Join-Path -Path $artifactDir -ChildPath 'pester-results.xml'
    # A child pwsh, so the module it imports (and its load context) does not stay in this session, and so that this
    # script's preferences (StrictMode, ErrorActionPreference Stop) do not reach the tests: they run with the
    # defaults, as in an interactive Invoke-Pester. It prints "Pester: N passed, N failed" (scripts/test.sh reads
    # that line) also when Pester itself cannot run, and exits 1 when anything failed.
    $lines = @(
        'try {'
        '    Import-Module -Name ' + (ConvertTo-QuotedLiteral -Text $pester.Path) + ' -ErrorAction Stop'
        '    $c = New-PesterConfiguration'
        '    $c.Run.Path = ' + (ConvertTo-QuotedLiteral -Text $pesterDir)
        '    $c.Run.PassThru = $true'
        '    $c.Output.Verbosity = "Detailed"'
        '    $c.TestResult.Enabled = $true'
        '    $c.TestResult.OutputPath = ' + (ConvertTo-QuotedLiteral -Text $resultPath)
        '    $r = Invoke-Pester -Configuration $c'
        '    if ($null -eq $r) { throw "Invoke-Pester returned no result." }'
        '    $passed = $r.PassedCount'
        '    $failed = $r.FailedCount + $r.FailedBlocksCount + $r.FailedContainersCount'
        '}'
        'catch {'
        '    Write-Host ("Pester could not run: " + $_)'
        '    $passed = 0'
        '    $failed = 1'
        '}'
        '"Pester: {0} passed, {1} failed" -f $passed, $failed'
        'exit ([int]($failed -gt 0))'
    )
    $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($lines -join [Environment]::NewLine))
    # The PowerShell that runs this script, started again: pwsh itself, or for the .NET global tool
    # (dotnet tool install PowerShell), whose process is dotnet, dotnet with the pwsh.dll of $PSHOME.
    $pwsh = [Environment]::ProcessPath
    if (-not $pwsh) { $pwsh = (Get-Process -Id $PID).Path }
    $pwshArgs = @()
    if ([IO.Path]::GetFileNameWithoutExtension($pwsh) -eq 'dotnet') {
        $pwshArgs = @(Join-Path -Path $PSHOME -ChildPath 'pwsh.dll')
    }
    $PSNativeCommandUseErrorActionPreference = $false
    # The configuration the tests were built in (tests that build or pack something use the same one).
    $env:VECTOROPS_CONFIGURATION = $BuildConfiguration
    # -OutputFormat Text: a non-interactive pwsh given -EncodedCommand writes its error, warning, information and
    # progress records to a redirected stderr as CLIXML ('#< CLIXML'), which scripts/test.sh's 2>&1 would mix
    # into the log, even in the middle of the 'Pester: N passed, N failed' line it reads.
    & $pwsh @pwshArgs -NoLogo -NoProfile -NonInteractive -OutputFormat Text -EncodedCommand $encoded
    if ($LASTEXITCODE -ne 0) {
        throw "Pester failed (exit code $LASTEXITCODE); results in $resultPath."
    }
}

function Format-Size {
    [CmdletBinding()]
    [OutputType([string])]
    param([Parameter(Mandatory)] [long] $Bytes)

    '{0:N1} MB ({1:N0} bytes)' -f ($Bytes / 1MB), $Bytes
}

function Add-NuspecLicenseFile {
    # PSResourceGet writes the nuspec from the manifest, which can only name a LicenseUri; the licence here is the
    # LICENSE file the package carries, so the nuspec is given NuGet's <license type="file"> element for it.
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $Package,
        [Parameter(Mandatory)] [string] $LicenseFile
    )

    Add-Type -AssemblyName System.IO.Compression
    $zip = [System.IO.Compression.ZipFile]::Open($Package, [System.IO.Compression.ZipArchiveMode]::Update)
    try {
        if (-not $zip.GetEntry($LicenseFile)) {
            throw "$Package has no $LicenseFile at its root: the build copies it into the module folder."
        }
        $entry = @($zip.Entries | Where-Object { $_.FullName -notmatch '/' -and $_.Name -like '*.nuspec' })
        if ($entry.Count -ne 1) {
            throw "$Package has $($entry.Count) nuspec files at its root, not one."
        }
        $reader = [System.IO.StreamReader]::new($entry[0].Open())
        try { $xml = [xml] $reader.ReadToEnd() } finally { $reader.Dispose() }
        $metadata = $xml.package.metadata
        if ($metadata.SelectSingleNode('*[local-name()="licenseUrl" or local-name()="license"]')) {
            throw "$Package's nuspec already names a licence: VectorOps.psd1 must have no LicenseUri."
        }
        $license = $xml.CreateElement('license', $xml.DocumentElement.NamespaceURI)
        $license.SetAttribute('type', 'file')
        $license.InnerText = $LicenseFile
        $null = $metadata.InsertAfter($license, $metadata.SelectSingleNode('*[local-name()="requireLicenseAcceptance"]'))
        $name = $entry[0].FullName
        $entry[0].Delete()
        $writer = [System.IO.StreamWriter]::new($zip.CreateEntry($name).Open(), [System.Text.UTF8Encoding]::new($false))
        try { $xml.Save($writer) } finally { $writer.Dispose() }
    }
    finally {
        $zip.Dispose()
    }
}

function Invoke-PackageTask {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $BuildConfiguration,
        [Parameter(Mandatory)] [string] $Destination
    )

    $version = Get-ModuleVersion
    $null = New-Item -ItemType Directory -Path $Destination -Force
    $modulePackage = Join-Path -Path $Destination -ChildPath "VectorOps.$version.nupkg"
    $toolPackage = Join-Path -Path $Destination -ChildPath "VectorOps.Cli.$version.nupkg"
    foreach ($old in @($modulePackage, $toolPackage)) {
        if (Test-Path -LiteralPath $old) { Remove-Item -LiteralPath $old -Force }
    }
    if (-not (Test-Path -LiteralPath (Join-Path -Path $moduleDir -ChildPath 'VectorOps.psd1') -PathType Leaf)) {
        throw "The module folder $moduleDir is missing: build first (./build.ps1 -Task Build, Package)."
    }

    # The module: PSResourceGet (in PowerShell 7.4+; Compress-PSResource since its 1.1) packs module/VectorOps as the
    # PowerShell Gallery would receive it: the nuspec from the manifest (tags, release notes, description), every file
    # of the folder (the LICENSE among them).
    if (-not (Get-Command -Name Compress-PSResource -ErrorAction Ignore)) {
        throw 'Packaging the module needs Microsoft.PowerShell.PSResourceGet 1.1 or later (Compress-PSResource), which PowerShell 7.6 carries: dotnet tool run pwsh -- ./build.ps1 -Task Package'
    }
    Compress-PSResource -Path $moduleDir -DestinationPath $Destination
    if (-not (Test-Path -LiteralPath $modulePackage -PathType Leaf)) {
        throw "Compress-PSResource did not write $modulePackage."
    }
    Add-NuspecLicenseFile -Package $modulePackage -LicenseFile 'LICENSE'
    Write-Information "Wrote $modulePackage, $(Format-Size -Bytes (Get-Item -LiteralPath $modulePackage).Length)" -InformationAction Continue

    # The CLI as a .NET tool (PackAsTool, command vectorops). dotnet pack builds the CLI first when it is out of date.
    $cliProject = Join-Path -Path $repoRoot -ChildPath 'src' -AdditionalChildPath 'VectorOps.Cli', 'VectorOps.Cli.csproj'
    Invoke-Dotnet -ArgumentList @('pack', $cliProject, '--configuration', $BuildConfiguration, '--output', $Destination, '--nologo', '--verbosity', 'quiet')
    if (-not (Test-Path -LiteralPath $toolPackage -PathType Leaf)) {
        throw "dotnet pack did not write $toolPackage."
    }
    Write-Information "Wrote $toolPackage, $(Format-Size -Bytes (Get-Item -LiteralPath $toolPackage).Length)" -InformationAction Continue
}

function Invoke-CleanTask {
    [CmdletBinding()]
    param([Parameter(Mandatory)] [string] $BuildConfiguration)

    Invoke-Dotnet -ArgumentList @('clean', $solution, '--configuration', $BuildConfiguration, '--nologo', '--verbosity', 'quiet')
    foreach ($path in @($moduleDir, $artifactDir)) {
        if (Test-Path -LiteralPath $path) {
            Remove-Item -LiteralPath $path -Recurse -Force
        }
    }
}

$built = $false
foreach ($name in $Task) {
    Write-Information "== $name ($Configuration)" -InformationAction Continue
    switch ($name) {
        'Build' {
            Invoke-BuildTask -BuildConfiguration $Configuration
            $built = $true
        }
        'Test' {
            # scripts/test.sh builds what it tests itself.
            Invoke-TestTask -BuildConfiguration $Configuration -Filter $TestFilter
        }
        'Pester' {
            # The module as the last build assembled it (scripts/test.sh builds first); build only if it is missing.
            if (-not $built -and -not (Test-Path -LiteralPath (Join-Path -Path $moduleDir -ChildPath 'VectorOps.psd1'))) {
                Invoke-BuildTask -BuildConfiguration $Configuration
                $built = $true
            }
            Invoke-PesterTask -BuildConfiguration $Configuration
        }
        'Package' {
            if (-not $built -and -not $NoBuild) {
                Invoke-BuildTask -BuildConfiguration $Configuration
                $built = $true
            }
            Invoke-PackageTask -BuildConfiguration $Configuration -Destination $packageDir
        }
        'Clean' {
            Invoke-CleanTask -BuildConfiguration $Configuration
            $built = $false
        }
    }
}
