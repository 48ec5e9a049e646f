// JSON Schemas (draft-07) of the report, the stored baseline and the fork-safe measure
// payload. TS consts rather than .json files so ncc bundles them. They guard untrusted input
// (report artifacts uploaded by fork PRs, a data branch anyone with push access can edit):
// every string and array is bounded, numbers are non-negative integers, enums are closed.
// Unknown properties are dropped by the validator (`removeAdditional`), not rejected, so a
// reader keeps working when a newer writer adds an optional field within the same version.

import { SCHEMA_VERSION } from '../analysis/report.js'
import { BOUNDS } from '../model.js'
import {
  MAX_IMAGES,
  MAX_NAME_LENGTH,
  MAX_PLATFORM_LENGTH,
  NAME_PATTERN,
  PLATFORM_PATTERN
} from '../names.js'

type Schema = Record<string, unknown>

const str = (maxLength: number, extra: Schema = {}): Schema => ({
  type: 'string',
  maxLength,
  ...extra
})
const uint: Schema = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER }
const bool: Schema = { type: 'boolean' }
const list = (items: Schema, maxItems: number): Schema => ({ type: 'array', items, maxItems })
const obj = (properties: Record<string, Schema>, required: string[]): Schema => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false
})

export const SHA_PATTERN = '^[0-9a-f]{40}([0-9a-f]{24})?$'

const pathSize = obj({ path: str(BOUNDS.path), bytes: uint, files: uint }, ['path', 'bytes'])

const historyEntry = obj(
  {
    createdBy: str(BOUNDS.text),
    emptyLayer: bool,
    layerIndex: uint,
    created: str(64),
    comment: str(BOUNDS.text)
  },
  ['createdBy', 'emptyLayer']
)

const layerSummary = obj(
  {
    index: uint,
    diffId: str(BOUNDS.id),
    digest: str(BOUNDS.id),
    historyIndex: uint,
    createdBy: str(BOUNDS.text),
    bytes: uint,
    tarBytes: uint,
    compressedBytes: uint,
    compressedEstimated: bool,
    compression: { type: 'string', enum: ['none', 'gzip', 'zstd'] },
    files: uint,
    entries: uint,
    base: bool,
    topFiles: list(pathSize, BOUNDS.topPaths),
    topDirs: list(pathSize, BOUNDS.topPaths),
    dockerfileLine: uint
  },
  [
    'index',
    'diffId',
    'createdBy',
    'bytes',
    'tarBytes',
    'compression',
    'files',
    'entries',
    'base',
    'topFiles',
    'topDirs'
  ]
)

const wasteKind = {
  type: 'string',
  enum: ['deleted', 'overwritten', 'metadata-rewrite', 'duplicate']
}

const wasteItem = obj(
  {
    kind: wasteKind,
    path: str(BOUNDS.path),
    bytes: uint,
    layer: uint,
    hiddenBy: uint,
    files: uint,
    otherPaths: list(str(BOUNDS.path), BOUNDS.otherPaths)
  },
  ['kind', 'path', 'bytes', 'layer', 'files']
)

const wasteSummary = obj(
  {
    reclaimableBytes: uint,
    baseBytes: uint,
    ownBytes: uint,
    byKind: obj({ deleted: uint, overwritten: uint, 'metadata-rewrite': uint, duplicate: uint }, [
      'deleted',
      'overwritten',
      'metadata-rewrite',
      'duplicate'
    ]),
    items: list(wasteItem, BOUNDS.wasteItems),
    itemCount: uint
  },
  ['reclaimableBytes', 'baseBytes', 'ownBytes', 'byKind', 'items', 'itemCount']
)

const hint = obj(
  {
    id: str(BOUNDS.id),
    severity: { type: 'string', enum: ['info', 'warning', 'error'] },
    title: str(BOUNDS.title),
    bytes: uint,
    layer: uint,
    layers: list(uint, BOUNDS.layers),
    instruction: str(BOUNDS.text),
    dockerfile: str(BOUNDS.path),
    dockerfileLine: uint,
    paths: list(pathSize, BOUNDS.hintPaths),
    packages: list(pathSize, BOUNDS.packages),
    fix: str(BOUNDS.fix),
    new: bool
  },
  ['id', 'severity', 'title', 'bytes', 'layers', 'paths', 'fix']
)

const buildInfo = obj(
  {
    durationMs: uint,
    builder: { type: 'string', enum: ['buildx', 'buildkit', 'legacy'] },
    dockerfile: str(BOUNDS.path),
    context: str(BOUNDS.path),
    target: str(BOUNDS.id)
  },
  ['durationMs', 'builder', 'dockerfile', 'context']
)

const textList = list(str(BOUNDS.text), BOUNDS.configList)

const imageSummary = obj(
  {
    reference: str(BOUNDS.path),
    id: str(BOUNDS.id),
    platform: str(BOUNDS.platform),
    source: obj(
      {
        kind: { type: 'string', enum: ['engine', 'archive', 'oci-dir', 'registry'] },
        layout: { type: 'string', enum: ['docker-legacy', 'docker-oci', 'oci'] },
        path: str(BOUNDS.path)
      },
      ['kind', 'layout']
    ),
    config: obj(
      {
        user: str(BOUNDS.id),
        entrypoint: textList,
        cmd: textList,
        workdir: str(BOUNDS.path),
        envNames: list(str(BOUNDS.id), BOUNDS.configList),
        exposedPorts: list(str(BOUNDS.id), BOUNDS.configList)
      },
      ['user', 'entrypoint', 'cmd', 'workdir', 'envNames', 'exposedPorts']
    ),
    totalBytes: uint,
    tarBytes: uint,
    compressedBytes: uint,
    compressedEstimated: bool,
    storedBytes: uint,
    fileCount: uint,
    baseLayers: uint,
    baseSource: { type: 'string', enum: ['dockerfile', 'from-image', 'baseline', 'unknown'] },
    layers: list(layerSummary, BOUNDS.layers),
    history: list(historyEntry, BOUNDS.history)
  },
  [
    'id',
    'platform',
    'source',
    'config',
    'totalBytes',
    'tarBytes',
    'fileCount',
    'baseLayers',
    'baseSource',
    'layers',
    'history'
  ]
)

