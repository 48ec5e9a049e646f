#!/usr/bin/env bash
# Installs (from Debian, with apt-get) the tools the tests and the demo use when one is missing:
# busybox-static (offline example images), skopeo and umoci (other archive layouts), zstd,
# debootstrap (a Debian base image made offline from Debian's mirror), docker-registry,
# apache2-utils (htpasswd) and openssl (the registry tests: a real registry on 127.0.0.1), gcc,
# libc6-dev, binutils (readelf, strip, objcopy) and golang-go: ELF binaries built and checked by
# the hint tests. Without root it only
# says what is missing; the tests that need a missing tool then fail or skip with that name.
set -euo pipefail

declare -A pkg_of=(
  [/bin/busybox]=busybox-static
  [/usr/bin/skopeo]=skopeo
  [/usr/bin/umoci]=umoci
  [/usr/bin/zstd]=zstd
  [/usr/sbin/debootstrap]=debootstrap
  [/usr/bin/docker-registry]=docker-registry
  [/usr/bin/htpasswd]=apache2-utils
  [/usr/bin/openssl]=openssl
  [/usr/bin/gcc]=gcc
  [/usr/include/stdio.h]=libc6-dev
  [/usr/lib/x86_64-linux-gnu/libc.a]=libc6-dev
  [/usr/bin/readelf]=binutils
  [/usr/bin/objcopy]=binutils
  [/usr/bin/go]=golang-go
)
missing=()
for path in "${!pkg_of[@]}"; do
  [ -e "$path" ] || missing+=("${pkg_of[$path]}")
done
# The example images run busybox FROM scratch: it must be Debian's static build.
if [ -x /bin/busybox ] && command -v dpkg-query >/dev/null 2>&1 &&
  ! dpkg-query -W -f '${Status}' busybox-static 2>/dev/null | grep -q 'ok installed'; then
  missing+=(busybox-static)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
  echo "ensure-tools: missing ${missing[*]} (apt-get install them as root)" >&2
  exit 0
fi
echo "ensure-tools: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2
apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
