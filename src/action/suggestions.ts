// The action's suggested changes (input `suggestions`): the PR's Dockerfiles read from the
// workspace, the suggestions planned for the new hints, synced as review comments. Like the
// PR comment, a failure (no `pull-requests: write`) is a warning: the verdict stands.

import { errorMessage } from '../errors.js'
import { planSuggestions, syncSuggestions } from '../github/review.js'
import { coreLog } from './evaluate.js'
import * as log from './log.js'
import { workspaceDockerfiles } from './sarif-output.js'
import type { Target } from './publish.js'
import type { ImageResult } from '../diff/result.js'

export async function postSuggestions(
  t: Target,
  pullNumber: number,
  headSha: string,
  workspace: string,
  results: ImageResult[]
): Promise<void> {
  // Without a Dockerfile there is nothing to suggest, nor any suggestion of ours to find.
  if (!results.some(r => r.dockerfile)) return
  const dockerfiles = workspaceDockerfiles(workspace, results)
  const suggestions = planSuggestions(
    results.map(r => ({
      name: r.name,
      platform: r.platform,
      ...(r.dockerfile ? { dockerfile: r.dockerfile } : {}),
      hints: r.report.hints
    })),
    dockerfiles
  )
  try {
    const done = await syncSuggestions(t.octokit, {
      owner: t.owner,
      repo: t.repo,
      pullNumber,
      headSha,
      suggestions,
      log: coreLog
    })
    log.info(
      `suggested changes: ${suggestions.length} for new hints; ${done.created} posted, ${done.updated} updated, ${done.deleted} removed, ${done.outsideDiff} outside the PR's diff`
    )
  } catch (e) {
    log.warning(`could not post the suggested changes (the verdict stands): ${errorMessage(e)}`)
  }
}
