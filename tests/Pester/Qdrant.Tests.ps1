#Requires -Version 7.2
# Pester 5 examples of the Qdrant provider against the loopback Qdrant emulator (tests/VectorOps.Emulators/Qdrant),
# started as a program (Start-QdrantTestEmulator, stopped by its process id). Its admin path /_emulator/journal
# says which requests it received. (The xunit tests in tests/VectorOps.Tests/Qdrant put Prism in front of it.)
# Run: dotnet build; Invoke-Pester ./tests/Pester/Qdrant.Tests.ps1

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:ModuleManifest = Import-VectorOpsModule

    $script:SavedKey = $env:QDRANT_API_KEY
    $script:Key = 'qdr-pester-' + [guid]::NewGuid().ToString('N')
    $script:Emulator = Start-QdrantTestEmulator -ApiKey $Key
    $script:EmulatorUri = $Emulator.Uri

    function Get-EmulatorJournal { Invoke-RestMethod -Uri ([uri]::new($EmulatorUri, '/_emulator/journal')) -NoProxy -TimeoutSec 30 }
    function Reset-Emulator { Invoke-RestMethod -Method Post -Uri ([uri]::new($EmulatorUri, '/_emulator/reset')) -NoProxy -TimeoutSec 30 | Out-Null }

    function Connect-Emulator {
        param([switch] $WaitForApply)
        $secure = ConvertTo-SecureString -String $Key -AsPlainText -Force
        Connect-VectorIndex -Provider Qdrant -Endpoint $EmulatorUri -Index docs -NamespaceKey group_id -ApiKey $secure -WaitForApply:$WaitForApply -PassThru
    }

    # Points with integer ids From..From+Count-1: a genre (every third a drama) and a year.
    function Add-TestRecord {
        param([int] $Count, [string] $Namespace, [int] $From = 1000)
        0..($Count - 1) | ForEach-Object {
            $genre = if ($_ % 3 -eq 0) { 'drama' } else { 'comedy' }
            @{ id = [string] ($From + $_); values = 1, 0.5, 0.25, $_; metadata = @{ genre = $genre; year = 2000 + $_ % 25 } }
        } | Add-VectorRecord -Namespace $Namespace -Confirm:$false | Out-Null
    }
}

AfterAll {
    Disconnect-VectorIndex -ErrorAction Ignore
    $env:QDRANT_API_KEY = $SavedKey
    Stop-QdrantTestEmulator -Emulator $Emulator
    Remove-Module -Name VectorOps -Force -ErrorAction Ignore
}

