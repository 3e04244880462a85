#Requires -Version 7.2
# Pester 5 tests of issue 18, items 2 and 3, in a real PowerShell 7 engine through the built module: Export-VectorRecord
# writes the backup format that Restore-VectorRecord reads back; Copy-VectorRecord and Move-VectorRecord between two
# local stores (two files); -WhatIf sends nothing anywhere; a destination of another dimension is refused with an
# error record naming the mismatch, before anything is written.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:ModuleManifest = Import-VectorOpsModule

    # A new local store (its own file) with records r1..r<Count> of <Dimension> values in namespace 'films'.
    function New-TransferStore {
        param([int] $Count = 12, [int] $Dimension = 3, [string] $Namespace = 'films')
        $path = Join-Path $TestDrive ('store-' + [guid]::NewGuid().ToString('N') + '.db')
        $connection = Connect-VectorIndex -Provider Local -Path $path -Index 'transfer' -Create -PassThru
        if ($Count -gt 0) {
            1..$Count | ForEach-Object {
                @{ id = "r$_"; values = @(1..$Dimension | ForEach-Object { 0.1 * $_ + $script:Offset }); metadata = @{ n = $_; genre = @('drama', 'comedy')[$_ % 2] } }
            } | Add-VectorRecord -Namespace $Namespace -Connection $connection -Confirm:$false | Out-Null
        }
        $connection
    }

    function Get-RecordLine {
        param($Connection, [string] $Namespace = 'films')
        @(Get-VectorRecord -Connection $Connection -Namespace $Namespace |
            ForEach-Object { '{0}|{1}|{2}|{3}' -f $_.Id, ($_.Values -join ','), $_.Metadata['n'], $_.Metadata['genre'] } | Sort-Object)
    }

    $script:Offset = 0.5
}

AfterAll {
    Disconnect-VectorIndex -ErrorAction Ignore
    Remove-Module -Name VectorOps -Force -ErrorAction Ignore
}

