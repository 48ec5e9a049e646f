// Many images across many runners: matrix legs run `mode: measure` and upload their report
// as `image-size-guard-report-<leg>`; one `mode: aggregate` job after them posts ONE comment,
// one status per image plus one overall, and on a push records every leg's baseline in ONE
// data-branch commit.

import { readFileSync } from 'node:fs'
import { describe, expect, it } from '@jest/globals'
import { strToU8, zipSync } from 'fflate'
import { expectClean, logOf, type ActionRun } from './support/action.js'
import {
  archiveWorkspace,
  readOnlyToken,
  workflowRunEvent,
  botComments,
  DATA_BRANCH,
  inWorld,
  pullRequestEvent,
  pushEvent,
  pushToPullRequest,
  tempDir,
  type Event,
  type World
} from './support/world.js'

const MB = 1_000_000
const TIMEOUT = 300_000
const FILE = 'image-size-guard-measure.json'
const LEGS = 'api, web, worker, db'

/** One matrix leg: measures `name`'s archive of `appBytes`, and uploads what it left. */
async function leg(w: World, event: Event, runId: number, name: string, appBytes: number) {
  const r = await w.run(event, {
    workspace: await archiveWorkspace(appBytes, name.length),
    runId,
    inputs: { archive: 'app.tar', name, mode: 'measure', 'max-increase': '10%' }
  })
  const path = r.outputs['artifact-path']
  if (!path) throw new Error(`leg ${name} left no artifact:\n${logOf(r)}`)
  // What actions/upload-artifact stores under the name the action gave.
  const zip = zipSync({ [FILE]: strToU8(readFileSync(path, 'utf8')) })
  w.repo.addArtifact(runId, r.outputs['artifact-name'], zip)
  return r
}

function aggregate(w: World, event: Event, runId: number): Promise<ActionRun> {
  return w.run(event, {
    workspace: tempDir(),
    runId,
    inputs: { mode: 'aggregate', legs: LEGS, 'max-increase': '10%' }
  })
}

/** The legs of one workflow run (the `db` leg never uploads: it is the missing one). */
async function matrix(w: World, event: Event, sizes: Record<string, number>) {
  const runId = w.repo.addWorkflowRun({ headSha: event.sha, event: event.event })
  for (const [name, bytes] of Object.entries(sizes)) await leg(w, event, runId, name, bytes)
  // Another run's artifact under a leg's name, newer than the legs': never read (it would
  // make `api` unreadable, hence missing).
  const other = w.repo.addWorkflowRun({ headSha: event.sha, event: event.event })
  w.repo.addArtifact(other, 'image-size-guard-report-api', zipSync({ [FILE]: strToU8('{}') }))
  return { runId, r: await aggregate(w, event, runId) }
}

const contexts = (w: World, sha: string) =>
  Object.fromEntries(w.repo.statuses(sha).map(s => [s.context, s.state]))

