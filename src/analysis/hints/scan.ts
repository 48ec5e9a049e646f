// The path-based detectors share one pass over the final filesystem. Each live regular file
// goes to the first rule that claims it (rules are ordered most specific first: a cache under
// /tmp is a cache, not a temp file), so no byte is counted by two path hints. Bytes are the
// sizes of the LIVE files: what `du` would show for those paths inside the container.

import type { Hint, PathSize } from '../report.js'
import type { LiveNode } from '../stack.js'
import { catalogEntry } from './catalog.js'
import {
  addToTally,
  dockerfileInstruction,
  isBase,
  mainLayer,
  makeHint,
  newTally,
  tallyBytes,
  topPaths,
  type HintContext,
  type Tally
} from './context.js'

export interface PathRule {
  id: string
  /** Cheap pre-filter: the rule only looks at paths containing one of these. */
  needles?: readonly string[]
  /** The group (relative path shown in `paths`) the file counts under, or undefined. */
  match(path: string, ctx: HintContext): string | undefined
}

export interface FixInput {
  ctx: HintContext
  instruction?: string
  layer?: number
  /** The main layer belongs to the base image. */
  base: boolean
  paths: PathSize[]
  bytes: number
  tally: Tally
}

export interface PathDetector {
  id: string
  rules(ctx: HintContext): PathRule[]
  /** Drops groups that are not waste after all (e.g. the one locale in use). */
  finalize?(tally: Tally, ctx: HintContext): Tally
  fix(f: FixInput): string
}

/** A rule from a regex whose first capture group is the group path. */
export function regexRule(id: string, re: RegExp, needles?: readonly string[]): PathRule {
  return {
    id,
    ...(needles ? { needles } : {}),
    match: path => re.exec(path)?.[1]
  }
}

/** A rule for a directory the image ENV names (absolute paths only; never the root). */
export function dirRule(id: string, dir: string): PathRule | undefined {
  const rel = dir.replace(/^\/+/, '').replace(/\/+$/, '')
  if (!dir.startsWith('/') || rel === '' || rel.split('/').includes('..')) return undefined
  return { id, needles: [`${rel}/`], match: path => (path.startsWith(`${rel}/`) ? rel : undefined) }
}

/** Hard-linked files are freed only when every name goes: deleting one saves nothing. */
function countable(node: LiveNode): boolean {
  return node.entry.kind === 'file' && node.entry.size > 0 && (node.inode?.refs ?? 1) <= 1
}

export function scanLive(ctx: HintContext, detectors: PathDetector[]): Map<string, Tally> {
  const rules = detectors.flatMap(d => d.rules(ctx))
  const own = new Set(detectors.filter(d => catalogEntry(d.id).scope === 'own').map(d => d.id))
  const tallies = new Map<string, Tally>(detectors.map(d => [d.id, newTally()]))
  for (const [path, node] of ctx.live) {
    if (!countable(node) || ctx.claimed.has(path)) continue
    for (const rule of rules) {
      if (rule.needles && !rule.needles.some(n => path.includes(n))) continue
      const group = rule.match(path, ctx)
      if (group === undefined) continue
      if (!(own.has(rule.id) && isBase(ctx, node.layer))) {
        addToTally(tallies.get(rule.id) as Tally, group, node.layer, node.entry.size)
      }
      break
    }
  }
  return tallies
}

export function pathHints(ctx: HintContext, detectors: PathDetector[]): Hint[] {
  const tallies = scanLive(ctx, detectors)
  const hints: Hint[] = []
  for (const d of detectors) {
    const raw = tallies.get(d.id) as Tally
    const tally = d.finalize ? d.finalize(raw, ctx) : raw
    const bytes = tallyBytes(tally)
    if (bytes < catalogEntry(d.id).minBytes) continue
    const layer = mainLayer(tally.byLayer)
    const paths = topPaths(tally.groups, ctx.maxPaths)
    const instruction = dockerfileInstruction(ctx, layer)
    const fix = d.fix({ ctx, instruction, layer, base: isBase(ctx, layer), paths, bytes, tally })
    const hint = makeHint(ctx, { id: d.id, bytes, byLayer: tally.byLayer, paths, fix })
    if (hint) hints.push(hint)
  }
  return hints
}
