# The two packages as a user gets them: ./build.ps1 -Task Package writes them, PSResourceGet installs the module from
# a folder repository (Register-PSResourceRepository, Install-PSResource VectorOps, Import-Module VectorOps) and
# `dotnet tool install` installs the CLI (command vectorops), both into a temporary folder, never the user's module
# path, tool path, NuGet cache or PSResourceGet repository list; then the README's main job runs through each: load
# samples/records.jsonl into a new local store, preview a filter delete, delete with a backup.
#
# Isolation: the child pwsh that installs the module gets HOME and XDG_DATA_HOME inside $TestDrive (PSResourceGet
# installs CurrentUser modules under $HOME/.local/share/powershell/Modules on Linux and macOS, and keeps its
# repository list in the folder of LocalApplicationData, XDG_DATA_HOME); `dotnet tool install` gets NUGET_PACKAGES
# and a NuGet.config of its own in $TestDrive, so an older package of the same version cached elsewhere is never used.
# On Windows the CurrentUser module path is the user's Documents folder: there the module is saved with
# Save-PSResource into the temporary folder instead.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $RepoRoot = Get-VectorOpsRepoRoot
    # The configuration the test run built (scripts/test.sh passes it through build.ps1 -Task Pester); the CLI is
    # packed from it, so dotnet pack finds it up to date.
    $Configuration = if ($env:VECTOROPS_CONFIGURATION) { $env:VECTOROPS_CONFIGURATION } else { 'Debug' }
    $Version = (Import-PowerShellDataFile -LiteralPath (Join-Path $RepoRoot 'VectorOps.psd1')).ModuleVersion
    $Feed = Join-Path $TestDrive 'feed'
    $Samples = Join-Path $RepoRoot 'samples' 'records.jsonl'
    $FilterJson = '{"tenant":"acme","year":{"$lt":2022}}'

    # What the main job must find, worked out from the sample file itself rather than from the module.
    $records = @(Get-Content -LiteralPath $Samples | Where-Object { $_.Trim() } | ForEach-Object { $_ | ConvertFrom-Json })
    $script:Total = $records.Count
    $script:Articles = @($records | Where-Object namespace -EQ 'articles').Count
    $script:Doomed = @($records | Where-Object { $_.namespace -eq 'articles' -and $_.metadata.tenant -eq 'acme' -and $_.metadata.year -lt 2022 } |
        ForEach-Object id | Sort-Object)
    $script:Doomed.Count | Should -BeGreaterThan 0

    # The packages, written by the build's Package task exactly as a release writes them (without building the whole
    # solution again: the module folder is the one this test run built and tests).
    $pwsh = Get-PwshCommand
    $packArgs = @($pwsh.LeadingArguments) + @('-NoLogo', '-NoProfile', '-NonInteractive', '-File', (Join-Path $RepoRoot 'build.ps1'),
        '-Task', 'Package', '-NoBuild', '-Configuration', $Configuration, '-OutputPath', $Feed)
    $script:PackOutput = & $pwsh.Path @packArgs 2>&1 | Out-String
    $script:PackExit = $LASTEXITCODE
    $script:ModulePackage = Join-Path $Feed "VectorOps.$Version.nupkg"
    $script:ToolPackage = Join-Path $Feed "VectorOps.Cli.$Version.nupkg"

    # Reads one entry of a package (a zip) as text.
    function Read-PackageEntry {
        param([string] $Package, [string] $Name)
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [System.IO.Compression.ZipFile]::OpenRead($Package)
        try {
            $entry = $zip.GetEntry($Name)
            if (-not $entry) { return $null }
            $reader = [System.IO.StreamReader]::new($entry.Open())
            try { $reader.ReadToEnd() } finally { $reader.Dispose() }
        }
        finally { $zip.Dispose() }
    }

    function Get-PackageEntryNames {
        param([string] $Package)
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [System.IO.Compression.ZipFile]::OpenRead($Package)
        try { @($zip.Entries | ForEach-Object FullName) } finally { $zip.Dispose() }
    }
}

