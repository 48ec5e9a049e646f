// What changed in the final filesystem between two content indexes (pure): packages added,
// removed, upgraded and resized; files no package owns, by directory; directories and files
// that grew, shrank, appeared or disappeared. Layers play no part: content that moved to
// another layer is not a change, and a path both images hold at the same size never shows.
//
// Bounded indexes: a path missing from one side's list is below that side's cut (dirCut,
// fileCut). It is compared only when the other side's size is above that cut, so its
// absence proves a change; its size there is then known only as "at most the cut".

import type { ContentIndex, Ecosystem, PackageInfo } from '../analysis/report.js'
import type { PathSize } from '../model.js'

export type ChangeKind = 'added' | 'removed' | 'upgraded' | 'grew' | 'shrank'

export interface PackageChange {
  ecosystem: Ecosystem
  name: string
  change: ChangeKind
  versionBefore?: string
  versionAfter?: string
  before: number
  after: number
  delta: number
  /** Layer of the side that has it (the PR's when both). */
  layer: number
}

export interface ContentPathChange {
  path: string
  change: 'added' | 'removed' | 'grew' | 'shrank'
  /** Absent: not in that side's index, where it was at most `beforeAtMost` bytes. */
  before?: number
  beforeAtMost?: number
  after?: number
  afterAtMost?: number
  delta: number
  files?: number
}

export interface ContentDiff {
  /** Every package change, largest |delta| first. */
  packages: PackageChange[]
  /** Files no package owns, by top directories. */
  unowned: ContentPathChange[]
  /** Bytes of the final filesystem, and what the layers ship beyond it (hidden by later layers). */
  live: { before: number; after: number; delta: number }
  hidden: { before: number; after: number; delta: number }
  /** Most specific directories that carry each change, largest |delta| first. */
  dirs: ContentPathChange[]
  files: ContentPathChange[]
  /** Ecosystems one side read and the other did not (their packages are not compared). */
  ecosystemsOneSide: Ecosystem[]
}

/** A directory is replaced by a subdirectory that carries at least this share of its change. */
const CARRY_SHARE = 0.8

export function diffContent(
  before: ContentIndex,
  after: ContentIndex,
  totals: { before: number; after: number }
): ContentDiff {
  const both = new Set(before.ecosystems.filter(e => after.ecosystems.includes(e)))
  const oneSide = [...new Set([...before.ecosystems, ...after.ecosystems])].filter(
    e => !both.has(e)
  )
  const hiddenBefore = Math.max(0, totals.before - before.liveBytes)
  const hiddenAfter = Math.max(0, totals.after - after.liveBytes)
  return {
    packages: packageChanges(before.packages, after.packages, both),
    unowned: groupChanges(
      // A package of an ecosystem only one side read is, on that side, counted as unowned
      // bytes in its directory: compare like with like.
      withPackagesAsUnowned(before, oneSide),
      withPackagesAsUnowned(after, oneSide)
    ),
    live: pair(before.liveBytes, after.liveBytes),
    hidden: pair(hiddenBefore, hiddenAfter),
    dirs: specific(pathChanges(before.dirs, before.dirCut, after.dirs, after.dirCut)),
    files: pathChanges(before.files, before.fileCut, after.files, after.fileCut),
    ecosystemsOneSide: oneSide
  }
}

function pair(before: number, after: number): { before: number; after: number; delta: number } {
  return { before, after, delta: after - before }
}

const key = (p: PackageInfo): string => `${p.ecosystem}\u0000${p.name}`

