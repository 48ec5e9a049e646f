// The stored baseline (pure): a trimmed report plus where and when it was measured, how it is
// validated when read back, and the names it is stored under.

import { createHash } from 'node:crypto'
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import ajvFormats, { type FormatsPlugin } from 'ajv-formats'
import { SCHEMA_VERSION, type Hint, type Report } from '../analysis/report.js'
import {
  BASELINE_KIND,
  BASELINE_SCHEMA,
  BASELINE_SCHEMA_VERSION,
  SHA_PATTERN
} from './report-schema.js'
import { BOUNDS } from '../model.js'

export { BASELINE_KIND, BASELINE_SCHEMA_VERSION } from './report-schema.js'

export interface Baseline {
  /** 1: written before the content index; read, never written. */
  schemaVersion: typeof BASELINE_SCHEMA_VERSION | 1
  kind: typeof BASELINE_KIND
  /** The image's name in the config (input `name`). */
  name: string
  /** `os/arch[/variant]` */
  platform: string
  /** Commit the image was built from. */
  sha: string
  /** Branch the commit was recorded on (e.g. main). */
  branch: string
  recordedAt: string
  report: Report
}

export interface BaselineMeta {
  name: string
  platform: string
  sha: string
  branch: string
  recordedAt?: Date
}

/** A baseline file larger than this is refused unread (a trimmed report is ~10-100 kB). */
export const MAX_BASELINE_BYTES = 16 * 1024 * 1024

/** What a baseline keeps of the waste items and hint lists (largest first). */
export const TRIM = { wasteItems: 20, otherPaths: 10, hintPaths: 20, packages: 50 } as const

/** Unreadable: not JSON, or not the shape we write. Readers treat it as "no baseline". */
export class BaselineFormatError extends Error {
  override name = 'BaselineFormatError'
}

/** Written by a newer image-size-guard: never read as ours, never overwritten. */
export class NewerSchemaError extends Error {
  override name = 'NewerSchemaError'
  constructor(
    readonly where: string,
    readonly found: number
  ) {
    super(
      `${where} was recorded by a newer image-size-guard (schema ${found}, this one reads ${BASELINE_SCHEMA_VERSION}); update the action`
    )
  }
}

// ----- validation --------------------------------------------------------------------------

let ajv: Ajv | undefined
const compiled = new Map<object, ValidateFunction>()

function validatorFor(schema: object): ValidateFunction {
  let validate = compiled.get(schema)
  if (!validate) {
    if (!ajv) {
      // Unknown properties are removed rather than rejected (see report-schema.ts).
      ajv = new Ajv({ allErrors: false, removeAdditional: true, logger: false, strict: true })
      const addFormats = ((ajvFormats as unknown as { default?: FormatsPlugin }).default ??
        ajvFormats) as unknown as FormatsPlugin
      addFormats(ajv, ['date-time'])
    }
    validate = ajv.compile(schema)
    compiled.set(schema, validate)
  }
  return validate
}

function describe(errors: ErrorObject[] | null | undefined): string {
  const e = errors?.[0]
  if (!e) return 'does not match the schema'
  const at = e.instancePath || '(top level)'
  const allowed = (e.params as { allowedValues?: unknown[] }).allowedValues
  return `${at} ${e.message ?? 'is invalid'}${allowed ? ` (${allowed.join(', ')})` : ''}`
}

/** Validates (and strips unknown properties from) `value`; throws naming `where`. */
export function validateAgainst<T>(value: unknown, schema: object, where: string, what: string): T {
  const validate = validatorFor(schema)
  if (!validate(value)) {
    throw new BaselineFormatError(`${where} is not a valid ${what}: ${describe(validate.errors)}`)
  }
  return value as T
}

/** JSON.parse with a size bound; errors name `where`. */
export function parseJsonBounded(text: string, maxBytes: number, where: string): unknown {
  const bytes = Buffer.byteLength(text, 'utf8')
  if (bytes > maxBytes) {
    throw new BaselineFormatError(
      `${where} is ${bytes} bytes, over the ${maxBytes} bytes allowed; refusing to read it`
    )
  }
  try {
    return JSON.parse(text) as unknown
  } catch (e) {
    throw new BaselineFormatError(`${where} is not valid JSON: ${(e as Error).message}`)
  }
}

/** Throws NewerSchemaError when the document or its report comes from a newer writer. */
export function checkNotNewer(value: unknown, where: string, ours: number): void {
  const v = value as { schemaVersion?: unknown; report?: { schemaVersion?: unknown } } | null
  if (typeof v !== 'object' || v === null) return
  if (typeof v.schemaVersion === 'number' && v.schemaVersion > ours) {
    throw new NewerSchemaError(where, v.schemaVersion)
  }
  const inner = v.report?.schemaVersion
  if (typeof inner === 'number' && inner > SCHEMA_VERSION) throw new NewerSchemaError(where, inner)
}

/** Reads a stored baseline; `where` names the file in errors. */
export function parseBaseline(text: string, where: string): Baseline {
  const value = parseJsonBounded(text, MAX_BASELINE_BYTES, where)
  checkNotNewer(value, where, BASELINE_SCHEMA_VERSION)
  return validateAgainst<Baseline>(value, BASELINE_SCHEMA, where, 'image-size-guard baseline')
}

/**
 * Before a write replaces the baseline stored for the same commit: one we cannot read (corrupt,
 * or from a newer version) is evidence someone should look at, refused and never overwritten.
 * `deleteHint` says how to clear the way (`delete that file on \`branch\``).
 */
