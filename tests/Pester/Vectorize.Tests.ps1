#Requires -Version 7.2
# Pester 5 examples of the Cloudflare Vectorize provider in a real PowerShell 7 engine, against the loopback
# Vectorize emulator (tests/VectorOps.Emulators) with Prism in front of it: every request and answer is checked
# against ../shared/specs/cloudflare-vectorize-v2-with-list.openapi.json, and the last test fails on any violation.
# Needs: dotnet build (the module and tests/VectorOps.Emulators), and the test tools: cd tools && npm ci.
# Each Describe works on its own emulated index, so no Describe depends on another.
#
# Seeded data (tests/VectorOps.Emulators/Vectorize, --index NAME:COUNT): COUNT vectors doc-00000..; the first half
# stored without a namespace (VectorOps' default namespace '__default__'), the rest in 'tenant-a'; metadata
# kind = 'draft' for even numbers and 'final' for odd ones, year = 2000 + n % 30.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $null = Import-VectorOpsModule
    $repoRoot = Get-VectorOpsRepoRoot

    $script:Token = 'cfut_pester_' + [guid]::NewGuid().ToString('N')
    $script:AccountId = '0123456789abcdef0123456789abcdef'
    $script:SavedEnvironment = @{}
    foreach ($name in 'CLOUDFLARE_API_TOKEN', 'CLOUDFLARE_ACCOUNT_ID', 'NO_COLOR', 'FORCE_COLOR') {
        $SavedEnvironment[$name] = [Environment]::GetEnvironmentVariable($name)
    }
    # Prism's logs and anything else this file writes; removed in AfterAll.
    $script:WorkDir = Join-Path ([System.IO.Path]::GetTempPath()) ('vectorops-pester-' + [guid]::NewGuid().ToString('N'))
    $null = New-Item -ItemType Directory -Path $WorkDir

    $spec = [System.IO.Path]::GetFullPath((Join-Path $repoRoot '..' 'shared' 'specs' 'cloudflare-vectorize-v2-with-list.openapi.json'))
    if (-not (Test-Path -LiteralPath $spec -PathType Leaf)) {
        throw "The Vectorize API document is missing: $spec (the specs live in ../shared/specs beside the repository)."
    }
    $prismExe = Join-Path $repoRoot 'tools' 'node_modules' '.bin' $(if ($IsWindows) { 'prism.cmd' } else { 'prism' })
    if (-not (Test-Path -LiteralPath $prismExe -PathType Leaf)) {
        throw "Prism is not installed (looked for $prismExe): cd $(Join-Path $repoRoot 'tools') && npm ci"
    }

    function Get-FreePort {
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start()
        try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
    }

    # Waits until one of the files has a line matching the pattern; returns that line.
    function Wait-LogLine {
        param([string[]] $Path, [string] $Pattern, [int] $Seconds, [System.Diagnostics.Process] $Process)
        $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
        while ([DateTime]::UtcNow -lt $deadline) {
            $line = Get-Content -LiteralPath $Path -ErrorAction Ignore | Where-Object { $_ -match $Pattern } | Select-Object -First 1
            if ($line) { return $line }
            if ($Process -and $Process.HasExited) {
                throw "The process exited early (code $($Process.ExitCode)): $((Get-Content -LiteralPath $Path -ErrorAction Ignore) -join [Environment]::NewLine)"
            }
            Start-Sleep -Milliseconds 100
        }
        throw "Timed out after $Seconds s waiting for '$Pattern' in $($Path -join ', ')"
    }

    # The emulator: one index per Describe. --apply-delay-ms makes every write land later, so waiting is real.
    $script:Emulator = Start-Emulator -Name vectorize -ArgumentList @(
        '--token', $Token, '--account', $AccountId,
        '--index', 'pester-ids:3000,pester-prefix:400,pester-filter:400,pester-clear:400,pester-read:200,pester-secret:20',
        '--apply-delay-ms', '300'
    )

    # Prism validates every request and answer against the vendor's document (paths without /client/v4).
    # Start-Process joins its arguments with spaces, so the document's path is quoted. A port taken between
    # Get-FreePort and Prism's start is tried again with another.
    $env:NO_COLOR = '1'
    $env:FORCE_COLOR = '0'
    $script:PrismLog = Join-Path $WorkDir 'prism.log'
    $script:PrismErr = Join-Path $WorkDir 'prism.err'
    for ($attempt = 1; ; $attempt++) {
        $port = Get-FreePort
        Remove-Item -LiteralPath $PrismLog, $PrismErr -ErrorAction Ignore
        $script:PrismProcess = Start-Process -FilePath $prismExe -PassThru -NoNewWindow -WorkingDirectory (Join-Path $repoRoot 'tools') `
            -ArgumentList @('proxy', '-h', '127.0.0.1', '-p', $port, '--errors', ('"' + $spec + '"'), $Emulator.Uri.GetLeftPart([UriPartial]::Authority)) `
            -RedirectStandardOutput $PrismLog -RedirectStandardError $PrismErr
        try {
            Wait-LogLine -Path $PrismLog, $PrismErr -Pattern 'Prism is listening' -Seconds 120 -Process $PrismProcess | Out-Null
            break
        }
        catch {
            $inUse = (Get-Content -LiteralPath $PrismLog, $PrismErr -ErrorAction Ignore) -match 'EADDRINUSE'
            Stop-TestProcess -Process $PrismProcess
            $script:PrismProcess = $null
            if (-not $inUse -or $attempt -ge 3) { throw }
        }
    }
    $script:BaseUri = [uri]"http://127.0.0.1:$port/"

    function Get-Token { ConvertTo-SecureString -String $Token -AsPlainText -Force }

    function Connect-Emulated {
        param([string] $Index)
        Connect-VectorIndex -Provider CloudflareVectorize -AccountId $AccountId -Index $Index -ApiToken (Get-Token) -BaseUri $BaseUri -PassThru
    }

    function Join-Sorted {
        param($Items)
        (@($Items) | Sort-Object) -join ','
    }

    function Get-Ids {
        param([int[]] $Numbers)
        $Numbers | ForEach-Object { 'doc-{0:D5}' -f $_ }
    }
}

