import type { Compression } from '../../model.js'
// Tells what a blob is from its first bytes. Media types and file names lie (Docker 25 names
// uncompressed layers like blobs, eStargz says +gzip), magic bytes do not.

/** Bytes needed to recognise a tar: one header block (the `ustar` magic sits at 257). */
export const SNIFF_BYTES = 512

export type BlobKind = Compression | 'unknown'

const USTAR = [0x75, 0x73, 0x74, 0x61, 0x72] // "ustar", followed by NUL (POSIX) or space (GNU)

export function sniffCompression(head: Uint8Array): BlobKind {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip'
  if (head.length >= 4 && isZstdMagic(head)) return 'zstd'
  if (isTarHead(head)) return 'none'
  return 'unknown'
}

/** A zstd frame (`28 b5 2f fd`) or a skippable frame (`5? 2a 4d 18`, used by zstd:chunked). */
function isZstdMagic(b: Uint8Array): boolean {
  if (b[0] === 0x28 && b[1] === 0xb5 && b[2] === 0x2f && b[3] === 0xfd) return true
  return (b[0] & 0xf0) === 0x50 && b[1] === 0x2a && b[2] === 0x4d && b[3] === 0x18
}

function isTarHead(b: Uint8Array): boolean {
  if (b.length < SNIFF_BYTES) return false
  if (USTAR.every((byte, i) => b[257 + i] === byte)) return true
  // An empty layer is nothing but the end-of-archive zero blocks; pre-POSIX (v7) tars have no
  // magic, so a header whose checksum adds up is accepted too.
  return isZeroBlock(b) || hasValidChecksum(b)
}

function isZeroBlock(b: Uint8Array): boolean {
  for (let i = 0; i < SNIFF_BYTES; i++) if (b[i] !== 0) return false
  return true
}

function hasValidChecksum(b: Uint8Array): boolean {
  let sum = 8 * 0x20 // the checksum field itself counts as spaces
  for (let i = 0; i < SNIFF_BYTES; i++) if (i < 148 || i >= 156) sum += b[i]
  const field = Buffer.from(b.subarray(148, 156)).toString('latin1')
  const stored = parseInt(field.replace(/[\0 ]+/g, ' ').trim(), 8)
  return Number.isFinite(stored) && stored === sum && b[0] !== 0
}

/** First non-blank byte is `{` or `[` (a UTF-8 byte order mark is allowed). */
export function looksLikeJson(head: Uint8Array): boolean {
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0
  while (
    i < head.length &&
    (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x09)
  )
    i++
  return head[i] === 0x7b || head[i] === 0x5b
}

/**
 * What a blob that is none of the known kinds looks like, for error messages. No byte of it
 * is shown: the path may point at anything (`archive: /proc/self/environ` in a PR's config),
 * and an error message is printed to the log.
 */
export function describeHead(head: Uint8Array): string {
  if (head.length === 0) return 'it is empty'
  if (looksLikeJson(head)) return 'it looks like JSON'
  if (head[0] === 0x50 && head[1] === 0x4b) return 'it looks like a zip archive'
  const sample = head.subarray(0, 64)
  const text = sample.every(b => b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b < 0x7f))
  return text ? 'it looks like text' : 'it holds unrecognised binary data'
}
