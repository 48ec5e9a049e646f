// The per-layer tables, aligned to Dockerfile instructions: the PR's own changed layers
// (open), the base image's changed layers and the unchanged layers (collapsed), and the
// full text of shortened instructions.
//
// Long instructions: a table cell shows the first 60 characters as inline code, linked to
// the Dockerfile line. The full text goes in a collapsed list below the tables, not in a
// `title` attribute: whether GitHub's sanitiser keeps `title` on `<code>`/`<span>` cannot be
// checked offline, and a list always renders (and the budget can drop it first).

import type { LayerDiff } from '../../diff/compare.js'
import { formatBytes, formatDelta } from '../../units.js'
import { code, link } from '../escape.js'
import {
  count,
  type Cuts,
  DASH,
  deltaCell,
  details,
  type Env,
  FULL_TEXT_MAX,
  instructionCell,
  isShortened,
  lineUrl,
  plural,
  table
} from './format.js'
import type { LayerSummary } from '../../model.js'
import type { ImageResult } from '../../diff/result.js'

/** Rows kept when the budget shortens a table. */
export const COMPACT_CHANGED = 25
export const COMPACT_UNCHANGED = 20

export function layersSection(r: ImageResult, env: Env, cuts: Cuts): string {
  if (!r.comparison) return allLayers(r, env, cuts)
  const layers = r.comparison.layers
  const own = layers.filter(l => l.status !== 'unchanged' && !l.base)
  const base = layers.filter(l => l.status !== 'unchanged' && l.base)
  const same = layers.filter(l => l.status === 'unchanged')
  return [
    changedLayers(own, r, env, cuts),
    cuts.baseLayers === 2 ? '' : baseLayers(base, r, env),
    cuts.unchanged === 2 ? '' : unchangedLayers(same, r, env, cuts),
    cuts.fullText === 2 ? '' : fullTexts([...own, ...base], r, env)
  ]
    .filter(Boolean)
    .join('\n\n')
}

function changedLayers(own: LayerDiff[], r: ImageResult, env: Env, cuts: Cuts): string {
  if (own.length === 0) return 'None of your layers changed.'
  const shown = cuts.changed === 1 ? largest(own, COMPACT_CHANGED, l => Math.abs(l.delta)) : own
  const body = diffTable(shown, r, env) + moreNote(own, shown, 'changed layer')
  return details(
    `<b>Changed layers</b> (${count(own.length)}, ${formatDelta(sum(own))})`,
    body,
    true
  )
}

function baseLayers(base: LayerDiff[], r: ImageResult, env: Env): string {
  if (base.length === 0) return ''
  const summary = `Base image layers (${plural(base.length, 'change')}, ${formatDelta(sum(base))})`
  return details(summary, diffTable(base, r, env))
}

function unchangedLayers(same: LayerDiff[], r: ImageResult, env: Env, cuts: Cuts): string {
  if (same.length === 0) return ''
  const shown = cuts.unchanged === 1 ? largest(same, COMPACT_UNCHANGED, l => l.bytesAfter) : same
  const rows = shown.map(l => [
    instructionCell(env, l.createdBy, r.dockerfile, l.dockerfileLine) + baseTag(l.base),
    formatBytes(l.bytesAfter)
  ])
  const total = same.reduce((n, l) => n + l.bytesAfter, 0)
  const body =
    table(['Instruction', 'Size'], [false, true], rows) + moreNote(same, shown, 'unchanged layer')
  return details(`Unchanged layers (${count(same.length)}, ${formatBytes(total)})`, body)
}

function diffTable(layers: LayerDiff[], r: ImageResult, env: Env): string {
  const rows = layers.map(l => [
    status(l),
    instructionCell(env, l.createdBy, r.dockerfile, l.dockerfileLine),
    l.status === 'added' ? DASH : formatBytes(l.bytesBefore),
    l.status === 'removed' ? DASH : formatBytes(l.bytesAfter),
    l.status === 'changed' ? deltaCell(l.delta, l.bytesBefore) : formatDelta(l.delta)
  ])
  return table(['', 'Instruction', 'Before', 'After', 'Δ'], [false, false, true, true, true], rows)
}

function status(l: LayerDiff): string {
  if (l.status === 'added') return '➕ added'
  if (l.status === 'removed') return '➖ removed'
  if (l.status === 'unchanged') return 'unchanged'
  return l.delta > 0 ? '🔺 changed' : l.delta < 0 ? '🔻 changed' : '✏️ changed'
}

/** No baseline: the layers with their sizes only. */
function allLayers(r: ImageResult, env: Env, cuts: Cuts): string {
  const layers = r.report.image.layers
  if (layers.length === 0) return ''
  const shown = cuts.changed === 1 ? largest(layers, COMPACT_CHANGED, l => l.bytes) : layers
  const rows = shown.map(l => [
    instructionCell(env, l.createdBy, r.dockerfile, l.dockerfileLine) + baseTag(l.base),
    formatBytes(l.bytes)
  ])
  const body =
    table(['Instruction', 'Size'], [false, true], rows) + moreNote(layers, shown, 'layer')
  const summary = `<b>Layers</b> (${count(layers.length)}, ${formatBytes(r.report.image.totalBytes)})`
  const full = cuts.fullText === 2 ? '' : fullTexts(layers, r, env)
  return [details(summary, body, true), full].filter(Boolean).join('\n\n')
}

/** The full text of every instruction the tables shortened, collapsed. */
function fullTexts(layers: Array<LayerDiff | LayerSummary>, r: ImageResult, env: Env): string {
  const long = layers.filter(l => isShortened(l.createdBy))
  if (long.length === 0) return ''
  const items = long.map(l => {
    const line = l.dockerfileLine
    const where =
      line === undefined ? '' : `${link(lineUrl(env, r.dockerfile, line), `L${line}`)}: `
    return `- ${where}${code(l.createdBy, FULL_TEXT_MAX)}`
  })
  return details(`Full instructions (${count(long.length)})`, items.join('\n'))
}

function baseTag(base: boolean): string {
  return base ? ' <sub>base</sub>' : ''
}

function moreNote<T>(all: T[], shown: T[], what: string): string {
  const hidden = all.length - shown.length
  return hidden > 0 ? `\n\n… and ${plural(hidden, `more ${what}`, `more ${what}s`)} not shown.` : ''
}

/** The `n` largest items, kept in stack order (ties keep the earlier layer). */
export function largest<T>(items: T[], n: number, size: (item: T) => number): T[] {
  if (items.length <= n) return items
  const keep = new Set([...items].sort((a, b) => size(b) - size(a)).slice(0, n))
  return items.filter(i => keep.has(i))
}

function sum(layers: LayerDiff[]): number {
  return layers.reduce((n, l) => n + l.delta, 0)
}
