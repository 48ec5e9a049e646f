import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { getOctokit } from '@actions/github'
import { retry } from '@octokit/plugin-retry'
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate'
import {
  ACTIONS_BOT,
  faults,
  MAX_COMMENT_LENGTH,
  startFakeGitHub,
  type FakeGitHub,
  type RepoModel
} from '../support/fake-github.js'
import { matchOperation, validateResponse } from '../support/openapi-validator.js'

const owner = 'acme'
const repoName = 'app'
const base = { owner, repo: repoName }

let gh: FakeGitHub
let repo: RepoModel

function client(token = gh.token) {
  return getOctokit(token, { baseUrl: gh.url })
}

/** Resolves to the HTTP status of a rejected octokit call (and its error message). */
async function failure(call: Promise<unknown>): Promise<{ status: number; message: string }> {
  try {
    await call
  } catch (error) {
    const e = error as { status: number; message: string }
    return { status: e.status, message: e.message }
  }
  throw new Error('expected the request to fail')
}

beforeEach(async () => {
  gh = await startFakeGitHub({
    repos: [{ owner, repo: repoName }],
    now: new Date('2024-05-01T00:00:00Z')
  })
  repo = gh.repo(owner, repoName)
})

afterEach(async () => {
  await gh.close()
})

describe('startup', () => {
  it('starts quickly on a random local port', async () => {
    const started = Date.now()
    const other = await startFakeGitHub()
    const elapsed = Date.now() - started
    await other.close()
    expect(other.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(elapsed).toBeLessThan(2000)
  })
})

describe('issue comments', () => {
  it('round-trips create, list, update and delete through the model', async () => {
    const { number } = repo.addPullRequest({ user: 'alice' })
    const octokit = client()

    const created = await octokit.rest.issues.createComment({
      ...base,
      issue_number: number,
      body: 'hi'
    })
    expect(created.status).toBe(201)
    expect(created.data.user?.login).toBe(ACTIONS_BOT.login)
    expect(created.data.user?.type).toBe('Bot')
    expect(created.headers['content-type']).toBe('application/json; charset=utf-8')
    expect(created.headers['x-github-request-id']).toBeTruthy()
    expect(repo.comments(number)).toEqual([
      expect.objectContaining({ body: 'hi', user: ACTIONS_BOT.login })
    ])

    const id = created.data.id
    const updated = await octokit.rest.issues.updateComment({
      ...base,
      comment_id: id,
      body: 'edited'
    })
    expect(updated.data.body).toBe('edited')
    expect(repo.comments(number)[0].body).toBe('edited')

    const listed = await octokit.rest.issues.listComments({ ...base, issue_number: number })
    expect(listed.data.map(c => c.body)).toEqual(['edited'])

    const deleted = await octokit.rest.issues.deleteComment({ ...base, comment_id: id })
    expect(deleted.status).toBe(204)
    expect(repo.comments(number)).toEqual([])
    gh.assertNoValidationErrors()
  })

  it('serves comments seeded for other users', async () => {
    const number = repo.addIssue()
    repo.addComment(number, { user: 'bob', body: 'from bob' })
    const { data } = await client().rest.issues.listComments({ ...base, issue_number: number })
    expect(data[0].user?.login).toBe('bob')
    expect(data[0].user?.type).toBe('User')
    gh.assertNoValidationErrors()
  })

  it('rejects a body the spec forbids with 422 and records it', async () => {
    const number = repo.addIssue()
    const octokit = client()
    // A plain route string skips octokit's typed parameters, like a buggy caller would.
    const route: string = 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments'

    const missing = await failure(octokit.request(route, { ...base, issue_number: number }))
    const wrongType = await failure(
      octokit.request(route, { ...base, issue_number: number, body: 5 })
    )

    expect(missing.status).toBe(422)
    expect(missing.message).toContain('"body" wasn\'t supplied')
    expect(wrongType.status).toBe(422)
    expect(wrongType.message).toContain('is not a string')
    expect(repo.comments(number)).toEqual([])
    expect(gh.validationErrors.map(e => [e.kind, e.operationId])).toEqual([
      ['request', 'issues/create-comment'],
      ['request', 'issues/create-comment']
    ])
    expect(() => gh.assertNoValidationErrors()).toThrow(/issues\/create-comment.*wasn't supplied/)
  })

  it('answers 422 "Body is too long" past 65536 characters, as GitHub does', async () => {
    const number = repo.addIssue()
    const body = 'x'.repeat(MAX_COMMENT_LENGTH + 1)
    const result = await failure(
      client().rest.issues.createComment({ ...base, issue_number: number, body })
    )
    expect(result.status).toBe(422)
    expect(result.message).toContain('Body is too long')
    await client().rest.issues.createComment({ ...base, issue_number: number, body: body.slice(1) })
    expect(repo.comments(number)).toHaveLength(1)
    // GitHub's own validation, not a spec violation.
    gh.assertNoValidationErrors()
  })

  it('answers 404 for an issue that does not exist', async () => {
    const result = await failure(client().rest.issues.listComments({ ...base, issue_number: 99 }))
    expect(result.status).toBe(404)
    gh.assertNoValidationErrors()
  })
})

describe('routing', () => {
  it('rejects and records unknown paths and undocumented methods', async () => {
    const headers = { authorization: `token ${gh.token}` }
    const unknown = await fetch(`${gh.url}/repos/${owner}/${repoName}/not-a-thing`, { headers })
    const wrongMethod = await fetch(`${gh.url}/repos/${owner}/${repoName}/pulls/1`, {
      method: 'DELETE',
      headers
    })
    expect(unknown.status).toBe(404)
    expect(await unknown.json()).toMatchObject({ message: 'Not Found', status: '404' })
    expect(wrongMethod.status).toBe(404)
    expect(gh.validationErrors.map(e => e.kind)).toEqual(['unknown-route', 'unknown-route'])
    expect(gh.validationErrors[1].message).toContain('allowed: GET, PATCH')
  })

  it('rejects a path parameter of the wrong type', async () => {
    const result = await failure(
      client().request('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
        ...base,
        issue_number: 'abc' as unknown as number
      })
    )
    expect(result.status).toBe(404)
    expect(gh.validationErrors[0]).toMatchObject({
      kind: 'request',
      operationId: 'issues/list-comments'
    })
  })

  it('matches refs with encoded or raw slashes and prefers literal segments', () => {
    const encoded = matchOperation('GET', '/repos/o/r/git/ref/heads%2Fmain')
    const raw = matchOperation('GET', '/repos/o/r/git/ref/heads/feature/x')
    const literal = matchOperation('GET', '/repos/o/r/issues/comments/5')
    expect(encoded.kind === 'ok' && encoded.match.rawParams.ref).toBe('heads/main')
    expect(raw.kind === 'ok' && raw.match.rawParams.ref).toBe('heads/feature/x')
    expect(literal.kind === 'ok' && literal.match.operation.operationId).toBe('issues/get-comment')
  })

  it('requires a known token', async () => {
    const anonymous = await fetch(`${gh.url}/repos/${owner}/${repoName}`)
    const bad = await failure(client('nope').rest.repos.get(base))
    expect(anonymous.status).toBe(401)
    expect(bad.status).toBe(401)
    expect(bad.message).toContain('Bad credentials')
  })

  it('records a response of the fake that breaks the documented schema', async () => {
    const { number } = repo.addPullRequest()
    const issue = repo.issue(number)
    if (issue) issue.title = 42 as unknown as string
    await client().rest.pulls.get({ ...base, pull_number: number })
    expect(gh.validationErrors).toEqual([
      expect.objectContaining({
        kind: 'response',
        operationId: 'pulls/get',
        problems: [expect.stringContaining('response/title must be string')]
      })
    ])
  })

  it('flags responses that do not match the documented schema', () => {
    const match = matchOperation('POST', '/repos/o/r/issues/1/comments')
    if (match.kind !== 'ok') throw new Error('route not found')
    const problems = validateResponse(match.match.operation, 201, { id: 'x' }, {})
    expect(problems.join('\n')).toMatch(/must have required property 'node_id'/)
    expect(problems.join('\n')).toMatch(/\/id must be integer/)
    expect(validateResponse(match.match.operation, 299, {}, {})).toEqual([
      'status 299 is not documented for issues/create-comment'
    ])
  })
})

describe('pagination', () => {
  it('pages with per_page/page and a Link header octokit.paginate follows', async () => {
    const number = repo.addIssue()
    for (let i = 0; i < 75; i++) repo.addComment(number, { user: 'bob', body: `c${i}` })
    const octokit = client()

    const first = await octokit.rest.issues.listComments({
      ...base,
      issue_number: number,
      per_page: 20
    })
    expect(first.data).toHaveLength(20)
    expect(first.headers.link).toMatch(/[?&]page=2>; rel="next"/)
    expect(first.headers.link).toMatch(/[?&]page=4>; rel="last"/)
    expect(first.headers.link).not.toContain('rel="prev"')

    const last = await octokit.rest.issues.listComments({
      ...base,
      issue_number: number,
      per_page: 20,
      page: 4
    })
    expect(last.data.map(c => c.body)).toEqual(Array.from({ length: 15 }, (_, i) => `c${60 + i}`))
    expect(last.headers.link).toMatch(/rel="prev".*rel="first"/)
    expect(last.headers.link).not.toContain('rel="next"')

    gh.clearRecords()
    const all = await octokit.paginate(octokit.rest.issues.listComments, {
      ...base,
      issue_number: number,
      per_page: 20
    })
    expect(all.map(c => c.body)).toEqual(Array.from({ length: 75 }, (_, i) => `c${i}`))
    expect(
      gh.requestsTo('GET', `/repos/${owner}/${repoName}/issues/${number}/comments`)
    ).toHaveLength(4)
    gh.assertNoValidationErrors()
  })

  it('defaults to 30 per page and caps per_page at 100', async () => {
    const number = repo.addIssue()
    for (let i = 0; i < 130; i++) repo.addComment(number, { body: `c${i}` })
    const octokit = client()
    const byDefault = await octokit.rest.issues.listComments({ ...base, issue_number: number })
    const capped = await octokit.rest.issues.listComments({
      ...base,
      issue_number: number,
      per_page: 500
    })
    expect(byDefault.data).toHaveLength(30)
    expect(capped.data).toHaveLength(100)
  })

  it('paginates label events', async () => {
    const { number } = repo.addPullRequest()
    repo.addLabelEvent(number, { label: 'size-ok', actor: 'maintainer' })
    repo.addLabelEvent(number, { label: 'size-ok', actor: 'maintainer', event: 'unlabeled' })
    repo.addLabelEvent(number, { label: 'other', actor: 'alice', color: 'ffffff' })
    const octokit = client()
    const events = await octokit.paginate(octokit.rest.issues.listEvents, {
      ...base,
      issue_number: number,
      per_page: 2
    })
    expect(events.map(e => [e.event, e.actor?.login])).toEqual([
      ['labeled', 'maintainer'],
      ['unlabeled', 'maintainer'],
      ['labeled', 'alice']
    ])
    expect(events[2]).toMatchObject({ label: { name: 'other', color: 'ffffff' } })
    const labels = await octokit.rest.issues.listLabelsOnIssue({ ...base, issue_number: number })
    expect(labels.data.map(l => l.name)).toEqual(['other'])
    gh.assertNoValidationErrors()
  })
})

describe('git data', () => {
  it('hashes blobs, nested trees and commits exactly like git', async () => {
    const octokit = client()
    const blob = await octokit.rest.git.createBlob({ ...base, content: 'hello\n' })
    expect(blob.data.sha).toBe('ce013625030ba8dba906f756967f9e9ca394464a')
    const b64 = await octokit.rest.git.createBlob({ ...base, content: 'aGk=', encoding: 'base64' })
    expect(b64.data.sha).toBe('32f95c0d1244a78b2be1bab8de17906fabb2c4a8')

    const tree = await octokit.rest.git.createTree({
      ...base,
      tree: [
        { path: 'a/b/c.json', mode: '100644', type: 'blob', content: '{}' },
        { path: 'README.md', mode: '100644', type: 'blob', content: 'hi\n' }
      ]
    })
    expect(tree.data.sha).toBe('93f72d2b5e569cd0096c2bd42280766a28307487')
    expect(tree.data.tree.map(e => [e.path, e.type])).toEqual([
      ['README.md', 'blob'],
      ['a', 'tree']
    ])

    const commit = await octokit.rest.git.createCommit({
      ...base,
      message: 'msg',
      tree: tree.data.sha,
      parents: [],
      author: { name: 'A', email: 'a@x', date: '2024-01-01T00:00:00Z' }
    })
    expect(commit.data.sha).toBe('8bb91048628bbb5cc367f3993aa324db4c9c0e40')

    const recursive = await octokit.rest.git.getTree({
      ...base,
      tree_sha: tree.data.sha,
      recursive: '1'
    })
    expect(recursive.data.tree.map(e => `${e.type} ${e.path} ${e.sha}`)).toEqual([
      'blob README.md 45b983be36b73c0788dc9cbcb76cbb80fc7bb057',
      'tree a 9cf1ffad5dc0d52ad9e8f0f3b5981a04abaed843',
      'tree a/b 222fa7009e34e6887d266adcd15cdf62d90b90bd',
      'blob a/b/c.json 9e26dfeeb6e641a33dae4961196235bdb965b21b'
    ])
    gh.assertNoValidationErrors()
  })

  it('writes a data branch through the Git Data API and reads it back', async () => {
    const octokit = client()
    const ref = 'heads/image-size-guard-data'
    expect((await failure(octokit.rest.git.getRef({ ...base, ref }))).status).toBe(404)

    const tree1 = await octokit.rest.git.createTree({
      ...base,
      tree: [
        { path: 'baselines/main.json', mode: '100644', type: 'blob', content: '{"v":1}' },
        { path: 'baselines/old.json', mode: '100644', type: 'blob', content: 'old' }
      ]
    })
    const c1 = await octokit.rest.git.createCommit({
      ...base,
      message: 'one',
      tree: tree1.data.sha,
      parents: []
    })
    await octokit.rest.git.createRef({ ...base, ref: `refs/${ref}`, sha: c1.data.sha })
    const exists = await failure(
      octokit.rest.git.createRef({ ...base, ref: `refs/${ref}`, sha: c1.data.sha })
    )
    expect(exists).toMatchObject({
      status: 422,
      message: expect.stringContaining('Reference already exists')
    })

    const tree2 = await octokit.rest.git.createTree({
      ...base,
      base_tree: tree1.data.sha,
      tree: [
        { path: 'baselines/main.json', mode: '100644', type: 'blob', content: '{"v":2}' },
        { path: 'baselines/old.json', mode: '100644', type: 'blob', sha: null }
      ]
    })
    const c2 = await octokit.rest.git.createCommit({
      ...base,
      message: 'two',
      tree: tree2.data.sha,
      parents: [c1.data.sha]
    })
    const updated = await octokit.rest.git.updateRef({ ...base, ref, sha: c2.data.sha })
    expect(updated.data.object.sha).toBe(c2.data.sha)

    const got = await octokit.rest.git.getRef({ ...base, ref })
    expect(got.data).toMatchObject({
      ref: `refs/${ref}`,
      object: { sha: c2.data.sha, type: 'commit' }
    })
    expect(repo.getBranch('image-size-guard-data')).toBe(c2.data.sha)
    expect(repo.readFile('image-size-guard-data', 'baselines/main.json')).toBe('{"v":2}')
    expect(repo.listFiles('image-size-guard-data')).toEqual(['baselines/main.json'])

    const content = await octokit.rest.repos.getContent({
      ...base,
      path: 'baselines/main.json',
      ref: 'image-size-guard-data'
    })
    const file = content.data as { content: string; encoding: string }
    expect(Buffer.from(file.content, 'base64').toString()).toBe('{"v":2}')
    const raw = await octokit.rest.repos.getContent({
      ...base,
      path: 'baselines/main.json',
      ref: 'image-size-guard-data',
      mediaType: { format: 'raw' }
    })
    expect(raw.data).toBe('{"v":2}')
    const dir = await octokit.rest.repos.getContent({
      ...base,
      path: 'baselines',
      ref: c2.data.sha
    })
    expect((dir.data as Array<{ name: string; type: string }>).map(e => [e.name, e.type])).toEqual([
      ['main.json', 'file']
    ])
    const missing = await failure(
      octokit.rest.repos.getContent({ ...base, path: 'nope.json', ref: 'image-size-guard-data' })
    )
    expect(missing.status).toBe(404)
    gh.assertNoValidationErrors()
  })

  it('seeds commits with files and lists the repository root', async () => {
    const sha = repo.addCommit({
      message: 'seed',
      branch: 'main',
      files: { 'a.txt': 'A', 'd/b.txt': 'B' }
    })
    repo.addCommit({ message: 'drop', branch: 'main', files: { 'd/b.txt': null } })
    expect(repo.listFiles(sha)).toEqual(['a.txt', 'd/b.txt'])
    expect(repo.listFiles('main')).toEqual(['a.txt'])
    expect(repo.readFile(sha.slice(0, 10), 'd/b.txt')).toBe('B')
    const root = await client().rest.repos.getContent({ ...base, path: '' })
    expect((root.data as Array<{ path: string }>).map(e => e.path)).toEqual(['a.txt'])
    gh.assertNoValidationErrors()
  })

  it('refuses a non-fast-forward ref update unless forced', async () => {
    const octokit = client()
    const a = repo.addCommit({ message: 'a', branch: 'data' })
    const sibling = repo.addCommit({
      message: 'sibling',
      parents: repo.git.commit(a)?.parents ?? []
    })
    const child = repo.addCommit({ message: 'child', parents: [a] })

    const rejected = await failure(
      octokit.rest.git.updateRef({ ...base, ref: 'heads/data', sha: sibling })
    )
    expect(rejected.status).toBe(422)
    expect(rejected.message).toContain('Update is not a fast forward')
    expect(repo.getBranch('data')).toBe(a)
    const fullRef = await failure(
      octokit.rest.git.updateRef({ ...base, ref: 'refs/heads/data', sha: child })
    )
    expect(fullRef).toMatchObject({
      status: 422,
      message: expect.stringContaining('Reference does not exist')
    })

    await octokit.rest.git.updateRef({ ...base, ref: 'heads/data', sha: child })
    expect(repo.getBranch('data')).toBe(child)
    await octokit.rest.git.updateRef({ ...base, ref: 'heads/data', sha: sibling, force: true })
    expect(repo.getBranch('data')).toBe(sibling)
    gh.assertNoValidationErrors()
  })

  it('simulates branch protection', async () => {
    const tip = repo.getBranch('main') as string
    const next = repo.addCommit({ parents: [tip] })
    repo.protectBranch('main')
    const result = await failure(
      client().rest.git.updateRef({ ...base, ref: 'heads/main', sha: next })
    )
    expect(result).toMatchObject({
      status: 422,
      message: expect.stringContaining('Protected branch update failed for refs/heads/main')
    })
  })

  it('lists history and compares commits', async () => {
    const octokit = client()
    const root = repo.getBranch('main') as string
    const c1 = repo.addCommit({ message: 'c1', branch: 'main' })
    const c2 = repo.addCommit({ message: 'c2', branch: 'main' })
    const side = repo.addCommit({ message: 'side', parents: [c1] })

    const history = await octokit.rest.repos.listCommits({ ...base, sha: c2, per_page: 2 })
    expect(history.data.map(c => c.sha)).toEqual([c2, c1])
    const all = await octokit.paginate(octokit.rest.repos.listCommits, {
      ...base,
      sha: 'main',
      per_page: 2
    })
    expect(all.map(c => c.sha)).toEqual([c2, c1, root])

    const diverged = await octokit.rest.repos.compareCommitsWithBasehead({
      ...base,
      basehead: `${c2}...${side}`
    })
    expect(diverged.data).toMatchObject({ status: 'diverged', ahead_by: 1, behind_by: 1 })
    expect(diverged.data.merge_base_commit.sha).toBe(c1)
    const ahead = await octokit.rest.repos.compareCommitsWithBasehead({
      ...base,
      basehead: `${root}...main`
    })
    expect(ahead.data).toMatchObject({ status: 'ahead', ahead_by: 2, behind_by: 0 })
    expect(ahead.data.commits.map(c => c.sha)).toEqual([c1, c2])
    gh.assertNoValidationErrors()
  })
})

describe('pull requests, statuses, permissions', () => {
  it('serves pull requests, including fork heads', async () => {
    const pr = repo.addPullRequest({
      user: 'alice',
      headRepo: 'alice/app',
      headRef: 'patch-1',
      labels: ['a']
    })
    const { data } = await client().rest.pulls.get({ ...base, pull_number: pr.number })
    expect(data).toMatchObject({
      number: pr.number,
      state: 'open',
      user: { login: 'alice' },
      head: { sha: pr.headSha, ref: 'patch-1', repo: { full_name: 'alice/app', fork: true } },
      base: { sha: pr.baseSha, ref: 'main', repo: { full_name: 'acme/app' } },
      labels: [{ name: 'a' }]
    })
    gh.assertNoValidationErrors()
  })

  it("lists a PR's files from its base and head trees, paged like GitHub", async () => {
    const baseSha = repo.addCommit({ files: { 'a.txt': 'a', 'gone.txt': 'x', 'same.txt': 's' } })
    const headSha = repo.addCommit({
      parents: [baseSha],
      files: { 'a.txt': 'A', 'gone.txt': null, '.github/workflows/m.yml': 'on: push\n' }
    })
    const pr = repo.addPullRequest({ baseSha, headSha })
    const files = await client().paginate(client().rest.pulls.listFiles, {
      ...base,
      pull_number: pr.number,
      per_page: 2
    })
    expect(files.map(f => [f.filename, f.status])).toEqual([
      ['.github/workflows/m.yml', 'added'],
      ['a.txt', 'modified'],
      ['gone.txt', 'removed']
    ])
    expect(gh.requests.filter(r => r.operationId === 'pulls/list-files')).toHaveLength(2)
    gh.assertNoValidationErrors()
  })

  it('creates and lists commit statuses, rejecting long descriptions', async () => {
    const { headSha } = repo.addPullRequest()
    const octokit = client()
    await octokit.rest.repos.createCommitStatus({
      ...base,
      sha: headSha,
      state: 'pending',
      context: 'image-size'
    })
    await octokit.rest.repos.createCommitStatus({
      ...base,
      sha: headSha,
      state: 'success',
      context: 'image-size',
      description: 'ok',
      target_url: 'https://example.com/run'
    })
    const tooLong = await failure(
      octokit.rest.repos.createCommitStatus({
        ...base,
        sha: headSha,
        state: 'failure',
        description: 'x'.repeat(141)
      })
    )
    expect(tooLong.status).toBe(422)
    const unknownSha = await failure(
      octokit.rest.repos.createCommitStatus({ ...base, sha: 'f'.repeat(40), state: 'success' })
    )
    expect(unknownSha.status).toBe(422)
    expect(repo.statuses(headSha).map(s => s.state)).toEqual(['success', 'pending'])
    const listed = await octokit.rest.repos.listCommitStatusesForRef({ ...base, ref: headSha })
    expect(listed.data.map(s => s.state)).toEqual(['success', 'pending'])
    const combined = await octokit.rest.repos.getCombinedStatusForRef({ ...base, ref: headSha })
    expect(combined.data).toMatchObject({ state: 'success', total_count: 1 })
    gh.assertNoValidationErrors()
  })

  it('reports collaborator permissions with legacy and role names', async () => {
    repo.setPermission('maint', 'maintain')
    const octokit = client()
    const maint = await octokit.rest.repos.getCollaboratorPermissionLevel({
      ...base,
      username: 'maint'
    })
    const stranger = await octokit.rest.repos.getCollaboratorPermissionLevel({
      ...base,
      username: 'stranger'
    })
    expect(maint.data).toMatchObject({
      permission: 'write',
      role_name: 'maintain',
      user: { login: 'maint' }
    })
    expect(stranger.data).toMatchObject({ permission: 'none', role_name: 'none' })
    gh.assertNoValidationErrors()
  })

  it("gives a read-only token GitHub's exact 403 on writes", async () => {
    const number = repo.addIssue()
    gh.addToken('fork-token', {
      login: ACTIONS_BOT.login,
      permissions: { contents: 'read', issues: 'read', pullRequests: 'read', statuses: 'read' }
    })
    const readOnly = client('fork-token')
    const response = await fetch(`${gh.url}/repos/${owner}/${repoName}/issues/${number}/comments`, {
      method: 'POST',
      headers: { authorization: 'Bearer fork-token', 'content-type': 'application/json' },
      body: JSON.stringify({ body: 'hi' })
    })
    expect(response.status).toBe(403)
    expect(await response.json()).toEqual({
      message: 'Resource not accessible by integration',
      documentation_url: 'https://docs.github.com/rest/issues/comments#create-an-issue-comment',
      status: '403'
    })
    const status = await failure(
      readOnly.rest.repos.createCommitStatus({
        ...base,
        sha: repo.getBranch('main') as string,
        state: 'success'
      })
    )
    expect(status.status).toBe(403)
    const listed = await readOnly.rest.issues.listComments({ ...base, issue_number: number })
    expect(listed.status).toBe(200)
    expect(repo.comments(number)).toEqual([])
    gh.assertNoValidationErrors()
  })

  it('serves the repository and refuses GET /user to an installation token', async () => {
    const octokit = client()
    const { data } = await octokit.rest.repos.get(base)
    expect(data).toMatchObject({
      default_branch: 'main',
      full_name: 'acme/app',
      permissions: { push: true }
    })
    const user = await failure(octokit.rest.users.getAuthenticated())
    expect(user).toMatchObject({
      status: 403,
      message: expect.stringContaining('Resource not accessible by integration')
    })
    gh.addToken('pat', { login: 'alice', type: 'User' })
    const me = await client('pat').rest.users.getAuthenticated()
    expect(me.data.login).toBe('alice')
    gh.assertNoValidationErrors()
  })
})

describe('actions', () => {
  it('lists artifacts and downloads the zip through a 302', async () => {
    const { number, headSha } = repo.addPullRequest()
    const runId = repo.addWorkflowRun({ headSha, pullRequests: [number], event: 'pull_request' })
    const zip = zipSync({ 'report.json': strToU8('{"ok":true}') })
    const id = repo.addArtifact(runId, 'image-size-report', zip)
    repo.addArtifact(runId, 'other', zipSync({ 'x.txt': strToU8('x') }))
    const octokit = client()

    const run = await octokit.rest.actions.getWorkflowRun({ ...base, run_id: runId })
    expect(run.data).toMatchObject({
      head_sha: headSha,
      event: 'pull_request',
      pull_requests: [{ number }]
    })

    const all = await octokit.paginate(octokit.rest.actions.listWorkflowRunArtifacts, {
      ...base,
      run_id: runId,
      per_page: 1
    })
    expect(all.map(a => a.name)).toEqual(['image-size-report', 'other'])
    const byName = await octokit.rest.actions.listWorkflowRunArtifacts({
      ...base,
      run_id: runId,
      name: 'other'
    })
    expect(byName.data.total_count).toBe(1)

    const download = await octokit.rest.actions.downloadArtifact({
      ...base,
      artifact_id: id,
      archive_format: 'zip'
    })
    expect(download.status).toBe(200)
    const files = unzipSync(new Uint8Array(download.data as ArrayBuffer))
    expect(strFromU8(files['report.json'])).toBe('{"ok":true}')
    expect(gh.requestsTo('GET', '/_artifact-blobs/')).toHaveLength(1)
    expect(
      gh.requestsTo('GET', `/repos/${owner}/${repoName}/actions/artifacts/${id}/zip`)[0].status
    ).toBe(302)
    gh.assertNoValidationErrors()
  })

  it('answers 410 for expired artifacts', async () => {
    const runId = repo.addWorkflowRun()
    const id = repo.addArtifact(runId, 'old', zipSync({}), { expired: true })
    const result = await failure(
      client().rest.actions.downloadArtifact({ ...base, artifact_id: id, archive_format: 'zip' })
    )
    expect(result.status).toBe(410)
    gh.assertNoValidationErrors()
  })
})

describe('fault injection', () => {
  it('fails the next matching request once, then recovers', async () => {
    gh.failNext({ method: 'GET', path: `/repos/${owner}/${repoName}`, status: 502 })
    const failed = await fetch(`${gh.url}/repos/${owner}/${repoName}`, {
      headers: { authorization: `token ${gh.token}` }
    })
    expect(failed.status).toBe(502)
    expect(failed.headers.get('content-type')).toContain('text/html')
    expect(await failed.text()).toContain('502 Bad Gateway')
    const ok = await client().rest.repos.get(base)
    expect(ok.status).toBe(200)
    expect(gh.requests.map(r => [r.status, r.injected ?? false])).toEqual([
      [502, true],
      [200, false]
    ])
    expect(gh.pendingFaults).toBe(0)
  })

  it('lets octokit retry through server errors', async () => {
    const number = repo.addIssue()
    repo.failNext({ path: /\/comments$/, status: 500, times: 2 })
    const octokit = getOctokit(
      gh.token,
      { baseUrl: gh.url, retry: { retryAfterBaseValue: 1 } },
      retry
    )
    const created = await octokit.rest.issues.createComment({
      ...base,
      issue_number: number,
      body: 'x'
    })
    expect(created.status).toBe(201)
    expect(gh.requestsTo('POST').map(r => r.status)).toEqual([500, 500, 201])
    expect(repo.comments(number)).toHaveLength(1)
  })

  it('produces secondary rate limits and 429s with retry-after', async () => {
    gh.failNext(faults.secondaryRateLimit(7))
    gh.failNext({ ...faults.tooManyRequests(3) })
    const limited = await fetch(`${gh.url}/repos/${owner}/${repoName}`, {
      headers: { authorization: `token ${gh.token}` }
    })
    expect(limited.status).toBe(403)
    expect(limited.headers.get('retry-after')).toBe('7')
    expect(((await limited.json()) as { message: string }).message).toContain(
      'secondary rate limit'
    )
    const tooMany = await failure(client().rest.repos.get(base))
    expect(tooMany.status).toBe(429)
  })

  it('delays a request long enough for a client timeout, and still closes fast', async () => {
    gh.delayNext({ path: `/repos/${owner}/${repoName}`, ms: 60_000 })
    const started = Date.now()
    await expect(
      fetch(`${gh.url}/repos/${owner}/${repoName}`, {
        headers: { authorization: `token ${gh.token}` },
        signal: AbortSignal.timeout(100)
      })
    ).rejects.toThrow()
    expect(Date.now() - started).toBeLessThan(5000)
    const delayed = gh.requests[0]
    expect(delayed.status).toBe(0)
  })

  it('sends rate-limit headers octokit relies on', async () => {
    const first = await client().rest.repos.get(base)
    const second = await client().rest.repos.get(base)
    expect(first.headers['x-ratelimit-limit']).toBe('5000')
    expect(Number(second.headers['x-ratelimit-remaining'])).toBe(
      Number(first.headers['x-ratelimit-remaining']) - 1
    )
    expect(first.headers['x-ratelimit-resource']).toBe('core')
  })
})
