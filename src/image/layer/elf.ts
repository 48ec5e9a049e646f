// ELF files seen while a layer streams past: is the file static, is it a Go binary, and
// which sections `strip` would remove (.symtab, .strtab, .debug_*), with their sizes.
//
// The bytes pass once and are not kept, so the probe keeps only bounded pieces that can hold
// what the parse needs: the head (ELF header, program headers), the PT_DYNAMIC range (its
// DT_NEEDED entries), the first bytes outside every PT_LOAD segment (where the Go linker
// puts .shstrtab) and the tail (where GNU ld puts .shstrtab and the section header table).
// At most HEAD + DYNAMIC + NONLOAD + TAIL bytes per file, one file at a time. When the section
// names cannot be read (the Go linker puts .shstrtab inside a loaded segment) the sections
// are classified by type and flags: SHT_SYMTAB, the string table it links, and the
// non-allocated PROGBITS sections (the debug sections, plus .comment-like sections of a few
// bytes that strip keeps). A Go binary is also known by its "Go" build-id note (PT_NOTE).

import type { ElfInfo } from '../types.js'

export const ELF_HEAD_BYTES = 64 * 1024
export const ELF_TAIL_BYTES = 1024 * 1024
export const ELF_NONLOAD_BYTES = 1024 * 1024
export const ELF_DYNAMIC_BYTES = 64 * 1024
/** Smallest file looked at: an ELF64 header is 64 bytes. */
export const ELF_MIN_BYTES = 64

const PT_LOAD = 1
const PT_DYNAMIC = 2
const PT_INTERP = 3
const PT_NOTE = 4
const SHF_ALLOC = 2
const SHT_PROGBITS = 1
const SHT_SYMTAB = 2
const DT_NEEDED = 1

interface Piece {
  start: number
  data: Buffer
}

/** Random access to the kept pieces of a file; undefined when a range was not kept. */
export class Pieces {
  constructor(private readonly pieces: Piece[]) {}

  read(offset: number, length: number): Buffer | undefined {
    if (offset < 0 || length < 0 || !Number.isSafeInteger(offset + length)) return undefined
    for (const p of this.pieces) {
      if (offset >= p.start && offset + length <= p.start + p.data.length) {
        return p.data.subarray(offset - p.start, offset - p.start + length)
      }
    }
    return undefined
  }
}

/** Merges contiguous writes into pieces. */
class PieceSet {
  private readonly runs: { start: number; parts: Buffer[]; end: number }[] = []

  add(start: number, data: Buffer): void {
    if (data.length === 0) return
    const last = this.runs[this.runs.length - 1]
    // borrowed chunk (see streams.ts): copied, since it is kept past this write
    if (last && last.end === start) {
      last.parts.push(Buffer.from(data))
      last.end += data.length
    } else this.runs.push({ start, parts: [Buffer.from(data)], end: start + data.length })
  }

  pieces(): Pieces {
    return new Pieces(
      this.runs.map(r => {
        if (r.parts.length > 1) r.parts = [Buffer.concat(r.parts)]
        return { start: r.start, data: r.parts[0] as Buffer }
      })
    )
  }
}

interface Layout {
  is64: boolean
  le: boolean
  loads: [number, number][]
  dynamic?: [number, number]
  /** PT_NOTE ranges (read from the head only). */
  notes: [number, number][]
  interp: boolean
}

/**
 * Watches one regular file's bytes; `finish()` gives its ElfInfo, or undefined for a file
 * that is not ELF or too damaged to read.
 */
export class ElfProbe {
  private offset = 0
  private notElf = false
  private readonly kept = new PieceSet()
  private layout: Layout | undefined
  private nonload = 0
  private gaveUp = false

  constructor(private readonly size: number) {}

  write(chunk: Buffer): void {
    if (this.notElf) return
    const start = this.offset
    this.offset += chunk.length
    if (start === 0 && !isElfMagic(chunk)) {
      this.notElf = true
      return
    }
    for (let i = 0; i < chunk.length;) {
      const pos = start + i
      const keep = this.keeps(pos)
      // Run of bytes with the same decision (bounded by the next boundary that can change it).
      const j = Math.min(chunk.length, i + this.runLength(pos))
      if (keep) this.kept.add(pos, chunk.subarray(i, j))
      if (keep && this.inNonload(pos)) this.nonload += j - i
      i = j
      if (!this.layout && !this.gaveUp && this.offset >= 64) this.tryLayout()
    }
  }

  finish(): ElfInfo | undefined {
    if (this.notElf || this.offset < ELF_MIN_BYTES) return undefined
    return parseElf(this.kept.pieces(), this.size)
  }

  private tryLayout(): void {
    const layout = readLayout(this.kept.pieces())
    if (layout === null) this.notElf = true
    else if (layout) this.layout = layout
    // program headers outside the head: read what the head and tail hold, no more
    else if (this.offset >= ELF_HEAD_BYTES) this.gaveUp = true
  }

