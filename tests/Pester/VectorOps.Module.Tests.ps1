#Requires -Version 7.2
# Pester 5 tests of the built module (module/VectorOps) in a real PowerShell 7 engine.
# Each It builds its own store under $TestDrive: no test depends on another or on their order.
# Run: ./build.ps1 -Task Pester   (or, after dotnet build: Invoke-Pester ./tests/Pester)
# Error ids are checked whole: '<ErrorId>,<full name of the cmdlet class>' (the cmdlets live in VectorOps.PowerShell.Cmdlets).

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:ModuleManifest = Import-VectorOpsModule
    $script:ModuleDir = Split-Path -Parent $ModuleManifest

    # A new local store with the given ids in one namespace; it becomes the session's connection.
    function New-TestStore {
        param(
            [string[]] $Id = @('a', 'b', 'c'),
            [string] $Namespace = 'default'
        )
        $path = Join-Path $TestDrive ('store-' + [guid]::NewGuid().ToString('N') + '.db')
        $connection = Connect-VectorIndex -Provider Local -Path $path -Index test -Create -PassThru
        if ($Id.Count -gt 0) {
            $Id | ForEach-Object { @{ id = $_; values = 0.1, 0.2, 0.3; metadata = @{ group = 'g'; n = 1 } } } |
                Add-VectorRecord -Namespace $Namespace -Confirm:$false | Out-Null
        }
        [pscustomobject]@{ Path = $path; Connection = $connection }
    }

    # The ids of a namespace, sorted and joined with commas ('' when empty): one string compares unambiguously.
    function Get-RecordId {
        param($Connection, [string] $Namespace = 'default')
        (@(Get-VectorRecord -Connection $Connection -Namespace $Namespace -IdOnly | ForEach-Object Id) | Sort-Object) -join ','
    }

    # Runs a command in a child pwsh -NonInteractive (no prompt can be answered there) with the module imported and
    # the store connected. Returns the exit code (0: the command ran, 3: it stopped with an error), the
    # FullyQualifiedErrorId of that error, and everything the child wrote (its message included).
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
        $id = @($run.Output -split '\r?\n' | Where-Object { $_ -like 'FQID=*' } | ForEach-Object { $_.Substring(5).Trim() }) |
            Select-Object -First 1
        [pscustomobject]@{ ExitCode = $run.ExitCode; ErrorId = $id; Text = "exit code $($run.ExitCode); stdout: $($run.Output); stderr: $($run.Error)" }
    }
}

# Every test connects on its own; closing the connection after each one also releases the store file. Each
# Describe has its own AfterEach for it: Pester 5 refuses one at the root of a file ('Each test Teardown is not
# supported in root'), which fails the whole file.

AfterAll {
    Disconnect-VectorIndex -ErrorAction Ignore
    Remove-Module -Name VectorOps -Force -ErrorAction Ignore
}

