#Requires -Version 7.2
# Issue 14, as a demanding user sees it on PowerShell 7.6 through the built module (module/VectorOps), against a real
# PostgreSQL 18 with pgvector (PGlite: the run's server from scripts/test.sh, or one of this file's own when run alone,
# stopped by its process id in AfterAll). The provider and its driver load in the module's own load context; every
# delete path, -WhatIf, backup and restore, the errors a user meets, and no password anywhere.
# Tables are this file's own (pester_pg_<random>), dropped in AfterAll; nothing another test made is touched.
# Run: dotnet build; Invoke-Pester ./tests/Pester/PgVector.Tests.ps1

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:ModuleManifest = Import-VectorOpsModule
    $script:Pg = Start-TestPgServer
    $script:Cs = $Pg.ConnectionString
    $script:Suffix = [guid]::NewGuid().ToString('N').Substring(0, 8)
    $script:Table = "pester_pg_$Suffix"
    $script:Schema = "pester_lc_$Suffix"
    $script:Dependencies = Join-Path (Split-Path -Parent $ModuleManifest) 'Dependencies'

    function Get-LoadedAssembly([string] $Name) {
        @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq $Name })
    }

    # SQL for the test's own set-up, through the Npgsql the module loaded (in its own context: no second copy here).
    function Invoke-PgSql([string] $Sql) {
        $provider = Get-LoadedAssembly 'VectorOps.Providers.PgVector' | Select-Object -First 1
        if (-not $provider) { $null = Connect-VectorIndex -Provider PgVector -ConnectionString $Cs -Index $Table -Create -PassThru }
        $provider = Get-LoadedAssembly 'VectorOps.Providers.PgVector' | Select-Object -First 1
        $npgsql = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($provider).LoadFromAssemblyName([System.Reflection.AssemblyName]::new('Npgsql'))
        $connection = [Activator]::CreateInstance($npgsql.GetType('Npgsql.NpgsqlConnection', $true), [object[]] @($Cs))
        try {
            $connection.Open()
            $command = $connection.CreateCommand()
            $command.CommandText = $Sql
            $command.ExecuteScalar()
        }
        finally { $connection.Dispose() }
    }

    # A fresh VectorOps table with 6 records in 'default' (doc-1..6: genre drama for odd, comedy for even) and 3 in
    # 'tenant-b'; it becomes the session's connection.
    function New-PgTable {
        $name = "pester_pg_${Suffix}_" + [guid]::NewGuid().ToString('N').Substring(0, 6)
        $c = Connect-VectorIndex -Provider PgVector -ConnectionString $Cs -Index $name -Create -PassThru
        1..6 | ForEach-Object { @{ id = "doc-$_"; values = [float[]] @((0.1 * $_), 0.2, 0.3); metadata = @{ genre = $(if ($_ % 2) { 'drama' } else { 'comedy' }); year = 2000 + $_ } } } |
            Add-VectorRecord -Namespace default -Confirm:$false | Out-Null
        1..3 | ForEach-Object { @{ id = "keep-$_"; values = [float[]] @(0.5, 0.5, 0.5); metadata = @{ genre = 'drama' } } } |
            Add-VectorRecord -Namespace tenant-b -Confirm:$false | Out-Null
        $script:Created += @($name)
        [pscustomobject]@{ Name = $name; Connection = $c }
    }
    $script:Created = @()

    function Get-Ids([string] $Namespace = 'default') {
        (@(Get-VectorRecord -Namespace $Namespace -IdOnly | ForEach-Object Id) | Sort-Object) -join ','
    }

    # Records as one comparable text: id, values, metadata (keys sorted), document, in id order.
    function Get-RecordText([string] $Namespace) {
        @(Get-VectorRecord -Namespace $Namespace | Sort-Object Id | ForEach-Object {
                $m = $_.Metadata
                $meta = if ($m) { (@($m.Keys) | Sort-Object | ForEach-Object { "$_=$($m[$_])" }) -join ';' } else { '' }
                "$($_.Id)|$(@($_.Values) -join ',')|$meta|$($_.Document)"
            }) -join "`n"
    }
}