AfterAll {
    Disconnect-VectorIndex -ErrorAction Ignore
    if ($SavedEnvironment) {
        foreach ($pair in $SavedEnvironment.GetEnumerator()) { [Environment]::SetEnvironmentVariable($pair.Key, $pair.Value) }
    }
    Stop-TestProcess -Process $PrismProcess
    if ($Emulator) { Stop-Emulator -Process $Emulator.Process }
    if ($WorkDir) { Remove-Item -LiteralPath $WorkDir -Recurse -Force -ErrorAction Ignore }
    Remove-Module -Name VectorOps -Force -ErrorAction Ignore
}

Describe 'Connect-VectorIndex -Provider CloudflareVectorize' {
    AfterEach {
        [Environment]::SetEnvironmentVariable('CLOUDFLARE_API_TOKEN', $SavedEnvironment['CLOUDFLARE_API_TOKEN'])
        [Environment]::SetEnvironmentVariable('CLOUDFLARE_ACCOUNT_ID', $SavedEnvironment['CLOUDFLARE_ACCOUNT_ID'])
    }

    It 'connects with the token as a SecureString and shows it only masked' {
        $c = Connect-Emulated -Index 'pester-read'
        $c.Provider | Should -BeExactly 'CloudflareVectorize'
        $c.Index | Should -BeExactly 'pester-read'
        $c.Namespace | Should -BeExactly '__default__'
        $c.Credential | Should -BeLike '`*`*`*`*`*`*`*`**'
        ($c | Format-List * | Out-String) | Should -Not -Match ([regex]::Escape($Token))
    }

    It 'takes the token from -Credential (the user name is not used)' {
        $credential = [pscredential]::new('ignored', (Get-Token))
        $c = Connect-VectorIndex -Provider Vectorize -AccountId $AccountId -Index 'pester-read' -Credential $credential -BaseUri $BaseUri -PassThru
        $c.Provider | Should -BeExactly 'CloudflareVectorize'
        (Get-VectorRecord -Id 'doc-00001').Id | Should -BeExactly 'doc-00001'
    }

    It 'takes the token and the account from CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID' {
        $env:CLOUDFLARE_API_TOKEN = $Token
        $env:CLOUDFLARE_ACCOUNT_ID = $AccountId
        $c = Connect-VectorIndex -Provider CloudflareVectorize -Index 'pester-read' -BaseUri $BaseUri -PassThru
        $c.Credential | Should -Not -BeNullOrEmpty
        (Get-VectorRecord -Id 'doc-00002').Id | Should -BeExactly 'doc-00002'
    }

    It 'refuses an index name Vectorize would refuse, before any request' {
        Get-ErrorId { Connect-VectorIndex -Provider CloudflareVectorize -AccountId $AccountId -Index 'Not_Valid' -ApiToken (Get-Token) -BaseUri $BaseUri } |
            Should -BeExactly 'InvalidIndexName,VectorOps.PowerShell.Cmdlets.ConnectVectorIndexCommand'
    }

    It 'refuses an account id that is not 32 hex digits' {
        Get-ErrorId { Connect-VectorIndex -Provider CloudflareVectorize -AccountId 'my-account' -Index 'pester-read' -ApiToken (Get-Token) -BaseUri $BaseUri } |
            Should -BeExactly 'InvalidAccountId,VectorOps.PowerShell.Cmdlets.ConnectVectorIndexCommand'
    }

    It 'refuses plain http to a host that is not loopback' {
        Get-ErrorId { Connect-VectorIndex -Provider CloudflareVectorize -AccountId $AccountId -Index 'pester-read' -ApiToken (Get-Token) -BaseUri 'http://example.com/client/v4' } |
            Should -BeExactly 'InsecureEndpoint,VectorOps.PowerShell.Cmdlets.ConnectVectorIndexCommand'
    }

    It 'says plainly when there is no token' {
        $env:CLOUDFLARE_API_TOKEN = $null
        Get-ErrorId { Connect-VectorIndex -Provider CloudflareVectorize -AccountId $AccountId -Index 'pester-read' -BaseUri $BaseUri } |
            Should -BeExactly 'MissingCredential,VectorOps.PowerShell.Cmdlets.ConnectVectorIndexCommand'
    }
}

