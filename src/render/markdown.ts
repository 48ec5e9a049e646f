// Markdown for the sticky PR comment, the job summary and the CLI's `--markdown`: one
// renderer, three budgets. Pure and deterministic (no clock, no environment), so snapshots
// are stable.
//
// The budget: GitHub rejects comments over 65,536 characters (docker/scout-action#66) and
// step summaries over 1 MiB. The body is built from sections that can be shortened or dropped,
// least important first (see STEPS); what was cut is said in a visible note and returned in
// `truncated`. When even the must-keep parts do not fit, the body is cut at a line boundary
// and every open `<details>` and code fence is closed, so the result is always within the
// limit and still well-formed.

import { VERDICT_ICONS, VERDICT_RANK, VERDICTS_BY_SEVERITY, worstVerdict } from '../diff/verdict.js'
import { formatBytes } from '../units.js'
import { code, text } from './escape.js'
import type { MissingLeg, RenderContext, RenderOptions } from './model.js'
import { footer } from './sections/footer.js'
import {
  type Cuts,
  DASH,
  deltaCell,
  details,
  type Env,
  type Kind,
  table,
  VERDICT_WORDS
} from './sections/format.js'
import { changedSection } from './sections/changed.js'
import { grewSection } from './sections/grew.js'
import { headline, imageName } from './sections/headline.js'
import { COMPACT_HINTS, hintsSection } from './sections/hints.js'
import { trendSection } from './sections/history.js'
import { COMPACT_CHANGED, COMPACT_UNCHANGED, layersSection } from './sections/layers.js'
import type { ImageResult } from '../diff/result.js'

/** GitHub's limit for an issue or PR comment body, in characters. */
export const COMMENT_MAX = 65536
/**
 * The step summary limit is 1 MiB for everything a step writes; keep room for anything else
 * the step adds around our report.
 */
export const SUMMARY_MAX_BYTES = 1_000_000

export interface Rendered {
  body: string
  /** What the budget cut, in plain text (for the log); empty when nothing was. */
  truncated: string[]
}

interface Budget {
  limit: number
  measure: (s: string) => number
  /** Named in the trim note: which limit forced the cut. */
  limitName: string
  /** Where the untrimmed report can be read. */
  elsewhere: string
}

interface Doc {
  results: ImageResult[]
  env: Env
  marker?: string
  missing?: MissingLeg[]
}

/** A cut the budget can make: shorten (1) or drop (2) one kind of section of one image. */
interface Step {
  kind: Kind
  level: 1 | 2
  label: string
}

/**
 * Least important first. Whole sections of passing images in a multi-image comment go first
 * (their row in the summary table stays); the headline, the verdict and the footer are never
 * cut; changed layers and new hints are only shortened, last.
 */
const STEPS: Step[] = [
  { kind: 'detail', level: 2, label: 'per-image details' },
  { kind: 'fullText', level: 2, label: 'full instruction texts' },
  { kind: 'trend', level: 2, label: 'trend chart' },
  {
    kind: 'unchanged',
    level: 1,
    label: `unchanged layers beyond the ${COMPACT_UNCHANGED} largest`
  },
  { kind: 'unchanged', level: 2, label: 'unchanged layers' },
  { kind: 'baseLayers', level: 2, label: 'base image layer rows' },
  { kind: 'existingHints', level: 2, label: 'existing hints' },
  { kind: 'grew', level: 1, label: 'collapsed lists of what changed' },
  { kind: 'grew', level: 2, label: 'what grew' },
  { kind: 'changed', level: 1, label: `layer rows beyond the ${COMPACT_CHANGED} largest changes` },
  {
    kind: 'newHints',
    level: 1,
    label: `hints beyond the ${COMPACT_HINTS} largest, and hint details`
  }
]

const HARD_CUT = 'the end of the report'

/** The sticky PR comment: marker first, within `opts.maxLength` characters. */
export function renderComment(
  results: ImageResult[],
  ctx: RenderContext,
  opts: RenderOptions
): Rendered {
  return fit(
    { results, env: envOf(ctx), marker: ctx.marker, missing: ctx.missing },
    {
      limit: opts.maxLength,
      measure: s => s.length,
      limitName: "GitHub's comment limit",
      elsewhere: 'The full report is in the job summary and the report file.'
    }
  )
}

/** The job summary: the same report, untrimmed unless it exceeds the summary's own limit. */
export function renderSummary(results: ImageResult[], ctx: RenderContext): string {
  return fit(
    { results, env: envOf(ctx), missing: ctx.missing },
    {
      limit: SUMMARY_MAX_BYTES,
      measure: s => Buffer.byteLength(s, 'utf8'),
      limitName: "the job summary's size limit",
      elsewhere: 'The full report is in the report file.'
    }
  ).body
}

/** The CLI's `--markdown`: no marker, no GitHub links, no limit. */
export function renderMarkdownReport(result: ImageResult): string {
  const budget = { limit: Infinity, measure: (s: string) => s.length, limitName: '', elsewhere: '' }
  return fit({ results: [result], env: {} }, budget).body
}

