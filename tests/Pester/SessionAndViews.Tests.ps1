#Requires -Version 7.2
# Issue 12, items 4, 9, 12 and 13, as a PowerShell user sees them: the session's connections, the default views in
# an 80-column console, the repository-root manifest, and credentials shown one way wherever they came from.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:ModuleManifest = Import-VectorOpsModule
    $script:RepoRoot = Get-VectorOpsRepoRoot

    # Every connection of the session (the session outlives a Remove-Module: the core stays loaded).
    function Close-AllConnections { Get-VectorConnection -All | Disconnect-VectorIndex }

    function New-Store {
        param([string] $Index, [string] $Namespace)
        $path = Join-Path $TestDrive ($Index + '-' + [guid]::NewGuid().ToString('N') + '.db')
        $extra = @{}
        if ($Namespace) { $extra.Namespace = $Namespace }
        Connect-VectorIndex -Provider Local -Path $path -Index $Index -Create -PassThru @extra
    }

    # The lines of a formatted text, ANSI colours removed, blank lines dropped.
    function Get-Lines {
        param([Parameter(ValueFromPipeline)] [string] $Text)
        process { $Text | ConvertTo-PlainText | ForEach-Object { $_ -split '\r?\n' } | Where-Object { $_ -match '\S' } }
    }

    Close-AllConnections
    $script:SavedPineconeKey = $env:PINECONE_API_KEY
}

AfterAll {
    Close-AllConnections
    $env:PINECONE_API_KEY = $SavedPineconeKey
    Remove-Module -Name VectorOps -Force -ErrorAction Ignore
}

Describe 'Connections: every open one stays listed until it is disconnected' {
    AfterEach { Close-AllConnections }

    It 'keeps the first connection, as the default, when the archive kept with -PassThru is piped to Disconnect-VectorIndex' {
        $demo = New-Store -Index demo
        'doc-1', 'doc-2' | ForEach-Object { @{ id = $_; values = 1, 2 } } | Add-VectorRecord -Confirm:$false | Out-Null
        $archive = New-Store -Index archive
        (Get-VectorConnection).Index | Should -BeExactly 'archive'

        $verbose = $archive | Disconnect-VectorIndex -Verbose 4>&1 | ForEach-Object { "$_" }

        $verbose | Should -Contain "The default connection is now Local:demo@$($demo.Endpoint)."
        (Get-VectorConnection).Index | Should -BeExactly 'demo'
        @(Get-VectorConnection -All).Index | Should -BeExactly @('demo')
        # The first connection is still open and is what the cmdlets use without -Connection.
        @(Get-VectorRecord -IdOnly).Id | Sort-Object | Should -BeExactly @('doc-1', 'doc-2')
    }

    It 'lists every open connection oldest first, the default marked, and Get-VectorConnection alone still writes the default' {
        $null = New-Store -Index first
        $null = New-Store -Index second
        $null = New-Store -Index third

        $all = @(Get-VectorConnection -All)
        $all.Index | Should -BeExactly @('first', 'second', 'third')
        $all.IsDefault | Should -BeExactly @($false, $false, $true)
        @(Get-VectorConnection -All).Count | Should -Be 3
        @(Get-VectorConnection).Index | Should -BeExactly @('third')
    }

    It 'moves the default back one connection at a time, then to none' {
        $null = New-Store -Index first
        $null = New-Store -Index second

        $verbose = Disconnect-VectorIndex -Verbose 4>&1 | ForEach-Object { "$_" }
        ($verbose -join "`n") | Should -Match 'The default connection is now Local:first@'
        (Get-VectorConnection).Index | Should -BeExactly 'first'

        $verbose = Disconnect-VectorIndex -Verbose 4>&1 | ForEach-Object { "$_" }
        ($verbose -join "`n") | Should -Match 'No connection is left'
        Get-VectorConnection | Should -BeNullOrEmpty
        Get-ErrorId { Get-VectorNamespace -ErrorAction Stop } |
            Should -BeExactly 'NotConnected,VectorOps.PowerShell.Cmdlets.GetVectorNamespaceCommand'
    }

    It 'closes a connection that is not the default without touching the default' {
        $first = New-Store -Index first
        $null = New-Store -Index second
        Disconnect-VectorIndex -Connection $first
        (Get-VectorConnection).Index | Should -BeExactly 'second'
        @(Get-VectorConnection -All).Index | Should -BeExactly @('second')
    }
}

