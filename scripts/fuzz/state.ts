// The input being mutated: an outer archive (as entries, then as bytes, then wrapped in gzip or
// zstd) or the files of an OCI layout directory. Mutations reach its JSON documents and layer
// blobs the same way for both.

import { compress, decompress, sniff, type Compression } from './compress.js'
import { packItems, parseItems, type TarItem } from './tar.js'
import type { CaseOptions, DirFile, FuzzInput } from './types.js'

export interface LayerInfo {
  tar: Buffer
  compression: Compression
}

/** A file of the input that a mutation may read and replace. */
export interface Doc {
  path: string
  get(): Buffer
  set(data: Buffer): void
}

/** What a seed provides. */
export interface SeedInput {
  kind: 'archive' | 'dir'
  items?: TarItem[]
  files?: DirFile[]
  wrap?: Compression
  layers: Map<string, LayerInfo>
}

export class MutState {
  readonly kind: 'archive' | 'dir'
  private items: TarItem[] | undefined
  private bytes: Buffer | undefined
  private wrapped: Buffer | undefined
  wrap: Compression
  readonly files: DirFile[]
  /** Layer blobs whose tar is known, by path (dropped when a mutation replaces the blob). */
  readonly layers: Map<string, LayerInfo>
  /** Raised by mutations that make slow-but-legal inputs. */
  timeoutMs: number | undefined

  constructor(
    seed: SeedInput,
    readonly options: CaseOptions,
    readonly platforms: string[]
  ) {
    this.kind = seed.kind
    this.items = seed.items?.map(i => ({ ...i }))
    this.files = (seed.files ?? []).map(f => ({ ...f }))
    this.wrap = seed.wrap ?? 'none'
    this.layers = new Map(seed.layers)
  }

  /** The outer archive as entries (only before byte-level mutations). */
  entries(): TarItem[] {
    if (this.kind !== 'archive') throw new Error('not an archive')
    if (!this.items) {
      if (this.wrapped) throw new Error('entries() after wrapping')
      this.items = parseItems(this.bytes ?? Buffer.alloc(0))
      this.bytes = undefined
    }
    return this.items
  }

  /** The outer tar bytes (packs the entries on first use). */
  tarBytes(): Buffer {
    if (this.wrapped) throw new Error('tarBytes() after wrapping')
    if (!this.bytes) {
      this.bytes = packItems(this.items ?? [])
      this.items = undefined
    }
    return this.bytes
  }

  setTarBytes(bytes: Buffer): void {
    this.items = undefined
    this.bytes = bytes
  }

  /** The compressed archive (wraps it, with `kind` if it was not wrapped yet). */
  wrappedBytes(kind: Exclude<Compression, 'none'> = 'gzip'): Buffer {
    if (!this.wrapped) {
      if (this.wrap === 'none') this.wrap = kind
      this.wrapped = compress(this.tarBytes(), this.wrap)
    }
    return this.wrapped
  }

  setWrappedBytes(bytes: Buffer): void {
    this.wrapped = bytes
  }

  isWrapped(): boolean {
    return this.wrapped !== undefined
  }

  toInput(): FuzzInput {
    if (this.kind === 'dir') return { kind: 'dir', files: this.files }
    const bytes = this.wrap === 'none' ? this.tarBytes() : this.wrappedBytes()
    return { kind: 'archive', bytes }
  }

  /** Every regular file of the input (archive entries or directory files). */
  docs(): Doc[] {
    if (this.kind === 'dir') {
      return this.files
        .filter(f => f.data !== undefined && (f.kind ?? 'file') === 'file')
        .map(f => ({ path: f.path, get: () => f.data!, set: data => this.replaceFile(f, data) }))
    }
    return this.entries()
      .filter(i => i.type === 'file')
      .map(i => ({ path: i.name, get: () => i.data, set: data => this.replaceItem(i, data) }))
  }

  private replaceFile(f: DirFile, data: Buffer): void {
    this.layers.delete(f.path)
    f.data = data
  }

  private replaceItem(i: TarItem, data: Buffer): void {
    this.layers.delete(i.name)
    i.data = data
  }

  /** Adds a regular file (an archive entry at the end, or a directory file). */
  addFile(path: string, data: Buffer): Doc {
    if (this.kind === 'dir') this.files.push({ path, data })
    else this.entries().push({ name: path, type: 'file', data })
    return this.docs()
      .filter(d => d.path === path)
      .at(-1)!
  }

  /** Documents that parse as JSON, with their values. */
  jsonDocs(): { doc: Doc; value: unknown }[] {
    const out: { doc: Doc; value: unknown }[] = []
    for (const doc of this.docs()) {
      const data = doc.get()
      if (data.length > 4 * 1024 * 1024 || !/^\s*[[{]/.test(data.toString('utf8', 0, 64))) continue
      try {
        out.push({ doc, value: JSON.parse(data.toString('utf8')) })
      } catch {
        // not JSON
      }
    }
    return out
  }

  /** Layer blobs: known ones first, else anything that sniffs as tar, gzip or zstd. */
  layerDocs(): Doc[] {
    const docs = this.docs()
    const known = docs.filter(d => this.layers.has(d.path))
    if (known.length > 0) return known
    return docs.filter(d => sniff(d.get()) !== 'unknown')
  }

  /** The uncompressed tar of a layer blob, when it can be had. */
  layerTar(doc: Doc): LayerInfo | undefined {
    return this.layers.get(doc.path) ?? decompress(doc.get())
  }

  /** Replaces a layer blob by `tar`, compressed as given (the layer stays known). */
  setLayer(doc: Doc, tar: Buffer, compression: Compression): void {
    doc.set(compress(tar, compression))
    this.layers.set(doc.path, { tar, compression })
  }
}
