#Requires -Version 7.2
# Pester 5: how failed batches surface in PowerShell, against the Pinecone emulator (tests/VectorOps.Emulators)
# started as a program. One batch is made to fail permanently with the emulator's fault switch
# (POST /_emulator/faults: every delete whose body holds a given id is answered 500); /_emulator/deleted says
# which ids were really deleted, so each example can show that nothing outside the request went.
#   -ErrorAction Stop / $ErrorActionPreference = 'Stop': a catchable terminating error whose exception carries
#   the failed batch's mutation; -ErrorAction SilentlyContinue -ErrorVariable: every failed batch collected,
#   and piped back, exactly their ids deleted. Also: -Verbose request traces, stopping (Ctrl+C), Restore-VectorRecord.
# Run: dotnet build; Invoke-Pester ./tests/Pester/Reliability.Tests.ps1

BeforeAll {
    $script:RepoRoot = (Resolve-Path -LiteralPath (Join-Path $PSScriptRoot '..' '..')).Path
    $script:ModuleManifest = Join-Path $RepoRoot 'module' 'VectorOps' 'VectorOps.psd1'
    if (-not (Test-Path -LiteralPath $ModuleManifest)) {
        throw "Build the module first (dotnet build): $ModuleManifest is missing."
    }
    Import-Module -Name $ModuleManifest -Force -ErrorAction Stop

    # Start the emulator (TestSupport.ps1): the built program (built first when missing), its URI line awaited with a
    # time limit. Reading that line with a bare ReadLine() waited forever for an emulator that never printed it, and
    # the 'dotnet run' fallback could print build output before the URI.
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:Key = 'pester-' + [guid]::NewGuid().ToString('N')
    $script:Emulator = Start-Emulator -Name pinecone -ArgumentList '--api-key', $Key, '--dimension', '4'
    $script:EmulatorUri = $Emulator.Uri

    function Reset-Emulator { Invoke-RestMethod -Method Post -Uri ([uri]::new($EmulatorUri, '/_emulator/reset')) | Out-Null }
    function Get-EmulatorJournal { Invoke-RestMethod -Uri ([uri]::new($EmulatorUri, '/_emulator/journal')) }

    # The ids the emulator really deleted in namespace docs (and those deleted more than once).
    function Get-EmulatorDeleted { Invoke-RestMethod -Uri ([uri]::new($EmulatorUri, '/_emulator/deleted?scope=docs')) }

    # Every delete request whose body holds this id is answered 500, every time: its batch fails permanently.
    function Set-FailingBatch {
        param([Parameter(Mandatory)] [string] $Id)
        $fault = @{ kind = 'status'; status = 500; path = '/vectors/delete'; bodyContains = '"' + $Id + '"' } | ConvertTo-Json -Compress
        Invoke-RestMethod -Method Post -Uri ([uri]::new($EmulatorUri, '/_emulator/faults')) -Body $fault -ContentType 'application/json' | Out-Null
    }
    function Clear-EmulatorFault { Invoke-RestMethod -Method Delete -Uri ([uri]::new($EmulatorUri, '/_emulator/faults')) | Out-Null }

    function Connect-Emulator {
        $secure = ConvertTo-SecureString -String $Key -AsPlainText -Force
        # Two attempts per request, so a permanently failing batch gives up quickly.
        Connect-VectorIndex -Provider Pinecone -IndexHost $EmulatorUri -ApiKey $secure -MaxAttempts 2 -RequestTimeout 10 -PassThru
    }

    # 60 ids doc-00000..doc-00059 in namespace docs: 6 batches of 10.
    $script:Ids = 0..59 | ForEach-Object { 'doc-{0:D5}' -f $_ }
    function Add-TestRecord {
        $Ids | ForEach-Object -Begin { $i = 0 } -Process {
            @{ id = $_; values = 1, 0.5, 0.25, $i; metadata = @{ genre = if ($i % 3 -eq 0) { 'drama' } else { 'comedy' }; n = $i } }
            $i++
        } | Add-VectorRecord -Namespace docs -Confirm:$false | Out-Null
    }
}