AfterAll {
    for ($i = 0; $i -lt 50 -and (Get-VectorConnection -ErrorAction Ignore); $i++) { Disconnect-VectorIndex -ErrorAction Ignore }
    try {
        foreach ($t in $script:Created) { Invoke-PgSql "DROP TABLE IF EXISTS public.""$t""" | Out-Null }
        Invoke-PgSql "DROP SCHEMA IF EXISTS ""$Schema"" CASCADE" | Out-Null
    }
    catch { Write-Warning "Could not drop this file's tables: $_" }
    for ($i = 0; $i -lt 50 -and (Get-VectorConnection -ErrorAction Ignore); $i++) { Disconnect-VectorIndex -ErrorAction Ignore }
    Stop-TestPgServer -Server $Pg
}

Describe 'PgVector in the module folder' {
    AfterEach { for ($i = 0; $i -lt 50 -and (Get-VectorConnection -ErrorAction Ignore); $i++) { Disconnect-VectorIndex -ErrorAction Ignore } }

    It 'connects with -ConnectionString and loads the provider and Npgsql into the module''s own load context, from Dependencies' {
        $t = New-PgTable
        $t.Connection.Provider | Should -BeExactly 'PgVector'
        $t.Connection.Endpoint | Should -BeExactly "postgresql://postgres@127.0.0.1:$($Pg.Port)/postgres"
        foreach ($name in 'VectorOps.Providers.PgVector', 'Npgsql', 'VectorOps.Core', 'Microsoft.Extensions.Logging.Abstractions') {
            $loaded = Get-LoadedAssembly $name
            $loaded | Should -HaveCount 1 -Because "$name is loaded once"
            $loaded[0].Location.StartsWith($Dependencies + [System.IO.Path]::DirectorySeparatorChar, [StringComparison]::OrdinalIgnoreCase) |
                Should -BeTrue -Because "$name comes from $Dependencies, not $($loaded[0].Location)"
            $context = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($loaded[0])
            $context | Should -Not -Be ([System.Runtime.Loader.AssemblyLoadContext]::Default) -Because "$name is not in the default context"
            $context.Name | Should -BeExactly 'VectorOps.PowerShell'
        }
        Get-Ids | Should -BeExactly 'doc-1,doc-2,doc-3,doc-4,doc-5,doc-6'
    }

    It 'takes -Provider Postgres and PostgreSQL as names of the same provider' {
        $t = New-PgTable
        foreach ($alias in 'Postgres', 'postgresql') {
            $c = Connect-VectorIndex -Provider $alias -ConnectionString $Cs -Index $t.Name -PassThru
            $c.Provider | Should -BeExactly 'PgVector'
            Get-Ids -Namespace tenant-b | Should -BeExactly 'keep-1,keep-2,keep-3'
        }
    }

    It 'offers the descriptor''s parameters for -Provider <_>, with completion of -Layout and help' -ForEach 'PgVector', 'Postgres' {
        $parameters = (Get-Command -Name Connect-VectorIndex -ArgumentList @('-Provider', $_)).Parameters
        foreach ($name in 'ConnectionString', 'Layout', 'Schema', 'IdColumn', 'NamespaceColumn', 'MetadataColumn', 'EmbeddingColumn', 'AllowUnencrypted', 'Password', 'Credential') {
            $parameters.ContainsKey($name) | Should -BeTrue -Because "-$name is offered"
        }
        $parameters['ConnectionString'].Aliases | Should -Contain 'Dsn'
        $parameters['Password'].ParameterType | Should -Be ([securestring])
        $parameters['AllowUnencrypted'].ParameterType | Should -Be ([switch])
        # Not another provider's.
        $parameters.ContainsKey('IndexHost') | Should -BeFalse
        $parameters.ContainsKey('ApiKey') | Should -BeFalse

        $line = "Connect-VectorIndex -Provider $_ -Layout L"
        $completions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        @($completions) | Should -Be @('LangChain', 'LlamaIndex')
        $line = "Connect-VectorIndex -Provider $_ -Layout "
        @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Sort-Object) | Should -Be @('Custom', 'LangChain', 'LlamaIndex', 'VectorOps')
    }

    It 'documents -ConnectionString in Get-Help from the descriptor' {
        $help = Get-Help -Name Connect-VectorIndex -Parameter ConnectionString | Out-String -Width 4096
        $help | Should -Match 'Npgsql connection string'
        $help | Should -Match 'PgVector'
        $help | Should -Match 'VECTOROPS_PG_CONNECTION_STRING'
        (Get-Help -Name Connect-VectorIndex -Parameter Layout | Out-String -Width 4096) | Should -Match 'LangChain'
    }
}

