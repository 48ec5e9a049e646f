#!/usr/bin/env bash
# `npm run bench`: how long image-size-guard takes to read an image from the engine, against
# `docker save IMG > /dev/null` on the same image in the same run (interleaved), with peak RSS.
# Figures only: nothing here fails on a slow time. Results: docs/benchmarks.md.
#
#   npm run bench -- [--size 5GB|1GB] [--runs N] [--rebuild] [--bundle] [--archive]
#                    [--estimate] [--baseline-cli PATH] [--micro] [--registry]
#
#   --size          the benchmark image: 5GB (~200k files, default) or 1GB (~36k files, quick)
#   --runs          runs of each command (default 3); medians are reported
#   --rebuild       generate the image again even when its tag is up to date
#   --bundle        rebuild dist/ (npm run bundle) first; otherwise dist/ must exist
#   --archive       also time the CLI over a saved archive file (the reader without the export)
#   --estimate      also time `analyze --estimate-compressed`
#   --baseline-cli  also time another build of the CLI (before/after in one run)
#   --registry      then push the image to a docker-registry on 127.0.0.1 and time
#                   `analyze docker://…` and `analyze --fast docker://…` against
#                   `skopeo copy docker://… oci:…` (scripts/bench/registry.mjs)
#   --micro         then the micro benchmarks of scripts/bench/micro.ts (tar parsers over the
#                   saved archive, and three ways of receiving the save stream)
set -euo pipefail
cd "$(dirname "$0")/.."

size=5GB runs=3 rebuild=() bundle=0 micro=0 registry=0 extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --rebuild) rebuild=(--rebuild); shift ;;
    --bundle) bundle=1; shift ;;
    --micro) micro=1; shift ;;
    --registry) registry=1; shift ;;
    --archive | --estimate) extra+=("$1"); shift ;;
    --baseline-cli) extra+=("$1" "$2"); shift 2 ;;
    *) echo "bench: unknown argument $1" >&2; exit 2 ;;
  esac
done

DOCKER_HOST=$(bash scripts/docker-engine.sh)
export DOCKER_HOST
echo "bench: Docker engine at $DOCKER_HOST ($(docker version --format 'server {{.Server.Version}}, client {{.Client.Version}}'))"
echo "bench: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs), $(free -g | awk '/^Mem:/ {print $2}') GiB RAM, node $(node --version)"

if [ "$bundle" = 1 ] || [ ! -f dist/cli/index.js ]; then npm run --silent bundle; fi

image=$(node scripts/bench/image.mjs --size "$size" "${rebuild[@]}")
docker image inspect --format 'bench: {{index .RepoTags 0}}: {{.Size}} bytes, {{len .RootFS.Layers}} layers' "$image"

node scripts/bench/run.mjs --image "$image" --runs "$runs" "${extra[@]}"

if [ "$registry" = 1 ]; then
  echo
  echo "bench: registry (docker-registry on 127.0.0.1)"
  node scripts/bench/registry.mjs --image "$image" --runs "$runs"
fi

if [ "$micro" = 1 ]; then
  work=$(mktemp -d "${TMPDIR:-/tmp}/isg-bench-micro-XXXXXX")
  trap 'rm -rf "$work"' EXIT
  echo
  echo "bench: micro benchmarks (bundling scripts/bench/micro.ts, saving $image to $work)"
  node_modules/.bin/ncc build scripts/bench/micro.ts -o "$work/micro" --quiet
  docker save -o "$work/image.tar" "$image"
  node "$work/micro/index.js" parsers "$work/image.tar"
  rm -f "$work/image.tar"
  node "$work/micro/index.js" transport "$image"
fi
