#Requires -Version 7.2
# Pester 5, on PowerShell 7.6 through the built module: issue 12, items 5-8 as a user sees them.
#   5. Failed (or WhatIf) mutations piped back bind with or without the original -Namespace; another is refused.
#   6. Progress: a percentage of the records when the total is known, ids sent and their rate when streaming.
#   7. A stop (the engine's Stop, what Ctrl+C does) tells what was deleted, what was not sent and how to resume;
#      resuming deletes exactly the rest.
#   8. One question per delete, with the count in it; the What-if text and the WhatIf objects agree.
# Prompts, warnings written while a pipeline stops and progress records only reach a host, so the examples that need
# them run in a runspace of their own with a recording host (a small PSHost compiled here with Add-Type) that answers
# every prompt and keeps what it was shown. The stop examples run against the Pinecone emulator with a latency per
# request, so that a delete is under way when it is stopped; the others on the local store.
# Run: dotnet build; Invoke-Pester ./tests/Pester/RunControl.Tests.ps1

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:ModuleManifest = Import-VectorOpsModule

    if (-not ('RunControlTest.RecordingHost' -as [type])) {
        Add-Type -TypeDefinition @'
using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

namespace RunControlTest
{
    public sealed class PromptRecord
    {
        public string Kind;
        public string Caption;
        public string Message;
        public override string ToString() { return Kind + ": " + Caption + " | " + Message; }
    }

    public sealed class RecordingUI : PSHostUserInterface
    {
        public readonly List<PromptRecord> Prompts = new List<PromptRecord>();
        public readonly List<string> Warnings = new List<string>();
        public readonly List<string> Lines = new List<string>();
        public readonly List<ProgressRecord> Progress = new List<ProgressRecord>();
        public int Answer;

        public override PSHostRawUserInterface RawUI { get { return null; } }
        public override string ReadLine() { return ""; }
        public override SecureString ReadLineAsSecureString() { return new SecureString(); }
        public override void Write(string value) { lock (Lines) Lines.Add(value); }
        public override void Write(ConsoleColor f, ConsoleColor b, string value) { lock (Lines) Lines.Add(value); }
        public override void WriteLine(string value) { lock (Lines) Lines.Add(value); }
        public override void WriteErrorLine(string value) { lock (Lines) Lines.Add("ERROR: " + value); }
        public override void WriteDebugLine(string message) { }
        public override void WriteVerboseLine(string message) { }
        public override void WriteWarningLine(string message) { lock (Warnings) Warnings.Add(message); }
        public override void WriteProgress(long sourceId, ProgressRecord record) { lock (Progress) Progress.Add(record); }
        public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions)
        {
            throw new NotSupportedException();
        }
        public override PSCredential PromptForCredential(string c, string m, string u, string t) { throw new NotSupportedException(); }
        public override PSCredential PromptForCredential(string c, string m, string u, string t, PSCredentialTypes a, PSCredentialUIOptions o) { throw new NotSupportedException(); }
        public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice)
        {
            lock (Prompts) Prompts.Add(new PromptRecord { Kind = "Choice", Caption = caption, Message = message });
            return Answer;
        }
    }

    public sealed class RecordingHost : PSHost
    {
        private readonly Guid _id = Guid.NewGuid();
        public readonly RecordingUI Recorder = new RecordingUI();
        public override CultureInfo CurrentCulture { get { return CultureInfo.InvariantCulture; } }
        public override CultureInfo CurrentUICulture { get { return CultureInfo.InvariantCulture; } }
        public override Guid InstanceId { get { return _id; } }
        public override string Name { get { return "RunControlTestHost"; } }
        public override PSHostUserInterface UI { get { return Recorder; } }
        public override Version Version { get { return new Version(1, 0); } }
        public override void EnterNestedPrompt() { throw new NotSupportedException(); }
        public override void ExitNestedPrompt() { throw new NotSupportedException(); }
        public override void NotifyBeginApplication() { }
        public override void NotifyEndApplication() { }
        public override void SetShouldExit(int exitCode) { }
    }
}

