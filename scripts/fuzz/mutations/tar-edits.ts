// Edits of a tar stream, usable on the outer archive and inside a layer blob: byte-level damage
// to headers (truncation, flipped bytes, checksums, sizes, garbage octal, typeflags, magic) and
// entry-level hostility (PAX and GNU long-name records, hostile names, duplicates, link chains
// and loops, tars of tars, thousands of entries, long paths, whiteout oddities).

import {
  BLOCK,
  entryBlocks,
  gnuLongBlock,
  packItems,
  paxBlock,
  setChecksum,
  walkHeaders,
  writeOctal,
  type TarItem
} from '../tar.js'
import {
  ESCAPE,
  EVIL_SIZES,
  evilPath,
  fileItems,
  NotApplicable,
  pickHeader,
  pickItemIndex,
  type ItemEdit,
  type MutationContext,
  type TarEdit
} from './kit.js'

// ----- byte-level ----------------------------------------------------------------------------

function withFix(tar: Buffer, at: number, fix: boolean, write: (b: Buffer) => void): Buffer {
  const out = Buffer.from(tar)
  write(out)
  if (fix) setChecksum(out, at)
  return out
}

export const truncate: TarEdit = {
  name: 'truncate',
  about:
    'cut at a random offset: inside a header, inside data, at a block boundary, in the end marker',
  edit: (tar, { rng }) => {
    const headers = walkHeaders(tar)
    const where = rng.pick(['header', 'data', 'boundary', 'anywhere', 'end-marker'] as const)
    const h = headers.length > 0 ? rng.pick(headers) : undefined
    let at = rng.int(tar.length)
    if (where === 'header' && h) at = h.at + rng.range(1, BLOCK - 1)
    if (where === 'data' && h && h.size > 0) at = h.dataAt + rng.int(h.size)
    if (where === 'boundary' && h) at = h.at
    if (where === 'end-marker') at = Math.max(0, tar.length - rng.range(1, 2 * BLOCK))
    return { tar: tar.subarray(0, at), variant: `${where} ${at}/${tar.length}` }
  }
}

export const flipHeaderBytes: TarEdit = {
  name: 'flip-header-bytes',
  about: 'flip 1-6 bytes of a header, checksum recomputed (or not)',
  edit: (tar, { rng }) => {
    const h = pickHeader(tar, rng)
    const fix = rng.chance(0.8)
    const n = rng.range(1, 6)
    const out = withFix(tar, h.at, fix, b => {
      for (let i = 0; i < n; i++) b[h.at + rng.int(BLOCK)] ^= 1 << rng.int(8)
    })
    return {
      tar: out,
      variant: `${n} bytes of "${h.name.slice(0, 40)}"${fix ? ', checksum fixed' : ''}`
    }
  }
}

export const badChecksum: TarEdit = {
  name: 'bad-checksum',
  about: 'a wrong checksum field (off by one, spaces, garbage, zero, huge)',
  edit: (tar, { rng }) => {
    const h = pickHeader(tar, rng)
    const kind = rng.pick(['off-by-one', 'spaces', 'garbage', 'zero', 'huge'] as const)
    const out = Buffer.from(tar)
    if (kind === 'off-by-one') {
      const sum = parseInt(out.toString('latin1', h.at + 148, h.at + 154), 8) + 1
      out.write(sum.toString(8).padStart(6, '0'), h.at + 148, 'latin1')
    } else if (kind === 'spaces') out.fill(0x20, h.at + 148, h.at + 156)
    else if (kind === 'garbage') out.write('zz9z!\0 ', h.at + 148, 'latin1')
    else if (kind === 'zero') out.fill(0, h.at + 148, h.at + 156)
    else out.write('7777777\0', h.at + 148, 'latin1')
    return { tar: out, variant: kind }
  }
}

