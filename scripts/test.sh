#!/usr/bin/env bash
# Runs every test this machine can run and ends with one line: "N passed, N failed".
#   xunit (command layer, providers against loopback emulators behind Prism, CLI as a process, module folder)
#   and the Pester suite against the built module, on PowerShell 7.6 (a pinned .NET tool, restored here).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
results="$root/artifacts/test-results"
rm -rf "$results" && mkdir -p "$results"

# Prism (npm) validates the emulators' traffic against the vendors' API documents.
if [ ! -x tools/node_modules/.bin/prism ]; then
  (cd tools && npm ci --no-audit --no-fund --loglevel=error) || { echo "npm ci in tools/ failed"; echo "0 passed, 1 failed"; exit 1; }
fi

dotnet build VectorOps.sln -nologo -v q -clp:ErrorsOnly || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }
dotnet test VectorOps.sln --no-build -nologo --blame-hang-timeout 5m \
  --logger "trx;LogFilePrefix=xunit" --logger "console;verbosity=minimal" --results-directory "$results"
test_rc=$?

passed=0; failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
if [ "$test_rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; echo "dotnet test exited $test_rc"; fi

# Pester on a real PowerShell 7: the PowerShell .NET tool pinned in .config/dotnet-tools.json and the Pester
# module pinned in tools/powershell/Pester.csproj (a NuGet package whose tools/ folder is the module), both
# restored here, so a fresh machine with the .NET SDK needs nothing else. Tests that could not run count as failed.
pester_out="$results/pester.txt"
if dotnet tool restore >"$results/pwsh-restore.txt" 2>&1 &&
   dotnet restore tools/powershell/Pester.csproj -nologo -v q >>"$results/pwsh-restore.txt" 2>&1; then
  packages=$(dotnet nuget locals global-packages --list | sed -n 's/^global-packages: *//p')
  pester_version=$(sed -n 's/.*Include="Pester" Version="\[\([0-9.]*\)\]".*/\1/p' tools/powershell/Pester.csproj)
  modules="$root/artifacts/psmodules"
  rm -rf "$modules" && mkdir -p "$modules/Pester"
  cp -R "${packages%/}/pester/$pester_version/tools" "$modules/Pester/$pester_version"
  PSModulePath="$modules${PSModulePath:+:$PSModulePath}" \
    dotnet tool run pwsh -- -NoProfile -NonInteractive -File ./build.ps1 -Task Pester 2>&1 | tee "$pester_out"
  pp=$(sed -n 's/^Pester: \([0-9]*\) passed, \([0-9]*\) failed.*/\1/p' "$pester_out" | tail -n 1)
  pf=$(sed -n 's/^Pester: \([0-9]*\) passed, \([0-9]*\) failed.*/\2/p' "$pester_out" | tail -n 1)
  if [ -z "$pp" ]; then pf=1; pp=0; echo "Pester did not report"; fi
else
  cat "$results/pwsh-restore.txt"
  echo "PowerShell or Pester could not be restored: the Pester tests (tests/Pester) did not run."
  pp=0; pf=1
fi
passed=$((passed + pp)); failed=$((failed + pf))

# The failed tests by name, just above the last line, so a log cut to its tail still says what failed.
if [ "$failed" -ne 0 ]; then
  for trx in "$results"/*.trx; do
    [ -f "$trx" ] || continue
    grep -o '<UnitTestResult [^>]*outcome="Failed"[^>]*>' "$trx" | sed -n 's/.*testName="\([^"]*\)".*/failed (xunit): \1/p'
  done
  sed 's/\x1b\[[0-9;]*m//g' "$pester_out" 2>/dev/null | grep -E '^\s*\[-\]' | sed 's/^\s*/failed (Pester): /' | head -n 50
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
