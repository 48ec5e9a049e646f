// The override label: a failing verdict becomes `accepted` when someone with write permission
// added the label. Only a failing verdict asks (it costs API calls), and not being able to ask
// is a warning: the verdict then stays `fail`.

import type { Thresholds } from '../diff/verdict.js'
import { errorMessage } from '../errors.js'
import { acceptedBy } from '../github/pull-request.js'
import { applyAcceptance } from './evaluate.js'
import * as log from './log.js'
import type { Target } from './publish.js'
import type { ImageResult } from '../diff/result.js'

export interface AcceptRequest {
  /** The PR whose label history counts. */
  number: number
  /** Its current labels, when already read (else they are fetched). */
  labels?: string[]
  /** Input `accept-label`. */
  label: string
  /** The thresholds the verdict of result `i` is re-decided with. */
  thresholdsOf: (r: ImageResult, i: number) => Thresholds
}

export async function acceptFailures(
  t: Target,
  req: AcceptRequest,
  results: ImageResult[]
): Promise<ImageResult[]> {
  if (!results.some(r => r.verdict.verdict === 'fail')) return results
  const { number, label } = req
  try {
    const by = await acceptedBy(t.octokit, {
      owner: t.owner,
      repo: t.repo,
      number,
      label,
      ...(req.labels ? { labels: req.labels } : {})
    })
    if (!by) return results
    log.info(`the size increase was accepted by @${by} (label ${label})`)
    return results.map((r, i) => applyAcceptance(r, { by, label }, req.thresholdsOf(r, i)))
  } catch (e) {
    log.warning(`could not check the label ${label}: ${errorMessage(e)}`)
    return results
  }
}
