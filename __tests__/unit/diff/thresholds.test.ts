import { describe, expect, it } from '@jest/globals'
import { exceeds, parseIncreaseRule, parseMaxSize } from '../../../src/diff/thresholds.js'

describe('parseIncreaseRule', () => {
  it.each([
    ['10%', { ratio: 0.1, mode: 'all' }],
    ['2.5 %', { ratio: 0.025, mode: 'all' }],
    ['25MB', { bytes: 25_000_000, mode: 'all' }],
    ['25MiB', { bytes: 25 * 2 ** 20, mode: 'all' }],
    ['10% & 25MB', { ratio: 0.1, bytes: 25_000_000, mode: 'all' }],
    ['25MB&10%', { ratio: 0.1, bytes: 25_000_000, mode: 'all' }],
    ['10% | 1GB', { ratio: 0.1, bytes: 1e9, mode: 'any' }]
  ])('%s', (text, expected) => {
    expect(parseIncreaseRule(text, 'max-increase')).toMatchObject({ ...expected, text })
  })

  it('is undefined when empty', () => {
    expect(parseIncreaseRule('  ', 'max-increase')).toBeUndefined()
  })

  it.each([
    ['10 percent', /max-increase.*"10 percent"/],
    ['-5MB', /max-increase.*"-5MB"/],
    ['5 parsecs', /max-increase/],
    ['10% & 20%', /two percentages/],
    ['1MB & 2MB', /two sizes/],
    ['1% & 2MB | 3%', /either & or \|/],
    ['25M', /max-increase.*MB = 10\^6 bytes, MiB = 2\^20 bytes/]
  ])('rejects %s with a message naming the input', (text, message) => {
    expect(() => parseIncreaseRule(text, 'max-increase')).toThrow(message)
  })
})

describe('exceeds', () => {
  const both = parseIncreaseRule('10% & 25MB', 'x')!
  const either = parseIncreaseRule('10% | 25MB', 'x')!
  it.each([
    [both, 30e6, 100e6, true],
    [both, 30e6, 1e9, false], // 3%: only the size is exceeded
    [both, 5e6, 10e6, false], // 50%: only the ratio is exceeded (small image)
    [either, 5e6, 10e6, true],
    [either, 1e6, 100e6, false],
    [parseIncreaseRule('10%', 'x')!, 10e6, 100e6, false], // exactly 10% is not over
    [parseIncreaseRule('10%', 'x')!, 1, 0, true] // growth from nothing
  ])('%#', (rule, delta, base, expected) => {
    expect(exceeds(rule, delta, base)).toBe(expected)
  })
})

describe('parseMaxSize', () => {
  it('parses SI and IEC', () => {
    expect(parseMaxSize('500MB', 'max-size')).toBe(500e6)
    expect(parseMaxSize('1GiB', 'max-size')).toBe(2 ** 30)
    expect(parseMaxSize('', 'max-size')).toBeUndefined()
  })
  it('rejects nonsense', () => {
    expect(() => parseMaxSize('big', 'max-size')).toThrow(/input `max-size`/)
    expect(() => parseMaxSize('0', 'max-size')).toThrow(/max-size/)
  })
})
