// Where the results show: job summary (always, full), the sticky PR comment, commit statuses,
// annotations on Dockerfile lines, outputs and the report file. A failure to comment or set a
// status never changes the verdict: it is a warning.

import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import * as core from '@actions/core'
import { GitBaselineStore } from '../baseline/git-store.js'
import { safeName } from '../baseline/schema.js'
import { Outputs } from '../constants.js'
import { errorMessage } from '../errors.js'
import { type Octokit } from '../github-api.js'
import { makeMarker, upsertComment, type UpsertResult } from '../github/comment.js'
import { setCommitStatus, setVerdictStatus, type StatusState } from '../github/status.js'
import type { CommentMode } from '../github/comment.js'
import { worstVerdict, type Verdict } from '../diff/verdict.js'
import { COMMENT_MAX, renderComment, renderSummary } from '../render/markdown.js'
import type { RenderContext } from '../render/model.js'
import { renderTerminal } from '../render/terminal.js'
import { formatBytes } from '../units.js'
import * as log from './log.js'
import type { ImageResult } from '../diff/result.js'

export interface Target {
  octokit: Octokit
  owner: string
  repo: string
}

/** The repository's baseline store: the data branch, written through the job's token. */
export function dataStore(t: Target, branch: string): GitBaselineStore {
  return new GitBaselineStore({
    octokit: t.octokit,
    owner: t.owner,
    repo: t.repo,
    branch,
    log: log.coreLog
  })
}

export function logReports(results: ImageResult[]): void {
  for (const r of results) log.logUntrusted(renderTerminal(r.report))
}

/** The job summary is one more place the report shows: failing to write it is a warning. */
export async function writeSummary(
  results: ImageResult[],
  ctx: RenderContext,
  notice?: string
): Promise<void> {
  try {
    const summary = renderSummary(results, ctx)
    await core.summary.addRaw(notice ? `${notice}\n\n${summary}` : summary).write()
  } catch (e) {
    log.warning(`could not write the job summary (the verdict stands): ${errorMessage(e)}`)
  }
}

export function commentMarker(results: ImageResult[], commentKey?: string): string {
  if (results.length === 1) return makeMarker(results[0].name, results[0].platform, commentKey)
  return makeMarker('images', 'all', commentKey)
}

export async function postComment(
  t: Target,
  issueNumber: number,
  results: ImageResult[],
  ctx: RenderContext,
  mode: CommentMode,
  /** Markdown shown above the report (a warning the reader must see first). */
  notice?: string
): Promise<UpsertResult | undefined> {
  const rendered = renderComment(results, ctx, {
    maxLength: COMMENT_MAX - 200 - (notice ? notice.length + 2 : 0)
  })
  if (rendered.truncated.length)
    log.notice(`the PR comment was trimmed to fit: ${rendered.truncated.join('; ')}`)
  try {
    const result = await upsertComment(t.octokit, {
      owner: t.owner,
      repo: t.repo,
      issueNumber,
      marker: ctx.marker,
      body: notice ? `${notice}\n\n${rendered.body}` : rendered.body,
      mode,
      state: {
        verdict: worstVerdict(results.map(r => r.verdict.verdict)),
        sizes: results.map(r => r.report.image.totalBytes)
      },
      log: log.coreLog
    })
    log.info(
      `PR comment: ${result.action}${result.reason ? ` (${result.reason})` : ''}${result.url ? ` ${result.url}` : ''}`
    )
    return result
  } catch (e) {
    log.warning(
      `could not post the PR comment (the verdict stands; the job summary has the full report): ${errorMessage(e)}`
    )
    return undefined
  }
}

/** The status of an image whose recorded baseline could not be read (see the run's log). */
export const UNREADABLE_BASELINE = {
  state: 'pending' as const,
  description: 'baseline unreadable on the data branch (see the run log): fix or re-record it'
}

export async function postStatuses(
  t: Target,
  sha: string,
  results: ImageResult[],
  runUrl?: string,
  /** A state and description that replace the verdict's (report mode, unverified). */
  override?: { state: StatusState; description: string }
): Promise<void> {
  for (const r of results) {
    const where = {
      owner: t.owner,
      repo: t.repo,
      sha,
      name: statusName(r, results),
      ...(runUrl ? { targetUrl: runUrl } : {})
    }
    try {
      if (override) {
        await setCommitStatus(t.octokit, { ...where, ...override })
        continue
      }
      // Not a silent success: a required check waits until the baseline is readable again.
      if (r.baselineUnreadable && r.verdict.verdict === 'no-baseline') {
        await setCommitStatus(t.octokit, { ...where, ...UNREADABLE_BASELINE })
        continue
      }
      await setVerdictStatus(t.octokit, {
        ...where,
        summary: {
          verdict: r.verdict.verdict,
          ...(r.comparison
            ? { delta: r.comparison.total.delta, ratio: r.comparison.total.ratio }
            : {}),
          ...(r.baseline ? { branch: r.baseline.branch } : {}),
          ...(r.verdict.acceptedBy ? { acceptedBy: r.verdict.acceptedBy } : {}),
          totalBytes: r.report.image.totalBytes
        }
      })
    } catch (e) {
      log.warning(
        `could not set the commit status for ${r.name} (the verdict stands): ${errorMessage(e)}`
      )
    }
  }
}

