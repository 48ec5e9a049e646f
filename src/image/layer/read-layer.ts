// Reads one layer blob in a single streaming pass: sniff the compression, decompress, parse the
// tar, hash every regular file. Nothing is buffered beyond a chunk in flight. An uncompressed
// layer (docker save's layer.tar) is parsed and hashed synchronously, in the write() call that
// brings its bytes: no stream objects, events or promises per entry.

import { EventEmitter } from 'node:events'
import type { Readable } from 'node:stream'
import * as zlib from 'node:zlib'
import type { ElfInfo, LayerEntry, LayerRead } from '../types.js'
import { createDecompressor } from './decompress.js'
import { toLayerEntry } from './entry.js'
import { explainDecompressError, explainTarError, layerLabel, oneLine, position } from './errors.js'
import { ELF_MIN_BYTES, ElfProbe, isElfMagic } from './elf.js'
import { EMPTY_FILE_HASH, FileHasher, scratchBuffer } from './hash.js'
import { describeHead, SNIFF_BYTES, sniffCompression } from './sniff.js'
import {
  copying,
  feed,
  guard,
  readableSource,
  Sniffer,
  SinkWritable,
  TeeSink,
  type ByteSource,
  type ChunkSink
} from './streams.js'
import { TarError, TarParser, type TarBody, type TarHeader } from './tar.js'
import type { Compression } from '../../model.js'

export const DEFAULT_MAX_ENTRIES = 5_000_000
export const DEFAULT_MAX_PATH_LENGTH = 4096

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
  /**
   * The chunks written are the caller's to give away (fresh buffers from an HTTP body, never
   * reused): the decompressor may keep them without a copy.
   */
  ownedChunks?: boolean
  /** Regular files whose bytes to keep in `contents` (small package databases). */
  wantContent?: (path: string, size: number) => boolean
}

/** Kept content per layer read: a hostile layer cannot make us hold more than this. */
export const MAX_KEPT_CONTENT_BYTES = 64 * 1024 * 1024

const EMPTY = Buffer.alloc(0)

/**
 * A file's body when more than its hash is wanted: the kept content, and an ELF probe made
 * only when the first bytes are ELF's magic (one object per file; most files are not ELF).
 */
class FileWatch implements TarBody {
  private probe: ElfProbe | undefined
  /** Bytes seen before the first four arrived (usually empty: a chunk holds more). */
  private head: Buffer | undefined = EMPTY

  constructor(
    private readonly hasher: FileHasher,
    private readonly entry: LayerEntry,
    private readonly keep: Buffer[] | undefined,
    private readonly contents: Map<string, Uint8Array>,
    private readonly elf: Map<string, ElfInfo>
  ) {}

  write(chunk: Buffer): boolean {
    if (this.head !== undefined) {
      // The magic is 4 bytes: a first chunk shorter than that waits for the next one. The usual
      // first chunk is looked at in place (copying it would copy most small files whole).
      const head = this.head.length === 0 ? chunk : Buffer.concat([this.head, chunk])
      if (head.length < 4 && head.length < this.entry.size) this.head = Buffer.from(head)
      else {
        this.head = undefined
        if (this.entry.size >= ELF_MIN_BYTES && isElfMagic(head)) {
          this.probe = new ElfProbe(this.entry.size)
          this.probe.write(head)
        }
      }
    } else this.probe?.write(chunk)
    return this.hasher.write(chunk)
  }

  end(): void {
    this.hasher.end()
    if (this.keep) this.contents.set(this.entry.path, Buffer.concat(this.keep))
    const info = this.probe?.finish()
    if (info) this.elf.set(this.entry.path, info)
  }

  once(): void {}
}

/** Reads one layer blob (tar, tar+gzip or tar+zstd). On failure the stream is destroyed. */
export function readLayer(stream: Readable, opts: ReadLayerOptions = {}): Promise<LayerRead> {
  return readLayerFrom(readableSource(stream), opts)
}

/** readLayer for any ByteSource (e.g. fileSource). On failure the source is destroyed. */
export function readLayerFrom(source: ByteSource, opts: ReadLayerOptions = {}): Promise<LayerRead> {
  const parser = new LayerParser(opts)
  source.pushTo(parser, err => parser.abort(`cannot read the blob: ${err.message}`))
  return parser.result.catch((err: unknown) => {
    source.destroy()
    throw err
  })
}

/**
 * The writable end of a layer read: write the blob (write/end, or pipe into `input`), await
 * `result`. write() never throws: a failure settles `result`, and the rest of the blob is
 * swallowed, so the archive reader can go on past a broken blob it may not need.
 */
export class LayerParser extends EventEmitter implements ChunkSink {
  readonly result: Promise<LayerRead>
  private settle!: { resolve: (read: LayerRead) => void; reject: (err: Error) => void }
  private done = false
  /** A 'drain' listener is set on the sink below (one at a time, however many writes came). */
  private waiting = false
  private readonly label: string
  private readonly maxEntries: number
  private readonly maxPathLength: number
  private readonly entries: LayerEntry[] = []
  private readonly sniffer: Sniffer
  private readonly scratch = scratchBuffer()
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
  private readonly elf = new Map<string, ElfInfo>()
  private keptBytes = 0
  /** Everything this read created, destroyed together when it fails. */
  private readonly parts: { destroy(): unknown }[] = []

