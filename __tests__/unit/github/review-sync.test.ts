// syncSuggestions against the fake GitHub, whose pulls/{n}/files patches are git's own and
// whose review comments are refused (422) off the diff, as GitHub does.

import { describe, expect, it } from '@jest/globals'
import { planSuggestions, syncSuggestions, type Suggestion } from '../../../src/github/review.js'
import { pullFiles, reviewCommentsOf } from '../../support/fake-github.js'
import { hint } from '../../support/reports.js'
import { fastClient, OWNER, REPO } from './setup.js'
import { useFakeGitHub } from '../../support/use-fake-github.js'

const labels = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `LABEL n${from + i}=x`)
const OLD = [
  'FROM python:3.12',
  ...labels(12),
  'RUN pip install flask',
  ...labels(12, 12),
  ''
].join('\n')

const hub = useFakeGitHub()

/** A PR changing app/Dockerfile from `before` (on main) to `after`. */
function pullRequest(before: string, after: string) {
  const baseSha = hub.repo.addCommit({ branch: 'main', files: { 'app/Dockerfile': before } })
  const headSha = hub.repo.addCommit({ parents: [baseSha], files: { 'app/Dockerfile': after } })
  return hub.repo.addPullRequest({ baseSha, headSha })
}

function suggestionsFor(text: string, ids: [string, number][]): Suggestion[] {
  return planSuggestions(
    [
      {
        name: 'app',
        platform: 'linux/amd64',
        dockerfile: 'app/Dockerfile',
        hints: ids.map(([id, line]) =>
          hint(id, 3_000_000, { dockerfile: 'app/Dockerfile', dockerfileLine: line, new: true })
        )
      }
    ],
    new Map([['app/Dockerfile', text]])
  )
}

async function sync(pr: { number: number; headSha: string }, suggestions: Suggestion[]) {
  return syncSuggestions(fastClient(hub.gh), {
    owner: OWNER,
    repo: REPO,
    pullNumber: pr.number,
    headSha: pr.headSha,
    suggestions
  })
}

const statuses = () => hub.gh.requests.map(r => r.status)

