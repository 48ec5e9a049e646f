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
import { bytes, isRun, listWithSizes, quoted } from './fix.js'
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
// Maven, Gradle and node-gyp unpacked by hand (the official images put them here).
const BUILD_TREES =
  /^(usr\/share\/maven|opt\/(?:apache-)?maven[^/]*|opt\/gradle[^/]*|usr\/local\/lib\/node_modules\/node-gyp|(?:root|home\/[^/]+)\/\.cache\/node-gyp)\//
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
  const toolchain = countToolchains(ctx, tally, claimed, runtimeOwned(ctx, build))
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
    let counted = 0
    for (const f of p.files ?? []) {
      const path = resolveLive(ctx, f)
      const node = path === undefined ? undefined : ctx.live.get(path)
      if (path === undefined || claimed.has(path) || !countable(node)) continue
      claimed.add(path)
      addToTally(tally, groupOf(path), node.layer, node.entry.size)
      files++
      counted += node.entry.size
    }
    if (p.files === undefined && p.installedBytes > 0) {
      // No file list: the database's own layer is the best attribution we have.
      const layer = ctx.live.get(p.source)?.layer ?? 0
      tally.byLayer.set(layer, (tally.byLayer.get(layer) ?? 0) + p.installedBytes)
    }
    // Exact bytes when the file list is known (what the hint counts), else the database's size.
    out.push({
      path: p.name,
      bytes: p.files ? counted : p.installedBytes,
      ...(p.files ? { files } : {})
    })
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
  return RUSTUP.exec(path)?.[1] ?? DOTNET_SDK.exec(path)?.[1] ?? BUILD_TREES.exec(path)?.[1]
}

/**
 * Live files the packages that are NOT build tools own: a JDK's tree holds files of the JRE
 * package (Debian's `lib/ct.sym` is openjdk-17-jre-headless's), which the runtime keeps.
 */
function runtimeOwned(ctx: HintContext, build: InstalledPackage[]): Set<string> {
  const isBuild = new Set(build)
  const out = new Set<string>()
  for (const p of installedPackages(ctx)) {
    if (isBuild.has(p)) continue
    for (const f of p.files ?? []) {
      const path = resolveLive(ctx, f)
      if (path !== undefined) out.add(path)
    }
  }
  return out
}

