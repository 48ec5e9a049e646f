// Matches the image history to the Dockerfile that built it, so hints and layers can name
// a file and line. The final stage's instructions (with those of the stages it is built
// FROM) are the last history entries; what precedes them is the base image's history.
//
// The alignment is a weighted longest common subsequence between the history and the
// stage chain, traced back from the END so that ties favour the newest entries. Then:
// - an unmatched instruction sitting in lockstep between matched neighbours, with the same
//   keyword as the history row at its position, is taken (heredocs, exotic quoting);
// - runs of matches on one diagonal are kept only when they contain an anchor (an exact
//   RUN, COPY, ADD, CMD or ENTRYPOINT), so a Dockerfile that did not build this image maps
//   nothing rather than pairing every `WORKDIR /app` with a stranger's.

import { parseDockerfile, type ParsedInstruction, type ParsedStage } from './parse.js'
import type { HistoryEntry, LayerSummary } from '../model.js'

export interface DockerfileMatch {
  /** 1-based line of the instruction. */
  line: number
  /** The instruction as written (continuations joined). */
  instruction: string
  /** false when matched loosely (builder differences) or by position between matches. */
  exact: boolean
  /** Name of the stage the instruction belongs to, when it has one. */
  stage?: string
}

export interface DockerfileMap {
  /** The Dockerfile path as given (for reports and annotations). */
  path: string
  /** History index → Dockerfile instruction, for matched entries only. */
  entries: Map<number, DockerfileMatch>
  /** The stage whose image this is (the last one, or `--target`). */
  stage?: { index: number; name?: string; line: number }
  /** The external image at the root of the stage chain (`FROM python:3.12 AS build`). */
  base?: { image: string; line: number }
  /** History index of the first entry made by the stage chain, when the match locates it. */
  ownStart?: number
}

export interface MapOptions {
  buildArgs?: Record<string, string>
  target?: string
}

interface ChainItem {
  ins: ParsedInstruction
  stage?: string
}

interface Pair {
  h: number
  d: number
  exact: boolean
  anchor: boolean
}

const WEIGHT = { anchor: 4, exact: 2, looseRun: 3, loose: 1 }

export function mapDockerfileToHistory(
  text: string,
  path: string,
  history: HistoryEntry[],
  opts: MapOptions = {}
): DockerfileMap {
  const stages = parseDockerfile(text, { buildArgs: opts.buildArgs })
  const map: DockerfileMap = { path, entries: new Map() }
  if (stages.length === 0) return map
  const stage = selectStage(stages, path, opts.target)
  const chain = chainOf(stages, stage)
  const root = chain.root
  map.stage = { index: stage.index, ...(stage.name ? { name: stage.name } : {}), line: stage.line }
  map.base = { image: root.image, line: root.line }
  const pairs = accepted(fill(align(history, chain.items), history, chain.items))
  for (const p of pairs) {
    const item = chain.items[p.d]
    map.entries.set(p.h, {
      line: item.ins.line,
      instruction: item.ins.text,
      exact: p.exact,
      ...(item.stage ? { stage: item.stage } : {})
    })
  }
  if (pairs.length > 0) map.ownStart = Math.max(0, pairs[0].h - pairs[0].d)
  return map
}

/**
 * Number of layers below the first layer made by the Dockerfile's stage chain: the base
 * image's layers. Undefined when the Dockerfile did not match the history.
 */
export function baseLayerCount(map: DockerfileMap, history: HistoryEntry[]): number | undefined {
  if (map.ownStart === undefined) return undefined
  let n = 0
  for (let i = 0; i < map.ownStart && i < history.length; i++) {
    if (history[i].layerIndex !== undefined) n++
  }
  return n
}

/** The Dockerfile match of the instruction that made `layer`, if any. */
export function matchForLayer(
  map: DockerfileMap | undefined,
  layers: LayerSummary[],
  layer: number | undefined
): DockerfileMatch | undefined {
  if (!map || layer === undefined) return undefined
  const hi = layers[layer]?.historyIndex
  return hi === undefined ? undefined : map.entries.get(hi)
}

function selectStage(stages: ParsedStage[], path: string, target: string | undefined): ParsedStage {
  if (target === undefined) return stages[stages.length - 1]
  const stage = stages.find(s => s.name?.toLowerCase() === target.toLowerCase())
  if (stage) return stage
  const names = stages.map(s => s.name).filter(Boolean)
  throw new Error(
    `target stage "${target}" is not in ${path}: ` +
      (names.length > 0 ? `its named stages are ${names.join(', ')}` : 'it has no named stage')
  )
}

