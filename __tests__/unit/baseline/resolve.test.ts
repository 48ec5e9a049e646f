import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import type { Report } from '../../../src/analysis/report.js'
import { GitBaselineStore } from '../../../src/baseline/git-store.js'
import {
  commitsFromGitHub,
  mergeBaseFromGitHub,
  pickCompareSha,
  resolveBaseline,
  type ResolveDeps
} from '../../../src/baseline/resolve.js'
import { toBaseline } from '../../../src/baseline/schema.js'
import type { Octokit } from '../../../src/github-api.js'
import type { FakeGitHub, RepoModel } from '../../support/fake-github.js'
import { makeReport } from '../../support/reports.js'
import { fastClient, memoryLog, OWNER, REPO, startGitHub, type MemoryLog } from '../github/setup.js'

let gh: FakeGitHub
let repo: RepoModel
let octokit: Octokit
let log: MemoryLog

beforeEach(async () => {
  gh = await startGitHub()
  repo = gh.repo(OWNER, REPO)
  octokit = fastClient(gh)
  log = memoryLog()
})

afterEach(async () => {
  gh.assertNoValidationErrors()
  await gh.close()
})

const NAME = 'shop-api'
const PLATFORM = 'linux/amd64'

function deps(extra: Partial<ResolveDeps> = {}): ResolveDeps {
  return {
    store: new GitBaselineStore({ octokit, owner: OWNER, repo: REPO, log, sleep: async () => {} }),
    listCommits: commitsFromGitHub(octokit, OWNER, REPO),
    log,
    ...extra
  }
}

/** `count` commits on main, oldest first. */
function commits(count: number): string[] {
  return Array.from({ length: count }, (_, i) =>
    repo.addCommit({ branch: 'main', message: `c${i}` })
  )
}

async function record(sha: string, bytes = 1000): Promise<void> {
  const report = makeReport([{ createdBy: 'RUN make', bytes }])
  await deps().store.put(
    toBaseline(report, { name: NAME, platform: PLATFORM, sha, branch: 'main' })
  )
}

const request = (wantSha: string, extra = {}) => ({
  name: NAME,
  platform: PLATFORM,
  wantSha,
  branch: 'main',
  fallback: 'none' as const,
  ...extra
})

describe('resolveBaseline', () => {
  it('uses the baseline recorded at the wanted commit', async () => {
    const [, want] = commits(2)
    await record(want, 4242)
    const r = await resolveBaseline(deps(), request(want))
    expect(r.info).toEqual({ method: 'stored', sha: want, branch: 'main' })
    expect(r.baseline?.report.image.totalBytes).toBe(4242)
    expect(r.tried).toEqual([`baseline recorded at ${want.slice(0, 7)}: found`])
    // No walk needed: the commit list was never asked for.
    expect(gh.requestsTo('GET', `/repos/${OWNER}/${REPO}/commits`)).toHaveLength(0)
  })

  it('walks back to the nearest recorded commit and says how far', async () => {
    const [c0, c1, , , want] = commits(5)
    await record(c0, 1)
    await record(c1, 2)
    const r = await resolveBaseline(deps(), request(want))
    expect(r.info).toEqual({ method: 'nearest', sha: c1, branch: 'main', distance: 3 })
    expect(r.baseline?.report.image.totalBytes).toBe(2)
    expect(r.history?.map(e => e.sha)).toEqual([c1, c0])
    const list = gh.requestsTo('GET', `/repos/${OWNER}/${REPO}/commits`)
    expect(list).toHaveLength(1)
    expect(list[0].query).toMatchObject({ sha: want, per_page: '50' })
  })

  it('does not walk further than maxWalk', async () => {
    const [c0, , , want] = commits(4)
    await record(c0)
    const r = await resolveBaseline(deps(), request(want, { maxWalk: 3 }))
    expect(r.baseline).toBeUndefined()
    expect(r.tried.at(-1)).toBe(`walked back 2 commits from ${want.slice(0, 7)}: none recorded`)
  })

  it('skips a recorded commit whose file is corrupt and keeps walking', async () => {
    const [c0, c1, want] = commits(3)
    await record(c0, 7)
    await record(c1, 8)
    const tip = repo.getBranch('image-size-guard-data')
    repo.addCommit({
      parents: tip ? [tip] : [],
      branch: 'image-size-guard-data',
      files: { [`baselines/shop-api/linux-amd64/${c1}.json`]: 'oops' }
    })
    const r = await resolveBaseline(deps(), request(want))
    expect(r.info).toMatchObject({ method: 'nearest', sha: c0, distance: 2 })
    expect(log.warnings.join('\n')).toMatch(/not valid JSON/)
  })

  it('rebuilds the base when asked and nothing is recorded', async () => {
    const [want] = commits(1)
    const rebuild = jest.fn(async (_sha: string): Promise<Report> =>
      makeReport([{ createdBy: 'RUN a', bytes: 77 }])
    )
    const r = await resolveBaseline(deps({ rebuild }), request(want, { fallback: 'build' }))
    expect(rebuild).toHaveBeenCalledWith(want)
    expect(r.info).toEqual({ method: 'rebuilt', sha: want, branch: 'main' })
    expect(r.baseline?.report.image.totalBytes).toBe(77)
  })

  it('does not rebuild with fallback none', async () => {
    const [want] = commits(1)
    const rebuild = jest.fn(async (): Promise<Report> => makeReport([]))
    const r = await resolveBaseline(deps({ rebuild }), request(want))
    expect(rebuild).not.toHaveBeenCalled()
    expect(r).toEqual({
      tried: [
        `baseline recorded at ${want.slice(0, 7)}: none`,
        'no baselines recorded for shop-api (linux/amd64) yet'
      ],
      history: []
    })
  })

  it('reports "no baseline" (with a warning) when the rebuild fails', async () => {
    const [want] = commits(1)
    const rebuild = async (): Promise<Report> => {
      throw new Error('docker build failed (exit 1): no space left on device')
    }
    const r = await resolveBaseline(deps({ rebuild }), request(want, { fallback: 'build' }))
    expect(r.baseline).toBeUndefined()
    expect(log.warnings).toEqual([
      `rebuilding the image at ${want.slice(0, 7)} for a baseline failed: docker build failed (exit 1): no space left on device`
    ])
  })

  it('is a state, not an error, when the wanted commit is unknown', async () => {
    const [c0] = commits(1)
    await record(c0)
    const r = await resolveBaseline(deps(), request('f'.repeat(40)))
    expect(r.baseline).toBeUndefined()
    expect(log.warnings[0]).toMatch(
      /^cannot walk back from fffffff to a recorded baseline: listing the commits before fffffff failed: not found \(404\)/
    )
  })

  it('pages through the commit list for a long walk', async () => {
    const all = commits(130)
    const list = await commitsFromGitHub(octokit, OWNER, REPO)(all[129], 120)
    expect(list).toHaveLength(120)
    expect(list[0]).toBe(all[129])
    expect(list[119]).toBe(all[10])
  })
})