Describe 'The built module' {
    AfterEach { Disconnect-VectorIndex -ErrorAction Ignore }

    It 'exports exactly the cmdlets of its manifest' {
        $manifest = Import-PowerShellDataFile -LiteralPath $ModuleManifest
        $exported = @((Get-Command -Module VectorOps -CommandType Cmdlet).Name | Sort-Object)
        ($exported -join ',') | Should -BeExactly ((@($manifest.CmdletsToExport) | Sort-Object) -join ',')
        $exported | Should -Contain 'Wait-VectorMutation'
    }

    It 'loads VectorOps.Core and its dependencies into the module''s own load context, from Dependencies' {
        $store = New-TestStore -Id 'x'
        Get-RecordId -Connection $store.Connection | Should -BeExactly 'x'
        $dependencies = Join-Path $ModuleDir 'Dependencies'
        foreach ($name in 'VectorOps.Core', 'Microsoft.Data.Sqlite', 'SQLitePCLRaw.core') {
            $loaded = @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq $name })
            $loaded | Should -HaveCount 1 -Because "$name is loaded once"
            $loaded[0].Location.StartsWith($dependencies + [System.IO.Path]::DirectorySeparatorChar, [StringComparison]::OrdinalIgnoreCase) |
                Should -BeTrue -Because "$name is loaded from $dependencies, not from $($loaded[0].Location)"
            $context = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($loaded[0])
            $context | Should -Not -Be ([System.Runtime.Loader.AssemblyLoadContext]::Default)
            $context.Name | Should -BeExactly 'VectorOps.PowerShell'
        }
    }

    It 'registers the PgVector provider from Dependencies, and it and Npgsql load in the module''s own load context' {
        # Where nothing listens: the connection fails after the provider and its driver were loaded to try it.
        Get-ErrorId { Connect-VectorIndex -Provider Postgres -ConnectionString 'Host=127.0.0.1;Port=9;Username=u;Timeout=3' -Index items -ErrorAction Stop } |
            Should -BeExactly 'ProviderUnreachable,VectorOps.PowerShell.Cmdlets.ConnectVectorIndexCommand'
        $core = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'VectorOps.Core' } | Select-Object -First 1
        $registry = $core.GetType('VectorOps.Providers.ProviderRegistry', $true)
        @($registry::Names) | Should -Contain 'PgVector'
        $registry::Get('Postgres').Name | Should -BeExactly 'PgVector'
        $registry::UnloadableAssemblies.Count | Should -Be 0
        $dependencies = Join-Path $ModuleDir 'Dependencies'
        foreach ($name in 'VectorOps.Providers.PgVector', 'Npgsql') {
            $loaded = @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq $name })
            $loaded | Should -HaveCount 1 -Because "$name is loaded once"
            $loaded[0].Location | Should -BeExactly (Join-Path $dependencies "$name.dll")
            $context = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($loaded[0])
            $context | Should -Not -Be ([System.Runtime.Loader.AssemblyLoadContext]::Default)
            $context.Name | Should -BeExactly 'VectorOps.PowerShell'
        }
        # IAsyncEnumerable<T> is the runtime's for the core and the provider alike (the .NET build of the polyfill).
        $bcl = @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'Microsoft.Bcl.AsyncInterfaces' -and
                [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name -eq 'VectorOps.PowerShell' })
        $bcl | Should -HaveCount 1
        $bcl[0].Location | Should -BeExactly (Join-Path $dependencies 'net8.0' 'Microsoft.Bcl.AsyncInterfaces.dll')
    }

    It 'keeps only the module assemblies at the module root' {
        ((Get-ChildItem -LiteralPath $ModuleDir -Filter *.dll).Name | Sort-Object) -join ',' |
            Should -BeExactly 'VectorOps.PowerShell.dll,VectorOps.PowerShell.Isolation.dll'
    }
}

Describe 'Connect-VectorIndex' {
    AfterEach { Disconnect-VectorIndex -ErrorAction Ignore }

    It 'opens a local store in a temp file and makes it the session connection' {
        $path = Join-Path $TestDrive 'connect.db'
        $c = Connect-VectorIndex -Provider Local -Path $path -Index demo -Namespace docs -Create -PassThru
        $c.Provider | Should -BeExactly 'Local'
        $c.Index | Should -BeExactly 'demo'
        $c.Namespace | Should -BeExactly 'docs'
        (Get-VectorConnection).Index | Should -BeExactly 'demo'
        Test-Path -LiteralPath $path | Should -BeTrue
    }

    It 'writes nothing without -PassThru' {
        Connect-VectorIndex -Provider Local -Path (Join-Path $TestDrive 'quiet.db') -Index q -Create | Should -BeNullOrEmpty
    }

    It 'refuses an unknown provider with UnknownProvider' {
        Get-ErrorId { Connect-VectorIndex -Provider NoSuchDb -Index x -ErrorAction Stop } |
            Should -BeExactly 'UnknownProvider,VectorOps.PowerShell.Cmdlets.ConnectVectorIndexCommand'
    }

    It 'never shows an API key, whether the connection succeeds or not' {
        $secretText = 'pcsk_THIS-IS-A-SECRET-' + [guid]::NewGuid().ToString('N')
        $key = ConvertTo-SecureString -String $secretText -AsPlainText -Force
        $seen = try {
            Connect-VectorIndex -Provider Pinecone -IndexHost 'https://127.0.0.1:9' -Index films -ApiKey $key -PassThru -Verbose -ErrorAction Stop 4>&1 |
                Format-List -Property * | Out-String
            Get-VectorConnection | Format-List -Property * | Out-String
        }
        catch {
            $_ | Format-List -Property * -Force | Out-String
            $_.Exception | Format-List -Property * -Force | Out-String
        }
        ($seen -join "`n") | Should -Not -BeNullOrEmpty
        ($seen -join "`n") | Should -Not -Match ([regex]::Escape($secretText))
    }
}

