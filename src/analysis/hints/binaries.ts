// Hints from the ELF files the reader looked at while the layers streamed (image/layer/elf.ts).
//
// unstripped-binaries: executables and shared libraries in the image's own layers that still
// carry a symbol table or debug sections. Bytes: the sizes of the sections `strip` removes
// (.symtab, its string table, .debug_* / .zdebug_*), from the section headers; the file
// shrinks by that much plus a little alignment and the removed section headers.
//
// distro-base-for-static: the entrypoint is a static ELF (no PT_INTERP, no DT_NEEDED) and the
// base image is a distribution (its layers hold a dpkg, apk or rpm database) that the
// image's own layers do not install into. Bytes: the base layers' bytes, minus the CA
// bundle and time-zone files the base holds (a static binary may read them: the fix says
// to copy them over).

import type { Hint } from '../report.js'
import type { LiveNode } from '../stack.js'
import {
  addToTally,
  isBase,
  mainLayer,
  makeHint,
  newTally,
  tallyBytes,
  topPaths,
  writtenInstruction,
  type HintContext
} from './context.js'
import { bytes, isCopy, isRun, listWithSizes, quoted } from './fix.js'
import { isPackageDb } from './structural.js'

export function unstrippedHint(ctx: HintContext): Hint | undefined {
  const tally = newTally()
  let go = 0
  let other = 0
  for (const [path, node] of ctx.live) {
    if (node.entry.kind !== 'file' || isBase(ctx, node.layer) || ctx.claimed.has(path)) continue
    const info = ctx.elf(node.layer, path)
    if (!info || (info.type !== 'exec' && info.type !== 'dyn')) continue
    const b = info.strippable.reduce((n, s) => n + s.bytes, 0)
    if (b <= 0) continue
    addToTally(tally, path, node.layer, b)
    if (info.go) go++
    else other++
  }
  const total = tallyBytes(tally)
  if (total <= 0) return undefined
  const layer = mainLayer(tally.byLayer)
  const paths = topPaths(tally.groups, ctx.maxPaths)
  const ins = writtenInstruction(ctx, layer)
  const files = tally.groups.size
  const what = `${files} binar${files === 1 ? 'y carries' : 'ies carry'} ${bytes(total)} of symbols and debug sections: ${listWithSizes(paths, 3)}`
  const how: string[] = []
  if (go > 0) how.push('build Go binaries with `go build -ldflags="-s -w"`')
  if (other > 0) {
    const list = paths.map(p => p.path).join(' ')
    how.push(`run \`strip --strip-unneeded ${list.length > 80 ? '<binaries>' : list}\``)
  }
  let where = ''
  if (isRun(ins)) where = ` in ${quoted(ins)}`
  else if (isCopy(ins) && /--from[= ]/.test(ins as string))
    where = ` in the build stage, before ${quoted(ins)}`
  else if (isCopy(ins)) where = ` before building the context that ${quoted(ins)} copies`
  return makeHint(ctx, {
    id: 'unstripped-binaries',
    bytes: total,
    byLayer: tally.byLayer,
    paths,
    fix: `${what}. ${how.join('; ')}${where}`
  })
}

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'

/** The live node the entrypoint runs, following symlinks (relative path, node). */
export function entrypointFile(ctx: HintContext): [string, LiveNode] | undefined {
  const first = ctx.command[0]
  if (!first) return undefined
  const candidates: string[] = []
  if (first.startsWith('/')) candidates.push(first)
  else if (first.includes('/')) candidates.push(`/${ctx.workdir}/${first}`)
  else {
    for (const dir of (ctx.env.get('PATH') ?? DEFAULT_PATH).split(':')) {
      if (dir.startsWith('/')) candidates.push(`${dir}/${first}`)
    }
  }
  for (const c of candidates) {
    const found = follow(ctx, normalise(c))
    if (found) return found
  }
  return undefined
}

function normalise(abs: string): string {
  const out: string[] = []
  for (const part of abs.split('/')) {
    if (part === '' || part === '.') continue
    if (part === '..') out.pop()
    else out.push(part)
  }
  return out.join('/')
}