describe('pickCompareSha', () => {
  it('uses the PR base for the merge commit GitHub checks out', async () => {
    const payload = {
      pull_request: { base: { sha: 'b'.repeat(40), ref: 'main' }, head: { sha: 'h'.repeat(40) } }
    }
    expect(await pickCompareSha(payload, 'm'.repeat(40))).toEqual({
      sha: 'b'.repeat(40),
      branch: 'main',
      rule: 'pr-base'
    })
    expect(await pickCompareSha(payload)).toMatchObject({ rule: 'pr-base' })
  })

  it('uses the merge-base when the PR head itself is checked out', async () => {
    const [fork] = commits(1)
    const head = repo.addCommit({ parents: [fork], message: 'feature' })
    commits(2) // main moved on after the PR branched off
    const base = repo.getBranch('main') ?? ''
    const payload = { pull_request: { base: { sha: base, ref: 'main' }, head: { sha: head } } }
    const target = await pickCompareSha(payload, head, mergeBaseFromGitHub(octokit, OWNER, REPO))
    expect(target).toEqual({ sha: fork, branch: 'main', rule: 'merge-base' })
  })

  it('falls back to the base commit when the merge-base cannot be found', async () => {
    const payload = {
      pull_request: { base: { sha: 'b'.repeat(40), ref: 'main' }, head: { sha: 'c'.repeat(40) } }
    }
    const failing = async () => {
      throw new Error('boom')
    }
    const target = await pickCompareSha(payload, 'c'.repeat(40), failing, log)
    expect(target).toMatchObject({ sha: 'b'.repeat(40), rule: 'pr-base' })
    expect(log.warnings[0]).toMatch(/merge-base.*boom/)
  })

  it('handles merge queues and pushes, and nothing else', async () => {
    expect(
      await pickCompareSha({
        merge_group: { base_sha: 'a'.repeat(40), base_ref: 'refs/heads/main' }
      })
    ).toEqual({
      sha: 'a'.repeat(40),
      branch: 'main',
      rule: 'merge-group-base'
    })
    expect(await pickCompareSha({ before: 'd'.repeat(40), ref: 'refs/heads/release/1' })).toEqual({
      sha: 'd'.repeat(40),
      branch: 'release/1',
      rule: 'push-before'
    })
    expect(await pickCompareSha({ before: '0'.repeat(40), ref: 'refs/heads/new' })).toBeUndefined()
    expect(await pickCompareSha({ inputs: {} })).toBeUndefined()
  })
})
