#!/usr/bin/env bash
# Makes offline Debian base images in the Docker engine, for tests that cannot pull:
#
#   isg-test/debian:bookworm        debootstrap --variant=minbase bookworm, configured like the
#                                   official debian:bookworm (debuerreotype's minimizing config)
#   isg-test/debian:bookworm-slim   the same, "slimified" like debian:bookworm-slim (docs, man,
#                                   info, locales removed and kept out by dpkg path-exclude rules)
#
#   bash scripts/debian-base.sh            # builds what is missing, else does nothing
#   bash scripts/debian-base.sh --force    # rebuilds both (from the cached .debs: no download)
#   bash scripts/debian-base.sh --refresh  # rebuilds both from freshly downloaded .debs
#
# Idempotent and cached: a tag whose label org.image-size-guard.recipe matches this script's
# hash is kept. Cache (ISG_CACHE_DIR, default /var/tmp/image-size-guard-cache):
#   debootstrap-bookworm-minbase.tgz   the .debs (debootstrap --make-tarball), downloaded once
#   rootfs-bookworm[-slim]-<hash>.tar  the finished root file systems, so a missing tag is
#                                      re-imported in seconds
# Safe to run concurrently (flock on the cache dir). Progress and timings go to stderr; stdout
# stays empty. Needs root (debootstrap, chroot) only when a root file system must be made.
# Environment: DOCKER_HOST (else scripts/docker-engine.sh is asked), ISG_DEBIAN_MIRROR
# (default http://deb.debian.org/debian), ISG_CACHE_DIR.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${ISG_CACHE_DIR:-/var/tmp/image-size-guard-cache}
mirror=${ISG_DEBIAN_MIRROR:-http://deb.debian.org/debian}
security_mirror=${mirror%/debian}/debian-security
suite=bookworm
repo=isg-test/debian
path_env=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
label=org.image-size-guard.recipe

force=0
refresh=0
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    --refresh) force=1 refresh=1 ;;
    -h | --help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0" >&2; exit 0 ;;
    *) echo "debian-base: unknown argument '$arg'" >&2; exit 2 ;;
  esac
done

start=$SECONDS
say() { printf 'debian-base: [%3ds] %s\n' "$((SECONDS - start))" "$*" >&2; }

if [ -z "${DOCKER_HOST:-}" ]; then
  DOCKER_HOST=$(bash "$here/docker-engine.sh")
  export DOCKER_HOST
fi

mkdir -p "$cache"
exec 9>"$cache/debian-base.lock"
if ! flock -n 9; then
  say "another debian-base.sh is running; waiting for its lock"
  flock 9
fi

recipe=$(sha256sum "$0" | cut -c1-16)
debs="$cache/debootstrap-$suite-minbase.tgz"
[ "$refresh" = 0 ] || rm -f "$debs"

tag_current() { # $1: tag → 0 when it exists and was made by this recipe
  local got
  got=$(docker image inspect --format "{{ index .Config.Labels \"$label\" }}" "$1" 2>/dev/null) || return 1
  [ "$got" = "$recipe" ]
}

want=()
for variant in "$suite" "$suite-slim"; do
  if [ "$force" = 1 ] || ! tag_current "$repo:$variant"; then want+=("$variant"); fi
