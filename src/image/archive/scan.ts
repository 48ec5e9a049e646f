// One streaming pass over an image archive (the outer tar, optionally gzip/zstd compressed).
// Every entry that sniffs as a layer is read by LayerParser as it streams past; JSON documents
// are kept (size-limited); links are recorded. Which layers belong to the image is decided
// afterwards (resolve.ts), because blobs usually come before the manifests.

import { createDecompressor } from '../layer/decompress.js'
import { explainDecompressError, quoteName } from '../layer/errors.js'
import { LayerParser, type ReadLayerOptions } from '../layer/read-layer.js'
import { describeHead, looksLikeJson, SNIFF_BYTES, sniffCompression } from '../layer/sniff.js'
import { copying, feed, guard, Sniffer, type ByteSource, type ChunkSink } from '../layer/streams.js'
import { TarError, TarParser, type TarBody, type TarHeader } from '../layer/tar.js'
import { emptyContents, type ArchiveContents, type ArchiveFile } from './contents.js'
import { linkTargetPath, normalizeArchivePath } from './paths.js'

export interface ScanOptions {
  maxJsonBytes: number
  /** Passed to every layer read (limits, warnings, estimates); `name` is set per entry. */
  layer: Omit<ReadLayerOptions, 'name' | 'onProgress'>
  /** Bytes of the archive read so far (compressed bytes for a .tar.gz). */
  onBytes?: (bytesRead: number) => void
}

/** Reads the archive once. On failure the input is destroyed. */
export function scanArchive(input: ByteSource, opts: ScanOptions): Promise<ArchiveContents> {
  return new Promise((resolve, reject) => new ArchiveScan(opts, resolve, reject).start(input))
}

const JSON_NAMES = new Set(['manifest.json', 'index.json', 'repositories', 'oci-layout'])

/**
 * The outer tar is parsed where its chunks land (TarParser); a layer entry's bytes go straight
 * into its LayerParser, so an uncompressed layer is parsed and hashed in the same call. A
 * compressed layer inflates on the thread pool and may finish after the outer parser has moved
 * on: its result is awaited before the scan resolves.
 */
class ArchiveScan {
  private readonly contents = emptyContents()
  private readonly tar = new TarParser(header => this.onEntry(header))
  private input: ByteSource | undefined
  private decompressor: { destroy(): unknown } | undefined
  private readonly layers = new Set<LayerParser>()
  private readonly pending: Promise<void>[] = []
  /** The latest entry number per path: a later entry of the same name wins, as in tar. */
  private readonly latest = new Map<string, number>()
  private entryName: string | undefined
  private entries = 0
  private bytesRead = 0
  private settled = false

  constructor(
    private readonly opts: ScanOptions,
    private readonly resolve: (contents: ArchiveContents) => void,
    private readonly reject: (err: Error) => void
  ) {}

  start(input: ByteSource): void {
    this.input = input
    const sniffer = new Sniffer(SNIFF_BYTES, head => this.outerSink(head))
    const sink = guard(sniffer, err => this.fail(this.explain(err)))
    input.pushTo(
      {
        write: chunk => {
          this.count(chunk)
          return sink.write(chunk)
        },
        end: () => sink.end(),
        once: (event, listener) => sink.once(event, listener)
      },
      err => this.fail(new Error(`cannot read it: ${err.message}`))
    )
  }

  private count(chunk: Buffer): void {
    this.bytesRead += chunk.length
    this.opts.onBytes?.(this.bytesRead)
  }

  // `docker save … | gzip` and `.tar.gz` downloads: the whole archive may be compressed.
  private outerSink(head: Buffer): ChunkSink {
    const kind = sniffCompression(head)
    if (kind === 'none') return this.tarSink()
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
    feed(
      decompressor,
      guard(this.tarSink(), err => this.fail(this.explain(err)))
    )
    this.decompressor = decompressor
    return copying(decompressor)
  }

