/**
 * Pull request files, review comments and reviews.
 *
 * `pulls/list-files` diffs the PR's merge base against its head in the git store; each
 * file's `patch` is what `git diff` prints (hunks only, as GitHub serves it), made by git
 * itself on the two blobs. Review comments are checked like GitHub does: the commit must be
 * known, the path part of the PR's diff, and `line` (and `start_line`) right-side lines of
 * one hunk of that file's patch — anything else is GitHub's 422 ("… must be part of the diff").
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { paginate } from './pagination.js'
import { nodeId, userJson } from './representations.js'
import type { IssueRecord, RepoModel } from './repo-model.js'
import {
  access,
  ApiError,
  notFound,
  requireRepo,
  validationFailed,
  type HandlerContext,
  type Identity,
  type Json,
  type Routes
} from './types.js'

export interface ReviewCommentRecord {
  id: number
  pullNumber: number
  reviewId: number
  body: string
  user: Identity
  path: string
  commitId: string
  line: number
  startLine: number | null
  side: 'LEFT' | 'RIGHT'
  diffHunk: string
  createdAt: string
  updatedAt: string
}

export interface ReviewRecord {
  id: number
  pullNumber: number
  body: string
  user: Identity
  state: 'COMMENTED' | 'APPROVED' | 'CHANGES_REQUESTED' | 'PENDING'
  commitId: string
  submittedAt: string
}

export interface PullFile {
  filename: string
  status: 'added' | 'removed' | 'modified'
  additions: number
  deletions: number
  patch: string
  blobSha: string
}

const reviewComments = new WeakMap<RepoModel, ReviewCommentRecord[]>()
const reviews = new WeakMap<RepoModel, ReviewRecord[]>()

export function reviewCommentsOf(repo: RepoModel): ReviewCommentRecord[] {
  let list = reviewComments.get(repo)
  if (!list) reviewComments.set(repo, (list = []))
  return list
}

export function reviewsOf(repo: RepoModel): ReviewRecord[] {
  let list = reviews.get(repo)
  if (!list) reviews.set(repo, (list = []))
  return list
}

function pullOf(ctx: HandlerContext): { repo: RepoModel; issue: IssueRecord } {
  const repo = requireRepo(ctx)
  const issue = repo.issue(Number(ctx.params.pull_number))
  if (!issue?.pull) throw notFound()
  return { repo, issue }
}

/** The PR's files: merge base → head, with git's own patch of each text file. */
export function pullFiles(repo: RepoModel, issue: IssueRecord): PullFile[] {
  const pull = issue.pull!
  const base = repo.git.mergeBase(pull.baseSha, pull.headSha) ?? pull.baseSha
  const paths = [...new Set([...repo.listFiles(base), ...repo.listFiles(pull.headSha)])].sort()
  const files: PullFile[] = []
  for (const path of paths) {
    const before = repo.readFile(base, path)
    const after = repo.readFile(pull.headSha, path)
    if (before === after) continue
    const patch = gitPatch(before ?? '', after ?? '')
    const lines = patch.split('\n')
    files.push({
      filename: path,
      status: before === undefined ? 'added' : after === undefined ? 'removed' : 'modified',
      additions: lines.filter(l => l.startsWith('+')).length,
      deletions: lines.filter(l => l.startsWith('-')).length,
      patch,
      blobSha: repo.git.writeBlob(Buffer.from(after ?? ''))
    })
  }
  return files
}

function gitPatch(before: string, after: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'fake-gh-diff-'))
  try {
    writeFileSync(join(dir, 'a'), before)
    writeFileSync(join(dir, 'b'), after)
    let out = ''
    try {
      execFileSync('git', ['diff', '--no-index', '--no-color', '-U3', 'a', 'b'], { cwd: dir })
    } catch (e) {
      // Exit code 1: the files differ, the diff is on stdout.
      out = String((e as { stdout: Buffer }).stdout)
    }
    const start = out.indexOf('@@')
    return start < 0 ? '' : out.slice(start).replace(/\n$/, '')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Right-side line numbers of each hunk, with the hunk text up to that line (`diff_hunk`). */
function hunksOf(patch: string): { lines: Set<number>; text: string[] }[] {
  const hunks: { lines: Set<number>; text: string[] }[] = []
  let right = 0
  for (const line of patch.split('\n')) {
    const header = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line)
    if (header) {
      hunks.push({ lines: new Set(), text: [line] })
      right = Number(header[1])
      continue
    }
    const hunk = hunks[hunks.length - 1]
    if (!hunk) continue
    hunk.text.push(line)
    if (line.startsWith('+') || line.startsWith(' ')) hunk.lines.add(right++)
  }
  return hunks
}

function diffFailure(field: string, message: string): ApiError {
  return validationFailed('PullRequestReviewComment', field, message)
}

