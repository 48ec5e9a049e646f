// The shared pipeline of the action and the CLI: read an image, match its history to the
// Dockerfile (when known), analyse it, and name the waste.

import { readFileSync } from 'node:fs'
import { analyzeImage, type Analysis } from './analysis/analyze.js'
import { buildContentIndex, RPM_DATABASES, type RpmInput } from './analysis/content-index.js'
import { mapHistory, withoutBuildArgs } from './analysis/history.js'
import {
  ContentCollector,
  liveContent,
  wantsContent,
  type LayerContents
} from './analysis/hints/content.js'
import type { LiveNode } from './analysis/stack.js'
import { readRpmDb } from './image/rpmdb.js'
import { ALL_PLATFORMS } from './names.js'
import { detectHints } from './analysis/hints/index.js'
import type { ImageSummary } from './analysis/report.js'
import {
  baseLayerCount,
  mapDockerfileToHistory,
  matchForLayer,
  type DockerfileMap
} from './dockerfile/index.js'
import { baseLayersFromImage } from './image/docker.js'
import { UsageError } from './errors.js'
import { keepYoungGenerationSmall } from './image/heap.js'
import type { RegistryOptions } from './image/registry/client.js'
import { readRegistryImages } from './image/registry/read-registry.js'
import { isRegistrySource } from './image/registry/reference.js'
import { readImage, type SourceOptions } from './image/source.js'
import type { ImageData } from './image/types.js'
import type { Limits } from './inputs.js'
import { VERSION } from './version.js'
import type { BuildInfo } from './model.js'

export interface DockerfileSource {
  /** Path as shown to people (repository-relative in the action). */
  path: string
  /** Where to read it from. */
  file: string
  buildArgs?: Record<string, string>
  target?: string
}

export { ALL_PLATFORMS }

export interface MeasureOptions {
  platform?: string
  estimateCompressed: boolean
  limits: Limits
  dockerfile?: DockerfileSource
  ignoreHints?: string[]
  pythonBytecode?: boolean
  build?: BuildInfo
  /** The build args the image was built with: their `KEY=value` never reach the report. */
  buildArgs?: Record<string, string>
  onProgress?: (bytes: number, total?: number) => void
  onWarning?: (message: string) => void
  /** Credentials and insecure hosts for `docker://` sources. */
  registry?: RegistryOptions
}

export async function measure(source: string, opts: MeasureOptions): Promise<Analysis> {
  const image = await readImage(source, readOptions(opts))
  return analyse(image, opts)
}

/**
 * Every platform asked for: `platform: all` measures each platform of a registry index (one
 * analysis per platform, in the index's order); any other platform gives one analysis.
 */
export async function measureEach(source: string, opts: MeasureOptions): Promise<Analysis[]> {
  if (opts.platform !== ALL_PLATFORMS) return [await measure(source, opts)]
  if (!isRegistrySource(source)) {
    throw new UsageError(
      `platform "all" measures every platform of an image index in a registry: give a docker://HOST/REPO:TAG image (not ${source}), or one platform`
    )
  }
  keepYoungGenerationSmall()
  const images = await readRegistryImages(source, readOptions(opts))
  const out: Analysis[] = []
  for (const image of images) out.push(await analyse(image, opts))
  return out
}

function readOptions(opts: MeasureOptions): SourceOptions {
  return {
    ...(opts.platform ? { platform: opts.platform } : {}),
    estimateCompressed: opts.estimateCompressed,
    maxEntries: opts.limits.maxEntries,
    maxPathLength: opts.limits.maxPathLength,
    maxJsonBytes: opts.limits.maxJsonBytes,
    wantContent: wantsContent,
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    ...(opts.onWarning ? { onWarning: opts.onWarning } : {}),
    ...(opts.registry ? { registry: opts.registry } : {})
  }
}

