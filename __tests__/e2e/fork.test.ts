// Scenario 10, the fork-safe two-phase setup: `mode: measure` in the fork PR's workflow (a
// read-only token, untrusted code) only writes the artifact file; `mode: report` in a
// workflow_run workflow (the base repository's token) downloads it, verifies it belongs to the
// PR, and posts. A tampered artifact is refused and nothing is posted.

import { readFileSync } from 'node:fs'
import { describe, expect, it } from '@jest/globals'
import { zipSync, strToU8 } from 'fflate'
import { expectClean, type ActionRun } from './support/action.js'
import {
  archiveWorkspace,
  botComments,
  comparePullRequest,
  inWorld,
  pushEvent,
  readOnlyToken,
  tempDir,
  workflowRunEvent,
  type PullRequest,
  type World
} from './support/world.js'

const MB = 1_000_000
const TIMEOUT = 240_000
const FORK = 'forker/app'
const ARTIFACT = 'image-size-guard-report'
const FILE = 'image-size-guard-measure.json'
const limits = { 'max-increase': '10%' }
const recorded = { baseline: 4 * MB }

const writes = (w: World) => w.gh.requests.filter(q => q.method !== 'GET')

/** Phase 1: the fork PR's workflow measures with a read-only token. */
async function measureFork(w: World, appBytes: number) {
  const pr = w.repo.addPullRequest({ user: 'forker', headRepo: FORK })
  w.gh.clearRecords()
  const r = await comparePullRequest(w, pr, appBytes, {
    token: readOnlyToken(w.gh),
    inputs: { mode: 'measure', ...limits },
    eventOptions: { fork: FORK, author: 'forker' }
  })
  return { pr, r }
}

/** What actions/upload-artifact would store: the file, zipped. */
function upload(w: World, pr: PullRequest, files: Record<string, string>): number {
  const runId = w.repo.addWorkflowRun({
    headSha: pr.headSha,
    headRepo: FORK,
    event: 'pull_request'
  })
  const zip = zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, strToU8(v)])))
  w.repo.addArtifact(runId, ARTIFACT, zip)
  return runId
}

/** Phase 2: the workflow_run workflow with the base repository's (write) token. */
function report(w: World, runId: number, headSha: string): Promise<ActionRun> {
  return w.run(workflowRunEvent(runId, headSha, FORK), {
    workspace: tempDir(),
    inputs: { mode: 'report', ...limits }
  })
}

describe('phase 1: mode measure on a fork PR', () => {
  it.concurrent(
    'writes the artifact file, posts nothing, and fails the job on a failing verdict',
    () =>
      inWorld(async w => {
        const { pr, r } = await measureFork(w, 8 * MB)
        expect(r.code).toBe(1)
        expect(r.outputs.verdict).toBe('fail')
        expect(r.errors).toEqual([expect.stringContaining('over max-increase 10%')])
        expect(writes(w)).toEqual([])
        expect(w.repo.comments(pr.number)).toEqual([])
        expect(w.repo.statuses(pr.headSha)).toEqual([])

        const path = r.outputs['artifact-path']
        expect(path.startsWith(r.runnerTemp)).toBe(true)
        expect(path.endsWith(`/${FILE}`)).toBe(true)
        const payload = JSON.parse(readFileSync(path, 'utf8'))
        expect(payload).toMatchObject({
          kind: 'image-size-guard-measure',
          prNumber: pr.number,
          headSha: pr.headSha,
          baseSha: pr.baseSha,
          results: [expect.objectContaining({ name: 'app', platform: 'linux/amd64' })]
        })
        expect(payload.results[0].report.image.totalBytes).toBe(Number(r.outputs['size-bytes']))
        expect(r.summary).toContain('Image size: failed')
      }, recorded),
    TIMEOUT
  )

  it.concurrent(
    'with auto mode, a fork PR posts nothing and says why',
    () =>
      inWorld(async w => {
        const pr = w.repo.addPullRequest({ user: 'forker', headRepo: FORK })
        w.gh.clearRecords()
        const r = await comparePullRequest(w, pr, 5 * MB, {
          token: readOnlyToken(w.gh),
          eventOptions: { fork: FORK, author: 'forker' }
        })
        expectClean(r)
        expect(r.notices).toEqual([expect.stringContaining('`mode: measure`')])
        expect(writes(w)).toEqual([])
        expect(r.outputs.verdict).toBe('pass')
      }, recorded),
    TIMEOUT
  )
})

describe('mode measure on an event without a pull request', () => {
  it.concurrent(
    'is refused before anything is read or built',
    () =>
      inWorld(async w => {
        const sha = w.repo.addCommit({ branch: 'feature', message: 'wip' })
        const push = pushEvent(sha, { branch: 'feature' })
        // A push is a matrix leg's event (see matrix.test.ts); a manual run has neither.
        const r = await w.run(
          { ...push, event: 'workflow_dispatch' },
          {
            workspace: await archiveWorkspace(1 * MB),
            inputs: { archive: 'app.tar', mode: 'measure' }
          }
        )
        expect(r.code).toBe(1)
        expect(r.errors).toEqual([
          expect.stringMatching(
            /^`mode: measure` runs on pull_request events .*not on "workflow_dispatch"/
          )
        ])
        expect(r.stdout).not.toContain('::group::Reading')
        expect(w.gh.requests).toEqual([])
        expect(r.outputs).toEqual({})
      }),
    TIMEOUT
  )
})

