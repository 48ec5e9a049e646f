// Scenarios on the engine that build more than one image: the baseline rebuilt at the base
// commit of a real git checkout (8), several images in one run with one combined comment (11),
// and a build that fails (13).

import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, it } from '@jest/globals'
import { describeEngine, docker, run } from '../support/engine.js'
import {
  botComments,
  busyboxDockerfile,
  busyboxWorkspace,
  commitAll,
  DATA_BRANCH,
  git,
  headlineOf,
  inWorld,
  MARKER_PREFIX,
  pullRequestEvent,
  pushEvent,
  writeFiles
} from './support/world.js'
import { baseEnv, expectClean } from './support/action.js'

const MB = 1_000_000
const TIMEOUT = 240_000
const build = { network: 'host' }

/** Whether `docker buildx` answers in the environment the action runs in (empty HOME). */
async function runnerHasBuildx(): Promise<boolean> {
  const home = mkdtempSync(join(tmpdir(), 'isg-home-'))
  try {
    return (
      (await run('docker', ['buildx', 'version'], { env: { ...baseEnv(), HOME: home } })).code === 0
    )
  } finally {
    rmSync(home, { recursive: true, force: true })
  }
}

describeEngine('builds on the engine', () => {
  it.concurrent(
    'no stored baseline: the base commit is rebuilt in a worktree and the delta is v2 − v1',
    () =>
      inWorld(async w => {
        // The checkout: base commit (v1), the PR's head (v2), and GitHub's merge commit.
        const ws = busyboxWorkspace({ '.': busyboxDockerfile({ '/data/app': 1 * MB }) })
        git(ws, 'init', '-q', '-b', 'main')
        const base = commitAll(ws, 'v1')
        writeFiles(ws, { Dockerfile: busyboxDockerfile({ '/data/app': 3 * MB }) })
        git(ws, 'checkout', '-q', '-b', 'feature')
        const head = commitAll(ws, 'v2')
        git(ws, 'checkout', '-q', '--detach', base)
        git(ws, 'merge', '-q', '--no-ff', '-m', 'Merge feature into main', head)
        const merge = git(ws, 'rev-parse', 'HEAD')

        const pr = w.repo.addPullRequest({ user: 'alice', baseSha: base, headSha: head })
        const r = await w.run(pullRequestEvent(pr, { mergeSha: merge }), {
          workspace: ws,
          inputs: build
        })
        expectClean(r)
        expect(r.outputs).toMatchObject({
          verdict: 'pass',
          'baseline-method': 'rebuilt',
          'baseline-sha': base,
          'delta-bytes': String(2 * MB)
        })
        const [comment] = botComments(w.repo, pr.number)
        expect(comment.body).toContain(`main&#64;${base.slice(0, 7)}</code> (rebuilt)`)
        expect(w.repo.statuses(head)[0].description).toMatch(/^\+2\.00 MB .* vs main$/)
        // A compare run records nothing; the worktree and both images are gone.
        expect(w.repo.getBranch(DATA_BRANCH)).toBeUndefined()
        expect(git(ws, 'worktree', 'list').split('\n')).toHaveLength(1)
        expect(git(ws, 'status', '--porcelain')).toBe('')
        expect(await docker(['image', 'ls', '-q', 'image-size-guard/app'])).toBe('')
      }),
    TIMEOUT
  )

  it.concurrent(
    'two images in one run: both built, one combined comment, verdict = the worst',
    () =>
      inWorld(async w => {
        const images = [
          '- name: api',
          '  context: api',
          '- name: web',
          '  context: web',
          '  max-increase: 10%'
        ].join('\n')
        const inputs = { ...build, images }
        const v1 = busyboxWorkspace({
          api: busyboxDockerfile({ '/srv/api': 1 * MB }),
          web: busyboxDockerfile({ '/srv/web': 1 * MB })
        })
        const base = w.repo.getBranch('main')!
        const recorded = await w.run(pushEvent(base), { workspace: v1, inputs })
        expectClean(recorded)
        expect(w.repo.listFiles(DATA_BRANCH)).toEqual(
          expect.arrayContaining([
            `baselines/api/linux-amd64/${base}.json`,
            `baselines/web/linux-amd64/${base}.json`
          ])
        )

        const pr = w.repo.addPullRequest({ user: 'alice' })
        const v2 = busyboxWorkspace({
          api: busyboxDockerfile({ '/srv/api': 1 * MB + 1000 }),
          web: busyboxDockerfile({ '/srv/web': 3 * MB })
        })
        const r = await w.run(pullRequestEvent(pr), { workspace: v2, inputs })
        expect(r.stdout).toContain('image-size-guard: compare (pull_request), 2 image(s)')
        expect(r.stdout).toContain('::group::Building api (api/Dockerfile)')
        expect(r.stdout).toContain('::group::Building web (web/Dockerfile)')
        for (const name of ['api', 'web'])
          expect(await docker(['image', 'ls', '-q', `image-size-guard/${name}`])).toBe('')
        expect(r.code).toBe(1)
        expect(r.outputs.verdict).toBe('fail')
        expect(r.errors).toEqual([
          expect.stringMatching(/^image size check failed — web: image grew \+2\.00 MB/)
        ])

        const comments = botComments(w.repo, pr.number)
        expect(comments).toHaveLength(1)
        const body = comments[0].body
        expect(body.startsWith(`${MARKER_PREFIX}images:all -->`)).toBe(true)
        expect(headlineOf(body)).toBe('### ❌ Image size: 1 failed, 1 passed')
        const table = body.split('\n').filter(l => l.startsWith('| '))
        expect(table.find(l => l.includes('<code>api</code>'))).toMatch(/\+1(\.00)? kB.*passed/)
        expect(table.find(l => l.includes('<code>web</code>'))).toMatch(/\+2\.00 MB.*failed/)

        const results = JSON.parse(r.outputs.results)
        expect(results).toEqual([
          expect.objectContaining({ name: 'api', verdict: 'pass', deltaBytes: 1000 }),
          expect.objectContaining({ name: 'web', verdict: 'fail', deltaBytes: 2 * MB })
        ])
        expect(r.outputs['delta-bytes']).toBe(String(2 * MB + 1000))
        expect(
          w.repo
            .statuses(pr.headSha)
            .map(s => [s.context, s.state])
            .sort()
        ).toEqual([
          ['image-size-guard/api', 'success'],
          ['image-size-guard/web', 'failure']
        ])
        expect(r.summary).toContain('### ❌ Image size: 1 failed, 1 passed')
      }),
    TIMEOUT
  )

  it.concurrent(
    'a build that fails: "the image did not build" with the builder\'s error line',
    () =>
      inWorld(async w => {
        const pr = w.repo.addPullRequest({ user: 'alice' })
        const ws = busyboxWorkspace({
          '.': busyboxDockerfile({ '/data/app': 1000 }, ['RUN echo compiling && exit 3'])
        })
        const r = await w.run(pullRequestEvent(pr), { workspace: ws, inputs: build })
        expect(r.code).toBe(1)
        expect(r.errors).toHaveLength(1)
        const [first, ...rest] = r.errors[0].split('\n')
        // the builder the action finds in the runner's environment (buildx when DOCKER_CONFIG
        // or the system holds the plugin, else the 28.x client's legacy builder)
        if (await runnerHasBuildx()) {
          expect(first).toMatch(
            /^the image did not build \(docker buildx build exit \d+, Dockerfile\): /
          )
          // the engine's BuildKit words it: 0.13 (Docker 26) or 0.8 (Docker 20.10)
          expect(first).toMatch(
            /(did not complete successfully|executor failed running \[.*\]): exit code: 3$/
          )
        } else {
          expect(first).toMatch(/^the image did not build \(docker build exit \d+, Dockerfile\): /)
          expect(first).toMatch(/returned a non-zero code: 3$/)
        }
        expect(rest.join('\n')).toContain('compiling')
        expect(r.stdout + r.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m)
        expect(w.gh.requests.filter(q => q.method !== 'GET')).toEqual([])
      }),
    TIMEOUT
  )

  it.concurrent(
    'a failure after a build leaves no built image behind',
    () =>
      inWorld(async w => {
        const pr = w.repo.addPullRequest({ user: 'alice' })
        const id = randomBytes(4).toString('hex')
        const tags = async (name: string) =>
          (
            await docker(['image', 'ls', '--format', '{{.Repository}}', `image-size-guard/${name}`])
          ).trim()

        // The second image does not build: the first one, built already, is removed.
        const images = [
          `- name: ok-${id}`,
          '  context: ok',
          `- name: broken-${id}`,
          '  context: broken'
        ].join('\n')
        const ws = busyboxWorkspace({
          ok: busyboxDockerfile({ '/data/ok': 1000 }),
          broken: busyboxDockerfile({}, ['RUN exit 7'])
        })
        const r = await w.run(pullRequestEvent(pr), { workspace: ws, inputs: { ...build, images } })
        expect(r.code).toBe(1)
        expect(r.errors).toEqual([expect.stringContaining('the image did not build')])
        expect(await tags(`ok-${id}`)).toBe('')

        // Built, then refused by the reader: removed too.
        const one = busyboxWorkspace({ '.': busyboxDockerfile({ '/data/app': 1000 }) })
        const refused = await w.run(pullRequestEvent(pr), {
          workspace: one,
          inputs: { ...build, name: `refused-${id}`, 'max-entries': '5' }
        })
        expect(refused.code).toBe(1)
        expect(refused.errors).toEqual([expect.stringMatching(/entries/)])
        expect(await tags(`refused-${id}`)).toBe('')
        expect(w.gh.requests.filter(q => q.method !== 'GET')).toEqual([])
      }),
    TIMEOUT
  )
})
