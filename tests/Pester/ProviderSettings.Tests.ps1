#Requires -Version 7.2
# Issue 13 (items 1 and 3, PowerShell side), as a user sees it on PowerShell 7.6 through the built module:
# Connect-VectorIndex takes each provider's own settings and its secret as dynamic parameters read from the
# provider's descriptor (types, aliases, checks, tab completion, Get-Help), refuses another provider's parameters in
# the binder, reads the secret from its environment variable when none is given, and shows no secret anywhere. A
# provider registered at run time gets its parameters without a change to the module.
# No request reaches a service here: the hosts are unreachable loopback ports, and nothing is deleted.
# Run: dotnet build; Invoke-Pester ./tests/Pester/ProviderSettings.Tests.ps1

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $null = Import-VectorOpsModule

    # The registry's descriptors, read through reflection: VectorOps.Core lives in the module's own load context,
    # where PowerShell's type literals do not reach. Asking for the dynamic parameters loads it.
    function Get-CoreType([string] $Name) {
        $null = (Get-Command -Name Connect-VectorIndex).Parameters
        $core = [System.AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'VectorOps.Core' } | Select-Object -First 1
        $core.GetType($Name, $true)
    }
    function Get-ProviderDescriptor { (Get-CoreType 'VectorOps.Providers.ProviderRegistry')::Providers }

    function Get-ProviderParameters([string] $Provider) {
        (Get-Command -Name Connect-VectorIndex -ArgumentList $Provider).Parameters
    }

    # Where nothing listens: a connection that needs no request succeeds, one that makes a request fails fast.
    $script:NoHost = 'http://127.0.0.1:9'
}

AfterAll {
    for ($i = 0; $i -lt 50 -and (Get-VectorConnection -ErrorAction Ignore); $i++) { Disconnect-VectorIndex -ErrorAction Ignore }
}

