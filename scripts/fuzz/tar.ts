// A tar toolkit for writing hostile archives: headers with any field (garbage octal, unknown
// typeflags, NUL in names), PAX and GNU long-name records, and a lenient parse/pack pair so that
// mutations can edit an archive as a list of entries. Independent of the reader under test.
// The header writer lives with the test fixtures (which build the seeds) and is re-exported here.

export {
  BLOCK,
  entryBlocks,
  gnuLongBlock,
  header,
  padded,
  paxBlock,
  paxRecords,
  setChecksum,
  writeOctal,
  type HeaderFields
} from '../../__tests__/support/image-fixtures.js'
import {
  BLOCK,
  entryBlocks,
  paxBlock,
  type HeaderFields
} from '../../__tests__/support/image-fixtures.js'

export const END_MARKER = Buffer.alloc(2 * BLOCK)

export type ItemType = 'file' | 'dir' | 'symlink' | 'link' | 'fifo' | 'raw'

/** One outer-archive entry. `raw` items are emitted verbatim (hand-made headers + data). */
export interface TarItem {
  name: string
  type: ItemType
  data: Buffer
  linkname?: string
}

const TYPEFLAGS: Record<Exclude<ItemType, 'raw'>, string> = {
  file: '0',
  link: '1',
  symlink: '2',
  dir: '5',
  fifo: '6'
}

function needsPax(value: string | undefined): boolean {
  return value !== undefined && (Buffer.byteLength(value) > 100 || value.includes('\0'))
}

/** The blocks of one item: a PAX header when the name or link does not fit. */
export function itemBlocks(item: TarItem): Buffer {
  if (item.type === 'raw') return item.data
  const records: Record<string, string> = {}
  if (needsPax(item.name)) records.path = item.name
  if (needsPax(item.linkname)) records.linkpath = item.linkname!
  const pax = Object.keys(records).length > 0 ? paxBlock(records) : Buffer.alloc(0)
  const data = item.type === 'file' ? item.data : Buffer.alloc(0)
  const fields: HeaderFields = {
    name: item.name.slice(0, 100).replace(/\0/g, '_'),
    typeflag: TYPEFLAGS[item.type],
    mode: item.type === 'dir' ? 0o755 : 0o644
  }
  if (item.linkname !== undefined) fields.linkname = item.linkname.slice(0, 100)
  return Buffer.concat([pax, entryBlocks(fields, data)])
}

export function packItems(items: TarItem[], endMarker = true): Buffer {
  return Buffer.concat([...items.map(itemBlocks), ...(endMarker ? [END_MARKER] : [])])
}

/** Where one header sits in a tar stream. */
export interface HeaderPos {
  at: number
  name: string
  typeflag: string
  size: number
  dataAt: number
}

function text(b: Buffer, at: number, width: number): string {
  const end = b.indexOf(0, at)
  return b.toString('utf8', at, end < 0 || end > at + width ? at + width : end)
}

function octalField(b: Buffer, at: number, width: number): number {
  const s = b
    .toString('latin1', at, at + width)
    .replace(/[\0 ]+$/g, '')
    .trim()
  return /^[0-7]+$/.test(s) ? parseInt(s, 8) : NaN
}

function isZero(b: Buffer, at: number): boolean {
  for (let i = at; i < at + BLOCK; i++) if (b[i] !== 0) return false
  return true
}

/** The headers of a (well-formed) tar, in order; stops at a zero block or a bad size. */
export function walkHeaders(buf: Buffer): HeaderPos[] {
  const out: HeaderPos[] = []
  let at = 0
  while (at + BLOCK <= buf.length && !isZero(buf, at)) {
    const size = octalField(buf, at + 124, 12)
    if (!Number.isFinite(size)) break
    const typeflag = String.fromCharCode(buf[at + 156] || 0x30)
    out.push({ at, name: text(buf, at, 100), typeflag, size, dataAt: at + BLOCK })
    const dataSize = typeflag === '5' ? 0 : size
    at += BLOCK + Math.ceil(dataSize / BLOCK) * BLOCK
  }
  return out
}

function applyPax(data: Buffer, into: { name?: string; linkname?: string }): void {
  let rest = data
  while (rest.length > 0) {
    const space = rest.indexOf(0x20)
    const len = parseInt(rest.toString('utf8', 0, space), 10)
    if (!(len > 0) || space < 0) return
    const record = rest.toString('utf8', space + 1, len - 1)
    const eq = record.indexOf('=')
    if (record.slice(0, eq) === 'path') into.name = record.slice(eq + 1)
    if (record.slice(0, eq) === 'linkpath') into.linkname = record.slice(eq + 1)
    rest = rest.subarray(len)
  }
}

const ITEM_TYPES: Record<string, ItemType> = {
  '0': 'file',
  '7': 'file',
  '1': 'link',
  '2': 'symlink',
  '5': 'dir',
  '6': 'fifo'
}

/**
 * Entries of a tar made by our fixtures (lenient: PAX path/linkpath and GNU L/K are applied,
 * anything else unusual is kept as a raw item, and bytes after a bad header stay raw).
 */
export function parseItems(buf: Buffer): TarItem[] {
  const items: TarItem[] = []
  const pending: { name?: string; linkname?: string } = {}
  let at = 0
  for (const h of walkHeaders(buf)) {
    at = h.dataAt + Math.ceil((h.typeflag === '5' ? 0 : h.size) / BLOCK) * BLOCK
    const data = buf.subarray(h.dataAt, h.dataAt + h.size)
    if (h.typeflag === 'x') applyPax(data, pending)
    else if (h.typeflag === 'L') pending.name = text(data, 0, data.length)
    else if (h.typeflag === 'K') pending.linkname = text(data, 0, data.length)
    else if (h.typeflag === 'g') continue
    else items.push(toItem(buf, h, data, pending))
  }
  if (at < buf.length && !isZero(buf, at))
    items.push({ name: '', type: 'raw', data: buf.subarray(at) })
  return items
}

function toItem(
  buf: Buffer,
  h: HeaderPos,
  data: Buffer,
  pending: { name?: string; linkname?: string }
): TarItem {
  const type = ITEM_TYPES[h.typeflag]
  const prefix = buf[h.at + 345] !== 0 ? `${text(buf, h.at + 345, 155)}/` : ''
  const name = pending.name ?? prefix + h.name
  const link = pending.linkname ?? (buf[h.at + 157] === 0 ? undefined : text(buf, h.at + 157, 100))
  delete pending.name
  delete pending.linkname
  if (type === undefined) {
    const end = h.dataAt + Math.ceil(h.size / BLOCK) * BLOCK
    return { name, type: 'raw', data: Buffer.from(buf.subarray(h.at, end)) }
  }
  const item: TarItem = { name, type, data: type === 'file' ? Buffer.from(data) : Buffer.alloc(0) }
  if (link !== undefined && (type === 'link' || type === 'symlink')) item.linkname = link
  return item
}