export function refuseUnreadable(text: string, where: string, deleteHint: string): void {
  try {
    parseBaseline(text, where)
  } catch (e) {
    if (e instanceof NewerSchemaError) throw new Error(`${e.message}. Not overwriting it.`)
    if (!(e instanceof BaselineFormatError)) throw e
    throw new Error(`${e.message}. Not overwriting it: ${deleteHint} to record this commit again`)
  }
}

export function serializeBaseline(baseline: Baseline): string {
  return `${JSON.stringify(baseline, null, 2)}\n`
}

// ----- trimming ----------------------------------------------------------------------------

/**
 * What comparison, hints and rendering need, bounded: every layer (with its top files and
 * dirs), the history, the largest waste items and the hints with their largest paths. Long
 * strings are clipped to the schema's bounds so our own output always validates.
 */
export function trimReport(report: Report): Report {
  const r = structuredClone(report)
  r.waste.items = r.waste.items.slice(0, TRIM.wasteItems).map(item => ({
    ...item,
    ...(item.otherPaths ? { otherPaths: item.otherPaths.slice(0, TRIM.otherPaths) } : {})
  }))
  r.hints = r.hints.slice(0, BOUNDS.hints).map(trimHint)
  r.image.layers = r.image.layers.map(l => ({
    ...l,
    topFiles: l.topFiles.slice(0, BOUNDS.topPaths),
    topDirs: l.topDirs.slice(0, BOUNDS.topPaths)
  }))
  r.image.history = r.image.history.slice(0, BOUNDS.history)
  if (r.content) r.content.warnings = r.content.warnings.slice(0, BOUNDS.indexWarnings)
  return clipStrings(r) as Report
}

function trimHint(h: Hint): Hint {
  return {
    ...h,
    layers: h.layers.slice(0, BOUNDS.layers),
    paths: h.paths.slice(0, TRIM.hintPaths),
    ...(h.packages ? { packages: h.packages.slice(0, TRIM.packages) } : {})
  }
}

// Per-key string bounds (matching report-schema.ts); other strings are short by construction.
const STRING_BOUNDS: Record<string, number> = {
  createdBy: BOUNDS.text,
  instruction: BOUNDS.text,
  comment: BOUNDS.text,
  path: BOUNDS.path,
  otherPaths: BOUNDS.path,
  reference: BOUNDS.path,
  dockerfile: BOUNDS.path,
  context: BOUNDS.path,
  workdir: BOUNDS.path,
  title: BOUNDS.title,
  fix: BOUNDS.fix,
  entrypoint: BOUNDS.text,
  cmd: BOUNDS.text,
  diffId: BOUNDS.id,
  digest: BOUNDS.id,
  id: BOUNDS.id,
  user: BOUNDS.id,
  target: BOUNDS.id,
  envNames: BOUNDS.id,
  exposedPorts: BOUNDS.id,
  platform: BOUNDS.platform,
  // content index: package names and versions, warnings
  name: BOUNDS.id,
  version: BOUNDS.id,
  warnings: BOUNDS.title
}

function clipStrings(value: unknown, key = ''): unknown {
  if (typeof value === 'string') {
    const max = STRING_BOUNDS[key]
    return max !== undefined && value.length > max ? `${value.slice(0, max - 1)}…` : value
  }
  if (Array.isArray(value)) return value.map(v => clipStrings(v, key))
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = clipStrings(v, k)
    return out
  }
  return value
}

/** The baseline to store for a report measured at `meta.sha`. */
export function toBaseline(report: Report, meta: BaselineMeta): Baseline {
  if (!new RegExp(SHA_PATTERN).test(meta.sha)) {
    throw new Error(`cannot record a baseline for "${meta.sha}": expected a full commit sha`)
  }
  return {
    schemaVersion: BASELINE_SCHEMA_VERSION,
    kind: BASELINE_KIND,
    name: meta.name.slice(0, BOUNDS.id),
    platform: meta.platform.slice(0, BOUNDS.platform),
    sha: meta.sha,
    branch: meta.branch.slice(0, BOUNDS.id),
    recordedAt: (meta.recordedAt ?? new Date()).toISOString(),
    report: trimReport(report)
  }
}

// ----- names in paths ----------------------------------------------------------------------

const MAX_NAME = 80

/**
 * A path segment for `name`: only `[A-Za-z0-9._-]`, never starting with `.` or `-` (no `..`,
 * no `.git`, no hidden files), at most 80 characters. When anything had to change, a hash
 * of the original is appended so two different names never share a directory.
 */
export function safeName(name: string): string {
  const cleaned = name
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .replace(/\.{2,}/g, '_')
    .replace(/^[.-]+/, '_')
  if (cleaned === name && cleaned.length > 0 && cleaned.length <= MAX_NAME) return cleaned
  const hash = createHash('sha256').update(name, 'utf8').digest('hex').slice(0, 10)
  return `${cleaned.slice(0, MAX_NAME - hash.length - 1) || '_'}-${hash}`
}

/** `linux/arm64/v8` → `linux-arm64-v8`, then the rules of safeName. */
export function platformKey(platform: string): string {
  return safeName(platform.replace(/\//g, '-'))
}

/** `<safeName>/<platformKey>`: the directory of an image's baselines (and its index key). */
export function imageKey(name: string, platform: string): string {
  return `${safeName(name)}/${platformKey(platform)}`
}

/** `baselines/<safeName>/<platformKey>/<sha>.json` */
export function baselinePath(name: string, platform: string, sha: string): string {
  if (!new RegExp(SHA_PATTERN).test(sha)) {
    throw new Error(`"${sha.slice(0, 80)}" is not a full commit sha`)
  }
  return `baselines/${imageKey(name, platform)}/${sha}.json`
}
