// Realistic in-memory images for hint tests: layers of files (sizes, or text whose bytes the
// image reader would keep), analysed by the real engine, with contents collected the way the
// reader is told to (ContentCollector).

import { analyzeImage, type Analysis } from '../../../src/analysis/analyze.js'
import { ContentCollector, type LayerContents } from '../../../src/analysis/hints/content.js'
import type { Hint } from '../../../src/analysis/report.js'
import type { ElfInfo, EntryKind, ImageConfigJson, LayerRead } from '../../../src/image/types.js'
import { entry, image, type EntrySpec } from '../../support/layers.js'

export const kB = 1000
export const MB = 1000 * kB

export interface FileSpec {
  path: string
  size?: number
  /** File text: sets the size, and the bytes the reader keeps when it wants them. */
  text?: string
  kind?: EntryKind
  /** Content identity (same → same hash); defaults to path + size. */
  content?: string
  linkname?: string
  mode?: number
  /** What the reader would have learnt of this ELF file. */
  elf?: ElfInfo
}

export interface LayerDef {
  /** Normalised history instruction (`RUN …`, `COPY …`). */
  by: string
  files: FileSpec[]
}

export interface Built {
  analysis: Analysis
  contents: LayerContents
}

export interface BuildOpts {
  base?: number
  env?: string[]
  /** Image config Entrypoint, Cmd and WorkingDir. */
  entrypoint?: string[]
  cmd?: string[]
  workdir?: string
  /** Merged into the image config's `config` last. */
  config?: NonNullable<ImageConfigJson['config']>
}

export function build(layers: LayerDef[], opts: BuildOpts = {}): Built {
  const reads = layers.map(l => readOf(l.files))
  const img = image(
    reads,
    layers.map(l => l.by)
  )
  if (opts.env) img.config.config = { ...img.config.config, Env: opts.env }
  if (opts.entrypoint) img.config.config = { ...img.config.config, Entrypoint: opts.entrypoint }
  if (opts.cmd) img.config.config = { ...img.config.config, Cmd: opts.cmd }
  if (opts.workdir) img.config.config = { ...img.config.config, WorkingDir: opts.workdir }
  if (opts.config) img.config.config = { ...img.config.config, ...opts.config }
  const analysis = analyzeImage(img, {
    toolVersion: 'test',
    now: new Date('2026-01-01T00:00:00Z'),
    ...(opts.base !== undefined
      ? { base: { layers: opts.base, source: 'from-image' as const } }
      : {})
  })
  const collector = new ContentCollector()
  layers.forEach((l, i) => {
    for (const f of l.files) {
      if (f.text === undefined) continue
      const data = Buffer.from(f.text)
      if (collector.wants(i, f.path, data.length)) collector.add(i, f.path, data)
    }
  })
  return { analysis, contents: collector.contents() }
}

/** Like support's layer(), without spreading arguments (images of 100k+ files). */
function readOf(files: FileSpec[]): LayerRead {
  const entries = files.map(f => entry(toEntry(f)))
  const bytes = entries.reduce((n, e) => n + e.size, 0)
  const elf = new Map(files.filter(f => f.elf).map(f => [f.path, f.elf as ElfInfo]))
  return {
    entries,
    tarBytes: bytes + 512 * (entries.length + 2),
    blobBytes: 0,
    compression: 'none',
    ...(elf.size > 0 ? { elf } : {})
  }
}

function toEntry(f: FileSpec): EntrySpec {
  const size = f.text !== undefined ? Buffer.byteLength(f.text) : f.size
  return {
    path: f.path,
    ...(f.kind ? { kind: f.kind } : {}),
    ...(size !== undefined ? { size } : {}),
    ...(f.content !== undefined
      ? { content: f.content }
      : f.text !== undefined
        ? { content: f.text }
        : {}),
    ...(f.linkname !== undefined ? { linkname: f.linkname } : {}),
    ...(f.mode !== undefined ? { mode: f.mode } : {})
  }
}

/** Files of `bytes` total spread over `n` files under `dir`. */
export function filesUnder(dir: string, n: number, each: number, ext = 'bin'): FileSpec[] {
  return Array.from({ length: n }, (_, i) => ({ path: `${dir}/f${i}.${ext}`, size: each }))
}

