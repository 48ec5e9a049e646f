// The trend section: the image's stored sizes on the base branch and this PR, collapsed
// (a chart is the least important part of the comment: the budget drops it early).

import { code } from '../escape.js'
import { trendChart } from '../trend.js'
import { details, plural } from './format.js'
import type { ImageResult } from '../../diff/result.js'

export function trendSection(r: ImageResult): string {
  const points = r.trend ?? []
  const chart = trendChart(points, r.report.image.totalBytes)
  if (!chart) return ''
  const branch = r.baseline ? code(r.baseline.branch, 60) : 'the base branch'
  return details(
    `Size trend on ${branch} (${plural(points.length, 'recorded commit')} and this PR)`,
    chart
  )
}