Describe 'Default views fit 80 columns' {
    AfterEach { Close-AllConnections }

    It 'shows a mutation as Status, Operation, Namespace, Asked, Removed and Error, with the header on one line' {
        $null = New-Store -Index views
        'a', 'b' | ForEach-Object { @{ id = $_; values = 1, 2 } } | Add-VectorRecord -Confirm:$false | Out-Null
        $done = 'a', 'missing' | Remove-VectorRecord -Confirm:$false
        $lines = @($done | Format-Table | Out-String -Width 80 | Get-Lines)

        $lines[0] | Should -Match '^Status\s+Operation\s+Namespace\s+Asked\s+Removed\s+Error\s*$'
        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 -Because $_ }
        # Two ids asked, one removed (the local store says how many it deleted).
        ($lines -join "`n") | Should -Match 'Completed\s+DeleteByIds\s+default\s+2\s+1'
        ($lines -join "`n") | Should -Not -Match 'ProviderMutationId|Attempts'
    }

    It 'leaves Removed blank when the provider does not say, and wraps a long error instead of dropping it' {
        $null = New-Store -Index views
        $preview = 'x' | Remove-VectorRecord -WhatIf
        $lines = @($preview | Format-Table | Out-String -Width 80 | Get-Lines)
        $lines[-1] | Should -Match 'WhatIf\s+DeleteByIds\s+default\s+1\s*$'

        # A failed batch as a provider reports it (a preview object with the fields a failure sets).
        $failed = 'doc-1' | Remove-VectorRecord -WhatIf
        $failed.Status = 'Failed'
        $failed.ErrorId = 'ProviderServerError'
        $failed.Error = 'Pinecone refused POST /vectors/delete with 500 (Internal Server Error) after 3 attempt(s): upstream connect error.'
        $lines = @($failed | Format-Table | Out-String -Width 80 | Get-Lines)
        $lines[0] | Should -Match '^Status\s+Operation\s+Namespace\s+Asked\s+Removed\s+Error\s*$'
        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 -Because $_ }
        $lines[2] | Should -Match '^Failed\s+DeleteByIds\s+default\s+1\s+Pinecone'
        # The whole message is there, wrapped in the Error column.
        $errorColumn = $lines[0].IndexOf('Error')
        $wrapped = ($lines | Select-Object -Skip 2 | ForEach-Object { if ($_.Length -gt $errorColumn) { $_.Substring($errorColumn).Trim() } }) -join ' '
        ($wrapped -replace '\s', '') | Should -BeExactly ($failed.Error -replace '\s', '')
    }

    It 'keeps provider ids, attempts, duration and the ids in the list view' {
        $null = New-Store -Index views
        $m = 'a', 'b', 'c', 'd' | Remove-VectorRecord -WhatIf
        $text = $m | Format-List | Out-String -Width 80 | ConvertTo-PlainText
        foreach ($label in 'Status', 'Operation', 'Provider', 'Index', 'Namespace', 'RequestedCount', 'AffectedCount', 'Ids', 'ProviderMutationId', 'ProviderState', 'Attempts', 'Duration', 'ErrorId', 'Error') {
            $text | Should -Match "(?m)^$label\s+:" -Because "the list view shows $label"
        }
        $text | Should -Match 'Ids\s+: a, b, c, \.\.\. \(4 ids\)'
    }

    It 'shows connections, namespaces and records in 80 columns too' {
        $null = New-Store -Index 'an-index-with-a-rather-long-name' -Namespace 'a-namespace-with-a-long-name'
        @{ id = 'rec-1'; values = 1, 2, 3; metadata = @{ tenant = 'acme'; year = 2021; title = 'A title long enough to be cut in a table' } } |
            Add-VectorRecord -Confirm:$false | Out-Null
        $views = @{
            connection = @(Get-VectorConnection -All | Format-Table | Out-String -Width 80 | Get-Lines)
            namespace  = @(Get-VectorNamespace | Format-Table | Out-String -Width 80 | Get-Lines)
            record     = @(Get-VectorRecord -Id rec-1 | Format-Table | Out-String -Width 80 | Get-Lines)
        }
        $views.connection[0] | Should -Match '^Default\s+Provider\s+Index\s+Namespace\s+Endpoint\s*$'
        $views.connection[2] | Should -Match '^\s+\*\s+Local\s'
        $views.namespace[0] | Should -Match '^Name\s+RecordCount\s+Provider\s+Index\s*$'
        $views.record[0] | Should -Match '^Namespace\s+Id\s+Dim\s+Metadata\s*$'
        foreach ($view in $views.Keys) {
            $views[$view] | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 -Because "$view view: $_" }
        }
        # The whole endpoint is there, wrapped in its column.
        $endpointColumn = $views.connection[0].IndexOf('Endpoint')
        ($views.connection | Select-Object -Skip 2 | ForEach-Object { $_.Substring([Math]::Min($endpointColumn, $_.Length)).Trim() }) -join '' |
            Should -BeExactly (Get-VectorConnection).Endpoint
        # Format-List shows the credential fields of a connection.
        (Get-VectorConnection | Format-List | Out-String | ConvertTo-PlainText) | Should -Match '(?m)^CredentialSource\s+:'
    }
}

