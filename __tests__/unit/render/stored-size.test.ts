// The containerd image store's own size (report.image.storedBytes, issue 16): shown beside the
// headline in the comment, the job summary and the terminal, labelled so a user comparing with
// `docker image inspect` sees why the two numbers differ; absent on the classic store.

import { describe, expect, it } from '@jest/globals'
import { COMMENT_MAX, renderComment, renderSummary } from '../../../src/render/markdown.js'
import { renderTerminal } from '../../../src/render/terminal.js'
import { CTX } from '../../support/results.js'
import { passResult } from './fixtures.js'
import type { ImageResult } from '../../../src/diff/result.js'

function onContainerdStore(): ImageResult {
  const r = passResult()
  r.report.image.storedBytes = 61_234_567
  return r
}

const LABEL =
  'stored 61.2 MB <sub>(containerd image store: packed layers, what <code>docker image inspect</code> shows; the size above counts unpacked files)</sub>'

describe('the stored size on the containerd image store', () => {
  it('comment and summary: beside the headline size, labelled', () => {
    const r = onContainerdStore()
    const headline = '<b>150 MB → 151 MB (+1.00 MB, +0.7%)</b>'
    for (const body of [
      renderComment([r], CTX, { maxLength: COMMENT_MAX }).body,
      renderSummary([r], CTX)
    ]) {
      expect(body).toContain(LABEL)
      const line = body.split('\n').find(l => l.includes(LABEL)) ?? ''
      expect(line.indexOf(headline)).toBeGreaterThanOrEqual(0)
      expect(line.indexOf(headline)).toBeLessThan(line.indexOf(LABEL))
    }
  })

  it('terminal: a line under the size, labelled', () => {
    const lines = renderTerminal(onContainerdStore().report).split('\n')
    const size = lines.findIndex(l => l.startsWith('  size '))
    expect(lines[size + 1]).toBe(
      '  stored 61.2 MB in the containerd image store (docker image inspect): packed layers, not the unpacked files counted here'
    )
  })

  it('classic store (no storedBytes): nothing added', () => {
    const r = passResult()
    expect(renderComment([r], CTX, { maxLength: COMMENT_MAX }).body).not.toContain('stored ')
    expect(renderTerminal(r.report)).not.toContain('stored ')
  })
})
