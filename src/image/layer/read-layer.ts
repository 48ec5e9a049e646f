// Reads one layer blob in a single streaming pass: sniff the compression, decompress, parse the
// tar, hash every regular file. Nothing is buffered beyond a chunk in flight.

import { createHash } from 'node:crypto'
import type { Readable } from 'node:stream'
import * as zlib from 'node:zlib'
import tar from 'tar-stream'
import type { Compression, LayerEntry, LayerRead } from '../types.js'
import { createDecompressor } from './decompress.js'
import { toLayerEntry } from './entry.js'
import { explainDecompressError, explainTarError, layerLabel, position } from './errors.js'
import { describeHead, SNIFF_BYTES, sniffCompression } from './sniff.js'
import { feed, SniffingWritable, TeeSink, type ChunkSink } from './streams.js'

export const DEFAULT_MAX_ENTRIES = 5_000_000
export const DEFAULT_MAX_PATH_LENGTH = 4096
/** `hash` keeps the first 32 hex digits (128 bits) of the sha256. */
export const HASH_HEX_LENGTH = 32
export const EMPTY_FILE_HASH = createHash('sha256').digest('hex').slice(0, HASH_HEX_LENGTH)

export interface ReadLayerOptions {
  /** Names the layer in errors and warnings, e.g. the archive entry `blobs/sha256/…`. */
  name?: string
  maxEntries?: number
  maxPathLength?: number
  /** Called with the blob bytes read so far, once per chunk. */
  onProgress?: (bytes: number) => void
  /** Entries that are skipped (paths escaping the root) and other oddities. */
  onWarning?: (message: string) => void
  /** Gzip an uncompressed layer on the side to fill `estimatedGzipBytes` (costs CPU). */
  estimateCompressed?: boolean
  /** Regular files whose bytes to keep in `contents` (small package databases). */
  wantContent?: (path: string, size: number) => boolean
}

/** Kept content per layer read: a hostile layer cannot make us hold more than this. */
export const MAX_KEPT_CONTENT_BYTES = 64 * 1024 * 1024

/** Reads one layer blob (tar, tar+gzip or tar+zstd). On failure the stream is destroyed. */
export function readLayer(stream: Readable, opts: ReadLayerOptions = {}): Promise<LayerRead> {
  const parser = new LayerParser(opts)
  stream.on('error', err => parser.abort(`cannot read the blob: ${err.message}`))
  feed(stream, parser.input)
  return parser.result.catch((err: unknown) => {
    stream.destroy()
    throw err
  })
}

type Header = tar.Header & { byteOffset?: number }
type EntryStream = tar.ExtractEvents['entry'][1]

/**
 * The writable end of a layer read: write the blob into `input`, await `result`. The archive
 * reader feeds tar entries in here directly.
 */
export class LayerParser {
  readonly input: SniffingWritable
  readonly result: Promise<LayerRead>
  private settle!: { resolve: (read: LayerRead) => void; reject: (err: Error) => void }
  private done = false
  private readonly label: string
  private readonly maxEntries: number
  private readonly maxPathLength: number
  private readonly entries: LayerEntry[] = []
  private compression: Compression = 'none'
  private blobBytes = 0
  private tarBytes = 0
  private count = 0
  private skipped = 0
  private lastPath: string | undefined
  private dataEnd = 0 // end of the last entry's data, to notice a missing end-of-archive marker
  private pending = 1 // the tar parse, plus the gzip estimate when asked for
  private estimatedGzipBytes: number | undefined
  private readonly contents = new Map<string, Uint8Array>()
  private keptBytes = 0
  /** Everything this read created, destroyed together when it fails. */
  private readonly parts: { destroy(): unknown }[] = []

  constructor(private readonly opts: ReadLayerOptions) {
    this.label = layerLabel(opts.name)
    this.maxEntries = opts.maxEntries ?? DEFAULT_MAX_ENTRIES
    this.maxPathLength = opts.maxPathLength ?? DEFAULT_MAX_PATH_LENGTH
    this.result = new Promise((resolve, reject) => (this.settle = { resolve, reject }))
    this.input = new SniffingWritable(
      SNIFF_BYTES,
      head => this.start(head),
      chunk => this.countBlobBytes(chunk)
    )
    this.input.on('error', err => this.fail(err))
  }

  /** Stops the read with `layer <name>: <detail>`. */
  abort(detail: string): void {
    this.fail(this.error(detail))
  }

  private countBlobBytes(chunk: Buffer): void {
    this.blobBytes += chunk.length
    this.opts.onProgress?.(this.blobBytes)
  }

  private start(head: Buffer): ChunkSink {
    const kind = sniffCompression(head)
    if (kind === 'unknown') {
      throw this.error(`is not a tar, gzip or zstd stream (${describeHead(head)})`)
    }
    this.compression = kind
    const extract = this.createExtract()
    if (kind === 'none') return this.opts.estimateCompressed ? this.withEstimate(extract) : extract
    const decompressor = createDecompressor(kind)
    decompressor.on('error', err => this.fail(this.error(explainDecompressError(err, kind))))
    feed(decompressor, extract, chunk => (this.tarBytes += chunk.length))
    this.parts.push(decompressor)
    return decompressor
  }

