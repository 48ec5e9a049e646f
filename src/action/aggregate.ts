// `mode: aggregate`, the job after a matrix (`needs:` it): every leg's report of this
// workflow run (or, in a workflow_run workflow, of the triggering run) becomes ONE comment,
// one status per image plus one overall, one job summary and — on a push to the default
// branch — one data-branch commit holding every leg's baseline. The verdict is the worst
// leg's; a leg that left no readable report is listed, and fails with `fail-on-missing`.

import {
  commitsFromGitHub,
  mergeBaseFromGitHub,
  pickCompareSha,
  type CompareTarget
} from '../baseline/resolve.js'
import { platformKey, safeName, toBaseline } from '../baseline/schema.js'
import type { Verdict } from '../diff/verdict.js'
import { verifyPullRequestHead, type MeasureResult } from '../github/artifact.js'
import { makeMarker } from '../github/comment.js'
import type { ActionContext } from '../github/context.js'
import { isReadOnlyToken } from '../github/permissions.js'
import { fetchLegs, type Leg, type UnreadableLeg } from '../github/run-artifacts.js'
import type { ActionInputs } from '../inputs.js'
import { worstVerdict } from '../diff/verdict.js'
import type { MissingLeg } from '../render/model.js'
import { acceptFailures } from './accept.js'
import * as log from './log.js'
import { UNVERIFIED_STATUS, unverifiedNotice, untrustedBecause } from './report-trust.js'
import { coreLog, evaluate } from './evaluate.js'
import { defaultBranch, onDefaultBranch, pullRequestNumber, subjectSha } from './mode.js'
import { dataStore, type Target } from './publish.js'
import { publishRun } from './publish-run.js'
import { recordBaselines } from './record.js'
import type { ImageResult } from '../diff/result.js'

/** A leg's default name: its images (and platform, when not linux/amd64). */
export function defaultLeg(results: Array<{ name: string; platform: string }>): string {
  const names = [...new Set(results.map(r => safeName(r.name)))]
  const platforms = [...new Set(results.map(r => r.platform))]
  const suffix =
    platforms.length === 1 && platforms[0] !== 'linux/amd64' ? `-${platformKey(platforms[0])}` : ''
  return `${names.join('_')}${suffix}`.slice(0, 100) || 'leg'
}

/** What the legs measured, and where the results go. */
interface Subject {
  kind: 'pr' | 'fork-pr' | 'push'
  runId: number
  sha: string
  pr?: { number: number; labels?: string[] }
  target?: CompareTarget
}