Describe 'Qdrant provider against the emulator' {
    BeforeEach {
        Reset-Emulator
        $script:Connection = Connect-Emulator
    }

    AfterEach {
        Disconnect-VectorIndex -ErrorAction Ignore
    }

    It 'connects with -Endpoint, -Index, -NamespaceKey and a SecureString key, and shows no key' {
        $Connection.Provider | Should -BeExactly 'Qdrant'
        $Connection.Index | Should -BeExactly 'docs'
        ($Connection | Format-List -Property * | Out-String) | Should -Not -Match ([regex]::Escape($Key))
    }

    It 'takes the key from QDRANT_API_KEY, and a wrong key is ProviderAuthenticationFailed' {
        try {
            $env:QDRANT_API_KEY = $Key
            $c = Connect-VectorIndex -Provider Qdrant -Endpoint $EmulatorUri -Index docs -NamespaceKey group_id -PassThru
            @(Get-VectorNamespace -Connection $c) | Should -HaveCount 0
            $env:QDRANT_API_KEY = 'qdr-wrong'
            Get-ErrorId { Connect-VectorIndex -Provider Qdrant -Endpoint $EmulatorUri -Index docs -ErrorAction Stop } |
                Should -BeLike 'ProviderAuthenticationFailed,*'
        }
        finally { $env:QDRANT_API_KEY = $SavedKey }
    }

    It 'lists namespaces (payload values of group_id) with their counts' {
        Add-TestRecord -Count 30 -Namespace films
        Add-TestRecord -Count 5 -Namespace books -From 5000
        $ns = @(Get-VectorNamespace)
        ($ns | ForEach-Object { '{0}:{1}' -f $_.Name, $_.RecordCount }) -join ',' | Should -BeExactly 'books:5,films:30'
        (Get-EmulatorJournal).operations.facet | Should -BeGreaterThan 0
    }

    It 'refuses an id that is neither an unsigned integer nor a UUID, saying which form it breaks, and sends nothing' {
        Add-TestRecord -Count 5 -Namespace films
        $before = (Get-EmulatorJournal).mutatingCalls
        $err = $null
        Remove-VectorRecord -Id '0042' -Namespace films -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'InvalidVectorId,VectorOps.PowerShell.Cmdlets.RemoveVectorRecordCommand'
        $err[0].TargetObject | Should -BeExactly '0042'
        $err[0].Exception.Message | Should -Match 'integer form.*leading zero'
        (Get-EmulatorJournal).mutatingCalls | Should -Be $before
    }

    It '-WhatIf on a filter counts the matches and sends no delete' {
        Add-TestRecord -Count 30 -Namespace films
        $before = (Get-EmulatorJournal).mutatingCalls
        $preview = @(Remove-VectorRecord -Filter @{ genre = 'drama' } -Namespace films -WhatIf)
        $preview | Should -HaveCount 1
        $preview[0].Status | Should -Be 'WhatIf'
        $preview[0].RequestedCount | Should -Be 10
        (Get-EmulatorJournal).mutatingCalls | Should -Be $before
        (Get-VectorNamespace -Name films).RecordCount | Should -Be 30
    }

    It 'asks the count question before a filter delete: refused without -Force where it cannot ask, done with -Force' {
        Add-TestRecord -Count 30 -Namespace films
        $script = @"
Import-Module '$ModuleManifest'
`$env:QDRANT_API_KEY = '$Key'
Connect-VectorIndex -Provider Qdrant -Endpoint '$EmulatorUri' -Index docs -NamespaceKey group_id
try { Remove-VectorRecord -Filter @{ genre = 'drama' } -Namespace films -Confirm:`$false -ErrorAction Stop; 'deleted' }
catch { 'refused: ' + `$_.FullyQualifiedErrorId + ' | ' + `$_.Exception.Message + ' | ' + `$_.TargetObject }
"@
        $before = (Get-EmulatorJournal).mutatingCalls
        $run = Invoke-ChildPwsh -Script $script
        $run.Output | Should -Match 'refused: ConfirmationRequired'
        $run.Output | Should -Match '10 record\(s\)'
        (Get-EmulatorJournal).mutatingCalls | Should -Be $before

        $m = @(Remove-VectorRecord -Filter @{ genre = 'drama' } -Namespace films -Force -Confirm:$false)
        $m | Should -HaveCount 1
        $m[0].Operation | Should -Be 'DeleteByFilter'
        $m[0].RequestedCount | Should -Be 10
        $m[0].Status | Should -Be 'Acknowledged'
        $m[0].ProviderMutationId | Should -Match '^[0-9]+$'
        $done = $m | Wait-VectorMutation -Timeout 30 -PollInterval 0.1
        $done.Status | Should -Be 'Completed'
        (Get-VectorNamespace -Name films).RecordCount | Should -Be 20
        @(Get-VectorRecord -Namespace films -Filter @{ genre = 'drama' } -IdOnly) | Should -HaveCount 0
    }

    It 'refuses a filter Qdrant cannot express exactly, before any request' {
        Add-TestRecord -Count 5 -Namespace films
        $before = (Get-EmulatorJournal).mutatingCalls
        Get-ErrorId { Remove-VectorRecord -Filter @{ genre = @{ '$exists' = $false } } -Namespace films -Force -Confirm:$false -ErrorAction Stop } |
            Should -BeLike 'FilterNotSupportedByProvider,*'
        (Get-EmulatorJournal).mutatingCalls | Should -Be $before
        (Get-VectorNamespace -Name films).RecordCount | Should -Be 5
    }

    It 'clears one namespace by its payload value and keeps the others and the collection' {
        Add-TestRecord -Count 20 -Namespace films
        Add-TestRecord -Count 5 -Namespace books -From 5000
        Clear-VectorNamespace -Namespace films -Confirm:$false | Wait-VectorMutation -Timeout 30 -PollInterval 0.1 | Out-Null
        (@(Get-VectorNamespace) | ForEach-Object Name) -join ',' | Should -BeExactly 'books'
        (Get-VectorNamespace -Name books).RecordCount | Should -Be 5
        Get-ErrorId { Clear-VectorNamespace -Namespace books -RemoveNamespace -Confirm:$false -ErrorAction Stop } |
            Should -BeLike 'NotSupportedByProvider,*'
        (Get-VectorNamespace -Name books).RecordCount | Should -Be 5
    }

    It 'backs up what a delete removes, and a restore gives the records back equal' {
        Add-TestRecord -Count 12 -Namespace films
        $before = @(Get-VectorRecord -Namespace films -Id (1000..1011 | ForEach-Object { [string] $_ }))
        $backup = Join-Path $TestDrive 'qdrant-backup.jsonl'
        $c = Connect-Emulator -WaitForApply
        $m = @(Remove-VectorRecord -Connection $c -Id (1000..1011 | ForEach-Object { [string] $_ }) -Namespace films -BackupPath $backup -Confirm:$false)
        $m | ForEach-Object { $_.Status | Should -Be 'Completed' }
        (Get-Content -LiteralPath $backup) | Should -HaveCount 12
        # An empty namespace is no payload value any more: facet no longer lists it.
        @(Get-VectorNamespace -Connection $c | Where-Object Name -eq films) | Should -HaveCount 0
        Restore-VectorRecord -Connection $c -Path $backup -Confirm:$false | Out-Null
        $after = @(Get-VectorRecord -Connection $c -Namespace films -Id (1000..1011 | ForEach-Object { [string] $_ }))
        $after | Should -HaveCount 12
        foreach ($r in $before) {
            $a = $after | Where-Object Id -eq $r.Id
            ($a.Values -join ',') | Should -BeExactly ($r.Values -join ',')
            $a.Metadata['genre'] | Should -BeExactly $r.Metadata['genre']
            $a.Metadata['year'] | Should -Be $r.Metadata['year']
            $a.Metadata.ContainsKey('group_id') | Should -BeFalse
        }
    }
}
