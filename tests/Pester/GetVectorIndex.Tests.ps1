#Requires -Version 7.2
# Issue 13, item 3: the index statistics are a cmdlet (Get-VectorIndex), the same core command as `vectorops stats`.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $null = Import-VectorOpsModule

    function Close-AllConnections { Get-VectorConnection -All | Disconnect-VectorIndex }

    # A local store: 3 records in 'articles', 2 in 'support', of index 'demo' (dimension 2).
    function New-DemoStore([string] $Index = 'demo') {
        $path = Join-Path $TestDrive ('idx-' + [guid]::NewGuid().ToString('N') + '.db')
        $c = Connect-VectorIndex -Provider Local -Path $path -Index $Index -Create -PassThru
        0..2 | ForEach-Object { @{ id = "a-$_"; values = 1, $_; namespace = 'articles' } } | Add-VectorRecord -Confirm:$false | Out-Null
        0..1 | ForEach-Object { @{ id = "s-$_"; values = 1, $_; namespace = 'support' } } | Add-VectorRecord -Confirm:$false | Out-Null
        $c
    }

    Close-AllConnections
}

AfterAll {
    Close-AllConnections
    Remove-Module -Name VectorOps -Force -ErrorAction Ignore
}

Describe 'Get-VectorIndex' {
    AfterEach { Close-AllConnections }

    It 'shows the index, its endpoint and dimension, each namespace with its record count, and the total' {
        $c = New-DemoStore
        $info = @(Get-VectorIndex)
        $info.Count | Should -Be 1
        $info[0].GetType().FullName | Should -Be 'VectorOps.Model.VectorIndexInfo'
        $info[0].Provider | Should -Be $c.Provider
        $info[0].Index | Should -Be 'demo'
        $info[0].Endpoint | Should -Be $c.Endpoint
        $info[0].Dimension | Should -Be 2
        $info[0].TotalRecordCount | Should -Be 5
        $info[0].NamespaceCount | Should -Be 2
        @($info[0].Namespaces | ForEach-Object { '{0}={1}' -f $_.Name, $_.RecordCount }) | Should -Be @('articles=3', 'support=2')
    }

    It 'formats in 80 columns with the counts of each namespace' {
        $null = New-DemoStore
        $lines = @(Get-VectorIndex | Out-String -Width 80 | ConvertTo-PlainText | ForEach-Object { $_ -split '\r?\n' } | Where-Object { $_ -match '\S' })
        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 -Because $_ }
        ($lines -join "`n") | Should -Match 'TotalRecordCount\s*:\s*5'
        ($lines -join "`n") | Should -Match 'articles: 3'
        ($lines -join "`n") | Should -Match 'support: 2'
        # The local store reports no metric: the line is left out rather than shown empty.
        ($lines -join "`n") | Should -Not -Match 'Metric'
    }

    It 'describes the connection given with -Connection, not the default one' {
        $first = New-DemoStore -Index 'first'
        $second = New-DemoStore -Index 'second'
        (Get-VectorConnection).Index | Should -Be 'second'
        (Get-VectorIndex -Connection $first).Index | Should -Be 'first'
        @(Get-VectorConnection -All | ForEach-Object { (Get-VectorIndex -Connection $_).Index }) | Should -Be @('first', 'second')
    }

    It 'is refused with NotConnected when there is no connection' {
        Close-AllConnections
        Get-ErrorId { Get-VectorIndex -ErrorAction Stop } | Should -Be 'NotConnected,VectorOps.PowerShell.Cmdlets.GetVectorIndexCommand'
    }

    It 'only reads: WhatIf is not a parameter, and the records are all still there' {
        $null = New-DemoStore
        (Get-Command Get-VectorIndex).Parameters.ContainsKey('WhatIf') | Should -BeFalse
        $null = Get-VectorIndex
        @(Get-VectorRecord -Namespace articles).Count | Should -Be 3
    }
}