  /** The outer tar parser; its end() completes the scan once every layer is read. */
  private tarSink(): ChunkSink {
    return {
      write: chunk => this.tar.write(chunk),
      end: () => {
        this.tar.end()
        this.finish()
      },
      once: (event, listener) => this.tar.once(event, listener)
    }
  }

  private onEntry(header: TarHeader): TarBody | undefined {
    const seq = ++this.entries
    const path = normalizeArchivePath(header.name)
    this.entryName = path ?? header.name
    if (path && (header.type === 'symlink' || header.type === 'link')) {
      const target = linkTargetPath(
        path,
        header.linkname ?? '',
        header.type === 'link' ? 'hardlink' : 'symlink'
      )
      if (target !== undefined) this.contents.links.set(path, target)
    }
    if (!path || (header.type !== 'file' && header.type !== 'contiguous-file')) return undefined
    this.latest.set(path, seq)
    const size = header.size
    return new Sniffer(SNIFF_BYTES, head => this.fileSink(path, seq, size, head))
  }

  /** Decides from the first bytes what an entry is and where its bytes go. */
  private fileSink(path: string, seq: number, size: number, head: Buffer): ChunkSink {
    const kind = sniffCompression(head)
    const keep = (file: ArchiveFile): void => this.keep(path, seq, file)
    if (isJsonName(path) || (kind === 'unknown' && looksLikeJson(head))) {
      if (size <= this.opts.maxJsonBytes) return collect(bytes => keep({ kind: 'json', bytes }))
      return discard(() => keep({ kind: 'too-large', size }))
    }
    if (kind === 'unknown') return discard(() => keep({ kind: 'other', size }))
    return this.layerSink(path, keep)
  }

  // A blob that fails to parse is kept as `broken`: it matters only if the image uses it (an
  // unused blob of another platform must not fail the read).
  private layerSink(path: string, keep: (file: ArchiveFile) => void): ChunkSink {
    const parser = new LayerParser({ ...this.opts.layer, name: path })
    this.layers.add(parser)
    this.pending.push(
      parser.result.then(
        read => keep({ kind: 'layer', read }),
        (error: Error) => keep({ kind: 'broken', error })
      )
    )
    return parser
  }

  private keep(path: string, seq: number, file: ArchiveFile): void {
    if (this.latest.get(path) === seq) this.contents.files.set(path, file)
  }

  private finish(): void {
    if (this.entries === 0) return this.fail(new Error('is an empty tar archive, not an image'))
    void Promise.all(this.pending).then(() => {
      if (this.settled) return
      this.settled = true
      this.resolve(this.contents)
    })
  }

  private fail(err: Error): void {
    if (this.settled) return
    this.settled = true
    this.reject(err)
    for (const layer of this.layers) layer.abort('the archive read stopped')
    this.decompressor?.destroy()
    this.input?.destroy()
  }

  private explain(err: unknown): Error {
    if (!(err instanceof TarError)) return err as Error
    const where =
      this.entryName === undefined ? 'at its start' : `in entry ${quoteName(this.entryName)}`
    if (err.code === 'truncated') {
      return new Error(`the archive ends ${where} (truncated file? was the save interrupted?)`)
    }
    if (err.code === 'checksum' || err.code === 'format') {
      return new Error(
        `the archive is corrupt: a tar header after ${where.replace(/^in /, '')} is not valid (damaged or truncated file?)`
      )
    }
    return new Error(`cannot read the archive (${where}): ${err.message}`)
  }
}

function isJsonName(path: string): boolean {
  return JSON_NAMES.has(path) || path.endsWith('.json')
}

/** Gathers an entry's bytes (small JSON documents); chunks are borrowed, so copied. */
function collect(onDone: (bytes: Buffer) => void): ChunkSink {
  const chunks: Buffer[] = []
  return {
    write: chunk => {
      chunks.push(Buffer.from(chunk))
      return true
    },
    end: () => onDone(Buffer.concat(chunks)),
    once: () => undefined
  }
}

function discard(onDone: () => void): ChunkSink {
  return { write: () => true, end: onDone, once: () => undefined }
}
