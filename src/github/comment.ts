// ONE sticky PR comment per image (and comment key): found by a hidden marker over all pages,
// only among the token's own comments; updated in place, created once, and de-duplicated
// when two jobs race to create it.
//
// Which comments are "ours": with a PAT or app user token `GET /user` names the identity
// and only comments by that login count. The Actions GITHUB_TOKEN (an installation token)
// gets 403 there; then comments by Bot accounts (`github-actions[bot]`, GitHub Apps) count —
// never a person's comment, even one quoting our marker. After we create a comment, its
// author is our identity for sure, and the de-duplication uses exactly that login.

import { createHash } from 'node:crypto'
import type { Verdict } from '../diff/verdict.js'
import { apiFailure, httpStatus, type Octokit } from '../github-api.js'
import { silentLog, type Log } from '../model.js'

export type CommentMode = 'always' | 'on-change' | 'on-failure' | 'never'

export const COMMENT_MODES: CommentMode[] = ['always', 'on-change', 'on-failure', 'never']

/** GitHub rejects longer comment bodies (characters). */
export const MAX_COMMENT_CHARS = 65536

/** What the comment says, in machine-readable form (stored hidden in the body). */
export interface CommentState {
  /** The worst verdict of the images in the comment. */
  verdict: Verdict
  /** Total size of each image, in the order shown. */
  sizes: number[]
}

export interface UpsertCommentOptions {
  owner: string
  repo: string
  issueNumber: number
  /** From makeMarker; added to the body when the body lacks it. */
  marker: string
  body: string
  /** Input `comment`. */
  mode: CommentMode
  state: CommentState
  log?: Log
}

export interface UpsertResult {
  action: 'created' | 'updated' | 'unchanged' | 'skipped'
  id?: number
  url?: string
  /** Why nothing was written (skipped / unchanged). */
  reason?: string
}

interface Identity {
  login: string
}

interface CommentLike {
  id: number
  body?: string | null
  html_url: string
  created_at: string
  user: { login: string; type?: string } | null
}

const MARKER_PREFIX = 'image-size-guard:'
const STATE_PREFIX = '<!-- image-size-guard-state:'
const MAX_KEY_PART = 100

// Only these characters are kept as they are; everything else is %-encoded, so no key can
// close the HTML comment (`-->`, `--!>`) or span lines.
function encodePart(part: string): string {
  const encoded = Array.from(part, ch => (/^[A-Za-z0-9._/@+=-]$/.test(ch) ? ch : percent(ch))).join(
    ''
  )
  if (encoded.length <= MAX_KEY_PART) return encoded
  // Long keys keep a hash of the whole, so two keys with the same start stay apart.
  const hash = createHash('sha256').update(part, 'utf8').digest('hex').slice(0, 10)
  return `${encoded.slice(0, MAX_KEY_PART - 11)}-${hash}`
}

