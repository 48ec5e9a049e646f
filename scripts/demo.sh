#!/usr/bin/env bash
# `npm run demo`: the seed story on a real Docker engine, offline.
#
# A Python web app image built twice from the same sources:
#   bloated  Debian base + build toolchain, apt lists and pip's cache left in
#   fixed    multistage: the toolchain stays in a builder stage, -slim runtime base
# then the bundled CLI (dist/cli/index.js: no npm install needed) analyses the bloated one and
# compares the two, with hints. Nothing is pulled: the Debian bases are made with debootstrap
# from Debian's mirror (first run: ~2-3 min, cached afterwards) and pip installs from a local
# index served inside the build.
#
# Needs: root (or a running Docker engine and the isg-test/debian bases), Node.js >= 20.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }
seconds() { echo $(($(date +%s) - $1)); }

say "Docker engine"
DOCKER_HOST=$(bash scripts/docker-engine.sh)
export DOCKER_HOST
echo "DOCKER_HOST=$DOCKER_HOST" >&2
bash scripts/ensure-tools.sh

say "Debian base images (debootstrap; cached after the first run)"
bash scripts/debian-base.sh

app=examples/seed
build() { # tag, Dockerfile
  local start
  start=$(date +%s)
  say "Building $1 from $2"
  docker build --network=host --tag "$1" --file "$app/$2" "$app" >&2
  echo "built $1 in $(seconds "$start") s" >&2
}
build isg-demo/app:bloated Dockerfile.vanilla
build isg-demo/app:fixed Dockerfile.multistage

cli=(node dist/cli/index.js)
say "image-size-guard analyze isg-demo/app:bloated --dockerfile $app/Dockerfile.vanilla"
"${cli[@]}" analyze isg-demo/app:bloated --dockerfile "$app/Dockerfile.vanilla"

say "image-size-guard compare isg-demo/app:bloated isg-demo/app:fixed"
"${cli[@]}" compare isg-demo/app:bloated isg-demo/app:fixed \
  --base-dockerfile "$app/Dockerfile.vanilla" --dockerfile "$app/Dockerfile.multistage"

cat >&2 <<'TXT'

Try it on your own image:
  node dist/cli/index.js analyze <image|archive.tar|oci:dir> [--dockerfile Dockerfile]
  node dist/cli/index.js compare <before> <after> --max-increase '10% & 25MB'
TXT
