// Which baseline a run is compared with, and which commit it should be. The rules, in order:
// the baseline recorded at the wanted commit; else the nearest recorded ancestor within
// `maxWalk` commits; else (fallback `build`) the image rebuilt at the wanted commit; else
// none — "no baseline yet" is a state, not an error. See docs/baselines.md.

import type { Report } from '../analysis/report.js'
import { apiFailure, type Octokit } from '../github-api.js'
import { errorMessage } from '../errors.js'
import { toBaseline, type Baseline } from './schema.js'
import type { BaselineStore, IndexEntry } from './store.js'
import { silentLog, type Log, type BaselineInfo } from '../model.js'

/** Commits from `sha` backwards, newest first, `sha` itself first; at most `limit`. */
export type CommitLister = (sha: string, limit: number) => Promise<string[]>

export interface ResolveDeps {
  store: BaselineStore
  listCommits: CommitLister
  /** Builds and measures the image at `sha` (fallback `build`). */
  rebuild?: (sha: string) => Promise<Report>
  log?: Log
}

export type BaselineFallback = 'build' | 'none'

export interface ResolveRequest {
  name: string
  platform: string
  /** The commit to compare with (see pickCompareSha). */
  wantSha: string
  /** Branch the baselines belong to (the PR's base branch), for the comment. */
  branch: string
  /** How many commits to walk back looking for a recorded one (default 50). */
  maxWalk?: number
  fallback: BaselineFallback
  /** Index entries read for the walk (and returned for the trend); default 1000. */
  historyLimit?: number
}

export interface ResolveResult {
  baseline?: Baseline
  info?: BaselineInfo
  /** What was tried, in order: for the log and the comment. */
  tried: string[]
  /** The image's recorded baselines, newest first, when they were read (for the trend). */
  history?: IndexEntry[]
}

const short = (sha: string) => sha.slice(0, 7)

export async function resolveBaseline(
  deps: ResolveDeps,
  req: ResolveRequest
): Promise<ResolveResult> {
  const log = deps.log ?? silentLog
  const { name, platform, wantSha, branch } = req
  const tried: string[] = []

  const exact = await deps.store.get(name, platform, wantSha)
  if (exact) {
    tried.push(`baseline recorded at ${short(wantSha)}: found`)
    // The history too: the trend of the base branch shows in this, the normal case.
    const history = await deps.store.history(name, platform, req.historyLimit ?? 1000)
    return { baseline: exact, info: { method: 'stored', sha: wantSha, branch }, tried, history }
  }
  tried.push(`baseline recorded at ${short(wantSha)}: none`)

  const history = await deps.store.history(name, platform, req.historyLimit ?? 1000)
  const nearest = await walkBack(deps, req, history, tried, log)
  if (nearest) return { ...nearest, tried, history }

  if (req.fallback === 'build') {
    const rebuilt = await rebuild(deps, req, tried, log)
    if (rebuilt) return { ...rebuilt, tried, history }
  }
  return { tried, history }
}

async function walkBack(
  deps: ResolveDeps,
  req: ResolveRequest,
  history: IndexEntry[],
  tried: string[],
  log: Log
): Promise<Pick<ResolveResult, 'baseline' | 'info'> | undefined> {
  const maxWalk = req.maxWalk ?? 50
  if (history.length === 0) {
    tried.push(`no baselines recorded for ${req.name} (${req.platform}) yet`)
    return undefined
  }
  if (maxWalk <= 1) return undefined
  let commits: string[]
  try {
    commits = await deps.listCommits(req.wantSha, maxWalk)
  } catch (e) {
    log.warning(
      `cannot walk back from ${short(req.wantSha)} to a recorded baseline: ${errorMessage(e)}`
    )
    tried.push(`walking back from ${short(req.wantSha)}: failed`)
    return undefined
  }
  // One history read instead of a `get` per commit: only recorded commits are fetched.
  const recorded = new Set(history.map(e => e.sha))
  for (let distance = 1; distance < commits.length; distance++) {
    const sha = commits[distance]
    if (!recorded.has(sha)) continue
    const baseline = await deps.store.get(req.name, req.platform, sha)
    if (!baseline) continue
    tried.push(`nearest recorded commit: ${short(sha)}, ${distance} before ${short(req.wantSha)}`)
    return { baseline, info: { method: 'nearest', sha, branch: req.branch, distance } }
  }
  tried.push(
    `walked back ${Math.max(0, commits.length - 1)} commits from ${short(req.wantSha)}: none recorded`
  )
  return undefined
}

