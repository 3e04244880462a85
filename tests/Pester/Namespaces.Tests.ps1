#Requires -Version 7.2
# Issue 12, items 1-3, as a user sees them on PowerShell 7.6 through the built module: a namespace given blank
# ($null, '', an empty CSV cell) is refused, never read as the default; a namespace or local index that does not
# exist is an error that names it and suggests the closest names, before anything is deleted or created; and a
# delete that matches nothing says so in a warning. Local store, plus Pinecone and Vectorize through their
# emulators where the behaviour differs (Pinecone lists namespaces; Vectorize cannot without reading everything).
# Run: dotnet build; Invoke-Pester ./tests/Pester/Namespaces.Tests.ps1

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $null = Import-VectorOpsModule

    # A store with five records in each of 'default', 'articles' and 'support' of index 'demo'.
    function New-DemoStore {
        $path = Join-Path $TestDrive ('ns-' + [guid]::NewGuid().ToString('N') + '.db')
        $c = Connect-VectorIndex -Provider Local -Path $path -Index demo -Create -PassThru
        foreach ($ns in 'default', 'articles', 'support') {
            0..4 | ForEach-Object {
                @{ id = 'doc-{0:D5}' -f $_; values = 1, $_; metadata = @{ tenant = $(if ($_ % 2) { 'globex' } else { 'acme' }) }; namespace = $ns }
            } | Add-VectorRecord -Confirm:$false | Out-Null
        }
        $c
    }

    function Get-Ids([string] $Namespace) {
        @(Get-VectorRecord -Namespace $Namespace -IdOnly | ForEach-Object Id | Sort-Object)
    }
}

AfterAll {
    Disconnect-VectorIndex -ErrorAction Ignore
    Remove-Module -Name VectorOps -Force -ErrorAction Ignore
}

