// The content index of the final filesystem (pure): packages with exact bytes, files no
// package owns grouped by directory, and a bounded directory tree. Built from the stacked
// live tree and the database contents the layer reader kept in its one streaming pass; no
// layer is read again. Bounds and their reasons: docs/report-schema.md, "Content index".
//
// Exact bytes: a package's bytes are the sizes of the regular files it lists that the final
// filesystem holds (usr-merge aware), each file counted for one package only (the first
// database that lists it), so packages + unowned + omitted add up to `liveBytes`.

import { displayPath } from './analyze.js'
import { readEcosystems, gemOwner, npmOwner, type FoundPackage } from './ecosystems.js'
import type { LayerContents } from './hints/content.js'
import type { RpmPackage } from '../image/rpm-header.js'
import { databasePackages, usrMerged, type InstalledPackage } from './hints/packages.js'
import type { ContentIndex, Ecosystem, PackageInfo } from './report.js'
import { parentOf, type LiveNode } from './stack.js'
import type { PathSize } from '../model.js'

export const INDEX_BOUNDS = {
  /** Packages kept, largest first (the rest are rolled into `omitted`). */
  packages: 3000,
  /** Unowned groups kept. */
  unowned: 200,
  /** Directories kept: every one above `dirShare` of the final filesystem, at most this many. */
  dirs: 1500,
  dirShare: 0.001,
  /** Directories smaller than this are never kept, however small the image. */
  dirMinBytes: 64 * 1024,
  /** Largest files kept. */
  files: 200,
  /** Directory levels of an unowned group (`/usr/local`, `/app`). */
  unownedDepth: 2
} as const

const ORDER: Ecosystem[] = ['dpkg', 'apk', 'rpm', 'python', 'npm', 'gem']

interface Acc {
  pkg: FoundPackage | InstalledPackage
  ecosystem: Ecosystem
  bytes: number
  files: number
  layer: number
}

/** An rpm database the adapter read (image/rpmdb.ts), or why it could not. */
export interface RpmInput {
  /** Live path of the database. */
  source: string
  packages?: RpmPackage[]
  skipped?: number
  unsupported?: string
}

/** The rpm databases the layer reader may keep (hints/content.ts CONTENT_PATHS). */
export const RPM_DATABASES = ['var/lib/rpm/rpmdb.sqlite', 'usr/lib/sysimage/rpm/rpmdb.sqlite']

export function buildContentIndex(
  live: ReadonlyMap<string, LiveNode>,
  contents: LayerContents | undefined,
  rpm?: RpmInput
): ContentIndex {
  const warnings: string[] = []
  const owner = new Map<string, Acc>()
  const accs: Acc[] = []
  const read = new Set<Ecosystem>()

  // File-list ecosystems: every listed path that the final filesystem holds as a file.
  const os = databasePackages({ live, ...(contents ? { contents } : {}) })
  for (const p of os) read.add(p.manager)
  const langs = readEcosystems(live, contents)
  warnings.push(...osWarnings(live, contents, os, rpm), ...langs.warnings)
  for (const e of langs.read) read.add(e)
  const rpms: FoundPackage[] = (rpm?.packages ?? []).map(p => ({
    ecosystem: 'rpm',
    name: p.name,
    version: p.version,
    files: p.files,
    source: rpm?.source ?? ''
  }))
  if (rpms.length > 0) read.add('rpm')
  let escaping = 0
  const listed: { pkg: FoundPackage | InstalledPackage; ecosystem: Ecosystem; files: string[] }[] =
    [
      ...os.map(p => ({ pkg: p, ecosystem: p.manager as Ecosystem, files: p.files ?? [] })),
      ...rpms.map(p => ({ pkg: p, ecosystem: p.ecosystem, files: p.files ?? [] })),
      ...langs.packages
        .filter(p => p.files !== undefined)
        .map(p => ({ pkg: p, ecosystem: p.ecosystem, files: p.files ?? [] }))
    ]
  for (const { pkg, ecosystem, files } of listed) {
    const acc = newAcc(pkg, ecosystem, accs)
    for (const f of files) {
      if (f.split('/').includes('..')) {
        escaping++
        continue
      }
      const path = liveFile(live, f)
      if (path !== undefined && !owner.has(path)) owner.set(path, acc)
    }
  }
  if (escaping > 0) {
    warnings.push(
      `${escaping} path(s) in package file lists climb out with "..": ignored (a damaged or hostile database)`
    )
  }
  // Tree-owned ecosystems: npm and gem packages own directories.
  const npmAcc = new Map<FoundPackage, Acc>()
  for (const p of langs.packages) {
    if (p.files === undefined) npmAcc.set(p, newAcc(p, p.ecosystem, accs))
  }

  const dirs = new Map<string, { bytes: number; files: number }>()
  const unowned = new Map<string, PathSize>()
  let liveBytes = 0
  const top = new TopFiles(INDEX_BOUNDS.files)
  let lastParent: string | undefined
  let chain: { bytes: number; files: number }[] = []
  for (const [path, node] of live) {
    if (node.entry.kind !== 'file') continue
    const size = node.entry.size
    liveBytes += size
    let acc = owner.get(path)
    if (!acc && (langs.npmDirs.size > 0 || langs.gemDirs.size > 0)) {
      const tree =
        (langs.npmDirs.size > 0 && path.includes('node_modules/')
          ? npmOwner(path, langs.npmDirs)
          : undefined) ?? (langs.gemDirs.size > 0 ? gemOwner(path, langs.gemDirs) : undefined)
      if (tree) acc = npmAcc.get(tree)
    }
    if (acc) {
      acc.bytes += size
      acc.files++
      if (node.layer > acc.layer) acc.layer = node.layer
    } else {
      const group = groupOf(path)
      const g = unowned.get(group) ?? { path: group, bytes: 0, files: 0 }
      g.bytes += size
      g.files = (g.files ?? 0) + 1
      unowned.set(group, g)
    }
    const parent = parentOf(path)
    if (parent !== lastParent) {
      lastParent = parent
      chain = ancestors(dirs, parent)
    }
    for (const d of chain) {
      d.bytes += size
      d.files++
    }
    top.add(path, size)
  }
  for (const a of accs) {
    if (a.files === 0) a.layer = live.get(a.pkg.source)?.layer ?? 0
  }
  return {
    liveBytes,
    ecosystems: ORDER.filter(e => read.has(e)),
    ...bounded(accs, [...unowned.values()]),
    ...dirTree(dirs, liveBytes),
    ...top.result(),
    warnings
  }
}

