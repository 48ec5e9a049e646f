// Recording: every baseline of the run in ONE data-branch commit, which also drops the
// baselines retention no longer keeps.

import type { GitBaselineStore, Retention } from '../baseline/git-store.js'
import type { Baseline } from '../baseline/schema.js'
import { errorMessage } from '../errors.js'
import { openPullBaseShas } from '../github/open-pulls.js'
import type { Target } from './publish.js'
import * as log from './log.js'

export async function recordBaselines(
  t: Target,
  store: GitBaselineStore,
  baselines: Baseline[],
  keep: number
): Promise<void> {
  await log.group(`Recording ${baselines.length} baseline(s)`, async () => {
    await store.putAll(baselines, await retention(t, keep))
    for (const b of baselines) {
      log.info(
        `recorded the baseline of ${b.name} (${b.platform}) at ${b.sha.slice(0, 7)} on ${b.branch}`
      )
    }
  })
}

/** Without the open pull requests' bases nothing is removed: a warning, never a lost baseline. */
async function retention(t: Target, keep: number): Promise<Retention | undefined> {
  if (keep <= 0) return undefined
  try {
    return { keep, protect: await openPullBaseShas(t.octokit, t.owner, t.repo) }
  } catch (e) {
    log.warning(`old baselines are kept this time: ${errorMessage(e)}`)
    return undefined
  }
}