describe('phase 2: mode report on workflow_run', () => {
  it.concurrent(
    'posts the comment and the status to the PR the artifact was verified for',
    () =>
      inWorld(async w => {
        const { pr, r: measured } = await measureFork(w, 8 * MB)
        const other = w.repo.addPullRequest({ user: 'someone' })
        const runId = upload(w, pr, {
          [FILE]: readFileSync(measured.outputs['artifact-path'], 'utf8')
        })
        const r = await report(w, runId, pr.headSha)
        // The job of a workflow_run workflow runs on the default branch: the verdict is the
        // PR's status, not this job's result.
        expectClean(r)
        expect(r.outputs.verdict).toBe('fail')
        const comments = botComments(w.repo, pr.number)
        expect(comments).toHaveLength(1)
        expect(comments[0].body).toContain('(+4.00 MB, +')
        expect(comments[0].body).toContain('over max-increase 10%')
        expect(comments[0].body).toContain(`/actions/runs/${runId}`)
        expect(w.repo.comments(other.number)).toEqual([])
        expect(w.repo.statuses(pr.headSha)).toEqual([
          expect.objectContaining({
            state: 'failure',
            context: 'image-size-guard/app',
            description: expect.stringMatching(/^\+4\.00 MB .* vs main: over the limit$/)
          })
        ])
        expect(r.outputs['comment-url']).toContain(`/issues/${pr.number}#issuecomment-`)
        expect(r.outputs['delta-bytes']).toBe(String(4 * MB))
      }, recorded),
    TIMEOUT
  )

  it.concurrent(
    'a label history it cannot read is a warning: the verdict stays and is posted',
    () =>
      inWorld(async w => {
        const { pr, r: measured } = await measureFork(w, 8 * MB)
        w.repo.setPermission('maria', 'write')
        w.repo.addLabelEvent(pr.number, { label: 'image-size-accepted', actor: 'maria' })
        const runId = upload(w, pr, {
          [FILE]: readFileSync(measured.outputs['artifact-path'], 'utf8')
        })
        w.repo.failNext({
          method: 'GET',
          path: `/repos/acme/app/issues/${pr.number}/events`,
          status: 403,
          body: { message: 'Resource not accessible by integration' }
        })
        const r = await report(w, runId, pr.headSha)
        expect([r.code, r.errors]).toEqual([0, []])
        expect(r.warnings).toEqual([
          expect.stringMatching(
            /^could not check the label image-size-accepted: .*`pull-requests: read`/
          )
        ])
        expect(r.outputs.verdict).toBe('fail')
        expect(botComments(w.repo, pr.number)).toHaveLength(1)
        expect(w.repo.statuses(pr.headSha)).toEqual([expect.objectContaining({ state: 'failure' })])
      }, recorded),
    TIMEOUT
  )

  describe('a tampered artifact is refused with one error and nothing is posted', () => {
    type Tamper = (
      payload: Record<string, unknown>,
      w: World,
      pr: PullRequest
    ) => Record<string, string>
    const cases: Array<[string, Tamper, RegExp]> = [
      [
        'invalid schema',
        p => ({ [FILE]: JSON.stringify({ ...p, prNumber: 'one', extra: '<script>' }) }),
        /measure payload|prNumber|schema/i
      ],
      [
        'a head sha the triggering run did not build',
        p => ({ [FILE]: JSON.stringify({ ...p, headSha: 'f'.repeat(40) }) }),
        /the artifact says it measured ffffffffffff, but the triggering run built/
      ],
      [
        'a PR number whose head differs',
        (p, w) => {
          const victim = w.repo.addPullRequest({ user: 'victim' })
          return { [FILE]: JSON.stringify({ ...p, prNumber: victim.number }) }
        },
        /the artifact names PR #\d+, whose head is [0-9a-f]{12}, not [0-9a-f]{12}/
      ],
      [
        'a ../ file name',
        p => ({ [`../${FILE}`]: JSON.stringify(p) }),
        /the artifact holds a path that escapes it: "\.\.\/image-size-guard-measure\.json"/
      ]
    ]
    for (const [name, tamper, message] of cases) {
      it.concurrent(
        name,
        () =>
          inWorld(async w => {
            const { pr, r: measured } = await measureFork(w, 5 * MB)
            const payload = JSON.parse(readFileSync(measured.outputs['artifact-path'], 'utf8'))
            const runId = upload(w, pr, tamper(payload, w, pr))
            w.gh.clearRecords()
            const r = await report(w, runId, pr.headSha)
            expect(r.code).toBe(1)
            expect(r.errors).toEqual([expect.stringMatching(message)])
            expect(r.stdout + r.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m)
            expect(writes(w)).toEqual([])
            for (const issue of w.repo.issues.keys()) expect(w.repo.comments(issue)).toEqual([])
            expect(w.repo.statusRecords).toEqual([])
          }, recorded),
        TIMEOUT
      )
    }
  })
})
