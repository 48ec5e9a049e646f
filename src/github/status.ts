// A commit status per image: `image-size-guard/<name>`, its description carrying the number
// people look for (`+12.3 MB (+4.1%) vs main`). Branch protection can require it.

import type { Verdict } from '../diff/verdict.js'
import { formatBytes, formatDelta, formatPercent } from '../units.js'
import { apiFailure, type Octokit } from '../github-api.js'

export type StatusState = 'pending' | 'success' | 'failure' | 'error'

/** GitHub rejects longer descriptions (characters). */
export const MAX_STATUS_DESCRIPTION = 140
const MAX_CONTEXT = 100

export interface StatusSummary {
  verdict: Verdict
  /** Growth against the baseline, bytes (absent without a baseline). */
  delta?: number
  /** delta / baseline size. */
  ratio?: number
  /** Branch of the baseline (e.g. main). */
  branch?: string
  acceptedBy?: string
  /** Size of the image now (shown when there is nothing to compare with). */
  totalBytes?: number
}

/** A warning still lets the check pass: the text says "warning". */
export function stateOf(verdict: Verdict): StatusState {
  return verdict === 'fail' ? 'failure' : 'success'
}

export function statusContext(name: string): string {
  return clip(`image-size-guard/${name}`, MAX_CONTEXT)
}

/** Clips to `max` characters (code points), ending with `…` when cut. */
function clip(text: string, max: number): string {
  const chars = Array.from(text)
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`
}

/** `+12.3 MB (+4.1%) vs main`, `…, accepted by @user`, `warning: …`, `no baseline yet (245 MB)`. */
export function describeStatus(s: StatusSummary): string {
  const size = s.totalBytes !== undefined ? formatBytes(s.totalBytes) : undefined
  if (s.verdict === 'no-baseline') {
    return clip(
      `no baseline yet${size ? ` (${size})` : ''}: recorded on the next push to the default branch`,
      MAX_STATUS_DESCRIPTION
    )
  }
  const vs = s.branch ? ` vs ${clip(s.branch, 40)}` : ''
  const change =
    s.delta !== undefined
      ? `${formatDelta(s.delta)} (${formatPercent(s.ratio)})${vs}`
      : (size ?? 'measured')
  const text: Record<Exclude<Verdict, 'no-baseline'>, string> = {
    pass: change,
    warn: `warning: ${change}`,
    fail: `${change}: over the limit`,
    accepted: `${change}, accepted${s.acceptedBy ? ` by @${clip(s.acceptedBy, 39)}` : ''}`
  }
  return clip(text[s.verdict], MAX_STATUS_DESCRIPTION)
}

export interface CommitStatusOptions {
  owner: string
  repo: string
  sha: string
  /** Image name; the context is `image-size-guard/<name>`. */
  name: string
  state: StatusState
  description: string
  /** Usually the workflow run. */
  targetUrl?: string
}

export async function setCommitStatus(octokit: Octokit, opts: CommitStatusOptions): Promise<void> {
  try {
    await octokit.rest.repos.createCommitStatus({
      owner: opts.owner,
      repo: opts.repo,
      sha: opts.sha,
      state: opts.state,
      context: statusContext(opts.name),
      description: clip(opts.description, MAX_STATUS_DESCRIPTION),
      ...(opts.targetUrl ? { target_url: opts.targetUrl } : {})
    })
  } catch (e) {
    throw apiFailure(e, 'setting the commit status', 'statuses: write')
  }
}

/** The verdict as a status: state and description from the summary. */
export function setVerdictStatus(
  octokit: Octokit,
  opts: Omit<CommitStatusOptions, 'state' | 'description'> & { summary: StatusSummary }
): Promise<void> {
  const { summary, ...rest } = opts
  return setCommitStatus(octokit, {
    ...rest,
    state: stateOf(summary.verdict),
    description: describeStatus(summary)
  })
}

/** Shown while the image is measured, so a required check is visibly running. */
export function setPendingStatus(
  octokit: Octokit,
  opts: Omit<CommitStatusOptions, 'state' | 'description'> & { description?: string }
): Promise<void> {
  return setCommitStatus(octokit, {
    ...opts,
    state: 'pending',
    description: opts.description ?? 'measuring the image…'
  })
}
