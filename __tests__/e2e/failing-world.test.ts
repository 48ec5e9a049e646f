// Scenario 13 without an engine: GitHub answering 5xx or a secondary rate limit on the first
// try (retried, the run succeeds), an API that keeps failing (a warning, the verdict stands),
// and a Dockerfile that does not exist (one error naming it).

import { describe, expect, it } from '@jest/globals'
import { faults } from '../support/fake-github.js'
import {
  botComments,
  comparePullRequest,
  inWorld,
  pullRequestEvent,
  tempDir,
  writeFiles
} from './support/world.js'
import { expectClean } from './support/action.js'

const MB = 1_000_000
const TIMEOUT = 240_000
const recorded = { baseline: 1 * MB }
const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m

describe('GitHub failing on the first try', () => {
  it.concurrent(
    '502 on the status and 500 on the comment are retried; the run succeeds',
    () =>
      inWorld(async w => {
        const pr = w.repo.addPullRequest({ user: 'alice' })
        w.repo.failNext({ method: 'POST', path: '/repos/acme/app/statuses/', status: 502 })
        w.repo.failNext({
          method: 'POST',
          path: `/repos/acme/app/issues/${pr.number}/comments`,
          status: 500
        })
        const r = await comparePullRequest(w, pr, 2 * MB)
        expectClean(r)
        expect(w.gh.pendingFaults).toBe(0)
        expect(botComments(w.repo, pr.number)).toHaveLength(1)
        expect(w.repo.statuses(pr.headSha)).toEqual([expect.objectContaining({ state: 'success' })])
        const posts = w.gh.requestsTo('POST', '/repos/acme/app/statuses/')
        expect(posts.map(q => [q.status, q.injected ?? false])).toEqual([
          [502, true],
          [201, false]
        ])
        expect(r.outputs.verdict).toBe('pass')
      }, recorded),
    TIMEOUT
  )

  it.concurrent(
    'a secondary rate limit (403 + retry-after) is waited out and retried',
    () =>
      inWorld(async w => {
        const pr = w.repo.addPullRequest({ user: 'alice' })
        w.repo.failNext({
          method: 'POST',
          path: `/repos/acme/app/issues/${pr.number}/comments`,
          ...faults.secondaryRateLimit(1)
        })
        w.repo.failNext({
          method: 'GET',
          path: '/repos/acme/app/contents/',
          ...faults.badGateway()
        })
        const r = await comparePullRequest(w, pr, 2 * MB)
        expectClean(r)
        expect(w.gh.pendingFaults).toBe(0)
        expect(botComments(w.repo, pr.number)).toHaveLength(1)
        expect(r.outputs['baseline-method']).toBe('stored')
        const creates = w.gh.requestsTo('POST', `/repos/acme/app/issues/${pr.number}/comments`)
        expect(creates.map(q => q.status)).toEqual([403, 201])
      }, recorded),
    TIMEOUT
  )

  it.concurrent(
    'a status endpoint that keeps failing is one warning; the verdict and comment stand',
    () =>
      inWorld(async w => {
        const pr = w.repo.addPullRequest({ user: 'alice' })
        w.repo.failNext({
          method: 'POST',
          path: '/repos/acme/app/statuses/',
          status: 503,
          times: 10
        })
        const r = await comparePullRequest(w, pr, 2 * MB)
        expect([r.code, r.errors]).toEqual([0, []])
        expect(r.warnings).toEqual([
          expect.stringMatching(
            /^could not set the commit status for app \(the verdict stands\): .*503/
          )
        ])
        expect(r.stdout).not.toMatch(STACK_FRAME)
        expect(botComments(w.repo, pr.number)).toHaveLength(1)
        expect(w.repo.statuses(pr.headSha)).toEqual([])
        expect(w.gh.requestsTo('POST', '/repos/acme/app/statuses/')).toHaveLength(4)
        expect(r.outputs.verdict).toBe('pass')
      }, recorded),
    TIMEOUT
  )
})

describe('a job summary that cannot be written', () => {
  it.concurrent(
    'is a warning; the comment, the status and the outputs are still there',
    () =>
      inWorld(async w => {
        const pr = w.repo.addPullRequest({ user: 'alice' })
        // A runner without job summaries (GHES before 3.6, some self-hosted runners).
        const r = await comparePullRequest(w, pr, 2 * MB, { env: { GITHUB_STEP_SUMMARY: '' } })
        expect([r.code, r.errors]).toEqual([0, []])
        expect(r.warnings).toEqual([
          expect.stringMatching(
            /^could not write the job summary \(the verdict stands\): .*GITHUB_STEP_SUMMARY/
          )
        ])
        expect(botComments(w.repo, pr.number)).toHaveLength(1)
        expect(w.repo.statuses(pr.headSha)).toHaveLength(1)
        expect(r.outputs.verdict).toBe('pass')
      }, recorded),
    TIMEOUT
  )
})

describe('a Dockerfile that does not exist', () => {
  for (const [inputs, named] of [
    [{}, 'Dockerfile'],
    [{ file: 'docker/Dockerfile.prod' }, 'docker/Dockerfile.prod']
  ] as const) {
    it.concurrent(
      `is one error naming ${named}`,
      () =>
        inWorld(async w => {
          const pr = w.repo.addPullRequest({ user: 'alice' })
          const workspace = writeFiles(tempDir(), { 'README.md': '# app\n' })
          const r = await w.run(pullRequestEvent(pr), { workspace, inputs })
          expect(r.code).toBe(1)
          expect(r.errors).toEqual([
            expect.stringContaining(`the Dockerfile ${named} does not exist (image "`)
          ])
          expect(r.stdout + r.stderr).not.toMatch(STACK_FRAME)
          expect(w.gh.requests.filter(q => q.method !== 'GET')).toEqual([])
        }),
      TIMEOUT
    )
  }
})
