// The largest files and directories a layer adds: what a reader looks at first.

import type { LayerEntry } from '../image/types.js'
import type { PathSize } from './report.js'
import { parentOf } from './stack.js'

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

/** Bytes and file counts of every directory, from the regular files below it. */
export function directoryTotals(
  entries: LayerEntry[]
): Map<string, { bytes: number; files: number }> {
  const dirs = new Map<string, { bytes: number; files: number }>()
  for (const e of entries) {
    if (e.kind !== 'file') continue
    for (let d = parentOf(e.path); d !== ''; d = parentOf(d)) {
      const t = dirs.get(d)
      if (t) {
        t.bytes += e.size
        t.files++
      } else dirs.set(d, { bytes: e.size, files: 1 })
    }
  }
  return dirs
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
