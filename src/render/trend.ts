import type { TrendPoint } from '../model.js'
// The size trend as a mermaid `xychart-beta` block (GitHub renders mermaid fences in
// comments and job summaries). Everything inside the fence is built from validated
// tokens: hex shas, numbers and fixed words. An image name never goes in, because a fence
// cannot be escaped: a line of backticks in a name would close it.

/** Fewer stored points than this draw no chart: one point and the PR is the headline. */
export const MIN_TREND_POINTS = 2
/** A safety cap: a chart with hundreds of x labels is unreadable anyway. */
export const MAX_TREND_POINTS = 100

/**
 * Stored sizes (oldest first) plus the PR's size as the last point, labelled `PR`. Returns ''
 * when there is nothing worth a chart.
 */
export function trendChart(points: TrendPoint[], currentBytes: number): string {
  const usable = points.filter(p => validBytes(p.totalBytes)).slice(-MAX_TREND_POINTS)
  if (usable.length < MIN_TREND_POINTS || !validBytes(currentBytes)) return ''
  const labels = [...usable.map((p, i) => label(p.sha, i)), 'PR']
  const values = [...usable.map(p => p.totalBytes), currentBytes].map(megabytes)
  return [
    '```mermaid',
    'xychart-beta',
    '  title "Image size (MB)"',
    `  x-axis [${labels.map(l => `"${l}"`).join(', ')}]`,
    '  y-axis "MB"',
    `  line [${values.join(', ')}]`,
    '```'
  ].join('\n')
}

/** A short sha when the value is hex; otherwise a neutral position label. */
export function label(sha: string, index: number): string {
  return /^[0-9a-f]{7,64}$/i.test(sha) ? sha.slice(0, 7).toLowerCase() : `?${index + 1}`
}

function validBytes(n: number): boolean {
  return Number.isFinite(n) && n >= 0
}

/** MB (SI, like every size we print) with two decimals: enough to see a 10 kB step. */
function megabytes(bytes: number): number {
  return Math.round(bytes / 1e4) / 100
}
