// Builds ImageResult values (report + baseline + comparison + verdict) for renderer tests,
// through the real compareReports and decideVerdict.

import type { Report } from '../../src/analysis/report.js'
import { compareReports, type Comparison, type LayerDiff } from '../../src/diff/compare.js'
import { parseIncreaseRule } from '../../src/diff/thresholds.js'
import { type Acceptance, decideVerdict, type Thresholds } from '../../src/diff/verdict.js'
import type { RenderContext } from '../../src/render/model.js'
import { formatBytes } from '../../src/units.js'
import { makeReport } from './reports.js'
import type { BaselineInfo, TrendPoint } from '../../src/model.js'
import type { ImageResult } from '../../src/diff/result.js'

export const MB = 1e6

export const MARKER = '<!-- image-size-guard -->'

export const CTX: RenderContext = {
  repoUrl: 'https://github.com/acme/shop',
  headSha: '0123456789abcdef0123456789abcdef01234567',
  runUrl: 'https://github.com/acme/shop/actions/runs/42',
  acceptLabel: 'image-size-accepted',
  marker: MARKER
}

export interface ResultSpec {
  name?: string
  before?: Report
  after: Report
  max?: string
  warn?: string
  maxSize?: number
  failOnHints?: string[]
  acceptedBy?: string
  baseline?: Partial<BaselineInfo>
  trend?: TrendPoint[]
  dockerfile?: string
}

export function thresholdsOf(spec: ResultSpec): Thresholds {
  return {
    ...(spec.max ? { maxIncrease: parseIncreaseRule(spec.max, 'max-increase') } : {}),
    ...(spec.warn ? { warnIncrease: parseIncreaseRule(spec.warn, 'warn-increase') } : {}),
    ...(spec.maxSize ? { maxSize: spec.maxSize } : {}),
    ignoreBaseChange: false,
    failOnHints: spec.failOnHints ?? []
  }
}

function thresholdText(spec: ResultSpec): string[] {
  return [
    ...(spec.max ? [`max-increase: ${spec.max}`] : []),
    ...(spec.warn ? [`warn-increase: ${spec.warn}`] : []),
    ...(spec.maxSize ? [`max-size: ${formatBytes(spec.maxSize)}`] : []),
    ...(spec.failOnHints?.length ? [`fail-on-hints: ${spec.failOnHints.join(', ')}`] : [])
  ]
}

export function imageResult(spec: ResultSpec): ImageResult {
  const comparison = spec.before ? compareReports(spec.before, spec.after) : undefined
  const acceptance: Acceptance | undefined = spec.acceptedBy
    ? { by: spec.acceptedBy, label: CTX.acceptLabel }
    : undefined
  const verdict = decideVerdict(spec.after, comparison, thresholdsOf(spec), acceptance)
  return withComparison(spec, comparison, verdict)
}

function withComparison(
  spec: ResultSpec,
  comparison: Comparison | undefined,
  verdict: ImageResult['verdict']
): ImageResult {
  const result: ImageResult = {
    name: spec.name ?? 'shop-api',
    platform: 'linux/amd64',
    report: spec.after,
    verdict,
    thresholds: thresholdText(spec),
    dockerfile: spec.dockerfile ?? 'docker/api/Dockerfile'
  }
  if (spec.before && comparison) {
    result.baseline = {
      method: 'stored',
      sha: 'abc1234def5678abc1234def5678abc1234def56',
      branch: 'main',
      ...spec.baseline,
      report: spec.before
    }
    result.comparison = comparison
  }
  if (spec.trend) result.trend = spec.trend
  return result
}

/** `count` stored points on main, oldest first, growing by 1 MB each. */
export function trendPoints(count: number, startBytes: number): TrendPoint[] {
  return Array.from({ length: count }, (_, i) => ({
    sha: (i + 1).toString(16).padStart(7, '0').repeat(6).slice(0, 40),
    totalBytes: startBytes + i * MB
  }))
}

/**
 * A result with `layers` changed layers, each listing `paths` changed paths named by
 * `pathName`. Built directly: the LCS alignment is quadratic, and these tests are about the
 * renderer's budget, not about alignment.
 */
export function hugeResult(
  layers: number,
  paths: number,
  pathName: (l: number, p: number) => string
): ImageResult {
  const diffs: LayerDiff[] = Array.from({ length: layers }, (_, l) => ({
    status: l % 3 === 0 ? 'added' : l % 3 === 1 ? 'changed' : 'unchanged',
    createdBy: `RUN step ${l} ${pathName(l, 0)}`,
    bytesBefore: l % 3 === 0 ? 0 : 1000 * l,
    bytesAfter: 1000 * l + (l % 3 === 2 ? 0 : 500 * l),
    delta: l % 3 === 2 ? 0 : l % 3 === 0 ? 1500 * l : 500 * l,
    base: false,
    dockerfileLine: l + 1,
    paths: Array.from({ length: l % 3 === 2 ? 0 : paths }, (_, p) => ({
      path: pathName(l, p),
      after: 100 + p,
      delta: 100 + p,
      change: 'added' as const
    }))
  }))
  const r = imageResult({ before: makeReport([]), after: makeReport([]), max: '10%' })
  const before = diffs.reduce((n, d) => n + d.bytesBefore, 0)
  const after = diffs.reduce((n, d) => n + d.bytesAfter, 0)
  const delta = after - before
  r.report.image.totalBytes = after
  r.comparison = {
    ...(r.comparison as Comparison),
    total: { before, after, delta, ratio: delta / before },
    own: { before, after, delta, ratio: delta / before },
    baseImage: { before: 0, after: 0, delta: 0, changed: false },
    layers: diffs
  }
  r.verdict = { verdict: 'fail', reasons: ['image grew a lot, over max-increase 10%'] }
  return r
}
