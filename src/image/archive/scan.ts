// One streaming pass over an image archive (the outer tar, optionally gzip/zstd compressed).
// Every entry that sniffs as a layer is read by LayerParser as it streams past; JSON documents
// are kept (size-limited); links are recorded. Which layers belong to the image is decided
// afterwards (resolve.ts), because blobs usually come before the manifests.

import { EventEmitter } from 'node:events'
import type { Readable } from 'node:stream'
import { Writable } from 'node:stream'
import tar from 'tar-stream'
import { createDecompressor } from '../layer/decompress.js'
import { explainDecompressError, shortenDigests } from '../layer/errors.js'
import { LayerParser, type ReadLayerOptions } from '../layer/read-layer.js'
import { describeHead, looksLikeJson, SNIFF_BYTES, sniffCompression } from '../layer/sniff.js'
import { feed, SniffingWritable, type ChunkSink } from '../layer/streams.js'
import { emptyContents, type ArchiveContents, type ArchiveFile } from './contents.js'
import { linkTargetPath, normalizeArchivePath } from './paths.js'

export interface ScanOptions {
  maxJsonBytes: number
  /** Passed to every layer read (limits, warnings, estimates); `name` is set per entry. */
  layer: Omit<ReadLayerOptions, 'name' | 'onProgress'>
  /** Bytes of the archive read so far (compressed bytes for a .tar.gz). */
  onBytes?: (bytesRead: number) => void
}

/** Reads the archive once. On failure the input stream is destroyed. */
export function scanArchive(input: Readable, opts: ScanOptions): Promise<ArchiveContents> {
  return new Promise((resolve, reject) => new ArchiveScan(opts, resolve, reject).start(input))
}

type Header = tar.Header
type EntryStream = tar.ExtractEvents['entry'][1]

const JSON_NAMES = new Set(['manifest.json', 'index.json', 'repositories', 'oci-layout'])

class ArchiveScan {
  private readonly contents = emptyContents()
  private readonly extract = tar.extract()
  private input: Readable | undefined
  private decompressor: (ChunkSink & { destroy(): unknown }) | undefined
  private current: LayerParser | undefined
  private entryName: string | undefined
  private entries = 0
  private bytesRead = 0
  private settled = false

  constructor(
    private readonly opts: ScanOptions,
    private readonly resolve: (contents: ArchiveContents) => void,
    private readonly reject: (err: Error) => void
  ) {}

  start(input: Readable): void {
    this.input = input
    const sniffer = new SniffingWritable(
      SNIFF_BYTES,
      head => this.outerSink(head),
      chunk => this.count(chunk)
    )
    sniffer.on('error', err => this.fail(err))
    input.on('error', err => this.fail(new Error(`cannot read it: ${err.message}`)))
    feed(input, sniffer)
    this.extract.on('entry', (header: Header, stream: EntryStream, next: () => void) => {
      try {
        this.onEntry(header, stream, next)
      } catch (err) {
        this.fail(err as Error)
      }
    })
    this.extract.on('error', (err: Error) => this.fail(new Error(this.explainTarError(err))))
    this.extract.on('finish', () => this.finish())
  }

  private count(chunk: Buffer): void {
    this.bytesRead += chunk.length
    this.opts.onBytes?.(this.bytesRead)
  }

  // `docker save … | gzip` and `.tar.gz` downloads: the whole archive may be compressed.
  private outerSink(head: Buffer): ChunkSink {
    const kind = sniffCompression(head)
    if (kind === 'none') return this.extract
    if (kind === 'unknown') {
      throw new Error(
        `is not a tar archive (${describeHead(head)}); expected the output of docker save, podman save, ` +
          'skopeo copy (docker-archive: or oci-archive:) or buildx --output type=oci|docker'
      )
    }
    const decompressor = createDecompressor(kind)
    decompressor.on('error', err =>
      this.fail(new Error(`cannot decompress it: ${explainDecompressError(err, kind, 'file')}`))
    )
    feed(decompressor, this.extract)
    this.decompressor = decompressor
    return decompressor
  }

  private onEntry(header: Header, stream: EntryStream, next: () => void): void {
    this.entries++
    const path = normalizeArchivePath(header.name)
    this.entryName = path ?? header.name
    stream.on('error', ignore) // the extract reports the cause
    if (path && (header.type === 'symlink' || header.type === 'link')) {
      const target = linkTargetPath(
        path,
        header.linkname ?? '',
        header.type === 'link' ? 'hardlink' : 'symlink'
      )
      if (target !== undefined) this.contents.links.set(path, target)
    }
    if (path && (header.type === 'file' || header.type === 'contiguous-file')) {
      return this.readFile(path, header.size ?? 0, stream, next)
    }
    skip(stream, header.type === 'directory' ? 0 : (header.size ?? 0), next)
  }

