#Requires -Version 7.2
# Pester 5 tests of connection profiles (Save-VectorConnection, Connect-VectorIndex -Profile, Get-VectorConnection
# -ListAvailable, Remove-VectorConnection, the CLI's --profile and 'profile' commands, all on one profile file) and of
# secrets read through SecretManagement (Connect-VectorIndex -SecretName, a profile's Secret: source).
#
# Microsoft.PowerShell.SecretManagement does not install from this project's registries, so the secret tests use a
# STAND-IN: a module of the same name, written by this file into a temporary folder, whose Get-Secret has the real
# command's shape (-Name, -Vault, -AsPlainText; a SecureString unless -AsPlainText; an error when the secret is not
# there) and reads its secrets from a hashtable. It is not the real module; the cmdlets only ever call Get-Secret.
# Every profile lives in a temporary folder (VECTOROPS_CONFIG_HOME), never the user's own.
# Run: dotnet build; Invoke-Pester ./tests/Pester/Profiles.Tests.ps1

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $null = Import-VectorOpsModule

    $script:Work = Join-Path ([System.IO.Path]::GetTempPath()) ('vectorops-profiles-' + [guid]::NewGuid().ToString('N'))
    $null = New-Item -ItemType Directory -Path $Work
    $script:SavedConfigHome = $env:VECTOROPS_CONFIG_HOME
    $script:SavedModulePath = $env:PSModulePath
    $script:SavedPineconeKey = $env:PINECONE_API_KEY
    $script:SavedGenericKey = $env:VECTOROPS_API_KEY
    $env:PINECONE_API_KEY = $null
    $env:VECTOROPS_API_KEY = $null
    $env:VECTOROPS_CONFIG_HOME = Join-Path $Work 'config'
    $script:ProfileFile = Join-Path $env:VECTOROPS_CONFIG_HOME 'profiles.json'
    $script:Store = Join-Path $Work 'vectors.db'

    function Close-AllConnections { Get-VectorConnection -All | Disconnect-VectorIndex }

    # The built CLI (vectorops.dll), run with dotnet; same profile folder (the environment is inherited).
    $script:CliDll = Get-ChildItem -Path (Join-Path (Get-VectorOpsRepoRoot) 'src' 'VectorOps.Cli' 'bin') -Recurse -Filter 'vectorops.dll' |
        Sort-Object -Property LastWriteTimeUtc -Descending | Select-Object -First 1 -ExpandProperty FullName
    function Invoke-Cli {
        param([string[]] $Arguments)
        $psi = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
        foreach ($a in @($CliDll) + $Arguments) { $psi.ArgumentList.Add($a) }
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $psi.RedirectStandardInput = $true
        $psi.UseShellExecute = $false
        $psi.WorkingDirectory = $Work
        $p = [System.Diagnostics.Process]::Start($psi)
        $p.StandardInput.Close()
        $stdout = $p.StandardOutput.ReadToEndAsync()
        $stderr = $p.StandardError.ReadToEndAsync()
        if (-not $p.WaitForExit(120000)) { $p.Kill($true); throw 'vectorops did not finish within 120 s.' }
        $p.WaitForExit()
        [pscustomobject]@{ ExitCode = $p.ExitCode; Output = $stdout.Result; Error = $stderr.Result }
    }

    Connect-VectorIndex -Path $Store -Index demo -Create
    @{ id = 'a'; values = 1, 2 }, @{ id = 'b'; values = 3, 4 } | Add-VectorRecord -Confirm:$false | Out-Null
    Close-AllConnections
}

AfterAll {
    Get-VectorConnection -All | Disconnect-VectorIndex -ErrorAction Ignore
    Remove-Module -Name Microsoft.PowerShell.SecretManagement -Force -ErrorAction Ignore
    $env:VECTOROPS_CONFIG_HOME = $SavedConfigHome
    $env:PSModulePath = $SavedModulePath
    $env:PINECONE_API_KEY = $SavedPineconeKey
    $env:VECTOROPS_API_KEY = $SavedGenericKey
    Remove-Item -LiteralPath $Work -Recurse -Force -ErrorAction Ignore
    Remove-Module -Name VectorOps -Force -ErrorAction Ignore
}

