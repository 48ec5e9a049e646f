import { describe, expect, it } from '@jest/globals'
import {
  COMMENT_MAX,
  renderComment,
  renderSummary,
  SUMMARY_MAX_BYTES
} from '../../../src/render/markdown.js'
import { CTX, hugeResult, MARKER } from '../../support/results.js'
import { expectWellFormed, occurrences } from './check.js'
import {
  EVIL,
  failResult,
  hostileResult,
  manyLayersResult,
  passResult,
  trendResult
} from './fixtures.js'
import type { ImageResult } from '../../../src/diff/result.js'

const NOTE =
  /> ✂️ <b>Trimmed to fit GitHub's comment limit:<\/b> .*\. The full report is in the job summary and the report file\./

/** About 1 MB of hostile file names over 10,000 layers (100 characters each). */
const hostileName = (l: number, p: number) =>
  `${Object.values(EVIL)[(l + p) % 8]}/${l}-${p}-${'x'.repeat(40)}`

function fullLength(results: ImageResult[]): number {
  return renderComment(results, CTX, { maxLength: Infinity }).body.length
}

describe('comment budget', () => {
  it('10,000 layers with 1 MB of hostile file names fit in 65,536 characters, with the note', () => {
    const huge = hugeResult(10_000, 1, hostileName)
    const names = huge.comparison?.layers.reduce(
      (n, l) => n + l.createdBy.length + (l.paths[0]?.path.length ?? 0),
      0
    )
    expect(names).toBeGreaterThan(1_000_000)
    const { body, truncated } = renderComment([huge], CTX, { maxLength: COMMENT_MAX })
    expect(body.length).toBeLessThanOrEqual(COMMENT_MAX)
    expect(body).toMatch(NOTE)
    expectWellFormed(body, MARKER)
    expect(truncated).toContain('unchanged layers')
    expect(truncated).toContain('what grew')
    expect(truncated).toContain('layer rows beyond the 25 largest changes')
    expect(body).toContain('… and 6,642 more changed layers not shown.')
    // The must-keep parts survive: headline, verdict, the footer.
    expect(body).toContain('### ❌ Image size: failed')
    expect(body).toContain('❌ <b>Fails:</b>')
    expect(body).toContain('add the label <code>image-size-accepted</code>')
  })

  it('huge file lists: the job summary is bounded by its own limit', () => {
    const huge = hugeResult(10_000, 10, hostileName)
    const summary = renderSummary([huge], CTX)
    expect(Buffer.byteLength(summary, 'utf8')).toBeLessThanOrEqual(SUMMARY_MAX_BYTES)
    expect(summary).toContain("Trimmed to fit the job summary's size limit")
    expect(summary).toContain('The full report is in the report file.')
    expectWellFormed(summary)
  })

  it('cuts the least important sections first and says what it cut', () => {
    const r = trendResult()
    const full = fullLength([r])
    const first = renderComment([r], CTX, { maxLength: full - 1 })
    expect(first.truncated).toEqual(['full instruction texts'])
    expect(first.body).not.toContain('Full instructions')
    expect(first.body).toContain('```mermaid')
    const second = renderComment([r], CTX, { maxLength: first.body.length - 50 })
    expect(second.truncated).toEqual(['full instruction texts', 'trend chart'])
    expect(second.body).not.toContain('mermaid')
    expect(second.body).toContain(
      "Trimmed to fit GitHub's comment limit:</b> full instruction texts; trend chart."
    )
  })

  it('multi-image: passing images lose their details first, the failing one keeps its own', () => {
    const ok = { ...manyLayersResult(), name: 'shop-web' }
    const bad = failResult()
    const full = fullLength([ok, bad])
    const { body, truncated } = renderComment([ok, bad], CTX, { maxLength: full - 1 })
    expect(truncated).toEqual(['per-image details (shop-web)'])
    expect(body).toContain('| ✅ | <b><code>shop-web</code></b>')
    expect(body).not.toContain('<summary>✅')
    expect(body).toContain('<details open><summary>❌ <b><code>shop-api</code></b>')
    expect(body).toContain('per-image details (<code>shop-web</code>)')
    expectWellFormed(body, MARKER)
  })

  it('the cut list only grows as the limit shrinks', () => {
    const results = [{ ...passResult(), name: 'shop-web' }, failResult(), hostileResult()]
    let previous: string[] = []
    for (let max = fullLength(results); max > 2000; max -= 1500) {
      const { body, truncated } = renderComment(results, CTX, { maxLength: max })
      expect(body.length).toBeLessThanOrEqual(max)
      expectWellFormed(body, MARKER)
      for (const cut of previous) expect(truncated).toContain(cut)
      previous = truncated
    }
    expect(previous).toContain('per-image details (shop-web)')
  })

  it.each([120, 400, 1000, 3000, 8000])(
    'always within the limit, even a tiny one (%i), and still well-formed',
    max => {
      const results = [failResult(), hostileResult(), hugeResult(300, 3, hostileName)]
      const { body, truncated } = renderComment(results, CTX, { maxLength: max })
      expect(body.length).toBeLessThanOrEqual(max)
      expect(truncated).toContain('the end of the report')
      if (max >= 1000) expect(body).toContain('Trimmed to fit')
      if (body.length > 0) expectWellFormed(body, MARKER)
    }
  )

  it('a hard cut closes every open <details> and keeps the note and the footer', () => {
    const { body, truncated } = renderComment([hugeResult(3000, 3, hostileName)], CTX, {
      maxLength: 6000
    })
    expect(truncated[truncated.length - 1]).toBe('the end of the report')
    expect(body.length).toBeLessThanOrEqual(6000)
    expect(body).toMatch(
      /the end of the report\. The full report is in the job summary and the report file\./
    )
    expect(body).toContain('To accept an intended increase')
    expect(occurrences(body, '<details')).toBe(occurrences(body, '</details>'))
    expectWellFormed(body, MARKER)
  })

  it('does not cut what fits', () => {
    const { truncated, body } = renderComment([failResult()], CTX, { maxLength: COMMENT_MAX })
    expect(truncated).toEqual([])
    expect(body).not.toContain('Trimmed')
  })
})
