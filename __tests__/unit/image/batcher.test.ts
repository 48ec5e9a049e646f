// Batcher (src/image/layer/streams.ts): a byte stream's chunks coalesced into `size`-byte fresh
// buffers, the last one shorter.

import { describe, expect, it } from '@jest/globals'
import { pipeline, Readable } from 'node:stream'
import { Batcher } from '../../../src/image/layer/streams.js'

/** Writes the chunks one by one into a Batcher(size) and collects what comes out. */
async function run(chunks: Buffer[], size: number): Promise<Buffer[]> {
  const batcher = new Batcher(size)
  const out: Buffer[] = []
  batcher.on('data', (b: Buffer) => void out.push(b))
  const ended = new Promise<void>((resolve, reject) => {
    batcher.on('end', resolve)
    batcher.on('error', reject)
  })
  for (const chunk of chunks) batcher.write(chunk)
  batcher.end()
  await ended
  return out
}

function bytes(n: number): Buffer {
  return Buffer.from(Array.from({ length: n }, (_, i) => (i * 7 + 3) & 0xff))
}

function split(data: Buffer, piece: number): Buffer[] {
  const out: Buffer[] = []
  for (let at = 0; at < data.length; at += piece)
    out.push(Buffer.from(data.subarray(at, at + piece)))
  return out
}

/** Whether two views overlap in memory (same ArrayBuffer, intersecting byte ranges). */
function overlaps(a: Uint8Array, b: Uint8Array): boolean {
  if (a.buffer !== b.buffer) return false
  return a.byteOffset < b.byteOffset + b.length && b.byteOffset < a.byteOffset + a.length
}

describe('Batcher', () => {
  it('turns 3-byte chunks into 8-byte batches, the last one shorter, bytes unchanged', async () => {
    const data = bytes(43)
    const inputs = split(data, 3)
    const out = await run(inputs, 8)
    expect(out.map(b => b.length)).toEqual([8, 8, 8, 8, 8, 3])
    expect(Buffer.concat(out)).toEqual(data)
  })

  it('hands out fresh buffers: none shares memory with another or with an input', async () => {
    const data = bytes(43)
    const inputs = split(data, 3)
    const out = await run(inputs, 8)
    for (let i = 0; i < out.length; i++) {
      for (let j = i + 1; j < out.length; j++) expect(overlaps(out[i], out[j])).toBe(false)
      for (const input of inputs) expect(overlaps(out[i], input)).toBe(false)
    }
    const copies = out.map(b => Buffer.from(b))
    for (const input of inputs) input.fill(0xee)
    expect(out).toEqual(copies)
    expect(Buffer.concat(out)).toEqual(data)
  })

  it('a batch is not overwritten by later writes (collected while the stream runs)', async () => {
    const batcher = new Batcher(4)
    const out: Buffer[] = []
    batcher.on('data', (b: Buffer) => void out.push(b))
    const ended = new Promise<void>(resolve => batcher.on('end', resolve))
    const input = Buffer.from('abcdef')
    batcher.write(input)
    input.fill('z')
    batcher.write(Buffer.from('ghij'))
    batcher.end()
    await ended
    expect(out.map(b => b.toString())).toEqual(['abcd', 'efgh', 'ij'])
  })

  it('gives no chunk for an empty stream', async () => {
    expect(await run([], 8)).toEqual([])
    expect(await run([Buffer.alloc(0)], 8)).toEqual([])
  })

  it('gives exactly two chunks for a stream of exactly 2 * size bytes', async () => {
    const data = bytes(16)
    const out = await run(split(data, 3), 8)
    expect(out.map(b => b.length)).toEqual([8, 8])
    expect(Buffer.concat(out)).toEqual(data)
    const whole = await run([Buffer.from(data)], 8)
    expect(whole.map(b => b.length)).toEqual([8, 8])
    expect(Buffer.concat(whole)).toEqual(data)
  })

  it('splits a chunk larger than the batch size across batches', async () => {
    const data = bytes(20)
    const out = await run([Buffer.from(data)], 8)
    expect(out.map(b => b.length)).toEqual([8, 8, 4])
    expect(Buffer.concat(out)).toEqual(data)
  })

  it("passes a source's error on to its own 'error' through stream.pipeline", async () => {
    let sent = false
    const source = new Readable({
      read() {
        if (!sent) {
          sent = true
          this.push(Buffer.from('abc'))
        } else this.destroy(new Error('the socket broke'))
      }
    })
    const batcher = new Batcher(8)
    const failed = new Promise<Error>(resolve => batcher.on('error', resolve))
    batcher.resume()
    pipeline(source, batcher, () => {})
    const err = await failed
    expect(err.message).toBe('the socket broke')
  })
})
