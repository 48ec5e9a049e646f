// The job summary of the fast registry read (`registry-read: fast`): per image and platform,
// the compressed size and each layer's. Pure; text from the image is escaped.

import type { CompressedSummary } from '../analysis/compressed.js'
import { formatBytes } from '../units.js'
import { code, text } from './escape.js'

export interface NamedSummary {
  name: string
  summary: CompressedSummary
  /** Reasons the image failed its max-size (compared with the compressed size). */
  failures: string[]
}

export function renderCompressedMarkdown(images: NamedSummary[]): string {
  const out = ['## Image size (fast registry read: compressed sizes)', '']
  out.push('| image | platform | compressed | layers | |', '|---|---|---:|---:|---|')
  for (const { name, summary, failures } of images) {
    for (const img of summary.images) {
      const failed = failures.some(f => f.includes(img.platform))
      out.push(
        `| ${code(name, 100)} | ${text(img.platform, 40)} | ${formatBytes(img.compressedBytes)} | ${img.layers.length} | ${failed ? '❌ over max-size' : '✅'} |`
      )
    }
  }
  for (const { name, summary } of images) {
    for (const img of summary.images) {
      out.push(
        '',
        `<details><summary>${code(name, 100)} ${text(img.platform, 40)}: layers</summary>`,
        ''
      )
      out.push('| # | compressed | instruction |', '|---:|---:|---|')
      for (const l of img.layers)
        out.push(`| ${l.index} | ${formatBytes(l.compressedBytes)} | ${code(l.createdBy, 200)} |`)
      out.push('', '</details>')
    }
  }
  out.push(
    '',
    'Read from the manifests and configs only: no layer was downloaded, so file sizes, waste and hints are not known. `registry-read: full` (the default) gives the whole report.'
  )
  return out.join('\n') + '\n'
}
