// Packages apt installed only because something recommended them (or left behind as
// orphans): the installed dpkg packages outside the Depends/Pre-Depends closure of the
// packages that had to be there. Roots of the closure:
// - every package /var/lib/apt/extended_states does not mark `Auto-Installed: 1` (installed
//   by hand, by name);
// - `Essential: yes` and `Priority: required|important` packages (the system itself);
// - every package of the base image (its recommends cannot be changed from this Dockerfile).
// Relations: `a (>= 1) | b:any, c` — each comma group is satisfied by any installed
// alternative; which one apt picked is not recorded, so every installed alternative (and
// every installed provider of a virtual name) stays in the closure: the hint under-claims
// rather than name a package that is needed.
//
// One hint per install: each package belongs to the layer that wrote its dpkg file list, so
// every `apt-get install` that pulled recommends gets its own hint, fix and rewrite.
//
// Bytes are exact: the sizes of the regular files each such package lists that the final
// filesystem holds (and its own dpkg files, /var/lib/dpkg/info/<name>.*), without files a root-closure package also lists or that an earlier
// hint (build-tools) counted, each hard-linked inode once and only when all its names go.

import type { Hint, PathSize } from '../report.js'
import type { LiveNode } from '../stack.js'
import {
  addToTally,
  dockerfileInstruction,
  isBase,
  mainLayer,
  makeHint,
  newTally,
  tallyBytes,
  topPaths,
  type HintContext
} from './context.js'
import { liveText } from './content.js'
import { bytes, isRun, quoted } from './fix.js'
import { installedPackages, usrMerged, type InstalledPackage } from './packages.js'

export const STATUS = 'var/lib/dpkg/status'
export const EXTENDED_STATES = 'var/lib/apt/extended_states'
/** Packages listed in the hint (largest first); the text names the count of all of them. */
export const MAX_LISTED = 30

/** The fields of a dpkg status stanza the closure needs. */
export interface DpkgRelations {
  name: string
  arch?: string
  essential: boolean
  priority?: string
  /** Comma groups of alternatives, each a bare package name (version and arch dropped). */
  depends: string[][]
  provides: string[]
}

function stanzas(text: string): Map<string, string>[] {
  const out: Map<string, string>[] = []
  for (const block of text.replace(/\r\n?/g, '\n').split(/\n[ \t]*\n/)) {
    const fields = new Map<string, string>()
    let key: string | undefined
    for (const line of block.split('\n')) {
      if (line === '') continue
      if ((line.startsWith(' ') || line.startsWith('\t')) && key) {
        // Continuation lines (Depends may wrap); descriptions are not read.
        fields.set(key, `${fields.get(key) ?? ''} ${line.trim()}`)
        continue
      }
      const i = line.indexOf(':')
      if (i <= 0) continue
      key = line.slice(0, i).toLowerCase()
      if (!fields.has(key)) fields.set(key, line.slice(i + 1).trim())
    }
    if (fields.size > 0) out.push(fields)
  }
  return out
}

/** `libc6 (>= 2.34), foo:any | bar [amd64]` → [['libc6'], ['foo', 'bar']]. */
export function parseRelations(field: string | undefined): string[][] {
  if (!field) return []
  return field
    .split(',')
    .map(group =>
      group
        .split('|')
        .map(alt => bareName(alt))
        .filter((n): n is string => n !== undefined)
    )
    .filter(g => g.length > 0)
}