function percent(ch: string): string {
  const bytes = Buffer.from(ch, 'utf8')
  return Array.from(bytes, b => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('')
}

/**
 * `<!-- image-size-guard:<name>:<platform>[:<key>] -->`. Each image, platform and comment key
 * gets its own comment, so matrix legs never overwrite each other's.
 */
export function makeMarker(name: string, platform: string, commentKey?: string): string {
  const parts = [name, platform, ...(commentKey ? [commentKey] : [])].map(encodePart)
  return `<!-- ${MARKER_PREFIX}${parts.join(':')} -->`
}

function stateLine(state: CommentState): string {
  const sizes = state.sizes.filter(n => Number.isSafeInteger(n))
  return `${STATE_PREFIX}${JSON.stringify({ verdict: state.verdict, sizes })} -->`
}

/** The state hidden in a comment we wrote earlier. */
export function readState(body: string): CommentState | undefined {
  const start = body.lastIndexOf(STATE_PREFIX)
  if (start < 0) return undefined
  const end = body.indexOf(' -->', start)
  if (end < 0) return undefined
  try {
    const value = JSON.parse(body.slice(start + STATE_PREFIX.length, end)) as CommentState
    return typeof value.verdict === 'string' && Array.isArray(value.sizes) ? value : undefined
  } catch {
    return undefined
  }
}

/** The body as posted: marker guaranteed, hidden state appended, within GitHub's limit. */
export function composeBody(body: string, marker: string, state: CommentState): string {
  const withMarker = body.includes(marker) ? body : `${marker}\n${body}`
  const tail = `\n${stateLine(state)}`
  const chars = Array.from(withMarker)
  const room = MAX_COMMENT_CHARS - Array.from(tail).length
  if (chars.length <= room) return withMarker + tail
  // The renderer keeps within budget; this only guards against a body it did not expect.
  const note = '\n\n… (truncated: the full report is in the job summary)'
  const keep = room - Array.from(note).length
  const kept = chars.slice(0, keep).join('')
  if (kept.includes(marker)) return kept + note + tail
  const head = `${marker}\n`
  return head + chars.slice(0, keep - Array.from(head).length).join('') + note + tail
}

const FAILING: Verdict[] = ['fail', 'warn']

/**
 * Whether `mode` wants the comment written, given the comment already there (if any):
 * - `always`: yes.
 * - `on-change`: when the verdict is not `pass`; or when a comment exists and its verdict or
 *   sizes differ from now (so it never shows stale numbers or stale red). A pass with no
 *   earlier comment, or the same pass as the earlier comment, is not written.
 * - `on-failure`: when the verdict is `fail` or `warn`; once a comment exists, it is kept
 *   up to date whatever the verdict, so it never shows a stale failure.
 * - `never`: no.
 */
export function wantsComment(
  mode: CommentMode,
  state: CommentState,
  existing: { body: string } | undefined
): { write: boolean; reason?: string } {
  if (mode === 'never') return { write: false, reason: 'input `comment` is `never`' }
  if (mode === 'always') return { write: true }
  if (mode === 'on-failure') {
    if (FAILING.includes(state.verdict) || existing) return { write: true }
    return { write: false, reason: `verdict ${state.verdict} and \`comment: on-failure\`` }
  }
  if (state.verdict !== 'pass') return { write: true }
  const before = existing ? readState(existing.body) : undefined
  if (existing && (!before || !sameState(before, state))) return { write: true }
  return { write: false, reason: 'nothing changed since the last comment (`comment: on-change`)' }
}

function sameState(a: CommentState, b: CommentState): boolean {
  return a.verdict === b.verdict && a.sizes.join(',') === b.sizes.join(',')
}

export async function upsertComment(
  octokit: Octokit,
  opts: UpsertCommentOptions
): Promise<UpsertResult> {
  if (opts.mode === 'never') return { action: 'skipped', reason: 'input `comment` is `never`' }
  const log = opts.log ?? silentLog
  const identity = await whoAmI(octokit)
  const ours = await findOurs(octokit, opts, identity)
  const existing = ours[0]
  const decision = wantsComment(
    opts.mode,
    opts.state,
    existing ? { body: existing.body ?? '' } : undefined
  )
  if (!decision.write) {
    // An earlier comment left as it is still counts (its URL is the `comment-url` output).
    return existing
      ? { action: 'unchanged', id: existing.id, url: existing.html_url, reason: decision.reason }
      : { action: 'skipped', reason: decision.reason }
  }
  const body = composeBody(opts.body, opts.marker, opts.state)
  if (existing) return update(octokit, opts, existing, body)
  const created = await create(octokit, opts, body)
  return dedupe(octokit, opts, created, body, log)
}

/** The token's login, or undefined for installation tokens (which may not call GET /user). */
export async function whoAmI(octokit: Octokit): Promise<Identity | undefined> {
  try {
    const { data } = await octokit.rest.users.getAuthenticated()
    return { login: data.login }
  } catch (e) {
    const status = httpStatus(e)
    if (status === 403 || status === 401 || status === 404) return undefined
    throw apiFailure(e, 'finding out who the token belongs to')
  }
}

function isOurs(c: CommentLike, marker: string, identity: Identity | undefined): boolean {
  if (!c.body?.includes(marker) || !c.user) return false
  return identity ? c.user.login === identity.login : c.user.type === 'Bot'
}

const oldestFirst = (a: CommentLike, b: CommentLike) =>
  Date.parse(a.created_at) - Date.parse(b.created_at) || a.id - b.id

/** Our comments carrying the marker, oldest first, over every page. */
async function findOurs(
  octokit: Octokit,
  opts: UpsertCommentOptions,
  identity: Identity | undefined
): Promise<CommentLike[]> {
  try {
    const all = await octokit.paginate(octokit.rest.issues.listComments, {
      owner: opts.owner,
      repo: opts.repo,
      issue_number: opts.issueNumber,
      per_page: 100
    })
    return (all as CommentLike[]).filter(c => isOurs(c, opts.marker, identity)).sort(oldestFirst)
  } catch (e) {
    throw apiFailure(e, `reading the comments of #${opts.issueNumber}`, 'pull-requests: read')
  }
}

async function update(
  octokit: Octokit,
  opts: UpsertCommentOptions,
  existing: CommentLike,
  body: string
): Promise<UpsertResult> {
  const result = { id: existing.id, url: existing.html_url }
  if (existing.body === body) return { action: 'unchanged', ...result, reason: 'same body' }
  try {
    await octokit.rest.issues.updateComment({
      owner: opts.owner,
      repo: opts.repo,
      comment_id: existing.id,
      body
    })
  } catch (e) {
    throw apiFailure(e, 'updating the PR comment', 'pull-requests: write')
  }
  return { action: 'updated', ...result }
}

async function create(
  octokit: Octokit,
  opts: UpsertCommentOptions,
  body: string
): Promise<CommentLike> {
  try {
    const { data } = await octokit.rest.issues.createComment({
      owner: opts.owner,
      repo: opts.repo,
      issue_number: opts.issueNumber,
      body
    })
    return data as CommentLike
  } catch (e) {
    throw apiFailure(e, 'posting the PR comment', 'pull-requests: write')
  }
}

/**
 * Two jobs that both found no comment both create one. Re-list: the oldest of ours wins,
 * newer ones by our login are deleted; when ours was the loser, our body moves to the winner.
 */
async function dedupe(
  octokit: Octokit,
  opts: UpsertCommentOptions,
  created: CommentLike,
  body: string,
  log: Log
): Promise<UpsertResult> {
  const me = created.user ? { login: created.user.login } : undefined
  const ours = me ? await findOurs(octokit, opts, me) : []
  const keep = ours[0]
  if (!keep || keep.id === created.id) {
    await deleteAll(octokit, opts, ours.slice(1), log)
    return { action: 'created', id: created.id, url: created.html_url }
  }
  log.info(`Another job posted the same comment first (#${keep.id}); keeping that one`)
  await deleteAll(octokit, opts, ours.slice(1), log)
  return update(octokit, opts, keep, body)
}

async function deleteAll(
  octokit: Octokit,
  opts: UpsertCommentOptions,
  comments: CommentLike[],
  log: Log
): Promise<void> {
  for (const c of comments) {
    try {
      await octokit.rest.issues.deleteComment({
        owner: opts.owner,
        repo: opts.repo,
        comment_id: c.id
      })
      log.debug(`Deleted duplicate comment ${c.id}`)
    } catch (e) {
      // The other job may have deleted it already.
      if (httpStatus(e) !== 404)
        throw apiFailure(e, 'deleting a duplicate PR comment', 'pull-requests: write')
    }
  }
}
