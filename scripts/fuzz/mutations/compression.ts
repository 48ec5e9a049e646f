// gzip and zstd streams, of layers and of the whole archive: cut mid-block, corrupt headers,
// blocks, checksums and trailers, garbage after the last member or frame, and decompression
// bombs (a few hundred kB that inflate to 256 MiB).

import { compress, gzip } from '../compress.js'
import type { Rng } from '../rng.js'
import type { MutState } from '../state.js'
import { entryBlocks, header, END_MARKER } from '../tar.js'
import { ARCHIVE, BOTH, pickLayer, short, type Mutation } from './kit.js'

function cutAt(data: Buffer, rng: Rng, kind: 'gzip' | 'zstd'): { at: number; where: string } {
  const where = rng.pick(['in the header', 'mid-stream', 'near the end', 'last byte'] as const)
  const headerBytes = kind === 'gzip' ? 10 : 6
  let at = rng.range(headerBytes + 1, Math.max(headerBytes + 1, data.length - 9))
  if (where === 'in the header') at = rng.range(1, headerBytes - 1)
  if (where === 'near the end') at = Math.max(1, data.length - rng.range(1, 8))
  if (where === 'last byte') at = data.length - 1
  return { at: Math.min(at, data.length - 1), where }
}

function layerCut(kind: 'gzip' | 'zstd'): Mutation {
  return {
    name: `${kind}-layer-cut`,
    group: 'compression',
    about: `a layer compressed with ${kind}, cut mid-block (in the header, mid-stream, in the trailer)`,
    stage: 0,
    kinds: BOTH,
    apply: (s, { rng }) => {
      const { doc, tar } = pickLayer(s, rng)
      const blob = compress(tar, kind)
      const { at, where } = cutAt(blob, rng, kind)
      doc.set(blob.subarray(0, at))
      return `${where} ${at}/${blob.length} @ ${short(doc.path)}`
    }
  }
}

const GZIP_DAMAGE: [string, (b: Buffer, rng: Rng) => Buffer][] = [
  ['flipped deflate bytes', (b, rng) => flip(b, 10, b.length - 8, rng)],
  ['bad CRC', b => xorAt(b, b.length - 8)],
  ['bad ISIZE', b => xorAt(b, b.length - 2)],
  [
    'FEXTRA with a huge XLEN',
    b =>
      Buffer.concat([
        Buffer.from([0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 3, 0xff, 0xff]),
        b.subarray(10, 100)
      ])
  ],
  [
    'FNAME never terminated',
    _b =>
      Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 8, 0, 0, 0, 0, 0, 3]), Buffer.alloc(3000, 0x41)])
  ],
  ['reserved flag bits', b => setByte(b, 3, 0xe0)],
  ['method not deflate', b => setByte(b, 2, 7)],
  [
    'garbage second member',
    (b, rng) => Buffer.concat([b, Buffer.from([0x1f, 0x8b]), rng.bytes(200)])
  ],
  ['trailing zeros', b => Buffer.concat([b, Buffer.alloc(1000)])],
  ['trailing garbage', (b, rng) => Buffer.concat([b, rng.bytes(100)])]
]

const ZSTD_DAMAGE: [string, (b: Buffer, rng: Rng) => Buffer][] = [
  ['flipped block bytes', (b, rng) => flip(b, 6, b.length, rng)],
  ['reserved frame-header bit', b => setByte(b, 4, b[4] | 0x08)],
  ['reserved block type', b => blockType3(b)],
  [
    'skippable frame of 4 GiB first',
    b => Buffer.concat([Buffer.from([0x50, 0x2a, 0x4d, 0x18, 0xff, 0xff, 0xff, 0xff]), b])
  ],
  ['huge window', b => hugeWindow(b)],
  ['trailing garbage', (b, rng) => Buffer.concat([b, rng.bytes(50)])],
  ['trailing magic only', b => Buffer.concat([b, Buffer.from([0x28, 0xb5, 0x2f, 0xfd])])],
  ['dictionary id', b => setByte(b, 4, (b[4] & ~3) | 3)]
]

function flip(b: Buffer, from: number, to: number, rng: Rng): Buffer {
  const out = Buffer.from(b)
  for (let i = 0; i < 4 && to > from; i++) out[rng.range(from, to - 1)] ^= 1 << rng.int(8)
  return out
}

function xorAt(b: Buffer, at: number): Buffer {
  const out = Buffer.from(b)
  if (at >= 0 && at < out.length) out[at] ^= 0x5a
  return out
}

function setByte(b: Buffer, at: number, value: number): Buffer {
  const out = Buffer.from(b)
  if (at < out.length) out[at] = value & 0xff
  return out
}

/** The first block header of a frame without dictionary/checksum fields: type 3 (reserved). */
function blockType3(b: Buffer): Buffer {
  const fhd = b[4]
  const fcs = [(fhd >> 5) & 1 ? 1 : 0, 2, 4, 8][fhd >> 6]
  const at = 5 + ((fhd >> 5) & 1 ? 0 : 1) + [0, 1, 2, 4][fhd & 3] + fcs
  return at < b.length ? setByte(b, at, b[at] | 0x06) : b
}

