#Requires -Version 7.2
# Pester 5, on PowerShell 7.6 through the built module: issue 18, items 1 and 4 as a user sees them.
#   1. Remove-VectorOrphan: keep ids from the pipeline (strings, Import-Csv rows, Get-VectorRecord output) or
#      -KeepPath; -WhatIf; the count question (ShouldContinue) refused by a host that cannot ask; -Confirm's one
#      prompt carrying the count; the guard's error record; -ReportMissing; -BackupPath.
#   4. Remove-VectorRecord -OlderThan -DateField end to end on the local store.
# Each It builds its own store under $TestDrive.
# Run: dotnet build; Invoke-Pester ./tests/Pester/Maintenance.Orphans.Tests.ps1

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:ModuleManifest = Import-VectorOpsModule

    # A local store with doc-00 .. doc-(Count-1) in namespace 'docs' (and other-1 in 'other'); the session's connection.
    function New-SweepStore {
        param([int] $Count = 20, [scriptblock] $Metadata = { @{ group = 'g' } })
        $path = Join-Path $TestDrive ('store-' + [guid]::NewGuid().ToString('N') + '.db')
        $connection = Connect-VectorIndex -Provider Local -Path $path -Index test -Create -PassThru
        0..($Count - 1) | ForEach-Object { @{ id = ('doc-{0:D2}' -f $_); values = 0.1, 0.2, 0.3; metadata = (& $Metadata $_) } } |
            Add-VectorRecord -Namespace docs -Confirm:$false | Out-Null
        @{ id = 'other-1'; values = 0.1, 0.2, 0.3 } | Add-VectorRecord -Namespace other -Confirm:$false | Out-Null
        [pscustomobject]@{ Path = $path; Connection = $connection }
    }

    function Get-RecordId {
        param($Connection, [string] $Namespace = 'docs')
        (@(Get-VectorRecord -Connection $Connection -Namespace $Namespace -IdOnly | ForEach-Object Id) | Sort-Object) -join ','
    }

    # The ids doc-00 .. doc-19 without the ones given.
    function Get-KeepId {
        param([string[]] $Except)
        0..19 | ForEach-Object { 'doc-{0:D2}' -f $_ } | Where-Object { $_ -notin $Except }
    }

    # Runs one command in a child pwsh -NonInteractive with the store connected; exit 3 and the error's id when it stopped.
    function Invoke-NonInteractive {
        param([string] $StorePath, [string] $Command)
        $quote = { param($t) "'" + ($t -replace "'", "''") + "'" }
        $code = @(
            '$ErrorActionPreference = "Stop"'
            '$ProgressPreference = "SilentlyContinue"'
            'Import-Module -Name ' + (& $quote $ModuleManifest)
            'Connect-VectorIndex -Provider Local -Path ' + (& $quote $StorePath) + ' -Index test'
            'try { ' + $Command + ' | Out-Null; exit 0 }'
            'catch { Write-Output ("FQID=" + $_.FullyQualifiedErrorId); Write-Output ("MESSAGE=" + $_.Exception.Message); exit 3 }'
        ) -join [Environment]::NewLine
        $run = Invoke-ChildPwsh -Script $code
        $id = @($run.Output -split '\r?\n' | Where-Object { $_ -like 'FQID=*' } | ForEach-Object { $_.Substring(5).Trim() }) | Select-Object -First 1
        [pscustomobject]@{ ExitCode = $run.ExitCode; ErrorId = $id; Text = "exit code $($run.ExitCode); stdout: $($run.Output); stderr: $($run.Error)" }
    }
}

AfterAll {
    Disconnect-VectorIndex -ErrorAction Ignore
}

