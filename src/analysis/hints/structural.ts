// Hints from the engine's waste accounting (stack.ts): bytes that ship in lower layers but
// are hidden (deleted, overwritten, rewritten for owner/mode) or duplicated. One hint per
// hiding layer for deleted-later / overwritten / metadata-rewrite (its instruction is the one
// to change), one per image for duplicate-files and package-db-churn.
//
// Package databases and trigger caches that every install rewrites go to package-db-churn
// only, never to overwritten: they are unavoidable per install layer, and the fix differs.

import { displayPath } from '../analyze.js'
import type { Hint, PathSize, WasteItem } from '../report.js'
import { dockerfileInstruction, isBase, makeHint, type HintContext } from './context.js'
import { bytes, isCopy, isRun, quoted } from './fix.js'
import { installedPackages, usrMerged } from './packages.js'

const PACKAGE_DB =
  /^(?:var\/lib\/dpkg\/|var\/cache\/debconf\/|var\/lib\/apt\/extended_states$|var\/lib\/apt\/periodic\/|var\/lib\/rpm\/|usr\/lib\/sysimage\/rpm\/|var\/lib\/dnf\/|var\/lib\/yum\/|(?:usr\/)?lib\/apk\/db\/|etc\/apk\/world$|etc\/ld\.so\.cache$|var\/cache\/ldconfig\/|var\/log\/(?:dpkg\.log|alternatives\.log|apt\/|dnf[^/]*\.log|yum\.log|hawkey\.log)|var\/lib\/ucf\/|var\/lib\/systemd\/deb-systemd-|etc\/ssl\/certs\/ca-certificates\.crt$|etc\/ssl\/certs\/java\/cacerts$|usr\/share\/mime\/|usr\/share\/glib-2\.0\/schemas\/gschemas\.compiled$|usr\/share\/icons\/[^/]+\/icon-theme\.cache$|var\/cache\/fontconfig\/|usr\/share\/info\/dir$)/

/** A package database or a cache an install trigger regenerates. */
export function isPackageDb(path: string): boolean {
  return PACKAGE_DB.test(path)
}

/** Duplicates smaller than this per copy are noise (licence files, identical stubs). */
const DUPLICATE_MIN_COPY = 100_000

export function structuralHints(
  ctx: HintContext,
  waste: WasteItem[],
  enabled: (id: string) => boolean
): Hint[] {
  const hidden = waste.filter(w => w.kind !== 'duplicate' && w.hiddenBy !== undefined)
  const churn = hidden.filter(w => isPackageDb(w.path))
  const rest = hidden.filter(w => !isPackageDb(w.path))
  const hints: Hint[] = []
  const add = (h: Hint | undefined) => h && hints.push(h)
  if (enabled('deleted-later'))
    perHidingLayer(ctx, rest, 'deleted').forEach(g => add(deletedHint(ctx, g)))
  if (enabled('overwritten'))
    perHidingLayer(ctx, rest, 'overwritten').forEach(g => add(overwrittenHint(ctx, g)))
  if (enabled('metadata-rewrite')) {
    perHidingLayer(ctx, rest, 'metadata-rewrite').forEach(g => add(metadataHint(ctx, g)))
  }
  if (enabled('duplicate-files'))
    add(
      duplicateHint(
        ctx,
        waste.filter(w => w.kind === 'duplicate')
      )
    )
  if (enabled('package-db-churn')) add(churnHint(ctx, churn))
  return hints
}

interface LayerGroup {
  hiding: number
  items: WasteItem[]
  /** Creating layer → hidden bytes. */
  byLayer: Map<number, number>
  bytes: number
}

/** Items of one kind grouped by the layer that hid them; base-image layers cannot be edited. */
function perHidingLayer(
  ctx: HintContext,
  items: WasteItem[],
  kind: WasteItem['kind']
): LayerGroup[] {
  const groups = new Map<number, LayerGroup>()
  for (const it of items) {
    if (it.kind !== kind || it.hiddenBy === undefined || isBase(ctx, it.hiddenBy)) continue
    let g = groups.get(it.hiddenBy)
    if (!g)
      groups.set(
        it.hiddenBy,
        (g = { hiding: it.hiddenBy, items: [], byLayer: new Map(), bytes: 0 })
      )
    g.items.push(it)
    g.byLayer.set(it.layer, (g.byLayer.get(it.layer) ?? 0) + it.bytes)
    g.bytes += it.bytes
  }
  return [...groups.values()].sort((a, b) => a.hiding - b.hiding)
}