Describe 'A namespace given blank is refused, never the default (local store)' {
    BeforeEach { $script:Store = New-DemoStore }
    AfterEach { Disconnect-VectorIndex -ErrorAction Ignore }

    It 'refuses -Namespace $null and deletes nothing from the default namespace' {
        $ns = $null
        $out = Remove-VectorRecord -Namespace $ns -Id doc-00001 -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable errs
        $out | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -BeExactly 'EmptyNamespace,VectorOps.PowerShell.Cmdlets.RemoveVectorRecordCommand'
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        Get-Ids default | Should -Contain 'doc-00001'
    }

    It "refuses -Namespace '' and a blank one" {
        foreach ($blank in '', '   ') {
            $errs = $null
            Remove-VectorRecord -Namespace $blank -Id doc-00001 -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable errs | Out-Null
            $errs[0].FullyQualifiedErrorId | Should -BeExactly 'EmptyNamespace,VectorOps.PowerShell.Cmdlets.RemoveVectorRecordCommand'
            $errs[0].TargetObject | Should -BeExactly $blank
        }
        (Get-Ids default).Count | Should -Be 5
    }

    It 'refuses a CSV row with an empty Namespace cell and deletes the other rows in their own namespace' {
        $rows = "Id,Namespace`ndoc-00001,articles`ndoc-00002,`ndoc-00003,support" | ConvertFrom-Csv
        $out = $rows | Remove-VectorRecord -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable errs
        @($errs).Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeExactly 'EmptyNamespace,VectorOps.PowerShell.Cmdlets.RemoveVectorRecordCommand'
        Get-Ids default | Should -Contain 'doc-00002'
        Get-Ids articles | Should -Not -Contain 'doc-00001'
        Get-Ids support | Should -Not -Contain 'doc-00003'
        @($out | ForEach-Object Namespace | Sort-Object) | Should -Be @('articles', 'support')
    }

    It 'refuses a piped object whose Namespace is $null; one with no Namespace property goes to the default' {
        $objects = @(
            [pscustomobject]@{ Id = 'doc-00001'; Namespace = 'articles' }
            [pscustomobject]@{ Id = 'doc-00002' }                        # no Namespace: the default, not 'articles'
            [pscustomobject]@{ Id = 'doc-00003'; Namespace = $null }     # given as $null: refused
        )
        $out = $objects | Remove-VectorRecord -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable errs
        @($errs).Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeExactly 'EmptyNamespace,VectorOps.PowerShell.Cmdlets.RemoveVectorRecordCommand'
        Get-Ids articles | Should -Not -Contain 'doc-00001'
        Get-Ids default | Should -Not -Contain 'doc-00002'
        Get-Ids default | Should -Contain 'doc-00003'
        Get-Ids articles | Should -Contain 'doc-00002'
    }

    It 'refuses a blank namespace with -Filter and -Prefix before deleting anything' {
        Get-ErrorId { Remove-VectorRecord -Namespace '' -Filter @{ tenant = 'acme' } -Force -ErrorAction Stop } |
            Should -BeExactly 'EmptyNamespace,VectorOps.PowerShell.Cmdlets.RemoveVectorRecordCommand'
        Get-ErrorId { Remove-VectorRecord -Namespace articles, $null -Prefix doc- -Force -ErrorAction Stop } |
            Should -BeExactly 'EmptyNamespace,VectorOps.PowerShell.Cmdlets.RemoveVectorRecordCommand'
        (Get-Ids articles).Count | Should -Be 5
    }

    It 'refuses a blank namespace in Clear-VectorNamespace, Get-VectorRecord, Get-VectorNamespace, Add and Restore' {
        Get-ErrorId { Clear-VectorNamespace -Namespace '' -Force -ErrorAction Stop } |
            Should -BeExactly 'EmptyNamespace,VectorOps.PowerShell.Cmdlets.ClearVectorNamespaceCommand'
        Get-ErrorId { [pscustomobject]@{ Namespace = $null } | Clear-VectorNamespace -Force -ErrorAction Stop } |
            Should -BeExactly 'EmptyNamespace,VectorOps.PowerShell.Cmdlets.ClearVectorNamespaceCommand'
        Get-ErrorId { Get-VectorRecord -Namespace '' -Id doc-00001 -ErrorAction Stop } |
            Should -BeExactly 'EmptyNamespace,VectorOps.PowerShell.Cmdlets.GetVectorRecordCommand'
        Get-ErrorId { Get-VectorNamespace -Name '' -ErrorAction Stop } |
            Should -BeExactly 'EmptyNamespace,VectorOps.PowerShell.Cmdlets.GetVectorNamespaceCommand'
        Get-ErrorId { @{ id = 'x-1'; values = 1, 2 } | Add-VectorRecord -Namespace '' -Confirm:$false -ErrorAction Stop } |
            Should -BeExactly 'EmptyNamespace,VectorOps.PowerShell.Cmdlets.AddVectorRecordCommand'
        Get-ErrorId { @{ id = 'x-1'; values = 1, 2; namespace = '' } | Add-VectorRecord -Confirm:$false -ErrorAction Stop } |
            Should -BeExactly 'EmptyNamespace,VectorOps.PowerShell.Cmdlets.AddVectorRecordCommand'
        $backup = Join-Path $TestDrive 'blank-ns.jsonl'
        Set-Content -LiteralPath $backup -Value '{"id":"r-1","values":[1,2],"namespace":""}'
        # The bad line is reported (EmptyNamespace, with its line number), then the file is refused as a whole.
        $restoreErrors = $null; $terminating = $null
        try { Restore-VectorRecord -Path $backup -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable restoreErrors } catch { $terminating = $_ }
        $terminating.FullyQualifiedErrorId | Should -BeExactly 'InvalidRecordFile,VectorOps.PowerShell.Cmdlets.RestoreVectorRecordCommand'
        $restoreErrors[0].FullyQualifiedErrorId | Should -BeExactly 'EmptyNamespace,VectorOps.PowerShell.Cmdlets.RestoreVectorRecordCommand'
        $restoreErrors[0].Exception.Message | Should -Match '^Line 1 of'
        (Get-VectorNamespace).Name | Should -Be @('articles', 'default', 'support')
        (Get-Ids default).Count | Should -Be 5
    }

    It 'refuses a blank default namespace in Connect-VectorIndex -Namespace, and keeps the connection it had' {
        $before = Get-VectorConnection
        foreach ($blank in @($null, '', '   ')) {
            Get-ErrorId { Connect-VectorIndex -Provider Local -Path $Store.Endpoint -Index demo -Namespace $blank -ErrorAction Stop } |
                Should -BeExactly 'EmptyNamespace,VectorOps.PowerShell.Cmdlets.ConnectVectorIndexCommand'
        }
        (Get-VectorConnection) | Should -Be $before
    }
}

