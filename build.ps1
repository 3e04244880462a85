#Requires -Version 7.2
<#
.SYNOPSIS
    Builds, tests, packages and cleans the VectorOps module.

.DESCRIPTION
    Build    dotnet build of the solution; the build assembles the importable module in module/VectorOps.
    Test     dotnet test, then the Pester task.
    Pester   Invoke-Pester (Pester 5) on tests/Pester against module/VectorOps, in a child pwsh; prints
             "Pester: N passed, N failed". Builds only when the module folder is missing. Without Pester 5 it
             prints "Pester: 0 passed, 1 failed" and fails: tests that did not run did not pass.
    Package  module/VectorOps as artifacts/VectorOps-<version>.zip and, where Microsoft.PowerShell.PSResourceGet
             is available, as a PowerShell Gallery .nupkg in artifacts/.
    Clean    dotnet clean, and removes module/VectorOps and artifacts/.
    Tasks run in the order given; Test and Package build first unless Build ran before them.

.PARAMETER Task
    The tasks to run, in order.

.PARAMETER Configuration
    The build configuration.

.PARAMETER TestFilter
    Runs only the xunit tests whose full name contains this text.

.PARAMETER SkipPester
    Skips the Pester tests of the Test task.

.EXAMPLE
    ./build.ps1
    Builds the module (Release).

.EXAMPLE
    ./build.ps1 -Task Clean, Test, Package
    Cleans, builds, runs every test and writes the packages.
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Test', 'Pester', 'Package', 'Clean')]
    [string[]] $Task = @('Build'),

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    [string] $TestFilter,

    [switch] $SkipPester
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$repoRoot = $PSScriptRoot
$solution = Join-Path -Path $repoRoot -ChildPath 'VectorOps.sln'
$moduleDir = Join-Path -Path $repoRoot -ChildPath 'module' -AdditionalChildPath 'VectorOps'
$artifactDir = Join-Path -Path $repoRoot -ChildPath 'artifacts'
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

    $testArgs = @('test', $testProject, '--configuration', $BuildConfiguration, '--no-build', '--nologo')
    if ($Filter) {
        $testArgs += @('--filter', "FullyQualifiedName~$Filter")
    }
    Invoke-Dotnet -ArgumentList $testArgs
}

function Invoke-PesterTask {
    [CmdletBinding()]
    param()

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
    # -OutputFormat Text: a non-interactive pwsh given -EncodedCommand writes its error, warning, information and
    # progress records to a redirected stderr as CLIXML ('#< CLIXML'), which scripts/test.sh's 2>&1 would mix
    # into the log, even in the middle of the 'Pester: N passed, N failed' line it reads.
    & $pwsh @pwshArgs -NoLogo -NoProfile -NonInteractive -OutputFormat Text -EncodedCommand $encoded
    if ($LASTEXITCODE -ne 0) {
        throw "Pester failed (exit code $LASTEXITCODE); results in $resultPath."
    }
}

function Invoke-PackageTask {
    [CmdletBinding()]
    param()

    $version = Get-ModuleVersion
    $null = New-Item -ItemType Directory -Path $artifactDir -Force
    $zip = Join-Path -Path $artifactDir -ChildPath "VectorOps-$version.zip"
    if (Test-Path -LiteralPath $zip) {
        Remove-Item -LiteralPath $zip -Force
    }
    # The archive holds the VectorOps folder itself, ready to extract into a folder of $env:PSModulePath.
    Compress-Archive -LiteralPath $moduleDir -DestinationPath $zip -CompressionLevel Optimal
    Write-Information "Wrote $zip" -InformationAction Continue

    if (-not (Get-Command -Name Publish-PSResource -ErrorAction Ignore)) {
        Write-Warning 'Microsoft.PowerShell.PSResourceGet is not available: no .nupkg was written.'
        return
    }
    # Publishing to a folder repository writes the .nupkg the PowerShell Gallery would receive.
    $repositoryName = 'VectorOpsBuild' + [guid]::NewGuid().ToString('N').Substring(0, 8)
    Register-PSResourceRepository -Name $repositoryName -Uri $artifactDir -Trusted
    try {
        Publish-PSResource -Path $moduleDir -Repository $repositoryName -SkipDependenciesCheck
        Write-Information "Wrote the .nupkg of VectorOps $version to $artifactDir" -InformationAction Continue
    }
    finally {
        Unregister-PSResourceRepository -Name $repositoryName
    }
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
            if (-not $built) {
                Invoke-BuildTask -BuildConfiguration $Configuration
                $built = $true
            }
            Invoke-TestTask -BuildConfiguration $Configuration -Filter $TestFilter
            if ($SkipPester) {
                Write-Information 'Pester tests skipped (-SkipPester).' -InformationAction Continue
            }
            else {
                Invoke-PesterTask
            }
        }
        'Pester' {
            # The module as the last build assembled it (scripts/test.sh builds first); build only if it is missing.
            if (-not $built -and -not (Test-Path -LiteralPath (Join-Path -Path $moduleDir -ChildPath 'VectorOps.psd1'))) {
                Invoke-BuildTask -BuildConfiguration $Configuration
                $built = $true
            }
            Invoke-PesterTask
        }
        'Package' {
            if (-not $built) {
                Invoke-BuildTask -BuildConfiguration $Configuration
                $built = $true
            }
            Invoke-PackageTask
        }
        'Clean' {
            Invoke-CleanTask -BuildConfiguration $Configuration
            $built = $false
        }
    }
}
