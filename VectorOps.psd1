@{
    # The one place the version lives: Directory.Build.props reads ModuleVersion from here.
    # At the repository root this manifest (Import-Module ./VectorOps.psd1 after dotnet build) loads the binaries the
    # build assembled in the module folder, not a copy. The build writes the module folder's manifest from it: paths
    # relative to that folder and the binary as RootModule; everything else is the same text.
    NestedModules          = @('module/VectorOps/VectorOps.PowerShell.dll')
    ModuleVersion          = '0.3.0'
    CompatiblePSEditions   = @('Core', 'Desktop')
    GUID                   = '5d0f3c52-6a43-4b8e-9d2a-7f1e2c9b4a61'
    Author                 = 'VectorOps contributors'
    CompanyName            = 'VectorOps contributors'
    Copyright              = '(c) 2026 VectorOps contributors. MIT License.'
    # No list of providers here (it would go stale): Connect-VectorIndex -Provider <Tab> lists them, as does the README.
    Description            = 'Delete and maintain records in vector databases safely and fast: an embedded local store and vector database services behind one set of cmdlets (and the vectorops CLI), with previews (-WhatIf), a count and a question before filter and prefix deletes, backups before deletes, batching, and a mutation object for every batch that failed batches can be retried from.'
    PowerShellVersion      = '5.1'
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess       = @('module/VectorOps/VectorOps.format.ps1xml')
    CmdletsToExport        = @(
        'Add-VectorRecord'
        'Clear-VectorNamespace'
        'Connect-VectorIndex'
        'Copy-VectorRecord'
        'Disconnect-VectorIndex'
        'Export-VectorRecord'
        'Get-VectorConnection'
        'Get-VectorIndex'
        'Get-VectorNamespace'
        'Get-VectorRecord'
        'Move-VectorRecord'
        'Remove-VectorConnection'
        'Remove-VectorOrphan'
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
            # No ProjectUri, LicenseUri or IconUri: there is no such URL. The licence travels in the package as the
            # LICENSE file (the build copies it into the module folder; the package's nuspec names it).
            Tags         = @('Vector', 'VectorDatabase', 'Embeddings', 'RAG', 'Delete', 'Cleanup', 'PSEdition_Core', 'PSEdition_Desktop', 'Windows', 'Linux', 'MacOS')
            # The build writes CHANGELOG.md's newest section here in the module folder's manifest (and so in the package).
            ReleaseNotes = ''
        }
    }
}