Describe 'Remove-VectorRecord pipeline binding' {
    AfterEach { Disconnect-VectorIndex -ErrorAction Ignore }

    It 'binds piped strings to -Id by value' {
        $store = New-TestStore
        $m = 'a', 'b' | Remove-VectorRecord -Confirm:$false
        Get-RecordId -Connection $store.Connection | Should -BeExactly 'c'
        $m | Should -HaveCount 1
        $m.Status | Should -Be 'Completed'
        $m.Operation | Should -Be 'DeleteByIds'
        $m.RequestedCount | Should -Be 2
        ($m.Ids | Sort-Object) -join ',' | Should -BeExactly 'a,b'
    }

    It 'binds objects with Id and Namespace properties by property name' {
        $store = New-TestStore -Namespace films
        [pscustomobject]@{ Id = 'a'; Namespace = 'films' } | Remove-VectorRecord -Confirm:$false | Out-Null
        Get-RecordId -Connection $store.Connection -Namespace films | Should -BeExactly 'b,c'
    }

    It 'binds the VectorId and Key aliases by property name' {
        $store = New-TestStore -Namespace films
        @(
            [pscustomobject]@{ VectorId = 'a'; Namespace = 'films' }
            [pscustomobject]@{ Key = 'b'; Namespace = 'films' }
        ) | Remove-VectorRecord -Confirm:$false | Out-Null
        Get-RecordId -Connection $store.Connection -Namespace films | Should -BeExactly 'c'
    }

    It 'deletes the records piped from Get-VectorRecord, in their own namespace' {
        $store = New-TestStore -Id 'keep-1', 'tmp-1', 'tmp-2' -Namespace films
        @{ id = 'tmp-1'; values = 1, 2, 3 } | Add-VectorRecord -Namespace default -Confirm:$false | Out-Null
        Get-VectorRecord -Namespace films -Prefix tmp- | Remove-VectorRecord -Confirm:$false | Out-Null
        Get-RecordId -Connection $store.Connection -Namespace films | Should -BeExactly 'keep-1'
        Get-RecordId -Connection $store.Connection -Namespace default | Should -BeExactly 'tmp-1'
    }

    It 'binds VectorMutation objects to -InputObject and deletes exactly their ids' {
        $store = New-TestStore
        $preview = 'a', 'b' | Remove-VectorRecord -WhatIf
        $preview.Status | Should -Be 'WhatIf'
        Get-RecordId -Connection $store.Connection | Should -BeExactly 'a,b,c'
        $done = $preview | Remove-VectorRecord -Confirm:$false
        $done.Status | Should -Be 'Completed'
        Get-RecordId -Connection $store.Connection | Should -BeExactly 'c'
    }

    It 'refuses objects that carry no id instead of turning them into strings' {
        $store = New-TestStore
        Get-ErrorId { [pscustomobject]@{ Name = 'a' } | Remove-VectorRecord -Confirm:$false -ErrorAction Stop } |
            Should -BeExactly 'InputObjectNotBound,VectorOps.PowerShell.Cmdlets.RemoveVectorRecordCommand'
        Get-ErrorId { [pscustomobject]@{ Identifier = 'a'; Count = 1 } | Remove-VectorRecord -Confirm:$false -ErrorAction Stop } |
            Should -BeExactly 'InputObjectNotBound,VectorOps.PowerShell.Cmdlets.RemoveVectorRecordCommand'
        # A hashtable's keys are not properties: it binds neither by property name nor as an id string.
        Get-ErrorId { @{ Id = 'a' } | Remove-VectorRecord -Confirm:$false -ErrorAction Stop } |
            Should -BeExactly 'InputObjectNotBound,VectorOps.PowerShell.Cmdlets.RemoveVectorRecordCommand'
        Get-RecordId -Connection $store.Connection | Should -BeExactly 'a,b,c'
    }
}

