// A push-style tar reader: each chunk is parsed synchronously where it lands, and entry data is
// handed out as slices of that chunk. Nothing is allocated per entry but the header object.
//
// Why not tar-stream: it builds a streamx Readable per entry and moves every slice through its
// queues and events. Over a saved 1.2 GB image of 43k entries (outer tar and every layer tar,
// headers only), tar-stream took 1.7 s of CPU and this loop 0.75 s (`npm run bench -- --micro`,
// docs/benchmarks.md); an image is hundreds of thousands of entries. The header rules follow
// tar-stream 3.x (ustar and GNU headers, base-256 numbers, GNU long names, PAX records with
// global defaults, the same errors), so both read the same entries.

export type TarType =
  | 'file'
  | 'link'
  | 'symlink'
  | 'character-device'
  | 'block-device'
  | 'directory'
  | 'fifo'
  | 'contiguous-file'

export interface TarHeader {
  name: string
  /** null for typeflags this reader does not know (they are still skipped correctly). */
  type: TarType | null
  size: number
  mode: number
  uid: number
  gid: number
  linkname: string | null
  /** The entry's PAX records (global ones included), or null. */
  pax: Record<string, string> | null
  /** Offset in the tar stream where the entry's data starts (just after its header). */
  byteOffset: number
}

/** Where an entry's data goes: write() returns false when the body wants a pause. */
export interface TarBody {
  write(chunk: Buffer): boolean
  end(): void
  once(event: 'drain', listener: () => void): unknown
}

/** Returns where the entry's data goes; undefined skips it. May throw to stop the read. */
export type TarEntryHandler = (header: TarHeader) => TarBody | undefined

export type TarErrorCode = 'truncated' | 'checksum' | 'format' | 'long-header' | 'size'

export class TarError extends Error {
  constructor(
    readonly code: TarErrorCode,
    message: string
  ) {
    super(message)
    this.name = 'TarError'
  }
}

const BLOCK = 512
/** PAX and GNU long-name records larger than this are refused (tar-stream's limit). */
export const MAX_LONG_HEADER = 4 * 1024 * 1024
const EMPTY_BLOCK_SUM = 8 * 0x20

// Parser states (plain numbers: a hot loop compares them once per slice).
const HEADER = 0
const DATA = 1
const LONG_HEADER = 2
const PADDING = 3

type LongKind = 'gnu-long-path' | 'gnu-long-link-path' | 'pax-header' | 'pax-global-header'

export class TarParser {
  private state = HEADER
  private readonly block = Buffer.alloc(BLOCK)
  private blockBytes = 0
  /** Bytes of data (or of a long header) still to come in the current entry. */
  private remaining = 0
  private padding = 0
  private body: TarBody | undefined
  private blocked: TarBody | undefined
  private long: { kind: LongKind; parts: Buffer[]; size: number } | undefined
  private gnuPath: string | undefined
  private gnuLinkPath: string | undefined
  private pax: Record<string, string> | undefined
  private paxGlobal: Record<string, string> | undefined
  /** Bytes consumed so far. */
  offset = 0

  constructor(private readonly onEntry: TarEntryHandler) {}

  /**
   * Parses a chunk completely. Returns false when a body asked for a pause: wait for 'drain'
   * (once()) before the next write. Throws a TarError on a corrupt header.
   */
  write(chunk: Buffer): boolean {
    this.blocked = undefined
    const n = chunk.length
    let at = 0
    while (at < n) {
      if (this.state === DATA) at = this.data(chunk, at)
      else if (this.state === HEADER) at = this.header(chunk, at)
      else if (this.state === PADDING) at = this.skipPadding(chunk, at)
      else at = this.longHeader(chunk, at)
    }
    this.offset += n
    return this.blocked === undefined
  }

  /** Throws when the stream stops inside a header, entry data or padding. */
  end(): void {
    if (this.state !== HEADER || this.blockBytes > 0) {
      throw new TarError('truncated', 'Unexpected end of data')
    }
  }

  once(_event: 'drain', listener: () => void): void {
    if (this.blocked) this.blocked.once('drain', listener)
    else queueMicrotask(listener)
  }

  private data(chunk: Buffer, at: number): number {
    const take = Math.min(this.remaining, chunk.length - at)
    const body = this.body
    if (
      body &&
      !body.write(at === 0 && take === chunk.length ? chunk : chunk.subarray(at, at + take))
    )
      this.blocked = body
    this.remaining -= take
    if (this.remaining === 0) this.endEntry()
    return at + take
  }

