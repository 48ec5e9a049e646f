// The fork-safe two-phase mode. Phase 1 (`pull_request`, read-only token, untrusted code)
// writes a measure payload that an `actions/upload-artifact` step uploads. Phase 2
// (`workflow_run`, write token, trusted code only) downloads it here — strictly bounded,
// because a fork controls every byte of it — validates it, and only trusts the PR number
// when that PR's head is the commit the triggering run built.

import { join } from 'node:path'
import { unzipSync } from 'fflate'
import type { Report } from '../analysis/report.js'
import { DEFAULT_ARTIFACT_NAME } from '../constants.js'
import { MEASURE_KIND, MEASURE_SCHEMA, MEASURE_SCHEMA_VERSION } from '../baseline/report-schema.js'
import { checkNotNewer, parseJsonBounded, trimReport, validateAgainst } from '../baseline/schema.js'
import { writeFileAtomic } from '../files.js'
import { apiFailure, type Octokit } from '../github-api.js'
import { getPullRequest, type PullRequestInfo } from './pull-request.js'

/** The file inside the artifact. */
export const MEASURE_FILE = 'image-size-guard-measure.json'
/** The artifact's default name (input `artifact-name`). */
export const MEASURE_ARTIFACT = DEFAULT_ARTIFACT_NAME

export interface MeasureResult {
  name: string
  platform: string
  /** Repository-relative Dockerfile path, for links. */
  dockerfile?: string
  report: Report
}

export interface MeasurePayload {
  schemaVersion: typeof MEASURE_SCHEMA_VERSION
  kind: typeof MEASURE_KIND
  prNumber: number
  headSha: string
  baseSha: string
  results: MeasureResult[]
}

export type MeasureInput = Omit<MeasurePayload, 'schemaVersion' | 'kind'>

export const MAX_MEASURE_BYTES = 32 * 1024 * 1024

export interface ZipLimits {
  /** The downloaded zip (bounds the work of inflating it, too). */
  maxZipBytes: number
  /** Σ declared uncompressed sizes; output buffers are allocated from them, never larger. */
  maxTotalBytes: number
  maxEntries: number
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxZipBytes: 8 * 1024 * 1024,
  maxTotalBytes: MAX_MEASURE_BYTES,
  maxEntries: 16
}

/** Anything wrong with an artifact: its message is what the log shows. */
export class ArtifactError extends Error {
  override name = 'ArtifactError'
}

// ----- phase 1: measure side -------------------------------------------------------------

/** Reports trimmed like baselines, so the payload always validates and stays small. */
export function makeMeasurePayload(input: MeasureInput): MeasurePayload {
  return {
    schemaVersion: MEASURE_SCHEMA_VERSION,
    kind: MEASURE_KIND,
    prNumber: input.prNumber,
    headSha: input.headSha,
    baseSha: input.baseSha,
    results: input.results.map(r => ({ ...r, report: trimReport(r.report) }))
  }
}

/**
 * Writes `<dir>/image-size-guard-measure.json` for this workflow step to upload:
 *
 *   - uses: actions/upload-artifact@v4
 *     with: { name: image-size-guard-report, path: <dir>/image-size-guard-measure.json }
 */
export async function writeMeasureArtifact(dir: string, input: MeasureInput): Promise<string> {
  const payload = makeMeasurePayload(input)
  const text = JSON.stringify(payload)
  // Our own output must pass the check phase 2 applies; failing here names the cause early.
  parseMeasurePayload(text, 'the measure payload being written')
  const target = join(dir, MEASURE_FILE)
  await writeFileAtomic(target, text, `cannot write the measure artifact ${target}`)
  return target
}

/** Parses and validates a payload from an untrusted source. */
export function parseMeasurePayload(
  text: string,
  where = `the artifact file ${MEASURE_FILE}`
): MeasurePayload {
  try {
    const value = parseJsonBounded(text, MAX_MEASURE_BYTES, where)
    if (typeof value === 'string' || Array.isArray(value)) {
      throw new Error(
        `${where} holds a JSON ${typeof value === 'string' ? 'string' : 'list'}, not the payload object: upload the file \`mode: measure\` wrote as it is (was it encoded twice?)`
      )
    }
    checkNotNewer(value, where, MEASURE_SCHEMA_VERSION)
    const payload = validateAgainst<MeasurePayload>(
      value,
      MEASURE_SCHEMA,
      where,
      'image-size-guard measure payload'
    )
    checkResults(payload, where)
    return payload
  } catch (e) {
    throw new ArtifactError((e as Error).message)
  }
}

/** What the schema cannot say: one result per image and platform, one platform per result. */
function checkResults(payload: MeasurePayload, where: string): void {
  const seen = new Set<string>()
  for (const r of payload.results) {
    if (r.report.image.platform !== r.platform) {
      throw new Error(
        `${where}: result "${r.name}" says platform ${r.platform} but its report says another: refusing it`
      )
    }
    const key = `${r.name}@${r.platform}`
    if (seen.has(key)) throw new Error(`${where}: result "${key}" appears twice: refusing it`)
    seen.add(key)
  }
}

