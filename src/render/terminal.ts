// The CLI's readable report: layers table, largest files, waste, hints. Pure: report in,
// text out (no colours; terminals and CI logs both read it).

import type { Hint, Report } from '../analysis/report.js'
import type { Comparison, LayerDiff } from '../diff/compare.js'
import { formatBytes, formatDelta, formatPercent } from '../units.js'
import { unsafeChars } from '../unsafe.js'
import { CHANGED_PATHS, explainedPlain, versionPlain } from './sections/changed.js'
import type { LayerSummary, PathSize } from '../model.js'
import type { ImageResult } from '../diff/result.js'

const INSTRUCTION_WIDTH = 70

export function renderTerminal(report: Report): string {
  const img = report.image
  const out: string[] = []
  out.push(
    `${clean(img.reference ?? img.id)}  (${clean(img.platform)}, ${img.source.layout} ${img.source.kind})`
  )
  out.push(`  id ${img.id}`)
  out.push(
    `  size ${formatBytes(img.totalBytes)} in ${img.layers.length} layers, ${img.fileCount} files${compressed(report)}`
  )
  if (img.storedBytes !== undefined) out.push(`  ${STORED_NOTE(formatBytes(img.storedBytes))}`)
  out.push('')
  out.push(...layersTable(img.layers))
  out.push('')
  out.push('Largest files')
  out.push(...pathRows(largestOverall(img.layers, 10)))
  out.push('')
  out.push(...wasteSection(report))
  if (report.hints.length > 0) {
    out.push('')
    out.push(...hintsSection(report.hints))
  }
  return out.join('\n') + '\n'
}

/** Why `docker images` shows another number on the containerd image store. */
export const STORED_NOTE = (stored: string): string =>
  `stored ${stored} in the containerd image store (docker image inspect): packed layers, not the unpacked files counted here`

function compressed(report: Report): string {
  const c = report.image.compressedBytes
  if (c === undefined) return ''
  return `, ${formatBytes(c)} compressed${report.image.compressedEstimated ? ' (estimated)' : ''}`
}

function layersTable(layers: LayerSummary[]): string[] {
  const rows = layers.map(l => [
    String(l.index),
    formatBytes(l.bytes),
    String(l.files),
    `${l.base ? '[base] ' : ''}${truncate(l.createdBy, INSTRUCTION_WIDTH)}`
  ])
  return table(['#', 'size', 'files', 'instruction'], rows, [true, true, true, false])
}

/** The image's largest files across layers (each layer keeps its own top list). */
export function largestOverall(layers: LayerSummary[], limit: number): PathSize[] {
  return layers
    .flatMap(l => l.topFiles.map(f => ({ ...f, layer: l.index })))
    .sort((a, b) => b.bytes - a.bytes || a.path.localeCompare(b.path))
    .slice(0, limit)
}

function wasteSection(report: Report): string[] {
  const w = report.waste
  if (w.reclaimableBytes === 0) return ['Waste: none found']
  const lines = [
    `Waste: ${formatBytes(w.reclaimableBytes)} reclaimable (${formatBytes(w.ownBytes)} in your layers, ${formatBytes(w.baseBytes)} in the base image)`
  ]
  for (const [kind, bytes] of Object.entries(w.byKind)) {
    if (bytes > 0) lines.push(`  ${kind.padEnd(17)} ${formatBytes(bytes)}`)
  }
  const top = w.items
    .slice(0, 10)
    .map(i => [
      formatBytes(i.bytes),
      i.kind,
      `layer ${i.layer}${i.hiddenBy !== undefined ? `→${i.hiddenBy}` : ''}`,
      `${clean(i.path)}${i.files > 1 ? ` (${i.files} files)` : ''}`
    ])
  return [...lines, ...table(['bytes', 'kind', 'layers', 'path'], top, [true, false, false, false])]
}

function hintsSection(hints: Hint[]): string[] {
  const lines = ['Hints']
  for (const h of hints) {
    const where = h.dockerfileLine ? ` (${h.dockerfile ?? 'Dockerfile'}:${h.dockerfileLine})` : ''
    const isNew = h.new ? ' NEW' : ''
    lines.push(
      `  [${h.severity}${isNew}] ${h.id}: ${clean(h.title)} — ${formatBytes(h.bytes)}${clean(where)}`
    )
    if (h.instruction) lines.push(`      in: ${truncate(h.instruction, INSTRUCTION_WIDTH)}`)
    lines.push(`      fix: ${clean(h.fix)}`)
  }
  return lines
}

function pathRows(paths: PathSize[]): string[] {
  return paths.map(p => `  ${formatBytes(p.bytes).padStart(9)}  ${clean(p.path)}`)
}

export function truncate(text: string, width: number): string {
  const t = clean(text)
  return t.length <= width ? t : `${t.slice(0, width - 1)}…`
}

/**
 * Text from the image (file names, instructions) may hold control characters: a newline
 * could start a fake line (or a workflow command in a CI log), an ESC could drive the
 * terminal. They are shown as `\u{NN}` instead; and `##[`, which a CI runner reads as a
 * command anywhere in a line, becomes `# #[`.
 */
