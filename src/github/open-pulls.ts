// The commits open pull requests are based on: retention never removes their baselines.

import { apiFailure, type Octokit } from '../github-api.js'

/** Base commits of the open pull requests (all pages). */
export async function openPullBaseShas(
  octokit: Octokit,
  owner: string,
  repo: string
): Promise<Set<string>> {
  try {
    const pulls = await octokit.paginate(octokit.rest.pulls.list, {
      owner,
      repo,
      state: 'open',
      per_page: 100
    })
    return new Set(pulls.map(p => p.base.sha))
  } catch (e) {
    throw apiFailure(
      e,
      'listing the open pull requests (for baseline retention)',
      'pull-requests: read'
    )
  }
}