// ----- phase 2: report side --------------------------------------------------------------

function isUnsafeName(name: string): boolean {
  return (
    name.includes('\\') ||
    name.includes('\0') ||
    name.startsWith('/') ||
    /^[A-Za-z]:/.test(name) ||
    name.split('/').some(part => part === '..' || part === '.')
  )
}

/**
 * Unzips only `expected` files, refusing the whole archive on anything else: path tricks,
 * unexpected names, too many entries, or declared sizes over the bound.
 */
export function unzipArtifact(
  bytes: Uint8Array,
  expected: string[],
  limits: ZipLimits = DEFAULT_ZIP_LIMITS
): Map<string, Uint8Array> {
  if (bytes.length > limits.maxZipBytes) {
    throw new ArtifactError(
      `the artifact is ${bytes.length} bytes, over the ${limits.maxZipBytes} allowed`
    )
  }
  const count = declaredEntries(bytes)
  if (count !== undefined && count > limits.maxEntries) {
    throw new ArtifactError(`the artifact holds more than ${limits.maxEntries} entries`)
  }
  let total = 0
  const check = (file: { name: string; originalSize: number; compression: number }) => {
    if (isUnsafeName(file.name)) {
      throw new ArtifactError(
        `the artifact holds a path that escapes it: "${file.name.slice(0, 200)}"`
      )
    }
    if (!expected.includes(file.name)) {
      throw new ArtifactError(
        `the artifact holds an unexpected file "${file.name.slice(0, 200)}" (expected only ${expected.join(', ')})`
      )
    }
    if (file.compression !== 0 && file.compression !== 8) {
      throw new ArtifactError(`${file.name} uses an unsupported compression (${file.compression})`)
    }
    total += file.originalSize
    if (total > limits.maxTotalBytes) {
      throw new ArtifactError(`the artifact unpacks to more than ${limits.maxTotalBytes} bytes`)
    }
    return true
  }
  let files: Record<string, Uint8Array>
  try {
    files = unzipSync(bytes, { filter: check })
  } catch (e) {
    if (e instanceof ArtifactError) throw e
    throw new ArtifactError(`the artifact is not a readable zip: ${(e as Error).message}`)
  }
  return new Map(Object.entries(files))
}

/** Entry count from the end-of-central-directory record (undefined when not found). */
function declaredEntries(bytes: Uint8Array): number | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const lowest = Math.max(0, bytes.length - 22 - 65535)
  for (let i = bytes.length - 22; i >= lowest; i--) {
    if (view.getUint32(i, true) === 0x06054b50) return view.getUint16(i + 10, true)
  }
  return undefined
}

export interface FetchArtifactOptions {
  owner: string
  repo: string
  /** The triggering run (`github.event.workflow_run.id`). */
  runId: number
  /** Artifact name (input `artifact-name`, default image-size-guard-report). */
  name?: string
  /** File expected inside (default image-size-guard-measure.json). */
  file?: string
  limits?: ZipLimits
  /** Download timeout for the storage URL (default 60 s). */
  timeoutMs?: number
}

interface ArtifactLike {
  id: number
  name: string
  size_in_bytes: number
  expired: boolean
  created_at: string | null
}

/**
 * Downloads the run's artifact and returns the parsed JSON of its one file. The value is
 * UNTRUSTED: validate it (parseMeasurePayload / fetchMeasurePayload) before use.
 */
export async function fetchReportArtifact(
  octokit: Octokit,
  opts: FetchArtifactOptions
): Promise<unknown> {
  const name = opts.name ?? MEASURE_ARTIFACT
  const file = opts.file ?? MEASURE_FILE
  const limits = opts.limits ?? DEFAULT_ZIP_LIMITS
  const artifact = await findArtifact(octokit, opts, name)
  if (artifact.size_in_bytes > limits.maxZipBytes) {
    throw new ArtifactError(
      `artifact "${name}" is ${artifact.size_in_bytes} bytes, over the ${limits.maxZipBytes} allowed`
    )
  }
  const location = await downloadUrl(octokit, opts, artifact.id)
  const zip = await download(location, limits.maxZipBytes, opts.timeoutMs ?? 60_000)
  const bytes = unzipArtifact(zip, [file], limits).get(file)
  if (!bytes) throw new ArtifactError(`artifact "${name}" does not contain ${file}`)
  return parseJsonBounded(
    Buffer.from(bytes).toString('utf8'),
    limits.maxTotalBytes,
    `${file} in artifact "${name}"`
  )
}

/** fetchReportArtifact + validation: a payload safe to read (the PR number still needs verifying). */
export async function fetchMeasurePayload(
  octokit: Octokit,
  opts: FetchArtifactOptions
): Promise<MeasurePayload> {
  const value = await fetchReportArtifact(octokit, opts)
  return parseMeasurePayload(JSON.stringify(value))
}