'@
    }

    # Runs a script in a new runspace whose host records prompts, warnings and progress (answering prompts with
    # $Answer: 0 = Yes). Returns the host's recorder, the output, the errors and the PowerShell (for -Keep).
    function Invoke-Recorded {
        param([scriptblock] $Script, [object[]] $ArgumentList = @(), [int] $Answer = 0)
        $recordingHost = [RunControlTest.RecordingHost]::new()
        $recordingHost.Recorder.Answer = $Answer
        $runspace = [runspacefactory]::CreateRunspace($recordingHost)
        $runspace.Open()
        $ps = [powershell]::Create()
        $ps.Runspace = $runspace
        try {
            $null = $ps.AddScript($Script)
            foreach ($a in $ArgumentList) { $null = $ps.AddArgument($a) }
            $out = $ps.Invoke()
            [pscustomobject]@{ Recorder = $recordingHost.Recorder; Output = @($out); Errors = @($ps.Streams.Error) }
        }
        finally {
            $ps.Dispose()
            $runspace.Dispose()
        }
    }

    # A local store with the given ids in one namespace (and 'keep-1' beside them); the session's connection.
    function New-TestStore {
        param([string[]] $Id, [string] $Namespace = 'films')
        $path = Join-Path $TestDrive ('store-' + [guid]::NewGuid().ToString('N') + '.db')
        $connection = Connect-VectorIndex -Provider Local -Path $path -Index test -Create -PassThru
        @($Id) + 'keep-1' | ForEach-Object { @{ id = $_; values = 0.1, 0.2, 0.3; metadata = @{ group = 'g' } } } |
            Add-VectorRecord -Namespace $Namespace -Confirm:$false | Out-Null
        [pscustomobject]@{ Path = $path; Connection = $connection }
    }

    function Get-RecordId {
        param($Connection, [string] $Namespace = 'films')
        (@(Get-VectorRecord -Connection $Connection -Namespace $Namespace -IdOnly | ForEach-Object Id) | Sort-Object) -join ','
    }
}

AfterAll {
    Disconnect-VectorIndex -ErrorAction Ignore
}

Describe 'Mutations piped back with the original -Namespace (item 5)' {
    AfterEach { Disconnect-VectorIndex -ErrorAction Ignore }

    It 'binds WhatIf mutations with the same -Namespace and deletes exactly their ids' {
        $store = New-TestStore -Id 'a', 'b', 'c'
        $preview = Remove-VectorRecord -Id 'a', 'b' -Namespace films -WhatIf
        $done = $preview | Remove-VectorRecord -Namespace films -Confirm:$false
        $done.Status | Should -Be 'Completed'
        $done.Namespace | Should -Be 'films'
        Get-RecordId -Connection $store.Connection | Should -BeExactly 'c,keep-1'
    }

    It 'binds Skipped (declined) mutations too, with or without -Namespace' {
        $store = New-TestStore -Id 'a', 'b', 'c'
        # The choices of the confirmation prompt: [Y] Yes, [A] Yes to All, [N] No, ...: 2 answers No.
        $run = Invoke-Recorded -Answer 2 -ArgumentList $ModuleManifest, $store.Path -Script {
            param($Manifest, $Path)
            Import-Module $Manifest
            Connect-VectorIndex -Provider Local -Path $Path -Index test
            Remove-VectorRecord -Id 'a', 'b' -Namespace films -Confirm   # answered No
        }
        $skipped = $run.Output | ForEach-Object { $_.psobject.BaseObject }
        $skipped.Status | Should -Be 'Skipped'
        Get-RecordId -Connection $store.Connection | Should -BeExactly 'a,b,c,keep-1'
        ($skipped | Remove-VectorRecord -Namespace films -Confirm:$false).Status | Should -Be 'Completed'
        Get-RecordId -Connection $store.Connection | Should -BeExactly 'c,keep-1'
    }

    It 'refuses a -Namespace that is not the mutation''s own with NamespaceMismatch and sends nothing' {
        $store = New-TestStore -Id 'a', 'b', 'c'
        $preview = Remove-VectorRecord -Id 'a', 'b' -Namespace films -WhatIf
        $out = $preview | Remove-VectorRecord -Namespace other -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable errs
        $out | Should -BeNullOrEmpty
        $errs | Should -HaveCount 1
        $errs[0].FullyQualifiedErrorId | Should -BeExactly 'NamespaceMismatch,VectorOps.PowerShell.Cmdlets.RemoveVectorRecordCommand'
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $errs[0].TargetObject | Should -Be 'other'
        $errs[0].Exception.Message | Should -Match "'films'.*'other'"
        Get-RecordId -Connection $store.Connection | Should -BeExactly 'a,b,c,keep-1'
    }

    It 'still binds strings, records with Id and Namespace, and CSV rows with -Namespace or by property name' {
        $store = New-TestStore -Id 'a', 'b', 'c', 'd'
        'a' | Remove-VectorRecord -Namespace films -Confirm:$false | Out-Null
        [pscustomobject]@{ Id = 'b'; Namespace = 'films' } | Remove-VectorRecord -Confirm:$false | Out-Null
        "Id,Namespace`nc,films" | ConvertFrom-Csv | Remove-VectorRecord -Confirm:$false | Out-Null
        Get-VectorRecord -Namespace films -Id d | Remove-VectorRecord -Confirm:$false | Out-Null
        Get-RecordId -Connection $store.Connection | Should -BeExactly 'keep-1'
    }
}