  private keeps(pos: number): boolean {
    if (pos < ELF_HEAD_BYTES || pos >= this.size - ELF_TAIL_BYTES) return true
    const l = this.layout
    if (!l) return false
    if (l.dynamic && pos >= l.dynamic[0] && pos < l.dynamic[1]) return true
    return this.nonload < ELF_NONLOAD_BYTES && this.inNonload(pos)
  }

  private inNonload(pos: number): boolean {
    const l = this.layout
    if (!l || pos < ELF_HEAD_BYTES || pos >= this.size - ELF_TAIL_BYTES) return false
    if (l.dynamic && pos >= l.dynamic[0] && pos < l.dynamic[1]) return false
    return !l.loads.some(([a, b]) => pos >= a && pos < b)
  }

  /** Bytes from `pos` until a boundary where keeps() may change. */
  private runLength(pos: number): number {
    const bounds = [ELF_HEAD_BYTES, this.size - ELF_TAIL_BYTES, 64]
    const l = this.layout
    if (l) {
      for (const [a, b] of l.loads) bounds.push(a, b)
      if (l.dynamic) bounds.push(l.dynamic[0], l.dynamic[1])
    }
    let next = Infinity
    for (const b of bounds) if (b > pos && b < next) next = b
    if (l && this.inNonload(pos)) {
      next = Math.min(next, pos + Math.max(1, ELF_NONLOAD_BYTES - this.nonload))
    }
    return Number.isFinite(next) ? next - pos : Number.MAX_SAFE_INTEGER
  }
}

export function isElfMagic(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] === 0x7f && b[1] === 0x45 && b[2] === 0x4c && b[3] === 0x46
}

class View {
  constructor(
    readonly buf: Buffer,
    readonly le: boolean
  ) {}
  u16(o: number): number {
    return this.le ? this.buf.readUInt16LE(o) : this.buf.readUInt16BE(o)
  }
  u32(o: number): number {
    return this.le ? this.buf.readUInt32LE(o) : this.buf.readUInt32BE(o)
  }
  u64(o: number): number {
    const v = this.le ? this.buf.readBigUInt64LE(o) : this.buf.readBigUInt64BE(o)
    return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v)
  }
  word(o: number, is64: boolean): number {
    return is64 ? this.u64(o) : this.u32(o)
  }
}

/** undefined: not enough bytes yet; null: not an ELF we read. */
function readLayout(p: Pieces): Layout | undefined | null {
  const ident = p.read(0, 16)
  if (!ident) return undefined
  if (!isElfMagic(ident)) return null
  const cls = ident[4]
  const data = ident[5]
  if ((cls !== 1 && cls !== 2) || (data !== 1 && data !== 2)) return null
  const is64 = cls === 2
  const le = data === 1
  const hdr = p.read(0, is64 ? 64 : 52)
  if (!hdr) return undefined
  const h = new View(hdr, le)
  const phoff = h.word(is64 ? 32 : 28, is64)
  const phentsize = h.u16(is64 ? 54 : 42)
  const phnum = h.u16(is64 ? 56 : 44)
  const loads: [number, number][] = []
  let dynamic: [number, number] | undefined
  let interp = false
  const notes: [number, number][] = []
  if (phnum > 0 && phentsize >= (is64 ? 56 : 32)) {
    const table = p.read(phoff, phnum * phentsize)
    if (!table) return undefined
    const t = new View(table, le)
    for (let i = 0; i < phnum; i++) {
      const o = i * phentsize
      const type = t.u32(o)
      const off = t.word(is64 ? o + 8 : o + 4, is64)
      const filesz = t.word(is64 ? o + 32 : o + 16, is64)
      if (type === PT_LOAD) loads.push([off, off + filesz])
      else if (type === PT_INTERP) interp = true
      else if (type === PT_DYNAMIC) dynamic = [off, off + Math.min(filesz, ELF_DYNAMIC_BYTES)]
      else if (type === PT_NOTE) notes.push([off, off + filesz])
    }
  }
  return { is64, le, loads, ...(dynamic ? { dynamic } : {}), notes, interp }
}

interface Section {
  name: string | undefined
  type: number
  flags: number
  offset: number
  size: number
  link: number
}

