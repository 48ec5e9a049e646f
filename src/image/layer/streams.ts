// Small stream plumbing shared by the layer and archive readers. Written out by hand (instead of
// stream.pipeline) because tar-stream's entries are streamx streams, and because every error
// must land in exactly one place: the reader's promise.

import { EventEmitter } from 'node:events'
import { Writable } from 'node:stream'

/** What we read from: Node and streamx readables both fit. */
export interface ChunkSource {
  on(event: 'data', listener: (chunk: Buffer) => void): unknown
  on(event: 'end', listener: () => void): unknown
  pause(): unknown
  resume(): unknown
}

/** What we write to: Node and streamx writables both fit. */
export interface ChunkSink {
  write(chunk: Buffer): boolean
  end(chunk?: never): unknown
  once(event: 'drain', listener: () => void): unknown
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
 * Holds back the first `sniffBytes` bytes until it can tell what the stream is, then hands
 * them and everything after to the sink that `choose` picks. `choose` may throw: the error
 * comes out as this stream's 'error'.
 */
export class SniffingWritable extends Writable {
  private head: Buffer[] = []
  private headBytes = 0
  private target: ChunkSink | undefined

  constructor(
    private readonly sniffBytes: number,
    private readonly choose: (head: Buffer) => ChunkSink,
    private readonly onChunk?: (chunk: Buffer) => void
  ) {
    super({ highWaterMark: 256 * 1024 })
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (err?: Error) => void): void {
    this.onChunk?.(chunk)
    if (this.target) return this.forward(chunk, callback)
    this.head.push(chunk)
    this.headBytes += chunk.length
    if (this.headBytes < this.sniffBytes) return callback()
    this.release(callback)
  }

  override _final(callback: (err?: Error) => void): void {
    if (!this.target) return this.release(err => (err ? callback(err) : this.endTarget(callback)))
    this.endTarget(callback)
  }

  private endTarget(callback: (err?: Error) => void): void {
    this.target?.end()
    callback()
  }

  private release(callback: (err?: Error) => void): void {
    const head = this.head.length === 1 ? this.head[0] : Buffer.concat(this.head)
    this.head = []
    try {
      this.target = this.choose(head)
    } catch (err) {
      return callback(err as Error)
    }
    if (head.length === 0) return callback()
    this.forward(head, callback)
  }

  private forward(chunk: Buffer, callback: (err?: Error) => void): void {
    if (this.target!.write(chunk)) return callback()
    this.target!.once('drain', () => callback())
  }
}

/** Writes every chunk to two sinks; reports full until both have drained. */
export class TeeSink extends EventEmitter implements ChunkSink {
  private waiting = 0

  constructor(
    private readonly first: ChunkSink,
    private readonly second: ChunkSink
  ) {
    super()
  }

  write(chunk: Buffer): boolean {
    const full = [this.first, this.second].filter(sink => !sink.write(chunk))
    this.waiting += full.length
    for (const sink of full) sink.once('drain', () => --this.waiting === 0 && this.emit('drain'))
    return this.waiting === 0
  }

  end(): void {
    this.first.end()
    this.second.end()
  }
}
