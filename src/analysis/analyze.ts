// ImageData → Report (without hints): per-layer sizes, history, largest paths, waste.

import type { ImageData, LayerEntry, Platform, ResolvedLayer } from '../image/types.js'
import { instructionOf, mapHistory, MISSING } from './history.js'
import { largestDirs, largestFiles } from './largest.js'
import {
  SCHEMA_VERSION,
  type ImageSummary,
  type Report,
  type WasteItem,
  type WasteKind,
  type WasteSummary
} from './report.js'
import { stackLayers, type StackResult } from './stack.js'
import { BOUNDS, type LayerSummary, type PathSize } from '../model.js'

export interface AnalyzeOptions {
  toolVersion: string
  /** Bottom layers that come from the base image, when an adapter knows. */
  base?: { layers: number; source: ImageSummary['baseSource'] }
  /** The Dockerfile's FROM image, when known: names base layers that have no history. */
  fromImage?: string
  now?: Date
  topFiles?: number
  topDirs?: number
  wasteItems?: number
}

/** The report plus the in-memory model that hint detectors read. */
export interface Analysis {
  report: Report
  stack: StackResult
  image: ImageData
}

export function analyzeImage(image: ImageData, opts: AnalyzeOptions): Analysis {
  const stack = stackLayers(image.layers.map(l => l.read))
  const { history, layerHistory } = mapHistory(image.config.history, image.layers.length)
  const baseCount = Math.min(opts.base?.layers ?? 0, image.layers.length)
  const layers = image.layers.map((l, i) =>
    summariseLayer(
      l,
      i,
      layerHistory[i],
      instructionOf(history, layerHistory[i]),
      i < baseCount,
      opts
    )
  )
  nameUnnamed(layers, opts.fromImage)
  const summary: ImageSummary = {
    ...(image.reference ? { reference: image.reference } : {}),
    id: image.id,
    platform: platformString(image.platform),
    source: {
      kind: image.source.kind,
      layout: image.source.layout,
      ...(image.source.path ? { path: image.source.path } : {})
    },
    config: configSummary(image),
    totalBytes: sum(layers.map(l => l.bytes)),
    tarBytes: sum(layers.map(l => l.tarBytes)),
    ...compressedTotal(layers),
    ...(image.storedBytes !== undefined ? { storedBytes: image.storedBytes } : {}),
    fileCount: countLiveFiles(stack),
    baseLayers: baseCount,
    baseSource: opts.base?.source ?? 'unknown',
    layers,
    history
  }
  const report: Report = {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'image-size-guard', version: opts.toolVersion },
    generatedAt: (opts.now ?? new Date()).toISOString(),
    image: summary,
    waste: summariseWaste(stack.waste, baseCount, opts.wasteItems ?? 100),
    hints: []
  }
  return { report, stack, image }
}

/** Said for a layer no history row describes (short history), instead of a bare `(missing)`. */
export const NO_HISTORY = '(no history)'
export const BASE_NO_HISTORY = '(base image layer, no history)'

/**
 * Layers without history: a base layer is named after the FROM image when it is known; the
 * bottom layers of an image (a `docker import`ed or squashed base) say they are base layers.
 */
function nameUnnamed(layers: LayerSummary[], fromImage: string | undefined): void {
  let bottom = true
  for (const l of layers) {
    if (l.createdBy !== MISSING) {
      bottom = false
      continue
    }
    if (l.base && fromImage) l.createdBy = `FROM ${fromImage}`
    else l.createdBy = bottom || l.base ? BASE_NO_HISTORY : NO_HISTORY
  }
}

export function platformString(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/')
}

/** Paths in reports are absolute, as a user types them. */
export function displayPath(path: string): string {
  return `/${path}`
}

