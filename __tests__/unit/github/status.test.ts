import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import {
  describeStatus,
  MAX_STATUS_DESCRIPTION,
  setPendingStatus,
  setVerdictStatus,
  stateOf,
  statusContext,
  type StatusSummary
} from '../../../src/github/status.js'
import type { FakeGitHub, RepoModel } from '../../support/fake-github.js'
import { fastClient, OWNER, REPO, rejection, startGitHub } from './setup.js'

let gh: FakeGitHub
let repo: RepoModel
let sha: string

beforeEach(async () => {
  gh = await startGitHub()
  repo = gh.repo(OWNER, REPO)
  sha = repo.addPullRequest().headSha
})

afterEach(async () => {
  gh.assertNoValidationErrors()
  await gh.close()
})

describe('describeStatus', () => {
  const cases: Array<[StatusSummary, string]> = [
    [
      { verdict: 'pass', delta: 12_300_000, ratio: 0.041, branch: 'main' },
      '+12.3 MB (+4.1%) vs main'
    ],
    [
      { verdict: 'pass', delta: -2_000_000, ratio: -0.01, branch: 'main' },
      '-2.00 MB (-1.0%) vs main'
    ],
    [
      { verdict: 'warn', delta: 30_000_000, ratio: 0.12, branch: 'main' },
      'warning: +30.0 MB (+12%) vs main'
    ],
    [
      { verdict: 'fail', delta: 120_000_000, ratio: 0.41, branch: 'main' },
      '+120 MB (+41%) vs main: over the limit'
    ],
    [
      {
        verdict: 'accepted',
        delta: 120_000_000,
        ratio: 0.41,
        branch: 'main',
        acceptedBy: 'octocat'
      },
      '+120 MB (+41%) vs main, accepted by @octocat'
    ],
    [
      { verdict: 'no-baseline', totalBytes: 245_000_000 },
      'no baseline yet (245 MB): recorded on the next push to the default branch'
    ],
    [{ verdict: 'fail', totalBytes: 900_000_000 }, '900 MB: over the limit']
  ]
  it.each(cases)('%j → %s', (summary, text) => {
    expect(describeStatus(summary)).toBe(text)
  })

  it('stays within 140 characters with long names', () => {
    const text = describeStatus({
      verdict: 'accepted',
      delta: 1,
      ratio: 0,
      branch: 'release/'.repeat(30),
      acceptedBy: 'u'.repeat(100)
    })
    expect(Array.from(text).length).toBeLessThanOrEqual(MAX_STATUS_DESCRIPTION)
    expect(text).toMatch(/^\+1 B \(0%\) vs release/)
  })

  it('maps verdicts to states: only fail fails', () => {
    expect(
      ['pass', 'warn', 'accepted', 'no-baseline', 'fail'].map(v => stateOf(v as never))
    ).toEqual(['success', 'success', 'success', 'success', 'failure'])
  })
})

describe('setCommitStatus', () => {
  it('posts the verdict under image-size-guard/<name>, clipped to GitHub’s limits', async () => {
    const name = `very-long-image-name-${'x'.repeat(200)}`
    await setVerdictStatus(fastClient(gh), {
      owner: OWNER,
      repo: REPO,
      sha,
      name,
      targetUrl: 'https://github.com/acme/app/actions/runs/1',
      summary: { verdict: 'fail', delta: 5e7, ratio: 0.5, branch: 'b'.repeat(300) }
    })
    const [status] = repo.statuses(sha)
    expect(status.state).toBe('failure')
    expect(status.context).toBe(statusContext(name))
    expect(status.context.startsWith('image-size-guard/very-long-image-name-')).toBe(true)
    expect(Array.from(status.description ?? '').length).toBeLessThanOrEqual(MAX_STATUS_DESCRIPTION)
    expect(status.targetUrl).toBe('https://github.com/acme/app/actions/runs/1')
  })

  it('posts a pending status while measuring', async () => {
    await setPendingStatus(fastClient(gh), { owner: OWNER, repo: REPO, sha, name: 'shop-api' })
    expect(repo.statuses(sha)[0]).toMatchObject({
      state: 'pending',
      context: 'image-size-guard/shop-api',
      description: 'measuring the image…'
    })
  })

  it('names `statuses: write` when the token may not set statuses', async () => {
    gh.addToken('ro', { login: 'github-actions[bot]', permissions: { statuses: 'read' } })
    const e = await rejection(
      setPendingStatus(fastClient(gh, 'ro'), { owner: OWNER, repo: REPO, sha, name: 'shop-api' })
    )
    expect(e.message).toMatch(/^setting the commit status needs `statuses: write`/)
  })
})