Describe 'A session on a VectorOps table' {
    AfterEach { for ($i = 0; $i -lt 50 -and (Get-VectorConnection -ErrorAction Ignore); $i++) { Disconnect-VectorIndex -ErrorAction Ignore } }

    It 'shows the table with Get-VectorIndex and its namespaces with their counts' {
        $t = New-PgTable
        $index = Get-VectorIndex
        $index.Provider | Should -BeExactly 'PgVector'
        $index.Index | Should -BeExactly $t.Name
        $index.Dimension | Should -Be 3
        $index.TotalRecordCount | Should -Be 9
        $namespaces = @(Get-VectorNamespace | Sort-Object Name)
        ($namespaces | ForEach-Object { "$($_.Name)=$($_.RecordCount)" }) -join ',' | Should -BeExactly 'default=6,tenant-b=3'
    }

    It 'deletes piped ids and only them, and says how many rows went' {
        $null = New-PgTable
        $m = 'doc-1', 'doc-2', 'no-such' | Remove-VectorRecord -Confirm:$false
        @($m).Count | Should -Be 1
        $m.Status | Should -BeExactly 'Completed'
        $m.RequestedCount | Should -Be 3
        $m.AffectedCount | Should -Be 2 -Because "the row count PostgreSQL returned"
        Get-Ids | Should -BeExactly 'doc-3,doc-4,doc-5,doc-6'
        Get-Ids -Namespace tenant-b | Should -BeExactly 'keep-1,keep-2,keep-3'
    }

    It 'previews a filter delete with -WhatIf (nothing changes), then deletes exactly its matches with -Force' {
        $null = New-PgTable
        $preview = Remove-VectorRecord -Filter @{ genre = 'drama'; year = @{ '$gte' = 2003 } } -WhatIf
        $preview.Status | Should -BeExactly 'WhatIf'
        $preview.Ids.Count | Should -Be 2
        Get-Ids | Should -BeExactly 'doc-1,doc-2,doc-3,doc-4,doc-5,doc-6'
        $done = Remove-VectorRecord -Filter @{ genre = 'drama'; year = @{ '$gte' = 2003 } } -Force
        ($done | Measure-Object -Property AffectedCount -Sum).Sum | Should -Be 2
        Get-Ids | Should -BeExactly 'doc-1,doc-2,doc-4,doc-6'
        Get-Ids -Namespace tenant-b | Should -BeExactly 'keep-1,keep-2,keep-3'
    }

    It 'deletes by -Prefix, where LIKE''s wildcards in the prefix are plain characters' {
        $null = New-PgTable
        'do_-1', 'do%x', 'doc-10' | ForEach-Object { @{ id = $_; values = [float[]] @(1, 1, 1) } } | Add-VectorRecord -Namespace default -Confirm:$false | Out-Null
        Remove-VectorRecord -Prefix 'do_' -Force | Out-Null
        Get-Ids | Should -BeExactly 'do%x,doc-1,doc-10,doc-2,doc-3,doc-4,doc-5,doc-6'
        Remove-VectorRecord -Prefix 'doc-1' -Force | Out-Null
        Get-Ids | Should -BeExactly 'do%x,doc-2,doc-3,doc-4,doc-5,doc-6'
    }

    It 'previews Clear-VectorNamespace with -WhatIf, then clears that namespace and no other with -Force' {
        $null = New-PgTable
        Clear-VectorNamespace -Namespace tenant-b -WhatIf | Out-Null
        Get-Ids -Namespace tenant-b | Should -BeExactly 'keep-1,keep-2,keep-3'
        Clear-VectorNamespace -Namespace tenant-b -Force | Out-Null
        Get-Ids -Namespace tenant-b | Should -BeExactly ''
        Get-Ids | Should -BeExactly 'doc-1,doc-2,doc-3,doc-4,doc-5,doc-6'
    }

    It 'backs up full rows before a delete and restores them exactly' {
        $null = New-PgTable
        $before = Get-RecordText -Namespace default
        $backup = Join-Path $TestDrive "pg-backup-$Suffix.jsonl"
        Remove-VectorRecord -Filter @{ genre = 'comedy' } -BackupPath $backup -Force | Out-Null
        Get-Ids | Should -BeExactly 'doc-1,doc-3,doc-5'
        $lines = @(Get-Content -LiteralPath $backup | Where-Object { $_ })
        $lines | Should -HaveCount 3
        ($lines | ForEach-Object { ($_ | ConvertFrom-Json).values.Count }) | Should -Be @(3, 3, 3) -Because 'the embedding is backed up'
        Restore-VectorRecord -Path $backup -Confirm:$false | Out-Null
        Get-RecordText -Namespace default | Should -BeExactly $before
    }
}