  private endEntry(): void {
    // An ended body never says 'drain' (Node writables do not after end()), and it finishes
    // what it holds on its own: only the next entry's body may hold the parser back.
    if (this.blocked === this.body) this.blocked = undefined
    this.body?.end()
    this.body = undefined
    this.state = this.padding > 0 ? PADDING : HEADER
  }

  private skipPadding(chunk: Buffer, at: number): number {
    const take = Math.min(this.padding, chunk.length - at)
    this.padding -= take
    if (this.padding === 0) this.state = HEADER
    return at + take
  }

  private header(chunk: Buffer, at: number): number {
    let block: Buffer
    let next: number
    if (this.blockBytes === 0 && chunk.length - at >= BLOCK) {
      block = chunk
      next = at + BLOCK
    } else {
      // A header split across chunks is gathered into our own block first.
      const take = Math.min(BLOCK - this.blockBytes, chunk.length - at)
      chunk.copy(this.block, this.blockBytes, at, at + take)
      this.blockBytes += take
      if (this.blockBytes < BLOCK) return at + take
      this.blockBytes = 0
      block = this.block
      next = at + take
      at = 0
    }
    this.onHeader(block, at, this.offset + next)
    return next
  }

  /** `b[at…at+512)` is a complete header block; `dataOffset` is where its data starts. */
  private onHeader(b: Buffer, at: number, dataOffset: number): void {
    const sum = checksum(b, at)
    if (sum === EMPTY_BLOCK_SUM) return // a zero block: end-of-archive marker or padding
    if (sum !== octal(b, at + 148, 8)) {
      throw new TarError(
        'checksum',
        'Invalid tar header. Maybe the tar is corrupted or it needs to be gunzipped?'
      )
    }
    const ustar = isUstar(b, at)
    if (!ustar && !isGnu(b, at)) throw new TarError('format', 'Invalid tar header: unknown format.')
    const flag = b[at + 156] === 0 ? 0 : b[at + 156] - 0x30
    const size = octal(b, at + 124, 12)
    const longKind = LONG_KINDS.get(flag)
    if (longKind !== undefined) return this.startLong(longKind, size)
    const header = decode(b, at, ustar, flag, size, dataOffset)
    this.applyLong(header)
    if (!(header.size >= 0)) throw new TarError('size', 'Invalid header')
    // tar-stream reads no data for directories, whatever their size field says.
    const dataSize = header.type === 'directory' ? 0 : header.size
    this.body = this.onEntry(header)
    this.remaining = dataSize
    this.padding = (BLOCK - (dataSize % BLOCK)) % BLOCK
    if (dataSize === 0) this.endEntry()
    else this.state = DATA
  }

  private startLong(kind: LongKind, size: number): void {
    if (size > MAX_LONG_HEADER) throw new TarError('long-header', 'Header exceeds max size')
    if (!(size >= 0)) throw new TarError('size', 'Invalid header')
    this.long = { kind, parts: [], size }
    this.remaining = size
    this.padding = (BLOCK - (size % BLOCK)) % BLOCK
    if (size === 0) this.endLong()
    else this.state = LONG_HEADER
  }

  private longHeader(chunk: Buffer, at: number): number {
    const take = Math.min(this.remaining, chunk.length - at)
    // Copied: the chunk may be reused by its producer once write() returns.
    this.long!.parts.push(Buffer.from(chunk.subarray(at, at + take)))
    this.remaining -= take
    if (this.remaining === 0) this.endLong()
    return at + take
  }

  private endLong(): void {
    const { kind, parts } = this.long!
    this.long = undefined
    const bytes = Buffer.concat(parts)
    if (kind === 'gnu-long-path') this.gnuPath = text(bytes, 0, bytes.length)
    else if (kind === 'gnu-long-link-path') this.gnuLinkPath = text(bytes, 0, bytes.length)
    else if (kind === 'pax-global-header') this.paxGlobal = decodePax(bytes)
    else this.pax = { ...this.paxGlobal, ...decodePax(bytes) }
    this.state = this.padding > 0 ? PADDING : HEADER
  }

