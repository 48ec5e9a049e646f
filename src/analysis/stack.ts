// Stacks layers the way an overlay filesystem does and accounts for every byte that is
// shipped but not visible in the final filesystem (see docs/report-schema.md, "Waste").
//
// Rules (OCI image-spec layer.md, and where dive miscounts: shared IMAGES.md §1.3):
// - `.wh.<name>` hides <name> and its whole lower subtree; `.wh..wh..opq` hides every lower
//   child of its directory. Both apply to lower layers only, before the layer's own entries.
// - A path re-added in a later layer hides its lower version: `metadata-rewrite` when the
//   content is identical (chmod/chown/touch), `overwritten` otherwise. The visible copy is
//   never waste; only hidden versions are.
// - Identical content at several live paths is `duplicate`: size × (copies − 1).
// - Hard links carry no data: a file and its same-layer hard links share one inode, whose
//   bytes become waste only when its last visible name is hidden.

import type { LayerEntry, LayerRead } from '../image/types.js'
import type { WasteItem, WasteKind } from './report.js'

/** File content shared by a file and its hard links within one layer. */
interface Inode {
  bytes: number
  hash?: string
  /** Visible names (the file and its hard links). */
  refs: number
}

/** A version of a path that is currently visible while stacking. */
export interface LiveNode {
  entry: LayerEntry
  layer: number
  inode?: Inode
}

export interface StackResult {
  /** The final filesystem: path → visible version. */
  live: Map<string, LiveNode>
  /** Every waste item, unbounded (the report keeps the largest). */
  waste: WasteItem[]
}

interface Fs {
  live: Map<string, LiveNode>
  children: Map<string, Set<string>>
  waste: WasteItem[]
}

export function parentOf(path: string): string {
  const i = path.lastIndexOf('/')
  return i < 0 ? '' : path.slice(0, i)
}

export function stackLayers(layers: LayerRead[]): StackResult {
  const fs: Fs = { live: new Map(), children: new Map(), waste: [] }
  layers.forEach((layer, index) => applyLayer(fs, layer.entries, index))
  fs.waste.push(...duplicates(fs.live))
  return { live: fs.live, waste: fs.waste }
}

function applyLayer(fs: Fs, entries: LayerEntry[], index: number): void {
  for (const e of entries) {
    if (e.kind === 'opaque') hideChildren(fs, e.path, index)
  }
  for (const e of entries) {
    if (e.kind === 'whiteout') hideSubtree(fs, e.path, index, e.path)
  }
  for (const e of entries) {
    if (e.kind !== 'whiteout' && e.kind !== 'opaque') addEntry(fs, e, index)
  }
}

function addEntry(fs: Fs, e: LayerEntry, index: number): void {
  const prev = fs.live.get(e.path)
  if (prev && prev.layer < index) replace(fs, prev, e, index)
  const node: LiveNode = { entry: e, layer: index, inode: inodeFor(fs, e, index) }
  fs.live.set(e.path, node)
  attach(fs, e.path)
}

function inodeFor(fs: Fs, e: LayerEntry, index: number): Inode | undefined {
  if (e.kind === 'file') return { bytes: e.size, hash: e.hash, refs: 1 }
  if (e.kind !== 'hardlink' || e.linkname === undefined) return undefined
  const target = fs.live.get(e.linkname)
  // A link to a file of a lower layer carries no bytes of this layer.
  if (!target?.inode || target.layer !== index) return undefined
  target.inode.refs++
  return target.inode
}

/** Drops one visible name of the node's inode; returns the bytes that became hidden. */
function release(node: LiveNode): number {
  const inode = node.inode
  if (!inode) return 0
  inode.refs--
  return inode.refs === 0 ? inode.bytes : 0
}

