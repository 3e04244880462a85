#Requires -Version 7.2
# Pester 5 scenarios of the Chroma provider in a real PowerShell 7 engine, against the real Chroma server (npm
# chromadb in tools/): the one scripts/test.sh started for the run ($env:VECTOROPS_TEST_CHROMA_PORT), or one started
# here and stopped by its process id. Each Describe works in a database of its own, made here and dropped after.
# Seeded records (Add-ChromaRecords): doc-00000.. with embedding [1, n % 7, 0.5, 0.25], metadata n and genre
# ('drama' every third, else 'comedy'), and a document "text n".

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $null = Import-VectorOpsModule
    $script:Chroma = Start-ChromaTestServer
    $script:SavedKey = $env:CHROMA_API_KEY
    $script:WorkDir = Join-Path ([System.IO.Path]::GetTempPath()) ('vectorops-pester-chroma-' + [guid]::NewGuid().ToString('N'))
    $null = New-Item -ItemType Directory -Path $WorkDir
    $script:Databases = [System.Collections.Generic.List[string]]::new()

    function New-ChromaDatabase {
        $name = 'pester_' + [guid]::NewGuid().ToString('N').Substring(0, 10)
        $null = Invoke-ChromaApi -Server $Chroma -Path 'api/v2/tenants/default_tenant/databases' -Method Post -Body @{ name = $name }
        $Databases.Add($name)
        $name
    }

    function Get-CollectionId([string] $Database, [string] $Collection) {
        (Invoke-ChromaApi -Server $Chroma -Method Post -Path "api/v2/tenants/default_tenant/databases/$Database/collections" -Body @{ name = $Collection; get_or_create = $true }).id
    }

    function Add-ChromaRecords([string] $Database, [string] $Collection, [int] $Count) {
        $id = Get-CollectionId $Database $Collection
        $n = 0..($Count - 1)
        $body = @{
            ids        = @($n | ForEach-Object { 'doc-{0:D5}' -f $_ })
            embeddings = @($n | ForEach-Object { , @(1, ($_ % 7), 0.5, 0.25) })
            metadatas  = @($n | ForEach-Object { @{ n = $_; genre = $(if ($_ % 3 -eq 0) { 'drama' } else { 'comedy' }) } })
            documents  = @($n | ForEach-Object { "text $_" })
        }
        $null = Invoke-ChromaApi -Server $Chroma -Method Post -Path "api/v2/tenants/default_tenant/databases/$Database/collections/$id/upsert" -Body $body
    }

    function Get-ChromaIds([string] $Database, [string] $Collection) {
        $id = Get-CollectionId $Database $Collection
        @((Invoke-ChromaApi -Server $Chroma -Method Post -Path "api/v2/tenants/default_tenant/databases/$Database/collections/$id/get" -Body @{ include = @() }).ids)
    }

    function Test-ChromaCollection([string] $Database, [string] $Collection) {
        $all = Invoke-ChromaApi -Server $Chroma -Path "api/v2/tenants/default_tenant/databases/$Database/collections"
        @($all | Where-Object name -eq $Collection).Count -eq 1
    }
}

AfterAll {
    Get-VectorConnection -All | Disconnect-VectorIndex -ErrorAction Ignore
    $env:CHROMA_API_KEY = $SavedKey
    foreach ($d in $Databases) {
        try { $null = Invoke-ChromaApi -Server $Chroma -Method Delete -Path "api/v2/tenants/default_tenant/databases/$d" } catch { }
    }
    Stop-ChromaTestServer -Server $Chroma
    Remove-Item -LiteralPath $WorkDir -Recurse -Force -ErrorAction Ignore
}

Describe 'Connect-VectorIndex -Provider Chroma and Get-VectorNamespace' {
    BeforeAll {
        $script:Db = New-ChromaDatabase
        Add-ChromaRecords $Db 'movies' 12
        Add-ChromaRecords $Db 'books' 5
    }

    It 'connects to a database with -Endpoint and -Index and lists its collections as namespaces with their counts' {
        $c = Connect-VectorIndex -Provider Chroma -Endpoint $Chroma.Uri -Index $Db -Namespace movies -PassThru
        $c.Provider | Should -BeExactly 'Chroma'
        $c.Index | Should -BeExactly $Db
        $namespaces = @(Get-VectorNamespace)
        ($namespaces | Where-Object Name -eq 'movies').RecordCount | Should -Be 12
        ($namespaces | Where-Object Name -eq 'books').RecordCount | Should -Be 5
    }

    It 'takes the token from CHROMA_API_KEY and never shows it' {
        $env:CHROMA_API_KEY = 'ck-pester-' + [guid]::NewGuid().ToString('N')
        try {
            $c = Connect-VectorIndex -Provider Chroma -Endpoint $Chroma.Uri -Index $Db -PassThru
            $c.CredentialSource | Should -BeExactly 'Environment:CHROMA_API_KEY'
            ($c | Format-List * | Out-String) | Should -Not -Match ([regex]::Escape($env:CHROMA_API_KEY))
        }
        finally {
            $env:CHROMA_API_KEY = $SavedKey
        }
    }

    It 'refuses a database that does not exist, naming the closest one' {
        $e = $null
        try { Connect-VectorIndex -Provider Chroma -Endpoint $Chroma.Uri -Index ($Db + 'x') -ErrorAction Stop } catch { $e = $_ }
        $e.FullyQualifiedErrorId | Should -BeLike 'IndexNotFound,*'
        $e.Exception.Message | Should -Match ([regex]::Escape("'$Db'"))
    }
}