done
if [ ${#want[@]} -eq 0 ]; then
  say "$repo:$suite and $repo:$suite-slim are up to date (recipe $recipe); nothing to do"
  exit 0
fi

work=""
cleanup() {
  [ -n "$work" ] || return 0
  for m in proc sys dev/pts; do
    mountpoint -q "$work/rootfs/$m" 2>/dev/null && umount -l "$work/rootfs/$m" || true
  done
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT

# ---------------------------------------------------------------------------------------------
# The root file systems (cached by recipe hash)

write_minimizing_config() { # $1: rootfs. Same settings as the official images (debuerreotype).
  local r=$1
  printf '#!/bin/sh\n# No services start during image builds.\nexit 101\n' >"$r/usr/sbin/policy-rc.d"
  chmod 0755 "$r/usr/sbin/policy-rc.d"
  printf '# dpkg skips fsync: an interrupted image build is thrown away anyway.\nforce-unsafe-io\n' \
    >"$r/etc/dpkg/dpkg.cfg.d/docker-apt-speedup"
  printf '# autoremove also removes what only a Suggests kept.\nApt::AutoRemove::SuggestsImportant "false";\n' \
    >"$r/etc/apt/apt.conf.d/docker-autoremove-suggests"
  # docker-clean: the official images' "apt-get clean after every dpkg run and every update".
  # The functional lines are those of debian:bookworm (debuerreotype-minimizing-config): no
  # .deb stays in /var/cache/apt/archives and no pkgcache.bin/srcpkgcache.bin is written.
  # It does NOT touch /var/lib/apt/lists: an image that runs "apt-get update" keeps its lists.
  cat >"$r/etc/apt/apt.conf.d/docker-clean" <<'EOF'
# Image builds turn every install into a layer of its own, so APT's caches would only waste
# space in those layers: delete the downloaded .debs and the binary caches after every run
# (the equivalent of "apt-get clean"; calling apt-get itself here would wait on APT's lock).
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };

Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
  printf '# Keep the package lists compressed on disk (lz4 with apt 2.6).\nAcquire::GzipIndexes "true";\n' \
    >"$r/etc/apt/apt.conf.d/docker-gzip-indexes"
  printf '# No Translation-* files.\nAcquire::Languages "none";\n' \
    >"$r/etc/apt/apt.conf.d/docker-no-languages"
  chmod 0644 "$r"/etc/apt/apt.conf.d/docker-* "$r/etc/dpkg/dpkg.cfg.d/docker-apt-speedup"

  # APT sources as in debian:bookworm (deb822, with updates and security).
  rm -f "$r/etc/apt/sources.list"
  cat >"$r/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $mirror
Suites: $suite $suite-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security_mirror
Suites: $suite-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
}

in_root() { chroot "$work/rootfs" /usr/bin/env -i PATH="$path_env" DEBIAN_FRONTEND=noninteractive "$@"; }

clean_rootfs() { # what the official tarballs leave out
  local r=$1
  rm -rf "$r"/var/lib/apt/lists/* "$r"/var/cache/apt/*.bin "$r"/var/cache/apt/archives/*.deb
  mkdir -p "$r/var/lib/apt/lists/partial" "$r/var/cache/apt/archives/partial"
  rm -f "$r/var/lib/apt/lists/lock" "$r/var/cache/apt/archives/lock"
  rm -f "$r/var/log/apt/history.log" "$r/var/log/apt/term.log" "$r/var/log/bootstrap.log"
  rm -f "$r/etc/apt/apt.conf.d/01autoremove-kernels"
  rm -rf "$r"/tmp/* "$r"/var/tmp/* "$r"/root/.cache
  : >"$r/etc/resolv.conf"
  echo localhost >"$r/etc/hostname"
}

tar_rootfs() { # $1: rootfs, $2: output tar
  tar -C "$1" --numeric-owner --xattrs --xattrs-include='*' --sort=name \
    --exclude='./proc/*' --exclude='./sys/*' --exclude='./dev/*' \
    -cf "$2.tmp" .
  mv "$2.tmp" "$2"
}

# Like debuerreotype-slimify: path-exclude rules in /etc/dpkg/dpkg.cfg.d/docker keep future
# installs lean, and the files they name are deleted now (copyright files and a few locale
# metadata files stay).
slim_excludes=('/usr/share/doc/*' '/usr/share/info/*' '/usr/share/linda/*'
  '/usr/share/lintian/overrides/*' '/usr/share/locale/*' '/usr/share/man/*'
  '/usr/share/doc/kde/HTML/*/*' '/usr/share/gnome/help/*/*' '/usr/share/omf/*/*-*.emf')
slim_includes=('/usr/share/doc/*/copyright' '/usr/share/doc/kde/HTML/C/*'
  '/usr/share/gnome/help/*/C/*' '/usr/share/locale/all_languages' '/usr/share/locale/currency/*'
  '/usr/share/locale/l10n/*' '/usr/share/locale/languages' '/usr/share/locale/locale.alias'
  '/usr/share/omf/*/*-C.emf')

slimify() {
  local r=$1 cfg="$1/etc/dpkg/dpkg.cfg.d/docker" p dir
  {
    echo '# The "slim" variant: files that containers seldom need are left out by dpkg,'
    echo '# and this file keeps them out of later installs too.'
    for p in "${slim_excludes[@]}"; do echo "path-exclude $p"; done
    echo
    for p in "${slim_includes[@]}"; do echo "path-include $p"; done
  } >"$cfg"
  chmod 0644 "$cfg"
  local keep=()
  for p in "${slim_includes[@]}"; do
    [ ${#keep[@]} -eq 0 ] || keep+=(-o)
    keep+=(-path "$p")
  done
  for p in "${slim_excludes[@]}"; do
    dir=${p%/*}
    [ -d "$r$dir" ] || continue
    # files and symlinks that no include rule keeps, then empty dirs and dangling links
    in_root find "$dir" -mindepth 1 -depth -not -type d -not \( "${keep[@]}" \) -delete
    while [ -n "$(in_root find "$dir" -mindepth 1 -depth \( -empty -o -xtype l \) -delete -print)" ]; do :; done
  done
}

make_rootfs_tars() { # $1: full tar, $2: slim tar
  [ "$(id -u)" = 0 ] || { say "making a root file system needs root (debootstrap, chroot)"; exit 1; }
  command -v debootstrap >/dev/null || bash "$here/ensure-tools.sh"
  work=$(mktemp -d "$cache/work.XXXXXX")
  if [ ! -s "$debs" ]; then
    say "downloading the minbase .debs for $suite from $mirror (debootstrap --make-tarball)…"
    debootstrap --variant=minbase --make-tarball="$debs.tmp" "$suite" "$work/download" "$mirror" \
      >"$work/make-tarball.log" 2>&1 || { tail -n 20 "$work/make-tarball.log" >&2; exit 1; }
    mv "$debs.tmp" "$debs"
    rm -rf "$work/download"
    say "cached $(du -h "$debs" | cut -f1) of .debs in $debs"
  else
    say "using cached .debs $debs"
  fi
  say "debootstrap --variant=minbase $suite (from the cached .debs)…"
  debootstrap --variant=minbase --unpack-tarball="$debs" "$suite" "$work/rootfs" "$mirror" \
    >"$work/debootstrap.log" 2>&1 || { tail -n 30 "$work/debootstrap.log" >&2; exit 1; }
  write_minimizing_config "$work/rootfs"

  say "apt-get update && apt-get dist-upgrade inside (bookworm-updates, bookworm-security)…"
  cp /etc/resolv.conf "$work/rootfs/etc/resolv.conf"
  mount -t proc proc "$work/rootfs/proc"
  { in_root apt-get update -q && in_root apt-get -y -q -o Dpkg::Options::=--force-confold dist-upgrade; } \
    >"$work/apt.log" 2>&1 || { tail -n 30 "$work/apt.log" >&2; exit 1; }
  say "upgraded: $(grep -c '^Unpacking ' "$work/apt.log" || true) packages"
  umount "$work/rootfs/proc"
  clean_rootfs "$work/rootfs"
  say "root file system: $(du -sh --apparent-size "$work/rootfs" | cut -f1); writing $1"
  tar_rootfs "$work/rootfs" "$1"

  say "slimifying (dpkg path-exclude rules in /etc/dpkg/dpkg.cfg.d/docker)…"
  slimify "$work/rootfs"
  clean_rootfs "$work/rootfs"
  say "slim root file system: $(du -sh --apparent-size "$work/rootfs" | cut -f1); writing $2"
  tar_rootfs "$work/rootfs" "$2"
  cleanup
  work=""
}

full_tar="$cache/rootfs-$suite-$recipe.tar"
slim_tar="$cache/rootfs-$suite-slim-$recipe.tar"
if [ "$force" = 1 ] || [ ! -s "$full_tar" ] || [ ! -s "$slim_tar" ]; then
  rm -f "$cache"/rootfs-"$suite"-*.tar # older recipes
  make_rootfs_tars "$full_tar" "$slim_tar"
else
  say "using cached root file systems (recipe $recipe)"
fi

# ---------------------------------------------------------------------------------------------
# Import into the engine

for variant in "${want[@]}"; do
  tag="$repo:$variant"
  tar="$full_tar"
  [ "$variant" = "$suite-slim" ] && tar="$slim_tar"
  old_id=$(docker image inspect --format '{{.Id}}' "$tag" 2>/dev/null || true)
  say "docker import $tar → $tag"
  docker import \
    --change 'CMD ["bash"]' \
    --change "ENV PATH=$path_env" \
    --change "LABEL $label=$recipe" \
    --message "scripts/debian-base.sh: debootstrap --variant=minbase $suite ($variant)" \
    "$tar" "$tag" >/dev/null
  docker run --rm --network=none "$tag" true
  if [ -n "$old_id" ] && [ "$old_id" != "$(docker image inspect --format '{{.Id}}' "$tag")" ]; then
    # the previous import, now untagged; images built on it keep it (rm then fails: fine)
    docker image rm "$old_id" >/dev/null 2>&1 || true
  fi
  say "$tag: $(docker image inspect --format '{{.Size}}' "$tag") bytes"
done
say "done in $((SECONDS - start)) s"
