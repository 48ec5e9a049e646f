// Is a result acceptable? A rejection must be an Error whose message is one clean line naming
// the problem; a resolved image or report must be sane. Everything else is `bad`.

import type { Analysis } from '../../src/analysis/analyze.js'
import { trimReport, validateAgainst } from '../../src/baseline/schema.js'
import { REPORT_SCHEMA } from '../../src/baseline/report-schema.js'
import type { ImageData } from '../../src/image/types.js'
import type { Outcome } from './types.js'

export interface Verdict {
  outcome: Outcome
  detail: string
}

const MAX_MESSAGE = 2000
const MAX_WARNING = 8192
const MAX_WARNINGS = 1000

/** JavaScript's own errors escaping as if they were messages about the input. */
const INTERNAL = [
  /Cannot read propert/,
  /Cannot set propert/,
  /is not a function/,
  /is not iterable/,
  /is not defined/,
  /Maximum call stack/,
  /Invalid array length/,
  /Invalid string length/,
  /Array buffer allocation failed/,
  /out of memory/i,
  /\bERR_[A-Z_]+\b/,
  /Cannot convert/,
  /Reduce of empty array/
]

const INTERNAL_TYPES = new Set([
  'TypeError',
  'RangeError',
  'ReferenceError',
  'SyntaxError',
  'EvalError'
])

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/

/** The checks a rejection must pass; undefined when the message is clear. */
export function errorProblem(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || typeof (err as Error).message !== 'string') {
    return `rejected with a non-Error: ${String(err).slice(0, 100)}`
  }
  const message = (err as Error).message
  if (message.trim() === '') return 'an empty error message'
  if (/[\r\n]/.test(message)) return 'a multi-line error message'
  if (message.length > MAX_MESSAGE) return `an error message of ${message.length} characters`
  if (CONTROL.test(message)) return 'control characters in the error message'
  if (/\[object \w+\]/.test(message)) return '"[object …]" in the error message'
  // Our own words must never say undefined/NaN; a quoted excerpt of the input may, and so
  // may JSON.parse's excerpt of the document after `is not valid JSON:`.
  const ownWords = message
    .replace(/ is not valid JSON: .*$/, '')
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
  if (/\bundefined\b|\bNaN\b/.test(ownWords)) return '"undefined"/"NaN" in the error message'
  const internal = INTERNAL.find(re => re.test(message))
  if (internal) return `a JavaScript error surfaced as the message (${internal.source})`
  const type = internalCause(err)
  if (type) return `an internal ${type} underneath the message`
  if (/\blimit\b/i.test(message) && !/--max-(entries|path-length|json-size)/.test(message)) {
    return 'a limit was hit but the message does not say how to raise it'
  }
  return undefined
}

function internalCause(err: unknown): string | undefined {
  for (let e = err, depth = 0; e && depth < 10; e = (e as Error).cause, depth++) {
    const name = (e as Error).name ?? (e as object).constructor?.name
    if (INTERNAL_TYPES.has(name)) return name
  }
  return undefined
}

export function classifyError(err: unknown): Verdict {
  const problem = errorProblem(err)
  const message = String((err as Error)?.message ?? err).slice(0, 300)
  if (problem) return { outcome: 'bad', detail: `${problem}: ${JSON.stringify(message)}` }
  return { outcome: 'clear-error', detail: message }
}

export function warningProblem(warnings: string[]): string | undefined {
  if (warnings.length > MAX_WARNINGS) return `${warnings.length} warnings (a flood in the log)`
  const long = warnings.find(w => w.length > MAX_WARNING)
  if (long) return `a warning of ${long.length} characters`
  const multi = warnings.find(w => /[\r\n]/.test(w) || CONTROL.test(w))
  if (multi)
    return `a warning with line breaks or control characters: ${JSON.stringify(multi.slice(0, 120))}`
  return undefined
}

// ----- resolved values -------------------------------------------------------------------------

function isCount(n: unknown): boolean {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0
}

function badPath(path: string): boolean {
  return path.startsWith('/') || path.split('/').includes('..')
}

