// Per image: find its baseline, compare, mark new hints, decide the verdict.

import type { Report } from '../analysis/report.js'
import { resolveBaseline, type CommitLister, type CompareTarget } from '../baseline/resolve.js'
import type { BaselineStore, IndexEntry } from '../baseline/store.js'
import { judge } from '../diff/judge.js'
import { decideVerdict, type Acceptance, type Thresholds } from '../diff/verdict.js'
import { coreLog, group, info } from './log.js'
import type { ImageResult } from '../diff/result.js'
import type { TrendPoint } from '../model.js'

export { coreLog }

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
  // A rebuild of the baseline opens its own Building/Reading groups, and the log does not nest.
  if (deps.rebuild) return compare(s, target, deps)
  return group(`Comparing ${s.name} (${s.report.image.platform})`, () => compare(s, target, deps))
}

async function compare(
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
  for (const line of found?.tried ?? []) info(`${s.name}: ${line}`)
  const baseline =
    found?.baseline && found.info ? { ...found.info, report: found.baseline.report } : undefined
  const judged = judge(s.name, s.report, baseline, s.thresholds)
  const { thresholds, ...rest } = judged
  return {
    ...rest,
    trend: trend(found?.history ?? [], deps.trendLength),
    ...(s.dockerfile ? { dockerfile: s.dockerfile } : {}),
    ...(!found?.baseline && deps.store.unreadable?.(s.name, platform)
      ? { baselineUnreadable: true }
      : {}),
    thresholds
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
