#!/usr/bin/env bash
# Runs every test this machine can run and ends with one line: "N passed, N failed".
#   xunit (command layer, providers against loopback emulators behind Prism, CLI as a process, module folder)
#   and the Pester suite against the built module, on PowerShell 7.6 (a pinned .NET tool, restored here).
# CI runs this (.ci/run), and so does `./build.ps1 -Task Test`: one list of steps, one result line.
# VECTOROPS_CONFIGURATION=Release builds and tests the Release configuration (default Debug).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
config="${VECTOROPS_CONFIGURATION:-Debug}"
case "$config" in Debug|Release) ;; *) echo "VECTOROPS_CONFIGURATION must be Debug or Release, not '$config'"; echo "0 passed, 1 failed"; exit 1;; esac
results="$root/artifacts/test-results"
rm -rf "$results" && mkdir -p "$results"

# Prism (npm) validates the emulators' traffic against the vendors' API documents; PGlite (npm) is a real PostgreSQL
# with pgvector for the PgVector provider's tests; chroma (npm chromadb) is the real Chroma server.
if [ ! -x tools/node_modules/.bin/prism ] || [ ! -x tools/node_modules/.bin/pglite-server ] || [ ! -x tools/node_modules/.bin/chroma ]; then
  (cd tools && npm ci --no-audit --no-fund --loglevel=error) || { echo "npm ci in tools/ failed"; echo "0 passed, 1 failed"; exit 1; }
fi

dotnet build VectorOps.sln -c "$config" -nologo -v q -clp:ErrorsOnly || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }

# ONE PGlite server (PostgreSQL 18 + pgvector) for the whole run, on 127.0.0.1 and a free port: xunit
# (PgLiteServer.Shared) and Pester (Get-TestPgConnectionString) find it through VECTOROPS_TEST_PG_PORT. Stopped by
# its process id on every way out of this script (the trap). PGlite serves one query at a time, so the tests keep
# apart by table names. If it cannot start, the variable stays unset and each test process starts its own.
pg_pid=""; pg_data=""; pg_log=""
stop_pglite() {
  if [ -n "$pg_pid" ]; then
    kill "$pg_pid" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$pg_pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pg_pid" 2>/dev/null
    wait "$pg_pid" 2>/dev/null
    pg_pid=""
  fi
  [ -n "$pg_data" ] && rm -rf "$pg_data"
  pg_data=""
}
# One real Chroma server (npm chromadb, tools/) for the whole run, shared by xunit and Pester through
# VECTOROPS_TEST_CHROMA_PORT; a temporary data folder; stopped by its process id on every way out (the traps below).
# If it does not start, the tests start their own.
chroma_pid=""; chroma_dir=""
stop_chroma() {
  if [ -n "$chroma_pid" ]; then kill "$chroma_pid" 2>/dev/null; wait "$chroma_pid" 2>/dev/null; chroma_pid=""; fi
  if [ -n "$chroma_dir" ]; then rm -rf "$chroma_dir"; chroma_dir=""; fi
}
stop_servers() { stop_pglite; stop_chroma; }
trap stop_servers EXIT
trap 'stop_servers; exit 130' INT
trap 'stop_servers; exit 143' TERM
start_pglite() {
  local port attempt waited
  for attempt in 1 2 3; do
    port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})') || return 1
    pg_data=$(mktemp -d "${TMPDIR:-/tmp}/vectorops-pglite-XXXXXX")
    pg_log="$results/pglite.txt"
    # exec: the process id kept is the server's own (node), not a shell's.
    # pglite-gated.js starts pglite-server and serves it one connection at a time (see the script for why).
    (cd tools && exec node pglite-gated.js --db="$pg_data" --host=127.0.0.1 --port="$port") >"$pg_log" 2>&1 </dev/null &
    pg_pid=$!
    for waited in $(seq 1 600); do
      kill -0 "$pg_pid" 2>/dev/null || break
      if grep -qi listening "$pg_log" && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        export VECTOROPS_TEST_PG_PORT="$port"
        echo "PGlite (PostgreSQL + pgvector) listening on 127.0.0.1:$port, process $pg_pid"
        return 0
      fi
      sleep 0.2
    done
    stop_pglite
    grep -q EADDRINUSE "$pg_log" || break
  done
  echo "PGlite did not start (log: $pg_log); the PgVector tests start servers of their own."
  return 1
}
unset VECTOROPS_TEST_PG_PORT
start_pglite

unset VECTOROPS_TEST_CHROMA_PORT
chroma_port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})' 2>/dev/null)
if [ -n "$chroma_port" ] && [ -x tools/node_modules/.bin/chroma ]; then
  chroma_dir=$(mktemp -d "${TMPDIR:-/tmp}/vectorops-chroma-run-XXXXXX")
  ANONYMIZED_TELEMETRY=False tools/node_modules/.bin/chroma run --path "$chroma_dir" --host 127.0.0.1 --port "$chroma_port" >"$results/chroma.log" 2>&1 </dev/null &
  chroma_pid=$!
  for _ in $(seq 1 150); do
    if node -e "fetch('http://127.0.0.1:$chroma_port/api/v2/heartbeat').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" 2>/dev/null; then
      export VECTOROPS_TEST_CHROMA_PORT="$chroma_port"; break
    fi
    sleep 0.2
  done
  [ -n "${VECTOROPS_TEST_CHROMA_PORT:-}" ] || echo "chroma did not start (see $results/chroma.log): the tests start their own"
fi
dotnet test VectorOps.sln -c "$config" --no-build -nologo --blame-hang-timeout 5m \
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
    dotnet tool run pwsh -- -NoProfile -NonInteractive -File ./build.ps1 -Task Pester -Configuration "$config" 2>&1 | tee "$pester_out"
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