export const sizePastEnd: TarEdit = {
  name: 'size-past-end',
  about: 'a size field larger than what is left of the stream',
  edit: (tar, { rng }) => {
    const h = pickHeader(tar, rng)
    const size = tar.length - h.dataAt + rng.pick([1, 511, 512, 4096, 1 << 20, 2 ** 33 - 1])
    const out = withFix(tar, h.at, true, b => writeOctal(b, h.at + 124, 12, size))
    return { tar: out, variant: `size ${size} at "${h.name.slice(0, 40)}"` }
  }
}

const SIZE_GARBAGE: [string, (b: Buffer, at: number) => void][] = [
  ['non-octal 9s', (b, at) => b.write('99999999999\0', at, 'latin1')],
  ['base-256 negative', (b, at) => b.fill(0xff, at, at + 12)],
  ['base-256 2^88', (b, at) => (b.fill(0xff, at, at + 12), (b[at] = 0x80))],
  [
    'base-256 2^53+1',
    (b, at) => {
      // 2^53 + 1 = 0x0020_0000_0000_0001, big-endian in the last 8 of the 12 bytes
      b.fill(0, at, at + 12)
      b[at] = 0x80
      b[at + 5] = 0x20
      b[at + 11] = 0x01
    }
  ],
  ['spaces', (b, at) => b.fill(0x20, at, at + 12)],
  ['all NUL', (b, at) => b.fill(0, at, at + 12)],
  ['8 GiB octal', (b, at) => b.write('77777777777 ', at, 'latin1')],
  ['leading garbage', (b, at) => b.write('x0000001000\0', at, 'latin1')],
  ['embedded space', (b, at) => b.write('00001 00000\0', at, 'latin1')],
  ['minus sign', (b, at) => b.write('-0000001000\0', at, 'latin1')]
]

export const sizeGarbage: TarEdit = {
  name: 'size-garbage',
  about: 'garbage in the size field: non-octal, base-256 negative or huge, spaces, NUL, 8 GiB',
  edit: (tar, { rng }) => {
    const h = pickHeader(tar, rng)
    const [name, write] = rng.pick(SIZE_GARBAGE)
    return { tar: withFix(tar, h.at, true, b => write(b, h.at + 124)), variant: name }
  }
}

const NUMERIC_FIELDS: [string, number, number][] = [
  ['mode', 100, 8],
  ['uid', 108, 8],
  ['gid', 116, 8],
  ['mtime', 136, 12]
]

export const fieldGarbage: TarEdit = {
  name: 'field-garbage',
  about: 'garbage octal in mode/uid/gid/mtime (letters, base-256 negative, no digits)',
  edit: (tar, { rng }) => {
    const h = pickHeader(tar, rng)
    const [field, off, width] = rng.pick(NUMERIC_FIELDS)
    const kind = rng.pick([
      'letters',
      'base-256 negative',
      'random bytes',
      '9s',
      'huge base-256'
    ] as const)
    const out = withFix(tar, h.at, true, b => {
      const at = h.at + off
      if (kind === 'letters') b.write('zzzzzzz\0'.slice(0, width), at, 'latin1')
      else if (kind === 'base-256 negative') b.fill(0xff, at, at + width)
      else if (kind === 'random bytes') rng.bytes(width).copy(b, at)
      else if (kind === '9s') b.write('9'.repeat(width - 1) + '\0', at, 'latin1')
      else {
        b.fill(0xff, at, at + width)
        b[at] = 0x80
      }
    })
    return { tar: out, variant: `${field}: ${kind}` }
  }
}

export const unknownTypeflag: TarEdit = {
  name: 'unknown-typeflag',
  about: 'typeflags the reader does not know (A-Z, GNU sparse S, V, M, 8, 9, 0xff, control bytes)',
  edit: (tar, { rng }) => {
    const h = pickHeader(tar, rng)
    const flag = rng.pick([
      'A',
      'Z',
      'S',
      'V',
      'M',
      'D',
      'N',
      'I',
      'X',
      '8',
      '9',
      '\xff',
      '\x01',
      '3',
      '4'
    ])
    const out = withFix(tar, h.at, true, b => (b[h.at + 156] = flag.charCodeAt(0) & 0xff))
    return {
      tar: out,
      variant: `typeflag 0x${flag.charCodeAt(0).toString(16)} at "${h.name.slice(0, 30)}"`
    }
  }
}