Describe 'A namespace or index that does not exist (local store)' {
    BeforeEach { $script:Store = New-DemoStore }
    AfterEach { Disconnect-VectorIndex -ErrorAction Ignore }

    It 'refuses a misspelt namespace in a filter delete, suggests the right one, and deletes nothing' {
        $out = Remove-VectorRecord -Namespace articels -Filter @{ tenant = 'acme' } -Force -ErrorAction SilentlyContinue -ErrorVariable errs
        $out | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -BeExactly 'NamespaceNotFound,VectorOps.PowerShell.Cmdlets.RemoveVectorRecordCommand'
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $errs[0].TargetObject | Should -BeExactly 'articels'
        $errs[0].Exception.Message | Should -Match "Did you mean 'articles'\?"
        (Get-Ids articles).Count | Should -Be 5
    }

    It 'refuses a misspelt namespace with -Id and -Prefix too' {
        Get-ErrorId { Remove-VectorRecord -Namespace Support -Id doc-00001 -Confirm:$false -ErrorAction Stop } |
            Should -BeExactly 'NamespaceNotFound,VectorOps.PowerShell.Cmdlets.RemoveVectorRecordCommand'
        Get-ErrorId { Remove-VectorRecord -Namespace suport -Prefix doc- -Force -ErrorAction Stop } |
            Should -BeExactly 'NamespaceNotFound,VectorOps.PowerShell.Cmdlets.RemoveVectorRecordCommand'
        (Get-Ids support).Count | Should -Be 5
    }

    It 'refuses to clear a namespace that does not exist instead of reporting Completed' {
        $out = Clear-VectorNamespace -Namespace nosuch -Force -ErrorAction SilentlyContinue -ErrorVariable errs
        $out | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -BeExactly 'NamespaceNotFound,VectorOps.PowerShell.Cmdlets.ClearVectorNamespaceCommand'
        $errs[0].Exception.Message | Should -Match "Its namespaces: 'articles', 'default', 'support'"
    }

    It 'refuses to count a namespace that does not exist' {
        $errs = $null
        Get-VectorNamespace -Name suport -ErrorAction SilentlyContinue -ErrorVariable errs | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -BeExactly 'NamespaceNotFound,VectorOps.PowerShell.Cmdlets.GetVectorNamespaceCommand'
        $errs[0].Exception.Message | Should -Match "Did you mean 'support'\?"
        (Get-VectorNamespace -Name support).RecordCount | Should -Be 5
    }

    It 'refuses to send back a mutation whose namespace is gone' {
        $preview = Remove-VectorRecord -Namespace support -Id doc-00001 -WhatIf
        $preview.Status | Should -Be 'WhatIf'
        Clear-VectorNamespace -Namespace support -RemoveNamespace -Force | Out-Null
        Get-ErrorId { $preview | Remove-VectorRecord -Confirm:$false -ErrorAction Stop } |
            Should -BeExactly 'NamespaceNotFound,VectorOps.PowerShell.Cmdlets.RemoveVectorRecordCommand'
    }

    It 'refuses a connection to a misspelt index, names the indexes the file has, and creates nothing' {
        $path = $Store.Endpoint
        $record = $null
        try { Connect-VectorIndex -Provider Local -Path $path -Index demoo -ErrorAction Stop } catch { $record = $_ }
        $record.FullyQualifiedErrorId | Should -BeExactly 'IndexNotFound,VectorOps.PowerShell.Cmdlets.ConnectVectorIndexCommand'
        $record.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $record.Exception.Message | Should -Match "Did you mean 'demo'\?"
        $record.Exception.Message | Should -Match "Its indexes: 'demo'\."
        $record.Exception.Message | Should -Match '-Create'
        (Get-VectorConnection).Index | Should -BeExactly 'demo'   # the session's connection is unchanged
        Get-ErrorId { Connect-VectorIndex -Provider Local -Path $path -Index demoo -ErrorAction Stop } |
            Should -BeExactly 'IndexNotFound,VectorOps.PowerShell.Cmdlets.ConnectVectorIndexCommand'
        (Connect-VectorIndex -Provider Local -Path $path -Index demoo -Create -PassThru).Index | Should -BeExactly 'demoo'
    }

    It 'refuses a store file that does not exist and does not create it' {
        $missing = Join-Path $TestDrive 'nothing-here.db'
        Get-ErrorId { Connect-VectorIndex -Provider Local -Path $missing -Index demo -ErrorAction Stop } |
            Should -BeExactly 'IndexNotFound,VectorOps.PowerShell.Cmdlets.ConnectVectorIndexCommand'
        Test-Path -LiteralPath $missing | Should -BeFalse
    }
}