Describe 'Progress (item 6)' {
    AfterEach { Disconnect-VectorIndex -ErrorAction Ignore }

    It 'is a true percentage of the records for an -Id array, and completes at 100' {
        $ids = 0..59 | ForEach-Object { 'p-{0:D3}' -f $_ }
        $store = New-TestStore -Id $ids
        $run = Invoke-Recorded -ArgumentList $ModuleManifest, $store.Path, $ids -Script {
            param($Manifest, $Path, $Ids)
            Import-Module $Manifest
            Connect-VectorIndex -Provider Local -Path $Path -Index test
            Remove-VectorRecord -Id $Ids -Namespace films -BatchSize 10 -ThrottleLimit 1 -Confirm:$false
        }
        $progress = @($run.Recorder.Progress | Where-Object Activity -eq 'Deleting records by id')
        $progress[0].StatusDescription | Should -BeExactly '10 of 60 record(s) done'
        $progress[0].PercentComplete | Should -Be 16
        $progress | ForEach-Object { $_.StatusDescription | Should -Not -Match 'batches' }
        $progress[-1].RecordType | Should -Be 'Completed'
        $progress[-1].PercentComplete | Should -Be 100
        Get-RecordId -Connection $store.Connection | Should -BeExactly 'keep-1'
    }

    It 'shows ids sent and their rate, with no percentage, when the ids stream in' {
        $ids = 0..59 | ForEach-Object { 'p-{0:D3}' -f $_ }
        $store = New-TestStore -Id $ids
        $run = Invoke-Recorded -ArgumentList $ModuleManifest, $store.Path, $ids -Script {
            param($Manifest, $Path, $Ids)
            Import-Module $Manifest
            Connect-VectorIndex -Provider Local -Path $Path -Index test
            $Ids | Remove-VectorRecord -Namespace films -BatchSize 10 -ThrottleLimit 1 -Confirm:$false
        }
        $progress = @($run.Recorder.Progress | Where-Object Activity -eq 'Deleting records by id')
        $running = @($progress | Where-Object RecordType -eq 'Processing')
        $running | Should -Not -BeNullOrEmpty
        $running | ForEach-Object {
            $_.PercentComplete | Should -Be -1
            $_.StatusDescription | Should -Match '^[\d,]+ record\(s\) sent, [\d,]+/s$'
        }
        $progress[-1].RecordType | Should -Be 'Completed'
    }

    It 'is a percentage of the preview count for a prefix delete (counted for the question it asks)' {
        $ids = 0..29 | ForEach-Object { 'tmp-{0:D3}' -f $_ }
        $store = New-TestStore -Id $ids
        $run = Invoke-Recorded -ArgumentList $ModuleManifest, $store.Path -Script {
            param($Manifest, $Path)
            Import-Module $Manifest
            Connect-VectorIndex -Provider Local -Path $Path -Index test
            Remove-VectorRecord -Prefix tmp- -Namespace films -BatchSize 10 -ThrottleLimit 1   # the count question: Yes
        }
        $run.Recorder.Prompts | Should -HaveCount 1
        $progress = @($run.Recorder.Progress | Where-Object Activity -eq 'Deleting records by id prefix')
        $progress[0].StatusDescription | Should -BeExactly '10 of 30 record(s) done'
        $progress[0].PercentComplete | Should -Be 33
        $progress[-1].RecordType | Should -Be 'Completed'
    }
}