Describe '-WhatIf, -Confirm and -Force' {
    AfterEach { Disconnect-VectorIndex -ErrorAction Ignore }

    It 'leaves every record under -WhatIf, by <Name>' -ForEach @(
        @{ Name = 'id'; Run = { Remove-VectorRecord -Id 'a', 'b' -WhatIf } }
        @{ Name = 'filter'; Run = { Remove-VectorRecord -Filter @{ group = 'g' } -WhatIf } }
        @{ Name = 'prefix'; Run = { Remove-VectorRecord -Prefix a -WhatIf } }
        @{ Name = 'filter with -Force'; Run = { Remove-VectorRecord -Filter '{"group":"g"}' -Force -WhatIf } }
        @{ Name = 'namespace'; Run = { Clear-VectorNamespace -Namespace default -WhatIf } }
        @{ Name = 'namespace with -Force'; Run = { Clear-VectorNamespace -Namespace default -Force -WhatIf } }
    ) {
        $store = New-TestStore
        $before = Get-RecordId -Connection $store.Connection
        $out = @(& $Run)
        Get-RecordId -Connection $store.Connection | Should -BeExactly $before
        $out | Should -Not -BeNullOrEmpty
        $out | ForEach-Object { $_.Status | Should -Be 'WhatIf' }
    }

    It 'leaves every record when $WhatIfPreference is set' {
        $store = New-TestStore
        $WhatIfPreference = $true
        try {
            $m = Remove-VectorRecord -Id a -Force
        }
        finally {
            $WhatIfPreference = $false
        }
        $m.Status | Should -Be 'WhatIf'
        Get-RecordId -Connection $store.Connection | Should -BeExactly 'a,b,c'
    }

    It 'deletes with -Confirm:$false' {
        $store = New-TestStore
        Remove-VectorRecord -Filter @{ group = 'g' } -Confirm:$false -Force | Out-Null
        Get-RecordId -Connection $store.Connection | Should -BeExactly ''
    }

    It 'deletes by prefix with -Force' {
        $store = New-TestStore -Id 'doc-1', 'doc-2', 'img-1'
        $m = Remove-VectorRecord -Prefix doc- -Force -Confirm:$false
        $m.Operation | Should -Be 'DeleteByPrefix'
        Get-RecordId -Connection $store.Connection | Should -BeExactly 'img-1'
    }

    # A delete whose reach the data decides asks how many records will go (ShouldContinue); -Confirm:$false does
    # not answer that question, -Force does. A host that cannot ask refuses, deletes nothing, and says to use -Force.
    It 'refuses a <Name> delete under -NonInteractive with -Confirm:$false but without -Force, and deletes nothing' -ForEach @(
        @{ Name = 'filter'; Delete = 'Remove-VectorRecord -Filter @{ group = ''g'' } -Confirm:$false' }
        @{ Name = 'prefix'; Delete = 'Remove-VectorRecord -Prefix doc- -Confirm:$false' }
    ) {
        $store = New-TestStore -Id 'doc-1', 'doc-2'
        $result = Invoke-NonInteractive -StorePath $store.Path -Command $Delete
        $result.ExitCode | Should -Be 3 -Because $result.Text
        $result.ErrorId | Should -BeLike 'ConfirmationRequired,*'
        $result.Text | Should -Match 'add -Force'
        $result.Text | Should -Match 'The question was: .*\b2\b' -Because 'the refusal says how many records confirming would delete'
        Get-RecordId -Connection $store.Connection | Should -BeExactly 'doc-1,doc-2'
    }

    It 'runs a <Name> delete under -NonInteractive with -Force' -ForEach @(
        @{ Name = 'filter'; Delete = 'Remove-VectorRecord -Filter @{ group = ''g'' } -Force' }
        @{ Name = 'prefix'; Delete = 'Remove-VectorRecord -Prefix doc- -Force' }
    ) {
        $store = New-TestStore -Id 'doc-1', 'doc-2'
        $result = Invoke-NonInteractive -StorePath $store.Path -Command $Delete
        $result.ExitCode | Should -Be 0 -Because $result.Text
        Get-RecordId -Connection $store.Connection | Should -BeExactly ''
    }
}

