import { describe, expect, it } from '@jest/globals'
import { findAcceptance, type Permission } from '../../../src/diff/acceptance.js'
import { compareReports } from '../../../src/diff/compare.js'
import { parseIncreaseRule } from '../../../src/diff/thresholds.js'
import { decideVerdict, type Thresholds } from '../../../src/diff/verdict.js'
import { hint, makeReport } from '../../support/reports.js'

const MB = 1e6
const base = makeReport([
  { createdBy: 'FROM', bytes: 100 * MB, base: true },
  { createdBy: 'RUN app', bytes: 100 * MB }
])
function grown(own: number, baseBytes = 100 * MB) {
  return makeReport([
    { createdBy: 'FROM', bytes: baseBytes, base: true },
    { createdBy: 'RUN app', bytes: 100 * MB + own }
  ])
}
const t = (over: Partial<Thresholds> = {}): Thresholds => ({
  ignoreBaseChange: false,
  failOnHints: [],
  ...over
})

describe('decideVerdict', () => {
  it('passes when nothing is crossed', () => {
    const head = grown(1 * MB)
    expect(
      decideVerdict(
        head,
        compareReports(base, head),
        t({ maxIncrease: parseIncreaseRule('10%', 'm') })
      )
    ).toEqual({
      verdict: 'pass',
      reasons: []
    })
  })

  it('warns, then fails, as growth crosses warn-increase and max-increase', () => {
    const rules = t({
      warnIncrease: parseIncreaseRule('5%', 'w'),
      maxIncrease: parseIncreaseRule('10%', 'm')
    })
    const warn = grown(15 * MB)
    expect(decideVerdict(warn, compareReports(base, warn), rules).verdict).toBe('warn')
    const fail = grown(30 * MB)
    const r = decideVerdict(fail, compareReports(base, fail), rules)
    expect(r.verdict).toBe('fail')
    expect(r.reasons[0]).toMatch(/image grew \+30.0 MB \(\+15%\), over max-increase 10%/)
  })

  it('fails on max-size even without a baseline', () => {
    const head = grown(0)
    expect(decideVerdict(head, undefined, t({ maxSize: 150 * MB })).verdict).toBe('fail')
    expect(decideVerdict(head, undefined, t({ maxSize: 500 * MB })).verdict).toBe('no-baseline')
  })

  it('ignores base image growth with ignore-base-change', () => {
    const head = grown(0, 200 * MB)
    const rules = { maxIncrease: parseIncreaseRule('10%', 'm') }
    expect(decideVerdict(head, compareReports(base, head), t(rules)).verdict).toBe('fail')
    expect(
      decideVerdict(head, compareReports(base, head), t({ ...rules, ignoreBaseChange: true }))
        .verdict
    ).toBe('pass')
  })

  it('fails on NEW hints by id or severity, not on existing ones', () => {
    const before = makeReport([{ createdBy: 'RUN a', bytes: 1 }], {
      hints: [hint('apt-lists', 1, { severity: 'error' })]
    })
    const after = makeReport([{ createdBy: 'RUN a', bytes: 1 }], {
      hints: [
        hint('apt-lists', 1, { severity: 'error' }),
        hint('pip-cache', 2, { severity: 'warning' })
      ]
    })
    const c = compareReports(before, after)
    expect(decideVerdict(after, c, t({ failOnHints: ['apt-lists'] })).verdict).toBe('pass')
    expect(decideVerdict(after, c, t({ failOnHints: ['pip-cache'] })).verdict).toBe('fail')
    expect(decideVerdict(after, c, t({ failOnHints: ['warning'] })).verdict).toBe('fail')
    expect(decideVerdict(after, c, t({ failOnHints: ['error'] })).verdict).toBe('pass')
  })

  it('turns fail into accepted, naming who accepted', () => {
    const head = grown(50 * MB)
    const r = decideVerdict(
      head,
      compareReports(base, head),
      t({ maxIncrease: parseIncreaseRule('10%', 'm') }),
      {
        by: 'maintainer',
        label: 'image-size-accepted'
      }
    )
    expect(r).toMatchObject({ verdict: 'accepted', acceptedBy: 'maintainer' })
    expect(r.reasons.length).toBe(1)
  })
})

describe('findAcceptance', () => {
  const perms: Record<string, Permission> = {
    author: 'read',
    maint: 'maintain',
    admin: 'admin',
    triager: 'triage'
  }
  const permissionOf = async (login: string) => perms[login] ?? 'none'
  const L = 'image-size-accepted'

  it('accepts a label added by someone with write access', async () => {
    expect(
      await findAcceptance(L, [L], [{ event: 'labeled', label: L, actor: 'maint' }], permissionOf)
    ).toBe('maint')
  })

  it('does not accept a label the PR author added without write access', async () => {
    expect(
      await findAcceptance(L, [L], [{ event: 'labeled', label: L, actor: 'author' }], permissionOf)
    ).toBeUndefined()
    expect(
      await findAcceptance(L, [L], [{ event: 'labeled', label: L, actor: 'triager' }], permissionOf)
    ).toBeUndefined()
  })

  it('ignores adds before the label was last removed, and labels no longer on the PR', async () => {
    const events = [
      { event: 'labeled', label: L, actor: 'admin' },
      { event: 'unlabeled', label: L, actor: 'admin' },
      { event: 'labeled', label: L, actor: 'author' }
    ]
    expect(await findAcceptance(L, [L], events, permissionOf)).toBeUndefined()
    expect(
      await findAcceptance(L, [], [{ event: 'labeled', label: L, actor: 'admin' }], permissionOf)
    ).toBeUndefined()
  })

  it('takes the latest qualifying add', async () => {
    const events = [
      { event: 'labeled', label: L, actor: 'maint' },
      { event: 'labeled', label: 'other', actor: 'admin' },
      { event: 'labeled', label: L, actor: 'author' }
    ]
    expect(await findAcceptance(L, [L], events, permissionOf)).toBe('maint')
  })
})
