#Requires -Version 7.2
# Pester 5 examples of the Pinecone provider against the loopback Pinecone emulator (tests/VectorOps.Emulators),
# started as a program. The emulator's admin path /_emulator/journal says which requests it received, so the
# examples can show how many delete requests a command sent and that -WhatIf sent none.
# (The xunit tests in tests/VectorOps.Tests/Pinecone put Prism in front of the emulator; these talk to it directly.)
# Run: dotnet build; Invoke-Pester ./tests/Pester/Pinecone.Tests.ps1

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $null = Import-VectorOpsModule

    $script:SavedKey = $env:PINECONE_API_KEY
    $script:Key = 'pester-' + [guid]::NewGuid().ToString('N')
    $script:Emulator = Start-Emulator -Name pinecone -ArgumentList '--api-key', $Key, '--dimension', '4'
    $script:EmulatorUri = $Emulator.Uri

    function Get-EmulatorJournal { Invoke-RestMethod -Uri ([uri]::new($EmulatorUri, '/_emulator/journal')) -NoProxy -TimeoutSec 30 }
    function Reset-Emulator { Invoke-RestMethod -Method Post -Uri ([uri]::new($EmulatorUri, '/_emulator/reset')) -NoProxy -TimeoutSec 30 | Out-Null }

    function Connect-Emulator {
        param([string] $ApiVersion = '2026-04')
        $secure = ConvertTo-SecureString -String $Key -AsPlainText -Force
        Connect-VectorIndex -Provider Pinecone -IndexHost $EmulatorUri -ApiKey $secure -ApiVersion $ApiVersion -PassThru
    }

    # Records doc-00000.. with a genre (every third a drama) and a year.
    function Add-TestRecord {
        param([int] $Count, [string] $Namespace, [string] $Prefix = 'doc-')
        0..($Count - 1) | ForEach-Object {
            $genre = if ($_ % 3 -eq 0) { 'drama' } else { 'comedy' }
            @{ id = '{0}{1:D5}' -f $Prefix, $_; values = 1, 0.5, 0.25, $_; metadata = @{ genre = $genre; year = 2000 + $_ % 25 } }
        } | Add-VectorRecord -Namespace $Namespace -Confirm:$false | Out-Null
    }
}

AfterAll {
    Disconnect-VectorIndex -ErrorAction Ignore
    $env:PINECONE_API_KEY = $SavedKey
    if ($Emulator) { Stop-Emulator -Process $Emulator.Process }
    Remove-Module -Name VectorOps -Force -ErrorAction Ignore
}

