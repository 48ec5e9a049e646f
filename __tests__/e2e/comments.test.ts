// Scenarios 5, 6 and 12: the ONE sticky comment is found among many (pagination), a comment
// the token may not write never changes the verdict, and matrix legs keep their own comments.
// Independent worlds, run concurrently (most of each run is the client's write spacing).

import { describe, expect, it } from '@jest/globals'
import { expectClean, logOf } from './support/action.js'
import {
  botComments,
  comparePullRequest,
  headlineOf,
  inWorld,
  MARKER_PREFIX,
  type World
} from './support/world.js'

const MB = 1_000_000

const TIMEOUT = 240_000
const recorded = { baseline: 1 * MB }

describe('the sticky comment', () => {
  it.concurrent(
    'is found on page 2 behind 150 other comments and updated, not duplicated',
    () =>
      inWorld(async w => {
        const pr = w.repo.addPullRequest({ user: 'alice' })
        for (let i = 0; i < 120; i++)
          w.repo.addComment(pr.number, { user: i % 2 ? 'bob' : 'carol', body: `comment ${i}` })
        const first = await comparePullRequest(w, pr, 2 * MB)
        expectClean(first)
        const [ours] = botComments(w.repo, pr.number)
        for (let i = 0; i < 30; i++)
          w.repo.addComment(pr.number, { user: 'bob', body: `later ${i}` })
        // A person quoting our marker is never mistaken for our comment.
        const quote = w.repo.addComment(pr.number, { user: 'mallory', body: `> ${ours.body}` })
        expect(w.repo.comments(pr.number).findIndex(c => c.id === ours.id)).toBe(120)

        w.gh.clearRecords()
        const second = await comparePullRequest(w, pr, 3 * MB)
        expectClean(second)
        const all = w.repo.comments(pr.number)
        expect(all).toHaveLength(152)
        expect(botComments(w.repo, pr.number).map(c => c.id)).toEqual([ours.id])
        const updated = all.find(c => c.id === ours.id)!
        expect(updated.body).toContain('(+2.00 MB, +')
        expect(all.find(c => c.id === quote)!.body).toBe(`> ${ours.body}`)
        const listed = w.gh.requestsTo('GET', `/repos/acme/app/issues/${pr.number}/comments`)
        expect(listed.map(q => q.query.page ?? '1').sort()).toEqual(['1', '2'])
        expect(w.gh.requestsTo('POST', `/repos/acme/app/issues/${pr.number}/comments`)).toEqual([])
        expect(w.gh.requestsTo('PATCH', '/repos/acme/app/issues/comments')).toHaveLength(1)
        expect(second.outputs['comment-url']).toMatch(new RegExp(`#issuecomment-${ours.id}$`))
      }, recorded),
    TIMEOUT
  )

  it.concurrent(
    'matrix legs with different comment-key keep one comment each',
    () =>
      inWorld(async w => {
        const pr = w.repo.addPullRequest({ user: 'alice' })
        // Both legs start at the same time, as a matrix does.
        const [amd, arm] = await Promise.all([
          comparePullRequest(w, pr, 2 * MB, { inputs: { 'comment-key': 'amd64' } }),
          comparePullRequest(w, pr, 3 * MB, { inputs: { 'comment-key': 'arm64' } })
        ])
        for (const r of [amd, arm]) expectClean(r)
        const comments = botComments(w.repo, pr.number)
        expect(comments).toHaveLength(2)
        const byKey = (key: string) =>
          comments.filter(c => c.body.startsWith(`${MARKER_PREFIX}app:linux/amd64:${key} -->`))
        expect(byKey('amd64')).toHaveLength(1)
        expect(byKey('arm64')).toHaveLength(1)
        expect(byKey('amd64')[0].body).toContain('(+1.00 MB, +')
        expect(byKey('arm64')[0].body).toContain('(+2.00 MB, +')

        // A re-run of one leg updates only its own comment.
        const rerun = await comparePullRequest(w, pr, 4 * MB, {
          inputs: { 'comment-key': 'amd64' }
        })
        expect(rerun.code).toBe(0)
        const after = botComments(w.repo, pr.number)
        expect(after.map(c => c.id)).toEqual(comments.map(c => c.id))
        expect(after.find(c => c.id === byKey('amd64')[0].id)!.body).toContain('(+3.00 MB, +')
        expect(after.find(c => c.id === byKey('arm64')[0].id)!.body).toBe(byKey('arm64')[0].body)
      }, recorded),
    TIMEOUT
  )

  it.concurrent(
    'two jobs with the same key racing to create it end with one comment',
    () =>
      inWorld(async w => {
        const pr = w.repo.addPullRequest({ user: 'alice' })
        const runs = await Promise.all([
          comparePullRequest(w, pr, 2 * MB),
          comparePullRequest(w, pr, 2 * MB)
        ])
        for (const r of runs) expectClean(r)
        expect(botComments(w.repo, pr.number)).toHaveLength(1)
      }, recorded),
    TIMEOUT
  )
})