export const flipBytes: TarEdit = {
  name: 'flip-bytes',
  about: 'flip 1-16 random bytes anywhere (headers and data)',
  edit: (tar, { rng }) => {
    if (tar.length === 0) throw new NotApplicable('empty')
    const out = Buffer.from(tar)
    const n = rng.range(1, 16)
    for (let i = 0; i < n; i++) out[rng.int(out.length)] ^= 1 << rng.int(8)
    return { tar: out, variant: `${n} bytes` }
  }
}

export const earlyEndMarker: TarEdit = {
  name: 'early-end-marker',
  about: 'zero blocks inserted between entries (an early end-of-archive marker)',
  edit: (tar, { rng }) => {
    const h = pickHeader(tar, rng)
    const blocks = rng.range(1, 3)
    const out = Buffer.concat([
      tar.subarray(0, h.at),
      Buffer.alloc(blocks * BLOCK),
      tar.subarray(h.at)
    ])
    return { tar: out, variant: `${blocks} zero blocks before "${h.name.slice(0, 40)}"` }
  }
}

export const trailingGarbage: TarEdit = {
  name: 'trailing-garbage',
  about: 'bytes after the end marker: random data, a partial block, another header',
  edit: (tar, { rng }) => {
    const kind = rng.pick(['random', 'partial block', 'header', 'no end marker + random'] as const)
    if (kind === 'header') {
      return {
        tar: Buffer.concat([tar, entryBlocks({ name: `${ESCAPE}-after-end` }, Buffer.from('x'))]),
        variant: kind
      }
    }
    const base = kind === 'no end marker + random' ? stripEnd(tar) : tar
    const extra = rng.bytes(kind === 'partial block' ? rng.range(1, 511) : rng.range(1, 4000))
    return { tar: Buffer.concat([base, extra]), variant: kind }
  }
}

function stripEnd(tar: Buffer): Buffer {
  let end = tar.length
  while (end >= BLOCK && tar.subarray(end - BLOCK, end).every(b => b === 0)) end -= BLOCK
  return tar.subarray(0, end)
}

export const badMagic: TarEdit = {
  name: 'bad-magic',
  about: 'the ustar magic damaged (v7 header, garbage, GNU/POSIX mix), checksum fixed or not',
  edit: (tar, { rng }) => {
    const h = pickHeader(tar, rng)
    const kind = rng.pick(['v7 (none)', 'garbage', 'gnu+posix', 'ustar without NUL'] as const)
    const fix = rng.chance(0.7)
    const out = withFix(tar, h.at, fix, b => {
      const at = h.at + 257
      if (kind === 'v7 (none)') b.fill(0, at, at + 8)
      else if (kind === 'garbage') b.write('tarus!!\0', at, 'latin1')
      else if (kind === 'gnu+posix') b.write('ustar 00', at, 'latin1')
      else b.write('ustarXX\0', at, 'latin1')
    })
    return { tar: out, variant: `${kind}${fix ? ', checksum fixed' : ''}` }
  }
}

export const prefixField: TarEdit = {
  name: 'prefix-field',
  about: 'a ustar prefix field (joined to the name) that climbs out or is garbage',
  edit: (tar, { rng }) => {
    const h = pickHeader(tar, rng)
    const prefix = rng.pick([
      '..',
      '../..',
      '/tmp',
      `../${ESCAPE}`,
      'a'.repeat(155),
      '\u0001\u0002'
    ])
    const out = withFix(tar, h.at, true, b => {
      b.fill(0, h.at + 345, h.at + 500)
      b.write(prefix, h.at + 345, 155, 'utf8')
    })
    return { tar: out, variant: JSON.stringify(prefix.slice(0, 20)) }
  }
}

