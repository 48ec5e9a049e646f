// One HTTP/1.1 GET of a blob over its own connection, the socket reading straight into the
// 1 MiB pieces the body is handed on in. node:http (http.ts) costs about 2 s of CPU per GB of
// body on top of the socket: a fresh 64 KiB buffer per socket read, a copy of every body chunk
// by its parser, a stream event per chunk, and the garbage collection all that starts. Here the
// socket's reads land in the piece being filled (net's `onread` with a buffer generator) and the
// body stream gets whole pieces: a 1 GB download costs about 0.5 s of CPU instead of 2.5 s
// (docs/benchmarks.md). Manifests, tokens and configs stay on node:http (small bodies, kept-alive
// connections).
//
// What is understood of HTTP/1.1 is what a GET answer may be: a status line, header lines, and
// a body framed by Content-Length, by chunked transfer coding, or by the end of the connection
// (`Connection: close` is asked for, so the connection is never reused). Interim 1xx answers
// are skipped. Anything else is an error naming what was wrong.

import * as net from 'node:net'
import { Readable } from 'node:stream'
import * as tls from 'node:tls'
import { describeNetError, type HttpAnswer } from './http.js'

/** The body is handed on in pieces of this size (the last one may be shorter). */
export const PIECE_BYTES = 1024 * 1024
/** An answer's status line and headers may take at most this many bytes. */
export const MAX_HEAD_BYTES = 64 * 1024
const TIMEOUT_MS = 60_000
/** Where reads go once the body is over (a TLS socket may still hand over a record or two). */
const SPENT = Buffer.allocUnsafe(16 * 1024)

export interface StreamGetOptions {
  /** No byte for this long fails the request (default 60 s). */
  timeoutMs?: number
  /** Certificates to trust instead of the system's (tests). */
  ca?: string | Buffer
  /** The size of the body's pieces (tests; default PIECE_BYTES, at least 2 × MAX_HEAD_BYTES). */
  pieceBytes?: number
}

/**
 * GETs `url` (http: or https:) with `headers`. Settles with the answer once its headers are in;
 * the body streams in pieces the caller owns (fresh buffers, never reused).
 */
export function streamGet(
  url: URL,
  headers: Record<string, string>,
  options: StreamGetOptions = {}
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    new Exchange(url, headers, options, resolve, reject).start()
  })
}

type Framing =
  | { kind: 'length'; left: number }
  | { kind: 'chunked'; decoder: ChunkedDecoder }
  | { kind: 'close' }

class Exchange {
  private readonly pieceBytes: number
  private piece: Buffer
  private filled = 0
  private socket: net.Socket | undefined
  private body: Readable | undefined
  private framing: Framing | undefined
  /** Chunked bodies are read here and decoded into the piece. */
  private scratch: Buffer | undefined
  private settled = false
  private done = false
  /** The body's reader asked for data (it listens). */
  private reading = false
  /** An error of the body before anyone read it: given to the first read. */
  private pending: Error | undefined
  /** The socket waits for the reader; its idle timer is off meanwhile. */
  private paused = false

  constructor(
    private readonly url: URL,
    private readonly headers: Record<string, string>,
    private readonly options: StreamGetOptions,
    private readonly resolve: (answer: HttpAnswer) => void,
    private readonly reject: (err: Error) => void
  ) {
    // the head is read into the first piece
    this.pieceBytes = Math.max(options.pieceBytes ?? PIECE_BYTES, 2 * MAX_HEAD_BYTES)
    this.piece = Buffer.allocUnsafe(this.pieceBytes)
  }

  start(): void {
    let request: string
    try {
      request = requestHead(this.url, this.headers)
    } catch (err) {
      return this.fail(err as Error)
    }
    const secure = this.url.protocol === 'https:'
    const host = this.url.hostname.replace(/^\[(.*)\]$/, '$1')
    const port = Number(this.url.port) || (secure ? 443 : 80)
    const onread = {
      buffer: () => this.target(),
      callback: (n: number, buf: Uint8Array) => this.onData(n, buf)
    }
    const socket = secure
      ? tls.connect({
          host,
          port,
          onread, // documented for tls.connect, missing from its typings
          ...(net.isIP(host) ? {} : { servername: host }),
          ...(this.options.ca ? { ca: this.options.ca } : {})
        } as tls.ConnectionOptions)
      : net.connect({ host, port, onread })
    this.socket = socket
    socket.setTimeout(this.timeoutMs(), () =>
      this.fail(new Error(`no answer within ${this.timeoutMs() / 1000} s`))
    )
    socket.on('error', err => this.fail(new Error(describeNetError(err))))
    socket.on('close', () => this.onClose())
    socket.write(request)
  }

  private timeoutMs(): number {
    return this.options.timeoutMs ?? TIMEOUT_MS
  }

  private chunked(): boolean {
    return this.framing?.kind === 'chunked'
  }