Describe 'The packages build.ps1 -Task Package writes' {
    It 'writes the module and the CLI packages and says their sizes' {
        $PackExit | Should -Be 0 -Because $PackOutput
        $ModulePackage | Should -Exist
        $ToolPackage | Should -Exist
        $PackOutput | Should -Match ([regex]::Escape("VectorOps.$Version.nupkg") + ', [0-9.,]+ MB')
        $PackOutput | Should -Match ([regex]::Escape("VectorOps.Cli.$Version.nupkg") + ', [0-9.,]+ MB')
    }

    It 'gives the module package a nuspec with the licence file, the changelog''s release notes and no invented URL' {
        $nuspec = [xml] (Read-PackageEntry -Package $ModulePackage -Name 'VectorOps.nuspec')
        $m = $nuspec.package.metadata
        $m.id | Should -BeExactly 'VectorOps'
        $m.version | Should -BeExactly $Version
        $m.license.type | Should -BeExactly 'file'
        $m.license.'#text' | Should -BeExactly 'LICENSE'
        (Read-PackageEntry -Package $ModulePackage -Name 'LICENSE') | Should -BeExactly (Get-Content -Raw -LiteralPath (Join-Path $RepoRoot 'LICENSE'))
        $changelog = Get-Content -Raw -LiteralPath (Join-Path $RepoRoot 'CHANGELOG.md')
        $newest = [regex]::Match(($changelog -replace '\r\n', "`n"), '(?ms)^## .*?(?=^## |\z)').Value.Trim()
        ($m.releaseNotes -replace '\r\n', "`n").Trim() | Should -BeExactly $newest
        $m.tags | Should -Match '\bPSModule\b'
        $nuspec.OuterXml | Should -Not -Match 'projectUrl|licenseUrl|iconUrl|example\.invalid'
    }

    It 'ships e_sqlite3 in the module package only for the platforms PowerShell 7 runs on' {
        $rids = @(Get-PackageEntryNames -Package $ModulePackage | Where-Object { $_ -like 'Dependencies/runtimes/*' } |
            ForEach-Object { ($_ -split '/')[2] } | Sort-Object -Unique)
        $rids | Should -BeExactly @('linux-arm', 'linux-arm64', 'linux-musl-arm64', 'linux-musl-x64', 'linux-x64', 'osx-arm64', 'osx-x64', 'win-arm64', 'win-x64', 'win-x86')
    }

    It 'makes the CLI a .NET tool package with the command vectorops, the licence file and the release notes' {
        $nuspec = [xml] (Read-PackageEntry -Package $ToolPackage -Name 'VectorOps.Cli.nuspec')
        $nuspec.package.metadata.packageTypes.packageType.name | Should -BeExactly 'DotnetTool'
        $nuspec.package.metadata.license.'#text' | Should -BeExactly 'LICENSE'
        $nuspec.package.metadata.releaseNotes | Should -Match ('^## ' + [regex]::Escape($Version))
        $settings = [xml] (Read-PackageEntry -Package $ToolPackage -Name 'tools/net10.0/any/DotnetToolSettings.xml')
        $settings.DotNetCliTool.Commands.Command.Name | Should -BeExactly 'vectorops'
        @(Get-PackageEntryNames -Package $ToolPackage | Where-Object { $_ -match '/runtimes/(android|ios|maccatalyst|browser)' }) | Should -BeNullOrEmpty
    }
}