  private applyLong(header: TarHeader): void {
    if (this.gnuPath !== undefined) header.name = this.gnuPath
    if (this.gnuLinkPath !== undefined) header.linkname = this.gnuLinkPath
    this.gnuPath = this.gnuLinkPath = undefined
    const pax = this.pax
    if (pax === undefined) return
    this.pax = undefined
    if (pax.path) header.name = pax.path
    if (pax.linkpath) header.linkname = pax.linkpath
    if (pax.size) header.size = parseInt(pax.size, 10)
    header.pax = pax
  }
}

function decode(
  b: Buffer,
  at: number,
  ustar: boolean,
  flag: number,
  size: number,
  byteOffset: number
): TarHeader {
  let name = text(b, at, 100)
  if (ustar && b[at + 345] !== 0) name = `${text(b, at + 345, 155)}/${name}`
  let type = TYPES[flag] ?? null
  // Old tars mark directories by a trailing slash only.
  if (flag === 0 && name.endsWith('/')) type = 'directory'
  return {
    name,
    type,
    size,
    mode: octal(b, at + 100, 8),
    uid: octal(b, at + 108, 8),
    gid: octal(b, at + 116, 8),
    linkname: b[at + 157] === 0 ? null : text(b, at + 157, 100),
    pax: null,
    byteOffset
  }
}

const TYPES: (TarType | undefined)[] = [
  'file',
  'link',
  'symlink',
  'character-device',
  'block-device',
  'directory',
  'fifo',
  'contiguous-file'
]

// Typeflags `x`, `g`, `K`, `L`, `N` as `flag - '0'`.
const LONG_KINDS = new Map<number, LongKind>([
  [72, 'pax-header'],
  [55, 'pax-global-header'],
  [27, 'gnu-long-link-path'],
  [28, 'gnu-long-path'],
  [30, 'gnu-long-path']
])

function checksum(b: Buffer, at: number): number {
  let sum = EMPTY_BLOCK_SUM
  for (let i = at; i < at + 148; i++) sum += b[i]
  for (let i = at + 156; i < at + BLOCK; i++) sum += b[i]
  return sum
}

/** A NUL-terminated UTF-8 field. */
function text(b: Buffer, at: number, length: number): string {
  let end = at
  const limit = at + length
  while (end < limit && b[end] !== 0) end++
  return b.toString('utf8', at, end)
}

/**
 * A numeric field: octal digits (leading spaces and NULs skipped, stopping at the first other
 * byte) or, with the high bit set, base-256. NaN when there are no digits to read.
 */
function octal(b: Buffer, at: number, length: number): number {
  if (b[at] & 0x80) return base256(b, at, length)
  const end = at + length
  let i = at
  while (i < end && b[i] === 0x20) i++
  let stop = i
  while (stop < end && b[stop] !== 0x20) stop++
  while (i < stop && b[i] === 0) i++
  if (i === stop) return 0
  let value = NaN
  for (; i < stop; i++) {
    const digit = b[i] - 0x30
    if (digit < 0 || digit > 7) break
    value = (value || 0) * 8 + digit
  }
  return value
}

function base256(b: Buffer, at: number, length: number): number {
  const positive = b[at] === 0x80
  if (!positive && b[at] !== 0xff) return NaN
  let sum = 0
  for (let i = at + 1; i < at + length; i++) sum = sum * 256 + (positive ? b[i] : 0xff - b[i])
  return positive ? sum : -sum
}

// The magic field at offset 257: `ustar\0` (POSIX) or `ustar  \0` (old GNU).
const USTAR = Buffer.from('ustar\0', 'latin1')
const GNU = Buffer.from('ustar  \0', 'latin1')

function isUstar(b: Buffer, at: number): boolean {
  return b.compare(USTAR, 0, USTAR.length, at + 257, at + 257 + USTAR.length) === 0
}

function isGnu(b: Buffer, at: number): boolean {
  return b.compare(GNU, 0, GNU.length, at + 257, at + 257 + GNU.length) === 0
}

/** PAX records: `<length> <key>=<value>\n`, as tar-stream reads them. */
function decodePax(buf: Buffer): Record<string, string> {
  const result: Record<string, string> = {}
  while (buf.length) {
    let i = 0
    while (i < buf.length && buf[i] !== 0x20) i++
    const len = parseInt(buf.toString('utf8', 0, i), 10)
    if (!len) return result
    const record = buf.toString('utf8', i + 1, len - 1)
    const eq = record.indexOf('=')
    if (eq === -1) return result
    result[record.slice(0, eq)] = record.slice(eq + 1)
    buf = buf.subarray(len)
  }
  return result
}
