# Helpers shared by the Pester files of this folder; each dot-sources this file in its top-level BeforeAll.
# (Invoke-Pester runs only *.Tests.ps1 files, so this file is never run as a test container itself.)

# The repository root: two folders above this file ($PSScriptRoot in a function is the folder of its file).
function Get-VectorOpsRepoRoot {
    [System.IO.Path]::GetFullPath((Join-Path $PSScriptRoot '..' '..'))
}

# Imports the module as the build assembled it (module/VectorOps) and returns the manifest path.
function Import-VectorOpsModule {
    $manifest = Join-Path (Get-VectorOpsRepoRoot) 'module' 'VectorOps' 'VectorOps.psd1'
    if (-not (Test-Path -LiteralPath $manifest -PathType Leaf)) {
        throw "Build the module first (dotnet build, or ./build.ps1): $manifest is missing."
    }
    Import-Module -Name $manifest -Force -ErrorAction Stop
    $manifest
}

# The command that starts the PowerShell running these tests again (for child sessions): the pwsh executable, or
# for the .NET global tool (dotnet tool install PowerShell), whose process is dotnet, dotnet and the pwsh.dll of
# $PSHOME. Returns the executable and the arguments that must come first.
function Get-PwshCommand {
    $path = [System.Environment]::ProcessPath
    if (-not $path) { $path = (Get-Process -Id $PID).Path }
    $leading = @()
    if ([System.IO.Path]::GetFileNameWithoutExtension($path) -eq 'dotnet') {
        $leading = @(Join-Path -Path $PSHOME -ChildPath 'pwsh.dll')
    }
    [pscustomobject]@{ Path = $path; LeadingArguments = $leading }
}

# Runs a script block and returns the FullyQualifiedErrorId of the error that stopped it ($null if none stopped it).
# Pass -ErrorAction Stop to the command inside when the error is a non-terminating one.
function Get-ErrorId {
    param([Parameter(Mandatory)] [scriptblock] $ScriptBlock)
    try {
        $null = & $ScriptBlock
        $null
    }
    catch {
        $_.FullyQualifiedErrorId
    }
}

# Text without ANSI escape sequences (PowerShell 7.2+ may colour table headers).
function ConvertTo-PlainText {
    param([Parameter(ValueFromPipeline)] [AllowNull()] [string] $Text)
    process { if ($null -ne $Text) { $Text -replace '\x1b\[[0-9;?]*[A-Za-z]', '' } }
}

# Runs a script in a child pwsh -NonInteractive (no prompt can be answered there), with a time limit so that
# nothing waits forever. Returns ExitCode, Output (stdout) and Error (stderr).
function Invoke-ChildPwsh {
    param(
        [Parameter(Mandatory)] [string] $Script,
        [int] $TimeoutSeconds = 180
    )
    $pwsh = Get-PwshCommand
    $psi = [System.Diagnostics.ProcessStartInfo]::new($pwsh.Path)
    # -OutputFormat Text: with stderr redirected, a child given -EncodedCommand would write its errors there as CLIXML.
    foreach ($a in @($pwsh.LeadingArguments) + @('-NoLogo', '-NoProfile', '-NonInteractive', '-OutputFormat', 'Text', '-EncodedCommand', [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($Script)))) {
        $psi.ArgumentList.Add($a)
    }
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.RedirectStandardInput = $true
    $psi.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($psi)
    try {
        $process.StandardInput.Close()
        # Both pipes are drained concurrently, so a full stderr cannot block the child while stdout is read.
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        if (-not $process.WaitForExit($TimeoutSeconds * 1000)) {
            $process.Kill($true)
            throw "The child pwsh did not finish within $TimeoutSeconds s."
        }
        $process.WaitForExit()
        [pscustomobject]@{ ExitCode = $process.ExitCode; Output = $stdout.Result; Error = $stderr.Result }
    }
    finally {
        $process.Dispose()
    }
}

