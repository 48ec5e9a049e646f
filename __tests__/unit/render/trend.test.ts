import { describe, expect, it } from '@jest/globals'
import { label, MAX_TREND_POINTS, trendChart } from '../../../src/render/trend.js'
import { MB, trendPoints } from '../../support/results.js'

describe('trendChart', () => {
  it('draws stored points oldest first, then the PR', () => {
    const chart = trendChart(trendPoints(3, 100 * MB), 150 * MB)
    expect(chart).toMatchSnapshot()
    expect(chart.startsWith('```mermaid\nxychart-beta\n')).toBe(true)
    expect(chart.endsWith('\n```')).toBe(true)
    expect(chart).toContain('x-axis ["0000001", "0000002", "0000003", "PR"]')
    expect(chart).toContain('line [100, 101, 102, 150]')
  })

  it('omits the chart below two stored points', () => {
    expect(trendChart([], 1)).toBe('')
    expect(trendChart(trendPoints(1, MB), 2 * MB)).toBe('')
    expect(trendChart(trendPoints(2, MB), 2 * MB)).not.toBe('')
  })

  it('uses the points given, up to a safety cap', () => {
    const chart = trendChart(trendPoints(MAX_TREND_POINTS + 20, MB), MB)
    const labels = /x-axis \[(.*)\]/.exec(chart)?.[1].split(', ') ?? []
    expect(labels.length).toBe(MAX_TREND_POINTS + 1)
    expect(labels[labels.length - 1]).toBe('"PR"')
  })

  it('never puts a non-hex label or a bad number inside the fence', () => {
    const points = [
      { sha: '"]\n```\n<img src=x>', totalBytes: MB },
      { sha: 'ABCDEF0123456789', totalBytes: 2 * MB },
      { sha: 'abc1234', totalBytes: Number.NaN },
      { sha: 'abc1235', totalBytes: -1 },
      { sha: 'abc1236', totalBytes: 3 * MB }
    ]
    const chart = trendChart(points, 4 * MB)
    expect(chart).toContain('x-axis ["?1", "abcdef0", "abc1236", "PR"]')
    expect(chart).toContain('line [1, 2, 3, 4]')
    expect(chart.match(/```/g)?.length).toBe(2)
    expect(chart).not.toContain('<img')
  })

  it('labels by position when the sha is not hex', () => {
    expect(label('main', 4)).toBe('?5')
    expect(label('0123456789abcdef', 0)).toBe('0123456')
  })

  it('rounds to hundredths of a MB', () => {
    expect(trendChart(trendPoints(2, 1_234_567), 9_999)).toContain('line [1.23, 2.23, 0.01]')
  })
})
