#!/usr/bin/env bash
# Starts a current Docker engine (Debian trixie's docker.io 26.1 + containerd 1.7, with the
# buildx 0.13 plugin) beside bookworm's 20.10, and prints the DOCKER_HOST to use (on stdout,
# nothing else), the way scripts/docker-engine.sh does for today's engine:
#
#   export DOCKER_HOST=$(bash scripts/docker-engine-current.sh classic)     # overlay2 store
#   export DOCKER_HOST=$(bash scripts/docker-engine-current.sh containerd)  # containerd store
#   export DOCKER_CONFIG=$(bash scripts/docker-engine-current.sh buildx)    # the buildx plugin
#
# How, with no change to the system (needs root for dockerd):
# 1. A private apt state (own source list with trixie only, own lists and archive cache; the
#    system's sources are never touched) downloads docker.io, containerd and docker-buildx;
#    the .debs stay cached in $ISG_ENGINE26_DIR/debs, so a rerun downloads nothing.
# 2. `dpkg-deb -x` unpacks them into $ISG_ENGINE26_DIR/root. Trixie's runc needs glibc 2.38,
#    so none is kept there: the system's runc (bookworm's) is used, installed when missing.
# 3. A private dockerd per store (own socket, data root, exec root, pid file, log, config
#    file, containerd namespaces), with the root's bin directories first on PATH so that its
#    containerd 1.7 runs. No iptables, no bridge: builds need --network=host.
# 4. `buildx` prints a DOCKER_CONFIG directory whose cli-plugins/ holds the buildx plugin:
#    only a client given that DOCKER_CONFIG sees buildx; ~/.docker is never touched.
# Idempotent: an engine that answers is reused; stops nothing it did not start.
# Environment: ISG_ENGINE26_DIR (default /var/tmp/image-size-guard-engine-26).
set -euo pipefail