# VectorOps.Emulators.dll as the last build left it (any configuration); builds the project when there is none.
function Get-EmulatorAssembly {
    $project = Join-Path (Get-VectorOpsRepoRoot) 'tests' 'VectorOps.Emulators'
    $find = {
        Get-ChildItem -LiteralPath (Join-Path $project 'bin') -Recurse -Filter 'VectorOps.Emulators.dll' -File -ErrorAction Ignore |
            Where-Object { Test-Path -LiteralPath ([System.IO.Path]::ChangeExtension($_.FullName, '.runtimeconfig.json')) } |
            Sort-Object -Property LastWriteTimeUtc -Descending |
            Select-Object -First 1
    }
    $dll = & $find
    if (-not $dll) {
        $log = & dotnet build $project --nologo --verbosity quiet 2>&1
        if ($LASTEXITCODE -ne 0) {
            throw "dotnet build $project failed (exit code $LASTEXITCODE):$([Environment]::NewLine)$($log -join [Environment]::NewLine)"
        }
        $dll = & $find
        if (-not $dll) { throw "dotnet build $project did not produce VectorOps.Emulators.dll." }
    }
    $dll.FullName
}

# Starts a loopback emulator (tests/VectorOps.Emulators) as a program on a free port. Its first stdout line is its
# URI; closing its stdin stops it (Stop-Emulator). Its stderr is not redirected: its few lines go to the console.
function Start-Emulator {
    param(
        [Parameter(Mandatory)] [string] $Name,
        [string[]] $ArgumentList = @(),
        [int] $TimeoutSeconds = 60
    )
    $psi = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($a in @((Get-EmulatorAssembly), $Name, '--port', '0') + $ArgumentList) { $psi.ArgumentList.Add([string] $a) }
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardInput = $true
    $psi.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($psi)
    $line = $null
    try {
        $read = $process.StandardOutput.ReadLineAsync()
        if (-not $read.Wait($TimeoutSeconds * 1000)) {
            throw "The $Name emulator wrote no URI within $TimeoutSeconds s."
        }
        $line = $read.Result
        $uri = $null
        if (-not $line -or -not [uri]::TryCreate($line.Trim(), [UriKind]::Absolute, [ref] $uri) -or $uri.Scheme -ne 'http') {
            $exit = if ($process.HasExited) { " (it exited with code $($process.ExitCode))" } else { '' }
            throw "The $Name emulator did not start$exit; its first line was '$line'."
        }
    }
    catch {
        Stop-Emulator -Process $process
        throw
    }
    [pscustomobject]@{ Process = $process; Uri = $uri }
}

# Stops an emulator started by Start-Emulator: closes its stdin, then kills it (and its children) if it lingers.
function Stop-Emulator {
    param([System.Diagnostics.Process] $Process)
    if (-not $Process) { return }
    try {
        if (-not $Process.HasExited) {
            try { $Process.StandardInput.Close() } catch { }
            if (-not $Process.WaitForExit(10000)) { $Process.Kill($true); $null = $Process.WaitForExit(10000) }
        }
    }
    finally {
        $Process.Dispose()
    }
}

# Kills a process started with Start-Process (and its children, e.g. node under prism.cmd) and waits for it.
function Stop-TestProcess {
    param([System.Diagnostics.Process] $Process)
    if (-not $Process) { return }
    try {
        if (-not $Process.HasExited) {
            $Process.Kill($true)
            $null = $Process.WaitForExit(10000)
        }
    }
    catch [System.InvalidOperationException] { }
    finally {
        $Process.Dispose()
    }
}

