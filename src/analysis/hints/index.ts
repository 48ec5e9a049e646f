// Hints: what wastes bytes in the image, how many, which layer and instruction, and the fix.
// Pure: an Analysis (plus optional package-database contents and a Dockerfile map) in,
// Hint[] out. The catalog and its rules are documented in docs/hints.md.

import { baseLayerCount, type DockerfileMap } from '../../dockerfile/map.js'
import type { Analysis } from '../analyze.js'
import type { Hint } from '../report.js'
import { distroBaseHint, unstrippedHint } from './binaries.js'
import { detectBuildTools } from './build-tools.js'
import { severityRank } from './catalog.js'
import type { LayerContents } from './content.js'
import { envMap, runOf, type HintContext } from './context.js'
import {
  docs,
  locales,
  logs,
  pythonBytecode,
  sourceArchives,
  tmpFiles,
  vcs
} from './docs-locales-misc.js'
import { LANGUAGE_CACHE_DETECTORS } from './language-caches.js'
import { OS_PACKAGE_DETECTORS } from './os-packages.js'
import { detectRecommends } from './recommends.js'
import { devDependencies, testOutput } from './project.js'
import { pathHints, type PathDetector } from './scan.js'
import { structuralHints } from './structural.js'

export interface HintOptions {
  /** Hint ids to leave out (validated by the caller with validateHintIds). */
  ignore?: readonly string[]
  /** Report Python bytecode shipped next to its sources (off by default: removing it costs start-up time). */
  pythonBytecode?: boolean
  /** The Dockerfile matched to the history: gives hints a file and line. */
  dockerfile?: DockerfileMap
  /** Package-database contents read by the image reader (see content.ts). */
  contents?: LayerContents
  /** Layers below this index are the base image; overrides what the report and Dockerfile say. */
  baseLayers?: number
  /** Bound of `paths` per hint. */
  maxPaths?: number
}

export function detectHints(analysis: Analysis, opts: HintOptions = {}): Hint[] {
  const ignore = new Set(opts.ignore ?? [])
  const ctx = context(analysis, opts)
  const hints: Hint[] = []
  // build-tools runs first and claims its files (a compiler's docs are not also `docs`).
  // Ignored ids are still computed and only hidden, so silencing one id never moves bytes
  // into another.
  const build = detectBuildTools(ctx)
  if (build.hint) hints.push(build.hint)
  for (const p of build.claimed) ctx.claimed.add(p)
  // recommends next: `--no-install-recommends` removes those packages' docs and locales too.
  const recommends = detectRecommends(ctx)
  hints.push(...recommends.hints)
  for (const p of recommends.claimed) ctx.claimed.add(p)
  hints.push(...pathHints(ctx, pathDetectors(opts)))
  for (const h of [unstrippedHint(ctx), distroBaseHint(ctx)]) if (h) hints.push(h)
  hints.push(...structuralHints(ctx, analysis.stack.waste, () => true))
  return sortHints(hints.filter(h => !ignore.has(h.id)))
}

/** Path detectors, most specific first: a file counts for the first one that claims it. */
function pathDetectors(opts: HintOptions): PathDetector[] {
  return [
    ...LANGUAGE_CACHE_DETECTORS,
    ...OS_PACKAGE_DETECTORS,
    devDependencies,
    vcs,
    testOutput,
    ...(opts.pythonBytecode ? [pythonBytecode] : []),
    tmpFiles,
    sourceArchives,
    logs,
    docs,
    locales
  ]
}

function context(analysis: Analysis, opts: HintOptions): HintContext {
  const { report } = analysis
  return {
    live: analysis.stack.live,
    layers: report.image.layers,
    baseLayers: baseLayersOf(analysis, opts),
    imageBytes: report.image.totalBytes,
    env: envMap(analysis),
    ...(opts.contents ? { contents: opts.contents } : {}),
    ...(opts.dockerfile ? { dockerfile: opts.dockerfile } : {}),
    maxPaths: opts.maxPaths ?? 10,
    pythonBytecode: opts.pythonBytecode === true,
    claimed: new Set(),
    ...runOf(analysis),
    elf: (layer, path) => analysis.image.layers[layer]?.read.elf?.get(path)
  }
}

/** Explicit option, else what the report decided, else the Dockerfile match, else none. */
function baseLayersOf(analysis: Analysis, opts: HintOptions): number {
  const image = analysis.report.image
  if (opts.baseLayers !== undefined) return opts.baseLayers
  if (image.baseSource !== 'unknown') return image.baseLayers
  const fromDockerfile = opts.dockerfile
    ? baseLayerCount(opts.dockerfile, image.history)
    : undefined
  return fromDockerfile ?? image.baseLayers
}

/** Most severe first, then most bytes, then id: a stable order for reports and comments. */
export function sortHints(hints: Hint[]): Hint[] {
  return [...hints].sort(
    (a, b) =>
      severityRank(b.severity) - severityRank(a.severity) ||
      b.bytes - a.bytes ||
      a.id.localeCompare(b.id) ||
      (a.layer ?? -1) - (b.layer ?? -1)
  )
}

export {
  CATALOG,
  HINT_IDS,
  catalogEntry,
  docsAnchor,
  severityFor,
  validateHintIds
} from './catalog.js'
export type { CatalogEntry, HintFamily, HintScope } from './catalog.js'
export {
  CONTENT_BUDGET,
  CONTENT_FILE_CAP,
  CONTENT_PATHS,
  CONTENT_TOTAL_CAP,
  ContentCollector,
  contentClass,
  wantsContent,
  type LayerContents
} from './content.js'
export { hintKey, markNewHints, PER_INSTRUCTION_IDS } from './new.js'
export {
  installedPackages,
  isBuildPackage,
  parseApkInstalled,
  parseDpkgStatus
} from './packages.js'
export { isPackageDb } from './structural.js'
