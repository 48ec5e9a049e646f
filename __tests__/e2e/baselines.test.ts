// Scenarios 8 (no baseline, the walk-back to the nearest recorded commit) and 9 (recordings
// racing on the data branch). The rebuild fallback needs the engine: see builds.test.ts.

import { describe, expect, it } from '@jest/globals'
import {
  archiveWorkspace,
  botComments,
  comparePullRequest,
  DATA_BRANCH,
  headlineOf,
  inWorld,
  pushEvent,
  recordArchive
} from './support/world.js'
import { expectClean } from './support/action.js'

const MB = 1_000_000
const TIMEOUT = 240_000

describe('which baseline a PR is compared with', () => {
  it.concurrent(
    'none recorded and baseline-fallback none: no-baseline, exit 0, the comment says so',
    () =>
      inWorld(async w => {
        const pr = w.repo.addPullRequest({ user: 'alice' })
        const r = await comparePullRequest(w, pr, 2 * MB, {
          inputs: { 'baseline-fallback': 'none', 'max-increase': '1%' }
        })
        expectClean(r)
        expect(r.outputs).toMatchObject({
          verdict: 'no-baseline',
          'baseline-method': 'none',
          'baseline-sha': '',
          'delta-bytes': '',
          'base-size-bytes': ''
        })
        const [comment] = botComments(w.repo, pr.number)
        expect(headlineOf(comment.body)).toMatch(/Image size: no baseline/i)
        expect(comment.body).toContain('No baseline yet')
        expect(w.repo.statuses(pr.headSha)).toEqual([
          expect.objectContaining({
            state: 'success',
            description: expect.stringMatching(/^no baseline yet \(2\.20 MB\)/)
          })
        ])
        // Reading found no data branch: nothing was created by a compare run.
        expect(w.repo.getBranch(DATA_BRANCH)).toBeUndefined()
      }),
    TIMEOUT
  )

  it.concurrent(
    'a baseline 3 commits before the base: nearest, distance 3',
    () =>
      inWorld(async w => {
        const recorded = w.repo.getBranch('main')!
        for (let i = 1; i <= 3; i++) w.repo.addCommit({ branch: 'main', message: `docs ${i}` })
        await recordArchive(w, recorded, 1 * MB)
        const pr = w.repo.addPullRequest({ user: 'alice' })
        expect(pr.baseSha).not.toBe(recorded)
        const r = await comparePullRequest(w, pr, 3 * MB, {
          inputs: { 'baseline-fallback': 'none' }
        })
        expectClean(r)
        expect(r.outputs).toMatchObject({
          verdict: 'pass',
          'baseline-method': 'nearest',
          'baseline-sha': recorded,
          'delta-bytes': String(2 * MB)
        })
        expect(JSON.parse(r.outputs.results)[0]).toMatchObject({
          baselineMethod: 'nearest',
          baselineSha: recorded,
          baselineDistance: 3
        })
        const [comment] = botComments(w.repo, pr.number)
        expect(comment.body).toContain(`main&#64;${recorded.slice(0, 7)}`)
        expect(comment.body).toContain('(nearest stored: 3 commits earlier)')
        expect(r.stdout).toContain(`nearest recorded commit: ${recorded.slice(0, 7)}, 3 before`)
      }),
    TIMEOUT
  )
})

describe('the trend of the base branch', () => {
  it.concurrent(
    'shows when the base commit has its own stored baseline (the exact match)',
    () =>
      inWorld(async w => {
        const first = w.repo.getBranch('main')!
        await recordArchive(w, first, 1 * MB)
        const second = w.repo.addCommit({ branch: 'main', message: 'next' })
        await recordArchive(w, second, 2 * MB)
        const pr = w.repo.addPullRequest({ user: 'alice' })
        expect(pr.baseSha).toBe(second)
        const r = await comparePullRequest(w, pr, 3 * MB)
        expectClean(r)
        expect(r.outputs).toMatchObject({ 'baseline-method': 'stored', 'baseline-sha': second })
        const [comment] = botComments(w.repo, pr.number)
        expect(comment.body).toContain(
          'Size trend on <code>main</code> (2 recorded commits and this PR)'
        )
      }),
    TIMEOUT
  )
})

describe('recordings racing on the data branch', () => {
  it.concurrent(
    'two images recorded at the same time are both stored',
    () =>
      inWorld(async w => {
        const sha = w.repo.getBranch('main')!
        const [api, web] = await Promise.all([
          recordArchive(w, sha, 1 * MB, { name: 'api' }),
          recordArchive(w, sha, 2 * MB, { name: 'web' })
        ])
        for (const r of [api, web]) expect(r.outputs.verdict).toBe('no-baseline')
        const files = w.repo.listFiles(DATA_BRANCH)
        expect(files).toEqual(
          expect.arrayContaining([
            'README.md',
            'index.json',
            `baselines/api/linux-amd64/${sha}.json`,
            `baselines/web/linux-amd64/${sha}.json`
          ])
        )
        expect(files).toHaveLength(4)
        const index = w.repo.readFile(DATA_BRANCH, 'index.json')!
        expect(index).toContain('baselines/api/linux-amd64/')
        expect(index).toContain('baselines/web/linux-amd64/')
        // One of them lost the race to the ref at least once and rebuilt its commit.
        const refUpdates = w.gh.requests.filter(
          q => q.operationId === 'git/update-ref' || q.operationId === 'git/create-ref'
        )
        expect(refUpdates.length).toBeGreaterThanOrEqual(3)
      }),
    TIMEOUT
  )

  it.concurrent(
    'two commits recorded at the same time are both stored',
    () =>
      inWorld(async w => {
        const first = w.repo.getBranch('main')!
        const second = w.repo.addCommit({ branch: 'main', message: 'next' })
        const [a, b] = await Promise.all([
          w.run(pushEvent(first), {
            workspace: await archiveWorkspace(1 * MB),
            inputs: { archive: 'app.tar' }
          }),
          w.run(pushEvent(second, { before: first }), {
            workspace: await archiveWorkspace(2 * MB),
            inputs: { archive: 'app.tar' }
          })
        ])
        for (const r of [a, b]) expectClean(r)
        expect(w.repo.listFiles(DATA_BRANCH)).toEqual(
          expect.arrayContaining([
            `baselines/app/linux-amd64/${first}.json`,
            `baselines/app/linux-amd64/${second}.json`
          ])
        )
        const index = JSON.parse(w.repo.readFile(DATA_BRANCH, 'index.json')!)
        expect(JSON.stringify(index)).toContain(first)
        expect(JSON.stringify(index)).toContain(second)
      }),
    TIMEOUT
  )
})
