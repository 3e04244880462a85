#Requires -Version 7.2
# Pester 5 tests of issue 12, items 10 and 11, in a real PowerShell 7 engine against the local store: records are
# checked against the provider's rules before the first write, and one rule decides what happens to a bad id or
# record among good ones. Input the command reads itself (-Path, -IdPath) is checked whole first: each bad line is
# an error naming its line, then a terminating error, and nothing is written or deleted. Input that streams in (the
# pipeline) is checked one input at a time: a bad one is refused, the others go.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:ModuleManifest = Import-VectorOpsModule
    $script:SampleFile = Join-Path (Get-VectorOpsRepoRoot) 'samples' 'records.jsonl'

    # A new local store (created where the module asks for that) with records r1..r5 of 3 values.
    function New-RecordStore {
        param([int] $Count = 5)
        $path = Join-Path $TestDrive ('store-' + [guid]::NewGuid().ToString('N') + '.db')
        $connect = @{ Provider = 'Local'; Path = $path; Index = 'test'; PassThru = $true }
        if ((Get-Command Connect-VectorIndex).Parameters.ContainsKey('Create')) { $connect['Create'] = $true }
        $connection = Connect-VectorIndex @connect
        if ($Count -gt 0) {
            1..$Count | ForEach-Object { @{ id = "r$_"; values = 0.1, 0.2, 0.3; metadata = @{ n = $_ } } } |
                Add-VectorRecord -Confirm:$false | Out-Null
        }
        $connection
    }

    function Get-RecordId {
        param([string] $Namespace = 'default')
        (@(Get-VectorRecord -Namespace $Namespace -IdOnly | ForEach-Object Id) | Sort-Object) -join ','
    }

    function New-TextFile {
        param([string] $Name, [string[]] $Line)
        $path = Join-Path $TestDrive $Name
        [System.IO.File]::WriteAllLines($path, $Line)
        $path
    }

    $script:LongId = 'x' * 600   # the local store takes ids of at most 512 characters
}

AfterAll {
    Disconnect-VectorIndex -ErrorAction Ignore
    Remove-Module -Name VectorOps -Force -ErrorAction Ignore
}