Describe 'Connection profiles' {
    AfterEach { Close-AllConnections }

    It 'saves the current connection, lists it, and connects with it again' {
        Connect-VectorIndex -Path $Store -Index demo -Namespace default
        Save-VectorConnection -Name local-demo -Confirm:$false
        Close-AllConnections

        $listed = @(Get-VectorConnection -ListAvailable -Name local-demo)
        $listed.Count | Should -Be 1
        $listed[0].Provider | Should -Be 'Local'
        $listed[0].Index | Should -Be 'demo'
        $listed[0].Settings['Path'] | Should -Be ([System.IO.Path]::GetFullPath($Store))

        $c = Connect-VectorIndex -Profile local-demo -PassThru
        $c.Index | Should -Be 'demo'
        $c.Endpoint | Should -Be ([System.IO.Path]::GetFullPath($Store))
        $c.Profile | Should -Be 'local-demo'
        (Get-VectorRecord -Id a).Id | Should -Be 'a'
    }

    It 'lets parameters given beside -Profile override the profile' {
        Save-VectorConnection -Name local-ns -Provider Local -Path $Store -Index demo -Namespace default -Confirm:$false
        $c = Connect-VectorIndex -Profile local-ns -Namespace other -PassThru
        $c.Namespace | Should -Be 'other'
        $c.Index | Should -Be 'demo'
        Get-ErrorId { Connect-VectorIndex -Profile local-ns -Index missing } | Should -BeLike 'IndexNotFound,*'
        Get-ErrorId { Connect-VectorIndex -Profile local-ns -Provider Pinecone } | Should -BeLike 'InvalidArgument,*'
    }

    It 'refuses to overwrite a profile without -Force, and -WhatIf writes nothing' {
        Save-VectorConnection -Name twice -Provider Local -Path $Store -Index demo -Confirm:$false
        Get-ErrorId { Save-VectorConnection -Name twice -Provider Local -Path $Store -Index other -Confirm:$false } | Should -BeLike 'ProfileExists,*'
        $before = Get-Content -LiteralPath $ProfileFile -Raw
        Save-VectorConnection -Name twice -Provider Local -Path $Store -Index other -Force -WhatIf
        Save-VectorConnection -Name brand-new -Provider Local -Path $Store -Index demo -WhatIf
        Get-Content -LiteralPath $ProfileFile -Raw | Should -BeExactly $before
        (Save-VectorConnection -Name twice -Provider Local -Path $Store -Index other -Force -PassThru -Confirm:$false).Index | Should -Be 'other'
        (Get-VectorConnection -ListAvailable -Name twice).Index | Should -Be 'other'
    }

    It 'refuses a bad name, an unknown profile (with the closest name), and saving with no connection' {
        Get-ErrorId { Save-VectorConnection -Name 'no/slash' -Provider Local -Path $Store -Index demo } | Should -BeLike 'InvalidProfileName,*'
        Get-ErrorId { Save-VectorConnection -Name 'star*' -Provider Local -Path $Store -Index demo } | Should -BeLike 'InvalidProfileName,*'
        Save-VectorConnection -Name known-one -Provider Local -Path $Store -Index demo -Confirm:$false
        $err = $null
        try { Connect-VectorIndex -Profile known-on } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'ProfileNotFound,*'
        $err.Exception.Message | Should -Match "known-one"
        Get-ErrorId { Save-VectorConnection -Name nothing-open } | Should -BeLike 'NotConnected,*'
    }

    It 'removes one profile; a wildcard matching several removes none without -Force' {
        foreach ($n in 'tmp-1', 'tmp-2', 'tmp-3') { Save-VectorConnection -Name $n -Provider Local -Path $Store -Index demo -Confirm:$false }
        Get-ErrorId { Remove-VectorConnection -Name 'tmp-*' -ErrorAction Stop } | Should -BeLike 'ProfilePatternMatchesMany,*'
        @(Get-VectorConnection -ListAvailable -Name 'tmp-*').Count | Should -Be 3
        Get-ErrorId { Remove-VectorConnection -Name 'tmp-9' -ErrorAction Stop } | Should -BeLike 'ProfileNotFound,*'

        Remove-VectorConnection -Name 'tmp-*' -Force -WhatIf
        @(Get-VectorConnection -ListAvailable -Name 'tmp-*').Count | Should -Be 3

        Remove-VectorConnection -Name tmp-1
        @(Get-VectorConnection -ListAvailable -Name 'tmp-*').Name | Should -Be @('tmp-2', 'tmp-3')
        Get-VectorConnection -ListAvailable -Name 'tmp-*' | Remove-VectorConnection
        @(Get-VectorConnection -ListAvailable -Name 'tmp-*').Count | Should -Be 0
        Remove-VectorConnection -Name 'tmp-*' -WarningVariable warned -WarningAction SilentlyContinue
        $warned.Count | Should -Be 1
    }

    It 'completes profile names on Tab' {
        Save-VectorConnection -Name tabbed-profile -Provider Local -Path $Store -Index demo -Confirm:$false
        $connectLine = 'Connect-VectorIndex -Profile tabbed'
        $removeLine = 'Remove-VectorConnection -Name tabbed'
        foreach ($line in $connectLine, $removeLine) {
            $completion = TabExpansion2 -inputScript $line -cursorColumn $line.Length
            $completion.CompletionMatches.CompletionText | Should -Contain 'tabbed-profile'
        }
    }

    It 'stores the file owner-only on Unix, with a schema version' -Skip:$IsWindows {
        Save-VectorConnection -Name mode-check -Provider Local -Path $Store -Index demo -Confirm:$false
        [System.IO.File]::GetUnixFileMode($ProfileFile) | Should -Be ([System.IO.UnixFileMode] 'UserRead, UserWrite')
        (Get-Content -LiteralPath $ProfileFile -Raw | ConvertFrom-Json).schemaVersion | Should -Be 1
    }

    It 'reports a corrupt profile file by its path and leaves it as it is' {
        $good = Get-Content -LiteralPath $ProfileFile -Raw
        try {
            Set-Content -LiteralPath $ProfileFile -Value '{ "schemaVersion": 1, "profiles": [ { "name": ' -NoNewline
            $err = $null
            try { Save-VectorConnection -Name after-corrupt -Provider Local -Path $Store -Index demo -Confirm:$false } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -BeLike 'ProfileStoreCorrupt,*'
            $err.Exception.Message | Should -Match ([regex]::Escape($ProfileFile))
            Get-ErrorId { Get-VectorConnection -ListAvailable } | Should -BeLike 'ProfileStoreCorrupt,*'
            Get-Content -LiteralPath $ProfileFile -Raw | Should -BeExactly '{ "schemaVersion": 1, "profiles": [ { "name": '
            $cli = Invoke-Cli @('profile', 'list')
            $cli.ExitCode | Should -Be 2
            $cli.Error | Should -Match 'ProfileStoreCorrupt'
        }
        finally {
            Set-Content -LiteralPath $ProfileFile -Value $good -NoNewline
        }
    }

    It 'shares the profiles with the CLI: --profile, profile save, list and remove' {
        Save-VectorConnection -Name for-cli -Provider Local -Path $Store -Index demo -Confirm:$false
        $stats = Invoke-Cli @('--profile', 'for-cli', 'stats', '--json')
        $stats.ExitCode | Should -Be 0 -Because $stats.Error
        ($stats.Output | ConvertFrom-Json).index | Should -Be 'demo'
        $get = Invoke-Cli @('get', '--profile', 'for-cli', '--id', 'b', '--json')
        ($get.Output | ConvertFrom-Json).id | Should -Be 'b'

        $saved = Invoke-Cli @('profile', 'save', '--name', 'from-cli', '--store', $Store, '--index', 'demo', '--namespace', 'default')
        $saved.ExitCode | Should -Be 0 -Because $saved.Error
        $p = Get-VectorConnection -ListAvailable -Name from-cli
        $p.Provider | Should -Be 'Local'
        $p.Namespace | Should -Be 'default'
        (Connect-VectorIndex -Profile from-cli -PassThru).Index | Should -Be 'demo'

        (Invoke-Cli @('profile', 'save', '--name', 'from-cli', '--store', $Store, '--index', 'demo')).ExitCode | Should -Be 2
        (Invoke-Cli @('profile', 'list', '--json')).Output -split "`n" | Where-Object { $_ } | ForEach-Object { ($_ | ConvertFrom-Json).name } | Should -Contain 'from-cli'
        (Invoke-Cli @('profile', 'remove', '--name', 'from-cli')).ExitCode | Should -Be 0
        Get-VectorConnection -ListAvailable -Name 'from-cli*' | Should -BeNullOrEmpty
        $missing = Invoke-Cli @('--profile', 'from-cli', 'stats')
        $missing.ExitCode | Should -Be 2
        $missing.Error | Should -Match 'ProfileNotFound'
    }
}

