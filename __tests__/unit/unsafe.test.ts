// src/unsafe.ts: logSafeJson (neutraliseCommands and logText are tested through the action's
// log, __tests__/unit/action/log.test.ts).

import { describe, expect, it } from '@jest/globals'
import { logSafeJson } from '../../src/unsafe.js'

describe('logSafeJson', () => {
  const value = {
    '##[error]key': [
      '##[warning]a',
      'b##[group]',
      '\\##[x',
      '###[y',
      '::error::z',
      'line\n::add-mask::s'
    ],
    n: 1,
    plain: 'no command here'
  }

  it('parses back to the same value', () => {
    expect(JSON.parse(logSafeJson(value))).toEqual(value)
  })

  it('has no line a runner reads as a workflow command', () => {
    const out = logSafeJson(value)
    expect(out).toContain('#\\u0023[error]key')
    for (const line of out.split(/\r\n|\r|\n/)) {
      expect(line).not.toContain('##[')
      expect(line.trimStart().startsWith('::')).toBe(false)
    }
  })

  it('leaves JSON without ##[ as JSON.stringify writes it', () => {
    const plain = { a: [1, 'x: y'], b: { c: null } }
    expect(logSafeJson(plain)).toBe(JSON.stringify(plain, null, 2))
  })
})