  constructor(private readonly opts: ReadLayerOptions) {
    super()
    this.label = layerLabel(opts.name)
    this.maxEntries = opts.maxEntries ?? DEFAULT_MAX_ENTRIES
    this.maxPathLength = opts.maxPathLength ?? DEFAULT_MAX_PATH_LENGTH
    this.result = new Promise((resolve, reject) => (this.settle = { resolve, reject }))
    this.sniffer = new Sniffer(SNIFF_BYTES, head => this.start(head))
  }

  /** A Node Writable over this parser, for callers that pipe (made on demand: most don't). */
  get input(): SinkWritable {
    return (this.writable ??= new SinkWritable(this))
  }

  private writable: SinkWritable | undefined

  write(chunk: Buffer): boolean {
    if (this.done) return true
    this.blobBytes += chunk.length
    this.opts.onProgress?.(this.blobBytes)
    try {
      if (this.sniffer.write(chunk)) return true
    } catch (err) {
      this.failWith(err)
      return true
    }
    if (!this.waiting) {
      this.waiting = true
      this.sniffer.once('drain', () => {
        this.waiting = false
        this.emit('drain')
      })
    }
    return false
  }

  end(): void {
    if (this.done) return
    try {
      this.sniffer.end()
    } catch (err) {
      this.failWith(err)
    }
  }

  /** Stops the read with `layer <name>: <detail>`. */
  abort(detail: string): void {
    this.fail(this.error(detail))
  }

  private start(head: Buffer): ChunkSink {
    const kind = sniffCompression(head)
    if (kind === 'unknown') {
      throw this.error(`is not a tar, gzip or zstd stream (${describeHead(head)})`)
    }
    this.compression = kind
    const tar = this.tarInput()
    if (kind === 'none') return this.opts.estimateCompressed ? this.withEstimate(tar) : tar
    const decompressor = createDecompressor(kind)
    decompressor.on('error', err => this.fail(this.error(explainDecompressError(err, kind))))
    const output = guard(tar, err => this.failWith(err))
    feed(decompressor, output, chunk => (this.tarBytes += chunk.length))
    this.parts.push(decompressor)
    return this.opts.ownedChunks ? decompressor : copying(decompressor)
  }

  /** The tar parser as a sink whose end() also completes the read. */
  private tarInput(): ChunkSink {
    const parser = new TarParser(header => this.onEntry(header))
    return {
      write: chunk => parser.write(chunk),
      end: () => {
        parser.end()
        this.partDone()
      },
      once: (event, listener) => parser.once(event, listener)
    }
  }

  // Registry size of an uncompressed layer is unknown; gzip it on the thread pool to estimate.
  private withEstimate(tar: ChunkSink): ChunkSink {
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
    return new TeeSink(tar, copying(gzip))
  }

  private onEntry(header: TarHeader): TarBody | undefined {
    if (++this.count > this.maxEntries) throw this.tooManyEntries()
    const size = header.type === 'directory' ? 0 : header.size
    this.dataEnd = header.byteOffset + size + ((512 - (size % 512)) % 512)
    const result = toLayerEntry(header)
    if ('skip' in result) {
      this.skip(result.skip)
      return undefined
    }
    const entry = result.entry
    if (entry.path.length > this.maxPathLength) throw this.pathTooLong(entry.path)
    this.entries.push(entry)
    this.lastPath = entry.path
    return entry.kind === 'file' ? this.hasher(entry) : undefined
  }

  // The one place file content is touched: it streams through the hash once.
  private hasher(entry: LayerEntry): TarBody | undefined {
    if (entry.size === 0) {
      entry.hash = EMPTY_FILE_HASH
      return undefined
    }
    const keeps = this.keeps(entry.path, entry.size)
    const keep: Buffer[] | undefined = keeps ? [] : undefined
    const hasher = new FileHasher(entry, this.scratch, keep)
    if (!keeps && entry.size < ELF_MIN_BYTES) return hasher
    return new FileWatch(hasher, entry, keep, this.contents, this.elf)
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
    if (this.elf.size > 0) read.elf = this.elf
    this.succeed(read)
  }

  private skip(reason: string): void {
    this.skipped++
    this.warn(`skipped ${reason}`)
  }

  private warn(message: string): void {
    // Names from the archive are in it: one clean line, whatever they hold.
    this.opts.onWarning?.(oneLine(`${this.label}: ${message}`))
  }

  private succeed(read: LayerRead): void {
    if (this.done) return
    this.done = true
    this.settle.resolve(read)
    // A compressed stream can end before its blob does (trailing bytes after the last gzip
    // member): a writer told to wait for a decompressor that is finished would wait forever.
    this.emit('drain')
  }

  private fail(err: Error): void {
    if (this.done) return
    this.done = true
    this.settle.reject(err)
    for (const part of this.parts) part.destroy()
    this.emit('drain') // a writer waiting on a decompressor that is gone
  }

  /** Errors thrown by the tar parser get the layer's name and the parser's position. */
  private failWith(err: unknown): void {
    if (err instanceof TarError) this.fail(this.error(explainTarError(err, this.where())))
    else this.fail(err as Error)
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
