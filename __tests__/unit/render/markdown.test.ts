import { describe, expect, it } from '@jest/globals'
import {
  COMMENT_MAX,
  renderComment,
  renderMarkdownReport,
  renderSummary
} from '../../../src/render/markdown.js'
import { CTX, MARKER } from '../../support/results.js'
import { decode, expectWellFormed, occurrences, outsideCode } from './check.js'
import {
  acceptedResult,
  baseChangeResult,
  EVIL,
  failResult,
  hostileResult,
  manyLayersResult,
  noBaselineResult,
  passResult,
  trendResult,
  warnResult
} from './fixtures.js'
import type { ImageResult } from '../../../src/diff/result.js'

const OPTS = { maxLength: COMMENT_MAX }

function comment(...results: ImageResult[]): string {
  const { body, truncated } = renderComment(results, CTX, OPTS)
  expect(truncated).toEqual([])
  expectWellFormed(body, MARKER)
  expect(body.length).toBeLessThanOrEqual(COMMENT_MAX)
  return body
}

describe('renderComment', () => {
  it('pass: a quiet headline, no accept instructions', () => {
    const body = comment(passResult())
    expect(body).toMatchSnapshot()
    expect(body).toContain('### ✅ Image size: passed')
    expect(body).toContain('<b>150 MB → 151 MB (+1.00 MB, +0.7%)</b>')
    expect(body).toContain('Compared with <code>main&#64;abc1234</code> (stored)')
    expect(body).toContain('build 195 s → 190 s')
    expect(body).not.toContain('Fails')
    expect(body).not.toContain('add the label')
    expect(body).toContain('Thresholds: <code>max-increase&#58; 10% &amp; 25MB</code>')
  })

  it('warn: the reason is shown', () => {
    const body = comment(warnResult())
    expect(body).toMatchSnapshot()
    expect(body).toContain('### ⚠️ Image size: warning')
    expect(body).toContain('⚠️ <b>Warning:</b>')
    expect(body).toContain('over warn-increase 5%')
    expect(body).not.toContain('add the label')
  })

  it('fail: reasons, changed layers linked to lines, what grew, new hints first', () => {
    const body = comment(failResult())
    expect(body).toMatchSnapshot()
    expect(body).toContain('### ❌ Image size: failed')
    expect(body).toContain('compressed (estimated) 48.0 MB → 61.0 MB (+13.0 MB, +27%)')
    expect(body).toContain('build 195 s → 100 s')
    expect(body).toContain('over max-increase 10% &amp; 25MB')
    expect(body).toContain('new hint build-tools (error, 180 MB) fails by fail-on-hints')
    expect(body).toContain(
      '<a href="https://github.com/acme/shop/blob/0123456789abcdef0123456789abcdef01234567/docker/api/Dockerfile#L8">'
    )
    expect(body).toContain('| ➕ added |')
    expect(body).toContain('<details><summary>What grew')
    expect(body.indexOf('<b>New hints</b> (2, 204 MB to save)')).toBeGreaterThan(0)
    expect(body.indexOf('<b>New hints</b>')).toBeLessThan(body.indexOf('<b>Existing hints</b>'))
    expect(body.indexOf('compilers in the final image')).toBeLessThan(
      body.indexOf('pip cache left')
    )
    expect(body).toContain('fix: add <code>--no-cache-dir</code> to <code>pip install</code>')
    expect(body).toContain(
      'add the label <code>image-size-accepted</code> — it counts only when added by someone with write access'
    )
    expect(body).toContain(
      '<a href="https://github.com/acme/shop/actions/runs/42">workflow run</a>'
    )
  })

  it('accepted: says who accepted it', () => {
    const body = comment(acceptedResult())
    expect(body).toMatchSnapshot()
    expect(body).toContain('### ☑️ Image size: accepted')
    expect(body).toContain(
      '<b>Accepted</b> by <code>octo-maintainer</code> with the label <code>image-size-accepted</code>'
    )
    expect(body).toContain('<sub>Accepted by <code>octo-maintainer</code>')
    expect(body).not.toContain('To accept an intended increase')
  })

  it('no baseline: size only, layers with sizes, every hint, none new', () => {
    const body = comment(noBaselineResult())
    expect(body).toMatchSnapshot()
    expect(body).toContain('### 🆕 Image size: no baseline yet')
    expect(body).toContain(
      "No baseline yet — this run's size becomes one when it is recorded on the default branch."
    )
    expect(body).toContain('<b>151 MB</b>')
    expect(body).toContain('| Instruction | Size |')
    expect(body).not.toContain('| Before |')
    expect(body).toContain('<b>Hints</b> (2, 26.0 MB to save)')
    expect(body).not.toContain('New hints')
    expect(body).not.toContain('Compared with')
  })

  it('base image change: shown apart from the PR’s own growth', () => {
    const body = comment(baseChangeResult())
    expect(body).toMatchSnapshot()
    expect(body).toContain('(nearest stored: 3 commits earlier)')
    expect(body).toContain('base image changed: 7.00 MB → 9.00 MB (+2.00 MB, +29%)')
    expect(body).toContain('your layers +3.00 MB (+2.1%)')
    expect(body).toContain('<details><summary>Base image layers (2 changes, +2.00 MB)</summary>')
    const own = body.slice(body.indexOf('<b>Changed layers</b>'), body.indexOf('Base image layers'))
    expect(own).not.toContain('alpine-minirootfs')
  })

  it('many layers: unchanged ones collapse', () => {
    const body = comment(manyLayersResult())
    expect(body).toMatchSnapshot()
    expect(body).toContain('(rebuilt)')
    expect(body).toContain('<details open><summary><b>Changed layers</b> (1, +4.00 MB)</summary>')
    expect(body).toContain('<details><summary>Unchanged layers (38, 103 MB)</summary>')
    expect(body).toContain('<details><summary>Full instructions (1)</summary>')
  })

  it('trend: a mermaid chart of the stored sizes and the PR', () => {
    const body = comment(trendResult())
    expect(body).toMatchSnapshot()
    expect(body).toContain(
      '<details><summary>Size trend on <code>main</code> (6 recorded commits and this PR)</summary>'
    )
    expect(body).toContain('```mermaid\nxychart-beta')
    expect(body).toContain('line [150, 151, 152, 153, 154, 155, 151]')
  })

  it('multi-image: a summary table, then one section per image, open when it fails', () => {
    const ok = { ...passResult(), name: 'shop-web' }
    const body = comment(ok, failResult())
    expect(body).toMatchSnapshot()
    expect(body).toContain('### ❌ Image size: 1 failed, 1 passed')
    expect(body.indexOf('| Image |')).toBeLessThan(body.indexOf('<details'))
    expect(body).toContain(
      '| ✅ | <b><code>shop-web</code></b> <sub>linux/amd64</sub> | 150 MB | 151 MB | +1.00 MB (+0.7%) | passed |'
    )
    expect(body).toContain(
      '<details><summary>✅ <b><code>shop-web</code></b> <sub>linux/amd64</sub>: passed</summary>'
    )
    expect(body).toContain(
      '<details open><summary>❌ <b><code>shop-api</code></b> <sub>linux/amd64</sub>: failed</summary>'
    )
    expect(occurrences(body, '### ')).toBe(1)
    expect(occurrences(body, 'To accept an intended increase')).toBe(1)
  })

  it('no images: still a valid comment with the marker', () => {
    const { body } = renderComment([], CTX, OPTS)
    expectWellFormed(body, MARKER)
  })
})

