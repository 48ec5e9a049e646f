// Per image: find its baseline, compare, mark new hints, decide the verdict.

import * as core from '@actions/core'
import { markNewHints } from '../analysis/hints/new.js'
import type { Report } from '../analysis/report.js'
import { resolveBaseline, type CommitLister, type CompareTarget } from '../baseline/resolve.js'
import type { BaselineStore, IndexEntry } from '../baseline/store.js'
import { compareReports } from '../diff/compare.js'
import { decideVerdict, type Acceptance, type Thresholds, type Verdict } from '../diff/verdict.js'
import type { ImageResult, TrendPoint } from '../render/model.js'
import { formatBytes } from '../units.js'

export interface EvaluateDeps {
  store: BaselineStore
  listCommits: CommitLister
  /** The baseline rebuild fallback for this image (absent: no rebuild). */
  rebuild?: (sha: string) => Promise<Report>
  trendLength: number
}

export interface Subject {
  name: string
  report: Report
  thresholds: Thresholds
  dockerfile?: string
}

export async function evaluate(
  s: Subject,
  target: CompareTarget | undefined,
  deps: EvaluateDeps
): Promise<ImageResult> {
  const platform = s.report.image.platform
  const found = target
    ? await resolveBaseline(
        {
          store: deps.store,
          listCommits: deps.listCommits,
          ...(deps.rebuild ? { rebuild: deps.rebuild } : {}),
          log: coreLog
        },
        {
          name: s.name,
          platform,
          wantSha: target.sha,
          branch: target.branch,
          fallback: deps.rebuild ? 'build' : 'none'
        }
      )
    : undefined
  for (const line of found?.tried ?? []) core.info(`${s.name}: ${line}`)
  const base = found?.baseline?.report
  const report = { ...s.report, hints: markNewHints(s.report.hints, base?.hints) }
  const comparison = base ? compareReports(base, report) : undefined
  return {
    name: s.name,
    platform,
    report,
    ...(found?.baseline && found.info
      ? { baseline: { ...found.info, report: found.baseline.report } }
      : {}),
    ...(comparison ? { comparison } : {}),
    verdict: decideVerdict(report, comparison, s.thresholds),
    trend: trend(found?.history ?? [], deps.trendLength),
    ...(s.dockerfile ? { dockerfile: s.dockerfile } : {}),
    thresholds: describeThresholds(s.thresholds)
  }
}

/** Re-decides a failing verdict once the override label is known to be accepted. */
export function applyAcceptance(
  r: ImageResult,
  acceptance: Acceptance,
  thresholds: Thresholds
): ImageResult {
  if (r.verdict.verdict !== 'fail') return r
  return { ...r, verdict: decideVerdict(r.report, r.comparison, thresholds, acceptance) }
}

function trend(history: IndexEntry[], limit: number): TrendPoint[] {
  return history
    .slice(0, limit)
    .reverse()
    .map(e => ({
      sha: e.sha,
      totalBytes: e.totalBytes,
      ...(e.compressedBytes !== undefined ? { compressedBytes: e.compressedBytes } : {}),
      recordedAt: e.recordedAt
    }))
}

export function describeThresholds(t: Thresholds): string[] {
  const out: string[] = []
  if (t.maxSize !== undefined) out.push(`max-size: ${formatBytes(t.maxSize)}`)
  if (t.maxIncrease) out.push(`max-increase: ${t.maxIncrease.text}`)
  if (t.warnIncrease) out.push(`warn-increase: ${t.warnIncrease.text}`)
  if (t.ignoreBaseChange) out.push('ignore-base-change: true')
  if (t.failOnHints.length) out.push(`fail-on-hints: ${t.failOnHints.join(', ')}`)
  return out
}

const RANK: Record<Verdict, number> = { pass: 1, 'no-baseline': 0, warn: 2, accepted: 3, fail: 4 }

/** The overall verdict of several images: the worst of them. */
export function worstVerdict(verdicts: Verdict[]): Verdict {
  if (verdicts.length === 0) return 'no-baseline'
  if (verdicts.every(v => v === 'no-baseline')) return 'no-baseline'
  return verdicts.reduce((a, b) => (RANK[b] > RANK[a] ? b : a), 'pass' as Verdict)
}

export const coreLog = {
  info: (m: string) => core.info(m),
  warning: (m: string) => core.warning(m),
  debug: (m: string) => core.debug(m)
}