Describe 'Add-VectorRecord checks every record before the first write' {
    AfterEach { Disconnect-VectorIndex -ErrorAction Ignore }

    It 'writes nothing of a file with one bad record: each bad line is an error naming it, then InvalidRecordFile' {
        $null = New-RecordStore -Count 0
        $file = New-TextFile 'records.jsonl' @(
            '{"id":"a1","values":[0.1,0.2,0.3]}'
            '{"id":"a2","values":[0.1,0.2,0.3]}'
            '{"id":"a3","values":[0.1,0.2]}'
            '{"id":"a4","values":[0.1,0.2,0.3]}'
            '{"id":"a5","values":[0.1,0.2,0.3,0.4,0.5]}'
        )
        $errs = $null
        $stopped = $null
        try { Add-VectorRecord -Path $file -ErrorVariable errs -ErrorAction SilentlyContinue -Confirm:$false | Out-Null }
        catch { $stopped = $_ }
        $stopped.FullyQualifiedErrorId | Should -BeExactly 'InvalidRecordFile,VectorOps.PowerShell.Cmdlets.AddVectorRecordCommand'
        $stopped.Exception.Message | Should -Match 'has 2 invalid line\(s\): nothing was written'
        $lines = @($errs | Where-Object { $_.FullyQualifiedErrorId -eq 'InvalidRecord,VectorOps.PowerShell.Cmdlets.AddVectorRecordCommand' })
        $lines | Should -HaveCount 2
        $lines[0].Exception.Message | Should -BeLike "Line 3 of '*records.jsonl' (record 'a3'): 2 values, but record 'a1', the first of this write, has 3*"
        $lines[1].Exception.Message | Should -BeLike "Line 5 of '*' (record 'a5'): 5 values*"
        Get-RecordId | Should -BeExactly ''
    }

    It 'checks every file given to -Path before the first is sent' {
        $null = New-RecordStore -Count 0
        $good = New-TextFile 'good.jsonl' @('{"id":"g1","values":[0.1,0.2,0.3]}', '{"id":"g2","values":[0.1,0.2,0.3]}')
        $bad = New-TextFile 'bad.jsonl' @('{"id":"b1","values":[0.1,0.2,0.3]}', '{"id":"b2","values":"oops"}')
        Get-ErrorId { Add-VectorRecord -Path $good, $bad -Confirm:$false -ErrorAction SilentlyContinue } |
            Should -BeExactly 'InvalidRecordFile,VectorOps.PowerShell.Cmdlets.AddVectorRecordCommand'
        Get-RecordId | Should -BeExactly ''
        $null = Add-VectorRecord -Path $good -Confirm:$false
        Get-RecordId | Should -BeExactly 'g1,g2'
    }

    It 'Restore-VectorRecord checks every backup file, given or piped, before the first is restored' {
        $null = New-RecordStore -Count 0
        $good = New-TextFile 'good-backup.jsonl' @('{"id":"g1","values":[0.1,0.2,0.3]}', '{"id":"g2","values":[0.1,0.2,0.3]}')
        $bad = New-TextFile 'bad-backup.jsonl' @('{"id":"b1","values":[0.1,0.2,0.3]}', '{"id":"b2","values":"oops"}')
        Get-ErrorId { Restore-VectorRecord -Path $good, $bad -Confirm:$false -ErrorAction SilentlyContinue } |
            Should -BeExactly 'InvalidRecordFile,VectorOps.PowerShell.Cmdlets.RestoreVectorRecordCommand'
        Get-RecordId | Should -BeExactly '' -Because 'the good file comes first, yet nothing of it is restored'
        Get-ErrorId { Get-Item $good, $bad | Restore-VectorRecord -Confirm:$false -ErrorAction SilentlyContinue } |
            Should -BeExactly 'InvalidRecordFile,VectorOps.PowerShell.Cmdlets.RestoreVectorRecordCommand'
        Get-RecordId | Should -BeExactly ''
        $null = Get-Item $good | Restore-VectorRecord -Confirm:$false
        Get-RecordId | Should -BeExactly 'g1,g2'
    }

    It 'loads samples/records.jsonl, its null ratings kept as null in the local store' {
        $null = New-RecordStore -Count 0
        $warnings = $null
        $result = Add-VectorRecord -Path $SampleFile -Confirm:$false -WarningVariable warnings
        ($result | Measure-Object RequestedCount -Sum).Sum | Should -Be 3000
        @($warnings) | Should -HaveCount 0
        $record = Get-VectorRecord -Namespace articles -Id doc-00004   # "rating": null in the file
        $record.Metadata.ContainsKey('rating') | Should -BeTrue
        $record.Metadata['rating'] | Should -BeNullOrEmpty
    }

    It 'checks piped records one by one: a bad one is refused with its id as target, the others are written' {
        $null = New-RecordStore -Count 0
        $errs = $null
        @(
            @{ id = 'p1'; values = 0.1, 0.2, 0.3 }
            @{ id = 'p2'; values = 0.1, 0.2 }
            @{ id = $LongId; values = 0.1, 0.2, 0.3 }
            @{ id = 'p3'; values = 0.3, 0.2, 0.1; metadata = @{ author = @{ name = 'Ann' }; rating = $null } }
        ) | Add-VectorRecord -Confirm:$false -ErrorVariable errs -ErrorAction SilentlyContinue | Out-Null
        @($errs) | Should -HaveCount 2
        $errs[0].FullyQualifiedErrorId | Should -BeExactly 'InvalidRecord,VectorOps.PowerShell.Cmdlets.AddVectorRecordCommand'
        $errs[0].TargetObject | Should -BeExactly 'p2'
        $errs[0].Exception.Message | Should -BeLike "Record 'p2': 2 values, but record 'p1'*"
        $errs[1].FullyQualifiedErrorId | Should -BeExactly 'InvalidVectorId,VectorOps.PowerShell.Cmdlets.AddVectorRecordCommand'
        Get-RecordId | Should -BeExactly 'p1,p3'
        (Get-VectorRecord -Id p3).Metadata['author']['name'] | Should -BeExactly 'Ann'
    }
}