describe('a comment the token may not write', () => {
  // The workflow forgot `pull-requests: write`: GitHub answers 403 to the comment, not the rest.
  const noCommentToken = (w: World) => {
    const token = 'ghs_nocomments000000000000000000000000'
    w.gh.addToken(token, {
      login: 'github-actions[bot]',
      permissions: { issues: 'read', pullRequests: 'read' }
    })
    return token
  }

  it.concurrent(
    'is a warning naming the permission; verdict, status, summary and exit code stand',
    () =>
      inWorld(async w => {
        const pr = w.repo.addPullRequest({ user: 'alice' })
        const token = noCommentToken(w)
        const r = await comparePullRequest(w, pr, 2 * MB, { token })
        expect(r.code).toBe(0)
        expect(r.errors).toEqual([])
        expect(r.warnings).toHaveLength(1)
        expect(r.warnings[0]).toMatch(/could not post the PR comment/)
        expect(r.warnings[0]).toContain('`pull-requests: write`')
        expect(r.outputs.verdict).toBe('pass')
        expect(r.outputs['delta-bytes']).toBe(String(1 * MB))
        expect(r.outputs['comment-url']).toBe('')
        expect(headlineOf(r.summary)).toBe('### ✅ Image size: passed')
        expect(r.summary).toContain('Changed layers')
        expect(r.summary).toContain('(+1.00 MB, +')
        expect(w.repo.comments(pr.number)).toEqual([])
        expect(w.repo.statuses(pr.headSha)).toHaveLength(1)
      }, recorded),
    TIMEOUT
  )

  it.concurrent(
    'with a failing verdict, the job fails for the verdict, not for the comment',
    () =>
      inWorld(async w => {
        const pr = w.repo.addPullRequest({ user: 'alice' })
        const token = noCommentToken(w)
        const r = await comparePullRequest(w, pr, 2 * MB, {
          token,
          inputs: { 'max-increase': '10%' }
        })
        expect(r.code).toBe(1)
        expect(r.errors).toHaveLength(1)
        expect(r.errors[0]).toMatch(/^image size check failed — app: image grew \+1\.00 MB/)
        expect(r.warnings.join('\n')).toContain('`pull-requests: write`')
        expect(r.outputs.verdict).toBe('fail')
        expect(w.repo.statuses(pr.headSha)[0]).toMatchObject({ state: 'failure' })
      }, recorded),
    TIMEOUT
  )

  it.concurrent(
    'a 403 while listing comments is a warning too',
    () =>
      inWorld(async w => {
        const pr = w.repo.addPullRequest({ user: 'alice' })
        w.repo.failNext({
          method: 'GET',
          path: `/repos/acme/app/issues/${pr.number}/comments`,
          status: 403,
          body: {
            message: 'Resource not accessible by integration',
            documentation_url: 'https://docs.github.com/rest/issues/comments#list-issue-comments'
          }
        })
        const r = await comparePullRequest(w, pr, 2 * MB)
        expect([r.code, r.errors]).toEqual([0, []])
        expect(r.warnings).toEqual([expect.stringContaining('`pull-requests: read`')])
        expect(r.outputs.verdict).toBe('pass')
        expect(w.gh.pendingFaults).toBe(0)
        expect(logOf(r)).not.toMatch(/^\s+at /m)
      }, recorded),
    TIMEOUT
  )
})
