// The fast mode's summary of a registry image, per platform: compressed size in total and per
// layer (what a node downloads), with the history instruction of each layer. Pure.

import { formatPlatform } from '../image/archive/platform.js'
import type { RegistryInspection, RegistryManifest } from '../image/registry/inspect.js'
import { mapHistory } from './history.js'

export interface CompressedLayer {
  index: number
  digest: string
  diffId: string
  mediaType?: string
  compressedBytes: number
  createdBy: string
}

export interface CompressedImage {
  platform: string
  manifestDigest: string
  /** Image id: digest of the config. */
  id: string
  created?: string
  /** Σ compressed layer sizes. */
  compressedBytes: number
  configBytes: number
  layers: CompressedLayer[]
}

export interface CompressedSummary {
  reference: string
  digest: string
  /** Every runnable platform the reference offers. */
  platforms: string[]
  images: CompressedImage[]
}

export function summarizeCompressed(inspection: RegistryInspection): CompressedSummary {
  return {
    reference: inspection.reference,
    digest: inspection.digest,
    platforms: inspection.platforms,
    images: inspection.manifests.map(compressedImage)
  }
}

function compressedImage(m: RegistryManifest): CompressedImage {
  const diffIds = m.config.rootfs?.diff_ids ?? []
  const { history } = mapHistory(m.config.history, m.layers.length)
  const layers = m.layers.map((d, index) => ({
    index,
    digest: d.digest,
    diffId: diffIds[index] ?? '',
    ...(d.mediaType ? { mediaType: d.mediaType } : {}),
    compressedBytes: d.size ?? 0,
    createdBy: history.find(h => h.layerIndex === index)?.createdBy ?? '(missing)'
  }))
  return {
    platform: formatPlatform(m.platform),
    manifestDigest: m.manifestDigest,
    id: m.id,
    ...(m.config.created ? { created: m.config.created } : {}),
    compressedBytes: layers.reduce((sum, l) => sum + l.compressedBytes, 0),
    configBytes: m.configSize,
    layers
  }
}