function follow(ctx: HintContext, start: string): [string, LiveNode] | undefined {
  let path = start
  for (let hop = 0; hop < 16; hop++) {
    const node = ctx.live.get(path)
    if (!node) return undefined
    if (node.entry.kind === 'file') return [path, node]
    if (node.entry.kind !== 'symlink' || node.entry.linkname === undefined) return undefined
    const target = node.entry.linkname
    const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : ''
    path = normalise(target.startsWith('/') ? target : `/${dir}/${target}`)
  }
  return undefined
}

const DISTRO_DB =
  /^(?:var\/lib\/dpkg\/status$|var\/lib\/dpkg\/status\.d\/|(?:usr\/)?lib\/apk\/db\/installed$|var\/lib\/rpm\/|usr\/lib\/sysimage\/rpm\/)/
/** What a static binary may still read from the base: copied over, so not counted. */
const RUNTIME_DATA = /^(?:etc\/ssl\/certs\/|usr\/share\/ca-certificates\/|usr\/share\/zoneinfo\/)/

export function distroBaseHint(ctx: HintContext): Hint | undefined {
  if (ctx.baseLayers <= 0) return undefined
  const entry = entrypointFile(ctx)
  if (!entry) return undefined
  const [binPath, binNode] = entry
  if (isBase(ctx, binNode.layer)) return undefined
  const info = ctx.elf(binNode.layer, binPath)
  if (!info || info.interp || info.needed !== 0) return undefined
  if (info.type !== 'exec' && info.type !== 'dyn') return undefined
  let distro: string | undefined
  let keep = 0
  const kept = new Set<string>()
  for (const [path, node] of ctx.live) {
    // the image's own layers install packages: the distribution is in use
    if (!isBase(ctx, node.layer) && isPackageDb(path)) return undefined
    if (isBase(ctx, node.layer) && distro === undefined && DISTRO_DB.test(path)) distro = path
    if (isBase(ctx, node.layer) && node.entry.kind === 'file' && RUNTIME_DATA.test(path)) {
      keep += node.entry.size
      kept.add(
        path.startsWith('usr/share/zoneinfo/')
          ? 'usr/share/zoneinfo'
          : 'etc/ssl/certs/ca-certificates.crt'
      )
    }
  }
  if (distro === undefined) return undefined
  const byLayer = new Map<number, number>()
  for (let i = 0; i < ctx.baseLayers; i++) byLayer.set(i, ctx.layers[i]?.bytes ?? 0)
  const baseBytes = [...byLayer.values()].reduce((a, b) => a + b, 0)
  const total = baseBytes - keep
  // the bytes go to the largest base layer, so the hint points at the FROM line
  const extra = [...kept].sort().map(p => `/${p}`)
  const copy =
    extra.length > 0
      ? `; if the binary makes TLS calls or loads time zones, \`COPY --from=<build> ${extra.join(' ')}\` too (${bytes(keep)}, not counted)`
      : ''
  const ins = writtenInstruction(ctx, binNode.layer)
  return makeHint(ctx, {
    id: 'distro-base-for-static',
    bytes: total,
    byLayer: scaled(byLayer, total, baseBytes),
    paths: [{ path: `/${binPath}`, bytes: binNode.entry.size, files: 1 }],
    fix: `the entrypoint /${binPath} is statically linked (no interpreter, no shared libraries${info.go ? '; a Go binary' : ''}), yet the base image is a distribution (/${distro}, ${bytes(baseBytes)} in ${ctx.baseLayers} layer${ctx.baseLayers === 1 ? '' : 's'}). Make the final stage \`FROM scratch\` (or a distroless static image) and copy only the binary (${ins ? quoted(ins) : 'its COPY'})${copy}; add \`USER 65532\` as there is no /etc/passwd`
  })
}

/** The base layers' bytes scaled down to the counted total (the kept files are spread). */
function scaled(byLayer: Map<number, number>, total: number, all: number): Map<number, number> {
  if (all <= 0 || total === all) return byLayer
  const out = new Map<number, number>()
  let left = total
  const entries = [...byLayer].sort((a, b) => b[1] - a[1])
  entries.forEach(([l, b], i) => {
    const share = i === entries.length - 1 ? left : Math.floor((b * total) / all)
    out.set(l, share)
    left -= share
  })
  return out
}