Describe 'Remove-VectorRecord follows one rule for a bad id among good ones' {
    AfterEach { Disconnect-VectorIndex -ErrorAction Ignore }

    It '-IdPath checks the whole file first: one bad line and nothing is deleted' {
        $null = New-RecordStore
        $file = New-TextFile 'ids.txt' @('r1', '', 'r2', $LongId, 'r3')
        $errs = $null
        $stopped = $null
        try { Remove-VectorRecord -IdPath $file -Confirm:$false -ErrorVariable errs -ErrorAction SilentlyContinue | Out-Null }
        catch { $stopped = $_ }
        $stopped.FullyQualifiedErrorId | Should -BeExactly 'InvalidIdFile,VectorOps.PowerShell.Cmdlets.RemoveVectorRecordCommand'
        $stopped.Exception.Message | Should -Match 'nothing was deleted'
        $line = @($errs | Where-Object { $_.FullyQualifiedErrorId -eq 'InvalidVectorId,VectorOps.PowerShell.Cmdlets.RemoveVectorRecordCommand' })
        $line | Should -HaveCount 1
        $line[0].Exception.Message | Should -BeLike "Line 4 of '*ids.txt': *"
        $line[0].TargetObject | Should -BeExactly $LongId
        Get-RecordId | Should -BeExactly 'r1,r2,r3,r4,r5'
    }

    It '-IdPath deletes the ids of a good file, skips blank lines, and takes the path literally' {
        $null = New-RecordStore
        $null = New-TextFile 'ids[1].txt' @('r1', '', '   ', 'r2', 'r4')
        Push-Location $TestDrive
        try { $result = Remove-VectorRecord -IdPath 'ids[1].txt' -Confirm:$false }
        finally { Pop-Location }
        @($result).Status | Should -Be 'Completed'
        ($result | Measure-Object RequestedCount -Sum).Sum | Should -Be 3
        Get-RecordId | Should -BeExactly 'r3,r5'
    }

    It '-IdPath with -WhatIf deletes nothing' {
        $null = New-RecordStore
        $file = New-TextFile 'ids.txt' @('r1', 'r2')
        $result = Remove-VectorRecord -IdPath $file -WhatIf
        @($result).Status | Should -Be 'WhatIf'
        Get-RecordId | Should -BeExactly 'r1,r2,r3,r4,r5'
    }

    It 'a missing -IdPath file is InputFileNotFound' {
        $null = New-RecordStore
        Get-ErrorId { Remove-VectorRecord -IdPath (Join-Path $TestDrive 'none.txt') -Confirm:$false } |
            Should -BeExactly 'InputFileNotFound,VectorOps.PowerShell.Cmdlets.RemoveVectorRecordCommand'
    }

    It 'piped ids stream in: a bad one is refused with its value as target, the others are deleted' {
        $null = New-RecordStore
        $file = New-TextFile 'ids.txt' @('r1', 'r2', $LongId, 'r3')
        $errs = $null
        Get-Content -LiteralPath $file | Remove-VectorRecord -Confirm:$false -ErrorVariable errs -ErrorAction SilentlyContinue | Out-Null
        @($errs) | Should -HaveCount 1
        $errs[0].FullyQualifiedErrorId | Should -BeExactly 'InvalidVectorId,VectorOps.PowerShell.Cmdlets.RemoveVectorRecordCommand'
        $errs[0].TargetObject | Should -BeExactly $LongId
        Get-RecordId | Should -BeExactly 'r4,r5'
    }

    It 'one -Id array is one input: a bad id in it and none of it is deleted' {
        $null = New-RecordStore
        $errs = $null
        Remove-VectorRecord -Id 'r1', $LongId, 'r2' -Confirm:$false -ErrorVariable errs -ErrorAction SilentlyContinue | Out-Null
        @($errs) | Should -HaveCount 1
        Get-RecordId | Should -BeExactly 'r1,r2,r3,r4,r5'
    }
}

