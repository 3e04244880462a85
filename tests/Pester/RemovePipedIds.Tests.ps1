#Requires -Version 7.2
# Remove-VectorRecord with ids piped one string at a time: the cmdlet's per-record path (each string binds -Id as an
# array of one and goes to the command's one-id overload). The checks must be those of an -Id array: a bad id is
# reported on its own and nothing of it is sent, the good ones are deleted in batches, one mutation per batch, the
# removed count is the store's, -WhatIf sends nothing.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $null = Import-VectorOpsModule

    function New-PipedIdStore {
        param([string[]] $Id, [string] $Namespace = 'default')
        $path = Join-Path $TestDrive ('piped-' + [guid]::NewGuid().ToString('N') + '.db')
        $connection = Connect-VectorIndex -Provider Local -Path $path -Index test -Create -PassThru
        $Id | ForEach-Object { @{ id = $_; values = 0.1, 0.2, 0.3 } } |
            Add-VectorRecord -Namespace $Namespace -Confirm:$false | Out-Null
        $connection
    }

    function Get-PipedIdLeft {
        param($Connection, [string] $Namespace = 'default')
        (@(Get-VectorRecord -Connection $Connection -Namespace $Namespace -IdOnly | ForEach-Object Id) | Sort-Object) -join ','
    }
}

Describe 'Remove-VectorRecord with ids piped one at a time' {
    AfterEach { Disconnect-VectorIndex -ErrorAction Ignore }

    It 'deletes them in batches of -BatchSize, one mutation per batch, with the counts the store reports' {
        $connection = New-PipedIdStore -Id 'p1', 'p2', 'p3', 'p4', 'p5', 'keep'
        $mutations = @('p1', 'p2', 'p3', 'p4', 'p5', 'not-there' | Remove-VectorRecord -BatchSize 2 -Force -WarningAction SilentlyContinue)
        $mutations | Should -HaveCount 3
        ($mutations | ForEach-Object { $_.Ids -join '+' }) -join ',' | Should -BeExactly 'p1+p2,p3+p4,p5+not-there'
        ($mutations | Measure-Object -Property RequestedCount -Sum).Sum | Should -Be 6
        ($mutations | Measure-Object -Property AffectedCount -Sum).Sum | Should -Be 5 -Because 'not-there was not in the store'
        $mutations.Status | Sort-Object -Unique | Should -BeExactly 'Completed'
        Get-PipedIdLeft -Connection $connection | Should -BeExactly 'keep'
    }

    It 'reports a blank piped id as InvalidVectorId on its own and deletes the others' {
        $connection = New-PipedIdStore -Id 'b1', 'b2', 'b3'
        $errors = @()
        $mutations = @('b1', ' ', 'b3' | Remove-VectorRecord -Force -ErrorVariable errors -ErrorAction SilentlyContinue)
        $errors | Should -HaveCount 1
        $errors[0].FullyQualifiedErrorId | Should -BeExactly 'InvalidVectorId,VectorOps.PowerShell.Cmdlets.RemoveVectorRecordCommand'
        $errors[0].TargetObject | Should -BeExactly ' '
        $mutations.Ids -join ',' | Should -BeExactly 'b1,b3'
        Get-PipedIdLeft -Connection $connection | Should -BeExactly 'b2'
    }

    It 'stops at a blank piped id under -ErrorAction Stop' {
        $connection = New-PipedIdStore -Id 's1', 's2'
        Get-ErrorId { 's1', '', 's2' | Remove-VectorRecord -Force -ErrorAction Stop } |
            Should -BeExactly 'InvalidVectorId,VectorOps.PowerShell.Cmdlets.RemoveVectorRecordCommand'
        Get-PipedIdLeft -Connection $connection | Should -BeExactly 's1,s2' -Because 's1 was still in an unsent batch when the error stopped the run'
    }

    It 'refuses a blank -Namespace with piped ids (EmptyNamespace) and deletes nothing' {
        $connection = New-PipedIdStore -Id 'n1', 'n2'
        Get-ErrorId { 'n1', 'n2' | Remove-VectorRecord -Namespace '' -Force -ErrorAction Stop } |
            Should -BeExactly 'EmptyNamespace,VectorOps.PowerShell.Cmdlets.RemoveVectorRecordCommand'
        Get-PipedIdLeft -Connection $connection | Should -BeExactly 'n1,n2'
    }

    It 'sends nothing under -WhatIf and previews each batch' {
        $connection = New-PipedIdStore -Id 'w1', 'w2', 'w3'
        $preview = @('w1', 'w2', 'w3' | Remove-VectorRecord -BatchSize 2 -WhatIf)
        $preview.Status | Sort-Object -Unique | Should -BeExactly 'WhatIf'
        ($preview | ForEach-Object { $_.Ids -join '+' }) -join ',' | Should -BeExactly 'w1+w2,w3'
        Get-PipedIdLeft -Connection $connection | Should -BeExactly 'w1,w2,w3'
    }

    It 'still takes piped records by property name with their own namespace, and piped numbers as ids' {
        $connection = New-PipedIdStore -Id 'r1', 'r2' -Namespace 'other'
        $null = New-PipedIdStore -Id '7', '8'
        # New-PipedIdStore made the second store the session's connection; the records name the first's namespace.
        $records = @([pscustomobject]@{ Id = 'r1'; Namespace = 'other' })
        $records | Remove-VectorRecord -Connection $connection -Force | Out-Null
        Get-PipedIdLeft -Connection $connection -Namespace 'other' | Should -BeExactly 'r2'
        $m = @(7 | Remove-VectorRecord -Force)
        $m.Ids -join ',' | Should -BeExactly '7'
        $m.AffectedCount | Should -Be 1
    }
}