Describe 'Export-VectorRecord' {
    AfterEach { Get-VectorConnection | Disconnect-VectorIndex -ErrorAction Ignore }

    It 'writes every record in the backup format, and Restore-VectorRecord brings back records equal to them' {
        $source = New-TransferStore
        $file = Join-Path $TestDrive 'films.jsonl'
        $summary = Export-VectorRecord -Connection $source -Namespace films -Path $file
        $summary.Records | Should -Be 12
        $summary.Path | Should -Be $file
        @(Get-Content $file).Count | Should -Be 12
        (Get-Content $file | Select-Object -First 1 | ConvertFrom-Json).namespace | Should -BeExactly 'films'

        $target = New-TransferStore -Count 0
        Restore-VectorRecord -Connection $target -Path $file | Out-Null
        Get-RecordLine $target | Should -Be (Get-RecordLine $source)
    }

    It 'refuses to replace an existing file without -Force (ExportFileExists, the path as target) and replaces it with -Force' {
        $source = New-TransferStore
        $file = Join-Path $TestDrive 'exists.jsonl'
        Set-Content -Path $file -Value 'keep me'
        $err = $null
        try { Export-VectorRecord -Connection $source -Namespace films -Path $file | Out-Null } catch { $err = @($_) }
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'ExportFileExists,VectorOps.PowerShell.Cmdlets.ExportVectorRecordCommand'
        $err[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        $err[0].TargetObject | Should -Be $file
        Get-Content $file | Should -Be 'keep me'

        Export-VectorRecord -Connection $source -Namespace films -Path $file -Filter @{ genre = 'drama' } -Force | Out-Null
        @(Get-Content $file).Count | Should -Be 6
    }

    It 'refuses a blank namespace and an empty filter, and writes no file' {
        $source = New-TransferStore
        $file = Join-Path $TestDrive 'never.jsonl'
        Get-ErrorId { Export-VectorRecord -Connection $source -Namespace '' -Path $file } |
            Should -BeExactly 'EmptyNamespace,VectorOps.PowerShell.Cmdlets.ExportVectorRecordCommand'
        Get-ErrorId { Export-VectorRecord -Connection $source -Namespace films -Filter @{} -Path $file } |
            Should -BeExactly 'EmptyFilter,VectorOps.PowerShell.Cmdlets.ExportVectorRecordCommand'
        Test-Path $file | Should -BeFalse
    }
}

Describe 'Copy-VectorRecord and Move-VectorRecord between two local stores' {
    AfterEach { Get-VectorConnection | Disconnect-VectorIndex -ErrorAction Ignore }

    It 'copies every record, verified, and leaves the source alone' {
        $source = New-TransferStore
        $target = New-TransferStore -Count 0
        $out = @(Copy-VectorRecord -Connection $source -Namespace films -Destination $target)
        $summary = $out | Where-Object { $_.PSObject.TypeNames -contains 'VectorOps.Commands.TransferSummary' }
        $summary.Written | Should -Be 12
        $summary.Verified | Should -Be 12
        $summary.Missing | Should -Be 0
        @($out | Where-Object { $_.PSObject.TypeNames -contains 'VectorOps.Model.VectorMutation' }).Count | Should -BeGreaterThan 0
        Get-RecordLine $target | Should -Be (Get-RecordLine $source)
        @(Get-RecordLine $source).Count | Should -Be 12
    }

    It 'moves nothing anywhere with -WhatIf' {
        $source = New-TransferStore
        $target = New-TransferStore -Count 0
        $summary = Move-VectorRecord -Connection $source -Namespace films -Destination $target -DestinationNamespace moved -WhatIf
        $summary.Status | Should -Be 'WhatIf'
        $summary.Matched | Should -Be 12
        @(Get-RecordLine $source).Count | Should -Be 12
        @(Get-VectorNamespace -Connection $target | Where-Object Name -eq 'moved').Count | Should -Be 0
    }

    It 'moves with -Force: the records are in the destination and gone from the source, backed up first' {
        $source = New-TransferStore
        $target = New-TransferStore -Count 0
        $expected = Get-RecordLine $source
        $backup = Join-Path $TestDrive 'moved.jsonl'
        $summary = Move-VectorRecord -Connection $source -Namespace films -Filter @{ genre = 'drama' } -Destination $target -BackupPath $backup -Force |
            Where-Object { $_.PSObject.TypeNames -contains 'VectorOps.Commands.TransferSummary' }
        $summary.Deleted | Should -Be 6
        @(Get-RecordLine $target).Count | Should -Be 6
        @(Get-RecordLine $source).Count | Should -Be 6
        @(Get-Content $backup).Count | Should -Be 6
        (@(Get-RecordLine $target) + @(Get-RecordLine $source) | Sort-Object) | Should -Be $expected
    }

    It 'refuses a destination of another dimension before writing anything: DestinationMismatch, InvalidData, the record as target' {
        $source = New-TransferStore -Dimension 3
        $target = New-TransferStore -Count 2 -Dimension 8
        $err = $null
        try { Copy-VectorRecord -Connection $source -Namespace films -Destination $target | Out-Null } catch { $err = @($_) }
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'DestinationMismatch,VectorOps.PowerShell.Cmdlets.CopyVectorRecordCommand'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $err[0].TargetObject | Should -BeExactly 'r1'
        $err[0].Exception.Message | Should -Match 'dimension 8'
        @(Get-RecordLine $target).Count | Should -Be 2
    }

    It 'resumes with -ResumePath without writing anything twice' {
        $source = New-TransferStore
        $target = New-TransferStore -Count 0
        $resume = Join-Path $TestDrive 'films.resume'
        $first = Copy-VectorRecord -Connection $source -Namespace films -Destination $target -ResumePath $resume -BatchSize 5 |
            Where-Object { $_.PSObject.TypeNames -contains 'VectorOps.Commands.TransferSummary' }
        $first.Written | Should -Be 12
        $again = Copy-VectorRecord -Connection $source -Namespace films -Destination $target -ResumePath $resume |
            Where-Object { $_.PSObject.TypeNames -contains 'VectorOps.Commands.TransferSummary' }
        $again.AlreadyCopied | Should -Be 12
        $again.Written | Should -Be 0
        $again.Verified | Should -Be 12
    }
}
