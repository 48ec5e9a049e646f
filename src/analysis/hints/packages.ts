// Installed packages from the package databases of the final filesystem (contents supplied
// by the image reader, see content.ts):
// - dpkg `/var/lib/dpkg/status`: RFC 822 stanzas; only `Status: install ok installed` (or
//   `hold ok installed`) counts; `Installed-Size` is KiB. Owned files from
//   `/var/lib/dpkg/info/<pkg>[:<arch>].list`.
// - distroless `/var/lib/dpkg/status.d/<pkg>`: one stanza per file, no Status field; owned
//   files from `<pkg>.md5sums`.
// - apk `/lib/apk/db/installed` (or `/usr/lib/…`): `X:value` lines, `P` name, `I` installed
//   size in BYTES, `F` directory then `R` files in it.

import type { HintContext } from './context.js'
import { liveText } from './content.js'

export type PackageManager = 'dpkg' | 'apk'

export interface InstalledPackage {
  name: string
  manager: PackageManager
  arch?: string
  version?: string
  /** Installed size in bytes, as the database states it. */
  installedBytes: number
  /** Relative paths the package owns, when its file list is known. */
  files?: string[]
  /** apk virtual package (`apk add --virtual .build-deps …`). */
  virtual?: boolean
  /** Live path of the database that lists it. */
  source: string
}

/** Blank-line separated stanzas of `Key: value` (dpkg) or `K:value` (apk) lines. */
function stanzas(text: string): string[][] {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n/)
    .map(s => s.split('\n').filter(l => l !== ''))
    .filter(s => s.length > 0)
}

function dpkgFields(lines: string[]): Map<string, string> {
  const fields = new Map<string, string>()
  for (const line of lines) {
    if (line.startsWith(' ') || line.startsWith('\t')) continue
    const i = line.indexOf(':')
    const key = line.slice(0, i).toLowerCase()
    if (i > 0 && !fields.has(key)) fields.set(key, line.slice(i + 1).trim())
  }
  return fields
}

const INSTALLED = /^(?:install|hold) ok installed$/

export function parseDpkgStatus(
  text: string,
  source: string,
  requireStatus = true
): InstalledPackage[] {
  const out: InstalledPackage[] = []
  for (const lines of stanzas(text)) {
    const f = dpkgFields(lines)
    const name = f.get('package')
    if (!name) continue
    if (requireStatus && !INSTALLED.test(f.get('status') ?? '')) continue
    const kib = Number(f.get('installed-size') ?? '0')
    out.push({
      name,
      manager: 'dpkg',
      ...(f.get('architecture') ? { arch: f.get('architecture') } : {}),
      ...(f.get('version') ? { version: f.get('version') } : {}),
      installedBytes: Number.isFinite(kib) ? kib * 1024 : 0,
      source
    })
  }
  return out
}

export function parseApkInstalled(text: string, source: string): InstalledPackage[] {
  const out: InstalledPackage[] = []
  for (const lines of stanzas(text)) {
    let name: string | undefined
    let version: string | undefined
    let arch: string | undefined
    let size = 0
    let dir = ''
    const files: string[] = []
    for (const line of lines) {
      const key = line[0]
      const value = line.slice(2)
      if (line[1] !== ':') continue
      if (key === 'P') name = value
      else if (key === 'V') version = value
      else if (key === 'A') arch = value
      else if (key === 'I') size = Number(value) || 0
      else if (key === 'F') dir = value.replace(/^\/+|\/+$/g, '')
      else if (key === 'R') files.push(dir === '' ? value : `${dir}/${value}`)
    }
    if (!name) continue
    out.push({
      name,
      manager: 'apk',
      ...(arch ? { arch } : {}),
      ...(version ? { version } : {}),
      installedBytes: size,
      files,
      ...(name.startsWith('.') ? { virtual: true } : {}),
      source
    })
  }
  return out
}

/** `/usr/bin/x` per line (dpkg .list) or `<md5>  usr/bin/x` (md5sums) → relative paths. */
function fileList(text: string, md5sums: boolean): string[] {
  const out: string[] = []
  for (const raw of text.split('\n')) {
    let line = raw.trim()
    if (md5sums) line = line.replace(/^[0-9a-f]{32}\s+/, '')
    line = line.replace(/^\/+/, '')
    if (line !== '' && line !== '.') out.push(line)
  }
  return out
}

const cache = new WeakMap<HintContext, InstalledPackage[]>()

/**
 * Where a path a package lists lives on a usr-merged system (/bin/x → /usr/bin/x); undefined
 * for paths the merge does not move.
 */
export function usrMerged(path: string): string | undefined {
  return /^(?:bin|sbin|lib|lib32|lib64|libx32)\//.test(path) ? `usr/${path}` : undefined
}

/** Every installed package the final filesystem's databases list (empty without contents). */
export function installedPackages(ctx: HintContext): InstalledPackage[] {
  const hit = cache.get(ctx)
  if (hit) return hit
  const pkgs = databasePackages(ctx)
  cache.set(ctx, pkgs)
  return pkgs
}

/** What the package databases read: the live tree and the kept contents. */
export type DatabaseView = Pick<HintContext, 'live' | 'contents'>

/**
 * Every package the OS databases (dpkg, distroless status.d, apk) of the final filesystem
 * list: the one inventory the hints and the content index (content-index.ts) both read.
 */
