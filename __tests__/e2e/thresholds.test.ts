// Scenario 7: a threshold fails the job with an error naming the rule; the override label
// accepts it only when added by someone with write permission.

import { describe, expect, it } from '@jest/globals'
import {
  archiveWorkspace,
  botComments,
  comparePullRequest,
  DATA_BRANCH,
  headlineOf,
  inWorld,
  pushEvent,
  type World
} from './support/world.js'
import { expectClean } from './support/action.js'

const MB = 1_000_000
const LABEL = 'image-size-accepted'
const limits = { 'max-increase': '10%' }
const TIMEOUT = 240_000
const recorded = { baseline: 4 * MB }

async function failingPullRequest(w: World) {
  const pr = w.repo.addPullRequest({ user: 'alice' })
  const r = await comparePullRequest(w, pr, 8 * MB, { inputs: limits })
  return { pr, r }
}

describe('max-increase', () => {
  it.concurrent(
    'a big increase fails the job with an error naming the rule',
    () =>
      inWorld(async w => {
        const { pr, r } = await failingPullRequest(w)
        expect(r.code).toBe(1)
        expect(r.outputs.verdict).toBe('fail')
        expect(r.errors).toEqual([
          expect.stringMatching(
            /^image size check failed — app: image grew \+4\.00 MB \(\+\d+(\.\d+)?%\), over max-increase 10%$/
          )
        ])
        const [comment] = botComments(w.repo, pr.number)
        expect(headlineOf(comment.body)).toBe('### ❌ Image size: failed')
        expect(comment.body).toContain('over max-increase 10%')
        expect(comment.body).toContain(LABEL)
        expect(w.repo.statuses(pr.headSha)).toEqual([
          expect.objectContaining({
            state: 'failure',
            description: expect.stringMatching(
              /^\+4\.00 MB \(\+\d+(\.\d+)?%\) vs main: over the limit$/
            )
          })
        ])
        expect(JSON.parse(r.outputs.results)[0].reasons).toEqual([
          expect.stringContaining('over max-increase 10%')
        ])
      }, recorded),
    TIMEOUT
  )

  it.concurrent(
    'the label added by someone with write permission accepts it',
    () =>
      inWorld(async w => {
        const { pr } = await failingPullRequest(w)
        w.repo.setPermission('maria', 'write')
        w.repo.addLabelEvent(pr.number, { label: LABEL, actor: 'maria' })
        const r = await comparePullRequest(w, pr, 8 * MB, {
          inputs: limits,
          eventOptions: { labels: [LABEL] }
        })
        expectClean(r)
        expect(r.outputs.verdict).toBe('accepted')
        const comments = botComments(w.repo, pr.number)
        expect(comments).toHaveLength(1)
        expect(headlineOf(comments[0].body)).toMatch(/Image size: accepted/i)
        expect(comments[0].body).toContain('<b>Accepted</b> by <code>maria</code>')
        expect(w.repo.statuses(pr.headSha)[0]).toMatchObject({
          state: 'success',
          description: expect.stringMatching(/, accepted by @maria$/)
        })
        expect(r.stdout).toContain(`accepted by @maria (label ${LABEL})`)
      }, recorded),
    TIMEOUT
  )

  it.concurrent(
    'the label added by the PR author without write access does not',
    () =>
      inWorld(async w => {
        const { pr } = await failingPullRequest(w)
        w.repo.setPermission('alice', 'read')
        w.repo.addLabelEvent(pr.number, { label: LABEL, actor: 'alice' })
        const r = await comparePullRequest(w, pr, 8 * MB, {
          inputs: limits,
          eventOptions: { labels: [LABEL], author: 'alice' }
        })
        expect(r.code).toBe(1)
        expect(r.outputs.verdict).toBe('fail')
        expect(r.errors).toEqual([expect.stringContaining('over max-increase 10%')])
        const comments = botComments(w.repo, pr.number)
        expect(comments).toHaveLength(1)
        expect(headlineOf(comments[0].body)).toBe('### ❌ Image size: failed')
        expect(comments[0].body).not.toContain('Accepted')
        expect(w.repo.statuses(pr.headSha)[0]).toMatchObject({ state: 'failure' })
      }, recorded),
    TIMEOUT
  )
})

describe('thresholds on a push to the default branch', () => {
  it.concurrent(
    'report the growth as a warning but do not fail the recording run',
    () =>
      inWorld(async w => {
        // A PR accepted with the label was merged: main's push cannot see the label.
        const before = w.repo.getBranch('main')!
        const merged = w.repo.addCommit({ branch: 'main', message: 'Merge pull request #7' })
        const r = await w.run(pushEvent(merged, { before }), {
          workspace: await archiveWorkspace(8 * MB),
          inputs: { archive: 'app.tar', ...limits }
        })
        expect([r.code, r.errors]).toEqual([0, []])
        expect(r.warnings).toEqual([
          expect.stringMatching(
            /^the recorded image is over the thresholds — app: image grew \+4\.00 MB .*over max-increase 10%.*pull requests are gated/
          )
        ])
        expect(r.outputs).toMatchObject({ verdict: 'fail', 'baseline-sha': before })
        expect(w.repo.listFiles(DATA_BRANCH)).toContain(`baselines/app/linux-amd64/${merged}.json`)
        expect(w.gh.requestsTo('POST', '/repos/acme/app/statuses')).toEqual([])
      }, recorded),
    TIMEOUT
  )
})