Describe 'Pinecone provider against the emulator' {
    BeforeEach {
        Reset-Emulator
        $script:Connection = Connect-Emulator
    }

    AfterEach {
        Disconnect-VectorIndex -ErrorAction Ignore
    }

    It 'connects with -IndexHost and a SecureString key, and shows no key' {
        $Connection.Provider | Should -BeExactly 'Pinecone'
        $Connection.Namespace | Should -BeExactly '__default__'
        ($Connection | Format-List -Property * | Out-String) | Should -Not -Match ([regex]::Escape($Key))
    }

    It 'takes the key from PINECONE_API_KEY when none is given' {
        try {
            $env:PINECONE_API_KEY = $Key
            $c = Connect-VectorIndex -Provider Pinecone -IndexHost $EmulatorUri -PassThru
            @(Get-VectorNamespace -Connection $c).Count | Should -Be 0
        }
        finally { $env:PINECONE_API_KEY = $SavedKey }
    }

    It 'adds records in batches and lists the namespace with its count' {
        Add-TestRecord -Count 2500 -Namespace docs
        (Get-VectorNamespace -Name docs).RecordCount | Should -Be 2500
        (Get-EmulatorJournal).operations.upsert | Should -Be 3
    }

    It 'deletes 2,500 piped ids in 3 requests of at most 1000' {
        Add-TestRecord -Count 2500 -Namespace docs
        $before = [int] (Get-EmulatorJournal).operations.delete
        $mutations = @(0..2499 | ForEach-Object { 'doc-{0:D5}' -f $_ } | Remove-VectorRecord -Namespace docs -Confirm:$false)
        $mutations | Should -HaveCount 3
        $mutations | ForEach-Object { $_.Status | Should -Be 'Acknowledged' }
        $journal = Get-EmulatorJournal
        [int] $journal.operations.delete - $before | Should -Be 3
        ($journal.idCounts | Measure-Object -Maximum).Maximum | Should -BeLessOrEqual 1000
        (Get-VectorNamespace -Name docs).RecordCount | Should -Be 0
    }

    It 'refuses an invalid id by name and sends nothing' {
        Add-TestRecord -Count 5 -Namespace docs
        $before = (Get-EmulatorJournal).mutatingCalls
        $err = $null
        Remove-VectorRecord -Id ('x' * 513) -Namespace docs -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'InvalidVectorId,VectorOps.PowerShell.Cmdlets.RemoveVectorRecordCommand'
        $err[0].TargetObject | Should -BeExactly ('x' * 513)
        (Get-EmulatorJournal).mutatingCalls | Should -Be $before
    }

    It '-WhatIf on a filter shows the matching ids and count and deletes nothing' {
        Add-TestRecord -Count 300 -Namespace films
        $before = (Get-EmulatorJournal).mutatingCalls
        $preview = @(Remove-VectorRecord -Filter @{ genre = 'drama' } -Namespace films -WhatIf)
        @($preview | ForEach-Object Ids).Count | Should -Be 100
        $preview | ForEach-Object { $_.Status | Should -Be 'WhatIf' }
        (Get-EmulatorJournal).mutatingCalls | Should -Be $before
        (Get-VectorNamespace -Name films).RecordCount | Should -Be 300
    }

    It '-WhatIf on a prefix shows the matching ids and deletes nothing' {
        Add-TestRecord -Count 150 -Namespace docs -Prefix 'a#'
        Add-TestRecord -Count 20 -Namespace docs -Prefix 'b#'
        $before = (Get-EmulatorJournal).mutatingCalls
        $preview = @(Remove-VectorRecord -Prefix 'a#' -Namespace docs -WhatIf)
        $ids = @($preview | ForEach-Object Ids | Sort-Object -Unique)
        $ids | Should -HaveCount 150
        $ids | ForEach-Object { $_ | Should -BeLike 'a#*' }
        (Get-EmulatorJournal).mutatingCalls | Should -Be $before
    }

    It 'deletes by filter natively on 2026-04 and by ids on 2025-10' {
        Add-TestRecord -Count 300 -Namespace films
        Remove-VectorRecord -Filter @{ genre = 'drama' } -Namespace films -Force -Confirm:$false | Out-Null
        (Get-VectorNamespace -Name films).RecordCount | Should -Be 200

        $legacy = Connect-Emulator -ApiVersion '2025-10'
        $verbose = Remove-VectorRecord -Connection $legacy -Filter @{ year = @{ '$gte' = 2020 } } -Namespace films -Force -Confirm:$false -Verbose 4>&1
        ($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message) -join "`n" |
            Should -Match 'cannot delete by filter'
        @(Get-VectorRecord -Connection $legacy -Namespace films -Filter @{ year = @{ '$gte' = 2020 } } -IdOnly) | Should -HaveCount 0
    }

    It 'deletes by prefix' {
        Add-TestRecord -Count 250 -Namespace docs -Prefix 'tmp-'
        Add-TestRecord -Count 10 -Namespace docs -Prefix 'keep-'
        Remove-VectorRecord -Prefix 'tmp-' -Namespace docs -Force -Confirm:$false | Out-Null
        (Get-VectorRecord -Namespace docs -IdOnly | ForEach-Object Id | Sort-Object) -join ',' |
            Should -BeExactly ((0..9 | ForEach-Object { 'keep-{0:D5}' -f $_ }) -join ',')
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
        $done | Should -HaveCount 1
        $done.Status | Should -Be 'Completed'
        $done.ProviderState | Should -Match '^lsn:[1-9][0-9]*$'
    }

    It 'reads records back by id' {
        Add-TestRecord -Count 10 -Namespace docs
        $r = Get-VectorRecord -Id 'doc-00003' -Namespace docs
        $r.Metadata['genre'] | Should -BeExactly 'drama'
        $r.Values | Should -HaveCount 4
    }
}