describe('syncSuggestions', () => {
  it('posts on the touched line, once, updates, then deletes when resolved', async () => {
    const after = OLD.replace('RUN pip install flask', 'RUN pip install flask gunicorn')
    const pr = pullRequest(OLD, after)
    const s = suggestionsFor(after, [['pip-cache', 14]])
    expect(await sync(pr, s)).toEqual({ created: 1, updated: 0, deleted: 0, outsideDiff: 0 })
    const [c] = reviewCommentsOf(hub.repo)
    expect(c).toMatchObject({ path: 'app/Dockerfile', line: 14, startLine: null, side: 'RIGHT' })
    expect(c.commitId).toBe(pr.headSha)
    expect(c.body).toContain('```suggestion\nRUN pip install --no-cache-dir flask gunicorn\n```')

    // Again: nothing new, nothing written.
    hub.gh.clearRecords()
    expect(await sync(pr, s)).toEqual({ created: 0, updated: 0, deleted: 0, outsideDiff: 0 })
    expect(hub.gh.requests.filter(r => r.method !== 'GET')).toEqual([])
    expect(reviewCommentsOf(hub.repo)).toHaveLength(1)

    // The text changed (another size): updated in place.
    const bigger = s.map(x => ({ ...x, body: x.body.replace('3.00 MB', '4.00 MB') }))
    expect(await sync(pr, bigger)).toMatchObject({ created: 0, updated: 1 })
    expect(reviewCommentsOf(hub.repo)[0].body).toContain('4.00 MB')

    // The hint is gone: the suggestion is deleted.
    expect(await sync(pr, [])).toMatchObject({ deleted: 1 })
    expect(reviewCommentsOf(hub.repo)).toEqual([])
    expect(statuses()).not.toContain(422)
  })

  it('a multi-line instruction gets start_line and line on the right side', async () => {
    const after = OLD.replace(
      'RUN pip install flask',
      'RUN apt-get update \\\n    && apt-get install -y gcc'
    )
    const pr = pullRequest(OLD, after)
    expect(await sync(pr, suggestionsFor(after, [['apt-lists', 14]]))).toMatchObject({
      created: 1
    })
    expect(reviewCommentsOf(hub.repo)[0]).toMatchObject({ line: 15, startLine: 14 })
  })

  it('nothing, and no 422, when the instruction is not in the diff', async () => {
    const after = OLD.replace('LABEL n23=x', 'LABEL n23=changed')
    const pr = pullRequest(OLD, after)
    const [file] = pullFiles(hub.repo, hub.repo.issue(pr.number)!)
    expect(file).toMatchObject({ filename: 'app/Dockerfile', additions: 1, deletions: 1 })
    expect(file.patch).toMatch(/^@@ -23,4 \+23,4 @@/)
    expect(await sync(pr, suggestionsFor(after, [['pip-cache', 14]]))).toEqual({
      created: 0,
      updated: 0,
      deleted: 0,
      outsideDiff: 1
    })
    expect(reviewCommentsOf(hub.repo)).toEqual([])
    expect(hub.gh.requestsTo('POST')).toEqual([])
    expect(statuses()).not.toContain(422)
  })

  it('nothing when the lines in the diff read differently (the merge commit moved them)', async () => {
    const after = OLD.replace('RUN pip install flask', 'RUN pip install flask gunicorn')
    const pr = pullRequest(OLD, after)
    // The workspace (merge commit) has one more line above: the rewriter saw line 15.
    const merged = `# from main\n${after}`
    const s = suggestionsFor(merged, [['pip-cache', 15]])
    expect(await sync(pr, s)).toMatchObject({ created: 0, outsideDiff: 1 })
    expect(statuses()).not.toContain(422)
  })

  it('leaves other people’s review comments alone, and never takes one quoting our marker', async () => {
    const after = OLD.replace('RUN pip install flask', 'RUN pip install flask gunicorn')
    const pr = pullRequest(OLD, after)
    const s = suggestionsFor(after, [['pip-cache', 14]])
    await sync(pr, s)
    // Someone else posts a comment with our marker: a person, not us.
    hub.gh.addToken('ghp_alice', { login: 'alice', type: 'User' })
    await fastClient(hub.gh, 'ghp_alice').rest.pulls.createReviewComment({
      owner: OWNER,
      repo: REPO,
      pull_number: pr.number,
      commit_id: pr.headSha,
      path: 'app/Dockerfile',
      line: 14,
      side: 'RIGHT',
      body: s[0].body
    })
    expect(await sync(pr, [])).toMatchObject({ deleted: 1 })
    expect(reviewCommentsOf(hub.repo).map(c => c.user.login)).toEqual(['alice'])
  })

  it('without pull-requests: write, fails naming the permission', async () => {
    const after = OLD.replace('RUN pip install flask', 'RUN pip install flask gunicorn')
    const pr = pullRequest(OLD, after)
    hub.gh.addToken('ghs_ro', {
      login: 'github-actions[bot]',
      permissions: { pullRequests: 'read' }
    })
    const call = syncSuggestions(fastClient(hub.gh, 'ghs_ro'), {
      owner: OWNER,
      repo: REPO,
      pullNumber: pr.number,
      headSha: pr.headSha,
      suggestions: suggestionsFor(after, [['pip-cache', 14]])
    })
    await expect(call).rejects.toThrow(/posting a suggestion.*pull-requests: write/s)
    expect(reviewCommentsOf(hub.repo)).toEqual([])
  })

  it('the fake takes a review with comments all or nothing', async () => {
    const pr = pullRequest(OLD, OLD.replace('LABEL n23=x', 'LABEL n23=changed'))
    const octokit = fastClient(hub.gh)
    const review = (line: number) =>
      octokit.rest.pulls.createReview({
        owner: OWNER,
        repo: REPO,
        pull_number: pr.number,
        commit_id: pr.headSha,
        event: 'COMMENT',
        comments: [
          { path: 'app/Dockerfile', line: 26, side: 'RIGHT', body: 'on the diff' },
          { path: 'app/Dockerfile', line, side: 'RIGHT', body: 'maybe' }
        ]
      })
    await expect(review(14)).rejects.toMatchObject({ status: 422 })
    expect(reviewCommentsOf(hub.repo)).toEqual([])
    const { data } = await review(25)
    expect(data.state).toBe('COMMENTED')
    expect(reviewCommentsOf(hub.repo).map(c => [c.line, c.reviewId])).toEqual([
      [26, data.id],
      [25, data.id]
    ])
    const { data: listed } = await octokit.rest.pulls.listReviews({
      owner: OWNER,
      repo: REPO,
      pull_number: pr.number
    })
    expect(listed.map(r => r.id)).toEqual([data.id])
    hub.gh.clearRecords()
  })

  it('the fake refuses a comment off the diff like GitHub (422)', async () => {
    const pr = pullRequest(OLD, OLD.replace('LABEL n23=x', 'LABEL n23=changed'))
    const e = await fastClient(hub.gh)
      .rest.pulls.createReviewComment({
        owner: OWNER,
        repo: REPO,
        pull_number: pr.number,
        commit_id: pr.headSha,
        path: 'app/Dockerfile',
        line: 14,
        side: 'RIGHT',
        body: 'x'
      })
      .then(
        () => undefined,
        (err: unknown) => err as { status: number; message: string }
      )
    expect(e?.status).toBe(422)
    expect(e?.message).toMatch(/line must be part of the diff/)
    hub.gh.clearRecords()
  })
})