Describe 'Errors' {
    AfterEach { Disconnect-VectorIndex -ErrorAction Ignore }

    It 'refuses an empty filter with EmptyFilter and deletes nothing (<Name>)' -ForEach @(
        @{ Name = 'hashtable'; Filter = @{} }
        @{ Name = 'JSON'; Filter = '{}' }
        @{ Name = 'empty string'; Filter = '' }
    ) {
        $store = New-TestStore
        Get-ErrorId { Remove-VectorRecord -Filter $Filter -Force -Confirm:$false -ErrorAction Stop } |
            Should -BeExactly 'EmptyFilter,VectorOps.PowerShell.Cmdlets.RemoveVectorRecordCommand'
        Get-RecordId -Connection $store.Connection | Should -BeExactly 'a,b,c'
    }

    It 'refuses an empty prefix with InvalidPrefix' {
        $store = New-TestStore
        Get-ErrorId { Remove-VectorRecord -Prefix '' -Force -Confirm:$false -ErrorAction Stop } |
            Should -BeExactly 'InvalidPrefix,VectorOps.PowerShell.Cmdlets.RemoveVectorRecordCommand'
        Get-RecordId -Connection $store.Connection | Should -BeExactly 'a,b,c'
    }

    It 'reports an unknown filter operator with its id, category and target' {
        $null = New-TestStore
        $caught = $null
        try {
            Remove-VectorRecord -Filter @{ year = @{ '$foo' = 1 } } -Confirm:$false -ErrorAction Stop
        }
        catch {
            $caught = $_
        }
        $caught | Should -Not -BeNullOrEmpty -Because 'the filter is refused'
        $caught.FullyQualifiedErrorId | Should -BeExactly 'UnknownFilterOperator,VectorOps.PowerShell.Cmdlets.RemoveVectorRecordCommand'
        $caught.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $caught.TargetObject | Should -BeExactly '$foo'
    }

    It 'reports a blank id as InvalidVectorId, catchable with -ErrorAction Stop, and deletes nothing of that input' {
        $store = New-TestStore
        Get-ErrorId { Remove-VectorRecord -Id 'a', ' ' -Confirm:$false -ErrorAction Stop } |
            Should -BeExactly 'InvalidVectorId,VectorOps.PowerShell.Cmdlets.RemoveVectorRecordCommand'
        Get-RecordId -Connection $store.Connection | Should -BeExactly 'a,b,c'
    }

    It 'says NotConnected when there is no connection' {
        # Closing the default makes the previous connection the default: close every open one.
        Get-VectorConnection -All | Disconnect-VectorIndex
        Get-ErrorId { Get-VectorNamespace -ErrorAction Stop } |
            Should -BeExactly 'NotConnected,VectorOps.PowerShell.Cmdlets.GetVectorNamespaceCommand'
    }

    It 'reports a bad pipeline record as InvalidRecord and adds the others' {
        $store = New-TestStore -Id @()
        $errors = @()
        @(
            @{ id = 'ok-1'; values = 1, 2, 3 }
            @{ values = 1, 2, 3 }
            [pscustomobject]@{ id = 'ok-2'; values = 1, 2, 3; metadata = [pscustomobject]@{ genre = 'drama' } }
        ) | Add-VectorRecord -Confirm:$false -ErrorVariable errors -ErrorAction SilentlyContinue | Out-Null
        $errors | Should -HaveCount 1
        $errors[0].FullyQualifiedErrorId | Should -BeExactly 'InvalidRecord,VectorOps.PowerShell.Cmdlets.AddVectorRecordCommand'
        Get-RecordId -Connection $store.Connection | Should -BeExactly 'ok-1,ok-2'
        (Get-VectorRecord -Id ok-2).Metadata['genre'] | Should -BeExactly 'drama'
    }
}