export function total(files: FileSpec[]): number {
  return files.reduce(
    (s, f) => s + (f.text !== undefined ? Buffer.byteLength(f.text) : (f.size ?? 0)),
    0
  )
}

export function only(hints: Hint[], id: string): Hint {
  const found = hints.filter(h => h.id === id)
  if (found.length !== 1)
    throw new Error(`expected one ${id} hint, got ${found.length}: ${ids(hints).join(', ')}`)
  return found[0]
}

export function ids(hints: Hint[]): string[] {
  return hints.map(h => h.id)
}

// ---------------------------------------------------------------- package databases

export interface DpkgPkg {
  name: string
  /** Installed-Size in KiB. */
  kib: number
  arch?: string
  status?: string
  section?: string
  multiArch?: boolean
  /** Files the package owns (relative paths) with sizes, written into the same layer. */
  files?: { path: string; size: number }[]
}

export function dpkgStanza(p: DpkgPkg, withStatus = true): string {
  return [
    `Package: ${p.name}`,
    ...(withStatus ? [`Status: ${p.status ?? 'install ok installed'}`] : []),
    'Priority: optional',
    `Section: ${p.section ?? 'libs'}`,
    `Installed-Size: ${p.kib}`,
    'Maintainer: Debian Maintainers <debian-devel@lists.debian.org>',
    `Architecture: ${p.arch ?? 'amd64'}`,
    ...(p.multiArch ? ['Multi-Arch: same'] : []),
    'Version: 1.0-1',
    'Depends: libc6 (>= 2.34)',
    `Description: ${p.name} package`,
    ` Long description of ${p.name},`,
    ' spread over two lines.'
  ].join('\n')
}

export function dpkgStatus(pkgs: DpkgPkg[]): string {
  return `${pkgs.map(p => dpkgStanza(p)).join('\n\n')}\n`
}

/** The status file, the .list files, and the owned files of `pkgs`, for one layer. */
export function dpkgFiles(all: DpkgPkg[], installedHere: DpkgPkg[]): FileSpec[] {
  const files: FileSpec[] = [{ path: 'var/lib/dpkg/status', text: dpkgStatus(all) }]
  for (const p of installedHere) {
    const listName = p.multiArch ? `${p.name}:${p.arch ?? 'amd64'}` : p.name
    const owned = p.files ?? []
    const list = ['/.', '/usr', ...owned.map(f => `/${f.path}`)].join('\n') + '\n'
    files.push({ path: `var/lib/dpkg/info/${listName}.list`, text: list })
    files.push(...owned.map(f => ({ path: f.path, size: f.size })))
  }
  return files
}

export interface ApkPkg {
  name: string
  /** I: installed size in bytes. */
  bytes: number
  files?: { path: string; size: number }[]
}

export function apkInstalled(pkgs: ApkPkg[]): string {
  const stanza = (p: ApkPkg) => {
    const lines = [
      'C:Q1abcdefghijklmnopqrstuvwxyz0123=',
      `P:${p.name}`,
      'V:1.0-r0',
      'A:x86_64',
      `S:${Math.round(p.bytes / 3)}`,
      `I:${p.bytes}`,
      `T:${p.name} package`,
      'U:https://alpinelinux.org',
      'L:MIT',
      `o:${p.name}`,
      'm:Alpine Maintainers <alpine@example.org>',
      't:1700000000',
      'c:0123456789abcdef'
    ]
    const byDir = new Map<string, string[]>()
    for (const f of p.files ?? []) {
      const i = f.path.lastIndexOf('/')
      const dir = f.path.slice(0, i)
      byDir.set(dir, [...(byDir.get(dir) ?? []), f.path.slice(i + 1)])
    }
    for (const [dir, names] of byDir) {
      lines.push(`F:${dir}`)
      for (const n of names) lines.push(`R:${n}`, 'Z:Q1abcdefghijklmnopqrstuvwxyz0123=')
    }
    return lines.join('\n')
  }
  return `${pkgs.map(stanza).join('\n\n')}\n\n`
}