dir=${ISG_ENGINE26_DIR:-/var/tmp/image-size-guard-engine-26}
root="$dir/root"
mirror=${ISG_TRIXIE_MIRROR:-http://deb.debian.org/debian}
packages=(docker.io containerd docker-buildx)

say() { printf 'docker-engine-current: %s\n' "$*" >&2; }
die() {
  say "$*"
  exit 1
}

usage() {
  cat >&2 <<'EOF'
usage: docker-engine-current.sh classic|containerd|buildx|stop STORE
  classic     start (or reuse) Docker 26 with the classic overlay2 store; prints DOCKER_HOST
  containerd  start (or reuse) Docker 26 with the containerd image store; prints DOCKER_HOST
  buildx      unpack (or reuse) the buildx plugin; prints the DOCKER_CONFIG that selects it
  stop STORE  stop the engine this script started for STORE (classic|containerd)
EOF
  exit 2
}

need_root() {
  [ "$(id -u)" = 0 ] || die "this needs root (apt-get, dockerd): run as root or start Docker 26 yourself"
}

# --- 1 + 2: download and unpack -------------------------------------------------------------

apt_private() {
  apt-get -q \
    -o Dir::Etc::SourceList="$dir/apt/sources.list" \
    -o Dir::Etc::SourceParts=/dev/null \
    -o Dir::State::Lists="$dir/apt/lists" \
    -o Dir::Cache="$dir/apt/cache" \
    -o Dir::Cache::archives="$dir/apt/cache/archives" \
    -o APT::Get::List-Cleanup=0 \
    -o APT::Sandbox::User=root \
    "$@"
}

download() {
  mkdir -p "$dir/debs" "$dir/apt/lists/partial" "$dir/apt/cache/archives/partial"
  local missing=()
  for p in "${packages[@]}"; do
    compgen -G "$dir/debs/${p}_*.deb" >/dev/null || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  need_root
  echo "deb $mirror trixie main" >"$dir/apt/sources.list"
  say "downloading ${missing[*]} from trixie (private apt state in $dir/apt)…"
  apt_private update >&2
  (cd "$dir/debs" && apt_private download "${missing[@]}" >&2)
}

unpack() {
  local stamp="$root/.unpacked" want
  want=$(cd "$dir/debs" && ls -1 ./*.deb | sort | tr '\n' ' ')
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
  say "unpacking ${want} into $root"
  rm -rf "$root"
  mkdir -p "$root"
  for deb in "$dir"/debs/*.deb; do dpkg-deb -x "$deb" "$root"; done
  # Trixie's runc needs glibc 2.38: the system's runc (bookworm's) must be the one found.
  find "$root" -name runc -type f -delete
  echo "$want" >"$stamp"
}

ensure_runc() {
  command -v runc >/dev/null 2>&1 && return 0
  need_root
  say "installing the system's runc (apt-get)…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2
  apt-get install -y -q --no-install-recommends runc >&2
}

prepare() {
  download
  unpack
  [ -x "$root/usr/sbin/dockerd" ] || die "no dockerd in $root (was docker.io downloaded?)"
}

buildx_config() {
  local plugin="$root/usr/libexec/docker/cli-plugins/docker-buildx"
  [ -x "$plugin" ] || die "no docker-buildx in $root"
  mkdir -p "$dir/docker-config/cli-plugins"
  ln -sfn "$plugin" "$dir/docker-config/cli-plugins/docker-buildx"
  echo "$dir/docker-config"
}

# --- 3: one private dockerd per store -------------------------------------------------------

answers() { DOCKER_HOST="$1" timeout 20 docker info >/dev/null 2>&1; }

start_engine() { # $1: classic | containerd
  local store=$1 e="$dir/$1" host="unix://$dir/$1/docker.sock"
  if answers "$host"; then
    echo "$host"
    return
  fi
  need_root
  prepare
  ensure_runc
  mkdir -p "$e/data" "$e/exec"
  if [ "$store" = containerd ]; then
    echo '{"features":{"containerd-snapshotter":true}}' >"$e/daemon.json"
  else
    echo '{}' >"$e/daemon.json"
  fi
  if [ -f "$e/docker.pid" ] && kill -0 "$(cat "$e/docker.pid")" 2>/dev/null; then
    say "Docker 26 ($store store, pid $(cat "$e/docker.pid")) is starting; waiting"
  else
    rm -f "$e/docker.sock" "$e/docker.pid"
    say "starting Docker 26 ($store store) on $e/docker.sock (log: $e/dockerd.log)"
    # setsid: the engine outlives this script. Its bin directories come first on PATH (its
    # containerd 1.7 and shims, docker-init); runc is the system's.
    PATH="$root/usr/sbin:$root/usr/bin:$PATH" setsid "$root/usr/sbin/dockerd" \
      --config-file "$e/daemon.json" \
      --data-root "$e/data" \
      --exec-root "$e/exec" \
      --pidfile "$e/docker.pid" \
      -H "$host" \
      --containerd-namespace "isg26-$store" \
      --containerd-plugins-namespace "isg26-$store-plugins" \
      --iptables=false --ip6tables=false --bridge=none \
      >"$e/dockerd.log" 2>&1 </dev/null &
  fi
  for _ in $(seq 1 120); do
    if answers "$host"; then
      echo "$host"
      return
    fi
    sleep 0.5
  done
  say "dockerd ($store store) did not answer within 60 s; last lines of $e/dockerd.log:"
  tail -n 20 "$e/dockerd.log" >&2 || true
  exit 1
}

stop_engine() { # $1: classic | containerd
  local e="$dir/$1"
  [ -f "$e/docker.pid" ] || return 0
  local pid
  pid=$(cat "$e/docker.pid")
  if kill -0 "$pid" 2>/dev/null; then
    say "stopping Docker 26 ($1 store, pid $pid)"
    kill "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  fi
}

case "${1:-}" in
  classic | containerd) start_engine "$1" ;;
  buildx)
    [ -x "$root/usr/libexec/docker/cli-plugins/docker-buildx" ] || {
      need_root
      prepare
    }
    buildx_config
    ;;
  stop)
    case "${2:-}" in classic | containerd) stop_engine "$2" ;; *) usage ;; esac
    ;;
  *) usage ;;
esac