AfterAll {
    if ($Emulator) { Stop-Emulator -Process $Emulator.Process }   # closes its stdin, kills it if it lingers
}

Describe 'A batch that fails permanently' {
    BeforeEach {
        Reset-Emulator
        $script:Connection = Connect-Emulator
        Add-TestRecord
    }

    AfterEach {
        Clear-EmulatorFault
    }

    It '-ErrorAction Stop throws a catchable terminating error whose exception carries the failed mutation' {
        Set-FailingBatch -Id 'doc-00042'
        $caught = $null
        $written = [System.Collections.Generic.List[object]]::new()
        try {
            # One batch at a time, so the order is known: batches 1-4 go, batch 5 fails, batch 6 is never sent.
            $Ids | Remove-VectorRecord -Namespace docs -BatchSize 10 -ThrottleLimit 1 -Confirm:$false -ErrorAction Stop |
                ForEach-Object { $written.Add($_) }
        }
        catch {
            $caught = $_
        }

        $caught | Should -Not -BeNullOrEmpty -Because 'the failed batch must stop the command'
        $caught.FullyQualifiedErrorId | Should -BeLike 'ProviderServerError,*'
        $caught.Exception.GetType().FullName | Should -Be 'VectorOps.Errors.VectorOpsException'
        $mutation = $caught.Exception.Mutation
        $mutation.Status.ToString() | Should -Be 'Failed'
        $mutation.ErrorId | Should -Be 'ProviderServerError'
        $mutation.Attempts | Should -Be 2
        $mutation.Ids | Should -Contain 'doc-00042'
        @($mutation.Ids).Count | Should -Be 10

        # What was written before the stop: the four batches that went, then the failed one.
        $written.Count | Should -Be 5
        @($written | Where-Object { $_.Status.ToString() -eq 'Acknowledged' }).Count | Should -Be 4
        $deleted = Get-EmulatorDeleted
        @($deleted.ids).Count | Should -Be 40
        $deleted.ids | Should -Not -Contain 'doc-00042'
        $deleted.ids | Should -Not -Contain 'doc-00055'   # the batch after the failure was not sent
    }

    It "`$ErrorActionPreference = 'Stop' in a scope does the same for the commands of that scope" {
        Set-FailingBatch -Id 'doc-00042'
        $caught = & {
            $ErrorActionPreference = 'Stop'
            try {
                $Ids | Remove-VectorRecord -Namespace docs -BatchSize 10 -ThrottleLimit 1 -Confirm:$false | Out-Null
                $null
            }
            catch {
                $_
            }
        }
        $caught | Should -Not -BeNullOrEmpty
        $caught.FullyQualifiedErrorId | Should -BeLike 'ProviderServerError,*'
        $caught.Exception.Mutation.Status.ToString() | Should -Be 'Failed'
        $caught.Exception.Mutation.Ids | Should -Contain 'doc-00042'

        # Outside that scope the preference is the caller's again: the same failure no longer stops a command.
        Reset-Emulator
        Add-TestRecord
        Set-FailingBatch -Id 'doc-00042'
        $out = $Ids | Remove-VectorRecord -Namespace docs -BatchSize 10 -Confirm:$false -ErrorAction SilentlyContinue
        @($out).Count | Should -Be 6
    }

    It '-ErrorAction SilentlyContinue -ErrorVariable collects every failed batch, and piping them back deletes exactly their ids' {
        Set-FailingBatch -Id 'doc-00012'
        Set-FailingBatch -Id 'doc-00042'
        $errs = $null
        $out = $Ids | Remove-VectorRecord -Namespace docs -BatchSize 10 -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable errs

        @($out).Count | Should -Be 6
        @($out | Where-Object { $_.Status.ToString() -eq 'Failed' }).Count | Should -Be 2
        @($errs).Count | Should -Be 2
        foreach ($e in $errs) {
            $e.FullyQualifiedErrorId | Should -BeLike 'ProviderServerError,*'
            $e.Exception.Mutation.Status.ToString() | Should -Be 'Failed'
            $e.TargetObject | Should -Be $e.Exception.Mutation
        }
        $failedIds = @($errs | ForEach-Object { $_.Exception.Mutation.Ids } | Sort-Object)
        $failedIds.Count | Should -Be 20
        $failedIds | Should -Contain 'doc-00012'
        $failedIds | Should -Contain 'doc-00042'
        @((Get-EmulatorDeleted).ids).Count | Should -Be 40

        Clear-EmulatorFault
        $retry = $errs | ForEach-Object { $_.Exception.Mutation } | Remove-VectorRecord -Confirm:$false
        @($retry).Count | Should -Be 2
        $retry | ForEach-Object { $_.Status.ToString() } | Sort-Object -Unique | Should -Be 'Acknowledged'
        (@($retry | ForEach-Object { $_.Ids } | Sort-Object) -join ',') | Should -Be ($failedIds -join ',')
        $deleted = Get-EmulatorDeleted
        @($deleted.ids).Count | Should -Be 60
        @($deleted.deletedMoreThanOnce).Count | Should -Be 0
    }

    It '-ErrorAction Continue (the default) writes the error and the other batches go on' {
        Set-FailingBatch -Id 'doc-00042'
        $all = $Ids | Remove-VectorRecord -Namespace docs -BatchSize 10 -Confirm:$false -ErrorAction Continue 2>&1
        $records = @($all | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        $records.Count | Should -Be 1
        $records[0].FullyQualifiedErrorId | Should -BeLike 'ProviderServerError,*'
        @($all | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] }).Count | Should -Be 6
        @((Get-EmulatorDeleted).ids).Count | Should -Be 50
    }

    It '-Verbose shows each request the delete sent' {
        $verbose = Remove-VectorRecord -Id 'doc-00001', 'doc-00002' -Namespace docs -Confirm:$false -Verbose 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message
        $verbose | Where-Object { $_ -like 'POST /vectors/delete -> 200 in * ms (attempt 1)' } | Should -Not -BeNullOrEmpty
        ($verbose -join "`n") | Should -Not -Match ([regex]::Escape($Key))
    }
}