export const TAR_EDITS: TarEdit[] = [
  truncate,
  flipHeaderBytes,
  badChecksum,
  sizePastEnd,
  sizeGarbage,
  fieldGarbage,
  unknownTypeflag,
  flipBytes,
  earlyEndMarker,
  trailingGarbage,
  badMagic,
  prefixField
]

// ----- entry-level: PAX and GNU records --------------------------------------------------------

function raw(data: Buffer): TarItem {
  return { name: '', type: 'raw', data }
}

function insertBefore(items: TarItem[], ctx: MutationContext, blocks: Buffer): string {
  const i = pickItemIndex(items, ctx.rng)
  items.splice(i, 0, raw(blocks))
  return `before "${items[i + 1].name.slice(0, 40)}"`
}

export const paxSize: ItemEdit = {
  name: 'pax-size',
  about: 'a PAX size record that is negative, huge, fractional, NaN or not a number',
  edit: (items, ctx) => {
    const size = ctx.rng.pick(EVIL_SIZES)
    return `size=${size.slice(0, 24)} ${insertBefore(items, ctx, paxBlock({ size }))}`
  }
}

export const paxPath: ItemEdit = {
  name: 'pax-path',
  about: 'PAX path/linkpath records that climb out, are absolute, empty, huge or hold NUL',
  edit: (items, ctx) => {
    const key = ctx.rng.pick(['path', 'linkpath'])
    const value = evilPath(ctx.rng)
    return `${key}=${JSON.stringify(value.slice(0, 30))} ${insertBefore(items, ctx, paxBlock({ [key]: value }))}`
  }
}

export const paxIds: ItemEdit = {
  name: 'pax-ids',
  about: 'PAX uid/gid/mtime/size records with hostile numbers',
  edit: (items, ctx) => {
    const records = {
      uid: ctx.rng.pick(EVIL_SIZES),
      gid: ctx.rng.pick(EVIL_SIZES),
      mtime: ctx.rng.pick(['x', '-1.5', '1e400'])
    }
    return `${JSON.stringify(records).slice(0, 60)} ${insertBefore(items, ctx, paxBlock(records))}`
  }
}

const PAX_GARBAGE = [
  '0 path=x\n',
  '99999 path=x\n',
  '-5 path=x\n',
  'abc\n',
  '5 path=xxxxxxxx\n',
  '30 noequalsign-at-all-here\n',
  '1000000000 path=x\n',
  '12 path=no newline',
  '\0\0\0\0',
  '13 =emptykey\n'
]

export const paxGarbage: ItemEdit = {
  name: 'pax-garbage',
  about:
    'malformed PAX records (zero/negative/huge lengths, no "=", no newline, NUL) and a record over 4 MiB',
  edit: (items, ctx) => {
    const big = !ctx.small && ctx.rng.chance(0.1)
    const data = big
      ? Buffer.alloc(4 * 1024 * 1024 + 1, 0x61)
      : Buffer.from(ctx.rng.pick(PAX_GARBAGE))
    const variant = big ? '4 MiB + 1 record' : JSON.stringify(data.toString().slice(0, 20))
    return `${variant} ${insertBefore(items, ctx, paxBlock(data))}`
  }
}

export const paxGlobal: ItemEdit = {
  name: 'pax-global',
  about: 'a PAX global header setting path, linkpath or size for every later entry',
  edit: (items, ctx) => {
    const key = ctx.rng.pick(['path', 'linkpath', 'size', 'uid'])
    const value = key === 'size' || key === 'uid' ? ctx.rng.pick(EVIL_SIZES) : evilPath(ctx.rng)
    const at = ctx.rng.chance(0.5) ? 0 : pickItemIndex(items, ctx.rng)
    items.splice(at, 0, raw(paxBlock({ [key]: value }, true)))
    return `${key}=${JSON.stringify(value.slice(0, 30))} at entry ${at}`
  }
}

