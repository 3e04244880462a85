#Requires -Version 7.2
# Pester 5 examples of the Weaviate provider through the built module against the loopback Weaviate emulator
# (tests/VectorOps.Emulators), started as a program and stopped by its process. The emulator's admin path
# /_emulator/journal says which requests it received, so the examples show that -WhatIf made no mutating call (its
# dryRun is not one) and how many batch deletes a command sent. (The xunit tests put Prism in front of the emulator.)
# Run: dotnet build; Invoke-Pester ./tests/Pester/Weaviate.Tests.ps1

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $null = Import-VectorOpsModule

    $script:SavedKey = $env:WEAVIATE_API_KEY
    $script:Key = 'pester-' + [guid]::NewGuid().ToString('N')
    $script:Emulator = Start-WeaviateTestEmulator -ApiKey $Key -Class Movies -Tenants alpha, beta -QueryMaximumResults 40
    $script:EmulatorUri = $Emulator.Uri

    function Get-EmulatorJournal { Invoke-RestMethod -Uri ([uri]::new($EmulatorUri, '/_emulator/journal')) -NoProxy -TimeoutSec 30 }
    function Reset-Emulator { Invoke-RestMethod -Method Post -Uri ([uri]::new($EmulatorUri, '/_emulator/reset')) -NoProxy -TimeoutSec 30 | Out-Null }

    function Connect-Emulator {
        $secure = ConvertTo-SecureString -String $Key -AsPlainText -Force
        Connect-VectorIndex -Provider Weaviate -Endpoint $EmulatorUri -Index Movies -ApiKey $secure -Namespace alpha -PassThru
    }

    # Records doc-00000.. (as UUIDs) with a genre (every third a drama) and a number n.
    function Add-TestRecord {
        param([int] $Count, [string] $Namespace = 'alpha', [string] $Prefix = 'doc-')
        0..($Count - 1) | ForEach-Object {
            $genre = if ($_ % 3 -eq 0) { 'drama' } else { 'comedy' }
            @{ id = ('{0}{1:D5}' -f $Prefix, $_ | ConvertTo-TestUuid); values = 1, 0.5, 0.25, $_; metadata = @{ genre = $genre; n = $_ } }
        } | Add-VectorRecord -Namespace $Namespace -Confirm:$false | Out-Null
    }
}

AfterAll {
    Disconnect-VectorIndex -ErrorAction Ignore
    $env:WEAVIATE_API_KEY = $SavedKey
    if ($Emulator) { Stop-Emulator -Process $Emulator.Process }
    Remove-Module -Name VectorOps -Force -ErrorAction Ignore
}