export function clean(text: string): string {
  return text
    .replace(UNSAFE, c => `\\u{${c.codePointAt(0)!.toString(16)}}`)
    .replace(/##\[/g, '# #[')
}

const UNSAFE = unsafeChars()

function table(header: string[], rows: string[][], right: boolean[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => r[i].length)))
  const fmt = (r: string[]) =>
    '  ' +
    r
      .map((c, i) =>
        i === r.length - 1 ? c : right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])
      )
      .join('  ')
  return [fmt(header), ...rows.map(fmt)]
}

const STATUS: Record<LayerDiff['status'], string> = {
  unchanged: ' ',
  changed: '~',
  added: '+',
  removed: '-'
}

/** Two images side by side: totals, the layer-aligned diff, what grew, new hints. */
export function renderComparisonTerminal(r: ImageResult): string {
  const c = r.comparison
  if (!c) return renderTerminal(r.report)
  const out: string[] = []
  const against =
    r.baseline?.method === 'given'
      ? r.baseline.label
      : `${r.baseline?.branch}@${r.baseline?.sha.slice(0, 7)}`
  out.push(
    `${clean(r.name)}  (${clean(r.platform)})  compared with ${clean(against ?? 'the baseline')}`
  )
  out.push(
    `  size ${formatBytes(c.total.before)} → ${formatBytes(c.total.after)}  ${formatDelta(c.total.delta)} (${formatPercent(c.total.ratio)})`
  )
  if (c.compressed)
    out.push(
      `  compressed ${formatBytes(c.compressed.before)} → ${formatBytes(c.compressed.after)}  ${formatDelta(c.compressed.delta)}`
    )
  if (c.baseImage.unknown === undefined) {
    const base = c.baseImage.changed ? `changed ${formatDelta(c.baseImage.delta)}` : 'unchanged'
    out.push(
      `  base image ${base}; own layers ${formatDelta(c.own.delta)} (${formatPercent(c.own.ratio)})`
    )
  } else if (c.baseImage.unknown !== 'both') {
    const side = c.baseImage.unknown === 'before' ? 'the baseline' : 'this image'
    out.push(`  base image / own layers split unknown for ${side}`)
  }
  out.push(
    `  reclaimable ${formatBytes(c.reclaimable.before)} → ${formatBytes(c.reclaimable.after)}`
  )
  out.push(...changedLines(c))
  out.push('')
  const rows = c.layers.map(l => [
    STATUS[l.status],
    l.status === 'added' ? '' : formatBytes(l.bytesBefore),
    l.status === 'removed' ? '' : formatBytes(l.bytesAfter),
    l.delta === 0 ? '' : formatDelta(l.delta),
    `${l.base ? '[base] ' : ''}${truncate(l.createdBy, INSTRUCTION_WIDTH)}`
  ])
  out.push(
    ...table(['', 'before', 'after', 'delta', 'instruction'], rows, [
      false,
      true,
      true,
      true,
      false
    ])
  )
  if (!c.content && c.paths.length > 0) {
    out.push('', 'What grew')
    for (const p of c.paths)
      out.push(`  ${formatDelta(p.delta).padStart(10)}  ${p.change.padEnd(7)} ${clean(p.path)}`)
  }
  const fresh = r.report.hints.filter(h => h.new)
  if (fresh.length > 0)
    out.push('', ...hintsSection(fresh).map((l, i) => (i === 0 ? 'New hints' : l)))
  if (c.hints.resolved.length > 0)
    out.push('', `Resolved hints: ${c.hints.resolved.map(h => h.id).join(', ')}`)
  return out.join('\n') + '\n'
}

/** "What changed" (see render/sections/changed.ts): leads, then directories and files. */
function changedLines(c: Comparison): string[] {
  if (!c.content || !c.leads) {
    return c.contentNote ? ['', `  Package and directory detail: ${c.contentNote}.`] : []
  }
  const out = ['', 'What changed']
  for (const l of c.leads.rows) {
    const what =
      l.kind === 'package'
        ? `${l.change.name} (${l.change.ecosystem}${versionPlain(l.change) ? ` ${versionPlain(l.change)}` : ''})`
        : l.kind === 'unowned'
          ? `${l.change.path} (files no package owns)`
          : 'hidden by later layers'
    const kind = l.kind === 'hidden' ? (l.delta > 0 ? 'grew' : 'shrank') : l.change.change
    out.push(`  ${formatDelta(l.delta).padStart(10)}  ${kind.padEnd(8)} ${clean(what)}`)
  }
  if (c.leads.rest) {
    out.push(
      `  ${formatDelta(c.leads.rest.delta).padStart(10)}  ${c.leads.rest.changes} more changes (--json)`
    )
  }
  out.push(`  (${explainedPlain(c.leads, c.total.delta)})`)
  for (const [title, list] of [
    ['Directories', c.content.dirs],
    ['Files', c.content.files]
  ] as const) {
    if (list.length === 0) continue
    out.push('', `${title} (final filesystem)`)
    for (const p of list.slice(0, CHANGED_PATHS)) {
      out.push(`  ${formatDelta(p.delta).padStart(10)}  ${p.change.padEnd(8)} ${clean(p.path)}`)
    }
    if (list.length > CHANGED_PATHS) out.push(`  … ${list.length - CHANGED_PATHS} more (--json)`)
  }
  return out
}