/** Parses what was kept of an ELF file of `size` bytes. Pure: tested with built files. */
export function parseElf(p: Pieces, size: number): ElfInfo | undefined {
  const layout = readLayout(p)
  if (!layout) return undefined
  const { is64, le } = layout
  const h = new View(p.read(0, is64 ? 64 : 52) as Buffer, le)
  const type = h.u16(16)
  const machine = h.u16(18)
  const shoff = h.word(is64 ? 40 : 32, is64)
  const shentsize = h.u16(is64 ? 58 : 46)
  const shnum = h.u16(is64 ? 60 : 48)
  const shstrndx = h.u16(is64 ? 62 : 50)
  const needed = neededCount(p, layout)
  const info: ElfInfo = {
    type: type === 2 ? 'exec' : type === 3 ? 'dyn' : type === 1 ? 'rel' : 'other',
    machine,
    interp: layout.interp,
    ...(needed !== undefined ? { needed } : {}),
    go: hasGoNote(p, layout),
    sectionsRead: false,
    namesRead: false,
    strippable: []
  }
  if (shnum === 0 || shentsize < (is64 ? 64 : 40) || shoff >= size) return info
  const table = p.read(shoff, shnum * shentsize)
  if (!table) return info
  const t = new View(table, le)
  const sections: Section[] = []
  for (let i = 0; i < shnum; i++) {
    const o = i * shentsize
    sections.push({
      name: undefined,
      type: t.u32(o + 4),
      flags: t.word(o + 8, is64),
      offset: t.word(is64 ? o + 24 : o + 16, is64),
      size: t.word(is64 ? o + 32 : o + 20, is64),
      link: t.u32(is64 ? o + 40 : o + 24)
    })
  }
  info.sectionsRead = true
  const strtab = sections[shstrndx]
  const names = strtab ? p.read(strtab.offset, strtab.size) : undefined
  if (names) {
    info.namesRead = true
    for (const s of sections) s.name = cString(names, nameOffset(t, sections.indexOf(s), shentsize))
  }
  info.go ||= sections.some(s => s.name === '.note.go.buildid' || s.name === '.go.buildinfo')
  info.strippable = strippable(sections, shstrndx, info.namesRead)
  return info
}

function nameOffset(t: View, index: number, shentsize: number): number {
  return t.u32(index * shentsize)
}

function cString(b: Buffer, at: number): string | undefined {
  if (at >= b.length) return undefined
  const end = b.indexOf(0, at)
  return b.toString('latin1', at, end < 0 ? b.length : end)
}

const SHT_NOBITS = 8

/** .symtab, the string table it links (.strtab), and the .debug_* and .zdebug_* sections. */
function strippable(
  sections: Section[],
  shstrndx: number,
  named: boolean
): { name: string; bytes: number }[] {
  const out: { name: string; bytes: number }[] = []
  const seen = new Set<number>()
  const add = (i: number, fallback: string): void => {
    const s = sections[i]
    if (!s || seen.has(i) || s.type === SHT_NOBITS || s.size <= 0) return
    seen.add(i)
    out.push({ name: s.name ?? fallback, bytes: s.size })
  }
  sections.forEach((s, i) => {
    if (s.type === SHT_SYMTAB) {
      add(i, '.symtab')
      // the symbol names, unless the linker shares .shstrtab (then strip keeps it)
      if (s.link !== shstrndx) add(s.link, '.strtab')
    }
  })
  sections.forEach((s, i) => {
    if (s.name !== undefined && /^\.z?debug_/.test(s.name)) add(i, s.name)
    // Names unread (the Go linker puts .shstrtab inside a loaded segment): the debug sections
    // are the non-allocated PROGBITS ones (also .comment and .gnu_debuglink: a few bytes).
    if (!named && s.type === SHT_PROGBITS && (s.flags & SHF_ALLOC) === 0) add(i, `[${i}]`)
  })
  return out
}

/** A PT_NOTE in the head holds a note named "Go" (the Go build id). */
function hasGoNote(p: Pieces, layout: Layout): boolean {
  for (const [a, b] of layout.notes) {
    const d = p.read(a, Math.min(b - a, 4096))
    if (!d) continue
    const v = new View(d, layout.le)
    for (let o = 0; o + 12 <= d.length;) {
      const namesz = v.u32(o)
      const descsz = v.u32(o + 4)
      const name = d.toString('latin1', o + 12, Math.min(d.length, o + 12 + namesz))
      if (name.replace(/\0+$/, '') === 'Go') return true
      o += 12 + align4(namesz) + align4(descsz)
    }
  }
  return false
}

function align4(n: number): number {
  return (n + 3) & ~3
}

/** DT_NEEDED entries, when PT_DYNAMIC was kept; undefined when unknown. */
function neededCount(p: Pieces, layout: Layout): number | undefined {
  if (!layout.dynamic) return 0
  const [a, b] = layout.dynamic
  const d = p.read(a, b - a)
  if (!d) return undefined
  const v = new View(d, layout.le)
  const step = layout.is64 ? 16 : 8
  let n = 0
  for (let o = 0; o + step <= d.length; o += step) {
    const tag = v.word(o, layout.is64)
    if (tag === 0) break
    if (tag === DT_NEEDED) n++
  }
  return n
}
