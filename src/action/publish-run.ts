// The publish sequence, once: log, annotations, report files, job summary, the sticky
// comment, the statuses, the outputs. Entry points (a measuring run, a matrix's aggregate
// job) differ in what they pass, not in the steps.

import * as core from '@actions/core'
import type { Verdict } from '../diff/verdict.js'
import { errorMessage } from '../errors.js'
import { setCommitStatus, stateOf, type StatusState } from '../github/status.js'
import type { CommentMode } from '../github/comment.js'
import type { RenderContext } from '../render/model.js'
import { Outputs } from '../constants.js'
import { writeSarif } from './sarif-output.js'
import * as log from './log.js'
import { postSuggestions } from './suggestions.js'
import {
  annotate,
  logReports,
  postComment,
  postStatuses,
  setOutputs,
  writeReports,
  writeSummary,
  type Target
} from './publish.js'
import type { ImageResult } from '../diff/result.js'

export interface PublishPlan {
  results: ImageResult[]
  render: RenderContext
  /** The pull request the comment goes to (none: no comment). */
  pr?: number
  comment: CommentMode
  /** The commit the statuses go to (none: no statuses). */
  statusSha?: string
  /** With the per-image statuses, one `image-size-guard/overall` carrying `verdict`. */
  overall?: { verdict: Verdict; description: string }
  /** Where the SARIF file of the hints is written from (none: no SARIF output). */
  sarifWorkspace?: string
  /** One-click suggestions on the PR's diff (needs `pr`). */
  suggest?: { headSha: string; workspace: string }
  /** Hints' file and line on annotations (false when they come from an untrusted artifact). */
  annotateLocations?: boolean
  /** Markdown shown above the report in the summary and the comment (a warning to see first). */
  notice?: string
  /** A state and description that replace every image status's own (report mode, unverified). */
  statusOverride?: { state: StatusState; description: string }
  /** The run's verdict when it is not just the images' worst (missing legs). */
  verdict?: Verdict
}

export async function publishRun(t: Target, plan: PublishPlan): Promise<void> {
  const { results } = plan
  // The reports stay outside the group: they are what a reader of the log came for.
  logReports(results)
  await log.group('Publishing the results', () => publishSteps(t, plan))
}

async function publishSteps(t: Target, plan: PublishPlan): Promise<void> {
  const { results, render } = plan
  annotate(results, { locations: plan.annotateLocations ?? true })
  const reportPath = writeReports(results)
  if (plan.sarifWorkspace !== undefined)
    core.setOutput(Outputs.SarifPath, writeSarif(plan.sarifWorkspace, results))
  await writeSummary(results, render, plan.notice)
  let commentUrl: string | undefined
  if (plan.pr !== undefined && plan.comment !== 'never') {
    commentUrl = (await postComment(t, plan.pr, results, render, plan.comment, plan.notice))?.url
  }
  if (plan.pr !== undefined && plan.suggest)
    await postSuggestions(t, plan.pr, plan.suggest.headSha, plan.suggest.workspace, results)
  if (plan.statusSha) {
    await postStatuses(t, plan.statusSha, results, render.runUrl, plan.statusOverride)
    if (plan.overall) await postOverall(t, plan.statusSha, plan.overall, render.runUrl)
  }
  setOutputs(results, reportPath, commentUrl, plan.verdict)
}

async function postOverall(
  t: Target,
  sha: string,
  overall: NonNullable<PublishPlan['overall']>,
  runUrl?: string
): Promise<void> {
  try {
    await setCommitStatus(t.octokit, {
      owner: t.owner,
      repo: t.repo,
      sha,
      name: 'overall',
      state: stateOf(overall.verdict),
      description: overall.description,
      ...(runUrl ? { targetUrl: runUrl } : {})
    })
  } catch (e) {
    log.warning(`could not set the overall commit status (the verdict stands): ${errorMessage(e)}`)
  }
}
