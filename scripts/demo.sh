#!/usr/bin/env bash
# The main job, end to end on the embedded local store (no account needed):
#   build the CLI, load the sample data, preview a delete (-WhatIf), run it, show the mutations and what is left.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
store="${VECTOROPS_DEMO_STORE:-$root/artifacts/demo/vectors.db}"
mkdir -p "$(dirname "$store")"
backup="$(dirname "$store")/backup.jsonl"
# A fresh store and backup each run (a backup file is appended to, so an old one would double its count).
rm -f "$store" "$store-wal" "$store-shm" "$backup"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

# Only what this script runs: the CLI (and the core and providers it references), not the module or the tests.
step "Build the CLI"
dotnet build src/VectorOps.Cli/VectorOps.Cli.csproj -c Debug -nologo -v q -clp:ErrorsOnly
cli=(dotnet "$root/src/VectorOps.Cli/bin/Debug/net10.0/vectorops.dll" --path "$store" --index demo)

step "Load the sample data (samples/records.jsonl) into a new index 'demo' of $store (--create: made here, never by a typo)"
"${cli[@]}" --create add --path samples/records.jsonl --yes > /dev/null
"${cli[@]}" namespaces

filter='{"tenant":"acme","year":{"$lt":2022}}'
step "Preview: delete records of tenant acme older than 2022 from 'articles' (what-if: nothing is deleted)"
"${cli[@]}" remove --namespace articles --filter "$filter" --what-if | tail -n 8

step "Delete them, with a backup (--yes confirms the batch, --force answers the count question: the count was shown above)"
"${cli[@]}" remove --namespace articles --filter "$filter" --yes --force --backup "$backup"

step "Delete by id prefix in 'support', then by ids"
"${cli[@]}" remove --namespace support --prefix "tenant-globex#" --yes --force
"${cli[@]}" remove --namespace products --id sku-shoes-0001 --id sku-shoes-0002 --yes

step "What is left"
"${cli[@]}" namespaces
echo
echo "Backup of the filter delete: $backup ($(wc -l < "$backup") records); restore with: vectorops restore --path <file> --yes"