/** Counts toolchain files no package claimed; returns how many there were. */
function countToolchains(
  ctx: HintContext,
  tally: Tally,
  claimed: Set<string>,
  runtime: ReadonlySet<string>
): number {
  const roots = findRoots(ctx)
  let n = 0
  for (const [path, node] of ctx.live) {
    if (claimed.has(path) || runtime.has(path) || !countable(node)) continue
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
  const what = packages.length > 0 ? packageList(packages) : listWithSizes(paths)
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

/**
 * `12 build packages (gcc-12 (40 MB), cpp-12 (30 MB), …)`: the count is of every build
 * package, the same list the hint's `packages` holds (the largest MAX_PACKAGES of it).
 */
function packageList(packages: PathSize[]): string {
  const shown = packages.filter(p => p.bytes > 0).slice(0, 3)
  const names = shown.map(p => `${p.path} (${bytes(p.bytes)})`).join(', ')
  const more = packages.length > shown.length ? ', …' : ''
  const listed =
    packages.length > MAX_PACKAGES ? `; the ${MAX_PACKAGES} largest are listed in the hint` : ''
  return `${packages.length} build package${packages.length === 1 ? '' : 's'} (${names}${more}${listed})`
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
 * What the final stage should copy: only what the image's own layers add that no package owns
 * (a package-owned file comes with the runtime image, never through COPY --from), and of
 * that, what the container runs — the Entrypoint/Cmd files (a jar, a binary, a script), the
 * virtualenv or site-packages/node_modules it imports from, the WORKDIR that holds the app.
 * At most three, else "the built artefacts".
 */
export function artefactOf(ctx: HintContext, toolchain: ReadonlySet<string>): string {
  const owned = packageOwned(ctx)
  const ours = (path: string): boolean => {
    const node = ctx.live.get(path)
    return (
      node !== undefined &&
      node.entry.kind === 'file' &&
      !isBase(ctx, node.layer) &&
      !toolchain.has(path) &&
      !owned.has(path)
    )
  }
  let venv: string | undefined
  const trees = new Map<string, number>()
  let workdirFiles = 0
  const workdir = ctx.workdir
  for (const [path, node] of ctx.live) {
    if (node.entry.kind !== 'file' || !ours(path)) continue
    if (venv === undefined && path.endsWith('/pyvenv.cfg')) venv = parentDir(path)
    const m = SITE_PACKAGES.exec(path) ?? NODE_MODULES.exec(path)
    if (m) trees.set(m[1], (trees.get(m[1]) ?? 0) + node.entry.size)
    if (workdir && path.startsWith(`${workdir}/`)) workdirFiles++
  }
  const out: string[] = []
  const add = (dir: string | undefined): void => {
    if (dir === undefined || out.some(o => dir === o || dir.startsWith(`${o}/`))) return
    for (let i = out.length - 1; i >= 0; i--) if (out[i].startsWith(`${dir}/`)) out.splice(i, 1)
    out.push(dir)
  }
  // The files the container runs; WORKDIR when they live there (or the interpreter is a
  // package and the script is relative), not when it only held the sources of a binary.
  const runs = runFiles(ctx).filter(ours)
  const inWorkdir = (p: string): boolean => workdir !== undefined && p.startsWith(`${workdir}/`)
  if (workdir && workdirFiles > 0 && (runs.length === 0 || runs.some(inWorkdir))) add(workdir)
  for (const path of runs) add(venv !== undefined && path.startsWith(`${venv}/`) ? venv : path)
  add(venv)
  add([...trees].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0])
  // Entrypoint/Cmd name nothing the Dockerfile built (a base image's `sh`): the largest
  // executable the Dockerfile built that no package owns.
  if (out.length === 0) add(largestExecutable(ctx, ours))
  return out.length === 0
    ? 'the built artefacts'
    : out
        .slice(0, 3)
        .map(p => `/${p}`)
        .join(' and ')
}

function largestExecutable(ctx: HintContext, ours: (p: string) => boolean): string | undefined {
  let best: { path: string; size: number } | undefined
  for (const [path, node] of ctx.live) {
    if ((node.entry.mode & 0o111) === 0 || node.entry.size <= (best?.size ?? 0)) continue
    if (ours(path)) best = { path, size: node.entry.size }
  }
  return best?.path
}

/** Live files the Entrypoint/Cmd words name: absolute, relative to WORKDIR, or on PATH. */
function runFiles(ctx: HintContext): string[] {
  const workdir = ctx.workdir
  const pathDirs = (ctx.env.get('PATH') ?? '/usr/local/bin:/usr/bin:/bin')
    .split(':')
    .map(relDir)
    .filter((d): d is string => d !== undefined)
  const out: string[] = []
  for (const word of ctx.command) {
    for (const w of word.split(/[\s=]+/)) {
      if (w === '' || w.startsWith('-')) continue
      const candidates = w.startsWith('/')
        ? [w.replace(/^\/+/, '')]
        : [
            ...(w.includes('/') || workdir ? [workdir ? `${workdir}/${w}` : w] : []),
            ...(w.includes('/') ? [] : pathDirs.map(d => `${d}/${w}`))
          ]
      const hit = candidates
        .map(c => c.replace(/\/\.\//g, '/').replace(/\/+$/, ''))
        .find(c => ctx.live.get(c)?.entry.kind === 'file')
      if (hit) out.push(hit)
    }
  }
  return out
}

/** `/app/` → `app`; the root and relative or climbing paths → undefined. */
function relDir(dir: string | undefined): string | undefined {
  if (!dir?.startsWith('/')) return undefined
  const rel = dir.replace(/^\/+/, '').replace(/\/+$/, '')
  return rel === '' || rel.split('/').includes('..') ? undefined : rel
}

function parentDir(path: string): string {
  return path.slice(0, path.lastIndexOf('/'))
}

/** Every live path an installed package lists (usr-merge aware). */
function packageOwned(ctx: HintContext): Set<string> {
  const out = new Set<string>()
  for (const p of installedPackages(ctx)) {
    for (const f of p.files ?? []) {
      const path = resolveLive(ctx, f)
      if (path !== undefined) out.add(path)
    }
  }
  return out
}

const SITE_PACKAGES = /^((?:[^/]+\/)*?lib\/python[\d.]+\/site-packages)\//
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
