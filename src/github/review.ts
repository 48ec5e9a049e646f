// One-click fixes as PR review comments: a ```suggestion block replacing the lines of the
// instruction a new hint blames, computed by the Dockerfile rewriter. GitHub only takes
// review comments on lines of the PR's diff, so a suggestion is posted only when every line
// of the instruction is on the right side of one hunk of the file's patch AND reads there
// exactly as the rewriter saw it (the workspace of a pull_request run is the merge commit,
// whose lines can differ from the head's). Each suggestion carries a hidden marker: found
// again among our own review comments it is updated, never duplicated, and deleted once its
// hint is gone.

import { posix } from 'node:path'
import type { Hint } from '../analysis/report.js'
import { rewritesFor } from '../dockerfile/rewrite.js'
import { formatBytes } from '../units.js'
import { apiFailure, httpStatus, type Octokit } from '../github-api.js'
import { whoAmI } from './comment.js'
import { silentLog, type Log } from '../model.js'

const MARKER_PREFIX = '<!-- image-size-guard-suggestion:'

export interface SuggestionImage {
  name: string
  platform: string
  /** Repository-relative Dockerfile path. */
  dockerfile?: string
  hints: Hint[]
}

export interface Suggestion {
  /** Dockerfile path + hint ids: what the marker identifies. */
  key: string
  path: string
  startLine: number
  line: number
  /** The instruction's lines as the rewriter read them. */
  before: string[]
  body: string
}

/**
 * The suggestions for the NEW hints that have a mechanical rewrite, one per instruction and
 * Dockerfile (images sharing a Dockerfile share it). Pure.
 */
