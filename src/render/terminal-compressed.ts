// The CLI's text for the fast registry read (`analyze --fast docker://…`): per platform, the
// compressed size in total and per layer. Pure.

import type { CompressedSummary } from '../analysis/compressed.js'
import { formatBytes } from '../units.js'
import { clean, truncate } from './terminal.js'

const INSTRUCTION_WIDTH = 70

export function renderCompressedTerminal(s: CompressedSummary): string {
  const out = [
    `${clean(s.reference)}  (${s.digest})`,
    `  platforms: ${s.platforms.map(clean).join(', ')}`
  ]
  for (const img of s.images) {
    out.push('')
    out.push(
      `${clean(img.platform)}: ${formatBytes(img.compressedBytes)} compressed in ${img.layers.length} layers (manifest ${img.manifestDigest})`
    )
    const size = img.layers.map(l => formatBytes(l.compressedBytes))
    const width = Math.max('compressed'.length, ...size.map(x => x.length))
    const index = Math.max(1, String(img.layers.length - 1).length)
    out.push(`  ${'#'.padStart(index)}  ${'compressed'.padStart(width)}  instruction`)
    img.layers.forEach((l, i) =>
      out.push(
        `  ${String(l.index).padStart(index)}  ${size[i].padStart(width)}  ${truncate(l.createdBy, INSTRUCTION_WIDTH)}`
      )
    )
  }
  out.push(
    '',
    'Fast mode: sizes from the manifests; no layer was downloaded (no file sizes, waste or hints).'
  )
  return out.join('\n') + '\n'
}