function newAcc(pkg: FoundPackage | InstalledPackage, ecosystem: Ecosystem, accs: Acc[]): Acc {
  const acc: Acc = { pkg, ecosystem, bytes: 0, files: 0, layer: 0 }
  accs.push(acc)
  return acc
}

function liveFile(live: ReadonlyMap<string, LiveNode>, listed: string): string | undefined {
  const path = listed.replace(/^\/+/, '').replace(/\/+$/, '')
  if (live.get(path)?.entry.kind === 'file') return path
  const merged = usrMerged(path)
  return merged !== undefined && live.get(merged)?.entry.kind === 'file' ? merged : undefined
}

/** Databases the final filesystem holds but the reader did not keep: say why they are missing. */
function osWarnings(
  live: ReadonlyMap<string, LiveNode>,
  contents: LayerContents | undefined,
  os: InstalledPackage[],
  rpm: RpmInput | undefined
): string[] {
  const out: string[] = []
  const kept = (path: string): boolean => {
    const node = live.get(path)
    return node !== undefined && contents?.get(node.layer)?.has(path) === true
  }
  const dbs: [string, string][] = [
    ['var/lib/dpkg/status', 'dpkg'],
    ['lib/apk/db/installed', 'apk'],
    ['usr/lib/apk/db/installed', 'apk']
  ]
  for (const [path, what] of dbs) {
    const node = live.get(path)
    if (node?.entry.kind === 'file' && !kept(path)) {
      out.push(
        `${what}: /${path} (${node.entry.size} bytes) was not read (over the size cap); ${what} packages are left out`
      )
    }
  }
  if (rpm?.unsupported) {
    out.push(
      `rpm: /${rpm.source} not read (${rpm.unsupported}); rpm packages are left out (their files count as unowned)`
    )
  } else if (rpm?.skipped) {
    out.push(
      `rpm: ${rpm.skipped} package header(s) in /${rpm.source} could not be parsed: left out`
    )
  } else if (!rpm) {
    for (const path of RPM_DATABASES) {
      const node = live.get(path)
      if (node?.entry.kind === 'file' && !kept(path)) {
        out.push(
          `rpm: /${path} (${node.entry.size} bytes) was not read (over the size cap); rpm packages are left out`
        )
      }
    }
  }
  for (const path of ['var/lib/rpm/Packages', 'usr/lib/sysimage/rpm/Packages']) {
    if (live.get(path)?.entry.kind === 'file') {
      out.push(
        `rpm: /${path} is a BerkeleyDB database (RHEL 8 and older), which is not supported; rpm packages are left out`
      )
    }
  }
  const lists = os.filter(p => p.manager === 'dpkg' && p.files === undefined).length
  if (lists > 0) {
    out.push(
      `dpkg: ${lists} package(s) have no readable file list (var/lib/dpkg/info/*.list); their files count as unowned`
    )
  }
  return out
}