async function rebuild(
  deps: ResolveDeps,
  req: ResolveRequest,
  tried: string[],
  log: Log
): Promise<Pick<ResolveResult, 'baseline' | 'info'> | undefined> {
  if (!deps.rebuild) {
    tried.push('rebuilding the base: not available here')
    return undefined
  }
  try {
    const report = await deps.rebuild(req.wantSha)
    const baseline = toBaseline(report, {
      name: req.name,
      platform: req.platform,
      sha: req.wantSha,
      branch: req.branch
    })
    tried.push(`rebuilt the image at ${short(req.wantSha)}`)
    return { baseline, info: { method: 'rebuilt', sha: req.wantSha, branch: req.branch } }
  } catch (e) {
    // A base that no longer builds must not fail the PR's check: report "no baseline".
    log.warning(
      `rebuilding the image at ${short(req.wantSha)} for a baseline failed: ${errorMessage(e)}`
    )
    tried.push(`rebuilding at ${short(req.wantSha)}: failed`)
    return undefined
  }
}

// ----- commit listers --------------------------------------------------------------------

/** `GET /repos/{o}/{r}/commits?sha=…`: newest first by date (close to first-parent order). */
export function commitsFromGitHub(octokit: Octokit, owner: string, repo: string): CommitLister {
  return async (sha, limit) => {
    const perPage = Math.min(100, Math.max(1, limit))
    const shas: string[] = []
    try {
      for (let page = 1; shas.length < limit; page++) {
        const { data } = await octokit.rest.repos.listCommits({
          owner,
          repo,
          sha,
          per_page: perPage,
          page
        })
        shas.push(...data.map(c => c.sha))
        if (data.length < perPage) break
      }
    } catch (e) {
      throw apiFailure(e, `listing the commits before ${short(sha)}`, 'contents: read')
    }
    return shas.slice(0, limit)
  }
}

// ----- which commit to compare with -------------------------------------------------------

export type CompareRule = 'pr-base' | 'merge-base' | 'merge-group-base' | 'push-before'

export interface CompareTarget {
  sha: string
  /** Branch name (no `refs/heads/`). */
  branch: string
  rule: CompareRule
}

/** `base...head` → the merge-base commit. */
export type MergeBaseFn = (base: string, head: string) => Promise<string>

const ZERO_SHA = /^0+$/

/**
 * The commit a run's image should be compared with:
 * - `pull_request` / `pull_request_target`: `pull_request.base.sha`. The default checkout is
 *   GitHub's merge commit, whose first parent is that base commit, so the delta is exactly
 *   the PR's. When the checked-out commit is the PR head itself (`ref: head.sha`), the base
 *   tip may contain changes the head lacks; then the merge-base of base and head is used.
 * - `merge_group`: `merge_group.base_sha`.
 * - `push`: `before` (the previous tip), unless the branch is new.
 * Anything else: undefined (nothing to compare with).
 */
export async function pickCompareSha(
  payload: Record<string, unknown>,
  checkedOutSha?: string,
  mergeBase?: MergeBaseFn,
  log: Log = silentLog
): Promise<CompareTarget | undefined> {
  const pr = payload.pull_request as
    { base?: { sha?: string; ref?: string }; head?: { sha?: string } } | undefined
  if (pr?.base?.sha) {
    const base = { sha: pr.base.sha, branch: pr.base.ref ?? '', rule: 'pr-base' as const }
    const head = pr.head?.sha
    if (!head || !checkedOutSha || checkedOutSha !== head || !mergeBase) return base
    try {
      return { ...base, sha: await mergeBase(base.sha, head), rule: 'merge-base' }
    } catch (e) {
      log.warning(
        `cannot find the merge-base of the PR, comparing with its base commit: ${errorMessage(e)}`
      )
      return base
    }
  }
  const group = payload.merge_group as { base_sha?: string; base_ref?: string } | undefined
  if (group?.base_sha) {
    return { sha: group.base_sha, branch: branchName(group.base_ref), rule: 'merge-group-base' }
  }
  const before = payload.before
  if (typeof before === 'string' && !ZERO_SHA.test(before) && typeof payload.ref === 'string') {
    return { sha: before, branch: branchName(payload.ref), rule: 'push-before' }
  }
  return undefined
}

function branchName(ref: string | undefined): string {
  return (ref ?? '').replace(/^refs\/heads\//, '')
}

/** Merge-base through `GET /compare/{base}...{head}`. */
export function mergeBaseFromGitHub(octokit: Octokit, owner: string, repo: string): MergeBaseFn {
  return async (base, head) => {
    try {
      const { data } = await octokit.rest.repos.compareCommitsWithBasehead({
        owner,
        repo,
        basehead: `${base}...${head}`,
        per_page: 1
      })
      return data.merge_base_commit.sha
    } catch (e) {
      throw apiFailure(e, `comparing ${short(base)}...${short(head)}`, 'contents: read')
    }
  }
}
