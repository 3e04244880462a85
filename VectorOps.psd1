@{
    # The one place the version lives: Directory.Build.props reads ModuleVersion from here.
    # At the repository root this manifest (Import-Module ./VectorOps.psd1 after dotnet build) loads the binaries the
    # build assembled in the module folder, not a copy. The build writes the module folder's manifest from it: paths
    # relative to that folder and the binary as RootModule; everything else is the same text.
    NestedModules          = @('module/VectorOps/VectorOps.PowerShell.dll')
    ModuleVersion          = '0.1.0'
    CompatiblePSEditions   = @('Core', 'Desktop')
    GUID                   = '5d0f3c52-6a43-4b8e-9d2a-7f1e2c9b4a61'
    Author                 = 'VectorOps'
    CompanyName            = 'VectorOps'
    Copyright              = '(c) VectorOps. All rights reserved.'
    Description            = 'Delete and maintain records in vector databases (local SQLite store, Pinecone, Cloudflare Vectorize) safely and fast: previews, confirmation, batching, mutation objects.'
    PowerShellVersion      = '5.1'
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess       = @('module/VectorOps/VectorOps.format.ps1xml')
    CmdletsToExport        = @(
        'Add-VectorRecord'
        'Clear-VectorNamespace'
        'Connect-VectorIndex'
        'Disconnect-VectorIndex'
        'Get-VectorConnection'
        'Get-VectorIndex'
        'Get-VectorNamespace'
        'Get-VectorRecord'
        'Remove-VectorConnection'
        'Remove-VectorRecord'
        'Restore-VectorRecord'
        'Save-VectorConnection'
        'Wait-VectorMutation'
    )
    FunctionsToExport      = @()
    VariablesToExport      = @()
    AliasesToExport        = @()
    PrivateData            = @{
        PSData = @{
            Tags       = @('Vector', 'Pinecone', 'Vectorize', 'SQLite', 'Embeddings', 'Delete')
            ProjectUri = 'https://example.invalid/vectorops'
        }
    }
}
