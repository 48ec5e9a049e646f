// What every detector reads, computed once per image, and the one way a hint is built from
// per-layer byte counts (layer attribution, severity, bounded paths, Dockerfile line).

import { matchForLayer, type DockerfileMap } from '../../dockerfile/map.js'
import type { Analysis } from '../analyze.js'
import { displayPath } from '../analyze.js'
import type { Hint, LayerSummary, PathSize } from '../report.js'
import type { ElfInfo } from '../../image/types.js'
import type { LiveNode } from '../stack.js'
import { catalogEntry, severityFor } from './catalog.js'
import type { LayerContents } from './content.js'

export interface HintContext {
  live: ReadonlyMap<string, LiveNode>
  layers: LayerSummary[]
  /** Layers below this index belong to the base image. */
  baseLayers: number
  imageBytes: number
  /** Image config ENV, name → value. */
  env: ReadonlyMap<string, string>
  contents?: LayerContents
  dockerfile?: DockerfileMap
  maxPaths: number
  pythonBytecode: boolean
  /** Live paths already counted by a hint that ran earlier (build-tools), not counted again. */
  claimed: Set<string>
  /** Image config WORKDIR, relative (no leading `/`; '' for the root or unset). */
  workdir: string
  /** ENTRYPOINT then CMD, as the config holds them. */
  command: string[]
  /** What the reader learnt of the ELF file at `path` in layer `layer`. */
  elf(layer: number, path: string): ElfInfo | undefined
}

/** Bytes per layer and per display group, for one hint. */
export interface Tally {
  byLayer: Map<number, number>
  groups: Map<string, Group>
}

export interface Group {
  bytes: number
  files: number
  byLayer: Map<number, number>
}

export function newTally(): Tally {
  return { byLayer: new Map(), groups: new Map() }
}

export function addToTally(t: Tally, group: string, layer: number, bytes: number, files = 1): void {
  t.byLayer.set(layer, (t.byLayer.get(layer) ?? 0) + bytes)
  let g = t.groups.get(group)
  if (!g) t.groups.set(group, (g = { bytes: 0, files: 0, byLayer: new Map() }))
  g.bytes += bytes
  g.files += files
  g.byLayer.set(layer, (g.byLayer.get(layer) ?? 0) + bytes)
}

/** Rebuilds the per-layer totals from the groups (after a detector dropped some). */
export function retally(groups: Map<string, Group>): Tally {
  const byLayer = new Map<number, number>()
  for (const g of groups.values()) {
    for (const [l, b] of g.byLayer) byLayer.set(l, (byLayer.get(l) ?? 0) + b)
  }
  return { byLayer, groups }
}

export function tallyBytes(t: Tally): number {
  let s = 0
  for (const b of t.byLayer.values()) s += b
  return s
}

/** The layer holding most bytes (the lower one on a tie). */
export function mainLayer(byLayer: Map<number, number>): number | undefined {
  let best: number | undefined
  let bestBytes = -1
  for (const [l, b] of [...byLayer].sort((a, z) => a[0] - z[0])) {
    if (b > bestBytes) {
      best = l
      bestBytes = b
    }
  }
  return best
}

/** Largest groups first, as absolute paths, bounded. */
export function topPaths(
  groups: Map<string, { bytes: number; files: number }>,
  limit: number
): PathSize[] {
  return [...groups]
    .sort((a, b) => b[1].bytes - a[1].bytes || a[0].localeCompare(b[0]))
    .slice(0, limit)
    .map(([path, g]) => ({ path: displayPath(path), bytes: g.bytes, files: g.files }))
}

/** The instruction as the Dockerfile writes it when matched, else as the history has it. */
export function writtenInstruction(
  ctx: HintContext,
  layer: number | undefined
): string | undefined {
  return matchForLayer(ctx.dockerfile, ctx.layers, layer)?.instruction ?? instructionOf(ctx, layer)
}

export function instructionOf(ctx: HintContext, layer: number | undefined): string | undefined {
  if (layer === undefined) return undefined
  const c = ctx.layers[layer]?.createdBy
  // `(missing)`, `(no history)`, `(base image layer, no history)`: no instruction to quote.
  return c && !c.startsWith('(') ? c : undefined
}

/**
 * The instruction that made `layer` as the user wrote it: the Dockerfile's own text when the
 * Dockerfile is known and matched, else the history's `created_by`.
 */
export function dockerfileInstruction(
  ctx: HintContext,
  layer: number | undefined
): string | undefined {
  return matchForLayer(ctx.dockerfile, ctx.layers, layer)?.instruction ?? instructionOf(ctx, layer)
}

export function isBase(ctx: HintContext, layer: number | undefined): boolean {
  return layer !== undefined && layer < ctx.baseLayers
}

export interface HintParts {
  id: string
  bytes: number
  byLayer: Map<number, number>
  /** Overrides the layer with most bytes (structural hints name the hiding layer). */
  layer?: number
  /** Extra layers to list besides those holding bytes. */
  extraLayers?: number[]
  paths: PathSize[]
  packages?: PathSize[]
  fix: string
}

/** A Hint from its parts, or undefined below the id's threshold. */
export function makeHint(ctx: HintContext, p: HintParts): Hint | undefined {
  const entry = catalogEntry(p.id)
  if (p.bytes < entry.minBytes || p.bytes <= 0) return undefined
  const layer = p.layer ?? mainLayer(p.byLayer)
  const layers = [...new Set([...p.byLayer.keys(), ...(p.extraLayers ?? [])])].sort((a, b) => a - b)
  const instruction = instructionOf(ctx, layer)
  const hint: Hint = {
    id: p.id,
    severity: severityFor(p.id, p.bytes, ctx.imageBytes),
    title: entry.title,
    bytes: p.bytes,
    ...(layer !== undefined ? { layer } : {}),
    layers,
    ...(instruction ? { instruction } : {}),
    paths: p.paths,
    ...(p.packages ? { packages: p.packages } : {}),
    fix: p.fix
  }
  return withDockerfile(ctx, hint)
}

/**
 * The Dockerfile line of the hint's layer; for a base-image layer, the FROM line of the
 * final stage chain (the place where a slimmer base is chosen).
 */
function withDockerfile(ctx: HintContext, hint: Hint): Hint {
  const map = ctx.dockerfile
  if (!map) return hint
  const match = matchForLayer(map, ctx.layers, hint.layer)
  const line = match?.line ?? (isBase(ctx, hint.layer) ? map.base?.line : undefined)
  return { ...hint, dockerfile: map.path, ...(line !== undefined ? { dockerfileLine: line } : {}) }
}

/** What the container runs (ENTRYPOINT then CMD) and where (WORKDIR, relative; '' if none). */
export function runOf(analysis: Analysis): { command: string[]; workdir: string } {
  const c = analysis.image.config.config
  const command = [...(c?.Entrypoint ?? []), ...(c?.Cmd ?? [])].filter(a => typeof a === 'string')
  const dir = typeof c?.WorkingDir === 'string' ? c.WorkingDir : ''
  const rel = dir.replace(/^\/+|\/+$/g, '')
  // Only an absolute folder inside the root (the engine never writes another).
  const workdir = dir.startsWith('/') && !rel.split('/').includes('..') ? rel : ''
  return { command, workdir }
}

export function envMap(analysis: Analysis): Map<string, string> {
  const m = new Map<string, string>()
  for (const e of analysis.image.config.config?.Env ?? []) {
    const i = e.indexOf('=')
    if (i > 0) m.set(e.slice(0, i), e.slice(i + 1))
  }
  return m
}