Describe 'Backups before deletes' {
    AfterEach { Disconnect-VectorIndex -ErrorAction Ignore }

    It 'writes the records to -BackupPath before deleting them, and they can be added back' {
        $store = New-TestStore
        $backup = Join-Path $TestDrive ('backup-' + [guid]::NewGuid().ToString('N') + '.jsonl')
        Remove-VectorRecord -Id 'a', 'b' -BackupPath $backup -Confirm:$false | Out-Null
        Get-RecordId -Connection $store.Connection | Should -BeExactly 'c'
        @(Get-Content -LiteralPath $backup | Where-Object { $_ -match '\S' }) | Should -HaveCount 2
        Add-VectorRecord -Path $backup -Confirm:$false | Out-Null
        Get-RecordId -Connection $store.Connection | Should -BeExactly 'a,b,c'
    }

    It 'refuses a backup path that cannot be written, before deleting anything' {
        $store = New-TestStore
        $backup = Join-Path $TestDrive 'no-such-folder' 'backup.jsonl'
        Get-ErrorId { Remove-VectorRecord -Id a -BackupPath $backup -Confirm:$false -ErrorAction Stop } |
            Should -BeExactly 'BackupPathNotWritable,VectorOps.PowerShell.Cmdlets.RemoveVectorRecordCommand'
        Get-RecordId -Connection $store.Connection | Should -BeExactly 'a,b,c'
    }
}

Describe 'Clear-VectorNamespace' {
    AfterEach { Disconnect-VectorIndex -ErrorAction Ignore }

    It 'refuses to run under -NonInteractive without -Force or -Confirm:$false, and deletes nothing' {
        $store = New-TestStore
        $result = Invoke-NonInteractive -StorePath $store.Path -Command 'Clear-VectorNamespace -Namespace default'
        $result.ExitCode | Should -Be 3 -Because $result.Text
        $result.ErrorId | Should -BeExactly 'ConfirmationRequired,VectorOps.PowerShell.Cmdlets.ClearVectorNamespaceCommand' -Because $result.Text
        Get-RecordId -Connection $store.Connection | Should -BeExactly 'a,b,c'
    }

    It 'runs under -NonInteractive with <Option>: the prompt is skipped' -ForEach @(
        @{ Option = '-Force' }
        @{ Option = '-Confirm:$false' }
    ) {
        $store = New-TestStore
        $result = Invoke-NonInteractive -StorePath $store.Path -Command "Clear-VectorNamespace -Namespace default $Option"
        $result.ExitCode | Should -Be 0 -Because $result.Text
        Get-RecordId -Connection $store.Connection | Should -BeExactly ''
    }

    It 'clears the namespaces piped from Get-VectorNamespace and no other' {
        $store = New-TestStore -Namespace films
        'x', 'y' | ForEach-Object { @{ id = $_; values = 1, 2, 3 } } | Add-VectorRecord -Namespace default -Confirm:$false | Out-Null
        $m = Get-VectorNamespace -Name films | Clear-VectorNamespace -Force
        $m.Operation | Should -Be 'ClearNamespace'
        $m.Namespace | Should -BeExactly 'films'
        Get-RecordId -Connection $store.Connection -Namespace films | Should -BeExactly ''
        Get-RecordId -Connection $store.Connection -Namespace default | Should -BeExactly 'x,y'
    }
}

