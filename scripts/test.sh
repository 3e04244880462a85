#!/usr/bin/env bash
# Runs every test this machine can run and ends with one line: "N passed, N failed".
#   xunit (command layer, providers against loopback emulators behind Prism, CLI as a process, module folder)
#   and, where PowerShell 7 is installed, the Pester suite against the built module.
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

if command -v pwsh >/dev/null 2>&1; then
  pester_out="$results/pester.txt"
  pwsh -NoProfile -NonInteractive -File ./build.ps1 -Task Pester 2>&1 | tee "$pester_out"
  pp=$(sed -n 's/^Pester: \([0-9]*\) passed, \([0-9]*\) failed.*/\1/p' "$pester_out" | tail -n 1)
  pf=$(sed -n 's/^Pester: \([0-9]*\) passed, \([0-9]*\) failed.*/\2/p' "$pester_out" | tail -n 1)
  if [ -z "$pp" ]; then pf=1; pp=0; echo "Pester did not report"; fi
  passed=$((passed + pp)); failed=$((failed + pf))
else
  echo "pwsh not installed: Pester tests (tests/Pester) not run on this machine."
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
