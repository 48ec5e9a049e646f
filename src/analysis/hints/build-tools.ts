// Compilers, headers and toolchains in the final image: the builder leaked into the runtime
// (shared IMAGES.md §6.3). Two sources, combined without counting a file twice:
// - package databases (dpkg, distroless status.d, apk): build packages and the files they
//   own; a package whose file list is unknown counts with its installed size;
// - the file tree, for toolchains no database describes (gcc's cc1 under /usr/lib/gcc or
//   /usr/libexec/gcc, compiler drivers in /usr/bin, /usr/include, the Go and Rust
//   toolchains, a JDK's javac/jmods, the .NET SDK).
// Base-image layers count: the fix (build in one stage, run from a slim one) removes them.

import type { Hint, PathSize } from '../report.js'
import type { LiveNode } from '../stack.js'
import {
  addToTally,
  isBase,
  makeHint,
  newTally,
  tallyBytes,
  topPaths,
  dockerfileInstruction,
  mainLayer,
  type HintContext,
  type Tally
} from './context.js'
import { catalogEntry } from './catalog.js'
import { isRun, listWithSizes, quoted } from './fix.js'
import { installedPackages, isBuildPackage, usrMerged, type InstalledPackage } from './packages.js'

export interface BuildToolsResult {
  hint?: Hint
  /** Live paths the hint counted (other path hints skip them). */
  claimed: Set<string>
}

const COMPILER_DIRS = /^usr\/(?:lib|libexec)\/gcc(?:-cross)?\//
const HEADERS = /^usr\/include\//
const CMAKE_DATA = /^usr\/share\/cmake(?:-[\d.]+)?\//
const DRIVERS =
  /^usr\/(?:local\/)?bin\/(?:(?:[a-z0-9_]+-)*(?:gcc|g\+\+|c\+\+|cpp|gfortran|clang|clang\+\+|ld|ld\.bfd|ld\.gold|as)(?:-[\d.]+)?|cc|make|gmake|cmake|ninja|autoconf|automake|libtool|pkg-config|pkgconf)$/
const GO_ROOT = /^((?:usr\/local|usr\/lib|opt)\/go(?:-[\d.]+)?)\/bin\/go$/
const RUSTUP = /^((?:usr\/local|root|home\/[^/]+)\/\.?rustup\/toolchains)\//
const JAVAC = /^(.+)\/bin\/javac$/
const DOTNET_SDK = /^(usr\/(?:share|lib)\/dotnet\/(?:sdk|packs|sdk-manifests|templates))\//
const JDK_ONLY = [
  'jmods/',
  'include/',
  'lib/src.zip',
  'lib/ct.sym',
  'bin/javac',
  'bin/jlink',
  'bin/jmod',
  'bin/jdeps',
  'bin/jshell',
  'bin/javadoc'
]

const MAX_PACKAGES = 20

export function detectBuildTools(ctx: HintContext): BuildToolsResult {
  const tally = newTally()
  const claimed = new Set<string>()
  const build = installedPackages(ctx).filter(isBuildPackage)
  const packages = countPackages(ctx, build, tally, claimed)
  const toolchain = countToolchains(ctx, tally, claimed)
  const evidence = build.some(p => !p.virtual) || toolchain > 0
  const bytes = tallyBytes(tally)
  if (!evidence || bytes < catalogEntry('build-tools').minBytes) return { claimed: new Set() }
  const paths = topPaths(tally.groups, ctx.maxPaths)
  const fix = buildFix(ctx, tally, packages, paths, build, claimed)
  const hint = makeHint(ctx, {
    id: 'build-tools',
    bytes,
    byLayer: tally.byLayer,
    paths,
    ...(packages.length > 0 ? { packages: packages.slice(0, MAX_PACKAGES) } : {}),
    fix
  })
  return { ...(hint ? { hint } : {}), claimed }
}

function countable(node: LiveNode | undefined): node is LiveNode {
  return (
    node !== undefined &&
    node.entry.kind === 'file' &&
    node.entry.size > 0 &&
    (node.inode?.refs ?? 1) <= 1
  )
}

