// The CLI's readable report: layers table, largest files, waste, hints. Pure: report in,
// text out (no colours; terminals and CI logs both read it).

import type { Hint, LayerSummary, PathSize, Report } from '../analysis/report.js'
import { formatBytes } from '../units.js'

const INSTRUCTION_WIDTH = 70

export function renderTerminal(report: Report): string {
  const img = report.image
  const out: string[] = []
  out.push(`${img.reference ?? img.id}  (${img.platform}, ${img.source.layout} ${img.source.kind})`)
  out.push(`  id ${img.id}`)
  out.push(
    `  size ${formatBytes(img.totalBytes)} in ${img.layers.length} layers, ${img.fileCount} files${compressed(report)}`
  )
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
      `${i.path}${i.files > 1 ? ` (${i.files} files)` : ''}`
    ])
  return [...lines, ...table(['bytes', 'kind', 'layers', 'path'], top, [true, false, false, false])]
}

function hintsSection(hints: Hint[]): string[] {
  const lines = ['Hints']
  for (const h of hints) {
    const where = h.dockerfileLine ? ` (${h.dockerfile ?? 'Dockerfile'}:${h.dockerfileLine})` : ''
    lines.push(`  [${h.severity}] ${h.id}: ${h.title} — ${formatBytes(h.bytes)}${where}`)
    if (h.instruction) lines.push(`      in: ${truncate(h.instruction, INSTRUCTION_WIDTH)}`)
    lines.push(`      fix: ${h.fix}`)
  }
  return lines
}

function pathRows(paths: PathSize[]): string[] {
  return paths.map(p => `  ${formatBytes(p.bytes).padStart(9)}  ${p.path}`)
}

export function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`
}

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
