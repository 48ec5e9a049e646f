import { describe, expect, it } from '@jest/globals'
import { decompress } from 'fzstd'
import { execFileSync } from 'node:child_process'
import { Readable } from 'node:stream'
import {
  FzstdTransform,
  NativeZstdTransform,
  hasNativeZstd
} from '../../../src/image/layer/decompress.js'
import {
  FRAME_END,
  ZstdFrameScanner,
  type FramePart
} from '../../../src/image/layer/zstd-frames.js'
import { patternBytes, skippableFrame, zstdCompress } from '../../support/image-fixtures.js'

/** Runs the scanner over `data` in chunks; returns each frame's bytes. */
function frames(data: Buffer, chunkSize: number): Buffer[] {
  const scanner = new ZstdFrameScanner()
  const parts: FramePart[] = []
  for (let at = 0; at < data.length; at += chunkSize)
    parts.push(...scanner.push(data.subarray(at, at + chunkSize)))
  scanner.end()
  const out: Buffer[] = []
  let current: Buffer[] = []
  for (const p of parts) {
    if (p === FRAME_END) {
      out.push(Buffer.concat(current))
      current = []
    } else current.push(p)
  }
  expect(current).toEqual([])
  return out
}

const text = Buffer.from('hello zstd frames '.repeat(5000))
const noise = patternBytes(40_000, 3)
const frameA = zstdCompress(text)
const frameB = zstdCompress(noise) // raw blocks
const frameC = zstdCompress(Buffer.alloc(0))
const withChecksum = execFileSync('zstd', ['-q', '-c', '--check'], { input: text })

describe('ZstdFrameScanner', () => {
  it.each([1, 3, 5, 17, 4096, 1 << 20])(
    'splits frames and drops skippable frames (chunks of %i)',
    chunkSize => {
      const stream = Buffer.concat([
        skippableFrame(Buffer.from('toc')),
        frameA,
        frameB,
        skippableFrame(Buffer.alloc(0), 15),
        frameC
      ])
      const found = frames(stream, chunkSize)
      expect(found.map(f => f.length)).toEqual([frameA.length, frameB.length, frameC.length])
      expect(Buffer.concat(found.map(f => Buffer.from(decompress(f))))).toEqual(
        Buffer.concat([text, noise])
      )
    }
  )

  it('handles frames with a content checksum', () => {
    expect(withChecksum[4] & 0x04).toBe(0x04)
    expect(frames(withChecksum, 7)).toEqual([withChecksum])
  })

  it.each([
    ['cut inside a block', Buffer.concat([frameA, frameB.subarray(0, 1000)])],
    ['cut inside the magic', Buffer.concat([frameA, frameB.subarray(0, 2)])],
    ['cut inside a skippable frame', skippableFrame(Buffer.alloc(100)).subarray(0, 50)]
  ])('throws when the stream is %s', (_name, data) => {
    const scanner = new ZstdFrameScanner()
    scanner.push(data)
    expect(() => scanner.end()).toThrow(
      /^the zstd stream (ends in the middle of a frame|holds no frames)$/
    )
  })

  it('throws on bytes that are not a frame', () => {
    const scanner = new ZstdFrameScanner()
    expect(() => scanner.push(Buffer.concat([frameA, Buffer.from('garbage!')]))).toThrow(
      `the zstd stream has no frame at byte ${frameA.length} (found 67 61 72 62)`
    )
  })

  it('throws on a reserved block type', () => {
    const bad = Buffer.from(frameA)
    const headerLength = 6 // magic + descriptor + window byte for a CLI frame of unknown size
    bad[4] = 0x00 // no content size, no checksum, not single segment: header is 6 bytes
    bad[headerLength] = 0x06 // block type 3
    expect(() => new ZstdFrameScanner().push(bad)).toThrow(/^the zstd block at byte 6 is corrupt$/)
  })
})

async function decodeWith(transform: NodeJS.ReadWriteStream, data: Buffer): Promise<Buffer> {
  const chunks: Buffer[] = []
  const source = Readable.from([data.subarray(0, 1000), data.subarray(1000)])
  return new Promise((resolve, reject) => {
    transform.on('data', (c: Buffer) => chunks.push(c))
    transform.on('end', () => resolve(Buffer.concat(chunks)))
    transform.on('error', reject)
    source.pipe(transform as unknown as NodeJS.WritableStream)
  })
}

describe('zstd transforms', () => {
  const stream = Buffer.concat([skippableFrame(Buffer.from('x')), frameA, frameB, frameC])

  it('fzstd decodes every frame', async () => {
    expect(await decodeWith(new FzstdTransform(), stream)).toEqual(Buffer.concat([text, noise]))
  })

  const nativeIt = hasNativeZstd() ? it : it.skip
  nativeIt(
    'Node zlib zstd, one decoder per frame, decodes every frame (Node >= 22.15)',
    async () => {
      expect(await decodeWith(new NativeZstdTransform(), stream)).toEqual(
        Buffer.concat([text, noise])
      )
      await expect(decodeWith(new NativeZstdTransform(), stream.subarray(0, -20))).rejects.toThrow(
        'the zstd stream ends in the middle of a frame'
      )
    }
  )
})