/** Window descriptor 0xff: a 3.75 TiB window. */
function hugeWindow(b: Buffer): Buffer {
  const out = setByte(b, 4, b[4] & ~0x20)
  return Buffer.concat([
    out.subarray(0, 5),
    Buffer.from([0xff]),
    out.subarray((b[4] >> 5) & 1 ? 5 : 6)
  ])
}

function layerCorrupt(kind: 'gzip' | 'zstd'): Mutation {
  const table = kind === 'gzip' ? GZIP_DAMAGE : ZSTD_DAMAGE
  return {
    name: `${kind}-layer-corrupt`,
    group: 'compression',
    about: `a ${kind} layer with damage: ${table.map(([n]) => n).join(', ')}`,
    stage: 0,
    kinds: BOTH,
    apply: (s, { rng }) => {
      const { doc, tar } = pickLayer(s, rng)
      const [name, damage] = rng.pick(table)
      doc.set(damage(compress(tar, kind), rng))
      return `${name} @ ${short(doc.path)}`
    }
  }
}

// ----- decompression bombs ---------------------------------------------------------------------

const bombs = new Map<string, Buffer>()

/** A layer of one file of `mib` MiB of zeros: members/frames of 16 MiB, each compressed once. */
function bomb(kind: 'gzip' | 'zstd', mib: number): Buffer {
  const key = `${kind}/${mib}`
  const cached = bombs.get(key)
  if (cached) return cached
  const piece = Math.min(mib, 16)
  const zeros = compress(Buffer.alloc(piece * 1024 * 1024), kind)
  const size = mib * 1024 * 1024
  const parts = [compress(header({ name: 'zeros.bin', size }), kind)]
  for (let i = 0; i < mib / piece; i++) parts.push(zeros)
  parts.push(
    compress(
      Buffer.concat([entryBlocks({ name: 'after-the-bomb' }, Buffer.from('x')), END_MARKER]),
      kind
    )
  )
  const out = Buffer.concat(parts)
  bombs.set(key, out)
  return out
}

const decompressionBomb: Mutation = {
  name: 'decompression-bomb',
  group: 'compression',
  about:
    'a layer of a few hundred kB that inflates to 256 MiB (gzip members / zstd frames of zeros)',
  stage: 0,
  kinds: BOTH,
  apply: (s, ctx) => {
    const { doc } = pickLayer(s, ctx.rng)
    const kind = ctx.rng.pick(['gzip', 'zstd'] as const)
    const mib = ctx.small ? 16 : 256
    doc.set(bomb(kind, mib))
    s.timeoutMs = Math.max(s.timeoutMs ?? 0, 30_000)
    return `${kind} ${mib} MiB @ ${short(doc.path)}`
  }
}

// ----- the whole archive -------------------------------------------------------------------------

const outerCompress: Mutation = {
  name: 'outer-compress',
  group: 'compression',
  about: 'the whole archive gzip- or zstd-compressed (docker save | gzip), or compressed twice',
  stage: 2,
  kinds: ARCHIVE,
  apply: (s, { rng }) => {
    const kind = rng.pick(['gzip', 'zstd', 'gzip twice', 'zstd in gzip'] as const)
    if (kind === 'gzip' || kind === 'zstd') {
      if (!s.isWrapped()) s.wrap = kind
      s.wrappedBytes(kind)
      return s.wrap
    }
    const inner =
      kind === 'gzip twice' ? gzip(s.wrappedBytes('gzip')) : gzip(s.wrappedBytes('zstd'))
    s.setWrappedBytes(inner)
    return kind
  }
}

function wrapped(s: MutState, rng: Rng): { data: Buffer; kind: 'gzip' | 'zstd' } {
  const data = s.wrappedBytes(rng.pick(['gzip', 'zstd'] as const))
  return { data, kind: s.wrap === 'zstd' ? 'zstd' : 'gzip' }
}

const outerCompressedCut: Mutation = {
  name: 'outer-compressed-cut',
  group: 'compression',
  about: 'a gzip/zstd-compressed archive cut mid-block',
  stage: 3,
  kinds: ARCHIVE,
  apply: (s, { rng }) => {
    const { data, kind } = wrapped(s, rng)
    const { at, where } = cutAt(data, rng, kind)
    s.setWrappedBytes(data.subarray(0, at))
    return `${kind} ${where} ${at}/${data.length}`
  }
}

const outerCompressedDamage: Mutation = {
  name: 'outer-compressed-damage',
  group: 'compression',
  about: 'a gzip/zstd-compressed archive with the same damage as the layers get',
  stage: 3,
  kinds: ARCHIVE,
  apply: (s, { rng }) => {
    const { data, kind } = wrapped(s, rng)
    const [name, damage] = rng.pick(kind === 'gzip' ? GZIP_DAMAGE : ZSTD_DAMAGE)
    s.setWrappedBytes(damage(data, rng))
    return `${kind}: ${name}`
  }
}

export const COMPRESSION_MUTATIONS: Mutation[] = [
  layerCut('gzip'),
  layerCut('zstd'),
  layerCorrupt('gzip'),
  layerCorrupt('zstd'),
  decompressionBomb,
  outerCompress,
  outerCompressedCut,
  outerCompressedDamage
]