describe('a matrix of legs and one aggregate job', () => {
  it.concurrent(
    'push: one data-branch commit holds every leg; PR: one comment, statuses per image and overall, updated by the next run',
    () =>
      inWorld(async w => {
        const main = w.repo.getBranch('main')!

        // ---- push to main: the baselines of all three images in one commit
        const push = pushEvent(main)
        const pushed = await matrix(w, push, { api: 2 * MB, web: 3 * MB, worker: 1 * MB })
        expect(pushed.r.code).toBe(0)
        expect(pushed.r.warnings).toEqual([expect.stringContaining('leg db is missing')])
        const tip = w.repo.getBranch(DATA_BRANCH)!
        const commit = w.repo.git.commit(tip)!
        expect(commit.message).toMatch(/^Record 3 baselines at /)
        const stored = w.repo.listFiles(DATA_BRANCH).filter(p => p.startsWith('baselines/'))
        expect(stored.sort()).toEqual(
          ['api', 'web', 'worker'].map(n => `baselines/${n}/linux-amd64/${main}.json`)
        )
        // Its parent (the branch's creation) held none: all three came in that one commit.
        const parent = w.repo.git.commit(commit.parents[0])!
        expect(parent.parents).toEqual([])
        const updates = w.gh
          .requestsTo('PATCH', '/repos/acme/app/git/refs')
          .filter(q => q.status === 200)
        expect(updates).toHaveLength(1)

        // ---- a pull request: web grows 33 % (over 10 %), db's leg never uploads
        let pr = w.repo.addPullRequest({ user: 'alice', baseSha: main })
        const first = await matrix(w, pullRequestEvent(pr), {
          api: 2 * MB,
          web: 4 * MB,
          worker: 1 * MB
        })
        expect(first.r.code).toBe(1)
        expect(first.r.outputs.verdict).toBe('fail')
        expect(first.r.errors).toEqual([
          expect.stringMatching(/web: .*over max-increase 10%.*leg db is missing/)
        ])
        const comments = botComments(w.repo, pr.number)
        expect(comments).toHaveLength(1)
        const body = comments[0].body
        // The summary table: the first table of the comment, one row per image + the missing.
        const table = body.slice(body.indexOf('|  | Image |')).split('\n\n')[0].split('\n')
        expect(table.slice(2)).toEqual([
          expect.stringMatching(
            /^\| ✅ \| .*api.* \| 2\.20 MB \| 2\.20 MB \| 0 B \(0%\) \| passed \|$/
          ),
          expect.stringMatching(
            /^\| ❌ \| .*web.* \| 3\.20 MB \| 4\.20 MB \| \+1\.00 MB \(\+31%\) \| failed \|$/
          ),
          expect.stringMatching(/^\| ✅ \| .*worker.* \| passed \|$/),
          expect.stringMatching(
            /^\| ❌ \| <code>db<\/code> \(leg\) \| – \| – \| – \| missing: no artifact/
          )
        ])
        expect(body).toMatch(/\| .*api.* \| passed \|/)
        expect(body).toMatch(/\| .*web.* \| failed \|/)
        expect(body).toMatch(/\| .*worker.* \| passed \|/)
        expect(body).toMatch(/<code>db<\/code> \(leg\) .*missing: no artifact/)
        expect(body).toContain('<details')
        expect(contexts(w, pr.headSha)).toEqual({
          'image-size-guard/api': 'success',
          'image-size-guard/web': 'failure',
          'image-size-guard/worker': 'success',
          'image-size-guard/overall': 'failure'
        })
        expect(first.r.summary).toContain('1 missing')

        // ---- a second push to the PR: the same comment is updated
        pr = pushToPullRequest(w.repo, pr)
        const second = await matrix(w, pullRequestEvent(pr), {
          api: 2 * MB,
          web: 4 * MB,
          worker: 1 * MB
        })
        expect(second.r.code).toBe(1)
        const after = botComments(w.repo, pr.number)
        expect(after).toHaveLength(1)
        expect(after[0].id).toBe(comments[0].id)
        expect(after[0].updatedAt).not.toBe(comments[0].updatedAt)
        expect(contexts(w, pr.headSha)['image-size-guard/overall']).toBe('failure')
      }),
    TIMEOUT
  )

  it.concurrent(
    "fail-on-missing false: a missing leg is listed but the verdict is the legs' worst",
    () =>
      inWorld(async w => {
        const pr = w.repo.addPullRequest({ user: 'alice' })
        const event = pullRequestEvent(pr)
        const runId = w.repo.addWorkflowRun({ headSha: event.sha, event: event.event })
        await leg(w, event, runId, 'api', 1 * MB)
        const r = await w.run(event, {
          workspace: tempDir(),
          runId,
          inputs: { mode: 'aggregate', legs: 'api, db', 'fail-on-missing': 'false' }
        })
        expectClean(r)
        expect(r.outputs.verdict).toBe('no-baseline')
        const [comment] = botComments(w.repo, pr.number)
        expect(comment.body).toMatch(/❔ \| <code>db<\/code> \(leg\)/)
      }),
    TIMEOUT
  )

  it.concurrent(
    'fork PRs: legs measure with the read-only token, aggregate in workflow_run posts with trusted thresholds',
    () =>
      inWorld(async w => {
        const FORK = 'forker/app'
        const pr = w.repo.addPullRequest({ user: 'forker', headRepo: FORK })
        const event = pullRequestEvent(pr, { fork: FORK, author: 'forker' })
        const runId = w.repo.addWorkflowRun({
          headSha: pr.headSha,
          headRepo: FORK,
          event: 'pull_request'
        })
        const token = readOnlyToken(w.gh)
        for (const [name, bytes] of [
          ['api', 1 * MB],
          ['web', 3 * MB]
        ] as const) {
          const r = await w.run(event, {
            token,
            workspace: await archiveWorkspace(bytes, name.length),
            runId,
            inputs: { archive: 'app.tar', name, mode: 'measure' }
          })
          expectClean(r)
          const zip = zipSync({ [FILE]: strToU8(readFileSync(r.outputs['artifact-path'], 'utf8')) })
          w.repo.addArtifact(runId, r.outputs['artifact-name'], zip)
        }
        expect(w.gh.requests.filter(q => q.method !== 'GET')).toEqual([])
        // A leg of the fork's run claiming another PR (its first one, on another commit):
        // refused, listed as missing, and it cannot redirect the comment.
        const decoy = w.repo.addPullRequest({ user: 'forker', headRepo: FORK })
        const forged = JSON.parse(
          readFileSync(
            (
              await w.run(pullRequestEvent(decoy, { fork: FORK, author: 'forker' }), {
                token,
                workspace: await archiveWorkspace(1 * MB, 9),
                inputs: { archive: 'app.tar', name: 'aaa', mode: 'measure' }
              })
            ).outputs['artifact-path'],
            'utf8'
          )
        )
        w.repo.addArtifact(
          runId,
          'image-size-guard-report-aaa',
          zipSync({ [FILE]: strToU8(JSON.stringify(forged)) })
        )
        // Phase 2: the base repository's workflow, its token, its thresholds.
        const r = await w.run(workflowRunEvent(runId, pr.headSha), {
          workspace: tempDir(),
          inputs: { mode: 'aggregate', legs: 'api, web', 'max-size': '2MB' }
        })
        expect(r.code).toBe(0)
        expect(r.outputs.verdict).toBe('fail')
        expect(r.warnings).toEqual(
          expect.arrayContaining([expect.stringMatching(/^leg aaa: its report is of PR #\d+ at/)])
        )
        expect(botComments(w.repo, pr.number)).toHaveLength(1)
        expect(botComments(w.repo, decoy.number)).toHaveLength(0)
        expect(botComments(w.repo, pr.number)[0].body).toMatch(/<code>aaa<\/code> \(leg\)/)
        expect(contexts(w, pr.headSha)).toEqual({
          'image-size-guard/api': 'success',
          'image-size-guard/web': 'failure',
          'image-size-guard/overall': 'failure'
        })
      }),
    TIMEOUT
  )
})

describe('retention', () => {
  it.concurrent(
    'keep-baselines keeps the newest per image plus an open PR base, removed in the recording commit',
    () =>
      inWorld(async w => {
        const commits = [1, 2, 3, 4].map(i =>
          w.repo.addCommit({ branch: 'main', message: `c${i}` })
        )
        // An open pull request still compares with the oldest.
        w.repo.addPullRequest({ user: 'alice', baseSha: commits[0] })
        for (const sha of commits) {
          const r = await w.run(pushEvent(sha), {
            workspace: await archiveWorkspace(1 * MB),
            inputs: { archive: 'app.tar', mode: 'record', 'keep-baselines': '2' }
          })
          expect(r.code).toBe(0)
        }
        const stored = w.repo.listFiles(DATA_BRANCH).filter(p => p.startsWith('baselines/'))
        expect(stored.sort()).toEqual(
          [commits[0], commits[2], commits[3]]
            .map(s => `baselines/app/linux-amd64/${s}.json`)
            .sort()
        )
        const tip = w.repo.git.commit(w.repo.getBranch(DATA_BRANCH)!)!
        expect(tip.message).toMatch(/^Record app \(linux\/amd64\) at [0-9a-f]{7}, remove 1 old/)
      }),
    TIMEOUT
  )
})
