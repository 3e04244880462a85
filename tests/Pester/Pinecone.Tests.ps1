#Requires -Version 7.2
# Pester 5 examples of the Pinecone provider against the loopback Pinecone emulator (tests/VectorOps.Emulators),
# started as a program. The emulator's admin path /_emulator/journal says which requests it received, so the
# examples can show how many delete requests a command sent and that -WhatIf sent none.
# (The xunit tests in tests/VectorOps.Tests/Pinecone put Prism in front of the emulator; these talk to it directly.)
# Run: dotnet build; Invoke-Pester ./tests/Pester/Pinecone.Tests.ps1

BeforeAll {
    $script:RepoRoot = (Resolve-Path -LiteralPath (Join-Path $PSScriptRoot '..' '..')).Path
    $script:ModuleManifest = Join-Path $RepoRoot 'module' 'VectorOps' 'VectorOps.psd1'
    if (-not (Test-Path -LiteralPath $ModuleManifest)) {
        throw "Build the module first (dotnet build): $ModuleManifest is missing."
    }
    Import-Module -Name $ModuleManifest -Force -ErrorAction Stop

    # Start the emulator: the built program if it is there, else dotnet run. Its first output line is its URI.
    $script:Key = 'pester-' + [guid]::NewGuid().ToString('N')
    $dll = Get-ChildItem -Path (Join-Path $RepoRoot 'tests' 'VectorOps.Emulators' 'bin') -Recurse -Filter 'VectorOps.Emulators.dll' -ErrorAction SilentlyContinue |
        Sort-Object LastWriteTime -Descending | Select-Object -First 1
    $psi = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    if ($dll) {
        $psi.ArgumentList.Add($dll.FullName)
    }
    else {
        foreach ($a in 'run', '--project', (Join-Path $RepoRoot 'tests' 'VectorOps.Emulators'), '--') { $psi.ArgumentList.Add($a) }
    }
    foreach ($a in 'pinecone', '--port', '0', '--api-key', $Key, '--dimension', '4') { $psi.ArgumentList.Add($a) }
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardInput = $true
    $psi.UseShellExecute = $false
    $script:Emulator = [System.Diagnostics.Process]::Start($psi)
    $line = $Emulator.StandardOutput.ReadLine()
    if (-not $line) { throw 'The Pinecone emulator did not start.' }
    $script:EmulatorUri = [uri] $line

    function Get-EmulatorJournal { Invoke-RestMethod -Uri ([uri]::new($EmulatorUri, '/_emulator/journal')) }
    function Reset-Emulator { Invoke-RestMethod -Method Post -Uri ([uri]::new($EmulatorUri, '/_emulator/reset')) | Out-Null }

    function Connect-Emulator {
        param([string] $ApiVersion = '2026-04')
        $secure = ConvertTo-SecureString -String $Key -AsPlainText -Force
        Connect-VectorIndex -Provider Pinecone -IndexHost $EmulatorUri -ApiKey $secure -ApiVersion $ApiVersion -PassThru
    }

    # Records doc-00000.. with a genre (every third a drama) and a year.
    function Add-TestRecord {
        param([int] $Count, [string] $Namespace, [string] $Prefix = 'doc-')
        0..($Count - 1) | ForEach-Object {
            @{ id = '{0}{1:D5}' -f $Prefix, $_; values = 1, 0.5, 0.25, $_; metadata = @{ genre = if ($_ % 3 -eq 0) { 'drama' } else { 'comedy' }; year = 2000 + $_ % 25 } }
        } | Add-VectorRecord -Namespace $Namespace -Confirm:$false | Out-Null
    }
}

AfterAll {
    if ($script:Emulator -and -not $Emulator.HasExited) {
        $Emulator.StandardInput.Close()   # closing stdin stops the emulator
        if (-not $Emulator.WaitForExit(10000)) { $Emulator.Kill($true) }
    }
}

