// Orchestration only: wires the steps and owns the single try/catch.
//
// inputs → images (build / read / analyse / hint) → baseline → diff → verdict → render →
// publish (summary, comment, status, annotations, outputs) → the job fails on `fail` (a
// recording run on the default branch warns instead: pull requests are where it gates).

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as core from '@actions/core'
import {
  cleanup,
  cleanupQuietly,
  measureImage,
  measureImages,
  type Measured
} from './action/measure-images.js'
import {
  defaultBranch,
  pullRequestNumber,
  resolveMode,
  subjectSha,
  type RunMode
} from './action/mode.js'
import { acceptFailures } from './action/accept.js'
import { evaluate, type EvaluateDeps } from './action/evaluate.js'
import { worstVerdict } from './diff/verdict.js'
import { isPullRequestEvent, loadInputs } from './action/load-inputs.js'
import * as log from './action/log.js'
import { commentMarker, dataStore, type Target } from './action/publish.js'
import { runReportMode } from './action/report-mode.js'
import { defaultLeg, runAggregateMode } from './action/aggregate.js'
import { publishRun } from './action/publish-run.js'
import { recordBaselines } from './action/record.js'
import { GitBaselineStore } from './baseline/git-store.js'
import { toBaseline } from './baseline/schema.js'
import { Outputs } from './constants.js'
import {
  commitsFromGitHub,
  mergeBaseFromGitHub,
  pickCompareSha,
  type CompareTarget
} from './baseline/resolve.js'
import { withWorktree } from './builder/worktree.js'
import { runFastRead } from './action/fast-read.js'
import { errorMessage } from './errors.js'
import { writeMeasureArtifact } from './github/artifact.js'
import { writeLegArtifact } from './github/run-artifacts.js'
import { createClient } from './github-api.js'
import { readActionContext, type ActionContext } from './github/context.js'
import { isReadOnlyToken } from './github/permissions.js'
import { type ActionInputs } from './inputs.js'
import type { ImageResult } from './diff/result.js'

export async function run(): Promise<void> {
  let measured: Measured[] = []
  let keepImage = true
  try {
    const ctx = readActionContext(process.env)
    const inputs = await loadInputs(ctx, name => core.getInput(name))
    keepImage = inputs.keepImage
    const mode = resolveMode(inputs.mode, ctx)
    log.info(`image-size-guard: ${mode} (${ctx.eventName}), ${inputs.images.length} image(s)`)
    if (!inputs.token)
      throw new Error(
        'the input `github-token` is empty: leave it at its default (${{ github.token }})'
      )
    const target: Target = { octokit: createClient(inputs.token, ctx.apiUrl), ...ctx.repository }
    if (mode === 'report') return await runReportMode(ctx, inputs, target)
    if (mode === 'aggregate') return await runAggregateMode(ctx, inputs, target)
    if (inputs.registryRead === 'fast') return await runFastRead(inputs)
    measured = await measureImages({
      workspace: ctx.workspace,
      inputs,
      confine: isPullRequestEvent(ctx)
    })
    const results = await compareAll(ctx, inputs, target, mode, measured)
    await publish(ctx, inputs, target, mode, results)
  } catch (e) {
    log.fail(errorMessage(e))
  } finally {
    await cleanupQuietly(measured, keepImage)
  }
}

async function compareAll(
  ctx: ActionContext,
  inputs: ActionInputs,
  t: Target,
  mode: RunMode,
  measured: Measured[]
): Promise<ImageResult[]> {
  const store = dataStore(t, inputs.dataBranch)
  if (mode === 'record') await record(ctx, inputs, t, store, measured)
  const compareTo = await compareTarget(ctx, t, mode)
  const results: ImageResult[] = []
  for (const m of measured) {
    const deps: EvaluateDeps = {
      store,
      listCommits: commitsFromGitHub(t.octokit, t.owner, t.repo),
      trendLength: inputs.trendLength,
      ...(inputs.baselineFallback === 'build' && mode !== 'record' && m.spec.build
        ? { rebuild: (sha: string) => rebuildAt(ctx, inputs, m, sha) }
        : {})
    }
    const subject = {
      name: m.spec.name,
      report: m.analysis.report,
      thresholds: m.spec.thresholds,
      ...(m.spec.dockerfile ? { dockerfile: m.spec.dockerfile } : {})
    }
    results.push(await evaluate(subject, compareTo, deps))
  }
  const number = pullRequestNumber(ctx)
  if (number === undefined) return results
  return acceptFailures(
    t,
    { number, label: inputs.acceptLabel, thresholdsOf: (_, i) => measured[i].spec.thresholds },
    results
  )
}

