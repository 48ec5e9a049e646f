// main.ts and src/action/ in the test process (the e2e suite runs the same paths from the
// bundle): a push records a baseline, a pull request that grows the image is compared with
// it, commented, given a status and failed; the override label accepts it; a fork-safe
// measure → report pair posts through the artifact; a matrix aggregate joins two legs.

import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeEach, describe, expect, it, jest } from '@jest/globals'
import { strToU8, zipSync } from 'fflate'
import * as core from '../../../__fixtures__/core.js'
import { useFakeGitHub } from '../../support/use-fake-github.js'
import {
  pullRequestPayload,
  pushPayload,
  setInputs,
  withRunner,
  workflowRunPayload,
  workspaceWithImage
} from './harness.js'

// The GitHub port: the real client, without the one-second spacing of writes GitHub asks for.
const api = await import('../../../src/github-api.js')
jest.unstable_mockModule('../../../src/github-api.js', () => ({
  ...api,
  createClient: (token: string, url: string) =>
    api.createClient(token, url, { spaceWrites: false, retryDelayMs: 1, rateLimitDelayMs: 1 })
}))
jest.unstable_mockModule('@actions/core', () => core)
const { run } = await import('../../../src/main.js')
const { MEASURE_FILE } = await import('../../../src/github/artifact.js')

const KB = 1000
const DATA_BRANCH = 'image-size-guard-data'

const hub = useFakeGitHub()

beforeEach(() => core.resetCore())

/** Records a baseline of a `bytes`-sized app layer at `sha`, as a push to main does. */
async function record(sha: string, bytes: number, inputs: Record<string, string> = {}) {
  setInputs(hub.gh.token, { archive: 'image.tar', name: 'app', ...inputs })
  const workspace = await workspaceWithImage(bytes)
  await withRunner(
    {
      event: 'push',
      payload: pushPayload(sha),
      sha,
      ref: 'refs/heads/main',
      workspace,
      apiUrl: hub.gh.url
    },
    run
  )
  return workspace
}