function packageChanges(
  before: PackageInfo[],
  after: PackageInfo[],
  ecosystems: Set<Ecosystem>
): PackageChange[] {
  const b = new Map<string, PackageInfo>()
  for (const p of before) if (ecosystems.has(p.ecosystem) && !b.has(key(p))) b.set(key(p), p)
  const a = new Map<string, PackageInfo>()
  for (const p of after) if (ecosystems.has(p.ecosystem) && !a.has(key(p))) a.set(key(p), p)
  const out: PackageChange[] = []
  for (const [k, p] of a) {
    const old = b.get(k)
    const change: ChangeKind | undefined = !old
      ? 'added'
      : old.version !== p.version
        ? 'upgraded'
        : p.bytes > old.bytes
          ? 'grew'
          : p.bytes < old.bytes
            ? 'shrank'
            : undefined
    if (!change) continue
    out.push({
      ecosystem: p.ecosystem,
      name: p.name,
      change,
      ...(old?.version !== undefined ? { versionBefore: old.version } : {}),
      ...(p.version !== undefined ? { versionAfter: p.version } : {}),
      before: old?.bytes ?? 0,
      after: p.bytes,
      delta: p.bytes - (old?.bytes ?? 0),
      layer: p.layer
    })
  }
  for (const [k, p] of b) {
    if (a.has(k)) continue
    out.push({
      ecosystem: p.ecosystem,
      name: p.name,
      change: 'removed',
      ...(p.version !== undefined ? { versionBefore: p.version } : {}),
      before: p.bytes,
      after: 0,
      delta: -p.bytes,
      layer: p.layer
    })
  }
  return out.sort(byDelta)
}

function byDelta(
  x: { delta: number; name?: string; path?: string },
  y: { delta: number; name?: string; path?: string }
): number {
  return (
    Math.abs(y.delta) - Math.abs(x.delta) ||
    (x.name ?? x.path ?? '').localeCompare(y.name ?? y.path ?? '')
  )
}

/** Unowned groups plus the packages of `ecosystems`, folded into their top directories. */
function withPackagesAsUnowned(index: ContentIndex, ecosystems: Ecosystem[]): PathSize[] {
  if (ecosystems.length === 0) return index.unowned
  const extra = index.packages.filter(p => ecosystems.includes(p.ecosystem))
  if (extra.length === 0) return index.unowned
  const groups = new Map(index.unowned.map(g => [g.path, { ...g }]))
  const label = `(packages of ${ecosystems.join(', ')} not compared)`
  const g = groups.get(label) ?? { path: label, bytes: 0, files: 0 }
  for (const p of extra) {
    g.bytes += p.bytes
    g.files = (g.files ?? 0) + p.files
  }
  groups.set(label, g)
  return [...groups.values()]
}

function groupChanges(before: PathSize[], after: PathSize[]): ContentPathChange[] {
  const b = new Map(before.map(g => [g.path, g]))
  const a = new Map(after.map(g => [g.path, g]))
  const out: ContentPathChange[] = []
  for (const [path, g] of a) {
    const old = b.get(path)
    if (old?.bytes === g.bytes) continue
    out.push(change(path, old?.bytes, g.bytes, g.files))
  }
  for (const [path, g] of b) if (!a.has(path)) out.push(change(path, g.bytes, undefined, g.files))
  return out.sort(byDelta)
}

function change(
  path: string,
  before: number | undefined,
  after: number | undefined,
  files?: number
): ContentPathChange {
  const delta = (after ?? 0) - (before ?? 0)
  return {
    path,
    change:
      before === undefined
        ? 'added'
        : after === undefined
          ? 'removed'
          : delta > 0
            ? 'grew'
            : 'shrank',
    ...(before !== undefined ? { before } : {}),
    ...(after !== undefined ? { after } : {}),
    delta,
    ...(files !== undefined ? { files } : {})
  }
}

/**
 * Changes between two bounded path lists. A path absent from one side is at most that side's
 * cut there; it is reported only when the other side is above the cut (so the absence is a
 * real change), as added/removed when the cut is 0 (nothing left out) and as grew/shrank with
 * an "at most" bound otherwise.
 */