Describe 'Stopping a delete (Ctrl+C)' {
    # The engine's Stop (what Ctrl+C does): whether the cmdlet's StopProcessing (its cancellation token) or the
    # engine's own stop at the next write ends it, no batch starts after it, the one in flight finishes, and the
    # pipeline ends promptly. The delete runs in a second runspace so this one can stop it.
    BeforeEach {
        Reset-Emulator
        $script:Connection = Connect-Emulator
        Add-TestRecord
        # 150 ms a request, one batch of one id at a time: the 60 ids would take 9 s.
        Invoke-RestMethod -Method Post -Uri ([uri]::new($EmulatorUri, '/_emulator/configure')) -Body '{"latencyMs":150}' -ContentType 'application/json' | Out-Null
    }

    AfterEach {
        Invoke-RestMethod -Method Post -Uri ([uri]::new($EmulatorUri, '/_emulator/configure')) -Body '{"latencyMs":0}' -ContentType 'application/json' | Out-Null
    }

    It 'sends no batch after the stop, ends within seconds, and what went is the first ids in order' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({
                param($Manifest, $Uri, $Key, $Ids)
                Import-Module -Name $Manifest
                $secure = ConvertTo-SecureString -String $Key -AsPlainText -Force
                Connect-VectorIndex -Provider Pinecone -IndexHost $Uri -ApiKey $secure
                $Ids | Remove-VectorRecord -Namespace docs -BatchSize 1 -ThrottleLimit 1 -Confirm:$false
            }).AddArgument($ModuleManifest).AddArgument($EmulatorUri.ToString()).AddArgument($Key).AddArgument($Ids)
            $run = $ps.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while (@((Get-EmulatorDeleted).ids).Count -lt 3 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
            @((Get-EmulatorDeleted).ids).Count | Should -BeGreaterOrEqual 3 -Because 'the delete should be under way before it is stopped'

            $clock = [Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $clock.Stop()
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 5
            $run.IsCompleted | Should -BeTrue
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'

            $atStop = @((Get-EmulatorDeleted).ids)
            Start-Sleep -Milliseconds 600   # four request times: a batch started after the stop would show
            $later = Get-EmulatorDeleted
            @($later.ids).Count | Should -Be $atStop.Count -Because 'no batch may be sent after the stop'
            $atStop.Count | Should -BeLessThan $Ids.Count
            @($later.deletedMoreThanOnce).Count | Should -Be 0
            # One batch at a time, in input order: what was deleted is exactly the first ids.
            ((@($later.ids) | Sort-Object) -join ',') | Should -Be (($Ids | Select-Object -First $atStop.Count) -join ',')
        }
        finally {
            $ps.Dispose()
        }
    }
}