async function findArtifact(
  octokit: Octokit,
  opts: FetchArtifactOptions,
  name: string
): Promise<ArtifactLike> {
  let all: ArtifactLike[]
  try {
    all = (await octokit.paginate(octokit.rest.actions.listWorkflowRunArtifacts, {
      owner: opts.owner,
      repo: opts.repo,
      run_id: opts.runId,
      name,
      per_page: 100
    })) as ArtifactLike[]
  } catch (e) {
    throw apiFailure(e, `listing the artifacts of run ${opts.runId}`, 'actions: read')
  }
  const matching = all.filter(a => a.name === name)
  if (matching.length === 0) {
    throw new ArtifactError(
      `run ${opts.runId} has no artifact named "${name}": the measuring workflow must upload it with actions/upload-artifact (see the README's two-workflow setup)`
    )
  }
  const newest = matching.sort(
    (a, b) => Date.parse(b.created_at ?? '') - Date.parse(a.created_at ?? '')
  )[0]
  if (newest.expired) throw new ArtifactError(`artifact "${name}" of run ${opts.runId} has expired`)
  return newest
}

/** The short-lived storage URL GitHub redirects to (the redirect is not followed here). */
export async function downloadUrl(
  octokit: Octokit,
  opts: FetchArtifactOptions,
  id: number
): Promise<string> {
  let response: { status: number; headers: Record<string, unknown> }
  try {
    response = await octokit.request(
      'GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}',
      {
        owner: opts.owner,
        repo: opts.repo,
        artifact_id: id,
        archive_format: 'zip',
        request: { redirect: 'manual' }
      }
    )
  } catch (e) {
    throw apiFailure(e, `downloading artifact ${id}`, 'actions: read')
  }
  const location = response.headers.location
  if (response.status < 300 || response.status >= 400 || typeof location !== 'string') {
    throw new ArtifactError(
      `downloading artifact ${id}: expected a redirect to the storage URL, got ${response.status}`
    )
  }
  return location
}

/**
 * A plain fetch, so the token is never sent to the storage host (the signed URL is the
 * credential), with the byte bound enforced while reading.
 */
export async function download(
  url: string,
  maxBytes: number,
  timeoutMs: number
): Promise<Uint8Array> {
  const host = new URL(url).host
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) })
    if (!response.ok || !response.body) {
      throw new ArtifactError(
        `downloading the artifact from ${host} failed: HTTP ${response.status}`
      )
    }
    const declared = Number(response.headers.get('content-length') ?? 0)
    if (declared > maxBytes)
      throw new ArtifactError(`the artifact is ${declared} bytes, over the ${maxBytes} allowed`)
    const chunks: Uint8Array[] = []
    let size = 0
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      size += chunk.length
      if (size > maxBytes)
        throw new ArtifactError(`the artifact is over the ${maxBytes} bytes allowed`)
      chunks.push(chunk)
    }
    return Buffer.concat(chunks)
  } catch (e) {
    if (e instanceof ArtifactError) throw e
    throw new ArtifactError(`downloading the artifact from ${host} failed: ${(e as Error).message}`)
  }
}

/**
 * The PR number in an artifact is only a claim. It is trusted when the payload's head is the
 * commit the triggering run built (`workflow_run.head_sha`) AND that PR's head is that commit.
 */
export async function verifyPullRequestHead(
  octokit: Octokit,
  opts: {
    owner: string
    repo: string
    prNumber: number
    runHeadSha: string
    payloadHeadSha?: string
    /** `workflow_run.head_repository.full_name`: the PR's head must live there. */
    runHeadRepo?: string
  }
): Promise<PullRequestInfo> {
  if (opts.payloadHeadSha !== undefined && opts.payloadHeadSha !== opts.runHeadSha) {
    throw new ArtifactError(
      `the artifact says it measured ${opts.payloadHeadSha.slice(0, 12)}, but the triggering run built ${opts.runHeadSha.slice(0, 12)}: refusing to post it`
    )
  }
  const pr = await getPullRequest(octokit, opts.owner, opts.repo, opts.prNumber)
  if (pr.headSha !== opts.runHeadSha) {
    throw new ArtifactError(
      `the artifact names PR #${opts.prNumber}, whose head is ${pr.headSha.slice(0, 12)}, not ${opts.runHeadSha.slice(0, 12)} built by the triggering run: refusing to post (a newer push may have superseded it)`
    )
  }
  // Any PR can share a head commit (a fork can open one from the victim's branch tip): the
  // comment goes only to an open PR whose head repository is the one the run built.
  if (pr.state !== 'open') {
    throw new ArtifactError(`PR #${opts.prNumber} is ${pr.state}, not open: refusing to post`)
  }
  if (opts.runHeadRepo !== undefined && pr.headRepo !== opts.runHeadRepo) {
    throw new ArtifactError(
      `PR #${opts.prNumber} comes from ${pr.headRepo ?? 'a deleted repository'}, but the triggering run built ${opts.runHeadRepo}: refusing to post`
    )
  }
  return pr
}