/**
 * New hints as annotations on their Dockerfile line: they show in the PR's Files view.
 * `locations: false` (report mode) drops the file and line: there they come from an
 * artifact a fork wrote, and an annotation must not point wherever the fork likes.
 */
export function annotate(results: ImageResult[], opts: { locations: boolean }): void {
  for (const r of results) {
    for (const h of r.report.hints) {
      if (h.new === false) continue
      const props = {
        title: `${r.name}: ${h.title} (${h.id})`,
        ...(opts.locations && h.dockerfile && h.dockerfileLine
          ? { file: h.dockerfile, startLine: h.dockerfileLine }
          : {})
      }
      const text = `${h.title}: ${formatBytes(h.bytes)}. Fix: ${h.fix}`
      if (h.severity === 'error') log.error(text, props)
      else if (h.severity === 'warning') log.warning(text, props)
      else log.notice(text, props)
    }
  }
}

/** Writes one report file per image plus, for several images, a combined file. */
export function writeReports(results: ImageResult[]): string {
  const dir = join(process.env.RUNNER_TEMP || process.cwd(), 'image-size-guard')
  mkdirSync(dir, { recursive: true })
  const paths = results.map(r => {
    const path = join(dir, `report-${safeName(r.name)}.json`)
    writeFileSync(path, JSON.stringify(r.report, null, 2))
    return path
  })
  if (results.length === 1) return paths[0]
  const combined = join(dir, 'reports.json')
  writeFileSync(
    combined,
    JSON.stringify({ reports: results.map(r => ({ name: r.name, report: r.report })) }, null, 2)
  )
  return combined
}

export function setOutputs(
  results: ImageResult[],
  reportPath: string,
  commentUrl?: string,
  verdict?: Verdict
): void {
  const sum = (f: (r: ImageResult) => number | undefined) => {
    const v = results.map(f)
    return v.some(x => x === undefined) ? '' : String(v.reduce((a, b) => (a ?? 0) + (b ?? 0), 0))
  }
  const compared = results.filter(r => r.comparison)
  const before = compared.reduce((n, r) => n + r.comparison!.total.before, 0)
  const delta = compared.reduce((n, r) => n + r.comparison!.total.delta, 0)
  core.setOutput(Outputs.Verdict, verdict ?? worstVerdict(results.map(r => r.verdict.verdict)))
  core.setOutput(
    Outputs.SizeBytes,
    sum(r => r.report.image.totalBytes)
  )
  core.setOutput(
    Outputs.CompressedBytes,
    sum(r => r.report.image.compressedBytes)
  )
  core.setOutput(Outputs.BaseSizeBytes, compared.length === results.length ? String(before) : '')
  core.setOutput(Outputs.DeltaBytes, compared.length === results.length ? String(delta) : '')
  core.setOutput(
    Outputs.DeltaPercent,
    compared.length === results.length && before > 0 ? ((delta / before) * 100).toFixed(2) : ''
  )
  core.setOutput(
    Outputs.ReclaimableBytes,
    sum(r => r.report.waste.reclaimableBytes)
  )
  core.setOutput(Outputs.BaselineSha, results[0]?.baseline?.sha ?? '')
  core.setOutput(Outputs.BaselineMethod, results[0]?.baseline?.method ?? 'none')
  core.setOutput(Outputs.ReportPath, reportPath)
  core.setOutput(Outputs.Results, JSON.stringify(results.map(resultSummary)))
  core.setOutput(Outputs.CommentUrl, commentUrl ?? '')
}

function resultSummary(r: ImageResult) {
  return {
    name: r.name,
    platform: r.platform,
    verdict: r.verdict.verdict,
    reasons: r.verdict.reasons,
    sizeBytes: r.report.image.totalBytes,
    compressedBytes: r.report.image.compressedBytes ?? null,
    baseSizeBytes: r.comparison?.total.before ?? null,
    deltaBytes: r.comparison?.total.delta ?? null,
    reclaimableBytes: r.report.waste.reclaimableBytes,
    baselineSha: r.baseline?.sha ?? null,
    baselineMethod: r.baseline?.method ?? 'none',
    baselineDistance: r.baseline?.distance ?? null,
    newHints: r.report.hints.filter(h => h.new).map(h => h.id)
  }
}

/** One status per image, per platform when one image has several (`platform: all`). */
function statusName(r: ImageResult, results: ImageResult[]): string {
  const samePlatforms = results.filter(o => o.name === r.name).length > 1
  if (samePlatforms || (results.length === 1 && r.platform !== 'linux/amd64'))
    return `${r.name}@${r.platform}`
  return r.name
}