describe('run(): record, then compare a pull request', () => {
  it('records on main; the PR that doubles the app layer fails, with a comment and a status', async () => {
    const pr = hub.repo.addPullRequest({ user: 'octocat' })
    await record(pr.baseSha, 100 * KB)
    expect(core.setFailed).not.toHaveBeenCalled()
    expect(core.outputs().verdict).toBe('no-baseline')
    expect(hub.repo.listFiles(DATA_BRANCH).some(f => f.endsWith('.json'))).toBe(true)

    jest.clearAllMocks()
    setInputs(hub.gh.token, { archive: 'image.tar', name: 'app', 'max-increase': '10%' })
    const workspace = await workspaceWithImage(200 * KB)
    await withRunner(
      {
        event: 'pull_request',
        payload: pullRequestPayload(pr),
        sha: 'f'.repeat(40),
        ref: `refs/pull/${pr.number}/merge`,
        workspace,
        apiUrl: hub.gh.url
      },
      run
    )
    const out = core.outputs()
    expect(out.verdict).toBe('fail')
    expect(Number(out['delta-bytes'])).toBe(100 * KB)
    expect(out['baseline-sha']).toBe(pr.baseSha)
    expect(out['baseline-method']).toBe('stored')
    expect(core.setFailed).toHaveBeenCalledTimes(1)
    expect(String(core.setFailed.mock.calls[0][0])).toMatch(
      /^image size check failed — app: image grew \+100 kB .*over max-increase 10%/
    )
    const comments = hub.repo.comments(pr.number)
    expect(comments).toHaveLength(1)
    expect(comments[0].body).toContain('### ❌ Image size: failed')
    expect(hub.repo.statuses(pr.headSha)).toEqual([
      expect.objectContaining({ state: 'failure', context: 'image-size-guard/app' })
    ])
    expect(core.summaryWritten.join('')).toContain('Image size: failed')
    // The phases are visible as groups in the log.
    const groups = core.group.mock.calls.map(([name]) => name)
    expect(groups).toEqual([
      expect.stringMatching(/^Reading app \(/),
      'Comparing app (linux/amd64)',
      'Publishing the results'
    ])

    // The override label, added by someone with write access, accepts the same change.
    jest.clearAllMocks()
    hub.repo.setPermission('maintainer', 'write')
    hub.repo.addLabelEvent(pr.number, { label: 'image-size-accepted', actor: 'maintainer' })
    await withRunner(
      {
        event: 'pull_request',
        payload: pullRequestPayload(pr),
        sha: 'f'.repeat(40),
        ref: `refs/pull/${pr.number}/merge`,
        workspace,
        apiUrl: hub.gh.url
      },
      run
    )
    expect(core.outputs().verdict).toBe('accepted')
    expect(core.setFailed).not.toHaveBeenCalled()
    expect(hub.repo.comments(pr.number)).toHaveLength(1)
    expect(hub.repo.comments(pr.number)[0].body).toContain('accepted')
    expect(hub.repo.statuses(pr.headSha)[0]).toEqual(
      expect.objectContaining({ state: 'success', context: 'image-size-guard/app' })
    )
  })

  it('fails with one line naming the command line when it runs outside a workflow', async () => {
    setInputs(hub.gh.token, { archive: 'image.tar' })
    await withRunner(
      {
        payload: {},
        sha: 'a'.repeat(40),
        ref: 'refs/heads/main',
        workspace: '/nonexistent',
        apiUrl: hub.gh.url
      },
      run
    )
    expect(core.setFailed).toHaveBeenCalledTimes(1)
    expect(String(core.setFailed.mock.calls[0][0])).toMatch(
      /GITHUB_EVENT_NAME is not set.*npx image-size-guard analyze/
    )
  })
})

describe('run(): the fork-safe pair and the matrix', () => {
  it('measure writes the artifact; report posts it to the PR it verifies', async () => {
    const pr = hub.repo.addPullRequest({ user: 'octocat' })
    await record(pr.baseSha, 100 * KB)
    jest.clearAllMocks()

    setInputs(hub.gh.token, { archive: 'image.tar', name: 'app', mode: 'measure' })
    const workspace = await workspaceWithImage(150 * KB)
    await withRunner(
      {
        event: 'pull_request',
        payload: pullRequestPayload(pr),
        sha: 'e'.repeat(40),
        ref: `refs/pull/${pr.number}/merge`,
        workspace,
        apiUrl: hub.gh.url
      },
      run
    )
    expect(core.setFailed).not.toHaveBeenCalled()
    const artifactPath = core.outputs()['artifact-path']
    expect(artifactPath.endsWith(MEASURE_FILE)).toBe(true)
    expect(hub.repo.comments(pr.number)).toHaveLength(0)

    const runId = hub.repo.addWorkflowRun({ headSha: pr.headSha, event: 'pull_request' })
    // The README's report workflow downloads the artifact named by `artifact-name`.
    hub.repo.addArtifact(
      runId,
      'image-size-guard-report',
      zipSync({ [MEASURE_FILE]: strToU8(readFileSync(artifactPath, 'utf8')) })
    )
    jest.clearAllMocks()
    setInputs(hub.gh.token, {
      mode: 'report',
      archive: 'image.tar',
      name: 'app'
    })
    await withRunner(
      {
        event: 'workflow_run',
        payload: workflowRunPayload(runId, pr.headSha),
        sha: pr.baseSha,
        ref: 'refs/heads/main',
        workspace: await workspaceWithImage(1),
        apiUrl: hub.gh.url
      },
      run
    )
    expect(core.setFailed).not.toHaveBeenCalled()
    expect(core.outputs().verdict).toBe('pass')
    expect(Number(core.outputs()['delta-bytes'])).toBe(50 * KB)
    expect(hub.repo.comments(pr.number)).toHaveLength(1)
    expect(hub.repo.statuses(pr.headSha)[0]).toEqual(expect.objectContaining({ state: 'success' }))
  })

  it('aggregate joins the legs of a push, records them in one commit and lists a missing leg', async () => {
    const sha = hub.repo.addCommit({ branch: 'main', message: 'main' })
    const runId = 777
    for (const [leg, bytes] of [
      ['api', 100 * KB],
      ['web', 300 * KB]
    ] as const) {
      setInputs(hub.gh.token, { archive: 'image.tar', mode: 'measure', name: leg, leg })
      const workspace = await workspaceWithImage(bytes)
      await withRunner(
        {
          event: 'push',
          payload: pushPayload(sha),
          sha,
          ref: 'refs/heads/main',
          workspace,
          apiUrl: hub.gh.url,
          runId
        },
        run
      )
      const dir = core.outputs()['artifact-path']
      hub.repo.addArtifact(
        runId,
        core.outputs()['artifact-name'],
        zipSync(
          Object.fromEntries(
            readdirSync(join(dir, '..')).map(f => [
              f,
              strToU8(readFileSync(join(dir, '..', f), 'utf8'))
            ])
          )
        )
      )
      jest.clearAllMocks()
    }
    const before = hub.repo.listFiles(DATA_BRANCH).length
    setInputs(hub.gh.token, { mode: 'aggregate', legs: 'api, web, arm' })
    await withRunner(
      {
        event: 'push',
        payload: pushPayload(sha),
        sha,
        ref: 'refs/heads/main',
        workspace: await workspaceWithImage(1),
        apiUrl: hub.gh.url,
        runId
      },
      run
    )
    // The missing leg fails the verdict (fail-on-missing); a push reports it without failing.
    expect(core.outputs().verdict).toBe('fail')
    expect(core.setFailed).not.toHaveBeenCalled()
    expect(core.logged().join('\n')).toMatch(/image size check failed — leg arm is missing/)
    expect(
      JSON.parse(core.outputs().results)
        .map((r: { name: string }) => r.name)
        .sort()
    ).toEqual(['api', 'web'])
    expect(hub.repo.listFiles(DATA_BRANCH).length).toBeGreaterThan(before)
    expect(core.summaryWritten.join('')).toContain('arm')
  })
})