/** A package file as the final filesystem has it (usr-merge: /bin → /usr/bin). */
function resolveLive(ctx: HintContext, path: string): string | undefined {
  if (ctx.live.get(path)?.entry.kind === 'file') return path
  const merged = usrMerged(path)
  return merged && ctx.live.get(merged)?.entry.kind === 'file' ? merged : undefined
}

/** Groups shown in `paths`: the directory, at most five levels deep. */
function groupOf(path: string): string {
  const parts = path.split('/')
  return parts.slice(0, Math.min(parts.length - 1, 5)).join('/') || path
}

function countPackages(
  ctx: HintContext,
  build: InstalledPackage[],
  tally: Tally,
  claimed: Set<string>
): PathSize[] {
  const out: PathSize[] = []
  for (const p of build) {
    let files = 0
    for (const f of p.files ?? []) {
      const path = resolveLive(ctx, f)
      const node = path === undefined ? undefined : ctx.live.get(path)
      if (path === undefined || claimed.has(path) || !countable(node)) continue
      claimed.add(path)
      addToTally(tally, groupOf(path), node.layer, node.entry.size)
      files++
    }
    if (p.files === undefined && p.installedBytes > 0) {
      // No file list: the database's own layer is the best attribution we have.
      const layer = ctx.live.get(p.source)?.layer ?? 0
      tally.byLayer.set(layer, (tally.byLayer.get(layer) ?? 0) + p.installedBytes)
    }
    out.push({ path: p.name, bytes: p.installedBytes, ...(p.files ? { files } : {}) })
  }
  return out.sort((a, b) => b.bytes - a.bytes || a.path.localeCompare(b.path))
}

interface Roots {
  go: string[]
  jdk: string[]
}

function findRoots(ctx: HintContext): Roots {
  const roots: Roots = { go: [], jdk: [] }
  for (const path of ctx.live.keys()) {
    if (!path.endsWith('/bin/go') && !path.endsWith('/bin/javac')) continue
    const go = GO_ROOT.exec(path)
    if (go) roots.go.push(go[1])
    const jdk = JAVAC.exec(path)
    if (jdk) roots.jdk.push(jdk[1])
  }
  return roots
}

/** The toolchain group a path belongs to, or undefined. */
function toolchainGroup(path: string, roots: Roots): string | undefined {
  if (
    COMPILER_DIRS.test(path) ||
    HEADERS.test(path) ||
    DRIVERS.test(path) ||
    CMAKE_DATA.test(path)
  ) {
    return groupOf(path)
  }
  for (const r of roots.go) if (path.startsWith(`${r}/`)) return r
  for (const r of roots.jdk) if (JDK_ONLY.some(j => path.startsWith(`${r}/${j}`))) return r
  return RUSTUP.exec(path)?.[1] ?? DOTNET_SDK.exec(path)?.[1]
}

/** Counts toolchain files no package claimed; returns how many there were. */
function countToolchains(ctx: HintContext, tally: Tally, claimed: Set<string>): number {
  const roots = findRoots(ctx)
  let n = 0
  for (const [path, node] of ctx.live) {
    if (claimed.has(path) || !countable(node)) continue
    const group = toolchainGroup(path, roots)
    if (group === undefined) continue
    claimed.add(path)
    addToTally(tally, group, node.layer, node.entry.size)
    n++
  }
  return n
}

// ---------------------------------------------------------------- the fix

function buildFix(
  ctx: HintContext,
  tally: Tally,
  packages: PathSize[],
  paths: PathSize[],
  build: InstalledPackage[],
  claimed: Set<string>
): string {
  let own = 0
  let base = 0
  for (const [layer, b] of tally.byLayer) {
    if (isBase(ctx, layer)) base += b
    else own += b
  }
  const what =
    packages.length > 0 ? listWithSizes(packages.filter(p => p.bytes > 0)) : listWithSizes(paths)
  const artefact = artefactOf(ctx, claimed)
  if (base > own) {
    const image = ctx.dockerfile?.base?.image
    const slim = slimImage(image)
    const runFrom = slim ? `\`${slim}\`` : 'a slim or distroless image'
    return (
      `the base image${image ? ` \`${image}\`` : ''} ships ${what}: keep it for a build stage ` +
      `(\`FROM ${image ?? '<base>'} AS build\`), run from ${runFrom}, and \`COPY --from=build\` only ${artefact}`
    )
  }
  const ownLayers = new Map([...tally.byLayer].filter(([l]) => !isBase(ctx, l)))
  const instruction = dockerfileInstruction(ctx, mainLayer(ownLayers))
  const by = instruction ? ` come from ${quoted(instruction)}` : ''
  const purge = purgeHint(build, instruction)
  return (
    `${what}${by}: build in a separate stage (\`FROM … AS build\`) and \`COPY --from=build\` only ${artefact} ` +
    `into a slim final stage${purge}`
  )
}

