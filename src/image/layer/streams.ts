// Small stream plumbing shared by the layer and archive readers. Written out by hand (instead of
// stream.pipeline) because the tar parser is a plain synchronous sink, and because every error
// must land in exactly one place: the reader's promise.
//
// The one rule of this plumbing: a chunk passed to write() is BORROWED. It is valid during the
// call only (the engine reader hands out views of one reused socket buffer), so a sink that
// keeps bytes past write() copies them: the sniffer's head, JSON documents, kept package
// databases, and every chunk given to a decompressor (copying(), below).

import { EventEmitter } from 'node:events'
import { Writable } from 'node:stream'

/** What we read from: any Node readable. */
export interface ChunkSource {
  on(event: 'data', listener: (chunk: Buffer) => void): unknown
  on(event: 'end', listener: () => void): unknown
  pause(): unknown
  resume(): unknown
}

/** What we write to: our synchronous sinks (tar parser, sniffer, hashers) and Node writables. */
export interface ChunkSink {
  write(chunk: Buffer): boolean
  end(chunk?: never): unknown
  once(event: 'drain', listener: () => void): unknown
}

/**
 * Bytes pushed into a sink: write() with backpressure (wait for the sink's 'drain' after a
 * false), end() at a complete end, and anything that goes wrong to `onError` instead.
 */
export interface ByteSource {
  pushTo(sink: ChunkSink, onError: (err: Error) => void): void
  destroy(): void
}

/** A Node readable as a ByteSource (its chunks are fresh buffers, which is fine too). */
export function readableSource(
  stream: ChunkSource & NodeJS.EventEmitter & { destroy(): unknown }
): ByteSource {
  return {
    pushTo: (sink, onError) => {
      stream.on('error', onError)
      feed(stream, sink)
    },
    destroy: () => void stream.destroy()
  }
}

/**
 * Moves every chunk from source to sink, pausing the source while the sink is full, and ends
 * the sink when the source ends. Errors are the caller's to listen for, on both sides.
 */
export function feed(
  source: ChunkSource,
  sink: ChunkSink,
  onChunk?: (chunk: Buffer) => void
): void {
  let waiting = false
  const resume = (): void => {
    waiting = false
    source.resume()
  }
  source.on('data', chunk => {
    onChunk?.(chunk)
    if (sink.write(chunk) || waiting) return
    waiting = true
    source.pause()
    sink.once('drain', resume)
  })
  source.on('end', () => sink.end())
}

/**
 * A sink whose write() and end() never throw: the first error goes to `onError` and later
 * chunks are dropped. What feed() writes to must not throw, or the error would escape from the
 * source's 'data' event.
 */
export function guard(sink: ChunkSink, onError: (err: unknown) => void): ChunkSink {
  let failed = false
  const attempt = <T>(work: () => T, otherwise: T): T => {
    if (failed) return otherwise
    try {
      return work()
    } catch (err) {
      failed = true
      onError(err)
      return otherwise
    }
  }
  return {
    write: chunk => attempt(() => sink.write(chunk), true),
    end: () => attempt(() => sink.end(), undefined),
    once: (event, listener) => (failed ? queueMicrotask(listener) : sink.once(event, listener))
  }
}

/** A Node writable (zlib) that keeps what it is written: it gets copies of borrowed chunks. */
export function copying(sink: ChunkSink): ChunkSink {
  return {
    write: chunk => sink.write(Buffer.from(chunk)),
    end: () => sink.end(),
    once: (event, listener) => sink.once(event, listener)
  }
}

/**
 * Holds back the first `sniffBytes` bytes until it can tell what the stream is, then hands
 * them and everything after to the sink that `choose` picks. Synchronous: `choose` and the
 * sink may throw out of write() and end(). A head that arrives in pieces is copied; the usual
 * first chunk that holds it all is looked at in place.
 */
export class Sniffer implements ChunkSink {
  private head: Buffer | undefined
  private headBytes = 0
  private target: ChunkSink | undefined

  constructor(
    private readonly sniffBytes: number,
    private readonly choose: (head: Buffer) => ChunkSink
  ) {}

  write(chunk: Buffer): boolean {
    if (this.target) return this.target.write(chunk)
    if (this.headBytes === 0 && chunk.length >= this.sniffBytes) {
      this.target = this.choose(chunk)
      return this.target.write(chunk)
    }
    const head = (this.head ??= Buffer.allocUnsafe(this.sniffBytes))
    const take = Math.min(this.sniffBytes - this.headBytes, chunk.length)
    chunk.copy(head, this.headBytes, 0, take)
    this.headBytes += take
    if (this.headBytes < this.sniffBytes) return true
    const ok = this.release()
    return take === chunk.length ? ok : this.target!.write(chunk.subarray(take)) && ok
  }

  end(): void {
    if (!this.target) this.release()
    this.target!.end()
  }

  once(event: 'drain', listener: () => void): void {
    if (this.target) this.target.once(event, listener)
    else queueMicrotask(listener)
  }

  private release(): boolean {
    const head = (this.head ?? Buffer.alloc(0)).subarray(0, this.headBytes)
    this.head = undefined
    this.target = this.choose(head)
    return head.length === 0 || this.target.write(head)
  }
}

/**
 * A Node Writable in front of a ChunkSink, for sources that pipe (readLayer's streams): the
 * write callback waits for the sink's drain, so the writable's buffer stays one chunk deep.
 */
export class SinkWritable extends Writable {
  constructor(private readonly sink: ChunkSink) {
    super({ highWaterMark: 256 * 1024 })
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (err?: Error) => void): void {
    if (this.sink.write(chunk)) return callback()
    this.sink.once('drain', () => callback())
  }

  override _final(callback: (err?: Error) => void): void {
    this.sink.end()
    callback()
  }
}

/** Writes every chunk to two sinks; reports full until both have drained. */
export class TeeSink extends EventEmitter implements ChunkSink {
  /** The sinks that said they were full, each with one 'drain' listener. */
  private readonly full = new Set<ChunkSink>()

  constructor(
    private readonly first: ChunkSink,
    private readonly second: ChunkSink
  ) {
    super()
  }

  write(chunk: Buffer): boolean {
    this.writeTo(this.first, chunk)
    this.writeTo(this.second, chunk)
    return this.full.size === 0
  }

  private writeTo(sink: ChunkSink, chunk: Buffer): void {
    if (sink.write(chunk) || this.full.has(sink)) return
    this.full.add(sink)
    sink.once('drain', () => {
      this.full.delete(sink)
      if (this.full.size === 0) this.emit('drain')
    })
  }

  end(): void {
    this.first.end()
    this.second.end()
  }
}
