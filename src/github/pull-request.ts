// The pull request as the action needs it, and who accepted a size increase with the label.

import { findAcceptance } from '../diff/acceptance.js'
import { apiFailure, type Octokit } from '../github-api.js'
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

/** GitHub lists at most this many files of a PR (30 pages of 100). */
export const MAX_LISTED_FILES = 3000

/**
 * The paths a PR changes (a rename under both names). GitHub lists at most 3000 files:
 * `complete` is false when the listing reached that and more may have changed.
 */
export async function changedFiles(
  octokit: Octokit,
  owner: string,
  repo: string,
  number: number
): Promise<{ paths: string[]; complete: boolean }> {
  const paths: string[] = []
  let files = 0
  try {
    const pages = octokit.paginate.iterator(octokit.rest.pulls.listFiles, {
      owner,
      repo,
      pull_number: number,
      per_page: 100
    })
    for await (const page of pages) {
      for (const f of page.data) {
        files++
        paths.push(f.filename, ...(f.previous_filename ? [f.previous_filename] : []))
      }
      if (files >= MAX_LISTED_FILES) break
    }
  } catch (e) {
    throw apiFailure(e, `listing the files of pull request #${number}`, 'pull-requests: read')
  }
  return { paths, complete: files < MAX_LISTED_FILES }
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
