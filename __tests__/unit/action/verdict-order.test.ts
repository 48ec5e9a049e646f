// One verdict order: for every pair of images' verdicts, the `verdict` output and the
// comment's title name the same overall verdict (v1 had two orders, and they disagreed on
// `warn` beside `accepted`).

import { describe, expect, it, jest } from '@jest/globals'
import * as core from '../../../__fixtures__/core.js'
import type { Verdict } from '../../../src/diff/verdict.js'
import { makeReport } from '../../support/reports.js'
import { CTX, imageResult, MB } from '../../support/results.js'
import type { ImageResult } from '../../../src/diff/result.js'

jest.unstable_mockModule('@actions/core', () => core)
const { setOutputs } = await import('../../../src/action/publish.js')
const { renderComment } = await import('../../../src/render/markdown.js')
const { VERDICT_ICONS } = await import('../../../src/diff/verdict.js')
const { VERDICT_WORDS } = await import('../../../src/render/sections/format.js')

/** Most serious first, written out here rather than derived from the code under test. */
const SERIOUS: Verdict[] = ['fail', 'warn', 'accepted', 'pass', 'no-baseline']

function withVerdict(name: string, verdict: Verdict): ImageResult {
  const r = imageResult({ name, after: makeReport([{ createdBy: 'RUN x', bytes: MB }]) })
  return { ...r, verdict: { verdict, reasons: [] } }
}

function title(results: ImageResult[]): string {
  return renderComment(results, CTX, { maxLength: 65536 }).body.split('\n')[2]
}

const pairs = SERIOUS.flatMap(a => SERIOUS.map(b => [a, b] as const))

describe('the overall verdict', () => {
  it.each(pairs)('%s beside %s: the output and the title agree', (a, b) => {
    const expected = SERIOUS[Math.min(SERIOUS.indexOf(a), SERIOUS.indexOf(b))]
    const results = [withVerdict('api', a), withVerdict('web', b)]
    setOutputs(results, '/tmp/report.json')
    expect(core.outputs().verdict).toBe(expected)
    const heading = title(results)
    expect(heading.startsWith(`### ${VERDICT_ICONS[expected]} Image size: `)).toBe(true)
    // The tally names the most serious first.
    expect(heading).toMatch(new RegExp(`Image size: [12] ${VERDICT_WORDS[expected]}(,|$)`))
  })

  it.each(SERIOUS)('one image, %s: the output and the title agree', v => {
    const results = [withVerdict('api', v)]
    setOutputs(results, '/tmp/report.json')
    expect(core.outputs().verdict).toBe(v)
    expect(title(results)).toBe(`### ${VERDICT_ICONS[v]} Image size: ${VERDICT_WORDS[v]}`)
  })
})