Describe 'Remove-VectorRecord -Id and Wait-VectorMutation' {
    BeforeAll { Connect-Emulated -Index 'pester-ids' | Out-Null }

    It 'deletes 2,500 streamed ids in 25 calls of at most 100 and waits until all 25 are applied' {
        $ids = Get-Ids (0..2499)
        $mutations = @($ids | Remove-VectorRecord -Confirm:$false)

        $mutations | Should -HaveCount 25
        $mutations | ForEach-Object {
            $_.Status | Should -Be 'Acknowledged'
            $_.Ids.Count | Should -BeLessOrEqual 100
            $_.ProviderMutationId | Should -Not -BeNullOrEmpty
        }
        Join-Sorted ($mutations | ForEach-Object { $_.Ids }) | Should -BeExactly (Join-Sorted $ids)

        $completed = @($mutations | Wait-VectorMutation -Timeout (New-TimeSpan -Minutes 2))
        $completed | Should -HaveCount 25
        $completed | ForEach-Object { $_.Status | Should -Be 'Completed' }

        # Applied: the ids are gone (ids are unique across a Vectorize index, whatever their namespace).
        $missing = $null
        Get-VectorRecord -Id 'doc-00000', 'doc-01499' -ErrorAction SilentlyContinue -ErrorVariable missing | Should -BeNullOrEmpty
        $missing | Should -HaveCount 2
        Get-VectorRecord -Id 'doc-02499' -Namespace 'tenant-a' -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        (Get-VectorRecord -Id 'doc-02500' -Namespace 'tenant-a').Id | Should -BeExactly 'doc-02500'
    }

    It 'reports an id longer than 64 bytes by name and deletes nothing of that input' {
        $long = 'x' * 65
        $bad = $null
        $out = @(Remove-VectorRecord -Id 'doc-02600', $long -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable bad)
        $out | Should -HaveCount 0
        $bad | Should -HaveCount 1
        $bad[0].FullyQualifiedErrorId | Should -BeExactly 'InvalidVectorId,VectorOps.PowerShell.Cmdlets.RemoveVectorRecordCommand'
        $bad[0].TargetObject | Should -BeExactly $long
        (Get-VectorRecord -Id 'doc-02600' -Namespace 'tenant-a').Id | Should -BeExactly 'doc-02600'
    }
}

