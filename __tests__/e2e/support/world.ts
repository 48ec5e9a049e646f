// The world an e2e run happens in: a fake GitHub with one repository, event payloads shaped
// like GitHub's, checked-out workspaces (Dockerfiles with a static busybox, image archives,
// real git repositories), and the run helper bound to them.

import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { busyboxContext } from '../../support/engine.js'
import { startFakeGitHub, type FakeGitHub, type RepoModel } from '../../support/fake-github.js'
import { buildImage, writeLegacyArchive } from '../../support/image-fixtures.js'
import { bundleHash, logOf, runAction, tempDir, type ActionRun, type RunOptions } from './action.js'

export { tempDir }

export const OWNER = 'acme'
export const REPO = 'app'
export const FULL_NAME = `${OWNER}/${REPO}`
export const DATA_BRANCH = 'image-size-guard-data'

/** What a GitHub event contributes to a run: name, payload, GITHUB_SHA, GITHUB_REF. */
export interface Event {
  event: string
  payload: Record<string, unknown>
  sha: string
  ref: string
}

export interface PullRequest {
  number: number
  headSha: string
  baseSha: string
  headRef: string
  baseRef: string
}

const repository = (defaultBranch = 'main') => ({
  full_name: FULL_NAME,
  name: REPO,
  owner: { login: OWNER },
  default_branch: defaultBranch,
  fork: false
})

export const randomSha = () => randomBytes(20).toString('hex')

/** `pull_request` (opened/synchronize): GITHUB_SHA is GitHub's merge commit. */
export function pullRequestEvent(
  pr: PullRequest,
  opts: { fork?: string; labels?: string[]; author?: string; mergeSha?: string } = {}
): Event {
  const headRepo = opts.fork ?? FULL_NAME
  return {
    event: 'pull_request',
    sha: opts.mergeSha ?? randomSha(),
    ref: `refs/pull/${pr.number}/merge`,
    payload: {
      action: 'synchronize',
      number: pr.number,
      pull_request: {
        number: pr.number,
        user: { login: opts.author ?? 'octocat' },
        head: {
          sha: pr.headSha,
          ref: pr.headRef,
          repo: { full_name: headRepo, fork: opts.fork !== undefined }
        },
        base: { sha: pr.baseSha, ref: pr.baseRef, repo: { full_name: FULL_NAME, fork: false } },
        labels: (opts.labels ?? []).map(name => ({ name }))
      },
      repository: repository(),
      sender: { login: opts.author ?? 'octocat' }
    }
  }
}

/** A push to `branch` (default: the default branch) moving it from `before` to `sha`. */
export function pushEvent(sha: string, opts: { before?: string; branch?: string } = {}): Event {
  const ref = `refs/heads/${opts.branch ?? 'main'}`
  return {
    event: 'push',
    sha,
    ref,
    payload: {
      ref,
      before: opts.before ?? '0'.repeat(40),
      after: sha,
      repository: repository(),
      sender: { login: 'octocat' }
    }
  }
}

/** `workflow_run` (completed) of a pull_request workflow that built `headSha`. */
export function workflowRunEvent(runId: number, headSha: string, headRepo?: string): Event {
  return {
    event: 'workflow_run',
    sha: randomSha(),
    ref: 'refs/heads/main',
    payload: {
      action: 'completed',
      workflow_run: {
        id: runId,
        head_sha: headSha,
        event: 'pull_request',
        conclusion: 'success',
        pull_requests: [],
        ...(headRepo ? { head_repository: { full_name: headRepo } } : {})
      },
      repository: repository(),
      sender: { login: 'octocat' }
    }
  }
}

// ----- workspaces -----------------------------------------------------------------------

/** Writes `files` (path → content) under `dir`. */
export function writeFiles(dir: string, files: Record<string, string | Buffer>): string {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), content)
  }
  return dir
}

/**
 * A Dockerfile building offline from the host's static busybox, then writing files of the
 * given sizes (zeros) in one RUN each: `{ '/data/a': 1_000_000 }`.
 */
