/**
 * A fake GitHub REST API for end-to-end tests.
 *
 * A `node:http` server on 127.0.0.1 (random port) with an in-memory model of repositories
 * (issues/PRs, comments, labels and label events, statuses, a real-sha git object store,
 * refs, workflow runs, artifacts). Every request is recorded, and every request and response
 * is validated against GitHub's OpenAPI description (`@octokit/openapi`): a call the real API
 * would reject gets GitHub's 404/422 answer AND a `validationErrors` entry, so tests fail.
 *
 * Usage:
 *
 *   const gh = await startFakeGitHub({ repos: [{ owner: 'acme', repo: 'app' }] })
 *   const repo = gh.repo('acme', 'app')
 *   const pr = repo.addPullRequest({ user: 'alice', labels: ['big-image-ok'] })
 *   process.env.GITHUB_API_URL = gh.url      // or getOctokit(gh.token, { baseUrl: gh.url })
 *   // ... run the code under test with GITHUB_TOKEN = gh.token ...
 *   expect(repo.comments(pr.number)).toHaveLength(1)
 *   expect(repo.readFile('image-size-guard-data', 'baseline.json')).toBeDefined()
 *   gh.assertNoValidationErrors()
 *   await gh.close()
 *
 * Tokens: `gh.token` is a GITHUB_TOKEN for `github-actions[bot]` with write access everywhere;
 * `gh.addToken('ro', { login: 'github-actions[bot]', permissions: { contents: 'read', ... } })`
 * simulates a fork PR's read-only token (writes get GitHub's 403 "Resource not accessible by
 * integration"). Faults: `gh.failNext({ path: '/repos/acme/app/issues', status: 502 })`,
 * `gh.failNext(faults.secondaryRateLimit())`, `gh.delayNext({ ms: 5000 })`.
 *
 * Pull requests: `pulls/{n}/files` diffs the merge base against the head in the git store (the
 * `patch` is git's own); review comments (`reviewCommentsOf(repo)`) are refused with GitHub's
 * 422 unless their lines are right-side lines of one hunk of that patch.
 *
 * Seeding: `repo.addPullRequest()` returns `{ number, headSha, baseSha, headRef, baseRef }`;
 * `repo.addCommit({ message, parents, files })` returns a real git sha. A documented endpoint
 * the fake does not serve answers 501 and is recorded as `unimplemented`: add a handler in
 * `fake-github/handlers-*.ts` (keyed by operationId) rather than working around it.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { loadSpec } from './openapi-validator.js'
import type { DelayRule, FailRule } from './fake-github/faults.js'
import {
  RequestPipeline,
  type RecordedRequest,
  type Recorder,
  type ValidationError
} from './fake-github/pipeline.js'
import type { RepoModel } from './fake-github/repo-model.js'
import { ACTIONS_BOT, FakeState } from './fake-github/state.js'
import type { TokenInfo, TokenOptions } from './fake-github/types.js'

export { faults, type DelayRule, type FailRule } from './fake-github/faults.js'
export type { RecordedRequest, ValidationError } from './fake-github/pipeline.js'
export type {
  CommitSeed,
  PullRequestSeed,
  RepoModel,
  WorkflowRunSeed
} from './fake-github/repo-model.js'
export type {
  Access,
  Identity,
  Permission,
  Scope,
  TokenOptions,
  TokenPermissions
} from './fake-github/types.js'
export { ACTIONS_BOT } from './fake-github/state.js'
export { MAX_COMMENT_LENGTH } from './fake-github/handlers-issues.js'
export {
  pullFiles,
  reviewCommentsOf,
  reviewsOf,
  type ReviewCommentRecord,
  type ReviewRecord
} from './fake-github/handlers-pulls.js'

export interface FakeGitHubOptions {
  repos?: Array<{ owner: string; repo: string; defaultBranch?: string }>
  /** Start of the fake clock (timestamps advance one second per event). */
  now?: Date
  /** Value of the default token (`gh.token`). */
  token?: string
}