interface NewComment {
  path: string
  line?: number
  start_line?: number
  side?: string
  start_side?: string
  position?: number
  body: string
}

/** Checks a new review comment like GitHub; returns its diff hunk. */
function placeComment(
  repo: RepoModel,
  issue: IssueRecord,
  commitId: string,
  c: NewComment
): { diffHunk: string } {
  if (!repo.knowsCommit(commitId)) {
    throw diffFailure('commit_id', 'commit_id is not part of the pull request')
  }
  if (c.position !== undefined) throw diffFailure('position', 'the fake only serves line/side')
  if (c.line === undefined) throw diffFailure('line', 'line is required')
  if ((c.side ?? 'RIGHT') !== 'RIGHT' || (c.start_side ?? 'RIGHT') !== 'RIGHT')
    throw diffFailure('side', 'the fake only serves comments on the RIGHT side')
  const file = pullFiles(repo, issue).find(f => f.filename === c.path)
  if (!file) throw diffFailure('pull_request_review_thread.path', 'Path could not be resolved')
  const hunks = hunksOf(file.patch)
  const hunk = hunks.find(h => h.lines.has(c.line!))
  if (!hunk)
    throw diffFailure(
      'pull_request_review_thread.line',
      'pull_request_review_thread.line must be part of the diff'
    )
  if (c.start_line !== undefined) {
    if (c.start_line >= c.line)
      throw diffFailure(
        'pull_request_review_thread.start_line',
        'pull_request_review_thread.start_line must precede the end line.'
      )
    if (!hunk.lines.has(c.start_line))
      throw diffFailure(
        'pull_request_review_thread.start_line',
        'pull_request_review_thread.start_line must be part of the same hunk as the line.'
      )
  }
  return { diffHunk: hunk.text.join('\n') }
}

export function reviewCommentJson(repo: RepoModel, c: ReviewCommentRecord): Json {
  const url = `${repo.apiUrl}/pulls/comments/${c.id}`
  const pullUrl = `${repo.apiUrl}/pulls/${c.pullNumber}`
  const html = `${repo.htmlUrl}/pull/${c.pullNumber}#discussion_r${c.id}`
  return {
    url,
    pull_request_review_id: c.reviewId,
    id: c.id,
    node_id: nodeId('PRRC', c.id),
    diff_hunk: c.diffHunk,
    path: c.path,
    commit_id: c.commitId,
    original_commit_id: c.commitId,
    user: userJson(repo.state, c.user),
    body: c.body,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    html_url: html,
    pull_request_url: pullUrl,
    author_association: repo.permissionOf(c.user.login) === 'none' ? 'NONE' : 'COLLABORATOR',
    _links: { self: { href: url }, html: { href: html }, pull_request: { href: pullUrl } },
    start_line: c.startLine,
    original_start_line: c.startLine,
    start_side: c.startLine === null ? null : c.side,
    line: c.line,
    original_line: c.line,
    side: c.side,
    subject_type: 'line'
  }
}

function reviewJson(repo: RepoModel, r: ReviewRecord): Json {
  const pullUrl = `${repo.apiUrl}/pulls/${r.pullNumber}`
  const html = `${repo.htmlUrl}/pull/${r.pullNumber}#pullrequestreview-${r.id}`
  return {
    id: r.id,
    node_id: nodeId('PRR', r.id),
    user: userJson(repo.state, r.user),
    body: r.body,
    state: r.state,
    html_url: html,
    pull_request_url: pullUrl,
    _links: { html: { href: html }, pull_request: { href: pullUrl } },
    submitted_at: r.submittedAt,
    commit_id: r.commitId,
    author_association: repo.permissionOf(r.user.login) === 'none' ? 'NONE' : 'COLLABORATOR'
  }
}

function addComment(
  ctx: HandlerContext,
  repo: RepoModel,
  issue: IssueRecord,
  commitId: string,
  c: NewComment,
  reviewId: number
): ReviewCommentRecord {
  const { diffHunk } = placeComment(repo, issue, commitId, c)
  const now = repo.state.tick()
  const record: ReviewCommentRecord = {
    id: repo.state.nextId(),
    pullNumber: issue.number,
    reviewId,
    body: c.body,
    user: ctx.identity,
    path: c.path,
    commitId,
    line: c.line!,
    startLine: c.start_line ?? null,
    side: 'RIGHT',
    diffHunk,
    createdAt: now,
    updatedAt: now
  }
  reviewCommentsOf(repo).push(record)
  return record
}

function reviewCommentOf(ctx: HandlerContext) {
  const repo = requireRepo(ctx)
  const comment = reviewCommentsOf(repo).find(c => c.id === Number(ctx.params.comment_id))
  if (!comment) throw notFound()
  return { repo, comment }
}

