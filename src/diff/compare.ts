// Compares two reports (the baseline's and the PR's): layer-aligned sizes, the base image's
// move apart from the PR's own growth, paths that grew, hints new and resolved.

import type { Hint, Report } from '../analysis/report.js'
import { hintKey } from '../analysis/hints/new.js'
import { alignLayers } from './align.js'
import { diffContent, leadingChanges, type ContentDiff, type Leads } from './content.js'
import type { LayerSummary, PathSize } from '../model.js'

export type LayerStatus = 'unchanged' | 'changed' | 'added' | 'removed'

export interface PathChange {
  path: string
  before?: number
  after?: number
  delta: number
  change: 'added' | 'removed' | 'grew' | 'shrank'
}

export interface LayerDiff {
  status: LayerStatus
  before?: number
  after?: number
  createdBy: string
  bytesBefore: number
  bytesAfter: number
  delta: number
  /** The layer belongs to the base image (FROM) on the side(s) it exists. */
  base: boolean
  dockerfileLine?: number
  paths: PathChange[]
}

export interface SizePair {
  before: number
  after: number
  delta: number
}

export interface Comparison {
  total: SizePair & { ratio: number | undefined }
  compressed?: SizePair
  buildMs?: { before?: number; after?: number }
  /**
   * Bytes of the FROM layers, and whether they changed. `unknown`: the side(s) whose base
   * layers are not known (a baseline recorded without the Dockerfile); the split means
   * nothing there.
   */
  baseImage: SizePair & { changed: boolean; unknown?: 'before' | 'after' | 'both' }
  /** Bytes of the Dockerfile's own layers. */
  own: SizePair & { ratio: number | undefined }
  layers: LayerDiff[]
  /** Largest path changes over all changed layers. */
  paths: PathChange[]
  hints: { new: Hint[]; existing: Hint[]; resolved: Hint[] }
  reclaimable: SizePair
  /** The final filesystems compared (packages, directories, files), when both have an index. */
  content?: ContentDiff
  /** The changes that explain the total delta (with `content`): what the comment leads with. */
  leads?: Leads
  /** Why there is no `content` although this report has an index. */
  contentNote?: string
}

/** Said when the baseline was recorded before reports carried a content index. */
export const NO_BASELINE_INDEX =
  'the baseline was recorded before image-size-guard indexed packages and directories; that detail starts with the next recorded baseline'

const PATH_LIMIT = 10

export function compareReports(before: Report, after: Report): Comparison {
  const pairs = alignLayers(before.image.layers, after.image.layers)
  const layers = pairs.map(p => layerDiff(p, before.image.layers, after.image.layers))
  const baseBefore = baseBytes(before)
  const baseAfter = baseBytes(after)
  const total = pair(before.image.totalBytes, after.image.totalBytes)
  const own = pair(before.image.totalBytes - baseBefore, after.image.totalBytes - baseAfter)
  return {
    total: { ...total, ratio: ratio(total) },
    ...compressedPair(before, after),
    ...buildPair(before, after),
    baseImage: {
      ...pair(baseBefore, baseAfter),
      changed: baseChanged(before, after),
      ...unknownBase(before, after)
    },
    own: { ...own, ratio: ratio(own) },
    layers,
    paths: topPathChanges(layers),
    hints: hintSets(before.hints, after.hints),
    reclaimable: pair(before.waste.reclaimableBytes, after.waste.reclaimableBytes),
    ...contentOf(before, after)
  }
}

function contentOf(
  before: Report,
  after: Report
): Pick<Comparison, 'content' | 'leads' | 'contentNote'> {
  if (!after.content) return {}
  if (!before.content) return { contentNote: NO_BASELINE_INDEX }
  const content = diffContent(before.content, after.content, {
    before: before.image.totalBytes,
    after: after.image.totalBytes
  })
  return {
    content,
    leads: leadingChanges(content, after.image.totalBytes - before.image.totalBytes, LEADS)
  }
}

/** Rows of "What changed" before the rest is collapsed. */
export const LEADS = 10

function pair(before: number, after: number): SizePair {
  return { before, after, delta: after - before }
}

function ratio(p: SizePair): number | undefined {
  return p.before > 0 ? p.delta / p.before : undefined
}

function baseBytes(r: Report): number {
  return r.image.layers.filter(l => l.base).reduce((n, l) => n + l.bytes, 0)
}

function unknownBase(before: Report, after: Report): { unknown?: 'before' | 'after' | 'both' } {
  const b = before.image.baseSource === 'unknown'
  const a = after.image.baseSource === 'unknown'
  if (b && a) return { unknown: 'both' }
  if (b) return { unknown: 'before' }
  return a ? { unknown: 'after' } : {}
}