describe('hostile input', () => {
  const body = comment(hostileResult())

  it('renders as text: no tag, comment, link or ping escapes', () => {
    expect(body).toMatchSnapshot()
    expect(body).not.toMatch(/<img/i)
    expect(body).not.toContain('javascript:')
    expect(occurrences(body, '<!--')).toBe(1)
    expect(outsideCode(body)).not.toContain('@org')
    expect(decode(outsideCode(body))).not.toMatch(/@org/)
  })

  it('prints no hostile value raw', () => {
    for (const value of [EVIL.html, EVIL.team, EVIL.link, EVIL.bidi, EVIL.pipes, EVIL.heading]) {
      expect(body).not.toContain(value)
    }
    expect(occurrences(body, EVIL.marker)).toBe(1)
  })

  it('keeps the marker first and unique even when the image name fakes it', () => {
    expect(body.startsWith(`${MARKER}\n`)).toBe(true)
    expect(occurrences(body, MARKER)).toBe(1)
    expect(body).toContain('&lt;!-- image-size-guard --&gt;')
  })

  it('links nothing built from a bad sha or path', () => {
    expect(body).not.toMatch(/href="[^"]*(\.\.|%2E%2E|<)/)
    expect(body).toContain(
      '<code>&lt;/details&gt;&lt;img src=x onerror=alert(1)&gt;&#96;&#96;&#96;&#64;not-a-sha&quot;&gt;&lt;img src=x&gt;</code>'
    )
  })

  it('keeps table rows intact around pipes and newlines', () => {
    expect(body).toContain('&#124;a&#124;b&#124;')
    expect(body).toContain('x &#35; heading &#58;&#58;set-output')
  })

  it('draws the trend with position labels for shas that are not hex', () => {
    expect(body).toContain('x-axis ["?1", "?2", "PR"]')
  })
})

describe('renderSummary and renderMarkdownReport', () => {
  it('the job summary is the comment without the marker', () => {
    const r = failResult()
    const summary = renderSummary([r], CTX)
    expectWellFormed(summary)
    expect(summary).toBe(comment(r).slice(MARKER.length + 2))
  })

  it('the CLI markdown has no marker, no links, no accept instructions', () => {
    const md = renderMarkdownReport(failResult())
    expect(md).toMatchSnapshot()
    expectWellFormed(md)
    expect(md).not.toContain('<a ')
    expect(md).not.toContain('add the label')
    expect(md).toContain('<code>RUN make assets</code> <sub>L9</sub>')
  })

  it('is deterministic', () => {
    expect(renderComment([failResult()], CTX, OPTS)).toEqual(
      renderComment([failResult()], CTX, OPTS)
    )
  })
})