Describe 'A LangChain collection' {
    AfterEach { for ($i = 0; $i -lt 50 -and (Get-VectorConnection -ErrorAction Ignore); $i++) { Disconnect-VectorIndex -ErrorAction Ignore } }

    It 'is previewed, backed up, cleared by collection and restored exactly, the other collection untouched' {
        # The tables as langchain-postgres creates them.
        Invoke-PgSql "CREATE SCHEMA ""$Schema""" | Out-Null
        Invoke-PgSql "CREATE TABLE ""$Schema"".langchain_pg_collection (uuid uuid NOT NULL PRIMARY KEY, name varchar NOT NULL UNIQUE, cmetadata json)" | Out-Null
        Invoke-PgSql ("CREATE TABLE ""$Schema"".langchain_pg_embedding (id varchar NOT NULL PRIMARY KEY, collection_id uuid REFERENCES ""$Schema"".langchain_pg_collection(uuid) ON DELETE CASCADE, " +
            'embedding vector(3), document varchar, cmetadata jsonb)') | Out-Null
        Invoke-PgSql "INSERT INTO ""$Schema"".langchain_pg_collection (uuid, name) VALUES (gen_random_uuid(), 'films'), (gen_random_uuid(), 'books')" | Out-Null
        foreach ($i in 1..4) {
            Invoke-PgSql ("INSERT INTO ""$Schema"".langchain_pg_embedding (id, collection_id, embedding, document, cmetadata) SELECT 'film-$i', uuid, '[$i,0.5,0.25]', 'film text $i', '{""genre"":""drama"",""n"":$i}' " +
                "FROM ""$Schema"".langchain_pg_collection WHERE name = 'films'") | Out-Null
        }
        Invoke-PgSql ("INSERT INTO ""$Schema"".langchain_pg_embedding (id, collection_id, embedding, document, cmetadata) SELECT 'book-1', uuid, '[1,1,1]', 'a book', '{}' " +
            "FROM ""$Schema"".langchain_pg_collection WHERE name = 'books'") | Out-Null

        $c = Connect-VectorIndex -Provider PgVector -ConnectionString $Cs -Schema $Schema -Layout LangChain -Index langchain_pg_embedding -Namespace films -PassThru
        $c.Namespace | Should -BeExactly 'films'
        (@(Get-VectorNamespace | Sort-Object Name) | ForEach-Object { "$($_.Name)=$($_.RecordCount)" }) -join ',' | Should -BeExactly 'books=1,films=4'
        $before = Get-RecordText -Namespace films
        $before | Should -Match 'film text 1'

        Clear-VectorNamespace -Namespace films -WhatIf | Out-Null
        Get-Ids -Namespace films | Should -BeExactly 'film-1,film-2,film-3,film-4'

        $backup = Join-Path $TestDrive "langchain-$Suffix.jsonl"
        Clear-VectorNamespace -Namespace films -BackupPath $backup -Force | Out-Null
        Get-Ids -Namespace films | Should -BeExactly ''
        Get-Ids -Namespace books | Should -BeExactly 'book-1'
        @(Get-Content -LiteralPath $backup | Where-Object { $_ }) | Should -HaveCount 4

        Restore-VectorRecord -Path $backup -Confirm:$false | Out-Null
        Get-RecordText -Namespace films | Should -BeExactly $before
        Get-Ids -Namespace books | Should -BeExactly 'book-1'
    }
}