Describe 'Weaviate provider against the emulator' {
    BeforeEach {
        Reset-Emulator
        $script:Connection = Connect-Emulator
    }

    AfterEach {
        Disconnect-VectorIndex -ErrorAction Ignore
    }

    It 'connects with -Endpoint and a SecureString key, lists the tenants as namespaces, and shows no key' {
        $Connection.Provider | Should -BeExactly 'Weaviate'
        $Connection.Index | Should -BeExactly 'Movies'
        ($Connection | Format-List -Property * | Out-String) | Should -Not -Match ([regex]::Escape($Key))
        (Get-VectorNamespace | ForEach-Object Name) -join ',' | Should -BeExactly 'alpha,beta'
    }

    It 'takes the key from WEAVIATE_API_KEY when none is given' {
        try {
            $env:WEAVIATE_API_KEY = $Key
            $c = Connect-VectorIndex -Provider Weaviate -Endpoint $EmulatorUri -Index Movies -PassThru
            @(Get-VectorNamespace -Connection $c) | Should -HaveCount 2
        }
        finally { $env:WEAVIATE_API_KEY = $SavedKey }
    }

    It 'refuses an id that is not a UUID by name and sends nothing' {
        Add-TestRecord -Count 5
        $before = (Get-EmulatorJournal).mutatingCalls
        $err = $null
        Remove-VectorRecord -Id 'doc-00001' -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'InvalidVectorId,VectorOps.PowerShell.Cmdlets.RemoveVectorRecordCommand'
        $err[0].TargetObject | Should -BeExactly 'doc-00001'
        (Get-EmulatorJournal).mutatingCalls | Should -Be $before
    }

    It '-WhatIf on a filter previews the matches with dryRun and makes no mutating call' {
        Add-TestRecord -Count 150
        $before = (Get-EmulatorJournal).mutatingCalls
        $preview = @(Remove-VectorRecord -Filter @{ genre = 'drama' } -WhatIf)
        @($preview | ForEach-Object Ids).Count | Should -Be 50
        $preview | ForEach-Object { $_.Status | Should -Be 'WhatIf' }
        $journal = Get-EmulatorJournal
        $journal.mutatingCalls | Should -Be $before
        $journal.operations.'batch delete dryRun' | Should -BeGreaterThan 1 # 50 matches at 40 a call
        (Get-VectorNamespace -Name alpha).RecordCount | Should -Be 150
    }

    It 'deletes exactly the matches of a filter in rounds under results.limit, one mutation each' {
        Add-TestRecord -Count 150
        Add-TestRecord -Count 10 -Namespace beta
        # -Force: the question about the count (asked even with -Confirm:$false) cannot be answered here.
        $out = Remove-VectorRecord -Filter @{ genre = 'drama' } -Force -Confirm:$false -Verbose 4>&1
        $messages = ($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message) -join "`n"
        $messages | Should -Match 'Round 1 removed 40 record\(s\), as many as one request may'
        $mutations = @($out | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })
        # 50 matches, 40 a call: two rounds, one mutation each.
        $mutations | Should -HaveCount 2
        ($mutations | ForEach-Object AffectedCount) -join ',' | Should -BeExactly '40,10'
        (Get-VectorNamespace -Name alpha).RecordCount | Should -Be 100
        (Get-VectorNamespace -Name beta).RecordCount | Should -Be 10
        @(Get-VectorRecord -Filter @{ genre = 'drama' } -IdOnly) | Should -HaveCount 0
    }

    It 'the question names the count of the matches (the ShouldProcess text, shown by -WhatIf in a child PowerShell)' {
        Add-TestRecord -Count 30
        $module = (Get-Module VectorOps).Path
        $script = @"
Import-Module '$module'
`$k = ConvertTo-SecureString -String '$Key' -AsPlainText -Force
Connect-VectorIndex -Provider Weaviate -Endpoint '$EmulatorUri' -Index Movies -ApiKey `$k -Namespace alpha | Out-Null
Remove-VectorRecord -Filter @{ genre = 'drama' } -WhatIf
"@
        $result = Invoke-ChildPwsh -Script $script
        $result.Output | Should -Match 'What if: .*10 record\(s\) matching filter \{"genre":\{"\$eq":"drama"\}\} in namespace ''alpha'' of Weaviate index ''Movies'''
        (Get-VectorNamespace -Name alpha).RecordCount | Should -Be 30
    }

    It 'clears a tenant and keeps the tenant and the other one' {
        Add-TestRecord -Count 90
        Add-TestRecord -Count 7 -Namespace beta
        $m = @(Clear-VectorNamespace -Namespace alpha -Confirm:$false)
        ($m | Measure-Object -Property AffectedCount -Sum).Sum | Should -Be 90
        $m | ForEach-Object { $_.Status | Should -Be 'Completed' }
        (Get-VectorNamespace -Name alpha).RecordCount | Should -Be 0
        (Get-VectorNamespace -Name beta).RecordCount | Should -Be 7
        $err = $null
        Clear-VectorNamespace -Namespace alpha -RemoveNamespace -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        $err[0].FullyQualifiedErrorId | Should -Match '^NotSupportedByProvider'
        (Get-VectorNamespace | ForEach-Object Name) -join ',' | Should -BeExactly 'alpha,beta'
    }

    It 'backs up what it deletes and restores it equal' {
        Add-TestRecord -Count 20
        $backup = Join-Path ([IO.Path]::GetTempPath()) ("weaviate-backup-" + [guid]::NewGuid().ToString('N') + '.jsonl')
        try {
            $ids = 0..9 | ForEach-Object { 'doc-{0:D5}' -f $_ | ConvertTo-TestUuid }
            $before = @(Get-VectorRecord -Id $ids) | Sort-Object Id
            Remove-VectorRecord -Id $ids -BackupPath $backup -Confirm:$false | Out-Null
            (Get-VectorNamespace -Name alpha).RecordCount | Should -Be 10
            @(Get-Content $backup) | Should -HaveCount 10
            Restore-VectorRecord -Path $backup -Confirm:$false | Out-Null
            (Get-VectorNamespace -Name alpha).RecordCount | Should -Be 20
            $after = @(Get-VectorRecord -Id $ids) | Sort-Object Id
            ($after | ConvertTo-Json -Depth 5) | Should -BeExactly ($before | ConvertTo-Json -Depth 5)
        }
        finally { Remove-Item -LiteralPath $backup -ErrorAction Ignore }
    }
}
