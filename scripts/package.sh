#!/usr/bin/env bash
# Writes the two packages to artifacts/ (or the folder given as $1), from bash: the build.ps1 Package task on the
# PowerShell 7.6 pinned in .config/dotnet-tools.json (restored here, so only the .NET SDK is needed).
#   artifacts/VectorOps.<version>.nupkg      the module (Install-PSResource VectorOps from a folder repository)
#   artifacts/VectorOps.Cli.<version>.nupkg  the CLI as a .NET tool (dotnet tool install VectorOps.Cli: vectorops)
# Builds Release first; VECTOROPS_CONFIGURATION=Debug packs the Debug build instead.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
dotnet tool restore >/dev/null
args=(-Task Package -Configuration "${VECTOROPS_CONFIGURATION:-Release}")
[ $# -gt 0 ] && args+=(-OutputPath "$1")
exec dotnet tool run pwsh -- -NoLogo -NoProfile -NonInteractive -File ./build.ps1 "${args[@]}"
