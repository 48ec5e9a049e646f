// The pull request as the action needs it, and who accepted a size increase with the label.

import { findAcceptance } from '../diff/acceptance.js'
import { apiFailure, type Octokit } from './client.js'
import { labelEvents, permissionOf } from './permissions.js'

export interface PullRequestInfo {
  number: number
  headSha: string
  baseSha: string
  headRef: string
  baseRef: string
  /** `owner/repo` of the head (a fork's name for fork PRs). */
  headRepo?: string
  author?: string
  labels: string[]
  state: string
}

export async function getPullRequest(
  octokit: Octokit,
  owner: string,
  repo: string,
  number: number
): Promise<PullRequestInfo> {
  try {
    const { data } = await octokit.rest.pulls.get({ owner, repo, pull_number: number })
    return {
      number: data.number,
      headSha: data.head.sha,
      baseSha: data.base.sha,
      headRef: data.head.ref,
      baseRef: data.base.ref,
      ...(data.head.repo?.full_name ? { headRepo: data.head.repo.full_name } : {}),
      ...(data.user?.login ? { author: data.user.login } : {}),
      labels: data.labels.map(l => l.name).filter((n): n is string => typeof n === 'string'),
      state: data.state
    }
  } catch (e) {
    throw apiFailure(e, `reading pull request #${number}`, 'pull-requests: read')
  }
}

/**
 * Who accepted the increase: the latest person with write access who added `label` (input
 * `accept-label`) and did not remove it since. `labels` may be passed when already known.
 */
export async function acceptedBy(
  octokit: Octokit,
  opts: { owner: string; repo: string; number: number; label: string; labels?: string[] }
): Promise<string | undefined> {
  const { owner, repo, number, label } = opts
  const labels = opts.labels ?? (await getPullRequest(octokit, owner, repo, number)).labels
  if (!labels.includes(label)) return undefined
  const events = await labelEvents(octokit, owner, repo, number)
  return findAcceptance(label, labels, events, permissionOf(octokit, owner, repo))
}
