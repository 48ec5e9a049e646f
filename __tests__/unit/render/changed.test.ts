import { describe, expect, it } from '@jest/globals'
import type { ContentIndex, PackageInfo } from '../../../src/analysis/report.js'
import { NO_BASELINE_INDEX } from '../../../src/diff/compare.js'
import { renderComment } from '../../../src/render/markdown.js'
import { renderComparisonTerminal } from '../../../src/render/terminal.js'
import { makeReport } from '../../support/reports.js'
import { CTX, imageResult, MB } from '../../support/results.js'

const dpkg = (name: string, version: string, bytes: number, layer = 1): PackageInfo => ({
  ecosystem: 'dpkg',
  name,
  version,
  layer,
  bytes,
  files: 10
})

function index(packages: PackageInfo[], unowned: number, dirs: ContentIndex['dirs']): ContentIndex {
  const owned = packages.reduce((n, p) => n + p.bytes, 0)
  return {
    liveBytes: owned + unowned,
    ecosystems: ['dpkg'],
    packages,
    unowned: [{ path: '/app', bytes: unowned, files: 3 }],
    dirs,
    dirCut: 0,
    files: [{ path: '/usr/bin/python3.11', bytes: 6 * MB }],
    fileCut: 0,
    warnings: []
  }
}

const python = dpkg('python3.11', '3.11.2-6', 6 * MB, 0)

function results(opts: { beforeIndex?: boolean; baseUnknown?: boolean } = {}) {
  const before = makeReport(
    [
      { createdBy: 'FROM python:3.11', bytes: 100 * MB, base: true },
      { createdBy: 'COPY . /app', bytes: 10 * MB, diffId: 'app-v1' }
    ],
    opts.beforeIndex === false
      ? {}
      : { content: index([python], 104 * MB, [{ path: '/', bytes: 110 * MB, files: 100 }]) }
  )
  if (opts.baseUnknown) {
    before.image.baseSource = 'unknown'
    before.image.baseLayers = 0
    before.image.layers[0].base = false
  }
  const after = makeReport(
    [
      { createdBy: 'FROM python:3.11', bytes: 100 * MB, base: true },
      // same size, new DiffID: not a change
      { createdBy: 'COPY . /app', bytes: 10 * MB, diffId: 'app-v2' },
      { createdBy: 'RUN apt-get install -y gcc-12', bytes: 60 * MB }
    ],
    {
      content: index([dpkg('gcc-12', '12.2.0-14', 58 * MB), python], 106 * MB, [
        { path: '/', bytes: 170 * MB, files: 200 },
        { path: '/usr/lib/gcc', bytes: 50 * MB, files: 40 }
      ])
    }
  )
  return imageResult({ before, after })
}

describe('What changed', () => {
  it('leads the comment with the package and file changes and says how much they explain', () => {
    const { body } = renderComment([results()], CTX, { maxLength: 65536 })
    const at = body.indexOf('#### What changed')
    expect(at).toBeGreaterThan(0)
    expect(at).toBeLessThan(body.indexOf('Changed layers'))
    expect(body).toMatch(
      /\| added \| <code>gcc-12<\/code> <sub>dpkg &#49;2\.2\.0-14<\/sub> \| – \| 58\.0 MB \| \+58\.0 MB \|/
    )
    expect(body).toMatch(/\| grew \| <code>\/app<\/code> <sub>files no package owns<\/sub> \|/)
    expect(body).toContain('These changes explain 100% of the +60.0 MB delta.')
    expect(body).toContain('<code>/usr/lib/gcc</code> | added')
    expect(body).not.toContain('python3.11</code> | added')
    // The old per-layer "What grew" tables are gone when the content diff is there.
    expect(body).not.toContain('What grew (top paths')
  })

  it('does not call a layer with a new DiffID but the same size changed', () => {
    const r = results()
    expect(r.comparison?.layers.map(l => l.status)).toEqual(['unchanged', 'unchanged', 'added'])
  })

  it('says when the baseline has no index yet', () => {
    const r = results({ beforeIndex: false })
    expect(r.comparison?.contentNote).toBe(NO_BASELINE_INDEX)
    const { body } = renderComment([r], CTX, { maxLength: 65536 })
    expect(body).toContain('that detail starts with the next recorded baseline')
    expect(body).not.toContain('#### What changed')
  })

  it('does not invent a base image change when the baseline’s base is unknown', () => {
    const r = results({ baseUnknown: true })
    const { body } = renderComment([r], CTX, { maxLength: 65536 })
    expect(body).not.toMatch(/base image changed/)
    expect(body).toContain('split unknown for the baseline')
    expect(renderComparisonTerminal(r)).toContain('split unknown for the baseline')
  })

  it('prints the same in the terminal', () => {
    const out = renderComparisonTerminal(results())
    expect(out).toContain('What changed')
    expect(out).toMatch(/\+58\.0 MB {2}added {4}gcc-12 \(dpkg 12\.2\.0-14\)/)
    expect(out).toContain('(these changes explain 100% of the +60.0 MB delta)')
    expect(out).toContain('Directories (final filesystem)')
  })
})