Describe 'One question per delete (item 8)' {
    BeforeAll {
        $ids = 0..236 | ForEach-Object { 'tmp-{0:D3}' -f $_ }
    }
    AfterEach { Disconnect-VectorIndex -ErrorAction Ignore }

    It 'asks once, with the count, for <Name>' -ForEach @(
        @{ Name = '-Prefix with -Confirm'; Line = 'Remove-VectorRecord -Prefix tmp- -Namespace films -Confirm' }
        @{ Name = '-Filter with -Confirm'; Line = 'Remove-VectorRecord -Filter @{ group = ''g'' } -Namespace films -Confirm' }
        @{ Name = '-Prefix without -Confirm (the count question)'; Line = 'Remove-VectorRecord -Prefix tmp- -Namespace films' }
        @{ Name = '-Prefix with $ConfirmPreference = Medium'; Line = '$ConfirmPreference = ''Medium''; Remove-VectorRecord -Prefix tmp- -Namespace films' }
        @{ Name = '-Prefix with -Force -Confirm'; Line = 'Remove-VectorRecord -Prefix tmp- -Namespace films -Force -Confirm' }
    ) {
        $store = New-TestStore -Id $ids
        $expected = if ($Line -like '*-Filter*') { 238 } else { 237 }
        $run = Invoke-Recorded -ArgumentList $ModuleManifest, $store.Path, $Line -Script {
            param($Manifest, $Path, $Line)
            Import-Module $Manifest
            Connect-VectorIndex -Provider Local -Path $Path -Index test
            Invoke-Expression $Line
        }
        $run.Errors | Should -BeNullOrEmpty
        $run.Recorder.Prompts | Should -HaveCount 1 -Because ($run.Recorder.Prompts -join ' || ')
        $run.Recorder.Prompts[0].Message | Should -Match "$expected record\(s\)"
        ($run.Output | Measure-Object -Property RequestedCount -Sum).Sum | Should -Be $expected
        Get-RecordId -Connection $store.Connection | Should -BeExactly $(if ($expected -eq 238) { '' } else { 'keep-1' })
    }

    It 'asks nothing with -Force, and the What-if text counts what the WhatIf objects hold under -Force -WhatIf' {
        $store = New-TestStore -Id $ids
        $run = Invoke-Recorded -ArgumentList $ModuleManifest, $store.Path -Script {
            param($Manifest, $Path)
            Import-Module $Manifest
            Connect-VectorIndex -Provider Local -Path $Path -Index test
            Remove-VectorRecord -Prefix tmp- -Namespace films -Force -WhatIf
        }
        $run.Recorder.Prompts | Should -HaveCount 0
        $whatIf = @($run.Recorder.Lines | Where-Object { $_ -like 'What if:*' })
        $whatIf | Should -HaveCount 1
        $whatIf[0] | Should -Match "237 record\(s\) with id prefix 'tmp-'"
        $whatIf[0] | Should -Not -Match 'all records'
        ($run.Output | Measure-Object -Property RequestedCount -Sum).Sum | Should -Be 237
        @($run.Output | Where-Object Status -ne 'WhatIf') | Should -HaveCount 0
        (Get-RecordId -Connection $store.Connection).Split(',') | Should -HaveCount 238
    }

    It 'Clear-VectorNamespace (ConfirmImpact High) keeps asking once per namespace, with the count' {
        $store = New-TestStore -Id $ids
        $run = Invoke-Recorded -ArgumentList $ModuleManifest, $store.Path -Script {
            param($Manifest, $Path)
            Import-Module $Manifest
            Connect-VectorIndex -Provider Local -Path $Path -Index test
            Clear-VectorNamespace -Namespace films
        }
        $run.Recorder.Prompts | Should -HaveCount 1
        $run.Recorder.Prompts[0].Message | Should -Match '238 record\(s\)'
        Get-RecordId -Connection $store.Connection | Should -BeExactly ''
    }
}