  /** Where the next socket read goes: the rest of the piece, or the scratch of a chunked body. */
  private target(): Uint8Array {
    // never a piece handed on, never an empty buffer (a TLS socket would spin on it)
    if (this.done) return SPENT
    if (this.chunked()) return (this.scratch ??= Buffer.allocUnsafe(64 * 1024))
    return this.piece.subarray(this.filled)
  }

  /** A socket read of `n` bytes into `buf` (what target() gave). False pauses the socket. */
  private onData(n: number, buf: Uint8Array): boolean {
    if (this.done) return true
    const more = this.take(n, buf)
    if (!more && !this.done) {
      // the reader is behind: not an idle server
      this.paused = true
      this.socket?.setTimeout(0)
    }
    return more
  }

  private take(n: number, buf: Uint8Array): boolean {
    if (this.chunked()) return this.onChunked(Buffer.from(buf.buffer, buf.byteOffset, n))
    this.filled += n
    if (!this.framing) {
      // readHead hands on what came after the head (a chunked body: decoded)
      if (!this.readHead() || this.chunked()) return true
    } else if (this.framing.kind === 'length') {
      this.framing.left -= n
    }
    return this.afterBody()
  }

  /** After body bytes went into the piece: hands on a full piece, ends a complete body. */
  private afterBody(): boolean {
    const framing = this.framing!
    if (framing.kind === 'length' && framing.left <= 0) {
      // bytes past the declared length (there should be none) are not the body
      this.filled += framing.left
      framing.left = 0
      return this.finish()
    }
    if (this.filled === this.pieceBytes) return this.handOn()
    return true
  }

  private handOn(): boolean {
    const full = this.piece.subarray(0, this.filled)
    this.piece = Buffer.allocUnsafe(this.pieceBytes)
    this.filled = 0
    return this.body!.push(full)
  }

  private finish(): boolean {
    this.done = true
    if (this.filled > 0) this.body!.push(this.piece.subarray(0, this.filled))
    this.filled = 0
    this.piece = SPENT
    this.body!.push(null)
    this.socket?.destroy()
    return true
  }

  /** Parses the answer's head once it is all in; false while more is needed. */
  private readHead(): boolean {
    const end = this.piece.subarray(0, this.filled).indexOf('\r\n\r\n')
    if (end < 0) {
      if (this.filled > MAX_HEAD_BYTES)
        this.fail(new Error(`the answer's headers are over ${MAX_HEAD_BYTES} bytes`))
      return false
    }
    let head: Head
    try {
      head = parseHead(this.piece.toString('latin1', 0, end))
    } catch (err) {
      this.fail(err as Error)
      return false
    }
    const rest = end + 4
    this.piece.copyWithin(0, rest, this.filled)
    this.filled -= rest
    if (head.status >= 100 && head.status < 200) return this.readHead() // interim answer
    let framing: Framing
    try {
      framing = framingOf(head)
    } catch (err) {
      this.fail(err as Error)
      return false
    }
    this.framing = framing
    this.body = new Readable({
      highWaterMark: 2 * this.pieceBytes,
      read: () => this.onRead(),
      destroy: (err, cb) => {
        this.done = true
        this.socket?.destroy()
        cb(err)
      }
    })
    this.settled = true
    this.resolve({ status: head.status, headers: head.headers, body: this.body, url: this.url })
    if (framing.kind === 'chunked') {
      const early = Buffer.from(this.piece.subarray(0, this.filled))
      this.filled = 0
      this.onChunked(early)
    } else if (framing.kind === 'length') {
      framing.left -= this.filled
    }
    return true
  }

  /** The reader wants more: the error it has not heard of yet, or the socket reading again. */
  private onRead(): void {
    this.reading = true
    if (this.pending) {
      this.body!.destroy(this.pending)
      this.pending = undefined
      return
    }
    if (this.paused) {
      this.paused = false
      this.socket?.setTimeout(this.timeoutMs())
    }
    this.socket?.resume()
  }

  private onChunked(data: Buffer): boolean {
    const framing = this.framing as { kind: 'chunked'; decoder: ChunkedDecoder }
    let more = true
    try {
      framing.decoder.decode(data, part => {
        for (let at = 0; at < part.length;) {
          const take = Math.min(part.length - at, this.pieceBytes - this.filled)
          part.copy(this.piece, this.filled, at, at + take)
          this.filled += take
          at += take
          if (this.filled === this.pieceBytes) more = this.handOn() && more
        }
      })
    } catch (err) {
      this.fail(err as Error)
      return true
    }
    if (framing.decoder.complete) return this.finish()
    return more
  }

  private onClose(): void {
    if (this.done) return
    const framing = this.framing
    if (framing?.kind === 'close') {
      this.finish()
      return
    }
    const what =
      framing?.kind === 'length'
        ? `the connection closed with ${framing.left} bytes of the body still to come`
        : framing
          ? 'the connection closed inside a chunked body'
          : 'the connection closed before a complete answer'
    this.fail(new Error(what))
  }