export function busyboxDockerfile(files: Record<string, number>, extra: string[] = []): string {
  return [
    'FROM scratch',
    'COPY busybox /bin/busybox',
    'RUN ["/bin/busybox","--install","-s","/bin"]',
    ...Object.entries(files).map(
      ([path, bytes]) => `RUN mkdir -p ${dirname(path)} && head -c ${bytes} /dev/zero > ${path}`
    ),
    ...extra,
    ''
  ].join('\n')
}

/** A workspace whose build contexts (`dir → Dockerfile text`) each hold busybox. */
export function busyboxWorkspace(contexts: Record<string, string>, dir = tempDir()): string {
  for (const [context, dockerfile] of Object.entries(contexts)) {
    busyboxContext(join(dir, context))
    writeFiles(dir, { [join(context, 'Dockerfile')]: dockerfile })
  }
  return dir
}

/** A `docker save`-style archive of a two-layer image: a base layer and `appBytes` of app data. */
export async function appArchive(appBytes: number, seed = 1): Promise<Buffer> {
  const image = await buildImage({
    reference: 'acme/app:test',
    layers: [
      {
        createdBy: 'ADD rootfs.tar / # base',
        entries: [
          { path: 'etc', type: 'dir' },
          { path: 'etc/os-release', content: 'ID=test\n' },
          { path: 'bin', type: 'dir' },
          { path: 'bin/sh', size: 200_000, mode: 0o755 }
        ]
      },
      {
        createdBy: 'COPY app /app # buildkit',
        entries: [
          { path: 'app', type: 'dir' },
          { path: 'app/data.bin', size: appBytes, seed }
        ]
      }
    ]
  })
  return writeLegacyArchive(image)
}

/** A workspace holding `app.tar` (the image the workflow built elsewhere) of `appBytes`. */
export async function archiveWorkspace(appBytes: number, seed = 1): Promise<string> {
  return writeFiles(tempDir(), { 'app.tar': await appArchive(appBytes, seed) })
}

// ----- git ----------------------------------------------------------------------------

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  HOME: tmpdir()
}

export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-C', dir, ...args], { env: GIT_ENV, encoding: 'utf8' }).trim()
}

/** Commits everything in `dir` (a git repository) and returns the new sha. */
export function commitAll(dir: string, message: string): string {
  git(dir, 'add', '-A')
  git(dir, 'commit', '-q', '-m', message)
  return git(dir, 'rev-parse', 'HEAD')
}

// ----- the fake GitHub ------------------------------------------------------------------

export interface World {
  gh: FakeGitHub
  repo: RepoModel
  /** Runs the action against this world's fake with its default (write) token. */
  run(event: Event, opts: Partial<RunOptions> & { workspace: string }): Promise<ActionRun>
  close(): Promise<void>
}

export interface WorldOptions {
  /**
   * A baseline of an archive image with this many bytes of app data, recorded at the initial
   * commit of main (see recordedDataBranch).
   */
  baseline?: number
}

// Every world starts at the same instant, so every world's initial commit has the same sha and
// a data branch recorded in one world is valid in another.
const EPOCH = new Date('2026-01-05T09:00:00Z')

export async function startWorld(opts: WorldOptions = {}): Promise<World> {
  const gh = await startFakeGitHub({ repos: [{ owner: OWNER, repo: REPO }], now: EPOCH })
  const repo = gh.repo(OWNER, REPO)
  if (opts.baseline !== undefined) {
    const files = await recordedDataBranch(opts.baseline)
    repo.addCommit({ branch: DATA_BRANCH, parents: [], files, message: 'recorded' })
  }
  return {
    gh,
    repo,
    run: (event, runOpts) => runAction({ apiUrl: gh.url, token: gh.token, ...event, ...runOpts }),
    close: () => gh.close()
  }
}

/** Runs `fn` in a fresh world and checks every request it made was one GitHub would accept. */
export async function inWorld(fn: (w: World) => Promise<void>, opts?: WorldOptions): Promise<void> {
  const w = await startWorld(opts)
  try {
    await fn(w)
    w.gh.assertNoValidationErrors()
  } finally {
    await w.close()
  }
}