/** A lower version of `e.path` is replaced by `e` in layer `index`. */
function replace(fs: Fs, prev: LiveNode, e: LayerEntry, index: number): void {
  if (prev.entry.kind === 'dir') {
    if (e.kind !== 'dir') hideChildren(fs, e.path, index, e.path)
    return
  }
  fs.live.delete(prev.entry.path)
  const bytes = release(prev)
  if (bytes <= 0) return
  const same = e.kind === 'file' && prev.inode?.hash !== undefined && prev.inode.hash === e.hash
  const kind: WasteKind = same && bytes === e.size ? 'metadata-rewrite' : 'overwritten'
  fs.waste.push({ kind, path: e.path, bytes, layer: prev.layer, hiddenBy: index, files: 1 })
}

/** Hides `path` and everything below it (a `.wh.` whiteout). */
function hideSubtree(fs: Fs, path: string, index: number, group: string): void {
  const acc = new Map<number, { bytes: number; files: number }>()
  collect(fs, path, index, acc)
  pushDeleted(fs, group, index, acc)
}

/** Hides every lower child of `dir` (an opaque marker, or a dir replaced by a non-dir). */
function hideChildren(fs: Fs, dir: string, index: number, group = dir): void {
  const acc = new Map<number, { bytes: number; files: number }>()
  for (const child of [...(fs.children.get(dir) ?? [])]) {
    collect(fs, dir === '' ? child : `${dir}/${child}`, index, acc)
  }
  pushDeleted(fs, group, index, acc)
}

/** Removes lower-layer nodes at and below `path`, summing their bytes per origin layer. */
function collect(
  fs: Fs,
  path: string,
  index: number,
  acc: Map<number, { bytes: number; files: number }>
): void {
  const node = fs.live.get(path)
  if (node && node.layer >= index) return
  for (const child of [...(fs.children.get(path) ?? [])])
    collect(fs, `${path}/${child}`, index, acc)
  fs.children.delete(path)
  if (!node) return
  fs.live.delete(path)
  detach(fs, path)
  const bytes = release(node)
  if (bytes <= 0) return
  const a = acc.get(node.layer) ?? { bytes: 0, files: 0 }
  a.bytes += bytes
  a.files += 1
  acc.set(node.layer, a)
}

function pushDeleted(
  fs: Fs,
  group: string,
  index: number,
  acc: Map<number, { bytes: number; files: number }>
): void {
  for (const [layer, a] of acc) {
    fs.waste.push({
      kind: 'deleted',
      path: group,
      bytes: a.bytes,
      layer,
      hiddenBy: index,
      files: a.files
    })
  }
}

function attach(fs: Fs, path: string): void {
  if (path === '') return
  const parent = parentOf(path)
  let set = fs.children.get(parent)
  if (!set) {
    set = new Set()
    fs.children.set(parent, set)
  }
  const name = parent === '' ? path : path.slice(parent.length + 1)
  if (set.has(name)) return
  set.add(name)
  attach(fs, parent)
}

function detach(fs: Fs, path: string): void {
  const parent = parentOf(path)
  const name = parent === '' ? path : path.slice(parent.length + 1)
  fs.children.get(parent)?.delete(name)
}

/** Identical content at several live paths: every copy but one is waste. */
function duplicates(live: Map<string, LiveNode>): WasteItem[] {
  const groups = new Map<string, LiveNode[]>()
  for (const node of live.values()) {
    const e = node.entry
    if (e.kind !== 'file' || e.size === 0 || e.hash === undefined) continue
    const key = `${e.hash}:${e.size}`
    const g = groups.get(key)
    if (g) g.push(node)
    else groups.set(key, [node])
  }
  const items: WasteItem[] = []
  for (const g of groups.values()) {
    if (g.length < 2) continue
    g.sort((a, b) => a.layer - b.layer || a.entry.path.localeCompare(b.entry.path))
    const extras = g.slice(1)
    items.push({
      kind: 'duplicate',
      path: g[0].entry.path,
      bytes: g[0].entry.size * extras.length,
      layer: Math.max(...extras.map(n => n.layer)),
      files: g.length,
      otherPaths: extras.slice(0, 10).map(n => n.entry.path)
    })
  }
  return items
}