const ecosystem = { type: 'string', enum: ['dpkg', 'apk', 'rpm', 'python', 'npm', 'gem'] }

/** The content index (report.content); bounds: analysis/content-index.ts INDEX_BOUNDS. */
const contentIndex = obj(
  {
    liveBytes: uint,
    ecosystems: list(ecosystem, 6),
    packages: list(
      obj(
        {
          ecosystem,
          name: str(BOUNDS.id),
          version: str(BOUNDS.id),
          layer: uint,
          bytes: uint,
          files: uint
        },
        ['ecosystem', 'name', 'layer', 'bytes', 'files']
      ),
      BOUNDS.indexPackages
    ),
    unowned: list(pathSize, BOUNDS.indexGroups),
    omitted: obj({ packages: uint, groups: uint, bytes: uint }, ['packages', 'groups', 'bytes']),
    dirs: list(pathSize, BOUNDS.indexDirs),
    dirCut: uint,
    files: list(pathSize, BOUNDS.indexFiles),
    fileCut: uint,
    warnings: list(str(BOUNDS.title), BOUNDS.indexWarnings)
  },
  [
    'liveBytes',
    'ecosystems',
    'packages',
    'unowned',
    'dirs',
    'dirCut',
    'files',
    'fileCut',
    'warnings'
  ]
)

export const REPORT_SCHEMA: Schema = obj(
  {
    schemaVersion: { const: SCHEMA_VERSION },
    tool: obj({ name: { const: 'image-size-guard' }, version: str(64) }, ['name', 'version']),
    generatedAt: str(64, { format: 'date-time' }),
    image: imageSummary,
    waste: wasteSummary,
    hints: list(hint, BOUNDS.hints),
    build: buildInfo,
    content: contentIndex
  },
  ['schemaVersion', 'tool', 'generatedAt', 'image', 'waste', 'hints']
)

export const BASELINE_KIND = 'image-size-guard-baseline'
/**
 * 2: the report may carry `content` (the content index). Version 1 baselines are still read
 * (they compare without package and directory detail).
 */
export const BASELINE_SCHEMA_VERSION = 2
export const READABLE_BASELINE_VERSIONS = [1, 2] as const

export const BASELINE_SCHEMA: Schema = obj(
  {
    schemaVersion: { enum: [...READABLE_BASELINE_VERSIONS] },
    kind: { const: BASELINE_KIND },
    name: str(BOUNDS.id, { minLength: 1 }),
    platform: str(BOUNDS.platform, { minLength: 1 }),
    sha: str(64, { pattern: SHA_PATTERN }),
    branch: str(BOUNDS.id),
    recordedAt: str(64, { format: 'date-time' }),
    report: REPORT_SCHEMA
  },
  ['schemaVersion', 'kind', 'name', 'platform', 'sha', 'branch', 'recordedAt', 'report']
)

export const MEASURE_KIND = 'image-size-guard-measure'
export const MEASURE_SCHEMA_VERSION = 1

export const MEASURE_SCHEMA: Schema = obj(
  {
    schemaVersion: { const: MEASURE_SCHEMA_VERSION },
    kind: { const: MEASURE_KIND },
    prNumber: { type: 'integer', minimum: 1, maximum: 2 ** 31 },
    headSha: str(64, { pattern: SHA_PATTERN }),
    baseSha: str(64, { pattern: SHA_PATTERN }),
    results: list(
      obj(
        {
          // A fork writes these: strict shapes, checked before anything is printed.
          name: str(MAX_NAME_LENGTH, { pattern: NAME_PATTERN }),
          platform: str(MAX_PLATFORM_LENGTH, { pattern: PLATFORM_PATTERN }),
          dockerfile: str(BOUNDS.path),
          report: REPORT_SCHEMA
        },
        ['name', 'platform', 'report']
      ),
      MAX_IMAGES
    )
  },
  ['schemaVersion', 'kind', 'prNumber', 'headSha', 'baseSha', 'results']
)

export const INDEX_KIND = 'image-size-guard-index'
export const INDEX_SCHEMA_VERSION = 1

const indexEntry = obj(
  {
    sha: str(64, { pattern: SHA_PATTERN }),
    recordedAt: str(64, { format: 'date-time' }),
    totalBytes: uint,
    compressedBytes: uint,
    path: str(1024)
  },
  ['sha', 'recordedAt', 'totalBytes', 'path']
)

/** index.json of the data branch: per `<safeName>/<platformKey>`, entries newest first. */
export const INDEX_SCHEMA: Schema = obj(
  {
    schemaVersion: { const: INDEX_SCHEMA_VERSION },
    kind: { const: INDEX_KIND },
    images: {
      type: 'object',
      maxProperties: 10_000,
      propertyNames: { maxLength: 512 },
      additionalProperties: obj(
        {
          name: str(BOUNDS.id),
          platform: str(BOUNDS.platform),
          entries: list(indexEntry, 100_000)
        },
        ['name', 'platform', 'entries']
      )
    }
  },
  ['schemaVersion', 'kind', 'images']
)
