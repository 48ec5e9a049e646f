// The verdict: pass, warn, fail, accepted (a failing change approved by the override label)
// or no-baseline (nothing to compare with yet — a first run is not an error).

import type { Hint, Report, Severity } from '../analysis/report.js'
import { formatBytes, formatDelta, formatPercent } from '../units.js'
import type { Comparison } from './compare.js'
import { exceeds, type IncreaseRule } from './thresholds.js'

export type Verdict = 'pass' | 'warn' | 'fail' | 'accepted' | 'no-baseline'

export interface Thresholds {
  maxSize?: number
  maxIncrease?: IncreaseRule
  warnIncrease?: IncreaseRule
  /** Gate only on the growth of the Dockerfile's own layers, not on a moved base image. */
  ignoreBaseChange: boolean
  /** Hint ids or severities that fail the check when NEW in this PR. */
  failOnHints: string[]
}

export interface Acceptance {
  by: string
  label: string
}

export interface VerdictResult {
  verdict: Verdict
  /** Why: one line per rule that was crossed (empty on pass / no-baseline). */
  reasons: string[]
  acceptedBy?: string
}

const SEVERITIES: Severity[] = ['info', 'warning', 'error']

export function decideVerdict(
  report: Report,
  comparison: Comparison | undefined,
  t: Thresholds,
  acceptance?: Acceptance
): VerdictResult {
  const failures: string[] = []
  const warnings: string[] = []
  if (t.maxSize !== undefined && report.image.totalBytes > t.maxSize) {
    failures.push(
      `size ${formatBytes(report.image.totalBytes)} is over max-size ${formatBytes(t.maxSize)}`
    )
  }
  if (comparison) {
    const growth = t.ignoreBaseChange ? comparison.own : comparison.total
    const what = t.ignoreBaseChange ? 'own layers grew' : 'image grew'
    const crossed = (rule: IncreaseRule | undefined) =>
      rule && exceeds(rule, growth.delta, growth.before)
    const line = (rule: IncreaseRule, name: string) =>
      `${what} ${formatDelta(growth.delta)} (${formatPercent(growth.before > 0 ? growth.delta / growth.before : undefined)}), over ${name} ${rule.text}`
    if (t.maxIncrease && crossed(t.maxIncrease)) failures.push(line(t.maxIncrease, 'max-increase'))
    else if (t.warnIncrease && crossed(t.warnIncrease))
      warnings.push(line(t.warnIncrease, 'warn-increase'))
    failures.push(...hintFailures(comparison.hints.new, t.failOnHints))
  }
  if (failures.length > 0) {
    if (acceptance) return { verdict: 'accepted', reasons: failures, acceptedBy: acceptance.by }
    return { verdict: 'fail', reasons: failures }
  }
  if (warnings.length > 0) return { verdict: 'warn', reasons: warnings }
  return { verdict: comparison ? 'pass' : 'no-baseline', reasons: [] }
}

function hintFailures(newHints: Hint[], failOn: string[]): string[] {
  const wanted = new Set(failOn)
  return newHints
    .filter(h => wanted.has(h.id) || severityAtLeast(h.severity, failOn))
    .map(h => `new hint ${h.id} (${h.severity}, ${formatBytes(h.bytes)}) fails by fail-on-hints`)
}

/** A severity in fail-on-hints means that severity or worse. */
function severityAtLeast(s: Severity, failOn: string[]): boolean {
  const levels = failOn.filter((x): x is Severity => SEVERITIES.includes(x as Severity))
  return levels.some(l => SEVERITIES.indexOf(s) >= SEVERITIES.indexOf(l))
}

/**
 * Least to most serious: the one order of verdicts. The overall verdict (the `verdict` output,
 * the commit status, the comment's title) is the most serious image's; the comment's budget
 * spares the least serious images first. `accepted` is below `warn`: a person has already
 * signed the failure off, while a warning still asks for a look.
 */
export const VERDICT_RANK: Record<Verdict, number> = {
  'no-baseline': 0,
  pass: 1,
  accepted: 2,
  warn: 3,
  fail: 4
}

/** Most serious first: `fail`, `warn`, `accepted`, `pass`, `no-baseline`. */
export const VERDICTS_BY_SEVERITY = (Object.keys(VERDICT_RANK) as Verdict[]).sort(
  (a, b) => VERDICT_RANK[b] - VERDICT_RANK[a]
)

/** The overall verdict of several images: the most serious; `no-baseline` when there are none. */
export function worstVerdict(verdicts: Verdict[]): Verdict {
  return verdicts.reduce<Verdict>(
    (a, b) => (VERDICT_RANK[b] > VERDICT_RANK[a] ? b : a),
    'no-baseline'
  )
}

export const VERDICT_ICONS: Record<Verdict, string> = {
  pass: '✅',
  warn: '⚠️',
  fail: '❌',
  accepted: '☑️',
  'no-baseline': '🆕'
}