function baseChanged(before: Report, after: Report): boolean {
  const a = before.image.layers.filter(l => l.base).map(l => l.diffId)
  const b = after.image.layers.filter(l => l.base).map(l => l.diffId)
  return a.length !== b.length || a.some((d, i) => d !== b[i])
}

function compressedPair(before: Report, after: Report): Pick<Comparison, 'compressed'> {
  const b = before.image.compressedBytes
  const a = after.image.compressedBytes
  return b !== undefined && a !== undefined ? { compressed: pair(b, a) } : {}
}

function buildPair(before: Report, after: Report): Pick<Comparison, 'buildMs'> {
  const b = before.build?.durationMs
  const a = after.build?.durationMs
  if (b === undefined && a === undefined) return {}
  return {
    buildMs: { ...(b !== undefined ? { before: b } : {}), ...(a !== undefined ? { after: a } : {}) }
  }
}

function layerDiff(
  p: { before?: number; after?: number },
  beforeLayers: LayerSummary[],
  afterLayers: LayerSummary[]
): LayerDiff {
  const b = p.before === undefined ? undefined : beforeLayers[p.before]
  const a = p.after === undefined ? undefined : afterLayers[p.after]
  const status: LayerStatus = !b
    ? 'added'
    : !a
      ? 'removed'
      : b.diffId === a.diffId || sameSize(b, a)
        ? 'unchanged'
        : 'changed'
  const shown = (a ?? b) as LayerSummary
  const diff: LayerDiff = {
    status,
    ...(p.before !== undefined ? { before: p.before } : {}),
    ...(p.after !== undefined ? { after: p.after } : {}),
    createdBy: shown.createdBy,
    bytesBefore: b?.bytes ?? 0,
    bytesAfter: a?.bytes ?? 0,
    delta: (a?.bytes ?? 0) - (b?.bytes ?? 0),
    base: (b?.base ?? true) && (a?.base ?? true),
    paths: status === 'unchanged' ? [] : pathChanges(b?.topFiles ?? [], a?.topFiles ?? [])
  }
  if (a?.dockerfileLine !== undefined) diff.dockerfileLine = a.dockerfileLine
  return diff
}

/**
 * A new DiffID with the same bytes and files (`WORKDIR` after a changed parent, a rebuilt
 * timestamp) is not a change a reviewer needs to see.
 */
function sameSize(b: LayerSummary, a: LayerSummary): boolean {
  return b.bytes === a.bytes && b.files === a.files
}

/**
 * Path changes between two bounded top-N lists. A path missing from one list is only called
 * added/removed when it is larger than everything that list kept (otherwise it may simply
 * have been below that list's cut-off).
 */
export function pathChanges(
  before: PathSize[],
  after: PathSize[],
  limit = PATH_LIMIT
): PathChange[] {
  const b = new Map(before.map(p => [p.path, p.bytes]))
  const a = new Map(after.map(p => [p.path, p.bytes]))
  const cutB = before.length ? Math.min(...before.map(p => p.bytes)) : 0
  const cutA = after.length ? Math.min(...after.map(p => p.bytes)) : 0
  const changes: PathChange[] = []
  for (const [path, size] of a) {
    const old = b.get(path)
    if (old === undefined) {
      if (size >= cutB) changes.push({ path, after: size, delta: size, change: 'added' })
    } else if (old !== size) {
      changes.push({
        path,
        before: old,
        after: size,
        delta: size - old,
        change: size > old ? 'grew' : 'shrank'
      })
    }
  }
  for (const [path, size] of b) {
    if (!a.has(path) && size >= cutA)
      changes.push({ path, before: size, delta: -size, change: 'removed' })
  }
  return changes
    .sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta) || x.path.localeCompare(y.path))
    .slice(0, limit)
}

function topPathChanges(layers: LayerDiff[]): PathChange[] {
  return layers
    .flatMap(l => l.paths)
    .filter(p => p.delta > 0)
    .sort((x, y) => y.delta - x.delta || x.path.localeCompare(y.path))
    .slice(0, PATH_LIMIT)
}

function hintSets(before: Hint[], after: Hint[]): Comparison['hints'] {
  const old = new Set(before.map(hintKey))
  const now = new Set(after.map(hintKey))
  return {
    new: after.filter(h => !old.has(hintKey(h))),
    existing: after.filter(h => old.has(hintKey(h))),
    resolved: before.filter(h => !now.has(hintKey(h)))
  }
}
