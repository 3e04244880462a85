#Requires -Version 7.2
# Issue 17, item 4: `vectorops completion pwsh` wires PowerShell's Tab (Register-ArgumentCompleter -Native) to the
# CLI's [suggest] directive (System.CommandLine). Checked through TabExpansion2, as the console's Tab calls it, with
# the built CLI on the PATH as `vectorops` (what `dotnet tool install` gives).

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')

    # The built CLI (the newest configuration built), behind a `vectorops` command on the PATH.
    $dll = Get-ChildItem -Path (Join-Path (Get-VectorOpsRepoRoot) 'src' 'VectorOps.Cli' 'bin' '*' 'net10.0' 'vectorops.dll') |
        Sort-Object -Property LastWriteTimeUtc -Descending | Select-Object -First 1
    if (-not $dll) { throw 'Build src/VectorOps.Cli first: vectorops.dll is missing.' }
    $bin = Join-Path $TestDrive 'bin'
    $null = New-Item -ItemType Directory -Path $bin
    $shim = Join-Path $bin 'vectorops'
    Set-Content -LiteralPath $shim -Value "#!/bin/sh`nexec dotnet '$($dll.FullName)' `"`$@`"`n" -NoNewline
    & chmod +x $shim
    $savedPath = $env:PATH
    $env:PATH = $bin + [System.IO.Path]::PathSeparator + $env:PATH

    # What Tab offers at the end of $Line.
    function Get-TabCompletion([string] $Line) {
        (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText
    }
}

AfterAll {
    $env:PATH = $savedPath
}

Describe 'vectorops completion pwsh' -Skip:($IsWindows) {
    It 'prints a script that registers a native completer, and Tab then completes through the CLI' {
        (Get-Command -Name vectorops -CommandType Application).Source | Should -Be $shim
        $script = vectorops completion pwsh | Out-String
        $LASTEXITCODE | Should -Be 0
        $script | Should -Match 'Register-ArgumentCompleter -Native -CommandName vectorops'
        Invoke-Expression $script

        Get-TabCompletion 'vectorops re' | Should -Be @('remove', 'restore')
        Get-TabCompletion 'vectorops remove --wh' | Should -Be @('--what-if')
        # get has no --what-if: the CLI's own options decide.
        Get-TabCompletion 'vectorops get --wh' | Should -BeNullOrEmpty
    }

    It 'completes provider names and a setting''s values from the descriptors, as the CLI reads them' {
        vectorops completion pwsh | Out-String | Invoke-Expression
        $line = 'vectorops stats --provider '
        $expected = @(vectorops "[suggest:$($line.Length)]" $line)
        $expected | Should -Contain 'Local'
        Get-TabCompletion $line | Should -Be $expected
        Get-TabCompletion 'vectorops stats --provider Pi' | Should -Be @('Pinecone')
        # A value set (the descriptors' SuggestedValues) offered after the option.
        $help = vectorops help stats | Out-String
        $help | Should -Match '--token-header X-Chroma-Token\|Authorization'
        Get-TabCompletion 'vectorops stats --token-header ' | Should -Be @('Authorization', 'X-Chroma-Token')
    }
}