Describe 'Restore-VectorRecord' {
    BeforeEach {
        Reset-Emulator
        $script:Connection = Connect-Emulator
        Add-TestRecord
    }

    It 'puts back what a delete with -BackupPath saved, and -WhatIf sends nothing' {
        $backup = Join-Path $TestDrive 'backup.jsonl'
        $Ids[0..19] | Remove-VectorRecord -Namespace docs -BackupPath $backup -Confirm:$false | Out-Null
        @(Get-Content -LiteralPath $backup).Count | Should -Be 20
        (Get-VectorNamespace -Name docs).RecordCount | Should -Be 40

        $upserts = (Get-EmulatorJournal).operations.upsert
        $preview = Restore-VectorRecord -Path $backup -WhatIf
        $preview | ForEach-Object { $_.Status.ToString() } | Sort-Object -Unique | Should -Be 'WhatIf'
        (Get-EmulatorJournal).operations.upsert | Should -Be $upserts

        $restored = Restore-VectorRecord -Path $backup -Confirm:$false
        $restored | ForEach-Object { $_.Operation.ToString() } | Sort-Object -Unique | Should -Be 'Upsert'
        (Get-VectorNamespace -Name docs).RecordCount | Should -Be 60
        $r = Get-VectorRecord -Id 'doc-00003' -Namespace docs
        $r.Metadata.genre | Should -Be 'drama'
        $r.Values[3] | Should -Be 3
    }

    It 'skips a torn last line with a warning naming it' {
        $backup = Join-Path $TestDrive 'torn.jsonl'
        $Ids[0..1] | Remove-VectorRecord -Namespace docs -BackupPath $backup -Confirm:$false | Out-Null
        Add-Content -LiteralPath $backup -Value '{"id":"doc-00002","values":[1,0.5' -NoNewline
        $warnings = $null
        Restore-VectorRecord -Path $backup -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue | Out-Null
        @($warnings).Count | Should -Be 1
        $warnings[0].Message | Should -Match 'Line 3 of'
        (Get-VectorNamespace -Name docs).RecordCount | Should -Be 60
    }

    It 'refuses a file with a malformed line before sending anything' {
        $bad = Join-Path $TestDrive 'bad.jsonl'
        Set-Content -LiteralPath $bad -Value @('{"id":"doc-90000","values":[1,2,3,4],"namespace":"docs"}', '{"id": 42}')
        $upserts = (Get-EmulatorJournal).operations.upsert
        $caught = $null
        try {
            Restore-VectorRecord -Path $bad -Confirm:$false -ErrorAction SilentlyContinue | Out-Null
        }
        catch {
            $caught = $_
        }
        $caught.FullyQualifiedErrorId | Should -BeLike 'InvalidRecordFile,*'
        (Get-EmulatorJournal).operations.upsert | Should -Be $upserts
        Get-VectorRecord -Id 'doc-90000' -Namespace docs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}