Describe 'A delete that matches nothing says so (local store)' {
    BeforeEach { $script:Store = New-DemoStore }
    AfterEach { Disconnect-VectorIndex -ErrorAction Ignore }

    It 'warns when a filter on a misspelt field matches nothing' {
        $out = Remove-VectorRecord -Namespace articles -Filter @{ tenent = 'acme' } -Force -WarningVariable warnings -WarningAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        @($warnings).Count | Should -Be 1
        $warnings[0].Message | Should -BeExactly "No record in namespace 'articles' of Local index 'demo' matching filter {`"tenent`":{`"`$eq`":`"acme`"}}: nothing was deleted."
    }

    It 'warns when a prefix matches nothing' {
        Remove-VectorRecord -Namespace support -Prefix 'tenant-globex#' -Force -WarningVariable warnings -WarningAction SilentlyContinue | Should -BeNullOrEmpty
        $warnings[0].Message | Should -Match "with id prefix 'tenant-globex#': nothing was deleted"
    }

    It 'shows ids that do not exist as Completed with AffectedCount 0, and warns' {
        $m = Remove-VectorRecord -Namespace articles -Id nope-1, nope-2 -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue
        $m.Status | Should -Be 'Completed'
        $m.RequestedCount | Should -Be 2
        $m.AffectedCount | Should -Be 0
        $warnings[0].Message | Should -Match "None of the 2 id\(s\) sent to namespace 'articles'.*nothing was deleted"
    }

    It 'warns when a cleared namespace held no records' {
        (Clear-VectorNamespace -Namespace support -Force).AffectedCount | Should -Be 5
        $m = Clear-VectorNamespace -Namespace support -Force -WarningVariable warnings -WarningAction SilentlyContinue
        $m.AffectedCount | Should -Be 0
        $warnings[0].Message | Should -Match "Namespace 'support' of Local index 'demo' held no records: nothing was deleted"
    }
}