export const gnuLongNames: ItemEdit = {
  name: 'gnu-long-name-loop',
  about:
    'GNU long-name (L) and long-link (K) records: chains of thousands, one at the end, 4 MiB, over 4 MiB, empty',
  edit: (items, ctx) => {
    const { rng } = ctx
    const kind = rng.pick([
      'L chain',
      'K chain',
      'L/K alternating',
      'L at end',
      '4 MiB',
      'over 4 MiB',
      'empty',
      'evil'
    ] as const)
    const n =
      kind.endsWith('chain') || kind.startsWith('L/K')
        ? rng.pick([2, 50, ctx.small ? 200 : 2000])
        : 1
    const payload = (i: number): Buffer => {
      if (kind === '4 MiB') return Buffer.alloc(4 * 1024 * 1024, 0x6c)
      if (kind === 'over 4 MiB') return Buffer.alloc(4 * 1024 * 1024 + 1, 0x6c)
      if (kind === 'empty') return Buffer.alloc(0)
      if (kind === 'evil') return Buffer.from(evilPath(rng) + '\0')
      return Buffer.from(`long/${i}/${'n'.repeat(120)}\0`)
    }
    const blocks: Buffer[] = []
    for (let i = 0; i < n; i++) {
      const flag = kind === 'K chain' || (kind === 'L/K alternating' && i % 2 === 1) ? 'K' : 'L'
      blocks.push(gnuLongBlock(flag, payload(i)))
    }
    if (kind === 'L at end') {
      items.push(raw(Buffer.concat(blocks)))
      return kind
    }
    return `${kind} x${n} ${insertBefore(items, ctx, Buffer.concat(blocks))}`
  }
}

// ----- entry-level: names, duplicates, links, types --------------------------------------------

export const evilNames: ItemEdit = {
  name: 'evil-names',
  about: 'entry names with "..", absolute paths, NUL, newlines, escapes, 70 kB names',
  edit: (items, ctx) => {
    const item = items[pickItemIndex(items, ctx.rng)]
    const name = evilPath(ctx.rng)
    const before = item.name
    item.name = name
    return `"${before.slice(0, 30)}" -> ${JSON.stringify(name.slice(0, 30))}`
  }
}

export const nulNames: ItemEdit = {
  name: 'nul-in-names',
  about: 'NUL bytes inside entry names (written through PAX path records)',
  edit: (items, ctx) => {
    const item = items[pickItemIndex(items, ctx.rng)]
    const at = ctx.rng.int(item.name.length + 1)
    item.name = `${item.name.slice(0, at)}\0${ESCAPE}${item.name.slice(at)}`
    return `NUL at ${at} of "${item.name.slice(0, 30)}"`
  }
}

export const duplicateEntry: ItemEdit = {
  name: 'duplicate-entry',
  about: 'the same name twice with different content (later wins in tar), or many times',
  edit: (items, ctx) => {
    const { rng } = ctx
    const files = fileItems(items)
    if (files.length === 0) throw new NotApplicable('no files')
    const item = rng.pick(files)
    const kind = rng.pick(['empty', 'garbage', 'other entry', 'same', 'x100'] as const)
    const data =
      kind === 'empty'
        ? Buffer.alloc(0)
        : kind === 'garbage'
          ? rng.bytes(rng.range(1, 3000))
          : kind === 'other entry'
            ? rng.pick(files).data
            : item.data
    const copies = kind === 'x100' ? 100 : 1
    for (let i = 0; i < copies; i++) items.splice(rng.int(items.length + 1), 0, { ...item, data })
    return `"${item.name.slice(0, 40)}" ${kind}`
  }
}

export const dropEntry: ItemEdit = {
  name: 'drop-entry',
  about: 'an entry left out (a missing layer, config, manifest)',
  edit: (items, ctx) => {
    const [gone] = items.splice(pickItemIndex(items, ctx.rng), 1)
    return `"${gone.name.slice(0, 40)}"`
  }
}

export const shuffleEntries: ItemEdit = {
  name: 'shuffle-entries',
  about: 'entries in another order (manifests first, links before their targets)',
  edit: (items, ctx) => {
    ctx.rng.shuffle(items)
    return `${items.length} entries`
  }
}

