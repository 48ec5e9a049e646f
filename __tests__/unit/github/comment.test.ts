import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import {
  composeBody,
  makeMarker,
  MAX_COMMENT_CHARS,
  readState,
  upsertComment,
  wantsComment,
  type CommentMode,
  type CommentState,
  type UpsertCommentOptions
} from '../../../src/github/comment.js'
import type { Octokit } from '../../../src/github-api.js'
import { ACTIONS_BOT, type FakeGitHub, type RepoModel } from '../../support/fake-github.js'
import { fastClient, inFlight, memoryLog, OWNER, REPO, rejection, startGitHub } from './setup.js'

let gh: FakeGitHub
let repo: RepoModel
let octokit: Octokit
let pr: number

beforeEach(async () => {
  gh = await startGitHub()
  repo = gh.repo(OWNER, REPO)
  octokit = fastClient(gh)
  pr = repo.addPullRequest({ user: 'alice' }).number
})

afterEach(async () => {
  gh.assertNoValidationErrors()
  await gh.close()
})

const MARKER = makeMarker('shop-api', 'linux/amd64')
const FAIL: CommentState = { verdict: 'fail', sizes: [2000] }
const PASS: CommentState = { verdict: 'pass', sizes: [1000] }

function upsert(body: string, extra: Partial<UpsertCommentOptions> = {}, client = octokit) {
  return upsertComment(client, {
    owner: OWNER,
    repo: REPO,
    issueNumber: pr,
    marker: MARKER,
    body: `${MARKER}\n${body}`,
    mode: 'always',
    state: FAIL,
    ...extra
  })
}

const bodies = () => repo.comments(pr).map(c => c.body)