Describe 'Errors a user meets' {
    AfterEach { for ($i = 0; $i -lt 50 -and (Get-VectorConnection -ErrorAction Ignore); $i++) { Disconnect-VectorIndex -ErrorAction Ignore } }

    It 'says IndexNotFound for a misspelled table, with the name it probably meant, and creates nothing' {
        $t = New-PgTable
        $typo = $t.Name.Substring(0, $t.Name.Length - 1) + 'q'
        $err = try { Connect-VectorIndex -Provider PgVector -ConnectionString $Cs -Index $typo -ErrorAction Stop; $null } catch { $_ }
        $err.FullyQualifiedErrorId | Should -BeExactly 'IndexNotFound,VectorOps.PowerShell.Cmdlets.ConnectVectorIndexCommand'
        $err.Exception.Message | Should -Match ([regex]::Escape("Did you mean '$($t.Name)'"))
        Invoke-PgSql "SELECT count(*) FROM pg_tables WHERE tablename = '$typo'" | Should -Be 0
    }

    It 'refuses a layout the table does not have (LayoutMismatch, saying what it found) and one that does not exist' {
        $t = New-PgTable
        $err = try { Connect-VectorIndex -Provider PgVector -ConnectionString $Cs -Index $t.Name -Layout LlamaIndex -ErrorAction Stop; $null } catch { $_ }
        $err.FullyQualifiedErrorId | Should -BeIn @('LayoutMismatch,VectorOps.PowerShell.Cmdlets.ConnectVectorIndexCommand', 'IndexNotFound,VectorOps.PowerShell.Cmdlets.ConnectVectorIndexCommand')
        $err = try { Connect-VectorIndex -Provider PgVector -ConnectionString $Cs -Index $t.Name -Layout LangChain -ErrorAction Stop; $null } catch { $_ }
        $err.FullyQualifiedErrorId | Should -BeExactly 'LayoutMismatch,VectorOps.PowerShell.Cmdlets.ConnectVectorIndexCommand'
        $err.Exception.Message | Should -Match 'LangChain layout expects'
        $err.Exception.Message | Should -Match 'VectorOps table'
        Get-ErrorId { Connect-VectorIndex -Provider PgVector -ConnectionString $Cs -Index $t.Name -Layout Chroma -ErrorAction Stop } |
            Should -BeExactly 'ParameterArgumentValidationError,VectorOps.PowerShell.Cmdlets.ConnectVectorIndexCommand'
    }

    It 'refuses an -Index that could inject SQL, and sends nothing' -ForEach @(
        @{ Index = 'x"; DROP TABLE y; --' }
        @{ Index = "items; DELETE FROM items" }
        @{ Index = 'public.items' }
    ) {
        $t = New-PgTable
        Disconnect-VectorIndex
        $err = try { Connect-VectorIndex -Provider PgVector -ConnectionString $Cs -Index $Index -Create -ErrorAction Stop; $null } catch { $_ }
        $err.FullyQualifiedErrorId | Should -BeExactly 'InvalidIndexName,VectorOps.PowerShell.Cmdlets.ConnectVectorIndexCommand'
        $err.TargetObject | Should -BeExactly $Index
        $null = Connect-VectorIndex -Provider PgVector -ConnectionString $Cs -Index $t.Name
        Get-Ids | Should -BeExactly 'doc-1,doc-2,doc-3,doc-4,doc-5,doc-6'
    }

    It 'refuses a remote host without TLS (InsecureConnection) unless -AllowUnencrypted, and sends nothing' {
        $err = try { Connect-VectorIndex -Provider PgVector -ConnectionString 'Host=db.invalid;Username=app;SSL Mode=Disable' -Index items -ErrorAction Stop; $null } catch { $_ }
        $err.FullyQualifiedErrorId | Should -BeExactly 'InsecureConnection,VectorOps.PowerShell.Cmdlets.ConnectVectorIndexCommand'
        $err.CategoryInfo.Category | Should -Be 'SecurityError'
        $err.Exception.Message | Should -Match '-AllowUnencrypted'
        # Allowed explicitly: it gets past that check and fails where the host does not exist.
        $err = try { Connect-VectorIndex -Provider PgVector -ConnectionString 'Host=db.invalid;Username=app;SSL Mode=Disable;Timeout=5' -Index items -AllowUnencrypted -ErrorAction Stop; $null } catch { $_ }
        $err.FullyQualifiedErrorId | Should -Not -Match '^InsecureConnection'
    }
}

