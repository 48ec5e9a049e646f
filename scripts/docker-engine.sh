#!/usr/bin/env bash
# Makes a Docker engine answer and prints the DOCKER_HOST to use (on stdout, nothing else).
#
#   export DOCKER_HOST=$(bash scripts/docker-engine.sh)
#
# 1. If `docker info` already answers (DOCKER_HOST, the default socket, or our private engine
#    from an earlier call), use that engine.
# 2. Else install Debian's docker.io with apt-get when dockerd is missing, start a private
#    dockerd (own data root, exec root and socket; no iptables, no bridge: builds need
#    --network=host), and wait until it answers.
# Idempotent; stops nothing it did not start. Progress goes to stderr.
# Environment: ISG_ENGINE_DIR (default /var/tmp/image-size-guard-engine) holds the private
# engine's socket, data root, exec root, pid file and log.
set -euo pipefail

engine_dir=${ISG_ENGINE_DIR:-/var/tmp/image-size-guard-engine}
sock="$engine_dir/docker.sock"
private_host="unix://$sock"

say() { printf 'docker-engine: %s\n' "$*" >&2; }

answers() { # $1: DOCKER_HOST value, empty for the client default
  if [ -n "$1" ]; then DOCKER_HOST="$1" timeout 20 docker info >/dev/null 2>&1; else
    env -u DOCKER_HOST timeout 20 docker info >/dev/null 2>&1; fi
}

need_root() {
  if [ "$(id -u)" != 0 ]; then
    say "starting a private engine needs root (dockerd, apt-get); run as root or start Docker yourself"
    exit 1
  fi
}

install_engine() {
  command -v dockerd >/dev/null 2>&1 && command -v docker >/dev/null 2>&1 && return 0
  need_root
  say "installing Debian's docker.io (apt-get)…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2
  apt-get install -y -q --no-install-recommends docker.io >&2
}

start_engine() {
  need_root
  mkdir -p "$engine_dir/data" "$engine_dir/exec"
  if [ -f "$engine_dir/docker.pid" ] && kill -0 "$(cat "$engine_dir/docker.pid")" 2>/dev/null; then
    say "private engine (pid $(cat "$engine_dir/docker.pid")) is starting; waiting"
  else
    rm -f "$sock" "$engine_dir/docker.pid"
    say "starting a private dockerd on $sock (log: $engine_dir/dockerd.log)"
    # setsid: the engine outlives this script and the shell that called it.
    setsid dockerd \
      --data-root "$engine_dir/data" \
      --exec-root "$engine_dir/exec" \
      --pidfile "$engine_dir/docker.pid" \
      -H "$private_host" \
      --iptables=false --ip6tables=false --bridge=none \
      >"$engine_dir/dockerd.log" 2>&1 </dev/null &
  fi
  for _ in $(seq 1 120); do
    if answers "$private_host"; then return 0; fi
    sleep 0.5
  done
  say "dockerd did not answer within 60 s; last lines of $engine_dir/dockerd.log:"
  tail -n 20 "$engine_dir/dockerd.log" >&2 || true
  exit 1
}

main() {
  if [ -n "${DOCKER_HOST:-}" ] && answers "$DOCKER_HOST"; then echo "$DOCKER_HOST"; return; fi
  if command -v docker >/dev/null 2>&1; then
    if answers ""; then
      # The client's default (context or /var/run/docker.sock) works: print what it uses.
      env -u DOCKER_HOST docker context inspect --format '{{.Endpoints.docker.Host}}' 2>/dev/null ||
        echo "unix:///var/run/docker.sock"
      return
    fi
    if answers "$private_host"; then echo "$private_host"; return; fi
  fi
  install_engine
  start_engine
  echo "$private_host"
}

main "$@"