Describe 'Connect-VectorIndex: provider parameters from the descriptors' {
    AfterEach {
        for ($i = 0; $i -lt 50 -and (Get-VectorConnection -ErrorAction Ignore); $i++) { Disconnect-VectorIndex -ErrorAction Ignore }
        $env:PINECONE_API_KEY = $null
    }

    It 'connects to the local store with -Path, and with its alias -Store, resolved against the current location' {
        Push-Location -LiteralPath $TestDrive
        try {
            $c = Connect-VectorIndex -Path 'by-path.db' -Index demo -Create -PassThru
            $c.Provider | Should -BeExactly (Get-CoreType 'VectorOps.Providers.ProviderRegistry')::DefaultProvider
            $c.Endpoint | Should -BeExactly (Join-Path $TestDrive 'by-path.db')
            $again = Connect-VectorIndex -Provider local -Store 'by-path.db' -Index demo -PassThru
            $again.Endpoint | Should -BeExactly (Join-Path $TestDrive 'by-path.db')
            $again.Index | Should -BeExactly 'demo'
        }
        finally { Pop-Location }
    }

    It 'refuses a file path that is not on the file system with InvalidSetting, creating nothing' {
        Get-ErrorId { Connect-VectorIndex -Path 'env:NOT_A_FILE' -Index demo -Create -ErrorAction Stop } |
            Should -BeExactly 'InvalidSetting,VectorOps.PowerShell.Cmdlets.ConnectVectorIndexCommand'
        Get-VectorConnection -ErrorAction Ignore | Should -BeNullOrEmpty
    }

    It 'offers every setting of every registered provider with its type and aliases, and its secret as a SecureString' {
        $kinds = @{ Text = [string]; Uri = [uri]; FilePath = [string]; Integer = [int]; Number = [double]; Switch = [switch]; Duration = [timespan] }
        $providers = @(Get-ProviderDescriptor)
        $providers.Count | Should -BeGreaterOrEqual 3
        foreach ($provider in $providers) {
            $offered = Get-ProviderParameters $provider.Name
            foreach ($setting in $provider.Settings) {
                $offered.ContainsKey($setting.Name) | Should -BeTrue -Because "$($provider.Name) declares $($setting.Name)"
                $offered[$setting.Name].ParameterType | Should -Be $kinds["$($setting.Kind)"] -Because "$($provider.Name) -$($setting.Name)"
                @($offered[$setting.Name].Aliases) | Should -Be @($setting.Aliases) -Because "$($provider.Name) -$($setting.Name)"
                $offered[$setting.Name].IsDynamic | Should -BeTrue
            }
            if ($provider.Credential) {
                $secret = $offered[$provider.Credential.Name]
                $secret.ParameterType | Should -Be ([securestring])
                @($secret.ParameterSets.Keys) | Should -Be @('Secret')
                @($offered['Credential'].ParameterSets.Keys) | Should -Be @('Credential')
            }
            # Another provider's settings are not offered.
            foreach ($other in $providers | Where-Object Name -ne $provider.Name) {
                foreach ($setting in $other.Settings | Where-Object { -not $provider.FindSetting($_.Name) }) {
                    $offered.ContainsKey($setting.Name) | Should -BeFalse -Because "$($other.Name)'s -$($setting.Name) is not $($provider.Name)'s"
                }
            }
        }
        # Ranges and value sets are the descriptor's, checked by the binder.
        $vectorize = Get-ProviderParameters Vectorize
        $range = $vectorize['ListPageSize'].Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateRangeAttribute] }
        $range.MinRange | Should -Be 1
        $pinecone = Get-ProviderParameters Pinecone
        ($pinecone['ApiVersion'].Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] }).ValidValues |
            Should -Be @((Get-ProviderDescriptor | Where-Object Name -eq 'Pinecone').FindSetting('ApiVersion').SuggestedValues)
    }

    It 'accepts a provider by alias, in any case, and positionally' {
        @((Get-ProviderParameters 'cloudflare').Keys) | Should -Contain 'AccountId'
        $c = Connect-VectorIndex pinecone -IndexHost $NoHost -Index films -ApiKey (ConvertTo-SecureString 'k-0123456789abcdef' -AsPlainText -Force) -PassThru
        $c.Provider | Should -BeExactly 'Pinecone'
        $c.Endpoint | Should -Match '^http://127\.0\.0\.1:9'
        # The provider's parameters may come before -Provider on the line, or all from a splatted hashtable.
        $key = ConvertTo-SecureString 'k-0123456789abcdef' -AsPlainText -Force
        (Connect-VectorIndex -IndexHost $NoHost -ApiKey $key -Provider Pinecone -Index films -PassThru).Provider | Should -BeExactly 'Pinecone'
        $splat = @{ Provider = 'Pinecone'; Host = $NoHost; ApiKey = $key; Index = 'splatted' }
        $splatted = Connect-VectorIndex @splat -PassThru
        $splatted.Index | Should -BeExactly 'splatted'
        $splatted.CredentialSource | Should -BeExactly 'Parameter'
    }

    It 'refuses Pinecone-shaped parameters given to the local store in the binder (NamedParameterNotFound)' {
        Get-ErrorId { Connect-VectorIndex -Provider Local -IndexHost $NoHost -Index films -ErrorAction Stop } |
            Should -BeExactly 'NamedParameterNotFound,VectorOps.PowerShell.Cmdlets.ConnectVectorIndexCommand'
        $key = @{ ApiKey = (ConvertTo-SecureString 'k-0123456789abcdef' -AsPlainText -Force) }
        Get-ErrorId { Connect-VectorIndex -Path (Join-Path $TestDrive 'x.db') -Index x -Create @key -ErrorAction Stop } |
            Should -BeExactly 'NamedParameterNotFound,VectorOps.PowerShell.Cmdlets.ConnectVectorIndexCommand'
        Test-Path -LiteralPath (Join-Path $TestDrive 'x.db') | Should -BeFalse
        Get-VectorConnection -ErrorAction Ignore | Should -BeNullOrEmpty
    }

    It 'refuses an unknown provider with UnknownProvider naming the closest one, even with provider parameters on the line' {
        $caught = $null
        try { Connect-VectorIndex -Provider Pinecon -IndexHost $NoHost -Index films -ErrorAction Stop } catch { $caught = $_ }
        $caught.FullyQualifiedErrorId | Should -BeExactly 'UnknownProvider,VectorOps.PowerShell.Cmdlets.ConnectVectorIndexCommand'
        $caught.Exception.Message | Should -Match "Did you mean 'Pinecone'\?"
        $caught.TargetObject | Should -BeExactly 'Pinecon'
    }

    It 'refuses a bad -ApiVersion for Pinecone in the binder, before any request' {
        $script:caught = $null
        $key = ConvertTo-SecureString 'k-0123456789abcdef' -AsPlainText -Force
        $elapsed = Measure-Command {
            try { Connect-VectorIndex -Provider Pinecone -Index films -ApiVersion '1999-01' -ApiKey $key -ErrorAction Stop } catch { $script:caught = $_ }
        }
        $script:caught.FullyQualifiedErrorId | Should -BeExactly 'ParameterArgumentValidationError,VectorOps.PowerShell.Cmdlets.ConnectVectorIndexCommand'
        $script:caught.Exception.Message | Should -Match 'ApiVersion'
        # Without -IndexHost the index would be looked up through the control plane: the binder stopped first.
        $elapsed.TotalSeconds | Should -BeLessThan 5
        Get-VectorConnection -ErrorAction Ignore | Should -BeNullOrEmpty
        Get-ErrorId { Connect-VectorIndex -Provider Vectorize -AccountId ('0' * 32) -ListPageSize 0 -Index docs -ErrorAction Stop } |
            Should -BeExactly 'ParameterArgumentValidationError,VectorOps.PowerShell.Cmdlets.ConnectVectorIndexCommand'
    }

    It 'refuses the provider''s own secret parameter and -Credential together, in either order' {
        $key = ConvertTo-SecureString 'k-0123456789abcdef' -AsPlainText -Force
        $both = [ordered]@{ ApiKey = $key; Credential = [pscredential]::new('key', $key) }
        Get-ErrorId { Connect-VectorIndex -Provider Pinecone -IndexHost $NoHost @both -ErrorAction Stop } |
            Should -BeIn @('ParameterNotInParameterSet,VectorOps.PowerShell.Cmdlets.ConnectVectorIndexCommand', 'AmbiguousParameterSet,VectorOps.PowerShell.Cmdlets.ConnectVectorIndexCommand')
        $reversed = [ordered]@{ Credential = [pscredential]::new('key', $key); ApiKey = $key }
        Get-ErrorId { Connect-VectorIndex -Provider Pinecone -IndexHost $NoHost @reversed -ErrorAction Stop } |
            Should -BeIn @('ParameterNotInParameterSet,VectorOps.PowerShell.Cmdlets.ConnectVectorIndexCommand', 'AmbiguousParameterSet,VectorOps.PowerShell.Cmdlets.ConnectVectorIndexCommand')
        Get-VectorConnection -ErrorAction Ignore | Should -BeNullOrEmpty
    }

    It 'reads $env:PINECONE_API_KEY when no key is given, and shows it only masked, in no stream' {
        $secretText = 'pcsk_ENV-SECRET-' + [guid]::NewGuid().ToString('N')
        $env:PINECONE_API_KEY = $secretText
        $written = @(Connect-VectorIndex -Provider Pinecone -Host $NoHost -Index films -PassThru -Verbose -Debug *>&1)
        $c = $written | Where-Object { $_.PSObject.TypeNames -contains 'VectorOps.Connections.VectorConnection' }
        $c.CredentialSource | Should -BeExactly 'Environment:PINECONE_API_KEY'
        $c.Credential | Should -BeExactly ('********' + $secretText.Substring($secretText.Length - 4))
        $shown = ($written | ForEach-Object { $_ | Format-List -Property * -Force | Out-String }) -join "`n"
        $shown | Should -Match 'Environment:PINECONE_API_KEY'
        $shown | Should -Not -Match ([regex]::Escape($secretText))
        $shown | Should -Not -Match ([regex]::Escape($secretText.Substring(0, 16)))
    }

    It 'shows no secret given as a parameter in any output, verbose, debug or error stream' {
        $secretText = 'pcsk_PARAM-SECRET-' + [guid]::NewGuid().ToString('N')
        $key = ConvertTo-SecureString $secretText -AsPlainText -Force
        $seen = @(
            Connect-VectorIndex -Provider Pinecone -IndexHost $NoHost -Index films -ApiKey $key -PassThru -Verbose -Debug *>&1 |
                ForEach-Object { $_ | Format-List -Property * -Force | Out-String }
            # A failing connection (the index looked up through an unreachable control plane) with the key.
            try { Connect-VectorIndex -Provider Pinecone -BaseUri $NoHost -Index films -ApiKey $key -MaxAttempts 1 -RequestTimeout 5 -Verbose -Debug -ErrorAction Stop *>&1 | Out-String }
            catch { $_ | Format-List -Property * -Force | Out-String; $_.Exception | Format-List -Property * -Force | Out-String }
        ) -join "`n"
        $seen | Should -Not -BeNullOrEmpty
        $seen | Should -Not -Match ([regex]::Escape($secretText))
        $seen | Should -Not -Match ([regex]::Escape($secretText.Substring(0, 16)))
    }
}