Describe 'Reading, adding and waiting' {
    AfterEach { Disconnect-VectorIndex -ErrorAction Ignore }

    It 'reads records by piped id, by filter and with -First' {
        $null = New-TestStore -Id 'a', 'b', 'c', 'd'
        ('b', 'c' | Get-VectorRecord).Id -join ',' | Should -BeExactly 'b,c'
        @(Get-VectorRecord -Filter @{ group = 'g' }).Count | Should -Be 4
        @(Get-VectorRecord -First 2).Count | Should -Be 2
        (Get-VectorRecord -Id a).Values | Should -HaveCount 3
    }

    It 'adds records from a JSON Lines file' {
        $store = New-TestStore -Id @()
        $file = Join-Path $TestDrive ('records-' + [guid]::NewGuid().ToString('N') + '.jsonl')
        Set-Content -LiteralPath $file -Value @(
            '{"id":"j1","values":[0.1,0.2],"metadata":{"genre":"drama"}}'
            '{"id":"j2","values":[0.3,0.4]}'
        )
        $m = Add-VectorRecord -Path $file -Confirm:$false
        $m.Operation | Should -Be 'Upsert'
        Get-RecordId -Connection $store.Connection | Should -BeExactly 'j1,j2'
    }

    It 'copies records to another namespace as Add-VectorRecord''s help shows' {
        $store = New-TestStore -Namespace films
        Get-VectorRecord -Namespace films | ForEach-Object { $_.Namespace = 'films-2026'; $_ } | Add-VectorRecord -Confirm:$false | Out-Null
        Get-RecordId -Connection $store.Connection -Namespace films-2026 | Should -BeExactly 'a,b,c'
        Get-RecordId -Connection $store.Connection -Namespace films | Should -BeExactly 'a,b,c'
    }

    It 'passes mutations that are already applied through Wait-VectorMutation' {
        $null = New-TestStore
        $m = Remove-VectorRecord -Id a -Confirm:$false | Wait-VectorMutation -Timeout 5
        $m.Status | Should -Be 'Completed'
    }

    It 'refuses -Timeout 0 before it reads a single mutation' {
        $null = New-TestStore
        $m = Remove-VectorRecord -Id a -WhatIf
        $written = [System.Collections.Generic.List[object]]::new()
        $id = Get-ErrorId { $m | Wait-VectorMutation -Timeout 0 | ForEach-Object { $written.Add($_) } }
        $id | Should -BeLike 'InvalidArgument,*'
        $written.Count | Should -Be 0
    }
}

Describe 'Tab completion' {
    AfterEach { Disconnect-VectorIndex -ErrorAction Ignore }

    It 'completes -Provider with the registered providers' {
        $line = 'Connect-VectorIndex -Provider Pi'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be 'Pinecone'
    }

    It 'completes -Namespace of <Command> with the namespaces of the connection' -ForEach @(
        @{ Command = 'Remove-VectorRecord -Namespace fi' }
        @{ Command = 'Get-VectorRecord -Namespace fi' }
        @{ Command = 'Clear-VectorNamespace -Namespace fi' }
        @{ Command = 'Get-VectorNamespace fi' }
    ) {
        $null = New-TestStore -Namespace films -Id 'a'
        'b', 'c' | ForEach-Object { @{ id = $_; values = 1, 2, 3 } } | Add-VectorRecord -Namespace 'films 2026' -Confirm:$false | Out-Null
        'd' | ForEach-Object { @{ id = $_; values = 1, 2, 3 } } | Add-VectorRecord -Namespace docs -Confirm:$false | Out-Null
        $found = (TabExpansion2 -inputScript $Command -cursorColumn $Command.Length).CompletionMatches
        # A name the parser would split is quoted.
        ($found.CompletionText -join '|') | Should -BeExactly "films|'films 2026'"
    }

    It 'completes -Namespace from the -Connection given on the line' {
        $first = New-TestStore -Namespace films -Id 'a'
        $other = Connect-VectorIndex -Provider Local -Path (Join-Path $TestDrive ('other-' + [guid]::NewGuid().ToString('N') + '.db')) -Index other -Create -PassThru
        'x' | ForEach-Object { @{ id = $_; values = 1, 2, 3 } } | Add-VectorRecord -Connection $other -Namespace fiction -Confirm:$false | Out-Null
        # The first store is the session's connection again; $other is only named on the line.
        Connect-VectorIndex -Provider Local -Path $first.Path -Index test
        $line = 'Get-VectorRecord -Connection $other -Namespace fi'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be 'fiction'
        $line = 'Get-VectorRecord -Namespace fi'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be 'films'
        Disconnect-VectorIndex -Connection $other
    }
}

