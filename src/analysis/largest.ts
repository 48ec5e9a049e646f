// The largest files and directories a layer adds: what a reader looks at first.

import type { LayerEntry } from '../image/types.js'
import { parentOf } from './stack.js'
import type { PathSize } from '../model.js'

/** A directory is shown only when no single subdirectory holds this share of its bytes. */
const BULK_SHARE = 0.8

export function largestFiles(entries: LayerEntry[], limit: number): PathSize[] {
  const files: PathSize[] = []
  for (const e of entries) {
    if (e.kind !== 'file' || e.size === 0) continue
    if (files.length < limit || e.size > files[files.length - 1].bytes) {
      insertSorted(files, { path: e.path, bytes: e.size }, limit)
    }
  }
  return files
}

function insertSorted(list: PathSize[], item: PathSize, limit: number): void {
  let i = list.length
  while (i > 0 && (list[i - 1].bytes < item.bytes || tieBefore(item, list[i - 1]))) i--
  list.splice(i, 0, item)
  if (list.length > limit) list.pop()
}

function tieBefore(a: PathSize, b: PathSize): boolean {
  return a.bytes === b.bytes && a.path < b.path
}

type Totals = { bytes: number; files: number }

/** Bytes and file counts of every directory, from the regular files below it. */
export function directoryTotals(entries: LayerEntry[]): Map<string, Totals> {
  const dirs = new Map<string, Totals>()
  // A tar lists a directory's files together: the totals of the last file's ancestors are
  // reused while the parent stays the same, instead of slicing every ancestor path per file.
  let lastParent: string | undefined
  let chain: Totals[] = []
  for (const e of entries) {
    if (e.kind !== 'file') continue
    if (lastParent === undefined || !isChildOf(e.path, lastParent)) {
      lastParent = parentOf(e.path)
      chain = ancestorTotals(dirs, lastParent)
    }
    for (const t of chain) {
      t.bytes += e.size
      t.files++
    }
  }
  return dirs
}

/** `path` is directly inside `dir` (`` is the root). */
function isChildOf(path: string, dir: string): boolean {
  if (dir === '') return !path.includes('/')
  return (
    path.length > dir.length + 1 &&
    path.charCodeAt(dir.length) === 0x2f &&
    path.startsWith(dir) &&
    path.indexOf('/', dir.length + 1) < 0
  )
}

/** The totals of `dir` and each directory above it (created at zero when new). */
function ancestorTotals(dirs: Map<string, Totals>, dir: string): Totals[] {
  const chain: Totals[] = []
  for (let d = dir; d !== ''; d = parentOf(d)) {
    let t = dirs.get(d)
    if (!t) {
      t = { bytes: 0, files: 0 }
      dirs.set(d, t)
    }
    chain.push(t)
  }
  return chain
}

/**
 * The largest directories, each at the most specific level that still holds the bulk:
 * `/usr` is skipped when `/usr/lib/gcc` holds 80% of it, so the list names the real culprit.
 */
export function largestDirs(entries: LayerEntry[], limit: number): PathSize[] {
  const dirs = directoryTotals(entries)
  const biggestChild = new Map<string, number>()
  for (const [d, t] of dirs) {
    const p = parentOf(d)
    if (p !== '' && t.bytes > (biggestChild.get(p) ?? 0)) biggestChild.set(p, t.bytes)
  }
  const picked: PathSize[] = []
  for (const [d, t] of dirs) {
    if (t.bytes === 0 || (biggestChild.get(d) ?? 0) >= BULK_SHARE * t.bytes) continue
    insertSorted(picked, { path: d, bytes: t.bytes, files: t.files }, limit)
  }
  return picked
}