/** `foo:any (>= 1.2) [amd64] <!nocheck>` → `foo`. */
function bareName(alt: string): string | undefined {
  const name = alt
    .trim()
    .split(/[\s([<]/, 1)[0]
    .split(':', 1)[0]
  return name === '' ? undefined : name.toLowerCase()
}

const INSTALLED = /^(?:install|hold) ok installed$/

/** Installed packages of a dpkg status file, with their relations. */
export function parseStatusRelations(text: string): DpkgRelations[] {
  const out: DpkgRelations[] = []
  for (const f of stanzas(text)) {
    const name = f.get('package')
    if (!name || !INSTALLED.test(f.get('status') ?? '')) continue
    const arch = f.get('architecture')
    out.push({
      name: name.toLowerCase(),
      ...(arch ? { arch } : {}),
      essential: /^yes$/i.test(f.get('essential') ?? ''),
      ...(f.get('priority') ? { priority: f.get('priority')?.toLowerCase() } : {}),
      depends: [...parseRelations(f.get('pre-depends')), ...parseRelations(f.get('depends'))],
      provides: parseRelations(f.get('provides')).flat()
    })
  }
  return out
}

/** `/var/lib/apt/extended_states`: the names (and `name:arch`) marked Auto-Installed: 1. */
export function parseExtendedStates(text: string): Set<string> {
  const auto = new Set<string>()
  for (const f of stanzas(text)) {
    const name = f.get('package')?.toLowerCase()
    if (!name || f.get('auto-installed') !== '1') continue
    auto.add(name)
    const arch = f.get('architecture')
    if (arch) auto.add(`${name}:${arch}`)
  }
  return auto
}

export interface ClosureInput {
  packages: DpkgRelations[]
  /** Names (or name:arch) apt marked automatic. */
  auto: ReadonlySet<string>
  /** Names that must stay whatever apt says (the base image's packages). */
  pinned: ReadonlySet<string>
}

/** The packages a root needs, transitively. Pure, so the rules can be tested on tables. */
export function dependencyClosure(input: ClosureInput): Set<string> {
  const byName = new Map<string, DpkgRelations[]>()
  const providers = new Map<string, string[]>()
  for (const p of input.packages) {
    byName.set(p.name, [...(byName.get(p.name) ?? []), p])
    for (const v of p.provides) providers.set(v, [...(providers.get(v) ?? []), p.name])
  }
  const isRoot = (p: DpkgRelations): boolean =>
    !(input.auto.has(p.name) || (p.arch !== undefined && input.auto.has(`${p.name}:${p.arch}`))) ||
    p.essential ||
    p.priority === 'required' ||
    p.priority === 'important' ||
    input.pinned.has(p.name)
  const seen = new Set<string>()
  const queue: string[] = []
  const visit = (name: string): void => {
    if (seen.has(name) || !byName.has(name)) return
    seen.add(name)
    queue.push(name)
  }
  for (const p of input.packages) if (isRoot(p)) visit(p.name)
  while (queue.length > 0) {
    const name = queue.pop() as string
    for (const p of byName.get(name) ?? []) {
      for (const group of p.depends) {
        for (const alt of group) {
          visit(alt)
          for (const prov of providers.get(alt) ?? []) visit(prov)
        }
      }
    }
  }
  return seen
}

interface Extra {
  pkg: InstalledPackage
  files: { path: string; node: LiveNode }[]
}

/** What the hints of several installs share: a file or an inode is counted once in all. */
interface Counted {
  claimed: Set<string>
  inodes: Map<object, string[]>
  counted: Set<object>
}

export function detectRecommends(ctx: HintContext): { hints: Hint[]; claimed: Set<string> } {
  const none = { hints: [], claimed: new Set<string>() }
  const status = liveText(ctx.contents, ctx.live, STATUS)
  const states = liveText(ctx.contents, ctx.live, EXTENDED_STATES)
  // Without extended_states every package looks manual: nothing to say.
  if (status === undefined || states === undefined) return none
  const dpkg = installedPackages(ctx).filter(p => p.manager === 'dpkg' && p.source === STATUS)
  const pinned = new Set(dpkg.filter(p => isBase(ctx, packageLayer(ctx, p))).map(p => p.name))
  const needed = dependencyClosure({
    packages: parseStatusRelations(status),
    auto: parseExtendedStates(states),
    pinned
  })
  const extras: Extra[] = []
  const keep = new Set<string>()
  const info = infoFiles(ctx)
  for (const p of dpkg) {
    const listed = [
      ...(p.files ?? []),
      ...(info.get(p.name) ?? []),
      ...(info.get(`${p.name}:${p.arch}`) ?? [])
    ]
    const files = listed.flatMap(f => {
      const path = resolveLive(ctx, f)
      const node = path === undefined ? undefined : ctx.live.get(path)
      return path !== undefined && node ? [{ path, node }] : []
    })
    if (needed.has(p.name.toLowerCase())) for (const f of files) keep.add(f.path)
    else extras.push({ pkg: p, files })
  }
  if (extras.length === 0) return none
  const byInstall = new Map<number, Extra[]>()
  for (const e of extras) {
    const layer = packageLayer(ctx, e.pkg) ?? -1
    byInstall.set(layer, [...(byInstall.get(layer) ?? []), e])
  }
  const shared: Counted = { claimed: new Set(), inodes: inodeNames(ctx), counted: new Set() }
  const hints: Hint[] = []
  for (const [, group] of [...byInstall].sort((a, b) => a[0] - b[0])) {
    const hint = hintOf(ctx, group, keep, shared)
    if (hint) hints.push(hint)
  }
  return { hints, claimed: shared.claimed }
}

/** The hint of one install's packages; its files join `shared.claimed` when it is made. */
function hintOf(
  ctx: HintContext,
  extras: Extra[],
  keep: ReadonlySet<string>,
  shared: Counted
): Hint | undefined {
  const tally = newTally()
  const claimed = new Set<string>()
  const { inodes } = shared
  const counted = new Set<object>()
  const packages: PathSize[] = []
  for (const { pkg, files } of extras) {
    let b = 0
    let n = 0
    for (const { path, node } of files) {
      if (node.entry.kind !== 'file' || keep.has(path) || ctx.claimed.has(path)) continue
      if (claimed.has(path) || shared.claimed.has(path)) continue
      claimed.add(path)
      const inode = node.inode
      if (inode && inode.refs > 1) {
        // Freed only when every name goes, and then once.
        if (counted.has(inode) || shared.counted.has(inode)) continue
        if ((inodes.get(inode) ?? []).some(p => keep.has(p))) continue
        counted.add(inode)
      }
      if (node.entry.size === 0) continue
      addToTally(tally, groupOf(path), node.layer, node.entry.size)
      b += node.entry.size
      n++
    }
    packages.push({ path: pkg.name, bytes: b, files: n })
  }
  packages.sort((a, b) => b.bytes - a.bytes || a.path.localeCompare(b.path))
  const total = tallyBytes(tally)
  const instruction = dockerfileInstruction(ctx, mainLayer(tally.byLayer))
  const hint = makeHint(ctx, {
    id: 'recommends',
    bytes: total,
    byLayer: tally.byLayer,
    paths: topPaths(tally.groups, ctx.maxPaths),
    packages: packages.slice(0, MAX_LISTED),
    fix: recommendsFix(instruction, packages, total)
  })
  if (hint) {
    for (const p of claimed) shared.claimed.add(p)
    for (const i of counted) shared.counted.add(i)
  }
  return hint
}

/** The layer of a package: its file list's (the install wrote it), else its status's. */
function packageLayer(ctx: HintContext, p: InstalledPackage): number | undefined {
  const list =
    ctx.live.get(`var/lib/dpkg/info/${p.name}:${p.arch}.list`) ??
    ctx.live.get(`var/lib/dpkg/info/${p.name}.list`)
  return (list ?? ctx.live.get(p.source))?.layer
}

/** dpkg's own files per package (`info/<name>[:arch].{list,md5sums,symbols,…}`): they go too. */
function infoFiles(ctx: HintContext): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const path of ctx.live.keys()) {
    const m = INFO.exec(path)
    if (m) out.set(m[1], [...(out.get(m[1]) ?? []), path])
  }
  return out
}