export function pathChanges(
  before: PathSize[],
  beforeCut: number,
  after: PathSize[],
  afterCut: number
): ContentPathChange[] {
  const b = new Map(before.map(p => [p.path, p]))
  const a = new Map(after.map(p => [p.path, p]))
  const out: ContentPathChange[] = []
  for (const [path, p] of a) {
    const old = b.get(path)
    if (old) {
      if (old.bytes !== p.bytes) out.push(change(path, old.bytes, p.bytes, p.files))
      continue
    }
    if (p.bytes <= beforeCut) continue
    if (beforeCut === 0) out.push(change(path, undefined, p.bytes, p.files))
    else {
      out.push({
        path,
        change: 'grew',
        beforeAtMost: beforeCut,
        after: p.bytes,
        delta: p.bytes - beforeCut,
        ...(p.files !== undefined ? { files: p.files } : {})
      })
    }
  }
  for (const [path, p] of b) {
    if (a.has(path) || p.bytes <= afterCut) continue
    if (afterCut === 0) out.push(change(path, p.bytes, undefined, p.files))
    else {
      out.push({
        path,
        change: 'shrank',
        before: p.bytes,
        afterAtMost: afterCut,
        delta: afterCut - p.bytes,
        ...(p.files !== undefined ? { files: p.files } : {})
      })
    }
  }
  return out.sort(byDelta)
}

/**
 * The most specific directories: a directory whose change one subdirectory carries (same
 * sign, ≥ CARRY_SHARE of it) is left out for that subdirectory; the root never shows.
 */
function specific(changes: ContentPathChange[]): ContentPathChange[] {
  const byPath = new Map(changes.map(c => [c.path, c]))
  const carried = new Set<string>()
  for (const c of changes) {
    const parent = parentDir(c.path)
    if (parent === undefined) continue
    const p = byPath.get(parent)
    if (
      p &&
      Math.sign(p.delta) === Math.sign(c.delta) &&
      Math.abs(c.delta) >= CARRY_SHARE * Math.abs(p.delta)
    ) {
      carried.add(parent)
    }
  }
  return changes.filter(c => c.path !== '/' && !carried.has(c.path))
}

function parentDir(path: string): string | undefined {
  if (path === '/') return undefined
  const i = path.lastIndexOf('/')
  return i <= 0 ? '/' : path.slice(0, i)
}

/** One row of "What changed": a package, a group of unowned files, or the hidden bytes. */
export type Lead =
  | { kind: 'package'; delta: number; change: PackageChange }
  | { kind: 'unowned'; delta: number; change: ContentPathChange }
  | { kind: 'hidden'; delta: number; before: number; after: number }

export interface Leads {
  rows: Lead[]
  /** Every row there was (rows is the first `limit`). */
  count: number
  /** Signed sum of the rows' deltas over the total delta; undefined when the total is 0. */
  explained: number | undefined
  /** The changes beyond `rows`, rolled together (listed in full, collapsed, by the renderers). */
  rest?: { changes: number; delta: number }
  /** `explained` counting `rest` too: how much of the delta all listed changes account for. */
  explainedAll: number | undefined
}

/**
 * The changes that explain the total delta, largest first. Packages, unowned groups and the
 * hidden bytes partition the layers' bytes, so their deltas add up to the total delta (less
 * what the bounds rolled into `omitted`).
 */
export function leadingChanges(diff: ContentDiff, totalDelta: number, limit = 10): Leads {
  const all: Lead[] = [
    ...diff.packages.map(c => ({ kind: 'package' as const, delta: c.delta, change: c })),
    ...diff.unowned.map(c => ({ kind: 'unowned' as const, delta: c.delta, change: c })),
    ...(diff.hidden.delta !== 0 ? [{ kind: 'hidden' as const, ...diff.hidden }] : [])
  ]
  // Same-direction changes first: they are what made the image bigger (or smaller).
  const sign = Math.sign(totalDelta) || 1
  all.sort(
    (x, y) =>
      Number(Math.sign(y.delta) === sign) - Number(Math.sign(x.delta) === sign) ||
      Math.abs(y.delta) - Math.abs(x.delta)
  )
  const rows = all.slice(0, limit)
  const more = all.slice(limit)
  const share = (list: Lead[]): number | undefined =>
    totalDelta === 0 ? undefined : list.reduce((n, r) => n + r.delta, 0) / totalDelta
  return {
    rows,
    count: all.length,
    explained: share(rows),
    ...(more.length > 0
      ? { rest: { changes: more.length, delta: more.reduce((n, r) => n + r.delta, 0) } }
      : {}),
    explainedAll: share(all)
  }
}