function envOf(ctx: RenderContext): Env {
  return {
    repoUrl: ctx.repoUrl,
    headSha: ctx.headSha,
    runUrl: ctx.runUrl,
    acceptLabel: ctx.acceptLabel
  }
}

// ---- assembly -------------------------------------------------------------------------

function head(doc: Doc): string {
  const parts = doc.marker === undefined ? [] : [doc.marker]
  const missing = doc.missing ?? []
  parts.push(title(doc.results, missing))
  if (doc.results.length > 1 || missing.length > 0) parts.push(summaryTable(doc.results, missing))
  if (doc.results.length === 0 && missing.length === 0) parts.push('No image was measured.')
  return parts.join('\n\n')
}

function title(results: ImageResult[], missing: MissingLeg[] = []): string {
  const verdicts = results.map(r => r.verdict.verdict)
  if (missing.some(m => m.fails)) verdicts.push('fail')
  if (verdicts.length === 0)
    return missing.length ? `### Image size: ${missing.length} missing` : '### Image size'
  const worst = worstVerdict(verdicts)
  if (results.length === 1 && missing.length === 0)
    return `### ${VERDICT_ICONS[worst]} Image size: ${VERDICT_WORDS[worst]}`
  const gone = missing.length ? `${results.length ? ', ' : ''}${missing.length} missing` : ''
  return `### ${VERDICT_ICONS[worst]} Image size: ${tally(results)}${gone}`
}

/** `1 failed, 1 passed`, most serious first. */
function tally(results: ImageResult[]): string {
  return VERDICTS_BY_SEVERITY.map(
    v => [v, results.filter(r => r.verdict.verdict === v).length] as const
  )
    .filter(([, n]) => n > 0)
    .map(([v, n]) => `${n} ${VERDICT_WORDS[v]}`)
    .join(', ')
}

function summaryTable(results: ImageResult[], missing: MissingLeg[] = []): string {
  const found = results.map(r => {
    const c = r.comparison
    return [
      VERDICT_ICONS[r.verdict.verdict],
      imageName(r),
      c ? formatBytes(c.total.before) : DASH,
      formatBytes(r.report.image.totalBytes),
      c ? deltaCell(c.total.delta, c.total.before) : DASH,
      VERDICT_WORDS[r.verdict.verdict]
    ]
  })
  const gone = missing.map(m => [
    m.fails ? VERDICT_ICONS.fail : '❔',
    `${code(m.leg)} (leg)`,
    DASH,
    DASH,
    DASH,
    `missing: ${text(m.reason)}`
  ])
  const rows = [...found, ...gone]
  return table(
    ['', 'Image', 'Before', 'After', 'Δ', 'Verdict'],
    [false, false, true, true, true, false],
    rows
  )
}

function imageBlock(r: ImageResult, env: Env, cuts: Cuts, multi: boolean): string {
  if (cuts.detail === 2) return ''
  const body = [
    headline(r, env),
    changedSection(r, cuts.grew ?? 0),
    layersSection(r, env, cuts),
    // The per-layer paths only when there is no content diff (a baseline without an index).
    cuts.grew === 2 || r.comparison?.content ? '' : grewSection(r, env),
    hintsSection(r, env, cuts),
    cuts.trend === 2 ? '' : trendSection(r)
  ]
    .filter(Boolean)
    .join('\n\n')
  if (!multi) return body
  const v = r.verdict.verdict
  return details(
    `${VERDICT_ICONS[v]} ${imageName(r)}: ${VERDICT_WORDS[v]}`,
    body,
    v === 'fail' || v === 'warn'
  )
}

function join(parts: string[]): string {
  return parts.filter(Boolean).join('\n\n') + '\n'
}

// ---- budget ---------------------------------------------------------------------------

interface State {
  doc: Doc
  budget: Budget
  cuts: Cuts[]
  blocks: string[]
  sizes: number[]
  headText: string
  foot: string
}

function fit(doc: Doc, budget: Budget): Rendered {
  const multi = doc.results.length > 1
  const cuts: Cuts[] = doc.results.map(() => ({}))
  const blocks = doc.results.map((r, i) => imageBlock(r, doc.env, cuts[i], multi))
  const headText = head(doc)
  const st: State = {
    doc,
    budget,
    cuts,
    blocks,
    sizes: blocks.map(budget.measure),
    headText,
    foot: footer(doc.results, doc.env)
  }
  if (fits(st)) return finish(st)
  for (const step of STEPS) {
    for (const i of sparingOrder(doc.results)) {
      if (apply(st, step, i, multi) && fits(st)) return finish(st)
    }
  }
  return hardCut(st)
}

/** Least important images first: passing before failing, in their order. */
function sparingOrder(results: ImageResult[]): number[] {
  return results
    .map((r, i) => ({ rank: VERDICT_RANK[r.verdict.verdict], i }))
    .sort((a, b) => a.rank - b.rank || a.i - b.i)
    .map(x => x.i)
}

