// The pure part of judging one image, shared by the action (evaluate.ts) and the CLI: mark the
// hints new to this change, compare with the baseline, decide the verdict.

import { markNewHints } from '../analysis/hints/new.js'
import type { Report } from '../analysis/report.js'
import { formatBytes } from '../units.js'
import { compareReports } from './compare.js'
import { decideVerdict, type Thresholds } from './verdict.js'
import type { BaselineInfo } from '../model.js'
import type { ImageResult } from './result.js'

export function judge(
  name: string,
  head: Report,
  baseline: (BaselineInfo & { report: Report }) | undefined,
  thresholds: Thresholds
): ImageResult {
  const report = { ...head, hints: markNewHints(head.hints, baseline?.report.hints) }
  const comparison = baseline ? compareReports(baseline.report, report) : undefined
  return {
    name,
    platform: report.image.platform,
    report,
    ...(baseline ? { baseline } : {}),
    ...(comparison ? { comparison } : {}),
    verdict: decideVerdict(report, comparison, thresholds),
    thresholds: describeThresholds(thresholds)
  }
}

/** The thresholds in force, as the comment's footer lists them. */
export function describeThresholds(t: Thresholds): string[] {
  const out: string[] = []
  if (t.maxSize !== undefined) out.push(`max-size: ${formatBytes(t.maxSize)}`)
  if (t.maxIncrease) out.push(`max-increase: ${t.maxIncrease.text}`)
  if (t.warnIncrease) out.push(`warn-increase: ${t.warnIncrease.text}`)
  if (t.ignoreBaseChange) out.push('ignore-base-change: true')
  if (t.failOnHints.length) out.push(`fail-on-hints: ${t.failOnHints.join(', ')}`)
  return out
}