async function record(
  ctx: ActionContext,
  inputs: ActionInputs,
  t: Target,
  store: GitBaselineStore,
  measured: Measured[]
): Promise<void> {
  const branch = defaultBranch(ctx) ?? ctx.ref.replace(/^refs\/heads\//, '')
  const baselines = measured.map(m =>
    toBaseline(m.analysis.report, {
      name: m.spec.name,
      platform: m.analysis.report.image.platform,
      sha: ctx.sha,
      branch
    })
  )
  await recordBaselines(t, store, baselines, inputs.keepBaselines)
}

async function compareTarget(
  ctx: ActionContext,
  t: Target,
  mode: RunMode
): Promise<CompareTarget | undefined> {
  const checkedOut = headOfCheckout(ctx.workspace)
  return pickCompareSha(
    mode === 'record' ? { ...ctx.payload, pull_request: undefined } : ctx.payload,
    checkedOut,
    mergeBaseFromGitHub(t.octokit, t.owner, t.repo),
    log.coreLog
  )
}

/** The baseline rebuild fallback: the same build at the base commit, in a separate worktree. */
async function rebuildAt(ctx: ActionContext, inputs: ActionInputs, m: Measured, sha: string) {
  return withWorktree(ctx.workspace, sha, async dir => {
    const base = await measureImage(
      m.spec,
      { workspace: ctx.workspace, inputs, confine: isPullRequestEvent(ctx) },
      dir
    )
    await cleanup([base], inputs.keepImage)
    return base.analysis.report
  })
}

async function publish(
  ctx: ActionContext,
  inputs: ActionInputs,
  t: Target,
  mode: RunMode,
  results: ImageResult[]
) {
  const render = {
    repoUrl: `${ctx.serverUrl}/${t.owner}/${t.repo}`,
    headSha: subjectSha(ctx),
    runUrl: `${ctx.serverUrl}/${t.owner}/${t.repo}/actions/runs/${ctx.runId}`,
    acceptLabel: inputs.acceptLabel,
    marker: commentMarker(results, inputs.commentKey)
  }
  const readOnly = isReadOnlyToken(ctx.eventName, ctx.payload)
  const posts = mode !== 'measure' && !readOnly
  if (mode === 'measure') await writeArtifact(ctx, inputs, results)
  else if (readOnly) {
    log.notice(
      'this pull request comes from a fork, so the token is read-only: no comment or status is posted. ' +
        'Use `mode: measure` here and `mode: report` in a workflow_run workflow (see the README) to post them.'
    )
  }
  const pr = posts ? pullRequestNumber(ctx) : undefined
  await publishRun(t, {
    results,
    render,
    ...(pr !== undefined ? { pr } : {}),
    comment: inputs.comment,
    sarifWorkspace: ctx.workspace,
    ...(pr !== undefined && inputs.suggestions && mode !== 'record'
      ? { suggest: { headSha: subjectSha(ctx), workspace: ctx.workspace } }
      : {}),
    ...(posts && inputs.status && mode !== 'record' ? { statusSha: subjectSha(ctx) } : {})
  })
  failOnVerdict(results, mode)
}

async function writeArtifact(
  ctx: ActionContext,
  inputs: ActionInputs,
  results: ImageResult[]
): Promise<void> {
  const number = pullRequestNumber(ctx)
  const pr = ctx.payload.pull_request as
    { head?: { sha?: string }; base?: { sha?: string } } | undefined
  const dir = join(process.env.RUNNER_TEMP || ctx.workspace, 'image-size-guard', 'artifact')
  const measuredResults = results.map(r => ({
    name: r.name,
    platform: r.platform,
    ...(r.dockerfile ? { dockerfile: r.dockerfile } : {}),
    report: r.report
  }))
  // A pull request leaves the fork-safe measure payload (readable by `report` and
  // `aggregate`); a push (a matrix leg) the commit it measured.
  const path =
    number !== undefined && pr?.head?.sha
      ? await writeMeasureArtifact(dir, {
          prNumber: number,
          headSha: pr.head.sha,
          baseSha: pr.base?.sha ?? '',
          results: measuredResults
        })
      : await writeLegArtifact(dir, ctx.sha, measuredResults)
  const name = `${inputs.artifactName}-${inputs.leg ?? defaultLeg(results)}`
  core.setOutput(Outputs.ArtifactPath, path)
  core.setOutput(Outputs.ArtifactName, name)
  log.info(
    `measure payload written to ${path}: upload it as "${name}" with actions/upload-artifact (see the README)`
  )
}

function failOnVerdict(results: ImageResult[], mode: RunMode): void {
  const verdict = worstVerdict(results.map(r => r.verdict.verdict))
  if (verdict !== 'fail') return
  const reasons = results.flatMap(r => r.verdict.reasons.map(x => `${r.name}: ${x}`)).join('; ')
  // A recording run reports but does not gate: the change was gated (or accepted with the
  // label) in its pull request, which a push cannot see. A red default branch would be noise.
  if (mode === 'record')
    log.warning(
      `the recorded image is over the thresholds — ${reasons} (recording runs do not fail; pull requests are gated)`
    )
  else log.fail(`image size check failed — ${reasons}`)
}

/** The commit checked out in the workspace (without the git CLI), if it is a git checkout. */
function headOfCheckout(workspace: string): string | undefined {
  try {
    const head = readFileSync(join(workspace, '.git', 'HEAD'), 'utf8').trim()
    if (/^[0-9a-f]{40}$/.test(head)) return head
    const ref = /^ref: (.+)$/.exec(head)?.[1]
    return ref ? readFileSync(join(workspace, '.git', ref), 'utf8').trim() : undefined
  } catch {
    return undefined
  }
}
