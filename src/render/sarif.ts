// Hints as SARIF 2.1.0, the format code scanning (github/codeql-action/upload-sarif) and
// other finding collectors read: one run of the tool, one rule per catalog id that has a
// result, one result per hint located at its Dockerfile line, the bytes it would save as a
// property, and, when the rewriter has a mechanical fix, that fix as a SARIF `fix`. Pure.

import { createHash } from 'node:crypto'
import type { Fix, Log, ReportingDescriptor, Result } from 'sarif'
import type { Hint, Severity } from '../analysis/report.js'
import { CATALOG, hintKey } from '../analysis/hints/index.js'
import { rewritesFor } from '../dockerfile/rewrite.js'
import { formatBytes } from '../units.js'

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json'

export interface SarifImage {
  name: string
  platform: string
  hints: Hint[]
}

export interface SarifOptions {
  version: string
  /** Dockerfile path (as in the hints) → its text, for the `fixes`. */
  dockerfiles?: ReadonlyMap<string, string>
}

const LEVEL: Record<Severity, Result.level> = { error: 'error', warning: 'warning', info: 'note' }

export function renderSarif(images: readonly SarifImage[], opts: SarifOptions): Log {
  const used = new Set(images.flatMap(i => i.hints.map(h => h.id)))
  const entries = CATALOG.filter(e => used.has(e.id))
  const index = new Map(entries.map((e, i) => [e.id, i]))
  const rules: ReportingDescriptor[] = entries.map(e => ({
    id: e.id,
    name: e.id.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase()),
    shortDescription: { text: e.title },
    fullDescription: { text: `${e.title}. Fix: ${e.fix}` },
    help: {
      text: `${e.title}. Fix: ${e.fix}. See docs/hints.md#${e.id} of image-size-guard.`,
      markdown: `**${e.title}**\n\nFix: ${e.fix}\n\nSee \`docs/hints.md#${e.id}\` of image-size-guard.`
    },
    defaultConfiguration: { level: LEVEL[e.maxSeverity] },
    properties: { tags: ['container-image', 'image-size', e.family] }
  }))
  const results = images.flatMap(image =>
    image.hints.map(h => result(image, h, index.get(h.id) ?? 0, opts))
  )
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'image-size-guard', version: opts.version, rules } },
        results,
        columnKind: 'unicodeCodePoints'
      }
    ]
  }
}

function result(image: SarifImage, h: Hint, ruleIndex: number, opts: SarifOptions): Result {
  const where = h.instruction ? ` (${h.instruction.slice(0, 200)})` : ''
  const text = `${image.name} (${image.platform}): ${h.title}, ${formatBytes(h.bytes)}${where}. ${h.fix}`
  const location = h.dockerfile
    ? {
        physicalLocation: {
          artifactLocation: { uri: uriOf(h.dockerfile) },
          ...(h.dockerfileLine !== undefined ? { region: { startLine: h.dockerfileLine } } : {})
        }
      }
    : undefined
  const fix = fixOf(h, opts)
  return {
    ruleId: h.id,
    ruleIndex,
    level: LEVEL[h.severity],
    message: { text },
    ...(location ? { locations: [location] } : {}),
    partialFingerprints: {
      'imageSizeGuardHint/v1': createHash('sha256')
        .update(`${image.name}\0${image.platform}\0${hintKey(h)}`)
        .digest('hex')
        .slice(0, 32)
    },
    ...(fix ? { fixes: [fix] } : {}),
    properties: {
      bytes: h.bytes,
      image: image.name,
      platform: image.platform,
      ...(h.layer !== undefined ? { layer: h.layer } : {}),
      ...(h.new !== undefined ? { new: h.new } : {}),
      paths: h.paths.slice(0, 10).map(p => ({ path: p.path, bytes: p.bytes }))
    }
  }
}

/** The rewrite of the hint's instruction (this hint's fix alone) as a SARIF fix. */
function fixOf(h: Hint, opts: SarifOptions): Fix | undefined {
  const text = h.dockerfile ? opts.dockerfiles?.get(h.dockerfile) : undefined
  if (!text || !h.dockerfile) return undefined
  const [r] = rewritesFor(text, [h])
  if (!r) return undefined
  return {
    description: { text: `Rewrite the instruction for ${h.id}` },
    artifactChanges: [
      {
        artifactLocation: { uri: uriOf(h.dockerfile) },
        replacements: [
          {
            deletedRegion: { startLine: r.line, endLine: r.endLine },
            insertedContent: { text: r.after.join('\n') }
          }
        ]
      }
    ]
  }
}

/** A repository-relative path as a relative URI reference (`docker/Dockerfile`). */
function uriOf(path: string): string {
  return path
    .replace(/\\/g, '/')
    .replace(/^(?:\.\/)+/, '')
    .split('/')
    .map(encodeURIComponent)
    .join('/')
}