function dirOf(path: string): string {
  const slash = path.lastIndexOf('/')
  return slash < 0 ? '' : path.slice(0, slash)
}

/** A symlink target that reaches `to` (an archive path) from a link at `from`. */
function relTarget(from: string, to: string): string {
  const depth = dirOf(from) === '' ? 0 : dirOf(from).split('/').length
  return '../'.repeat(depth) + to
}

export const symlinkChain: ItemEdit = {
  name: 'symlink-chain',
  about:
    'a needed entry replaced by symlink chains (1-40 hops), loops, self-links, links out of the root',
  edit: (items, ctx) => linkChain(items, ctx, 'symlink')
}

export const hardlinkChain: ItemEdit = {
  name: 'hardlink-chain',
  about:
    'hard-link chains, loops, self-links, links to later entries, to directories, out of the root',
  edit: (items, ctx) => linkChain(items, ctx, 'link')
}

type LinkKind = 'symlink' | 'link'

function linkChain(items: TarItem[], ctx: MutationContext, type: LinkKind): string {
  const { rng } = ctx
  const files = fileItems(items)
  if (files.length === 0) throw new NotApplicable('no files')
  const victim = rng.pick(files)
  const at = items.indexOf(victim)
  const kind = rng.pick([
    'chain',
    'loop',
    'self',
    'outside',
    'to later entry',
    'to directory',
    'dangling'
  ] as const)
  const target = (from: string, to: string): string =>
    type === 'symlink' ? relTarget(from, to) : to
  const link = (name: string, to: string): TarItem => ({
    name,
    type,
    data: Buffer.alloc(0),
    linkname: to
  })
  const name = victim.name
  if (kind === 'chain') {
    const hops = rng.pick([1, 2, 15, 16, 17, 40])
    const real = `chain-real-${rng.int(1e6)}`
    const chain: TarItem[] = []
    let from = name
    for (let i = 0; i < hops; i++) {
      const next = i === hops - 1 ? real : `chain-${i}-${rng.int(1e6)}`
      chain.push(link(from, target(from, next)))
      from = next
    }
    items.splice(at, 1, { ...victim, name: real }, ...chain)
    return `${type} chain of ${hops} to "${name.slice(0, 30)}"`
  }
  if (kind === 'loop') {
    const other = `loop-${rng.int(1e6)}`
    items.splice(at, 1, link(name, target(name, other)), link(other, target(other, name)))
    return `${type} loop at "${name.slice(0, 30)}"`
  }
  if (kind === 'self') {
    items.splice(
      at,
      1,
      link(name, type === 'symlink' ? name.slice(name.lastIndexOf('/') + 1) : name)
    )
    return `${type} to itself at "${name.slice(0, 30)}"`
  }
  if (kind === 'outside') {
    const to = rng.pick([
      '/etc/passwd',
      '../../../../etc/passwd',
      `../${ESCAPE}`,
      '/proc/self/environ',
      '/dev/zero'
    ])
    items.splice(at, 1, link(name, to))
    return `${type} out of the root (${to})`
  }
  if (kind === 'to later entry') {
    const moved = `later-${rng.int(1e6)}`
    items.splice(at, 1, link(name, target(name, moved)))
    items.push({ ...victim, name: moved })
    return `${type} to a later entry at "${name.slice(0, 30)}"`
  }
  if (kind === 'to directory') {
    const dir = items.find(i => i.type === 'dir')?.name ?? 'blobs'
    items.splice(at, 1, link(name, target(name, dir.replace(/\/$/, ''))))
    return `${type} to directory "${dir.slice(0, 30)}"`
  }
  items.splice(at, 1, link(name, target(name, `missing-${rng.int(1e6)}`)))
  return `dangling ${type} at "${name.slice(0, 30)}"`
}