Describe 'The module installed by PSResourceGet from the package runs the main job' {
    BeforeAll {
        $tempHome = Join-Path $TestDrive 'home'
        $data = Join-Path $tempHome '.local' 'share'
        # PSResourceGet uses LocalApplicationData only if the folder exists (else the current directory).
        $null = New-Item -ItemType Directory -Path $data -Force
        $installDir = Join-Path $TestDrive 'saved-modules'
        $store = Join-Path $TestDrive 'module-job' 'vectors.db'
        $backup = Join-Path $TestDrive 'module-job' 'backup.jsonl'
        $null = New-Item -ItemType Directory -Path (Split-Path $store) -Force
        $quote = { param($t) "'" + ($t -replace "'", "''") + "'" }
        $script = @(
            '$ErrorActionPreference = "Stop"'
            '$feed = ' + (& $quote $Feed)
            '$saved = ' + (& $quote $installDir)
            '$repo = "VectorOpsTest" + [guid]::NewGuid().ToString("N").Substring(0, 8)'
            'Register-PSResourceRepository -Name $repo -Uri $feed -Trusted'
            'try {'
            '    if ($IsWindows) {'
            '        $null = New-Item -ItemType Directory -Path $saved -Force'
            '        Save-PSResource -Name VectorOps -Repository $repo -Path $saved -TrustRepository'
            '        $modules = $saved'
            '    } else {'
            '        Install-PSResource -Name VectorOps -Repository $repo -Scope CurrentUser -TrustRepository'
            '        $modules = Join-Path $HOME ".local" "share" "powershell" "Modules"'
            '    }'
            '    $installed = @(Get-ChildItem -LiteralPath (Join-Path $modules "VectorOps") -Directory | ForEach-Object Name)'
            '} finally { Unregister-PSResourceRepository -Name $repo }'
            # Only the temporary module folder and PowerShell's own: a VectorOps elsewhere cannot be the one imported.
            '$env:PSModulePath = $modules + [IO.Path]::PathSeparator + (Join-Path $PSHOME "Modules")'
            '$m = Import-Module VectorOps -PassThru'
            'Connect-VectorIndex -Provider Local -Path ' + (& $quote $store) + ' -Index demo -Create'
            '$added = @(Add-VectorRecord -Path ' + (& $quote $Samples) + ' -Confirm:$false)'
            '$filter = ' + (& $quote $FilterJson)
            '$preview = @(Remove-VectorRecord -Namespace articles -Filter $filter -WhatIf)'
            '$afterPreview = @(Get-VectorRecord -Namespace articles -IdOnly).Count'
            '$deleted = @(Remove-VectorRecord -Namespace articles -Filter $filter -BackupPath ' + (& $quote $backup) + ' -Force -Confirm:$false)'
            '$left = @(Get-VectorNamespace | ForEach-Object { [pscustomobject]@{ Name = $_.Name; RecordCount = $_.RecordCount } })'
            '[pscustomobject]@{'
            '    Installed = $installed; ModuleBase = $m.ModuleBase; Version = "$($m.Version)"'
            '    Assembly = (Get-Command Remove-VectorRecord).ImplementingType.Assembly.Location'
            '    ReleaseNotes = $m.PrivateData.PSData.ReleaseNotes'
            '    Added = ($added | Measure-Object -Property AffectedCount -Sum).Sum'
            '    PreviewStatus = @($preview.Status | ForEach-Object { "$_" } | Sort-Object -Unique)'
            '    PreviewIds = @($preview | ForEach-Object { $_.Ids } | Sort-Object)'
            '    AfterPreview = $afterPreview'
            '    DeletedStatus = @($deleted.Status | ForEach-Object { "$_" } | Sort-Object -Unique)'
            '    Removed = ($deleted | Measure-Object -Property AffectedCount -Sum).Sum'
            '    Left = $left'
            '} | ConvertTo-Json -Compress -Depth 4'
        ) -join [Environment]::NewLine
        $saveHome = $env:HOME; $saveData = $env:XDG_DATA_HOME
        try {
            $env:HOME = $tempHome
            $env:XDG_DATA_HOME = $data
            $script:ModuleRun = Invoke-ChildPwsh -Script $script -TimeoutSeconds 300
        }
        finally {
            $env:HOME = $saveHome; $env:XDG_DATA_HOME = $saveData
        }
        $script:ModuleSeen = ($ModuleRun.Output -split '\r?\n' | Where-Object { $_ -like '{*' } | Select-Object -Last 1) | ConvertFrom-Json
        $script:ModuleInstallRoot = if ($IsWindows) { $installDir } else { Join-Path $data 'powershell' 'Modules' }
        $script:ModuleBackup = $backup
    }

    It 'installs into the temporary folder and imports from there' {
        $ModuleRun.ExitCode | Should -Be 0 -Because "$($ModuleRun.Output)`n$($ModuleRun.Error)"
        $ModuleSeen.Installed | Should -BeExactly @($Version)
        $ModuleSeen.Version | Should -BeExactly $Version
        $ModuleSeen.ModuleBase | Should -BeExactly (Join-Path $ModuleInstallRoot 'VectorOps' $Version)
        $ModuleSeen.Assembly | Should -BeExactly (Join-Path $ModuleInstallRoot 'VectorOps' $Version 'VectorOps.PowerShell.dll')
        $ModuleSeen.ReleaseNotes | Should -Match ('^## ' + [regex]::Escape($Version))
        Join-Path $ModuleInstallRoot 'VectorOps' $Version 'LICENSE' | Should -Exist
    }

    It 'loads the samples, previews the filter delete without deleting, then deletes exactly those records with a backup' {
        $ModuleSeen.Added | Should -Be $Total
        $ModuleSeen.PreviewStatus | Should -BeExactly @('WhatIf')
        $ModuleSeen.PreviewIds | Should -BeExactly $Doomed
        $ModuleSeen.AfterPreview | Should -Be $Articles
        $ModuleSeen.DeletedStatus | Should -BeExactly @('Completed')
        $ModuleSeen.Removed | Should -Be $Doomed.Count
        ($ModuleSeen.Left | Where-Object Name -EQ 'articles').RecordCount | Should -Be ($Articles - $Doomed.Count)
        $backedUp = @(Get-Content -LiteralPath $ModuleBackup | ForEach-Object { ($_ | ConvertFrom-Json).id } | Sort-Object)
        $backedUp | Should -BeExactly $Doomed
    }
}