Describe 'The password' {
    AfterEach { for ($i = 0; $i -lt 50 -and (Get-VectorConnection -ErrorAction Ignore); $i++) { Disconnect-VectorIndex -ErrorAction Ignore } }

    It 'given with -Credential, -Password or in the connection string, appears in no output, stream, error, mutation or backup' {
        $t = New-PgTable
        Disconnect-VectorIndex
        $secrets = 1..3 | ForEach-Object { "PgPw$_-" + [guid]::NewGuid().ToString('N') }
        $credential = [pscredential]::new('postgres', (ConvertTo-SecureString -String $secrets[0] -AsPlainText -Force))
        $backup = Join-Path $TestDrive "secret-scan-$Suffix.jsonl"
        $Error.Clear()
        $mutations = [System.Collections.Generic.List[object]]::new()
        $everything = & {
            $c = Connect-VectorIndex -Provider PgVector -ConnectionString $Cs -Index $t.Name -Credential $credential -PassThru -Verbose -Debug
            $c | Format-List -Property * -Force
            $c.ProviderInstance | Format-List -Property * -Force
            Get-VectorIndex -Verbose -Debug | Format-List -Property *
            Get-VectorNamespace -Verbose -Debug
            $m = 'doc-1', 'doc-2' | Remove-VectorRecord -Confirm:$false -Verbose -Debug; $mutations.Add($m); $m
            $m = Remove-VectorRecord -Filter @{ genre = 'drama' } -WhatIf -Verbose; $mutations.Add($m); $m
            $m = Remove-VectorRecord -Prefix 'doc-4' -BackupPath $backup -Force -Verbose -Debug; $mutations.Add($m); $m
            Restore-VectorRecord -Path $backup -Confirm:$false -Verbose | Out-Null
            Get-VectorConnection -All | Format-List -Property * -Force

            $c = Connect-VectorIndex -Provider Postgres -ConnectionString "$Cs;Password=$($secrets[1])" -Index $t.Name -PassThru -Verbose -Debug
            $c | Format-List -Property * -Force
            $c.ProviderInstance | Format-List -Property * -Force
            Get-VectorRecord -Id 'doc-3', 'missing' -Verbose -Debug | Format-List -Property *
            $m = Remove-VectorRecord -Id ('y' * 3000) -Confirm:$false -ErrorAction Continue; if ($m) { $mutations.Add($m); $m }
            $c = Connect-VectorIndex -Provider PgVector -ConnectionString $Cs -Index $t.Name -Password (ConvertTo-SecureString -String $secrets[2] -AsPlainText -Force) -PassThru -Verbose
            $c | Format-List -Property * -Force

            # Failures with a password in play: a misspelled table, a bad setting, a server that is not there.
            try { Connect-VectorIndex -Provider PgVector -ConnectionString "$Cs;Password=$($secrets[1])" -Index ($t.Name + 'x') -ErrorAction Stop -Verbose } catch { $_ | Format-List * -Force; $_.Exception.ToString() }
            try { Connect-VectorIndex -Provider PgVector -ConnectionString "$Cs;Password=$($secrets[1]);Bogus Key=1" -Index $t.Name -ErrorAction Stop } catch { $_ | Format-List * -Force; $_.Exception.ToString() }
            try { Connect-VectorIndex -Provider PgVector -ConnectionString "Host=127.0.0.1;Port=9;Username=postgres;Timeout=3;Password=$($secrets[1])" -Index $t.Name -Credential $credential -ErrorAction Stop -Verbose -Debug } catch { $_ | Format-List * -Force; $_.Exception.ToString() }
        } *>&1 | Out-String -Width 4096
        $errors = $Error | ForEach-Object { $_ | Format-List * -Force | Out-String -Width 4096; $_.Exception.ToString() }
        $objects = $mutations | ForEach-Object { $_ | Format-List * -Force | Out-String -Width 4096; $_ | ConvertTo-Json -Depth 6 -WarningAction Ignore }
        $file = Get-Content -LiteralPath $backup -Raw

        # The session did what it says (so the scan read real output).
        $everything | Should -Match ([regex]::Escape("postgresql://postgres@127.0.0.1:$($Pg.Port)/postgres"))
        $everything | Should -Match 'IndexNotFound'
        $everything | Should -Match 'PgVector: connected to public'
        $file | Should -Match 'doc-4'
        $all = ($everything, ($errors -join "`n"), ($objects -join "`n"), $file) -join "`n"
        foreach ($secret in $secrets) {
            $all | Should -Not -Match ([regex]::Escape($secret))
            $all | Should -Not -Match ([regex]::Escape($secret.Substring(0, 12)))
        }
    }
}