export function planSuggestions(
  images: readonly SuggestionImage[],
  dockerfiles: ReadonlyMap<string, string>
): Suggestion[] {
  const out = new Map<string, Suggestion>()
  for (const image of images) {
    const text = image.dockerfile ? dockerfiles.get(image.dockerfile) : undefined
    if (!image.dockerfile || text === undefined) continue
    const fresh = image.hints.filter(h => h.new === true && h.dockerfile === image.dockerfile)
    // As GitHub names it in the PR's files: `./app/Dockerfile` is `app/Dockerfile`.
    const path = posix.normalize(image.dockerfile.replace(/\\/g, '/')).replace(/^\.\//, '')
    for (const r of rewritesFor(text, fresh)) {
      const key = `${encodeURIComponent(path)}:${[...r.ids].sort().join(',')}`
      if (out.has(key)) continue
      const hints = r.ids.map(id => fresh.find(h => h.id === id)!)
      out.set(key, {
        key,
        path,
        startLine: r.line,
        line: r.endLine,
        before: r.before,
        body: suggestionBody(key, image, hints, r.after)
      })
    }
  }
  return [...out.values()]
}

function suggestionBody(key: string, image: SuggestionImage, hints: Hint[], after: string[]) {
  const longest = Math.max(
    0,
    ...after.map(l => Math.max(0, ...(l.match(/`+/g) ?? []).map(m => m.length)))
  )
  const fence = '`'.repeat(Math.max(3, longest + 1))
  const what = hints
    .map(h => `\`${h.id}\` (${h.title.toLowerCase()}, ${formatBytes(h.bytes)})`)
    .join(' and ')
  return [
    `${MARKER_PREFIX}${key} -->`,
    `**image-size-guard**: this change adds ${what} to the image. This edit removes ${hints.length > 1 ? 'them' : 'it'}:`,
    '',
    `${fence}suggestion`,
    ...after,
    fence
  ].join('\n')
}

/** RIGHT-side line number → its text, per hunk, from a pulls/{n}/files `patch`. Pure. */
export function rightSideHunks(patch: string): Map<number, string>[] {
  const hunks: Map<number, string>[] = []
  let current: Map<number, string> | undefined
  let right = 0
  for (const line of patch.split('\n')) {
    const header = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line)
    if (header) {
      current = new Map()
      hunks.push(current)
      right = Number(header[1])
      continue
    }
    if (!current) continue
    if (line.startsWith('+') || line.startsWith(' ')) current.set(right++, line.slice(1))
  }
  return hunks
}

/** Whether lines start..end read `before` on the right side of one hunk of `patch`. */
export function inDiff(patch: string, s: Pick<Suggestion, 'startLine' | 'line' | 'before'>) {
  return rightSideHunks(patch).some(hunk =>
    s.before.every((text, i) => hunk.get(s.startLine + i)?.replace(/\r$/, '') === text)
  )
}

export interface SyncOptions {
  owner: string
  repo: string
  pullNumber: number
  /** The PR head commit the comments are made on. */
  headSha: string
  suggestions: Suggestion[]
  log?: Log
}

export interface SyncResult {
  created: number
  updated: number
  deleted: number
  /** Suggestions whose lines are not in the PR's diff. */
  outsideDiff: number
}

interface ReviewCommentLike {
  id: number
  body: string
  user: { login: string; type?: string } | null
}

export async function syncSuggestions(octokit: Octokit, o: SyncOptions): Promise<SyncResult> {
  const log = o.log ?? silentLog
  const result: SyncResult = { created: 0, updated: 0, deleted: 0, outsideDiff: 0 }
  const identity = await whoAmI(octokit)
  const ours = (await listReviewComments(octokit, o)).filter(
    c =>
      c.body.startsWith(MARKER_PREFIX) &&
      c.user !== null &&
      (identity ? c.user.login === identity.login : c.user.type === 'Bot')
  )
  const wanted = new Map(o.suggestions.map(s => [s.key, s]))
  const seen = new Set<string>()
  for (const c of ours) {
    const key = c.body.slice(MARKER_PREFIX.length, c.body.indexOf(' -->'))
    const s = wanted.get(key)
    // Gone (hint resolved or no longer new), or a duplicate of one kept: delete.
    if (!s || seen.has(key)) {
      await request(
        () => octokit.rest.pulls.deleteReviewComment({ ...repoOf(o), comment_id: c.id }),
        'deleting a resolved suggestion'
      )
      result.deleted++
      continue
    }
    seen.add(key)
    if (c.body !== s.body) {
      await request(
        () =>
          octokit.rest.pulls.updateReviewComment({ ...repoOf(o), comment_id: c.id, body: s.body }),
        'updating a suggestion'
      )
      result.updated++
    }
  }
  const missing = o.suggestions.filter(s => !seen.has(s.key))
  if (missing.length === 0) return result
  const patches = await listPatches(octokit, o)
  for (const s of missing) {
    const patch = patches.get(s.path)
    if (patch === undefined || !inDiff(patch, s)) {
      log.debug(`suggestion for ${s.path}:${s.startLine}-${s.line} is outside the PR's diff`)
      result.outsideDiff++
      continue
    }
    await request(
      () =>
        octokit.rest.pulls.createReviewComment({
          ...repoOf(o),
          pull_number: o.pullNumber,
          commit_id: o.headSha,
          path: s.path,
          body: s.body,
          line: s.line,
          side: 'RIGHT',
          ...(s.startLine < s.line ? { start_line: s.startLine, start_side: 'RIGHT' as const } : {})
        }),
      'posting a suggestion'
    )
    result.created++
  }
  return result
}

const repoOf = (o: SyncOptions) => ({ owner: o.owner, repo: o.repo })

async function request<T>(call: () => Promise<T>, what: string): Promise<T> {
  try {
    return await call()
  } catch (e) {
    // A comment someone deleted meanwhile is no reason to stop.
    if (httpStatus(e) === 404 && what.startsWith('deleting')) return undefined as T
    throw apiFailure(e, what, 'pull-requests: write')
  }
}

async function listReviewComments(octokit: Octokit, o: SyncOptions): Promise<ReviewCommentLike[]> {
  try {
    return (await octokit.paginate(octokit.rest.pulls.listReviewComments, {
      ...repoOf(o),
      pull_number: o.pullNumber,
      per_page: 100
    })) as ReviewCommentLike[]
  } catch (e) {
    throw apiFailure(e, `reading the review comments of #${o.pullNumber}`, 'pull-requests: read')
  }
}

/** filename → patch of the PR's files (GitHub omits the patch of binary and huge files). */
async function listPatches(octokit: Octokit, o: SyncOptions): Promise<Map<string, string>> {
  try {
    const files = await octokit.paginate(octokit.rest.pulls.listFiles, {
      ...repoOf(o),
      pull_number: o.pullNumber,
      per_page: 100
    })
    return new Map(files.filter(f => f.patch !== undefined).map(f => [f.filename, f.patch!]))
  } catch (e) {
    throw apiFailure(e, `reading the files of #${o.pullNumber}`, 'pull-requests: read')
  }
}
