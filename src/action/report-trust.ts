// What the report phase believes of an artifact a fork wrote. The fork controls the measure
// job completely when its PR edits the workflow that runs it (a `pull_request` workflow runs
// from the PR's merge commit), so the numbers are only as good as that workflow:
//
// - only images the trusted side declares (this workflow's inputs, or the config file of the
//   checkout, which for workflow_run is the default branch) are posted, with this workflow's
//   thresholds; any other name in the artifact is dropped;
// - when the PR changes `.github/workflows/**`, `.github/actions/**` or the measure config,
//   the statuses are `failure` with "unverified: …" — never `success` (README, "Pull
//   requests from forks", says why failure).

import { CONFIG_FILE } from '../constants.js'
import { changedFiles } from '../github/pull-request.js'
import type { MeasureResult } from '../github/artifact.js'
import type { ImageSpec } from '../inputs.js'
import { code } from '../render/escape.js'
import type { Target } from './publish.js'

export const UNVERIFIED_STATUS = 'unverified: the PR changes the workflow that measured it'

/** Paths whose change means the measure job may not have run the base repository's workflow. */
export function changesMeasurement(path: string): boolean {
  return (
    path.startsWith('.github/workflows/') ||
    path.startsWith('.github/actions/') ||
    path === CONFIG_FILE
  )
}

/** The artifact's results this workflow declares, and the names it does not (not posted). */
export function declaredResults(
  results: MeasureResult[],
  images: ImageSpec[]
): { kept: Array<{ result: MeasureResult; spec: ImageSpec }>; dropped: string[] } {
  const specs = new Map(images.map(s => [s.name, s]))
  const kept: Array<{ result: MeasureResult; spec: ImageSpec }> = []
  const dropped: string[] = []
  for (const result of results) {
    const spec = specs.get(result.name)
    if (spec && (!spec.platform || spec.platform === result.platform)) kept.push({ result, spec })
    else dropped.push(`${result.name} (${result.platform})`)
  }
  return { kept, dropped }
}

/**
 * Why the PR's measurement cannot be trusted: the measurement paths it changes (at most a
 * few, for the message), or a note that its file list is too long to tell. Empty: trusted.
 */
export async function untrustedBecause(t: Target, prNumber: number): Promise<string[]> {
  const { paths, complete } = await changedFiles(t.octokit, t.owner, t.repo, prNumber)
  const hits = paths.filter(changesMeasurement)
  if (hits.length) return hits.slice(0, 3).concat(hits.length > 3 ? ['…'] : [])
  return complete ? [] : ['more than 3000 files, which GitHub does not list']
}

/** The line above the comment and the summary of an unverified measurement (markdown). */
export function unverifiedNotice(because: string[]): string {
  const what = because.map(p => (p === '…' ? p : code(p, 80))).join(', ')
  return (
    `> [!WARNING]\n> **Unverified**: this pull request changes ${what}, so the sizes below come ` +
    'from a workflow it may have changed. The status is a failure until a maintainer reviews the change.'
  )
}
