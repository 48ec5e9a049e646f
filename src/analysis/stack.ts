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

/**
 * File content shared by a file and its hard links within one layer. Made only when a hard
 * link appears: a file without links is its own inode (its entry has the size and hash), which
 * saves an object per file of the image.
 */
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
  /** Directory path → full paths of its children (full paths: no strings to build per entry). */
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
  if (e.kind !== 'hardlink' || e.linkname === undefined) return undefined
  const target = fs.live.get(e.linkname)
  // A link to a file of a lower layer carries no bytes of this layer.
  if (!target || target.layer !== index) return undefined
  if (!target.inode && target.entry.kind !== 'file') return undefined
  const t = target.entry
  const inode = (target.inode ??= { bytes: t.size, hash: t.hash, refs: 1 })
  inode.refs++
  return inode
}

/** Drops one visible name of the node's inode; returns the bytes that became hidden. */
function release(node: LiveNode): number {
  const inode = node.inode
  if (!inode) return node.entry.kind === 'file' ? node.entry.size : 0
  inode.refs--
  return inode.refs === 0 ? inode.bytes : 0
}

/** The content hash of a visible version, through its inode when it has one. */
function contentHash(node: LiveNode): string | undefined {
  if (node.inode) return node.inode.hash
  return node.entry.kind === 'file' ? node.entry.hash : undefined
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
  const prevHash = contentHash(prev)
  const same = e.kind === 'file' && prevHash !== undefined && prevHash === e.hash
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
  for (const child of [...(fs.children.get(dir) ?? [])]) collect(fs, child, index, acc)
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
  for (const child of [...(fs.children.get(path) ?? [])]) collect(fs, child, index, acc)
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
  if (set.has(path)) return
  set.add(path)
  attach(fs, parent)
}

function detach(fs: Fs, path: string): void {
  fs.children.get(parentOf(path))?.delete(path)
}

/** Identical content at several live paths: every copy but one is waste. */
function duplicates(live: Map<string, LiveNode>): WasteItem[] {
  // Keyed by the hash string the entry already holds (no key to build per file), and a lone
  // node is stored as itself: most content is unique, and 200k arrays and keys were most of
  // the analysis' garbage.
  const byHash = new Map<string, LiveNode | LiveNode[]>()
  for (const node of live.values()) {
    const e = node.entry
    if (e.kind !== 'file' || e.size === 0 || e.hash === undefined) continue
    const seen = byHash.get(e.hash)
    if (seen === undefined) byHash.set(e.hash, node)
    else if (Array.isArray(seen)) seen.push(node)
    else byHash.set(e.hash, [seen, node])
  }
  const items: WasteItem[] = []
  for (const nodes of byHash.values()) {
    if (!Array.isArray(nodes)) continue
    for (const group of bySize(nodes)) if (group.length > 1) items.push(duplicateItem(group))
  }
  return items
}

// A group is content that is identical: same hash and same size.
function bySize(nodes: LiveNode[]): LiveNode[][] {
  const size = nodes[0].entry.size
  if (nodes.every(n => n.entry.size === size)) return [nodes]
  const groups = new Map<number, LiveNode[]>()
  for (const n of nodes) {
    const g = groups.get(n.entry.size)
    if (g) g.push(n)
    else groups.set(n.entry.size, [n])
  }
  return [...groups.values()]
}

function duplicateItem(g: LiveNode[]): WasteItem {
  g.sort((a, b) => a.layer - b.layer || a.entry.path.localeCompare(b.entry.path))
  const extras = g.slice(1)
  return {
    kind: 'duplicate',
    path: g[0].entry.path,
    bytes: g[0].entry.size * extras.length,
    layer: Math.max(...extras.map(n => n.layer)),
    files: g.length,
    otherPaths: extras.slice(0, 10).map(n => n.entry.path)
  }
}