Describe 'Help and format' {
    AfterEach { Disconnect-VectorIndex -ErrorAction Ignore }

    It 'Get-Help <_> -Examples shows at least two examples' -ForEach @(
        'Add-VectorRecord', 'Clear-VectorNamespace', 'Connect-VectorIndex', 'Disconnect-VectorIndex', 'Get-VectorConnection',
        'Get-VectorNamespace', 'Get-VectorRecord', 'Remove-VectorRecord', 'Wait-VectorMutation'
    ) {
        $help = Get-Help -Name $_ -Examples
        @($help.examples.example).Count | Should -BeGreaterOrEqual 2
        ($help | Out-String) | Should -Match 'Example 2'
        (Get-Help -Name $_).Synopsis | Should -Not -BeNullOrEmpty
    }

    It 'has examples for <_> that parse and name only parameters the cmdlets have' -ForEach @(
        'Add-VectorRecord', 'Clear-VectorNamespace', 'Connect-VectorIndex', 'Disconnect-VectorIndex', 'Get-VectorConnection',
        'Get-VectorNamespace', 'Get-VectorRecord', 'Remove-VectorRecord', 'Wait-VectorMutation'
    ) {
        $examples = @((Get-Help -Name $_ -Examples).examples.example)
        $examples | Should -Not -BeNullOrEmpty
        foreach ($example in $examples) {
            $code = ($example.code | Out-String)
            $tokens = $null
            $parseErrors = $null
            $ast = [System.Management.Automation.Language.Parser]::ParseInput($code, [ref] $tokens, [ref] $parseErrors)
            @($parseErrors).Count | Should -Be 0 -Because "$($example.title) parses: $code"
            $calls = $ast.FindAll({ param($node) $node -is [System.Management.Automation.Language.CommandAst] }, $true)
            foreach ($call in $calls) {
                $commandName = $call.GetCommandName()
                if (-not $commandName) { continue }
                $target = Get-Command -Name $commandName -Module VectorOps -ErrorAction Ignore
                if (-not $target) { continue }
                # A provider's own parameters are dynamic: ask for those of the provider the example names.
                $elements = @($call.CommandElements)
                for ($i = 1; $i -lt $elements.Count - 1; $i++) {
                    if ($elements[$i] -is [System.Management.Automation.Language.CommandParameterAst] -and $elements[$i].ParameterName -eq 'Provider') {
                        $target = Get-Command -Name $commandName -Module VectorOps -ArgumentList $elements[$i + 1].SafeGetValue()
                    }
                }
                $known = @($target.Parameters.Values | ForEach-Object { $_.Name; $_.Aliases })
                foreach ($parameter in @($call.CommandElements | Where-Object { $_ -is [System.Management.Automation.Language.CommandParameterAst] })) {
                    $parameter.ParameterName | Should -BeIn $known -Because "$($example.title) calls $($target.Name)"
                }
            }
        }
    }

    It 'documents Remove-VectorRecord -Id with its pipeline input' {
        $p = Get-Help -Name Remove-VectorRecord -Parameter Id
        $p.pipelineInput | Should -Match 'ByValue'
        $p.pipelineInput | Should -Match 'ByPropertyName'
    }

    It 'shows mutations as a table of status, operation, namespace, ids asked, ids removed and error' {
        $null = New-TestStore
        $text = 'a', 'b' | Remove-VectorRecord -WhatIf | Out-String -Width 200 | ConvertTo-PlainText
        $header = ($text -split '\r?\n' | Where-Object { $_ -match '\S' } | Select-Object -First 1)
        $header | Should -Match '^\s*Status\s+Operation\s+Namespace\s+Asked\s+Removed\s+Error\s*$'
        $text | Should -Match 'WhatIf\s+DeleteByIds\s+default\s+2'
    }

    It 'shows connections and namespaces compactly' {
        $store = New-TestStore
        ($store.Connection | Out-String -Width 200 | ConvertTo-PlainText) | Should -Match 'Provider\s+Index\s+Namespace'
        (Get-VectorNamespace | Out-String -Width 200 | ConvertTo-PlainText) | Should -Match 'Name\s+RecordCount'
        (Get-VectorRecord -Id a | Out-String -Width 200 | ConvertTo-PlainText) | Should -Match 'group=g'
    }
}