  private fail(err: Error): void {
    if (this.done) return
    this.done = true
    this.piece = SPENT
    this.socket?.destroy()
    if (!this.settled) {
      this.settled = true
      this.reject(err)
    } else if (this.reading || this.body!.listenerCount('error') > 0) this.body!.destroy(err)
    // nobody listens yet (the answer was just given): an 'error' now would go unheard
    else this.pending = err
  }
}

function requestHead(url: URL, headers: Record<string, string>): string {
  const lines = [`GET ${url.pathname}${url.search} HTTP/1.1`, `Host: ${url.host}`]
  for (const [name, value] of Object.entries(headers)) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name))
      throw new Error(`the header name ${JSON.stringify(name.slice(0, 40))} is not a token`)
    if (/[\r\n\0]/.test(value)) throw new Error(`the ${name} header holds a line break`)
    lines.push(`${name}: ${value}`)
  }
  lines.push('Connection: close', '', '')
  return lines.join('\r\n')
}

interface Head {
  status: number
  headers: Record<string, string>
}

/** The status line and header lines (names lower-cased, repeated ones joined with ", "). */
export function parseHead(text: string): Head {
  const [statusLine, ...lines] = text.split('\r\n')
  const m = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(statusLine)
  if (!m) throw new Error(`the answer is not HTTP/1.1: ${JSON.stringify(statusLine.slice(0, 60))}`)
  const headers: Record<string, string> = Object.create(null) as Record<string, string>
  for (const line of lines) {
    const colon = line.indexOf(':')
    if (colon <= 0 || /^[ \t]/.test(line))
      throw new Error(
        `the answer has a malformed header line: ${JSON.stringify(line.slice(0, 60))}`
      )
    const name = line.slice(0, colon).trim().toLowerCase()
    const value = line.slice(colon + 1).trim()
    const before = headers[name]
    if (before === undefined) headers[name] = value
    else if (name === 'content-length') {
      if (before !== value)
        throw new Error(`the answer has two Content-Length headers, ${before} and ${value}`)
    } else if (name !== 'location') headers[name] = `${before}, ${value}` // the first Location counts
  }
  return { status: Number(m[1]), headers }
}

function framingOf(head: Head): Framing {
  const coding = head.headers['transfer-encoding']
  if (coding !== undefined) {
    if (coding.trim().toLowerCase() !== 'chunked')
      throw new Error(`the answer's transfer coding "${coding.slice(0, 40)}" is not supported`)
    return { kind: 'chunked', decoder: new ChunkedDecoder() }
  }
  if (head.status === 204 || head.status === 304) return { kind: 'length', left: 0 }
  const length = head.headers['content-length']
  if (length === undefined) return { kind: 'close' }
  if (!/^\d{1,15}$/.test(length))
    throw new Error(`the answer's Content-Length "${length.slice(0, 40)}" is not a number`)
  return { kind: 'length', left: Number(length) }
}

/**
 * Chunked transfer coding (RFC 9112 §7.1), fed in any pieces: hands on the data, skips chunk
 * extensions and trailers, `complete` after the last chunk's trailer section.
 */
export class ChunkedDecoder {
  complete = false
  private state: 'size' | 'data' | 'data-end' | 'trailer' = 'size'
  private line = ''
  private left = 0

  decode(data: Buffer, onData: (part: Buffer) => void): void {
    let at = 0
    while (at < data.length && !this.complete) {
      if (this.state === 'data') {
        const take = Math.min(this.left, data.length - at)
        onData(data.subarray(at, at + take))
        at += take
        this.left -= take
        if (this.left === 0) this.state = 'data-end'
        continue
      }
      const nl = data.indexOf(10, at)
      const end = nl < 0 ? data.length : nl
      this.line += data.toString('latin1', at, end)
      if (this.line.length > 4096) throw new Error('a chunk header of the answer is too long')
      at = end
      if (nl < 0) break
      at++
      const line = this.line.replace(/\r$/, '')
      this.line = ''
      this.onLine(line)
    }
  }

  private onLine(line: string): void {
    switch (this.state) {
      case 'size': {
        const m = /^([0-9a-fA-F]{1,12})[ \t]*(?:;.*)?$/.exec(line)
        if (!m)
          throw new Error(
            `the answer's chunk size ${JSON.stringify(line.slice(0, 40))} is not hexadecimal`
          )
        this.left = parseInt(m[1], 16)
        this.state = this.left === 0 ? 'trailer' : 'data'
        return
      }
      case 'data-end':
        if (line !== '') throw new Error('a chunk of the answer is longer than its size says')
        this.state = 'size'
        return
      case 'trailer':
        if (line === '') this.complete = true
        return
      default:
        return
    }
  }
}
