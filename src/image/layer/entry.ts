// Turns one tar header into a LayerEntry: clean path, whiteouts recognised, typeflag mapped.
// Pure, so the rules (OCI image-spec layer.md) are tested without any tar.

import type { EntryKind, LayerEntry } from '../types.js'
import { quoteName } from './errors.js'

export const WHITEOUT_PREFIX = '.wh.'
export const OPAQUE_MARKER = '.wh..wh..opq'

/** The tar header fields we read (tar.ts's TarHeader fits; tests pass plain objects). */
export interface TarHeaderLike {
  name: string
  type?: string | null
  size?: number
  mode?: number
  uid?: number
  gid?: number
  linkname?: string | null
  /** PAX records of the entry (a string map, or null). */
  pax?: unknown
}

// Names that need no cleaning: no leading `/` or `./`, no `//`, no `.`/`..` segments, no
// trailing `/`. Almost every entry of a real layer takes this path.
const NEEDS_CLEANING = /^\.?\/|\/\/|(^|\/)\.\.?(\/|$)|\/$/

/**
 * Cleans a tar entry name relative to the layer root: `./a//b/` -> `a/b`, `./` -> ``.
 * Returns undefined when the name climbs out of the root (`../x`, `a/../../x`).
 */
export function normalizeEntryPath(raw: string): string | undefined {
  if (!NEEDS_CLEANING.test(raw)) return raw
  const out: string[] = []
  for (const part of raw.split('/')) {
    if (part === '' || part === '.') continue
    if (part !== '..') out.push(part)
    else if (out.length === 0) return undefined
    else out.pop()
  }
  return out.join('/')
}

export type EntryResult = { entry: LayerEntry } | { skip: string }

/** Maps a header to an entry, or says why the entry is left out. */
export function toLayerEntry(header: TarHeaderLike): EntryResult {
  const path = normalizeEntryPath(header.name)
  if (path === undefined)
    return { skip: `entry ${quoteName(header.name)} points outside the layer root` }
  // `hash` is declared up front (set later for files) so that V8 keeps it inside the object:
  // adding it afterwards costs a separate property array, ~33 bytes per entry of the image.
  const entry: LayerEntry = {
    path,
    kind: kindOf(header.type),
    size: 0,
    mode: count(header.mode) & 0o7777,
    uid: paxNumber(header.pax, 'uid') ?? count(header.uid),
    gid: paxNumber(header.pax, 'gid') ?? count(header.gid),
    hash: undefined
  }
  if (entry.kind === 'file') entry.size = header.size ?? 0
  if (entry.kind !== 'dir') markWhiteout(entry)
  return linkTarget(entry, header)
}

function kindOf(type: string | null | undefined): EntryKind {
  switch (type) {
    case 'file':
    case 'contiguous-file':
      return 'file'
    case 'directory':
      return 'dir'
    case 'symlink':
      return 'symlink'
    case 'link':
      return 'hardlink'
    default:
      return 'other'
  }
}

// `.wh.<name>` hides <name> of lower layers; `.wh..wh..opq` hides all lower children of its
// directory. Other `.wh..wh.*` names are AUFS bookkeeping (`.wh..wh.plnk`), not whiteouts.
function markWhiteout(entry: LayerEntry): void {
  const slash = entry.path.lastIndexOf('/')
  // Almost no entry is a whiteout: test in place before slicing anything (once per entry).
  if (!entry.path.startsWith(WHITEOUT_PREFIX, slash + 1)) return
  const base = entry.path.slice(slash + 1)
  const dir = slash < 0 ? '' : entry.path.slice(0, slash)
  const name = base.slice(WHITEOUT_PREFIX.length)
  if (base === OPAQUE_MARKER) setMarker(entry, 'opaque', dir)
  else if (name.startsWith(WHITEOUT_PREFIX)) entry.kind = 'other'
  else if (name !== '' && name !== '.' && name !== '..') {
    setMarker(entry, 'whiteout', dir === '' ? name : `${dir}/${name}`)
  } else entry.kind = 'other'
}

function setMarker(entry: LayerEntry, kind: 'whiteout' | 'opaque', path: string): void {
  entry.kind = kind
  entry.path = path
  entry.size = 0
}

function linkTarget(entry: LayerEntry, header: TarHeaderLike): EntryResult {
  const raw = header.linkname ?? ''
  if (entry.kind === 'symlink') entry.linkname = raw
  if (entry.kind !== 'hardlink') return { entry }
  const target = normalizeEntryPath(raw)
  if (target === undefined || target === '') {
    return {
      skip: `hard link ${quoteName(header.name)} points outside the layer root (${quoteName(raw)})`
    }
  }
  entry.linkname = target
  return { entry }
}

/** A header number as a count: a garbled field (NaN, negative, past 2^53) reads as 0. */
function count(n: number | undefined): number {
  return n !== undefined && Number.isSafeInteger(n) && n >= 0 ? n : 0
}

// PAX records carry ids that do not fit the 7 octal digits of a ustar header.
function paxNumber(pax: unknown, key: string): number | undefined {
  if (typeof pax !== 'object' || pax === null) return undefined
  const value = (pax as Record<string, unknown>)[key]
  if (typeof value !== 'string') return undefined
  const n = Number(value)
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined
}