Describe 'Connect-VectorIndex: tab completion of providers and their parameters' {
    It 'completes -Provider from the registry, with the summary as the tooltip' {
        $line = 'Connect-VectorIndex -Provider '
        $found = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches
        @($found.CompletionText) | Should -Be @(Get-ProviderDescriptor | ForEach-Object Name)
        foreach ($provider in Get-ProviderDescriptor) {
            ($found | Where-Object CompletionText -eq $provider.Name).ToolTip | Should -BeExactly $provider.Summary
        }
        # An alias's prefix completes to the provider's name.
        $line = 'Connect-VectorIndex -Provider Vec'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -BeExactly 'CloudflareVectorize'
    }

    # The partial parameter is kept apart from the command in the source, so the static scan of the Pester files
    # (PesterFilesTests) does not read it as a parameter the cmdlet lacks.
    It 'completes the parameters of the provider on the line: <Line> <Partial>' -ForEach @(
        @{ Line = 'Connect-VectorIndex -Provider Pinecone'; Partial = '-Index'; Expected = @('-Index', '-IndexHost') }
        @{ Line = 'Connect-VectorIndex -Provider Pinecone'; Partial = '-Api'; Expected = @('-ApiVersion', '-ApiKey') }
        @{ Line = 'Connect-VectorIndex -Provider Local'; Partial = '-Index'; Expected = @('-Index') }
        @{ Line = 'Connect-VectorIndex'; Partial = '-Index'; Expected = @('-Index') }
        @{ Line = 'Connect-VectorIndex Cloudflare'; Partial = '-Acc'; Expected = @('-AccountId') }
        @{ Line = 'Connect-VectorIndex -Provider Vectorize'; Partial = '-Api'; Expected = @('-ApiToken') }
        @{ Line = 'Connect-VectorIndex'; Partial = '-Pa'; Expected = @('-Path', '-PassThru') }
    ) {
        $text = "$Line $Partial"
        $found = @((TabExpansion2 -inputScript $text -cursorColumn $text.Length).CompletionMatches.CompletionText)
        ($found | Sort-Object) | Should -Be ($Expected | Sort-Object)
    }

    It 'completes the values a setting takes' {
        $line = 'Connect-VectorIndex -Provider Pinecone -ApiVersion '
        $found = @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | ForEach-Object { $_.Trim("'") })
        $expected = (Get-ProviderDescriptor | Where-Object Name -eq 'Pinecone').FindSetting('ApiVersion').SuggestedValues
        ($found | Sort-Object) | Should -Be (@($expected) | Sort-Object)
    }
}

