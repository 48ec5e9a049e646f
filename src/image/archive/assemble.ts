// Joins a resolved plan with the layers that were read into the ImageData the analysis takes.

import type { ImageData, LayerRead, ResolvedLayer } from '../types.js'
import type { ImagePlan, LayerRef } from './plan.js'

export type LayerLookup = (ref: LayerRef, index: number) => LayerRead

export function assembleImage(
  plan: ImagePlan,
  layerOf: LayerLookup,
  source: Pick<ImageData['source'], 'kind' | 'path'>
): ImageData {
  const image: ImageData = {
    id: plan.id,
    platform: plan.platform,
    config: plan.config,
    layers: plan.layers.map((ref, i) => resolvedLayer(ref, layerOf(ref, i))),
    source: { ...source, layout: plan.layout, platforms: plan.platforms }
  }
  if (plan.reference) image.reference = plan.reference
  return image
}

function resolvedLayer(ref: LayerRef, read: LayerRead): ResolvedLayer {
  const layer: ResolvedLayer = { diffId: ref.diffId, read }
  if (ref.digest) layer.digest = ref.digest
  if (ref.mediaType) layer.mediaType = ref.mediaType
  if (ref.descriptorSize !== undefined) layer.descriptorSize = ref.descriptorSize
  return layer
}

/** The error for a layer the manifest names but the export left out. */
export function missingLayerError(ref: LayerRef, index: number, count: number): Error {
  return new Error(
    `layer ${index + 1} of ${count} (${ref.digest ?? ref.path}) is not in the archive. ` +
      'The image must be exported with all its layers: with the containerd image store, docker save leaves out ' +
      'layers that are not stored locally, so pull the image (for this platform) first and save it again'
  )
}

export function notALayerError(ref: LayerRef, index: number, count: number): Error {
  return new Error(
    `layer ${index + 1} of ${count} (${ref.digest ?? ref.path}) is not a tar, gzip or zstd blob`
  )
}