Describe 'Secrets read through SecretManagement (a stand-in module of the same name)' {
    BeforeAll {
        $script:Key = 'pester-secret-' + [guid]::NewGuid().ToString('N')
        $script:Emulator = Start-Emulator -Name pinecone -ArgumentList '--api-key', $Key, '--dimension', '4'

        # The stand-in: NOT the real Microsoft.PowerShell.SecretManagement (see the top of this file).
        $script:StandInRoot = Join-Path $Work 'modules'
        $folder = Join-Path $StandInRoot 'Microsoft.PowerShell.SecretManagement'
        $null = New-Item -ItemType Directory -Path $folder -Force
        Set-Content -LiteralPath (Join-Path $folder 'Microsoft.PowerShell.SecretManagement.psm1') -Value @'
# STAND-IN for Microsoft.PowerShell.SecretManagement, written by tests/Pester/Profiles.Tests.ps1: Get-Secret's shape
# (-Name, -Vault, -AsPlainText; SecureString by default), secrets from $global:StandInVaults (vault -> name -> value).
function Get-Secret {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0)] [string] $Name,
        [Parameter(Position = 1)] [string] $Vault,
        [switch] $AsPlainText
    )
    $global:StandInCalls += @([pscustomobject]@{ Name = $Name; Vault = $Vault; AsPlainText = $AsPlainText.IsPresent })
    $vaults = if ($Vault) { @($Vault) } else { @($global:StandInVaults.Keys) }
    foreach ($v in $vaults) {
        $secrets = $global:StandInVaults[$v]
        if ($secrets -and $secrets.ContainsKey($Name)) {
            if ($AsPlainText) { return $secrets[$Name] }
            return (ConvertTo-SecureString -String $secrets[$Name] -AsPlainText -Force)
        }
    }
    Write-Error -Message "The secret $Name was not found." -ErrorId 'GetSecretNotFound' -Category ObjectNotFound
}
Export-ModuleMember -Function Get-Secret
'@
        $env:PSModulePath = $StandInRoot + [System.IO.Path]::PathSeparator + $SavedModulePath
        $global:StandInVaults = @{ Team = @{ PineKey = $Key; WrongKey = 'not-the-key-' + [guid]::NewGuid().ToString('N') } }
    }

    AfterAll {
        Get-VectorConnection -All | Disconnect-VectorIndex -ErrorAction Ignore
        if ($Emulator) { Stop-Emulator -Process $Emulator.Process }
        Remove-Module -Name Microsoft.PowerShell.SecretManagement -Force -ErrorAction Ignore
        $env:PSModulePath = $SavedModulePath
        Remove-Variable -Name StandInVaults, StandInCalls -Scope Global -ErrorAction Ignore
    }

    BeforeEach { $global:StandInCalls = @() }
    AfterEach { Get-VectorConnection -All | Disconnect-VectorIndex }

    It 'Connect-VectorIndex -SecretName imports the module, calls Get-Secret (a SecureString), and the service accepts the key' {
        Remove-Module -Name Microsoft.PowerShell.SecretManagement -Force -ErrorAction Ignore
        $c = Connect-VectorIndex -Provider Pinecone -IndexHost $Emulator.Uri -SecretName PineKey -Vault Team -PassThru
        $c.CredentialSource | Should -Be 'Secret:PineKey@Team'
        $global:StandInCalls.Count | Should -Be 1
        $global:StandInCalls[0].Vault | Should -Be 'Team'
        $global:StandInCalls[0].AsPlainText | Should -BeFalse
        (Get-VectorIndex).Provider | Should -Be 'Pinecone'

        # A wrong key from the vault reaches the service and is refused there: the value really came from Get-Secret.
        Connect-VectorIndex -Provider Pinecone -IndexHost $Emulator.Uri -SecretName WrongKey
        Get-ErrorId { Get-VectorIndex } | Should -BeLike 'ProviderAuthenticationFailed,*'
    }

    It 'a secret the vault does not have is SecretNotFound' {
        Get-ErrorId { Connect-VectorIndex -Provider Pinecone -IndexHost $Emulator.Uri -SecretName Missing -Vault Team } | Should -BeLike 'SecretNotFound,*'
    }

    It 'a profile whose key is in a vault connects through Get-Secret; the CLI says it cannot read it' {
        Save-VectorConnection -Name vaulted -Provider Pinecone -IndexHost $Emulator.Uri -Index films -SecretName PineKey -Vault Team -Confirm:$false
        (Get-VectorConnection -ListAvailable -Name vaulted).CredentialSource | Should -Be 'Secret:PineKey@Team'
        $c = Connect-VectorIndex -Profile vaulted -PassThru
        $c.CredentialSource | Should -Be 'Secret:PineKey@Team'
        (Get-VectorIndex -Connection $c).Provider | Should -Be 'Pinecone'

        $cli = Invoke-Cli @('--profile', 'vaulted', 'stats')
        $cli.ExitCode | Should -Be 2
        $cli.Error | Should -Match 'SecretManagementUnavailable'
        $cli.Error | Should -Match 'api-key-file'

        # The documented way round: the key in a file (or a variable) given to the CLI overrides the profile's source.
        $keyFile = Join-Path $Work 'key.txt'
        Set-Content -LiteralPath $keyFile -Value $Key -NoNewline
        if (-not $IsWindows) { [System.IO.File]::SetUnixFileMode($keyFile, [System.IO.UnixFileMode] 'UserRead, UserWrite') }
        $withFile = Invoke-Cli @('--profile', 'vaulted', 'stats', '--api-key-file', $keyFile, '--json')
        $withFile.ExitCode | Should -Be 0 -Because $withFile.Error
    }

    It 'a profile whose key is in an environment variable works in PowerShell and in the CLI' {
        Save-VectorConnection -Name from-env -Provider Pinecone -IndexHost $Emulator.Uri -SecretVariable PESTER_PROFILE_KEY -Confirm:$false
        Get-ErrorId { Connect-VectorIndex -Profile from-env } | Should -BeLike 'MissingCredential,*'
        $env:PESTER_PROFILE_KEY = $Key
        try {
            (Connect-VectorIndex -Profile from-env -PassThru).CredentialSource | Should -Be 'Environment:PESTER_PROFILE_KEY'
            (Get-VectorIndex).Provider | Should -Be 'Pinecone'
            (Invoke-Cli @('--profile', 'from-env', 'stats', '--json')).ExitCode | Should -Be 0
        }
        finally { $env:PESTER_PROFILE_KEY = $null }
    }

    It 'without the module, -SecretName is SecretManagementUnavailable and nothing is connected' {
        Remove-Module -Name Microsoft.PowerShell.SecretManagement -Force -ErrorAction Ignore
        $env:PSModulePath = $SavedModulePath
        try {
            Get-Module -ListAvailable -Name Microsoft.PowerShell.SecretManagement | Should -BeNullOrEmpty -Because 'this test needs the module to be absent'
            Get-ErrorId { Connect-VectorIndex -Provider Pinecone -IndexHost $Emulator.Uri -SecretName PineKey } | Should -BeLike 'SecretManagementUnavailable,*'
            Get-ErrorId { Connect-VectorIndex -Profile vaulted } | Should -BeLike 'SecretManagementUnavailable,*'
            Get-VectorConnection | Should -BeNullOrEmpty
            $global:StandInCalls.Count | Should -Be 0
        }
        finally { $env:PSModulePath = $StandInRoot + [System.IO.Path]::PathSeparator + $SavedModulePath }
    }

    It 'never writes the key: not in the profile file, any stream, an error, or the CLI' {
        $Error.Clear()
        $streams = & {
            Save-VectorConnection -Name scan -Provider Pinecone -IndexHost $Emulator.Uri -SecretName PineKey -Vault Team -Force -Verbose -Confirm:$false
            $c = Connect-VectorIndex -Profile scan -PassThru -Verbose -Debug
            $c | Format-List -Property * -Force | Out-String
            Get-VectorConnection -ListAvailable | Format-List -Property * -Force | Out-String
            Get-VectorIndex -Verbose -Debug | Out-String
            Save-VectorConnection -Name scan-again -Force -Verbose -Confirm:$false -PassThru | Format-List -Property * | Out-String
            Connect-VectorIndex -Provider Pinecone -IndexHost $Emulator.Uri -SecretName WrongKey -Verbose -Debug
            try { Get-VectorIndex -Verbose -Debug } catch { $_ | Out-String }
        } *>&1 | Out-String
        $cli = Invoke-Cli @('--profile', 'scan', 'stats', '--verbose', '--debug')
        $everything = @($streams, ($Error | Out-String), (Get-Content -LiteralPath $ProfileFile -Raw), $cli.Output, $cli.Error) -join "`n"
        $everything | Should -Not -BeNullOrEmpty
        $everything | Should -Match 'Secret:PineKey@Team'
        $everything.Contains($Key) | Should -BeFalse
        $everything.Contains($global:StandInVaults.Team.WrongKey) | Should -BeFalse
    }
}