export async function runAggregateMode(
  ctx: ActionContext,
  inputs: ActionInputs,
  t: Target
): Promise<void> {
  const run = ctx.payload.workflow_run as { id?: number; head_sha?: string } | undefined
  const runId = ctx.eventName === 'workflow_run' ? run?.id : Number(ctx.runId)
  if (!runId) throw new Error('`mode: aggregate` on workflow_run needs the triggering run')
  const fetched = await log.group(`Fetching the legs' reports of run ${runId}`, () =>
    fetchLegs(t.octokit, { owner: t.owner, repo: t.repo, runId, prefix: inputs.artifactName })
  )
  const subject = await subjectOf(ctx, t, runId, fetched.legs)
  const { legs, unreadable } = keepMatching(fetched.legs, fetched.unreadable, subject)
  log.info(
    `aggregating ${legs.length} leg(s) of run ${runId}: ${legs.map(l => l.leg).join(', ') || 'none'}`
  )
  const measured = uniqueResults(legs)
  const store = dataStore(t, inputs.dataBranch)
  if (subject.kind === 'push' && onDefaultBranch(ctx)) {
    const branch = defaultBranch(ctx) ?? 'main'
    const baselines = measured.map(m =>
      toBaseline(m.report, { name: m.name, platform: m.platform, sha: subject.sha, branch })
    )
    if (baselines.length > 0) await recordBaselines(t, store, baselines, inputs.keepBaselines)
  }
  const thresholdsFor = (name: string) =>
    (inputs.images.find(s => s.name === name) ?? inputs.images[0]).thresholds
  let results: ImageResult[] = []
  for (const m of measured) {
    const subjectOfImage = {
      name: m.name,
      report: m.report,
      thresholds: thresholdsFor(m.name),
      ...(m.dockerfile ? { dockerfile: m.dockerfile } : {})
    }
    results.push(
      await evaluate(subjectOfImage, subject.target, {
        store,
        listCommits: commitsFromGitHub(t.octokit, t.owner, t.repo),
        trendLength: inputs.trendLength
      })
    )
  }
  if (subject.pr) {
    results = await acceptFailures(
      t,
      {
        number: subject.pr.number,
        ...(subject.pr.labels ? { labels: subject.pr.labels } : {}),
        label: inputs.acceptLabel,
        thresholdsOf: r => thresholdsFor(r.name)
      },
      results
    )
  }
  const missing = missingLegs(inputs, legs, unreadable)
  const verdict = overallVerdict(results, missing)
  const readOnly = isReadOnlyToken(ctx.eventName, ctx.payload)
  if (readOnly && subject.pr) {
    log.notice(
      'this pull request comes from a fork, so the token is read-only: run `mode: aggregate` in a workflow_run workflow to post (see the README)'
    )
  }
  const posts = subject.pr !== undefined && !readOnly
  // A fork's legs ran the PR's workflow: if the PR changes it, no status can say success.
  const unverified =
    posts && subject.kind === 'fork-pr' && subject.pr
      ? await untrustedBecause(t, subject.pr.number)
      : []
  await publishRun(t, {
    results,
    render: {
      repoUrl: `${ctx.serverUrl}/${t.owner}/${t.repo}`,
      headSha: subject.sha,
      runUrl: `${ctx.serverUrl}/${t.owner}/${t.repo}/actions/runs/${runId}`,
      acceptLabel: inputs.acceptLabel,
      marker: makeMarker('matrix', 'all', inputs.commentKey),
      missing
    },
    ...(posts && subject.pr ? { pr: subject.pr.number } : {}),
    comment: inputs.comment,
    annotateLocations: subject.kind !== 'fork-pr',
    ...(unverified.length
      ? {
          notice: unverifiedNotice(unverified),
          statusOverride: { state: 'failure' as const, description: UNVERIFIED_STATUS }
        }
      : {}),
    ...(posts && inputs.status
      ? {
          statusSha: subject.sha,
          overall: unverified.length
            ? { verdict: 'fail' as const, description: UNVERIFIED_STATUS }
            : { verdict, description: describe(results, missing) }
        }
      : {}),
    verdict
  })
  failOn(verdict, subject, results, missing)
}

/** The event decides what the legs must have measured; a fork's claim is verified. */
async function subjectOf(
  ctx: ActionContext,
  t: Target,
  runId: number,
  legs: Leg[]
): Promise<Subject> {
  if (ctx.eventName === 'workflow_run') {
    const runHead = (ctx.payload.workflow_run as { head_sha?: string } | undefined)?.head_sha ?? ''
    // The legs' claims are checked against the commit the triggering run built: a leg
    // claiming another commit cannot choose the PR (it is refused below as a stale leg).
    const claim = legs
      .map(l => l.payload)
      .find(p => p.kind === 'image-size-guard-measure' && p.headSha === runHead)
    if (!claim || claim.kind !== 'image-size-guard-measure') {
      throw new Error(
        `run ${runId} has no pull request leg report of ${runHead.slice(0, 12)}: the measuring workflow must upload its legs' artifacts (see the README)`
      )
    }
    const pr = await verifyPullRequestHead(t.octokit, {
      owner: t.owner,
      repo: t.repo,
      prNumber: claim.prNumber,
      runHeadSha: runHead,
      payloadHeadSha: claim.headSha
    })
    return {
      kind: 'fork-pr',
      runId,
      sha: pr.headSha,
      pr: { number: pr.number, labels: pr.labels },
      target: { sha: pr.baseSha, branch: pr.baseRef, rule: 'pr-base' }
    }
  }
  const mergeBase = mergeBaseFromGitHub(t.octokit, t.owner, t.repo)
  const number = pullRequestNumber(ctx)
  if (number !== undefined) {
    const target = await pickCompareSha(ctx.payload, undefined, mergeBase, coreLog)
    return {
      kind: 'pr',
      runId,
      sha: subjectSha(ctx),
      pr: { number },
      ...(target ? { target } : {})
    }
  }
  if (ctx.eventName !== 'push') {
    throw new Error(
      `\`mode: aggregate\` runs on pull_request, push and workflow_run events, not on "${ctx.eventName}"`
    )
  }
  const target = await pickCompareSha(
    { ...ctx.payload, pull_request: undefined },
    undefined,
    mergeBase,
    coreLog
  )
  return { kind: 'push', runId, sha: ctx.sha, ...(target ? { target } : {}) }
}