const recordings = new Map<number, Promise<Record<string, string>>>()

/**
 * The data branch (path → content) after the action recorded an `appBytes` archive image on a
 * push of main's initial commit: recorded by a real run, then copied into the worlds that need
 * a baseline (a recording costs ~10 s of GitHub's write spacing). Kept on disk per bundle, so
 * the test files of one jest run share it.
 */
export function recordedDataBranch(appBytes: number): Promise<Record<string, string>> {
  let files = recordings.get(appBytes)
  if (!files) {
    files = (async () => {
      const cache = join(tmpdir(), 'isg-e2e-recordings', `${await bundleHash()}-${appBytes}.json`)
      if (existsSync(cache))
        return JSON.parse(readFileSync(cache, 'utf8')) as Record<string, string>
      const w = await startWorld()
      try {
        await recordArchive(w, w.repo.getBranch('main')!, appBytes)
        w.gh.assertNoValidationErrors()
        const paths = w.repo.listFiles(DATA_BRANCH)
        const recorded = Object.fromEntries(paths.map(p => [p, w.repo.readFile(DATA_BRANCH, p)!]))
        mkdirSync(dirname(cache), { recursive: true })
        writeFileSync(`${cache}.${process.pid}`, JSON.stringify(recorded))
        renameSync(`${cache}.${process.pid}`, cache)
        return recorded
      } finally {
        await w.close()
      }
    })()
    recordings.set(appBytes, files)
  }
  return files
}

/** Pretends the workflow's token is read-only (a fork PR): returns that token. */
export function readOnlyToken(gh: FakeGitHub): string {
  const token = `ghs_readonly${randomBytes(12).toString('hex')}`
  gh.addToken(token, {
    login: 'github-actions[bot]',
    permissions: {
      contents: 'read',
      pullRequests: 'read',
      issues: 'read',
      statuses: 'read',
      actions: 'read'
    }
  })
  return token
}

/** The comments of a PR written by the action (the bot), oldest first. */
export function botComments(repo: RepoModel, pr: number) {
  return repo.comments(pr).filter(c => c.user === 'github-actions[bot]')
}

export const MARKER_PREFIX = '<!-- image-size-guard:'

/** A new commit pushed to the PR's branch (`synchronize`): returns the PR with its new head. */
export function pushToPullRequest(repo: RepoModel, pr: PullRequest): PullRequest {
  const headSha = repo.addCommit({ parents: [pr.headSha], message: 'more PR changes' })
  const pull = repo.issue(pr.number)?.pull
  if (!pull) throw new Error(`#${pr.number} is not a pull request`)
  pull.headSha = headSha
  repo.refs.set(`refs/pull/${pr.number}/head`, headSha)
  return { ...pr, headSha }
}

/** The `### <icon> Image size: …` title of a comment or summary. */
export function headlineOf(markdown: string): string | undefined {
  return /^### .*Image size.*$/m.exec(markdown)?.[0]
}

/** Records the baseline of an `appBytes` archive image at `sha` with a push to main. */
export async function recordArchive(
  w: World,
  sha: string,
  appBytes: number,
  inputs: Record<string, string> = {}
): Promise<ActionRun> {
  const workspace = await archiveWorkspace(appBytes)
  const r = await w.run(pushEvent(sha), { workspace, inputs: { archive: 'app.tar', ...inputs } })
  if (r.code !== 0 || r.errors.length > 0) throw new Error(`recording failed:\n${logOf(r)}`)
  return r
}

/** A PR run measuring an `appBytes` archive image. */
export async function comparePullRequest(
  w: World,
  pr: PullRequest,
  appBytes: number,
  opts: Partial<RunOptions> & { eventOptions?: Parameters<typeof pullRequestEvent>[1] } = {}
): Promise<ActionRun> {
  const { eventOptions, inputs, ...rest } = opts
  const workspace = await archiveWorkspace(appBytes)
  return w.run(pullRequestEvent(pr, eventOptions), {
    workspace,
    ...rest,
    inputs: { archive: 'app.tar', ...inputs }
  })
}