# A real PostgreSQL 18 with pgvector (PGlite, from tools/node_modules) for the PgVector tests. scripts/test.sh starts
# one for the whole run and exports its port in VECTOROPS_TEST_PG_PORT: then that one is used. Run alone, a server of
# this file's own is started on a free port with a fresh data directory; stop it with Stop-TestPgServer in AfterAll
# (by its process id; a server this file did not start is left alone). Returns Port, ConnectionString (no password:
# PGlite takes none), Process and DataDirectory (both $null for the run's server).
function Start-TestPgServer {
    param([int] $TimeoutSeconds = 120)
    $given = $env:VECTOROPS_TEST_PG_PORT
    $port = 0
    if ($given -and [int]::TryParse($given, [ref] $port)) {
        return [pscustomobject]@{ Port = $port; ConnectionString = (Get-TestPgConnectionString -Port $port); Process = $null; DataDirectory = $null }
    }
    $tools = Join-Path (Get-VectorOpsRepoRoot) 'tools'
    # tools/pglite-gated.js starts pglite-server and serves it one connection at a time (see the script for why).
    $server = Join-Path $tools 'node_modules' '.bin' ($(if ($IsWindows) { 'pglite-server.cmd' } else { 'pglite-server' }))
    $gate = Join-Path $tools 'pglite-gated.js'
    if (-not (Test-Path -LiteralPath $server)) {
        throw "pglite-server is not installed ($server): run 'npm ci' in $tools first."
    }
    $lastLog = ''
    foreach ($attempt in 1..3) {
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start()
        $port = $listener.LocalEndpoint.Port
        $listener.Stop()
        $data = Join-Path ([System.IO.Path]::GetTempPath()) ('vectorops-pglite-' + [guid]::NewGuid().ToString('N'))
        $psi = [System.Diagnostics.ProcessStartInfo]::new('node')
        foreach ($a in $gate, "--db=$data", '--host=127.0.0.1', "--port=$port", "--parent=$PID") {
            $psi.ArgumentList.Add($a)
        }
        $psi.WorkingDirectory = $tools
        $psi.UseShellExecute = $false
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $process = [System.Diagnostics.Process]::Start($psi)
        $out = $process.StandardOutput.ReadToEndAsync()
        $err = $process.StandardError.ReadToEndAsync()
        $started = [pscustomobject]@{ Port = $port; ConnectionString = (Get-TestPgConnectionString -Port $port); Process = $process; DataDirectory = $data }
        $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
        while ([DateTime]::UtcNow -lt $deadline -and -not $process.HasExited) {
            $client = [System.Net.Sockets.TcpClient]::new()
            try {
                $client.Connect([System.Net.IPAddress]::Loopback, $port)
                return $started
            }
            catch [System.Net.Sockets.SocketException], [System.Management.Automation.MethodInvocationException] {
                Start-Sleep -Milliseconds 200
            }
            finally {
                $client.Dispose()
            }
        }
        Stop-TestPgServer -Server $started
        $lastLog = if ($out.IsCompleted -and $err.IsCompleted) { $out.Result + $err.Result } else { '' }
        if ($lastLog -notmatch 'EADDRINUSE') { break }
    }
    throw "pglite-server did not start within $TimeoutSeconds s: $lastLog"
}

# The connection string of the test server on a port (no password: PGlite takes none; SSL off: it is loopback).
function Get-TestPgConnectionString {
    param([Parameter(Mandatory)] [int] $Port)
    "Host=127.0.0.1;Port=$Port;Database=postgres;Username=postgres;SSL Mode=Disable"
}

# Stops a server Start-TestPgServer started (by its process id) and removes its data directory; the run's server
# (no process) is left running.
function Stop-TestPgServer {
    param($Server)
    if (-not $Server -or -not $Server.Process) { return }
    Stop-TestProcess -Process $Server.Process
    if ($Server.DataDirectory -and (Test-Path -LiteralPath $Server.DataDirectory)) {
        Remove-Item -LiteralPath $Server.DataDirectory -Recurse -Force -ErrorAction Ignore
    }
}

# ---- Chroma (the real server from tools/node_modules) --------------------------------------------------------

