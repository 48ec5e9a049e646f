#!/usr/bin/env bash
# The README's test command (`npm test`): on a fresh clone it installs what is missing, makes a
# Docker engine answer, and runs every jest project (unit, integration, e2e). Extra arguments
# go to jest (e.g. `npm test -- --selectProjects unit`).
#
# REQUIRE_DOCKER=1 (set by CI) makes a missing engine a failure instead of skipping the
# engine-backed tests.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
bash scripts/ensure-tools.sh

if host=$(bash scripts/docker-engine.sh); then
  export DOCKER_HOST="$host"
  echo "test: Docker engine at $DOCKER_HOST" >&2
elif [ "${REQUIRE_DOCKER:-}" = 1 ]; then
  echo "test: REQUIRE_DOCKER=1 but no Docker engine answers" >&2
  exit 1
else
  echo "test: no Docker engine; engine-backed tests will be SKIPPED" >&2
fi

export NODE_OPTIONS="--experimental-vm-modules ${NODE_OPTIONS:-}"
export NODE_NO_WARNINGS=1
exec node_modules/.bin/jest --coverage "$@"
