#Requires -Version 7.2
# Issue 17, item 5, as a user sees it on PowerShell 7.6 through the built module folder: Get-Help finds the about_
# topics (about_VectorOps, about_VectorOps_Filters, about_VectorOps_Providers, shipped in en-US), and Tab after
# Connect-VectorIndex -Index lists the indexes the settings on the line reach (TabExpansion2, as the console asks),
# never throwing, prompting or creating anything.
# Run: dotnet build; Invoke-Pester ./tests/Pester/Help.Tests.ps1

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $null = Import-VectorOpsModule

    function Get-Completion([string] $Line) {
        @((TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches)
    }

    # A store file with the given indexes, made through the module itself.
    function New-IndexStore([string[]] $Index) {
        $path = Join-Path $TestDrive ('idx-' + [guid]::NewGuid().ToString('N') + '.db')
        foreach ($name in $Index) { Connect-VectorIndex -Provider Local -Path $path -Index $name -Create }
        Disconnect-VectorIndex -ErrorAction Ignore
        $path
    }
}

AfterAll {
    Disconnect-VectorIndex -ErrorAction Ignore
    Remove-Module -Name VectorOps -Force -ErrorAction Ignore
}

Describe 'about_ topics through Get-Help' {
    It 'shows <Topic> from the module folder' -ForEach @(
        @{ Topic = 'about_VectorOps'; Words = 'MUTATION OBJECTS AND RETRYING FAILED BATCHES', '$VectorOpsStopped', 'FullyQualifiedErrorId' }
        @{ Topic = 'about_VectorOps_Filters'; Words = '$nin', '$exists', 'FilterNotSupportedByProvider', 'EmptyFilter' }
        @{ Topic = 'about_VectorOps_Providers'; Words = 'SHORT DESCRIPTION', 'Capabilities and limits' }
    ) {
        $help = Get-Help -Name $Topic -ErrorAction Stop
        $text = $help | Out-String -Width 200
        $text | Should -Match ([regex]::Escape($Topic))
        foreach ($word in $Words) { $text | Should -Match ([regex]::Escape($word)) }
        $shipped = Join-Path (Split-Path (Get-Module VectorOps).Path) 'en-US' "$Topic.help.txt"
        Test-Path -LiteralPath $shipped | Should -BeTrue
    }

    It 'lists the three topics for Get-Help about_VectorOps*' {
        $names = @(Get-Help -Name 'about_VectorOps*' -Category HelpFile | ForEach-Object Name)
        $names | Should -Contain 'about_VectorOps'
        $names | Should -Contain 'about_VectorOps_Filters'
        $names | Should -Contain 'about_VectorOps_Providers'
    }

    It 'gives the single-quote advice for $ operators' {
        $text = Get-Help about_VectorOps_Filters | Out-String -Width 200
        $text | Should -Match 'single quotes'
        # The advice works: the single-quoted form parses, the double-quoted one loses its operator.
        $store = New-IndexStore -Index demo
        Connect-VectorIndex -Provider Local -Path $store -Index demo
        @{ id = 'a'; values = 1, 2; metadata = @{ year = 2020 } } | Add-VectorRecord -Confirm:$false | Out-Null
        { Get-VectorRecord -Filter @{ year = @{ '$lt' = 2022 } } -ErrorAction Stop } | Should -Not -Throw
        $err = $null
        try { Get-VectorRecord -Filter @{ year = @{ "$lt" = 2022 } } -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'UnknownFilterOperator,*'
        Disconnect-VectorIndex
    }

    It 'names every provider of the session in about_VectorOps_Providers' {
        $text = Get-Help about_VectorOps_Providers | Out-String -Width 200
        $providers = @((Get-Completion 'Connect-VectorIndex -Provider ').CompletionText)
        $providers.Count | Should -BeGreaterThan 1
        foreach ($p in $providers) { $text | Should -Match ("(?m)^" + [regex]::Escape($p.ToUpperInvariant()) + '$') }
    }
}

Describe 'Tab completion of Connect-VectorIndex -Index' {
    It 'lists the indexes in the store file given by -Path' {
        $store = New-IndexStore -Index movies, music, books
        $all = Get-Completion "Connect-VectorIndex -Provider Local -Path '$store' -Index "
        @($all.CompletionText) | Should -Be @('books', 'movies', 'music')
        $m = Get-Completion "Connect-VectorIndex -Provider Local -Path '$store' -Index m"
        @($m.CompletionText) | Should -Be @('movies', 'music')
        $m[0].ResultType | Should -Be 'ParameterValue'
    }

    It 'resolves a relative -Path (and an alias of it) against the current location' {
        $store = New-IndexStore -Index alpha, beta
        Push-Location (Split-Path $store)
        try {
            $leaf = Split-Path $store -Leaf
            @((Get-Completion "Connect-VectorIndex Local -Store:$leaf -Index ").CompletionText) | Should -Be @('alpha', 'beta')
            @((Get-Completion "Connect-VectorIndex -Provider Local -Path ./$leaf -Index b").CompletionText) | Should -Be @('beta')
        }
        finally { Pop-Location }
    }

    It 'quotes a name the parser would split' {
        $store = New-IndexStore -Index 'my index'
        @((Get-Completion "Connect-VectorIndex -Provider Local -Path '$store' -Index my").CompletionText) | Should -Be @("'my index'")
    }

    It 'offers nothing, creates nothing and writes no error for a store that does not exist' {
        $absent = Join-Path $TestDrive ('absent-' + [guid]::NewGuid().ToString('N') + '.db')
        $Error.Clear()
        (Get-Completion "Connect-VectorIndex -Provider Local -Path '$absent' -Index ").Count | Should -Be 0
        Test-Path -LiteralPath $absent | Should -BeFalse
        $Error.Count | Should -Be 0
    }

    It 'offers nothing for a file that is not a store, and leaves it unchanged' {
        $other = Join-Path $TestDrive 'notes.db'
        Set-Content -LiteralPath $other -Value 'not a database'
        $before = Get-FileHash -LiteralPath $other
        (Get-Completion "Connect-VectorIndex -Provider Local -Path '$other' -Index ").Count | Should -Be 0
        (Get-FileHash -LiteralPath $other).Hash | Should -Be $before.Hash
    }

    It 'offers nothing for a provider that cannot list its indexes cheaply, and for an unknown one' {
        # The registry of the module's own load context, read by reflection (its types are not on PowerShell's type path).
        $core = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'VectorOps.Core' } | Select-Object -First 1
        $all = @($core.GetType('VectorOps.Providers.ProviderRegistry').GetProperty('Providers').GetValue($null))
        $all.Count | Should -BeGreaterThan 1
        $cannot = @($all | Where-Object { -not $_.ListsIndexesCheaply })
        $cannot.Count | Should -BeGreaterThan 0
        foreach ($p in $cannot) {
            (Get-Completion "Connect-VectorIndex -Provider $($p.Name) -Index ").Count | Should -Be 0
        }
        (Get-Completion 'Connect-VectorIndex -Provider NoSuchProvider -Index ').Count | Should -Be 0
    }
}

Describe 'Tab completion of -Index on a real Chroma server (its databases)' {
    BeforeAll {
        $script:Chroma = Start-ChromaTestServer
        $script:Suffix = [guid]::NewGuid().ToString('N').Substring(0, 8)
        foreach ($db in "help-a-$Suffix", "help-b-$Suffix") {
            Invoke-ChromaApi -Server $Chroma -Path 'api/v2/tenants/default_tenant/databases' -Method Post -Body @{ name = $db } | Out-Null
        }
    }
    AfterAll { Stop-ChromaTestServer -Server $script:Chroma }

    It 'lists the tenant''s databases' {
        $found = @((Get-Completion "Connect-VectorIndex -Provider Chroma -Endpoint $($Chroma.Uri) -Index help-").CompletionText)
        $found | Should -Contain "help-a-$Suffix"
        $found | Should -Contain "help-b-$Suffix"
        @((Get-Completion "Connect-VectorIndex -Provider Chroma -Endpoint $($Chroma.Uri) -Index help-b-").CompletionText) | Should -Be @("help-b-$Suffix")
    }
}
