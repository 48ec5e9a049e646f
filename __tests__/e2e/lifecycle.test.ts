// Scenarios 2–4 with real builds on the engine: a push to the default branch records the
// baseline on the data branch; a PR compares with it (one comment, one status, outputs, job
// summary); a second push to the PR updates the same comment.

import { existsSync, readFileSync } from 'node:fs'
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import { describeEngine, docker } from '../support/engine.js'
import { expectClean } from './support/action.js'
import {
  botComments,
  busyboxDockerfile,
  busyboxWorkspace,
  DATA_BRANCH,
  headlineOf,
  MARKER_PREFIX,
  pullRequestEvent,
  pushEvent,
  pushToPullRequest,
  startWorld,
  type PullRequest,
  type World
} from './support/world.js'

const MB = 1_000_000
const build = { network: 'host' }

describeEngine('a repository over its life (built on the engine)', () => {
  let w: World
  let base: string
  let pr: PullRequest
  let firstBody = ''

  beforeAll(async () => {
    w = await startWorld()
    base = w.repo.getBranch('main')!
  })
  afterAll(async () => {
    w.gh.assertNoValidationErrors()
    await w.close()
  })

  it('a push to main records the baseline on a new data branch', async () => {
    const workspace = busyboxWorkspace({ '.': busyboxDockerfile({ '/data/app': 1 * MB }) })
    const r = await w.run(pushEvent(base), { workspace, inputs: build })
    expectClean(r)
    expect(r.stdout).toContain('image-size-guard: record (push), 1 image(s)')

    const path = `baselines/app/linux-amd64/${base}.json`
    expect(w.repo.listFiles(DATA_BRANCH).sort()).toEqual(['README.md', 'index.json', path].sort())
    expect(w.repo.readFile(DATA_BRANCH, 'README.md')).toMatch(/image-size-guard/)
    const baseline = JSON.parse(w.repo.readFile(DATA_BRANCH, path)!)
    expect(baseline).toMatchObject({ kind: 'image-size-guard-baseline', name: 'app' })
    expect(baseline).toMatchObject({ platform: 'linux/amd64', sha: base, branch: 'main' })
    const index = JSON.parse(w.repo.readFile(DATA_BRANCH, 'index.json')!)
    expect(JSON.stringify(index)).toContain(base)

    // The first push has nothing before it: the outputs say so.
    expect(r.outputs.verdict).toBe('no-baseline')
    expect(Number(r.outputs['size-bytes'])).toBe(baseline.report.image.totalBytes)
    expect(Number(r.outputs['size-bytes'])).toBeGreaterThan(1 * MB)
    expect(r.outputs['baseline-method']).toBe('none')
    expect(JSON.parse(readFileSync(r.outputs['report-path'], 'utf8')).image.totalBytes).toBe(
      baseline.report.image.totalBytes
    )
    expect(JSON.parse(r.outputs.results)).toHaveLength(1)
    expect(r.summary).toContain('Image size')
    // A push has no PR to comment on, and a recording sets no status.
    expect(w.gh.requestsTo('POST', '/repos/acme/app/issues')).toEqual([])
    expect(w.gh.requestsTo('POST', '/repos/acme/app/statuses')).toEqual([])
    expect(r.outputs['comment-url']).toBe('')
    // The throwaway image is removed (keep-image: false).
    expect(await docker(['image', 'ls', '-q', 'image-size-guard/app'])).toBe('')
  })

  it('the first PR run posts one comment and one status and sets every output', async () => {
    pr = w.repo.addPullRequest({ user: 'alice', baseSha: base })
    const workspace = busyboxWorkspace({ '.': busyboxDockerfile({ '/data/app': 3 * MB }) })
    const r = await w.run(pullRequestEvent(pr), { workspace, inputs: build })
    expectClean(r)

    const comments = botComments(w.repo, pr.number)
    expect(comments).toHaveLength(1)
    firstBody = comments[0].body
    expect(firstBody.startsWith(`${MARKER_PREFIX}app:linux/amd64 -->`)).toBe(true)
    const headline = headlineOf(firstBody)
    expect(headline).toBe('### ✅ Image size: passed')
    expect(firstBody).toContain('(+2.00 MB, +')
    expect(firstBody).toContain(`(stored)`)

    expect(w.repo.statuses(pr.headSha)).toEqual([
      {
        state: 'success',
        context: 'image-size-guard/app',
        description: expect.stringMatching(/^\+2\.00 MB \(\+\d+(\.\d+)?%\) vs main$/),
        targetUrl: expect.stringMatching(/^https:\/\/github\.com\/acme\/app\/actions\/runs\/\d+$/),
        creator: 'github-actions[bot]'
      }
    ])

    const o = r.outputs
    expect(o.verdict).toBe('pass')
    expect(Number(o['delta-bytes'])).toBe(2 * MB)
    expect(Number(o['size-bytes']) - Number(o['base-size-bytes'])).toBe(2 * MB)
    expect(o['baseline-sha']).toBe(base)
    expect(o['baseline-method']).toBe('stored')
    expect(Number(o['delta-percent'])).toBeGreaterThan(0)
    expect(o['comment-url']).toBe(
      `https://github.com/acme/app/issues/${pr.number}#issuecomment-${comments[0].id}`
    )
    expect(existsSync(o['report-path'])).toBe(true)
    const report = JSON.parse(readFileSync(o['report-path'], 'utf8'))
    expect(report.image.totalBytes).toBe(Number(o['size-bytes']))
    expect(JSON.parse(o.results)).toEqual([
      expect.objectContaining({
        name: 'app',
        verdict: 'pass',
        deltaBytes: 2 * MB,
        baselineMethod: 'stored'
      })
    ])

    expect(r.summary.length).toBeGreaterThan(200)
    expect(r.summary).toContain(headline!)
    expect(r.summary).not.toContain(MARKER_PREFIX)
  })

  it('a second run of the PR updates the same comment', async () => {
    pr = pushToPullRequest(w.repo, pr)
    const workspace = busyboxWorkspace({ '.': busyboxDockerfile({ '/data/app': 5 * MB }) })
    const r = await w.run(pullRequestEvent(pr), { workspace, inputs: build })
    expectClean(r)

    const comments = botComments(w.repo, pr.number)
    expect(comments).toHaveLength(1)
    expect(comments[0].body).not.toBe(firstBody)
    expect(comments[0].body).toContain('(+4.00 MB, +')
    expect(w.gh.requestsTo('PATCH', '/repos/acme/app/issues/comments')).toHaveLength(1)
    expect(w.gh.requestsTo('POST', `/repos/acme/app/issues/${pr.number}/comments`)).toHaveLength(1)
    expect(r.outputs['delta-bytes']).toBe(String(4 * MB))
    expect(w.repo.statuses(pr.headSha)).toHaveLength(1)
    expect(w.repo.statuses(pr.headSha)[0].description).toMatch(/^\+4\.00 MB/)
  }, 180_000)
})