export const pullRoutes: Routes = {
  'pulls/list-files': {
    access: access.read('pullRequests'),
    handle(ctx) {
      const { repo, issue } = pullOf(ctx)
      const page = paginate(ctx, pullFiles(repo, issue))
      const body = page.items.map(f => ({
        sha: f.blobSha,
        filename: f.filename,
        status: f.status,
        additions: f.additions,
        deletions: f.deletions,
        changes: f.additions + f.deletions,
        blob_url: `${repo.htmlUrl}/blob/${issue.pull!.headSha}/${f.filename}`,
        raw_url: `${repo.htmlUrl}/raw/${issue.pull!.headSha}/${f.filename}`,
        contents_url: `${repo.apiUrl}/contents/${f.filename}?ref=${issue.pull!.headSha}`,
        patch: f.patch
      }))
      return { status: 200, body, headers: page.headers }
    }
  },
  'pulls/list-review-comments': {
    access: access.read('pullRequests'),
    handle(ctx) {
      const { repo, issue } = pullOf(ctx)
      const all = reviewCommentsOf(repo).filter(c => c.pullNumber === issue.number)
      const page = paginate(ctx, all)
      return {
        status: 200,
        body: page.items.map(c => reviewCommentJson(repo, c)),
        headers: page.headers
      }
    }
  },
  'pulls/create-review-comment': {
    access: access.write('pullRequests'),
    handle(ctx) {
      const { repo, issue } = pullOf(ctx)
      const body = ctx.body as unknown as NewComment & { commit_id: string }
      // A single comment is a review of its own on GitHub (state COMMENTED).
      const review = newReview(ctx, repo, issue, body.commit_id, '', 'COMMENTED')
      const record = addComment(ctx, repo, issue, body.commit_id, body, review.id)
      const json = reviewCommentJson(repo, record)
      return { status: 201, body: json, headers: { location: String(json.url) } }
    }
  },
  'pulls/get-review-comment': {
    access: access.read('pullRequests'),
    handle(ctx) {
      const { repo, comment } = reviewCommentOf(ctx)
      return { status: 200, body: reviewCommentJson(repo, comment) }
    }
  },
  'pulls/update-review-comment': {
    access: access.write('pullRequests'),
    handle(ctx) {
      const { repo, comment } = reviewCommentOf(ctx)
      comment.body = String(ctx.body.body)
      comment.updatedAt = repo.state.tick()
      return { status: 200, body: reviewCommentJson(repo, comment) }
    }
  },
  'pulls/delete-review-comment': {
    access: access.write('pullRequests'),
    handle(ctx) {
      const { repo, comment } = reviewCommentOf(ctx)
      const list = reviewCommentsOf(repo)
      list.splice(list.indexOf(comment), 1)
      return { status: 204 }
    }
  },
  'pulls/create-review': {
    access: access.write('pullRequests'),
    handle(ctx) {
      const { repo, issue } = pullOf(ctx)
      const commitId = (ctx.body.commit_id as string | undefined) ?? issue.pull!.headSha
      const comments = (ctx.body.comments as NewComment[] | undefined) ?? []
      // All or nothing, like GitHub: check every comment before recording any.
      for (const c of comments) placeComment(repo, issue, commitId, c)
      const event = ctx.body.event as string | undefined
      if (event && event !== 'COMMENT' && event !== 'APPROVE' && event !== 'REQUEST_CHANGES')
        throw validationFailed('PullRequestReview', 'event', `unknown event ${event}`)
      const state =
        event === 'APPROVE'
          ? 'APPROVED'
          : event === 'REQUEST_CHANGES'
            ? 'CHANGES_REQUESTED'
            : event === 'COMMENT'
              ? 'COMMENTED'
              : 'PENDING'
      const review = newReview(ctx, repo, issue, commitId, String(ctx.body.body ?? ''), state)
      for (const c of comments) addComment(ctx, repo, issue, commitId, c, review.id)
      return { status: 200, body: reviewJson(repo, review) }
    }
  },
  'pulls/list-reviews': {
    access: access.read('pullRequests'),
    handle(ctx) {
      const { repo, issue } = pullOf(ctx)
      const page = paginate(
        ctx,
        reviewsOf(repo).filter(r => r.pullNumber === issue.number)
      )
      return { status: 200, body: page.items.map(r => reviewJson(repo, r)), headers: page.headers }
    }
  }
}

function newReview(
  ctx: HandlerContext,
  repo: RepoModel,
  issue: IssueRecord,
  commitId: string,
  body: string,
  state: ReviewRecord['state']
): ReviewRecord {
  const review: ReviewRecord = {
    id: repo.state.nextId(),
    pullNumber: issue.number,
    body,
    user: ctx.identity,
    state,
    commitId,
    submittedAt: repo.state.tick()
  }
  reviewsOf(repo).push(review)
  return review
}