/** The top directories of a path, for unowned groups: `usr/local/bin/x` → `/usr/local`. */
function groupOf(path: string): string {
  const parts = path.split('/')
  const depth = Math.min(parts.length - 1, INDEX_BOUNDS.unownedDepth)
  return depth === 0 ? '/' : displayPath(parts.slice(0, depth).join('/'))
}

/** The totals of `dir` and every directory above it, made on first use. */
function ancestors(
  dirs: Map<string, { bytes: number; files: number }>,
  dir: string
): { bytes: number; files: number }[] {
  const out: { bytes: number; files: number }[] = []
  for (let d = dir; ; d = parentOf(d)) {
    let t = dirs.get(d)
    if (!t) dirs.set(d, (t = { bytes: 0, files: 0 }))
    out.push(t)
    if (d === '') return out
  }
}

function bySize(a: { bytes: number; path?: string }, b: { bytes: number; path?: string }): number {
  return b.bytes - a.bytes || (a.path ?? '').localeCompare(b.path ?? '')
}

function bounded(
  accs: Acc[],
  groups: PathSize[]
): Pick<ContentIndex, 'packages' | 'unowned' | 'omitted'> {
  const pkgs: PackageInfo[] = accs
    .map(a => ({
      ecosystem: a.ecosystem,
      name: a.pkg.name,
      ...(a.pkg.version !== undefined ? { version: a.pkg.version } : {}),
      layer: a.layer,
      bytes: a.bytes,
      files: a.files
    }))
    .sort(
      (a, b) =>
        b.bytes - a.bytes ||
        a.ecosystem.localeCompare(b.ecosystem) ||
        a.name.localeCompare(b.name) ||
        (a.version ?? '').localeCompare(b.version ?? '')
    )
  groups.sort(bySize)
  const keptPkgs = pkgs.slice(0, INDEX_BOUNDS.packages)
  const keptGroups = groups.slice(0, INDEX_BOUNDS.unowned)
  const droppedPkgs = pkgs.slice(INDEX_BOUNDS.packages)
  const droppedGroups = groups.slice(INDEX_BOUNDS.unowned)
  const out: Pick<ContentIndex, 'packages' | 'unowned' | 'omitted'> = {
    packages: keptPkgs,
    unowned: keptGroups
  }
  if (droppedPkgs.length + droppedGroups.length > 0) {
    out.omitted = {
      packages: droppedPkgs.length,
      groups: droppedGroups.length,
      bytes: [...droppedPkgs, ...droppedGroups].reduce((n, p) => n + p.bytes, 0)
    }
  }
  return out
}

function dirTree(
  dirs: Map<string, { bytes: number; files: number }>,
  liveBytes: number
): Pick<ContentIndex, 'dirs' | 'dirCut'> {
  const floor = Math.max(INDEX_BOUNDS.dirMinBytes, Math.ceil(liveBytes * INDEX_BOUNDS.dirShare))
  const above: PathSize[] = []
  let cut = floor - 1
  for (const [dir, d] of dirs) {
    if (d.bytes >= floor) above.push({ path: displayPath(dir), bytes: d.bytes, files: d.files })
  }
  above.sort(bySize)
  const kept = above.slice(0, INDEX_BOUNDS.dirs)
  if (above.length > kept.length) cut = above[kept.length].bytes
  return { dirs: kept, dirCut: Math.max(0, cut) }
}

/** The largest files, and the size under which files were left out. */
class TopFiles {
  private readonly list: PathSize[] = []
  private cut = 0

  constructor(private readonly limit: number) {}

  add(path: string, bytes: number): void {
    const list = this.list
    if (bytes === 0) return
    if (list.length >= this.limit && bytes <= list[list.length - 1].bytes) {
      if (bytes > this.cut) this.cut = bytes
      return
    }
    let i = list.length
    while (i > 0 && list[i - 1].bytes < bytes) i--
    list.splice(i, 0, { path, bytes })
    if (list.length > this.limit) {
      const dropped = list.pop() as PathSize
      if (dropped.bytes > this.cut) this.cut = dropped.bytes
    }
  }

  result(): Pick<ContentIndex, 'files' | 'fileCut'> {
    const files = [...this.list]
      .sort(bySize)
      .map(f => ({ path: displayPath(f.path), bytes: f.bytes }))
    return { files, fileCut: this.cut }
  }
}
