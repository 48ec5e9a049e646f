// The aggregate job's comment: a summary row per image, plus a row per missing matrix leg.

import { describe, expect, it } from '@jest/globals'
import { renderComment, renderSummary } from '../../../src/render/markdown.js'
import type { MissingLeg } from '../../../src/render/model.js'
import { CTX } from '../../support/results.js'
import { expectWellFormed } from './check.js'
import { failResult, passResult } from './fixtures.js'

const missing = (fails: boolean, reason = 'no artifact in this run'): MissingLeg => ({
  leg: 'db',
  reason,
  fails
})

const tableOf = (body: string) =>
  body.slice(body.indexOf('|  | Image |')).split('\n\n')[0].split('\n').slice(2)

describe('missing legs', () => {
  it('adds a row per missing leg and counts it in the title; a failing one turns it red', () => {
    const body = renderComment(
      [passResult()],
      { ...CTX, missing: [missing(true)] },
      {
        maxLength: 65536
      }
    ).body
    expect(body).toMatch(/^### ❌ Image size: 1 passed, 1 missing$/m)
    expect(tableOf(body)).toEqual([
      expect.stringMatching(/^\| ✅ \|/),
      '| ❌ | <code>db</code> (leg) | – | – | – | missing: no artifact in this run |'
    ])
    expectWellFormed(body, CTX.marker)
  })

  it('a listed-only missing leg (fail-on-missing false) leaves the verdict to the images', () => {
    const body = renderSummary([passResult(), failResult()], { ...CTX, missing: [missing(false)] })
    expect(body).toMatch(/^### ❌ Image size: 1 failed, 1 passed, 1 missing$/m)
    expect(tableOf(body)).toHaveLength(3)
    expect(tableOf(body)[2]).toMatch(/^\| ❔ \| <code>db<\/code> \(leg\)/)
  })

  it('only missing legs: a table with just them', () => {
    const body = renderComment([], { ...CTX, missing: [missing(true)] }, { maxLength: 65536 }).body
    expect(body).toMatch(/^### ❌ Image size: 1 missing$/m)
    expect(body).not.toContain('No image was measured')
    expect(tableOf(body)).toHaveLength(1)
  })

  it('escapes the reason (it quotes an artifact a fork controls)', () => {
    const body = renderComment(
      [passResult()],
      { ...CTX, missing: [missing(true, 'bad | name <img src=x> @admin\n# heading')] },
      { maxLength: 65536 }
    ).body
    const row = tableOf(body)[1]
    expect(row.split(' | ')).toHaveLength(6)
    expect(row).not.toContain('<img')
    expect(row).not.toContain('@admin')
    expectWellFormed(body, CTX.marker)
  })
})