Describe 'Remove-VectorRecord -Prefix' {
    BeforeAll { Connect-Emulated -Index 'pester-prefix' | Out-Null }

    It 'previews exactly the prefixed ids of the namespace under -WhatIf and deletes nothing' {
        $preview = @(Remove-VectorRecord -Prefix 'doc-001' -WhatIf)
        $preview | Should -Not -BeNullOrEmpty
        $preview | ForEach-Object { $_.Status | Should -Be 'WhatIf' }
        Join-Sorted ($preview | ForEach-Object { $_.Ids }) | Should -BeExactly (Join-Sorted (Get-Ids (100..199)))
        @(Get-VectorRecord -Prefix 'doc-001' -IdOnly) | Should -HaveCount 100
    }

    It 'deletes exactly those ids and no other' {
        $mutations = @(Remove-VectorRecord -Prefix 'doc-001' -Force -Confirm:$false)
        $mutations | Should -Not -BeNullOrEmpty
        $mutations | ForEach-Object { $_.Prefix | Should -BeExactly 'doc-001' }
        $mutations | Wait-VectorMutation -Timeout (New-TimeSpan -Minutes 1) | Out-Null
        @(Get-VectorRecord -Prefix 'doc-001' -IdOnly) | Should -HaveCount 0
        @(Get-VectorRecord -Prefix 'doc-000' -IdOnly) | Should -HaveCount 100
        # tenant-a (doc-00200..) is another namespace: untouched.
        @(Get-VectorRecord -Prefix 'doc-003' -Namespace 'tenant-a' -IdOnly) | Should -HaveCount 100
    }

    It 'refuses an empty prefix: it never means everything' {
        Get-ErrorId { Remove-VectorRecord -Prefix '' -Force -Confirm:$false -ErrorAction Stop } |
            Should -BeExactly 'InvalidPrefix,VectorOps.PowerShell.Cmdlets.RemoveVectorRecordCommand'
        @(Get-VectorRecord -Prefix 'doc-' -IdOnly) | Should -HaveCount 100
    }
}

Describe 'Remove-VectorRecord -Filter' {
    BeforeAll {
        Connect-Emulated -Index 'pester-filter' | Out-Null
        # tenant-a holds doc-00200..doc-00399; drafts are even; year = 2000 + n % 30.
        $script:Expected = @(Get-Ids (200..399 | Where-Object { $_ % 2 -eq 0 -and (2000 + $_ % 30) -ge 2020 }))
        $script:Filter = @{ kind = 'draft'; year = @{ '$gte' = 2020 } }
    }

    It 'previews exactly the matching records of the namespace under -WhatIf' {
        $preview = @(Remove-VectorRecord -Filter $Filter -Namespace 'tenant-a' -WhatIf)
        $preview | Should -Not -BeNullOrEmpty
        $preview | ForEach-Object { $_.Status | Should -Be 'WhatIf' }
        Join-Sorted ($preview | ForEach-Object { $_.Ids }) | Should -BeExactly (Join-Sorted $Expected)
        @(Get-VectorRecord -Filter $Filter -Namespace 'tenant-a' -IdOnly) | Should -HaveCount $Expected.Count
    }

    It 'deletes exactly the matching records' {
        $mutations = @(Remove-VectorRecord -Filter $Filter -Namespace 'tenant-a' -Force -Confirm:$false)
        Join-Sorted ($mutations | ForEach-Object { $_.Ids }) | Should -BeExactly (Join-Sorted $Expected)
        $mutations | Wait-VectorMutation -Timeout (New-TimeSpan -Minutes 1) | Out-Null
        @(Get-VectorRecord -Filter $Filter -Namespace 'tenant-a' -IdOnly) | Should -HaveCount 0
        @(Get-VectorRecord -Filter @{ kind = 'draft' } -Namespace 'tenant-a' -IdOnly) | Should -HaveCount (100 - $Expected.Count)
        # The same filter in the default namespace still matches its own records.
        @(Get-VectorRecord -Filter $Filter -IdOnly).Count | Should -BeGreaterThan 0
    }
}

Describe 'Clear-VectorNamespace' {
    BeforeAll { Connect-Emulated -Index 'pester-clear' | Out-Null }

    It 'previews every id of the namespace under -WhatIf, one mutation per delete call it would send' {
        $preview = @(Clear-VectorNamespace -Namespace 'tenant-a' -WhatIf)
        $preview | Should -HaveCount 2
        $preview | ForEach-Object { $_.Status | Should -Be 'WhatIf' }
        Join-Sorted ($preview | ForEach-Object { $_.Ids }) | Should -BeExactly (Join-Sorted (Get-Ids (200..399)))
        (Get-VectorNamespace -Name 'tenant-a').RecordCount | Should -Be 200
    }

    It 'clears the namespace with one mutation per delete_by_ids, each with its mutation id' {
        $mutations = @(Clear-VectorNamespace -Namespace 'tenant-a' -Confirm:$false)
        $mutations | Should -HaveCount 2
        $mutations | ForEach-Object { $_.ProviderMutationId | Should -Not -BeNullOrEmpty }
        $mutations | Wait-VectorMutation -Timeout (New-TimeSpan -Minutes 1) | Out-Null
        $namespaces = @(Get-VectorNamespace)
        $namespaces.Name | Should -Not -Contain 'tenant-a'
        ($namespaces | Where-Object Name -EQ '__default__').RecordCount | Should -Be 200
    }

    It 'refuses -RemoveNamespace: Vectorize has no namespace object' {
        $e = $null
        Clear-VectorNamespace -Namespace '__default__' -RemoveNamespace -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable e | Out-Null
        $e | Should -HaveCount 1
        $e[0].FullyQualifiedErrorId | Should -BeExactly 'NotSupportedByProvider,VectorOps.PowerShell.Cmdlets.ClearVectorNamespaceCommand'
        (Get-VectorNamespace -Name '__default__').RecordCount | Should -Be 200
    }
}

