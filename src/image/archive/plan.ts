// The result of resolving an archive's manifests, before layers are attached, plus the
// checks shared by the manifest.json and index.json paths.

import { createHash } from 'node:crypto'
import type { ArchiveLayout, Descriptor, ImageConfigJson, Platform } from '../types.js'
import { isObject, parseObject, stringRecord, type JsonFiles } from './contents.js'
import { tidyConfig } from './config.js'
import { checkDigest, describe } from './paths.js'

export interface LayerRef {
  /** Archive path of the blob (before links are followed). */
  path: string
  diffId: string
  digest?: string
  mediaType?: string
  descriptorSize?: number
}

export interface ImagePlan {
  layout: ArchiveLayout
  /** `sha256:` + hex of the config blob's digest. */
  id: string
  reference?: string
  platform: Platform
  /** Runnable platforms present in the source, as `os/arch[/variant]`. */
  platforms: string[]
  config: ImageConfigJson
  layers: LayerRef[]
}

export function imageId(configBytes: Buffer): string {
  return `sha256:${createHash('sha256').update(configBytes).digest('hex')}`
}

/** Bytes of a JSON document the image cannot do without. */
export function requireBytes(files: JsonFiles, path: string, what: string): Buffer {
  const bytes = files.bytes(path)
  if (bytes === undefined) throw new Error(`${what} is not in the archive (looked for ${path})`)
  return bytes
}

export function parseConfig(bytes: Buffer, name: string): ImageConfigJson {
  const config = tidyConfig(parseObject(bytes, name, 'an image config'))
  const diffIds = config.rootfs?.diff_ids
  if (!Array.isArray(diffIds) || !diffIds.every(d => typeof d === 'string')) {
    throw new Error(
      `${name} is not an image config: it has no rootfs.diff_ids list (found ${describe(config.rootfs)})`
    )
  }
  return config
}

export function configPlatform(config: ImageConfigJson): Platform | undefined {
  if (typeof config.os !== 'string' || typeof config.architecture !== 'string') return undefined
  const variant =
    typeof config.variant === 'string' && config.variant ? { variant: config.variant } : {}
  return { os: config.os, architecture: config.architecture, ...variant }
}

/** Config platform, else the descriptor's, else the unknown platform (old configs omit it). */
export function platformOf(config: ImageConfigJson, fallback?: Platform): Platform {
  return configPlatform(config) ?? fallback ?? { os: 'unknown', architecture: 'unknown' }
}

/** Pairs the manifest's layers with the config's DiffIDs, which must agree in number. */
export function layerRefs(
  config: ImageConfigJson,
  layers: { path: string; descriptor?: Descriptor }[],
  manifestName: string
): LayerRef[] {
  const diffIds = config.rootfs?.diff_ids ?? []
  if (diffIds.length !== layers.length) {
    throw new Error(
      `the image config lists ${diffIds.length} layers (rootfs.diff_ids) but ${manifestName} lists ${layers.length}; the archive is inconsistent`
    )
  }
  return layers.map(({ path, descriptor }, i) => {
    const ref: LayerRef = { path, diffId: diffIds[i] }
    if (descriptor?.digest) ref.digest = descriptor.digest
    if (descriptor?.mediaType) ref.mediaType = descriptor.mediaType
    if (typeof descriptor?.size === 'number') ref.descriptorSize = descriptor.size
    return ref
  })
}

/** Validates one descriptor (index entry, manifest config or layer). */
export function parseDescriptor(raw: unknown, where: string): Descriptor {
  if (!isObject(raw))
    throw new Error(`${where} should be a descriptor object, but it is ${describe(raw)}`)
  const digest = checkDigest(raw.digest, where)
  const d: Descriptor = { digest }
  if (typeof raw.mediaType === 'string') d.mediaType = raw.mediaType
  if (typeof raw.size === 'number' && Number.isSafeInteger(raw.size) && raw.size >= 0)
    d.size = raw.size
  const platform = raw.platform
  if (
    isObject(platform) &&
    typeof platform.os === 'string' &&
    typeof platform.architecture === 'string'
  ) {
    d.platform = { os: platform.os, architecture: platform.architecture }
    if (typeof platform.variant === 'string' && platform.variant)
      d.platform.variant = platform.variant
  }
  if (isObject(raw.annotations)) d.annotations = stringRecord(raw.annotations)
  return d
}

/** A list field that must be an array (`manifests`, `layers`). */
export function arrayField(obj: Record<string, unknown>, key: string, name: string): unknown[] {
  const value = obj[key]
  if (value === null || value === undefined) return []
  if (!Array.isArray(value))
    throw new Error(`${name} "${key}" should be a list, but it is ${describe(value)}`)
  return value
}