export const typeSwap: ItemEdit = {
  name: 'type-swap',
  about:
    'an entry of another type: a file turned into a directory, FIFO or link to itself, a directory with data',
  edit: (items, ctx) => {
    const { rng } = ctx
    const item = items[pickItemIndex(items, ctx.rng)]
    const to = rng.pick(['dir', 'fifo', 'file', 'symlink', 'link'] as const)
    const before = item.type
    item.type = to
    if (to === 'file' && item.data.length === 0) item.data = rng.bytes(rng.range(1, 2000))
    if (to === 'symlink' || to === 'link') item.linkname = item.name
    return `"${item.name.slice(0, 30)}" ${before} -> ${to}`
  }
}

export const tarOfTars: ItemEdit = {
  name: 'tar-of-tars',
  about:
    'entries whose content is itself a tar (a layer that is a tar of tars, an archive inside the archive)',
  edit: (items, ctx) => {
    const { rng } = ctx
    const inner = packItems(items.filter(i => i.type !== 'raw').slice(0, 6))
    const files = fileItems(items)
    if (rng.chance(0.5) && files.length > 0) {
      const victim = rng.pick(files)
      victim.data = packItems([
        { name: 'a.tar', type: 'file', data: inner },
        {
          name: 'b.tar',
          type: 'file',
          data: packItems([{ name: 'c.tar', type: 'file', data: inner }])
        }
      ])
      return `"${victim.name.slice(0, 40)}" is a tar of tars`
    }
    const whole = packItems(items)
    items.push({ name: `nested-${rng.int(1000)}.tar`, type: 'file', data: whole })
    return 'the whole tar nested inside itself'
  }
}

export const manyEmptyFiles: ItemEdit = {
  name: 'many-empty-files',
  about: 'thousands of empty files (in memory; the million-entry case is the streamed generator)',
  edit: (items, ctx) => {
    const n = ctx.small ? 500 : ctx.rng.pick([2_000, 20_000])
    const at = ctx.rng.int(items.length + 1)
    const added: TarItem[] = []
    for (let i = 0; i < n; i++)
      added.push({ name: `many/${i % 64}/${i}`, type: 'file', data: Buffer.alloc(0) })
    items.splice(at, 0, ...added)
    return `${n} at entry ${at}`
  }
}

export const longPath: ItemEdit = {
  name: 'long-path',
  about: 'a path over the length limit (4097 chars, 70 kB, 1 MB)',
  edit: (items, ctx) => {
    const item = items[pickItemIndex(items, ctx.rng)]
    const length = ctx.rng.pick([4097, 70_000, ctx.small ? 100_000 : 1_000_000])
    item.name = ('deep/'.repeat(Math.ceil(length / 5)) + item.name).slice(-length)
    return `${length} chars`
  }
}

export const whiteoutOddities: ItemEdit = {
  name: 'whiteout-oddities',
  about:
    'whiteouts of the root, of "..", bare ".wh.", opaque markers with data or on files, AUFS names',
  edit: (items, ctx) => {
    const name = ctx.rng.pick([
      '.wh.',
      '.wh..wh..opq',
      '.wh...',
      `.wh.${'x'.repeat(300)}`,
      '.wh..wh.plnk',
      'etc/os-release/.wh..wh..opq',
      `a/.wh.${ESCAPE}/../../..`,
      '.wh.etc',
      'bin/sh/.wh.x'
    ])
    const data = ctx.rng.chance(0.3) ? Buffer.from('opaque with data') : Buffer.alloc(0)
    items.splice(ctx.rng.int(items.length + 1), 0, { name, type: 'file', data })
    return JSON.stringify(name.slice(0, 40))
  }
}

export const ITEM_EDITS_BOTH: ItemEdit[] = [
  paxSize,
  paxPath,
  paxIds,
  paxGarbage,
  paxGlobal,
  gnuLongNames,
  evilNames,
  nulNames,
  duplicateEntry,
  dropEntry,
  shuffleEntries,
  symlinkChain,
  hardlinkChain,
  typeSwap,
  tarOfTars,
  manyEmptyFiles,
  longPath
]
