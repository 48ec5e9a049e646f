import { describe, expect, it } from '@jest/globals'
import { compareReports, pathChanges } from '../../../src/diff/compare.js'
import { hint, makeReport } from '../../support/reports.js'

const MB = 1e6

describe('compareReports', () => {
  const before = makeReport([
    { createdBy: 'ADD file:x in /', bytes: 80 * MB, base: true },
    { createdBy: 'RUN apt-get install -y python3', bytes: 50 * MB },
    { createdBy: 'COPY . /app', bytes: 1 * MB, topFiles: [{ path: '/app/a', bytes: 600_000 }] }
  ])

  it('classifies layers and totals', () => {
    const after = makeReport([
      { createdBy: 'ADD file:x in /', bytes: 80 * MB, base: true },
      { createdBy: 'RUN apt-get install -y python3', bytes: 50 * MB },
      { createdBy: 'RUN pip install -r requirements.txt', bytes: 30 * MB },
      { createdBy: 'COPY . /app', bytes: 2 * MB, topFiles: [{ path: '/app/a', bytes: 1_600_000 }] }
    ])
    const c = compareReports(before, after)
    expect(c.layers.map(l => [l.status, l.delta])).toEqual([
      ['unchanged', 0],
      ['unchanged', 0],
      ['added', 30 * MB],
      ['changed', 1 * MB]
    ])
    expect(c.total).toEqual({ before: 131 * MB, after: 162 * MB, delta: 31 * MB, ratio: 31 / 131 })
    expect(c.baseImage).toEqual({ before: 80 * MB, after: 80 * MB, delta: 0, changed: false })
    expect(c.own.delta).toBe(31 * MB)
    expect(c.layers[3].paths).toEqual([
      { path: '/app/a', before: 600_000, after: 1_600_000, delta: 1_000_000, change: 'grew' }
    ])
  })

  it('separates a moved base image from the PR own growth', () => {
    const after = makeReport([
      { createdBy: 'ADD file:y in /', bytes: 120 * MB, base: true },
      { createdBy: 'RUN apt-get install -y python3', bytes: 50 * MB, diffId: 'rebuilt' },
      { createdBy: 'COPY . /app', bytes: 1 * MB, topFiles: [{ path: '/app/a', bytes: 600_000 }] }
    ])
    const c = compareReports(before, after)
    expect(c.baseImage).toEqual({ before: 80 * MB, after: 120 * MB, delta: 40 * MB, changed: true })
    expect(c.own.delta).toBe(0)
    expect(c.total.delta).toBe(40 * MB)
    expect(c.layers.filter(l => l.base).map(l => l.status)).toEqual(['removed', 'added'])
  })

  it('sorts hints into new, existing and resolved', () => {
    const b = makeReport([{ createdBy: 'RUN a', bytes: 1 }], {
      hints: [hint('apt-lists', 10), hint('docs', 5)]
    })
    const a = makeReport([{ createdBy: 'RUN a', bytes: 1 }], {
      hints: [hint('apt-lists', 12), hint('pip-cache', 7)]
    })
    const c = compareReports(b, a)
    expect(c.hints.new.map(h => h.id)).toEqual(['pip-cache'])
    expect(c.hints.existing.map(h => h.id)).toEqual(['apt-lists'])
    expect(c.hints.resolved.map(h => h.id)).toEqual(['docs'])
  })
})

describe('pathChanges', () => {
  it('does not call a path added when it may have been under the old list cut-off', () => {
    const before = [
      { path: '/a', bytes: 100 },
      { path: '/b', bytes: 50 }
    ]
    const after = [
      { path: '/a', bytes: 100 },
      { path: '/c', bytes: 40 }, // under the old cut-off (50): unknown, not "added"
      { path: '/d', bytes: 70 }
    ]
    expect(pathChanges(before, after)).toEqual([
      { path: '/d', after: 70, delta: 70, change: 'added' },
      { path: '/b', before: 50, delta: -50, change: 'removed' }
    ])
  })

  it('reports removed paths that were large enough to show', () => {
    expect(pathChanges([{ path: '/x', bytes: 500 }], [{ path: '/y', bytes: 10 }])).toEqual([
      { path: '/x', before: 500, delta: -500, change: 'removed' }
    ])
  })
})