export const DEFAULT_TOKEN = 'ghs_fakeGitHubActionsToken0000000000000'

export class FakeGitHub {
  /** Every request received, in arrival order. */
  readonly requests: RecordedRequest[]
  /** Requests GitHub would reject, and responses of the fake that break the spec. */
  readonly validationErrors: ValidationError[]

  constructor(
    /** Base URL (`http://127.0.0.1:PORT`), usable as GITHUB_API_URL / octokit `baseUrl`. */
    readonly url: string,
    /** A GITHUB_TOKEN for `github-actions[bot]` with write access to everything. */
    readonly token: string,
    private readonly server: Server,
    private readonly state: FakeState,
    private readonly pipeline: RequestPipeline,
    recorder: Recorder
  ) {
    this.requests = recorder.requests
    this.validationErrors = recorder.validationErrors
  }

  /** The repository model (created with an initial commit on first use). */
  repo(owner: string, repo: string, options: { defaultBranch?: string } = {}): RepoModel {
    return this.state.repo(owner, repo, options)
  }

  addToken(token: string, options: TokenOptions): TokenInfo {
    return this.state.addToken(token, options)
  }

  /** Makes the next matching request(s) fail with the given status/body/headers. */
  failNext(rule: FailRule): void {
    this.state.faults.failNext(rule)
  }

  /** Holds the next matching request(s) for `ms` before answering (timeouts, hangs). */
  delayNext(rule: DelayRule): void {
    this.state.faults.delayNext(rule)
  }

  /** Injected failures/delays not consumed yet. */
  get pendingFaults(): number {
    return this.state.faults.pendingCount
  }

  /** Recorded requests with this method whose path starts with `pathPrefix`. */
  requestsTo(method: string, pathPrefix = '/'): RecordedRequest[] {
    const upper = method.toUpperCase()
    return this.requests.filter(r => r.method === upper && r.path.startsWith(pathPrefix))
  }

  /** Forgets recorded requests and validation errors (state is kept). */
  clearRecords(): void {
    this.requests.length = 0
    this.validationErrors.length = 0
  }

  /** Throws a readable list when any request or response broke the spec. */
  assertNoValidationErrors(): void {
    if (this.validationErrors.length === 0) return
    const lines = this.validationErrors.map(error => {
      const op = error.operationId ? ` (${error.operationId})` : ''
      const details = error.problems.map(p => `\n      - ${p}`).join('')
      const message = error.message.replace(/\s*\n+\s*/g, ' ')
      return `  [${error.kind}] ${error.method} ${error.path}${op} → ${error.status}: ${message}${details}`
    })
    const count = this.validationErrors.length
    throw new Error(`fake GitHub saw ${count} invalid request(s)/response(s):\n${lines.join('\n')}`)
  }

  async close(): Promise<void> {
    this.pipeline.shutdown()
    this.server.closeAllConnections()
    await new Promise<void>(resolve => this.server.close(() => resolve()))
  }
}

export async function startFakeGitHub(opts: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  loadSpec()
  const state = new FakeState(opts.now)
  const token = opts.token ?? DEFAULT_TOKEN
  state.addToken(token, { login: ACTIONS_BOT.login, id: ACTIONS_BOT.id, type: 'Bot' })
  const recorder: Recorder = { requests: [], validationErrors: [] }
  const pipeline = new RequestPipeline(state, recorder)
  const server = createServer((req, res) => {
    pipeline.handle(req, res).catch(error => {
      res.destroy(error as Error)
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  state.baseUrl = `http://127.0.0.1:${port}`
  for (const r of opts.repos ?? []) state.repo(r.owner, r.repo, { defaultBranch: r.defaultBranch })
  return new FakeGitHub(state.baseUrl, token, server, state, pipeline, recorder)
}