  private readFile(path: string, size: number, stream: EntryStream, next: () => void): void {
    const sniffer = new SniffingWritable(SNIFF_BYTES, head => this.fileSink(path, size, head, next))
    sniffer.on('error', err => this.fail(err))
    feed(stream as unknown as Readable, sniffer)
  }

  /** Decides from the first bytes what an entry is and where its bytes go. */
  private fileSink(path: string, size: number, head: Buffer, next: () => void): ChunkSink {
    const kind = sniffCompression(head)
    if (isJsonName(path) || (kind === 'unknown' && looksLikeJson(head))) {
      if (size <= this.opts.maxJsonBytes)
        return collect(bytes => this.keep(path, { kind: 'json', bytes }, next))
      return discard(() => this.keep(path, { kind: 'too-large', size }, next))
    }
    if (kind === 'unknown') return discard(() => this.keep(path, { kind: 'other', size }, next))
    return this.layerSink(path, next)
  }

  // A blob that fails to parse is kept as `broken`: it matters only if the image uses it (an
  // unused blob of another platform must not fail the read).
  private layerSink(path: string, next: () => void): ChunkSink {
    const parser = new LayerParser({ ...this.opts.layer, name: path })
    const sink = new LayerEntrySink(parser.input)
    this.current = parser
    parser.result.then(
      read => this.keep(path, { kind: 'layer', read }, next),
      (error: Error) => sink.giveUp(() => this.keep(path, { kind: 'broken', error }, next))
    )
    return sink
  }

  private keep(path: string, file: ArchiveFile, next: () => void): void {
    this.current = undefined
    this.contents.files.set(path, file)
    next()
  }

  private finish(): void {
    if (this.settled) return
    this.settled = true
    if (this.entries === 0) return this.reject(new Error('is an empty tar archive, not an image'))
    this.resolve(this.contents)
  }

  private fail(err: Error): void {
    if (this.settled) return
    this.settled = true
    this.reject(err)
    this.current?.abort('the archive read stopped')
    this.extract.destroy()
    this.decompressor?.destroy()
    this.input?.destroy()
  }

  private explainTarError(err: Error): string {
    const where =
      this.entryName === undefined ? 'at its start' : `in entry ${shortenDigests(this.entryName)}`
    if (err.message.includes('Unexpected end of data')) {
      return `the archive ends ${where} (truncated file? was the save interrupted?)`
    }
    if (err.message.startsWith('Invalid tar header')) {
      return `the archive is corrupt: a tar header after ${where.replace(/^in /, '')} is not valid (damaged or truncated file?)`
    }
    return `cannot read the archive (${where}): ${err.message}`
  }
}

/** Feeds a layer parser; once the parser gives up, swallows the rest of the entry. */
class LayerEntrySink extends EventEmitter implements ChunkSink {
  private failed = false
  private ended = false
  private onEnd: (() => void) | undefined

  constructor(private readonly parser: ChunkSink) {
    super()
  }

  write(chunk: Buffer): boolean {
    if (this.failed) return true
    if (this.parser.write(chunk)) return true
    this.parser.once('drain', () => this.emit('drain'))
    return false
  }

  end(): void {
    this.ended = true
    if (this.failed) this.onEnd?.()
    else this.parser.end()
  }

  giveUp(done: () => void): void {
    this.failed = true
    this.emit('drain') // a writer waiting on the dead parser
    if (this.ended) done()
    else this.onEnd = done
  }
}

function isJsonName(path: string): boolean {
  return JSON_NAMES.has(path) || path.endsWith('.json')
}

function collect(onDone: (bytes: Buffer) => void): Writable {
  const chunks: Buffer[] = []
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk)
      callback()
    },
    final(callback) {
      onDone(Buffer.concat(chunks))
      callback()
    }
  })
}

function discard(onDone: () => void): Writable {
  return new Writable({
    write(_chunk, _encoding, callback) {
      callback()
    },
    final(callback) {
      onDone()
      callback()
    }
  })
}

// Directories, links and size-0 entries have nothing to read; `next` is deferred so that long
// runs of them do not recurse through tar-stream.
function skip(stream: EntryStream, size: number, next: () => void): void {
  if (size === 0) return queueMicrotask(next)
  stream.on('end', next)
  stream.resume()
}

function ignore(): void {}