Describe 'The repository-root manifest' {
    It 'imports from the repository root after the build as the same module, and both manifests pass Test-ModuleManifest' {
        $rootManifest = Join-Path $RepoRoot 'VectorOps.psd1'
        $folderManifest = $ModuleManifest
        $store = Join-Path $TestDrive 'root-manifest.db'
        $quote = { param($t) "'" + ($t -replace "'", "''") + "'" }
        $script = @(
            '$ErrorActionPreference = "Stop"'
            'Set-Location -LiteralPath ' + (& $quote $RepoRoot)
            '$m = Import-Module ./VectorOps.psd1 -PassThru'
            '$root = Test-ModuleManifest -Path ' + (& $quote $rootManifest)
            '$folder = Test-ModuleManifest -Path ' + (& $quote $folderManifest)
            'Connect-VectorIndex -Provider Local -Path ' + (& $quote $store) + ' -Index rootcheck -Create'
            '$added = @{ id = "r1"; values = 1, 2 }, @{ id = "r2"; values = 3, 4 } | Add-VectorRecord -Confirm:$false'
            '$removed = "r1" | Remove-VectorRecord -Confirm:$false'
            '$table = ($removed | Format-Table | Out-String -Width 80) -replace "\x1b\[[0-9;?]*[A-Za-z]", ""'
            '[pscustomobject]@{'
            '    Name = $m.Name; Guid = "$($m.Guid)"; Version = "$($m.Version)"'
            '    Cmdlets = @($m.ExportedCmdlets.Keys | Sort-Object)'
            '    Assembly = (Get-Command Remove-VectorRecord).ImplementingType.Assembly.Location'
            '    HelpExamples = @((Get-Help -Examples -Name Remove-VectorRecord).examples.example).Count'
            '    HelpSynopsis = (Get-Help Connect-VectorIndex).Synopsis'
            '    Formats = @($m.ExportedFormatFiles)'
            '    Header = @($table -split "\r?\n" | Where-Object { $_ -match "\S" })[0]'
            '    Left = @(Get-VectorRecord -IdOnly).Id'
            '    RootOk = $root.Name -eq "VectorOps"; FolderOk = $folder.Name -eq "VectorOps"'
            '    RootVersion = "$($root.Version)"; FolderVersion = "$($folder.Version)"; RootGuid = "$($root.Guid)"; FolderGuid = "$($folder.Guid)"'
            '} | ConvertTo-Json -Compress -Depth 3'
        ) -join [Environment]::NewLine
        $run = Invoke-ChildPwsh -Script $script
        $run.ExitCode | Should -Be 0 -Because "$($run.Output)`n$($run.Error)"
        $seen = ($run.Output -split '\r?\n' | Where-Object { $_ -like '{*' } | Select-Object -Last 1) | ConvertFrom-Json

        $folder = Test-ModuleManifest -Path $folderManifest
        $seen.Name | Should -BeExactly 'VectorOps'
        $seen.Guid | Should -BeExactly "$($folder.Guid)"
        $seen.Version | Should -BeExactly "$($folder.Version)"
        $seen.RootOk | Should -BeTrue
        $seen.FolderOk | Should -BeTrue
        $seen.RootGuid | Should -BeExactly $seen.FolderGuid
        $seen.RootVersion | Should -BeExactly $seen.FolderVersion
        $seen.Cmdlets | Should -BeExactly @((Get-Module VectorOps).ExportedCmdlets.Keys | Sort-Object)
        # The very binaries the build assembled in module/VectorOps, not a copy.
        $seen.Assembly | Should -BeExactly (Join-Path (Split-Path -Parent $folderManifest) 'VectorOps.PowerShell.dll')
        @($seen.Formats) | Should -BeExactly @(Join-Path (Split-Path -Parent $folderManifest) 'VectorOps.format.ps1xml')
        $seen.HelpExamples | Should -BeGreaterOrEqual 2
        $seen.HelpSynopsis | Should -BeExactly (Get-Help Connect-VectorIndex).Synopsis
        $seen.Header | Should -Match '^Status\s+Operation\s+Namespace\s+Asked\s+Removed\s+Error\s*$'
        $seen.Left | Should -BeExactly 'r2'
    }
}

