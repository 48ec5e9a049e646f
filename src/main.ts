// Orchestration only: wires the steps and owns the single try/catch.
//
// inputs → images (build / read / analyse / hint) → baseline → diff → verdict → render →
// publish (summary, comment, status, annotations, outputs) → the job fails on `fail` (a
// recording run on the default branch warns instead: pull requests are where it gates).

import { existsSync, readFileSync } from 'node:fs'
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
import { coreLog, evaluate, worstVerdict, type EvaluateDeps } from './action/evaluate.js'
import {
  annotate,
  commentMarker,
  dataStore,
  logReports,
  postComment,
  postStatuses,
  setOutputs,
  writeReports,
  writeSummary,
  type Target
} from './action/publish.js'
import { runReportMode } from './action/report-mode.js'
import { GitBaselineStore } from './baseline/git-store.js'
import { toBaseline } from './baseline/schema.js'
import { Outputs } from './constants.js'
import {
  commitsFromGitHub,
  mergeBaseFromGitHub,
  pickCompareSha,
  type CompareTarget
} from './baseline/resolve.js'
import { withWorktree } from './build/worktree.js'
import { runFastRead } from './action/fast-read.js'
import { errorMessage } from './errors.js'
import { writeMeasureArtifact } from './github/artifact.js'
import { createClient } from './github/client.js'
import { readActionContext, type ActionContext } from './github/context.js'
import { isReadOnlyToken } from './github/permissions.js'
import { readInputs, type ActionInputs } from './inputs.js'
import type { ImageResult } from './render/model.js'

export async function run(): Promise<void> {
  let measured: Measured[] = []
  let keepImage = true
  try {
    const ctx = readActionContext(process.env)
    const inputs = readInputs(
      name => core.getInput(name),
      path => readWorkspaceFile(ctx.workspace, path),
      ctx.repository.repo
    )
    keepImage = inputs.keepImage
    const mode = resolveMode(inputs.mode, ctx)
    core.info(`image-size-guard: ${mode} (${ctx.eventName}), ${inputs.images.length} image(s)`)
    if (!inputs.token)
      throw new Error(
        'the input `github-token` is empty: leave it at its default (${{ github.token }})'
      )
    const target: Target = { octokit: createClient(inputs.token, ctx.apiUrl), ...ctx.repository }
    if (mode === 'report') return await runReportMode(ctx, inputs, target)
    if (inputs.registryRead === 'fast') return await runFastRead(inputs)
    measured = await measureImages({ workspace: ctx.workspace, inputs })
    const results = await compareAll(ctx, inputs, target, mode, measured)
    await publish(ctx, inputs, target, mode, results)
  } catch (e) {
    core.setFailed(errorMessage(e))
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
  if (mode === 'record') await record(ctx, store, measured)
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
  store: GitBaselineStore,
  measured: Measured[]
): Promise<void> {
  const branch = defaultBranch(ctx) ?? ctx.ref.replace(/^refs\/heads\//, '')
  for (const m of measured) {
    const report = m.analysis.report
    await store.put(
      toBaseline(report, {
        name: m.spec.name,
        platform: report.image.platform,
        sha: ctx.sha,
        branch
      })
    )
    core.info(
      `recorded the baseline of ${m.spec.name} (${report.image.platform}) at ${ctx.sha.slice(0, 7)} on ${branch}`
    )
  }
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
    coreLog
  )
}

/** The baseline rebuild fallback: the same build at the base commit, in a separate worktree. */
async function rebuildAt(ctx: ActionContext, inputs: ActionInputs, m: Measured, sha: string) {
  return withWorktree(ctx.workspace, sha, async dir => {
    const base = await measureImage(m.spec, { workspace: ctx.workspace, inputs }, dir)
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
  const marker = commentMarker(results, inputs.commentKey)
  const renderCtx = {
    repoUrl: `${ctx.serverUrl}/${t.owner}/${t.repo}`,
    headSha: subjectSha(ctx),
    runUrl: `${ctx.serverUrl}/${t.owner}/${t.repo}/actions/runs/${ctx.runId}`,
    acceptLabel: inputs.acceptLabel,
    marker
  }
  logReports(results)
  annotate(results)
  const reportPath = writeReports(results)
  await writeSummary(results, renderCtx)
  let commentUrl: string | undefined
  const readOnly = isReadOnlyToken(ctx.eventName, ctx.payload)
  if (mode === 'measure') await writeArtifact(ctx, results)
  else if (readOnly) {
    core.notice(
      'this pull request comes from a fork, so the token is read-only: no comment or status is posted. ' +
        'Use `mode: measure` here and `mode: report` in a workflow_run workflow (see the README) to post them.'
    )
  } else {
    const number = pullRequestNumber(ctx)
    if (number !== undefined && inputs.comment !== 'never') {
      commentUrl = (await postComment(t, number, results, renderCtx, inputs.comment))?.url
    }
    if (inputs.status && mode !== 'record')
      await postStatuses(t, subjectSha(ctx), results, renderCtx.runUrl)
  }
  setOutputs(results, reportPath, commentUrl)
  failOnVerdict(results, mode)
}

async function writeArtifact(ctx: ActionContext, results: ImageResult[]): Promise<void> {
  const number = pullRequestNumber(ctx)
  const pr = ctx.payload.pull_request as
    { head?: { sha?: string }; base?: { sha?: string } } | undefined
  if (number === undefined || !pr?.head?.sha) {
    throw new Error(
      '`mode: measure` runs on pull_request events: it needs the PR number and head commit'
    )
  }
  const dir = join(process.env.RUNNER_TEMP || ctx.workspace, 'image-size-guard', 'artifact')
  const path = await writeMeasureArtifact(dir, {
    prNumber: number,
    headSha: pr.head.sha,
    baseSha: pr.base?.sha ?? '',
    results: results.map(r => ({
      name: r.name,
      platform: r.platform,
      ...(r.dockerfile ? { dockerfile: r.dockerfile } : {}),
      report: r.report
    }))
  })
  core.setOutput(Outputs.ArtifactPath, path)
  core.info(
    `measure payload written to ${path}: upload it with actions/upload-artifact (see the README)`
  )
}

function failOnVerdict(results: ImageResult[], mode: RunMode): void {
  const verdict = worstVerdict(results.map(r => r.verdict.verdict))
  if (verdict !== 'fail') return
  const reasons = results.flatMap(r => r.verdict.reasons.map(x => `${r.name}: ${x}`)).join('; ')
  // A recording run reports but does not gate: the change was gated (or accepted with the
  // label) in its pull request, which a push cannot see. A red default branch would be noise.
  if (mode === 'record')
    core.warning(
      `the recorded image is over the thresholds — ${reasons} (recording runs do not fail; pull requests are gated)`
    )
  else core.setFailed(`image size check failed — ${reasons}`)
}

function readWorkspaceFile(workspace: string, path: string): string | undefined {
  const file = join(workspace, path)
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined
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