/** Makes one cut; false when it does not apply or changes nothing. */
function apply(st: State, step: Step, i: number, multi: boolean): boolean {
  const r = st.doc.results[i]
  if (step.kind === 'detail' && !(multi && VERDICT_RANK[r.verdict.verdict] <= VERDICT_RANK.pass))
    return false
  const previous = st.cuts[i][step.kind]
  if ((previous ?? 0) >= step.level) return false
  st.cuts[i][step.kind] = step.level
  const next = imageBlock(r, st.doc.env, st.cuts[i], multi)
  if (next === st.blocks[i]) {
    if (previous === undefined) delete st.cuts[i][step.kind]
    else st.cuts[i][step.kind] = previous
    return false
  }
  st.blocks[i] = next
  st.sizes[i] = st.budget.measure(next)
  return true
}

function fits(st: State): boolean {
  const parts = [st.headText, ...st.blocks, note(st, false), st.foot].filter(Boolean)
  const sizes = [
    st.budget.measure(st.headText),
    ...st.sizes,
    st.budget.measure(note(st, false)),
    st.budget.measure(st.foot)
  ]
  const total = sizes.reduce((n, s) => n + s, 0) + 2 * (parts.length - 1) + 1
  return total <= st.budget.limit
}

function finish(st: State): Rendered {
  const body = join([st.headText, ...st.blocks, note(st, false), st.foot])
  return { body, truncated: cutList(st, false) }
}

// ---- what was cut ---------------------------------------------------------------------

interface CutGroup {
  label: string
  images: ImageResult[]
}

/** Cuts grouped by label (the deepest level per image and kind), in STEPS order. */
function cutGroups(st: State): CutGroup[] {
  return STEPS.map(step => ({
    label: step.label,
    images: st.doc.results.filter((_, i) => st.cuts[i][step.kind] === step.level)
  })).filter(g => g.images.length > 0)
}

function cutList(st: State, hard: boolean): string[] {
  const multi = st.doc.results.length > 1
  const list = cutGroups(st).flatMap(g =>
    multi ? g.images.map(r => `${g.label} (${r.name})`) : [g.label]
  )
  return hard ? [...list, HARD_CUT] : list
}

/** The visible trim note; '' when nothing was cut. */
function note(st: State, hard: boolean): string {
  const multi = st.doc.results.length > 1
  const items = cutGroups(st).map(g => (multi ? `${g.label} (${names(g.images)})` : g.label))
  if (hard) items.push(HARD_CUT)
  if (items.length === 0) return ''
  return `> ✂️ <b>Trimmed to fit ${st.budget.limitName}:</b> ${items.join('; ')}. ${st.budget.elsewhere}`
}

/** Names for the note, short: the full list is in `truncated`, for the log. */
function names(images: ImageResult[]): string {
  if (images.length > 2) return `${images.length} images`
  return images.map(r => code(r.name, 30)).join(', ')
}

// ---- last resort ----------------------------------------------------------------------

/**
 * Keeps whole lines of the body while they fit with the closing tags they need, then closes
 * every open `<details>` and code fence and appends the note and the footer. Our lines are
 * bounded (every untrusted value is), so a line boundary is always near.
 */
function hardCut(st: State): Rendered {
  const m = st.budget.measure
  const lines = [st.headText, ...st.blocks].filter(Boolean).join('\n\n').split('\n')
  // With a tiny limit, the note and the footer give way to a bare note, then to nothing.
  const bare = `> ✂️ <b>Trimmed to fit ${st.budget.limitName}.</b> ${st.budget.elsewhere}\n`
  for (const tail of [join([note(st, true), st.foot]), bare, '']) {
    const room = st.budget.limit - m(tail) - (tail ? 2 : 0)
    if (room < m(lines[0]) && tail) continue
    const kept = keepLines(lines, room, m)
    const body = tail ? `${kept}\n\n${tail}` : kept
    if (m(body) <= st.budget.limit) return { body, truncated: cutList(st, true) }
  }
  return { body: '', truncated: cutList(st, true) }
}

/** The longest run of leading lines that fits in `room` together with its closers. */
function keepLines(lines: string[], room: number, m: (s: string) => number): string {
  const out: string[] = []
  let size = 0
  let open = 0
  let fence = false
  for (const line of lines) {
    const nextOpen =
      open + (line.match(/<details[ >]/g)?.length ?? 0) - (line.match(/<\/details>/g)?.length ?? 0)
    const nextFence: boolean = line.startsWith('```') ? !fence : fence
    const nextSize = size + (out.length > 0 ? 1 : 0) + m(line)
    if (nextSize + m(closers(nextOpen, nextFence)) > room) break
    out.push(line)
    size = nextSize
    open = nextOpen
    fence = nextFence
  }
  return out.join('\n') + closers(open, fence)
}

function closers(open: number, fence: boolean): string {
  return (fence ? '\n```' : '') + '\n\n</details>'.repeat(Math.max(0, open))
}