export function databasePackages(ctx: DatabaseView): InstalledPackage[] {
  return [...dpkgPackages(ctx), ...distrolessPackages(ctx), ...apkPackages(ctx)]
}

function dpkgPackages(ctx: DatabaseView): InstalledPackage[] {
  const source = 'var/lib/dpkg/status'
  const text = liveText(ctx.contents, ctx.live, source)
  if (text === undefined) return []
  return parseDpkgStatus(text, source).map(p => {
    const list =
      liveText(ctx.contents, ctx.live, `var/lib/dpkg/info/${p.name}:${p.arch}.list`) ??
      liveText(ctx.contents, ctx.live, `var/lib/dpkg/info/${p.name}.list`)
    return list === undefined ? p : { ...p, files: fileList(list, false) }
  })
}

const STATUS_D = /^var\/lib\/dpkg\/status\.d\/([^/]+)$/

function distrolessPackages(ctx: DatabaseView): InstalledPackage[] {
  const out: InstalledPackage[] = []
  for (const [layer, files] of ctx.contents ?? []) {
    for (const path of files.keys()) {
      const m = STATUS_D.exec(path)
      if (!m || m[1].endsWith('.md5sums') || ctx.live.get(path)?.layer !== layer) continue
      const text = liveText(ctx.contents, ctx.live, path) ?? ''
      const sums = liveText(ctx.contents, ctx.live, `${path}.md5sums`)
      for (const p of parseDpkgStatus(text, path, false)) {
        out.push(sums === undefined ? p : { ...p, files: fileList(sums, true) })
      }
    }
  }
  return out
}

function apkPackages(ctx: DatabaseView): InstalledPackage[] {
  for (const source of ['lib/apk/db/installed', 'usr/lib/apk/db/installed']) {
    const text = liveText(ctx.contents, ctx.live, source)
    if (text !== undefined) return parseApkInstalled(text, source)
  }
  return []
}

// ---------------------------------------------------------------- build packages

// Shared libraries programs load at run time, however close to the compiler they sit.
const RUNTIME =
  /^(?:libgcc-s\d+|libgcc\d+|libgcc|libstdc\+\+\d*|libgomp\d*|libatomic\d*|libquadmath\d*|libgfortran\d*|libitm\d*|libc6|libc-bin|musl|gcc-\d+-base|libmpfr\d+|mpfr\d+|libgmp\d+|gmp)$/

const DPKG_BUILD: RegExp[] = [
  /^build-essential$/,
  // gcc-12, g++, cpp-14-x86-64-linux-gnu (trixie's per-triplet packages)
  /^(?:gcc|g\+\+|cpp|gfortran|gccgo|gdc|gnat)(?:-\d+)?(?:-[a-z0-9_]+(?:-[a-z0-9_]+)*-linux-gnu\w*)?$/,
  /-dev$/,
  /^libc-dev-bin$/,
  /^binutils(?:-.+)?$/,
  /^lib(?:binutils|ctf-nobfd\d+|ctf\d+|gprofng\d+|sframe\d+)$/,
  /^(?:make|cmake|cmake-data|ninja-build|meson|autoconf|automake(?:-[\d.]+)?|libtool|libtool-bin|bison|flex|m4|patch)$/,
  /^(?:pkg-config|pkgconf|pkgconf-bin|libpkgconf\d+|dpkg-dev|libdpkg-perl|rpcsvc-proto)$/,
  /^(?:clang|lld|llvm)(?:-\d+)?(?:-tools|-linker-tools|-runtime)?$/,
  /^golang(?:-[\d.]+)?(?:-go|-src)?$/,
  /^(?:rustc|cargo|libstd-rust-[\d.]+)$/,
  /^(?:openjdk-\d+-jdk|default-jdk)(?:-headless)?$/,
  // Java and Node build tools: the app runs without them
  /^(?:maven|gradle|ant|node-gyp)$/,
  // Libraries only the compilers load (not programs): safe to name as build tools.
  /^(?:libisl\d+|libmpc\d+|libcc1-\d+|lib(?:asan|tsan|lsan|ubsan|hwasan)\d+)$/
]

const APK_BUILD: RegExp[] = [
  /^(?:build-base|alpine-sdk|gcc|g\+\+|gfortran|gcc-gnat|gcc-go|linux-headers|fortify-headers)$/,
  /-dev$/,
  /^binutils(?:-.+)?$/,
  /^(?:make|cmake|samurai|ninja|meson|autoconf|automake|libtool|pkgconf|bison|flex|m4|patch)$/,
  /^(?:clang|lld|llvm)\d*$/,
  /^(?:go|rust|cargo)$/,
  /^openjdk\d+(?:-jdk)?$/,
  /^(?:maven|gradle|apache-ant|node-gyp)$/,
  /^(?:isl\d*|mpc1)$/
]

/** `apk add --virtual .build-deps`: the docker-library convention for build dependencies. */
const BUILD_VIRTUAL = /^\.(?:.*[-.])?(?:build|dev|devel|compile)(?:[-.].*)?$|^\.[\w.-]*deps$/i

export function isBuildPackage(p: Pick<InstalledPackage, 'name' | 'manager' | 'virtual'>): boolean {
  if (RUNTIME.test(p.name)) return false
  if (p.virtual) return BUILD_VIRTUAL.test(p.name) && !/run/i.test(p.name)
  const rules = p.manager === 'apk' ? APK_BUILD : DPKG_BUILD
  return rules.some(r => r.test(p.name))
}
