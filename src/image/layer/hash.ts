// Content digests of regular files, computed as their bytes stream past (sha256, first 128 bits
// as hex). Layers hold hundreds of thousands of small files, so the per-file cost matters as
// much as the per-byte cost: on Node 20, createHash() costs ~10 µs (an OpenSSL 3 digest fetch
// per call) against ~3 µs for the one-shot crypto.hash(), which is used for every file whose
// bytes arrive in one piece or fit the scratch buffer.

import * as crypto from 'node:crypto'
import type { LayerEntry } from '../types.js'
import type { TarBody } from './tar.js'

/** `hash` keeps the first 32 hex digits (128 bits) of the sha256. */
export const HASH_HEX_LENGTH = 32
const HASH_BYTES = HASH_HEX_LENGTH / 2

/** Files up to this size are gathered (copied) and hashed in one call when they arrive split. */
export const SCRATCH_BYTES = 64 * 1024

type OneShot = (data: Buffer) => string

// crypto.hash() is Node >= 20.12 / 21.7. `buffer` output, then hex of the first half: a flat
// 32-character string (slicing a 64-digit hex string would keep the long one alive too).
const oneShot: OneShot =
  typeof (crypto as { hash?: unknown }).hash === 'function'
    ? data => crypto.hash('sha256', data, 'buffer').toString('hex', 0, HASH_BYTES)
    : data => crypto.createHash('sha256').update(data).digest().toString('hex', 0, HASH_BYTES)

export const EMPTY_FILE_HASH = oneShot(Buffer.alloc(0))

/** A scratch buffer shared by the files of one layer (they stream one after the other). */
export function scratchBuffer(): Buffer {
  return Buffer.allocUnsafe(SCRATCH_BYTES)
}

/**
 * The body of one regular file: hashes what it is written and sets `entry.hash` at the end;
 * hands the bytes to `keep` too when the caller wants the content (package databases).
 */
export class FileHasher implements TarBody {
  private hash: crypto.Hash | undefined
  private filled = 0

  constructor(
    private readonly entry: LayerEntry,
    private readonly scratch: Buffer,
    private readonly keep?: Buffer[]
  ) {}

  write(chunk: Buffer): boolean {
    this.keep?.push(Buffer.from(chunk)) // borrowed (see streams.ts): the content is kept
    const size = this.entry.size
    if (this.hash !== undefined) this.hash.update(chunk)
    else if (this.filled === 0 && chunk.length === size) this.entry.hash = oneShot(chunk)
    else if (size <= this.scratch.length) this.gather(chunk)
    else this.hash = crypto.createHash('sha256').update(chunk)
    return true
  }

  end(): void {
    if (this.hash !== undefined) this.entry.hash = this.hash.digest().toString('hex', 0, HASH_BYTES)
  }

  once(): void {} // never full: hashing is synchronous

  private gather(chunk: Buffer): void {
    chunk.copy(this.scratch, this.filled)
    this.filled += chunk.length
    if (this.filled === this.entry.size)
      this.entry.hash = oneShot(this.scratch.subarray(0, this.filled))
  }
}
