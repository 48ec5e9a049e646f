// Decompressors for layer blobs. zlib runs on libuv's thread pool, so inflating overlaps with
// tar parsing and hashing on the main thread.

import { Transform, type TransformCallback } from 'node:stream'
import * as zlib from 'node:zlib'
import { Decompress } from 'fzstd'
import { FRAME_END, ZstdFrameScanner, type FramePart } from './zstd-frames.js'

// zlib's default 16 KiB output chunk means a thread-pool round trip and a 'data' event per
// 16 KiB. 1 MiB cuts that overhead by 64: on the registry benchmark (two layer threads and the
// thread pool sharing two cores) it took 0.3 s off 3.6 s against 128 KiB (docs/benchmarks.md).
const CHUNK_SIZE = 1024 * 1024

export function createDecompressor(compression: 'gzip' | 'zstd'): Transform {
  // Node's gunzip inflates every gzip member in turn, which eStargz (one member per file) needs.
  if (compression === 'gzip') return zlib.createGunzip({ chunkSize: CHUNK_SIZE })
  return hasNativeZstd() ? new NativeZstdTransform() : new FzstdTransform()
}

/** Node >= 22.15 / 23.8 ships zstd in zlib (the node24 action runtime does). */
export function hasNativeZstd(): boolean {
  return typeof (zlib as { createZstdDecompress?: unknown }).createZstdDecompress === 'function'
}

/**
 * Node's zstd decoder, one instance per frame (see zstd-frames.ts for why), so that multi-frame
 * and zstd:chunked blobs decode completely and a truncated blob is an error.
 */
export class NativeZstdTransform extends Transform {
  private readonly scanner = new ZstdFrameScanner()
  private frame: Transform | undefined
  private paused: Transform | undefined

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    let parts: FramePart[]
    try {
      parts = this.scanner.push(chunk)
    } catch (err) {
      return callback(err as Error)
    }
    this.run(parts, 0, callback)
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.scanner.end()
    } catch (err) {
      return callback(err as Error)
    }
    callback()
  }

  // Output backpressure: a frame decoder is paused while our readable side is full.
  override _read(size: number): void {
    const paused = this.paused
    this.paused = undefined
    paused?.resume()
    super._read(size)
  }

  private run(parts: FramePart[], from: number, callback: TransformCallback): void {
    for (let i = from; i < parts.length; i++) {
      const part = parts[i]
      if (part === FRAME_END) return this.closeFrame(() => this.run(parts, i + 1, callback))
      this.decoder().write(part)
    }
    // Take the next chunk only once the decoder has room: that is the input backpressure.
    if (this.frame?.writableNeedDrain) this.frame.once('drain', () => callback())
    else callback()
  }

  private decoder(): Transform {
    if (this.frame) return this.frame
    const frame = zlib.createZstdDecompress({ chunkSize: CHUNK_SIZE })
    frame.on('data', (chunk: Buffer) => {
      if (this.push(chunk)) return
      this.paused = frame
      frame.pause()
    })
    frame.on('error', err => this.destroy(err))
    this.frame = frame
    return frame
  }

  private closeFrame(next: () => void): void {
    const frame = this.frame
    this.frame = undefined
    if (!frame) return next()
    frame.once('end', next)
    frame.end()
  }
}

// fzstd decodes synchronously on the main thread; slicing the input bounds how much output a
// single call can produce before backpressure gets a say.
const FZSTD_SLICE = 64 * 1024

/** The pure-JS fallback for Node < 22.15: fzstd's streaming decoder as a Transform. */
export class FzstdTransform extends Transform {
  private readonly decoder = new Decompress(data => {
    if (data.length > 0) this.push(Buffer.from(data.buffer, data.byteOffset, data.length))
  })

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      for (let at = 0; at < chunk.length; at += FZSTD_SLICE) {
        this.decoder.push(chunk.subarray(at, at + FZSTD_SLICE))
      }
      callback()
    } catch (err) {
      callback(err as Error)
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.decoder.push(new Uint8Array(0), true)
      callback()
    } catch (err) {
      callback(err as Error)
    }
  }
}