Describe 'Pinecone: a namespace it does not have is refused before any mutating call' {
    BeforeAll {
        $script:Key = 'pester-' + [guid]::NewGuid().ToString('N')
        $script:Pinecone = Start-Emulator -Name pinecone -ArgumentList '--api-key', $Key, '--dimension', '4'
        function Get-PineconeJournal { Invoke-RestMethod -Uri ([uri]::new($Pinecone.Uri, '/_emulator/journal')) -NoProxy -TimeoutSec 30 }
    }
    AfterAll {
        Disconnect-VectorIndex -ErrorAction Ignore
        if ($Pinecone) { Stop-Emulator -Process $Pinecone.Process }
    }

    It 'refuses a misspelt namespace for -Id, -Filter and Clear-VectorNamespace, suggesting the real one' {
        $secure = ConvertTo-SecureString -String $Key -AsPlainText -Force
        $null = Connect-VectorIndex -Provider Pinecone -IndexHost $Pinecone.Uri -ApiKey $secure
        0..3 | ForEach-Object { @{ id = "doc-$_"; values = 1, 0.5, 0.25, $_; metadata = @{ tenant = 'acme' } } } |
            Add-VectorRecord -Namespace articles -Confirm:$false | Out-Null
        $before = (Get-PineconeJournal).mutatingCalls

        $errs = $null
        Remove-VectorRecord -Namespace articels -Id doc-1 -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable errs | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -BeExactly 'NamespaceNotFound,VectorOps.PowerShell.Cmdlets.RemoveVectorRecordCommand'
        $errs[0].Exception.Message | Should -Match "Did you mean 'articles'\?"
        Get-ErrorId { Remove-VectorRecord -Namespace articels -Filter @{ tenant = 'acme' } -Force -ErrorAction Stop } |
            Should -BeExactly 'NamespaceNotFound,VectorOps.PowerShell.Cmdlets.RemoveVectorRecordCommand'
        Get-ErrorId { Clear-VectorNamespace -Namespace nosuch -Force -ErrorAction Stop } |
            Should -BeExactly 'NamespaceNotFound,VectorOps.PowerShell.Cmdlets.ClearVectorNamespaceCommand'
        (Get-PineconeJournal).mutatingCalls | Should -Be $before
    }

    It 'refuses -Create: Pinecone indexes are made elsewhere' {
        $secure = ConvertTo-SecureString -String $Key -AsPlainText -Force
        Get-ErrorId { Connect-VectorIndex -Provider Pinecone -IndexHost $Pinecone.Uri -ApiKey $secure -Create -ErrorAction Stop } |
            Should -BeExactly 'NotSupportedByProvider,VectorOps.PowerShell.Cmdlets.ConnectVectorIndexCommand'
    }
}

Describe 'Vectorize: it cannot list namespaces cheaply, so the result says plainly that nothing matched' {
    BeforeAll {
        $script:Token = 'cfut_pester_' + [guid]::NewGuid().ToString('N')
        $script:AccountId = '0123456789abcdef0123456789abcdef'
        $script:Vectorize = Start-Emulator -Name vectorize -ArgumentList @('--token', $Token, '--account', $AccountId, '--index', 'pester-ns:30')
        function Get-CloudflareJournal { Invoke-RestMethod -Uri ([uri]::new($Vectorize.Uri, '/_emulator/journal')) -NoProxy -TimeoutSec 30 }
    }
    AfterAll {
        Disconnect-VectorIndex -ErrorAction Ignore
        if ($Vectorize) { Stop-Emulator -Process $Vectorize.Process }
    }

    It 'warns, with a word on misspelt namespaces, when a prefix delete or a clear finds nothing; nothing is deleted' {
        $token = ConvertTo-SecureString -String $Token -AsPlainText -Force
        $null = Connect-VectorIndex -Provider CloudflareVectorize -AccountId $AccountId -Index pester-ns -ApiToken $token -BaseUri $Vectorize.Uri
        $before = (Get-CloudflareJournal).mutatingCalls

        $out = Remove-VectorRecord -Namespace articels -Prefix doc- -Force -WarningVariable warnings -WarningAction SilentlyContinue -ErrorVariable errs
        $out | Should -BeNullOrEmpty
        $errs | Should -BeNullOrEmpty
        $warnings[0].Message | Should -Match "No record in namespace 'articels'.*with id prefix 'doc-': nothing was deleted"
        $warnings[0].Message | Should -Match 'cannot tell an empty namespace from one that does not exist'

        Clear-VectorNamespace -Namespace articels -Force -WarningVariable cleared -WarningAction SilentlyContinue | Should -BeNullOrEmpty
        $cleared[0].Message | Should -Match "Namespace 'articels'.*held no records: nothing was deleted"
        (Get-CloudflareJournal).mutatingCalls | Should -Be $before
    }
}