describe('upsertComment', () => {
  it('creates the comment once, then updates it in place', async () => {
    const first = await upsert('size +10 MB')
    expect(first).toMatchObject({ action: 'created' })
    expect(first.url).toMatch(/#issuecomment-\d+$/)
    const second = await upsert('size +12 MB')
    expect(second).toEqual({ action: 'updated', id: first.id, url: first.url })
    expect(repo.comments(pr)).toHaveLength(1)
    expect(bodies()[0]).toContain('size +12 MB')
    expect(repo.comments(pr)[0].user).toBe(ACTIONS_BOT.login)
  })

  it('skips the PATCH when the body is unchanged', async () => {
    await upsert('same')
    const again = await upsert('same')
    expect(again.action).toBe('unchanged')
    expect(gh.requestsTo('PATCH')).toHaveLength(0)
  })

  it('finds its comment behind 150 others (all pages)', async () => {
    for (let i = 0; i < 150; i++)
      repo.addComment(pr, { user: i % 2 ? 'bob' : ACTIONS_BOT.login, body: `chatter ${i}` })
    const created = await upsert('v1')
    for (let i = 0; i < 10; i++) repo.addComment(pr, { user: 'bob', body: 'more' })
    const updated = await upsert('v2')
    expect(updated).toMatchObject({ action: 'updated', id: created.id })
    expect(repo.comments(pr).filter(c => c.body.includes(MARKER))).toHaveLength(1)
    const lists = gh.requestsTo('GET', `/repos/${OWNER}/${REPO}/issues/${pr}/comments`)
    expect(lists.every(r => r.query.per_page === '100')).toBe(true)
    expect(lists.some(r => r.query.page === '2')).toBe(true)
  })

  it("ignores other people's comments that carry our marker", async () => {
    repo.addComment(pr, { user: 'mallory', body: `${MARKER}\nI quoted your marker` })
    const r = await upsert('ours')
    expect(r.action).toBe('created')
    expect(bodies()).toEqual([`${MARKER}\nI quoted your marker`, expect.stringContaining('ours')])
  })

  it("with a user's token, only that user's comments are candidates", async () => {
    gh.addToken('pat', { login: 'size-bot-user', type: 'User' })
    repo.addComment(pr, { user: ACTIONS_BOT.login, body: `${MARKER}\nfrom another bot` })
    const r = await upsert('mine', {}, fastClient(gh, 'pat'))
    expect(r.action).toBe('created')
    expect(repo.comments(pr).map(c => c.user)).toEqual([ACTIONS_BOT.login, 'size-bot-user'])
    const again = await upsert('mine v2', {}, fastClient(gh, 'pat'))
    expect(again).toMatchObject({ action: 'updated', id: r.id })
  })

  it('keeps matrix legs with different keys apart', async () => {
    const amd = makeMarker('shop-api', 'linux/amd64', 'leg-1')
    const arm = makeMarker('shop-api', 'linux/arm64', 'leg-2')
    await upsert(`${amd}\namd v1`, { marker: amd })
    await upsert(`${arm}\narm v1`, { marker: arm })
    await upsert(`${amd}\namd v2`, { marker: amd })
    expect(bodies()).toEqual([expect.stringContaining('amd v2'), expect.stringContaining('arm v1')])
  })

  it('ends a create/create race with one comment: the oldest, with our body', async () => {
    const comments = `/repos/${OWNER}/${REPO}/issues/${pr}/comments`
    gh.delayNext({ method: 'POST', path: comments, ms: 200 })
    const log = memoryLog()
    const ours = upsert('from job A', { log })
    await inFlight(gh, r => r.method === 'POST' && r.path === comments)
    // Job B saw no comment either and created its own first.
    const theirs = repo.addComment(pr, { user: ACTIONS_BOT.login, body: `${MARKER}\nfrom job B` })
    const result = await ours
    expect(result).toMatchObject({ action: 'updated', id: theirs })
    expect(repo.comments(pr)).toHaveLength(1)
    expect(bodies()[0]).toContain('from job A')
    expect(gh.requestsTo('DELETE')).toHaveLength(1)
    expect(log.infos[0]).toMatch(/Another job posted the same comment first/)
  })

  it('two concurrent upserts leave exactly one comment', async () => {
    const results = await Promise.all([upsert('run 1'), upsert('run 2')])
    expect(repo.comments(pr)).toHaveLength(1)
    expect(results.map(r => r.id)).toEqual([repo.comments(pr)[0].id, repo.comments(pr)[0].id])
  })

  it('never touches the API with `never`', async () => {
    const r = await upsert('x', { mode: 'never' })
    expect(r).toEqual({ action: 'skipped', reason: 'input `comment` is `never`' })
    expect(gh.requests).toHaveLength(0)
  })

  it('`on-failure` stays silent on a pass, posts a failure, then keeps it current', async () => {
    expect(await upsert('green', { mode: 'on-failure', state: PASS })).toMatchObject({
      action: 'skipped'
    })
    expect(repo.comments(pr)).toHaveLength(0)
    expect(await upsert('red', { mode: 'on-failure', state: FAIL })).toMatchObject({
      action: 'created'
    })
    // Fixed: the existing comment turns green instead of showing a stale failure.
    expect(await upsert('green again', { mode: 'on-failure', state: PASS })).toMatchObject({
      action: 'updated'
    })
    expect(bodies()[0]).toContain('green again')
  })

  it('`on-change` writes when the verdict or sizes moved, not for the same pass', async () => {
    expect(await upsert('pass', { mode: 'on-change', state: PASS })).toMatchObject({
      action: 'skipped'
    })
    expect(
      await upsert('warn', { mode: 'on-change', state: { verdict: 'warn', sizes: [1500] } })
    ).toMatchObject({
      action: 'created'
    })
    expect(await upsert('pass', { mode: 'on-change', state: PASS })).toMatchObject({
      action: 'updated'
    })
    expect(await upsert('pass, new run link', { mode: 'on-change', state: PASS })).toMatchObject({
      action: 'unchanged'
    })
    expect(
      await upsert('pass bigger', { mode: 'on-change', state: { verdict: 'pass', sizes: [1001] } })
    ).toMatchObject({
      action: 'updated'
    })
  })

  it('names `pull-requests: write` when the token may not comment', async () => {
    gh.addToken('ro', {
      login: ACTIONS_BOT.login,
      permissions: { issues: 'read', pullRequests: 'read' }
    })
    const e = await rejection(upsert('x', {}, fastClient(gh, 'ro')))
    expect(e.message).toMatch(
      /^posting the PR comment needs `pull-requests: write` — add it under `permissions:`/
    )
  })
})

describe('makeMarker', () => {
  it.each([
    ['-->', 'x'],
    ['a --!> b', 'x'],
    ['line\nbreak', '<script>'],
    ['ünï', 'linux/amd64']
  ])('keeps %j / %j inside one hidden comment', (name, platform) => {
    const marker = makeMarker(name, platform, 'key -->')
    expect(marker).toMatch(/^<!-- image-size-guard:[A-Za-z0-9._/@+=%:-]+ -->$/)
    expect(marker.indexOf('-->')).toBe(marker.length - 3)
  })

  it('gives different keys different markers, none a prefix of another', () => {
    const a = makeMarker('app', 'linux/amd64', 'a')
    const ab = makeMarker('app', 'linux/amd64', 'ab')
    expect(a).not.toBe(ab)
    expect(ab.includes(a)).toBe(false)
    expect(makeMarker('x'.repeat(300), 'p')).not.toBe(makeMarker(`${'x'.repeat(299)}y`, 'p'))
  })
})

describe('composeBody and modes', () => {
  it('adds the marker when the body lacks it and keeps the state readable', () => {
    const body = composeBody('hello', MARKER, FAIL)
    expect(body.startsWith(`${MARKER}\nhello`)).toBe(true)
    expect(readState(body)).toEqual(FAIL)
  })

  it('stays within GitHub’s limit, keeping marker and state', () => {
    const body = composeBody('x'.repeat(MAX_COMMENT_CHARS * 2), MARKER, PASS)
    expect(Array.from(body).length).toBeLessThanOrEqual(MAX_COMMENT_CHARS)
    expect(body).toContain(MARKER)
    expect(body).toContain('truncated')
    expect(readState(body)).toEqual(PASS)
  })

  const cases: Array<[CommentMode, CommentState, boolean, boolean]> = [
    ['always', PASS, false, true],
    ['never', FAIL, true, false],
    ['on-failure', FAIL, false, true],
    ['on-failure', { verdict: 'warn', sizes: [] }, false, true],
    ['on-failure', { verdict: 'accepted', sizes: [] }, false, false],
    ['on-failure', PASS, true, true],
    ['on-change', { verdict: 'no-baseline', sizes: [1] }, false, true],
    ['on-change', PASS, false, false]
  ]
  it.each(cases)('%s with %j (comment exists: %s) → write %s', (mode, state, exists, write) => {
    const existing = exists ? { body: composeBody('old', MARKER, FAIL) } : undefined
    expect(wantsComment(mode, state, existing).write).toBe(write)
  })
})
