import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import {
  ApiTimeoutError,
  createClient,
  explainApiError,
  GitHubApiError
} from '../../../src/github-api.js'
import { VERSION } from '../../../src/version.js'
import { faults, type FakeGitHub } from '../../support/fake-github.js'
import { fastClient, memoryLog, OWNER, REPO, rejection, startGitHub } from './setup.js'

let gh: FakeGitHub

beforeEach(async () => {
  gh = await startGitHub()
})

afterEach(async () => {
  gh.assertNoValidationErrors()
  await gh.close()
})

const path = `/repos/${OWNER}/${REPO}/issues`

function listComments(octokit = fastClient(gh)) {
  const number = gh.repo(OWNER, REPO).addIssue()
  return octokit.rest.issues.listComments({ owner: OWNER, repo: REPO, issue_number: number })
}

describe('createClient', () => {
  it('sends our user agent and talks to the given API URL', async () => {
    await listComments()
    expect(gh.requests[0].headers['user-agent']).toMatch(
      new RegExp(`^image-size-guard/${VERSION} `)
    )
  })

  it.each([500, 502, 503])('retries a %i and succeeds', async status => {
    gh.failNext({ path, status, times: 2 })
    const { status: answered } = await listComments()
    expect(answered).toBe(200)
    expect(gh.requestsTo('GET', path)).toHaveLength(3)
    expect(gh.pendingFaults).toBe(0)
  })

  it('gives up after 3 retries of a 5xx with a readable message', async () => {
    gh.failNext({ path, status: 502, times: 10 })
    const e = await rejection(listComments())
    expect(gh.requestsTo('GET', path)).toHaveLength(4)
    const text = explainApiError(e, 'reading the comments')
    expect(text).toBe(
      'reading the comments failed: GitHub answered 502 after retries; GitHub may be degraded (https://www.githubstatus.com), re-run the job'
    )
  })

  it('does not retry a 4xx', async () => {
    gh.failNext({ path, status: 404 })
    await rejection(listComments())
    expect(gh.requestsTo('GET', path)).toHaveLength(1)
  })

  it('retries a secondary rate limit, honouring retry-after, and warns', async () => {
    const log = memoryLog()
    gh.failNext({ path, ...faults.secondaryRateLimit(3) })
    const started = Date.now()
    const { status } = await listComments(fastClient(gh, gh.token, { rateLimitDelayMs: 20, log }))
    expect(status).toBe(200)
    expect(Date.now() - started).toBeGreaterThanOrEqual(55) // 3 s × 20 ms
    expect(gh.requestsTo('GET', path)).toHaveLength(2)
    expect(log.warnings.join('\n')).toMatch(/secondary rate limit on GET .*: retrying in 3 s/)
  })

  it('retries a 429 once through the throttling plugin only', async () => {
    gh.failNext({ path, ...faults.tooManyRequests(1) })
    await listComments()
    expect(gh.requestsTo('GET', path)).toHaveLength(2)
  })

  it('retries a primary rate limit', async () => {
    gh.failNext({ path, ...faults.primaryRateLimit(0) })
    const { status } = await listComments()
    expect(status).toBe(200)
  })

  it('gives up after 2 rate-limit retries with a clear message', async () => {
    const log = memoryLog()
    gh.failNext({ path, ...faults.secondaryRateLimit(1), times: 5 })
    const e = await rejection(listComments(fastClient(gh, gh.token, { log })))
    expect(gh.requestsTo('GET', path)).toHaveLength(3)
    expect(explainApiError(e, 'posting the PR comment')).toMatch(
      /^posting the PR comment failed: the GitHub API rate limit was hit and did not clear after retries \(You have exceeded a secondary rate limit/
    )
    expect(log.warnings.at(-1)).toMatch(/giving up/)
  })

  it('does not wait when GitHub asks for longer than the maximum', async () => {
    gh.failNext({ path, ...faults.secondaryRateLimit(3600) })
    await rejection(listComments())
    expect(gh.requestsTo('GET', path)).toHaveLength(1)
  })

  it('fails a hung request after the timeout with a clear error', async () => {
    gh.delayNext({ path, ms: 3000 })
    const started = Date.now()
    const e = await rejection(listComments(fastClient(gh, gh.token, { timeoutMs: 150 })))
    expect(Date.now() - started).toBeLessThan(2000)
    expect(e).toBeInstanceOf(ApiTimeoutError)
    expect(e.message).toMatch(
      /^GitHub API request GET \/repos\/acme\/app\/issues\/1\/comments did not answer within 0.15 s$/
    )
    expect(explainApiError(e, 'reading the comments')).toMatch(
      /^reading the comments failed: GitHub API request .* re-run the job$/
    )
  })

  it('defaults to real-world delays (no test overrides)', () => {
    expect(() => createClient('t', gh.url)).not.toThrow()
  })
})

describe('explainApiError', () => {
  it('names the permission to add for a 403 from an installation token', async () => {
    gh.addToken('ro', {
      login: 'github-actions[bot]',
      permissions: { issues: 'read', pullRequests: 'read' }
    })
    const number = gh.repo(OWNER, REPO).addIssue()
    const e = await rejection(
      fastClient(gh, 'ro').rest.issues.createComment({
        owner: OWNER,
        repo: REPO,
        issue_number: number,
        body: 'x'
      })
    )
    expect(explainApiError(e, 'posting the PR comment', 'pull-requests: write')).toBe(
      'posting the PR comment needs `pull-requests: write` — add it under `permissions:` in the workflow (fork PRs get a read-only token: see the two-workflow setup in the README)'
    )
  })

  it('explains a bad token, a 404 and a 422 without a stack trace', async () => {
    const badToken = await rejection(listComments(fastClient(gh, 'nope')))
    expect(explainApiError(badToken, 'reading the comments')).toBe(
      'reading the comments failed: GitHub rejected the token (Bad credentials); check the `github-token` input'
    )
    const missing = await rejection(
      fastClient(gh).rest.issues.listComments({ owner: OWNER, repo: REPO, issue_number: 99 })
    )
    expect(explainApiError(missing, 'reading #99')).toMatch(
      /^reading #99 failed: not found \(404\)/
    )
    const invalid = await rejection(
      fastClient(gh).rest.git.createRef({
        owner: OWNER,
        repo: REPO,
        ref: 'bad',
        sha: 'f'.repeat(40)
      })
    )
    const text = explainApiError(invalid, 'creating a branch')
    expect(text).toMatch(/^creating a branch failed: GitHub answered 422: /)
    expect(text).not.toMatch(/\n\s+at /)
  })

  it('keeps an already explained error as it is', () => {
    const e = new GitHubApiError('already explained', 403)
    expect(explainApiError(e, 'anything')).toBe('already explained')
  })
})