Describe 'Reading and adding records' {
    BeforeAll { Connect-Emulated -Index 'pester-read' | Out-Null }

    It 'lists the namespaces that list and get_by_ids reveal, with their counts' {
        $namespaces = @(Get-VectorNamespace)
        Join-Sorted ($namespaces | ForEach-Object { '{0}={1}' -f $_.Name, $_.RecordCount }) | Should -BeExactly '__default__=100,tenant-a=100'
    }

    It 'gets records by id with values and metadata' {
        $r = Get-VectorRecord -Id 'doc-00007'
        $r.Values | Should -HaveCount 4
        $r.Metadata['kind'] | Should -BeExactly 'final'
        $r.Namespace | Should -BeExactly '__default__'
    }

    It 'adds records and Wait-VectorMutation returns once they are applied' {
        $mutations = @(
            @{ id = 'added-1'; values = 0.1, 0.2, 0.3, 0.4; metadata = @{ source = 'pester' } },
            @{ id = 'added-2'; values = 0.5, 0.6, 0.7, 0.8 } | Add-VectorRecord -Namespace 'tenant-b' -Confirm:$false
        )
        $mutations | Should -HaveCount 1
        $done = @($mutations | Wait-VectorMutation -Timeout (New-TimeSpan -Minutes 1))
        $done | Should -HaveCount 1
        $done[0].Status | Should -Be 'Completed'
        Join-Sorted (Get-VectorRecord -Id 'added-1', 'added-2' -Namespace 'tenant-b' | ForEach-Object Id) | Should -BeExactly 'added-1,added-2'
    }
}

Describe 'The token' {
    It 'appears in no output, verbose line, warning or error' {
        $everything = & {
            Connect-Emulated -Index 'pester-secret'
            Get-VectorNamespace -Verbose
            Get-VectorRecord -Id 'doc-00001', 'nope' -Verbose -ErrorAction Continue
            Remove-VectorRecord -Id ('y' * 70) -Confirm:$false -ErrorAction Continue
            Remove-VectorRecord -Id 'doc-00002' -Confirm:$false -Verbose | Wait-VectorMutation -Verbose
            Connect-VectorIndex -Provider CloudflareVectorize -AccountId $AccountId -Index 'pester-secret' -BaseUri $BaseUri `
                -ApiToken (ConvertTo-SecureString -String ($Token + '-revoked') -AsPlainText -Force) -PassThru
            # The revoked token is refused (401): a terminating error, kept as a record here whatever
            # $ErrorActionPreference is, so that its text is scanned too.
            try { Get-VectorNamespace -Verbose -ErrorAction Stop } catch { $_; $_.FullyQualifiedErrorId; $_.Exception.ToString() }
        } *>&1 | Out-String -Width 4096
        $everything | Should -Match 'ProviderAuthenticationFailed,VectorOps\.PowerShell\.Cmdlets\.GetVectorNamespaceCommand' -Because 'the revoked token was refused'
        $everything | Should -Match 'doc-00001'
        $everything | Should -Not -Match ([regex]::Escape($Token))
    }
}

Describe 'Prism' {
    It 'found no violation of the Vectorize document in any request or answer' {
        # Wait until Prism has logged everything answered so far: ask for a marker path and wait for its line.
        $marker = '/__vectorops_pester_sync/' + [guid]::NewGuid().ToString('N')
        Invoke-WebRequest -Uri ([uri]::new($BaseUri, $marker)) -SkipHttpErrorCheck -NoProxy -TimeoutSec 30 | Out-Null
        Wait-LogLine -Path $PrismLog, $PrismErr -Pattern ([regex]::Escape($marker)) -Seconds 30 | Out-Null
        $violations = @(Get-Content -LiteralPath $PrismLog, $PrismErr -ErrorAction Ignore | Where-Object {
                ($_ -match 'Request terminated with error' -or $_ -match '\bViolation\b') -and $_ -notmatch '__vectorops_pester_sync'
            })
        $violations | Should -HaveCount 0 -Because ($violations -join [Environment]::NewLine)
    }
}