Describe 'Credentials are shown one way wherever they came from' {
    BeforeAll {
        $script:KeyText = 'pcsk_5QmZ_SESSION_VIEWS_TEST_KEY_0000_5678'
        $script:SecureKey = ConvertTo-SecureString -String $KeyText -AsPlainText -Force
        # With an index host given, connecting to Pinecone sends nothing: no server is needed.
        $script:PineconeArgs = @{ Provider = 'Pinecone'; IndexHost = 'https://127.0.0.1:9'; PassThru = $true }
    }
    AfterEach {
        Close-AllConnections
        $env:PINECONE_API_KEY = $SavedPineconeKey
    }

    It 'masks a key from -ApiKey, -Credential and $env:PINECONE_API_KEY alike, and says where it came from' {
        $env:PINECONE_API_KEY = $null
        $fromParameter = Connect-VectorIndex @PineconeArgs -ApiKey $SecureKey
        $fromCredential = Connect-VectorIndex @PineconeArgs -Credential ([pscredential]::new('key', $SecureKey))
        $env:PINECONE_API_KEY = $KeyText
        $written = @(Connect-VectorIndex @PineconeArgs -Verbose 4>&1)
        $fromEnvironment = $written | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
        $verbose = ($written | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object { "$_" }) -join "`n"
        $verbose | Should -Match ([regex]::Escape('credential ********5678 (Environment:PINECONE_API_KEY)'))

        $fromParameter.Credential | Should -BeExactly '********5678'
        $fromCredential.Credential | Should -BeExactly '********5678'
        $fromEnvironment.Credential | Should -BeExactly '********5678'
        $fromParameter.CredentialSource | Should -BeExactly 'Parameter'
        $fromEnvironment.CredentialSource | Should -BeExactly 'Environment:PINECONE_API_KEY'

        $shown = @($verbose) + @($fromParameter, $fromCredential, $fromEnvironment) | ForEach-Object {
            $_ | Format-List -Property * | Out-String
            $_ | Format-Table | Out-String
        }
        ($shown -join "`n") | Should -Not -Match ([regex]::Escape($KeyText))
        ($shown -join "`n") | Should -Not -Match ([regex]::Escape($KeyText.Substring(0, 20)))
    }

    It 'tells a PowerShell user which parameters and variable give the key' {
        $env:PINECONE_API_KEY = $null
        $caught = $null
        try { Connect-VectorIndex -Provider Pinecone -IndexHost 'https://127.0.0.1:9' -ErrorAction Stop }
        catch { $caught = $_ }
        $caught.FullyQualifiedErrorId | Should -BeExactly 'MissingCredential,VectorOps.PowerShell.Cmdlets.ConnectVectorIndexCommand'
        $caught.Exception.Message | Should -Match ([regex]::Escape('Pass -ApiKey (a SecureString) or -Credential, or set $env:PINECONE_API_KEY.'))
        $caught.Exception.Message | Should -Not -Match '--api-key-file'
    }
}