const INFO = /^var\/lib\/dpkg\/info\/([^/]+)\.[a-z_]+$/

function resolveLive(ctx: HintContext, path: string): string | undefined {
  if (ctx.live.get(path)?.entry.kind === 'file') return path
  const merged = usrMerged(path)
  return merged && ctx.live.get(merged)?.entry.kind === 'file' ? merged : undefined
}

/** Every visible name of each hard-linked inode. */
function inodeNames(ctx: HintContext): Map<object, string[]> {
  const out = new Map<object, string[]>()
  for (const [path, node] of ctx.live) {
    if (!node.inode || node.inode.refs <= 1) continue
    out.set(node.inode, [...(out.get(node.inode) ?? []), path])
  }
  return out
}

function groupOf(path: string): string {
  const parts = path.split('/')
  return parts.slice(0, Math.min(parts.length - 1, 4)).join('/') || path
}

const APT_INSTALL = /\bapt(?:-get)?\s+(?:[^&|;]*\s)?install\b/

/**
 * The fix: `--no-install-recommends` on the install that pulled them, when it lacks it;
 * else the packages are orphans (`apt-get autoremove`). Whether the application uses one of
 * them cannot be seen from the image, so the text says how to keep one rather than guess.
 */
export function recommendsFix(
  instruction: string | undefined,
  packages: PathSize[],
  total: number
): string {
  const counted = packages.filter(p => p.bytes > 0)
  const shown = counted.slice(0, 3).map(p => `${p.path} (${bytes(p.bytes)})`)
  const list =
    `${counted.length} package${counted.length === 1 ? '' : 's'}, ${bytes(total)}` +
    (shown.length > 0 ? `: ${shown.join(', ')}${counted.length > shown.length ? ', …' : ''}` : '')
  const keep =
    'if the application uses one of them, name it in the install explicitly (the image alone cannot tell)'
  const text = instruction ?? ''
  if (isRun(text) && APT_INSTALL.test(text) && !/--no-install-recommends\b/.test(text)) {
    return `add \`--no-install-recommends\` to \`apt-get install\` in ${quoted(instruction)}: it leaves out ${list}; ${keep}`
  }
  if (isRun(text) && /--no-install-recommends\b/.test(text)) {
    return (
      `${list} are needed by no package installed by hand (orphans, or recommended by a later ` +
      `install): end ${quoted(instruction)} with \`&& apt-get autoremove -y --purge\`; ${keep}`
    )
  }
  return (
    `install with \`apt-get install --no-install-recommends\`${instruction ? ` (in ${quoted(instruction)})` : ''}, ` +
    `or end the RUN with \`&& apt-get autoremove -y --purge\`: that leaves out ${list}; ${keep}`
  )
}
