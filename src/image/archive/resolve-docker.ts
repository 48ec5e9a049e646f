// manifest.json (`docker save` since forever, podman, buildx type=docker): config path, tags
// and layer paths in stack order.

import type { ArchiveLayout } from '../types.js'
import { isObject, parseJson, type JsonFiles } from './contents.js'
import { describe, digestFromPath, listSome, manifestPath } from './paths.js'
import {
  imageId,
  layerRefs,
  parseConfig,
  platformOf,
  requireBytes,
  type ImagePlan
} from './plan.js'
import { formatPlatform } from './platform.js'
import { referenceMatches } from './reference.js'
import { allManifests, layerDescriptorsFor, presentPlatforms } from './resolve-index.js'

interface DockerEntry {
  Config: string
  RepoTags: string[]
  Layers: string[]
}

export function resolveDockerManifest(
  files: JsonFiles,
  layout: ArchiveLayout,
  reference: string | undefined
): ImagePlan {
  const entries = parseDockerManifest(requireBytes(files, 'manifest.json', 'manifest.json'))
  const { entry, tag } = pickEntry(entries, reference)
  const configPath = manifestPath(entry.Config, 'manifest.json "Config"')
  const configBytes = requireBytes(
    files,
    configPath,
    `the image config ${configPath} named in manifest.json`
  )
  const config = parseConfig(configBytes, configPath)
  const id = imageId(configBytes)
  // Docker 25+ and containerd exports also carry OCI descriptors: digests, media types, sizes.
  const descriptors = layout === 'docker-oci' ? layerDescriptorsFor(files, id) : undefined
  const layers = entry.Layers.map((raw, i) => {
    const path = manifestPath(raw, `manifest.json "Layers"[${i}]`)
    const fromPath = digestFromPath(path)
    const descriptor = descriptors?.length === entry.Layers.length ? descriptors[i] : undefined
    const matches = descriptor && (!fromPath || descriptor.digest === fromPath)
    return { path, descriptor: matches ? descriptor : fromPath ? { digest: fromPath } : undefined }
  })
  const platform = platformOf(config)
  const plan: ImagePlan = {
    layout,
    id,
    platform,
    platforms: otherPlatforms(files, formatPlatform(platform)),
    config,
    layers: layerRefs(config, layers, 'manifest.json')
  }
  if (tag) plan.reference = tag
  return plan
}

function parseDockerManifest(bytes: Buffer): DockerEntry[] {
  const value = parseJson(bytes, 'manifest.json')
  if (!Array.isArray(value) || value.length === 0) {
    throw new Error(
      `manifest.json should be a non-empty list of images, but it is ${describe(value)}`
    )
  }
  return value.map((raw, i) => {
    const where = `manifest.json [${i}]`
    if (!isObject(raw))
      throw new Error(
        `${where} should be an object with Config and Layers, but it is ${describe(raw)}`
      )
    if (!Array.isArray(raw.Layers))
      throw new Error(`${where} "Layers" should be a list, but it is ${describe(raw.Layers)}`)
    const tags = Array.isArray(raw.RepoTags)
      ? raw.RepoTags.filter((t): t is string => typeof t === 'string')
      : []
    return { Config: raw.Config as string, RepoTags: tags, Layers: raw.Layers as string[] }
  })
}

/** The entry tagged with the asked reference, else the first; and the tag to report. */
function pickEntry(
  entries: DockerEntry[],
  reference: string | undefined
): { entry: DockerEntry; tag?: string } {
  if (reference) {
    for (const entry of entries) {
      const tag = entry.RepoTags.find(t => referenceMatches(reference, t))
      if (tag) return { entry, tag }
      if (reference.startsWith('sha256:') && entry.Config.includes(reference.slice(7)))
        return { entry, tag: entry.RepoTags[0] }
    }
    if (entries.length > 1) {
      const tags = listSome(entries.flatMap(e => e.RepoTags)) || 'no tags'
      throw new Error(
        `image ${reference} is not in manifest.json; it has: ${tags}. Ask for one of those`
      )
    }
  }
  return { entry: entries[0], tag: entries[0].RepoTags[0] }
}

// A containerd export lists every platform of the image in index.json, not only this one.
function otherPlatforms(files: JsonFiles, own: string): string[] {
  if (!files.has('index.json')) return [own]
  return [...new Set([own, ...presentPlatforms(allManifests(files))])].filter(
    p => p !== 'unknown' || p === own
  )
}
