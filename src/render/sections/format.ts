// Shared pieces of the markdown sections: size cells, tables, collapsible blocks, links to
// Dockerfile lines, and the cut levels the comment budget applies to each section.

import type { Verdict } from '../../diff/verdict.js'
import { formatBytes, formatDelta, formatPercent } from '../../units.js'
import { code, link, shortSha, urlPath } from '../escape.js'

/** Sections the budget can shorten (level 1) or drop (level 2), per image. */
export type Kind =
  | 'detail'
  | 'fullText'
  | 'trend'
  | 'unchanged'
  | 'baseLayers'
  | 'existingHints'
  | 'grew'
  | 'changed'
  | 'newHints'

export type Cuts = Partial<Record<Kind, 1 | 2>>

/** What the renderers may link to; absent fields mean "no link" (the CLI has none). */
export interface Env {
  repoUrl?: string
  headSha?: string
  runUrl?: string
  /** Absent in the CLI, where there is no label to add. */
  acceptLabel?: string
}

export const VERDICT_WORDS: Record<Verdict, string> = {
  pass: 'passed',
  warn: 'warning',
  fail: 'failed',
  accepted: 'accepted',
  'no-baseline': 'no baseline yet'
}

/** Instructions are shortened to this many characters in tables. */
export const INSTRUCTION_MAX = 60
/** Paths in tables and hint lines. */
export const PATH_MAX = 120
/** The longest instruction text printed at all (in the full-text list). */
export const FULL_TEXT_MAX = 1000

export const DASH = '–'

/** `+50.0 MB (+25%)`; the percentage only when there was something before. */
export function deltaCell(delta: number, before: number): string {
  return before > 0
    ? `${formatDelta(delta)} (${formatPercent(delta / before)})`
    : formatDelta(delta)
}

/** `200 MB → 250 MB (+50.0 MB, +25%)` */
export function change(before: number, after: number): string {
  const delta = after - before
  const pct = before > 0 ? `, ${formatPercent(delta / before)}` : ''
  return `${formatBytes(before)} → ${formatBytes(after)} (${formatDelta(delta)}${pct})`
}

/** `195 s`; tenths under ten seconds, where they still matter. */
export function duration(ms: number): string {
  const s = ms / 1000
  return s < 10 ? `${s.toFixed(1)} s` : `${Math.round(s)} s`
}

export function count(n: number): string {
  return n.toLocaleString('en-US')
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${count(n)} ${n === 1 ? one : many}`
}

/** A collapsible block; the blank lines let GitHub parse markdown inside it. */
export function details(summary: string, body: string, open = false): string {
  return `<details${open ? ' open' : ''}><summary>${summary}</summary>\n\n${body}\n\n</details>`
}

/** A GFM table. Cells must already be escaped (no raw `|` or newline). */
export function table(header: string[], right: boolean[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`
  const rule = `|${right.map(r => (r ? '---:' : '---')).join('|')}|`
  return [line(header), rule, ...rows.map(line)].join('\n')
}

/** Link to a Dockerfile line at the PR head, when the repository, head and path are known. */
export function lineUrl(
  env: Env,
  dockerfile: string | undefined,
  line: number | undefined
): string | undefined {
  if (!env.repoUrl || !env.headSha || !dockerfile || line === undefined) return undefined
  if (!Number.isInteger(line) || line < 1 || !shortSha(env.headSha)) return undefined
  const path = urlPath(dockerfile)
  return path === undefined
    ? undefined
    : `${env.repoUrl.replace(/\/+$/, '')}/blob/${env.headSha}/${path}#L${line}`
}

/**
 * An instruction cell: shortened inline code, linked to its Dockerfile line. Without a link
 * the line number follows in small print, so the CLI's markdown still points at the source.
 */
export function instructionCell(
  env: Env,
  instruction: string,
  dockerfile?: string,
  line?: number
): string {
  const shown = code(instruction, INSTRUCTION_MAX)
  const url = lineUrl(env, dockerfile, line)
  if (url) return link(url, shown)
  return line !== undefined && Number.isInteger(line) ? `${shown} <sub>L${line}</sub>` : shown
}

/** Whether `instructionCell` had to shorten the text. */
export function isShortened(instruction: string): boolean {
  return code(instruction, INSTRUCTION_MAX) !== code(instruction, FULL_TEXT_MAX)
}

export function sizeOrDash(bytes: number | undefined): string {
  return bytes === undefined ? DASH : formatBytes(bytes)
}