/** Everything after reading: pure but for reading the Dockerfile and asking the engine for FROM. */
export async function analyse(read: ImageData, opts: MeasureOptions): Promise<Analysis> {
  const buildArgs = { ...opts.dockerfile?.buildArgs, ...opts.buildArgs }
  const image = Object.keys(buildArgs).length ? scrubHistory(read, buildArgs) : read
  const { history } = mapHistory(image.config.history, image.layers.length)
  const map = opts.dockerfile ? readDockerfileMap(opts.dockerfile, history) : undefined
  const base = await baseOf(image, map, history)
  const from = map?.base?.image
  const analysis = analyzeImage(image, {
    toolVersion: VERSION,
    ...(base ? { base } : {}),
    ...(from && from !== 'scratch' ? { fromImage: from } : {})
  })
  const report = analysis.report
  if (map) {
    for (const layer of report.image.layers) {
      const line = matchForLayer(map, report.image.layers, layer.index)?.line
      if (line !== undefined) layer.dockerfileLine = line
    }
  }
  const contents = collectContents(image)
  report.hints = detectHints(analysis, {
    ...(opts.ignoreHints ? { ignore: opts.ignoreHints } : {}),
    ...(opts.pythonBytecode ? { pythonBytecode: true } : {}),
    ...(map ? { dockerfile: map } : {}),
    contents,
    baseLayers: report.image.baseLayers
  })
  report.content = buildContentIndex(
    analysis.stack.live,
    contents,
    await rpmOf(analysis.stack.live, contents)
  )
  for (const w of report.content.warnings) opts.onWarning?.(`content index: ${w}`)
  if (opts.build) report.build = opts.build
  return analysis
}

function scrubHistory(image: ImageData, buildArgs: Record<string, string>): ImageData {
  const history = image.config.history?.map(h =>
    h.created_by === undefined
      ? h
      : { ...h, created_by: withoutBuildArgs(h.created_by, buildArgs) ?? '' }
  )
  return history ? { ...image, config: { ...image.config, history } } : image
}

function readDockerfileMap(
  d: DockerfileSource,
  history: ReturnType<typeof mapHistory>['history']
): DockerfileMap {
  let text: string
  try {
    text = readFileSync(d.file, 'utf8')
  } catch (e) {
    throw new Error(
      `cannot read the Dockerfile ${d.path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`
    )
  }
  return mapDockerfileToHistory(text, d.path, history, {
    ...(d.buildArgs ? { buildArgs: d.buildArgs } : {}),
    ...(d.target ? { target: d.target } : {})
  })
}

/**
 * The base image's layers: best from the FROM image itself (its DiffIDs are a prefix of
 * ours), else from where the Dockerfile's own instructions start in the history.
 */
async function baseOf(
  image: ImageData,
  map: DockerfileMap | undefined,
  history: ReturnType<typeof mapHistory>['history']
): Promise<{ layers: number; source: ImageSummary['baseSource'] } | undefined> {
  if (!map) return undefined
  const from = map.base?.image
  if (from && from !== 'scratch') {
    const n = await baseLayersFromImage(
      from,
      image.layers.map(l => l.diffId)
    )
    if (n !== undefined) return { layers: n, source: 'from-image' }
  }
  if (from === 'scratch' && map.ownStart !== undefined) return { layers: 0, source: 'dockerfile' }
  const n = baseLayerCount(map, history)
  return n === undefined ? undefined : { layers: n, source: 'dockerfile' }
}

/** The package databases the reader kept, as the hint detectors want them (live version wins). */
function collectContents(image: ImageData): LayerContents {
  const collector = new ContentCollector()
  image.layers.forEach((layer, i) => {
    for (const [path, data] of layer.read.contents ?? []) {
      if (collector.wants(i, path, data.length)) collector.add(i, path, data)
    }
  })
  return collector.contents()
}

/** The rpm database of the final filesystem, read through node:sqlite when there is one. */
async function rpmOf(
  live: ReadonlyMap<string, LiveNode>,
  contents: LayerContents
): Promise<RpmInput | undefined> {
  for (const source of RPM_DATABASES) {
    const bytes = liveContent(contents, live, source)
    if (bytes) return { source, ...(await readRpmDb(bytes)) }
  }
  return undefined
}