Describe 'Stopping a run (Ctrl+C) tells what was done and how to resume (item 7)' {
    BeforeAll {
        $script:Key = 'pester-' + [guid]::NewGuid().ToString('N')
        $script:Emulator = Start-Emulator -Name pinecone -ArgumentList '--api-key', $Key, '--dimension', '4'
        $script:EmulatorUri = $Emulator.Uri
        function Reset-Emulator { Invoke-RestMethod -Method Post -Uri ([uri]::new($EmulatorUri, '/_emulator/reset')) -NoProxy | Out-Null }
        function Set-Latency([int] $Ms) {
            Invoke-RestMethod -Method Post -Uri ([uri]::new($EmulatorUri, '/_emulator/configure')) -Body ('{"latencyMs":' + $Ms + '}') -ContentType 'application/json' -NoProxy | Out-Null
        }
        function Get-EmulatorDeleted([string] $Scope = 'docs') { Invoke-RestMethod -Uri ([uri]::new($EmulatorUri, "/_emulator/deleted?scope=$Scope")) -NoProxy }
        function Connect-Emulator {
            $secure = ConvertTo-SecureString -String $Key -AsPlainText -Force
            Connect-VectorIndex -Provider Pinecone -IndexHost $EmulatorUri -ApiKey $secure -PassThru
        }
        $script:Ids = 0..59 | ForEach-Object { 'doc-{0:D5}' -f $_ }

        # Starts $Script in a runspace with a recording host, waits until $Until is true, stops it (what Ctrl+C does),
        # then runs $After in the same runspace (the stopped run's $VectorOpsStopped and $Error are there).
        function Invoke-Stopped {
            param([scriptblock] $Script, [scriptblock] $Until, [scriptblock] $After)
            $recordingHost = [RunControlTest.RecordingHost]::new()
            $runspace = [runspacefactory]::CreateRunspace($recordingHost)
            $runspace.Open()
            $ps = [powershell]::Create()
            $ps.Runspace = $runspace
            try {
                $null = $ps.AddScript($Script).AddArgument($ModuleManifest).AddArgument($EmulatorUri.ToString()).AddArgument($Key).AddArgument($Ids)
                $output = [System.Management.Automation.PSDataCollection[psobject]]::new()
                $run = $ps.BeginInvoke([System.Management.Automation.PSDataCollection[psobject]] $null, $output)
                $deadline = [DateTime]::UtcNow.AddSeconds(60)
                while (-not (& $Until) -and -not $run.IsCompleted -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
                $run.IsCompleted | Should -BeFalse -Because 'the run must still be under way when it is stopped'
                $ps.Stop()
                $ps.InvocationStateInfo.State | Should -Be 'Stopped'
                $written = @($output)
                $ps.Commands.Clear()
                $null = $ps.AddScript($After).AddArgument($Ids)
                $afterOutput = $ps.Invoke()
                [pscustomobject]@{
                    Warnings = @($recordingHost.Recorder.Warnings)
                    Written = $written
                    After = @($afterOutput)
                    AfterErrors = @($ps.Streams.Error)
                }
            }
            finally {
                $ps.Dispose()
                $runspace.Dispose()
            }
        }
    }

    AfterAll {
        if ($Emulator) { Stop-Emulator -Process $Emulator.Process }
    }

    BeforeEach {
        Set-Latency 0
        Reset-Emulator
        $script:Connection = Connect-Emulator
        $Ids | ForEach-Object { @{ id = $_; values = 1, 0.5, 0.25, 1 } } | Add-VectorRecord -Namespace docs -Confirm:$false | Out-Null
        'keep-1' | ForEach-Object { @{ id = $_; values = 1, 0.5, 0.25, 1 } } | Add-VectorRecord -Namespace docs -Confirm:$false | Out-Null
        Set-Latency 150
    }

    AfterEach {
        Set-Latency 0
        Disconnect-VectorIndex -ErrorAction Ignore
    }

    It 'piped ids: the summary says what went and how much input was read; $VectorOpsStopped and Select-Object -Skip delete exactly the rest' {
        $r = Invoke-Stopped -Script {
            param($Manifest, $Uri, $Key, $Ids)
            Import-Module $Manifest
            Connect-VectorIndex -Provider Pinecone -IndexHost $Uri -ApiKey (ConvertTo-SecureString $Key -AsPlainText -Force)
            $Ids | Remove-VectorRecord -Namespace docs -BatchSize 2 -ThrottleLimit 1 -Confirm:$false
        } -Until { @((Get-EmulatorDeleted).ids).Count -ge 6 } -After {
            param($Ids)
            $read = [int]([regex]::Match(($Error[0].Exception.Message), '([\d,]+) input object\(s\) were read').Groups[1].Value -replace ',', '')
            [pscustomobject]@{
                ErrorId = $Error[0].FullyQualifiedErrorId
                Category = "$($Error[0].CategoryInfo.Category)"
                Summary = $Error[0].TargetObject
                Read = $read
                Stopped = @($VectorOpsStopped)
            }
            $VectorOpsStopped | Remove-VectorRecord -Confirm:$false
            $Ids | Select-Object -Skip $read | Remove-VectorRecord -Namespace docs -Confirm:$false
        }
        $text = $r.Warnings -join "`n"
        $text | Should -Match 'Remove-VectorRecord was stopped \(Ctrl\+C\): [\d,]+ batch\(es\) done'
        $text | Should -Match 'input object\(s\) were read from the pipeline, the last '
        $text | Should -Match 'Select-Object -Skip \d+'
        $facts = $r.After[0]
        $facts.ErrorId | Should -BeExactly 'OperationStopped,VectorOps.PowerShell.Cmdlets.RemoveVectorRecordCommand'
        $facts.Category | Should -Be 'OperationStopped'
        $facts.Read | Should -BeGreaterThan 0
        $facts.Read | Should -BeLessThan $Ids.Count
        # Everything deleted is reported: in the output before the stop, or as ended after it.
        $reported = @($r.Written | Where-Object Status -eq 'Acknowledged') + @($facts.Summary.NotWritten | Where-Object Status -eq 'Acknowledged')
        $deletedAtStop = @($reported | ForEach-Object { $_.Ids }) | Sort-Object
        $facts.Summary.RecordsDone | Should -Be $deletedAtStop.Count
        # Resuming deleted exactly the rest: every id once, keep-1 kept.
        $deleted = Get-EmulatorDeleted
        (@($deleted.ids) | Sort-Object) -join ',' | Should -BeExactly ($Ids -join ',')
        @($deleted.deletedMoreThanOnce) | Should -HaveCount 0
        @(Get-VectorRecord -Namespace docs -IdOnly).Id | Should -BeExactly 'keep-1'
    }

    It 'an -Id array: the ids not sent are all in $VectorOpsStopped, and piping it back deletes exactly them' {
        $r = Invoke-Stopped -Script {
            param($Manifest, $Uri, $Key, $Ids)
            Import-Module $Manifest
            Connect-VectorIndex -Provider Pinecone -IndexHost $Uri -ApiKey (ConvertTo-SecureString $Key -AsPlainText -Force)
            Remove-VectorRecord -Id $Ids -Namespace docs -BatchSize 2 -ThrottleLimit 1 -Confirm:$false
        } -Until { @((Get-EmulatorDeleted).ids).Count -ge 6 } -After {
            param($Ids)
            $stopped = @($VectorOpsStopped)
            [pscustomobject]@{ Count = $stopped.Count; Ids = @($stopped | ForEach-Object { $_.Ids }); Statuses = @($stopped.Status | Sort-Object -Unique) }
            $stopped | Remove-VectorRecord -Confirm:$false
        }
        $text = $r.Warnings -join "`n"
        $text | Should -Match 'not sent \([\d,]+ record\(s\)\)'
        $text | Should -Match '\$VectorOpsStopped \| Remove-VectorRecord sends again exactly'
        $text | Should -Not -Match 'Select-Object -Skip'
        $facts = $r.After[0]
        $facts.Statuses | Should -BeExactly 'Skipped'
        $atStop = @($facts.Ids)
        $atStop.Count | Should -BeGreaterThan 0
        $deleted = Get-EmulatorDeleted
        (@($deleted.ids) | Sort-Object) -join ',' | Should -BeExactly ($Ids -join ',')
        @($deleted.deletedMoreThanOnce) | Should -HaveCount 0
    }

    It 'a prefix delete: the summary says to run it again, and that deletes exactly what still matches' {
        $r = Invoke-Stopped -Script {
            param($Manifest, $Uri, $Key, $Ids)
            Import-Module $Manifest
            Connect-VectorIndex -Provider Pinecone -IndexHost $Uri -ApiKey (ConvertTo-SecureString $Key -AsPlainText -Force)
            Remove-VectorRecord -Prefix doc- -Namespace docs -BatchSize 2 -ThrottleLimit 1 -Force
        } -Until { @((Get-EmulatorDeleted).ids).Count -ge 6 } -After {
            param($Ids)
            Remove-VectorRecord -Prefix doc- -Namespace docs -Force
        }
        $text = $r.Warnings -join "`n"
        $text | Should -Match 'Remove-VectorRecord was stopped'
        $text | Should -Match "To finish, run the same command again: it deletes what still matches \(stopped in 'docs'\)"
        $deleted = Get-EmulatorDeleted
        (@($deleted.ids) | Sort-Object) -join ',' | Should -BeExactly ($Ids -join ',')
        @($deleted.deletedMoreThanOnce) | Should -HaveCount 0
        @(Get-VectorRecord -Namespace docs -IdOnly).Id | Should -BeExactly 'keep-1'
    }

    It 'Clear-VectorNamespace with several namespaces: it names what was and was not cleared, and $VectorOpsStopped clears the rest' {
        $names = 0..9 | ForEach-Object { "n$_" }
        Set-Latency 0
        foreach ($n in $names) { @{ id = "$n-1"; values = 1, 0.5, 0.25, 1 } | Add-VectorRecord -Namespace $n -Confirm:$false | Out-Null }
        # 500 ms a request: the stop (seen after n2 is empty) must land before all ten are cleared, even at load 28.
        Set-Latency 500
        $isEmpty = { param($n) -not (Get-VectorRecord -Namespace $n -IdOnly) }
        $r = Invoke-Stopped -Script {
            param($Manifest, $Uri, $Key, $Ids)
            Import-Module $Manifest
            Connect-VectorIndex -Provider Pinecone -IndexHost $Uri -ApiKey (ConvertTo-SecureString $Key -AsPlainText -Force)
            Clear-VectorNamespace -Namespace (0..9 | ForEach-Object { "n$_" }) -Force
        } -Until { & $isEmpty 'n2' } -After {
            param($Ids)
            [pscustomobject]@{ Stopped = @($VectorOpsStopped); ErrorId = $Error[0].FullyQualifiedErrorId }
        }
        Set-Latency 0
        $text = $r.Warnings -join "`n"
        $text | Should -Match 'Clear-VectorNamespace was stopped'
        $text | Should -Match "Cleared: 'n0', 'n1', 'n2'"
        $text | Should -Match 'Not cleared \(or not wholly\): '
        $r.After[0].ErrorId | Should -BeExactly 'OperationStopped,VectorOps.PowerShell.Cmdlets.ClearVectorNamespaceCommand'
        $notCleared = @($r.After[0].Stopped)
        $stillThere = @($names | Where-Object { -not (& $isEmpty $_) })
        $stillThere.Count | Should -BeGreaterThan 0
        # Exactly the namespaces that still hold records are named (none that was cleared, none missing).
        ($notCleared -join ',') | Should -BeExactly ($stillThere -join ',')
        $notCleared | Clear-VectorNamespace -Force | Out-Null
        @($names | Where-Object { -not (& $isEmpty $_) }) | Should -HaveCount 0
    }
}

Describe 'Only a stop is reported as a stop' {
    # The engine ends a cmdlet's own terminating error, an error under -ErrorAction Stop, and a later command that
    # has what it needs (Select-Object -First) with the same PipelineStoppedException as Ctrl+C. Only Ctrl+C is the
    # user's stop; a bad input must read as its error alone, never as "was stopped (Ctrl+C)".
    AfterEach { Disconnect-VectorIndex -ErrorAction Ignore }

    It 'writes no stop summary for <Name>' -ForEach @(
        @{ Name = 'a misspelt namespace under -ErrorAction Stop'; Id = 'NamespaceNotFound'; Line = 'Remove-VectorRecord -Namespace flims -Id tmp-1 -Confirm:$false -ErrorAction Stop' }
        @{ Name = 'a misspelt namespace, non-terminating'; Id = 'NamespaceNotFound'; Line = 'Remove-VectorRecord -Namespace flims -Id tmp-1 -Confirm:$false' }
        @{ Name = 'a blank namespace (terminating)'; Id = 'EmptyNamespace'; Line = 'Remove-VectorRecord -Namespace '''' -Id tmp-1 -Confirm:$false' }
        @{ Name = 'a clear of a misspelt namespace under -ErrorAction Stop'; Id = 'NamespaceNotFound'; Line = 'Clear-VectorNamespace -Namespace flims -Force -ErrorAction Stop' }
        @{ Name = 'a -WhatIf preview cut short by Select-Object -First'; Id = $null; Line = 'Remove-VectorRecord -Namespace films -Prefix tmp- -BatchSize 1 -Force -WhatIf | Select-Object -First 1' }
    ) {
        $store = New-TestStore -Id (1..5 | ForEach-Object { "tmp-$_" })
        $run = Invoke-Recorded -ArgumentList $ModuleManifest, $store.Path, $Line -Script {
            param($Manifest, $Path, $Line)
            Import-Module $Manifest
            Connect-VectorIndex -Provider Local -Path $Path -Index test
            try { Invoke-Expression $Line } catch { $_ }
        }
        $run.Recorder.Warnings -join "`n" | Should -Not -Match 'was stopped'
        if ($Id) {
            $errorIds = @($run.Errors | ForEach-Object FullyQualifiedErrorId) + @($run.Output | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] } | ForEach-Object FullyQualifiedErrorId)
            $errorIds -join ' ' | Should -Match $Id
        }
        (Get-RecordId -Connection $store.Connection).Split(',') | Should -HaveCount 6 -Because 'nothing was deleted'
    }

    It 'names a delete cut short by Select-Object -First as such, not as Ctrl+C, with what was and was not sent' {
        $store = New-TestStore -Id (1..5 | ForEach-Object { "tmp-$_" })
        $run = Invoke-Recorded -ArgumentList $ModuleManifest, $store.Path -Script {
            param($Manifest, $Path)
            Import-Module $Manifest
            Connect-VectorIndex -Provider Local -Path $Path -Index test
            Remove-VectorRecord -Namespace films -Id tmp-1, tmp-2, tmp-3, tmp-4, tmp-5 -BatchSize 1 -ThrottleLimit 1 -Confirm:$false | Select-Object -First 1
        }
        $text = $run.Recorder.Warnings -join "`n"
        $text | Should -Match 'was stopped by a later command of the pipeline'
        $text | Should -Not -Match 'Ctrl\+C'
        $left = (Get-RecordId -Connection $store.Connection).Split(',')
        # What the summary says was not sent is exactly what is still there (besides keep-1).
        $text | Should -Match ("{0} not sent" -f ($left.Count - 1))
    }
}
