// Hints: the ones this PR introduced first (visible), each with the bytes it would save, the
// Dockerfile line and the fix; the ones the baseline already had, collapsed; the ones this PR
// resolved, in one line. Without a baseline every hint is shown and none is called new.

import type { Hint, Severity } from '../../analysis/report.js'
import { formatBytes } from '../../units.js'
import { code, inline, link } from '../escape.js'
import {
  count,
  type Cuts,
  details,
  type Env,
  INSTRUCTION_MAX,
  lineUrl,
  PATH_MAX,
  plural
} from './format.js'
import type { ImageResult } from '../../diff/result.js'

/** Hints kept when the budget shortens the list, and paths shown per hint. */
export const COMPACT_HINTS = 10
export const HINT_PATHS = 3
export const RESOLVED_SHOWN = 10

const SEVERITY_ICONS: Record<Severity, string> = { error: '🛑', warning: '⚠️', info: 'ℹ️' }

export function hintsSection(r: ImageResult, env: Env, cuts: Cuts): string {
  const c = r.comparison
  if (!c) return hintList('Hints', r.report.hints, r, env, cuts.newHints === 1, true)
  return [
    hintList('New hints', c.hints.new, r, env, cuts.newHints === 1, true),
    cuts.existingHints === 2
      ? ''
      : hintList('Existing hints', c.hints.existing, r, env, false, false),
    resolved(c.hints.resolved)
  ]
    .filter(Boolean)
    .join('\n\n')
}

function hintList(
  title: string,
  hints: Hint[],
  r: ImageResult,
  env: Env,
  compact: boolean,
  open: boolean
): string {
  if (hints.length === 0) return ''
  const sorted = [...hints].sort((a, b) => b.bytes - a.bytes)
  const shown = compact ? sorted.slice(0, COMPACT_HINTS) : sorted
  const items = shown.map(h => (compact ? headLine(h, r, env) : hintItem(h, r, env)))
  const hidden = hints.length - shown.length
  const more = hidden > 0 ? `\n\n… and ${plural(hidden, 'more hint')} not shown.` : ''
  const summary = `<b>${title}</b> (${count(hints.length)}, ${formatBytes(total(hints))} to save)`
  const body = items.join('\n') + more
  return open ? `${summary}\n\n${body}` : details(summary, body)
}

function hintItem(h: Hint, r: ImageResult, env: Env): string {
  const lines = [headLine(h, r, env)]
  const where = wherePart(h)
  if (where) lines.push(`  - ${where}`)
  lines.push(`  - fix: ${inline(h.fix)}`)
  return lines.join('\n')
}

/** `- ⚠️ <b>title</b> — saves 40.0 MB · Dockerfile:14 · <code>pip-cache</code>` */
function headLine(h: Hint, r: ImageResult, env: Env): string {
  const parts = [
    `- ${SEVERITY_ICONS[h.severity] ?? ''} <b>${inline(h.title, 200)}</b> — saves ${formatBytes(h.bytes)}`
  ]
  const file = h.dockerfile ?? r.dockerfile
  if (h.dockerfileLine !== undefined) {
    const label = code(`${file ?? 'Dockerfile'}:${h.dockerfileLine}`, 80)
    parts.push(link(lineUrl(env, file, h.dockerfileLine), label))
  }
  parts.push(code(h.id, 60))
  return parts.join(' · ')
}

/** `in <code>RUN pip …</code>: <code>/root/.cache/pip</code> (40.0 MB), …` */
function wherePart(h: Hint): string {
  const paths = [...h.paths, ...(h.packages ?? [])]
    .slice(0, HINT_PATHS)
    .map(p => `${code(p.path, PATH_MAX)} (${formatBytes(p.bytes)})`)
  const more = h.paths.length + (h.packages?.length ?? 0) - paths.length
  const list = paths.join(', ') + (more > 0 ? ` and ${count(more)} more` : '')
  const instruction = h.instruction ? `in ${code(h.instruction, INSTRUCTION_MAX)}` : ''
  if (!list) return instruction
  return instruction ? `${instruction}: ${list}` : list
}

function resolved(hints: Hint[]): string {
  if (hints.length === 0) return ''
  const names = hints
    .slice(0, RESOLVED_SHOWN)
    .map(h => `${code(h.id, 60)} (${formatBytes(h.bytes)})`)
  const more =
    hints.length > RESOLVED_SHOWN ? ` and ${count(hints.length - RESOLVED_SHOWN)} more` : ''
  return `🎉 Resolved by this PR: ${names.join(', ')}${more}.`
}

function total(hints: Hint[]): number {
  return hints.reduce((n, h) => n + h.bytes, 0)
}