function itemPaths(ctx: HintContext, items: WasteItem[]): PathSize[] {
  const byPath = new Map<string, { bytes: number; files: number }>()
  for (const it of items) {
    const p = byPath.get(it.path) ?? { bytes: 0, files: 0 }
    p.bytes += it.bytes
    p.files += it.files
    byPath.set(it.path, p)
  }
  return [...byPath]
    .sort((a, b) => b[1].bytes - a[1].bytes || a[0].localeCompare(b[0]))
    .slice(0, ctx.maxPaths)
    .map(([path, p]) => ({ path: displayPath(path), bytes: p.bytes, files: p.files }))
}

/** The creating layer with most hidden bytes, and how many others there are. */
function creator(g: LayerGroup): { layer: number; others: number } {
  const sorted = [...g.byLayer].sort((a, b) => b[1] - a[1] || a[0] - b[0])
  return { layer: sorted[0][0], others: sorted.length - 1 }
}

function creatorText(ctx: HintContext, g: LayerGroup): string {
  const c = creator(g)
  const others = c.others > 0 ? ` (and ${c.others} other layer${c.others > 1 ? 's' : ''})` : ''
  return `${quoted(dockerfileInstruction(ctx, c.layer), `layer ${c.layer}`)}${others}`
}

function groupHint(ctx: HintContext, id: string, g: LayerGroup, fix: string): Hint | undefined {
  return makeHint(ctx, {
    id,
    bytes: g.bytes,
    byLayer: g.byLayer,
    layer: g.hiding,
    extraLayers: [g.hiding],
    paths: itemPaths(ctx, g.items),
    fix
  })
}

function deletedHint(ctx: HintContext, g: LayerGroup): Hint | undefined {
  const hider = quoted(dockerfileInstruction(ctx, g.hiding), `layer ${g.hiding}`)
  const top = itemPaths(ctx, g.items)[0]
  const what = top ? ` (${top.path}${g.items.length > 1 ? ' and more' : ''})` : ''
  if (isBase(ctx, creator(g).layer)) {
    return groupHint(
      ctx,
      'deleted-later',
      g,
      `${hider} deletes ${bytes(g.bytes)} that the base image ships${what}: a later layer cannot shrink ` +
        'the layers below it; use a base without these files, or copy what you need into a fresh stage (`COPY --from=`)'
    )
  }
  return groupHint(
    ctx,
    'deleted-later',
    g,
    `${creatorText(ctx, g)} added ${bytes(g.bytes)} that ${hider} deletes${what}: delete in the same RUN ` +
      'that creates the files, or create them in another stage (or a `--mount=type=cache`/`tmpfs` mount) and copy only the result'
  )
}

function overwrittenHint(ctx: HintContext, g: LayerGroup): Hint | undefined {
  const hider = quoted(dockerfileInstruction(ctx, g.hiding), `layer ${g.hiding}`)
  const top = itemPaths(ctx, g.items)[0]
  const eg = top ? ` (e.g. ${top.path})` : ''
  if (isBase(ctx, creator(g).layer)) {
    return groupHint(
      ctx,
      'overwritten',
      g,
      `${hider} replaces ${bytes(g.bytes)} of files the base image ships${eg}; both versions ship: ` +
        'use a base image that already has them (e.g. a newer tag instead of upgrading packages in a layer)'
    )
  }
  return groupHint(
    ctx,
    'overwritten',
    g,
    `${hider} replaces ${bytes(g.bytes)} of files that ${creatorText(ctx, g)} wrote${eg}; both versions ship: ` +
      'write the final version once (merge the steps into one RUN, or build the files in another stage)'
  )
}

/** `chown -R app:app /app` → `app:app`; `chmod -R 755 x` → `755`. */
function ownerAndMode(instruction: string | undefined): { owner?: string; mode?: string } {
  const text = instruction ?? ''
  const owner = /\bchown\s+(?:-\S+\s+)*([^\s-][^\s]*)/.exec(text)?.[1]
  const mode =
    /\bchmod\s+(?:-[a-zA-Z]+\s+)*([0-7]{3,4}|[ugoa]*[-+=][rwxXst]+(?:,[ugoa]*[-+=][rwxXst]+)*)/.exec(
      text
    )?.[1]
  return { ...(owner ? { owner } : {}), ...(mode ? { mode } : {}) }
}