Describe 'The CLI installed by dotnet tool install from the package runs the main job' {
    BeforeAll {
        $toolPath = Join-Path $TestDrive 'tools'
        $nugetHome = Join-Path $TestDrive 'nuget-packages'
        # Only the feed: no other source is asked for VectorOps.Cli (and no network is needed).
        $config = Join-Path $TestDrive 'NuGet.config'
        @(
            '<?xml version="1.0" encoding="utf-8"?>'
            '<configuration><packageSources><clear />'
            '<add key="feed" value="' + [System.Security.SecurityElement]::Escape($Feed) + '" />'
            '</packageSources></configuration>'
        ) | Set-Content -LiteralPath $config -Encoding utf8NoBOM
        $saveNuget = $env:NUGET_PACKAGES
        try {
            $env:NUGET_PACKAGES = $nugetHome
            $script:InstallOutput = & dotnet tool install VectorOps.Cli --version $Version --tool-path $toolPath --configfile $config 2>&1 | Out-String
            $script:InstallExit = $LASTEXITCODE
        }
        finally { $env:NUGET_PACKAGES = $saveNuget }
        $script:Vectorops = Join-Path $toolPath ($IsWindows ? 'vectorops.exe' : 'vectorops')

        # The apphost finds the runtime through DOTNET_ROOT when dotnet is not in a default place.
        $dotnet = (Get-Command dotnet -CommandType Application | Select-Object -First 1).Source
        $dotnetRoot = Split-Path -Parent ([System.IO.Path]::GetFullPath((Get-Item -LiteralPath $dotnet).ResolvedTarget ?? $dotnet))
        $store = Join-Path $TestDrive 'cli-job' 'vectors.db'
        $script:CliBackup = Join-Path $TestDrive 'cli-job' 'backup.jsonl'
        $null = New-Item -ItemType Directory -Path (Split-Path $store) -Force
        $common = @('--path', $store, '--index', 'demo')
        $saveRoot = $env:DOTNET_ROOT
        try {
            $env:DOTNET_ROOT = $dotnetRoot
            $script:Help = & $Vectorops --help 2>&1 | Out-String
            $script:AddLines = @(& $Vectorops @common --create add --path $Samples --yes --json 2>$null)
            $script:AddExit = $LASTEXITCODE
            $script:PreviewLines = @(& $Vectorops @common remove --namespace articles --filter $FilterJson --what-if --json 2>$null)
            $script:PreviewExit = $LASTEXITCODE
            $script:AfterPreview = @(& $Vectorops @common namespaces --json 2>$null)
            $script:DeleteLines = @(& $Vectorops @common remove --namespace articles --filter $FilterJson --yes --force --backup $CliBackup --json 2>$null)
            $script:DeleteExit = $LASTEXITCODE
            $script:AfterDelete = @(& $Vectorops @common namespaces --json 2>$null)
        }
        finally { $env:DOTNET_ROOT = $saveRoot }
    }

    It 'installs the command vectorops into the temporary tool path' {
        $InstallExit | Should -Be 0 -Because $InstallOutput
        $Vectorops | Should -Exist
        Join-Path $TestDrive 'tools' '.store' 'vectorops.cli' $Version | Should -Exist
        $Help | Should -Match 'remove'
    }

    It 'loads the samples, previews the filter delete without deleting, then deletes exactly those records with a backup' {
        $AddExit | Should -Be 0
        ($AddLines | ForEach-Object { ($_ | ConvertFrom-Json).affectedCount } | Measure-Object -Sum).Sum | Should -Be $Total

        $PreviewExit | Should -Be 0
        $preview = @($PreviewLines | ForEach-Object { $_ | ConvertFrom-Json })
        @($preview.status | Sort-Object -Unique) | Should -BeExactly @('WhatIf')
        @($preview | ForEach-Object { $_.ids } | Sort-Object) | Should -BeExactly $Doomed
        ($AfterPreview | ForEach-Object { $_ | ConvertFrom-Json } | Where-Object name -EQ 'articles').recordCount | Should -Be $Articles

        $DeleteExit | Should -Be 0
        $deleted = @($DeleteLines | ForEach-Object { $_ | ConvertFrom-Json })
        @($deleted.status | Sort-Object -Unique) | Should -BeExactly @('Completed')
        ($deleted | Measure-Object -Property affectedCount -Sum).Sum | Should -Be $Doomed.Count
        ($AfterDelete | ForEach-Object { $_ | ConvertFrom-Json } | Where-Object name -EQ 'articles').recordCount | Should -Be ($Articles - $Doomed.Count)
        @(Get-Content -LiteralPath $CliBackup | ForEach-Object { ($_ | ConvertFrom-Json).id } | Sort-Object) | Should -BeExactly $Doomed
    }
}
