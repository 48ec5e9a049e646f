// The top of an image's report: name, size before → after, compressed size, build time,
// what it was compared with, the base image's move apart from the PR's own growth, and the
// verdict with its reasons. This part is never cut.

import type { Comparison } from '../../diff/compare.js'
import { VERDICT_ICONS } from '../../diff/verdict.js'
import { formatBytes, formatDelta, formatPercent } from '../../units.js'
import { code, shortSha, text } from '../escape.js'
import { change, duration, type Env, plural } from './format.js'
import type { BaselineInfo } from '../../model.js'
import type { ImageResult } from '../../diff/result.js'

/** `**<code>app</code>** <sub>linux/amd64</sub>` */
export function imageName(r: ImageResult): string {
  const platform = r.platform ? ` <sub>${text(r.platform, 40)}</sub>` : ''
  return `<b>${code(r.name, 100)}</b>${platform}`
}

export function headline(r: ImageResult, env: Env): string {
  return [sizeLine(r), comparedLine(r), verdictBlock(r, env)].filter(Boolean).join('\n\n')
}

function sizeLine(r: ImageResult): string {
  const c = r.comparison
  const parts = [
    imageName(r),
    c
      ? `<b>${change(c.total.before, c.total.after)}</b>`
      : `<b>${formatBytes(r.report.image.totalBytes)}</b>`
  ]
  const compressed = compressedPart(r)
  if (compressed) parts.push(compressed)
  const stored = r.report.image.storedBytes
  if (stored !== undefined) {
    // the containerd image store's `docker image inspect .Size`: users see it and wonder
    parts.push(
      `stored ${formatBytes(stored)} <sub>(containerd image store: packed layers, what <code>docker image inspect</code> shows; the size above counts unpacked files)</sub>`
    )
  }
  const build = buildPart(r)
  if (build) parts.push(build)
  return parts.join(' · ')
}

function compressedPart(r: ImageResult): string | undefined {
  const img = r.report.image
  const label = img.compressedEstimated ? 'compressed (estimated)' : 'compressed'
  const c = r.comparison?.compressed
  if (c) return `${label} ${change(c.before, c.after)}`
  return img.compressedBytes === undefined
    ? undefined
    : `${label} ${formatBytes(img.compressedBytes)}`
}

function buildPart(r: ImageResult): string | undefined {
  const ms = r.comparison?.buildMs
  if (ms?.before !== undefined && ms.after !== undefined) {
    return `build ${duration(ms.before)} → ${duration(ms.after)}`
  }
  const after = ms?.after ?? r.report.build?.durationMs
  return after === undefined ? undefined : `build ${duration(after)}`
}

function comparedLine(r: ImageResult): string {
  if (!r.comparison) {
    return "No baseline yet — this run's size becomes one when it is recorded on the default branch."
  }
  const against = !r.baseline
    ? 'Compared with the baseline'
    : r.baseline.method === 'given'
      ? `Compared with ${baselineName(r.baseline)}`
      : `Compared with ${baselineName(r.baseline)} (${method(r.baseline)})`
  return [against, ...baseAndOwn(r.comparison)].join(' · ')
}

function baselineName(b: BaselineInfo): string {
  if (b.method === 'given') return code(b.label ?? 'the given image', 120)
  return code(`${b.branch}@${shortSha(b.sha) ?? b.sha}`, 80)
}

function method(b: BaselineInfo): string {
  if (b.method === 'nearest') {
    return b.distance === undefined
      ? 'nearest stored'
      : `nearest stored: ${plural(b.distance, 'commit')} earlier`
  }
  return b.method
}

/** The base image's move and the PR's own layers, apart: only the second is the PR's doing. */
function baseAndOwn(c: Comparison): string[] {
  const unknown = c.baseImage.unknown
  if (unknown === 'both') return []
  if (unknown) {
    // One side's base layers are not known: a "base changed 0 B → 117 MB" would be made up.
    const side = unknown === 'before' ? 'the baseline' : 'this image'
    return [`base image / your layers split unknown for ${side} (measured without its Dockerfile)`]
  }
  const base = c.baseImage.changed
    ? `base image changed: ${change(c.baseImage.before, c.baseImage.after)}`
    : `base image unchanged (${formatBytes(c.baseImage.after)})`
  const own = `your layers ${formatDelta(c.own.delta)} (${formatPercent(c.own.ratio)})`
  return [base, own]
}

function verdictBlock(r: ImageResult, env: Env): string {
  const v = r.verdict
  const reasons = v.reasons.map(reason => `\n- ${text(reason, 300)}`).join('')
  const list = reasons ? `\n${reasons}` : ''
  if (v.verdict === 'accepted') {
    const by = v.acceptedBy ? ` by ${code(v.acceptedBy, 60)}` : ''
    const label = env.acceptLabel ? ` with the label ${code(env.acceptLabel, 60)}` : ''
    return `${VERDICT_ICONS.accepted} <b>Accepted</b>${by}${label}: the check passes despite${list || ' the thresholds'}`
  }
  if (v.verdict === 'fail') return `${VERDICT_ICONS.fail} <b>Fails:</b>${list}`
  if (v.verdict === 'warn') return `${VERDICT_ICONS.warn} <b>Warning:</b>${list}`
  return ''
}