  // Registry size of an uncompressed layer is unknown; gzip it on the thread pool to estimate.
  private withEstimate(extract: tar.Extract): ChunkSink {
    this.pending++
    let bytes = 0
    const gzip = zlib.createGzip({ chunkSize: 128 * 1024 })
    gzip.on('data', (chunk: Buffer) => (bytes += chunk.length))
    gzip.on('error', err => this.fail(this.error(`cannot estimate the gzip size: ${err.message}`)))
    gzip.on('end', () => {
      this.estimatedGzipBytes = bytes
      this.partDone()
    })
    this.parts.push(gzip)
    return new TeeSink(extract, gzip)
  }

  private createExtract(): tar.Extract {
    const extract = tar.extract()
    extract.on('entry', (header: Header, stream: EntryStream, next: () => void) => {
      try {
        this.onEntry(header, stream, next)
      } catch (err) {
        this.fail(err as Error)
      }
    })
    extract.on('error', (err: Error) => this.fail(this.error(explainTarError(err, this.where()))))
    extract.on('finish', () => this.partDone())
    this.parts.push(extract)
    return extract
  }

  private onEntry(header: Header, stream: EntryStream, next: () => void): void {
    if (++this.count > this.maxEntries) throw this.tooManyEntries()
    // tar-stream hands directories no content stream, whatever their size field says.
    const size = header.type === 'directory' ? 0 : (header.size ?? 0)
    this.dataEnd = (header.byteOffset ?? 0) + size + ((512 - (size % 512)) % 512)
    const result = toLayerEntry(header)
    if ('skip' in result) {
      this.skip(result.skip)
      return drain(stream, size, next)
    }
    const entry = result.entry
    if (entry.path.length > this.maxPathLength) throw this.pathTooLong(entry.path)
    this.entries.push(entry)
    this.lastPath = entry.path
    if (entry.kind === 'file') return this.hash(entry, stream, size, next)
    drain(stream, size, next)
  }

  // The one place file content is touched: it streams through the hash once.
  private hash(entry: LayerEntry, stream: EntryStream, size: number, next: () => void): void {
    if (size === 0) {
      entry.hash = EMPTY_FILE_HASH
      return queueMicrotask(next)
    }
    const hash = createHash('sha256')
    const keep = this.keeps(entry.path, size) ? ([] as Buffer[]) : undefined
    stream.on('data', chunk => {
      hash.update(chunk as Buffer)
      keep?.push(chunk as Buffer)
    })
    stream.on('end', () => {
      entry.hash = hash.digest('hex').slice(0, HASH_HEX_LENGTH)
      if (keep) this.contents.set(entry.path, Buffer.concat(keep))
      next()
    })
    stream.on('error', ignore) // the extract reports the cause
  }

  private keeps(path: string, size: number): boolean {
    if (!this.opts.wantContent?.(path, size)) return false
    if (this.keptBytes + size > MAX_KEPT_CONTENT_BYTES) {
      this.warn(`not reading ${path}: over ${MAX_KEPT_CONTENT_BYTES} bytes of package databases`)
      return false
    }
    this.keptBytes += size
    return true
  }

  private partDone(): void {
    if (--this.pending === 0) this.finish()
  }

  private finish(): void {
    const tarBytes = this.compression === 'none' ? this.blobBytes : this.tarBytes
    if (this.count > 0 && tarBytes <= this.dataEnd) {
      this.warn('the tar stream has no end-of-archive marker; the blob may be truncated')
    }
    const read: LayerRead = {
      entries: this.entries,
      tarBytes,
      blobBytes: this.blobBytes,
      compression: this.compression
    }
    if (this.skipped > 0) read.skippedEntries = this.skipped
    if (this.estimatedGzipBytes !== undefined) read.estimatedGzipBytes = this.estimatedGzipBytes
    if (this.contents.size > 0) read.contents = this.contents
    this.succeed(read)
  }

  private skip(reason: string): void {
    this.skipped++
    this.warn(`skipped ${reason}`)
  }

  private warn(message: string): void {
    this.opts.onWarning?.(`${this.label}: ${message}`)
  }

  private succeed(read: LayerRead): void {
    if (this.done) return
    this.done = true
    this.settle.resolve(read)
  }

  private fail(err: Error): void {
    if (this.done) return
    this.done = true
    this.settle.reject(err)
    for (const part of this.parts) part.destroy()
    this.input.destroy()
  }

  private where(): string {
    return position(this.lastPath, this.count)
  }

  private error(detail: string): Error {
    return new Error(`${this.label}: ${detail}`)
  }

  private tooManyEntries(): Error {
    return this.error(
      `has more than ${this.maxEntries} entries, the limit; raise it with --max-entries (CLI) or the max-entries input`
    )
  }

  private pathTooLong(path: string): Error {
    return this.error(
      `has an entry path of ${path.length} characters ("${path.slice(0, 60)}…"), over the limit of ${this.maxPathLength}; ` +
        'raise it with --max-path-length (CLI) or the max-path-length input'
    )
  }
}

// Entries without content (or whose content we do not need) are skipped; size-0 entries have
// nothing to read, and `next` is deferred so long runs of them do not recurse.
function drain(stream: EntryStream, size: number, next: () => void): void {
  if (size === 0) return queueMicrotask(next)
  stream.on('end', next)
  stream.on('error', ignore)
  stream.resume()
}

function ignore(): void {}