/** Legs of another commit or pull request (a stale re-run) are refused, named, and missing. */
function keepMatching(legs: Leg[], unreadable: UnreadableLeg[], s: Subject) {
  const kept: Leg[] = []
  const refused = [...unreadable]
  for (const l of legs) {
    const p = l.payload
    const ok =
      s.kind === 'push'
        ? p.kind === 'image-size-guard-leg' && p.sha === s.sha
        : p.kind === 'image-size-guard-measure' &&
          p.headSha === s.sha &&
          p.prNumber === s.pr?.number
    if (ok) kept.push(l)
    else {
      const what = p.kind === 'image-size-guard-leg' ? p.sha : `PR #${p.prNumber} at ${p.headSha}`
      refused.push({
        leg: l.leg,
        reason: `its report is of ${what.slice(0, 60)}, not of ${s.sha.slice(0, 12)}`
      })
    }
  }
  for (const r of refused) log.warning(`leg ${r.leg}: ${r.reason}`)
  return { legs: kept, unreadable: refused }
}

/** Images one aggregate reports: each costs API calls, and a fork controls the artifacts. */
export const MAX_AGGREGATE_IMAGES = 500

/** One result per image and platform (the first leg's, if two legs measured the same). */
export function uniqueResults(legs: Leg[]): MeasureResult[] {
  const total = legs.reduce((n, l) => n + l.payload.results.length, 0)
  if (total > MAX_AGGREGATE_IMAGES) {
    throw new Error(
      `the legs measured ${total} images, over the ${MAX_AGGREGATE_IMAGES} one aggregate job reports: split the matrix (one aggregate per \`artifact-name\`)`
    )
  }
  const seen = new Map<string, MeasureResult>()
  for (const l of legs) {
    for (const r of l.payload.results) {
      const key = `${r.name}\n${r.platform}`
      if (seen.has(key))
        log.warning(`leg ${l.leg} measured ${r.name} (${r.platform}) again: ignored`)
      else seen.set(key, r)
    }
  }
  return [...seen.values()]
}

function missingLegs(inputs: ActionInputs, legs: Leg[], unreadable: UnreadableLeg[]): MissingLeg[] {
  const found = new Set(legs.map(l => l.leg))
  const bad = new Map(unreadable.map(u => [u.leg, u.reason]))
  const names = [...new Set([...inputs.legs, ...bad.keys()])].filter(l => !found.has(l))
  if (inputs.legs.length === 0) {
    log.info('the input `legs` is empty: a leg that uploaded nothing cannot be noticed')
  }
  return names.map(leg => ({
    leg,
    reason:
      bad.get(leg) ??
      `no artifact "${inputs.artifactName}-${leg}" in this run (the leg failed before uploading, or was skipped)`,
    fails: inputs.failOnMissing
  }))
}

function overallVerdict(results: ImageResult[], missing: MissingLeg[]): Verdict {
  if (missing.some(m => m.fails)) return 'fail'
  return worstVerdict(results.map(r => r.verdict.verdict))
}

function describe(results: ImageResult[], missing: MissingLeg[]): string {
  const failed = results.filter(r => r.verdict.verdict === 'fail').length
  const parts = [`${results.length} image(s)`, `${failed} failed`]
  if (missing.length) parts.push(`${missing.length} leg(s) missing`)
  return parts.join(', ')
}

function failOn(verdict: Verdict, s: Subject, results: ImageResult[], missing: MissingLeg[]) {
  if (verdict !== 'fail') return
  const reasons = [
    ...results.flatMap(r => r.verdict.reasons.map(x => `${r.name}: ${x}`)),
    ...missing.filter(m => m.fails).map(m => `leg ${m.leg} is missing`)
  ].join('; ')
  // A push reports but does not gate (the change was gated in its pull request); a
  // workflow_run job runs on the default branch: the PR's status carries the verdict.
  if (s.kind === 'pr') log.fail(`image size check failed — ${reasons}`)
  else log.warning(`image size check failed — ${reasons}`)
}
