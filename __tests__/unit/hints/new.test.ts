import { describe, expect, it } from '@jest/globals'
import { hintKey, markNewHints } from '../../../src/analysis/hints/index.js'
import type { Hint } from '../../../src/analysis/report.js'

function hint(id: string, instruction?: string, bytes = 5_000_000): Hint {
  return {
    id,
    severity: 'warning',
    title: id,
    bytes,
    layers: [3],
    layer: 3,
    ...(instruction ? { instruction } : {}),
    paths: [],
    fix: 'fix'
  }
}

describe('markNewHints', () => {
  it('leaves `new` out when there is no baseline', () => {
    const marked = markNewHints([{ ...hint('apt-lists'), new: true }], undefined)
    expect(marked[0]).not.toHaveProperty('new')
  })

  it('identifies catalog hints by id alone: a grown cache or an edited RUN is not new', () => {
    const baseline = [hint('pip-cache', 'RUN pip install -r requirements.txt', 10_000_000)]
    const current = [
      hint('pip-cache', 'RUN pip install -r requirements.txt flask', 60_000_000),
      hint('apt-lists', 'RUN apt-get update')
    ]
    expect(markNewHints(current, baseline).map(h => [h.id, h.new])).toEqual([
      ['pip-cache', false],
      ['apt-lists', true]
    ])
  })

  it('identifies per-layer structural hints by id and instruction', () => {
    const baseline = [hint('deleted-later', 'RUN rm -rf /var/lib/apt/lists')]
    const current = [
      hint('deleted-later', 'RUN  rm -rf   /var/lib/apt/lists'),
      hint('deleted-later', 'RUN rm /big'),
      hint('package-db-churn', 'RUN apt-get install -y git')
    ]
    expect(markNewHints(current, baseline).map(h => h.new)).toEqual([false, true, true])
  })

  it('marks everything new against an empty baseline, and does not mutate its input', () => {
    const current = [hint('docs')]
    expect(markNewHints(current, [])[0].new).toBe(true)
    expect(current[0]).not.toHaveProperty('new')
  })

  it('keys', () => {
    expect(hintKey(hint('docs', 'RUN x'))).toBe('docs')
    expect(hintKey(hint('overwritten', 'RUN  x'))).toBe('overwritten\u0000RUN x')
  })
})
