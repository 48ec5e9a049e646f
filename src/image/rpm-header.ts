// An rpm package header as rpmdb.sqlite stores it (the `blob` column of `Packages`), pure and
// bounded: int32 index count, int32 data length, 16-byte index entries (tag, type, offset,
// count; big-endian), then the data store. We read NAME, VERSION, RELEASE, EPOCH and the file
// list (DIRINDEXES + BASENAMES + DIRNAMES). Anything out of bounds → undefined, never a throw.

const TAG = {
  name: 1000,
  version: 1001,
  release: 1002,
  epoch: 1003,
  dirIndexes: 1116,
  baseNames: 1117,
  dirNames: 1118
} as const

const TYPE_INT32 = 4
const TYPE_STRING = 6
const TYPE_STRING_ARRAY = 8
const TYPE_I18NSTRING = 9

/** More index entries or data than any real package has: a damaged or hostile header. */
const MAX_ENTRIES = 100_000
const MAX_DATA = 256 * 1024 * 1024
const MAX_FILES = 1_000_000

export interface RpmPackage {
  name: string
  version: string
  /** Relative paths (no leading `/`). */
  files: string[]
}

interface Entry {
  type: number
  offset: number
  count: number
}

export function parseRpmHeader(blob: Uint8Array): RpmPackage | undefined {
  if (blob.length < 8) return undefined
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength)
  const il = view.getUint32(0)
  const dl = view.getUint32(4)
  if (il > MAX_ENTRIES || dl > MAX_DATA) return undefined
  const dataStart = 8 + il * 16
  if (dataStart + dl > blob.length) return undefined
  const entries = new Map<number, Entry>()
  for (let i = 0; i < il; i++) {
    const at = 8 + i * 16
    const tag = view.getUint32(at)
    const entry = {
      type: view.getUint32(at + 4),
      offset: view.getUint32(at + 8),
      count: view.getUint32(at + 12)
    }
    if (entry.offset >= dl || entry.count > MAX_FILES) continue
    if (!entries.has(tag)) entries.set(tag, entry)
  }
  const data = blob.subarray(dataStart, dataStart + dl)
  const dataView = new DataView(data.buffer, data.byteOffset, data.byteLength)
  const str = (tag: number): string | undefined => {
    const e = entries.get(tag)
    if (!e || (e.type !== TYPE_STRING && e.type !== TYPE_I18NSTRING)) return undefined
    return strings(data, e.offset, 1)?.[0]
  }
  const name = str(TAG.name)
  if (!name) return undefined
  const epoch = entries.get(TAG.epoch)
  const epochValue =
    epoch && epoch.type === TYPE_INT32 && epoch.offset + 4 <= dl
      ? dataView.getUint32(epoch.offset)
      : undefined
  const version = `${epochValue ? `${epochValue}:` : ''}${str(TAG.version) ?? '?'}-${str(TAG.release) ?? '?'}`
  return { name, version, files: files(entries, data, dataView) ?? [] }
}

function files(
  entries: Map<number, Entry>,
  data: Uint8Array,
  view: DataView
): string[] | undefined {
  const idx = entries.get(TAG.dirIndexes)
  const base = entries.get(TAG.baseNames)
  const dirs = entries.get(TAG.dirNames)
  if (!idx || !base || !dirs) return undefined
  if (idx.type !== TYPE_INT32 || base.type !== TYPE_STRING_ARRAY || dirs.type !== TYPE_STRING_ARRAY)
    return undefined
  if (idx.count !== base.count || idx.offset + idx.count * 4 > data.length) return undefined
  const baseNames = strings(data, base.offset, base.count)
  const dirNames = strings(data, dirs.offset, dirs.count)
  if (!baseNames || !dirNames) return undefined
  const out: string[] = []
  for (let i = 0; i < base.count; i++) {
    const d = dirNames[view.getUint32(idx.offset + i * 4)]
    if (d === undefined) return undefined
    out.push(`${d}${baseNames[i]}`.replace(/^\/+/, ''))
  }
  return out
}

/** `count` NUL-terminated strings from `offset`; undefined when they run past the data. */
function strings(data: Uint8Array, offset: number, count: number): string[] | undefined {
  const out: string[] = []
  const decoder = new TextDecoder('utf-8')
  let at = offset
  for (let i = 0; i < count; i++) {
    const end = data.indexOf(0, at)
    if (end < 0) return undefined
    out.push(decoder.decode(data.subarray(at, end)))
    at = end + 1
  }
  return out
}