function metadataHint(ctx: HintContext, g: LayerGroup): Hint | undefined {
  const hiderInstruction = dockerfileInstruction(ctx, g.hiding)
  const hider = quoted(hiderInstruction, `layer ${g.hiding}`)
  const c = creator(g)
  const creatorInstruction = dockerfileInstruction(ctx, c.layer)
  const lead = `${hider} copies ${bytes(g.bytes)} again only to change owner or mode`
  if (isBase(ctx, c.layer)) {
    return groupHint(
      ctx,
      'metadata-rewrite',
      g,
      `${lead} of base-image files: chown/chmod only your own directories, not paths the base image ships`
    )
  }
  if (isCopy(creatorInstruction)) {
    const { owner, mode } = ownerAndMode(hiderInstruction)
    const flags = [
      `--chown=${owner ?? '<user>:<group>'}`,
      ...(mode ? [`--chmod=${mode}`] : [])
    ].join(' ')
    const keyword = creatorInstruction?.split(' ', 1)[0] ?? 'COPY'
    return groupHint(
      ctx,
      'metadata-rewrite',
      g,
      `${lead}: use \`${keyword} ${flags} …\` in ${creatorText(ctx, g)} and drop the chown/chmod`
    )
  }
  const where = isRun(creatorInstruction)
    ? `in ${creatorText(ctx, g)}, which creates the files`
    : `where the files are created (${creatorText(ctx, g)})`
  return groupHint(
    ctx,
    'metadata-rewrite',
    g,
    `${lead}: set owner and mode ${where}, so they are written once`
  )
}

/** Every path an installed OS package owns (dpkg lists, apk R: lines), as live paths. */
function packageOwned(ctx: HintContext): Set<string> {
  const owned = new Set<string>()
  for (const p of installedPackages(ctx)) {
    for (const f of p.files ?? []) {
      owned.add(f)
      // usr-merge: a package lists /bin/x, the file lives at /usr/bin/x
      const merged = usrMerged(f)
      if (merged) owned.add(merged)
    }
  }
  return owned
}

/**
 * Copies that OS packages installed, every one of them (the same changelog in two Debian
 * packages): the distribution's doing, which no Dockerfile change undoes short of not
 * installing the package. Only when every copy is known (otherPaths is bounded).
 */
function packagedCopies(w: WasteItem, owned: () => Set<string>): boolean {
  const paths = [w.path, ...(w.otherPaths ?? [])]
  return paths.length === w.files && paths.every(p => owned().has(p))
}

function duplicateHint(ctx: HintContext, items: WasteItem[]): Hint | undefined {
  let ownedPaths: Set<string> | undefined
  const owned = () => (ownedPaths ??= packageOwned(ctx))
  const big = items.filter(
    w =>
      !isBase(ctx, w.layer) &&
      w.files > 1 &&
      w.bytes / (w.files - 1) >= DUPLICATE_MIN_COPY &&
      !packagedCopies(w, owned)
  )
  if (big.length === 0) return undefined
  const byLayer = new Map<number, number>()
  let total = 0
  for (const w of big) {
    byLayer.set(w.layer, (byLayer.get(w.layer) ?? 0) + w.bytes)
    total += w.bytes
  }
  const top = [...big].sort((a, b) => b.bytes - a.bytes)[0]
  const other = top.otherPaths?.[0]
  const eg = other ? ` (e.g. ${displayPath(top.path)} and ${displayPath(other)})` : ''
  const fix =
    `${big.length} file${big.length > 1 ? 's ship' : ' ships'} in more than one copy${eg}: keep one copy and ` +
    'symlink or hard-link the others in the same RUN, `mv` instead of `cp`, or copy from the build stage once'
  return makeHint(ctx, {
    id: 'duplicate-files',
    bytes: total,
    byLayer,
    paths: itemPaths(ctx, big),
    fix
  })
}

/**
 * Fires when at least two layers the Dockerfile made rewrote package databases; counts the
 * hidden copies that those layers wrote themselves (the base image's copy is unavoidable).
 */
function churnHint(ctx: HintContext, items: WasteItem[]): Hint | undefined {
  const own = items.filter(w => w.hiddenBy !== undefined && !isBase(ctx, w.hiddenBy))
  const hiding = new Set(own.map(w => w.hiddenBy as number))
  const counted = own.filter(w => !isBase(ctx, w.layer))
  if (hiding.size < 2 || counted.length === 0) return undefined
  const byLayer = new Map<number, number>()
  let total = 0
  for (const w of counted) {
    byLayer.set(w.layer, (byLayer.get(w.layer) ?? 0) + w.bytes)
    total += w.bytes
  }
  const layers = [...new Set([...byLayer.keys(), ...hiding])].sort((a, b) => a - b)
  const fix =
    `${layers.length} layers install packages and each rewrites the package databases ` +
    '(dpkg status, debconf, ld.so.cache…): merge the installs into one RUN'
  return makeHint(ctx, {
    id: 'package-db-churn',
    bytes: total,
    byLayer,
    extraLayers: [...hiding],
    paths: itemPaths(ctx, counted),
    fix
  })
}