function summariseLayer(
  l: ResolvedLayer,
  index: number,
  historyIndex: number | undefined,
  createdBy: string,
  base: boolean,
  opts: AnalyzeOptions
): LayerSummary {
  const { files, bytes } = fileTotals(l.read.entries)
  const layer: LayerSummary = {
    index,
    diffId: l.diffId,
    ...(l.digest ? { digest: l.digest } : {}),
    ...(historyIndex !== undefined ? { historyIndex } : {}),
    createdBy,
    bytes,
    tarBytes: l.read.tarBytes,
    ...compressedOf(l),
    compression: l.read.compression,
    files,
    entries: l.read.entries.length,
    base,
    topFiles: absolute(largestFiles(l.read.entries, opts.topFiles ?? 10)),
    topDirs: absolute(largestDirs(l.read.entries, opts.topDirs ?? 10))
  }
  return layer
}

function fileTotals(entries: LayerEntry[]): { files: number; bytes: number } {
  let files = 0
  let bytes = 0
  for (const e of entries) {
    if (e.kind !== 'file') continue
    files++
    bytes += e.size
  }
  return { files, bytes }
}

function compressedOf(
  l: ResolvedLayer
): Pick<LayerSummary, 'compressedBytes' | 'compressedEstimated'> {
  if (l.read.compression !== 'none') return { compressedBytes: l.read.blobBytes }
  if (l.read.estimatedGzipBytes !== undefined) {
    return { compressedBytes: l.read.estimatedGzipBytes, compressedEstimated: true }
  }
  if (l.descriptorSize !== undefined && l.mediaType && /gzip|zstd/.test(l.mediaType)) {
    return { compressedBytes: l.descriptorSize }
  }
  return {}
}

function compressedTotal(
  layers: LayerSummary[]
): Pick<ImageSummary, 'compressedBytes' | 'compressedEstimated'> {
  if (layers.length === 0 || layers.some(l => l.compressedBytes === undefined)) return {}
  const estimated = layers.some(l => l.compressedEstimated)
  return {
    compressedBytes: sum(layers.map(l => l.compressedBytes ?? 0)),
    ...(estimated ? { compressedEstimated: true } : {})
  }
}

function configSummary(image: ImageData): ImageSummary['config'] {
  const c = image.config.config ?? {}
  // A config is untrusted input: lists are capped at the report's bound (strings are clipped
  // where every report is bounded, trimReport in baseline/schema.ts).
  const list = (items: string[]): string[] => items.slice(0, BOUNDS.configList)
  return {
    user: c.User ?? '',
    entrypoint: list(c.Entrypoint ?? []),
    cmd: list(c.Cmd ?? []),
    workdir: c.WorkingDir ?? '',
    envNames: list((c.Env ?? []).map(e => e.split('=', 1)[0])),
    exposedPorts: list(Object.keys(c.ExposedPorts ?? {}))
  }
}

function countLiveFiles(stack: StackResult): number {
  let n = 0
  for (const node of stack.live.values()) if (node.entry.kind === 'file') n++
  return n
}

function summariseWaste(items: WasteItem[], baseCount: number, limit: number): WasteSummary {
  const byKind: Record<WasteKind, number> = {
    deleted: 0,
    overwritten: 0,
    'metadata-rewrite': 0,
    duplicate: 0
  }
  let base = 0
  for (const it of items) {
    byKind[it.kind] += it.bytes
    if (it.layer < baseCount) base += it.bytes
  }
  const total = sum(items.map(i => i.bytes))
  const top = [...items]
    .sort((a, b) => b.bytes - a.bytes || a.path.localeCompare(b.path))
    .slice(0, limit)
    .map(i => ({
      ...i,
      path: displayPath(i.path),
      ...(i.otherPaths ? { otherPaths: i.otherPaths.map(displayPath) } : {})
    }))
  return {
    reclaimableBytes: total,
    baseBytes: base,
    ownBytes: total - base,
    byKind,
    items: top,
    itemCount: items.length
  }
}

function absolute(list: PathSize[]): PathSize[] {
  return list.map(p => ({ ...p, path: displayPath(p.path) }))
}

export function sum(values: number[]): number {
  let s = 0
  for (const v of values) s += v
  return s
}
