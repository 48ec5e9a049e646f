// Phase 2 of the fork-safe setup, in a `workflow_run` workflow with the base repository's
// token: fetch the measure artifact of the triggering run, validate it (it was made by a
// fork's code: untrusted), verify which PR it belongs to, compare with the stored baseline,
// and post the comment and status to that PR.

import { commitsFromGitHub } from '../baseline/resolve.js'
import { CONFIG_FILE } from '../constants.js'
import { fetchMeasurePayload, verifyPullRequestHead } from '../github/artifact.js'
import type { ActionContext } from '../github/context.js'
import type { ActionInputs } from '../inputs.js'
import { acceptFailures } from './accept.js'
import { evaluate } from './evaluate.js'
import {
  declaredResults,
  UNVERIFIED_STATUS,
  unverifiedNotice,
  untrustedBecause
} from './report-trust.js'
import * as log from './log.js'
import { commentMarker, dataStore, type Target } from './publish.js'
import { publishRun } from './publish-run.js'
import type { ImageResult } from '../diff/result.js'

interface WorkflowRun {
  id: number
  head_sha: string
  event?: string
  conclusion?: string | null
  head_repository?: { full_name?: string } | null
}

export async function runReportMode(
  ctx: ActionContext,
  inputs: ActionInputs,
  t: Target
): Promise<void> {
  const run = ctx.payload.workflow_run as WorkflowRun | undefined
  if (!run?.id || !run.head_sha) {
    throw new Error(
      '`mode: report` runs on workflow_run events (after the pull_request workflow that used `mode: measure`)'
    )
  }
  const payload = await log.group('Fetching the measure artifact', () =>
    fetchMeasurePayload(t.octokit, {
      owner: t.owner,
      repo: t.repo,
      runId: run.id,
      name: inputs.artifactName
    })
  )
  const pr = await verifyPullRequestHead(t.octokit, {
    owner: t.owner,
    repo: t.repo,
    prNumber: payload.prNumber,
    runHeadSha: run.head_sha,
    payloadHeadSha: payload.headSha,
    ...(run.head_repository?.full_name ? { runHeadRepo: run.head_repository.full_name } : {})
  })
  // Names and thresholds come from this (trusted) workflow, never from the artifact.
  const { kept, dropped } = declaredResults(payload.results, inputs.images)
  if (dropped.length) {
    log.warning(
      `the artifact reports image(s) this workflow does not declare, not posted: ${dropped.join(', ')} (declare them in \`images\` or ${CONFIG_FILE} of the default branch)`
    )
  }
  if (kept.length === 0) {
    throw new Error(
      `the artifact of run ${run.id} reports no image this workflow declares: nothing to post`
    )
  }
  const unverified = await untrustedBecause(t, pr.number)
  if (unverified.length) {
    log.warning(
      `PR #${pr.number} changes ${unverified.join(', ')}: it may have changed how it was measured, so its statuses say "${UNVERIFIED_STATUS}" (failure) until the change is reviewed and merged`
    )
  }
  log.info(
    `reporting ${kept.length} image(s) measured for PR #${pr.number} at ${pr.headSha.slice(0, 7)}`
  )
  const store = dataStore(t, inputs.dataBranch)
  const target = { sha: pr.baseSha, branch: pr.baseRef, rule: 'pr-base' as const }
  const evaluated: ImageResult[] = []
  for (const { result: m, spec } of kept) {
    const r = await evaluate(
      {
        name: m.name,
        report: m.report,
        thresholds: spec.thresholds,
        ...(m.dockerfile ? { dockerfile: m.dockerfile } : {})
      },
      target,
      {
        store,
        listCommits: commitsFromGitHub(t.octokit, t.owner, t.repo),
        trendLength: inputs.trendLength
      }
    )
    evaluated.push(r)
  }
  const results = await acceptFailures(
    t,
    {
      number: pr.number,
      labels: pr.labels,
      label: inputs.acceptLabel,
      thresholdsOf: (_, i) => kept[i].spec.thresholds
    },
    evaluated
  )
  const renderCtx = {
    repoUrl: `${ctx.serverUrl}/${t.owner}/${t.repo}`,
    headSha: pr.headSha,
    runUrl: `${ctx.serverUrl}/${t.owner}/${t.repo}/actions/runs/${run.id}`,
    acceptLabel: inputs.acceptLabel,
    marker: commentMarker(results, inputs.commentKey)
  }
  await publishRun(t, {
    results,
    render: renderCtx,
    pr: pr.number,
    comment: inputs.comment,
    // Hints' file and line come from an artifact a fork wrote: no annotation points there.
    annotateLocations: false,
    ...(unverified.length ? { notice: unverifiedNotice(unverified) } : {}),
    ...(inputs.status ? { statusSha: pr.headSha } : {}),
    ...(unverified.length
      ? { statusOverride: { state: 'failure' as const, description: UNVERIFIED_STATUS } }
      : {})
  })
}
