// The reports of a matrix's legs: every artifact of ONE workflow run whose name is
// `<artifact-name>-<leg>`. Never another run's: the run id is the aggregate job's own run (or,
// for a fork's two-phase setup, the triggering run of the workflow_run event). A fork may
// control every byte of them, so each is bounded and validated like the measure artifact.

import { join } from 'node:path'
import type { Report } from '../analysis/report.js'
import { LEG_KIND, LEG_SCHEMA, LEG_SCHEMA_VERSION } from '../baseline/leg-schema.js'
import { MEASURE_KIND } from '../baseline/report-schema.js'
import { checkNotNewer, parseJsonBounded, trimReport, validateAgainst } from '../baseline/schema.js'
import {
  ArtifactError,
  DEFAULT_ZIP_LIMITS,
  download,
  downloadUrl,
  MEASURE_FILE,
  parseMeasurePayload,
  unzipArtifact,
  type MeasurePayload,
  type MeasureResult
} from './artifact.js'
import { writeFileAtomic } from '../files.js'
import { apiFailure, type Octokit } from '../github-api.js'

/** What a leg measured on a push (on a pull request a leg leaves a MeasurePayload). */
export interface LegPayload {
  schemaVersion: typeof LEG_SCHEMA_VERSION
  kind: typeof LEG_KIND
  sha: string
  results: MeasureResult[]
}

export interface Leg {
  leg: string
  payload: MeasurePayload | LegPayload
}

export interface UnreadableLeg {
  leg: string
  reason: string
}

/** More legs than this in one run is not a matrix we can report in one comment. */
export const MAX_LEGS = 256

const LEG_PATTERN = /^[A-Za-z0-9._-]{1,100}$/

/** Writes the push leg's file (same file name as the measure payload) for upload. */
export async function writeLegArtifact(
  dir: string,
  sha: string,
  results: MeasureResult[]
): Promise<string> {
  const payload: LegPayload = {
    schemaVersion: LEG_SCHEMA_VERSION,
    kind: LEG_KIND,
    sha,
    results: results.map(r => ({ ...r, report: trimReport(r.report) as Report }))
  }
  const text = JSON.stringify(payload)
  parseLegPayload(text, 'the leg report being written')
  const target = join(dir, MEASURE_FILE)
  await writeFileAtomic(target, text, `cannot write the leg report ${target}`)
  return target
}

/** A leg's file: a push leg's report or a pull request's measure payload. */
export function parseLegPayload(text: string, where: string): MeasurePayload | LegPayload {
  try {
    const value = parseJsonBounded(text, DEFAULT_ZIP_LIMITS.maxTotalBytes, where) as {
      kind?: unknown
    }
    if (value?.kind === MEASURE_KIND) return parseMeasurePayload(text, where)
    checkNotNewer(value, where, LEG_SCHEMA_VERSION)
    return validateAgainst<LegPayload>(value, LEG_SCHEMA, where, 'image-size-guard leg report')
  } catch (e) {
    throw new ArtifactError((e as Error).message)
  }
}

interface ArtifactLike {
  id: number
  name: string
  size_in_bytes: number
  expired: boolean
  created_at: string | null
}

/** Every `<prefix>-<leg>` artifact of run `runId`, downloaded and validated. */
export async function fetchLegs(
  octokit: Octokit,
  opts: { owner: string; repo: string; runId: number; prefix: string; timeoutMs?: number }
): Promise<{ legs: Leg[]; unreadable: UnreadableLeg[] }> {
  const newest = await legArtifacts(octokit, opts)
  const legs: Leg[] = []
  const unreadable: UnreadableLeg[] = []
  for (const [leg, artifact] of newest) {
    try {
      if (artifact.expired) throw new ArtifactError(`artifact "${artifact.name}" has expired`)
      const limits = DEFAULT_ZIP_LIMITS
      if (artifact.size_in_bytes > limits.maxZipBytes) {
        throw new ArtifactError(
          `artifact "${artifact.name}" is ${artifact.size_in_bytes} bytes, over the ${limits.maxZipBytes} allowed`
        )
      }
      const location = await downloadUrl(octokit, opts, artifact.id)
      const zip = await download(location, limits.maxZipBytes, opts.timeoutMs ?? 60_000)
      const bytes = unzipArtifact(zip, [MEASURE_FILE], limits).get(MEASURE_FILE)
      if (!bytes)
        throw new ArtifactError(`artifact "${artifact.name}" does not contain ${MEASURE_FILE}`)
      const where = `${MEASURE_FILE} in artifact "${artifact.name}"`
      legs.push({ leg, payload: parseLegPayload(Buffer.from(bytes).toString('utf8'), where) })
    } catch (e) {
      if (!(e instanceof ArtifactError)) throw e
      unreadable.push({ leg, reason: e.message })
    }
  }
  return { legs, unreadable }
}

/** leg → its newest artifact (a re-run attempt uploads again under the same name). */
async function legArtifacts(
  octokit: Octokit,
  opts: { owner: string; repo: string; runId: number; prefix: string }
): Promise<Map<string, ArtifactLike>> {
  let all: ArtifactLike[]
  try {
    all = (await octokit.paginate(octokit.rest.actions.listWorkflowRunArtifacts, {
      owner: opts.owner,
      repo: opts.repo,
      run_id: opts.runId,
      per_page: 100
    })) as ArtifactLike[]
  } catch (e) {
    throw apiFailure(e, `listing the artifacts of run ${opts.runId}`, 'actions: read')
  }
  const start = `${opts.prefix}-`
  const byLeg = new Map<string, ArtifactLike>()
  for (const a of all) {
    if (!a.name.startsWith(start)) continue
    const leg = a.name.slice(start.length)
    if (!LEG_PATTERN.test(leg)) continue
    const seen = byLeg.get(leg)
    if (!seen || Date.parse(a.created_at ?? '') > Date.parse(seen.created_at ?? ''))
      byLeg.set(leg, a)
  }
  if (byLeg.size > MAX_LEGS) {
    throw new ArtifactError(
      `run ${opts.runId} has ${byLeg.size} artifacts named "${start}…", over the ${MAX_LEGS} legs one report can hold`
    )
  }
  return new Map([...byLeg].sort(([a], [b]) => a.localeCompare(b)))
}