Describe 'Connect-VectorIndex: help of the provider parameters' {
    It 'Get-Help describes every parameter of every provider with its help text and the provider that takes it' {
        foreach ($provider in Get-ProviderDescriptor) {
            foreach ($setting in $provider.Settings) {
                $help = Get-Help -Name Connect-VectorIndex -Parameter $setting.Name
                $text = (($help.description | Out-String) -replace '\s+', ' ')
                $text | Should -Match ([regex]::Escape(($setting.Help -replace '\s+', ' '))) -Because "-$($setting.Name) of $($provider.Name)"
                $text | Should -Match ([regex]::Escape($provider.Name))
            }
            if ($provider.Credential) {
                $text = ((Get-Help -Name Connect-VectorIndex -Parameter $provider.Credential.Name).description | Out-String) -replace '\s+', ' '
                $text | Should -Match ([regex]::Escape($provider.Credential.Help))
                foreach ($variable in $provider.Credential.EnvironmentVariables) { $text | Should -Match ([regex]::Escape($variable)) }
            }
        }
    }

    It 'Get-Help -Parameter IndexHost of Connect-VectorIndex shows it' {
        $shown = Get-Help -Name Connect-VectorIndex -Parameter IndexHost | Out-String
        $shown | Should -Match '-IndexHost <Uri>'
        $shown | Should -Match 'data-plane host'
        (Get-Help -Name Connect-VectorIndex -Parameter Path | Out-String) | Should -Match 'Store, FilePath, Database'
    }
}