Describe 'Pinecone provider against the emulator' {
    BeforeEach {
        Reset-Emulator
        $script:Connection = Connect-Emulator
    }

    It 'connects with -IndexHost and a SecureString key, and shows no key' {
        $Connection.Provider | Should -Be 'Pinecone'
        $Connection.Namespace | Should -Be '__default__'
        ($Connection | Out-String) | Should -Not -Match ([regex]::Escape($Key))
    }

    It 'takes the key from PINECONE_API_KEY when none is given' {
        $saved = $env:PINECONE_API_KEY
        try {
            $env:PINECONE_API_KEY = $Key
            $c = Connect-VectorIndex -Provider Pinecone -IndexHost $EmulatorUri -PassThru
            @(Get-VectorNamespace -Connection $c).Count | Should -Be 0
        }
        finally { $env:PINECONE_API_KEY = $saved }
    }

    It 'adds records in batches and lists the namespace with its count' {
        Add-TestRecord -Count 2500 -Namespace docs
        (Get-VectorNamespace -Name docs).RecordCount | Should -Be 2500
        (Get-EmulatorJournal).operations.upsert | Should -Be 3
    }

    It 'deletes 2,500 piped ids in 3 requests of at most 1000' {
        Add-TestRecord -Count 2500 -Namespace docs
        $before = (Get-EmulatorJournal).operations.delete
        $mutations = 0..2499 | ForEach-Object { 'doc-{0:D5}' -f $_ } | Remove-VectorRecord -Namespace docs -Confirm:$false
        $mutations.Count | Should -Be 3
        $mutations.Status | Sort-Object -Unique | Should -Be 'Acknowledged'
        $journal = Get-EmulatorJournal
        $journal.operations.delete - [int] $before | Should -Be 3
        ($journal.idCounts | Measure-Object -Maximum).Maximum | Should -BeLessOrEqual 1000
        (Get-VectorNamespace -Name docs).RecordCount | Should -Be 0
    }

    It 'refuses an invalid id by name and sends nothing' {
        Add-TestRecord -Count 5 -Namespace docs
        $before = (Get-EmulatorJournal).mutatingCalls
        $err = $null
        Remove-VectorRecord -Id ('x' * 513) -Namespace docs -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidVectorId*'
        $err[0].TargetObject | Should -Be ('x' * 513)
        (Get-EmulatorJournal).mutatingCalls | Should -Be $before
    }

    It '-WhatIf on a filter shows the matching ids and count and deletes nothing' {
        Add-TestRecord -Count 300 -Namespace films
        $before = (Get-EmulatorJournal).mutatingCalls
        $preview = Remove-VectorRecord -Filter @{ genre = 'drama' } -Namespace films -WhatIf
        ($preview | ForEach-Object Ids | Measure-Object).Count | Should -Be 100
        $preview.Status | Sort-Object -Unique | Should -Be 'WhatIf'
        (Get-EmulatorJournal).mutatingCalls | Should -Be $before
        (Get-VectorNamespace -Name films).RecordCount | Should -Be 300
    }

    It '-WhatIf on a prefix shows the matching ids and deletes nothing' {
        Add-TestRecord -Count 150 -Namespace docs -Prefix 'a#'
        Add-TestRecord -Count 20 -Namespace docs -Prefix 'b#'
        $before = (Get-EmulatorJournal).mutatingCalls
        $preview = Remove-VectorRecord -Prefix 'a#' -Namespace docs -WhatIf
        ($preview | ForEach-Object Ids | Sort-Object -Unique).Count | Should -Be 150
        (Get-EmulatorJournal).mutatingCalls | Should -Be $before
    }

    It 'deletes by filter natively on 2026-04 and by ids on 2025-10' {
        Add-TestRecord -Count 300 -Namespace films
        Remove-VectorRecord -Filter @{ genre = 'drama' } -Namespace films -Force -Confirm:$false | Out-Null
        (Get-VectorNamespace -Name films).RecordCount | Should -Be 200

        $legacy = Connect-Emulator -ApiVersion '2025-10'
        $verbose = Remove-VectorRecord -Connection $legacy -Filter @{ year = @{ '$gte' = 2020 } } -Namespace films -Force -Confirm:$false -Verbose 4>&1
        ($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | Out-String) | Should -Match 'cannot delete by filter'
        (Get-VectorRecord -Connection $legacy -Namespace films -Filter @{ year = @{ '$gte' = 2020 } } -IdOnly | Measure-Object).Count | Should -Be 0
    }

    It 'deletes by prefix' {
        Add-TestRecord -Count 250 -Namespace docs -Prefix 'tmp-'
        Add-TestRecord -Count 10 -Namespace docs -Prefix 'keep-'
        Remove-VectorRecord -Prefix 'tmp-' -Namespace docs -Force -Confirm:$false | Out-Null
        (Get-VectorRecord -Namespace docs -IdOnly | ForEach-Object Id | Sort-Object) -join ',' |
            Should -Be ((0..9 | ForEach-Object { 'keep-{0:D5}' -f $_ }) -join ',')
    }

    It 'clears a namespace, and removes it with -RemoveNamespace' {
        Add-TestRecord -Count 20 -Namespace logs
        Clear-VectorNamespace -Namespace logs -Confirm:$false | Out-Null
        (Get-VectorNamespace -Name logs).RecordCount | Should -Be 0
        Clear-VectorNamespace -Namespace logs -RemoveNamespace -Confirm:$false | Out-Null
        Get-VectorNamespace -Name logs | Should -BeNullOrEmpty
    }

    It 'waits until a delete is indexed' {
        Add-TestRecord -Count 10 -Namespace docs
        $done = Remove-VectorRecord -Id 'doc-00001', 'doc-00002' -Namespace docs -Confirm:$false |
            Wait-VectorMutation -Timeout 30 -PollInterval 0.1
        $done.Status | Should -Be 'Completed'
        $done.Lsn | Should -BeGreaterThan 0
    }

    It 'reads records back by id' {
        Add-TestRecord -Count 10 -Namespace docs
        $r = Get-VectorRecord -Id 'doc-00003' -Namespace docs
        $r.Metadata.genre | Should -Be 'drama'
        $r.Values.Count | Should -Be 4
    }
}