# The Chroma server for a test file: the one scripts/test.sh started for the run (its port in
# $env:VECTOROPS_TEST_CHROMA_PORT), or one started here on a free loopback port with a temporary data folder.
# Returns Uri, Process (null when not started here) and DataDir; Stop-ChromaTestServer stops what was started here.
function Start-ChromaTestServer {
    param([int] $TimeoutSeconds = 60)
    $port = $env:VECTOROPS_TEST_CHROMA_PORT
    if ($port) {
        return [pscustomobject]@{ Uri = [uri] "http://127.0.0.1:$port/"; Process = $null; DataDir = $null }
    }
    $exe = Join-Path (Get-VectorOpsRepoRoot) 'tools' 'node_modules' '.bin' $(if ($IsWindows) { 'chroma.cmd' } else { 'chroma' })
    if (-not (Test-Path -LiteralPath $exe -PathType Leaf)) {
        throw "chroma is not installed (looked for $exe): cd $(Join-Path (Get-VectorOpsRepoRoot) 'tools') && npm ci"
    }
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { $port = $listener.LocalEndpoint.Port } finally { $listener.Stop() }
    $dir = Join-Path ([System.IO.Path]::GetTempPath()) ('vectorops-chroma-pester-' + [guid]::NewGuid().ToString('N'))
    $null = New-Item -ItemType Directory -Path $dir
    $process = Start-Process -FilePath $exe -ArgumentList @('run', '--path', $dir, '--host', '127.0.0.1', '--port', $port) -PassThru `
        -RedirectStandardOutput (Join-Path $dir 'server.out') -RedirectStandardError (Join-Path $dir 'server.err')
    $uri = [uri] "http://127.0.0.1:$port/"
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while ($true) {
        try {
            $null = Invoke-RestMethod -Uri ([uri]::new($uri, 'api/v2/heartbeat')) -TimeoutSec 2
            break
        }
        catch {
            if ($process.HasExited -or [DateTime]::UtcNow -gt $deadline) {
                Stop-TestProcess -Process $process
                throw "chroma did not answer on $uri within $TimeoutSeconds s: $_"
            }
            Start-Sleep -Milliseconds 200
        }
    }
    [pscustomobject]@{ Uri = $uri; Process = $process; DataDir = $dir }
}

# Stops a server Start-ChromaTestServer started (by its process id, with its children) and removes its data folder.
function Stop-ChromaTestServer {
    param($Server)
    if (-not $Server -or -not $Server.Process) { return }
    Stop-TestProcess -Process $Server.Process
    if ($Server.DataDir) { Remove-Item -LiteralPath $Server.DataDir -Recurse -Force -ErrorAction Ignore }
}

# A call to the Chroma server itself (not through VectorOps): seeding and reading in tests.
function Invoke-ChromaApi {
    param([Parameter(Mandatory)] $Server, [Parameter(Mandatory)] [string] $Path, [string] $Method = 'Get', $Body)
    $arguments = @{ Uri = [uri]::new($Server.Uri, $Path.TrimStart('/')); Method = $Method }
    if ($null -ne $Body) { $arguments.Body = ($Body | ConvertTo-Json -Depth 10 -Compress); $arguments.ContentType = 'application/json' }
    Invoke-RestMethod @arguments
}

# Starts the Weaviate emulator (one class, multi-tenant with the given tenants, properties genre/n/tags) as a program,
# stopped by its process (Stop-Emulator -Process). Returns Process, Uri and the class name.
function Start-WeaviateTestEmulator {
    param(
        [Parameter(Mandatory)] [string] $ApiKey,
        [string] $Class = 'Movies',
        [string[]] $Tenants = @('alpha', 'beta'),
        [int] $QueryMaximumResults = 10000
    )
    $e = Start-Emulator -Name weaviate -ArgumentList '--api-key', $ApiKey, '--class', $Class, '--multi-tenant', '--tenants', ($Tenants -join ','),
        '--query-maximum-results', $QueryMaximumResults
    $e | Add-Member -NotePropertyName Class -NotePropertyValue $Class -PassThru
}

# A test name as a UUID (Weaviate ids are UUIDs): the name's ASCII in hex, padded with zeros (as UuidIds in the xunit suite).
function ConvertTo-TestUuid {
    param([Parameter(Mandatory, ValueFromPipeline)] [string] $Name)
    process {
        $hex = -join ($Name.ToCharArray() | ForEach-Object { '{0:x2}' -f [int] $_ })
        $hex = $hex.PadRight(32, '0')
        '{0}-{1}-{2}-{3}-{4}' -f $hex.Substring(0, 8), $hex.Substring(8, 4), $hex.Substring(12, 4), $hex.Substring(16, 4), $hex.Substring(20, 12)
    }
}

# The Qdrant emulator (tests/VectorOps.Emulators/Qdrant) as a program on a free port, with one collection holding
# vectors of 4 and a keyword index on the namespace key; stop it with Stop-QdrantTestEmulator (by its process id).
function Start-QdrantTestEmulator {
    param(
        [Parameter(Mandatory)] [string] $ApiKey,
        [string] $Collection = 'docs',
        [string] $NamespaceKey = 'group_id'
    )
    $e = Start-Emulator -Name qdrant -ArgumentList '--api-key', $ApiKey, '--collection', $Collection, '--namespace-key', $NamespaceKey, '--dimension', '4'
    [pscustomobject]@{ Process = $e.Process; ProcessId = $e.Process.Id; Uri = $e.Uri; Collection = $Collection; NamespaceKey = $NamespaceKey }
}

function Stop-QdrantTestEmulator {
    param($Emulator)
    if (-not $Emulator) { return }
    $process = Get-Process -Id $Emulator.ProcessId -ErrorAction Ignore
    if ($process -and -not $process.HasExited) { Stop-Emulator -Process $Emulator.Process }
}