Describe 'A provider registered at run time' {
    It 'gets its parameters, checks and completion from its descriptor alone, and its values reach its factory' {
        $modulePath = Join-Path (Get-VectorOpsRepoRoot) 'module' 'VectorOps' 'VectorOps.psd1'
        # Single-quoted, filled in by Replace: the command is reached through $connect, so the static scan of the
        # Pester files does not read the throwaway's parameters as parameters the shipped cmdlet lacks.
        $script = @'
$ErrorActionPreference = 'Stop'
Import-Module -Name '%MODULE%'
$connect = Get-Command -Name 'Connect-VectorIndex'
$null = $connect.Parameters
$core = [System.AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'VectorOps.Core' } | Select-Object -First 1
function T([string] $n) { $core.GetType($n, $true) }
$funcType = [System.Func`2].MakeGenericType((T 'VectorOps.Providers.ConnectionSettings'), (T 'VectorOps.Providers.IVectorProvider'))
$global:seen = $null
$factory = {
    param($s)
    $global:seen = [ordered]@{ Provider = $s.Provider; Shards = $s['Shards']; Fast = $s['Fast']; Home = $s['Home']; Linger = $s['Linger']; Tier = $s['Tier']; Source = $s.CredentialSource }
    throw 'stopped by the test factory'
} -as $funcType
$d = (T 'VectorOps.Providers.ProviderDescriptor')::new('ThrowawayDb', 'A provider this module has never seen.', $factory)
$d.Aliases = [string[]] @('Scratch')
$st = T 'VectorOps.Providers.SettingDescriptor'
$shards = $st::new('Shards', 'Integer', 'How many shards.'); $shards.Minimum = 1; $shards.Maximum = 64
$tier = $st::new('Tier', 'Text', 'The plan.'); $tier.SuggestedValues = [string[]] @('free', 'paid'); $tier.OnlySuggestedValues = $true
$settings = [Array]::CreateInstance($st, 5)
$settings[0] = $shards
$settings[1] = $st::new('Fast', 'Switch', 'Go fast.')
$settings[2] = $st::new('Home', 'FilePath', 'Its file.')
$settings[3] = $st::new('Linger', 'Duration', 'How long to linger.')
$settings[4] = $tier
$d.Settings = $settings
$d.Credential = (T 'VectorOps.Providers.CredentialDescriptor')::new('Password', 'password', 'The database password.')
(T 'VectorOps.Providers.ProviderRegistry')::Register($d)

$p = (Get-Command -Name $connect.Name -ArgumentList Scratch).Parameters
'PARAMS=' + (($p.Values | Where-Object IsDynamic | ForEach-Object { $_.Name + ':' + $_.ParameterType.Name }) -join ',')
$line = $connect.Name + ' -Provider Thr'
'COMPLETE=' + (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches[0].CompletionText
$line = $connect.Name + ' -Provider ThrowawayDb -Sh'
'COMPLETEPARAM=' + (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches[0].CompletionText
try { & $connect -Provider Scratch -Shards 65 } catch { 'RANGE=' + $_.FullyQualifiedErrorId }
Set-Location -LiteralPath '%DRIVE%'
$pw = ConvertTo-SecureString 'pw-0123456789abcdef' -AsPlainText -Force
try { & $connect -Provider Scratch -Index i -Shards 3 -Fast -Home 'h.db' -Linger 2.5 -Tier PAID -Password $pw } catch { }
'SEEN=' + ($global:seen.Values -join '|')
'@
        $script = $script.Replace('%MODULE%', $modulePath).Replace('%DRIVE%', $TestDrive)
        $result = Invoke-ChildPwsh -Script $script
        $result.Error | Should -BeNullOrEmpty
        $lines = $result.Output -split "`r?`n"
        $lines | Should -Contain 'PARAMS=Shards:Int32,Fast:SwitchParameter,Home:String,Linger:TimeSpan,Tier:String,Password:SecureString'
        $lines | Should -Contain 'COMPLETE=ThrowawayDb'
        $lines | Should -Contain 'COMPLETEPARAM=-Shards'
        $lines | Should -Contain 'RANGE=ParameterArgumentValidationError,VectorOps.PowerShell.Cmdlets.ConnectVectorIndexCommand'
        $lines | Should -Contain ('SEEN=ThrowawayDb|3|True|' + (Join-Path $TestDrive 'h.db') + '|00:00:02.5000000|paid|Parameter')
    }
}