Describe 'Remove-VectorOrphan: the keep-list' {
    AfterEach { Disconnect-VectorIndex -ErrorAction Ignore }

    It 'takes keep ids piped as strings and deletes exactly the others' {
        $store = New-SweepStore
        $m = Get-KeepId -Except doc-03 | Remove-VectorOrphan -Namespace docs -Force
        $m.Operation | Should -Be 'DeleteOrphans'
        $m.Status | Should -Be 'Completed'
        $m.Ids | Should -Be @('doc-03')
        Get-RecordId -Connection $store.Connection | Should -Not -Match 'doc-03'
        (Get-RecordId -Connection $store.Connection).Split(',') | Should -HaveCount 19
        Get-RecordId -Connection $store.Connection -Namespace other | Should -BeExactly 'other-1'
    }

    It 'takes the Id column of Import-Csv rows' {
        $store = New-SweepStore
        $csv = Join-Path $TestDrive 'source.csv'
        Get-KeepId -Except doc-07, doc-08 | ForEach-Object { [pscustomobject]@{ Id = $_; Title = "title of $_" } } | Export-Csv -LiteralPath $csv
        $m = Import-Csv -LiteralPath $csv | Remove-VectorOrphan -Namespace docs -MaxDeleteShare 0.1 -Force
        @($m.Ids | Sort-Object) | Should -Be @('doc-07', 'doc-08')
        (Get-RecordId -Connection $store.Connection).Split(',') | Should -HaveCount 18
    }

    It 'takes the records of a Get-VectorRecord query' {
        $store = New-SweepStore -Metadata { param($i) @{ live = ($i -ne 11) } }
        $m = Get-VectorRecord -Namespace docs -Filter @{ live = $true } | Remove-VectorOrphan -Namespace docs -Force
        $m.Ids | Should -Be @('doc-11')
    }

    It 'reads -KeepPath, one id a line, and reports the missing ones with -ReportMissing' {
        $store = New-SweepStore
        $file = Join-Path $TestDrive 'keep.txt'
        @(Get-KeepId -Except doc-19) + '' + 'doc-99' | Set-Content -LiteralPath $file
        $out = Remove-VectorOrphan -KeepPath $file -Namespace docs -ReportMissing -Force
        $missing = @($out | Where-Object { $_.GetType().Name -eq 'VectorMissingRecord' })
        $missing.Id | Should -Be @('doc-99')
        $missing.Namespace | Should -Be @('docs')
        @($out | Where-Object { $_.GetType().Name -eq 'VectorMutation' }).Ids | Should -Be @('doc-19')
    }

    It 'refuses an empty keep-list with EmptyKeepList and deletes nothing' {
        $store = New-SweepStore
        $file = Join-Path $TestDrive 'empty.txt'
        Set-Content -LiteralPath $file -Value ''
        $err = $null
        try { Remove-VectorOrphan -KeepPath $file -Namespace docs -MaxDeleteShare 1 -Force -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeExactly 'EmptyKeepList,VectorOps.PowerShell.Cmdlets.RemoveVectorOrphanCommand'
        (Get-RecordId -Connection $store.Connection).Split(',') | Should -HaveCount 20
    }

    It 'refuses a blank -Namespace with EmptyNamespace before reading any keep id' {
        $store = New-SweepStore
        { 'doc-01' | Remove-VectorOrphan -Namespace '' -Force -ErrorAction Stop } | Should -Throw -ErrorId 'EmptyNamespace,VectorOps.PowerShell.Cmdlets.RemoveVectorOrphanCommand'
        (Get-RecordId -Connection $store.Connection).Split(',') | Should -HaveCount 20
    }
}

Describe 'Remove-VectorOrphan: the guard, -WhatIf and the questions' {
    AfterEach { Disconnect-VectorIndex -ErrorAction Ignore }

    It 'refuses more orphans than -MaxDeleteShare: the error record has its id, category, target and both counts' {
        $store = New-SweepStore
        $err = $null
        try { 0..9 | ForEach-Object { 'doc-{0:D2}' -f $_ } | Remove-VectorOrphan -Namespace docs -Force -ErrorAction Stop } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeExactly 'OrphanShareExceeded,VectorOps.PowerShell.Cmdlets.RemoveVectorOrphanCommand'
        $err.CategoryInfo.Category | Should -Be 'LimitsExceeded'
        $err.TargetObject | Should -BeExactly 'docs'
        $err.Exception.Message | Should -Match '10 of the 20 record\(s\)'
        $err.Exception.Message | Should -Match '0\.1 \(10%\)'
        (Get-RecordId -Connection $store.Connection).Split(',') | Should -HaveCount 20
    }

    It 'refuses a keep-list of which no id is in the namespace (KeepIdsNotInNamespace)' {
        $store = New-SweepStore
        { 'elsewhere-1', 'elsewhere-2' | Remove-VectorOrphan -Namespace docs -MaxDeleteShare 0.99 -Force -ErrorAction Stop } |
            Should -Throw -ErrorId 'KeepIdsNotInNamespace,VectorOps.PowerShell.Cmdlets.RemoveVectorOrphanCommand'
        (Get-RecordId -Connection $store.Connection).Split(',') | Should -HaveCount 20
    }

    It '-WhatIf lists exactly the orphans as WhatIf mutations and deletes nothing, even with -Force' {
        $store = New-SweepStore
        $m = Get-KeepId -Except doc-05, doc-06 | Remove-VectorOrphan -Namespace docs -WhatIf -Force
        @($m | Where-Object Status -ne 'WhatIf') | Should -HaveCount 0
        @($m.Ids | Sort-Object) | Should -Be @('doc-05', 'doc-06')
        (Get-RecordId -Connection $store.Connection).Split(',') | Should -HaveCount 20
    }

    It 'asks the count question, which a host that cannot ask refuses (ConfirmationRequired): nothing deleted' {
        $store = New-SweepStore
        Disconnect-VectorIndex
        $result = Invoke-NonInteractive -StorePath $store.Path -Command "'doc-00','doc-01','doc-02','doc-03','doc-04','doc-05','doc-06','doc-07','doc-08','doc-09','doc-10','doc-11','doc-12','doc-13','doc-14','doc-15','doc-16','doc-17','doc-18' | Remove-VectorOrphan -Namespace docs -Confirm:`$false"
        $result.ExitCode | Should -Be 3 -Because $result.Text
        $result.ErrorId | Should -BeLike 'ConfirmationRequired,*'
        $result.Text | Should -Match 'add -Force'
        $result.Text | Should -Match 'The question was: .*\b1\b' -Because 'the refusal says how many records confirming would delete'
        $check = Connect-VectorIndex -Provider Local -Path $store.Path -Index test -PassThru
        (Get-RecordId -Connection $check).Split(',') | Should -HaveCount 20

        $forced = Invoke-NonInteractive -StorePath $store.Path -Command "'doc-00','doc-01','doc-02','doc-03','doc-04','doc-05','doc-06','doc-07','doc-08','doc-09','doc-10','doc-11','doc-12','doc-13','doc-14','doc-15','doc-16','doc-17','doc-18' | Remove-VectorOrphan -Namespace docs -Force"
        $forced.ExitCode | Should -Be 0 -Because $forced.Text
        Get-RecordId -Connection $check | Should -Not -Match 'doc-19'
    }

    It '-Confirm asks once, and its prompt carries the count' {
        $store = New-SweepStore
        Disconnect-VectorIndex
        # A child pwsh whose stdin answers the one prompt: 'N' (no), so nothing is deleted.
        $pwsh = Get-PwshCommand
        $quote = { param($t) "'" + ($t -replace "'", "''") + "'" }
        $script = @(
            '$ProgressPreference = "SilentlyContinue"'
            'Import-Module -Name ' + (& $quote $ModuleManifest)
            'Connect-VectorIndex -Provider Local -Path ' + (& $quote $store.Path) + ' -Index test'
            "0..18 | ForEach-Object { 'doc-{0:D2}' -f `$_ } | Remove-VectorOrphan -Namespace docs -Confirm | Select-Object Status, RequestedCount | Format-List"
        ) -join [Environment]::NewLine
        $psi = [System.Diagnostics.ProcessStartInfo]::new($pwsh.Path)
        foreach ($a in @($pwsh.LeadingArguments) + @('-NoLogo', '-NoProfile', '-OutputFormat', 'Text', '-EncodedCommand', [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($script)))) { $psi.ArgumentList.Add($a) }
        $psi.RedirectStandardInput = $true
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $process = [System.Diagnostics.Process]::Start($psi)
        try {
            $process.StandardInput.WriteLine('N')
            $process.StandardInput.Close()
            $stdout = $process.StandardOutput.ReadToEndAsync()
            $stderr = $process.StandardError.ReadToEndAsync()
            $process.WaitForExit(180000) | Should -BeTrue
            $text = $stdout.Result + $stderr.Result
        }
        finally { $process.Dispose() }
        $prompts = [regex]::Matches($text, 'Are you sure you want to perform this action\?')
        $prompts.Count | Should -Be 1 -Because $text
        ($text -replace '\s+', ' ') | Should -Match '1 record\(s\) not among the 19 keep id\(s\)'
        $text | Should -Match 'Skipped'
        $check = Connect-VectorIndex -Provider Local -Path $store.Path -Index test -PassThru
        (Get-RecordId -Connection $check).Split(',') | Should -HaveCount 20
    }

    It 'backs up the orphans with -BackupPath before deleting them, and Restore-VectorRecord brings them back' {
        $store = New-SweepStore
        $backup = Join-Path $TestDrive 'swept.jsonl'
        Get-KeepId -Except doc-01 | Remove-VectorOrphan -Namespace docs -BackupPath $backup -Force | Out-Null
        (Get-Content -LiteralPath $backup | ConvertFrom-Json).id | Should -Be @('doc-01')
        Get-RecordId -Connection $store.Connection | Should -Not -Match 'doc-01'
        Restore-VectorRecord -Path $backup -Confirm:$false | Out-Null
        (Get-RecordId -Connection $store.Connection).Split(',') | Should -HaveCount 20
    }
}

Describe 'Remove-VectorRecord -OlderThan' {
    AfterEach { Disconnect-VectorIndex -ErrorAction Ignore }

    It 'deletes exactly the records whose date field is older than the age (<Age>)' -ForEach @(
        @{ Age = '30d' }
        @{ Age = (New-TimeSpan -Days 30) }
        @{ Age = 30d }   # unquoted: PowerShell's decimal literal 30, read as days
        @{ Age = '720h' }
    ) {
        $now = [DateTimeOffset]::UtcNow
        # doc-i is (10*i + 1) days old, as Unix seconds.
        $store = New-SweepStore -Count 10 -Metadata { param($i) @{ updated_at = $now.AddDays(-10 * $i - 1).ToUnixTimeSeconds() } }
        $preview = Remove-VectorRecord -Namespace docs -OlderThan $Age -DateField updated_at -WhatIf -Force
        @($preview | Where-Object Status -ne 'WhatIf') | Should -HaveCount 0
        ($preview | Measure-Object -Property RequestedCount -Sum).Sum | Should -Be 7
        (Get-RecordId -Connection $store.Connection).Split(',') | Should -HaveCount 10

        $m = Remove-VectorRecord -Namespace docs -OlderThan $Age -DateField updated_at -Force
        $m.Operation | Should -Be 'DeleteByFilter'
        $m.Filter | Should -Match '^\{"updated_at":\{"\$lt":\d+\}\}$'
        Get-RecordId -Connection $store.Connection | Should -BeExactly 'doc-00,doc-01,doc-02'
    }

    It 'shows the cutoff as a date in the What-if text' {
        $store = New-SweepStore -Count 3 -Metadata { param($i) @{ updated_at = 0 } }
        Disconnect-VectorIndex
        $quote = { param($t) "'" + ($t -replace "'", "''") + "'" }
        $script = @(
            'Import-Module -Name ' + (& $quote $ModuleManifest)
            'Connect-VectorIndex -Provider Local -Path ' + (& $quote $store.Path) + ' -Index test'
            'Remove-VectorRecord -Namespace docs -OlderThan 12h -DateField updated_at -WhatIf -Force | Out-Null'
        ) -join [Environment]::NewLine
        $run = Invoke-ChildPwsh -Script $script
        $cutoff = [DateTimeOffset]::UtcNow.AddHours(-12).UtcDateTime.ToString('yyyy-MM-dd')
        $run.Output | Should -Match ("What if: .*3 record\(s\) matching filter .*updated_at before $cutoff" + 'T\d\d:\d\d:\d\dZ = \d+ Unix seconds')
    }

    It 'refuses an age of zero or less (InvalidAge) and a blank -DateField (InvalidDateField)' {
        $store = New-SweepStore -Count 3
        { Remove-VectorRecord -Namespace docs -OlderThan ([TimeSpan]::Zero) -DateField updated_at -Force -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidAge,VectorOps.PowerShell.Cmdlets.RemoveVectorRecordCommand'
        { Remove-VectorRecord -Namespace docs -OlderThan '-2d' -DateField updated_at -Force -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidAge,VectorOps.PowerShell.Cmdlets.RemoveVectorRecordCommand'
        { Remove-VectorRecord -Namespace docs -OlderThan '30d' -DateField ' ' -Force -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidDateField,VectorOps.PowerShell.Cmdlets.RemoveVectorRecordCommand'
        { Remove-VectorRecord -Namespace docs -OlderThan 30 -DateField updated_at -Force -ErrorAction Stop } |
            Should -Throw -ErrorId 'ParameterArgumentTransformationError,VectorOps.PowerShell.Cmdlets.RemoveVectorRecordCommand'
        (Get-RecordId -Connection $store.Connection).Split(',') | Should -HaveCount 3
    }
}

Describe 'Help of the sweep and of age cleanup' {
    It 'has at least two examples, each parsing and naming only parameters the cmdlets have' {
        $help = Get-Help -Name Remove-VectorOrphan -Examples
        $examples = @($help.examples.example)
        $examples.Count | Should -BeGreaterOrEqual 2
        (Get-Help -Name Remove-VectorOrphan).Synopsis | Should -Not -BeNullOrEmpty
        $examples += @((Get-Help -Name Remove-VectorRecord -Examples).examples.example | Where-Object { ($_.code | Out-String) -match 'OlderThan' })
        foreach ($example in $examples) {
            $code = ($example.code | Out-String)
            $tokens = $null
            $parseErrors = $null
            $ast = [System.Management.Automation.Language.Parser]::ParseInput($code, [ref] $tokens, [ref] $parseErrors)
            @($parseErrors).Count | Should -Be 0 -Because "$($example.title) parses: $code"
            foreach ($call in $ast.FindAll({ param($node) $node -is [System.Management.Automation.Language.CommandAst] }, $true)) {
                $target = Get-Command -Name $call.GetCommandName() -Module VectorOps -ErrorAction Ignore
                if (-not $target) { continue }
                $known = @($target.Parameters.Values | ForEach-Object { $_.Name; $_.Aliases })
                foreach ($parameter in @($call.CommandElements | Where-Object { $_ -is [System.Management.Automation.Language.CommandParameterAst] })) {
                    $parameter.ParameterName | Should -BeIn $known -Because "$($example.title) calls $($target.Name)"
                }
            }
        }
    }

    It 'says that the date field holds a Unix time number, and what share a sweep may delete by default' {
        (Get-Help -Name Remove-VectorRecord -Parameter DateField | Out-String) | Should -Match 'Unix time number'
        (Get-Help -Name Remove-VectorOrphan -Parameter MaxDeleteShare | Out-String) | Should -Match '0\.10'
    }
}
