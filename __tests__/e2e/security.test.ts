// The attacks of issue 13, replayed as an attacker would: a fork's measure artifact, its PR's
// files and config, hostile build logs and build args, driven end to end through the bundled
// action against the fake GitHub API. Each test asserts the safe outcome; docs/reliability.md
// lists them. A line counts as a live workflow command by the runner's rules
// (__tests__/support/runner-log.ts): `::` at the start after CR/LF splitting, `##[` anywhere.

import { readFileSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { strToU8, zipSync } from 'fflate'
import { describeEngine } from '../support/engine.js'
import { commandLines, type ActionRun } from './support/action.js'
import {
  archiveWorkspace,
  botComments,
  busyboxDockerfile,
  busyboxWorkspace,
  comparePullRequest,
  DATA_BRANCH,
  inWorld,
  pullRequestEvent,
  pushEvent,
  readOnlyToken,
  recordedDataBranch,
  tempDir,
  workflowRunEvent,
  writeFiles,
  type PullRequest,
  type World
} from './support/world.js'

const MB = 1_000_000
const TIMEOUT = 240_000
const FORK = 'forker/app'
const ARTIFACT = 'image-size-guard-report'
const FILE = 'image-size-guard-measure.json'
const MARK = 'pwn3d'
const UNVERIFIED = 'unverified: the PR changes the workflow that measured it'
const recorded = { baseline: 4 * MB }
/** Invisible and reordering characters: zero-width, tag (hidden ASCII), bidi override. */
const INVISIBLE = /[\u200b-\u200d\u2060\ufeff\u202a-\u202e\u2066-\u2069]|\udb40[\udc00-\udc7f]/

/** The parts of a measure payload the attacks edit. */
interface EditableReport {
  image: {
    layers: Array<{ createdBy: string }>
    history: Array<{ createdBy: string }>
    config: { user: string }
    totalBytes: number
  }
  hints: unknown[]
}
type Payload = {
  results: Array<{ name: string; platform: string; report: EditableReport }>
} & Record<string, unknown>

/** Phase 1, honestly: the fork measures `appBytes` of app data; `files` are its PR's changes. */
async function measureFork(w: World, appBytes: number, files: Record<string, string> = {}) {
  const base = w.repo.getBranch('main')!
  const headSha = w.repo.addCommit({ parents: [base], files, message: 'fork change' })
  const pr = w.repo.addPullRequest({ user: 'forker', headRepo: FORK, headSha })
  const r = await comparePullRequest(w, pr, appBytes, {
    token: readOnlyToken(w.gh),
    inputs: { mode: 'measure', 'max-increase': '10%' },
    eventOptions: { fork: FORK, author: 'forker' }
  })
  const payload = JSON.parse(readFileSync(r.outputs['artifact-path'], 'utf8')) as Payload
  return { pr, payload }
}

/** What actions/upload-artifact would store for the fork's run. */
function upload(w: World, pr: PullRequest, payload: unknown): number {
  const runId = w.repo.addWorkflowRun({
    headSha: pr.headSha,
    headRepo: FORK,
    event: 'pull_request'
  })
  w.repo.addArtifact(runId, ARTIFACT, zipSync({ [FILE]: strToU8(JSON.stringify(payload)) }))
  return runId
}

/** Phase 2 with the base repository's token; `inputs` are the trusted workflow's. */
function report(w: World, runId: number, pr: PullRequest, inputs: Record<string, string> = {}) {
  return w.run(workflowRunEvent(runId, pr.headSha, FORK), {
    workspace: tempDir(),
    inputs: { mode: 'report', 'max-increase': '10%', ...inputs }
  })
}

const writes = (w: World) => w.gh.requests.filter(q => q.method !== 'GET')

/** Live command lines carrying MARK: only the action's own one-line annotations may. */
function injected(r: ActionRun): string[] {
  return commandLines(r.stdout)
    .filter(l => l.includes(MARK))
    .filter(l => !/^::(error|warning|notice)( [^:]*)?::/.test(l) || l.includes('##['))
}

describe('the privileged report job', () => {
  it.concurrent(
    'hostile text in an artifact runs no workflow command and shows no invisible character',
    () =>
      inWorld(async w => {
        const { pr, payload } = await measureFork(w, 4 * MB)
        const hostile = [
          `\n::add-mask::${MARK}`,
          `\n::set-output name=verdict::${MARK}`,
          `x\r::warning::${MARK}`,
          `#6 0.051 ##[set-output name=verdict]${MARK}`,
          `##[error]${MARK}`,
          `\u0000::error::${MARK}`,
          `zero\u200bwidth tag\udb40\udc41\udb40\udc42 bidi\u202eexe.txt ${MARK}`
        ].join(' ')
        const r0 = payload.results[0].report
        r0.image.layers[1].createdBy = `RUN ${hostile}`
        r0.image.history[r0.image.history.length - 1].createdBy = `RUN ${hostile}`
        r0.image.config.user = hostile.slice(0, 200)
        r0.hints = [
          {
            id: 'pip-cache',
            severity: 'error',
            title: `pip cache ${hostile}`,
            bytes: 2 * MB,
            layer: 1,
            layers: [1],
            paths: [{ path: `/root/.cache/${hostile}`, bytes: 2 * MB }],
            fix: `remove it ${hostile}`,
            dockerfile: '../../../etc/passwd',
            dockerfileLine: 3,
            new: true
          }
        ]
        const r = await report(w, upload(w, pr, payload), pr)
        expect(r.code).toBe(0)
        expect(injected(r)).toEqual([])
        expect(r.stdout).toContain(MARK)
        // The hint's annotation: no file or line from the artifact.
        const annotations = r.commands.filter(c => c.message.includes(MARK))
        expect(annotations.length).toBeGreaterThan(0)
        for (const a of annotations) {
          expect(a.properties.file).toBeUndefined()
          expect(a.properties.line).toBeUndefined()
        }
        expect(r.outputs.verdict).toBe('pass')
        expect(Object.values(r.outputs).join('\n')).not.toMatch(/::set-output|add-mask/)
        const [comment] = botComments(w.repo, pr.number)
        for (const [where, text] of [
          ['comment', comment.body],
          ['summary', r.summary],
          ['statuses', JSON.stringify(w.repo.statuses(pr.headSha))]
        ] as const) {
          expect({ where, invisible: INVISIBLE.test(text) }).toEqual({ where, invisible: false })
        }
        expect(comment.body).toContain(MARK)
      }, recorded),
    TIMEOUT
  )

  it.concurrent.each([
    ['a newline and a command', `app\n::warning::${MARK}`],
    ['a bare CR and add-mask', `app\r::add-mask::${MARK}`],
    ['the legacy form', `app ##[warning]${MARK}`],
    ['a bidi override', `app\u202e${MARK}`]
  ])(
    'an image name with %s is refused before anything is printed or posted',
    (_, name) =>
      inWorld(async w => {
        const { pr, payload } = await measureFork(w, 5 * MB)
        payload.results[0].name = name
        const runId = upload(w, pr, payload)
        w.gh.clearRecords()
        const r = await report(w, runId, pr)
        expect(r.code).toBe(1)
        expect(r.errors).toEqual([expect.stringMatching(/measure payload|name/)])
        expect(injected(r)).toEqual([])
        expect(writes(w)).toEqual([])
        expect(w.repo.statusRecords).toEqual([])
      }, recorded),
    TIMEOUT
  )

  it.concurrent(
    'a 100-result artifact is refused after 2 API requests, posting nothing',
    () =>
      inWorld(async w => {
        const { pr, payload } = await measureFork(w, 5 * MB)
        const one = payload.results[0]
        payload.results = Array.from({ length: 100 }, (_, i) => ({ ...one, name: `img-${i}` }))
        const runId = upload(w, pr, payload)
        w.gh.clearRecords()
        const r = await report(w, runId, pr)
        expect(r.code).toBe(1)
        expect(r.errors).toEqual([expect.stringMatching(/results/)])
        // List the artifacts, ask for the download URL: nothing after the payload is read.
        expect(
          w.gh.requests.filter(q => !q.path.startsWith('/_artifact-blobs/')).map(q => q.operationId)
        ).toEqual(['actions/list-workflow-run-artifacts', 'actions/download-artifact'])
        expect(writes(w)).toEqual([])
      }, recorded),
    TIMEOUT
  )

  it.concurrent(
    'names the report workflow does not declare are not posted; declared ones use its thresholds',
    () =>
      inWorld(async w => {
        const { pr, payload } = await measureFork(w, 8 * MB)
        const one = payload.results[0]
        payload.results.push(
          ...['api', 'worker', 'deploy-gate'].map(name => ({
            ...one,
            name,
            report: { ...one.report, image: { ...one.report.image, totalBytes: 1 } }
          }))
        )
        const r = await report(w, upload(w, pr, payload), pr)
        expect(r.code).toBe(0)
        expect(r.warnings).toEqual([
          expect.stringMatching(
            /^the artifact reports image\(s\) this workflow does not declare, not posted: api \(linux\/amd64\), worker \(linux\/amd64\), deploy-gate \(linux\/amd64\)/
          )
        ])
        const statuses = w.repo.statuses(pr.headSha)
        expect(statuses.map(s => s.context)).toEqual(['image-size-guard/app'])
        // +4 MB over a 4 MB baseline against this workflow's 10%: failure.
        expect(statuses[0].state).toBe('failure')
      }, recorded),
    TIMEOUT
  )

  it.concurrent(
    'a forged artifact from a PR that changes its measure workflow gets no success status',
    () =>
      inWorld(async w => {
        // The real image grew by 46 MB; the fork's edited workflow reports the base size.
        const { pr, payload } = await measureFork(w, 4 * MB, {
          '.github/workflows/measure.yml': 'on: pull_request\njobs: {}\n'
        })
        const r = await report(w, upload(w, pr, payload), pr)
        expect(r.code).toBe(0)
        expect(r.warnings).toEqual([
          expect.stringContaining(`changes .github/workflows/measure.yml`)
        ])
        const statuses = w.repo.statuses(pr.headSha)
        expect(statuses).toEqual([
          expect.objectContaining({
            context: 'image-size-guard/app',
            state: 'failure',
            description: UNVERIFIED
          })
        ])
        expect(w.repo.statusRecords.filter(s => s.state === 'success')).toEqual([])
        const [comment] = botComments(w.repo, pr.number)
        expect(comment.body).toMatch(
          /> \[!WARNING\]\n> \*\*Unverified\*\*: this pull request changes <code>/
        )
        expect(r.summary).toContain('**Unverified**')
      }, recorded),
    TIMEOUT
  )

  it.concurrent(
    'a PR that changes the measure config is unverified too',
    () =>
      inWorld(async w => {
        const { pr, payload } = await measureFork(w, 4 * MB, {
          '.github/image-size-guard.yml': 'images:\n  - name: app\n    max-increase: 1000%\n'
        })
        await report(w, upload(w, pr, payload), pr)
        expect(w.repo.statuses(pr.headSha)).toEqual([
          expect.objectContaining({ state: 'failure', description: UNVERIFIED })
        ])
      }, recorded),
    TIMEOUT
  )

  it.concurrent(
    'the comment goes to no closed PR and no PR of another repository sharing the head',
    () =>
      inWorld(async w => {
        const { pr, payload } = await measureFork(w, 5 * MB)
        const closed = w.repo.addPullRequest({
          headSha: pr.headSha,
          state: 'closed',
          headRepo: FORK
        })
        const other = w.repo.addPullRequest({ headSha: pr.headSha, headRepo: 'victim/app' })
        for (const [victim, message] of [
          [closed, /is closed, not open: refusing to post/],
          [other, /comes from victim\/app, but the triggering run built forker\/app/]
        ] as const) {
          const runId = upload(w, pr, { ...payload, prNumber: victim.number })
          const r = await report(w, runId, pr)
          expect(r.code).toBe(1)
          expect(r.errors).toEqual([expect.stringMatching(message)])
        }
        expect(writes(w)).toEqual([])
      }, recorded),
    TIMEOUT
  )
})

describe('a PR that edits its config', () => {
  it.concurrent(
    "cannot loosen the gate: the base commit's config applies",
    () =>
      inWorld(async w => {
        const config = (limit: string) =>
          `images:\n  - name: app\n    archive: app.tar\n    max-increase: ${limit}\n`
        const base = w.repo.addCommit({
          branch: 'main',
          files: { '.github/image-size-guard.yml': config('10%') }
        })
        const pr = w.repo.addPullRequest({ user: 'forker', headRepo: FORK, baseSha: base })
        const workspace = writeFiles(await archiveWorkspace(8 * MB), {
          '.github/image-size-guard.yml': config('1000%')
        })
        const r = await w.run(pullRequestEvent(pr, { fork: FORK, author: 'forker' }), {
          workspace,
          token: readOnlyToken(w.gh),
          inputs: { archive: '' }
        })
        expect(r.outputs.verdict).toBe('fail')
        expect(r.errors).toEqual([expect.stringContaining('over max-increase 10%')])
        expect(r.notices).toContainEqual(
          expect.stringMatching(
            /^this pull request changes \.github\/image-size-guard\.yml: the run uses the version of the base commit/
          )
        )
      }, recorded),
    TIMEOUT
  )

  it.concurrent.each([
    ['/proc/self/environ', '/proc/self/environ'],
    ['a symlink to it', 'environ.tar'],
    ['a path above the checkout', '../outside.tar']
  ])(
    'cannot read %s on a PR event, and no byte of it is printed',
    (_, archive) =>
      inWorld(async w => {
        const pr = w.repo.addPullRequest({ user: 'forker', headRepo: FORK })
        const workspace = tempDir()
        symlinkSync('/proc/self/environ', join(workspace, 'environ.tar'))
        const r = await w.run(pullRequestEvent(pr, { fork: FORK }), {
          workspace,
          token: readOnlyToken(w.gh),
          inputs: { archive, name: 'app' },
          env: { SECRET_FOR_TEST: `S3CR3T-${MARK}` }
        })
        expect(r.code).toBe(1)
        expect(r.errors).toEqual([
          expect.stringMatching(/^image "app": `archive` points outside the workspace/)
        ])
        expect(r.stdout + r.stderr).not.toContain('S3CR3T')
      }),
    TIMEOUT
  )

  it.concurrent(
    'elsewhere, reading a file that is no archive names what it looks like, never its bytes',
    () =>
      inWorld(async w => {
        const sha = w.repo.addCommit({ branch: 'feature', message: 'wip' })
        const r = await w.run(pushEvent(sha, { branch: 'feature' }), {
          workspace: tempDir(),
          inputs: { archive: '/proc/self/environ', name: 'app' },
          env: { SECRET_FOR_TEST: `S3CR3T-${MARK}` }
        })
        expect(r.code).toBe(1)
        expect(r.errors).toEqual([expect.stringMatching(/is not a tar archive \(it looks like/)])
        expect(r.stdout + r.stderr).not.toMatch(/S3CR3T|SECRET_FOR|PATH=|(?:[0-9a-f]{2} ){3}/)
      }),
    TIMEOUT
  )
})

describe('an unreadable baseline', () => {
  it.concurrent(
    'is not a silent success: the status is pending and says why',
    () =>
      inWorld(async w => {
        const files = { ...(await recordedDataBranch(4 * MB)) }
        const corrupted = Object.keys(files).filter(p => p.startsWith('baselines/'))
        expect(corrupted.length).toBeGreaterThan(0)
        for (const p of corrupted) files[p] = '{"schemaVersion": 1, "truncated'
        w.repo.addCommit({ branch: DATA_BRANCH, parents: [], files, message: 'recorded' })
        const pr = w.repo.addPullRequest({ user: 'alice' })
        const r = await comparePullRequest(w, pr, 4 * MB)
        expect(r.code).toBe(0)
        expect(r.outputs.verdict).toBe('no-baseline')
        expect(r.warnings).toContainEqual(expect.stringMatching(/is not valid JSON/))
        expect(w.repo.statuses(pr.headSha)).toEqual([
          expect.objectContaining({
            context: 'image-size-guard/app',
            state: 'pending',
            description: expect.stringMatching(/^baseline unreadable on the data branch/)
          })
        ])
      }),
    TIMEOUT
  )
})

describeEngine('a hostile build', () => {
  const SECRET = ['npm_S3CR3T', 'part2', 'part3']
  const dockerfile = busyboxDockerfile({ '/data/app': 1 * MB }, [
    'ARG NPM_TOKEN',
    'ARG HOME_DIR=/home/app',
    // The legacy builder prints these at line start; BuildKit as `#6 0.051 …`.
    `RUN printf '::warning::${MARK}\\n#6 0.051 ##[set-output name=verdict]${MARK}\\nx\\r::error::${MARK}\\n::add-mask::${MARK}\\n' && echo "$NPM_TOKEN" > /dev/null`
  ])
  const inputs = {
    network: 'host',
    'build-args': `NPM_TOKEN=${SECRET.join(' ')}\nHOME_DIR=/home/app`
  }
  const noSecret = (where: string, text: string) =>
    expect({ where, leaked: SECRET.filter(s => text.includes(s)) }).toEqual({ where, leaked: [] })

  it.concurrent(
    'prints its log inside stop-commands and leaks no build-arg value to any output',
    () =>
      inWorld(async w => {
        // Record on main (the data branch), then a PR: compare (comment) and measure (artifact).
        const main = w.repo.getBranch('main')!
        const record = await w.run(pushEvent(main), {
          workspace: busyboxWorkspace({ '.': dockerfile }),
          inputs
        })
        const pr = w.repo.addPullRequest({ user: 'mallory' })
        const compare = await w.run(pullRequestEvent(pr), {
          workspace: busyboxWorkspace({ '.': dockerfile }),
          inputs
        })
        const measure = await w.run(pullRequestEvent(pr), {
          workspace: busyboxWorkspace({ '.': dockerfile }),
          inputs: { ...inputs, mode: 'measure' }
        })
        for (const r of [record, compare, measure]) {
          expect(r.code).toBe(0)
          expect(r.stdout).toContain(MARK)
          expect(injected(r)).toEqual([])
          expect(commandLines(r.stdout).filter(l => l.includes('add-mask'))).toEqual([])
          noSecret('summary', r.summary)
        }
        const data = w.repo.listFiles(DATA_BRANCH)
        expect(data.length).toBeGreaterThan(0)
        for (const path of data) noSecret(path, w.repo.readFile(DATA_BRANCH, path) ?? '')
        noSecret('comment', botComments(w.repo, pr.number)[0].body)
        noSecret('status', JSON.stringify(w.repo.statuses(pr.headSha)))
        const artifact = readFileSync(measure.outputs['artifact-path'], 'utf8')
        noSecret('artifact', artifact)
        // The RUN is still there, readable, without its build-arg prefix.
        expect(artifact).toContain('RUN printf')
      }),
    TIMEOUT
  )
})
