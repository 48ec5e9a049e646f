// The stored baseline carries the content index within its budget: under 256 KiB compressed
// for a 200k-file image (docs/report-schema.md, "Content index").

import { describe, expect, it } from '@jest/globals'
import { gzipSync } from 'node:zlib'
import { analyzeImage } from '../../../src/analysis/analyze.js'
import { buildContentIndex, INDEX_BOUNDS } from '../../../src/analysis/content-index.js'
import type { LayerContents } from '../../../src/analysis/hints/content.js'
import { stackLayers } from '../../../src/analysis/stack.js'
import { parseBaseline, serializeBaseline, toBaseline } from '../../../src/baseline/schema.js'
import type { LayerRead } from '../../../src/image/types.js'
import { entry, image, type EntrySpec } from '../../support/layers.js'

const FILES = 200_000

/** A large, varied tree: 800 dpkg packages, 3,500 npm packages, app files. */
function bigImage(): { specs: EntrySpec[][]; contents: LayerContents } {
  const os: EntrySpec[] = []
  const texts = new Map<string, Uint8Array>()
  const enc = (s: string) => new TextEncoder().encode(s)
  const stanzas: string[] = []
  let n = 0
  for (let p = 0; p < 800; p++) {
    const name = `lib-package-number-${p}-dev`
    const list: string[] = []
    for (let f = 0; f < 100; f++, n++) {
      const path = `usr/lib/x86_64-linux-gnu/${name}/sub${f % 7}/file-${f}.so`
      os.push({ path, size: 1000 + ((n * 7919) % 900_000) })
      list.push(`/${path}`)
    }
    stanzas.push(`Package: ${name}\nStatus: install ok installed\nVersion: 1.${p}.0-1+deb12u1\n`)
    texts.set(`var/lib/dpkg/info/${name}.list`, enc(list.join('\n')))
  }
  texts.set('var/lib/dpkg/status', enc(stanzas.join('\n')))
  const app: EntrySpec[] = []
  for (let p = 0; n < FILES; p++) {
    const dir = `app/node_modules/${p % 10 === 0 ? `@scope${p}/` : ''}pkg-${p}`
    texts.set(`${dir}/package.json`, enc(JSON.stringify({ name: `pkg-${p}`, version: '1.0.0' })))
    for (let f = 0; f < 35 && n < FILES; f++, n++) {
      app.push({ path: `${dir}/lib/part${f % 5}/m${f}.js`, size: 100 + ((n * 104729) % 50_000) })
    }
  }
  const specs = [os, app]
  for (const [path, data] of texts) specs[1].push({ path, size: data.length })
  return { specs, contents: new Map([[1, texts]]) }
}

function readOf(specs: EntrySpec[]): LayerRead {
  const entries = specs.map(entry)
  const bytes = entries.reduce((n, e) => n + e.size, 0)
  return { entries, tarBytes: bytes, blobBytes: bytes, compression: 'none' }
}

describe('the stored baseline with a content index', () => {
  it(`stays under 256 KiB compressed for a ${FILES}-file image, and reads back`, () => {
    const { specs, contents } = bigImage()
    const reads = specs.map(readOf)
    const analysis = analyzeImage(image(reads), { toolVersion: '0.1.0' })
    const stack = stackLayers(reads)
    analysis.report.content = buildContentIndex(stack.live, contents)
    const content = analysis.report.content
    expect(analysis.report.image.fileCount).toBeGreaterThanOrEqual(FILES)
    expect(content.packages.length).toBe(INDEX_BOUNDS.packages)
    expect(content.omitted?.packages).toBeGreaterThan(0)
    const text = serializeBaseline(
      toBaseline(analysis.report, {
        name: 'big',
        platform: 'linux/amd64',
        sha: 'b'.repeat(40),
        branch: 'main'
      })
    )
    const gz = gzipSync(text).length
    expect(gz).toBeLessThan(256 * 1024)
    const back = parseBaseline(text, 'big.json')
    expect(back.report.content).toEqual(JSON.parse(JSON.stringify(content)))
  }, 60_000)
})
