// gzip and zstd for building and cutting inputs. zstd uses node:zlib where it exists (Node
// >= 22.15) and the zstd CLI otherwise; decompression always goes through the CLI, which reads
// multi-frame and skippable-frame streams completely.

import { execFileSync } from 'node:child_process'
import * as zlib from 'node:zlib'

export type Compression = 'none' | 'gzip' | 'zstd'

type ZstdZlib = { zstdCompressSync?: (data: Buffer) => Buffer }

export function gzip(data: Buffer): Buffer {
  return zlib.gzipSync(data, { level: 1 })
}

export function zstd(data: Buffer): Buffer {
  const native = (zlib as unknown as ZstdZlib).zstdCompressSync
  if (native) return native(data)
  return execFileSync('zstd', ['-q', '-c', '-1', '--no-check'], { input: data, maxBuffer: 1 << 30 })
}

export function compress(data: Buffer, kind: Compression): Buffer {
  if (kind === 'gzip') return gzip(data)
  if (kind === 'zstd') return zstd(data)
  return data
}

export function sniff(data: Buffer): Compression | 'unknown' {
  if (data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b) return 'gzip'
  if (data.length >= 4 && data.readUInt32LE(0) === 0xfd2fb528) return 'zstd'
  if (data.length >= 4 && data.readUInt32LE(0) >>> 4 === 0x184d2a5) return 'zstd'
  if (data.length >= 263 && data.toString('latin1', 257, 262) === 'ustar') return 'none'
  return 'unknown'
}

/** The tar inside a blob, or undefined when it is not a (complete) compressed tar. */
export function decompress(data: Buffer): { tar: Buffer; compression: Compression } | undefined {
  const kind = sniff(data)
  try {
    if (kind === 'none') return { tar: data, compression: 'none' }
    if (kind === 'gzip') return { tar: zlib.gunzipSync(data), compression: 'gzip' }
    if (kind === 'zstd') {
      const tar = execFileSync('zstd', ['-q', '-d', '-c'], { input: data, maxBuffer: 1 << 30 })
      return { tar, compression: 'zstd' }
    }
  } catch {
    return undefined
  }
  return undefined
}