/** Sanity of what a reader resolved with; undefined when sane. */
export function imageProblem(image: ImageData): string | undefined {
  const diffIds = image.config?.rootfs?.diff_ids
  if (!Array.isArray(diffIds) || diffIds.length !== image.layers.length) {
    return `${image.layers.length} layers but ${Array.isArray(diffIds) ? diffIds.length : 'no'} diff_ids`
  }
  if (!/^sha256:[0-9a-f]{64}$/.test(image.id)) return `image id ${JSON.stringify(image.id)}`
  for (const [i, layer] of image.layers.entries()) {
    const problem = layerProblem(layer.read, layer.descriptorSize)
    if (problem) return `layer ${i}: ${problem}`
  }
  return undefined
}

function layerProblem(
  read: ImageData['layers'][number]['read'],
  descriptorSize?: number
): string | undefined {
  const counts = {
    tarBytes: read.tarBytes,
    blobBytes: read.blobBytes,
    descriptorSize,
    estimatedGzipBytes: read.estimatedGzipBytes,
    skippedEntries: read.skippedEntries
  }
  for (const [key, value] of Object.entries(counts)) {
    if (value !== undefined && !isCount(value)) return `${key} is ${value}`
  }
  for (const e of read.entries) {
    for (const key of ['size', 'mode', 'uid', 'gid'] as const) {
      if (!isCount(e[key]))
        return `entry ${JSON.stringify(e.path.slice(0, 60))} has ${key} ${e[key]}`
    }
    if (badPath(e.path)) return `entry path ${JSON.stringify(e.path.slice(0, 60))} leaves the root`
    if (e.kind === 'hardlink' && e.linkname !== undefined && badPath(e.linkname)) {
      return `hard link target ${JSON.stringify(e.linkname.slice(0, 60))} leaves the root`
    }
  }
  return undefined
}

/** Every number in the report is a byte count, index or count: a non-negative safe integer. */
function numberProblem(value: unknown, at: string, depth = 0): string | undefined {
  if (depth > 64) return `${at} nests too deep`
  if (typeof value === 'number') return isCount(value) ? undefined : `${at} is ${value}`
  if (typeof value !== 'object' || value === null) return undefined
  for (const [k, v] of Object.entries(value)) {
    const problem = numberProblem(v, `${at}.${k}`, depth + 1)
    if (problem) return problem
  }
  return undefined
}

export function reportProblem(analysis: Analysis, image: ImageData): string | undefined {
  const report = analysis.report
  if (report.image.layers.length !== image.layers.length) {
    return `report has ${report.image.layers.length} layers, the image ${image.layers.length}`
  }
  const numbers = numberProblem(report, 'report')
  if (numbers) return numbers
  const paths = [
    ...report.image.layers.flatMap(l => [...l.topFiles, ...l.topDirs].map(p => p.path)),
    ...report.waste.items.flatMap(w => [w.path, ...(w.otherPaths ?? [])]),
    ...report.hints.flatMap(h => h.paths.map(p => p.path))
  ]
  // Report paths are absolute by design (`/usr/bin/x`): only `..` segments are wrong there.
  const escaping = paths.find(p => p.split('/').includes('..'))
  if (escaping !== undefined)
    return `report path ${JSON.stringify(escaping.slice(0, 60))} leaves the root`
  try {
    JSON.parse(JSON.stringify(report))
  } catch (err) {
    return `the report does not serialise: ${(err as Error).message}`
  }
  return schemaProblem(analysis)
}

/** The trimmed report (what a baseline stores) must validate when read back. */
function schemaProblem(analysis: Analysis): string | undefined {
  try {
    validateAgainst(trimReport(analysis.report), REPORT_SCHEMA, 'report', 'report')
    return undefined
  } catch (err) {
    return `the stored report would not validate: ${(err as Error).message.slice(0, 200)}`
  }
}

export function describeImage(image: ImageData, analysis?: Analysis): string {
  const entries = image.layers.reduce((n, l) => n + l.read.entries.length, 0)
  const base = `${image.source.layout}, ${image.layers.length} layers, ${entries} entries`
  return analysis
    ? `${base}, ${analysis.report.image.totalBytes} B, ${analysis.report.hints.length} hints`
    : base
}