/** The stage and the stages it is built FROM, root first, as one instruction list. */
function chainOf(
  stages: ParsedStage[],
  stage: ParsedStage
): { items: ChainItem[]; root: ParsedStage } {
  const order: ParsedStage[] = []
  const seen = new Set<number>()
  let s: ParsedStage | undefined = stage
  while (s && !seen.has(s.index)) {
    seen.add(s.index)
    order.unshift(s)
    s = s.parent === undefined ? undefined : stages[s.parent]
  }
  const items = order.flatMap(st =>
    st.instructions.map(ins => ({ ins, ...(st.name ? { stage: st.name } : {}) }))
  )
  return { items, root: order[0] }
}

function keywordOf(createdBy: string): string {
  return createdBy.split(' ', 1)[0]
}

interface Level {
  weight: number
  exact: boolean
  anchor: boolean
}

function level(ins: ParsedInstruction, createdBy: string): Level | undefined {
  if (keywordOf(createdBy) !== ins.keyword) return undefined
  if (ins.forms.includes(createdBy)) {
    return { weight: ins.anchor ? WEIGHT.anchor : WEIGHT.exact, exact: true, anchor: ins.anchor }
  }
  if (!ins.loose?.(createdBy)) return undefined
  // A RUN whose command text is the tail of the row is as specific as an exact match.
  const run = ins.keyword === 'RUN'
  return { weight: run ? WEIGHT.looseRun : WEIGHT.loose, exact: false, anchor: run }
}

/** Weighted LCS of history × chain, traced back from the end. */
function align(history: HistoryEntry[], items: ChainItem[]): Pair[] {
  const m = history.length
  const n = items.length
  const levels: (Level | undefined)[][] = history.map(h =>
    items.map(it => level(it.ins, h.createdBy))
  )
  const f: number[][] = Array.from({ length: m + 1 }, () => new Array<number>(n + 1).fill(0))
  for (let i = 1; i <= m; i++) {
    for (let j = 1; j <= n; j++) {
      const l = levels[i - 1][j - 1]
      f[i][j] = Math.max(f[i - 1][j], f[i][j - 1], l ? f[i - 1][j - 1] + l.weight : 0)
    }
  }
  const pairs: Pair[] = []
  let i = m
  let j = n
  while (i > 0 && j > 0) {
    const l = levels[i - 1][j - 1]
    if (l && f[i][j] === f[i - 1][j - 1] + l.weight) {
      pairs.push({ h: i - 1, d: j - 1, exact: l.exact, anchor: l.anchor })
      i--
      j--
    } else if (f[i][j] === f[i - 1][j]) {
      i--
    } else {
      j--
    }
  }
  return pairs.reverse()
}

/** Adds instructions in lockstep with matched neighbours when the keywords agree. */
function fill(pairs: Pair[], history: HistoryEntry[], items: ChainItem[]): Pair[] {
  if (pairs.length === 0) return pairs
  const out: Pair[] = []
  const same = (h: number, d: number) =>
    h >= 0 &&
    d >= 0 &&
    h < history.length &&
    d < items.length &&
    keywordOf(history[h].createdBy) === items[d].ins.keyword
  const positional = (h: number, d: number): Pair => ({ h, d, exact: false, anchor: false })
  const first = pairs[0]
  const lead: Pair[] = []
  for (let k = 1; same(first.h - k, first.d - k); k++)
    lead.unshift(positional(first.h - k, first.d - k))
  out.push(...lead)
  pairs.forEach((p, idx) => {
    out.push(p)
    const next = pairs[idx + 1]
    const gap = next ? next.h - p.h : 0
    if (next && gap > 1 && gap === next.d - p.d) {
      for (let k = 1; k < gap && same(p.h + k, p.d + k); k++) out.push(positional(p.h + k, p.d + k))
    }
  })
  const last = pairs[pairs.length - 1]
  for (let k = 1; same(last.h + k, last.d + k); k++) out.push(positional(last.h + k, last.d + k))
  return out
}

/** Keeps runs of pairs on one diagonal that contain at least one anchor. */
function accepted(pairs: Pair[]): Pair[] {
  const out: Pair[] = []
  let run: Pair[] = []
  const flush = () => {
    if (run.some(p => p.anchor)) out.push(...run)
    run = []
  }
  for (const p of pairs) {
    const prev = run[run.length - 1]
    if (prev && p.h - p.d !== prev.h - prev.d) flush()
    run.push(p)
  }
  flush()
  return out
}