function purgeHint(build: InstalledPackage[], instruction: string | undefined): string {
  if (!isRun(instruction)) return ''
  if (build.some(p => p.manager === 'apk')) {
    const virtual = /\s(?:--virtual|-t)[= ](\S+)/.exec(instruction ?? '')?.[1]
    if (virtual)
      return `; or end the same RUN with \`&& apk del ${virtual}\` once the build is done`
    return '; or install them as `apk add --virtual .build-deps …` and end the same RUN with `&& apk del .build-deps`'
  }
  const names = build
    .filter(p => p.manager === 'dpkg' && instruction?.includes(p.name))
    .map(p => p.name)
    .slice(0, 4)
  if (names.length === 0) return ''
  return `; or remove them at the end of the same RUN: \`apt-get purge -y --auto-remove ${names.join(' ')}\``
}

/**
 * What the final stage should copy: a virtualenv, site-packages, node_modules, else the
 * largest executable the Dockerfile built, else "the built artefacts".
 */
function artefactOf(ctx: HintContext, toolchain: Set<string>): string {
  let venv: string | undefined
  let binary: { path: string; size: number } | undefined
  const sizes = new Map<string, number>()
  for (const [path, node] of ctx.live) {
    if (isBase(ctx, node.layer) || node.entry.kind !== 'file' || toolchain.has(path)) continue
    if (venv === undefined && path.endsWith('/pyvenv.cfg'))
      venv = path.slice(0, -'/pyvenv.cfg'.length)
    const m = SITE_PACKAGES.exec(path) ?? NODE_MODULES.exec(path)
    if (m) sizes.set(m[1], (sizes.get(m[1]) ?? 0) + node.entry.size)
    else if ((node.entry.mode & 0o111) !== 0 && node.entry.size > (binary?.size ?? 0)) {
      binary = { path, size: node.entry.size }
    }
  }
  if (venv !== undefined) return `/${venv}`
  const best = [...sizes].sort((a, b) => b[1] - a[1])[0]
  if (best) return `/${best[0]}`
  return binary ? `/${binary.path}` : 'the built artefacts'
}

const SITE_PACKAGES = /^(usr\/local\/lib\/python[\d.]+\/site-packages)\//
const NODE_MODULES = /^((?:[^/]+\/)*?node_modules)\//

const DEBIAN_SUITE = /-(bookworm|bullseye|buster|trixie|jammy|noble|focal)$/

/** A slim runtime image for the same language, when the base is a known full image. */
export function slimImage(image: string | undefined): string | undefined {
  if (!image || image === 'scratch') return undefined
  const m = /^((?:[^/]+\/)*)([^/:@]+)(?::([^@]+))?/.exec(image)
  if (!m) return undefined
  const [, prefix, name, tag = 'latest'] = m
  if (/slim|alpine|distroless|minimal|jre|runtime|aspnet/.test(tag)) return undefined
  const slimTag = () =>
    tag === 'latest'
      ? 'slim'
      : DEBIAN_SUITE.test(tag)
        ? tag.replace(DEBIAN_SUITE, '-slim-$1')
        : `${tag}-slim`
  switch (name) {
    case 'python':
    case 'node':
    case 'ruby':
    case 'perl':
      return `${prefix}${name}:${slimTag()}`
    case 'golang':
      return 'gcr.io/distroless/static-debian12'
    case 'rust':
      return 'gcr.io/distroless/cc-debian12'
    case 'eclipse-temurin':
      return `${prefix}${name}:${tag.replace('jdk', 'jre')}`
    case 'buildpack-deps':
      return 'debian:bookworm-slim'
    case 'sdk':
      return prefix.includes('dotnet') ? `${prefix}aspnet:${tag}` : undefined
    default:
      return undefined
  }
}