Describe 'Remove-VectorRecord on Chroma' {
    BeforeAll {
        $script:Db = New-ChromaDatabase
        Add-ChromaRecords $Db 'docs' 60
        $null = Connect-VectorIndex -Provider Chroma -Endpoint $Chroma.Uri -Index $Db -Namespace docs
    }

    It '-WhatIf deletes nothing and says what it would delete' {
        $preview = @(Remove-VectorRecord -Id 'doc-00001', 'doc-00002' -WhatIf)
        $preview.Count | Should -Be 1
        $preview[0].Status | Should -Be 'WhatIf'
        (Get-ChromaIds $Db 'docs').Count | Should -Be 60
    }

    It 'deletes ids with a backup; the mutation says how many were there' {
        $backup = Join-Path $WorkDir 'ids.jsonl'
        $m = @(Remove-VectorRecord -Id 'doc-00001', 'doc-00002', 'no-such-id' -BackupPath $backup -Confirm:$false -WarningVariable w -WarningAction SilentlyContinue)
        $m.Count | Should -Be 1
        $m[0].Status | Should -Be 'Completed'
        $m[0].RequestedCount | Should -Be 3
        $m[0].AffectedCount | Should -Be 2
        ($w -join ' ') | Should -Match '1 of the 3'
        $ids = Get-ChromaIds $Db 'docs'
        $ids | Should -Not -Contain 'doc-00001'
        $ids.Count | Should -Be 58
        $lines = @(Get-Content -LiteralPath $backup | ConvertFrom-Json)
        $lines.id | Sort-Object | Should -Be @('doc-00001', 'doc-00002')
        ($lines | Where-Object id -eq 'doc-00002').document | Should -BeExactly 'text 2'
    }

    It '-Filter deletes exactly the matching records, and a filter Chroma cannot express is refused' {
        $e = $null
        try { Remove-VectorRecord -Filter @{ rating = @{ '$exists' = $true } } -Force -Confirm:$false -ErrorAction Stop } catch { $e = $_ }
        $e.FullyQualifiedErrorId | Should -BeLike 'FilterNotSupportedByProvider,*'
        (Get-ChromaIds $Db 'docs').Count | Should -Be 58

        $m = @(Remove-VectorRecord -Filter @{ genre = 'drama' } -Force -Confirm:$false)
        ($m | Measure-Object -Property RequestedCount -Sum).Sum | Should -Be 20
        $left = Get-ChromaIds $Db 'docs'
        $left.Count | Should -Be 38
        $left | Where-Object { [int]($_.Substring(4)) % 3 -eq 0 } | Should -BeNullOrEmpty
    }

    It 'refuses an empty prefix without sending anything' {
        Get-ErrorId { Remove-VectorRecord -Prefix ' ' -Force -Confirm:$false -ErrorAction Stop } | Should -BeLike 'InvalidPrefix,*'
        (Get-ChromaIds $Db 'docs').Count | Should -Be 38
    }
}

Describe 'Clear-VectorNamespace and Restore-VectorRecord on Chroma' {
    BeforeAll {
        $script:Db = New-ChromaDatabase
        Add-ChromaRecords $Db 'keep' 30
        Add-ChromaRecords $Db 'drop' 4
        $null = Connect-VectorIndex -Provider Chroma -Endpoint $Chroma.Uri -Index $Db
    }

    It 'clears a collection''s records, keeps the collection, and a restore brings them back with their documents' {
        $backup = Join-Path $WorkDir 'clear.jsonl'
        $m = @(Clear-VectorNamespace -Namespace keep -BackupPath $backup -Confirm:$false)
        ($m | Measure-Object -Property AffectedCount -Sum).Sum | Should -Be 30
        Test-ChromaCollection $Db 'keep' | Should -BeTrue
        (Get-ChromaIds $Db 'keep').Count | Should -Be 0

        $restored = @(Restore-VectorRecord -Path $backup -Confirm:$false)
        ($restored | Measure-Object -Property RequestedCount -Sum).Sum | Should -Be 30
        (Get-ChromaIds $Db 'keep').Count | Should -Be 30
        $r = Get-VectorRecord -Id 'doc-00007' -Namespace keep
        $r.Document | Should -BeExactly 'text 7'
        $r.Metadata['genre'] | Should -BeExactly 'comedy'
    }

    It 'drops the collection itself only with -RemoveNamespace' {
        $null = Clear-VectorNamespace -Namespace drop -RemoveNamespace -Confirm:$false
        Test-ChromaCollection $Db 'drop' | Should -BeFalse
        Test-ChromaCollection $Db 'keep' | Should -BeTrue
    }
}