Describe 'Add-VectorRecord on Pinecone (the emulator, an index of dimension 8)' {
    BeforeAll {
        $script:PineconeKey = 'pester-' + [guid]::NewGuid().ToString('N')
        $script:Pinecone = Start-Emulator -Name pinecone -ArgumentList '--api-key', $PineconeKey, '--dimension', '8'
        function Get-PineconeMutatingCalls {
            (Invoke-RestMethod -Uri ([uri]::new($Pinecone.Uri, '/_emulator/journal')) -NoProxy -TimeoutSec 30).mutatingCalls
        }
    }

    AfterAll {
        if ($Pinecone) { Stop-Emulator -Process $Pinecone.Process }
    }

    BeforeEach {
        Invoke-RestMethod -Method Post -Uri ([uri]::new($Pinecone.Uri, '/_emulator/reset')) -NoProxy -TimeoutSec 30 | Out-Null
        $secure = ConvertTo-SecureString -String $PineconeKey -AsPlainText -Force
        $null = Connect-VectorIndex -Provider Pinecone -IndexHost $Pinecone.Uri -ApiKey $secure
    }

    AfterEach { Disconnect-VectorIndex -ErrorAction Ignore }

    It 'loads samples/records.jsonl: the 39 null ratings are left out, said in one warning' {
        $warnings = $null
        $result = Add-VectorRecord -Path $SampleFile -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue
        ($result | Measure-Object RequestedCount -Sum).Sum | Should -Be 3000
        @($result | Where-Object Status -ne 'Acknowledged') | Should -HaveCount 0
        @($warnings) | Should -HaveCount 1
        "$($warnings[0])" | Should -BeLike '39 null metadata value(s) in 39 record(s) of *records.jsonl* are left out of what is written: Pinecone has no null*'
        $record = Get-VectorRecord -Namespace articles -Id doc-00004   # "rating": null in the file
        $record.Metadata.ContainsKey('rating') | Should -BeFalse
        $record.Metadata['lang'] | Should -Not -BeNullOrEmpty
    }

    It 'refuses a file with a nested object before the first upsert, naming the line and the field' {
        $lines = @(Get-Content -LiteralPath $SampleFile -TotalCount 20)
        $lines[16] = $lines[16].Replace('"tenant":', '"author":{"name":"Ann"},"tenant":')
        $file = New-TextFile 'nested.jsonl' $lines
        $errs = $null
        Get-ErrorId { Add-VectorRecord -Path $file -Confirm:$false -ErrorVariable script:errs -ErrorAction SilentlyContinue } |
            Should -BeExactly 'InvalidRecordFile,VectorOps.PowerShell.Cmdlets.AddVectorRecordCommand'
        $line = @($script:errs | Where-Object { $_.FullyQualifiedErrorId -like 'InvalidRecord,*' })
        $line | Should -HaveCount 1
        $line[0].Exception.Message | Should -BeLike "Line 17 of '*nested.jsonl' (record 'doc-00017'): metadata 'author' is an object (nested fields); Pinecone metadata values are a string, number, boolean or list of strings."
        Get-PineconeMutatingCalls | Should -Be 0
    }

    It 'refuses a piped record of the wrong dimension and writes the others' {
        $errs = $null
        @(
            @{ id = 'ok'; values = 1..8 }
            @{ id = 'short'; values = 1..4 }
        ) | Add-VectorRecord -Namespace piped -Confirm:$false -ErrorVariable errs -ErrorAction SilentlyContinue | Out-Null
        @($errs) | Should -HaveCount 1
        $errs[0].TargetObject | Should -BeExactly 'short'
        $errs[0].Exception.Message | Should -BeLike "Record 'short': 4 values, but Pinecone index * has dimension 8."
        (Get-VectorRecord -Namespace piped -IdOnly).Id | Should -BeExactly 'ok'
    }
}
